// Restore follows validator set changes (docs/backup.md "Trust"): a backup
// taken after governance changed the set restores, the restore checking
// each change through a certificate of the set before it; backups whose
// certificates come from a set that was never installed, or whose state
// history was altered, are refused with the check that failed.
#include <gtest/gtest.h>
#include <leveldb/db.h>

#include <filesystem>

#include "chain/store_backup.h"
#include "node/restore_trust.h"
#include "tests/node/node_cluster.h"
#include "tests/node/rpc_test_node.h"

namespace corridor::node {
namespace {

using contracts::DevKey;
namespace fs = std::filesystem;

PublicKey Key(std::string_view name) {
  return DevKey(name).public_key();
}

// What `corridord restore` passes for the network of `doc`.
RestoreOptions RestoreInto(const contracts::GenesisDoc& doc, const fs::path& file,
                           const fs::path& dir) {
  RestoreOptions o = RestoreTrust(doc).value();
  o.in_path = file.string();
  o.store.path = (dir / "chain").string();
  return o;
}

// The state history key of `key` at `height` (docs/state.md §6).
Bytes HistoryKey(const Bytes& key, uint64_t height) {
  Bytes k;
  k.reserve(3 + key.size() + 8);
  k.push_back('v');
  k.push_back(static_cast<uint8_t>(key.size() >> 8));
  k.push_back(static_cast<uint8_t>(key.size()));
  for (uint8_t b : key) k.push_back(b);
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<uint8_t>(height >> (8 * i)));
  return k;
}
leveldb::Slice AsSlice(const Bytes& b) {
  return leveldb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

// Real consensus: validator-5 added and validator-1 removed at a height; a
// backup taken after it restores against the genesis set alone, and the
// restored node joins and agrees.
TEST(RestoreFollowsValidatorSets, BackupTakenAfterAValidatorChangeRestoresAndJoins) {
  testing::Cluster c(4);
  ASSERT_EQ(c.AddNode(DevKey("validator-5"), c.root() / "v5"), 4u);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  const uint64_t at = c.height(1) + contracts::kValidatorChangeDelay + 3;
  const Address alice = Address::FromPublicKey(Key("alice"));
  ASSERT_TRUE(c.core(1)
                  .SubmitTransaction(
                      c.Tx("admin", 0,
                           ProposeValidatorChange{ValidatorChangeKind::kAdd, Key("validator-5"),
                                                  PublicKey{}, alice, at},
                           "admin: partner node joins"))
                  .ok());
  ASSERT_TRUE(c.core(1)
                  .SubmitTransaction(
                      c.Tx("admin", 1,
                           ProposeValidatorChange{ValidatorChangeKind::kRemove, Key("validator-1"),
                                                  PublicKey{}, Address{}, at},
                           "admin: validator-1 decommissioned"))
                  .ok());
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(at + 4); }, 120'000));
  const fs::path file = c.root() / "after-change.backup";
  auto m = WriteBackup(c.store(2), file.string());
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_GE(m->height, at);
  // The backed-up block is certified by the new set, which the genesis set
  // alone cannot check: what the restore refused before it followed changes.
  auto cert = c.store(2).blocks().CertificateAt(m->height);
  ASSERT_TRUE(cert.has_value());
  std::vector<PublicKey> genesis_set;
  for (const auto& v : c.genesis().validators) genesis_set.push_back(v.key);
  EXPECT_FALSE(cert->Verify(c.genesis().chain_id, genesis_set));

  const fs::path home = c.root() / "restored";
  auto report = RestoreBackup(RestoreInto(c.genesis(), file, home));
  ASSERT_TRUE(report) << report.error().code << ": " << report.error().message;
  EXPECT_EQ(report->validator_set_changes, std::vector<uint64_t>{at});
  EXPECT_EQ(report->checkpoints, 2u);  // block at-1 (genesis set), the backup's block (new set)

  const size_t joined = c.AddNode(DevKey("observer-1"), home);
  EXPECT_EQ(c.height(joined), m->height);
  const uint64_t target = c.height(2) + 3;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(joined) >= target; }, 60'000));
  c.ExpectAgreement();
  const uint64_t h = c.height(joined);
  EXPECT_EQ(c.store(joined).state().Root(), c.store(joined).blocks().HeaderAt(h)->state_root);
}

// A chain built block by block with the certificate signers chosen per
// block: validator-4 is rekeyed to validator-5 from height kChangeAt (admin
// proposal in block 1); blocks from then on are certified without
// validator-1, with validator-5.
class RestoreChain : public ::testing::Test {
 protected:
  static constexpr uint64_t kChangeAt = 1 + contracts::kValidatorChangeDelay;  // 9

  void BuildTo(uint64_t height) {
    while (node_.height() < height) {
      const uint64_t next = node_.height() + 1;
      TransactionPtr pay = node_.Pay("alice", "bob", "USD", next);
      if (next >= kChangeAt && new_set_signs_) {
        node_.certificate_signers = {"validator-2", "validator-3", "validator-5"};
      }
      if (next != 1) {
        node_.Commit({pay});
        continue;
      }
      node_.Commit(
          {pay, node_.Tx("admin",
                         ProposeValidatorChange{ValidatorChangeKind::kRekey, Key("validator-4"),
                                                Key("validator-5"), Address{}, kChangeAt},
                         "admin: validator-4 moves to new hardware")});
    }
  }
  fs::path Backup(const std::string& name) {
    const fs::path file = dir_ / (name + ".backup");
    auto m = WriteBackup(node_.chain(), file.string());
    EXPECT_TRUE(m) << m.error().message;
    return file;
  }
  Result<RestoreReport> Restore(const fs::path& file, const std::string& name) {
    auto r = RestoreBackup(RestoreInto(doc_, file, dir_ / name));
    if (!r) {
      EXPECT_FALSE(fs::exists(dir_ / name / "chain")) << "a refused restore removes its store";
    }
    return r;
  }
  leveldb::DB& db() { return node_.chain().db(); }

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("corridor-restore-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // False: validators 1-3 (members of both sets) keep certifying after the
  // change, so every certificate verifies against the genesis set as well.
  bool new_set_signs_ = true;
  contracts::GenesisDoc doc_ = contracts::DevNetworkGenesis(4);
  testing::TestNode node_;
  fs::path dir_;
};

TEST_F(RestoreChain, BackupsBeforeAtAndAfterTheChangeRestore) {
  BuildTo(kChangeAt - 1);
  auto before = Restore(Backup("before"), "r-before");
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_TRUE(before->validator_set_changes.empty());
  EXPECT_EQ(before->checkpoints, 1u);

  BuildTo(kChangeAt);
  auto at = Restore(Backup("at"), "r-at");
  ASSERT_TRUE(at) << at.error().message;
  EXPECT_EQ(at->validator_set_changes, std::vector<uint64_t>{kChangeAt});

  BuildTo(kChangeAt + 4);
  const fs::path after = Backup("after");
  auto r = Restore(after, "r-after");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->validator_set_changes, std::vector<uint64_t>{kChangeAt});
  EXPECT_EQ(r->checkpoints, 2u);

  // Another network's genesis: its block 0 is not this one.
  RestoreOptions other = RestoreInto(contracts::DevNetworkGenesis(7), after, dir_ / "r-other");
  other.expected_chain_id = doc_.chain_id;
  auto refused = RestoreBackup(other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "genesis_mismatch") << refused.error().message;
}

// The attacker holds the admin key and four keys that were never validators.
// It replaces the set by rekeying every validator to its keys, and certifies
// every block from the proposal on with them: the last block's certificate
// matches the set the backup's own state records, but the block before the
// change is not certified by the genesis set that was in force then.
TEST_F(RestoreChain, CertificatesOfASetThatWasNeverInstalledAreRefused) {
  for (int i = 1; i <= 4; ++i) {
    node_.Commit({node_.Tx(
        "admin",
        ProposeValidatorChange{ValidatorChangeKind::kRekey, Key("validator-" + std::to_string(i)),
                               Key("forger-" + std::to_string(i)), Address{},
                               1 + contracts::kValidatorChangeDelay + 4},
        "forged")});
    node_.certificate_signers = {"forger-1", "forger-2", "forger-3"};
  }
  while (node_.height() < 16) node_.Commit({node_.Pay("alice", "bob", "USD", 1)});
  const auto recorded = contracts::ReadValidators(node_.chain().state());
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_TRUE(std::count(recorded.begin(), recorded.end(), Key("forger-1")));
  auto cert = node_.chain().blocks().CertificateAt(16);
  ASSERT_TRUE(cert->Verify(doc_.chain_id, recorded)) << "consistent with the backup's own state";

  auto r = Restore(Backup("forged"), "r-forged");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "certificate_invalid");
  EXPECT_NE(r.error().message.find("commit certificate of block 12 does not verify against the "
                                   "genesis validator set"),
            std::string::npos)
      << r.error().message;
}

// The set change's past value deleted from the state history: the history no
// longer ends where the state is.
TEST_F(RestoreChain, AHiddenSetChangeIsRefused) {
  BuildTo(kChangeAt + 3);
  ASSERT_TRUE(db().Delete(leveldb::WriteOptions(),
                          AsSlice(HistoryKey(contracts::ValidatorSetKey(), kChangeAt)))
                  .ok());
  auto r = Restore(Backup("hidden"), "r-hidden");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "state_history_mismatch");
  EXPECT_NE(r.error().message.find("is not its value in the state"), std::string::npos)
      << r.error().message;
}

// The change hidden completely: its past value deleted and the genesis value
// of the set rewritten to the new set, so the history is consistent with the
// state and names no change. Validators 1-3 certify every block, so the last
// certificate verifies against the genesis set too; but the certified state
// says another set decided the block.
TEST_F(RestoreChain, AChangeHiddenBehindCertificatesBothSetsSignIsRefused) {
  new_set_signs_ = false;
  BuildTo(kChangeAt + 3);
  const Bytes set_key = contracts::ValidatorSetKey();
  std::string now;
  ASSERT_TRUE(db().Get(leveldb::ReadOptions(), AsSlice(HistoryKey(set_key, kChangeAt)), &now).ok());
  ASSERT_TRUE(db().Delete(leveldb::WriteOptions(), AsSlice(HistoryKey(set_key, kChangeAt))).ok());
  ASSERT_TRUE(db().Put(leveldb::WriteOptions(), AsSlice(HistoryKey(set_key, 0)), now).ok());
  auto r = Restore(Backup("hidden-all"), "r-hidden-all");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "validator_set_mismatch");
  EXPECT_NE(r.error().message.find("the state of block " + std::to_string(kChangeAt + 3) +
                                   " says another validator set decided it"),
            std::string::npos)
      << r.error().message;
}

// A past value altered at a height before the change: the state rolled back
// to the last block of the genesis set no longer has that block's root.
TEST_F(RestoreChain, AlteredPastStateIsRefusedAtTheCheckpoint) {
  BuildTo(kChangeAt + 3);
  // alice's nonce is written by every block she pays in; change the value it
  // had at height 5 (later versions exist, so the latest still matches).
  const Bytes key = contracts::AccountKey(testing::Addr("alice"));
  std::string old;
  ASSERT_TRUE(db().Get(leveldb::ReadOptions(), AsSlice(HistoryKey(key, 5)), &old).ok());
  old.back() ^= 0x01;
  ASSERT_TRUE(db().Put(leveldb::WriteOptions(), AsSlice(HistoryKey(key, 5)), old).ok());
  // Heights 5..8 must read the altered value: delete alice's versions 6..8.
  for (uint64_t h = 6; h < kChangeAt; ++h) {
    ASSERT_TRUE(db().Delete(leveldb::WriteOptions(), AsSlice(HistoryKey(key, h))).ok());
  }
  auto r = Restore(Backup("altered"), "r-altered");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "state_history_mismatch");
  EXPECT_NE(r.error().message.find("rolled back to height 8"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace corridor::node

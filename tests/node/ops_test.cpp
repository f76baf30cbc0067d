// What operators rely on, against an in-process network in simulated time:
// /metrics parses as Prometheus text and its counters move as blocks commit;
// /health says 503 while a node is behind and 200 once it has caught up, and
// chain_getInfo's sync progress is filled in meanwhile.
#include <gtest/gtest.h>
#include <leveldb/db.h>

#include <fstream>
#include <thread>

#include "chain/store_backup.h"
#include "node/observe.h"
#include "node/restore_trust.h"
#include "node/rpc_meter.h"
#include "tests/node/node_cluster.h"
#include "tests/node/rpc_test_node.h"
#include "tests/support/prometheus.h"

namespace corridor::node {
namespace {

using contracts::DevKey;
using testing::Cluster;
namespace fs = std::filesystem;

ObservedNode Observe(Cluster& c, size_t i) {
  ObservedNode o;
  o.status = c.core(i).GetStatus();
  o.now_ms = c.clock.now;
  o.validators = c.core(i).Validators().size();
  o.is_validator = true;
  o.peers_connected = c.size() - 1;
  o.db_size_bytes = c.store(i).DiskBytes();
  return o;
}

TEST(Metrics, ParseAsPrometheusTextAndCountersMoveAsBlocksCommit) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  const auto before = corridor::testing::ParseExposition(RenderMetrics(Observe(c, 1)));
  ASSERT_EQ(before.error, "");
  for (uint64_t nonce = 0; nonce < 12; ++nonce) {
    ASSERT_TRUE(c.core(nonce % 4).SubmitTransaction(c.Payment("alice", "bob", nonce, 5)).ok());
  }
  const uint64_t h = c.height(1);
  ASSERT_TRUE(c.clock.RunUntil(
      [&] { return c.core(1).GetStatus().committed_txs >= 12 && c.height(1) >= h + 3; }, 30'000));
  const auto after = corridor::testing::ParseExposition(RenderMetrics(Observe(c, 1)));
  ASSERT_EQ(after.error, "");

  EXPECT_GT(after.Get("corridor_height"), before.Get("corridor_height"));
  EXPECT_GE(after.Get("corridor_blocks_committed_total"),
            before.Get("corridor_blocks_committed_total") + 3);
  const std::string paid = "corridor_transactions_committed_total{op=\"payment\",result=\"ok\"}";
  EXPECT_EQ(before.Get(paid), -1) << "no payment committed before";
  EXPECT_EQ(after.Get(paid), 12);
  EXPECT_GT(after.Get("corridor_block_store_seconds_count"),
            before.Get("corridor_block_store_seconds_count"));
  EXPECT_GT(after.Get("corridor_block_execute_seconds_count"),
            before.Get("corridor_block_execute_seconds_count"));
  EXPECT_GT(after.Get("corridor_consensus_phase_seconds_count{phase=\"commit\"}"),
            before.Get("corridor_consensus_phase_seconds_count{phase=\"commit\"}"));
  // Simulated network: 2 ms per hop, so a commit phase is a few ms, not 0 and not seconds.
  const double commit_phase = after.Get("corridor_consensus_phase_seconds_sum{phase=\"commit\"}") /
                              after.Get("corridor_consensus_phase_seconds_count{phase=\"commit\"}");
  EXPECT_GT(commit_phase, 0.001);
  EXPECT_LT(commit_phase, 0.1);
  EXPECT_GT(after.Get("corridor_db_size_bytes"), 0);
  EXPECT_EQ(after.types.at("corridor_rpc_messages_total"), "counter");
}

TEST(Metrics, RpcMeterCountsCallsErrorsAndLatencyPerMethod) {
  rpc::MethodTable table;
  RpcMeter meter;
  MeteredRegistry<rpc::MethodTable> metered(table, meter);
  ASSERT_TRUE(metered.Register(
      "echo", [](const rpc::Params& p, const rpc::CallContext&) -> rpc::MethodResult {
        if (auto e = p.RejectUnknown({})) return std::move(*e);
        return rpc::Json::Bool(true);
      }));
  rpc::Dispatcher d(table, rpc::DispatchLimits{}, nullptr);
  rpc::CallContext ctx;
  d.Handle(R"({"jsonrpc":"2.0","id":1,"method":"echo"})", ctx);
  d.Handle(R"({"jsonrpc":"2.0","id":2,"method":"echo","params":{"x":1}})", ctx);
  d.Handle(R"({"jsonrpc":"2.0","id":3,"method":"nosuch"})", ctx);
  const auto figures = meter.Figures();
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].method, "echo");
  EXPECT_EQ(figures[0].latency.count, 2u);
  EXPECT_EQ(figures[0].errors, 1u);
  ObservedNode o;
  o.rpc_methods = figures;
  const auto text = corridor::testing::ParseExposition(RenderMetrics(o));
  ASSERT_EQ(text.error, "");
  EXPECT_EQ(text.Get("corridor_rpc_requests_total{method=\"echo\"}"), 2);
  EXPECT_EQ(text.Get("corridor_rpc_errors_total{method=\"echo\"}"), 1);
  EXPECT_EQ(text.Get("corridor_rpc_request_duration_seconds_count{method=\"echo\"}"), 2);
}

TEST(Health, Is503WhileBehindAnd200AfterCatchingUp) {
  // Small sync batches, so that catching up takes several round trips.
  Cluster c(4, nullptr, [](NodeCoreOptions& o) { o.sync_batch_blocks = 8; });
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  EXPECT_EQ(CheckHealth(Observe(c, 3)).http_status, 200);
  c.Cut(3);
  for (uint64_t nonce = 0; nonce < 12; ++nonce) {
    ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", nonce, 1)).ok());
  }
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= 40; }, 120'000));
  c.Heal(3);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.core(3).GetStatus().syncing; }, 10'000))
      << "height " << c.height(3) << " of " << c.height(0);
  const HealthVerdict behind = CheckHealth(Observe(c, 3));
  EXPECT_EQ(behind.http_status, 503);
  EXPECT_NE(behind.body.find("\"status\":\"syncing\""), std::string::npos) << behind.body;
  EXPECT_NE(behind.body.find("behind"), std::string::npos) << behind.body;
  const NodeStatus s = c.core(3).GetStatus();
  EXPECT_GT(s.sync.blocks_behind, 20u);
  EXPECT_GE(s.sync.target_height, 35u);
  // After some blocks have been adopted the rate and an estimate are known.
  ASSERT_TRUE(c.clock.RunUntil(
      [&] {
        const NodeStatus p = c.core(3).GetStatus();
        return !p.syncing || p.sync.blocks_per_second > 0;
      },
      10'000));
  const uint64_t target = c.height(0);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(3) >= target; }, 30'000));
  ASSERT_TRUE(c.clock.RunUntil([&] { return !c.core(3).GetStatus().syncing; }, 10'000));
  const HealthVerdict current = CheckHealth(Observe(c, 3));
  EXPECT_EQ(current.http_status, 200) << current.body;
  c.ExpectAgreement();
}

std::vector<PublicKey> GenesisValidators(const Cluster& c) {
  std::vector<PublicKey> keys;
  for (const auto& v : c.genesis().validators) keys.push_back(v.key);
  return keys;
}

RestoreOptions Restore(const Cluster& c, const fs::path& file, const fs::path& home) {
  RestoreOptions o = RestoreTrust(c.genesis()).value();
  o.in_path = file.string();
  o.store.path = (home / "chain").string();
  return o;
}

// A backup taken from a validator while the network commits blocks (on
// another thread than the commits) restores to a node that joins as an
// observer, catches up by block sync and agrees with the validators.
TEST(Backup, TakenWhileCommittingRestoresToANodeThatAgrees) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  const fs::path file = c.root() / "live.backup";
  std::atomic<bool> done{false};
  Result<BackupManifest> manifest = MakeError("not_run", "");
  uint64_t nonce = 0;
  const uint64_t started_at = c.height(1);
  std::thread backup([&] {
    manifest = WriteBackup(c.store(1), file.string());
    done = true;
  });
  while (!done) {
    ASSERT_TRUE(c.core(nonce % 4).SubmitTransaction(c.Payment("alice", "bob", nonce, 3)).ok());
    ++nonce;
    c.clock.RunFor(60);
  }
  backup.join();
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_GE(manifest->height, started_at);
  // More blocks after the backup: the restored node must sync them.
  for (int k = 0; k < 10; ++k, ++nonce) {
    ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", nonce, 3)).ok());
  }
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= manifest->height + 5; }, 30'000));

  auto verified = VerifyBackup(file.string());
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->block_hash, manifest->block_hash);

  const fs::path home = c.root() / "restored";
  auto report = RestoreBackup(Restore(c, file, home));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->checkpoints, 1u);  // no set change: the backed-up block only
  EXPECT_GT(report->state_keys, 10u);

  const size_t joined = c.AddNode(DevKey("observer-1"), home);
  EXPECT_EQ(c.height(joined), manifest->height) << "starts at the backup's height";
  ASSERT_TRUE(c.clock.RunUntil(
      [&] { return c.height(joined) >= c.height(0) && c.core(0).GetStatus().mempool_txs == 0; },
      60'000));
  c.ExpectAgreement();
  EXPECT_EQ(c.Balance(joined, "bob"), c.Balance(0, "bob"));
  EXPECT_EQ(c.store(joined).state().Root(), c.store(0).state().Root());
}

// A validator whose disk was lost is rebuilt from another validator's backup
// (snapshot join) and takes part in consensus again.
TEST(Backup, ValidatorRebuiltFromABackupRejoinsConsensus) {
  Cluster c(4);
  for (uint64_t nonce = 0; nonce < 10; ++nonce) {
    ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", nonce, 1)).ok());
  }
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(6); }, 30'000));
  const fs::path file = c.root() / "v1.backup";
  ASSERT_TRUE(WriteBackup(c.store(0), file.string()));
  c.Kill(3);
  fs::remove_all(c.dir(3) / "chain");
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= 15; }, 60'000));
  auto report = RestoreBackup(Restore(c, file, c.dir(3)));
  ASSERT_TRUE(report) << report.error().message;
  c.Open(3);
  const uint64_t target = c.height(0) + 3;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(target); }, 60'000));
  c.ExpectAgreement();
  // Kill another validator: the rebuilt one is needed for a quorum of 3.
  c.Kill(1);
  const uint64_t h = c.height(0);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(3) >= h + 3; }, 60'000));
  c.ExpectAgreement();
}

// Flips one byte of `file` at `offset` into `out`.
void Tamper(const fs::path& file, const fs::path& out, uint64_t offset) {
  fs::copy_file(file, out, fs::copy_options::overwrite_existing);
  std::fstream f(out, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char b = 0;
  f.read(&b, 1);
  b = static_cast<char>(b ^ 0x01);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&b, 1);
}

TEST(Backup, TamperedBackupIsRefusedSayingWhichCheckFailed) {
  Cluster c(4);
  for (uint64_t nonce = 0; nonce < 6; ++nonce) {
    ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", nonce, 1)).ok());
  }
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(4); }, 30'000));
  const fs::path file = c.root() / "good.backup";
  auto m = WriteBackup(c.store(0), file.string());
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->sections.size(), 3u);
  EXPECT_FALSE(WriteBackup(c.store(0), file.string())) << "never overwrites";

  auto refused = [&](const fs::path& f, const std::string& home) {
    auto r = RestoreBackup(Restore(c, f, c.root() / home));
    EXPECT_FALSE(fs::exists(c.root() / home / "chain")) << "partial restore removed";
    return r ? Error{} : r.error();
  };
  // One bit of a state value.
  const auto& state = m->sections[1];
  ASSERT_EQ(state.name, "state");
  Tamper(file, c.root() / "state.backup", state.offset + state.bytes / 2);
  Error e = refused(c.root() / "state.backup", "r1");
  EXPECT_EQ(e.code, "backup_section_checksum");
  EXPECT_NE(e.message.find("section 'state' checksum mismatch"), std::string::npos) << e.message;
  EXPECT_EQ(VerifyBackup((c.root() / "state.backup").string()).error().code,
            "backup_section_checksum");
  // One bit of a block.
  Tamper(file, c.root() / "chain.backup", m->sections[0].offset + 40);
  e = refused(c.root() / "chain.backup", "r2");
  EXPECT_NE(e.message.find("section 'chain' checksum mismatch"), std::string::npos) << e.message;
  // The manifest (its height, say).
  Tamper(file, c.root() / "manifest.backup", m->file_bytes - 32 - 32 - 60);
  e = refused(c.root() / "manifest.backup", "r3");
  EXPECT_EQ(e.code, "backup_manifest_checksum") << e.message;
  // Cut short.
  fs::copy_file(file, c.root() / "short.backup");
  fs::resize_file(c.root() / "short.backup", m->file_bytes - 10);
  e = refused(c.root() / "short.backup", "r4");
  EXPECT_EQ(e.code, "backup_format");
  EXPECT_NE(e.message.find("truncated"), std::string::npos) << e.message;
  // Another network's genesis validators.
  RestoreOptions other = Restore(c, file, c.root() / "r5");
  other.trusted_validators = {DevKey("x1").public_key(), DevKey("x2").public_key(),
                              DevKey("x3").public_key(), DevKey("x4").public_key()};
  auto r = RestoreBackup(other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "certificate_invalid") << r.error().message;
  other.store.path = (c.root() / "r6" / "chain").string();
  other.trusted_validators = GenesisValidators(c);
  other.expected_chain_id = "another-chain";
  EXPECT_EQ(RestoreBackup(other).error().code, "wrong_chain");
  // The untouched file restores.
  EXPECT_TRUE(RestoreBackup(Restore(c, file, c.root() / "r7")));
}

// A backup whose checksums are all consistent but whose state was changed
// before it was written (a forged file) fails the state root check.
TEST(Backup, ForgedStateIsRefusedByTheRecomputedStateRoot) {
  Cluster c(4);
  ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", 0, 1)).ok());
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(3); }, 30'000));
  c.Kill(2);  // its store is ours to edit now
  {
    ChainStore::Options so;
    so.path = (c.dir(2) / "chain").string();
    auto store = ChainStore::Open(so);
    ASSERT_TRUE(store);
    // Give bob more money: rewrite his balance value without the tree.
    auto values = (*store)->state().Scan();
    const Address bob = Address::FromPublicKey(DevKey("bob").public_key());
    bool changed = false;
    for (auto& [k, v] : values) {
      if (k.size() > Address::kSize && !changed &&
          std::search(k.begin(), k.end(), bob.bytes.begin(), bob.bytes.end()) != k.end() &&
          !v.empty()) {
        Bytes key{StateStore::kValuePrefix};
        key.insert(key.end(), k.begin(), k.end());
        v.back() ^= 0x40;
        ASSERT_TRUE((*store)
                        ->db()
                        .Put(leveldb::WriteOptions(),
                             leveldb::Slice(reinterpret_cast<const char*>(key.data()), key.size()),
                             leveldb::Slice(reinterpret_cast<const char*>(v.data()), v.size()))
                        .ok());
        changed = true;
      }
    }
    ASSERT_TRUE(changed);
    ASSERT_TRUE(WriteBackup(**store, (c.root() / "forged.backup").string()));
  }
  ASSERT_TRUE(VerifyBackup((c.root() / "forged.backup").string())) << "checksums are consistent";
  auto r = RestoreBackup(Restore(c, c.root() / "forged.backup", c.root() / "forged"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "state_root_mismatch");
  EXPECT_NE(r.error().message.find("the state was altered"), std::string::npos)
      << r.error().message;
}

// Retention: bodies older than retain_blocks below the head are deleted as
// blocks commit; headers, certificates, receipts, summaries and indexes stay;
// the RPC answers a pruned body with -32008 and a pruned transaction with its
// receipt.
TEST(Retention, OldBodiesArePrunedAndTheRpcSaysSo) {
  testing::TestNode node({}, /*retain_blocks=*/5);
  std::vector<Hash> paid;
  for (int i = 0; i < 20; ++i) {
    auto tx = node.Pay("alice", "bob", "USD", 1);
    paid.push_back(tx->id());
    node.Commit({tx});
  }
  const BlockStore& blocks = node.chain().blocks();
  ASSERT_EQ(*blocks.LastHeight(), 20u);
  EXPECT_EQ(blocks.BodiesFrom(), 16u);  // bodies of 16..20 kept
  for (uint64_t h = 1; h <= 20; ++h) {
    EXPECT_EQ(blocks.BlockAt(h).has_value(), h >= 16) << h;
    EXPECT_TRUE(blocks.HeaderAt(h).has_value()) << h;
    EXPECT_TRUE(blocks.CertificateAt(h).has_value()) << h;
    EXPECT_TRUE(blocks.ReceiptsAt(h).has_value()) << h;
  }
  EXPECT_TRUE(blocks.BlockAt(0).has_value()) << "genesis is kept";

  auto pruned = node.Call("chain_getBlock", R"({"height":3})");
  EXPECT_EQ(testing::ErrorCode(pruned), -32008) << pruned.Serialize();
  EXPECT_EQ(testing::ErrorData(pruned, "bodiesFrom"), "16");
  EXPECT_EQ(testing::ErrorCode(node.Call("chain_getBlock", R"({"height":17})")), 0);
  EXPECT_EQ(testing::ErrorCode(node.Call("chain_getBlock", R"({"height":21})")), -32001);

  auto tx = node.Call("chain_getTransaction", R"({"id":")" + paid[2].ToHex() + R"("})");
  const auto& r = testing::ResultOf(tx);
  EXPECT_EQ(testing::Str(r, "status"), "committed");
  EXPECT_EQ(testing::Str(r, "pruned"), "true");
  EXPECT_EQ(testing::Str(r, "transaction"), "null");
  EXPECT_EQ(testing::Str(r["receipt"], "height"), "3");
  // Account history (what statements and explorers read) is complete.
  auto history = node.chain().blocks().AccountHistory(testing::Addr("bob"), 0, 0, 100);
  EXPECT_EQ(history.size(), 20u);
}

TEST(Retention, PruneDeletesABacklogAndCompactionReclaimsSpace) {
  testing::TestNode node;  // an archive node
  for (int i = 0; i < 30; ++i) node.Commit({node.Pay("alice", "bob", "USD", 1)});
  ChainStore& store = const_cast<ChainStore&>(node.chain());
  EXPECT_EQ(store.blocks().BodiesFrom(), 1u);
  auto deleted = store.Prune(10);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 20u);
  EXPECT_EQ(store.blocks().BodiesFrom(), 21u);
  EXPECT_FALSE(store.blocks().BlockAt(20).has_value());
  EXPECT_TRUE(store.blocks().BlockAt(21).has_value());
  EXPECT_EQ(*store.Prune(10), 0u) << "nothing left to prune";
  store.Compact();
  EXPECT_TRUE(store.blocks().BlockAt(30).has_value());
}

}  // namespace
}  // namespace corridor::node

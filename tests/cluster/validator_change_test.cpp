// Issue 8 on real processes: the validator set changes while the network
// runs, driven only through the `corridor gov` CLI (docs/operations.md
// "Validator set changes, halts and upgrades").
//
// Four corridord validators from `corridord testnet`; a fifth node gets a
// fresh key from `corridord init` and starts as a non-validator. The admin
// adds it at height H; from H every commit certificate is a quorum of the
// five-member set and the newcomer signs some of them. Then the operator
// accounts of four of the five validators (the newcomer's among them) remove
// validator-4 at H2: from H2 no certificate carries validator-4's key, the
// remaining four commit without it, also once it is stopped, and every live
// node holds the same blocks. Last, the admin re-keys validator-1 at H3: the
// node restarts with a key from `corridord init` before H3, and from H3 the
// new key signs in the old one's place with the same operator account.
// Refusals of the CLI (a non-operator, a height too soon, a bad key, a second
// approval) are checked for their exit code and message. Finally a backup of
// a running validator restores into a fresh home, the restore following the
// three set changes from the genesis set.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "cluster_fixture.h"
#include "tests/cluster/cli_output.h"
#include "tests/support/prometheus.h"
#include "wallet/keystore.h"

namespace corridor {
namespace {

constexpr size_t kNewNode = kNodes;  // procs_[4]: the joining node
constexpr char kPassphrase[] = "corridor-dev";

std::string Hex(std::string_view dev_name) {
  return contracts::DevKey(dev_name).public_key().ToHex();
}
std::string AddressOf(std::string_view dev_name) {
  return Address::FromPublicKey(contracts::DevKey(dev_name).public_key()).ToString();
}

std::string Field(const std::string& out, const std::string& label) {
  return testing::CliField(out, label);
}

// `text` with the line starting "key = " replaced by "key = value".
std::string SetOption(std::string text, const std::string& key, const std::string& value) {
  const std::string prefix = "\n" + key + " = ";
  auto at = text.find(prefix);
  EXPECT_NE(at, std::string::npos) << key;
  if (at == std::string::npos) return text;
  auto end = text.find('\n', at + 1);
  return text.replace(at + 1, end - at - 1, key + " = " + value);
}

std::string Describe(const testing::CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class ValidatorChangeCluster : public Cluster {
 protected:
  // Runs `corridord init args...`; returns the node key it printed ("" on failure).
  static std::string Init(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {CORRIDORD, "init"};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::CommandResult init = testing::RunCommand(argv, 30s);
    EXPECT_EQ(init.exit_code, 0) << Describe(init);
    const std::string marker = "(public key ";
    auto at = init.out.find(marker);
    EXPECT_NE(at, std::string::npos) << Describe(init);
    if (init.exit_code != 0 || at == std::string::npos) return "";
    return init.out.substr(at + marker.size(), 64);
  }

  // `corridord init` for the fifth node, then the operator's edits: the
  // network's genesis, the four validators as peers, the testnet's timing.
  // Returns the new node key (hex) that init printed.
  static std::string InitNewNode() {
    const std::string home = Home(kNewNode);
    const std::string key = Init({"--home", home, "--moniker", "validator-5", "--p2p",
                                  "127.0.0.1:" + std::to_string(p2p_base_ + kNewNode), "--rpc",
                                  "127.0.0.1:" + std::to_string(rpc_base_ + kNewNode)});
    if (key.empty()) return "";

    fs::copy_file(dir_ / "genesis.json", fs::path(home) / "genesis.json");
    std::ifstream in(fs::path(home) / "config.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string peers = "[\n";
    for (size_t i = 0; i < kNodes; ++i) {
      peers += "  { address = \"127.0.0.1:" + std::to_string(p2p_base_ + i) + "\", key = \"" +
               Hex("validator-" + std::to_string(i + 1)) + "\" },\n";
    }
    std::string config = text.str();
    const std::string no_peers = "\npeers = [\n]\n";  // as init writes it
    auto at_peers = config.find(no_peers);
    EXPECT_NE(at_peers, std::string::npos) << config;
    if (at_peers != std::string::npos) {
      config.replace(at_peers, no_peers.size(), "\npeers = " + peers + "]\n");
    }
    config = SetOption(config, "base_timeout_ms", "1000");
    config = SetOption(config, "empty_block_interval_ms", "300");
    config = SetOption(config, "block_interval_ms", "100");
    std::ofstream(fs::path(home) / "config.toml", std::ios::trunc) << config;
    return key;
  }

  // The operator keys of the genesis validators, next to the testnet's keys
  // (their operator accounts are the addresses of the dev node keys).
  static void AddOperatorKeys() {
    wallet::Keystore ks((dir_ / "wallet").string());
    for (size_t i = 1; i <= 3; ++i) {
      const std::string name = "validator-" + std::to_string(i);
      ASSERT_TRUE(ks.Save(name, contracts::DevKey(name), kPassphrase).ok()) << name;
    }
  }

  // Runs a signing `gov` command with --wait; true when it exits 0 with the
  // transaction committed (and its id printed).
  static bool GovOk(size_t node, std::vector<std::string> args) {
    args.push_back("--wait");
    testing::CommandResult r = Corridor(node, args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_EQ(Field(r.out, "status"), "committed") << Describe(r);
    EXPECT_EQ(Field(r.out, "id").size(), 64u) << Describe(r);
    return r.exit_code == 0 && Field(r.out, "status") == "committed";
  }
  // Runs a `gov` command that must be refused: exit `code`, a message on
  // stderr naming `problem`.
  // Exit 1 is a transaction that failed in a block: its id is printed, and
  // every node reports it failed with the code's name.
  static void GovRefused(size_t node, std::vector<std::string> args, int code,
                         const std::string& problem) {
    testing::CommandResult r = Corridor(node, args);
    EXPECT_EQ(r.exit_code, code) << Describe(r);
    EXPECT_NE(r.err.find(problem), std::string::npos) << Describe(r);
    if (code != 1) {
      EXPECT_EQ(r.out, "") << "nothing signed or submitted: " << Describe(r);
      return;
    }
    EXPECT_EQ(Field(r.out, "status"), "failed") << Describe(r);
    const std::string id = Field(r.out, "id");
    ASSERT_EQ(id.size(), 64u) << Describe(r);
    for (size_t n = 0; n < kNodes; ++n) {
      EXPECT_TRUE(WaitUntil([&] { return TxStatus(n, id) == "failed"; }, 20s))
          << id << " on node " << n + 1 << ": " << TxStatus(n, id);
    }
  }

  static rpc::Json Proposal(size_t node, uint64_t id) {
    auto r = Call(node, "governance_getProposals", rpc::Json::Object());
    EXPECT_TRUE(r.has_value());
    if (r) {
      for (const auto& p : r->value()["proposals"].GetArray()) {
        if (p["id"].GetUint64() == id) return rpc::Json::From(p);
      }
    }
    ADD_FAILURE() << "no proposal " << id << " on node " << node + 1;
    return rpc::Json::Object();
  }

  // The validator keys governance_getStatus reports as deciding the next block.
  static std::vector<std::string> CurrentSet(size_t node) {
    std::vector<std::string> keys;
    auto r = Call(node, "governance_getStatus", rpc::Json::Object());
    if (!r) return keys;
    for (const auto& v : r->value()["validators"].GetArray()) {
      keys.push_back(v["publicKey"].GetString());
    }
    return keys;
  }

  // Node i's corridor_validator gauge: 1 while it is in the set, 0 when not,
  // -1 when /metrics cannot be read.
  static double MemberGauge(size_t i) {
    auto r = Rpc(i).Get("/metrics");
    if (!r || r->status != 200) return -1;
    return testing::ParseExposition(r->body).Get("corridor_validator");
  }

  // Waits (bounded) until `key` has signed `want` certificates of node
  // `node` from height `from` on, every one of them checked against `set`;
  // returns how many it signed.
  static size_t WaitForSignatures(size_t node, uint64_t from, const std::vector<std::string>& set,
                                  const std::string& key, size_t want) {
    size_t signed_by_key = 0;
    WaitUntil(
        [&] {
          const uint64_t top = Height(node).value_or(0);
          if (top >= from) {
            signed_by_key += CheckCertificates(node, from, top, set, key);
            from = top + 1;
          }
          return signed_by_key >= want;
        },
        30s);
    return signed_by_key;
  }

  static uint64_t Tip() {
    uint64_t top = 0;
    for (size_t i = 0; i < kNodes; ++i) top = std::max(top, Height(i).value_or(0));
    return top;
  }

  // Checks the certificates of heights [from, to] on node `node`: signers
  // distinct members of `set`, at least n - f of them. Returns how many of
  // the certificates `key` signed.
  static size_t CheckCertificates(size_t node, uint64_t from, uint64_t to,
                                  const std::vector<std::string>& set, const std::string& key) {
    const size_t n = set.size(), quorum = n - (n - 1) / 3;
    size_t signed_by_key = 0;
    for (uint64_t h = from; h <= to; ++h) {
      auto signers = CertificateSigners(node, h);
      EXPECT_TRUE(signers.has_value()) << "height " << h;
      if (!signers) continue;
      std::set<std::string> distinct(signers->begin(), signers->end());
      EXPECT_EQ(distinct.size(), signers->size()) << "height " << h;
      EXPECT_GE(signers->size(), quorum) << "height " << h << " of a set of " << n;
      for (const auto& s : *signers) {
        EXPECT_NE(std::find(set.begin(), set.end(), s), set.end())
            << "height " << h << ": " << s << " is not in the set";
      }
      signed_by_key += distinct.count(key);
    }
    return signed_by_key;
  }
};

TEST_F(ValidatorChangeCluster, AddAFifthValidatorRemoveOneRekeyOneThroughTheGovCli) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> genesis_set = {Hex("validator-1"), Hex("validator-2"),
                                                Hex("validator-3"), Hex("validator-4")};
  ASSERT_EQ(CurrentSet(0), genesis_set);

  // 1. The newcomer: a fresh key, started as a non-validator.
  const std::string new_key = InitNewNode();
  ASSERT_EQ(new_key.size(), 64u);
  ASSERT_NO_FATAL_FAILURE(AddOperatorKeys());
  procs_.emplace_back();
  ASSERT_TRUE(procs_[kNewNode].Start({CORRIDORD, "start", "--home", Home(kNewNode)},
                                     Home(kNewNode) + "/node.log"));
  ASSERT_TRUE(WaitUntil([&] { return Height(kNewNode).has_value(); }, 30s))
      << "the new node does not answer RPC; see " << Home(kNewNode) << "/node.log";
  EXPECT_EQ(MemberGauge(kNewNode), 0);
  EXPECT_EQ(MemberGauge(3), 1);

  // 2. Refusals: a non-operator, a height too soon, a key that is no key.
  uint64_t tip = Tip();
  GovRefused(0,
             {"gov", "propose", "--from", "alice", "--change", "add", "--validator", new_key,
              "--operator", "bank", "--effective-height", std::to_string(tip + 30), "--wait"},
             1, "not_governor (340)");
  GovRefused(0,
             {"gov", "propose", "--from", "admin", "--change", "add", "--validator", new_key,
              "--operator", "bank", "--effective-height", std::to_string(Tip() + 2), "--wait"},
             1, "effective_height_too_soon (341)");
  GovRefused(0,
             {"gov", "propose", "--from", "admin", "--change", "add", "--validator", "5f3a",
              "--operator", "bank", "--effective-height", std::to_string(tip + 30)},
             2, "--validator: '5f3a' is not a validator public key");

  // Neither a validator nor a listed observer: the validators refused it.
  EXPECT_EQ(Height(kNewNode), std::optional<uint64_t>(0));

  // 3. The admin adds it at H; its operator is the bank's account. The
  //    admin's proposal applies at once (docs/state.md §3.11).
  const uint64_t h_add = Tip() + 30;
  ASSERT_TRUE(GovOk(1, {"gov", "propose", "--from", "admin", "--change", "add", "--validator",
                        new_key, "--operator", "bank", "--effective-height", std::to_string(h_add),
                        "--memo", "admin: partner bank node joins (cluster test)"}));
  const std::vector<std::string> five = {Hex("validator-1"), Hex("validator-2"), Hex("validator-3"),
                                         Hex("validator-4"), new_key};
  const uint64_t proposed_by = Tip();  // every node has the proposal from here on
  for (size_t n = 0; n < kNodes; ++n) {
    ASSERT_TRUE(WaitUntil([&] { return Height(n).value_or(0) >= proposed_by; }, 20s));
    rpc::Json p = Proposal(n, 1);
    EXPECT_EQ(std::string(p.value()["status"].GetString()), "applied") << "node " << n + 1;
    EXPECT_EQ(std::string(p.value()["change"].GetString()), "add");
    EXPECT_EQ(std::string(p.value()["validator"].GetString()), new_key);
    EXPECT_EQ(std::string(p.value()["operator"].GetString()), AddressOf("bank"));
    EXPECT_EQ(p.value()["effectiveHeight"].GetUint64(), h_add);
    // Scheduled for H, or (on a slow machine) already in force.
    auto status = Call(n, "governance_getStatus", rpc::Json::Object());
    ASSERT_TRUE(status.has_value());
    const auto& sched = status->value()["scheduledValidatorSets"];
    if (status->value()["height"].GetUint64() >= h_add) {
      EXPECT_EQ(sched.Size(), 0u) << "node " << n + 1;
      EXPECT_EQ(CurrentSet(n), five) << "node " << n + 1;
      continue;
    }
    ASSERT_EQ(sched.Size(), 1u) << "node " << n + 1;
    EXPECT_EQ(sched[0]["height"].GetUint64(), h_add);
    std::vector<std::string> keys;
    for (const auto& v : sched[0]["validators"].GetArray())
      keys.push_back(v["publicKey"].GetString());
    EXPECT_EQ(keys, five) << "node " << n + 1;
  }
  testing::CommandResult listed = Corridor(2, {"gov", "proposals"});
  EXPECT_EQ(listed.exit_code, 0) << Describe(listed);
  EXPECT_NE(listed.out.find("#1  applied  add validator " + new_key.substr(0, 16)),
            std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("from height " + std::to_string(h_add)), std::string::npos)
      << listed.out;
  testing::CommandResult gstatus = Corridor(3, {"gov", "status"});
  EXPECT_EQ(gstatus.exit_code, 0) << Describe(gstatus);
  EXPECT_TRUE(gstatus.out.find("validators from height " + std::to_string(h_add)) !=
                  std::string::npos ||
              Height(3).value_or(0) >= h_add)
      << gstatus.out;
  EXPECT_NE(gstatus.out.find(new_key + "  operator " + AddressOf("bank")), std::string::npos)
      << gstatus.out;

  // 4. After H: blocks keep committing, every certificate is a quorum of the
  //    five, and the newcomer (synced and voting) signs some of them.
  for (size_t n = 0; n <= kNewNode; ++n) {
    ASSERT_TRUE(WaitUntil([&] { return Height(n).value_or(0) >= h_add + 5; }, 45s))
        << "node " << n + 1 << " stays at height " << Height(n).value_or(0) << "; see " << Home(n)
        << "/node.log";
  }
  EXPECT_EQ(CurrentSet(kNewNode), five);
  EXPECT_EQ(MemberGauge(kNewNode), 1);
  EXPECT_EQ(CheckCertificates(0, h_add - 3, h_add - 1, genesis_set, new_key), 0u);
  EXPECT_GE(WaitForSignatures(0, h_add, five, new_key, 3), 3u)
      << "the new validator signs too few certificates from height " << h_add;

  // 5. The operators remove validator-4 at H2: validator-1's operator
  //    proposes, validator-2's and validator-3's approve (3 of 5: pending),
  //    the newcomer's operator (bank) makes it 4 of 5 (3 × 4 ≥ 2 × 5).
  // Six CLI commands until the last approval, which must land 8 blocks
  // before H2: three to five blocks each on this network (more on a loaded
  // machine), so a wide margin.
  const uint64_t h_remove = Tip() + 50;
  ASSERT_TRUE(
      GovOk(0, {"gov", "propose", "--from", "validator-1", "--change", "remove", "--validator",
                Hex("validator-4"), "--effective-height", std::to_string(h_remove), "--memo",
                "v1 ops: decommission validator-4 (cluster test)"}));
  GovRefused(1, {"gov", "approve", "--from", "alice", "--proposal", "2", "--wait"}, 1,
             "not_governor (340)");
  ASSERT_TRUE(GovOk(
      1, {"gov", "approve", "--from", "validator-2", "--proposal", "2", "--memo", "v2 ops: ok"}));
  GovRefused(1, {"gov", "approve", "--from", "validator-2", "--proposal", "2", "--wait"}, 1,
             "already_approved");
  ASSERT_TRUE(GovOk(
      2, {"gov", "approve", "--from", "validator-3", "--proposal", "2", "--memo", "v3 ops: ok"}));
  const uint64_t approved_by = Tip();
  ASSERT_TRUE(WaitUntil([&] { return Height(kNewNode).value_or(0) >= approved_by; }, 20s));
  {
    rpc::Json p = Proposal(kNewNode, 2);
    EXPECT_EQ(std::string(p.value()["status"].GetString()), "pending");
    EXPECT_EQ(p.value()["approvals"].Size(), 3u);
  }
  ASSERT_TRUE(GovOk(kNewNode, {"gov", "approve", "--from", "bank", "--proposal", "2", "--memo",
                               "bank ops (validator-5): ok"}));
  uint64_t applied_at = 0;
  {
    rpc::Json p = Proposal(kNewNode, 2);
    EXPECT_EQ(std::string(p.value()["status"].GetString()), "applied");
    EXPECT_EQ(p.value()["approvals"].Size(), 4u);
    EXPECT_EQ(p.value()["effectiveHeight"].GetUint64(), h_remove);
    if (p.value().HasMember("appliedHeight")) applied_at = p.value()["appliedHeight"].GetUint64();
  }

  // 6. After H2 the remaining four commit; no certificate carries validator-4.
  const std::vector<std::string> remaining = {Hex("validator-1"), Hex("validator-2"),
                                              Hex("validator-3"), new_key};
  // validator-4 itself follows the chain as an observer.
  for (size_t n = 0; n <= kNewNode; ++n) {
    ASSERT_TRUE(WaitUntil([&] { return Height(n).value_or(0) >= h_remove + 5; }, 45s))
        << "node " << n + 1 << " stays at height " << Height(n).value_or(0);
    EXPECT_EQ(CurrentSet(n), remaining) << "node " << n + 1;
  }
  EXPECT_EQ(MemberGauge(3), 0);
  EXPECT_EQ(MemberGauge(kNewNode), 1);
  EXPECT_EQ(CheckCertificates(kNewNode, h_remove, h_remove + 5, remaining, Hex("validator-4")), 0u);
  // ...also once validator-4 is gone.
  procs_[3].Signal(SIGTERM);
  EXPECT_NE(procs_[3].Wait(15s), -1);
  const uint64_t after_stop = Height(0).value_or(0);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, kNewNode}) {
    ASSERT_TRUE(WaitUntil([&] { return Height(n).value_or(0) >= after_stop + 5; }, 30s))
        << "node " << n + 1 << " stays at height " << Height(n).value_or(0);
  }
  EXPECT_EQ(CheckCertificates(0, h_remove, after_stop + 5, remaining, Hex("validator-4")), 0u);
  ExpectAgreement();

  // 7. Re-key validator-1 at H3 (the admin's proposal applies at once), as
  //    docs/operations.md says: a new key from `corridord init`, the node
  //    restarted with it before H3. From H3 the new key signs in the old
  //    one's place and keeps validator-1's operator account.
  const std::string rotated = Init({"--home", (dir_ / "validator-1-rotated").string()});
  ASSERT_EQ(rotated.size(), 64u);
  const uint64_t h_rekey = Tip() + 20;
  ASSERT_TRUE(GovOk(
      2, {"gov", "propose", "--from", "admin", "--change", "rekey", "--validator",
          Hex("validator-1"), "--new-key", rotated, "--effective-height", std::to_string(h_rekey),
          "--memo", "admin: validator-1 key rotation (cluster test)"}));
  procs_[0].Signal(SIGTERM);
  ASSERT_NE(procs_[0].Wait(15s), -1);
  const fs::path key_file = fs::path(Home(0)) / "node_key.json";
  fs::copy_file(dir_ / "validator-1-rotated" / "node_key.json", key_file,
                fs::copy_options::overwrite_existing);
  fs::permissions(key_file, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  // Its operator also lists the validator added since genesis under
  // [p2p] peers: the newcomer's configuration names validator-1's old key,
  // so it cannot dial the re-keyed node; the re-keyed node dials it.
  {
    const fs::path config_path = fs::path(Home(0)) / "config.toml";
    std::ifstream in(config_path);
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    const std::string peers = "\npeers = [\n";
    auto at = config.find(peers);
    ASSERT_NE(at, std::string::npos) << config;
    config.insert(at + peers.size(),
                  "  { address = \"127.0.0.1:" + std::to_string(p2p_base_ + kNewNode) +
                      "\", key = \"" + new_key + "\" },\n");
    std::ofstream(config_path, std::ios::trunc) << config;
  }
  StartNode(0);
  const std::vector<std::string> rotated_set = {rotated, Hex("validator-2"), Hex("validator-3"),
                                                new_key};
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, kNewNode}) {
    ASSERT_TRUE(WaitUntil([&] { return Height(n).value_or(0) >= h_rekey + 3; }, 45s))
        << "node " << n + 1 << " stays at height " << Height(n).value_or(0) << "; see " << Home(n)
        << "/node.log";
    EXPECT_EQ(CurrentSet(n), rotated_set) << "node " << n + 1;
  }
  EXPECT_EQ(CheckCertificates(1, h_rekey - 3, h_rekey - 1, remaining, rotated), 0u);
  EXPECT_GE(WaitForSignatures(1, h_rekey, rotated_set, rotated, 2), 2u)
      << "the re-keyed validator signs too few certificates from height " << h_rekey;
  EXPECT_EQ(MemberGauge(0), 1);
  {
    auto status = Call(1, "governance_getStatus", rpc::Json::Object());
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(std::string(status->value()["validators"][0]["publicKey"].GetString()), rotated);
    EXPECT_EQ(std::string(status->value()["validators"][0]["operator"].GetString()),
              AddressOf("validator-1"));
  }
  ExpectAgreement();

  // 8. A backup of a running validator taken now restores into a fresh home:
  //    `corridord restore` follows the three changes from the genesis set
  //    (docs/backup.md "Trust").
  const std::string backup = (dir_ / "after-changes.cbk").string();
  testing::CommandResult made =
      testing::RunCommand({CORRIDORD, "backup", "--home", Home(1), "--out", backup}, 60s);
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  const std::string fresh = (dir_ / "restored").string();
  ASSERT_EQ(Init({"--home", fresh}).size(), 64u);
  fs::copy_file(dir_ / "genesis.json", fs::path(fresh) / "genesis.json");
  testing::CommandResult restored =
      testing::RunCommand({CORRIDORD, "restore", "--in", backup, "--home", fresh}, 120s);
  ASSERT_EQ(restored.exit_code, 0) << Describe(restored);
  EXPECT_NE(restored.out.find("validator sets followed from genesis: new set from height " +
                              std::to_string(h_add) + ", new set from height " +
                              std::to_string(h_remove) + ", new set from height " +
                              std::to_string(h_rekey) + "\n"),
            std::string::npos)
      << Describe(restored);
  std::cout << "validator change scenario: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms (H = " << h_add << ", H2 = " << h_remove << ", removal applied at "
            << applied_at << ", H3 = " << h_rekey << ")\n";
}

}  // namespace
}  // namespace corridor

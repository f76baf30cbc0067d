// Operating a real network (docs/operations.md, docs/backup.md): /metrics of
// a running corridord parses as Prometheus text and its counters move as
// blocks commit; `corridord backup` of a running validator (through the
// admin RPC, while blocks commit) restores with `corridord restore` to a
// validator that syncs the rest, answers /health 200 and agrees with the
// others; a tampered copy of the file is refused by the command, which says
// which check failed.
#include <fstream>

#include "tests/cluster/cluster_fixture.h"
#include "tests/support/prometheus.h"

namespace corridor {
namespace {

class OpsCluster : public Cluster {
 protected:
  static testing::Exposition Metrics(size_t i) {
    auto r = Rpc(i).Get("/metrics");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r) return {};
    EXPECT_EQ(r->status, 200);
    return testing::ParseExposition(r->body);
  }
  static int Health(size_t i) {
    auto r = Rpc(i).Get("/health");
    return r ? r->status : 0;
  }
};

TEST_F(OpsCluster, MetricsParseAndCountersMoveAsBlocksCommit) {
  const auto before = Metrics(1);
  ASSERT_EQ(before.error, "");
  const std::string paid = "corridor_transactions_committed_total{op=\"payment\",result=\"ok\"}";
  const std::string submits = "corridor_rpc_requests_total{method=\"tx_submit\"}";
  std::vector<std::string> ids;
  for (uint64_t k = 0; k < 6; ++k) ids.push_back(Submit(1, "alice", "bob", k, 1 + k));
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitUntil([&] { return TxStatus(1, id) == "committed"; }, 30s)) << id;
  }
  const auto after = Metrics(1);
  ASSERT_EQ(after.error, "");
  EXPECT_GT(after.Get("corridor_height"), before.Get("corridor_height"));
  EXPECT_GT(after.Get("corridor_blocks_committed_total"),
            before.Get("corridor_blocks_committed_total"));
  EXPECT_EQ(std::max(0.0, after.Get(paid)) - std::max(0.0, before.Get(paid)), 6);
  EXPECT_EQ(after.Get(submits) - std::max(0.0, before.Get(submits)), 6);
  EXPECT_GT(after.Get("corridor_rpc_request_duration_seconds_count{method=\"tx_submit\"}"), 0);
  EXPECT_GT(after.Get("corridor_block_store_seconds_count"),
            before.Get("corridor_block_store_seconds_count"));
  EXPECT_GT(after.Get("corridor_db_size_bytes"), 0);
  EXPECT_EQ(after.Get("corridor_peers_connected"), kNodes - 1);
  EXPECT_EQ(Health(1), 200);
}

TEST_F(OpsCluster, BackupOfARunningNodeRestoresToAValidatorThatAgrees) {
  const std::string file = (dir_ / "validator-1.cbk").string();
  std::vector<std::string> ids;
  for (uint64_t k = 0; k < 4; ++k) ids.push_back(Submit(0, "alice", "bob", 6 + k, 1));
  // The node is running: the command goes through admin_backup.
  auto backup = testing::RunCommand({CORRIDORD, "backup", "--home", Home(0), "--out", file}, 60s);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("running node"), std::string::npos) << backup.out;
  auto verify = testing::RunCommand({CORRIDORD, "verify-backup", "--in", file}, 60s);
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitUntil([&] { return TxStatus(0, id) == "committed"; }, 30s)) << id;
  }

  // validator-4 loses its store and is rebuilt from validator-1's backup.
  procs_[3].Kill();
  fs::rename(fs::path(Home(3)) / "data" / "chain", fs::path(Home(3)) / "data" / "chain.lost");
  // A tampered copy is refused, naming the check.
  const std::string bad = (dir_ / "tampered.cbk").string();
  fs::copy_file(file, bad);
  {
    std::fstream f(bad, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x5a');
  }
  auto refused = testing::RunCommand({CORRIDORD, "restore", "--in", bad, "--home", Home(3)}, 60s);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("checksum mismatch"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(fs::path(Home(3)) / "data" / "chain" / "CURRENT"));

  auto restore = testing::RunCommand({CORRIDORD, "restore", "--in", file, "--home", Home(3)}, 120s);
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_NE(restore.out.find("state root rebuilt"), std::string::npos) << restore.out;
  // More blocks commit while it is down, then it starts and syncs them.
  const uint64_t h0 = Height(0).value();
  ASSERT_TRUE(WaitUntil([&] { return Height(0).value_or(0) >= h0 + 10; }, 30s));
  StartNode(3);
  const uint64_t target = Height(0).value();
  ASSERT_TRUE(WaitUntil([&] { return Height(3).value_or(0) >= target; }, 60s))
      << "see " << Home(3) << "/node.log";
  ASSERT_TRUE(WaitUntil([&] { return Health(3) == 200; }, 30s));
  ExpectAgreement();
  // It votes again: with validator-3 down, blocks need validator-4.
  procs_[2].Kill();
  const uint64_t h1 = Height(0).value();
  EXPECT_TRUE(WaitUntil([&] { return Height(3).value_or(0) >= h1 + 3; }, 60s));
  ExpectAgreement();
  StartNode(2);
}

}  // namespace
}  // namespace corridor

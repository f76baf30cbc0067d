// /health verdicts and the /metrics exposition (node/observe.h).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "node/observe.h"

namespace corridor::node {
namespace {

ObservedNode Healthy() {
  ObservedNode n;
  n.status.height = 10;
  n.status.tip_timestamp_ms = 1'000'000;
  n.now_ms = 1'002'000;
  n.validators = 4;
  n.is_validator = true;
  n.peers_connected = 3;
  return n;
}

TEST(Health, OkWhenInConsensusAndCurrent) {
  HealthVerdict v = CheckHealth(Healthy());
  EXPECT_EQ(v.http_status, 200);
  EXPECT_NE(v.body.find("\"status\":\"ok\""), std::string::npos);
  EXPECT_NE(v.body.find("\"height\":10"), std::string::npos);
}

TEST(Health, HaltedIs500WithTheReason) {
  ObservedNode n = Healthy();
  n.status.halted = true;
  n.status.halt_reason = "storing block 11 failed: \"disk full\"";
  HealthVerdict v = CheckHealth(n);
  EXPECT_EQ(v.http_status, 500);
  EXPECT_NE(v.body.find("disk full"), std::string::npos);
  EXPECT_NE(v.body.find("\\\"disk full\\\""), std::string::npos) << "quotes escaped: " << v.body;
}

TEST(Health, SyncingIsolatedAndStalledAre503) {
  ObservedNode syncing = Healthy();
  syncing.status.syncing = true;
  syncing.status.sync_target = 500;
  EXPECT_EQ(CheckHealth(syncing).http_status, 503);
  EXPECT_NE(CheckHealth(syncing).body.find("validators at 499"), std::string::npos);

  ObservedNode isolated = Healthy();
  isolated.peers_connected = 1;  // a validator of 4 needs 2 others for a quorum
  EXPECT_EQ(CheckHealth(isolated).http_status, 503);
  isolated.peers_connected = 2;
  EXPECT_EQ(CheckHealth(isolated).http_status, 200);
  ObservedNode observer = Healthy();
  observer.is_validator = false;
  observer.peers_connected = 1;
  EXPECT_EQ(CheckHealth(observer).http_status, 200);

  ObservedNode stalled = Healthy();
  stalled.now_ms = stalled.status.tip_timestamp_ms + stalled.stale_after_ms + 1;
  EXPECT_EQ(CheckHealth(stalled).http_status, 503);
  EXPECT_NE(CheckHealth(stalled).body.find("stalled"), std::string::npos);
}

TEST(Metrics, PrometheusTextWithOneHelpAndTypePerFamily) {
  ObservedNode n = Healthy();
  n.status.committed_by_code = {{0, 7}, {301, 2}};
  n.status.consensus.dropped_bad_signature = 3;
  const std::string text = RenderMetrics(n);
  EXPECT_NE(text.find("corridor_height 10\n"), std::string::npos);
  EXPECT_NE(text.find("corridor_transactions_by_code_total{code=\"301\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("corridor_consensus_messages_dropped_total{reason=\"bad_signature\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("corridor_last_block_age_seconds 2\n"), std::string::npos);
  std::istringstream in(text);
  std::string line;
  std::set<std::string> help, type;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      EXPECT_TRUE(help.insert(line.substr(7, line.find(' ', 7) - 7)).second) << line;
    } else if (line.rfind("# TYPE ", 0) == 0) {
      EXPECT_TRUE(type.insert(line.substr(7, line.find(' ', 7) - 7)).second) << line;
    } else {
      ASSERT_EQ(line.rfind("corridor_", 0), 0u) << line;
      const std::string name = line.substr(0, line.find_first_of("{ "));
      EXPECT_TRUE(help.count(name)) << "no HELP before " << line;
    }
  }
  EXPECT_EQ(help, type);
}

}  // namespace
}  // namespace corridor::node

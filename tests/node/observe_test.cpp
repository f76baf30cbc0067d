// /health verdicts and the /metrics exposition (node/observe.h).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "contracts/result_code.h"
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
  syncing.status.sync.eta_seconds = 12;
  EXPECT_NE(CheckHealth(syncing).body.find("validators at 499 (489 behind, about 12 s to go)"),
            std::string::npos)
      << CheckHealth(syncing).body;

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
  n.status.committed_by_op = {{{1, 0}, 7}, {{1, 301}, 2}};
  n.status.execute_latency.count = 3;
  n.status.execute_latency.cumulative.fill(3);
  n.status.execute_latency.sum_micros = 4'500;
  n.db_size_bytes = 12'345'678'901;
  n.rpc_methods.push_back({"chain_getInfo", {}, 1});
  n.rpc_methods.back().latency.count = 1'234'567;
  n.rpc_methods.back().latency.cumulative.fill(1'234'567);
  n.status.consensus.dropped_bad_signature = 3;
  const std::string text = RenderMetrics(n);
  EXPECT_NE(text.find("corridor_height 10\n"), std::string::npos);
  EXPECT_NE(text.find("corridor_validator 1\n"), std::string::npos) << text;
  n.is_validator = false;
  EXPECT_NE(RenderMetrics(n).find("corridor_validator 0\n"), std::string::npos);
  n.is_validator = true;
  EXPECT_NE(text.find("corridor_transactions_committed_total{op=\"payment\",result=\"ok\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("corridor_transactions_committed_total{op=\"payment\",result=\"" +
                      std::string(contracts::NameOf(contracts::ResultCode(301))) + "\"} 2\n"),
            std::string::npos);
  // Large values stay exact integers (no 1.23457e+06).
  EXPECT_NE(text.find("corridor_db_size_bytes 12345678901\n"), std::string::npos);
  EXPECT_NE(text.find("corridor_rpc_requests_total{method=\"chain_getInfo\"} 1234567\n"),
            std::string::npos);
  EXPECT_NE(text.find("corridor_rpc_request_duration_seconds_bucket{method=\"chain_getInfo\","
                      "le=\"+Inf\"} 1234567\n"),
            std::string::npos);
  EXPECT_NE(text.find("corridor_block_execute_seconds_bucket{le=\"0.0005\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("corridor_block_execute_seconds_sum 0.0045\n"), std::string::npos);
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
      std::string name = line.substr(0, line.find_first_of("{ "));
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string sfx = suffix;
        if (!help.count(name) && name.size() > sfx.size() &&
            name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0) {
          name = name.substr(0, name.size() - sfx.size());
        }
      }
      EXPECT_TRUE(help.count(name)) << "no HELP before " << line;
    }
  }
  EXPECT_EQ(help, type);
}

}  // namespace
}  // namespace corridor::node

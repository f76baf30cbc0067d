#include "node/observe.h"

#include <spdlog/fmt/fmt.h>

#include <sstream>

#include "chain/block.h"
#include "chain/operation.h"
#include "contracts/result_code.h"

namespace corridor::node {
namespace {

class Exposition {
 public:
  void Metric(const char* name, const char* type, const char* help, double value,
              const std::string& labels = "") {
    if (last_ != name) {
      out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
      last_ = name;
    }
    Sample(name, labels, value);
  }
  // A histogram family: _bucket{le=...} (cumulative), _sum (seconds), _count.
  void Histogram(const char* name, const char* help, const HistogramSnapshot& h,
                 const std::string& labels = "") {
    if (last_ != name) {
      out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
      last_ = name;
    }
    const std::string bucket = std::string(name) + "_bucket";
    const std::string sep = labels.empty() ? "" : labels + ",";
    for (size_t i = 0; i < kLatencyBucketsMicros.size(); ++i) {
      Sample(bucket,
             sep + "le=\"" + fmt::format("{}", double(kLatencyBucketsMicros[i]) / 1e6) + "\"",
             double(h.cumulative[i]));
    }
    Sample(bucket, sep + "le=\"+Inf\"", double(h.count));
    Sample(std::string(name) + "_sum", labels, double(h.sum_micros) / 1e6);
    Sample(std::string(name) + "_count", labels, double(h.count));
  }
  std::string Take() { return out_.str(); }

 private:
  void Sample(const std::string& name, const std::string& labels, double value) {
    out_ << name;
    if (!labels.empty()) out_ << '{' << labels << '}';
    // Shortest exact form: counters above a million stay integers.
    out_ << ' ' << fmt::format("{}", value) << '\n';
  }

  std::ostringstream out_;
  std::string last_;
};

std::string Json(const std::string& status, const std::string& reason, uint64_t height) {
  std::string r;
  for (char c : reason) {
    if (c == '"' || c == '\\') r += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) r += c;
  }
  return "{\"status\":\"" + status + "\",\"reason\":\"" + r +
         "\",\"height\":" + std::to_string(height) + "}";
}

}  // namespace

std::string RenderMetrics(const ObservedNode& n) {
  const NodeStatus& s = n.status;
  const auto& c = s.consensus;
  Exposition e;
  e.Metric("corridor_height", "gauge", "Last committed block height.", double(s.height));
  e.Metric("corridor_view", "gauge", "Current consensus view.", double(s.view));
  e.Metric("corridor_in_view_change", "gauge", "1 while a view change is in progress.",
           s.in_view_change ? 1 : 0);
  e.Metric("corridor_syncing", "gauge", "1 while catching up by block sync.", s.syncing ? 1 : 0);
  e.Metric("corridor_halted", "gauge", "1 when the node stopped itself (see its log).",
           s.halted ? 1 : 0);
  e.Metric("corridor_last_block_age_seconds", "gauge", "Seconds since the last block's timestamp.",
           n.now_ms > s.tip_timestamp_ms ? double(n.now_ms - s.tip_timestamp_ms) / 1000.0 : 0.0);
  e.Metric("corridor_validators", "gauge", "Validators in the current set.", double(n.validators));
  e.Metric("corridor_validator", "gauge",
           "1 while this node's key is in the current validator set (it votes), 0 for an observer.",
           n.is_validator ? 1 : 0);
  e.Metric("corridor_blocks_committed_total", "counter", "Blocks committed by this process.",
           double(s.committed_blocks));
  e.Metric("corridor_blocks_synced_total", "counter", "Blocks adopted through block sync.",
           double(c.synced_commits));
  for (const auto& [key, count] : s.committed_by_op) {
    const uint16_t code = key.code;
    e.Metric(
        "corridor_transactions_committed_total", "counter",
        "Transactions committed by this process, by operation type and result "
        "(ok, or the failure's code name).",
        double(count),
        "op=\"" + std::string(OpTypeName(static_cast<OpType>(key.op_type))) + "\",result=\"" +
            (code == 0 ? std::string("ok")
                       : std::string(contracts::NameOf(static_cast<contracts::ResultCode>(code)))) +
            "\"");
  }
  e.Metric("corridor_view_changes_total", "counter", "View changes this node started.",
           double(c.view_changes));
  e.Metric("corridor_new_views_total", "counter", "NEW-VIEWs accepted.", double(c.new_views));
  e.Metric("corridor_consensus_messages_accepted_total", "counter", "Consensus messages accepted.",
           double(c.messages_accepted));
  const std::pair<const char*, uint64_t> drops[] = {{"bad_signature", c.dropped_bad_signature},
                                                    {"not_validator", c.dropped_not_validator},
                                                    {"stale", c.dropped_stale},
                                                    {"future", c.dropped_future},
                                                    {"invalid", c.dropped_invalid},
                                                    {"duplicate", c.duplicates}};
  for (const auto& [reason, count] : drops) {
    e.Metric("corridor_consensus_messages_dropped_total", "counter",
             "Consensus messages dropped, by reason.", double(count),
             std::string("reason=\"") + reason + "\"");
  }
  e.Metric("corridor_equivocations_total", "counter",
           "Times a validator was seen signing two things for one slot.", double(c.equivocations));
  e.Metric("corridor_proposals_rejected_total", "counter", "Proposals this node refused.",
           double(c.proposals_rejected));
  e.Histogram("corridor_block_execute_seconds",
              "Executing a block: validating a proposal or a synced block.", s.execute_latency);
  e.Histogram("corridor_block_store_seconds",
              "Writing a committed block (one synced LevelDB batch).", s.store_latency);
  e.Histogram("corridor_consensus_phase_seconds",
              "Consensus phases at this validator: propose (height start to its PREPARE), "
              "prepare (PREPARE to COMMIT), commit (COMMIT to block committed).",
              s.phase_propose, "phase=\"propose\"");
  e.Histogram("corridor_consensus_phase_seconds", "", s.phase_prepare, "phase=\"prepare\"");
  e.Histogram("corridor_consensus_phase_seconds", "", s.phase_commit, "phase=\"commit\"");
  const SyncProgress& sp = s.sync;
  e.Metric("corridor_sync_blocks_behind", "gauge", "Blocks between this node and its peers.",
           s.syncing ? double(sp.blocks_behind) : 0.0);
  e.Metric("corridor_sync_blocks_per_second", "gauge", "Catch-up rate while syncing.",
           s.syncing ? sp.blocks_per_second : 0.0);
  e.Metric("corridor_db_size_bytes", "gauge", "Bytes of the chain store's LevelDB files.",
           double(n.db_size_bytes));
  e.Metric("corridor_mempool_transactions", "gauge", "Transactions waiting.",
           double(s.mempool_txs));
  e.Metric("corridor_mempool_bytes", "gauge", "Bytes of transactions waiting.",
           double(s.mempool_bytes));
  e.Metric("corridor_peers_connected", "gauge", "Authenticated P2P connections.",
           double(n.peers_connected));
  e.Metric("corridor_p2p_frames_total", "counter", "P2P frames.", double(n.p2p_frames_in),
           "direction=\"in\"");
  e.Metric("corridor_p2p_frames_total", "counter", "P2P frames.", double(n.p2p_frames_out),
           "direction=\"out\"");
  e.Metric("corridor_p2p_bytes_total", "counter", "P2P bytes on the wire.", double(n.p2p_bytes_in),
           "direction=\"in\"");
  e.Metric("corridor_p2p_bytes_total", "counter", "P2P bytes on the wire.", double(n.p2p_bytes_out),
           "direction=\"out\"");
  e.Metric("corridor_p2p_handshakes_total", "counter", "P2P handshakes.",
           double(n.p2p_handshakes_ok), "result=\"ok\"");
  e.Metric("corridor_p2p_handshakes_total", "counter", "P2P handshakes.",
           double(n.p2p_handshakes_failed), "result=\"failed\"");
  e.Metric("corridor_p2p_disconnects_total", "counter", "Peer connections that ended.",
           double(n.p2p_disconnects));
  e.Metric("corridor_rpc_messages_total", "counter",
           "JSON-RPC messages received (HTTP bodies, WebSocket messages; a batch is one).",
           double(n.rpc_requests));
  for (const auto& m : n.rpc_methods) {
    e.Metric("corridor_rpc_requests_total", "counter",
             "JSON-RPC calls by method (those that reached the method's handler).",
             double(m.latency.count), "method=\"" + m.method + "\"");
  }
  for (const auto& m : n.rpc_methods) {
    e.Metric("corridor_rpc_errors_total", "counter", "JSON-RPC calls answered with an error.",
             double(m.errors), "method=\"" + m.method + "\"");
  }
  for (const auto& m : n.rpc_methods) {
    e.Histogram("corridor_rpc_request_duration_seconds", "Time in the method's handler.", m.latency,
                "method=\"" + m.method + "\"");
  }
  e.Metric("corridor_rpc_rate_limited_total", "counter", "Requests refused by the rate limit.",
           double(n.rpc_rate_limited));
  e.Metric("corridor_rpc_connections", "gauge", "Open RPC connections.",
           double(n.rpc_connections_open));
  e.Metric("corridor_rpc_websocket_sessions", "gauge", "Open WebSocket sessions.",
           double(n.rpc_websocket_sessions));
  return e.Take();
}

HealthVerdict CheckHealth(const ObservedNode& n) {
  const NodeStatus& s = n.status;
  if (s.halted) return {500, Json("halted", s.halt_reason, s.height)};
  if (s.syncing) {
    const uint64_t target = s.sync_target > 0 ? s.sync_target - 1 : s.height;
    std::string reason = "catching up: at " + std::to_string(s.height) + ", validators at " +
                         std::to_string(target) + " (" +
                         std::to_string(target > s.height ? target - s.height : 0) + " behind";
    if (s.sync.eta_seconds > 0) {
      reason += ", about " + std::to_string(s.sync.eta_seconds) + " s to go";
    }
    return {503, Json("syncing", reason + ")", s.height)};
  }
  // A validator needs quorum - 1 others to commit; an observer needs one.
  const size_t quorum = QuorumSize(n.validators);
  const size_t need = n.is_validator ? (quorum > 0 ? quorum - 1 : 0) : 1;
  if (n.peers_connected < need) {
    return {503, Json("isolated",
                      std::to_string(n.peers_connected) + " peers connected, " +
                          std::to_string(need) + " needed for a quorum",
                      s.height)};
  }
  if (n.now_ms > s.tip_timestamp_ms + n.stale_after_ms) {
    return {503,
            Json("stalled",
                 "no block for " + std::to_string((n.now_ms - s.tip_timestamp_ms) / 1000) + " s",
                 s.height)};
  }
  return {200, Json("ok", "", s.height)};
}

}  // namespace corridor::node

// What operators watch: the Prometheus text exposition served at /metrics
// and the health verdict served at /health (docs/operations.md
// "Monitoring"). Pure functions of a snapshot, so they are unit-tested
// without a running node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/latency_histogram.h"
#include "node/node_core.h"

namespace corridor::node {

// One JSON-RPC method's figures (node/rpc_meter.h): calls that reached the
// method's handler, their latency, and how many were answered with an error.
struct RpcMethodFigures {
  std::string method;
  HistogramSnapshot latency;
  uint64_t errors = 0;
};

struct ObservedNode {
  NodeStatus status;
  uint64_t now_ms = 0;  // wall clock, for the age of the last block
  size_t validators = 0;
  bool is_validator = false;  // this node's key is in the current set (changes by governance)
  size_t peers_connected = 0;
  // P2P counters (p2p::PeerCounters, copied).
  uint64_t p2p_frames_in = 0, p2p_frames_out = 0, p2p_bytes_in = 0, p2p_bytes_out = 0;
  uint64_t p2p_handshakes_ok = 0, p2p_handshakes_failed = 0, p2p_disconnects = 0;
  // RPC server figures (rpc::ServerStats).
  uint64_t rpc_requests = 0, rpc_rate_limited = 0, rpc_connections_open = 0;
  uint64_t rpc_websocket_sessions = 0;
  std::vector<RpcMethodFigures> rpc_methods;
  uint64_t db_size_bytes = 0;  // the chain store's files (ChainStore::DiskBytes)
  // How old the last block may be before the node counts as stalled: the
  // longest a healthy network goes without a block (empty-block interval
  // plus a view change or two).
  uint64_t stale_after_ms = 30'000;
};

std::string RenderMetrics(const ObservedNode& n);

struct HealthVerdict {
  int http_status = 200;  // 200 in consensus and current, 503 syncing/isolated/stalled, 500 halted
  std::string body;       // {"status": ..., "reason": ..., "height": ...}
};
HealthVerdict CheckHealth(const ObservedNode& n);

}  // namespace corridor::node

// RpcMeter: per-method call counts, error counts and latency histograms of
// the node's JSON-RPC methods, for /metrics (corridor_rpc_requests_total,
// corridor_rpc_errors_total, corridor_rpc_request_duration_seconds). It wraps
// each handler at registration (MeteredRegistry), so the RPC engine itself
// stays unaware of metrics. Calls refused before the handler (unknown method,
// admin rights, rate limit, bad envelope) are not per-method figures.
//
// Thread-safety: Wrap and MeteredRegistry::Register before the server starts;
// the wrapped handlers and Figures() from any thread afterwards.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chain/latency_histogram.h"
#include "node/observe.h"
#include "rpc/dispatcher.h"

namespace corridor::node {

class RpcMeter {
 public:
  // `handler`, timed and counted under `method`.
  rpc::MethodHandler Wrap(const std::string& method, rpc::MethodHandler handler);
  // Every wrapped method, in name order.
  std::vector<RpcMethodFigures> Figures() const;

 private:
  struct Method {
    LatencyHistogram latency;
    std::atomic<uint64_t> errors{0};
  };
  std::map<std::string, std::unique_ptr<Method>> methods_;
};

// A registry (rpc::Server, rpc::MethodTable) whose registrations go through
// an RpcMeter; usable with RegisterRpcMethods.
template <typename Registry>
class MeteredRegistry {
 public:
  MeteredRegistry(Registry& registry, RpcMeter& meter) : registry_(registry), meter_(meter) {}
  Status Register(std::string name, rpc::MethodHandler handler, rpc::MethodOptions options = {}) {
    rpc::MethodHandler wrapped = meter_.Wrap(name, std::move(handler));
    return registry_.Register(std::move(name), std::move(wrapped), options);
  }

 private:
  Registry& registry_;
  RpcMeter& meter_;
};

}  // namespace corridor::node

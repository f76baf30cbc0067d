#include "node/rpc_meter.h"

#include <chrono>

namespace corridor::node {

rpc::MethodHandler RpcMeter::Wrap(const std::string& method, rpc::MethodHandler handler) {
  auto& slot = methods_[method];
  if (!slot) slot = std::make_unique<Method>();
  Method* m = slot.get();
  return [m, handler = std::move(handler)](const rpc::Params& p,
                                           const rpc::CallContext& ctx) -> rpc::MethodResult {
    const auto started = std::chrono::steady_clock::now();
    rpc::MethodResult r = handler(p, ctx);
    m->latency.Observe(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                 std::chrono::steady_clock::now() - started)
                                                 .count()));
    if (!r) m->errors.fetch_add(1, std::memory_order_relaxed);
    return r;
  };
}

std::vector<RpcMethodFigures> RpcMeter::Figures() const {
  std::vector<RpcMethodFigures> out;
  for (const auto& [name, m] : methods_) {
    out.push_back({name, m->latency.Snapshot(), m->errors.load(std::memory_order_relaxed)});
  }
  return out;
}

}  // namespace corridor::node

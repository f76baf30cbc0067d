// A dummy method table shared by the rpc tests.
#pragma once

#include <stdexcept>
#include <string>

#include "chain/address.h"
#include "rpc/dispatcher.h"

namespace corridor::rpc::testing {

inline Address TestAddress(uint8_t fill) {
  Address a;
  a.bytes.fill(fill);
  return a;
}

// Registers: echo (returns params), add {a, b}, balance {address, asset?}
// (amounts in 2 decimals), pay {to, amount} (rejects amounts over 100.00 the
// way the state machine would), boom (throws), admin_setLogLevel (admin).
template <typename Registry>
void RegisterTestMethods(Registry& r) {
  (void)r.Register("echo", [](const Params& p, const CallContext&) -> MethodResult {
    if (p.Absent()) return Json();
    return Json::From(*p.raw());
  });
  (void)r.Register("add", [](const Params& p, const CallContext&) -> MethodResult {
    if (auto e = p.RejectUnknown({"a", "b"})) return std::move(*e);
    auto a = p.GetUint64("a");
    if (!a) return std::move(a).error();
    auto b = p.GetUint64("b");
    if (!b) return std::move(b).error();
    return Json::Uint(*a + *b);
  });
  (void)r.Register("balance", [](const Params& p, const CallContext&) -> MethodResult {
    auto addr = p.GetAddress("address");
    if (!addr) return std::move(addr).error();
    auto h = p.GetOptionalHash("block");
    if (!h) return std::move(h).error();
    Json out = Json::Object();
    out.Set("address", addr->ToString());
    out.Set("USD", "12.50");
    return out;
  });
  (void)r.Register("pay", [](const Params& p, const CallContext&) -> MethodResult {
    auto to = p.GetAddress("to");
    if (!to) return std::move(to).error();
    auto amount = p.GetAmount("amount", 2);
    if (!amount) return std::move(amount).error();
    if (*amount > 10000) {
      return RpcError::TransactionRejected("insufficient_balance", "InsufficientBalance",
                                           "balance 100.00 USD is less than the amount");
    }
    return Json::String("ok");
  });
  (void)r.Register("boom", [](const Params&, const CallContext&) -> MethodResult {
    throw std::runtime_error("handler bug");
  });
  (void)r.Register(
      "admin_setLogLevel",
      [](const Params&, const CallContext&) -> MethodResult { return Json::Bool(true); },
      {.admin = true});
}

}  // namespace corridor::rpc::testing

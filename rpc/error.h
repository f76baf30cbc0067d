// JSON-RPC errors and the value-or-error type returned by method handlers.
//
// Every error a client can see is an RpcError: a JSON-RPC code, a message for
// people and optional structured `data`. The code table (docs/rpc.md, "Error
// codes") is part of the public interface: codes are never renumbered.
//
// The state machine's stable rejection code and name reach the client word for
// word through TransactionRejected(): data = {"code": ..., "name": ...}.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "chain/result.h"
#include "rpc/json.h"

namespace corridor::rpc {

// JSON-RPC 2.0 standard codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Corridor application codes (-32000 .. -32099 is the server range).
inline constexpr int kTransactionRejected = -32000;  // data: {code, name[, ...]}
inline constexpr int kNotFound = -32001;
inline constexpr int kRateLimited = -32002;
inline constexpr int kUnauthorized = -32003;
inline constexpr int kServerBusy = -32004;
inline constexpr int kLimitExceeded = -32005;  // data: {limit, max}
inline constexpr int kSubscriptionError = -32006;
inline constexpr int kUnavailable = -32007;  // e.g. node still syncing
// Produced by rpc::Client only, never sent by a server: the call did not get a
// JSON-RPC answer (connection refused, timeout, non-JSON HTTP reply).
inline constexpr int kTransportError = -32099;

struct RpcError {
  int code = kInternalError;
  std::string message;
  std::optional<Json> data;

  static RpcError ParseError(std::string message);
  static RpcError InvalidRequest(std::string message);
  static RpcError MethodNotFound(std::string_view method);
  // data = {"param": param, "reason": reason} so a wallet can point at the field.
  static RpcError InvalidParams(std::string message, std::string_view param = {},
                                std::string_view reason = {});
  static RpcError Internal(std::string message);
  // The state machine's stable code and name, verbatim.
  static RpcError TransactionRejected(std::string_view code, std::string_view name,
                                      std::string message);
  static RpcError NotFound(std::string message);
  static RpcError RateLimited(std::string message);
  static RpcError Unauthorized(std::string message);
  static RpcError ServerBusy(std::string message);
  static RpcError LimitExceeded(std::string_view limit, uint64_t max, std::string message);
  // Wraps a chain Error under `rpc_code`, keeping its stable code in data.code.
  static RpcError FromError(int rpc_code, const Error& error);

  // {"code":..,"message":..,"data":..}
  Json ToJson() const;
  std::string ToString() const;
};

// A value or an RpcError.
template <typename T>
using Outcome = corridor::Result<T, RpcError>;

// What a method handler returns: the `result` member, or the `error` member.
using MethodResult = Outcome<Json>;

}  // namespace corridor::rpc

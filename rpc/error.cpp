#include "rpc/error.h"

namespace corridor::rpc {

RpcError RpcError::ParseError(std::string message) {
  return RpcError{kParseError, std::move(message), std::nullopt};
}
RpcError RpcError::InvalidRequest(std::string message) {
  return RpcError{kInvalidRequest, std::move(message), std::nullopt};
}
RpcError RpcError::MethodNotFound(std::string_view method) {
  return RpcError{kMethodNotFound, "method '" + std::string(method) + "' not found", std::nullopt};
}
RpcError RpcError::InvalidParams(std::string message, std::string_view param,
                                 std::string_view reason) {
  RpcError e{kInvalidParams, std::move(message), std::nullopt};
  if (!param.empty() || !reason.empty()) {
    Json d = Json::Object();
    if (!param.empty()) d.Set("param", param);
    if (!reason.empty()) d.Set("reason", reason);
    e.data = std::move(d);
  }
  return e;
}
RpcError RpcError::Internal(std::string message) {
  return RpcError{kInternalError, std::move(message), std::nullopt};
}
RpcError RpcError::TransactionRejected(std::string_view code, std::string_view name,
                                       std::string message) {
  Json d = Json::Object();
  d.Set("code", code);
  d.Set("name", name);
  return RpcError{kTransactionRejected, std::move(message), std::move(d)};
}
RpcError RpcError::NotFound(std::string message) {
  return RpcError{kNotFound, std::move(message), std::nullopt};
}
RpcError RpcError::RateLimited(std::string message) {
  return RpcError{kRateLimited, std::move(message), std::nullopt};
}
RpcError RpcError::Unauthorized(std::string message) {
  return RpcError{kUnauthorized, std::move(message), std::nullopt};
}
RpcError RpcError::ServerBusy(std::string message) {
  return RpcError{kServerBusy, std::move(message), std::nullopt};
}
RpcError RpcError::LimitExceeded(std::string_view limit, uint64_t max, std::string message) {
  Json d = Json::Object();
  d.Set("limit", limit);
  d.Set("max", max);
  return RpcError{kLimitExceeded, std::move(message), std::move(d)};
}
RpcError RpcError::FromError(int rpc_code, const Error& error) {
  Json d = Json::Object();
  d.Set("code", error.code);
  return RpcError{rpc_code, error.message, std::move(d)};
}

Json RpcError::ToJson() const {
  Json j = Json::Object();
  j.Set("code", code);
  j.Set("message", message);
  if (data) j.Set("data", *data);
  return j;
}

std::string RpcError::ToString() const {
  std::string s = std::to_string(code) + " " + message;
  if (data) s += " " + data->Serialize();
  return s;
}

}  // namespace corridor::rpc

#include "rpc/dispatcher.h"

#include <exception>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

namespace corridor::rpc {

namespace {

constexpr std::string_view kSubscribe = "subscribe";
constexpr std::string_view kUnsubscribe = "unsubscribe";

// {"jsonrpc":"2.0","id":ID,"result"|"error":...}; id == nullptr writes null.
std::string Envelope(const rapidjson::Value* id, const MethodResult& outcome) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("id");
  if (id != nullptr) {
    id->Accept(w);
  } else {
    w.Null();
  }
  if (outcome.ok()) {
    w.Key("result");
    outcome.value().value().Accept(w);
  } else {
    w.Key("error");
    outcome.error().ToJson().value().Accept(w);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string RateLimitMessage(const RateLimiter& limiter) {
  return "rate limit exceeded: at most " + std::to_string(limiter.per_second()) +
         " calls per second per client address";
}

}  // namespace

Status MethodTable::Register(std::string name, MethodHandler handler, MethodOptions options) {
  if (name.empty() || !handler) return MakeError("bad_method", "empty method name or handler");
  if (name.rfind("rpc.", 0) == 0 || name == kSubscribe || name == kUnsubscribe) {
    return MakeError("reserved_method", "method name '" + name + "' is reserved");
  }
  if (methods_.count(name) != 0) {
    return MakeError("duplicate_method", "method '" + name + "' is already registered");
  }
  methods_.emplace(std::move(name), Entry{std::move(handler), options});
  return Status::Ok();
}

const MethodTable::Entry* MethodTable::Find(std::string_view name) const {
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodTable::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : methods_) out.push_back(name);
  return out;
}

Dispatcher::Dispatcher(const MethodTable& methods, DispatchLimits limits, RateLimiter* rate_limiter)
    : methods_(methods), limits_(limits), rate_limiter_(rate_limiter) {}

std::string Dispatcher::ErrorResponse(const RpcError& error) {
  return Envelope(nullptr, MethodResult(error));
}

DispatchOutput Dispatcher::Handle(std::string_view body, const CallContext& ctx) const {
  // One token per request before parsing, so floods of garbage are limited too.
  if (rate_limiter_ != nullptr && !rate_limiter_->Allow(ctx.remote_address, 1)) {
    return {ErrorResponse(RpcError::RateLimited(RateLimitMessage(*rate_limiter_))), 429};
  }
  if (JsonNestingDepth(body, limits_.max_json_depth) > limits_.max_json_depth) {
    return {ErrorResponse(RpcError::ParseError("JSON nested deeper than " +
                                               std::to_string(limits_.max_json_depth))),
            200};
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    return {ErrorResponse(RpcError::ParseError(
                std::string("invalid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                " at offset " + std::to_string(doc.GetErrorOffset()))),
            200};
  }
  if (!doc.IsArray()) {
    auto one = HandleOne(doc, ctx);
    if (!one) return {std::string(), 204};
    return {std::move(*one), 200};
  }
  // Batch.
  const auto& batch = doc.GetArray();
  if (batch.Empty()) {
    return {ErrorResponse(RpcError::InvalidRequest("empty batch")), 200};
  }
  if (batch.Size() > limits_.max_batch_length) {
    return {ErrorResponse(RpcError::LimitExceeded("batch_length", limits_.max_batch_length,
                                                  "batch of " + std::to_string(batch.Size()) +
                                                      " calls exceeds the limit of " +
                                                      std::to_string(limits_.max_batch_length))),
            200};
  }
  if (rate_limiter_ != nullptr && batch.Size() > 1 &&
      !rate_limiter_->Allow(ctx.remote_address, batch.Size() - 1)) {
    return {ErrorResponse(RpcError::RateLimited(RateLimitMessage(*rate_limiter_) +
                                                " (a batch counts one per call)")),
            429};
  }
  std::string out = "[";
  bool any = false;
  for (const auto& req : batch) {
    auto one = HandleOne(req, ctx);
    if (!one) continue;
    if (any) out += ',';
    out += *one;
    any = true;
  }
  if (!any) return {std::string(), 204};
  out += ']';
  return {std::move(out), 200};
}

std::optional<std::string> Dispatcher::HandleOne(const rapidjson::Value& req,
                                                 const CallContext& ctx) const {
  if (!req.IsObject()) {
    return Envelope(nullptr, RpcError::InvalidRequest("request must be a JSON object"));
  }
  const rapidjson::Value* id = nullptr;
  auto id_it = req.FindMember("id");
  bool notification = id_it == req.MemberEnd();
  if (!notification) {
    id = &id_it->value;
    if (!id->IsString() && !id->IsNumber() && !id->IsNull()) {
      return Envelope(nullptr, RpcError::InvalidRequest("'id' must be a string, a number or null"));
    }
  }
  auto reply = [&](const MethodResult& r) -> std::optional<std::string> {
    if (notification) return std::nullopt;
    return Envelope(id, r);
  };
  auto v = req.FindMember("jsonrpc");
  if (v == req.MemberEnd() || !v->value.IsString() ||
      std::string_view(v->value.GetString(), v->value.GetStringLength()) != "2.0") {
    // An invalid request is answered even without an id: the client cannot
    // have meant it as a notification.
    return Envelope(id, RpcError::InvalidRequest("'jsonrpc' must be exactly \"2.0\""));
  }
  auto m = req.FindMember("method");
  if (m == req.MemberEnd() || !m->value.IsString()) {
    return Envelope(id, RpcError::InvalidRequest("'method' must be a string"));
  }
  std::string_view method(m->value.GetString(), m->value.GetStringLength());
  const rapidjson::Value* params = nullptr;
  auto p = req.FindMember("params");
  if (p != req.MemberEnd()) {
    if (!p->value.IsObject() && !p->value.IsArray()) {
      return Envelope(id, RpcError::InvalidRequest("'params' must be an object or an array"));
    }
    params = &p->value;
  }
  return reply(Call(method, Params(params), ctx));
}

MethodResult Dispatcher::Call(std::string_view method, const Params& params,
                              const CallContext& ctx) const {
  if (method == kSubscribe) return Subscribe(params, ctx);
  if (method == kUnsubscribe) return Unsubscribe(params, ctx);
  const MethodTable::Entry* entry = methods_.Find(method);
  if (entry == nullptr) return RpcError::MethodNotFound(method);
  if (entry->options.admin && !ctx.admin) {
    return RpcError::Unauthorized("method '" + std::string(method) +
                                  "' is an admin method: call it from loopback or with "
                                  "'Authorization: Bearer <token>'");
  }
  try {
    return entry->handler(params, ctx);
  } catch (const std::exception& e) {
    spdlog::error("rpc: handler for {} threw: {}", method, e.what());
    return RpcError::Internal("internal error in '" + std::string(method) + "'");
  } catch (...) {
    spdlog::error("rpc: handler for {} threw a non-standard exception", method);
    return RpcError::Internal("internal error in '" + std::string(method) + "'");
  }
}

MethodResult Dispatcher::Subscribe(const Params& params, const CallContext& ctx) const {
  if (ctx.subscriptions == nullptr) {
    return RpcError{kMethodNotFound, "'subscribe' is available over WebSocket only", std::nullopt};
  }
  if (auto e = params.RejectUnknown({"topic", "fromHeight", "account"})) return std::move(*e);
  auto topic = params.GetString("topic");
  if (!topic) return std::move(topic).error();
  auto from = params.GetOptionalUint64("fromHeight");
  if (!from) return std::move(from).error();
  auto account = params.GetOptionalAddress("account");
  if (!account) return std::move(account).error();
  auto id = ctx.subscriptions->Subscribe(*topic, *from, *account);
  if (!id) return std::move(id).error();
  return Json::String(*id);
}

MethodResult Dispatcher::Unsubscribe(const Params& params, const CallContext& ctx) const {
  if (ctx.subscriptions == nullptr) {
    return RpcError{kMethodNotFound, "'unsubscribe' is available over WebSocket only",
                    std::nullopt};
  }
  if (auto e = params.RejectUnknown({"id"})) return std::move(*e);
  auto id = params.GetString("id");
  if (!id) return std::move(id).error();
  return Json::Bool(ctx.subscriptions->Unsubscribe(*id));
}

}  // namespace corridor::rpc

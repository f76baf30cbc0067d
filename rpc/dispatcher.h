// Dispatcher: the JSON-RPC 2.0 engine, independent of any transport.
//
// It takes one request body (an HTTP POST body or a WebSocket text message),
// validates the envelope strictly, applies the rate limit and batch limit,
// checks admin rights, runs the handlers and returns the response body. The
// Beast sessions only move bytes; everything a client can observe about a
// request's handling is decided here, which is what the unit tests exercise.
//
// Methods are registered before the server starts (MethodTable is read-only
// afterwards, so lookups take no lock). Handlers run on the server's worker
// threads, possibly several at once: they must be thread-safe.
//
// Built-in methods: `subscribe` and `unsubscribe` (WebSocket only; they reach
// the connection through CallContext::subscriptions). Names starting "rpc."
// are reserved by JSON-RPC 2.0.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chain/address.h"
#include "rpc/error.h"
#include "rpc/json.h"
#include "rpc/params.h"
#include "rpc/rate_limiter.h"

namespace corridor::rpc {

enum class Transport { kHttp, kWebSocket };

// Implemented by a WebSocket connection; the dispatcher's subscribe and
// unsubscribe methods call it (from a worker thread).
class SubscriptionHost {
 public:
  virtual ~SubscriptionHost() = default;
  // Returns the new subscription id.
  virtual Outcome<std::string> Subscribe(std::string_view topic,
                                         std::optional<uint64_t> from_height,
                                         std::optional<Address> account) = 0;
  // Returns false when `id` is not a subscription of this connection.
  virtual bool Unsubscribe(std::string_view id) = 0;
};

// Who is calling and over what.
struct CallContext {
  std::string remote_address;  // IP address text, the rate-limit key
  bool loopback = false;
  bool admin = false;  // loopback (when allowed) or a matching bearer token
  Transport transport = Transport::kHttp;
  SubscriptionHost* subscriptions = nullptr;  // WebSocket connections only
};

struct MethodOptions {
  bool admin = false;  // callable only with CallContext::admin
};

using MethodHandler = std::function<MethodResult(const Params&, const CallContext&)>;

class MethodTable {
 public:
  // Errors: "duplicate_method", "reserved_method" (rpc.*, subscribe,
  // unsubscribe), "bad_method" (empty name or handler).
  Status Register(std::string name, MethodHandler handler, MethodOptions options = {});

  struct Entry {
    MethodHandler handler;
    MethodOptions options;
  };
  const Entry* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, Entry, std::less<>> methods_;
};

struct DispatchLimits {
  size_t max_batch_length = 100;
  // Requests whose raw JSON nests deeper are refused as parse errors.
  size_t max_json_depth = Json::kMaxDepth;
};

struct DispatchOutput {
  // Empty when the request held only notifications: nothing is sent back
  // (HTTP answers 204 No Content).
  std::string body;
  // The HTTP status to use: 200, 204, or 429 when the rate limit refused the
  // whole request. (WebSocket ignores it.)
  int http_status = 200;
};

class Dispatcher {
 public:
  // `rate_limiter` may be nullptr (no limit). Both must outlive the dispatcher.
  Dispatcher(const MethodTable& methods, DispatchLimits limits, RateLimiter* rate_limiter);

  DispatchOutput Handle(std::string_view body, const CallContext& ctx) const;

  // A complete error response with id null, for transports that refuse a
  // request before the dispatcher sees it (body too large, server busy).
  static std::string ErrorResponse(const RpcError& error);

 private:
  // Returns the serialized response, or nullopt for a notification.
  std::optional<std::string> HandleOne(const rapidjson::Value& request,
                                       const CallContext& ctx) const;
  MethodResult Call(std::string_view method, const Params& params, const CallContext& ctx) const;
  MethodResult Subscribe(const Params& params, const CallContext& ctx) const;
  MethodResult Unsubscribe(const Params& params, const CallContext& ctx) const;

  const MethodTable& methods_;
  DispatchLimits limits_;
  RateLimiter* rate_limiter_;
};

}  // namespace corridor::rpc

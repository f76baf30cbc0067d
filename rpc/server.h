// rpc::Server: JSON-RPC 2.0 over HTTP POST (single and batch) and WebSocket
// (the same methods plus subscriptions) on one listening port, plus plain
// HTTP GET routes for /health and /metrics. Wire format and limits:
// docs/rpc.md.
//
// Threading model:
//   - `io_threads` threads run the network (Boost.Asio io_context). Each
//     connection's socket operations are serialised on its own strand.
//   - Handlers (methods, GET routes, subscription replay reads) run on a pool
//     of `worker_threads`, never on a network thread, so a slow LevelDB read
//     delays only its own connection. Several handlers may run concurrently:
//     they must be thread-safe.
//   - One connection handles one request at a time (HTTP keep-alive and
//     pipelining answer in order; a WebSocket answers each message before
//     reading the next). Subscription notifications flow independently.
//   - Publish() may be called from any thread (see SubscriptionHub for the
//     per-topic ordering contract).
//
// Lifecycle: construct, Register*/RegisterTopic, Start(), ..., Stop() (also
// done by the destructor). Registration after Start() is refused.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chain/result.h"
#include "rpc/dispatcher.h"
#include "rpc/subscription.h"

namespace corridor::rpc {

struct ServerLimits {
  size_t max_body_bytes = 1 << 20;        // HTTP request body; over it: 413
  size_t max_header_bytes = 16 << 10;     // HTTP request header block; over it: 431
  size_t max_batch_length = 100;          // calls per batch; over it: -32005
  size_t max_connections = 512;           // open HTTP + WebSocket; over it: 503
  size_t max_in_flight = 256;             // requests queued or running on workers: -32004/503
  uint32_t rate_per_second = 200;         // per client IP, token bucket; 0 = unlimited
  uint32_t rate_burst = 400;              //   bucket size
  bool rate_limit_loopback = true;        // false exempts 127.0.0.0/8 and ::1
  size_t max_ws_message_bytes = 1 << 20;  // incoming WebSocket message; over it: close 1009
  size_t max_subscriptions_per_connection = 32;
  size_t max_ws_outbound_messages = 4096;   // queued notifications; over it: slow consumer
  size_t max_ws_outbound_bytes = 16 << 20;  //   same, in bytes
  size_t replay_batch = 256;                // events read per replay step
  std::chrono::milliseconds http_idle_timeout{30'000};  // between/while reading requests
  std::chrono::milliseconds ws_idle_timeout{120'000};   // no traffic (pings sent at half)
  std::chrono::milliseconds ws_handshake_timeout{10'000};
  std::chrono::milliseconds slow_consumer_close_grace{5'000};  // then the socket is cut
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8545;  // 0 picks a free port (see Server::port())
  unsigned io_threads = 1;
  unsigned worker_threads = 2;
  // Admin methods: allowed from loopback when admin_from_loopback, and from
  // anywhere with "Authorization: Bearer <admin_token>" (when non-empty).
  bool admin_from_loopback = true;
  std::string admin_token;
  ServerLimits limits;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};
using HttpGetHandler = std::function<HttpResponse(const CallContext&)>;

// Counters for metrics and tests.
struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t connections_refused = 0;  // max_connections reached
  uint64_t requests = 0;             // HTTP POST bodies + WebSocket messages
  uint64_t rate_limited = 0;
  uint64_t oversized = 0;  // bodies/messages over their limit
  uint64_t slow_consumer_disconnects = 0;
  uint64_t websocket_sessions = 0;  // currently open
};

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Register(std::string method, MethodHandler handler, MethodOptions options = {});
  // `path` such as "/health"; the query string is ignored when matching.
  Status RegisterHttpGet(std::string path, HttpGetHandler handler);
  Status RegisterTopic(std::string topic, std::shared_ptr<SubscriptionSource> source,
                       TopicOptions options = {});

  // Binds and starts serving. Errors: "bind_failed" with the reason.
  Status Start();
  // Closes the listener and every connection, joins all threads. Idempotent.
  void Stop();

  // The bound port (useful with port 0). REQUIRES: Start() succeeded.
  uint16_t port() const;

  // Delivers a topic event to live subscribers; see rpc/subscription.h.
  void Publish(std::string_view topic, const TopicEvent& event);

  ServerStats Stats() const;
  const ServerConfig& config() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor::rpc

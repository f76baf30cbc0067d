// Private to rpc/: the Server's state shared by the listener (server.cpp), the
// HTTP session (server_http.cpp) and the WebSocket session (server_ws.cpp).
// This is the only header that includes Boost.Asio/Beast; it is never
// installed or included from outside rpc/*.cpp.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "rpc/dispatcher.h"
#include "rpc/rate_limiter.h"
#include "rpc/server.h"
#include "rpc/subscription_hub.h"

namespace corridor::rpc {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Counts one open connection for as long as it lives; moved from the HTTP
// session to the WebSocket session on upgrade.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::atomic<uint64_t>* counter) : counter_(counter) {}
  ConnectionSlot(ConnectionSlot&& o) noexcept : counter_(std::exchange(o.counter_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& o) noexcept {
    Release();
    counter_ = std::exchange(o.counter_, nullptr);
    return *this;
  }
  ~ConnectionSlot() { Release(); }

 private:
  void Release() {
    if (counter_ != nullptr) counter_->fetch_sub(1);
    counter_ = nullptr;
  }
  std::atomic<uint64_t>* counter_ = nullptr;
};

class Server::Impl {
 public:
  explicit Impl(ServerConfig config);
  ~Impl();

  Status Start();
  void Stop();

  // Runs `fn` on a worker thread unless max_in_flight requests are already
  // queued or running; returns false then (the caller answers "server busy").
  template <typename F>
  bool RunOnWorker(F&& fn) {
    if (in_flight_.fetch_add(1) >= config_.limits.max_in_flight) {
      in_flight_.fetch_sub(1);
      return false;
    }
    net::post(*workers_, [this, fn = std::forward<F>(fn)]() mutable {
      fn();
      in_flight_.fetch_sub(1);
    });
    return true;
  }
  // Replay reads are paced per connection and not counted as requests.
  template <typename F>
  void RunOnWorkerUncounted(F&& fn) {
    net::post(*workers_, std::forward<F>(fn));
  }

  CallContext MakeContext(const tcp::endpoint& remote, std::string_view authorization,
                          Transport transport) const;
  const Dispatcher& DispatcherFor(const CallContext& ctx) const {
    return (!config_.limits.rate_limit_loopback && ctx.loopback) ? unlimited_dispatcher_
                                                                 : dispatcher_;
  }
  // Counts a request refused by the rate limiter (HTTP 429) for Stats().
  void NoteDispatch(const DispatchOutput& out) {
    if (out.http_status == 429) rate_limited_.fetch_add(1);
  }

  ServerConfig config_;
  MethodTable methods_;
  std::map<std::string, HttpGetHandler, std::less<>> get_routes_;
  SubscriptionHub hub_;
  RateLimiter limiter_;
  Dispatcher dispatcher_;
  Dispatcher unlimited_dispatcher_;

  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  uint16_t port_ = 0;

  std::atomic<uint64_t> connections_open_{0};
  std::atomic<uint64_t> connections_refused_{0};
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> rate_limited_{0};
  std::atomic<uint64_t> oversized_{0};
  std::atomic<uint64_t> slow_consumer_{0};
  std::atomic<uint64_t> ws_sessions_{0};
  std::atomic<uint64_t> in_flight_{0};

  // Destroyed explicitly in Stop(), in this order: acceptor, worker pool (its
  // queued jobs hold sessions), io_context (its queued handlers hold
  // sessions; destroying them closes the sockets while the rest of Impl is
  // still alive).
  std::optional<net::io_context> ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::thread_pool> workers_;
  std::optional<net::steady_timer> accept_retry_;
  std::vector<std::thread> io_threads_;

 private:
  void DoAccept();
  void OnAccept(tcp::socket socket);
};

// server_http.cpp
void StartHttpSession(Server::Impl& server, tcp::socket socket, ConnectionSlot slot);
// server_ws.cpp: takes over an upgraded HTTP connection.
void StartWebSocketSession(Server::Impl& server, beast::tcp_stream stream,
                           http::request<http::string_body> upgrade, ConnectionSlot slot,
                           CallContext ctx);

}  // namespace corridor::rpc

// Server lifecycle and the listener. Sessions: server_http.cpp, server_ws.cpp.
#include <chrono>

#include <spdlog/spdlog.h>

#include "rpc/auth.h"
#include "rpc/server_impl.h"

namespace corridor::rpc {

namespace {
DispatchLimits MakeDispatchLimits(const ServerLimits& l) {
  DispatchLimits d;
  d.max_batch_length = l.max_batch_length;
  return d;
}
}  // namespace

Server::Impl::Impl(ServerConfig config)
    : config_(std::move(config)),
      limiter_(config_.limits.rate_per_second, config_.limits.rate_burst),
      dispatcher_(methods_, MakeDispatchLimits(config_.limits), &limiter_),
      unlimited_dispatcher_(methods_, MakeDispatchLimits(config_.limits), nullptr) {
  if (config_.io_threads == 0) config_.io_threads = 1;
  if (config_.worker_threads == 0) config_.worker_threads = 1;
}

Server::Impl::~Impl() {
  Stop();
}

CallContext Server::Impl::MakeContext(const tcp::endpoint& remote, std::string_view authorization,
                                      Transport transport) const {
  CallContext ctx;
  auto addr = remote.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  }
  ctx.remote_address = addr.to_string();
  ctx.loopback = addr.is_loopback();
  ctx.admin = (config_.admin_from_loopback && ctx.loopback) ||
              BearerTokenMatches(authorization, config_.admin_token);
  ctx.transport = transport;
  return ctx;
}

Status Server::Impl::Start() {
  if (started_.exchange(true)) return MakeError("already_started", "server already started");
  ioc_.emplace(static_cast<int>(config_.io_threads));
  boost::system::error_code ec;
  auto address = net::ip::make_address(config_.address, ec);
  if (ec) {
    return MakeError("bind_failed",
                     "bad listen address '" + config_.address + "': " + ec.message());
  }
  tcp::endpoint endpoint(address, config_.port);
  acceptor_.emplace(*ioc_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string where = config_.address + ":" + std::to_string(config_.port);
    acceptor_.reset();
    ioc_.reset();
    return MakeError("bind_failed", "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  accept_retry_.emplace(*ioc_);
  workers_.emplace(config_.worker_threads);
  DoAccept();
  for (unsigned i = 0; i < config_.io_threads; ++i) {
    io_threads_.emplace_back([this] { ioc_->run(); });
  }
  spdlog::info("rpc: listening on {}:{} (HTTP + WebSocket)", config_.address, port_);
  return Status::Ok();
}

void Server::Impl::Stop() {
  if (!started_ || stopped_.exchange(true)) return;
  if (workers_) {
    workers_->stop();
    workers_->join();
  }
  ioc_->stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  accept_retry_.reset();
  acceptor_.reset();
  workers_.reset();
  ioc_.reset();
}

void Server::Impl::DoAccept() {
  acceptor_->async_accept(net::make_strand(*ioc_),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            if (ec == net::error::operation_aborted || !acceptor_->is_open())
                              return;
                            if (ec) {
                              // E.g. out of file descriptors: back off instead of spinning.
                              spdlog::warn("rpc: accept failed: {}", ec.message());
                              accept_retry_->expires_after(std::chrono::milliseconds(100));
                              accept_retry_->async_wait([this](boost::system::error_code wait_ec) {
                                if (!wait_ec) DoAccept();
                              });
                              return;
                            }
                            OnAccept(std::move(socket));
                            DoAccept();
                          });
}

void Server::Impl::OnAccept(tcp::socket socket) {
  if (connections_open_.load() >= config_.limits.max_connections) {
    connections_refused_.fetch_add(1);
    // A short, fixed answer written without waiting: the kernel buffer of a
    // fresh socket always has room for it.
    std::string body = Dispatcher::ErrorResponse(
        RpcError::ServerBusy("too many open connections (limit " +
                             std::to_string(config_.limits.max_connections) + ")"));
    std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(response), ignored);
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
    return;
  }
  connections_open_.fetch_add(1);
  StartHttpSession(*this, std::move(socket), ConnectionSlot(&connections_open_));
}

// --- Server ----------------------------------------------------------------

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Server::~Server() {
  Stop();
}

Status Server::Register(std::string method, MethodHandler handler, MethodOptions options) {
  if (impl_->started_) return MakeError("already_started", "register methods before Start()");
  return impl_->methods_.Register(std::move(method), std::move(handler), options);
}

Status Server::RegisterHttpGet(std::string path, HttpGetHandler handler) {
  if (impl_->started_) return MakeError("already_started", "register routes before Start()");
  if (path.empty() || path[0] != '/' || !handler) {
    return MakeError("bad_route", "a GET route needs a path starting with '/' and a handler");
  }
  if (impl_->get_routes_.count(path) != 0) {
    return MakeError("duplicate_route", "GET " + path + " is already registered");
  }
  impl_->get_routes_.emplace(std::move(path), std::move(handler));
  return Status::Ok();
}

Status Server::RegisterTopic(std::string topic, std::shared_ptr<SubscriptionSource> source,
                             TopicOptions options) {
  return impl_->hub_.RegisterTopic(std::move(topic), std::move(source), options);
}

Status Server::Start() {
  return impl_->Start();
}
void Server::Stop() {
  impl_->Stop();
}
uint16_t Server::port() const {
  return impl_->port_;
}

void Server::Publish(std::string_view topic, const TopicEvent& event) {
  impl_->hub_.Publish(topic, event);
}

ServerStats Server::Stats() const {
  ServerStats s;
  s.connections_open = impl_->connections_open_.load();
  s.connections_refused = impl_->connections_refused_.load();
  s.requests = impl_->requests_.load();
  s.rate_limited = impl_->rate_limited_.load();
  s.oversized = impl_->oversized_.load();
  s.slow_consumer_disconnects = impl_->slow_consumer_.load();
  s.websocket_sessions = impl_->ws_sessions_.load();
  return s;
}

const ServerConfig& Server::config() const {
  return impl_->config_;
}

}  // namespace corridor::rpc

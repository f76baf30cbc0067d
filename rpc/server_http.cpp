// HTTP/1.1 sessions: JSON-RPC over POST, GET routes, and the hand-over of
// WebSocket upgrades to server_ws.cpp.
#include <spdlog/spdlog.h>
#include <boost/beast/websocket/rfc6455.hpp>

#include "rpc/server_impl.h"

namespace corridor::rpc {

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Server::Impl& server, tcp::socket socket, ConnectionSlot slot)
      : server_(server), stream_(std::move(socket)), slot_(std::move(slot)) {
    boost::system::error_code ec;
    remote_ = stream_.socket().remote_endpoint(ec);
  }

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::DoRead, shared_from_this()));
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(server_.config_.limits.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(server_.config_.limits.max_header_bytes));
    stream_.expires_after(server_.config_.limits.http_idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream) return DoClose();
    if (ec == http::error::body_limit) {
      server_.oversized_.fetch_add(1);
      auto body = Dispatcher::ErrorResponse(RpcError::LimitExceeded(
          "body_bytes", server_.config_.limits.max_body_bytes,
          "request body exceeds the limit of " +
              std::to_string(server_.config_.limits.max_body_bytes) + " bytes"));
      // The rest of the body is unread: the connection cannot be reused.
      return Send(MakeResponse(http::status::payload_too_large, 11, false, std::move(body)), true);
    }
    if (ec == http::error::header_limit) {
      server_.oversized_.fetch_add(1);
      return Send(MakeResponse(http::status::request_header_fields_too_large, 11, false,
                               Dispatcher::ErrorResponse(RpcError::LimitExceeded(
                                   "header_bytes", server_.config_.limits.max_header_bytes,
                                   "request header too large"))),
                  true);
    }
    if (ec) return;  // timeout, reset, malformed HTTP: drop the connection

    Request req = parser_->release();
    std::string_view authorization;
    if (auto it = req.find(http::field::authorization); it != req.end()) {
      authorization = std::string_view(it->value().data(), it->value().size());
    }

    if (beast::websocket::is_upgrade(req)) {
      CallContext ctx = server_.MakeContext(remote_, authorization, Transport::kWebSocket);
      stream_.expires_never();
      StartWebSocketSession(server_, std::move(stream_), std::move(req), std::move(slot_),
                            std::move(ctx));
      return;
    }

    CallContext ctx = server_.MakeContext(remote_, authorization, Transport::kHttp);
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    unsigned version = req.version();
    bool keep_alive = req.keep_alive();

    if (req.method() == http::verb::post) {
      if (path != "/") {
        return Send(MakeResponse(http::status::not_found, version, keep_alive,
                                 Dispatcher::ErrorResponse(
                                     RpcError::InvalidRequest("JSON-RPC is served on POST /"))),
                    !keep_alive);
      }
      server_.requests_.fetch_add(1);
      auto self = shared_from_this();
      bool queued = server_.RunOnWorker(
          [self, body = std::move(req.body()), ctx = std::move(ctx), version, keep_alive] {
            const Dispatcher& d = self->server_.DispatcherFor(ctx);
            DispatchOutput out = d.Handle(body, ctx);
            self->server_.NoteDispatch(out);
            net::post(self->stream_.get_executor(), [self, out = std::move(out), version,
                                                     keep_alive]() mutable {
              auto status = static_cast<http::status>(out.http_status);
              Response res = self->MakeResponse(status, version, keep_alive, std::move(out.body));
              if (out.http_status == 429) res.set(http::field::retry_after, "1");
              self->Send(std::move(res), !keep_alive);
            });
          });
      if (!queued) return SendBusy(version, keep_alive);
      return;
    }

    if (req.method() == http::verb::get || req.method() == http::verb::head) {
      auto route = server_.get_routes_.find(path);
      if (route == server_.get_routes_.end()) {
        return Send(
            MakeResponse(http::status::not_found, version, keep_alive, "{\"error\":\"not found\"}"),
            !keep_alive);
      }
      const HttpGetHandler* handler = &route->second;
      bool head = req.method() == http::verb::head;
      auto self = shared_from_this();
      bool queued =
          server_.RunOnWorker([self, handler, ctx = std::move(ctx), version, keep_alive, head] {
            HttpResponse r;
            try {
              r = (*handler)(ctx);
            } catch (const std::exception& e) {
              spdlog::error("rpc: GET handler threw: {}", e.what());
              r = HttpResponse{500, "application/json", "{\"error\":\"internal error\"}"};
            }
            net::post(self->stream_.get_executor(),
                      [self, r = std::move(r), version, keep_alive, head]() mutable {
                        Response res = self->MakeResponse(static_cast<http::status>(r.status),
                                                          version, keep_alive,
                                                          head ? std::string() : std::move(r.body));
                        res.set(http::field::content_type, r.content_type);
                        self->Send(std::move(res), !keep_alive);
                      });
          });
      if (!queued) return SendBusy(version, keep_alive);
      return;
    }

    Response res = MakeResponse(http::status::method_not_allowed, version, keep_alive,
                                Dispatcher::ErrorResponse(RpcError::InvalidRequest(
                                    "use POST / for JSON-RPC or GET for routes")));
    res.set(http::field::allow, "POST, GET, HEAD");
    Send(std::move(res), !keep_alive);
  }

  void SendBusy(unsigned version, bool keep_alive) {
    Response res = MakeResponse(http::status::service_unavailable, version, keep_alive,
                                Dispatcher::ErrorResponse(RpcError::ServerBusy(
                                    "server busy: too many requests in flight")));
    res.set(http::field::retry_after, "1");
    Send(std::move(res), !keep_alive);
  }

  Response MakeResponse(http::status status, unsigned version, bool keep_alive, std::string body) {
    Response res{status, version};
    res.set(http::field::server, "corridord");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  void Send(Response&& res, bool close) {
    auto sp = std::make_shared<Response>(std::move(res));
    if (close) sp->keep_alive(false);
    stream_.expires_after(server_.config_.limits.http_idle_timeout);
    http::async_write(stream_, *sp,
                      [self = shared_from_this(), sp, close](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (close) return self->DoClose();
                        self->DoRead();
                      });
  }

  void DoClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  ConnectionSlot slot_;
  tcp::endpoint remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

void StartHttpSession(Server::Impl& server, tcp::socket socket, ConnectionSlot slot) {
  std::make_shared<HttpSession>(server, std::move(socket), std::move(slot))->Run();
}

}  // namespace corridor::rpc

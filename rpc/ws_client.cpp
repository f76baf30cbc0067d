#include "rpc/ws_client.h"

#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "rpc/client.h"

namespace corridor::rpc {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

class WsClient::Impl {
 public:
  // Runs until the operation completes or the deadline passes; on timeout the
  // socket is closed so the operation completes with an error.
  bool RunFor(bool& done, std::chrono::milliseconds timeout) {
    ioc_.restart();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      ioc_.run_one_for(deadline - now);
    }
    if (done) return true;
    beast::error_code ignored;
    if (ws_) beast::get_lowest_layer(*ws_).socket().close(ignored);
    ioc_.restart();
    while (!done) ioc_.run_one();
    broken_ = true;
    return false;
  }

  Result<std::string> ReadWire(std::chrono::milliseconds timeout) {
    if (!ws_ || broken_) return MakeError("transport", "not connected");
    beast::error_code ec;
    bool done = false;
    ws_->async_read(buffer_, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    if (!RunFor(done, timeout)) return MakeError("timeout", "no message within the deadline");
    if (ec == websocket::error::closed) {
      broken_ = true;
      close_reason_ = std::string(ws_->reason().reason.c_str());
      return MakeError("closed", close_reason_);
    }
    if (ec) {
      broken_ = true;
      return MakeError("transport", "receive: " + ec.message());
    }
    std::string m = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return m;
  }

  net::io_context ioc_;
  std::optional<websocket::stream<beast::tcp_stream>> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  std::string close_reason_;
  bool broken_ = false;
  uint64_t next_id_ = 1;
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() {
  Close();
}

Status WsClient::Connect(std::string_view url, std::chrono::milliseconds timeout,
                         std::string_view bearer_token) {
  auto parsed = ParseUrl(url);
  if (!parsed) return parsed.error();
  Close();
  impl_->ws_.emplace(impl_->ioc_);
  impl_->broken_ = false;
  impl_->close_reason_.clear();
  impl_->inbox_.clear();
  impl_->buffer_.clear();
  auto& ws = *impl_->ws_;
  ws.read_message_max(64 << 20);
  std::string token(bearer_token);
  ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
  }));
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc_);
  auto endpoints = resolver.resolve(parsed->host, parsed->port, ec);
  if (ec) return MakeError("transport", "resolve " + parsed->host + ": " + ec.message());
  bool done = false;
  beast::get_lowest_layer(ws).async_connect(endpoints,
                                            [&](beast::error_code e, const tcp::endpoint&) {
                                              ec = e;
                                              done = true;
                                            });
  if (!impl_->RunFor(done, timeout)) return MakeError("timeout", "connect timed out");
  if (ec) return MakeError("transport", "connect: " + ec.message());
  done = false;
  ws.async_handshake(parsed->host + ":" + parsed->port, parsed->path, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!impl_->RunFor(done, timeout)) return MakeError("timeout", "handshake timed out");
  if (ec) return MakeError("transport", "handshake: " + ec.message());
  return Status::Ok();
}

Status WsClient::Send(std::string_view text, std::chrono::milliseconds timeout) {
  if (!impl_->ws_ || impl_->broken_) return MakeError("transport", "not connected");
  beast::error_code ec;
  bool done = false;
  impl_->ws_->text(true);
  impl_->ws_->async_write(net::buffer(text.data(), text.size()), [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (!impl_->RunFor(done, timeout)) return MakeError("timeout", "send timed out");
  if (ec) return MakeError("transport", "send: " + ec.message());
  return Status::Ok();
}

Result<std::string> WsClient::Receive(std::chrono::milliseconds timeout) {
  if (!impl_->inbox_.empty()) {
    std::string m = std::move(impl_->inbox_.front());
    impl_->inbox_.pop_front();
    return m;
  }
  return impl_->ReadWire(timeout);
}

Outcome<Json> WsClient::Call(std::string_view method, const Json& params,
                             std::chrono::milliseconds timeout) {
  uint64_t id = impl_->next_id_++;
  Json req = Json::Object();
  req.Set("jsonrpc", "2.0");
  req.Set("id", id);
  req.Set("method", method);
  if (!params.IsNull()) req.Set("params", params);
  auto sent = Send(req.Serialize(), timeout);
  if (!sent.ok()) return RpcError{kTransportError, sent.error().ToString(), std::nullopt};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return RpcError{kTransportError, "timeout waiting for the response", std::nullopt};
    }
    auto msg = impl_->ReadWire(left);
    if (!msg) return RpcError{kTransportError, msg.error().ToString(), std::nullopt};
    auto doc = Json::Parse(*msg);
    const rapidjson::Value* rid = doc ? doc->Find("id") : nullptr;
    if (rid == nullptr || !rid->IsUint64() || rid->GetUint64() != id) {
      impl_->inbox_.push_back(std::move(*msg));  // a notification: keep it for Receive()
      continue;
    }
    return DecodeResponse(*doc);
  }
}

std::string WsClient::CloseReason() const {
  return impl_->close_reason_;
}

void WsClient::Close() {
  if (!impl_->ws_) return;
  if (!impl_->broken_ && impl_->ws_->is_open()) {
    bool done = false;
    impl_->ws_->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    impl_->RunFor(done, std::chrono::milliseconds(1000));
  }
  impl_->ws_.reset();
  impl_->broken_ = false;
}

}  // namespace corridor::rpc

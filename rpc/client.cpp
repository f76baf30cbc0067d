#include "rpc/client.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace corridor::rpc {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl out;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return MakeError("bad_url", "URL must start with ws:// or http://: " + std::string(url));
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "ws") {
    return MakeError("bad_url", "only http:// and ws:// are supported: " + std::string(url));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  auto slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:8545
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return MakeError("bad_url", "unclosed '[' in host");
    out.host = std::string(hostport.substr(1, close - 1));
    hostport = hostport.substr(close + 1);
    if (!hostport.empty() && hostport.front() == ':') out.port = std::string(hostport.substr(1));
  } else {
    auto colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(hostport.substr(colon + 1));
  }
  if (out.port.empty()) out.port = "80";
  if (out.host.empty()) return MakeError("bad_url", "no host in URL: " + std::string(url));
  return out;
}

class Client::Impl {
 public:
  Impl(std::string url, ClientOptions options)
      : url_text_(std::move(url)), options_(std::move(options)), stream_(ioc_) {
    auto parsed = ParseUrl(url_text_);
    if (parsed) {
      url_ = *parsed;
    } else {
      url_error_ = parsed.error();
    }
  }

  Result<HttpReply> Exchange(http::verb verb, std::string_view target, std::string_view body) {
    if (url_error_) return *url_error_;
    http::request<http::string_body> req{verb, std::string(target), 11};
    req.set(http::field::host, url_.host + ":" + url_.port);
    req.set(http::field::user_agent, "corridor-rpc-client");
    if (verb == http::verb::post) req.set(http::field::content_type, "application/json");
    if (!options_.bearer_token.empty()) {
      req.set(http::field::authorization, "Bearer " + options_.bearer_token);
    }
    req.keep_alive(true);
    req.body() = std::string(body);
    req.prepare_payload();

    bool reused = connected_;
    auto reply = Attempt(req);
    if (!reply && reused && retryable_) {
      Close();
      reply = Attempt(req);
    }
    return reply;
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    connected_ = false;
  }

 private:
  // Runs the io_context until `done`; tcp_stream's deadline bounds every step.
  void RunUntilDone() {
    ioc_.restart();
    ioc_.run();
  }

  Result<HttpReply> Attempt(http::request<http::string_body>& req) {
    retryable_ = false;
    beast::error_code ec;
    if (!connected_) {
      tcp::resolver resolver(ioc_);
      auto endpoints = resolver.resolve(url_.host, url_.port, ec);
      if (ec) return Fail("resolve " + url_.host + ": " + ec.message());
      stream_.expires_after(options_.timeout);
      stream_.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
      RunUntilDone();
      if (ec) return Fail("connect to " + url_.host + ":" + url_.port + ": " + ec.message());
      stream_.socket().set_option(tcp::no_delay(true), ec);
      connected_ = true;
      buffer_.clear();
    }
    stream_.expires_after(options_.timeout);
    http::async_write(stream_, req, [&](beast::error_code e, size_t) { ec = e; });
    RunUntilDone();
    if (ec) {
      retryable_ = ec != beast::error::timeout;
      return Fail("send: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    size_t got = 0;
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, size_t n) {
      ec = e;
      got = n;
    });
    RunUntilDone();
    if (ec) {
      retryable_ = got == 0 && (ec == http::error::end_of_stream || ec == net::error::eof ||
                                ec == net::error::connection_reset);
      return Fail("receive: " + ec.message());
    }
    auto res = parser.release();
    if (!res.keep_alive()) Close();
    return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
  }

  Error Fail(std::string message) {
    Close();
    return MakeError("transport", url_text_ + ": " + message);
  }

 public:
  std::string url_text_;
  ParsedUrl url_;
  std::optional<Error> url_error_;
  ClientOptions options_;
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
  bool retryable_ = false;
  uint64_t next_id_ = 1;
};

Client::Client(std::string url, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Result<HttpReply> Client::Post(std::string_view body) {
  return impl_->Exchange(http::verb::post, impl_->url_.path, body);
}

Result<HttpReply> Client::Get(std::string_view path) {
  return impl_->Exchange(http::verb::get, path, {});
}

void Client::Close() {
  impl_->Close();
}

Outcome<Json> Client::Call(std::string_view method, const Json& params) {
  if (!params.IsNull() && !params.IsObject() && !params.IsArray()) {
    return RpcError::InvalidParams("params must be an object or an array");
  }
  uint64_t id = impl_->next_id_++;
  Json req = Json::Object();
  req.Set("jsonrpc", "2.0");
  req.Set("id", id);
  req.Set("method", method);
  if (!params.IsNull()) req.Set("params", params);
  auto reply = Post(req.Serialize());
  if (!reply) return RpcError{kTransportError, reply.error().message, std::nullopt};
  auto doc = Json::Parse(reply->body);
  if (!doc || !doc->IsObject()) {
    return RpcError{kTransportError,
                    "HTTP " + std::to_string(reply->status) + " without a JSON-RPC response" +
                        (reply->body.empty() ? std::string() : ": " + reply->body.substr(0, 200)),
                    std::nullopt};
  }
  return DecodeResponse(*doc);
}

Outcome<Json> DecodeResponse(const Json& response) {
  if (const auto* err = response.Find("error"); err != nullptr && err->IsObject()) {
    RpcError e;
    auto code = err->FindMember("code");
    auto message = err->FindMember("message");
    auto data = err->FindMember("data");
    e.code =
        code != err->MemberEnd() && code->value.IsInt() ? code->value.GetInt() : kInternalError;
    if (message != err->MemberEnd() && message->value.IsString()) {
      e.message = message->value.GetString();
    }
    if (data != err->MemberEnd()) e.data = Json::From(data->value);
    return e;
  }
  const auto* result = response.Find("result");
  if (result == nullptr) {
    return RpcError{kTransportError, "response has neither result nor error", std::nullopt};
  }
  return Json::From(*result);
}

}  // namespace corridor::rpc

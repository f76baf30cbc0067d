// rpc::Client: a small synchronous JSON-RPC 2.0 client over HTTP/1.1, for the
// wallet CLI, the load generator and tests.
//
// One keep-alive connection, opened on first use and reopened when the server
// closed it (a request that failed before any response byte arrived on a
// reused connection is retried once on a fresh one). Every call has a
// deadline covering connect, send and receive. http:// only.
//
// Errors: a JSON-RPC error from the server comes back as is; failures to get
// a JSON-RPC answer at all come back as kTransportError (-32099) with what
// went wrong in the message.
//
// Thread-safety: none; use one Client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "chain/result.h"
#include "rpc/error.h"
#include "rpc/json.h"

namespace corridor::rpc {

struct ClientOptions {
  std::chrono::milliseconds timeout{10'000};
  std::string bearer_token;  // sent as "Authorization: Bearer <token>" when set
};

struct HttpReply {
  int status = 0;
  std::string body;
};

class Client {
 public:
  // url: "http://host:port" or "http://host:port/path".
  explicit Client(std::string url, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // `params` must be an object, an array, or null (sent without params).
  Outcome<Json> Call(std::string_view method, const Json& params = Json());

  // Lower level, for tests and tools: POST a raw body / GET a path.
  Result<HttpReply> Post(std::string_view body);
  Result<HttpReply> Get(std::string_view path);

  // Closes the connection (the next call reconnects).
  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "http://host:port/path". Errors: "bad_url".
struct ParsedUrl {
  std::string scheme;
  std::string host;
  std::string port;
  std::string path;  // "/" when absent
};
Result<ParsedUrl> ParseUrl(std::string_view url);

// A JSON-RPC response object -> its result, or its error as an RpcError.
Outcome<Json> DecodeResponse(const Json& response);

}  // namespace corridor::rpc

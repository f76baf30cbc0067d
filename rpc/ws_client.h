// rpc::WsClient: a small synchronous WebSocket JSON-RPC client, for
// subscribers (the matching engine's event listener, `corridor tx status
// --wait`) and tests.
//
// Every operation has a deadline. After a timeout or any error the connection
// is unusable: Close() and Connect() again (subscriptions resume with
// fromHeight, see docs/rpc.md).
//
// Thread-safety: none; one WsClient per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "chain/result.h"
#include "rpc/error.h"
#include "rpc/json.h"

namespace corridor::rpc {

class WsClient {
 public:
  WsClient();
  ~WsClient();

  // url: "ws://host:port[/path]".
  Status Connect(std::string_view url, std::chrono::milliseconds timeout,
                 std::string_view bearer_token = {});
  Status Send(std::string_view text, std::chrono::milliseconds timeout);
  // The next message. Errors: "timeout", "closed" (message carries the
  // server's close reason when it gave one), "transport".
  Result<std::string> Receive(std::chrono::milliseconds timeout);
  // Sends a request and reads messages until its response, returning its
  // result; notifications read meanwhile are kept for Receive().
  Outcome<Json> Call(std::string_view method, const Json& params,
                     std::chrono::milliseconds timeout);
  // The close reason the server sent, if it closed the connection.
  std::string CloseReason() const;
  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor::rpc

// SystemEnvironment: the real process around RunCli.
#include <cstdlib>
#include <iostream>
#include <thread>

#include "rpc/client.h"
#include "wallet/cli.h"
#include "wallet/passphrase.h"

namespace corridor::wallet::cli {

namespace {

class RpcConnection final : public NodeConnection {
 public:
  explicit RpcConnection(const std::string& url) : client_(url, Options()) {}
  rpc::Outcome<rpc::Json> Call(std::string_view method, const rpc::Json& params) override {
    return client_.Call(method, params);
  }

 private:
  static rpc::ClientOptions Options() {
    rpc::ClientOptions o;
    o.timeout = std::chrono::seconds(10);
    return o;
  }
  rpc::Client client_;
};

}  // namespace

Environment SystemEnvironment() {
  Environment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.connect = [](const std::string& url) -> std::unique_ptr<NodeConnection> {
    return std::make_unique<RpcConnection>(url);
  };
  env.passphrase = [](const std::string& file, bool confirm) {
    return GetPassphrase(file, confirm);
  };
  env.now = [] { return std::chrono::steady_clock::now(); };
  env.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  env.out = &std::cout;
  env.err = &std::cerr;
  return env;
}

}  // namespace corridor::wallet::cli

// The `corridor` command-line wallet as a library (docs/wallet.md).
//
// RunCli() is the whole program minus main(): it parses the arguments, runs
// one command and returns the process exit code. Everything it needs from
// the outside world (environment variables, the node, the passphrase, the
// clock, stdout/stderr) comes through an Environment, so tests drive the real
// command logic with a fake node and in-memory streams.
//
// Exit codes (stable, documented in docs/wallet.md):
//   0  success
//   1  the command was well formed but failed: the node is unreachable or
//      refused the transaction, the transaction failed, a wrong passphrase,
//      a key that does not exist, a wait that timed out
//   2  the command line is wrong: unknown command or flag, a missing or
//      malformed value (an address whose checksum fails, an amount with more
//      decimals than its asset has, an asset the node does not know)
// Every error is one line on stderr, starting with "corridor: ".
//
// Thread-compatible: RunCli keeps no global state.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "chain/result.h"
#include "rpc/error.h"
#include "rpc/json.h"

namespace corridor::wallet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
// The transaction was included but an AML rule held it for compliance review
// (docs/state.md §3.14): not applied, not failed.
inline constexpr int kExitHeld = 3;

inline constexpr std::string_view kDefaultRpcUrl = "http://127.0.0.1:8545";

// One JSON-RPC endpoint. Failures to get an answer at all are reported as
// rpc::kTransportError, exactly as rpc::Client does.
class NodeConnection {
 public:
  virtual ~NodeConnection() = default;
  virtual rpc::Outcome<rpc::Json> Call(std::string_view method, const rpc::Json& params) = 0;
};

struct Environment {
  // Reads an environment variable; nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // Opens a connection to a node (no I/O yet: the first Call connects).
  std::function<std::unique_ptr<NodeConnection>(const std::string& url)> connect;
  // wallet::GetPassphrase in production.
  std::function<Result<std::string>(const std::string& file, bool confirm)> passphrase;
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

// The real process environment: getenv, rpc::Client (10 s per call),
// GetPassphrase, the steady clock, std::cout / std::cerr.
Environment SystemEnvironment();

// Runs `corridor <args...>` (args excludes the program name).
int RunCli(const std::vector<std::string>& args, const Environment& env);

}  // namespace corridor::wallet::cli

// Cli: what one run of a `corridor` command works with — the parsed command
// line, the keystore, the node (typed look-ups over JSON-RPC, docs/rpc.md §8)
// and the output streams. Internal to the wallet CLI.
//
// Answers from the node are read defensively: a missing or mistyped member is
// a CliError ("unexpected answer"), never an assertion.
//
// Not thread-safe; one Cli per command run.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "chain/address.h"
#include "chain/keys.h"
#include "wallet/cli.h"
#include "wallet/cli_args.h"
#include "wallet/cli_error.h"
#include "wallet/keystore.h"

namespace corridor::wallet::cli {

struct ChainInfo {
  std::string chain_id;
  uint64_t height = 0;
};

struct AssetInfo {
  std::string code;
  uint8_t decimals = 0;
  std::string issuer;
  bool frozen = false;
};

struct BalanceInfo {
  std::string asset;
  std::string available;  // formatted with the asset's decimals
  std::string locked;
};

struct AccountInfo {
  std::string address;
  uint64_t height = 0;
  uint64_t nonce = 0;  // the next nonce to use
  bool frozen = false;
  uint64_t kyc_level = 0;
  std::vector<std::string> roles;
  std::vector<BalanceInfo> balances;
  // A liquidity provider's fx_payment fee (account_get's liquidityFeeBps).
  std::optional<uint16_t> liquidity_fee_bps;
  // A multi-signature account's signer keys (hex); empty for an account
  // signed by its own key.
  std::vector<std::string> signer_keys;
};

// A JSON-RPC error as one line a person can act on. Transport failures say
// the node is unreachable and how to point at another; a rejected
// transaction shows the state machine's name word for word; invalid params
// are usage errors (exit 2).
CliError DescribeRpcError(const rpc::RpcError& e, std::string_view method, std::string_view url);

// Safe readers for node answers.
std::optional<std::string> JsonString(const rapidjson::Value& obj, const char* key);
std::optional<uint64_t> JsonUint(const rapidjson::Value& obj, const char* key);
std::optional<bool> JsonBool(const rapidjson::Value& obj, const char* key);
// The member when it is an array, else nullptr.
const rapidjson::Value* JsonArray(const rapidjson::Value& obj, const char* key);
const rapidjson::Value* JsonObject(const rapidjson::Value& obj, const char* key);

class Cli {
 public:
  Cli(const Environment& env, const ParsedCommand& cmd);

  const ParsedCommand& cmd() const { return cmd_; }
  const std::vector<std::string>& positionals() const { return cmd_.positionals; }
  bool Has(const std::string& flag) const { return cmd_.Has(flag); }
  std::string Flag(const std::string& flag, const std::string& def = "") const {
    return cmd_.Flag(flag, def);
  }
  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  const Environment& env() const { return env_; }

  // Prints "corridor: <message>" on stderr; returns the exit code.
  int Fail(const CliError& e);

  const Keystore& keystore() const { return keystore_; }
  const std::string& rpc_url() const { return rpc_url_; }

  // `text` is the name of a key in the keystore (its address) or an address;
  // errors name `flag` ("--to: address checksum does not match ...").
  CliResult<Address> ResolveAddress(std::string_view flag, const std::string& text) const;
  // Asks for the passphrase and decrypts key `name`.
  CliResult<PrivateKey> UnlockKey(const std::string& name);

  // One JSON-RPC call; errors are described with DescribeRpcError.
  CliResult<rpc::Json> Call(std::string_view method, const rpc::Json& params = rpc::Json());
  // For a read command: the same call; with --json the answer is printed
  // as it came and nullopt returned (the command is done), otherwise the
  // answer is returned for the command to print as a table.
  CliResult<std::optional<rpc::Json>> CallRead(std::string_view method,
                                               const rpc::Json& params = rpc::Json());
  // The same as Call, with the node's error as it came (for callers that react to one).
  rpc::Outcome<rpc::Json> CallRaw(std::string_view method, const rpc::Json& params);
  CliResult<ChainInfo> GetChainInfo();
  CliResult<std::vector<AssetInfo>> ListAssets();
  // The asset `code` (named by `flag`); an unknown one is a usage error that
  // lists the assets the node has.
  CliResult<AssetInfo> FindAsset(std::string_view flag, const std::string& code);
  // nullopt when the account is not registered.
  CliResult<std::optional<AccountInfo>> GetAccount(const Address& address);

 private:
  NodeConnection& Node();

  const Environment& env_;
  const ParsedCommand& cmd_;
  Keystore keystore_;
  std::string rpc_url_;
  std::unique_ptr<NodeConnection> node_;
  std::optional<std::vector<AssetInfo>> assets_;  // cached for one run
};

CliError UnexpectedAnswer(std::string_view method, std::string_view what);

}  // namespace corridor::wallet::cli

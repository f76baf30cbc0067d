#include "wallet/cli_context.h"

#include "chain/amount.h"
#include "chain/operation.h"
#include "rpc/client.h"

namespace corridor::wallet::cli {

namespace {

std::string DefaultKeystore(const Environment& env) {
  if (auto d = env.getenv("CORRIDOR_KEYSTORE"); d && !d->empty()) return *d;
  auto home = env.getenv("HOME");
  return (home && !home->empty() ? *home : std::string(".")) + "/.corridor/keys";
}

std::string DefaultRpcUrl(const Environment& env) {
  if (auto u = env.getenv("CORRIDOR_RPC"); u && !u->empty()) return *u;
  return std::string(kDefaultRpcUrl);
}

// A node's answer that could not be read from the network at all.
class UnusableUrl final : public NodeConnection {
 public:
  explicit UnusableUrl(std::string why) : why_(std::move(why)) {}
  rpc::Outcome<rpc::Json> Call(std::string_view, const rpc::Json&) override {
    return rpc::RpcError{rpc::kInvalidRequest, why_, std::nullopt};
  }

 private:
  std::string why_;
};

}  // namespace

std::optional<std::string> JsonString(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<uint64_t> JsonUint(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsUint64()) return std::nullopt;
  return it->value.GetUint64();
}

std::optional<bool> JsonBool(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

const rapidjson::Value* JsonArray(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

const rapidjson::Value* JsonObject(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

CliError UnexpectedAnswer(std::string_view method, std::string_view what) {
  return Failure("unexpected answer from the node to " + std::string(method) + ": " +
                 std::string(what) + " (is --rpc pointing at a corridord node?)");
}

CliError DescribeRpcError(const rpc::RpcError& e, std::string_view method, std::string_view url) {
  switch (e.code) {
    case rpc::kTransportError: {
      // rpc::Client starts its messages with the URL; it is said once here.
      std::string why = e.message;
      if (why.rfind(std::string(url) + ": ", 0) == 0) why.erase(0, url.size() + 2);
      return Failure("cannot reach the node at " + std::string(url) + " (" + why +
                     "); start corridord or point --rpc / CORRIDOR_RPC at a running node");
    }
    case rpc::kTransactionRejected: {
      std::string name, code;
      if (e.data) {
        name = JsonString(e.data->value(), "name").value_or("");
        if (auto c = JsonUint(e.data->value(), "code")) code = std::to_string(*c);
      }
      std::string what = name.empty() ? "rejected" : name;
      if (!code.empty()) what += " (" + code + ")";
      return Failure("refused by the node: " + what + ": " + e.message);
    }
    case rpc::kInvalidParams:
      return UsageError(e.message);
    case rpc::kNotFound:
      return Failure(e.message);
    case rpc::kInvalidRequest:
      return UsageError(e.message);
    default:
      return Failure("the node answered " + std::string(method) + " with error " +
                     std::to_string(e.code) + ": " + e.message);
  }
}

Cli::Cli(const Environment& env, const ParsedCommand& cmd)
    : env_(env),
      cmd_(cmd),
      keystore_(cmd.Flag("keystore", DefaultKeystore(env))),
      rpc_url_(cmd.Flag("rpc", DefaultRpcUrl(env))) {}

int Cli::Fail(const CliError& e) {
  err() << "corridor: " << e.message << "\n";
  return e.exit_code;
}

CliResult<Address> Cli::ResolveAddress(std::string_view flag, const std::string& text) const {
  // A key of that name wins: names are short words, addresses are 43
  // characters of bech32m, so the two do not meet in practice.
  if (Keystore::IsValidName(text)) {
    if (auto info = keystore_.Info(text)) return info->address;
  }
  auto a = Address::Parse(text);
  if (!a) {
    std::string prefix = flag.empty() ? std::string() : "--" + std::string(flag) + ": ";
    if (text.rfind(kAddressPrefix, 0) == 0) return UsageError(prefix + a.error().message);
    return UsageError(prefix + "'" + text + "' is neither an address (" + a.error().message +
                      ") nor a key in " + keystore_.dir());
  }
  return *a;
}

CliResult<PrivateKey> Cli::UnlockKey(const std::string& name) {
  auto pass = env_.passphrase(Flag("passphrase-file"), false);
  if (!pass) return Failure(pass.error().message);
  auto key = keystore_.Load(name, *pass);
  if (!key) return Failure(key.error().message);
  return std::move(*key);
}

NodeConnection& Cli::Node() {
  if (!node_) {
    auto url = rpc::ParseUrl(rpc_url_);
    if (!url || url->scheme != "http") {
      node_ = std::make_unique<UnusableUrl>("--rpc: '" + rpc_url_ +
                                            "' is not a node URL such as http://127.0.0.1:8545");
    } else {
      node_ = env_.connect(rpc_url_);
    }
  }
  return *node_;
}

rpc::Outcome<rpc::Json> Cli::CallRaw(std::string_view method, const rpc::Json& params) {
  return Node().Call(method, params);
}

CliResult<rpc::Json> Cli::Call(std::string_view method, const rpc::Json& params) {
  auto r = Node().Call(method, params);
  if (!r) return DescribeRpcError(r.error(), method, rpc_url_);
  return std::move(r).value();
}

CliResult<std::optional<rpc::Json>> Cli::CallRead(std::string_view method,
                                                  const rpc::Json& params) {
  auto r = Call(method, params);
  if (!r) return std::move(r).error();
  if (Has("json")) {
    out() << r->Serialize() << "\n";
    return std::optional<rpc::Json>();
  }
  return std::optional<rpc::Json>(std::move(r).value());
}

CliResult<ChainInfo> Cli::GetChainInfo() {
  auto r = Call("chain_getInfo");
  if (!r) return std::move(r).error();
  ChainInfo info;
  auto id = JsonString(r->value(), "chainId");
  auto height = JsonUint(r->value(), "height");
  if (!id || !height) return UnexpectedAnswer("chain_getInfo", "no chainId or height");
  info.chain_id = *id;
  info.height = *height;
  return info;
}

CliResult<std::vector<AssetInfo>> Cli::ListAssets() {
  if (assets_) return *assets_;
  auto r = Call("asset_list");
  if (!r) return std::move(r).error();
  const auto* list = JsonArray(r->value(), "assets");
  if (list == nullptr) return UnexpectedAnswer("asset_list", "no assets list");
  std::vector<AssetInfo> out;
  for (const auto& a : list->GetArray()) {
    AssetInfo info;
    auto code = JsonString(a, "code");
    auto decimals = JsonUint(a, "decimals");
    if (!code || !decimals || *decimals > kMaxAssetDecimals) {
      return UnexpectedAnswer("asset_list", "an asset without code or decimals");
    }
    info.code = *code;
    info.decimals = static_cast<uint8_t>(*decimals);
    info.issuer = JsonString(a, "issuer").value_or("");
    info.frozen = JsonBool(a, "frozen").value_or(false);
    out.push_back(std::move(info));
  }
  assets_ = out;
  return out;
}

CliResult<AssetInfo> Cli::FindAsset(std::string_view flag, const std::string& code) {
  auto assets = ListAssets();
  if (!assets) return std::move(assets).error();
  std::string known;
  for (const auto& a : *assets) {
    if (a.code == code) return a;
    known += (known.empty() ? "" : ", ") + a.code;
  }
  return UsageError("--" + std::string(flag) + ": unknown asset '" + code +
                    "' (the node has: " + (known.empty() ? std::string("none") : known) + ")");
}

CliResult<std::optional<AccountInfo>> Cli::GetAccount(const Address& address) {
  rpc::Json p = rpc::Json::Object();
  p.Set("address", address.ToString());
  auto r = Node().Call("account_get", p);
  if (!r) {
    if (r.error().code == rpc::kNotFound) return std::optional<AccountInfo>();
    return DescribeRpcError(r.error(), "account_get", rpc_url_);
  }
  const auto& v = r->value();
  AccountInfo a;
  auto nonce = JsonUint(v, "nonce");
  auto height = JsonUint(v, "height");
  const auto* balances = JsonArray(v, "balances");
  if (!nonce || !height || balances == nullptr) {
    return UnexpectedAnswer("account_get", "no nonce, height or balances");
  }
  a.address = address.ToString();
  a.nonce = *nonce;
  a.height = *height;
  a.frozen = JsonBool(v, "frozen").value_or(false);
  a.kyc_level = JsonUint(v, "kycLevel").value_or(0);
  if (auto fee = JsonUint(v, "liquidityFeeBps"); fee && *fee <= kMaxFeeBps) {
    a.liquidity_fee_bps = static_cast<uint16_t>(*fee);
  }
  if (const auto* roles = JsonArray(v, "roles")) {
    for (const auto& role : roles->GetArray()) {
      if (role.IsString()) a.roles.emplace_back(role.GetString(), role.GetStringLength());
    }
  }
  if (const auto* signers = JsonArray(v, "signers")) {
    for (const auto& s : signers->GetArray()) {
      if (auto key = JsonString(s, "publicKey")) a.signer_keys.push_back(*key);
    }
  }
  for (const auto& b : balances->GetArray()) {
    BalanceInfo info;
    auto asset = JsonString(b, "asset");
    auto available = JsonString(b, "available");
    if (!asset || !available) return UnexpectedAnswer("account_get", "a balance without asset");
    info.asset = *asset;
    info.available = *available;
    info.locked = JsonString(b, "locked").value_or("0");
    a.balances.push_back(std::move(info));
  }
  return std::optional<AccountInfo>(std::move(a));
}

}  // namespace corridor::wallet::cli

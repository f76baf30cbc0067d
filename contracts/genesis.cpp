#include "contracts/genesis.h"

#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "chain/limits.h"
#include "chain/transaction.h"
#include "contracts/ledger.h"

namespace corridor::contracts {
namespace {

using rapidjson::Value;

Error Schema(const std::string& where, const std::string& what) {
  return MakeError("genesis_schema", where + ": " + what);
}
Error Invalid(const std::string& what) {
  return MakeError("genesis_invalid", what);
}

// Rejects fields outside `allowed`, so a typo is an error instead of a default.
Status OnlyFields(const Value& obj, std::initializer_list<std::string_view> allowed,
                  const std::string& where) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool ok = false;
    for (auto a : allowed) ok = ok || a == name;
    if (!ok) return Schema(where, "unknown field \"" + std::string(name) + "\"");
  }
  return Status::Ok();
}

Result<std::string> GetString(const Value& obj, const char* name, const std::string& where,
                              bool required = true) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) return Schema(where, std::string("missing \"") + name + "\"");
    return std::string();
  }
  if (!it->value.IsString()) return Schema(where, std::string("\"") + name + "\" must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<uint64_t> GetUint(const Value& obj, const char* name, const std::string& where, uint64_t max,
                         bool required = true) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) return Schema(where, std::string("missing \"") + name + "\"");
    return uint64_t{0};
  }
  uint64_t v = 0;
  if (it->value.IsUint64()) {
    v = it->value.GetUint64();
  } else if (it->value.IsString()) {
    // Decimal string: digits only, no sign, no leading zeros, fits in 64 bits.
    std::string_view s(it->value.GetString(), it->value.GetStringLength());
    if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) {
      return Schema(where, std::string("\"") + name + "\" is not a canonical decimal integer");
    }
    for (char ch : s) {
      if (ch < '0' || ch > '9')
        return Schema(where, std::string("\"") + name + "\" is not decimal");
      uint64_t d = static_cast<uint64_t>(ch - '0');
      if (v > (UINT64_MAX - d) / 10)
        return Schema(where, std::string("\"") + name + "\" overflows");
      v = v * 10 + d;
    }
  } else {
    return Schema(where, std::string("\"") + name + "\" must be an unsigned integer");
  }
  if (v > max) return Schema(where, std::string("\"") + name + "\" exceeds " + std::to_string(max));
  return v;
}

Result<const Value*> GetArray(const Value& obj, const char* name, size_t max_count,
                              bool required = true) {
  static const Value kEmpty(rapidjson::kArrayType);
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) return Schema("genesis", std::string("missing \"") + name + "\"");
    return &kEmpty;
  }
  if (!it->value.IsArray())
    return Schema("genesis", std::string("\"") + name + "\" must be an array");
  if (it->value.Size() > max_count) {
    return Schema("genesis", std::string("\"") + name + "\" has more than " +
                                 std::to_string(max_count) + " entries");
  }
  return &it->value;
}

Result<Address> GetAddress(const Value& obj, const char* name, const std::string& where) {
  auto s = GetString(obj, name, where);
  if (!s) return s.error();
  auto a = Address::Parse(*s);
  if (!a) return Schema(where, std::string("\"") + name + "\": " + a.error().message);
  return *a;
}

Result<PublicKey> GetKey(const Value& obj, const char* name, const std::string& where) {
  auto s = GetString(obj, name, where);
  if (!s) return s.error();
  auto k = PublicKey::FromHex(*s);
  if (!k) return Schema(where, std::string("\"") + name + "\": " + k.error().message);
  return *k;
}

#define TRY_ASSIGN(var, expr)           \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(*var##_r)

Result<GenesisAccount> ParseAccount(const Value& v, const std::string& where) {
  if (!v.IsObject()) return Schema(where, "must be an object");
  if (auto s = OnlyFields(
          v, {"address", "kyc_level", "jurisdiction", "display_name", "roles", "signers"}, where);
      !s) {
    return s.error();
  }
  GenesisAccount a;
  TRY_ASSIGN(addr, GetAddress(v, "address", where));
  a.address = addr;
  TRY_ASSIGN(kyc, GetUint(v, "kyc_level", where, kMaxKycLevel));
  a.kyc_level = static_cast<uint8_t>(kyc);
  TRY_ASSIGN(jur, GetString(v, "jurisdiction", where));
  if (!IsValidJurisdiction(jur)) return Schema(where, "jurisdiction must be ISO 3166-1 alpha-2");
  a.jurisdiction = jur;
  TRY_ASSIGN(name, GetString(v, "display_name", where, false));
  if (name.size() > kMaxDisplayNameBytes || !IsPrintableUtf8(name)) {
    return Schema(where, "display_name must be printable UTF-8 of at most 64 bytes");
  }
  a.display_name = name;
  auto roles = v.FindMember("roles");
  if (roles != v.MemberEnd()) {
    if (!roles->value.IsArray() || roles->value.Size() > kMaxRoleCode + 1u) {
      return Schema(where, "roles must be an array of role names");
    }
    for (const auto& r : roles->value.GetArray()) {
      Role role;
      if (!r.IsString() || !ParseRole(std::string_view(r.GetString(), r.GetStringLength()), role)) {
        return Schema(where, "unknown role");
      }
      a.roles.push_back(role);
    }
  }
  auto signers = v.FindMember("signers");
  if (signers != v.MemberEnd()) {
    const Value& s = signers->value;
    std::string sw = where + ".signers";
    if (!s.IsObject()) return Schema(sw, "must be an object");
    if (auto st = OnlyFields(s, {"threshold", "keys"}, sw); !st) return st.error();
    TRY_ASSIGN(th, GetUint(s, "threshold", sw, UINT32_MAX));
    a.threshold = static_cast<uint32_t>(th);
    auto keys = s.FindMember("keys");
    if (keys == s.MemberEnd() || !keys->value.IsArray() || keys->value.Size() == 0 ||
        keys->value.Size() > kMaxSignatures) {
      return Schema(sw, "keys must be an array of 1-16 signers");
    }
    for (const auto& k : keys->value.GetArray()) {
      if (!k.IsObject()) return Schema(sw, "each key must be an object");
      if (auto st = OnlyFields(k, {"public_key", "weight"}, sw); !st) return st.error();
      TRY_ASSIGN(pk, GetKey(k, "public_key", sw));
      TRY_ASSIGN(w, GetUint(k, "weight", sw, UINT32_MAX));
      a.signers.push_back({pk, static_cast<uint32_t>(w)});
    }
    std::sort(a.signers.begin(), a.signers.end(),
              [](const SignerEntry& x, const SignerEntry& y) { return x.key < y.key; });
    SetSigners check{a.threshold, a.signers};
    uint64_t total = 0;
    for (size_t i = 0; i < check.signers.size(); ++i) {
      if (check.signers[i].weight == 0) return Schema(sw, "weights must be at least 1");
      if (i > 0 && check.signers[i - 1].key == check.signers[i].key) {
        return Schema(sw, "duplicate signer key");
      }
      total += check.signers[i].weight;
    }
    if (a.threshold == 0 || total < a.threshold) {
      return Schema(sw, "threshold must be 1..sum of weights");
    }
  }
  return a;
}

}  // namespace

Result<GenesisDoc> ParseGenesis(std::string_view json) {
  if (json.size() > kMaxGenesisBytes) {
    return MakeError("genesis_json",
                     "document exceeds " + std::to_string(kMaxGenesisBytes) + " bytes");
  }
  rapidjson::Document d;
  // Iterative parsing: nesting depth cannot exhaust the stack.
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    return MakeError("genesis_json", std::string(rapidjson::GetParseError_En(d.GetParseError())) +
                                         " at offset " + std::to_string(d.GetErrorOffset()));
  }
  if (d.GetErrorOffset() != 0) {
  }  // (offset is only meaningful on error)
  if (!d.IsObject()) return Schema("genesis", "must be a JSON object");
  if (auto s = OnlyFields(d,
                          {"chain_id", "timestamp_ms", "validators", "accounts", "assets",
                           "balances", "recovery_window_blocks", "comment"},
                          "genesis");
      !s) {
    return s.error();
  }
  GenesisDoc doc;
  TRY_ASSIGN(chain_id, GetString(d, "chain_id", "genesis"));
  if (!IsValidChainId(chain_id)) return Schema("genesis", "chain_id must be 1-32 of a-z 0-9 -");
  doc.chain_id = chain_id;
  TRY_ASSIGN(ts, GetUint(d, "timestamp_ms", "genesis", UINT64_MAX));
  doc.timestamp_ms = ts;
  if (d.HasMember("recovery_window_blocks")) {
    TRY_ASSIGN(rw, GetUint(d, "recovery_window_blocks", "genesis", kMaxRecoveryWindowBlocks));
    doc.recovery_window_blocks = static_cast<uint32_t>(rw);
  }

  TRY_ASSIGN(validators, GetArray(d, "validators", kMaxValidators));
  if (validators->Size() == 0) return Invalid("at least one validator is required");
  std::set<PublicKey> vkeys;
  for (rapidjson::SizeType i = 0; i < validators->Size(); ++i) {
    const Value& v = (*validators)[i];
    std::string where = "validators[" + std::to_string(i) + "]";
    if (!v.IsObject()) return Schema(where, "must be an object");
    if (auto s = OnlyFields(v, {"name", "public_key", "operator"}, where); !s) return s.error();
    TRY_ASSIGN(name, GetString(v, "name", where, false));
    if (name.size() > kMaxDisplayNameBytes || !IsPrintableUtf8(name)) {
      return Schema(where, "name must be printable UTF-8 of at most 64 bytes");
    }
    TRY_ASSIGN(key, GetKey(v, "public_key", where));
    if (!vkeys.insert(key).second) return Invalid(where + ": duplicate validator key");
    GenesisValidator gv{name, key, std::nullopt};
    if (v.HasMember("operator")) {
      TRY_ASSIGN(op, GetAddress(v, "operator", where));
      gv.operator_account = op;
    }
    doc.validators.push_back(std::move(gv));
  }

  TRY_ASSIGN(accounts, GetArray(d, "accounts", kMaxGenesisAccounts));
  std::map<Address, const GenesisAccount*> by_addr;
  doc.accounts.reserve(accounts->Size());
  for (rapidjson::SizeType i = 0; i < accounts->Size(); ++i) {
    TRY_ASSIGN(a, ParseAccount((*accounts)[i], "accounts[" + std::to_string(i) + "]"));
    doc.accounts.push_back(std::move(a));
  }
  for (const auto& a : doc.accounts) {
    if (!by_addr.emplace(a.address, &a).second) {
      return Invalid("duplicate account " + a.address.ToString());
    }
  }
  // An operator signs governance transactions, so it must be an account.
  for (size_t i = 0; i < doc.validators.size(); ++i) {
    const auto& op = doc.validators[i].operator_account;
    if (op && !by_addr.count(*op)) {
      return Invalid("validators[" + std::to_string(i) + "]: operator " + op->ToString() +
                     " is not a genesis account");
    }
  }

  TRY_ASSIGN(assets, GetArray(d, "assets", kMaxGenesisAssets, false));
  std::map<std::string, uint64_t> supply;
  for (rapidjson::SizeType i = 0; i < assets->Size(); ++i) {
    const Value& v = (*assets)[i];
    std::string where = "assets[" + std::to_string(i) + "]";
    if (!v.IsObject()) return Schema(where, "must be an object");
    if (auto s = OnlyFields(v, {"code", "decimals", "issuer"}, where); !s) return s.error();
    GenesisAsset a;
    TRY_ASSIGN(code, GetString(v, "code", where));
    if (!IsValidAssetCode(code)) return Schema(where, "code must be 1-12 of A-Z 0-9");
    a.code = code;
    TRY_ASSIGN(dec, GetUint(v, "decimals", where, kMaxAssetDecimals));
    a.decimals = static_cast<uint8_t>(dec);
    TRY_ASSIGN(issuer, GetAddress(v, "issuer", where));
    a.issuer = issuer;
    auto it = by_addr.find(issuer);
    if (it == by_addr.end() || std::find(it->second->roles.begin(), it->second->roles.end(),
                                         Role::kIssuer) == it->second->roles.end()) {
      return Invalid(where + ": issuer must be a genesis account with the issuer role");
    }
    if (!supply.emplace(a.code, 0).second) return Invalid("duplicate asset " + a.code);
    doc.assets.push_back(std::move(a));
  }

  TRY_ASSIGN(balances, GetArray(d, "balances", kMaxGenesisBalances, false));
  std::set<std::pair<Address, std::string>> seen;
  for (rapidjson::SizeType i = 0; i < balances->Size(); ++i) {
    const Value& v = (*balances)[i];
    std::string where = "balances[" + std::to_string(i) + "]";
    if (!v.IsObject()) return Schema(where, "must be an object");
    if (auto s = OnlyFields(v, {"account", "asset", "amount"}, where); !s) return s.error();
    GenesisBalance b;
    TRY_ASSIGN(acct, GetAddress(v, "account", where));
    b.account = acct;
    TRY_ASSIGN(asset, GetString(v, "asset", where));
    b.asset = asset;
    TRY_ASSIGN(amount, GetUint(v, "amount", where, UINT64_MAX));
    b.amount = amount;
    if (!by_addr.count(b.account)) return Invalid(where + ": account is not a genesis account");
    auto s = supply.find(b.asset);
    if (s == supply.end()) return Invalid(where + ": unknown asset " + b.asset);
    if (!seen.emplace(b.account, b.asset).second) return Invalid(where + ": duplicate balance");
    if (__builtin_add_overflow(s->second, b.amount, &s->second)) {
      return Invalid(where + ": total supply of " + b.asset + " overflows 64 bits");
    }
    doc.balances.push_back(std::move(b));
  }
  return doc;
}

Result<GenesisDoc> LoadGenesisFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("genesis_io", "cannot open " + path);
  std::string data;
  data.resize(kMaxGenesisBytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  return ParseGenesis(data);
}

std::string GenesisToJson(const GenesisDoc& doc) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  str("chain_id");
  str(doc.chain_id);
  str("timestamp_ms");
  w.Uint64(doc.timestamp_ms);
  if (doc.recovery_window_blocks != kDefaultRecoveryWindowBlocks) {
    str("recovery_window_blocks");
    w.Uint64(doc.recovery_window_blocks);
  }
  str("validators");
  w.StartArray();
  for (const auto& v : doc.validators) {
    w.StartObject();
    str("name");
    str(v.name);
    str("public_key");
    str(v.key.ToHex());
    if (v.operator_account) {
      str("operator");
      str(v.operator_account->ToString());
    }
    w.EndObject();
  }
  w.EndArray();
  str("accounts");
  w.StartArray();
  for (const auto& a : doc.accounts) {
    w.StartObject();
    str("address");
    str(a.address.ToString());
    str("kyc_level");
    w.Uint(a.kyc_level);
    str("jurisdiction");
    str(a.jurisdiction);
    if (!a.display_name.empty()) {
      str("display_name");
      str(a.display_name);
    }
    str("roles");
    w.StartArray();
    for (Role r : a.roles) str(RoleName(r));
    w.EndArray();
    if (!a.signers.empty()) {
      str("signers");
      w.StartObject();
      str("threshold");
      w.Uint(a.threshold);
      str("keys");
      w.StartArray();
      for (const auto& s : a.signers) {
        w.StartObject();
        str("public_key");
        str(s.key.ToHex());
        str("weight");
        w.Uint(s.weight);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  str("assets");
  w.StartArray();
  for (const auto& a : doc.assets) {
    w.StartObject();
    str("code");
    str(a.code);
    str("decimals");
    w.Uint(a.decimals);
    str("issuer");
    str(a.issuer.ToString());
    w.EndObject();
  }
  w.EndArray();
  str("balances");
  w.StartArray();
  for (const auto& b : doc.balances) {
    w.StartObject();
    str("account");
    str(b.account.ToString());
    str("asset");
    str(b.asset);
    str("amount");
    str(std::to_string(b.amount));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

GenesisState BuildGenesis(const GenesisDoc& doc, const StateStore& empty) {
  StateOverlay view(empty);
  Ledger l(view);
  l.PutChainId(doc.chain_id);
  std::vector<PublicKey> keys;
  for (const auto& v : doc.validators) keys.push_back(v.key);
  l.PutValidators(keys);
  for (const auto& v : doc.validators) {
    // Stored only when it differs from the default (the key's own address),
    // as governance reads it (ReadValidatorOperator).
    if (v.operator_account && *v.operator_account != Address::FromPublicKey(v.key)) {
      view.Put(ValidatorOperatorKey(v.key),
               Bytes(v.operator_account->bytes.begin(), v.operator_account->bytes.end()));
    }
  }
  if (doc.recovery_window_blocks != kDefaultRecoveryWindowBlocks) {
    NetworkPhaseRecord phase;
    phase.recovery_blocks = doc.recovery_window_blocks;
    view.Put(NetworkPhaseKey(), phase.Encode());
  }
  for (const auto& ga : doc.accounts) {
    Account a;
    a.kyc_level = ga.kyc_level;
    a.jurisdiction = ga.jurisdiction;
    a.display_name = ga.display_name;
    for (Role r : ga.roles) a.SetRole(r, true);
    a.threshold = ga.threshold;
    a.signers = ga.signers;
    l.PutAccount(ga.address, a);
  }
  std::map<std::string, AssetInfo> assets;
  for (const auto& ga : doc.assets) {
    AssetInfo a;
    a.code = ga.code;
    a.decimals = ga.decimals;
    a.issuer = ga.issuer;
    assets.emplace(a.code, a);
  }
  for (const auto& b : doc.balances) {
    assets.at(b.asset).supply += b.amount;  // ParseGenesis checked: no overflow
    Balance bal;
    bal.available = b.amount;
    l.PutBalance(b.account, b.asset, bal);
  }
  for (const auto& [code, a] : assets) l.PutAsset(a);

  GenesisState g;
  g.state = empty.Prepare(view.changes());
  BlockHeader h;
  h.chain_id = doc.chain_id;
  h.height = 0;
  h.timestamp_ms = doc.timestamp_ms;
  h.tx_root = Block::ComputeTxRoot({});
  h.receipts_root = ReceiptsRoot({});
  h.state_root = g.state.root;
  g.block = Block::Create(h, {});
  return g;
}

Result<BlockPtr> GenesisBlock(const GenesisDoc& doc) {
  // The state root needs a tree to build in: a throw-away in-memory store.
  std::unique_ptr<leveldb::Env> env(leveldb::NewMemEnv(leveldb::Env::Default()));
  ChainStore::Options o;
  o.path = "/genesis";
  o.env = env.get();
  o.block_cache_bytes = 1 << 20;
  auto store = ChainStore::Open(o);
  if (!store) return store.error();
  return BuildGenesis(doc, (*store)->state()).block;
}

Status InitChain(ChainStore& store, const GenesisDoc& doc) {
  if (store.blocks().LastHeight()) {
    auto b0 = store.blocks().BlockAt(0);
    auto expected = GenesisBlock(doc);
    if (!expected) return expected.error();
    if (!b0 || (*b0)->hash() != (*expected)->hash()) {
      return MakeError("genesis_mismatch", "the store holds a chain with another genesis block");
    }
    return Status::Ok();
  }
  GenesisState g = BuildGenesis(doc, store.state());
  CommitCertificate cert;
  cert.height = 0;
  cert.block_hash = g.block->hash();
  return store.CommitBlock(*g.block, cert, {}, g.state);
}

PrivateKey DevKey(std::string_view name) {
  std::string seed = "corridor-dev-key/" + std::string(name);
  Hash h = Sha256(AsBytes(seed));
  auto k = PrivateKey::FromBytes(ByteSpan(h.bytes));
  if (!k) std::abort();  // probability ~2^-128
  return std::move(*k);
}

GenesisDoc DevNetworkGenesis(size_t validators) {
  GenesisDoc doc;
  doc.chain_id = "corridor-local";
  doc.timestamp_ms = 1735689600000;  // 2025-01-01T00:00:00Z
  auto addr = [](std::string_view name) {
    return Address::FromPublicKey(DevKey(name).public_key());
  };
  auto account = [&](std::string_view name, uint8_t kyc, std::string jur, std::string display,
                     std::vector<Role> roles) {
    GenesisAccount a;
    a.address = addr(name);
    a.kyc_level = kyc;
    a.jurisdiction = std::move(jur);
    a.display_name = std::move(display);
    a.roles = std::move(roles);
    doc.accounts.push_back(std::move(a));
  };
  for (size_t i = 1; i <= validators; ++i) {
    std::string name = "validator-" + std::to_string(i);
    doc.validators.push_back({name, DevKey(name).public_key(), std::nullopt});
    account(name, 3, "SG", name + " operator", {Role::kValidator});
  }
  account("admin", 3, "SG", "network admin", {Role::kAdmin});
  account("compliance", 3, "SG", "compliance desk", {Role::kCompliance});
  account("bank", 3, "US", "issuing bank", {Role::kIssuer});
  account("exchange", 3, "SG", "exchange settlement", {Role::kOperator});
  account("oracle", 3, "SG", "fx oracle", {Role::kOracle});
  account("alice", 2, "US", "Alice", {});
  account("bob", 2, "DE", "Bob", {});
  doc.assets.push_back({"USD", 2, addr("bank")});
  doc.assets.push_back({"EUR", 2, addr("bank")});
  doc.balances.push_back({addr("exchange"), "USD", 100'000'000'00});
  doc.balances.push_back({addr("exchange"), "EUR", 100'000'000'00});
  doc.balances.push_back({addr("alice"), "USD", 1'000'000'00});
  doc.balances.push_back({addr("bob"), "EUR", 1'000'000'00});
  return doc;
}

}  // namespace corridor::contracts

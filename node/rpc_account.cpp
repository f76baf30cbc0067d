// account_get and account_getHistory.
#include <algorithm>
#include <map>
#include <set>

#include "chain/amount.h"
#include "chain/limits.h"
#include "contracts/event.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {

MethodResult AccountGet(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"address"})) return std::move(*e);
  auto addr = p.GetAddress("address");
  if (!addr) return std::move(addr).error();
  const ChainStore& chain = c.node.chain();
  auto height = chain.blocks().LastHeight();
  if (!height) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  // One height for every value, even while blocks commit.
  HistoricalState state = chain.StateAt(*height);
  auto acc = contracts::ReadAccount(state, *addr);
  if (!acc) return RpcError::NotFound("account " + addr->ToString() + " is not registered");

  Json r = Json::Object();
  r.Set("address", addr->ToString());
  r.Set("height", *height);
  r.Set("nonce", acc->next_nonce);
  r.Set("kycLevel", acc->kyc_level);
  r.Set("jurisdiction", acc->jurisdiction);
  r.Set("displayName", acc->display_name);
  Json roles = Json::Array();
  for (uint8_t code = 0; code <= kMaxRoleCode; ++code) {
    if (acc->HasRole(static_cast<Role>(code))) roles.Push(RoleName(static_cast<Role>(code)));
  }
  r.Set("roles", roles);
  r.Set("frozen", acc->frozen);
  r.Set("threshold", acc->threshold);
  Json signers = Json::Array();
  for (const auto& s : acc->signers) {
    Json e = Json::Object();
    e.Set("publicKey", s.key.ToHex());
    e.Set("weight", s.weight);
    signers.Push(e);
  }
  r.Set("signers", signers);
  // What fx_payment charges through this provider (docs/state.md §3.3), so a
  // wallet can quote the whole cost before it signs.
  if (acc->HasRole(Role::kLiquidityProvider)) {
    r.Set("liquidityFeeBps", contracts::ReadLiquidityFee(state, *addr));
  }

  AssetBook assets(state);
  Json balances = Json::Array();
  const Bytes prefix = contracts::BalanceKey(*addr, "");
  for (const auto& [key, value] : chain.state().ScanPrefix(prefix, c.options.max_assets)) {
    std::string code(key.begin() + prefix.size(), key.end());
    contracts::Balance b = contracts::ReadBalance(state, *addr, code);
    if (b.IsZero()) continue;  // created after `height`
    Json e = Json::Object();
    e.Set("asset", code);
    e.Set("available", assets.Format(code, b.available));
    e.Set("locked", assets.Format(code, b.locked));
    balances.Push(e);
  }
  r.Set("balances", balances);
  return r;
}

namespace {

// An amount bound as written ("12.5"): mantissa / 10^scale, compared exactly
// with an entry's amount in its own asset's decimals.
struct DecimalBound {
  uint64_t mantissa = 0;
  uint8_t scale = 0;
};

rpc::Outcome<std::optional<DecimalBound>> GetDecimalBound(const Params& p, std::string_view name) {
  auto s = p.GetOptionalString(name);
  if (!s) return std::move(s).error();
  if (!s->has_value()) return std::optional<DecimalBound>();
  const std::string& text = **s;
  size_t dot = text.find('.');
  std::string digits = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto bad = [&] {
    return BadParam(name, "bad_amount",
                    "param '" + std::string(name) +
                        "' must be a decimal string such as \"12.50\" (at most " +
                        std::to_string(kMaxAssetDecimals) + " decimals)");
  };
  if (digits.empty() || (dot != std::string::npos && frac.empty()) ||
      frac.size() > kMaxAssetDecimals) {
    return bad();
  }
  auto amount = ParseAmount(digits + frac, 0);  // digits only, overflow-checked
  if (!amount) return bad();
  return std::optional<DecimalBound>(DecimalBound{*amount, static_cast<uint8_t>(frac.size())});
}

Uint128 Pow10(uint8_t n) {
  Uint128 v = 1;
  for (uint8_t i = 0; i < n; ++i) v *= 10;
  return v;
}

// -1, 0, 1 as amount (in `decimals`) is below, equal to, above the bound.
int Compare(uint64_t amount, uint8_t decimals, const DecimalBound& b) {
  Uint128 lhs = static_cast<Uint128>(amount) * Pow10(b.scale);
  Uint128 rhs = static_cast<Uint128>(b.mantissa) * Pow10(decimals);
  return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
}

Json HistoryEntryJson(const AccountHistoryRecord& rec, const Address& account, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("txId", rec.tx_id.ToHex());
  j.Set("height", rec.location.height);
  j.Set("position", rec.location.position);
  j.Set("timestamp", rec.timestamp_ms);
  j.Set("type", OpTypeName(static_cast<OpType>(rec.op_type)));
  j.Set("status", StatusOf(rec.code));
  j.Set("code", rec.code);
  j.Set("codeName", CodeName(rec.code));
  j.Set("isSender", rec.is_sender);
  if (!rec.value.asset.empty()) j.Set("asset", rec.value.asset);
  if (rec.value.amount != 0) j.Set("amount", assets.Format(rec.value.asset, rec.value.amount));
  Json parties = Json::Array();
  for (const Address& a : rec.counterparties) parties.Push(a.ToString());
  j.Set("counterparties", parties);
  j.Set("memo", rec.memo);
  // What the transaction did to this account's balances, per asset.
  std::map<std::string, Int128> net;
  for (const Event& e : rec.events) {
    auto effect = contracts::EffectOn(e, account);
    if (effect.credit == 0 && effect.debit == 0) continue;
    net[e.asset] += static_cast<Int128>(effect.credit) - static_cast<Int128>(effect.debit);
  }
  Json changes = Json::Array();
  for (const auto& [asset, amount] : net) {
    Json ch = Json::Object();
    ch.Set("asset", asset);
    ch.Set("amount", assets.FormatSigned(asset, amount));
    changes.Push(ch);
  }
  j.Set("balanceChanges", changes);
  return j;
}

}  // namespace

MethodResult AccountGetHistory(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"address", "type", "fromTime", "toTime", "minAmount", "maxAmount",
                                "asset", "status", "counterparty", "cursor", "limit", "auth"})) {
    return std::move(*e);
  }
  auto addr = p.GetAddress("address");
  if (!addr) return std::move(addr).error();
  if (c.options.private_history) {
    if (auto e = CheckReadAccess(c, p, "account_getHistory", &*addr)) return std::move(*e);
  }
  auto types = GetTypeFilter(p, OperationTypeNames());
  if (!types) return std::move(types).error();
  auto min_amount = GetDecimalBound(p, "minAmount");
  if (!min_amount) return std::move(min_amount).error();
  auto max_amount = GetDecimalBound(p, "maxAmount");
  if (!max_amount) return std::move(max_amount).error();
  auto asset = p.GetOptionalString("asset");
  if (!asset) return std::move(asset).error();
  auto status = p.GetOptionalString("status");
  if (!status) return std::move(status).error();
  auto counterparty = p.GetOptionalAddress("counterparty");
  if (!counterparty) return std::move(counterparty).error();
  auto range = GetPagedRange(p, c.node.chain().blocks());
  if (!range) return std::move(range).error();
  auto limit = GetLimit(p, c.options.default_history_limit, c.options.max_history_limit);
  if (!limit) return std::move(limit).error();

  if (asset->has_value() && !IsValidAssetCode(**asset)) {
    return BadParam("asset", "bad_asset_code",
                    "param 'asset' must be 1-12 characters A-Z or 0-9, such as \"USD\"");
  }
  if (status->has_value() && **status != "committed" && **status != "failed" &&
      **status != "held") {
    return BadParam("status", "bad_status",
                    "param 'status' must be \"committed\", \"failed\" or \"held\"");
  }
  if (min_amount->has_value() && max_amount->has_value() &&
      Compare((*min_amount)->mantissa, (*min_amount)->scale, **max_amount) > 0) {
    return BadParam("minAmount", "bad_amount_range", "param 'minAmount' is above 'maxAmount'");
  }

  Json r = Json::Object();
  r.Set("address", addr->ToString());
  const ChainStore& chain = c.node.chain();
  const BlockStore& blocks = chain.blocks();
  HistoryScan scan;
  scan.order = HistoryScan::Order::kNewestFirst;
  scan.limit = *limit;
  scan.max_scan = c.options.max_history_scan;
  scan.lowest = range->lowest;
  scan.highest = range->highest;
  const bool empty = range->empty;

  AssetBook assets(chain.state());
  scan.filter = [&](const AccountHistoryRecord& rec) {
    if (!types->empty() && !types->count(rec.op_type)) return false;
    if (status->has_value() && StatusOf(rec.code) != **status) return false;
    if (asset->has_value() && rec.value.asset != **asset) return false;
    if (counterparty->has_value() &&
        !std::binary_search(rec.counterparties.begin(), rec.counterparties.end(), **counterparty)) {
      return false;
    }
    if (min_amount->has_value() || max_amount->has_value()) {
      if (rec.value.amount == 0) return false;  // no amount to compare
      uint8_t d = assets.Decimals(rec.value.asset);
      if (min_amount->has_value() && Compare(rec.value.amount, d, **min_amount) < 0) return false;
      if (max_amount->has_value() && Compare(rec.value.amount, d, **max_amount) > 0) return false;
    }
    return true;
  };

  Json entries = Json::Array();
  HistoryPage page;
  if (!empty) {
    auto scanned = blocks.ScanAccountHistory(*addr, scan);
    if (!scanned) return RpcError::Internal(scanned.error().ToString());
    page = std::move(*scanned);
    for (const auto& rec : page.records) entries.Push(HistoryEntryJson(rec, *addr, assets));
  }
  SetPage(r, std::move(entries), page.resume, page.scanned);
  return r;
}

}  // namespace corridor::node::rpc_methods

// JSON for chain objects, amounts and cursors shared by the RPC methods.
#include <charconv>
#include <type_traits>

#include "chain/amount.h"
#include "contracts/event.h"
#include "contracts/result_code.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {

// ------------------------------------------------------------------ amounts

const std::optional<contracts::AssetInfo>& AssetBook::Find(const std::string& code) {
  auto it = cache_.find(code);
  if (it == cache_.end()) it = cache_.emplace(code, contracts::ReadAsset(state_, code)).first;
  return it->second;
}

uint8_t AssetBook::Decimals(const std::string& code) {
  const auto& a = Find(code);
  return a ? a->decimals : 0;
}

std::string AssetBook::Format(const std::string& code, uint64_t amount) {
  return FormatAmount(amount, Decimals(code));
}

std::string AssetBook::FormatSigned(const std::string& code, Int128 amount) {
  return FormatInt128(amount, Decimals(code));
}

std::string FormatUint128(Uint128 v, uint8_t decimals) {
  std::string digits = Uint128ToString(v);
  if (decimals == 0) return digits;
  if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
  digits.insert(digits.size() - decimals, 1, '.');
  return digits;
}

std::string FormatInt128(Int128 v, uint8_t decimals) {
  if (v < 0) return "-" + FormatUint128(static_cast<Uint128>(-(v + 1)) + 1, decimals);
  return FormatUint128(static_cast<Uint128>(v), decimals);
}

// --------------------------------------------------------------------- JSON

Json HeaderJson(const BlockHeader& h, const Hash& hash) {
  Json j = Json::Object();
  j.Set("hash", hash.ToHex());
  j.Set("version", h.version);
  j.Set("chainId", h.chain_id);
  j.Set("height", h.height);
  j.Set("prevHash", h.prev_hash.ToHex());
  j.Set("timestamp", h.timestamp_ms);
  j.Set("proposer", h.proposer.ToHex());
  j.Set("view", h.view);
  j.Set("txRoot", h.tx_root.ToHex());
  j.Set("receiptsRoot", h.receipts_root.ToHex());
  j.Set("stateRoot", h.state_root.ToHex());
  return j;
}

Json CertificateJson(const CommitCertificate& c) {
  Json j = Json::Object();
  j.Set("height", c.height);
  j.Set("view", c.view);
  j.Set("blockHash", c.block_hash.ToHex());
  Json sigs = Json::Array();
  for (const auto& s : c.signatures) {
    Json e = Json::Object();
    e.Set("validator", s.validator.ToHex());
    e.Set("signature", s.sig.ToHex());
    sigs.Push(e);
  }
  j.Set("signatures", sigs);
  return j;
}

Json OperationJson(const Operation& op, AssetBook& assets) {
  Json j = Json::Object();
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Payment> || std::is_same_v<T, Mint>) {
          j.Set("to", o.to.ToString());
          j.Set("asset", o.asset);
          j.Set("amount", assets.Format(o.asset, o.amount));
        } else if constexpr (std::is_same_v<T, Burn>) {
          j.Set("asset", o.asset);
          j.Set("amount", assets.Format(o.asset, o.amount));
        } else if constexpr (std::is_same_v<T, RegisterAccount>) {
          j.Set("account", o.account.ToString());
          j.Set("kycLevel", o.kyc_level);
          j.Set("jurisdiction", o.jurisdiction);
          j.Set("displayName", o.display_name);
        } else if constexpr (std::is_same_v<T, GrantRole> || std::is_same_v<T, RevokeRole>) {
          j.Set("account", o.account.ToString());
          j.Set("role", RoleName(o.role));
        } else if constexpr (std::is_same_v<T, SetSigners>) {
          j.Set("threshold", o.threshold);
          Json keys = Json::Array();
          for (const auto& s : o.signers) {
            Json e = Json::Object();
            e.Set("publicKey", s.key.ToHex());
            e.Set("weight", s.weight);
            keys.Push(e);
          }
          j.Set("signers", keys);
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          j.Set("asset", o.code);
          j.Set("decimals", o.decimals);
          j.Set("issuer", o.issuer.ToString());
        } else if constexpr (std::is_same_v<T, FreezeAccount> ||
                             std::is_same_v<T, UnfreezeAccount>) {
          j.Set("account", o.account.ToString());
        } else if constexpr (std::is_same_v<T, FreezeAsset> || std::is_same_v<T, UnfreezeAsset>) {
          j.Set("asset", o.asset);
        } else if constexpr (std::is_same_v<T, PublishRate>) {
          j.Set("base", o.base);
          j.Set("quote", o.quote);
          j.Set("numerator", std::to_string(o.numerator));
          j.Set("denominator", std::to_string(o.denominator));
          j.Set("validFrom", o.valid_from);
          j.Set("validUntil", o.valid_until);
        } else if constexpr (std::is_same_v<T, FxPayment>) {
          j.Set("to", o.to.ToString());
          j.Set("sourceAsset", o.source_asset);
          j.Set("destAsset", o.dest_asset);
          j.Set("destAmount", assets.Format(o.dest_asset, o.dest_amount));
          j.Set("maxSourceAmount", assets.Format(o.source_asset, o.max_source_amount));
          j.Set("liquidityProvider", o.liquidity_provider.ToString());
        } else if constexpr (std::is_same_v<T, SetLiquidityFee>) {
          j.Set("feeBps", o.fee_bps);
        } else if constexpr (std::is_same_v<T, SettleBatch>) {
          j.Set("batchId", o.batch_id);
          j.Set("tradeCount", o.trades.size());
          Json trades = Json::Array();
          for (const Trade& t : o.trades) {
            Json e = Json::Object();
            e.Set("tradeId", t.trade_id);
            e.Set("buyer", t.buyer.ToString());
            e.Set("seller", t.seller.ToString());
            e.Set("baseAsset", t.base_asset);
            e.Set("baseAmount", assets.Format(t.base_asset, t.base_amount));
            e.Set("quoteAsset", t.quote_asset);
            e.Set("quoteAmount", assets.Format(t.quote_asset, t.quote_amount));
            trades.Push(e);
          }
          j.Set("trades", trades);
        } else if constexpr (std::is_same_v<T, ExchangeDeposit>) {
          j.Set("custody", o.custody.ToString());
          j.Set("asset", o.asset);
          j.Set("amount", assets.Format(o.asset, o.amount));
          j.Set("reference", o.reference);
        } else if constexpr (std::is_same_v<T, ExchangeWithdrawal>) {
          j.Set("to", o.to.ToString());
          j.Set("asset", o.asset);
          j.Set("amount", assets.Format(o.asset, o.amount));
          j.Set("reference", o.reference);
        } else if constexpr (std::is_same_v<T, EscrowCreate>) {
          j.Set("to", o.to.ToString());
          j.Set("asset", o.asset);
          j.Set("amount", assets.Format(o.asset, o.amount));
          if (!o.arbiter.IsZero()) j.Set("arbiter", o.arbiter.ToString());
          if (!o.hash_lock.IsZero()) j.Set("hashLock", o.hash_lock.ToHex());
          j.Set("deadlineHeight", o.deadline_height);
        } else if constexpr (std::is_same_v<T, EscrowRelease>) {
          j.Set("escrowId", o.escrow_id);
          if (!o.preimage.empty()) j.Set("preimage", ToHex(o.preimage));
        } else if constexpr (std::is_same_v<T, EscrowCancel>) {
          j.Set("escrowId", o.escrow_id);
        } else if constexpr (std::is_same_v<T, DisputeOpen>) {
          j.Set("paymentTx", o.payment_tx.ToHex());
          j.Set("amount", std::to_string(o.amount));
          j.Set("hold", o.hold);
          j.Set("reason", o.reason);
        } else if constexpr (std::is_same_v<T, DisputeResolve>) {
          j.Set("disputeId", o.dispute_id);
          j.Set("refundAmount", std::to_string(o.refund_amount));
        } else if constexpr (std::is_same_v<T, ProposeValidatorChange>) {
          j.Set("change", ValidatorChangeKindName(o.kind));
          j.Set("validator", o.validator.ToHex());
          if (o.kind == ValidatorChangeKind::kRekey) j.Set("newKey", o.new_key.ToHex());
          if (o.kind == ValidatorChangeKind::kAdd) j.Set("operator", o.operator_account.ToString());
          j.Set("effectiveHeight", o.effective_height);
        } else if constexpr (std::is_same_v<T, ApproveProposal>) {
          j.Set("proposalId", o.proposal_id);
        } else if constexpr (std::is_same_v<T, ProposeUpgrade>) {
          j.Set("version", o.version);
          j.Set("activationHeight", o.activation_height);
        } else if constexpr (std::is_same_v<T, SetRecoveryWindow>) {
          j.Set("blocks", o.blocks);
        } else if constexpr (std::is_same_v<T, AmlRuleSet>) {
          j.Set("ruleId", o.rule_id);
          j.Set("kind", AmlRuleKindName(o.kind));
          j.Set("asset", o.asset);
          j.Set("fromJurisdiction", o.from_jurisdiction);
          j.Set("toJurisdiction", o.to_jurisdiction);
          j.Set("maxAmount", assets.Format(o.asset, o.max_amount));
          j.Set("maxCount", o.max_count);
          j.Set("windowBlocks", o.window_blocks);
        } else if constexpr (std::is_same_v<T, AmlRuleRemove>) {
          j.Set("ruleId", o.rule_id);
        } else if constexpr (std::is_same_v<T, HoldApprove> || std::is_same_v<T, HoldReject>) {
          j.Set("holdId", o.hold_id);
          j.Set("reason", o.reason);
        } else if constexpr (std::is_same_v<T, AmlSetHoldExpiry>) {
          j.Set("blocks", o.blocks);
        }
      },
      op);
  return j;
}

Json TransactionJson(const Transaction& tx, AssetBook& assets) {
  const TxBody& b = tx.body();
  Json j = Json::Object();
  j.Set("id", tx.id().ToHex());
  j.Set("version", b.version);
  j.Set("chainId", b.chain_id);
  j.Set("sender", b.sender.ToString());
  j.Set("nonce", b.nonce);
  j.Set("expiryHeight", b.expiry_height);
  j.Set("type", NameOf(b.op));
  j.Set("operation", OperationJson(b.op, assets));
  j.Set("memo", b.memo);
  Json sigs = Json::Array();
  for (const auto& s : tx.signatures()) {
    Json e = Json::Object();
    e.Set("publicKey", s.key.ToHex());
    e.Set("signature", s.sig.ToHex());
    sigs.Push(e);
  }
  j.Set("signatures", sigs);
  j.Set("size", tx.size());
  return j;
}

Json EventJson(const Event& e, AssetBook& assets) {
  using contracts::EventType;
  Json j = Json::Object();
  j.Set("type", contracts::EventTypeName(e.type));
  switch (static_cast<EventType>(e.type)) {
    case EventType::kTransfer:
      j.Set("from", e.account.ToString());
      j.Set("to", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kMint:
      j.Set("to", e.account.ToString());
      j.Set("issuer", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kBurn:
      j.Set("from", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kAccountRegistered:
      j.Set("account", e.account.ToString());
      j.Set("kycLevel", e.detail);
      return j;
    case EventType::kRoleGranted:
    case EventType::kRoleRevoked:
      j.Set("account", e.account.ToString());
      j.Set("role", e.detail <= kMaxRoleCode ? RoleName(static_cast<Role>(e.detail)) : "unknown");
      return j;
    case EventType::kSignersSet:
      j.Set("account", e.account.ToString());
      j.Set("signers", e.amount);
      j.Set("threshold", e.detail);
      return j;
    case EventType::kAssetCreated:
      j.Set("issuer", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("decimals", e.detail);
      return j;
    case EventType::kAccountFrozen:
    case EventType::kAccountUnfrozen:
      j.Set("account", e.account.ToString());
      return j;
    case EventType::kAssetFrozen:
    case EventType::kAssetUnfrozen:
      j.Set("asset", e.asset);
      return j;
    case EventType::kRatePublished:
      // Quote minor units per base minor unit, as an exact fraction.
      j.Set("oracle", e.account.ToString());
      j.Set("base", e.asset);
      j.Set("numerator", std::to_string(e.amount));
      j.Set("denominator", std::to_string(e.detail));
      return j;
    case EventType::kFxConverted:
      j.Set("from", e.account.ToString());
      j.Set("to", e.counterparty.ToString());
      j.Set("sourceAsset", e.asset);
      j.Set("sourceAmount", assets.Format(e.asset, e.amount));
      j.Set("fee", assets.Format(e.asset, e.detail));
      return j;
    case EventType::kLiquidityFeeSet:
      j.Set("provider", e.account.ToString());
      j.Set("feeBps", e.detail);
      return j;
    case EventType::kBatchSettled:
      j.Set("operator", e.account.ToString());
      j.Set("trades", e.amount);
      j.Set("movements", e.detail);
      return j;
    case EventType::kSettlementDebit:
    case EventType::kSettlementCredit:
      j.Set("account", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kBatchFailed:
      // Where a settle_batch failed: the trade's index in the batch, the
      // account or asset at fault (when there is one) and the reason.
      j.Set("tradeIndex", e.amount);
      if (!e.account.IsZero()) j.Set("account", e.account.ToString());
      if (!e.asset.empty()) j.Set("asset", e.asset);
      j.Set("reason", contracts::NameOf(static_cast<contracts::ResultCode>(e.detail)));
      return j;
    case EventType::kEscrowCreated:
    case EventType::kEscrowReleased:
      j.Set("escrowId", e.detail);
      j.Set("sender", e.account.ToString());
      j.Set("receiver", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kEscrowRefunded:
      // cancelledBy is absent for the automatic refund at the deadline.
      j.Set("escrowId", e.detail);
      j.Set("sender", e.account.ToString());
      if (!e.counterparty.IsZero()) j.Set("cancelledBy", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kDisputeOpened:
      j.Set("disputeId", e.detail);
      j.Set("opener", e.account.ToString());
      j.Set("counterparty", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kDisputeResolved:
      j.Set("disputeId", e.detail);
      j.Set("arbiter", e.account.ToString());
      j.Set("payer", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("refunded", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kHoldPlaced:
    case EventType::kHoldReleased:
      j.Set("disputeId", e.detail);
      j.Set("account", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kProposalCreated:
      j.Set("proposer", e.account.ToString());
      j.Set("proposalId", e.amount);
      j.Set("kind", e.detail == 2 ? "upgrade" : "validator_change");
      return j;
    case EventType::kProposalApproved:
      j.Set("approver", e.account.ToString());
      j.Set("proposalId", e.amount);
      j.Set("approvingValidators", e.detail);
      return j;
    case EventType::kValidatorSetScheduled:
      j.Set("operator", e.account.ToString());
      j.Set("effectiveHeight", e.amount);
      j.Set("validators", e.detail);
      return j;
    case EventType::kNetworkHalted:
      j.Set("admin", e.account.ToString());
      j.Set("height", e.amount);
      return j;
    case EventType::kNetworkResumed:
      j.Set("admin", e.account.ToString());
      j.Set("openFromHeight", e.amount);
      j.Set("recoveryWindowBlocks", e.detail);
      return j;
    case EventType::kUpgradeScheduled:
      j.Set("proposer", e.account.ToString());
      j.Set("activationHeight", e.amount);
      j.Set("version", e.detail);
      return j;
    case EventType::kRecoveryWindowSet:
      j.Set("admin", e.account.ToString());
      j.Set("blocks", e.detail);
      return j;
    case EventType::kAmlRuleSet:
    case EventType::kAmlRuleRemoved:
      j.Set("ruleId", e.detail);
      j.Set("by", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("maxAmount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kPaymentHeld:
    case EventType::kHoldExpired:
      j.Set("holdId", e.detail);
      j.Set("payer", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kAmlRuleTripped:
      j.Set("ruleId", e.detail);
      j.Set("payer", e.account.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kHoldApproved:
    case EventType::kHoldRejected:
      j.Set("holdId", e.detail);
      j.Set("payer", e.account.ToString());
      j.Set("by", e.counterparty.ToString());
      j.Set("asset", e.asset);
      j.Set("amount", assets.Format(e.asset, e.amount));
      return j;
    case EventType::kHoldExpirySet:
      j.Set("by", e.account.ToString());
      j.Set("blocks", e.detail);
      return j;
  }
  // A type this build does not know: every field, amounts in minor units.
  j.Set("typeCode", e.type);
  j.Set("account", e.account.ToString());
  j.Set("counterparty", e.counterparty.ToString());
  j.Set("asset", e.asset);
  j.Set("amount", std::to_string(e.amount));
  j.Set("detail", e.detail);
  return j;
}

Json EventsJson(const std::vector<Event>& events, AssetBook& assets) {
  Json arr = Json::Array();
  for (const Event& e : events) arr.Push(EventJson(e, assets));
  return arr;
}

std::string_view StatusOf(uint16_t code) {
  if (code == 0) return "committed";
  if (code == static_cast<uint16_t>(contracts::ResultCode::kHeld)) return "held";
  return "failed";
}

std::string_view CodeName(uint16_t code) {
  return contracts::NameOf(static_cast<contracts::ResultCode>(code));
}

// ------------------------------------------------------------------ cursors

std::string FormatCursor(TxLocation loc) {
  return std::to_string(loc.height) + ":" + std::to_string(loc.position);
}

namespace {

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  if (s.empty() || s.size() > 40) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseInt128(std::string_view s, Int128& out) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty() || s.size() > 38) return false;
  Int128 v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  out = neg ? -v : v;
  return true;
}

}  // namespace

std::optional<TxLocation> ParseCursor(std::string_view text, std::optional<Int128>* balance) {
  size_t a = text.find(':');
  if (a == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(a + 1);
  size_t b = rest.find(':');
  std::string_view pos = b == std::string_view::npos ? rest : rest.substr(0, b);
  TxLocation loc;
  if (!ParseNumber(text.substr(0, a), loc.height) || !ParseNumber(pos, loc.position)) {
    return std::nullopt;
  }
  if ((b != std::string_view::npos) != (balance != nullptr)) return std::nullopt;
  if (balance != nullptr) {
    Int128 v = 0;
    if (!ParseInt128(rest.substr(b + 1), v)) return std::nullopt;
    *balance = v;
  }
  return loc;
}

std::optional<TxLocation> Before(TxLocation loc) {
  if (loc.position > 0) return TxLocation{loc.height, loc.position - 1};
  if (loc.height == 0) return std::nullopt;
  return TxLocation{loc.height - 1, kLastLocation.position};
}

std::optional<TxLocation> After(TxLocation loc) {
  if (loc.position < kLastLocation.position) return TxLocation{loc.height, loc.position + 1};
  if (loc.height == kLastLocation.height) return std::nullopt;
  return TxLocation{loc.height + 1, 0};
}

// ------------------------------------------------------------------- params

RpcError BadParam(std::string_view param, std::string_view reason, std::string message) {
  return RpcError::InvalidParams(std::move(message), param, reason);
}

TypeNames OperationTypeNames() {
  TypeNames names;
  for (uint16_t t = 1; t < 256; ++t) {
    auto name = OpTypeName(static_cast<OpType>(t));
    if (name != "unknown") names.push_back({std::string(name), {t}});
  }
  return names;
}

rpc::Outcome<std::set<uint16_t>> GetTypeFilter(const Params& p, const TypeNames& names) {
  std::set<uint16_t> out;
  const auto* v = p.Find("type");
  if (v == nullptr) return out;
  auto wrong =
      BadParam("type", "wrong_type", "param 'type' must be an operation name or an array of them");
  auto add = [&](const rapidjson::Value& item) -> std::optional<RpcError> {
    if (!item.IsString()) return wrong;
    std::string_view name(item.GetString(), item.GetStringLength());
    for (const auto& [known, types] : names) {
      if (known == name) {
        out.insert(types.begin(), types.end());
        return std::nullopt;
      }
    }
    std::string list;
    for (const auto& [known, types] : names) list += (list.empty() ? "" : ", ") + known;
    return BadParam("type", "unknown_type",
                    "unknown operation type '" + std::string(name) + "' (known: " + list + ")");
  };
  if (v->IsArray()) {
    if (v->Empty() || v->Size() > 64) return wrong;
    for (const auto& item : v->GetArray()) {
      if (auto e = add(item)) return std::move(*e);
    }
  } else if (auto e = add(*v)) {
    return std::move(*e);
  }
  return out;
}

rpc::Outcome<PagedRange> GetPagedRange(const Params& p, const BlockStore& blocks) {
  auto from_time = p.GetOptionalUint64("fromTime");
  if (!from_time) return std::move(from_time).error();
  auto to_time = p.GetOptionalUint64("toTime");
  if (!to_time) return std::move(to_time).error();
  auto cursor = p.GetOptionalString("cursor");
  if (!cursor) return std::move(cursor).error();
  if (from_time->has_value() && to_time->has_value() && **from_time > **to_time) {
    return BadParam("fromTime", "bad_time_range", "param 'fromTime' is after 'toTime'");
  }
  PagedRange range;
  if (from_time->has_value()) {
    auto h = blocks.FirstHeightAtOrAfter(**from_time);
    if (h) {
      range.lowest = {*h, 0};
    } else {
      range.empty = true;
    }
  }
  if (to_time->has_value()) {
    auto h = blocks.LastHeightAtOrBefore(**to_time);
    if (h) {
      range.highest = {*h, kLastLocation.position};
    } else {
      range.empty = true;
    }
  }
  if (cursor->has_value()) {
    auto loc = ParseCursor(**cursor, nullptr);
    if (!loc) {
      return BadParam("cursor", "bad_cursor",
                      "param 'cursor' is not a cursor this method returned (pass 'nextCursor' "
                      "unchanged)");
    }
    auto before = Before(*loc);
    if (before) {
      range.highest = std::min(range.highest, *before);
    } else {
      range.empty = true;
    }
  }
  return range;
}

void SetPage(Json& result, Json entries, const std::optional<TxLocation>& resume, size_t scanned) {
  result.Set("entries", std::move(entries));
  if (resume) {
    result.Set("nextCursor", FormatCursor(*resume));
  } else {
    result.SetNull("nextCursor");
  }
  result.Set("scanned", scanned);
}

rpc::Outcome<size_t> GetLimit(const Params& p, size_t dflt, size_t max) {
  auto v = p.GetOptionalUint64("limit");
  if (!v) return std::move(v).error();
  if (!v->has_value()) return dflt;
  if (**v == 0 || **v > max) {
    return BadParam("limit", "out_of_range",
                    "param 'limit' must be between 1 and " + std::to_string(max));
  }
  return static_cast<size_t>(**v);
}

std::optional<HeightRange> HeightsBetween(const BlockStore& blocks, uint64_t from_ms,
                                          uint64_t to_ms) {
  auto first = blocks.FirstHeightAtOrAfter(from_ms);
  auto last = blocks.LastHeightAtOrBefore(to_ms);
  if (!first || !last || *first > *last) return std::nullopt;
  return HeightRange{*first, *last};
}

}  // namespace corridor::node::rpc_methods

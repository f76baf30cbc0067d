// compliance_listHeld, compliance_getRules, compliance_getActivityRecords
// (docs/rpc.md §8.20): the AML review queue, the rules in force and the
// suspicious-activity records (docs/state.md §3.14). Compliance accounts
// (signed request) and admins only: CheckReadAccess.
#include "contracts/aml_state.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

using contracts::ActivityRecord;
using contracts::AmlRule;
using contracts::Hold;

uint64_t BE64At(const Bytes& k, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | k[at + i];
  return v;
}

std::optional<std::pair<uint64_t, uint64_t>> ParsePair(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return std::nullopt;
  uint64_t a = 0, b = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == colon) continue;
    char ch = text[i];
    if (ch < '0' || ch > '9') return std::nullopt;
    uint64_t& v = i < colon ? a : b;
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(ch - '0');
  }
  return std::pair{a, b};
}

Json RuleJson(const AmlRule& r, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("ruleId", r.id);
  j.Set("kind", AmlRuleKindName(r.kind));
  j.Set("asset", r.asset);
  j.Set("fromJurisdiction", r.from_jurisdiction);
  j.Set("toJurisdiction", r.to_jurisdiction);
  j.Set("maxAmount", assets.Format(r.asset, r.max_amount));
  if (r.kind == AmlRuleKind::kVelocity) {
    j.Set("maxCount", r.max_count);
    j.Set("windowBlocks", r.window_blocks);
  }
  j.Set("setBy", r.set_by.ToString());
  j.Set("setHeight", r.set_height);
  return j;
}

Json ActivityJson(const ActivityRecord& a, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("recordId", a.id);
  j.Set("kind", ActivityKindName(a.kind));
  j.Set("holdId", a.hold_id);
  j.Set("subject", a.subject.ToString());
  j.Set("counterparty", a.counterparty.ToString());
  j.Set("asset", a.asset);
  j.Set("amount", assets.Format(a.asset, a.amount));
  j.Set("ruleId", a.rule_id);
  j.Set("height", a.height);
  if (a.tx_id.IsZero()) {
    j.SetNull("txId");
  } else {
    j.Set("txId", a.tx_id.ToHex());
  }
  if (a.author.IsZero()) {
    j.SetNull("author");
  } else {
    j.Set("author", a.author.ToString());
  }
  j.Set("reason", a.reason);
  return j;
}

}  // namespace

Json HoldJson(const Hold& h, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("holdId", h.id);
  j.Set("txId", h.tx_id.ToHex());
  j.Set("status", HoldStatusName(h.status));
  j.Set("sender", h.sender.ToString());
  j.Set("receiver", h.receiver.ToString());
  j.Set("type", NameOf(h.op));
  j.Set("operation", OperationJson(h.op, assets));
  j.Set("lockedAsset", h.asset);
  j.Set("lockedAmount", assets.Format(h.asset, h.amount));
  j.Set("ruleId", h.rule_id);
  j.Set("createdHeight", h.created_height);
  j.Set("deadlineHeight", h.deadline_height);
  if (h.status == contracts::HoldStatus::kOpen) {
    j.SetNull("decidedHeight");
  } else {
    j.Set("decidedHeight", h.decided_height);
  }
  if (h.decided_by.IsZero()) {
    j.SetNull("decidedBy");
  } else {
    j.Set("decidedBy", h.decided_by.ToString());
  }
  if (h.decision_tx.IsZero()) {
    j.SetNull("decisionTx");
  } else {
    j.Set("decisionTx", h.decision_tx.ToHex());
  }
  j.Set("reason", h.reason);
  return j;
}

MethodResult ComplianceListHeld(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"cursor", "limit", "auth"})) return std::move(*e);
  auto cursor = p.GetOptionalString("cursor");
  if (!cursor) return std::move(cursor).error();
  auto limit = GetLimit(p, c.options.default_compliance_limit, c.options.max_compliance_limit);
  if (!limit) return std::move(limit).error();
  if (auto e = CheckReadAccess(c, p, "compliance_listHeld", nullptr)) return std::move(*e);

  const StateStore& state = c.node.chain().state();
  Bytes from = contracts::HoldDeadlinePrefix();
  if (cursor->has_value()) {
    auto at = ParsePair(**cursor);
    if (!at || at->second == UINT64_MAX) {
      return BadParam("cursor", "bad_cursor",
                      "param 'cursor' is not a cursor this method returned (pass 'nextCursor' "
                      "unchanged)");
    }
    from = contracts::HoldDeadlineKey(at->first, at->second + 1);  // strictly after
  }
  auto keys = state.ScanRange(from, contracts::HoldDeadlinePrefix(), *limit + 1);
  AssetBook assets(state);
  Json holds = Json::Array();
  for (size_t i = 0; i < keys.size() && i < *limit; ++i) {
    const Bytes& k = keys[i].first;
    if (k.size() != 17) return RpcError::Internal("malformed hold deadline index entry");
    auto h = contracts::ReadHold(state, BE64At(k, 9));
    if (!h) return RpcError::Internal("hold index names a missing hold");
    holds.Push(HoldJson(*h, assets));
  }
  Json r = Json::Object();
  r.Set("height", c.node.chain().blocks().LastHeight().value_or(0));
  r.Set("holds", holds);
  if (keys.size() > *limit) {
    const Bytes& last = keys[*limit - 1].first;
    r.Set("nextCursor", std::to_string(BE64At(last, 1)) + ":" + std::to_string(BE64At(last, 9)));
  } else {
    r.SetNull("nextCursor");
  }
  return r;
}

MethodResult ComplianceGetRules(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"asset", "auth"})) return std::move(*e);
  auto asset = p.GetOptionalString("asset");
  if (!asset) return std::move(asset).error();
  if (asset->has_value() && !IsValidAssetCode(**asset)) {
    return BadParam("asset", "bad_asset_code",
                    "param 'asset' must be 1-12 characters A-Z or 0-9, such as \"USD\"");
  }
  if (auto e = CheckReadAccess(c, p, "compliance_getRules", nullptr)) return std::move(*e);
  const StateStore& state = c.node.chain().state();
  AssetBook assets(state);
  Json rules = Json::Array();
  auto add = [&](const std::vector<AmlRule>& list) {
    for (const AmlRule& r : list) rules.Push(RuleJson(r, assets));
  };
  if (asset->has_value()) {
    add(contracts::ReadAmlRules(state, **asset));
  } else {
    // One entry per asset that has rules (at most the assets, each <= 64 rules).
    for (const auto& [k, v] :
         state.ScanPrefix(contracts::AmlRuleListPrefix(), c.options.max_assets)) {
      auto list = contracts::DecodeAmlRules(v);
      if (!list) return RpcError::Internal("malformed AML rule list");
      add(*list);
    }
  }
  Json r = Json::Object();
  r.Set("height", c.node.chain().blocks().LastHeight().value_or(0));
  r.Set("holdExpiryBlocks", contracts::ReadHoldExpiryBlocks(state));
  r.Set("rules", rules);
  return r;
}

MethodResult ComplianceGetActivityRecords(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"fromId", "limit", "auth"})) return std::move(*e);
  auto from_id = p.GetOptionalUint64("fromId");
  if (!from_id) return std::move(from_id).error();
  auto limit = GetLimit(p, c.options.default_compliance_limit, c.options.max_compliance_limit);
  if (!limit) return std::move(limit).error();
  if (auto e = CheckReadAccess(c, p, "compliance_getActivityRecords", nullptr)) {
    return std::move(*e);
  }
  const StateStore& state = c.node.chain().state();
  AssetBook assets(state);
  const uint64_t first = std::max<uint64_t>(from_id->value_or(1), 1);
  auto found = state.ScanRange(contracts::ActivityRecordKey(first),
                               contracts::ActivityRecordPrefix(), *limit + 1);
  Json records = Json::Array();
  for (size_t i = 0; i < found.size() && i < *limit; ++i) {
    auto a = ActivityRecord::Decode(BE64At(found[i].first, 1), found[i].second);
    if (!a) return RpcError::Internal("malformed activity record");
    records.Push(ActivityJson(*a, assets));
  }
  Json r = Json::Object();
  r.Set("records", records);
  if (found.size() > *limit) {
    r.Set("nextFromId", BE64At(found[*limit].first, 1));
  } else {
    r.SetNull("nextFromId");
  }
  return r;
}

}  // namespace corridor::node::rpc_methods

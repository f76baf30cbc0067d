#include "chain/compliance_ops.h"

#include "chain/operation.h"

namespace corridor {

std::string_view AmlRuleKindName(AmlRuleKind kind) {
  switch (kind) {
    case AmlRuleKind::kThreshold:
      return "threshold";
    case AmlRuleKind::kVelocity:
      return "velocity";
  }
  return "unknown";
}

bool ParseAmlRuleKind(std::string_view name, AmlRuleKind& out) {
  for (uint8_t k = 1; k <= kMaxAmlRuleKind; ++k) {
    if (AmlRuleKindName(static_cast<AmlRuleKind>(k)) == name) {
      out = static_cast<AmlRuleKind>(k);
      return true;
    }
  }
  return false;
}

void AmlRuleSet::Encode(Writer& w) const {
  w.U64(rule_id);
  w.U8(static_cast<uint8_t>(kind));
  w.String(asset);
  w.String(from_jurisdiction);
  w.String(to_jurisdiction);
  w.U64(max_amount);
  w.U64(max_count);
  w.U64(window_blocks);
}

bool AmlRuleSet::Decode(Reader& r, AmlRuleSet& out) {
  r.U64(out.rule_id);
  uint8_t kind = 0;
  if (r.U8(kind) && (kind == 0 || kind > kMaxAmlRuleKind)) {
    return r.Fail("bad_rule_kind", "unknown AML rule kind " + std::to_string(kind));
  }
  out.kind = static_cast<AmlRuleKind>(kind);
  ReadAssetCode(r, out.asset);
  r.String(out.from_jurisdiction, 2);
  r.String(out.to_jurisdiction, 2);
  r.U64(out.max_amount);
  r.U64(out.max_count);
  r.U64(out.window_blocks);
  return r.ok();
}

void AmlRuleRemove::Encode(Writer& w) const {
  w.U64(rule_id);
}
bool AmlRuleRemove::Decode(Reader& r, AmlRuleRemove& out) {
  r.U64(out.rule_id);
  return r.ok();
}

void HoldApprove::Encode(Writer& w) const {
  w.U64(hold_id);
  w.String(reason);
}
bool HoldApprove::Decode(Reader& r, HoldApprove& out) {
  r.U64(out.hold_id);
  r.String(out.reason, kMaxHoldReasonBytes);
  return r.ok();
}

void HoldReject::Encode(Writer& w) const {
  w.U64(hold_id);
  w.String(reason);
}
bool HoldReject::Decode(Reader& r, HoldReject& out) {
  r.U64(out.hold_id);
  r.String(out.reason, kMaxHoldReasonBytes);
  return r.ok();
}

void AmlSetHoldExpiry::Encode(Writer& w) const {
  w.U64(blocks);
}
bool AmlSetHoldExpiry::Decode(Reader& r, AmlSetHoldExpiry& out) {
  r.U64(out.blocks);
  return r.ok();
}

}  // namespace corridor

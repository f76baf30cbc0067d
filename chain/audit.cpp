#include "chain/audit.h"

#include "chain/encoding.h"
#include "chain/limits.h"

namespace corridor {
namespace {

constexpr uint8_t kAuditFormat = 1;

}  // namespace

AuditCategory AuditCategoryOf(OpType type) {
  switch (type) {
    case OpType::kRegisterAccount:
    case OpType::kSetSigners:
      return AuditCategory::kAccount;
    case OpType::kGrantRole:
    case OpType::kRevokeRole:
      return AuditCategory::kRole;
    case OpType::kFreezeAccount:
    case OpType::kUnfreezeAccount:
    case OpType::kFreezeAsset:
    case OpType::kUnfreezeAsset:
      return AuditCategory::kFreeze;
    case OpType::kCreateAsset:
      return AuditCategory::kAsset;
    case OpType::kAmlRuleSet:
    case OpType::kAmlRuleRemove:
    case OpType::kAmlSetHoldExpiry:
      return AuditCategory::kAmlRule;
    case OpType::kHoldApprove:
    case OpType::kHoldReject:
      return AuditCategory::kHold;
    case OpType::kDisputeResolve:
      return AuditCategory::kDispute;
    case OpType::kHaltNetwork:
    case OpType::kResumeNetwork:
    case OpType::kSetRecoveryWindow:
      return AuditCategory::kNetwork;
    case OpType::kProposeValidatorChange:
    case OpType::kApproveProposal:
    case OpType::kProposeUpgrade:
      return AuditCategory::kGovernance;
    default:
      return AuditCategory::kNone;
  }
}

std::string_view AuditCategoryName(AuditCategory category) {
  switch (category) {
    case AuditCategory::kNone:
      return "none";
    case AuditCategory::kAccount:
      return "account";
    case AuditCategory::kRole:
      return "role";
    case AuditCategory::kFreeze:
      return "freeze";
    case AuditCategory::kAsset:
      return "asset";
    case AuditCategory::kAmlRule:
      return "aml_rule";
    case AuditCategory::kHold:
      return "hold";
    case AuditCategory::kDispute:
      return "dispute";
    case AuditCategory::kNetwork:
      return "network";
    case AuditCategory::kGovernance:
      return "governance";
  }
  return "none";
}

Bytes AuditRecord::EncodeValue() const {
  Writer w(64 + tx->size() + receipt.events.size() * 80);
  w.U8(kAuditFormat);
  w.U64(timestamp_ms);
  w.VarBytes(tx->encoded());
  receipt.Encode(w);
  return std::move(w).Take();
}

std::optional<AuditRecord> AuditRecord::DecodeValue(ByteSpan value, TxLocation location) {
  Reader r(value);
  uint8_t format = 0;
  if (!r.U8(format) || format != kAuditFormat) return std::nullopt;
  AuditRecord rec;
  rec.location = location;
  r.U64(rec.timestamp_ms);
  Bytes tx_bytes;
  if (!r.VarBytes(tx_bytes, kMaxTransactionBytes)) return std::nullopt;
  auto tx = Transaction::Decode(tx_bytes);
  if (!tx) return std::nullopt;
  rec.tx = std::move(*tx);
  if (!Receipt::Decode(r, rec.receipt) || !r.ExpectEnd()) return std::nullopt;
  if (rec.receipt.tx_id != rec.tx->id()) return std::nullopt;
  return rec;
}

}  // namespace corridor

#include "chain/governance_ops.h"

#include <string>

namespace corridor {

std::string_view ValidatorChangeKindName(ValidatorChangeKind kind) {
  switch (kind) {
    case ValidatorChangeKind::kAdd:
      return "add";
    case ValidatorChangeKind::kRemove:
      return "remove";
    case ValidatorChangeKind::kRekey:
      return "rekey";
  }
  return "unknown";
}

bool ParseValidatorChangeKind(std::string_view name, ValidatorChangeKind& out) {
  for (uint8_t k = 1; k <= kMaxValidatorChangeKind; ++k) {
    if (ValidatorChangeKindName(static_cast<ValidatorChangeKind>(k)) == name) {
      out = static_cast<ValidatorChangeKind>(k);
      return true;
    }
  }
  return false;
}

void ProposeValidatorChange::Encode(Writer& w) const {
  w.U8(static_cast<uint8_t>(kind));
  w.Fixed(validator.bytes);
  w.Fixed(new_key.bytes);
  w.Fixed(operator_account.bytes);
  w.U64(effective_height);
}

bool ProposeValidatorChange::Decode(Reader& r, ProposeValidatorChange& out) {
  uint8_t kind = 0;
  if (!r.U8(kind)) return false;
  if (kind == 0 || kind > kMaxValidatorChangeKind) {
    return r.Fail("bad_change_kind", "validator change kind " + std::to_string(kind) +
                                         " is not 1 (add), 2 (remove) or 3 (rekey)");
  }
  out.kind = static_cast<ValidatorChangeKind>(kind);
  r.Fixed(out.validator.bytes);
  r.Fixed(out.new_key.bytes);
  r.Fixed(out.operator_account.bytes);
  r.U64(out.effective_height);
  return r.ok();
}

void ApproveProposal::Encode(Writer& w) const {
  w.U64(proposal_id);
}
bool ApproveProposal::Decode(Reader& r, ApproveProposal& out) {
  return r.U64(out.proposal_id);
}

void ProposeUpgrade::Encode(Writer& w) const {
  w.U32(version);
  w.U64(activation_height);
}
bool ProposeUpgrade::Decode(Reader& r, ProposeUpgrade& out) {
  r.U32(out.version);
  r.U64(out.activation_height);
  return r.ok();
}

void SetRecoveryWindow::Encode(Writer& w) const {
  w.U32(blocks);
}
bool SetRecoveryWindow::Decode(Reader& r, SetRecoveryWindow& out) {
  return r.U32(out.blocks);
}

}  // namespace corridor

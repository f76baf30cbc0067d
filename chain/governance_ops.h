// Network governance operations (docs/state.md §3.11, docs/consensus.md
// "Validator set changes"): validator set changes and protocol upgrades by
// proposal and approval, halting and resuming ordinary transactions.
// Included by chain/operation.h; their meaning is in contracts/governance.cpp.
// The author's reason goes in the transaction memo (the audit trail).
#pragma once

#include <cstdint>
#include <string_view>

#include "chain/address.h"
#include "chain/encoding.h"
#include "chain/keys.h"

namespace corridor {

enum class OpType : uint16_t;

enum class ValidatorChangeKind : uint8_t {
  kAdd = 1,     // `validator` joins; `operator_account` runs it
  kRemove = 2,  // `validator` leaves
  kRekey = 3,   // `validator` is replaced by `new_key` at the same place, same operator
};
inline constexpr uint8_t kMaxValidatorChangeKind = 3;
std::string_view ValidatorChangeKindName(ValidatorChangeKind kind);  // "add", "remove", "rekey"
bool ParseValidatorChangeKind(std::string_view name, ValidatorChangeKind& out);

// A validator's operator account or the admin proposes a change of the
// validator set from `effective_height` on. Unused fields are zero: new_key
// unless rekey, operator_account unless add.
struct ProposeValidatorChange {
  static constexpr OpType kType = static_cast<OpType>(30);
  static constexpr std::string_view kName = "propose_validator_change";

  ValidatorChangeKind kind = ValidatorChangeKind::kAdd;
  PublicKey validator;
  PublicKey new_key;
  Address operator_account;
  uint64_t effective_height = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, ProposeValidatorChange& out);
  bool operator==(const ProposeValidatorChange&) const = default;
};

// A validator's operator account or the admin approves proposal `proposal_id`.
struct ApproveProposal {
  static constexpr OpType kType = static_cast<OpType>(31);
  static constexpr std::string_view kName = "approve_proposal";

  uint64_t proposal_id = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, ApproveProposal& out);
  bool operator==(const ApproveProposal&) const = default;
};

// Admin: stop ordinary transactions (docs/state.md §3.12). No payload.
struct HaltNetwork {
  static constexpr OpType kType = static_cast<OpType>(32);
  static constexpr std::string_view kName = "halt_network";

  void Encode(Writer&) const {}
  static bool Decode(Reader& r, HaltNetwork&) { return r.ok(); }
  bool operator==(const HaltNetwork&) const = default;
};

// Admin: end a halt; the recovery window follows. No payload.
struct ResumeNetwork {
  static constexpr OpType kType = static_cast<OpType>(33);
  static constexpr std::string_view kName = "resume_network";

  void Encode(Writer&) const {}
  static bool Decode(Reader& r, ResumeNetwork&) { return r.ok(); }
  bool operator==(const ResumeNetwork&) const = default;
};

// Proposes that blocks from `activation_height` on require protocol
// `version`; approved like a validator change.
struct ProposeUpgrade {
  static constexpr OpType kType = static_cast<OpType>(34);
  static constexpr std::string_view kName = "propose_upgrade";

  uint32_t version = 0;
  uint64_t activation_height = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, ProposeUpgrade& out);
  bool operator==(const ProposeUpgrade&) const = default;
};

inline constexpr uint32_t kMaxRecoveryWindowBlocks = 100'000;

// Admin: the length of the recovery window that follows a resume.
struct SetRecoveryWindow {
  static constexpr OpType kType = static_cast<OpType>(35);
  static constexpr std::string_view kName = "set_recovery_window";

  uint32_t blocks = 0;  // 0..kMaxRecoveryWindowBlocks

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, SetRecoveryWindow& out);
  bool operator==(const SetRecoveryWindow&) const = default;
};

}  // namespace corridor

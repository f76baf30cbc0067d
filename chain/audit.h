// The audit trail (docs/state.md §6, docs/rpc.md §8.22): every committed
// transaction whose operation is an administrative, compliance or governance
// action — account registration and keys, roles, freezes, asset creation,
// AML rules and hold decisions, dispute rulings, halt / resume and the
// recovery window, validator changes and upgrades — is also written to the
// audit index ('u' ‖ BE64 height ‖ BE32 position) when its block commits,
// successful or not (a refused attempt is part of the trail too).
//
// A record keeps the whole signed transaction (author, signer keys, the
// operation, the reason in its memo) and its receipt, so the trail survives
// block-body pruning (ChainStore::Options::retain_blocks) and is read
// without decoding blocks.
//
// Plain values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "chain/history.h"
#include "chain/receipt.h"
#include "chain/transaction.h"

namespace corridor {

// What kind of action an audited operation is; kNone for operations that
// are not audited (payments, mints, settlement, ...).
enum class AuditCategory : uint8_t {
  kNone = 0,
  kAccount = 1,     // register_account, set_signers
  kRole = 2,        // grant_role, revoke_role
  kFreeze = 3,      // freeze_account, unfreeze_account, freeze_asset, unfreeze_asset
  kAsset = 4,       // create_asset
  kAmlRule = 5,     // aml_rule_set, aml_rule_remove, aml_set_hold_expiry
  kHold = 6,        // hold_approve, hold_reject
  kDispute = 7,     // dispute_resolve
  kNetwork = 8,     // halt_network, resume_network, set_recovery_window
  kGovernance = 9,  // propose_validator_change, approve_proposal, propose_upgrade
};
inline constexpr uint8_t kMaxAuditCategory = 9;

AuditCategory AuditCategoryOf(OpType type);
// "account", "role", "freeze", "asset", "aml_rule", "hold", "dispute",
// "network", "governance"; "none" for kNone.
std::string_view AuditCategoryName(AuditCategory category);
inline bool IsAudited(OpType type) {
  return AuditCategoryOf(type) != AuditCategory::kNone;
}

struct AuditRecord {
  TxLocation location;        // from the index key
  uint64_t timestamp_ms = 0;  // the block's
  TransactionPtr tx;
  Receipt receipt;

  AuditCategory category() const { return AuditCategoryOf(TypeOf(tx->body().op)); }

  // The index value (the location is the key's).
  Bytes EncodeValue() const;
  // nullopt when `value` is not a well-formed record (bounded: a
  // transaction of at most kMaxTransactionBytes, at most kMaxReceiptEvents
  // events, nothing after them).
  static std::optional<AuditRecord> DecodeValue(ByteSpan value, TxLocation location);
};

}  // namespace corridor

// Event types carried in receipts (docs/state.md §5.2). Codes are stable.
// Field use per type (unused fields are zero/empty):
//   transfer          account=payer counterparty=payee asset amount
//   mint              account=credited counterparty=issuer asset amount
//   burn              account=debited asset amount
//   account_registered account detail=KYC level
//   role_granted / role_revoked  account detail=role code
//   signers_set       account amount=number of signers detail=threshold
//   asset_created     account=issuer asset detail=decimals
//   account_frozen / account_unfrozen  account
//   asset_frozen / asset_unfrozen      asset
//   rate_published    account=oracle asset=base amount=numerator detail=denominator
//                     (the quote asset and window are in the operation)
//   fx_converted      account=sender counterparty=receiver asset=source asset
//                     amount=source principal (before the fee) detail=fee (source
//                     asset); the balances move by the two transfer events
//                     emitted with it (sender->provider, provider->receiver)
//   liquidity_fee_set account=provider detail=fee in basis points
//   batch_settled     account=operator amount=trades detail=net movements
//   settlement_debit / settlement_credit
//                     account=trader asset amount=net amount (one per account
//                     and asset whose balance the batch changed)
//   batch_failed      (a failed settle_batch receipt's only event)
//                     account=the account at fault (zero when none)
//                     asset amount=index of the failing trade detail=code
//   escrow_created    account=escrow sender counterparty=receiver asset amount
//                     detail=escrow id (the amount moves available -> locked)
//   escrow_released   account=escrow sender counterparty=receiver asset amount
//                     detail=escrow id; the balance moves by the transfer event
//                     emitted with it (after locked -> available)
//   escrow_refunded   account=escrow sender counterparty=who cancelled (zero
//                     for the refund at the deadline) asset amount detail=escrow
//                     id (locked -> available of the sender)
//   dispute_opened    account=opener counterparty=the other party asset
//                     amount=disputed amount detail=dispute id
//   dispute_resolved  account=arbiter counterparty=payer asset amount=refunded
//                     (0: dismissed) detail=dispute id; a refund moves by the
//                     transfer event emitted with it (payee -> payer)
//   hold_placed / hold_released
//                     account=the account whose funds are held asset amount
//                     detail=dispute id (available <-> locked)
//   proposal_created  account=proposer amount=proposal id detail=kind (1 validator
//                     change, 2 upgrade)
//   proposal_approved account=approver amount=proposal id detail=validators whose
//                     operator has approved so far
//   validator_set_scheduled  account=the changed validator's operator amount=height
//                     from which the new set decides detail=its size
//   network_halted    account=admin amount=height
//   network_resumed   account=admin amount=first height open to everything
//                     (after the recovery window) detail=recovery window blocks
//   upgrade_scheduled account=proposer amount=activation height detail=version
//   recovery_window_set account=admin detail=blocks
//   aml_rule_set / aml_rule_removed
//                     account=compliance sender asset amount=max_amount
//                     detail=rule id
//   payment_held      account=payer asset amount=locked (available -> locked)
//                     detail=hold id; the receiver is not named, so the held
//                     payment is not in its history until approved
//   aml_rule_tripped  account=payer asset amount=the amount the rule looked
//                     at detail=rule id (emitted with payment_held)
//   hold_approved / hold_rejected
//                     account=payer counterparty=compliance decider asset
//                     amount=the held amount detail=hold id (locked ->
//                     available; an approval's payment moves by the events
//                     emitted after it)
//   hold_expired      account=payer asset amount detail=hold id (a system
//                     event: locked -> available at the deadline)
//   hold_expiry_set   account=compliance sender detail=blocks
#pragma once

#include <cstdint>
#include <string_view>

#include "chain/address.h"
#include "chain/receipt.h"

namespace corridor::contracts {

enum class EventType : uint16_t {
  kTransfer = 1,
  kMint = 2,
  kBurn = 3,
  kAccountRegistered = 4,
  kRoleGranted = 5,
  kRoleRevoked = 6,
  kSignersSet = 7,
  kAssetCreated = 8,
  kAccountFrozen = 9,
  kAccountUnfrozen = 10,
  kAssetFrozen = 11,
  kAssetUnfrozen = 12,
  kRatePublished = 13,
  kFxConverted = 14,
  kLiquidityFeeSet = 15,
  kBatchSettled = 16,
  kSettlementDebit = 17,
  kSettlementCredit = 18,
  kBatchFailed = 19,
  // 20-29: escrow and disputes.
  kEscrowCreated = 20,
  kEscrowReleased = 21,
  kEscrowRefunded = 22,
  kDisputeOpened = 23,
  kDisputeResolved = 24,
  kHoldPlaced = 25,
  kHoldReleased = 26,
  // 30-39: governance
  kProposalCreated = 30,
  kProposalApproved = 31,
  kValidatorSetScheduled = 32,
  kNetworkHalted = 33,
  kNetworkResumed = 34,
  kUpgradeScheduled = 35,
  kRecoveryWindowSet = 36,
  // 40-49: compliance (docs/state.md §3.14).
  kAmlRuleSet = 40,
  kAmlRuleRemoved = 41,
  kPaymentHeld = 42,
  kAmlRuleTripped = 43,
  kHoldApproved = 44,
  kHoldRejected = 45,
  kHoldExpired = 46,
  kHoldExpirySet = 47,
};

// Stable snake_case name ("transfer", "account_frozen"); "unknown" for other values.
std::string_view EventTypeName(uint16_t type);

// What one event does to `account`'s balance of `event.asset`: a transfer
// debits its account and credits its counterparty, a mint and a
// settlement_credit credit their account, a burn and a settlement_debit
// debit it; no other event moves a balance. The
// one place that gives events balance meaning (statements and history use
// it): an operation that moves balances must emit events this function knows.
struct BalanceEffect {
  uint64_t credit = 0;
  uint64_t debit = 0;
};
BalanceEffect EffectOn(const Event& event, const Address& account);

}  // namespace corridor::contracts

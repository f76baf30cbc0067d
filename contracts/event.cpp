#include "contracts/event.h"

namespace corridor::contracts {

std::string_view EventTypeName(uint16_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kTransfer:
      return "transfer";
    case EventType::kMint:
      return "mint";
    case EventType::kBurn:
      return "burn";
    case EventType::kAccountRegistered:
      return "account_registered";
    case EventType::kRoleGranted:
      return "role_granted";
    case EventType::kRoleRevoked:
      return "role_revoked";
    case EventType::kSignersSet:
      return "signers_set";
    case EventType::kAssetCreated:
      return "asset_created";
    case EventType::kAccountFrozen:
      return "account_frozen";
    case EventType::kAccountUnfrozen:
      return "account_unfrozen";
    case EventType::kAssetFrozen:
      return "asset_frozen";
    case EventType::kAssetUnfrozen:
      return "asset_unfrozen";
    case EventType::kRatePublished:
      return "rate_published";
    case EventType::kFxConverted:
      return "fx_converted";
    case EventType::kLiquidityFeeSet:
      return "liquidity_fee_set";
    case EventType::kBatchSettled:
      return "batch_settled";
    case EventType::kSettlementDebit:
      return "settlement_debit";
    case EventType::kSettlementCredit:
      return "settlement_credit";
    case EventType::kBatchFailed:
      return "batch_failed";
    case EventType::kEscrowCreated:
      return "escrow_created";
    case EventType::kEscrowReleased:
      return "escrow_released";
    case EventType::kEscrowRefunded:
      return "escrow_refunded";
    case EventType::kDisputeOpened:
      return "dispute_opened";
    case EventType::kDisputeResolved:
      return "dispute_resolved";
    case EventType::kHoldPlaced:
      return "hold_placed";
    case EventType::kHoldReleased:
      return "hold_released";
    case EventType::kProposalCreated:
      return "proposal_created";
    case EventType::kProposalApproved:
      return "proposal_approved";
    case EventType::kValidatorSetScheduled:
      return "validator_set_scheduled";
    case EventType::kNetworkHalted:
      return "network_halted";
    case EventType::kNetworkResumed:
      return "network_resumed";
    case EventType::kUpgradeScheduled:
      return "upgrade_scheduled";
    case EventType::kRecoveryWindowSet:
      return "recovery_window_set";
    case EventType::kAmlRuleSet:
      return "aml_rule_set";
    case EventType::kAmlRuleRemoved:
      return "aml_rule_removed";
    case EventType::kPaymentHeld:
      return "payment_held";
    case EventType::kAmlRuleTripped:
      return "aml_rule_tripped";
    case EventType::kHoldApproved:
      return "hold_approved";
    case EventType::kHoldRejected:
      return "hold_rejected";
    case EventType::kHoldExpired:
      return "hold_expired";
    case EventType::kHoldExpirySet:
      return "hold_expiry_set";
  }
  return "unknown";
}

BalanceEffect EffectOn(const Event& event, const Address& account) {
  BalanceEffect e;
  switch (static_cast<EventType>(event.type)) {
    case EventType::kTransfer:
      if (event.account == account) e.debit = event.amount;
      if (event.counterparty == account) e.credit = event.amount;
      break;
    case EventType::kMint:
    case EventType::kSettlementCredit:
      if (event.account == account) e.credit = event.amount;
      break;
    case EventType::kSettlementDebit:
    case EventType::kBurn:
      if (event.account == account) e.debit = event.amount;
      break;
    default:
      break;
  }
  return e;
}

}  // namespace corridor::contracts

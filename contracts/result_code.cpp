#include "contracts/result_code.h"

namespace corridor::contracts {

ResultClass ClassOf(ResultCode code) {
  auto v = static_cast<uint16_t>(code);
  if (v == 0) return ResultClass::kSuccess;
  if (code == ResultCode::kHeld) return ResultClass::kHeld;
  if (v < 200) return ResultClass::kMalformed;
  if (v < 300) return ResultClass::kNotValidNow;
  return ResultClass::kFailed;
}

std::string_view NameOf(ResultCode code) {
  switch (code) {
    case ResultCode::kSuccess:
      return "success";
    case ResultCode::kWrongChain:
      return "wrong_chain";
    case ResultCode::kBadSignature:
      return "bad_signature";
    case ResultCode::kZeroAmount:
      return "zero_amount";
    case ResultCode::kSelfPayment:
      return "self_payment";
    case ResultCode::kBadSignerList:
      return "bad_signer_list";
    case ResultCode::kBadField:
      return "bad_field";
    case ResultCode::kNonceTooLow:
      return "nonce_too_low";
    case ResultCode::kNonceTooHigh:
      return "nonce_too_high";
    case ResultCode::kExpired:
      return "expired";
    case ResultCode::kUnknownSender:
      return "unknown_sender";
    case ResultCode::kInsufficientSignatureWeight:
      return "insufficient_signature_weight";
    case ResultCode::kUnauthorizedSigner:
      return "unauthorized_signer";
    case ResultCode::kUnauthorizedRole:
      return "unauthorized_role";
    case ResultCode::kSenderFrozen:
      return "sender_frozen";
    case ResultCode::kUnknownAccount:
      return "unknown_account";
    case ResultCode::kReceiverFrozen:
      return "receiver_frozen";
    case ResultCode::kUnknownAsset:
      return "unknown_asset";
    case ResultCode::kAssetFrozen:
      return "asset_frozen";
    case ResultCode::kInsufficientBalance:
      return "insufficient_balance";
    case ResultCode::kOverflow:
      return "overflow";
    case ResultCode::kAccountExists:
      return "account_exists";
    case ResultCode::kAssetExists:
      return "asset_exists";
    case ResultCode::kNotAssetIssuer:
      return "not_asset_issuer";
    case ResultCode::kIssuerNotEligible:
      return "issuer_not_eligible";
    case ResultCode::kNoChange:
      return "no_change";
    case ResultCode::kCannotRevokeOwnAdmin:
      return "cannot_revoke_own_admin";
    case ResultCode::kStaleRate:
      return "stale_rate";
    case ResultCode::kNoRate:
      return "no_rate";
    case ResultCode::kSlippageExceeded:
      return "slippage_exceeded";
    case ResultCode::kInsufficientLiquidity:
      return "insufficient_liquidity";
    case ResultCode::kNotLiquidityProvider:
      return "not_liquidity_provider";
    case ResultCode::kLiquidityProviderFrozen:
      return "liquidity_provider_frozen";
    case ResultCode::kBatchAlreadySettled:
      return "batch_already_settled";
    case ResultCode::kKycRequired:
      return "kyc_required";
    case ResultCode::kDuplicateReference:
      return "duplicate_reference";
    case ResultCode::kNotCustody:
      return "not_custody";
    case ResultCode::kBadTrade:
      return "bad_trade";
    case ResultCode::kTraderFrozen:
      return "trader_frozen";
    case ResultCode::kEscrowNotFound:
      return "escrow_not_found";
    case ResultCode::kAlreadyClosed:
      return "already_closed";
    case ResultCode::kEscrowExpired:
      return "escrow_expired";
    case ResultCode::kNotParty:
      return "not_party";
    case ResultCode::kWrongPreimage:
      return "wrong_preimage";
    case ResultCode::kNotArbiter:
      return "not_arbiter";
    case ResultCode::kPaymentNotFound:
      return "payment_not_found";
    case ResultCode::kAlreadyDisputed:
      return "already_disputed";
    case ResultCode::kDisputeNotFound:
      return "dispute_not_found";
    case ResultCode::kExceedsDisputedAmount:
      return "exceeds_disputed_amount";
    case ResultCode::kNotGovernor:
      return "not_governor";
    case ResultCode::kEffectiveHeightTooSoon:
      return "effective_height_too_soon";
    case ResultCode::kUnknownProposal:
      return "unknown_proposal";
    case ResultCode::kAlreadyApproved:
      return "already_approved";
    case ResultCode::kProposalClosed:
      return "proposal_closed";
    case ResultCode::kValidatorExists:
      return "validator_exists";
    case ResultCode::kUnknownValidator:
      return "unknown_validator";
    case ResultCode::kLastValidator:
      return "last_validator";
    case ResultCode::kScheduleConflict:
      return "schedule_conflict";
    case ResultCode::kNetworkHalted:
      return "network_halted";
    case ResultCode::kRecoveryWindow:
      return "recovery_window";
    case ResultCode::kVersionNotNewer:
      return "version_not_newer";
    case ResultCode::kHeld:
      return "held";
    case ResultCode::kRuleNotFound:
      return "rule_not_found";
    case ResultCode::kHoldNotFound:
      return "hold_not_found";
    case ResultCode::kHoldClosed:
      return "hold_closed";
    case ResultCode::kTooManyRules:
      return "too_many_rules";
  }
  return "unknown";
}

}  // namespace corridor::contracts

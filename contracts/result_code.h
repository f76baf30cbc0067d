// Stable result codes for transactions (docs/state.md §5).
//
// Every transaction a node looks at gets exactly one code. The hundreds digit
// is its class, in the spirit of XRPL's tem/ter/tec:
//   0        success          applied; nonce consumed; events emitted.
//   1xx      malformed        can never apply (wrong chain, bad signature,
//                             bad field). NOT includable.
//   2xx      not valid now    bad nonce, expired, unknown sender, signatures
//                             below the sender's threshold. NOT includable;
//                             a nonce gap may become valid later (mempool).
//   3xx      applied, failed  included in the block, nonce consumed, nothing
//                             else changed (unauthorised role, frozen, balance,
//                             overflow...). The transaction is final.
//   360      held             a payment an AML rule stopped: included, nonce
//                             consumed, its funds locked in the sender's
//                             balance until compliance approves or rejects it
//                             or the hold expires (docs/state.md §3.14).
// A block holding a transaction whose code is 1xx or 2xx is invalid.
// Codes and names never change meaning; new ones are appended.
#pragma once

#include <cstdint>
#include <string_view>

namespace corridor::contracts {

enum class ResultCode : uint16_t {
  kSuccess = 0,

  kWrongChain = 100,
  kBadSignature = 101,
  kZeroAmount = 102,
  kSelfPayment = 103,
  kBadSignerList = 104,
  kBadField = 105,

  kNonceTooLow = 200,
  kNonceTooHigh = 201,
  kExpired = 202,
  kUnknownSender = 203,
  kInsufficientSignatureWeight = 204,
  kUnauthorizedSigner = 205,

  kUnauthorizedRole = 300,
  kSenderFrozen = 301,
  kUnknownAccount = 302,
  kReceiverFrozen = 303,
  kUnknownAsset = 304,
  kAssetFrozen = 305,
  kInsufficientBalance = 306,
  kOverflow = 307,
  kAccountExists = 308,
  kAssetExists = 309,
  kNotAssetIssuer = 310,
  kIssuerNotEligible = 311,
  kNoChange = 312,
  kCannotRevokeOwnAdmin = 313,
  kStaleRate = 314,
  kNoRate = 315,
  kSlippageExceeded = 316,
  kInsufficientLiquidity = 317,
  kNotLiquidityProvider = 318,
  kLiquidityProviderFrozen = 319,
  kBatchAlreadySettled = 320,
  kKycRequired = 321,
  kDuplicateReference = 322,
  kNotCustody = 323,
  kBadTrade = 324,
  kTraderFrozen = 325,
  // 330-339: escrow and disputes (docs/state.md §3.8, §3.9).
  kEscrowNotFound = 330,
  kAlreadyClosed = 331,
  kEscrowExpired = 332,
  kNotParty = 333,
  kWrongPreimage = 334,
  kNotArbiter = 335,
  kPaymentNotFound = 336,
  kAlreadyDisputed = 337,
  kDisputeNotFound = 338,
  kExceedsDisputedAmount = 339,

  // 340-359: governance (docs/state.md §3.11-§3.13)
  kNotGovernor = 340,
  kEffectiveHeightTooSoon = 341,
  kUnknownProposal = 342,
  kAlreadyApproved = 343,
  kProposalClosed = 344,
  kValidatorExists = 345,
  kUnknownValidator = 346,
  kLastValidator = 347,
  kScheduleConflict = 348,
  kNetworkHalted = 349,
  kRecoveryWindow = 350,
  kVersionNotNewer = 351,
  // 360-379: compliance (docs/state.md §3.14). kHeld is its own class: the
  // transaction applied as a hold (funds locked, review queue), not failed.
  kHeld = 360,
  kRuleNotFound = 361,
  kHoldNotFound = 362,
  kHoldClosed = 363,
  kTooManyRules = 364,
};

enum class ResultClass : uint8_t { kSuccess, kMalformed, kNotValidNow, kFailed, kHeld };

ResultClass ClassOf(ResultCode code);
// The short stable name ("insufficient_balance"); "unknown" for other values.
std::string_view NameOf(ResultCode code);
// True for success, held and 3xx: the transaction may be (and, once chosen,
// is) in a block.
inline bool IsIncludable(ResultCode code) {
  auto c = ClassOf(code);
  return c == ResultClass::kSuccess || c == ResultClass::kFailed || c == ResultClass::kHeld;
}
// True when the operation's state changes are kept: success, or held.
inline bool KeepsChanges(ResultCode code) {
  return code == ResultCode::kSuccess || code == ResultCode::kHeld;
}

}  // namespace corridor::contracts

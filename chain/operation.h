// Typed operations: the one action a transaction performs (docs/protocol.md §6).
//
// Each operation is a plain struct with a stable numeric type code, an
// encoder and a decoder. `Operation` is the variant of all of them. The chain
// layer knows their shapes only; contracts/ gives them meaning.
//
// To add an operation: define the struct with kType/kName, Encode and Decode,
// add it to the Operation variant, and document it in docs/protocol.md §6.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chain/address.h"
#include "chain/amount.h"
#include "chain/compliance_ops.h"
#include "chain/encoding.h"
#include "chain/governance_ops.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/limits.h"
#include "chain/result.h"

namespace corridor {

// Type codes are part of the transaction encoding: never reuse or renumber.
// Payload layouts, byte by byte: docs/state.md §4.
enum class OpType : uint16_t {
  kPayment = 1,
  kRegisterAccount = 2,
  kGrantRole = 3,
  kRevokeRole = 4,
  kSetSigners = 5,
  kCreateAsset = 6,
  kMint = 7,
  kBurn = 8,
  kFreezeAccount = 9,
  kUnfreezeAccount = 10,
  kFreezeAsset = 11,
  kUnfreezeAsset = 12,
  kPublishRate = 13,
  kFxPayment = 14,
  kSetLiquidityFee = 15,
  kSettleBatch = 16,
  kExchangeDeposit = 17,
  kExchangeWithdrawal = 18,
  // 20-29: escrow and disputes (docs/state.md §3.8, §3.9).
  kEscrowCreate = 20,
  kEscrowRelease = 21,
  kEscrowCancel = 22,
  kDisputeOpen = 23,
  kDisputeResolve = 24,
  // 30-39: governance (chain/governance_ops.h)
  kProposeValidatorChange = 30,
  kApproveProposal = 31,
  kHaltNetwork = 32,
  kResumeNetwork = 33,
  kProposeUpgrade = 34,
  kSetRecoveryWindow = 35,
  // 40-49: compliance (chain/compliance_ops.h, docs/state.md §3.14)
  kAmlRuleSet = 40,
  kAmlRuleRemove = 41,
  kHoldApprove = 42,
  kHoldReject = 43,
  kAmlSetHoldExpiry = 44,
};

// On-chain roles (docs/state.md §3.1). Codes are stable; an account's roles
// are a bit set with bit (1 << code).
enum class Role : uint8_t {
  kAdmin = 0,
  kIssuer = 1,
  kCompliance = 2,
  kOperator = 3,
  kOracle = 4,
  kValidator = 5,
  kArbiter = 6,
  kLiquidityProvider = 7,
  kCustody = 8,
};
inline constexpr uint8_t kMaxRoleCode = 8;
bool IsValidRole(uint8_t code);
std::string_view RoleName(Role role);  // "admin", ...; "unknown" otherwise
// Parses a role name ("issuer") into its code; false when unknown.
bool ParseRole(std::string_view name, Role& out);

inline constexpr uint8_t kMaxKycLevel = 3;
inline constexpr size_t kMaxDisplayNameBytes = 64;
// kMaxAssetDecimals (18) lives in chain/amount.h.

// ISO 3166-1 alpha-2 shape: exactly two characters A-Z.
bool IsValidJurisdiction(std::string_view code);

// Asset codes: 1..12 characters of A-Z and 0-9 ("USD", "EUR", "USDT").
bool IsValidAssetCode(std::string_view code);
// Reads a length-prefixed asset code and checks its alphabet.
bool ReadAssetCode(Reader& r, std::string& out);

// Move `amount` (in the asset's smallest unit) of `asset` from the sender to `to`.
struct Payment {
  static constexpr OpType kType = OpType::kPayment;
  static constexpr std::string_view kName = "payment";

  Address to;
  std::string asset;
  uint64_t amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Payment& out);
  bool operator==(const Payment&) const = default;
};

// Admin or compliance: create the account record for `account`.
struct RegisterAccount {
  static constexpr OpType kType = OpType::kRegisterAccount;
  static constexpr std::string_view kName = "register_account";

  Address account;
  uint8_t kyc_level = 0;     // 0..kMaxKycLevel
  std::string jurisdiction;  // ISO 3166-1 alpha-2, e.g. "SG"
  std::string display_name;  // optional, printable UTF-8, <= kMaxDisplayNameBytes

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, RegisterAccount& out);
  bool operator==(const RegisterAccount&) const = default;
};

// Admin only: add or remove one role of `account`.
struct GrantRole {
  static constexpr OpType kType = OpType::kGrantRole;
  static constexpr std::string_view kName = "grant_role";

  Address account;
  Role role = Role::kAdmin;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, GrantRole& out);
  bool operator==(const GrantRole&) const = default;
};

struct RevokeRole {
  static constexpr OpType kType = OpType::kRevokeRole;
  static constexpr std::string_view kName = "revoke_role";

  Address account;
  Role role = Role::kAdmin;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, RevokeRole& out);
  bool operator==(const RevokeRole&) const = default;
};

struct SignerEntry {
  PublicKey key;
  uint32_t weight = 0;
  bool operator==(const SignerEntry&) const = default;
};

// Replace the sender's signer list. An empty list with threshold 0 restores
// the default: the single key whose address is the account.
struct SetSigners {
  static constexpr OpType kType = OpType::kSetSigners;
  static constexpr std::string_view kName = "set_signers";

  uint32_t threshold = 0;
  std::vector<SignerEntry> signers;  // strictly ascending by key, at most kMaxSignatures

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, SetSigners& out);
  bool operator==(const SetSigners&) const = default;
};

// Admin, or an issuer for itself: create asset `code` issued by `issuer`.
struct CreateAsset {
  static constexpr OpType kType = OpType::kCreateAsset;
  static constexpr std::string_view kName = "create_asset";

  std::string code;
  uint8_t decimals = 0;  // 0..kMaxAssetDecimals
  Address issuer;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, CreateAsset& out);
  bool operator==(const CreateAsset&) const = default;
};

// The asset's issuer creates `amount` new units in `to`'s balance.
struct Mint {
  static constexpr OpType kType = OpType::kMint;
  static constexpr std::string_view kName = "mint";

  Address to;
  std::string asset;
  uint64_t amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Mint& out);
  bool operator==(const Mint&) const = default;
};

// Destroy `amount` units from the sender's own balance: the issuer's own, or
// a holder's (a withdrawal: the holder signs).
struct Burn {
  static constexpr OpType kType = OpType::kBurn;
  static constexpr std::string_view kName = "burn";

  std::string asset;
  uint64_t amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Burn& out);
  bool operator==(const Burn&) const = default;
};

// Compliance only. The reason goes in the transaction memo.
struct FreezeAccount {
  static constexpr OpType kType = OpType::kFreezeAccount;
  static constexpr std::string_view kName = "freeze_account";
  Address account;
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, FreezeAccount& out);
  bool operator==(const FreezeAccount&) const = default;
};

struct UnfreezeAccount {
  static constexpr OpType kType = OpType::kUnfreezeAccount;
  static constexpr std::string_view kName = "unfreeze_account";
  Address account;
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, UnfreezeAccount& out);
  bool operator==(const UnfreezeAccount&) const = default;
};

struct FreezeAsset {
  static constexpr OpType kType = OpType::kFreezeAsset;
  static constexpr std::string_view kName = "freeze_asset";
  std::string asset;
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, FreezeAsset& out);
  bool operator==(const FreezeAsset&) const = default;
};

struct UnfreezeAsset {
  static constexpr OpType kType = OpType::kUnfreezeAsset;
  static constexpr std::string_view kName = "unfreeze_asset";
  std::string asset;
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, UnfreezeAsset& out);
  bool operator==(const UnfreezeAsset&) const = default;
};

// Oracle only: the exchange rate of the pair (base, quote), in force for
// block heights valid_from..valid_until inclusive (docs/state.md §3.2).
// The rate is the exact rational numerator / denominator of QUOTE MINOR
// UNITS per BASE MINOR UNIT, so the assets' decimals are already in it
// (1 USD = 0.92 EUR, both 2 decimals: 92/100; 1 USD = 0.92 of a 6-decimal
// asset: 920000/100 = 9200/1). Never floating point.
struct PublishRate {
  static constexpr OpType kType = OpType::kPublishRate;
  static constexpr std::string_view kName = "publish_rate";

  std::string base;
  std::string quote;
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  uint64_t valid_from = 0;   // first height at which the rate may be used
  uint64_t valid_until = 0;  // last height at which the rate may be used

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, PublishRate& out);
  bool operator==(const PublishRate&) const = default;
};

// Cross-border payment (docs/state.md §3.3): `to` receives exactly
// `dest_amount` of `dest_asset`; the sender pays `source_asset` at the
// pair's published rate (source_asset/dest_asset) plus the liquidity
// provider's fee, at most `max_source_amount` in all, else nothing moves
// (slippage_exceeded). The liquidity provider is debited the destination
// asset and credited the source asset.
struct FxPayment {
  static constexpr OpType kType = OpType::kFxPayment;
  static constexpr std::string_view kName = "fx_payment";

  Address to;
  std::string source_asset;
  std::string dest_asset;
  uint64_t dest_amount = 0;
  uint64_t max_source_amount = 0;
  Address liquidity_provider;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, FxPayment& out);
  bool operator==(const FxPayment&) const = default;
};

inline constexpr uint16_t kMaxFeeBps = 10'000;

// A liquidity provider sets the fee, in basis points of the source amount,
// that it charges on every fx_payment it serves (0 until set).
struct SetLiquidityFee {
  static constexpr OpType kType = OpType::kSetLiquidityFee;
  static constexpr std::string_view kName = "set_liquidity_fee";

  uint16_t fee_bps = 0;  // 0..kMaxFeeBps

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, SetLiquidityFee& out);
  bool operator==(const SetLiquidityFee&) const = default;
};

// Identifiers chosen by the exchange's systems (batch ids, trade ids,
// deposit/withdrawal references): 1..64 bytes of printable ASCII.
inline constexpr size_t kMaxExternalIdBytes = 64;
bool IsValidExternalId(std::string_view id);

// One matched trade of a settlement batch: the buyer receives base_amount of
// base_asset from the seller, the seller receives quote_amount of quote_asset
// from the buyer.
struct Trade {
  std::string trade_id;
  Address buyer;
  Address seller;
  std::string base_asset;
  uint64_t base_amount = 0;
  std::string quote_asset;
  uint64_t quote_amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Trade& out);
  bool operator==(const Trade&) const = default;
};

inline constexpr size_t kMaxBatchTrades = 20'000;

// Delivery versus payment for a batch of matched trades (docs/state.md §3.6),
// sent by the `operator` role: all trades apply or none does; balances move by
// each account's net amount per asset; a batch id applies at most once.
struct SettleBatch {
  static constexpr OpType kType = OpType::kSettleBatch;
  static constexpr std::string_view kName = "settle_batch";

  std::string batch_id;
  std::vector<Trade> trades;  // 1..kMaxBatchTrades

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, SettleBatch& out);
  bool operator==(const SettleBatch&) const = default;
};

// A user moves funds into the exchange's custody account; `reference` links
// the movement to the exchange's off-chain ledger and is unique per custody
// account (a repeated reference fails, so a resubmission cannot credit twice).
struct ExchangeDeposit {
  static constexpr OpType kType = OpType::kExchangeDeposit;
  static constexpr std::string_view kName = "exchange_deposit";

  Address custody;
  std::string asset;
  uint64_t amount = 0;
  std::string reference;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, ExchangeDeposit& out);
  bool operator==(const ExchangeDeposit&) const = default;
};

// The custody account (role `custody`) pays a user out; same reference rule.
struct ExchangeWithdrawal {
  static constexpr OpType kType = OpType::kExchangeWithdrawal;
  static constexpr std::string_view kName = "exchange_withdrawal";

  Address to;
  std::string asset;
  uint64_t amount = 0;
  std::string reference;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, ExchangeWithdrawal& out);
  bool operator==(const ExchangeWithdrawal&) const = default;
};

// Escrow (docs/state.md §3.8): the sender locks `amount` of `asset` for `to`
// until it is released (by the sender, the named arbiter, or anyone holding
// the preimage of `hash_lock`), cancelled (by the sender, the receiver or the
// arbiter) or refunded automatically at the first block with height >=
// `deadline_height`. A zero `arbiter` / `hash_lock` means none.
struct EscrowCreate {
  static constexpr OpType kType = OpType::kEscrowCreate;
  static constexpr std::string_view kName = "escrow_create";

  Address to;
  std::string asset;
  uint64_t amount = 0;
  Address arbiter;  // zero: no arbiter
  Hash hash_lock;   // SHA-256 of the preimage; zero: no hash lock
  uint64_t deadline_height = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, EscrowCreate& out);
  bool operator==(const EscrowCreate&) const = default;
};

inline constexpr size_t kMaxPreimageBytes = 256;

// Pays an open escrow out to its receiver. `preimage` (0..kMaxPreimageBytes;
// empty: none) must hash to the escrow's hash lock when given.
struct EscrowRelease {
  static constexpr OpType kType = OpType::kEscrowRelease;
  static constexpr std::string_view kName = "escrow_release";

  uint64_t escrow_id = 0;
  Bytes preimage;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, EscrowRelease& out);
  bool operator==(const EscrowRelease&) const = default;
};

// Refunds an open escrow to its sender (the sender cancels, the receiver
// declines, or the arbiter cancels).
struct EscrowCancel {
  static constexpr OpType kType = OpType::kEscrowCancel;
  static constexpr std::string_view kName = "escrow_cancel";

  uint64_t escrow_id = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, EscrowCancel& out);
  bool operator==(const EscrowCancel&) const = default;
};

inline constexpr size_t kMaxDisputeReasonBytes = 256;

// A party of a committed payment disputes `amount` (1..the payment's amount)
// of it (docs/state.md §3.9). With `hold`, that amount is locked in the
// payee's balance until the dispute is resolved.
struct DisputeOpen {
  static constexpr OpType kType = OpType::kDisputeOpen;
  static constexpr std::string_view kName = "dispute_open";

  Hash payment_tx;
  uint64_t amount = 0;
  bool hold = false;
  std::string reason;  // 1..kMaxDisputeReasonBytes of printable UTF-8

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, DisputeOpen& out);
  bool operator==(const DisputeOpen&) const = default;
};

// An arbiter resolves an open dispute: refund_amount > 0 orders that much paid
// back from the payee to the payer; 0 dismisses it. Either way a hold is
// released.
struct DisputeResolve {
  static constexpr OpType kType = OpType::kDisputeResolve;
  static constexpr std::string_view kName = "dispute_resolve";

  uint64_t dispute_id = 0;
  uint64_t refund_amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, DisputeResolve& out);
  bool operator==(const DisputeResolve&) const = default;
};

using Operation =
    std::variant<Payment, RegisterAccount, GrantRole, RevokeRole, SetSigners, CreateAsset, Mint,
                 Burn, FreezeAccount, UnfreezeAccount, FreezeAsset, UnfreezeAsset, PublishRate,
                 FxPayment, SetLiquidityFee, SettleBatch, ExchangeDeposit, ExchangeWithdrawal,
                 EscrowCreate, EscrowRelease, EscrowCancel, DisputeOpen, DisputeResolve,
                 ProposeValidatorChange, ApproveProposal, HaltNetwork, ResumeNetwork,
                 ProposeUpgrade, SetRecoveryWindow, AmlRuleSet, AmlRuleRemove, HoldApprove,
                 HoldReject, AmlSetHoldExpiry>;
static_assert(ProposeValidatorChange::kType == OpType::kProposeValidatorChange &&
              ApproveProposal::kType == OpType::kApproveProposal &&
              HaltNetwork::kType == OpType::kHaltNetwork &&
              ResumeNetwork::kType == OpType::kResumeNetwork &&
              ProposeUpgrade::kType == OpType::kProposeUpgrade &&
              SetRecoveryWindow::kType == OpType::kSetRecoveryWindow);
static_assert(AmlRuleSet::kType == OpType::kAmlRuleSet &&
              AmlRuleRemove::kType == OpType::kAmlRuleRemove &&
              HoldApprove::kType == OpType::kHoldApprove &&
              HoldReject::kType == OpType::kHoldReject &&
              AmlSetHoldExpiry::kType == OpType::kAmlSetHoldExpiry);

OpType TypeOf(const Operation& op);
std::string_view NameOf(const Operation& op);
std::string_view OpTypeName(OpType type);  // "unknown" for codes not in this build

// Writes the type code (u16) and the payload as varint-length bytes.
void EncodeOperation(Writer& w, const Operation& op);
// Reads what EncodeOperation wrote; the payload must be consumed exactly.
bool DecodeOperation(Reader& r, Operation& out);

}  // namespace corridor

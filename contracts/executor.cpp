#include "contracts/executor.h"

#include <algorithm>
#include <limits>

#include "chain/limits.h"
#include "contracts/aml_state.h"
#include "contracts/escrow_state.h"
#include "contracts/event.h"
#include "contracts/ledger.h"
#include "contracts/op_context.h"

namespace corridor::contracts {

namespace internal {

ResultCode Pay(OpContext& c, const Address& from, const Address& to, const std::string& asset_code,
               uint64_t amount) {
  using RC = ResultCode;
  auto asset = c.ledger.GetAsset(asset_code);
  if (!asset) return RC::kUnknownAsset;
  if (asset->frozen) return RC::kAssetFrozen;
  auto to_acc = c.ledger.GetAccount(to);
  if (!to_acc) return RC::kUnknownAccount;
  if (to_acc->frozen) return RC::kReceiverFrozen;
  Balance from_bal = c.ledger.GetBalance(from, asset_code);
  if (from_bal.available < amount) return RC::kInsufficientBalance;
  Balance to_bal = c.ledger.GetBalance(to, asset_code);
  if (!CheckedAdd(to_bal.available, amount, to_bal.available)) return RC::kOverflow;
  from_bal.available -= amount;
  c.ledger.PutBalance(from, asset_code, from_bal);
  c.ledger.PutBalance(to, asset_code, to_bal);
  Event e = MakeEvent(EventType::kTransfer, from);
  e.counterparty = to;
  e.asset = asset_code;
  e.amount = amount;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

}  // namespace internal

namespace {

using RC = ResultCode;
using internal::CheckedAdd;
using internal::MakeEvent;
using internal::OpContext;

__extension__ typedef unsigned __int128 U128;

// ceil(a / b). REQUIRES: b > 0.
U128 CeilDiv(U128 a, U128 b) {
  return a / b + (a % b != 0 ? 1 : 0);
}

// ---- stateless checks (1xx)

RC CheckSigners(const SetSigners& op) {
  if (op.signers.empty()) return op.threshold == 0 ? RC::kSuccess : RC::kBadSignerList;
  if (op.signers.size() > kMaxSignatures || op.threshold == 0) return RC::kBadSignerList;
  uint64_t total = 0;
  for (size_t i = 0; i < op.signers.size(); ++i) {
    const auto& s = op.signers[i];
    if (s.weight == 0) return RC::kBadSignerList;
    if (i > 0 && !(op.signers[i - 1].key < s.key)) return RC::kBadSignerList;
    if (!s.key.IsValid()) return RC::kBadSignerList;
    total += s.weight;  // <= 16 * 2^32: no overflow in 64 bits
  }
  return total >= op.threshold ? RC::kSuccess : RC::kBadSignerList;
}

struct StatelessCheck {
  const Address& sender;
  RC operator()(const Payment& op) const {
    if (!IsValidAssetCode(op.asset) || op.to.IsZero()) return RC::kBadField;
    if (op.amount == 0) return RC::kZeroAmount;
    if (op.to == sender) return RC::kSelfPayment;
    return RC::kSuccess;
  }
  RC operator()(const RegisterAccount& op) const {
    if (op.account.IsZero() || op.kyc_level > kMaxKycLevel ||
        !IsValidJurisdiction(op.jurisdiction) || op.display_name.size() > kMaxDisplayNameBytes ||
        !IsPrintableUtf8(op.display_name)) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
  RC operator()(const GrantRole& op) const {
    return IsValidRole(static_cast<uint8_t>(op.role)) ? RC::kSuccess : RC::kBadField;
  }
  RC operator()(const RevokeRole& op) const {
    return IsValidRole(static_cast<uint8_t>(op.role)) ? RC::kSuccess : RC::kBadField;
  }
  RC operator()(const SetSigners& op) const { return CheckSigners(op); }
  RC operator()(const CreateAsset& op) const {
    if (!IsValidAssetCode(op.code) || op.decimals > kMaxAssetDecimals || op.issuer.IsZero()) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
  RC operator()(const Mint& op) const {
    if (!IsValidAssetCode(op.asset) || op.to.IsZero()) return RC::kBadField;
    return op.amount == 0 ? RC::kZeroAmount : RC::kSuccess;
  }
  RC operator()(const Burn& op) const {
    if (!IsValidAssetCode(op.asset)) return RC::kBadField;
    return op.amount == 0 ? RC::kZeroAmount : RC::kSuccess;
  }
  RC operator()(const FreezeAccount&) const { return RC::kSuccess; }
  RC operator()(const UnfreezeAccount&) const { return RC::kSuccess; }
  RC operator()(const FreezeAsset& op) const {
    return IsValidAssetCode(op.asset) ? RC::kSuccess : RC::kBadField;
  }
  RC operator()(const UnfreezeAsset& op) const {
    return IsValidAssetCode(op.asset) ? RC::kSuccess : RC::kBadField;
  }
  RC operator()(const FxPayment& op) const {
    if (!IsValidAssetCode(op.source_asset) || !IsValidAssetCode(op.dest_asset) ||
        op.source_asset == op.dest_asset || op.to.IsZero() || op.liquidity_provider.IsZero() ||
        op.liquidity_provider == sender || op.liquidity_provider == op.to) {
      return RC::kBadField;
    }
    if (op.dest_amount == 0 || op.max_source_amount == 0) return RC::kZeroAmount;
    if (op.to == sender) return RC::kSelfPayment;
    return RC::kSuccess;
  }
  RC operator()(const SetLiquidityFee& op) const {
    return op.fee_bps <= kMaxFeeBps ? RC::kSuccess : RC::kBadField;
  }
  RC operator()(const SettleBatch& op) const {
    // Per-trade checks are 3xx (the receipt names the trade): settlement.cpp.
    if (!IsValidExternalId(op.batch_id) || op.trades.empty() ||
        op.trades.size() > kMaxBatchTrades) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
  RC operator()(const ExchangeDeposit& op) const {
    if (!IsValidAssetCode(op.asset) || op.custody.IsZero() || !IsValidExternalId(op.reference)) {
      return RC::kBadField;
    }
    if (op.amount == 0) return RC::kZeroAmount;
    if (op.custody == sender) return RC::kSelfPayment;
    return RC::kSuccess;
  }
  RC operator()(const ExchangeWithdrawal& op) const {
    if (!IsValidAssetCode(op.asset) || op.to.IsZero() || !IsValidExternalId(op.reference)) {
      return RC::kBadField;
    }
    if (op.amount == 0) return RC::kZeroAmount;
    if (op.to == sender) return RC::kSelfPayment;
    return RC::kSuccess;
  }
  RC operator()(const EscrowCreate& op) const {
    if (!IsValidAssetCode(op.asset) || op.to.IsZero() || op.arbiter == sender ||
        op.arbiter == op.to || op.deadline_height == 0) {
      return RC::kBadField;
    }
    if (op.amount == 0) return RC::kZeroAmount;
    if (op.to == sender) return RC::kSelfPayment;
    return RC::kSuccess;
  }
  RC operator()(const EscrowRelease& op) const {
    return op.escrow_id == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const EscrowCancel& op) const {
    return op.escrow_id == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const DisputeOpen& op) const {
    if (op.payment_tx.IsZero() || op.reason.empty() || !IsPrintableUtf8(op.reason)) {
      return RC::kBadField;
    }
    return op.amount == 0 ? RC::kZeroAmount : RC::kSuccess;
  }
  RC operator()(const DisputeResolve& op) const {
    return op.dispute_id == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const AmlRuleSet& op) const {
    auto jurisdiction_ok = [](const std::string& j) { return j.empty() || IsValidJurisdiction(j); };
    if (!IsValidAssetCode(op.asset) || !jurisdiction_ok(op.from_jurisdiction) ||
        !jurisdiction_ok(op.to_jurisdiction)) {
      return RC::kBadField;
    }
    if (op.kind == AmlRuleKind::kThreshold) {
      return op.max_count == 0 && op.window_blocks == 0 ? RC::kSuccess : RC::kBadField;
    }
    if (op.kind != AmlRuleKind::kVelocity || op.window_blocks == 0 ||
        op.window_blocks > kMaxVelocityWindowBlocks || (op.max_amount == 0 && op.max_count == 0)) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
  RC operator()(const AmlRuleRemove& op) const {
    return op.rule_id == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC CheckDecision(uint64_t hold_id, const std::string& reason) const {
    if (hold_id == 0 || reason.empty() || reason.size() > kMaxHoldReasonBytes ||
        !IsPrintableUtf8(reason)) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
  RC operator()(const HoldApprove& op) const { return CheckDecision(op.hold_id, op.reason); }
  RC operator()(const HoldReject& op) const { return CheckDecision(op.hold_id, op.reason); }
  RC operator()(const AmlSetHoldExpiry& op) const {
    return op.blocks == 0 || op.blocks > kMaxHoldExpiryBlocks ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const ProposeValidatorChange& op) const {
    return internal::CheckGovernanceFields(op);
  }
  RC operator()(const ApproveProposal& op) const {
    return op.proposal_id == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const HaltNetwork&) const { return RC::kSuccess; }
  RC operator()(const ResumeNetwork&) const { return RC::kSuccess; }
  RC operator()(const ProposeUpgrade& op) const {
    return op.version == 0 || op.activation_height == 0 ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const SetRecoveryWindow& op) const {
    return op.blocks > kMaxRecoveryWindowBlocks ? RC::kBadField : RC::kSuccess;
  }
  RC operator()(const PublishRate& op) const {
    if (!IsValidAssetCode(op.base) || !IsValidAssetCode(op.quote) || op.base == op.quote ||
        op.numerator == 0 || op.denominator == 0 || op.valid_from > op.valid_until) {
      return RC::kBadField;
    }
    return RC::kSuccess;
  }
};

// ---- operations (run in a scratch overlay; 3xx leaves nothing behind)

bool HasAny(const Account& a, std::initializer_list<Role> roles) {
  for (Role r : roles)
    if (a.HasRole(r)) return true;
  return false;
}

struct OpRunner {
  OpContext& c;
  const Account& sender_acc;  // the sender's record, nonce already consumed

  // payment and fx_payment go through the AML screen (docs/state.md §3.14).
  RC operator()(const Payment& op) const { return internal::RunScreened(c, op); }
  RC operator()(const FxPayment& op) const { return internal::RunScreened(c, op); }

  RC operator()(const RegisterAccount& op) const {
    if (!HasAny(sender_acc, {Role::kAdmin, Role::kCompliance})) return RC::kUnauthorizedRole;
    if (c.ledger.GetAccount(op.account)) return RC::kAccountExists;
    Account a;
    a.kyc_level = op.kyc_level;
    a.jurisdiction = op.jurisdiction;
    a.display_name = op.display_name;
    c.ledger.PutAccount(op.account, a);
    Event e = MakeEvent(EventType::kAccountRegistered, op.account);
    e.detail = op.kyc_level;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC ChangeRole(const Address& target, Role role, bool grant) const {
    if (!sender_acc.HasRole(Role::kAdmin)) return RC::kUnauthorizedRole;
    auto acc = c.ledger.GetAccount(target);
    if (!acc) return RC::kUnknownAccount;
    if (!grant && role == Role::kAdmin && target == c.sender) return RC::kCannotRevokeOwnAdmin;
    if (acc->HasRole(role) == grant) return RC::kNoChange;
    acc->SetRole(role, grant);
    c.ledger.PutAccount(target, *acc);
    Event e = MakeEvent(grant ? EventType::kRoleGranted : EventType::kRoleRevoked, target);
    e.detail = static_cast<uint8_t>(role);
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }
  RC operator()(const GrantRole& op) const { return ChangeRole(op.account, op.role, true); }
  RC operator()(const RevokeRole& op) const { return ChangeRole(op.account, op.role, false); }

  RC operator()(const SetSigners& op) const {
    Account a = *c.ledger.GetAccount(c.sender);
    a.threshold = op.threshold;
    a.signers = op.signers;
    c.ledger.PutAccount(c.sender, a);
    Event e = MakeEvent(EventType::kSignersSet, c.sender);
    e.amount = op.signers.size();
    e.detail = op.threshold;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC operator()(const CreateAsset& op) const {
    bool admin = sender_acc.HasRole(Role::kAdmin);
    bool self_issuer = sender_acc.HasRole(Role::kIssuer) && op.issuer == c.sender;
    if (!admin && !self_issuer) return RC::kUnauthorizedRole;
    if (c.ledger.GetAsset(op.code)) return RC::kAssetExists;
    auto issuer = c.ledger.GetAccount(op.issuer);
    if (!issuer || !issuer->HasRole(Role::kIssuer)) return RC::kIssuerNotEligible;
    AssetInfo a;
    a.code = op.code;
    a.decimals = op.decimals;
    a.issuer = op.issuer;
    c.ledger.PutAsset(a);
    Event e = MakeEvent(EventType::kAssetCreated, op.issuer);
    e.asset = op.code;
    e.detail = op.decimals;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC operator()(const Mint& op) const {
    auto asset = c.ledger.GetAsset(op.asset);
    if (!asset) return RC::kUnknownAsset;
    if (asset->issuer != c.sender) return RC::kNotAssetIssuer;
    if (!sender_acc.HasRole(Role::kIssuer)) return RC::kUnauthorizedRole;
    if (asset->frozen) return RC::kAssetFrozen;
    auto to = c.ledger.GetAccount(op.to);
    if (!to) return RC::kUnknownAccount;
    if (to->frozen) return RC::kReceiverFrozen;
    Balance bal = c.ledger.GetBalance(op.to, op.asset);
    if (!CheckedAdd(asset->supply, op.amount, asset->supply)) return RC::kOverflow;
    if (!CheckedAdd(bal.available, op.amount, bal.available)) return RC::kOverflow;
    c.ledger.PutAsset(*asset);
    c.ledger.PutBalance(op.to, op.asset, bal);
    Event e = MakeEvent(EventType::kMint, op.to);
    e.counterparty = c.sender;
    e.asset = op.asset;
    e.amount = op.amount;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC operator()(const Burn& op) const {
    auto asset = c.ledger.GetAsset(op.asset);
    if (!asset) return RC::kUnknownAsset;
    if (asset->frozen) return RC::kAssetFrozen;
    Balance bal = c.ledger.GetBalance(c.sender, op.asset);
    if (bal.available < op.amount) return RC::kInsufficientBalance;
    // supply >= every balance (conservation), so this cannot underflow.
    if (asset->supply < op.amount) std::abort();
    asset->supply -= op.amount;
    bal.available -= op.amount;
    c.ledger.PutAsset(*asset);
    c.ledger.PutBalance(c.sender, op.asset, bal);
    Event e = MakeEvent(EventType::kBurn, c.sender);
    e.asset = op.asset;
    e.amount = op.amount;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC SetAccountFrozen(const Address& target, bool frozen) const {
    if (!sender_acc.HasRole(Role::kCompliance)) return RC::kUnauthorizedRole;
    auto acc = c.ledger.GetAccount(target);
    if (!acc) return RC::kUnknownAccount;
    if (acc->frozen == frozen) return RC::kNoChange;
    acc->frozen = frozen;
    c.ledger.PutAccount(target, *acc);
    c.events.push_back(
        MakeEvent(frozen ? EventType::kAccountFrozen : EventType::kAccountUnfrozen, target));
    return RC::kSuccess;
  }
  RC operator()(const FreezeAccount& op) const { return SetAccountFrozen(op.account, true); }
  RC operator()(const UnfreezeAccount& op) const { return SetAccountFrozen(op.account, false); }

  RC SetAssetFrozen(const std::string& code, bool frozen) const {
    if (!sender_acc.HasRole(Role::kCompliance)) return RC::kUnauthorizedRole;
    auto asset = c.ledger.GetAsset(code);
    if (!asset) return RC::kUnknownAsset;
    if (asset->frozen == frozen) return RC::kNoChange;
    asset->frozen = frozen;
    c.ledger.PutAsset(*asset);
    Event e = MakeEvent(frozen ? EventType::kAssetFrozen : EventType::kAssetUnfrozen, Address{});
    e.asset = code;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }
  RC operator()(const FreezeAsset& op) const { return SetAssetFrozen(op.asset, true); }
  RC operator()(const UnfreezeAsset& op) const { return SetAssetFrozen(op.asset, false); }

  RC operator()(const PublishRate& op) const {
    if (!sender_acc.HasRole(Role::kOracle)) return RC::kUnauthorizedRole;
    if (!c.ledger.GetAsset(op.base) || !c.ledger.GetAsset(op.quote)) return RC::kUnknownAsset;
    // A window that has already ended could never be used.
    if (op.valid_until < c.block.height) return RC::kStaleRate;
    FxRate rate;
    rate.numerator = op.numerator;
    rate.denominator = op.denominator;
    rate.valid_from = op.valid_from;
    rate.valid_until = op.valid_until;
    rate.oracle = c.sender;
    rate.published_height = c.block.height;
    c.ledger.PutFxRate(op.base, op.quote, rate);
    Event e = MakeEvent(EventType::kRatePublished, c.sender);
    e.asset = op.base;
    e.amount = op.numerator;
    e.detail = op.denominator;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }

  RC operator()(const SettleBatch& op) const { return internal::RunSettleBatch(c, sender_acc, op); }
  RC operator()(const ExchangeDeposit& op) const { return internal::RunExchangeDeposit(c, op); }
  RC operator()(const ExchangeWithdrawal& op) const {
    return internal::RunExchangeWithdrawal(c, sender_acc, op);
  }

  RC operator()(const EscrowCreate& op) const { return internal::RunEscrowCreate(c, op); }
  RC operator()(const EscrowRelease& op) const { return internal::RunEscrowRelease(c, op); }
  RC operator()(const EscrowCancel& op) const { return internal::RunEscrowCancel(c, op); }
  RC operator()(const DisputeOpen& op) const { return internal::RunDisputeOpen(c, op); }
  RC operator()(const DisputeResolve& op) const {
    return internal::RunDisputeResolve(c, sender_acc, op);
  }
  RC operator()(const ProposeValidatorChange& op) const {
    return internal::RunProposeValidatorChange(c, sender_acc, op);
  }
  RC operator()(const ApproveProposal& op) const {
    return internal::RunApproveProposal(c, sender_acc, op);
  }
  RC operator()(const HaltNetwork&) const { return internal::RunHaltNetwork(c, sender_acc); }
  RC operator()(const ResumeNetwork&) const { return internal::RunResumeNetwork(c, sender_acc); }
  RC operator()(const ProposeUpgrade& op) const {
    return internal::RunProposeUpgrade(c, sender_acc, op);
  }
  RC operator()(const SetRecoveryWindow& op) const {
    return internal::RunSetRecoveryWindow(c, sender_acc, op);
  }

  RC operator()(const AmlRuleSet& op) const { return internal::RunAmlRuleSet(c, sender_acc, op); }
  RC operator()(const AmlRuleRemove& op) const {
    return internal::RunAmlRuleRemove(c, sender_acc, op);
  }
  RC operator()(const AmlSetHoldExpiry& op) const {
    return internal::RunAmlSetHoldExpiry(c, sender_acc, op);
  }
  RC operator()(const HoldApprove& op) const { return internal::RunHoldApprove(c, sender_acc, op); }
  RC operator()(const HoldReject& op) const { return internal::RunHoldReject(c, sender_acc, op); }

  RC operator()(const SetLiquidityFee& op) const {
    if (!sender_acc.HasRole(Role::kLiquidityProvider)) return RC::kUnauthorizedRole;
    if (c.ledger.GetLiquidityFee(c.sender) == op.fee_bps) return RC::kNoChange;
    c.ledger.PutLiquidityFee(c.sender, op.fee_bps);
    Event e = MakeEvent(EventType::kLiquidityFeeSet, c.sender);
    e.detail = op.fee_bps;
    c.events.push_back(std::move(e));
    return RC::kSuccess;
  }
};

// Signature weights of `tx` against the sender's signer list (1xx/2xx).
RC CheckSignerWeights(const Account& acc, const Transaction& tx) {
  const auto& sigs = tx.signatures();
  if (sigs.empty() || sigs.size() > kMaxSignatures) return RC::kBadSignature;
  for (size_t i = 0; i < sigs.size(); ++i) {
    for (size_t j = i + 1; j < sigs.size(); ++j) {
      if (sigs[i].key == sigs[j].key) return RC::kBadSignature;
    }
  }
  const Address& sender = tx.body().sender;
  if (acc.signers.empty()) {
    // Default: exactly one signature, by the key the address was derived from.
    if (sigs.size() != 1 || Address::FromPublicKey(sigs[0].key) != sender) {
      return RC::kUnauthorizedSigner;
    }
    return RC::kSuccess;
  }
  uint64_t weight = 0;
  for (const TxSignature& s : sigs) {
    auto it = std::lower_bound(acc.signers.begin(), acc.signers.end(), s.key,
                               [](const SignerEntry& e, const PublicKey& k) { return e.key < k; });
    if (it == acc.signers.end() || it->key != s.key) return RC::kUnauthorizedSigner;
    weight += it->weight;
  }
  return weight >= acc.threshold ? RC::kSuccess : RC::kInsufficientSignatureWeight;
}

RC CheckIncludableImpl(const StateView& view, const Transaction& tx, const BlockContext& ctx,
                       bool verify_signatures, std::optional<Account>& acc_out) {
  const TxBody& body = tx.body();
  if (body.chain_id != ctx.chain_id) return RC::kWrongChain;
  if (body.version != kTransactionVersion || body.memo.size() > kMaxMemoBytes ||
      !IsPrintableUtf8(body.memo)) {
    return RC::kBadField;
  }
  RC rc = std::visit(StatelessCheck{body.sender}, body.op);
  if (rc != RC::kSuccess) return rc;
  if (ctx.height > body.expiry_height) return RC::kExpired;
  acc_out = ReadAccount(view, body.sender);
  if (!acc_out) return RC::kUnknownSender;
  if (body.nonce < acc_out->next_nonce) return RC::kNonceTooLow;
  if (body.nonce > acc_out->next_nonce ||
      acc_out->next_nonce == std::numeric_limits<uint64_t>::max()) {
    return RC::kNonceTooHigh;
  }
  rc = CheckSignerWeights(*acc_out, tx);
  if (rc != RC::kSuccess) return rc;
  if (verify_signatures && !tx.VerifySignatures()) return RC::kBadSignature;
  return RC::kSuccess;
}

// The begin-block steps, before the block's first transaction: escrow
// refunds at their deadline (docs/state.md §3.8), then AML holds expiring at
// theirs (§3.14). Their events are the block's system events (§3.10).
std::vector<Event> BeginBlock(const StateStore& base, StateOverlay& view, uint64_t height) {
  std::vector<Event> events = internal::RefundDueEscrows(base, view, height);
  std::vector<Event> expired = internal::ExpireDueHolds(base, view, height);
  if (!expired.empty()) {
    events.insert(events.end(), expired.begin(), expired.end());
    view.Put(SystemEventsKey(), SystemEvents{height, events}.Encode());
  }
  return events;
}

}  // namespace

namespace internal {

// Rounding (docs/state.md §3.3): the receiver gets exactly dest_amount; the
// sender pays principal = ceil(dest_amount * denominator / numerator) and
// fee = ceil(principal * fee_bps / 10000), both rounded up, so every
// fraction of a minor unit goes to the liquidity provider. All products in
// 128 bits; every amount that moves is an integer moved by a transfer, so
// no value is created or destroyed.
RC RunFxPayment(OpContext& c, const FxPayment& op) {
  auto src = c.ledger.GetAsset(op.source_asset);
  auto dst = c.ledger.GetAsset(op.dest_asset);
  if (!src || !dst) return RC::kUnknownAsset;
  if (src->frozen || dst->frozen) return RC::kAssetFrozen;
  auto to = c.ledger.GetAccount(op.to);
  if (!to) return RC::kUnknownAccount;
  if (to->frozen) return RC::kReceiverFrozen;
  auto lp = c.ledger.GetAccount(op.liquidity_provider);
  if (!lp || !lp->HasRole(Role::kLiquidityProvider)) return RC::kNotLiquidityProvider;
  if (lp->frozen) return RC::kLiquidityProviderFrozen;
  auto rate = c.ledger.GetFxRate(op.source_asset, op.dest_asset);
  if (!rate) return RC::kNoRate;
  if (!rate->UsableAt(c.block.height)) return RC::kStaleRate;

  const U128 principal =
      CeilDiv(static_cast<U128>(op.dest_amount) * rate->denominator, rate->numerator);
  if (principal > op.max_source_amount) return RC::kSlippageExceeded;
  const uint16_t fee_bps = c.ledger.GetLiquidityFee(op.liquidity_provider);
  const U128 fee = CeilDiv(principal * fee_bps, kMaxFeeBps);
  const U128 total = principal + fee;  // <= 2^64 * 2: no overflow
  if (total > op.max_source_amount) return RC::kSlippageExceeded;
  const auto pay = static_cast<uint64_t>(total);

  Balance sender_src = c.ledger.GetBalance(c.sender, op.source_asset);
  if (sender_src.available < pay) return RC::kInsufficientBalance;
  Balance lp_dst = c.ledger.GetBalance(op.liquidity_provider, op.dest_asset);
  if (lp_dst.available < op.dest_amount) return RC::kInsufficientLiquidity;
  Balance lp_src = c.ledger.GetBalance(op.liquidity_provider, op.source_asset);
  Balance to_dst = c.ledger.GetBalance(op.to, op.dest_asset);
  if (!CheckedAdd(lp_src.available, pay, lp_src.available) ||
      !CheckedAdd(to_dst.available, op.dest_amount, to_dst.available)) {
    return RC::kOverflow;
  }
  sender_src.available -= pay;
  lp_dst.available -= op.dest_amount;
  c.ledger.PutBalance(c.sender, op.source_asset, sender_src);
  c.ledger.PutBalance(op.liquidity_provider, op.source_asset, lp_src);
  c.ledger.PutBalance(op.liquidity_provider, op.dest_asset, lp_dst);
  c.ledger.PutBalance(op.to, op.dest_asset, to_dst);

  Event conv = MakeEvent(EventType::kFxConverted, c.sender);
  conv.counterparty = op.to;
  conv.asset = op.source_asset;
  conv.amount = static_cast<uint64_t>(principal);
  conv.detail = static_cast<uint64_t>(fee);
  c.events.push_back(std::move(conv));
  Event in = MakeEvent(EventType::kTransfer, c.sender);
  in.counterparty = op.liquidity_provider;
  in.asset = op.source_asset;
  in.amount = pay;
  c.events.push_back(std::move(in));
  Event out = MakeEvent(EventType::kTransfer, op.liquidity_provider);
  out.counterparty = op.to;
  out.asset = op.dest_asset;
  out.amount = op.dest_amount;
  c.events.push_back(std::move(out));
  return RC::kSuccess;
}

}  // namespace internal

ResultCode CheckIncludable(const StateView& view, const Transaction& tx, const BlockContext& ctx,
                           bool verify_signatures) {
  std::optional<Account> acc;
  return CheckIncludableImpl(view, tx, ctx, verify_signatures, acc);
}

Receipt Executor::Apply(StateOverlay& view, const Transaction& tx, const BlockContext& ctx) const {
  Receipt receipt;
  receipt.tx_id = tx.id();
  std::optional<Account> acc;
  RC rc = CheckIncludableImpl(view, tx, ctx, options_.verify_signatures, acc);
  if (rc != RC::kSuccess) {
    receipt.code = static_cast<uint16_t>(rc);
    return receipt;
  }
  // Includable from here on: the nonce is consumed whatever happens next.
  const Address& sender = tx.body().sender;
  acc->next_nonce += 1;
  {
    Ledger ledger(view);
    ledger.PutAccount(sender, *acc);
  }
  if (acc->frozen) {
    receipt.code = static_cast<uint16_t>(RC::kSenderFrozen);
    return receipt;
  }
  rc = internal::CheckNetworkPhase(view, tx.body().op, ctx);
  if (rc != RC::kSuccess) {
    receipt.code = static_cast<uint16_t>(rc);
    return receipt;
  }
  StateOverlay scratch = view.Child();
  Ledger ledger(scratch);
  std::vector<Event> events;
  const Hash tx_id = tx.id();
  std::optional<Event> failure;
  OpContext c{ledger, sender, events, ctx, tx_id, failure};
  rc = std::visit(OpRunner{c, *acc}, tx.body().op);
  receipt.code = static_cast<uint16_t>(rc);
  if (KeepsChanges(rc)) {
    scratch.MergeInto(view);
    receipt.events = std::move(events);
  } else if (failure) {
    receipt.events.push_back(std::move(*failure));
  }
  return receipt;
}

Result<BlockExecution> Executor::ExecuteBlock(const StateStore& base, const Block& block) const {
  const BlockHeader& h = block.header();
  StateOverlay view(base);
  auto chain_id = Ledger(view).GetChainId();
  if (!chain_id || *chain_id != h.chain_id) {
    return MakeError("wrong_chain", "block chain id does not match the state's");
  }
  BlockContext ctx{h.chain_id, h.height, h.timestamp_ms};
  BlockExecution out;
  out.system_events = BeginBlock(base, view, ctx.height);
  internal::StartBlockGovernance(view, ctx);
  out.transactions = block.transactions();
  out.receipts.reserve(block.transactions().size());
  for (size_t i = 0; i < block.transactions().size(); ++i) {
    const Transaction& tx = *block.transactions()[i];
    Receipt r = Apply(view, tx, ctx);
    auto code = static_cast<ResultCode>(r.code);
    if (!IsIncludable(code)) {
      return MakeError("invalid_transaction",
                       "transaction " + std::to_string(i) + " (" + tx.id().ToHex() +
                           ") may not be included: " + std::string(NameOf(code)) + " (" +
                           std::to_string(r.code) + ")");
    }
    out.receipts.push_back(std::move(r));
  }
  out.receipts_root = ReceiptsRoot(out.receipts);
  out.state = base.Prepare(view.changes());
  return out;
}

Result<BlockExecution> Executor::ValidateBlock(const StateStore& base, const Block& block) const {
  auto r = ExecuteBlock(base, block);
  if (!r) return r;
  if (r->state.root != block.header().state_root) {
    return MakeError("bad_state_root", "header state root " + block.header().state_root.ToHex() +
                                           " differs from the executed " + r->state.root.ToHex());
  }
  if (r->receipts_root != block.header().receipts_root) {
    return MakeError("bad_receipts_root", "header receipts root differs from the executed one");
  }
  return r;
}

BlockExecution Executor::Propose(const StateStore& base, std::span<const TransactionPtr> candidates,
                                 const BlockContext& ctx, size_t max_transactions) const {
  StateOverlay view(base);
  BlockExecution out;
  out.system_events = BeginBlock(base, view, ctx.height);
  internal::StartBlockGovernance(view, ctx);
  // Room for the header and the per-transaction framing within kMaxBlockBytes.
  constexpr size_t kHeaderMargin = 64 * 1024;
  size_t bytes = 0;
  for (const TransactionPtr& tx : candidates) {
    if (out.transactions.size() >= std::min(max_transactions, kMaxBlockTransactions)) break;
    if (bytes + tx->size() + 16 > kMaxBlockBytes - kHeaderMargin) continue;
    Receipt r = Apply(view, *tx, ctx);
    if (!IsIncludable(static_cast<ResultCode>(r.code))) continue;
    bytes += tx->size() + 16;
    out.transactions.push_back(tx);
    out.receipts.push_back(std::move(r));
  }
  out.receipts_root = ReceiptsRoot(out.receipts);
  out.state = base.Prepare(view.changes());
  return out;
}

}  // namespace corridor::contracts

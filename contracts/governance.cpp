// Network governance (docs/state.md §3.11-§3.13, docs/consensus.md
// "Validator set changes"): proposals and approvals for validator set
// changes and protocol upgrades, halt / resume with a recovery window, and
// the block-start step that puts scheduled validator sets in force.
#include "contracts/governance.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "chain/encoding.h"
#include "chain/limits.h"
#include "contracts/ledger.h"
#include "contracts/op_context.h"

namespace corridor::contracts {
namespace {

constexpr uint8_t kValidatorOperatorKind = 0x20;
constexpr uint8_t kProposalKind = 0x21;
constexpr uint8_t kNextProposalIdKind = 0x22;
constexpr uint8_t kNetworkPhaseKind = 0x23;
constexpr uint8_t kProtocolScheduleKind = 0x24;

[[noreturn]] void Corrupt() {
  std::abort();  // a stored record that does not decode: the store is corrupt
}

bool Contains(const std::vector<PublicKey>& set, const PublicKey& k) {
  return std::find(set.begin(), set.end(), k) != set.end();
}

}  // namespace

std::string_view ProposalStatusName(ProposalStatus s) {
  switch (s) {
    case ProposalStatus::kPending:
      return "pending";
    case ProposalStatus::kApplied:
      return "applied";
    case ProposalStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

bool ParseProposalStatus(std::string_view name, ProposalStatus& out) {
  for (auto s : {ProposalStatus::kPending, ProposalStatus::kApplied, ProposalStatus::kExpired}) {
    if (ProposalStatusName(s) == name) {
      out = s;
      return true;
    }
  }
  return false;
}

std::string_view NetworkPhaseName(NetworkPhase p) {
  switch (p) {
    case NetworkPhase::kOpen:
      return "open";
    case NetworkPhase::kHalted:
      return "halted";
    case NetworkPhase::kRecovery:
      return "recovery";
  }
  return "unknown";
}

// ---- records

Bytes Proposal::Encode() const {
  Writer w(200 + approvals.size() * Address::kSize);
  w.U64(id);
  w.U8(static_cast<uint8_t>(kind));
  change.Encode(w);
  w.U32(version);
  w.U64(height);
  w.Fixed(proposer.bytes);
  w.U64(proposed_height);
  w.U8(static_cast<uint8_t>(status));
  w.U64(applied_height);
  w.Fixed(proposal_tx.bytes);
  w.Varint(approvals.size());
  for (const auto& a : approvals) w.Fixed(a.bytes);
  return std::move(w).Take();
}

std::optional<Proposal> Proposal::Decode(ByteSpan data) {
  Reader r(data);
  Proposal p;
  uint8_t kind = 0, status = 0;
  r.U64(p.id);
  r.U8(kind);
  ProposeValidatorChange::Decode(r, p.change);
  r.U32(p.version);
  r.U64(p.height);
  r.Fixed(p.proposer.bytes);
  r.U64(p.proposed_height);
  r.U8(status);
  r.U64(p.applied_height);
  r.Fixed(p.proposal_tx.bytes);
  uint64_t n = 0;
  if (r.Count(n, kMaxProposalApprovals, Address::kSize)) {
    p.approvals.resize(n);
    for (auto& a : p.approvals) r.Fixed(a.bytes);
  }
  if (!r.ExpectEnd() || kind < 1 || kind > 2 || status > 1) return std::nullopt;
  p.kind = static_cast<ProposalKind>(kind);
  p.status = static_cast<ProposalStatus>(status);
  return p;
}

Bytes NetworkPhaseRecord::Encode() const {
  Writer w(24);
  w.Bool(halted);
  w.U64(halted_height);
  w.U64(open_from);
  w.U32(recovery_blocks);
  return std::move(w).Take();
}

std::optional<NetworkPhaseRecord> NetworkPhaseRecord::Decode(ByteSpan data) {
  Reader r(data);
  NetworkPhaseRecord p;
  r.Bool(p.halted);
  r.U64(p.halted_height);
  r.U64(p.open_from);
  r.U32(p.recovery_blocks);
  if (!r.ExpectEnd()) return std::nullopt;
  return p;
}

Bytes ProtocolSchedule::Encode() const {
  Writer w;
  w.Varint(entries.size());
  for (const auto& e : entries) {
    w.U64(e.height);
    w.U32(e.version);
  }
  return std::move(w).Take();
}

std::optional<ProtocolSchedule> ProtocolSchedule::Decode(ByteSpan data) {
  Reader r(data);
  ProtocolSchedule s;
  uint64_t n = 0;
  if (r.Count(n, kMaxScheduledUpgrades, 12)) {
    s.entries.resize(n);
    for (auto& e : s.entries) {
      r.U64(e.height);
      r.U32(e.version);
    }
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return s;
}

Bytes ValidatorOperatorKey(const PublicKey& validator) {
  Bytes k(1 + PublicKey::kSize);
  k[0] = kValidatorOperatorKind;
  std::memcpy(k.data() + 1, validator.bytes.data(), PublicKey::kSize);
  return k;
}
Bytes ProposalKey(uint64_t id) {
  Bytes k{kProposalKind};
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<uint8_t>(id >> (8 * i)));
  return k;
}
Bytes NextProposalIdKey() {
  return Bytes{kNextProposalIdKind};
}
Bytes NetworkPhaseKey() {
  return Bytes{kNetworkPhaseKind};
}
Bytes ProtocolScheduleKey() {
  return Bytes{kProtocolScheduleKind};
}

Address ReadValidatorOperator(const StateView& view, const PublicKey& validator) {
  auto v = view.Get(ValidatorOperatorKey(validator));
  if (!v) return Address::FromPublicKey(validator);
  Reader r(*v);
  Address a;
  r.Fixed(a.bytes);
  if (!r.ExpectEnd()) Corrupt();
  return a;
}

std::optional<Proposal> ReadProposal(const StateView& view, uint64_t id) {
  auto v = view.Get(ProposalKey(id));
  if (!v) return std::nullopt;
  auto p = Proposal::Decode(*v);
  if (!p) Corrupt();
  return p;
}

uint64_t ReadNextProposalId(const StateView& view) {
  auto v = view.Get(NextProposalIdKey());
  if (!v) return 1;
  Reader r(*v);
  uint64_t id = 0;
  r.U64(id);
  if (!r.ExpectEnd()) Corrupt();
  return id;
}

NetworkPhaseRecord ReadNetworkPhase(const StateView& view) {
  auto v = view.Get(NetworkPhaseKey());
  if (!v) return {};
  auto p = NetworkPhaseRecord::Decode(*v);
  if (!p) Corrupt();
  return *p;
}

ProtocolSchedule ReadProtocolSchedule(const StateView& view) {
  auto v = view.Get(ProtocolScheduleKey());
  if (!v) return {};
  auto s = ProtocolSchedule::Decode(*v);
  if (!s) Corrupt();
  return *s;
}

uint32_t RequiredProtocolVersion(const StateView& view, uint64_t height) {
  uint32_t version = 1;
  for (const auto& e : ReadProtocolSchedule(view).entries) {
    if (e.height <= height) version = e.version;
  }
  return version;
}

ProposalStatus EffectiveStatus(const Proposal& p, uint64_t height) {
  if (p.status == ProposalStatus::kPending && p.height < height + kValidatorChangeDelay) {
    return ProposalStatus::kExpired;
  }
  return p.status;
}

bool OpAllowedIn(NetworkPhase phase, OpType type) {
  if (phase == NetworkPhase::kOpen) return true;
  switch (type) {
    // Governance: always (halting again, resuming, changing validators).
    case OpType::kProposeValidatorChange:
    case OpType::kApproveProposal:
    case OpType::kHaltNetwork:
    case OpType::kResumeNetwork:
    case OpType::kProposeUpgrade:
    case OpType::kSetRecoveryWindow:
    // Compliance and account security: registering, roles, freezes, signer lists.
    case OpType::kRegisterAccount:
    case OpType::kGrantRole:
    case OpType::kRevokeRole:
    case OpType::kSetSigners:
    case OpType::kFreezeAccount:
    case OpType::kUnfreezeAccount:
    case OpType::kFreezeAsset:
    case OpType::kUnfreezeAsset:
    // Refunds, cancellations and dispute handling (holds, arbiter refunds).
    case OpType::kEscrowCancel:
    case OpType::kDisputeOpen:
    case OpType::kDisputeResolve:
    // AML rules and refusing a held payment (its funds return to the sender).
    case OpType::kAmlRuleSet:
    case OpType::kAmlRuleRemove:
    case OpType::kAmlSetHoldExpiry:
    case OpType::kHoldReject:
      return true;
    // Recovery window only: deposits, escrow releases and approvals of held
    // payments settle what was agreed before the outage; nothing new is started.
    case OpType::kExchangeDeposit:
    case OpType::kEscrowRelease:
    case OpType::kHoldApprove:
      return phase == NetworkPhase::kRecovery;
    default:
      return false;
  }
}

// ---- operations

namespace internal {
namespace {

using RC = ResultCode;

void PutValidatorOperator(StateOverlay& view, const PublicKey& validator, const Address& op) {
  view.Put(ValidatorOperatorKey(validator), Bytes(op.bytes.begin(), op.bytes.end()));
}
void PutProposal(StateOverlay& view, const Proposal& p) {
  view.Put(ProposalKey(p.id), p.Encode());
}
void PutNetworkPhase(StateOverlay& view, const NetworkPhaseRecord& p) {
  view.Put(NetworkPhaseKey(), p.Encode());
}

// The validator set from `p.height` on if `p` (a validator change) applied
// now, or the code saying why it cannot.
RC PlanValidatorChange(const StateView& view, const Proposal& p, std::vector<PublicKey>& out) {
  const ValidatorSchedule schedule = ReadValidatorSchedule(view);
  if (!schedule.entries.empty() && schedule.entries.back().height > p.height) {
    return RC::kScheduleConflict;  // a later change was computed from the set before this one
  }
  if ((schedule.entries.empty() || schedule.entries.back().height != p.height) &&
      schedule.entries.size() >= kMaxScheduledValidatorSets) {
    return RC::kScheduleConflict;
  }
  out = ValidatorsAt(view, p.height);
  const auto& ch = p.change;
  switch (ch.kind) {
    case ValidatorChangeKind::kAdd:
      if (Contains(out, ch.validator)) return RC::kValidatorExists;
      if (!ReadAccount(view, ch.operator_account)) return RC::kUnknownAccount;
      if (out.size() >= kMaxValidators) return RC::kScheduleConflict;
      out.push_back(ch.validator);
      return RC::kSuccess;
    case ValidatorChangeKind::kRemove:
      if (!Contains(out, ch.validator)) return RC::kUnknownValidator;
      if (out.size() == 1) return RC::kLastValidator;
      std::erase(out, ch.validator);
      return RC::kSuccess;
    case ValidatorChangeKind::kRekey:
      if (!Contains(out, ch.validator)) return RC::kUnknownValidator;
      if (Contains(out, ch.new_key)) return RC::kValidatorExists;
      std::replace(out.begin(), out.end(), ch.validator, ch.new_key);
      return RC::kSuccess;
  }
  return RC::kBadField;
}

RC PlanUpgrade(const StateView& view, const Proposal& p) {
  const ProtocolSchedule s = ReadProtocolSchedule(view);
  if (p.version <= std::max(RequiredProtocolVersion(view, p.height),
                            s.entries.empty() ? 1u : s.entries.back().version)) {
    return RC::kVersionNotNewer;
  }
  if (!s.entries.empty() && s.entries.back().height >= p.height) return RC::kScheduleConflict;
  if (s.entries.size() >= kMaxScheduledUpgrades) return RC::kScheduleConflict;
  return RC::kSuccess;
}

RC Plan(const StateView& view, const Proposal& p, uint64_t height,
        std::vector<PublicKey>& new_set) {
  if (p.height < height + kValidatorChangeDelay) return RC::kEffectiveHeightTooSoon;
  return p.kind == ProposalKind::kValidatorChange ? PlanValidatorChange(view, p, new_set)
                                                  : PlanUpgrade(view, p);
}

// Validators deciding the current block whose operator approved `p`.
size_t ApprovingValidators(const StateView& view, const Proposal& p) {
  size_t n = 0;
  for (const auto& v : ReadValidators(view)) {
    const Address op = ReadValidatorOperator(view, v);
    if (std::find(p.approvals.begin(), p.approvals.end(), op) != p.approvals.end()) ++n;
  }
  return n;
}

bool IsOperatorOfCurrentValidator(const StateView& view, const Address& a) {
  for (const auto& v : ReadValidators(view)) {
    if (ReadValidatorOperator(view, v) == a) return true;
  }
  return false;
}

// Applies `p` when the admin approved it or two thirds of the validators'
// operators have. A plan that fails fails the transaction: nothing changes.
RC MaybeApply(OpContext& c, Proposal& p, bool by_admin) {
  StateOverlay& view = c.ledger.overlay();
  const size_t n = ReadValidators(view).size();
  const size_t approving = ApprovingValidators(view, p);
  Event approved = MakeEvent(EventType::kProposalApproved, c.sender);
  approved.amount = p.id;
  approved.detail = approving;
  c.events.push_back(std::move(approved));
  std::vector<PublicKey> new_set;
  if (RC rc = Plan(view, p, c.block.height, new_set); rc != RC::kSuccess) return rc;
  if (!by_admin && approving * 3 < n * 2) {
    PutProposal(view, p);
    return RC::kSuccess;
  }
  p.status = ProposalStatus::kApplied;
  p.applied_height = c.block.height;
  PutProposal(view, p);
  if (p.kind == ProposalKind::kValidatorChange) {
    const auto& ch = p.change;
    Address op = ch.operator_account;
    if (ch.kind == ValidatorChangeKind::kAdd) PutValidatorOperator(view, ch.validator, op);
    if (ch.kind != ValidatorChangeKind::kAdd) op = ReadValidatorOperator(view, ch.validator);
    if (ch.kind == ValidatorChangeKind::kRekey) PutValidatorOperator(view, ch.new_key, op);
    const size_t size = new_set.size();
    if (!c.ledger.ScheduleValidatorChange(p.height, std::move(new_set))) {
      return RC::kScheduleConflict;
    }
    Event e = MakeEvent(EventType::kValidatorSetScheduled, op);
    e.amount = p.height;
    e.detail = size;
    c.events.push_back(std::move(e));
  } else {
    ProtocolSchedule s = ReadProtocolSchedule(view);
    s.entries.push_back({p.height, p.version});
    view.Put(ProtocolScheduleKey(), s.Encode());
    Event e = MakeEvent(EventType::kUpgradeScheduled, p.proposer);
    e.amount = p.height;
    e.detail = p.version;
    c.events.push_back(std::move(e));
  }
  return RC::kSuccess;
}

RC CheckGovernor(const StateView& view, const Account& sender_acc, const Address& sender) {
  if (sender_acc.HasRole(Role::kAdmin) || IsOperatorOfCurrentValidator(view, sender)) {
    return RC::kSuccess;
  }
  return RC::kNotGovernor;
}

RC Propose(OpContext& c, const Account& sender_acc, Proposal p) {
  StateOverlay& view = c.ledger.overlay();
  if (RC rc = CheckGovernor(view, sender_acc, c.sender); rc != RC::kSuccess) return rc;
  std::vector<PublicKey> unused;
  if (RC rc = Plan(view, p, c.block.height, unused); rc != RC::kSuccess) return rc;
  p.id = ReadNextProposalId(view);
  p.proposer = c.sender;
  p.proposed_height = c.block.height;
  p.proposal_tx = c.tx_id;
  p.approvals = {c.sender};
  Writer w(8);
  w.U64(p.id + 1);
  view.Put(NextProposalIdKey(), w.data());
  Event e = MakeEvent(EventType::kProposalCreated, c.sender);
  e.amount = p.id;
  e.detail = static_cast<uint8_t>(p.kind);
  c.events.push_back(std::move(e));
  return MaybeApply(c, p, sender_acc.HasRole(Role::kAdmin));
}

}  // namespace

RC RunProposeValidatorChange(OpContext& c, const Account& sender_acc,
                             const ProposeValidatorChange& op) {
  Proposal p;
  p.kind = ProposalKind::kValidatorChange;
  p.change = op;
  p.height = op.effective_height;
  return Propose(c, sender_acc, std::move(p));
}

RC RunProposeUpgrade(OpContext& c, const Account& sender_acc, const ProposeUpgrade& op) {
  Proposal p;
  p.kind = ProposalKind::kUpgrade;
  p.version = op.version;
  p.height = op.activation_height;
  return Propose(c, sender_acc, std::move(p));
}

RC RunApproveProposal(OpContext& c, const Account& sender_acc, const ApproveProposal& op) {
  StateOverlay& view = c.ledger.overlay();
  if (RC rc = CheckGovernor(view, sender_acc, c.sender); rc != RC::kSuccess) return rc;
  auto p = ReadProposal(view, op.proposal_id);
  if (!p) return RC::kUnknownProposal;
  if (EffectiveStatus(*p, c.block.height) != ProposalStatus::kPending) {
    return RC::kProposalClosed;
  }
  if (std::find(p->approvals.begin(), p->approvals.end(), c.sender) != p->approvals.end()) {
    return RC::kAlreadyApproved;
  }
  if (p->approvals.size() >= kMaxProposalApprovals) return RC::kProposalClosed;
  p->approvals.push_back(c.sender);
  return MaybeApply(c, *p, sender_acc.HasRole(Role::kAdmin));
}

RC RunHaltNetwork(OpContext& c, const Account& sender_acc) {
  if (!sender_acc.HasRole(Role::kAdmin)) return RC::kUnauthorizedRole;
  StateOverlay& view = c.ledger.overlay();
  NetworkPhaseRecord p = ReadNetworkPhase(view);
  if (p.halted) return RC::kNoChange;
  p.halted = true;
  p.halted_height = c.block.height;
  PutNetworkPhase(view, p);
  Event e = MakeEvent(EventType::kNetworkHalted, c.sender);
  e.amount = c.block.height;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC RunResumeNetwork(OpContext& c, const Account& sender_acc) {
  if (!sender_acc.HasRole(Role::kAdmin)) return RC::kUnauthorizedRole;
  StateOverlay& view = c.ledger.overlay();
  NetworkPhaseRecord p = ReadNetworkPhase(view);
  if (!p.halted) return RC::kNoChange;
  p.halted = false;
  // The recovery window: the `recovery_blocks` blocks after this one.
  p.open_from = c.block.height + 1 + p.recovery_blocks;
  PutNetworkPhase(view, p);
  Event e = MakeEvent(EventType::kNetworkResumed, c.sender);
  e.amount = p.open_from;
  e.detail = p.recovery_blocks;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC RunSetRecoveryWindow(OpContext& c, const Account& sender_acc, const SetRecoveryWindow& op) {
  if (!sender_acc.HasRole(Role::kAdmin)) return RC::kUnauthorizedRole;
  StateOverlay& view = c.ledger.overlay();
  NetworkPhaseRecord p = ReadNetworkPhase(view);
  if (p.recovery_blocks == op.blocks) return RC::kNoChange;
  p.recovery_blocks = op.blocks;
  PutNetworkPhase(view, p);
  Event e = MakeEvent(EventType::kRecoveryWindowSet, c.sender);
  e.detail = op.blocks;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC CheckNetworkPhase(const StateView& view, const Operation& op, const BlockContext& ctx) {
  const NetworkPhase phase = ReadNetworkPhase(view).PhaseAt(ctx.height);
  if (OpAllowedIn(phase, TypeOf(op))) return RC::kSuccess;
  return phase == NetworkPhase::kHalted ? RC::kNetworkHalted : RC::kRecoveryWindow;
}

RC CheckGovernanceFields(const ProposeValidatorChange& op) {
  const bool zero_new = op.new_key == PublicKey{};
  const bool zero_op = op.operator_account.IsZero();
  if (!op.validator.IsValid() || op.effective_height == 0) return RC::kBadField;
  switch (op.kind) {
    case ValidatorChangeKind::kAdd:
      return zero_new && !zero_op ? RC::kSuccess : RC::kBadField;
    case ValidatorChangeKind::kRemove:
      return zero_new && zero_op ? RC::kSuccess : RC::kBadField;
    case ValidatorChangeKind::kRekey:
      return op.new_key.IsValid() && op.new_key != op.validator && zero_op ? RC::kSuccess
                                                                           : RC::kBadField;
  }
  return RC::kBadField;
}

void StartBlockGovernance(StateOverlay& view, const BlockContext& ctx) {
  Ledger ledger(view);
  ledger.ActivateValidatorSchedule(ctx.height);
}

}  // namespace internal
}  // namespace corridor::contracts

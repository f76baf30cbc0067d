// Internal to contracts/: what an operation's code sees while it runs
// (executor.cpp builds it; the operations split into their own translation
// units — settlement.cpp, ... — take it). Not part of the library's API.
#pragma once

#include <optional>
#include <vector>

#include "chain/receipt.h"
#include "contracts/event.h"
#include "contracts/executor.h"
#include "contracts/ledger.h"
#include "contracts/result_code.h"

namespace corridor::contracts::internal {

struct OpContext {
  Ledger& ledger;
  const Address& sender;
  std::vector<Event>& events;  // kept only when the operation succeeds
  const BlockContext& block;
  const Hash& tx_id;
  // Set by an operation that fails, to say where (e.g. which trade of a
  // batch); it is the failed receipt's only event (docs/state.md §5).
  std::optional<Event>& failure;
};

inline Event MakeEvent(EventType type, const Address& account) {
  Event e;
  e.type = static_cast<uint16_t>(type);
  e.account = account;
  return e;
}

inline bool CheckedAdd(uint64_t a, uint64_t b, uint64_t& out) {
  return !__builtin_add_overflow(a, b, &out);
}

// Moves `amount` of `asset` from `from`'s available balance to `to`'s (as a
// payment does: asset exists and is not frozen, receiver registered and not
// frozen, funds available, no overflow) and emits the transfer event.
// executor.cpp.
ResultCode Pay(OpContext& c, const Address& from, const Address& to, const std::string& asset,
               uint64_t amount);

// Cross-border payment (docs/state.md §3.3) from c.sender. executor.cpp.
ResultCode RunFxPayment(OpContext& c, const FxPayment& op);

// settlement.cpp
ResultCode RunSettleBatch(OpContext& c, const Account& sender, const SettleBatch& op);
ResultCode RunExchangeDeposit(OpContext& c, const ExchangeDeposit& op);
ResultCode RunExchangeWithdrawal(OpContext& c, const Account& sender, const ExchangeWithdrawal& op);

// escrow.cpp
ResultCode RunEscrowCreate(OpContext& c, const EscrowCreate& op);
ResultCode RunEscrowRelease(OpContext& c, const EscrowRelease& op);
ResultCode RunEscrowCancel(OpContext& c, const EscrowCancel& op);
// The begin-block step (docs/state.md §3.8): refunds the open escrows whose
// deadline is <= `height`, at most kMaxRefundsPerBlock, in (deadline, id)
// order, and stores their events as the block's system events. REQUIRES:
// `view` is layered directly over `base` and no transaction of the block has
// run yet. Returns the events.
std::vector<Event> RefundDueEscrows(const StateStore& base, StateOverlay& view, uint64_t height);
// governance.cpp. Block start, before the block's first transaction:
// validator sets scheduled for this height take over.
void StartBlockGovernance(StateOverlay& view, const BlockContext& ctx);
// kNetworkHalted / kRecoveryWindow when the network phase at ctx.height does
// not admit `op` (docs/state.md §3.12).
ResultCode CheckNetworkPhase(const StateView& view, const Operation& op, const BlockContext& ctx);
ResultCode CheckGovernanceFields(const ProposeValidatorChange& op);  // stateless, 1xx
ResultCode RunProposeValidatorChange(OpContext& c, const Account& sender,
                                     const ProposeValidatorChange& op);
ResultCode RunProposeUpgrade(OpContext& c, const Account& sender, const ProposeUpgrade& op);
ResultCode RunApproveProposal(OpContext& c, const Account& sender, const ApproveProposal& op);
ResultCode RunHaltNetwork(OpContext& c, const Account& sender);
ResultCode RunResumeNetwork(OpContext& c, const Account& sender);
ResultCode RunSetRecoveryWindow(OpContext& c, const Account& sender, const SetRecoveryWindow& op);

// dispute.cpp
// Keeps a successful payment's record (PaymentRecord) under its transaction id.
void RecordPayment(OpContext& c, const Payment& op);
ResultCode RunDisputeOpen(OpContext& c, const DisputeOpen& op);
ResultCode RunDisputeResolve(OpContext& c, const Account& sender, const DisputeResolve& op);

// aml.cpp (docs/state.md §3.14)
// Runs a payment or fx_payment (`op` holds one) through the AML screen:
// kSuccess when it applied, kHeld when a rule held it (funds locked), or the
// code it fails with.
ResultCode RunScreened(OpContext& c, const Operation& op);
ResultCode RunAmlRuleSet(OpContext& c, const Account& sender, const AmlRuleSet& op);
ResultCode RunAmlRuleRemove(OpContext& c, const Account& sender, const AmlRuleRemove& op);
ResultCode RunAmlSetHoldExpiry(OpContext& c, const Account& sender, const AmlSetHoldExpiry& op);
ResultCode RunHoldApprove(OpContext& c, const Account& sender, const HoldApprove& op);
ResultCode RunHoldReject(OpContext& c, const Account& sender, const HoldReject& op);
// The begin-block step: expires the open holds whose deadline is <= `height`
// (refunds them), at most kMaxHoldExpiriesPerBlock, in (deadline, id) order.
// Returns the events; the caller stores the block's system events.
// REQUIRES: as RefundDueEscrows.
std::vector<Event> ExpireDueHolds(const StateStore& base, StateOverlay& view, uint64_t height);

}  // namespace corridor::contracts::internal

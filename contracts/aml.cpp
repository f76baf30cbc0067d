// Anti-money-laundering rules and the review queue (docs/state.md §3.14).
//
// payment and fx_payment run through the screen: the operation is tried in a
// child overlay; if it would fail it fails as always; if it would succeed the
// asset amounts it moves are checked against the rules in force, and when a
// rule trips, the trial is dropped and the payment is HELD instead — the
// sender's funds move available -> locked and a Hold waits in the review
// queue until compliance approves it (the operation then runs, unscreened),
// rejects it, or it expires at its deadline (both refund: locked ->
// available). Every hold, rejection and expiry leaves an ActivityRecord.
#include <algorithm>
#include <cstdlib>

#include "chain/limits.h"
#include "contracts/aml_state.h"
#include "contracts/escrow_state.h"
#include "contracts/op_context.h"
#include "contracts/state_keys.h"

namespace corridor::contracts::internal {
namespace {

using RC = ResultCode;

// The block's system events (escrow refunds, then hold expiries) are one
// state value: u64 height, varint count, events of at most this size.
constexpr size_t kMaxEventBytes = 2 + 2 * Address::kSize + 1 + kMaxAssetCodeBytes + 16;
static_assert(16 + (kMaxRefundsPerBlock + kMaxHoldExpiriesPerBlock) * kMaxEventBytes <=
                  kMaxStateValueBytes,
              "one block's system events must fit in one state value");

// One asset amount a screened operation moves out of the sender's hands.
struct Leg {
  std::string asset;
  uint64_t amount = 0;
};

struct Trip {
  uint64_t rule_id = 0;
  Leg leg;
  std::string why;  // the activity record's reason
};

uint64_t NextAmlId(StateOverlay& view, char which) {
  return TakeNextId(view, NextAmlIdKey(which));
}

bool IsCompliance(const Account& a) {
  return a.HasRole(Role::kCompliance);
}

// The receiver and the assets a screened operation involves.
Address ReceiverOf(const Operation& op) {
  if (const auto* p = std::get_if<Payment>(&op)) return p->to;
  return std::get<FxPayment>(op).to;
}

// What the operation moved, read from its successful trial: a payment its
// amount; an fx_payment what the sender paid (principal + fee, the transfer
// to the provider) in the source asset and what the receiver got in the
// destination asset.
std::vector<Leg> LegsOf(const Operation& op, const Address& sender,
                        const std::vector<Event>& events) {
  if (const auto* p = std::get_if<Payment>(&op)) return {{p->asset, p->amount}};
  const auto& fx = std::get<FxPayment>(op);
  uint64_t paid = 0;
  for (const Event& e : events) {
    if (e.type == static_cast<uint16_t>(EventType::kTransfer) && e.account == sender &&
        e.asset == fx.source_asset) {
      paid = e.amount;
    }
  }
  return {{fx.source_asset, paid}, {fx.dest_asset, fx.dest_amount}};
}

bool HasRulesFor(const StateView& view, const Operation& op) {
  if (const auto* p = std::get_if<Payment>(&op))
    return view.Get(AmlRuleListKey(p->asset)).has_value();
  const auto& fx = std::get<FxPayment>(op);
  return view.Get(AmlRuleListKey(fx.source_asset)).has_value() ||
         view.Get(AmlRuleListKey(fx.dest_asset)).has_value();
}

std::string Jurisdiction(Ledger& ledger, const Address& a) {
  auto acc = ledger.GetAccount(a);
  return acc ? acc->jurisdiction : std::string();
}

// The counter of `account` under velocity rule `rule` in the window holding
// `height`: zero when the stored one is from an earlier window.
VelocityCounter CounterInWindow(const StateView& view, const Address& account, const AmlRule& rule,
                                uint64_t height) {
  VelocityCounter c = ReadVelocityCounter(view, account, rule.id);
  const uint64_t start = rule.WindowStart(height);
  if (c.window_start != start) c = VelocityCounter{start, 0, 0};
  return c;
}

// The first rule (legs in order, rules in id order) that the legs trip.
std::optional<Trip> Screen(Ledger& ledger, const Address& sender, const Address& receiver,
                           const std::vector<Leg>& legs, uint64_t height) {
  std::optional<std::string> from, to;  // read only when a rule has a jurisdiction
  for (const Leg& leg : legs) {
    for (const AmlRule& rule : ReadAmlRules(ledger.view(), leg.asset)) {
      if (!rule.from_jurisdiction.empty() || !rule.to_jurisdiction.empty()) {
        if (!from) from = Jurisdiction(ledger, sender);
        if (!to) to = Jurisdiction(ledger, receiver);
        if (!rule.Matches(*from, *to)) continue;
      }
      const std::string id = "rule " + std::to_string(rule.id);
      if (rule.kind == AmlRuleKind::kThreshold) {
        if (leg.amount > rule.max_amount) {
          return Trip{rule.id, leg,
                      "threshold " + id + ": amount " + std::to_string(leg.amount) + " above " +
                          std::to_string(rule.max_amount)};
        }
        continue;
      }
      const VelocityCounter c = CounterInWindow(ledger.view(), sender, rule, height);
      uint64_t total = 0;
      const bool total_over = __builtin_add_overflow(c.total, leg.amount, &total) ||
                              (rule.max_amount != 0 && total > rule.max_amount);
      const bool count_over = rule.max_count != 0 && c.count >= rule.max_count;
      if (total_over || count_over) {
        const std::string window = " in the window from height " + std::to_string(c.window_start) +
                                   " (" + std::to_string(rule.window_blocks) + " blocks)";
        return Trip{rule.id, leg,
                    total_over ? "velocity " + id + ": total " + std::to_string(total) + " above " +
                                     std::to_string(rule.max_amount) + window
                               : "velocity " + id + ": transaction " + std::to_string(c.count + 1) +
                                     " above " + std::to_string(rule.max_count) + window};
      }
    }
  }
  return std::nullopt;
}

// Counts the legs in the sender's velocity windows (saturating: a total
// that reaches 2^64 - 1 stays there and trips every later check).
void RecordVelocity(Ledger& ledger, const Address& sender, const Address& receiver,
                    const std::vector<Leg>& legs, uint64_t height) {
  std::optional<std::string> from, to;
  for (const Leg& leg : legs) {
    for (const AmlRule& rule : ReadAmlRules(ledger.view(), leg.asset)) {
      if (rule.kind != AmlRuleKind::kVelocity) continue;
      if (!rule.from_jurisdiction.empty() || !rule.to_jurisdiction.empty()) {
        if (!from) from = Jurisdiction(ledger, sender);
        if (!to) to = Jurisdiction(ledger, receiver);
        if (!rule.Matches(*from, *to)) continue;
      }
      VelocityCounter c = CounterInWindow(ledger.view(), sender, rule, height);
      if (__builtin_add_overflow(c.total, leg.amount, &c.total)) c.total = UINT64_MAX;
      c.count += 1;  // < 2^64: one per transaction
      ledger.view().Put(VelocityCounterKey(sender, rule.id), EncodeVelocityCounter(c));
    }
  }
}

uint64_t PutActivity(StateOverlay& view, ActivityRecord a) {
  a.id = NextAmlId(view, 's');
  view.Put(ActivityRecordKey(a.id), a.Encode());
  return a.id;
}

// Takes `rule` out of its asset's list (deleting an emptied list).
void DropFromRuleList(StateOverlay& view, const AmlRule& rule) {
  std::vector<AmlRule> list = ReadAmlRules(view, rule.asset);
  std::erase_if(list, [&](const AmlRule& r) { return r.id == rule.id; });
  if (list.empty()) {
    view.Delete(AmlRuleListKey(rule.asset));
  } else {
    view.Put(AmlRuleListKey(rule.asset), EncodeAmlRules(list));
  }
}

// The activity record of a decision on (or the expiry of) hold `h`.
ActivityRecord ActivityOf(const Hold& h, ActivityKind kind, uint64_t height) {
  ActivityRecord a;
  a.kind = kind;
  a.hold_id = h.id;
  a.subject = h.sender;
  a.counterparty = h.receiver;
  a.asset = h.asset;
  a.amount = h.amount;
  a.rule_id = h.rule_id;
  a.height = height;
  return a;
}

// Moves a hold's amount back from locked to available. Cannot fail: an open
// hold's funds are locked (the invariant the property test checks).
void Unlock(Ledger& ledger, const Hold& h) {
  Balance b = ledger.GetBalance(h.sender, h.asset);
  if (b.locked < h.amount || __builtin_add_overflow(b.available, h.amount, &b.available)) {
    std::abort();
  }
  b.locked -= h.amount;
  ledger.PutBalance(h.sender, h.asset, b);
}

void Close(Ledger& ledger, Hold& h, HoldStatus status, const Address& by, uint64_t height,
           const Hash& tx, std::string reason) {
  ledger.view().Delete(HoldDeadlineKey(h.deadline_height, h.id));
  h.status = status;
  h.decided_by = by;
  h.decided_height = height;
  h.decision_tx = tx;
  h.reason = std::move(reason);
  ledger.view().Put(HoldKey(h.id), h.Encode());
}

Event HoldEvent(EventType type, const Hold& h, const Address& counterparty) {
  Event e = MakeEvent(type, h.sender);
  e.counterparty = counterparty;
  e.asset = h.asset;
  e.amount = h.amount;
  e.detail = h.id;
  return e;
}

// Holds `op` (sent by c.sender): locks `lock` in the sender's balance.
RC PlaceHold(OpContext& c, const Operation& op, const Leg& lock, const Trip& trip) {
  Balance b = c.ledger.GetBalance(c.sender, lock.asset);
  if (b.available < lock.amount) return RC::kInsufficientBalance;  // the trial checked it
  if (!CheckedAdd(b.locked, lock.amount, b.locked)) return RC::kOverflow;
  b.available -= lock.amount;
  c.ledger.PutBalance(c.sender, lock.asset, b);

  StateOverlay& view = c.ledger.view();
  Hold h;
  h.id = NextAmlId(view, 'h');
  h.tx_id = c.tx_id;
  h.sender = c.sender;
  h.receiver = ReceiverOf(op);
  h.op = op;
  h.asset = lock.asset;
  h.amount = lock.amount;
  h.rule_id = trip.rule_id;
  h.created_height = c.block.height;
  if (__builtin_add_overflow(c.block.height, ReadHoldExpiryBlocks(view), &h.deadline_height)) {
    h.deadline_height = UINT64_MAX;
  }
  view.Put(HoldKey(h.id), h.Encode());
  view.Put(HoldDeadlineKey(h.deadline_height, h.id), Bytes{});
  Writer w(8);
  w.U64(h.id);
  view.Put(HoldByTxKey(c.tx_id), w.data());

  ActivityRecord a;
  a.kind = ActivityKind::kHeld;
  a.hold_id = h.id;
  a.subject = h.sender;
  a.counterparty = h.receiver;
  a.asset = trip.leg.asset;
  a.amount = trip.leg.amount;
  a.rule_id = trip.rule_id;
  a.height = c.block.height;
  a.tx_id = c.tx_id;
  a.reason = trip.why;
  PutActivity(view, std::move(a));

  c.events.push_back(HoldEvent(EventType::kPaymentHeld, h, Address{}));
  Event tripped = MakeEvent(EventType::kAmlRuleTripped, c.sender);
  tripped.asset = trip.leg.asset;
  tripped.amount = trip.leg.amount;
  tripped.detail = trip.rule_id;
  c.events.push_back(std::move(tripped));
  return RC::kHeld;
}

// Runs a payment or fx_payment from c.sender, without the screen. A payment
// that applies is recorded under c.tx_id so that it can be disputed (§3.9).
RC ApplyUnscreened(OpContext& c, const Operation& op) {
  if (const auto* p = std::get_if<Payment>(&op)) {
    RC rc = Pay(c, c.sender, p->to, p->asset, p->amount);
    if (rc == RC::kSuccess) RecordPayment(c, *p);
    return rc;
  }
  return RunFxPayment(c, std::get<FxPayment>(op));
}

}  // namespace

RC RunScreened(OpContext& c, const Operation& op) {
  // Most assets have no rules: then there is nothing to screen or count.
  if (!HasRulesFor(c.ledger.view(), op)) return ApplyUnscreened(c, op);
  StateOverlay trial = c.ledger.view().Child();
  Ledger trial_ledger(trial);
  std::vector<Event> events;
  OpContext tc{trial_ledger, c.sender, events, c.block, c.tx_id, c.failure};
  RC rc = ApplyUnscreened(tc, op);
  if (rc != RC::kSuccess) return rc;
  const std::vector<Leg> legs = LegsOf(op, c.sender, events);
  const Address receiver = ReceiverOf(op);
  if (auto trip = Screen(c.ledger, c.sender, receiver, legs, c.block.height)) {
    return PlaceHold(c, op, legs.front(), *trip);  // the trial is dropped
  }
  trial.MergeInto(c.ledger.view());
  for (Event& e : events) c.events.push_back(std::move(e));
  RecordVelocity(c.ledger, c.sender, receiver, legs, c.block.height);
  return RC::kSuccess;
}

RC RunAmlRuleSet(OpContext& c, const Account& sender, const AmlRuleSet& op) {
  if (!IsCompliance(sender)) return RC::kUnauthorizedRole;
  if (!c.ledger.GetAsset(op.asset)) return RC::kUnknownAsset;
  StateOverlay& view = c.ledger.view();
  AmlRule rule;
  if (op.rule_id != 0) {
    auto old = ReadAmlRule(view, op.rule_id);
    if (!old) return RC::kRuleNotFound;
    DropFromRuleList(view, *old);
    rule.id = op.rule_id;
  }
  std::vector<AmlRule> list = ReadAmlRules(view, op.asset);
  if (list.size() >= kMaxRulesPerAsset) return RC::kTooManyRules;
  if (rule.id == 0) rule.id = NextAmlId(view, 'r');
  rule.kind = op.kind;
  rule.asset = op.asset;
  rule.from_jurisdiction = op.from_jurisdiction;
  rule.to_jurisdiction = op.to_jurisdiction;
  rule.max_amount = op.max_amount;
  rule.max_count = op.max_count;
  rule.window_blocks = op.window_blocks;
  rule.set_by = c.sender;
  rule.set_height = c.block.height;
  auto at = std::lower_bound(list.begin(), list.end(), rule.id,
                             [](const AmlRule& r, uint64_t id) { return r.id < id; });
  list.insert(at, rule);
  view.Put(AmlRuleListKey(op.asset), EncodeAmlRules(list));
  Writer w(16);
  w.String(op.asset);
  view.Put(AmlRuleAssetKey(rule.id), w.data());

  Event e = MakeEvent(EventType::kAmlRuleSet, c.sender);
  e.asset = op.asset;
  e.amount = op.max_amount;
  e.detail = rule.id;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC RunAmlRuleRemove(OpContext& c, const Account& sender, const AmlRuleRemove& op) {
  if (!IsCompliance(sender)) return RC::kUnauthorizedRole;
  StateOverlay& view = c.ledger.view();
  auto rule = ReadAmlRule(view, op.rule_id);
  if (!rule) return RC::kRuleNotFound;
  DropFromRuleList(view, *rule);
  view.Delete(AmlRuleAssetKey(op.rule_id));
  Event e = MakeEvent(EventType::kAmlRuleRemoved, c.sender);
  e.asset = rule->asset;
  e.amount = rule->max_amount;
  e.detail = rule->id;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC RunAmlSetHoldExpiry(OpContext& c, const Account& sender, const AmlSetHoldExpiry& op) {
  if (!IsCompliance(sender)) return RC::kUnauthorizedRole;
  if (ReadHoldExpiryBlocks(c.ledger.view()) == op.blocks) return RC::kNoChange;
  Writer w(8);
  w.U64(op.blocks);
  c.ledger.view().Put(HoldExpiryParamKey(), w.data());
  Event e = MakeEvent(EventType::kHoldExpirySet, c.sender);
  e.detail = op.blocks;
  c.events.push_back(std::move(e));
  return RC::kSuccess;
}

RC RunHoldApprove(OpContext& c, const Account& sender, const HoldApprove& op) {
  if (!IsCompliance(sender)) return RC::kUnauthorizedRole;
  auto h = ReadHold(c.ledger.view(), op.hold_id);
  if (!h) return RC::kHoldNotFound;
  // At or past the deadline the hold is expired (the begin-block step may
  // not have reached it yet when many were due): it can only be refunded.
  if (h->status != HoldStatus::kOpen || c.block.height >= h->deadline_height) {
    return RC::kHoldClosed;
  }
  auto payer = c.ledger.GetAccount(h->sender);
  if (!payer) std::abort();  // accounts are never deleted
  if (payer->frozen) return RC::kSenderFrozen;
  Unlock(c.ledger, *h);
  c.events.push_back(HoldEvent(EventType::kHoldApproved, *h, c.sender));
  // The payment now runs as if its sender had submitted it in this block;
  // if it fails (receiver frozen since, rate stale, ...) the approval fails
  // with its code and the hold stays open.
  const size_t first = c.events.size();
  // Under the held transaction's id: that is the payment a dispute names.
  OpContext pc{c.ledger, h->sender, c.events, c.block, h->tx_id, c.failure};
  RC rc = ApplyUnscreened(pc, h->op);
  if (rc != RC::kSuccess) return rc;
  const std::vector<Event> moved(c.events.begin() + static_cast<std::ptrdiff_t>(first),
                                 c.events.end());
  RecordVelocity(c.ledger, h->sender, h->receiver, LegsOf(h->op, h->sender, moved), c.block.height);
  Close(c.ledger, *h, HoldStatus::kApproved, c.sender, c.block.height, c.tx_id, op.reason);
  return RC::kSuccess;
}

RC RunHoldReject(OpContext& c, const Account& sender, const HoldReject& op) {
  if (!IsCompliance(sender)) return RC::kUnauthorizedRole;
  auto h = ReadHold(c.ledger.view(), op.hold_id);
  if (!h) return RC::kHoldNotFound;
  if (h->status != HoldStatus::kOpen) return RC::kHoldClosed;
  Unlock(c.ledger, *h);
  Close(c.ledger, *h, HoldStatus::kRejected, c.sender, c.block.height, c.tx_id, op.reason);
  ActivityRecord a = ActivityOf(*h, ActivityKind::kRejected, c.block.height);
  a.tx_id = c.tx_id;
  a.author = c.sender;
  a.reason = op.reason;
  PutActivity(c.ledger.view(), std::move(a));
  c.events.push_back(HoldEvent(EventType::kHoldRejected, *h, c.sender));
  return RC::kSuccess;
}

std::vector<Event> ExpireDueHolds(const StateStore& base, StateOverlay& view, uint64_t height) {
  std::vector<Event> events;
  Ledger ledger(view);
  // The deadline index is read from the committed state: this step runs
  // before any transaction of the block (as RefundDueEscrows).
  for (const auto& [key, value] : base.ScanPrefix(HoldDeadlinePrefix(), kMaxHoldExpiriesPerBlock)) {
    if (key.size() != 17) std::abort();  // corrupt store
    const uint64_t deadline = IdFromKeySuffix(ByteSpan(key).first(9));
    if (deadline > height) break;  // keys are in (deadline, id) order
    auto h = ReadHold(view, IdFromKeySuffix(key));
    if (!h || h->status != HoldStatus::kOpen) std::abort();  // index without an open hold
    Unlock(ledger, *h);
    Close(ledger, *h, HoldStatus::kExpired, Address{}, height, Hash{}, "expired");
    ActivityRecord a = ActivityOf(*h, ActivityKind::kExpired, height);
    a.reason = "no decision before the deadline at height " + std::to_string(h->deadline_height);
    PutActivity(view, std::move(a));
    events.push_back(HoldEvent(EventType::kHoldExpired, *h, Address{}));
  }
  return events;
}

}  // namespace corridor::contracts::internal

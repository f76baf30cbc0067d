// Disputes over committed payments (docs/state.md §3.9). Every successful
// `payment` leaves a PaymentRecord under its transaction id, so a dispute can
// name the payment and the executor can check it from the state alone. A
// hold moves the disputed amount from the payee's available to its locked
// balance until an arbiter resolves the dispute: a refund (payee -> payer,
// at most the disputed amount) or a dismissal, both releasing the hold.
#include "contracts/escrow_state.h"
#include "contracts/op_context.h"

#include <cstdlib>

namespace corridor::contracts::internal {
namespace {

using RC = ResultCode;

uint64_t TakeNextDisputeId(StateOverlay& view) {
  uint64_t id = 1;
  if (auto v = view.Get(NextDisputeIdKey())) {
    Reader r(*v);
    r.U64(id);
    if (!r.ExpectEnd()) std::abort();  // corrupt store
  }
  Writer w(8);
  w.U64(id + 1);
  view.Put(NextDisputeIdKey(), w.data());
  return id;
}

Event DisputeEvent(EventType type, const Address& account, const Dispute& d, uint64_t amount) {
  Event e = MakeEvent(type, account);
  e.asset = d.asset;
  e.amount = amount;
  e.detail = d.id;
  return e;
}

}  // namespace

void RecordPayment(OpContext& c, const Payment& op) {
  PaymentRecord p;
  p.from = c.sender;
  p.to = op.to;
  p.asset = op.asset;
  p.amount = op.amount;
  p.height = c.block.height;
  c.ledger.view().Put(PaymentRecordKey(c.tx_id), p.Encode());
}

RC RunDisputeOpen(OpContext& c, const DisputeOpen& op) {
  auto payment = ReadPaymentRecord(c.ledger.view(), op.payment_tx);
  if (!payment) return RC::kPaymentNotFound;
  if (c.sender != payment->from && c.sender != payment->to) return RC::kNotParty;
  if (ReadPaymentDispute(c.ledger.view(), op.payment_tx)) return RC::kAlreadyDisputed;
  if (op.amount > payment->amount) return RC::kExceedsDisputedAmount;

  Dispute d;
  d.id = 0;  // assigned below, once nothing can fail
  d.payment_tx = op.payment_tx;
  d.opener = c.sender;
  d.payer = payment->from;
  d.payee = payment->to;
  d.asset = payment->asset;
  d.amount = op.amount;
  d.reason = op.reason;
  d.opened_height = c.block.height;
  d.open_tx = c.tx_id;
  if (op.hold) {
    Balance b = c.ledger.GetBalance(d.payee, d.asset);
    if (b.available < op.amount) return RC::kInsufficientBalance;
    if (!CheckedAdd(b.locked, op.amount, b.locked)) return RC::kOverflow;
    b.available -= op.amount;
    c.ledger.PutBalance(d.payee, d.asset, b);
    d.held = op.amount;
  }
  d.id = TakeNextDisputeId(c.ledger.view());
  c.ledger.view().Put(DisputeKey(d.id), d.Encode());
  c.ledger.view().Put(DisputeStatusKey(DisputeStatus::kOpen, d.id), Bytes{});
  Writer w(8);
  w.U64(d.id);
  c.ledger.view().Put(PaymentDisputeKey(op.payment_tx), w.data());

  Event opened = DisputeEvent(EventType::kDisputeOpened, c.sender, d, d.amount);
  opened.counterparty = c.sender == d.payer ? d.payee : d.payer;
  c.events.push_back(std::move(opened));
  if (d.held > 0) c.events.push_back(DisputeEvent(EventType::kHoldPlaced, d.payee, d, d.held));
  return RC::kSuccess;
}

RC RunDisputeResolve(OpContext& c, const Account& sender, const DisputeResolve& op) {
  auto d = ReadDispute(c.ledger.view(), op.dispute_id);
  if (!d) return RC::kDisputeNotFound;
  if (d->status != DisputeStatus::kOpen) return RC::kAlreadyClosed;
  // An arbiter never decides a dispute over its own payment.
  if (!sender.HasRole(Role::kArbiter) || c.sender == d->payer || c.sender == d->payee) {
    return RC::kNotArbiter;
  }
  if (op.refund_amount > d->amount) return RC::kExceedsDisputedAmount;

  if (d->held > 0) {
    Balance b = c.ledger.GetBalance(d->payee, d->asset);
    if (b.locked < d->held) std::abort();  // an open dispute's hold is always locked
    b.locked -= d->held;
    b.available += d->held;  // <= supply: cannot overflow
    c.ledger.PutBalance(d->payee, d->asset, b);
    c.events.push_back(DisputeEvent(EventType::kHoldReleased, d->payee, *d, d->held));
  }
  if (op.refund_amount > 0) {
    // The payment rules apply to the refund: the payer registered and not
    // frozen, the asset not frozen, the payee's funds available.
    RC rc = Pay(c, d->payee, d->payer, d->asset, op.refund_amount);
    if (rc != RC::kSuccess) return rc;
  }
  c.ledger.view().Delete(DisputeStatusKey(DisputeStatus::kOpen, d->id));
  d->status = op.refund_amount > 0 ? DisputeStatus::kRefunded : DisputeStatus::kDismissed;
  d->arbiter = c.sender;
  d->refunded = op.refund_amount;
  d->resolved_height = c.block.height;
  c.ledger.view().Put(DisputeStatusKey(d->status, d->id), Bytes{});
  c.ledger.view().Put(DisputeKey(d->id), d->Encode());
  Event resolved = DisputeEvent(EventType::kDisputeResolved, c.sender, *d, op.refund_amount);
  resolved.counterparty = d->payer;
  c.events.push_back(std::move(resolved));
  return RC::kSuccess;
}

}  // namespace corridor::contracts::internal

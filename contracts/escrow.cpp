// Escrow with refund (docs/state.md §3.8): escrow_create locks funds in the
// sender's balance (available -> locked), escrow_release pays them to the
// receiver, escrow_cancel and the begin-block step at the deadline give them
// back (locked -> available). Every open escrow has one deadline-index entry,
// so the begin-block step reads only the escrows that are due.
#include "contracts/escrow_state.h"
#include "contracts/op_context.h"
#include "contracts/state_keys.h"

#include <cstdlib>

namespace corridor::contracts::internal {
namespace {

using RC = ResultCode;

void PutEscrow(StateOverlay& view, const Escrow& e) {
  view.Put(EscrowKey(e.id), e.Encode());
}

// Moves the escrow's amount back from the sender's locked to its available
// balance and closes the escrow as refunded. Cannot fail: the amount is in
// `locked` (the conservation invariant), and available + locked <= supply.
Event Refund(Ledger& ledger, Escrow& e, const Address& closed_by, uint64_t height) {
  Balance b = ledger.GetBalance(e.sender, e.asset);
  if (b.locked < e.amount || __builtin_add_overflow(b.available, e.amount, &b.available)) {
    std::abort();  // an open escrow's funds are always locked
  }
  b.locked -= e.amount;
  ledger.PutBalance(e.sender, e.asset, b);
  ledger.view().Delete(EscrowDeadlineKey(e.deadline_height, e.id));
  e.status = EscrowStatus::kRefunded;
  e.closed_height = height;
  e.closed_by = closed_by;
  PutEscrow(ledger.view(), e);
  Event ev = MakeEvent(EventType::kEscrowRefunded, e.sender);
  ev.counterparty = closed_by;
  ev.asset = e.asset;
  ev.amount = e.amount;
  ev.detail = e.id;
  return ev;
}

bool IsArbiter(Ledger& ledger, const Address& a) {
  auto acc = ledger.GetAccount(a);
  return acc && acc->HasRole(Role::kArbiter);
}

}  // namespace

RC RunEscrowCreate(OpContext& c, const EscrowCreate& op) {
  auto asset = c.ledger.GetAsset(op.asset);
  if (!asset) return RC::kUnknownAsset;
  if (asset->frozen) return RC::kAssetFrozen;
  auto to = c.ledger.GetAccount(op.to);
  if (!to) return RC::kUnknownAccount;
  if (to->frozen) return RC::kReceiverFrozen;
  if (!op.arbiter.IsZero() && !IsArbiter(c.ledger, op.arbiter)) return RC::kNotArbiter;
  if (op.deadline_height <= c.block.height) return RC::kEscrowExpired;
  Balance b = c.ledger.GetBalance(c.sender, op.asset);
  if (b.available < op.amount) return RC::kInsufficientBalance;
  if (!CheckedAdd(b.locked, op.amount, b.locked)) return RC::kOverflow;
  b.available -= op.amount;
  c.ledger.PutBalance(c.sender, op.asset, b);

  Escrow e;
  e.id = TakeNextId(c.ledger.view(), NextEscrowIdKey());
  e.sender = c.sender;
  e.receiver = op.to;
  e.asset = op.asset;
  e.amount = op.amount;
  e.arbiter = op.arbiter;
  e.hash_lock = op.hash_lock;
  e.deadline_height = op.deadline_height;
  e.created_height = c.block.height;
  e.create_tx = c.tx_id;
  PutEscrow(c.ledger.view(), e);
  c.ledger.view().Put(EscrowDeadlineKey(e.deadline_height, e.id), Bytes{});

  Event ev = MakeEvent(EventType::kEscrowCreated, c.sender);
  ev.counterparty = op.to;
  ev.asset = op.asset;
  ev.amount = op.amount;
  ev.detail = e.id;
  c.events.push_back(std::move(ev));
  return RC::kSuccess;
}

RC RunEscrowRelease(OpContext& c, const EscrowRelease& op) {
  auto e = ReadEscrow(c.ledger.view(), op.escrow_id);
  if (!e) return RC::kEscrowNotFound;
  if (e->status != EscrowStatus::kOpen) return RC::kAlreadyClosed;
  if (c.block.height >= e->deadline_height) return RC::kEscrowExpired;
  if (!op.preimage.empty()) {
    // Anyone holding the preimage may release; it must match the lock.
    if (e->hash_lock.IsZero() || Sha256(op.preimage) != e->hash_lock) return RC::kWrongPreimage;
  } else if (c.sender == e->arbiter) {
    if (!IsArbiter(c.ledger, c.sender)) return RC::kNotArbiter;
  } else if (c.sender != e->sender) {
    return RC::kNotParty;
  }

  Balance b = c.ledger.GetBalance(e->sender, e->asset);
  if (b.locked < e->amount) std::abort();  // an open escrow's funds are always locked
  b.locked -= e->amount;
  b.available += e->amount;  // <= supply: cannot overflow
  c.ledger.PutBalance(e->sender, e->asset, b);
  Event ev = MakeEvent(EventType::kEscrowReleased, e->sender);
  ev.counterparty = e->receiver;
  ev.asset = e->asset;
  ev.amount = e->amount;
  ev.detail = e->id;
  c.events.push_back(std::move(ev));
  // The payment rules apply to the receiver: registered, not frozen, asset
  // not frozen. On failure the executor drops all of the above.
  RC rc = Pay(c, e->sender, e->receiver, e->asset, e->amount);
  if (rc != RC::kSuccess) return rc;

  c.ledger.view().Delete(EscrowDeadlineKey(e->deadline_height, e->id));
  e->status = EscrowStatus::kReleased;
  e->closed_height = c.block.height;
  e->closed_by = c.sender;
  e->preimage = op.preimage;
  PutEscrow(c.ledger.view(), *e);
  return RC::kSuccess;
}

RC RunEscrowCancel(OpContext& c, const EscrowCancel& op) {
  auto e = ReadEscrow(c.ledger.view(), op.escrow_id);
  if (!e) return RC::kEscrowNotFound;
  if (e->status != EscrowStatus::kOpen) return RC::kAlreadyClosed;
  if (c.sender == e->arbiter) {
    if (!IsArbiter(c.ledger, c.sender)) return RC::kNotArbiter;
  } else if (c.sender != e->sender && c.sender != e->receiver) {
    return RC::kNotParty;
  }
  c.events.push_back(Refund(c.ledger, *e, c.sender, c.block.height));
  return RC::kSuccess;
}

std::vector<Event> RefundDueEscrows(const StateStore& base, StateOverlay& view, uint64_t height) {
  std::vector<Event> events;
  Ledger ledger(view);
  // The index is read from the committed state: this step runs before any
  // transaction of the block, so no open escrow exists only in `view`.
  for (const auto& [key, value] : base.ScanPrefix(EscrowDeadlinePrefix(), kMaxRefundsPerBlock)) {
    if (key.size() != 17) std::abort();  // corrupt store
    const uint64_t deadline = IdFromKeySuffix(ByteSpan(key).first(9));
    if (deadline > height) break;  // keys are in (deadline, id) order
    auto e = ReadEscrow(view, IdFromKeySuffix(key));
    if (!e || e->status != EscrowStatus::kOpen) std::abort();  // index without an open escrow
    events.push_back(Refund(ledger, *e, Address{}, height));
  }
  if (!events.empty()) view.Put(SystemEventsKey(), SystemEvents{height, events}.Encode());
  return events;
}

}  // namespace corridor::contracts::internal

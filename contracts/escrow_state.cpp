#include "contracts/escrow_state.h"
#include "contracts/state_keys.h"

#include <cstdlib>

#include "chain/encoding.h"
#include "chain/limits.h"
#include "chain/operation.h"

namespace corridor::contracts {
namespace {

constexpr uint8_t kEscrowKind = 0x10;
constexpr uint8_t kNextIdKind = 0x11;
constexpr uint8_t kEscrowDeadlineKind = 0x12;
constexpr uint8_t kDisputeKind = 0x13;
constexpr uint8_t kDisputeStatusKind = 0x14;
constexpr uint8_t kPaymentDisputeKind = 0x15;
constexpr uint8_t kPaymentRecordKind = 0x16;
constexpr uint8_t kSystemEventsKind = 0x17;

using internal::KindKey;
using internal::SetBE64;

Bytes HashKey(uint8_t kind, const Hash& h) {
  Bytes k = KindKey(kind, 1 + Hash::kSize);
  for (size_t i = 0; i < Hash::kSize; ++i) k[1 + i] = h.bytes[i];
  return k;
}

[[noreturn]] void Corrupt() {
  // A stored record that does not decode: the store is corrupt (ledger.cpp).
  std::abort();
}

// Largest encoded event: u16 + 2 addresses + (1 + 12) code + 2 u64.
constexpr size_t kMaxEventBytes = 2 + 2 * Address::kSize + 1 + kMaxAssetCodeBytes + 16;
static_assert(16 + kMaxRefundsPerBlock * kMaxEventBytes <= kMaxStateValueBytes,
              "one block's refund events must fit in one state value");
constexpr size_t kMinEventBytes = 2 + 2 * Address::kSize + 1 + 16;

}  // namespace

std::string_view EscrowStatusName(EscrowStatus s) {
  switch (s) {
    case EscrowStatus::kOpen:
      return "open";
    case EscrowStatus::kReleased:
      return "released";
    case EscrowStatus::kRefunded:
      return "refunded";
  }
  return "unknown";
}

std::string_view DisputeStatusName(DisputeStatus s) {
  switch (s) {
    case DisputeStatus::kOpen:
      return "open";
    case DisputeStatus::kRefunded:
      return "refunded";
    case DisputeStatus::kDismissed:
      return "dismissed";
  }
  return "unknown";
}

bool ParseDisputeStatus(std::string_view name, DisputeStatus& out) {
  for (uint8_t i = 0; i <= kMaxDisputeStatus; ++i) {
    if (DisputeStatusName(static_cast<DisputeStatus>(i)) == name) {
      out = static_cast<DisputeStatus>(i);
      return true;
    }
  }
  return false;
}

Bytes Escrow::Encode() const {
  Writer w(200 + preimage.size());
  w.Fixed(sender.bytes);
  w.Fixed(receiver.bytes);
  w.String(asset);
  w.U64(amount);
  w.Fixed(arbiter.bytes);
  w.Fixed(hash_lock.bytes);
  w.U64(deadline_height);
  w.U64(created_height);
  w.Fixed(create_tx.bytes);
  w.U8(static_cast<uint8_t>(status));
  w.U64(closed_height);
  w.Fixed(closed_by.bytes);
  w.VarBytes(preimage);
  return std::move(w).Take();
}

std::optional<Escrow> Escrow::Decode(uint64_t id, ByteSpan data) {
  Reader r(data);
  Escrow e;
  e.id = id;
  r.Fixed(e.sender.bytes);
  r.Fixed(e.receiver.bytes);
  r.String(e.asset, kMaxAssetCodeBytes);
  r.U64(e.amount);
  r.Fixed(e.arbiter.bytes);
  r.Fixed(e.hash_lock.bytes);
  r.U64(e.deadline_height);
  r.U64(e.created_height);
  r.Fixed(e.create_tx.bytes);
  uint8_t status = 0;
  r.U8(status);
  r.U64(e.closed_height);
  r.Fixed(e.closed_by.bytes);
  r.VarBytes(e.preimage, kMaxPreimageBytes);
  if (!r.ExpectEnd() || status > 2) return std::nullopt;
  e.status = static_cast<EscrowStatus>(status);
  return e;
}

Bytes Dispute::Encode() const {
  Writer w(256 + reason.size());
  w.Fixed(payment_tx.bytes);
  w.Fixed(opener.bytes);
  w.Fixed(payer.bytes);
  w.Fixed(payee.bytes);
  w.String(asset);
  w.U64(amount);
  w.U64(held);
  w.String(reason);
  w.U64(opened_height);
  w.Fixed(open_tx.bytes);
  w.U8(static_cast<uint8_t>(status));
  w.Fixed(arbiter.bytes);
  w.U64(refunded);
  w.U64(resolved_height);
  return std::move(w).Take();
}

std::optional<Dispute> Dispute::Decode(uint64_t id, ByteSpan data) {
  Reader r(data);
  Dispute d;
  d.id = id;
  r.Fixed(d.payment_tx.bytes);
  r.Fixed(d.opener.bytes);
  r.Fixed(d.payer.bytes);
  r.Fixed(d.payee.bytes);
  r.String(d.asset, kMaxAssetCodeBytes);
  r.U64(d.amount);
  r.U64(d.held);
  r.String(d.reason, kMaxDisputeReasonBytes);
  r.U64(d.opened_height);
  r.Fixed(d.open_tx.bytes);
  uint8_t status = 0;
  r.U8(status);
  r.Fixed(d.arbiter.bytes);
  r.U64(d.refunded);
  r.U64(d.resolved_height);
  if (!r.ExpectEnd() || status > kMaxDisputeStatus) return std::nullopt;
  d.status = static_cast<DisputeStatus>(status);
  return d;
}

Bytes PaymentRecord::Encode() const {
  Writer w(72);
  w.Fixed(from.bytes);
  w.Fixed(to.bytes);
  w.String(asset);
  w.U64(amount);
  w.U64(height);
  return std::move(w).Take();
}

std::optional<PaymentRecord> PaymentRecord::Decode(ByteSpan data) {
  Reader r(data);
  PaymentRecord p;
  r.Fixed(p.from.bytes);
  r.Fixed(p.to.bytes);
  r.String(p.asset, kMaxAssetCodeBytes);
  r.U64(p.amount);
  r.U64(p.height);
  if (!r.ExpectEnd()) return std::nullopt;
  return p;
}

Bytes SystemEvents::Encode() const {
  Writer w(16 + events.size() * kMaxEventBytes);
  w.U64(height);
  w.Varint(events.size());
  for (const Event& e : events) e.Encode(w);
  return std::move(w).Take();
}

std::optional<SystemEvents> SystemEvents::Decode(ByteSpan data) {
  Reader r(data);
  SystemEvents s;
  r.U64(s.height);
  uint64_t n = 0;
  if (r.Count(n, kMaxRefundsPerBlock, kMinEventBytes)) {
    s.events.resize(n);
    for (Event& e : s.events) Event::Decode(r, e);
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return s;
}

Bytes EscrowKey(uint64_t id) {
  Bytes k = KindKey(kEscrowKind, 9);
  SetBE64(k, 1, id);
  return k;
}
Bytes EscrowDeadlinePrefix() {
  return Bytes{kEscrowDeadlineKind};
}
Bytes EscrowDeadlineKey(uint64_t deadline, uint64_t id) {
  Bytes k = KindKey(kEscrowDeadlineKind, 17);
  SetBE64(k, 1, deadline);
  SetBE64(k, 9, id);
  return k;
}
Bytes NextEscrowIdKey() {
  return Bytes{kNextIdKind, 'e'};
}
Bytes NextDisputeIdKey() {
  return Bytes{kNextIdKind, 'd'};
}
Bytes DisputeKey(uint64_t id) {
  Bytes k = KindKey(kDisputeKind, 9);
  SetBE64(k, 1, id);
  return k;
}
Bytes DisputePrefix() {
  return Bytes{kDisputeKind};
}
Bytes DisputeStatusPrefix(DisputeStatus status) {
  return Bytes{kDisputeStatusKind, static_cast<uint8_t>(status)};
}
Bytes DisputeStatusKey(DisputeStatus status, uint64_t id) {
  Bytes k = KindKey(kDisputeStatusKind, 10);
  k[1] = static_cast<uint8_t>(status);
  SetBE64(k, 2, id);
  return k;
}
Bytes PaymentDisputeKey(const Hash& payment_tx) {
  return HashKey(kPaymentDisputeKind, payment_tx);
}
Bytes PaymentRecordKey(const Hash& payment_tx) {
  return HashKey(kPaymentRecordKind, payment_tx);
}
Bytes SystemEventsKey() {
  return Bytes{kSystemEventsKind};
}

uint64_t IdFromKeySuffix(ByteSpan key) {
  if (key.size() < 8) Corrupt();
  uint64_t v = 0;
  for (size_t i = key.size() - 8; i < key.size(); ++i) v = (v << 8) | key[i];
  return v;
}

std::optional<Escrow> ReadEscrow(const StateView& view, uint64_t id) {
  auto v = view.Get(EscrowKey(id));
  if (!v) return std::nullopt;
  auto e = Escrow::Decode(id, *v);
  if (!e) Corrupt();
  return e;
}

std::optional<Dispute> ReadDispute(const StateView& view, uint64_t id) {
  auto v = view.Get(DisputeKey(id));
  if (!v) return std::nullopt;
  auto d = Dispute::Decode(id, *v);
  if (!d) Corrupt();
  return d;
}

std::optional<PaymentRecord> ReadPaymentRecord(const StateView& view, const Hash& payment_tx) {
  auto v = view.Get(PaymentRecordKey(payment_tx));
  if (!v) return std::nullopt;
  auto p = PaymentRecord::Decode(*v);
  if (!p) Corrupt();
  return p;
}

std::optional<uint64_t> ReadPaymentDispute(const StateView& view, const Hash& payment_tx) {
  auto v = view.Get(PaymentDisputeKey(payment_tx));
  if (!v) return std::nullopt;
  Reader r(*v);
  uint64_t id = 0;
  r.U64(id);
  if (!r.ExpectEnd()) Corrupt();
  return id;
}

std::vector<Event> ReadSystemEvents(const StateView& view, uint64_t height) {
  auto v = view.Get(SystemEventsKey());
  if (!v) return {};
  auto s = SystemEvents::Decode(*v);
  if (!s) Corrupt();
  if (s->height != height) return {};
  return std::move(s->events);
}

}  // namespace corridor::contracts

// State records of escrows and disputes, and the block's system events
// (docs/state.md §1, §3.8-§3.10). Read helpers here serve RPC and tests; the
// operations that write them are in escrow.cpp and dispute.cpp.
//
// Keys (first byte is the record kind):
//   0x10 | BE64 id                    Escrow (kept after it closes)
//   0x11 | 'e' or 'd'                 u64 next escrow / dispute id (absent: 1)
//   0x12 | BE64 deadline | BE64 id    empty; one per OPEN escrow (deadline index)
//   0x13 | BE64 id                    Dispute (kept after it is resolved)
//   0x14 | u8 status | BE64 id        empty; one per dispute (status index)
//   0x15 | payment tx id              u64 id of the payment's dispute
//   0x16 | payment tx id              PaymentRecord, one per successful payment
//   0x17                              SystemEvents of the last block that had any
//
// Funds of an open escrow sit in the escrow sender's `locked` balance, and a
// dispute's hold in the payee's, so supply == sum(available + locked) still
// holds; and for every (account, asset), locked == open escrows it sent +
// holds of open disputes on it (checked by the property test).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/hash.h"
#include "chain/receipt.h"
#include "chain/state_store.h"

namespace corridor::contracts {

enum class EscrowStatus : uint8_t { kOpen = 0, kReleased = 1, kRefunded = 2 };
std::string_view EscrowStatusName(EscrowStatus s);  // "open", "released", "refunded"

struct Escrow {
  uint64_t id = 0;  // from the key
  Address sender;
  Address receiver;
  std::string asset;
  uint64_t amount = 0;
  Address arbiter;  // zero: none
  Hash hash_lock;   // zero: none
  uint64_t deadline_height = 0;
  uint64_t created_height = 0;
  Hash create_tx;
  EscrowStatus status = EscrowStatus::kOpen;
  uint64_t closed_height = 0;  // 0 while open
  Address closed_by;           // who released / cancelled; zero for the deadline refund
  Bytes preimage;              // the preimage presented at release, if any

  Bytes Encode() const;
  static std::optional<Escrow> Decode(uint64_t id, ByteSpan data);
  bool operator==(const Escrow&) const = default;
};

enum class DisputeStatus : uint8_t { kOpen = 0, kRefunded = 1, kDismissed = 2 };
std::string_view DisputeStatusName(DisputeStatus s);  // "open", "refunded", "dismissed"
bool ParseDisputeStatus(std::string_view name, DisputeStatus& out);
inline constexpr uint8_t kMaxDisputeStatus = 2;

struct Dispute {
  uint64_t id = 0;  // from the key
  Hash payment_tx;
  Address opener;
  Address payer;  // the payment's sender
  Address payee;  // the payment's receiver
  std::string asset;
  uint64_t amount = 0;  // disputed
  uint64_t held = 0;    // locked in the payee's balance while open (0 or amount)
  std::string reason;
  uint64_t opened_height = 0;
  Hash open_tx;
  DisputeStatus status = DisputeStatus::kOpen;
  Address arbiter;  // who resolved it; zero while open
  uint64_t refunded = 0;
  uint64_t resolved_height = 0;

  Bytes Encode() const;
  static std::optional<Dispute> Decode(uint64_t id, ByteSpan data);
  bool operator==(const Dispute&) const = default;
};

// A successful `payment`, kept so that a dispute can name it by transaction id.
struct PaymentRecord {
  Address from;
  Address to;
  std::string asset;
  uint64_t amount = 0;
  uint64_t height = 0;

  Bytes Encode() const;
  static std::optional<PaymentRecord> Decode(ByteSpan data);
  bool operator==(const PaymentRecord&) const = default;
};

// Events of a block's begin-block step (refunds at the deadline), which no
// transaction caused. Stored under one key, rewritten by each block that has
// any, so ChainStore::StateAt(h) gives block h's when `height == h`.
struct SystemEvents {
  uint64_t height = 0;
  std::vector<Event> events;

  Bytes Encode() const;
  static std::optional<SystemEvents> Decode(ByteSpan data);
  bool operator==(const SystemEvents&) const = default;
};

// At most this many escrows are refunded at the start of one block; the rest
// wait for the next blocks, in (deadline, id) order.
inline constexpr size_t kMaxRefundsPerBlock = 10'000;

Bytes EscrowKey(uint64_t id);
Bytes EscrowDeadlineKey(uint64_t deadline, uint64_t id);
Bytes EscrowDeadlinePrefix();
Bytes NextEscrowIdKey();
Bytes NextDisputeIdKey();
Bytes DisputeKey(uint64_t id);
Bytes DisputePrefix();
Bytes DisputeStatusKey(DisputeStatus status, uint64_t id);
Bytes DisputeStatusPrefix(DisputeStatus status);
Bytes PaymentDisputeKey(const Hash& payment_tx);
Bytes PaymentRecordKey(const Hash& payment_tx);
Bytes SystemEventsKey();

// The id at the end of an EscrowKey / DisputeKey / DisputeStatusKey /
// EscrowDeadlineKey (its last 8 bytes, big-endian).
uint64_t IdFromKeySuffix(ByteSpan key);

std::optional<Escrow> ReadEscrow(const StateView& view, uint64_t id);
std::optional<Dispute> ReadDispute(const StateView& view, uint64_t id);
std::optional<PaymentRecord> ReadPaymentRecord(const StateView& view, const Hash& payment_tx);
// The id of the dispute opened over the payment, if any.
std::optional<uint64_t> ReadPaymentDispute(const StateView& view, const Hash& payment_tx);
// Block `height`'s system events (empty when it had none). Over
// ChainStore::StateAt(height) for a past block.
std::vector<Event> ReadSystemEvents(const StateView& view, uint64_t height);

}  // namespace corridor::contracts

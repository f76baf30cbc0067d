// Receipts and events: what executing a transaction did (docs/state.md §5).
//
// The chain layer knows their shape only. The numeric codes and event types
// are given meaning by contracts/ (contracts/result_code.h, contracts/event.h).
// A receipt commits to its transaction id, its result code and its events;
// the block header's receipts_root is the Merkle root (chain/merkle.h) of the
// receipts' hashes, each TaggedHash("corridor/receipt", encoded receipt), in
// transaction order.
//
// Plain values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/encoding.h"
#include "chain/hash.h"
#include "chain/result.h"

namespace corridor {

// A settlement batch emits one event per (account, asset) it moves: up to four
// per trade of kMaxBatchTrades (chain/operation.h), plus its own.
inline constexpr size_t kMaxReceiptEvents = 81'920;

// One flat event shape for every kind: unused fields are zero or empty, and
// are still encoded, so every event has exactly one encoding.
struct Event {
  uint16_t type = 0;
  Address account;       // the account acted on (payer, minted-to, registered, frozen...)
  Address counterparty;  // the other side, when there is one (payee)
  std::string asset;     // asset code, or empty
  uint64_t amount = 0;
  uint64_t detail = 0;  // type-specific: a role code, a KYC level, a threshold...

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Event& out);
  bool operator==(const Event&) const = default;
};

struct Receipt {
  Hash tx_id;
  uint16_t code = 0;
  std::vector<Event> events;

  void Encode(Writer& w) const;
  Bytes Encode() const;
  static bool Decode(Reader& r, Receipt& out);
  Hash ComputeHash() const;
  bool operator==(const Receipt&) const = default;
};

Hash ReceiptsRoot(std::span<const Receipt> receipts);

// A block's receipts as stored: varint count, then each receipt.
Bytes EncodeReceipts(std::span<const Receipt> receipts);
Result<std::vector<Receipt>> DecodeReceipts(ByteSpan data);

}  // namespace corridor

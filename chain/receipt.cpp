#include "chain/receipt.h"

#include "chain/limits.h"
#include "chain/merkle.h"
#include "chain/operation.h"

namespace corridor {

void Event::Encode(Writer& w) const {
  w.U16(type);
  w.Fixed(account.bytes);
  w.Fixed(counterparty.bytes);
  w.String(asset);
  w.U64(amount);
  w.U64(detail);
}

bool Event::Decode(Reader& r, Event& out) {
  r.U16(out.type);
  r.Fixed(out.account.bytes);
  r.Fixed(out.counterparty.bytes);
  r.String(out.asset, kMaxAssetCodeBytes);
  if (r.ok() && !out.asset.empty() && !IsValidAssetCode(out.asset)) {
    r.Fail("bad_asset_code", "event asset code must be empty or 1-12 characters A-Z or 0-9");
  }
  r.U64(out.amount);
  r.U64(out.detail);
  return r.ok();
}

void Receipt::Encode(Writer& w) const {
  w.Fixed(tx_id.bytes);
  w.U16(code);
  w.Varint(events.size());
  for (const Event& e : events) e.Encode(w);
}

Bytes Receipt::Encode() const {
  Writer w(64 + events.size() * 80);
  Encode(w);
  return std::move(w).Take();
}

bool Receipt::Decode(Reader& r, Receipt& out) {
  r.Fixed(out.tx_id.bytes);
  r.U16(out.code);
  uint64_t n = 0;
  if (!r.Count(n, kMaxReceiptEvents, 2 + 2 * Address::kSize + 1 + 16)) return false;
  out.events.resize(n);
  for (Event& e : out.events) {
    if (!Event::Decode(r, e)) return false;
  }
  return r.ok();
}

Hash Receipt::ComputeHash() const {
  return TaggedHash(tags::kReceipt, Encode());
}

Hash ReceiptsRoot(std::span<const Receipt> receipts) {
  std::vector<Hash> hashes;
  hashes.reserve(receipts.size());
  for (const Receipt& r : receipts) hashes.push_back(r.ComputeHash());
  return MerkleRoot(hashes);
}

Bytes EncodeReceipts(std::span<const Receipt> receipts) {
  Writer w(receipts.size() * 100 + 8);
  w.Varint(receipts.size());
  for (const Receipt& r : receipts) r.Encode(w);
  return std::move(w).Take();
}

Result<std::vector<Receipt>> DecodeReceipts(ByteSpan data) {
  Reader r(data);
  uint64_t n = 0;
  std::vector<Receipt> out;
  if (r.Count(n, kMaxBlockTransactions, Hash::kSize + 3)) {
    out.resize(n);
    for (Receipt& rc : out) {
      if (!Receipt::Decode(r, rc)) break;
    }
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return out;
}

}  // namespace corridor

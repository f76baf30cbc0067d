// Internal to contracts/: building the state keys of records numbered by id
// (escrows, disputes, AML rules and holds) and handing out those ids.
// docs/state.md §1 lists the keys.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "chain/bytes.h"
#include "chain/encoding.h"
#include "chain/state_store.h"

namespace corridor::contracts::internal {

// A key of `size` bytes starting with `kind`, the rest zero. Keys are sized
// up front and filled by index (g++ 12 -O2 reports a false -Warray-bounds for
// a one-byte vector followed by insert; ledger.cpp).
inline Bytes KindKey(uint8_t kind, size_t size) {
  Bytes k(size);
  k[0] = kind;
  return k;
}

// Writes `v` big-endian at k[at..at+8), so that keys sort by number.
inline void SetBE64(Bytes& k, size_t at, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) k[at + i] = static_cast<uint8_t>(v >> (8 * (7 - i)));
}

// The id stored under `key` (absent: 1), which it then advances.
inline uint64_t TakeNextId(StateOverlay& view, const Bytes& key) {
  uint64_t id = 1;
  if (auto v = view.Get(key)) {
    Reader r(*v);
    r.U64(id);
    if (!r.ExpectEnd()) std::abort();  // corrupt store
  }
  Writer w(8);
  w.U64(id + 1);
  view.Put(key, w.data());
  return id;
}

}  // namespace corridor::contracts::internal

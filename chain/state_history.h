// Past values of the state: every value a block writes is also kept under its
// height, so the state as of any committed height can be read back
// (docs/state.md §6). Statements use it for opening and closing balances,
// auditors for "what was this account at height h".
//
// LevelDB key: 'v' ‖ BE16 key length ‖ state key ‖ BE64 height, value
// u8 0 (deleted at that height) or u8 1 ‖ value. The length prefix keeps the
// versions of one key together and apart from every longer key that shares
// its bytes; reading the version in force at height h is one Seek and at most
// one Prev.
//
// Thread-safety: reads are safe from many threads (LevelDB reads are).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/bytes.h"
#include "chain/state_store.h"

namespace leveldb {
class DB;
class WriteBatch;
}  // namespace leveldb

namespace corridor {

inline constexpr uint8_t kStateHistoryPrefix = 'v';

// Appends the versions of `values` (a block's state writes) at `height`.
void AddStateHistory(leveldb::WriteBatch& batch, const StateChanges& values, uint64_t height);

// The heights at which `key` was written (a version exists), ascending, up
// to `max_height`.
std::vector<uint64_t> StateVersionHeights(leveldb::DB& db, ByteSpan key, uint64_t max_height);

// The state as it was after block `height`: each key's value from the last
// version at or below that height; absent when the key had no value then.
class HistoricalState final : public StateView {
 public:
  HistoricalState(leveldb::DB& db, uint64_t height) : db_(&db), height_(height) {}

  std::optional<Bytes> Get(ByteSpan key) const override;
  uint64_t height() const { return height_; }

 private:
  leveldb::DB* db_;
  uint64_t height_;
};

}  // namespace corridor

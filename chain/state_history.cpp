#include "chain/state_history.h"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <cstring>
#include <memory>

namespace corridor {
namespace {

leveldb::Slice AsSlice(ByteSpan b) {
  return leveldb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

// 'v' ‖ BE16 length ‖ key (the part shared by every version of the key).
Bytes VersionPrefix(ByteSpan key) {
  Bytes k(3 + key.size() + 8);
  k[0] = kStateHistoryPrefix;
  k[1] = static_cast<uint8_t>(key.size() >> 8);
  k[2] = static_cast<uint8_t>(key.size());
  if (!key.empty()) std::memcpy(k.data() + 3, key.data(), key.size());
  k.resize(3 + key.size());
  return k;
}

Bytes VersionKey(ByteSpan key, uint64_t height) {
  Bytes k = VersionPrefix(key);
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<uint8_t>(height >> (8 * i)));
  return k;
}

}  // namespace

void AddStateHistory(leveldb::WriteBatch& batch, const StateChanges& values, uint64_t height) {
  Bytes v;
  for (const auto& [key, value] : values) {
    v.clear();
    if (value) {
      v.reserve(1 + value->size());
      v.push_back(1);
      v.insert(v.end(), value->begin(), value->end());
    } else {
      v.push_back(0);
    }
    batch.Put(AsSlice(VersionKey(key, height)), AsSlice(v));
  }
}

std::vector<uint64_t> StateVersionHeights(leveldb::DB& db, ByteSpan key, uint64_t max_height) {
  std::vector<uint64_t> heights;
  if (key.empty() || key.size() > kMaxStateKeyBytes) return heights;
  const Bytes prefix = VersionPrefix(key);
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
  for (it->Seek(AsSlice(prefix)); it->Valid(); it->Next()) {
    leveldb::Slice k = it->key();
    if (k.size() != prefix.size() + 8 || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) {
      break;
    }
    uint64_t h = 0;
    for (size_t i = 0; i < 8; ++i) h = (h << 8) | static_cast<uint8_t>(k[prefix.size() + i]);
    if (h > max_height) break;
    heights.push_back(h);
  }
  return heights;
}

std::optional<Bytes> HistoricalState::Get(ByteSpan key) const {
  if (key.size() > kMaxStateKeyBytes) return std::nullopt;
  const Bytes prefix = VersionPrefix(key);
  const Bytes target = VersionKey(key, height_);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  it->Seek(AsSlice(target));
  if (!it->Valid()) {
    it->SeekToLast();
  } else if (it->key() != AsSlice(target)) {
    it->Prev();  // the first key above the target: step back to the last one below
  }
  if (!it->Valid()) return std::nullopt;
  leveldb::Slice k = it->key();
  if (k.size() != prefix.size() + 8 || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) {
    return std::nullopt;  // no version of this key at or below the height
  }
  leveldb::Slice v = it->value();
  if (v.empty() || v[0] != 1) return std::nullopt;
  return Bytes(v.data() + 1, v.data() + v.size());
}

}  // namespace corridor

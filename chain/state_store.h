// Key/value state, scratch overlays, and the authenticated state root
// (docs/state.md §1-§3).
//
// State is a map from byte-string keys to byte-string values. contracts/
// decides what the keys mean; this layer only stores them and commits to them.
//
//  - StateView: read access. Implemented by the committed StateStore and by
//    StateOverlay, a scratch layer of puts/deletes over any other view. A block
//    is executed against an overlay (one nested overlay per transaction, so a
//    failed transaction's writes vanish), then committed or dropped.
//  - StateStore: the committed state in LevelDB (values under prefix 's', tree
//    nodes under 't'), plus the state root: a binary sparse Merkle tree over
//    SHA-256(key) in which every subtree holding exactly one leaf collapses to
//    that leaf. The root is a function of the key/value set only (not of the
//    order of updates), and an update touches only the paths of changed keys:
//    O(k log n) node reads and writes for k changed keys in a state of n.
//    Nodes are stored by position (depth, path prefix), so only the current
//    tree is on disk: no garbage, no pruning.
//  - PendingState: the output of StateStore::Prepare(changes): the new root
//    and every value and node write, ready to go into the block's WriteBatch.
//
// Thread-safety: StateStore reads are safe from many threads (LevelDB reads
// are); Prepare is const. Overlays are single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chain/bytes.h"
#include "chain/hash.h"
#include "chain/result.h"

namespace leveldb {
class DB;
class WriteBatch;
}  // namespace leveldb

namespace corridor {

// Orders Bytes and ByteSpan lexicographically; transparent, so a map keyed by
// Bytes can be searched with a ByteSpan.
struct BytesLess {
  using is_transparent = void;
  bool operator()(ByteSpan a, ByteSpan b) const;
  bool operator()(const Bytes& a, const Bytes& b) const {
    return (*this)(ByteSpan(a), ByteSpan(b));
  }
  bool operator()(const Bytes& a, ByteSpan b) const { return (*this)(ByteSpan(a), b); }
  bool operator()(ByteSpan a, const Bytes& b) const { return (*this)(a, ByteSpan(b)); }
};

// Sorted key -> new value (nullopt = delete). Sorted so that everything built
// from it is deterministic.
using StateChanges = std::map<Bytes, std::optional<Bytes>, BytesLess>;

inline constexpr size_t kMaxStateKeyBytes = 256;
inline constexpr size_t kMaxStateValueBytes = 1 << 20;

class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<Bytes> Get(ByteSpan key) const = 0;
};

// Puts and deletes layered over a parent view. The parent must outlive it and
// must not change while the overlay is in use.
class StateOverlay final : public StateView {
 public:
  explicit StateOverlay(const StateView& parent) : parent_(&parent) {}
  // Not copyable: layering over another overlay is Child(), never a copy.
  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;

  // A new, empty overlay layered over this one (e.g. one per transaction).
  StateOverlay Child() const { return StateOverlay(static_cast<const StateView&>(*this)); }

  std::optional<Bytes> Get(ByteSpan key) const override;
  void Put(ByteSpan key, ByteSpan value);
  void Delete(ByteSpan key);

  // Applies this overlay's writes to `parent` (which must be the overlay it
  // was layered over) and empties this one.
  void MergeInto(StateOverlay& parent);
  const StateChanges& changes() const { return changes_; }
  void Discard() { changes_.clear(); }

 private:
  const StateView* parent_;
  StateChanges changes_;
};

// One node of the state tree, as stored at its position.
struct StateNode {
  enum class Kind : uint8_t { kEmpty = 0, kInternal = 1, kLeaf = 2 };
  Kind kind = Kind::kEmpty;
  Hash a;  // internal: left child hash;  leaf: SHA-256(key)
  Hash b;  // internal: right child hash; leaf: SHA-256(value)

  Hash ComputeHash() const;
  bool operator==(const StateNode&) const = default;
};

// Leaf and inner-node hashes (docs/state.md §2).
Hash StateLeafHash(const Hash& key_hash, const Hash& value_hash);
Hash StateNodeHash(const Hash& left, const Hash& right);

// Proof that a key has a given value, or has none, under a state root.
// siblings_[i] is the sibling hash at depth i on the path from the root.
struct StateProof {
  std::vector<Hash> siblings;
  StateNode terminal;  // the empty slot or the leaf where the path ends

  Bytes Encode() const;
  static Result<StateProof> Decode(ByteSpan data);
};

// Checks `proof` against `root`: with `value` set, that key -> *value is in
// the state; with nullopt, that the key is absent.
bool VerifyStateProof(const Hash& root, ByteSpan key, const std::optional<Bytes>& value,
                      const StateProof& proof);

// Everything one block changes in the state, computed but not yet written.
struct PendingState {
  Hash base_root;  // the root the changes were computed against
  Hash root;       // the root after them
  StateChanges values;
  std::map<Bytes, std::optional<StateNode>, BytesLess> nodes;  // position -> node

  // Appends every value and node write to `batch`.
  void AddToBatch(leveldb::WriteBatch& batch) const;
};

class StateStore final : public StateView {
 public:
  // `db` is shared with the BlockStore and must outlive this object.
  explicit StateStore(leveldb::DB& db) : db_(&db) {}

  std::optional<Bytes> Get(ByteSpan key) const override;
  // The root of the committed state; zero for the empty state.
  Hash Root() const;
  // Computes the root after `changes` and every write needed to get there.
  // Reads only; nothing changes until the PendingState's batch is written.
  PendingState Prepare(const StateChanges& changes) const;
  StateProof Prove(ByteSpan key) const;
  // Every committed key/value in key order (tests, dumps, audits).
  std::vector<std::pair<Bytes, Bytes>> Scan() const;
  // The committed keys starting with `prefix`, in key order, at most `limit`
  // of them (e.g. every asset record, for listings).
  std::vector<std::pair<Bytes, Bytes>> ScanPrefix(ByteSpan prefix, size_t limit) const;
  // The committed keys starting with `prefix` and >= `from`, in key order, at
  // most `limit` (paging through a prefix). REQUIRES: `from` starts with `prefix`.
  std::vector<std::pair<Bytes, Bytes>> ScanRange(ByteSpan from, ByteSpan prefix,
                                                 size_t limit) const;

  // LevelDB key prefixes.
  static constexpr uint8_t kValuePrefix = 's';
  static constexpr uint8_t kNodePrefix = 't';

 private:
  std::optional<StateNode> LoadNode(ByteSpan position) const;

  leveldb::DB* db_;
};

}  // namespace corridor

#include "chain/state_store.h"

#include <cryptopp/sha.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <span>

// Invariant checks that stay on in release builds (CONVENTIONS.md: Errors).
#define CORRIDOR_INVARIANT(cond) \
  do {                           \
    if (!(cond)) std::abort();   \
  } while (0)

#include "chain/encoding.h"

namespace corridor {

bool BytesLess::operator()(ByteSpan a, ByteSpan b) const {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0;
  return a.size() < b.size();
}

// ---------------------------------------------------------------- overlay

std::optional<Bytes> StateOverlay::Get(ByteSpan key) const {
  auto it = changes_.find(key);
  if (it != changes_.end()) return it->second;
  return parent_->Get(key);
}

void StateOverlay::Put(ByteSpan key, ByteSpan value) {
  CORRIDOR_INVARIANT(key.size() <= kMaxStateKeyBytes && value.size() <= kMaxStateValueBytes);
  auto it = changes_.find(key);
  if (it == changes_.end()) {
    changes_.emplace(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
  } else {
    it->second = Bytes(value.begin(), value.end());
  }
}

void StateOverlay::Delete(ByteSpan key) {
  auto it = changes_.find(key);
  if (it == changes_.end()) {
    changes_.emplace(Bytes(key.begin(), key.end()), std::nullopt);
  } else {
    it->second = std::nullopt;
  }
}

void StateOverlay::MergeInto(StateOverlay& parent) {
  CORRIDOR_INVARIANT(parent_ == &parent);
  for (auto& [k, v] : changes_) parent.changes_.insert_or_assign(k, std::move(v));
  changes_.clear();
}

// ---------------------------------------------------------------- hashing

namespace {

// Tagged hashing with the tag prefix (one 64-byte SHA-256 block) absorbed
// once; each hash copies the midstate instead of re-hashing the tag.
class TagMidstate {
 public:
  explicit TagMidstate(std::string_view tag) {
    Hash t = Sha256(AsBytes(tag));
    sha_.Update(t.bytes.data(), t.bytes.size());
    sha_.Update(t.bytes.data(), t.bytes.size());
  }
  Hash Of(const Hash& x, const Hash& y) const {
    CryptoPP::SHA256 s(sha_);
    s.Update(x.bytes.data(), Hash::kSize);
    s.Update(y.bytes.data(), Hash::kSize);
    Hash h;
    s.Final(h.bytes.data());
    return h;
  }

 private:
  CryptoPP::SHA256 sha_;
};

const TagMidstate& LeafTag() {
  static const TagMidstate t(tags::kStateLeaf);
  return t;
}
const TagMidstate& NodeTag() {
  static const TagMidstate t(tags::kStateNode);
  return t;
}

constexpr uint16_t kKeyBits = 256;

int Bit(const Hash& h, uint16_t i) {
  return (h.bytes[i / 8] >> (7 - i % 8)) & 1;
}

Hash WithBit(Hash h, uint16_t i) {
  h.bytes[i / 8] |= static_cast<uint8_t>(0x80u >> (i % 8));
  return h;
}

// 't' | depth (u16 big-endian) | the first ceil(depth/8) bytes of the path,
// bits at and beyond `depth` zero.
Bytes NodePosition(uint16_t depth, const Hash& prefix) {
  size_t n = (depth + 7u) / 8u;
  Bytes k;
  k.reserve(3 + n);
  k.push_back(StateStore::kNodePrefix);
  k.push_back(static_cast<uint8_t>(depth >> 8));
  k.push_back(static_cast<uint8_t>(depth & 0xff));
  k.insert(k.end(), prefix.bytes.begin(), prefix.bytes.begin() + static_cast<ptrdiff_t>(n));
  return k;
}

Bytes EncodeNode(const StateNode& n) {
  Bytes out(1 + 2 * Hash::kSize);
  out[0] = static_cast<uint8_t>(n.kind);
  std::memcpy(out.data() + 1, n.a.bytes.data(), Hash::kSize);
  std::memcpy(out.data() + 1 + Hash::kSize, n.b.bytes.data(), Hash::kSize);
  return out;
}

bool DecodeNode(ByteSpan in, StateNode& n) {
  if (in.size() != 1 + 2 * Hash::kSize) return false;
  if (in[0] != static_cast<uint8_t>(StateNode::Kind::kInternal) &&
      in[0] != static_cast<uint8_t>(StateNode::Kind::kLeaf)) {
    return false;
  }
  n.kind = static_cast<StateNode::Kind>(in[0]);
  n.a = Hash::FromSpan(in.subspan(1, Hash::kSize));
  n.b = Hash::FromSpan(in.subspan(1 + Hash::kSize, Hash::kSize));
  return true;
}

Bytes ValueKey(ByteSpan key) {
  Bytes k;
  k.reserve(1 + key.size());
  k.push_back(StateStore::kValuePrefix);
  k.insert(k.end(), key.begin(), key.end());
  return k;
}

leveldb::Slice AsSlice(ByteSpan b) {
  return leveldb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

struct Leaf {
  Hash key_hash;
  Hash value_hash;
};

// A change to the tree: key hash and new value hash (nullopt = delete).
struct Change {
  Hash key_hash;
  std::optional<Hash> value_hash;
};

}  // namespace

Hash StateLeafHash(const Hash& key_hash, const Hash& value_hash) {
  return LeafTag().Of(key_hash, value_hash);
}
Hash StateNodeHash(const Hash& left, const Hash& right) {
  return NodeTag().Of(left, right);
}

Hash StateNode::ComputeHash() const {
  switch (kind) {
    case Kind::kEmpty:
      return Hash{};
    case Kind::kInternal:
      return StateNodeHash(a, b);
    case Kind::kLeaf:
      return StateLeafHash(a, b);
  }
  return Hash{};
}

// ---------------------------------------------------------------- tree update

namespace {

using NodeWrites = std::map<Bytes, std::optional<StateNode>, BytesLess>;

class TreeUpdater {
 public:
  explicit TreeUpdater(const StateStore& store,
                       std::optional<StateNode> (StateStore::*load)(ByteSpan) const,
                       NodeWrites& out)
      : store_(store), load_(load), out_(out) {}

  StateNode Load(uint16_t depth, const Hash& prefix) const {
    auto n = (store_.*load_)(NodePosition(depth, prefix));
    return n ? *n : StateNode{};
  }

  // Records the node now at (depth, prefix).
  void Record(uint16_t depth, const Hash& prefix, const StateNode& n) {
    Bytes pos = NodePosition(depth, prefix);
    if (n.kind == StateNode::Kind::kEmpty) {
      out_.insert_or_assign(std::move(pos), std::nullopt);
    } else {
      out_.insert_or_assign(std::move(pos), n);
    }
  }

  // Builds the subtree holding exactly `leaves` (sorted, distinct) at a
  // position where nothing is stored below.
  StateNode Build(uint16_t depth, const Hash& prefix, std::span<const Leaf> leaves) {
    StateNode n;
    if (leaves.empty()) {
      n.kind = StateNode::Kind::kEmpty;
    } else if (leaves.size() == 1) {
      n.kind = StateNode::Kind::kLeaf;
      n.a = leaves[0].key_hash;
      n.b = leaves[0].value_hash;
    } else {
      CORRIDOR_INVARIANT(depth < kKeyBits);
      auto mid = std::partition_point(leaves.begin(), leaves.end(),
                                      [&](const Leaf& l) { return Bit(l.key_hash, depth) == 0; });
      size_t split = static_cast<size_t>(mid - leaves.begin());
      StateNode l = Build(depth + 1, prefix, leaves.first(split));
      StateNode r = Build(depth + 1, WithBit(prefix, depth), leaves.subspan(split));
      n.kind = StateNode::Kind::kInternal;
      n.a = l.ComputeHash();
      n.b = r.ComputeHash();
    }
    Record(depth, prefix, n);
    return n;
  }

  // Applies `changes` (sorted by key hash, all under `prefix`) to `existing`,
  // the node stored at (depth, prefix). Returns the node now there.
  StateNode Update(uint16_t depth, const Hash& prefix, const StateNode& existing,
                   std::span<const Change> changes) {
    if (changes.empty()) return existing;
    if (existing.kind != StateNode::Kind::kInternal) {
      std::vector<Leaf> leaves;
      leaves.reserve(changes.size() + 1);
      bool existing_pending = existing.kind == StateNode::Kind::kLeaf;
      for (const Change& c : changes) {
        if (existing_pending && existing.a < c.key_hash) {
          leaves.push_back({existing.a, existing.b});
          existing_pending = false;
        }
        if (existing_pending && existing.a == c.key_hash) existing_pending = false;
        if (c.value_hash) leaves.push_back({c.key_hash, *c.value_hash});
      }
      if (existing_pending) leaves.push_back({existing.a, existing.b});
      StateNode n = Build(depth, prefix, leaves);
      return n;
    }
    CORRIDOR_INVARIANT(depth < kKeyBits);
    auto mid = std::partition_point(changes.begin(), changes.end(),
                                    [&](const Change& c) { return Bit(c.key_hash, depth) == 0; });
    size_t split = static_cast<size_t>(mid - changes.begin());
    Hash right_prefix = WithBit(prefix, depth);
    auto child = [&](const Hash& child_prefix, const Hash& stored_hash,
                     std::span<const Change> sub) -> std::pair<StateNode, bool> {
      // Returns the new child and whether it was loaded/updated (known kind).
      if (sub.empty()) {
        StateNode placeholder;
        placeholder.kind = stored_hash.IsZero() ? StateNode::Kind::kEmpty
                                                : StateNode::Kind::kInternal;  // kind unknown yet
        return {placeholder, false};
      }
      StateNode before = stored_hash.IsZero() ? StateNode{} : Load(depth + 1, child_prefix);
      return {Update(depth + 1, child_prefix, before, sub), true};
    };
    auto [l, l_known] = child(prefix, existing.a, changes.first(split));
    auto [r, r_known] = child(right_prefix, existing.b, changes.subspan(split));
    Hash lh = l_known ? l.ComputeHash() : existing.a;
    Hash rh = r_known ? r.ComputeHash() : existing.b;

    StateNode n;
    if (lh.IsZero() && rh.IsZero()) {
      n.kind = StateNode::Kind::kEmpty;
    } else if (lh.IsZero() || rh.IsZero()) {
      // One side is empty: if the other holds a single leaf, it moves up.
      bool left_side = rh.IsZero();
      const Hash& side_prefix = left_side ? prefix : right_prefix;
      StateNode other = left_side ? l : r;
      bool known = left_side ? l_known : r_known;
      if (!known) other = Load(depth + 1, side_prefix);
      if (other.kind == StateNode::Kind::kLeaf) {
        Record(depth + 1, side_prefix, StateNode{});
        n = other;
      } else {
        n.kind = StateNode::Kind::kInternal;
        n.a = lh;
        n.b = rh;
      }
    } else {
      n.kind = StateNode::Kind::kInternal;
      n.a = lh;
      n.b = rh;
    }
    if (!(n == existing)) Record(depth, prefix, n);
    return n;
  }

 private:
  const StateStore& store_;
  std::optional<StateNode> (StateStore::*load_)(ByteSpan) const;
  NodeWrites& out_;
};

}  // namespace

// ---------------------------------------------------------------- store

std::optional<Bytes> StateStore::Get(ByteSpan key) const {
  std::string v;
  Bytes k = ValueKey(key);
  leveldb::Status s = db_->Get(leveldb::ReadOptions(), AsSlice(k), &v);
  if (s.IsNotFound()) return std::nullopt;
  // Anything but NotFound means the disk is failing: the node cannot continue
  // deterministically, so this is a fatal condition, not an input error.
  if (!s.ok()) std::abort();
  return Bytes(v.begin(), v.end());
}

std::optional<StateNode> StateStore::LoadNode(ByteSpan position) const {
  std::string v;
  leveldb::Status s = db_->Get(leveldb::ReadOptions(), AsSlice(position), &v);
  if (s.IsNotFound()) return std::nullopt;
  StateNode n;
  if (!s.ok() || !DecodeNode(AsBytes(v), n)) std::abort();  // corrupt store: fatal
  return n;
}

Hash StateStore::Root() const {
  auto n = LoadNode(NodePosition(0, Hash{}));
  return n ? n->ComputeHash() : Hash{};
}

PendingState StateStore::Prepare(const StateChanges& changes) const {
  PendingState p;
  p.values = changes;
  std::vector<Change> tree_changes;
  tree_changes.reserve(changes.size());
  for (const auto& [k, v] : changes) {
    Change c{Sha256(k), std::nullopt};
    if (v) c.value_hash = Sha256(*v);
    tree_changes.push_back(c);
  }
  std::sort(tree_changes.begin(), tree_changes.end(),
            [](const Change& x, const Change& y) { return x.key_hash < y.key_hash; });
  TreeUpdater up(*this, &StateStore::LoadNode, p.nodes);
  StateNode root_before = up.Load(0, Hash{});
  p.base_root = root_before.ComputeHash();
  StateNode root_after = up.Update(0, Hash{}, root_before, tree_changes);
  p.root = root_after.ComputeHash();
  return p;
}

void PendingState::AddToBatch(leveldb::WriteBatch& batch) const {
  for (const auto& [k, v] : values) {
    Bytes vk = ValueKey(k);
    if (v) {
      batch.Put(AsSlice(vk), AsSlice(*v));
    } else {
      batch.Delete(AsSlice(vk));
    }
  }
  for (const auto& [pos, n] : nodes) {
    if (n) {
      Bytes enc = EncodeNode(*n);
      batch.Put(AsSlice(pos), AsSlice(enc));
    } else {
      batch.Delete(AsSlice(pos));
    }
  }
}

StateProof StateStore::Prove(ByteSpan key) const {
  StateProof proof;
  Hash kh = Sha256(key);
  Hash prefix;
  uint16_t depth = 0;
  auto node = LoadNode(NodePosition(0, prefix));
  while (node && node->kind == StateNode::Kind::kInternal) {
    bool right = Bit(kh, depth) == 1;
    proof.siblings.push_back(right ? node->a : node->b);
    if (right) prefix = WithBit(prefix, depth);
    ++depth;
    node = LoadNode(NodePosition(depth, prefix));
  }
  if (node) proof.terminal = *node;
  return proof;
}

Bytes StateProof::Encode() const {
  Writer w;
  w.Varint(siblings.size());
  for (const Hash& h : siblings) w.Fixed(h.bytes);
  w.U8(static_cast<uint8_t>(terminal.kind));
  if (terminal.kind == StateNode::Kind::kLeaf) {
    w.Fixed(terminal.a.bytes);
    w.Fixed(terminal.b.bytes);
  }
  return std::move(w).Take();
}

Result<StateProof> StateProof::Decode(ByteSpan data) {
  Reader r(data);
  StateProof p;
  uint64_t n = 0;
  if (r.Count(n, kKeyBits, Hash::kSize)) {
    p.siblings.resize(n);
    for (Hash& h : p.siblings) r.Fixed(h.bytes);
  }
  uint8_t kind = 0;
  r.U8(kind);
  if (r.ok() && kind == static_cast<uint8_t>(StateNode::Kind::kLeaf)) {
    p.terminal.kind = StateNode::Kind::kLeaf;
    r.Fixed(p.terminal.a.bytes);
    r.Fixed(p.terminal.b.bytes);
  } else if (r.ok() && kind != 0) {
    r.Fail("bad_proof", "proof terminal must be empty (0) or a leaf (2)");
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return p;
}

bool VerifyStateProof(const Hash& root, ByteSpan key, const std::optional<Bytes>& value,
                      const StateProof& proof) {
  if (proof.siblings.size() > kKeyBits) return false;
  Hash kh = Sha256(key);
  const StateNode& t = proof.terminal;
  if (t.kind == StateNode::Kind::kInternal) return false;
  if (value) {
    if (t.kind != StateNode::Kind::kLeaf || t.a != kh || t.b != Sha256(*value)) return false;
  } else {
    if (t.kind == StateNode::Kind::kLeaf && t.a == kh) return false;
    // A leaf of another key must share the path walked so far, or the proof
    // could place it anywhere.
    if (t.kind == StateNode::Kind::kLeaf) {
      for (uint16_t i = 0; i < proof.siblings.size(); ++i) {
        if (Bit(t.a, i) != Bit(kh, i)) return false;
      }
    }
  }
  Hash h = t.ComputeHash();
  for (size_t i = proof.siblings.size(); i-- > 0;) {
    const Hash& s = proof.siblings[i];
    h = Bit(kh, static_cast<uint16_t>(i)) ? StateNodeHash(s, h) : StateNodeHash(h, s);
  }
  return h == root;
}

std::vector<std::pair<Bytes, Bytes>> StateStore::Scan() const {
  std::vector<std::pair<Bytes, Bytes>> out;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  const char prefix = static_cast<char>(kValuePrefix);
  for (it->Seek(leveldb::Slice(&prefix, 1)); it->Valid(); it->Next()) {
    leveldb::Slice k = it->key();
    if (k.empty() || k[0] != prefix) break;
    leveldb::Slice v = it->value();
    out.emplace_back(Bytes(k.data() + 1, k.data() + k.size()),
                     Bytes(v.data(), v.data() + v.size()));
  }
  return out;
}

std::vector<std::pair<Bytes, Bytes>> StateStore::ScanPrefix(ByteSpan prefix, size_t limit) const {
  return ScanRange(prefix, prefix, limit);
}

std::vector<std::pair<Bytes, Bytes>> StateStore::ScanRange(ByteSpan from, ByteSpan prefix,
                                                           size_t limit) const {
  std::vector<std::pair<Bytes, Bytes>> out;
  auto with_kind = [](ByteSpan key) {
    Bytes k(1 + key.size());
    k[0] = kValuePrefix;
    if (!key.empty()) std::memcpy(k.data() + 1, key.data(), key.size());
    return k;
  };
  const Bytes start = with_kind(from);
  const Bytes within = with_kind(prefix);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  const leveldb::Slice start_slice(reinterpret_cast<const char*>(start.data()), start.size());
  const leveldb::Slice prefix_slice(reinterpret_cast<const char*>(within.data()), within.size());
  for (it->Seek(start_slice); it->Valid() && out.size() < limit; it->Next()) {
    leveldb::Slice k = it->key();
    if (!k.starts_with(prefix_slice)) break;
    leveldb::Slice v = it->value();
    out.emplace_back(Bytes(k.data() + 1, k.data() + k.size()),
                     Bytes(v.data(), v.data() + v.size()));
  }
  return out;
}

}  // namespace corridor

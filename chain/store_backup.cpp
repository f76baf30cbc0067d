#include "chain/store_backup.h"

#include <fcntl.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "chain/encoding.h"
#include "chain/state_history.h"

namespace corridor {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[16] = {'C', 'O', 'R', 'R', 'I', 'D', 'O', 'R',
                             '-', 'B', 'A', 'C', 'K', 'U', 'P', '\n'};
constexpr char kEndMagic[16] = {'C', 'O', 'R', 'R', 'I', 'D', 'O', 'R',
                                '-', 'B', 'K', 'P', '-', 'E', 'N', 'D'};
constexpr size_t kHeaderBytes = sizeof(kMagic) + 4;
constexpr size_t kTrailerBytes = 8 + 8 + sizeof(kEndMagic);
constexpr size_t kMaxKeyBytes = 4096;
constexpr size_t kMaxValueBytes = 64u << 20;
constexpr size_t kMaxManifestBytes = 1u << 20;
constexpr size_t kMaxSections = 16;
constexpr size_t kBatchBytes = 4u << 20;

const char* const kSectionNames[] = {"chain", "state", "state_history"};
// Domain tags of the checksums (docs/backup.md).
constexpr std::string_view kSectionTag = "corridor/backup-section";
constexpr std::string_view kManifestTag = "corridor/backup-manifest";

leveldb::Slice AsSlice(ByteSpan b) {
  return leveldb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}
ByteSpan AsSpan(const leveldb::Slice& s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void PutLE64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t GetLE64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

class SnapshotHolder {
 public:
  explicit SnapshotHolder(leveldb::DB& db) : db_(db), snap_(db.GetSnapshot()) {}
  ~SnapshotHolder() { db_.ReleaseSnapshot(snap_); }
  const leveldb::Snapshot* get() const { return snap_; }

 private:
  leveldb::DB& db_;
  const leveldb::Snapshot* snap_;
};

// Appends records to the open backup file, hashing what it writes.
class SectionWriter {
 public:
  SectionWriter(std::FILE* f, std::string name, uint64_t offset) : f_(f), hasher_(kSectionTag) {
    section_.name = std::move(name);
    section_.offset = offset;
  }
  bool Put(const leveldb::Slice& key, const leveldb::Slice& value) {
    Writer w(2 * kMaxVarintBytes);
    w.Varint(key.size());
    if (!Write(w.data())) return false;
    if (!Write(AsSpan(key))) return false;
    Writer v(kMaxVarintBytes);
    v.Varint(value.size());
    if (!Write(v.data())) return false;
    if (!Write(AsSpan(value))) return false;
    ++section_.records;
    return true;
  }
  BackupSection Finish() {
    section_.checksum = hasher_.Finish();
    return section_;
  }

 private:
  bool Write(ByteSpan data) {
    if (data.empty()) return true;
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) return false;
    hasher_.Write(data);
    section_.bytes += data.size();
    return true;
  }
  std::FILE* f_;
  TaggedHasher hasher_;
  BackupSection section_;
};

bool InState(uint8_t c) {
  return c == StateStore::kValuePrefix || c == StateStore::kNodePrefix;
}

Bytes EncodeManifest(const BackupManifest& m) {
  Writer w;
  w.U32(m.format_version);
  w.String(m.chain_id);
  w.U64(m.height);
  w.Fixed(m.block_hash.bytes);
  w.Fixed(m.state_root.bytes);
  w.U64(m.block_timestamp_ms);
  w.U64(m.bodies_from);
  w.Varint(m.sections.size());
  for (const auto& s : m.sections) {
    w.String(s.name);
    w.U64(s.offset);
    w.U64(s.bytes);
    w.U64(s.records);
    w.Fixed(s.checksum.bytes);
  }
  return std::move(w).Take();
}

Result<BackupManifest> DecodeManifest(ByteSpan data) {
  Reader r(data);
  BackupManifest m;
  r.U32(m.format_version);
  if (r.ok() && m.format_version != kBackupFormatVersion) {
    return MakeError("backup_format", "backup format version " + std::to_string(m.format_version) +
                                          " is not supported (this build reads version " +
                                          std::to_string(kBackupFormatVersion) + ")");
  }
  r.String(m.chain_id, 64);
  r.U64(m.height);
  r.Fixed(m.block_hash.bytes);
  r.Fixed(m.state_root.bytes);
  r.U64(m.block_timestamp_ms);
  r.U64(m.bodies_from);
  uint64_t n = 0;
  if (r.Count(n, kMaxSections, 8)) {
    m.sections.resize(n);
    for (auto& s : m.sections) {
      r.String(s.name, 64);
      r.U64(s.offset);
      r.U64(s.bytes);
      r.U64(s.records);
      r.Fixed(s.checksum.bytes);
    }
  }
  r.ExpectEnd();
  if (!r.ok())
    return MakeError("backup_format", "the manifest does not decode: " + r.error().message);
  return m;
}

Error Io(const std::string& what, const std::string& path) {
  return MakeError("io", what + " " + path + ": " + std::strerror(errno));
}

// Reads the trailer and manifest; checks the manifest's checksum and that
// the sections lie, in order, between the header and the manifest.
Result<BackupManifest> ReadManifest(std::FILE* f, const std::string& path) {
  if (std::fseek(f, 0, SEEK_END) != 0) return MakeError("backup_io", "cannot seek in " + path);
  const long end = std::ftell(f);
  if (end < static_cast<long>(kHeaderBytes + kTrailerBytes + Hash::kSize)) {
    return MakeError("backup_format", path + " is too short to be a Corridor backup (" +
                                          std::to_string(end) + " bytes)");
  }
  uint8_t head[kHeaderBytes];
  std::fseek(f, 0, SEEK_SET);
  if (std::fread(head, 1, sizeof head, f) != sizeof head || std::memcmp(head, kMagic, 16) != 0) {
    return MakeError("backup_format", path + " is not a Corridor backup (no header magic)");
  }
  uint8_t trailer[kTrailerBytes];
  std::fseek(f, end - static_cast<long>(kTrailerBytes), SEEK_SET);
  if (std::fread(trailer, 1, sizeof trailer, f) != sizeof trailer ||
      std::memcmp(trailer + 16, kEndMagic, 16) != 0) {
    return MakeError("backup_format",
                     path + " has no end marker: the file is truncated or was not finished");
  }
  const uint64_t offset = GetLE64(trailer);
  const uint64_t length = GetLE64(trailer + 8);
  if (length > kMaxManifestBytes || offset < kHeaderBytes ||
      offset + length + Hash::kSize + kTrailerBytes != static_cast<uint64_t>(end)) {
    return MakeError("backup_format", path + ": the trailer's manifest position is inconsistent");
  }
  Bytes manifest(length);
  Hash stored;
  std::fseek(f, static_cast<long>(offset), SEEK_SET);
  if (std::fread(manifest.data(), 1, length, f) != length ||
      std::fread(stored.bytes.data(), 1, Hash::kSize, f) != Hash::kSize) {
    return MakeError("backup_io", "cannot read the manifest of " + path);
  }
  const Hash computed = TaggedHash(kManifestTag, manifest);
  if (computed != stored) {
    return MakeError("backup_manifest_checksum", "manifest checksum mismatch: the file says " +
                                                     stored.ToHex() + ", the manifest hashes to " +
                                                     computed.ToHex() +
                                                     " (the manifest was altered or damaged)");
  }
  auto m = DecodeManifest(manifest);
  if (!m) return m.error();
  uint64_t expect = kHeaderBytes;
  if (m->sections.size() != std::size(kSectionNames)) {
    return MakeError("backup_format", "the manifest lists " + std::to_string(m->sections.size()) +
                                          " sections, expected 3 (chain, state, state_history)");
  }
  for (size_t i = 0; i < m->sections.size(); ++i) {
    const auto& s = m->sections[i];
    if (s.name != kSectionNames[i] || s.offset != expect) {
      return MakeError("backup_format", "section " + std::to_string(i) + " ('" + s.name +
                                            "') is not where the format puts it");
    }
    expect += s.bytes;
  }
  if (expect != offset) {
    return MakeError("backup_format", "the sections do not end where the manifest begins");
  }
  m->file_bytes = static_cast<uint64_t>(end);
  return m;
}

// Reads one section's records, hashing every byte, bounded by its length.
class SectionReader {
 public:
  SectionReader(std::FILE* f, const BackupSection& s)
      : f_(f), section_(s), left_(s.bytes), hasher_(kSectionTag) {}

  bool done() const { return left_ == 0; }
  // Reads the next record; false with `error` set on a malformed record.
  bool Next(Bytes& key, Bytes& value, std::string& error) {
    uint64_t klen = 0, vlen = 0;
    if (!ReadVarint(klen) || klen == 0 || klen > kMaxKeyBytes) {
      error = "bad key length in section '" + section_.name + "'";
      return false;
    }
    key.resize(klen);
    if (!Read(key.data(), klen)) {
      error = "section '" + section_.name + "' ends inside a key";
      return false;
    }
    if (!ReadVarint(vlen) || vlen > kMaxValueBytes) {
      error = "bad value length in section '" + section_.name + "'";
      return false;
    }
    value.resize(vlen);
    if (!Read(value.data(), vlen)) {
      error = "section '" + section_.name + "' ends inside a value";
      return false;
    }
    ++records_;
    return true;
  }
  uint64_t records() const { return records_; }
  Hash Finish() { return hasher_.Finish(); }

 private:
  bool Read(uint8_t* out, uint64_t n) {
    if (n > left_) return false;
    if (n > 0 && std::fread(out, 1, n, f_) != n) return false;
    hasher_.Write(ByteSpan(out, n));
    left_ -= n;
    return true;
  }
  bool ReadVarint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      if (!Read(&b, 1)) return false;
      v |= uint64_t(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  std::FILE* f_;
  const BackupSection& section_;
  uint64_t left_;
  uint64_t records_ = 0;
  TaggedHasher hasher_;
};

Error ChecksumMismatch(const BackupSection& s, const Hash& computed) {
  return MakeError("backup_section_checksum",
                   "section '" + s.name + "' checksum mismatch: the manifest says " +
                       s.checksum.ToHex() + ", the file's " + std::to_string(s.bytes) +
                       " bytes hash to " + computed.ToHex() +
                       " (the section was altered or damaged)");
}

}  // namespace

Result<BackupManifest> WriteBackup(const ChainStore& store, const std::string& out_path) {
  if (fs::exists(out_path)) {
    return MakeError("exists", out_path + " exists; refusing to overwrite a backup");
  }
  leveldb::DB& db = store.db();
  SnapshotHolder snap(db);
  BlockStore at(db, snap.get());
  BackupManifest m;
  auto height = at.LastHeight();
  if (!height) return MakeError("empty_store", "the store holds no block");
  auto summary = at.SummaryAt(*height);
  if (!summary) {
    return MakeError("corrupt_store", "no header for block " + std::to_string(*height));
  }
  m.chain_id = summary->header.chain_id;
  m.height = *height;
  m.block_hash = summary->header.ComputeHash();
  m.state_root = summary->header.state_root;
  m.block_timestamp_ms = summary->header.timestamp_ms;
  m.bodies_from = at.BodiesFrom();

  const std::string partial = out_path + ".partial";
  File f(std::fopen(partial.c_str(), "wb"));
  if (!f) return Io("cannot create", partial);
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  auto fail = [&](const std::string& what) {
    Error e = Io(what, partial);
    f.reset();
    std::error_code ec;
    fs::remove(partial, ec);
    return e;
  };
  uint8_t head[kHeaderBytes];
  std::memcpy(head, kMagic, 16);
  head[16] = kBackupFormatVersion & 0xff;
  head[17] = (kBackupFormatVersion >> 8) & 0xff;
  head[18] = (kBackupFormatVersion >> 16) & 0xff;
  head[19] = (kBackupFormatVersion >> 24) & 0xff;
  if (std::fwrite(head, 1, sizeof head, f.get()) != sizeof head) return fail("cannot write");

  leveldb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  uint64_t offset = kHeaderBytes;
  for (const char* name : kSectionNames) {
    SectionWriter w(f.get(), name, offset);
    std::unique_ptr<leveldb::Iterator> it(db.NewIterator(ro));
    const std::string section = name;
    if (section == "chain") {
      // Everything but the state values, tree nodes and value history.
      it->SeekToFirst();
      while (it->Valid()) {
        const auto c = static_cast<uint8_t>(it->key()[0]);
        if (InState(c)) {
          it->Seek(leveldb::Slice("u", 1));
          continue;
        }
        if (c == kStateHistoryPrefix) {
          it->Seek(leveldb::Slice("w", 1));
          continue;
        }
        if (!w.Put(it->key(), it->value())) return fail("cannot write");
        it->Next();
      }
    } else {
      const char prefix = section == "state" ? static_cast<char>(StateStore::kValuePrefix)
                                             : static_cast<char>(kStateHistoryPrefix);
      for (it->Seek(leveldb::Slice(&prefix, 1)); it->Valid() && it->key()[0] == prefix;
           it->Next()) {
        if (!w.Put(it->key(), it->value())) return fail("cannot write");
      }
    }
    if (!it->status().ok()) {
      f.reset();
      std::error_code ec;
      fs::remove(partial, ec);
      return MakeError("corrupt_store", "reading the store: " + it->status().ToString());
    }
    m.sections.push_back(w.Finish());
    offset += m.sections.back().bytes;
  }
  const Bytes manifest = EncodeManifest(m);
  const Hash checksum = TaggedHash(kManifestTag, manifest);
  uint8_t trailer[kTrailerBytes];
  PutLE64(trailer, offset);
  PutLE64(trailer + 8, manifest.size());
  std::memcpy(trailer + 16, kEndMagic, 16);
  if (std::fwrite(manifest.data(), 1, manifest.size(), f.get()) != manifest.size() ||
      std::fwrite(checksum.bytes.data(), 1, Hash::kSize, f.get()) != Hash::kSize ||
      std::fwrite(trailer, 1, sizeof trailer, f.get()) != sizeof trailer ||
      std::fflush(f.get()) != 0 || ::fsync(::fileno(f.get())) != 0) {
    return fail("cannot write");
  }
  f.reset();
  std::error_code ec;
  fs::rename(partial, out_path, ec);
  if (ec) return MakeError("io", "cannot rename " + partial + ": " + ec.message());
  m.file_bytes = offset + manifest.size() + Hash::kSize + kTrailerBytes;
  return m;
}

Result<BackupManifest> VerifyBackup(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return MakeError("backup_io", "cannot open " + path + ": " + std::strerror(errno));
  auto m = ReadManifest(f.get(), path);
  if (!m) return m.error();
  Bytes key, value;
  std::string error;
  for (const auto& s : m->sections) {
    std::fseek(f.get(), static_cast<long>(s.offset), SEEK_SET);
    SectionReader r(f.get(), s);
    while (!r.done()) {
      if (!r.Next(key, value, error)) return MakeError("backup_format", error);
    }
    const Hash h = r.Finish();
    if (h != s.checksum) return ChecksumMismatch(s, h);
    if (r.records() != s.records) {
      return MakeError("backup_format",
                       "section '" + s.name + "' holds " + std::to_string(r.records()) +
                           " records, the manifest says " + std::to_string(s.records));
    }
  }
  return m;
}

namespace {

// Loads the sections into the new store; collects the state values.
Status LoadSections(std::FILE* f, const BackupManifest& m, leveldb::DB& db, StateChanges& state) {
  Bytes key, value;
  std::string error;
  for (const auto& s : m.sections) {
    std::fseek(f, static_cast<long>(s.offset), SEEK_SET);
    SectionReader r(f, s);
    leveldb::WriteBatch batch;
    const bool is_state = s.name == "state";
    const bool is_history = s.name == "state_history";
    while (!r.done()) {
      if (!r.Next(key, value, error)) return MakeError("backup_format", error);
      const uint8_t c = key[0];
      const bool ok = is_state     ? c == StateStore::kValuePrefix
                      : is_history ? c == kStateHistoryPrefix
                                   : !InState(c) && c != kStateHistoryPrefix;
      if (!ok) {
        return MakeError("backup_format", "section '" + s.name + "' holds a key with prefix '" +
                                              std::string(1, static_cast<char>(c)) +
                                              "' that does not belong there");
      }
      if (is_state) {
        state.emplace(Bytes(key.begin() + 1, key.end()), value);
        continue;
      }
      batch.Put(AsSlice(key), AsSlice(value));
      if (batch.ApproximateSize() > kBatchBytes) {
        leveldb::Status st = db.Write(leveldb::WriteOptions(), &batch);
        if (!st.ok()) return MakeError("storage_write_failed", st.ToString());
        batch.Clear();
      }
    }
    const Hash h = r.Finish();
    if (h != s.checksum) return ChecksumMismatch(s, h);
    if (r.records() != s.records) {
      return MakeError("backup_format",
                       "section '" + s.name + "' record count differs from the manifest");
    }
    leveldb::Status st = db.Write(leveldb::WriteOptions(), &batch);
    if (!st.ok()) return MakeError("storage_write_failed", st.ToString());
  }
  return Status::Ok();
}

// Every header from `height` down to block 0 names its parent's hash, and
// block 0 is the expected genesis block.
Status CheckHeaderChain(const BlockStore& blocks, const BackupManifest& m, const Hash& genesis) {
  std::optional<Hash> child_prev;  // prev_hash of the block above
  for (uint64_t h = m.height + 1; h-- > 0;) {
    auto header = blocks.HeaderAt(h);
    if (!header || header->height != h || header->chain_id != m.chain_id) {
      return MakeError("header_chain_broken", "block " + std::to_string(h) +
                                                  "'s header is missing or names another " +
                                                  "height or chain");
    }
    const Hash hash = header->ComputeHash();
    if (child_prev && *child_prev != hash) {
      return MakeError("header_chain_broken",
                       "block " + std::to_string(h + 1) + " names parent " + child_prev->ToHex() +
                           ", but block " + std::to_string(h) + " in the backup hashes to " +
                           hash.ToHex() + ": the chain of headers was altered");
    }
    child_prev = header->prev_hash;
    if (h == 0 && !genesis.IsZero() && hash != genesis) {
      return MakeError("genesis_mismatch", "the backup's genesis block hashes to " + hash.ToHex() +
                                               ", this node's genesis block to " + genesis.ToHex() +
                                               ": another network");
    }
  }
  return Status::Ok();
}

// The state rolled back to an earlier height: `changes` (key -> value then,
// nullopt: absent then) over the restored state.
class RolledBackState final : public StateView {
 public:
  RolledBackState(const StateView& now, const StateChanges& changes)
      : now_(now), changes_(changes) {}
  std::optional<Bytes> Get(ByteSpan key) const override {
    if (auto it = changes_.find(key); it != changes_.end()) return it->second;
    return now_.Get(key);
  }

 private:
  const StateView& now_;
  const StateChanges& changes_;
};

// One pass over the state history (keys 'v' ‖ BE16 length ‖ key ‖ BE64
// height, docs/state.md §6). Fills `rollback` with the value at height `at`
// of every key written after `at`. With `tip` set, also checks that each
// key's latest version is its value in `tip` (the restored state) and that
// every value in `tip` has a version: then the history ends where the state
// is.
Status ScanStateHistory(leveldb::DB& db, uint64_t last_height, uint64_t at, const StateChanges* tip,
                        StateChanges& rollback) {
  leveldb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(ro));
  Bytes key;  // the state key being read
  std::optional<Bytes> at_value, last_value;
  bool has_at = false, has_key = false;
  uint64_t last_height_of_key = 0, present = 0;
  auto finish_key = [&]() -> Status {
    if (!has_key) return Status::Ok();
    if (last_height_of_key > last_height) {
      return MakeError("state_history_mismatch",
                       "state key " + ToHex(key) + " has a past value at height " +
                           std::to_string(last_height_of_key) + ", above the backup's height " +
                           std::to_string(last_height));
    }
    if (tip != nullptr) {
      auto now = tip->find(key);
      const std::optional<Bytes> current = now == tip->end() ? std::nullopt : now->second;
      if (current != last_value) {
        return MakeError("state_history_mismatch",
                         "the latest past value of state key " + ToHex(key) + " (height " +
                             std::to_string(last_height_of_key) +
                             ") is not its value in the state: the state history was altered");
      }
      if (current) ++present;
    }
    if (last_height_of_key > at) rollback[key] = has_at ? at_value : std::nullopt;
    return Status::Ok();
  };
  const char prefix = static_cast<char>(kStateHistoryPrefix);
  for (it->Seek(leveldb::Slice(&prefix, 1)); it->Valid() && it->key()[0] == prefix; it->Next()) {
    const ByteSpan k = AsSpan(it->key());
    const ByteSpan v = AsSpan(it->value());
    const size_t len = k.size() >= 3 ? (size_t(k[1]) << 8) | k[2] : 0;
    if (k.size() != 3 + len + 8 || len == 0 || len > kMaxStateKeyBytes || v.empty() || v[0] > 1 ||
        (v[0] == 0 && v.size() != 1)) {
      return MakeError("backup_format", "a state history record is malformed (key " +
                                            ToHex(k.first(std::min<size_t>(k.size(), 64))) + ")");
    }
    const ByteSpan state_key = k.subspan(3, len);
    uint64_t h = 0;
    for (size_t i = 0; i < 8; ++i) h = (h << 8) | k[3 + len + i];
    if (!has_key || !std::equal(key.begin(), key.end(), state_key.begin(), state_key.end())) {
      if (Status st = finish_key(); !st) return st;
      key.assign(state_key.begin(), state_key.end());
      has_key = true;
      has_at = false;
      at_value.reset();
    }
    std::optional<Bytes> value;
    if (v[0] == 1) value = Bytes(v.begin() + 1, v.end());
    if (h <= at) {
      at_value = value;
      has_at = true;
    }
    last_height_of_key = h;
    last_value = std::move(value);
  }
  if (!it->status().ok()) return MakeError("storage_read_failed", it->status().ToString());
  if (Status st = finish_key(); !st) return st;
  if (tip != nullptr && present != tip->size()) {
    return MakeError("state_history_mismatch",
                     std::to_string(tip->size() - std::min<uint64_t>(present, tip->size())) +
                         " state values have no past version in the state history");
  }
  return Status::Ok();
}

bool SameSet(std::vector<PublicKey> a, std::vector<PublicKey> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Follows the validator set from the trusted genesis set to the set in force
// at the backup's height (docs/backup.md "Trust"). Checkpoints: the last
// block before each height at which the state history says the set changed,
// and the backup's block. At each, in order: the block's certificate carries
// a quorum of the set followed so far; the state rolled back to the block
// from the history has the root in its header (so that state is the one the
// certified block commits to); that state says the block was decided by the
// set followed. The set for the next height is then read from that state's
// schedule — a change is trusted only through a block certified by the set
// in force before it.
Status FollowValidatorSets(ChainStore& store, const BackupManifest& m, const RestoreOptions& o,
                           const StateChanges& values, RestoreReport& report) {
  if (o.trusted_validators.empty()) {
    return MakeError("certificate_invalid", "no trusted (genesis) validator set to start from");
  }
  if (!o.validators_at || o.validator_set_key.empty()) {
    return MakeError("certificate_invalid",
                     "the restore was not told where the state keeps the validator set");
  }
  const BlockStore& blocks = store.blocks();
  if (Status st = CheckHeaderChain(blocks, m, o.expected_genesis_hash); !st) return st;

  std::vector<uint64_t> checkpoints;
  for (uint64_t e : StateVersionHeights(store.db(), o.validator_set_key, m.height)) {
    if (e == 0) continue;  // genesis wrote the first set
    if (checkpoints.empty() || checkpoints.back() != e - 1) checkpoints.push_back(e - 1);
  }
  if (checkpoints.empty() || checkpoints.back() != m.height) checkpoints.push_back(m.height);

  std::vector<PublicKey> set = o.trusted_validators;
  std::string origin = "the genesis validator set";
  bool tip_checked = false;
  for (uint64_t t : checkpoints) {
    StateChanges rollback;
    if (t < m.height || !tip_checked) {
      Status st =
          ScanStateHistory(store.db(), m.height, t, tip_checked ? nullptr : &values, rollback);
      if (!st) return st;
      tip_checked = true;
    }
    auto header = blocks.HeaderAt(t);
    if (!header)
      return MakeError("header_chain_broken", "no header for block " + std::to_string(t));
    if (t < m.height) {
      const Hash root = store.state().Prepare(rollback).root;
      if (root != header->state_root) {
        return MakeError("state_history_mismatch",
                         "the state rolled back to height " + std::to_string(t) +
                             " from the state history hashes to root " + root.ToHex() +
                             ", but block " + std::to_string(t) + "'s header commits to " +
                             header->state_root.ToHex() + ": the state history was altered");
      }
    }
    if (t > 0) {
      auto cert = blocks.CertificateAt(t);
      if (!cert || cert->height != t || cert->block_hash != header->ComputeHash()) {
        return MakeError("certificate_invalid",
                         "block " + std::to_string(t) + " has no matching commit certificate");
      }
      if (Status v = cert->Verify(m.chain_id, set); !v) {
        return MakeError("certificate_invalid",
                         "the commit certificate of block " + std::to_string(t) +
                             " does not verify against " + origin +
                             ", in force at that height: " + v.error().message);
      }
    }
    const RolledBackState state(store.state(), rollback);
    if (!SameSet(o.validators_at(state, t), set)) {
      return MakeError("validator_set_mismatch",
                       "the state of block " + std::to_string(t) +
                           " says another validator set decided it than " + origin +
                           " (a validator set change is missing from the state history)");
    }
    ++report.checkpoints;
    if (t == m.height) break;
    auto next = o.validators_at(state, t + 1);
    if (next.empty()) {
      return MakeError("validator_set_mismatch",
                       "the state of block " + std::to_string(t) + " names no validator set");
    }
    if (!SameSet(next, set)) {
      set = std::move(next);
      origin = "the validator set that took over at height " + std::to_string(t + 1) +
               " (scheduled in the state certified at block " + std::to_string(t) + ")";
      report.validator_set_changes.push_back(t + 1);
    }
  }
  return Status::Ok();
}

// The checks after loading: height, block hash, chain id, state root, then
// the header chain, state history and certificates (FollowValidatorSets).
// Writes the rebuilt state tree.
Status CheckAndRebuild(ChainStore& store, const BackupManifest& m, const RestoreOptions& o,
                       const StateChanges& values, RestoreReport& report) {
  const BlockStore& blocks = store.blocks();
  auto last = blocks.LastHeight();
  if (!last || *last != m.height) {
    return MakeError("backup_format", "the chain section ends at height " +
                                          (last ? std::to_string(*last) : std::string("none")) +
                                          ", the manifest says " + std::to_string(m.height));
  }
  auto header = blocks.HeaderAt(m.height);
  if (!header) return MakeError("backup_format", "no header for block " + std::to_string(m.height));
  if (header->ComputeHash() != m.block_hash) {
    return MakeError("block_hash_mismatch", "block " + std::to_string(m.height) + " hashes to " +
                                                header->ComputeHash().ToHex() +
                                                ", the manifest says " + m.block_hash.ToHex());
  }
  if (header->chain_id != m.chain_id ||
      (!o.expected_chain_id.empty() && m.chain_id != o.expected_chain_id)) {
    return MakeError("wrong_chain", "the backup is of chain '" + header->chain_id +
                                        "', this node's genesis is of '" + o.expected_chain_id +
                                        "'");
  }
  PendingState rebuilt = store.state().Prepare(values);
  if (!rebuilt.base_root.IsZero()) {
    return MakeError("backup_format", "the chain section carried state tree nodes");
  }
  if (rebuilt.root != header->state_root || rebuilt.root != m.state_root) {
    return MakeError("state_root_mismatch",
                     "state root mismatch: the " + std::to_string(values.size()) +
                         " state values in the backup hash to root " + rebuilt.root.ToHex() +
                         ", but block " + std::to_string(m.height) + "'s header commits to " +
                         header->state_root.ToHex() + " (manifest: " + m.state_root.ToHex() +
                         "): the state was altered");
  }
  leveldb::WriteBatch batch;
  rebuilt.AddToBatch(batch);
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status st = store.db().Write(wo, &batch);
  if (!st.ok()) return MakeError("storage_write_failed", st.ToString());
  report.state_keys = values.size();

  return FollowValidatorSets(store, m, o, values, report);
}

}  // namespace

Result<RestoreReport> RestoreBackup(const RestoreOptions& o) {
  std::error_code ec;
  if (fs::exists(o.store.path, ec) && !fs::is_empty(o.store.path, ec)) {
    return MakeError("target_exists", o.store.path +
                                          " already holds data; move it away before restoring "
                                          "(a restore never overwrites a store)");
  }
  File f(std::fopen(o.in_path.c_str(), "rb"));
  if (!f) return MakeError("backup_io", "cannot open " + o.in_path + ": " + std::strerror(errno));
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  auto m = ReadManifest(f.get(), o.in_path);
  if (!m) return m.error();
  if (!o.expected_chain_id.empty() && m->chain_id != o.expected_chain_id) {
    return MakeError("wrong_chain", "the backup is of chain '" + m->chain_id +
                                        "', this node's genesis is of '" + o.expected_chain_id +
                                        "'");
  }
  RestoreReport report;
  report.manifest = *m;
  fs::create_directories(o.store.path, ec);
  Status st;
  {
    ChainStore::Options so = o.store;
    so.retain_blocks = 0;
    auto store = ChainStore::Open(so);
    if (!store) return store.error();
    StateChanges values;
    st = LoadSections(f.get(), *m, (*store)->db(), values);
    if (st) st = CheckAndRebuild(**store, *m, o, values, report);
  }
  if (!st) {
    fs::remove_all(o.store.path, ec);
    return st.error();
  }
  return report;
}

}  // namespace corridor

#include "chain/block_store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace corridor {
namespace {

leveldb::Slice AsSlice(ByteSpan b) {
  return leveldb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

void PutBE64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutBE32(Bytes& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint64_t GetBE64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
uint32_t GetBE32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}

// prefix | raw bytes. (Built with resize + memcpy: g++ 12 -O3 reports a
// false -Warray-bounds for vector{prefix} followed by insert.)
Bytes PrefixedKey(uint8_t prefix, ByteSpan raw, size_t reserve_extra = 0) {
  Bytes k(1 + raw.size());
  k.reserve(1 + raw.size() + reserve_extra);
  k[0] = prefix;
  if (!raw.empty()) std::memcpy(k.data() + 1, raw.data(), raw.size());
  return k;
}

Bytes HeightKey(uint8_t prefix, uint64_t height) {
  Bytes k = PrefixedKey(prefix, {}, 8);
  PutBE64(k, height);
  return k;
}

Bytes HashKey(uint8_t prefix, const Hash& h) {
  return PrefixedKey(prefix, ByteSpan(h.bytes));
}

Bytes AccountKey(const Address& a, uint64_t height, uint32_t pos) {
  Bytes k = PrefixedKey(BlockStore::kAccountPrefix, ByteSpan(a.bytes), 12);
  PutBE64(k, height);
  PutBE32(k, pos);
  return k;
}

constexpr size_t kAccountKeySize = 1 + Address::kSize + 12;

const Bytes kLastHeightKey = {BlockStore::kMetaPrefix, 'h', 'e', 'i', 'g', 'h', 't'};
// The lowest height >= 1 whose body is kept (absent: 1, nothing pruned).
const Bytes kBodiesFromKey = {BlockStore::kMetaPrefix, 'b', 'o', 'd', 'i', 'e', 's'};
// The lowest height from which the audit index is complete (absent: the
// store predates the index; ChainStore::Open builds it).
const Bytes kAuditFromKey = {BlockStore::kMetaPrefix, 'a', 'u', 'd', 'i', 't'};

// Adds the deletion of bodies [from, below) to `batch`, at most `max` of
// them, and the new bodies-from marker; returns the new marker.
uint64_t AddPruning(leveldb::WriteBatch& batch, uint64_t from, uint64_t below, uint64_t max) {
  uint64_t h = from;
  for (; h < below && h - from < max; ++h) {
    batch.Delete(AsSlice(HeightKey(BlockStore::kBlockPrefix, h)));
  }
  if (h != from) {
    Bytes v;
    PutBE64(v, h);
    batch.Put(AsSlice(kBodiesFromKey), AsSlice(v));
  }
  return h;
}

}  // namespace

std::optional<Bytes> BlockStore::Read(ByteSpan key) const {
  std::string v;
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot_;
  leveldb::Status s = db_->Get(ro, AsSlice(key), &v);
  if (!s.ok()) return std::nullopt;
  return Bytes(v.begin(), v.end());
}

std::optional<uint64_t> BlockStore::LastHeight() const {
  auto v = Read(kLastHeightKey);
  if (!v || v->size() != 8) return std::nullopt;
  return GetBE64(v->data());
}

uint64_t BlockStore::BodiesFrom() const {
  auto v = Read(kBodiesFromKey);
  if (!v || v->size() != 8) return 1;
  return GetBE64(v->data());
}

std::optional<BlockPtr> BlockStore::BlockAt(uint64_t height) const {
  auto v = Read(HeightKey(kBlockPrefix, height));
  if (!v) return std::nullopt;
  auto b = Block::Decode(*v);
  if (!b) return std::nullopt;
  return *b;
}

std::optional<uint64_t> BlockStore::HeightOf(const Hash& block_hash) const {
  auto v = Read(HashKey(kHashPrefix, block_hash));
  if (!v || v->size() != 8) return std::nullopt;
  return GetBE64(v->data());
}

std::optional<CommitCertificate> BlockStore::CertificateAt(uint64_t height) const {
  auto v = Read(HeightKey(kCertPrefix, height));
  if (!v) return std::nullopt;
  auto c = CommitCertificate::Decode(*v);
  if (!c) return std::nullopt;
  return *c;
}

std::optional<std::vector<Receipt>> BlockStore::ReceiptsAt(uint64_t height) const {
  auto v = Read(HeightKey(kReceiptsPrefix, height));
  if (!v) return std::nullopt;
  auto r = DecodeReceipts(*v);
  if (!r) return std::nullopt;
  return *r;
}

std::optional<TxLocation> BlockStore::FindTransaction(const Hash& tx_id) const {
  auto v = Read(HashKey(kTxPrefix, tx_id));
  if (!v || v->size() != 12) return std::nullopt;
  return TxLocation{GetBE64(v->data()), GetBE32(v->data() + 8)};
}

std::optional<IndexedTransaction> BlockStore::GetTransaction(const Hash& tx_id) const {
  auto loc = FindTransaction(tx_id);
  if (!loc) return std::nullopt;
  auto block = BlockAt(loc->height);
  auto receipts = ReceiptsAt(loc->height);
  if (!block || !receipts || loc->position >= (*block)->transactions().size() ||
      loc->position >= receipts->size()) {
    return std::nullopt;
  }
  return IndexedTransaction{(*block)->transactions()[loc->position], *loc,
                            (*receipts)[loc->position]};
}

std::vector<HistoryEntry> BlockStore::AccountHistory(const Address& account, uint64_t from_height,
                                                     uint32_t from_position, size_t limit) const {
  std::vector<HistoryEntry> out;
  Bytes start = AccountKey(account, from_height, from_position);
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(AsSlice(start)); it->Valid() && out.size() < limit; it->Next()) {
    leveldb::Slice k = it->key();
    if (k.size() != kAccountKeySize ||
        std::memcmp(k.data(), start.data(), 1 + Address::kSize) != 0) {
      break;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(k.data()) + 1 + Address::kSize;
    leveldb::Slice v = it->value();
    if (v.size() < Hash::kSize) break;  // the record starts with the transaction id
    out.push_back(
        {GetBE64(p), GetBE32(p + 8),
         Hash::FromSpan(ByteSpan(reinterpret_cast<const uint8_t*>(v.data()), Hash::kSize))});
  }
  return out;
}

namespace {

// Walks an index whose keys are `prefix` ‖ BE64 height ‖ BE32 position
// (`prefix` is the key bytes before the location), visiting the entries
// with locations in [lowest, highest] in `order`. Before each entry it asks
// `full()`; when that says true, or max_scan entries were visited, it stops
// and returns the last visited location (where to resume). nullopt when the
// range was exhausted. `visit(location, value)` returning an error ends the
// walk with it.
template <typename Full, typename Visit>
Result<std::optional<TxLocation>> WalkIndex(leveldb::DB& db, const leveldb::Snapshot* snapshot,
                                            const Bytes& prefix, HistoryScan::Order order,
                                            TxLocation lowest, TxLocation highest, size_t max_scan,
                                            size_t& scanned, Full full, Visit visit) {
  if (highest < lowest) return std::optional<TxLocation>();
  const size_t key_size = prefix.size() + 12;
  auto key_at = [&](TxLocation loc) {
    Bytes k = prefix;
    PutBE64(k, loc.height);
    PutBE32(k, loc.position);
    return k;
  };
  const bool newest_first = order == HistoryScan::Order::kNewestFirst;
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(ro));
  if (newest_first) {
    const Bytes high = key_at(highest);
    it->Seek(AsSlice(high));
    if (!it->Valid()) {
      it->SeekToLast();
    } else if (it->key() != AsSlice(high)) {
      it->Prev();
    }
  } else {
    it->Seek(AsSlice(key_at(lowest)));
  }
  // The current entry's location, or nullopt when the iterator has left the range.
  auto current = [&]() -> std::optional<TxLocation> {
    if (!it->Valid()) return std::nullopt;
    leveldb::Slice k = it->key();
    if (k.size() != key_size || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) {
      return std::nullopt;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(k.data()) + prefix.size();
    TxLocation loc{GetBE64(p), GetBE32(p + 8)};
    if (loc < lowest || highest < loc) return std::nullopt;
    return loc;
  };
  max_scan = std::max<size_t>(max_scan, 1);
  std::optional<TxLocation> last;
  for (auto loc = current(); loc; loc = current()) {
    if (full() || scanned >= max_scan) return last;  // more entries remain in the range
    leveldb::Slice v = it->value();
    if (Status st = visit(*loc, ByteSpan(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
        !st) {
      return st.error();
    }
    ++scanned;
    last = loc;
    if (newest_first) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  return std::optional<TxLocation>();
}

Status CorruptRecord(std::string_view index, TxLocation loc) {
  return MakeError("corrupt_index", std::string(index) + " record at height " +
                                        std::to_string(loc.height) + " position " +
                                        std::to_string(loc.position) + " does not decode");
}

// The audit records of a block's transactions (chain/audit.h).
void AddAuditRecords(leveldb::WriteBatch& batch, const Block& block,
                     const std::vector<Receipt>& receipts) {
  const auto& txs = block.transactions();
  for (size_t i = 0; i < txs.size() && i < receipts.size(); ++i) {
    if (!IsAudited(TypeOf(txs[i]->body().op))) continue;
    AuditRecord rec;
    rec.timestamp_ms = block.header().timestamp_ms;
    rec.tx = txs[i];
    rec.receipt = receipts[i];
    Bytes key = HeightKey(BlockStore::kAuditPrefix, block.header().height);
    PutBE32(key, static_cast<uint32_t>(i));
    batch.Put(AsSlice(key), AsSlice(rec.EncodeValue()));
  }
}

}  // namespace

Result<HistoryPage> BlockStore::ScanAccountHistory(const Address& account,
                                                   const HistoryScan& scan) const {
  HistoryPage page;
  if (scan.limit == 0) return page;
  auto resume = WalkIndex(
      *db_, snapshot_, PrefixedKey(kAccountPrefix, ByteSpan(account.bytes)), scan.order,
      scan.lowest, scan.highest, scan.max_scan, page.scanned,
      [&] { return page.records.size() >= scan.limit; },
      [&](TxLocation loc, ByteSpan value) -> Status {
        auto rec = AccountHistoryRecord::DecodeValue(value, loc);
        if (!rec) return CorruptRecord("account history", loc);
        if (!scan.filter || scan.filter(*rec)) page.records.push_back(std::move(*rec));
        return Status::Ok();
      });
  if (!resume) return resume.error();
  page.resume = *resume;
  return page;
}

Result<AuditPage> BlockStore::ScanAudit(const AuditScan& scan) const {
  AuditPage page;
  if (scan.limit == 0) return page;
  auto resume = WalkIndex(
      *db_, snapshot_, Bytes{kAuditPrefix}, scan.order, scan.lowest, scan.highest, scan.max_scan,
      page.scanned, [&] { return page.records.size() >= scan.limit; },
      [&](TxLocation loc, ByteSpan value) -> Status {
        auto rec = AuditRecord::DecodeValue(value, loc);
        if (!rec) return CorruptRecord("audit", loc);
        if (!scan.filter || scan.filter(*rec)) page.records.push_back(std::move(*rec));
        return Status::Ok();
      });
  if (!resume) return resume.error();
  page.resume = *resume;
  return page;
}

uint64_t BlockStore::AuditFrom() const {
  auto v = Read(kAuditFromKey);
  if (!v || v->size() != 8) return 0;
  return GetBE64(v->data());
}

std::optional<BlockSummary> BlockStore::SummaryAt(uint64_t height) const {
  auto v = Read(HeightKey(kSummaryPrefix, height));
  if (!v) return std::nullopt;
  return BlockSummary::Decode(*v);
}

Status BlockStore::ForEachSummary(uint64_t first, uint64_t last,
                                  const std::function<bool(const BlockSummary&)>& fn) const {
  if (last < first) return Status::Ok();
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  uint64_t expect = first;
  for (it->Seek(AsSlice(HeightKey(kSummaryPrefix, first))); expect <= last; it->Next()) {
    if (!it->Valid() || it->key().size() != 9 ||
        static_cast<uint8_t>(it->key()[0]) != kSummaryPrefix ||
        GetBE64(reinterpret_cast<const uint8_t*>(it->key().data()) + 1) != expect) {
      return MakeError("corrupt_index", "no summary for block " + std::to_string(expect));
    }
    leveldb::Slice v = it->value();
    auto s = BlockSummary::Decode(ByteSpan(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
    if (!s)
      return MakeError("corrupt_index",
                       "summary of block " + std::to_string(expect) + " does not decode");
    if (!fn(*s) || expect == last) break;
    ++expect;
  }
  return Status::Ok();
}

std::optional<BlockHeader> BlockStore::HeaderAt(uint64_t height) const {
  if (auto s = SummaryAt(height)) return std::move(s->header);
  auto b = BlockAt(height);  // a block committed before summaries existed
  if (!b) return std::nullopt;
  return (*b)->header();
}

std::optional<uint64_t> BlockStore::FirstHeightAtOrAfter(uint64_t timestamp_ms) const {
  auto last = LastHeight();
  if (!last) return std::nullopt;
  // Invariant: every height below lo is older; every height from hi on is not.
  uint64_t lo = 0, hi = *last + 1;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    auto h = HeaderAt(mid);
    if (!h) return std::nullopt;
    if (h->timestamp_ms < timestamp_ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo > *last) return std::nullopt;
  return lo;
}

std::optional<uint64_t> BlockStore::LastHeightAtOrBefore(uint64_t timestamp_ms) const {
  auto last = LastHeight();
  if (!last) return std::nullopt;
  // The first height newer than timestamp_ms, minus one.
  uint64_t lo = 0, hi = *last + 1;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    auto h = HeaderAt(mid);
    if (!h) return std::nullopt;
    if (h->timestamp_ms <= timestamp_ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return std::nullopt;
  return lo - 1;
}

// ---------------------------------------------------------------- ChainStore

ChainStore::ChainStore(std::string path, std::unique_ptr<leveldb::Cache> cache,
                       std::unique_ptr<leveldb::DB> db)
    : path_(std::move(path)),
      cache_(std::move(cache)),
      db_(std::move(db)),
      state_(*db_),
      blocks_(*db_) {}

uint64_t ChainStore::DiskBytes() const {
  std::error_code ec;
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      const auto n = entry.file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}

ChainStore::~ChainStore() = default;

Result<std::unique_ptr<ChainStore>> ChainStore::Open(const Options& options) {
  leveldb::Options lo;
  lo.create_if_missing = options.create_if_missing;
  lo.paranoid_checks = true;
  if (options.env) lo.env = options.env;
  std::unique_ptr<leveldb::Cache> cache(leveldb::NewLRUCache(options.block_cache_bytes));
  lo.block_cache = cache.get();
  lo.write_buffer_size = options.write_buffer_bytes;
  lo.max_open_files = options.max_open_files;
  lo.compression = options.compression ? leveldb::kSnappyCompression : leveldb::kNoCompression;
  // Keys are hashes and positions, so one bloom filter policy for all of them.
  static const leveldb::FilterPolicy* bloom = leveldb::NewBloomFilterPolicy(10);
  lo.filter_policy = bloom;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(lo, options.path, &raw);
  if (!s.ok()) return MakeError("storage_open_failed", s.ToString());
  auto store = std::unique_ptr<ChainStore>(
      new ChainStore(options.path, std::move(cache), std::unique_ptr<leveldb::DB>(raw)));
  store->retain_blocks_ = options.retain_blocks;
  if (Status st = store->BuildAuditIndex(); !st) return st.error();
  return store;
}

Status ChainStore::CommitBlock(const Block& block, const CommitCertificate& cert,
                               const std::vector<Receipt>& receipts, const PendingState& state,
                               bool sync) {
  const BlockHeader& h = block.header();
  auto last = blocks_.LastHeight();
  uint64_t expected = last ? *last + 1 : 0;
  if (h.height != expected) {
    return MakeError("bad_height", "block height " + std::to_string(h.height) +
                                       " is not the next height " + std::to_string(expected));
  }
  if (last) {
    auto prev = blocks_.HeaderAt(*last);
    if (!prev || prev->ComputeHash() != h.prev_hash) {
      return MakeError("bad_prev_hash", "block does not extend the last committed block");
    }
    if (h.timestamp_ms < prev->timestamp_ms) {
      return MakeError("bad_timestamp", "block timestamp " + std::to_string(h.timestamp_ms) +
                                            " is older than the last block's " +
                                            std::to_string(prev->timestamp_ms));
    }
  }
  if (state.base_root != state_.Root()) {
    return MakeError("stale_state", "pending state was computed against another state");
  }
  if (state.root != h.state_root) {
    return MakeError("bad_state_root", "pending state root differs from the header's");
  }
  if (receipts.size() != block.transactions().size() || ReceiptsRoot(receipts) != h.receipts_root) {
    return MakeError("bad_receipts_root", "receipts do not match the header's receipts root");
  }

  leveldb::WriteBatch batch;
  Bytes height_value;
  PutBE64(height_value, h.height);
  batch.Put(AsSlice(HeightKey(BlockStore::kBlockPrefix, h.height)), AsSlice(block.Encode()));
  batch.Put(AsSlice(HashKey(BlockStore::kHashPrefix, block.hash())), AsSlice(height_value));
  batch.Put(AsSlice(HeightKey(BlockStore::kCertPrefix, h.height)), AsSlice(cert.Encode()));
  batch.Put(AsSlice(HeightKey(BlockStore::kReceiptsPrefix, h.height)),
            AsSlice(EncodeReceipts(receipts)));
  batch.Put(AsSlice(HeightKey(BlockStore::kSummaryPrefix, h.height)),
            AsSlice(BlockSummary::Build(block, receipts).Encode()));
  const auto& txs = block.transactions();
  for (size_t i = 0; i < txs.size(); ++i) {
    uint32_t pos = static_cast<uint32_t>(i);
    Bytes loc = height_value;
    PutBE32(loc, pos);
    batch.Put(AsSlice(HashKey(BlockStore::kTxPrefix, txs[i]->id())), AsSlice(loc));
    for (const auto& [account, record] : BuildAccountHistory(h, pos, *txs[i], receipts[i])) {
      batch.Put(AsSlice(AccountKey(account, h.height, pos)), AsSlice(record.EncodeValue()));
    }
  }
  AddAuditRecords(batch, block, receipts);
  if (h.height == 0) {
    Bytes zero;
    PutBE64(zero, 0);
    batch.Put(AsSlice(kAuditFromKey), AsSlice(zero));
  }
  state.AddToBatch(batch);
  AddStateHistory(batch, state.values, h.height);
  if (retain_blocks_ > 0 && h.height > retain_blocks_) {
    (void)AddPruning(batch, blocks_.BodiesFrom(), h.height - retain_blocks_ + 1,
                     kMaxPrunePerCommit);
  }
  batch.Put(AsSlice(kLastHeightKey), AsSlice(height_value));

  leveldb::WriteOptions wo;
  wo.sync = sync;
  leveldb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return MakeError("storage_write_failed", s.ToString());
  return Status::Ok();
}

Status ChainStore::BuildAuditIndex() {
  std::string marker;
  if (db_->Get(leveldb::ReadOptions(), AsSlice(kAuditFromKey), &marker).ok()) return Status::Ok();
  auto last = blocks_.LastHeight();
  if (!last) return Status::Ok();  // empty: block 0's commit writes the marker
  const uint64_t bodies_from = blocks_.BodiesFrom();
  const uint64_t from = bodies_from > 1 ? bodies_from : 0;
  constexpr uint64_t kBlocksPerBatch = 256;
  for (uint64_t h = from; h <= *last;) {
    leveldb::WriteBatch batch;
    for (uint64_t end = std::min(*last, h + kBlocksPerBatch - 1); h <= end; ++h) {
      auto block = blocks_.BlockAt(h);
      auto receipts = blocks_.ReceiptsAt(h);
      if (!block || !receipts) {
        return MakeError("corrupt_store", "block " + std::to_string(h) +
                                              " or its receipts cannot be read while building "
                                              "the audit index");
      }
      AddAuditRecords(batch, **block, *receipts);
    }
    leveldb::Status s = db_->Write(leveldb::WriteOptions(), &batch);
    if (!s.ok()) return MakeError("storage_write_failed", s.ToString());
  }
  leveldb::WriteBatch done;
  Bytes v;
  PutBE64(v, from);
  done.Put(AsSlice(kAuditFromKey), AsSlice(v));
  leveldb::WriteOptions wo;
  wo.sync = true;  // after every record: a crash before it only repeats the build
  leveldb::Status s = db_->Write(wo, &done);
  if (!s.ok()) return MakeError("storage_write_failed", s.ToString());
  return Status::Ok();
}

Status ChainStore::SyncToDisk() {
  std::string v;
  if (!db_->Get(leveldb::ReadOptions(), AsSlice(kLastHeightKey), &v).ok()) return Status::Ok();
  leveldb::WriteBatch batch;
  batch.Put(AsSlice(kLastHeightKey), v);
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return MakeError("storage_write_failed", s.ToString());
  return Status::Ok();
}

Result<uint64_t> ChainStore::Prune(uint64_t retain_blocks) {
  auto last = blocks_.LastHeight();
  if (!last || retain_blocks == 0 || *last <= retain_blocks) return uint64_t{0};
  const uint64_t below = *last - retain_blocks + 1;
  uint64_t from = blocks_.BodiesFrom();
  uint64_t deleted = 0;
  while (from < below) {
    leveldb::WriteBatch batch;
    const uint64_t next = AddPruning(batch, from, below, 4096);
    leveldb::WriteOptions wo;
    wo.sync = true;
    leveldb::Status s = db_->Write(wo, &batch);
    if (!s.ok()) return MakeError("storage_write_failed", s.ToString());
    deleted += next - from;
    from = next;
  }
  return deleted;
}

void ChainStore::Compact() {
  db_->CompactRange(nullptr, nullptr);
}

}  // namespace corridor

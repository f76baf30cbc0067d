// Committed blocks, their certificates and receipts, the indexes over them,
// and the one-WriteBatch-per-block commit (docs/state.md §6).
//
// ChainStore owns the node's LevelDB database. Everything a committed block
// changes — the block, its commit certificate, its receipts, its summary
// (header and counts), the transaction index, the account history index, the
// state values, their past versions and the state tree nodes, and the
// last-committed-height marker — is written in one WriteBatch with
// sync = true. LevelDB applies a batch atomically and its log drops a torn
// record on recovery, so after a crash at any point the store opens at the
// last block whose batch reached the disk, with exactly that block's state.
//
// BlockStore is the read side (by height, by hash, by transaction id, by
// account). Both are safe to read from several threads; CommitBlock must be
// called from one thread at a time (the node's commit path).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/audit.h"
#include "chain/block.h"
#include "chain/history.h"
#include "chain/receipt.h"
#include "chain/result.h"
#include "chain/state_history.h"
#include "chain/state_store.h"

namespace leveldb {
class Cache;
class DB;
class Env;
class Snapshot;
}  // namespace leveldb

namespace corridor {

struct IndexedTransaction {
  TransactionPtr tx;
  TxLocation location;
  Receipt receipt;
};

struct HistoryEntry {
  uint64_t height = 0;
  uint32_t position = 0;
  Hash tx_id;
  bool operator==(const HistoryEntry&) const = default;
};

inline constexpr TxLocation kFirstLocation{0, 0};
inline constexpr TxLocation kLastLocation{std::numeric_limits<uint64_t>::max(),
                                          std::numeric_limits<uint32_t>::max()};

// A bounded walk over one account's history index.
struct HistoryScan {
  enum class Order { kNewestFirst, kOldestFirst };
  Order order = Order::kNewestFirst;
  TxLocation lowest = kFirstLocation;  // inclusive
  TxLocation highest = kLastLocation;  // inclusive
  size_t limit = 100;                  // matching records to return at most
  size_t max_scan = 10'000;            // index entries to examine at most
  // Which records to return; nullptr returns every record.
  std::function<bool(const AccountHistoryRecord&)> filter;
};

struct HistoryPage {
  std::vector<AccountHistoryRecord> records;  // in scan order
  // Set when the scan stopped (limit or max_scan reached) before the end of
  // the range: the last position examined. Continue past it (in scan order)
  // for the rest. nullopt when the range is exhausted.
  std::optional<TxLocation> resume;
  size_t scanned = 0;  // index entries examined
};

// A bounded walk over the audit index (chain/audit.h); the same rules as
// HistoryScan.
struct AuditScan {
  HistoryScan::Order order = HistoryScan::Order::kNewestFirst;
  TxLocation lowest = kFirstLocation;  // inclusive
  TxLocation highest = kLastLocation;  // inclusive
  size_t limit = 100;
  size_t max_scan = 10'000;
  std::function<bool(const AuditRecord&)> filter;  // nullptr: every record
};

struct AuditPage {
  std::vector<AuditRecord> records;  // in scan order
  std::optional<TxLocation> resume;  // as HistoryPage::resume
  size_t scanned = 0;
};

class BlockStore {
 public:
  // With `snapshot`, every read sees the database as of that snapshot
  // (backups); otherwise the latest committed data.
  explicit BlockStore(leveldb::DB& db, const leveldb::Snapshot* snapshot = nullptr)
      : db_(&db), snapshot_(snapshot) {}

  // Height of the last committed block; nullopt for an empty store.
  std::optional<uint64_t> LastHeight() const;
  std::optional<BlockPtr> BlockAt(uint64_t height) const;
  std::optional<uint64_t> HeightOf(const Hash& block_hash) const;
  std::optional<CommitCertificate> CertificateAt(uint64_t height) const;
  std::optional<std::vector<Receipt>> ReceiptsAt(uint64_t height) const;
  std::optional<TxLocation> FindTransaction(const Hash& tx_id) const;
  // The committed transaction with its location and receipt (decodes its block).
  std::optional<IndexedTransaction> GetTransaction(const Hash& tx_id) const;
  // Transactions that touched `account` (as sender or as an event's account or
  // counterparty), ascending from (from_height, from_position), at most `limit`.
  std::vector<HistoryEntry> AccountHistory(const Address& account, uint64_t from_height,
                                           uint32_t from_position, size_t limit) const;
  // The account's history records in `scan.order` within [lowest, highest],
  // at most scan.limit matches after examining at most scan.max_scan entries.
  // Cost is bounded by max_scan index reads, whatever the filter.
  // Error "corrupt_index" when a stored record does not decode.
  Result<HistoryPage> ScanAccountHistory(const Address& account, const HistoryScan& scan) const;

  // The audit records (chain/audit.h) in `scan.order` within [lowest,
  // highest]; cost bounded by scan.max_scan index reads. Error
  // "corrupt_index" when a stored record does not decode.
  Result<AuditPage> ScanAudit(const AuditScan& scan) const;
  // The lowest height from which the audit index holds every audited
  // transaction: 0, or the first unpruned height when the index was built
  // (ChainStore::Open) for a store whose older bodies were already pruned.
  uint64_t AuditFrom() const;

  // The header and per-block counts of a committed block ('H' records; small).
  std::optional<BlockSummary> SummaryAt(uint64_t height) const;
  // Visits the summaries of heights first..last in order with one iterator
  // (statistics over long windows); stops early when `fn` returns false.
  // Error "corrupt_index" when a height in the range has no readable summary.
  Status ForEachSummary(uint64_t first, uint64_t last,
                        const std::function<bool(const BlockSummary&)>& fn) const;
  // The lowest height >= 1 whose block body is stored: bodies of heights
  // [1, BodiesFrom()) were pruned (ChainStore::Options::retain_blocks);
  // their headers, certificates, receipts, summaries and indexes remain. 1
  // when nothing was pruned. (Block 0, the genesis block, is always kept.)
  uint64_t BodiesFrom() const;
  bool IsPruned(uint64_t height) const { return height > 0 && height < BodiesFrom(); }

  // The header alone, without decoding the block's transactions.
  std::optional<BlockHeader> HeaderAt(uint64_t height) const;
  // Block timestamps never decrease along the chain (CommitBlock refuses a
  // block older than its parent), so time maps to heights by binary search:
  // O(log height) small reads.
  // The first height whose timestamp is >= `timestamp_ms`; nullopt when every
  // block is older (or the store is empty).
  std::optional<uint64_t> FirstHeightAtOrAfter(uint64_t timestamp_ms) const;
  // The last height whose timestamp is <= `timestamp_ms`; nullopt when every
  // block is newer (or the store is empty).
  std::optional<uint64_t> LastHeightAtOrBefore(uint64_t timestamp_ms) const;

  // LevelDB key prefixes (docs/state.md §6).
  static constexpr uint8_t kMetaPrefix = 'm';
  static constexpr uint8_t kBlockPrefix = 'b';
  static constexpr uint8_t kHashPrefix = 'h';
  static constexpr uint8_t kCertPrefix = 'c';
  static constexpr uint8_t kReceiptsPrefix = 'r';
  static constexpr uint8_t kTxPrefix = 'x';
  static constexpr uint8_t kAccountPrefix = 'a';
  static constexpr uint8_t kSummaryPrefix = 'H';
  static constexpr uint8_t kAuditPrefix = 'u';

 private:
  std::optional<Bytes> Read(ByteSpan key) const;
  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_ = nullptr;
};

class ChainStore {
 public:
  // LevelDB settings (docs/configuration.md [storage] says why these
  // values) and block-body retention.
  struct Options {
    std::string path;
    leveldb::Env* env = nullptr;  // nullptr: the default environment
    size_t block_cache_bytes = 64u << 20;
    size_t write_buffer_bytes = 16u << 20;
    int max_open_files = 1000;
    bool compression = true;  // Snappy, per 4 KiB block
    // Keep the bodies of the last `retain_blocks` blocks below the head; 0
    // keeps every body. Each commit prunes at most kMaxPrunePerCommit older
    // bodies, so switching retention on for a long chain catches up over
    // the next blocks instead of stalling one commit (or run Prune()).
    uint64_t retain_blocks = 0;
    bool create_if_missing = true;
  };
  static constexpr uint64_t kMaxPrunePerCommit = 64;

  // Opens (or creates) the store. A store written before the audit index
  // existed gets it built here, once, from its block bodies and receipts
  // (one pass over the stored blocks; AuditFrom() tells how far back).
  static Result<std::unique_ptr<ChainStore>> Open(const Options& options);
  ~ChainStore();
  ChainStore(const ChainStore&) = delete;
  ChainStore& operator=(const ChainStore&) = delete;

  const StateStore& state() const { return state_; }
  const BlockStore& blocks() const { return blocks_; }
  // Bytes of the database's files on disk (the corridor_db_size_bytes metric).
  uint64_t DiskBytes() const;
  const std::string& path() const { return path_; }
  // The state as it was after block `height` (every committed value is kept
  // by height, docs/state.md §6). For heights above the last block: the
  // current state. The view is valid while this store is open.
  HistoricalState StateAt(uint64_t height) const { return HistoricalState(*db_, height); }

  // Writes block, certificate, receipts, indexes, state and the height marker
  // in one synced batch. REQUIRES (checked, error if not): the block's height
  // is the next one (0 on an empty store), its prev_hash is the last block's
  // hash, its timestamp is not below the last block's ("bad_timestamp"),
  // state.base_root is the committed root, state.root equals the header's
  // state_root, and the receipts match the header's receipts_root.
  //
  // With `sync` false the batch is not fsynced (block sync applies a batch of
  // certified blocks and syncs once at the end, SyncToDisk): after a crash the
  // store opens at an earlier block, never at a partial one, and the node
  // fetches the rest again. Blocks this node voted on are always synced.
  [[nodiscard]] Status CommitBlock(const Block& block, const CommitCertificate& cert,
                                   const std::vector<Receipt>& receipts, const PendingState& state,
                                   bool sync = true);
  // Makes every earlier unsynced commit durable (one synced write).
  [[nodiscard]] Status SyncToDisk();

  // Deletes every block body older than `retain_blocks` below the head now
  // (in batches), whatever Options::retain_blocks says; returns how many
  // were deleted. `corridord compact` runs it before Compact().
  Result<uint64_t> Prune(uint64_t retain_blocks);
  // Compacts the whole key range (reclaims the space of deleted records).
  void Compact();
  // The underlying database (backups read a consistent snapshot of it).
  leveldb::DB& db() const { return *db_; }

 private:
  ChainStore(std::string path, std::unique_ptr<leveldb::Cache> cache,
             std::unique_ptr<leveldb::DB> db);
  // Writes the audit records of every stored block body and the AuditFrom
  // marker (for stores written before the index existed).
  Status BuildAuditIndex();

  std::string path_;
  uint64_t retain_blocks_ = 0;
  std::unique_ptr<leveldb::Cache> cache_;  // outlives db_
  std::unique_ptr<leveldb::DB> db_;
  StateStore state_;
  BlockStore blocks_;
};

}  // namespace corridor

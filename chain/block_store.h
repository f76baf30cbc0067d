// Committed blocks, their certificates and receipts, the indexes over them,
// and the one-WriteBatch-per-block commit (docs/state.md §6).
//
// ChainStore owns the node's LevelDB database. Everything a committed block
// changes — the block, its commit certificate, its receipts, the transaction
// index, the account history index, the state values and state tree nodes,
// and the last-committed-height marker — is written in one WriteBatch with
// sync = true. LevelDB applies a batch atomically and its log drops a torn
// record on recovery, so after a crash at any point the store opens at the
// last block whose batch reached the disk, with exactly that block's state.
//
// BlockStore is the read side (by height, by hash, by transaction id, by
// account). Both are safe to read from several threads; CommitBlock must be
// called from one thread at a time (the node's commit path).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/receipt.h"
#include "chain/result.h"
#include "chain/state_store.h"

namespace leveldb {
class Cache;
class DB;
class Env;
}  // namespace leveldb

namespace corridor {

struct TxLocation {
  uint64_t height = 0;
  uint32_t position = 0;
  bool operator==(const TxLocation&) const = default;
};

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

class BlockStore {
 public:
  explicit BlockStore(leveldb::DB& db) : db_(&db) {}

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

  // LevelDB key prefixes (docs/state.md §6).
  static constexpr uint8_t kMetaPrefix = 'm';
  static constexpr uint8_t kBlockPrefix = 'b';
  static constexpr uint8_t kHashPrefix = 'h';
  static constexpr uint8_t kCertPrefix = 'c';
  static constexpr uint8_t kReceiptsPrefix = 'r';
  static constexpr uint8_t kTxPrefix = 'x';
  static constexpr uint8_t kAccountPrefix = 'a';

 private:
  std::optional<Bytes> Read(ByteSpan key) const;
  leveldb::DB* db_;
};

class ChainStore {
 public:
  struct Options {
    std::string path;
    leveldb::Env* env = nullptr;  // nullptr: the default environment
    size_t block_cache_bytes = 64u << 20;
    size_t write_buffer_bytes = 16u << 20;
  };

  static Result<std::unique_ptr<ChainStore>> Open(const Options& options);
  ~ChainStore();
  ChainStore(const ChainStore&) = delete;
  ChainStore& operator=(const ChainStore&) = delete;

  const StateStore& state() const { return state_; }
  const BlockStore& blocks() const { return blocks_; }

  // Writes block, certificate, receipts, indexes, state and the height marker
  // in one synced batch. REQUIRES (checked, error if not): the block's height
  // is the next one (0 on an empty store), its prev_hash is the last block's
  // hash, state.base_root is the committed root, state.root equals the
  // header's state_root, and the receipts match the header's receipts_root.
  [[nodiscard]] Status CommitBlock(const Block& block, const CommitCertificate& cert,
                                   const std::vector<Receipt>& receipts, const PendingState& state);

 private:
  ChainStore(std::unique_ptr<leveldb::Cache> cache, std::unique_ptr<leveldb::DB> db);

  std::unique_ptr<leveldb::Cache> cache_;  // outlives db_
  std::unique_ptr<leveldb::DB> db_;
  StateStore state_;
  BlockStore blocks_;
};

}  // namespace corridor

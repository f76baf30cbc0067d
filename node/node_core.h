// NodeCore: one validator's logic — consensus engine, mempool, block
// execution and storage, transaction gossip and block sync — behind two
// small interfaces, so that the same code runs in corridord (Asio timers,
// p2p transport) and in tests (a manual clock, an in-process message bus).
//
// Flow: peers' consensus messages go to the engine; the engine's actions go
// out through the Transport, the Scheduler and the store. When this node
// leads, it builds a block from the mempool (Executor::Propose) once
// transactions wait and block_interval_ms has passed since its last
// proposal, or an empty block after empty_block_interval_ms. Proposals are
// validated by executing them against the committed state; the execution is
// kept and reused when the block commits, so each block executes once. A
// commit writes block, certificate, receipts, indexes and state in one
// LevelDB batch (ChainStore::CommitBlock) and then prunes the mempool.
//
// Thread-safety: every public method takes one mutex, so RPC threads, the
// P2P thread and timer callbacks may call in concurrently. Scheduler
// callbacks must not be invoked from inside a NodeCore call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/block_store.h"
#include "chain/keys.h"
#include "chain/latency_histogram.h"
#include "chain/receipt.h"
#include "consensus/engine.h"
#include "contracts/executor.h"
#include "node/mempool.h"
#include "node/sync_progress.h"
#include "node/tx_admission.h"

namespace corridor::node {

// Wall-clock time (block timestamps) and one-shot timers.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual uint64_t NowMs() const = 0;  // milliseconds since the Unix epoch
  virtual void After(uint64_t delay_ms, std::function<void()> fn) = 0;
};

// Messages to peers, by validator / node key.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void Broadcast(uint8_t type, Bytes payload) = 0;
  virtual void Send(const PublicKey& to, uint8_t type, Bytes payload) = 0;
};

// P2P message types of the node (docs/p2p.md; 0-15 are the transport's).
namespace msg {
inline constexpr uint8_t kConsensus = 16;
inline constexpr uint8_t kTxBatch = 17;
inline constexpr uint8_t kBlockRequest = 18;
inline constexpr uint8_t kBlockResponse = 19;
inline constexpr uint8_t kStatus = 20;
}  // namespace msg

struct NodeCoreOptions {
  std::string chain_id;
  uint64_t base_timeout_ms = 2'000;
  uint64_t max_timeout_ms = 60'000;
  uint64_t block_interval_ms = 200;
  uint64_t empty_block_interval_ms = 5'000;
  size_t max_block_txs = 10'000;
  size_t max_block_bytes = 16u << 20;
  // A proposal's timestamp may be at most this far ahead of our clock.
  uint64_t max_clock_drift_ms = 10'000;
  // Transactions gossiped in batches collected for this long.
  uint64_t tx_gossip_delay_ms = 5;
  size_t sync_batch_blocks = 256;
  // While syncing, a progress line (blocks behind, rate, estimated time) at
  // most this often.
  uint64_t sync_log_interval_ms = 5'000;
  MempoolLimits mempool;
};

// Transactions committed, by operation type and receipt code.
struct OpResultKey {
  uint16_t op_type = 0;
  uint16_t code = 0;
  auto operator<=>(const OpResultKey&) const = default;
};

// A snapshot for RPC and health checks.
struct NodeStatus {
  uint64_t height = 0;  // last committed
  Hash tip;
  uint64_t tip_timestamp_ms = 0;
  uint64_t view = 0;
  bool in_view_change = false;
  bool syncing = false;
  uint64_t sync_target = 0;  // height f+1 validators have reached, when syncing
  SyncProgress sync;         // meaningful while syncing
  size_t mempool_txs = 0;
  size_t mempool_bytes = 0;
  bool halted = false;
  std::string halt_reason;
  consensus::EngineCounters consensus;
  uint64_t committed_txs = 0;
  uint64_t committed_blocks = 0;  // by this process (consensus or sync)
  // Time spent per block by this process (Prometheus histograms).
  HistogramSnapshot execute_latency;  // validating proposals / executing synced blocks
  HistogramSnapshot store_latency;    // ChainStore::CommitBlock (one synced batch)
  // Consensus phases as this validator saw them, per height it voted on:
  // propose = height started -> proposal accepted (its PREPARE sent),
  // prepare = PREPARE sent -> prepared (its COMMIT sent),
  // commit = COMMIT sent -> block committed.
  HistogramSnapshot phase_propose, phase_prepare, phase_commit;
  std::map<OpResultKey, uint64_t> committed_by_op;
};

struct CommittedBlockEvent {
  BlockPtr block;
  CommitCertificate cert;
  std::vector<Receipt> receipts;
};

class NodeCore {
 public:
  // `store` holds at least the genesis block. `wal_records` are what `wal`
  // held at start-up.
  static Result<std::unique_ptr<NodeCore>> Open(NodeCoreOptions options, PrivateKey key,
                                                ChainStore& store, consensus::Wal& wal,
                                                const std::vector<Bytes>& wal_records,
                                                Scheduler& scheduler, Transport& transport);
  ~NodeCore();

  // Arms the first timer (and, at the leader, starts building a block).
  Status Start();

  // A message from a connected peer. Malformed payloads are dropped and
  // counted; the return value says whether the peer should be disconnected
  // (it sent something undecodable).
  bool OnPeerMessage(const PublicKey& from, uint8_t type, ByteSpan payload);
  // A peer connected: tell it where we are.
  void OnPeerConnected(const PublicKey& peer);

  // Full admission (node::AdmitTransaction: the state machine's checks
  // against committed state, then the mempool's); gossip when new.
  SubmitResult SubmitTransaction(const TransactionPtr& tx);
  TransactionPtr PendingTransaction(const Hash& id) const;

  NodeStatus GetStatus() const;
  // The set deciding the next height (leader order).
  std::vector<PublicKey> Validators() const;
  // The set deciding `height` (a committed one, or one up to
  // kValidatorChangeDelay above the tip; further ahead, the scheduled guess).
  std::vector<PublicKey> ValidatorsAt(uint64_t height) const;
  // Every key that decides the next height or is scheduled to decide a
  // later one, sorted: the validators P2P must accept connections from.
  std::vector<PublicKey> PeerValidators() const;

  // Called after each commit, outside the lock (RPC subscriptions, metrics).
  void SetCommitListener(std::function<void(const CommittedBlockEvent&)> fn);

 private:
  class Impl;
  explicit NodeCore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor::node

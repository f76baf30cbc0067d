// The node's JSON-RPC methods (docs/rpc.md §8): chain_getInfo,
// chain_getBlock, chain_getTransaction, tx_submit, account_get,
// account_getHistory, account_getStatement, asset_list, stats_get.
//
// RegisterRpcMethods puts them on the rpc::Server (or a bare MethodTable in
// tests) over a NodeApi: the few things the methods
// need from a running node. Reads go straight to the ChainStore (LevelDB
// reads are thread-safe); submissions and pending lookups go through the
// NodeApi, which owns the mempool.
//
// Every query is bounded: page sizes have a maximum, history scans examine at
// most RpcApiOptions::max_history_scan index entries per call (returning a
// cursor to continue), statistics read at most max_stats_blocks block
// summaries. No method decodes more than the one block it was asked for.
//
// Thread-safety: the handlers keep no state of their own; they run on the
// server's worker threads concurrently and need a thread-safe NodeApi.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/result.h"
#include "chain/transaction.h"
#include "node/sync_progress.h"
#include "node/tx_admission.h"
#include "rpc/dispatcher.h"

namespace corridor::node {

struct ConsensusInfo {
  uint64_t view = 0;
  bool syncing = false;
  uint64_t highest_known_height = 0;  // the highest height peers have announced
  SyncProgress sync;                  // meaningful while syncing
};

// Everything the RPC methods need from a running node. Implementations must
// be thread-safe: handlers run on several worker threads at once.
class NodeApi {
 public:
  virtual ~NodeApi() = default;

  virtual const ChainStore& chain() const = 0;
  virtual std::string chain_id() const = 0;
  // The validator set in force at `height`.
  virtual std::vector<PublicKey> validators(uint64_t height) const = 0;
  virtual ConsensusInfo consensus_info() const = 0;
  // Full admission (AdmitTransaction: chain id, field checks, expiry, sender
  // registered, nonce window, signer weights, signatures, mempool limits).
  // Submitting a pending transaction again is kAlreadyPending, never a second
  // copy. (A transaction already committed is answered by tx_submit itself.)
  virtual SubmitResult SubmitTransaction(const TransactionPtr& tx) = 0;
  // The pending transaction with this id, or nullptr.
  virtual TransactionPtr PendingTransaction(const Hash& id) const = 0;
};

struct RpcApiOptions {
  size_t default_history_limit = 50;
  size_t max_history_limit = 500;
  // Index entries one account_getHistory / account_getStatement call examines
  // at most; a call that runs out returns what it found and a cursor.
  size_t max_history_scan = 10'000;
  size_t default_statement_limit = 500;
  size_t max_statement_limit = 1'000;
  // Block summaries one stats_get reads at most (the newest of the window).
  size_t max_stats_blocks = 100'000;
  uint64_t default_stats_window_ms = 24 * 3600 * 1000;
  // chain_getBlock: transactions per response, as ids or in full.
  size_t max_block_tx_ids = 10'000;
  size_t max_block_full_txs = 500;
  size_t max_assets = 1'000;  // asset_list page size
  // compliance_listHeld / compliance_getActivityRecords page sizes.
  size_t default_compliance_limit = 100;
  size_t max_compliance_limit = 1'000;
  // Signed read requests (docs/rpc.md §8.21): how far a request's timestamp
  // may be from the node's clock, and the clock (milliseconds since the
  // epoch; empty: the system clock).
  uint64_t auth_max_skew_ms = 5 * 60 * 1000;
  // account_getHistory and account_getStatement only for the account's own
  // keys, compliance accounts and admins (config [rpc] private_history).
  bool private_history = false;
  std::function<uint64_t()> now_ms;
};

struct NamedMethod {
  std::string name;
  rpc::MethodHandler handler;
};

// Every method above with its handler. `node` must outlive the handlers.
std::vector<NamedMethod> RpcMethods(NodeApi& node, RpcApiOptions options = {});

// Registers every method on `registry`: an rpc::MethodTable, or the running
// rpc::Server (anything with Register(name, handler) returning Status).
// Errors: the registry's (e.g. "duplicate_method").
template <typename Registry>
Status RegisterRpcMethods(Registry& registry, NodeApi& node, RpcApiOptions options = {}) {
  for (NamedMethod& m : RpcMethods(node, options)) {
    Status st = registry.Register(std::move(m.name), std::move(m.handler));
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace corridor::node

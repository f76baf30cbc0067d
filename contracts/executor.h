// The block executor: the deterministic state machine (docs/state.md §5).
//
// Apply() runs one transaction against a scratch view: checks that it may be
// included (chain, fields, expiry, sender, nonce, signer weights, signatures),
// consumes its nonce, and runs its operation in a nested overlay that is
// merged on success and dropped on failure, so a failed (3xx) transaction
// changes nothing but the sender's nonce. A transaction that may not be
// included (1xx, 2xx) leaves the view untouched.
//
// ExecuteBlock() applies every transaction of a block over the committed
// state and returns receipts, the receipts root and the PendingState (new
// root + writes) for ChainStore::CommitBlock. Any non-includable transaction
// makes the block invalid. Propose() is the proposer's side: it keeps the
// candidates that are includable, in order.
//
// Pure function of (state, block): no clock, no randomness, no unordered
// iteration, no floating point; every sum is overflow-checked. Stateless and
// const, so one Executor may serve several threads over different views.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/receipt.h"
#include "chain/result.h"
#include "chain/state_store.h"
#include "chain/transaction.h"
#include "contracts/result_code.h"

namespace corridor::contracts {

struct BlockContext {
  std::string chain_id;
  uint64_t height = 0;
  uint64_t timestamp_ms = 0;
};

struct BlockExecution {
  std::vector<TransactionPtr> transactions;  // the ones included, in order
  std::vector<Receipt> receipts;
  Hash receipts_root;
  PendingState state;
  // What the block's begin-block step did before its transactions (escrow
  // refunds at the deadline); stored in the state (docs/state.md §3.10).
  std::vector<Event> system_events;
};

class Executor {
 public:
  struct Options {
    // Verify BIP-340 signatures. A node may turn this off only for
    // transactions whose signatures it has already verified (mempool
    // admission keyed by transaction id): verification is a pure function of
    // the transaction, so skipping it does not change any outcome.
    bool verify_signatures = true;
  };

  Executor() = default;
  explicit Executor(Options options) : options_(options) {}

  // Applies `tx` to `view`. REQUIRES: ctx.chain_id is the chain's id.
  Receipt Apply(StateOverlay& view, const Transaction& tx, const BlockContext& ctx) const;

  // Error "invalid_transaction" (message names position, id and code) when a
  // transaction may not be included; "wrong_chain" when the header's chain id
  // is not the state's.
  Result<BlockExecution> ExecuteBlock(const StateStore& base, const Block& block) const;

  // ExecuteBlock plus the header checks: state_root and receipts_root must
  // match what execution produced ("bad_state_root", "bad_receipts_root").
  Result<BlockExecution> ValidateBlock(const StateStore& base, const Block& block) const;

  // Proposer: applies candidates in order, keeping the includable ones, up to
  // max_transactions.
  BlockExecution Propose(const StateStore& base, std::span<const TransactionPtr> candidates,
                         const BlockContext& ctx, size_t max_transactions) const;

 private:
  Options options_;
};

// The check behind Apply's first steps, for the mempool: the code the
// transaction would get for its sender/nonce/signatures against `view`
// (kSuccess when it passes them; it may still fail as 3xx when applied).
ResultCode CheckIncludable(const StateView& view, const Transaction& tx, const BlockContext& ctx,
                           bool verify_signatures);

}  // namespace corridor::contracts

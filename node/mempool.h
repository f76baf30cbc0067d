// Mempool: signed transactions waiting to be proposed (docs/node.md "Mempool").
//
// Admission checks what can be known without executing: chain id, expiry,
// signatures (verified here, once — block validation trusts the flag carried
// with admitted transactions), nonce window against the sender's committed
// nonce, size limits. Whether the signing keys carry enough weight for the
// sender is account state and is checked by the executor.
//
// Bounds: total count, total bytes, per-account count, and how far ahead of
// the sender's next nonce a transaction may wait (kNonceWindow). A transaction
// whose nonce is ahead waits for the gap to fill until its expiry height.
//
// Ordering for proposals: per account strictly by nonce, starting at the
// account's next nonce with no gaps; across accounts by arrival order of each
// account's next ready transaction, so no account starves another.
//
// Not thread-safe: the node calls it from one strand.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "chain/transaction.h"

namespace corridor::node {

struct MempoolLimits {
  size_t max_count = 100'000;
  size_t max_bytes = 256 * 1024 * 1024;
  size_t max_per_account = 1'024;
  // A nonce may be at most this far ahead of the account's next nonce.
  uint64_t nonce_window = 16;  // docs/state.md "Nonces": a gap of at most 16 may wait
};

// Read-only view of committed account state that admission needs.
class AccountNonces {
 public:
  virtual ~AccountNonces() = default;
  // The next nonce the account must use; nullopt when the account does not exist.
  virtual std::optional<uint64_t> NextNonce(const Address& account) const = 0;
};

enum class AdmitCode {
  kAccepted,
  kAlreadyKnown,  // the same id is already pending: idempotent success
  kWrongChain,
  kExpired,
  kBadSignature,
  kUnknownSender,
  kNonceTooLow,   // already used
  kNonceTooHigh,  // beyond the window
  kNonceInUse,    // another pending transaction has this sender and nonce
  kAccountFull,   // sender has too many pending
  kMempoolFull,
  kTooLarge,
};

struct AdmitResult {
  AdmitCode code;
  std::string message;
  bool ok() const { return code == AdmitCode::kAccepted || code == AdmitCode::kAlreadyKnown; }
};

// Stable snake_case name for RPC and logs ("nonce_too_low", ...).
std::string_view AdmitCodeName(AdmitCode code);

class Mempool {
 public:
  Mempool(std::string chain_id, MempoolLimits limits, const AccountNonces& nonces);

  // `height` is the next block height (the earliest the tx could be included).
  AdmitResult Admit(const TransactionPtr& tx, uint64_t next_height);

  // Up to max_count / max_bytes transactions ready for a block at
  // `next_height`, in proposal order. Does not remove them.
  std::vector<TransactionPtr> Select(uint64_t next_height, size_t max_count,
                                     size_t max_bytes) const;

  // After a block commits: drop included transactions, those of the block's
  // senders whose nonce is now below the account's next nonce, and those
  // expired at next_height. Cost is proportional to the block and the expired
  // transactions, not to the mempool's size.
  void OnBlockCommitted(const std::vector<TransactionPtr>& included, uint64_t next_height);

  bool Contains(const Hash& id) const { return by_id_.count(id) != 0; }
  TransactionPtr Get(const Hash& id) const;
  size_t size() const { return by_id_.size(); }
  size_t bytes() const { return bytes_; }
  size_t PendingFor(const Address& account) const;

 private:
  struct Entry {
    TransactionPtr tx;
    uint64_t seq;  // arrival order
  };
  void Remove(const Hash& id);

  std::string chain_id_;
  MempoolLimits limits_;
  const AccountNonces& nonces_;
  uint64_t next_seq_ = 0;
  size_t bytes_ = 0;
  std::unordered_map<Hash, Entry> by_id_;
  // sender -> nonce -> id (ordered: deterministic iteration)
  std::map<Address, std::map<uint64_t, Hash>> by_sender_;
  std::set<std::pair<uint64_t, Hash>> by_expiry_;  // (expiry height, id)
};

}  // namespace corridor::node

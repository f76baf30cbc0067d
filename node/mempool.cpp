#include "node/mempool.h"

#include <queue>

#include "chain/limits.h"

namespace corridor::node {

std::string_view AdmitCodeName(AdmitCode code) {
  switch (code) {
    case AdmitCode::kAccepted:
      return "accepted";
    case AdmitCode::kAlreadyKnown:
      return "already_known";
    case AdmitCode::kWrongChain:
      return "wrong_chain";
    case AdmitCode::kExpired:
      return "expired";
    case AdmitCode::kBadSignature:
      return "bad_signature";
    case AdmitCode::kUnknownSender:
      return "unknown_sender";
    case AdmitCode::kNonceTooLow:
      return "nonce_too_low";
    case AdmitCode::kNonceTooHigh:
      return "nonce_too_high";
    case AdmitCode::kNonceInUse:
      return "nonce_in_use";
    case AdmitCode::kAccountFull:
      return "account_pending_limit";
    case AdmitCode::kMempoolFull:
      return "mempool_full";
    case AdmitCode::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

Mempool::Mempool(std::string chain_id, MempoolLimits limits, const AccountNonces& nonces)
    : chain_id_(std::move(chain_id)), limits_(limits), nonces_(nonces) {}

AdmitResult Mempool::Admit(const TransactionPtr& tx, uint64_t next_height) {
  const TxBody& b = tx->body();
  if (by_id_.count(tx->id())) {
    return {AdmitCode::kAlreadyKnown, "transaction is already pending"};
  }
  if (b.chain_id != chain_id_) {
    return {AdmitCode::kWrongChain,
            "transaction is for chain '" + b.chain_id + "', this is '" + chain_id_ + "'"};
  }
  if (b.expiry_height < next_height) {
    return {AdmitCode::kExpired, "expiry height " + std::to_string(b.expiry_height) +
                                     " is below the next block height " +
                                     std::to_string(next_height)};
  }
  if (tx->size() > kMaxTransactionBytes || tx->size() > limits_.max_bytes) {
    return {AdmitCode::kTooLarge, "transaction is too large for the mempool"};
  }
  auto next_nonce = nonces_.NextNonce(b.sender);
  if (!next_nonce) {
    return {AdmitCode::kUnknownSender,
            "sender " + b.sender.ToString() + " is not a registered account"};
  }
  if (b.nonce < *next_nonce) {
    return {AdmitCode::kNonceTooLow, "nonce " + std::to_string(b.nonce) +
                                         " is already used; the account's next nonce is " +
                                         std::to_string(*next_nonce)};
  }
  if (b.nonce - *next_nonce >= limits_.nonce_window) {
    return {AdmitCode::kNonceTooHigh, "nonce " + std::to_string(b.nonce) +
                                          " is too far ahead of the account's next nonce " +
                                          std::to_string(*next_nonce)};
  }
  auto sit = by_sender_.find(b.sender);
  if (sit != by_sender_.end()) {
    if (sit->second.count(b.nonce)) {
      return {AdmitCode::kNonceInUse, "another pending transaction from this account uses nonce " +
                                          std::to_string(b.nonce)};
    }
    if (sit->second.size() >= limits_.max_per_account) {
      return {AdmitCode::kAccountFull, "the account has " + std::to_string(sit->second.size()) +
                                           " pending transactions, the limit"};
    }
  }
  if (by_id_.size() >= limits_.max_count || bytes_ + tx->size() > limits_.max_bytes) {
    return {AdmitCode::kMempoolFull, "the node's mempool is full; retry later"};
  }
  // Signatures last: the most expensive check, done once per transaction.
  if (!tx->VerifySignatures()) {
    return {AdmitCode::kBadSignature, "a signature does not verify over the transaction id"};
  }
  by_id_.emplace(tx->id(), Entry{tx, next_seq_++});
  by_sender_[b.sender].emplace(b.nonce, tx->id());
  by_expiry_.emplace(b.expiry_height, tx->id());
  bytes_ += tx->size();
  return {AdmitCode::kAccepted, ""};
}

std::vector<TransactionPtr> Mempool::Select(uint64_t next_height, size_t max_count,
                                            size_t max_bytes) const {
  // Each account contributes a run of consecutive nonces from its next nonce.
  // A heap over (arrival seq of the account's current head) interleaves them.
  struct Cursor {
    uint64_t seq;
    const std::map<uint64_t, Hash>* pending;
    std::map<uint64_t, Hash>::const_iterator it;
    uint64_t expect_nonce;
    bool operator>(const Cursor& o) const { return seq > o.seq; }
  };
  std::priority_queue<Cursor, std::vector<Cursor>, std::greater<>> heap;
  for (const auto& [sender, pending] : by_sender_) {
    auto next = nonces_.NextNonce(sender);
    if (!next) continue;
    auto it = pending.find(*next);
    if (it == pending.end()) continue;
    heap.push(Cursor{by_id_.at(it->second).seq, &pending, it, *next});
  }
  std::vector<TransactionPtr> out;
  size_t bytes = 0;
  while (!heap.empty() && out.size() < max_count) {
    Cursor c = heap.top();
    heap.pop();
    const Entry& e = by_id_.at(c.it->second);
    if (e.tx->body().expiry_height < next_height) continue;  // the account's run stops here
    if (bytes + e.tx->size() > max_bytes) continue;          // too big; others may fit
    out.push_back(e.tx);
    bytes += e.tx->size();
    auto nit = std::next(c.it);
    if (nit != c.pending->end() && nit->first == c.expect_nonce + 1) {
      heap.push(Cursor{by_id_.at(nit->second).seq, c.pending, nit, c.expect_nonce + 1});
    }
  }
  return out;
}

void Mempool::Remove(const Hash& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  const TxBody& b = it->second.tx->body();
  auto sit = by_sender_.find(b.sender);
  if (sit != by_sender_.end()) {
    sit->second.erase(b.nonce);
    if (sit->second.empty()) by_sender_.erase(sit);
  }
  by_expiry_.erase({b.expiry_height, id});
  bytes_ -= it->second.tx->size();
  by_id_.erase(it);
}

void Mempool::OnBlockCommitted(const std::vector<TransactionPtr>& included, uint64_t next_height) {
  std::set<Address> senders;
  for (const auto& tx : included) {
    Remove(tx->id());
    senders.insert(tx->body().sender);
  }
  std::vector<Hash> stale;
  for (const Address& sender : senders) {
    auto sit = by_sender_.find(sender);
    if (sit == by_sender_.end()) continue;
    auto next = nonces_.NextNonce(sender);
    for (const auto& [nonce, id] : sit->second) {
      if (next && nonce >= *next) break;
      stale.push_back(id);
    }
  }
  for (auto it = by_expiry_.begin(); it != by_expiry_.end() && it->first < next_height; ++it) {
    stale.push_back(it->second);
  }
  for (const Hash& id : stale) Remove(id);
}

TransactionPtr Mempool::Get(const Hash& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.tx;
}

size_t Mempool::PendingFor(const Address& account) const {
  auto it = by_sender_.find(account);
  return it == by_sender_.end() ? 0 : it->second.size();
}

}  // namespace corridor::node

// Transaction admission for submission from wallets (tx_submit): everything
// that decides, before a transaction waits in the mempool, whether it could
// ever be included (docs/state.md §4.4), and the result a wallet is told.
//
// AdmitTransaction runs the state machine's includability check
// (contracts::CheckIncludable: chain id, field checks, expiry, sender
// registered, nonce, signer list and weights) against the committed state,
// then the mempool's own admission (nonce window, duplicate nonce, limits,
// signatures, verified once). A transaction whose nonce is ahead of the
// account's is checked as if its turn had come, so its signer weights are
// checked now rather than when it is proposed.
//
// The refusal carries the state machine's stable code and name when it is one
// of its codes (contracts/result_code.h), so a wallet sees the same words
// whether admission or a block refused the transaction; refusals that are
// only the node's (mempool limits, a nonce already pending) carry the
// mempool's stable name and no code.
//
// Not thread-safe (it mutates the mempool): call it where the mempool lives.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/state_store.h"
#include "chain/transaction.h"
#include "contracts/result_code.h"
#include "node/mempool.h"

namespace corridor::node {

struct SubmitResult {
  enum class Outcome {
    kAccepted,        // new in the mempool
    kAlreadyPending,  // the same id was already pending: idempotent success
    kRejected,
  };
  Outcome outcome = Outcome::kRejected;
  // On refusal: the state machine's code, when the refusal is one of them.
  std::optional<contracts::ResultCode> code;
  // Stable snake_case name: contracts::NameOf(*code), else the mempool's
  // AdmitCodeName ("nonce_in_use", "mempool_full", ...). Empty when accepted.
  std::string name;
  std::string message;  // for people

  bool ok() const { return outcome != Outcome::kRejected; }

  static SubmitResult Rejected(contracts::ResultCode code, std::string message);
  // Maps the mempool's verdict, giving refusals that are state machine codes
  // (wrong_chain, bad_signature, expired, unknown_sender, nonce_*) their code.
  static SubmitResult FromAdmit(const AdmitResult& admit);
};

// The mempool's view of account nonces, read from (committed) state.
class StateAccountNonces final : public AccountNonces {
 public:
  explicit StateAccountNonces(const StateView& view) : view_(view) {}
  std::optional<uint64_t> NextNonce(const Address& account) const override;

 private:
  const StateView& view_;
};

// REQUIRES: `committed` is the state after the last committed block,
// `next_height` the height the transaction could first be included at.
SubmitResult AdmitTransaction(Mempool& mempool, const StateView& committed,
                              const std::string& chain_id, uint64_t next_height,
                              const TransactionPtr& tx);

}  // namespace corridor::node

#include "node/tx_admission.h"

#include "contracts/executor.h"
#include "contracts/ledger.h"

namespace corridor::node {
namespace {

using contracts::ResultCode;

// A sentence for each refusal admission can meet, with the numbers the
// wallet needs where the check has them.
std::string Explain(ResultCode code, const Transaction& tx, const StateView& view,
                    const std::string& chain_id, uint64_t next_height) {
  const TxBody& b = tx.body();
  switch (code) {
    case ResultCode::kWrongChain:
      return "transaction is for chain '" + b.chain_id + "', this is '" + chain_id + "'";
    case ResultCode::kExpired:
      return "expiry height " + std::to_string(b.expiry_height) +
             " is below the next block height " + std::to_string(next_height);
    case ResultCode::kUnknownSender:
      return "sender " + b.sender.ToString() + " is not a registered account";
    case ResultCode::kNonceTooLow:
    case ResultCode::kNonceTooHigh: {
      auto acc = contracts::ReadAccount(view, b.sender);
      std::string next = acc ? std::to_string(acc->next_nonce) : "?";
      return "nonce " + std::to_string(b.nonce) +
             (code == ResultCode::kNonceTooLow ? " is already used" : " is ahead") +
             "; the account's next nonce is " + next;
    }
    case ResultCode::kInsufficientSignatureWeight:
      return "the signatures' weights do not reach the sender's signer threshold";
    case ResultCode::kUnauthorizedSigner:
      return "a signature is by a key that may not sign for the sender";
    case ResultCode::kBadSignature:
      return "a signature does not verify over the transaction id, or signers repeat";
    case ResultCode::kZeroAmount:
      return "the amount is zero";
    case ResultCode::kSelfPayment:
      return "the payment is to the sender itself";
    case ResultCode::kBadSignerList:
      return "the signer list is invalid (threshold, weights, key order or keys)";
    case ResultCode::kBadField:
      return "a field is out of range (role, KYC level, jurisdiction, decimals, asset code, "
             "zero address, version or memo)";
    default:
      return "transaction refused: " + std::string(contracts::NameOf(code));
  }
}

}  // namespace

SubmitResult SubmitResult::Rejected(ResultCode code, std::string message) {
  SubmitResult r;
  r.outcome = Outcome::kRejected;
  r.code = code;
  r.name = std::string(contracts::NameOf(code));
  r.message = std::move(message);
  return r;
}

SubmitResult SubmitResult::FromAdmit(const AdmitResult& admit) {
  SubmitResult r;
  switch (admit.code) {
    case AdmitCode::kAccepted:
      r.outcome = Outcome::kAccepted;
      return r;
    case AdmitCode::kAlreadyKnown:
      r.outcome = Outcome::kAlreadyPending;
      return r;
    case AdmitCode::kWrongChain:
      r.code = ResultCode::kWrongChain;
      break;
    case AdmitCode::kExpired:
      r.code = ResultCode::kExpired;
      break;
    case AdmitCode::kBadSignature:
      r.code = ResultCode::kBadSignature;
      break;
    case AdmitCode::kUnknownSender:
      r.code = ResultCode::kUnknownSender;
      break;
    case AdmitCode::kNonceTooLow:
      r.code = ResultCode::kNonceTooLow;
      break;
    case AdmitCode::kNonceTooHigh:
      r.code = ResultCode::kNonceTooHigh;
      break;
    case AdmitCode::kNonceInUse:
    case AdmitCode::kAccountFull:
    case AdmitCode::kMempoolFull:
    case AdmitCode::kTooLarge:
      break;
  }
  r.outcome = Outcome::kRejected;
  r.name = std::string(AdmitCodeName(admit.code));
  r.message = admit.message;
  return r;
}

std::optional<uint64_t> StateAccountNonces::NextNonce(const Address& account) const {
  auto acc = contracts::ReadAccount(view_, account);
  if (!acc) return std::nullopt;
  return acc->next_nonce;
}

SubmitResult AdmitTransaction(Mempool& mempool, const StateView& committed,
                              const std::string& chain_id, uint64_t next_height,
                              const TransactionPtr& tx) {
  if (mempool.Contains(tx->id())) {
    SubmitResult r;
    r.outcome = SubmitResult::Outcome::kAlreadyPending;
    return r;
  }
  contracts::BlockContext ctx{chain_id, next_height, 0};
  // Signatures are verified once, by the mempool, below.
  ResultCode code = contracts::CheckIncludable(committed, *tx, ctx, /*verify_signatures=*/false);
  if (code == ResultCode::kNonceTooHigh) {
    // Check the rest as it will be checked when the nonce's turn comes: the
    // mempool decides whether the gap is small enough to wait.
    StateOverlay turn(committed);
    contracts::Ledger ledger(turn);
    auto acc = ledger.GetAccount(tx->body().sender);
    if (acc) {
      acc->next_nonce = tx->body().nonce;
      ledger.PutAccount(tx->body().sender, *acc);
      code = contracts::CheckIncludable(turn, *tx, ctx, /*verify_signatures=*/false);
    }
  }
  if (code != ResultCode::kSuccess) {
    return SubmitResult::Rejected(code, Explain(code, *tx, committed, chain_id, next_height));
  }
  return SubmitResult::FromAdmit(mempool.Admit(tx, next_height));
}

}  // namespace corridor::node

// Transactions (docs/protocol.md §7).
//
// A transaction is an unsigned body (chain id, sender, nonce, expiry height,
// one operation, memo) plus one or more signatures. Its id is
// TaggedHash("corridor/tx", encoded body): signatures are not covered, so the
// id cannot be changed by re-signing. Each signature is BIP-340 over the id.
//
// Transactions are immutable once built, carry their id and encoding, and are
// shared as std::shared_ptr<const Transaction>. Thread-safe after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/operation.h"
#include "chain/result.h"

namespace corridor {

inline constexpr uint8_t kTransactionVersion = 1;

// Chain ids: 1..32 characters of a-z, 0-9 and '-'.
bool IsValidChainId(std::string_view id);

struct TxBody {
  uint8_t version = kTransactionVersion;
  std::string chain_id;
  Address sender;
  uint64_t nonce = 0;
  // The last block height at which the transaction may be included.
  uint64_t expiry_height = 0;
  Operation op;
  std::string memo;  // printable UTF-8, at most kMaxMemoBytes

  void Encode(Writer& w) const;
  Bytes Encode() const;
  Hash Id() const;
  bool operator==(const TxBody&) const = default;
};

struct TxSignature {
  PublicKey key;
  Signature sig;
  bool operator==(const TxSignature&) const = default;
};

class Transaction;
using TransactionPtr = std::shared_ptr<const Transaction>;

class Transaction {
 public:
  // Builds a transaction from a body and its signatures. Does not verify them.
  static TransactionPtr Create(TxBody body, std::vector<TxSignature> sigs);
  // Signs `body` with each key in order.
  static TransactionPtr Sign(TxBody body, const std::vector<const PrivateKey*>& keys);
  // Decodes the canonical encoding; rejects anything else (truncated, oversized,
  // trailing bytes, non-canonical varints, bad chain id / memo / asset code,
  // unknown operation, zero or too many signatures, duplicate signer keys).
  static Result<TransactionPtr> Decode(ByteSpan data);

  const TxBody& body() const { return body_; }
  const Hash& id() const { return id_; }
  const std::vector<TxSignature>& signatures() const { return sigs_; }
  // The full canonical encoding (body + signatures).
  const Bytes& encoded() const { return encoded_; }
  size_t size() const { return encoded_.size(); }

  // True when every signature verifies over id() under its key. Says nothing
  // about whether the keys may act for the sender: that is account state.
  bool VerifySignatures() const;

 private:
  Transaction(TxBody body, std::vector<TxSignature> sigs, Hash id, Bytes encoded);

  TxBody body_;
  std::vector<TxSignature> sigs_;
  Hash id_;
  Bytes encoded_;
};

}  // namespace corridor

// Block headers, blocks and commit certificates (docs/protocol.md §8, §9).
//
// The block hash is TaggedHash("corridor/block-header", encoded header); the
// header commits to the transactions through tx_root (Merkle root of the ids),
// to the execution results through receipts_root and to the whole state after
// the block through state_root.
//
// A CommitCertificate is the proof of finality stored with every committed
// block: signatures from a quorum (n - floor((n-1)/3), i.e. 2f+1 of 3f+1) of
// the validator set over CommitVoteDigest(chain, height, view, block hash).
// Anyone holding the validator set can check it without trusting the server.
//
// Blocks are immutable once built and shared as std::shared_ptr<const Block>.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/result.h"
#include "chain/transaction.h"

namespace corridor {

inline constexpr uint8_t kBlockVersion = 1;

struct BlockHeader {
  uint8_t version = kBlockVersion;
  std::string chain_id;
  uint64_t height = 0;
  Hash prev_hash;
  uint64_t timestamp_ms = 0;  // milliseconds since the Unix epoch, proposer's clock
  PublicKey proposer;         // the validator key that proposed the block
  uint64_t view = 0;          // consensus view in which it was proposed
  Hash tx_root;
  Hash receipts_root;
  Hash state_root;

  void Encode(Writer& w) const;
  Bytes Encode() const;
  Hash ComputeHash() const;
  static bool Decode(Reader& r, BlockHeader& out);
  static Result<BlockHeader> Decode(ByteSpan data);
  bool operator==(const BlockHeader&) const = default;
};

class Block;
using BlockPtr = std::shared_ptr<const Block>;

class Block {
 public:
  static BlockPtr Create(BlockHeader header, std::vector<TransactionPtr> txs);
  // Rejects malformed input and a header whose tx_root does not match the
  // transactions. Does not verify signatures or execute anything.
  static Result<BlockPtr> Decode(ByteSpan data);

  const BlockHeader& header() const { return header_; }
  const Hash& hash() const { return hash_; }
  uint64_t height() const { return header_.height; }
  const std::vector<TransactionPtr>& transactions() const { return txs_; }
  Bytes Encode() const;

  static Hash ComputeTxRoot(std::span<const TransactionPtr> txs);

 private:
  Block(BlockHeader header, std::vector<TransactionPtr> txs);

  BlockHeader header_;
  std::vector<TransactionPtr> txs_;
  Hash hash_;
};

// Largest f with n >= 3f + 1, and the quorum size n - f.
inline size_t MaxFaulty(size_t n) { return n == 0 ? 0 : (n - 1) / 3; }
inline size_t QuorumSize(size_t n) { return n - MaxFaulty(n); }

// The digest a validator signs to commit `block_hash` at (height, view).
Hash CommitVoteDigest(std::string_view chain_id, uint64_t height, uint64_t view,
                      const Hash& block_hash);

struct CommitSignature {
  PublicKey validator;
  Signature sig;
  bool operator==(const CommitSignature&) const = default;
};

struct CommitCertificate {
  uint64_t height = 0;
  uint64_t view = 0;
  Hash block_hash;
  std::vector<CommitSignature> signatures;  // sorted by validator key, no duplicates

  void Encode(Writer& w) const;
  Bytes Encode() const;
  static bool Decode(Reader& r, CommitCertificate& out);
  static Result<CommitCertificate> Decode(ByteSpan data);

  // OK when the certificate is for (height, block_hash) and carries valid
  // signatures from at least QuorumSize(validators.size()) distinct members
  // of `validators`. Signatures from non-members make it invalid.
  Status Verify(std::string_view chain_id, std::span<const PublicKey> validators) const;
  bool operator==(const CommitCertificate&) const = default;
};

}  // namespace corridor

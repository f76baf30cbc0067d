#include "chain/block.h"

#include <algorithm>

#include "chain/limits.h"
#include "chain/merkle.h"

namespace corridor {

void BlockHeader::Encode(Writer& w) const {
  w.U8(version);
  w.String(chain_id);
  w.U64(height);
  w.Fixed(prev_hash.bytes);
  w.U64(timestamp_ms);
  w.Fixed(proposer.bytes);
  w.U64(view);
  w.Fixed(tx_root.bytes);
  w.Fixed(receipts_root.bytes);
  w.Fixed(state_root.bytes);
}

Bytes BlockHeader::Encode() const {
  Writer w(256);
  Encode(w);
  return std::move(w).Take();
}

Hash BlockHeader::ComputeHash() const {
  return TaggedHash(tags::kBlockHeader, Encode());
}

bool BlockHeader::Decode(Reader& r, BlockHeader& out) {
  r.U8(out.version);
  if (r.ok() && out.version != kBlockVersion) {
    return r.Fail("unsupported_version",
                  "block version " + std::to_string(out.version) + " is not supported");
  }
  r.String(out.chain_id, kMaxChainIdBytes);
  if (r.ok() && !IsValidChainId(out.chain_id)) {
    return r.Fail("bad_chain_id", "chain id must be 1-32 characters a-z, 0-9 or '-'");
  }
  r.U64(out.height);
  r.Fixed(out.prev_hash.bytes);
  r.U64(out.timestamp_ms);
  r.Fixed(out.proposer.bytes);
  r.U64(out.view);
  r.Fixed(out.tx_root.bytes);
  r.Fixed(out.receipts_root.bytes);
  r.Fixed(out.state_root.bytes);
  return r.ok();
}

Result<BlockHeader> BlockHeader::Decode(ByteSpan data) {
  Reader r(data);
  BlockHeader h;
  Decode(r, h);
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return h;
}

Block::Block(BlockHeader header, std::vector<TransactionPtr> txs)
    : header_(std::move(header)), txs_(std::move(txs)), hash_(header_.ComputeHash()) {}

BlockPtr Block::Create(BlockHeader header, std::vector<TransactionPtr> txs) {
  return BlockPtr(new Block(std::move(header), std::move(txs)));
}

Hash Block::ComputeTxRoot(std::span<const TransactionPtr> txs) {
  std::vector<Hash> ids;
  ids.reserve(txs.size());
  for (const auto& tx : txs) ids.push_back(tx->id());
  return MerkleRoot(ids);
}

Bytes Block::Encode() const {
  size_t total = 256;
  for (const auto& tx : txs_) total += tx->size() + kMaxVarintBytes;
  Writer w(total);
  header_.Encode(w);
  w.Varint(txs_.size());
  for (const auto& tx : txs_) w.VarBytes(tx->encoded());
  return std::move(w).Take();
}

Result<BlockPtr> Block::Decode(ByteSpan data) {
  if (data.size() > kMaxBlockBytes) {
    return MakeError("length_too_large", "block of " + std::to_string(data.size()) +
                                             " bytes exceeds " + std::to_string(kMaxBlockBytes));
  }
  Reader r(data);
  BlockHeader h;
  BlockHeader::Decode(r, h);
  uint64_t count = 0;
  // Smallest possible transaction is well over 100 bytes; 1 is a safe floor.
  r.Count(count, kMaxBlockTransactions, 1);
  if (!r.ok()) return r.error();
  std::vector<TransactionPtr> txs;
  txs.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len = 0;
    ByteSpan raw;
    if (!r.Varint(len)) return r.error();
    if (len > kMaxTransactionBytes) {
      r.Fail("length_too_large", "transaction " + std::to_string(i) + " is too large");
      return r.error();
    }
    if (!r.Span(raw, static_cast<size_t>(len))) return r.error();
    auto tx = Transaction::Decode(raw);
    if (!tx) {
      return MakeError(tx.error().code,
                       "transaction " + std::to_string(i) + ": " + tx.error().message);
    }
    txs.push_back(std::move(tx).value());
  }
  if (!r.ExpectEnd()) return r.error();
  if (ComputeTxRoot(txs) != h.tx_root) {
    return MakeError("bad_tx_root", "header tx_root does not match the transactions");
  }
  return Create(std::move(h), std::move(txs));
}

Hash CommitVoteDigest(std::string_view chain_id, uint64_t height, uint64_t view,
                      const Hash& block_hash) {
  Writer w(96);
  w.String(chain_id);
  w.U64(height);
  w.U64(view);
  w.Fixed(block_hash.bytes);
  return TaggedHash(tags::kCommitVote, w.data());
}

void CommitCertificate::Encode(Writer& w) const {
  w.U64(height);
  w.U64(view);
  w.Fixed(block_hash.bytes);
  w.Varint(signatures.size());
  for (const auto& s : signatures) {
    w.Fixed(s.validator.bytes);
    w.Fixed(s.sig.bytes);
  }
}

Bytes CommitCertificate::Encode() const {
  Writer w(64 + 96 * signatures.size());
  Encode(w);
  return std::move(w).Take();
}

bool CommitCertificate::Decode(Reader& r, CommitCertificate& out) {
  r.U64(out.height);
  r.U64(out.view);
  r.Fixed(out.block_hash.bytes);
  uint64_t count = 0;
  if (!r.Count(count, kMaxValidators, PublicKey::kSize + Signature::kSize)) return false;
  out.signatures.resize(count);
  for (size_t i = 0; i < count; ++i) {
    r.Fixed(out.signatures[i].validator.bytes);
    r.Fixed(out.signatures[i].sig.bytes);
    if (r.ok() && i > 0 && !(out.signatures[i - 1].validator < out.signatures[i].validator)) {
      return r.Fail("non_canonical_certificate",
                    "certificate signatures must be sorted by validator key without duplicates");
    }
  }
  return r.ok();
}

Result<CommitCertificate> CommitCertificate::Decode(ByteSpan data) {
  Reader r(data);
  CommitCertificate c;
  Decode(r, c);
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return c;
}

Status CommitCertificate::Verify(std::string_view chain_id,
                                 std::span<const PublicKey> validators) const {
  const size_t quorum = QuorumSize(validators.size());
  if (validators.empty()) return MakeError("bad_certificate", "empty validator set");
  if (signatures.size() < quorum) {
    return MakeError("bad_certificate", "certificate has " + std::to_string(signatures.size()) +
                                            " signatures, quorum is " + std::to_string(quorum));
  }
  const Hash digest = CommitVoteDigest(chain_id, height, view, block_hash);
  for (size_t i = 0; i < signatures.size(); ++i) {
    const auto& s = signatures[i];
    if (i > 0 && !(signatures[i - 1].validator < s.validator)) {
      return MakeError("bad_certificate", "signatures not sorted or duplicated");
    }
    if (std::find(validators.begin(), validators.end(), s.validator) == validators.end()) {
      return MakeError("bad_certificate",
                       "signature from " + s.validator.ToHex() + " which is not a validator");
    }
    if (!VerifySignature(s.validator, digest, s.sig)) {
      return MakeError("bad_certificate", "invalid signature from " + s.validator.ToHex());
    }
  }
  return Status::Ok();
}

}  // namespace corridor

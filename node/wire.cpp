#include "node/wire.h"

#include "chain/limits.h"

namespace corridor::node {

Bytes StatusMsg::Encode() const {
  Writer w(40);
  w.U64(height);
  w.Fixed(tip.bytes);
  return std::move(w).Take();
}

Result<StatusMsg> StatusMsg::Decode(ByteSpan data) {
  Reader r(data);
  StatusMsg m;
  r.U64(m.height);
  r.Fixed(m.tip.bytes);
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return m;
}

Bytes TxBatchMsg::Encode() const {
  size_t total = 8;
  for (const auto& tx : txs) total += tx->size() + kMaxVarintBytes;
  Writer w(total);
  w.Varint(txs.size());
  for (const auto& tx : txs) w.VarBytes(tx->encoded());
  return std::move(w).Take();
}

Result<TxBatchMsg> TxBatchMsg::Decode(ByteSpan data) {
  Reader r(data);
  uint64_t n = 0;
  // Each element is at least a length byte plus a minimal transaction.
  r.Count(n, kMaxTxs, 2);
  TxBatchMsg m;
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    uint64_t len = 0;
    ByteSpan raw;
    r.Varint(len);
    if (r.ok() && len > kMaxTransactionBytes) r.Fail("length_too_large", "transaction too large");
    if (!r.ok() || !r.Span(raw, static_cast<size_t>(len))) break;
    auto tx = Transaction::Decode(raw);
    if (!tx)
      return MakeError(tx.error().code, "tx " + std::to_string(i) + ": " + tx.error().message);
    m.txs.push_back(std::move(tx).value());
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return m;
}

Bytes BlockRequestMsg::Encode() const {
  Writer w(12);
  w.U64(from_height);
  w.U32(count);
  return std::move(w).Take();
}

Result<BlockRequestMsg> BlockRequestMsg::Decode(ByteSpan data) {
  Reader r(data);
  BlockRequestMsg m;
  r.U64(m.from_height);
  r.U32(m.count);
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  if (m.count == 0 || m.count > kMaxCount) {
    return MakeError("bad_request", "block request count must be 1.." + std::to_string(kMaxCount));
  }
  return m;
}

Bytes BlockResponseMsg::Encode() const {
  Writer w;
  w.Varint(blocks.size());
  for (const auto& b : blocks) {
    w.VarBytes(b.block->Encode());
    w.VarBytes(b.certificate.Encode());
  }
  return std::move(w).Take();
}

Result<BlockResponseMsg> BlockResponseMsg::Decode(ByteSpan data) {
  if (data.size() > kMaxBytes) return MakeError("length_too_large", "block response too large");
  Reader r(data);
  uint64_t n = 0;
  r.Count(n, BlockRequestMsg::kMaxCount, 2);
  BlockResponseMsg m;
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    uint64_t len = 0;
    ByteSpan raw;
    r.Varint(len);
    if (r.ok() && len > kMaxBlockBytes) r.Fail("length_too_large", "block too large");
    if (!r.ok() || !r.Span(raw, static_cast<size_t>(len))) break;
    auto block = Block::Decode(raw);
    if (!block) return MakeError(block.error().code, "block: " + block.error().message);
    r.Varint(len);
    if (r.ok() && len > 64 + 96 * kMaxValidators)
      r.Fail("length_too_large", "certificate too large");
    if (!r.ok() || !r.Span(raw, static_cast<size_t>(len))) break;
    auto cert = CommitCertificate::Decode(raw);
    if (!cert) return MakeError(cert.error().code, "certificate: " + cert.error().message);
    if (cert->height != (*block)->height() || cert->block_hash != (*block)->hash()) {
      return MakeError("bad_certificate", "certificate does not name its block");
    }
    if (!m.blocks.empty() && m.blocks.back().block->height() + 1 != (*block)->height()) {
      return MakeError("bad_response", "blocks are not consecutive");
    }
    m.blocks.push_back({std::move(block).value(), std::move(cert).value()});
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return m;
}

}  // namespace corridor::node

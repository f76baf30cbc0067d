#include "chain/transaction.h"

#include <set>

#include "chain/limits.h"

namespace corridor {

bool IsValidChainId(std::string_view id) {
  if (id.empty() || id.size() > kMaxChainIdBytes) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void TxBody::Encode(Writer& w) const {
  w.U8(version);
  w.String(chain_id);
  w.Fixed(sender.bytes);
  w.U64(nonce);
  w.U64(expiry_height);
  EncodeOperation(w, op);
  w.String(memo);
}

Bytes TxBody::Encode() const {
  Writer w(128);
  Encode(w);
  return std::move(w).Take();
}

Hash TxBody::Id() const {
  return TaggedHash(tags::kTransaction, Encode());
}

Transaction::Transaction(TxBody body, std::vector<TxSignature> sigs, Hash id, Bytes encoded)
    : body_(std::move(body)), sigs_(std::move(sigs)), id_(id), encoded_(std::move(encoded)) {}

TransactionPtr Transaction::Create(TxBody body, std::vector<TxSignature> sigs) {
  Writer w(256);
  body.Encode(w);
  Hash id = TaggedHash(tags::kTransaction, w.data());
  w.Varint(sigs.size());
  for (const auto& s : sigs) {
    w.Fixed(s.key.bytes);
    w.Fixed(s.sig.bytes);
  }
  return TransactionPtr(new Transaction(std::move(body), std::move(sigs), id, std::move(w).Take()));
}

TransactionPtr Transaction::Sign(TxBody body, const std::vector<const PrivateKey*>& keys) {
  Hash id = body.Id();
  std::vector<TxSignature> sigs;
  sigs.reserve(keys.size());
  for (const PrivateKey* k : keys) sigs.push_back({k->public_key(), k->Sign(id)});
  return Create(std::move(body), std::move(sigs));
}

Result<TransactionPtr> Transaction::Decode(ByteSpan data) {
  if (data.size() > kMaxTransactionBytes) {
    return MakeError("length_too_large", "transaction of " + std::to_string(data.size()) +
                                             " bytes exceeds " +
                                             std::to_string(kMaxTransactionBytes));
  }
  Reader r(data);
  TxBody b;
  r.U8(b.version);
  if (r.ok() && b.version != kTransactionVersion) {
    r.Fail("unsupported_version",
           "transaction version " + std::to_string(b.version) + " is not supported (expected 1)");
  }
  r.String(b.chain_id, kMaxChainIdBytes);
  if (r.ok() && !IsValidChainId(b.chain_id)) {
    r.Fail("bad_chain_id", "chain id must be 1-32 characters a-z, 0-9 or '-'");
  }
  r.Fixed(b.sender.bytes);
  r.U64(b.nonce);
  r.U64(b.expiry_height);
  if (r.ok()) DecodeOperation(r, b.op);
  r.String(b.memo, kMaxMemoBytes);
  if (r.ok() && !IsPrintableUtf8(b.memo)) {
    r.Fail("bad_memo", "memo must be printable UTF-8");
  }
  const size_t body_end = r.position();
  uint64_t count = 0;
  r.Count(count, kMaxSignatures, PublicKey::kSize + Signature::kSize);
  if (r.ok() && count == 0) r.Fail("no_signatures", "transaction carries no signature");
  std::vector<TxSignature> sigs;
  if (r.ok()) sigs.resize(count);
  std::set<PublicKey> seen;
  for (auto& s : sigs) {
    r.Fixed(s.key.bytes);
    r.Fixed(s.sig.bytes);
    if (r.ok() && !seen.insert(s.key).second) {
      r.Fail("duplicate_signer", "the same key signs twice");
    }
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  Hash id = TaggedHash(tags::kTransaction, data.subspan(0, body_end));
  return TransactionPtr(
      new Transaction(std::move(b), std::move(sigs), id, Bytes(data.begin(), data.end())));
}

bool Transaction::VerifySignatures() const {
  if (sigs_.empty()) return false;
  for (const auto& s : sigs_) {
    if (!VerifySignature(s.key, id_, s.sig)) return false;
  }
  return true;
}

}  // namespace corridor

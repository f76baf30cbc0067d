#include "chain/hash.h"

#include <cryptopp/sha.h>

namespace corridor {

bool Hash::IsZero() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

std::string Hash::ToHex() const {
  return corridor::ToHex(ByteSpan(bytes));
}

Result<Hash> Hash::FromHex(std::string_view hex) {
  if (hex.size() != 2 * kSize) {
    return MakeError("bad_hash", "a hash is 64 hex characters, got " + std::to_string(hex.size()));
  }
  auto raw = corridor::FromHex(hex);
  if (!raw) return MakeError("bad_hash", "hash is not valid hex");
  return FromSpan(*raw);
}

Hash Hash::FromSpan(ByteSpan s) {
  Hash h;
  std::memcpy(h.bytes.data(), s.data(), kSize);
  return h;
}

Hash Sha256(ByteSpan data) {
  Hash h;
  CryptoPP::SHA256().CalculateDigest(h.bytes.data(), data.data(), data.size());
  return h;
}

struct TaggedHasher::Impl {
  CryptoPP::SHA256 sha;
};

TaggedHasher::TaggedHasher(std::string_view tag) : impl_(std::make_unique<Impl>()) {
  Hash t = Sha256(AsBytes(tag));
  impl_->sha.Update(t.bytes.data(), t.bytes.size());
  impl_->sha.Update(t.bytes.data(), t.bytes.size());
}

TaggedHasher::~TaggedHasher() = default;

TaggedHasher& TaggedHasher::Write(ByteSpan data) {
  impl_->sha.Update(data.data(), data.size());
  return *this;
}

Hash TaggedHasher::Finish() {
  Hash h;
  impl_->sha.Final(h.bytes.data());
  return h;
}

Hash TaggedHash(std::string_view tag, ByteSpan data) {
  return TaggedHasher(tag).Write(data).Finish();
}

}  // namespace corridor

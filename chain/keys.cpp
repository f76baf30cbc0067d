#include "chain/keys.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace corridor {

namespace {

static_assert(sizeof(secp256k1_keypair) == 96);

// Created once; randomised once; read-only afterwards, so shared by threads.
const secp256k1_context* Context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<uint8_t, 32> seed{};
    SecureRandom(seed.data(), seed.size());
    if (!secp256k1_context_randomize(c, seed.data())) std::abort();
    return c;
  }();
  return ctx;
}

void Wipe(void* p, size_t n) {
  volatile auto* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

}  // namespace

void SecureRandom(uint8_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = getrandom(out + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no randomness means no safe keys: a start-up failure
    }
    done += static_cast<size_t>(r);
  }
}

Result<PublicKey> PublicKey::FromBytes(ByteSpan raw) {
  if (raw.size() != kSize) {
    return MakeError("bad_public_key",
                     "a public key is 32 bytes, got " + std::to_string(raw.size()));
  }
  PublicKey k;
  std::memcpy(k.bytes.data(), raw.data(), kSize);
  if (!k.IsValid()) return MakeError("bad_public_key", "public key is not a curve point");
  return k;
}

Result<PublicKey> PublicKey::FromHex(std::string_view hex) {
  auto raw = corridor::FromHex(hex);
  if (!raw) return MakeError("bad_public_key", "public key is not valid hex");
  return FromBytes(*raw);
}

bool PublicKey::IsValid() const {
  secp256k1_xonly_pubkey pk;
  return secp256k1_xonly_pubkey_parse(Context(), &pk, bytes.data()) == 1;
}

Result<Signature> Signature::FromHex(std::string_view hex) {
  auto raw = corridor::FromHex(hex);
  if (!raw || raw->size() != kSize) {
    return MakeError("bad_signature", "a signature is 128 hex characters");
  }
  Signature s;
  std::memcpy(s.bytes.data(), raw->data(), kSize);
  return s;
}

PrivateKey::PrivateKey(const std::array<uint8_t, kSize>& secret) : secret_(secret) {
  auto* kp = reinterpret_cast<secp256k1_keypair*>(keypair_.data());
  // Callers have checked the secret with secp256k1_ec_seckey_verify.
  if (!secp256k1_keypair_create(Context(), kp, secret_.data())) std::abort();
  secp256k1_xonly_pubkey xonly;
  if (!secp256k1_keypair_xonly_pub(Context(), &xonly, nullptr, kp)) std::abort();
  secp256k1_xonly_pubkey_serialize(Context(), public_key_.bytes.data(), &xonly);
}

PrivateKey PrivateKey::Generate() {
  std::array<uint8_t, kSize> secret{};
  do {
    SecureRandom(secret.data(), secret.size());
  } while (!secp256k1_ec_seckey_verify(Context(), secret.data()));
  PrivateKey k(secret);
  Wipe(secret.data(), secret.size());
  return k;
}

Result<PrivateKey> PrivateKey::FromBytes(ByteSpan raw) {
  if (raw.size() != kSize) {
    return MakeError("bad_private_key", "a private key is 32 bytes");
  }
  std::array<uint8_t, kSize> secret{};
  std::memcpy(secret.data(), raw.data(), kSize);
  if (!secp256k1_ec_seckey_verify(Context(), secret.data())) {
    Wipe(secret.data(), secret.size());
    return MakeError("bad_private_key", "private key is zero or not below the curve order");
  }
  PrivateKey k(secret);
  Wipe(secret.data(), secret.size());
  return k;
}

Result<PrivateKey> PrivateKey::FromHex(std::string_view hex) {
  auto raw = corridor::FromHex(hex);
  if (!raw) return MakeError("bad_private_key", "private key is not valid hex");
  auto r = FromBytes(*raw);
  Wipe(raw->data(), raw->size());
  return r;
}

PrivateKey::PrivateKey(PrivateKey&& other) noexcept
    : secret_(other.secret_), keypair_(other.keypair_), public_key_(other.public_key_) {
  Wipe(other.secret_.data(), other.secret_.size());
  Wipe(other.keypair_.data(), other.keypair_.size());
}

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    keypair_ = other.keypair_;
    public_key_ = other.public_key_;
    Wipe(other.secret_.data(), other.secret_.size());
    Wipe(other.keypair_.data(), other.keypair_.size());
  }
  return *this;
}

PrivateKey::~PrivateKey() {
  Wipe(secret_.data(), secret_.size());
  Wipe(keypair_.data(), keypair_.size());
}

Signature PrivateKey::Sign(const Hash& digest) const {
  Signature sig;
  const auto* kp = reinterpret_cast<const secp256k1_keypair*>(keypair_.data());
  // aux_rand32 = NULL: BIP-340 deterministic nonce, so signatures are reproducible.
  if (!secp256k1_schnorrsig_sign32(Context(), sig.bytes.data(), digest.bytes.data(), kp, nullptr)) {
    std::abort();  // cannot fail for a valid keypair
  }
  return sig;
}

bool VerifySignature(const PublicKey& key, const Hash& digest, const Signature& sig) {
  secp256k1_xonly_pubkey pk;
  if (!secp256k1_xonly_pubkey_parse(Context(), &pk, key.bytes.data())) return false;
  return secp256k1_schnorrsig_verify(Context(), sig.bytes.data(), digest.bytes.data(),
                                     digest.bytes.size(), &pk) == 1;
}

}  // namespace corridor

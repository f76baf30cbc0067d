// secp256k1 keys and BIP-340 Schnorr signatures (docs/protocol.md §4).
//
// Corridor signs with BIP-340 Schnorr: 32-byte x-only public keys, 64-byte
// signatures, deterministic nonces (no auxiliary randomness), so the same key
// and message always give the same signature. Schnorr signatures are not
// malleable, and transaction ids exclude signatures anyway.
//
// One secp256k1 context is created (and randomised against side channels) on
// first use and shared read-only by all threads; nothing here is per call.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "chain/bytes.h"
#include "chain/hash.h"
#include "chain/result.h"

namespace corridor {

struct PublicKey {
  static constexpr size_t kSize = 32;
  std::array<uint8_t, kSize> bytes{};

  std::string ToHex() const { return corridor::ToHex(ByteSpan(bytes)); }
  // Accepts 64 hex characters that name a valid curve point (x-only).
  static Result<PublicKey> FromHex(std::string_view hex);
  static Result<PublicKey> FromBytes(ByteSpan raw);
  // True when the bytes are the x coordinate of a point on the curve.
  bool IsValid() const;

  auto operator<=>(const PublicKey&) const = default;
  bool operator==(const PublicKey&) const = default;
};

struct Signature {
  static constexpr size_t kSize = 64;
  std::array<uint8_t, kSize> bytes{};

  std::string ToHex() const { return corridor::ToHex(ByteSpan(bytes)); }
  static Result<Signature> FromHex(std::string_view hex);

  bool operator==(const Signature&) const = default;
};

// A secret key. Wiped from memory on destruction. Not copyable by accident:
// copies are explicit through Clone().
class PrivateKey {
 public:
  static constexpr size_t kSize = 32;

  // Fresh key from the operating system's CSPRNG (getrandom).
  static PrivateKey Generate();
  // Accepts 32 bytes that are a valid secret key (0 < k < n).
  static Result<PrivateKey> FromBytes(ByteSpan raw);
  static Result<PrivateKey> FromHex(std::string_view hex);

  PrivateKey(PrivateKey&& other) noexcept;
  PrivateKey& operator=(PrivateKey&& other) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey();

  PrivateKey Clone() const { return PrivateKey(secret_); }
  const PublicKey& public_key() const { return public_key_; }
  // The raw 32 secret bytes, for the encrypted keystore only.
  const std::array<uint8_t, kSize>& secret() const { return secret_; }
  std::string SecretHex() const { return corridor::ToHex(ByteSpan(secret_)); }

  // BIP-340 signature over a 32-byte digest (always a tagged hash in Corridor).
  Signature Sign(const Hash& digest) const;

 private:
  explicit PrivateKey(const std::array<uint8_t, kSize>& secret);

  std::array<uint8_t, kSize> secret_{};
  std::array<uint8_t, 96> keypair_{};  // secp256k1_keypair, opaque
  PublicKey public_key_;
};

// BIP-340 verification of `sig` over `digest` by `key`. False for invalid keys.
bool VerifySignature(const PublicKey& key, const Hash& digest, const Signature& sig);

// Fills `out` from the OS CSPRNG. Aborts if the OS cannot provide randomness.
void SecureRandom(uint8_t* out, size_t n);

}  // namespace corridor

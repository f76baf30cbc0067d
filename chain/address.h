// Account addresses (docs/protocol.md §5).
//
// An address is 20 bytes: the first 20 bytes of TaggedHash("corridor/address",
// x-only public key). People see it as bech32m (BIP-350) with the prefix
// "corr", e.g. corr1...; the 6-character checksum detects every error of up to
// four characters, so a mistyped address is refused before anything is signed.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "chain/bytes.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace corridor {

inline constexpr std::string_view kAddressPrefix = "corr";

struct Address {
  static constexpr size_t kSize = 20;
  std::array<uint8_t, kSize> bytes{};

  static Address FromPublicKey(const PublicKey& key);
  // Parses the bech32m form. Errors name the problem: "bad_address" with a
  // message saying wrong prefix, bad character, bad checksum, or wrong length.
  static Result<Address> Parse(std::string_view text);

  std::string ToString() const;
  std::string ToHex() const { return corridor::ToHex(ByteSpan(bytes)); }
  bool IsZero() const;

  auto operator<=>(const Address&) const = default;
  bool operator==(const Address&) const = default;
};

namespace bech32m {
// Encodes 8-bit `data` under `hrp` (lower-case ASCII).
std::string Encode(std::string_view hrp, ByteSpan data);
struct Decoded {
  std::string hrp;
  Bytes data;
};
Result<Decoded> Decode(std::string_view text);
}  // namespace bech32m

}  // namespace corridor

template <>
struct std::hash<corridor::Address> {
  size_t operator()(const corridor::Address& a) const noexcept {
    size_t v;
    std::memcpy(&v, a.bytes.data(), sizeof(v));
    return v;
  }
};

// Byte containers and hex conversion shared by every module.
//
// `Bytes` owns a byte string; `ByteSpan` views one. Hex is lower-case on output
// and accepts either case on input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corridor {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

std::string ToHex(ByteSpan data);

// Returns nullopt when `hex` has odd length or a non-hex character.
std::optional<Bytes> FromHex(std::string_view hex);

inline ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace corridor

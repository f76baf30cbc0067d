#include "rpc/auth.h"

#include <cstdint>

#include "chain/hash.h"

namespace corridor::rpc {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  Hash ha = TaggedHash(tags::kRpcAuth, AsBytes(a));
  Hash hb = TaggedHash(tags::kRpcAuth, AsBytes(b));
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < Hash::kSize; ++i) diff = diff | (ha.bytes[i] ^ hb.bytes[i]);
  return diff == 0;
}

bool BearerTokenMatches(std::string_view authorization, std::string_view configured) {
  if (configured.empty()) return false;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return false;
  // The scheme name is case-insensitive (RFC 7235); the token is not.
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    char k = kScheme[i];
    if (k >= 'A' && k <= 'Z') k = static_cast<char>(k - 'A' + 'a');
    if (c != k) return false;
  }
  return ConstantTimeEquals(authorization.substr(kScheme.size()), configured);
}

}  // namespace corridor::rpc

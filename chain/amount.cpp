#include "chain/amount.h"

#include <limits>

namespace corridor {

std::string FormatAmount(uint64_t minor_units, uint8_t decimals) {
  std::string digits = std::to_string(minor_units);
  if (decimals == 0) return digits;
  if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
  digits.insert(digits.size() - decimals, 1, '.');
  return digits;
}

Result<uint64_t> ParseAmount(std::string_view text, uint8_t decimals) {
  if (text.empty()) return MakeError("bad_amount", "amount is empty");
  if (decimals > kMaxAssetDecimals) return MakeError("bad_amount", "asset has too many decimals");
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) {
    return MakeError("bad_amount",
                     "amount '" + std::string(text) +
                         "' must look like 12 or 12.50 (digits on both sides of '.')");
  }
  if (frac.size() > decimals) {
    return MakeError("bad_amount", "amount '" + std::string(text) + "' has more than " +
                                       std::to_string(decimals) + " decimal places");
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t v = 0;
  // v * 10 + d without overflow.
  auto push = [&](unsigned d) -> bool {
    if (v > (kMax - d) / 10) return false;
    v = v * 10 + d;
    return true;
  };
  auto take = [&](std::string_view part) -> bool {
    for (char c : part) {
      if (c < '0' || c > '9' || !push(static_cast<unsigned>(c - '0'))) return false;
    }
    return true;
  };
  if (!take(whole) || !take(frac)) {
    return MakeError("bad_amount", "amount '" + std::string(text) +
                                       "' is not a non-negative decimal number that fits");
  }
  for (size_t i = frac.size(); i < decimals; ++i) {
    if (!push(0)) {
      return MakeError("bad_amount", "amount '" + std::string(text) + "' is too large");
    }
  }
  return v;
}

}  // namespace corridor

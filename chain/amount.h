// Decimal amounts for people and JSON: "12.50" <-> 1250 minor units (2 decimals).
//
// Amounts on chain are u64 counts of an asset's smallest unit. At the RPC and
// CLI boundary they are decimal strings, never floating point. Parsing is
// strict: digits, at most one '.', no sign, no exponent, no more fractional
// digits than the asset has, no overflow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chain/result.h"

namespace corridor {

inline constexpr uint8_t kMaxAssetDecimals = 18;

// FormatAmount(1250, 2) == "12.50"; FormatAmount(5, 0) == "5".
std::string FormatAmount(uint64_t minor_units, uint8_t decimals);

// ParseAmount("12.5", 2) == 1250. Errors (code "bad_amount"): empty, bad
// character, too many decimals for the asset, value above 2^64-1.
Result<uint64_t> ParseAmount(std::string_view text, uint8_t decimals);

}  // namespace corridor

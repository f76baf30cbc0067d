// FX values on the `corridor` command line (docs/wallet.md "FX"): rates
// typed as people say them ("1 USD = 0.92 EUR" is --rate 0.92) and the
// chain's exact minor-unit fractions (docs/state.md §3.2), converted both
// ways with integers only; and the cross-border payment's quote, with the
// state machine's rounding rule (docs/state.md §3.3).
//
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wallet/cli_error.h"

namespace corridor::wallet::cli {

// numerator / denominator minor units of the quote asset per minor unit of
// the base asset, in lowest terms.
struct RateFraction {
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  bool operator==(const RateFraction&) const = default;
};

// Shape only, before the assets' decimals are known: digits, at most one
// '.' with digits on both sides, at most 18 decimals.
CliCheck CheckRateSyntax(std::string_view flag, std::string_view text);

// `text` is whole quote units per whole base unit, a decimal such as 0.92
// (digits, at most one '.', no sign), more than zero. The result is exact;
// a rate that needs more than 64 bits on either side is refused (usage
// error naming `flag`), never rounded.
CliResult<RateFraction> ParseRateFlag(std::string_view flag, std::string_view text,
                                      uint8_t base_decimals, uint8_t quote_decimals);

// The fraction as whole quote units per whole base unit: "0.92" when the
// decimal is exact, else truncated to 12 decimals ("~1.086956521739") or,
// below 1, to 12 digits after the leading zeros ("~0.000333333333333").
std::string FormatRate(const RateFraction& rate, uint8_t base_decimals, uint8_t quote_decimals);

// What an fx_payment delivering `dest_amount` costs before the provider's
// fee: ceil(dest_amount × denominator / numerator); nullopt when it does not
// fit in 64 bits or the rate has a zero side.
std::optional<uint64_t> FxPrincipal(uint64_t dest_amount, const RateFraction& rate);
// The provider's fee on `principal`: ceil(principal × bps / 10000).
std::optional<uint64_t> FxFee(uint64_t principal, uint16_t fee_bps);

}  // namespace corridor::wallet::cli

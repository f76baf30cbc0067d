#include <limits>

#include "wallet/cli_fx.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

__extension__ typedef unsigned __int128 u128;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
// Significant digits a --rate may have: 10^20 × 10^18 still fits in 128 bits.
constexpr size_t kMaxRateDigits = 20;
constexpr int kRatePlaces = 12;
constexpr int kMaxRatePlaces = 60;

u128 Pow10(unsigned n) {
  u128 v = 1;
  for (unsigned i = 0; i < n; ++i) v *= 10;
  return v;
}

u128 Gcd(u128 a, u128 b) {
  while (b != 0) {
    u128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

std::string ToDecimal(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

}  // namespace

CliCheck CheckRateSyntax(std::string_view flag, std::string_view text) {
  if (!CheckAmountSyntax(flag, text)) return std::nullopt;
  return UsageError("--" + std::string(flag) + ": rate '" + std::string(text) +
                    "' must look like 0.92 (quote units per base unit: digits, one '.', no sign, "
                    "at most 18 decimals)");
}

CliResult<RateFraction> ParseRateFlag(std::string_view flag, std::string_view text,
                                      uint8_t base_decimals, uint8_t quote_decimals) {
  const std::string f = "--" + std::string(flag);
  if (auto e = CheckRateSyntax(flag, text)) return std::move(*e);
  const size_t dot = text.find('.');
  std::string digits(text.substr(0, dot));
  unsigned places = 0;
  if (dot != std::string_view::npos) {
    digits += text.substr(dot + 1);
    places = static_cast<unsigned>(text.size() - dot - 1);
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return UsageError(f + " must be more than zero");
  digits.erase(0, first);
  if (digits.size() > kMaxRateDigits) {
    return UsageError(f + ": rate '" + std::string(text) + "' has more than " +
                      std::to_string(kMaxRateDigits) + " significant digits");
  }
  u128 value = 0;
  for (char c : digits) value = value * 10 + static_cast<unsigned>(c - '0');
  // value / 10^places whole quote per whole base
  //   = value × 10^qd / 10^(places + bd) quote minor units per base minor unit.
  u128 num = value * Pow10(quote_decimals);
  u128 den = Pow10(places + base_decimals);
  const u128 g = Gcd(num, den);
  num /= g;
  den /= g;
  if (num > kU64Max || den > kU64Max) {
    return UsageError(f + ": rate '" + std::string(text) +
                      "' does not fit the chain's 64-bit fraction of minor units; give fewer "
                      "decimals or use --numerator and --denominator");
  }
  return RateFraction{static_cast<uint64_t>(num), static_cast<uint64_t>(den)};
}

std::string FormatRate(const RateFraction& rate, uint8_t base_decimals, uint8_t quote_decimals) {
  if (rate.denominator == 0) return "?";
  // numerator × 10^bd / (denominator × 10^qd); both sides < 2^124, so the
  // remainder times ten never overflows.
  const u128 n = static_cast<u128>(rate.numerator) * Pow10(base_decimals);
  const u128 d = static_cast<u128>(rate.denominator) * Pow10(quote_decimals);
  const u128 whole = n / d;
  std::string out = ToDecimal(whole);
  u128 rem = n % d;
  std::string frac;
  // kRatePlaces decimals for a rate of 1 or more; for a smaller one,
  // kRatePlaces digits after its leading zeros (at most kMaxRatePlaces).
  int significant = 0;
  for (int i = 0; i < kMaxRatePlaces && rem != 0; ++i) {
    if ((whole != 0 ? i : significant) >= kRatePlaces) break;
    rem *= 10;
    const int digit = static_cast<int>(rem / d);
    frac += static_cast<char>('0' + digit);
    rem %= d;
    if (significant > 0 || digit != 0) ++significant;
  }
  if (!frac.empty()) out += "." + frac;
  return rem == 0 ? out : "~" + out;
}

std::optional<uint64_t> FxPrincipal(uint64_t dest_amount, const RateFraction& rate) {
  if (rate.numerator == 0 || rate.denominator == 0) return std::nullopt;
  const u128 p =
      (static_cast<u128>(dest_amount) * rate.denominator + rate.numerator - 1) / rate.numerator;
  if (p > kU64Max) return std::nullopt;
  return static_cast<uint64_t>(p);
}

std::optional<uint64_t> FxFee(uint64_t principal, uint16_t fee_bps) {
  const u128 fee = (static_cast<u128>(principal) * fee_bps + 9999) / 10000;
  if (fee > kU64Max) return std::nullopt;
  return static_cast<uint64_t>(fee);
}

}  // namespace corridor::wallet::cli

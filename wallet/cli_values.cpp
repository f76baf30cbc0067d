#include "wallet/cli_values.h"

#include <cstdio>
#include <ctime>
#include <limits>

#include "chain/amount.h"
#include "chain/encoding.h"
#include "chain/limits.h"
#include "chain/operation.h"

namespace corridor::wallet::cli {

namespace {

std::string F(std::string_view flag) {
  return "--" + std::string(flag);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Fixed-width field of `s` at [pos, pos + n) as a number, or -1.
int Field(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (Howard Hinnant's days_from_civil), so no time zone is ever consulted.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

CliResult<uint64_t> ParseUintFlag(std::string_view flag, std::string_view text) {
  if (!AllDigits(text) || text.size() > 20) {
    return UsageError(F(flag) + " must be a non-negative integer, not '" + std::string(text) + "'");
  }
  uint64_t v = 0;
  for (char c : text) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      return UsageError(F(flag) + " is too large");
    }
    v = v * 10 + d;
  }
  return v;
}

CliResult<uint64_t> ParseTimeFlag(std::string_view flag, std::string_view text) {
  if (AllDigits(text)) return ParseUintFlag(flag, text);
  auto bad = [&] {
    return UsageError(F(flag) + " must be milliseconds since 1970 or a UTC date such as " +
                      "2025-01-31 or 2025-01-31T12:00:05Z, not '" + std::string(text) + "'");
  };
  std::string_view s = text;
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  // YYYY-MM-DD[THH:MM[:SS]]
  if (s.size() != 10 && s.size() != 16 && s.size() != 19) return bad();
  const int y = Field(s, 0, 4), mo = Field(s, 5, 2), d = Field(s, 8, 2);
  if (s[4] != '-' || s[7] != '-' || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, mo)) {
    return bad();
  }
  int h = 0, mi = 0, sec = 0;
  if (s.size() >= 16) {
    h = Field(s, 11, 2);
    mi = Field(s, 14, 2);
    if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59) {
      return bad();
    }
  }
  if (s.size() == 19) {
    sec = Field(s, 17, 2);
    if (s[16] != ':' || sec < 0 || sec > 59) return bad();
  }
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec;
  return static_cast<uint64_t>(secs) * 1000;
}

std::string FormatTime(uint64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  if (gmtime_r(&secs, &tm) == nullptr) return std::to_string(ms);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (ms % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ms % 1000));
    out += frac;
  }
  return out + "Z";
}

CliCheck CheckAmountSyntax(std::string_view flag, std::string_view text) {
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (!AllDigits(whole) || (dot != std::string_view::npos && !AllDigits(frac))) {
    return UsageError(F(flag) + ": amount '" + std::string(text) +
                      "' must look like 12 or 12.50 (digits, one '.', no sign or commas)");
  }
  if (frac.size() > kMaxAssetDecimals) {
    return UsageError(F(flag) + ": amount '" + std::string(text) + "' has more than " +
                      std::to_string(kMaxAssetDecimals) + " decimal places");
  }
  return std::nullopt;
}

CliResult<uint64_t> ParseAmountFlag(std::string_view flag, std::string_view text, uint8_t decimals,
                                    bool allow_zero) {
  if (auto e = CheckAmountSyntax(flag, text)) return std::move(*e);
  auto v = ParseAmount(text, decimals);
  if (!v) return UsageError(F(flag) + ": " + v.error().message);
  if (*v == 0 && !allow_zero) return UsageError(F(flag) + " must be more than zero");
  return *v;
}

CliCheck CheckAssetCode(std::string_view flag, std::string_view code) {
  if (IsValidAssetCode(code)) return std::nullopt;
  return UsageError(F(flag) + ": '" + std::string(code) +
                    "' is not an asset code (1-12 characters A-Z and 0-9, such as USD)");
}

CliCheck CheckMemo(std::string_view flag, std::string_view memo) {
  if (memo.size() <= kMaxMemoBytes && IsPrintableUtf8(memo)) return std::nullopt;
  return UsageError(F(flag) + " must be printable text of at most " +
                    std::to_string(kMaxMemoBytes) + " bytes");
}

}  // namespace corridor::wallet::cli

// Values on the `corridor` command line: integers, times, amounts, asset
// codes, memos. Each parser names the flag in its error so the one-line
// message says what to fix; all errors are usage errors (exit code 2).
//
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wallet/cli_error.h"

namespace corridor::wallet::cli {

// A non-negative decimal integer that fits in 64 bits.
CliResult<uint64_t> ParseUintFlag(std::string_view flag, std::string_view text);

// A time: integer milliseconds since the Unix epoch, or a UTC date
// "2025-01-31", "2025-01-31T12:00", "2025-01-31T12:00:05" (a trailing 'Z'
// is accepted; a date alone is its midnight).
CliResult<uint64_t> ParseTimeFlag(std::string_view flag, std::string_view text);
// "2025-01-31T12:00:05Z", with ".123" when the milliseconds are not zero.
std::string FormatTime(uint64_t ms);

// Shape only, before the asset's decimals are known: digits, at most one '.'
// with digits on both sides, at most 18 decimals.
CliCheck CheckAmountSyntax(std::string_view flag, std::string_view text);
// The amount in the asset's smallest unit; refuses more decimals than the
// asset has (never rounds) and, unless `allow_zero`, zero.
CliResult<uint64_t> ParseAmountFlag(std::string_view flag, std::string_view text, uint8_t decimals,
                                    bool allow_zero = false);

CliCheck CheckAssetCode(std::string_view flag, std::string_view code);
CliCheck CheckMemo(std::string_view flag, std::string_view memo);

}  // namespace corridor::wallet::cli

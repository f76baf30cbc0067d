// The trades file of `corridor settle batch` (docs/wallet.md "Settlement"):
// a CSV of matched trades turned into one settle_batch operation
// (docs/state.md §3.6).
//
// Columns, in order: trade_id, buyer, seller, base_asset, base_amount,
// quote_asset, quote_amount. An optional first row with exactly these
// names is a header. Blank lines and lines starting with '#' are skipped;
// a field may be double-quoted ("" is a quote inside); unquoted fields are
// trimmed of spaces and tabs; lines may end in CRLF. Addresses may be key
// names of the keystore; amounts are decimals in the asset's units.
//
// Parsing happens in two steps, like every signing command: ParseTradesCsv
// checks every row's shape without the node, BuildSettleBatch converts the
// amounts once the assets' decimals are known. Every error is a usage error
// naming the file, the line and the column.
//
// Pure functions apart from the key lookup passed in; no I/O.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/operation.h"
#include "wallet/cli_error.h"

namespace corridor::wallet::cli {

// The largest trades file read (20,000 trades of the longest fields fit).
inline constexpr size_t kMaxTradesFileBytes = 16 * 1024 * 1024;
inline constexpr size_t kTradeColumns = 7;

// One row, checked, with its amounts still text.
struct CsvTrade {
  size_t line = 0;  // 1-based line number in the file
  std::string trade_id;
  Address buyer;
  Address seller;
  std::string base_asset;
  std::string base_amount;
  std::string quote_asset;
  std::string quote_amount;
};

// The address of key `name` in the keystore, or nullopt.
using KeyLookup = std::function<std::optional<Address>(const std::string& name)>;

// `text` is the whole file; `file` names it in errors. At most
// kMaxBatchTrades rows; trade ids unique; buyer != seller; base != quote.
CliResult<std::vector<CsvTrade>> ParseTradesCsv(std::string_view text, std::string_view file,
                                                const KeyLookup& key);

// The decimals of an asset the node has, or nullopt for an unknown code.
using DecimalsLookup = std::function<std::optional<uint8_t>(const std::string& code)>;

CliResult<SettleBatch> BuildSettleBatch(const std::string& batch_id,
                                        const std::vector<CsvTrade>& rows, std::string_view file,
                                        const DecimalsLookup& decimals);

// One account's net movement in one asset over a batch (docs/state.md §3.6
// "netting"): what settle_batch moves once for it.
struct NetPosition {
  Address account;
  std::string asset;
  bool debit = false;   // the account pays `amount`; else it receives it
  uint64_t amount = 0;  // > 0
  bool fits = true;     // false: the net exceeds 2^64 - 1 (amount is then that maximum)
  bool operator==(const NetPosition&) const = default;
};
// The non-zero nets in (account, asset) order, as the state machine moves them.
std::vector<NetPosition> NetPositions(const SettleBatch& batch);

}  // namespace corridor::wallet::cli

#include <map>
#include <unordered_map>

#include "chain/amount.h"
#include "wallet/cli_settle.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

constexpr const char* kColumns[kTradeColumns] = {
    "trade_id", "buyer", "seller", "base_asset", "base_amount", "quote_asset", "quote_amount"};

std::string Count(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// "trades.csv line 7, column 5 (base_amount)".
std::string Where(std::string_view file, size_t line, size_t column) {
  return std::string(file) + " line " + std::to_string(line) + ", column " +
         std::to_string(column + 1) + " (" + kColumns[column] + ")";
}

CliError AtLine(std::string_view file, size_t line, const std::string& what) {
  return UsageError(std::string(file) + " line " + std::to_string(line) + ": " + what);
}

CliError AtColumn(std::string_view file, size_t line, size_t column, const std::string& what) {
  return UsageError(Where(file, line, column) + ": " + what);
}

// The value checkers of cli_values.h name a flag ("--x: ..."); in a file the
// place is named instead.
CliError Reworded(const CliError& e, std::string_view file, size_t line, size_t column) {
  std::string m = e.message;
  const std::string flag = "--x";
  if (m.rfind(flag + ": ", 0) == 0) {
    m.erase(0, flag.size() + 2);
  } else if (m.rfind(flag + " ", 0) == 0) {
    m.erase(0, flag.size() + 1);
  }
  return AtColumn(file, line, column, m);
}

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// Splits one line into fields. Returns false with `error` set on a quote
// that does not close or text after a closing quote.
bool SplitFields(std::string_view line, std::vector<std::string>& fields, std::string& error) {
  fields.clear();
  size_t i = 0;
  for (;;) {
    std::string field;
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        field += line[i++];
      }
      if (!closed) {
        error = "column " + std::to_string(fields.size() + 1) + ": a quoted field does not end";
        return false;
      }
      while (i < line.size() && IsBlank(line[i])) ++i;
      if (i < line.size() && line[i] != ',') {
        error = "column " + std::to_string(fields.size() + 1) +
                ": text after the closing quote (a quote inside a field is written \"\")";
        return false;
      }
    } else {
      const size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      size_t end = i;
      while (end > start && IsBlank(line[end - 1])) --end;
      field.assign(line.substr(start, end - start));
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;                                             // the ','
    if (fields.size() > kTradeColumns) return true;  // too many: no need to split the rest
  }
}

bool IsHeader(const std::vector<std::string>& fields) {
  return !fields.empty() && fields[0] == kColumns[0];
}

}  // namespace

CliResult<std::vector<CsvTrade>> ParseTradesCsv(std::string_view text, std::string_view file,
                                                const KeyLookup& key) {
  if (text.size() > kMaxTradesFileBytes) {
    return UsageError(std::string(file) + " is larger than " +
                      std::to_string(kMaxTradesFileBytes >> 20) + " MiB");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a spreadsheet's BOM

  std::vector<CsvTrade> rows;
  std::unordered_map<std::string, size_t> id_line;  // trade id -> its line
  std::map<std::string, Address> resolved;          // address or key name -> address
  std::vector<std::string> fields;
  bool seen_row = false;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && IsBlank(line[first])) ++first;
    if (first == line.size() || line[first] == '#') continue;

    std::string error;
    if (!SplitFields(line, fields, error)) return AtLine(file, line_no, error);
    if (!seen_row && IsHeader(fields)) {
      seen_row = true;
      bool exact = fields.size() == kTradeColumns;
      for (size_t c = 0; exact && c < kTradeColumns; ++c) exact = fields[c] == kColumns[c];
      if (!exact) {
        return AtLine(file, line_no,
                      "the header must be exactly trade_id,buyer,seller,base_asset,base_amount,"
                      "quote_asset,quote_amount");
      }
      continue;
    }
    seen_row = true;
    if (fields.size() != kTradeColumns) {
      return AtLine(file, line_no,
                    "expected 7 columns (trade_id,buyer,seller,base_asset,base_amount,"
                    "quote_asset,quote_amount), found " +
                        (fields.size() > kTradeColumns ? std::string("more than 7")
                                                       : std::to_string(fields.size())));
    }
    if (rows.size() == kMaxBatchTrades) {
      return AtLine(file, line_no,
                    "more than " + Count(kMaxBatchTrades) +
                        " trades, the most one batch may settle; split the file into batches");
    }

    CsvTrade t;
    t.line = line_no;
    t.trade_id = fields[0];
    if (!IsValidExternalId(t.trade_id)) {
      return AtColumn(file, line_no, 0,
                      "a trade id is 1-64 characters of printable ASCII, not '" + t.trade_id + "'");
    }
    if (auto [it, fresh] = id_line.emplace(t.trade_id, line_no); !fresh) {
      return AtColumn(
          file, line_no, 0,
          "trade id '" + t.trade_id + "' is already used on line " + std::to_string(it->second));
    }
    for (size_t c : {size_t{1}, size_t{2}}) {
      const std::string& cell = fields[c];
      auto known = resolved.find(cell);
      if (known == resolved.end()) {
        auto a = Address::Parse(cell);
        std::optional<Address> address;
        if (a) {
          address = *a;
        } else if (cell.rfind(kAddressPrefix, 0) != 0) {
          address = key(cell);
        }
        if (!address) {
          if (cell.rfind(kAddressPrefix, 0) == 0 || cell.empty()) {
            return AtColumn(file, line_no, c,
                            cell.empty() ? "an address is missing" : a.error().message);
          }
          return AtColumn(file, line_no, c,
                          "'" + cell + "' is neither an address (" + a.error().message +
                              ") nor a key in the keystore");
        }
        known = resolved.emplace(cell, *address).first;
      }
      (c == 1 ? t.buyer : t.seller) = known->second;
    }
    if (t.buyer == t.seller) {
      return AtColumn(file, line_no, 2, "the seller is the buyer; a trade needs two accounts");
    }
    for (size_t c : {size_t{3}, size_t{5}}) {
      if (auto e = CheckAssetCode("x", fields[c])) return Reworded(*e, file, line_no, c);
    }
    t.base_asset = fields[3];
    t.quote_asset = fields[5];
    if (t.base_asset == t.quote_asset) {
      return AtColumn(file, line_no, 5, "the same asset as base_asset (" + t.base_asset + ")");
    }
    for (size_t c : {size_t{4}, size_t{6}}) {
      if (auto e = CheckAmountSyntax("x", fields[c])) return Reworded(*e, file, line_no, c);
    }
    t.base_amount = fields[4];
    t.quote_amount = fields[6];
    rows.push_back(std::move(t));
  }
  if (rows.empty()) return UsageError(std::string(file) + " has no trades");
  return rows;
}

CliResult<SettleBatch> BuildSettleBatch(const std::string& batch_id,
                                        const std::vector<CsvTrade>& rows, std::string_view file,
                                        const DecimalsLookup& decimals) {
  SettleBatch batch;
  batch.batch_id = batch_id;
  batch.trades.reserve(rows.size());
  std::map<std::string, std::optional<uint8_t>> known;
  auto lookup = [&](const std::string& code) {
    auto it = known.find(code);
    if (it == known.end()) it = known.emplace(code, decimals(code)).first;
    return it->second;
  };
  for (const CsvTrade& r : rows) {
    Trade t;
    t.trade_id = r.trade_id;
    t.buyer = r.buyer;
    t.seller = r.seller;
    t.base_asset = r.base_asset;
    t.quote_asset = r.quote_asset;
    struct Leg {
      size_t column;
      const std::string& asset;
      const std::string& amount;
      uint64_t& out;
    };
    for (Leg leg : {Leg{4, r.base_asset, r.base_amount, t.base_amount},
                    Leg{6, r.quote_asset, r.quote_amount, t.quote_amount}}) {
      auto d = lookup(leg.asset);
      if (!d) {
        return AtColumn(file, r.line, leg.column - 1,
                        "unknown asset '" + leg.asset + "' (see 'corridor asset list')");
      }
      auto v = ParseAmountFlag("x", leg.amount, *d);
      if (!v) return Reworded(v.error(), file, r.line, leg.column);
      leg.out = *v;
    }
    batch.trades.push_back(std::move(t));
  }
  return batch;
}

std::vector<NetPosition> NetPositions(const SettleBatch& batch) {
  __extension__ typedef __int128 i128;
  std::map<std::pair<Address, std::string>, i128> net;
  for (const Trade& t : batch.trades) {
    net[{t.buyer, t.base_asset}] += t.base_amount;
    net[{t.seller, t.base_asset}] -= t.base_amount;
    net[{t.seller, t.quote_asset}] += t.quote_amount;
    net[{t.buyer, t.quote_asset}] -= t.quote_amount;
  }
  constexpr i128 kMax = static_cast<i128>(UINT64_MAX);
  std::vector<NetPosition> out;
  for (const auto& [key, v] : net) {
    if (v == 0) continue;
    NetPosition p;
    p.account = key.first;
    p.asset = key.second;
    p.debit = v < 0;
    const i128 magnitude = v < 0 ? -v : v;
    p.fits = magnitude <= kMax;
    p.amount = static_cast<uint64_t>(p.fits ? magnitude : kMax);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace corridor::wallet::cli

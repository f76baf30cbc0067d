// The settlement commands: settle batch (settle_batch from a trades CSV) and
// settle status (settlement_getBatch). docs/wallet.md "Settlement".
#include "wallet/cli_settle.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

// `settle check` reads at most this many accounts (one account_get each).
constexpr size_t kMaxCheckedAccounts = 1000;

// The whole file, at most kMaxTradesFileBytes; errors name --file.
CliResult<std::string> ReadTradesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return UsageError("--file: cannot read '" + path + "': " + std::strerror(errno));
  }
  std::string text;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxTradesFileBytes) {
      return UsageError("--file: '" + path + "' is larger than " +
                        std::to_string(kMaxTradesFileBytes >> 20) + " MiB; a batch holds at most " +
                        std::to_string(kMaxBatchTrades) + " trades");
    }
  }
  if (in.bad()) return UsageError("--file: cannot read '" + path + "'");
  return text;
}

// The display name of a file in messages: its last path component.
std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// After --wait: what the receipt says about the batch — its size when it
// settled, the failing trade (with its line in the file) when it did not.
void DescribeBatch(Cli& cli, const rapidjson::Value& answer, const std::vector<CsvTrade>& rows,
                   const std::string& file) {
  const auto* receipt = JsonObject(answer, "receipt");
  if (receipt == nullptr) return;
  const auto* events = JsonArray(*receipt, "events");
  if (events == nullptr) return;
  for (const auto& e : events->GetArray()) {
    const std::string type = JsonString(e, "type").value_or("");
    if (type == "batch_settled") {
      PrintLine(cli, "settled",
                std::to_string(JsonUint(e, "trades").value_or(0)) + " trades, " +
                    std::to_string(JsonUint(e, "movements").value_or(0)) + " balance movements");
    } else if (type == "batch_failed") {
      const uint64_t i = JsonUint(e, "tradeIndex").value_or(UINT64_MAX);
      std::string where = "#" + std::to_string(i + 1);
      if (i < rows.size()) {
        where +=
            " '" + rows[i].trade_id + "' (" + file + " line " + std::to_string(rows[i].line) + ")";
      }
      std::string what = JsonString(e, "reason").value_or("?");
      if (auto a = JsonString(e, "account")) what += " account=" + *a;
      if (auto a = JsonString(e, "asset")) what += " asset=" + *a;
      PrintLine(cli, "trade", where + ": " + what);
    }
  }
}

// The file of --file, checked row by row (no node).
struct TradesFile {
  std::string name;  // for messages: the path's last component
  std::vector<CsvTrade> rows;
};

CliResult<TradesFile> LoadTradesFile(Cli& cli) {
  const std::string path = cli.Flag("file");
  TradesFile f;
  f.name = FileName(path);
  auto text = ReadTradesFile(path);
  if (!text) return std::move(text).error();
  KeyLookup key = [&cli](const std::string& name) -> std::optional<Address> {
    if (!Keystore::IsValidName(name)) return std::nullopt;
    auto info = cli.keystore().Info(name);
    if (!info) return std::nullopt;
    return info->address;
  };
  auto rows = ParseTradesCsv(*text, f.name, key);
  if (!rows) return std::move(rows).error();
  f.rows = std::move(*rows);
  return f;
}

// The batch with the node's decimals, bounded to what a transaction holds.
CliResult<SettleBatch> BuildBatch(Cli& cli, const std::string& batch_id, const TradesFile& f) {
  auto assets = cli.ListAssets();
  if (!assets) return std::move(assets).error();
  DecimalsLookup decimals = [&](const std::string& code) -> std::optional<uint8_t> {
    for (const auto& a : *assets) {
      if (a.code == code) return a.decimals;
    }
    return std::nullopt;
  };
  auto batch = BuildSettleBatch(batch_id, f.rows, f.name, decimals);
  if (!batch) return std::move(batch).error();
  Writer w;
  batch->Encode(w);
  if (w.size() > kMaxOperationBytes) {
    return UsageError(f.name + ": the batch encodes to " + std::to_string(w.size()) +
                      " bytes, more than a transaction holds (" +
                      std::to_string(kMaxOperationBytes) + "); split it");
  }
  return batch;
}

CliCheck CheckBatchId(const std::string& id) {
  if (IsValidExternalId(id)) return std::nullopt;
  return UsageError("--batch-id must be 1-64 characters of printable ASCII, not '" + id + "'");
}

// batch_already_settled when `batch_id` was settled, saying where.
CliCheck CheckBatchIdFree(Cli& cli, const std::string& batch_id, const std::string& suffix) {
  rpc::Json p = rpc::Json::Object();
  p.Set("batchId", batch_id);
  auto settled = cli.CallRaw("settlement_getBatch", p);
  if (settled) {
    return Failure("batch_already_settled: batch '" + batch_id + "' was settled at height " +
                   std::to_string(JsonUint(settled->value(), "height").value_or(0)) +
                   " by transaction " + JsonString(settled->value(), "txId").value_or("?") +
                   "; see 'corridor settle status'" + suffix);
  }
  if (settled.error().code != rpc::kNotFound) {
    return DescribeRpcError(settled.error(), "settlement_getBatch", cli.rpc_url());
  }
  return std::nullopt;
}

}  // namespace

int SettleBatchCommand(Cli& cli) {
  // 1. The command line and the file alone: every row is checked before the
  //    node is asked anything.
  const std::string batch_id = cli.Flag("batch-id");
  if (auto e = CheckBatchId(batch_id)) return cli.Fail(*e);
  auto file = LoadTradesFile(cli);
  if (!file) return cli.Fail(file.error());
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());

  // 2. The node: signer, the assets' decimals.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  auto batch = BuildBatch(cli, batch_id, *file);
  if (!batch) return cli.Fail(batch.error());

  // 3. Prechecks: the signer may settle, and the batch id is still free (a
  //    batch id applies once: a resubmission after a timeout is told here).
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (!HasRole(signer->account, "operator")) {
      return cli.Fail(Failure("unauthorized_role: key '" + signer->name +
                              "' does not hold the operator role" + NotSubmitted()));
    }
    if (auto e = CheckBatchIdFree(cli, batch_id, NotSubmitted())) return cli.Fail(*e);
  }

  PrintLine(
      cli, "batch",
      batch_id + " (" + std::to_string(batch->trades.size()) + " trades from " + file->name + ")");
  FollowOptions follow;
  follow.light = true;  // the transaction's JSON lists every trade: read it once
  follow.describe = [&file](Cli& c, const rapidjson::Value& answer) {
    DescribeBatch(c, answer, file->rows, file->name);
  };
  return SignSubmitFollow(cli, *flags, *signer, std::move(*batch), follow);
}

int SettleCheck(Cli& cli) {
  const std::string batch_id = cli.Flag("batch-id");
  if (cli.Has("batch-id")) {
    if (auto e = CheckBatchId(batch_id)) return cli.Fail(*e);
  }
  auto file = LoadTradesFile(cli);
  if (!file) return cli.Fail(file.error());
  auto batch = BuildBatch(cli, cli.Has("batch-id") ? batch_id : "check", *file);
  if (!batch) return cli.Fail(batch.error());
  auto chain = cli.GetChainInfo();
  if (!chain) return cli.Fail(chain.error());
  const std::vector<NetPosition> nets = NetPositions(*batch);

  std::map<Address, std::optional<AccountInfo>> accounts;
  for (const auto& n : nets) accounts.emplace(n.account, std::nullopt);
  PrintField(cli.out(), "file", file->name);
  PrintField(cli.out(), "trades", std::to_string(batch->trades.size()));
  PrintField(cli.out(), "accounts", std::to_string(accounts.size()));
  PrintField(cli.out(), "movements", std::to_string(nets.size()));
  size_t problems = 0;
  if (cli.Has("batch-id")) {
    auto e = CheckBatchIdFree(cli, batch_id, "");
    if (e && e->exit_code != kExitFailed) return cli.Fail(*e);
    PrintField(cli.out(), "batch", batch_id + (e ? ": " + e->message : " (not settled yet)"));
    problems += e ? 1 : 0;
  }
  const bool look_up = accounts.size() <= kMaxCheckedAccounts;
  if (look_up) {
    for (auto& [address, info] : accounts) {
      auto a = cli.GetAccount(address);
      if (!a) return cli.Fail(a.error());
      info = std::move(*a);
    }
  }
  auto assets = cli.ListAssets();
  if (!assets) return cli.Fail(assets.error());
  Table t;
  t.Row({"ACCOUNT", "ASSET", "NET", "AVAILABLE", "CHECK"});
  for (const auto& n : nets) {
    uint8_t decimals = 0;
    bool asset_frozen = false;
    for (const auto& a : *assets) {
      if (a.code == n.asset) {
        decimals = a.decimals;
        asset_frozen = a.frozen;
      }
    }
    std::string net = (n.debit ? "-" : "+") + FormatAmount(n.amount, decimals);
    std::string available = "-", check = "ok";
    const std::optional<AccountInfo>& info = accounts.at(n.account);
    // The state machine's names for what would fail (docs/state.md §3.6).
    if (asset_frozen) {
      check = "asset_frozen";
    } else if (!n.fits) {
      check = "overflow";
    } else if (!look_up) {
      check = "not looked up";
    } else if (!info) {
      check = "unknown_account";
    } else {
      const uint64_t have = Available(*info, n.asset, decimals);
      available = FormatAmount(have, decimals);
      if (info->frozen) {
        check = "trader_frozen";
      } else if (info->kyc_level < 1) {
        check = "kyc_required";
      } else if (n.debit && n.amount > have) {
        check = "insufficient_balance";
      }
    }
    if (check != "ok" && check != "not looked up") ++problems;
    t.Row({n.account.ToString(), n.asset, net, available, check});
  }
  t.Print(cli.out());
  if (!look_up) {
    cli.out() << "accounts not looked up: more than " << kMaxCheckedAccounts
              << "; the chain checks them when the batch is submitted\n";
  }
  if (problems > 0) {
    return cli.Fail(Failure(std::to_string(problems) + " problem" + (problems == 1 ? "" : "s") +
                            " at height " + std::to_string(chain->height) +
                            "; settling this batch now would fail"));
  }
  cli.out() << "ok at height " << chain->height
            << ": every net debit is covered (balances may change before the batch commits)\n";
  return kExitOk;
}

int SettleStatus(Cli& cli) {
  const std::string& id = cli.positionals()[0];
  if (!IsValidExternalId(id)) {
    return cli.Fail(UsageError("BATCH_ID must be 1-64 characters of printable ASCII"));
  }
  rpc::Json p = rpc::Json::Object();
  p.Set("batchId", id);
  auto read = cli.CallRead("settlement_getBatch", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto& v = r->value();
  auto num = [&](const char* key) {
    auto n = JsonUint(v, key);
    return n ? std::to_string(*n) : std::string("?");
  };
  PrintField(cli.out(), "batch", id);
  PrintField(cli.out(), "status", JsonString(v, "status").value_or("?"));
  PrintField(cli.out(), "tx", JsonString(v, "txId").value_or("?"));
  PrintField(cli.out(), "height", num("height"));
  if (auto t = JsonUint(v, "timestamp")) PrintField(cli.out(), "time", FormatTime(*t));
  PrintField(cli.out(), "operator", JsonString(v, "operator").value_or("?"));
  PrintField(cli.out(), "trades", num("trades"));
  PrintField(cli.out(), "movements", num("movements"));
  return kExitOk;
}

std::vector<CommandSpec> SettleCommands() {
  return {
      {{"settle", "batch"},
       {},
       WithSigningFlags({"file", "batch-id"}),
       {"from", "file", "batch-id"},
       "--file TRADES.csv --batch-id ID " + SigningSynopsis(),
       "settle a CSV of matched trades as one all-or-nothing batch (operator key)",
       SettleBatchCommand},
      {{"settle", "check"},
       {},
       {"file", "batch-id"},
       {"file"},
       "--file TRADES.csv [--batch-id ID]",
       "check a trades file against the node without signing: rows, nets, balances",
       SettleCheck},
      {{"settle", "status"},
       {"BATCH_ID"},
       {"json"},
       {},
       "[--json]",
       "a settled batch: its transaction, height, trades and movements",
       SettleStatus},
  };
}

}  // namespace corridor::wallet::cli

// Read-only commands: balance, history, statement, audit, asset list.
#include <iomanip>
#include <sstream>

#include "chain/operation.h"
#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

constexpr uint64_t kMaxHistoryLimit = 500;  // account_getHistory's own bound (rpc.md §8.7)
// A statement is followed through at most this many pages of up to 1,000
// entries; a longer window asks the user to narrow it.
constexpr int kMaxStatementPages = 100;

std::string Str(const rapidjson::Value& v, const char* key, const char* def = "") {
  return JsonString(v, key).value_or(def);
}

std::string Num(const rapidjson::Value& v, const char* key) {
  auto n = JsonUint(v, key);
  return n ? std::to_string(*n) : "?";
}

std::string Time(const rapidjson::Value& v, const char* key) {
  auto n = JsonUint(v, key);
  return n ? FormatTime(*n) : "?";
}

std::string Counterparties(const rapidjson::Value& entry) {
  std::string s;
  if (const auto* list = JsonArray(entry, "counterparties")) {
    for (const auto& a : list->GetArray()) {
      if (a.IsString()) s += (s.empty() ? "" : ",") + std::string(a.GetString());
    }
  }
  return s.empty() ? "-" : s;
}

std::string Memo(const rapidjson::Value& entry) {
  std::string memo = Str(entry, "memo");
  return memo.empty() ? "-" : memo;
}

CliResult<Address> AddressArg(Cli& cli) {
  return cli.ResolveAddress("", cli.positionals()[0]);
}

void SetTime(Cli& cli, rpc::Json& p, const char* flag, const char* param, CliCheck& error) {
  if (error || !cli.Has(flag)) return;
  auto t = ParseTimeFlag(flag, cli.Flag(flag));
  if (!t) {
    error = t.error();
    return;
  }
  p.Set(param, *t);
}

// --type (one or a comma-separated list; `example` names one in the usage
// error), --from-time, --to-time, --limit, --cursor of the paged queries.
CliCheck SetPageFlags(Cli& cli, rpc::Json& p, std::string_view example) {
  if (cli.Has("type")) {
    rpc::Json types = rpc::Json::Array();
    std::stringstream list(cli.Flag("type"));
    std::string t;
    size_t n = 0;
    while (std::getline(list, t, ',')) {
      if (t.empty()) continue;
      types.Push(t);
      ++n;
    }
    if (n == 0) return UsageError("--type needs " + std::string(example));
    p.Set("type", types);
  }
  CliCheck error;
  SetTime(cli, p, "from-time", "fromTime", error);
  SetTime(cli, p, "to-time", "toTime", error);
  if (error) return error;
  if (cli.Has("limit")) {
    auto n = ParseUintFlag("limit", cli.Flag("limit"));
    if (!n) return n.error();
    if (*n == 0 || *n > kMaxHistoryLimit) {
      return UsageError("--limit must be 1 to " + std::to_string(kMaxHistoryLimit));
    }
    p.Set("limit", *n);
  }
  if (cli.Has("cursor")) p.Set("cursor", cli.Flag("cursor"));
  return std::nullopt;
}

void PrintNextCursor(Cli& cli, const rpc::Json& r) {
  if (auto next = JsonString(r.value(), "nextCursor")) {
    cli.out() << "next-cursor " << *next << "\n";
  }
}

}  // namespace

int Balance(Cli& cli) {
  auto address = AddressArg(cli);
  if (!address) return cli.Fail(address.error());
  if (cli.Has("json")) {
    rpc::Json p = rpc::Json::Object();
    p.Set("address", address->ToString());
    auto r = cli.Call("account_get", p);
    if (!r) return cli.Fail(r.error());
    cli.out() << r->Serialize() << "\n";
    return kExitOk;
  }
  auto account = cli.GetAccount(*address);
  if (!account) return cli.Fail(account.error());
  if (!account->has_value()) {
    return cli.Fail(Failure("account " + address->ToString() + " is not registered"));
  }
  const AccountInfo& a = **account;
  cli.out() << "address  " << a.address << "\nheight   " << a.height << "\n";
  if (a.frozen) cli.out() << "frozen   yes\n";
  if (a.balances.empty()) {
    cli.out() << "no balances\n";
    return kExitOk;
  }
  Table t;
  t.Row({"ASSET", "AVAILABLE", "LOCKED"});
  for (const auto& b : a.balances) t.Row({b.asset, b.available, b.locked});
  t.Print(cli.out());
  return kExitOk;
}

int History(Cli& cli) {
  auto address = AddressArg(cli);
  if (!address) return cli.Fail(address.error());
  rpc::Json p = rpc::Json::Object();
  p.Set("address", address->ToString());
  if (auto e = SetPageFlags(cli, p, "an operation type such as payment")) return cli.Fail(*e);
  for (auto [flag, param] : {std::pair{"min-amount", "minAmount"}, {"max-amount", "maxAmount"}}) {
    if (!cli.Has(flag)) continue;
    if (auto e = CheckAmountSyntax(flag, cli.Flag(flag))) return cli.Fail(*e);
    p.Set(param, cli.Flag(flag));
  }
  if (cli.Has("asset")) {
    if (auto e = CheckAssetCode("asset", cli.Flag("asset"))) return cli.Fail(*e);
    p.Set("asset", cli.Flag("asset"));
  }
  if (cli.Has("status")) {
    const std::string s = cli.Flag("status");
    if (s != "committed" && s != "failed" && s != "held") {
      return cli.Fail(UsageError("--status must be committed, failed or held, not '" + s + "'"));
    }
    p.Set("status", s);
  }
  if (cli.Has("counterparty")) {
    auto c = cli.ResolveAddress("counterparty", cli.Flag("counterparty"));
    if (!c) return cli.Fail(c.error());
    p.Set("counterparty", c->ToString());
  }
  if (auto e = AddReadAuth(cli, "account_getHistory", *address, p)) return cli.Fail(*e);

  auto read = cli.CallRead("account_getHistory", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* entries = JsonArray(r->value(), "entries");
  if (entries == nullptr) {
    return cli.Fail(UnexpectedAnswer("account_getHistory", "no entries list"));
  }
  Table t;
  t.Row({"HEIGHT", "TIME", "TYPE", "STATUS", "AMOUNT", "CHANGE", "COUNTERPARTY", "TXID"});
  for (const auto& e : entries->GetArray()) {
    std::string amount = "-";
    if (auto a = JsonString(e, "amount")) amount = *a + " " + Str(e, "asset");
    std::string change;
    if (const auto* changes = JsonArray(e, "balanceChanges")) {
      for (const auto& c : changes->GetArray()) {
        change += (change.empty() ? "" : ",") + Str(c, "amount") + " " + Str(c, "asset");
      }
    }
    std::string status = Str(e, "status");
    if (status == "failed") status += " (" + Str(e, "codeName") + ")";
    t.Row({Num(e, "height"), Time(e, "timestamp"), Str(e, "type"), status, amount,
           change.empty() ? "-" : change, Counterparties(e), Str(e, "txId")});
  }
  if (entries->Empty()) {
    cli.out() << "no entries\n";
  } else {
    t.Print(cli.out());
  }
  PrintNextCursor(cli, *r);
  return kExitOk;
}

int Audit(Cli& cli) {
  rpc::Json p = rpc::Json::Object();
  if (auto e =
          SetPageFlags(cli, p, "a category such as role or an operation such as freeze_account")) {
    return cli.Fail(*e);
  }
  if (cli.Has("author")) {
    auto a = cli.ResolveAddress("author", cli.Flag("author"));
    if (!a) return cli.Fail(a.error());
    p.Set("author", a->ToString());
  }
  if (cli.Has("status")) {
    const std::string s = cli.Flag("status");
    if (s != "committed" && s != "failed") {
      return cli.Fail(UsageError("--status must be committed or failed, not '" + s + "'"));
    }
    p.Set("status", s);
  }
  if (auto e = AddReadAuth(cli, "audit_list", Address{}, p)) return cli.Fail(*e);
  auto read = cli.CallRead("audit_list", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* entries = JsonArray(r->value(), "entries");
  if (entries == nullptr) return cli.Fail(UnexpectedAnswer("audit_list", "no entries list"));
  Table t;
  t.Row({"HEIGHT", "TIME", "TYPE", "STATUS", "AUTHOR", "REASON", "TXID"});
  for (const auto& e : entries->GetArray()) {
    std::string status = Str(e, "status");
    if (status == "failed") status += " (" + Str(e, "codeName") + ")";
    // The memo, or the reason a hold or dispute decision carries in its operation.
    std::string reason = Str(e, "memo");
    if (reason.empty() && e.HasMember("operation") && e["operation"].IsObject()) {
      reason = Str(e["operation"], "reason");
    }
    t.Row({Num(e, "height"), Time(e, "timestamp"), Str(e, "type"), status, Str(e, "author"),
           reason.empty() ? "-" : reason, Str(e, "txId")});
  }
  if (entries->Empty()) {
    cli.out() << "no entries\n";
  } else {
    t.Print(cli.out());
  }
  PrintNextCursor(cli, *r);
  return kExitOk;
}

int Statement(Cli& cli) {
  auto address = AddressArg(cli);
  if (!address) return cli.Fail(address.error());
  if (auto e = CheckAssetCode("asset", cli.Flag("asset"))) return cli.Fail(*e);
  rpc::Json p = rpc::Json::Object();
  p.Set("address", address->ToString());
  p.Set("asset", cli.Flag("asset"));
  CliCheck error;
  SetTime(cli, p, "from-time", "fromTime", error);
  SetTime(cli, p, "to-time", "toTime", error);
  if (error) return cli.Fail(*error);
  p.Set("limit", 1000);
  if (auto e = AddReadAuth(cli, "account_getStatement", *address, p)) return cli.Fail(*e);

  Table t;
  t.Row({"HEIGHT", "TIME", "TYPE", "AMOUNT", "BALANCE", "COUNTERPARTY", "MEMO", "TXID"});
  std::optional<rpc::Json> last;
  for (int page = 0;; ++page) {
    if (page == kMaxStatementPages) {
      return cli.Fail(Failure("the statement has more than " +
                              std::to_string(kMaxStatementPages * 1000) +
                              " entries; use a shorter time window"));
    }
    auto r = cli.Call("account_getStatement", p);
    if (!r) return cli.Fail(r.error());
    if (cli.Has("json")) cli.out() << r->Serialize() << "\n";
    const auto* entries = JsonArray(r->value(), "entries");
    if (entries == nullptr) {
      return cli.Fail(UnexpectedAnswer("account_getStatement", "no entries list"));
    }
    for (const auto& e : entries->GetArray()) {
      t.Row({Num(e, "height"), Time(e, "timestamp"), Str(e, "type"), Str(e, "amount"),
             Str(e, "balanceAfter"), Counterparties(e), Memo(e), Str(e, "txId")});
    }
    auto next = JsonString(r->value(), "nextCursor");
    last = std::move(r).value();
    if (!next) break;
    p.Set("cursor", *next);
  }
  if (cli.Has("json")) return kExitOk;
  const auto& v = last->value();
  cli.out() << "account  " << address->ToString() << "\nasset    " << cli.Flag("asset")
            << "\nwindow   " << Time(v, "fromTime") << " .. " << Time(v, "toTime") << "\n"
            << "opening  " << Str(v, "openingBalance") << " (height " << Num(v, "openingHeight")
            << ")\n";
  t.Print(cli.out());
  cli.out() << "closing  " << Str(v, "closingBalance") << " (height " << Num(v, "closingHeight")
            << ")\n";
  auto reconciled = JsonBool(v, "reconciled");
  cli.out() << "reconciled " << (reconciled.value_or(false) ? "yes" : "NO") << "\n";
  if (!reconciled.value_or(false)) {
    return cli.Fail(Failure("the statement does not reconcile: opening + entries != closing"));
  }
  return kExitOk;
}

int AssetList(Cli& cli) {
  if (cli.Has("json")) {
    auto r = cli.Call("asset_list");
    if (!r) return cli.Fail(r.error());
    cli.out() << r->Serialize() << "\n";
    return kExitOk;
  }
  auto assets = cli.ListAssets();
  if (!assets) return cli.Fail(assets.error());
  Table t;
  t.Row({"ASSET", "DECIMALS", "ISSUER", "FROZEN"});
  for (const auto& a : *assets) {
    t.Row({a.code, std::to_string(a.decimals), a.issuer, a.frozen ? "yes" : "no"});
  }
  t.Print(cli.out());
  return kExitOk;
}

}  // namespace corridor::wallet::cli

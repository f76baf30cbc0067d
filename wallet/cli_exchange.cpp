// The exchange commands: exchange deposit (exchange_deposit), exchange
// withdraw (exchange_withdrawal) and exchange reference
// (exchange_getReference). docs/wallet.md "Exchange deposits and withdrawals".
#include <algorithm>

#include "chain/amount.h"
#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

CliCheck CheckReference(std::string_view flag, const std::string& reference) {
  if (IsValidExternalId(reference)) return std::nullopt;
  return UsageError("--" + std::string(flag) +
                    " must be 1-64 characters of printable ASCII (the off-chain ledger's id), "
                    "not '" +
                    reference + "'");
}

// duplicate_reference when `custody` already used `reference`.
CliCheck CheckReferenceUnused(Cli& cli, const Address& custody, const std::string& reference) {
  rpc::Json p = rpc::Json::Object();
  p.Set("custody", custody.ToString());
  p.Set("reference", reference);
  auto r = cli.CallRaw("exchange_getReference", p);
  if (!r) {
    if (r.error().code == rpc::kNotFound) return std::nullopt;
    return DescribeRpcError(r.error(), "exchange_getReference", cli.rpc_url());
  }
  return Failure("duplicate_reference: reference '" + reference + "' was used at height " +
                 std::to_string(JsonUint(r->value(), "height").value_or(0)) + " by transaction " +
                 JsonString(r->value(), "txId").value_or("?") + NotSubmitted());
}

// A deposit and a withdrawal: one movement between a user and a custody
// account. `deposit`: the signer pays `--custody`; otherwise the signer is
// the custody account and pays `--to`.
int Movement(Cli& cli, bool deposit) {
  // 1. The command line alone.
  const char* counterparty_flag = deposit ? "custody" : "to";
  auto counterparty = cli.ResolveAddress(counterparty_flag, cli.Flag(counterparty_flag));
  if (!counterparty) return cli.Fail(counterparty.error());
  const std::string asset = cli.Flag("asset");
  if (auto e = CheckAssetCode("asset", asset)) return cli.Fail(*e);
  if (auto e = CheckAmountSyntax("amount", cli.Flag("amount"))) return cli.Fail(*e);
  const std::string reference = cli.Flag("reference");
  if (auto e = CheckReference("reference", reference)) return cli.Fail(*e);
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());

  // 2. The node.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  auto a = cli.FindAsset("asset", asset);
  if (!a) return cli.Fail(a.error());
  auto amount = ParseAmountFlag("amount", cli.Flag("amount"), a->decimals);
  if (!amount) return cli.Fail(amount.error());
  const Address custody = deposit ? *counterparty : signer->address;

  // 3. Prechecks, in the state machine's order (docs/state.md §3.7).
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (!deposit && !HasRole(signer->account, "custody")) {
      return cli.Fail(Failure("unauthorized_role: key '" + signer->name +
                              "' does not hold the custody role" + NotSubmitted()));
    }
    auto receiver = CheckReceiver(cli, *counterparty);
    if (!receiver) return cli.Fail(receiver.error());
    if (deposit && !HasRole(*receiver, "custody")) {
      return cli.Fail(Failure("not_custody: " + counterparty->ToString() +
                              " does not hold the custody role" + NotSubmitted()));
    }
    if (auto e = CheckReferenceUnused(cli, custody, reference)) return cli.Fail(*e);
    if (auto e = CheckAvailable(signer->account, "'" + signer->name + "'", asset, *amount,
                                a->decimals)) {
      return cli.Fail(*e);
    }
  }
  Operation op = deposit ? Operation(ExchangeDeposit{*counterparty, asset, *amount, reference})
                         : Operation(ExchangeWithdrawal{*counterparty, asset, *amount, reference});
  return SignSubmitFollow(cli, *flags, *signer, op);
}

}  // namespace

int ExchangeDepositCommand(Cli& cli) {
  return Movement(cli, true);
}

int ExchangeWithdrawCommand(Cli& cli) {
  return Movement(cli, false);
}

int ExchangeReference(Cli& cli) {
  auto custody = cli.ResolveAddress("", cli.positionals()[0]);
  if (!custody) return cli.Fail(custody.error());
  const std::string& reference = cli.positionals()[1];
  if (!IsValidExternalId(reference)) {
    return cli.Fail(UsageError("REFERENCE must be 1-64 characters of printable ASCII"));
  }
  rpc::Json p = rpc::Json::Object();
  p.Set("custody", custody->ToString());
  p.Set("reference", reference);
  auto read = cli.CallRead("exchange_getReference", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto& v = r->value();
  PrintField(cli.out(), "custody", custody->ToString());
  PrintField(cli.out(), "reference", reference);
  PrintField(cli.out(), "tx", JsonString(v, "txId").value_or("?"));
  auto h = JsonUint(v, "height");
  PrintField(cli.out(), "height", h ? std::to_string(*h) : "?");
  return kExitOk;
}

std::vector<CommandSpec> ExchangeCommands() {
  return {
      {{"exchange", "deposit"},
       {},
       WithSigningFlags({"custody", "asset", "amount", "reference"}),
       {"from", "custody", "asset", "amount", "reference"},
       "--custody ADDRESS --asset CODE --amount AMOUNT --reference REF " + SigningSynopsis(),
       "move funds into the exchange's custody account, linked to REF",
       ExchangeDepositCommand},
      {{"exchange", "withdraw"},
       {},
       WithSigningFlags({"to", "asset", "amount", "reference"}),
       {"from", "to", "asset", "amount", "reference"},
       "--to ADDRESS --asset CODE --amount AMOUNT --reference REF " + SigningSynopsis(),
       "pay a user out of the custody account, linked to REF (custody key)",
       ExchangeWithdrawCommand},
      {{"exchange", "reference"},
       {"CUSTODY", "REFERENCE"},
       {"json"},
       {},
       "[--json]",
       "the deposit or withdrawal that used REFERENCE with a custody account",
       ExchangeReference},
  };
}

}  // namespace corridor::wallet::cli

// The command table of `corridor`, help, and RunCli.
#include "wallet/cli.h"

#include "wallet/cli_commands.h"

namespace corridor::wallet::cli {

namespace {

std::vector<std::string> Plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

int Help(Cli& cli);

std::vector<CommandSpec> CoreCommands() {
  const std::vector<std::string>& kSigning = SigningFlagNames();
  const std::string& kSigningSynopsis = SigningSynopsis();
  return {
      {{"help"},
       {"[COMMAND]"},
       {},
       {},
       "",
       "show the commands, or one command's usage",
       Help,
       true},
      {{"key", "new"}, {"NAME"}, {}, {}, "", "create a key in the encrypted keystore", KeyNew},
      {{"key", "list"}, {}, {}, {}, "", "names and addresses of the keystore's keys", KeyList},
      {{"key", "show"}, {"NAME"}, {}, {}, "", "a key's address and public key", KeyShow},
      {{"pay"},
       {},
       Plus({"to", "asset", "amount"}, kSigning),
       {"from", "to", "asset", "amount"},
       "--to ADDRESS --asset CODE --amount AMOUNT " + kSigningSynopsis,
       "pay AMOUNT of an asset from key NAME to ADDRESS (or a key name)",
       SignAndSubmit},
      {{"tx", "sign"},
       {},
       {"from", "to", "asset", "amount", "decimals", "nonce", "expiry", "chain-id", "memo"},
       {"from", "to", "asset", "amount", "decimals", "nonce", "expiry", "chain-id"},
       "--from NAME --to ADDRESS --asset CODE --amount AMOUNT --decimals D --nonce N "
       "--expiry HEIGHT --chain-id ID [--memo TEXT]",
       "sign a payment offline; prints its id and raw hex",
       TxSign},
      {{"tx", "send"},
       {"RAW"},
       {"wait", "timeout"},
       {},
       "[--wait [--timeout S]]",
       "submit a signed transaction (hex from tx sign, --no-send or tx cosign)",
       TxSend},
      {{"tx", "cosign"},
       {"RAW"},
       {"from"},
       {"from"},
       "--from NAME",
       "add key NAME's signature to a signed transaction (multi-signature accounts); offline",
       TxCosign},
      {{"tx", "status"},
       {"ID"},
       {"wait", "timeout", "json"},
       {},
       "[--wait [--timeout S]] [--json]",
       "a transaction's status, receipt and events",
       TxStatus},
      {{"balance"}, {"ADDRESS"}, {"json"}, {}, "[--json]", "an account's balances", Balance},
      {{"history"},
       {"ADDRESS"},
       {"type", "from-time", "to-time", "min-amount", "max-amount", "asset", "status",
        "counterparty", "limit", "cursor", "as", "json"},
       {},
       "[--type T[,T...]] [--from-time TIME] [--to-time TIME] [--min-amount A] "
       "[--max-amount A] [--asset CODE] [--status committed|failed|held] "
       "[--counterparty ADDRESS] [--limit N] [--cursor C] [--as KEY] [--json]",
       "the transactions that touched an account, newest first",
       History},
      {{"statement"},
       {"ADDRESS"},
       {"asset", "from-time", "to-time", "as", "json"},
       {"asset", "from-time", "to-time"},
       "--asset CODE --from-time TIME --to-time TIME [--as KEY] [--json]",
       "opening balance, entries and closing balance of one asset over a time window",
       Statement},
      {{"audit"},
       {},
       {"type", "from-time", "to-time", "author", "status", "limit", "cursor", "as", "json"},
       {},
       "[--type T[,T...]] [--from-time TIME] [--to-time TIME] [--author ADDRESS] "
       "[--status committed|failed] [--limit N] [--cursor C] [--as KEY] [--json]",
       "the audit trail: role changes, freezes, AML rules, hold decisions, halts, "
       "validator changes; newest first",
       Audit},
      {{"asset", "list"}, {}, {"json"}, {}, "[--json]", "the chain's assets", AssetList},
      {{"account", "register"},
       {},
       Plus({"account", "kyc-level", "jurisdiction", "display-name"}, kSigning),
       {"from", "account", "kyc-level", "jurisdiction"},
       "--account ADDRESS --kyc-level 0-3 --jurisdiction CC [--display-name TEXT] " +
           kSigningSynopsis,
       "register an account (admin or compliance key)",
       SignAndSubmit},
      {{"signers", "set"},
       {},
       Plus({"threshold", "signers"}, kSigning),
       {"from", "threshold"},
       "--threshold T [--signers KEY[:WEIGHT],...] " + kSigningSynopsis,
       "make the --from account (or --for ADDRESS) multi-signature: signer keys (hex) and "
       "weights, and the weight a transaction needs; --threshold 0 alone goes back to the "
       "single default key",
       SignAndSubmit},
      {{"role", "grant"},
       {},
       Plus({"account", "role"}, kSigning),
       {"from", "account", "role"},
       "--account ADDRESS --role ROLE " + kSigningSynopsis,
       "give an account a role (admin key)",
       SignAndSubmit},
      {{"role", "revoke"},
       {},
       Plus({"account", "role"}, kSigning),
       {"from", "account", "role"},
       "--account ADDRESS --role ROLE " + kSigningSynopsis,
       "take a role from an account (admin key)",
       SignAndSubmit},
      {{"asset", "create"},
       {},
       Plus({"asset", "decimals", "issuer"}, kSigning),
       {"from", "asset", "decimals", "issuer"},
       "--asset CODE --decimals D --issuer ADDRESS " + kSigningSynopsis,
       "create an asset (admin key, or an issuer for itself)",
       SignAndSubmit},
      {{"asset", "mint"},
       {},
       Plus({"to", "asset", "amount"}, kSigning),
       {"from", "to", "asset", "amount"},
       "--to ADDRESS --asset CODE --amount AMOUNT " + kSigningSynopsis,
       "issue new units to an account (the asset's issuer key)",
       SignAndSubmit},
      {{"asset", "burn"},
       {},
       Plus({"asset", "amount"}, kSigning),
       {"from", "asset", "amount"},
       "--asset CODE --amount AMOUNT " + kSigningSynopsis,
       "destroy units from the signer's own balance",
       SignAndSubmit},
      {{"freeze", "account"},
       {},
       Plus({"account"}, kSigning),
       {"from", "account"},
       "--account ADDRESS " + kSigningSynopsis,
       "freeze an account (compliance key; the reason goes in --memo)",
       SignAndSubmit},
      {{"unfreeze", "account"},
       {},
       Plus({"account"}, kSigning),
       {"from", "account"},
       "--account ADDRESS " + kSigningSynopsis,
       "unfreeze an account (compliance key)",
       SignAndSubmit},
      {{"freeze", "asset"},
       {},
       Plus({"asset"}, kSigning),
       {"from", "asset"},
       "--asset CODE " + kSigningSynopsis,
       "freeze an asset (compliance key)",
       SignAndSubmit},
      {{"unfreeze", "asset"},
       {},
       Plus({"asset"}, kSigning),
       {"from", "asset"},
       "--asset CODE " + kSigningSynopsis,
       "unfreeze an asset (compliance key)",
       SignAndSubmit},
      {{"gov", "propose"},
       {},
       Plus({"change", "validator", "effective-height", "operator", "new-key"}, kSigning),
       {"from", "change", "validator", "effective-height"},
       "--change add|remove|rekey --validator KEY --effective-height H [--operator ADDRESS] "
       "[--new-key KEY] " +
           kSigningSynopsis,
       "propose a validator set change (a validator's operator key or the admin)",
       SignAndSubmit},
      {{"gov", "approve"},
       {},
       Plus({"proposal"}, kSigning),
       {"from", "proposal"},
       "--proposal ID " + kSigningSynopsis,
       "approve a governance proposal (a validator's operator key or the admin)",
       SignAndSubmit},
      {{"gov", "proposals"},
       {},
       {"status", "json"},
       {},
       "[--status pending|applied|expired] [--json]",
       "governance proposals, oldest first",
       GovProposals},
      {{"gov", "status"},
       {},
       {"json"},
       {},
       "[--json]",
       "network phase, validator set and its schedule, protocol versions",
       GovStatus},
      {{"gov", "halt"},
       {},
       kSigning,
       {"from"},
       kSigningSynopsis,
       "halt ordinary transactions (admin key; the reason goes in --memo)",
       SignAndSubmit},
      {{"gov", "resume"},
       {},
       kSigning,
       {"from"},
       kSigningSynopsis,
       "end a halt; the recovery window follows (admin key)",
       SignAndSubmit},
      {{"gov", "upgrade"},
       {},
       Plus({"version", "height"}, kSigning),
       {"from", "version", "height"},
       "--version V --height H " + kSigningSynopsis,
       "propose requiring protocol version V from height H",
       SignAndSubmit},
      {{"gov", "recovery-window"},
       {},
       Plus({"blocks"}, kSigning),
       {"from", "blocks"},
       "--blocks N " + kSigningSynopsis,
       "set the recovery window that follows a resume (admin key)",
       SignAndSubmit},
  };
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> kTable = [] {
    std::vector<CommandSpec> t = CoreCommands();
    for (auto group :
         {FxCommands, SettleCommands, ExchangeCommands, EscrowCommands, ComplianceCommands}) {
      for (auto& spec : group()) t.push_back(std::move(spec));
    }
    return t;
  }();
  return kTable;
}

void PrintOverview(std::ostream& out) {
  out << "usage: corridor COMMAND [flags]\n\ncommands:\n";
  for (const auto& spec : Commands()) {
    std::string name;
    for (const auto& w : spec.words) name += (name.empty() ? "" : " ") + w;
    for (const auto& p : spec.positionals) name += " " + p;
    // A name too long for the column gets its summary on the next line.
    if (name.size() > 22) name += "\n" + std::string(26, ' ');
    out << "  " << name << std::string(name.size() < 24 ? 24 - name.size() : 0, ' ') << spec.summary
        << "\n";
  }
  out << "\nglobal flags:\n"
         "  --rpc URL               the node (default $CORRIDOR_RPC, else "
      << kDefaultRpcUrl
      << ")\n"
         "  --keystore DIR          keys (default $CORRIDOR_KEYSTORE, else ~/.corridor/keys)\n"
         "  --passphrase-file FILE  else $CORRIDOR_PASSPHRASE, else a prompt\n"
         "\nADDRESS may be a key name from the keystore. TIME is milliseconds since 1970 or a\n"
         "UTC date (2025-01-31, 2025-01-31T12:00:05Z). Exit codes: 0 ok, 1 failed or refused,\n"
         "2 bad usage. 'corridor help COMMAND' shows one command; docs/wallet.md has them "
         "all.\n";
}

void PrintCommandHelp(std::ostream& out, const CommandSpec& spec) {
  out << "usage: " << UsageLine(spec) << "\n  " << spec.summary << "\n";
}

int Help(Cli& cli) {
  const auto& topic = cli.positionals();
  if (topic.empty()) {
    PrintOverview(cli.out());
    return kExitOk;
  }
  std::vector<std::string> words = topic;
  words.push_back("--help");  // required flags and positionals are not needed for help
  auto parsed = ParseCommandLine(words, Commands());
  if (!parsed || parsed->spec == nullptr || parsed->spec->run == Help) {
    PrintOverview(cli.out());
    return kExitOk;
  }
  PrintCommandHelp(cli.out(), *parsed->spec);
  return kExitOk;
}

}  // namespace

const std::vector<std::string>& SigningFlagNames() {
  static const std::vector<std::string> kSigning = {
      "from", "memo", "nonce", "expires-in", "wait", "timeout", "no-precheck", "for", "no-send"};
  return kSigning;
}

const std::string& SigningSynopsis() {
  static const std::string kSynopsis =
      "--from NAME [--memo TEXT] [--wait [--timeout S]] [--nonce N] [--expires-in BLOCKS] "
      "[--no-precheck] [--for ADDRESS] [--no-send]";
  return kSynopsis;
}

std::vector<std::string> WithSigningFlags(std::vector<std::string> own) {
  return Plus(std::move(own), SigningFlagNames());
}

int RunCli(const std::vector<std::string>& args, const Environment& env) {
  auto parsed = ParseCommandLine(args, Commands());
  if (!parsed) {
    *env.err << "corridor: " << parsed.error().message << "\n";
    return parsed.error().exit_code;
  }
  if (parsed->spec == nullptr) {
    // No command at all: the overview, as a usage error unless asked for.
    PrintOverview(parsed->help ? *env.out : *env.err);
    return parsed->help ? kExitOk : kExitUsage;
  }
  if (parsed->help) {
    PrintCommandHelp(*env.out, *parsed->spec);
    return kExitOk;
  }
  Cli cli(env, *parsed);
  return parsed->spec->run(cli);
}

}  // namespace corridor::wallet::cli

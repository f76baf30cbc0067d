// The compliance commands (docs/wallet.md "Compliance"): compliance
// rule-set | rule-remove | approve | reject | hold-expiry (signed operations
// 40-44) and
// compliance held | rules | records (compliance_listHeld, compliance_getRules,
// compliance_getActivityRecords). The read commands are admin from the node's
// loopback; elsewhere --as KEY signs the request with a compliance key
// (docs/rpc.md §8.21).
#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

CliResult<uint64_t> IdArg(const Cli& cli, std::string_view what) {
  auto id = ParseUintFlag(what, cli.positionals()[0]);
  if (!id) return std::move(id).error();
  if (*id == 0) return UsageError(std::string(what) + " must be at least 1");
  return *id;
}

CliResult<std::string> ReasonFlag(const Cli& cli) {
  std::string reason = cli.Flag("reason");
  if (reason.empty() || reason.size() > kMaxHoldReasonBytes || !IsPrintableUtf8(reason)) {
    return UsageError("--reason must be printable text of 1 to " +
                      std::to_string(kMaxHoldReasonBytes) + " bytes");
  }
  return reason;
}

// Signs and submits `op` as --from (a compliance key).
int Submit(Cli& cli, const Operation& op) {
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (!HasRole(signer->account, "compliance")) {
      return cli.Fail(Failure("unauthorized_role: key '" + signer->name +
                              "' does not hold the compliance role" + NotSubmitted()));
    }
  }
  return SignSubmitFollow(cli, *flags, *signer, op);
}

std::string Field(const rapidjson::Value& v, const char* key) {
  if (auto s = JsonString(v, key)) return *s;
  if (auto n = JsonUint(v, key)) return std::to_string(*n);
  return "-";
}

}  // namespace

int ComplianceRuleSet(Cli& cli) {
  AmlRuleSet op;
  const std::string kind = cli.Flag("kind", "threshold");
  if (!ParseAmlRuleKind(kind, op.kind)) {
    return cli.Fail(UsageError("--kind must be threshold or velocity, not '" + kind + "'"));
  }
  op.asset = cli.Flag("asset");
  if (auto e = CheckAssetCode("asset", op.asset)) return cli.Fail(*e);
  for (auto [flag, out] : {std::pair{"from-jurisdiction", &op.from_jurisdiction},
                           std::pair{"to-jurisdiction", &op.to_jurisdiction}}) {
    *out = cli.Flag(flag);
    if (!out->empty() && !IsValidJurisdiction(*out)) {
      return cli.Fail(UsageError("--" + std::string(flag) + ": '" + *out +
                                 "' is not a two-letter country code such as SG or US"));
    }
  }
  if (cli.Has("rule")) {
    auto id = ParseUintFlag("rule", cli.Flag("rule"));
    if (!id) return cli.Fail(id.error());
    op.rule_id = *id;
  }
  for (auto [flag, out] :
       {std::pair{"window", &op.window_blocks}, std::pair{"max-count", &op.max_count}}) {
    if (!cli.Has(flag)) continue;
    auto v = ParseUintFlag(flag, cli.Flag(flag));
    if (!v) return cli.Fail(v.error());
    *out = *v;
  }
  if (op.kind == AmlRuleKind::kThreshold && (op.window_blocks != 0 || op.max_count != 0)) {
    return cli.Fail(UsageError("--window and --max-count are for --kind velocity"));
  }
  if (op.kind == AmlRuleKind::kVelocity &&
      (op.window_blocks == 0 || op.window_blocks > kMaxVelocityWindowBlocks)) {
    return cli.Fail(UsageError("--kind velocity needs --window BLOCKS (1 to " +
                               std::to_string(kMaxVelocityWindowBlocks) + ")"));
  }
  if (cli.Has("max-amount")) {
    if (auto e = CheckAmountSyntax("max-amount", cli.Flag("max-amount"))) return cli.Fail(*e);
    auto a = cli.FindAsset("asset", op.asset);
    if (!a) return cli.Fail(a.error());
    auto amount = ParseAmountFlag("max-amount", cli.Flag("max-amount"), a->decimals, true);
    if (!amount) return cli.Fail(amount.error());
    op.max_amount = *amount;
  } else if (op.kind == AmlRuleKind::kThreshold) {
    return cli.Fail(UsageError("--kind threshold needs --max-amount AMOUNT"));
  }
  if (op.kind == AmlRuleKind::kVelocity && op.max_amount == 0 && op.max_count == 0) {
    return cli.Fail(UsageError("--kind velocity needs --max-amount or --max-count"));
  }
  return Submit(cli, op);
}

int ComplianceRuleRemove(Cli& cli) {
  auto id = IdArg(cli, "RULE");
  if (!id) return cli.Fail(id.error());
  return Submit(cli, AmlRuleRemove{*id});
}

int ComplianceDecide(Cli& cli, bool approve) {
  auto id = IdArg(cli, "HOLD");
  if (!id) return cli.Fail(id.error());
  auto reason = ReasonFlag(cli);
  if (!reason) return cli.Fail(reason.error());
  if (approve) return Submit(cli, HoldApprove{*id, *reason});
  return Submit(cli, HoldReject{*id, *reason});
}

int ComplianceApprove(Cli& cli) {
  return ComplianceDecide(cli, true);
}
int ComplianceReject(Cli& cli) {
  return ComplianceDecide(cli, false);
}

int ComplianceHoldExpiry(Cli& cli) {
  auto blocks = ParseUintFlag("blocks", cli.Flag("blocks"));
  if (!blocks) return cli.Fail(blocks.error());
  if (*blocks == 0 || *blocks > kMaxHoldExpiryBlocks) {
    return cli.Fail(UsageError("--blocks must be 1 to " + std::to_string(kMaxHoldExpiryBlocks) +
                               " (heights a new hold stays open before it is refunded), not " +
                               std::to_string(*blocks)));
  }
  return Submit(cli, AmlSetHoldExpiry{*blocks});
}

int ComplianceHeld(Cli& cli) {
  rpc::Json p = rpc::Json::Object();
  for (const char* flag : {"limit"}) {
    if (!cli.Has(flag)) continue;
    auto v = ParseUintFlag(flag, cli.Flag(flag));
    if (!v) return cli.Fail(v.error());
    p.Set(flag, *v);
  }
  if (cli.Has("cursor")) p.Set("cursor", cli.Flag("cursor"));
  if (auto e = AddReadAuth(cli, "compliance_listHeld", Address{}, p)) return cli.Fail(*e);
  auto read = cli.CallRead("compliance_listHeld", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* holds = JsonArray(r->value(), "holds");
  if (holds == nullptr) return cli.Fail(UnexpectedAnswer("compliance_listHeld", "no holds"));
  Table t;
  t.Row({"HOLD", "SENDER", "RECEIVER", "TYPE", "LOCKED", "RULE", "DEADLINE", "TX"});
  for (const auto& h : holds->GetArray()) {
    t.Row({Field(h, "holdId"), Field(h, "sender"), Field(h, "receiver"), Field(h, "type"),
           Field(h, "lockedAmount") + " " + Field(h, "lockedAsset"), Field(h, "ruleId"),
           Field(h, "deadlineHeight"), Field(h, "txId")});
  }
  if (holds->Empty()) {
    cli.out() << "no open holds\n";
  } else {
    t.Print(cli.out());
  }
  if (auto next = JsonString(r->value(), "nextCursor"))
    cli.out() << "more: --cursor " << *next << "\n";
  return kExitOk;
}

int ComplianceRules(Cli& cli) {
  rpc::Json p = rpc::Json::Object();
  if (cli.Has("asset")) {
    if (auto e = CheckAssetCode("asset", cli.Flag("asset"))) return cli.Fail(*e);
    p.Set("asset", cli.Flag("asset"));
  }
  if (auto e = AddReadAuth(cli, "compliance_getRules", Address{}, p)) return cli.Fail(*e);
  auto read = cli.CallRead("compliance_getRules", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* rules = JsonArray(r->value(), "rules");
  if (rules == nullptr) return cli.Fail(UnexpectedAnswer("compliance_getRules", "no rules"));
  PrintField(cli.out(), "hold expiry", Field(r->value(), "holdExpiryBlocks") + " blocks");
  Table t;
  t.Row({"RULE", "KIND", "ASSET", "FROM", "TO", "MAX AMOUNT", "MAX COUNT", "WINDOW"});
  for (const auto& rule : rules->GetArray()) {
    auto any = [&](const char* key) {
      std::string s = Field(rule, key);
      return s.empty() ? std::string("any") : s;
    };
    t.Row({Field(rule, "ruleId"), Field(rule, "kind"), Field(rule, "asset"),
           any("fromJurisdiction"), any("toJurisdiction"), Field(rule, "maxAmount"),
           Field(rule, "maxCount"), Field(rule, "windowBlocks")});
  }
  if (rules->Empty()) {
    cli.out() << "no rules\n";
  } else {
    t.Print(cli.out());
  }
  return kExitOk;
}

int ComplianceRecords(Cli& cli) {
  rpc::Json p = rpc::Json::Object();
  for (auto [flag, param] : {std::pair{"from-id", "fromId"}, std::pair{"limit", "limit"}}) {
    if (!cli.Has(flag)) continue;
    auto v = ParseUintFlag(flag, cli.Flag(flag));
    if (!v) return cli.Fail(v.error());
    p.Set(param, *v);
  }
  if (auto e = AddReadAuth(cli, "compliance_getActivityRecords", Address{}, p)) return cli.Fail(*e);
  auto read = cli.CallRead("compliance_getActivityRecords", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* records = JsonArray(r->value(), "records");
  if (records == nullptr) {
    return cli.Fail(UnexpectedAnswer("compliance_getActivityRecords", "no records"));
  }
  Table t;
  t.Row({"RECORD", "KIND", "HOLD", "SUBJECT", "AMOUNT", "RULE", "HEIGHT", "REASON"});
  for (const auto& a : records->GetArray()) {
    t.Row({Field(a, "recordId"), Field(a, "kind"), Field(a, "holdId"), Field(a, "subject"),
           Field(a, "amount") + " " + Field(a, "asset"), Field(a, "ruleId"), Field(a, "height"),
           Field(a, "reason")});
  }
  if (records->Empty()) {
    cli.out() << "no records\n";
  } else {
    t.Print(cli.out());
  }
  if (auto next = JsonUint(r->value(), "nextFromId"))
    cli.out() << "more: --from-id " << *next << "\n";
  return kExitOk;
}

std::vector<CommandSpec> ComplianceCommands() {
  const std::vector<std::string> read_flags = {"as", "json"};
  auto with = [&](std::vector<std::string> own) {
    own.insert(own.end(), read_flags.begin(), read_flags.end());
    return own;
  };
  return {
      {{"compliance", "rule-set"},
       {},
       WithSigningFlags({"kind", "asset", "max-amount", "max-count", "window", "from-jurisdiction",
                         "to-jurisdiction", "rule"}),
       {"from", "asset"},
       "--asset CODE [--kind threshold|velocity] [--max-amount AMOUNT] [--max-count N] "
       "[--window BLOCKS] [--from-jurisdiction CC] [--to-jurisdiction CC] [--rule ID] " +
           SigningSynopsis(),
       "set an AML rule (a new one, or replace --rule ID); compliance key",
       ComplianceRuleSet},
      {{"compliance", "rule-remove"},
       {"RULE"},
       WithSigningFlags({}),
       {"from"},
       SigningSynopsis(),
       "remove an AML rule; its holds stay in the queue",
       ComplianceRuleRemove},
      {{"compliance", "approve"},
       {"HOLD"},
       WithSigningFlags({"reason"}),
       {"from", "reason"},
       "--reason TEXT " + SigningSynopsis(),
       "apply a held payment now",
       ComplianceApprove},
      {{"compliance", "reject"},
       {"HOLD"},
       WithSigningFlags({"reason"}),
       {"from", "reason"},
       "--reason TEXT " + SigningSynopsis(),
       "refuse a held payment; its funds return to the sender",
       ComplianceReject},
      {{"compliance", "hold-expiry"},
       {},
       WithSigningFlags({"blocks"}),
       {"from", "blocks"},
       "--blocks N " + SigningSynopsis(),
       "set how many blocks a new hold stays open before its funds are refunded",
       ComplianceHoldExpiry},
      {{"compliance", "held"},
       {},
       with({"limit", "cursor"}),
       {},
       "[--limit N] [--cursor C] [--as KEY] [--json]",
       "the open holds of the review queue, oldest deadline first",
       ComplianceHeld},
      {{"compliance", "rules"},
       {},
       with({"asset"}),
       {},
       "[--asset CODE] [--as KEY] [--json]",
       "the AML rules in force and the hold expiry",
       ComplianceRules},
      {{"compliance", "records"},
       {},
       with({"from-id", "limit"}),
       {},
       "[--from-id N] [--limit N] [--as KEY] [--json]",
       "suspicious-activity records: holds, rejections, expiries",
       ComplianceRecords},
  };
}

}  // namespace corridor::wallet::cli

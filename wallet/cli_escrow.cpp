// The escrow and dispute commands: escrow create | release | cancel | get
// (escrow_create / escrow_release / escrow_cancel, escrow_get) and dispute
// open | resolve | get | list (dispute_open / dispute_resolve, dispute_get,
// dispute_list). docs/wallet.md "Escrows and disputes"; the rules the
// prechecks mirror are docs/state.md §3.8 and §3.9.
#include <algorithm>

#include "chain/amount.h"
#include "chain/hash.h"
#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

CliResult<uint64_t> ParseId(const std::string& what, const std::string& text) {
  auto id = ParseUintFlag(what, text);
  if (!id) return id.error();
  if (*id == 0) return UsageError(what + " must be 1 or more");
  return *id;
}

// The record `method` returns for `id` ("escrow_get", "dispute_get").
CliResult<rpc::Json> GetRecord(Cli& cli, const char* method, uint64_t id) {
  rpc::Json p = rpc::Json::Object();
  p.Set("id", id);
  return cli.Call(method, p);
}

std::string Str(const rapidjson::Value& v, const char* key) {
  return JsonString(v, key).value_or("");
}

// --preimage TEXT (its UTF-8 bytes) or --preimage-hex HEX; empty when neither.
CliResult<Bytes> ReadPreimage(Cli& cli) {
  if (cli.Has("preimage") && cli.Has("preimage-hex")) {
    return UsageError("give --preimage or --preimage-hex, not both");
  }
  Bytes out;
  if (cli.Has("preimage")) {
    const std::string t = cli.Flag("preimage");
    out.assign(t.begin(), t.end());
  } else if (cli.Has("preimage-hex")) {
    auto b = FromHex(cli.Flag("preimage-hex"));
    if (!b) return UsageError("--preimage-hex must be hex digits, an even number of them");
    out = std::move(*b);
  } else {
    return out;
  }
  if (out.empty() || out.size() > kMaxPreimageBytes) {
    return UsageError("the preimage must be 1-" + std::to_string(kMaxPreimageBytes) + " bytes");
  }
  return out;
}

bool Names(const rapidjson::Value& v, const char* key, const Address& a) {
  return JsonString(v, key) == a.ToString();
}

// ---------------------------------------------------------------- escrow

int EscrowCreateCommand(Cli& cli) {
  // 1. The command line alone.
  auto to = cli.ResolveAddress("to", cli.Flag("to"));
  if (!to) return cli.Fail(to.error());
  const std::string asset = cli.Flag("asset");
  if (auto e = CheckAssetCode("asset", asset)) return cli.Fail(*e);
  if (auto e = CheckAmountSyntax("amount", cli.Flag("amount"))) return cli.Fail(*e);
  if (cli.Has("deadline") == cli.Has("deadline-in")) {
    return cli.Fail(UsageError("give exactly one of --deadline HEIGHT or --deadline-in BLOCKS"));
  }
  const bool relative = cli.Has("deadline-in");
  auto deadline_value = ParseUintFlag(relative ? "deadline-in" : "deadline",
                                      cli.Flag(relative ? "deadline-in" : "deadline"));
  if (!deadline_value) return cli.Fail(deadline_value.error());
  if (*deadline_value == 0) {
    return cli.Fail(UsageError(relative ? "--deadline-in must be 1 or more blocks"
                                        : "--deadline must be a height of 1 or more"));
  }
  Address arbiter;
  if (cli.Has("arbiter")) {
    auto a = cli.ResolveAddress("arbiter", cli.Flag("arbiter"));
    if (!a) return cli.Fail(a.error());
    arbiter = *a;
  }
  if (cli.Has("hash-lock") && cli.Has("secret")) {
    return cli.Fail(UsageError("give --hash-lock or --secret, not both"));
  }
  Hash lock;
  if (cli.Has("hash-lock")) {
    auto h = Hash::FromHex(cli.Flag("hash-lock"));
    if (!h || h->IsZero()) {
      return cli.Fail(
          UsageError("--hash-lock must be a SHA-256 hash: 64 hex digits, not all zero"));
    }
    lock = *h;
  } else if (cli.Has("secret")) {
    const std::string s = cli.Flag("secret");
    if (s.empty() || s.size() > kMaxPreimageBytes) {
      return cli.Fail(
          UsageError("--secret must be 1-" + std::to_string(kMaxPreimageBytes) + " bytes"));
    }
    lock = Sha256(AsBytes(s));
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());

  // 2. The node.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  if (*to == signer->address) {
    return cli.Fail(UsageError("self_payment: --to is the signer's own address"));
  }
  if (arbiter == signer->address || (!arbiter.IsZero() && arbiter == *to)) {
    return cli.Fail(UsageError("--arbiter must be neither the sender nor the receiver"));
  }
  auto a = cli.FindAsset("asset", asset);
  if (!a) return cli.Fail(a.error());
  auto amount = ParseAmountFlag("amount", cli.Flag("amount"), a->decimals);
  if (!amount) return cli.Fail(amount.error());
  const uint64_t deadline = relative ? signer->chain.height + *deadline_value : *deadline_value;

  // 3. Prechecks, in the state machine's order (docs/state.md §3.8).
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    auto receiver = CheckReceiver(cli, *to);
    if (!receiver) return cli.Fail(receiver.error());
    if (!arbiter.IsZero()) {
      auto acc = cli.GetAccount(arbiter);
      if (!acc) return cli.Fail(acc.error());
      if (!*acc || !HasRole(**acc, "arbiter")) {
        return cli.Fail(Failure("not_arbiter: " + arbiter.ToString() +
                                " does not hold the arbiter role" + NotSubmitted()));
      }
    }
    // The transaction lands at height + 1 at the earliest.
    if (deadline <= signer->chain.height + 1) {
      return cli.Fail(Failure("escrow_expired: deadline " + std::to_string(deadline) +
                              " is not above the next block's height " +
                              std::to_string(signer->chain.height + 1) + NotSubmitted()));
    }
    if (auto e = CheckAvailable(signer->account, "'" + signer->name + "'", asset, *amount,
                                a->decimals)) {
      return cli.Fail(*e);
    }
  }
  EscrowCreate op{*to, asset, *amount, arbiter, lock, deadline};
  FollowOptions follow;
  follow.describe = [](Cli& c, const rapidjson::Value& answer) {
    const auto* receipt = JsonObject(answer, "receipt");
    const auto* events = receipt ? JsonArray(*receipt, "events") : nullptr;
    if (!events) return;
    for (const auto& e : events->GetArray()) {
      if (JsonString(e, "type") == "escrow_created") {
        PrintLine(c, "escrow", std::to_string(JsonUint(e, "escrowId").value_or(0)));
      }
    }
  };
  return SignSubmitFollow(cli, *flags, *signer, op, follow);
}

// release (with or without preimage) and cancel share the look-up.
int EscrowClose(Cli& cli, bool release) {
  auto id = ParseId("ID", cli.positionals()[0]);
  if (!id) return cli.Fail(id.error());
  Bytes preimage;
  if (release) {
    auto p = ReadPreimage(cli);
    if (!p) return cli.Fail(p.error());
    preimage = std::move(*p);
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());

  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    auto rec = GetRecord(cli, "escrow_get", *id);
    if (!rec) return cli.Fail(rec.error());
    const auto& e = rec->value();
    if (Str(e, "status") != "open") {
      return cli.Fail(Failure("already_closed: escrow " + std::to_string(*id) + " was " +
                              Str(e, "status") + " at height " +
                              std::to_string(JsonUint(e, "closedHeight").value_or(0)) +
                              NotSubmitted()));
    }
    if (release && !JsonBool(e, "releasable").value_or(false)) {
      return cli.Fail(Failure("escrow_expired: escrow " + std::to_string(*id) +
                              " reaches its deadline height " +
                              std::to_string(JsonUint(e, "deadlineHeight").value_or(0)) +
                              " with the next block and is refunded then" + NotSubmitted()));
    }
    const bool is_sender = Names(e, "sender", signer->address);
    const bool is_arbiter = Names(e, "arbiter", signer->address);
    const bool is_receiver = Names(e, "receiver", signer->address);
    if (release && !preimage.empty()) {
      if (Str(e, "hashLock") != Sha256(preimage).ToHex()) {
        return cli.Fail(Failure(
            "wrong_preimage: the preimage does not hash to escrow " + std::to_string(*id) +
            "'s hash lock" + (e.HasMember("hashLock") ? "" : " (it has none)") + NotSubmitted()));
      }
    } else if (is_arbiter) {
      if (!HasRole(signer->account, "arbiter")) {
        return cli.Fail(Failure("not_arbiter: key '" + signer->name +
                                "' no longer holds the arbiter role" + NotSubmitted()));
      }
    } else if (!is_sender && !(is_receiver && !release)) {
      return cli.Fail(Failure(std::string("not_party: key '") + signer->name + "' may not " +
                              (release ? "release escrow " + std::to_string(*id) +
                                             " (only its sender or arbiter; anyone with --preimage)"
                                       : "cancel escrow " + std::to_string(*id) +
                                             " (only its sender, receiver or arbiter)") +
                              NotSubmitted()));
    }
  }
  Operation op = release ? Operation(EscrowRelease{*id, preimage}) : Operation(EscrowCancel{*id});
  return SignSubmitFollow(cli, *flags, *signer, op);
}

int EscrowReleaseCommand(Cli& cli) {
  return EscrowClose(cli, true);
}
int EscrowCancelCommand(Cli& cli) {
  return EscrowClose(cli, false);
}

void PrintIf(Cli& cli, const rapidjson::Value& v, const char* key, std::string_view label) {
  if (auto s = JsonString(v, key)) PrintField(cli.out(), label, *s);
  if (auto n = JsonUint(v, key)) PrintField(cli.out(), label, std::to_string(*n));
}

int EscrowGetCommand(Cli& cli) {
  auto id = ParseId("ID", cli.positionals()[0]);
  if (!id) return cli.Fail(id.error());
  auto r = GetRecord(cli, "escrow_get", *id);
  if (!r) return cli.Fail(r.error());
  if (cli.Has("json")) {
    cli.out() << r->Serialize() << "\n";
    return kExitOk;
  }
  const auto& v = r->value();
  PrintIf(cli, v, "id", "escrow");
  PrintIf(cli, v, "status", "status");
  PrintIf(cli, v, "sender", "sender");
  PrintIf(cli, v, "receiver", "receiver");
  PrintField(cli.out(), "amount", Str(v, "amount") + " " + Str(v, "asset"));
  PrintIf(cli, v, "arbiter", "arbiter");
  PrintIf(cli, v, "hashLock", "hash lock");
  PrintIf(cli, v, "deadlineHeight", "deadline");
  PrintIf(cli, v, "createdHeight", "created");
  if (auto r2 = JsonBool(v, "releasable")) PrintField(cli.out(), "releasable", *r2 ? "yes" : "no");
  PrintIf(cli, v, "closedHeight", "closed");
  PrintIf(cli, v, "closedBy", "closed by");
  PrintIf(cli, v, "preimage", "preimage");
  return kExitOk;
}

// ---------------------------------------------------------------- disputes

int DisputeOpenCommand(Cli& cli) {
  auto payment = Hash::FromHex(cli.positionals()[0]);
  if (!payment) return cli.Fail(UsageError("PAYMENT_TX must be a transaction id: 64 hex digits"));
  const std::string reason = cli.Flag("reason");
  if (reason.empty() || reason.size() > kMaxDisputeReasonBytes || !IsPrintableUtf8(reason)) {
    return cli.Fail(UsageError("--reason must be 1-" + std::to_string(kMaxDisputeReasonBytes) +
                               " bytes of printable text"));
  }
  if (cli.Has("amount")) {
    if (auto e = CheckAmountSyntax("amount", cli.Flag("amount"))) return cli.Fail(*e);
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());

  // The payment: its asset gives the amount's decimals, and with the
  // prechecks it must be a committed payment the signer took part in.
  rpc::Json p = rpc::Json::Object();
  p.Set("id", payment->ToHex());
  auto tx = cli.Call("chain_getTransaction", p);
  if (!tx) return cli.Fail(tx.error());
  const auto& answer = tx->value();
  const auto* body = JsonObject(answer, "transaction");
  const auto* opj = body ? JsonObject(*body, "operation") : nullptr;
  if (Str(answer, "status") != "committed" || !opj || Str(*body, "type") != "payment") {
    return cli.Fail(Failure("payment_not_found: " + payment->ToHex() +
                            " is not a committed payment (status " + Str(answer, "status") + ")" +
                            (flags->precheck ? NotSubmitted() : "")));
  }
  const std::string asset = Str(*opj, "asset");
  auto a = cli.FindAsset("asset", asset);
  if (!a) return cli.Fail(a.error());
  auto paid = ParseAmountFlag("amount", Str(*opj, "amount"), a->decimals);
  if (!paid) return cli.Fail(UnexpectedAnswer("chain_getTransaction", "payment amount"));
  uint64_t amount = *paid;
  if (cli.Has("amount")) {
    auto given = ParseAmountFlag("amount", cli.Flag("amount"), a->decimals);
    if (!given) return cli.Fail(given.error());
    amount = *given;
  }
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (!Names(*body, "sender", signer->address) && !Names(*opj, "to", signer->address)) {
      return cli.Fail(Failure("not_party: key '" + signer->name +
                              "' is neither the payer nor the payee" + NotSubmitted()));
    }
    if (amount > *paid) {
      return cli.Fail(Failure("exceeds_disputed_amount: the payment was " +
                              FormatAmount(*paid, a->decimals) + " " + asset + NotSubmitted()));
    }
  }
  DisputeOpen op{*payment, amount, cli.Has("hold"), reason};
  FollowOptions follow;
  follow.describe = [](Cli& c, const rapidjson::Value& ans) {
    const auto* receipt = JsonObject(ans, "receipt");
    const auto* events = receipt ? JsonArray(*receipt, "events") : nullptr;
    if (!events) return;
    for (const auto& e : events->GetArray()) {
      if (JsonString(e, "type") == "dispute_opened") {
        PrintLine(c, "dispute", std::to_string(JsonUint(e, "disputeId").value_or(0)));
      }
    }
  };
  return SignSubmitFollow(cli, *flags, *signer, op, follow);
}

int DisputeResolveCommand(Cli& cli) {
  auto id = ParseId("ID", cli.positionals()[0]);
  if (!id) return cli.Fail(id.error());
  if (cli.Has("refund") == cli.Has("dismiss")) {
    return cli.Fail(UsageError("give exactly one of --refund AMOUNT or --dismiss"));
  }
  if (cli.Has("refund")) {
    if (auto e = CheckAmountSyntax("refund", cli.Flag("refund"))) return cli.Fail(*e);
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  auto rec = GetRecord(cli, "dispute_get", *id);
  if (!rec) return cli.Fail(rec.error());
  const auto& d = rec->value();
  const std::string asset = Str(d, "asset");
  auto a = cli.FindAsset("asset", asset);
  if (!a) return cli.Fail(a.error());
  uint64_t refund = 0;
  if (cli.Has("refund")) {
    auto r = ParseAmountFlag("refund", cli.Flag("refund"), a->decimals);
    if (!r) return cli.Fail(r.error());
    refund = *r;
  }
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (Str(d, "status") != "open") {
      return cli.Fail(Failure("already_closed: dispute " + std::to_string(*id) + " was " +
                              Str(d, "status") + " at height " +
                              std::to_string(JsonUint(d, "resolvedHeight").value_or(0)) +
                              NotSubmitted()));
    }
    if (!HasRole(signer->account, "arbiter") || Names(d, "payer", signer->address) ||
        Names(d, "payee", signer->address)) {
      return cli.Fail(Failure("not_arbiter: key '" + signer->name +
                              "' needs the arbiter role and must not be a party" + NotSubmitted()));
    }
    auto disputed = ParseAmountFlag("amount", Str(d, "amount"), a->decimals, true);
    if (disputed && refund > *disputed) {
      return cli.Fail(Failure("exceeds_disputed_amount: the dispute is over " + Str(d, "amount") +
                              " " + asset + NotSubmitted()));
    }
  }
  return SignSubmitFollow(cli, *flags, *signer, DisputeResolve{*id, refund});
}

void PrintDispute(Cli& cli, const rapidjson::Value& v) {
  PrintIf(cli, v, "id", "dispute");
  PrintIf(cli, v, "status", "status");
  PrintIf(cli, v, "paymentTx", "payment");
  PrintIf(cli, v, "payer", "payer");
  PrintIf(cli, v, "payee", "payee");
  PrintIf(cli, v, "opener", "opened by");
  PrintField(cli.out(), "amount", Str(v, "amount") + " " + Str(v, "asset"));
  PrintField(cli.out(), "held", Str(v, "held") + " " + Str(v, "asset"));
  PrintIf(cli, v, "reason", "reason");
  PrintIf(cli, v, "openedHeight", "opened");
  PrintIf(cli, v, "arbiter", "arbiter");
  if (v.HasMember("refunded"))
    PrintField(cli.out(), "refunded", Str(v, "refunded") + " " + Str(v, "asset"));
  PrintIf(cli, v, "resolvedHeight", "resolved");
}

int DisputeGetCommand(Cli& cli) {
  auto id = ParseId("ID", cli.positionals()[0]);
  if (!id) return cli.Fail(id.error());
  auto r = GetRecord(cli, "dispute_get", *id);
  if (!r) return cli.Fail(r.error());
  if (cli.Has("json")) {
    cli.out() << r->Serialize() << "\n";
    return kExitOk;
  }
  PrintDispute(cli, r->value());
  return kExitOk;
}

int DisputeListCommand(Cli& cli) {
  rpc::Json p = rpc::Json::Object();
  if (cli.Has("status")) p.Set("status", cli.Flag("status"));
  if (cli.Has("cursor")) p.Set("cursor", cli.Flag("cursor"));
  if (cli.Has("limit")) {
    auto limit = ParseUintFlag("limit", cli.Flag("limit"));
    if (!limit) return cli.Fail(limit.error());
    p.Set("limit", *limit);
  }
  auto read = cli.CallRead("dispute_list", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* list = JsonArray(r->value(), "disputes");
  if (!list) return cli.Fail(UnexpectedAnswer("dispute_list", "no disputes"));
  Table t;
  t.Row({"ID", "STATUS", "AMOUNT", "HELD", "PAYER", "PAYEE", "REASON"});
  for (const auto& d : list->GetArray()) {
    t.Row({std::to_string(JsonUint(d, "id").value_or(0)), Str(d, "status"),
           Str(d, "amount") + " " + Str(d, "asset"), Str(d, "held"), Str(d, "payer"),
           Str(d, "payee"), Str(d, "reason")});
  }
  t.Print(cli.out());
  if (auto next = JsonString(r->value(), "nextCursor")) {
    cli.out() << "more: --cursor " << *next << "\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> EscrowCommands() {
  return {
      {{"escrow", "create"},
       {},
       WithSigningFlags(
           {"to", "asset", "amount", "deadline", "deadline-in", "arbiter", "hash-lock", "secret"}),
       {"from", "to", "asset", "amount"},
       "--to ADDRESS --asset CODE --amount AMOUNT (--deadline HEIGHT | --deadline-in BLOCKS) "
       "[--arbiter ADDRESS] [--hash-lock HEX | --secret TEXT] " +
           SigningSynopsis(),
       "lock funds for a receiver until released, cancelled or refunded at the deadline",
       EscrowCreateCommand},
      {{"escrow", "release"},
       {"ID"},
       WithSigningFlags({"preimage", "preimage-hex"}),
       {"from"},
       "[--preimage TEXT | --preimage-hex HEX] " + SigningSynopsis(),
       "pay an escrow out to its receiver (sender, arbiter, or anyone with the preimage)",
       EscrowReleaseCommand},
      {{"escrow", "cancel"},
       {"ID"},
       WithSigningFlags({}),
       {"from"},
       SigningSynopsis(),
       "refund an escrow to its sender (sender, receiver or arbiter)",
       EscrowCancelCommand},
      {{"escrow", "get"},
       {"ID"},
       {"json"},
       {},
       "[--json]",
       "an escrow and its status",
       EscrowGetCommand},
      {{"dispute", "open"},
       {"PAYMENT_TX"},
       WithSigningFlags({"reason", "amount", "hold"}),
       {"from", "reason"},
       "--reason TEXT [--amount AMOUNT] [--hold] " + SigningSynopsis(),
       "dispute a committed payment you sent or received (default: its whole amount)",
       DisputeOpenCommand},
      {{"dispute", "resolve"},
       {"ID"},
       WithSigningFlags({"refund", "dismiss"}),
       {"from"},
       "(--refund AMOUNT | --dismiss) " + SigningSynopsis(),
       "order a refund from payee to payer, or dismiss (arbiter key)",
       DisputeResolveCommand},
      {{"dispute", "get"},
       {"ID"},
       {"json"},
       {},
       "[--json]",
       "a dispute and its resolution",
       DisputeGetCommand},
      {{"dispute", "list"},
       {},
       {"status", "cursor", "limit", "json"},
       {},
       "[--status open|refunded|dismissed] [--limit N] [--cursor C] [--json]",
       "disputes in the order they were opened",
       DisputeListCommand},
  };
}

}  // namespace corridor::wallet::cli

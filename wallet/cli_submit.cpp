// Commands that sign or submit transactions: pay, the admin operations,
// tx sign (offline), tx send, tx status.
#include <algorithm>
#include <chrono>
#include <iomanip>

#include "chain/amount.h"
#include "chain/hash.h"
#include "chain/limits.h"
#include "wallet/cli_commands.h"
#include "wallet/cli_ops.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

using namespace std::chrono_literals;

constexpr uint64_t kDefaultExpiresIn = 1000;  // blocks
constexpr uint64_t kMaxExpiresIn = 1'000'000;
constexpr uint64_t kDefaultWaitSeconds = 30;
constexpr uint64_t kMaxWaitSeconds = 3600;
constexpr std::chrono::milliseconds kPollInterval = 250ms;
// The node keeps a sender's transactions up to 16 nonces ahead (rpc.md §8.5).
constexpr int kMaxNonceBumps = 16;

struct TxState {
  std::string status;               // pending, committed, failed, held, unknown
  std::optional<uint64_t> hold_id;  // held: the hold in the review queue
  std::string hold_status;          // held: open, approved, rejected, expired
  std::optional<uint64_t> height;
  std::optional<uint64_t> timestamp;
  std::optional<uint64_t> code;
  std::string code_name;
};

CliResult<uint64_t> WaitSeconds(const Cli& cli) {
  if (!cli.Has("timeout")) return kDefaultWaitSeconds;
  auto t = ParseUintFlag("timeout", cli.Flag("timeout"));
  if (!t) return std::move(t).error();
  if (*t == 0 || *t > kMaxWaitSeconds) {
    return UsageError("--timeout must be 1 to " + std::to_string(kMaxWaitSeconds) + " seconds");
  }
  return *t;
}

CliResult<rpc::Json> GetTransaction(Cli& cli, const std::string& id) {
  rpc::Json p = rpc::Json::Object();
  p.Set("id", id);
  return cli.Call("chain_getTransaction", p);
}

CliResult<TxState> ReadState(const rpc::Json& answer) {
  TxState s;
  auto status = JsonString(answer.value(), "status");
  if (!status) return UnexpectedAnswer("chain_getTransaction", "no status");
  s.status = *status;
  if (const auto* r = JsonObject(answer.value(), "receipt")) {
    s.height = JsonUint(*r, "height");
    s.timestamp = JsonUint(*r, "timestamp");
    s.code = JsonUint(*r, "code");
    s.code_name = JsonString(*r, "codeName").value_or("");
  }
  if (const auto* h = JsonObject(answer.value(), "hold")) {
    s.hold_id = JsonUint(*h, "holdId");
    s.hold_status = JsonString(*h, "status").value_or("");
  }
  return s;
}

bool IsFinal(const TxState& s) {
  return s.status == "committed" || s.status == "failed" || s.status == "held";
}

// Polls chain_getTransaction until the transaction is committed or failed.
// Returns the last answer; a timeout is a failure that says how to go on.
CliResult<rpc::Json> WaitFinal(Cli& cli, const std::string& id, uint64_t seconds) {
  const auto deadline = cli.env().now() + std::chrono::seconds(seconds);
  for (;;) {
    auto answer = GetTransaction(cli, id);
    std::string last;
    if (answer) {
      auto state = ReadState(*answer);
      if (!state) return std::move(state).error();
      if (IsFinal(*state)) return std::move(answer).value();
      last = state->status;
    } else if (answer.error().exit_code == kExitUsage) {
      return std::move(answer).error();
    }
    if (cli.env().now() >= deadline) {
      if (!answer) return std::move(answer).error();
      return Failure(
          "transaction " + id + " is still " + last + " after " + std::to_string(seconds) + " s" +
          (last == "unknown" ? " (the node does not know it: expired or dropped?)"
                             : "; follow it with 'corridor tx status " + id + " --wait'"));
    }
    cli.env().sleep(kPollInterval);
  }
}

// Waits for `id` by the signer's nonce: once the account's next nonce is
// past `nonce`, a block has used it (this transaction or, rarely, another
// one with the same nonce) and the transaction is read once.
CliResult<rpc::Json> WaitByNonce(Cli& cli, const std::string& id, const Address& sender,
                                 uint64_t nonce, uint64_t seconds) {
  const auto deadline = cli.env().now() + std::chrono::seconds(seconds);
  for (;;) {
    auto account = cli.GetAccount(sender);
    if (!account) return std::move(account).error();
    if (account->has_value() && (*account)->nonce > nonce) {
      // The block is committed at the node that answered; what is left of
      // the time goes to the (normally immediate) final read.
      const auto now = cli.env().now();
      const uint64_t left =
          now >= deadline
              ? 1
              : std::max<uint64_t>(
                    1, std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count());
      return WaitFinal(cli, id, left);
    }
    if (cli.env().now() >= deadline) {
      return Failure("transaction " + id + " is still pending after " + std::to_string(seconds) +
                     " s; follow it with 'corridor tx status " + id + " --wait'");
    }
    cli.env().sleep(kPollInterval);
  }
}

// Prints the final state of a transaction.
void PrintState(Cli& cli, const TxState& s) {
  PrintLine(cli, "status", s.status);
  if (s.height) PrintLine(cli, "height", std::to_string(*s.height));
  if (s.timestamp) PrintLine(cli, "time", FormatTime(*s.timestamp));
  if (s.code) PrintLine(cli, "code", std::to_string(*s.code) + " " + s.code_name);
  if (s.hold_id) PrintLine(cli, "hold", std::to_string(*s.hold_id) + " " + s.hold_status);
}

// The exit code of a final state; a failure's one error line.
int Outcome(Cli& cli, const std::string& id, const TxState& s) {
  if (s.status == "failed") {
    return cli.Fail(Failure("transaction " + id + " failed: " + s.code_name +
                            (s.code ? " (" + std::to_string(*s.code) + ")" : "")));
  }
  if (s.status == "unknown") {
    return cli.Fail(Failure("transaction " + id + " is unknown to the node at " + cli.rpc_url()));
  }
  if (s.status == "held") {
    cli.err() << "corridor: transaction " << id << " is held for compliance review"
              << (s.hold_id ? " (hold " + std::to_string(*s.hold_id) + ", " + s.hold_status + ")"
                            : std::string())
              << "\n";
    return kExitHeld;
  }
  return kExitOk;
}

int Report(Cli& cli, const std::string& id, const TxState& s) {
  PrintState(cli, s);
  return Outcome(cli, id, s);
}

// Submits; the answer's id and status.
struct Submitted {
  std::string id;
  std::string status;
};

rpc::Outcome<Submitted> Submit(Cli& cli, const Transaction& tx) {
  rpc::Json p = rpc::Json::Object();
  p.Set("raw", ToHex(tx.encoded()));
  auto r = cli.CallRaw("tx_submit", p);
  if (!r) return std::move(r).error();
  Submitted s;
  s.id = JsonString(r->value(), "id").value_or(tx.id().ToHex());
  s.status = JsonString(r->value(), "status").value_or("pending");
  return s;
}

bool IsRejection(const rpc::RpcError& e, std::string_view name) {
  return e.code == rpc::kTransactionRejected && e.data &&
         JsonString(e.data->value(), "name").value_or("") == name;
}

// Print the id and either "pending" or (with --wait) the outcome. `sender`
// and `nonce` are known for transactions this run signed.
int SubmitAndFollow(Cli& cli, const std::string& id, const std::string& status, bool wait,
                    uint64_t wait_seconds, const FollowOptions& follow = {},
                    std::optional<std::pair<Address, uint64_t>> signed_as = std::nullopt) {
  PrintLine(cli, "id", id);
  if (!wait) {
    PrintLine(cli, "status", status);
    return kExitOk;
  }
  auto answer = follow.light && signed_as
                    ? WaitByNonce(cli, id, signed_as->first, signed_as->second, wait_seconds)
                    : WaitFinal(cli, id, wait_seconds);
  if (!answer) return cli.Fail(answer.error());
  auto state = ReadState(*answer);
  if (!state) return cli.Fail(state.error());
  PrintState(cli, *state);
  if (follow.describe) follow.describe(cli, answer->value());
  return Outcome(cli, id, *state);
}

// The local checks that spare a transaction that would fail anyway; each
// uses the state machine's name for the failure (docs/state.md §4.1).
CliCheck Precheck(Cli& cli, const OpDraft& draft, const Signer& signer, uint8_t decimals) {
  if (auto e = CheckSender(signer)) return e;
  if (draft.debits_sender) {
    uint64_t need = 0;
    std::visit(
        [&](const auto& op) {
          if constexpr (requires { op.amount; }) need = op.amount;
        },
        draft.op);
    if (auto e =
            CheckAvailable(signer.account, "'" + signer.name + "'", draft.asset, need, decimals)) {
      return e;
    }
  }
  if (draft.receiver) {
    auto receiver = CheckReceiver(cli, *draft.receiver);
    if (!receiver) return std::move(receiver).error();
  }
  return std::nullopt;
}

AddressResolver Resolver(const Cli& cli) {
  return [&cli](std::string_view flag, const std::string& text) {
    return cli.ResolveAddress(flag, text);
  };
}

void PrintEvents(Cli& cli, const rapidjson::Value& receipt) {
  const auto* events = JsonArray(receipt, "events");
  if (events == nullptr) return;
  for (const auto& e : events->GetArray()) {
    if (!e.IsObject()) continue;
    std::string line = JsonString(e, "type").value_or("?");
    for (const auto& m : e.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if (key == "type") continue;
      if (m.value.IsString()) {
        line += " " + key + "=" + std::string(m.value.GetString(), m.value.GetStringLength());
      } else if (m.value.IsUint64()) {
        line += " " + key + "=" + std::to_string(m.value.GetUint64());
      }
    }
    PrintLine(cli, "event", line);
  }
}

}  // namespace

void PrintLine(Cli& cli, std::string_view label, const std::string& value) {
  cli.out() << std::left << std::setw(8) << label << value << "\n";
}

CliResult<SigningFlags> ReadSigningFlags(const Cli& cli) {
  SigningFlags f;
  f.from = cli.Flag("from");
  f.memo = cli.Flag("memo");
  if (auto e = CheckMemo("memo", f.memo)) return std::move(*e);
  if (cli.Has("nonce")) {
    auto n = ParseUintFlag("nonce", cli.Flag("nonce"));
    if (!n) return std::move(n).error();
    f.nonce = *n;
  }
  f.expires_in = kDefaultExpiresIn;
  if (cli.Has("expires-in")) {
    auto n = ParseUintFlag("expires-in", cli.Flag("expires-in"));
    if (!n) return std::move(n).error();
    if (*n == 0 || *n > kMaxExpiresIn) {
      return UsageError("--expires-in must be 1 to " + std::to_string(kMaxExpiresIn) + " blocks");
    }
    f.expires_in = *n;
  }
  auto wait_seconds = WaitSeconds(cli);
  if (!wait_seconds) return std::move(wait_seconds).error();
  f.wait = cli.Has("wait");
  f.wait_seconds = *wait_seconds;
  f.precheck = !cli.Has("no-precheck");
  f.for_account = cli.Flag("for");
  f.no_send = cli.Has("no-send");
  if (f.no_send && f.wait) return UsageError("--no-send and --wait exclude each other");
  return f;
}

CliResult<Signer> ReadSigner(Cli& cli, const SigningFlags& flags) {
  auto info = cli.keystore().Info(flags.from);
  if (!info) return Failure(info.error().message);
  Address sender = info->address;
  if (!flags.for_account.empty()) {
    auto for_account = cli.ResolveAddress("for", flags.for_account);
    if (!for_account) return std::move(for_account).error();
    sender = *for_account;
  }
  auto chain = cli.GetChainInfo();
  if (!chain) return std::move(chain).error();
  auto account = cli.GetAccount(sender);
  if (!account) return std::move(account).error();
  if (!account->has_value()) {
    return Failure("unknown_sender: " +
                   (flags.for_account.empty()
                        ? "key '" + flags.from + "' (" + sender.ToString() + ")"
                        : "account " + sender.ToString()) +
                   " is not a registered account on " + chain->chain_id);
  }
  if (!flags.for_account.empty() && flags.precheck) {
    // The key must be one the account accepts: in its signer list, or its
    // own default key when it has none.
    const AccountInfo& acc = **account;
    const std::string key_hex = info->public_key.ToHex();
    const bool accepted = acc.signer_keys.empty()
                              ? info->address == sender
                              : std::find(acc.signer_keys.begin(), acc.signer_keys.end(),
                                          key_hex) != acc.signer_keys.end();
    if (!accepted) {
      return Failure(
          "unauthorized_signer: key '" + flags.from + "' may not sign for account " +
          sender.ToString() +
          (acc.signer_keys.empty() ? " (it has no signer list)" : " (not in its signer list)") +
          NotSubmitted());
    }
  }
  return Signer{flags.from, sender, *chain, std::move(**account)};
}

std::string NotSubmitted() {
  return " (not submitted; --no-precheck submits anyway)";
}

CliCheck CheckSender(const Signer& signer) {
  if (!signer.account.frozen) return std::nullopt;
  return Failure("sender_frozen: account " + signer.account.address + " is frozen" +
                 NotSubmitted());
}

bool HasRole(const AccountInfo& account, std::string_view role) {
  return std::find(account.roles.begin(), account.roles.end(), role) != account.roles.end();
}

uint64_t Available(const AccountInfo& account, const std::string& asset, uint8_t decimals) {
  for (const auto& b : account.balances) {
    if (b.asset != asset) continue;
    if (auto v = ParseAmount(b.available, decimals)) return *v;
  }
  return 0;
}

CliCheck CheckAvailable(const AccountInfo& account, const std::string& who,
                        const std::string& asset, uint64_t need, uint8_t decimals) {
  const uint64_t have = Available(account, asset, decimals);
  if (have >= need) return std::nullopt;
  return Failure("insufficient_balance: " + who + " has " + FormatAmount(have, decimals) + " " +
                 asset + " available, the transaction needs " + FormatAmount(need, decimals) +
                 NotSubmitted());
}

CliResult<AccountInfo> CheckReceiver(Cli& cli, const Address& receiver) {
  auto account = cli.GetAccount(receiver);
  if (!account) return std::move(account).error();
  if (!account->has_value()) {
    return Failure("unknown_account: " + receiver.ToString() + " is not a registered account" +
                   NotSubmitted());
  }
  if ((*account)->frozen) {
    return Failure("receiver_frozen: account " + receiver.ToString() + " is frozen" +
                   NotSubmitted());
  }
  return std::move(**account);
}

int SignSubmitFollow(Cli& cli, const SigningFlags& flags, const Signer& signer, const Operation& op,
                     const FollowOptions& follow) {
  // The passphrase is asked only now, so a node that is down or a precheck
  // that fails never prompts. A nonce held by another pending transaction of
  // this sender moves to the next one, and a nonce a block used meanwhile to
  // the account's new next nonce (unless --nonce fixed it).
  auto key = cli.UnlockKey(flags.from);
  if (!key) return cli.Fail(key.error());
  TxParams params;
  params.chain_id = signer.chain.chain_id;
  params.sender = signer.address;
  params.nonce = flags.nonce.value_or(signer.account.nonce);
  params.expiry_height = signer.chain.height + flags.expires_in;
  params.memo = flags.memo;
  if (flags.no_send) {
    // For the other signers of a multi-signature account: `tx cosign`, then `tx send`.
    TransactionPtr tx = SignOperation(op, params, *key);
    cli.out() << "id  " << tx->id().ToHex() << "\nraw " << ToHex(tx->encoded()) << "\n";
    return kExitOk;
  }
  for (int bumps = 0;; ++bumps) {
    TransactionPtr tx = SignOperation(op, params, *key);
    auto submitted = Submit(cli, *tx);
    if (submitted) {
      return SubmitAndFollow(cli, submitted->id, submitted->status, flags.wait, flags.wait_seconds,
                             follow, std::pair{signer.address, params.nonce});
    }
    if (!flags.nonce && bumps < kMaxNonceBumps && IsRejection(submitted.error(), "nonce_in_use")) {
      ++params.nonce;
      continue;
    }
    if (!flags.nonce && bumps < kMaxNonceBumps && IsRejection(submitted.error(), "nonce_too_low")) {
      // A block committed the nonce between account_get and tx_submit.
      auto again = cli.GetAccount(signer.address);
      if (!again) return cli.Fail(again.error());
      const uint64_t next = again->has_value() ? (*again)->nonce : 0;
      params.nonce = std::max(params.nonce + 1, next);
      continue;
    }
    return cli.Fail(DescribeRpcError(submitted.error(), "tx_submit", cli.rpc_url()));
  }
}

int SignAndSubmit(Cli& cli) {
  // 1. The command line alone: nothing is read or asked before it is right.
  auto draft = DraftOperation(cli.cmd(), Resolver(cli));
  if (!draft) return cli.Fail(draft.error());
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());

  // 2. What the node knows: chain id and height, the sender's next nonce and
  //    balances, the asset's decimals.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  uint8_t decimals = 0;
  if (draft->asset_must_exist) {
    auto asset = cli.FindAsset("asset", draft->asset);
    if (!asset) return cli.Fail(asset.error());
    decimals = asset->decimals;
  }
  if (auto e = SetAmount(*draft, decimals)) return cli.Fail(*e);
  if (flags->precheck) {
    if (auto e = Precheck(cli, *draft, *signer, decimals)) return cli.Fail(*e);
  }

  // 3. Sign, submit, follow.
  return SignSubmitFollow(cli, *flags, *signer, draft->op);
}

int TxSign(Cli& cli) {
  auto draft = DraftOperation(cli.cmd(), Resolver(cli));
  if (!draft) return cli.Fail(draft.error());
  auto decimals = ParseUintFlag("decimals", cli.Flag("decimals"));
  if (!decimals) return cli.Fail(decimals.error());
  if (*decimals > kMaxAssetDecimals) {
    return cli.Fail(UsageError("--decimals must be 0 to " + std::to_string(kMaxAssetDecimals)));
  }
  if (auto e = SetAmount(*draft, static_cast<uint8_t>(*decimals))) return cli.Fail(*e);
  auto nonce = ParseUintFlag("nonce", cli.Flag("nonce"));
  if (!nonce) return cli.Fail(nonce.error());
  auto expiry = ParseUintFlag("expiry", cli.Flag("expiry"));
  if (!expiry) return cli.Fail(expiry.error());
  if (!IsValidChainId(cli.Flag("chain-id"))) {
    return cli.Fail(UsageError("--chain-id: '" + cli.Flag("chain-id") +
                               "' is not a chain id (1-32 characters a-z, 0-9, '-')"));
  }
  const std::string memo = cli.Flag("memo");
  if (auto e = CheckMemo("memo", memo)) return cli.Fail(*e);
  auto info = cli.keystore().Info(cli.Flag("from"));
  if (!info) return cli.Fail(Failure(info.error().message));
  auto key = cli.UnlockKey(cli.Flag("from"));
  if (!key) return cli.Fail(key.error());
  TxParams params{cli.Flag("chain-id"), info->address, *nonce, *expiry, memo};
  TransactionPtr tx = SignOperation(draft->op, params, *key);
  cli.out() << "id  " << tx->id().ToHex() << "\nraw " << ToHex(tx->encoded()) << "\n";
  return kExitOk;
}

namespace {

// A RAW argument: the hex of a signed transaction (from tx sign, --no-send
// or tx cosign); a damaged copy is a usage error.
CliResult<TransactionPtr> DecodeRaw(const std::string& raw) {
  auto bytes = FromHex(raw);
  if (!bytes) {
    return UsageError("RAW must be the transaction's hex (from tx sign, --no-send or tx cosign)");
  }
  auto tx = Transaction::Decode(*bytes);
  if (!tx) {
    return UsageError("RAW is not a transaction: " + tx.error().code + ": " + tx.error().message);
  }
  return std::move(tx).value();
}

}  // namespace

int TxSend(Cli& cli) {
  auto wait_seconds = WaitSeconds(cli);
  if (!wait_seconds) return cli.Fail(wait_seconds.error());
  auto tx = DecodeRaw(cli.positionals()[0]);
  if (!tx) return cli.Fail(tx.error());
  auto submitted = Submit(cli, **tx);
  if (!submitted) {
    return cli.Fail(DescribeRpcError(submitted.error(), "tx_submit", cli.rpc_url()));
  }
  return SubmitAndFollow(cli, submitted->id, submitted->status, cli.Has("wait"), *wait_seconds);
}

int TxCosign(Cli& cli) {
  auto tx = DecodeRaw(cli.positionals()[0]);
  if (!tx) return cli.Fail(tx.error());
  if (!(*tx)->VerifySignatures()) {
    return cli.Fail(Failure("RAW carries a signature that does not verify: it was altered"));
  }
  auto key = cli.UnlockKey(cli.Flag("from"));
  if (!key) return cli.Fail(key.error());
  std::vector<TxSignature> sigs = (*tx)->signatures();
  for (const TxSignature& s : sigs) {
    if (s.key == key->public_key()) {
      return cli.Fail(
          Failure("key '" + cli.Flag("from") + "' has already signed this transaction"));
    }
  }
  if (sigs.size() >= kMaxSignatures) {
    return cli.Fail(Failure("the transaction already has the most signatures allowed (" +
                            std::to_string(kMaxSignatures) + ")"));
  }
  sigs.push_back({key->public_key(), key->Sign((*tx)->id())});
  TransactionPtr signed_tx = Transaction::Create((*tx)->body(), std::move(sigs));
  cli.out() << "id      " << signed_tx->id().ToHex() << "\nsigners "
            << signed_tx->signatures().size() << "\nraw     " << ToHex(signed_tx->encoded())
            << "\n";
  return kExitOk;
}

int TxStatus(Cli& cli) {
  auto wait_seconds = WaitSeconds(cli);
  if (!wait_seconds) return cli.Fail(wait_seconds.error());
  const std::string& id = cli.positionals()[0];
  if (!Hash::FromHex(id)) {
    return cli.Fail(UsageError("ID must be a transaction id: 64 hex characters"));
  }
  auto answer = cli.Has("wait") ? WaitFinal(cli, id, *wait_seconds) : GetTransaction(cli, id);
  if (!answer) return cli.Fail(answer.error());
  auto state = ReadState(*answer);
  if (!state) return cli.Fail(state.error());
  if (cli.Has("json")) {
    cli.out() << answer->Serialize() << "\n";
    if (state->status == "held") return kExitHeld;
    return state->status == "failed" || state->status == "unknown" ? kExitFailed : kExitOk;
  }
  PrintLine(cli, "id", id);
  if (const auto* tx = JsonObject(answer->value(), "transaction")) {
    PrintLine(cli, "type", JsonString(*tx, "type").value_or("?"));
    PrintLine(cli, "sender", JsonString(*tx, "sender").value_or("?"));
    if (auto n = JsonUint(*tx, "nonce")) PrintLine(cli, "nonce", std::to_string(*n));
    if (const auto* op = JsonObject(*tx, "operation")) {
      for (const auto& m : op->GetObject()) {
        if (!m.value.IsString() && !m.value.IsUint64()) continue;
        PrintLine(cli, std::string(m.name.GetString(), m.name.GetStringLength()),
                  m.value.IsString() ? std::string(m.value.GetString(), m.value.GetStringLength())
                                     : std::to_string(m.value.GetUint64()));
      }
    }
    if (auto memo = JsonString(*tx, "memo"); memo && !memo->empty()) PrintLine(cli, "memo", *memo);
  }
  int rc = Report(cli, id, *state);
  if (const auto* r = JsonObject(answer->value(), "receipt")) PrintEvents(cli, *r);
  return rc;
}

}  // namespace corridor::wallet::cli

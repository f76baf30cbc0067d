// The steps every signing command of `corridor` shares (docs/wallet.md
// "Signing commands"), for the command groups that build their own
// operations (cli_fx.cpp, cli_settle.cpp, cli_exchange.cpp) as well as the
// generic SignAndSubmit of cli_submit.cpp:
//
//   1. ReadSigningFlags: --from, --memo, --nonce, --expires-in, --wait,
//      --timeout, --no-precheck, checked without the node (usage errors).
//   2. ReadSigner: chain id and height, the signer's account (next nonce,
//      balances, roles); an unregistered signer is `unknown_sender`.
//   3. The command's own prechecks (CheckSender, CheckAvailable,
//      CheckReceiver help), skipped with --no-precheck.
//   4. SignSubmitFollow: passphrase, sign, tx_submit with nonce retries,
//      then "id"/"status" lines or, with --wait, the final outcome.
//
// Internal to the wallet CLI. Not thread-safe (one Cli per run).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "chain/operation.h"
#include "wallet/cli_context.h"

namespace corridor::wallet::cli {

// Flags every signing command takes besides its own (cli.cpp kSigning).
struct SigningFlags {
  std::string from;  // key name
  std::string memo;
  std::optional<uint64_t> nonce;  // --nonce: exactly this one, no retries
  uint64_t expires_in = 0;        // blocks
  bool wait = false;
  uint64_t wait_seconds = 0;
  bool precheck = true;
  // --for ADDRESS: sign for that account (a multi-signature account whose
  // signer list holds the --from key) instead of the key's own account.
  std::string for_account;
  // --no-send: print the signed transaction (id, raw hex) instead of
  // submitting it, for `tx cosign` by the other signers and `tx send`.
  bool no_send = false;
};
CliResult<SigningFlags> ReadSigningFlags(const Cli& cli);

struct Signer {
  std::string name;  // key name, for messages
  Address address;
  ChainInfo chain;
  AccountInfo account;
};
CliResult<Signer> ReadSigner(Cli& cli, const SigningFlags& flags);

// The suffix of every precheck failure: " (not submitted; --no-precheck ...)".
std::string NotSubmitted();
// sender_frozen.
CliCheck CheckSender(const Signer& signer);
// insufficient_balance when `account` has less than `need` of `asset`
// available; `who` names it in the message.
CliCheck CheckAvailable(const AccountInfo& account, const std::string& who,
                        const std::string& asset, uint64_t need, uint8_t decimals);
// The available amount of `asset` in `account` (0 when it holds none).
uint64_t Available(const AccountInfo& account, const std::string& asset, uint8_t decimals);
// With --as KEY: adds "auth" to `params`, a read request for `method` about
// `subject` (zero for compliance-wide reads) signed now by KEY (rpc.md
// §8.21). Without --as: nothing (admin from the node's loopback, or a
// public read).
CliCheck AddReadAuth(Cli& cli, std::string_view method, const Address& subject, rpc::Json& params);
// Whether `account` holds `role` ("operator", "custody", ...).
bool HasRole(const AccountInfo& account, std::string_view role);
// unknown_account / receiver_frozen for an account that is to be credited;
// returns the account when it is registered.
CliResult<AccountInfo> CheckReceiver(Cli& cli, const Address& receiver);

struct FollowOptions {
  // Poll the signer's nonce (account_get) instead of chain_getTransaction
  // while waiting, and read the transaction once at the end: for operations
  // whose JSON is large (a settlement batch of thousands of trades).
  bool light = false;
  // Called with chain_getTransaction's final answer before the outcome's
  // exit code is decided; prints extra "label value" lines.
  std::function<void(Cli&, const rapidjson::Value& answer)> describe;
};

// Signs `op` as `signer`, submits it and reports; returns the exit code.
int SignSubmitFollow(Cli& cli, const SigningFlags& flags, const Signer& signer, const Operation& op,
                     const FollowOptions& follow = {});

// "label   value": the output format of the transaction commands.
void PrintLine(Cli& cli, std::string_view label, const std::string& value);

}  // namespace corridor::wallet::cli

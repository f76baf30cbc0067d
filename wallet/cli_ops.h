// The transaction builder behind every signing command of `corridor`
// (pay, tx sign, account register, role grant|revoke, signers set, asset create|mint|burn,
// freeze|unfreeze account|asset).
//
// Building happens in two steps so that a mistyped command line is refused
// before anything else is touched:
//   1. DraftOperation reads the command's flags and checks their shape
//      (addresses with their checksum, asset codes, amount syntax, roles,
//      KYC levels, jurisdictions) — no node, no passphrase.
//   2. SetAmount fills the amount in the asset's smallest unit once its
//      decimals are known (from the node, or --decimals for offline signing).
// SignOperation then wraps the operation in a transaction body and signs it.
//
// Pure functions apart from the address resolver passed in.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/address.h"
#include "chain/operation.h"
#include "chain/transaction.h"
#include "wallet/cli_args.h"
#include "wallet/cli_error.h"

namespace corridor::wallet::cli {

// Turns an address or key name on the command line into an address.
using AddressResolver =
    std::function<CliResult<Address>(std::string_view flag, const std::string& text)>;

struct OpDraft {
  Operation op;
  std::string asset;        // the asset the operation names, "" when none
  std::string amount_text;  // the --amount text when the operation moves an amount
  // Whether `asset` must already exist (every operation but create_asset).
  bool asset_must_exist = false;
  // Payment and burn take the amount from the sender's balance.
  bool debits_sender = false;
  // Payment and mint credit this account, which must be registered.
  std::optional<Address> receiver;
};

// The signing commands' word paths ("pay", "asset mint", ...).
bool IsSigningCommand(const std::vector<std::string>& words);

// Step 1: the operation of command `cmd` (one of IsSigningCommand).
CliResult<OpDraft> DraftOperation(const ParsedCommand& cmd, const AddressResolver& resolve);

// Step 2: parses `draft.amount_text` with `decimals` into the operation.
// No-op for operations without an amount.
CliCheck SetAmount(OpDraft& draft, uint8_t decimals);

struct TxParams {
  std::string chain_id;
  Address sender;
  uint64_t nonce = 0;
  uint64_t expiry_height = 0;
  std::string memo;
};
TransactionPtr SignOperation(const Operation& op, const TxParams& params, const PrivateKey& key);

}  // namespace corridor::wallet::cli

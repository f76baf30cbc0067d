// Genesis: the JSON document that defines a chain's height-0 state, its
// parser, and the height-0 block (docs/state.md §7, schema and example in
// genesis/).
//
// ParseGenesis is bounded and returns errors, never throws: at most
// kMaxGenesisBytes of input, bounded counts, unknown fields rejected,
// amounts as decimal strings (JSON numbers lose precision above 2^53).
// BuildGenesis turns a document into state: accounts with roles and KYC,
// assets with supply = the sum of their initial balances, the chain id and
// the validator set. The height-0 block has no transactions; its header
// carries the chain id, the document's timestamp and the state root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/block.h"
#include "chain/block_store.h"
#include "chain/keys.h"
#include "chain/operation.h"
#include "chain/result.h"
#include "chain/state_store.h"
#include "contracts/governance.h"

namespace corridor::contracts {

inline constexpr size_t kMaxGenesisBytes = 16u << 20;
inline constexpr size_t kMaxGenesisAccounts = 100'000;
inline constexpr size_t kMaxGenesisAssets = 1'000;
inline constexpr size_t kMaxGenesisBalances = 200'000;

struct GenesisValidator {
  std::string name;
  PublicKey key;
  // The account that speaks for this validator in governance (JSON
  // "operator", optional): it must be a genesis account. Absent: the address
  // of `key` (docs/state.md §3.11).
  std::optional<Address> operator_account;
};

struct GenesisAccount {
  Address address;
  uint8_t kyc_level = 0;
  std::string jurisdiction;
  std::string display_name;
  std::vector<Role> roles;
  uint32_t threshold = 0;  // 0 and no signers: the default single key
  std::vector<SignerEntry> signers;
};

struct GenesisAsset {
  std::string code;
  uint8_t decimals = 0;
  Address issuer;
};

struct GenesisBalance {
  Address account;
  std::string asset;
  uint64_t amount = 0;
};

struct GenesisDoc {
  std::string chain_id;
  uint64_t timestamp_ms = 0;
  std::vector<GenesisValidator> validators;
  std::vector<GenesisAccount> accounts;
  std::vector<GenesisAsset> assets;
  std::vector<GenesisBalance> balances;
  // Blocks of the recovery window after a resume (docs/state.md §3.12);
  // optional in the JSON ("recovery_window_blocks"), 0..kMaxRecoveryWindowBlocks.
  uint32_t recovery_window_blocks = kDefaultRecoveryWindowBlocks;
};

// Parses and checks a genesis document: well-formed JSON, known fields only,
// valid chain id / keys / addresses / codes, 1..kMaxValidators distinct
// validators whose operator accounts (when given) are genesis accounts, no duplicate
// accounts/assets/balances, issuers registered with the issuer role, balances on registered
// accounts and existing assets, no supply overflow. Error codes: "genesis_json", "genesis_schema",
// "genesis_invalid".
Result<GenesisDoc> ParseGenesis(std::string_view json);
Result<GenesisDoc> LoadGenesisFile(const std::string& path);
std::string GenesisToJson(const GenesisDoc& doc);

struct GenesisState {
  BlockPtr block;  // height 0
  PendingState state;
};

// The height-0 block a document defines (built in a scratch in-memory store).
Result<BlockPtr> GenesisBlock(const GenesisDoc& doc);

// REQUIRES: `empty` holds no state (a freshly created store).
GenesisState BuildGenesis(const GenesisDoc& doc, const StateStore& empty);

// Commits the genesis block to an empty store; on a non-empty store, checks
// that its block 0 is this genesis ("genesis_mismatch" otherwise).
Status InitChain(ChainStore& store, const GenesisDoc& doc);

// DEV ONLY. The deterministic key for a named dev-network participant:
// secret = SHA-256("corridor-dev-key/" + name). Anyone can derive these keys;
// never use them outside a local test network.
PrivateKey DevKey(std::string_view name);
// DEV ONLY. The local network of genesis/local/genesis.json: validators
// validator-1..N, accounts admin, compliance, bank (issuer of USD, EUR),
// exchange (operator), oracle, alice, bob; all keys from DevKey().
GenesisDoc DevNetworkGenesis(size_t validators);

}  // namespace corridor::contracts

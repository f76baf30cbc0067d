// The state layout of the native contracts and typed access to it
// (docs/state.md §3).
//
// Keys (first byte is the record kind):
//   0x00 'c'                 ChainInfo   chain id
//   0x00 'v'                 ValidatorSet in force (of the last executed block)
//   0x00 's'                 ValidatorSchedule: sets that take over at future heights
//   0x01 | address(20)       Account
//   0x02 | asset code        AssetInfo
//   0x03 | address(20) | asset code   Balance (absent when zero)
//   0x04 | base '/' quote              FxRate, the latest published for the pair
//   0x05 | base '/' quote '@' BE64 h   FxRate published at height h (history)
//   0x06 | address(20)                 u16 liquidity fee in basis points (absent: 0)
//   0x07 | batch id                    SettledBatch
//   0x08 | address(20) | reference     ExchangeReference (custody account's used references)
// Values are canonical encodings (chain/encoding.h); decoding a stored value
// that fails is a corrupt store and aborts.
//
// Conservation invariant, kept by every operation and checked by the tests:
// for every asset, supply == sum over accounts of (available + locked).
// `locked` is reserved for escrows and compliance holds (issues 7, 8): funds
// moved out of `available` but still owned by the account.
//
// Ledger is a thin, single-threaded wrapper over a StateOverlay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/keys.h"
#include "chain/operation.h"
#include "chain/state_store.h"

namespace corridor::contracts {

struct Account {
  uint8_t kyc_level = 0;
  std::string jurisdiction;
  std::string display_name;
  uint32_t roles = 0;  // bit (1 << role code)
  bool frozen = false;
  uint64_t next_nonce = 0;
  // Empty signers (threshold 0): the single key whose address is the account.
  uint32_t threshold = 0;
  std::vector<SignerEntry> signers;

  bool HasRole(Role r) const { return (roles >> static_cast<uint8_t>(r)) & 1u; }
  void SetRole(Role r, bool on) {
    uint32_t bit = 1u << static_cast<uint8_t>(r);
    roles = on ? (roles | bit) : (roles & ~bit);
  }
  Bytes Encode() const;
  static std::optional<Account> Decode(ByteSpan data);
  bool operator==(const Account&) const = default;
};

struct AssetInfo {
  std::string code;
  uint8_t decimals = 0;
  Address issuer;
  uint64_t supply = 0;
  bool frozen = false;

  Bytes Encode() const;
  static std::optional<AssetInfo> Decode(ByteSpan code, ByteSpan data);
  bool operator==(const AssetInfo&) const = default;
};

struct Balance {
  uint64_t available = 0;
  uint64_t locked = 0;
  bool IsZero() const { return available == 0 && locked == 0; }
  bool operator==(const Balance&) const = default;
};

// An exchange rate as published by an oracle (docs/state.md §3.2): exactly
// numerator / denominator quote minor units per base minor unit, usable at
// heights valid_from..valid_until inclusive.
struct FxRate {
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  uint64_t valid_from = 0;
  uint64_t valid_until = 0;
  Address oracle;
  uint64_t published_height = 0;

  bool UsableAt(uint64_t height) const { return valid_from <= height && height <= valid_until; }
  Bytes Encode() const;
  static std::optional<FxRate> Decode(ByteSpan data);
  bool operator==(const FxRate&) const = default;
};

// A settlement batch that applied (docs/state.md §3.6); its presence makes
// the batch id unusable again.
struct SettledBatch {
  Hash tx_id;
  uint64_t height = 0;
  Address operator_account;
  uint32_t trades = 0;
  uint32_t movements = 0;  // (account, asset) balances changed

  Bytes Encode() const;
  static std::optional<SettledBatch> Decode(ByteSpan data);
  bool operator==(const SettledBatch&) const = default;
};

// A deposit or withdrawal reference already used with a custody account.
struct ExchangeReference {
  Hash tx_id;
  uint64_t height = 0;

  Bytes Encode() const;
  static std::optional<ExchangeReference> Decode(ByteSpan data);
  bool operator==(const ExchangeReference&) const = default;
};

Bytes AccountKey(const Address& a);
Bytes AssetKey(std::string_view code);
Bytes BalanceKey(const Address& a, std::string_view code);
Bytes FxRateKey(std::string_view base, std::string_view quote);
Bytes FxRateHistoryKey(std::string_view base, std::string_view quote, uint64_t height);
// The prefix of every FxRateHistoryKey of the pair (for StateStore::ScanPrefix).
Bytes FxRateHistoryPrefix(std::string_view base, std::string_view quote);
Bytes LiquidityFeeKey(const Address& provider);
Bytes SettledBatchKey(std::string_view batch_id);
Bytes ExchangeReferenceKey(const Address& custody, std::string_view reference);
Bytes ChainInfoKey();
Bytes ValidatorSetKey();
Bytes ValidatorScheduleKey();

// Validator set changes (docs/consensus.md "Validator set changes"): a
// change approved while block h executes may take effect at height
// h + kValidatorChangeDelay at the earliest, so that every node has
// committed it — and knows the set of every height its consensus engine
// accepts messages for (EngineConfig::max_future_heights < this) — before
// it applies.
inline constexpr uint64_t kValidatorChangeDelay = 8;
// Changes waiting to take effect at once (more is "schedule_full").
inline constexpr size_t kMaxScheduledValidatorSets = 16;

// Sets waiting to take over, by strictly ascending height: entry i decides
// heights [entries[i].height, entries[i+1].height). Entries whose height has
// been reached move into the ValidatorSet at the start of that block
// (ActivateValidatorSchedule) and leave the schedule.
struct ValidatorSchedule {
  struct Entry {
    uint64_t height = 0;
    std::vector<PublicKey> validators;  // leader order
    bool operator==(const Entry&) const = default;
  };
  std::vector<Entry> entries;

  Bytes Encode() const;
  static std::optional<ValidatorSchedule> Decode(ByteSpan data);
  bool operator==(const ValidatorSchedule&) const = default;
};

class Ledger {
 public:
  explicit Ledger(StateOverlay& view) : view_(view) {}
  // The view itself, for records typed outside this class (governance.h).
  StateOverlay& overlay() const { return view_; }

  std::optional<Account> GetAccount(const Address& a) const;
  void PutAccount(const Address& a, const Account& acc);
  std::optional<AssetInfo> GetAsset(std::string_view code) const;
  void PutAsset(const AssetInfo& asset);
  Balance GetBalance(const Address& a, std::string_view code) const;
  void PutBalance(const Address& a, std::string_view code, const Balance& b);  // deletes when zero
  // The latest rate published for the pair, usable or not.
  std::optional<FxRate> GetFxRate(std::string_view base, std::string_view quote) const;
  // Stores `rate` as the pair's latest and under its publication height.
  void PutFxRate(std::string_view base, std::string_view quote, const FxRate& rate);
  uint16_t GetLiquidityFee(const Address& provider) const;
  void PutLiquidityFee(const Address& provider, uint16_t fee_bps);  // deletes when 0
  std::optional<SettledBatch> GetSettledBatch(std::string_view batch_id) const;
  void PutSettledBatch(std::string_view batch_id, const SettledBatch& b);
  std::optional<ExchangeReference> GetExchangeReference(const Address& custody,
                                                        std::string_view reference) const;
  void PutExchangeReference(const Address& custody, std::string_view reference,
                            const ExchangeReference& r);
  std::optional<std::string> GetChainId() const;
  void PutChainId(std::string_view id);
  std::vector<PublicKey> GetValidators() const;
  void PutValidators(const std::vector<PublicKey>& keys);
  ValidatorSchedule GetValidatorSchedule() const;
  void PutValidatorSchedule(const ValidatorSchedule& s);  // deletes when empty

  // Schedules `validators` (leader order, 1..kMaxValidators distinct keys) to
  // decide every height from `effective_height` on, replacing a set
  // scheduled at that same height. REQUIRES (the governance contract checks)
  // effective_height >= current height + kValidatorChangeDelay and >= every
  // height already scheduled. False when the schedule is full.
  bool ScheduleValidatorChange(uint64_t effective_height, std::vector<PublicKey> validators);
  // Block start: moves every scheduled set whose height is <= `height` into
  // the ValidatorSet. True when the set changed.
  bool ActivateValidatorSchedule(uint64_t height);

  // The overlay underneath, for contracts whose records live in their own
  // files (escrow_state.h).
  StateOverlay& view() const { return view_; }

 private:
  StateOverlay& view_;
};

// Read-only helpers over any view (RPC, tests, explorers).
std::optional<Account> ReadAccount(const StateView& view, const Address& a);
std::optional<AssetInfo> ReadAsset(const StateView& view, std::string_view code);
Balance ReadBalance(const StateView& view, const Address& a, std::string_view code);
// The latest rate published for the pair in `view`. Over
// ChainStore::StateAt(h) this is the rate in force at height h (usable when
// rate->UsableAt(h)).
std::optional<FxRate> ReadFxRate(const StateView& view, std::string_view base,
                                 std::string_view quote);
// The rate published for the pair at exactly `height`, if one was.
std::optional<FxRate> ReadFxRatePublishedAt(const StateView& view, std::string_view base,
                                            std::string_view quote, uint64_t height);
// A liquidity provider's fee in basis points (0 when never set).
uint16_t ReadLiquidityFee(const StateView& view, const Address& provider);
std::optional<SettledBatch> ReadSettledBatch(const StateView& view, std::string_view batch_id);
std::optional<ExchangeReference> ReadExchangeReference(const StateView& view,
                                                       const Address& custody,
                                                       std::string_view reference);
std::optional<std::string> ReadChainId(const StateView& view);
// The validator set in force (genesis order); empty before genesis.
std::vector<PublicKey> ReadValidators(const StateView& view);
ValidatorSchedule ReadValidatorSchedule(const StateView& view);
// The validator set deciding `height`, from a state whose last executed block
// is below `height`: the scheduled set of the highest entry <= height, else
// the set in force. Exact for heights up to (last executed height) +
// kValidatorChangeDelay; beyond that a later approval may still change it.
std::vector<PublicKey> ValidatorsAt(const StateView& view, uint64_t height);

}  // namespace corridor::contracts

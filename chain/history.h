// Records ChainStore writes next to each committed block so that explorers,
// statements and statistics never have to decode whole blocks
// (docs/state.md §6):
//
//  - AccountHistoryRecord: what one transaction was to one account it touched
//    — the value of the account history index ('a' ‖ addr ‖ BE64 height ‖
//    BE32 position). It carries the transaction id first (so readers that
//    want only the id read 32 bytes), then the block time, operation type,
//    result code, the operation's asset and amount, the other accounts
//    involved, the memo, and the receipt events that name the account.
//  - BlockSummary: the header plus per-block counts by operation type (and,
//    per type, by non-zero result code) and volumes by asset ('H' ‖ BE64
//    height), small enough to read thousands of them for a statistics window
//    or a time search.
//
// The chain layer gives result codes and events no meaning, with one
// exception stated here: code 0 is success (docs/state.md §4.1), which is what
// the per-block success counts and volumes count. Other codes are only
// counted; what they mean (failed, or held for review) is the reader's to
// decide (node/rpc_stats.cpp classifies them with contracts::ClassOf).
//
// Plain values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/address.h"
#include "chain/block.h"
#include "chain/bytes.h"
#include "chain/receipt.h"

namespace corridor {

// 128-bit sums (volumes over many blocks exceed 2^64). __extension__ keeps
// -Wpedantic quiet about the GNU type.
__extension__ typedef unsigned __int128 Uint128;

// Decimal digits of `v` ("0" for zero).
std::string Uint128ToString(Uint128 v);

struct TxLocation {
  uint64_t height = 0;
  uint32_t position = 0;
  bool operator==(const TxLocation&) const = default;
  auto operator<=>(const TxLocation&) const = default;
};

// The asset and amount an operation names: payment, mint and burn have both;
// create_asset, freeze_asset and unfreeze_asset only the asset; publish_rate
// its base asset; fx_payment the destination asset and amount (what the
// receiver gets). Empty / 0 otherwise.
struct OperationValue {
  std::string asset;
  uint64_t amount = 0;
  bool operator==(const OperationValue&) const = default;
};
OperationValue ValueOf(const Operation& op);

// The accounts an operation names besides its sender (payment and mint `to`,
// the target of register/grant/revoke/freeze/unfreeze, create_asset's issuer,
// fx_payment's receiver and liquidity provider).
std::vector<Address> PartiesOf(const Operation& op);

struct AccountHistoryRecord {
  TxLocation location;  // from the index key
  Hash tx_id;
  uint64_t timestamp_ms = 0;  // the block's
  uint16_t op_type = 0;
  uint16_t code = 0;  // the receipt's result code
  bool is_sender = false;
  OperationValue value;                 // ValueOf(the operation)
  std::vector<Address> counterparties;  // every other account involved, ascending
  std::string memo;
  std::vector<Event> events;  // the receipt's events whose account or counterparty is this account

  // The index value (the location is the key's).
  Bytes EncodeValue() const;
  // nullopt when `value` is not a well-formed record.
  static std::optional<AccountHistoryRecord> DecodeValue(ByteSpan value, TxLocation location);
  bool operator==(const AccountHistoryRecord&) const = default;
};

// The records of the transaction at `position` of a block: one for each
// account it touched — its sender and every non-zero account or counterparty
// of its events — ascending by address.
std::vector<std::pair<Address, AccountHistoryRecord>> BuildAccountHistory(const BlockHeader& header,
                                                                          uint32_t position,
                                                                          const Transaction& tx,
                                                                          const Receipt& receipt);

struct BlockSummary {
  // How many transactions of one type ended with one non-zero code.
  struct CodeCount {
    uint16_t code = 0;
    uint64_t count = 0;
    bool operator==(const CodeCount&) const = default;
  };
  struct TypeCount {
    uint16_t op_type = 0;
    uint64_t total = 0;
    uint64_t succeeded = 0;  // code 0
    // Every non-zero code, ascending; their counts sum to total - succeeded.
    // Empty in summaries of format 1 (written before codes were counted).
    std::vector<CodeCount> codes;
    // The count of `code` (0 for code 0 and for codes not recorded).
    uint64_t CountOf(uint16_t code) const;
    bool operator==(const TypeCount&) const = default;
  };
  // Successful operations that move value (payment, mint, burn) of one asset.
  struct AssetVolume {
    std::string asset;
    uint16_t op_type = 0;
    uint64_t count = 0;
    Uint128 volume = 0;  // sum of amounts, in the asset's smallest unit
    bool operator==(const AssetVolume&) const = default;
  };

  BlockHeader header;
  uint64_t tx_count = 0;
  std::vector<TypeCount> by_type;    // ascending op_type
  std::vector<AssetVolume> volumes;  // ascending (asset, op_type)

  static BlockSummary Build(const Block& block, const std::vector<Receipt>& receipts);
  // Always the current format (2).
  Bytes Encode() const;
  // Reads formats 1 and 2 (docs/state.md §6); nullopt for anything else or
  // when the code counts of a type do not sum to its failures.
  static std::optional<BlockSummary> Decode(ByteSpan data);
  bool operator==(const BlockSummary&) const = default;
};

}  // namespace corridor

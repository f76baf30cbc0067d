// State records of the anti-money-laundering rules and the review queue
// (docs/state.md §3.14). Read helpers here serve RPC and tests; the
// operations that write them are in aml.cpp.
//
// Keys (first byte is the record kind):
//   0x28 | asset code                 AmlRuleList: the asset's rules, ascending id
//   0x29 | BE64 rule id               string asset (which list holds the rule)
//   0x2A | 'r' / 'h' / 's'            u64 next rule / hold / activity-record id (absent: 1)
//   0x2A | 'p'                        u64 hold expiry in blocks (absent: kDefaultHoldExpiryBlocks)
//   0x2B | BE64 hold id               Hold (kept after the decision)
//   0x2C | BE64 deadline | BE64 id    empty; one per OPEN hold (deadline index)
//   0x2D | tx id                      u64 hold id of the held transaction
//   0x2E | address | BE64 rule id     VelocityCounter of the sender under the rule
//   0x2F | BE64 record id             ActivityRecord (suspicious-activity record)
//
// A hold's funds sit in its sender's `locked` balance, so supply == sum of
// (available + locked) still holds, and for every (account, asset) locked ==
// open escrows + dispute holds + open AML holds (checked by the property test).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/hash.h"
#include "chain/operation.h"
#include "chain/state_store.h"

namespace corridor::contracts {

inline constexpr size_t kMaxRulesPerAsset = 64;
inline constexpr uint64_t kDefaultHoldExpiryBlocks = 10'000;
// At most this many holds expire at the start of one block; the rest wait
// for the next blocks, in (deadline, id) order. With the escrow refunds
// (kMaxRefundsPerBlock) the block's system events still fit one state value.
inline constexpr size_t kMaxHoldExpiriesPerBlock = 1'000;

struct AmlRule {
  uint64_t id = 0;
  AmlRuleKind kind = AmlRuleKind::kThreshold;
  std::string asset;
  std::string from_jurisdiction;  // "" = any
  std::string to_jurisdiction;    // "" = any
  uint64_t max_amount = 0;        // threshold: per transaction; velocity: per window (0 = none)
  uint64_t max_count = 0;         // velocity: per window (0 = none)
  uint64_t window_blocks = 0;     // velocity
  Address set_by;
  uint64_t set_height = 0;

  // Whether the rule looks at a transaction from `from` to `to` jurisdictions.
  bool Matches(std::string_view from, std::string_view to) const {
    return (from_jurisdiction.empty() || from_jurisdiction == from) &&
           (to_jurisdiction.empty() || to_jurisdiction == to);
  }
  // First height of the velocity window that contains `height`.
  uint64_t WindowStart(uint64_t height) const { return height - height % window_blocks; }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, AmlRule& out);
  bool operator==(const AmlRule&) const = default;
};

enum class HoldStatus : uint8_t { kOpen = 0, kApproved = 1, kRejected = 2, kExpired = 3 };
inline constexpr uint8_t kMaxHoldStatus = 3;
std::string_view HoldStatusName(HoldStatus s);  // "open", "approved", "rejected", "expired"

struct Hold {
  uint64_t id = 0;  // from the key
  Hash tx_id;       // the held transaction
  Address sender;
  Address receiver;
  Operation op;       // the held operation, applied as it is on approval
  std::string asset;  // what is locked in the sender's balance
  uint64_t amount = 0;
  uint64_t rule_id = 0;  // the first rule it tripped
  uint64_t created_height = 0;
  uint64_t deadline_height = 0;  // expires at the first block of height >= this
  HoldStatus status = HoldStatus::kOpen;
  Address decided_by;  // zero while open and for an expiry
  uint64_t decided_height = 0;
  Hash decision_tx;    // zero while open and for an expiry
  std::string reason;  // the decision's

  Bytes Encode() const;
  static std::optional<Hold> Decode(uint64_t id, ByteSpan data);
  bool operator==(const Hold&) const = default;
};

struct VelocityCounter {
  uint64_t window_start = 0;
  uint64_t total = 0;
  uint64_t count = 0;
  bool operator==(const VelocityCounter&) const = default;
};

enum class ActivityKind : uint8_t { kHeld = 1, kRejected = 2, kExpired = 3 };
std::string_view ActivityKindName(ActivityKind k);  // "held", "rejected", "expired"

// A suspicious-activity record: one per hold, one per rejection or expiry.
struct ActivityRecord {
  uint64_t id = 0;  // from the key
  ActivityKind kind = ActivityKind::kHeld;
  uint64_t hold_id = 0;
  Address subject;       // the held payment's sender
  Address counterparty;  // its receiver
  std::string asset;
  uint64_t amount = 0;
  uint64_t rule_id = 0;
  uint64_t height = 0;
  Hash tx_id;      // the held transaction (held), the rejection (rejected); zero for expiry
  Address author;  // the compliance account that rejected; zero otherwise
  std::string reason;

  Bytes Encode() const;
  static std::optional<ActivityRecord> Decode(uint64_t id, ByteSpan data);
  bool operator==(const ActivityRecord&) const = default;
};

Bytes AmlRuleListKey(std::string_view asset);
Bytes AmlRuleListPrefix();  // every asset's list
Bytes AmlRuleAssetKey(uint64_t rule_id);
Bytes NextAmlIdKey(char which);  // 'r' rules, 'h' holds, 's' activity records
Bytes HoldExpiryParamKey();
Bytes HoldKey(uint64_t id);
Bytes HoldPrefix();
Bytes HoldDeadlineKey(uint64_t deadline, uint64_t id);
Bytes HoldDeadlinePrefix();
Bytes HoldByTxKey(const Hash& tx_id);
Bytes VelocityCounterKey(const Address& account, uint64_t rule_id);
Bytes ActivityRecordKey(uint64_t id);
Bytes ActivityRecordPrefix();

Bytes EncodeAmlRules(const std::vector<AmlRule>& rules);
std::optional<std::vector<AmlRule>> DecodeAmlRules(ByteSpan data);
Bytes EncodeVelocityCounter(const VelocityCounter& c);

// The asset's rules, ascending id (empty when none).
std::vector<AmlRule> ReadAmlRules(const StateView& view, std::string_view asset);
std::optional<AmlRule> ReadAmlRule(const StateView& view, uint64_t rule_id);
uint64_t ReadHoldExpiryBlocks(const StateView& view);
std::optional<Hold> ReadHold(const StateView& view, uint64_t id);
std::optional<uint64_t> ReadHoldIdOfTx(const StateView& view, const Hash& tx_id);
VelocityCounter ReadVelocityCounter(const StateView& view, const Address& account,
                                    uint64_t rule_id);
std::optional<ActivityRecord> ReadActivityRecord(const StateView& view, uint64_t id);

}  // namespace corridor::contracts

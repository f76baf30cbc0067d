// Compliance operations (docs/state.md §3.14): anti-money-laundering rules and
// the review queue of held payments. Type codes 40-49.
//
// Included by chain/operation.h, which puts them in the Operation variant;
// the state machine gives them meaning in contracts/aml.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chain/encoding.h"

namespace corridor {

enum class OpType : uint16_t;

// What an AML rule limits (docs/state.md §3.14).
enum class AmlRuleKind : uint8_t {
  // One transaction's amount of the asset above max_amount is held.
  kThreshold = 1,
  // The sender's total (max_amount, 0 = no limit) or number (max_count, 0 =
  // no limit) of transactions of the asset within one window of
  // window_blocks heights; the transaction that would exceed it is held.
  kVelocity = 2,
};
inline constexpr uint8_t kMaxAmlRuleKind = 2;
std::string_view AmlRuleKindName(AmlRuleKind kind);  // "threshold", "velocity"
bool ParseAmlRuleKind(std::string_view name, AmlRuleKind& out);

inline constexpr size_t kMaxHoldReasonBytes = 256;
inline constexpr uint64_t kMaxVelocityWindowBlocks = 10'000'000;
inline constexpr uint64_t kMaxHoldExpiryBlocks = 10'000'000;

// Compliance: creates (rule_id 0) or replaces (rule_id of an existing rule)
// an AML rule. Empty jurisdictions match any; both are ISO 3166-1 alpha-2
// otherwise (the sender's and the receiver's registered jurisdictions).
struct AmlRuleSet {
  static constexpr OpType kType = static_cast<OpType>(40);
  static constexpr std::string_view kName = "aml_rule_set";

  uint64_t rule_id = 0;
  AmlRuleKind kind = AmlRuleKind::kThreshold;
  std::string asset;
  std::string from_jurisdiction;  // "" or two letters A-Z
  std::string to_jurisdiction;    // "" or two letters A-Z
  uint64_t max_amount = 0;
  uint64_t max_count = 0;      // velocity only
  uint64_t window_blocks = 0;  // velocity only, 1..kMaxVelocityWindowBlocks

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, AmlRuleSet& out);
  bool operator==(const AmlRuleSet&) const = default;
};

// Compliance: removes a rule. Holds it caused stay in the queue.
struct AmlRuleRemove {
  static constexpr OpType kType = static_cast<OpType>(41);
  static constexpr std::string_view kName = "aml_rule_remove";

  uint64_t rule_id = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, AmlRuleRemove& out);
  bool operator==(const AmlRuleRemove&) const = default;
};

// Compliance: applies a held payment now (it runs as if submitted in this
// block, without the AML screen).
struct HoldApprove {
  static constexpr OpType kType = static_cast<OpType>(42);
  static constexpr std::string_view kName = "hold_approve";

  uint64_t hold_id = 0;
  std::string reason;  // 1..kMaxHoldReasonBytes of printable UTF-8

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, HoldApprove& out);
  bool operator==(const HoldApprove&) const = default;
};

// Compliance: refuses a held payment; its funds return to the sender.
struct HoldReject {
  static constexpr OpType kType = static_cast<OpType>(43);
  static constexpr std::string_view kName = "hold_reject";

  uint64_t hold_id = 0;
  std::string reason;  // 1..kMaxHoldReasonBytes of printable UTF-8

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, HoldReject& out);
  bool operator==(const HoldReject&) const = default;
};

// Compliance: the number of blocks a new hold waits for a decision before it
// expires (refunded), 1..kMaxHoldExpiryBlocks.
struct AmlSetHoldExpiry {
  static constexpr OpType kType = static_cast<OpType>(44);
  static constexpr std::string_view kName = "aml_set_hold_expiry";

  uint64_t blocks = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, AmlSetHoldExpiry& out);
  bool operator==(const AmlSetHoldExpiry&) const = default;
};

}  // namespace corridor

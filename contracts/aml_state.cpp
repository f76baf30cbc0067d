#include "contracts/aml_state.h"

#include <cstdlib>

#include "chain/encoding.h"
#include "chain/limits.h"
#include "contracts/state_keys.h"

namespace corridor::contracts {
namespace {

constexpr uint8_t kRuleListKind = 0x28;
constexpr uint8_t kRuleAssetKind = 0x29;
constexpr uint8_t kAmlMetaKind = 0x2A;
constexpr uint8_t kHoldKind = 0x2B;
constexpr uint8_t kHoldDeadlineKind = 0x2C;
constexpr uint8_t kHoldByTxKind = 0x2D;
constexpr uint8_t kVelocityKind = 0x2E;
constexpr uint8_t kActivityKind = 0x2F;

using internal::KindKey;
using internal::SetBE64;

Bytes IdKey(uint8_t kind, uint64_t id) {
  Bytes k = KindKey(kind, 9);
  SetBE64(k, 1, id);
  return k;
}

[[noreturn]] void Corrupt() {
  std::abort();  // a stored record that does not decode: the store is corrupt
}

// The largest rule: fixed fields plus an asset code and two jurisdictions.
constexpr size_t kMinRuleBytes = 8 + 1 + 2 + 1 + 1 + 8 * 3 + Address::kSize + 8;

}  // namespace

std::string_view HoldStatusName(HoldStatus s) {
  switch (s) {
    case HoldStatus::kOpen:
      return "open";
    case HoldStatus::kApproved:
      return "approved";
    case HoldStatus::kRejected:
      return "rejected";
    case HoldStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

std::string_view ActivityKindName(ActivityKind k) {
  switch (k) {
    case ActivityKind::kHeld:
      return "held";
    case ActivityKind::kRejected:
      return "rejected";
    case ActivityKind::kExpired:
      return "expired";
  }
  return "unknown";
}

Bytes AmlRuleListKey(std::string_view asset) {
  Bytes k = KindKey(kRuleListKind, 1 + asset.size());
  for (size_t i = 0; i < asset.size(); ++i) k[1 + i] = static_cast<uint8_t>(asset[i]);
  return k;
}
Bytes AmlRuleListPrefix() {
  return KindKey(kRuleListKind, 1);
}
Bytes AmlRuleAssetKey(uint64_t rule_id) {
  return IdKey(kRuleAssetKind, rule_id);
}
Bytes NextAmlIdKey(char which) {
  Bytes k = KindKey(kAmlMetaKind, 2);
  k[1] = static_cast<uint8_t>(which);
  return k;
}
Bytes HoldExpiryParamKey() {
  return NextAmlIdKey('p');
}
Bytes HoldKey(uint64_t id) {
  return IdKey(kHoldKind, id);
}
Bytes HoldPrefix() {
  return KindKey(kHoldKind, 1);
}
Bytes HoldDeadlineKey(uint64_t deadline, uint64_t id) {
  Bytes k = KindKey(kHoldDeadlineKind, 17);
  SetBE64(k, 1, deadline);
  SetBE64(k, 9, id);
  return k;
}
Bytes HoldDeadlinePrefix() {
  return KindKey(kHoldDeadlineKind, 1);
}
Bytes HoldByTxKey(const Hash& tx_id) {
  Bytes k = KindKey(kHoldByTxKind, 1 + Hash::kSize);
  for (size_t i = 0; i < Hash::kSize; ++i) k[1 + i] = tx_id.bytes[i];
  return k;
}
Bytes VelocityCounterKey(const Address& account, uint64_t rule_id) {
  Bytes k = KindKey(kVelocityKind, 1 + Address::kSize + 8);
  for (size_t i = 0; i < Address::kSize; ++i) k[1 + i] = account.bytes[i];
  SetBE64(k, 1 + Address::kSize, rule_id);
  return k;
}
Bytes ActivityRecordKey(uint64_t id) {
  return IdKey(kActivityKind, id);
}
Bytes ActivityRecordPrefix() {
  return KindKey(kActivityKind, 1);
}

void AmlRule::Encode(Writer& w) const {
  w.U64(id);
  w.U8(static_cast<uint8_t>(kind));
  w.String(asset);
  w.String(from_jurisdiction);
  w.String(to_jurisdiction);
  w.U64(max_amount);
  w.U64(max_count);
  w.U64(window_blocks);
  w.Fixed(set_by.bytes);
  w.U64(set_height);
}

bool AmlRule::Decode(Reader& r, AmlRule& out) {
  r.U64(out.id);
  uint8_t kind = 0;
  r.U8(kind);
  r.String(out.asset, kMaxAssetCodeBytes);
  r.String(out.from_jurisdiction, 2);
  r.String(out.to_jurisdiction, 2);
  r.U64(out.max_amount);
  r.U64(out.max_count);
  r.U64(out.window_blocks);
  r.Fixed(out.set_by.bytes);
  r.U64(out.set_height);
  if (!r.ok() || kind == 0 || kind > kMaxAmlRuleKind) return false;
  out.kind = static_cast<AmlRuleKind>(kind);
  return !(out.kind == AmlRuleKind::kVelocity && out.window_blocks == 0);
}

Bytes EncodeAmlRules(const std::vector<AmlRule>& rules) {
  Writer w(8 + rules.size() * 96);
  w.Varint(rules.size());
  for (const AmlRule& rule : rules) rule.Encode(w);
  return std::move(w).Take();
}

std::optional<std::vector<AmlRule>> DecodeAmlRules(ByteSpan data) {
  Reader r(data);
  uint64_t n = 0;
  std::vector<AmlRule> rules;
  if (r.Count(n, kMaxRulesPerAsset, kMinRuleBytes)) {
    rules.resize(n);
    for (AmlRule& rule : rules) {
      if (!AmlRule::Decode(r, rule)) return std::nullopt;
    }
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return rules;
}

Bytes EncodeVelocityCounter(const VelocityCounter& c) {
  Writer w(24);
  w.U64(c.window_start);
  w.U64(c.total);
  w.U64(c.count);
  return std::move(w).Take();
}

Bytes Hold::Encode() const {
  Writer w(256 + reason.size());
  w.Fixed(tx_id.bytes);
  w.Fixed(sender.bytes);
  w.Fixed(receiver.bytes);
  EncodeOperation(w, op);
  w.String(asset);
  w.U64(amount);
  w.U64(rule_id);
  w.U64(created_height);
  w.U64(deadline_height);
  w.U8(static_cast<uint8_t>(status));
  w.Fixed(decided_by.bytes);
  w.U64(decided_height);
  w.Fixed(decision_tx.bytes);
  w.String(reason);
  return std::move(w).Take();
}

std::optional<Hold> Hold::Decode(uint64_t id, ByteSpan data) {
  Reader r(data);
  Hold h;
  h.id = id;
  r.Fixed(h.tx_id.bytes);
  r.Fixed(h.sender.bytes);
  r.Fixed(h.receiver.bytes);
  if (!DecodeOperation(r, h.op)) return std::nullopt;
  r.String(h.asset, kMaxAssetCodeBytes);
  r.U64(h.amount);
  r.U64(h.rule_id);
  r.U64(h.created_height);
  r.U64(h.deadline_height);
  uint8_t status = 0;
  r.U8(status);
  r.Fixed(h.decided_by.bytes);
  r.U64(h.decided_height);
  r.Fixed(h.decision_tx.bytes);
  r.String(h.reason, kMaxHoldReasonBytes);
  if (!r.ExpectEnd() || status > kMaxHoldStatus) return std::nullopt;
  h.status = static_cast<HoldStatus>(status);
  return h;
}

Bytes ActivityRecord::Encode() const {
  Writer w(200 + reason.size());
  w.U8(static_cast<uint8_t>(kind));
  w.U64(hold_id);
  w.Fixed(subject.bytes);
  w.Fixed(counterparty.bytes);
  w.String(asset);
  w.U64(amount);
  w.U64(rule_id);
  w.U64(height);
  w.Fixed(tx_id.bytes);
  w.Fixed(author.bytes);
  w.String(reason);
  return std::move(w).Take();
}

std::optional<ActivityRecord> ActivityRecord::Decode(uint64_t id, ByteSpan data) {
  Reader r(data);
  ActivityRecord a;
  a.id = id;
  uint8_t kind = 0;
  r.U8(kind);
  r.U64(a.hold_id);
  r.Fixed(a.subject.bytes);
  r.Fixed(a.counterparty.bytes);
  r.String(a.asset, kMaxAssetCodeBytes);
  r.U64(a.amount);
  r.U64(a.rule_id);
  r.U64(a.height);
  r.Fixed(a.tx_id.bytes);
  r.Fixed(a.author.bytes);
  r.String(a.reason, kMaxHoldReasonBytes);
  if (!r.ExpectEnd() || kind < 1 || kind > 3) return std::nullopt;
  a.kind = static_cast<ActivityKind>(kind);
  return a;
}

std::vector<AmlRule> ReadAmlRules(const StateView& view, std::string_view asset) {
  auto v = view.Get(AmlRuleListKey(asset));
  if (!v) return {};
  auto rules = DecodeAmlRules(*v);
  if (!rules) Corrupt();
  return std::move(*rules);
}

std::optional<AmlRule> ReadAmlRule(const StateView& view, uint64_t rule_id) {
  auto v = view.Get(AmlRuleAssetKey(rule_id));
  if (!v) return std::nullopt;
  Reader r(*v);
  std::string asset;
  r.String(asset, kMaxAssetCodeBytes);
  if (!r.ExpectEnd()) Corrupt();
  for (AmlRule& rule : ReadAmlRules(view, asset)) {
    if (rule.id == rule_id) return std::move(rule);
  }
  Corrupt();  // the id index names a list that does not hold the rule
}

uint64_t ReadHoldExpiryBlocks(const StateView& view) {
  auto v = view.Get(HoldExpiryParamKey());
  if (!v) return kDefaultHoldExpiryBlocks;
  Reader r(*v);
  uint64_t blocks = 0;
  r.U64(blocks);
  if (!r.ExpectEnd() || blocks == 0) Corrupt();
  return blocks;
}

std::optional<Hold> ReadHold(const StateView& view, uint64_t id) {
  auto v = view.Get(HoldKey(id));
  if (!v) return std::nullopt;
  auto h = Hold::Decode(id, *v);
  if (!h) Corrupt();
  return h;
}

std::optional<uint64_t> ReadHoldIdOfTx(const StateView& view, const Hash& tx_id) {
  auto v = view.Get(HoldByTxKey(tx_id));
  if (!v) return std::nullopt;
  Reader r(*v);
  uint64_t id = 0;
  r.U64(id);
  if (!r.ExpectEnd()) Corrupt();
  return id;
}

VelocityCounter ReadVelocityCounter(const StateView& view, const Address& account,
                                    uint64_t rule_id) {
  VelocityCounter c;
  auto v = view.Get(VelocityCounterKey(account, rule_id));
  if (!v) return c;
  Reader r(*v);
  r.U64(c.window_start);
  r.U64(c.total);
  r.U64(c.count);
  if (!r.ExpectEnd()) Corrupt();
  return c;
}

std::optional<ActivityRecord> ReadActivityRecord(const StateView& view, uint64_t id) {
  auto v = view.Get(ActivityRecordKey(id));
  if (!v) return std::nullopt;
  auto a = ActivityRecord::Decode(id, *v);
  if (!a) Corrupt();
  return a;
}

}  // namespace corridor::contracts

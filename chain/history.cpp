#include "chain/history.h"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include "chain/encoding.h"
#include "chain/limits.h"

namespace corridor {
namespace {

constexpr uint8_t kRecordFormat = 1;
// Format 1: no per-code counts. Format 2 adds them (docs/state.md §6).
constexpr uint8_t kSummaryFormatNoCodes = 1;
constexpr uint8_t kSummaryFormat = 2;
// Bounds for decoding stored records (they are ours, but a decoder never
// trusts a length it reads).
constexpr uint64_t kMaxCounterparties = 2 * kMaxReceiptEvents + 2;
constexpr size_t kMaxHeaderBytes = 1024;
constexpr uint64_t kMaxOpTypes = 1 << 16;
constexpr uint64_t kMaxVolumes = kMaxBlockTransactions;
constexpr size_t kMinEventBytes = 2 + 2 * Address::kSize + 1 + 16;

void PutU128(Writer& w, Uint128 v) {
  w.U64(static_cast<uint64_t>(v >> 64));
  w.U64(static_cast<uint64_t>(v));
}

bool GetU128(Reader& r, Uint128& v) {
  uint64_t hi = 0, lo = 0;
  if (!r.U64(hi) || !r.U64(lo)) return false;
  v = (static_cast<Uint128>(hi) << 64) | lo;
  return true;
}

}  // namespace

std::string Uint128ToString(Uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

OperationValue ValueOf(const Operation& op) {
  return std::visit(
      [](const auto& o) -> OperationValue {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Payment> || std::is_same_v<T, Mint> ||
                      std::is_same_v<T, Burn>) {
          return {o.asset, o.amount};
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          return {o.code, 0};
        } else if constexpr (std::is_same_v<T, FreezeAsset> || std::is_same_v<T, UnfreezeAsset>) {
          return {o.asset, 0};
        } else if constexpr (std::is_same_v<T, PublishRate>) {
          return {o.base, 0};
        } else if constexpr (std::is_same_v<T, FxPayment>) {
          return {o.dest_asset, o.dest_amount};
        } else if constexpr (std::is_same_v<T, ExchangeDeposit> ||
                             std::is_same_v<T, ExchangeWithdrawal> ||
                             std::is_same_v<T, EscrowCreate>) {
          return {o.asset, o.amount};
        } else {
          return {};
        }
      },
      op);
}

std::vector<Address> PartiesOf(const Operation& op) {
  return std::visit(
      [](const auto& o) -> std::vector<Address> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Payment> || std::is_same_v<T, Mint>) {
          return {o.to};
        } else if constexpr (std::is_same_v<T, RegisterAccount> || std::is_same_v<T, GrantRole> ||
                             std::is_same_v<T, RevokeRole> || std::is_same_v<T, FreezeAccount> ||
                             std::is_same_v<T, UnfreezeAccount>) {
          return {o.account};
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          return {o.issuer};
        } else if constexpr (std::is_same_v<T, FxPayment>) {
          return {o.to, o.liquidity_provider};
        } else if constexpr (std::is_same_v<T, ExchangeDeposit>) {
          return {o.custody};
        } else if constexpr (std::is_same_v<T, ExchangeWithdrawal>) {
          return {o.to};
        } else if constexpr (std::is_same_v<T, EscrowCreate>) {
          if (o.arbiter.IsZero()) return {o.to};
          return {o.to, o.arbiter};
        } else {
          return {};
        }
      },
      op);
}

// ------------------------------------------------------- AccountHistoryRecord

Bytes AccountHistoryRecord::EncodeValue() const {
  Writer w(128 + memo.size() + events.size() * 80);
  w.Fixed(tx_id.bytes);
  w.U8(kRecordFormat);
  w.U64(timestamp_ms);
  w.U16(op_type);
  w.U16(code);
  w.Bool(is_sender);
  w.String(value.asset);
  w.U64(value.amount);
  w.Varint(counterparties.size());
  for (const Address& a : counterparties) w.Fixed(a.bytes);
  w.String(memo);
  w.Varint(events.size());
  for (const Event& e : events) e.Encode(w);
  return std::move(w).Take();
}

std::optional<AccountHistoryRecord> AccountHistoryRecord::DecodeValue(ByteSpan value,
                                                                      TxLocation location) {
  Reader r(value);
  AccountHistoryRecord rec;
  rec.location = location;
  uint8_t format = 0;
  r.Fixed(rec.tx_id.bytes);
  if (!r.U8(format) || format != kRecordFormat) return std::nullopt;
  r.U64(rec.timestamp_ms);
  r.U16(rec.op_type);
  r.U16(rec.code);
  r.Bool(rec.is_sender);
  r.String(rec.value.asset, kMaxAssetCodeBytes);
  r.U64(rec.value.amount);
  uint64_t n = 0;
  if (!r.Count(n, kMaxCounterparties, Address::kSize)) return std::nullopt;
  rec.counterparties.resize(n);
  for (Address& a : rec.counterparties) r.Fixed(a.bytes);
  r.String(rec.memo, kMaxMemoBytes);
  if (!r.Count(n, kMaxReceiptEvents, kMinEventBytes)) return std::nullopt;
  rec.events.resize(n);
  for (Event& e : rec.events) {
    if (!Event::Decode(r, e)) return std::nullopt;
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return rec;
}

std::vector<std::pair<Address, AccountHistoryRecord>> BuildAccountHistory(const BlockHeader& header,
                                                                          uint32_t position,
                                                                          const Transaction& tx,
                                                                          const Receipt& receipt) {
  const TxBody& body = tx.body();
  // Each touched account's counterparties are the accounts it shares an
  // event with, plus the sender (for the others) or the operation's named
  // parties (for the sender). Not "everyone in the transaction": a
  // settlement batch touches thousands of accounts that did not trade with
  // each other.
  struct Touch {
    std::set<Address> others;
    std::vector<const Event*> events;  // in receipt order
  };
  std::map<Address, Touch> touched;
  touched[body.sender];
  for (const Event& e : receipt.events) {
    if (!e.account.IsZero()) touched[e.account].events.push_back(&e);
    if (!e.counterparty.IsZero() && e.counterparty != e.account) {
      touched[e.counterparty].events.push_back(&e);
    }
    if (!e.account.IsZero() && !e.counterparty.IsZero()) {
      touched[e.account].others.insert(e.counterparty);
      touched[e.counterparty].others.insert(e.account);
    }
  }
  for (const Address& a : PartiesOf(body.op)) {
    if (!a.IsZero()) touched[body.sender].others.insert(a);
  }
  for (auto& [account, t] : touched) {
    if (account != body.sender) t.others.insert(body.sender);
    t.others.erase(account);
  }

  AccountHistoryRecord common;
  common.location = {header.height, position};
  common.tx_id = tx.id();
  common.timestamp_ms = header.timestamp_ms;
  common.op_type = static_cast<uint16_t>(TypeOf(body.op));
  common.code = receipt.code;
  common.value = ValueOf(body.op);
  common.memo = body.memo;

  std::vector<std::pair<Address, AccountHistoryRecord>> out;
  out.reserve(touched.size());
  for (const auto& [account, t] : touched) {
    AccountHistoryRecord rec = common;
    rec.is_sender = account == body.sender;
    rec.counterparties.assign(t.others.begin(), t.others.end());
    rec.events.reserve(t.events.size());
    for (const Event* e : t.events) rec.events.push_back(*e);
    out.emplace_back(account, std::move(rec));
  }
  return out;
}

// --------------------------------------------------------------- BlockSummary

uint64_t BlockSummary::TypeCount::CountOf(uint16_t code) const {
  for (const CodeCount& c : codes) {
    if (c.code == code) return c.count;
  }
  return 0;
}

BlockSummary BlockSummary::Build(const Block& block, const std::vector<Receipt>& receipts) {
  BlockSummary s;
  s.header = block.header();
  const auto& txs = block.transactions();
  s.tx_count = txs.size();
  std::map<uint16_t, TypeCount> types;
  std::map<std::pair<uint16_t, uint16_t>, uint64_t> codes;  // (type, code) -> count
  std::map<std::pair<std::string, uint16_t>, AssetVolume> volumes;
  for (size_t i = 0; i < txs.size(); ++i) {
    const Operation& op = txs[i]->body().op;
    uint16_t type = static_cast<uint16_t>(TypeOf(op));
    // A missing receipt cannot happen for a committed block (CommitBlock
    // checks the receipts root); counted as code 0xFFFF rather than success.
    const uint16_t code = i < receipts.size() ? receipts[i].code : 0xFFFF;
    bool ok = code == 0;
    TypeCount& tc = types[type];
    tc.op_type = type;
    ++tc.total;
    if (ok) {
      ++tc.succeeded;
    } else {
      ++codes[{type, code}];
    }
    OperationValue v = ValueOf(op);
    if (ok && v.amount != 0) {
      AssetVolume& av = volumes[{v.asset, type}];
      av.asset = v.asset;
      av.op_type = type;
      ++av.count;
      av.volume += v.amount;
    }
  }
  for (const auto& [key, count] : codes) types[key.first].codes.push_back({key.second, count});
  for (auto& [type, tc] : types) s.by_type.push_back(std::move(tc));
  for (auto& [key, av] : volumes) s.volumes.push_back(std::move(av));
  return s;
}

Bytes BlockSummary::Encode() const {
  Writer w(256 + by_type.size() * 12 + volumes.size() * 40);
  w.U8(kSummaryFormat);
  w.VarBytes(header.Encode());
  w.Varint(tx_count);
  w.Varint(by_type.size());
  for (const TypeCount& t : by_type) {
    w.U16(t.op_type);
    w.Varint(t.total);
    w.Varint(t.succeeded);
    w.Varint(t.codes.size());
    for (const CodeCount& c : t.codes) {
      w.U16(c.code);
      w.Varint(c.count);
    }
  }
  w.Varint(volumes.size());
  for (const AssetVolume& v : volumes) {
    w.String(v.asset);
    w.U16(v.op_type);
    w.Varint(v.count);
    PutU128(w, v.volume);
  }
  return std::move(w).Take();
}

std::optional<BlockSummary> BlockSummary::Decode(ByteSpan data) {
  Reader r(data);
  uint8_t format = 0;
  if (!r.U8(format) || (format != kSummaryFormat && format != kSummaryFormatNoCodes)) {
    return std::nullopt;
  }
  Bytes header_bytes;
  if (!r.VarBytes(header_bytes, kMaxHeaderBytes)) return std::nullopt;
  auto header = BlockHeader::Decode(header_bytes);
  if (!header) return std::nullopt;
  BlockSummary s;
  s.header = std::move(*header);
  r.Varint(s.tx_count);
  uint64_t n = 0;
  if (!r.Count(n, kMaxOpTypes, 4)) return std::nullopt;
  s.by_type.resize(n);
  for (TypeCount& t : s.by_type) {
    r.U16(t.op_type);
    r.Varint(t.total);
    r.Varint(t.succeeded);
    if (t.succeeded > t.total) return std::nullopt;
    if (format == kSummaryFormatNoCodes) continue;
    uint64_t k = 0;
    if (!r.Count(k, kMaxOpTypes, 3)) return std::nullopt;
    t.codes.resize(k);
    uint64_t failures = 0;
    for (size_t i = 0; i < t.codes.size(); ++i) {
      CodeCount& c = t.codes[i];
      if (!r.U16(c.code) || !r.Varint(c.count)) return std::nullopt;
      // Ascending, non-zero codes with non-zero counts: one encoding per summary.
      if (c.code == 0 || c.count == 0 || (i > 0 && c.code <= t.codes[i - 1].code)) {
        return std::nullopt;
      }
      if (__builtin_add_overflow(failures, c.count, &failures)) return std::nullopt;
    }
    if (failures != t.total - t.succeeded) return std::nullopt;
  }
  if (!r.Count(n, kMaxVolumes, 20)) return std::nullopt;
  s.volumes.resize(n);
  for (AssetVolume& v : s.volumes) {
    r.String(v.asset, kMaxAssetCodeBytes);
    r.U16(v.op_type);
    r.Varint(v.count);
    GetU128(r, v.volume);
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return s;
}

}  // namespace corridor

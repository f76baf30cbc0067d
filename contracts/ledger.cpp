#include "contracts/ledger.h"

#include <cstdlib>
#include <cstring>

#include "chain/encoding.h"
#include "chain/limits.h"

namespace corridor::contracts {
namespace {
constexpr uint8_t kMetaKind = 0x00;
constexpr uint8_t kAccountKind = 0x01;
constexpr uint8_t kAssetKind = 0x02;
constexpr uint8_t kBalanceKind = 0x03;
constexpr uint8_t kFxRateKind = 0x04;
constexpr uint8_t kFxRateHistoryKind = 0x05;
constexpr uint8_t kLiquidityFeeKind = 0x06;
constexpr uint8_t kSettledBatchKind = 0x07;
constexpr uint8_t kExchangeReferenceKind = 0x08;

[[noreturn]] void Corrupt() {
  // A stored record that does not decode means the store is corrupt; the node
  // cannot execute deterministically, so it stops.
  std::abort();
}
}  // namespace

// kind | parts... (resize + memcpy: g++ 12 -O3 reports a false
// -Warray-bounds for vector{kind} followed by insert.)
namespace {
Bytes KindKey(uint8_t kind, ByteSpan a, ByteSpan b = {}) {
  Bytes k(1 + a.size() + b.size());
  k[0] = kind;
  if (!a.empty()) std::memcpy(k.data() + 1, a.data(), a.size());
  if (!b.empty()) std::memcpy(k.data() + 1 + a.size(), b.data(), b.size());
  return k;
}
}  // namespace

Bytes AccountKey(const Address& a) {
  return KindKey(kAccountKind, ByteSpan(a.bytes));
}
Bytes AssetKey(std::string_view code) {
  return KindKey(kAssetKind, AsBytes(code));
}
Bytes BalanceKey(const Address& a, std::string_view code) {
  return KindKey(kBalanceKind, ByteSpan(a.bytes), AsBytes(code));
}
namespace {
// base '/' quote: '/' is outside the asset-code alphabet, so the split is unambiguous.
std::string PairName(std::string_view base, std::string_view quote) {
  std::string s(base);
  s += '/';
  s += quote;
  return s;
}
}  // namespace

Bytes FxRateKey(std::string_view base, std::string_view quote) {
  return KindKey(kFxRateKind, AsBytes(PairName(base, quote)));
}
Bytes FxRateHistoryPrefix(std::string_view base, std::string_view quote) {
  return KindKey(kFxRateHistoryKind, AsBytes(PairName(base, quote) + "@"));
}
Bytes FxRateHistoryKey(std::string_view base, std::string_view quote, uint64_t height) {
  Bytes k = FxRateHistoryPrefix(base, quote);
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<uint8_t>(height >> (8 * i)));
  return k;
}

Bytes LiquidityFeeKey(const Address& provider) {
  return KindKey(kLiquidityFeeKind, ByteSpan(provider.bytes));
}

Bytes ChainInfoKey() {
  return Bytes{kMetaKind, 'c'};
}
Bytes ValidatorSetKey() {
  return Bytes{kMetaKind, 'v'};
}
Bytes ValidatorScheduleKey() {
  return Bytes{kMetaKind, 's'};
}

Bytes Account::Encode() const {
  Writer w(96);
  w.U8(kyc_level);
  w.String(jurisdiction);
  w.String(display_name);
  w.U32(roles);
  w.Bool(frozen);
  w.U64(next_nonce);
  w.U32(threshold);
  w.Varint(signers.size());
  for (const auto& s : signers) {
    w.Fixed(s.key.bytes);
    w.U32(s.weight);
  }
  return std::move(w).Take();
}

std::optional<Account> Account::Decode(ByteSpan data) {
  Reader r(data);
  Account a;
  r.U8(a.kyc_level);
  r.String(a.jurisdiction, 2);
  r.String(a.display_name, kMaxDisplayNameBytes);
  r.U32(a.roles);
  r.Bool(a.frozen);
  r.U64(a.next_nonce);
  r.U32(a.threshold);
  uint64_t n = 0;
  if (r.Count(n, kMaxSignatures, PublicKey::kSize + 4)) {
    a.signers.resize(n);
    for (auto& s : a.signers) {
      r.Fixed(s.key.bytes);
      r.U32(s.weight);
    }
  }
  if (!r.ExpectEnd()) return std::nullopt;
  return a;
}

Bytes AssetInfo::Encode() const {
  Writer w(40);
  w.U8(decimals);
  w.Fixed(issuer.bytes);
  w.U64(supply);
  w.Bool(frozen);
  return std::move(w).Take();
}

std::optional<AssetInfo> AssetInfo::Decode(ByteSpan code, ByteSpan data) {
  Reader r(data);
  AssetInfo a;
  a.code.assign(code.begin(), code.end());
  r.U8(a.decimals);
  r.Fixed(a.issuer.bytes);
  r.U64(a.supply);
  r.Bool(a.frozen);
  if (!r.ExpectEnd()) return std::nullopt;
  return a;
}

Bytes FxRate::Encode() const {
  Writer w(60);
  w.U64(numerator);
  w.U64(denominator);
  w.U64(valid_from);
  w.U64(valid_until);
  w.Fixed(oracle.bytes);
  w.U64(published_height);
  return std::move(w).Take();
}

std::optional<FxRate> FxRate::Decode(ByteSpan data) {
  Reader r(data);
  FxRate f;
  r.U64(f.numerator);
  r.U64(f.denominator);
  r.U64(f.valid_from);
  r.U64(f.valid_until);
  r.Fixed(f.oracle.bytes);
  r.U64(f.published_height);
  if (!r.ExpectEnd()) return std::nullopt;
  return f;
}

namespace {
std::optional<FxRate> ReadFxRateKey(const StateView& view, ByteSpan key) {
  auto v = view.Get(key);
  if (!v) return std::nullopt;
  auto f = FxRate::Decode(*v);
  if (!f) Corrupt();
  return f;
}
}  // namespace

std::optional<FxRate> ReadFxRate(const StateView& view, std::string_view base,
                                 std::string_view quote) {
  return ReadFxRateKey(view, FxRateKey(base, quote));
}
std::optional<FxRate> ReadFxRatePublishedAt(const StateView& view, std::string_view base,
                                            std::string_view quote, uint64_t height) {
  return ReadFxRateKey(view, FxRateHistoryKey(base, quote, height));
}

namespace {
Bytes EncodeBalance(const Balance& b) {
  Writer w(16);
  w.U64(b.available);
  w.U64(b.locked);
  return std::move(w).Take();
}
Balance DecodeBalance(ByteSpan data) {
  Reader r(data);
  Balance b;
  r.U64(b.available);
  r.U64(b.locked);
  if (!r.ExpectEnd()) Corrupt();
  return b;
}
}  // namespace

std::optional<Account> ReadAccount(const StateView& view, const Address& a) {
  auto v = view.Get(AccountKey(a));
  if (!v) return std::nullopt;
  auto acc = Account::Decode(*v);
  if (!acc) Corrupt();
  return acc;
}

std::optional<AssetInfo> ReadAsset(const StateView& view, std::string_view code) {
  auto v = view.Get(AssetKey(code));
  if (!v) return std::nullopt;
  auto a = AssetInfo::Decode(AsBytes(code), *v);
  if (!a) Corrupt();
  return a;
}

Balance ReadBalance(const StateView& view, const Address& a, std::string_view code) {
  auto v = view.Get(BalanceKey(a, code));
  if (!v) return Balance{};
  return DecodeBalance(*v);
}

std::optional<Account> Ledger::GetAccount(const Address& a) const {
  return ReadAccount(view_, a);
}
void Ledger::PutAccount(const Address& a, const Account& acc) {
  view_.Put(AccountKey(a), acc.Encode());
}
std::optional<AssetInfo> Ledger::GetAsset(std::string_view code) const {
  return ReadAsset(view_, code);
}
void Ledger::PutAsset(const AssetInfo& asset) {
  view_.Put(AssetKey(asset.code), asset.Encode());
}
Balance Ledger::GetBalance(const Address& a, std::string_view code) const {
  return ReadBalance(view_, a, code);
}
void Ledger::PutBalance(const Address& a, std::string_view code, const Balance& b) {
  if (b.IsZero()) {
    view_.Delete(BalanceKey(a, code));
  } else {
    view_.Put(BalanceKey(a, code), EncodeBalance(b));
  }
}

std::optional<FxRate> Ledger::GetFxRate(std::string_view base, std::string_view quote) const {
  return ReadFxRate(view_, base, quote);
}
void Ledger::PutFxRate(std::string_view base, std::string_view quote, const FxRate& rate) {
  Bytes v = rate.Encode();
  view_.Put(FxRateHistoryKey(base, quote, rate.published_height), v);
  view_.Put(FxRateKey(base, quote), std::move(v));
}

uint16_t ReadLiquidityFee(const StateView& view, const Address& provider) {
  auto v = view.Get(LiquidityFeeKey(provider));
  if (!v) return 0;
  Reader r(*v);
  uint16_t fee = 0;
  r.U16(fee);
  if (!r.ExpectEnd() || fee == 0 || fee > kMaxFeeBps) Corrupt();
  return fee;
}
uint16_t Ledger::GetLiquidityFee(const Address& provider) const {
  return ReadLiquidityFee(view_, provider);
}
void Ledger::PutLiquidityFee(const Address& provider, uint16_t fee_bps) {
  if (fee_bps == 0) {
    view_.Delete(LiquidityFeeKey(provider));
    return;
  }
  Writer w(2);
  w.U16(fee_bps);
  view_.Put(LiquidityFeeKey(provider), w.data());
}

std::optional<std::string> ReadChainId(const StateView& view) {
  auto v = view.Get(ChainInfoKey());
  if (!v) return std::nullopt;
  Reader r(*v);
  std::string id;
  r.String(id, kMaxChainIdBytes);
  if (!r.ExpectEnd()) Corrupt();
  return id;
}
std::optional<std::string> Ledger::GetChainId() const {
  return ReadChainId(view_);
}
void Ledger::PutChainId(std::string_view id) {
  Writer w;
  w.String(id);
  view_.Put(ChainInfoKey(), w.data());
}

namespace {
void WriteKeyList(Writer& w, const std::vector<PublicKey>& keys) {
  w.Varint(keys.size());
  for (const auto& k : keys) w.Fixed(k.bytes);
}
void ReadKeyList(Reader& r, std::vector<PublicKey>& out) {
  uint64_t n = 0;
  if (r.Count(n, kMaxValidators, PublicKey::kSize)) {
    out.resize(n);
    for (auto& k : out) r.Fixed(k.bytes);
  }
}
}  // namespace

std::vector<PublicKey> ReadValidators(const StateView& view) {
  std::vector<PublicKey> out;
  auto v = view.Get(ValidatorSetKey());
  if (!v) return out;
  Reader r(*v);
  ReadKeyList(r, out);
  if (!r.ExpectEnd()) Corrupt();
  return out;
}
std::vector<PublicKey> Ledger::GetValidators() const {
  return ReadValidators(view_);
}
void Ledger::PutValidators(const std::vector<PublicKey>& keys) {
  Writer w;
  WriteKeyList(w, keys);
  view_.Put(ValidatorSetKey(), w.data());
}

Bytes ValidatorSchedule::Encode() const {
  Writer w;
  w.Varint(entries.size());
  for (const auto& e : entries) {
    w.U64(e.height);
    WriteKeyList(w, e.validators);
  }
  return std::move(w).Take();
}

std::optional<ValidatorSchedule> ValidatorSchedule::Decode(ByteSpan data) {
  Reader r(data);
  ValidatorSchedule s;
  uint64_t n = 0;
  if (r.Count(n, kMaxScheduledValidatorSets, 8 + 1)) {
    s.entries.resize(n);
    for (auto& e : s.entries) {
      r.U64(e.height);
      ReadKeyList(r, e.validators);
    }
  }
  if (!r.ExpectEnd()) return std::nullopt;
  for (size_t i = 0; i < s.entries.size(); ++i) {
    if (s.entries[i].validators.empty()) return std::nullopt;
    if (i > 0 && s.entries[i - 1].height >= s.entries[i].height) return std::nullopt;
  }
  return s;
}

ValidatorSchedule ReadValidatorSchedule(const StateView& view) {
  auto v = view.Get(ValidatorScheduleKey());
  if (!v) return {};
  auto s = ValidatorSchedule::Decode(*v);
  if (!s) Corrupt();
  return *s;
}

std::vector<PublicKey> ValidatorsAt(const StateView& view, uint64_t height) {
  const ValidatorSchedule s = ReadValidatorSchedule(view);
  for (auto it = s.entries.rbegin(); it != s.entries.rend(); ++it) {
    if (it->height <= height) return it->validators;
  }
  return ReadValidators(view);
}

ValidatorSchedule Ledger::GetValidatorSchedule() const {
  return ReadValidatorSchedule(view_);
}
void Ledger::PutValidatorSchedule(const ValidatorSchedule& s) {
  if (s.entries.empty()) {
    view_.Delete(ValidatorScheduleKey());
  } else {
    view_.Put(ValidatorScheduleKey(), s.Encode());
  }
}

bool Ledger::ScheduleValidatorChange(uint64_t effective_height, std::vector<PublicKey> validators) {
  ValidatorSchedule s = GetValidatorSchedule();
  std::erase_if(s.entries,
                [&](const ValidatorSchedule::Entry& e) { return e.height >= effective_height; });
  if (s.entries.size() >= kMaxScheduledValidatorSets) return false;
  s.entries.push_back({effective_height, std::move(validators)});
  PutValidatorSchedule(s);
  return true;
}

bool Ledger::ActivateValidatorSchedule(uint64_t height) {
  ValidatorSchedule s = GetValidatorSchedule();
  size_t due = 0;
  while (due < s.entries.size() && s.entries[due].height <= height) ++due;
  if (due == 0) return false;
  PutValidators(s.entries[due - 1].validators);
  s.entries.erase(s.entries.begin(), s.entries.begin() + static_cast<std::ptrdiff_t>(due));
  PutValidatorSchedule(s);
  return true;
}

// ---- settlement and exchange records (docs/state.md §3.6, §3.7)

Bytes SettledBatchKey(std::string_view batch_id) {
  return KindKey(kSettledBatchKind, AsBytes(batch_id));
}
Bytes ExchangeReferenceKey(const Address& custody, std::string_view reference) {
  return KindKey(kExchangeReferenceKind, ByteSpan(custody.bytes), AsBytes(reference));
}

Bytes SettledBatch::Encode() const {
  Writer w(32 + 8 + 20 + 8);
  w.Fixed(tx_id.bytes);
  w.U64(height);
  w.Fixed(operator_account.bytes);
  w.U32(trades);
  w.U32(movements);
  return std::move(w).Take();
}
std::optional<SettledBatch> SettledBatch::Decode(ByteSpan data) {
  Reader r(data);
  SettledBatch b;
  r.Fixed(b.tx_id.bytes);
  r.U64(b.height);
  r.Fixed(b.operator_account.bytes);
  r.U32(b.trades);
  r.U32(b.movements);
  if (!r.ExpectEnd()) return std::nullopt;
  return b;
}

Bytes ExchangeReference::Encode() const {
  Writer w(40);
  w.Fixed(tx_id.bytes);
  w.U64(height);
  return std::move(w).Take();
}
std::optional<ExchangeReference> ExchangeReference::Decode(ByteSpan data) {
  Reader r(data);
  ExchangeReference x;
  r.Fixed(x.tx_id.bytes);
  r.U64(x.height);
  if (!r.ExpectEnd()) return std::nullopt;
  return x;
}

std::optional<SettledBatch> ReadSettledBatch(const StateView& view, std::string_view batch_id) {
  auto v = view.Get(SettledBatchKey(batch_id));
  if (!v) return std::nullopt;
  auto b = SettledBatch::Decode(*v);
  if (!b) Corrupt();
  return b;
}
std::optional<ExchangeReference> ReadExchangeReference(const StateView& view,
                                                       const Address& custody,
                                                       std::string_view reference) {
  auto v = view.Get(ExchangeReferenceKey(custody, reference));
  if (!v) return std::nullopt;
  auto x = ExchangeReference::Decode(*v);
  if (!x) Corrupt();
  return x;
}
std::optional<SettledBatch> Ledger::GetSettledBatch(std::string_view batch_id) const {
  return ReadSettledBatch(view_, batch_id);
}
void Ledger::PutSettledBatch(std::string_view batch_id, const SettledBatch& b) {
  view_.Put(SettledBatchKey(batch_id), b.Encode());
}
std::optional<ExchangeReference> Ledger::GetExchangeReference(const Address& custody,
                                                              std::string_view reference) const {
  return ReadExchangeReference(view_, custody, reference);
}
void Ledger::PutExchangeReference(const Address& custody, std::string_view reference,
                                  const ExchangeReference& r) {
  view_.Put(ExchangeReferenceKey(custody, reference), r.Encode());
}

}  // namespace corridor::contracts

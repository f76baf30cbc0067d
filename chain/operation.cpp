#include "chain/operation.h"

#include "chain/limits.h"

namespace corridor {

bool IsValidAssetCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxAssetCodeBytes) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool ReadAssetCode(Reader& r, std::string& out) {
  if (!r.String(out, kMaxAssetCodeBytes)) return false;
  if (!IsValidAssetCode(out)) {
    return r.Fail("bad_asset_code", "asset code must be 1-12 characters A-Z or 0-9");
  }
  return true;
}

void Payment::Encode(Writer& w) const {
  w.Fixed(to.bytes);
  w.String(asset);
  w.U64(amount);
}

bool Payment::Decode(Reader& r, Payment& out) {
  r.Fixed(out.to.bytes);
  ReadAssetCode(r, out.asset);
  r.U64(out.amount);
  return r.ok();
}

bool IsValidRole(uint8_t code) {
  return code <= kMaxRoleCode;
}

namespace {
constexpr std::string_view kRoleNames[] = {
    "admin",     "issuer",  "compliance",         "operator", "oracle",
    "validator", "arbiter", "liquidity_provider", "custody"};

bool ReadRole(Reader& r, Role& out) {
  uint8_t code = 0;
  if (!r.U8(code)) return false;
  if (!IsValidRole(code)) return r.Fail("bad_role", "unknown role code " + std::to_string(code));
  out = static_cast<Role>(code);
  return true;
}

bool ReadAssetCodeField(Reader& r, std::string& out) {
  return ReadAssetCode(r, out);
}
}  // namespace

std::string_view RoleName(Role role) {
  auto c = static_cast<uint8_t>(role);
  return IsValidRole(c) ? kRoleNames[c] : "unknown";
}

bool ParseRole(std::string_view name, Role& out) {
  for (uint8_t c = 0; c <= kMaxRoleCode; ++c) {
    if (kRoleNames[c] == name) {
      out = static_cast<Role>(c);
      return true;
    }
  }
  return false;
}

bool IsValidJurisdiction(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

void RegisterAccount::Encode(Writer& w) const {
  w.Fixed(account.bytes);
  w.U8(kyc_level);
  w.String(jurisdiction);
  w.String(display_name);
}

bool RegisterAccount::Decode(Reader& r, RegisterAccount& out) {
  r.Fixed(out.account.bytes);
  r.U8(out.kyc_level);
  if (r.ok() && out.kyc_level > kMaxKycLevel) {
    r.Fail("bad_kyc_level", "KYC level must be 0-" + std::to_string(kMaxKycLevel));
  }
  r.String(out.jurisdiction, 2);
  if (r.ok() && !IsValidJurisdiction(out.jurisdiction)) {
    r.Fail("bad_jurisdiction", "jurisdiction must be an ISO 3166-1 alpha-2 code (two letters A-Z)");
  }
  r.String(out.display_name, kMaxDisplayNameBytes);
  if (r.ok() && !IsPrintableUtf8(out.display_name)) {
    r.Fail("bad_display_name", "display name must be printable UTF-8");
  }
  return r.ok();
}

void GrantRole::Encode(Writer& w) const {
  w.Fixed(account.bytes);
  w.U8(static_cast<uint8_t>(role));
}
bool GrantRole::Decode(Reader& r, GrantRole& out) {
  r.Fixed(out.account.bytes);
  ReadRole(r, out.role);
  return r.ok();
}
void RevokeRole::Encode(Writer& w) const {
  w.Fixed(account.bytes);
  w.U8(static_cast<uint8_t>(role));
}
bool RevokeRole::Decode(Reader& r, RevokeRole& out) {
  r.Fixed(out.account.bytes);
  ReadRole(r, out.role);
  return r.ok();
}

void SetSigners::Encode(Writer& w) const {
  w.U32(threshold);
  w.Varint(signers.size());
  for (const SignerEntry& s : signers) {
    w.Fixed(s.key.bytes);
    w.U32(s.weight);
  }
}

bool SetSigners::Decode(Reader& r, SetSigners& out) {
  r.U32(out.threshold);
  uint64_t n = 0;
  if (!r.Count(n, kMaxSignatures, PublicKey::kSize + 4)) return false;
  out.signers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    r.Fixed(out.signers[i].key.bytes);
    r.U32(out.signers[i].weight);
    if (r.ok() && i > 0 && !(out.signers[i - 1].key < out.signers[i].key)) {
      return r.Fail("bad_signer_list", "signer keys must be strictly ascending");
    }
  }
  return r.ok();
}

void CreateAsset::Encode(Writer& w) const {
  w.String(code);
  w.U8(decimals);
  w.Fixed(issuer.bytes);
}
bool CreateAsset::Decode(Reader& r, CreateAsset& out) {
  ReadAssetCodeField(r, out.code);
  r.U8(out.decimals);
  if (r.ok() && out.decimals > kMaxAssetDecimals) {
    r.Fail("bad_decimals", "decimals must be 0-" + std::to_string(kMaxAssetDecimals));
  }
  r.Fixed(out.issuer.bytes);
  return r.ok();
}

void Mint::Encode(Writer& w) const {
  w.Fixed(to.bytes);
  w.String(asset);
  w.U64(amount);
}
bool Mint::Decode(Reader& r, Mint& out) {
  r.Fixed(out.to.bytes);
  ReadAssetCodeField(r, out.asset);
  r.U64(out.amount);
  return r.ok();
}

void Burn::Encode(Writer& w) const {
  w.String(asset);
  w.U64(amount);
}
bool Burn::Decode(Reader& r, Burn& out) {
  ReadAssetCodeField(r, out.asset);
  r.U64(out.amount);
  return r.ok();
}

void FreezeAccount::Encode(Writer& w) const {
  w.Fixed(account.bytes);
}
bool FreezeAccount::Decode(Reader& r, FreezeAccount& out) {
  return r.Fixed(out.account.bytes);
}
void UnfreezeAccount::Encode(Writer& w) const {
  w.Fixed(account.bytes);
}
bool UnfreezeAccount::Decode(Reader& r, UnfreezeAccount& out) {
  return r.Fixed(out.account.bytes);
}
void FreezeAsset::Encode(Writer& w) const {
  w.String(asset);
}
bool FreezeAsset::Decode(Reader& r, FreezeAsset& out) {
  return ReadAssetCodeField(r, out.asset);
}
void UnfreezeAsset::Encode(Writer& w) const {
  w.String(asset);
}
bool UnfreezeAsset::Decode(Reader& r, UnfreezeAsset& out) {
  return ReadAssetCodeField(r, out.asset);
}

void PublishRate::Encode(Writer& w) const {
  w.String(base);
  w.String(quote);
  w.U64(numerator);
  w.U64(denominator);
  w.U64(valid_from);
  w.U64(valid_until);
}
bool PublishRate::Decode(Reader& r, PublishRate& out) {
  ReadAssetCodeField(r, out.base);
  ReadAssetCodeField(r, out.quote);
  r.U64(out.numerator);
  r.U64(out.denominator);
  r.U64(out.valid_from);
  r.U64(out.valid_until);
  return r.ok();
}

void FxPayment::Encode(Writer& w) const {
  w.Fixed(to.bytes);
  w.String(source_asset);
  w.String(dest_asset);
  w.U64(dest_amount);
  w.U64(max_source_amount);
  w.Fixed(liquidity_provider.bytes);
}
bool FxPayment::Decode(Reader& r, FxPayment& out) {
  r.Fixed(out.to.bytes);
  ReadAssetCodeField(r, out.source_asset);
  ReadAssetCodeField(r, out.dest_asset);
  r.U64(out.dest_amount);
  r.U64(out.max_source_amount);
  r.Fixed(out.liquidity_provider.bytes);
  return r.ok();
}

void SetLiquidityFee::Encode(Writer& w) const {
  w.U16(fee_bps);
}
bool SetLiquidityFee::Decode(Reader& r, SetLiquidityFee& out) {
  if (r.U16(out.fee_bps) && out.fee_bps > kMaxFeeBps) {
    return r.Fail("bad_fee", "fee must be 0-" + std::to_string(kMaxFeeBps) + " basis points");
  }
  return r.ok();
}

bool IsValidExternalId(std::string_view id) {
  if (id.empty() || id.size() > kMaxExternalIdBytes) return false;
  for (char c : id) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

namespace {
bool ReadExternalId(Reader& r, std::string& out, const char* what) {
  if (!r.String(out, kMaxExternalIdBytes)) return false;
  if (!IsValidExternalId(out)) {
    return r.Fail("bad_external_id", std::string(what) + " must be 1-" +
                                         std::to_string(kMaxExternalIdBytes) +
                                         " bytes of printable ASCII");
  }
  return true;
}
}  // namespace

void Trade::Encode(Writer& w) const {
  w.String(trade_id);
  w.Fixed(buyer.bytes);
  w.Fixed(seller.bytes);
  w.String(base_asset);
  w.U64(base_amount);
  w.String(quote_asset);
  w.U64(quote_amount);
}
bool Trade::Decode(Reader& r, Trade& out) {
  ReadExternalId(r, out.trade_id, "trade id");
  r.Fixed(out.buyer.bytes);
  r.Fixed(out.seller.bytes);
  ReadAssetCodeField(r, out.base_asset);
  r.U64(out.base_amount);
  ReadAssetCodeField(r, out.quote_asset);
  r.U64(out.quote_amount);
  return r.ok();
}

void SettleBatch::Encode(Writer& w) const {
  w.String(batch_id);
  w.Varint(trades.size());
  for (const Trade& t : trades) t.Encode(w);
}
bool SettleBatch::Decode(Reader& r, SettleBatch& out) {
  ReadExternalId(r, out.batch_id, "batch id");
  // Smallest trade: 1-byte id + 2 addresses + two 1-byte codes + amounts.
  constexpr size_t kMinTradeBytes = 2 + 2 * Address::kSize + 2 * 2 + 2 * 8;
  uint64_t n = 0;
  if (!r.Count(n, kMaxBatchTrades, kMinTradeBytes)) return false;
  out.trades.resize(n);
  for (Trade& t : out.trades) {
    if (!Trade::Decode(r, t)) return false;
  }
  return r.ok();
}

void ExchangeDeposit::Encode(Writer& w) const {
  w.Fixed(custody.bytes);
  w.String(asset);
  w.U64(amount);
  w.String(reference);
}
bool ExchangeDeposit::Decode(Reader& r, ExchangeDeposit& out) {
  r.Fixed(out.custody.bytes);
  ReadAssetCodeField(r, out.asset);
  r.U64(out.amount);
  ReadExternalId(r, out.reference, "reference");
  return r.ok();
}

void ExchangeWithdrawal::Encode(Writer& w) const {
  w.Fixed(to.bytes);
  w.String(asset);
  w.U64(amount);
  w.String(reference);
}
bool ExchangeWithdrawal::Decode(Reader& r, ExchangeWithdrawal& out) {
  r.Fixed(out.to.bytes);
  ReadAssetCodeField(r, out.asset);
  r.U64(out.amount);
  ReadExternalId(r, out.reference, "reference");
  return r.ok();
}

void EscrowCreate::Encode(Writer& w) const {
  w.Fixed(to.bytes);
  w.String(asset);
  w.U64(amount);
  w.Fixed(arbiter.bytes);
  w.Fixed(hash_lock.bytes);
  w.U64(deadline_height);
}
bool EscrowCreate::Decode(Reader& r, EscrowCreate& out) {
  r.Fixed(out.to.bytes);
  ReadAssetCodeField(r, out.asset);
  r.U64(out.amount);
  r.Fixed(out.arbiter.bytes);
  r.Fixed(out.hash_lock.bytes);
  r.U64(out.deadline_height);
  return r.ok();
}

void EscrowRelease::Encode(Writer& w) const {
  w.U64(escrow_id);
  w.VarBytes(preimage);
}
bool EscrowRelease::Decode(Reader& r, EscrowRelease& out) {
  r.U64(out.escrow_id);
  r.VarBytes(out.preimage, kMaxPreimageBytes);
  return r.ok();
}

void EscrowCancel::Encode(Writer& w) const {
  w.U64(escrow_id);
}
bool EscrowCancel::Decode(Reader& r, EscrowCancel& out) {
  r.U64(out.escrow_id);
  return r.ok();
}

void DisputeOpen::Encode(Writer& w) const {
  w.Fixed(payment_tx.bytes);
  w.U64(amount);
  w.Bool(hold);
  w.String(reason);
}
bool DisputeOpen::Decode(Reader& r, DisputeOpen& out) {
  r.Fixed(out.payment_tx.bytes);
  r.U64(out.amount);
  r.Bool(out.hold);
  r.String(out.reason, kMaxDisputeReasonBytes);
  return r.ok();
}

void DisputeResolve::Encode(Writer& w) const {
  w.U64(dispute_id);
  w.U64(refund_amount);
}
bool DisputeResolve::Decode(Reader& r, DisputeResolve& out) {
  r.U64(out.dispute_id);
  r.U64(out.refund_amount);
  return r.ok();
}

OpType TypeOf(const Operation& op) {
  return std::visit([](const auto& o) { return std::decay_t<decltype(o)>::kType; }, op);
}

std::string_view NameOf(const Operation& op) {
  return std::visit([](const auto& o) { return std::decay_t<decltype(o)>::kName; }, op);
}

namespace {

template <typename... Ts>
struct OpTable;

template <typename T, typename... Rest>
struct OpTable<T, Rest...> {
  static bool Decode(OpType type, Reader& r, Operation& out) {
    if (type == T::kType) {
      T op;
      if (!T::Decode(r, op)) return false;
      out = std::move(op);
      return true;
    }
    return OpTable<Rest...>::Decode(type, r, out);
  }
  static std::string_view Name(OpType type) {
    return type == T::kType ? T::kName : OpTable<Rest...>::Name(type);
  }
};

template <>
struct OpTable<> {
  static bool Decode(OpType type, Reader& r, Operation&) {
    return r.Fail("unknown_operation",
                  "operation type " + std::to_string(static_cast<uint16_t>(type)) + " is unknown");
  }
  static std::string_view Name(OpType) { return "unknown"; }
};

template <typename V>
struct TableOf;
template <typename... Ts>
struct TableOf<std::variant<Ts...>> {
  using type = OpTable<Ts...>;
};
using Table = TableOf<Operation>::type;

}  // namespace

std::string_view OpTypeName(OpType type) {
  return Table::Name(type);
}

void EncodeOperation(Writer& w, const Operation& op) {
  w.U16(static_cast<uint16_t>(TypeOf(op)));
  Writer payload;
  std::visit([&](const auto& o) { o.Encode(payload); }, op);
  w.VarBytes(payload.data());
}

bool DecodeOperation(Reader& r, Operation& out) {
  uint16_t type = 0;
  if (!r.U16(type)) return false;
  uint64_t len = 0;
  if (!r.Varint(len)) return false;
  if (len > kMaxOperationBytes) {
    return r.Fail("length_too_large", "operation payload of " + std::to_string(len) +
                                          " bytes exceeds " + std::to_string(kMaxOperationBytes));
  }
  ByteSpan payload;
  if (!r.Span(payload, static_cast<size_t>(len))) return false;
  Reader pr(payload);
  if (!Table::Decode(static_cast<OpType>(type), pr, out) || !pr.ExpectEnd()) {
    return r.Fail(pr.error().code, "in operation payload: " + pr.error().message);
  }
  return true;
}

}  // namespace corridor

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

#include "rpc/params.h"

#include "chain/amount.h"

namespace corridor::rpc {

namespace {

std::string Quote(std::string_view name) {
  return "'" + std::string(name) + "'";
}

RpcError Missing(std::string_view name) {
  return RpcError::InvalidParams("missing required param " + Quote(name), name, "missing");
}

RpcError WrongType(std::string_view name, std::string_view expected) {
  return RpcError::InvalidParams("param " + Quote(name) + " must be " + std::string(expected), name,
                                 "wrong_type");
}

RpcError Bad(std::string_view name, const Error& e) {
  return RpcError::InvalidParams("param " + Quote(name) + ": " + e.message, name, e.code);
}

}  // namespace

std::optional<RpcError> Params::CheckObject() const {
  if (params_ != nullptr && !params_->IsObject()) {
    return RpcError::InvalidParams("params must be an object with named members", {}, "wrong_type");
  }
  return std::nullopt;
}

const rapidjson::Value* Params::Find(std::string_view name) const {
  if (params_ == nullptr || !params_->IsObject()) return nullptr;
  auto it = params_->FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  if (it == params_->MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

bool Params::Has(std::string_view name) const {
  return Find(name) != nullptr;
}

Outcome<std::optional<std::string>> Params::GetOptionalString(std::string_view name) const {
  if (auto e = CheckObject()) return std::move(*e);
  const auto* v = Find(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->IsString()) return WrongType(name, "a string");
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

Outcome<std::string> Params::GetString(std::string_view name) const {
  auto r = GetOptionalString(name);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return std::move(**r);
}

Outcome<std::optional<uint64_t>> Params::GetOptionalUint64(std::string_view name) const {
  if (auto e = CheckObject()) return std::move(*e);
  const auto* v = Find(name);
  if (v == nullptr) return std::optional<uint64_t>();
  if (!v->IsUint64()) return WrongType(name, "a non-negative integer");
  return std::optional<uint64_t>(v->GetUint64());
}

Outcome<uint64_t> Params::GetUint64(std::string_view name) const {
  auto r = GetOptionalUint64(name);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return **r;
}

Outcome<std::optional<bool>> Params::GetOptionalBool(std::string_view name) const {
  if (auto e = CheckObject()) return std::move(*e);
  const auto* v = Find(name);
  if (v == nullptr) return std::optional<bool>();
  if (!v->IsBool()) return WrongType(name, "true or false");
  return std::optional<bool>(v->GetBool());
}

Outcome<bool> Params::GetBool(std::string_view name) const {
  auto r = GetOptionalBool(name);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return **r;
}

Outcome<std::optional<Address>> Params::GetOptionalAddress(std::string_view name) const {
  auto s = GetOptionalString(name);
  if (!s) return std::move(s).error();
  if (!s->has_value()) return std::optional<Address>();
  auto a = Address::Parse(**s);
  if (!a) return Bad(name, a.error());
  return std::optional<Address>(*a);
}

Outcome<Address> Params::GetAddress(std::string_view name) const {
  auto r = GetOptionalAddress(name);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return **r;
}

Outcome<std::optional<Hash>> Params::GetOptionalHash(std::string_view name) const {
  auto s = GetOptionalString(name);
  if (!s) return std::move(s).error();
  if (!s->has_value()) return std::optional<Hash>();
  auto h = Hash::FromHex(**s);
  if (!h) {
    return RpcError::InvalidParams("param " + Quote(name) + " must be a hash of 64 hex characters",
                                   name, "bad_hash");
  }
  return std::optional<Hash>(*h);
}

Outcome<Hash> Params::GetHash(std::string_view name) const {
  auto r = GetOptionalHash(name);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return **r;
}

Outcome<std::optional<uint64_t>> Params::GetOptionalAmount(std::string_view name,
                                                           uint8_t decimals) const {
  if (auto e = CheckObject()) return std::move(*e);
  const auto* v = Find(name);
  if (v == nullptr) return std::optional<uint64_t>();
  if (!v->IsString()) return WrongType(name, "a decimal string such as \"12.50\"");
  auto a = ParseAmount(std::string_view(v->GetString(), v->GetStringLength()), decimals);
  if (!a) return Bad(name, a.error());
  return std::optional<uint64_t>(*a);
}

Outcome<uint64_t> Params::GetAmount(std::string_view name, uint8_t decimals) const {
  auto r = GetOptionalAmount(name, decimals);
  if (!r) return std::move(r).error();
  if (!r->has_value()) return Missing(name);
  return **r;
}

Outcome<Bytes> Params::GetHex(std::string_view name, size_t max_bytes) const {
  auto s = GetString(name);
  if (!s) return std::move(s).error();
  if (s->size() > 2 * max_bytes) {
    return RpcError::InvalidParams(
        "param " + Quote(name) + " is longer than " + std::to_string(max_bytes) + " bytes", name,
        "too_long");
  }
  auto b = FromHex(*s);
  if (!b) {
    return RpcError::InvalidParams("param " + Quote(name) + " must be an even-length hex string",
                                   name, "bad_hex");
  }
  return std::move(*b);
}

std::optional<RpcError> Params::RejectUnknown(
    std::initializer_list<std::string_view> allowed) const {
  if (auto e = CheckObject()) return e;
  if (params_ == nullptr) return std::nullopt;
  for (auto it = params_->MemberBegin(); it != params_->MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return RpcError::InvalidParams("unknown param " + Quote(key) + " (accepted: " + list + ")",
                                     key, "unknown");
    }
  }
  return std::nullopt;
}

}  // namespace corridor::rpc

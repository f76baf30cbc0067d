// Params: typed, validating access to a JSON-RPC request's `params`.
//
// Every getter returns an Outcome whose error is a ready-made -32602 (invalid
// params) naming the parameter and what was wrong with it, with
// data = {"param": name, "reason": "missing" | "wrong_type" | <chain code>}
// (chain codes: "bad_address", "bad_hash", "bad_amount", "bad_hex"). A handler
// can therefore write:
//
//   auto addr = params.GetAddress("address");
//   if (!addr) return std::move(addr).error();
//
// Named parameters (a JSON object) are the supported style. When the request
// sent an array, named getters report "params must be an object"; raw() gives
// the array to handlers that want positional parameters.
//
// A Params views the request document: it must not outlive the handler call.
// Thread-safety: read-only, safe to share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "chain/address.h"
#include "chain/bytes.h"
#include "chain/hash.h"
#include "rpc/error.h"

namespace corridor::rpc {

class Params {
 public:
  // `params` may be nullptr (member absent).
  explicit Params(const rapidjson::Value* params) : params_(params) {}

  bool Absent() const { return params_ == nullptr; }
  bool IsObject() const { return params_ != nullptr && params_->IsObject(); }
  bool IsArray() const { return params_ != nullptr && params_->IsArray(); }
  // nullptr when absent.
  const rapidjson::Value* raw() const { return params_; }
  // The member, or nullptr when absent (or params is not an object). A JSON
  // null counts as absent for optional parameters.
  const rapidjson::Value* Find(std::string_view name) const;
  bool Has(std::string_view name) const;

  Outcome<std::string> GetString(std::string_view name) const;
  Outcome<std::optional<std::string>> GetOptionalString(std::string_view name) const;
  // A JSON integer in [0, 2^64-1]; no strings, no fractions.
  Outcome<uint64_t> GetUint64(std::string_view name) const;
  Outcome<std::optional<uint64_t>> GetOptionalUint64(std::string_view name) const;
  Outcome<bool> GetBool(std::string_view name) const;
  Outcome<std::optional<bool>> GetOptionalBool(std::string_view name) const;
  // Checksummed bech32m address ("corr1...").
  Outcome<Address> GetAddress(std::string_view name) const;
  Outcome<std::optional<Address>> GetOptionalAddress(std::string_view name) const;
  // 64 hex characters.
  Outcome<Hash> GetHash(std::string_view name) const;
  Outcome<std::optional<Hash>> GetOptionalHash(std::string_view name) const;
  // Decimal string ("12.50") in an asset with `decimals`; numbers are refused
  // so that no amount ever passes through floating point.
  Outcome<uint64_t> GetAmount(std::string_view name, uint8_t decimals) const;
  Outcome<std::optional<uint64_t>> GetOptionalAmount(std::string_view name, uint8_t decimals) const;
  // Even-length hex string decoding to at most `max_bytes` bytes.
  Outcome<Bytes> GetHex(std::string_view name, size_t max_bytes) const;

  // Refuses members not in `allowed` (typos such as "adress" fail loudly).
  std::optional<RpcError> RejectUnknown(std::initializer_list<std::string_view> allowed) const;

 private:
  std::optional<RpcError> CheckObject() const;
  const rapidjson::Value* params_;
};

}  // namespace corridor::rpc

// Typed operations: the one action a transaction performs (docs/protocol.md §6).
//
// Each operation is a plain struct with a stable numeric type code, an
// encoder and a decoder. `Operation` is the variant of all of them. The chain
// layer knows their shapes only; contracts/ gives them meaning.
//
// To add an operation: define the struct with kType/kName, Encode and Decode,
// add it to the Operation variant, and document it in docs/protocol.md §6.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "chain/address.h"
#include "chain/encoding.h"
#include "chain/result.h"

namespace corridor {

enum class OpType : uint16_t {
  kPayment = 1,
};

// Asset codes: 1..12 characters of A-Z and 0-9 ("USD", "EUR", "USDT").
bool IsValidAssetCode(std::string_view code);
// Reads a length-prefixed asset code and checks its alphabet.
bool ReadAssetCode(Reader& r, std::string& out);

// Move `amount` (in the asset's smallest unit) of `asset` from the sender to `to`.
struct Payment {
  static constexpr OpType kType = OpType::kPayment;
  static constexpr std::string_view kName = "payment";

  Address to;
  std::string asset;
  uint64_t amount = 0;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Payment& out);
  bool operator==(const Payment&) const = default;
};

using Operation = std::variant<Payment>;

OpType TypeOf(const Operation& op);
std::string_view NameOf(const Operation& op);
std::string_view OpTypeName(OpType type);  // "unknown" for codes not in this build

// Writes the type code (u16) and the payload as varint-length bytes.
void EncodeOperation(Writer& w, const Operation& op);
// Reads what EncodeOperation wrote; the payload must be consumed exactly.
bool DecodeOperation(Reader& r, Operation& out);

}  // namespace corridor

#include "chain/address.h"

#include <cctype>
#include <vector>

#include "chain/hash.h"

namespace corridor {

namespace bech32m {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kBech32mConst = 0x2bc830a3;
constexpr size_t kMaxLength = 90;

uint32_t Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= kGen[i];
  }
  return chk;
}

std::vector<uint8_t> HrpExpand(std::string_view hrp) {
  std::vector<uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
  return out;
}

// Regroups bits; `pad` adds zero bits at the end (encoding), otherwise excess
// padding or non-zero padding is an error (decoding).
bool ConvertBits(const std::vector<uint8_t>& in, int from, int to, bool pad,
                 std::vector<uint8_t>& out) {
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t maxv = (1u << to) - 1;
  for (uint8_t v : in) {
    if ((v >> from) != 0) return false;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return false;
  }
  return true;
}

}  // namespace

std::string Encode(std::string_view hrp, ByteSpan data) {
  std::vector<uint8_t> values;
  ConvertBits(std::vector<uint8_t>(data.begin(), data.end()), 8, 5, true, values);
  std::vector<uint8_t> enc = HrpExpand(hrp);
  enc.insert(enc.end(), values.begin(), values.end());
  enc.insert(enc.end(), 6, 0);
  uint32_t mod = Polymod(enc) ^ kBech32mConst;
  std::string out(hrp);
  out += '1';
  for (uint8_t v : values) out += kCharset[v];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

Result<Decoded> Decode(std::string_view text) {
  if (text.size() > kMaxLength) return MakeError("bad_address", "address is too long");
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return MakeError("bad_address", "address has a non-printable character");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return MakeError("bad_address", "address mixes upper and lower case");
  size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) {
    return MakeError("bad_address", "address has no '1' separator before its checksum");
  }
  Decoded d;
  for (size_t i = 0; i < sep; ++i) {
    d.hrp += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  std::vector<uint8_t> values;
  for (size_t i = sep + 1; i < text.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    const char* pos = std::strchr(kCharset, c);
    if (pos == nullptr || c == '\0') {
      return MakeError("bad_address", std::string("address has a character not used in "
                                                  "addresses: '") +
                                          text[i] + "'");
    }
    values.push_back(static_cast<uint8_t>(pos - kCharset));
  }
  std::vector<uint8_t> enc = HrpExpand(d.hrp);
  enc.insert(enc.end(), values.begin(), values.end());
  if (Polymod(enc) != kBech32mConst) {
    return MakeError("bad_address", "address checksum does not match (a character is mistyped)");
  }
  values.resize(values.size() - 6);
  std::vector<uint8_t> bytes;
  if (!ConvertBits(values, 5, 8, false, bytes)) {
    return MakeError("bad_address", "address has invalid padding");
  }
  d.data = std::move(bytes);
  return d;
}

}  // namespace bech32m

Address Address::FromPublicKey(const PublicKey& key) {
  Hash h = TaggedHash(tags::kAddress, ByteSpan(key.bytes));
  Address a;
  std::memcpy(a.bytes.data(), h.bytes.data(), kSize);
  return a;
}

Result<Address> Address::Parse(std::string_view text) {
  auto d = bech32m::Decode(text);
  if (!d) return d.error();
  if (d->hrp != kAddressPrefix) {
    return MakeError("bad_address", "address must start with '" + std::string(kAddressPrefix) +
                                        "1', got prefix '" + d->hrp + "'");
  }
  if (d->data.size() != kSize) {
    return MakeError("bad_address",
                     "address holds " + std::to_string(d->data.size()) + " bytes, expected 20");
  }
  Address a;
  std::memcpy(a.bytes.data(), d->data.data(), kSize);
  return a;
}

std::string Address::ToString() const {
  return bech32m::Encode(kAddressPrefix, ByteSpan(bytes));
}

bool Address::IsZero() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

}  // namespace corridor

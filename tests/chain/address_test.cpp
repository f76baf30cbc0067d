#include "chain/address.h"

#include <gtest/gtest.h>

namespace corridor {
namespace {

TEST(Bech32mTest, Bip350ValidVectors) {
  // Valid bech32m strings from BIP-350.
  for (const char* s :
       {"A1LQFN3A", "a1lqfn3a", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"}) {
    EXPECT_TRUE(bech32m::Decode(s).ok()) << s;
  }
  // Invalid: bech32 (not m) checksum, mixed case, no separator.
  for (const char* s : {"a12uel5l", "A1lqfn3a", "lqfn3a", "1qzzfhee"}) {
    EXPECT_FALSE(bech32m::Decode(s).ok()) << s;
  }
}

Address SomeAddress() {
  auto k = PrivateKey::FromHex("0000000000000000000000000000000000000000000000000000000000000001");
  return Address::FromPublicKey(k->public_key());
}

TEST(AddressTest, RoundTrip) {
  Address a = SomeAddress();
  std::string s = a.ToString();
  EXPECT_EQ(s.substr(0, 5), "corr1");
  EXPECT_EQ(s.size(), 43u);
  auto back = Address::Parse(s);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, a);
  std::string upper = s;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(Address::Parse(upper).ok());
}

TEST(AddressTest, EverySingleCharacterTypoIsDetected) {
  const std::string s = SomeAddress().ToString();
  const std::string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  int tried = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    for (char c : charset + "1") {
      if (c == s[i]) continue;
      std::string typo = s;
      typo[i] = c;
      EXPECT_FALSE(Address::Parse(typo).ok()) << "typo not detected: " << typo;
      ++tried;
    }
  }
  EXPECT_GT(tried, 1000);
}

TEST(AddressTest, AdjacentSwapsAndDeletionsAreDetected) {
  const std::string s = SomeAddress().ToString();
  for (size_t i = 5; i + 1 < s.size(); ++i) {
    if (s[i] == s[i + 1]) continue;
    std::string swapped = s;
    std::swap(swapped[i], swapped[i + 1]);
    EXPECT_FALSE(Address::Parse(swapped).ok()) << swapped;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    std::string deleted = s;
    deleted.erase(i, 1);
    EXPECT_FALSE(Address::Parse(deleted).ok()) << deleted;
  }
}

TEST(AddressTest, WrongPrefixIsExplained) {
  std::string other = bech32m::Encode("btc", ByteSpan(SomeAddress().bytes));
  auto r = Address::Parse(other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_address");
  EXPECT_NE(r.error().message.find("corr1"), std::string::npos);
}

TEST(AddressTest, WrongLengthRejected) {
  Bytes short_payload(19, 7);
  auto r = Address::Parse(bech32m::Encode("corr", short_payload));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("20"), std::string::npos);
}

TEST(AddressTest, DerivedFromPublicKeyWithTag) {
  auto k = PrivateKey::FromHex("0000000000000000000000000000000000000000000000000000000000000001");
  Hash h = TaggedHash(tags::kAddress, ByteSpan(k->public_key().bytes));
  Address a = Address::FromPublicKey(k->public_key());
  EXPECT_TRUE(std::equal(a.bytes.begin(), a.bytes.end(), h.bytes.begin()));
}

}  // namespace
}  // namespace corridor

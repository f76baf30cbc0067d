#include "chain/encoding.h"

#include <gtest/gtest.h>

#include <limits>

namespace corridor {
namespace {

Bytes Hex(std::string_view h) {
  return *FromHex(h);
}

TEST(EncodingTest, FixedIntegersAreLittleEndian) {
  Writer w;
  w.U8(0x01);
  w.U16(0x0302);
  w.U32(0x07060504);
  w.U64(0x0f0e0d0c0b0a0908);
  EXPECT_EQ(ToHex(w.data()), "0102030405060708090a0b0c0d0e0f");
  Reader r(w.data());
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  ASSERT_TRUE(r.U8(a) && r.U16(b) && r.U32(c) && r.U64(d) && r.ExpectEnd());
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0302);
  EXPECT_EQ(c, 0x07060504u);
  EXPECT_EQ(d, 0x0f0e0d0c0b0a0908u);
}

TEST(EncodingTest, VarintRoundTripsAtEveryBoundary) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  127,
                                  128,
                                  255,
                                  16383,
                                  16384,
                                  (1ull << 32) - 1,
                                  1ull << 32,
                                  (1ull << 63),
                                  std::numeric_limits<uint64_t>::max()};
  for (int bits = 0; bits < 64; bits += 7) {
    values.push_back((1ull << bits) - 1);
    values.push_back(1ull << bits);
  }
  for (uint64_t v : values) {
    Writer w;
    w.Varint(v);
    Reader r(w.data());
    uint64_t got = 0;
    ASSERT_TRUE(r.Varint(got) && r.ExpectEnd()) << v << " " << r.error().ToString();
    EXPECT_EQ(got, v);
  }
}

TEST(EncodingTest, VarintKnownEncodings) {
  Writer w;
  w.Varint(300);
  EXPECT_EQ(ToHex(w.data()), "ac02");
  Writer m;
  m.Varint(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ToHex(m.data()), "ffffffffffffffffff01");
}

TEST(EncodingTest, NonCanonicalVarintRejected) {
  for (const char* hex : {"8000", "ff00", "808000", "ac8200"}) {
    Bytes b = Hex(hex);
    Reader r(b);
    uint64_t v;
    EXPECT_FALSE(r.Varint(v)) << hex;
    EXPECT_EQ(r.error().code, "non_canonical_varint") << hex;
  }
}

TEST(EncodingTest, VarintOverflowRejected) {
  for (const char* hex :
       {"ffffffffffffffffff02", "ffffffffffffffffff7f", "8080808080808080808001"}) {
    Bytes b = Hex(hex);
    Reader r(b);
    uint64_t v;
    EXPECT_FALSE(r.Varint(v)) << hex;
    EXPECT_EQ(r.error().code, "varint_overflow") << hex;
  }
}

TEST(EncodingTest, TruncatedInputRejected) {
  Bytes b = Hex("010203");
  Reader r(b);
  uint32_t v;
  EXPECT_FALSE(r.U32(v));
  EXPECT_EQ(r.error().code, "truncated");
  Bytes vb = Hex("80");
  Reader rv(vb);
  uint64_t x;
  EXPECT_FALSE(rv.Varint(x));
  EXPECT_EQ(rv.error().code, "truncated");
}

TEST(EncodingTest, ErrorsAreSticky) {
  Bytes b = Hex("01");
  Reader r(b);
  uint32_t v;
  uint8_t u;
  EXPECT_FALSE(r.U32(v));
  EXPECT_FALSE(r.U8(u));  // the byte is there, but the reader has failed
  EXPECT_EQ(r.error().code, "truncated");
}

TEST(EncodingTest, OversizedLengthRejectedBeforeAllocation) {
  // Claims 2^40 bytes follow.
  Writer w;
  w.Varint(1ull << 40);
  w.U8(0);
  Reader r(w.data());
  Bytes out;
  EXPECT_FALSE(r.VarBytes(out, 1024));
  EXPECT_EQ(r.error().code, "length_too_large");
  EXPECT_TRUE(out.empty());
}

TEST(EncodingTest, LengthBeyondInputIsTruncated) {
  Writer w;
  w.Varint(10);
  w.U8(1);
  Reader r(w.data());
  Bytes out;
  EXPECT_FALSE(r.VarBytes(out, 1024));
  EXPECT_EQ(r.error().code, "truncated");
}

TEST(EncodingTest, CountBoundedByLimitAndRemainingInput) {
  Writer w;
  w.Varint(1000);
  Reader r(w.data());
  uint64_t n;
  EXPECT_FALSE(r.Count(n, 10));
  EXPECT_EQ(r.error().code, "count_too_large");

  Writer w2;
  w2.Varint(5);
  w2.U8(0);
  Reader r2(w2.data());
  EXPECT_FALSE(r2.Count(n, 100, 96));
  EXPECT_EQ(r2.error().code, "truncated");
}

TEST(EncodingTest, TrailingBytesRejected) {
  Bytes b = Hex("0102");
  Reader r(b);
  uint8_t v;
  ASSERT_TRUE(r.U8(v));
  EXPECT_FALSE(r.ExpectEnd());
  EXPECT_EQ(r.error().code, "trailing_bytes");
}

TEST(EncodingTest, BoolAcceptsOnlyZeroOrOne) {
  Bytes b = Hex("0001");
  Reader r(b);
  bool v;
  ASSERT_TRUE(r.Bool(v));
  EXPECT_FALSE(v);
  ASSERT_TRUE(r.Bool(v));
  EXPECT_TRUE(v);
  Bytes bad = Hex("02");
  Reader r2(bad);
  EXPECT_FALSE(r2.Bool(v));
  EXPECT_EQ(r2.error().code, "bad_bool");
}

TEST(EncodingTest, StringRoundTrip) {
  Writer w;
  w.String("INV-2026-0042");
  Reader r(w.data());
  std::string s;
  ASSERT_TRUE(r.String(s, 64) && r.ExpectEnd());
  EXPECT_EQ(s, "INV-2026-0042");
}

TEST(EncodingTest, PrintableUtf8) {
  EXPECT_TRUE(IsPrintableUtf8(""));
  EXPECT_TRUE(IsPrintableUtf8("Invoice 42 / Rechnung"));
  EXPECT_TRUE(IsPrintableUtf8("Zahlung f\xc3\xbcr M\xc3\xa4rz \xe2\x82\xac"));  // ü, ä, €
  EXPECT_TRUE(IsPrintableUtf8("\xf0\x9f\x98\x80"));                             // emoji
  EXPECT_FALSE(IsPrintableUtf8("line\nbreak"));
  EXPECT_FALSE(IsPrintableUtf8(std::string("nul\0x", 5)));
  EXPECT_FALSE(IsPrintableUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsPrintableUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsPrintableUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsPrintableUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsPrintableUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsPrintableUtf8("\xc2\x85"));          // C1 control NEL
}

TEST(EncodingTest, HexRoundTripAndRejects) {
  Bytes b = {0x00, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "00abff");
  EXPECT_EQ(*FromHex("00ABff"), b);
  EXPECT_FALSE(FromHex("abc"));
  EXPECT_FALSE(FromHex("zz"));
}

}  // namespace
}  // namespace corridor

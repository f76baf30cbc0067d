#include "chain/transaction.h"
#include "tests/support/test_keys.h"

#include <gtest/gtest.h>

#include <random>

#include "chain/limits.h"

namespace corridor {
namespace {

PrivateKey Key(uint8_t n) {
  return testing::TestKey(n);
}

TxBody SampleBody(const PrivateKey& k) {
  TxBody b;
  b.chain_id = "corridor-test";
  b.sender = Address::FromPublicKey(k.public_key());
  b.nonce = 7;
  b.expiry_height = 1000;
  b.op = Payment{Address::FromPublicKey(Key(9).public_key()), "USD", 1250};
  b.memo = "INV-42";
  return b;
}

TEST(TransactionTest, RoundTrip) {
  PrivateKey k = Key(1);
  TransactionPtr tx = Transaction::Sign(SampleBody(k), {&k});
  auto back = Transaction::Decode(tx->encoded());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ((*back)->body(), tx->body());
  EXPECT_EQ((*back)->id(), tx->id());
  EXPECT_EQ((*back)->signatures(), tx->signatures());
  EXPECT_EQ((*back)->encoded(), tx->encoded());
  EXPECT_TRUE((*back)->VerifySignatures());
}

TEST(TransactionTest, IdExcludesSignatures) {
  PrivateKey k = Key(1), other = Key(2);
  TransactionPtr a = Transaction::Sign(SampleBody(k), {&k});
  TransactionPtr b = Transaction::Sign(SampleBody(k), {&k, &other});
  EXPECT_EQ(a->id(), b->id());
  EXPECT_NE(a->encoded(), b->encoded());
  EXPECT_EQ(a->id(), TaggedHash(tags::kTransaction, SampleBody(k).Encode()));
}

TEST(TransactionTest, EveryFieldChangesTheId) {
  PrivateKey k = Key(1);
  const Hash base = SampleBody(k).Id();
  std::vector<TxBody> variants(6, SampleBody(k));
  variants[0].chain_id = "corridor-main";
  variants[1].sender.bytes[0] ^= 1;
  variants[2].nonce++;
  variants[3].expiry_height++;
  std::get<Payment>(variants[4].op).amount++;
  variants[5].memo = "INV-43";
  for (const auto& v : variants) EXPECT_NE(v.Id(), base);
}

TEST(TransactionTest, WrongKeyOrTamperedSignatureFailsVerification) {
  PrivateKey k = Key(1), other = Key(2);
  TransactionPtr tx = Transaction::Sign(SampleBody(k), {&k});
  auto sigs = tx->signatures();
  sigs[0].key = other.public_key();
  EXPECT_FALSE(Transaction::Create(tx->body(), sigs)->VerifySignatures());
  sigs = tx->signatures();
  sigs[0].sig.bytes[0] ^= 0x80;
  EXPECT_FALSE(Transaction::Create(tx->body(), sigs)->VerifySignatures());
}

TEST(TransactionTest, MalformedInputsRejectedWithCodes) {
  PrivateKey k = Key(1);
  TransactionPtr tx = Transaction::Sign(SampleBody(k), {&k});
  const Bytes good = tx->encoded();

  // Every strict prefix is truncated.
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = Transaction::Decode(ByteSpan(good.data(), n));
    ASSERT_FALSE(r.ok()) << n;
  }
  // Trailing byte.
  Bytes trailing = good;
  trailing.push_back(0);
  auto t = Transaction::Decode(trailing);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "trailing_bytes");

  // Unsupported version.
  Bytes v2 = good;
  v2[0] = 2;
  EXPECT_EQ(Transaction::Decode(v2).error().code, "unsupported_version");

  // Oversized chain id length: byte 1 is the chain id length varint.
  Bytes longid = good;
  longid[1] = 0x7f;
  EXPECT_EQ(Transaction::Decode(longid).error().code, "length_too_large");

  // Non-canonical varint for the chain id length (13 as 0x8d 0x00).
  Bytes noncanon = good;
  ASSERT_EQ(noncanon[1], 13);
  noncanon[1] = 0x8d;
  noncanon.insert(noncanon.begin() + 2, 0x00);
  EXPECT_EQ(Transaction::Decode(noncanon).error().code, "non_canonical_varint");

  // Bad chain id characters.
  Bytes badid = good;
  badid[2] = 'C';
  EXPECT_EQ(Transaction::Decode(badid).error().code, "bad_chain_id");
}

TEST(TransactionTest, SignatureCountRules) {
  PrivateKey k = Key(1);
  TxBody body = SampleBody(k);
  // Zero signatures.
  auto none = Transaction::Create(body, {});
  EXPECT_EQ(Transaction::Decode(none->encoded()).error().code, "no_signatures");
  // Duplicate signer.
  TransactionPtr tx = Transaction::Sign(body, {&k, &k});
  EXPECT_EQ(Transaction::Decode(tx->encoded()).error().code, "duplicate_signer");
  // More than the maximum.
  std::vector<PrivateKey> keys;
  for (size_t i = 0; i <= kMaxSignatures; ++i) keys.push_back(Key(static_cast<uint8_t>(i + 1)));
  std::vector<const PrivateKey*> ptrs;
  for (auto& key : keys) ptrs.push_back(&key);
  TransactionPtr many = Transaction::Sign(body, ptrs);
  EXPECT_EQ(Transaction::Decode(many->encoded()).error().code, "count_too_large");
}

TEST(TransactionTest, MemoAndAssetCodeValidated) {
  PrivateKey k = Key(1);
  TxBody body = SampleBody(k);
  body.memo = "bad\x01memo";
  EXPECT_EQ(Transaction::Decode(Transaction::Sign(body, {&k})->encoded()).error().code, "bad_memo");
  body = SampleBody(k);
  body.memo = std::string(kMaxMemoBytes + 1, 'a');
  EXPECT_EQ(Transaction::Decode(Transaction::Sign(body, {&k})->encoded()).error().code,
            "length_too_large");
  body = SampleBody(k);
  std::get<Payment>(body.op).asset = "usd";
  EXPECT_EQ(Transaction::Decode(Transaction::Sign(body, {&k})->encoded()).error().code,
            "bad_asset_code");
}

TEST(TransactionTest, UnknownOperationRejected) {
  PrivateKey k = Key(1);
  Writer w;
  w.U8(1);
  w.String("corridor-test");
  w.Fixed(Address{}.bytes);
  w.U64(0);
  w.U64(10);
  w.U16(0xfffe);  // no such operation
  w.VarBytes(Bytes{});
  w.String("");
  w.Varint(0);
  auto r = Transaction::Decode(w.data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_operation");
}

TEST(TransactionTest, OperationPayloadMustBeConsumedExactly) {
  PrivateKey k = Key(1);
  TxBody body = SampleBody(k);
  Writer w;
  w.U8(1);
  w.String(body.chain_id);
  w.Fixed(body.sender.bytes);
  w.U64(body.nonce);
  w.U64(body.expiry_height);
  Writer payload;
  std::get<Payment>(body.op).Encode(payload);
  payload.U8(0);  // one extra byte inside the payload
  w.U16(1);
  w.VarBytes(payload.data());
  w.String(body.memo);
  w.Varint(0);
  auto r = Transaction::Decode(w.data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "trailing_bytes");
}

TEST(TransactionTest, RandomMutationsNeverCrash) {
  PrivateKey k = Key(1);
  const Bytes good = Transaction::Sign(SampleBody(k), {&k})->encoded();
  std::mt19937_64 rng(12345);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes m = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[rng() % m.size()] = static_cast<uint8_t>(rng());
    auto r = Transaction::Decode(m);
    if (r.ok()) {
      ++accepted;
      // Whatever decodes must re-encode to the identical bytes (one encoding).
      EXPECT_EQ((*r)->encoded(), m);
      EXPECT_EQ(Transaction::Create((*r)->body(), (*r)->signatures())->encoded(), m);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace corridor

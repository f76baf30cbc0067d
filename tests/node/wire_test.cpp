#include "node/wire.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/support/test_keys.h"

namespace corridor::node {
namespace {

using corridor::testing::TestKey;

TransactionPtr Tx(uint64_t nonce) {
  PrivateKey k = TestKey(1);
  TxBody b;
  b.chain_id = "corridor-test";
  b.sender = Address::FromPublicKey(k.public_key());
  b.nonce = nonce;
  b.expiry_height = 50;
  b.op = Payment{corridor::testing::TestAddress(2), "USD", 5};
  return Transaction::Sign(b, {&k});
}

CommittedBlock Committed(uint64_t height) {
  std::vector<TransactionPtr> txs = {Tx(height)};
  BlockHeader h;
  h.chain_id = "corridor-test";
  h.height = height;
  h.tx_root = Block::ComputeTxRoot(txs);
  BlockPtr b = Block::Create(h, txs);
  CommitCertificate c{height, 0, b->hash(), {}};
  Hash d = CommitVoteDigest("corridor-test", height, 0, b->hash());
  for (uint8_t i = 10; i < 13; ++i) {
    PrivateKey v = TestKey(i);
    c.signatures.push_back({v.public_key(), v.Sign(d)});
  }
  std::sort(c.signatures.begin(), c.signatures.end(),
            [](const auto& x, const auto& y) { return x.validator < y.validator; });
  return {b, c};
}

TEST(WireTest, StatusRoundTrip) {
  StatusMsg s{42, Sha256(AsBytes("tip"))};
  auto back = StatusMsg::Decode(s.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->height, 42u);
  EXPECT_EQ(back->tip, s.tip);
  Bytes bad = s.Encode();
  bad.pop_back();
  EXPECT_FALSE(StatusMsg::Decode(bad).ok());
}

TEST(WireTest, TxBatchRoundTripAndBounds) {
  TxBatchMsg m;
  for (uint64_t i = 0; i < 3; ++i) m.txs.push_back(Tx(i));
  auto back = TxBatchMsg::Decode(m.Encode());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_EQ(back->txs.size(), 3u);
  EXPECT_EQ(back->txs[2]->id(), m.txs[2]->id());
  Writer w;
  w.Varint(1'000'000);
  EXPECT_EQ(TxBatchMsg::Decode(w.data()).error().code, "count_too_large");
}

TEST(WireTest, BlockRequestBounds) {
  BlockRequestMsg m{7, 100};
  auto back = BlockRequestMsg::Decode(m.Encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->from_height, 7u);
  EXPECT_FALSE(BlockRequestMsg::Decode(BlockRequestMsg{7, 0}.Encode()).ok());
  EXPECT_FALSE(BlockRequestMsg::Decode(BlockRequestMsg{7, 100000}.Encode()).ok());
}

TEST(WireTest, BlockResponseRoundTripAndConsistency) {
  BlockResponseMsg m;
  m.blocks = {Committed(5), Committed(6)};
  auto back = BlockResponseMsg::Decode(m.Encode());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_EQ(back->blocks.size(), 2u);
  EXPECT_EQ(back->blocks[1].block->hash(), m.blocks[1].block->hash());
  EXPECT_EQ(back->blocks[1].certificate, m.blocks[1].certificate);

  BlockResponseMsg gap;
  gap.blocks = {Committed(5), Committed(7)};
  EXPECT_EQ(BlockResponseMsg::Decode(gap.Encode()).error().code, "bad_response");
  BlockResponseMsg mismatched;
  mismatched.blocks = {Committed(5)};
  mismatched.blocks[0].certificate.block_hash.bytes[0] ^= 1;
  EXPECT_EQ(BlockResponseMsg::Decode(mismatched.Encode()).error().code, "bad_certificate");
}

TEST(WireTest, RandomBytesNeverCrashDecoders) {
  std::mt19937_64 rng(7);
  Bytes good = BlockResponseMsg{{Committed(1)}}.Encode();
  for (int i = 0; i < 5000; ++i) {
    Bytes m = good;
    m[rng() % m.size()] = static_cast<uint8_t>(rng());
    if (rng() % 3 == 0) m.resize(rng() % m.size());
    (void)BlockResponseMsg::Decode(m);
    (void)TxBatchMsg::Decode(m);
    (void)StatusMsg::Decode(m);
    (void)BlockRequestMsg::Decode(m);
  }
}

}  // namespace
}  // namespace corridor::node

#include "chain/block.h"
#include "tests/support/test_keys.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace corridor {
namespace {

PrivateKey Key(uint8_t n) {
  return testing::TestKey(n);
}

std::vector<TransactionPtr> SomeTxs(int n) {
  std::vector<TransactionPtr> txs;
  PrivateKey k = Key(1);
  for (int i = 0; i < n; ++i) {
    TxBody b;
    b.chain_id = "corridor-test";
    b.sender = Address::FromPublicKey(k.public_key());
    b.nonce = static_cast<uint64_t>(i);
    b.expiry_height = 100;
    b.op = Payment{Address::FromPublicKey(Key(2).public_key()), "EUR", 100u + i};
    txs.push_back(Transaction::Sign(b, {&k}));
  }
  return txs;
}

BlockPtr SomeBlock(int ntx) {
  auto txs = SomeTxs(ntx);
  BlockHeader h;
  h.chain_id = "corridor-test";
  h.height = 5;
  h.prev_hash = Sha256(AsBytes("parent"));
  h.timestamp_ms = 1'790'000'000'000;
  h.proposer = Key(3).public_key();
  h.view = 2;
  h.tx_root = Block::ComputeTxRoot(txs);
  h.receipts_root = Sha256(AsBytes("receipts"));
  h.state_root = Sha256(AsBytes("state"));
  return Block::Create(h, txs);
}

TEST(BlockTest, RoundTrip) {
  for (int n : {0, 1, 5}) {
    BlockPtr b = SomeBlock(n);
    Bytes enc = b->Encode();
    auto back = Block::Decode(enc);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ((*back)->header(), b->header());
    EXPECT_EQ((*back)->hash(), b->hash());
    ASSERT_EQ((*back)->transactions().size(), static_cast<size_t>(n));
    EXPECT_EQ((*back)->Encode(), enc);
  }
}

TEST(BlockTest, HashCoversEveryHeaderField) {
  BlockHeader base = SomeBlock(1)->header();
  const Hash h0 = base.ComputeHash();
  std::vector<BlockHeader> v(9, base);
  v[0].chain_id = "other";
  v[1].height++;
  v[2].prev_hash.bytes[0] ^= 1;
  v[3].timestamp_ms++;
  v[4].proposer = Key(4).public_key();
  v[5].view++;
  v[6].tx_root.bytes[0] ^= 1;
  v[7].receipts_root.bytes[0] ^= 1;
  v[8].state_root.bytes[0] ^= 1;
  for (const auto& h : v) EXPECT_NE(h.ComputeHash(), h0);
}

TEST(BlockTest, TxRootMismatchRejected) {
  BlockPtr b = SomeBlock(3);
  BlockHeader h = b->header();
  h.tx_root.bytes[0] ^= 1;
  auto bad = Block::Create(h, b->transactions());
  auto r = Block::Decode(bad->Encode());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_tx_root");
}

TEST(BlockTest, MalformedInputsRejected) {
  Bytes enc = SomeBlock(2)->Encode();
  for (size_t n = 0; n < enc.size(); n += 7)
    EXPECT_FALSE(Block::Decode(ByteSpan(enc.data(), n)).ok());
  Bytes trailing = enc;
  trailing.push_back(1);
  EXPECT_EQ(Block::Decode(trailing).error().code, "trailing_bytes");
  // A transaction count far beyond what the input holds.
  BlockHeader h = SomeBlock(0)->header();
  Writer w;
  h.Encode(w);
  w.Varint(90'000);
  EXPECT_EQ(Block::Decode(w.data()).error().code, "truncated");
  Writer w2;
  h.Encode(w2);
  w2.Varint(1'000'000'000);
  EXPECT_EQ(Block::Decode(w2.data()).error().code, "count_too_large");
}

struct Validators {
  std::vector<PrivateKey> keys;
  std::vector<PublicKey> pubs;
  explicit Validators(int n) {
    for (int i = 0; i < n; ++i) {
      keys.push_back(Key(static_cast<uint8_t>(10 + i)));
      pubs.push_back(keys.back().public_key());
    }
  }
  CommitCertificate Certify(const Hash& block, uint64_t height, uint64_t view, int signers) {
    CommitCertificate c{height, view, block, {}};
    Hash d = CommitVoteDigest("corridor-test", height, view, block);
    for (int i = 0; i < signers; ++i) c.signatures.push_back({pubs[i], keys[i].Sign(d)});
    std::sort(c.signatures.begin(), c.signatures.end(),
              [](const auto& a, const auto& b) { return a.validator < b.validator; });
    return c;
  }
};

TEST(CommitCertificateTest, QuorumSizes) {
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(QuorumSize(5), 4u);
  EXPECT_EQ(QuorumSize(7), 5u);
  EXPECT_EQ(QuorumSize(10), 7u);
  EXPECT_EQ(MaxFaulty(4), 1u);
  EXPECT_EQ(MaxFaulty(31), 10u);
}

TEST(CommitCertificateTest, VerifiesQuorumAndRejectsShortOrForeign) {
  Validators vs(4);
  Hash block = SomeBlock(1)->hash();
  CommitCertificate ok = vs.Certify(block, 5, 0, 3);
  EXPECT_TRUE(ok.Verify("corridor-test", vs.pubs).ok());
  auto round = CommitCertificate::Decode(ok.Encode());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(*round, ok);

  EXPECT_FALSE(vs.Certify(block, 5, 0, 2).Verify("corridor-test", vs.pubs).ok());
  EXPECT_FALSE(ok.Verify("other-chain", vs.pubs).ok());
  CommitCertificate wrong_height = ok;
  wrong_height.height = 6;
  EXPECT_FALSE(wrong_height.Verify("corridor-test", vs.pubs).ok());

  Validators outsiders(5);  // keys 10..14; key 14 is not in the 4-set
  CommitCertificate foreign = outsiders.Certify(block, 5, 0, 5);
  EXPECT_FALSE(foreign.Verify("corridor-test", vs.pubs).ok());
}

TEST(CommitCertificateTest, DuplicateSignerRejected) {
  Validators vs(4);
  Hash block = SomeBlock(0)->hash();
  CommitCertificate c = vs.Certify(block, 1, 0, 2);
  c.signatures.push_back(c.signatures.back());
  EXPECT_FALSE(c.Verify("corridor-test", vs.pubs).ok());
  EXPECT_EQ(CommitCertificate::Decode(c.Encode()).error().code, "non_canonical_certificate");
}

}  // namespace
}  // namespace corridor

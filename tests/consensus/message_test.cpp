// Consensus message and WAL record encodings: round trips, structure rules
// and refusal of malformed or oversized input.
#include <gtest/gtest.h>

#include "consensus/message.h"
#include "consensus/wal.h"
#include "tests/support/test_keys.h"

namespace corridor::consensus {
namespace {

constexpr std::string_view kChain = "unit";

BlockPtr TestBlock(uint64_t height = 3) {
  BlockHeader h;
  h.chain_id = std::string(kChain);
  h.height = height;
  h.timestamp_ms = 42;
  h.proposer = testing::TestKey(1).public_key();
  h.tx_root = Block::ComputeTxRoot({});
  return Block::Create(h, {});
}

Message Vote(MsgType t) {
  Message m;
  m.type = t;
  m.height = 3;
  m.view = 1;
  m.block_hash = TestBlock()->hash();
  SignMessage(kChain, testing::TestKey(2), m);
  return m;
}

PreparedCert Cert(const BlockPtr& b) {
  PreparedCert c;
  c.height = 3;
  c.view = 0;
  c.block_hash = b->hash();
  c.sigs.push_back({testing::TestKey(1).public_key(), Signature{}});
  return c;
}

TEST(ConsensusMessage, EveryTypeRoundTrips) {
  auto block = TestBlock();
  std::vector<Message> msgs = {Vote(MsgType::kPrepare), Vote(MsgType::kCommit)};
  Message p = Vote(MsgType::kProposal);
  p.block = block;
  msgs.push_back(p);
  Message vc;
  vc.type = MsgType::kViewChange;
  vc.height = 3;
  vc.view = 2;
  vc.prepared = Cert(block);
  vc.block = block;
  SignMessage(kChain, testing::TestKey(3), vc);
  msgs.push_back(vc);
  Message nv;
  nv.type = MsgType::kNewView;
  nv.height = 3;
  nv.view = 2;
  nv.block = block;
  nv.block_hash = block->hash();
  Message stripped = vc;
  stripped.block.reset();
  nv.view_changes.push_back(std::make_shared<const Message>(stripped));
  SignMessage(kChain, testing::TestKey(3), nv);
  msgs.push_back(nv);
  for (const auto& m : msgs) {
    auto decoded = Message::Decode(m.Encode());
    ASSERT_TRUE(decoded) << MsgTypeName(m.type) << ": " << decoded.error().message;
    EXPECT_EQ((*decoded)->Encode(), m.Encode());
    EXPECT_EQ(SigningDigest(kChain, **decoded), SigningDigest(kChain, m));
    EXPECT_TRUE(VerifySignature(m.sender, SigningDigest(kChain, **decoded), (*decoded)->sig));
  }
}

TEST(ConsensusMessage, SignatureCoversChainTypeHeightAndView) {
  const Message m = Vote(MsgType::kPrepare);
  const Hash d = SigningDigest(kChain, m);
  EXPECT_NE(SigningDigest("other", m), d);
  for (auto change :
       {+[](Message& x) { x.type = MsgType::kCommit; }, +[](Message& x) { x.height += 1; },
        +[](Message& x) { x.view += 1; }, +[](Message& x) { x.block_hash.bytes[0] ^= 1; }}) {
    Message c = m;
    change(c);
    EXPECT_NE(SigningDigest(kChain, c), d);
  }
  // COMMIT signs the certificate digest, so votes assemble into certificates.
  const Message commit = Vote(MsgType::kCommit);
  EXPECT_EQ(SigningDigest(kChain, commit),
            CommitVoteDigest(kChain, commit.height, commit.view, commit.block_hash));
}

TEST(ConsensusMessage, StructureRulesAreEnforced) {
  auto block = TestBlock();
  Message p = Vote(MsgType::kProposal);
  EXPECT_FALSE(CheckStructure(p)) << "proposal without block";
  p.block = TestBlock(4);
  EXPECT_FALSE(CheckStructure(p)) << "block hash mismatch";
  Message vc;
  vc.type = MsgType::kViewChange;
  vc.height = 3;
  vc.view = 0;
  vc.prepared = Cert(block);
  EXPECT_FALSE(CheckStructure(vc)) << "certificate from the same view";
  vc.view = 1;
  EXPECT_TRUE(CheckStructure(vc));
  vc.block = TestBlock(4);
  EXPECT_FALSE(CheckStructure(vc)) << "attached block is not the prepared one";
  Message nv;
  nv.type = MsgType::kNewView;
  nv.height = 3;
  nv.view = 1;
  nv.block = block;
  nv.block_hash = block->hash();
  Message with_block = vc;
  with_block.block = block;
  nv.view_changes.push_back(std::make_shared<const Message>(with_block));
  EXPECT_FALSE(CheckStructure(nv)) << "VIEW-CHANGEs inside a NEW-VIEW carry no blocks";
}

TEST(ConsensusMessage, MalformedInputIsAnErrorNotACrash) {
  const Bytes good = Vote(MsgType::kPrepare).Encode();
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(Message::Decode(ByteSpan(good.data(), cut)));
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(Message::Decode(trailing));
  Bytes bad_type = good;
  bad_type[0] = 9;
  EXPECT_FALSE(Message::Decode(bad_type));
  // A NEW-VIEW claiming 2^40 VIEW-CHANGEs is refused before allocating.
  Writer w;
  w.U8(static_cast<uint8_t>(MsgType::kNewView));
  w.U64(1);
  w.U64(1);
  w.Fixed(PublicKey{}.bytes);
  w.Fixed(Hash{}.bytes);
  w.Varint(uint64_t{1} << 40);
  EXPECT_FALSE(Message::Decode(w.data()));
}

TEST(ConsensusWal, RecordsRoundTripAndGarbageIsRefused) {
  auto block = TestBlock();
  WalRecord s;
  s.kind = WalKind::kSigned;
  s.height = 3;
  s.view = 2;
  s.type = MsgType::kCommit;
  s.block_hash = block->hash();
  WalRecord p;
  p.kind = WalKind::kPrepared;
  p.height = 3;
  p.view = 0;
  p.prepared = Cert(block);
  p.block = block;
  WalRecord v;
  v.kind = WalKind::kViewChange;
  v.height = 3;
  v.view = 7;
  for (const auto& r : {s, p, v}) {
    auto d = WalRecord::Decode(r.Encode());
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->Encode(), r.Encode());
  }
  Bytes raw = p.Encode();
  raw[raw.size() - 3] ^= 1;  // corrupt the block: no longer matches the certificate
  EXPECT_FALSE(WalRecord::Decode(raw));
  EXPECT_FALSE(WalRecord::Decode(Bytes{9, 1, 2}));
}

}  // namespace
}  // namespace corridor::consensus

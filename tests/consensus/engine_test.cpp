// Unit tests of the consensus engine's handlers and quorum rules: one
// engine under test (validator 0 of 4 unless stated), the other validators
// played by hand-signed messages.
#include <gtest/gtest.h>

#include <algorithm>

#include "consensus/engine.h"
#include "tests/support/test_keys.h"

namespace corridor::consensus {
namespace {

constexpr std::string_view kChain = "unit";

class FakeApp final : public Application {
 public:
  explicit FakeApp(std::vector<PublicKey> v) : validators(std::move(v)) {}
  std::vector<PublicKey> Validators(uint64_t) override { return validators; }
  bool ValidateProposal(const Block& b) override {
    ++validated;
    return b.header().state_root != Sha256(AsBytes("bad"));
  }
  std::vector<PublicKey> validators;
  int validated = 0;
};

class MemWal final : public Wal {
 public:
  Status Append(ByteSpan r) override {
    if (fail) return MakeError("io", "disk full");
    pending.emplace_back(r.begin(), r.end());
    return {};
  }
  Status Sync() override {
    if (fail) return MakeError("io", "disk full");
    for (auto& r : pending) records.push_back(std::move(r));
    pending.clear();
    ++syncs;
    return {};
  }
  Status Rewrite(const std::vector<Bytes>& r) override {
    records = r;
    pending.clear();
    return {};
  }
  uint64_t size_bytes() const override { return records.size() * 100; }
  std::vector<Bytes> records, pending;
  bool fail = false;
  int syncs = 0;
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : app_(Keys()) {
    for (uint8_t i = 1; i <= 4; ++i) keys_.push_back(testing::TestKey(i));
  }

  static std::vector<PublicKey> Keys() {
    std::vector<PublicKey> v;
    for (uint8_t i = 1; i <= 4; ++i) v.push_back(testing::TestKey(i).public_key());
    return v;
  }

  // Starts validator `me` at height 1, view `view`.
  void Start(size_t me, uint64_t view = 0) {
    me_ = me;
    EngineConfig cfg;
    cfg.chain_id = std::string(kChain);
    cfg.base_timeout_ms = 1000;
    cfg.max_timeout_ms = 8000;
    auto e = Engine::Create(cfg, keys_[me].Clone(), app_, wal_, DefaultVerifier(),
                            {1, Genesis(), view}, wal_.records);
    ASSERT_TRUE(e) << e.error().message;
    engine_ = std::move(e).value();
    Actions out;
    ASSERT_TRUE(engine_->Start(out));
    Take(out);
  }

  static Hash Genesis() { return Sha256(AsBytes("genesis")); }

  BlockPtr MakeBlock(uint64_t view, size_t proposer, uint64_t ts = 1, bool valid = true) {
    BlockHeader h;
    h.chain_id = std::string(kChain);
    h.height = 1;
    h.prev_hash = Genesis();
    h.timestamp_ms = ts;
    h.proposer = keys_[proposer].public_key();
    h.view = view;
    h.tx_root = Block::ComputeTxRoot({});
    h.state_root = valid ? Hash{} : Sha256(AsBytes("bad"));
    return Block::Create(h, {});
  }

  MessagePtr Signed(size_t from, MsgType type, uint64_t view, const BlockPtr& block,
                    uint64_t height = 1) {
    Message m;
    m.type = type;
    m.height = height;
    m.view = view;
    if (block) m.block_hash = block->hash();
    if (type == MsgType::kProposal || type == MsgType::kNewView) m.block = block;
    SignMessage(kChain, keys_[from], m);
    return std::make_shared<const Message>(std::move(m));
  }

  MessagePtr ViewChange(size_t from, uint64_t view, std::optional<PreparedCert> cert = {}) {
    Message m;
    m.type = MsgType::kViewChange;
    m.height = 1;
    m.view = view;
    m.prepared = std::move(cert);
    SignMessage(kChain, keys_[from], m);
    return std::make_shared<const Message>(std::move(m));
  }

  PreparedCert Prepared(uint64_t view, const BlockPtr& b, std::vector<size_t> signers) {
    PreparedCert c;
    c.height = 1;
    c.view = view;
    c.block_hash = b->hash();
    for (size_t i : signers) {
      c.sigs.push_back(
          {keys_[i].public_key(),
           keys_[i].Sign(PrepareDigest(kChain, 1, view, keys_[i].public_key(), b->hash()))});
    }
    std::sort(c.sigs.begin(), c.sigs.end(),
              [](const auto& a, const auto& b2) { return a.validator < b2.validator; });
    return c;
  }

  void Deliver(const MessagePtr& m) {
    Actions out;
    ASSERT_TRUE(engine_->OnMessage(m, out));
    Take(out);
  }

  void Take(Actions& out) {
    for (auto& a : out) actions_.push_back(std::move(a));
  }

  std::vector<MessagePtr> Sent(MsgType type) const {
    std::vector<MessagePtr> r;
    for (const auto& a : actions_) {
      if (a.kind == Action::Kind::kBroadcast && a.msg->type == type) r.push_back(a.msg);
    }
    return r;
  }

  const Action* Find(Action::Kind kind) const {
    for (const auto& a : actions_) {
      if (a.kind == kind) return &a;
    }
    return nullptr;
  }

  const Action* LastTimer() const {
    const Action* t = nullptr;
    for (const auto& a : actions_) {
      if (a.kind == Action::Kind::kSetTimer) t = &a;
    }
    return t;
  }

  void FireTimer() {
    const Action* t = LastTimer();
    ASSERT_NE(t, nullptr);
    const TimerId id = t->timer;
    Actions out;
    ASSERT_TRUE(engine_->OnTimer(id, out));
    Take(out);
  }

  std::vector<PrivateKey> keys_;
  FakeApp app_;
  MemWal wal_;
  size_t me_ = 0;
  std::unique_ptr<Engine> engine_;
  Actions actions_;
};

TEST_F(EngineTest, LeaderRequestsAProposalAndBroadcastsIt) {
  Start(0);  // validator 0 leads view 0
  const Action* req = Find(Action::Kind::kRequestProposal);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->height, 1u);
  EXPECT_EQ(req->view, 0u);
  EXPECT_EQ(req->prev_hash, Genesis());
  Actions out;
  ASSERT_TRUE(engine_->OnProposal(MakeBlock(0, 0), out));
  Take(out);
  ASSERT_EQ(Sent(MsgType::kProposal).size(), 1u);
  ASSERT_EQ(Sent(MsgType::kPrepare).size(), 1u) << "the leader prepares its own block";
  EXPECT_EQ(wal_.pending.size(), 0u) << "synced before sending";
  EXPECT_GE(wal_.records.size(), 2u);
}

TEST_F(EngineTest, NonLeaderIsNotAskedToPropose) {
  Start(1);
  EXPECT_EQ(Find(Action::Kind::kRequestProposal), nullptr);
}

TEST_F(EngineTest, PrepareQuorumSendsCommitAndCommitQuorumCommits) {
  Start(1);
  auto block = MakeBlock(0, 0);
  Deliver(Signed(0, MsgType::kProposal, 0, block));
  ASSERT_EQ(Sent(MsgType::kPrepare).size(), 1u);
  EXPECT_EQ(Sent(MsgType::kCommit).size(), 0u);
  Deliver(Signed(0, MsgType::kPrepare, 0, block));
  EXPECT_EQ(Sent(MsgType::kCommit).size(), 0u) << "2 of 4 is not a quorum";
  Deliver(Signed(2, MsgType::kPrepare, 0, block));
  ASSERT_EQ(Sent(MsgType::kCommit).size(), 1u) << "3 of 4 prepares: prepared";
  Deliver(Signed(0, MsgType::kCommit, 0, block));
  EXPECT_EQ(Find(Action::Kind::kCommit), nullptr);
  Deliver(Signed(3, MsgType::kCommit, 0, block));
  const Action* commit = Find(Action::Kind::kCommit);
  ASSERT_NE(commit, nullptr);
  EXPECT_EQ(commit->block->hash(), block->hash());
  EXPECT_TRUE(commit->cert.Verify(kChain, app_.validators));
  EXPECT_EQ(commit->cert.signatures.size(), 3u);
  EXPECT_EQ(engine_->height(), 2u);
  EXPECT_EQ(engine_->prev_hash(), block->hash());
}

TEST_F(EngineTest, ProposalFromNonLeaderIsDropped) {
  Start(1);
  Deliver(Signed(2, MsgType::kProposal, 0, MakeBlock(0, 2)));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().dropped_invalid, 1u);
}

TEST_F(EngineTest, BadSignatureAndNonValidatorAreDroppedAndCounted) {
  Start(1);
  auto block = MakeBlock(0, 0);
  Message forged = *Signed(0, MsgType::kProposal, 0, block);
  forged.sig.bytes[5] ^= 1;
  Deliver(std::make_shared<const Message>(forged));
  EXPECT_EQ(engine_->counters().dropped_bad_signature, 1u);
  Message outsider;
  outsider.type = MsgType::kPrepare;
  outsider.height = 1;
  outsider.block_hash = block->hash();
  SignMessage(kChain, testing::TestKey(99), outsider);
  Deliver(std::make_shared<const Message>(outsider));
  EXPECT_EQ(engine_->counters().dropped_not_validator, 1u);
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
}

TEST_F(EngineTest, ProposalTheApplicationRejectsGetsNoVote) {
  Start(1);
  Deliver(Signed(0, MsgType::kProposal, 0, MakeBlock(0, 0, 1, /*valid=*/false)));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().proposals_rejected, 1u);
}

TEST_F(EngineTest, SecondProposalForOneViewIsEquivocation) {
  Start(1);
  Deliver(Signed(0, MsgType::kProposal, 0, MakeBlock(0, 0, 1)));
  Deliver(Signed(0, MsgType::kProposal, 0, MakeBlock(0, 0, 2)));
  EXPECT_EQ(Sent(MsgType::kPrepare).size(), 1u);
  EXPECT_EQ(engine_->counters().equivocations, 1u);
}

TEST_F(EngineTest, DoubleVoteCountsOnlyTheFirst) {
  Start(1);
  auto a = MakeBlock(0, 0, 1);
  auto b = MakeBlock(0, 0, 2);
  Deliver(Signed(0, MsgType::kProposal, 0, a));
  Deliver(Signed(2, MsgType::kPrepare, 0, b));
  Deliver(Signed(2, MsgType::kPrepare, 0, a));  // same validator, other block
  EXPECT_EQ(engine_->counters().equivocations, 1u);
  Deliver(Signed(3, MsgType::kPrepare, 0, a));
  // Prepares for a: 1 (self) and 3; 2's vote went to b. Not prepared.
  EXPECT_TRUE(Sent(MsgType::kCommit).empty());
}

TEST_F(EngineTest, CommitsForAnUnknownBlockDoNotCommit) {
  Start(1);
  auto unknown = MakeBlock(0, 0, 9);
  for (size_t i : {0u, 2u, 3u}) Deliver(Signed(i, MsgType::kCommit, 0, unknown));
  EXPECT_EQ(Find(Action::Kind::kCommit), nullptr);
  EXPECT_EQ(engine_->height(), 1u);
}

TEST_F(EngineTest, TimeoutStartsViewChangeAndTimeoutsDouble) {
  Start(1);
  const uint64_t first = LastTimer()->delay_ms;
  FireTimer();
  ASSERT_EQ(Sent(MsgType::kViewChange).size(), 1u);
  EXPECT_EQ(engine_->view(), 1u);
  EXPECT_TRUE(engine_->in_view_change());
  EXPECT_EQ(LastTimer()->delay_ms, 2 * first);
  // Without a quorum of VIEW-CHANGEs for view 1 the node resends, and does
  // not run ahead to view 2 alone.
  FireTimer();
  EXPECT_EQ(engine_->view(), 1u);
  EXPECT_EQ(Sent(MsgType::kViewChange).size(), 2u);
  // With a quorum it moves on when the timer fires again.
  Deliver(ViewChange(2, 1));
  Deliver(ViewChange(3, 1));
  FireTimer();
  EXPECT_EQ(engine_->view(), 2u);
  EXPECT_EQ(LastTimer()->delay_ms, 4 * first);
}

TEST_F(EngineTest, FPlusOneViewChangesForHigherViewsAreJoinedAtTheSmallest) {
  Start(2);
  Deliver(ViewChange(0, 5));
  EXPECT_EQ(engine_->view(), 0u) << "one is not f+1";
  Deliver(ViewChange(3, 3));
  EXPECT_EQ(engine_->view(), 3u);
  EXPECT_TRUE(engine_->in_view_change());
  ASSERT_FALSE(Sent(MsgType::kViewChange).empty());
  EXPECT_EQ(Sent(MsgType::kViewChange).back()->view, 3u);
}

TEST_F(EngineTest, NewLeaderSendsNewViewWithHighestPreparedBlock) {
  Start(1);  // validator 1 leads view 1
  auto old = MakeBlock(0, 0, 1);
  Deliver(Signed(0, MsgType::kProposal, 0, old));
  FireTimer();  // VIEW-CHANGE for view 1, no prepared certificate of its own
  Message vc = *ViewChange(2, 1, Prepared(0, old, {0, 2, 3}));
  Deliver(std::make_shared<const Message>(vc));
  EXPECT_TRUE(Sent(MsgType::kNewView).empty()) << "2 of 4 VIEW-CHANGEs";
  Deliver(ViewChange(3, 1));
  auto nv = Sent(MsgType::kNewView);
  ASSERT_EQ(nv.size(), 1u);
  EXPECT_EQ(nv[0]->block_hash, old->hash()) << "re-proposes the prepared block";
  EXPECT_EQ(nv[0]->view_changes.size(), 3u);
  EXPECT_FALSE(engine_->in_view_change());
  EXPECT_EQ(Sent(MsgType::kPrepare).back()->view, 1u);
}

TEST_F(EngineTest, NewLeaderWithoutPreparedBlocksAsksForANewOne) {
  Start(1);
  FireTimer();
  Deliver(ViewChange(2, 1));
  Deliver(ViewChange(3, 1));
  const Action* req = nullptr;
  for (const auto& a : actions_) {
    if (a.kind == Action::Kind::kRequestProposal && a.view == 1) req = &a;
  }
  ASSERT_NE(req, nullptr);
  Actions out;
  ASSERT_TRUE(engine_->OnProposal(MakeBlock(1, 1), out));
  Take(out);
  ASSERT_EQ(Sent(MsgType::kNewView).size(), 1u);
}

class NewViewValidation : public EngineTest {
 protected:
  void SetUp() override {
    Start(3);  // a replica; validator 2 leads view 2
    prepared_block_ = MakeBlock(0, 0, 1);
  }
  MessagePtr NewView(std::vector<MessagePtr> vcs, const BlockPtr& block, size_t from = 2) {
    Message m;
    m.type = MsgType::kNewView;
    m.height = 1;
    m.view = 2;
    m.block = block;
    m.block_hash = block->hash();
    m.view_changes = std::move(vcs);
    SignMessage(kChain, keys_[from], m);
    return std::make_shared<const Message>(std::move(m));
  }
  BlockPtr prepared_block_;
};

TEST_F(NewViewValidation, AcceptsTheHighestPreparedBlock) {
  auto vcs = {ViewChange(0, 2, Prepared(0, prepared_block_, {0, 1, 2})), ViewChange(1, 2),
              ViewChange(2, 2)};
  Deliver(NewView(vcs, prepared_block_));
  ASSERT_EQ(Sent(MsgType::kPrepare).size(), 1u);
  EXPECT_EQ(engine_->view(), 2u);
}

TEST_F(NewViewValidation, RejectsOneThatOmitsThePreparedBlock) {
  auto vcs = {ViewChange(0, 2, Prepared(0, prepared_block_, {0, 1, 2})), ViewChange(1, 2),
              ViewChange(2, 2)};
  Deliver(NewView(vcs, MakeBlock(2, 2, 5)));  // a fresh block instead
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().dropped_invalid, 1u);
  EXPECT_EQ(engine_->view(), 0u);
}

TEST_F(NewViewValidation, RejectsALowerPreparedBlockWhenAHigherOneIsInTheProof) {
  auto newer = MakeBlock(1, 1, 7);
  auto vcs = {ViewChange(0, 2, Prepared(0, prepared_block_, {0, 1, 2})),
              ViewChange(1, 2, Prepared(1, newer, {1, 2, 3})), ViewChange(2, 2)};
  Deliver(NewView(vcs, prepared_block_));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  Deliver(NewView(vcs, newer));
  EXPECT_EQ(Sent(MsgType::kPrepare).size(), 1u);
}

TEST_F(NewViewValidation, RejectsTooFewOrDuplicatedViewChanges) {
  Deliver(NewView({ViewChange(0, 2), ViewChange(1, 2)}, MakeBlock(2, 2)));
  Deliver(NewView({ViewChange(0, 2), ViewChange(0, 2), ViewChange(1, 2)}, MakeBlock(2, 2)));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().dropped_invalid, 2u);
}

TEST_F(NewViewValidation, RejectsAForgedPreparedCertificate) {
  PreparedCert cert = Prepared(0, prepared_block_, {0, 1, 2});
  cert.sigs[0].sig.bytes[0] ^= 1;
  // A VIEW-CHANGE signed over a certificate whose PREPARE signature is bad.
  auto vcs = {ViewChange(0, 2, cert), ViewChange(1, 2), ViewChange(2, 2)};
  Deliver(NewView(vcs, prepared_block_));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().dropped_invalid, 1u);
}

TEST_F(NewViewValidation, RejectsANewViewFromTheWrongLeader) {
  Deliver(NewView({ViewChange(0, 2), ViewChange(1, 2), ViewChange(2, 2)}, MakeBlock(2, 2), 1));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
}

TEST_F(EngineTest, PlainProposalIsRefusedInAViewReachedByViewChange) {
  Start(2);
  FireTimer();  // view 1 (leader: validator 1) reached by view change
  Deliver(Signed(1, MsgType::kProposal, 1, MakeBlock(1, 1)));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty()) << "needs the NEW-VIEW's proof";
}

TEST_F(EngineTest, WalFailureSendsNothingAndIsSticky) {
  Start(1);
  wal_.fail = true;
  Actions out;
  Status st = engine_->OnMessage(Signed(0, MsgType::kProposal, 0, MakeBlock(0, 0)), out);
  EXPECT_FALSE(st);
  for (const auto& a : out) EXPECT_NE(a.kind, Action::Kind::kBroadcast);
  wal_.fail = false;
  Actions later;
  EXPECT_FALSE(engine_->OnTimer(LastTimer()->timer, later));
  EXPECT_TRUE(later.empty());
}

TEST_F(EngineTest, RestartNeverSignsADifferentBlockForTheSameSlot) {
  Start(1);
  auto a = MakeBlock(0, 0, 1);
  Deliver(Signed(0, MsgType::kProposal, 0, a));
  ASSERT_EQ(Sent(MsgType::kPrepare).size(), 1u);
  // Crash and restart from the WAL: a conflicting proposal for (1, 0) gets
  // no vote; the original gets the same vote again.
  actions_.clear();
  Start(1);
  Deliver(Signed(0, MsgType::kProposal, 0, MakeBlock(0, 0, 2)));
  EXPECT_TRUE(Sent(MsgType::kPrepare).empty());
  EXPECT_EQ(engine_->counters().refused_to_resign, 1u);
  actions_.clear();
  Start(1);
  Deliver(Signed(0, MsgType::kProposal, 0, a));
  ASSERT_EQ(Sent(MsgType::kPrepare).size(), 1u);
  EXPECT_EQ(Sent(MsgType::kPrepare)[0]->block_hash, a->hash());
}

TEST_F(EngineTest, RestartKeepsTheViewChangeAndThePreparedCertificate) {
  Start(1);
  auto a = MakeBlock(0, 0, 1);
  Deliver(Signed(0, MsgType::kProposal, 0, a));
  Deliver(Signed(0, MsgType::kPrepare, 0, a));
  Deliver(Signed(2, MsgType::kPrepare, 0, a));
  ASSERT_EQ(Sent(MsgType::kCommit).size(), 1u);
  FireTimer();
  ASSERT_EQ(engine_->view(), 1u);
  actions_.clear();
  Start(1);
  EXPECT_EQ(engine_->view(), 1u) << "never back to a view it left";
  EXPECT_TRUE(engine_->in_view_change());
  auto vcs = Sent(MsgType::kViewChange);
  ASSERT_EQ(vcs.size(), 1u) << "resends its VIEW-CHANGE";
  ASSERT_TRUE(vcs[0]->prepared.has_value());
  EXPECT_EQ(vcs[0]->prepared->block_hash, a->hash());
  ASSERT_NE(vcs[0]->block, nullptr) << "and the prepared block, for the new leader";
}

TEST_F(EngineTest, FarFutureMessagesAreDroppedButProveTheNodeIsBehind) {
  Start(1);
  auto b = MakeBlock(0, 0);
  Deliver(Signed(0, MsgType::kPrepare, 0, b, 1000));
  EXPECT_EQ(engine_->counters().dropped_future, 1u);
  EXPECT_EQ(Find(Action::Kind::kSyncNeeded), nullptr) << "one validator is not f+1";
  Deliver(Signed(2, MsgType::kPrepare, 0, b, 900));
  const Action* sync = Find(Action::Kind::kSyncNeeded);
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->height, 900u) << "the height f+1 validators have reached";
}

TEST_F(EngineTest, LaggingPeerIsSentTheBlocksItMissed) {
  Start(1);
  auto a = MakeBlock(0, 0);
  Deliver(Signed(0, MsgType::kProposal, 0, a));
  for (size_t i : {0u, 2u}) Deliver(Signed(i, MsgType::kPrepare, 0, a));
  for (size_t i : {0u, 2u}) Deliver(Signed(i, MsgType::kCommit, 0, a));
  ASSERT_EQ(engine_->height(), 2u);
  Deliver(ViewChange(3, 1));  // validator 3 is still at height 1
  const Action* help = Find(Action::Kind::kPeerBehind);
  ASSERT_NE(help, nullptr);
  EXPECT_EQ(help->peer, keys_[3].public_key());
  EXPECT_EQ(help->height, 1u);
}

TEST_F(EngineTest, CertifiedBlockIsAdoptedOnlyWithAValidCertificate) {
  Start(1);
  auto a = MakeBlock(0, 0);
  CommitCertificate cert;
  cert.height = 1;
  cert.view = 0;
  cert.block_hash = a->hash();
  for (size_t i : {0u, 2u, 3u}) {
    cert.signatures.push_back(
        {keys_[i].public_key(), keys_[i].Sign(CommitVoteDigest(kChain, 1, 0, a->hash()))});
  }
  std::sort(cert.signatures.begin(), cert.signatures.end(),
            [](const auto& x, const auto& y) { return x.validator < y.validator; });
  CommitCertificate short_cert = cert;
  short_cert.signatures.pop_back();
  Actions out;
  ASSERT_TRUE(engine_->OnCertifiedBlock(a, short_cert, out));
  EXPECT_EQ(engine_->height(), 1u);
  ASSERT_TRUE(engine_->OnCertifiedBlock(a, cert, out));
  EXPECT_EQ(engine_->height(), 2u);
  EXPECT_EQ(engine_->counters().synced_commits, 1u);
}

TEST_F(EngineTest, ObserverFollowsCommitsWithoutVoting) {
  // An engine whose key is not a validator: it never signs anything.
  EngineConfig cfg;
  cfg.chain_id = std::string(kChain);
  auto e = Engine::Create(cfg, testing::TestKey(50), app_, wal_, DefaultVerifier(),
                          {1, Genesis(), 0}, {});
  ASSERT_TRUE(e);
  engine_ = std::move(e).value();
  Actions out;
  ASSERT_TRUE(engine_->Start(out));
  auto a = MakeBlock(0, 0);
  for (const auto& m : {Signed(0, MsgType::kProposal, 0, a), Signed(0, MsgType::kCommit, 0, a),
                        Signed(2, MsgType::kCommit, 0, a), Signed(3, MsgType::kCommit, 0, a)}) {
    ASSERT_TRUE(engine_->OnMessage(m, out));
  }
  for (const auto& act : out) EXPECT_NE(act.kind, Action::Kind::kBroadcast);
  EXPECT_EQ(engine_->height(), 2u);
}

}  // namespace
}  // namespace corridor::consensus

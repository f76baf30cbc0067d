// Escrow with refund (issue 7; docs/state.md §3.8): create / release / cancel,
// the hash lock, every failure code, the deadline at exactly its boundary
// height, and the automatic refund at the deadline with more escrows due than
// one block refunds.
#include <gtest/gtest.h>

#include "contracts/escrow_state.h"
#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

// Dev genesis plus an arbiter, an account that merely looks like one, and
// alice holding EUR too.
GenesisDoc EscrowGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  for (auto [name, roles] :
       {std::pair{"arbiter", std::vector<Role>{Role::kArbiter}},
        std::pair{"not-arbiter", std::vector<Role>{}}, std::pair{"carol", std::vector<Role>{}}}) {
    GenesisAccount a;
    a.address = Addr(name);
    a.kyc_level = 1;
    a.jurisdiction = "SG";
    a.roles = roles;
    doc.accounts.push_back(a);
  }
  doc.balances.push_back({Addr("alice"), "EUR", 500'00});
  return doc;
}

Hash LockOf(std::string_view preimage) {
  return Sha256(AsBytes(preimage));
}

Bytes Pre(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

class EscrowTest : public ::testing::Test {
 protected:
  TestChain chain{EscrowGenesis()};

  EscrowCreate Create(uint64_t amount, uint64_t deadline, std::string_view arbiter = "",
                      Hash lock = {}) {
    EscrowCreate op;
    op.to = Addr("bob");
    op.asset = "USD";
    op.amount = amount;
    if (!arbiter.empty()) op.arbiter = Addr(arbiter);
    op.hash_lock = lock;
    op.deadline_height = deadline;
    return op;
  }
  // Creates an escrow from alice and returns its id (from the event).
  uint64_t Open(const EscrowCreate& op) {
    auto receipts = chain.Commit({chain.Tx("alice", op)});
    EXPECT_EQ(receipts.at(0).code, 0) << NameOf(static_cast<RC>(receipts.at(0).code));
    const Event& e = receipts.at(0).events.at(0);
    EXPECT_EQ(e.type, static_cast<uint16_t>(EventType::kEscrowCreated));
    return e.detail;
  }
  Escrow Get(uint64_t id) { return *ReadEscrow(chain.store().state(), id); }
  void EmptyBlocksUntil(uint64_t height) {
    while (chain.height() < height) chain.Commit({});
  }
};

TEST_F(EscrowTest, CreateLocksTheAmountInTheSendersBalance) {
  const Balance before = chain.BalanceOf("alice", "USD");
  const uint64_t deadline = chain.height() + 10;
  const uint64_t id = Open(Create(250'00, deadline, "arbiter", LockOf("secret")));
  EXPECT_EQ(id, 1u);
  const Balance after = chain.BalanceOf("alice", "USD");
  EXPECT_EQ(after.available, before.available - 250'00);
  EXPECT_EQ(after.locked, 250'00u);
  Escrow e = Get(id);
  EXPECT_EQ(e.sender, Addr("alice"));
  EXPECT_EQ(e.receiver, Addr("bob"));
  EXPECT_EQ(e.amount, 250'00u);
  EXPECT_EQ(e.arbiter, Addr("arbiter"));
  EXPECT_EQ(e.hash_lock, LockOf("secret"));
  EXPECT_EQ(e.deadline_height, deadline);
  EXPECT_EQ(e.created_height, chain.height());
  EXPECT_EQ(e.status, EscrowStatus::kOpen);
  EXPECT_TRUE(chain.store().state().Get(EscrowDeadlineKey(deadline, id)).has_value());
  EXPECT_EQ(Open(Create(1, deadline)), 2u);  // ids are sequential
  const AssetInfo usd = *chain.AssetOf("USD");
  EXPECT_EQ(usd.supply, 100'000'000'00u + 1'000'000'00u);  // unchanged by locking
}

TEST_F(EscrowTest, SenderReleasesToTheReceiver) {
  const uint64_t id = Open(Create(100'00, chain.height() + 10));
  auto receipts = chain.Commit({chain.Tx("alice", EscrowRelease{id, {}})});
  ASSERT_EQ(receipts.at(0).code, 0);
  ASSERT_EQ(receipts.at(0).events.size(), 2u);
  EXPECT_EQ(receipts.at(0).events[0].type, static_cast<uint16_t>(EventType::kEscrowReleased));
  EXPECT_EQ(receipts.at(0).events[1].type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(receipts.at(0).events[1].amount, 100'00u);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 100'00u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 0u);
  Escrow e = Get(id);
  EXPECT_EQ(e.status, EscrowStatus::kReleased);
  EXPECT_EQ(e.closed_by, Addr("alice"));
  EXPECT_EQ(e.closed_height, chain.height());
  EXPECT_FALSE(chain.store().state().Get(EscrowDeadlineKey(e.deadline_height, id)).has_value());
  // Closed: neither a second release nor a cancel.
  EXPECT_EQ(chain.Run("alice", EscrowRelease{id, {}}), RC::kAlreadyClosed);
  EXPECT_EQ(chain.Run("alice", EscrowCancel{id}), RC::kAlreadyClosed);
}

TEST_F(EscrowTest, ArbiterReleasesOnlyWhileHoldingTheRole) {
  const uint64_t id = Open(Create(100'00, chain.height() + 20, "arbiter"));
  const uint64_t id2 = Open(Create(100'00, chain.height() + 20, "arbiter"));
  EXPECT_EQ(chain.Run("arbiter", EscrowRelease{id, {}}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 100'00u);
  EXPECT_EQ(Get(id).closed_by, Addr("arbiter"));
  ASSERT_EQ(chain.Run("admin", RevokeRole{Addr("arbiter"), Role::kArbiter}), RC::kSuccess);
  EXPECT_EQ(chain.Run("arbiter", EscrowRelease{id2, {}}), RC::kNotArbiter);
  EXPECT_EQ(chain.Run("arbiter", EscrowCancel{id2}), RC::kNotArbiter);
  EXPECT_EQ(Get(id2).status, EscrowStatus::kOpen);
}

TEST_F(EscrowTest, OnlyTheSenderOrArbiterReleasesWithoutAPreimage) {
  const uint64_t id = Open(Create(100'00, chain.height() + 20, "arbiter", LockOf("s")));
  EXPECT_EQ(chain.Run("bob", EscrowRelease{id, {}}), RC::kNotParty);
  EXPECT_EQ(chain.Run("carol", EscrowRelease{id, {}}), RC::kNotParty);
  EXPECT_EQ(chain.Run("not-arbiter", EscrowRelease{id, {}}), RC::kNotParty);
  EXPECT_EQ(Get(id).status, EscrowStatus::kOpen);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 100'00u);
}

TEST_F(EscrowTest, HashLockReleasesToWhoeverPresentsThePreimage) {
  const uint64_t id = Open(Create(100'00, chain.height() + 20, "", LockOf("open sesame")));
  EXPECT_EQ(chain.Run("carol", EscrowRelease{id, Pre("open sesame!")}), RC::kWrongPreimage);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{id, Pre("wrong")}), RC::kWrongPreimage);
  EXPECT_EQ(Get(id).status, EscrowStatus::kOpen);
  EXPECT_EQ(chain.Run("carol", EscrowRelease{id, Pre("open sesame")}), RC::kSuccess);
  Escrow e = Get(id);
  EXPECT_EQ(e.status, EscrowStatus::kReleased);
  EXPECT_EQ(e.closed_by, Addr("carol"));
  EXPECT_EQ(e.preimage, Pre("open sesame"));  // revealed for the other leg of a swap
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 100'00u);
  EXPECT_EQ(chain.BalanceOf("carol", "USD").available, 0u);
}

TEST_F(EscrowTest, PreimageForAnEscrowWithoutHashLockIsWrong) {
  const uint64_t id = Open(Create(100'00, chain.height() + 20));
  EXPECT_EQ(chain.Run("alice", EscrowRelease{id, Pre("anything")}), RC::kWrongPreimage);
}

TEST_F(EscrowTest, ReleaseAllowedBelowTheDeadlineOnly) {
  const uint64_t deadline = chain.height() + 5;
  const uint64_t a = Open(Create(10'00, deadline));
  const uint64_t b = Open(Create(20'00, deadline));
  EmptyBlocksUntil(deadline - 2);
  // The next block is deadline - 1: the last height at which release works.
  ASSERT_EQ(chain.NextContext().height, deadline - 1);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{a, {}}), RC::kSuccess);
  // The next block is the deadline: too late; the refund runs first in it.
  ASSERT_EQ(chain.NextContext().height, deadline);
  EXPECT_EQ(chain.Check(chain.Tx("alice", EscrowRelease{b, {}})), RC::kEscrowExpired);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{b, {}}), RC::kAlreadyClosed);
  EXPECT_EQ(Get(b).status, EscrowStatus::kRefunded);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 10'00u);
}

TEST_F(EscrowTest, RefundedAutomaticallyAtTheFirstBlockAtTheDeadline) {
  const Balance start = chain.BalanceOf("alice", "USD");
  const uint64_t deadline = chain.height() + 4;
  const uint64_t id = Open(Create(70'00, deadline));
  EmptyBlocksUntil(deadline - 1);
  EXPECT_EQ(Get(id).status, EscrowStatus::kOpen);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 70'00u);
  chain.Commit({});  // height == deadline
  ASSERT_EQ(chain.height(), deadline);
  Escrow e = Get(id);
  EXPECT_EQ(e.status, EscrowStatus::kRefunded);
  EXPECT_EQ(e.closed_height, deadline);
  EXPECT_TRUE(e.closed_by.IsZero());
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), start);
  // The refund is the block's system event, in the committed state.
  auto events = ReadSystemEvents(chain.store().state(), deadline);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, static_cast<uint16_t>(EventType::kEscrowRefunded));
  EXPECT_EQ(events[0].account, Addr("alice"));
  EXPECT_EQ(events[0].amount, 70'00u);
  EXPECT_EQ(events[0].detail, id);
  // A later block without refunds has none; the past block's stay readable.
  chain.Commit({});
  EXPECT_TRUE(ReadSystemEvents(chain.store().state(), deadline + 1).empty());
  EXPECT_EQ(ReadSystemEvents(chain.store().StateAt(deadline), deadline), events);
  EXPECT_TRUE(ReadSystemEvents(chain.store().StateAt(deadline - 1), deadline - 1).empty());
}

TEST_F(EscrowTest, CancelBySenderReceiverOrArbiterRefunds) {
  const uint64_t deadline = chain.height() + 50;
  const uint64_t by_sender = Open(Create(10'00, deadline, "arbiter"));
  const uint64_t by_receiver = Open(Create(20'00, deadline, "arbiter"));
  const uint64_t by_arbiter = Open(Create(30'00, deadline, "arbiter"));
  const uint64_t not_yours = Open(Create(40'00, deadline, "arbiter"));
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 100'00u);
  EXPECT_EQ(chain.Run("carol", EscrowCancel{not_yours}), RC::kNotParty);
  EXPECT_EQ(chain.Run("not-arbiter", EscrowCancel{not_yours}), RC::kNotParty);
  EXPECT_EQ(chain.Run("alice", EscrowCancel{by_sender}), RC::kSuccess);
  // The receiver declines (e.g. it is the wrong receiver): refund, not payout.
  EXPECT_EQ(chain.Run("bob", EscrowCancel{by_receiver}), RC::kSuccess);
  EXPECT_EQ(chain.Run("arbiter", EscrowCancel{by_arbiter}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 40'00u);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 0u);
  EXPECT_EQ(Get(by_receiver).status, EscrowStatus::kRefunded);
  EXPECT_EQ(Get(by_receiver).closed_by, Addr("bob"));
  EXPECT_EQ(Get(by_arbiter).closed_by, Addr("arbiter"));
  EXPECT_EQ(chain.Run("alice", EscrowCancel{by_sender}), RC::kAlreadyClosed);
}

TEST_F(EscrowTest, CreateFailureCodes) {
  const uint64_t h = chain.height();
  auto with = [&](auto change) {
    EscrowCreate op = Create(10'00, h + 10);
    change(op);
    return chain.Run("alice", op);
  };
  EXPECT_EQ(with([](EscrowCreate& o) { o.to = Address{}; }), RC::kBadField);
  EXPECT_EQ(with([](EscrowCreate& o) { o.asset = "usd"; }), RC::kBadField);
  EXPECT_EQ(with([](EscrowCreate& o) { o.deadline_height = 0; }), RC::kBadField);
  EXPECT_EQ(with([](EscrowCreate& o) { o.arbiter = Addr("alice"); }), RC::kBadField);
  EXPECT_EQ(with([](EscrowCreate& o) { o.arbiter = Addr("bob"); }), RC::kBadField);
  EXPECT_EQ(with([](EscrowCreate& o) { o.amount = 0; }), RC::kZeroAmount);
  EXPECT_EQ(with([](EscrowCreate& o) { o.to = Addr("alice"); }), RC::kSelfPayment);
  EXPECT_EQ(with([](EscrowCreate& o) { o.asset = "GBP"; }), RC::kUnknownAsset);
  EXPECT_EQ(with([](EscrowCreate& o) { o.to = Addr("stranger"); }), RC::kUnknownAccount);
  EXPECT_EQ(with([](EscrowCreate& o) { o.arbiter = Addr("not-arbiter"); }), RC::kNotArbiter);
  EXPECT_EQ(with([](EscrowCreate& o) { o.arbiter = Addr("stranger"); }), RC::kNotArbiter);
  EXPECT_EQ(with([](EscrowCreate& o) { o.amount = 1'000'000'01; }), RC::kInsufficientBalance);
  // Deadline must be above the block's height: the next block's height fails.
  EXPECT_EQ(with([&](EscrowCreate& o) { o.deadline_height = chain.NextContext().height; }),
            RC::kEscrowExpired);
  EXPECT_EQ(with([&](EscrowCreate& o) { o.deadline_height = chain.NextContext().height + 1; }),
            RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 10'00u);
  ASSERT_EQ(chain.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(with([](EscrowCreate&) {}), RC::kReceiverFrozen);
  ASSERT_EQ(chain.Run("compliance", FreezeAsset{"USD"}), RC::kSuccess);
  EXPECT_EQ(with([](EscrowCreate&) {}), RC::kAssetFrozen);
  // The failed creates moved nothing; the one escrow was refunded at its deadline.
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 0u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").available, 1'000'000'00u);
}

TEST_F(EscrowTest, ReleaseAndCancelFailureCodes) {
  EXPECT_EQ(chain.Run("alice", EscrowRelease{0, {}}), RC::kBadField);
  EXPECT_EQ(chain.Run("alice", EscrowCancel{0}), RC::kBadField);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{99, {}}), RC::kEscrowNotFound);
  EXPECT_EQ(chain.Run("alice", EscrowCancel{99}), RC::kEscrowNotFound);
  // Release into a frozen receiver or a frozen asset fails; the funds stay locked.
  const uint64_t id = Open(Create(10'00, chain.height() + 20));
  ASSERT_EQ(chain.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{id, {}}), RC::kReceiverFrozen);
  ASSERT_EQ(chain.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kSuccess);
  ASSERT_EQ(chain.Run("compliance", FreezeAsset{"USD"}), RC::kSuccess);
  EXPECT_EQ(chain.Run("alice", EscrowRelease{id, {}}), RC::kAssetFrozen);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 10'00u);
  EXPECT_EQ(Get(id).status, EscrowStatus::kOpen);
  // A cancel (refund into the sender's own balance) works with the asset frozen.
  EXPECT_EQ(chain.Run("alice", EscrowCancel{id}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 0u);
}

TEST_F(EscrowTest, OperationsRoundTripThroughTheEncoding) {
  EscrowCreate c = Create(5, 77, "arbiter", LockOf("x"));
  EscrowRelease r{3, Pre("preimage")};
  EscrowCancel x{4};
  for (const Operation& op : {Operation(c), Operation(r), Operation(x)}) {
    Writer w;
    EncodeOperation(w, op);
    Reader rd(w.data());
    Operation back;
    ASSERT_TRUE(DecodeOperation(rd, back));
    EXPECT_EQ(back, op);
  }
  // A preimage longer than kMaxPreimageBytes does not decode.
  Writer w;
  EncodeOperation(w, EscrowRelease{1, Bytes(kMaxPreimageBytes + 1, 'a')});
  Reader rd(w.data());
  Operation back;
  EXPECT_FALSE(DecodeOperation(rd, back));
}

// More escrows due than one block refunds: the first kMaxRefundsPerBlock in
// (deadline, id) order at the deadline block, the rest in the next.
TEST(EscrowRefundCapTest, RefundsAreBoundedPerBlockAndOrderedByDeadlineThenId) {
  TestChain chain(EscrowGenesis(), Executor::Options{.verify_signatures = false});
  const size_t n = kMaxRefundsPerBlock + 7;
  const uint64_t d = chain.height() + 3;
  std::vector<TransactionPtr> txs;
  uint64_t nonce = chain.NextNonce(Addr("alice"));
  PrivateKey key = DevKey("alice");
  for (size_t i = 0; i < n; ++i) {
    EscrowCreate op;
    op.to = Addr("bob");
    op.asset = "USD";
    op.amount = 1 + i % 3;
    // The last 5 created have the earlier deadline: refunded first.
    op.deadline_height = i >= n - 5 ? d - 1 : d;
    TxBody body = chain.Body(Addr("alice"), op);
    body.nonce = nonce++;
    txs.push_back(Transaction::Sign(std::move(body), {&key}));
  }
  for (const auto& r : chain.Commit(txs)) ASSERT_EQ(r.code, 0);
  uint64_t locked = chain.BalanceOf("alice", "USD").locked;
  ASSERT_GT(locked, 0u);
  chain.Commit({});  // height d - 1: the 5 with the earlier deadline
  auto first = ReadSystemEvents(chain.store().state(), chain.height());
  ASSERT_EQ(first.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(first[i].detail, n - 5 + 1 + i);
  chain.Commit({});  // height d: the cap
  ASSERT_EQ(chain.height(), d);
  auto second = ReadSystemEvents(chain.store().state(), d);
  ASSERT_EQ(second.size(), kMaxRefundsPerBlock);
  for (size_t i = 0; i < second.size(); ++i) ASSERT_EQ(second[i].detail, i + 1);
  EXPECT_EQ(Escrow(*ReadEscrow(chain.store().state(), kMaxRefundsPerBlock + 1)).status,
            EscrowStatus::kOpen);
  chain.Commit({});  // height d + 1: the remaining 2, past their deadline
  auto third = ReadSystemEvents(chain.store().state(), d + 1);
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[0].detail, kMaxRefundsPerBlock + 1);
  EXPECT_EQ(third[1].detail, kMaxRefundsPerBlock + 2);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").locked, 0u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD").available, 1'000'000'00u);
  EXPECT_TRUE(chain.store().state().ScanPrefix(EscrowDeadlinePrefix(), 1).empty());
}

}  // namespace
}  // namespace corridor::contracts

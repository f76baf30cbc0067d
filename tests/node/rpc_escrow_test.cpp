// RPC for escrows and disputes (issue 7): escrow_get, dispute_get,
// dispute_list (filter, pages, cursor), and the refunds at the deadline as
// chain_getBlock's systemEvents.
#include <gtest/gtest.h>

#include "node/rpc_topics.h"
#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

class RpcEscrowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: the exchange becomes an arbiter; alice pays bob three times.
    p1_ = node_.Pay("alice", "bob", "USD", 10'00);
    p2_ = node_.Pay("alice", "bob", "USD", 20'00, "", 1);
    p3_ = node_.Pay("alice", "bob", "USD", 30'00, "", 2);
    node_.Commit({node_.Tx("admin", GrantRole{Addr("exchange"), Role::kArbiter}), p1_, p2_, p3_});
    // 2: escrow 1 (arbiter, hash lock, deadline 4), escrow 2 (deadline 9);
    //    disputes 1 (held), 2, 3 on the three payments.
    EscrowCreate e1{Addr("bob"), "USD", 5'00, Addr("exchange"), Sha256(AsBytes("pre")), 4};
    EscrowCreate e2{Addr("bob"), "USD", 7'00, Address{}, Hash{}, 9};
    node_.Commit({node_.Tx("alice", e1), node_.Tx("alice", e2, "", 1),
                  node_.Tx("alice", DisputeOpen{p1_->id(), 10'00, true, "not delivered"}, "", 2),
                  node_.Tx("bob", DisputeOpen{p2_->id(), 5'00, false, "double charge"}),
                  node_.Tx("alice", DisputeOpen{p3_->id(), 1'00, false, "fee"}, "", 3)});
    // 3: escrow 2 released by preimage-less sender; dispute 2 refunded, 3 dismissed.
    node_.Commit({node_.Tx("alice", EscrowRelease{2, {}}),
                  node_.Tx("exchange", DisputeResolve{2, 4'00}),
                  node_.Tx("exchange", DisputeResolve{3, 0}, "", 1)});
    // 4: escrow 1's deadline: refunded before the block's transactions.
    node_.Commit({node_.Pay("bob", "alice", "USD", 1)});
    ASSERT_EQ(node_.height(), 4u);
  }

  TestNode node_;
  TransactionPtr p1_, p2_, p3_;
};

TEST_F(RpcEscrowTest, EscrowGetOpenReleasedAndRefunded) {
  auto r = node_.Call("escrow_get", R"({"id":2})");
  const auto& released = ResultOf(r);
  EXPECT_EQ(released["id"].GetUint64(), 2u);
  EXPECT_EQ(Str(released, "status"), "released");
  EXPECT_EQ(Str(released, "sender"), Addr("alice").ToString());
  EXPECT_EQ(Str(released, "receiver"), Addr("bob").ToString());
  EXPECT_EQ(Str(released, "amount"), "7.00");
  EXPECT_EQ(released["deadlineHeight"].GetUint64(), 9u);
  EXPECT_EQ(released["createdHeight"].GetUint64(), 2u);
  EXPECT_EQ(released["closedHeight"].GetUint64(), 3u);
  EXPECT_EQ(Str(released, "closedBy"), Addr("alice").ToString());
  EXPECT_FALSE(released.HasMember("arbiter"));
  EXPECT_FALSE(released.HasMember("hashLock"));

  auto r1 = node_.Call("escrow_get", R"({"id":1})");
  const auto& refunded = ResultOf(r1);
  EXPECT_EQ(Str(refunded, "status"), "refunded");
  EXPECT_EQ(Str(refunded, "arbiter"), Addr("exchange").ToString());
  EXPECT_EQ(Str(refunded, "hashLock"), Sha256(AsBytes("pre")).ToHex());
  EXPECT_EQ(refunded["closedHeight"].GetUint64(), 4u);
  EXPECT_FALSE(refunded.HasMember("closedBy"));  // the deadline, nobody

  EXPECT_EQ(ErrorCode(node_.Call("escrow_get", R"({"id":3})")), rpc::kNotFound);
  auto zero = node_.Call("escrow_get", R"({"id":0})");
  EXPECT_EQ(ErrorCode(zero), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(zero, "reason"), "bad_id");
  EXPECT_EQ(ErrorCode(node_.Call("escrow_get", R"({"id":"1"})")), rpc::kInvalidParams);
  EXPECT_EQ(ErrorCode(node_.Call("escrow_get", R"({"id":1,"x":1})")), rpc::kInvalidParams);
}

TEST_F(RpcEscrowTest, AnOpenEscrowSaysWhetherItCanStillBeReleased) {
  node_.Commit({node_.Tx("alice", EscrowCreate{Addr("bob"), "USD", 1'00, Address{}, Hash{}, 7})});
  auto r = node_.Call("escrow_get", R"({"id":3})");
  EXPECT_EQ(Str(ResultOf(r), "status"), "open");
  EXPECT_TRUE(ResultOf(r)["releasable"].GetBool());  // next block 6 < 7
  node_.Commit({});
  r = node_.Call("escrow_get", R"({"id":3})");
  EXPECT_FALSE(ResultOf(r)["releasable"].GetBool());  // next block 7: refunded then
}

TEST_F(RpcEscrowTest, RefundsAtTheDeadlineAreTheBlocksSystemEvents) {
  auto r = node_.Call("chain_getBlock", R"({"height":4})");
  const auto& events = ResultOf(r)["systemEvents"];
  ASSERT_EQ(events.Size(), 1u);
  EXPECT_EQ(Str(events[0], "type"), "escrow_refunded");
  EXPECT_EQ(events[0]["escrowId"].GetUint64(), 1u);
  EXPECT_EQ(Str(events[0], "sender"), Addr("alice").ToString());
  EXPECT_EQ(Str(events[0], "amount"), "5.00");
  EXPECT_FALSE(events[0].HasMember("cancelledBy"));
  auto r3 = node_.Call("chain_getBlock", R"({"height":3})");
  EXPECT_EQ(ResultOf(r3)["systemEvents"].Size(), 0u);
}

TEST_F(RpcEscrowTest, TheBlocksTopicCarriesTheSystemEvents) {
  auto source = MakeBlocksSource(node_.chain());
  auto batch = source->ReadFrom({3, 0}, 2, rpc::SubscriptionFilter{});
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->events[0].payload.value()["systemEvents"].Size(), 0u);
  const auto& refunds = batch->events[1].payload.value()["systemEvents"];
  ASSERT_EQ(refunds.Size(), 1u);
  EXPECT_EQ(Str(refunds[0], "type"), "escrow_refunded");
  // The live event, built right after the commit, is the same.
  auto block = node_.chain().blocks().BlockAt(4);
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(BlockTopicEvent(**block, node_.chain().state()).payload.Serialize(),
            batch->events[1].payload.Serialize());
}

TEST_F(RpcEscrowTest, DisputeGetShowsHoldAndResolution) {
  auto r = node_.Call("dispute_get", R"({"id":1})");
  const auto& d1 = ResultOf(r);
  EXPECT_EQ(Str(d1, "status"), "open");
  EXPECT_EQ(Str(d1, "paymentTx"), p1_->id().ToHex());
  EXPECT_EQ(Str(d1, "opener"), Addr("alice").ToString());
  EXPECT_EQ(Str(d1, "payer"), Addr("alice").ToString());
  EXPECT_EQ(Str(d1, "payee"), Addr("bob").ToString());
  EXPECT_EQ(Str(d1, "amount"), "10.00");
  EXPECT_EQ(Str(d1, "held"), "10.00");
  EXPECT_EQ(Str(d1, "reason"), "not delivered");
  EXPECT_EQ(d1["openedHeight"].GetUint64(), 2u);
  EXPECT_FALSE(d1.HasMember("arbiter"));

  auto r2 = node_.Call("dispute_get", R"({"id":2})");
  const auto& d2 = ResultOf(r2);
  EXPECT_EQ(Str(d2, "status"), "refunded");
  EXPECT_EQ(Str(d2, "opener"), Addr("bob").ToString());
  EXPECT_EQ(Str(d2, "refunded"), "4.00");
  EXPECT_EQ(Str(d2, "arbiter"), Addr("exchange").ToString());
  EXPECT_EQ(d2["resolvedHeight"].GetUint64(), 3u);
  EXPECT_EQ(ErrorCode(node_.Call("dispute_get", R"({"id":4})")), rpc::kNotFound);
}

TEST_F(RpcEscrowTest, DisputeListFiltersAndPagesInIdOrder) {
  auto all = node_.Call("dispute_list");
  const auto& page = ResultOf(all);
  ASSERT_EQ(page["disputes"].Size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) EXPECT_EQ(page["disputes"][i]["id"].GetUint64(), i + 1);
  EXPECT_TRUE(page["nextCursor"].IsNull());

  auto first = node_.Call("dispute_list", R"({"limit":2})");
  ASSERT_EQ(ResultOf(first)["disputes"].Size(), 2u);
  const std::string cursor = Str(ResultOf(first), "nextCursor");
  EXPECT_EQ(cursor, "3");
  auto rest = node_.Call("dispute_list", R"({"limit":2,"cursor":")" + cursor + R"("})");
  ASSERT_EQ(ResultOf(rest)["disputes"].Size(), 1u);
  EXPECT_EQ(ResultOf(rest)["disputes"][0]["id"].GetUint64(), 3u);
  EXPECT_TRUE(ResultOf(rest)["nextCursor"].IsNull());

  for (auto [status, id] :
       {std::pair{"open", 1u}, std::pair{"refunded", 2u}, std::pair{"dismissed", 3u}}) {
    auto r = node_.Call("dispute_list", std::string(R"({"status":")") + status + R"("})");
    ASSERT_EQ(ResultOf(r)["disputes"].Size(), 1u) << status;
    EXPECT_EQ(ResultOf(r)["disputes"][0]["id"].GetUint64(), id);
    EXPECT_EQ(Str(ResultOf(r)["disputes"][0], "status"), status);
  }
  auto bad_status = node_.Call("dispute_list", R"({"status":"closed"})");
  EXPECT_EQ(ErrorData(bad_status, "reason"), "bad_status");
  auto bad_cursor = node_.Call("dispute_list", R"({"cursor":"x1"})");
  EXPECT_EQ(ErrorData(bad_cursor, "reason"), "bad_cursor");
  EXPECT_EQ(ErrorCode(node_.Call("dispute_list", R"({"limit":0})")), rpc::kInvalidParams);
}

TEST_F(RpcEscrowTest, TransactionsShowTheirOperationsAndEvents) {
  auto blk = node_.Call("chain_getBlock", R"({"height":2,"full":true})");
  const auto& txs = ResultOf(blk)["transactions"];
  ASSERT_EQ(txs.Size(), 5u);
  EXPECT_EQ(Str(txs[0], "type"), "escrow_create");
  EXPECT_EQ(txs[0]["operation"]["deadlineHeight"].GetUint64(), 4u);
  EXPECT_EQ(Str(txs[0]["receipt"]["events"][0], "type"), "escrow_created");
  EXPECT_EQ(Str(txs[2], "type"), "dispute_open");
  EXPECT_TRUE(txs[2]["operation"]["hold"].GetBool());
  EXPECT_EQ(Str(txs[2]["receipt"]["events"][1], "type"), "hold_placed");
}

}  // namespace
}  // namespace corridor::node::testing

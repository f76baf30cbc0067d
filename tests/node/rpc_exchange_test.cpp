// RPC for the exchange and cross-border operations (issue 7): fx_getRate,
// fx_getRateHistory, settlement_getBatch, exchange_getReference, and how
// chain_getTransaction shows a batch and a failed batch's failing trade.
#include <gtest/gtest.h>

#include <optional>

#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

std::string Q(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

class RpcExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: the oracle publishes USD/EUR 0.92 for heights 1..10; the exchange
    //    becomes a liquidity provider and custody account.
    node_.Commit({node_.Tx("oracle", PublishRate{"USD", "EUR", 92, 100, 1, 10}),
                  node_.Tx("admin", GrantRole{Addr("exchange"), Role::kLiquidityProvider}),
                  node_.Tx("admin", GrantRole{Addr("exchange"), Role::kCustody}, "", 1)});
    // 2: alice sends bob 10.00 EUR paying USD; a new rate is published.
    fx_tx_ =
        node_.Tx("alice", FxPayment{Addr("bob"), "USD", "EUR", 10'00, 11'00, Addr("exchange")});
    node_.Commit({fx_tx_, node_.Tx("oracle", PublishRate{"USD", "EUR", 93, 100, 2, 20})});
    // 3: a batch: alice buys 1.00 EUR from bob for 1.10 USD; a failing batch
    //    (its second trade overdraws bob); a deposit.
    batch_tx_ = node_.Tx(
        "exchange",
        SettleBatch{"B-1", {Trade{"T-1", Addr("alice"), Addr("bob"), "EUR", 1'00, "USD", 1'10}}});
    failed_tx_ = node_.Tx(
        "exchange",
        SettleBatch{"B-2",
                    {Trade{"T-1", Addr("alice"), Addr("bob"), "EUR", 1, "USD", 1},
                     Trade{"T-2", Addr("alice"), Addr("bob"), "EUR", 900'000'000'00, "USD", 1}}},
        "", 1);
    node_.Commit({batch_tx_, failed_tx_,
                  node_.Tx("alice", ExchangeDeposit{Addr("exchange"), "USD", 5'00, "DEP-9"})});
    ASSERT_EQ(node_.height(), 3u);
  }

  TestNode node_;
  TransactionPtr fx_tx_, batch_tx_, failed_tx_;
};

TEST_F(RpcExchangeTest, FxGetRateLatestAndAtAHeight) {
  auto r = node_.Call("fx_getRate", R"({"pair":"USD/EUR"})");
  const auto& latest = ResultOf(r);
  EXPECT_EQ(Str(latest, "pair"), "USD/EUR");
  EXPECT_EQ(Str(latest, "numerator"), "93");
  EXPECT_EQ(Str(latest, "denominator"), "100");
  EXPECT_EQ(latest["validFrom"].GetUint64(), 2u);
  EXPECT_EQ(latest["validUntil"].GetUint64(), 20u);
  EXPECT_EQ(Str(latest, "oracle"), Addr("oracle").ToString());
  EXPECT_EQ(latest["publishedHeight"].GetUint64(), 2u);
  EXPECT_TRUE(latest["usable"].GetBool());
  EXPECT_TRUE(latest["usableNext"].GetBool());

  auto at1 = node_.Call("fx_getRate", R"({"pair":"USD/EUR","height":1})");
  EXPECT_EQ(Str(ResultOf(at1), "numerator"), "92");
  EXPECT_EQ(ResultOf(at1)["height"].GetUint64(), 1u);

  EXPECT_EQ(ErrorCode(node_.Call("fx_getRate", R"({"pair":"USD/EUR","height":0})")),
            rpc::kNotFound);
  EXPECT_EQ(ErrorCode(node_.Call("fx_getRate", R"({"pair":"EUR/USD"})")), rpc::kNotFound);
  auto future = node_.Call("fx_getRate", R"({"pair":"USD/EUR","height":99})");
  EXPECT_EQ(ErrorCode(future), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(future, "reason"), "future_height");
  for (const char* bad :
       {R"({"pair":"USDEUR"})", R"({"pair":"USD/USD"})", R"({"pair":"usd/EUR"})", R"({})"}) {
    EXPECT_EQ(ErrorCode(node_.Call("fx_getRate", bad)), rpc::kInvalidParams) << bad;
  }
}

TEST_F(RpcExchangeTest, FxGetRateHistoryPagesInHeightOrder) {
  auto r = node_.Call("fx_getRateHistory", R"({"pair":"USD/EUR","limit":1})");
  const auto& page = ResultOf(r);
  ASSERT_EQ(page["rates"].Size(), 1u);
  EXPECT_EQ(page["rates"][0]["publishedHeight"].GetUint64(), 1u);
  ASSERT_TRUE(page.HasMember("nextFromHeight"));
  auto next =
      node_.Call("fx_getRateHistory", R"({"pair":"USD/EUR","limit":1,"fromHeight":)" +
                                          std::to_string(page["nextFromHeight"].GetUint64()) + "}");
  const auto& page2 = ResultOf(next);
  ASSERT_EQ(page2["rates"].Size(), 1u);
  EXPECT_EQ(page2["rates"][0]["publishedHeight"].GetUint64(), 2u);
  EXPECT_FALSE(page2.HasMember("nextFromHeight"));
}

TEST_F(RpcExchangeTest, SettlementGetBatch) {
  auto r = node_.Call("settlement_getBatch", R"({"batchId":"B-1"})");
  const auto& b = ResultOf(r);
  EXPECT_EQ(Str(b, "status"), "settled");
  EXPECT_EQ(Str(b, "txId"), batch_tx_->id().ToHex());
  EXPECT_EQ(b["height"].GetUint64(), 3u);
  EXPECT_EQ(b["timestamp"].GetUint64(), node_.TimeOf(3));
  EXPECT_EQ(Str(b, "operator"), Addr("exchange").ToString());
  EXPECT_EQ(b["trades"].GetUint64(), 1u);
  EXPECT_EQ(b["movements"].GetUint64(), 4u);
  // The failed batch is not recorded; its receipt says where it failed.
  auto missing = node_.Call("settlement_getBatch", R"({"batchId":"B-2"})");
  EXPECT_EQ(ErrorCode(missing), rpc::kNotFound);
  EXPECT_EQ(ErrorCode(node_.Call("settlement_getBatch", R"({"batchId":""})")), rpc::kInvalidParams);
}

TEST_F(RpcExchangeTest, TransactionsShowTradesAndTheFailingTrade) {
  auto ok = node_.Call("chain_getTransaction", R"({"id":)" + Q(batch_tx_->id().ToHex()) + "}");
  const auto& t = ResultOf(ok);
  EXPECT_EQ(Str(t, "status"), "committed");
  EXPECT_EQ(Str(t["transaction"], "type"), "settle_batch");
  const auto& op = t["transaction"]["operation"];
  EXPECT_EQ(Str(op, "batchId"), "B-1");
  ASSERT_EQ(op["trades"].Size(), 1u);
  EXPECT_EQ(Str(op["trades"][0], "tradeId"), "T-1");
  EXPECT_EQ(Str(op["trades"][0], "quoteAmount"), "1.10");
  const auto& events = t["receipt"]["events"];
  ASSERT_EQ(events.Size(), 5u);
  EXPECT_EQ(Str(events[0], "type"), "batch_settled");

  auto bad = node_.Call("chain_getTransaction", R"({"id":)" + Q(failed_tx_->id().ToHex()) + "}");
  const auto& f = ResultOf(bad);
  EXPECT_EQ(Str(f, "status"), "failed");
  EXPECT_EQ(Str(f["receipt"], "codeName"), "insufficient_balance");
  const auto& fe = f["receipt"]["events"];
  ASSERT_EQ(fe.Size(), 1u);
  EXPECT_EQ(Str(fe[0], "type"), "batch_failed");
  EXPECT_EQ(fe[0]["tradeIndex"].GetUint64(), 1u);
  EXPECT_EQ(Str(fe[0], "account"), Addr("bob").ToString());
  EXPECT_EQ(Str(fe[0], "asset"), "EUR");
  EXPECT_EQ(Str(fe[0], "reason"), "insufficient_balance");

  auto fx = node_.Call("chain_getTransaction", R"({"id":)" + Q(fx_tx_->id().ToHex()) + "}");
  EXPECT_EQ(Str(ResultOf(fx), "status"), "committed");
  EXPECT_EQ(Str(ResultOf(fx)["receipt"]["events"][0], "type"), "fx_converted");
}

TEST_F(RpcExchangeTest, ExchangeGetReference) {
  auto r = node_.Call("exchange_getReference", R"({"custody":)" + Q(Addr("exchange").ToString()) +
                                                   R"(,"reference":"DEP-9"})");
  EXPECT_EQ(ResultOf(r)["height"].GetUint64(), 3u);
  auto none =
      node_.Call("exchange_getReference",
                 R"({"custody":)" + Q(Addr("exchange").ToString()) + R"(,"reference":"DEP-10"})");
  EXPECT_EQ(ErrorCode(none), rpc::kNotFound);
}

TEST_F(RpcExchangeTest, AccountGetShowsALiquidityProvidersFee) {
  auto fee = [&](std::string_view who) -> std::optional<uint64_t> {
    auto r = node_.Call("account_get", R"({"address":)" + Q(Addr(who).ToString()) + "}");
    const auto& a = ResultOf(r);
    if (!a.HasMember("liquidityFeeBps")) return std::nullopt;
    return a["liquidityFeeBps"].GetUint64();
  };
  EXPECT_EQ(fee("exchange"), 0u) << "a provider that never set its fee charges none";
  EXPECT_EQ(fee("alice"), std::nullopt) << "only liquidity providers have a fee";
  node_.Commit({node_.Tx("exchange", SetLiquidityFee{25})});
  EXPECT_EQ(fee("exchange"), 25u);
}

}  // namespace
}  // namespace corridor::node::testing

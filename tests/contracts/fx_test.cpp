// FX rates (publish_rate) and cross-border payments (issue 7): every success
// path, each failure code, the stale-rate boundary heights and the rounding
// rule at its edges (docs/state.md §3.2, §3.3).
#include <gtest/gtest.h>

#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

PublishRate Rate(std::string base, std::string quote, uint64_t num, uint64_t den, uint64_t from,
                 uint64_t until) {
  return PublishRate{std::move(base), std::move(quote), num, den, from, until};
}

// ------------------------------------------------------------ publish_rate

TEST(PublishRateTest, EncodingRoundTripsAndIsBounded) {
  Operation op = Rate("USD", "EUR", 92, 100, 5, 500);
  Writer w;
  EncodeOperation(w, op);
  Reader r(w.data());
  Operation back;
  ASSERT_TRUE(DecodeOperation(r, back)) << r.error().ToString();
  EXPECT_EQ(back, op);
  EXPECT_EQ(NameOf(back), "publish_rate");
  // Every truncation fails with an error value.
  for (size_t n = 0; n < w.data().size(); ++n) {
    Reader t(ByteSpan(w.data().data(), n));
    Operation o;
    EXPECT_FALSE(DecodeOperation(t, o)) << n;
  }
  // A bad asset code is refused by the decoder.
  Writer bad;
  EncodeOperation(bad, Rate("usd", "EUR", 1, 1, 0, 1));
  Reader br(bad.data());
  Operation o;
  EXPECT_FALSE(DecodeOperation(br, o));
  EXPECT_EQ(br.error().code, "bad_asset_code");
}

TEST(PublishRateTest, OracleStoresLatestAndHistoryAndEmitsEvent) {
  TestChain c;
  auto receipts = c.Commit({c.Tx("oracle", Rate("USD", "EUR", 92, 100, 1, 50))});
  ASSERT_EQ(receipts.at(0).code, 0);
  ASSERT_EQ(receipts[0].events.size(), 1u);
  const Event& e = receipts[0].events[0];
  EXPECT_EQ(e.type, static_cast<uint16_t>(EventType::kRatePublished));
  EXPECT_EQ(e.account, Addr("oracle"));
  EXPECT_EQ(e.asset, "USD");
  EXPECT_EQ(e.amount, 92u);
  EXPECT_EQ(e.detail, 100u);

  auto rate = ReadFxRate(c.store().state(), "USD", "EUR");
  ASSERT_TRUE(rate.has_value());
  EXPECT_EQ(rate->numerator, 92u);
  EXPECT_EQ(rate->denominator, 100u);
  EXPECT_EQ(rate->valid_from, 1u);
  EXPECT_EQ(rate->valid_until, 50u);
  EXPECT_EQ(rate->oracle, Addr("oracle"));
  EXPECT_EQ(rate->published_height, 1u);
  EXPECT_EQ(ReadFxRatePublishedAt(c.store().state(), "USD", "EUR", 1), rate);
  // Direction matters: EUR/USD is another pair.
  EXPECT_FALSE(ReadFxRate(c.store().state(), "EUR", "USD").has_value());
}

TEST(PublishRateTest, RateInForceAtAPastHeight) {
  TestChain c;
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 1, 100)), RC::kSuccess);  // height 1
  ASSERT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);        // height 2
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 93, 100, 3, 100)), RC::kSuccess);  // height 3

  // The latest publication as of height h is what the past state holds.
  EXPECT_EQ(ReadFxRate(c.store().StateAt(0), "USD", "EUR"), std::nullopt);
  EXPECT_EQ(ReadFxRate(c.store().StateAt(1), "USD", "EUR")->numerator, 92u);
  EXPECT_EQ(ReadFxRate(c.store().StateAt(2), "USD", "EUR")->numerator, 92u);
  EXPECT_EQ(ReadFxRate(c.store().StateAt(3), "USD", "EUR")->numerator, 93u);

  // Every publication stays under its height, in height order.
  auto history = c.store().state().ScanPrefix(FxRateHistoryPrefix("USD", "EUR"), 100);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].first, FxRateHistoryKey("USD", "EUR", 1));
  EXPECT_EQ(FxRate::Decode(history[0].second)->numerator, 92u);
  EXPECT_EQ(history[1].first, FxRateHistoryKey("USD", "EUR", 3));
  EXPECT_EQ(FxRate::Decode(history[1].second)->numerator, 93u);
  // A pair's history prefix does not cover a pair whose quote extends it.
  EXPECT_NE(FxRateHistoryPrefix("USD", "EU"), FxRateHistoryPrefix("USD", "EUR"));
}

TEST(PublishRateTest, FailureCodes) {
  TestChain c;
  EXPECT_EQ(c.Run("alice", Rate("USD", "EUR", 92, 100, 1, 50)), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "JPY", 92, 100, 1, 50)), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("oracle", Rate("JPY", "USD", 92, 100, 1, 50)), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "EUR", 0, 100, 1, 50)), RC::kBadField);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 0, 1, 50)), RC::kBadField);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "USD", 1, 1, 1, 50)), RC::kBadField);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 51, 50)), RC::kBadField);
  EXPECT_FALSE(ReadFxRate(c.store().state(), "USD", "EUR").has_value());
}

TEST(PublishRateTest, WindowEndingBeforeThisBlockIsStale) {
  TestChain c;
  ASSERT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);  // height 1
  ASSERT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);  // height 2
  // Next block is height 3: a window ending at 2 is over, one ending at 3 is not.
  EXPECT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 1, 2)), RC::kStaleRate);
  EXPECT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 1, 4)), RC::kSuccess);  // height 4
  EXPECT_EQ(ReadFxRate(c.store().state(), "USD", "EUR")->published_height, 4u);
}

}  // namespace
}  // namespace corridor::contracts

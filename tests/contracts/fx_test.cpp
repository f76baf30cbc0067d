// FX rates (publish_rate) and cross-border payments (issue 7): every success
// path, each failure code, the stale-rate boundary heights and the rounding
// rule at its edges (docs/state.md §3.2, §3.3).
#include <gtest/gtest.h>

#include <limits>

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

// ------------------------------------------------------------- fx_payment

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kLpFloat = 1'000'000'00;  // 1,000,000.00 of USD and EUR

// The dev network plus a liquidity provider "fx-lp" holding USD, EUR, a
// 6-decimal USDC and an 18-decimal WETH; alice also holds WETH; and two
// 0-decimal assets MAXA (alice: 2^64-1) and MAXB (fx-lp: 2^64-1).
GenesisDoc FxGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  GenesisAccount lp;
  lp.address = Addr("fx-lp");
  lp.kyc_level = 3;
  lp.jurisdiction = "SG";
  lp.roles = {Role::kLiquidityProvider};
  doc.accounts.push_back(lp);
  GenesisAccount plain = lp;
  plain.address = Addr("not-lp");
  plain.roles = {};
  doc.accounts.push_back(plain);
  doc.assets.push_back({"USDC", 6, Addr("bank")});
  doc.assets.push_back({"WETH", 18, Addr("bank")});
  doc.assets.push_back({"MAXA", 0, Addr("bank")});
  doc.assets.push_back({"MAXB", 0, Addr("bank")});
  doc.balances.push_back({Addr("fx-lp"), "USD", kLpFloat});
  doc.balances.push_back({Addr("fx-lp"), "EUR", kLpFloat});
  doc.balances.push_back({Addr("fx-lp"), "USDC", 1'000'000'000'000});
  doc.balances.push_back({Addr("fx-lp"), "WETH", 1'000'000'000'000'000'000});
  doc.balances.push_back({Addr("alice"), "WETH", 2'000'000'000'000'000'000});
  doc.balances.push_back({Addr("alice"), "MAXA", kU64Max});
  doc.balances.push_back({Addr("fx-lp"), "MAXB", kU64Max});
  doc.balances.push_back({Addr("not-lp"), "EUR", kLpFloat});
  return doc;
}

FxPayment Pay(std::string src, std::string dst, uint64_t dest_amount, uint64_t max_source,
              std::string_view lp = "fx-lp", std::string_view to = "bob") {
  return FxPayment{Addr(to), std::move(src), std::move(dst), dest_amount, max_source, Addr(lp)};
}

// supply == sum of balances for every asset the tests use.
void ExpectConserved(const TestChain& c) {
  for (const char* asset : {"USD", "EUR", "USDC", "WETH", "MAXA", "MAXB"}) {
    __extension__ unsigned __int128 sum = 0;
    for (const char* who : {"alice", "bob", "fx-lp", "not-lp", "exchange", "bank"}) {
      Balance b = c.BalanceOf(who, asset);
      sum += b.available;
      sum += b.locked;
    }
    EXPECT_TRUE(sum == c.AssetOf(asset)->supply) << asset;
  }
}

TEST(FxPaymentTest, EncodingRoundTrips) {
  for (Operation op : {Operation(Pay("USD", "EUR", 9200, 10000)), Operation(SetLiquidityFee{25})}) {
    Writer w;
    EncodeOperation(w, op);
    Reader r(w.data());
    Operation back;
    ASSERT_TRUE(DecodeOperation(r, back)) << r.error().ToString();
    EXPECT_EQ(back, op);
    for (size_t n = 0; n < w.data().size(); ++n) {
      Reader t(ByteSpan(w.data().data(), n));
      Operation o;
      EXPECT_FALSE(DecodeOperation(t, o)) << n;
    }
  }
  Writer w;
  EncodeOperation(w, SetLiquidityFee{10'001});
  Reader r(w.data());
  Operation o;
  EXPECT_FALSE(DecodeOperation(r, o));
  EXPECT_EQ(r.error().code, "bad_fee");
}

TEST(FxPaymentTest, ConvertsThroughTheProviderAtTheRate) {
  TestChain c(FxGenesis());
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 0, 100)), RC::kSuccess);
  // 92.00 EUR at 0.92 costs exactly 100.00 USD.
  auto receipts = c.Commit({c.Tx("alice", Pay("USD", "EUR", 9200, 10000), "invoice 7")});
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, 1'000'000'00u - 10000);
  EXPECT_EQ(c.BalanceOf("bob", "EUR").available, 1'000'000'00u + 9200);
  EXPECT_EQ(c.BalanceOf("fx-lp", "USD").available, kLpFloat + 10000);
  EXPECT_EQ(c.BalanceOf("fx-lp", "EUR").available, kLpFloat - 9200);
  const auto& ev = receipts[0].events;
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].type, static_cast<uint16_t>(EventType::kFxConverted));
  EXPECT_EQ(ev[0].account, Addr("alice"));
  EXPECT_EQ(ev[0].counterparty, Addr("bob"));
  EXPECT_EQ(ev[0].amount, 10000u);
  EXPECT_EQ(ev[0].detail, 0u);
  EXPECT_EQ(ev[1].type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(ev[1].account, Addr("alice"));
  EXPECT_EQ(ev[1].counterparty, Addr("fx-lp"));
  EXPECT_EQ(ev[1].asset, "USD");
  EXPECT_EQ(ev[1].amount, 10000u);
  EXPECT_EQ(ev[2].account, Addr("fx-lp"));
  EXPECT_EQ(ev[2].counterparty, Addr("bob"));
  EXPECT_EQ(ev[2].asset, "EUR");
  EXPECT_EQ(ev[2].amount, 9200u);
  // The events say how balances moved (EffectOn): alice -100.00 USD, bob +92.00 EUR.
  int64_t alice_usd = 0, bob_eur = 0;
  for (const Event& e : ev) {
    if (e.asset == "USD") alice_usd -= static_cast<int64_t>(EffectOn(e, Addr("alice")).debit);
    if (e.asset == "EUR") bob_eur += static_cast<int64_t>(EffectOn(e, Addr("bob")).credit);
  }
  EXPECT_EQ(alice_usd, -10000);
  EXPECT_EQ(bob_eur, 9200);
  ExpectConserved(c);
}

TEST(FxPaymentTest, RoundsUpInFavourOfTheProviderAtOneMinorUnit) {
  TestChain c(FxGenesis());
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 0, 100)), RC::kSuccess);
  // 0.01 EUR = 1/0.92 = 1.087 cents: the sender pays the ceiling, 2 cents.
  ASSERT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSlippageExceeded);
  ASSERT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 2)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, 1'000'000'00u - 2);
  EXPECT_EQ(c.BalanceOf("fx-lp", "USD").available, kLpFloat + 2);
  EXPECT_EQ(c.BalanceOf("bob", "EUR").available, 1'000'000'00u + 1);
  // A rate above 1 (3 EUR cents per USD cent): 1 EUR cent still costs 1 USD cent.
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 3, 1, 0, 100)), RC::kSuccess);
  ASSERT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, 1'000'000'00u - 3);
  ExpectConserved(c);
}

TEST(FxPaymentTest, FeeInBasisPointsRoundsUpAndCountsAgainstTheMaximum) {
  TestChain c(FxGenesis());
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 0, 100)), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", SetLiquidityFee{25}), RC::kUnauthorizedRole);
  auto receipts = c.Commit({c.Tx("fx-lp", SetLiquidityFee{25})});
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_EQ(receipts[0].events.at(0).type, static_cast<uint16_t>(EventType::kLiquidityFeeSet));
  EXPECT_EQ(receipts[0].events[0].detail, 25u);
  EXPECT_EQ(ReadLiquidityFee(c.store().state(), Addr("fx-lp")), 25u);
  EXPECT_EQ(c.Run("fx-lp", SetLiquidityFee{25}), RC::kNoChange);
  EXPECT_EQ(c.Run("fx-lp", SetLiquidityFee{10'001}), RC::kBadField);

  // 100.00 USD principal + 0.25% = 0.25 USD fee.
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 9200, 10024)), RC::kSlippageExceeded);
  auto r = c.Commit({c.Tx("alice", Pay("USD", "EUR", 9200, 10025))});
  ASSERT_EQ(r.at(0).code, 0);
  EXPECT_EQ(r[0].events[0].amount, 10000u);
  EXPECT_EQ(r[0].events[0].detail, 25u);
  EXPECT_EQ(r[0].events[1].amount, 10025u);
  EXPECT_EQ(c.BalanceOf("fx-lp", "USD").available, kLpFloat + 10025);
  // The fee of a 1-cent principal rounds up to 1 cent.
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 1, 1, 0, 100)), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSlippageExceeded);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 2)), RC::kSuccess);
  // Fee back to 0 deletes the record.
  EXPECT_EQ(c.Run("fx-lp", SetLiquidityFee{0}), RC::kSuccess);
  EXPECT_FALSE(c.store().state().Get(LiquidityFeeKey(Addr("fx-lp"))).has_value());
  ExpectConserved(c);
}

TEST(FxPaymentTest, DifferentDecimals) {
  TestChain c(FxGenesis());
  // 1 USD = 1 USDC: 1 cent = 10,000 micro-USDC.
  ASSERT_EQ(c.Run("oracle", Rate("USD", "USDC", 10'000, 1, 0, 100)), RC::kSuccess);
  // 123.456789 USDC costs ceil(12345.6789) = 12346 cents.
  EXPECT_EQ(c.Run("alice", Pay("USD", "USDC", 123'456'789, 12'345)), RC::kSlippageExceeded);
  ASSERT_EQ(c.Run("alice", Pay("USD", "USDC", 123'456'789, 12'346)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("bob", "USDC").available, 123'456'789u);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, 1'000'000'00u - 12'346);
  // 1 micro-USDC still costs 1 cent.
  ASSERT_EQ(c.Run("alice", Pay("USD", "USDC", 1, 1)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, 1'000'000'00u - 12'347);

  // 1 WETH (18 decimals) = 3000.00 USD: 1 wei = 3 / 10^13 cents.
  ASSERT_EQ(c.Run("oracle", Rate("WETH", "USD", 3, 10'000'000'000'000, 0, 100)), RC::kSuccess);
  // 1 cent costs ceil(10^13 / 3) wei.
  ASSERT_EQ(c.Run("alice", Pay("WETH", "USD", 1, kU64Max)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("alice", "WETH").available,
            2'000'000'000'000'000'000u - 3'333'333'333'334u);
  // 1,500.00 USD costs exactly 0.5 WETH.
  ASSERT_EQ(c.Run("alice", Pay("WETH", "USD", 150'000, 500'000'000'000'000'000)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("bob", "USD").available, 150'001u);
  ExpectConserved(c);
}

TEST(FxPaymentTest, MaximalAmountsUse128BitIntermediates) {
  TestChain c(FxGenesis());
  // numerator = denominator = 2^64-1: dest * denominator needs 128 bits.
  ASSERT_EQ(c.Run("oracle", Rate("MAXA", "MAXB", kU64Max, kU64Max, 0, 100)), RC::kSuccess);
  ASSERT_EQ(c.Run("oracle", Rate("USD", "MAXB", 1, 2, 0, 100)), RC::kSuccess);
  // 2^63 MAXB at 1/2 would cost 2^64 cents: more than any u64 maximum.
  EXPECT_EQ(c.Run("alice", Pay("USD", "MAXB", uint64_t{1} << 63, kU64Max)), RC::kSlippageExceeded);
  // The whole supply of both assets changes hands.
  ASSERT_EQ(c.Run("alice", Pay("MAXA", "MAXB", kU64Max, kU64Max)), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("alice", "MAXA").available, 0u);
  EXPECT_EQ(c.BalanceOf("fx-lp", "MAXA").available, kU64Max);
  EXPECT_EQ(c.BalanceOf("fx-lp", "MAXB").available, 0u);
  EXPECT_EQ(c.BalanceOf("bob", "MAXB").available, kU64Max);
  ExpectConserved(c);
  // And back, with a 1 bp fee: principal 2^64-1 plus a fee exceeds any u64 maximum.
  ASSERT_EQ(c.Run("oracle", Rate("MAXB", "MAXA", 1, 1, 0, 100)), RC::kSuccess);
  ASSERT_EQ(c.Run("fx-lp", SetLiquidityFee{1}), RC::kSuccess);
  EXPECT_EQ(c.Run("bob", Pay("MAXB", "MAXA", kU64Max, kU64Max, "fx-lp", "alice")),
            RC::kSlippageExceeded);
  ExpectConserved(c);
}

TEST(FxPaymentTest, StaleRateAtTheBoundaryHeights) {
  TestChain c(FxGenesis());
  // Published at height 1, usable at heights 3..5.
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 1, 1, 3, 5)), RC::kSuccess);
  EXPECT_EQ(c.NextContext().height, 2u);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kStaleRate);  // height 2
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSuccess);    // height 3
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSuccess);    // height 5
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kStaleRate);  // height 6
  EXPECT_EQ(c.BalanceOf("bob", "EUR").available, 1'000'000'00u + 2);
  // A newer publication supersedes, even one whose window has not begun.
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 1, 1, 7, 20)), RC::kSuccess);   // height 7
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 1, 1, 10, 20)), RC::kSuccess);  // height 8
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kStaleRate);          // height 9
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 1)), RC::kSuccess);            // height 10
}

TEST(FxPaymentTest, FailureCodesMoveNothing) {
  TestChain c(FxGenesis());
  auto snapshot = [&] {
    std::vector<uint64_t> v;
    for (const char* who : {"alice", "bob", "fx-lp"}) {
      for (const char* a : {"USD", "EUR"}) v.push_back(c.BalanceOf(who, a).available);
    }
    return v;
  };
  const auto before = snapshot();
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kNoRate);
  ASSERT_EQ(c.Run("oracle", Rate("EUR", "USD", 1, 1, 0, 100)), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kNoRate);  // only the reverse pair
  ASSERT_EQ(c.Run("oracle", Rate("USD", "EUR", 92, 100, 0, 100)), RC::kSuccess);

  EXPECT_EQ(c.Run("alice", Pay("USD", "JPY", 1, 10)), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "fx-lp", "nobody")), RC::kUnknownAccount);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "not-lp")), RC::kNotLiquidityProvider);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "nobody")), RC::kNotLiquidityProvider);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 9200, 9999)), RC::kSlippageExceeded);
  EXPECT_EQ(c.Run(c.Tx("exchange", Pay("USD", "EUR", kLpFloat + 1, kU64Max))),
            RC::kInsufficientLiquidity);
  EXPECT_EQ(c.Run("bob", Pay("USD", "EUR", 1, 10, "fx-lp", "alice")), RC::kInsufficientBalance);
  // Malformed: never included.
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 0, 10)), RC::kZeroAmount);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 0)), RC::kZeroAmount);
  EXPECT_EQ(c.Run("alice", Pay("USD", "USD", 1, 10)), RC::kBadField);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "alice")), RC::kBadField);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "bob")), RC::kBadField);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10, "fx-lp", "alice")), RC::kSelfPayment);

  ASSERT_EQ(c.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kReceiverFrozen);
  ASSERT_EQ(c.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kSuccess);
  ASSERT_EQ(c.Run("compliance", FreezeAccount{Addr("fx-lp")}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kLiquidityProviderFrozen);
  ASSERT_EQ(c.Run("compliance", UnfreezeAccount{Addr("fx-lp")}), RC::kSuccess);
  ASSERT_EQ(c.Run("compliance", FreezeAsset{"EUR"}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kAssetFrozen);
  ASSERT_EQ(c.Run("compliance", UnfreezeAsset{"EUR"}), RC::kSuccess);

  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(c.Run("alice", Pay("USD", "EUR", 1, 10)), RC::kSuccess);
  ExpectConserved(c);
}

}  // namespace
}  // namespace corridor::contracts

// `corridor fx ...`: rate parsing and formatting with integers only, the
// payment quote's rounding, and the fx commands against the fake node
// (tests/wallet/fake_node.h).
#include "wallet/cli_fx.h"

#include <gtest/gtest.h>

#include "tests/wallet/fake_node.h"

namespace corridor::wallet::cli {
namespace {

using testing::CliTest;

// ---------------------------------------------------------------- values

TEST(FxValues, RateIsTheExactMinorUnitFractionInLowestTerms) {
  // 1 USD = 0.92 EUR, both 2 decimals: 92/100 = 23/25 cents per cent.
  EXPECT_EQ(*ParseRateFlag("rate", "0.92", 2, 2), (RateFraction{23, 25}));
  // The quote has 6 decimals: 920000 micro-units per 100 cents = 9200/1.
  EXPECT_EQ(*ParseRateFlag("rate", "0.92", 2, 6), (RateFraction{9200, 1}));
  // 1 unit of an 18-decimal asset = 1.08 USD: 108/10^18.
  EXPECT_EQ(*ParseRateFlag("rate", "1.08", 18, 2), (RateFraction{27, 250'000'000'000'000'000}));
  EXPECT_EQ(*ParseRateFlag("rate", "150", 2, 0), (RateFraction{3, 2}));  // USD -> JPY
  EXPECT_EQ(*ParseRateFlag("rate", "0001.500", 0, 0), (RateFraction{3, 2}));
}

TEST(FxValues, RatesThatDoNotFitOrAreNotNumbersAreRefused) {
  for (const char* bad : {"0", "0.000", "-1", "1e3", ".5", "1,5", "", "0.92 "}) {
    auto r = ParseRateFlag("rate", bad, 2, 2);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().exit_code, kExitUsage);
    EXPECT_EQ(r.error().message.rfind("--rate", 0), 0u) << r.error().message;
  }
  // 1.000000000000000001 of an 18-decimal base in a 0-decimal quote needs a
  // denominator of 10^36: refused, never rounded.
  auto r = ParseRateFlag("rate", "1.000000000000000001", 18, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--numerator and --denominator"), std::string::npos);
  auto digits = ParseRateFlag("rate", "123456789012345678901", 0, 0);
  ASSERT_FALSE(digits.ok());
  EXPECT_NE(digits.error().message.find("significant digits"), std::string::npos);
}

TEST(FxValues, FormatRateIsExactOrSaysItIsNot) {
  EXPECT_EQ(FormatRate({23, 25}, 2, 2), "0.92");
  EXPECT_EQ(FormatRate({9200, 1}, 2, 6), "0.92");
  EXPECT_EQ(FormatRate({27, 250'000'000'000'000'000}, 18, 2), "1.08");
  EXPECT_EQ(FormatRate({3, 2}, 2, 0), "150");
  EXPECT_EQ(FormatRate({100, 92}, 2, 2), "~1.086956521739");
  EXPECT_EQ(FormatRate({1, 3}, 0, 0), "~0.333333333333");
  // The extremes stay within 128 bits.
  EXPECT_EQ(FormatRate({UINT64_MAX, 1}, 18, 0), "18446744073709551615000000000000000000");
  EXPECT_EQ(FormatRate({1, 3000}, 0, 0), "~0.000333333333333");
  EXPECT_EQ(FormatRate({1, UINT64_MAX}, 0, 18),
            "~0.0000000000000000000000000000000000000542101086242");  // 60 places at most
  // Every exact rate typed in comes back as typed, for all the decimals
  // whose fraction fits in 64 bits.
  int fitted = 0;
  for (const char* text : {"0.92", "1.0825", "150", "0.000001", "12345.6789"}) {
    for (uint8_t bd : {0, 2, 6, 18}) {
      for (uint8_t qd : {0, 2, 8}) {
        auto f = ParseRateFlag("rate", text, bd, qd);
        if (!f.ok()) continue;
        ++fitted;
        EXPECT_EQ(FormatRate(*f, bd, qd), text) << int{bd} << " " << int{qd};
      }
    }
  }
  EXPECT_GE(fitted, 50);
  // 0.000001 of an 18-decimal asset per 0-decimal one is 1/10^24: too fine.
  EXPECT_FALSE(ParseRateFlag("rate", "0.000001", 18, 0).ok());
}

TEST(FxValues, QuoteRoundsUpAsTheStateMachineDoes) {
  // docs/state.md §3.3: 10.00 EUR at 92/100 costs ceil(100000/92) = 1087.
  EXPECT_EQ(FxPrincipal(1000, {92, 100}), 1087u);
  EXPECT_EQ(FxFee(1087, 25), 3u);
  EXPECT_EQ(FxPrincipal(1, {92, 100}), 2u);  // one minor unit costs two
  EXPECT_EQ(FxPrincipal(92, {92, 100}), 100u);
  EXPECT_EQ(FxFee(0, 25), 0u);
  EXPECT_EQ(FxFee(1, 1), 1u);
  EXPECT_EQ(FxFee(UINT64_MAX, 10'000), UINT64_MAX);
  EXPECT_EQ(FxPrincipal(UINT64_MAX, {1, 1}), UINT64_MAX);
  EXPECT_FALSE(FxPrincipal(UINT64_MAX, {1, 2}).has_value());
  EXPECT_FALSE(FxPrincipal(1, {0, 1}).has_value());
}

// ---------------------------------------------------------------- commands

rpc::Json RateAnswer(const std::string& num, const std::string& den, uint64_t from, uint64_t until,
                     bool usable_next) {
  rpc::Json r = rpc::Json::Object();
  r.Set("pair", "USD/EUR");
  r.Set("numerator", num);
  r.Set("denominator", den);
  r.Set("validFrom", from);
  r.Set("validUntil", until);
  r.Set("oracle", "corr1oracle");
  r.Set("publishedHeight", from);
  r.Set("height", uint64_t{10});
  r.Set("usable", true);
  r.Set("usableNext", usable_next);
  return r;
}

class FxCommands : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    provider_ = Address::FromPublicKey(PrivateKey::Generate().public_key());
    chain_.AddAccount(provider_, 0, "0.00");
    chain_.SetRoles(provider_, {"liquidity_provider"});
    chain_.SetBalances(provider_, {{"EUR", "500.00"}, {"USD", "0.00"}});
    chain_.accounts.at(provider_.ToString()).Set("liquidityFeeBps", uint64_t{25});
    chain_.handlers["fx_getRate"] = [this](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
      rate_params_.push_back(p.Serialize());
      if (!rate_) return rpc::RpcError::NotFound("no rate was published for USD/EUR");
      return *rate_;
    };
    rate_ = RateAnswer("92", "100", 5, 100, true);
  }

  std::vector<std::string> FxPay(const std::string& amount, const std::string& max_source) {
    return {"fx",           "pay",      "--from",         "alice",
            "--to",         "bob",      "--source-asset", "USD",
            "--dest-asset", "EUR",      "--amount",       amount,
            "--max-source", max_source, "--provider",     provider_.ToString()};
  }
  Operation Submitted() const { return chain_.submitted.back()->body().op; }

  Address provider_;
  std::optional<rpc::Json> rate_;
  std::vector<std::string> rate_params_;
};

TEST_F(FxCommands, PublishSignsTheExactFractionAndADefaultWindow) {
  ASSERT_EQ(Run({"fx", "publish", "--from", "alice", "--base", "USD", "--quote", "EUR", "--rate",
                 "0.92"}),
            kExitOk)
      << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  // Height 10: the window is the next 1,000 blocks.
  EXPECT_EQ(Submitted(), Operation(PublishRate{"USD", "EUR", 23, 25, 11, 1010}));
  EXPECT_EQ(
      Out().rfind("rate    1 USD = 0.92 EUR (23/25 minor units), heights 11..1010\nid      ", 0),
      0u)
      << Out();

  ASSERT_EQ(
      Run({"fx", "publish", "--from", "alice", "--base", "USD", "--quote", "EUR", "--numerator",
           "92", "--denominator", "100", "--valid-from", "20", "--valid-until", "30"}),
      kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(PublishRate{"USD", "EUR", 92, 100, 20, 30}));
  ASSERT_EQ(Run({"fx", "publish", "--from", "alice", "--base", "USD", "--quote", "EUR", "--rate",
                 "0.9", "--valid-for", "5"}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(PublishRate{"USD", "EUR", 9, 10, 11, 15}));
}

TEST_F(FxCommands, PublishMistakesAreRefusedBeforeSigning) {
  const std::vector<std::string> base = {"fx",     "publish", "--from",  "alice",
                                         "--base", "USD",     "--quote", "EUR"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  EXPECT_EQ(Run(with({})), kExitUsage);
  ExpectOneErrorLine("needs either --rate (such as 0.92) or --numerator and --denominator");
  EXPECT_EQ(Run(with({"--rate", "0.92", "--numerator", "1", "--denominator", "1"})), kExitUsage);
  EXPECT_EQ(Run(with({"--numerator", "92"})), kExitUsage);
  ExpectOneErrorLine("--numerator and --denominator go together");
  EXPECT_EQ(Run(with({"--numerator", "92", "--denominator", "0"})), kExitUsage);
  EXPECT_EQ(Run(with({"--rate", "0,92"})), kExitUsage);
  ExpectOneErrorLine("--rate: rate '0,92' must look like 0.92");
  EXPECT_EQ(Run(with({"--rate", "0.92", "--valid-from", "30", "--valid-until", "20"})), kExitUsage);
  ExpectOneErrorLine("--valid-until (20) is before --valid-from (30)");
  EXPECT_EQ(Run(with({"--rate", "0.92", "--valid-until", "20", "--valid-for", "5"})), kExitUsage);
  EXPECT_EQ(
      Run({"fx", "publish", "--from", "alice", "--base", "USD", "--quote", "USD", "--rate", "1"}),
      kExitUsage);
  ExpectOneErrorLine("--base and --quote must be different assets (both are USD)");
  EXPECT_EQ(
      Run({"fx", "publish", "--from", "alice", "--base", "USD", "--quote", "GBP", "--rate", "1"}),
      kExitUsage);
  ExpectOneErrorLine("--quote: unknown asset 'GBP' (the node has: EUR, USD)");
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);

  // A window that is already over: the state machine's stale_rate, locally.
  EXPECT_EQ(Run(with({"--rate", "0.92", "--valid-from", "1", "--valid-until", "10"})), kExitFailed);
  ExpectOneErrorLine("stale_rate: the window ends at height 10 but the chain is at 10");
  EXPECT_TRUE(chain_.submitted.empty());
}

TEST_F(FxCommands, PayDeliversTheAmountWithABoundOnWhatItCosts) {
  ASSERT_EQ(Run(FxPay("10.00", "11.00")), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  EXPECT_EQ(Submitted(), Operation(FxPayment{Bob(), "USD", "EUR", 1000, 1100, provider_}));
  // docs/state.md §3.3: 1087 cents of principal and ceil(1087 × 25 / 10000) = 3 of fee.
  EXPECT_EQ(Out().rfind("quote   10.90 USD (10.87 + 0.03 fee at 25 bp) for 10.00 EUR at 1 USD = "
                        "0.92 EUR\nid      ",
                        0),
            0u)
      << Out();
  EXPECT_EQ(rate_params_, std::vector<std::string>{"{\"pair\":\"USD/EUR\"}"});
  // A bound of exactly the total is enough.
  ASSERT_EQ(Run(FxPay("10.00", "10.90")), kExitOk) << Err();
  EXPECT_EQ(chain_.submitted.size(), 2u);
}

TEST_F(FxCommands, PayPrechecksUseTheStateMachinesNames) {
  EXPECT_EQ(Run(FxPay("10.00", "10.89")), kExitFailed);
  ExpectOneErrorLine(
      "slippage_exceeded: at the current rate 10.00 EUR costs 10.90 USD (10.87 + 0.03 fee at 25 "
      "bp), more than --max-source 10.89 (not submitted; --no-precheck submits anyway)");
  // A node that does not show the provider's fee: the principal alone.
  chain_.AddAccount(provider_, 0, "0.00");
  chain_.SetRoles(provider_, {"liquidity_provider"});
  chain_.SetBalances(provider_, {{"EUR", "500.00"}});
  EXPECT_EQ(Run(FxPay("10.00", "10.86")), kExitFailed);
  ExpectOneErrorLine(
      "slippage_exceeded: at the current rate 10.00 EUR costs 10.87 USD before the fee, more "
      "than --max-source 10.86");
  rate_ = RateAnswer("92", "100", 5, 10, false);
  EXPECT_EQ(Run(FxPay("10.00", "11.00")), kExitFailed);
  ExpectOneErrorLine("stale_rate: the USD/EUR rate in force is for heights 5..10");
  rate_.reset();
  EXPECT_EQ(Run(FxPay("10.00", "11.00")), kExitFailed);
  ExpectOneErrorLine("no_rate: no rate was published for USD/EUR");
  rate_ = RateAnswer("92", "100", 5, 100, true);
  EXPECT_EQ(Run(FxPay("600.00", "700.00")), kExitFailed);
  ExpectOneErrorLine("insufficient_balance: 'alice' has 100.00 USD available");
  chain_.SetBalances(Alice(), {{"USD", "1000.00"}});
  EXPECT_EQ(Run(FxPay("600.00", "700.00")), kExitFailed);
  ExpectOneErrorLine(
      "insufficient_liquidity: the provider has 500.00 EUR available, the payment delivers "
      "600.00");
  chain_.SetRoles(provider_, {});
  EXPECT_EQ(Run(FxPay("1.00", "2.00")), kExitFailed);
  ExpectOneErrorLine("not_liquidity_provider: " + provider_.ToString());
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);

  // --no-precheck leaves every one of them to the state machine.
  rate_params_.clear();
  auto args = FxPay("1.00", "0.01");
  args.push_back("--no-precheck");
  ASSERT_EQ(Run(args), kExitOk) << Err();
  EXPECT_TRUE(rate_params_.empty());
  EXPECT_EQ(chain_.submitted.size(), 1u);
}

TEST_F(FxCommands, PayMistakesAreUsageErrors) {
  EXPECT_EQ(Run(FxPay("10.001", "11.00")), kExitUsage);
  ExpectOneErrorLine("--amount: amount '10.001' has more than 2 decimal places");
  EXPECT_EQ(Run(FxPay("10.00", "11")), kExitOk) << Err();
  auto args = FxPay("10.00", "11.00");
  args[5] = "alice";  // --to
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--to is the sender itself (self_payment)");
  args = FxPay("10.00", "11.00");
  args[15] = "bob";  // --provider
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--provider must not be the receiver (--to)");
  args = FxPay("10.00", "11.00");
  args[9] = "USD";  // --dest-asset
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--source-asset and --dest-asset must be different assets");
  args = FxPay("10.00", "11.00");
  args.resize(14);  // no --provider
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("'corridor fx pay' needs --provider");
}

TEST_F(FxCommands, FeeIsInBasisPoints) {
  ASSERT_EQ(Run({"fx", "fee", "--from", "alice", "--fee-bps", "25"}), kExitOk) << Err();
  EXPECT_EQ(Submitted(), Operation(SetLiquidityFee{25}));
  ASSERT_EQ(Run({"fx", "fee", "--from", "alice", "--fee-bps", "0"}), kExitOk) << Err();
  EXPECT_EQ(Submitted(), Operation(SetLiquidityFee{0}));
  EXPECT_EQ(Run({"fx", "fee", "--from", "alice", "--fee-bps", "10001"}), kExitUsage);
  ExpectOneErrorLine("--fee-bps must be 0 to 10000 (basis points: 25 is 0.25%)");
  EXPECT_EQ(Run({"fx", "fee", "--from", "alice", "--fee-bps", "0.25"}), kExitUsage);
}

TEST_F(FxCommands, RateShowsTheRateAsPeopleSayItAndExactly) {
  ASSERT_EQ(Run({"fx", "rate", "USD/EUR"}), kExitOk) << Err();
  EXPECT_EQ(Out(),
            "pair       USD/EUR\n"
            "rate       1 USD = 0.92 EUR\n"
            "fraction   92/100 EUR minor units per USD minor unit\n"
            "valid      heights 5..100\n"
            "oracle     corr1oracle\n"
            "published  height 5\n"
            "height     10\n"
            "usable     yes (next block: yes)\n");
  ASSERT_EQ(Run({"fx", "rate", "USD/EUR", "--height", "7", "--json"}), kExitOk) << Err();
  EXPECT_EQ(rate_params_.back(), "{\"pair\":\"USD/EUR\",\"height\":7}");
  EXPECT_EQ(Out().rfind("{\"pair\":\"USD/EUR\",\"numerator\":\"92\"", 0), 0u) << Out();

  EXPECT_EQ(Run({"fx", "rate", "USDEUR"}), kExitUsage);
  ExpectOneErrorLine("PAIR must be two different asset codes as BASE/QUOTE");
  rate_.reset();
  EXPECT_EQ(Run({"fx", "rate", "USD/EUR"}), kExitFailed);
  ExpectOneErrorLine("no rate was published for USD/EUR");
}

TEST_F(FxCommands, HistoryListsPublicationsAndTheNextPage) {
  chain_.handlers["fx_getRateHistory"] = [](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
    EXPECT_EQ(p.Serialize(), "{\"pair\":\"USD/EUR\",\"fromHeight\":3,\"limit\":2}");
    rpc::Json rates = rpc::Json::Array();
    rates.Push(RateAnswer("92", "100", 5, 100, true));
    rates.Push(RateAnswer("100", "92", 8, 200, true));
    rpc::Json r = rpc::Json::Object();
    r.Set("pair", "USD/EUR");
    r.Set("rates", rates);
    r.Set("nextFromHeight", uint64_t{9});
    return r;
  };
  ASSERT_EQ(Run({"fx", "history", "USD/EUR", "--from-height", "3", "--limit", "2"}), kExitOk)
      << Err();
  EXPECT_EQ(Out(),
            "PUBLISHED  VALID   RATE                         FRACTION  ORACLE\n"
            "5          5..100  1 USD = 0.92 EUR             92/100    corr1oracle\n"
            "8          8..200  1 USD = ~1.086956521739 EUR  100/92    corr1oracle\n"
            "next-from-height 9\n");
  EXPECT_EQ(Run({"fx", "history", "USD/EUR", "--limit", "0"}), kExitUsage);
  ExpectOneErrorLine("--limit must be 1 to 500");
}

}  // namespace
}  // namespace corridor::wallet::cli

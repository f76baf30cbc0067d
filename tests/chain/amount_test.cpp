#include "chain/amount.h"

#include <gtest/gtest.h>

namespace corridor {
namespace {

TEST(AmountTest, Format) {
  EXPECT_EQ(FormatAmount(1250, 2), "12.50");
  EXPECT_EQ(FormatAmount(5, 2), "0.05");
  EXPECT_EQ(FormatAmount(0, 2), "0.00");
  EXPECT_EQ(FormatAmount(7, 0), "7");
  EXPECT_EQ(FormatAmount(18446744073709551615ull, 18), "18.446744073709551615");
}

TEST(AmountTest, ParseRoundTrips) {
  EXPECT_EQ(*ParseAmount("12.50", 2), 1250u);
  EXPECT_EQ(*ParseAmount("12.5", 2), 1250u);
  EXPECT_EQ(*ParseAmount("12", 2), 1200u);
  EXPECT_EQ(*ParseAmount("0.01", 2), 1u);
  EXPECT_EQ(*ParseAmount("18446744073709551615", 0), 18446744073709551615ull);
  EXPECT_EQ(*ParseAmount("184467440737095516.15", 2), 18446744073709551615ull);
  for (uint64_t v : {0ull, 1ull, 99ull, 100ull, 123456789ull}) {
    EXPECT_EQ(*ParseAmount(FormatAmount(v, 6), 6), v);
  }
}

TEST(AmountTest, ParseRejects) {
  for (const char* bad : {"", ".5", "5.", "1.234", "-1", "+1", "1e3", "1,00", " 1", "1.2.3",
                          "18446744073709551616", "184467440737095516.16", "abc"}) {
    auto r = ParseAmount(bad, 2);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "bad_amount");
    }
  }
}

}  // namespace
}  // namespace corridor

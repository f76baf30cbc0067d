#include "rpc/rate_limiter.h"

#include <gtest/gtest.h>

#include "rpc/auth.h"

namespace corridor::rpc {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenRefillAtRate) {
  RateLimiter limiter(10, 5);
  auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("ip", 1, t0));
  EXPECT_FALSE(limiter.Allow("ip", 1, t0));
  EXPECT_FALSE(limiter.Allow("ip", 1, t0 + 50ms));  // half a token
  EXPECT_TRUE(limiter.Allow("ip", 1, t0 + 100ms));
  EXPECT_FALSE(limiter.Allow("ip", 1, t0 + 100ms));
  // Never more than the burst, however long the pause.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("ip", 1, t0 + 1h));
  EXPECT_FALSE(limiter.Allow("ip", 1, t0 + 1h));
}

TEST(RateLimiter, SlicesSmallerThanATokenAccumulate) {
  RateLimiter limiter(1, 1);
  auto t = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.Allow("ip", 1, t));
  for (int i = 1; i < 1000; ++i) {
    EXPECT_FALSE(limiter.Allow("ip", 1, t + std::chrono::microseconds(i * 999))) << i;
  }
  EXPECT_TRUE(limiter.Allow("ip", 1, t + 1001ms));
}

TEST(RateLimiter, KeysAreIndependentAndBounded) {
  RateLimiter limiter(1, 1, 4);
  auto t = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.Allow("a", 1, t));
  EXPECT_FALSE(limiter.Allow("a", 1, t));
  EXPECT_TRUE(limiter.Allow("b", 1, t));
  for (int i = 0; i < 100; ++i) (void)limiter.Allow("k" + std::to_string(i), 1, t);
  EXPECT_LE(limiter.TrackedKeys(), 4u);
}

TEST(RateLimiter, ZeroRateDisables) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow("ip", 1));
}

TEST(Auth, BearerTokenMatching) {
  EXPECT_TRUE(BearerTokenMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerTokenMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cretX", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", ""));
  EXPECT_FALSE(BearerTokenMatches("", ""));  // no token configured: never admin
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
}

}  // namespace
}  // namespace corridor::rpc

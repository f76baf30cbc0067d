// RateLimiter: per-key (per client IP) token buckets.
//
// Each key gets a bucket of `burst` tokens refilled at `per_second` tokens per
// second; a request costs tokens and is refused when the bucket lacks them.
// Integer arithmetic in millitokens. Time is passed in, so tests drive it
// without sleeping. The number of tracked keys is bounded: when full, keys
// whose bucket has refilled completely are forgotten, then arbitrary ones.
//
// Thread-safety: all methods are safe to call concurrently (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace corridor::rpc {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second == 0 disables limiting (Allow always true).
  RateLimiter(uint32_t per_second, uint32_t burst, size_t max_keys = 65536);

  bool Allow(std::string_view key, uint32_t cost, Clock::time_point now);
  bool Allow(std::string_view key, uint32_t cost) { return Allow(key, cost, Clock::now()); }

  bool enabled() const { return per_second_ != 0; }
  uint32_t per_second() const { return per_second_; }
  size_t TrackedKeys() const;

 private:
  struct Bucket {
    uint64_t millitokens;
    Clock::time_point updated;
  };
  void Refill(Bucket& b, Clock::time_point now) const;
  void Evict(Clock::time_point now);

  const uint32_t per_second_;
  const uint64_t capacity_millitokens_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace corridor::rpc

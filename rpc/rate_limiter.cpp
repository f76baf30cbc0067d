#include "rpc/rate_limiter.h"

#include <algorithm>

namespace corridor::rpc {

RateLimiter::RateLimiter(uint32_t per_second, uint32_t burst, size_t max_keys)
    : per_second_(per_second),
      capacity_millitokens_(uint64_t{std::max<uint32_t>(burst, 1)} * 1000),
      max_keys_(std::max<size_t>(max_keys, 1)) {}

void RateLimiter::Refill(Bucket& b, Clock::time_point now) const {
  if (now <= b.updated) return;
  auto us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now - b.updated).count());
  // millitokens earned = per_second * us / 1000. A long idle fills the bucket.
  uint64_t room = capacity_millitokens_ - b.millitokens;
  if (us >= uint64_t{1} << 40 || uint64_t{per_second_} * us / 1000 >= room) {
    b.millitokens = capacity_millitokens_;
    b.updated = now;
    return;
  }
  uint64_t add = uint64_t{per_second_} * us / 1000;
  b.millitokens += add;
  // Advance the clock only by the time actually credited, so remainders
  // smaller than a millitoken carry over to the next call.
  b.updated += std::chrono::microseconds(add * 1000 / per_second_);
}

void RateLimiter::Evict(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    if (it->second.millitokens >= capacity_millitokens_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  while (buckets_.size() >= max_keys_) buckets_.erase(buckets_.begin());
}

bool RateLimiter::Allow(std::string_view key, uint32_t cost, Clock::time_point now) {
  if (per_second_ == 0) return true;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now);
    it = buckets_.emplace(std::string(key), Bucket{capacity_millitokens_, now}).first;
  }
  Bucket& b = it->second;
  Refill(b, now);
  uint64_t need = uint64_t{cost} * 1000;
  if (b.millitokens < need) return false;
  b.millitokens -= need;
  return true;
}

size_t RateLimiter::TrackedKeys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace corridor::rpc

// An in-memory topic store standing in for the node's block/receipt storage.
#pragma once

#include <algorithm>
#include <functional>
#include <mutex>
#include <vector>

#include "rpc/subscription.h"

namespace corridor::rpc::testing {

class FakeSource : public SubscriptionSource {
 public:
  // "Commits" an event: readable from now on.
  void Append(TopicEvent e) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }

  Result<ReplayBatch> ReadFrom(EventPosition from, size_t max,
                               const SubscriptionFilter& filter) override {
    ReplayBatch batch;
    {
      std::lock_guard lock(mu_);
      reads_++;
      if (fail_) return MakeError("storage", "disk on fire");
      auto it =
          std::lower_bound(events_.begin(), events_.end(), from,
                           [](const TopicEvent& e, EventPosition p) { return e.position < p; });
      batch.resume = from;
      for (; it != events_.end() && batch.events.size() < max; ++it) {
        if (filter.Matches(*it)) batch.events.push_back(*it);
        batch.resume = it->position.Next();
      }
      batch.reached_head = it == events_.end();
    }
    if (after_read_) after_read_();
    return batch;
  }

  // Runs after each read, outside the store lock (to inject publishes).
  void set_after_read(std::function<void()> f) { after_read_ = std::move(f); }
  void set_fail(bool f) {
    std::lock_guard lock(mu_);
    fail_ = f;
  }
  int reads() const {
    std::lock_guard lock(mu_);
    return reads_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TopicEvent> events_;
  std::function<void()> after_read_;
  bool fail_ = false;
  int reads_ = 0;
};

inline TopicEvent BlockEvent(uint64_t height) {
  TopicEvent e;
  e.position = {height, 0};
  e.payload = Json::Object();
  e.payload.Set("height", height);
  return e;
}

}  // namespace corridor::rpc::testing

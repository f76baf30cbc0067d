// What the node provides for WebSocket subscriptions: topics, their events and
// a source to replay them from storage.
//
// Every event of a topic has a position (height, index): the block height and
// the event's place within that block. Positions of one topic are strictly
// increasing in the order events happen. A subscriber that passes
// `fromHeight` receives every event with position >= (fromHeight, 0), in
// position order, first replayed through SubscriptionSource::ReadFrom and then
// live from SubscriptionHub::Publish, with no gap and no duplicate between the
// two (docs/rpc.md, "Subscriptions"; the hand-over is in subscription_hub.cpp).
//
// Contract for the node:
//   - Publish events of a topic from one thread at a time, in position order.
//   - Publish an event only after ReadFrom can return it (i.e. after the block
//     is committed to storage), so a replay never misses what was published.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/result.h"
#include "rpc/json.h"

namespace corridor::rpc {

struct EventPosition {
  uint64_t height = 0;
  uint32_t index = 0;

  EventPosition Next() const {
    if (index == std::numeric_limits<uint32_t>::max()) return {height + 1, 0};
    return {height, index + 1};
  }
  auto operator<=>(const EventPosition&) const = default;
};

struct TopicEvent {
  EventPosition position;
  // Accounts the event concerns (sender, recipient, ...), for the `account`
  // filter. Empty for topics without per-account filtering.
  std::vector<Address> accounts;
  Json payload;  // the notification's `result`
};

struct SubscriptionFilter {
  std::optional<Address> account;

  bool Matches(const TopicEvent& e) const {
    if (!account) return true;
    for (const auto& a : e.accounts) {
      if (a == *account) return true;
    }
    return false;
  }
};

struct ReplayBatch {
  // Matching events with position >= from, in position order.
  std::vector<TopicEvent> events;
  // Where the next read continues: after the last position examined (which
  // may be past the last returned event when the filter skipped some).
  EventPosition resume;
  // True when the read reached the newest stored event.
  bool reached_head = false;
};

// Replays a topic from storage. Called from the RPC worker threads, possibly
// concurrently for different subscribers: implementations must be thread-safe.
class SubscriptionSource {
 public:
  virtual ~SubscriptionSource() = default;
  // At most `max` matching events with position >= `from`. An error ends the
  // subscription with a final error notification.
  virtual Result<ReplayBatch> ReadFrom(EventPosition from, size_t max,
                                       const SubscriptionFilter& filter) = 0;
};

struct TopicOptions {
  bool account_filter = false;  // accept the `account` subscribe parameter
};

}  // namespace corridor::rpc

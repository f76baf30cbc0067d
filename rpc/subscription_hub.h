// SubscriptionHub: fans topic events out to subscribers and runs the
// replay-then-live hand-over that gives `fromHeight` subscribers every event
// exactly once, in order.
//
// Lifecycle of one subscription:
//   Create()    -> pending: receives nothing (the connection first sends the
//                  `subscribe` response carrying the id).
//   Activate()  -> live (no fromHeight: events published from now on) or
//                  replaying (fromHeight given).
//   ReplayStep()-> reads one batch from the topic's source and delivers it;
//                  once it has read up to the last published event it turns
//                  the subscription live under the topic lock, so no publish
//                  can slip between the last replayed and first live event.
//   Cancel()    -> receives nothing more.
//
// Delivery goes to a SubscriptionSink (one per connection), called with the
// topic lock held: a sink must only enqueue, never block or call the hub.
//
// Thread-safety: every method may be called from any thread. RegisterTopic is
// meant for start-up but is safe later too. Lock order: topic -> sink.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/error.h"
#include "rpc/subscription.h"

namespace corridor::rpc {

class SubscriptionSink {
 public:
  virtual ~SubscriptionSink() = default;
  // One serialized notification. `replay` marks paced replay output, which the
  // sink accepts beyond its live-queue limit (the replay is paced by room, see
  // ReplayStep's `max`); live overflow is the slow-consumer case.
  virtual void Deliver(std::string notification, bool replay) = 0;
};

class Subscription;

class SubscriptionHub {
 public:
  SubscriptionHub();
  ~SubscriptionHub();
  SubscriptionHub(const SubscriptionHub&) = delete;
  SubscriptionHub& operator=(const SubscriptionHub&) = delete;

  // Errors: "duplicate_topic", "bad_topic" (empty name or null source).
  Status RegisterTopic(std::string name, std::shared_ptr<SubscriptionSource> source,
                       TopicOptions options = {});
  bool HasTopic(std::string_view name) const;
  std::vector<std::string> Topics() const;

  // REQUIRES: events of one topic are published in strictly increasing
  // position order, after they are readable from the source. An event at or
  // before the last published position is dropped (and logged).
  void Publish(std::string_view topic, const TopicEvent& event);

  // -32602 for an unknown topic or a filter the topic does not support.
  Outcome<std::shared_ptr<Subscription>> Create(std::string_view topic,
                                                std::optional<uint64_t> from_height,
                                                SubscriptionFilter filter,
                                                std::weak_ptr<SubscriptionSink> sink);
  void Activate(const std::shared_ptr<Subscription>& sub);
  // Replays up to `max` events. Returns true while the subscription still
  // needs more replay steps; false once it is live or cancelled. Reads the
  // source without holding the topic lock: call it from a worker thread.
  bool ReplayStep(const std::shared_ptr<Subscription>& sub, size_t max);
  void Cancel(const std::shared_ptr<Subscription>& sub);

  // Live subscribers of `topic` (for metrics and tests).
  size_t LiveCount(std::string_view topic) const;

  struct Topic;

 private:
  Topic* FindTopic(std::string_view name) const;

  mutable std::shared_mutex topics_mu_;
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;  // GUARDED_BY(topics_mu_)
  std::atomic<uint64_t> next_id_{1};
};

// Opaque handle; state is guarded by its topic's mutex inside the hub.
class Subscription {
 public:
  const std::string& id() const { return id_; }
  const std::string& topic() const { return topic_name_; }

 private:
  friend class SubscriptionHub;
  enum class State { kPending, kReplaying, kLive, kCancelled };

  std::string id_;
  std::string topic_name_;
  SubscriptionHub::Topic* topic_ = nullptr;
  std::optional<uint64_t> from_height_;
  SubscriptionFilter filter_;
  std::weak_ptr<SubscriptionSink> sink_;
  State state_ = State::kPending;
  EventPosition next_;  // the next position this subscriber should receive
};

// The notification a subscriber receives (docs/rpc.md):
// {"jsonrpc":"2.0","method":"subscription","params":{"subscription":ID,
//  "topic":T,"height":H,"index":I,"result":PAYLOAD}}
std::string FormatNotification(std::string_view subscription_id, std::string_view topic,
                               EventPosition position, std::string_view payload_json);

}  // namespace corridor::rpc

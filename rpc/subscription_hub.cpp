#include "rpc/subscription_hub.h"

#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace corridor::rpc {

struct SubscriptionHub::Topic {
  std::string name;
  std::shared_ptr<SubscriptionSource> source;
  TopicOptions options;

  std::mutex mu;
  std::optional<EventPosition> last_published;      // GUARDED_BY(mu)
  std::vector<std::shared_ptr<Subscription>> live;  // GUARDED_BY(mu)
};

namespace {

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string FormatNotification(std::string_view subscription_id, std::string_view topic,
                               EventPosition position, std::string_view payload_json) {
  std::string out;
  out.reserve(payload_json.size() + 128);
  out += R"({"jsonrpc":"2.0","method":"subscription","params":{"subscription":)";
  AppendJsonString(out, subscription_id);
  out += R"(,"topic":)";
  AppendJsonString(out, topic);
  out += R"(,"height":)";
  out += std::to_string(position.height);
  out += R"(,"index":)";
  out += std::to_string(position.index);
  out += R"(,"result":)";
  out += payload_json;
  out += "}}";
  return out;
}

namespace {

std::string FormatErrorNotification(std::string_view subscription_id, std::string_view topic,
                                    const RpcError& error) {
  std::string out = R"({"jsonrpc":"2.0","method":"subscription","params":{"subscription":)";
  AppendJsonString(out, subscription_id);
  out += R"(,"topic":)";
  AppendJsonString(out, topic);
  out += R"(,"error":)";
  out += error.ToJson().Serialize();
  out += "}}";
  return out;
}

}  // namespace

SubscriptionHub::SubscriptionHub() = default;
SubscriptionHub::~SubscriptionHub() = default;

Status SubscriptionHub::RegisterTopic(std::string name, std::shared_ptr<SubscriptionSource> source,
                                      TopicOptions options) {
  if (name.empty() || source == nullptr) {
    return MakeError("bad_topic", "a topic needs a name and a source");
  }
  std::unique_lock lock(topics_mu_);
  if (topics_.count(name) != 0) {
    return MakeError("duplicate_topic", "topic '" + name + "' is already registered");
  }
  auto t = std::make_unique<Topic>();
  t->name = name;
  t->source = std::move(source);
  t->options = options;
  topics_.emplace(std::move(name), std::move(t));
  return Status::Ok();
}

SubscriptionHub::Topic* SubscriptionHub::FindTopic(std::string_view name) const {
  std::shared_lock lock(topics_mu_);
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second.get();
}

bool SubscriptionHub::HasTopic(std::string_view name) const {
  return FindTopic(name) != nullptr;
}

std::vector<std::string> SubscriptionHub::Topics() const {
  std::shared_lock lock(topics_mu_);
  std::vector<std::string> out;
  for (const auto& [name, t] : topics_) out.push_back(name);
  return out;
}

void SubscriptionHub::Publish(std::string_view topic_name, const TopicEvent& event) {
  Topic* topic = FindTopic(topic_name);
  if (topic == nullptr) return;
  std::string payload;  // serialized once, on the first matching subscriber
  std::lock_guard lock(topic->mu);
  if (topic->last_published && event.position <= *topic->last_published) {
    spdlog::warn("rpc: topic {} event at {}/{} published out of order (last {}/{}); dropped",
                 topic->name, event.position.height, event.position.index,
                 topic->last_published->height, topic->last_published->index);
    return;
  }
  topic->last_published = event.position;
  auto& live = topic->live;
  for (size_t i = 0; i < live.size();) {
    Subscription& sub = *live[i];
    auto sink = sub.sink_.lock();
    if (sub.state_ != Subscription::State::kLive || sink == nullptr) {
      live[i] = std::move(live.back());
      live.pop_back();
      continue;
    }
    if (event.position >= sub.next_ && sub.filter_.Matches(event)) {
      if (payload.empty()) payload = event.payload.Serialize();
      sink->Deliver(FormatNotification(sub.id_, topic->name, event.position, payload), false);
    }
    if (event.position >= sub.next_) sub.next_ = event.position.Next();
    ++i;
  }
}

Outcome<std::shared_ptr<Subscription>> SubscriptionHub::Create(
    std::string_view topic_name, std::optional<uint64_t> from_height, SubscriptionFilter filter,
    std::weak_ptr<SubscriptionSink> sink) {
  Topic* topic = FindTopic(topic_name);
  if (topic == nullptr) {
    std::string known;
    for (const auto& t : Topics()) known += (known.empty() ? "" : ", ") + t;
    return RpcError::InvalidParams(
        "unknown topic '" + std::string(topic_name) + "' (topics: " + known + ")", "topic",
        "unknown_topic");
  }
  if (filter.account && !topic->options.account_filter) {
    return RpcError::InvalidParams(
        "topic '" + topic->name + "' does not support the 'account' filter", "account",
        "unsupported_filter");
  }
  auto sub = std::make_shared<Subscription>();
  char id[24];
  std::snprintf(id, sizeof id, "0x%llx", static_cast<unsigned long long>(next_id_.fetch_add(1)));
  sub->id_ = id;
  sub->topic_name_ = topic->name;
  sub->topic_ = topic;
  sub->from_height_ = from_height;
  sub->filter_ = std::move(filter);
  sub->sink_ = std::move(sink);
  return sub;
}

void SubscriptionHub::Activate(const std::shared_ptr<Subscription>& sub) {
  Topic* topic = sub->topic_;
  std::lock_guard lock(topic->mu);
  if (sub->state_ != Subscription::State::kPending) return;
  if (sub->from_height_) {
    sub->state_ = Subscription::State::kReplaying;
    sub->next_ = EventPosition{*sub->from_height_, 0};
  } else {
    sub->state_ = Subscription::State::kLive;
    sub->next_ = topic->last_published ? topic->last_published->Next() : EventPosition{};
    topic->live.push_back(sub);
  }
}

bool SubscriptionHub::ReplayStep(const std::shared_ptr<Subscription>& sub, size_t max) {
  Topic* topic = sub->topic_;
  EventPosition from;
  SubscriptionFilter filter;
  {
    std::lock_guard lock(topic->mu);
    if (sub->state_ != Subscription::State::kReplaying) return false;
    from = sub->next_;
    filter = sub->filter_;
  }
  // Storage read without the topic lock: publishers are not held up by it.
  auto batch = topic->source->ReadFrom(from, std::max<size_t>(max, 1), filter);

  std::lock_guard lock(topic->mu);
  if (sub->state_ != Subscription::State::kReplaying) return false;  // cancelled meanwhile
  auto sink = sub->sink_.lock();
  if (sink == nullptr) {
    sub->state_ = Subscription::State::kCancelled;
    return false;
  }
  if (!batch.ok()) {
    sink->Deliver(FormatErrorNotification(sub->id_, topic->name,
                                          RpcError::FromError(kSubscriptionError, batch.error())),
                  true);
    sub->state_ = Subscription::State::kCancelled;
    return false;
  }
  for (const auto& e : batch->events) {
    if (e.position < sub->next_ || !filter.Matches(e)) continue;
    sink->Deliver(FormatNotification(sub->id_, topic->name, e.position, e.payload.Serialize()),
                  true);
    sub->next_ = e.position.Next();
  }
  if (batch->resume > sub->next_) sub->next_ = batch->resume;
  // Hand-over: everything published so far has a position < next_, and
  // Publish cannot run while we hold the lock, so from here on live delivery
  // continues exactly at next_. Otherwise events were published after our
  // read (or the read stopped short): read again.
  bool caught_up = !topic->last_published || *topic->last_published < sub->next_;
  if (batch->reached_head && caught_up) {
    sub->state_ = Subscription::State::kLive;
    topic->live.push_back(sub);
    return false;
  }
  return true;
}

void SubscriptionHub::Cancel(const std::shared_ptr<Subscription>& sub) {
  Topic* topic = sub->topic_;
  std::lock_guard lock(topic->mu);
  sub->state_ = Subscription::State::kCancelled;
  auto& live = topic->live;
  live.erase(std::remove(live.begin(), live.end(), sub), live.end());
}

size_t SubscriptionHub::LiveCount(std::string_view topic_name) const {
  Topic* topic = FindTopic(topic_name);
  if (topic == nullptr) return 0;
  std::lock_guard lock(topic->mu);
  size_t n = 0;
  for (const auto& s : topic->live) n += s->state_ == Subscription::State::kLive ? 1 : 0;
  return n;
}

}  // namespace corridor::rpc

// The replay -> live hand-over of SubscriptionHub, with a fake source and sink:
// every event from fromHeight exactly once, in order, whatever interleaving.
#include "rpc/subscription_hub.h"

#include <thread>

#include <gtest/gtest.h>

#include "fake_source.h"
#include "test_methods.h"

namespace corridor::rpc {
namespace {

using testing::BlockEvent;
using testing::FakeSource;

class RecordingSink : public SubscriptionSink {
 public:
  void Deliver(std::string notification, bool replay) override {
    std::lock_guard lock(mu_);
    auto doc = Json::Parse(notification);
    ASSERT_TRUE(doc.ok());
    const auto& p = (*doc).value()["params"];
    if (p.HasMember("error")) {
      errors_++;
      return;
    }
    positions_.push_back({p["height"].GetUint64(), p["index"].GetUint()});
    replayed_ += replay ? 1 : 0;
  }
  std::vector<EventPosition> positions() const {
    std::lock_guard lock(mu_);
    return positions_;
  }
  int errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }
  int replayed() const {
    std::lock_guard lock(mu_);
    return replayed_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<EventPosition> positions_;
  int errors_ = 0;
  int replayed_ = 0;
};

std::vector<EventPosition> Heights(uint64_t from, uint64_t to) {
  std::vector<EventPosition> out;
  for (uint64_t h = from; h <= to; ++h) out.push_back({h, 0});
  return out;
}

class HubTest : public ::testing::Test {
 protected:
  HubTest() { EXPECT_TRUE(hub_.RegisterTopic("blocks", source_).ok()); }
  void Commit(uint64_t height) {
    source_->Append(BlockEvent(height));
    hub_.Publish("blocks", BlockEvent(height));
  }
  std::shared_ptr<Subscription> Sub(std::optional<uint64_t> from) {
    auto s = hub_.Create("blocks", from, {}, sink_);
    EXPECT_TRUE(s.ok());
    return *s;
  }
  void ReplayToLive(const std::shared_ptr<Subscription>& s, size_t batch) {
    for (int guard = 0; guard < 100000 && hub_.ReplayStep(s, batch); ++guard) {
    }
  }

  SubscriptionHub hub_;
  std::shared_ptr<FakeSource> source_ = std::make_shared<FakeSource>();
  std::shared_ptr<RecordingSink> sink_ = std::make_shared<RecordingSink>();
};

TEST_F(HubTest, LiveSubscriptionGetsEventsAfterActivationOnly) {
  Commit(1);
  auto s = Sub(std::nullopt);
  Commit(2);  // pending: the client has not seen the subscription id yet
  hub_.Activate(s);
  Commit(3);
  Commit(4);
  EXPECT_EQ(sink_->positions(), Heights(3, 4));
  EXPECT_EQ(hub_.LiveCount("blocks"), 1u);
  hub_.Cancel(s);
  Commit(5);
  EXPECT_EQ(sink_->positions(), Heights(3, 4));
  EXPECT_EQ(hub_.LiveCount("blocks"), 0u);
}

TEST_F(HubTest, ReplayFromHeightThenLiveWithoutGapOrDuplicate) {
  for (uint64_t h = 1; h <= 10; ++h) Commit(h);
  auto s = Sub(3);
  hub_.Activate(s);
  Commit(11);  // published while replaying: must come exactly once, in order
  ReplayToLive(s, 3);
  Commit(12);
  EXPECT_EQ(sink_->positions(), Heights(3, 12));
}

TEST_F(HubTest, PublishBetweenReadAndHandOverIsNotLost) {
  for (uint64_t h = 1; h <= 5; ++h) Commit(h);
  auto s = Sub(1);
  hub_.Activate(s);
  int injected = 0;
  source_->set_after_read([&] {
    if (injected < 3) Commit(6 + injected++);  // lands after the read's snapshot
  });
  ReplayToLive(s, 100);
  source_->set_after_read(nullptr);
  Commit(9);
  EXPECT_EQ(sink_->positions(), Heights(1, 9));
}

TEST_F(HubTest, StoredButNotYetPublishedEventsAreDeliveredOnce) {
  for (uint64_t h = 1; h <= 3; ++h) Commit(h);
  source_->Append(BlockEvent(4));  // committed, Publish not called yet
  source_->Append(BlockEvent(5));
  auto s = Sub(2);
  hub_.Activate(s);
  ReplayToLive(s, 10);
  hub_.Publish("blocks", BlockEvent(4));
  hub_.Publish("blocks", BlockEvent(5));
  Commit(6);
  EXPECT_EQ(sink_->positions(), Heights(2, 6));
}

TEST_F(HubTest, FromHeightInTheFutureWaitsForIt) {
  Commit(1);
  auto s = Sub(4);
  hub_.Activate(s);
  ReplayToLive(s, 10);
  for (uint64_t h = 2; h <= 6; ++h) Commit(h);
  EXPECT_EQ(sink_->positions(), Heights(4, 6));
}

TEST_F(HubTest, ResumeAfterDisconnectMissesNothing) {
  for (uint64_t h = 1; h <= 4; ++h) Commit(h);
  auto first = Sub(1);
  hub_.Activate(first);
  ReplayToLive(first, 2);
  Commit(5);
  uint64_t last_seen = sink_->positions().back().height;
  hub_.Cancel(first);  // the connection dropped
  Commit(6);
  Commit(7);
  auto second = Sub(last_seen + 1);
  hub_.Activate(second);
  Commit(8);
  ReplayToLive(second, 2);
  Commit(9);
  EXPECT_EQ(sink_->positions(), Heights(1, 9));
}

TEST_F(HubTest, ConcurrentPublisherNeverCausesGapOrDuplicate) {
  for (int round = 0; round < 20; ++round) {
    SubscriptionHub hub;
    auto source = std::make_shared<FakeSource>();
    auto sink = std::make_shared<RecordingSink>();
    ASSERT_TRUE(hub.RegisterTopic("blocks", source).ok());
    constexpr uint64_t kTotal = 3000;
    for (uint64_t h = 1; h <= 500; ++h) {
      source->Append(BlockEvent(h));
      hub.Publish("blocks", BlockEvent(h));
    }
    std::thread publisher([&] {
      for (uint64_t h = 501; h <= kTotal; ++h) {
        source->Append(BlockEvent(h));
        hub.Publish("blocks", BlockEvent(h));
      }
    });
    auto s = *hub.Create("blocks", uint64_t{1 + static_cast<uint64_t>(round)}, {}, sink);
    hub.Activate(s);
    while (hub.ReplayStep(s, 1 + round * 7)) {
    }
    publisher.join();
    EXPECT_EQ(sink->positions(), Heights(1 + round, kTotal)) << "round " << round;
  }
}

TEST_F(HubTest, AccountFilter) {
  SubscriptionHub hub;
  auto source = std::make_shared<FakeSource>();
  ASSERT_TRUE(hub.RegisterTopic("transactions", source, {.account_filter = true}).ok());
  Address alice = testing::TestAddress(1), bob = testing::TestAddress(2);
  auto tx = [&](uint64_t h, uint32_t i, Address who) {
    TopicEvent e;
    e.position = {h, i};
    e.accounts = {who};
    e.payload = Json::Object();
    source->Append(e);
    hub.Publish("transactions", e);
  };
  tx(1, 0, alice);
  tx(1, 1, bob);
  tx(2, 0, bob);
  auto s = *hub.Create("transactions", uint64_t{1}, {.account = bob}, sink_);
  hub.Activate(s);
  while (hub.ReplayStep(s, 1)) {
  }
  tx(2, 1, alice);
  tx(3, 0, bob);
  EXPECT_EQ(sink_->positions(), (std::vector<EventPosition>{{1, 1}, {2, 0}, {3, 0}}));
  auto no = hub_.Create("blocks", std::nullopt, {.account = bob}, sink_);
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code, kInvalidParams);
}

TEST_F(HubTest, UnknownTopicAndBadRegistrations) {
  auto r = hub_.Create("nope", std::nullopt, {}, sink_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kInvalidParams);
  EXPECT_NE(r.error().message.find("blocks"), std::string::npos);
  EXPECT_EQ(hub_.RegisterTopic("blocks", source_).error().code, "duplicate_topic");
  EXPECT_EQ(hub_.RegisterTopic("x", nullptr).error().code, "bad_topic");
}

TEST_F(HubTest, OutOfOrderPublishIsDropped) {
  auto s = Sub(std::nullopt);
  hub_.Activate(s);
  Commit(5);
  hub_.Publish("blocks", BlockEvent(4));
  hub_.Publish("blocks", BlockEvent(5));
  Commit(6);
  EXPECT_EQ(sink_->positions(), Heights(5, 6));
}

TEST_F(HubTest, SourceErrorEndsSubscriptionWithErrorNotification) {
  Commit(1);
  source_->set_fail(true);
  auto s = Sub(1);
  hub_.Activate(s);
  EXPECT_FALSE(hub_.ReplayStep(s, 10));
  EXPECT_EQ(sink_->errors(), 1);
  source_->set_fail(false);
  Commit(2);
  EXPECT_TRUE(sink_->positions().empty());
}

TEST_F(HubTest, ExpiredSinkIsDroppedFromLiveList) {
  auto sink = std::make_shared<RecordingSink>();
  auto s = *hub_.Create("blocks", std::nullopt, {}, sink);
  hub_.Activate(s);
  sink.reset();
  Commit(1);
  EXPECT_EQ(hub_.LiveCount("blocks"), 0u);
}

TEST(Notification, Format) {
  EXPECT_EQ(FormatNotification("0x1", "blocks", {7, 2}, R"({"a":1})"),
            R"({"jsonrpc":"2.0","method":"subscription","params":{"subscription":"0x1",)"
            R"("topic":"blocks","height":7,"index":2,"result":{"a":1}}})");
}

}  // namespace
}  // namespace corridor::rpc

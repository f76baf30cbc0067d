// The server over real sockets on 127.0.0.1: HTTP and WebSocket round trips,
// limits, admin gating, subscriptions across reconnects, slow consumers.
// No sleeps: waits poll a condition against a deadline.
#include "rpc/server.h"

#include <thread>

#include <gtest/gtest.h>

#include "fake_source.h"
#include "rpc/client.h"
#include "rpc/ws_client.h"
#include "test_methods.h"

namespace corridor::rpc {
namespace {

using namespace std::chrono_literals;
using testing::BlockEvent;
using testing::FakeSource;

constexpr auto kTimeout = 10s;

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds deadline = 10s) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::yield();
    std::this_thread::sleep_for(1ms);  // polling interval, not a timing assumption
  }
  return true;
}

Json Obj(std::initializer_list<std::pair<const char*, uint64_t>> kv) {
  Json j = Json::Object();
  for (auto& [k, v] : kv) j.Set(k, v);
  return j;
}

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerConfig config = {}) {
    config.address = "127.0.0.1";
    config.port = 0;
    server_ = std::make_unique<Server>(config);
    testing::RegisterTestMethods(*server_);
    ASSERT_TRUE(
        server_
            ->RegisterHttpGet("/health",
                              [](const CallContext&) {
                                return HttpResponse{200, "application/json", R"({"status":"ok"})"};
                              })
            .ok());
    ASSERT_TRUE(server_->RegisterTopic("blocks", source_).ok());
    auto st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.error().ToString();
    EXPECT_FALSE(
        server_
            ->Register("late",
                       [](const Params&, const CallContext&) -> MethodResult { return Json(); })
            .ok());
  }
  std::string HttpUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string WsUrl() const { return "ws://127.0.0.1:" + std::to_string(server_->port()); }

  void Commit(uint64_t height) {
    source_->Append(BlockEvent(height));
    server_->Publish("blocks", BlockEvent(height));
  }

  void ExpectServes() {
    Client c(HttpUrl());
    auto r = c.Call("add", Obj({{"a", 40}, {"b", 2}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->value().GetUint64(), 42u);
  }

  std::shared_ptr<FakeSource> source_ = std::make_shared<FakeSource>();
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, HttpRoundTripKeepAliveBatchAndNotification) {
  Start();
  Client c(HttpUrl());
  for (uint64_t i = 0; i < 20; ++i) {
    auto r = c.Call("add", Obj({{"a", i}, {"b", 1}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->value().GetUint64(), i + 1);
  }
  EXPECT_EQ(server_->Stats().connections_open, 1u);  // one keep-alive connection

  auto batch = c.Post(R"([{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}},
                          {"jsonrpc":"2.0","method":"echo"},
                          {"jsonrpc":"2.0","id":"x","method":"nope"}])");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->status, 200);
  auto doc = *Json::Parse(batch->body);
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.value().Size(), 2u);
  EXPECT_EQ(doc.value()[1]["error"]["code"].GetInt(), kMethodNotFound);

  auto note = c.Post(R"({"jsonrpc":"2.0","method":"echo"})");
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->status, 204);
  EXPECT_TRUE(note->body.empty());

  auto rejected = c.Call("pay", [] {
    Json p = Json::Object();
    p.Set("to", testing::TestAddress(3).ToString());
    p.Set("amount", "500.00");
    return p;
  }());
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, kTransactionRejected);
  EXPECT_STREQ((*rejected.error().data->Find("code")).GetString(), "insufficient_balance");
}

TEST_F(ServerTest, BadRequestsGetTheRightErrorAndTheServerKeepsServing) {
  ServerConfig config;
  config.limits.max_body_bytes = 4096;
  config.limits.max_batch_length = 3;
  Start(config);
  Client c(HttpUrl());

  auto parse = c.Post("{\"jsonrpc\": ");
  ASSERT_TRUE(parse.ok());
  EXPECT_NE(parse->body.find("-32700"), std::string::npos);

  auto invalid = c.Post(R"({"jsonrpc":"1.0","id":1,"method":"add"})");
  ASSERT_TRUE(invalid.ok());
  EXPECT_NE(invalid->body.find("-32600"), std::string::npos);

  auto params = c.Call("add", Obj({{"a", 1}}));
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().code, kInvalidParams);

  auto huge = c.Post(std::string(10000, ' ') + "{}");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->status, 413);
  EXPECT_NE(huge->body.find("-32005"), std::string::npos);

  std::string batch = "[";
  for (int i = 0; i < 4; ++i)
    batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":1,"method":"echo"})";
  auto big_batch = c.Post(batch + "]");
  ASSERT_TRUE(big_batch.ok());
  EXPECT_NE(big_batch->body.find("-32005"), std::string::npos);

  auto empty = c.Post("[]");
  ASSERT_TRUE(empty.ok());
  EXPECT_NE(empty->body.find("-32600"), std::string::npos);

  auto boom = c.Call("boom");
  ASSERT_FALSE(boom.ok());
  EXPECT_EQ(boom.error().code, kInternalError);

  EXPECT_GE(server_->Stats().oversized, 1u);
  ExpectServes();
  auto again = c.Call("add", Obj({{"a", 1}, {"b", 1}}));  // the same client reconnects
  ASSERT_TRUE(again.ok()) << again.error().ToString();
}

TEST_F(ServerTest, GetRoutes) {
  Start();
  Client c(HttpUrl());
  auto health = c.Get("/health?verbose=1");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");
  auto missing = c.Get("/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerTest, AdminFromLoopbackWhenAllowed) {
  Start();
  Client c(HttpUrl());
  auto r = c.Call("admin_setLogLevel");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

TEST_F(ServerTest, AdminNeedsTokenWhenLoopbackIsNotTrusted) {
  ServerConfig config;
  config.admin_from_loopback = false;
  config.admin_token = "s3cret-token";
  Start(config);
  Client anonymous(HttpUrl());
  auto r = anonymous.Call("admin_setLogLevel");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kUnauthorized);
  Client wrong(HttpUrl(), {.bearer_token = "s3cret-tokem"});
  EXPECT_EQ(wrong.Call("admin_setLogLevel").error().code, kUnauthorized);
  Client admin(HttpUrl(), {.bearer_token = "s3cret-token"});
  auto ok = admin.Call("admin_setLogLevel");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  // Public methods need no token.
  EXPECT_TRUE(anonymous.Call("add", Obj({{"a", 1}, {"b", 1}})).ok());

  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  EXPECT_EQ(ws.Call("admin_setLogLevel", Json(), kTimeout).error().code, kUnauthorized);
  WsClient ws_admin;
  ASSERT_TRUE(ws_admin.Connect(WsUrl(), kTimeout, "s3cret-token").ok());
  EXPECT_TRUE(ws_admin.Call("admin_setLogLevel", Json(), kTimeout).ok());
}

TEST_F(ServerTest, RateLimitPerIpAnswers429AndRecovers) {
  ServerConfig config;
  config.limits.rate_per_second = 1;
  config.limits.rate_burst = 3;
  Start(config);
  Client c(HttpUrl());
  int ok = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = c.Call("echo");
    if (r.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code, kRateLimited) << r.error().ToString();
      ++limited;
    }
  }
  EXPECT_GE(limited, 2);
  EXPECT_LE(ok, 4);
  auto raw = c.Post(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->status, 429);
  EXPECT_GE(server_->Stats().rate_limited, 2u);
  // GET routes (health checks) are not rate limited.
  EXPECT_EQ(c.Get("/health")->status, 200);
}

TEST_F(ServerTest, ConnectionLimitAnswers503AndFreesSlots) {
  ServerConfig config;
  config.limits.max_connections = 2;
  Start(config);
  Client a(HttpUrl()), b(HttpUrl()), c(HttpUrl());
  ASSERT_TRUE(a.Call("echo").ok());
  ASSERT_TRUE(b.Call("echo").ok());
  auto refused = c.Call("echo");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kServerBusy) << refused.error().ToString();
  EXPECT_EQ(server_->Stats().connections_refused, 1u);
  a.Close();
  ASSERT_TRUE(WaitFor([&] { return server_->Stats().connections_open < 2; }));
  EXPECT_TRUE(c.Call("echo").ok());
}

TEST_F(ServerTest, WebSocketRoundTripAndErrors) {
  ServerConfig config;
  config.limits.max_ws_message_bytes = 2048;
  Start(config);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  auto r = ws.Call("add", Obj({{"a", 2}, {"b", 3}}), kTimeout);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->value().GetUint64(), 5u);
  ASSERT_TRUE(ws.Send("{broken", kTimeout).ok());
  auto parse = ws.Receive(kTimeout);
  ASSERT_TRUE(parse.ok());
  EXPECT_NE(parse->find("-32700"), std::string::npos);
  EXPECT_EQ(ws.Call("nope", Json(), kTimeout).error().code, kMethodNotFound);
  EXPECT_EQ(ws.Call("subscribe", Json::Object(), kTimeout).error().code, kInvalidParams);

  // Over the message limit: the server closes with 1009 and keeps serving.
  // (The send itself may already fail when the server closes first.)
  (void)ws.Send(std::string(4096, ' ') + "{}", kTimeout);
  auto closed = ws.Receive(kTimeout);
  ASSERT_FALSE(closed.ok());
  EXPECT_TRUE(WaitFor([&] { return server_->Stats().oversized >= 1; }));
  ExpectServes();
}

// Reads notifications until `count` have arrived; returns their heights.
std::vector<uint64_t> ReadHeights(WsClient& ws, size_t count) {
  std::vector<uint64_t> out;
  while (out.size() < count) {
    auto m = ws.Receive(kTimeout);
    if (!m.ok()) {
      ADD_FAILURE() << m.error().ToString();
      break;
    }
    auto doc = Json::Parse(*m);
    EXPECT_TRUE(doc.ok());
    const auto& p = doc->value()["params"];
    EXPECT_EQ(p["height"].GetUint64(), p["result"]["height"].GetUint64());
    out.push_back(p["height"].GetUint64());
  }
  return out;
}

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> out;
  for (uint64_t h = from; h <= to; ++h) out.push_back(h);
  return out;
}

TEST_F(ServerTest, SubscriptionReplayThenLiveAcrossReconnectWithoutGapOrDuplicate) {
  ServerConfig config;
  config.limits.replay_batch = 7;  // many replay steps
  Start(config);
  for (uint64_t h = 1; h <= 100; ++h) Commit(h);

  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  Json p = Json::Object();
  p.Set("topic", "blocks").Set("fromHeight", 5);
  auto id = ws.Call("subscribe", p, kTimeout);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  // Live blocks keep arriving while the replay runs.
  std::thread producer([&] {
    for (uint64_t h = 101; h <= 200; ++h) Commit(h);
  });
  auto first = ReadHeights(ws, 150);  // 5..154
  producer.join();
  EXPECT_EQ(first, Range(5, 154));
  ws.Close();  // disconnect midway; blocks go on
  for (uint64_t h = 201; h <= 250; ++h) Commit(h);

  WsClient again;
  ASSERT_TRUE(again.Connect(WsUrl(), kTimeout).ok());
  Json p2 = Json::Object();
  p2.Set("topic", "blocks").Set("fromHeight", first.back() + 1);
  ASSERT_TRUE(again.Call("subscribe", p2, kTimeout).ok());
  auto second = ReadHeights(again, 96);  // 155..250
  for (uint64_t h = 251; h <= 260; ++h) Commit(h);
  auto third = ReadHeights(again, 10);
  EXPECT_EQ(second, Range(155, 250));
  EXPECT_EQ(third, Range(251, 260));

  // Unsubscribe stops the stream (the answer is true once, then false).
  auto sub_id = again.Call(
      "subscribe",
      [] {
        Json q = Json::Object();
        q.Set("topic", "blocks");
        return q;
      }(),
      kTimeout);
  ASSERT_TRUE(sub_id.ok());
  Json u = Json::Object();
  u.Set("id", std::string(sub_id->value().GetString()));
  auto un = again.Call("unsubscribe", u, kTimeout);
  ASSERT_TRUE(un.ok());
  EXPECT_TRUE(un->value().GetBool());
  EXPECT_FALSE(again.Call("unsubscribe", u, kTimeout)->value().GetBool());
}

TEST_F(ServerTest, ReplayIsPacedByTheOutboundQueueNotTreatedAsSlow) {
  ServerConfig config;
  config.limits.max_ws_outbound_messages = 4;
  config.limits.replay_batch = 100;
  Start(config);
  for (uint64_t h = 1; h <= 500; ++h) Commit(h);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  Json p = Json::Object();
  p.Set("topic", "blocks").Set("fromHeight", 1);
  ASSERT_TRUE(ws.Call("subscribe", p, kTimeout).ok());
  EXPECT_EQ(ReadHeights(ws, 500), Range(1, 500));
  EXPECT_EQ(server_->Stats().slow_consumer_disconnects, 0u);
  Commit(501);
  EXPECT_EQ(ReadHeights(ws, 1), Range(501, 501));
}

TEST_F(ServerTest, SubscriptionLimitsAndUnknownTopic) {
  ServerConfig config;
  config.limits.max_subscriptions_per_connection = 2;
  Start(config);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  Json bad = Json::Object();
  bad.Set("topic", "nope");
  EXPECT_EQ(ws.Call("subscribe", bad, kTimeout).error().code, kInvalidParams);
  Json typo = Json::Object();
  typo.Set("topic", "blocks").Set("fromHeigth", 1);
  EXPECT_EQ(ws.Call("subscribe", typo, kTimeout).error().code, kInvalidParams);
  Json p = Json::Object();
  p.Set("topic", "blocks");
  EXPECT_TRUE(ws.Call("subscribe", p, kTimeout).ok());
  EXPECT_TRUE(ws.Call("subscribe", p, kTimeout).ok());
  EXPECT_EQ(ws.Call("subscribe", p, kTimeout).error().code, kLimitExceeded);
}

TEST_F(ServerTest, SlowSubscriberIsDisconnectedWithAReason) {
  ServerConfig config;
  config.limits.max_ws_outbound_messages = 64;
  config.limits.max_ws_outbound_bytes = 1 << 20;
  config.limits.slow_consumer_close_grace = 30s;  // the test reads before it
  Start(config);
  WsClient slow;
  ASSERT_TRUE(slow.Connect(WsUrl(), kTimeout).ok());
  Json p = Json::Object();
  p.Set("topic", "blocks");
  ASSERT_TRUE(slow.Call("subscribe", p, kTimeout).ok());

  // The subscriber stops reading; blocks keep coming until the socket buffers
  // fill and the server's queue overflows.
  std::string filler(16 << 10, 'x');
  uint64_t h = 0;
  while (server_->Stats().slow_consumer_disconnects == 0 && h < 100000) {
    TopicEvent e = BlockEvent(++h);
    e.payload.Set("filler", filler);
    server_->Publish("blocks", e);
  }
  ASSERT_EQ(server_->Stats().slow_consumer_disconnects, 1u);
  // Other clients are unaffected.
  ExpectServes();
  // Draining, the subscriber finds the close frame and its reason.
  std::string reason;
  for (uint64_t i = 0; i <= h + 1; ++i) {
    auto m = slow.Receive(kTimeout);
    if (!m.ok()) {
      EXPECT_EQ(m.error().code, "closed") << m.error().ToString();
      reason = slow.CloseReason();
      break;
    }
  }
  EXPECT_NE(reason.find("slow consumer"), std::string::npos) << reason;
  EXPECT_TRUE(WaitFor([&] { return server_->Stats().websocket_sessions == 0; }));
}

TEST_F(ServerTest, StopWithOpenConnections) {
  Start();
  Client c(HttpUrl());
  ASSERT_TRUE(c.Call("echo").ok());
  WsClient ws;
  ASSERT_TRUE(ws.Connect(WsUrl(), kTimeout).ok());
  Json p = Json::Object();
  p.Set("topic", "blocks");
  ASSERT_TRUE(ws.Call("subscribe", p, kTimeout).ok());
  server_->Stop();
  server_->Publish("blocks", BlockEvent(1));  // harmless after Stop
  EXPECT_FALSE(c.Call("echo").ok());
}

}  // namespace
}  // namespace corridor::rpc

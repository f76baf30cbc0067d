// The JSON-RPC envelope rules, error codes and limits, without a network.
#include "rpc/dispatcher.h"

#include <gtest/gtest.h>

#include "test_methods.h"

namespace corridor::rpc {
namespace {

using testing::TestAddress;

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : dispatcher_(table_, DispatchLimits{.max_batch_length = 4}, nullptr) {
    testing::RegisterTestMethods(table_);
    ctx_.remote_address = "10.0.0.1";
  }

  Json Run(std::string_view body, int expect_status = 200) {
    DispatchOutput out = dispatcher_.Handle(body, ctx_);
    EXPECT_EQ(out.http_status, expect_status) << body;
    auto doc = Json::Parse(out.body);
    EXPECT_TRUE(doc.ok()) << out.body;
    return doc.ok() ? std::move(doc).value() : Json();
  }

  static int Code(const Json& response) {
    const auto* e = response.Find("error");
    if (e == nullptr || !e->IsObject() || !e->HasMember("code")) return 0;
    return (*e)["code"].GetInt();
  }
  static std::string Data(const Json& response, const char* key) {
    const auto* e = response.Find("error");
    if (e == nullptr || !e->HasMember("data")) return "";
    const auto& d = (*e)["data"];
    if (!d.HasMember(key) || !d[key].IsString()) return "";
    return d[key].GetString();
  }
  // After every failure a valid request still works.
  void ExpectStillServes() {
    auto r = Run(R"({"jsonrpc":"2.0","id":99,"method":"add","params":{"a":2,"b":3}})");
    ASSERT_NE(r.Find("result"), nullptr);
    EXPECT_EQ((*r.Find("result")).GetUint64(), 5u);
  }

  MethodTable table_;
  Dispatcher dispatcher_;
  CallContext ctx_;
};

TEST_F(DispatcherTest, ValidCallEchoesIdAndResult) {
  auto r = Run(R"({"jsonrpc":"2.0","id":"abc","method":"add","params":{"a":1,"b":2}})");
  EXPECT_STREQ((*r.Find("jsonrpc")).GetString(), "2.0");
  EXPECT_STREQ((*r.Find("id")).GetString(), "abc");
  EXPECT_EQ((*r.Find("result")).GetUint64(), 3u);
  EXPECT_EQ(r.Find("error"), nullptr);
  auto n = Run(R"({"jsonrpc":"2.0","id":7,"method":"add","params":{"a":1,"b":2}})");
  EXPECT_EQ((*n.Find("id")).GetInt(), 7);
  auto z = Run(R"({"jsonrpc":"2.0","id":null,"method":"echo"})");
  EXPECT_TRUE((*z.Find("id")).IsNull());
  EXPECT_TRUE((*z.Find("result")).IsNull());
}

TEST_F(DispatcherTest, MalformedJsonIsParseError) {
  for (const char* body : {"{\"jsonrpc\":", "", "nonsense", "{\"a\":1} trailing", "[1,2",
                           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",}"}) {
    auto r = Run(body);
    EXPECT_EQ(Code(r), kParseError) << body;
    EXPECT_TRUE((*r.Find("id")).IsNull()) << body;
  }
  ExpectStillServes();
}

TEST_F(DispatcherTest, DeeplyNestedJsonIsRefusedWithoutRecursion) {
  std::string deep(200000, '[');
  EXPECT_EQ(Code(Run(deep)), kParseError);
  std::string ok_depth = std::string(10, '[') + std::string(10, ']');
  auto r = Run(ok_depth);  // a batch holding one non-object
  ASSERT_TRUE(r.IsArray());
  EXPECT_EQ(r.value()[0]["error"]["code"].GetInt(), kInvalidRequest);
  ExpectStillServes();
}

TEST_F(DispatcherTest, EnvelopeViolationsAreInvalidRequest) {
  struct Case {
    const char* body;
    bool id_echoed;
  };
  for (const Case& c : {
           Case{R"(42)", false},
           Case{R"("x")", false},
           Case{R"({"jsonrpc":"1.0","id":1,"method":"add"})", true},
           Case{R"({"jsonrpc":2.0,"id":1,"method":"add"})", true},
           Case{R"({"id":1,"method":"add"})", true},
           Case{R"({"jsonrpc":"2.0","id":1,"method":5})", true},
           Case{R"({"jsonrpc":"2.0","id":1})", true},
           Case{R"({"jsonrpc":"2.0","id":1,"method":"add","params":"a=1"})", true},
           Case{R"({"jsonrpc":"2.0","id":1,"method":"add","params":3})", true},
           Case{R"({"jsonrpc":"2.0","id":{"x":1},"method":"add"})", false},
           Case{R"({"jsonrpc":"2.0","id":[1],"method":"add"})", false},
           Case{R"({"jsonrpc":"2.0","id":true,"method":"add"})", false},
       }) {
    auto r = Run(c.body);
    EXPECT_EQ(Code(r), kInvalidRequest) << c.body;
    if (c.id_echoed) {
      EXPECT_EQ((*r.Find("id")).GetInt(), 1) << c.body;
    } else {
      EXPECT_TRUE((*r.Find("id")).IsNull()) << c.body;
    }
  }
  ExpectStillServes();
}

TEST_F(DispatcherTest, UnknownAndReservedMethodsAreNotFound) {
  EXPECT_EQ(Code(Run(R"({"jsonrpc":"2.0","id":1,"method":"nope"})")), kMethodNotFound);
  EXPECT_EQ(Code(Run(R"({"jsonrpc":"2.0","id":1,"method":"rpc.discover"})")), kMethodNotFound);
  // Subscriptions need a WebSocket connection.
  EXPECT_EQ(Code(Run(R"({"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topic":"b"}})")),
            kMethodNotFound);
}

TEST_F(DispatcherTest, InvalidParamsNameTheParamAndReason) {
  auto missing = Run(R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1}})");
  EXPECT_EQ(Code(missing), kInvalidParams);
  EXPECT_EQ(Data(missing, "param"), "b");
  EXPECT_EQ(Data(missing, "reason"), "missing");
  EXPECT_NE(std::string((*missing.Find("error"))["message"].GetString()).find("'b'"),
            std::string::npos);

  for (const char* body : {R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":"1","b":2}})",
                           R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":-1,"b":2}})",
                           R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1.5,"b":2}})"}) {
    auto r = Run(body);
    EXPECT_EQ(Code(r), kInvalidParams) << body;
    EXPECT_EQ(Data(r, "reason"), "wrong_type") << body;
  }
  auto unknown = Run(R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2,"c":3}})");
  EXPECT_EQ(Code(unknown), kInvalidParams);
  EXPECT_EQ(Data(unknown, "param"), "c");
  auto positional = Run(R"({"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]})");
  EXPECT_EQ(Code(positional), kInvalidParams);
  ExpectStillServes();
}

TEST_F(DispatcherTest, BadAddressHashAndAmount) {
  std::string good = TestAddress(7).ToString();
  std::string typo = good;
  typo[good.size() - 3] = typo[good.size() - 3] == 'q' ? 'p' : 'q';

  auto ok =
      Run(R"({"jsonrpc":"2.0","id":1,"method":"balance","params":{"address":")" + good + R"("}})");
  EXPECT_STREQ((*ok.Find("result"))["address"].GetString(), good.c_str());

  auto bad_addr =
      Run(R"({"jsonrpc":"2.0","id":1,"method":"balance","params":{"address":")" + typo + R"("}})");
  EXPECT_EQ(Code(bad_addr), kInvalidParams);
  EXPECT_EQ(Data(bad_addr, "reason"), "bad_address");
  EXPECT_EQ(Data(bad_addr, "param"), "address");

  auto bad_hash = Run(R"({"jsonrpc":"2.0","id":1,"method":"balance","params":{"address":")" + good +
                      R"(","block":"abcd"}})");
  EXPECT_EQ(Code(bad_hash), kInvalidParams);
  EXPECT_EQ(Data(bad_hash, "reason"), "bad_hash");

  for (const char* amount : {R"("12.505")", R"("-1")", R"("1e3")", R"(12.5)", R"("")"}) {
    auto r = Run(R"({"jsonrpc":"2.0","id":1,"method":"pay","params":{"to":")" + good +
                 R"(","amount":)" + amount + "}}");
    EXPECT_EQ(Code(r), kInvalidParams) << amount;
    EXPECT_EQ(Data(r, "param"), "amount") << amount;
  }
  ExpectStillServes();
}

TEST_F(DispatcherTest, RejectionCarriesStateMachineCodeAndNameVerbatim) {
  std::string to = TestAddress(9).ToString();
  auto r = Run(R"({"jsonrpc":"2.0","id":1,"method":"pay","params":{"to":")" + to +
               R"(","amount":"100.01"}})");
  EXPECT_EQ(Code(r), kTransactionRejected);
  EXPECT_EQ(Data(r, "code"), "insufficient_balance");
  EXPECT_EQ(Data(r, "name"), "InsufficientBalance");
  auto ok = Run(R"({"jsonrpc":"2.0","id":1,"method":"pay","params":{"to":")" + to +
                R"(","amount":"100.00"}})");
  EXPECT_STREQ((*ok.Find("result")).GetString(), "ok");
}

TEST_F(DispatcherTest, ThrowingHandlerIsInternalError) {
  EXPECT_EQ(Code(Run(R"({"jsonrpc":"2.0","id":1,"method":"boom"})")), kInternalError);
  ExpectStillServes();
}

TEST_F(DispatcherTest, NotificationsGetNoResponse) {
  DispatchOutput out = dispatcher_.Handle(R"({"jsonrpc":"2.0","method":"add","params":{}})", ctx_);
  EXPECT_TRUE(out.body.empty());
  EXPECT_EQ(out.http_status, 204);
  // Even an unknown method.
  EXPECT_TRUE(dispatcher_.Handle(R"({"jsonrpc":"2.0","method":"nope"})", ctx_).body.empty());
  // A batch of notifications only: nothing at all.
  out = dispatcher_.Handle(
      R"([{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","method":"echo"}])", ctx_);
  EXPECT_TRUE(out.body.empty());
  EXPECT_EQ(out.http_status, 204);
}

TEST_F(DispatcherTest, BatchAnswersEachCallInOrderSkippingNotifications) {
  auto r = Run(R"([
    {"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":1}},
    {"jsonrpc":"2.0","method":"add","params":{"a":1,"b":1}},
    {"jsonrpc":"2.0","id":2,"method":"nope"},
    5
  ])");
  ASSERT_TRUE(r.IsArray());
  ASSERT_EQ(r.value().Size(), 3u);
  EXPECT_EQ(r.value()[0]["result"].GetUint64(), 2u);
  EXPECT_EQ(r.value()[1]["error"]["code"].GetInt(), kMethodNotFound);
  EXPECT_EQ(r.value()[2]["error"]["code"].GetInt(), kInvalidRequest);
}

TEST_F(DispatcherTest, EmptyAndOversizedBatches) {
  auto empty = Run("[]");
  EXPECT_EQ(Code(empty), kInvalidRequest);
  std::string big = "[";
  for (int i = 0; i < 5; ++i) {
    big += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":1,"method":"echo"})";
  }
  big += "]";
  auto r = Run(big);
  EXPECT_EQ(Code(r), kLimitExceeded);
  EXPECT_EQ(Data(r, "limit"), "batch_length");
  ExpectStillServes();
}

TEST_F(DispatcherTest, AdminMethodsNeedAdminContext) {
  const char* body = R"({"jsonrpc":"2.0","id":1,"method":"admin_setLogLevel"})";
  EXPECT_EQ(Code(Run(body)), kUnauthorized);
  ctx_.admin = true;
  EXPECT_TRUE((*Run(body).Find("result")).GetBool());
}

TEST(DispatcherRateLimit, RefusesOverTheBucketWith429) {
  MethodTable table;
  testing::RegisterTestMethods(table);
  RateLimiter limiter(1, 3);
  Dispatcher d(table, {}, &limiter);
  CallContext a{.remote_address = "10.0.0.1"};
  CallContext b{.remote_address = "10.0.0.2"};
  const char* body = R"({"jsonrpc":"2.0","id":1,"method":"echo"})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(d.Handle(body, a).http_status, 200);
  DispatchOutput out = d.Handle(body, a);
  EXPECT_EQ(out.http_status, 429);
  EXPECT_NE(out.body.find("-32002"), std::string::npos);
  EXPECT_EQ(d.Handle(body, b).http_status, 200);  // other clients are unaffected
  // A batch costs one per call.
  std::string batch = std::string("[") + body + "," + body + "," + body + "]";
  EXPECT_EQ(d.Handle(batch, CallContext{.remote_address = "10.0.0.3"}).http_status, 200);
  EXPECT_EQ(d.Handle(batch, CallContext{.remote_address = "10.0.0.3"}).http_status, 429);
}

TEST(MethodTable, RefusesDuplicatesAndReservedNames) {
  MethodTable t;
  auto h = [](const Params&, const CallContext&) -> MethodResult { return Json(); };
  EXPECT_TRUE(t.Register("a", h).ok());
  EXPECT_EQ(t.Register("a", h).error().code, "duplicate_method");
  EXPECT_EQ(t.Register("rpc.x", h).error().code, "reserved_method");
  EXPECT_EQ(t.Register("subscribe", h).error().code, "reserved_method");
  EXPECT_EQ(t.Register("", h).error().code, "bad_method");
}

TEST(JsonTest, BuildsAndCopiesValues) {
  Json j = Json::Object();
  j.Set("s", "x").Set("u", uint64_t{18446744073709551615u}).Set("i", -5).Set("b", true);
  Json arr = Json::Array();
  arr.Push("a").Push(Json::Uint(1));
  j.Set("arr", arr);
  j.Set("s", "replaced");
  Json copy = j;
  EXPECT_EQ(copy.Serialize(),
            R"({"s":"replaced","u":18446744073709551615,"i":-5,"b":true,"arr":["a",1]})");
  EXPECT_FALSE(Json::Parse("{").ok());
  EXPECT_FALSE(Json::Parse(std::string(100, '[') + std::string(100, ']')).ok());
  EXPECT_EQ(JsonNestingDepth(R"({"a":"[[[[","b":[{}]})", 64), 3u);
}

}  // namespace
}  // namespace corridor::rpc

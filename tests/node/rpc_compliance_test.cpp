// RPC for the AML review queue (issue 8): chain_getTransaction and
// account_getHistory report `held` and the hold's state; compliance_listHeld,
// compliance_getRules and compliance_getActivityRecords, served to admins and
// to requests signed by a compliance account's key only, every refusal with
// its stable reason.
#include <gtest/gtest.h>

#include "chain/read_request.h"
#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

// `"auth":{...}` signed by `who` for `method` about `subject`.
std::string Auth(std::string_view who, std::string_view method, const Address& subject = {},
                 uint64_t timestamp = kNow, std::string_view key_of = "") {
  const Address signer = Addr(who);
  PrivateKey k = contracts::DevKey(key_of.empty() ? who : key_of);
  Signature sig = k.Sign(ReadRequestDigest(method, signer, subject, timestamp));
  return R"("auth":{"signer":")" + signer.ToString() + R"(","publicKey":")" +
         k.public_key().ToHex() + R"(","timestamp":)" + std::to_string(timestamp) +
         R"(,"signature":")" + sig.ToHex() + R"("})";
}

class RpcComplianceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: a USD threshold of 100.00.
    node_.Commit({node_.Tx("compliance",
                           AmlRuleSet{0, AmlRuleKind::kThreshold, "USD", "", "", 100'00, 0, 0})});
    // 2: two payments held, one paid.
    held_ = node_.Pay("alice", "bob", "USD", 500'00, "INV-1");
    rejected_ = node_.Pay("alice", "bob", "USD", 700'00, "INV-2", 1);
    node_.Commit({held_, rejected_, node_.Pay("alice", "bob", "USD", 50'00, "INV-3", 2)});
    // 3: compliance rejects the second hold.
    node_.Commit({node_.Tx("compliance", HoldReject{2, "no invoice"})});
    ASSERT_EQ(node_.height(), 3u);
  }

  TestNode node_{FixedClock()};
  TransactionPtr held_, rejected_;
};

TEST_F(RpcComplianceTest, ChainGetTransactionReportsHeldAndTheHold) {
  auto r = node_.Call("chain_getTransaction", R"({"id":")" + held_->id().ToHex() + R"("})");
  const auto& t = ResultOf(r);
  EXPECT_EQ(Str(t, "status"), "held");
  EXPECT_EQ(t["receipt"]["code"].GetUint(), 360u);
  EXPECT_EQ(Str(t["receipt"], "codeName"), "held");
  EXPECT_EQ(Str(t["receipt"]["events"][0], "type"), "payment_held");
  EXPECT_EQ(Str(t["receipt"]["events"][1], "type"), "aml_rule_tripped");
  EXPECT_EQ(t["receipt"]["events"][1]["ruleId"].GetUint64(), 1u);
  const auto& hold = t["hold"];
  EXPECT_EQ(hold["holdId"].GetUint64(), 1u);
  EXPECT_EQ(Str(hold, "status"), "open");
  EXPECT_EQ(Str(hold, "lockedAmount"), "500.00");
  EXPECT_EQ(Str(hold, "decidedBy"), "null");

  auto rej = node_.Call("chain_getTransaction", R"({"id":")" + rejected_->id().ToHex() + R"("})");
  EXPECT_EQ(Str(ResultOf(rej), "status"), "held");
  EXPECT_EQ(Str(ResultOf(rej)["hold"], "status"), "rejected");
  EXPECT_EQ(Str(ResultOf(rej)["hold"], "reason"), "no invoice");
  EXPECT_EQ(Str(ResultOf(rej)["hold"], "decidedBy"), Addr("compliance").ToString());
}

TEST_F(RpcComplianceTest, HistoryFiltersHeldAndTheReceiverDoesNotSeeIt) {
  const std::string alice = Addr("alice").ToString();
  auto r = node_.Call("account_getHistory", R"({"address":")" + alice + R"(","status":"held"})");
  const auto& entries = ResultOf(r)["entries"];
  ASSERT_EQ(entries.Size(), 2u);
  EXPECT_EQ(Str(entries[0], "status"), "held");
  EXPECT_EQ(Str(entries[1], "txId"), held_->id().ToHex());
  auto bob = node_.Call("account_getHistory",
                        R"({"address":")" + Addr("bob").ToString() + R"(","status":"held"})");
  EXPECT_EQ(ResultOf(bob)["entries"].Size(), 0u);
  auto bad = node_.Call("account_getHistory", R"({"address":")" + alice + R"(","status":"hold"})");
  EXPECT_EQ(ErrorData(bad, "reason"), "bad_status");
}

TEST_F(RpcComplianceTest, ListHeldForAdminsAndComplianceSignersOnly) {
  auto anon = node_.Call("compliance_listHeld", "{}");
  EXPECT_EQ(ErrorCode(anon), rpc::kUnauthorized);
  EXPECT_EQ(ErrorData(anon, "reason"), "auth_required");

  auto admin = node_.Call("compliance_listHeld", "{}", true);
  const auto& holds = ResultOf(admin)["holds"];
  ASSERT_EQ(holds.Size(), 1u);
  EXPECT_EQ(holds[0]["holdId"].GetUint64(), 1u);
  EXPECT_EQ(Str(holds[0], "txId"), held_->id().ToHex());
  EXPECT_EQ(Str(holds[0], "type"), "payment");
  EXPECT_EQ(Str(ResultOf(admin), "nextCursor"), "null");

  auto signed_ok =
      node_.Call("compliance_listHeld", "{" + Auth("compliance", "compliance_listHeld") + "}");
  EXPECT_EQ(ResultOf(signed_ok)["holds"].Size(), 1u);

  auto alice = node_.Call("compliance_listHeld", "{" + Auth("alice", "compliance_listHeld") + "}");
  EXPECT_EQ(ErrorData(alice, "reason"), "not_authorized");
  // Signed for another method, by another key, or too old.
  auto other =
      node_.Call("compliance_listHeld", "{" + Auth("compliance", "compliance_getRules") + "}");
  EXPECT_EQ(ErrorData(other, "reason"), "bad_auth_signature");
  auto wrong_key =
      node_.Call("compliance_listHeld",
                 "{" + Auth("compliance", "compliance_listHeld", {}, kNow, "alice") + "}");
  EXPECT_EQ(ErrorData(wrong_key, "reason"), "bad_auth_signature");
  auto old = node_.Call("compliance_listHeld",
                        "{" + Auth("compliance", "compliance_listHeld", {}, kNow - 300'001) + "}");
  EXPECT_EQ(ErrorData(old, "reason"), "auth_expired");
  auto stranger =
      node_.Call("compliance_listHeld", "{" + Auth("nobody", "compliance_listHeld") + "}");
  EXPECT_EQ(ErrorData(stranger, "reason"), "unknown_signer");
  EXPECT_EQ(ErrorCode(node_.Call("compliance_listHeld", R"({"auth":5})")), rpc::kInvalidParams);
}

TEST_F(RpcComplianceTest, ListHeldPagesInDeadlineOrder) {
  node_.Commit({node_.Pay("alice", "bob", "USD", 900'00)});
  auto first = node_.Call("compliance_listHeld", R"({"limit":1})", true);
  ASSERT_EQ(ResultOf(first)["holds"].Size(), 1u);
  EXPECT_EQ(ResultOf(first)["holds"][0]["holdId"].GetUint64(), 1u);
  const std::string cursor = Str(ResultOf(first), "nextCursor");
  auto second =
      node_.Call("compliance_listHeld", R"({"limit":1,"cursor":")" + cursor + R"("})", true);
  ASSERT_EQ(ResultOf(second)["holds"].Size(), 1u);
  EXPECT_EQ(ResultOf(second)["holds"][0]["holdId"].GetUint64(), 3u);
  EXPECT_EQ(Str(ResultOf(second), "nextCursor"), "null");
  auto bad = node_.Call("compliance_listHeld", R"({"cursor":"x"})", true);
  EXPECT_EQ(ErrorData(bad, "reason"), "bad_cursor");
}

TEST_F(RpcComplianceTest, RulesAndActivityRecords) {
  auto rules = node_.Call("compliance_getRules", R"({"asset":"USD"})", true);
  const auto& list = ResultOf(rules)["rules"];
  ASSERT_EQ(list.Size(), 1u);
  EXPECT_EQ(Str(list[0], "kind"), "threshold");
  EXPECT_EQ(Str(list[0], "maxAmount"), "100.00");
  EXPECT_EQ(ResultOf(rules)["holdExpiryBlocks"].GetUint64(), 10'000u);
  EXPECT_EQ(ResultOf(node_.Call("compliance_getRules", "{}", true))["rules"].Size(), 1u);
  EXPECT_EQ(ErrorCode(node_.Call("compliance_getRules", "{}")), rpc::kUnauthorized);

  auto records =
      node_.Call("compliance_getActivityRecords",
                 R"({"limit":2,)" + Auth("compliance", "compliance_getActivityRecords") + "}");
  const auto& page = ResultOf(records);
  ASSERT_EQ(page["records"].Size(), 2u);
  EXPECT_EQ(Str(page["records"][0], "kind"), "held");
  EXPECT_EQ(Str(page["records"][0], "reason"), "threshold rule 1: amount 50000 above 10000");
  EXPECT_EQ(page["nextFromId"].GetUint64(), 3u);
  auto rest = node_.Call("compliance_getActivityRecords", R"({"fromId":3})", true);
  ASSERT_EQ(ResultOf(rest)["records"].Size(), 1u);
  EXPECT_EQ(Str(ResultOf(rest)["records"][0], "kind"), "rejected");
  EXPECT_EQ(Str(ResultOf(rest)["records"][0], "author"), Addr("compliance").ToString());
  EXPECT_EQ(Str(ResultOf(rest), "nextFromId"), "null");
}

// stats_get: a held payment (code 360) is neither succeeded nor failed, per
// type and in the totals; the success rate is over the decided ones.
TEST_F(RpcComplianceTest, StatsCountHeldApartFromSucceededAndFailed) {
  // 4: a EUR payment bob cannot cover fails.
  auto fails = node_.Pay("bob", "alice", "EUR", uint64_t{1} << 62, "TOO-MUCH");
  node_.Commit({fails});
  auto t = node_.Call("chain_getTransaction", R"({"id":")" + fails->id().ToHex() + R"("})");
  ASSERT_EQ(Str(ResultOf(t), "status"), "failed");

  auto r = node_.Call("stats_get");
  const auto& s = ResultOf(r);
  ASSERT_EQ(s["blocks"].GetUint64(), 5u);  // genesis and blocks 1-4
  const auto& txs = s["transactions"];
  EXPECT_EQ(txs["total"].GetUint64(), 6u);
  EXPECT_EQ(txs["succeeded"].GetUint64(), 3u);  // rule set, the 50.00 payment, the rejection
  EXPECT_EQ(txs["held"].GetUint64(), 2u);
  EXPECT_EQ(txs["failed"].GetUint64(), 1u);
  EXPECT_EQ(Str(txs, "successRate"), "0.7500");  // 3 of the 4 decided
  bool saw_payment = false;
  for (const auto& e : s["byType"].GetArray()) {
    const uint64_t sum =
        e["succeeded"].GetUint64() + e["held"].GetUint64() + e["failed"].GetUint64();
    EXPECT_EQ(sum, e["total"].GetUint64()) << Str(e, "type");
    if (Str(e, "type") != "payment") {
      EXPECT_EQ(e["held"].GetUint64(), 0u) << Str(e, "type");
      continue;
    }
    saw_payment = true;
    EXPECT_EQ(e["total"].GetUint64(), 4u);
    EXPECT_EQ(e["succeeded"].GetUint64(), 1u);
    EXPECT_EQ(e["held"].GetUint64(), 2u);
    EXPECT_EQ(e["failed"].GetUint64(), 1u);
  }
  EXPECT_TRUE(saw_payment);
  // Held payments move no volume: only the 50.00 one counts.
  ASSERT_EQ(s["byAsset"].Size(), 1u);
  EXPECT_EQ(Str(s["byAsset"][0]["payments"], "volume"), "50.00");

  // Block 2 alone: two held, one paid, so one of one decided succeeded.
  auto w = node_.Call("stats_get", "{\"fromTime\":" + std::to_string(node_.TimeOf(2)) +
                                       ",\"toTime\":" + std::to_string(node_.TimeOf(2)) + "}");
  EXPECT_EQ(ResultOf(w)["transactions"]["held"].GetUint64(), 2u);
  EXPECT_EQ(ResultOf(w)["transactions"]["succeeded"].GetUint64(), 1u);
  EXPECT_EQ(Str(ResultOf(w)["transactions"], "successRate"), "1.0000");
}

// Privacy option ([rpc] private_history): history and statements only for the
// account's own keys, compliance and admins.
TEST(RpcPrivacyTest, HistoryAndStatementsOnlyForTheHolderComplianceAndAdmin) {
  RpcApiOptions o = FixedClock();
  o.private_history = true;
  TestNode node(o);
  node.Commit({node.Pay("alice", "bob", "USD", 5'00, "INV-1")});
  const Address alice = Addr("alice");
  const std::string history = R"({"address":")" + alice.ToString() + R"(")";
  const std::string statement = R"({"address":")" + alice.ToString() +
                                R"(","asset":"USD","fromTime":0,"toTime":)" + std::to_string(kNow);
  auto call = [&](const char* method, const std::string& params, const std::string& auth,
                  bool admin = false) {
    return node.Call(method, params + (auth.empty() ? "" : "," + auth) + "}", admin);
  };
  for (const char* method : {"account_getHistory", "account_getStatement"}) {
    const std::string& params = std::string(method) == "account_getHistory" ? history : statement;
    SCOPED_TRACE(method);
    auto anon = call(method, params, "");
    EXPECT_EQ(ErrorCode(anon), rpc::kUnauthorized);
    EXPECT_EQ(ErrorData(anon, "reason"), "auth_required");
    EXPECT_NE(ErrorMessage(anon).find("signed request"), std::string::npos);
    EXPECT_NE(ErrorCode(call(method, params, Auth("alice", method, alice))), rpc::kUnauthorized);
    EXPECT_TRUE(call(method, params, Auth("alice", method, alice)).Find("result") != nullptr);
    EXPECT_TRUE(call(method, params, Auth("compliance", method, alice)).Find("result") != nullptr);
    EXPECT_TRUE(call(method, params, "", true).Find("result") != nullptr);
    EXPECT_EQ(ErrorData(call(method, params, Auth("bob", method, alice)), "reason"),
              "not_authorized");
    // Signed for bob's records, presented for alice's.
    EXPECT_EQ(ErrorData(call(method, params, Auth("alice", method, Addr("bob"))), "reason"),
              "bad_auth_signature");
  }
  // Without the option history is public.
  TestNode open(FixedClock());
  EXPECT_TRUE(open.Call("account_getHistory", history + "}").Find("result") != nullptr);
}

}  // namespace
}  // namespace corridor::node::testing

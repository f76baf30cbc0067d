// audit_list (issue 8): every role change, freeze, rule change, hold
// decision, halt / resume and validator change, with its author, signers and
// reason, newest first, filtered by time, category or operation, author and
// status, paged; public by default and for compliance and admins only under
// [rpc] private_history.
#include <gtest/gtest.h>

#include "chain/read_request.h"
#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

class RpcAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: a payment (not audited) and a role grant.
    node_.Commit({node_.Pay("alice", "bob", "USD", 5'00, "INV-1"),
                  node_.Tx("admin", GrantRole{Addr("oracle"), Role::kArbiter}, "ticket 12")});
    // 2: compliance freezes bob and sets a rule; alice tries to freeze oracle
    //    (refused: not compliance — still in the trail).
    node_.Commit(
        {node_.Tx("compliance", FreezeAccount{Addr("bob")}, "case 7: sanctions match"),
         node_.Tx("compliance", AmlRuleSet{0, AmlRuleKind::kThreshold, "USD", "", "", 100'00, 0, 0},
                  "policy 2026-11", 1),
         node_.Tx("alice", FreezeAccount{Addr("oracle")}, "", 0)});
    // 3: a held payment; 4: compliance approves it.
    node_.Commit({node_.Pay("alice", "exchange", "USD", 500'00, "INV-2")});
    node_.Commit({node_.Tx("compliance", HoldApprove{1, "invoice seen"})});
    // 5: halt, 6: resume.
    node_.Commit({node_.Tx("admin", HaltNetwork{}, "incident 42")});
    node_.Commit({node_.Tx("admin", ResumeNetwork{}, "incident 42 closed")});
    ASSERT_EQ(node_.height(), 6u);
  }

  std::vector<std::string> Types(const rpc::Json& r) {
    std::vector<std::string> out;
    for (const auto& e : ResultOf(r)["entries"].GetArray()) out.push_back(Str(e, "type"));
    return out;
  }

  TestNode node_{FixedClock()};
};

TEST_F(RpcAuditTest, ListsAdministrativeActionsNewestFirstWithAuthorAndReason) {
  auto r = node_.Call("audit_list");
  EXPECT_EQ(Types(r), (std::vector<std::string>{"resume_network", "halt_network", "hold_approve",
                                                "freeze_account", "aml_rule_set", "freeze_account",
                                                "grant_role"}));
  const auto& res = ResultOf(r);
  EXPECT_EQ(res["height"].GetUint64(), 6u);
  EXPECT_EQ(res["auditFrom"].GetUint64(), 0u);
  EXPECT_EQ(Str(res, "nextCursor"), "null");
  const auto& halt = res["entries"][1];
  EXPECT_EQ(Str(halt, "category"), "network");
  EXPECT_EQ(Str(halt, "status"), "committed");
  EXPECT_EQ(Str(halt, "author"), Addr("admin").ToString());
  EXPECT_EQ(Str(halt, "memo"), "incident 42");
  EXPECT_EQ(halt["height"].GetUint64(), 5u);
  EXPECT_EQ(halt["timestamp"].GetUint64(), node_.TimeOf(5));
  ASSERT_EQ(halt["signers"].Size(), 1u);
  EXPECT_EQ(Str(halt["signers"][0], "address"), Addr("admin").ToString());
  EXPECT_EQ(Str(halt["signers"][0], "publicKey"), contracts::DevKey("admin").public_key().ToHex());

  const auto& approve = res["entries"][2];
  EXPECT_EQ(Str(approve, "category"), "hold");
  EXPECT_EQ(approve["operation"]["holdId"].GetUint64(), 1u);
  EXPECT_EQ(Str(approve["operation"], "reason"), "invoice seen");
  EXPECT_GT(approve["events"].Size(), 0u);

  // The refused attempt is there, failed, with its code.
  const auto& attempt = res["entries"][3];
  EXPECT_EQ(Str(attempt, "author"), Addr("alice").ToString());
  EXPECT_EQ(Str(attempt, "status"), "failed");
  EXPECT_EQ(Str(attempt, "codeName"), "unauthorized_role");
  EXPECT_EQ(Str(res["entries"][4], "memo"), "policy 2026-11");
  EXPECT_EQ(Str(res["entries"][5], "memo"), "case 7: sanctions match");
  EXPECT_EQ(Str(res["entries"][6]["operation"], "role"), "arbiter");
}

TEST_F(RpcAuditTest, FiltersCombine) {
  EXPECT_EQ(Types(node_.Call("audit_list", R"({"type":"freeze"})")),
            (std::vector<std::string>{"freeze_account", "freeze_account"}));
  EXPECT_EQ(Types(node_.Call("audit_list", R"({"type":["network","grant_role"]})")),
            (std::vector<std::string>{"resume_network", "halt_network", "grant_role"}));
  EXPECT_EQ(Types(node_.Call("audit_list", R"({"type":"freeze","status":"committed"})")),
            (std::vector<std::string>{"freeze_account"}));
  EXPECT_EQ(
      Types(node_.Call("audit_list", R"({"author":")" + Addr("compliance").ToString() + R"("})")),
      (std::vector<std::string>{"hold_approve", "aml_rule_set", "freeze_account"}));
  // Blocks 2..4 by time.
  const std::string window = R"({"fromTime":)" + std::to_string(node_.TimeOf(2)) + R"(,"toTime":)" +
                             std::to_string(node_.TimeOf(4)) + "}";
  EXPECT_EQ(Types(node_.Call("audit_list", window)),
            (std::vector<std::string>{"hold_approve", "freeze_account", "aml_rule_set",
                                      "freeze_account"}));
  EXPECT_TRUE(
      Types(node_.Call("audit_list", R"({"fromTime":)" + std::to_string(node_.TimeOf(7)) + "}"))
          .empty());
}

TEST_F(RpcAuditTest, PagesVisitEveryEntryOnce) {
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto r = node_.Call(
        "audit_list",
        R"({"limit":3)" + (cursor.empty() ? "" : R"(,"cursor":")" + cursor + "\"") + "}");
    for (const auto& t : Types(r)) seen.push_back(t);
    cursor = Str(ResultOf(r), "nextCursor");
    if (cursor == "null") break;
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.front(), "resume_network");
  EXPECT_EQ(seen.back(), "grant_role");
  // New blocks only add entries above the first page.
  node_.Commit({node_.Tx("admin", RevokeRole{Addr("oracle"), Role::kArbiter}, "ticket 13")});
  auto again = node_.Call("audit_list", R"({"limit":1})");
  EXPECT_EQ(Types(again), (std::vector<std::string>{"revoke_role"}));
}

TEST_F(RpcAuditTest, BadParamsGetStableReasons) {
  auto reason = [&](const std::string& params) {
    return ErrorData(node_.Call("audit_list", params), "reason");
  };
  EXPECT_EQ(reason(R"({"type":"payment"})"), "unknown_type") << "payments are not audited";
  EXPECT_EQ(reason(R"({"type":"freez"})"), "unknown_type");
  EXPECT_EQ(reason(R"({"type":7})"), "wrong_type");
  EXPECT_EQ(reason(R"({"status":"held"})"), "bad_status");
  EXPECT_EQ(reason(R"({"fromTime":5,"toTime":4})"), "bad_time_range");
  EXPECT_EQ(reason(R"({"cursor":"x"})"), "bad_cursor");
  EXPECT_EQ(reason(R"({"limit":0})"), "out_of_range");
  EXPECT_EQ(reason(R"({"author":"corr1xyz"})"), "bad_address");
  EXPECT_EQ(ErrorCode(node_.Call("audit_list", R"({"nope":1})")), rpc::kInvalidParams);
  auto unknown = node_.Call("audit_list", R"({"type":"freez"})");
  EXPECT_NE(ErrorMessage(unknown).find("hold_approve"), std::string::npos)
      << "the message lists the names";
}

TEST(RpcAuditPrivacyTest, ComplianceAndAdminOnlyWhenHistoryIsPrivate) {
  RpcApiOptions o = FixedClock();
  o.private_history = true;
  TestNode node(o);
  node.Commit({node.Tx("compliance", FreezeAccount{Addr("bob")}, "case 7")});
  auto auth = [&](std::string_view who) {
    const Address signer = Addr(who);
    PrivateKey k = contracts::DevKey(who);
    Signature sig = k.Sign(ReadRequestDigest("audit_list", signer, Address{}, kNow));
    return R"({"auth":{"signer":")" + signer.ToString() + R"(","publicKey":")" +
           k.public_key().ToHex() + R"(","timestamp":)" + std::to_string(kNow) +
           R"(,"signature":")" + sig.ToHex() + R"("}})";
  };
  EXPECT_EQ(ErrorData(node.Call("audit_list"), "reason"), "auth_required");
  EXPECT_EQ(ErrorData(node.Call("audit_list", auth("alice")), "reason"), "not_authorized");
  EXPECT_EQ(ResultOf(node.Call("audit_list", auth("compliance")))["entries"].Size(), 1u);
  EXPECT_EQ(ResultOf(node.Call("audit_list", "{}", true))["entries"].Size(), 1u);
}

}  // namespace
}  // namespace corridor::node::testing

// `corridor compliance ...` against the fake node (tests/wallet/fake_node.h):
// the operations it signs, the mistakes refused before signing, the read
// commands with a signed request, and a held payment's exit code.
#include <gtest/gtest.h>

#include "chain/read_request.h"
#include "tests/wallet/fake_node.h"

namespace corridor::wallet::cli {
namespace {

using testing::CliTest;

// Whether `auth` (the params' "auth" object) is a valid signature by its
// key over a read of `method` about `subject` by `signer`.
bool AuthVerifies(const rapidjson::Value& auth, std::string_view method, const Address& signer,
                  const Address& subject) {
  if (!auth.IsObject() || !auth.HasMember("publicKey") || !auth.HasMember("signature")) {
    return false;
  }
  auto key = PublicKey::FromHex(auth["publicKey"].GetString());
  auto sig = Signature::FromHex(auth["signature"].GetString());
  if (!key.ok() || !sig.ok()) return false;
  return std::string(auth["signer"].GetString()) == signer.ToString() &&
         VerifySignature(
             *key, ReadRequestDigest(method, signer, subject, auth["timestamp"].GetUint64()), *sig);
}

class ComplianceCommands : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    chain_.SetRoles(Alice(), {"compliance"});
  }
  Operation Submitted() const { return chain_.submitted.back()->body().op; }
  std::vector<std::string> RuleSet(std::vector<std::string> extra) {
    std::vector<std::string> args = {"compliance", "rule-set", "--from", "alice", "--asset", "USD"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(ComplianceCommands, RuleSetSignsTheRuleInMinorUnits) {
  ASSERT_EQ(Run(RuleSet({"--max-amount", "1000.50", "--to-jurisdiction", "DE"})), kExitOk) << Err();
  EXPECT_EQ(Submitted(),
            Operation(AmlRuleSet{0, AmlRuleKind::kThreshold, "USD", "", "DE", 1000'50, 0, 0}));
  ASSERT_EQ(
      Run(RuleSet({"--kind", "velocity", "--window", "100", "--max-count", "5", "--rule", "3"})),
      kExitOk)
      << Err();
  EXPECT_EQ(Submitted(),
            Operation(AmlRuleSet{3, AmlRuleKind::kVelocity, "USD", "", "", 0, 5, 100}));
  ASSERT_EQ(Run({"compliance", "rule-remove", "3", "--from", "alice"}), kExitOk) << Err();
  EXPECT_EQ(Submitted(), Operation(AmlRuleRemove{3}));
}

TEST_F(ComplianceCommands, RuleMistakesAreRefusedBeforeSigning) {
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {},                                           // threshold without --max-amount
           {"--kind", "fast", "--max-amount", "1"},      // unknown kind
           {"--max-amount", "1", "--window", "5"},       // window on a threshold
           {"--kind", "velocity", "--max-amount", "1"},  // velocity without a window
           {"--kind", "velocity", "--window", "5"},      // velocity without a limit
           {"--max-amount", "1.001"},                    // more decimals than USD has
           {"--max-amount", "1", "--to-jurisdiction", "Germany"}}) {
    EXPECT_EQ(Run(RuleSet(extra)), kExitUsage) << Err();
  }
  EXPECT_TRUE(chain_.submitted.empty());
}

TEST_F(ComplianceCommands, DecisionsNeedAReasonAndTheComplianceRole) {
  ASSERT_EQ(Run({"compliance", "approve", "7", "--from", "alice", "--reason", "invoice checked"}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(HoldApprove{7, "invoice checked"}));
  ASSERT_EQ(Run({"compliance", "reject", "8", "--from", "alice", "--reason", "sanctioned"}),
            kExitOk);
  EXPECT_EQ(Submitted(), Operation(HoldReject{8, "sanctioned"}));
  EXPECT_EQ(Run({"compliance", "reject", "8", "--from", "alice"}), kExitUsage);
  EXPECT_EQ(Run({"compliance", "reject", "0", "--from", "alice", "--reason", "x"}), kExitUsage);
  const size_t before = chain_.submitted.size();
  EXPECT_EQ(Run({"compliance", "approve", "7", "--from", "bob", "--reason", "ok"}), kExitFailed);
  EXPECT_NE(Err().find("unauthorized_role"), std::string::npos) << Err();
  EXPECT_EQ(chain_.submitted.size(), before);
}

TEST_F(ComplianceCommands, HoldExpirySignsTheBlocksAndRefusesValuesTheChainWould) {
  ASSERT_EQ(Run({"compliance", "hold-expiry", "--from", "alice", "--blocks", "250"}), kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(AmlSetHoldExpiry{250}));
  ASSERT_EQ(Run({"compliance", "hold-expiry", "--from", "alice", "--blocks",
                 std::to_string(kMaxHoldExpiryBlocks)}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(AmlSetHoldExpiry{kMaxHoldExpiryBlocks}));
  const size_t before = chain_.submitted.size();
  EXPECT_EQ(Run({"compliance", "hold-expiry", "--from", "alice", "--blocks", "0"}), kExitUsage);
  ExpectOneErrorLine("--blocks must be 1 to 10000000");
  EXPECT_EQ(Run({"compliance", "hold-expiry", "--from", "alice", "--blocks",
                 std::to_string(kMaxHoldExpiryBlocks + 1)}),
            kExitUsage);
  ExpectOneErrorLine("not 10000001");
  EXPECT_EQ(Run({"compliance", "hold-expiry", "--from", "alice", "--blocks", "ten"}), kExitUsage);
  ExpectOneErrorLine("--blocks must be a non-negative integer, not 'ten'");
  EXPECT_EQ(Run({"compliance", "hold-expiry", "--from", "alice"}), kExitUsage);
  EXPECT_NE(Err().find("--blocks"), std::string::npos) << Err();
  EXPECT_EQ(Run({"compliance", "hold-expiry", "--from", "bob", "--blocks", "250"}), kExitFailed);
  ExpectOneErrorLine("unauthorized_role");
  EXPECT_EQ(chain_.submitted.size(), before);
  ASSERT_EQ(Run({"help", "compliance", "hold-expiry"}), kExitOk) << Err();
  EXPECT_NE(Out().find("usage: corridor compliance hold-expiry --blocks N"), std::string::npos)
      << Out();
}

TEST_F(ComplianceCommands, HeldSignsTheRequestWithAsKey) {
  chain_.handlers["compliance_listHeld"] = [](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
    rpc::Json r = rpc::Json::Object();
    rpc::Json holds = rpc::Json::Array();
    rpc::Json h = rpc::Json::Object();
    h.Set("holdId", uint64_t{3});
    h.Set("sender", "corr1sender");
    h.Set("receiver", "corr1receiver");
    h.Set("type", "payment");
    h.Set("lockedAmount", "5000.00");
    h.Set("lockedAsset", "USD");
    h.Set("ruleId", uint64_t{1});
    h.Set("deadlineHeight", uint64_t{10012});
    h.Set("txId", "ab12");
    holds.Push(h);
    r.Set("holds", holds);
    r.SetNull("nextCursor");
    return r;
  };
  ASSERT_EQ(Run({"compliance", "held", "--as", "alice"}), kExitOk) << Err();
  EXPECT_NE(Out().find("5000.00 USD"), std::string::npos) << Out();
  EXPECT_TRUE(AuthVerifies(chain_.params.back().value()["auth"], "compliance_listHeld", Alice(),
                           Address{}));
  // Without --as no auth is sent (admin from the node's loopback).
  ASSERT_EQ(Run({"compliance", "held"}), kExitOk) << Err();
  EXPECT_FALSE(chain_.params.back().value().HasMember("auth"));
}

TEST_F(ComplianceCommands, AuditSendsTheFiltersAndPrintsTheTrail) {
  chain_.handlers["audit_list"] = [](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
    rpc::Json r = rpc::Json::Object();
    rpc::Json entries = rpc::Json::Array();
    rpc::Json e = rpc::Json::Object();
    e.Set("height", uint64_t{41});
    e.Set("timestamp", uint64_t{1735689600000});
    e.Set("type", "freeze_account");
    e.Set("status", "failed");
    e.Set("codeName", "unauthorized_role");
    e.Set("author", "corr1author");
    e.Set("memo", "case 7: sanctions match");
    e.Set("txId", "ab12");
    entries.Push(e);
    r.Set("entries", entries);
    r.Set("nextCursor", "41:0");
    return r;
  };
  ASSERT_EQ(Run({"audit", "--type", "freeze,hold_approve", "--author", "bob", "--status", "failed",
                 "--from-time", "1735689600000", "--limit", "5", "--as", "alice"}),
            kExitOk)
      << Err();
  EXPECT_NE(Out().find("failed (unauthorized_role)"), std::string::npos) << Out();
  EXPECT_NE(Out().find("case 7: sanctions match"), std::string::npos) << Out();
  EXPECT_NE(Out().find("next-cursor 41:0"), std::string::npos) << Out();
  const auto& p = chain_.params.back().value();
  ASSERT_EQ(p["type"].Size(), 2u);
  EXPECT_EQ(std::string(p["type"][0].GetString()), "freeze");
  EXPECT_EQ(std::string(p["type"][1].GetString()), "hold_approve");
  EXPECT_EQ(std::string(p["author"].GetString()), Bob().ToString());
  EXPECT_EQ(std::string(p["status"].GetString()), "failed");
  EXPECT_EQ(p["fromTime"].GetUint64(), 1735689600000u);
  EXPECT_EQ(p["limit"].GetUint64(), 5u);
  EXPECT_TRUE(AuthVerifies(p["auth"], "audit_list", Alice(), Address{}));

  const size_t calls = chain_.params.size();
  EXPECT_EQ(Run({"audit", "--status", "held"}), kExitUsage);
  EXPECT_NE(Err().find("--status must be committed or failed"), std::string::npos) << Err();
  EXPECT_EQ(Run({"audit", "--type", ","}), kExitUsage);
  EXPECT_EQ(Run({"audit", "--limit", "0"}), kExitUsage);
  EXPECT_EQ(chain_.params.size(), calls) << "refused before calling the node";
}

TEST_F(ComplianceCommands, HistoryAndStatementSignWithAsKeyForTheAccount) {
  ASSERT_EQ(Run({"history", "bob", "--as", "bob"}), kExitOk) << Err();
  EXPECT_TRUE(
      AuthVerifies(chain_.params.back().value()["auth"], "account_getHistory", Bob(), Bob()));
  chain_.handlers["account_getStatement"] = [](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
    rpc::Json r = rpc::Json::Object();
    r.Set("entries", rpc::Json::Array());
    r.SetNull("nextCursor");
    r.Set("openingBalance", "5.00");
    r.Set("closingBalance", "5.00");
    r.Set("reconciled", true);
    return r;
  };
  ASSERT_EQ(Run({"statement", "bob", "--asset", "USD", "--from-time", "2026-01-01", "--to-time",
                 "2026-01-02", "--as", "bob"}),
            kExitOk)
      << Err();
  EXPECT_TRUE(
      AuthVerifies(chain_.params.back().value()["auth"], "account_getStatement", Bob(), Bob()));
}

TEST_F(ComplianceCommands, AHeldPaymentExitsWithThree) {
  chain_.handlers["chain_getTransaction"] = [](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
    rpc::Json r = rpc::Json::Object();
    r.Set("id", p.value()["id"].GetString());
    r.Set("status", "held");
    rpc::Json rc = rpc::Json::Object();
    rc.Set("height", uint64_t{11});
    rc.Set("code", uint64_t{360});
    rc.Set("codeName", "held");
    r.Set("receipt", rc);
    rpc::Json h = rpc::Json::Object();
    h.Set("holdId", uint64_t{3});
    h.Set("status", "open");
    r.Set("hold", h);
    return r;
  };
  EXPECT_EQ(
      Run({"pay", "--from", "alice", "--to", "bob", "--asset", "USD", "--amount", "5", "--wait"}),
      kExitHeld);
  EXPECT_NE(Out().find("hold    3 open"), std::string::npos) << Out();
  EXPECT_NE(Err().find("is held for compliance review (hold 3, open)"), std::string::npos) << Err();
}

}  // namespace
}  // namespace corridor::wallet::cli

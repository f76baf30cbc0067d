// Issue 8 on a real local network (four corridord processes): a large payment
// is held by an AML rule and approved by compliance, another is held and
// rejected (refunded); then the admin halts the network, resumes it, the
// recovery window refuses ordinary payments, and the network opens again.
// Every outcome is read through RPC on every validator, and audit_list on
// every validator lists each of these actions with its author and reason.
#include <gtest/gtest.h>

#include <tuple>

#include "cluster_fixture.h"

namespace corridor {
namespace {

Address Dev(std::string_view name) {
  return Address::FromPublicKey(contracts::DevKey(name).public_key());
}

rpc::Json Params1(const char* key, const std::string& value) {
  rpc::Json p = rpc::Json::Object();
  p.Set(key, value);
  return p;
}

class ComplianceCluster : public Cluster {
 protected:
  // Submits one operation and waits until every validator has it in a block;
  // returns its id.
  static std::string SubmitAndWait(const std::string& from, uint64_t& nonce, Operation op,
                                   std::string memo = "") {
    const std::string id = SubmitOp(nonce % kNodes, from, nonce, std::move(op), std::move(memo));
    ++nonce;
    for (size_t n = 0; n < kNodes; ++n) {
      std::string status;
      EXPECT_TRUE(WaitUntil(
          [&] {
            status = TxStatus(n, id);
            return status != "pending" && status != "unknown" && !status.empty();
          },
          60s))
          << from << " nonce " << nonce - 1 << " on validator-" << n + 1 << ": " << status;
    }
    return id;
  }

  // The transaction's status and receipt code name, the same on every node.
  static std::pair<std::string, std::string> Outcome(const std::string& id) {
    std::pair<std::string, std::string> first;
    for (size_t n = 0; n < kNodes; ++n) {
      auto r = Call(n, "chain_getTransaction", Params1("id", id));
      EXPECT_TRUE(r.has_value());
      if (!r) continue;
      std::pair<std::string, std::string> got{r->value()["status"].GetString(),
                                              r->value()["receipt"]["codeName"].GetString()};
      if (n == 0) first = got;
      EXPECT_EQ(got, first) << id << " on validator-" << n + 1;
    }
    return first;
  }

  // The hold of held transaction `id` as validator `n` reports it.
  static std::string HoldField(size_t n, const std::string& id, const char* field) {
    auto r = Call(n, "chain_getTransaction", Params1("id", id));
    if (!r || !r->value().HasMember("hold")) return "";
    const auto& v = r->value()["hold"][field];
    return v.IsString() ? v.GetString() : std::to_string(v.GetUint64());
  }

  static std::string Available(size_t node, const Address& a, const std::string& asset,
                               const char* which = "available") {
    auto r = Call(node, "account_get", Params1("address", a.ToString()));
    if (!r) return "";
    for (const auto& b : r->value()["balances"].GetArray()) {
      if (asset == b["asset"].GetString()) return b[which].GetString();
    }
    return "0";
  }

  static std::string Phase(size_t n) {
    auto r = Call(n, "governance_getStatus", rpc::Json::Object());
    if (!r) return "";
    return r->value()["network"]["phase"].GetString();
  }
};

TEST_F(ComplianceCluster, HoldApproveRejectThenHaltResumeRecoveryWindow) {
  uint64_t compliance = 0, alice = 0, admin = 0;
  // Payments of USD above 1,000.00 are held for review.
  AmlRuleSet rule;
  rule.kind = AmlRuleKind::kThreshold;
  rule.asset = "USD";
  rule.max_amount = 1'000'00;
  EXPECT_EQ(Outcome(SubmitAndWait("compliance", compliance, rule, "policy AML-7")).first,
            "committed");

  // 1. A large payment is held, its funds locked; compliance approves it.
  const std::string alice_usd = Available(0, Dev("alice"), "USD");
  const std::string bob_usd = Available(0, Dev("bob"), "USD");
  const std::string big = SubmitAndWait("alice", alice, Payment{Dev("bob"), "USD", 5'000'00});
  EXPECT_EQ(Outcome(big).first, "held");
  const std::string hold1 = HoldField(0, big, "holdId");
  ASSERT_FALSE(hold1.empty());
  for (size_t n = 0; n < kNodes; ++n) {
    EXPECT_EQ(Available(n, Dev("alice"), "USD", "locked"), "5000.00") << "validator-" << n + 1;
    EXPECT_EQ(Available(n, Dev("bob"), "USD"), bob_usd) << "validator-" << n + 1;
  }
  const std::string approve = SubmitAndWait(
      "compliance", compliance, HoldApprove{std::stoull(hold1), "source of funds documented"});
  EXPECT_EQ(Outcome(approve).first, "committed");
  for (size_t n = 0; n < kNodes; ++n) {
    EXPECT_EQ(HoldField(n, big, "status"), "approved") << "validator-" << n + 1;
    EXPECT_EQ(Available(n, Dev("alice"), "USD", "locked"), "0.00") << "validator-" << n + 1;
  }
  const std::string bob_after = Available(0, Dev("bob"), "USD");
  EXPECT_NE(bob_after, bob_usd);
  for (size_t n = 1; n < kNodes; ++n) EXPECT_EQ(Available(n, Dev("bob"), "USD"), bob_after);

  // 2. Another is held and rejected: alice gets the 2,000.00 back.
  const std::string alice_mid = Available(0, Dev("alice"), "USD");
  const std::string second = SubmitAndWait("alice", alice, Payment{Dev("bob"), "USD", 2'000'00});
  EXPECT_EQ(Outcome(second).first, "held");
  const std::string hold2 = HoldField(0, second, "holdId");
  ASSERT_FALSE(hold2.empty());
  EXPECT_NE(hold2, hold1);
  const std::string reject = SubmitAndWait(
      "compliance", compliance, HoldReject{std::stoull(hold2), "counterparty not verified"});
  EXPECT_EQ(Outcome(reject).first, "committed");
  for (size_t n = 0; n < kNodes; ++n) {
    EXPECT_EQ(HoldField(n, second, "status"), "rejected") << "validator-" << n + 1;
    EXPECT_EQ(Available(n, Dev("alice"), "USD"), alice_mid) << "validator-" << n + 1;
    EXPECT_EQ(Available(n, Dev("bob"), "USD"), bob_after) << "validator-" << n + 1;
  }
  EXPECT_NE(alice_usd, alice_mid);

  // 3. Halt: an ordinary payment is included and fails with network_halted.
  EXPECT_EQ(Outcome(SubmitAndWait("admin", admin, SetRecoveryWindow{40}, "runbook R-3")).first,
            "committed");
  EXPECT_EQ(
      Outcome(SubmitAndWait("admin", admin, HaltNetwork{}, "incident 42: custody outage")).first,
      "committed");
  for (size_t n = 0; n < kNodes; ++n) EXPECT_EQ(Phase(n), "halted") << "validator-" << n + 1;
  EXPECT_EQ(Outcome(SubmitAndWait("alice", alice, Payment{Dev("bob"), "USD", 1'00})),
            (std::pair<std::string, std::string>{"failed", "network_halted"}));

  // 4. Resume: the recovery window refuses payments...
  EXPECT_EQ(Outcome(SubmitAndWait("admin", admin, ResumeNetwork{}, "incident 42 resolved")).first,
            "committed");
  auto status = Call(0, "governance_getStatus", rpc::Json::Object());
  ASSERT_TRUE(status.has_value());
  const uint64_t open_from = status->value()["network"]["openFromHeight"].GetUint64();
  EXPECT_EQ(Outcome(SubmitAndWait("alice", alice, Payment{Dev("bob"), "USD", 1'00})),
            (std::pair<std::string, std::string>{"failed", "recovery_window"}));

  // 5. ...and from openFromHeight on, the network is open again.
  for (size_t n = 0; n < kNodes; ++n) {
    EXPECT_TRUE(WaitUntil([&] { return Height(n).value_or(0) + 1 >= open_from; }, 60s));
    EXPECT_TRUE(WaitUntil([&] { return Phase(n) == "open"; }, 30s)) << "validator-" << n + 1;
  }
  EXPECT_EQ(Outcome(SubmitAndWait("alice", alice, Payment{Dev("bob"), "USD", 1'00})).first,
            "committed");
  ExpectAgreement();

  // 6. The audit trail on every validator: each action, newest first, with
  //    its author and reason; the payments are not in it.
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"resume_network", "admin", "incident 42 resolved"},
      {"halt_network", "admin", "incident 42: custody outage"},
      {"set_recovery_window", "admin", "runbook R-3"},
      {"hold_reject", "compliance", ""},
      {"hold_approve", "compliance", ""},
      {"aml_rule_set", "compliance", "policy AML-7"}};
  for (size_t n = 0; n < kNodes; ++n) {
    auto r = Call(n, "audit_list", rpc::Json::Object());
    ASSERT_TRUE(r.has_value()) << "validator-" << n + 1;
    const auto& entries = r->value()["entries"];
    ASSERT_GE(entries.Size(), expected.size()) << "validator-" << n + 1;
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto& [type, author, memo] = expected[i];
      EXPECT_EQ(entries[i]["type"].GetString(), type) << "validator-" << n + 1 << " entry " << i;
      EXPECT_EQ(entries[i]["author"].GetString(), Dev(author).ToString()) << type;
      EXPECT_EQ(entries[i]["memo"].GetString(), memo) << type;
      EXPECT_EQ(entries[i]["status"].GetString(), std::string("committed")) << type;
    }
    EXPECT_EQ(entries[3]["operation"]["reason"].GetString(),
              std::string("counterparty not verified"));
    EXPECT_EQ(entries[4]["operation"]["reason"].GetString(),
              std::string("source of funds documented"));
  }
}

}  // namespace
}  // namespace corridor

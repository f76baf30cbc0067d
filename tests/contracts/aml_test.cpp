// Anti-money-laundering rules and the review queue (issue 8; docs/state.md
// §3.14): each rule type, jurisdiction pairs, velocity windows at their
// boundary heights, holds approved / rejected / expired (exactly at the
// deadline), fx payments held and approved, activity records, every failure
// code of the compliance operations.
#include <gtest/gtest.h>

#include "contracts/aml_state.h"
#include "contracts/escrow_state.h"
#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

constexpr uint64_t kAliceUsd = 1'000'000'00;

// Dev genesis plus a liquidity provider, and carol (SG) with USD.
GenesisDoc AmlGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  GenesisAccount lp;
  lp.address = Addr("fx-lp");
  lp.kyc_level = 3;
  lp.jurisdiction = "SG";
  lp.roles = {Role::kLiquidityProvider};
  doc.accounts.push_back(lp);
  GenesisAccount carol = lp;
  carol.address = Addr("carol");
  carol.roles = {};
  doc.accounts.push_back(carol);
  doc.balances.push_back({Addr("fx-lp"), "USD", 1'000'000'00});
  doc.balances.push_back({Addr("fx-lp"), "EUR", 1'000'000'00});
  doc.balances.push_back({Addr("carol"), "USD", 1'000'00});
  return doc;
}

AmlRuleSet Threshold(std::string asset, uint64_t max, std::string from = "", std::string to = "") {
  AmlRuleSet r;
  r.kind = AmlRuleKind::kThreshold;
  r.asset = std::move(asset);
  r.from_jurisdiction = std::move(from);
  r.to_jurisdiction = std::move(to);
  r.max_amount = max;
  return r;
}

AmlRuleSet Velocity(std::string asset, uint64_t window, uint64_t max_total, uint64_t max_count) {
  AmlRuleSet r;
  r.kind = AmlRuleKind::kVelocity;
  r.asset = std::move(asset);
  r.max_amount = max_total;
  r.max_count = max_count;
  r.window_blocks = window;
  return r;
}

Payment PayBob(uint64_t amount, std::string asset = "USD") {
  return Payment{Addr("bob"), std::move(asset), amount};
}

class AmlTest : public ::testing::Test {
 protected:
  TestChain chain{AmlGenesis()};

  // Sets a rule as compliance and returns its id (from the event).
  uint64_t SetRule(const AmlRuleSet& op) {
    auto receipts = chain.Commit({chain.Tx("compliance", op, "AML policy 2026-1")});
    EXPECT_EQ(receipts.at(0).code, 0) << NameOf(static_cast<RC>(receipts.at(0).code));
    return receipts.at(0).events.at(0).detail;
  }
  // Sends `op` from `who` in a block of its own; returns the receipt.
  Receipt Send(std::string_view who, Operation op) {
    auto receipts = chain.Commit({chain.Tx(who, std::move(op))});
    return receipts.at(0);
  }
  // A payment that must be held; returns the hold id.
  uint64_t HoldOf(std::string_view who, Operation op) {
    Receipt r = Send(who, std::move(op));
    EXPECT_EQ(r.code, static_cast<uint16_t>(RC::kHeld)) << NameOf(static_cast<RC>(r.code));
    if (r.events.empty()) return 0;
    EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kPaymentHeld));
    return r.events[0].detail;
  }
  Hold GetHold(uint64_t id) { return *ReadHold(chain.store().state(), id); }
  std::vector<ActivityRecord> Records() {
    std::vector<ActivityRecord> out;
    for (uint64_t id = 1;; ++id) {
      auto a = ReadActivityRecord(chain.store().state(), id);
      if (!a) return out;
      out.push_back(*a);
    }
  }
  void EmptyBlocksUntil(uint64_t height) {
    while (chain.height() < height) chain.Commit({});
  }
  size_t OpenHolds() { return chain.store().state().ScanPrefix(HoldDeadlinePrefix(), 100).size(); }
};

TEST(AmlOpsTest, EncodingRoundTripsAndIsBounded) {
  AmlRuleSet rule = Threshold("USD", 500, "US", "DE");
  rule.rule_id = 7;
  for (Operation op : {Operation(rule), Operation(Velocity("EUR", 100, 0, 5)),
                       Operation(AmlRuleRemove{3}), Operation(HoldApprove{4, "documents checked"}),
                       Operation(HoldReject{5, "sanctioned"}), Operation(AmlSetHoldExpiry{20})}) {
    Writer w;
    EncodeOperation(w, op);
    Reader r(w.data());
    Operation back;
    ASSERT_TRUE(DecodeOperation(r, back)) << r.error().ToString();
    EXPECT_EQ(back, op);
    for (size_t n = 0; n < w.data().size(); ++n) {
      Reader t(ByteSpan(w.data().data(), n));
      Operation o;
      EXPECT_FALSE(DecodeOperation(t, o)) << NameOf(op) << " cut at " << n;
    }
  }
  // Unknown rule kind, a 3-byte jurisdiction, a reason over 256 bytes.
  AmlRuleSet bad = Threshold("USD", 1);
  bad.kind = static_cast<AmlRuleKind>(3);
  Writer w;
  EncodeOperation(w, bad);
  Reader r(w.data());
  Operation o;
  EXPECT_FALSE(DecodeOperation(r, o));
  EXPECT_EQ(r.error().code, "bad_rule_kind");
  for (Operation op :
       {Operation(Threshold("USD", 1, "USA")), Operation(HoldReject{1, std::string(257, 'x')})}) {
    Writer w2;
    EncodeOperation(w2, op);
    Reader r2(w2.data());
    EXPECT_FALSE(DecodeOperation(r2, o));
    EXPECT_EQ(r2.error().code, "length_too_large");
  }
  EXPECT_EQ(OpTypeName(OpType::kAmlRuleSet), "aml_rule_set");
  EXPECT_EQ(OpTypeName(OpType::kHoldReject), "hold_reject");
}

TEST_F(AmlTest, MalformedRulesAndDecisionsAreBadField) {
  AmlRuleSet lower = Threshold("USD", 1, "us");
  AmlRuleSet threshold_with_window = Threshold("USD", 1);
  threshold_with_window.window_blocks = 5;
  AmlRuleSet threshold_with_count = Threshold("USD", 1);
  threshold_with_count.max_count = 2;
  for (Operation op :
       {Operation(lower), Operation(threshold_with_window), Operation(threshold_with_count),
        Operation(Velocity("USD", 0, 100, 0)), Operation(Velocity("USD", 10, 0, 0)),
        Operation(Velocity("USD", kMaxVelocityWindowBlocks + 1, 1, 0)), Operation(AmlRuleRemove{0}),
        Operation(HoldApprove{0, "ok"}), Operation(HoldApprove{1, ""}),
        Operation(HoldReject{1, "tab\there"}), Operation(AmlSetHoldExpiry{0}),
        Operation(AmlSetHoldExpiry{kMaxHoldExpiryBlocks + 1})}) {
    EXPECT_EQ(chain.Check(chain.Tx("compliance", op)), RC::kBadField) << NameOf(op);
  }
}

TEST_F(AmlTest, OnlyComplianceSetsRulesAndDecides) {
  for (Operation op : {Operation(Threshold("USD", 1)), Operation(AmlRuleRemove{1}),
                       Operation(HoldApprove{1, "ok"}), Operation(HoldReject{1, "no"}),
                       Operation(AmlSetHoldExpiry{5})}) {
    EXPECT_EQ(chain.Run("admin", op), RC::kUnauthorizedRole) << NameOf(op);
  }
  EXPECT_EQ(chain.Run("compliance", Threshold("XYZ", 1)), RC::kUnknownAsset);
  AmlRuleSet replace = Threshold("USD", 1);
  replace.rule_id = 99;
  EXPECT_EQ(chain.Run("compliance", replace), RC::kRuleNotFound);
  EXPECT_EQ(chain.Run("compliance", AmlRuleRemove{99}), RC::kRuleNotFound);
  EXPECT_EQ(chain.Run("compliance", HoldApprove{99, "ok"}), RC::kHoldNotFound);
  EXPECT_EQ(chain.Run("compliance", HoldReject{99, "no"}), RC::kHoldNotFound);
  EXPECT_EQ(chain.Run("compliance", AmlSetHoldExpiry{kDefaultHoldExpiryBlocks}), RC::kNoChange);
}

TEST_F(AmlTest, RulesAreStoredPerAssetReplacedAndRemoved) {
  const uint64_t a = SetRule(Threshold("USD", 100));
  const uint64_t b = SetRule(Velocity("EUR", 10, 500, 0));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  auto usd = ReadAmlRules(chain.store().state(), "USD");
  ASSERT_EQ(usd.size(), 1u);
  EXPECT_EQ(usd[0].max_amount, 100u);
  EXPECT_EQ(usd[0].set_by, Addr("compliance"));
  // Replacing rule 1 with a EUR rule moves it between the assets' lists.
  AmlRuleSet moved = Threshold("EUR", 300);
  moved.rule_id = a;
  EXPECT_EQ(SetRule(moved), a);
  EXPECT_TRUE(ReadAmlRules(chain.store().state(), "USD").empty());
  auto eur = ReadAmlRules(chain.store().state(), "EUR");
  ASSERT_EQ(eur.size(), 2u);
  EXPECT_EQ(eur[0].id, a);
  EXPECT_EQ(eur[1].id, b);
  EXPECT_EQ(ReadAmlRule(chain.store().state(), a)->max_amount, 300u);
  ASSERT_EQ(chain.Run("compliance", AmlRuleRemove{b}), RC::kSuccess);
  EXPECT_FALSE(ReadAmlRule(chain.store().state(), b).has_value());
  EXPECT_EQ(ReadAmlRules(chain.store().state(), "EUR").size(), 1u);
  EXPECT_EQ(chain.Run("compliance", AmlRuleRemove{b}), RC::kRuleNotFound);
}

TEST_F(AmlTest, AtMost64RulesPerAsset) {
  std::vector<TransactionPtr> txs;
  TxBody body = chain.Body(Addr("compliance"), Threshold("USD", 1));
  PrivateKey k = DevKey("compliance");
  for (uint64_t i = 0; i < kMaxRulesPerAsset; ++i) {
    body.op = Threshold("USD", 1000 + i);
    txs.push_back(Transaction::Sign(body, {&k}));
    body.nonce += 1;
  }
  for (const Receipt& r : chain.Commit(txs)) EXPECT_EQ(r.code, 0);
  EXPECT_EQ(chain.Run("compliance", Threshold("USD", 1)), RC::kTooManyRules);
  EXPECT_EQ(chain.Run("compliance", Threshold("EUR", 1)), RC::kSuccess);
}

TEST_F(AmlTest, ThresholdHoldsAboveTheAmountAndLocksTheFunds) {
  const uint64_t rule = SetRule(Threshold("USD", 1000'00));
  // Exactly the threshold passes.
  EXPECT_EQ(chain.Run("alice", PayBob(1000'00)), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 1000'00u);
  // One minor unit above is held: nonce consumed, funds locked, nothing paid.
  const uint64_t nonce = chain.NextNonce(Addr("alice"));
  auto tx = chain.Tx("alice", PayBob(1000'01), "invoice 9");
  Receipt r = chain.Commit({tx}).at(0);
  ASSERT_EQ(r.code, static_cast<uint16_t>(RC::kHeld));
  EXPECT_EQ(NameOf(RC::kHeld), "held");
  EXPECT_EQ(ClassOf(RC::kHeld), ResultClass::kHeld);
  EXPECT_EQ(chain.NextNonce(Addr("alice")), nonce + 1);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 2000'01, 1000'01}));
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 1000'00u);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kPaymentHeld));
  EXPECT_EQ(r.events[0].account, Addr("alice"));
  EXPECT_TRUE(r.events[0].counterparty.IsZero()) << "the receiver is not told";
  EXPECT_EQ(r.events[0].amount, 1000'01u);
  EXPECT_EQ(r.events[1].type, static_cast<uint16_t>(EventType::kAmlRuleTripped));
  EXPECT_EQ(r.events[1].detail, rule);

  const uint64_t id = r.events[0].detail;
  EXPECT_EQ(ReadHoldIdOfTx(chain.store().state(), tx->id()), id);
  Hold h = GetHold(id);
  EXPECT_EQ(h.status, HoldStatus::kOpen);
  EXPECT_EQ(h.sender, Addr("alice"));
  EXPECT_EQ(h.receiver, Addr("bob"));
  EXPECT_EQ(h.rule_id, rule);
  EXPECT_EQ(h.tx_id, tx->id());
  EXPECT_EQ(h.deadline_height, chain.height() + kDefaultHoldExpiryBlocks);
  EXPECT_EQ(h.op, Operation(PayBob(1000'01)));
  auto records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, ActivityKind::kHeld);
  EXPECT_EQ(records[0].subject, Addr("alice"));
  EXPECT_EQ(records[0].counterparty, Addr("bob"));
  EXPECT_EQ(records[0].tx_id, tx->id());
  EXPECT_EQ(records[0].reason, "threshold rule 1: amount 100001 above 100000");
  // Another asset has no rule.
  EXPECT_EQ(chain.Run("bob", Payment{Addr("alice"), "EUR", 5000'00}), RC::kSuccess);
}

TEST_F(AmlTest, AFailingPaymentFailsRatherThanBeingHeld) {
  SetRule(Threshold("USD", 1));
  EXPECT_EQ(chain.Run("carol", PayBob(1'000'01)), RC::kInsufficientBalance);
  EXPECT_EQ(chain.Run("carol", Payment{Addr("nobody"), "USD", 5}), RC::kUnknownAccount);
  EXPECT_EQ(OpenHolds(), 0u);
  EXPECT_EQ(chain.BalanceOf("carol", "USD"), (Balance{1'000'00, 0}));
}

TEST_F(AmlTest, JurisdictionPairsSelectThePayments) {
  // alice is US, bob DE, carol SG.
  SetRule(Threshold("USD", 10, "US", "SG"));
  EXPECT_EQ(chain.Run("alice", PayBob(11)), RC::kSuccess);  // US -> DE: not this pair
  EXPECT_EQ(chain.Run("alice", Payment{Addr("carol"), "USD", 11}), RC::kHeld);
  SetRule(Threshold("USD", 10, "", "DE"));  // anyone -> DE
  EXPECT_EQ(chain.Run("alice", PayBob(11)), RC::kHeld);
  EXPECT_EQ(chain.Run("carol", PayBob(11)), RC::kHeld);
  EXPECT_EQ(chain.Run("carol", PayBob(10)), RC::kSuccess);
  SetRule(Threshold("USD", 10, "SG", ""));  // SG -> anyone
  EXPECT_EQ(chain.Run("carol", Payment{Addr("alice"), "USD", 11}), RC::kHeld);
  EXPECT_EQ(chain.Run("bob", Payment{Addr("alice"), "EUR", 11}), RC::kSuccess);
}

TEST_F(AmlTest, VelocityTotalCountsWithinAWindowAndResetsAtItsBoundary) {
  const uint64_t rule = SetRule(Velocity("USD", 10, 1000, 0));
  // Window [10, 19], then [20, 29].
  EmptyBlocksUntil(17);
  EXPECT_EQ(chain.Run("alice", PayBob(600)), RC::kSuccess);  // height 18
  EXPECT_EQ(chain.Run("alice", PayBob(400)), RC::kSuccess);  // height 19: total 1000, the limit
  VelocityCounter c = ReadVelocityCounter(chain.store().state(), Addr("alice"), rule);
  EXPECT_EQ(c, (VelocityCounter{10, 1000, 2}));
  // Still height 19 would exceed; test it at 19 with a second block? Each
  // Run is its own block, so the next is height 20: a new window.
  EXPECT_EQ(chain.height(), 19u);
  EXPECT_EQ(chain.Run("alice", PayBob(1000)), RC::kSuccess);  // height 20
  c = ReadVelocityCounter(chain.store().state(), Addr("alice"), rule);
  EXPECT_EQ(c, (VelocityCounter{20, 1000, 1}));
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kHeld);  // height 21: 1001
  // A held payment does not count; another sender has its own counter.
  EXPECT_EQ(ReadVelocityCounter(chain.store().state(), Addr("alice"), rule).total, 1000u);
  EXPECT_EQ(chain.Run("carol", PayBob(1000)), RC::kSuccess);
  EmptyBlocksUntil(29);
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kSuccess);  // height 30: the next window
}

TEST_F(AmlTest, VelocityAtTheLastHeightOfAWindow) {
  SetRule(Velocity("USD", 10, 1000, 0));
  EmptyBlocksUntil(18);
  // Two payments in block 19, the window's last height: the second exceeds.
  TxBody body = chain.Body(Addr("alice"), PayBob(700));
  PrivateKey k = DevKey("alice");
  auto first = Transaction::Sign(body, {&k});
  body.nonce += 1;
  body.op = PayBob(301);
  auto second = Transaction::Sign(body, {&k});
  auto receipts = chain.Commit({first, second});
  ASSERT_EQ(chain.height(), 19u);
  EXPECT_EQ(receipts.at(0).code, 0);
  EXPECT_EQ(receipts.at(1).code, static_cast<uint16_t>(RC::kHeld));
  EXPECT_NE(Records().at(0).reason.find("total 1001 above 1000 in the window from height 10"),
            std::string::npos)
      << Records().at(0).reason;
}

TEST_F(AmlTest, VelocityCountLimitsTheNumberOfPayments) {
  const uint64_t rule = SetRule(Velocity("USD", 5, 0, 2));  // windows [5,9], [10,14]
  EmptyBlocksUntil(6);
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kSuccess);  // 7
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kSuccess);  // 8
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kHeld);     // 9: the third
  EXPECT_EQ(chain.Run("alice", PayBob(1)), RC::kSuccess);  // 10: next window
  EXPECT_EQ(Records().at(0).rule_id, rule);
  EXPECT_NE(Records().at(0).reason.find("transaction 3 above 2"), std::string::npos);
}

TEST_F(AmlTest, ApproveAppliesThePaymentWithEvents) {
  const uint64_t rule = SetRule(Threshold("USD", 100));
  const uint64_t vel = SetRule(Velocity("USD", 1000, 0, 100));
  const uint64_t id = HoldOf("alice", PayBob(500));
  EXPECT_EQ(chain.Run("alice", PayBob(50)), RC::kSuccess);
  Receipt r = Send("compliance", HoldApprove{id, "invoice verified"});
  ASSERT_EQ(r.code, 0) << NameOf(static_cast<RC>(r.code));
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kHoldApproved));
  EXPECT_EQ(r.events[0].account, Addr("alice"));
  EXPECT_EQ(r.events[0].counterparty, Addr("compliance"));
  EXPECT_EQ(r.events[0].detail, id);
  EXPECT_EQ(r.events[1].type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(r.events[1].account, Addr("alice"));
  EXPECT_EQ(r.events[1].counterparty, Addr("bob"));
  EXPECT_EQ(r.events[1].amount, 500u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 550, 0}));
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 550u);
  Hold h = GetHold(id);
  EXPECT_EQ(h.status, HoldStatus::kApproved);
  EXPECT_EQ(h.decided_by, Addr("compliance"));
  EXPECT_EQ(h.decided_height, chain.height());
  EXPECT_EQ(h.reason, "invoice verified");
  EXPECT_EQ(h.rule_id, rule);
  EXPECT_EQ(OpenHolds(), 0u);
  // The approved payment counts in the sender's velocity window.
  EXPECT_EQ(ReadVelocityCounter(chain.store().state(), Addr("alice"), vel).count, 2u);
  // Decided once only; an approval is not an activity record.
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "again"}), RC::kHoldClosed);
  EXPECT_EQ(chain.Run("compliance", HoldReject{id, "too late"}), RC::kHoldClosed);
  EXPECT_EQ(Records().size(), 1u);
}

TEST_F(AmlTest, ApprovalFailsAndTheHoldStaysWhenThePaymentCannotApply) {
  SetRule(Threshold("USD", 100));
  const uint64_t id = HoldOf("alice", PayBob(500));
  ASSERT_EQ(chain.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "ok"}), RC::kReceiverFrozen);
  EXPECT_EQ(GetHold(id).status, HoldStatus::kOpen);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 500, 500}));
  ASSERT_EQ(chain.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kSuccess);
  ASSERT_EQ(chain.Run("compliance", FreezeAccount{Addr("alice")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "ok"}), RC::kSenderFrozen);
  ASSERT_EQ(chain.Run("compliance", UnfreezeAccount{Addr("alice")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "ok"}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 500u);
}

TEST_F(AmlTest, RejectReturnsTheFundsAndRecordsIt) {
  SetRule(Threshold("USD", 100));
  const uint64_t id = HoldOf("alice", PayBob(500));
  auto reject = chain.Tx("compliance", HoldReject{id, "counterparty on a sanctions list"});
  Receipt r = chain.Commit({reject}).at(0);
  ASSERT_EQ(r.code, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kHoldRejected));
  EXPECT_EQ(r.events[0].amount, 500u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd, 0}));
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 0u);
  EXPECT_EQ(GetHold(id).status, HoldStatus::kRejected);
  auto records = Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].kind, ActivityKind::kRejected);
  EXPECT_EQ(records[1].author, Addr("compliance"));
  EXPECT_EQ(records[1].tx_id, reject->id());
  EXPECT_EQ(records[1].reason, "counterparty on a sanctions list");
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "changed my mind"}), RC::kHoldClosed);
}

TEST_F(AmlTest, HoldExpiresExactlyAtItsDeadline) {
  ASSERT_EQ(chain.Run("compliance", AmlSetHoldExpiry{5}), RC::kSuccess);
  SetRule(Threshold("USD", 100));
  const uint64_t early = HoldOf("alice", PayBob(300));
  const uint64_t late = HoldOf("alice", PayBob(400));
  const uint64_t d = GetHold(early).deadline_height;
  EXPECT_EQ(d, GetHold(early).created_height + 5);
  EXPECT_EQ(GetHold(late).deadline_height, d + 1);
  // The block at d expires `early` before its transactions, so an approval
  // in that block finds it closed; `late` (deadline d + 1) can still be
  // approved in the same block, its last.
  EmptyBlocksUntil(d - 1);
  EXPECT_EQ(GetHold(early).status, HoldStatus::kOpen);
  TxBody body = chain.Body(Addr("compliance"), HoldApprove{early, "too late"});
  PrivateKey k = DevKey("compliance");
  auto approve_early = Transaction::Sign(body, {&k});
  body.nonce += 1;
  body.op = HoldApprove{late, "ok"};
  auto approve_late = Transaction::Sign(body, {&k});
  auto receipts = chain.Commit({approve_early, approve_late});
  ASSERT_EQ(chain.height(), d);
  EXPECT_EQ(receipts.at(0).code, static_cast<uint16_t>(RC::kHoldClosed));
  EXPECT_EQ(receipts.at(1).code, 0);
  Hold h = GetHold(early);
  EXPECT_EQ(h.status, HoldStatus::kExpired);
  EXPECT_EQ(h.decided_height, d);
  EXPECT_TRUE(h.decided_by.IsZero());
  auto system = ReadSystemEvents(chain.store().state(), d);
  ASSERT_EQ(system.size(), 1u);
  EXPECT_EQ(system[0].type, static_cast<uint16_t>(EventType::kHoldExpired));
  EXPECT_EQ(system[0].detail, early);
  EXPECT_EQ(GetHold(late).status, HoldStatus::kApproved);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 400, 0}));
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 400u);
  auto records = Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].kind, ActivityKind::kExpired);
  EXPECT_EQ(records[2].hold_id, early);
  EXPECT_EQ(records[2].height, d);
}

TEST_F(AmlTest, ApprovalAtTheLastHeightBeforeTheDeadline) {
  ASSERT_EQ(chain.Run("compliance", AmlSetHoldExpiry{3}), RC::kSuccess);
  SetRule(Threshold("USD", 100));
  const uint64_t id = HoldOf("alice", PayBob(300));
  EmptyBlocksUntil(GetHold(id).deadline_height - 2);
  EXPECT_EQ(chain.Run("compliance", HoldApprove{id, "just in time"}), RC::kSuccess);
  EXPECT_EQ(chain.height(), GetHold(id).deadline_height - 1);
  EXPECT_EQ(chain.BalanceOf("bob", "USD").available, 300u);
  EmptyBlocksUntil(GetHold(id).deadline_height + 1);
  EXPECT_EQ(GetHold(id).status, HoldStatus::kApproved);
}

TEST_F(AmlTest, FxPaymentIsScreenedOnBothLegsAndApprovedAtTheNewRate) {
  ASSERT_EQ(chain.Run("oracle", PublishRate{"USD", "EUR", 92, 100, 0, 1000}), RC::kSuccess);
  // A EUR threshold looks at what the receiver gets.
  SetRule(Threshold("EUR", 50'00));
  FxPayment fx{Addr("bob"), "USD", "EUR", 92'00, 200'00, Addr("fx-lp")};
  const uint64_t id = HoldOf("alice", fx);
  Hold h = GetHold(id);
  EXPECT_EQ(h.asset, "USD");  // the sender's outflow is locked
  EXPECT_EQ(h.amount, 100'00u);
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 100'00, 100'00}));
  EXPECT_EQ(chain.BalanceOf("fx-lp", "EUR").available, 1'000'000'00u);
  EXPECT_EQ(Records().at(0).asset, "EUR");
  EXPECT_EQ(Records().at(0).amount, 92'00u);
  // The rate moves; the approval runs the payment at the rate in force.
  ASSERT_EQ(chain.Run("oracle", PublishRate{"USD", "EUR", 80, 100, 0, 1000}), RC::kSuccess);
  Receipt r = Send("compliance", HoldApprove{id, "ok"});
  ASSERT_EQ(r.code, 0) << NameOf(static_cast<RC>(r.code));
  EXPECT_EQ(chain.BalanceOf("alice", "USD"), (Balance{kAliceUsd - 115'00, 0}));
  EXPECT_EQ(chain.BalanceOf("bob", "EUR").available, 1'000'000'00u + 92'00);
  // A USD threshold looks at what the sender pays (principal + fee).
  SetRule(Threshold("USD", 10'00));
  FxPayment small{Addr("bob"), "USD", "EUR", 8'80, 20'00, Addr("fx-lp")};
  EXPECT_EQ(chain.Run("alice", small), RC::kHeld);
  EXPECT_NE(Records().back().reason.find("amount 1100 above 1000"), std::string::npos)
      << Records().back().reason;
}

TEST_F(AmlTest, RemovingARuleStopsItButKeepsItsHolds) {
  const uint64_t rule = SetRule(Threshold("USD", 100));
  const uint64_t id = HoldOf("alice", PayBob(500));
  ASSERT_EQ(chain.Run("compliance", AmlRuleRemove{rule}), RC::kSuccess);
  EXPECT_EQ(chain.Run("alice", PayBob(500)), RC::kSuccess);
  EXPECT_EQ(GetHold(id).status, HoldStatus::kOpen);
  EXPECT_EQ(chain.Run("compliance", HoldReject{id, "no"}), RC::kSuccess);
}

TEST_F(AmlTest, ExemptOperationsAreNotScreened) {
  SetRule(Threshold("USD", 1));
  EXPECT_EQ(chain.Run("bank", Mint{Addr("alice"), "USD", 1000}), RC::kSuccess);
  EXPECT_EQ(chain.Run("alice", Burn{"USD", 1000}), RC::kSuccess);
  EscrowCreate escrow;
  escrow.to = Addr("bob");
  escrow.asset = "USD";
  escrow.amount = 500;
  escrow.deadline_height = chain.height() + 10;
  EXPECT_EQ(chain.Run("alice", escrow), RC::kSuccess);
  EXPECT_EQ(OpenHolds(), 0u);
}

}  // namespace
}  // namespace corridor::contracts

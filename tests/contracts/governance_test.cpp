// Governance (issue 8): validator set changes by proposal and approval, the
// schedule and its activation at the block start, protocol upgrades, halt /
// resume and the recovery window's allow-lists (docs/state.md §3.11-§3.13).
#include "contracts/governance.h"

#include <gtest/gtest.h>

#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

PublicKey Key(std::string_view name) {
  return DevKey(name).public_key();
}

ProposeValidatorChange Add(std::string_view validator, std::string_view op, uint64_t height) {
  return {ValidatorChangeKind::kAdd, Key(validator), PublicKey{}, Addr(op), height};
}
ProposeValidatorChange Remove(std::string_view validator, uint64_t height) {
  return {ValidatorChangeKind::kRemove, Key(validator), PublicKey{}, Address{}, height};
}
ProposeValidatorChange Rekey(std::string_view from, std::string_view to, uint64_t height) {
  return {ValidatorChangeKind::kRekey, Key(from), Key(to), Address{}, height};
}

std::vector<PublicKey> Keys(std::initializer_list<std::string_view> names) {
  std::vector<PublicKey> out;
  for (auto n : names) out.push_back(Key(n));
  return out;
}

void CommitEmptyUntil(TestChain& c, uint64_t height) {
  while (c.height() < height) c.Commit({});
}

bool HasEvent(const Receipt& r, EventType type) {
  for (const auto& e : r.events) {
    if (e.type == static_cast<uint16_t>(type)) return true;
  }
  return false;
}

// ------------------------------------------------------------ encoding

TEST(GovernanceOpsTest, EncodingsRoundTripAndTruncationsFail) {
  const std::vector<Operation> ops = {Add("validator-5", "alice", 40),
                                      Remove("validator-2", 41),
                                      Rekey("validator-1", "validator-9", 42),
                                      ApproveProposal{7},
                                      HaltNetwork{},
                                      ResumeNetwork{},
                                      ProposeUpgrade{2, 500},
                                      SetRecoveryWindow{30}};
  for (const auto& op : ops) {
    Writer w;
    EncodeOperation(w, op);
    Reader r(w.data());
    Operation back;
    ASSERT_TRUE(DecodeOperation(r, back)) << NameOf(op) << ": " << r.error().ToString();
    EXPECT_EQ(back, op);
    for (size_t n = 0; n < w.data().size(); ++n) {
      Reader t(ByteSpan(w.data().data(), n));
      Operation o;
      EXPECT_FALSE(DecodeOperation(t, o)) << NameOf(op) << " truncated to " << n;
    }
  }
  EXPECT_EQ(OpTypeName(OpType::kProposeValidatorChange), "propose_validator_change");
  EXPECT_EQ(OpTypeName(OpType::kSetRecoveryWindow), "set_recovery_window");
  // An unknown change kind is refused by the decoder.
  Writer w;
  EncodeOperation(w, Add("validator-5", "alice", 40));
  Bytes bad = w.data();
  bad[3] = 4;  // u16 type, 1-byte varint length, then the kind
  Reader r(bad);
  Operation o;
  EXPECT_FALSE(DecodeOperation(r, o));
  EXPECT_EQ(r.error().code, "bad_change_kind");
}

TEST(GovernanceOpsTest, UnusedFieldsMustBeZero) {
  TestChain c;
  const uint64_t h = 20;
  auto with_op = Remove("validator-2", h);
  with_op.operator_account = Addr("alice");
  EXPECT_EQ(c.Check(c.Tx("admin", with_op)), RC::kBadField);
  auto add_without_op = Add("validator-5", "alice", h);
  add_without_op.operator_account = Address{};
  EXPECT_EQ(c.Check(c.Tx("admin", add_without_op)), RC::kBadField);
  EXPECT_EQ(c.Check(c.Tx("admin", Rekey("validator-1", "validator-1", h))), RC::kBadField);
  EXPECT_EQ(c.Check(c.Tx("admin", ApproveProposal{0})), RC::kBadField);
  EXPECT_EQ(c.Check(c.Tx("admin", ProposeUpgrade{0, 100})), RC::kBadField);
  EXPECT_EQ(c.Check(c.Tx("admin", SetRecoveryWindow{kMaxRecoveryWindowBlocks + 1})), RC::kBadField);
}

// ------------------------------------------------------------ validator changes

TEST(ValidatorChangeTest, AdminProposalAppliesAtOnceAndActivatesAtItsHeight) {
  TestChain c;
  const auto genesis_set = Keys({"validator-1", "validator-2", "validator-3", "validator-4"});
  const uint64_t at = c.height() + 1 + kValidatorChangeDelay;  // the earliest allowed
  auto receipts =
      c.Commit({c.Tx("admin", Add("validator-5", "alice", at), "admin: add partner bank node")});
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_TRUE(HasEvent(receipts[0], EventType::kProposalCreated));
  EXPECT_TRUE(HasEvent(receipts[0], EventType::kValidatorSetScheduled));
  auto p = ReadProposal(c.store().state(), 1);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->status, ProposalStatus::kApplied);
  EXPECT_EQ(p->proposer, Addr("admin"));
  EXPECT_EQ(ReadValidatorOperator(c.store().state(), Key("validator-5")), Addr("alice"));

  auto next = genesis_set;
  next.push_back(Key("validator-5"));
  const StateView& s = c.store().state();
  EXPECT_EQ(ValidatorsAt(s, at - 1), genesis_set);
  EXPECT_EQ(ValidatorsAt(s, at), next);
  EXPECT_EQ(ValidatorsAt(s, at + 100), next);
  CommitEmptyUntil(c, at - 1);
  EXPECT_EQ(ReadValidators(c.store().state()), genesis_set);
  EXPECT_EQ(ReadValidatorSchedule(c.store().state()).entries.size(), 1u);
  c.Commit({});  // block `at`: the new set takes over at its start
  EXPECT_EQ(ReadValidators(c.store().state()), next);
  EXPECT_TRUE(ReadValidatorSchedule(c.store().state()).entries.empty());
  // The history keeps which set decided each height.
  EXPECT_EQ(ValidatorsAt(c.store().StateAt(at - 1), at), next);
  EXPECT_EQ(ReadValidators(c.store().StateAt(at - 1)), genesis_set);
}

TEST(ValidatorChangeTest, TwoThirdsOfOperatorsApprove) {
  TestChain c;
  const uint64_t at = 30;
  ASSERT_EQ(c.Run("validator-1", Remove("validator-4", at), "v1 ops: decommissioning v4"),
            RC::kSuccess);
  auto p = ReadProposal(c.store().state(), 1);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->status, ProposalStatus::kPending);
  EXPECT_EQ(p->approvals, std::vector<Address>{Addr("validator-1")});
  // 2 of 4 is not enough: ceil(2 * 4 / 3) = 3.
  ASSERT_EQ(c.Run("validator-2", ApproveProposal{1}), RC::kSuccess);
  EXPECT_EQ(ReadProposal(c.store().state(), 1)->status, ProposalStatus::kPending);
  EXPECT_TRUE(ReadValidatorSchedule(c.store().state()).entries.empty());
  auto receipts = c.Commit({c.Tx("validator-3", ApproveProposal{1})});
  ASSERT_EQ(receipts.at(0).code, 0);
  ASSERT_TRUE(HasEvent(receipts[0], EventType::kValidatorSetScheduled));
  for (const auto& e : receipts[0].events) {
    if (e.type == static_cast<uint16_t>(EventType::kProposalApproved)) {
      EXPECT_EQ(e.detail, 3u);
    }
  }
  p = ReadProposal(c.store().state(), 1);
  EXPECT_EQ(p->status, ProposalStatus::kApplied);
  EXPECT_EQ(p->applied_height, c.height());
  EXPECT_EQ(ValidatorsAt(c.store().state(), at),
            Keys({"validator-1", "validator-2", "validator-3"}));
  // Once applied it is closed.
  EXPECT_EQ(c.Run("validator-4", ApproveProposal{1}), RC::kProposalClosed);
}

TEST(ValidatorChangeTest, RekeyKeepsPlaceAndOperator) {
  TestChain c;
  const uint64_t at = 20;
  ASSERT_EQ(c.Run("admin", Rekey("validator-2", "validator-2b", at)), RC::kSuccess);
  EXPECT_EQ(ValidatorsAt(c.store().state(), at),
            Keys({"validator-1", "validator-2b", "validator-3", "validator-4"}));
  // The operator of the new key is validator-2's operator account.
  EXPECT_EQ(ReadValidatorOperator(c.store().state(), Key("validator-2b")), Addr("validator-2"));
  CommitEmptyUntil(c, at);
  // validator-2's operator still governs through the re-keyed validator.
  EXPECT_EQ(c.Run("validator-2", Remove("validator-4", at + 20)), RC::kSuccess);
}

TEST(ValidatorChangeTest, FailureCodes) {
  TestChain c;
  const uint64_t soon = c.height() + kValidatorChangeDelay;  // one block too early
  EXPECT_EQ(c.Run("alice", Add("validator-5", "alice", 50)), RC::kNotGovernor);
  EXPECT_EQ(c.Run("alice", ApproveProposal{1}), RC::kNotGovernor);
  EXPECT_EQ(c.Run("validator-1", Add("validator-5", "alice", soon)), RC::kEffectiveHeightTooSoon);
  EXPECT_EQ(c.Run("validator-1", ApproveProposal{99}), RC::kUnknownProposal);
  EXPECT_EQ(c.Run("validator-1", Add("validator-2", "alice", 50)), RC::kValidatorExists);
  EXPECT_EQ(c.Run("validator-1", Remove("validator-9", 50)), RC::kUnknownValidator);
  EXPECT_EQ(c.Run("validator-1", Rekey("validator-9", "validator-8", 50)), RC::kUnknownValidator);
  EXPECT_EQ(c.Run("validator-1", Rekey("validator-1", "validator-2", 50)), RC::kValidatorExists);

  ASSERT_EQ(c.Run("validator-1", Add("validator-5", "alice", 50)), RC::kSuccess);  // id 1
  EXPECT_EQ(c.Run("validator-1", ApproveProposal{1}), RC::kAlreadyApproved);
  // An applied change at 60 makes one at 50 conflict (it would apply under it).
  ASSERT_EQ(c.Run("admin", Remove("validator-3", 60)), RC::kSuccess);  // id 2
  EXPECT_EQ(c.Run("validator-2", ApproveProposal{1}), RC::kScheduleConflict);
  EXPECT_EQ(c.Run("validator-1", Add("validator-6", "nobody", 70)), RC::kUnknownAccount);
  // A pending proposal expires once its height is too close.
  CommitEmptyUntil(c, 50 - kValidatorChangeDelay + 1);
  EXPECT_EQ(EffectiveStatus(*ReadProposal(c.store().state(), 1), c.height() + 1),
            ProposalStatus::kExpired);
  EXPECT_EQ(c.Run("validator-4", ApproveProposal{1}), RC::kProposalClosed);
}

TEST(ValidatorChangeTest, LastValidatorCannotBeRemoved) {
  TestChain c(DevNetworkGenesis(1));
  EXPECT_EQ(c.Run("validator-1", Remove("validator-1", 20)), RC::kLastValidator);
  // One validator is all of them: its operator alone approves.
  EXPECT_EQ(c.Run("validator-1", Add("validator-2", "alice", 20)), RC::kSuccess);
  EXPECT_EQ(ReadProposal(c.store().state(), 1)->status, ProposalStatus::kApplied);
}

TEST(ValidatorChangeTest, ChangesAtTheSameHeightCombine) {
  TestChain c;
  ASSERT_EQ(c.Run("admin", Add("validator-5", "alice", 30)), RC::kSuccess);
  ASSERT_EQ(c.Run("admin", Remove("validator-1", 30)), RC::kSuccess);
  ASSERT_EQ(c.Run("admin", Add("validator-6", "bob", 40)), RC::kSuccess);
  const StateView& s = c.store().state();
  EXPECT_EQ(ValidatorsAt(s, 30),
            Keys({"validator-2", "validator-3", "validator-4", "validator-5"}));
  EXPECT_EQ(ValidatorsAt(s, 40),
            Keys({"validator-2", "validator-3", "validator-4", "validator-5", "validator-6"}));
  EXPECT_EQ(ReadValidatorSchedule(s).entries.size(), 2u);
  CommitEmptyUntil(c, 30);
  // From height 30 validator-1's operator no longer governs; validator-5's (alice) does.
  EXPECT_EQ(c.Run("validator-1", Add("validator-7", "alice", 80)), RC::kNotGovernor);
  EXPECT_EQ(c.Run("alice", Add("validator-7", "alice", 80)), RC::kSuccess);
}

// A genesis "operator" replaces the key's own address as the validator's
// voice in governance: it proposes and approves, the key's address no longer.
TEST(ValidatorChangeTest, GenesisOperatorGovernsForItsValidator) {
  GenesisDoc doc = DevNetworkGenesis(4);
  doc.validators[0].operator_account = Addr("bank");
  doc.validators[1].operator_account = Addr("exchange");
  TestChain c(doc);
  EXPECT_EQ(c.Run("validator-1", Remove("validator-4", 40)), RC::kNotGovernor);
  ASSERT_EQ(c.Run("bank", Remove("validator-4", 40), "bank ops: decommission v4"), RC::kSuccess);
  EXPECT_EQ(c.Run("validator-2", ApproveProposal{1}), RC::kNotGovernor);
  ASSERT_EQ(c.Run("exchange", ApproveProposal{1}), RC::kSuccess);
  EXPECT_EQ(ReadProposal(c.store().state(), 1)->status, ProposalStatus::kPending);
  // The third of four: validator-3 speaks through its key's address (the default).
  ASSERT_EQ(c.Run("validator-3", ApproveProposal{1}), RC::kSuccess);
  auto p = ReadProposal(c.store().state(), 1);
  EXPECT_EQ(p->status, ProposalStatus::kApplied);
  EXPECT_EQ(p->approvals,
            (std::vector<Address>{Addr("bank"), Addr("exchange"), Addr("validator-3")}));
  EXPECT_EQ(ValidatorsAt(c.store().state(), 40),
            Keys({"validator-1", "validator-2", "validator-3"}));
}

TEST(ValidatorScheduleTest, EncodingIsCheckedAndBounded) {
  ValidatorSchedule s;
  s.entries.push_back({10, Keys({"validator-1"})});
  s.entries.push_back({20, Keys({"validator-1", "validator-2"})});
  auto back = ValidatorSchedule::Decode(s.Encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, s);
  ValidatorSchedule unordered = s;
  std::swap(unordered.entries[0], unordered.entries[1]);
  EXPECT_FALSE(ValidatorSchedule::Decode(unordered.Encode()).has_value());
  ValidatorSchedule empty_set;
  empty_set.entries.push_back({10, {}});
  EXPECT_FALSE(ValidatorSchedule::Decode(empty_set.Encode()).has_value());
  Bytes huge = {0xff, 0xff, 0x03};  // count 65535
  EXPECT_FALSE(ValidatorSchedule::Decode(huge).has_value());
}

// ------------------------------------------------------------ upgrades

TEST(UpgradeTest, ScheduledVersionIsRequiredFromItsHeight) {
  TestChain c;
  EXPECT_EQ(RequiredProtocolVersion(c.store().state(), 1), 1u);
  EXPECT_EQ(c.Run("validator-1", ProposeUpgrade{2, 5}), RC::kEffectiveHeightTooSoon);
  EXPECT_EQ(c.Run("admin", ProposeUpgrade{1, 50}), RC::kVersionNotNewer);
  ASSERT_EQ(c.Run("validator-1", ProposeUpgrade{2, 50}, "v1: release 2.0"), RC::kSuccess);
  EXPECT_EQ(RequiredProtocolVersion(c.store().state(), 50), 1u);  // pending
  ASSERT_EQ(c.Run("validator-2", ApproveProposal{1}), RC::kSuccess);
  auto receipts = c.Commit({c.Tx("validator-3", ApproveProposal{1})});
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_TRUE(HasEvent(receipts[0], EventType::kUpgradeScheduled));
  EXPECT_EQ(RequiredProtocolVersion(c.store().state(), 49), 1u);
  EXPECT_EQ(RequiredProtocolVersion(c.store().state(), 50), 2u);
  EXPECT_EQ(c.Run("admin", ProposeUpgrade{2, 60}), RC::kVersionNotNewer);
  EXPECT_EQ(c.Run("admin", ProposeUpgrade{3, 40}), RC::kScheduleConflict);
  EXPECT_EQ(c.Run("admin", ProposeUpgrade{3, 60}), RC::kSuccess);
  EXPECT_EQ(RequiredProtocolVersion(c.store().state(), 1000), 3u);
}

// ------------------------------------------------------------ halt and resume

TEST(NetworkPhaseTest, AllowListsPerPhase) {
  struct Row {
    OpType type;
    bool halted;
    bool recovery;
  };
  const Row rows[] = {
      {OpType::kPayment, false, false},
      {OpType::kFxPayment, false, false},
      {OpType::kSettleBatch, false, false},
      {OpType::kExchangeWithdrawal, false, false},
      {OpType::kMint, false, false},
      {OpType::kBurn, false, false},
      {OpType::kCreateAsset, false, false},
      {OpType::kPublishRate, false, false},
      {OpType::kSetLiquidityFee, false, false},
      {OpType::kExchangeDeposit, false, true},
      {OpType::kEscrowRelease, false, true},
      {OpType::kEscrowCreate, false, false},
      {OpType::kEscrowCancel, true, true},
      {OpType::kDisputeOpen, true, true},
      {OpType::kDisputeResolve, true, true},
      {OpType::kRegisterAccount, true, true},
      {OpType::kGrantRole, true, true},
      {OpType::kRevokeRole, true, true},
      {OpType::kSetSigners, true, true},
      {OpType::kFreezeAccount, true, true},
      {OpType::kUnfreezeAccount, true, true},
      {OpType::kFreezeAsset, true, true},
      {OpType::kUnfreezeAsset, true, true},
      {OpType::kProposeValidatorChange, true, true},
      {OpType::kApproveProposal, true, true},
      {OpType::kHaltNetwork, true, true},
      {OpType::kResumeNetwork, true, true},
      {OpType::kProposeUpgrade, true, true},
      {OpType::kSetRecoveryWindow, true, true},
      {OpType::kAmlRuleSet, true, true},
      {OpType::kAmlRuleRemove, true, true},
      {OpType::kAmlSetHoldExpiry, true, true},
      {OpType::kHoldReject, true, true},
      {OpType::kHoldApprove, false, true},
      {static_cast<OpType>(999), false, false},  // unknown: closed by default
  };
  for (const Row& r : rows) {
    EXPECT_TRUE(OpAllowedIn(NetworkPhase::kOpen, r.type)) << OpTypeName(r.type);
    EXPECT_EQ(OpAllowedIn(NetworkPhase::kHalted, r.type), r.halted) << OpTypeName(r.type);
    EXPECT_EQ(OpAllowedIn(NetworkPhase::kRecovery, r.type), r.recovery) << OpTypeName(r.type);
  }
}

TEST(NetworkPhaseTest, HaltResumeRecoveryWindowThenOpen) {
  TestChain c;
  ASSERT_EQ(c.Run("admin", GrantRole{Addr("exchange"), Role::kCustody}), RC::kSuccess);
  EXPECT_EQ(c.Run("compliance", HaltNetwork{}), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("admin", ResumeNetwork{}), RC::kNoChange);
  ASSERT_EQ(c.Run("admin", SetRecoveryWindow{3}), RC::kSuccess);
  auto receipts = c.Commit({c.Tx("admin", HaltNetwork{}, "ops: cloud region outage")});
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_TRUE(HasEvent(receipts[0], EventType::kNetworkHalted));
  EXPECT_EQ(ReadNetworkPhase(c.store().state()).PhaseAt(c.height() + 1), NetworkPhase::kHalted);
  EXPECT_EQ(c.Run("admin", HaltNetwork{}), RC::kNoChange);

  // Halted: ordinary transactions are included and fail, nonce consumed.
  const uint64_t alice_nonce = c.NextNonce(Addr("alice"));
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 100}), RC::kNetworkHalted);
  EXPECT_EQ(c.NextNonce(Addr("alice")), alice_nonce + 1);
  EXPECT_EQ(c.BalanceOf("bob", "USD").available, 0u);
  EXPECT_EQ(c.Run("alice", ExchangeDeposit{Addr("exchange"), "USD", 100, "dep-1"}),
            RC::kNetworkHalted);
  EXPECT_EQ(c.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(c.Run("validator-1", ProposeUpgrade{2, 500}), RC::kSuccess);

  receipts = c.Commit({c.Tx("admin", ResumeNetwork{}, "ops: region back")});
  ASSERT_EQ(receipts.at(0).code, 0);
  const uint64_t resumed = c.height();
  for (const auto& e : receipts[0].events) {
    if (e.type == static_cast<uint16_t>(EventType::kNetworkResumed)) {
      EXPECT_EQ(e.amount, resumed + 4);
      EXPECT_EQ(e.detail, 3u);
    }
  }
  // Recovery window: blocks resumed+1 .. resumed+3 take deposits, not payments.
  EXPECT_EQ(c.Run("alice", Payment{Addr("compliance"), "USD", 100}), RC::kRecoveryWindow);
  EXPECT_EQ(c.Run("alice", ExchangeDeposit{Addr("exchange"), "USD", 100, "dep-1"}), RC::kSuccess);
  EXPECT_EQ(c.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(c.height(), resumed + 3);
  // The window is over: everything is open again.
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 100}), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("bob", "USD").available, 100u);
  EXPECT_EQ(ReadNetworkPhase(c.store().state()).PhaseAt(c.height() + 1), NetworkPhase::kOpen);
}

TEST(NetworkPhaseTest, RecoveryWindowFromGenesis) {
  GenesisDoc doc = DevNetworkGenesis(4);
  doc.recovery_window_blocks = 2;
  auto parsed = ParseGenesis(GenesisToJson(doc));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->recovery_window_blocks, 2u);
  TestChain c(*parsed);
  EXPECT_EQ(ReadNetworkPhase(c.store().state()).recovery_blocks, 2u);
  ASSERT_EQ(c.Run("admin", HaltNetwork{}), RC::kSuccess);
  ASSERT_EQ(c.Run("admin", ResumeNetwork{}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kRecoveryWindow);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kRecoveryWindow);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);
  // Absent: the default, and no state written (the dev genesis is unchanged).
  auto plain = ParseGenesis(GenesisToJson(DevNetworkGenesis(4)));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->recovery_window_blocks, kDefaultRecoveryWindowBlocks);
  EXPECT_EQ(GenesisToJson(*plain).find("recovery_window_blocks"), std::string::npos);
  // Bounded.
  std::string json = GenesisToJson(doc);
  const std::string field = "\"recovery_window_blocks\": 2";
  const size_t at = json.find(field);
  ASSERT_NE(at, std::string::npos) << json.substr(0, 200);
  json.replace(at, field.size(), "\"recovery_window_blocks\": 100001");
  auto too_long = ParseGenesis(json);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "genesis_schema");
}

}  // namespace
}  // namespace corridor::contracts

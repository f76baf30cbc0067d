// `corridor escrow ...` and `corridor dispute ...` against the fake node
// (tests/wallet/fake_node.h): the operations they sign, and the prechecks
// that spare a transaction the state machine would fail.
#include <gtest/gtest.h>

#include "chain/hash.h"
#include "tests/wallet/fake_node.h"

namespace corridor::wallet::cli {
namespace {

using testing::CliTest;

class EscrowCommands : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    arbiter_ = Address::FromPublicKey(PrivateKey::Generate().public_key());
    chain_.AddAccount(arbiter_, 0, "0.00");
    chain_.SetRoles(arbiter_, {"arbiter"});
    chain_.handlers["escrow_get"] = [this](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
      return escrow_;
    };
    chain_.handlers["dispute_get"] = [this](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
      return dispute_;
    };
    escrow_ = rpc::Json::Object();
    escrow_.Set("id", uint64_t{4});
    escrow_.Set("status", "open");
    escrow_.Set("sender", Alice().ToString());
    escrow_.Set("receiver", Bob().ToString());
    escrow_.Set("asset", "USD");
    escrow_.Set("amount", "5.00");
    escrow_.Set("hashLock", Sha256(AsBytes("open sesame")).ToHex());
    escrow_.Set("deadlineHeight", uint64_t{20});
    escrow_.Set("createdHeight", uint64_t{9});
    escrow_.Set("releasable", true);
    dispute_ = rpc::Json::Object();
    dispute_.Set("id", uint64_t{2});
    dispute_.Set("status", "open");
    dispute_.Set("payer", Alice().ToString());
    dispute_.Set("payee", Bob().ToString());
    dispute_.Set("asset", "USD");
    dispute_.Set("amount", "10.00");
    dispute_.Set("held", "10.00");
  }
  std::vector<std::string> Create(std::vector<std::string> extra) {
    std::vector<std::string> a = {"escrow",         "create",  "--from", "alice",    "--to",
                                  Bob().ToString(), "--asset", "USD",    "--amount", "2.50"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // A committed payment alice -> bob of 10.00 USD, as chain_getTransaction shows it.
  void CommittedPayment() {
    chain_.handlers["chain_getTransaction"] =
        [this](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
      rpc::Json r = rpc::Json::Object();
      r.Set("id", p.value()["id"].GetString());
      r.Set("status", "committed");
      rpc::Json tx = rpc::Json::Object();
      tx.Set("sender", Alice().ToString());
      tx.Set("type", "payment");
      rpc::Json op = rpc::Json::Object();
      op.Set("to", Bob().ToString());
      op.Set("asset", "USD");
      op.Set("amount", "10.00");
      tx.Set("operation", op);
      r.Set("transaction", tx);
      return r;
    };
  }
  const Operation& Submitted() { return chain_.submitted.at(0)->body().op; }

  Address arbiter_;
  rpc::Json escrow_, dispute_;
};

TEST_F(EscrowCommands, CreateSignsTheEscrowWithADeadlineFromTheCurrentHeight) {
  ASSERT_EQ(Run(Create({"--deadline-in", "5", "--arbiter", arbiter_.ToString(), "--secret",
                        "open sesame"})),
            kExitOk)
      << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  EscrowCreate expected{Bob(), "USD", 250, arbiter_, Sha256(AsBytes("open sesame")), 15};
  EXPECT_EQ(Submitted(), Operation(expected));
}

TEST_F(EscrowCommands, CreatePrechecksAndUsageErrors) {
  EXPECT_EQ(Run(Create({})), kExitUsage);
  ExpectOneErrorLine("give exactly one of --deadline HEIGHT or --deadline-in BLOCKS");
  EXPECT_EQ(Run(Create({"--deadline", "11"})), kExitFailed);
  ExpectOneErrorLine("escrow_expired: deadline 11 is not above the next block's height 11");
  EXPECT_EQ(Run(Create({"--deadline", "30", "--arbiter", Bob().ToString()})), kExitUsage);
  EXPECT_EQ(Run(Create({"--deadline", "30", "--hash-lock", "00"})), kExitUsage);
  chain_.SetRoles(arbiter_, {});
  EXPECT_EQ(Run(Create({"--deadline", "30", "--arbiter", arbiter_.ToString()})), kExitFailed);
  ExpectOneErrorLine("not_arbiter: " + arbiter_.ToString() + " does not hold the arbiter role");
  chain_.SetBalances(Alice(), {{"USD", "2.49"}});
  EXPECT_EQ(Run(Create({"--deadline", "30"})), kExitFailed);
  ExpectOneErrorLine("insufficient_balance");
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);
}

TEST_F(EscrowCommands, ReleaseWithThePreimageOrAsTheSender) {
  // bob is the receiver: only with the preimage.
  EXPECT_EQ(Run({"escrow", "release", "4", "--from", "bob"}), kExitFailed);
  ExpectOneErrorLine("not_party: key 'bob' may not release escrow 4");
  EXPECT_EQ(Run({"escrow", "release", "4", "--from", "bob", "--preimage", "open sesame!"}),
            kExitFailed);
  ExpectOneErrorLine("wrong_preimage");
  ASSERT_EQ(Run({"escrow", "release", "4", "--from", "bob", "--preimage", "open sesame"}), kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(EscrowRelease{
                             4, Bytes{'o', 'p', 'e', 'n', ' ', 's', 'e', 's', 'a', 'm', 'e'}}));
  ASSERT_EQ(Run({"escrow", "release", "4", "--from", "alice"}), kExitOk) << Err();
  EXPECT_EQ(chain_.submitted.at(1)->body().op, Operation(EscrowRelease{4, {}}));
  escrow_.Set("releasable", false);
  EXPECT_EQ(Run({"escrow", "release", "4", "--from", "alice"}), kExitFailed);
  ExpectOneErrorLine("escrow_expired: escrow 4 reaches its deadline height 20");
}

TEST_F(EscrowCommands, CancelByTheReceiverAndClosedEscrows) {
  ASSERT_EQ(Run({"escrow", "cancel", "4", "--from", "bob"}), kExitOk) << Err();
  EXPECT_EQ(Submitted(), Operation(EscrowCancel{4}));
  escrow_.Set("status", "refunded");
  escrow_.Set("closedHeight", uint64_t{12});
  EXPECT_EQ(Run({"escrow", "cancel", "4", "--from", "alice"}), kExitFailed);
  ExpectOneErrorLine("already_closed: escrow 4 was refunded at height 12");
  EXPECT_EQ(Run({"escrow", "cancel", "0", "--from", "alice"}), kExitUsage);
}

TEST_F(EscrowCommands, GetPrintsTheEscrow) {
  ASSERT_EQ(Run({"escrow", "get", "4"}), kExitOk) << Err();
  EXPECT_NE(Out().find("status     open\n"), std::string::npos) << Out();
  EXPECT_NE(Out().find("amount     5.00 USD\n"), std::string::npos) << Out();
  EXPECT_NE(Out().find("releasable yes\n"), std::string::npos) << Out();
}

TEST_F(EscrowCommands, DisputeOpenTakesThePaymentsAssetAndAmount) {
  CommittedPayment();
  const std::string tx = std::string(64, 'a');
  ASSERT_EQ(Run({"dispute", "open", tx, "--from", "alice", "--reason", "not delivered", "--hold"}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(DisputeOpen{*Hash::FromHex(tx), 10'00, true, "not delivered"}));
  ASSERT_EQ(Run({"dispute", "open", tx, "--from", "bob", "--reason", "x", "--amount", "2.5"}),
            kExitOk)
      << Err();
  EXPECT_EQ(chain_.submitted.at(1)->body().op,
            Operation(DisputeOpen{*Hash::FromHex(tx), 2'50, false, "x"}));
  EXPECT_EQ(Run({"dispute", "open", tx, "--from", "alice", "--reason", "x", "--amount", "10.01"}),
            kExitFailed);
  ExpectOneErrorLine("exceeds_disputed_amount: the payment was 10.00 USD");
  EXPECT_EQ(Run({"dispute", "open", tx, "--from", "alice"}), kExitUsage);
}

TEST_F(EscrowCommands, DisputeOpenRefusesWhatIsNotACommittedPayment) {
  chain_.statuses = {"pending"};
  EXPECT_EQ(Run({"dispute", "open", std::string(64, 'b'), "--from", "alice", "--reason", "x"}),
            kExitFailed);
  ExpectOneErrorLine("payment_not_found");
  EXPECT_TRUE(chain_.submitted.empty());
}

TEST_F(EscrowCommands, DisputeResolveNeedsTheArbiterRole) {
  EXPECT_EQ(Run({"dispute", "resolve", "2", "--from", "alice", "--dismiss"}), kExitFailed);
  ExpectOneErrorLine("not_arbiter: key 'alice'");
  chain_.SetRoles(Alice(), {"arbiter"});  // but alice is the payer
  EXPECT_EQ(Run({"dispute", "resolve", "2", "--from", "alice", "--dismiss"}), kExitFailed);
  EXPECT_EQ(Run({"dispute", "resolve", "2", "--from", "alice"}), kExitUsage);
  EXPECT_TRUE(chain_.submitted.empty());
}

TEST_F(EscrowCommands, DisputeResolveRefundOrDismissAsArbiter) {
  // The arbiter is a key of its own here: reuse bob's key, with the role, on
  // a dispute between alice and someone else.
  chain_.SetRoles(Bob(), {"arbiter"});
  dispute_.Set("payee", arbiter_.ToString());
  ASSERT_EQ(Run({"dispute", "resolve", "2", "--from", "bob", "--refund", "4"}), kExitOk) << Err();
  EXPECT_EQ(Submitted(), Operation(DisputeResolve{2, 4'00}));
  EXPECT_EQ(Run({"dispute", "resolve", "2", "--from", "bob", "--refund", "10.01"}), kExitFailed);
  ExpectOneErrorLine("exceeds_disputed_amount: the dispute is over 10.00 USD");
  ASSERT_EQ(Run({"dispute", "resolve", "2", "--from", "bob", "--dismiss"}), kExitOk) << Err();
  EXPECT_EQ(chain_.submitted.at(1)->body().op, Operation(DisputeResolve{2, 0}));
}

TEST_F(EscrowCommands, DisputeListPrintsATableAndTheNextCursor) {
  chain_.handlers["dispute_list"] = [this](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
    EXPECT_EQ(std::string(p.value()["status"].GetString()), "open");
    rpc::Json list = rpc::Json::Array();
    dispute_.Set("reason", "late");
    list.Push(dispute_);
    rpc::Json r = rpc::Json::Object();
    r.Set("disputes", list);
    r.Set("nextCursor", "3");
    return r;
  };
  ASSERT_EQ(Run({"dispute", "list", "--status", "open"}), kExitOk) << Err();
  EXPECT_NE(Out().find("ID  STATUS"), std::string::npos) << Out();
  EXPECT_NE(Out().find("2   open    10.00 USD  10.00"), std::string::npos) << Out();
  EXPECT_NE(Out().find("more: --cursor 3\n"), std::string::npos) << Out();
}

}  // namespace
}  // namespace corridor::wallet::cli

// Every operation's success and each of its failure codes (issue 3, Done when).
#include "contracts/executor.h"

#include <gtest/gtest.h>

#include "contracts/event.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

constexpr uint64_t kAliceUsd = 1'000'000'00;

TEST(ResultCodeTest, ClassesAndNames) {
  EXPECT_EQ(ClassOf(RC::kSuccess), ResultClass::kSuccess);
  EXPECT_EQ(ClassOf(RC::kBadSignature), ResultClass::kMalformed);
  EXPECT_EQ(ClassOf(RC::kNonceTooHigh), ResultClass::kNotValidNow);
  EXPECT_EQ(ClassOf(RC::kInsufficientBalance), ResultClass::kFailed);
  EXPECT_EQ(NameOf(RC::kInsufficientBalance), "insufficient_balance");
  EXPECT_FALSE(IsIncludable(RC::kExpired));
  EXPECT_TRUE(IsIncludable(RC::kReceiverFrozen));
}

TEST(GenesisStateTest, DevNetworkLoads) {
  TestChain c;
  EXPECT_EQ(c.height(), 0u);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, kAliceUsd);
  EXPECT_EQ(c.AssetOf("USD")->supply, 100'000'000'00u + kAliceUsd);
  EXPECT_TRUE(c.AccountOf("admin")->HasRole(Role::kAdmin));
  EXPECT_FALSE(c.AccountOf("alice")->HasRole(Role::kAdmin));
}

// ---------------------------------------------------------------- payment

TEST(PaymentTest, MovesFundsEmitsTransferAndConsumesNonce) {
  TestChain c;
  auto receipts = c.Commit({c.Tx("alice", Payment{Addr("bob"), "USD", 250}, "invoice 42")});
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].code, 0);
  ASSERT_EQ(receipts[0].events.size(), 1u);
  const Event& e = receipts[0].events[0];
  EXPECT_EQ(e.type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(e.account, Addr("alice"));
  EXPECT_EQ(e.counterparty, Addr("bob"));
  EXPECT_EQ(e.amount, 250u);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, kAliceUsd - 250);
  EXPECT_EQ(c.BalanceOf("bob", "USD").available, 250u);
  EXPECT_EQ(c.AccountOf("alice")->next_nonce, 1u);
}

TEST(PaymentTest, InsufficientBalanceFailsButConsumesNonce) {
  TestChain c;
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", kAliceUsd + 1}), RC::kInsufficientBalance);
  EXPECT_EQ(c.BalanceOf("alice", "USD").available, kAliceUsd);
  EXPECT_EQ(c.AccountOf("alice")->next_nonce, 1u);
  EXPECT_EQ(c.height(), 1u);
}

TEST(PaymentTest, FailureCodes) {
  TestChain c;
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "JPY", 1}), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("alice", Payment{Addr("nobody"), "USD", 1}), RC::kUnknownAccount);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 0}), RC::kZeroAmount);
  EXPECT_EQ(c.Run("alice", Payment{Addr("alice"), "USD", 1}), RC::kSelfPayment);
  EXPECT_EQ(c.Run("bob", Payment{Addr("alice"), "USD", 1}), RC::kInsufficientBalance);
}

TEST(PaymentTest, FrozenSenderReceiverAndAsset) {
  TestChain c;
  ASSERT_EQ(c.Run("compliance", FreezeAccount{Addr("bob")}, "AML case 7"), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kReceiverFrozen);
  EXPECT_EQ(c.Run("bob", Payment{Addr("alice"), "EUR", 1}), RC::kSenderFrozen);
  EXPECT_EQ(c.AccountOf("bob")->next_nonce, 1u);  // a frozen sender's attempt is on record
  ASSERT_EQ(c.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);
  ASSERT_EQ(c.Run("compliance", FreezeAsset{"USD"}, "issuer instruction"), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kAssetFrozen);
  EXPECT_EQ(c.Run("alice", Burn{"USD", 1}), RC::kAssetFrozen);
  EXPECT_EQ(c.Run("bank", Mint{Addr("alice"), "USD", 1}), RC::kAssetFrozen);
  ASSERT_EQ(c.Run("compliance", UnfreezeAsset{"USD"}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);
}

TEST(PaymentTest, CreditOverflowIsRejected) {
  TestChain c;
  // Give alice a second asset with a huge supply split between two holders.
  ASSERT_EQ(c.Run("admin", CreateAsset{"BIG", 0, Addr("bank")}), RC::kSuccess);
  ASSERT_EQ(c.Run("bank", Mint{Addr("alice"), "BIG", UINT64_MAX - 5}), RC::kSuccess);
  EXPECT_EQ(c.Run("bank", Mint{Addr("bob"), "BIG", 6}), RC::kOverflow);
  EXPECT_EQ(c.AssetOf("BIG")->supply, UINT64_MAX - 5);
  EXPECT_EQ(c.BalanceOf("bob", "BIG").available, 0u);
}

// ---------------------------------------------------------------- replay, expiry, signatures

TEST(AdmissionTest, BadNonceExpiredWrongChainAreNotIncludable) {
  TestChain c;
  PrivateKey alice = DevKey("alice");
  TxBody b = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 1});
  b.nonce = 1;
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&alice})), RC::kNonceTooHigh);
  auto first = c.Tx("alice", Payment{Addr("bob"), "USD", 1});
  ASSERT_EQ(c.Run(first), RC::kSuccess);
  EXPECT_EQ(c.Check(first), RC::kNonceTooLow);  // replay
  b = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 1});
  b.expiry_height = c.height();  // next block is height()+1
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&alice})), RC::kExpired);
  b.expiry_height = c.height() + 1;  // boundary: still valid
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&alice})), RC::kSuccess);
  b.chain_id = "other-chain";
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&alice})), RC::kWrongChain);
}

TEST(AdmissionTest, UnknownSenderAndWrongKey) {
  TestChain c;
  EXPECT_EQ(c.Check(c.Tx("nobody", Payment{Addr("bob"), "USD", 1})), RC::kUnknownSender);
  PrivateKey mallory = DevKey("mallory");
  TxBody b = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 1});
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&mallory})), RC::kUnauthorizedSigner);
  // Right key, forged signature bytes.
  PrivateKey alice = DevKey("alice");
  auto good = Transaction::Sign(b, {&alice});
  auto sigs = good->signatures();
  sigs[0].sig.bytes[5] ^= 1;
  EXPECT_EQ(c.Check(Transaction::Create(b, sigs)), RC::kBadSignature);
}

TEST(AdmissionTest, BlockWithNonIncludableTransactionIsInvalid) {
  TestChain c;
  PrivateKey alice = DevKey("alice");
  TxBody b = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 1});
  b.nonce = 7;
  auto bad = Transaction::Sign(b, {&alice});
  BlockHeader h;
  h.chain_id = "corridor-local";
  h.height = 1;
  h.prev_hash = (*c.store().blocks().BlockAt(0))->hash();
  h.tx_root = Block::ComputeTxRoot(std::vector<TransactionPtr>{bad});
  auto block = Block::Create(h, {bad});
  auto r = c.executor().ValidateBlock(c.store().state(), *block);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_transaction");
  EXPECT_NE(r.error().message.find("nonce_too_high"), std::string::npos);
}

TEST(ProposerTest, DropsNonIncludableAndKeepsOrder) {
  TestChain c;
  PrivateKey alice = DevKey("alice");
  auto t0 = c.Tx("alice", Payment{Addr("bob"), "USD", 1});
  TxBody gap = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 2});
  gap.nonce = 5;
  TxBody next = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 3});
  next.nonce = 1;
  auto t1 = Transaction::Sign(gap, {&alice});
  auto t2 = Transaction::Sign(next, {&alice});
  auto t3 = c.Tx("bob", Payment{Addr("alice"), "USD", 100});  // bob has 4 USD: 3xx, included
  auto ex = c.executor().Propose(c.store().state(), std::vector<TransactionPtr>{t0, t1, t2, t3},
                                 c.NextContext(), 10);
  ASSERT_EQ(ex.transactions.size(), 3u);
  EXPECT_EQ(ex.transactions[0], t0);
  EXPECT_EQ(ex.transactions[1], t2);
  EXPECT_EQ(ex.transactions[2], t3);
  EXPECT_EQ(ex.receipts[2].code, static_cast<uint16_t>(RC::kInsufficientBalance));
  EXPECT_TRUE(ex.receipts[2].events.empty());
  auto limited = c.executor().Propose(c.store().state(), std::vector<TransactionPtr>{t0, t2, t3},
                                      c.NextContext(), 2);
  EXPECT_EQ(limited.transactions.size(), 2u);
}

TEST(GenesisStateTest, ChainIdAndValidatorsAreInState) {
  TestChain c;
  EXPECT_EQ(*ReadChainId(c.store().state()), "corridor-local");
  auto v = ReadValidators(c.store().state());
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], DevKey("validator-1").public_key());
}

TEST(AdmissionTest, BlockWithWrongStateRootIsInvalid) {
  TestChain c;
  auto tx = c.Tx("alice", Payment{Addr("bob"), "USD", 1});
  BlockHeader h;
  h.chain_id = "corridor-local";
  h.height = 1;
  h.tx_root = Block::ComputeTxRoot(std::vector<TransactionPtr>{tx});
  auto r = c.executor().ValidateBlock(c.store().state(), *Block::Create(h, {tx}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_state_root");
}

TEST(MultiSigTest, ThresholdIsEnforced) {
  TestChain c;
  PrivateKey k1 = DevKey("treasurer-1"), k2 = DevKey("treasurer-2"), k3 = DevKey("treasurer-3");
  SetSigners ss;
  ss.threshold = 3;
  ss.signers = {{k1.public_key(), 1}, {k2.public_key(), 1}, {k3.public_key(), 2}};
  std::sort(ss.signers.begin(), ss.signers.end(),
            [](const SignerEntry& a, const SignerEntry& b) { return a.key < b.key; });
  ASSERT_EQ(c.Run("alice", ss), RC::kSuccess);
  EXPECT_EQ(c.AccountOf("alice")->threshold, 3u);

  TxBody b = c.Body(Addr("alice"), Payment{Addr("bob"), "USD", 100});
  // The master key no longer signs alone.
  PrivateKey alice = DevKey("alice");
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&alice})), RC::kUnauthorizedSigner);
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&k1, &k2})), RC::kInsufficientSignatureWeight);
  EXPECT_EQ(c.Check(Transaction::Sign(b, {&k3})), RC::kInsufficientSignatureWeight);
  EXPECT_EQ(c.Run(Transaction::Sign(b, {&k1, &k3})), RC::kSuccess);
  EXPECT_EQ(c.BalanceOf("bob", "USD").available, 100u);
  // Reset to the default key (needs the signer list to authorise it).
  TxBody reset = c.Body(Addr("alice"), SetSigners{});
  EXPECT_EQ(c.Run(Transaction::Sign(reset, {&k2, &k3})), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", 1}), RC::kSuccess);
}

TEST(MultiSigTest, MalformedSignerLists) {
  TestChain c;
  PrivateKey k1 = DevKey("t1");
  EXPECT_EQ(c.Check(c.Tx("alice", SetSigners{2, {{k1.public_key(), 1}}})), RC::kBadSignerList);
  EXPECT_EQ(c.Check(c.Tx("alice", SetSigners{0, {{k1.public_key(), 1}}})), RC::kBadSignerList);
  EXPECT_EQ(c.Check(c.Tx("alice", SetSigners{1, {{k1.public_key(), 0}}})), RC::kBadSignerList);
  EXPECT_EQ(c.Check(c.Tx("alice", SetSigners{1, {}})), RC::kBadSignerList);
  EXPECT_EQ(c.Check(c.Tx("alice", SetSigners{1, {{k1.public_key(), 1}, {k1.public_key(), 1}}})),
            RC::kBadSignerList);
}

// ---------------------------------------------------------------- accounts and roles

TEST(AccountTest, RegisterByAdminOrComplianceOnly) {
  TestChain c;
  RegisterAccount carol{Addr("carol"), 2, "GB", "Carol"};
  EXPECT_EQ(c.Run("alice", carol), RC::kUnauthorizedRole);
  auto receipts = c.Commit({c.Tx("compliance", carol, "KYC file 991")});
  ASSERT_EQ(receipts[0].code, 0);
  EXPECT_EQ(receipts[0].events[0].type, static_cast<uint16_t>(EventType::kAccountRegistered));
  EXPECT_EQ(c.AccountOf("carol")->jurisdiction, "GB");
  EXPECT_EQ(c.Run("admin", carol), RC::kAccountExists);
  EXPECT_EQ(c.Check(c.Tx("admin", RegisterAccount{Addr("dave"), 9, "GB", ""})), RC::kBadField);
  EXPECT_EQ(c.Check(c.Tx("admin", RegisterAccount{Addr("dave"), 1, "gb", ""})), RC::kBadField);
  // The new account can receive and send.
  EXPECT_EQ(c.Run("alice", Payment{Addr("carol"), "USD", 5}), RC::kSuccess);
  EXPECT_EQ(c.Run("carol", Payment{Addr("alice"), "USD", 5}), RC::kSuccess);
}

TEST(RoleTest, GrantAndRevoke) {
  TestChain c;
  EXPECT_EQ(c.Run("compliance", GrantRole{Addr("alice"), Role::kIssuer}), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("admin", GrantRole{Addr("nobody"), Role::kIssuer}), RC::kUnknownAccount);
  EXPECT_EQ(c.Run("admin", GrantRole{Addr("alice"), Role::kIssuer}), RC::kSuccess);
  EXPECT_TRUE(c.AccountOf("alice")->HasRole(Role::kIssuer));
  EXPECT_EQ(c.Run("admin", GrantRole{Addr("alice"), Role::kIssuer}), RC::kNoChange);
  EXPECT_EQ(c.Run("admin", RevokeRole{Addr("alice"), Role::kIssuer}), RC::kSuccess);
  EXPECT_EQ(c.Run("admin", RevokeRole{Addr("alice"), Role::kIssuer}), RC::kNoChange);
  EXPECT_EQ(c.Run("admin", RevokeRole{Addr("admin"), Role::kAdmin}), RC::kCannotRevokeOwnAdmin);
  EXPECT_EQ(c.Run("admin", GrantRole{Addr("bob"), Role::kArbiter}), RC::kSuccess);
  GrantRole bad{Addr("bob"), static_cast<Role>(42)};
  EXPECT_EQ(c.Check(c.Tx("admin", bad)), RC::kBadField);
}

// ---------------------------------------------------------------- assets

TEST(AssetTest, CreateMintBurn) {
  TestChain c;
  EXPECT_EQ(c.Run("alice", CreateAsset{"SGD", 2, Addr("bank")}), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("admin", CreateAsset{"SGD", 2, Addr("alice")}), RC::kIssuerNotEligible);
  EXPECT_EQ(c.Run("bank", CreateAsset{"SGD", 2, Addr("bank")}),
            RC::kSuccess);  // issuer, for itself
  EXPECT_EQ(c.Run("admin", CreateAsset{"SGD", 2, Addr("bank")}), RC::kAssetExists);
  EXPECT_EQ(c.Check(c.Tx("admin", CreateAsset{"SGD", 19, Addr("bank")})), RC::kBadField);

  EXPECT_EQ(c.Run("alice", Mint{Addr("alice"), "SGD", 10}), RC::kNotAssetIssuer);
  EXPECT_EQ(c.Run("bank", Mint{Addr("alice"), "XYZ", 10}), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("bank", Mint{Addr("nobody"), "SGD", 10}), RC::kUnknownAccount);
  EXPECT_EQ(c.Run("bank", Mint{Addr("alice"), "SGD", 1000}), RC::kSuccess);
  EXPECT_EQ(c.AssetOf("SGD")->supply, 1000u);
  ASSERT_EQ(c.Run("compliance", FreezeAccount{Addr("bob")}), RC::kSuccess);
  EXPECT_EQ(c.Run("bank", Mint{Addr("bob"), "SGD", 1}), RC::kReceiverFrozen);

  // Holder-signed burn (a withdrawal) and the issuer's own burn.
  EXPECT_EQ(c.Run("alice", Burn{"SGD", 1001}), RC::kInsufficientBalance);
  EXPECT_EQ(c.Run("alice", Burn{"SGD", 400}), RC::kSuccess);
  EXPECT_EQ(c.Run("alice", Payment{Addr("bank"), "SGD", 100}), RC::kSuccess);
  EXPECT_EQ(c.Run("bank", Burn{"SGD", 100}), RC::kSuccess);
  EXPECT_EQ(c.AssetOf("SGD")->supply, 500u);
  EXPECT_EQ(c.BalanceOf("alice", "SGD").available, 500u);

  // An issuer whose role is revoked can no longer mint.
  EXPECT_EQ(c.Run("admin", RevokeRole{Addr("bank"), Role::kIssuer}), RC::kSuccess);
  EXPECT_EQ(c.Run("bank", Mint{Addr("alice"), "SGD", 1}), RC::kUnauthorizedRole);
}

TEST(FreezeTest, ComplianceOnlyAndNoChange) {
  TestChain c;
  EXPECT_EQ(c.Run("admin", FreezeAccount{Addr("bob")}), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("alice", FreezeAsset{"USD"}), RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("compliance", FreezeAccount{Addr("nobody")}), RC::kUnknownAccount);
  EXPECT_EQ(c.Run("compliance", FreezeAsset{"XYZ"}), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("compliance", UnfreezeAccount{Addr("bob")}), RC::kNoChange);
  EXPECT_EQ(c.Run("compliance", UnfreezeAsset{"USD"}), RC::kNoChange);
}

TEST(FailedTransactionTest, ChangesOnlyTheSendersNonce) {
  TestChain c;
  auto before = c.store().state().Scan();
  EXPECT_EQ(c.Run("alice", Payment{Addr("bob"), "USD", kAliceUsd + 1}), RC::kInsufficientBalance);
  auto after = c.store().state().Scan();
  ASSERT_EQ(before.size(), after.size());
  size_t differing = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    ASSERT_EQ(before[i].first, after[i].first);
    if (before[i].second != after[i].second) {
      ++differing;
      EXPECT_EQ(before[i].first, AccountKey(Addr("alice")));
    }
  }
  EXPECT_EQ(differing, 1u);
}

}  // namespace
}  // namespace corridor::contracts

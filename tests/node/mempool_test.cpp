#include "node/mempool.h"
#include "tests/support/test_keys.h"

#include <gtest/gtest.h>

#include <map>

namespace corridor::node {
namespace {

PrivateKey Key(uint8_t n) {
  return testing::TestKey(n);
}

class FakeNonces : public AccountNonces {
 public:
  std::optional<uint64_t> NextNonce(const Address& a) const override {
    auto it = next.find(a);
    if (it == next.end()) return std::nullopt;
    return it->second;
  }
  std::map<Address, uint64_t> next;
};

class MempoolTest : public ::testing::Test {
 protected:
  MempoolTest() : alice_(Key(1)), bob_(Key(2)), carol_(Key(3)) {
    nonces_.next[Addr(alice_)] = 0;
    nonces_.next[Addr(bob_)] = 5;
  }
  static Address Addr(const PrivateKey& k) { return Address::FromPublicKey(k.public_key()); }

  TransactionPtr Tx(const PrivateKey& k, uint64_t nonce, uint64_t expiry = 100,
                    std::string memo = "", std::string chain = "corridor-test") {
    TxBody b;
    b.chain_id = std::move(chain);
    b.sender = Addr(k);
    b.nonce = nonce;
    b.expiry_height = expiry;
    b.op = Payment{Addr(carol_), "USD", 1};
    b.memo = std::move(memo);
    return Transaction::Sign(b, {&k});
  }

  Mempool Make(MempoolLimits limits = {}) { return Mempool("corridor-test", limits, nonces_); }

  PrivateKey alice_, bob_, carol_;
  FakeNonces nonces_;
};

TEST_F(MempoolTest, AdmitsAndIsIdempotent) {
  Mempool m = Make();
  auto tx = Tx(alice_, 0);
  EXPECT_EQ(m.Admit(tx, 1).code, AdmitCode::kAccepted);
  EXPECT_EQ(m.Admit(tx, 1).code, AdmitCode::kAlreadyKnown);
  EXPECT_TRUE(m.Admit(tx, 1).ok());
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.bytes(), tx->size());
  EXPECT_TRUE(m.Contains(tx->id()));
}

TEST_F(MempoolTest, RejectionsHaveCodes) {
  Mempool m =
      Make({.max_count = 100, .max_bytes = 1 << 20, .max_per_account = 2, .nonce_window = 10});
  EXPECT_EQ(m.Admit(Tx(alice_, 0, 100, "", "other-chain"), 1).code, AdmitCode::kWrongChain);
  EXPECT_EQ(m.Admit(Tx(alice_, 0, 4), 5).code, AdmitCode::kExpired);
  EXPECT_EQ(m.Admit(Tx(carol_, 0), 1).code, AdmitCode::kUnknownSender);
  EXPECT_EQ(m.Admit(Tx(bob_, 4), 1).code, AdmitCode::kNonceTooLow);
  EXPECT_EQ(m.Admit(Tx(bob_, 15), 1).code, AdmitCode::kNonceTooHigh);
  EXPECT_EQ(m.Admit(Tx(bob_, 14), 1).code, AdmitCode::kAccepted);
  EXPECT_EQ(m.Admit(Tx(bob_, 14, 100, "different"), 1).code, AdmitCode::kNonceInUse);
  EXPECT_EQ(m.Admit(Tx(bob_, 5), 1).code, AdmitCode::kAccepted);
  EXPECT_EQ(m.Admit(Tx(bob_, 6), 1).code, AdmitCode::kAccountFull);

  auto good = Tx(alice_, 0);
  auto sigs = good->signatures();
  sigs[0].sig.bytes[3] ^= 1;
  EXPECT_EQ(m.Admit(Transaction::Create(good->body(), sigs), 1).code, AdmitCode::kBadSignature);
  EXPECT_EQ(AdmitCodeName(AdmitCode::kNonceTooLow), "nonce_too_low");
}

TEST_F(MempoolTest, FullMempoolRefuses) {
  Mempool m = Make({.max_count = 2});
  EXPECT_TRUE(m.Admit(Tx(alice_, 0), 1).ok());
  EXPECT_TRUE(m.Admit(Tx(alice_, 1), 1).ok());
  EXPECT_EQ(m.Admit(Tx(alice_, 2), 1).code, AdmitCode::kMempoolFull);
  auto small = Tx(alice_, 0);
  Mempool b = Make({.max_bytes = small->size() + 10});
  EXPECT_TRUE(b.Admit(small, 1).ok());
  EXPECT_EQ(b.Admit(Tx(alice_, 1), 1).code, AdmitCode::kMempoolFull);
}

TEST_F(MempoolTest, SelectsConsecutiveNoncesOnly) {
  Mempool m = Make();
  ASSERT_TRUE(m.Admit(Tx(alice_, 0), 1).ok());
  ASSERT_TRUE(m.Admit(Tx(alice_, 1), 1).ok());
  ASSERT_TRUE(m.Admit(Tx(alice_, 3), 1).ok());  // gap at 2: waits
  auto sel = m.Select(1, 100, 1 << 20);
  ASSERT_EQ(sel.size(), 2u);
  EXPECT_EQ(sel[0]->body().nonce, 0u);
  EXPECT_EQ(sel[1]->body().nonce, 1u);
  ASSERT_TRUE(m.Admit(Tx(alice_, 2), 1).ok());
  EXPECT_EQ(m.Select(1, 100, 1 << 20).size(), 4u);
}

TEST_F(MempoolTest, InterleavesAccountsByArrival) {
  Mempool m = Make();
  ASSERT_TRUE(m.Admit(Tx(alice_, 0), 1).ok());
  ASSERT_TRUE(m.Admit(Tx(bob_, 5), 1).ok());
  ASSERT_TRUE(m.Admit(Tx(alice_, 1), 1).ok());
  ASSERT_TRUE(m.Admit(Tx(bob_, 6), 1).ok());
  auto sel = m.Select(1, 100, 1 << 20);
  ASSERT_EQ(sel.size(), 4u);
  EXPECT_EQ(sel[0]->body().sender, Addr(alice_));
  EXPECT_EQ(sel[1]->body().sender, Addr(bob_));
  EXPECT_EQ(sel[2]->body().sender, Addr(alice_));
  EXPECT_EQ(sel[3]->body().sender, Addr(bob_));
  EXPECT_EQ(m.Select(1, 3, 1 << 20).size(), 3u);
  EXPECT_EQ(m.Select(1, 100, sel[0]->size() * 2 + 1).size(), 2u);
}

TEST_F(MempoolTest, CommitRemovesIncludedStaleAndExpired) {
  Mempool m = Make();
  auto a0 = Tx(alice_, 0), a1 = Tx(alice_, 1), b5 = Tx(bob_, 5, 3), b6 = Tx(bob_, 6, 100);
  for (auto& t : {a0, a1, b5, b6}) ASSERT_TRUE(m.Admit(t, 1).ok());
  // Block 1 includes a0 only; alice's nonce moves to 1.
  nonces_.next[Addr(alice_)] = 1;
  m.OnBlockCommitted({a0}, 2);
  EXPECT_FALSE(m.Contains(a0->id()));
  EXPECT_TRUE(m.Contains(a1->id()));
  // Another node's block used alice's nonce 1 with a different transaction.
  auto other = Tx(alice_, 1, 100, "from elsewhere");
  nonces_.next[Addr(alice_)] = 2;
  m.OnBlockCommitted({other}, 3);
  EXPECT_FALSE(m.Contains(a1->id())) << "nonce now used: stale";
  // b5 expires after height 3.
  EXPECT_TRUE(m.Contains(b5->id()));
  m.OnBlockCommitted({}, 4);
  EXPECT_FALSE(m.Contains(b5->id()));
  EXPECT_TRUE(m.Contains(b6->id()));
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.bytes(), b6->size());
}

}  // namespace
}  // namespace corridor::node

// Disputes over committed payments (issue 7; docs/state.md §3.9): open by
// either party with or without a hold, resolution by an arbiter (full or
// partial refund, dismissal), and every failure code.
#include <gtest/gtest.h>

#include "contracts/escrow_state.h"
#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

GenesisDoc DisputeGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  for (auto [name, roles] : {std::pair{"arbiter", std::vector<Role>{Role::kArbiter}},
                             std::pair{"arbiter-2", std::vector<Role>{Role::kArbiter}},
                             std::pair{"carol", std::vector<Role>{}}}) {
    GenesisAccount a;
    a.address = Addr(name);
    a.kyc_level = 1;
    a.jurisdiction = "SG";
    a.roles = roles;
    doc.accounts.push_back(a);
  }
  return doc;
}

class DisputeTest : public ::testing::Test {
 protected:
  TestChain chain{DisputeGenesis()};
  Hash payment;  // alice -> bob, 100.00 USD

  void SetUp() override { payment = Pay("alice", "bob", 100'00); }

  Hash Pay(std::string_view from, std::string_view to, uint64_t amount) {
    auto tx = chain.Tx(from, Payment{Addr(to), "USD", amount});
    EXPECT_EQ(chain.Run(tx), RC::kSuccess);
    return tx->id();
  }
  DisputeOpen Open(const Hash& tx, uint64_t amount, bool hold) {
    return DisputeOpen{tx, amount, hold, "goods not delivered"};
  }
  // Opens a dispute and returns its id.
  uint64_t Opened(std::string_view opener, const DisputeOpen& op) {
    auto r = chain.Commit({chain.Tx(opener, op)});
    EXPECT_EQ(r.at(0).code, 0) << NameOf(static_cast<RC>(r.at(0).code));
    return r.at(0).events.at(0).detail;
  }
  Dispute Get(uint64_t id) { return *ReadDispute(chain.store().state(), id); }
  bool Indexed(DisputeStatus s, uint64_t id) {
    return chain.store().state().Get(DisputeStatusKey(s, id)).has_value();
  }
};

TEST_F(DisputeTest, EverySuccessfulPaymentIsRecorded) {
  auto p = ReadPaymentRecord(chain.store().state(), payment);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->from, Addr("alice"));
  EXPECT_EQ(p->to, Addr("bob"));
  EXPECT_EQ(p->asset, "USD");
  EXPECT_EQ(p->amount, 100'00u);
  EXPECT_EQ(p->height, chain.height());
  // A failed payment leaves no record.
  auto failed = chain.Tx("bob", Payment{Addr("alice"), "USD", 1'000'000'00});
  ASSERT_EQ(chain.Run(failed), RC::kInsufficientBalance);
  EXPECT_FALSE(ReadPaymentRecord(chain.store().state(), failed->id()).has_value());
}

TEST_F(DisputeTest, PayerOpensWithAHoldAndTheArbiterRefundsInFull) {
  auto r = chain.Commit({chain.Tx("alice", Open(payment, 100'00, true))});
  ASSERT_EQ(r.at(0).code, 0);
  ASSERT_EQ(r.at(0).events.size(), 2u);
  const Event& opened = r.at(0).events[0];
  EXPECT_EQ(opened.type, static_cast<uint16_t>(EventType::kDisputeOpened));
  EXPECT_EQ(opened.account, Addr("alice"));
  EXPECT_EQ(opened.counterparty, Addr("bob"));
  EXPECT_EQ(opened.amount, 100'00u);
  EXPECT_EQ(r.at(0).events[1].type, static_cast<uint16_t>(EventType::kHoldPlaced));
  EXPECT_EQ(r.at(0).events[1].account, Addr("bob"));
  const uint64_t id = opened.detail;
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{0, 100'00}));
  Dispute d = Get(id);
  EXPECT_EQ(d.payment_tx, payment);
  EXPECT_EQ(d.opener, Addr("alice"));
  EXPECT_EQ(d.payer, Addr("alice"));
  EXPECT_EQ(d.payee, Addr("bob"));
  EXPECT_EQ(d.held, 100'00u);
  EXPECT_EQ(d.reason, "goods not delivered");
  EXPECT_EQ(d.status, DisputeStatus::kOpen);
  EXPECT_TRUE(Indexed(DisputeStatus::kOpen, id));
  // The held funds cannot be spent meanwhile.
  EXPECT_EQ(chain.Run("bob", Payment{Addr("carol"), "USD", 1}), RC::kInsufficientBalance);

  const uint64_t alice_before = chain.BalanceOf("alice", "USD").available;
  r = chain.Commit({chain.Tx("arbiter", DisputeResolve{id, 100'00})});
  ASSERT_EQ(r.at(0).code, 0);
  ASSERT_EQ(r.at(0).events.size(), 3u);
  EXPECT_EQ(r.at(0).events[0].type, static_cast<uint16_t>(EventType::kHoldReleased));
  EXPECT_EQ(r.at(0).events[1].type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(r.at(0).events[2].type, static_cast<uint16_t>(EventType::kDisputeResolved));
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{0, 0}));
  EXPECT_EQ(chain.BalanceOf("alice", "USD").available, alice_before + 100'00);
  d = Get(id);
  EXPECT_EQ(d.status, DisputeStatus::kRefunded);
  EXPECT_EQ(d.refunded, 100'00u);
  EXPECT_EQ(d.arbiter, Addr("arbiter"));
  EXPECT_EQ(d.resolved_height, chain.height());
  EXPECT_FALSE(Indexed(DisputeStatus::kOpen, id));
  EXPECT_TRUE(Indexed(DisputeStatus::kRefunded, id));
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 0}), RC::kAlreadyClosed);
}

TEST_F(DisputeTest, PayeeOpensAndTheArbiterRefundsPartOfIt) {
  const uint64_t id = Opened("bob", Open(payment, 60'00, false));
  EXPECT_EQ(Get(id).opener, Addr("bob"));
  EXPECT_EQ(Get(id).held, 0u);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{100'00, 0}));
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 60'01}), RC::kExceedsDisputedAmount);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 25'00}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{75'00, 0}));
  EXPECT_EQ(Get(id).refunded, 25'00u);
  EXPECT_EQ(Get(id).status, DisputeStatus::kRefunded);
}

TEST_F(DisputeTest, DismissalReleasesTheHold) {
  const uint64_t id = Opened("alice", Open(payment, 40'00, true));
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{60'00, 40'00}));
  auto r = chain.Commit({chain.Tx("arbiter", DisputeResolve{id, 0})});
  ASSERT_EQ(r.at(0).code, 0);
  EXPECT_EQ(r.at(0).events.back().type, static_cast<uint16_t>(EventType::kDisputeResolved));
  EXPECT_EQ(r.at(0).events.back().amount, 0u);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{100'00, 0}));
  EXPECT_EQ(Get(id).status, DisputeStatus::kDismissed);
  EXPECT_TRUE(Indexed(DisputeStatus::kDismissed, id));
  // One dispute per payment, also after it was resolved.
  EXPECT_EQ(chain.Run("alice", Open(payment, 1, false)), RC::kAlreadyDisputed);
}

TEST_F(DisputeTest, OpenFailureCodes) {
  EXPECT_EQ(chain.Run("alice", DisputeOpen{Hash{}, 1, false, "x"}), RC::kBadField);
  EXPECT_EQ(chain.Run("alice", DisputeOpen{payment, 1, false, ""}), RC::kBadField);
  EXPECT_EQ(chain.Run("alice", DisputeOpen{payment, 1, false, "bad\x01"}), RC::kBadField);
  EXPECT_EQ(chain.Run("alice", Open(payment, 0, false)), RC::kZeroAmount);
  EXPECT_EQ(chain.Run("carol", Open(payment, 1, false)), RC::kNotParty);
  EXPECT_EQ(chain.Run("arbiter", Open(payment, 1, false)), RC::kNotParty);
  EXPECT_EQ(chain.Run("alice", Open(Sha256(AsBytes("no such tx")), 1, false)),
            RC::kPaymentNotFound);
  // A committed transaction that is not a payment.
  auto mint = chain.Tx("bank", Mint{Addr("carol"), "USD", 5'00});
  ASSERT_EQ(chain.Run(mint), RC::kSuccess);
  EXPECT_EQ(chain.Run("carol", Open(mint->id(), 1, false)), RC::kPaymentNotFound);
  EXPECT_EQ(chain.Run("alice", Open(payment, 100'01, false)), RC::kExceedsDisputedAmount);
  // A hold needs the payee's available balance.
  ASSERT_EQ(chain.Run("bob", Payment{Addr("carol"), "USD", 50'00}), RC::kSuccess);
  EXPECT_EQ(chain.Run("alice", Open(payment, 50'01, true)), RC::kInsufficientBalance);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{50'00, 0}));
  EXPECT_EQ(chain.Run("alice", Open(payment, 50'00, true)), RC::kSuccess);
  EXPECT_EQ(chain.Run("bob", Open(payment, 1, false)), RC::kAlreadyDisputed);
}

TEST_F(DisputeTest, ResolveFailureCodes) {
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{0, 0}), RC::kBadField);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{7, 0}), RC::kDisputeNotFound);
  const uint64_t id = Opened("alice", Open(payment, 100'00, false));
  EXPECT_EQ(chain.Run("carol", DisputeResolve{id, 0}), RC::kNotArbiter);
  EXPECT_EQ(chain.Run("alice", DisputeResolve{id, 100'00}), RC::kNotArbiter);
  // An arbiter that is a party to the payment may not decide it.
  Hash own = Pay("alice", "arbiter-2", 10'00);
  const uint64_t own_id = Opened("alice", Open(own, 10'00, false));
  EXPECT_EQ(chain.Run("arbiter-2", DisputeResolve{own_id, 0}), RC::kNotArbiter);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 100'01}), RC::kExceedsDisputedAmount);
  // Without a hold the payee may have spent the funds: the refund fails and
  // the dispute stays open.
  ASSERT_EQ(chain.Run("bob", Payment{Addr("carol"), "USD", 90'00}), RC::kSuccess);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 100'00}), RC::kInsufficientBalance);
  EXPECT_EQ(Get(id).status, DisputeStatus::kOpen);
  // A frozen payer cannot be credited.
  ASSERT_EQ(chain.Run("compliance", FreezeAccount{Addr("alice")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 10'00}), RC::kReceiverFrozen);
  ASSERT_EQ(chain.Run("compliance", UnfreezeAccount{Addr("alice")}), RC::kSuccess);
  EXPECT_EQ(chain.Run("arbiter", DisputeResolve{id, 10'00}), RC::kSuccess);
  EXPECT_EQ(chain.BalanceOf("bob", "USD"), (Balance{0, 0}));
}

TEST_F(DisputeTest, OperationsRoundTripThroughTheEncoding) {
  for (const Operation& op : {Operation(Open(payment, 5, true)), Operation(DisputeResolve{3, 9})}) {
    Writer w;
    EncodeOperation(w, op);
    Reader rd(w.data());
    Operation back;
    ASSERT_TRUE(DecodeOperation(rd, back));
    EXPECT_EQ(back, op);
  }
  Writer w;
  EncodeOperation(w, DisputeOpen{payment, 1, false, std::string(kMaxDisputeReasonBytes + 1, 'a')});
  Reader rd(w.data());
  Operation back;
  EXPECT_FALSE(DecodeOperation(rd, back));
}

}  // namespace
}  // namespace corridor::contracts

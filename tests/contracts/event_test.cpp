// Event names and the balance effect of each event type.
#include "contracts/event.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;

TEST(EventTest, EveryTypeHasADistinctName) {
  std::set<std::string> names;
  for (uint16_t t = 1; t <= 15; ++t) {
    auto name = EventTypeName(t);
    EXPECT_NE(name, "unknown") << t;
    names.insert(std::string(name));
  }
  EXPECT_EQ(names.size(), 15u);
  EXPECT_EQ(EventTypeName(0), "unknown");
  EXPECT_EQ(EventTypeName(999), "unknown");
}

TEST(EventTest, BalanceEffects) {
  Event transfer;
  transfer.type = static_cast<uint16_t>(EventType::kTransfer);
  transfer.account = Addr("alice");
  transfer.counterparty = Addr("bob");
  transfer.asset = "USD";
  transfer.amount = 5;
  EXPECT_EQ(EffectOn(transfer, Addr("alice")).debit, 5u);
  EXPECT_EQ(EffectOn(transfer, Addr("alice")).credit, 0u);
  EXPECT_EQ(EffectOn(transfer, Addr("bob")).credit, 5u);
  EXPECT_EQ(EffectOn(transfer, Addr("bank")).credit + EffectOn(transfer, Addr("bank")).debit, 0u);

  Event mint = transfer;
  mint.type = static_cast<uint16_t>(EventType::kMint);
  mint.counterparty = Addr("bank");  // the issuer is not debited
  EXPECT_EQ(EffectOn(mint, Addr("alice")).credit, 5u);
  EXPECT_EQ(EffectOn(mint, Addr("bank")).debit, 0u);

  Event burn = transfer;
  burn.type = static_cast<uint16_t>(EventType::kBurn);
  burn.counterparty = Address{};
  EXPECT_EQ(EffectOn(burn, Addr("alice")).debit, 5u);

  Event frozen = transfer;
  frozen.type = static_cast<uint16_t>(EventType::kAccountFrozen);
  EXPECT_EQ(EffectOn(frozen, Addr("alice")).debit, 0u);
}

// Every receipt the executor emits moves balances exactly as EffectOn says:
// summing effects over a block's events gives each account's balance change.
TEST(EventTest, EffectsMatchTheExecutorsBalanceChanges) {
  testing::TestChain c;
  auto before_alice = c.BalanceOf("alice", "USD").available;
  auto before_bob = c.BalanceOf("bob", "USD").available;
  auto receipts = c.Commit({c.Tx("alice", Payment{Addr("bob"), "USD", 700}),
                            c.Tx("bank", Mint{Addr("alice"), "USD", 300})});
  receipts.push_back(c.Commit({c.Tx("bob", Burn{"USD", 200})}).at(0));
  int64_t alice = 0, bob = 0;
  for (const auto& r : receipts) {
    for (const auto& e : r.events) {
      alice += static_cast<int64_t>(EffectOn(e, Addr("alice")).credit) -
               static_cast<int64_t>(EffectOn(e, Addr("alice")).debit);
      bob += static_cast<int64_t>(EffectOn(e, Addr("bob")).credit) -
             static_cast<int64_t>(EffectOn(e, Addr("bob")).debit);
    }
  }
  EXPECT_EQ(alice, static_cast<int64_t>(c.BalanceOf("alice", "USD").available) -
                       static_cast<int64_t>(before_alice));
  EXPECT_EQ(bob, static_cast<int64_t>(c.BalanceOf("bob", "USD").available) -
                     static_cast<int64_t>(before_bob));
  EXPECT_EQ(alice, -400);
  EXPECT_EQ(bob, 500);
}

}  // namespace
}  // namespace corridor::contracts

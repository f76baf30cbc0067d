// Issue 7 on a real local network (four corridord processes): a USD->EUR
// payment through a liquidity provider, a refunded escrow and a 1,000-trade
// settlement batch, each visible through RPC on every validator.
#include <gtest/gtest.h>

#include <iostream>

#include "cluster_fixture.h"

namespace corridor {
namespace {

Address Dev(std::string_view name) {
  return Address::FromPublicKey(contracts::DevKey(name).public_key());
}

constexpr int kTraders = 50;

std::string TraderName(int i) {
  return "cluster-trader-" + std::to_string(i);
}

class ExchangeCluster : public Cluster {
 protected:
  // Submits `ops` from `from` with consecutive nonces starting at `nonce`,
  // at most 16 at a time (the mempool's nonce window), waiting for each
  // chunk to commit on every validator: a node admits nonces relative to its
  // own committed state, and one that lags would refuse the next chunk.
  // Returns the ids; advances `nonce`.
  static std::vector<std::string> SubmitAll(const std::string& from, uint64_t& nonce,
                                            const std::vector<Operation>& ops) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < ops.size(); ++i) {
      ids.push_back(SubmitOp(i % kNodes, from, nonce++, ops[i]));
      if ((i + 1) % 16 != 0 && i + 1 != ops.size()) continue;
      const std::string last = ids.back();
      for (size_t n = 0; n < kNodes; ++n) {
        std::string status;
        EXPECT_TRUE(WaitUntil(
            [&] {
              status = TxStatus(n, last);
              return status != "pending" && status != "unknown" && !status.empty();
            },
            60s))
            << from << " nonce " << nonce - 1 << " on validator-" << n + 1 << ": " << status;
      }
    }
    return ids;
  }

  static rpc::Json Params1(const char* key, const std::string& value) {
    rpc::Json p = rpc::Json::Object();
    p.Set(key, value);
    return p;
  }

  // `method` answers the same `field` on every validator once they all have
  // the block; returns that value.
  static std::string SameOnAllNodes(std::string_view method, const rpc::Json& params,
                                    const char* field) {
    std::string first;
    for (size_t i = 0; i < kNodes; ++i) {
      std::string got;
      EXPECT_TRUE(WaitUntil(
          [&] {
            auto r = Call(i, method, params);
            if (!r || !r->value().HasMember(field)) return false;
            const auto& v = r->value()[field];
            got = v.IsString() ? v.GetString() : std::to_string(v.GetUint64());
            return true;
          },
          30s))
          << method << " on validator-" << i + 1;
      if (i == 0) first = got;
      EXPECT_EQ(got, first) << method << "." << field << " differs on validator-" << i + 1;
    }
    return first;
  }

  static std::string Available(size_t node, const Address& a, const std::string& asset) {
    auto r = Call(node, "account_get", Params1("address", a.ToString()));
    if (!r) return "";
    for (const auto& b : r->value()["balances"].GetArray()) {
      if (asset == b["asset"].GetString()) return b["available"].GetString();
    }
    return "0";
  }
};

TEST_F(ExchangeCluster, FxPaymentEscrowRefundAndThousandTradeBatch) {
  uint64_t admin = 0, oracle = 0, exchange = 0, alice = 0;
  // The exchange provides liquidity; the oracle publishes USD/EUR 0.92.
  SubmitAll("admin", admin, {GrantRole{Dev("exchange"), Role::kLiquidityProvider}});
  SubmitAll("oracle", oracle, {PublishRate{"USD", "EUR", 92, 100, 0, 1'000'000}});

  // 1. A USD->EUR payment: bob receives exactly 10.00 EUR, alice pays
  //    ceil(1000 * 100 / 92) = 1087 cents.
  const std::string bob_eur_before = Available(0, Dev("bob"), "EUR");
  auto fx = SubmitAll("alice", alice,
                      {FxPayment{Dev("bob"), "USD", "EUR", 10'00, 11'00, Dev("exchange")}});
  EXPECT_EQ(SameOnAllNodes("chain_getTransaction", Params1("id", fx[0]), "status"), "committed");
  for (size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(Available(i, Dev("alice"), "USD"), "999989.13") << "validator-" << i + 1;
  }
  EXPECT_EQ(bob_eur_before, "1000000.00");
  EXPECT_EQ(Available(kNodes - 1, Dev("bob"), "EUR"), "1000010.00");

  // 2. An escrow alice cannot complete (bob never gets it released) is
  //    refunded at its deadline by every validator's begin-block step.
  const std::string alice_usd = Available(0, Dev("alice"), "USD");
  const uint64_t deadline = Height(0).value_or(0) + 6;
  auto created = SubmitAll("alice", alice,
                           {EscrowCreate{Dev("bob"), "USD", 5'00, Address{}, Hash{}, deadline}});
  auto receipt = Call(0, "chain_getTransaction", Params1("id", created[0]));
  ASSERT_TRUE(receipt.has_value());
  ASSERT_EQ(std::string(receipt->value()["status"].GetString()), "committed");
  uint64_t escrow_id = 0;
  for (const auto& e : receipt->value()["receipt"]["events"].GetArray()) {
    if (e.HasMember("escrowId")) escrow_id = e["escrowId"].GetUint64();
  }
  ASSERT_NE(escrow_id, 0u);
  rpc::Json by_id = rpc::Json::Object();
  by_id.Set("id", escrow_id);
  EXPECT_EQ(SameOnAllNodes("escrow_get", by_id, "amount"), "5.00");
  for (size_t i = 0; i < kNodes; ++i) {
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto r = Call(i, "escrow_get", by_id);
          return r && std::string(r->value()["status"].GetString()) == "refunded";
        },
        60s))
        << "escrow " << escrow_id << " not refunded on validator-" << i + 1;
    EXPECT_EQ(Available(i, Dev("alice"), "USD"), alice_usd) << "validator-" << i + 1;
  }
  EXPECT_EQ(SameOnAllNodes("escrow_get", by_id, "closedHeight"), std::to_string(deadline));

  // 3. A 1,000-trade batch between 50 registered, funded traders.
  std::vector<Operation> regs, funding;
  for (int i = 0; i < kTraders; ++i) {
    regs.push_back(RegisterAccount{Dev(TraderName(i)), 1, "SG", "trader"});
    funding.push_back(Payment{Dev(TraderName(i)), "USD", 1'000'00});
    funding.push_back(Payment{Dev(TraderName(i)), "EUR", 1'000'00});
  }
  SubmitAll("admin", admin, regs);
  SubmitAll("exchange", exchange, funding);
  SettleBatch batch{"cluster-batch-1", {}};
  for (int i = 0; i < 1000; ++i) {
    int buyer = i % kTraders, seller = (i * 7 + 3) % kTraders;
    if (seller == buyer) seller = (seller + 1) % kTraders;
    batch.trades.push_back(
        Trade{"T" + std::to_string(i), Dev(TraderName(buyer)), Dev(TraderName(seller)), "EUR",
              static_cast<uint64_t>(1'00 + i % 10), "USD", static_cast<uint64_t>(1'10 + i % 13)});
  }
  const auto start = std::chrono::steady_clock::now();
  auto settled = SubmitAll("exchange", exchange, {batch});
  const auto took = std::chrono::steady_clock::now() - start;
  std::cout << "1,000-trade batch committed in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms (submit to committed, 4 validators)\n";
  EXPECT_EQ(SameOnAllNodes("chain_getTransaction", Params1("id", settled[0]), "status"),
            "committed");
  EXPECT_EQ(SameOnAllNodes("settlement_getBatch", Params1("batchId", "cluster-batch-1"), "txId"),
            settled[0]);
  EXPECT_EQ(SameOnAllNodes("settlement_getBatch", Params1("batchId", "cluster-batch-1"), "trades"),
            "1000");
  // Resubmitting the batch (new nonce, same id) moves nothing.
  auto again = SubmitAll("exchange", exchange, {batch});
  auto r = Call(1, "chain_getTransaction", Params1("id", again[0]));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::string(r->value()["receipt"]["codeName"].GetString()), "batch_already_settled");
  for (int i = 0; i < kTraders; i += 10) {
    const std::string eur = Available(0, Dev(TraderName(i)), "EUR");
    for (size_t n = 1; n < kNodes; ++n) {
      EXPECT_EQ(Available(n, Dev(TraderName(i)), "EUR"), eur) << TraderName(i);
    }
  }
  ExpectAgreement();
}

}  // namespace
}  // namespace corridor

// Batch trade settlement (delivery versus payment) and exchange deposits /
// withdrawals (issue 7; docs/state.md §3.6, §3.7): all-or-nothing batches,
// netting, idempotent batch ids, the failing trade named in the receipt, and
// every failure code.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "chain/history.h"
#include "contracts/event.h"
#include "contracts/executor.h"
#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;
using RC = ResultCode;

constexpr int kTraders = 8;

std::string Trader(int i) {
  return "trader-" + std::to_string(i);
}

// Dev genesis plus kTraders KYC'd accounts holding USD and EUR, an account
// without KYC, and a custody account.
GenesisDoc SettlementGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  for (int i = 0; i < kTraders; ++i) {
    GenesisAccount a;
    a.address = Addr(Trader(i));
    a.kyc_level = 1;
    a.jurisdiction = "SG";
    doc.accounts.push_back(a);
    doc.balances.push_back({a.address, "USD", 1'000'00});
    doc.balances.push_back({a.address, "EUR", 1'000'00});
  }
  GenesisAccount nokyc;
  nokyc.address = Addr("no-kyc");
  nokyc.kyc_level = 0;
  nokyc.jurisdiction = "SG";
  doc.accounts.push_back(nokyc);
  doc.balances.push_back({nokyc.address, "USD", 1'000'00});
  GenesisAccount custody;
  custody.address = Addr("custody");
  custody.kyc_level = 3;
  custody.jurisdiction = "SG";
  custody.roles = {Role::kCustody};
  doc.accounts.push_back(custody);
  doc.balances.push_back({custody.address, "USD", 50'000'00});
  return doc;
}

// buyer gets `base` EUR from seller, seller gets `quote` USD from buyer.
Trade T(std::string id, std::string_view buyer, std::string_view seller, uint64_t base,
        uint64_t quote) {
  return Trade{std::move(id), Addr(buyer), Addr(seller), "EUR", base, "USD", quote};
}

SettleBatch Batch(std::string id, std::vector<Trade> trades) {
  return SettleBatch{std::move(id), std::move(trades)};
}

uint64_t Avail(const TestChain& c, std::string_view name, std::string_view asset) {
  return c.BalanceOf(name, asset).available;
}

// Every trader's USD and EUR balance.
std::map<std::string, uint64_t> Snapshot(const TestChain& c) {
  std::map<std::string, uint64_t> m;
  for (int i = 0; i < kTraders; ++i) {
    for (const char* a : {"USD", "EUR"}) m[Trader(i) + a] = Avail(c, Trader(i), a);
  }
  return m;
}

// The failed receipt's batch_failed event.
const Event& FailureOf(const Receipt& r) {
  EXPECT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events.at(0).type, static_cast<uint16_t>(EventType::kBatchFailed));
  return r.events.at(0);
}

Receipt RunOne(TestChain& c, std::string_view signer, Operation op) {
  auto receipts = c.Commit({c.Tx(signer, std::move(op))});
  EXPECT_EQ(receipts.size(), 1u);
  return receipts.at(0);
}

// ------------------------------------------------------------ encoding

TEST(SettleBatchTest, EncodingRoundTripsAndIsBounded) {
  Operation op = Batch("b-1", {T("t1", "trader-0", "trader-1", 5, 6), T("t2", "a", "b", 1, 2)});
  Writer w;
  EncodeOperation(w, op);
  Reader r(w.data());
  Operation back;
  ASSERT_TRUE(DecodeOperation(r, back)) << r.error().ToString();
  EXPECT_EQ(back, op);
  for (size_t n = 0; n < w.data().size(); ++n) {
    Reader t(ByteSpan(w.data().data(), n));
    Operation o;
    EXPECT_FALSE(DecodeOperation(t, o)) << n;
  }
  // A claimed trade count above the limit is refused before allocating.
  Writer big;
  big.U16(static_cast<uint16_t>(OpType::kSettleBatch));
  Writer payload;
  payload.String("b");
  payload.Varint(kMaxBatchTrades + 1);
  big.VarBytes(payload.data());
  Reader br(big.data());
  Operation o;
  EXPECT_FALSE(DecodeOperation(br, o));
  // Ids must be printable ASCII, 1..64 bytes.
  const std::pair<std::string, std::string> bad_ids[] = {
      {"", "bad_external_id"}, {"a\nb", "bad_external_id"}, {std::string(65, 'x'), "length_too_large"}};
  for (const auto& [bad, code] : bad_ids) {
    Writer bw;
    EncodeOperation(bw, Operation{Batch(bad, {T("t", "a", "b", 1, 1)})});
    Reader rr(bw.data());
    Operation oo;
    EXPECT_FALSE(DecodeOperation(rr, oo));
    EXPECT_EQ(rr.error().code, code);
  }
}

TEST(SettleBatchTest, EmptyBatchIsMalformedAndNeverIncluded) {
  TestChain c(SettlementGenesis());
  EXPECT_EQ(c.Run("exchange", Batch("b", {})), RC::kBadField);
  EXPECT_EQ(c.height(), 0u);
}

// ------------------------------------------------------------ success

TEST(SettleBatchTest, AppliesNetAmountsAndRecordsTheBatch) {
  TestChain c(SettlementGenesis());
  const uint64_t eur_supply = c.AssetOf("EUR")->supply;
  // trader-0 buys 10.00 EUR from trader-1 for 11.00 USD, then sells 4.00 EUR
  // to trader-2 for 4.50 USD.
  Receipt r = RunOne(c, "exchange",
                     Batch("batch-1", {T("t1", "trader-0", "trader-1", 10'00, 11'00),
                                       T("t2", "trader-2", "trader-0", 4'00, 4'50)}));
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(Avail(c, "trader-0", "EUR"), 1'000'00 + 6'00);
  EXPECT_EQ(Avail(c, "trader-0", "USD"), 1'000'00 - 6'50);
  EXPECT_EQ(Avail(c, "trader-1", "EUR"), 1'000'00 - 10'00);
  EXPECT_EQ(Avail(c, "trader-1", "USD"), 1'000'00 + 11'00);
  EXPECT_EQ(Avail(c, "trader-2", "EUR"), 1'000'00 + 4'00);
  EXPECT_EQ(Avail(c, "trader-2", "USD"), 1'000'00 - 4'50);

  // batch_settled first, then one net movement per (account, asset).
  ASSERT_EQ(r.events.size(), 7u);
  EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kBatchSettled));
  EXPECT_EQ(r.events[0].account, Addr("exchange"));
  EXPECT_EQ(r.events[0].amount, 2u);
  EXPECT_EQ(r.events[0].detail, 6u);
  std::map<std::pair<Address, std::string>, int64_t> moved;
  for (size_t i = 1; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    auto effect = EffectOn(e, e.account);
    moved[{e.account, e.asset}] +=
        static_cast<int64_t>(effect.credit) - static_cast<int64_t>(effect.debit);
  }
  EXPECT_EQ((moved[{Addr("trader-0"), "EUR"}]), 6'00);
  EXPECT_EQ((moved[{Addr("trader-0"), "USD"}]), -6'50);
  EXPECT_EQ((moved[{Addr("trader-1"), "USD"}]), 11'00);

  auto rec = ReadSettledBatch(c.store().state(), "batch-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->height, 1u);
  EXPECT_EQ(rec->tx_id, r.tx_id);
  EXPECT_EQ(rec->operator_account, Addr("exchange"));
  EXPECT_EQ(rec->trades, 2u);
  EXPECT_EQ(rec->movements, 6u);
  // Supply unchanged.
  EXPECT_EQ(c.AssetOf("EUR")->supply, eur_supply);
}

TEST(SettleBatchTest, NettingLetsAnAccountSellWhatItBoughtEarlierInTheBatch) {
  TestChain c(SettlementGenesis());
  // trader-3 has 1,000.00 EUR; it buys 500.00 more and sells 1,400.00: only
  // the net (-900.00) must be available.
  Receipt r = RunOne(c, "exchange",
                     Batch("net", {T("t1", "trader-3", "trader-4", 500'00, 1),
                                   T("t2", "trader-5", "trader-3", 1'400'00, 1)}));
  ASSERT_EQ(r.code, 0) << contracts::NameOf(static_cast<RC>(r.code));
  EXPECT_EQ(Avail(c, "trader-3", "EUR"), 100'00);
}

TEST(SettleBatchTest, ReplayedBatchIdIsRefusedAndMovesNothing) {
  TestChain c(SettlementGenesis());
  SettleBatch b = Batch("once", {T("t1", "trader-0", "trader-1", 1'00, 1'00)});
  ASSERT_EQ(c.Run("exchange", b), RC::kSuccess);
  auto before = Snapshot(c);
  // The exchange resubmits after a timeout (a new transaction, same batch id).
  EXPECT_EQ(c.Run("exchange", b), RC::kBatchAlreadySettled);
  EXPECT_EQ(Snapshot(c), before);
  EXPECT_EQ(ReadSettledBatch(c.store().state(), "once")->height, 1u);
}

TEST(SettleBatchTest, FailedBatchIdCanBeResubmittedCorrected) {
  TestChain c(SettlementGenesis());
  EXPECT_EQ(c.Run("exchange", Batch("fix-me", {T("t1", "trader-0", "trader-1", 1'00, 2'000'00)})),
            RC::kInsufficientBalance);
  EXPECT_FALSE(ReadSettledBatch(c.store().state(), "fix-me").has_value());
  EXPECT_EQ(c.Run("exchange", Batch("fix-me", {T("t1", "trader-0", "trader-1", 1'00, 2'00)})),
            RC::kSuccess);
}

// ------------------------------------------------------------ all or nothing

TEST(SettleBatchTest, FailureOnTheLastTradeLeavesEveryBalanceUntouched) {
  TestChain c(SettlementGenesis());
  std::vector<Trade> trades;
  for (int i = 0; i < 50; ++i) {
    trades.push_back(T("t" + std::to_string(i), Trader(i % kTraders), Trader((i + 1) % kTraders),
                       1'00, 1'00));
  }
  // The last trade asks trader-6 to pay more USD than it has.
  trades.push_back(T("last", "trader-6", "trader-7", 1'00, 5'000'00));
  auto before = Snapshot(c);
  const Hash root_before = c.store().state().Root();
  Receipt r = RunOne(c, "exchange", Batch("all-or-nothing", trades));
  EXPECT_EQ(r.code, static_cast<uint16_t>(RC::kInsufficientBalance));
  EXPECT_EQ(Snapshot(c), before);
  const Event& f = FailureOf(r);
  EXPECT_EQ(f.amount, 50u);  // index of the failing trade
  EXPECT_EQ(f.account, Addr("trader-6"));
  EXPECT_EQ(f.asset, "USD");
  EXPECT_EQ(f.detail, static_cast<uint16_t>(RC::kInsufficientBalance));
  // Only the operator's nonce changed.
  EXPECT_NE(c.store().state().Root(), root_before);
  EXPECT_EQ(c.AccountOf("exchange")->next_nonce, 1u);
  EXPECT_FALSE(ReadSettledBatch(c.store().state(), "all-or-nothing").has_value());
}

TEST(SettleBatchTest, ShortfallIsNamedAtTheTradeWhereItFirstAppears) {
  TestChain c(SettlementGenesis());
  // trader-0 sells 900 EUR (ok), buys 100 (ok), sells 300 (running -1,100 >
  // 1,000 available: this trade), buys 50: net -1,050 fails.
  Receipt r = RunOne(c, "exchange",
                     Batch("short", {T("a", "trader-1", "trader-0", 900'00, 1),
                                     T("b", "trader-0", "trader-2", 100'00, 1),
                                     T("c", "trader-3", "trader-0", 300'00, 1),
                                     T("d", "trader-0", "trader-4", 50'00, 1)}));
  EXPECT_EQ(r.code, static_cast<uint16_t>(RC::kInsufficientBalance));
  EXPECT_EQ(FailureOf(r).amount, 2u);
  EXPECT_EQ(FailureOf(r).account, Addr("trader-0"));
  EXPECT_EQ(FailureOf(r).asset, "EUR");
}

// ------------------------------------------------------------ failure codes

struct FailCase {
  const char* name;
  std::function<void(TestChain&)> setup;
  std::vector<Trade> trades;
  RC code;
  uint64_t index;
  std::string account;  // "" = none named
  std::string asset;    // "" = none named
};

TEST(SettleBatchTest, EachFailureCodeNamesTheTradeAndMovesNothing) {
  auto none = [](TestChain&) {};
  const Trade ok = T("ok", "trader-0", "trader-1", 1, 1);
  std::vector<FailCase> cases = {
      {"buyer is seller", none, {ok, T("x", "trader-2", "trader-2", 1, 1)}, RC::kBadTrade, 1, "",
       ""},
      {"zero base amount", none, {T("x", "trader-2", "trader-3", 0, 1)}, RC::kBadTrade, 0, "", ""},
      {"zero quote amount", none, {ok, T("x", "trader-2", "trader-3", 1, 0)}, RC::kBadTrade, 1,
       "", ""},
      {"base equals quote",
       none,
       {ok, Trade{"x", Addr("trader-2"), Addr("trader-3"), "USD", 1, "USD", 1}},
       RC::kBadTrade,
       1,
       "",
       ""},
      {"duplicate trade id names the second",
       none,
       {T("dup", "trader-0", "trader-1", 1, 1), ok, T("dup", "trader-2", "trader-3", 1, 1)},
       RC::kBadTrade,
       2,
       "",
       ""},
      {"unknown asset",
       none,
       {ok, Trade{"x", Addr("trader-2"), Addr("trader-3"), "JPY", 1, "USD", 1}},
       RC::kUnknownAsset,
       1,
       "",
       "JPY"},
      {"asset frozen",
       [](TestChain& c) { ASSERT_EQ(c.Run("compliance", FreezeAsset{"EUR"}), RC::kSuccess); },
       {ok},
       RC::kAssetFrozen,
       0,
       "",
       "EUR"},
      {"unknown buyer", none, {ok, T("x", "nobody", "trader-3", 1, 1)}, RC::kUnknownAccount, 1,
       "nobody", ""},
      {"seller frozen",
       [](TestChain& c) {
         ASSERT_EQ(c.Run("compliance", FreezeAccount{Addr("trader-5")}), RC::kSuccess);
       },
       {ok, T("x", "trader-4", "trader-5", 1, 1)},
       RC::kTraderFrozen,
       1,
       "trader-5",
       ""},
      {"no KYC", none, {ok, T("x", "no-kyc", "trader-3", 1, 1)}, RC::kKycRequired, 1, "no-kyc",
       ""},
      {"seller lacks the base asset",
       none,
       {ok, T("x", "trader-4", "trader-5", 1'000'01, 1)},
       RC::kInsufficientBalance,
       1,
       "trader-5",
       "EUR"},
  };
  for (const FailCase& fc : cases) {
    SCOPED_TRACE(fc.name);
    TestChain c(SettlementGenesis());
    fc.setup(c);
    auto before = Snapshot(c);
    Receipt r = RunOne(c, "exchange", Batch("b", fc.trades));
    EXPECT_EQ(r.code, static_cast<uint16_t>(fc.code))
        << contracts::NameOf(static_cast<RC>(r.code));
    const Event& f = FailureOf(r);
    EXPECT_EQ(f.amount, fc.index);
    EXPECT_EQ(f.detail, static_cast<uint16_t>(fc.code));
    EXPECT_EQ(f.account, fc.account.empty() ? Address{} : Addr(fc.account));
    EXPECT_EQ(f.asset, fc.asset);
    EXPECT_EQ(Snapshot(c), before);
  }
}

TEST(SettleBatchTest, OnlyTheOperatorRoleMaySettle) {
  TestChain c(SettlementGenesis());
  Receipt r = RunOne(c, "trader-0", Batch("b", {T("t", "trader-0", "trader-1", 1, 1)}));
  EXPECT_EQ(r.code, static_cast<uint16_t>(RC::kUnauthorizedRole));
  EXPECT_TRUE(r.events.empty());
}

// ------------------------------------------------------------ size

TEST(SettleBatchTest, ThousandTradeBatchConservesSupplyAndIndexesCompactly) {
  TestChain c(SettlementGenesis());
  std::vector<Trade> trades;
  for (int i = 0; i < 1000; ++i) {
    trades.push_back(T("t" + std::to_string(i), Trader(i % kTraders),
                       Trader((i * 3 + 1) % kTraders == i % kTraders ? (i + 1) % kTraders
                                                                     : (i * 3 + 1) % kTraders),
                       1 + i % 7, 1 + i % 5));
  }
  const uint64_t eur = c.AssetOf("EUR")->supply;
  const uint64_t usd = c.AssetOf("USD")->supply;
  auto txs = std::vector<TransactionPtr>{c.Tx("exchange", Batch("big", trades))};
  auto receipts = c.Commit(txs);
  ASSERT_EQ(receipts.at(0).code, 0);
  EXPECT_EQ(c.AssetOf("EUR")->supply, eur);
  EXPECT_EQ(c.AssetOf("USD")->supply, usd);
  uint64_t sum_eur = 0;
  for (int i = 0; i < kTraders; ++i) sum_eur += Avail(c, Trader(i), "EUR");
  EXPECT_EQ(sum_eur, kTraders * 1'000'00u);

  // Account history: a trader's record names the operator as its only
  // counterparty and carries only its own movements.
  BlockHeader h;
  h.height = 1;
  auto records = BuildAccountHistory(h, 0, *txs[0], receipts[0]);
  ASSERT_EQ(records.size(), kTraders + 1u);
  for (const auto& [account, rec] : records) {
    if (account == Addr("exchange")) {
      EXPECT_TRUE(rec.is_sender);
      EXPECT_EQ(rec.events.size(), 1u);  // batch_settled
      continue;
    }
    EXPECT_EQ(rec.counterparties, std::vector<Address>{Addr("exchange")});
    EXPECT_LE(rec.events.size(), 2u);
    for (const Event& e : rec.events) EXPECT_EQ(e.account, account);
  }
}

// ------------------------------------------------------------ deposits

TEST(ExchangeDepositTest, DepositAndWithdrawalMoveFundsOnceForEachReference) {
  TestChain c(SettlementGenesis());
  Receipt r = RunOne(c, "trader-0", ExchangeDeposit{Addr("custody"), "USD", 25'00, "dep-001"});
  ASSERT_EQ(r.code, 0);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type, static_cast<uint16_t>(EventType::kTransfer));
  EXPECT_EQ(Avail(c, "trader-0", "USD"), 975'00u);
  EXPECT_EQ(Avail(c, "custody", "USD"), 50'025'00u);
  auto ref = ReadExchangeReference(c.store().state(), Addr("custody"), "dep-001");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->tx_id, r.tx_id);
  // The same reference again (a resubmission) moves nothing.
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("custody"), "USD", 25'00, "dep-001"}),
            RC::kDuplicateReference);
  EXPECT_EQ(Avail(c, "trader-0", "USD"), 975'00u);

  EXPECT_EQ(c.Run("custody", ExchangeWithdrawal{Addr("trader-1"), "USD", 10'00, "wd-001"}),
            RC::kSuccess);
  EXPECT_EQ(Avail(c, "trader-1", "USD"), 1'010'00u);
  EXPECT_EQ(c.Run("custody", ExchangeWithdrawal{Addr("trader-1"), "USD", 10'00, "wd-001"}),
            RC::kDuplicateReference);
  // References are one namespace per custody account.
  EXPECT_EQ(c.Run("custody", ExchangeWithdrawal{Addr("trader-1"), "USD", 1, "dep-001"}),
            RC::kDuplicateReference);
}

TEST(ExchangeDepositTest, FailureCodes) {
  TestChain c(SettlementGenesis());
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("trader-1"), "USD", 1, "r"}), RC::kNotCustody);
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("nobody"), "USD", 1, "r"}),
            RC::kUnknownAccount);
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("custody"), "JPY", 1, "r"}), RC::kUnknownAsset);
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("custody"), "USD", 2'000'00, "r"}),
            RC::kInsufficientBalance);
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("custody"), "USD", 0, "r"}), RC::kZeroAmount);
  EXPECT_EQ(c.Run("custody", ExchangeDeposit{Addr("custody"), "USD", 1, "r"}), RC::kSelfPayment);
  EXPECT_EQ(c.Run("trader-0", ExchangeWithdrawal{Addr("trader-1"), "USD", 1, "r"}),
            RC::kUnauthorizedRole);
  EXPECT_EQ(c.Run("custody", ExchangeWithdrawal{Addr("nobody"), "USD", 1, "r"}),
            RC::kUnknownAccount);
  // A failed movement does not use up its reference.
  EXPECT_EQ(c.Run("trader-0", ExchangeDeposit{Addr("custody"), "USD", 1, "r"}), RC::kSuccess);
}

}  // namespace
}  // namespace corridor::contracts

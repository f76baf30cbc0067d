// `corridor settle ...` and `corridor exchange ...`: the trades CSV (every
// mistake named by line and column, the protocol's size bound), the batch it
// builds, and the commands against the fake node (tests/wallet/fake_node.h).
#include "wallet/cli_settle.h"

#include <gtest/gtest.h>

#include <fstream>

#include "chain/amount.h"
#include "tests/wallet/fake_node.h"

namespace corridor::wallet::cli {
namespace {

using testing::CliTest;

Address NewAddress() {
  return Address::FromPublicKey(PrivateKey::Generate().public_key());
}

// ---------------------------------------------------------------- the CSV

class TradesCsv : public ::testing::Test {
 protected:
  CliResult<std::vector<CsvTrade>> Parse(const std::string& text) {
    return ParseTradesCsv(text, "trades.csv", [this](const std::string& name) {
      auto it = keys_.find(name);
      return it == keys_.end() ? std::nullopt : std::optional<Address>(it->second);
    });
  }
  void ExpectError(const std::string& text, const std::string& message) {
    auto r = Parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().exit_code, kExitUsage);
    EXPECT_EQ(r.error().message, message);
  }
  std::string Row(const std::string& id, const std::string& base_amount = "1.50") {
    return id + "," + buyer_.ToString() + "," + seller_.ToString() + ",BTC," + base_amount +
           ",USD,100.00\n";
  }

  Address buyer_ = NewAddress();
  Address seller_ = NewAddress();
  std::map<std::string, Address> keys_ = {{"alice", buyer_}, {"bob", seller_}};
};

TEST_F(TradesCsv, RowsWithHeaderCommentsQuotesAndKeyNames) {
  const std::string text =
      "\xEF\xBB\xBFtrade_id,buyer,seller,base_asset,base_amount,quote_asset,quote_amount\r\n"
      "# matched 2025-01-31\r\n"
      "\r\n" +
      Row("T-1") + "  T-2 , alice , bob , BTC , 0.25 , USD , 10 \n" +
      "\"T,3 \"\"x\"\"\",alice,bob,BTC,1,USD,2.5";  // no final newline
  auto rows = Parse(text);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  const CsvTrade& a = (*rows)[0];
  EXPECT_EQ(a.line, 4u);
  EXPECT_EQ(a.trade_id, "T-1");
  EXPECT_EQ(a.buyer, buyer_);
  EXPECT_EQ(a.seller, seller_);
  EXPECT_EQ(a.base_asset, "BTC");
  EXPECT_EQ(a.base_amount, "1.50");
  EXPECT_EQ(a.quote_asset, "USD");
  EXPECT_EQ(a.quote_amount, "100.00");
  EXPECT_EQ((*rows)[1].trade_id, "T-2");
  EXPECT_EQ((*rows)[1].buyer, buyer_);
  EXPECT_EQ((*rows)[1].quote_amount, "10");
  EXPECT_EQ((*rows)[2].trade_id, "T,3 \"x\"");
  EXPECT_EQ((*rows)[2].line, 6u);
}

TEST_F(TradesCsv, EveryMistakeNamesItsLineAndColumn) {
  const std::string h = "trade_id,buyer,seller,base_asset,base_amount,quote_asset,quote_amount\n";
  std::string typo = seller_.ToString();
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  ExpectError(h + Row("T-1") + "T-2,alice,bob,BTC,1\n",
              "trades.csv line 3: expected 7 columns (trade_id,buyer,seller,base_asset,"
              "base_amount,quote_asset,quote_amount), found 5");
  ExpectError(Row("T-1") + "T-2,alice,bob,BTC,1,USD,2,\n",
              "trades.csv line 2: expected 7 columns (trade_id,buyer,seller,base_asset,"
              "base_amount,quote_asset,quote_amount), found more than 7");
  ExpectError(h + "T-1,alice," + typo + ",BTC,1,USD,2\n",
              "trades.csv line 2, column 3 (seller): address checksum does not match (a "
              "character is mistyped)");
  ExpectError(h + "T-1,carol,bob,BTC,1,USD,2\n",
              "trades.csv line 2, column 2 (buyer): 'carol' is neither an address (" +
                  Address::Parse("carol").error().message + ") nor a key in the keystore");
  ExpectError("T-1,alice,,BTC,1,USD,2\n",
              "trades.csv line 1, column 3 (seller): an address is missing");
  ExpectError("T-1,alice,alice,BTC,1,USD,2\n",
              "trades.csv line 1, column 3 (seller): the seller is the buyer; a trade needs two "
              "accounts");
  ExpectError("T-1,alice,bob,btc,1,USD,2\n",
              "trades.csv line 1, column 4 (base_asset): 'btc' is not an asset code (1-12 "
              "characters A-Z and 0-9, such as USD)");
  ExpectError("T-1,alice,bob,USD,1,USD,2\n",
              "trades.csv line 1, column 6 (quote_asset): the same asset as base_asset (USD)");
  ExpectError("T-1,alice,bob,BTC,1.5.0,USD,2\n",
              "trades.csv line 1, column 5 (base_amount): amount '1.5.0' must look like 12 or "
              "12.50 (digits, one '.', no sign or commas)");
  ExpectError("T-1,alice,bob,BTC,1,USD,-2\n",
              "trades.csv line 1, column 7 (quote_amount): amount '-2' must look like 12 or "
              "12.50 (digits, one '.', no sign or commas)");
  ExpectError(Row("T-1") + "\n# again\n" + Row("T-1"),
              "trades.csv line 4, column 1 (trade_id): trade id 'T-1' is already used on line 1");
  ExpectError(Row(std::string(65, 'x')),
              "trades.csv line 1, column 1 (trade_id): a trade id is 1-64 characters of "
              "printable ASCII, not '" +
                  std::string(65, 'x') + "'");
  ExpectError(Row("\"T-1"), "trades.csv line 1: column 1: a quoted field does not end");
  ExpectError("\"T-1\"x,alice,bob,BTC,1,USD,2\n",
              "trades.csv line 1: column 1: text after the closing quote (a quote inside a "
              "field is written \"\")");
  ExpectError("trade_id,buyer,seller,base,base_amount,quote_asset,quote_amount\n" + Row("T-1"),
              "trades.csv line 1: the header must be exactly trade_id,buyer,seller,base_asset,"
              "base_amount,quote_asset,quote_amount");
  ExpectError(h + "# nothing\n\n", "trades.csv has no trades");
  ExpectError("", "trades.csv has no trades");
  ExpectError(std::string(kMaxTradesFileBytes + 1, '#'), "trades.csv is larger than 16 MiB");
}

TEST_F(TradesCsv, AtMostTheProtocolsMaximumOfTradesPerBatch) {
  std::string text = "trade_id,buyer,seller,base_asset,base_amount,quote_asset,quote_amount\n";
  for (size_t i = 0; i < kMaxBatchTrades; ++i) text += Row("T-" + std::to_string(i));
  auto rows = Parse(text);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->size(), kMaxBatchTrades);
  text += Row("T-one-too-many");
  ExpectError(text,
              "trades.csv line 20002: more than 20,000 trades, the most one batch may settle; "
              "split the file into batches");
}

TEST_F(TradesCsv, AmountsTakeEachAssetsDecimals) {
  auto rows = Parse(Row("T-1", "0.00000001") + Row("T-2", "2"));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  DecimalsLookup decimals = [](const std::string& code) -> std::optional<uint8_t> {
    if (code == "BTC") return 8;
    if (code == "USD") return 2;
    return std::nullopt;
  };
  auto batch = BuildSettleBatch("B-1", *rows, "trades.csv", decimals);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->batch_id, "B-1");
  ASSERT_EQ(batch->trades.size(), 2u);
  EXPECT_EQ(batch->trades[0], (Trade{"T-1", buyer_, seller_, "BTC", 1, "USD", 10000}));
  EXPECT_EQ(batch->trades[1], (Trade{"T-2", buyer_, seller_, "BTC", 200'000'000, "USD", 10000}));

  rows = Parse(Row("T-1") + Row("T-2", "0.000000001"));
  auto more = BuildSettleBatch("B-1", *rows, "trades.csv", decimals);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().message,
            "trades.csv line 2, column 5 (base_amount): amount '0.000000001' has more than 8 "
            "decimal places");
  rows = Parse(Row("T-1", "0"));
  auto zero = BuildSettleBatch("B-1", *rows, "trades.csv", decimals);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().message,
            "trades.csv line 1, column 5 (base_amount): must be more than zero");
  rows = Parse("T-1,alice,bob,ETH,1,USD,2\n");
  auto unknown = BuildSettleBatch("B-1", *rows, "trades.csv", decimals);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "trades.csv line 1, column 4 (base_asset): unknown asset 'ETH' (see 'corridor asset "
            "list')");
}

TEST_F(TradesCsv, NetPositionsAreWhatTheBatchMovesPerAccountAndAsset) {
  const Address carol = NewAddress();
  SettleBatch batch{"B-1",
                    {{"T-1", buyer_, seller_, "EUR", 100, "USD", 110},
                     {"T-2", seller_, carol, "EUR", 200, "USD", 220},
                     {"T-3", buyer_, seller_, "EUR", 50, "GBP", 40},
                     {"T-4", seller_, buyer_, "EUR", 50, "GBP", 40}}};
  const auto nets = NetPositions(batch);
  std::map<std::pair<Address, std::string>, std::pair<bool, uint64_t>> got;
  for (size_t i = 0; i < nets.size(); ++i) {
    EXPECT_TRUE(nets[i].fits);
    got[{nets[i].account, nets[i].asset}] = {nets[i].debit, nets[i].amount};
    if (i > 0) {
      EXPECT_LT(std::tie(nets[i - 1].account, nets[i - 1].asset),
                std::tie(nets[i].account, nets[i].asset))
          << "in (account, asset) order";
    }
  }
  // GBP nets to zero for both: no movement.
  const std::map<std::pair<Address, std::string>, std::pair<bool, uint64_t>> want = {
      {{buyer_, "EUR"}, {false, 100}},  {{buyer_, "USD"}, {true, 110}},
      {{seller_, "EUR"}, {false, 100}}, {{seller_, "USD"}, {true, 110}},
      {{carol, "EUR"}, {true, 200}},    {{carol, "USD"}, {false, 220}}};
  EXPECT_EQ(got, want);

  // Nets beyond 64 bits are flagged, not wrapped.
  SettleBatch huge{"B-2",
                   {{"T-1", buyer_, seller_, "EUR", UINT64_MAX, "USD", 1},
                    {"T-2", buyer_, seller_, "EUR", UINT64_MAX, "USD", 1}}};
  for (const auto& n : NetPositions(huge)) {
    EXPECT_EQ(n.fits, n.asset == "USD") << n.asset;
  }
}

// ---------------------------------------------------------------- settle commands

class SettleCommands : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    chain_.SetRoles(Alice(), {"operator"});
    chain_.handlers["settlement_getBatch"] = [this](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
      if (!settled_) return rpc::RpcError::NotFound("batch 'B-1' has not been settled");
      return *settled_;
    };
    carol_ = NewAddress();
    csv_ = (dir_ / "trades.csv").string();
    std::ofstream(csv_) << "trade_id,buyer,seller,base_asset,base_amount,quote_asset,"
                           "quote_amount\n"
                           "T-1,alice,bob,EUR,1.00,USD,1.10\n"
                           "T-2,bob,"
                        << carol_.ToString() << ",EUR,2.00,USD,2.20\n";
  }
  std::vector<std::string> Settle(std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"settle", "batch", "--from",     "alice",
                                  "--file", csv_,    "--batch-id", "B-1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  rpc::Json Settled() {
    rpc::Json r = rpc::Json::Object();
    r.Set("batchId", "B-1");
    r.Set("status", "settled");
    r.Set("txId", std::string(64, 'c'));
    r.Set("height", uint64_t{42});
    r.Set("timestamp", uint64_t{1735689601000});
    r.Set("operator", Alice().ToString());
    r.Set("trades", uint64_t{2});
    r.Set("movements", uint64_t{6});
    return r;
  }

  Address carol_;
  std::string csv_;
  int account_polls_ = 0;
  std::optional<rpc::Json> settled_;
};

TEST_F(SettleCommands, BatchFromTheFileIsSignedAsOneOperation) {
  ASSERT_EQ(Run(Settle()), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  SettleBatch expected{"B-1",
                       {{"T-1", Alice(), Bob(), "EUR", 100, "USD", 110},
                        {"T-2", Bob(), carol_, "EUR", 200, "USD", 220}}};
  EXPECT_EQ(chain_.submitted[0]->body().op, Operation(expected));
  EXPECT_EQ(chain_.submitted[0]->body().nonce, 3u);
  const std::string id = chain_.submitted[0]->id().ToHex();
  EXPECT_EQ(Out(), "batch   B-1 (2 trades from trades.csv)\nid      " + id + "\nstatus  pending\n");
}

TEST_F(SettleCommands, WaitWatchesTheNonceAndReadsTheBigTransactionOnce) {
  // The account's nonce moves once the batch is in a block.
  chain_.handlers["account_get"] = [this](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
    rpc::Json a = chain_.accounts.at(Alice().ToString());
    if (!chain_.submitted.empty() && ++account_polls_ > 3) a.Set("nonce", uint64_t{4});
    return a;
  };
  chain_.statuses = {"committed"};
  rpc::Json settled = rpc::Json::Object();
  settled.Set("type", "batch_settled");
  settled.Set("operator", Alice().ToString());
  settled.Set("trades", uint64_t{2});
  settled.Set("movements", uint64_t{6});
  chain_.receipt_events.Push(settled);
  ASSERT_EQ(Run(Settle({"--wait"})), kExitOk) << Err();
  EXPECT_EQ(chain_.Count("chain_getTransaction"), 1u);
  EXPECT_EQ(sleeps_, 3);
  EXPECT_NE(Out().find("status  committed\nheight  11\ntime    2025-01-01T00:00:01Z\ncode    0 "
                       "success\nsettled 2 trades, 6 balance movements\n"),
            std::string::npos)
      << Out();
}

TEST_F(SettleCommands, AFailedBatchNamesTheTradeAndItsLine) {
  chain_.handlers["account_get"] = [this](const rpc::Json&) -> rpc::Outcome<rpc::Json> {
    rpc::Json a = chain_.accounts.at(Alice().ToString());
    if (!chain_.submitted.empty()) a.Set("nonce", uint64_t{4});
    return a;
  };
  chain_.statuses = {"failed"};
  chain_.receipt_code = 306;
  chain_.receipt_name = "insufficient_balance";
  rpc::Json failed = rpc::Json::Object();
  failed.Set("type", "batch_failed");
  failed.Set("tradeIndex", uint64_t{1});
  failed.Set("account", Bob().ToString());
  failed.Set("asset", "EUR");
  failed.Set("reason", "insufficient_balance");
  chain_.receipt_events.Push(failed);
  EXPECT_EQ(Run(Settle({"--wait"})), kExitFailed);
  EXPECT_NE(Out().find("code    306 insufficient_balance\ntrade   #2 'T-2' (trades.csv line 3): "
                       "insufficient_balance account=" +
                       Bob().ToString() + " asset=EUR\n"),
            std::string::npos)
      << Out();
  ExpectOneErrorLine("failed: insufficient_balance (306)");
}

TEST_F(SettleCommands, PrechecksSpareABatchThatWouldFail) {
  settled_ = Settled();
  EXPECT_EQ(Run(Settle()), kExitFailed);
  ExpectOneErrorLine("batch_already_settled: batch 'B-1' was settled at height 42 by transaction " +
                     std::string(64, 'c') + "; see 'corridor settle status'");
  settled_.reset();
  chain_.SetRoles(Alice(), {});
  EXPECT_EQ(Run(Settle()), kExitFailed);
  ExpectOneErrorLine("unauthorized_role: key 'alice' does not hold the operator role");
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);
  ASSERT_EQ(Run(Settle({"--no-precheck"})), kExitOk) << Err();
  EXPECT_EQ(chain_.submitted.size(), 1u);
}

TEST_F(SettleCommands, FileMistakesAreUsageErrorsBeforeTheNode) {
  std::ofstream(csv_) << "T-1,alice,bob,EUR,1.00,USD,1.10\nT-2,bob,alice,EUR,2.00,USD\n";
  EXPECT_EQ(Run(Settle()), kExitUsage);
  ExpectOneErrorLine("trades.csv line 2: expected 7 columns");
  EXPECT_TRUE(chain_.calls.empty());
  std::ofstream(csv_) << "T-1,alice,bob,EUR,1.005,USD,1.10\n";
  EXPECT_EQ(Run(Settle()), kExitUsage);
  ExpectOneErrorLine(
      "trades.csv line 1, column 5 (base_amount): amount '1.005' has more than 2 decimal places");
  EXPECT_TRUE(chain_.submitted.empty());

  auto args = Settle();
  args[5] = (dir_ / "missing.csv").string();
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--file: cannot read '" + args[5] + "': No such file or directory");
  args = Settle();
  args[7] = std::string(65, 'b');
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--batch-id must be 1-64 characters of printable ASCII");
}

TEST_F(SettleCommands, CheckShowsEachAccountsNetAndWhatWouldFail) {
  // carol is not registered; bob's 5.00 USD covers his net debit of 1.10.
  EXPECT_EQ(Run({"settle", "check", "--file", csv_}), kExitFailed);
  const std::string a = Alice().ToString(), b = Bob().ToString(), c = carol_.ToString();
  auto row = [](const std::string& account, const std::string& rest) {
    return account + "  " + rest + "\n";
  };
  std::vector<std::pair<std::string, std::string>> rows = {
      {a, "EUR    +1.00  0.00       ok"},
      {a, "USD    -1.10  100.00     ok"},
      {b, "EUR    +1.00  0.00       ok"},
      {b, "USD    -1.10  5.00       ok"},
      {c, "EUR    -2.00  -          unknown_account"},
      {c, "USD    +2.20  -          unknown_account"}};
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return Address::Parse(x.first).value() < Address::Parse(y.first).value() ||
           (x.first == y.first && x.second < y.second);
  });
  std::string table =
      "ACCOUNT" + std::string(a.size() - 5, ' ') + "ASSET  NET    AVAILABLE  CHECK\n";
  for (const auto& [account, rest] : rows) table += row(account, rest);
  EXPECT_EQ(Out(), "file       trades.csv\ntrades     2\naccounts   3\nmovements  6\n" + table);
  ExpectOneErrorLine("2 problems at height 10; settling this batch now would fail");

  chain_.AddAccount(carol_, 0, "0.00");
  chain_.SetBalances(carol_, {{"EUR", "1.50"}});
  EXPECT_EQ(Run({"settle", "check", "--file", csv_}), kExitFailed);
  EXPECT_NE(Out().find(c + "  EUR    -2.00  1.50       insufficient_balance\n"), std::string::npos)
      << Out();
  ExpectOneErrorLine("1 problem at height 10");

  chain_.SetBalances(carol_, {{"EUR", "2.00"}});
  ASSERT_EQ(Run({"settle", "check", "--file", csv_, "--batch-id", "B-1"}), kExitOk) << Err();
  EXPECT_NE(Out().find("batch      B-1 (not settled yet)\n"), std::string::npos) << Out();
  EXPECT_NE(Out().find("\nok at height 10: every net debit is covered"), std::string::npos);

  settled_ = Settled();
  EXPECT_EQ(Run({"settle", "check", "--file", csv_, "--batch-id", "B-1"}), kExitFailed);
  EXPECT_NE(Out().find("batch      B-1: batch_already_settled: batch 'B-1' was settled at height "
                       "42"),
            std::string::npos)
      << Out();
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0) << "settle check never signs";
}

TEST_F(SettleCommands, Status) {
  settled_ = Settled();
  ASSERT_EQ(Run({"settle", "status", "B-1"}), kExitOk) << Err();
  EXPECT_EQ(Out(), "batch      B-1\nstatus     settled\ntx         " + std::string(64, 'c') +
                       "\nheight     42\ntime       2025-01-01T00:00:01Z\noperator   " +
                       Alice().ToString() + "\ntrades     2\nmovements  6\n");
  ASSERT_EQ(Run({"settle", "status", "B-1", "--json"}), kExitOk) << Err();
  EXPECT_EQ(Out(), Settled().Serialize() + "\n");
  settled_.reset();
  EXPECT_EQ(Run({"settle", "status", "B-1"}), kExitFailed);
  ExpectOneErrorLine("batch 'B-1' has not been settled");
}

// ---------------------------------------------------------------- exchange commands

class ExchangeCommands : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    chain_.SetRoles(Bob(), {"custody"});
    chain_.SetBalances(Bob(), {{"USD", "500.00"}});
    chain_.handlers["exchange_getReference"] =
        [this](const rpc::Json& p) -> rpc::Outcome<rpc::Json> {
      reference_params_.push_back(p.Serialize());
      if (!used_) return rpc::RpcError::NotFound("reference has not been used");
      rpc::Json r = rpc::Json::Object();
      r.Set("custody", p.value()["custody"].GetString());
      r.Set("reference", p.value()["reference"].GetString());
      r.Set("txId", std::string(64, 'd'));
      r.Set("height", uint64_t{7});
      return r;
    };
  }
  Operation Submitted() const { return chain_.submitted.back()->body().op; }

  bool used_ = false;
  std::vector<std::string> reference_params_;
};

TEST_F(ExchangeCommands, DepositAndWithdrawalCarryTheReference) {
  ASSERT_EQ(Run({"exchange", "deposit", "--from", "alice", "--custody", "bob", "--asset", "USD",
                 "--amount", "25.50", "--reference", "DEP-1"}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(ExchangeDeposit{Bob(), "USD", 2550, "DEP-1"}));
  EXPECT_EQ(reference_params_.back(),
            "{\"custody\":\"" + Bob().ToString() + "\",\"reference\":\"DEP-1\"}");
  ASSERT_EQ(Run({"exchange", "withdraw", "--from", "bob", "--to", "alice", "--asset", "USD",
                 "--amount", "5", "--reference", "WD-1"}),
            kExitOk)
      << Err();
  EXPECT_EQ(Submitted(), Operation(ExchangeWithdrawal{Alice(), "USD", 500, "WD-1"}));
  EXPECT_EQ(chain_.submitted.back()->body().sender, Bob());
  EXPECT_EQ(reference_params_.back(),
            "{\"custody\":\"" + Bob().ToString() + "\",\"reference\":\"WD-1\"}");
}

TEST_F(ExchangeCommands, PrechecksAndMistakes) {
  used_ = true;
  EXPECT_EQ(Run({"exchange", "deposit", "--from", "alice", "--custody", "bob", "--asset", "USD",
                 "--amount", "1", "--reference", "DEP-1"}),
            kExitFailed);
  ExpectOneErrorLine("duplicate_reference: reference 'DEP-1' was used at height 7 by transaction " +
                     std::string(64, 'd'));
  used_ = false;
  EXPECT_EQ(Run({"exchange", "deposit", "--from", "bob", "--custody", "alice", "--asset", "USD",
                 "--amount", "1", "--reference", "DEP-1"}),
            kExitFailed);
  ExpectOneErrorLine("not_custody: " + Alice().ToString() + " does not hold the custody role");
  EXPECT_EQ(Run({"exchange", "withdraw", "--from", "alice", "--to", "bob", "--asset", "USD",
                 "--amount", "1", "--reference", "WD-1"}),
            kExitFailed);
  ExpectOneErrorLine("unauthorized_role: key 'alice' does not hold the custody role");
  EXPECT_EQ(Run({"exchange", "deposit", "--from", "alice", "--custody", "bob", "--asset", "USD",
                 "--amount", "100.01", "--reference", "DEP-1"}),
            kExitFailed);
  ExpectOneErrorLine("insufficient_balance: 'alice' has 100.00 USD available");
  EXPECT_TRUE(chain_.submitted.empty());

  EXPECT_EQ(Run({"exchange", "deposit", "--from", "alice", "--custody", "bob", "--asset", "USD",
                 "--amount", "1", "--reference", std::string(65, 'r')}),
            kExitUsage);
  ExpectOneErrorLine("--reference must be 1-64 characters of printable ASCII");
  EXPECT_EQ(Run({"exchange", "withdraw", "--from", "bob", "--to", "alice", "--asset", "USD",
                 "--amount", "1.001", "--reference", "WD-1"}),
            kExitUsage);
  ExpectOneErrorLine("--amount: amount '1.001' has more than 2 decimal places");
}

TEST_F(ExchangeCommands, Reference) {
  used_ = true;
  ASSERT_EQ(Run({"exchange", "reference", "bob", "DEP-1"}), kExitOk) << Err();
  EXPECT_EQ(Out(), "custody    " + Bob().ToString() + "\nreference  DEP-1\ntx         " +
                       std::string(64, 'd') + "\nheight     7\n");
  used_ = false;
  EXPECT_EQ(Run({"exchange", "reference", "bob", "DEP-2"}), kExitFailed);
  ExpectOneErrorLine("reference has not been used");
  EXPECT_EQ(Run({"exchange", "reference", "bob"}), kExitUsage);
  ExpectOneErrorLine("'corridor exchange reference' needs REFERENCE");
}

TEST_F(ExchangeCommands, HelpListsTheNewCommandsInItsColumns) {
  ASSERT_EQ(Run({"help"}), kExitOk);
  EXPECT_NE(Out().find("\n  settle status BATCH_ID  a settled batch"), std::string::npos) << Out();
  EXPECT_NE(Out().find("\n  fx pay                  deliver AMOUNT"), std::string::npos);
  // A name longer than the column puts its summary on the next line.
  EXPECT_NE(Out().find("\n  exchange reference CUSTODY REFERENCE\n" + std::string(26, ' ') +
                       "the deposit or withdrawal"),
            std::string::npos)
      << Out();
  ASSERT_EQ(Run({"help", "settle", "batch"}), kExitOk);
  EXPECT_EQ(
      Out().rfind("usage: corridor settle batch --file TRADES.csv --batch-id ID --from NAME", 0),
      0u)
      << Out();
}

}  // namespace
}  // namespace corridor::wallet::cli

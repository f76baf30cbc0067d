// The `corridor` wallet CLI against a real network: `corridord testnet` and
// four `corridord start` processes on 127.0.0.1, the real `corridor` binary
// run as a subprocess with the testnet's keystore, and JSON-RPC to check what
// it did on every node. Ports come from the pid, in a range apart from
// cluster_test's, so both can run at once. Every wait has a deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "chain/amount.h"
#include "contracts/genesis.h"
#include "rpc/client.h"
#include "tests/cluster/cli_output.h"
#include "tests/support/process.h"

namespace corridor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::CommandResult;
using testing::Process;
using testing::WaitUntil;

constexpr size_t kNodes = 4;

std::string AddressOf(const std::string& dev_name) {
  return Address::FromPublicKey(contracts::DevKey(dev_name).public_key()).ToString();
}

std::string Field(const std::string& out, const std::string& label) {
  return testing::CliField(out, label);
}

// The transaction ids (last column) of `corridor history`'s table, and its
// next cursor ("" when none).
struct HistoryPage {
  std::vector<std::string> ids;
  std::string next_cursor;
};
HistoryPage ParseHistory(const std::string& out) {
  HistoryPage page;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("HEIGHT", 0) == 0 || line == "no entries" || line.empty()) continue;
    if (line.rfind("next-cursor ", 0) == 0) {
      page.next_cursor = line.substr(12);
      continue;
    }
    page.ids.push_back(line.substr(line.find_last_of(' ') + 1));
  }
  return page;
}

class WalletCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    started_ = std::chrono::steady_clock::now();
    dir_ = fs::temp_directory_path() / ("corridor-wallet-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    // cluster_test uses 21000-28999; this test 13000-20999, below the
    // ephemeral range, so the two run side by side.
    p2p_base_ = static_cast<uint16_t>(13000 + (::getpid() % 400) * 20);
    rpc_base_ = static_cast<uint16_t>(p2p_base_ + 10);
    Process init;
    ASSERT_TRUE(
        init.Start({CORRIDORD, "testnet", "--validators", std::to_string(kNodes), "--dir",
                    dir_.string(), "--p2p-port", std::to_string(p2p_base_), "--rpc-port",
                    std::to_string(rpc_base_), "--empty-block-ms", "300", "--timeout-ms", "1000"},
                   (dir_.string() + "-testnet.log")));
    ASSERT_EQ(init.Wait(60s), 0);
    procs_.resize(kNodes);
    for (size_t i = 0; i < kNodes; ++i) {
      ASSERT_TRUE(procs_[i].Start({CORRIDORD, "start", "--home", Home(i)}, Home(i) + "/node.log"));
    }
    for (size_t i = 0; i < kNodes; ++i) {
      ASSERT_TRUE(WaitUntil([&] { return Height(i).value_or(0) >= 1; }, 60s))
          << "validator-" << i + 1 << " did not commit block 1; see " << Home(i) << "/node.log";
    }
    // The testnet's dev keystore; its documented passphrase.
    ::setenv("CORRIDOR_PASSPHRASE", "corridor-dev", 1);
  }

  static void TearDownTestSuite() {
    for (auto& p : procs_) p.Signal(SIGTERM);
    for (auto& p : procs_) {
      if (p.Wait(15s) == -1) p.Kill();
    }
    procs_.clear();
    ::unsetenv("CORRIDOR_PASSPHRASE");
    if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
    std::cout << "wallet CLI cluster suite: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started_)
                     .count()
              << " ms including network start\n";
  }

  static std::string Home(size_t i) {
    return (dir_ / ("validator-" + std::to_string(i + 1))).string();
  }
  static std::string Url(size_t i) { return "http://127.0.0.1:" + std::to_string(rpc_base_ + i); }
  static std::string Keystore() { return (dir_ / "wallet").string(); }

  // Runs `corridor --rpc <node> --keystore <testnet wallet> args...`.
  static CommandResult Corridor(size_t node, std::vector<std::string> args) {
    std::vector<std::string> argv = {CORRIDOR, "--rpc", Url(node), "--keystore", Keystore()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = testing::RunCommand(argv, 60s);
    std::string line;
    for (const auto& a : args) line += " " + a;
    last_command_ = "corridor" + line + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
    return r;
  }

  static std::optional<rpc::Json> Call(size_t i, std::string_view method, const rpc::Json& p) {
    rpc::ClientOptions o;
    o.timeout = 3s;
    auto r = rpc::Client(Url(i), o).Call(method, p);
    if (!r) return std::nullopt;
    return std::move(r).value();
  }
  static std::optional<uint64_t> Height(size_t i) {
    auto r = Call(i, "chain_getInfo", rpc::Json());
    if (!r) return std::nullopt;
    return r->value()["height"].GetUint64();
  }
  // An asset (2 decimals) available to a dev account, in cents, as node `i`
  // reports it.
  static uint64_t Cents(size_t i, const std::string& dev_name, const std::string& asset) {
    rpc::Json p = rpc::Json::Object();
    p.Set("address", AddressOf(dev_name));
    auto r = Call(i, "account_get", p);
    if (!r) return UINT64_MAX;
    for (const auto& b : r->value()["balances"].GetArray()) {
      if (std::string(b["asset"].GetString()) == asset) {
        return ParseAmount(b["available"].GetString(), 2).value();
      }
    }
    return 0;
  }
  static uint64_t UsdCents(size_t i, const std::string& dev_name) {
    return Cents(i, dev_name, "USD");
  }
  // EUR and USD of the three traders of the settlement tests, "name/asset".
  static std::map<std::string, uint64_t> TraderBalances(size_t node) {
    std::map<std::string, uint64_t> b;
    for (const char* who : {"alice", "bob", "exchange"}) {
      for (const char* asset : {"EUR", "USD"}) {
        b[std::string(who) + "/" + asset] = Cents(node, who, asset);
      }
    }
    return b;
  }
  // The USD row of `corridor balance`, in cents.
  static uint64_t CliUsdCents(size_t node, const std::string& who) {
    CommandResult r = Corridor(node, {"balance", who});
    EXPECT_EQ(r.exit_code, 0) << last_command_;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string asset, available;
      words >> asset >> available;
      if (asset == "USD") return ParseAmount(available, 2).value();
    }
    return r.exit_code == 0 ? 0 : UINT64_MAX;  // no USD row: none held
  }
  static std::string Status(size_t node, const std::string& id, std::string* code_name = nullptr) {
    rpc::Json p = rpc::Json::Object();
    p.Set("id", id);
    auto r = Call(node, "chain_getTransaction", p);
    if (!r) return "";
    if (code_name != nullptr && r->value().HasMember("receipt")) {
      *code_name = r->value()["receipt"]["codeName"].GetString();
    }
    return r->value()["status"].GetString();
  }
  // Waits until every node has the block that holds `id`, then checks it.
  static void ExpectOnAllNodes(const std::string& id, const std::string& status,
                               const std::string& code_name) {
    for (size_t i = 0; i < kNodes; ++i) {
      std::string name;
      EXPECT_TRUE(WaitUntil([&] { return Status(i, id, &name) == status; }, 20s))
          << "validator-" << i + 1 << " says " << Status(i, id) << " for " << id;
      EXPECT_EQ(name, code_name) << "validator-" << i + 1;
    }
  }
  // Waits until every node has the highest block any of them has: a
  // commit seen through one node (corridor --wait) reaches the others a
  // moment later, and the next command may ask another node.
  static void SyncAll() {
    uint64_t top = 0;
    for (size_t i = 0; i < kNodes; ++i) top = std::max(top, Height(i).value_or(0));
    for (size_t i = 0; i < kNodes; ++i) {
      ASSERT_TRUE(WaitUntil([&] { return Height(i).value_or(0) >= top; }, 20s))
          << "validator-" << i + 1 << " stays below height " << top;
    }
  }
  // Pays with the CLI; returns the id (empty on failure).
  static std::string Pay(size_t node, const std::string& from, const std::string& to,
                         const std::string& amount, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"pay",     "--from", from,       "--to", to,
                                     "--asset", "USD",    "--amount", amount};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Corridor(node, args);
    EXPECT_EQ(r.exit_code, 0) << last_command_;
    return Field(r.out, "id");
  }

  static inline std::chrono::steady_clock::time_point started_;
  static inline fs::path dir_;
  static inline uint16_t p2p_base_ = 0;
  static inline uint16_t rpc_base_ = 0;
  static inline std::vector<Process> procs_;
  static inline std::string last_command_;
};

TEST_F(WalletCli, PaymentCommitsOnAllFourNodesAndBalancesMove) {
  const uint64_t alice0 = UsdCents(0, "alice"), bob0 = UsdCents(0, "bob");
  ASSERT_EQ(CliUsdCents(1, "bob"), bob0) << last_command_;

  CommandResult r = Corridor(0, {"pay", "--from", "alice", "--to", AddressOf("bob"), "--asset",
                                 "USD", "--amount", "12.34", "--memo", "INV-CLI-1", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(r.err, "");
  const std::string id = Field(r.out, "id");
  ASSERT_EQ(id.size(), 64u) << last_command_;
  EXPECT_EQ(Field(r.out, "status"), "committed") << last_command_;
  EXPECT_NE(r.out.find("code    0 success"), std::string::npos) << last_command_;
  ExpectOnAllNodes(id, "committed", "success");

  for (size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(UsdCents(i, "alice"), alice0 - 1234) << "validator-" << i + 1;
    EXPECT_EQ(UsdCents(i, "bob"), bob0 + 1234) << "validator-" << i + 1;
  }
  // The CLI shows the same, from another node, by address and by key name.
  EXPECT_EQ(CliUsdCents(2, AddressOf("bob")), bob0 + 1234);
  EXPECT_EQ(CliUsdCents(3, "alice"), alice0 - 1234);

  r = Corridor(3, {"tx", "status", id});
  EXPECT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(Field(r.out, "status"), "committed");
  EXPECT_EQ(Field(r.out, "memo"), "INV-CLI-1");

  // The statement over all time holds the payment and reconciles.
  r = Corridor(
      1, {"statement", "alice", "--asset", "USD", "--from-time", "0", "--to-time", "2100-01-01"});
  EXPECT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_NE(r.out.find(id), std::string::npos) << last_command_;
  EXPECT_NE(r.out.find("INV-CLI-1"), std::string::npos) << last_command_;
  EXPECT_EQ(Field(r.out, "reconciled"), "yes") << last_command_;
}

TEST_F(WalletCli, HistoryFiltersAndPaginates) {
  // Three payments alice -> bob submitted back to back (no --wait): the
  // second and third find the next nonce taken by a pending one and move on.
  std::vector<std::string> ids;
  for (const char* amount : {"1.00", "2.00", "3.00"}) ids.push_back(Pay(0, "alice", "bob", amount));
  // Entries the filter must leave out: another counterparty, an amount out
  // of range, a payment in the other direction below the range.
  // (All of alice's go to one node, whose mempool knows her pending nonces.)
  const std::string to_exchange = Pay(0, "alice", "exchange", "2.00");
  const std::string from_bob = Pay(2, "bob", "alice", "0.50");
  for (const auto& id : ids) ASSERT_EQ(id.size(), 64u);
  for (const auto& id : std::vector<std::string>{ids[0], ids[1], ids[2], to_exchange, from_bob}) {
    CommandResult r = Corridor(3, {"tx", "status", id, "--wait", "--timeout", "30"});
    ASSERT_EQ(r.exit_code, 0) << last_command_;
  }
  SyncAll();

  // Filters: payments with bob, committed, 1.00 to 3.00 USD; two per page.
  std::vector<std::string> filter = {"history",        "alice", "--type",       "payment",
                                     "--counterparty", "bob",   "--status",     "committed",
                                     "--min-amount",   "1",     "--max-amount", "3",
                                     "--asset",        "USD",   "--limit",      "2"};
  CommandResult r = Corridor(1, filter);
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  HistoryPage first = ParseHistory(r.out);
  EXPECT_EQ(first.ids, (std::vector<std::string>{ids[2], ids[1]})) << last_command_;
  ASSERT_FALSE(first.next_cursor.empty()) << last_command_;

  // Follow the cursor to the end: exactly the remaining one, newest first.
  std::vector<std::string> rest;
  std::string cursor = first.next_cursor;
  for (int pages = 0; !cursor.empty() && pages < 50; ++pages) {
    auto args = filter;
    args.insert(args.end(), {"--cursor", cursor});
    r = Corridor(1, args);
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    HistoryPage page = ParseHistory(r.out);
    rest.insert(rest.end(), page.ids.begin(), page.ids.end());
    cursor = page.next_cursor;
  }
  EXPECT_TRUE(cursor.empty()) << "pagination did not end";
  EXPECT_EQ(rest, std::vector<std::string>{ids[0]});

  // Without the counterparty and amount filters the other two show up.
  r = Corridor(2, {"history", "alice", "--type", "payment", "--limit", "5"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  HistoryPage all = ParseHistory(r.out);
  EXPECT_NE(std::find(all.ids.begin(), all.ids.end(), to_exchange), all.ids.end()) << r.out;
  EXPECT_NE(std::find(all.ids.begin(), all.ids.end(), from_bob), all.ids.end()) << r.out;

  // A filter the node refuses comes back as a usage error with its words.
  r = Corridor(2, {"history", "alice", "--type", "pay"});
  EXPECT_EQ(r.exit_code, 2) << last_command_;
  EXPECT_NE(r.err.find("unknown operation type 'pay'"), std::string::npos) << r.err;
}

TEST_F(WalletCli, PaymentAboveTheBalanceReportsTheFailureCodeName) {
  const uint64_t bob = UsdCents(0, "bob");
  const std::string too_much = FormatAmount(bob + 100, 2);

  // Checked before signing: nothing is submitted.
  const uint64_t h = Height(0).value();
  CommandResult r = Corridor(
      0, {"pay", "--from", "bob", "--to", "alice", "--asset", "USD", "--amount", too_much});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_EQ(r.err.rfind("corridor: insufficient_balance: 'bob' has ", 0), 0u) << r.err;
  EXPECT_EQ(r.out, "");

  // Submitted anyway: admission takes it, execution fails it with 306.
  r = Corridor(0, {"pay", "--from", "bob", "--to", "alice", "--asset", "USD", "--amount", too_much,
                   "--no-precheck", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  const std::string id = Field(r.out, "id");
  ASSERT_EQ(id.size(), 64u) << last_command_;
  EXPECT_EQ(Field(r.out, "status"), "failed") << last_command_;
  EXPECT_NE(r.out.find("code    306 insufficient_balance"), std::string::npos) << last_command_;
  EXPECT_EQ(r.err, "corridor: transaction " + id + " failed: insufficient_balance (306)\n");
  ExpectOnAllNodes(id, "failed", "insufficient_balance");
  EXPECT_EQ(UsdCents(0, "bob"), bob) << "a failed payment moves nothing";
  EXPECT_GT(Height(0).value(), h);

  r = Corridor(1, {"tx", "status", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("failed: insufficient_balance (306)"), std::string::npos) << r.err;
}

TEST_F(WalletCli, AdminOperationsRegisterAndFundANewAccount) {
  CommandResult r = Corridor(0, {"key", "new", "carol"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string carol = Field(r.out, "address");
  ASSERT_EQ(carol.rfind("corr1", 0), 0u) << last_command_;

  // Not registered yet: a payment to it is caught before signing.
  r = Corridor(0, {"pay", "--from", "alice", "--to", "carol", "--asset", "USD", "--amount", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown_account: " + carol), std::string::npos) << r.err;

  r = Corridor(
      1, {"account", "register", "--from", "compliance", "--account", "carol", "--kyc-level", "1",
          "--jurisdiction", "SG", "--display-name", "Carol", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  SyncAll();
  r = Corridor(2, {"asset", "mint", "--from", "bank", "--to", "carol", "--asset", "USD", "--amount",
                   "50", "--memo", "ONBOARD", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  SyncAll();
  EXPECT_EQ(CliUsdCents(3, "carol"), 5000u);

  // A role only the admin may grant: the receipt says so, word for word.
  r = Corridor(
      0, {"role", "grant", "--from", "alice", "--account", "carol", "--role", "issuer", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.out.find("unauthorized_role"), std::string::npos) << last_command_;
}

// The admin becomes a 2-of-2 multi-signature account: one key alone is
// refused; a role grant signed with --no-send, co-signed offline and sent
// commits on every node; then both keys take the account back to its single
// key.
TEST_F(WalletCli, MultiSignatureAdminNeedsBothKeys) {
  auto public_key = [&](const std::string& name) {
    CommandResult k = Corridor(0, {"key", "show", name});
    EXPECT_EQ(k.exit_code, 0) << last_command_;
    const size_t at = k.out.find("public key ");
    return at == std::string::npos ? std::string() : k.out.substr(at + 11, 64);
  };
  CommandResult r = Corridor(0, {"key", "new", "admin2"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string admin = AddressOf("admin");
  r = Corridor(
      0, {"signers", "set", "--from", "admin", "--threshold", "2", "--signers",
          public_key("admin") + "," + public_key("admin2"), "--memo", "two-person rule", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  SyncAll();

  // One key no longer reaches the threshold: refused at submission.
  r = Corridor(1, {"role", "grant", "--from", "admin", "--account", "bob", "--role", "arbiter"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("insufficient_signature_weight"), std::string::npos) << last_command_;

  // Both keys: sign without sending, co-sign, send.
  auto both_sign = [&](std::vector<std::string> command) {
    command.insert(command.end(), {"--from", "admin", "--no-send"});
    CommandResult first = Corridor(0, command);
    EXPECT_EQ(first.exit_code, 0) << last_command_;
    CommandResult second =
        Corridor(0, {"tx", "cosign", Field(first.out, "raw"), "--from", "admin2"});
    EXPECT_EQ(second.exit_code, 0) << last_command_;
    EXPECT_EQ(Field(second.out, "signers"), "2") << last_command_;
    return Corridor(2, {"tx", "send", Field(second.out, "raw"), "--wait"});
  };
  r = both_sign({"role", "grant", "--account", "bob", "--role", "arbiter", "--memo", "case 9"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  SyncAll();
  for (size_t n = 0; n < kNodes; ++n) {
    rpc::Json p = rpc::Json::Object();
    p.Set("address", AddressOf("bob"));
    auto acc = Call(n, "account_get", p);
    ASSERT_TRUE(acc.has_value());
    bool arbiter = false;
    for (const auto& role : acc->value()["roles"].GetArray()) {
      arbiter |= std::string(role.GetString()) == "arbiter";
    }
    EXPECT_TRUE(arbiter) << "validator-" << n + 1;
  }
  r = both_sign({"role", "revoke", "--account", "bob", "--role", "arbiter"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  r = both_sign({"signers", "set", "--threshold", "0"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  SyncAll();
  rpc::Json p = rpc::Json::Object();
  p.Set("address", admin);
  auto acc = Call(3, "account_get", p);
  ASSERT_TRUE(acc.has_value());
  EXPECT_EQ(acc->value()["signers"].Size(), 0u) << "back to the single default key";
}

TEST_F(WalletCli, ErrorsAPersonCanActOn) {
  std::string typo = AddressOf("bob");
  typo[8] = typo[8] == 'x' ? 'y' : 'x';
  CommandResult r =
      Corridor(0, {"pay", "--from", "alice", "--to", typo, "--asset", "USD", "--amount", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "corridor: --to: address checksum does not match (a character is mistyped)\n");

  r = Corridor(0, {"pay", "--from", "alice", "--to", "bob", "--asset", "GBP", "--amount", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "corridor: --asset: unknown asset 'GBP' (the node has: EUR, USD)\n");

  r = Corridor(0, {"pay", "--from", "alice", "--to", "bob", "--asset", "USD", "--amount", "1.001"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "corridor: --amount: amount '1.001' has more than 2 decimal places\n");

  const std::string wrong = (dir_ / "wrong-passphrase").string();
  std::ofstream(wrong) << "not the passphrase\n";
  r = Corridor(0, {"pay", "--from", "alice", "--to", "bob", "--asset", "USD", "--amount", "1",
                   "--passphrase-file", wrong});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("wrong passphrase for key " + AddressOf("alice")), std::string::npos)
      << r.err;

  // A port nobody listens on (the RPC range's unused tail).
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(rpc_base_ + 9);
  r = testing::RunCommand({CORRIDOR, "--rpc", nowhere, "balance", AddressOf("bob")}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("corridor: cannot reach the node at " + nowhere + " (", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// ---------------------------------------------------------------- fx

TEST_F(WalletCli, FxRatePublishedAndCrossBorderPaymentMadeWithTheCli) {
  // The exchange holds USD and EUR: it becomes the liquidity provider, with
  // a 25 bp fee; the oracle publishes 1 USD = 0.92 EUR.
  CommandResult r = Corridor(0, {"role", "grant", "--from", "admin", "--account", "exchange",
                                 "--role", "liquidity_provider", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  r = Corridor(0, {"fx", "fee", "--from", "exchange", "--fee-bps", "25", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  r = Corridor(1, {"fx", "publish", "--from", "oracle", "--base", "USD", "--quote", "EUR", "--rate",
                   "0.92", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(r.out.rfind("rate    1 USD = 0.92 EUR (23/25 minor units), heights ", 0), 0u)
      << last_command_;
  const std::string publish_id = Field(r.out, "id");
  ExpectOnAllNodes(publish_id, "committed", "success");
  SyncAll();

  for (size_t i = 0; i < kNodes; ++i) {
    r = Corridor(i, {"fx", "rate", "USD/EUR"});
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    EXPECT_NE(r.out.find("rate       1 USD = 0.92 EUR\n"), std::string::npos) << last_command_;
    EXPECT_NE(r.out.find("fraction   23/25 EUR minor units per USD minor unit\n"),
              std::string::npos)
        << last_command_;
    EXPECT_NE(r.out.find("usable     yes (next block: yes)"), std::string::npos) << last_command_;
  }
  r = Corridor(2, {"fx", "history", "USD/EUR"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_NE(r.out.find("1 USD = 0.92 EUR"), std::string::npos) << last_command_;
  EXPECT_NE(r.out.find(AddressOf("oracle")), std::string::npos) << last_command_;

  // 10.00 EUR to bob, paid in USD by alice: ceil(1000 × 25/23) = 1087 cents
  // plus ceil(1087 × 25 / 10000) = 3 cents fee (docs/state.md §3.3).
  const uint64_t alice_usd = Cents(0, "alice", "USD"), bob_eur = Cents(0, "bob", "EUR");
  const uint64_t lp_usd = Cents(0, "exchange", "USD"), lp_eur = Cents(0, "exchange", "EUR");
  const std::vector<std::string> pay = {
      "fx",  "pay",          "--from", "alice",    "--to",  "bob",        "--source-asset",
      "USD", "--dest-asset", "EUR",    "--amount", "10.00", "--provider", "exchange"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = pay;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  r = Corridor(3, with({"--max-source", "11.00", "--memo", "REMIT-1", "--wait"}));
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_NE(r.out.find("quote   10.90 USD (10.87 + 0.03 fee at 25 bp) for 10.00 EUR at 1 USD = "
                       "0.92 EUR"),
            std::string::npos)
      << last_command_;
  const std::string id = Field(r.out, "id");
  EXPECT_EQ(Field(r.out, "status"), "committed") << last_command_;
  ExpectOnAllNodes(id, "committed", "success");
  for (size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(Cents(i, "alice", "USD"), alice_usd - 1090) << "validator-" << i + 1;
    EXPECT_EQ(Cents(i, "bob", "EUR"), bob_eur + 1000) << "validator-" << i + 1;
    EXPECT_EQ(Cents(i, "exchange", "USD"), lp_usd + 1090) << "validator-" << i + 1;
    EXPECT_EQ(Cents(i, "exchange", "EUR"), lp_eur - 1000) << "validator-" << i + 1;
  }

  // A bound below the quote: refused locally, and by the chain when sent
  // anyway, with nothing moved.
  r = Corridor(0, with({"--max-source", "10.89"}));
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_EQ(r.err.rfind("corridor: slippage_exceeded: at the current rate 10.00 EUR costs 10.90 "
                        "USD (10.87 + 0.03 fee at 25 bp), more than --max-source 10.89",
                        0),
            0u)
      << r.err;
  r = Corridor(0, with({"--max-source", "10.88", "--no-precheck", "--wait"}));
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("failed: slippage_exceeded"), std::string::npos) << last_command_;
  SyncAll();
  EXPECT_EQ(Cents(1, "bob", "EUR"), bob_eur + 1000);
}

// ---------------------------------------------------------------- settlement

// Writes `n` trades (EUR against USD among alice, bob and the exchange) to
// `path`; returns each "name/asset" balance's expected change in cents.
std::map<std::string, int64_t> WriteTrades(const std::string& path, size_t n,
                                           const std::string& prefix) {
  std::ofstream out(path);
  out << "trade_id,buyer,seller,base_asset,base_amount,quote_asset,quote_amount\n";
  out << "# " << n << " matched trades\n";
  std::map<std::string, int64_t> delta;
  static const char* kPairs[3][2] = {{"alice", "bob"}, {"exchange", "bob"}, {"alice", "exchange"}};
  for (size_t i = 0; i < n; ++i) {
    const std::string buyer = kPairs[i % 3][0], seller = kPairs[i % 3][1];
    const int64_t eur = 100 + static_cast<int64_t>(i % 5);
    const int64_t usd = 110 + static_cast<int64_t>(i % 7);
    // Addresses and key names both work; use each.
    out << prefix << i << "," << (i % 2 == 0 ? AddressOf(buyer) : buyer) << "," << seller << ",EUR,"
        << FormatAmount(static_cast<uint64_t>(eur), 2) << ",USD,"
        << FormatAmount(static_cast<uint64_t>(usd), 2) << "\n";
    delta[buyer + "/EUR"] += eur;
    delta[buyer + "/USD"] -= usd;
    delta[seller + "/EUR"] -= eur;
    delta[seller + "/USD"] += usd;
  }
  return delta;
}

TEST_F(WalletCli, SettlementBatchFromACsvCommitsAndShowsInSettleStatus) {
  const std::string batch_id = "CLI-B-" + std::to_string(::getpid());
  const std::string csv = (dir_ / "trades.csv").string();
  constexpr size_t kTrades = 300;
  const auto delta = WriteTrades(csv, kTrades, "T-");
  SyncAll();
  const auto before = TraderBalances(0);

  // Checked first, without signing: every net debit is covered.
  CommandResult r = Corridor(0, {"settle", "check", "--file", csv, "--batch-id", batch_id});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(Field(r.out, "trades"), "300") << last_command_;
  EXPECT_NE(r.out.find("\nok at height "), std::string::npos) << last_command_;

  r = Corridor(0, {"settle", "batch", "--from", "exchange", "--file", csv, "--batch-id", batch_id,
                   "--wait", "--timeout", "60"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(Field(r.out, "batch"), batch_id) << last_command_;
  EXPECT_NE(r.out.find("(300 trades from trades.csv)"), std::string::npos) << last_command_;
  EXPECT_EQ(Field(r.out, "status"), "committed") << last_command_;
  const auto moved =
      std::count_if(delta.begin(), delta.end(), [](const auto& d) { return d.second != 0; });
  EXPECT_NE(r.out.find("settled 300 trades, " + std::to_string(moved) + " balance movements"),
            std::string::npos)
      << last_command_;
  const std::string id = Field(r.out, "id");
  ExpectOnAllNodes(id, "committed", "success");

  for (size_t i = 0; i < kNodes; ++i) {
    r = Corridor(i, {"settle", "status", batch_id});
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    EXPECT_EQ(Field(r.out, "status"), "settled") << last_command_;
    EXPECT_EQ(Field(r.out, "tx"), id) << last_command_;
    EXPECT_EQ(Field(r.out, "trades"), "300") << last_command_;
    EXPECT_EQ(Field(r.out, "operator"), AddressOf("exchange")) << last_command_;
    const auto after = TraderBalances(i);
    for (const auto& [key, change] : delta) {
      EXPECT_EQ(static_cast<int64_t>(after.at(key)) - static_cast<int64_t>(before.at(key)), change)
          << key << " on validator-" << i + 1;
    }
  }

  // The same batch id again: the CLI says it is settled and where.
  r = Corridor(1, {"settle", "batch", "--from", "exchange", "--file", csv, "--batch-id", batch_id});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_EQ(
      r.err.rfind(
          "corridor: batch_already_settled: batch '" + batch_id + "' was settled at height ", 0),
      0u)
      << r.err;

  // A batch whose last trade cannot be covered: nothing moves, and the
  // failing trade is named with its line in the file.
  const std::string bad = (dir_ / "short.csv").string();
  std::ofstream(bad) << "trade_id,buyer,seller,base_asset,base_amount,quote_asset,quote_amount\n"
                        "F-1,alice,bob,EUR,1.00,USD,1.10\n"
                        "F-2,exchange,bob,EUR,1.00,USD,1.10\n"
                        "F-3,alice,bob,EUR,99999999.00,USD,1.10\n";
  SyncAll();
  const auto unchanged = TraderBalances(0);
  r = Corridor(1, {"settle", "check", "--file", bad});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.out.find(AddressOf("bob") + "  EUR    -"), std::string::npos) << last_command_;
  EXPECT_NE(r.out.find("insufficient_balance\n"), std::string::npos) << last_command_;
  EXPECT_NE(r.err.find("1 problem at height"), std::string::npos) << r.err;
  r = Corridor(2, {"settle", "batch", "--from", "exchange", "--file", bad, "--batch-id",
                   batch_id + "-short", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.out.find("trade   #3 'F-3' (short.csv line 4): insufficient_balance account=" +
                       AddressOf("bob") + " asset=EUR"),
            std::string::npos)
      << last_command_;
  SyncAll();
  EXPECT_EQ(TraderBalances(3), unchanged);
  r = Corridor(3, {"settle", "status", batch_id + "-short"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("has not been settled"), std::string::npos) << r.err;

  // A mistake in the file is named before anything is signed.
  std::ofstream(bad) << "G-1,alice,bob,EUR,1.001,USD,1.10\n";
  r = Corridor(0, {"settle", "batch", "--from", "exchange", "--file", bad, "--batch-id", "G"});
  EXPECT_EQ(r.exit_code, 2) << last_command_;
  EXPECT_EQ(r.err,
            "corridor: short.csv line 1, column 5 (base_amount): amount '1.001' has more than 2 "
            "decimal places\n");
}

// How long `corridor settle batch` takes from start to committed for a large
// batch (docs/wallet.md): CORRIDOR_CLI_BATCH_TRADES=20000 runs it, else it
// is skipped so the suite stays fast.
TEST_F(WalletCli, LargeSettlementBatchTiming) {
  const char* env = std::getenv("CORRIDOR_CLI_BATCH_TRADES");
  if (env == nullptr) GTEST_SKIP() << "set CORRIDOR_CLI_BATCH_TRADES=20000 to time a large batch";
  const size_t n = std::strtoull(env, nullptr, 10);
  ASSERT_GT(n, 0u);
  const std::string csv = (dir_ / "large.csv").string();
  const auto delta = WriteTrades(csv, n, "L-");
  SyncAll();
  const auto before = TraderBalances(0);
  const std::string batch_id = "CLI-L-" + std::to_string(::getpid());
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = testing::RunCommand(
      {CORRIDOR, "--rpc", Url(0), "--keystore", Keystore(), "settle", "batch", "--from", "exchange",
       "--file", csv, "--batch-id", batch_id, "--wait", "--timeout", "600"},
      660s);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Field(r.out, "status"), "committed") << r.out;
  std::cout << "corridor settle batch of " << n << " trades (" << fs::file_size(csv)
            << " bytes of CSV): " << ms << " ms from start to committed\n"
            << r.out;
  const auto after = TraderBalances(0);
  for (const auto& [key, change] : delta) {
    EXPECT_EQ(static_cast<int64_t>(after.at(key)) - static_cast<int64_t>(before.at(key)), change)
        << key;
  }
}

// ---------------------------------------------------------------- exchange

TEST_F(WalletCli, ExchangeDepositAndWithdrawalByReference) {
  // A custody desk: a new key, registered, with the custody role.
  CommandResult r = Corridor(0, {"key", "new", "desk"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  r = Corridor(0, {"account", "register", "--from", "compliance", "--account", "desk",
                   "--kyc-level", "3", "--jurisdiction", "SG", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  r = Corridor(
      0, {"role", "grant", "--from", "admin", "--account", "desk", "--role", "custody", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string ref = "DEP-" + std::to_string(::getpid());
  const uint64_t alice = Cents(0, "alice", "USD");
  r = Corridor(0, {"exchange", "deposit", "--from", "alice", "--custody", "desk", "--asset", "USD",
                   "--amount", "5.00", "--reference", ref, "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string deposit = Field(r.out, "id");
  r = Corridor(0, {"exchange", "withdraw", "--from", "desk", "--to", "alice", "--asset", "USD",
                   "--amount", "2.00", "--reference", "WD-" + ref, "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  ExpectOnAllNodes(Field(r.out, "id"), "committed", "success");
  SyncAll();
  EXPECT_EQ(Cents(2, "alice", "USD"), alice - 300);
  r = Corridor(1, {"exchange", "reference", "desk", ref});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_EQ(Field(r.out, "tx"), deposit) << last_command_;
  // The same reference again is refused before it is signed.
  r = Corridor(1, {"exchange", "deposit", "--from", "alice", "--custody", "desk", "--asset", "USD",
                   "--amount", "5.00", "--reference", ref});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_EQ(r.err.rfind("corridor: duplicate_reference: reference '" + ref + "' was used", 0), 0u)
      << r.err;
}

// ---------------------------------------------------------------- escrow, disputes

TEST_F(WalletCli, HashLockedEscrowClaimedAndDeclinedEscrowRefunded) {
  const uint64_t alice = Cents(0, "alice", "USD"), bob = Cents(0, "bob", "USD");
  // A hash-locked escrow: bob claims it with the secret.
  CommandResult r = Corridor(
      0, {"escrow", "create", "--from", "alice", "--to", "bob", "--asset", "USD", "--amount",
          "25.00", "--deadline-in", "200", "--secret", "open sesame", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string claimed = Field(r.out, "escrow");
  ASSERT_FALSE(claimed.empty()) << last_command_;
  r = Corridor(1, {"escrow", "release", claimed, "--from", "bob", "--preimage", "wrong"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_EQ(r.err.rfind("corridor: wrong_preimage", 0), 0u) << r.err;
  SyncAll();
  r = Corridor(
      1, {"escrow", "release", claimed, "--from", "bob", "--preimage", "open sesame", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  ExpectOnAllNodes(Field(r.out, "id"), "committed", "success");
  // A second escrow bob declines: alice is refunded.
  r = Corridor(2, {"escrow", "create", "--from", "alice", "--to", "bob", "--asset", "USD",
                   "--amount", "5.00", "--deadline-in", "200", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string declined = Field(r.out, "escrow");
  SyncAll();
  r = Corridor(3, {"escrow", "cancel", declined, "--from", "bob", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  ExpectOnAllNodes(Field(r.out, "id"), "committed", "success");
  SyncAll();
  for (size_t i = 0; i < kNodes; ++i) {
    r = Corridor(i, {"escrow", "get", claimed});
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    EXPECT_EQ(Field(r.out, "status"), "released") << last_command_;
    r = Corridor(i, {"escrow", "get", declined});
    EXPECT_EQ(Field(r.out, "status"), "refunded") << last_command_;
    EXPECT_EQ(Cents(i, "alice", "USD"), alice - 2500) << "validator-" << i + 1;
    EXPECT_EQ(Cents(i, "bob", "USD"), bob + 2500) << "validator-" << i + 1;
  }
}

TEST_F(WalletCli, DisputedPaymentHeldAndPartlyRefundedByAnArbiter) {
  CommandResult r = Corridor(0, {"role", "grant", "--from", "admin", "--account", "oracle",
                                 "--role", "arbiter", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string payment = Pay(0, "alice", "bob", "40.00", {"--wait"});
  ASSERT_FALSE(payment.empty());
  ExpectOnAllNodes(payment, "committed", "success");
  SyncAll();
  const uint64_t alice = Cents(0, "alice", "USD"), bob = Cents(0, "bob", "USD");
  r = Corridor(1, {"dispute", "open", payment, "--from", "alice", "--reason", "goods not delivered",
                   "--hold", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  const std::string id = Field(r.out, "dispute");
  ASSERT_FALSE(id.empty()) << last_command_;
  SyncAll();
  EXPECT_EQ(Cents(2, "bob", "USD"), bob - 4000);  // held: not available
  r = Corridor(2, {"dispute", "list", "--status", "open"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_NE(r.out.find("goods not delivered"), std::string::npos) << last_command_;
  r = Corridor(3, {"dispute", "resolve", id, "--from", "oracle", "--refund", "15.00", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  ExpectOnAllNodes(Field(r.out, "id"), "committed", "success");
  SyncAll();
  for (size_t i = 0; i < kNodes; ++i) {
    r = Corridor(i, {"dispute", "get", id});
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    EXPECT_EQ(Field(r.out, "status"), "refunded") << last_command_;
    EXPECT_EQ(Cents(i, "alice", "USD"), alice + 1500) << "validator-" << i + 1;
    EXPECT_EQ(Cents(i, "bob", "USD"), bob - 1500) << "validator-" << i + 1;
  }
  r = Corridor(0, {"dispute", "open", payment, "--from", "bob", "--reason", "again",
                   "--no-precheck", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("already_disputed"), std::string::npos) << r.err;
}

TEST_F(WalletCli, HoldExpirySetByComplianceIsReadBackOnEveryNode) {
  CommandResult r = Corridor(
      0, {"compliance", "hold-expiry", "--from", "compliance", "--blocks", "250", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  ExpectOnAllNodes(Field(r.out, "id"), "committed", "success");
  SyncAll();
  for (size_t i = 0; i < kNodes; ++i) {
    r = Corridor(i, {"compliance", "rules", "--json"});  // admin: the node's loopback
    ASSERT_EQ(r.exit_code, 0) << last_command_;
    auto rules = rpc::Json::Parse(r.out);
    ASSERT_TRUE(rules.ok()) << last_command_;
    ASSERT_TRUE(rules->value()["holdExpiryBlocks"].IsUint64()) << last_command_;
    EXPECT_EQ(rules->value()["holdExpiryBlocks"].GetUint64(), 250u) << "validator-" << i + 1;
  }
  r = Corridor(1, {"compliance", "rules"});
  ASSERT_EQ(r.exit_code, 0) << last_command_;
  EXPECT_NE(r.out.find("250 blocks"), std::string::npos) << last_command_;
  // Refused before signing: out of range, and a key without the role.
  r = Corridor(2, {"compliance", "hold-expiry", "--from", "compliance", "--blocks", "0"});
  EXPECT_EQ(r.exit_code, 2) << last_command_;
  EXPECT_NE(r.err.find("--blocks must be 1 to 10000000"), std::string::npos) << last_command_;
  r = Corridor(2, {"compliance", "hold-expiry", "--from", "alice", "--blocks", "300"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("unauthorized_role"), std::string::npos) << last_command_;
  // Setting the value in force again is refused by the chain.
  r = Corridor(3,
               {"compliance", "hold-expiry", "--from", "compliance", "--blocks", "250", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << last_command_;
  EXPECT_NE(r.err.find("no_change"), std::string::npos) << last_command_;
  SyncAll();
  auto rules = Call(3, "compliance_getRules", rpc::Json::Object());
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->value()["holdExpiryBlocks"].GetUint64(), 250u);
}

}  // namespace
}  // namespace corridor

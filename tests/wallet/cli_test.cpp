// The `corridor` CLI as functions: argument parsing, value parsing, and whole
// commands run through RunCli against a fake node, a temporary keystore and
// in-memory streams (no process, no network, no sleeps: the clock is fake).
#include "wallet/cli.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "chain/amount.h"
#include "chain/transaction.h"
#include "tests/wallet/fake_node.h"
#include "wallet/cli_args.h"
#include "wallet/cli_values.h"
#include "wallet/keystore.h"

namespace corridor::wallet::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliTest;

// ---------------------------------------------------------------- parsing

std::vector<CommandSpec> Table() {
  return {
      {{"pay"}, {}, {"from", "to", "amount", "wait"}, {"from", "amount"}, "", "", nullptr},
      {{"tx", "status"}, {"ID"}, {"wait"}, {}, "", "", nullptr},
      {{"tx", "send"}, {"RAW"}, {}, {}, "", "", nullptr},
  };
}

TEST(CliArgs, FlagsMayComeBeforeOrAfterTheCommand) {
  auto table = Table();
  auto p = ParseCommandLine(
      {"--rpc", "http://x:1", "pay", "--from", "alice", "--amount=1.5", "--wait"}, table);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->spec->words, std::vector<std::string>{"pay"});
  EXPECT_EQ(p->Flag("rpc"), "http://x:1");
  EXPECT_EQ(p->Flag("from"), "alice");
  EXPECT_EQ(p->Flag("amount"), "1.5");
  EXPECT_TRUE(p->Has("wait"));
}

TEST(CliArgs, PositionalsAndSubcommands) {
  auto table = Table();
  auto p = ParseCommandLine({"tx", "status", "abcd", "--wait"}, table);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->spec->words, (std::vector<std::string>{"tx", "status"}));
  EXPECT_EQ(p->positionals, std::vector<std::string>{"abcd"});
}

TEST(CliArgs, DoubleDashEndsFlags) {
  auto table = Table();
  auto p = ParseCommandLine({"tx", "send", "--", "--weird"}, table);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->positionals, std::vector<std::string>{"--weird"});
}

void ExpectUsageError(const std::vector<std::string>& args, const std::string& fragment) {
  auto table = Table();
  auto p = ParseCommandLine(args, table);
  ASSERT_FALSE(p.ok()) << "accepted: " << ::testing::PrintToString(args);
  EXPECT_EQ(p.error().exit_code, kExitUsage);
  EXPECT_NE(p.error().message.find(fragment), std::string::npos) << p.error().message;
  EXPECT_EQ(p.error().message.find('\n'), std::string::npos) << "one line";
}

TEST(CliArgs, MistakesAreUsageErrorsThatSayWhatToFix) {
  ExpectUsageError({"pay", "--from", "a", "--amount", "1", "--amout", "2"},
                   "unknown flag --amout for 'corridor pay'");
  ExpectUsageError({"pay", "--from", "a"}, "'corridor pay' needs --amount");
  ExpectUsageError({"pay", "--from", "a", "--amount"}, "flag --amount needs a value");
  ExpectUsageError({"pay", "--from", "a", "--from", "b", "--amount", "1"},
                   "flag --from is given twice");
  ExpectUsageError({"pay", "--wait=yes"}, "flag --wait takes no value");
  ExpectUsageError({"pya"}, "unknown command 'pya'");
  ExpectUsageError({"tx", "stat"}, "known: tx status, tx send");
  ExpectUsageError({"tx", "status"}, "'corridor tx status' needs ID");
  ExpectUsageError({"tx", "status", "a", "b"}, "unexpected argument 'b'");
  ExpectUsageError({"tx", "status", "a", "-x"}, "unknown option '-x'");
  ExpectUsageError({"tx", "status", "a", "--to", "x"}, "unknown flag --to");
}

TEST(CliArgs, HelpNeedsNoRequiredFlags) {
  auto table = Table();
  auto p = ParseCommandLine({"pay", "--help"}, table);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->help);
}

// ---------------------------------------------------------------- values

TEST(CliValues, TimesAreMillisecondsOrUtcDates) {
  EXPECT_EQ(*ParseTimeFlag("from-time", "1735689601000"), 1735689601000u);
  EXPECT_EQ(*ParseTimeFlag("from-time", "2025-01-01"), 1735689600000u);
  EXPECT_EQ(*ParseTimeFlag("from-time", "2025-01-01T00:00:01Z"), 1735689601000u);
  EXPECT_EQ(*ParseTimeFlag("from-time", "2024-02-29T23:59"), 1709251140000u);
  for (const char* bad : {"2025-02-30", "2025-13-01", "yesterday", "2025-01-01T24:00", "-5", ""}) {
    auto t = ParseTimeFlag("from-time", bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().exit_code, kExitUsage);
    EXPECT_NE(t.error().message.find("--from-time"), std::string::npos);
  }
  EXPECT_EQ(FormatTime(1735689601000), "2025-01-01T00:00:01Z");
  EXPECT_EQ(FormatTime(1735689601250), "2025-01-01T00:00:01.250Z");
}

TEST(CliValues, AmountsAreNeverRounded) {
  EXPECT_EQ(*ParseAmountFlag("amount", "12.5", 2), 1250u);
  auto more = ParseAmountFlag("amount", "12.505", 2);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().message, "--amount: amount '12.505' has more than 2 decimal places");
  EXPECT_FALSE(ParseAmountFlag("amount", "0", 2).ok());
  EXPECT_TRUE(ParseAmountFlag("amount", "0", 2, true).ok());
  for (const char* bad : {"12,50", "-1", "1e3", ".5", "5.", "", "1.2.3"}) {
    EXPECT_TRUE(CheckAmountSyntax("amount", bad).has_value()) << bad;
  }
  EXPECT_FALSE(CheckAmountSyntax("amount", "18446744073709551616").has_value())
      << "size is checked against the asset's decimals later, not here";
  EXPECT_FALSE(ParseUintFlag("nonce", "18446744073709551616").ok());
  EXPECT_EQ(*ParseUintFlag("nonce", "18446744073709551615"), UINT64_MAX);
}

// ---------------------------------------------------------------- commands
// (the fake node and the fixture: tests/wallet/fake_node.h)

TEST_F(CliTest, PaySignsWithTheNextNonceAndTheAssetsDecimals) {
  auto args = Pay("12.5");
  args.insert(args.end(), {"--memo", "INV-7"});
  ASSERT_EQ(Run(args), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  const Transaction& tx = *chain_.submitted[0];
  EXPECT_TRUE(tx.VerifySignatures());
  EXPECT_EQ(tx.body().chain_id, "corridor-local");
  EXPECT_EQ(tx.body().sender, Alice());
  EXPECT_EQ(tx.body().nonce, 3u) << "account_get's next nonce";
  EXPECT_EQ(tx.body().expiry_height, 10u + 1000u);
  EXPECT_EQ(tx.body().memo, "INV-7");
  EXPECT_EQ(std::get<Payment>(tx.body().op), (Payment{Bob(), "USD", 1250}));
  EXPECT_EQ(Out(), "id      " + tx.id().ToHex() + "\nstatus  pending\n");
  EXPECT_EQ(Err(), "");
  EXPECT_EQ(urls_, std::vector<std::string>{std::string(kDefaultRpcUrl)});
}

TEST_F(CliTest, RpcUrlComesFromTheFlagThenTheEnvironment) {
  vars_["CORRIDOR_RPC"] = "http://10.0.0.5:9000";
  ASSERT_EQ(Run({"balance", "bob"}), kExitOk) << Err();
  ASSERT_EQ(Run({"balance", "bob", "--rpc", "http://127.0.0.1:8546"}), kExitOk) << Err();
  EXPECT_EQ(urls_, (std::vector<std::string>{"http://10.0.0.5:9000", "http://127.0.0.1:8546"}));
  EXPECT_EQ(Run({"balance", "bob", "--rpc", "ftp://x"}), kExitUsage);
  ExpectOneErrorLine("--rpc: 'ftp://x' is not a node URL");
}

TEST_F(CliTest, MistypedAddressIsRefusedBeforeAnythingElse) {
  std::string bad = Bob().ToString();
  bad[10] = bad[10] == 'q' ? 'p' : 'q';
  EXPECT_EQ(Run({"pay", "--from", "alice", "--to", bad, "--asset", "USD", "--amount", "1"}),
            kExitUsage);
  ExpectOneErrorLine("--to: address checksum does not match (a character is mistyped)");
  EXPECT_TRUE(chain_.calls.empty()) << "the node was asked before the address was checked";
  EXPECT_EQ(passphrase_asks_, 0);
}

TEST_F(CliTest, MalformedAmountIsRefusedWithoutTheNode) {
  EXPECT_EQ(Run(Pay("12,50")), kExitUsage);
  ExpectOneErrorLine("--amount: amount '12,50' must look like 12 or 12.50");
  EXPECT_TRUE(chain_.calls.empty());
}

TEST_F(CliTest, AmountWithTooManyDecimalsForTheAsset) {
  EXPECT_EQ(Run(Pay("12.505")), kExitUsage);
  ExpectOneErrorLine("--amount: amount '12.505' has more than 2 decimal places");
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);
}

TEST_F(CliTest, UnknownAssetListsTheKnownOnes) {
  auto args = Pay("1");
  args[6] = "XYZ";
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--asset: unknown asset 'XYZ' (the node has: EUR, USD)");
  args[6] = "usd";
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("--asset: 'usd' is not an asset code");
}

TEST_F(CliTest, UnknownFlagAndUnknownCommand) {
  auto args = Pay("1");
  args.push_back("--amout");
  args.push_back("2");
  EXPECT_EQ(Run(args), kExitUsage);
  ExpectOneErrorLine("unknown flag --amout for 'corridor pay'");
  EXPECT_EQ(Run({"send-money"}), kExitUsage);
  ExpectOneErrorLine("unknown command 'send-money'");
  EXPECT_TRUE(chain_.calls.empty());
}

TEST_F(CliTest, NodeUnreachableSaysWhereItLooked) {
  chain_.unreachable = true;
  EXPECT_EQ(Run(Pay("1")), kExitFailed);
  ExpectOneErrorLine(
      "cannot reach the node at http://127.0.0.1:8545 (connect to 127.0.0.1:8545: Connection "
      "refused)");
  EXPECT_NE(Err().find("--rpc / CORRIDOR_RPC"), std::string::npos);
  EXPECT_EQ(passphrase_asks_, 0) << "no passphrase prompt when the node is down";
}

TEST_F(CliTest, WrongPassphrase) {
  passphrase_ = "wrong";
  EXPECT_EQ(Run(Pay("1")), kExitFailed);
  ExpectOneErrorLine("wrong passphrase for key " + Alice().ToString());
  EXPECT_TRUE(chain_.submitted.empty());
}

TEST_F(CliTest, MissingKey) {
  auto args = Pay("1");
  args[2] = "carol";
  EXPECT_EQ(Run(args), kExitFailed);
  ExpectOneErrorLine("no key named 'carol' in " + dir_.string());
}

TEST_F(CliTest, InsufficientBalanceIsCaughtBeforeSigning) {
  EXPECT_EQ(Run(Pay("100.01")), kExitFailed);
  ExpectOneErrorLine(
      "insufficient_balance: 'alice' has 100.00 USD available, the transaction needs 100.01");
  EXPECT_TRUE(chain_.submitted.empty());
  EXPECT_EQ(passphrase_asks_, 0);
}

TEST_F(CliTest, WithoutPrecheckTheReceiptsCodeNameIsReported) {
  chain_.statuses = {"pending", "pending", "failed"};
  chain_.receipt_code = 306;
  chain_.receipt_name = "insufficient_balance";
  auto args = Pay("100.01");
  args.insert(args.end(), {"--no-precheck", "--wait"});
  EXPECT_EQ(Run(args), kExitFailed);
  ASSERT_EQ(chain_.submitted.size(), 1u);
  const std::string id = chain_.submitted[0]->id().ToHex();
  EXPECT_EQ(Out(), "id      " + id +
                       "\nstatus  failed\nheight  11\ntime    2025-01-01T00:00:01Z\ncode    306 "
                       "insufficient_balance\n");
  ExpectOneErrorLine("transaction " + id + " failed: insufficient_balance (306)");
  EXPECT_EQ(sleeps_, 2);
}

TEST_F(CliTest, UnregisteredReceiverIsCaughtBeforeSigning) {
  auto args = Pay("1");
  args[4] = Address::FromPublicKey(PrivateKey::Generate().public_key()).ToString();
  EXPECT_EQ(Run(args), kExitFailed);
  ExpectOneErrorLine("unknown_account: " + args[4] + " is not a registered account");
}

TEST_F(CliTest, RefusalShowsTheStateMachinesNameWordForWord) {
  chain_.rejections = {{201, "nonce_too_high"}};
  EXPECT_EQ(Run(Pay("1")), kExitFailed);
  ExpectOneErrorLine("refused by the node: nonce_too_high (201): refused for the test");
}

TEST_F(CliTest, NonceHeldByAPendingTransactionMovesToTheNext) {
  chain_.rejections = {{-1, "nonce_in_use"}, {-1, "nonce_in_use"}};
  ASSERT_EQ(Run(Pay("1")), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  EXPECT_EQ(chain_.submitted[0]->body().nonce, 5u);
  // A block used the nonce between account_get and tx_submit.
  chain_.submitted.clear();
  chain_.rejections = {{200, "nonce_too_low"}};
  ASSERT_EQ(Run(Pay("1")), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  EXPECT_EQ(chain_.submitted[0]->body().nonce, 4u);
  // With --nonce the user decided: no second guess.
  chain_.rejections = {{-1, "nonce_in_use"}};
  auto args = Pay("1");
  args.insert(args.end(), {"--nonce", "3"});
  EXPECT_EQ(Run(args), kExitFailed);
  ExpectOneErrorLine("refused by the node: nonce_in_use: refused for the test");
}

TEST_F(CliTest, WaitFollowsTheTransactionUntilCommitted) {
  chain_.statuses = {"pending", "committed"};
  auto args = Pay("1");
  args.push_back("--wait");
  ASSERT_EQ(Run(args), kExitOk) << Err();
  EXPECT_NE(Out().find("status  committed\nheight  11\n"), std::string::npos) << Out();
  EXPECT_NE(Out().find("code    0 success\n"), std::string::npos) << Out();
}

TEST_F(CliTest, WaitGivesUpAtItsTimeout) {
  auto args = Pay("1");
  args.insert(args.end(), {"--wait", "--timeout", "2"});
  EXPECT_EQ(Run(args), kExitFailed);
  ExpectOneErrorLine("is still pending after 2 s; follow it with 'corridor tx status");
  EXPECT_EQ(sleeps_, 8);  // every 250 ms
}

TEST_F(CliTest, TxStatus) {
  EXPECT_EQ(Run({"tx", "status", "xyz"}), kExitUsage);
  ExpectOneErrorLine("ID must be a transaction id");
  chain_.statuses = {"committed"};
  const std::string id(64, 'a');
  ASSERT_EQ(Run({"tx", "status", id}), kExitOk) << Err();
  EXPECT_NE(Out().find("status  committed"), std::string::npos);
  chain_.statuses = {"unknown"};
  chain_.status_calls = 0;
  EXPECT_EQ(Run({"tx", "status", id}), kExitFailed);
  ExpectOneErrorLine("is unknown to the node");
}

TEST_F(CliTest, TxSignOfflineThenTxSend) {
  ASSERT_EQ(
      Run({"tx", "sign", "--from", "alice", "--to", "bob", "--asset", "USD", "--amount", "2.25",
           "--decimals", "2", "--nonce", "9", "--expiry", "500", "--chain-id", "corridor-local"}),
      kExitOk)
      << Err();
  EXPECT_TRUE(chain_.calls.empty()) << "tx sign is offline";
  std::istringstream lines(Out());
  std::string id_label, id, raw_label, raw;
  lines >> id_label >> id >> raw_label >> raw;
  EXPECT_EQ(id_label, "id");
  EXPECT_EQ(raw_label, "raw");
  auto tx = Transaction::Decode(*FromHex(raw));
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->id().ToHex(), id);
  EXPECT_EQ((*tx)->body().nonce, 9u);
  EXPECT_EQ(std::get<Payment>((*tx)->body().op).amount, 225u);

  ASSERT_EQ(Run({"tx", "send", raw}), kExitOk) << Err();
  EXPECT_EQ(Out(), "id      " + id + "\nstatus  pending\n");
  EXPECT_EQ(Run({"tx", "send", raw.substr(0, raw.size() - 2)}), kExitUsage);
  ExpectOneErrorLine("RAW is not a transaction: ");
}

// A multi-signature account's transaction: signed by one key with --for and
// --no-send, co-signed offline by another, then sent.
TEST_F(CliTest, MultiSignatureNoSendCosignSend) {
  const std::string carol_for = Alice().ToString();  // the account both keys sign for
  // Not in alice's signer list (she has none yet): refused before signing.
  EXPECT_EQ(Run({"pay", "--from", "bob", "--for", carol_for, "--to", "bob", "--asset", "USD",
                 "--amount", "1.50", "--no-send"}),
            kExitFailed);
  ExpectOneErrorLine("unauthorized_signer: key 'bob' may not sign for account " + carol_for);
  rpc::Json signer_list = rpc::Json::Array();
  for (const PrivateKey* k : {&alice_, &bob_}) {
    rpc::Json e = rpc::Json::Object();
    e.Set("publicKey", k->public_key().ToHex());
    e.Set("weight", 1);
    signer_list.Push(e);
  }
  chain_.accounts[carol_for].Set("signers", signer_list);
  chain_.accounts[carol_for].Set("threshold", 2);
  ASSERT_EQ(Run({"pay", "--from", "bob", "--for", carol_for, "--to", "bob", "--asset", "USD",
                 "--amount", "1.50", "--no-send"}),
            kExitOk)
      << Err();
  EXPECT_TRUE(chain_.submitted.empty()) << "--no-send does not submit";
  std::istringstream lines(Out());
  std::string label, id, raw;
  lines >> label >> id >> label >> raw;
  auto first = Transaction::Decode(*FromHex(raw));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->body().sender, Alice()) << "--for sets the sender";
  ASSERT_EQ((*first)->signatures().size(), 1u);
  EXPECT_EQ((*first)->signatures()[0].key, bob_.public_key());

  ASSERT_EQ(Run({"tx", "cosign", raw, "--from", "alice"}), kExitOk) << Err();
  std::istringstream out(Out());
  std::string id2, signers, raw2;
  out >> label >> id2 >> label >> signers >> label >> raw2;
  EXPECT_EQ(id2, id) << "signatures do not change the id";
  EXPECT_EQ(signers, "2");
  auto both = Transaction::Decode(*FromHex(raw2));
  ASSERT_TRUE(both.ok());
  ASSERT_EQ((*both)->signatures().size(), 2u);
  EXPECT_TRUE((*both)->VerifySignatures());

  EXPECT_EQ(Run({"tx", "cosign", raw2, "--from", "bob"}), kExitFailed);
  ExpectOneErrorLine("has already signed this transaction");
  std::string altered = raw2;
  altered[altered.size() - 1] = altered.back() == '0' ? '1' : '0';  // a signature byte
  EXPECT_EQ(Run({"tx", "cosign", altered, "--from", "alice"}), kExitFailed);
  ExpectOneErrorLine("does not verify");

  ASSERT_EQ(Run({"tx", "send", raw2}), kExitOk) << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  EXPECT_EQ(chain_.submitted[0]->encoded(), (*both)->encoded());

  EXPECT_EQ(Run({"pay", "--from", "bob", "--to", "alice", "--asset", "USD", "--amount", "1",
                 "--no-send", "--wait"}),
            kExitUsage);
}

TEST_F(CliTest, SignersSetBuildsASortedSignerList) {
  const std::string a = alice_.public_key().ToHex(), b = bob_.public_key().ToHex();
  ASSERT_EQ(
      Run({"signers", "set", "--from", "alice", "--threshold", "3", "--signers", a + ":2," + b}),
      kExitOk)
      << Err();
  ASSERT_EQ(chain_.submitted.size(), 1u);
  const auto& op = std::get<SetSigners>(chain_.submitted[0]->body().op);
  EXPECT_EQ(op.threshold, 3u);
  ASSERT_EQ(op.signers.size(), 2u);
  EXPECT_LT(op.signers[0].key, op.signers[1].key) << "ascending, as the operation requires";
  for (const auto& e : op.signers) {
    EXPECT_EQ(e.weight, e.key == alice_.public_key() ? 2u : 1u);
  }
  ASSERT_EQ(Run({"signers", "set", "--from", "alice", "--threshold", "0"}), kExitOk) << Err();
  EXPECT_TRUE(std::get<SetSigners>(chain_.submitted.back()->body().op).signers.empty());

  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"--threshold", "4", "--signers", a + ":2," + b},  // above the total weight
           {"--threshold", "1", "--signers", a + "," + a},    // the same key twice
           {"--threshold", "1", "--signers", "abcd"},         // not a key
           {"--threshold", "1", "--signers", a + ":0"},       // zero weight
           {"--threshold", "2"}}) {                           // no signers, non-zero threshold
    std::vector<std::string> args = {"signers", "set", "--from", "alice"};
    args.insert(args.end(), bad.begin(), bad.end());
    EXPECT_EQ(Run(args), kExitUsage) << bad[1];
  }
  EXPECT_EQ(chain_.submitted.size(), 2u);
}

TEST_F(CliTest, AdminOperationsBuildTheirOperations) {
  chain_.AddAccount(Address::FromPublicKey(alice_.public_key()), 3, "100.00");
  auto run = [&](std::vector<std::string> args) -> Operation {
    args.insert(args.end(), {"--from", "alice"});
    EXPECT_EQ(Run(args), kExitOk) << Err();
    if (chain_.submitted.empty()) return Payment{};
    Operation op = chain_.submitted.back()->body().op;
    chain_.submitted.clear();
    return op;
  };
  const std::string bob = Bob().ToString();
  EXPECT_EQ(run({"account", "register", "--account", bob, "--kyc-level", "2", "--jurisdiction",
                 "SG", "--display-name", "Bob"}),
            Operation(RegisterAccount{Bob(), 2, "SG", "Bob"}));
  EXPECT_EQ(run({"role", "grant", "--account", "bob", "--role", "issuer"}),
            Operation(GrantRole{Bob(), Role::kIssuer}));
  EXPECT_EQ(run({"role", "revoke", "--account", "bob", "--role", "issuer"}),
            Operation(RevokeRole{Bob(), Role::kIssuer}));
  EXPECT_EQ(run({"asset", "create", "--asset", "JPY", "--decimals", "0", "--issuer", "bob"}),
            Operation(CreateAsset{"JPY", 0, Bob()}));
  EXPECT_EQ(run({"asset", "mint", "--to", "bob", "--asset", "USD", "--amount", "3"}),
            Operation(Mint{Bob(), "USD", 300}));
  EXPECT_EQ(run({"asset", "burn", "--asset", "USD", "--amount", "0.01"}),
            Operation(Burn{"USD", 1}));
  EXPECT_EQ(run({"freeze", "account", "--account", "bob"}), Operation(FreezeAccount{Bob()}));
  EXPECT_EQ(run({"unfreeze", "account", "--account", "bob"}), Operation(UnfreezeAccount{Bob()}));
  EXPECT_EQ(run({"freeze", "asset", "--asset", "EUR"}), Operation(FreezeAsset{"EUR"}));
  EXPECT_EQ(run({"unfreeze", "asset", "--asset", "EUR"}), Operation(UnfreezeAsset{"EUR"}));

  EXPECT_EQ(Run({"role", "grant", "--from", "alice", "--account", "bob", "--role", "king"}),
            kExitUsage);
  ExpectOneErrorLine("--role: unknown role 'king' (known: admin, issuer,");
  EXPECT_EQ(Run({"account", "register", "--from", "alice", "--account", "bob", "--kyc-level", "4",
                 "--jurisdiction", "SG"}),
            kExitUsage);
  ExpectOneErrorLine("--kyc-level must be 0 to 3");
}

TEST_F(CliTest, HistoryPassesEveryFilter) {
  ASSERT_EQ(Run({"history",      "alice",     "--type",        "payment,mint", "--from-time",
                 "2025-01-01",   "--to-time", "1735689700000", "--min-amount", "10",
                 "--max-amount", "20.5",      "--status",      "committed",    "--counterparty",
                 "bob",          "--asset",   "USD",           "--limit",      "2",
                 "--cursor",     "9:1"}),
            kExitOk)
      << Err();
  ASSERT_EQ(chain_.calls, std::vector<std::string>{"account_getHistory"});
  EXPECT_EQ(chain_.params[0].Serialize(),
            "{\"address\":\"" + Alice().ToString() +
                "\",\"type\":[\"payment\",\"mint\"],\"fromTime\":1735689600000,\"toTime\":"
                "1735689700000,\"limit\":2,\"cursor\":\"9:1\",\"minAmount\":\"10\","
                "\"maxAmount\":\"20.5\",\"asset\":\"USD\",\"status\":\"committed\","
                "\"counterparty\":\"" +
                Bob().ToString() + "\"}");
  EXPECT_EQ(Out(), "no entries\nnext-cursor 7:0\n");

  EXPECT_EQ(Run({"history", "alice", "--status", "done"}), kExitUsage);
  ExpectOneErrorLine("--status must be committed, failed or held");
  EXPECT_EQ(Run({"history", "alice", "--limit", "501"}), kExitUsage);
  ExpectOneErrorLine("--limit must be 1 to 500");
  EXPECT_EQ(chain_.calls.size(), 1u);
}

TEST_F(CliTest, Balance) {
  ASSERT_EQ(Run({"balance", Alice().ToString()}), kExitOk) << Err();
  EXPECT_EQ(Out(), "address  " + Alice().ToString() +
                       "\nheight   10\nASSET  AVAILABLE  LOCKED\nUSD    100.00     0.00\n");
  const std::string stranger =
      Address::FromPublicKey(PrivateKey::Generate().public_key()).ToString();
  EXPECT_EQ(Run({"balance", stranger}), kExitFailed);
  ExpectOneErrorLine("account " + stranger + " is not registered");
  EXPECT_EQ(Run({"balance", "carol"}), kExitUsage);
  ExpectOneErrorLine("'carol' is neither an address (");
}

TEST_F(CliTest, HelpAndNoArguments) {
  EXPECT_EQ(Run({"help"}), kExitOk);
  EXPECT_NE(Out().find("pay"), std::string::npos);
  EXPECT_EQ(Run({"help", "pay"}), kExitOk);
  EXPECT_EQ(Out().rfind("usage: corridor pay --to ADDRESS", 0), 0u) << Out();
  EXPECT_EQ(Run({"history", "--help"}), kExitOk);
  EXPECT_EQ(Out().rfind("usage: corridor history ADDRESS", 0), 0u) << Out();
  EXPECT_EQ(Run({}), kExitUsage);
  EXPECT_NE(Err().find("usage: corridor COMMAND"), std::string::npos);
}

TEST_F(CliTest, KeyCommandsStillWork) {
  ASSERT_EQ(Run({"key", "list"}), kExitOk);
  EXPECT_NE(Out().find("alice"), std::string::npos);
  EXPECT_NE(Out().find(Bob().ToString()), std::string::npos);
  ASSERT_EQ(Run({"key", "show", "bob"}), kExitOk);
  EXPECT_NE(Out().find("address    " + Bob().ToString()), std::string::npos);
  EXPECT_EQ(Run({"key", "new", "bad/name"}), kExitUsage);
  EXPECT_EQ(Run({"key", "new", "alice"}), kExitFailed);
  ExpectOneErrorLine("a key named 'alice' already exists");
}

}  // namespace
}  // namespace corridor::wallet::cli

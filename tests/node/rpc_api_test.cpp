// The node's JSON-RPC methods against a real chain: every method, every
// history filter, stable pagination while blocks are appended, statement
// reconciliation, idempotent submission, rejections word for word, and
// -32602 for malformed params.
#include "node/rpc_api.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include <atomic>
#include <set>
#include <thread>

#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

using rpc::Json;

std::string Quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}
std::string AddrJson(std::string_view name) {
  return Quote(Addr(name).ToString());
}

// The standard chain: four blocks of payments, a failed payment, a mint and a
// burn, at one-second intervals after genesis.
//   1: alice->bob 12.50 USD "INV-1";       exchange->alice 100.00 EUR "FX-1"
//   2: bob->alice 5.00 EUR "REFUND";        alice->bob 2000000.00 USD (fails: 306)
//   3: bank mints 50.00 USD to bob;         alice->exchange 1.00 USD "FEE"
//   4: alice burns 0.50 USD
class RpcApiTest : public ::testing::Test {
 protected:
  explicit RpcApiTest(RpcApiOptions options = {}) : node_(options) {}

  void BuildStandardChain() {
    block_[1] = node_.Commit({node_.Pay("alice", "bob", "USD", 1250, "INV-1"),
                              node_.Pay("exchange", "alice", "EUR", 10000, "FX-1")});
    block_[2] = node_.Commit({node_.Pay("bob", "alice", "EUR", 500, "REFUND"),
                              node_.Pay("alice", "bob", "USD", 200000000, "TOO-MUCH")});
    block_[3] = node_.Commit({node_.Tx("bank", Mint{Addr("bob"), "USD", 5000}),
                              node_.Pay("alice", "exchange", "USD", 100, "FEE")});
    block_[4] = node_.Commit({node_.Tx("alice", Burn{"USD", 50})});
    ASSERT_EQ(node_.height(), 4u);
  }

  std::string TxId(int height, size_t position) const {
    return block_.at(height)->transactions().at(position)->id().ToHex();
  }

  // The (height, position) of each history entry, in order.
  static std::vector<std::pair<uint64_t, uint64_t>> PositionsOf(const rapidjson::Value& entries) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& e : entries.GetArray()) {
      out.emplace_back(e["height"].GetUint64(), e["position"].GetUint64());
    }
    return out;
  }

  std::vector<std::pair<uint64_t, uint64_t>> History(const std::string& extra_params) {
    auto r =
        node_.Call("account_getHistory", R"({"address":)" + AddrJson("alice") + extra_params + "}");
    EXPECT_EQ(ErrorCode(r), 0) << r.Serialize();
    if (ErrorCode(r) != 0) return {};
    return PositionsOf(ResultOf(r)["entries"]);
  }

  TestNode node_;
  std::map<int, BlockPtr> block_;
};

using Locs = std::vector<std::pair<uint64_t, uint64_t>>;

// ------------------------------------------------------------ chain_getInfo

TEST_F(RpcApiTest, ChainGetInfo) {
  BuildStandardChain();
  auto r = node_.Call("chain_getInfo");
  const auto& info = ResultOf(r);
  EXPECT_EQ(Str(info, "chainId"), "corridor-local");
  EXPECT_EQ(info["height"].GetUint64(), 4u);
  EXPECT_EQ(Str(info, "latestHash"), block_[4]->hash().ToHex());
  EXPECT_EQ(info["latestTimestamp"].GetUint64(), node_.TimeOf(4));
  ASSERT_EQ(info["validators"].Size(), 4u);
  EXPECT_EQ(Str(info["validators"][0], "publicKey"),
            contracts::DevKey("validator-1").public_key().ToHex());
  EXPECT_EQ(Str(info["validators"][0], "address"), Addr("validator-1").ToString());
  EXPECT_EQ(info["view"].GetUint64(), 7u);
  EXPECT_FALSE(info["syncing"].GetBool());
  EXPECT_EQ(info["highestKnownHeight"].GetUint64(), 4u);
  EXPECT_EQ(Str(info, "version"), "0.1.0");
  EXPECT_EQ(info["protocolVersion"].GetInt(), 1);

  auto bad = node_.Call("chain_getInfo", R"({"verbose":true})");
  EXPECT_EQ(ErrorCode(bad), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(bad, "reason"), "unknown");
}

// ----------------------------------------------------------- chain_getBlock

TEST_F(RpcApiTest, ChainGetBlockByHeightAndHashWithVerifiableCertificate) {
  BuildStandardChain();
  auto r = node_.Call("chain_getBlock", R"({"height":1})");
  const auto& b = ResultOf(r);
  EXPECT_EQ(b["height"].GetUint64(), 1u);
  EXPECT_EQ(Str(b, "hash"), block_[1]->hash().ToHex());
  const auto& h = b["header"];
  EXPECT_EQ(Str(h, "chainId"), "corridor-local");
  EXPECT_EQ(h["height"].GetUint64(), 1u);
  EXPECT_EQ(Str(h, "prevHash"), node_.chain().blocks().HeaderAt(0)->ComputeHash().ToHex());
  EXPECT_EQ(h["timestamp"].GetUint64(), node_.TimeOf(1));
  EXPECT_EQ(Str(h, "proposer"), contracts::DevKey("validator-1").public_key().ToHex());
  EXPECT_EQ(h["view"].GetUint64(), 7u);
  EXPECT_EQ(Str(h, "txRoot"), block_[1]->header().tx_root.ToHex());
  EXPECT_EQ(Str(h, "receiptsRoot"), block_[1]->header().receipts_root.ToHex());
  EXPECT_EQ(Str(h, "stateRoot"), block_[1]->header().state_root.ToHex());
  EXPECT_EQ(b["transactionCount"].GetUint64(), 2u);
  ASSERT_EQ(b["transactions"].Size(), 2u);
  EXPECT_EQ(std::string(b["transactions"][0].GetString()), TxId(1, 0));
  EXPECT_EQ(std::string(b["transactions"][1].GetString()), TxId(1, 1));
  EXPECT_TRUE(b["nextTxStart"].IsNull());

  // The certificate, rebuilt from JSON alone, proves finality against the
  // validator set.
  const auto& c = b["certificate"];
  CommitCertificate cert;
  cert.height = c["height"].GetUint64();
  cert.view = c["view"].GetUint64();
  cert.block_hash = Hash::FromHex(c["blockHash"].GetString()).value();
  for (const auto& s : c["signatures"].GetArray()) {
    cert.signatures.push_back({PublicKey::FromHex(s["validator"].GetString()).value(),
                               Signature::FromHex(s["signature"].GetString()).value()});
  }
  EXPECT_EQ(cert.signatures.size(), 3u);
  EXPECT_TRUE(cert.Verify("corridor-local", node_.validators(1)).ok());

  auto by_hash =
      node_.Call("chain_getBlock", R"({"hash":)" + Quote(block_[1]->hash().ToHex()) + "}");
  EXPECT_EQ(ResultOf(by_hash)["height"].GetUint64(), 1u);
  EXPECT_EQ(ResultOf(by_hash).MemberCount(), b.MemberCount());

  auto genesis = node_.Call("chain_getBlock", R"({"height":0})");
  EXPECT_EQ(ResultOf(genesis)["transactionCount"].GetUint64(), 0u);
  EXPECT_EQ(ResultOf(genesis)["certificate"]["signatures"].Size(), 0u);
}

TEST_F(RpcApiTest, ChainGetBlockFullCarriesDecodedTransactionsAndReceipts) {
  BuildStandardChain();
  auto r = node_.Call("chain_getBlock", R"({"height":2,"full":true})");
  const auto& txs = ResultOf(r)["transactions"];
  ASSERT_EQ(txs.Size(), 2u);
  EXPECT_EQ(Str(txs[0], "id"), TxId(2, 0));
  EXPECT_EQ(Str(txs[0], "type"), "payment");
  EXPECT_EQ(Str(txs[0]["operation"], "amount"), "5.00");
  EXPECT_EQ(Str(txs[0]["operation"], "asset"), "EUR");
  EXPECT_EQ(Str(txs[0], "status"), "committed");
  EXPECT_EQ(Str(txs[0]["receipt"], "codeName"), "success");
  EXPECT_EQ(Str(txs[1], "status"), "failed");
  EXPECT_EQ(txs[1]["receipt"]["code"].GetInt(), 306);
  EXPECT_EQ(Str(txs[1]["receipt"], "codeName"), "insufficient_balance");
}

TEST_F(RpcApiTest, ChainGetBlockErrors) {
  BuildStandardChain();
  auto missing = node_.Call("chain_getBlock", R"({"height":99})");
  EXPECT_EQ(ErrorCode(missing), rpc::kNotFound);
  auto unknown_hash =
      node_.Call("chain_getBlock", R"({"hash":)" + Quote(std::string(64, 'a')) + "}");
  EXPECT_EQ(ErrorCode(unknown_hash), rpc::kNotFound);
  auto both = node_.Call("chain_getBlock",
                         R"({"height":1,"hash":)" + Quote(block_[1]->hash().ToHex()) + "}");
  EXPECT_EQ(ErrorCode(both), rpc::kInvalidParams);
  EXPECT_NE(ErrorMessage(both).find("exactly one of 'height' or 'hash'"), std::string::npos);
  auto neither = node_.Call("chain_getBlock", "{}");
  EXPECT_EQ(ErrorCode(neither), rpc::kInvalidParams);
  auto bad_hash = node_.Call("chain_getBlock", R"({"hash":"abc"})");
  EXPECT_EQ(ErrorCode(bad_hash), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(bad_hash, "reason"), "bad_hash");
  auto negative = node_.Call("chain_getBlock", R"({"height":-1})");
  EXPECT_EQ(ErrorCode(negative), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(negative, "reason"), "wrong_type");
  auto positional = node_.Call("chain_getBlock", "[1]");
  EXPECT_EQ(ErrorCode(positional), rpc::kInvalidParams);
}

class RpcApiSmallPagesTest : public RpcApiTest {
 protected:
  static RpcApiOptions Small() {
    RpcApiOptions o;
    o.max_block_tx_ids = 1;
    o.max_block_full_txs = 1;
    o.max_history_scan = 3;
    o.max_stats_blocks = 2;
    return o;
  }
  RpcApiSmallPagesTest() : RpcApiTest(Small()) {}
};

TEST_F(RpcApiSmallPagesTest, ChainGetBlockPagesLargeBlocks) {
  BuildStandardChain();
  auto first = node_.Call("chain_getBlock", R"({"height":1})");
  ASSERT_EQ(ResultOf(first)["transactions"].Size(), 1u);
  EXPECT_EQ(std::string(ResultOf(first)["transactions"][0].GetString()), TxId(1, 0));
  EXPECT_EQ(ResultOf(first)["nextTxStart"].GetUint64(), 1u);
  auto second = node_.Call("chain_getBlock", R"({"height":1,"full":true,"txStart":1})");
  ASSERT_EQ(ResultOf(second)["transactions"].Size(), 1u);
  EXPECT_EQ(Str(ResultOf(second)["transactions"][0], "id"), TxId(1, 1));
  EXPECT_TRUE(ResultOf(second)["nextTxStart"].IsNull());
}

// ----------------------------------------------------- chain_getTransaction

TEST_F(RpcApiTest, ChainGetTransactionCommitted) {
  BuildStandardChain();
  auto r = node_.Call("chain_getTransaction", R"({"id":)" + Quote(TxId(1, 0)) + "}");
  const auto& t = ResultOf(r);
  EXPECT_EQ(Str(t, "status"), "committed");
  const auto& tx = t["transaction"];
  EXPECT_EQ(Str(tx, "id"), TxId(1, 0));
  EXPECT_EQ(Str(tx, "chainId"), "corridor-local");
  EXPECT_EQ(Str(tx, "sender"), Addr("alice").ToString());
  EXPECT_EQ(tx["nonce"].GetUint64(), 0u);
  EXPECT_EQ(tx["expiryHeight"].GetUint64(), 100u);
  EXPECT_EQ(Str(tx, "type"), "payment");
  EXPECT_EQ(Str(tx["operation"], "to"), Addr("bob").ToString());
  EXPECT_EQ(Str(tx["operation"], "asset"), "USD");
  EXPECT_EQ(Str(tx["operation"], "amount"), "12.50");
  EXPECT_EQ(Str(tx, "memo"), "INV-1");
  ASSERT_EQ(tx["signatures"].Size(), 1u);
  EXPECT_EQ(Str(tx["signatures"][0], "publicKey"), contracts::DevKey("alice").public_key().ToHex());
  // The raw hex decodes to the same transaction.
  auto raw = FromHex(Str(t, "raw"));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(Transaction::Decode(*raw).value()->id().ToHex(), TxId(1, 0));

  const auto& rc = t["receipt"];
  EXPECT_EQ(rc["height"].GetUint64(), 1u);
  EXPECT_EQ(rc["position"].GetUint64(), 0u);
  EXPECT_EQ(Str(rc, "blockHash"), block_[1]->hash().ToHex());
  EXPECT_EQ(rc["timestamp"].GetUint64(), node_.TimeOf(1));
  EXPECT_EQ(rc["code"].GetInt(), 0);
  EXPECT_EQ(Str(rc, "codeName"), "success");
  ASSERT_EQ(rc["events"].Size(), 1u);
  EXPECT_EQ(Str(rc["events"][0], "type"), "transfer");
  EXPECT_EQ(Str(rc["events"][0], "from"), Addr("alice").ToString());
  EXPECT_EQ(Str(rc["events"][0], "to"), Addr("bob").ToString());
  EXPECT_EQ(Str(rc["events"][0], "amount"), "12.50");

  auto mint = node_.Call("chain_getTransaction", R"({"id":)" + Quote(TxId(3, 0)) + "}");
  const auto& ev = ResultOf(mint)["receipt"]["events"][0];
  EXPECT_EQ(Str(ev, "type"), "mint");
  EXPECT_EQ(Str(ev, "to"), Addr("bob").ToString());
  EXPECT_EQ(Str(ev, "issuer"), Addr("bank").ToString());
}

TEST_F(RpcApiTest, ChainGetTransactionFailedPendingAndUnknown) {
  BuildStandardChain();
  auto failed = node_.Call("chain_getTransaction", R"({"id":)" + Quote(TxId(2, 1)) + "}");
  EXPECT_EQ(Str(ResultOf(failed), "status"), "failed");
  EXPECT_EQ(ResultOf(failed)["receipt"]["code"].GetInt(), 306);
  EXPECT_EQ(Str(ResultOf(failed)["receipt"], "codeName"), "insufficient_balance");
  EXPECT_EQ(ResultOf(failed)["receipt"]["events"].Size(), 0u);

  auto tx = node_.Pay("alice", "bob", "USD", 100);
  auto sub = node_.Call("tx_submit", R"({"raw":)" + Quote(ToHex(tx->encoded())) + "}");
  ASSERT_EQ(ErrorCode(sub), 0) << sub.Serialize();
  auto pending = node_.Call("chain_getTransaction", R"({"id":)" + Quote(tx->id().ToHex()) + "}");
  EXPECT_EQ(Str(ResultOf(pending), "status"), "pending");
  EXPECT_EQ(Str(ResultOf(pending)["transaction"]["operation"], "amount"), "1.00");
  EXPECT_EQ(Str(ResultOf(pending), "raw"), ToHex(tx->encoded()));
  EXPECT_FALSE(ResultOf(pending).HasMember("receipt"));

  node_.CommitPending();
  auto now = node_.Call("chain_getTransaction", R"({"id":)" + Quote(tx->id().ToHex()) + "}");
  EXPECT_EQ(Str(ResultOf(now), "status"), "committed");
  EXPECT_EQ(ResultOf(now)["receipt"]["height"].GetUint64(), 5u);

  auto unknown =
      node_.Call("chain_getTransaction", R"({"id":)" + Quote(std::string(64, '0')) + "}");
  EXPECT_EQ(Str(ResultOf(unknown), "status"), "unknown");
  EXPECT_FALSE(ResultOf(unknown).HasMember("transaction"));

  auto bad = node_.Call("chain_getTransaction", R"({"id":"12"})");
  EXPECT_EQ(ErrorCode(bad), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(bad, "reason"), "bad_hash");
  auto missing = node_.Call("chain_getTransaction", "{}");
  EXPECT_EQ(ErrorCode(missing), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(missing, "reason"), "missing");
}

// --------------------------------------------------------------- tx_submit

TEST_F(RpcApiTest, TxSubmitIsIdempotentAndAppliesOnce) {
  auto tx = node_.Pay("alice", "bob", "USD", 700, "ONCE");
  std::string params = R"({"raw":)" + Quote(ToHex(tx->encoded())) + "}";
  auto first = node_.Call("tx_submit", params);
  EXPECT_EQ(Str(ResultOf(first), "id"), tx->id().ToHex());
  EXPECT_EQ(Str(ResultOf(first), "status"), "pending");
  auto again = node_.Call("tx_submit", params);
  EXPECT_EQ(Str(ResultOf(again), "id"), tx->id().ToHex());
  EXPECT_EQ(Str(ResultOf(again), "status"), "pending");
  EXPECT_EQ(node_.MempoolSize(), 1u);

  node_.CommitPending();
  auto after = node_.Call("tx_submit", params);
  EXPECT_EQ(Str(ResultOf(after), "id"), tx->id().ToHex());
  EXPECT_EQ(Str(ResultOf(after), "status"), "committed");
  EXPECT_EQ(node_.MempoolSize(), 0u);
  node_.CommitPending();
  auto bal = contracts::ReadBalance(node_.chain().state(), Addr("bob"), "USD");
  EXPECT_EQ(bal.available, 700u) << "applied exactly once";
}

// Rejections reach the client with the stable code and name, word for word.
TEST_F(RpcApiTest, TxSubmitRejectionsCarryStableCodeAndName) {
  BuildStandardChain();
  auto submit = [&](const TransactionPtr& tx) {
    return node_.Call("tx_submit", R"({"raw":)" + Quote(ToHex(tx->encoded())) + "}");
  };
  auto expect = [&](const Json& r, const std::string& code, const std::string& name) {
    EXPECT_EQ(ErrorCode(r), rpc::kTransactionRejected) << r.Serialize();
    EXPECT_EQ(ErrorData(r, "code"), code) << r.Serialize();
    EXPECT_EQ(ErrorData(r, "name"), name) << r.Serialize();
    EXPECT_FALSE(ErrorMessage(r).empty());
  };
  auto body = [&](std::string_view sender) {
    TxBody b;
    b.chain_id = "corridor-local";
    b.sender = Addr(sender);
    b.nonce = node_.NextNonce(b.sender);
    b.expiry_height = node_.height() + 10;
    b.op = Payment{Addr("bob"), "USD", 100};
    return b;
  };
  PrivateKey alice = contracts::DevKey("alice");

  TxBody used = body("alice");
  used.nonce -= 1;
  auto r = submit(Transaction::Sign(used, {&alice}));
  expect(r, "200", "nonce_too_low");
  EXPECT_NE(ErrorMessage(r).find("next nonce is 4"), std::string::npos) << ErrorMessage(r);

  PrivateKey stranger = contracts::DevKey("stranger");
  expect(submit(Transaction::Sign(body("stranger"), {&stranger})), "203", "unknown_sender");

  TxBody other_chain = body("alice");
  other_chain.chain_id = "other-chain";
  expect(submit(Transaction::Sign(other_chain, {&alice})), "100", "wrong_chain");

  TxBody expired = body("alice");
  expired.expiry_height = node_.height();
  expect(submit(Transaction::Sign(expired, {&alice})), "202", "expired");

  TxBody zero = body("alice");
  zero.op = Payment{Addr("bob"), "USD", 0};
  expect(submit(Transaction::Sign(zero, {&alice})), "102", "zero_amount");

  PrivateKey bob = contracts::DevKey("bob");
  expect(submit(Transaction::Sign(body("alice"), {&bob})), "205", "unauthorized_signer");

  // Right key, corrupted signature: the mempool's verification refuses it.
  auto good = Transaction::Sign(body("alice"), {&alice});
  auto sigs = good->signatures();
  sigs[0].sig.bytes[5] ^= 1;
  expect(submit(Transaction::Create(good->body(), sigs)), "101", "bad_signature");

  TxBody far = body("alice");
  far.nonce += 40;
  expect(submit(Transaction::Sign(far, {&alice})), "201", "nonce_too_high");

  // A node-only refusal: no state machine code, the mempool's name.
  ASSERT_EQ(ErrorCode(submit(Transaction::Sign(body("alice"), {&alice}))), 0);
  TxBody same_nonce = body("alice");
  same_nonce.memo = "different";
  expect(submit(Transaction::Sign(same_nonce, {&alice})), "null", "nonce_in_use");

  // A raw that is hex but not a transaction: the decoder's stable code.
  Bytes raw = good->encoded();
  raw.pop_back();
  auto truncated = node_.Call("tx_submit", R"({"raw":)" + Quote(ToHex(raw)) + "}");
  expect(truncated, "null", "truncated");
}

TEST_F(RpcApiTest, TxSubmitAcceptsANonceGapAndChecksItsSignerNow) {
  auto later = node_.Pay("alice", "bob", "USD", 100, "", 1);
  auto ok = node_.Call("tx_submit", R"({"raw":)" + Quote(ToHex(later->encoded())) + "}");
  EXPECT_EQ(Str(ResultOf(ok), "status"), "pending");
  PrivateKey bob = contracts::DevKey("bob");
  TxBody b = later->body();
  b.nonce += 1;
  auto wrong = node_.Call(
      "tx_submit", R"({"raw":)" + Quote(ToHex(Transaction::Sign(b, {&bob})->encoded())) + "}");
  EXPECT_EQ(ErrorData(wrong, "name"), "unauthorized_signer");
}

TEST_F(RpcApiTest, TxSubmitMalformedParams) {
  auto not_hex = node_.Call("tx_submit", R"({"raw":"zz"})");
  EXPECT_EQ(ErrorCode(not_hex), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(not_hex, "reason"), "bad_hex");
  auto missing = node_.Call("tx_submit", "{}");
  EXPECT_EQ(ErrorCode(missing), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(missing, "param"), "raw");
  auto number = node_.Call("tx_submit", R"({"raw":12})");
  EXPECT_EQ(ErrorData(number, "reason"), "wrong_type");
  auto typo = node_.Call("tx_submit", R"({"rwa":"00"})");
  EXPECT_EQ(ErrorData(typo, "reason"), "unknown");
}

// -------------------------------------------------------------- account_get

TEST_F(RpcApiTest, AccountGet) {
  BuildStandardChain();
  auto r = node_.Call("account_get", R"({"address":)" + AddrJson("alice") + "}");
  const auto& a = ResultOf(r);
  EXPECT_EQ(Str(a, "address"), Addr("alice").ToString());
  EXPECT_EQ(a["height"].GetUint64(), 4u);
  EXPECT_EQ(a["nonce"].GetUint64(), 4u);
  EXPECT_EQ(a["kycLevel"].GetInt(), 2);
  EXPECT_EQ(Str(a, "jurisdiction"), "US");
  EXPECT_EQ(Str(a, "displayName"), "Alice");
  EXPECT_EQ(a["roles"].Size(), 0u);
  EXPECT_FALSE(a["frozen"].GetBool());
  EXPECT_EQ(a["threshold"].GetUint(), 0u);
  EXPECT_EQ(a["signers"].Size(), 0u);
  ASSERT_EQ(a["balances"].Size(), 2u);
  EXPECT_EQ(Str(a["balances"][0], "asset"), "EUR");
  EXPECT_EQ(Str(a["balances"][0], "available"), "105.00");
  EXPECT_EQ(Str(a["balances"][1], "asset"), "USD");
  EXPECT_EQ(Str(a["balances"][1], "available"), "999986.00");
  EXPECT_EQ(Str(a["balances"][1], "locked"), "0.00");

  auto bank = node_.Call("account_get", R"({"address":)" + AddrJson("bank") + "}");
  ASSERT_EQ(ResultOf(bank)["roles"].Size(), 1u);
  EXPECT_EQ(std::string(ResultOf(bank)["roles"][0].GetString()), "issuer");

  auto unknown = node_.Call("account_get", R"({"address":)" + AddrJson("stranger") + "}");
  EXPECT_EQ(ErrorCode(unknown), rpc::kNotFound);
  std::string typo = Addr("alice").ToString();
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  auto mistyped = node_.Call("account_get", R"({"address":)" + Quote(typo) + "}");
  EXPECT_EQ(ErrorCode(mistyped), rpc::kInvalidParams);
  EXPECT_EQ(ErrorData(mistyped, "reason"), "bad_address");
  EXPECT_NE(ErrorMessage(mistyped).find("checksum"), std::string::npos) << ErrorMessage(mistyped);
}

// ------------------------------------------------------- account_getHistory

TEST_F(RpcApiTest, HistoryNewestFirstWithEntryDetails) {
  BuildStandardChain();
  auto r = node_.Call("account_getHistory", R"({"address":)" + AddrJson("alice") + "}");
  const auto& h = ResultOf(r);
  EXPECT_EQ(PositionsOf(h["entries"]), (Locs{{4, 0}, {3, 1}, {2, 1}, {2, 0}, {1, 1}, {1, 0}}));
  EXPECT_TRUE(h["nextCursor"].IsNull());
  const auto& pay = h["entries"][5];
  EXPECT_EQ(Str(pay, "txId"), TxId(1, 0));
  EXPECT_EQ(pay["timestamp"].GetUint64(), node_.TimeOf(1));
  EXPECT_EQ(Str(pay, "type"), "payment");
  EXPECT_EQ(Str(pay, "status"), "committed");
  EXPECT_EQ(Str(pay, "codeName"), "success");
  EXPECT_TRUE(pay["isSender"].GetBool());
  EXPECT_EQ(Str(pay, "asset"), "USD");
  EXPECT_EQ(Str(pay, "amount"), "12.50");
  EXPECT_EQ(Str(pay, "memo"), "INV-1");
  ASSERT_EQ(pay["counterparties"].Size(), 1u);
  EXPECT_EQ(std::string(pay["counterparties"][0].GetString()), Addr("bob").ToString());
  ASSERT_EQ(pay["balanceChanges"].Size(), 1u);
  EXPECT_EQ(Str(pay["balanceChanges"][0], "amount"), "-12.50");
  const auto& received = h["entries"][4];
  EXPECT_FALSE(received["isSender"].GetBool());
  EXPECT_EQ(Str(received["balanceChanges"][0], "amount"), "100.00");
  const auto& failed = h["entries"][2];
  EXPECT_EQ(Str(failed, "status"), "failed");
  EXPECT_EQ(failed["code"].GetInt(), 306);
  EXPECT_EQ(Str(failed, "codeName"), "insufficient_balance");
  EXPECT_EQ(failed["balanceChanges"].Size(), 0u);
}

TEST_F(RpcApiTest, HistoryEveryFilter) {
  BuildStandardChain();
  EXPECT_EQ(History(R"(,"type":"payment")"), (Locs{{3, 1}, {2, 1}, {2, 0}, {1, 1}, {1, 0}}));
  EXPECT_EQ(History(R"(,"type":["burn","mint"])"), (Locs{{4, 0}}));
  EXPECT_EQ(History(R"(,"status":"failed")"), (Locs{{2, 1}}));
  EXPECT_EQ(History(R"(,"status":"committed")"), (Locs{{4, 0}, {3, 1}, {2, 0}, {1, 1}, {1, 0}}));
  EXPECT_EQ(History(R"(,"counterparty":)" + AddrJson("bob")), (Locs{{2, 1}, {2, 0}, {1, 0}}));
  EXPECT_EQ(History(R"(,"counterparty":)" + AddrJson("exchange")), (Locs{{3, 1}, {1, 1}}));
  EXPECT_EQ(History(R"(,"asset":"EUR")"), (Locs{{2, 0}, {1, 1}}));
  // Amounts compare exactly in each entry's asset: 12.50 USD and 100.00 EUR.
  EXPECT_EQ(History(R"(,"minAmount":"10","maxAmount":"100")"), (Locs{{1, 1}, {1, 0}}));
  EXPECT_EQ(History(R"(,"minAmount":"12.5","maxAmount":"12.50")"), (Locs{{1, 0}}));
  EXPECT_EQ(History(R"(,"minAmount":"12.501")"), (Locs{{2, 1}, {1, 1}}));
  EXPECT_EQ(History(R"(,"maxAmount":"0.5")"), (Locs{{4, 0}}));
  // Time: blocks 2 and 3 exactly, then a window between blocks.
  EXPECT_EQ(History(",\"fromTime\":" + std::to_string(node_.TimeOf(2)) +
                    ",\"toTime\":" + std::to_string(node_.TimeOf(3))),
            (Locs{{3, 1}, {2, 1}, {2, 0}}));
  EXPECT_EQ(History(",\"fromTime\":" + std::to_string(node_.TimeOf(3) + 1)), (Locs{{4, 0}}));
  EXPECT_EQ(History(",\"toTime\":" + std::to_string(node_.TimeOf(1) + 999)),
            (Locs{{1, 1}, {1, 0}}));
  EXPECT_EQ(History(",\"fromTime\":" + std::to_string(node_.TimeOf(9))), Locs{});
  EXPECT_EQ(History(",\"toTime\":" + std::to_string(node_.TimeOf(0) - 1)), Locs{});
  // Filters combine.
  EXPECT_EQ(History(R"(,"type":"payment","status":"committed","asset":"USD","counterparty":)" +
                    AddrJson("bob")),
            (Locs{{1, 0}}));
  // An address with no history is an empty list, not an error.
  auto none = node_.Call("account_getHistory", R"({"address":)" + AddrJson("stranger") + "}");
  EXPECT_EQ(ResultOf(none)["entries"].Size(), 0u);
}

TEST_F(RpcApiTest, HistoryMalformedParams) {
  BuildStandardChain();
  struct Case {
    std::string params;
    std::string param;
    std::string reason;
  };
  const std::string a = R"({"address":)" + AddrJson("alice");
  for (const Case& c : std::vector<Case>{
           {a + R"(,"type":"pay"})", "type", "unknown_type"},
           {a + R"(,"type":[]})", "type", "wrong_type"},
           {a + R"(,"type":7})", "type", "wrong_type"},
           {a + R"(,"status":"done"})", "status", "bad_status"},
           {a + R"(,"limit":0})", "limit", "out_of_range"},
           {a + R"(,"limit":501})", "limit", "out_of_range"},
           {a + R"(,"minAmount":"1.2.3"})", "minAmount", "bad_amount"},
           {a + R"(,"minAmount":"-1"})", "minAmount", "bad_amount"},
           {a + R"(,"maxAmount":5})", "maxAmount", "wrong_type"},
           {a + R"(,"minAmount":"5","maxAmount":"4.99"})", "minAmount", "bad_amount_range"},
           {a + R"(,"fromTime":10,"toTime":9})", "fromTime", "bad_time_range"},
           {a + R"(,"fromTime":"yesterday"})", "fromTime", "wrong_type"},
           {a + R"(,"cursor":"abc"})", "cursor", "bad_cursor"},
           {a + R"(,"cursor":"1:2:3"})", "cursor", "bad_cursor"},
           {a + R"(,"asset":"usd"})", "asset", "bad_asset_code"},
           {a + R"(,"counterparty":"bob"})", "counterparty", "bad_address"},
           {a + R"(,"adress":"x"})", "adress", "unknown"},
           {R"({"type":"payment"})", "address", "missing"},
       }) {
    auto r = node_.Call("account_getHistory", c.params);
    EXPECT_EQ(ErrorCode(r), rpc::kInvalidParams) << c.params;
    EXPECT_EQ(ErrorData(r, "param"), c.param) << c.params;
    EXPECT_EQ(ErrorData(r, "reason"), c.reason) << c.params << " " << ErrorMessage(r);
    EXPECT_FALSE(ErrorMessage(r).empty());
  }
  auto r = node_.Call("account_getHistory", a + R"(,"type":"pay"})");
  EXPECT_NE(ErrorMessage(r).find("payment"), std::string::npos) << "lists the known types";
}

// Pages are positions in the chain: blocks appended between pages change
// nothing in the pages that follow.
TEST_F(RpcApiTest, HistoryPaginationIsStableWhileBlocksArrive) {
  for (int i = 1; i <= 10; ++i) node_.Commit({node_.Pay("alice", "bob", "USD", 100 + i)});
  auto page = [&](const std::string& cursor) {
    std::string params = R"({"address":)" + AddrJson("alice") + R"(,"limit":4)";
    if (!cursor.empty()) params += R"(,"cursor":)" + Quote(cursor);
    auto r = node_.Call("account_getHistory", params + "}");
    EXPECT_EQ(ErrorCode(r), 0) << r.Serialize();
    const auto& res = ResultOf(r);
    std::string next = res["nextCursor"].IsNull() ? "" : res["nextCursor"].GetString();
    return std::make_pair(PositionsOf(res["entries"]), next);
  };
  auto [p1, c1] = page("");
  EXPECT_EQ(p1, (Locs{{10, 0}, {9, 0}, {8, 0}, {7, 0}}));
  ASSERT_FALSE(c1.empty());
  for (int i = 0; i < 3; ++i) node_.Commit({node_.Pay("alice", "bob", "USD", 1)});
  auto [p2, c2] = page(c1);
  EXPECT_EQ(p2, (Locs{{6, 0}, {5, 0}, {4, 0}, {3, 0}}));
  node_.Commit({node_.Pay("alice", "bob", "USD", 1)});
  auto [p3, c3] = page(c2);
  EXPECT_EQ(p3, (Locs{{2, 0}, {1, 0}}));
  EXPECT_TRUE(c3.empty());
  // A fresh first page sees the new blocks.
  auto [fresh, fc] = page("");
  EXPECT_EQ(fresh.front(), (std::pair<uint64_t, uint64_t>{14, 0}));
}

// A scan that runs out of budget returns what it found and a cursor; following
// the cursors finds every match exactly once.
TEST_F(RpcApiSmallPagesTest, HistoryScanBudgetReturnsPartialPagesWithCursor) {
  BuildStandardChain();
  std::vector<std::pair<uint64_t, uint64_t>> all;
  std::string cursor;
  int calls = 0;
  do {
    std::string params = R"({"address":)" + AddrJson("alice") + R"(,"asset":"EUR")";
    if (!cursor.empty()) params += R"(,"cursor":)" + Quote(cursor);
    auto r = node_.Call("account_getHistory", params + "}");
    const auto& res = ResultOf(r);
    EXPECT_LE(res["scanned"].GetUint64(), 3u);
    for (auto p : PositionsOf(res["entries"])) all.push_back(p);
    cursor = res["nextCursor"].IsNull() ? "" : res["nextCursor"].GetString();
    ++calls;
  } while (!cursor.empty() && calls < 10);
  EXPECT_EQ(all, (Locs{{2, 0}, {1, 1}}));
  EXPECT_EQ(calls, 2);
}

// ----------------------------------------------------- account_getStatement

TEST_F(RpcApiTest, StatementReconciles) {
  BuildStandardChain();
  // Blocks 2-3: opening after block 1, closing after block 3; the failed
  // payment is not an entry.
  auto r = node_.Call("account_getStatement",
                      R"({"address":)" + AddrJson("alice") + R"(,"asset":"USD","fromTime":)" +
                          std::to_string(node_.TimeOf(2)) +
                          ",\"toTime\":" + std::to_string(node_.TimeOf(3)) + "}");
  const auto& s = ResultOf(r);
  EXPECT_EQ(s["openingHeight"].GetUint64(), 1u);
  EXPECT_EQ(s["closingHeight"].GetUint64(), 3u);
  EXPECT_EQ(s["decimals"].GetInt(), 2);
  EXPECT_EQ(Str(s, "openingBalance"), "999987.50");
  EXPECT_EQ(Str(s, "closingBalance"), "999986.50");
  ASSERT_EQ(s["entries"].Size(), 1u);
  EXPECT_EQ(Str(s["entries"][0], "txId"), TxId(3, 1));
  EXPECT_EQ(Str(s["entries"][0], "amount"), "-1.00");
  EXPECT_EQ(Str(s["entries"][0], "balanceAfter"), "999986.50");
  EXPECT_EQ(Str(s["entries"][0], "memo"), "FEE");
  EXPECT_TRUE(s["reconciled"].GetBool());
  EXPECT_TRUE(s["nextCursor"].IsNull());

  // From before genesis to the end: genesis balances open the statement.
  auto whole = node_.Call("account_getStatement", R"({"address":)" + AddrJson("bob") +
                                                      R"(,"asset":"USD","fromTime":0,"toTime":)" +
                                                      std::to_string(node_.TimeOf(10)) + "}");
  const auto& w = ResultOf(whole);
  EXPECT_EQ(w["openingHeight"].GetUint64(), 0u);
  EXPECT_EQ(w["closingHeight"].GetUint64(), 4u);
  EXPECT_EQ(Str(w, "openingBalance"), "0.00");
  EXPECT_EQ(Str(w, "closingBalance"), "62.50");
  ASSERT_EQ(w["entries"].Size(), 2u);
  EXPECT_EQ(Str(w["entries"][0], "amount"), "12.50");
  EXPECT_EQ(Str(w["entries"][1], "type"), "mint");
  EXPECT_EQ(Str(w["entries"][1], "amount"), "50.00");
  EXPECT_TRUE(w["reconciled"].GetBool());
}

// Opening + the sum of every entry over all pages == closing, with the
// balances read from past state and the entries from events.
TEST_F(RpcApiTest, StatementPagesAddUpToTheClosingBalance) {
  BuildStandardChain();
  uint64_t after_block_9 = 0;
  for (int i = 1; i <= 6; ++i) {
    node_.Commit({node_.Pay("alice", "bob", "USD", 1000 * i, "P" + std::to_string(i)),
                  node_.Pay("exchange", "alice", "USD", 333)});
    if (node_.height() == 9) {
      after_block_9 = contracts::ReadBalance(node_.chain().state(), Addr("alice"), "USD").available;
    }
  }
  std::string base = R"({"address":)" + AddrJson("alice") + R"(,"asset":"USD","fromTime":)" +
                     std::to_string(node_.TimeOf(2)) +
                     ",\"toTime\":" + std::to_string(node_.TimeOf(9)) + R"(,"limit":2)";
  int64_t opening = -1, closing = -1, sum = 0, last_balance = -1;
  std::string cursor;
  int pages = 0;
  bool reconciled = false;
  auto minor = [](const rapidjson::Value& v) {
    std::string s = v.GetString();
    s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
    return std::stoll(s);
  };
  do {
    std::string params = base + (cursor.empty() ? "" : R"(,"cursor":)" + Quote(cursor)) + "}";
    auto r = node_.Call("account_getStatement", params);
    ASSERT_EQ(ErrorCode(r), 0) << r.Serialize();
    const auto& s = ResultOf(r);
    opening = minor(s["openingBalance"]);
    closing = minor(s["closingBalance"]);
    if (last_balance < 0) last_balance = opening;
    for (const auto& e : s["entries"].GetArray()) {
      sum += minor(e["amount"]);
      EXPECT_EQ(minor(e["balanceAfter"]), last_balance + minor(e["amount"]));
      last_balance = minor(e["balanceAfter"]);
    }
    cursor = s["nextCursor"].IsNull() ? "" : s["nextCursor"].GetString();
    if (cursor.empty()) reconciled = s["reconciled"].GetBool();
    ++pages;
  } while (!cursor.empty() && pages < 20);
  // Window = blocks 2..9: the fee (-1.00), the burn (-0.50), then in blocks
  // 5-9 five payments out and five in; the failed payment is not an entry.
  EXPECT_EQ(pages, 6);
  EXPECT_EQ(opening, 99998750);  // after block 1
  EXPECT_EQ(sum, -100 - 50 - 1000 * (1 + 2 + 3 + 4 + 5) + 333 * 5);
  EXPECT_EQ(opening + sum, closing);
  EXPECT_EQ(last_balance, closing);
  EXPECT_EQ(closing, static_cast<int64_t>(after_block_9));
  EXPECT_TRUE(reconciled);
}

TEST_F(RpcApiTest, StatementErrors) {
  BuildStandardChain();
  const std::string a = R"({"address":)" + AddrJson("alice");
  auto unknown =
      node_.Call("account_getStatement", a + R"(,"asset":"XYZ","fromTime":0,"toTime":1})");
  EXPECT_EQ(ErrorCode(unknown), rpc::kNotFound);
  auto lower = node_.Call("account_getStatement", a + R"(,"asset":"usd","fromTime":0,"toTime":1})");
  EXPECT_EQ(ErrorData(lower, "reason"), "bad_asset_code");
  auto range = node_.Call("account_getStatement", a + R"(,"asset":"USD","fromTime":5,"toTime":1})");
  EXPECT_EQ(ErrorData(range, "reason"), "bad_time_range");
  auto missing = node_.Call("account_getStatement", a + R"(,"asset":"USD","fromTime":5})");
  EXPECT_EQ(ErrorData(missing, "param"), "toTime");
  EXPECT_EQ(ErrorData(missing, "reason"), "missing");
  auto cursor = node_.Call("account_getStatement",
                           a + R"(,"asset":"USD","fromTime":0,"toTime":1,"cursor":"1:0"})");
  EXPECT_EQ(ErrorData(cursor, "reason"), "bad_cursor");
  auto outside = node_.Call("account_getStatement", a + R"(,"asset":"USD","fromTime":0,"toTime":)" +
                                                        std::to_string(node_.TimeOf(1)) +
                                                        R"(,"cursor":"3:0:5"})");
  EXPECT_EQ(ErrorData(outside, "reason"), "bad_cursor");
}

// --------------------------------------------------------------- asset_list

TEST_F(RpcApiTest, AssetList) {
  BuildStandardChain();
  auto r = node_.Call("asset_list");
  const auto& assets = ResultOf(r)["assets"];
  ASSERT_EQ(assets.Size(), 2u);
  EXPECT_EQ(Str(assets[0], "code"), "EUR");
  EXPECT_EQ(Str(assets[0], "supply"), "101000000.00");
  EXPECT_EQ(Str(assets[1], "code"), "USD");
  EXPECT_EQ(assets[1]["decimals"].GetInt(), 2);
  EXPECT_EQ(Str(assets[1], "issuer"), Addr("bank").ToString());
  EXPECT_EQ(Str(assets[1], "supply"), "101000049.50");  // + 50.00 minted - 0.50 burned
  EXPECT_FALSE(assets[1]["frozen"].GetBool());
  EXPECT_FALSE(ResultOf(r)["truncated"].GetBool());
}

// ---------------------------------------------------------------- stats_get

TEST_F(RpcApiTest, StatsOverTheWholeChainAndAWindow) {
  BuildStandardChain();
  auto r = node_.Call("stats_get");  // default: the last 24 hours
  const auto& s = ResultOf(r);
  EXPECT_EQ(s["fromHeight"].GetUint64(), 0u);
  EXPECT_EQ(s["toHeight"].GetUint64(), 4u);
  EXPECT_EQ(s["blocks"].GetUint64(), 5u);
  EXPECT_FALSE(s["truncated"].GetBool());
  EXPECT_EQ(s["transactions"]["total"].GetUint64(), 7u);
  EXPECT_EQ(s["transactions"]["succeeded"].GetUint64(), 6u);
  EXPECT_EQ(s["transactions"]["failed"].GetUint64(), 1u);
  EXPECT_EQ(Str(s["transactions"], "successRate"), "0.8571");
  ASSERT_EQ(s["byType"].Size(), 3u);
  EXPECT_EQ(Str(s["byType"][0], "type"), "payment");
  EXPECT_EQ(s["byType"][0]["total"].GetUint64(), 5u);
  EXPECT_EQ(s["byType"][0]["failed"].GetUint64(), 1u);
  EXPECT_EQ(Str(s["byType"][1], "type"), "mint");
  EXPECT_EQ(Str(s["byType"][2], "type"), "burn");
  ASSERT_EQ(s["byAsset"].Size(), 2u);
  EXPECT_EQ(Str(s["byAsset"][0], "asset"), "EUR");
  EXPECT_EQ(Str(s["byAsset"][0]["payments"], "volume"), "105.00");
  const auto& usd = s["byAsset"][1];
  EXPECT_EQ(usd["payments"]["count"].GetUint64(), 2u);
  EXPECT_EQ(Str(usd["payments"], "volume"), "13.50");  // the failed payment does not count
  EXPECT_EQ(Str(usd["mints"], "volume"), "50.00");
  EXPECT_EQ(Str(usd["burns"], "volume"), "0.50");
  EXPECT_EQ(usd["transactions"].GetUint64(), 4u);
  EXPECT_EQ(s["durationMs"].GetUint64(), 4000u);
  EXPECT_EQ(Str(s, "tps"), "1.75");
  EXPECT_EQ(s["blockInterval"]["averageMs"].GetUint64(), 1000u);
  EXPECT_EQ(s["blockInterval"]["maxMs"].GetUint64(), 1000u);

  // Blocks 2 and 3: four transactions over the two seconds since block 1.
  auto w = node_.Call("stats_get", "{\"fromTime\":" + std::to_string(node_.TimeOf(2)) +
                                       ",\"toTime\":" + std::to_string(node_.TimeOf(3)) + "}");
  const auto& ws = ResultOf(w);
  EXPECT_EQ(ws["blocks"].GetUint64(), 2u);
  EXPECT_EQ(ws["transactions"]["total"].GetUint64(), 4u);
  EXPECT_EQ(ws["durationMs"].GetUint64(), 2000u);
  EXPECT_EQ(Str(ws, "tps"), "2.00");

  auto empty = node_.Call("stats_get", R"({"fromTime":1,"toTime":2})");
  EXPECT_EQ(ResultOf(empty)["blocks"].GetUint64(), 0u);
  EXPECT_TRUE(ResultOf(empty)["tps"].IsNull());
  EXPECT_TRUE(ResultOf(empty)["transactions"]["successRate"].IsNull());

  auto bad = node_.Call("stats_get", R"({"fromTime":3,"toTime":2})");
  EXPECT_EQ(ErrorData(bad, "reason"), "bad_time_range");
}

TEST_F(RpcApiSmallPagesTest, StatsReadAtMostTheNewestBlocksOfTheWindow) {
  BuildStandardChain();
  auto r = node_.Call("stats_get");
  const auto& s = ResultOf(r);
  EXPECT_TRUE(s["truncated"].GetBool());
  EXPECT_EQ(s["fromHeight"].GetUint64(), 3u);
  EXPECT_EQ(s["blocks"].GetUint64(), 2u);
  EXPECT_EQ(s["transactions"]["total"].GetUint64(), 3u);
}

// ----------------------------------------------------------------- threads

// Handlers run on several worker threads while blocks commit.
TEST_F(RpcApiTest, ConcurrentCallsWhileBlocksCommit) {
  BuildStandardChain();
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        for (const char* m : {"chain_getInfo", "asset_list", "stats_get"}) {
          if (ErrorCode(node_.Call(m)) != 0) ++errors;
        }
        auto h = node_.Call("account_getHistory", R"({"address":)" + AddrJson("alice") + "}");
        if (ErrorCode(h) != 0) ++errors;
        auto s = node_.Call("account_getStatement", R"({"address":)" + AddrJson("alice") +
                                                        R"(,"asset":"USD","fromTime":0,"toTime":)" +
                                                        std::to_string(node_.TimeOf(1000)) + "}");
        if (ErrorCode(s) != 0 || !ResultOf(s)["reconciled"].GetBool()) ++errors;
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    auto tx = node_.Pay("alice", "bob", "USD", 10 + i);
    auto r = node_.Call("tx_submit", R"({"raw":)" + Quote(ToHex(tx->encoded())) + "}");
    if (ErrorCode(r) != 0) ++errors;
    node_.CommitPending();
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(node_.height(), 14u);
}

// docs/rpc.md §8: every documented request is run against the chain the
// examples were produced from (BuildStandardChain) and the response's shape
// compared with the documented one: same JSON types and object keys at every
// path, and the same value wherever the document does not shorten it with
// "…" (ids, hashes, amounts, codes, heights and timestamps are reproducible;
// BIP-340 signatures carry fresh randomness, so they are compared by type).
namespace docs {

struct Example {
  std::string method;
  std::string params;  // JSON text
  std::string response;
  int line = 0;
};

int LineOf(const std::string& text, size_t offset) {
  return static_cast<int>(
             std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n')) +
         1;
}

bool AddExample(const std::string& request, std::string response, int line,
                std::vector<Example>& out) {
  auto req = rpc::Json::Parse(request);
  if (!req.ok()) {
    ADD_FAILURE() << "docs/rpc.md line " << line << ": request is not JSON: " << request;
    return false;
  }
  Example e;
  e.method = req->value()["method"].GetString();
  e.params = req->value().HasMember("params") ? rpc::SerializeValue(req->value()["params"]) : "{}";
  e.response = std::move(response);
  e.line = line;
  out.push_back(std::move(e));
  return true;
}

// Each ```sh block holds `$ curl ... -d '<request>'` lines, each followed
// either by its response on the next line or, for a block with one request,
// by a ```json block right after.
std::vector<Example> ParseMethodExamples(const std::string& text) {
  std::vector<Example> out;
  const size_t begin = text.find("## 8. Methods");
  const size_t end = text.find("\n## 9.", begin);
  size_t pos = begin;
  while ((pos = text.find("```sh\n", pos)) != std::string::npos && pos < end) {
    const size_t body = pos + 6;
    const size_t block_end = text.find("```", body);
    std::vector<std::pair<std::string, size_t>> lines;  // (line, offset)
    for (size_t at = body; at < block_end;) {
      size_t nl = text.find('\n', at);
      if (nl == std::string::npos || nl > block_end) nl = block_end;
      lines.emplace_back(text.substr(at, nl - at), at);
      at = nl + 1;
    }
    pos = block_end + 3;
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string& l = lines[i].first;
      const size_t d = l.find("-d '");
      if (l.rfind("$ curl", 0) != 0 || d == std::string::npos) continue;
      const std::string request = l.substr(d + 4, l.find('\'', d + 4) - d - 4);
      if (i + 1 < lines.size() && lines[i + 1].first.rfind("{", 0) == 0) {
        AddExample(request, lines[i + 1].first, LineOf(text, lines[i + 1].second), out);
        continue;
      }
      const size_t json = text.find_first_not_of('\n', pos);
      if (json == std::string::npos || text.compare(json, 8, "```json\n") != 0) {
        ADD_FAILURE() << "docs/rpc.md line " << LineOf(text, lines[i].second)
                      << ": no response after the request";
        continue;
      }
      const size_t json_end = text.find("```", json + 8);
      AddExample(request, text.substr(json + 8, json_end - json - 8), LineOf(text, json) + 1, out);
      pos = json_end + 3;
    }
  }
  return out;
}

bool Shortened(const rapidjson::Value& v) {
  return v.IsString() && std::string_view(v.GetString()).find("…") != std::string_view::npos;
}

void Compare(const rapidjson::Value& doc, const rapidjson::Value& got, const std::string& path,
             const std::string& key, std::vector<std::string>& diffs) {
  auto kind = [](const rapidjson::Value& v) -> std::string {
    if (v.IsNull()) return "null";
    if (v.IsBool()) return "bool";
    if (v.IsNumber()) return "number";
    if (v.IsString()) return "string";
    if (v.IsArray()) return "array";
    return "object";
  };
  if (Shortened(doc)) {
    if (!got.IsString()) diffs.push_back(path + ": documented a string, got " + kind(got));
    return;
  }
  if (kind(doc) != kind(got)) {
    diffs.push_back(path + ": documented " + kind(doc) + ", got " + kind(got));
    return;
  }
  if (doc.IsObject()) {
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      const std::string k = it->name.GetString();
      if (!got.HasMember(k.c_str())) {
        diffs.push_back(path + "." + k + ": documented but missing");
      } else {
        Compare(it->value, got[k.c_str()], path + "." + k, k, diffs);
      }
    }
    for (auto it = got.MemberBegin(); it != got.MemberEnd(); ++it) {
      if (!doc.HasMember(it->name)) {
        diffs.push_back(path + "." + it->name.GetString() + ": returned but not documented");
      }
    }
  } else if (doc.IsArray()) {
    if (doc.Size() != got.Size()) {
      diffs.push_back(path + ": documented " + std::to_string(doc.Size()) + " elements, got " +
                      std::to_string(got.Size()));
    }
    for (rapidjson::SizeType i = 0; i < std::min(doc.Size(), got.Size()); ++i) {
      Compare(doc[i], got[i], path + "[" + std::to_string(i) + "]", key, diffs);
    }
  } else if (key != "signature" && doc != got) {
    diffs.push_back(path + ": documented " + rpc::SerializeValue(doc) + ", got " +
                    rpc::SerializeValue(got));
  }
}

}  // namespace docs

TEST_F(RpcApiTest, DocumentedExamplesMatchTheNodesAnswers) {
  BuildStandardChain();
  std::ifstream in(std::string(CORRIDOR_SOURCE_DIR) + "/docs/rpc.md");
  ASSERT_TRUE(in) << "cannot read docs/rpc.md";
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto examples = docs::ParseMethodExamples(text);
  std::set<std::string> methods;
  for (const auto& e : examples) methods.insert(e.method);
  for (const char* m :
       {"chain_getInfo", "chain_getBlock", "chain_getTransaction", "tx_submit", "account_get",
        "account_getHistory", "account_getStatement", "asset_list", "stats_get"}) {
    EXPECT_TRUE(methods.count(m)) << "docs/rpc.md §8 has no example of " << m;
  }
  size_t checked = 0;
  for (const auto& e : examples) {
    auto documented = rpc::Json::Parse(e.response);
    if (!documented.ok()) {
      ADD_FAILURE() << "docs/rpc.md line " << e.line << " (" << e.method
                    << "): the documented response is not JSON";
      continue;
    }
    if (e.method == "tx_submit") continue;  // changes the chain; covered by TxSubmit* tests
    rpc::Json got = node_.Call(e.method, e.params);
    std::vector<std::string> diffs;
    docs::Compare(documented->value(), got.value(), "response", "", diffs);
    for (const auto& d : diffs) {
      ADD_FAILURE() << "docs/rpc.md line " << e.line << " (" << e.method << " " << e.params
                    << "): " << d;
    }
    ++checked;
  }
  EXPECT_GE(checked, 9u);
  std::cout << "checked " << checked << " documented examples of " << methods.size()
            << " methods\n";
}

}  // namespace
}  // namespace corridor::node::testing

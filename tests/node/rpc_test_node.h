// Test fixture for the RPC methods: a real chain in a temporary directory
// (dev-network genesis, the executor, ChainStore commits with commit
// certificates signed by 3 of the 4 dev validators), a real Mempool behind a
// small NodeApi, and a Dispatcher to send JSON-RPC request strings to.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "chain/limits.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/ledger.h"
#include "node/mempool.h"
#include "node/rpc_api.h"
#include "node/tx_admission.h"
#include "rpc/dispatcher.h"

namespace corridor::node::testing {

// A node clock fixed at kNow, for signed read requests (rpc.md §8.21).
inline constexpr uint64_t kNow = 1'800'000'000'000;
inline RpcApiOptions FixedClock() {
  RpcApiOptions o;
  o.now_ms = [] { return kNow; };
  return o;
}

inline Address Addr(std::string_view name) {
  return Address::FromPublicKey(contracts::DevKey(name).public_key());
}

class TestNode final : public NodeApi {
 public:
  static constexpr uint64_t kGenesisTime = 1735689600000;

  // `retain_blocks` > 0 prunes old block bodies (ChainStore::Options).
  explicit TestNode(RpcApiOptions options = {}, uint64_t retain_blocks = 0)
      : dir_(std::filesystem::temp_directory_path() /
             ("corridor-rpc-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))),
        doc_(contracts::DevNetworkGenesis(4)) {
    std::filesystem::remove_all(dir_);
    ChainStore::Options o;
    o.path = dir_.string();
    o.retain_blocks = retain_blocks;
    store_ = std::move(ChainStore::Open(o)).value();
    Status st = contracts::InitChain(*store_, doc_);
    if (!st.ok()) throw std::runtime_error(st.error().ToString());
    nonces_ = std::make_unique<StateAccountNonces>(store_->state());
    mempool_ = std::make_unique<Mempool>(doc_.chain_id, MempoolLimits{}, *nonces_);
    Status reg = RegisterRpcMethods(table_, *this, options);
    if (!reg.ok()) throw std::runtime_error(reg.error().ToString());
    dispatcher_ = std::make_unique<rpc::Dispatcher>(table_, rpc::DispatchLimits{}, nullptr);
  }
  ~TestNode() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // ---- NodeApi
  const ChainStore& chain() const override { return *store_; }
  std::string chain_id() const override { return doc_.chain_id; }
  std::vector<PublicKey> validators(uint64_t height) const override {
    return contracts::ReadValidators(store_->StateAt(height));
  }
  ConsensusInfo consensus_info() const override {
    ConsensusInfo c;
    c.view = 7;
    c.highest_known_height = height();
    return c;
  }
  SubmitResult SubmitTransaction(const TransactionPtr& tx) override {
    std::lock_guard lock(mu_);
    return AdmitTransaction(*mempool_, store_->state(), doc_.chain_id, height() + 1, tx);
  }
  TransactionPtr PendingTransaction(const Hash& id) const override {
    std::lock_guard lock(mu_);
    return mempool_->Get(id);
  }

  // ---- building the chain
  uint64_t height() const { return *store_->blocks().LastHeight(); }
  uint64_t TimeOf(uint64_t height) const { return kGenesisTime + height * 1000; }
  uint64_t NextNonce(const Address& a) const {
    auto acc = contracts::ReadAccount(store_->state(), a);
    return acc ? acc->next_nonce : 0;
  }

  // A transaction signed by dev account `signer`; its nonce is the account's
  // next committed nonce plus `nonce_offset`.
  TransactionPtr Tx(std::string_view signer, Operation op, std::string memo = "",
                    uint64_t nonce_offset = 0) const {
    TxBody b;
    b.chain_id = doc_.chain_id;
    b.sender = Addr(signer);
    b.nonce = NextNonce(b.sender) + nonce_offset;
    b.expiry_height = height() + 100;
    b.op = std::move(op);
    b.memo = std::move(memo);
    PrivateKey k = contracts::DevKey(signer);
    return Transaction::Sign(std::move(b), {&k});
  }
  TransactionPtr Pay(std::string_view from, std::string_view to, std::string asset, uint64_t amount,
                     std::string memo = "", uint64_t nonce_offset = 0) const {
    return Tx(from, Payment{Addr(to), std::move(asset), amount}, std::move(memo), nonce_offset);
  }

  // The dev keys that sign the commit certificates of the next blocks (the
  // tests of validator set changes choose them per block).
  std::vector<std::string> certificate_signers = {"validator-1", "validator-2", "validator-3"};

  // Executes `txs` as the next block (non-includable ones are dropped, as a
  // proposer does), validates it as a follower would, and commits it with a
  // certificate signed by `certificate_signers`. Returns the block.
  BlockPtr Commit(const std::vector<TransactionPtr>& txs, std::optional<uint64_t> timestamp = {}) {
    contracts::Executor exec;
    contracts::BlockContext ctx{doc_.chain_id, height() + 1,
                                timestamp.value_or(TimeOf(height() + 1))};
    auto ex = exec.Propose(store_->state(), txs, ctx, txs.size() + 1);
    BlockHeader h;
    h.chain_id = ctx.chain_id;
    h.height = ctx.height;
    h.prev_hash = store_->blocks().HeaderAt(height())->ComputeHash();
    h.timestamp_ms = ctx.timestamp_ms;
    h.proposer = contracts::DevKey("validator-1").public_key();
    h.view = 7;
    h.tx_root = Block::ComputeTxRoot(ex.transactions);
    h.receipts_root = ex.receipts_root;
    h.state_root = ex.state.root;
    BlockPtr block = Block::Create(h, ex.transactions);
    auto validated = exec.ValidateBlock(store_->state(), *block);
    EXPECT_TRUE(validated.ok()) << (validated.ok() ? "" : validated.error().ToString());
    CommitCertificate cert;
    cert.height = h.height;
    cert.view = h.view;
    cert.block_hash = block->hash();
    Hash digest = CommitVoteDigest(doc_.chain_id, h.height, h.view, block->hash());
    for (const auto& name : certificate_signers) {
      PrivateKey k = contracts::DevKey(name);
      cert.signatures.push_back({k.public_key(), k.Sign(digest)});
    }
    std::sort(cert.signatures.begin(), cert.signatures.end(),
              [](const auto& a, const auto& b) { return a.validator < b.validator; });
    Status st = store_->CommitBlock(*block, cert, ex.receipts, ex.state);
    EXPECT_TRUE(st.ok()) << st.error().ToString();
    std::lock_guard lock(mu_);
    mempool_->OnBlockCommitted(ex.transactions, height() + 1);
    return block;
  }

  // Commits what the mempool would propose now.
  BlockPtr CommitPending() {
    std::vector<TransactionPtr> txs;
    {
      std::lock_guard lock(mu_);
      txs = mempool_->Select(height() + 1, 10'000, kMaxBlockBytes);
    }
    return Commit(txs);
  }

  size_t MempoolSize() const {
    std::lock_guard lock(mu_);
    return mempool_->size();
  }

  // ---- calling
  // Sends {"jsonrpc":"2.0","id":1,"method":method,"params":params_json} and
  // returns the parsed response.
  // `admin`: as a caller with admin rights (loopback allowed, or the token).
  rpc::Json Call(std::string_view method, std::string_view params_json = "{}",
                 bool admin = false) const {
    std::string body = R"({"jsonrpc":"2.0","id":1,"method":")" + std::string(method) +
                       R"(","params":)" + std::string(params_json) + "}";
    rpc::CallContext ctx;
    ctx.remote_address = "127.0.0.1";
    ctx.loopback = true;
    ctx.admin = admin;
    rpc::DispatchOutput out = dispatcher_->Handle(body, ctx);
    auto doc = rpc::Json::Parse(out.body);
    EXPECT_TRUE(doc.ok()) << out.body;
    return doc.ok() ? std::move(doc).value() : rpc::Json();
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  contracts::GenesisDoc doc_;
  std::unique_ptr<ChainStore> store_;
  std::unique_ptr<StateAccountNonces> nonces_;
  mutable std::mutex mu_;
  std::unique_ptr<Mempool> mempool_;  // GUARDED_BY(mu_)
  rpc::MethodTable table_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
};

// Accessors for responses.
inline const rapidjson::Value& ResultOf(const rpc::Json& response) {
  static const rapidjson::Value kNull;
  const auto* r = response.Find("result");
  EXPECT_NE(r, nullptr) << "no result: " << response.Serialize();
  return r ? *r : kNull;
}

inline int ErrorCode(const rpc::Json& response) {
  const auto* e = response.Find("error");
  if (e == nullptr || !e->IsObject() || !e->HasMember("code")) return 0;
  return (*e)["code"].GetInt();
}

// error.data[key] as text (numbers and null spelled out), "" when absent.
inline std::string ErrorData(const rpc::Json& response, const char* key) {
  const auto* e = response.Find("error");
  if (e == nullptr || !e->HasMember("data") || !(*e)["data"].HasMember(key)) return "";
  const auto& v = (*e)["data"][key];
  if (v.IsString()) return v.GetString();
  return rpc::SerializeValue(v);
}

inline std::string ErrorMessage(const rpc::Json& response) {
  const auto* e = response.Find("error");
  if (e == nullptr || !e->HasMember("message")) return "";
  return (*e)["message"].GetString();
}

inline std::string Str(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject() || !v.HasMember(key)) return "<absent>";
  if (v[key].IsString()) return v[key].GetString();
  return rpc::SerializeValue(v[key]);
}

}  // namespace corridor::node::testing

// Test fixture: an in-memory ChainStore initialised from the dev-network
// genesis, with helpers to sign transactions as named dev accounts and to
// commit blocks through the executor (propose -> validate -> commit).
#pragma once

#include <gtest/gtest.h>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/ledger.h"

namespace corridor::contracts::testing {

inline Address Addr(std::string_view name) {
  return Address::FromPublicKey(DevKey(name).public_key());
}

class TestChain {
 public:
  explicit TestChain(GenesisDoc doc = DevNetworkGenesis(4), Executor::Options opts = {})
      : env_(leveldb::NewMemEnv(leveldb::Env::Default())), doc_(std::move(doc)), exec_(opts) {
    ChainStore::Options o;
    o.path = "/chain";
    o.env = env_.get();
    auto s = ChainStore::Open(o);
    if (!s) throw std::runtime_error(s.error().ToString());
    store_ = std::move(*s);
    auto st = InitChain(*store_, doc_);
    if (!st) throw std::runtime_error(st.error().ToString());
  }

  ChainStore& store() { return *store_; }
  const Executor& executor() const { return exec_; }
  uint64_t height() const { return *store_->blocks().LastHeight(); }
  BlockContext NextContext() const {
    return BlockContext{doc_.chain_id, height() + 1, 1735689600000 + (height() + 1) * 1000};
  }

  uint64_t NextNonce(const Address& a) const {
    auto acc = ReadAccount(store_->state(), a);
    return acc ? acc->next_nonce : 0;
  }

  TxBody Body(const Address& sender, Operation op, std::string memo = "") const {
    TxBody b;
    b.chain_id = doc_.chain_id;
    b.sender = sender;
    b.nonce = NextNonce(sender);
    b.expiry_height = height() + 100;
    b.op = std::move(op);
    b.memo = std::move(memo);
    return b;
  }

  TransactionPtr Tx(std::string_view signer, Operation op, std::string memo = "") const {
    PrivateKey k = DevKey(signer);
    return Transaction::Sign(Body(Addr(signer), std::move(op), std::move(memo)), {&k});
  }

  // The code `tx` would get in the next block (state unchanged).
  ResultCode Check(const TransactionPtr& tx) const {
    StateOverlay scratch(store_->state());
    return static_cast<ResultCode>(exec_.Apply(scratch, *tx, NextContext()).code);
  }

  // Proposes a block of `txs` (non-includable ones dropped), validates it as a
  // follower would, and commits it. Returns the receipts.
  std::vector<Receipt> Commit(const std::vector<TransactionPtr>& txs) {
    BlockContext ctx = NextContext();
    BlockExecution ex = exec_.Propose(store_->state(), txs, ctx, txs.size() + 1);
    BlockHeader h;
    h.chain_id = ctx.chain_id;
    h.height = ctx.height;
    h.prev_hash = (*store_->blocks().BlockAt(height()))->hash();
    h.timestamp_ms = ctx.timestamp_ms;
    h.tx_root = Block::ComputeTxRoot(ex.transactions);
    h.receipts_root = ex.receipts_root;
    h.state_root = ex.state.root;
    BlockPtr block = Block::Create(h, ex.transactions);
    auto validated = exec_.ValidateBlock(store_->state(), *block);
    EXPECT_TRUE(validated.ok()) << (validated.ok() ? "" : validated.error().ToString());
    CommitCertificate cert;
    cert.height = h.height;
    cert.block_hash = block->hash();
    auto st = store_->CommitBlock(*block, cert, ex.receipts, ex.state);
    EXPECT_TRUE(st.ok()) << st.error().ToString();
    return ex.receipts;
  }

  // Commits a block with just `tx` and returns its code; for non-includable
  // transactions returns the code and commits nothing.
  ResultCode Run(const TransactionPtr& tx) {
    ResultCode c = Check(tx);
    if (!IsIncludable(c)) return c;
    auto receipts = Commit({tx});
    EXPECT_EQ(receipts.size(), 1u);
    return static_cast<ResultCode>(receipts.at(0).code);
  }
  ResultCode Run(std::string_view signer, Operation op, std::string memo = "") {
    return Run(Tx(signer, std::move(op), std::move(memo)));
  }

  Balance BalanceOf(std::string_view name, std::string_view asset) const {
    return ReadBalance(store_->state(), Addr(name), asset);
  }
  std::optional<Account> AccountOf(std::string_view name) const {
    return ReadAccount(store_->state(), Addr(name));
  }
  std::optional<AssetInfo> AssetOf(std::string_view code) const {
    return ReadAsset(store_->state(), code);
  }

 private:
  std::unique_ptr<leveldb::Env> env_;
  GenesisDoc doc_;
  Executor exec_;
  std::unique_ptr<ChainStore> store_;
};

}  // namespace corridor::contracts::testing

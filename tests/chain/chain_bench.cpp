// Hot paths of the chain primitives: signing, verification, transaction
// decode and id, Merkle roots. Signature verification bounds a node's
// admission rate (one verification per signature per transaction). Also the
// one-time audit index build when a store written before the index is opened.
#include <benchmark/benchmark.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <unistd.h>

#include <filesystem>

#include "chain/block.h"
#include "chain/block_store.h"
#include "chain/merkle.h"
#include "chain/transaction.h"
#include "tests/support/test_keys.h"

namespace corridor {
namespace {

PrivateKey Key(uint8_t n) {
  return testing::TestKey(n);
}

TransactionPtr SampleTx() {
  static PrivateKey k = Key(1);
  TxBody b;
  b.chain_id = "corridor-local";
  b.sender = Address::FromPublicKey(k.public_key());
  b.nonce = 42;
  b.expiry_height = 1000;
  b.op = Payment{Address::FromPublicKey(Key(2).public_key()), "USD", 1250};
  b.memo = "INV-2026-0001";
  return Transaction::Sign(b, {&k});
}

void BM_Sign(benchmark::State& state) {
  PrivateKey k = Key(7);
  Hash h = Sha256(AsBytes("message"));
  for (auto _ : state) benchmark::DoNotOptimize(k.Sign(h));
}
BENCHMARK(BM_Sign);

void BM_Verify(benchmark::State& state) {
  PrivateKey k = Key(7);
  Hash h = Sha256(AsBytes("message"));
  Signature s = k.Sign(h);
  for (auto _ : state) benchmark::DoNotOptimize(VerifySignature(k.public_key(), h, s));
}
BENCHMARK(BM_Verify);

void BM_TxDecode(benchmark::State& state) {
  Bytes raw = SampleTx()->encoded();
  for (auto _ : state) benchmark::DoNotOptimize(Transaction::Decode(raw));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(BM_TxDecode);

void BM_TxDecodeAndVerify(benchmark::State& state) {
  Bytes raw = SampleTx()->encoded();
  for (auto _ : state) {
    auto tx = Transaction::Decode(raw);
    benchmark::DoNotOptimize((*tx)->VerifySignatures());
  }
}
BENCHMARK(BM_TxDecodeAndVerify);

void BM_MerkleRoot(benchmark::State& state) {
  std::vector<Hash> leaves(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < leaves.size(); ++i) leaves[i] = Sha256(AsBytes(std::to_string(i)));
  for (auto _ : state) benchmark::DoNotOptimize(MerkleRoot(leaves));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MerkleRoot)->Arg(1000)->Arg(10000);

// ChainStore::Open building the audit index of a store that has none:
// state.range(0) blocks of 1,000 payments and one freeze_account each.
// Receipts carry no events and the state is empty: what is timed is the
// pass over the stored blocks and receipts and the index writes.
void BM_AuditIndexBuild(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("corridor-audit-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ChainStore::Options o;
  o.path = dir.string();
  auto store = std::move(ChainStore::Open(o)).value();
  const PrivateKey payer = Key(1), admin = Key(3);
  const Address to = Address::FromPublicKey(Key(2).public_key());
  uint64_t nonce = 0;
  for (int64_t h = 0; h <= state.range(0); ++h) {
    std::vector<TransactionPtr> txs;
    for (int i = 0; h > 0 && i <= 1000; ++i) {
      const PrivateKey& k = i == 1000 ? admin : payer;
      TxBody b;
      b.chain_id = "bench";
      b.sender = Address::FromPublicKey(k.public_key());
      b.nonce = nonce++;
      b.expiry_height = 1'000'000;
      b.op = i == 1000 ? Operation(FreezeAccount{to}) : Operation(Payment{to, "USD", 1});
      txs.push_back(Transaction::Sign(std::move(b), {&k}));
    }
    std::vector<Receipt> receipts(txs.size());
    for (size_t i = 0; i < txs.size(); ++i) receipts[i].tx_id = txs[i]->id();
    BlockHeader hd;
    hd.chain_id = "bench";
    hd.height = static_cast<uint64_t>(h);
    if (h > 0) hd.prev_hash = store->blocks().HeaderAt(hd.height - 1)->ComputeHash();
    hd.timestamp_ms = static_cast<uint64_t>(h) * 1000;
    hd.tx_root = Block::ComputeTxRoot(txs);
    hd.receipts_root = ReceiptsRoot(receipts);
    PendingState st = store->state().Prepare({});
    hd.state_root = st.root;
    auto block = Block::Create(hd, txs);
    CommitCertificate cert;
    cert.height = hd.height;
    cert.block_hash = block->hash();
    if (!store->CommitBlock(*block, cert, receipts, st, false).ok()) {
      state.SkipWithError("commit failed");
      return;
    }
  }
  for (auto _ : state) {
    state.PauseTiming();
    {
      leveldb::DB& db = store->db();
      leveldb::WriteBatch batch;
      std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
      for (it->Seek("u"); it->Valid() && it->key()[0] == 'u'; it->Next()) batch.Delete(it->key());
      batch.Delete("maudit");
      (void)db.Write(leveldb::WriteOptions(), &batch);
    }
    store.reset();
    state.ResumeTiming();
    store = std::move(ChainStore::Open(o)).value();
  }
  state.counters["blocks"] = static_cast<double>(state.range(0));
  state.counters["audit_records"] = static_cast<double>(state.range(0));
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AuditIndexBuild)->Arg(100)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace corridor

BENCHMARK_MAIN();

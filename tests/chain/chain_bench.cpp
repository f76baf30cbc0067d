// Hot paths of the chain primitives: signing, verification, transaction
// decode and id, Merkle roots. Signature verification bounds a node's
// admission rate (one verification per signature per transaction).
#include <benchmark/benchmark.h>
#include "tests/support/test_keys.h"

#include "chain/block.h"
#include "chain/merkle.h"
#include "chain/transaction.h"

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

}  // namespace
}  // namespace corridor

BENCHMARK_MAIN();

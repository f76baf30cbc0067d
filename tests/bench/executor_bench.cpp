// Block execution and commit throughput (issue 3, Done when).
//
//   BM_ExecuteBlock/N/verify   apply N signed payments to a scratch overlay
//                              over the on-disk state and compute the new
//                              state root (verify=1 also checks every BIP-340
//                              signature; verify=0 is the path for
//                              transactions whose signatures the mempool
//                              already verified)
//   BM_CommitBlock/N           write the executed block (block, receipts,
//                              indexes, state values, tree nodes, height
//                              marker) in one synced LevelDB WriteBatch
//   BM_SettleBatchExecute/N    one settle_batch of N trades between 2N
//                              distinct accounts (4N net movements):
//                              execute + state root, as a follower validates
//   BM_SettleBatchCommit/N     commit that block (receipts with 4N events,
//                              2N account-history records)
//   BM_EscrowRefunds/N         validate an empty block at the deadline of N
//                              open escrows: the begin-block step refunds
//                              them (at most 10,000) and the root follows
//
// State: 20,000 registered accounts holding USD, on a real LevelDB in /tmp.
// Run: scripts/bench.sh, or build/release/tests/bench/corridor_executor_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "chain/block_store.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/ledger.h"

namespace corridor::contracts {
namespace {

namespace fs = std::filesystem;
constexpr int kAccounts = 20'000;

struct Fixture {
  Fixture() {
    dir = fs::temp_directory_path() / ("corridor-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    GenesisDoc doc = DevNetworkGenesis(4);
    for (int i = 0; i < kAccounts; ++i) {
      keys.push_back(DevKey("bench-user-" + std::to_string(i)));
      GenesisAccount a;
      a.address = Address::FromPublicKey(keys.back().public_key());
      a.kyc_level = 1;
      a.jurisdiction = "SG";
      doc.accounts.push_back(a);
      doc.balances.push_back({a.address, "USD", 1'000'000'000});
      doc.balances.push_back({a.address, "EUR", 1'000'000'000});
      addrs.push_back(a.address);
    }
    ChainStore::Options o;
    o.path = dir.string();
    store = std::move(ChainStore::Open(o).value());
    if (!InitChain(*store, doc).ok()) std::abort();
  }
  ~Fixture() {
    store.reset();
    fs::remove_all(dir);
  }

  // N payments from N distinct senders (offset so successive blocks rotate).
  std::vector<TransactionPtr> Payments(int n, int offset) {
    uint64_t h = *store->blocks().LastHeight();
    std::vector<TransactionPtr> txs;
    txs.reserve(n);
    for (int i = 0; i < n; ++i) {
      int from = (offset + i) % kAccounts;
      int to = (from + 7919) % kAccounts;
      TxBody b;
      b.chain_id = "corridor-local";
      b.sender = addrs[from];
      b.nonce = ReadAccount(store->state(), addrs[from])->next_nonce;
      b.expiry_height = h + 100;
      b.op = Payment{addrs[to], "USD", 1 + static_cast<uint64_t>(i % 100)};
      txs.push_back(Transaction::Sign(std::move(b), {&keys[from]}));
    }
    return txs;
  }

  // One settle_batch of n trades: trade i between accounts 2i and 2i+1
  // (shifted by `offset`), signed by the dev operator "exchange".
  std::vector<TransactionPtr> Batch(int n, int offset) {
    SettleBatch op;
    op.batch_id = "bench-" + std::to_string(offset) + "-" + std::to_string(n);
    for (int i = 0; i < n; ++i) {
      op.trades.push_back(Trade{"t" + std::to_string(i), addrs[(offset + 2 * i) % kAccounts],
                                addrs[(offset + 2 * i + 1) % kAccounts], "EUR",
                                1 + static_cast<uint64_t>(i % 100), "USD",
                                2 + static_cast<uint64_t>(i % 97)});
    }
    const Address op_addr = Address::FromPublicKey(operator_key.public_key());
    TxBody b;
    b.chain_id = "corridor-local";
    b.sender = op_addr;
    b.nonce = ReadAccount(store->state(), op_addr)->next_nonce;
    b.expiry_height = *store->blocks().LastHeight() + 100;
    b.op = std::move(op);
    return {Transaction::Sign(std::move(b), {&operator_key})};
  }

  BlockPtr MakeBlock(const std::vector<TransactionPtr>& txs, const BlockExecution& ex) {
    uint64_t h = *store->blocks().LastHeight();
    BlockHeader hd;
    hd.chain_id = "corridor-local";
    hd.height = h + 1;
    hd.prev_hash = (*store->blocks().BlockAt(h))->hash();
    hd.timestamp_ms = 1735689600000 + (h + 1) * 1000;
    hd.tx_root = Block::ComputeTxRoot(txs);
    hd.receipts_root = ex.receipts_root;
    hd.state_root = ex.state.root;
    return Block::Create(hd, txs);
  }

  fs::path dir;
  PrivateKey operator_key = DevKey("exchange");
  std::vector<PrivateKey> keys;
  std::vector<Address> addrs;
  std::unique_ptr<ChainStore> store;
};

Fixture& Shared() {
  static Fixture f;
  return f;
}

void BM_ExecuteBlock(benchmark::State& state) {
  Fixture& f = Shared();
  int n = static_cast<int>(state.range(0));
  Executor exec(Executor::Options{.verify_signatures = state.range(1) != 0});
  auto txs = f.Payments(n, 0);
  BlockExecution probe =
      Executor().Propose(f.store->state(), txs,
                         {"corridor-local", *f.store->blocks().LastHeight() + 1, 0}, txs.size());
  BlockPtr block = f.MakeBlock(txs, probe);
  for (auto _ : state) {
    auto r = exec.ValidateBlock(f.store->state(), *block);
    if (!r.ok()) state.SkipWithError(r.error().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["changed_keys"] = static_cast<double>(probe.state.values.size());
  state.counters["tree_node_writes"] = static_cast<double>(probe.state.nodes.size());
}

void BM_CommitBlock(benchmark::State& state) {
  Fixture& f = Shared();
  int n = static_cast<int>(state.range(0));
  Executor exec(Executor::Options{.verify_signatures = false});
  int offset = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto txs = f.Payments(n, offset);
    offset += n;
    BlockExecution ex =
        exec.Propose(f.store->state(), txs,
                     {"corridor-local", *f.store->blocks().LastHeight() + 1, 0}, txs.size());
    BlockPtr block = f.MakeBlock(txs, ex);
    CommitCertificate cert;
    cert.height = block->height();
    cert.block_hash = block->hash();
    state.ResumeTiming();
    auto st = f.store->CommitBlock(*block, cert, ex.receipts, ex.state);
    if (!st.ok()) state.SkipWithError(st.error().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_SettleBatchExecute(benchmark::State& state) {
  Fixture& f = Shared();
  int n = static_cast<int>(state.range(0));
  Executor exec;
  auto txs = f.Batch(n, 0);
  BlockExecution probe = exec.Propose(
      f.store->state(), txs, {"corridor-local", *f.store->blocks().LastHeight() + 1, 0}, 1);
  if (probe.receipts.size() != 1 || probe.receipts[0].code != 0) {
    state.SkipWithError("the batch did not apply");
    return;
  }
  BlockPtr block = f.MakeBlock(txs, probe);
  for (auto _ : state) {
    auto r = exec.ValidateBlock(f.store->state(), *block);
    if (!r.ok()) state.SkipWithError(r.error().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["tx_bytes"] = static_cast<double>(txs[0]->size());
  state.counters["events"] = static_cast<double>(probe.receipts[0].events.size());
}

void BM_SettleBatchCommit(benchmark::State& state) {
  Fixture& f = Shared();
  int n = static_cast<int>(state.range(0));
  Executor exec(Executor::Options{.verify_signatures = false});
  // Across repetitions too: a batch id seen before would only be refused
  // (batch_already_settled), and the figure would be that of a tiny receipt.
  static int offset = 1;
  for (auto _ : state) {
    state.PauseTiming();
    auto txs = f.Batch(n, offset++);
    BlockExecution ex = exec.Propose(f.store->state(), txs,
                                     {"corridor-local", *f.store->blocks().LastHeight() + 1, 0}, 1);
    if (ex.receipts.size() != 1 || ex.receipts[0].code != 0) {
      state.SkipWithError("the batch did not apply");
      return;
    }
    BlockPtr block = f.MakeBlock(txs, ex);
    CommitCertificate cert;
    cert.height = block->height();
    cert.block_hash = block->hash();
    state.ResumeTiming();
    auto st = f.store->CommitBlock(*block, cert, ex.receipts, ex.state);
    if (!st.ok()) state.SkipWithError(st.error().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_EscrowRefunds(benchmark::State& state) {
  Fixture& f = Shared();
  const int n = static_cast<int>(state.range(0));
  Executor exec(Executor::Options{.verify_signatures = false});
  // Block h+1: n escrows of 1 minor unit from n distinct accounts, all due at h+2.
  const uint64_t h = *f.store->blocks().LastHeight();
  std::vector<TransactionPtr> txs;
  for (int i = 0; i < n; ++i) {
    TxBody b;
    b.chain_id = "corridor-local";
    b.sender = f.addrs[i % kAccounts];
    b.nonce = ReadAccount(f.store->state(), b.sender)->next_nonce;
    b.expiry_height = h + 100;
    b.op = EscrowCreate{f.addrs[(i + 1) % kAccounts], "USD", 1, {}, {}, h + 2};
    txs.push_back(Transaction::Sign(std::move(b), {&f.keys[i % kAccounts]}));
  }
  BlockExecution ex = exec.Propose(f.store->state(), txs, {"corridor-local", h + 1, 0}, txs.size());
  for (const auto& r : ex.receipts) {
    if (r.code != 0) {
      state.SkipWithError("an escrow_create failed");
      return;
    }
  }
  BlockPtr created = f.MakeBlock(txs, ex);
  CommitCertificate cert;
  cert.height = created->height();
  cert.block_hash = created->hash();
  if (!f.store->CommitBlock(*created, cert, ex.receipts, ex.state).ok()) {
    state.SkipWithError("commit failed");
    return;
  }
  // Block h+2, empty: the refunds.
  BlockExecution probe = exec.Propose(f.store->state(), {}, {"corridor-local", h + 2, 0}, 0);
  BlockPtr block = f.MakeBlock({}, probe);
  for (auto _ : state) {
    auto r = exec.ValidateBlock(f.store->state(), *block);
    if (!r.ok()) state.SkipWithError(r.error().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(probe.system_events.size()));
  state.counters["refunds"] = static_cast<double>(probe.system_events.size());
  state.counters["changed_keys"] = static_cast<double>(probe.state.values.size());
  // Leave the state as it was for the other benchmarks: commit the refunds.
  cert.height = block->height();
  cert.block_hash = block->hash();
  if (!f.store->CommitBlock(*block, cert, probe.receipts, probe.state).ok()) {
    state.SkipWithError("commit of the refund block failed");
  }
}

BENCHMARK(BM_EscrowRefunds)
    ->Arg(1'000)
    ->Arg(10'000)
    ->ArgName("N")
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_SettleBatchExecute)
    ->Arg(1'000)
    ->Arg(10'000)
    ->ArgName("N")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SettleBatchCommit)
    ->Arg(1'000)
    ->Arg(10'000)
    ->ArgName("N")
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_ExecuteBlock)
    ->ArgsProduct({{1'000, 10'000}, {1, 0}})
    ->ArgNames({"N", "verify"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_CommitBlock)
    ->Arg(1'000)
    ->Arg(10'000)
    ->ArgName("N")
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace corridor::contracts

BENCHMARK_MAIN();

// corridor-chaingen: writes a long chain of certified payment blocks into a
// node home of a development testnet (made by `corridord testnet`), fast,
// without running consensus: for the capacity figures of scripts/ops_bench.sh
// (catch-up rate, backup/restore time and size, disk per million payments).
// DEV ONLY: the certificates are signed with the public development
// validator keys (contracts::DevKey), which is what a testnet uses.
//
//   corridor-chaingen --home DIR --blocks N --txs-per-block K [--retain R]
//                     [--rekey-at H]
//
// --rekey-at H: the admin's proposal in block H re-keys the last genesis
// validator to the development key of the next validator name, effective
// kValidatorChangeDelay blocks later; from then on certificates are signed
// by the new set (a chain for timing restores that follow a set change).
//
// The home must hold the testnet's genesis.json and no chain yet (or a chain
// this tool wrote, which it extends). Payments go from alice and the
// exchange to the other genesis accounts in turn, 1 minor unit each; blocks
// are 100 ms apart in time, starting at the genesis timestamp.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/ledger.h"

using namespace corridor;

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: corridor-chaingen --home DIR --blocks N --txs-per-block K [--retain R] "
               "[--rekey-at H]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string home;
  uint64_t blocks = 0, per_block = 0, retain = 0, rekey_at = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--home") {
      home = v;
    } else if (flag == "--blocks") {
      blocks = std::strtoull(v, nullptr, 10);
    } else if (flag == "--txs-per-block") {
      per_block = std::strtoull(v, nullptr, 10);
    } else if (flag == "--retain") {
      retain = std::strtoull(v, nullptr, 10);
    } else if (flag == "--rekey-at") {
      rekey_at = std::strtoull(v, nullptr, 10);
    } else {
      return Usage();
    }
  }
  if (home.empty() || blocks == 0 || argc % 2 == 0) return Usage();
  namespace fs = std::filesystem;
  auto genesis = contracts::LoadGenesisFile((fs::path(home) / "genesis.json").string());
  if (!genesis) {
    std::fprintf(stderr, "genesis: %s\n", genesis.error().message.c_str());
    return 1;
  }
  std::vector<PrivateKey> signers;
  for (const auto& v : genesis->validators) {
    PrivateKey k = contracts::DevKey(v.name);
    if (k.public_key() != v.key) {
      std::fprintf(stderr, "validator %s is not a development key: not a testnet\n",
                   v.name.c_str());
      return 1;
    }
    signers.push_back(std::move(k));
  }
  // The key a --rekey-at change brings in: the next validator name.
  signers.push_back(
      contracts::DevKey("validator-" + std::to_string(genesis->validators.size() + 1)));
  const PrivateKey admin = contracts::DevKey("admin");
  ChainStore::Options so;
  so.path = (fs::path(home) / "data" / "chain").string();
  so.retain_blocks = retain;
  fs::create_directories(so.path);
  auto store = ChainStore::Open(so);
  if (!store) {
    std::fprintf(stderr, "store: %s\n", store.error().message.c_str());
    return 1;
  }
  if (auto st = contracts::InitChain(**store, *genesis); !st) {
    std::fprintf(stderr, "genesis: %s\n", st.error().message.c_str());
    return 1;
  }
  const std::vector<std::string> senders = {"alice", "exchange"};
  const std::vector<std::string> receivers = {"bob", "bank", "admin", "compliance", "oracle"};
  std::vector<PrivateKey> sender_keys;
  std::vector<uint64_t> nonces;
  for (const auto& s : senders) {
    sender_keys.push_back(contracts::DevKey(s));
    auto acc = contracts::ReadAccount((*store)->state(),
                                      Address::FromPublicKey(sender_keys.back().public_key()));
    nonces.push_back(acc ? acc->next_nonce : 0);
  }
  std::vector<Address> to;
  for (const auto& r : receivers)
    to.push_back(Address::FromPublicKey(contracts::DevKey(r).public_key()));

  contracts::Executor exec(contracts::Executor::Options{false});
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t height = *(*store)->blocks().LastHeight();
  uint64_t txs = 0;
  for (uint64_t b = 0; b < blocks; ++b) {
    ++height;
    std::vector<TransactionPtr> batch;
    batch.reserve(per_block);
    for (uint64_t k = 0; k < per_block; ++k) {
      const size_t s = k % senders.size();
      TxBody body;
      body.chain_id = genesis->chain_id;
      body.sender = Address::FromPublicKey(sender_keys[s].public_key());
      body.nonce = nonces[s]++;
      body.expiry_height = height + 1'000;
      body.op = Payment{to[(txs + k) % to.size()], "USD", 1};
      batch.push_back(Transaction::Sign(std::move(body), {&sender_keys[s]}));
    }
    if (height == rekey_at) {
      const Address admin_address = Address::FromPublicKey(admin.public_key());
      auto acc = contracts::ReadAccount((*store)->state(), admin_address);
      TxBody body;
      body.chain_id = genesis->chain_id;
      body.sender = admin_address;
      body.nonce = acc ? acc->next_nonce : 0;
      body.expiry_height = height + 1'000;
      body.op = ProposeValidatorChange{ValidatorChangeKind::kRekey, genesis->validators.back().key,
                                       signers.back().public_key(), Address{},
                                       height + contracts::kValidatorChangeDelay};
      body.memo = "chaingen: re-key the last validator";
      batch.push_back(Transaction::Sign(std::move(body), {&admin}));
    }
    auto prev = (*store)->blocks().HeaderAt(height - 1);
    contracts::BlockContext ctx{genesis->chain_id, height, prev->timestamp_ms + 100};
    auto ex = exec.Propose((*store)->state(), batch, ctx, batch.size());
    if (ex.transactions.size() != batch.size()) {
      std::fprintf(stderr, "block %llu: only %zu of %zu payments includable\n",
                   static_cast<unsigned long long>(height), ex.transactions.size(), batch.size());
      return 1;
    }
    BlockHeader h;
    h.chain_id = genesis->chain_id;
    h.height = height;
    h.prev_hash = prev->ComputeHash();
    h.timestamp_ms = ctx.timestamp_ms;
    h.proposer = signers[height % signers.size()].public_key();
    h.view = 0;
    h.tx_root = Block::ComputeTxRoot(ex.transactions);
    h.receipts_root = ex.receipts_root;
    h.state_root = ex.state.root;
    BlockPtr block = Block::Create(h, ex.transactions);
    CommitCertificate cert;
    cert.height = height;
    cert.view = 0;
    cert.block_hash = block->hash();
    const Hash digest = CommitVoteDigest(genesis->chain_id, height, 0, block->hash());
    // A quorum of the set deciding this height, last members first (so that
    // a re-keyed validator signs as soon as it is in).
    const auto set = contracts::ValidatorsAt((*store)->state(), height);
    const size_t quorum = 2 * ((set.size() - 1) / 3) + 1;
    for (auto it = set.rbegin(); it != set.rend() && cert.signatures.size() < quorum; ++it) {
      auto k = std::find_if(signers.begin(), signers.end(),
                            [&](const PrivateKey& p) { return p.public_key() == *it; });
      if (k == signers.end()) {
        std::fprintf(stderr, "block %llu: no development key for a validator\n",
                     static_cast<unsigned long long>(height));
        return 1;
      }
      cert.signatures.push_back({k->public_key(), k->Sign(digest)});
    }
    std::sort(cert.signatures.begin(), cert.signatures.end(),
              [](const auto& a, const auto& c) { return a.validator < c.validator; });
    if (auto st = (*store)->CommitBlock(*block, cert, ex.receipts, ex.state); !st) {
      std::fprintf(stderr, "commit %llu: %s\n", static_cast<unsigned long long>(height),
                   st.error().message.c_str());
      return 1;
    }
    txs += per_block;
    if ((b + 1) % 1000 == 0 || b + 1 == blocks) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "  %llu blocks, %llu payments, %.1f s\n",
                   static_cast<unsigned long long>(b + 1), static_cast<unsigned long long>(txs), s);
    }
  }
  std::printf("chain at height %llu (%llu payments written) in %s\n",
              static_cast<unsigned long long>(height), static_cast<unsigned long long>(txs),
              so.path.c_str());
  return 0;
}

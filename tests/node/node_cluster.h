// An in-process network of NodeCores for node tests: real LevelDB stores and
// WAL files under a temporary directory, an in-memory message bus with a
// fixed latency, and a simulated clock (no sleeps). Nodes can be killed
// (kill -9: memory gone, disk kept), reopened, cut off and healed, and extra
// nodes (observers, nodes restored from a backup) added at any time.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "contracts/genesis.h"
#include "contracts/ledger.h"
#include "node/consensus_wal.h"
#include "node/node_core.h"

namespace corridor::node::testing {

namespace fs = std::filesystem;
using contracts::DevKey;

class Clock {
 public:
  uint64_t now = 1'800'000'000'000;
  void At(uint64_t delay, std::function<void()> fn) {
    q_.push({now + delay, seq_++, std::move(fn)});
  }
  // Runs events until `done` holds or `limit_ms` of simulated time pass.
  bool RunUntil(const std::function<bool()>& done, uint64_t limit_ms) {
    const uint64_t end = now + limit_ms;
    while (!done()) {
      if (q_.empty() || q_.top().at > end) return false;
      Event e = q_.top();
      q_.pop();
      now = e.at;
      e.fn();
    }
    return true;
  }
  void RunFor(uint64_t ms) {
    RunUntil([] { return false; }, ms);
  }

 private:
  struct Event {
    uint64_t at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> q_;
  uint64_t seq_ = 0;
};

class Cluster;

// Per-node Scheduler and Transport; callbacks die with the node.
class NodeEnv final : public Scheduler, public Transport {
 public:
  NodeEnv(Cluster& c, size_t index) : cluster_(c), index_(index) {}
  uint64_t NowMs() const override;
  void After(uint64_t delay_ms, std::function<void()> fn) override;
  void Broadcast(uint8_t type, Bytes payload) override;
  void Send(const PublicKey& to, uint8_t type, Bytes payload) override;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

 private:
  Cluster& cluster_;
  size_t index_;
};

struct ClusterNode {
  fs::path dir;
  PrivateKey key;
  std::unique_ptr<NodeEnv> env;
  std::unique_ptr<ChainStore> store;
  std::unique_ptr<FileWal> wal;
  std::unique_ptr<NodeCore> core;
};

class Cluster {
 public:
  // `n` validators (validator-1..n of the development network).
  // `store_options` and `core_options` adjust every node's settings.
  explicit Cluster(size_t n, std::function<void(ChainStore::Options&)> store_options = nullptr,
                   std::function<void(NodeCoreOptions&)> core_options = nullptr)
      : doc_(contracts::DevNetworkGenesis(n)),
        store_options_(std::move(store_options)),
        core_options_(std::move(core_options)) {
    spdlog::set_level(spdlog::level::warn);
    root_ = fs::temp_directory_path() /
            ("corridor-node-core-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(root_);
    for (size_t i = 0; i < n; ++i) {
      ClusterNode node{root_ / ("v" + std::to_string(i + 1)),
                       DevKey("validator-" + std::to_string(i + 1)),
                       nullptr,
                       nullptr,
                       nullptr,
                       nullptr};
      nodes_.push_back(std::move(node));
      Open(i);
    }
  }
  ~Cluster() {
    for (size_t i = 0; i < nodes_.size(); ++i) Kill(i);
    fs::remove_all(root_);
  }

  // Another node (not a validator unless its key is one) with its home in
  // `dir` (which may already hold a chain, e.g. restored from a backup);
  // returns its index.
  size_t AddNode(PrivateKey key, const fs::path& dir) {
    nodes_.push_back(ClusterNode{dir, std::move(key), nullptr, nullptr, nullptr, nullptr});
    Open(nodes_.size() - 1);
    return nodes_.size() - 1;
  }
  const fs::path& root() const { return root_; }
  const fs::path& dir(size_t i) const { return nodes_[i].dir; }
  const contracts::GenesisDoc& genesis() const { return doc_; }
  const PublicKey& key(size_t i) const { return nodes_[i].key.public_key(); }

  void Open(size_t i) {
    ClusterNode& n = nodes_[i];
    fs::create_directories(n.dir);
    n.env = std::make_unique<NodeEnv>(*this, i);
    ChainStore::Options so;
    so.path = (n.dir / "chain").string();
    if (store_options_) store_options_(so);
    auto store = ChainStore::Open(so);
    ASSERT_TRUE(store) << store.error().message;
    n.store = std::move(store).value();
    ASSERT_TRUE(contracts::InitChain(*n.store, doc_));
    std::vector<Bytes> records;
    auto wal = FileWal::Open((n.dir / "consensus.wal").string(), records);
    ASSERT_TRUE(wal) << wal.error().message;
    n.wal = std::move(wal).value();
    NodeCoreOptions opt;
    opt.chain_id = doc_.chain_id;
    opt.base_timeout_ms = 1'000;
    opt.max_timeout_ms = 8'000;
    opt.block_interval_ms = 50;
    opt.empty_block_interval_ms = 1'000;
    if (core_options_) core_options_(opt);
    auto core = NodeCore::Open(opt, n.key.Clone(), *n.store, *n.wal, records, *n.env, *n.env);
    ASSERT_TRUE(core) << core.error().message;
    n.core = std::move(core).value();
    ASSERT_TRUE(n.core->Start());
    for (size_t j = 0; j < nodes_.size(); ++j) {
      if (j != i && up(j)) {
        nodes_[j].core->OnPeerConnected(n.key.public_key());
        n.core->OnPeerConnected(nodes_[j].key.public_key());
      }
    }
  }

  // kill -9: everything in memory is gone; disk stays.
  void Kill(size_t i) {
    ClusterNode& n = nodes_[i];
    if (!n.env) return;
    *n.env->alive = false;
    n.core.reset();
    n.wal.reset();
    n.store.reset();
    n.env.reset();
  }

  bool up(size_t i) const { return nodes_[i].core != nullptr; }
  NodeCore& core(size_t i) { return *nodes_[i].core; }
  ChainStore& store(size_t i) { return *nodes_[i].store; }
  size_t size() const { return nodes_.size(); }
  uint64_t height(size_t i) { return core(i).GetStatus().height; }

  void Deliver(size_t from, const PublicKey& to, uint8_t type, const Bytes& payload) {
    for (size_t j = 0; j < nodes_.size(); ++j) {
      if (j == from || !up(j) || nodes_[j].key.public_key() != to) continue;
      auto alive = nodes_[j].env->alive;
      const PublicKey sender = nodes_[from].key.public_key();
      clock.At(latency_ms, [this, j, alive, sender, type, payload] {
        if (*alive && !cut_.count(j)) nodes_[j].core->OnPeerMessage(sender, type, payload);
      });
    }
  }
  void BroadcastFrom(size_t from, uint8_t type, const Bytes& payload) {
    if (cut_.count(from)) return;
    for (size_t j = 0; j < nodes_.size(); ++j) {
      if (j != from) Deliver(from, nodes_[j].key.public_key(), type, payload);
    }
  }
  void Cut(size_t i) { cut_.insert(i); }
  void Heal(size_t i) { cut_.erase(i); }
  bool IsCut(size_t i) const { return cut_.count(i) != 0; }

  bool AllAtLeast(uint64_t h) {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (up(i) && height(i) < h) return false;
    }
    return true;
  }

  // Same block hash at every height all live nodes have.
  void ExpectAgreement() {
    uint64_t min_h = UINT64_MAX;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (up(i)) min_h = std::min(min_h, height(i));
    }
    for (uint64_t h = 1; h <= min_h; ++h) {
      std::optional<Hash> hash;
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (!up(i)) continue;
        auto b = store(i).blocks().BlockAt(h);
        ASSERT_TRUE(b.has_value()) << "node " << i << " height " << h;
        if (!hash) hash = (*b)->hash();
        EXPECT_EQ((*b)->hash(), *hash) << "fork at height " << h << " on node " << i;
        auto cert = store(i).blocks().CertificateAt(h);
        ASSERT_TRUE(cert.has_value());
        // The set that decided h (it may have changed since, by governance).
        EXPECT_TRUE(
            cert->Verify(doc_.chain_id, contracts::ValidatorsAt(store(i).StateAt(h - 1), h)));
      }
    }
  }

  // A transaction of dev account `from` with `op`.
  TransactionPtr Tx(const std::string& from, uint64_t nonce, Operation op, std::string memo = "") {
    PrivateKey k = DevKey(from);
    TxBody b;
    b.chain_id = doc_.chain_id;
    b.sender = Address::FromPublicKey(k.public_key());
    b.nonce = nonce;
    b.expiry_height = 1'000'000;
    b.op = std::move(op);
    b.memo = std::move(memo);
    return Transaction::Sign(b, {&k});
  }
  TransactionPtr Payment(const std::string& from, const std::string& to, uint64_t nonce,
                         uint64_t amount) {
    return Tx(from, nonce,
              corridor::Payment{Address::FromPublicKey(DevKey(to).public_key()), "USD", amount});
  }

  uint64_t Balance(size_t i, const std::string& who) {
    return contracts::ReadBalance(store(i).state(),
                                  Address::FromPublicKey(DevKey(who).public_key()), "USD")
        .available;
  }

  Clock clock;
  uint64_t latency_ms = 2;

 private:
  static inline int counter_ = 0;
  contracts::GenesisDoc doc_;
  std::function<void(ChainStore::Options&)> store_options_;
  std::function<void(NodeCoreOptions&)> core_options_;
  fs::path root_;
  std::vector<ClusterNode> nodes_;
  std::set<size_t> cut_;
};

inline uint64_t NodeEnv::NowMs() const {
  return cluster_.clock.now;
}
inline void NodeEnv::After(uint64_t delay_ms, std::function<void()> fn) {
  cluster_.clock.At(delay_ms, [a = alive, fn = std::move(fn)] {
    if (*a) fn();
  });
}
inline void NodeEnv::Broadcast(uint8_t type, Bytes payload) {
  cluster_.BroadcastFrom(index_, type, payload);
}
inline void NodeEnv::Send(const PublicKey& to, uint8_t type, Bytes payload) {
  if (!cluster_.IsCut(index_)) cluster_.Deliver(index_, to, type, payload);
}

}  // namespace corridor::node::testing

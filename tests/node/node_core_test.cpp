// Four NodeCores in one process, on real LevelDB stores and WAL files, over
// an in-memory message bus and a simulated clock (no sleeps): payments
// commit with identical blocks everywhere, a killed node restarts from disk
// and catches up, and the loss of the leader costs one view change.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <queue>

#include "contracts/genesis.h"
#include "contracts/ledger.h"
#include "node/consensus_wal.h"
#include "node/node_core.h"

namespace corridor::node {
namespace {

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

struct TestNode {
  fs::path dir;
  PrivateKey key;
  std::unique_ptr<NodeEnv> env;
  std::unique_ptr<ChainStore> store;
  std::unique_ptr<FileWal> wal;
  std::unique_ptr<NodeCore> core;
};

class Cluster {
 public:
  explicit Cluster(size_t n) : doc_(contracts::DevNetworkGenesis(n)) {
    spdlog::set_level(spdlog::level::warn);
    root_ = fs::temp_directory_path() /
            ("corridor-node-core-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(root_);
    for (size_t i = 0; i < n; ++i) {
      TestNode node{root_ / ("v" + std::to_string(i + 1)),
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

  void Open(size_t i) {
    TestNode& n = nodes_[i];
    fs::create_directories(n.dir);
    n.env = std::make_unique<NodeEnv>(*this, i);
    ChainStore::Options so;
    so.path = (n.dir / "chain").string();
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
    TestNode& n = nodes_[i];
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
        EXPECT_TRUE(cert->Verify(doc_.chain_id, contracts::ReadValidators(store(i).state())));
      }
    }
  }

  TransactionPtr Payment(const std::string& from, const std::string& to, uint64_t nonce,
                         uint64_t amount) {
    PrivateKey k = DevKey(from);
    TxBody b;
    b.chain_id = doc_.chain_id;
    b.sender = Address::FromPublicKey(k.public_key());
    b.nonce = nonce;
    b.expiry_height = 1'000'000;
    b.op = corridor::Payment{Address::FromPublicKey(DevKey(to).public_key()), "USD", amount};
    return Transaction::Sign(b, {&k});
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
  fs::path root_;
  std::vector<TestNode> nodes_;
  std::set<size_t> cut_;
};

uint64_t NodeEnv::NowMs() const {
  return cluster_.clock.now;
}
void NodeEnv::After(uint64_t delay_ms, std::function<void()> fn) {
  cluster_.clock.At(delay_ms, [a = alive, fn = std::move(fn)] {
    if (*a) fn();
  });
}
void NodeEnv::Broadcast(uint8_t type, Bytes payload) {
  cluster_.BroadcastFrom(index_, type, payload);
}
void NodeEnv::Send(const PublicKey& to, uint8_t type, Bytes payload) {
  if (!cluster_.IsCut(index_)) cluster_.Deliver(index_, to, type, payload);
}

TEST(NodeCoreCluster, PaymentsCommitWithIdenticalBlocksEverywhere) {
  Cluster c(4);
  const uint64_t bob_before = c.Balance(0, "bob");
  for (uint64_t nonce = 0; nonce < 12; ++nonce) {
    auto r = c.core(nonce % 4).SubmitTransaction(c.Payment("alice", "bob", nonce, 100));
    ASSERT_TRUE(r.ok()) << r.message;
  }
  // Same transaction again: idempotent, not applied twice.
  EXPECT_EQ(c.core(0).SubmitTransaction(c.Payment("alice", "bob", 0, 100)).outcome,
            SubmitResult::Outcome::kAlreadyPending);
  // A refusal carries the state machine's stable name.
  auto refused = c.core(0).SubmitTransaction(c.Payment("nobody", "bob", 0, 1));
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.name, "unknown_sender");
  ASSERT_TRUE(c.clock.RunUntil(
      [&] {
        for (size_t i = 0; i < 4; ++i) {
          if (c.Balance(i, "bob") != bob_before + 1200) return false;
        }
        return true;
      },
      20'000));
  c.ExpectAgreement();
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.core(i).GetStatus().mempool_txs, 0u);
    EXPECT_EQ(c.core(i).GetStatus().consensus.view_changes, 0u);
  }
  // Idle: empty blocks no more often than the configured interval.
  const uint64_t h = c.height(0);
  c.clock.RunFor(5'000);
  EXPECT_LE(c.height(0) - h, 6u);
  EXPECT_GE(c.height(0) - h, 3u);
}

TEST(NodeCoreCluster, TransactionWaitingForANonceGapDoesNotCauseEmptyBlocks) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(1); }, 20'000));
  ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", 3, 1)).ok());
  const uint64_t h = c.height(0);
  c.clock.RunFor(5'000);
  // The empty-block interval is 1 s: at most about five blocks, not one per 50 ms.
  EXPECT_LE(c.height(0) - h, 6u);
  EXPECT_EQ(c.core(0).GetStatus().mempool_txs, 1u);
}

TEST(NodeCoreCluster, KilledNodeRestartsFromDiskAndCatchesUp) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(3); }, 20'000));
  c.Kill(2);
  for (uint64_t nonce = 0; nonce < 10; ++nonce) {
    ASSERT_TRUE(c.core(0).SubmitTransaction(c.Payment("alice", "bob", nonce, 7)).ok());
  }
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= 15; }, 60'000))
      << "three of four validators keep committing";
  c.Open(2);
  const uint64_t target = c.height(0) + 2;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(target); }, 60'000))
      << "restarted node at " << c.height(2);
  c.ExpectAgreement();
  EXPECT_EQ(c.Balance(2, "bob"), c.Balance(0, "bob"));
}

TEST(NodeCoreCluster, LeaderLossCostsOneViewChange) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  // validator-1 leads view 0.
  c.Kill(0);
  const uint64_t killed_at = c.clock.now;
  const uint64_t h = c.height(1);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(1) >= h + 1; }, 30'000));
  const uint64_t resumed = c.clock.now - killed_at;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(1) >= h + 5; }, 30'000));
  c.ExpectAgreement();
  EXPECT_EQ(c.core(1).GetStatus().view, 1u);
  // The view timer of a height includes the empty-block wait (1 s) plus the
  // base timeout (1 s); then VIEW-CHANGE, NEW-VIEW, PREPARE, COMMIT.
  EXPECT_LE(resumed, 2'000u + 4 * 2 + 50);
}

TEST(NodeCoreCluster, IsolatedNodeSyncsBlocksAfterTheCutHeals) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  c.Cut(3);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= 20; }, 60'000));
  EXPECT_LT(c.height(3), 5u);
  c.Heal(3);
  const uint64_t target = c.height(0) + 1;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(3) >= target; }, 30'000));
  c.ExpectAgreement();
  EXPECT_GT(c.core(3).GetStatus().consensus.synced_commits, 10u);
}

}  // namespace
}  // namespace corridor::node

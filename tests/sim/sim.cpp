#include "tests/sim/sim.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <sstream>

#include "chain/hash.h"
#include "tests/support/test_keys.h"

namespace corridor::sim {

using consensus::Action;
using consensus::Actions;
using consensus::Engine;
using consensus::Message;
using consensus::MessagePtr;
using consensus::MsgType;

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rng::Uniform(uint64_t n) {
  // Rejection sampling: no modulo bias, same result everywhere.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return x % n;
}

const char* BehaviorName(Behavior b) {
  switch (b) {
    case Behavior::kHonest:
      return "honest";
    case Behavior::kEquivocator:
      return "equivocator";
    case Behavior::kDoubleVoter:
      return "double-voter";
    case Behavior::kUnknownVoter:
      return "unknown-voter";
    case Behavior::kReplayer:
      return "replayer";
    case Behavior::kInvalidProposer:
      return "invalid-proposer";
  }
  return "?";
}

namespace {

constexpr std::string_view kChainId = "sim";
constexpr size_t kSyncBatch = 16;
constexpr size_t kReplayMemory = 256;
constexpr uint64_t kMaxEvents = 20'000'000;

Hash GenesisHash() {
  return TaggedHash("corridor-sim/genesis", AsBytes(kChainId));
}

Hash ValidStateRoot(uint64_t height, const Hash& prev) {
  Writer w;
  w.U64(height);
  w.Fixed(prev.bytes);
  return TaggedHash("corridor-sim/state", w.data());
}

bool IsValidBlock(const Block& b) {
  return b.header().state_root == ValidStateRoot(b.height(), b.header().prev_hash) &&
         b.header().tx_root == Block::ComputeTxRoot({}) && b.transactions().empty();
}

BlockPtr MakeBlock(uint64_t height, const Hash& prev, uint64_t view, const PublicKey& proposer,
                   uint64_t timestamp, bool valid) {
  BlockHeader h;
  h.chain_id = std::string(kChainId);
  h.height = height;
  h.prev_hash = prev;
  h.timestamp_ms = timestamp;
  h.proposer = proposer;
  h.view = view;
  h.tx_root = Block::ComputeTxRoot({});
  h.state_root = valid ? ValidStateRoot(height, prev) : Sha256(AsBytes("invalid"));
  return Block::Create(std::move(h), {});
}

// The set deciding `height` under `changes` (height -> key indexes).
std::vector<PublicKey> SetAt(const std::vector<PublicKey>& keys, size_t initial,
                             const std::map<uint64_t, std::vector<size_t>>& changes,
                             uint64_t height) {
  auto it = changes.upper_bound(height);
  std::vector<PublicKey> set;
  if (it == changes.begin()) {
    set.assign(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(initial));
  } else {
    for (size_t k : std::prev(it)->second) set.push_back(keys[k]);
  }
  return set;
}

class SimApp final : public consensus::Application {
 public:
  SimApp(const std::vector<PublicKey>& keys, size_t initial,
         std::map<uint64_t, std::vector<size_t>> changes)
      : keys_(keys), initial_(initial), changes_(std::move(changes)) {}
  std::vector<PublicKey> Validators(uint64_t height) override {
    return SetAt(keys_, initial_, changes_, height);
  }
  bool ValidateProposal(const Block& block) override { return IsValidBlock(block); }

 private:
  const std::vector<PublicKey>& keys_;
  size_t initial_;
  std::map<uint64_t, std::vector<size_t>> changes_;
};

// In-memory WAL that can crash inside Sync().
class MemWal final : public consensus::Wal {
 public:
  Status Append(ByteSpan record) override {
    pending_.emplace_back(record.begin(), record.end());
    return {};
  }
  Status Sync() override {
    if (armed_) {
      crashed_ = true;
      return MakeError("simulated_crash", "crashed during WAL sync");
    }
    for (auto& r : pending_) synced_.push_back(std::move(r));
    pending_.clear();
    return {};
  }
  Status Rewrite(const std::vector<Bytes>& records) override {
    if (armed_) {
      crashed_ = true;
      return MakeError("simulated_crash", "crashed during WAL rewrite");
    }
    synced_ = records;
    pending_.clear();
    return {};
  }
  uint64_t size_bytes() const override {
    uint64_t n = 0;
    for (const auto& r : synced_) n += r.size() + 8;
    for (const auto& r : pending_) n += r.size() + 8;
    return n;
  }
  // Power loss: what was not synced is lost unless `tail_survives`.
  void Crash(bool tail_survives) {
    if (tail_survives) {
      for (auto& r : pending_) synced_.push_back(std::move(r));
    }
    pending_.clear();
    armed_ = false;
    crashed_ = false;
  }
  void Arm() { armed_ = true; }
  void Disarm() { armed_ = false; }
  bool armed() const { return armed_; }
  bool crashed() const { return crashed_; }
  const std::vector<Bytes>& records() const { return synced_; }

 private:
  std::vector<Bytes> synced_;
  std::vector<Bytes> pending_;
  bool armed_ = false;
  bool crashed_ = false;
};

// Every receiver verifies every message; in one process one check suffices.
class CachingVerifier final : public consensus::SignatureVerifier {
 public:
  bool Verify(const PublicKey& key, const Hash& digest, const Signature& sig) override {
    Writer w(128);
    w.Fixed(key.bytes);
    w.Fixed(digest.bytes);
    w.Fixed(sig.bytes);
    const Hash k = Sha256(w.data());
    auto it = cache_.find(k);
    if (it != cache_.end()) return it->second;
    const bool ok = VerifySignature(key, digest, sig);
    cache_.emplace(k, ok);
    return ok;
  }

 private:
  std::map<Hash, bool> cache_;
};

struct Event {
  enum class Kind {
    kDeliver,
    kTimer,
    kProposal,
    kSyncRequest,
    kSyncResponse,
    kCrash,
    kRestart,
    kPartition,
    kHeal,
  };
  uint64_t at = 0;
  uint64_t seq = 0;
  Kind kind = Kind::kDeliver;
  size_t node = 0;
  uint64_t incarnation = 0;
  size_t from = 0;
  std::shared_ptr<const Bytes> payload;
  consensus::TimerId timer;
  uint64_t height = 0;
  uint64_t view = 0;
  Hash prev;
  std::vector<Simulation::Committed> blocks;
  size_t index = 0;
};

struct EventLater {
  bool operator()(const Event& a, const Event& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

}  // namespace

struct Simulation::Impl {
  struct Node {
    NodeSpec spec;
    MemWal wal;
    std::unique_ptr<SimApp> app;
    std::unique_ptr<Engine> engine;
    std::vector<Committed> chain;
    bool up = true;
    bool permanently_down = false;
    uint64_t incarnation = 0;
    bool tail_survives = false;  // for an armed crash
    uint64_t sync_target = 0;    // fetch blocks until the chain reaches this height - 1
    std::deque<std::shared_ptr<const Bytes>> seen;
    std::map<Hash, BlockPtr> alt_blocks;  // equivocator: block -> its twin
    consensus::EngineCounters past_counters;
  };

  SimConfig cfg;
  Rng rng;
  std::vector<PrivateKey> keys;
  std::vector<PublicKey> validator_keys;
  std::vector<Node> nodes;
  CachingVerifier verifier;
  std::priority_queue<Event, std::vector<Event>, EventLater> queue;
  uint64_t now = 0;
  uint64_t seq = 0;
  std::optional<size_t> partition;  // index into cfg.partitions
  RunStats stats;
  std::string error;

  explicit Impl(SimConfig c) : cfg(std::move(c)), rng(cfg.seed) {
    cfg.engine.chain_id = std::string(kChainId);
    const size_t total = cfg.validators + cfg.extra_keys;
    for (size_t i = 0; i < total; ++i) {
      keys.push_back(testing::TestKey(static_cast<uint8_t>(i + 1)));
      validator_keys.push_back(keys.back().public_key());
    }
    for (const auto& [height, set] : cfg.validator_changes) {
      for (size_t k : set) {
        if (k >= total) std::abort();  // a broken test config
      }
    }
    if (cfg.nodes.empty()) {
      for (size_t i = 0; i < total; ++i) cfg.nodes.push_back({i, Behavior::kHonest});
    }
    nodes.resize(cfg.nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
      nodes[i].spec = cfg.nodes[i];
      nodes[i].app = std::make_unique<SimApp>(validator_keys, cfg.validators,
                                              nodes[i].spec.stale_validator_set
                                                  ? std::map<uint64_t, std::vector<size_t>>{}
                                                  : cfg.validator_changes);
    }
  }

  void Fail(std::string what) {
    if (error.empty()) {
      std::ostringstream s;
      s << "t=" << now << "ms: " << what;
      error = s.str();
    }
  }

  bool Honest(size_t i) const {
    return nodes[i].spec.behavior == Behavior::kHonest && !nodes[i].spec.twin &&
           !nodes[i].spec.stale_validator_set;
  }

  std::vector<PublicKey> ValidatorsAt(uint64_t height) const {
    return SetAt(validator_keys, cfg.validators, cfg.validator_changes, height);
  }

  void Push(Event e) {
    e.seq = seq++;
    queue.push(std::move(e));
  }

  const NetConfig& Net() const { return now < cfg.faults_end_ms ? cfg.net : cfg.healed_net; }

  bool Linked(size_t a, size_t b) const {
    if (!partition) return true;
    const auto& groups = cfg.partitions[*partition].groups;
    auto group_of = [&](size_t n) -> int {
      for (size_t g = 0; g < groups.size(); ++g) {
        if (std::find(groups[g].begin(), groups[g].end(), n) != groups[g].end()) {
          return static_cast<int>(g);
        }
      }
      return -1 - static_cast<int>(n);  // isolated
    };
    return group_of(a) == group_of(b);
  }

  // Puts one copy (or two) of an event from `from` to `to` on the network.
  void Transmit(size_t from, size_t to, Event e) {
    if (!Linked(from, to)) return;
    const NetConfig& net = Net();
    if (net.drop_per_mille && rng.Chance(net.drop_per_mille)) return;
    const int copies = net.dup_per_mille && rng.Chance(net.dup_per_mille) ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      Event copy = e;
      copy.node = to;
      copy.from = from;
      copy.at = now + rng.Range(net.min_delay_ms, net.max_delay_ms);
      Push(std::move(copy));
    }
  }

  void SendBytes(size_t from, size_t to, std::shared_ptr<const Bytes> bytes) {
    ++stats.messages_sent;
    Event e;
    e.kind = Event::Kind::kDeliver;
    e.payload = std::move(bytes);
    Transmit(from, to, std::move(e));
  }

  std::vector<size_t> Peers(size_t i) const {
    std::vector<size_t> peers;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (j != i) peers.push_back(j);
    }
    return peers;
  }

  MessagePtr Resign(size_t i, Message m) {
    consensus::SignMessage(kChainId, keys[nodes[i].spec.key_index], m);
    return std::make_shared<const Message>(std::move(m));
  }

  static std::shared_ptr<const Bytes> Encoded(const MessagePtr& m) {
    return std::make_shared<const Bytes>(m->Encode());
  }

  // ---- Node lifecycle

  bool StartEngine(size_t i) {
    Node& n = nodes[i];
    Engine::StartPoint sp;
    sp.height = n.chain.size() + 1;
    sp.prev_hash = n.chain.empty() ? GenesisHash() : n.chain.back().block->hash();
    sp.view = n.chain.empty() ? 0 : n.chain.back().cert.view;
    auto engine = Engine::Create(cfg.engine, keys[n.spec.key_index].Clone(), *n.app, n.wal,
                                 verifier, sp, n.wal.records());
    if (!engine) {
      Fail("node " + std::to_string(i) + " cannot start: " + engine.error().message);
      return false;
    }
    n.engine = std::move(engine).value();
    Call(i, [](Engine& e, Actions& out) { return e.Start(out); });
    return true;
  }

  void AddCounters(consensus::EngineCounters& into, const consensus::EngineCounters& c) {
    into.view_changes += c.view_changes;
    into.equivocations += c.equivocations;
    into.refused_to_resign += c.refused_to_resign;
  }

  void CrashNode(size_t i) {
    Node& n = nodes[i];
    if (!n.up) return;
    if (n.engine) AddCounters(n.past_counters, n.engine->counters());
    n.wal.Crash(n.tail_survives);
    n.engine.reset();
    n.up = false;
    ++n.incarnation;  // its pending timers and proposals die with it
  }

  template <typename F>
  void Call(size_t i, F&& f) {
    Node& n = nodes[i];
    if (!n.up || !n.engine) return;
    Actions out;
    Status st = f(*n.engine, out);
    if (!st) {
      if (n.wal.crashed()) {
        CrashNode(i);  // died inside the sync: nothing of this event leaves
        return;
      }
      Fail("node " + std::to_string(i) + " engine error: " + st.error().message);
      return;
    }
    for (auto& a : out) Carry(i, a);
  }

  // ---- Actions

  void Carry(size_t i, Action& a) {
    Node& n = nodes[i];
    if (trace == i) {
      Trace(i, "  action " + std::to_string(static_cast<int>(a.kind)) +
                   (a.msg ? " " + Show(*a.msg) : "") + " h" + std::to_string(a.height) + " v" +
                   std::to_string(a.view) + " delay" + std::to_string(a.delay_ms) + " seq" +
                   std::to_string(a.timer.seq));
    }
    switch (a.kind) {
      case Action::Kind::kBroadcast:
        BroadcastAs(i, a.msg);
        break;
      case Action::Kind::kSetTimer: {
        Event e;
        e.kind = Event::Kind::kTimer;
        e.node = i;
        e.incarnation = n.incarnation;
        e.timer = a.timer;
        e.at = now + a.delay_ms;
        Push(std::move(e));
        break;
      }
      case Action::Kind::kRequestProposal: {
        Event e;
        e.kind = Event::Kind::kProposal;
        e.node = i;
        e.incarnation = n.incarnation;
        e.height = a.height;
        e.view = a.view;
        e.prev = a.prev_hash;
        e.at = now + rng.Uniform(cfg.proposal_delay_max_ms + 1);
        Push(std::move(e));
        break;
      }
      case Action::Kind::kCommit: {
        if (a.block->height() != n.chain.size() + 1) {
          Fail("node " + std::to_string(i) + " committed height " +
               std::to_string(a.block->height()) + " out of order");
          return;
        }
        n.chain.push_back({a.block, a.cert, now});
        if (Honest(i)) {
          const uint64_t h = a.block->height();
          stats.max_height = std::max(stats.max_height, h);
          stats.first_commit_ms.emplace(h, now);
          stats.last_commit_ms[h] = now;
        }
        break;
      }
      case Action::Kind::kSyncNeeded:
        n.sync_target = std::max(n.sync_target, a.height);
        RequestBlocks(i);
        break;
      case Action::Kind::kPeerBehind:
        for (size_t j = 0; j < nodes.size(); ++j) {
          if (j != i && validator_keys[nodes[j].spec.key_index] == a.peer) {
            Event e;
            e.kind = Event::Kind::kSyncRequest;
            e.height = a.height;
            e.node = i;
            e.from = j;
            Handle(e);  // answer as if j had asked
          }
        }
        break;
    }
  }

  // Asks two random peers for the next blocks this node lacks.
  void RequestBlocks(size_t i) {
    auto peers = Peers(i);
    for (int k = 0; k < 2 && !peers.empty(); ++k) {
      const size_t pick = rng.Uniform(peers.size());
      Event e;
      e.kind = Event::Kind::kSyncRequest;
      e.height = nodes[i].chain.size() + 1;
      Transmit(i, peers[pick], std::move(e));
      peers.erase(peers.begin() + static_cast<std::ptrdiff_t>(pick));
    }
  }

  void BroadcastAs(size_t i, const MessagePtr& m) {
    Node& n = nodes[i];
    const auto peers = Peers(i);
    const auto bytes = Encoded(m);
    const size_t half = peers.size() / 2;
    auto send_split = [&](const MessagePtr& other) {
      ++stats.byzantine_actions;
      const auto other_bytes = Encoded(other);
      for (size_t k = 0; k < peers.size(); ++k) {
        SendBytes(i, peers[k], k < half ? bytes : other_bytes);
      }
    };
    auto vote_for = [&](const Hash& hash) {
      Message v = *m;
      v.block_hash = hash;
      return Resign(i, std::move(v));
    };
    switch (n.spec.behavior) {
      case Behavior::kEquivocator:
        if ((m->type == MsgType::kProposal || m->type == MsgType::kNewView) && m->block) {
          BlockHeader h = m->block->header();
          h.timestamp_ms += 1;
          h.view = m->view;
          h.proposer = keys[n.spec.key_index].public_key();
          BlockPtr alt = Block::Create(std::move(h), {});
          n.alt_blocks[m->block_hash] = alt;
          Message other = *m;
          other.block = alt;
          other.block_hash = alt->hash();
          send_split(Resign(i, std::move(other)));
          return;
        }
        if ((m->type == MsgType::kPrepare || m->type == MsgType::kCommit) &&
            n.alt_blocks.count(m->block_hash)) {
          send_split(vote_for(n.alt_blocks[m->block_hash]->hash()));
          return;
        }
        break;
      case Behavior::kDoubleVoter:
        if (m->type == MsgType::kPrepare || m->type == MsgType::kCommit) {
          Hash random;
          for (auto& b : random.bytes) b = static_cast<uint8_t>(rng.Next());
          send_split(vote_for(random));
          return;
        }
        break;
      case Behavior::kUnknownVoter:
        if (m->type == MsgType::kPrepare || m->type == MsgType::kCommit) {
          for (uint64_t dv = 0; dv < 2; ++dv) {
            Message junk = *m;
            junk.view = m->view + dv;
            for (auto& b : junk.block_hash.bytes) b = static_cast<uint8_t>(rng.Next());
            ++stats.byzantine_actions;
            const auto junk_bytes = Encoded(Resign(i, std::move(junk)));
            for (size_t p : peers) SendBytes(i, p, junk_bytes);
          }
        }
        break;
      case Behavior::kReplayer:
        for (int k = 0; k < 3 && !n.seen.empty(); ++k) {
          ++stats.byzantine_actions;
          const auto& old = n.seen[rng.Uniform(n.seen.size())];
          SendBytes(i, peers[rng.Uniform(peers.size())], old);
        }
        break;
      case Behavior::kHonest:
      case Behavior::kInvalidProposer:
        break;
    }
    for (size_t p : peers) SendBytes(i, p, bytes);
  }

  // ---- Events

  // CORRIDOR_SIM_TRACE=<node> prints what that node receives and does.
  std::optional<size_t> trace = [] {
    const char* v = std::getenv("CORRIDOR_SIM_TRACE");
    return v ? std::optional<size_t>(std::strtoull(v, nullptr, 10)) : std::nullopt;
  }();

  void Trace(size_t i, const std::string& what) {
    if (trace == i)
      std::fprintf(stderr, "%8llu node%zu %s\n", (unsigned long long)now, i, what.c_str());
  }

  static std::string Show(const Message& m) {
    std::ostringstream s;
    s << consensus::MsgTypeName(m.type) << " h" << m.height << " v" << m.view << " "
      << m.block_hash.ToHex().substr(0, 8) << " from " << m.sender.ToHex().substr(0, 6);
    return s.str();
  }

  void Handle(Event& e) {
    if (trace == e.node) {
      if (e.kind == Event::Kind::kDeliver) {
        auto m = Message::Decode(*e.payload);
        if (m) Trace(e.node, "recv " + Show(**m));
      } else if (e.kind == Event::Kind::kTimer) {
        Trace(e.node, "timer h" + std::to_string(e.timer.height) + " v" +
                          std::to_string(e.timer.view) + " seq" + std::to_string(e.timer.seq));
      } else {
        Trace(e.node, "event " + std::to_string(static_cast<int>(e.kind)));
      }
    }
    switch (e.kind) {
      case Event::Kind::kDeliver: {
        Node& n = nodes[e.node];
        if (!n.up) return;
        ++stats.messages_delivered;
        if (n.spec.behavior == Behavior::kReplayer) {
          n.seen.push_back(e.payload);
          if (n.seen.size() > kReplayMemory) n.seen.pop_front();
        }
        auto msg = Message::Decode(*e.payload);
        if (!msg) {
          Fail("a message failed to decode: " + msg.error().message);
          return;
        }
        Call(e.node, [&](Engine& eng, Actions& out) { return eng.OnMessage(*msg, out); });
        break;
      }
      case Event::Kind::kTimer:
        if (e.incarnation != nodes[e.node].incarnation) return;
        Call(e.node, [&](Engine& eng, Actions& out) { return eng.OnTimer(e.timer, out); });
        break;
      case Event::Kind::kProposal: {
        Node& n = nodes[e.node];
        if (e.incarnation != n.incarnation || !n.up) return;
        const bool valid = n.spec.behavior != Behavior::kInvalidProposer;
        if (!valid) ++stats.byzantine_actions;
        // The node index in the timestamp keeps twins' proposals distinct.
        auto block = MakeBlock(e.height, e.prev, e.view, keys[n.spec.key_index].public_key(),
                               1'700'000'000'000 + now * 10 + e.node, valid);
        Call(e.node, [&](Engine& eng, Actions& out) { return eng.OnProposal(block, out); });
        break;
      }
      case Event::Kind::kSyncRequest: {
        Node& n = nodes[e.node];
        if (!n.up || e.height == 0 || e.height > n.chain.size()) return;
        Event r;
        r.kind = Event::Kind::kSyncResponse;
        for (size_t h = e.height; h <= n.chain.size() && r.blocks.size() < kSyncBatch; ++h) {
          r.blocks.push_back(n.chain[h - 1]);
        }
        Transmit(e.node, e.from, std::move(r));
        break;
      }
      case Event::Kind::kSyncResponse: {
        Node& n = nodes[e.node];
        if (!n.up) return;
        const size_t before = n.chain.size();
        for (const auto& c : e.blocks) {
          Call(e.node, [&](Engine& eng, Actions& out) {
            return eng.OnCertifiedBlock(c.block, c.cert, out);
          });
        }
        // Keep fetching in batches while behind the target.
        if (n.up && n.chain.size() > before && n.chain.size() + 1 < n.sync_target) {
          RequestBlocks(e.node);
        }
        break;
      }
      case Event::Kind::kCrash: {
        const CrashEvent& c = cfg.crashes[e.index];
        Node& n = nodes[c.node];
        if (!n.up) return;
        if (c.restart_at_ms == 0) n.permanently_down = true;
        if (c.loss == WalLoss::kNone) {
          n.tail_survives = false;
          CrashNode(c.node);
        } else {
          // Dies inside its next WAL sync.
          n.tail_survives = c.loss == WalLoss::kTailSurvives;
          n.wal.Arm();
        }
        break;
      }
      case Event::Kind::kRestart: {
        Node& n = nodes[cfg.crashes[e.index].node];
        n.wal.Disarm();
        if (n.up) return;  // an armed crash that never hit a sync
        n.up = true;
        StartEngine(cfg.crashes[e.index].node);
        break;
      }
      case Event::Kind::kPartition:
        partition = e.index;
        break;
      case Event::Kind::kHeal:
        if (partition == e.index) partition.reset();
        break;
    }
  }

  // ---- Invariants

  std::optional<std::string> CheckChains() {
    std::vector<const std::vector<Committed>*> honest;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (Honest(i)) honest.push_back(&nodes[i].chain);
    }
    if (auto fork = FindFork(honest)) return "agreement: " + *fork;
    std::set<Hash> checked;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!Honest(i)) continue;
      Hash prev = GenesisHash();
      for (size_t k = 0; k < nodes[i].chain.size(); ++k) {
        const auto& c = nodes[i].chain[k];
        const std::string where =
            "node " + std::to_string(i) + " height " + std::to_string(k + 1) + ": ";
        if (c.block->height() != k + 1 || c.block->header().prev_hash != prev) {
          return where + "block does not extend the previous one";
        }
        if (!IsValidBlock(*c.block)) return "validity: " + where + "an invalid block committed";
        if (c.cert.height != k + 1 || c.cert.block_hash != c.block->hash()) {
          return where + "certificate is for another block";
        }
        if (checked.insert(Sha256(c.cert.Encode())).second) {
          if (auto st = c.cert.Verify(kChainId, ValidatorsAt(k + 1)); !st) {
            return where + "certificate does not verify: " + st.error().message;
          }
        }
        prev = c.block->hash();
      }
    }
    return std::nullopt;
  }

  // Every honest node that is up has committed `target` blocks.
  bool Live(uint64_t target) const {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!Honest(i) || nodes[i].permanently_down) continue;
      if (nodes[i].chain.size() < target) return false;
    }
    return true;
  }

  RunResult Run(uint64_t until_ms) {
    for (size_t i = 0; i < cfg.crashes.size(); ++i) {
      Event c;
      c.kind = Event::Kind::kCrash;
      c.index = i;
      c.at = cfg.crashes[i].at_ms;
      Push(c);
      if (cfg.crashes[i].restart_at_ms) {
        Event r;
        r.kind = Event::Kind::kRestart;
        r.index = i;
        r.at = cfg.crashes[i].restart_at_ms;
        Push(r);
      }
    }
    for (size_t i = 0; i < cfg.partitions.size(); ++i) {
      Event p;
      p.kind = Event::Kind::kPartition;
      p.index = i;
      p.at = cfg.partitions[i].at_ms;
      Push(p);
      Event h;
      h.kind = Event::Kind::kHeal;
      h.index = i;
      h.at = cfg.partitions[i].heal_at_ms;
      Push(h);
    }
    for (size_t i = 0; i < nodes.size(); ++i) StartEngine(i);

    const bool liveness = until_ms == 0 && cfg.check_liveness;
    const uint64_t stop_at = until_ms ? until_ms : cfg.faults_end_ms + cfg.liveness_bound_ms;
    std::optional<uint64_t> target;
    uint64_t events = 0;
    while (error.empty() && !queue.empty()) {
      if (!target && queue.top().at >= cfg.faults_end_ms && now <= cfg.faults_end_ms) {
        target = std::max(stats.max_height + cfg.blocks_after_heal, cfg.min_height_after_heal);
      }
      if (liveness && target && Live(*target)) break;
      if (queue.top().at > stop_at) break;
      Event e = queue.top();
      queue.pop();
      now = e.at;
      Handle(e);
      if (++events > kMaxEvents) Fail("event budget exhausted");
    }
    stats.sim_time_ms = now;
    for (auto& n : nodes) {
      consensus::EngineCounters c = n.past_counters;
      if (n.engine) AddCounters(c, n.engine->counters());
      stats.view_changes += c.view_changes;
      stats.refused_to_resign += c.refused_to_resign;
      stats.equivocations_seen += c.equivocations;
    }
    RunResult result;
    if (error.empty()) {
      if (auto broken = CheckChains()) Fail(*broken);
    }
    if (error.empty() && liveness) {
      if (!target) {
        target = std::max(stats.max_height + cfg.blocks_after_heal, cfg.min_height_after_heal);
      }
      if (!Live(*target)) {
        std::ostringstream s;
        s << "liveness: within " << cfg.liveness_bound_ms << "ms after faults ended at "
          << cfg.faults_end_ms << "ms, not every honest node reached height " << *target
          << " (heights:";
        for (size_t i = 0; i < nodes.size(); ++i) s << ' ' << nodes[i].chain.size();
        s << "; engines:";
        for (size_t i = 0; i < nodes.size(); ++i) {
          s << " [" << i << ": ";
          if (const Engine* e = nodes[i].engine.get()) {
            s << "h" << e->height() << " v" << e->view() << (e->in_view_change() ? " vc" : "")
              << " vcs" << e->counters().view_changes << " nv" << e->counters().new_views << " rej"
              << e->counters().proposals_rejected << " inv" << e->counters().dropped_invalid
              << " eq" << e->counters().equivocations;
          } else {
            s << "down";
          }
          s << "]";
        }
        s << ")";
        Fail(s.str());
      }
    }
    result.ok = error.empty();
    result.error = error;
    result.stats = stats;
    return result;
  }
};

Simulation::Simulation(SimConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Simulation::~Simulation() = default;

RunResult Simulation::Run(uint64_t until_ms) {
  return impl_->Run(until_ms);
}

const std::vector<Simulation::Committed>& Simulation::chain(size_t node) const {
  return impl_->nodes[node].chain;
}
bool Simulation::is_honest(size_t node) const {
  return impl_->Honest(node);
}
size_t Simulation::node_count() const {
  return impl_->nodes.size();
}
const consensus::Engine* Simulation::engine(size_t node) const {
  return impl_->nodes[node].engine.get();
}
std::vector<PublicKey> Simulation::ValidatorsAt(uint64_t height) const {
  return impl_->ValidatorsAt(height);
}
const PublicKey& Simulation::key(size_t key_index) const {
  return impl_->validator_keys.at(key_index);
}

std::optional<std::string> FindFork(
    const std::vector<const std::vector<Simulation::Committed>*>& chains) {
  std::map<uint64_t, Hash> at;
  for (size_t i = 0; i < chains.size(); ++i) {
    for (const auto& c : *chains[i]) {
      auto [it, inserted] = at.emplace(c.block->height(), c.block->hash());
      if (!inserted && it->second != c.block->hash()) {
        return "two blocks committed at height " + std::to_string(c.block->height()) + ": " +
               it->second.ToHex().substr(0, 16) + " and " + c.block->hash().ToHex().substr(0, 16);
      }
    }
  }
  return std::nullopt;
}

SimConfig RandomConfig(uint64_t seed, size_t n) {
  Rng rng(seed * 0x9e3779b97f4a7c15ULL + n);
  SimConfig c;
  c.seed = seed;
  c.validators = n;
  const size_t f = (n - 1) / 3;
  c.engine.base_timeout_ms = 1'000;
  c.engine.max_timeout_ms = 8'000;
  c.faults_end_ms = rng.Range(10'000, 30'000);
  c.net.min_delay_ms = rng.Range(1, 20);
  c.net.max_delay_ms = c.net.min_delay_ms + rng.Range(0, 300);
  c.net.drop_per_mille = rng.Chance(700) ? rng.Range(0, 250) : 0;
  c.net.dup_per_mille = rng.Chance(500) ? rng.Range(0, 100) : 0;
  c.healed_net.min_delay_ms = 1;
  c.healed_net.max_delay_ms = rng.Range(5, 60);
  c.proposal_delay_max_ms = rng.Range(0, 50);
  c.liveness_bound_ms = 60'000;

  for (size_t i = 0; i < n; ++i) c.nodes.push_back({i, Behavior::kHonest, false});
  // Up to f faulty keys: Byzantine behaviours or twins.
  const uint64_t mode = rng.Uniform(4);
  std::vector<size_t> faulty;
  if (mode != 0) {
    const size_t count = rng.Range(1, f);
    while (faulty.size() < count) {
      const size_t k = rng.Uniform(n);
      if (std::find(faulty.begin(), faulty.end(), k) == faulty.end()) faulty.push_back(k);
    }
    for (size_t k : faulty) {
      if (mode == 3) {
        c.nodes[k].twin = true;
        c.nodes.push_back({k, Behavior::kHonest, true});
      } else {
        c.nodes[k].behavior = static_cast<Behavior>(rng.Range(1, 5));
      }
    }
  }
  // Crashes and restarts of any nodes during the fault period.
  const size_t crashes = rng.Uniform(5);
  for (size_t i = 0; i < crashes; ++i) {
    CrashEvent e;
    e.node = rng.Uniform(c.nodes.size());
    e.at_ms = rng.Uniform(c.faults_end_ms - 1'000);
    e.restart_at_ms = std::min(e.at_ms + rng.Range(100, 8'000), c.faults_end_ms - 1);
    e.loss = static_cast<WalLoss>(rng.Uniform(3));
    c.crashes.push_back(e);
  }
  // Partitions that heal.
  const size_t partitions = rng.Uniform(4);
  for (size_t i = 0; i < partitions; ++i) {
    PartitionEvent p;
    p.at_ms = rng.Uniform(c.faults_end_ms - 500);
    p.heal_at_ms = std::min(p.at_ms + rng.Range(500, 10'000), c.faults_end_ms - 1);
    const size_t groups = rng.Range(2, 3);
    p.groups.resize(groups);
    for (size_t k = 0; k < c.nodes.size(); ++k) p.groups[rng.Uniform(groups)].push_back(k);
    c.partitions.push_back(std::move(p));
  }
  // A third of the schedules also change the validator set at a random
  // height: one key leaves, a new one joins at a random place in the leader
  // order. Drawn from a separate generator, so that the faults above stay
  // what they were for every seed. The newcomer's node is in no partition
  // group (isolated while one lasts) and must catch up by sync.
  Rng gov(seed * 0xda942042e4dd58b5ULL + n + 1);
  if (gov.Chance(333)) {
    const uint64_t height = gov.Range(3, 25);
    const size_t removed = gov.Uniform(n);
    std::vector<size_t> set;
    for (size_t k = 0; k < n; ++k) {
      if (k != removed) set.push_back(k);
    }
    set.insert(set.begin() + static_cast<std::ptrdiff_t>(gov.Uniform(set.size() + 1)), n);
    c.extra_keys = 1;
    c.validator_changes[height] = std::move(set);
    c.nodes.push_back({n, Behavior::kHonest, false});
    c.min_height_after_heal = height + 3;
  }
  return c;
}

std::string Describe(const SimConfig& c) {
  std::ostringstream s;
  s << "seed=" << c.seed << " n=" << c.validators << " faults_end=" << c.faults_end_ms
    << "ms net{delay " << c.net.min_delay_ms << "-" << c.net.max_delay_ms
    << "ms drop=" << c.net.drop_per_mille << "‰ dup=" << c.net.dup_per_mille << "‰}";
  if (c.extra_keys) s << " extra_keys=" << c.extra_keys;
  for (const auto& [height, set] : c.validator_changes) {
    s << " validators@" << height << "{";
    for (size_t k : set) s << k << ",";
    s << "}";
  }
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    if (c.nodes[i].behavior != Behavior::kHonest || c.nodes[i].twin ||
        c.nodes[i].stale_validator_set) {
      s << " node" << i << "(key" << c.nodes[i].key_index << ")="
        << (c.nodes[i].twin                  ? "twin"
            : c.nodes[i].stale_validator_set ? "stale-set"
                                             : BehaviorName(c.nodes[i].behavior));
    }
  }
  for (const auto& e : c.crashes) {
    s << " crash(node" << e.node << " " << e.at_ms << "->" << e.restart_at_ms << "ms loss"
      << static_cast<int>(e.loss) << ")";
  }
  for (const auto& p : c.partitions) {
    s << " partition(" << p.at_ms << "->" << p.heal_at_ms << "ms";
    for (const auto& g : p.groups) {
      s << " {";
      for (size_t k : g) s << k << ",";
      s << "}";
    }
    s << ")";
  }
  return s.str();
}

}  // namespace corridor::sim

// A deterministic simulation of a Corridor validator network (DESIGN.md
// "Testing ladder" step 2; docs/consensus.md "Simulation").
//
// N consensus engines run in one process over a simulated clock and a
// simulated network that delays, drops, duplicates, reorders and
// partitions messages. Nodes crash and restart from their write-ahead log
// (optionally losing its unsynced tail, or crashing in the middle of a
// sync), and Byzantine nodes equivocate, double vote, vote for unknown
// blocks, replay old messages, propose invalid blocks or run as "twins" (two
// instances sharing one key). Everything is driven by one seed: a failing
// run prints its seed and replays exactly from it.
//
// After a run the invariants are checked: agreement (no two honest nodes
// commit different blocks at one height), validity (only blocks the
// application accepts commit), every commit carries a valid certificate and
// extends the previous block, and liveness (once faults stop, every honest
// node commits new blocks within a bound of simulated time).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/keys.h"
#include "consensus/engine.h"

namespace corridor::sim {

// splitmix64: the same sequence on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Uniform(uint64_t n);                                                   // [0, n), n > 0
  uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Uniform(hi - lo + 1); }  // [lo, hi]
  bool Chance(uint64_t per_mille) { return Uniform(1000) < per_mille; }

 private:
  uint64_t state_;
};

enum class Behavior {
  kHonest,
  kEquivocator,      // as leader sends two different proposals and votes for both
  kDoubleVoter,      // sends conflicting PREPAREs/COMMITs to different peers
  kUnknownVoter,     // also votes for blocks nobody proposed
  kReplayer,         // re-sends old messages (its own and others') at random
  kInvalidProposer,  // proposes blocks the application rejects
};
const char* BehaviorName(Behavior b);

struct NodeSpec {
  size_t key_index = 0;  // which validator key; twins share one
  Behavior behavior = Behavior::kHonest;
  bool twin = false;  // counted as Byzantine for the invariants
  // Ignores SimConfig::validator_changes and keeps the height-1 set for
  // ever: a removed validator that goes on proposing and voting. Counted as
  // Byzantine; the others must drop what it sends.
  bool stale_validator_set = false;
};

struct NetConfig {
  uint64_t min_delay_ms = 5;
  uint64_t max_delay_ms = 50;
  uint64_t drop_per_mille = 0;
  uint64_t dup_per_mille = 0;
};

enum class WalLoss {
  kNone,          // crash between events: everything synced survives
  kUnsyncedTail,  // crash inside a WAL sync: the records being synced are lost
  kTailSurvives,  // crash inside a WAL sync, but the records reached the disk
};

struct CrashEvent {
  size_t node = 0;
  uint64_t at_ms = 0;
  uint64_t restart_at_ms = 0;  // 0: never (counts as a permanent fault)
  WalLoss loss = WalLoss::kNone;
};

struct PartitionEvent {
  uint64_t at_ms = 0;
  uint64_t heal_at_ms = 0;
  std::vector<std::vector<size_t>> groups;  // node indexes; unlisted nodes are isolated
};

struct SimConfig {
  uint64_t seed = 1;
  size_t validators = 4;  // keys 0..validators-1: the validator set at height 1
  size_t extra_keys = 0;  // keys validators..validators+extra_keys-1: outside it
  // Validator set changes: from height `first` on, the set is exactly these
  // key indexes, in leader order (until the next entry). Every node knows the
  // schedule in advance, as corridord's do from the ledger, where a change is
  // stored kValidatorChangeDelay blocks before it applies.
  std::map<uint64_t, std::vector<size_t>> validator_changes;
  std::vector<NodeSpec> nodes;  // empty: one honest node per key (extra keys included)
  consensus::EngineConfig engine;
  NetConfig net;         // while faults are active (until faults_end_ms)
  NetConfig healed_net;  // afterwards
  uint64_t proposal_delay_max_ms = 20;
  std::vector<CrashEvent> crashes;
  std::vector<PartitionEvent> partitions;
  uint64_t faults_end_ms = 0;
  // After faults_end_ms every honest node must commit this many new blocks
  // within liveness_bound_ms of simulated time.
  uint64_t blocks_after_heal = 3;
  // ... and reach at least this height (e.g. past a validator set change).
  uint64_t min_height_after_heal = 0;
  uint64_t liveness_bound_ms = 60'000;
  bool check_liveness = true;
};

// A random fault schedule for `n` validators from `seed` (what the random
// tests run): network chaos, partitions, crash/restart with WAL loss, and
// up to f Byzantine nodes of a random behaviour or a twin.
SimConfig RandomConfig(uint64_t seed, size_t n);
std::string Describe(const SimConfig& config);

struct RunStats {
  uint64_t messages_sent = 0;  // point-to-point consensus messages put on the network
  uint64_t messages_delivered = 0;
  uint64_t max_height = 0;  // highest height committed by an honest node
  uint64_t view_changes = 0;
  uint64_t sim_time_ms = 0;
  uint64_t equivocations_seen = 0;  // summed over honest engines
  uint64_t refused_to_resign = 0;
  uint64_t byzantine_actions = 0;  // conflicting or junk messages Byzantine nodes sent
  std::map<uint64_t, uint64_t> first_commit_ms;  // height -> first commit time at any honest node
  std::map<uint64_t, uint64_t> last_commit_ms;   // height -> when the last honest node committed it
};

struct RunResult {
  bool ok = true;
  std::string error;  // first invariant broken
  RunStats stats;
};

class Simulation {
 public:
  explicit Simulation(SimConfig config);
  ~Simulation();

  // Runs until liveness is shown (or its bound passes) and checks every
  // invariant. `until_ms` > 0 stops at that time instead (no liveness check).
  RunResult Run(uint64_t until_ms = 0);

  // The committed chain of node i: (block, certificate) per height from 1.
  struct Committed {
    BlockPtr block;
    CommitCertificate cert;
    uint64_t at_ms = 0;
  };
  const std::vector<Committed>& chain(size_t node) const;
  bool is_honest(size_t node) const;
  size_t node_count() const;
  // The validator set deciding `height` under the config's schedule.
  std::vector<PublicKey> ValidatorsAt(uint64_t height) const;
  const PublicKey& key(size_t key_index) const;
  const consensus::Engine* engine(size_t node) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Agreement across the honest nodes' chains: nullopt when no two of them
// committed different blocks at one height, else a description of the fork.
std::optional<std::string> FindFork(
    const std::vector<const std::vector<Simulation::Committed>*>& chains);

}  // namespace corridor::sim

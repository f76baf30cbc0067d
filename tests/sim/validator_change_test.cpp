// Validator set changes at a height under faults (issue 8, Done-when;
// docs/consensus.md "Validator set changes"). One validator is removed and
// another added at height kChange while messages are lost and delayed,
// validators crash and restart, and one equivocates. Checked on top of the
// simulator's own invariants (agreement, validity, every certificate valid
// for the set of its height, liveness): blocks below kChange are certified
// by the old set and blocks from kChange on by the new one, the new
// validator's signatures help certify them, and the removed validator — which
// keeps proposing and voting as if nothing had changed — is ignored.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "tests/sim/sim.h"

namespace corridor::sim {
namespace {

constexpr uint64_t kChange = 12;
constexpr size_t kRemoved = 0;  // key 0 leads view 0 of the old set
constexpr size_t kAdded = 4;

SimConfig ChangeConfig(uint64_t seed) {
  SimConfig c;
  c.seed = seed;
  c.validators = 4;
  c.extra_keys = 1;
  c.validator_changes[kChange] = {1, 2, 3, kAdded};
  c.engine.base_timeout_ms = 1'000;
  c.engine.max_timeout_ms = 8'000;
  c.net = {5, 120, 100, 30};  // 10 % loss, 3 % duplicates, 5-120 ms delay
  c.healed_net = {5, 60, 0, 0};
  c.proposal_delay_max_ms = 30;
  c.faults_end_ms = 15'000;
  c.blocks_after_heal = 5;
  c.min_height_after_heal = kChange + 6;  // the new set must commit after the change
  c.liveness_bound_ms = 60'000;
  return c;
}

bool Signed(const CommitCertificate& cert, const PublicKey& key) {
  return std::any_of(cert.signatures.begin(), cert.signatures.end(),
                     [&](const CommitSignature& s) { return s.validator == key; });
}

struct ChangeOutcome {
  uint64_t min_height = UINT64_MAX;
  uint64_t certs_after = 0;            // distinct heights >= kChange seen
  uint64_t certs_with_added = 0;       // ... whose certificate the new validator signed
  uint64_t dropped_not_validator = 0;  // summed over honest engines
};

// Checks what the simulator's invariants do not: who signed which block.
ChangeOutcome CheckSigners(const Simulation& sim) {
  ChangeOutcome o;
  const PublicKey removed = sim.key(kRemoved);
  const PublicKey added = sim.key(kAdded);
  std::map<uint64_t, bool> with_added;
  for (size_t i = 0; i < sim.node_count(); ++i) {
    if (!sim.is_honest(i)) continue;
    const auto& chain = sim.chain(i);
    o.min_height = std::min<uint64_t>(o.min_height, chain.size());
    for (const auto& c : chain) {
      const uint64_t h = c.block->height();
      if (h < kChange) {
        EXPECT_FALSE(Signed(c.cert, added)) << "height " << h << " certified by the new validator";
      } else {
        EXPECT_FALSE(Signed(c.cert, removed))
            << "height " << h << " certificate counts the removed validator";
        EXPECT_NE(c.block->header().proposer, removed) << "height " << h;
        with_added[h] = with_added[h] || Signed(c.cert, added);
      }
    }
    if (const consensus::Engine* e = sim.engine(i)) {
      o.dropped_not_validator += e->counters().dropped_not_validator;
    }
  }
  o.certs_after = with_added.size();
  for (const auto& [h, yes] : with_added) o.certs_with_added += yes ? 1 : 0;
  return o;
}

// Returns the honest engines' dropped_not_validator total.
uint64_t ExpectChangeHolds(const SimConfig& c) {
  Simulation sim(c);
  RunResult r = sim.Run();
  EXPECT_TRUE(r.ok) << r.error << "\n  schedule: " << Describe(c);
  if (!r.ok) return 0;
  ChangeOutcome o = CheckSigners(sim);
  std::string heights;
  for (size_t i = 0; i < sim.node_count(); ++i) {
    heights += " " + std::to_string(sim.chain(i).size());
  }
  EXPECT_GE(o.min_height, c.min_height_after_heal)
      << Describe(c) << "\n  heights:" << heights << " at t=" << r.stats.sim_time_ms
      << "ms max_height " << r.stats.max_height << " ok " << r.ok << " vc " << r.stats.view_changes;
  EXPECT_GT(o.certs_after, 0u);
  // The new set commits: the added validator signs certificates after the change.
  EXPECT_GT(o.certs_with_added, 0u) << Describe(c);
  // The added node became a validator, the removed one stopped being one.
  for (size_t i = 0; i < sim.node_count(); ++i) {
    const consensus::Engine* e = sim.engine(i);
    if (!e || !sim.is_honest(i) || e->height() < kChange) continue;
    if (e->public_key() == sim.key(kAdded)) {
      EXPECT_TRUE(e->is_validator());
    }
    if (e->public_key() == sim.key(kRemoved)) {
      EXPECT_FALSE(e->is_validator());
    }
  }
  EXPECT_EQ(sim.ValidatorsAt(kChange - 1)[0], sim.key(kRemoved));
  const auto next = sim.ValidatorsAt(kChange);
  EXPECT_NE(std::find(next.begin(), next.end(), sim.key(kAdded)), next.end());
  return o.dropped_not_validator;
}

// The new set puts the newcomer in the removed validator's place in the
// leader order, so that in most views the removed validator, still
// believing itself a member, accepts the real leader's proposals and sends
// PREPAREs and COMMITs the others must refuse.
const std::vector<size_t> kInPlace = {kAdded, 1, 2, 3};

TEST(SimValidatorChange, RemovedKeepsVotingAddedJoinsUnderLossAndCrashes) {
  uint64_t refused = 0;
  for (uint64_t seed = 1; seed <= 15; ++seed) {
    SimConfig c = ChangeConfig(seed);
    c.nodes = {{0, Behavior::kHonest, false, /*stale_validator_set=*/true},
               {1, Behavior::kHonest},
               {2, Behavior::kHonest},
               {3, Behavior::kHonest},
               {kAdded, Behavior::kHonest}};
    // Validators of both sets crash and restart across the change, one of
    // them inside a WAL sync.
    c.crashes.push_back({2, 1'500 + seed * 97, 3'000 + seed * 97, WalLoss::kNone});
    c.crashes.push_back({3, 5'000 + seed * 53, 6'500 + seed * 53, WalLoss::kUnsyncedTail});
    c.crashes.push_back({4, 2'000, 4'000, WalLoss::kTailSurvives});
    c.validator_changes[kChange] = kInPlace;
    refused += ExpectChangeHolds(c);
    if (HasFailure()) return;
  }
  EXPECT_GT(refused, 0u) << "the removed validator's messages were never refused";
}

TEST(SimValidatorChange, EquivocatorStaysInTheNewSet) {
  uint64_t refused = 0;
  for (uint64_t seed = 1; seed <= 15; ++seed) {
    SimConfig c = ChangeConfig(seed);
    c.nodes = {{0, Behavior::kHonest, false, /*stale_validator_set=*/true},
               {1, Behavior::kEquivocator},
               {2, Behavior::kHonest},
               {3, Behavior::kHonest},
               {kAdded, Behavior::kHonest}};
    // With key 1 Byzantine in the new set, every certificate after the change
    // needs the new validator: the others are 2, 3 and the equivocator.
    c.validator_changes[kChange] = kInPlace;
    refused += ExpectChangeHolds(c);
    if (HasFailure()) return;
  }
  EXPECT_GT(refused, 0u) << "the removed validator's messages were never refused";
}

TEST(SimValidatorChange, PartitionAcrossTheChangeHeight) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SimConfig c = ChangeConfig(seed);
    // The new validator is cut off until after the change and has to catch
    // up by sync before it can help; the removed one is honest and stops.
    c.partitions.push_back({500, 9'000, {{0, 1, 2, 3}, {4}}});
    c.crashes.push_back({1, 10'000, 11'000, WalLoss::kNone});
    (void)ExpectChangeHolds(c);
    if (HasFailure()) return;
  }
}

TEST(SimValidatorChange, SetGrowsFromFourToSeven) {
  // f grows from 1 to 2: three validators join at once; the quorum becomes 5.
  SimConfig c = ChangeConfig(3);
  c.extra_keys = 3;
  c.validator_changes.clear();
  c.validator_changes[kChange] = {0, 1, 2, 3, 4, 5, 6};
  c.nodes.clear();
  for (size_t k = 0; k < 7; ++k) c.nodes.push_back({k, Behavior::kHonest});
  c.nodes[6].behavior = Behavior::kDoubleVoter;
  c.nodes[5].behavior = Behavior::kReplayer;
  Simulation sim(c);
  RunResult r = sim.Run();
  ASSERT_TRUE(r.ok) << r.error << "\n  schedule: " << Describe(c);
  for (size_t i = 0; i < 5; ++i) {
    for (const auto& b : sim.chain(i)) {
      const size_t need = b.block->height() < kChange ? 3 : 5;
      EXPECT_GE(b.cert.signatures.size(), need) << "height " << b.block->height();
    }
  }
}

}  // namespace
}  // namespace corridor::sim

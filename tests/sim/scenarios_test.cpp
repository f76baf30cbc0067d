// Named fault scenarios for the consensus engine in the simulator: each
// Byzantine behaviour of the consensus issue, crashes with WAL loss, a
// leader crash, partitions, and a test that the fork checker catches a fork
// when f+1 validators are Byzantine. The normal-case and leader-crash tests
// print the figures quoted in docs/consensus.md.
#include <gtest/gtest.h>

#include <iostream>

#include "tests/sim/sim.h"

namespace corridor::sim {
namespace {

constexpr uint64_t kDelay = 50;  // one-way network delay: one round trip = 100 ms

SimConfig Base(size_t n = 4) {
  SimConfig c;
  c.seed = 7;
  c.validators = n;
  c.engine.base_timeout_ms = 1'000;
  c.engine.max_timeout_ms = 8'000;
  c.net = {kDelay, kDelay, 0, 0};
  c.healed_net = c.net;
  c.proposal_delay_max_ms = 0;
  c.faults_end_ms = 10'000;
  c.blocks_after_heal = 5;
  c.liveness_bound_ms = 40'000;
  return c;
}

void ExpectOk(const RunResult& r, const SimConfig& c) {
  EXPECT_TRUE(r.ok) << r.error << "\n  schedule: " << Describe(c);
}

uint64_t MinHonestHeight(const Simulation& sim) {
  uint64_t h = UINT64_MAX;
  for (size_t i = 0; i < sim.node_count(); ++i) {
    if (sim.is_honest(i)) h = std::min<uint64_t>(h, sim.chain(i).size());
  }
  return h;
}

TEST(SimScenario, NormalCaseMessagesAndLatency) {
  for (size_t n : {4u, 7u}) {
    SimConfig c = Base(n);
    Simulation sim(c);
    RunResult r = sim.Run(10'000);
    ExpectOk(r, c);
    const uint64_t blocks = MinHonestHeight(sim);
    ASSERT_GE(blocks, 50u);
    // Steady state: commit-to-commit interval at the first committer.
    const uint64_t interval =
        r.stats.first_commit_ms.at(blocks) - r.stats.first_commit_ms.at(blocks - 1);
    const double per_block = static_cast<double>(r.stats.messages_sent) / r.stats.max_height;
    std::cout << "n=" << n << ": " << r.stats.max_height << " blocks in 10 s, " << per_block
              << " messages per block (expected (n-1)(2n+1) = " << (n - 1) * (2 * n + 1)
              << "), commit every " << interval
              << " ms = " << static_cast<double>(interval) / (2 * kDelay) << " round trips\n";
    // PROPOSAL, PREPARE and COMMIT: three one-way delays per block.
    EXPECT_EQ(interval, 3 * kDelay);
    // The run stops with one block in flight: allow one block's messages.
    const double expected = static_cast<double>((n - 1) * (2 * n + 1));
    EXPECT_GE(per_block, expected);
    EXPECT_LE(per_block, expected * (1.0 + 1.0 / static_cast<double>(r.stats.max_height)));
    EXPECT_EQ(r.stats.view_changes, 0u);
  }
}

TEST(SimScenario, LeaderCrashViewChangeResumesCommits) {
  SimConfig c = Base();
  // Validator 0 leads view 0; it dies for good at t = 2 s.
  c.crashes.push_back({0, 2'000, 0, WalLoss::kNone});
  c.faults_end_ms = 2'000;
  Simulation sim(c);
  RunResult r = sim.Run();
  ExpectOk(r, c);
  // The longest pause between consecutive commits after the crash.
  uint64_t gap = 0, prev = 0, gap_end = 0;
  for (const auto& [h, t] : r.stats.first_commit_ms) {
    if (prev >= 1'900 && t - prev > gap) {
      gap = t - prev;
      gap_end = t;
    }
    prev = t;
  }
  ASSERT_GT(gap, c.engine.base_timeout_ms);
  std::cout << "leader crash at 2000 ms: longest pause between commits " << gap << " ms (ending at "
            << gap_end << " ms) = base timeout " << c.engine.base_timeout_ms << " ms + "
            << static_cast<double>(gap - c.engine.base_timeout_ms) / (2 * kDelay)
            << " round trips\n";
  EXPECT_GE(r.stats.view_changes, 3u);
  // VIEW-CHANGE, NEW-VIEW, PREPARE, COMMIT after the timer: 4 one-way delays.
  EXPECT_LE(gap, c.engine.base_timeout_ms + 5 * kDelay);
  for (size_t i = 1; i < 4; ++i) {
    ASSERT_NE(sim.engine(i), nullptr);
    EXPECT_EQ(sim.engine(i)->view(), 1u) << "one view change, then the new leader keeps leading";
  }
}

void RunByzantine(Behavior b, size_t node, size_t n = 4, NetConfig net = {5, 80, 0, 0}) {
  SimConfig c = Base(n);
  c.net = net;
  c.healed_net = {5, 80, 0, 0};
  c.nodes.clear();
  for (size_t i = 0; i < n; ++i) c.nodes.push_back({i, Behavior::kHonest, false});
  c.nodes[node].behavior = b;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    c.seed = seed;
    Simulation sim(c);
    RunResult r = sim.Run();
    ExpectOk(r, c);
    if (!r.ok) return;
    // The Byzantine node really misbehaved in this run.
    EXPECT_GT(r.stats.byzantine_actions, 0u) << BehaviorName(b);
  }
}

TEST(SimScenario, EquivocatingLeader) {
  RunByzantine(Behavior::kEquivocator, 0);  // validator 0 leads view 0
}

TEST(SimScenario, DoubleVoting) {
  RunByzantine(Behavior::kDoubleVoter, 2);
}

TEST(SimScenario, VotesForUnknownBlocks) {
  RunByzantine(Behavior::kUnknownVoter, 1);
}

TEST(SimScenario, ReplayOfOldMessages) {
  RunByzantine(Behavior::kReplayer, 3, 4, {5, 80, 100, 100});
}

TEST(SimScenario, InvalidProposalsNeverCommit) {
  RunByzantine(Behavior::kInvalidProposer, 0);
}

TEST(SimScenario, ByzantineQuorumOfSevenWithTwoEquivocators) {
  SimConfig c = Base(7);
  c.net = {5, 80, 50, 20};
  c.nodes.clear();
  for (size_t i = 0; i < 7; ++i) c.nodes.push_back({i, Behavior::kHonest, false});
  c.nodes[0].behavior = Behavior::kEquivocator;
  c.nodes[1].behavior = Behavior::kDoubleVoter;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    c.seed = seed;
    ExpectOk(Simulation(c).Run(), c);
  }
}

TEST(SimScenario, TwinSharingOneKeyCannotFork) {
  SimConfig c = Base();
  // Nodes 0 and 4 share validator key 0. Each twin sits with different
  // honest nodes; one side holds a quorum of keys (0, 2, 3).
  c.nodes = {{0, Behavior::kHonest, true},
             {1, Behavior::kHonest, false},
             {2, Behavior::kHonest, false},
             {3, Behavior::kHonest, false},
             {0, Behavior::kHonest, true}};
  c.partitions.push_back({500, 6'000, {{0, 1}, {4, 2, 3}}});
  c.partitions.push_back({7'000, 9'000, {{0, 2}, {4, 1, 3}}});
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    c.seed = seed;
    c.net = {5, 80, 20, 20};
    ExpectOk(Simulation(c).Run(), c);
  }
}

TEST(SimScenario, CheckerCatchesForkWithFPlusOneByzantine) {
  // f = 1 for n = 4. With f+1 = 2 keys doubled, each side of the partition
  // holds three distinct keys - a quorum - and commits its own chain.
  SimConfig c = Base();
  c.nodes = {{0, Behavior::kHonest, true},  {1, Behavior::kHonest, true},
             {2, Behavior::kHonest, false}, {0, Behavior::kHonest, true},
             {1, Behavior::kHonest, true},  {3, Behavior::kHonest, false}};
  c.partitions.push_back({0, 100'000, {{0, 1, 2}, {3, 4, 5}}});
  Simulation sim(c);
  RunResult r = sim.Run(3'000);
  ASSERT_FALSE(r.ok) << "two honest nodes must have committed different blocks";
  EXPECT_NE(r.error.find("agreement: two blocks committed at height 1"), std::string::npos)
      << r.error;
  EXPECT_FALSE(sim.chain(2).empty());
  EXPECT_FALSE(sim.chain(5).empty());
  EXPECT_NE(sim.chain(2)[0].block->hash(), sim.chain(5)[0].block->hash());
}

TEST(SimScenario, FindForkComparesEveryHeight) {
  SimConfig c = Base();
  Simulation sim(c);
  ASSERT_TRUE(sim.Run(1'000).ok);
  std::vector<Simulation::Committed> a = sim.chain(0);
  std::vector<Simulation::Committed> b = sim.chain(1);
  ASSERT_GE(a.size(), 3u);
  EXPECT_FALSE(FindFork({&a, &b}).has_value());
  b.resize(1);  // a shorter chain is not a fork
  EXPECT_FALSE(FindFork({&a, &b}).has_value());
  // A real conflict: a chain from the checker test's other side.
  SimConfig fork_cfg = Base();
  fork_cfg.nodes = {{0, Behavior::kHonest, true},  {1, Behavior::kHonest, true},
                    {2, Behavior::kHonest, false}, {0, Behavior::kHonest, true},
                    {1, Behavior::kHonest, true},  {3, Behavior::kHonest, false}};
  fork_cfg.partitions.push_back({0, 100'000, {{0, 1, 2}, {3, 4, 5}}});
  Simulation fork_sim(fork_cfg);
  (void)fork_sim.Run(3'000);
  auto x = fork_sim.chain(2);
  auto y = fork_sim.chain(5);
  ASSERT_FALSE(x.empty());
  ASSERT_FALSE(y.empty());
  EXPECT_TRUE(FindFork({&x, &y}).has_value());
  EXPECT_FALSE(FindFork({&x, &x}).has_value());
}

TEST(SimScenario, CrashAndRestartFromWal) {
  for (WalLoss loss : {WalLoss::kNone, WalLoss::kUnsyncedTail, WalLoss::kTailSurvives}) {
    SimConfig c = Base();
    c.net = {5, 80, 30, 30};
    c.faults_end_ms = 20'000;
    for (size_t k = 0; k < 8; ++k) {
      c.crashes.push_back({k % 4, 1'000 + k * 2'300, 1'000 + k * 2'300 + 700, loss});
    }
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      c.seed = seed;
      ExpectOk(Simulation(c).Run(), c);
    }
  }
}

TEST(SimScenario, PartitionWithoutQuorumStallsThenHeals) {
  SimConfig c = Base();
  c.partitions.push_back({2'000, 8'000, {{0, 1}, {2, 3}}});
  c.faults_end_ms = 8'000;
  Simulation sim(c);
  RunResult r = sim.Run();
  ExpectOk(r, c);
  // Nothing commits while no side has a quorum (allow blocks in flight at 2 s).
  uint64_t during = 0;
  for (const auto& [h, t] : r.stats.first_commit_ms) {
    if (t > 2'200 && t < 8'000) ++during;
  }
  EXPECT_EQ(during, 0u);
}

TEST(SimScenario, IsolatedNodeCatchesUpBySync) {
  SimConfig c = Base();
  c.partitions.push_back({1'000, 9'000, {{0, 1, 2}, {3}}});
  c.faults_end_ms = 9'000;
  Simulation sim(c);
  RunResult r = sim.Run();
  ExpectOk(r, c);
  ASSERT_NE(sim.engine(3), nullptr);
  EXPECT_GT(sim.engine(3)->counters().synced_commits, 10u);
  EXPECT_EQ(sim.chain(3).size() >= sim.chain(0).size() - 1, true);
}

TEST(SimScenario, SameSeedReplaysExactly) {
  const SimConfig c = RandomConfig(42, 4);
  RunResult a = Simulation(c).Run();
  RunResult b = Simulation(c).Run();
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.stats.messages_sent, b.stats.messages_sent);
  EXPECT_EQ(a.stats.messages_delivered, b.stats.messages_delivered);
  EXPECT_EQ(a.stats.max_height, b.stats.max_height);
  EXPECT_EQ(a.stats.first_commit_ms, b.stats.first_commit_ms);
  EXPECT_EQ(a.stats.sim_time_ms, b.stats.sim_time_ms);
}

}  // namespace
}  // namespace corridor::sim

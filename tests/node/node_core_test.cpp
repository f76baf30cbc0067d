// Four NodeCores in one process, on real LevelDB stores and WAL files, over
// an in-memory message bus and a simulated clock (no sleeps): payments
// commit with identical blocks everywhere, a killed node restarts from disk
// and catches up, and the loss of the leader costs one view change.
#include <gtest/gtest.h>

#include "tests/node/node_cluster.h"

namespace corridor::node {
namespace {

using testing::Cluster;

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

// Four NodeCores in one process, on real LevelDB stores and WAL files, over
// an in-memory message bus and a simulated clock (no sleeps): payments
// commit with identical blocks everywhere, a killed node restarts from disk
// and catches up, and the loss of the leader costs one view change.
#include <gtest/gtest.h>

#include "contracts/governance.h"
#include "tests/node/node_cluster.h"

namespace corridor::node {
namespace {

using contracts::DevKey;
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

// A node that learns the next height's proposal while it is still behind
// buffers it; the block sync that brings it to the tip then replays that
// proposal. It must be judged against the block just committed, not the
// state before it: a node that rejects it cannot vote at that height and,
// on a fast network, stays a height behind, catching up only by sync.
TEST(NodeCoreCluster, ProposalBufferedWhileSyncingIsAcceptedAfterTheSync) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(3); }, 20'000));
  c.Cut(3);
  const uint64_t missed_to = c.height(0) + 2;
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.height(0) >= missed_to; }, 20'000));
  // Healed right after a commit: the next thing node 3 hears is the
  // proposal for missed_to + 1 (a future height to it), then the votes that
  // tell it to sync.
  c.Heal(3);
  const uint64_t behind = missed_to - c.height(3);
  ASSERT_GE(behind, 1u);
  ASSERT_LE(behind, 3u);  // within the engine's future-message window
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(missed_to + 3); }, 30'000));
  c.ExpectAgreement();
  const auto counters = c.core(3).GetStatus().consensus;
  EXPECT_EQ(counters.proposals_rejected, 0u);
  // Only the blocks it missed came by sync; from missed_to + 1 on it voted.
  EXPECT_EQ(counters.synced_commits, behind);
}

bool SignedBy(const CommitCertificate& cert, const PublicKey& key) {
  for (const auto& s : cert.signatures) {
    if (s.validator == key) return true;
  }
  return false;
}

TEST(NodeCoreCluster, ValidatorAddedAndRemovedAtAHeight) {
  Cluster c(4);
  // validator-5 runs from the start, outside the set.
  ASSERT_EQ(c.AddNode(DevKey("validator-5"), c.root() / "v5"), 4u);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(2); }, 20'000));
  const PublicKey v1 = DevKey("validator-1").public_key();
  const PublicKey v5 = DevKey("validator-5").public_key();
  const uint64_t at = c.height(1) + contracts::kValidatorChangeDelay + 3;
  const Address alice = Address::FromPublicKey(DevKey("alice").public_key());
  ASSERT_TRUE(c.core(1)
                  .SubmitTransaction(c.Tx(
                      "admin", 0,
                      ProposeValidatorChange{ValidatorChangeKind::kAdd, v5, PublicKey{}, alice, at},
                      "admin: partner node joins"))
                  .ok());
  ASSERT_TRUE(c.core(1)
                  .SubmitTransaction(c.Tx("admin", 1,
                                          ProposeValidatorChange{ValidatorChangeKind::kRemove, v1,
                                                                 PublicKey{}, Address{}, at},
                                          "admin: validator-1 decommissioned"))
                  .ok());
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(at + 6); }, 120'000))
      << "heights " << c.height(0) << " " << c.height(1) << " " << c.height(4);
  c.ExpectAgreement();
  EXPECT_EQ(contracts::ReadValidators(c.store(2).StateAt(at)).back(), v5);
  for (uint64_t h = 1; h <= at + 6; ++h) {
    auto cert = c.store(2).blocks().CertificateAt(h);
    ASSERT_TRUE(cert.has_value());
    if (h < at) {
      EXPECT_FALSE(SignedBy(*cert, v5)) << h;
    } else {
      EXPECT_FALSE(SignedBy(*cert, v1)) << "height " << h << " counts the removed validator";
      EXPECT_TRUE(SignedBy(*cert, v5)) << "height " << h << " without the new validator";
      EXPECT_NE((*c.store(2).blocks().BlockAt(h))->header().proposer, v1);
    }
  }
  // The removed validator keeps following the chain as an observer.
  EXPECT_GE(c.height(0), at + 6);
  const auto set = c.core(0).Validators();
  EXPECT_EQ(std::count(set.begin(), set.end(), v1), 0);
  EXPECT_EQ(std::count(set.begin(), set.end(), v5), 1);
}

TEST(NodeCoreCluster, UnsupportedProtocolVersionStopsBeforeItsHeight) {
  Cluster c(4);
  ASSERT_TRUE(c.clock.RunUntil([&] { return c.AllAtLeast(1); }, 20'000));
  const uint64_t at = c.height(0) + contracts::kValidatorChangeDelay + 3;
  const uint32_t version = contracts::kSupportedProtocolVersion + 1;
  ASSERT_TRUE(c.core(0)
                  .SubmitTransaction(
                      c.Tx("admin", 0, ProposeUpgrade{version, at}, "admin: release 2 rollout"))
                  .ok());
  ASSERT_TRUE(c.clock.RunUntil(
      [&] {
        for (size_t i = 0; i < 4; ++i) {
          if (!c.core(i).GetStatus().halted) return false;
        }
        return true;
      },
      120'000));
  c.clock.RunFor(5'000);
  c.ExpectAgreement();
  for (size_t i = 0; i < 4; ++i) {
    const NodeStatus s = c.core(i).GetStatus();
    EXPECT_EQ(s.height, at - 1) << "node " << i << " executed past the upgrade height";
    EXPECT_NE(s.halt_reason.find("requires protocol version " + std::to_string(version) +
                                 " from height " + std::to_string(at)),
              std::string::npos)
        << s.halt_reason;
  }
}

}  // namespace
}  // namespace corridor::node

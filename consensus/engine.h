// The PBFT consensus engine as a pure state machine (docs/consensus.md).
//
// No sockets, threads or clocks: the caller feeds it events (a message
// arrived, a timer fired, the proposal it asked for is ready, a certified
// block arrived by sync) and carries out the actions it returns (send or
// broadcast a message, set a timer, build a proposal, commit a block, fetch
// blocks from peers). The same engine runs inside corridord and, many copies
// at once, inside the deterministic simulator in tests/sim.
//
// Protocol (height H, view v; leader(H, v) = validators(H)[v mod n]):
//   1. The leader proposes a block: PROPOSAL.
//   2. A validator that accepts it (right height, parent and proposer, and
//      Application::ValidateProposal says yes) sends PREPARE.
//   3. On 2f+1 PREPAREs for the proposal it is *prepared*: it persists the
//      prepared certificate and sends COMMIT.
//   4. On 2f+1 COMMITs for one block (any view of H) that block commits with
//      the COMMIT signatures as its CommitCertificate, and H+1 starts in the
//      view of that certificate (views are global: a working leader keeps
//      leading; a view change costs one timeout, not one per height).
// View change: each view has a timer; on expiry a validator sends
// VIEW-CHANGE for v+1 with its highest prepared certificate at H. The leader
// of v+1 collects 2f+1 and sends NEW-VIEW with them and a proposal: the
// block of the highest prepared certificate among them, or a new block when
// there is none. Validators check that proof before preparing. The timer
// doubles with every failed view (capped) and resets after a commit. f+1
// VIEW-CHANGEs for views above the current one make a node join the
// smallest of them. Within a view entered by view change only a NEW-VIEW's
// proposal is accepted; a plain PROPOSAL is accepted only in the view in
// which the height started.
//
// Not thread-safe: one owner feeds it events in order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/keys.h"
#include "chain/result.h"
#include "consensus/message.h"
#include "consensus/wal.h"

namespace corridor::consensus {

struct EngineConfig {
  std::string chain_id;
  // First view timeout; doubles per failed view up to max_timeout_ms.
  uint64_t base_timeout_ms = 2'000;
  uint64_t max_timeout_ms = 60'000;
  // Added to the timer of the view a height starts in: the leader may wait
  // this long for transactions before proposing (an empty block interval).
  uint64_t proposal_wait_ms = 0;
  // Messages for heights above height()+this are dropped (catch-up by sync).
  uint64_t max_future_heights = 4;
  // Messages for views above view()+this are dropped.
  uint64_t max_future_views = 64;
  // Compact the WAL at a commit once it is larger than this.
  uint64_t wal_compact_bytes = 1 << 20;
};

// What the engine needs from the node.
class Application {
 public:
  virtual ~Application() = default;
  // The ordered validator set deciding `height` (leader order); empty when
  // not known yet. Must be the same on every node for a given height.
  virtual std::vector<PublicKey> Validators(uint64_t height) = 0;
  // Whether `block` may be committed: executes it against the parent state.
  // Height, parent hash, proposer and chain id are already checked.
  virtual bool ValidateProposal(const Block& block) = 0;
  // The engine decided `block` with `cert`. Called before it enters the next
  // height, where it replays messages buffered for that height — among them
  // possibly the next proposal, which ValidateProposal must then judge
  // against this block's state. An application that validates against its
  // committed state commits here; the kCommit action follows all the same.
  virtual void OnDecided(const BlockPtr& block, const CommitCertificate& cert) {
    (void)block;
    (void)cert;
  }
};

struct TimerId {
  uint64_t height = 0;
  uint64_t view = 0;
  uint64_t seq = 0;
  bool operator==(const TimerId&) const = default;
};

struct Action {
  enum class Kind {
    kBroadcast,        // msg to every validator except self
    kSetTimer,         // call OnTimer(timer) after delay_ms (replaces earlier timers)
    kRequestProposal,  // build a block for (height, view) on prev_hash; call OnProposal
    kCommit,           // block is final with cert: execute and store it, in order
    kSyncNeeded,       // f+1 validators work on `height`: fetch certified blocks
                       // up to height-1 and feed them to OnCertifiedBlock
    kPeerBehind,       // validator `peer` still works on `height`, which this node
                       // has committed: send it the certified blocks from there
  };
  Kind kind = Kind::kBroadcast;
  MessagePtr msg;
  PublicKey peer;
  TimerId timer;
  uint64_t delay_ms = 0;
  uint64_t height = 0;
  uint64_t view = 0;
  Hash prev_hash;
  BlockPtr block;
  CommitCertificate cert;
};
using Actions = std::vector<Action>;

// Why messages were dropped, and other events worth a metric.
struct EngineCounters {
  uint64_t messages_accepted = 0;
  uint64_t dropped_bad_signature = 0;
  uint64_t dropped_not_validator = 0;
  uint64_t dropped_stale = 0;       // lower height or view than current
  uint64_t dropped_future = 0;      // beyond the height/view window, or buffer full
  uint64_t dropped_invalid = 0;     // well-signed but breaks a protocol rule
  uint64_t duplicates = 0;          // same message again
  uint64_t equivocations = 0;       // a validator signed two different things
  uint64_t proposals_rejected = 0;  // ValidateProposal said no, or wrong parent/proposer
  uint64_t refused_to_resign = 0;   // would have signed a second block for one slot
  uint64_t view_changes = 0;        // VIEW-CHANGEs this node started
  uint64_t new_views = 0;           // NEW-VIEWs accepted
  uint64_t commits = 0;
  uint64_t synced_commits = 0;  // blocks adopted through OnCertifiedBlock
};

class Engine {
 public:
  struct StartPoint {
    uint64_t height = 1;  // the next height to decide
    Hash prev_hash;       // hash of block height-1
    uint64_t view = 0;    // view of block height-1's commit certificate
  };

  // `wal_records` are the records read back from `wal` (any order of
  // heights; those below start.height are ignored). A record that does not
  // decode is an error: the log under Wal already cut torn tails.
  static Result<std::unique_ptr<Engine>> Create(EngineConfig config, PrivateKey key,
                                                Application& app, Wal& wal,
                                                SignatureVerifier& verifier, StartPoint start,
                                                const std::vector<Bytes>& wal_records);

  // Sets the first timer and, at the leader, requests a proposal.
  Status Start(Actions& out);
  Status OnMessage(const MessagePtr& msg, Actions& out);
  Status OnTimer(const TimerId& timer, Actions& out);
  // The block asked for by kRequestProposal.
  Status OnProposal(BlockPtr block, Actions& out);
  // A committed block learned by sync. Adopted when it is the next height,
  // extends the last block, and `cert` verifies against validators(height).
  Status OnCertifiedBlock(const BlockPtr& block, const CommitCertificate& cert, Actions& out);

  // Errors (only from the WAL) are sticky: after one, the engine refuses
  // every event, so that it can never send what it failed to persist.
  uint64_t height() const { return height_; }
  uint64_t view() const { return view_; }
  bool in_view_change() const { return in_view_change_; }
  const Hash& prev_hash() const { return prev_hash_; }
  const EngineCounters& counters() const { return counters_; }
  const PublicKey& public_key() const { return key_.public_key(); }
  bool is_validator() const { return is_validator_; }
  // Leader of (height(), v).
  PublicKey LeaderOf(uint64_t v) const;
  // This node's latest messages at the current height (a few, newest last),
  // for a peer that has just (re)connected: the transport drops what is
  // sent to a disconnected peer, and without them that peer might wait for
  // a timeout to learn what it missed.
  std::vector<MessagePtr> RecentOwnMessages() const { return own_; }

 private:
  struct Vote {
    Hash hash;
    Signature sig;
  };
  struct Round {
    BlockPtr proposal;      // the leader's (first) proposal in this view
    bool accepted = false;  // this node prepared it
    bool commit_sent = false;
    std::map<PublicKey, Vote> prepares;
    std::map<PublicKey, Vote> commits;
  };

  Engine(EngineConfig config, PrivateKey key, Application& app, Wal& wal,
         SignatureVerifier& verifier, StartPoint start);

  Status Restore(const std::vector<Bytes>& records);
  void LoadValidators();
  bool IsValidatorAt(const std::vector<PublicKey>& set, const PublicKey& key) const;
  uint64_t TimeoutMs() const;
  void SetTimer(Actions& out);
  // Sets up height_ (validators, restored WAL records), arms the timer,
  // resends a restored VIEW-CHANGE or asks for a proposal, and replays
  // messages buffered for height_.
  Status EnterHeight(Actions& out);
  void ApplyRestored();
  Status Route(const MessagePtr& m, Actions& out);
  Status SendViewChange(Actions& out);
  Status Fail(Status st);

  Status Persist(const std::vector<WalRecord>& records);
  // Persists a kSigned record for (view, type, hash) unless already signed;
  // false when a different hash was signed for that slot (never re-sign).
  Result<bool> PersistSigned(uint64_t view, MsgType type, const Hash& hash);
  MessagePtr MakeSigned(Message m) const;
  // A message of this node at height_, signed.
  MessagePtr MakeOwn(MsgType type, uint64_t view, const Hash& hash, BlockPtr block = nullptr,
                     std::vector<MessagePtr> view_changes = {}) const;
  void Broadcast(MessagePtr m, Actions& out);

  bool VerifyPreparedCert(const PreparedCert& cert);
  bool CheckBlockBasics(const Block& block, uint64_t view, bool via_new_view);

  Status HandleCurrent(const MessagePtr& m, Actions& out);
  Status HandleProposal(const MessagePtr& m, Actions& out);
  Status HandleVote(const MessagePtr& m, Actions& out);
  Status HandleViewChange(const MessagePtr& m, Actions& out);
  Status HandleNewView(const MessagePtr& m, Actions& out);
  void BufferFuture(const MessagePtr& m);
  void HelpLaggard(const MessagePtr& m, Actions& out);
  void NotePeerHeight(const PublicKey& who, uint64_t height, Actions& out);
  // The height that f+1 validators have reached (0 when none above ours).
  uint64_t ProvenPeerHeight() const;
  void RequestSync(uint64_t height, Actions& out);

  Status AcceptProposal(uint64_t view, const BlockPtr& block, bool via_new_view, Actions& out);
  Status CheckPrepared(uint64_t view, Actions& out);
  Status CheckCommitted(uint64_t view, Actions& out);
  Status Commit(const BlockPtr& block, CommitCertificate cert, bool synced, Actions& out);
  Status StartViewChange(uint64_t new_view, Actions& out);
  Status TryNewView(Actions& out);
  Status SendProposal(const BlockPtr& block, Actions& out);

  EngineConfig config_;
  PrivateKey key_;
  Application& app_;
  Wal& wal_;
  SignatureVerifier& verifier_;
  Status failed_;

  uint64_t height_ = 1;
  Hash prev_hash_;
  uint64_t view_ = 0;
  bool in_view_change_ = false;
  bool view_by_commit_ = true;  // view_ is the view this height started in
  uint32_t failed_views_ = 0;   // view changes since the last commit
  uint64_t timer_seq_ = 0;
  bool awaiting_proposal_ = false;
  BlockPtr pending_proposal_;   // our new block for a NEW-VIEW of view_
  bool new_view_sent_ = false;  // as leader of view_ after a view change

  std::vector<PublicKey> validators_;
  size_t quorum_ = 1;
  bool is_validator_ = false;

  std::map<uint64_t, Round> rounds_;
  std::map<uint64_t, std::map<PublicKey, MessagePtr>> view_changes_;
  std::map<Hash, BlockPtr> blocks_;  // blocks seen at this height, by hash
  std::optional<PreparedCert> prepared_;
  BlockPtr prepared_block_;
  // What this node signed at height_: (view, type) -> block hash.
  std::map<std::pair<uint64_t, uint8_t>, Hash> signed_;

  // Verified messages for heights above height_, replayed when it gets there.
  std::map<uint64_t, std::map<PublicKey, std::vector<MessagePtr>>> future_;
  // WAL records of heights not decided yet (a crash can leave records of
  // height_+1 when the block store is one block behind the engine).
  std::vector<WalRecord> restored_;
  // The highest height each validator has sent a well-signed message for
  // (one entry per validator: bounded). When f+1 of them are above height_,
  // at least one honest node has committed blocks this node lacks.
  std::map<PublicKey, uint64_t> peer_heights_;
  // Lagging peers already told about (peer -> height), so that ordinary
  // late votes trigger one push; their VIEW-CHANGEs (sent once per timeout)
  // trigger another each time, in case a push was lost.
  std::map<PublicKey, uint64_t> helped_;
  uint64_t sync_requested_height_ = 0;

  std::vector<MessagePtr> own_;  // newest last, at most kRecentOwn, this height only

  EngineCounters counters_;
};

}  // namespace corridor::consensus

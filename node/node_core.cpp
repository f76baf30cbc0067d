#include "node/node_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "contracts/governance.h"
#include "contracts/ledger.h"
#include "node/wire.h"

namespace corridor::node {
namespace {

constexpr size_t kMaxSyncResponseBytes = 16u << 20;
constexpr uint64_t kSyncRetryMs = 2'000;

std::string Short(const Hash& h) {
  return h.ToHex().substr(0, 12);
}

}  // namespace

class NodeCore::Impl final : public consensus::Application, public AccountNonces {
 public:
  Impl(NodeCoreOptions opt, PrivateKey key, ChainStore& store, consensus::Wal& wal,
       Scheduler& sched, Transport& transport)
      : opt_(std::move(opt)),
        key_(std::move(key)),
        store_(store),
        wal_(wal),
        sched_(sched),
        transport_(transport),
        verifying_(contracts::Executor::Options{true}),
        trusting_(contracts::Executor::Options{false}),
        mempool_(opt_.chain_id, opt_.mempool, *this) {}

  Status Init(const std::vector<Bytes>& wal_records) {
    const auto last = store_.blocks().LastHeight();
    if (!last) return MakeError("no_genesis", "the block store holds no genesis block");
    auto tip = store_.blocks().BlockAt(*last);
    if (!tip) return MakeError("corrupt_store", "the last block cannot be read");
    tip_ = *tip;
    validators_ = contracts::ValidatorsAt(store_.state(), tip_->height() + 1);
    if (validators_.empty()) return MakeError("no_validators", "the chain has no validator set");
    consensus::Engine::StartPoint sp;
    sp.height = *last + 1;
    sp.prev_hash = tip_->hash();
    if (*last > 0) {
      auto cert = store_.blocks().CertificateAt(*last);
      if (!cert) return MakeError("corrupt_store", "no certificate for the last block");
      sp.view = cert->view;
    }
    consensus::EngineConfig cfg;
    cfg.chain_id = opt_.chain_id;
    cfg.base_timeout_ms = opt_.base_timeout_ms;
    cfg.max_timeout_ms = opt_.max_timeout_ms;
    cfg.proposal_wait_ms = opt_.empty_block_interval_ms;
    auto engine = consensus::Engine::Create(cfg, key_.Clone(), *this, wal_,
                                            consensus::DefaultVerifier(), sp, wal_records);
    if (!engine) return engine.error();
    engine_ = std::move(engine).value();
    CheckProtocolVersion();
    return {};
  }

  // Stops this node (before executing block tip+1) when the chain requires a
  // protocol version this build does not implement: halting is the safe
  // failure, executing under the old rules would fork. Warns, once per
  // upgrade, while the upgrade is still ahead.
  void CheckProtocolVersion() {
    const uint64_t next = tip_->height() + 1;
    const uint32_t required = contracts::RequiredProtocolVersion(store_.state(), next);
    if (required > contracts::kSupportedProtocolVersion) {
      Halt("protocol upgrade: the chain requires protocol version " + std::to_string(required) +
           " from height " + std::to_string(next) + " but this node supports version " +
           std::to_string(contracts::kSupportedProtocolVersion) +
           "; stopped before executing block " + std::to_string(next) +
           " instead of forking. Install a corridord that supports version " +
           std::to_string(required) + " and restart it");
      return;
    }
    for (const auto& e : contracts::ReadProtocolSchedule(store_.state()).entries) {
      if (e.height > next && e.version > contracts::kSupportedProtocolVersion &&
          warned_upgrade_height_ != e.height) {
        warned_upgrade_height_ = e.height;
        spdlog::warn(
            "protocol upgrade scheduled: version {} is required from height {}; this node "
            "supports version {} and will stop before that height unless upgraded",
            e.version, e.height, contracts::kSupportedProtocolVersion);
      }
    }
  }

  // ---- consensus::Application

  // From the committed state: a height above the tip from its schedule
  // (exact up to tip + kValidatorChangeDelay, which covers every height the
  // engine accepts messages for), a committed height from the state before it.
  std::vector<PublicKey> Validators(uint64_t height) override {
    if (height == tip_->height() + 1) return validators_;
    if (height > tip_->height()) return contracts::ValidatorsAt(store_.state(), height);
    if (height == 0) return {};
    return contracts::ValidatorsAt(store_.StateAt(height - 1), height);
  }

  // Commits at once, so that a proposal for the next height that the engine
  // replays right after this is validated against this block's state.
  void OnDecided(const BlockPtr& block, const CommitCertificate& cert) override {
    if (!halted_ && block->height() == tip_->height() + 1) DoCommit(block, cert);
  }

  bool ValidateProposal(const Block& block) override {
    if (executed_.count(block.hash())) return true;  // our own proposal
    if (block.height() != tip_->height() + 1) return false;
    const uint64_t ts = block.header().timestamp_ms;
    if (ts <= tip_->header().timestamp_ms || ts > sched_.NowMs() + opt_.max_clock_drift_ms) {
      spdlog::warn("proposal {} at height {} has timestamp {} out of range", Short(block.hash()),
                   block.height(), ts);
      return false;
    }
    // Signatures were checked at admission for what our mempool holds.
    for (const auto& tx : block.transactions()) {
      if (!mempool_.Contains(tx->id()) && !tx->VerifySignatures()) {
        spdlog::warn("proposal {} carries transaction {} with a bad signature", Short(block.hash()),
                     tx->id().ToHex());
        return false;
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto exec = trusting_.ValidateBlock(store_.state(), block);
    NoteExecution(t0);
    if (!exec) {
      spdlog::warn("proposal {} at height {} rejected: {}", Short(block.hash()), block.height(),
                   exec.error().message);
      return false;
    }
    executed_.emplace(block.hash(), std::move(exec).value());
    return true;
  }

  // ---- AccountNonces

  std::optional<uint64_t> NextNonce(const Address& account) const override {
    auto acc = contracts::ReadAccount(store_.state(), account);
    if (!acc) return std::nullopt;
    return acc->next_nonce;
  }

  // ---- Actions

  void Carry(consensus::Actions& actions) {
    for (auto& a : actions) {
      if (halted_) return;
      switch (a.kind) {
        case consensus::Action::Kind::kBroadcast:
          NotePhase(*a.msg);
          transport_.Broadcast(msg::kConsensus, a.msg->Encode());
          break;
        case consensus::Action::Kind::kSetTimer: {
          const consensus::TimerId id = a.timer;
          sched_.After(a.delay_ms, [this, id] {
            Locked([&](consensus::Actions& out) { return engine_->OnTimer(id, out); });
          });
          break;
        }
        case consensus::Action::Kind::kRequestProposal:
          want_ = Want{a.height, a.view, engine_->in_view_change()};
          ScheduleProposalCheck(0);
          break;
        case consensus::Action::Kind::kCommit:
          // Normally committed already, in OnDecided.
          if (!halted_ && a.block->height() > tip_->height()) DoCommit(a.block, a.cert);
          break;
        case consensus::Action::Kind::kSyncNeeded:
          NoteSyncTarget(a.height);
          RequestBlocks();
          break;
        case consensus::Action::Kind::kPeerBehind:
          SendBlocks(a.peer, a.height, static_cast<uint32_t>(opt_.sync_batch_blocks));
          break;
      }
    }
  }

  // Runs `f` on the engine under the lock and carries out its actions.
  template <typename F>
  void Locked(F&& f) {
    std::vector<CommittedBlockEvent> events;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (halted_) return;
      const uint64_t height = engine_->height();
      const uint64_t view = engine_->view();
      const bool changing = engine_->in_view_change();
      consensus::Actions out;
      Status st = f(out);
      if (!st) {
        Halt("consensus write-ahead log failed: " + st.error().message);
        return;
      }
      Carry(out);
      LogViewChange(height, view, changing);
      events.swap(events_);
    }
    Deliver(events);
  }

  // Warns when this node gives up on a view or enters a new one without a
  // commit: operators watch these (a dead leader, a partition).
  void LogViewChange(uint64_t height, uint64_t view, bool changing) {
    if (halted_ || engine_->height() != height) return;
    if (engine_->view() != view || engine_->in_view_change() != changing) {
      const uint64_t v = engine_->view();
      if (engine_->in_view_change()) {
        spdlog::warn("view change at height {}: asking for view {} (leader {}), gave up on view {}",
                     height, v, engine_->LeaderOf(v).ToHex().substr(0, 12), view);
      } else {
        spdlog::warn("height {} now in view {} (leader {})", height, v,
                     engine_->LeaderOf(v).ToHex().substr(0, 12));
      }
    }
  }

  void Deliver(const std::vector<CommittedBlockEvent>& events) {
    std::function<void(const CommittedBlockEvent&)> fn;
    {
      std::lock_guard<std::mutex> lock(listener_mu_);
      fn = listener_;
    }
    if (!fn) return;
    for (const auto& e : events) fn(e);
  }

  void Halt(std::string reason) {
    if (halted_) return;
    halted_ = true;
    halt_reason_ = std::move(reason);
    spdlog::critical("node halted: {}", halt_reason_);
  }

  // ---- Proposals

  struct Want {
    uint64_t height;
    uint64_t view;
    bool urgent;  // after a view change: no batching wait
  };

  // At most one pending check per point in time: a check due earlier than
  // the one already scheduled (a transaction arrived while waiting to make
  // an empty block) is scheduled too; later ones are not.
  void ScheduleProposalCheck(uint64_t delay_ms) {
    const uint64_t at = sched_.NowMs() + delay_ms;
    if (proposal_check_at_ && *proposal_check_at_ <= at) return;
    proposal_check_at_ = at;
    sched_.After(delay_ms, [this, at] {
      Locked([&](consensus::Actions& out) {
        if (proposal_check_at_ == at) proposal_check_at_.reset();
        return MaybePropose(out);
      });
    });
  }

  Status MaybePropose(consensus::Actions& out) {
    if (!want_ || want_->height != engine_->height()) {
      want_.reset();
      return {};
    }
    const uint64_t parent_ts = tip_->header().timestamp_ms;
    const uint64_t now = sched_.NowMs();
    const uint64_t tx_due = parent_ts + opt_.block_interval_ms;
    const uint64_t empty_due = parent_ts + opt_.empty_block_interval_ms;
    const uint64_t first_due = mempool_.size() > 0 ? tx_due : empty_due;
    if (!want_->urgent && now < first_due) {
      ScheduleProposalCheck(first_due - now);
      return {};
    }
    // Only transactions that can go into this block count: ones waiting for
    // a nonce gap to fill must not cause a stream of empty blocks.
    auto candidates = mempool_.Select(want_->height, opt_.max_block_txs, opt_.max_block_bytes);
    if (!want_->urgent && candidates.empty() && now < empty_due) {
      ScheduleProposalCheck(empty_due - now);
      return {};
    }
    const Want want = *want_;
    want_.reset();
    contracts::BlockContext ctx{opt_.chain_id, want.height, std::max(now, parent_ts + 1)};
    auto exec = trusting_.Propose(store_.state(), candidates, ctx, opt_.max_block_txs);
    BlockHeader h;
    h.chain_id = opt_.chain_id;
    h.height = want.height;
    h.prev_hash = tip_->hash();
    h.timestamp_ms = ctx.timestamp_ms;
    h.proposer = key_.public_key();
    h.view = want.view;
    h.tx_root = Block::ComputeTxRoot(exec.transactions);
    h.receipts_root = exec.receipts_root;
    h.state_root = exec.state.root;
    BlockPtr block = Block::Create(std::move(h), exec.transactions);
    executed_.emplace(block->hash(), std::move(exec));
    return engine_->OnProposal(block, out);
  }

  static uint64_t MicrosSince(std::chrono::steady_clock::time_point started) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count());
  }

  void NoteExecution(std::chrono::steady_clock::time_point started) {
    execute_latency_.Observe(MicrosSince(started));
  }

  // Phase latencies from this validator's own votes (NodeStatus): the
  // first PREPARE and the first COMMIT it sends at a height. Scheduler time,
  // so simulated in tests.
  void NotePhase(const consensus::Message& m) {
    if (m.height != engine_->height()) return;
    const uint64_t now = sched_.NowMs();
    if (m.type == consensus::MsgType::kPrepare && !prepare_sent_ms_) {
      prepare_sent_ms_ = now;
      phase_propose_.Observe((now - std::min(now, height_started_ms_)) * 1000);
    } else if (m.type == consensus::MsgType::kCommit && !commit_sent_ms_) {
      commit_sent_ms_ = now;
      if (prepare_sent_ms_) phase_prepare_.Observe((now - *prepare_sent_ms_) * 1000);
    }
  }

  // Peers are at `target` (the next height to decide there): start or
  // extend a catch-up.
  void NoteSyncTarget(uint64_t target) {
    if (target <= engine_->height()) return;
    if (sync_target_ <= engine_->height()) {  // not syncing until now
      sync_ = SyncProgress{};
      sync_.started_height = tip_->height();
      sync_.started_ms = sched_.NowMs();
      sync_started_txs_ = committed_txs_;
      last_sync_log_ms_ = sync_.started_ms;
      spdlog::info("behind: peers are at height {}, this node at {}; syncing", target - 1,
                   tip_->height());
    }
    sync_target_ = std::max(sync_target_, target);
  }

  // Fills in rate and ETA from the blocks adopted since syncing began.
  SyncProgress CurrentSync() const {
    SyncProgress p = sync_;
    const uint64_t height = tip_->height();
    p.target_height = sync_target_ > 0 ? sync_target_ - 1 : height;
    p.blocks_behind = p.target_height > height ? p.target_height - height : 0;
    const uint64_t elapsed_ms = sched_.NowMs() - std::min(sched_.NowMs(), p.started_ms);
    const uint64_t done = height - std::min(height, p.started_height);
    if (elapsed_ms > 0 && done > 0) {
      p.blocks_per_second = double(done) * 1000.0 / double(elapsed_ms);
      p.txs_per_second = double(committed_txs_ - sync_started_txs_) * 1000.0 / double(elapsed_ms);
      p.eta_seconds = static_cast<uint64_t>(double(p.blocks_behind) / p.blocks_per_second + 0.5);
    }
    return p;
  }

  // After a block adopted while syncing: a progress line now and then, and
  // one when the node has caught up.
  void LogSyncProgress() {
    const uint64_t now = sched_.NowMs();
    const SyncProgress p = CurrentSync();
    if (tip_->height() + 1 >= sync_target_) {
      sync_.started_ms = 0;  // this catch-up is over
      spdlog::info("caught up at height {}: {} blocks in {:.1f} s ({:.0f} blocks/s, {:.0f} tx/s)",
                   tip_->height(), tip_->height() - p.started_height,
                   double(now - std::min(now, p.started_ms)) / 1000.0, p.blocks_per_second,
                   p.txs_per_second);
      return;
    }
    if (now < last_sync_log_ms_ + opt_.sync_log_interval_ms) return;
    last_sync_log_ms_ = now;
    spdlog::info(
        "syncing: at height {}, peers at {}, {} blocks behind, {:.0f} blocks/s "
        "({:.0f} tx/s), about {} s to go",
        tip_->height(), p.target_height, p.blocks_behind, p.blocks_per_second, p.txs_per_second,
        p.eta_seconds);
  }

  // ---- Commits

  void DoCommit(const BlockPtr& block, const CommitCertificate& cert) {
    const auto started = std::chrono::steady_clock::now();
    auto it = executed_.find(block->hash());
    contracts::BlockExecution exec;
    if (it != executed_.end()) {
      exec = std::move(it->second);
    } else {
      // Learned by sync or committed without our own validation: execute
      // it now, checking every signature.
      auto r = verifying_.ValidateBlock(store_.state(), *block);
      NoteExecution(started);
      if (!r) {
        Halt("committed block " + std::to_string(block->height()) + " " + block->hash().ToHex() +
             " does not execute here (" + r.error().message +
             "): this node's state differs from the network's");
        return;
      }
      exec = std::move(r).value();
    }
    const auto store_started = std::chrono::steady_clock::now();
    if (auto st = store_.CommitBlock(*block, cert, exec.receipts, exec.state, !defer_sync_); !st) {
      Halt("storing block " + std::to_string(block->height()) + " failed: " + st.error().message);
      return;
    }
    store_latency_.Observe(MicrosSince(store_started));
    unsynced_ = defer_sync_;
    ++stats_.committed_blocks;
    for (size_t i = 0; i < exec.receipts.size(); ++i) {
      const auto op = static_cast<uint16_t>(TypeOf(block->transactions()[i]->body().op));
      ++stats_.committed_by_op[OpResultKey{op, exec.receipts[i].code}];
    }
    const uint64_t now_ms = sched_.NowMs();
    if (commit_sent_ms_)
      phase_commit_.Observe((now_ms - std::min(now_ms, *commit_sent_ms_)) * 1000);
    prepare_sent_ms_.reset();
    commit_sent_ms_.reset();
    height_started_ms_ = now_ms;
    tip_ = block;
    executed_.clear();
    want_.reset();
    mempool_.OnBlockCommitted(block->transactions(), block->height() + 1);
    NoteValidatorSet(contracts::ValidatorsAt(store_.state(), block->height() + 1),
                     block->height() + 1);
    committed_txs_ += block->transactions().size();
    const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count() /
                    1000.0;
    spdlog::info("committed block {} txs={} hash={} view={} store={:.1f}ms mempool={}",
                 block->height(), block->transactions().size(), Short(block->hash()), cert.view, ms,
                 mempool_.size());
    events_.push_back({block, cert, std::move(exec.receipts)});
    if (sync_target_ > 0 && sync_.started_ms > 0 && block->height() + 1 <= sync_target_) {
      LogSyncProgress();
    }
    CheckProtocolVersion();
  }

  // The set deciding `height` becomes `next`: say so when it differs, and
  // whether this node joins or leaves it.
  void NoteValidatorSet(std::vector<PublicKey> next, uint64_t height) {
    if (next == validators_) return;
    auto has = [](const std::vector<PublicKey>& set, const PublicKey& k) {
      return std::find(set.begin(), set.end(), k) != set.end();
    };
    std::string added, removed;
    for (const auto& k : next) {
      if (!has(validators_, k)) added += " " + k.ToHex().substr(0, 12);
    }
    for (const auto& k : validators_) {
      if (!has(next, k)) removed += " " + k.ToHex().substr(0, 12);
    }
    spdlog::warn("validator set changes at height {}: {} validators (added:{}; removed:{})", height,
                 next.size(), added.empty() ? " none" : added, removed.empty() ? " none" : removed);
    const bool was = has(validators_, key_.public_key());
    const bool is = has(next, key_.public_key());
    if (was != is) {
      spdlog::warn("this node {} the validator set at height {}", is ? "joins" : "leaves", height);
    }
    validators_ = std::move(next);
  }

  // ---- Sync

  // Makes commits written without fsync durable (after a block-sync batch).
  void FlushUnsynced() {
    if (!unsynced_ || halted_) return;
    unsynced_ = false;
    if (auto st = store_.SyncToDisk(); !st) Halt("syncing the store failed: " + st.error().message);
  }

  void RequestBlocks() {
    const uint64_t next = engine_->height();
    if (next >= sync_target_ || validators_.size() < 2) return;
    // Ask the validators in turn (not ourselves); retry if nothing arrives.
    for (size_t k = 0; k < validators_.size(); ++k) {
      const PublicKey& peer = validators_[(sync_peer_++) % validators_.size()];
      if (peer == key_.public_key()) continue;
      BlockRequestMsg req;
      req.from_height = next;
      req.count =
          static_cast<uint32_t>(std::min<uint64_t>(opt_.sync_batch_blocks, sync_target_ - next));
      transport_.Send(peer, msg::kBlockRequest, req.Encode());
      break;
    }
    if (!sync_retry_scheduled_) {
      sync_retry_scheduled_ = true;
      const uint64_t at_height = next;
      sched_.After(kSyncRetryMs, [this, at_height] {
        Locked([&](consensus::Actions&) {
          sync_retry_scheduled_ = false;
          if (engine_->height() <= at_height) RequestBlocks();
          return Status{};
        });
      });
    }
  }

  void SendBlocks(const PublicKey& to, uint64_t from, uint32_t count) {
    const auto last = store_.blocks().LastHeight();
    if (!last || from == 0 || from > *last) return;
    BlockResponseMsg resp;
    size_t bytes = 0;
    for (uint64_t h = from; h <= *last && resp.blocks.size() < count; ++h) {
      auto block = store_.blocks().BlockAt(h);
      auto cert = store_.blocks().CertificateAt(h);
      if (!block || !cert) break;
      bytes += (*block)->Encode().size() + 64 * cert->signatures.size() + 64;
      if (!resp.blocks.empty() && bytes > kMaxSyncResponseBytes) break;
      resp.blocks.push_back({*block, *cert});
    }
    if (!resp.blocks.empty()) transport_.Send(to, msg::kBlockResponse, resp.Encode());
  }

  // ---- Gossip

  void QueueGossip(const TransactionPtr& tx) {
    gossip_.push_back(tx);
    if (gossip_scheduled_) return;
    gossip_scheduled_ = true;
    sched_.After(opt_.tx_gossip_delay_ms, [this] {
      std::lock_guard<std::mutex> lock(mu_);
      gossip_scheduled_ = false;
      for (size_t i = 0; i < gossip_.size(); i += TxBatchMsg::kMaxTxs) {
        TxBatchMsg batch;
        const size_t end = std::min(gossip_.size(), i + TxBatchMsg::kMaxTxs);
        batch.txs.assign(gossip_.begin() + static_cast<std::ptrdiff_t>(i),
                         gossip_.begin() + static_cast<std::ptrdiff_t>(end));
        transport_.Broadcast(msg::kTxBatch, batch.Encode());
      }
      gossip_.clear();
    });
  }

  NodeCoreOptions opt_;
  PrivateKey key_;
  ChainStore& store_;
  consensus::Wal& wal_;
  Scheduler& sched_;
  Transport& transport_;
  contracts::Executor verifying_;
  contracts::Executor trusting_;

  mutable std::mutex mu_;
  Mempool mempool_;
  std::unique_ptr<consensus::Engine> engine_;
  std::vector<PublicKey> validators_;
  BlockPtr tip_;                                        // the last committed block
  std::map<Hash, contracts::BlockExecution> executed_;  // validated blocks at this height
  std::optional<Want> want_;
  std::optional<uint64_t> proposal_check_at_;  // when the next scheduled check runs
  std::vector<TransactionPtr> gossip_;
  bool gossip_scheduled_ = false;
  uint64_t sync_target_ = 0;
  SyncProgress sync_;  // start of the current catch-up
  uint64_t sync_started_txs_ = 0;
  uint64_t last_sync_log_ms_ = 0;
  size_t sync_peer_ = 0;
  bool sync_retry_scheduled_ = false;
  bool defer_sync_ = false;  // commit without fsync: a block-sync batch is being applied
  bool unsynced_ = false;    // the last commit was not fsynced
  bool halted_ = false;
  std::string halt_reason_;
  uint64_t warned_upgrade_height_ = 0;
  uint64_t committed_txs_ = 0;
  NodeStatus stats_;  // the cumulative figures only
  LatencyHistogram execute_latency_, store_latency_;
  LatencyHistogram phase_propose_, phase_prepare_, phase_commit_;
  uint64_t height_started_ms_ = 0;
  std::optional<uint64_t> prepare_sent_ms_, commit_sent_ms_;
  std::vector<CommittedBlockEvent> events_;

  std::mutex listener_mu_;
  std::function<void(const CommittedBlockEvent&)> listener_;

  friend class NodeCore;
};

Result<std::unique_ptr<NodeCore>> NodeCore::Open(NodeCoreOptions options, PrivateKey key,
                                                 ChainStore& store, consensus::Wal& wal,
                                                 const std::vector<Bytes>& wal_records,
                                                 Scheduler& scheduler, Transport& transport) {
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(key), store, wal, scheduler, transport);
  if (auto st = impl->Init(wal_records); !st) return st.error();
  return std::unique_ptr<NodeCore>(new NodeCore(std::move(impl)));
}

NodeCore::NodeCore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeCore::~NodeCore() = default;

corridor::Status NodeCore::Start() {
  corridor::Status result;
  impl_->Locked([&](consensus::Actions& out) {
    impl_->height_started_ms_ = impl_->sched_.NowMs();
    result = impl_->engine_->Start(out);
    return result;
  });
  return result;
}

bool NodeCore::OnPeerMessage(const PublicKey& from, uint8_t type, ByteSpan payload) {
  Impl& d = *impl_;
  switch (type) {
    case msg::kConsensus: {
      auto m = consensus::Message::Decode(payload);
      if (!m) return false;
      d.Locked([&](consensus::Actions& out) { return d.engine_->OnMessage(*m, out); });
      return true;
    }
    case msg::kTxBatch: {
      auto batch = TxBatchMsg::Decode(payload);
      if (!batch) return false;
      std::lock_guard<std::mutex> lock(d.mu_);
      if (d.halted_) return true;
      const uint64_t next = d.engine_->height();
      for (const auto& tx : batch->txs) {
        (void)AdmitTransaction(d.mempool_, d.store_.state(), d.opt_.chain_id, next, tx);
      }
      if (d.want_) d.ScheduleProposalCheck(0);
      return true;
    }
    case msg::kBlockRequest: {
      auto req = BlockRequestMsg::Decode(payload);
      if (!req) return false;
      std::lock_guard<std::mutex> lock(d.mu_);
      d.SendBlocks(from, req->from_height, req->count);
      return true;
    }
    case msg::kBlockResponse: {
      auto resp = BlockResponseMsg::Decode(payload);
      if (!resp) return false;
      d.Locked([&](consensus::Actions& out) {
        // Blocks pushed by a peer that saw us behind: we are syncing at least
        // up to the last of them (the status and the log say so).
        if (!resp->blocks.empty()) d.NoteSyncTarget(resp->blocks.back().block->height() + 1);
        // One fsync per response rather than per block: these blocks are
        // certified, and a crash only makes the node fetch some again.
        for (size_t i = 0; i < resp->blocks.size(); ++i) {
          if (d.halted_) break;
          const auto& cb = resp->blocks[i];
          consensus::Actions step;
          d.defer_sync_ = i + 1 < resp->blocks.size();
          Status st = d.engine_->OnCertifiedBlock(cb.block, cb.certificate, step);
          if (st) d.Carry(step);
          d.defer_sync_ = false;
          if (!st) {
            d.FlushUnsynced();
            return st;
          }
        }
        d.FlushUnsynced();
        if (!d.halted_) d.RequestBlocks();
        (void)out;
        return Status{};
      });
      return true;
    }
    case msg::kStatus: {
      auto status = StatusMsg::Decode(payload);
      if (!status) return false;
      std::lock_guard<std::mutex> lock(d.mu_);
      if (d.halted_) return true;
      // A peer ahead of us (e.g. after our downtime): fetch up to its tip.
      // A false claim costs a few unanswered requests, nothing more.
      if (status->height + 1 > d.engine_->height()) {
        d.NoteSyncTarget(status->height + 1);
        d.RequestBlocks();
      }
      return true;
    }
    default:
      return false;
  }
}

void NodeCore::OnPeerConnected(const PublicKey& peer) {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu_);
  StatusMsg s;
  s.height = d.tip_->height();
  s.tip = d.tip_->hash();
  d.transport_.Send(peer, msg::kStatus, s.Encode());
  if (d.halted_) return;
  for (const auto& m : d.engine_->RecentOwnMessages()) {
    d.transport_.Send(peer, msg::kConsensus, m->Encode());
  }
}

SubmitResult NodeCore::SubmitTransaction(const TransactionPtr& tx) {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu_);
  if (d.halted_) {
    SubmitResult r;
    r.name = "node_halted";
    r.message = "this node has halted (" + d.halt_reason_ + "); submit to another validator";
    return r;
  }
  SubmitResult r =
      AdmitTransaction(d.mempool_, d.store_.state(), d.opt_.chain_id, d.engine_->height(), tx);
  if (r.outcome == SubmitResult::Outcome::kAccepted) {
    d.QueueGossip(tx);
    if (d.want_) d.ScheduleProposalCheck(0);
  }
  return r;
}

TransactionPtr NodeCore::PendingTransaction(const Hash& id) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->mempool_.Get(id);
}

NodeStatus NodeCore::GetStatus() const {
  const Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu_);
  NodeStatus s;
  s.height = d.tip_->height();
  s.tip = d.tip_->hash();
  s.tip_timestamp_ms = d.tip_->header().timestamp_ms;
  s.view = d.engine_->view();
  s.in_view_change = d.engine_->in_view_change();
  s.syncing = d.sync_target_ > d.engine_->height();
  s.sync_target = d.sync_target_;
  if (s.syncing) s.sync = d.CurrentSync();
  s.mempool_txs = d.mempool_.size();
  s.mempool_bytes = d.mempool_.bytes();
  s.halted = d.halted_;
  s.halt_reason = d.halt_reason_;
  s.consensus = d.engine_->counters();
  s.committed_txs = d.committed_txs_;
  s.committed_blocks = d.stats_.committed_blocks;
  s.execute_latency = d.execute_latency_.Snapshot();
  s.store_latency = d.store_latency_.Snapshot();
  s.phase_propose = d.phase_propose_.Snapshot();
  s.phase_prepare = d.phase_prepare_.Snapshot();
  s.phase_commit = d.phase_commit_.Snapshot();
  s.committed_by_op = d.stats_.committed_by_op;
  return s;
}

std::vector<PublicKey> NodeCore::Validators() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->validators_;
}

std::vector<PublicKey> NodeCore::ValidatorsAt(uint64_t height) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->Validators(height);
}

std::vector<PublicKey> NodeCore::PeerValidators() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  std::vector<PublicKey> keys = impl_->validators_;
  for (const auto& e : contracts::ReadValidatorSchedule(impl_->store_.state()).entries) {
    keys.insert(keys.end(), e.validators.begin(), e.validators.end());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

void NodeCore::SetCommitListener(std::function<void(const CommittedBlockEvent&)> fn) {
  std::lock_guard<std::mutex> lock(impl_->listener_mu_);
  impl_->listener_ = std::move(fn);
}

}  // namespace corridor::node

#include "node/node_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

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
    validators_ = contracts::ReadValidators(store_.state());
    if (validators_.empty()) return MakeError("no_validators", "the chain has no validator set");
    const auto last = store_.blocks().LastHeight();
    if (!last) return MakeError("no_genesis", "the block store holds no genesis block");
    auto tip = store_.blocks().BlockAt(*last);
    if (!tip) return MakeError("corrupt_store", "the last block cannot be read");
    tip_ = *tip;
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
    return {};
  }

  // ---- consensus::Application

  std::vector<PublicKey> Validators(uint64_t) override { return validators_; }

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
          DoCommit(a.block, a.cert);
          break;
        case consensus::Action::Kind::kSyncNeeded:
          if (a.height > sync_target_) {
            spdlog::info("behind: validators are at height {}, this node at {}; syncing", a.height,
                         engine_->height());
          }
          sync_target_ = std::max(sync_target_, a.height);
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

  void NoteExecution(std::chrono::steady_clock::time_point started) {
    stats_.execute_seconds_sum +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ++stats_.execute_count;
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
    if (auto st = store_.CommitBlock(*block, cert, exec.receipts, exec.state); !st) {
      Halt("storing block " + std::to_string(block->height()) + " failed: " + st.error().message);
      return;
    }
    stats_.store_seconds_sum +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - store_started).count();
    ++stats_.store_count;
    ++stats_.committed_blocks;
    for (const auto& r : exec.receipts) ++stats_.committed_by_code[r.code];
    tip_ = block;
    executed_.clear();
    want_.reset();
    mempool_.OnBlockCommitted(block->transactions(), block->height() + 1);
    validators_ = contracts::ReadValidators(store_.state());
    committed_txs_ += block->transactions().size();
    const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count() /
                    1000.0;
    spdlog::info("committed block {} txs={} hash={} view={} store={:.1f}ms mempool={}",
                 block->height(), block->transactions().size(), Short(block->hash()), cert.view, ms,
                 mempool_.size());
    events_.push_back({block, cert, std::move(exec.receipts)});
  }

  // ---- Sync

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
  size_t sync_peer_ = 0;
  bool sync_retry_scheduled_ = false;
  bool halted_ = false;
  std::string halt_reason_;
  uint64_t committed_txs_ = 0;
  NodeStatus stats_;  // the cumulative figures only
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
        for (const auto& cb : resp->blocks) {
          if (d.halted_) break;
          consensus::Actions step;
          if (auto st = d.engine_->OnCertifiedBlock(cb.block, cb.certificate, step); !st) {
            return st;
          }
          d.Carry(step);
        }
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
        d.sync_target_ = std::max(d.sync_target_, status->height + 1);
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
  s.mempool_txs = d.mempool_.size();
  s.mempool_bytes = d.mempool_.bytes();
  s.halted = d.halted_;
  s.halt_reason = d.halt_reason_;
  s.consensus = d.engine_->counters();
  s.committed_txs = d.committed_txs_;
  s.committed_blocks = d.stats_.committed_blocks;
  s.execute_seconds_sum = d.stats_.execute_seconds_sum;
  s.execute_count = d.stats_.execute_count;
  s.store_seconds_sum = d.stats_.store_seconds_sum;
  s.store_count = d.stats_.store_count;
  s.committed_by_code = d.stats_.committed_by_code;
  return s;
}

std::vector<PublicKey> NodeCore::Validators() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->validators_;
}

void NodeCore::SetCommitListener(std::function<void(const CommittedBlockEvent&)> fn) {
  std::lock_guard<std::mutex> lock(impl_->listener_mu_);
  impl_->listener_ = std::move(fn);
}

}  // namespace corridor::node

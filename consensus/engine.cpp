#include "consensus/engine.h"

#include <algorithm>

namespace corridor::consensus {
namespace {

constexpr size_t kMaxFuturePerSender = 8;
constexpr size_t kMaxFutureBlocksPerSender = 1;
constexpr size_t kRecentOwn = 6;

bool Contains(const std::vector<PublicKey>& set, const PublicKey& key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Create(EngineConfig config, PrivateKey key,
                                               Application& app, Wal& wal,
                                               SignatureVerifier& verifier, StartPoint start,
                                               const std::vector<Bytes>& wal_records) {
  if (start.height == 0) return MakeError("bad_start", "heights start at 1");
  if (config.base_timeout_ms == 0 || config.max_timeout_ms < config.base_timeout_ms) {
    return MakeError("bad_config", "timeouts must satisfy 0 < base_timeout_ms <= max_timeout_ms");
  }
  std::unique_ptr<Engine> engine(
      new Engine(std::move(config), std::move(key), app, wal, verifier, start));
  for (const auto& raw : wal_records) {
    auto rec = WalRecord::Decode(raw);
    if (!rec) return MakeError("bad_wal", "consensus WAL record: " + rec.error().message);
    if (rec->height >= start.height) engine->restored_.push_back(std::move(rec).value());
  }
  engine->LoadValidators();
  if (engine->validators_.empty()) {
    return MakeError("no_validators",
                     "no validator set for height " + std::to_string(start.height));
  }
  return engine;
}

Engine::Engine(EngineConfig config, PrivateKey key, Application& app, Wal& wal,
               SignatureVerifier& verifier, StartPoint start)
    : config_(std::move(config)),
      key_(std::move(key)),
      app_(app),
      wal_(wal),
      verifier_(verifier),
      height_(start.height),
      prev_hash_(start.prev_hash),
      view_(start.view) {}

PublicKey Engine::LeaderOf(uint64_t v) const {
  return validators_[v % validators_.size()];
}

void Engine::LoadValidators() {
  validators_ = app_.Validators(height_);
  quorum_ = QuorumSize(validators_.size());
  is_validator_ = Contains(validators_, key_.public_key());
}

uint64_t Engine::TimeoutMs() const {
  uint64_t t = config_.base_timeout_ms;
  for (uint32_t i = 0; i < failed_views_ && t < config_.max_timeout_ms; ++i) t *= 2;
  t = std::min(t, config_.max_timeout_ms);
  if (view_by_commit_ && !in_view_change_) t += config_.proposal_wait_ms;
  return t;
}

void Engine::SetTimer(Actions& out) {
  Action a;
  a.kind = Action::Kind::kSetTimer;
  a.timer = TimerId{height_, view_, ++timer_seq_};
  a.delay_ms = TimeoutMs();
  out.push_back(std::move(a));
}

Status Engine::Fail(Status st) {
  if (!st.ok()) failed_ = st;
  return st;
}

Status Engine::Persist(const std::vector<WalRecord>& records) {
  for (const auto& rec : records) {
    if (auto st = wal_.Append(rec.Encode()); !st) return Fail(st);
  }
  return Fail(wal_.Sync());
}

Result<bool> Engine::PersistSigned(uint64_t view, MsgType type, const Hash& hash) {
  const auto slot = std::make_pair(view, static_cast<uint8_t>(type));
  if (auto it = signed_.find(slot); it != signed_.end()) return it->second == hash;
  WalRecord rec;
  rec.kind = WalKind::kSigned;
  rec.height = height_;
  rec.view = view;
  rec.type = type;
  rec.block_hash = hash;
  if (auto st = Persist({rec}); !st) return st.error();
  signed_[slot] = hash;
  return true;
}

MessagePtr Engine::MakeSigned(Message m) const {
  SignMessage(config_.chain_id, key_, m);
  return std::make_shared<const Message>(std::move(m));
}

MessagePtr Engine::MakeOwn(MsgType type, uint64_t view, const Hash& hash, BlockPtr block,
                           std::vector<MessagePtr> view_changes) const {
  Message m;
  m.type = type;
  m.height = height_;
  m.view = view;
  m.block_hash = hash;
  m.block = std::move(block);
  m.view_changes = std::move(view_changes);
  return MakeSigned(std::move(m));
}

void Engine::Broadcast(MessagePtr m, Actions& out) {
  own_.push_back(m);
  if (own_.size() > kRecentOwn) own_.erase(own_.begin());
  Action a;
  a.kind = Action::Kind::kBroadcast;
  a.msg = std::move(m);
  out.push_back(std::move(a));
}

// ---------------------------------------------------------------------------
// Heights

void Engine::ApplyRestored() {
  const uint64_t start_view = view_;
  for (const auto& rec : restored_) {
    if (rec.height != height_) continue;
    switch (rec.kind) {
      case WalKind::kSigned:
        signed_[{rec.view, static_cast<uint8_t>(rec.type)}] = rec.block_hash;
        if (rec.view > view_) {
          view_ = rec.view;
          view_by_commit_ = false;
          in_view_change_ = false;
        } else if (rec.view == view_ && in_view_change_ && rec.type != MsgType::kCommit) {
          in_view_change_ = false;  // the NEW-VIEW for view_ was accepted
        }
        break;
      case WalKind::kPrepared:
        if (!prepared_ || rec.prepared->view > prepared_->view) {
          prepared_ = rec.prepared;
          prepared_block_ = rec.block;
        }
        blocks_[rec.block->hash()] = rec.block;
        break;
      case WalKind::kViewChange:
        if (rec.view > view_) {
          view_ = rec.view;
          in_view_change_ = true;
          view_by_commit_ = false;
        }
        break;
    }
  }
  // signed_ now holds every slot signed before the crash: a proposal seen
  // again is voted for only if it is the block already signed.
  if (view_ > start_view) {
    failed_views_ = static_cast<uint32_t>(std::min<uint64_t>(view_ - start_view, 32));
  }
}

Status Engine::EnterHeight(Actions& out) {
  LoadValidators();
  if (validators_.empty()) {
    return Fail(
        MakeError("no_validators", "no validator set for height " + std::to_string(height_)));
  }
  ApplyRestored();
  SetTimer(out);
  if (is_validator_) {
    if (in_view_change_) {
      if (auto st = SendViewChange(out); !st) return st;
      if (auto st = TryNewView(out); !st) return st;
    } else if (view_by_commit_ && LeaderOf(view_) == key_.public_key() &&
               !signed_.count({view_, static_cast<uint8_t>(MsgType::kProposal)})) {
      awaiting_proposal_ = true;
      Action a;
      a.kind = Action::Kind::kRequestProposal;
      a.height = height_;
      a.view = view_;
      a.prev_hash = prev_hash_;
      out.push_back(std::move(a));
    }
  }
  // Replay what arrived early. Messages are moved out first: handling one
  // can commit and move to the next height, which replays again.
  std::vector<MessagePtr> replay;
  for (auto it = future_.begin(); it != future_.end() && it->first <= height_;) {
    if (it->first == height_) {
      for (auto& [sender, msgs] : it->second) {
        for (auto& m : msgs) replay.push_back(std::move(m));
      }
    }
    it = future_.erase(it);
  }
  for (const auto& m : replay) {
    if (auto st = Route(m, out); !st) return st;
  }
  return {};
}

Status Engine::Start(Actions& out) {
  if (!failed_.ok()) return failed_;
  return EnterHeight(out);
}

Status Engine::Commit(const BlockPtr& block, CommitCertificate cert, bool synced, Actions& out) {
  app_.OnDecided(block, cert);
  Action a;
  a.kind = Action::Kind::kCommit;
  a.block = block;
  a.cert = std::move(cert);
  const uint64_t cert_view = a.cert.view;
  out.push_back(std::move(a));
  ++counters_.commits;
  if (synced) ++counters_.synced_commits;

  height_ += 1;
  prev_hash_ = block->hash();
  view_ = cert_view;
  in_view_change_ = false;
  view_by_commit_ = true;
  failed_views_ = 0;
  awaiting_proposal_ = false;
  pending_proposal_.reset();
  new_view_sent_ = false;
  rounds_.clear();
  view_changes_.clear();
  blocks_.clear();
  prepared_.reset();
  prepared_block_.reset();
  signed_.clear();
  own_.clear();
  std::erase_if(restored_, [&](const WalRecord& r) { return r.height < height_; });

  if (wal_.size_bytes() > config_.wal_compact_bytes) {
    std::vector<Bytes> keep;
    for (const auto& r : restored_) keep.push_back(r.Encode());
    if (auto st = Fail(wal_.Rewrite(keep)); !st) return st;
  }
  return EnterHeight(out);
}

Status Engine::OnCertifiedBlock(const BlockPtr& block, const CommitCertificate& cert,
                                Actions& out) {
  if (!failed_.ok()) return failed_;
  if (!block || block->height() != height_) return {};
  if (block->header().prev_hash != prev_hash_ || block->header().chain_id != config_.chain_id ||
      cert.height != height_ || cert.block_hash != block->hash()) {
    ++counters_.dropped_invalid;
    return {};
  }
  if (!cert.Verify(config_.chain_id, validators_)) {
    ++counters_.dropped_invalid;
    return {};
  }
  return Commit(block, cert, /*synced=*/true, out);
}

// ---------------------------------------------------------------------------
// Messages

Status Engine::OnMessage(const MessagePtr& m, Actions& out) {
  if (!failed_.ok()) return failed_;
  if (!m) return {};
  if (!CheckStructure(*m)) {
    ++counters_.dropped_invalid;
    return {};
  }
  if (m->height < height_) {
    ++counters_.dropped_stale;
    HelpLaggard(m, out);
    return {};
  }
  std::vector<PublicKey> future_set;
  if (m->height > height_) {
    // Heights not decided yet may have another validator set (governance);
    // for a height too far ahead to know it, the current set stands in: such
    // a message only ever counts as evidence that this node is behind.
    future_set = app_.Validators(m->height);
    if (future_set.empty()) future_set = validators_;
  }
  const auto& set = m->height == height_ ? validators_ : future_set;
  if (!Contains(set, m->sender)) {
    ++counters_.dropped_not_validator;
    return {};
  }
  if (!verifier_.Verify(m->sender, SigningDigest(config_.chain_id, *m), m->sig)) {
    ++counters_.dropped_bad_signature;
    return {};
  }
  if (m->height > height_) {
    NotePeerHeight(m->sender, m->height, out);
    if (m->height > height_ + config_.max_future_heights) {
      ++counters_.dropped_future;
      return {};
    }
    BufferFuture(m);
    return {};
  }
  return HandleCurrent(m, out);
}

Status Engine::Route(const MessagePtr& m, Actions& out) {
  if (m->height < height_) {
    ++counters_.dropped_stale;
    return {};
  }
  if (m->height > height_) {
    BufferFuture(m);
    return {};
  }
  return HandleCurrent(m, out);
}

void Engine::BufferFuture(const MessagePtr& m) {
  auto& msgs = future_[m->height][m->sender];
  const bool carries_block = m->block != nullptr;
  const size_t blocks = static_cast<size_t>(
      std::count_if(msgs.begin(), msgs.end(), [](const MessagePtr& x) { return x->block; }));
  if (msgs.size() >= kMaxFuturePerSender ||
      (carries_block && blocks >= kMaxFutureBlocksPerSender)) {
    ++counters_.dropped_future;
    return;
  }
  msgs.push_back(m);
}

void Engine::HelpLaggard(const MessagePtr& m, Actions& out) {
  // A validator still deciding a height we committed missed the COMMITs
  // (lost messages): without the certificate it may never catch up, and
  // without it the others may lack a quorum. Verified first, so that nobody
  // can make this node push blocks around with forged messages.
  auto it = helped_.find(m->sender);
  const bool repeat = it != helped_.end() && it->second >= m->height;
  if (repeat && m->type != MsgType::kViewChange) return;
  const auto set = app_.Validators(m->height);
  if (!Contains(set, m->sender) ||
      !verifier_.Verify(m->sender, SigningDigest(config_.chain_id, *m), m->sig)) {
    return;
  }
  helped_[m->sender] = m->height;
  Action a;
  a.kind = Action::Kind::kPeerBehind;
  a.peer = m->sender;
  a.height = m->height;
  out.push_back(std::move(a));
}

void Engine::NotePeerHeight(const PublicKey& who, uint64_t height, Actions& out) {
  uint64_t& h = peer_heights_[who];
  if (height <= h) return;
  h = height;
  // f+1 validators two or more heights above us: fetch now. One height
  // above is normal around a commit; that case waits for our timer.
  const uint64_t proven = ProvenPeerHeight();
  if (proven >= height_ + 2 && proven > sync_requested_height_) RequestSync(proven, out);
}

uint64_t Engine::ProvenPeerHeight() const {
  std::vector<uint64_t> heights;
  for (const auto& [who, h] : peer_heights_) {
    if (h > height_ && Contains(validators_, who)) heights.push_back(h);
  }
  const size_t need = MaxFaulty(validators_.size()) + 1;
  if (heights.size() < need) return 0;
  std::sort(heights.begin(), heights.end(), std::greater<>());
  return heights[need - 1];
}

void Engine::RequestSync(uint64_t height, Actions& out) {
  sync_requested_height_ = std::max(sync_requested_height_, height);
  Action a;
  a.kind = Action::Kind::kSyncNeeded;
  a.height = height;
  out.push_back(std::move(a));
}

Status Engine::HandleCurrent(const MessagePtr& m, Actions& out) {
  if (m->view > view_ + config_.max_future_views) {
    ++counters_.dropped_future;
    return {};
  }
  const bool old_view = m->view < view_;
  switch (m->type) {
    case MsgType::kCommit:
      // COMMITs of earlier views still prove a commit: keep a window of them.
      if (m->view + config_.max_future_views < view_) {
        ++counters_.dropped_stale;
        return {};
      }
      return HandleVote(m, out);
    case MsgType::kPrepare:
      if (old_view) break;
      return HandleVote(m, out);
    case MsgType::kProposal:
      if (old_view) break;
      return HandleProposal(m, out);
    case MsgType::kViewChange:
      if (old_view) break;
      return HandleViewChange(m, out);
    case MsgType::kNewView:
      if (old_view) break;
      return HandleNewView(m, out);
  }
  ++counters_.dropped_stale;
  return {};
}

bool Engine::CheckBlockBasics(const Block& block, uint64_t view, bool via_new_view) {
  const auto& h = block.header();
  if (h.chain_id != config_.chain_id || h.height != height_ || h.prev_hash != prev_hash_) {
    return false;
  }
  if (h.view > view || (!via_new_view && h.view != view)) return false;
  return h.proposer == LeaderOf(h.view);
}

Status Engine::HandleProposal(const MessagePtr& m, Actions& out) {
  const uint64_t v = m->view;
  if (LeaderOf(v) != m->sender) {
    ++counters_.dropped_invalid;
    return {};
  }
  Round& r = rounds_[v];
  if (r.proposal) {
    if (r.proposal->hash() == m->block_hash) {
      ++counters_.duplicates;
    } else {
      ++counters_.equivocations;
    }
    return {};
  }
  ++counters_.messages_accepted;
  r.proposal = m->block;
  // A plain PROPOSAL counts only in the view this height started in; a view
  // reached by view change needs the NEW-VIEW's proof.
  if (v != view_ || in_view_change_ || !view_by_commit_) return {};
  return AcceptProposal(v, m->block, /*via_new_view=*/false, out);
}

Status Engine::AcceptProposal(uint64_t view, const BlockPtr& block, bool via_new_view,
                              Actions& out) {
  Round& r = rounds_[view];
  if (r.accepted && r.proposal && r.proposal->hash() == block->hash()) return {};
  if (!CheckBlockBasics(*block, view, via_new_view) || !app_.ValidateProposal(*block)) {
    ++counters_.proposals_rejected;
    return {};
  }
  r.proposal = block;
  blocks_[block->hash()] = block;
  if (!is_validator_) {
    r.accepted = true;
    return CheckCommitted(view, out);
  }
  auto ok = PersistSigned(view, MsgType::kPrepare, block->hash());
  if (!ok) return ok.error();
  if (!*ok) {
    ++counters_.refused_to_resign;
    return {};
  }
  r.accepted = true;
  auto msg = MakeOwn(MsgType::kPrepare, view, block->hash());
  r.prepares[key_.public_key()] = Vote{msg->block_hash, msg->sig};
  Broadcast(msg, out);
  if (auto st = CheckPrepared(view, out); !st) return st;
  return CheckCommitted(view, out);
}

Status Engine::HandleVote(const MessagePtr& m, Actions& out) {
  Round& r = rounds_[m->view];
  auto& votes = m->type == MsgType::kPrepare ? r.prepares : r.commits;
  auto [it, inserted] = votes.emplace(m->sender, Vote{m->block_hash, m->sig});
  if (!inserted) {
    if (it->second.hash == m->block_hash) {
      ++counters_.duplicates;
    } else {
      ++counters_.equivocations;
    }
    return {};
  }
  ++counters_.messages_accepted;
  if (m->type == MsgType::kPrepare) return CheckPrepared(m->view, out);
  return CheckCommitted(m->view, out);
}

Status Engine::CheckPrepared(uint64_t view, Actions& out) {
  if (view != view_ || in_view_change_ || !is_validator_) return {};
  Round& r = rounds_[view];
  if (!r.accepted || r.commit_sent || !r.proposal) return {};
  const Hash hash = r.proposal->hash();
  PreparedCert cert;
  cert.height = height_;
  cert.view = view;
  cert.block_hash = hash;
  for (const auto& [who, vote] : r.prepares) {
    if (vote.hash == hash) cert.sigs.push_back({who, vote.sig});
  }
  if (cert.sigs.size() < quorum_) return {};

  const auto slot = std::make_pair(view, static_cast<uint8_t>(MsgType::kCommit));
  if (auto it = signed_.find(slot); it != signed_.end() && it->second != hash) {
    ++counters_.refused_to_resign;
    return {};
  }
  std::vector<WalRecord> recs;
  const bool higher = !prepared_ || prepared_->view < view;
  if (higher) {
    WalRecord p;
    p.kind = WalKind::kPrepared;
    p.height = height_;
    p.view = view;
    p.prepared = cert;
    p.block = r.proposal;
    recs.push_back(std::move(p));
  }
  if (!signed_.count(slot)) {
    WalRecord s;
    s.kind = WalKind::kSigned;
    s.height = height_;
    s.view = view;
    s.type = MsgType::kCommit;
    s.block_hash = hash;
    recs.push_back(std::move(s));
  }
  if (auto st = Persist(recs); !st) return st;
  signed_[slot] = hash;
  if (higher) {
    prepared_ = std::move(cert);
    prepared_block_ = r.proposal;
  }
  r.commit_sent = true;
  auto msg = MakeOwn(MsgType::kCommit, view, hash);
  r.commits[key_.public_key()] = Vote{hash, msg->sig};
  Broadcast(msg, out);
  return CheckCommitted(view, out);
}

Status Engine::CheckCommitted(uint64_t view, Actions& out) {
  auto rit = rounds_.find(view);
  if (rit == rounds_.end()) return {};
  std::map<Hash, std::vector<CommitSignature>> by_hash;
  for (const auto& [who, vote] : rit->second.commits) {
    by_hash[vote.hash].push_back({who, vote.sig});
  }
  for (auto& [hash, sigs] : by_hash) {
    if (sigs.size() < quorum_) continue;
    auto bit = blocks_.find(hash);
    if (bit == blocks_.end()) {
      // Committed by a quorum but we never saw the block: sync will bring
      // it with this very certificate.
      continue;
    }
    CommitCertificate cert;
    cert.height = height_;
    cert.view = view;
    cert.block_hash = hash;
    cert.signatures = std::move(sigs);  // map order: sorted by validator key
    BlockPtr block = bit->second;
    return Commit(block, std::move(cert), /*synced=*/false, out);
  }
  return {};
}

// ---------------------------------------------------------------------------
// View change

bool Engine::VerifyPreparedCert(const PreparedCert& cert) {
  if (cert.height != height_ || cert.sigs.size() < quorum_) return false;
  for (size_t i = 0; i < cert.sigs.size(); ++i) {
    const auto& s = cert.sigs[i];
    if (i > 0 && !(cert.sigs[i - 1].validator < s.validator)) return false;
    if (!Contains(validators_, s.validator)) return false;
    const Hash digest =
        PrepareDigest(config_.chain_id, cert.height, cert.view, s.validator, cert.block_hash);
    if (!verifier_.Verify(s.validator, digest, s.sig)) return false;
  }
  return true;
}

Status Engine::OnTimer(const TimerId& timer, Actions& out) {
  if (!failed_.ok()) return failed_;
  if (timer.seq != timer_seq_ || timer.height != height_) return {};
  // Peers deciding a higher height: fetch the blocks we lack (again, if an
  // earlier request went unanswered).
  if (const uint64_t proven = ProvenPeerHeight(); proven > height_) RequestSync(proven, out);
  if (!is_validator_) {
    SetTimer(out);
    return {};
  }
  if (in_view_change_) {
    // As in PBFT, move past a view change only once a quorum has joined it;
    // until then resend our VIEW-CHANGE. A node cut off from the others
    // thus does not run ahead alone through views nobody else will reach.
    auto it = view_changes_.find(view_);
    if (it == view_changes_.end() || it->second.size() < quorum_) {
      SetTimer(out);
      if (it != view_changes_.end()) {
        if (auto own = it->second.find(key_.public_key()); own != it->second.end()) {
          Broadcast(own->second, out);
          return {};
        }
      }
      return SendViewChange(out);
    }
  }
  return StartViewChange(view_ + 1, out);
}

Status Engine::SendViewChange(Actions& out) {
  Message vc;
  vc.type = MsgType::kViewChange;
  vc.height = height_;
  vc.view = view_;
  vc.prepared = prepared_;
  auto signed_vc = std::make_shared<Message>(std::move(vc));
  SignMessage(config_.chain_id, key_, *signed_vc);
  signed_vc->block = prepared_block_;  // not covered by the signature
  view_changes_[view_][key_.public_key()] = signed_vc;
  Broadcast(signed_vc, out);
  return {};
}

Status Engine::StartViewChange(uint64_t new_view, Actions& out) {
  if (new_view <= view_) return {};
  WalRecord rec;
  rec.kind = WalKind::kViewChange;
  rec.height = height_;
  rec.view = new_view;
  if (auto st = Persist({rec}); !st) return st;
  ++counters_.view_changes;
  ++failed_views_;
  view_ = new_view;
  in_view_change_ = true;
  view_by_commit_ = false;
  new_view_sent_ = false;
  awaiting_proposal_ = false;
  pending_proposal_.reset();
  // Forget rounds and VIEW-CHANGEs that can no longer matter.
  for (auto it = rounds_.begin(); it != rounds_.end();) {
    it = it->first + config_.max_future_views < view_ ? rounds_.erase(it) : std::next(it);
  }
  view_changes_.erase(view_changes_.begin(), view_changes_.lower_bound(view_));
  SetTimer(out);
  if (auto st = SendViewChange(out); !st) return st;
  return TryNewView(out);
}

Status Engine::HandleViewChange(const MessagePtr& m, Actions& out) {
  if (m->prepared && !VerifyPreparedCert(*m->prepared)) {
    ++counters_.dropped_invalid;
    return {};
  }
  auto& slot = view_changes_[m->view][m->sender];
  if (slot) {
    if (slot->prepared == m->prepared) {
      ++counters_.duplicates;
    } else {
      ++counters_.equivocations;
    }
    return {};
  }
  slot = m;
  ++counters_.messages_accepted;
  if (m->block) blocks_.emplace(m->block->hash(), m->block);

  // f+1 validators want views above ours: join the smallest of them.
  if (is_validator_) {
    std::map<PublicKey, uint64_t> lowest;
    for (auto it = view_changes_.upper_bound(view_); it != view_changes_.end(); ++it) {
      for (const auto& [who, msg] : it->second) lowest.emplace(who, it->first);
    }
    if (lowest.size() >= MaxFaulty(validators_.size()) + 1) {
      uint64_t target = UINT64_MAX;
      for (const auto& [who, v] : lowest) target = std::min(target, v);
      return StartViewChange(target, out);
    }
  }
  return TryNewView(out);
}

Status Engine::TryNewView(Actions& out) {
  if (!in_view_change_ || !is_validator_ || new_view_sent_ ||
      LeaderOf(view_) != key_.public_key()) {
    return {};
  }
  auto vit = view_changes_.find(view_);
  if (vit == view_changes_.end() || vit->second.size() < quorum_) return {};

  // The proof: the VIEW-CHANGE with the highest prepared certificate first,
  // then others by key until a quorum.
  MessagePtr best;
  for (const auto& [who, vc] : vit->second) {
    if (vc->prepared && (!best || vc->prepared->view > best->prepared->view)) best = vc;
  }
  BlockPtr block;
  if (best) {
    auto bit = blocks_.find(best->prepared->block_hash);
    if (bit == blocks_.end()) return {};  // wait for a VIEW-CHANGE that carries it
    block = bit->second;
  } else if (pending_proposal_) {
    block = pending_proposal_;
  } else {
    if (!awaiting_proposal_) {
      awaiting_proposal_ = true;
      Action a;
      a.kind = Action::Kind::kRequestProposal;
      a.height = height_;
      a.view = view_;
      a.prev_hash = prev_hash_;
      out.push_back(std::move(a));
    }
    return {};
  }
  if (!CheckBlockBasics(*block, view_, /*via_new_view=*/true)) {
    ++counters_.proposals_rejected;
    return {};
  }
  std::vector<MessagePtr> proof;
  auto strip = [](const MessagePtr& vc) {
    if (!vc->block) return vc;
    auto copy = std::make_shared<Message>(*vc);
    copy->block.reset();
    return MessagePtr(copy);
  };
  if (best) proof.push_back(strip(best));
  for (const auto& [who, vc] : vit->second) {
    if (proof.size() >= quorum_) break;
    if (vc != best) proof.push_back(strip(vc));
  }
  auto ok = PersistSigned(view_, MsgType::kNewView, block->hash());
  if (!ok) return ok.error();
  if (!*ok) {
    ++counters_.refused_to_resign;
    return {};
  }
  Broadcast(MakeOwn(MsgType::kNewView, view_, block->hash(), block, std::move(proof)), out);
  new_view_sent_ = true;
  in_view_change_ = false;
  pending_proposal_.reset();
  ++counters_.new_views;
  SetTimer(out);
  rounds_[view_].proposal = block;
  return AcceptProposal(view_, block, /*via_new_view=*/true, out);
}

Status Engine::HandleNewView(const MessagePtr& m, Actions& out) {
  const uint64_t v = m->view;
  if (LeaderOf(v) != m->sender) {
    ++counters_.dropped_invalid;
    return {};
  }
  Round& r = rounds_[v];
  if (r.accepted) {
    ++counters_.duplicates;
    return {};
  }
  // Check the proof: a quorum of distinct validators' VIEW-CHANGEs for
  // (height_, v), and the proposal is the highest prepared block among them.
  std::set<PublicKey> seen;
  const PreparedCert* best = nullptr;
  for (const auto& vc : m->view_changes) {
    if (!Contains(validators_, vc->sender) || !seen.insert(vc->sender).second ||
        !verifier_.Verify(vc->sender, SigningDigest(config_.chain_id, *vc), vc->sig) ||
        (vc->prepared && !VerifyPreparedCert(*vc->prepared))) {
      ++counters_.dropped_invalid;
      return {};
    }
    if (vc->prepared && (!best || vc->prepared->view > best->view)) best = &*vc->prepared;
  }
  if (seen.size() < quorum_) {
    ++counters_.dropped_invalid;
    return {};
  }
  if (best ? m->block_hash != best->block_hash : m->block->header().view != v) {
    ++counters_.dropped_invalid;  // omits or replaces the highest prepared block
    return {};
  }
  ++counters_.messages_accepted;
  ++counters_.new_views;
  if (v != view_ || in_view_change_) {
    view_ = v;
    in_view_change_ = false;
    view_by_commit_ = false;
    awaiting_proposal_ = false;
    pending_proposal_.reset();
    SetTimer(out);
  }
  view_by_commit_ = false;  // this view's proposals now come with proof
  r.proposal = m->block;
  return AcceptProposal(v, m->block, /*via_new_view=*/true, out);
}

Status Engine::OnProposal(BlockPtr block, Actions& out) {
  if (!failed_.ok()) return failed_;
  if (!block || !awaiting_proposal_ || block->height() != height_ ||
      block->header().view != view_) {
    return {};
  }
  awaiting_proposal_ = false;
  if (in_view_change_) {
    pending_proposal_ = std::move(block);
    return TryNewView(out);
  }
  if (!view_by_commit_ || LeaderOf(view_) != key_.public_key()) return {};
  return SendProposal(block, out);
}

Status Engine::SendProposal(const BlockPtr& block, Actions& out) {
  if (!CheckBlockBasics(*block, view_, /*via_new_view=*/false)) {
    ++counters_.proposals_rejected;
    return {};
  }
  auto ok = PersistSigned(view_, MsgType::kProposal, block->hash());
  if (!ok) return ok.error();
  if (!*ok) {
    ++counters_.refused_to_resign;
    return {};
  }
  Broadcast(MakeOwn(MsgType::kProposal, view_, block->hash(), block), out);
  rounds_[view_].proposal = block;
  return AcceptProposal(view_, block, /*via_new_view=*/false, out);
}

}  // namespace corridor::consensus

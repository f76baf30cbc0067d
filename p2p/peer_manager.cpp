#include "p2p/peer_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "p2p/frame.h"
#include "p2p/handshake.h"

namespace corridor::p2p {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

std::string_view ToString(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::kShutdown:
      return "shutdown";
    case DisconnectReason::kRemoteClosed:
      return "remote_closed";
    case DisconnectReason::kIoError:
      return "io_error";
    case DisconnectReason::kMalformedFrame:
      return "malformed_frame";
    case DisconnectReason::kProtocolViolation:
      return "protocol_violation";
    case DisconnectReason::kIdleTimeout:
      return "idle_timeout";
    case DisconnectReason::kSendQueueOverflow:
      return "send_queue_overflow";
    case DisconnectReason::kLocalError:
      return "local_error";
    case DisconnectReason::kDroppedByNode:
      return "dropped_by_node";
  }
  return "unknown";
}

std::string_view ToString(HandshakeFailure failure) {
  switch (failure) {
    case HandshakeFailure::kVersionMismatch:
      return handshake_errors::kVersionMismatch;
    case HandshakeFailure::kWrongChain:
      return handshake_errors::kWrongChain;
    case HandshakeFailure::kUnknownPeer:
      return handshake_errors::kUnknownPeer;
    case HandshakeFailure::kUnexpectedKey:
      return handshake_errors::kUnexpectedKey;
    case HandshakeFailure::kSelfConnection:
      return handshake_errors::kSelfConnection;
    case HandshakeFailure::kBadSignature:
      return handshake_errors::kBadSignature;
    case HandshakeFailure::kBadKeyAgreement:
      return handshake_errors::kBadKeyAgreement;
    case HandshakeFailure::kMalformed:
      return handshake_errors::kMalformed;
    case HandshakeFailure::kTimeout:
      return "handshake_timeout";
    case HandshakeFailure::kIoError:
      return "io_error";
    case HandshakeFailure::kOther:
      return "other";
  }
  return "unknown";
}

namespace {

static_assert(kDisconnectReasonCount == static_cast<size_t>(DisconnectReason::kDroppedByNode) + 1);
static_assert(kHandshakeFailureCount == static_cast<size_t>(HandshakeFailure::kOther) + 1);

// Socket reads go into a buffer of this size; frames larger than it arrive
// over several reads.
constexpr size_t kReadChunkBytes = 64 * 1024;
// One socket write gathers queued frames up to about this many bytes.
constexpr size_t kWriteBatchBytes = 256 * 1024;
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// After a large write the buffer is released rather than kept for life.
constexpr size_t kRetainedWriteBuffer = 1 << 20;

HandshakeFailure FailureFromCode(std::string_view code) {
  for (size_t i = 0; i < kHandshakeFailureCount; ++i) {
    auto f = static_cast<HandshakeFailure>(i);
    if (ToString(f) == code) return f;
  }
  if (code == handshake_errors::kUnexpectedMessage) return HandshakeFailure::kMalformed;
  return HandshakeFailure::kOther;
}

std::string Short(const PublicKey& k) {
  return ToHex(ByteSpan(k.bytes).first(8));
}

template <typename F>
void Guarded(const char* what, F&& f) {
  // Callbacks are the node's code: an exception thrown there must not unwind
  // through Asio and take the io thread down with every other peer.
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("p2p: {} callback threw: {}", what, e.what());
  } catch (...) {
    spdlog::error("p2p: {} callback threw a non-standard exception", what);
  }
}

struct Outgoing {
  bool raw = false;  // a handshake message, written as it is
  uint8_t type = 0;
  std::shared_ptr<const Bytes> payload;
  size_t cost = 0;  // bytes counted against send_queue_bytes
};

struct Dialer;

struct Connection {
  template <typename Executor>
  explicit Connection(const Executor& ex, Role r)
      : socket(ex), handshake_timer(ex), ping_timer(ex), role(r), read_buf(kReadChunkBytes) {}

  tcp::socket socket;
  net::steady_timer handshake_timer;
  net::steady_timer ping_timer;
  Role role;
  Dialer* dialer = nullptr;  // outbound: the dialer that made it
  std::string remote;        // "ip:port" or "host:port", for logs

  std::unique_ptr<Handshake> handshake;
  HandshakeMessageReader hs_reader;
  std::unique_ptr<FrameEncoder> encoder;
  std::unique_ptr<FrameDecoder> decoder;
  PublicKey peer;
  bool authenticated = false;
  bool registered = false;  // it is peers_[peer]
  bool closed = false;

  Bytes read_buf;
  std::deque<Outgoing> queue;
  size_t queued_bytes = 0;  // queue + the write in flight
  Bytes write_buf;
  bool writing = false;
  size_t in_flight_cost = 0;
  size_t in_flight_frames = 0;

  SteadyClock::time_point last_received;
  uint64_t pings_sent = 0;
};

struct Dialer {
  template <typename Executor>
  Dialer(const Executor& ex, PeerAddress a) : addr(std::move(a)), timer(ex), resolver(ex) {}

  enum class State : uint8_t { kIdle, kWaiting, kDialing, kSatisfied, kDisabled };

  PeerAddress addr;
  std::optional<PublicKey> known_key;  // the configured key, or the one it presented
  net::steady_timer timer;
  tcp::resolver resolver;
  unsigned failures = 0;
  State state = State::kIdle;
  std::shared_ptr<Connection> conn;
};

using ConnPtr = std::shared_ptr<Connection>;

}  // namespace

class PeerManager::Impl : public std::enable_shared_from_this<PeerManager::Impl> {
 public:
  Impl(net::io_context& io, const PrivateKey& key, PeerManagerConfig config,
       PeerCallbacks callbacks)
      : io_(io),
        strand_(net::make_strand(io)),
        acceptor_(strand_),
        accept_retry_(strand_),
        key_(key.Clone()),
        config_(std::move(config)),
        callbacks_(std::move(callbacks)) {
    uint64_t seed = 0;
    SecureRandom(reinterpret_cast<uint8_t*>(&seed), sizeof(seed));
    rng_.seed(seed);
    if (!config_.is_allowed) {
      std::set<PublicKey> keys;
      for (const auto& p : config_.peers)
        if (p.key) keys.insert(*p.key);
      config_.is_allowed = [keys](const PublicKey& k) { return keys.count(k) > 0; };
    }
    for (const auto& p : config_.peers) {
      dialers_.push_back(std::make_unique<Dialer>(strand_, p));
      dialers_.back()->known_key = p.key;
    }
  }

  Status Start();
  void Stop() {
    net::post(strand_, [self = shared_from_this()] { self->DoStop(/*notify=*/true); });
  }
  // The destructor's path. REQUIRES: no handler of ours runs concurrently.
  void ShutdownNow() {
    callbacks_ = {};
    DoStop(/*notify=*/false);
  }

  Status Send(const PublicKey& to, uint8_t type, Bytes payload);
  Status Broadcast(uint8_t type, Bytes payload);
  void DropPeer(const PublicKey& peer) {
    net::post(strand_, [self = shared_from_this(), peer] {
      if (self->stopped_) return;
      auto it = self->peers_.find(peer);
      if (it == self->peers_.end()) return;
      ConnPtr c = it->second;
      self->Disconnect(c, DisconnectReason::kDroppedByNode, "dropped by the node");
    });
  }

  uint16_t listen_port() const { return listen_port_; }
  const PublicKey& node_key() const { return key_.public_key(); }
  std::vector<PublicKey> ConnectedPeers() const {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    return snapshot_;
  }
  const PeerCounters& counters() const { return counters_; }

 private:
  Status CheckMessage(uint8_t type, const Bytes& payload) const;
  void DoStop(bool notify);
  void DoAccept();
  void Dial(Dialer& d);
  void ScheduleDial(Dialer& d);
  std::chrono::milliseconds Backoff(unsigned failures);

  ConnPtr NewConnection(Role role);
  void ArmHandshakeTimer(const ConnPtr& c);
  void StartConnection(const ConnPtr& c);
  void StartRead(const ConnPtr& c);
  // Returns false when the connection was closed.
  bool OnBytes(const ConnPtr& c, ByteSpan data);
  bool OnAuthenticated(const ConnPtr& c);
  bool OnFrame(const ConnPtr& c, Frame frame);
  void ArmPing(const ConnPtr& c);

  bool Enqueue(const ConnPtr& c, Outgoing item);
  bool EnqueueFrame(const ConnPtr& c, uint8_t type, std::shared_ptr<const Bytes> payload) {
    size_t cost = payload->size() + kFrameOverheadBytes;
    return Enqueue(c, Outgoing{false, type, std::move(payload), cost});
  }
  void Flush(const ConnPtr& c);

  void FailHandshake(const ConnPtr& c, HandshakeFailure failure, const std::string& detail);
  void Disconnect(const ConnPtr& c, DisconnectReason reason, const std::string& detail);
  // Closes the socket and timers, forgets the connection; no callbacks.
  void CloseSocket(const ConnPtr& c);
  void AfterClose(const ConnPtr& c, bool was_registered);
  void UpdateSnapshot();

  net::io_context& io_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  PrivateKey key_;
  PeerManagerConfig config_;
  PeerCallbacks callbacks_;
  PeerCounters counters_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  uint16_t listen_port_ = 0;

  // Strand-only state.
  std::vector<std::unique_ptr<Dialer>> dialers_;
  std::set<ConnPtr> pending_;  // not yet authenticated, both directions
  size_t pending_inbound_ = 0;
  std::map<PublicKey, ConnPtr> peers_;  // established, one per key
  std::mt19937_64 rng_;

  mutable std::mutex snapshot_mu_;
  std::vector<PublicKey> snapshot_;  // GUARDED_BY(snapshot_mu_): the keys of peers_
};

Status PeerManager::Impl::Start() {
  if (started_.exchange(true)) return MakeError("already_started", "PeerManager already started");
  auto bad = [](std::string msg) { return MakeError("bad_config", std::move(msg)); };
  if (config_.chain_id.empty() || config_.chain_id.size() > kMaxChainIdBytes)
    return bad("chain_id must be 1.." + std::to_string(kMaxChainIdBytes) + " bytes");
  if (config_.max_frame_bytes < kMinFrameLength + kPingPayloadBytes)
    return bad("max_frame_bytes is too small to carry a ping");
  if (config_.send_queue_bytes < config_.max_frame_bytes + kFrameOverheadBytes)
    return bad("send_queue_bytes must hold at least one frame of max_frame_bytes");
  if (config_.ping_interval.count() <= 0 || config_.idle_timeout <= config_.ping_interval)
    return bad("idle_timeout must be greater than ping_interval > 0");
  if (config_.handshake_timeout.count() <= 0 || config_.reconnect_min_delay.count() <= 0 ||
      config_.reconnect_max_delay < config_.reconnect_min_delay)
    return bad("timeouts and reconnect delays must be positive, min <= max");

  if (config_.listen) {
    error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(config_.listen_host, std::to_string(config_.listen_port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return MakeError("bind_failed",
                       "cannot resolve " + config_.listen_host + ": " + ec.message());
    }
    tcp::endpoint ep = results.begin()->endpoint();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      return MakeError("bind_failed", "cannot listen on " + config_.listen_host + ":" +
                                          std::to_string(config_.listen_port) + ": " +
                                          ec.message());
    }
    listen_port_ = acceptor_.local_endpoint(ec).port();
    spdlog::info("p2p: node {} listening on {}:{}", Short(key_.public_key()), config_.listen_host,
                 listen_port_);
  }
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    if (self->acceptor_.is_open()) self->DoAccept();
    for (auto& d : self->dialers_) self->Dial(*d);
  });
  return Status::Ok();
}

Status PeerManager::Impl::CheckMessage(uint8_t type, const Bytes& payload) const {
  if (type < kFirstUserType) {
    return MakeError("reserved_type", "message types 0.." + std::to_string(kFirstUserType - 1) +
                                          " are reserved for the transport");
  }
  if (payload.size() > MaxPayloadBytes(config_.max_frame_bytes)) {
    return MakeError(std::string(frame_errors::kTooLarge),
                     "payload of " + std::to_string(payload.size()) + " bytes exceeds " +
                         std::to_string(MaxPayloadBytes(config_.max_frame_bytes)));
  }
  if (stopped_) return MakeError("stopped", "PeerManager is stopped");
  return Status::Ok();
}

Status PeerManager::Impl::Send(const PublicKey& to, uint8_t type, Bytes payload) {
  if (Status s = CheckMessage(type, payload); !s.ok()) return s;
  auto p = std::make_shared<const Bytes>(std::move(payload));
  net::post(strand_, [self = shared_from_this(), to, type, p = std::move(p)]() mutable {
    if (self->stopped_) return;
    auto it = self->peers_.find(to);
    if (it == self->peers_.end()) {
      self->counters_.sends_not_connected.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("p2p: dropped message type {} for {}: not connected", type, Short(to));
      return;
    }
    ConnPtr c = it->second;
    self->counters_.messages_queued.fetch_add(1, std::memory_order_relaxed);
    self->EnqueueFrame(c, type, std::move(p));
  });
  return Status::Ok();
}

Status PeerManager::Impl::Broadcast(uint8_t type, Bytes payload) {
  if (Status s = CheckMessage(type, payload); !s.ok()) return s;
  // One copy of the payload, shared by every peer's queue.
  auto p = std::make_shared<const Bytes>(std::move(payload));
  net::post(strand_, [self = shared_from_this(), type, p = std::move(p)] {
    if (self->stopped_) return;
    std::vector<ConnPtr> targets;
    for (auto& [k, c] : self->peers_) targets.push_back(c);
    for (auto& c : targets) {
      self->counters_.messages_queued.fetch_add(1, std::memory_order_relaxed);
      self->EnqueueFrame(c, type, p);
    }
  });
  return Status::Ok();
}

void PeerManager::Impl::DoStop(bool notify) {
  // Also runs from the destructor after Stop(): then only leftovers close.
  stopped_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (auto& d : dialers_) {
    d->timer.cancel();
    d->resolver.cancel();
    d->state = Dialer::State::kDisabled;
  }
  std::vector<ConnPtr> pending(pending_.begin(), pending_.end());
  for (auto& c : pending) CloseSocket(c);
  std::vector<ConnPtr> established;
  for (auto& [k, c] : peers_) established.push_back(c);
  for (auto& c : established) {
    if (notify) {
      Disconnect(c, DisconnectReason::kShutdown, "node stopping");
    } else {
      CloseSocket(c);
    }
  }
  peers_.clear();
  pending_.clear();
  for (auto& d : dialers_) d->conn.reset();
  UpdateSnapshot();
}

void PeerManager::Impl::DoAccept() {
  auto c = std::make_shared<Connection>(strand_, Role::kResponder);
  acceptor_.async_accept(c->socket, [self = shared_from_this(), c](const error_code& ec) {
    if (self->stopped_ || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors or similar: retry later rather than spin.
      spdlog::warn("p2p: accept failed: {}", ec.message());
      self->accept_retry_.expires_after(kAcceptRetryDelay);
      self->accept_retry_.async_wait([self](const error_code& wec) {
        if (!wec && !self->stopped_) self->DoAccept();
      });
      return;
    }
    if (self->pending_inbound_ >= self->config_.max_pending_handshakes) {
      self->counters_.inbound_refused.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("p2p: refused an inbound connection: {} handshakes already pending",
                   self->pending_inbound_);
      error_code ignored;
      c->socket.close(ignored);
    } else {
      self->counters_.accepted.fetch_add(1, std::memory_order_relaxed);
      self->pending_.insert(c);
      ++self->pending_inbound_;
      error_code rec;
      auto ep = c->socket.remote_endpoint(rec);
      c->remote = rec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
      self->ArmHandshakeTimer(c);
      self->StartConnection(c);
    }
    self->DoAccept();
  });
}

std::chrono::milliseconds PeerManager::Impl::Backoff(unsigned failures) {
  // min * 2^failures, capped, then a uniform jitter over its upper half so
  // that peers restarted together do not dial in lockstep.
  int64_t base = config_.reconnect_min_delay.count();
  const int64_t cap = config_.reconnect_max_delay.count();
  for (unsigned i = 0; i < failures && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return std::chrono::milliseconds(std::max<int64_t>(1, jitter(rng_)));
}

void PeerManager::Impl::ScheduleDial(Dialer& d) {
  if (stopped_ || d.state == Dialer::State::kDisabled || d.state == Dialer::State::kWaiting ||
      d.state == Dialer::State::kDialing)
    return;
  d.state = Dialer::State::kWaiting;
  auto delay = Backoff(d.failures);
  spdlog::debug("p2p: redialing {}:{} in {} ms (failures {})", d.addr.host, d.addr.port,
                delay.count(), d.failures);
  d.timer.expires_after(delay);
  d.timer.async_wait([self = shared_from_this(), &d](const error_code& ec) {
    if (ec || self->stopped_ || d.state != Dialer::State::kWaiting) return;
    self->Dial(d);
  });
}

void PeerManager::Impl::Dial(Dialer& d) {
  if (stopped_ || d.state == Dialer::State::kDisabled) return;
  if (d.known_key && peers_.count(*d.known_key)) {
    d.state = Dialer::State::kSatisfied;  // already connected (it dialed us)
    return;
  }
  d.state = Dialer::State::kDialing;
  counters_.dials.fetch_add(1, std::memory_order_relaxed);
  auto c = std::make_shared<Connection>(strand_, Role::kInitiator);
  c->dialer = &d;
  c->remote = d.addr.host + ":" + std::to_string(d.addr.port);
  d.conn = c;
  pending_.insert(c);
  ArmHandshakeTimer(c);
  d.resolver.async_resolve(
      d.addr.host, std::to_string(d.addr.port),
      [self = shared_from_this(), c](const error_code& ec, tcp::resolver::results_type results) {
        if (c->closed) return;
        if (ec) {
          self->FailHandshake(c, HandshakeFailure::kIoError, "resolve: " + ec.message());
          return;
        }
        net::async_connect(
            c->socket, results, [self, c](const error_code& cec, const tcp::endpoint&) {
              if (c->closed) return;
              if (cec) {
                self->FailHandshake(c, HandshakeFailure::kIoError, "connect: " + cec.message());
                return;
              }
              self->StartConnection(c);
            });
      });
}

void PeerManager::Impl::ArmHandshakeTimer(const ConnPtr& c) {
  c->handshake_timer.expires_after(config_.handshake_timeout);
  c->handshake_timer.async_wait([self = shared_from_this(), c](const error_code& ec) {
    if (ec || c->closed || c->authenticated) return;
    self->FailHandshake(
        c, HandshakeFailure::kTimeout,
        "no handshake within " + std::to_string(self->config_.handshake_timeout.count()) + " ms");
  });
}

void PeerManager::Impl::StartConnection(const ConnPtr& c) {
  error_code ignored;
  c->socket.set_option(tcp::no_delay(true), ignored);
  HandshakeConfig hc;
  hc.chain_id = config_.chain_id;
  hc.is_allowed = config_.is_allowed;
  if (c->dialer) hc.expected_peer = c->dialer->addr.key;
  c->handshake = std::make_unique<Handshake>(c->role, key_, std::move(hc));
  Bytes hello = FrameHandshakeMessage(c->handshake->hello());
  size_t cost = hello.size();
  Enqueue(c, Outgoing{true, 0, std::make_shared<const Bytes>(std::move(hello)), cost});
  StartRead(c);
}

void PeerManager::Impl::StartRead(const ConnPtr& c) {
  c->socket.async_read_some(
      net::buffer(c->read_buf), [self = shared_from_this(), c](const error_code& ec, size_t n) {
        if (c->closed) return;
        if (ec) {
          bool eof = ec == net::error::eof || ec == net::error::connection_reset;
          if (!c->authenticated) {
            self->FailHandshake(c, HandshakeFailure::kIoError, "read: " + ec.message());
          } else {
            self->Disconnect(c, eof ? DisconnectReason::kRemoteClosed : DisconnectReason::kIoError,
                             ec.message());
          }
          return;
        }
        self->counters_.bytes_in.fetch_add(n, std::memory_order_relaxed);
        if (!self->OnBytes(c, ByteSpan(c->read_buf).first(n))) return;
        self->StartRead(c);
      });
}

bool PeerManager::Impl::OnBytes(const ConnPtr& c, ByteSpan data) {
  Bytes after_handshake;
  if (!c->authenticated) {
    c->hs_reader.Append(data);
    while (!c->handshake->done()) {
      auto msg = c->hs_reader.Next();
      if (!msg.ok()) {
        FailHandshake(c, HandshakeFailure::kMalformed, msg.error().ToString());
        return false;
      }
      if (!*msg) return true;  // wait for more bytes
      auto reply = c->handshake->Receive(**msg);
      if (!reply.ok()) {
        const Error& e = reply.error();
        const HandshakeFailure failure = FailureFromCode(e.code);
        // The log line names the failure; repeat the code only when the
        // failure stands for several codes.
        FailHandshake(c, failure, ToString(failure) == e.code ? e.message : e.ToString());
        return false;
      }
      if (!reply->empty()) {
        Bytes framed = FrameHandshakeMessage(*reply);
        size_t cost = framed.size();
        if (!Enqueue(c, Outgoing{true, 0, std::make_shared<const Bytes>(std::move(framed)), cost}))
          return false;
      }
    }
    // Frames the peer sent right after its Auth may have come in the same read.
    after_handshake = c->hs_reader.TakeRemaining();
    if (!OnAuthenticated(c)) return false;
    data = after_handshake;
  }
  c->decoder->Append(data);
  while (!c->closed) {
    auto frame = c->decoder->Next();
    if (!frame.ok()) {
      Disconnect(c, DisconnectReason::kMalformedFrame, frame.error().ToString());
      return false;
    }
    if (!*frame) break;
    counters_.frames_in.fetch_add(1, std::memory_order_relaxed);
    c->last_received = SteadyClock::now();
    if (!OnFrame(c, std::move(**frame))) return false;
  }
  return !c->closed;
}

bool PeerManager::Impl::OnAuthenticated(const ConnPtr& c) {
  c->authenticated = true;
  c->handshake_timer.cancel();
  pending_.erase(c);
  if (c->role == Role::kResponder) --pending_inbound_;
  counters_.handshakes_ok.fetch_add(1, std::memory_order_relaxed);
  c->peer = c->handshake->peer_key();
  c->encoder = std::make_unique<FrameEncoder>(c->handshake->send_key(), config_.max_frame_bytes);
  c->decoder = std::make_unique<FrameDecoder>(c->handshake->recv_key(), config_.max_frame_bytes);
  c->handshake.reset();  // wipes the session keys' other copies
  if (c->dialer) {
    c->dialer->known_key = c->peer;
    c->dialer->failures = 0;
    c->dialer->state = Dialer::State::kSatisfied;
  }

  auto it = peers_.find(c->peer);
  if (it != peers_.end()) {
    // Both nodes dialed each other, or the peer reconnected before we noticed
    // its old connection died. Keep the connection initiated by the lower key
    // (both ends decide alike); between two initiated by the same side, the
    // newer one (the older is presumably dead).
    ConnPtr old = it->second;
    const PublicKey& self_key = key_.public_key();
    const PublicKey& new_init = c->role == Role::kInitiator ? self_key : c->peer;
    const PublicKey& old_init = old->role == Role::kInitiator ? self_key : old->peer;
    bool keep_new = new_init == old_init || new_init < old_init;
    counters_.duplicate_connections.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("p2p: duplicate connection to {}: keeping the {} one", Short(c->peer),
                  keep_new ? "new" : "existing");
    if (!keep_new) {
      CloseSocket(c);
      AfterClose(c, false);
      return false;
    }
    // The application sees one uninterrupted peer: unsent messages move over.
    for (auto& item : old->queue) {
      if (item.raw) continue;
      c->queued_bytes += item.cost;
      c->queue.push_back(std::move(item));
    }
    old->queue.clear();
    old->registered = false;
    it->second = c;
    c->registered = true;
    CloseSocket(old);
    AfterClose(old, false);
  } else {
    peers_.emplace(c->peer, c);
    c->registered = true;
    UpdateSnapshot();
    spdlog::info("p2p: connected to {} ({}, {})", Short(c->peer), c->remote,
                 c->role == Role::kInitiator ? "outbound" : "inbound");
    if (callbacks_.on_connected) {
      Guarded("on_connected", [&] { callbacks_.on_connected(c->peer); });
    }
    if (c->closed) return false;
  }
  c->last_received = SteadyClock::now();
  ArmPing(c);
  Flush(c);
  return !c->closed;
}

bool PeerManager::Impl::OnFrame(const ConnPtr& c, Frame frame) {
  if (frame.type >= kFirstUserType) {
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("p2p: frame type {} ({} bytes) from {}", frame.type, frame.payload.size(),
                    Short(c->peer));
    }
    if (callbacks_.on_message) {
      Guarded("on_message",
              [&] { callbacks_.on_message(c->peer, frame.type, std::move(frame.payload)); });
    }
    return !c->closed;
  }
  if ((frame.type == kPingType || frame.type == kPongType) &&
      frame.payload.size() != kPingPayloadBytes) {
    Disconnect(c, DisconnectReason::kProtocolViolation,
               "ping/pong payload of " + std::to_string(frame.payload.size()) + " bytes");
    return false;
  }
  if (frame.type == kPingType) {
    return EnqueueFrame(c, kPongType, std::make_shared<const Bytes>(std::move(frame.payload)));
  }
  if (frame.type == kPongType) return true;  // last_received is already updated
  Disconnect(c, DisconnectReason::kProtocolViolation,
             "reserved message type " + std::to_string(frame.type));
  return false;
}

void PeerManager::Impl::ArmPing(const ConnPtr& c) {
  c->ping_timer.expires_after(config_.ping_interval);
  c->ping_timer.async_wait([self = shared_from_this(), c](const error_code& ec) {
    if (ec || c->closed) return;
    auto idle = SteadyClock::now() - c->last_received;
    if (idle >= self->config_.idle_timeout) {
      self->Disconnect(
          c, DisconnectReason::kIdleTimeout,
          "nothing received for " +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(idle).count()) +
              " ms");
      return;
    }
    Bytes ping(kPingPayloadBytes);
    uint64_t n = ++c->pings_sent;
    for (size_t i = 0; i < kPingPayloadBytes; ++i) ping[i] = static_cast<uint8_t>(n >> (8 * i));
    if (!self->EnqueueFrame(c, kPingType, std::make_shared<const Bytes>(std::move(ping)))) return;
    self->ArmPing(c);
  });
}

bool PeerManager::Impl::Enqueue(const ConnPtr& c, Outgoing item) {
  if (c->closed) return false;
  if (c->queued_bytes + item.cost > config_.send_queue_bytes) {
    counters_.queue_overflow_drops.fetch_add(1, std::memory_order_relaxed);
    std::string detail = std::to_string(c->queued_bytes) + " bytes queued, " +
                         std::to_string(item.cost) + " more would pass the bound of " +
                         std::to_string(config_.send_queue_bytes);
    if (c->authenticated) {
      Disconnect(c, DisconnectReason::kSendQueueOverflow, detail);
    } else {
      FailHandshake(c, HandshakeFailure::kOther, "send queue overflow: " + detail);
    }
    return false;
  }
  c->queued_bytes += item.cost;
  c->queue.push_back(std::move(item));
  Flush(c);
  return !c->closed;
}

void PeerManager::Impl::Flush(const ConnPtr& c) {
  if (c->writing || c->closed || c->queue.empty()) return;
  if (!c->queue.front().raw && !c->encoder) return;  // frames wait for the session keys
  c->write_buf.clear();
  c->in_flight_cost = 0;
  c->in_flight_frames = 0;
  while (!c->queue.empty() && c->write_buf.size() < kWriteBatchBytes) {
    Outgoing& item = c->queue.front();
    if (item.raw) {
      c->write_buf.insert(c->write_buf.end(), item.payload->begin(), item.payload->end());
    } else {
      if (!c->encoder) break;
      Status s = c->encoder->Encode(item.type, *item.payload, c->write_buf);
      if (!s.ok()) {
        Disconnect(c, DisconnectReason::kLocalError, s.error().ToString());
        return;
      }
      ++c->in_flight_frames;
    }
    c->in_flight_cost += item.cost;
    c->queue.pop_front();
  }
  c->writing = true;
  net::async_write(
      c->socket, net::buffer(c->write_buf),
      [self = shared_from_this(), c](const error_code& ec, size_t n) {
        c->writing = false;
        if (c->closed) return;
        if (ec) {
          if (!c->authenticated) {
            self->FailHandshake(c, HandshakeFailure::kIoError, "write: " + ec.message());
          } else {
            self->Disconnect(c, DisconnectReason::kIoError, "write: " + ec.message());
          }
          return;
        }
        self->counters_.bytes_out.fetch_add(n, std::memory_order_relaxed);
        self->counters_.frames_out.fetch_add(c->in_flight_frames, std::memory_order_relaxed);
        c->queued_bytes -= c->in_flight_cost;
        c->in_flight_cost = 0;
        c->in_flight_frames = 0;
        if (c->write_buf.capacity() > kRetainedWriteBuffer) Bytes().swap(c->write_buf);
        self->Flush(c);
      });
}

void PeerManager::Impl::FailHandshake(const ConnPtr& c, HandshakeFailure failure,
                                      const std::string& detail) {
  if (c->closed) return;
  counters_.handshakes_failed[static_cast<size_t>(failure)].fetch_add(1, std::memory_order_relaxed);
  if (failure == HandshakeFailure::kIoError && c->dialer) {
    // A configured peer that is down: expected while it restarts; backoff.
    spdlog::debug("p2p: dial {} failed: {}", c->remote, detail);
  } else {
    spdlog::warn("p2p: handshake with {} ({}) failed: {}: {}", c->remote,
                 c->role == Role::kInitiator ? "outbound" : "inbound", ToString(failure), detail);
  }
  if (failure == HandshakeFailure::kSelfConnection && c->dialer) {
    // Our own address is in the peer list; dialing it again cannot succeed.
    c->dialer->state = Dialer::State::kDisabled;
  }
  CloseSocket(c);
  AfterClose(c, false);
}

void PeerManager::Impl::Disconnect(const ConnPtr& c, DisconnectReason reason,
                                   const std::string& detail) {
  if (c->closed) return;
  bool was_registered = c->registered;
  CloseSocket(c);
  if (was_registered) {
    peers_.erase(c->peer);
    UpdateSnapshot();
    counters_.disconnects[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    if (reason == DisconnectReason::kShutdown) {
      spdlog::info("p2p: disconnected from {} ({})", Short(c->peer), ToString(reason));
    } else {
      spdlog::warn("p2p: dropped peer {} ({}): {}: {}", Short(c->peer), c->remote, ToString(reason),
                   detail);
    }
    if (callbacks_.on_disconnected) {
      Guarded("on_disconnected", [&] { callbacks_.on_disconnected(c->peer, reason); });
    }
  }
  AfterClose(c, was_registered);
}

void PeerManager::Impl::CloseSocket(const ConnPtr& c) {
  if (c->closed) return;
  c->closed = true;
  error_code ignored;
  c->socket.shutdown(tcp::socket::shutdown_both, ignored);
  c->socket.close(ignored);
  c->handshake_timer.cancel();
  c->ping_timer.cancel();
  if (pending_.erase(c) > 0 && c->role == Role::kResponder) --pending_inbound_;
  c->registered = false;
  c->queue.clear();
  c->queued_bytes = 0;
  c->handshake.reset();
}

void PeerManager::Impl::AfterClose(const ConnPtr& c, bool was_registered) {
  if (stopped_) return;
  if (Dialer* d = c->dialer; d != nullptr && d->conn == c) {
    d->conn.reset();
    if (d->state == Dialer::State::kDialing) d->state = Dialer::State::kIdle;
    if (d->state != Dialer::State::kDisabled) {
      if (d->known_key && peers_.count(*d->known_key)) {
        d->state = Dialer::State::kSatisfied;
      } else {
        if (!c->authenticated) ++d->failures;
        ScheduleDial(*d);
      }
    }
  }
  if (was_registered) {
    // Peers we dial but that were connected through their own dial: our turn.
    for (auto& d : dialers_) {
      if (d->state == Dialer::State::kSatisfied && d->known_key == c->peer && !d->conn) {
        d->state = Dialer::State::kIdle;
        d->failures = 0;
        ScheduleDial(*d);
      }
    }
  }
}

void PeerManager::Impl::UpdateSnapshot() {
  std::vector<PublicKey> keys;
  keys.reserve(peers_.size());
  for (const auto& [k, c] : peers_) keys.push_back(k);
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  snapshot_ = std::move(keys);
}

PeerManager::PeerManager(net::io_context& io, const PrivateKey& key, PeerManagerConfig config,
                         PeerCallbacks callbacks)
    : impl_(std::make_shared<Impl>(io, key, std::move(config), std::move(callbacks))) {}

PeerManager::~PeerManager() {
  impl_->ShutdownNow();
}

Status PeerManager::Start() {
  return impl_->Start();
}
void PeerManager::Stop() {
  impl_->Stop();
}
uint16_t PeerManager::listen_port() const {
  return impl_->listen_port();
}
const PublicKey& PeerManager::node_key() const {
  return impl_->node_key();
}
Status PeerManager::Send(const PublicKey& to, uint8_t type, Bytes payload) {
  return impl_->Send(to, type, std::move(payload));
}
Status PeerManager::Broadcast(uint8_t type, Bytes payload) {
  return impl_->Broadcast(type, std::move(payload));
}
void PeerManager::DropPeer(const PublicKey& peer) {
  impl_->DropPeer(peer);
}
std::vector<PublicKey> PeerManager::ConnectedPeers() const {
  return impl_->ConnectedPeers();
}
const PeerCounters& PeerManager::counters() const {
  return impl_->counters();
}

}  // namespace corridor::p2p

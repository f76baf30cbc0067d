// PeerManager over real sockets on 127.0.0.1 with ephemeral ports. No sleeps:
// every wait is on a condition with a deadline.
#include "p2p/peer_manager.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "tests/support/test_keys.h"

namespace corridor::p2p {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using testing::TestKey;

constexpr char kChain[] = "corridor-p2p-test";
constexpr auto kDeadline = 20s;

struct Received {
  PublicKey from;
  uint8_t type;
  Bytes payload;
};

// Waits until `pred` holds or the deadline passes; true when it holds. Wakes
// on every callback and re-checks at least every 10 ms for conditions on
// counters, which have no callback.
class Waiter {
 public:
  template <typename Pred>
  bool Until(Pred pred, std::chrono::milliseconds deadline = kDeadline) {
    auto end = std::chrono::steady_clock::now() + deadline;
    std::unique_lock<std::mutex> lock(mu_);
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= end) return pred();
      cv_.wait_for(lock, 10ms);
    }
    return true;
  }
  void Notify() { cv_.notify_all(); }
  std::mutex& mu() { return mu_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

Waiter& GlobalWaiter() {
  static Waiter w;
  return w;
}

// One node: its own io_context on its own thread, like corridord.
class TestNode {
 public:
  TestNode(uint8_t key_index, PeerManagerConfig config) : key_(TestKey(key_index)) {
    config_ = std::move(config);
    if (config_.chain_id.empty()) config_.chain_id = kChain;
    PeerCallbacks cb;
    cb.on_message = [this](const PublicKey& from, uint8_t type, Bytes payload) {
      std::lock_guard<std::mutex> lock(GlobalWaiter().mu());
      received_.push_back({from, type, std::move(payload)});
      GlobalWaiter().Notify();
    };
    cb.on_connected = [this](const PublicKey& k) {
      std::lock_guard<std::mutex> lock(GlobalWaiter().mu());
      connects_.push_back(k);
      GlobalWaiter().Notify();
    };
    cb.on_disconnected = [this](const PublicKey& k, DisconnectReason r) {
      std::lock_guard<std::mutex> lock(GlobalWaiter().mu());
      disconnects_.push_back({k, r});
      GlobalWaiter().Notify();
    };
    pm_ = std::make_unique<PeerManager>(io_, key_, config_, std::move(cb));
  }
  ~TestNode() { Shutdown(); }

  void Start() {
    Status s = pm_->Start();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    thread_ = std::thread([this] { io_.run(); });
  }
  void Shutdown() {
    if (!pm_) return;
    pm_->Stop();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    pm_.reset();
  }

  PeerManager& pm() { return *pm_; }
  const PublicKey& key() const { return key_.public_key(); }
  uint16_t port() const { return pm_->listen_port(); }
  PeerAddress Address() const { return PeerAddress{"127.0.0.1", port(), key()}; }
  bool ConnectedTo(const PublicKey& k) const {
    auto peers = pm_->ConnectedPeers();
    return std::find(peers.begin(), peers.end(), k) != peers.end();
  }
  // REQUIRES: GlobalWaiter().mu() held (inside Waiter::Until predicates).
  std::vector<Received> ReceivedFrom(const PublicKey& k, uint8_t type) const {
    std::vector<Received> out;
    for (const auto& r : received_)
      if (r.from == k && r.type == type) out.push_back(r);
    return out;
  }
  size_t DisconnectsFor(const PublicKey& k, DisconnectReason r) const {
    size_t n = 0;
    for (const auto& [key, reason] : disconnects_) n += key == k && reason == r;
    return n;
  }
  size_t disconnect_count() const { return disconnects_.size(); }

 private:
  PrivateKey key_;
  PeerManagerConfig config_;
  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
      net::make_work_guard(io_)};
  std::thread thread_;
  std::unique_ptr<PeerManager> pm_;
  std::vector<Received> received_;
  std::vector<PublicKey> connects_;
  std::vector<std::pair<PublicKey, DisconnectReason>> disconnects_;
};

std::function<bool(const PublicKey&)> AllowKeys(std::set<uint8_t> indices) {
  std::set<PublicKey> keys;
  for (uint8_t i : indices) keys.insert(TestKey(i).public_key());
  return [keys](const PublicKey& k) { return keys.count(k) > 0; };
}

PeerManagerConfig BaseConfig(std::set<uint8_t> allowed) {
  PeerManagerConfig c;
  c.chain_id = kChain;
  c.is_allowed = AllowKeys(std::move(allowed));
  c.reconnect_min_delay = 20ms;
  c.reconnect_max_delay = 300ms;
  c.handshake_timeout = 5s;
  return c;
}

Bytes Index(uint32_t i) {
  return Bytes{uint8_t(i), uint8_t(i >> 8), uint8_t(i >> 16)};
}

// Every connection each node opened or accepted has finished its handshake
// (or failed it), so no duplicate connection can still replace another.
bool Settled(TestNode& n) {
  const PeerCounters& c = n.pm().counters();
  uint64_t failed = 0;
  for (const auto& f : c.handshakes_failed) failed += f.load();
  return c.dials + c.accepted == c.handshakes_ok + failed;
}

// A hand-driven peer on a blocking socket: completes the handshake with
// `key`, then does exactly what the test says (send garbage, never read...).
class RawPeer {
 public:
  explicit RawPeer(uint16_t port, int rcvbuf = 0) : socket_(io_) {
    socket_.open(tcp::v4());
    if (rcvbuf > 0) {
      socket_.set_option(net::socket_base::receive_buffer_size(rcvbuf));
    }
    // Reads give up after the deadline instead of hanging the test.
    timeval tv{static_cast<time_t>(kDeadline.count()), 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  // Runs the handshake as initiator. Returns the error code on failure.
  std::string Handshake(uint8_t key_index, std::set<uint8_t> allowed, std::string chain = kChain) {
    key_ = std::make_unique<PrivateKey>(TestKey(key_index));
    HandshakeConfig hc;
    hc.chain_id = std::move(chain);
    hc.is_allowed = AllowKeys(std::move(allowed));
    hs_ = std::make_unique<p2p::Handshake>(Role::kInitiator, *key_, hc);
    Write(FrameHandshakeMessage(hs_->hello()));
    HandshakeMessageReader reader;
    std::array<uint8_t, 4096> buf{};
    while (!hs_->done()) {
      boost::system::error_code ec;
      size_t n = socket_.read_some(net::buffer(buf), ec);
      if (ec) return "io:" + ec.message();
      reader.Append(ByteSpan(buf.data(), n));
      while (!hs_->done()) {
        auto m = reader.Next();
        if (!m.ok()) return m.error().code;
        if (!*m) break;
        auto reply = hs_->Receive(**m);
        if (!reply.ok()) return reply.error().code;
        if (!reply->empty()) Write(FrameHandshakeMessage(*reply));
      }
    }
    encoder_ = std::make_unique<FrameEncoder>(hs_->send_key(), 1 << 20);
    return "ok";
  }

  void Write(const Bytes& b) {
    boost::system::error_code ec;
    net::write(socket_, net::buffer(b), ec);
  }
  void SendFrame(uint8_t type, const Bytes& payload) {
    Bytes out;
    ASSERT_TRUE(encoder_->Encode(type, payload, out).ok());
    Write(out);
  }
  // Reads until the peer closes; true when it did before the deadline.
  bool ReadUntilClosed(size_t* bytes_before_close = nullptr) {
    std::array<uint8_t, 65536> buf{};
    size_t total = 0;
    while (true) {
      boost::system::error_code ec;
      size_t n = socket_.read_some(net::buffer(buf), ec);
      total += n;
      if (ec == net::error::eof || ec == net::error::connection_reset) {
        if (bytes_before_close) *bytes_before_close = total;
        return true;
      }
      if (ec) return false;  // timeout (EAGAIN) or another error
    }
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  std::unique_ptr<PrivateKey> key_;
  std::unique_ptr<p2p::Handshake> hs_;
  std::unique_ptr<FrameEncoder> encoder_;
};

TEST(PeerManagerTest, SendChecksTypeAndSizeAtOnce) {
  net::io_context io;
  PeerManagerConfig c = BaseConfig({1, 2});
  c.max_frame_bytes = 1024;
  c.send_queue_bytes = 4096;
  PeerManager pm(io, TestKey(1), c, {});
  for (uint8_t t : {0, 1, 2, 15}) {
    Status s = pm.Send(TestKey(2).public_key(), t, Bytes{1});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "reserved_type");
  }
  EXPECT_EQ(pm.Broadcast(3, {}).error().code, "reserved_type");
  EXPECT_EQ(pm.Send(TestKey(2).public_key(), 16, Bytes(1024)).error().code, "frame_too_large");
  EXPECT_TRUE(pm.Send(TestKey(2).public_key(), 16, Bytes(MaxPayloadBytes(1024))).ok());
  EXPECT_TRUE(pm.Send(TestKey(2).public_key(), 255, Bytes{}).ok());
}

TEST(PeerManagerTest, StartRefusesInconsistentLimits) {
  net::io_context io;
  PeerManagerConfig c = BaseConfig({1});
  c.max_frame_bytes = 1 << 20;
  c.send_queue_bytes = 1 << 19;
  PeerManager pm(io, TestKey(1), c, {});
  Status s = pm.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "bad_config");

  PeerManagerConfig d = BaseConfig({1});
  d.chain_id = "";
  PeerManager pm2(io, TestKey(1), d, {});
  EXPECT_EQ(pm2.Start().error().code, "bad_config");
}

TEST(PeerManagerTest, ThreeNodesConnectAndDeliverSendAndBroadcastInOrder) {
  Waiter& w = GlobalWaiter();
  TestNode n1(1, BaseConfig({1, 2, 3}));
  n1.Start();
  PeerManagerConfig c2 = BaseConfig({1, 2, 3});
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();
  PeerManagerConfig c3 = BaseConfig({1, 2, 3});
  c3.peers = {n1.Address(), n2.Address()};
  TestNode n3(3, c3);
  n3.Start();

  ASSERT_TRUE(w.Until([&] {
    return n1.pm().ConnectedPeers().size() == 2 && n2.pm().ConnectedPeers().size() == 2 &&
           n3.pm().ConnectedPeers().size() == 2;
  }));
  EXPECT_EQ(n1.pm().ConnectedPeers(),
            (std::vector<PublicKey>{std::min(n2.key(), n3.key()), std::max(n2.key(), n3.key())}));

  constexpr uint32_t kCount = 200;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(n1.pm().Send(n2.key(), 16, Index(i)).ok());
    ASSERT_TRUE(n3.pm().Broadcast(17, Index(i)).ok());
  }
  ASSERT_TRUE(n2.pm().Send(n3.key(), 200, Bytes(100'000, 0xab)).ok());  // many TCP segments

  ASSERT_TRUE(w.Until([&] {
    return n2.ReceivedFrom(n1.key(), 16).size() == kCount &&
           n1.ReceivedFrom(n3.key(), 17).size() == kCount &&
           n2.ReceivedFrom(n3.key(), 17).size() == kCount &&
           n3.ReceivedFrom(n2.key(), 200).size() == 1;
  }));
  std::lock_guard<std::mutex> lock(w.mu());
  auto direct = n2.ReceivedFrom(n1.key(), 16);
  auto b1 = n1.ReceivedFrom(n3.key(), 17);
  auto b2 = n2.ReceivedFrom(n3.key(), 17);
  for (uint32_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(direct[i].payload, Index(i));
    EXPECT_EQ(b1[i].payload, Index(i));
    EXPECT_EQ(b2[i].payload, Index(i));
  }
  EXPECT_EQ(n3.ReceivedFrom(n2.key(), 200)[0].payload, Bytes(100'000, 0xab));
  // A broadcast does not come back to its sender, and nobody disconnected.
  EXPECT_TRUE(n3.ReceivedFrom(n3.key(), 17).empty());
  EXPECT_EQ(n1.disconnect_count() + n2.disconnect_count() + n3.disconnect_count(), 0u);
  EXPECT_GE(n1.pm().counters().frames_in.load(), kCount);
  EXPECT_GT(n1.pm().counters().bytes_out.load(), 0u);
}

TEST(PeerManagerTest, MutualDialingKeepsOneConnectionPerPeer) {
  Waiter& w = GlobalWaiter();
  // Bind both first (ports known), then let each dial the other.
  PeerManagerConfig c1 = BaseConfig({1, 2});
  PeerManagerConfig c2 = BaseConfig({1, 2});
  net::io_context probe;
  tcp::acceptor a1(probe, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  tcp::acceptor a2(probe, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  c1.listen_port = a1.local_endpoint().port();
  c2.listen_port = a2.local_endpoint().port();
  a1.close();
  a2.close();
  c1.peers = {PeerAddress{"127.0.0.1", c2.listen_port, TestKey(2).public_key()}};
  c2.peers = {PeerAddress{"127.0.0.1", c1.listen_port, TestKey(1).public_key()}};
  TestNode n1(1, c1), n2(2, c2);
  n1.Start();
  n2.Start();
  ASSERT_TRUE(w.Until([&] {
    return n1.ConnectedTo(n2.key()) && n2.ConnectedTo(n1.key()) && Settled(n1) && Settled(n2);
  }));
  EXPECT_EQ(n1.pm().ConnectedPeers().size(), 1u);
  EXPECT_EQ(n2.pm().ConnectedPeers().size(), 1u);
  // While the two connections race, one side may register the connection
  // the other side then closes, and see it end once (remote_closed) before
  // the kept one arrives. Once settled, nothing more may be dropped.
  size_t settled_disconnects = 0;
  {
    std::lock_guard<std::mutex> lock(w.mu());
    settled_disconnects = n1.disconnect_count() + n2.disconnect_count();
  }
  EXPECT_LE(settled_disconnects, 1u);
  for (uint32_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(n1.pm().Send(n2.key(), 20, Index(i)).ok());
    ASSERT_TRUE(n2.pm().Send(n1.key(), 21, Index(i)).ok());
  }
  ASSERT_TRUE(w.Until([&] {
    return n2.ReceivedFrom(n1.key(), 20).size() == 50 && n1.ReceivedFrom(n2.key(), 21).size() == 50;
  }));
  std::lock_guard<std::mutex> lock(w.mu());
  EXPECT_EQ(n1.disconnect_count() + n2.disconnect_count(), settled_disconnects);
  auto got = n2.ReceivedFrom(n1.key(), 20);
  for (uint32_t i = 0; i < 50; ++i) EXPECT_EQ(got[i].payload, Index(i));
}

TEST(PeerManagerTest, UnknownKeyIsRefused) {
  Waiter& w = GlobalWaiter();
  TestNode n1(1, BaseConfig({1, 2}));
  n1.Start();
  PeerManagerConfig c9 = BaseConfig({1});
  c9.peers = {n1.Address()};
  TestNode n9(9, c9);  // a key outside n1's permissioned set
  n9.Start();
  ASSERT_TRUE(w.Until(
      [&] { return n1.pm().counters().handshake_failures(HandshakeFailure::kUnknownPeer) >= 2; }));
  EXPECT_TRUE(n1.pm().ConnectedPeers().empty());
  EXPECT_TRUE(n9.pm().ConnectedPeers().empty());
  EXPECT_EQ(n1.pm().counters().handshakes_ok.load(), 0u);
  // It keeps trying with backoff; the legitimate peer still gets in.
  PeerManagerConfig c2 = BaseConfig({1});
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();
  ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(n2.key()); }));
  EXPECT_EQ(n1.pm().ConnectedPeers().size(), 1u);
}

TEST(PeerManagerTest, WrongChainAndUnexpectedKeyAreRefused) {
  Waiter& w = GlobalWaiter();
  TestNode n1(1, BaseConfig({1, 2, 3}));
  n1.Start();
  PeerManagerConfig c2 = BaseConfig({1});
  c2.chain_id = "another-chain";
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();
  PeerManagerConfig c3 = BaseConfig({1, 4});
  c3.peers = {PeerAddress{"127.0.0.1", n1.port(), TestKey(4).public_key()}};  // wrong key
  TestNode n3(3, c3);
  n3.Start();
  ASSERT_TRUE(w.Until([&] {
    return n1.pm().counters().handshake_failures(HandshakeFailure::kWrongChain) >= 1 &&
           n2.pm().counters().handshake_failures(HandshakeFailure::kWrongChain) >= 1 &&
           n3.pm().counters().handshake_failures(HandshakeFailure::kUnexpectedKey) >= 1;
  }));
  EXPECT_TRUE(n1.pm().ConnectedPeers().empty());
}

TEST(PeerManagerTest, GarbageBytesCloseThatConnectionAndTheNodeKeepsServing) {
  Waiter& w = GlobalWaiter();
  TestNode n1(1, BaseConfig({1, 2, 3}));
  n1.Start();
  PeerManagerConfig c2 = BaseConfig({1});
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();
  ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(n2.key()); }));

  {  // garbage instead of a handshake: a huge length prefix
    RawPeer raw(n1.port());
    raw.Write(Bytes(64, 0xff));
    EXPECT_TRUE(raw.ReadUntilClosed());
  }
  {  // a valid handshake, then a frame that does not authenticate
    RawPeer raw(n1.port());
    ASSERT_EQ(raw.Handshake(3, {1}), "ok");
    ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(TestKey(3).public_key()); }));
    Bytes bogus(4 + 40, 0x5a);
    StoreU32Le(bogus.data(), 40);
    raw.Write(bogus);
    EXPECT_TRUE(raw.ReadUntilClosed());
  }
  {  // a valid handshake, then an authentic frame of a reserved type
    RawPeer raw(n1.port());
    ASSERT_EQ(raw.Handshake(3, {1}), "ok");
    raw.SendFrame(9, Bytes{1, 2, 3});
    EXPECT_TRUE(raw.ReadUntilClosed());
  }
  ASSERT_TRUE(w.Until([&] {
    return n1.DisconnectsFor(TestKey(3).public_key(), DisconnectReason::kMalformedFrame) == 1 &&
           n1.DisconnectsFor(TestKey(3).public_key(), DisconnectReason::kProtocolViolation) == 1;
  }));
  EXPECT_GE(n1.pm().counters().handshake_failures(HandshakeFailure::kMalformed), 1u);
  EXPECT_EQ(n1.pm().counters().disconnects_for(DisconnectReason::kMalformedFrame), 1u);

  // n2 was never disturbed and is still served.
  ASSERT_TRUE(n2.pm().Send(n1.key(), 30, Bytes{7}).ok());
  ASSERT_TRUE(n1.pm().Send(n2.key(), 31, Bytes{8}).ok());
  ASSERT_TRUE(w.Until([&] {
    return n1.ReceivedFrom(n2.key(), 30).size() == 1 && n2.ReceivedFrom(n1.key(), 31).size() == 1;
  }));
  std::lock_guard<std::mutex> lock(w.mu());
  EXPECT_EQ(n2.disconnect_count(), 0u);
}

TEST(PeerManagerTest, APeerThatNeverReadsIsDroppedOnceItsQueuePassesTheBound) {
  Waiter& w = GlobalWaiter();
  PeerManagerConfig c1 = BaseConfig({1, 2, 3});
  c1.max_frame_bytes = 64 * 1024;
  c1.send_queue_bytes = 256 * 1024;
  TestNode n1(1, c1);
  n1.Start();
  PeerManagerConfig c2 = BaseConfig({1});
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();

  ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(n2.key()); }));

  RawPeer slow(n1.port(), /*rcvbuf=*/4096);
  ASSERT_EQ(slow.Handshake(3, {1}), "ok");
  const PublicKey slow_key = TestKey(3).public_key();
  ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(slow_key); }));

  // Send until the bound trips, with at most 16 messages in flight to the io
  // thread so the test itself does not queue unbounded memory.
  const PeerCounters& c = n1.pm().counters();
  uint64_t sent = 0;
  bool dropped = false;
  for (int i = 0; i < 4000 && !dropped; ++i) {
    ASSERT_TRUE(n1.pm().Send(slow_key, 40, Bytes(32 * 1024, 1)).ok());
    ++sent;
    ASSERT_TRUE(w.Until([&] { return sent - c.messages_queued - c.sends_not_connected <= 16; }));
    std::lock_guard<std::mutex> lock(w.mu());
    dropped = n1.DisconnectsFor(slow_key, DisconnectReason::kSendQueueOverflow) > 0;
  }
  ASSERT_TRUE(w.Until(
      [&] { return n1.DisconnectsFor(slow_key, DisconnectReason::kSendQueueOverflow) == 1; }));
  EXPECT_EQ(c.queue_overflow_drops.load(), 1u);
  EXPECT_FALSE(n1.ConnectedTo(slow_key));
  // The other peer is still served.
  EXPECT_TRUE(n1.ConnectedTo(n2.key()));
  ASSERT_TRUE(n1.pm().Send(n2.key(), 41, Bytes{1}).ok());
  ASSERT_TRUE(w.Until([&] { return n2.ReceivedFrom(n1.key(), 41).size() == 1; }));
}

TEST(PeerManagerTest, ARestartedPeerIsReconnectedByBackoff) {
  Waiter& w = GlobalWaiter();
  auto n1 = std::make_unique<TestNode>(1, BaseConfig({1, 2}));
  n1->Start();
  const uint16_t port = n1->port();
  const PublicKey k1 = n1->key();
  PeerManagerConfig c2 = BaseConfig({1});
  c2.peers = {n1->Address()};
  TestNode n2(2, c2);
  n2.Start();
  ASSERT_TRUE(w.Until([&] { return n2.ConnectedTo(k1); }));
  ASSERT_TRUE(n2.pm().Send(k1, 50, Bytes{1}).ok());
  ASSERT_TRUE(w.Until([&] { return n1->ReceivedFrom(n2.key(), 50).size() == 1; }));

  n1->Shutdown();
  ASSERT_TRUE(w.Until([&] { return !n2.ConnectedTo(k1); }));
  const uint64_t dials_before = n2.pm().counters().dials;
  // Let at least one redial fail against the closed port.
  ASSERT_TRUE(w.Until([&] {
    return n2.pm().counters().handshake_failures(HandshakeFailure::kIoError) >= 1 &&
           n2.pm().counters().dials > dials_before;
  }));
  n1.reset();

  PeerManagerConfig again = BaseConfig({1, 2});
  again.listen_port = port;
  TestNode n1b(1, again);
  n1b.Start();
  ASSERT_TRUE(w.Until([&] { return n2.ConnectedTo(k1) && n1b.ConnectedTo(n2.key()); }));
  ASSERT_TRUE(n2.pm().Send(k1, 50, Bytes{2}).ok());
  ASSERT_TRUE(w.Until([&] { return n1b.ReceivedFrom(n2.key(), 50).size() == 1; }));
  std::lock_guard<std::mutex> lock(w.mu());
  EXPECT_EQ(n2.disconnect_count(), 1u);
}

TEST(PeerManagerTest, DropPeerAfterItLeftTheAllowedSetKeepsItOut) {
  Waiter& w = GlobalWaiter();
  auto allow2 = std::make_shared<std::atomic<bool>>(true);
  PeerManagerConfig c1 = BaseConfig({});
  c1.is_allowed = [allow2](const PublicKey& k) {
    return (k == TestKey(2).public_key() && allow2->load()) || k == TestKey(3).public_key();
  };
  TestNode n1(1, c1);
  n1.Start();
  PeerManagerConfig cx = BaseConfig({1});
  cx.peers = {n1.Address()};
  TestNode n2(2, cx), n3(3, cx);
  n2.Start();
  n3.Start();
  ASSERT_TRUE(w.Until([&] { return n1.pm().ConnectedPeers().size() == 2; }));

  allow2->store(false);  // the validator set changed
  n1.pm().DropPeer(n2.key());
  ASSERT_TRUE(
      w.Until([&] { return n1.DisconnectsFor(n2.key(), DisconnectReason::kDroppedByNode) == 1; }));
  // n2 redials (backoff) and is refused from now on; n3 is untouched.
  ASSERT_TRUE(w.Until(
      [&] { return n1.pm().counters().handshake_failures(HandshakeFailure::kUnknownPeer) >= 1; }));
  EXPECT_FALSE(n1.ConnectedTo(n2.key()));
  EXPECT_TRUE(n1.ConnectedTo(n3.key()));
  std::lock_guard<std::mutex> lock(w.mu());
  EXPECT_EQ(n3.disconnect_count(), 0u);
  EXPECT_EQ(n2.DisconnectsFor(n1.key(), DisconnectReason::kRemoteClosed), 1u);
}

TEST(PeerManagerTest, PingsKeepAnIdleLinkAliveAndASilentPeerTimesOut) {
  Waiter& w = GlobalWaiter();
  PeerManagerConfig c1 = BaseConfig({1, 2, 3});
  c1.ping_interval = 30ms;
  c1.idle_timeout = 150ms;
  TestNode n1(1, c1);
  n1.Start();
  PeerManagerConfig c2 = BaseConfig({1});
  c2.ping_interval = 30ms;
  c2.idle_timeout = 150ms;
  c2.peers = {n1.Address()};
  TestNode n2(2, c2);
  n2.Start();
  ASSERT_TRUE(w.Until([&] { return n1.ConnectedTo(n2.key()); }));

  RawPeer silent(n1.port());
  ASSERT_EQ(silent.Handshake(3, {1}), "ok");  // then never sends anything
  ASSERT_TRUE(w.Until([&] {
    return n1.DisconnectsFor(TestKey(3).public_key(), DisconnectReason::kIdleTimeout) == 1;
  }));
  // Meanwhile n1 and n2 exchanged pings well past the idle timeout.
  ASSERT_TRUE(w.Until([&] { return n2.pm().counters().frames_in >= 20; }));
  EXPECT_TRUE(n1.ConnectedTo(n2.key()));
  std::lock_guard<std::mutex> lock(w.mu());
  EXPECT_EQ(n2.disconnect_count(), 0u);
}

TEST(PeerManagerTest, HandshakeTimeoutAndPendingLimit) {
  PeerManagerConfig c1 = BaseConfig({1});
  c1.handshake_timeout = 200ms;
  c1.max_pending_handshakes = 2;
  TestNode n1(1, c1);
  n1.Start();
  RawPeer a(n1.port()), b(n1.port());
  ASSERT_TRUE(GlobalWaiter().Until([&] { return n1.pm().counters().accepted == 2; }));
  RawPeer refused(n1.port());
  size_t before_close = 0;
  EXPECT_TRUE(refused.ReadUntilClosed(&before_close));
  EXPECT_EQ(before_close, 0u);  // closed without even a Hello
  EXPECT_EQ(n1.pm().counters().inbound_refused.load(), 1u);
  // The two that never speak are cut at the handshake deadline (after our Hello).
  EXPECT_TRUE(a.ReadUntilClosed(&before_close));
  EXPECT_GT(before_close, 0u);
  EXPECT_TRUE(b.ReadUntilClosed());
  EXPECT_TRUE(GlobalWaiter().Until(
      [&] { return n1.pm().counters().handshake_failures(HandshakeFailure::kTimeout) == 2; }));
}

}  // namespace
}  // namespace corridor::p2p

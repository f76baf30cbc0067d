// Cluster tests: four real corridord processes on 127.0.0.1, driven over
// JSON-RPC. Blocks with transactions agree everywhere; kill -9 of a
// validator, of the leader, and a long outage followed by block sync.
// Every wait has a deadline; the Process harness kills what is left.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <thread>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cluster_fixture.h"
#include "contracts/genesis.h"
#include "p2p/peer_manager.h"
#include "rpc/client.h"
#include "rpc/ws_client.h"
#include "tests/support/process.h"

namespace corridor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::Process;
using testing::WaitUntil;

TEST_F(Cluster, TransactionsCommitWithIdenticalBlocksOnAllValidators) {
  std::vector<std::string> ids;
  for (uint64_t nonce = 0; nonce < 12; ++nonce) {
    ids.push_back(Submit(nonce % kNodes, "alice", "bob", nonce, 25));
  }
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitUntil([&] { return TxStatus(3, id) == "committed"; }, 30s)) << id;
  }
  ExpectAgreement();
}

TEST_F(Cluster, KillNineOfOneValidatorThenItCatchesUp) {
  procs_[3].Kill();  // SIGKILL: no clean shutdown
  const uint64_t h0 = Height(0).value();
  ASSERT_TRUE(WaitUntil([&] { return Height(0).value_or(0) >= h0 + 5; }, 30s))
      << "three of four validators must keep committing";
  StartNode(3);
  const uint64_t target = Height(0).value() + 1;
  ASSERT_TRUE(WaitUntil([&] { return Height(3).value_or(0) >= target; }, 60s))
      << "restarted validator-4 did not catch up; see " << Home(3) << "/node.log";
  ExpectAgreement();
}

TEST_F(Cluster, KillingTheLeaderCausesOneViewChange) {
  const uint64_t view = View(0).value();
  const size_t leader = view % kNodes;  // validators are validator-1..4 in genesis order
  const size_t watcher = (leader + 1) % kNodes;
  const uint64_t h0 = Height(watcher).value();
  const auto killed = std::chrono::steady_clock::now();
  procs_[leader].Kill();
  // The next block whose certificate is from a later view.
  std::optional<uint64_t> resumed_at;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const uint64_t h = Height(watcher).value_or(0);
        for (uint64_t k = h0 + 1; k <= h; ++k) {
          auto b = Block(watcher, k);
          if (b && b->cert_view > view) {
            resumed_at = k;
            return true;
          }
        }
        return false;
      },
      60s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed);
  std::cout << "killed leader validator-" << leader + 1 << " (view " << view
            << "): commits resumed in view " << Block(watcher, *resumed_at)->cert_view
            << " at height " << *resumed_at << " after " << took.count() << " ms\n";
  StartNode(leader);
  const uint64_t target = Height(watcher).value() + 1;
  ASSERT_TRUE(WaitUntil([&] { return Height(leader).value_or(0) >= target; }, 60s));
  ExpectAgreement();
}

TEST_F(Cluster, ValidatorDownForManyBlocksCatchesUpBySync) {
  procs_[1].Kill();
  const uint64_t h0 = Height(0).value();
  ASSERT_TRUE(WaitUntil([&] { return Height(0).value_or(0) >= h0 + 30; }, 60s));
  const auto restarted = std::chrono::steady_clock::now();
  StartNode(1);
  const uint64_t target = Height(0).value();
  ASSERT_TRUE(WaitUntil([&] { return Height(1).value_or(0) >= target; }, 60s))
      << "see " << Home(1) << "/node.log";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - restarted);
  std::cout << "validator-2 restarted " << target - h0 << " blocks behind, caught up in "
            << took.count() << " ms (process start included)\n";
  ExpectAgreement();
  EXPECT_EQ(Alive(), kNodes);
}

// Reads notifications until `want` events of `topic` arrived or time runs out;
// returns their (height, index) positions and payload ids/hashes.
struct Seen {
  uint64_t height;
  uint64_t index;
  std::string key;
};
std::vector<Seen> ReadEvents(rpc::WsClient& ws, size_t want, std::chrono::milliseconds limit) {
  std::vector<Seen> out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto msg = ws.Receive(500ms);
    if (!msg) continue;
    auto j = rpc::Json::Parse(*msg);
    if (!j || !j->value().HasMember("params")) continue;
    const auto& p = j->value()["params"];
    if (!p.HasMember("result")) continue;
    const auto& r = p["result"];
    out.push_back({p["height"].GetUint64(), p["index"].GetUint64(),
                   r.HasMember("id") ? r["id"].GetString() : r["hash"].GetString()});
  }
  return out;
}

TEST_F(Cluster, SubscriberResumingFromHeightMissesNothing) {
  const std::string url = "ws://127.0.0.1:" + std::to_string(rpc_base_ + 2);
  const std::string bob = Address::FromPublicKey(contracts::DevKey("bob").public_key()).ToString();
  // Bob's payments from the first test onwards, as a reference.
  auto expect_ids = [&](uint64_t from_height) {
    std::vector<std::string> ids;
    const uint64_t h = Height(2).value();
    for (uint64_t k = from_height; k <= h; ++k) {
      rpc::Json p = rpc::Json::Object();
      p.Set("height", k);
      auto b = Call(2, "chain_getBlock", p);
      for (const auto& id : b->value()["transactions"].GetArray()) ids.push_back(id.GetString());
    }
    return ids;
  };
  rpc::WsClient ws;
  ASSERT_TRUE(ws.Connect(url, 5s));
  rpc::Json sub = rpc::Json::Object();
  sub.Set("topic", "transactions");
  sub.Set("fromHeight", uint64_t{1});
  sub.Set("account", bob);
  ASSERT_TRUE(ws.Call("subscribe", sub, 5s));
  const size_t before = expect_ids(1).size();  // every transaction so far pays bob
  auto first = ReadEvents(ws, before, 20s);
  ASSERT_EQ(first.size(), before);
  ws.Close();
  // While disconnected, more payments commit.
  std::vector<std::string> ids;
  const uint64_t alice_nonce = 12;  // the first test used nonces 0..11
  for (uint64_t k = 0; k < 5; ++k)
    ids.push_back(Submit(k % kNodes, "alice", "bob", alice_nonce + k, 1));
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitUntil([&] { return TxStatus(2, id) == "committed"; }, 30s)) << id;
  }
  // Resume from the last height seen: drop what we already have.
  rpc::WsClient again;
  ASSERT_TRUE(again.Connect(url, 5s));
  sub.Set("fromHeight", first.back().height);
  ASSERT_TRUE(again.Call("subscribe", sub, 5s));
  const size_t total = expect_ids(1).size();
  size_t already = 0;
  for (const auto& s : first) already += s.height == first.back().height ? 1 : 0;
  auto second = ReadEvents(again, total - before + already, 20s);
  std::vector<std::string> all;
  for (const auto& s : first) all.push_back(s.key);
  for (const auto& s : second) {
    if (s.height == first.back().height && s.index <= first.back().index) continue;
    all.push_back(s.key);
  }
  EXPECT_EQ(all, expect_ids(1)) << "every transaction once, in order, across the reconnect";
  // Live: the next payment arrives without resubscribing.
  const std::string live = Submit(1, "alice", "bob", alice_nonce + 5, 1);
  auto next = ReadEvents(again, 1, 20s);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].key, live);
}

TEST_F(Cluster, PeerWithAnUnknownKeyIsRefused) {
  boost::asio::io_context io;
  p2p::PeerManagerConfig pc;
  pc.chain_id = "corridor-local";
  pc.listen = false;
  pc.peers.push_back({"127.0.0.1", p2p_base_, std::nullopt});
  pc.is_allowed = [](const PublicKey&) { return true; };
  std::atomic<int> connected{0};
  p2p::PeerCallbacks cb;
  cb.on_connected = [&](const PublicKey&) { ++connected; };
  p2p::PeerManager stranger(io, PrivateKey::Generate(), pc, cb);
  ASSERT_TRUE(stranger.Start());
  std::thread t([&] { io.run(); });
  // Several dial attempts happen in this time; none may be accepted.
  const bool tried = WaitUntil([&] { return stranger.counters().dials.load() >= 2; }, 20s);
  stranger.Stop();
  t.join();
  EXPECT_TRUE(tried);
  EXPECT_EQ(connected.load(), 0) << "validator-1 accepted a key outside the validator set";
  const uint64_t h = Height(0).value();
  EXPECT_TRUE(WaitUntil([&] { return Height(0).value_or(0) >= h + 1; }, 20s));
}

TEST_F(Cluster, GarbageOnTheP2pPortDoesNotDisturbTheNode) {
  const uint64_t h = Height(0).value();
  for (int round = 0; round < 5; ++round) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(p2p_base_);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::vector<uint8_t> junk(4096 * (round + 1));
    for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>(i * 131 + round);
    if (round == 0) junk[0] = junk[1] = junk[2] = junk[3] = 0xff;  // a huge length prefix
    (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
  // Still in consensus with the others: keeps committing, same chain.
  ASSERT_TRUE(WaitUntil([&] { return Height(0).value_or(0) >= h + 3; }, 30s));
  ExpectAgreement();
  EXPECT_EQ(Alive(), kNodes);
}

TEST_F(Cluster, AdminMethodsFromLoopback) {
  auto peers = Call(0, "admin_peers", rpc::Json());
  ASSERT_TRUE(peers.has_value());
  EXPECT_EQ(peers->value()["connected"].Size(), kNodes - 1);
  auto status = Call(0, "admin_nodeStatus", rpc::Json());
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->value()["health"].GetInt(), 200);
  rpc::Json bad = rpc::Json::Object();
  bad.Set("level", "loud");
  auto refused = Rpc(0).Call("admin_setLogLevel", bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, -32602);
  rpc::Json ok = rpc::Json::Object();
  ok.Set("level", "info");
  EXPECT_TRUE(Rpc(0).Call("admin_setLogLevel", ok));
  auto health = Rpc(0).Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
}

}  // namespace
}  // namespace corridor

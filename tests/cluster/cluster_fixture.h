// The cluster fixture: four real corridord validators on 127.0.0.1 (a
// testnet made by `corridord testnet` with the dev genesis), started once per
// test binary, and helpers to call and compare them over JSON-RPC and to run
// the `corridor` wallet CLI against them. A test may start more nodes
// (procs_[4], ... at the next ports and homes); the helpers that look at
// every node cover them too. Every wait has a deadline; the Process harness
// kills what is left.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "contracts/genesis.h"
#include "rpc/client.h"
#include "tests/support/process.h"

namespace corridor {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::Process;
using testing::WaitUntil;

constexpr size_t kNodes = 4;

class Cluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("corridor-cluster-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    // Ports from the pid, so parallel runs on one machine do not collide;
    // the next block of 20 when one of these is taken (another cluster test).
    for (int slot = ::getpid() % 400, tries = 0; tries < 400; ++tries, slot = (slot + 1) % 400) {
      p2p_base_ = static_cast<uint16_t>(21000 + slot * 20);
      rpc_base_ = static_cast<uint16_t>(p2p_base_ + 10);
      if (PortsFree(p2p_base_, 20)) break;
    }
    Process init;
    ASSERT_TRUE(
        init.Start({CORRIDORD, "testnet", "--validators", std::to_string(kNodes), "--dir",
                    dir_.string(), "--p2p-port", std::to_string(p2p_base_), "--rpc-port",
                    std::to_string(rpc_base_), "--empty-block-ms", "300", "--timeout-ms", "1000"},
                   (dir_.string() + "-testnet.log")));
    ASSERT_EQ(init.Wait(60s), 0);
    procs_.resize(kNodes);
    for (size_t i = 0; i < kNodes; ++i) StartNode(i);
    for (size_t i = 0; i < kNodes; ++i) {
      ASSERT_TRUE(WaitUntil([&] { return Height(i).value_or(0) >= 1; }, 60s))
          << "validator-" << i + 1 << " did not commit block 1; see " << Home(i) << "/node.log";
    }
  }

  static void TearDownTestSuite() {
    for (auto& p : procs_) p.Signal(SIGTERM);
    for (auto& p : procs_) {
      if (p.Wait(15s) == -1) p.Kill();
    }
    procs_.clear();
    // (HasFailure() is false here, after the tests: ask the suite instead,
    // so that a failed run keeps its nodes' logs.)
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && !suite->Failed()) fs::remove_all(dir_);
  }

  static bool PortsFree(uint16_t base, int n) {
    for (int i = 0; i < n; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0) return false;
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(base + i));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (!ok) return false;
    }
    return true;
  }

  static std::string Home(size_t i) {
    return (dir_ / ("validator-" + std::to_string(i + 1))).string();
  }
  static void StartNode(size_t i) {
    ASSERT_TRUE(procs_[i].Start({CORRIDORD, "start", "--home", Home(i)}, Home(i) + "/node.log"));
  }
  static rpc::Client Rpc(size_t i) {
    rpc::ClientOptions o;
    o.timeout = 3s;
    return rpc::Client("http://127.0.0.1:" + std::to_string(rpc_base_ + i), o);
  }
  static std::optional<rpc::Json> Call(size_t i, std::string_view method, const rpc::Json& p) {
    auto r = Rpc(i).Call(method, p);
    if (!r) return std::nullopt;
    return std::move(r).value();
  }
  static std::optional<uint64_t> Height(size_t i) {
    auto r = Call(i, "chain_getInfo", rpc::Json());
    if (!r) return std::nullopt;
    return r->value()["height"].GetUint64();
  }
  static std::optional<uint64_t> View(size_t i) {
    auto r = Call(i, "chain_getInfo", rpc::Json());
    if (!r) return std::nullopt;
    return r->value()["view"].GetUint64();
  }
  struct BlockInfo {
    std::string hash;
    uint64_t cert_view = 0;
    uint64_t timestamp = 0;
  };
  static std::optional<BlockInfo> Block(size_t i, uint64_t height) {
    rpc::Json p = rpc::Json::Object();
    p.Set("height", height);
    auto r = Call(i, "chain_getBlock", p);
    if (!r) return std::nullopt;
    const auto& v = r->value();
    return BlockInfo{v["hash"].GetString(), v["certificate"]["view"].GetUint64(),
                     v["header"]["timestamp"].GetUint64()};
  }
  // The validator keys (hex) of the commit certificate of `height`.
  static std::optional<std::vector<std::string>> CertificateSigners(size_t i, uint64_t height) {
    rpc::Json p = rpc::Json::Object();
    p.Set("height", height);
    auto r = Call(i, "chain_getBlock", p);
    if (!r) return std::nullopt;
    std::vector<std::string> keys;
    for (const auto& s : r->value()["certificate"]["signatures"].GetArray()) {
      keys.push_back(s["validator"].GetString());
    }
    return keys;
  }
  static size_t Alive() {
    size_t n = 0;
    for (auto& p : procs_) n += p.running() ? 1 : 0;
    return n;
  }

  // Every running node has every block up to the lowest height among them,
  // with the same hash.
  static void ExpectAgreement() {
    uint64_t min_h = UINT64_MAX;
    for (size_t i = 0; i < procs_.size(); ++i) {
      if (!procs_[i].running()) continue;
      auto h = Height(i);
      ASSERT_TRUE(h.has_value()) << Home(i) << " not answering";
      min_h = std::min(min_h, *h);
    }
    ASSERT_GE(min_h, 1u);
    for (uint64_t h = 1; h <= min_h; ++h) {
      std::optional<std::string> hash;
      for (size_t i = 0; i < procs_.size(); ++i) {
        if (!procs_[i].running()) continue;
        auto b = Block(i, h);
        ASSERT_TRUE(b.has_value()) << Home(i) << " height " << h;
        if (!hash) hash = b->hash;
        ASSERT_EQ(b->hash, *hash) << "fork at height " << h << " on " << Home(i);
      }
    }
  }

  // Runs `corridor --rpc <node i> --keystore <testnet wallet> args...` (the
  // testnet's dev keystore and its documented passphrase), at most 60 s.
  static testing::CommandResult Corridor(size_t i, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {CORRIDOR, "--rpc",
                                     "http://127.0.0.1:" + std::to_string(rpc_base_ + i),
                                     "--keystore", (dir_ / "wallet").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ::setenv("CORRIDOR_PASSPHRASE", "corridor-dev", 1);
    return testing::RunCommand(argv, 60s);
  }

  static std::string Submit(size_t node, const std::string& from, const std::string& to,
                            uint64_t nonce, uint64_t amount) {
    return SubmitOp(
        node, from, nonce,
        Payment{Address::FromPublicKey(contracts::DevKey(to).public_key()), "USD", amount});
  }
  // Signs `op` as dev key `from` with `nonce` (and `memo`) and submits it to
  // `node`; returns the transaction id.
  static std::string SubmitOp(size_t node, const std::string& from, uint64_t nonce, Operation op,
                              std::string memo = "") {
    PrivateKey k = contracts::DevKey(from);
    TxBody b;
    b.chain_id = "corridor-local";
    b.sender = Address::FromPublicKey(k.public_key());
    b.nonce = nonce;
    b.expiry_height = 1'000'000;
    b.op = std::move(op);
    b.memo = std::move(memo);
    auto tx = Transaction::Sign(b, {&k});
    rpc::Json p = rpc::Json::Object();
    p.Set("raw", ToHex(tx->encoded()));
    auto r = Rpc(node).Call("tx_submit", p);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return tx->id().ToHex();
  }
  static std::string TxStatus(size_t node, const std::string& id) {
    rpc::Json p = rpc::Json::Object();
    p.Set("id", id);
    auto r = Call(node, "chain_getTransaction", p);
    if (!r) return "";
    return r->value()["status"].GetString();
  }

  static inline fs::path dir_;
  static inline uint16_t p2p_base_ = 0;
  static inline uint16_t rpc_base_ = 0;
  static inline std::vector<Process> procs_;
};

}  // namespace corridor

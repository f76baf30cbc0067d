// The test double of the `corridor` CLI's world, shared by the wallet CLI
// tests: FakeChain (a node in memory behind NodeConnection), and CliTest (a
// fixture with a temporary keystore holding alice and bob, an Environment
// with a fake clock and in-memory streams, and Run()).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "chain/transaction.h"
#include "wallet/cli.h"
#include "wallet/keystore.h"

namespace corridor::wallet::cli::testing {

inline constexpr ScryptParams kFast{1 << 10, 8, 1};
inline constexpr char kPass[] = "right passphrase";

// A node in memory: one chain, a few accounts and assets, a mempool that
// records what was submitted, and scripted answers for chain_getTransaction.
struct FakeChain {
  using Handler = std::function<rpc::Outcome<rpc::Json>(const rpc::Json& params)>;
  // Answers for methods beyond the built-in ones (or instead of them).
  std::map<std::string, Handler> handlers;
  // The receipt's events once committed or failed (default: none).
  rpc::Json receipt_events = rpc::Json::Array();
  // asset_list: code and decimals.
  std::vector<std::pair<std::string, uint64_t>> assets = {{"EUR", 2}, {"USD", 2}};
  bool unreachable = false;
  uint64_t height = 10;
  std::map<std::string, rpc::Json> accounts;  // address -> account_get result
  std::vector<std::string> calls;             // method names, in order
  std::vector<rpc::Json> params;              // their params
  std::vector<TransactionPtr> submitted;
  // Rejections for the next tx_submit calls: {code or -1, name}.
  std::vector<std::pair<int, std::string>> rejections;
  // Statuses chain_getTransaction answers, in order; the last one repeats.
  std::vector<std::string> statuses = {"pending"};
  uint64_t receipt_code = 0;
  std::string receipt_name = "success";
  size_t status_calls = 0;

  size_t Count(const std::string& method) const {
    return static_cast<size_t>(std::count(calls.begin(), calls.end(), method));
  }

  void AddAccount(const Address& a, uint64_t nonce, const std::string& usd) {
    rpc::Json j = rpc::Json::Object();
    j.Set("address", a.ToString());
    j.Set("height", height);
    j.Set("nonce", nonce);
    j.Set("kycLevel", 2);
    j.Set("frozen", false);
    j.Set("roles", rpc::Json::Array());
    rpc::Json balances = rpc::Json::Array();
    rpc::Json b = rpc::Json::Object();
    b.Set("asset", "USD");
    b.Set("available", usd);
    b.Set("locked", "0.00");
    balances.Push(b);
    j.Set("balances", balances);
    accounts[a.ToString()] = j;
  }

  // Replaces the account's balances by {asset, available} pairs.
  void SetBalances(const Address& a, const std::vector<std::pair<std::string, std::string>>& list) {
    rpc::Json balances = rpc::Json::Array();
    for (const auto& [asset, available] : list) {
      rpc::Json b = rpc::Json::Object();
      b.Set("asset", asset);
      b.Set("available", available);
      b.Set("locked", "0.00");
      balances.Push(b);
    }
    accounts.at(a.ToString()).Set("balances", balances);
  }

  void SetRoles(const Address& a, const std::vector<std::string>& roles) {
    rpc::Json list = rpc::Json::Array();
    for (const auto& r : roles) list.Push(r);
    accounts.at(a.ToString()).Set("roles", list);
  }

  rpc::Outcome<rpc::Json> Call(std::string_view method, const rpc::Json& p) {
    calls.emplace_back(method);
    params.push_back(p);
    if (unreachable) {
      return rpc::RpcError{rpc::kTransportError,
                           "http://127.0.0.1:8545: connect to 127.0.0.1:8545: Connection refused",
                           std::nullopt};
    }
    if (auto h = handlers.find(std::string(method)); h != handlers.end()) return h->second(p);
    if (method == "chain_getInfo") {
      rpc::Json r = rpc::Json::Object();
      r.Set("chainId", "corridor-local");
      r.Set("height", height);
      return r;
    }
    if (method == "asset_list") {
      rpc::Json list = rpc::Json::Array();
      for (const auto& [code, decimals] : assets) {
        rpc::Json a = rpc::Json::Object();
        a.Set("code", code);
        a.Set("decimals", decimals);
        a.Set("frozen", false);
        list.Push(a);
      }
      rpc::Json r = rpc::Json::Object();
      r.Set("assets", list);
      return r;
    }
    if (method == "account_get") {
      auto it = accounts.find(p.value()["address"].GetString());
      if (it == accounts.end()) return rpc::RpcError::NotFound("account is not registered");
      return it->second;
    }
    if (method == "tx_submit") {
      auto raw = FromHex(p.value()["raw"].GetString());
      auto tx = Transaction::Decode(*raw);
      EXPECT_TRUE(tx.ok());
      if (!rejections.empty()) {
        auto [code, name] = rejections.front();
        rejections.erase(rejections.begin());
        rpc::Json data = rpc::Json::Object();
        if (code >= 0) {
          data.Set("code", code);
        } else {
          data.SetNull("code");
        }
        data.Set("name", name);
        return rpc::RpcError{rpc::kTransactionRejected, "refused for the test", data};
      }
      submitted.push_back(*tx);
      rpc::Json r = rpc::Json::Object();
      r.Set("id", (*tx)->id().ToHex());
      r.Set("status", "pending");
      return r;
    }
    if (method == "chain_getTransaction") {
      const std::string& status = statuses[std::min(status_calls++, statuses.size() - 1)];
      rpc::Json r = rpc::Json::Object();
      r.Set("id", p.value()["id"].GetString());
      r.Set("status", status);
      if (status == "committed" || status == "failed") {
        rpc::Json rc = rpc::Json::Object();
        rc.Set("height", height + 1);
        rc.Set("timestamp", uint64_t{1735689601000});
        rc.Set("code", receipt_code);
        rc.Set("codeName", receipt_name);
        rc.Set("events", receipt_events);
        r.Set("receipt", rc);
      }
      return r;
    }
    if (method == "account_getHistory") {
      rpc::Json r = rpc::Json::Object();
      r.Set("entries", rpc::Json::Array());
      r.Set("nextCursor", "7:0");
      return r;
    }
    return rpc::RpcError::MethodNotFound(method);
  }
};

class FakeConnection final : public NodeConnection {
 public:
  explicit FakeConnection(FakeChain& chain) : chain_(chain) {}
  rpc::Outcome<rpc::Json> Call(std::string_view method, const rpc::Json& params) override {
    return chain_.Call(method, params);
  }

 private:
  FakeChain& chain_;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("corridor-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Keystore ks(dir_.string());
    alice_ = PrivateKey::Generate();
    bob_ = PrivateKey::Generate();
    ASSERT_TRUE(ks.Save("alice", alice_, kPass, kFast).ok());
    ASSERT_TRUE(ks.Save("bob", bob_, kPass, kFast).ok());
    chain_.AddAccount(Alice(), 3, "100.00");
    chain_.AddAccount(Bob(), 0, "5.00");

    env_.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
    env_.connect = [this](const std::string& url) -> std::unique_ptr<NodeConnection> {
      urls_.push_back(url);
      return std::make_unique<FakeConnection>(chain_);
    };
    env_.passphrase = [this](const std::string&, bool) -> Result<std::string> {
      ++passphrase_asks_;
      return passphrase_;
    };
    env_.now = [this] { return now_; };
    env_.sleep = [this](std::chrono::milliseconds d) {
      now_ += d;
      ++sleeps_;
    };
    env_.out = &out_;
    env_.err = &err_;
    vars_["CORRIDOR_KEYSTORE"] = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Address Alice() const { return Address::FromPublicKey(alice_.public_key()); }
  Address Bob() const { return Address::FromPublicKey(bob_.public_key()); }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunCli(args, env_);
  }
  std::string Out() const { return out_.str(); }
  std::string Err() const { return err_.str(); }
  // Exactly one line on stderr, containing `fragment`.
  void ExpectOneErrorLine(const std::string& fragment) {
    const std::string e = Err();
    EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << e;
    EXPECT_EQ(e.rfind("corridor: ", 0), 0u) << e;
    EXPECT_NE(e.find(fragment), std::string::npos) << e;
  }

  std::vector<std::string> Pay(const std::string& amount) {
    return {"pay",     "--from", "alice",    "--to", Bob().ToString(),
            "--asset", "USD",    "--amount", amount};
  }

  std::filesystem::path dir_;
  PrivateKey alice_ = PrivateKey::Generate();
  PrivateKey bob_ = PrivateKey::Generate();
  FakeChain chain_;
  Environment env_;
  std::map<std::string, std::string> vars_;
  std::vector<std::string> urls_;
  std::string passphrase_ = kPass;
  int passphrase_asks_ = 0;
  std::chrono::steady_clock::time_point now_{};
  int sleeps_ = 0;
  std::ostringstream out_, err_;
};

}  // namespace corridor::wallet::cli::testing

// corridor-bench: a load generator for a running Corridor network.
//
//   corridor-bench [--rpc URL[,URL...]] [--accounts N] [--txs N] [--window K]
//                  [--batch B] [--chain ID] [--timeout-s S]
//
// 1. Setup (once per network; accounts are deterministic, so reruns reuse
//    them): the dev admin registers N bench accounts and the dev bank funds
//    them with USD.
// 2. Pre-signs --txs payments (each bench account pays another, nonces in
//    order), before the clock starts.
// 3. Streams them with tx_submit in JSON-RPC batches, one thread per RPC
//    endpoint, keeping at most --window transactions of one account in
//    flight (the mempool admits a nonce at most 16 ahead of the account's).
// 4. Watches committed blocks on the first endpoint and reports committed
//    TPS and submit-to-commit latency percentiles.
//
// Uses the public dev keys of the local network (contracts::DevKey): for
// `make run` / `corridord testnet` networks only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chain/address.h"
#include "chain/transaction.h"
#include "contracts/genesis.h"
#include "rpc/client.h"

using namespace corridor;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::vector<std::string> urls = {"http://127.0.0.1:8545", "http://127.0.0.1:8546",
                                   "http://127.0.0.1:8547", "http://127.0.0.1:8548"};
  size_t accounts = 500;
  size_t txs = 20'000;
  size_t window = 12;
  size_t batch = 100;
  std::string chain = "corridor-local";
  uint64_t timeout_s = 300;
};

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "corridor-bench: %s\n", msg.c_str());
  std::exit(1);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf(
          "usage: corridor-bench [--rpc URL[,URL...]] [--accounts N] [--txs N] [--window K]\n"
          "                      [--batch B] [--chain ID] [--timeout-s S]\n");
      std::exit(0);
    }
    if (i + 1 >= argc) Die("missing value after " + a);
    std::string v = argv[++i];
    auto num = [&] {
      char* end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (*end != '\0' || n == 0) Die(a + " needs a positive number");
      return static_cast<size_t>(n);
    };
    if (a == "--rpc") {
      o.urls = Split(v);
    } else if (a == "--accounts") {
      o.accounts = num();
    } else if (a == "--txs") {
      o.txs = num();
    } else if (a == "--window") {
      o.window = std::min<size_t>(num(), 16);
    } else if (a == "--batch") {
      o.batch = std::min<size_t>(num(), 100);
    } else if (a == "--chain") {
      o.chain = v;
    } else if (a == "--timeout-s") {
      o.timeout_s = num();
    } else {
      Die("unknown option " + a);
    }
  }
  if (o.urls.empty()) Die("--rpc needs at least one URL");
  return o;
}

rpc::Json Obj() {
  return rpc::Json::Object();
}

class Node {
 public:
  explicit Node(const std::string& url) : client_(url, Opts()) {}
  static rpc::ClientOptions Opts() {
    rpc::ClientOptions o;
    o.timeout = std::chrono::seconds(30);
    return o;
  }
  rpc::Json Call(std::string_view method, const rpc::Json& params) {
    auto r = client_.Call(method, params);
    if (!r) Die(std::string(method) + ": " + r.error().message);
    return std::move(r).value();
  }
  std::optional<rpc::Json> TryCall(std::string_view method, const rpc::Json& params) {
    auto r = client_.Call(method, params);
    if (!r) return std::nullopt;
    return std::move(r).value();
  }
  uint64_t Height() { return Call("chain_getInfo", rpc::Json()).value()["height"].GetUint64(); }
  std::optional<uint64_t> NextNonce(const Address& a) {
    rpc::Json p = Obj();
    p.Set("address", a.ToString());
    auto r = client_.Call("account_get", p);
    if (!r) return std::nullopt;
    return r->value()["nonce"].GetUint64();
  }
  // Submits raw transactions in one JSON-RPC batch; returns how many were
  // accepted (or already pending) and tallies refusals by name.
  std::vector<bool> SubmitBatch(const std::vector<const Transaction*>& txs,
                                std::map<std::string, size_t>& refused) {
    std::string body = "[";
    for (size_t i = 0; i < txs.size(); ++i) {
      if (i) body += ',';
      body += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
              R"(,"method":"tx_submit","params":{"raw":")" + ToHex(txs[i]->encoded()) + "\"}}";
    }
    body += "]";
    auto reply = client_.Post(body);
    if (!reply) Die("tx_submit batch: " + reply.error().message);
    auto json = rpc::Json::Parse(reply->body);
    if (!json || !json->IsArray()) Die("tx_submit batch: unexpected reply " + reply->body);
    std::vector<bool> ok(txs.size(), false);
    for (const auto& item : json->value().GetArray()) {
      const size_t idx = item.HasMember("id") && item["id"].IsUint64() ? item["id"].GetUint64() : 0;
      if (item.HasMember("result")) {
        if (idx < ok.size()) ok[idx] = true;
      } else {
        const auto& err = item["error"];
        std::string name = "error";
        if (err.HasMember("data") && err["data"].IsObject() && err["data"].HasMember("name")) {
          name = err["data"]["name"].GetString();
        } else if (err.HasMember("message")) {
          name = err["message"].GetString();
        }
        ++refused[name];
      }
    }
    return ok;
  }

 private:
  rpc::Client client_;
};

TxBody Body(const std::string& chain, const Address& sender, uint64_t nonce, Operation op) {
  TxBody b;
  b.chain_id = chain;
  b.sender = sender;
  b.nonce = nonce;
  b.expiry_height = UINT64_MAX / 2;
  b.op = std::move(op);
  return b;
}

// Submits `txs` from one sender (nonces in order), at most 16 at a time, and
// waits for each wave to commit.
void SubmitInWaves(Node& node, const std::vector<TransactionPtr>& txs, const Address& sender,
                   const char* what) {
  for (size_t i = 0; i < txs.size(); i += 16) {
    const size_t end = std::min(txs.size(), i + 16);
    std::vector<const Transaction*> wave;
    for (size_t k = i; k < end; ++k) wave.push_back(txs[k].get());
    std::map<std::string, size_t> refused;
    node.SubmitBatch(wave, refused);
    for (const auto& [name, n] : refused) {
      if (name != "nonce_too_low") Die(std::string(what) + ": " + std::to_string(n) + "× " + name);
    }
    const uint64_t want = txs[end - 1]->body().nonce + 1;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (node.NextNonce(sender).value_or(0) < want) {
      if (Clock::now() > deadline) Die(std::string(what) + ": transactions did not commit in 60 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  Node head(o.urls[0]);
  const auto setup_started = Clock::now();
  std::printf("corridor-bench: %zu endpoints, %zu accounts, %zu payments\n", o.urls.size(),
              o.accounts, o.txs);

  // ---- 1. Setup: register and fund the bench accounts.
  std::vector<PrivateKey> keys;
  std::vector<Address> addrs;
  for (size_t i = 0; i < o.accounts; ++i) {
    keys.push_back(contracts::DevKey("bench-" + std::to_string(i)));
    addrs.push_back(Address::FromPublicKey(keys.back().public_key()));
  }
  std::vector<size_t> missing;
  for (size_t i = 0; i < o.accounts; ++i) {
    if (!head.NextNonce(addrs[i])) missing.push_back(i);
  }
  if (!missing.empty()) {
    std::printf("setup: registering and funding %zu accounts...\n", missing.size());
    PrivateKey admin = contracts::DevKey("admin");
    PrivateKey bank = contracts::DevKey("bank");
    const Address admin_addr = Address::FromPublicKey(admin.public_key());
    const Address bank_addr = Address::FromPublicKey(bank.public_key());
    uint64_t an = head.NextNonce(admin_addr).value_or(0);
    uint64_t bn = head.NextNonce(bank_addr).value_or(0);
    std::vector<TransactionPtr> regs, funds;
    for (size_t i : missing) {
      regs.push_back(
          Transaction::Sign(Body(o.chain, admin_addr, an++,
                                 RegisterAccount{addrs[i], 2, "SG", "bench-" + std::to_string(i)}),
                            {&admin}));
      funds.push_back(Transaction::Sign(
          Body(o.chain, bank_addr, bn++, Payment{addrs[i], "USD", 1'000'000}), {&bank}));
    }
    SubmitInWaves(head, regs, admin_addr, "register");
    SubmitInWaves(head, funds, bank_addr, "fund");
    std::printf("setup took %.1f s\n",
                std::chrono::duration<double>(Clock::now() - setup_started).count());
  }

  // ---- 2. Pre-sign every payment, nonces in order per account.
  std::vector<uint64_t> first_nonce(o.accounts);
  for (size_t i = 0; i < o.accounts; ++i) first_nonce[i] = head.NextNonce(addrs[i]).value_or(0);
  std::vector<std::vector<TransactionPtr>> per_account(o.accounts);
  for (size_t k = 0; k < o.txs; ++k) {
    const size_t from = k % o.accounts;
    const size_t to = (from + 1 + (k / o.accounts) % (o.accounts - 1)) % o.accounts;
    const uint64_t nonce = first_nonce[from] + per_account[from].size();
    per_account[from].push_back(Transaction::Sign(
        Body(o.chain, addrs[from], nonce, Payment{addrs[to], "USD", 1}), {&keys[from]}));
  }
  std::printf("pre-signed %zu payments from %zu accounts\n", o.txs, o.accounts);

  // ---- 3/4. Stream, and watch commits.
  std::mutex mu;
  std::unordered_map<Hash, Clock::time_point> submitted_at;
  std::vector<size_t> next_index(o.accounts, 0);   // next tx to submit per account
  std::vector<size_t> committed_n(o.accounts, 0);  // committed per account
  std::unordered_map<Hash, size_t> owner;          // tx id -> account
  for (size_t a = 0; a < o.accounts; ++a) {
    for (const auto& tx : per_account[a]) owner[tx->id()] = a;
  }
  std::vector<double> latencies_ms;
  std::map<std::string, size_t> refused_total;
  std::atomic<size_t> committed{0};
  std::atomic<bool> done{false};
  const uint64_t start_height = head.Height();
  const auto t0 = Clock::now();

  auto submitter = [&](size_t t) {
    Node node(o.urls[t]);
    size_t cursor = t;  // accounts handled by this thread: cursor, cursor + T, ...
    while (!done) {
      std::vector<const Transaction*> batch;
      std::vector<std::pair<size_t, size_t>> where;  // (account, index) per batch entry
      {
        std::lock_guard<std::mutex> lock(mu);
        for (size_t scanned = 0; scanned < o.accounts && batch.size() < o.batch; ++scanned) {
          const size_t a = cursor;
          cursor = (cursor + o.urls.size()) % o.accounts;
          if (a % o.urls.size() != t) continue;
          while (batch.size() < o.batch && next_index[a] < per_account[a].size() &&
                 next_index[a] - committed_n[a] < o.window) {
            where.emplace_back(a, next_index[a]);
            const auto& tx = per_account[a][next_index[a]++];
            submitted_at.emplace(tx->id(), Clock::now());  // first submission counts
            batch.push_back(tx.get());
          }
        }
      }
      if (batch.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      std::map<std::string, size_t> refused;
      const std::vector<bool> ok = node.SubmitBatch(batch, refused);
      if (!refused.empty()) {
        // Transient refusals (this node has not yet seen the block that
        // freed the nonce, the mempool is full): send again from there.
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& [k, v] : refused) refused_total[k] += v;
        for (size_t i = 0; i < ok.size(); ++i) {
          if (!ok[i]) {
            auto [a, idx] = where[i];
            next_index[a] = std::max(std::min(next_index[a], idx), committed_n[a]);
          }
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < o.urls.size() && t < o.accounts; ++t) threads.emplace_back(submitter, t);

  uint64_t seen = start_height;
  uint64_t blocks = 0, max_block = 0;
  Clock::time_point last_commit = t0;
  const auto deadline = t0 + std::chrono::seconds(o.timeout_s);
  while (committed < o.txs && Clock::now() < deadline) {
    const uint64_t h = head.Height();
    for (uint64_t k = seen + 1; k <= h; ++k) {
      rpc::Json p = Obj();
      p.Set("height", k);
      auto block = head.Call("chain_getBlock", p);
      const auto now = Clock::now();
      const auto& ids = block.value()["transactions"];
      size_t here = 0;
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& idv : ids.GetArray()) {
        auto id = Hash::FromHex(idv.GetString());
        if (!id) continue;
        auto it = submitted_at.find(*id);
        if (it == submitted_at.end()) continue;
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        submitted_at.erase(it);
        ++committed_n[owner[*id]];
        ++committed;
        ++here;
      }
      if (here) {
        ++blocks;
        max_block = std::max<uint64_t>(max_block, here);
        last_commit = now;
      }
    }
    seen = h;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  done = true;
  for (auto& t : threads) t.join();

  const double secs = std::chrono::duration<double>(last_commit - t0).count();
  std::printf("\ncommitted %zu of %zu payments in %.2f s over %llu blocks (largest %llu)\n",
              committed.load(), o.txs, secs, static_cast<unsigned long long>(blocks),
              static_cast<unsigned long long>(max_block));
  std::printf("committed TPS: %.0f\n", secs > 0 ? static_cast<double>(committed) / secs : 0.0);
  std::vector<double> lat = latencies_ms;
  std::sort(lat.begin(), lat.end());
  const double p50 = Percentile(lat, 0.50), p90 = Percentile(lat, 0.90),
               p99 = Percentile(lat, 0.99), max = lat.empty() ? 0.0 : lat.back();
  std::printf("submit-to-commit latency: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms\n", p50,
              p90, p99, max);
  for (const auto& [name, n] : refused_total) {
    std::printf("refused and sent again: %zu × %s\n", n, name.c_str());
  }
  return committed == o.txs ? 0 : 1;
}

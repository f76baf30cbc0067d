// Throughput and latency of a trivial JSON-RPC method over HTTP keep-alive.
// Not a test: run by hand, e.g.
//   build/dev/tests/rpc/rpc_http_bench --clients 4 --seconds 5
// Prints requests/s and p50/p90/p99/max latency. Server and clients share the
// machine, so the figure is a lower bound for the server alone.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "rpc/client.h"
#include "rpc/server.h"

using namespace corridor::rpc;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int clients = 4;
  double seconds = 5;
  unsigned workers = 2;
  unsigned io_threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--clients")) clients = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--workers")) workers = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--io-threads"))
      io_threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  ServerConfig config;
  config.port = 0;
  config.io_threads = io_threads;
  config.worker_threads = workers;
  config.limits.rate_per_second = 0;
  Server server(config);
  (void)server.Register("chain_ping", [](const Params&, const CallContext&) -> MethodResult {
    Json r = Json::Object();
    r.Set("height", uint64_t{12345});
    return r;
  });
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "start: %s\n", st.error().ToString().c_str());
    return 1;
  }
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::vector<std::vector<uint32_t>> latencies_us(clients);
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(url);
      auto& lat = latencies_us[c];
      lat.reserve(1 << 20);
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        auto r = client.Call("chain_ping");
        auto t1 = Clock::now();
        if (!r.ok()) {
          errors++;
          continue;
        }
        lat.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<uint32_t> all;
  for (auto& l : latencies_us) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    if (all.empty()) return 0u;
    return all[std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "clients=%d io_threads=%u workers=%u seconds=%.1f requests=%zu errors=%llu\n"
      "throughput=%.0f req/s  latency_us p50=%u p90=%u p99=%u max=%u\n",
      clients, io_threads, workers, elapsed, all.size(),
      static_cast<unsigned long long>(errors.load()), static_cast<double>(all.size()) / elapsed,
      pct(0.50), pct(0.90), pct(0.99), all.empty() ? 0u : all.back());
  server.Stop();
  return errors.load() == 0 ? 0 : 1;
}

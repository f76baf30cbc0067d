// LatencyHistogram: durations counted into fixed buckets, for the
// Prometheus histograms of /metrics (RPC latency per method, block execution
// and storage, consensus phases). It lives in chain/ because every module
// links chain and several of them time things; it has no dependencies.
//
// Observations are microseconds; buckets are upper bounds in microseconds
// (Prometheus `le`, converted to seconds when rendered). Thread-safety:
// Observe and Snapshot may run concurrently (relaxed atomics: a snapshot may
// miss an observation in flight, never tears a counter).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace corridor {

// 0.5 ms .. 10 s; everything slower lands in +Inf.
inline constexpr std::array<uint64_t, 14> kLatencyBucketsMicros = {
    500,     1'000,   2'500,   5'000,     10'000,    25'000,    50'000,
    100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};

// A copy of the counters, cumulative per bucket as Prometheus wants them.
struct HistogramSnapshot {
  std::array<uint64_t, kLatencyBucketsMicros.size()> cumulative{};  // count <= bucket bound
  uint64_t count = 0;                                               // every observation (+Inf)
  uint64_t sum_micros = 0;
};

class LatencyHistogram {
 public:
  void Observe(uint64_t micros) {
    size_t i = 0;
    while (i < kLatencyBucketsMicros.size() && micros > kLatencyBucketsMicros[i]) ++i;
    if (i < kLatencyBucketsMicros.size()) buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(micros, std::memory_order_relaxed);
  }

  HistogramSnapshot Snapshot() const {
    HistogramSnapshot s;
    uint64_t running = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative[i] = running;
    }
    s.count = count_.load(std::memory_order_relaxed);
    if (s.count < running) s.count = running;  // an Observe in flight
    s.sum_micros = sum_micros_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::array<std::atomic<uint64_t>, kLatencyBucketsMicros.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

}  // namespace corridor

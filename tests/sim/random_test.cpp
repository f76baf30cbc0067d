// Random fault schedules (tests/sim/sim.h): each seed builds a schedule of
// network chaos, partitions, crashes with WAL loss and up to f Byzantine
// nodes — a third of them also a validator set change (one key leaves, one
// joins) — runs it and checks agreement, validity, certificates (against
// the set of their height) and liveness (past the change).
//
// Environment: CORRIDOR_SIM_N (validators, default 4), CORRIDOR_SIM_FIRST and
// CORRIDOR_SIM_COUNT (the seed range), or CORRIDOR_SIM_SEED to replay one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/sim/sim.h"

namespace corridor::sim {
namespace {

uint64_t Env(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST(SimRandom, InvariantsHoldForEverySeed) {
  const size_t n = Env("CORRIDOR_SIM_N", 4);
  uint64_t first = Env("CORRIDOR_SIM_FIRST", 1);
  uint64_t count = Env("CORRIDOR_SIM_COUNT", 50);
  if (std::getenv("CORRIDOR_SIM_SEED")) {
    first = Env("CORRIDOR_SIM_SEED", 1);
    count = 1;
  }
  uint64_t blocks = 0, messages = 0, view_changes = 0, failures = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    SimConfig config = RandomConfig(seed, n);
    Simulation sim(config);
    RunResult r = sim.Run();
    blocks += r.stats.max_height;
    messages += r.stats.messages_sent;
    view_changes += r.stats.view_changes;
    if (!r.ok) {
      ++failures;
      ADD_FAILURE() << r.error << "\n  schedule: " << Describe(config)
                    << "\n  replay: CORRIDOR_SIM_N=" << n << " CORRIDOR_SIM_SEED=" << seed
                    << " build/dev/tests/sim/sim_random_test";
      if (failures >= 5) break;
    }
  }
  std::cout << "n=" << n << " seeds " << first << ".." << first + count - 1 << ": " << blocks
            << " blocks committed, " << messages << " messages, " << view_changes
            << " view changes\n";
}

}  // namespace
}  // namespace corridor::sim

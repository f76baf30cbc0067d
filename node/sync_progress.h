// Catch-up progress of a node that is behind its peers: what chain_getInfo
// reports as "syncProgress", what /health says while syncing and what the
// progress log line shows (docs/operations.md "Stopping, crashes and
// catch-up"). The rate is over the blocks adopted since syncing began;
// display only, never used to decide anything.
#pragma once

#include <cstdint>

namespace corridor::node {

struct SyncProgress {
  uint64_t started_height = 0;  // last committed height when syncing began
  uint64_t started_ms = 0;      // scheduler time then
  uint64_t target_height = 0;   // the height peers have reached
  uint64_t blocks_behind = 0;
  double blocks_per_second = 0;  // 0 until a block was adopted
  double txs_per_second = 0;
  uint64_t eta_seconds = 0;  // 0 when the rate is not known yet
};

}  // namespace corridor::node

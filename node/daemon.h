// The corridord process: `start` (run a node until SIGINT/SIGTERM) and
// `testnet` (generate a local network's homes). docs/operations.md.
#pragma once

#include <cstdint>
#include <string>

#include "chain/result.h"
#include "node/config.h"

namespace corridor::node {

// Runs the node of `config` until SIGINT or SIGTERM; returns the exit code.
// Threads: one for the network (P2P I/O, signals), one for the node core
// (consensus, execution, storage), and the RPC server's own workers.
int RunNode(const Config& config);

struct TestnetOptions {
  size_t validators = 4;
  std::string dir;
  std::string host = "127.0.0.1";
  uint16_t p2p_base_port = 30300;
  uint16_t rpc_base_port = 8545;
  // An empty block at most this often (blocks with transactions come every
  // block_interval_ms while transactions wait).
  uint64_t empty_block_interval_ms = 2'000;
  uint64_t base_timeout_ms = 1'000;
  // Development accounts' keystores are encrypted with this (documented:
  // the keys are public dev keys anyway, see contracts::DevKey).
  std::string wallet_passphrase = "corridor-dev";
};

// Writes <dir>/genesis.json, <dir>/validator-<i>/ (config.toml, node_key.json,
// genesis.json) and <dir>/wallet/ (keystores of the funded dev accounts).
// Refuses to touch a directory that already holds a network ("exists").
Status CreateTestnet(const TestnetOptions& options, std::string& summary);

}  // namespace corridor::node

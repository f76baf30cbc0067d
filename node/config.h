// corridord configuration: `<home>/config.toml` (docs/configuration.md).
//
// Every option has a default that works for the local network, so a config
// file may be empty. Parsing is strict: unknown keys, wrong types and
// out-of-range values are errors that name the key, so a typo never silently
// falls back to a default. Relative paths are resolved against the home dir.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace corridor::node {

struct PeerConfig {
  std::string host;
  uint16_t port = 0;
  PublicKey key;  // the peer's node key; a different key at this address is refused
};

struct Config {
  std::string home;

  // [node]
  std::string moniker = "corridor-node";
  std::string log_level = "info";  // trace, debug, info, warn, error
  std::string data_dir = "data";
  std::string genesis_file = "genesis.json";
  std::string key_file = "node_key.json";  // validator + P2P identity key, mode 0600

  // [p2p]
  std::string p2p_host = "127.0.0.1";
  uint16_t p2p_port = 30300;
  std::vector<PeerConfig> peers;
  std::vector<PublicKey> observers;  // non-validator nodes allowed to connect
  uint32_t p2p_max_frame_bytes = 36 * 1024 * 1024;
  uint32_t p2p_send_queue_bytes = 64 * 1024 * 1024;

  // [rpc]
  bool rpc_enabled = true;
  std::string rpc_host = "127.0.0.1";
  uint16_t rpc_port = 8545;
  std::string rpc_admin_token;  // empty: admin methods from loopback only
  // account_getHistory / account_getStatement only for the account's own
  // keys (a signed request), compliance accounts and admins (docs/rpc.md §8.21).
  bool rpc_private_history = false;
  uint32_t rpc_max_body_bytes = 8 * 1024 * 1024;
  uint32_t rpc_max_batch = 100;
  uint32_t rpc_max_connections = 512;
  uint32_t rpc_requests_per_second_per_ip = 2000;

  // [mempool]
  uint64_t mempool_max_count = 100'000;
  uint64_t mempool_max_bytes = 256ull * 1024 * 1024;
  uint64_t mempool_max_per_account = 1'024;

  // [consensus]
  uint64_t base_timeout_ms = 2'000;  // first view-change timeout; doubles per failed view
  uint64_t max_timeout_ms = 60'000;
  uint64_t block_interval_ms = 200;          // leader waits at most this long to batch transactions
  uint64_t empty_block_interval_ms = 5'000;  // an empty block at most this often
  uint64_t max_block_txs = 10'000;
  uint64_t max_block_bytes = 16ull * 1024 * 1024;

  // [storage]
  uint64_t block_cache_mb = 64;
  uint64_t write_buffer_mb = 32;
  uint64_t max_open_files = 1'000;
  bool compression = true;     // Snappy
  uint64_t retain_blocks = 0;  // 0: keep every block body (archive node)

  // The chain store's options from [storage] (LevelDB tuning, retention).
  ChainStore::Options StoreOptions() const;

  std::string DataPath() const;
  std::string GenesisPath() const;
  std::string KeyPath() const;
};

// Parses TOML text. `home` resolves relative paths.
Result<Config> ParseConfig(std::string_view toml_text, const std::string& home);
// Reads <home>/config.toml (a missing file means all defaults).
Result<Config> LoadConfig(const std::string& home);
// The config file for `c`, every option written out (corridord init/testnet).
std::string RenderConfig(const Config& c);

}  // namespace corridor::node

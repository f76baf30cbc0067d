#include "node/config.h"

// Errors as values, not exceptions (only this file includes toml++).
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace corridor::node {

namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

std::string Resolve(const std::string& home, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return (std::filesystem::path(home) / p).string();
}

class Reader {
 public:
  explicit Reader(const toml::table& root) : root_(root) {}

  // Fails on keys nobody asked for.
  Status CheckUnknown() const {
    for (const auto& [section, node] : root_) {
      std::string s(section.str());
      if (!node.is_table()) return MakeError("bad_config", "'" + s + "' must be a [section]");
      for (const auto& [key, v] : *node.as_table()) {
        std::string full = s + "." + std::string(key.str());
        if (!known_.count(full)) {
          return MakeError("bad_config", "unknown option '" + full + "'");
        }
      }
    }
    return Status::Ok();
  }

  template <typename T>
  void Str(const char* section, const char* key, T& out) {
    Mark(section, key);
    auto n = root_[section][key];
    if (!n) return;
    if (auto v = n.template value<std::string>()) {
      out = *v;
    } else {
      Fail(section, key, "a string");
    }
  }

  template <typename T>
  void Int(const char* section, const char* key, T& out, uint64_t min, uint64_t max) {
    Mark(section, key);
    auto n = root_[section][key];
    if (!n) return;
    auto v = n.template value<int64_t>();
    if (!v || *v < 0 || static_cast<uint64_t>(*v) < min || static_cast<uint64_t>(*v) > max) {
      Fail(section, key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    out = static_cast<T>(*v);
  }

  void Bool(const char* section, const char* key, bool& out) {
    Mark(section, key);
    auto n = root_[section][key];
    if (!n) return;
    if (auto v = n.template value<bool>()) {
      out = *v;
    } else {
      Fail(section, key, "true or false");
    }
  }

  const toml::node_view<const toml::node> Node(const char* section, const char* key) {
    Mark(section, key);
    return root_[section][key];
  }

  void Fail(const std::string& section, const std::string& key, const std::string& want) {
    if (error_.code.empty()) {
      error_ = MakeError("bad_config", "option '" + section + "." + key + "' must be " + want);
    }
  }
  const Error& error() const { return error_; }
  bool ok() const { return error_.code.empty(); }

 private:
  void Mark(const char* section, const char* key) {
    known_.insert(std::string(section) + "." + key);
  }
  const toml::table& root_;
  std::set<std::string> known_;
  Error error_;
};

Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return MakeError("bad_config", "'" + s + "' must be host:port");
  }
  std::string host = s.substr(0, colon);
  std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
      std::stoul(port) > 65535) {
    return MakeError("bad_config", "'" + s + "' has an invalid port");
  }
  return std::make_pair(host, static_cast<uint16_t>(std::stoul(port)));
}

}  // namespace

ChainStore::Options Config::StoreOptions() const {
  ChainStore::Options so;
  so.path = (std::filesystem::path(DataPath()) / "chain").string();
  so.block_cache_bytes = block_cache_mb << 20;
  so.write_buffer_bytes = write_buffer_mb << 20;
  so.max_open_files = static_cast<int>(max_open_files);
  so.compression = compression;
  so.retain_blocks = retain_blocks;
  return so;
}

std::string Config::DataPath() const {
  return Resolve(home, data_dir);
}
std::string Config::GenesisPath() const {
  return Resolve(home, genesis_file);
}
std::string Config::KeyPath() const {
  return Resolve(home, key_file);
}

Result<Config> ParseConfig(std::string_view text, const std::string& home) {
  if (text.size() > kMaxConfigBytes) return MakeError("bad_config", "config file is over 1 MiB");
  toml::parse_result parsed = toml::parse(text);
  if (!parsed) {
    const auto& err = parsed.error();
    std::ostringstream where;
    where << "line " << err.source().begin.line << ", column " << err.source().begin.column;
    return MakeError("bad_config", "config is not valid TOML (" + where.str() +
                                       "): " + std::string(err.description()));
  }
  const toml::table& root = parsed.table();
  Config c;
  c.home = home;
  Reader r(root);

  r.Str("node", "moniker", c.moniker);
  r.Str("node", "log_level", c.log_level);
  r.Str("node", "data_dir", c.data_dir);
  r.Str("node", "genesis_file", c.genesis_file);
  r.Str("node", "key_file", c.key_file);
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.log_level))
    r.Fail("node", "log_level", "one of trace, debug, info, warn, error, off");

  std::string listen;
  r.Str("p2p", "listen", listen);
  if (!listen.empty()) {
    auto hp = SplitHostPort(listen);
    if (!hp) return hp.error();
    c.p2p_host = hp->first;
    c.p2p_port = hp->second;
  }
  if (auto peers = r.Node("p2p", "peers")) {
    const toml::array* arr = peers.as_array();
    if (!arr) return MakeError("bad_config", "option 'p2p.peers' must be an array of tables");
    for (const auto& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) return MakeError("bad_config", "each of 'p2p.peers' must be { address, key }");
      auto addr = (*t)["address"].value<std::string>();
      auto key = (*t)["key"].value<std::string>();
      if (!addr || !key || t->size() != 2) {
        return MakeError("bad_config",
                         "each of 'p2p.peers' must be { address = \"host:port\", key = \"hex\" }");
      }
      auto hp = SplitHostPort(*addr);
      if (!hp) return hp.error();
      auto pk = PublicKey::FromHex(*key);
      if (!pk) return MakeError("bad_config", "peer " + *addr + ": " + pk.error().message);
      c.peers.push_back(PeerConfig{hp->first, hp->second, *pk});
    }
  }
  if (auto obs = r.Node("p2p", "observers")) {
    const toml::array* arr = obs.as_array();
    if (!arr) return MakeError("bad_config", "option 'p2p.observers' must be an array of hex keys");
    for (const auto& item : *arr) {
      auto key = item.value<std::string>();
      auto pk = key ? PublicKey::FromHex(*key)
                    : Result<PublicKey>(MakeError("bad_public_key", "not a string"));
      if (!pk) return MakeError("bad_config", "p2p.observers: " + pk.error().message);
      c.observers.push_back(*pk);
    }
  }
  r.Int("p2p", "max_frame_bytes", c.p2p_max_frame_bytes, 1 << 16, 1u << 30);
  r.Int("p2p", "send_queue_bytes", c.p2p_send_queue_bytes, 1 << 16, 1u << 31);

  r.Bool("rpc", "enabled", c.rpc_enabled);
  std::string rpc_listen;
  r.Str("rpc", "listen", rpc_listen);
  if (!rpc_listen.empty()) {
    auto hp = SplitHostPort(rpc_listen);
    if (!hp) return hp.error();
    c.rpc_host = hp->first;
    c.rpc_port = hp->second;
  }
  r.Str("rpc", "admin_token", c.rpc_admin_token);
  r.Bool("rpc", "private_history", c.rpc_private_history);
  r.Int("rpc", "max_body_bytes", c.rpc_max_body_bytes, 1024, 1u << 30);
  r.Int("rpc", "max_batch", c.rpc_max_batch, 1, 100'000);
  r.Int("rpc", "max_connections", c.rpc_max_connections, 1, 1'000'000);
  r.Int("rpc", "requests_per_second_per_ip", c.rpc_requests_per_second_per_ip, 1, 10'000'000);

  r.Int("mempool", "max_count", c.mempool_max_count, 1, 100'000'000);
  r.Int("mempool", "max_bytes", c.mempool_max_bytes, 1 << 16, 1ull << 40);
  r.Int("mempool", "max_per_account", c.mempool_max_per_account, 1, 1'000'000);

  r.Int("consensus", "base_timeout_ms", c.base_timeout_ms, 50, 3'600'000);
  r.Int("consensus", "max_timeout_ms", c.max_timeout_ms, 50, 86'400'000);
  r.Int("consensus", "block_interval_ms", c.block_interval_ms, 0, 3'600'000);
  r.Int("consensus", "empty_block_interval_ms", c.empty_block_interval_ms, 0, 86'400'000);
  r.Int("consensus", "max_block_txs", c.max_block_txs, 1, 100'000);
  r.Int("consensus", "max_block_bytes", c.max_block_bytes, 1024, 32ull * 1024 * 1024);

  r.Int("storage", "block_cache_mb", c.block_cache_mb, 1, 1 << 20);
  r.Int("storage", "write_buffer_mb", c.write_buffer_mb, 1, 1 << 16);
  r.Int("storage", "max_open_files", c.max_open_files, 64, 1'000'000);
  r.Bool("storage", "compression", c.compression);
  r.Int("storage", "retain_blocks", c.retain_blocks, 0, 1ull << 48);

  if (!r.ok()) return r.error();
  if (Status s = r.CheckUnknown(); !s.ok()) return s.error();
  if (c.max_timeout_ms < c.base_timeout_ms) {
    return MakeError("bad_config", "consensus.max_timeout_ms is below consensus.base_timeout_ms");
  }
  return c;
}

Result<Config> LoadConfig(const std::string& home) {
  std::filesystem::path p = std::filesystem::path(home) / "config.toml";
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return ParseConfig("", home);
  auto size = std::filesystem::file_size(p, ec);
  if (ec || size > kMaxConfigBytes) {
    return MakeError("bad_config", p.string() + " cannot be read or is over 1 MiB");
  }
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = ParseConfig(ss.str(), home);
  if (!c) return MakeError(c.error().code, p.string() + ": " + c.error().message);
  return c;
}

std::string RenderConfig(const Config& c) {
  std::ostringstream o;
  o << "# corridord configuration (docs/configuration.md). Every option shown has its\n"
       "# default or the value chosen by `corridord init` / `corridord testnet`.\n\n";
  o << "[node]\n";
  o << "moniker = \"" << c.moniker << "\"\n";
  o << "log_level = \"" << c.log_level << "\"\n";
  o << "data_dir = \"" << c.data_dir << "\"\n";
  o << "genesis_file = \"" << c.genesis_file << "\"\n";
  o << "key_file = \"" << c.key_file << "\"\n\n";
  o << "[p2p]\n";
  o << "listen = \"" << c.p2p_host << ":" << c.p2p_port << "\"\n";
  o << "peers = [\n";
  for (const auto& p : c.peers) {
    o << "  { address = \"" << p.host << ":" << p.port << "\", key = \"" << p.key.ToHex()
      << "\" },\n";
  }
  o << "]\n";
  o << "observers = [";
  for (size_t i = 0; i < c.observers.size(); ++i) {
    o << (i ? ", " : "") << "\"" << c.observers[i].ToHex() << "\"";
  }
  o << "]\n";
  o << "max_frame_bytes = " << c.p2p_max_frame_bytes << "\n";
  o << "send_queue_bytes = " << c.p2p_send_queue_bytes << "\n\n";
  o << "[rpc]\n";
  o << "enabled = " << (c.rpc_enabled ? "true" : "false") << "\n";
  o << "listen = \"" << c.rpc_host << ":" << c.rpc_port << "\"\n";
  o << "admin_token = \"" << c.rpc_admin_token << "\"\n";
  o << "private_history = " << (c.rpc_private_history ? "true" : "false") << "\n";
  o << "max_body_bytes = " << c.rpc_max_body_bytes << "\n";
  o << "max_batch = " << c.rpc_max_batch << "\n";
  o << "max_connections = " << c.rpc_max_connections << "\n";
  o << "requests_per_second_per_ip = " << c.rpc_requests_per_second_per_ip << "\n\n";
  o << "[mempool]\n";
  o << "max_count = " << c.mempool_max_count << "\n";
  o << "max_bytes = " << c.mempool_max_bytes << "\n";
  o << "max_per_account = " << c.mempool_max_per_account << "\n\n";
  o << "[consensus]\n";
  o << "base_timeout_ms = " << c.base_timeout_ms << "\n";
  o << "max_timeout_ms = " << c.max_timeout_ms << "\n";
  o << "block_interval_ms = " << c.block_interval_ms << "\n";
  o << "empty_block_interval_ms = " << c.empty_block_interval_ms << "\n";
  o << "max_block_txs = " << c.max_block_txs << "\n";
  o << "max_block_bytes = " << c.max_block_bytes << "\n\n";
  o << "[storage]\n";
  o << "block_cache_mb = " << c.block_cache_mb << "\n";
  o << "write_buffer_mb = " << c.write_buffer_mb << "\n";
  o << "max_open_files = " << c.max_open_files << "\n";
  o << "compression = " << (c.compression ? "true" : "false") << "\n";
  o << "# keep the bodies of this many recent blocks; 0 keeps every block (archive)\n";
  o << "retain_blocks = " << c.retain_blocks << "\n";
  return o.str();
}

}  // namespace corridor::node

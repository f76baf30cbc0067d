#include "node/daemon.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "contracts/genesis.h"
#include "node/consensus_wal.h"
#include "node/node_core.h"
#include "node/node_key.h"
#include "node/observe.h"
#include "node/rpc_api.h"
#include "node/rpc_meter.h"
#include "node/rpc_topics.h"
#include "node/store_ops.h"
#include "node/version.h"
#include "p2p/peer_manager.h"
#include "rpc/server.h"
#include "wallet/keystore.h"

namespace corridor::node {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

// Timers on the core thread; wall-clock time for block timestamps.
class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(asio::io_context& io) : io_(io) {}
  uint64_t NowMs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
  void After(uint64_t delay_ms, std::function<void()> fn) override {
    // Timers are created on the core thread: After may be called from RPC
    // threads (gossip), and a timer object is not thread-safe.
    asio::post(io_, [this, delay_ms, fn = std::move(fn)]() mutable {
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay_ms));
      timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
        if (!ec) fn();
      });
    });
  }

 private:
  asio::io_context& io_;
};

class P2pTransport final : public Transport {
 public:
  void Attach(p2p::PeerManager* pm) { pm_ = pm; }
  void Broadcast(uint8_t type, Bytes payload) override {
    p2p::PeerManager* pm = pm_.load();
    if (!pm) return;
    if (auto st = pm->Broadcast(type, std::move(payload)); !st) {
      spdlog::warn("broadcast of message type {} failed: {}", type, st.error().message);
    }
  }
  void Send(const PublicKey& to, uint8_t type, Bytes payload) override {
    p2p::PeerManager* pm = pm_.load();
    if (!pm) return;
    if (auto st = pm->Send(to, type, std::move(payload)); !st) {
      spdlog::warn("send of message type {} to {} failed: {}", type, to.ToHex().substr(0, 12),
                   st.error().message);
    }
  }

 private:
  std::atomic<p2p::PeerManager*> pm_{nullptr};
};

// What the RPC methods see of the running node (thread-safe: NodeCore
// locks, LevelDB reads are safe from any thread).
class DaemonApi final : public NodeApi {
 public:
  DaemonApi(NodeCore& core, const ChainStore& store, std::string chain_id)
      : core_(core), store_(store), chain_id_(std::move(chain_id)) {}
  const ChainStore& chain() const override { return store_; }
  std::string chain_id() const override { return chain_id_; }
  std::vector<PublicKey> validators(uint64_t height) const override {
    return core_.ValidatorsAt(height);
  }
  ConsensusInfo consensus_info() const override {
    const NodeStatus s = core_.GetStatus();
    ConsensusInfo c;
    c.view = s.view;
    c.syncing = s.syncing;
    c.highest_known_height = s.syncing && s.sync_target > 0 ? s.sync_target - 1 : s.height;
    c.sync = s.sync;
    return c;
  }
  SubmitResult SubmitTransaction(const TransactionPtr& tx) override {
    return core_.SubmitTransaction(tx);
  }
  TransactionPtr PendingTransaction(const Hash& id) const override {
    return core_.PendingTransaction(id);
  }

 private:
  NodeCore& core_;
  const ChainStore& store_;
  std::string chain_id_;
};

void SetUpLogging(const Config& c) {
  auto logger = spdlog::stderr_color_mt("corridord");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [" + c.moniker + "] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  spdlog::flush_on(spdlog::level::info);
}

NodeCoreOptions CoreOptions(const Config& c, const std::string& chain_id) {
  NodeCoreOptions o;
  o.chain_id = chain_id;
  o.base_timeout_ms = c.base_timeout_ms;
  o.max_timeout_ms = c.max_timeout_ms;
  o.block_interval_ms = c.block_interval_ms;
  o.empty_block_interval_ms = c.empty_block_interval_ms;
  o.max_block_txs = c.max_block_txs;
  o.max_block_bytes = c.max_block_bytes;
  o.mempool.max_count = c.mempool_max_count;
  o.mempool.max_bytes = c.mempool_max_bytes;
  o.mempool.max_per_account = c.mempool_max_per_account;
  return o;
}

}  // namespace

int RunNode(const Config& config) {
  SetUpLogging(config);
  spdlog::info("corridord {} starting, home {}", kNodeVersion, config.home);

  auto key = ReadNodeKey(config.KeyPath());
  if (!key) {
    spdlog::critical("node key {}: {}", config.KeyPath(), key.error().message);
    return 1;
  }
  auto genesis = contracts::LoadGenesisFile(config.GenesisPath());
  if (!genesis) {
    spdlog::critical("genesis {}: {}", config.GenesisPath(), genesis.error().message);
    return 1;
  }
  std::error_code ec;
  fs::create_directories(config.DataPath(), ec);
  const ChainStore::Options so = config.StoreOptions();
  auto store = ChainStore::Open(so);
  if (!store) {
    spdlog::critical("opening the chain store {}: {}", so.path, store.error().message);
    return 1;
  }
  if (auto st = contracts::InitChain(**store, *genesis); !st) {
    spdlog::critical("genesis: {}", st.error().message);
    return 1;
  }
  std::vector<Bytes> wal_records;
  const std::string wal_path = (fs::path(config.DataPath()) / "consensus.wal").string();
  auto wal = FileWal::Open(wal_path, wal_records);
  if (!wal) {
    spdlog::critical("consensus WAL {}: {}", wal_path, wal.error().message);
    return 1;
  }
  if ((*wal)->truncated_bytes() > 0) {
    spdlog::warn("consensus WAL: cut a torn tail of {} bytes left by a crash",
                 (*wal)->truncated_bytes());
  }

  asio::io_context net_io;   // P2P sockets and signals
  asio::io_context core_io;  // the node core: one thread, in order
  auto core_work = asio::make_work_guard(core_io);
  AsioScheduler scheduler(core_io);
  P2pTransport transport;

  auto core = NodeCore::Open(CoreOptions(config, genesis->chain_id), key->Clone(), **store, **wal,
                             wal_records, scheduler, transport);
  if (!core) {
    spdlog::critical("node core: {}", core.error().message);
    return 1;
  }
  NodeCore& node = **core;
  const auto validators = node.Validators();
  const bool is_validator =
      std::find(validators.begin(), validators.end(), key->public_key()) != validators.end();

  p2p::PeerManagerConfig pc;
  pc.chain_id = genesis->chain_id;
  pc.listen_host = config.p2p_host;
  pc.listen_port = config.p2p_port;
  pc.max_frame_bytes = config.p2p_max_frame_bytes;
  pc.send_queue_bytes = config.p2p_send_queue_bytes;
  for (const auto& p : config.peers) pc.peers.push_back({p.host, p.port, p.key});
  const std::vector<PublicKey> observers = config.observers;
  // Validators of the next height and of every scheduled set: a validator
  // joining at a later height must connect and sync before it takes part.
  pc.is_allowed = [&node, observers](const PublicKey& k) {
    const auto set = node.PeerValidators();
    return std::find(set.begin(), set.end(), k) != set.end() ||
           std::find(observers.begin(), observers.end(), k) != observers.end();
  };
  p2p::PeerCallbacks cb;
  cb.on_message = [&](const PublicKey& from, uint8_t type, Bytes payload) {
    asio::post(core_io, [&node, from, type, payload = std::move(payload)] {
      if (!node.OnPeerMessage(from, type, payload)) {
        spdlog::warn("peer {} sent an undecodable message of type {}", from.ToHex().substr(0, 12),
                     type);
      }
    });
  };
  cb.on_connected = [&](const PublicKey& peer) {
    spdlog::info("peer {} connected", peer.ToHex().substr(0, 12));
    asio::post(core_io, [&node, peer] { node.OnPeerConnected(peer); });
  };
  cb.on_disconnected = [](const PublicKey& peer, p2p::DisconnectReason reason) {
    spdlog::warn("peer {} disconnected: {}", peer.ToHex().substr(0, 12), p2p::ToString(reason));
  };
  p2p::PeerManager peers(net_io, key->Clone(), pc, cb);
  if (auto st = peers.Start(); !st) {
    spdlog::critical("p2p: {}", st.error().message);
    return 1;
  }
  transport.Attach(&peers);

  DaemonApi api(node, **store, genesis->chain_id);
  RpcMeter meter;  // per-method RPC figures for /metrics; outlives the server
  std::unique_ptr<rpc::Server> rpc_server;
  if (config.rpc_enabled) {
    rpc::ServerConfig rc;
    rc.address = config.rpc_host;
    rc.port = config.rpc_port;
    rc.admin_token = config.rpc_admin_token;
    rc.limits.max_body_bytes = config.rpc_max_body_bytes;
    rc.limits.max_batch_length = config.rpc_max_batch;
    rc.limits.max_connections = config.rpc_max_connections;
    rc.limits.rate_per_second = config.rpc_requests_per_second_per_ip;
    rc.limits.rate_burst = 2 * config.rpc_requests_per_second_per_ip;
    rpc_server = std::make_unique<rpc::Server>(rc);
    MeteredRegistry<rpc::Server> metered(*rpc_server, meter);
    RpcApiOptions api_options;
    api_options.private_history = config.rpc_private_history;
    Status st = RegisterRpcMethods(metered, api, api_options);
    if (st) st = rpc_server->RegisterTopic(std::string(kBlocksTopic), MakeBlocksSource(**store));
    if (st) {
      rpc::TopicOptions by_account;
      by_account.account_filter = true;
      st = rpc_server->RegisterTopic(std::string(kTransactionsTopic),
                                     MakeTransactionsSource(**store), by_account);
    }
    if (!st) {
      spdlog::critical("rpc: {}", st.error().message);
      return 1;
    }
    auto observe = [&node, &peers, server = rpc_server.get(), chain = store->get(), &key, &config,
                    &scheduler, &meter] {
      ObservedNode o;
      o.status = node.GetStatus();
      o.now_ms = scheduler.NowMs();
      // The set of now, not of start-up: governance adds and removes this node.
      const auto set = node.Validators();
      o.validators = set.size();
      o.is_validator = std::find(set.begin(), set.end(), key->public_key()) != set.end();
      o.peers_connected = peers.ConnectedPeers().size();
      const auto& counters = peers.counters();
      o.p2p_frames_in = counters.frames_in;
      o.p2p_frames_out = counters.frames_out;
      o.p2p_bytes_in = counters.bytes_in;
      o.p2p_bytes_out = counters.bytes_out;
      o.p2p_handshakes_ok = counters.handshakes_ok;
      for (const auto& f : counters.handshakes_failed) o.p2p_handshakes_failed += f;
      for (const auto& d : counters.disconnects) o.p2p_disconnects += d;
      const rpc::ServerStats rs = server->Stats();
      o.rpc_requests = rs.requests;
      o.rpc_rate_limited = rs.rate_limited;
      o.rpc_connections_open = rs.connections_open;
      o.rpc_websocket_sessions = rs.websocket_sessions;
      o.rpc_methods = meter.Figures();
      o.db_size_bytes = chain->DiskBytes();
      o.stale_after_ms = 3 * (config.empty_block_interval_ms + config.base_timeout_ms) + 10'000;
      return o;
    };
    // Admin methods: loopback or the bearer token (docs/rpc.md "Admin methods").
    rpc::MethodOptions admin;
    admin.admin = true;
    if (st) {
      st = metered.Register(
          "admin_peers",
          [&peers](const rpc::Params& p, const rpc::CallContext&) -> rpc::MethodResult {
            if (auto e = p.RejectUnknown({})) return std::move(*e);
            rpc::Json list = rpc::Json::Array();
            for (const auto& k : peers.ConnectedPeers()) list.Push(k.ToHex());
            rpc::Json r = rpc::Json::Object();
            r.Set("connected", list);
            return r;
          },
          admin);
    }
    if (st) {
      st = metered.Register(
          "admin_nodeStatus",
          [observe](const rpc::Params& p, const rpc::CallContext&) -> rpc::MethodResult {
            if (auto e = p.RejectUnknown({})) return std::move(*e);
            const ObservedNode o = observe();
            const HealthVerdict h = CheckHealth(o);
            rpc::Json r = rpc::Json::Object();
            r.Set("height", o.status.height);
            r.Set("view", o.status.view);
            r.Set("inViewChange", o.status.in_view_change);
            r.Set("syncing", o.status.syncing);
            r.Set("halted", o.status.halted);
            r.Set("haltReason", o.status.halt_reason);
            r.Set("mempoolTransactions", static_cast<uint64_t>(o.status.mempool_txs));
            r.Set("mempoolBytes", static_cast<uint64_t>(o.status.mempool_bytes));
            r.Set("peersConnected", static_cast<uint64_t>(o.peers_connected));
            r.Set("viewChanges", o.status.consensus.view_changes);
            r.Set("equivocations", o.status.consensus.equivocations);
            r.Set("droppedBadSignature", o.status.consensus.dropped_bad_signature);
            r.Set("health", h.http_status);
            return r;
          },
          admin);
    }
    if (st) {
      // A consistent backup from a LevelDB snapshot while blocks commit
      // (docs/backup.md). Runs on an RPC worker; the file is written by this
      // process, so `path` is on this machine.
      st = metered.Register(
          "admin_backup",
          [chain = store->get()](const rpc::Params& p,
                                 const rpc::CallContext&) -> rpc::MethodResult {
            if (auto e = p.RejectUnknown({"path"})) return std::move(*e);
            auto path = p.GetString("path");
            if (!path) return std::move(path).error();
            if (path->empty() || (*path)[0] != '/') {
              return rpc::RpcError::InvalidParams("path must be an absolute file path", "path");
            }
            spdlog::info("backup to {} requested over RPC", *path);
            auto m = WriteBackup(*chain, *path);
            if (!m) {
              spdlog::warn("backup to {} failed: {}", *path, m.error().message);
              return rpc::RpcError{rpc::kUnavailable, "backup failed: " + m.error().message,
                                   std::nullopt};
            }
            spdlog::info("backup at height {} written to {} ({} bytes)", m->height, *path,
                         m->file_bytes);
            return ManifestJson(*m);
          },
          admin);
    }
    if (st) {
      st = metered.Register(
          "admin_setLogLevel",
          [](const rpc::Params& p, const rpc::CallContext&) -> rpc::MethodResult {
            if (auto e = p.RejectUnknown({"level"})) return std::move(*e);
            auto level = p.GetString("level");
            if (!level) return std::move(level).error();
            const auto parsed = spdlog::level::from_str(*level);
            if (parsed == spdlog::level::off && *level != "off") {
              return rpc::RpcError::InvalidParams(
                  "level must be one of trace, debug, info, warn, error, critical, off", "level");
            }
            spdlog::set_level(parsed);
            spdlog::warn("log level set to {} over RPC", *level);
            return rpc::Json::Bool(true);
          },
          admin);
    }
    if (st) {
      st = rpc_server->RegisterHttpGet("/metrics", [observe](const rpc::CallContext&) {
        rpc::HttpResponse r;
        r.content_type = "text/plain; version=0.0.4";
        r.body = RenderMetrics(observe());
        return r;
      });
    }
    if (st) {
      st = rpc_server->RegisterHttpGet("/health", [observe](const rpc::CallContext&) {
        const HealthVerdict v = CheckHealth(observe());
        rpc::HttpResponse r;
        r.status = v.http_status;
        r.body = v.body;
        return r;
      });
    }
    if (!st) {
      spdlog::critical("rpc: {}", st.error().message);
      return 1;
    }
    // Live events, published from the core thread in height order and only
    // after the block is in the store (what a replay reads).
    rpc::Server* server = rpc_server.get();
    const ChainStore* chain = store->get();
    node.SetCommitListener([server, chain](const CommittedBlockEvent& e) {
      server->Publish(kBlocksTopic, BlockTopicEvent(*e.block, chain->StateAt(e.block->height())));
      for (const auto& ev : TransactionTopicEvents(*e.block, e.receipts, chain->state())) {
        server->Publish(kTransactionsTopic, ev);
      }
    });
    if (st = rpc_server->Start(); !st) {
      spdlog::critical("rpc {}:{}: {}", config.rpc_host, config.rpc_port, st.error().message);
      return 1;
    }
  }

  if (auto st = node.Start(); !st) {
    spdlog::critical("consensus: {}", st.error().message);
    return 1;
  }
  const auto status = node.GetStatus();
  spdlog::info("{} {} at height {} (tip {}), p2p {}:{}, {} peers configured",
               is_validator ? "validator" : "observer", key->public_key().ToHex().substr(0, 12),
               status.height, status.tip.ToHex().substr(0, 12), config.p2p_host, config.p2p_port,
               config.peers.size());

  asio::signal_set signals(net_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int sig) {
    if (e) return;
    spdlog::info("signal {}: shutting down", sig);
    if (rpc_server) rpc_server->Stop();
    peers.Stop();
    core_work.reset();
    core_io.stop();  // the task in progress finishes; a commit is one batch
    net_io.stop();
  });

  std::thread core_thread([&] { core_io.run(); });
  net_io.run();
  core_work.reset();
  core_io.stop();
  core_thread.join();
  if (rpc_server) rpc_server->Stop();
  transport.Attach(nullptr);
  spdlog::info("stopped at height {}", node.GetStatus().height);
  return 0;
}

Status CreateTestnet(const TestnetOptions& o, std::string& summary) {
  if (o.validators < 1 || o.validators > 64) {
    return MakeError("bad_usage", "--validators must be between 1 and 64");
  }
  const fs::path dir(o.dir);
  if (fs::exists(dir / "genesis.json")) {
    return MakeError("exists", o.dir + " already holds a network; remove it to start afresh");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError("io", "cannot create " + o.dir + ": " + ec.message());

  contracts::GenesisDoc doc = contracts::DevNetworkGenesis(o.validators);
  const std::string genesis_json = contracts::GenesisToJson(doc);
  std::ofstream(dir / "genesis.json") << genesis_json;

  std::vector<Config> configs(o.validators);
  for (size_t i = 0; i < o.validators; ++i) {
    Config& c = configs[i];
    c.home = (dir / ("validator-" + std::to_string(i + 1))).string();
    c.moniker = "validator-" + std::to_string(i + 1);
    c.p2p_host = o.host;
    c.p2p_port = static_cast<uint16_t>(o.p2p_base_port + i);
    c.rpc_host = o.host;
    c.rpc_port = static_cast<uint16_t>(o.rpc_base_port + i);
    // Short intervals suit a local network: an empty block every 2 s.
    c.base_timeout_ms = o.base_timeout_ms;
    c.empty_block_interval_ms = o.empty_block_interval_ms;
    c.block_interval_ms = 100;
  }
  std::ostringstream s;
  s << "testnet: " << o.validators << " validators, chain " << doc.chain_id << ", in " << o.dir
    << "\n";
  for (size_t i = 0; i < o.validators; ++i) {
    Config& c = configs[i];
    for (size_t j = 0; j < o.validators; ++j) {
      if (j == i) continue;
      c.peers.push_back(PeerConfig{o.host, configs[j].p2p_port,
                                   contracts::DevKey(configs[j].moniker).public_key()});
    }
    fs::create_directories(c.home, ec);
    if (ec) return MakeError("io", "cannot create " + c.home + ": " + ec.message());
    if (auto st = WriteNodeKey(c.KeyPath(), contracts::DevKey(c.moniker)); !st) return st;
    std::ofstream(fs::path(c.home) / "genesis.json") << genesis_json;
    std::ofstream(fs::path(c.home) / "config.toml") << RenderConfig(c);
    s << "  " << c.moniker << ": home " << c.home << ", p2p " << c.p2p_host << ":" << c.p2p_port
      << ", rpc http://" << c.rpc_host << ":" << c.rpc_port << "\n";
  }
  // Funded development accounts, for the wallet.
  wallet::Keystore ks((dir / "wallet").string());
  fs::create_directories(ks.dir(), ec);
  fs::permissions(ks.dir(), fs::perms::owner_all, fs::perm_options::replace, ec);
  s << "  wallet keystore " << ks.dir() << " (passphrase \"" << o.wallet_passphrase << "\"):";
  for (const char* name : {"admin", "compliance", "bank", "exchange", "oracle", "alice", "bob"}) {
    if (auto st = ks.Save(name, contracts::DevKey(name), o.wallet_passphrase); !st) return st;
    s << " " << name;
  }
  s << "\n";
  summary = s.str();
  return {};
}

}  // namespace corridor::node

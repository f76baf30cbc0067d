#include "node/store_ops.h"

#include <chrono>
#include <filesystem>
#include <ostream>

#include "contracts/genesis.h"
#include "node/config.h"
#include "node/restore_trust.h"
#include "rpc/client.h"

namespace corridor::node {
namespace {

namespace fs = std::filesystem;

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string Megabytes(uint64_t bytes) {
  const uint64_t tenths = (bytes * 10 + (1 << 19)) >> 20;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

void PrintManifest(const BackupManifest& m, std::ostream& out) {
  out << "  chain        " << m.chain_id << "\n"
      << "  height       " << m.height << "\n"
      << "  block hash   " << m.block_hash.ToHex() << "\n"
      << "  state root   " << m.state_root.ToHex() << "\n"
      << "  bodies from  " << m.bodies_from << "\n"
      << "  file size    " << m.file_bytes << " bytes (" << Megabytes(m.file_bytes) << ")\n";
  for (const auto& s : m.sections) {
    out << "  section " << s.name << ": " << s.records << " records, " << s.bytes
        << " bytes, checksum " << s.checksum.ToHex() << "\n";
  }
}

bool IsLockError(const Error& e) {
  return e.message.find("lock") != std::string::npos;
}

}  // namespace

rpc::Json ManifestJson(const BackupManifest& m) {
  rpc::Json j = rpc::Json::Object();
  j.Set("formatVersion", uint64_t{m.format_version});
  j.Set("chainId", m.chain_id);
  j.Set("height", m.height);
  j.Set("blockHash", m.block_hash.ToHex());
  j.Set("stateRoot", m.state_root.ToHex());
  j.Set("blockTimestamp", m.block_timestamp_ms);
  j.Set("bodiesFrom", m.bodies_from);
  j.Set("fileBytes", m.file_bytes);
  rpc::Json sections = rpc::Json::Array();
  for (const auto& s : m.sections) {
    rpc::Json o = rpc::Json::Object();
    o.Set("name", s.name);
    o.Set("records", s.records);
    o.Set("bytes", s.bytes);
    o.Set("checksum", s.checksum.ToHex());
    sections.Push(o);
  }
  j.Set("sections", sections);
  return j;
}

int BackupCommand(const std::string& home, const std::string& out_path, std::ostream& out,
                  std::ostream& err) {
  auto config = LoadConfig(home);
  if (!config) {
    err << "corridord: " << home << "/config.toml: " << config.error().message << "\n";
    return 2;
  }
  std::error_code ec;
  const std::string target = fs::absolute(out_path, ec).string();
  const auto t0 = std::chrono::steady_clock::now();
  ChainStore::Options so = config->StoreOptions();
  so.create_if_missing = false;
  so.retain_blocks = 0;  // a backup never prunes
  auto store = ChainStore::Open(so);
  if (store) {
    auto m = WriteBackup(**store, target);
    if (!m) {
      err << "corridord: backup failed: " << m.error().message << "\n";
      return 1;
    }
    out << "backup of a stopped node written to " << target << " in " << SecondsSince(t0) << " s\n";
    PrintManifest(*m, out);
    return 0;
  }
  if (!IsLockError(store.error())) {
    err << "corridord: cannot open the chain store " << so.path << ": " << store.error().message
        << "\n";
    return 1;
  }
  // The node is running: it writes the backup from a snapshot itself.
  rpc::ClientOptions co;
  co.timeout = std::chrono::minutes(30);
  co.bearer_token = config->rpc_admin_token;
  const std::string host = config->rpc_host == "0.0.0.0" ? "127.0.0.1" : config->rpc_host;
  rpc::Client client("http://" + host + ":" + std::to_string(config->rpc_port), co);
  rpc::Json params = rpc::Json::Object();
  params.Set("path", target);
  auto r = client.Call("admin_backup", params);
  if (!r) {
    err << "corridord: the node is running (its store is locked) and admin_backup over RPC "
        << "failed: " << r.error().message << "\n";
    return 1;
  }
  out << "backup of the running node written to " << target << " in " << SecondsSince(t0)
      << " s\n  " << r->Serialize() << "\n";
  return 0;
}

int RestoreCommand(const std::string& in_path, const std::string& home, std::ostream& out,
                   std::ostream& err) {
  auto config = LoadConfig(home);
  if (!config) {
    err << "corridord: " << home << "/config.toml: " << config.error().message << "\n";
    return 2;
  }
  auto genesis = contracts::LoadGenesisFile(config->GenesisPath());
  if (!genesis) {
    err << "corridord: restore needs the network's genesis in the home (" << config->GenesisPath()
        << "): " << genesis.error().message << "\n";
    return 2;
  }
  auto trust = RestoreTrust(*genesis);
  if (!trust) {
    err << "corridord: " << config->GenesisPath() << ": " << trust.error().message << "\n";
    return 2;
  }
  RestoreOptions o = std::move(*trust);
  o.in_path = in_path;
  o.store = config->StoreOptions();
  std::error_code ec;
  fs::create_directories(config->DataPath(), ec);
  const auto t0 = std::chrono::steady_clock::now();
  auto report = RestoreBackup(o);
  if (!report) {
    err << "corridord: restore refused (" << report.error().code << "): " << report.error().message
        << "\n";
    return 1;
  }
  out << "restored " << in_path << " into " << o.store.path << " in " << SecondsSince(t0) << " s\n"
      << "  checked: manifest and section checksums, chain id, block hash, state root rebuilt "
         "from "
      << report->state_keys
      << " state values, headers back to this genesis, state history, and the commit "
         "certificate, state and validator set of "
      << report->checkpoints << (report->checkpoints == 1 ? " block" : " blocks")
      << " against the set in force (the last block before each set change, and the "
         "backed-up block)\n"
      << "  validator sets followed from genesis: ";
  if (report->validator_set_changes.empty()) out << "none changed";
  for (size_t i = 0; i < report->validator_set_changes.size(); ++i) {
    out << (i ? ", " : "") << "new set from height " << report->validator_set_changes[i];
  }
  out << "\n";
  PrintManifest(report->manifest, out);
  out << "start the node with: corridord start --home " << home
      << " (it syncs the blocks after height " << report->manifest.height << " from its peers)\n";
  return 0;
}

int VerifyBackupCommand(const std::string& in_path, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  auto m = VerifyBackup(in_path);
  if (!m) {
    err << "corridord: backup " << in_path << " is NOT valid (" << m.error().code
        << "): " << m.error().message << "\n";
    return 1;
  }
  out << "backup " << in_path << ": manifest and every section checksum verified in "
      << SecondsSince(t0) << " s (the state root is checked on restore)\n";
  PrintManifest(*m, out);
  return 0;
}

int CompactCommand(const std::string& home, std::ostream& out, std::ostream& err) {
  auto config = LoadConfig(home);
  if (!config) {
    err << "corridord: " << home << "/config.toml: " << config.error().message << "\n";
    return 2;
  }
  ChainStore::Options so = config->StoreOptions();
  so.create_if_missing = false;
  auto store = ChainStore::Open(so);
  if (!store) {
    err << "corridord: cannot open " << so.path << ": " << store.error().message
        << (IsLockError(store.error()) ? " (stop the node first)" : "") << "\n";
    return 1;
  }
  const uint64_t before = (*store)->DiskBytes();
  const auto t0 = std::chrono::steady_clock::now();
  if (config->retain_blocks > 0) {
    auto pruned = (*store)->Prune(config->retain_blocks);
    if (!pruned) {
      err << "corridord: pruning failed: " << pruned.error().message << "\n";
      return 1;
    }
    out << "pruned " << *pruned << " block bodies (keeping the last " << config->retain_blocks
        << ")\n";
  }
  (*store)->Compact();
  const uint64_t after = (*store)->DiskBytes();
  out << "compacted " << so.path << " in " << SecondsSince(t0) << " s: " << Megabytes(before)
      << " -> " << Megabytes(after) << "\n";
  return 0;
}

}  // namespace corridor::node

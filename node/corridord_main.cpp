// corridord: the Corridor validator daemon (docs/operations.md).
//
//   corridord version
//   corridord init --home DIR [--moniker NAME] [--p2p HOST:PORT] [--rpc HOST:PORT]
//   corridord start --home DIR
//   corridord testnet --validators N --dir DIR [--host H] [--p2p-port P] [--rpc-port P]
//   corridord backup --home DIR --out FILE
//   corridord restore --in FILE --home DIR
//   corridord verify-backup --in FILE
//   corridord compact --home DIR
//
// Exit codes: 0 success, 1 runtime failure, 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "node/config.h"
#include "node/daemon.h"
#include "node/node_key.h"
#include "node/store_ops.h"
#include "node/version.h"

using namespace corridor;
using namespace corridor::node;

namespace {

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;
};

// --name value pairs after the command; returns false on a malformed line.
bool ParseArgs(int argc, char** argv, Args& out, std::string& error) {
  if (argc < 2) {
    error = "missing command";
    return false;
  }
  out.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) {
      error = "expected --flag value, got '" + a + "'";
      return false;
    }
    out.flags[a.substr(2)] = argv[++i];
  }
  return true;
}

void Usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  corridord version\n"
               "  corridord init --home DIR [--moniker NAME] [--p2p HOST:PORT] [--rpc "
               "HOST:PORT]\n"
               "  corridord start --home DIR\n"
               "  corridord testnet --validators N --dir DIR [--host HOST] [--p2p-port BASE] "
               "[--rpc-port BASE]\n"
               "                    [--empty-block-ms MS] [--timeout-ms MS]\n"
               "  corridord backup --home DIR --out FILE     (running or stopped node)\n"
               "  corridord restore --in FILE --home DIR     (into an empty data dir)\n"
               "  corridord verify-backup --in FILE\n"
               "  corridord compact --home DIR               (stopped node: prune, compact)\n");
}

int Fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "corridord: %s\n", msg.c_str());
  return code;
}

int Init(const Args& args) {
  auto it = args.flags.find("home");
  if (it == args.flags.end()) return Fail("init needs --home DIR", 2);
  const std::string home = it->second;
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) return Fail("cannot create " + home + ": " + ec.message());
  if (std::filesystem::exists(std::filesystem::path(home) / "config.toml")) {
    return Fail(home + "/config.toml already exists; refusing to overwrite an initialised home");
  }
  Config c;
  c.home = home;
  if (auto m = args.flags.find("moniker"); m != args.flags.end()) c.moniker = m->second;
  std::string overrides;
  if (auto p = args.flags.find("p2p"); p != args.flags.end()) {
    overrides += "[p2p]\nlisten = \"" + p->second + "\"\n";
  }
  if (auto r = args.flags.find("rpc"); r != args.flags.end()) {
    overrides += "[rpc]\nlisten = \"" + r->second + "\"\n";
  }
  if (!overrides.empty()) {
    auto parsed = ParseConfig(overrides, home);
    if (!parsed) return Fail(parsed.error().message, 2);
    c.p2p_host = parsed->p2p_host;
    c.p2p_port = parsed->p2p_port;
    c.rpc_host = parsed->rpc_host;
    c.rpc_port = parsed->rpc_port;
  }
  PrivateKey key = PrivateKey::Generate();
  if (Status s = WriteNodeKey(c.KeyPath(), key); !s.ok()) return Fail(s.error().message);
  std::ofstream(std::filesystem::path(home) / "config.toml") << RenderConfig(c);
  std::printf("initialised %s\n  node key   %s (public key %s)\n  config     %s/config.toml\n",
              home.c_str(), c.KeyPath().c_str(), key.public_key().ToHex().c_str(), home.c_str());
  return 0;
}

int Start(const Args& args) {
  auto it = args.flags.find("home");
  if (it == args.flags.end()) return Fail("start needs --home DIR", 2);
  auto config = LoadConfig(it->second);
  if (!config) return Fail(it->second + "/config.toml: " + config.error().message, 2);
  return RunNode(*config);
}

bool ParsePort(const Args& args, const char* flag, uint16_t& out, std::string& error) {
  auto it = args.flags.find(flag);
  if (it == args.flags.end()) return true;
  char* end = nullptr;
  const unsigned long v = std::strtoul(it->second.c_str(), &end, 10);
  if (*end != '\0' || v == 0 || v > 65000) {
    error = std::string("--") + flag + " must be a port number";
    return false;
  }
  out = static_cast<uint16_t>(v);
  return true;
}

int Testnet(const Args& args) {
  TestnetOptions o;
  auto dir = args.flags.find("dir");
  if (dir == args.flags.end()) return Fail("testnet needs --dir DIR", 2);
  o.dir = dir->second;
  if (auto v = args.flags.find("validators"); v != args.flags.end()) {
    o.validators = std::strtoul(v->second.c_str(), nullptr, 10);
  }
  if (auto h = args.flags.find("host"); h != args.flags.end()) o.host = h->second;
  if (auto e = args.flags.find("empty-block-ms"); e != args.flags.end()) {
    o.empty_block_interval_ms = std::strtoull(e->second.c_str(), nullptr, 10);
  }
  if (auto t = args.flags.find("timeout-ms"); t != args.flags.end()) {
    o.base_timeout_ms = std::strtoull(t->second.c_str(), nullptr, 10);
    if (o.base_timeout_ms == 0) return Fail("--timeout-ms must be positive", 2);
  }
  std::string error;
  if (!ParsePort(args, "p2p-port", o.p2p_base_port, error) ||
      !ParsePort(args, "rpc-port", o.rpc_base_port, error)) {
    return Fail(error, 2);
  }
  std::string summary;
  if (auto st = CreateTestnet(o, summary); !st) {
    return Fail(st.error().message, st.error().code == "bad_usage" ? 2 : 1);
  }
  std::fputs(summary.c_str(), stdout);
  return 0;
}

// The value of a required flag, or nullptr after printing what is missing.
const std::string* Need(const Args& args, const char* flag) {
  auto it = args.flags.find(flag);
  if (it == args.flags.end()) {
    std::fprintf(stderr, "corridord: %s needs --%s\n", args.command.c_str(), flag);
    return nullptr;
  }
  return &it->second;
}

int StoreCommand(const Args& args) {
  if (args.command == "backup") {
    const std::string* home = Need(args, "home");
    const std::string* out = home ? Need(args, "out") : nullptr;
    return out ? BackupCommand(*home, *out, std::cout, std::cerr) : 2;
  }
  if (args.command == "restore") {
    const std::string* in = Need(args, "in");
    const std::string* home = in ? Need(args, "home") : nullptr;
    return home ? RestoreCommand(*in, *home, std::cout, std::cerr) : 2;
  }
  if (args.command == "verify-backup") {
    const std::string* in = Need(args, "in");
    return in ? VerifyBackupCommand(*in, std::cout, std::cerr) : 2;
  }
  const std::string* home = Need(args, "home");
  return home ? CompactCommand(*home, std::cout, std::cerr) : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, args, error)) {
    Usage();
    return Fail(error, 2);
  }
  if (args.command == "version") {
    std::printf("corridord %s (protocol %d)\n", kNodeVersion, kProtocolVersion);
    return 0;
  }
  if (args.command == "init") return Init(args);
  if (args.command == "start") return Start(args);
  if (args.command == "testnet") return Testnet(args);
  if (args.command == "backup" || args.command == "restore" || args.command == "verify-backup" ||
      args.command == "compact") {
    return StoreCommand(args);
  }
  Usage();
  return Fail("unknown command '" + args.command + "'", 2);
}

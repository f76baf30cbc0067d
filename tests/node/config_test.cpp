#include "node/config.h"

#include <gtest/gtest.h>

namespace corridor::node {
namespace {

TEST(ConfigTest, EmptyFileGivesWorkingDefaults) {
  auto c = ParseConfig("", "/tmp/home");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->p2p_port, 30300);
  EXPECT_EQ(c->rpc_port, 8545);
  EXPECT_EQ(c->DataPath(), "/tmp/home/data");
  EXPECT_EQ(c->GenesisPath(), "/tmp/home/genesis.json");
}

TEST(ConfigTest, RenderedConfigParsesBackIdentically) {
  Config c;
  c.home = "/h";
  c.moniker = "bank-a";
  c.p2p_port = 30301;
  c.peers.push_back({"127.0.0.1", 30302, PrivateKey::Generate().public_key()});
  c.observers.push_back(PrivateKey::Generate().public_key());
  c.rpc_admin_token = "s3cret";
  c.rpc_private_history = true;
  c.max_block_txs = 777;
  auto back = ParseConfig(RenderConfig(c), "/h");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(RenderConfig(*back), RenderConfig(c));
  EXPECT_TRUE(back->rpc_private_history);
  ASSERT_EQ(back->peers.size(), 1u);
  EXPECT_EQ(back->peers[0].key, c.peers[0].key);
  EXPECT_EQ(back->max_block_txs, 777u);
}

TEST(ConfigTest, ErrorsNameTheOption) {
  struct Case {
    const char* text;
    const char* fragment;
  };
  for (const Case& k : {
           Case{"[node]\nlog_levle = \"debug\"\n", "node.log_levle"},
           Case{"[node]\nlog_level = \"loud\"\n", "node.log_level"},
           Case{"[rpc]\nmax_batch = \"ten\"\n", "rpc.max_batch"},
           Case{"[rpc]\nmax_batch = 0\n", "rpc.max_batch"},
           Case{"[p2p]\nlisten = \"127.0.0.1\"\n", "host:port"},
           Case{"[p2p]\nlisten = \"127.0.0.1:70000\"\n", "invalid port"},
           Case{"[p2p]\npeers = [ { address = \"127.0.0.1:1\", key = \"zz\" } ]\n", "peer"},
           Case{"[consensus]\nbase_timeout_ms = 5000\nmax_timeout_ms = 1000\n", "max_timeout_ms"},
           Case{"[node\n", "not valid TOML"},
           Case{"toplevel = 1\n", "section"},
       }) {
    auto c = ParseConfig(k.text, "/h");
    ASSERT_FALSE(c.ok()) << k.text;
    EXPECT_EQ(c.error().code, "bad_config");
    EXPECT_NE(c.error().message.find(k.fragment), std::string::npos)
        << k.text << " -> " << c.error().message;
  }
}

}  // namespace
}  // namespace corridor::node

#include <sys/stat.h>

#include <filesystem>

#include "node/node_key.h"

namespace corridor::node {
namespace {

TEST(NodeKeyTest, WriteReadAndPermissionCheck) {
  auto path = std::filesystem::temp_directory_path() /
              ("corridor-node-key-" + std::to_string(::getpid()) + ".json");
  std::filesystem::remove(path);
  PrivateKey k = PrivateKey::Generate();
  ASSERT_TRUE(WriteNodeKey(path.string(), k).ok());
  EXPECT_EQ(WriteNodeKey(path.string(), k).error().code, "key_exists");
  auto back = ReadNodeKey(path.string());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->public_key(), k.public_key());
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(ReadNodeKey(path.string()).error().code, "insecure_key_file");
  std::filesystem::remove(path);
  EXPECT_EQ(ReadNodeKey(path.string()).error().code, "key_not_found");
}

}  // namespace
}  // namespace corridor::node

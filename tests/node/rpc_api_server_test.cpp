// The node's methods on the real rpc::Server, over HTTP: RegisterRpcMethods
// works on the server as on a bare MethodTable, and a wallet's round trip
// (submit, see it pending, see it committed, read the balance) works end to end.
#include <gtest/gtest.h>

#include "node/rpc_api.h"
#include "rpc/client.h"
#include "rpc/server.h"
#include "rpc_test_node.h"

namespace corridor::node::testing {
namespace {

TEST(RpcApiServerTest, WalletRoundTripOverHttp) {
  TestNode node;
  rpc::ServerConfig config;
  config.port = 0;
  rpc::Server server(config);
  ASSERT_TRUE(RegisterRpcMethods(server, node).ok());
  ASSERT_TRUE(server.Start().ok());
  rpc::Client client("http://127.0.0.1:" + std::to_string(server.port()));

  auto info = client.Call("chain_getInfo");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(Str(info->value(), "chainId"), "corridor-local");

  auto tx = node.Pay("alice", "bob", "USD", 1250, "INV-HTTP");
  rpc::Json params = rpc::Json::Object();
  params.Set("raw", ToHex(tx->encoded()));
  auto submitted = client.Call("tx_submit", params);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_EQ(Str(submitted->value(), "id"), tx->id().ToHex());

  rpc::Json id = rpc::Json::Object();
  id.Set("id", tx->id().ToHex());
  EXPECT_EQ(Str(client.Call("chain_getTransaction", id)->value(), "status"), "pending");
  node.CommitPending();
  EXPECT_EQ(Str(client.Call("chain_getTransaction", id)->value(), "status"), "committed");

  rpc::Json who = rpc::Json::Object();
  who.Set("address", Addr("bob").ToString());
  auto bob = client.Call("account_get", who);
  ASSERT_TRUE(bob.ok()) << bob.error().ToString();
  EXPECT_EQ(Str(bob->value()["balances"][1], "available"), "12.50");

  // A rejection keeps its code and name through the transport.
  auto again_low = node.Pay("alice", "bob", "USD", 1, "", 0);
  TxBody used = again_low->body();
  used.nonce = 0;
  PrivateKey alice = contracts::DevKey("alice");
  rpc::Json bad = rpc::Json::Object();
  bad.Set("raw", ToHex(Transaction::Sign(used, {&alice})->encoded()));
  auto refused = client.Call("tx_submit", bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rpc::kTransactionRejected);
  ASSERT_TRUE(refused.error().data.has_value());
  EXPECT_EQ(Str(refused.error().data->value(), "name"), "nonce_too_low");
  EXPECT_EQ(Str(refused.error().data->value(), "code"), "200");
  server.Stop();
}

}  // namespace
}  // namespace corridor::node::testing

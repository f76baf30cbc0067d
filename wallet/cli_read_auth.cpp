// --as KEY on the read commands: signs a restricted read request
// (docs/rpc.md §8.21) with a key of the keystore.
#include <chrono>

#include "chain/read_request.h"
#include "wallet/cli_signing.h"

namespace corridor::wallet::cli {

CliCheck AddReadAuth(Cli& cli, std::string_view method, const Address& subject, rpc::Json& params) {
  if (!cli.Has("as")) return std::nullopt;  // admin from loopback, or a public read
  auto signer = cli.ResolveAddress("as", cli.Flag("as"));
  if (!signer) return std::move(signer).error();
  auto key = cli.UnlockKey(cli.Flag("as"));
  if (!key) return std::move(key).error();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const auto timestamp = static_cast<uint64_t>(now.count());
  Signature sig = key->Sign(ReadRequestDigest(method, *signer, subject, timestamp));
  rpc::Json auth = rpc::Json::Object();
  auth.Set("signer", signer->ToString());
  auth.Set("publicKey", key->public_key().ToHex());
  auth.Set("timestamp", timestamp);
  auth.Set("signature", sig.ToHex());
  params.Set("auth", auth);
  return std::nullopt;
}

}  // namespace corridor::wallet::cli

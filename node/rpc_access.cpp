// Signed read requests (docs/rpc.md §8.21): who may read an account's
// history and statement when privacy is on, and the compliance methods.
//
// A request is allowed when the call is admin (loopback or the bearer token,
// rpc.md §5), or when its params carry
//   "auth": {"signer": address, "publicKey": hex, "timestamp": ms, "signature": hex}
// with a BIP-340 signature by `publicKey` over
//   TaggedHash("corridor/rpc-auth", string method ‖ addr signer ‖ addr subject ‖ u64 timestamp)
// where the key may sign for `signer` (its default key, or any key of its
// signer list: reading needs no threshold), the timestamp is within
// auth_max_skew_ms of the node's clock, and `signer` is the account whose
// data is asked for or holds the compliance role.
#include <chrono>

#include "chain/read_request.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

RpcError Refused(std::string_view reason, std::string message) {
  RpcError e = RpcError::Unauthorized(std::move(message));
  Json d = Json::Object();
  d.Set("reason", reason);
  e.data = std::move(d);
  return e;
}

uint64_t NowMs(const Context& c) {
  if (c.options.now_ms) return c.options.now_ms();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

bool MaySignFor(const contracts::Account& acc, const Address& signer, const PublicKey& key) {
  if (acc.signers.empty()) return Address::FromPublicKey(key) == signer;
  for (const SignerEntry& s : acc.signers) {
    if (s.key == key) return true;
  }
  return false;
}

}  // namespace

std::optional<RpcError> CheckReadAccess(const Context& c, const Params& p, std::string_view method,
                                        const Address* holder) {
  if (c.call.admin) return std::nullopt;
  const rapidjson::Value* auth = p.Find("auth");
  if (auth == nullptr) {
    return Refused("auth_required",
                   std::string(method) +
                       " needs a signed request: pass 'auth' {signer, "
                       "publicKey, timestamp, signature} signed by " +
                       (holder ? "the account's key or " : "") +
                       "a compliance account's key, or call as admin (docs/rpc.md §8.21)");
  }
  if (!auth->IsObject()) return BadParam("auth", "wrong_type", "param 'auth' must be an object");
  Params a(auth);
  if (auto e = a.RejectUnknown({"signer", "publicKey", "timestamp", "signature"})) {
    return std::move(*e);
  }
  auto signer = a.GetAddress("signer");
  if (!signer) return std::move(signer).error();
  auto key_hex = a.GetString("publicKey");
  if (!key_hex) return std::move(key_hex).error();
  auto timestamp = a.GetUint64("timestamp");
  if (!timestamp) return std::move(timestamp).error();
  auto sig_hex = a.GetString("signature");
  if (!sig_hex) return std::move(sig_hex).error();
  auto key = PublicKey::FromHex(*key_hex);
  if (!key) return BadParam("auth", "bad_hex", "auth.publicKey must be 64 hex characters");
  auto sig = Signature::FromHex(*sig_hex);
  if (!sig) return BadParam("auth", "bad_hex", "auth.signature must be 128 hex characters");

  const uint64_t now = NowMs(c);
  const uint64_t skew = now > *timestamp ? now - *timestamp : *timestamp - now;
  if (skew > c.options.auth_max_skew_ms) {
    return Refused("auth_expired", "auth.timestamp is " + std::to_string(skew) +
                                       " ms from the node's clock (at most " +
                                       std::to_string(c.options.auth_max_skew_ms) +
                                       " allowed): sign again with the current time");
  }
  const Address subject = holder ? *holder : Address{};
  if (!VerifySignature(*key, ReadRequestDigest(method, *signer, subject, *timestamp), *sig)) {
    return Refused("bad_auth_signature",
                   "auth.signature does not verify over (method, signer, subject, timestamp)");
  }
  auto acc = contracts::ReadAccount(c.node.chain().state(), *signer);
  if (!acc) return Refused("unknown_signer", "auth.signer is not a registered account");
  if (!MaySignFor(*acc, *signer, *key)) {
    return Refused("bad_auth_signature", "auth.publicKey may not sign for auth.signer");
  }
  if (holder && *signer == *holder) return std::nullopt;
  if (acc->HasRole(Role::kCompliance)) return std::nullopt;
  return Refused("not_authorized",
                 holder ? "only the account's own keys, a compliance account or an admin may "
                          "read this account's records"
                        : "only a compliance account or an admin may call " + std::string(method));
}

}  // namespace corridor::node::rpc_methods

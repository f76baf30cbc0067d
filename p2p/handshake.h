// The P2P handshake (docs/p2p.md "Handshake"): mutual authentication of two
// nodes by their static BIP-340 node keys and agreement on per-direction
// session keys, as a pure state machine with no sockets, clock or threads.
//
// Both sides run the same machine; only the role (who dialed) differs:
//
//   each side sends  Hello{version, chain_id, node_key, ephemeral X25519 key, nonce}
//   each side, on the peer's Hello, checks it and sends
//                    Auth{BIP-340 signature by node_key over the transcript}
//   each side, on the peer's Auth, verifies it: done.
//
//   transcript  = TaggedHash("corridor/p2p-handshake", initiator Hello || responder Hello)
//   okm(64)     = HKDF-SHA256(ikm = X25519(ephemeral secrets), salt = transcript,
//                             info = "corridor/p2p-session-keys/v1")
//   okm[0..32)  = initiator -> responder key,  okm[32..64) = responder -> initiator key
//
// On the wire each handshake message travels as `u32 LE length || message`
// with 1 <= length <= kMaxHandshakeMessageBytes (FrameHandshakeMessage,
// HandshakeMessageReader); encrypted frames (p2p/frame.h) follow the Auth.
//
// Every failure is an Error with a stable code from `handshake_errors`; after
// one the machine is dead. Nothing here throws. Not thread-safe: one
// Handshake per connection, used from one thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chain/bytes.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/result.h"
#include "p2p/stream_buffer.h"

namespace corridor::p2p {

inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr size_t kMaxChainIdBytes = 64;
// Largest handshake message accepted (a Hello is at most 1+2+1+64+96 = 164 bytes).
inline constexpr uint32_t kMaxHandshakeMessageBytes = 256;
inline constexpr size_t kX25519KeyBytes = 32;
inline constexpr size_t kNonceBytes = 32;
inline constexpr std::string_view kSessionKeyInfo = "corridor/p2p-session-keys/v1";

// Stable error codes of the handshake (Error::code).
namespace handshake_errors {
inline constexpr std::string_view kMalformed = "malformed_handshake";         // undecodable message
inline constexpr std::string_view kUnexpectedMessage = "unexpected_message";  // wrong order
inline constexpr std::string_view kVersionMismatch = "version_mismatch";
inline constexpr std::string_view kWrongChain = "wrong_chain";
inline constexpr std::string_view kSelfConnection = "self_connection";
inline constexpr std::string_view kUnexpectedKey = "unexpected_key";  // not the key dialed for
inline constexpr std::string_view kUnknownPeer = "unknown_peer";      // not in the permissioned set
inline constexpr std::string_view kBadKeyAgreement = "bad_key_agreement";  // low-order X25519 key
inline constexpr std::string_view kBadSignature = "bad_signature";
inline constexpr std::string_view kFailed = "handshake_failed";  // used after an earlier error
inline constexpr std::string_view kCrypto = "crypto_error";      // Crypto++ refused (a bug)
}  // namespace handshake_errors

// Message kinds: the first byte of every handshake message.
inline constexpr uint8_t kHelloKind = 1;
inline constexpr uint8_t kAuthKind = 2;

// Hello := u8 kind=1 || u16 version || varint len || chain_id (1..64 bytes)
//          || node_key[32] || ephemeral_key[32] || nonce[32]
struct Hello {
  uint16_t version = kProtocolVersion;
  std::string chain_id;
  PublicKey node_key;
  std::array<uint8_t, kX25519KeyBytes> ephemeral_key{};
  std::array<uint8_t, kNonceBytes> nonce{};

  Bytes Encode() const;
  // Errors: "malformed_handshake" (truncated, trailing bytes, wrong kind, chain id
  // empty or over kMaxChainIdBytes, node key not on the curve).
  static Result<Hello> Decode(ByteSpan data);
};

// Auth := u8 kind=2 || signature[64]
struct Auth {
  Signature signature;

  Bytes Encode() const;
  static Result<Auth> Decode(ByteSpan data);  // Errors: "malformed_handshake"
};

// A 32-byte symmetric key, wiped from memory on destruction.
struct SessionKey {
  std::array<uint8_t, 32> bytes{};

  SessionKey() = default;
  SessionKey(const SessionKey&) = default;
  SessionKey& operator=(const SessionKey&) = default;
  ~SessionKey();
};

enum class Role : uint8_t { kInitiator, kResponder };

struct HandshakeConfig {
  std::string chain_id;  // 1..kMaxChainIdBytes bytes
  // The permissioned set (validators + observers). REQUIRED.
  std::function<bool(const PublicKey&)> is_allowed;
  // When dialing a configured peer: the key it must present.
  std::optional<PublicKey> expected_peer;
  // Source of the ephemeral secret and nonce; SecureRandom when empty. Tests
  // inject a deterministic one.
  std::function<void(uint8_t*, size_t)> random;
};

class Handshake {
 public:
  // `key` is this node's static key; it must outlive the Handshake.
  Handshake(Role role, const PrivateKey& key, HandshakeConfig config);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  Role role() const { return role_; }
  // Our Hello message (unframed), to send first. Fixed at construction.
  const Bytes& hello() const { return our_hello_; }

  // Consumes one message from the peer (unframed). Returns the message to
  // send in reply: our Auth after the peer's Hello, nothing after the peer's
  // Auth (then done()). Errors carry a code from handshake_errors and are
  // final: every later call fails with "handshake_failed".
  Result<Bytes> Receive(ByteSpan message);

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }

  // Known once the peer's Hello passed the checks (REQUIRES: its Auth was
  // sent, i.e. after the first successful Receive). Authenticated only when done().
  const PublicKey& peer_key() const { return peer_key_; }
  // REQUIRES: done()
  const SessionKey& send_key() const { return send_key_; }
  const SessionKey& recv_key() const { return recv_key_; }
  const Hash& transcript() const { return transcript_; }

 private:
  enum class State : uint8_t { kAwaitHello, kAwaitAuth, kDone, kFailed };

  Result<Bytes> OnHello(ByteSpan message);
  Result<Bytes> OnAuth(ByteSpan message);
  Error Fail(std::string_view code, std::string message);

  Role role_;
  const PrivateKey& key_;
  HandshakeConfig config_;
  State state_ = State::kAwaitHello;
  std::array<uint8_t, kX25519KeyBytes> ephemeral_secret_{};
  std::array<uint8_t, kX25519KeyBytes> ephemeral_public_{};
  Bytes our_hello_;
  PublicKey peer_key_;
  Hash transcript_;
  SessionKey send_key_;
  SessionKey recv_key_;
};

// `u32 LE length || message`. REQUIRES: 1 <= message.size() <= kMaxHandshakeMessageBytes
Bytes FrameHandshakeMessage(ByteSpan message);

// Splits a byte stream into handshake messages. Once the handshake is done,
// TakeRemaining() hands over whatever followed the last message (the first
// encrypted frames may arrive in the same read).
class HandshakeMessageReader {
 public:
  void Append(ByteSpan data) { buf_.Append(data); }
  // The next complete message, nullopt when more bytes are needed. Errors
  // ("malformed_handshake": length 0 or over kMaxHandshakeMessageBytes) are
  // reported as soon as the 4-byte length is in, before the body arrives.
  Result<std::optional<Bytes>> Next();
  Bytes TakeRemaining() { return buf_.TakeAll(); }

 private:
  StreamBuffer buf_;
};

}  // namespace corridor::p2p

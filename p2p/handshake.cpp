#include "p2p/handshake.h"

#include <cryptopp/cryptlib.h>
#include <cryptopp/hkdf.h>
#include <cryptopp/misc.h>
#include <cryptopp/sha.h>
#include <cryptopp/xed25519.h>

#include <utility>

#include "chain/encoding.h"

namespace corridor::p2p {

namespace {

Error Malformed(std::string what) {
  return MakeError(std::string(handshake_errors::kMalformed), std::move(what));
}

Error FromReader(const char* what, const Reader& r) {
  return Malformed(std::string(what) + ": " + r.error().ToString());
}

template <size_t N>
void Wipe(std::array<uint8_t, N>& a) {
  CryptoPP::SecureWipeBuffer(a.data(), a.size());
}

}  // namespace

SessionKey::~SessionKey() {
  Wipe(bytes);
}

Bytes Hello::Encode() const {
  Writer w(1 + 2 + 1 + chain_id.size() + 96);
  w.U8(kHelloKind);
  w.U16(version);
  w.String(chain_id);
  w.Fixed(node_key.bytes);
  w.Fixed(ephemeral_key);
  w.Fixed(nonce);
  return std::move(w).Take();
}

Result<Hello> Hello::Decode(ByteSpan data) {
  if (data.size() > kMaxHandshakeMessageBytes) return Malformed("hello is too long");
  Reader r(data);
  Hello h;
  uint8_t kind = 0;
  if (!r.U8(kind)) return FromReader("hello", r);
  if (kind != kHelloKind)
    return Malformed("expected a hello (kind 1), got kind " + std::to_string(kind));
  r.U16(h.version);
  r.String(h.chain_id, kMaxChainIdBytes);
  r.Fixed(h.node_key.bytes);
  r.Fixed(h.ephemeral_key);
  r.Fixed(h.nonce);
  r.ExpectEnd();
  if (!r.ok()) return FromReader("hello", r);
  if (h.chain_id.empty()) return Malformed("hello has an empty chain id");
  if (!h.node_key.IsValid()) return Malformed("hello node key is not a valid x-only public key");
  return h;
}

Bytes Auth::Encode() const {
  Writer w(1 + Signature::kSize);
  w.U8(kAuthKind);
  w.Fixed(signature.bytes);
  return std::move(w).Take();
}

Result<Auth> Auth::Decode(ByteSpan data) {
  Reader r(data);
  Auth a;
  uint8_t kind = 0;
  if (!r.U8(kind)) return FromReader("auth", r);
  if (kind != kAuthKind)
    return Malformed("expected an auth (kind 2), got kind " + std::to_string(kind));
  r.Fixed(a.signature.bytes);
  r.ExpectEnd();
  if (!r.ok()) return FromReader("auth", r);
  return a;
}

Handshake::Handshake(Role role, const PrivateKey& key, HandshakeConfig config)
    : role_(role), key_(key), config_(std::move(config)) {
  auto random =
      config_.random ? config_.random : [](uint8_t* out, size_t n) { SecureRandom(out, n); };
  Hello h;
  h.chain_id = config_.chain_id;
  h.node_key = key_.public_key();
  random(ephemeral_secret_.data(), ephemeral_secret_.size());
  random(h.nonce.data(), h.nonce.size());
  try {
    CryptoPP::x25519 dh;
    // Clamps the secret into a valid X25519 scalar; the RNG is not used.
    dh.GeneratePublicKey(CryptoPP::NullRNG(), ephemeral_secret_.data(), ephemeral_public_.data());
  } catch (const CryptoPP::Exception&) {
    // Cannot happen with a 32-byte buffer; a machine without a key cannot
    // complete a handshake, so fail its first Receive().
    state_ = State::kFailed;
  }
  h.ephemeral_key = ephemeral_public_;
  our_hello_ = h.Encode();
}

Handshake::~Handshake() {
  Wipe(ephemeral_secret_);
}

Error Handshake::Fail(std::string_view code, std::string message) {
  state_ = State::kFailed;
  Wipe(ephemeral_secret_);
  return MakeError(std::string(code), std::move(message));
}

Result<Bytes> Handshake::Receive(ByteSpan message) {
  switch (state_) {
    case State::kAwaitHello:
      return OnHello(message);
    case State::kAwaitAuth:
      return OnAuth(message);
    case State::kDone:
      return Fail(handshake_errors::kUnexpectedMessage, "handshake message after completion");
    case State::kFailed:
      break;
  }
  return MakeError(std::string(handshake_errors::kFailed), "handshake already failed");
}

Result<Bytes> Handshake::OnHello(ByteSpan message) {
  // The version is checked before the rest is decoded: another version may
  // lay out the rest differently, and the peer deserves the precise reason.
  if (message.size() >= 3 && message[0] == kHelloKind) {
    uint16_t version = static_cast<uint16_t>(message[1] | (message[2] << 8));
    if (version != kProtocolVersion) {
      return Fail(handshake_errors::kVersionMismatch, "peer speaks protocol version " +
                                                          std::to_string(version) + ", we speak " +
                                                          std::to_string(kProtocolVersion));
    }
  }
  if (!message.empty() && message[0] == kAuthKind) {
    return Fail(handshake_errors::kUnexpectedMessage, "auth received before hello");
  }
  auto decoded = Hello::Decode(message);
  if (!decoded.ok()) {
    Error e = std::move(decoded).error();
    return Fail(e.code, std::move(e.message));
  }
  const Hello& peer = *decoded;
  if (peer.chain_id != config_.chain_id) {
    return Fail(handshake_errors::kWrongChain,
                "peer is on chain '" + peer.chain_id + "', we are on '" + config_.chain_id + "'");
  }
  if (peer.node_key == key_.public_key() || peer.ephemeral_key == ephemeral_public_) {
    return Fail(handshake_errors::kSelfConnection, "peer presented our own key");
  }
  if (config_.expected_peer && peer.node_key != *config_.expected_peer) {
    return Fail(handshake_errors::kUnexpectedKey, "dialed " + config_.expected_peer->ToHex() +
                                                      " but the peer is " + peer.node_key.ToHex());
  }
  if (!config_.is_allowed || !config_.is_allowed(peer.node_key)) {
    return Fail(handshake_errors::kUnknownPeer,
                "peer key " + peer.node_key.ToHex() + " is not in the permissioned set");
  }
  peer_key_ = peer.node_key;

  TaggedHasher th(tags::kP2pHandshake);
  if (role_ == Role::kInitiator) {
    th.Write(our_hello_).Write(message);
  } else {
    th.Write(message).Write(our_hello_);
  }
  transcript_ = th.Finish();

  std::array<uint8_t, 32> shared{};
  std::array<uint8_t, 64> okm{};
  bool agreed = false;
  try {
    CryptoPP::x25519 dh;
    // Agree() refuses small-order peer keys, whose shared secret the peer
    // (or a man in the middle) would know without our secret.
    agreed = dh.Agree(shared.data(), ephemeral_secret_.data(), peer.ephemeral_key.data(), true);
    uint8_t any = 0;
    for (uint8_t b : shared) any |= b;
    agreed = agreed && any != 0;
    if (agreed) {
      CryptoPP::HKDF<CryptoPP::SHA256> hkdf;
      hkdf.DeriveKey(okm.data(), okm.size(), shared.data(), shared.size(), transcript_.bytes.data(),
                     transcript_.bytes.size(),
                     reinterpret_cast<const uint8_t*>(kSessionKeyInfo.data()),
                     kSessionKeyInfo.size());
    }
  } catch (const CryptoPP::Exception& e) {
    Wipe(shared);
    return Fail(handshake_errors::kCrypto, std::string("key agreement failed: ") + e.what());
  }
  Wipe(shared);
  Wipe(ephemeral_secret_);
  if (!agreed) {
    return Fail(handshake_errors::kBadKeyAgreement, "peer ephemeral key is of small order");
  }
  SessionKey i2r, r2i;
  std::copy(okm.begin(), okm.begin() + 32, i2r.bytes.begin());
  std::copy(okm.begin() + 32, okm.end(), r2i.bytes.begin());
  Wipe(okm);
  send_key_ = role_ == Role::kInitiator ? i2r : r2i;
  recv_key_ = role_ == Role::kInitiator ? r2i : i2r;

  Auth auth;
  auth.signature = key_.Sign(transcript_);
  state_ = State::kAwaitAuth;
  return auth.Encode();
}

Result<Bytes> Handshake::OnAuth(ByteSpan message) {
  auto decoded = Auth::Decode(message);
  if (!decoded.ok()) {
    Error e = std::move(decoded).error();
    return Fail(e.code, std::move(e.message));
  }
  if (!VerifySignature(peer_key_, transcript_, decoded->signature)) {
    return Fail(handshake_errors::kBadSignature,
                "auth signature does not verify under " + peer_key_.ToHex());
  }
  state_ = State::kDone;
  return Bytes{};
}

Bytes FrameHandshakeMessage(ByteSpan message) {
  Bytes out(4 + message.size());
  StoreU32Le(out.data(), static_cast<uint32_t>(message.size()));
  std::copy(message.begin(), message.end(), out.begin() + 4);
  return out;
}

Result<std::optional<Bytes>> HandshakeMessageReader::Next() {
  ByteSpan in = buf_.Peek();
  if (in.size() < 4) return std::optional<Bytes>{};
  uint32_t len = LoadU32Le(in);
  if (len == 0 || len > kMaxHandshakeMessageBytes) {
    return Malformed("handshake message length " + std::to_string(len) + " is outside 1.." +
                     std::to_string(kMaxHandshakeMessageBytes));
  }
  if (in.size() - 4 < len) return std::optional<Bytes>{};
  Bytes msg(in.begin() + 4, in.begin() + 4 + len);
  buf_.Consume(4 + static_cast<size_t>(len));
  return std::optional<Bytes>(std::move(msg));
}

}  // namespace corridor::p2p

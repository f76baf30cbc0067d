#include "p2p/handshake.h"

#include <gtest/gtest.h>

#include <cryptopp/hkdf.h>
#include <cryptopp/sha.h>
#include <cryptopp/xed25519.h>

#include <cstring>
#include <memory>
#include <set>

#include "tests/support/test_keys.h"

namespace corridor::p2p {
namespace {

using testing::TestKey;

constexpr char kChain[] = "corridor-test";

// Deterministic randomness: bytes counting up from `seed`.
std::function<void(uint8_t*, size_t)> CountingRandom(uint8_t seed) {
  auto next = std::make_shared<uint8_t>(seed);
  return [next](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = (*next)++;
  };
}

HandshakeConfig Config(std::set<PublicKey> allowed, std::string chain = kChain) {
  HandshakeConfig c;
  c.chain_id = std::move(chain);
  c.is_allowed = [allowed = std::move(allowed)](const PublicKey& k) {
    return allowed.count(k) > 0;
  };
  return c;
}

struct Pair {
  PrivateKey ik = TestKey(1);
  PrivateKey rk = TestKey(2);
  std::unique_ptr<Handshake> i, r;

  explicit Pair(HandshakeConfig ic = {}, HandshakeConfig rc = {}) {
    if (ic.chain_id.empty()) ic = Config({rk.public_key()});
    if (rc.chain_id.empty()) rc = Config({ik.public_key()});
    i = std::make_unique<Handshake>(Role::kInitiator, ik, std::move(ic));
    r = std::make_unique<Handshake>(Role::kResponder, rk, std::move(rc));
  }
};

std::string Code(const Result<Bytes>& r) {
  return r.ok() ? "ok" : r.error().code;
}

TEST(HandshakeTest, HappyPathAgreesOnPeersKeysAndTranscript) {
  Pair p;
  auto i_auth = p.i->Receive(p.r->hello());
  auto r_auth = p.r->Receive(p.i->hello());
  ASSERT_TRUE(i_auth.ok()) << i_auth.error().ToString();
  ASSERT_TRUE(r_auth.ok()) << r_auth.error().ToString();
  EXPECT_FALSE(p.i->done());
  auto i_end = p.i->Receive(*r_auth);
  auto r_end = p.r->Receive(*i_auth);
  ASSERT_TRUE(i_end.ok()) << i_end.error().ToString();
  ASSERT_TRUE(r_end.ok()) << r_end.error().ToString();
  EXPECT_TRUE(i_end->empty());
  EXPECT_TRUE(r_end->empty());
  ASSERT_TRUE(p.i->done());
  ASSERT_TRUE(p.r->done());
  EXPECT_EQ(p.i->peer_key(), p.rk.public_key());
  EXPECT_EQ(p.r->peer_key(), p.ik.public_key());
  EXPECT_EQ(p.i->transcript(), p.r->transcript());
  EXPECT_EQ(p.i->send_key().bytes, p.r->recv_key().bytes);
  EXPECT_EQ(p.i->recv_key().bytes, p.r->send_key().bytes);
  EXPECT_NE(p.i->send_key().bytes, p.i->recv_key().bytes);
}

TEST(HandshakeTest, SessionKeysFollowTheDocumentedDerivation) {
  HandshakeConfig ic = Config({TestKey(2).public_key()});
  ic.random = CountingRandom(10);
  HandshakeConfig rc = Config({TestKey(1).public_key()});
  rc.random = CountingRandom(100);
  Pair p(ic, rc);
  auto i_auth = p.i->Receive(p.r->hello());
  auto r_auth = p.r->Receive(p.i->hello());
  ASSERT_TRUE(i_auth.ok() && r_auth.ok());
  ASSERT_TRUE(p.i->Receive(*r_auth).ok());

  // Recompute from the document: the ephemeral secrets are the first 32 bytes
  // each side drew from its random source.
  std::array<uint8_t, 32> i_secret{}, r_pub{}, shared{};
  CountingRandom(10)(i_secret.data(), 32);
  auto r_hello = Hello::Decode(p.r->hello());
  ASSERT_TRUE(r_hello.ok());
  r_pub = r_hello->ephemeral_key;
  CryptoPP::x25519 dh;
  ASSERT_TRUE(dh.Agree(shared.data(), i_secret.data(), r_pub.data()));
  Bytes both = p.i->hello();
  both.insert(both.end(), p.r->hello().begin(), p.r->hello().end());
  Hash transcript = TaggedHash(tags::kP2pHandshake, both);
  EXPECT_EQ(p.i->transcript(), transcript);
  std::array<uint8_t, 64> okm{};
  CryptoPP::HKDF<CryptoPP::SHA256>().DeriveKey(
      okm.data(), okm.size(), shared.data(), shared.size(), transcript.bytes.data(), 32,
      reinterpret_cast<const uint8_t*>(kSessionKeyInfo.data()), kSessionKeyInfo.size());
  EXPECT_EQ(0, std::memcmp(p.i->send_key().bytes.data(), okm.data(), 32));
  EXPECT_EQ(0, std::memcmp(p.i->recv_key().bytes.data(), okm.data() + 32, 32));
  // And the Auth is a BIP-340 signature over the transcript by the static key.
  auto auth = Auth::Decode(*i_auth);
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(VerifySignature(TestKey(1).public_key(), transcript, auth->signature));
}

TEST(HandshakeTest, InjectedRandomnessMakesHelloDeterministic) {
  PrivateKey k = TestKey(1);
  HandshakeConfig c1 = Config({}), c2 = Config({});
  c1.random = CountingRandom(7);
  c2.random = CountingRandom(7);
  Handshake a(Role::kInitiator, k, c1), b(Role::kInitiator, k, c2);
  EXPECT_EQ(a.hello(), b.hello());
  Handshake c(Role::kInitiator, k, Config({}));
  EXPECT_NE(a.hello(), c.hello());
}

TEST(HandshakeTest, HelloEncodingRoundTripsAndIsBounded) {
  Hello h;
  h.chain_id = kChain;
  h.node_key = TestKey(3).public_key();
  h.ephemeral_key.fill(9);
  h.nonce.fill(4);
  Bytes enc = h.Encode();
  EXPECT_EQ(enc.size(), 1u + 2 + 1 + h.chain_id.size() + 96);
  auto d = Hello::Decode(enc);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->Encode(), enc);

  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_EQ(Hello::Decode(trailing).error().code, handshake_errors::kMalformed);
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(Hello::Decode(ByteSpan(enc).first(n)).ok()) << n;
  }
  h.chain_id = std::string(kMaxChainIdBytes, 'c');
  EXPECT_TRUE(Hello::Decode(h.Encode()).ok());
  h.chain_id = std::string(kMaxChainIdBytes + 1, 'c');
  EXPECT_EQ(Hello::Decode(h.Encode()).error().code, handshake_errors::kMalformed);
  h.chain_id = "";
  EXPECT_EQ(Hello::Decode(h.Encode()).error().code, handshake_errors::kMalformed);
  h.chain_id = kChain;
  h.node_key.bytes.fill(0xff);  // not an x coordinate on the curve
  EXPECT_EQ(Hello::Decode(h.Encode()).error().code, handshake_errors::kMalformed);
}

TEST(HandshakeTest, AuthEncodingRoundTripsAndIsBounded) {
  Auth a;
  a.signature.bytes.fill(5);
  Bytes enc = a.Encode();
  ASSERT_EQ(enc.size(), 65u);
  ASSERT_TRUE(Auth::Decode(enc).ok());
  EXPECT_EQ(Auth::Decode(enc)->Encode(), enc);
  enc.push_back(1);
  EXPECT_FALSE(Auth::Decode(enc).ok());
  enc.resize(64);
  EXPECT_FALSE(Auth::Decode(enc).ok());
  enc[0] = kHelloKind;
  EXPECT_FALSE(Auth::Decode(enc).ok());
}

TEST(HandshakeTest, RefusesAnotherProtocolVersion) {
  Pair p;
  auto h = Hello::Decode(p.r->hello());
  ASSERT_TRUE(h.ok());
  Hello other = *h;
  other.version = kProtocolVersion + 1;
  EXPECT_EQ(Code(p.i->Receive(other.Encode())), handshake_errors::kVersionMismatch);
  EXPECT_TRUE(p.i->failed());
}

TEST(HandshakeTest, RefusesAnotherProtocolVersionEvenWhenTheRestDiffers) {
  Pair p;
  Bytes future = {kHelloKind, 2, 0, 0xde, 0xad};  // a v2 hello we cannot parse
  EXPECT_EQ(Code(p.i->Receive(future)), handshake_errors::kVersionMismatch);
}

TEST(HandshakeTest, RefusesWrongChain) {
  PrivateKey ik = TestKey(1), rk = TestKey(2);
  Handshake i(Role::kInitiator, ik, Config({rk.public_key()}, "chain-a"));
  Handshake r(Role::kResponder, rk, Config({ik.public_key()}, "chain-b"));
  auto res = i.Receive(r.hello());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, handshake_errors::kWrongChain);
  EXPECT_EQ(Code(r.Receive(i.hello())), handshake_errors::kWrongChain);
}

TEST(HandshakeTest, RefusesUnknownPeer) {
  PrivateKey ik = TestKey(1), rk = TestKey(2);
  Handshake i(Role::kInitiator, ik, Config({rk.public_key()}));
  Handshake r(Role::kResponder, rk, Config({TestKey(3).public_key()}));
  EXPECT_EQ(Code(r.Receive(i.hello())), handshake_errors::kUnknownPeer);
  EXPECT_EQ(Code(i.Receive(r.hello())), "ok");
}

TEST(HandshakeTest, RefusesEveryoneWithoutAnAllowListCallback) {
  PrivateKey ik = TestKey(1), rk = TestKey(2);
  HandshakeConfig rc;
  rc.chain_id = kChain;
  Handshake i(Role::kInitiator, ik, Config({rk.public_key()}));
  Handshake r(Role::kResponder, rk, rc);
  EXPECT_EQ(Code(r.Receive(i.hello())), handshake_errors::kUnknownPeer);
}

TEST(HandshakeTest, RefusesAKeyOtherThanTheOneDialed) {
  PrivateKey ik = TestKey(1), rk = TestKey(2);
  HandshakeConfig ic = Config({rk.public_key(), TestKey(3).public_key()});
  ic.expected_peer = TestKey(3).public_key();
  Handshake i(Role::kInitiator, ik, ic);
  Handshake r(Role::kResponder, rk, Config({ik.public_key()}));
  EXPECT_EQ(Code(i.Receive(r.hello())), handshake_errors::kUnexpectedKey);
}

TEST(HandshakeTest, RefusesSelfConnection) {
  PrivateKey k = TestKey(1);
  Handshake i(Role::kInitiator, k, Config({k.public_key()}));
  Handshake r(Role::kResponder, k, Config({k.public_key()}));
  EXPECT_EQ(Code(i.Receive(r.hello())), handshake_errors::kSelfConnection);
  EXPECT_EQ(Code(r.Receive(i.hello())), handshake_errors::kSelfConnection);
}

TEST(HandshakeTest, RefusesOwnHelloReflectedBack) {
  Pair p;
  EXPECT_EQ(Code(p.i->Receive(p.i->hello())), handshake_errors::kSelfConnection);
}

TEST(HandshakeTest, RefusesTamperedAuthSignature) {
  Pair p;
  auto i_auth = p.i->Receive(p.r->hello());
  auto r_auth = p.r->Receive(p.i->hello());
  ASSERT_TRUE(i_auth.ok() && r_auth.ok());
  for (size_t pos : {size_t{1}, size_t{32}, size_t{64}}) {
    Pair q;
    auto qi = q.i->Receive(q.r->hello());
    auto qr = q.r->Receive(q.i->hello());
    ASSERT_TRUE(qi.ok() && qr.ok());
    Bytes bad = *qr;
    bad[pos] ^= 0x01;
    EXPECT_EQ(Code(q.i->Receive(bad)), handshake_errors::kBadSignature) << pos;
    EXPECT_FALSE(q.i->done());
  }
  // A valid signature from another handshake (replayed Auth) does not verify.
  Pair q;
  ASSERT_TRUE(q.i->Receive(q.r->hello()).ok());
  EXPECT_EQ(Code(q.i->Receive(*r_auth)), handshake_errors::kBadSignature);
}

TEST(HandshakeTest, RefusesAuthSignedByAnotherKey) {
  Pair p;
  ASSERT_TRUE(p.i->Receive(p.r->hello()).ok());
  Auth forged;
  forged.signature = TestKey(9).Sign(p.i->transcript());
  EXPECT_EQ(Code(p.i->Receive(forged.Encode())), handshake_errors::kBadSignature);
}

TEST(HandshakeTest, ManInTheMiddleSwappingEphemeralKeysFailsAuthentication) {
  Pair p;
  auto h = Hello::Decode(p.r->hello());
  ASSERT_TRUE(h.ok());
  // The attacker relays the responder's Hello with its own ephemeral key.
  Hello swapped = *h;
  std::array<uint8_t, 32> attacker_secret{};
  attacker_secret.fill(0x55);
  CryptoPP::x25519().GeneratePublicKey(CryptoPP::NullRNG(), attacker_secret.data(),
                                       swapped.ephemeral_key.data());
  auto i_auth = p.i->Receive(swapped.Encode());
  auto r_auth = p.r->Receive(p.i->hello());
  ASSERT_TRUE(i_auth.ok() && r_auth.ok());
  EXPECT_NE(p.i->transcript(), p.r->transcript());
  EXPECT_EQ(Code(p.i->Receive(*r_auth)), handshake_errors::kBadSignature);
  EXPECT_EQ(Code(p.r->Receive(*i_auth)), handshake_errors::kBadSignature);
}

TEST(HandshakeTest, RefusesSmallOrderEphemeralKey) {
  Pair p;
  auto h = Hello::Decode(p.r->hello());
  ASSERT_TRUE(h.ok());
  Hello bad = *h;
  bad.ephemeral_key.fill(0);  // the identity point: shared secret would be all zero
  EXPECT_EQ(Code(p.i->Receive(bad.Encode())), handshake_errors::kBadKeyAgreement);
  Pair q;
  bad.ephemeral_key.fill(0);
  bad.ephemeral_key[0] = 1;  // order-1 point u = 1
  EXPECT_EQ(Code(q.i->Receive(bad.Encode())), handshake_errors::kBadKeyAgreement);
}

TEST(HandshakeTest, RefusesMessagesOutOfOrder) {
  Pair p;
  Auth a;
  EXPECT_EQ(Code(p.i->Receive(a.Encode())), handshake_errors::kUnexpectedMessage);
  Pair q;
  ASSERT_TRUE(q.i->Receive(q.r->hello()).ok());
  EXPECT_EQ(Code(q.i->Receive(q.r->hello())), handshake_errors::kMalformed);
}

TEST(HandshakeTest, EveryCallAfterAFailureFails) {
  Pair p;
  EXPECT_EQ(Code(p.i->Receive(Bytes{0xff})), handshake_errors::kMalformed);
  EXPECT_TRUE(p.i->failed());
  EXPECT_EQ(Code(p.i->Receive(p.r->hello())), handshake_errors::kFailed);
}

TEST(HandshakeTest, MessageReaderSplitsAStreamFedByteByByte) {
  Bytes stream = FrameHandshakeMessage(Bytes{1, 2, 3});
  Bytes second = FrameHandshakeMessage(Bytes(kMaxHandshakeMessageBytes, 7));
  stream.insert(stream.end(), second.begin(), second.end());
  stream.insert(stream.end(), {0xaa, 0xbb});  // what follows the handshake
  HandshakeMessageReader reader;
  std::vector<Bytes> got;
  for (uint8_t b : stream) {
    reader.Append(ByteSpan(&b, 1));
    auto m = reader.Next();
    ASSERT_TRUE(m.ok());
    if (*m) got.push_back(**m);
    if (got.size() == 2) break;
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (Bytes{1, 2, 3}));
  EXPECT_EQ(got[1], Bytes(kMaxHandshakeMessageBytes, 7));
  reader.Append(Bytes{0xaa, 0xbb});
  EXPECT_EQ(reader.TakeRemaining(), (Bytes{0xaa, 0xbb}));
}

TEST(HandshakeTest, MessageReaderRefusesBadLengthsFromTheHeaderAlone) {
  for (uint32_t len : {0u, kMaxHandshakeMessageBytes + 1, 0xffffffffu}) {
    HandshakeMessageReader reader;
    Bytes header(4);
    StoreU32Le(header.data(), len);
    reader.Append(header);
    auto m = reader.Next();
    ASSERT_FALSE(m.ok()) << len;
    EXPECT_EQ(m.error().code, handshake_errors::kMalformed);
  }
}

}  // namespace
}  // namespace corridor::p2p

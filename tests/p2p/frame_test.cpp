#include "p2p/frame.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace corridor::p2p {
namespace {

constexpr uint32_t kMax = 64 * 1024;

SessionKey Key(uint8_t fill) {
  SessionKey k;
  k.bytes.fill(fill);
  return k;
}

Bytes Payload(size_t n, uint8_t seed = 1) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

Bytes Encode(FrameEncoder& enc, uint8_t type, const Bytes& payload) {
  Bytes out;
  Status s = enc.Encode(type, payload, out);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return out;
}

// Decodes everything in `wire` at once; returns the frames or the first error.
Result<std::vector<Frame>> DecodeAll(FrameDecoder& dec, const Bytes& wire) {
  dec.Append(wire);
  std::vector<Frame> frames;
  while (true) {
    auto f = dec.Next();
    if (!f.ok()) return std::move(f).error();
    if (!*f) return frames;
    frames.push_back(std::move(**f));
  }
}

std::string Code(const Result<std::vector<Frame>>& r) {
  return r.ok() ? "ok" : r.error().code;
}

TEST(FrameTest, RoundTripsPayloadsOfEverySize) {
  FrameEncoder enc(Key(1), kMax);
  FrameDecoder dec(Key(1), kMax);
  Bytes wire;
  std::vector<size_t> sizes = {0, 1, 2, 15, 16, 17, 1000, MaxPayloadBytes(kMax)};
  for (size_t n : sizes) {
    Bytes one = Encode(enc, static_cast<uint8_t>(16 + n % 200), Payload(n));
    EXPECT_EQ(one.size(), n + kFrameOverheadBytes);
    wire.insert(wire.end(), one.begin(), one.end());
  }
  auto frames = DecodeAll(dec, wire);
  ASSERT_TRUE(frames.ok()) << frames.error().ToString();
  ASSERT_EQ(frames->size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_EQ((*frames)[i].type, 16 + sizes[i] % 200);
    EXPECT_EQ((*frames)[i].payload, Payload(sizes[i]));
  }
  EXPECT_EQ(enc.counter(), sizes.size());
  EXPECT_EQ(dec.counter(), sizes.size());
  EXPECT_EQ(dec.buffered(), 0u);
}

TEST(FrameTest, WireLayoutIsLengthCiphertextTag) {
  FrameEncoder enc(Key(1), kMax);
  Bytes wire = Encode(enc, 42, Payload(10));
  ASSERT_EQ(wire.size(), 4u + 1 + 10 + 16);
  EXPECT_EQ(LoadU32Le(wire), 1u + 10 + 16);
  // Encrypted: neither the type nor the payload appear in clear.
  EXPECT_NE(wire[4], 42);
  // Same key, same counter, same plaintext: same bytes (deterministic nonce).
  FrameEncoder again(Key(1), kMax);
  EXPECT_EQ(Encode(again, 42, Payload(10)), wire);
  // The next frame uses the next nonce: different ciphertext for equal input.
  EXPECT_NE(Encode(enc, 42, Payload(10)), wire);
}

TEST(FrameTest, RefusesTamperedCiphertextTagOrLength) {
  FrameEncoder enc(Key(1), kMax);
  Bytes wire = Encode(enc, 20, Payload(100));
  std::vector<size_t> positions = {4,       5,
                                   50,      4 + 101 - 1,       // ciphertext
                                   4 + 101, wire.size() - 1};  // tag
  for (size_t pos : positions) {
    Bytes bad = wire;
    bad[pos] ^= 0x80;
    FrameDecoder dec(Key(1), kMax);
    EXPECT_EQ(Code(DecodeAll(dec, bad)), frame_errors::kBadTag) << pos;
  }
  // A shorter length (still valid) moves the tag: authentication fails.
  Bytes shorter = wire;
  StoreU32Le(shorter.data(), LoadU32Le(wire) - 1);
  FrameDecoder d1(Key(1), kMax);
  EXPECT_EQ(Code(DecodeAll(d1, shorter)), frame_errors::kBadTag);
  // A longer one waits for bytes, then fails once they arrive.
  Bytes longer = wire;
  StoreU32Le(longer.data(), LoadU32Le(wire) + 3);
  FrameDecoder d2(Key(1), kMax);
  auto partial = DecodeAll(d2, longer);
  ASSERT_TRUE(partial.ok());
  EXPECT_TRUE(partial->empty());
  EXPECT_EQ(Code(DecodeAll(d2, Bytes{0, 0, 0})), frame_errors::kBadTag);
}

TEST(FrameTest, RefusesWrongKeyReflectionReplayAndReordering) {
  SessionKey a_to_b = Key(1), b_to_a = Key(2);
  FrameEncoder a(a_to_b, kMax);
  Bytes f0 = Encode(a, 20, Payload(5, 1));
  Bytes f1 = Encode(a, 20, Payload(5, 2));
  {  // a frame reflected back to its sender is checked under the other key
    FrameDecoder a_in(b_to_a, kMax);
    EXPECT_EQ(Code(DecodeAll(a_in, f0)), frame_errors::kBadTag);
  }
  {  // replay
    FrameDecoder b_in(a_to_b, kMax);
    ASSERT_TRUE(DecodeAll(b_in, f0).ok());
    EXPECT_EQ(Code(DecodeAll(b_in, f0)), frame_errors::kBadTag);
  }
  {  // reordering
    FrameDecoder b_in(a_to_b, kMax);
    EXPECT_EQ(Code(DecodeAll(b_in, f1)), frame_errors::kBadTag);
  }
  {  // dropping a frame
    FrameDecoder b_in(a_to_b, kMax);
    Bytes f2 = Encode(a, 20, Payload(5, 3));
    ASSERT_TRUE(DecodeAll(b_in, f0).ok());
    EXPECT_EQ(Code(DecodeAll(b_in, f2)), frame_errors::kBadTag);
  }
}

TEST(FrameTest, OversizeLengthIsRefusedFromTheHeaderBeforeTheBody) {
  for (uint32_t len : {kMax + 1, 0x7fffffffu, 0xffffffffu}) {
    FrameDecoder dec(Key(1), kMax);
    Bytes header(4);
    StoreU32Le(header.data(), len);
    dec.Append(header);
    auto f = dec.Next();
    ASSERT_FALSE(f.ok()) << len;
    EXPECT_EQ(f.error().code, frame_errors::kTooLarge);
    // Nothing is kept: the decoder dropped its buffer and refuses more input.
    EXPECT_EQ(dec.buffered(), 0u);
    dec.Append(Bytes(100, 0));
    EXPECT_EQ(dec.buffered(), 0u);
    EXPECT_EQ(dec.Next().error().code, frame_errors::kFailed);
  }
  // Exactly the limit is accepted (it waits for the body).
  FrameDecoder dec(Key(1), kMax);
  Bytes header(4);
  StoreU32Le(header.data(), kMax);
  dec.Append(header);
  auto f = dec.Next();
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(*f);
}

TEST(FrameTest, TooShortLengthIsRefused) {
  for (uint32_t len : {0u, 1u, kMinFrameLength - 1}) {
    FrameDecoder dec(Key(1), kMax);
    Bytes header(4);
    StoreU32Le(header.data(), len);
    dec.Append(header);
    EXPECT_EQ(dec.Next().error().code, frame_errors::kTooShort) << len;
  }
}

TEST(FrameTest, EncoderRefusesPayloadOverTheLimit) {
  FrameEncoder enc(Key(1), kMax);
  Bytes out;
  Status s = enc.Encode(20, Bytes(MaxPayloadBytes(kMax) + 1), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, frame_errors::kTooLarge);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(enc.counter(), 0u);
  EXPECT_TRUE(enc.Encode(20, Bytes(MaxPayloadBytes(kMax)), out).ok());
}

TEST(FrameTest, CounterExhaustionIsAnErrorNotAWrap) {
  constexpr uint64_t kLast = std::numeric_limits<uint64_t>::max() - 1;
  FrameEncoder enc(Key(1), kMax, kLast);
  Bytes out;
  ASSERT_TRUE(enc.Encode(20, Payload(3), out).ok());
  Bytes more;
  Status s = enc.Encode(20, Payload(3), more);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, frame_errors::kCounterExhausted);
  EXPECT_TRUE(more.empty());

  FrameDecoder dec(Key(1), kMax, kLast);
  auto first = DecodeAll(dec, out);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  // A frame claiming the next (unusable) counter is refused.
  FrameEncoder forged(Key(1), kMax, kLast);
  Bytes next = Encode(forged, 20, Payload(3));
  EXPECT_EQ(Code(DecodeAll(dec, next)), frame_errors::kCounterExhausted);
}

TEST(FrameTest, StreamingDecoderFedOneByteAtATime) {
  FrameEncoder enc(Key(3), kMax);
  Bytes wire;
  std::vector<Bytes> sent;
  for (size_t i = 0; i < 20; ++i) {
    sent.push_back(Payload(i * 37 % 300, static_cast<uint8_t>(i)));
    Bytes f = Encode(enc, static_cast<uint8_t>(16 + i), sent.back());
    wire.insert(wire.end(), f.begin(), f.end());
  }
  FrameDecoder dec(Key(3), kMax);
  std::vector<Frame> got;
  for (uint8_t b : wire) {
    dec.Append(ByteSpan(&b, 1));
    auto f = dec.Next();
    ASSERT_TRUE(f.ok()) << f.error().ToString();
    if (*f) got.push_back(std::move(**f));
    EXPECT_LE(dec.buffered(), 4u + 300 + 17);
  }
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(got[i].type, 16 + i);
    EXPECT_EQ(got[i].payload, sent[i]);
  }
}

TEST(FrameTest, StreamingDecoderFedRandomChunks) {
  const uint64_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  FrameEncoder enc(Key(4), kMax);
  Bytes wire;
  std::vector<Bytes> sent;
  for (int i = 0; i < 200; ++i) {
    sent.push_back(Payload(rng() % 5000, static_cast<uint8_t>(i)));
    Bytes f = Encode(enc, 99, sent.back());
    wire.insert(wire.end(), f.begin(), f.end());
  }
  FrameDecoder dec(Key(4), kMax);
  size_t at = 0, got = 0;
  while (at < wire.size()) {
    size_t n = std::min<size_t>(wire.size() - at, 1 + rng() % 9000);
    dec.Append(ByteSpan(wire).subspan(at, n));
    at += n;
    while (true) {
      auto f = dec.Next();
      ASSERT_TRUE(f.ok()) << f.error().ToString();
      if (!*f) break;
      ASSERT_LT(got, sent.size());
      EXPECT_EQ((*f)->payload, sent[got]);
      ++got;
    }
  }
  EXPECT_EQ(got, sent.size());
}

TEST(FrameTest, LargeFrameThenSmallOnesInUnalignedChunks) {
  // Exercises the buffer giving back the capacity a large frame needed.
  constexpr uint32_t kBig = 4 << 20;
  FrameEncoder enc(Key(5), kBig);
  Bytes wire = Encode(enc, 50, Payload(3 << 20));
  for (int i = 0; i < 300; ++i) {
    Bytes f = Encode(enc, 51, Payload(1000, static_cast<uint8_t>(i)));
    wire.insert(wire.end(), f.begin(), f.end());
  }
  FrameDecoder dec(Key(5), kBig);
  size_t got = 0;
  for (size_t at = 0; at < wire.size(); at += 65537) {
    dec.Append(ByteSpan(wire).subspan(at, std::min<size_t>(65537, wire.size() - at)));
    while (true) {
      auto f = dec.Next();
      ASSERT_TRUE(f.ok()) << f.error().ToString();
      if (!*f) break;
      EXPECT_EQ((*f)->payload,
                got == 0 ? Payload(3 << 20) : Payload(1000, static_cast<uint8_t>(got - 1)));
      ++got;
    }
  }
  EXPECT_EQ(got, 301u);
}

}  // namespace
}  // namespace corridor::p2p

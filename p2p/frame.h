// Encrypted P2P frames (docs/p2p.md "Frames").
//
//   frame      = u32 LE length || ciphertext || tag[16]
//   length     = |ciphertext| + 16, with 17 <= length <= max_frame_bytes
//   plaintext  = u8 type || payload
//   AEAD       = ChaCha20-Poly1305 (RFC 8439), key = the direction's session key,
//                nonce = 4 zero bytes || u64 LE frame counter, AAD = the 4 length bytes
//
// Each direction counts frames from 0; the receiver expects exactly the next
// counter, so a replayed, dropped, reordered or reflected frame fails
// authentication. Counter 2^64-1 is never used: reaching it is an error.
//
// FrameDecoder is streaming: feed it whatever chunks the socket delivers and
// drain complete frames with Next(). The length is checked against
// max_frame_bytes as soon as its 4 bytes are in, before the body is buffered
// or anything is allocated for it. Every error is final (the peer is
// disconnected). Nothing here throws.
//
// Not thread-safe: one encoder and one decoder per connection direction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "chain/bytes.h"
#include "chain/result.h"
#include "p2p/handshake.h"
#include "p2p/stream_buffer.h"

namespace corridor::p2p {

inline constexpr size_t kFrameLengthBytes = 4;
inline constexpr size_t kFrameTagBytes = 16;
// Smallest valid length field: a type byte and the tag.
inline constexpr uint32_t kMinFrameLength = 1 + kFrameTagBytes;
// Wire bytes a frame adds to its payload: length, type, tag.
inline constexpr size_t kFrameOverheadBytes = kFrameLengthBytes + 1 + kFrameTagBytes;

// Stable error codes of the frame layer (Error::code).
namespace frame_errors {
inline constexpr std::string_view kTooLarge = "frame_too_large";
inline constexpr std::string_view kTooShort = "frame_too_short";
inline constexpr std::string_view kBadTag = "bad_frame_tag";  // authentication failed
inline constexpr std::string_view kCounterExhausted = "counter_exhausted";
inline constexpr std::string_view kCrypto = "crypto_error";
inline constexpr std::string_view kFailed = "decoder_failed";  // used after an earlier error
}  // namespace frame_errors

struct Frame {
  uint8_t type = 0;
  Bytes payload;
};

// Largest payload a frame of at most `max_frame_bytes` can carry.
inline size_t MaxPayloadBytes(uint32_t max_frame_bytes) {
  return max_frame_bytes < kMinFrameLength ? 0 : max_frame_bytes - kMinFrameLength;
}

class FrameEncoder {
 public:
  // `first_counter` is for tests (counter exhaustion); connections start at 0.
  FrameEncoder(const SessionKey& key, uint32_t max_frame_bytes, uint64_t first_counter = 0);
  ~FrameEncoder();
  FrameEncoder(const FrameEncoder&) = delete;
  FrameEncoder& operator=(const FrameEncoder&) = delete;

  // Appends one encrypted frame to `out`. Errors: "frame_too_large" (payload
  // over MaxPayloadBytes), "counter_exhausted", "crypto_error". On error `out`
  // is unchanged and the counter did not advance.
  Status Encode(uint8_t type, ByteSpan payload, Bytes& out);
  uint64_t counter() const { return counter_; }

 private:
  struct Cipher;
  std::unique_ptr<Cipher> cipher_;
  uint32_t max_frame_bytes_;
  uint64_t counter_;
};

class FrameDecoder {
 public:
  FrameDecoder(const SessionKey& key, uint32_t max_frame_bytes, uint64_t first_counter = 0);
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Buffers a chunk of the stream. Callers drain Next() after each Append, so
  // at most one incomplete frame plus one chunk is ever held.
  void Append(ByteSpan data);
  // The next complete frame; nullopt when more bytes are needed. Errors:
  // "frame_too_large", "frame_too_short", "bad_frame_tag", "counter_exhausted",
  // "crypto_error"; after one, every call fails with "decoder_failed".
  Result<std::optional<Frame>> Next();

  size_t buffered() const { return buf_.size(); }
  uint64_t counter() const { return counter_; }

 private:
  Error Fail(std::string_view code, std::string message);

  struct Cipher;
  std::unique_ptr<Cipher> cipher_;
  uint32_t max_frame_bytes_;
  uint64_t counter_;
  StreamBuffer buf_;
  bool failed_ = false;
};

}  // namespace corridor::p2p

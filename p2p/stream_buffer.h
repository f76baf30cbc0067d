// StreamBuffer: bytes received from a stream and not yet consumed, for the
// streaming decoders (HandshakeMessageReader, FrameDecoder).
//
// Append() copies a chunk in; Peek()/Consume() read from the front. Consumed
// space is reclaimed lazily (when it is at least half the buffer), so feeding
// n bytes costs O(n) overall however the input is chunked, and capacity above
// 1 MiB left over from a large frame is released once the data shrinks. The
// buffer never reserves from a length read off the wire: it only holds bytes
// that arrived.
//
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chain/bytes.h"

namespace corridor::p2p {

class StreamBuffer {
 public:
  static constexpr size_t kRetainedCapacity = 1 << 20;

  void Append(ByteSpan data) {
    if (head_ > 0 && head_ >= buf_.size() / 2) {
      if (buf_.capacity() > kRetainedCapacity && size() + data.size() <= kRetainedCapacity / 2) {
        Bytes smaller(buf_.begin() + static_cast<std::ptrdiff_t>(head_), buf_.end());
        buf_.swap(smaller);
      } else {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
      }
      head_ = 0;
    }
    buf_.insert(buf_.end(), data.begin(), data.end());
  }
  size_t size() const { return buf_.size() - head_; }
  // The unconsumed bytes; valid until the next Append().
  ByteSpan Peek() const { return ByteSpan(buf_).subspan(head_); }
  // REQUIRES: n <= size()
  void Consume(size_t n) {
    head_ += n;
    if (head_ == buf_.size()) {
      // A connection that once received a large frame does not keep its
      // buffer for life: idle peers hold little memory.
      if (buf_.capacity() > kRetainedCapacity) {
        Bytes().swap(buf_);
      } else {
        buf_.clear();
      }
      head_ = 0;
    }
  }
  // Moves the unconsumed bytes out and empties the buffer.
  Bytes TakeAll() {
    Bytes out(buf_.begin() + static_cast<std::ptrdiff_t>(head_), buf_.end());
    buf_.clear();
    head_ = 0;
    return out;
  }

 private:
  Bytes buf_;
  size_t head_ = 0;
};

// Reads a u32 little-endian from the first four bytes of `b`. REQUIRES: b.size() >= 4
inline uint32_t LoadU32Le(ByteSpan b) {
  return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) |
         (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

inline void StoreU32Le(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace corridor::p2p

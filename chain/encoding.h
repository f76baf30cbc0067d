// Canonical binary encoding (docs/protocol.md §2).
//
// Writer appends; Reader consumes a byte span and is sticky on error: after the
// first failure every read is a no-op returning false, and error() says what
// went wrong first. Every length or count read from input is bounded by the
// caller's limit *and* by the bytes remaining before anything is allocated.
//
// Integers are fixed-width little-endian. Varints are unsigned LEB128 with
// exactly one accepted form per value (no redundant trailing zero groups, at
// most 10 bytes, no bits beyond 64). Byte strings are varint length + bytes.
//
// Not thread-safe; use one Reader/Writer per thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "chain/bytes.h"
#include "chain/result.h"

namespace corridor {

constexpr size_t kMaxVarintBytes = 10;

class Writer {
 public:
  Writer() = default;
  explicit Writer(size_t reserve) { buf_.reserve(reserve); }

  void U8(uint8_t v) { buf_.push_back(v); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Varint(uint64_t v);
  void Bool(bool v) { U8(v ? 1 : 0); }
  // Raw bytes with no length prefix (fixed-size fields: hashes, keys).
  void Raw(ByteSpan data) { buf_.insert(buf_.end(), data.begin(), data.end()); }
  template <size_t N>
  void Fixed(const std::array<uint8_t, N>& a) {
    Raw(ByteSpan(a));
  }
  // Varint length, then the bytes.
  void VarBytes(ByteSpan data);
  void String(std::string_view s) { VarBytes(AsBytes(s)); }

  const Bytes& data() const& { return buf_; }
  Bytes&& Take() && { return std::move(buf_); }
  size_t size() const { return buf_.size(); }

 private:
  Bytes buf_;
};

class Reader {
 public:
  explicit Reader(ByteSpan data) : data_(data) {}

  bool U8(uint8_t& v);
  bool U16(uint16_t& v);
  bool U32(uint32_t& v);
  bool U64(uint64_t& v);
  bool Varint(uint64_t& v);
  // Accepts only 0 or 1.
  bool Bool(bool& v);
  bool Raw(uint8_t* out, size_t n);
  template <size_t N>
  bool Fixed(std::array<uint8_t, N>& a) {
    return Raw(a.data(), N);
  }
  // Varint length (<= max_len), then that many bytes.
  bool VarBytes(Bytes& out, size_t max_len);
  bool String(std::string& out, size_t max_len);
  // A varint element count (<= max_count). Also fails when the remaining input
  // cannot hold `count * min_element_bytes`, so no caller reserves memory for
  // elements that cannot be there.
  bool Count(uint64_t& count, uint64_t max_count, size_t min_element_bytes = 1);
  // Borrow the next n bytes without copying.
  bool Span(ByteSpan& out, size_t n);

  // Fails with "trailing_bytes" unless all input was consumed.
  bool ExpectEnd();
  // Records a semantic failure found by the caller (e.g. unknown enum value).
  bool Fail(std::string code, std::string message);

  bool ok() const { return ok_; }
  const Error& error() const { return error_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  bool Need(size_t n, const char* what);

  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
  Error error_;
};

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF) and holds no control characters (C0, DEL, C1).
bool IsPrintableUtf8(std::string_view s);

}  // namespace corridor

#include "chain/encoding.h"

namespace corridor {

void Writer::U16(uint16_t v) {
  U8(static_cast<uint8_t>(v));
  U8(static_cast<uint8_t>(v >> 8));
}

void Writer::U32(uint32_t v) {
  for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::U64(uint64_t v) {
  for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
}

void Writer::Varint(uint64_t v) {
  while (v >= 0x80) {
    U8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  U8(static_cast<uint8_t>(v));
}

void Writer::VarBytes(ByteSpan data) {
  Varint(data.size());
  Raw(data);
}

bool Reader::Fail(std::string code, std::string message) {
  if (ok_) {
    ok_ = false;
    error_ = Error{std::move(code), std::move(message) + " (at byte " + std::to_string(pos_) + ")"};
  }
  return false;
}

bool Reader::Need(size_t n, const char* what) {
  if (!ok_) return false;
  if (remaining() < n) {
    return Fail("truncated", std::string("input ends inside ") + what);
  }
  return true;
}

bool Reader::U8(uint8_t& v) {
  if (!Need(1, "u8")) return false;
  v = data_[pos_++];
  return true;
}

bool Reader::U16(uint16_t& v) {
  if (!Need(2, "u16")) return false;
  v = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return true;
}

bool Reader::U32(uint32_t& v) {
  if (!Need(4, "u32")) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 4;
  return true;
}

bool Reader::U64(uint64_t& v) {
  if (!Need(8, "u64")) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  return true;
}

bool Reader::Varint(uint64_t& v) {
  if (!ok_) return false;
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (!Need(1, "varint")) return false;
    uint8_t b = data_[pos_++];
    uint64_t payload = b & 0x7f;
    if (i == kMaxVarintBytes - 1 && payload > 1) {
      return Fail("varint_overflow", "varint exceeds 64 bits");
    }
    result |= payload << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) {
        return Fail("non_canonical_varint", "varint has a redundant trailing zero group");
      }
      v = result;
      return true;
    }
  }
  return Fail("varint_overflow", "varint longer than 10 bytes");
}

bool Reader::Bool(bool& v) {
  uint8_t b = 0;
  if (!U8(b)) return false;
  if (b > 1) return Fail("bad_bool", "boolean byte is neither 0 nor 1");
  v = b == 1;
  return true;
}

bool Reader::Raw(uint8_t* out, size_t n) {
  if (!Need(n, "fixed-size field")) return false;
  std::copy(data_.begin() + pos_, data_.begin() + pos_ + n, out);
  pos_ += n;
  return true;
}

bool Reader::Span(ByteSpan& out, size_t n) {
  if (!Need(n, "byte string")) return false;
  out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::VarBytes(Bytes& out, size_t max_len) {
  uint64_t len = 0;
  if (!Varint(len)) return false;
  if (len > max_len) {
    return Fail("length_too_large",
                "length " + std::to_string(len) + " exceeds limit " + std::to_string(max_len));
  }
  if (!Need(static_cast<size_t>(len), "byte string")) return false;
  out.assign(data_.begin() + pos_, data_.begin() + pos_ + len);
  pos_ += len;
  return true;
}

bool Reader::String(std::string& out, size_t max_len) {
  uint64_t len = 0;
  if (!Varint(len)) return false;
  if (len > max_len) {
    return Fail("length_too_large",
                "length " + std::to_string(len) + " exceeds limit " + std::to_string(max_len));
  }
  if (!Need(static_cast<size_t>(len), "string")) return false;
  out.assign(reinterpret_cast<const char*>(data_.data()) + pos_, len);
  pos_ += len;
  return true;
}

bool Reader::Count(uint64_t& count, uint64_t max_count, size_t min_element_bytes) {
  if (!Varint(count)) return false;
  if (count > max_count) {
    return Fail("count_too_large",
                "count " + std::to_string(count) + " exceeds limit " + std::to_string(max_count));
  }
  if (min_element_bytes > 0 && count > remaining() / min_element_bytes) {
    return Fail("truncated", "count " + std::to_string(count) + " cannot fit in the " +
                                 std::to_string(remaining()) + " bytes left");
  }
  return true;
}

bool Reader::ExpectEnd() {
  if (!ok_) return false;
  if (remaining() != 0) {
    return Fail("trailing_bytes", std::to_string(remaining()) + " unexpected bytes after the end");
  }
  return true;
}

bool IsPrintableUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += n + 1;
  }
  return true;
}

}  // namespace corridor

#include "p2p/frame.h"

#include <cryptopp/chachapoly.h>
#include <cryptopp/cryptlib.h>

#include <array>
#include <limits>
#include <string>

namespace corridor::p2p {

namespace {

constexpr uint64_t kCounterLimit = std::numeric_limits<uint64_t>::max();

// RFC 8439 nonce layout: 32-bit zero "constant" || 64-bit little-endian counter.
std::array<uint8_t, 12> Nonce(uint64_t counter) {
  std::array<uint8_t, 12> n{};
  for (int i = 0; i < 8; ++i) n[4 + i] = static_cast<uint8_t>(counter >> (8 * i));
  return n;
}

}  // namespace

// Crypto++ objects stay in this file; a construction failure (impossible with
// a 32-byte key) leaves `ok` false and every operation fails with crypto_error.
struct FrameEncoder::Cipher {
  CryptoPP::ChaCha20Poly1305::Encryption enc;
  bool ok = false;
};

struct FrameDecoder::Cipher {
  CryptoPP::ChaCha20Poly1305::Decryption dec;
  bool ok = false;
};

FrameEncoder::FrameEncoder(const SessionKey& key, uint32_t max_frame_bytes, uint64_t first_counter)
    : cipher_(std::make_unique<Cipher>()),
      max_frame_bytes_(max_frame_bytes),
      counter_(first_counter) {
  try {
    auto iv = Nonce(0);
    cipher_->enc.SetKeyWithIV(key.bytes.data(), key.bytes.size(), iv.data(), iv.size());
    cipher_->ok = true;
  } catch (const CryptoPP::Exception&) {
    cipher_->ok = false;
  }
}

FrameEncoder::~FrameEncoder() = default;

Status FrameEncoder::Encode(uint8_t type, ByteSpan payload, Bytes& out) {
  if (payload.size() > MaxPayloadBytes(max_frame_bytes_)) {
    return MakeError(std::string(frame_errors::kTooLarge),
                     "payload of " + std::to_string(payload.size()) + " bytes exceeds the " +
                         std::to_string(MaxPayloadBytes(max_frame_bytes_)) + "-byte frame limit");
  }
  if (counter_ == kCounterLimit) {
    return MakeError(std::string(frame_errors::kCounterExhausted),
                     "send frame counter exhausted; reconnect for fresh keys");
  }
  if (!cipher_->ok) return MakeError(std::string(frame_errors::kCrypto), "cipher not keyed");

  const size_t plain_len = 1 + payload.size();
  const auto length = static_cast<uint32_t>(plain_len + kFrameTagBytes);
  const size_t start = out.size();
  out.resize(start + kFrameLengthBytes + plain_len + kFrameTagBytes);
  uint8_t* header = out.data() + start;
  uint8_t* body = header + kFrameLengthBytes;
  StoreU32Le(header, length);
  body[0] = type;
  std::copy(payload.begin(), payload.end(), body + 1);
  auto nonce = Nonce(counter_);
  try {
    // In place: ChaCha20 is a stream cipher and Poly1305 authenticates the
    // ciphertext after it is written.
    cipher_->enc.EncryptAndAuthenticate(body, body + plain_len, kFrameTagBytes, nonce.data(),
                                        static_cast<int>(nonce.size()), header, kFrameLengthBytes,
                                        body, plain_len);
  } catch (const CryptoPP::Exception& e) {
    out.resize(start);
    return MakeError(std::string(frame_errors::kCrypto), std::string("encrypt: ") + e.what());
  }
  ++counter_;
  return Status::Ok();
}

FrameDecoder::FrameDecoder(const SessionKey& key, uint32_t max_frame_bytes, uint64_t first_counter)
    : cipher_(std::make_unique<Cipher>()),
      max_frame_bytes_(max_frame_bytes),
      counter_(first_counter) {
  try {
    auto iv = Nonce(0);
    cipher_->dec.SetKeyWithIV(key.bytes.data(), key.bytes.size(), iv.data(), iv.size());
    cipher_->ok = true;
  } catch (const CryptoPP::Exception&) {
    cipher_->ok = false;
  }
}

FrameDecoder::~FrameDecoder() = default;

void FrameDecoder::Append(ByteSpan data) {
  if (!failed_) buf_.Append(data);
}

Error FrameDecoder::Fail(std::string_view code, std::string message) {
  failed_ = true;
  buf_.TakeAll();
  return MakeError(std::string(code), std::move(message));
}

Result<std::optional<Frame>> FrameDecoder::Next() {
  if (failed_) return MakeError(std::string(frame_errors::kFailed), "frame decoder already failed");
  ByteSpan in = buf_.Peek();
  if (in.size() < kFrameLengthBytes) return std::optional<Frame>{};
  const uint32_t length = LoadU32Le(in);
  if (length > max_frame_bytes_) {
    return Fail(frame_errors::kTooLarge, "frame length " + std::to_string(length) +
                                             " exceeds the limit of " +
                                             std::to_string(max_frame_bytes_));
  }
  if (length < kMinFrameLength) {
    return Fail(frame_errors::kTooShort, "frame length " + std::to_string(length) +
                                             " is below the minimum of " +
                                             std::to_string(kMinFrameLength));
  }
  if (in.size() - kFrameLengthBytes < length) return std::optional<Frame>{};
  if (counter_ == kCounterLimit) {
    return Fail(frame_errors::kCounterExhausted, "receive frame counter exhausted");
  }
  if (!cipher_->ok) return Fail(frame_errors::kCrypto, "cipher not keyed");

  const uint8_t* header = in.data();
  const uint8_t* body = header + kFrameLengthBytes;
  const size_t plain_len = length - kFrameTagBytes;
  Bytes plain(plain_len);
  auto nonce = Nonce(counter_);
  bool authentic = false;
  try {
    authentic = cipher_->dec.DecryptAndVerify(plain.data(), body + plain_len, kFrameTagBytes,
                                              nonce.data(), static_cast<int>(nonce.size()), header,
                                              kFrameLengthBytes, body, plain_len);
  } catch (const CryptoPP::Exception& e) {
    return Fail(frame_errors::kCrypto, std::string("decrypt: ") + e.what());
  }
  if (!authentic) {
    return Fail(frame_errors::kBadTag,
                "frame " + std::to_string(counter_) + " failed authentication");
  }
  buf_.Consume(kFrameLengthBytes + length);
  ++counter_;
  Frame f;
  f.type = plain[0];
  f.payload = std::move(plain);
  f.payload.erase(f.payload.begin());
  return std::optional<Frame>(std::move(f));
}

}  // namespace corridor::p2p

// 32-byte SHA-256 hashes and domain-separated (tagged) hashing.
//
// Every hashed object kind has its own tag (docs/protocol.md §3):
//   TaggedHash(tag, m) = SHA256(SHA256(tag) || SHA256(tag) || m)
// the BIP-340 construction, so a signature or hash over one kind can never be
// taken for another. Thread-safe: all functions are pure.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "chain/bytes.h"
#include "chain/result.h"

namespace corridor {

struct Hash {
  static constexpr size_t kSize = 32;
  std::array<uint8_t, kSize> bytes{};

  bool IsZero() const;
  std::string ToHex() const;
  // Accepts exactly 64 hex characters.
  static Result<Hash> FromHex(std::string_view hex);
  static Hash FromSpan(ByteSpan s);  // REQUIRES: s.size() == 32

  auto operator<=>(const Hash&) const = default;
  bool operator==(const Hash&) const = default;
};

// The domain tags. Changing one is a protocol break.
namespace tags {
inline constexpr std::string_view kTransaction = "corridor/tx";
inline constexpr std::string_view kBlockHeader = "corridor/block-header";
inline constexpr std::string_view kCommitVote = "corridor/commit-vote";
inline constexpr std::string_view kConsensusMessage = "corridor/consensus-msg";
inline constexpr std::string_view kAddress = "corridor/address";
inline constexpr std::string_view kMerkleLeaf = "corridor/merkle-leaf";
inline constexpr std::string_view kMerkleNode = "corridor/merkle-node";
inline constexpr std::string_view kReceipt = "corridor/receipt";
inline constexpr std::string_view kStateLeaf = "corridor/state-leaf";
inline constexpr std::string_view kStateNode = "corridor/state-node";
inline constexpr std::string_view kP2pHandshake = "corridor/p2p-handshake";
inline constexpr std::string_view kRpcAuth = "corridor/rpc-auth";
}  // namespace tags

Hash Sha256(ByteSpan data);
Hash TaggedHash(std::string_view tag, ByteSpan data);

// Incremental tagged hashing for data produced in pieces.
class TaggedHasher {
 public:
  explicit TaggedHasher(std::string_view tag);
  ~TaggedHasher();
  TaggedHasher(const TaggedHasher&) = delete;
  TaggedHasher& operator=(const TaggedHasher&) = delete;

  TaggedHasher& Write(ByteSpan data);
  Hash Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor

template <>
struct std::hash<corridor::Hash> {
  size_t operator()(const corridor::Hash& h) const noexcept {
    size_t v;
    std::memcpy(&v, h.bytes.data(), sizeof(v));
    return v;
  }
};

// PeerManager: the node's authenticated, encrypted connections to its peers
// over TCP (Boost.Asio), per docs/p2p.md.
//
// It listens for peers, dials the configured ones (reconnecting with
// exponential backoff and jitter), runs the handshake (p2p/handshake.h) with a
// deadline, then exchanges encrypted frames (p2p/frame.h): application
// messages of type kFirstUserType..255, and ping/pong keep-alives of its own.
// At most one connection per peer key is kept. A peer is disconnected when it
// sends anything malformed, goes idle, or lets its send queue grow past
// `send_queue_bytes`; every other peer keeps being served.
//
// Delivery: messages to one peer arrive in the order sent, over one
// connection, at most once. Nothing is retried: messages queued for a peer
// that disconnects are dropped, and when a duplicate connection replaces
// another, frames already written to the old one may be lost. The layer above
// (gossip, block sync) tolerates loss.
//
// Threading: everything runs on a strand of the caller's io_context, which the
// caller runs on its own thread(s). Send, Broadcast, Stop, ConnectedPeers and
// counters() may be called from any thread. Callbacks (and the is_allowed
// predicate) are invoked on the io thread, one at a time; they may call Send,
// Broadcast and Stop (which only post work) but must not block for long.
//
// Lifecycle: construct, Start(), ..., Stop(). Destroy only once the
// io_context no longer runs this manager's handlers (after Stop(), the caller
// stops or joins its io thread), and before destroying the io_context. The
// destructor closes whatever is still open without invoking callbacks.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/bytes.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace corridor::p2p {

// Message types 0..15 are reserved for the transport; the node defines 16..255.
inline constexpr uint8_t kPingType = 1;  // payload: 8 opaque bytes, echoed in the pong
inline constexpr uint8_t kPongType = 2;
inline constexpr uint8_t kFirstUserType = 16;
inline constexpr size_t kPingPayloadBytes = 8;

// Why an established peer connection ended (on_disconnected, counters).
enum class DisconnectReason : uint8_t {
  kShutdown,           // Stop()
  kRemoteClosed,       // the peer closed the connection
  kIoError,            // reset, broken pipe, ...
  kMalformedFrame,     // oversize, undersized or unauthentic frame
  kProtocolViolation,  // reserved message type, bad ping/pong payload
  kIdleTimeout,        // nothing received for idle_timeout
  kSendQueueOverflow,  // the peer did not read fast enough
  kLocalError,         // our frame encoder failed (counter exhausted)
  kDroppedByNode,      // DropPeer(), e.g. the key left the validator set
};
inline constexpr size_t kDisconnectReasonCount = 9;
std::string_view ToString(DisconnectReason reason);

// Why a connection failed before it was established (counters, logs).
enum class HandshakeFailure : uint8_t {
  kVersionMismatch,
  kWrongChain,
  kUnknownPeer,
  kUnexpectedKey,
  kSelfConnection,
  kBadSignature,
  kBadKeyAgreement,
  kMalformed,  // undecodable or out-of-order handshake message
  kTimeout,    // handshake_timeout elapsed (including the TCP connect when dialing)
  kIoError,    // closed, reset or unreachable before the handshake completed
  kOther,
};
inline constexpr size_t kHandshakeFailureCount = 11;
std::string_view ToString(HandshakeFailure failure);

// Counters for the metrics endpoint. Plain atomics, read at any time.
struct PeerCounters {
  std::atomic<uint64_t> frames_in{0};   // application + ping/pong frames, decrypted
  std::atomic<uint64_t> frames_out{0};  // frames written to sockets
  std::atomic<uint64_t> bytes_in{0};    // wire bytes, handshakes included
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> dials{0};     // outbound connection attempts
  std::atomic<uint64_t> accepted{0};  // inbound connections accepted (before the handshake)
  std::atomic<uint64_t> handshakes_ok{0};
  std::array<std::atomic<uint64_t>, kHandshakeFailureCount> handshakes_failed{};
  std::array<std::atomic<uint64_t>, kDisconnectReasonCount> disconnects{};
  std::atomic<uint64_t> messages_queued{0};        // Send/Broadcast messages handed to a peer queue
  std::atomic<uint64_t> queue_overflow_drops{0};   // peers dropped for their send queue
  std::atomic<uint64_t> sends_not_connected{0};    // Send() to a peer that was not connected
  std::atomic<uint64_t> duplicate_connections{0};  // closed because the peer had another
  std::atomic<uint64_t> inbound_refused{0};        // over max_pending_handshakes

  uint64_t handshake_failures(HandshakeFailure f) const {
    return handshakes_failed[static_cast<size_t>(f)].load();
  }
  uint64_t disconnects_for(DisconnectReason r) const {
    return disconnects[static_cast<size_t>(r)].load();
  }
};

struct PeerAddress {
  std::string host;
  uint16_t port = 0;
  // When set, the peer at this address must present this key ("unexpected_key").
  std::optional<PublicKey> key;
};

struct PeerManagerConfig {
  std::string chain_id;  // 1..64 bytes; peers on another chain are refused
  bool listen = true;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;        // 0: an ephemeral port (see PeerManager::listen_port())
  std::vector<PeerAddress> peers;  // dialed and kept connected
  // The permissioned set: validators and observers. Called on the io thread.
  // When empty, only the keys listed in `peers` are allowed.
  std::function<bool(const PublicKey&)> is_allowed;

  uint32_t max_frame_bytes = 36 * 1024 * 1024;  // p2p_max_frame_bytes
  size_t send_queue_bytes = 64 * 1024 * 1024;   // p2p_send_queue_bytes; >= max_frame_bytes
  size_t max_pending_handshakes = 64;           // inbound connections not yet authenticated
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds ping_interval{5'000};
  std::chrono::milliseconds idle_timeout{20'000};  // > ping_interval
  std::chrono::milliseconds reconnect_min_delay{200};
  std::chrono::milliseconds reconnect_max_delay{10'000};
};

struct PeerCallbacks {
  std::function<void(const PublicKey& from, uint8_t type, Bytes payload)> on_message;
  std::function<void(const PublicKey& peer)> on_connected;
  std::function<void(const PublicKey& peer, DisconnectReason reason)> on_disconnected;
};

class PeerManager {
 public:
  // `key` is the node's identity (its validator key); the manager keeps a copy.
  PeerManager(boost::asio::io_context& io, const PrivateKey& key, PeerManagerConfig config,
              PeerCallbacks callbacks);
  ~PeerManager();
  PeerManager(const PeerManager&) = delete;
  PeerManager& operator=(const PeerManager&) = delete;

  // Binds the listener (when config.listen) and starts dialing. Errors:
  // "bad_config" (inconsistent limits), "bind_failed", "already_started".
  Status Start();
  // Closes the listener, every connection and every pending dial; established
  // peers get on_disconnected(kShutdown). Returns at once: the work is posted
  // to the io thread. Idempotent.
  void Stop();

  // The bound port. REQUIRES: Start() succeeded with config.listen.
  uint16_t listen_port() const;
  const PublicKey& node_key() const;

  // Queues a message for one peer / every connected peer. Errors, checked at
  // once: "reserved_type" (type < kFirstUserType), "frame_too_large" (payload
  // over the frame limit), "stopped". A message for a peer that is not
  // connected when it reaches the io thread is dropped (sends_not_connected).
  Status Send(const PublicKey& to, uint8_t type, Bytes payload);
  Status Broadcast(uint8_t type, Bytes payload);

  // Closes the connection to `peer` (kDroppedByNode), e.g. when its key left
  // the validator set. It may connect again if is_allowed still accepts it.
  void DropPeer(const PublicKey& peer);

  // The peers with an established connection, sorted by key.
  std::vector<PublicKey> ConnectedPeers() const;
  const PeerCounters& counters() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace corridor::p2p

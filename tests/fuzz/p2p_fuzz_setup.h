// Fixed keys, randomness and limits shared by the P2P fuzz targets and the
// generator of their seed corpus (gen_p2p_seeds.cpp), so that the committed
// seeds stay valid protocol runs that reach deep states (a verified Auth, an
// authentic frame) for the fuzzer to mutate.
#pragma once

#include <cstdint>
#include <functional>

#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "tests/support/test_keys.h"

namespace corridor::p2p::fuzz {

inline constexpr char kChain[] = "fuzz-chain";
inline constexpr uint32_t kMaxFrameBytes = 4096;
inline constexpr uint8_t kInitiatorKey = 2;
inline constexpr uint8_t kResponderKey = 1;

// The same bytes on every run: counting up from `seed`.
inline std::function<void(uint8_t*, size_t)> FixedRandom(uint8_t seed) {
  return [next = seed](uint8_t* out, size_t n) mutable {
    for (size_t i = 0; i < n; ++i) out[i] = next++;
  };
}

inline HandshakeConfig Config(uint8_t random_seed) {
  HandshakeConfig c;
  c.chain_id = kChain;
  c.is_allowed = [](const PublicKey&) { return true; };
  c.random = FixedRandom(random_seed);
  return c;
}
inline HandshakeConfig InitiatorConfig() {
  return Config(20);
}
inline HandshakeConfig ResponderConfig() {
  return Config(100);
}

inline SessionKey FrameKey() {
  SessionKey k;
  k.bytes.fill(0x42);
  return k;
}

}  // namespace corridor::p2p::fuzz

// Fuzz target: the streaming frame decoder.
//
// Byte 0 picks the chunk size; the rest is the stream, fed in those chunks
// under a fixed key. Properties: the decoder never holds more than one frame
// plus one chunk, and every frame it accepts re-encodes (same key, same
// counter) to exactly the bytes it consumed, so it accepts only what the
// encoder produces.
#include <algorithm>
#include <cstdlib>

#include "tests/fuzz/p2p_fuzz_setup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corridor;
  using namespace corridor::p2p;
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 97;
  ByteSpan stream(data + 1, size - 1);
  FrameDecoder dec(fuzz::FrameKey(), fuzz::kMaxFrameBytes);
  FrameEncoder enc(fuzz::FrameKey(), fuzz::kMaxFrameBytes);
  Bytes reencoded;
  for (size_t at = 0; at < stream.size(); at += chunk) {
    dec.Append(stream.subspan(at, std::min(chunk, stream.size() - at)));
    if (dec.buffered() > kFrameLengthBytes + fuzz::kMaxFrameBytes + chunk) std::abort();
    while (true) {
      auto f = dec.Next();
      if (!f.ok()) return 0;
      if (!*f) break;
      if ((*f)->payload.size() > MaxPayloadBytes(fuzz::kMaxFrameBytes)) std::abort();
      if (!enc.Encode((*f)->type, (*f)->payload, reencoded).ok()) std::abort();
      if (reencoded.size() > stream.size() ||
          !std::equal(reencoded.begin(), reencoded.end(), stream.begin()))
        std::abort();
    }
  }
  return 0;
}

// Writes the seed corpus of the P2P fuzz targets:
//   gen_p2p_seeds <corpus dir>   (creates <dir>/p2p_handshake and <dir>/p2p_frame)
// Re-run it after a change to the handshake or frame format.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/fuzz/p2p_fuzz_setup.h"

namespace {

using namespace corridor;
using namespace corridor::p2p;

void Write(const std::filesystem::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  std::printf("%s (%zu bytes)\n", p.c_str(), b.size());
}

void Append(Bytes& to, const Bytes& b) {
  to.insert(to.end(), b.begin(), b.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const auto hs_dir = root / "p2p_handshake";
  const auto frame_dir = root / "p2p_frame";
  std::filesystem::create_directories(hs_dir);
  std::filesystem::create_directories(frame_dir);

  PrivateKey ik = testing::TestKey(fuzz::kInitiatorKey);
  PrivateKey rk = testing::TestKey(fuzz::kResponderKey);
  Handshake i(Role::kInitiator, ik, fuzz::InitiatorConfig());
  Handshake r(Role::kResponder, rk, fuzz::ResponderConfig());
  auto i_auth = i.Receive(r.hello());
  auto r_auth = r.Receive(i.hello());
  if (!i_auth.ok() || !r_auth.ok() || !i.Receive(*r_auth).ok() || !r.Receive(*i_auth).ok() ||
      !i.done() || !r.done()) {
    std::fprintf(stderr, "seed handshake did not complete\n");
    return 1;
  }
  Write(hs_dir / "hello", i.hello());
  Write(hs_dir / "auth", *i_auth);
  // Byte 0: even = the fuzzed machine is the responder, odd = the initiator.
  Bytes to_responder = {0};
  Append(to_responder, FrameHandshakeMessage(i.hello()));
  Append(to_responder, FrameHandshakeMessage(*i_auth));
  Write(hs_dir / "initiator_stream", to_responder);
  Bytes to_initiator = {1};
  Append(to_initiator, FrameHandshakeMessage(r.hello()));
  Append(to_initiator, FrameHandshakeMessage(*r_auth));
  Write(hs_dir / "responder_stream", to_initiator);

  FrameEncoder enc(fuzz::FrameKey(), fuzz::kMaxFrameBytes);
  Bytes one = {7};  // chunk size selector
  if (!enc.Encode(16, Bytes{1, 2, 3, 4}, one).ok()) return 1;
  Write(frame_dir / "one_frame", one);
  FrameEncoder enc3(fuzz::FrameKey(), fuzz::kMaxFrameBytes);
  Bytes three = {0};
  bool ok = enc3.Encode(1, Bytes(8, 0), three).ok() && enc3.Encode(200, Bytes{}, three).ok() &&
            enc3.Encode(17, Bytes(300, 0xab), three).ok();
  if (!ok) return 1;
  Write(frame_dir / "three_frames", three);
  FrameEncoder big(fuzz::FrameKey(), fuzz::kMaxFrameBytes);
  Bytes largest = {96};
  if (!big.Encode(99, Bytes(MaxPayloadBytes(fuzz::kMaxFrameBytes), 0x11), largest).ok()) return 1;
  Write(frame_dir / "largest_frame", largest);
  return 0;
}

// Fuzz target: P2P handshake messages and the handshake state machine.
//
// Every input is tried as a Hello and as an Auth (whatever decodes must
// re-encode to the same bytes). Then byte 0 picks a role and the rest is the
// stream a peer would send (framed Hello, framed Auth, ...): it is split into
// messages and fed to a Handshake with fixed keys and randomness, so a seed
// from gen_p2p_seeds completes the handshake and mutations probe every check.
#include <algorithm>
#include <cstdlib>

#include "tests/fuzz/p2p_fuzz_setup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corridor;
  using namespace corridor::p2p;
  ByteSpan in(data, size);
  if (auto h = Hello::Decode(in); h.ok()) {
    Bytes enc = h->Encode();
    if (!std::equal(enc.begin(), enc.end(), in.begin(), in.end())) std::abort();
    if (h->chain_id.empty() || h->chain_id.size() > kMaxChainIdBytes) std::abort();
  }
  if (auto a = Auth::Decode(in); a.ok()) {
    Bytes enc = a->Encode();
    if (!std::equal(enc.begin(), enc.end(), in.begin(), in.end())) std::abort();
  }
  if (size == 0) return 0;

  static const PrivateKey initiator_key = testing::TestKey(fuzz::kInitiatorKey);
  static const PrivateKey responder_key = testing::TestKey(fuzz::kResponderKey);
  const bool as_initiator = (data[0] & 1) != 0;
  Handshake hs(as_initiator ? Role::kInitiator : Role::kResponder,
               as_initiator ? initiator_key : responder_key,
               as_initiator ? fuzz::InitiatorConfig() : fuzz::ResponderConfig());
  HandshakeMessageReader reader;
  reader.Append(in.subspan(1));
  while (!hs.done()) {
    auto msg = reader.Next();
    if (!msg.ok() || !*msg) break;
    if ((*msg)->empty() || (*msg)->size() > kMaxHandshakeMessageBytes) std::abort();
    auto reply = hs.Receive(**msg);
    if (!reply.ok()) {
      if (!hs.failed()) std::abort();
      break;
    }
  }
  if (hs.done()) {
    // Only the one peer the fixed seeds speak for can get here.
    const PublicKey expected = (as_initiator ? responder_key : initiator_key).public_key();
    if (hs.peer_key() != expected) std::abort();
  }
  return 0;
}

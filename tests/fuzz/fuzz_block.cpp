// Fuzz target: block, header and commit-certificate decoding.
#include <cstdlib>

#include "chain/block.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corridor;
  ByteSpan in(data, size);
  if (auto b = Block::Decode(in); b.ok()) {
    Bytes enc = (*b)->Encode();
    if (!std::equal(enc.begin(), enc.end(), in.begin(), in.end())) std::abort();
  }
  if (auto h = BlockHeader::Decode(in); h.ok()) {
    Bytes enc = h->Encode();
    if (!std::equal(enc.begin(), enc.end(), in.begin(), in.end())) std::abort();
  }
  if (auto c = CommitCertificate::Decode(in); c.ok()) {
    Bytes enc = c->Encode();
    if (!std::equal(enc.begin(), enc.end(), in.begin(), in.end())) std::abort();
    PublicKey keys[1];
    (void)c->Verify("corridor-local", keys);
  }
  return 0;
}

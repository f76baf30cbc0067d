#include "chain/read_request.h"

#include "chain/encoding.h"

namespace corridor {

Hash ReadRequestDigest(std::string_view method, const Address& signer, const Address& subject,
                       uint64_t timestamp_ms) {
  Writer w(64 + method.size());
  w.String(method);
  w.Fixed(signer.bytes);
  w.Fixed(subject.bytes);
  w.U64(timestamp_ms);
  return TaggedHash(tags::kRpcAuth, w.data());
}

}  // namespace corridor

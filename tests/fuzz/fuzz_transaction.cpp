// Fuzz target: transaction decoding. Anything that decodes must re-encode to
// the identical bytes (one canonical encoding) and survive verification.
#include <cstdlib>

#include "chain/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corridor;
  ByteSpan in(data, size);
  auto r = Transaction::Decode(in);
  if (!r.ok()) return 0;
  const TransactionPtr& tx = *r;
  if (!std::equal(tx->encoded().begin(), tx->encoded().end(), in.begin(), in.end())) std::abort();
  TransactionPtr again = Transaction::Create(tx->body(), tx->signatures());
  if (again->encoded() != tx->encoded() || again->id() != tx->id()) std::abort();
  (void)tx->VerifySignatures();
  return 0;
}

// Fuzz target: address (bech32m) parsing. A parsed address re-encodes to the
// lower-case form of the input.
#include <cctype>
#include <cstdlib>
#include <string>

#include "chain/address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace corridor;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto a = Address::Parse(text);
  if (!a.ok()) return 0;
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (a->ToString() != lower) std::abort();
  return 0;
}

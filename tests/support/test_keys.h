// Deterministic keys for tests and benchmarks: TestKey(n) is the secret key
// with value n (1..255). Never use such keys outside tests.
#pragma once

#include <cstdint>
#include <utility>

#include "chain/address.h"
#include "chain/keys.h"

namespace corridor::testing {

inline PrivateKey TestKey(uint8_t n) {
  Bytes raw(32, 0);
  raw[31] = n;
  return std::move(PrivateKey::FromBytes(raw)).value();
}

inline Address TestAddress(uint8_t n) {
  return Address::FromPublicKey(TestKey(n).public_key());
}

}  // namespace corridor::testing

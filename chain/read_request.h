// What a key signs to read restricted RPC data (docs/rpc.md §8.21): an
// account's history and statement when the node serves them privately, and
// the compliance methods. Shared by the node (which verifies) and the wallet
// (which signs), so both use the one encoding.
#pragma once

#include <cstdint>
#include <string_view>

#include "chain/address.h"
#include "chain/hash.h"

namespace corridor {

// TaggedHash("corridor/rpc-auth", string method ‖ addr signer ‖ addr subject ‖
// u64 timestamp_ms). `subject` is the account whose records are read, zero
// for compliance-wide methods.
Hash ReadRequestDigest(std::string_view method, const Address& signer, const Address& subject,
                       uint64_t timestamp_ms);

}  // namespace corridor

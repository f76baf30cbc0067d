// Merkle root over a list of hashes (docs/protocol.md §8.2).
//
// Leaves are TaggedHash("corridor/merkle-leaf", item); inner nodes are
// TaggedHash("corridor/merkle-node", left || right); a level with an odd count
// carries its last node up unchanged (no duplication, so two different lists
// never share a root). The root of an empty list is 32 zero bytes.
#pragma once

#include <span>
#include <vector>

#include "chain/hash.h"

namespace corridor {

Hash MerkleRoot(std::span<const Hash> items);

}  // namespace corridor

#include "chain/merkle.h"

namespace corridor {

Hash MerkleRoot(std::span<const Hash> items) {
  if (items.empty()) return Hash{};
  std::vector<Hash> level;
  level.reserve(items.size());
  for (const Hash& h : items) level.push_back(TaggedHash(tags::kMerkleLeaf, ByteSpan(h.bytes)));
  while (level.size() > 1) {
    size_t out = 0;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      TaggedHasher hasher(tags::kMerkleNode);
      hasher.Write(ByteSpan(level[i].bytes)).Write(ByteSpan(level[i + 1].bytes));
      level[out++] = hasher.Finish();
    }
    if (level.size() % 2 == 1) level[out++] = level.back();
    level.resize(out);
  }
  return level[0];
}

}  // namespace corridor

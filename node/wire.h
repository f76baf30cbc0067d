// Node-level P2P payloads (docs/p2p.md "Message types"): transaction gossip,
// block sync and status. The transport (p2p/) carries (type, payload); these
// are the payloads' canonical encodings, with bounded decoders like every
// other decoder in Corridor.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/block.h"
#include "chain/result.h"

namespace corridor::node {

// A node's view of its chain, sent on connect and after each commit.
struct StatusMsg {
  uint64_t height = 0;  // last committed height
  Hash tip;             // its block hash (zero at genesis)
  Bytes Encode() const;
  static Result<StatusMsg> Decode(ByteSpan data);
};

// Transactions a node admitted, forwarded in batches.
struct TxBatchMsg {
  static constexpr size_t kMaxTxs = 4096;
  std::vector<TransactionPtr> txs;
  Bytes Encode() const;
  static Result<TxBatchMsg> Decode(ByteSpan data);
};

// "Send me committed blocks from `from_height`, at most `count` of them."
struct BlockRequestMsg {
  static constexpr uint32_t kMaxCount = 512;
  uint64_t from_height = 0;
  uint32_t count = 0;
  Bytes Encode() const;
  static Result<BlockRequestMsg> Decode(ByteSpan data);
};

struct CommittedBlock {
  BlockPtr block;
  CommitCertificate certificate;
};

// Committed blocks in ascending height order, each with its certificate. The
// receiver checks every certificate against the validator set at its height
// before applying anything.
struct BlockResponseMsg {
  static constexpr size_t kMaxBytes = 64 * 1024 * 1024;
  std::vector<CommittedBlock> blocks;
  Bytes Encode() const;
  static Result<BlockResponseMsg> Decode(ByteSpan data);
};

}  // namespace corridor::node

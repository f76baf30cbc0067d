// The consensus write-ahead log (docs/consensus.md "Persistence").
//
// The engine writes a record, syncs, and only then releases the message the
// record protects. What is written when:
//
//   before a PROPOSAL or NEW-VIEW is sent   Signed{height, view, type, hash}
//   before a PREPARE is sent                Signed{height, view, PREPARE, hash}
//   before a COMMIT is sent                 Prepared{certificate, block} and
//                                           Signed{height, view, COMMIT, hash}
//   before a VIEW-CHANGE is sent            ViewChange{height, view}
//
// On restart the records of the height being decided are replayed: the node
// never signs a different block for a (height, view, type) it already signed,
// never votes in a view below one it has left, and still reports its prepared
// certificate in later VIEW-CHANGEs. Records of lower heights are ignored
// (those heights are committed and in the block store) and dropped when the
// log is compacted.
//
// The node implements Wal over node::AppendLog (CRC-framed, fdatasync);
// tests use an in-memory log that can lose its unsynced tail.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/block.h"
#include "chain/bytes.h"
#include "chain/result.h"
#include "consensus/message.h"

namespace corridor::consensus {

class Wal {
 public:
  virtual ~Wal() = default;
  virtual Status Append(ByteSpan record) = 0;
  // Everything appended so far is durable once this returns OK.
  virtual Status Sync() = 0;
  // Atomically and durably replaces the whole log with `records`.
  virtual Status Rewrite(const std::vector<Bytes>& records) = 0;
  virtual uint64_t size_bytes() const = 0;
};

enum class WalKind : uint8_t { kSigned = 1, kPrepared = 2, kViewChange = 3 };

struct WalRecord {
  WalKind kind = WalKind::kSigned;
  uint64_t height = 0;
  uint64_t view = 0;
  MsgType type = MsgType::kPrepare;      // kSigned
  Hash block_hash;                       // kSigned
  std::optional<PreparedCert> prepared;  // kPrepared
  BlockPtr block;                        // kPrepared

  Bytes Encode() const;
  static Result<WalRecord> Decode(ByteSpan data);
};

}  // namespace corridor::consensus

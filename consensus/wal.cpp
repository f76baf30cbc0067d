#include "consensus/wal.h"

#include "chain/limits.h"

namespace corridor::consensus {

Bytes WalRecord::Encode() const {
  Writer w;
  w.U8(static_cast<uint8_t>(kind));
  w.U64(height);
  w.U64(view);
  switch (kind) {
    case WalKind::kSigned:
      w.U8(static_cast<uint8_t>(type));
      w.Fixed(block_hash.bytes);
      break;
    case WalKind::kPrepared:
      prepared->Encode(w);
      w.VarBytes(block->Encode());
      break;
    case WalKind::kViewChange:
      break;
  }
  return std::move(w).Take();
}

Result<WalRecord> WalRecord::Decode(ByteSpan data) {
  WalRecord rec;
  Reader r(data);
  uint8_t kind = 0;
  if (r.U8(kind) && r.U64(rec.height) && r.U64(rec.view)) {
    switch (kind) {
      case static_cast<uint8_t>(WalKind::kSigned): {
        rec.kind = WalKind::kSigned;
        uint8_t type = 0;
        if (r.U8(type) && r.Fixed(rec.block_hash.bytes)) {
          if (type < 1 || type > static_cast<uint8_t>(MsgType::kNewView)) {
            r.Fail("bad_wal_record", "unknown message type");
          }
          rec.type = static_cast<MsgType>(type);
        }
        break;
      }
      case static_cast<uint8_t>(WalKind::kPrepared): {
        rec.kind = WalKind::kPrepared;
        rec.prepared.emplace();
        Bytes raw;
        if (PreparedCert::Decode(r, *rec.prepared) && r.VarBytes(raw, kMaxBlockBytes)) {
          auto block = Block::Decode(raw);
          if (!block) return block.error();
          rec.block = std::move(block).value();
          if (rec.block->hash() != rec.prepared->block_hash) {
            r.Fail("bad_wal_record", "prepared block does not match its certificate");
          }
        }
        break;
      }
      case static_cast<uint8_t>(WalKind::kViewChange):
        rec.kind = WalKind::kViewChange;
        break;
      default:
        r.Fail("bad_wal_record", "unknown record kind");
    }
  }
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  return rec;
}

}  // namespace corridor::consensus

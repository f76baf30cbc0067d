#include "consensus/message.h"

#include <algorithm>

#include "chain/limits.h"

namespace corridor::consensus {
namespace {

constexpr size_t kSigBytes = PublicKey::kSize + Signature::kSize;

bool ValidType(uint8_t t) {
  return t >= static_cast<uint8_t>(MsgType::kProposal) &&
         t <= static_cast<uint8_t>(MsgType::kNewView);
}

void EncodeSigs(Writer& w, const std::vector<ValidatorSig>& sigs) {
  w.Varint(sigs.size());
  for (const auto& s : sigs) {
    w.Fixed(s.validator.bytes);
    w.Fixed(s.sig.bytes);
  }
}

// Everything of a message except its block and signature. Used for both the
// wire encoding and the signing body.
void EncodeHead(Writer& w, const Message& m) {
  w.U8(static_cast<uint8_t>(m.type));
  w.U64(m.height);
  w.U64(m.view);
  w.Fixed(m.sender.bytes);
  w.Fixed(m.block_hash.bytes);
}

void EncodeBody(Writer& w, const Message& m) {
  if (m.type == MsgType::kViewChange) {
    w.Bool(m.prepared.has_value());
    if (m.prepared) m.prepared->Encode(w);
  } else if (m.type == MsgType::kNewView) {
    w.Varint(m.view_changes.size());
    for (const auto& vc : m.view_changes) vc->Encode(w);
  }
}

bool DecodeBlock(Reader& r, BlockPtr& out) {
  Bytes raw;
  if (!r.VarBytes(raw, kMaxBlockBytes)) return false;
  auto block = Block::Decode(raw);
  if (!block) return r.Fail("bad_block", block.error().message);
  out = std::move(block).value();
  return true;
}

bool DecodeMessage(Reader& r, Message& m, int depth) {
  uint8_t type = 0;
  if (!r.U8(type)) return false;
  if (!ValidType(type)) return r.Fail("bad_message", "unknown consensus message type");
  m.type = static_cast<MsgType>(type);
  if (!r.U64(m.height) || !r.U64(m.view) || !r.Fixed(m.sender.bytes) ||
      !r.Fixed(m.block_hash.bytes)) {
    return false;
  }
  switch (m.type) {
    case MsgType::kProposal:
      if (!DecodeBlock(r, m.block)) return false;
      break;
    case MsgType::kPrepare:
    case MsgType::kCommit:
      break;
    case MsgType::kViewChange: {
      bool has_cert = false;
      if (!r.Bool(has_cert)) return false;
      if (has_cert) {
        m.prepared.emplace();
        if (!PreparedCert::Decode(r, *m.prepared)) return false;
      }
      bool has_block = false;
      if (!r.Bool(has_block)) return false;
      if (has_block && !DecodeBlock(r, m.block)) return false;
      break;
    }
    case MsgType::kNewView: {
      if (depth > 0) return r.Fail("bad_message", "nested NEW-VIEW");
      uint64_t n = 0;
      // A VIEW-CHANGE is at least 83 bytes + signature.
      if (!r.Count(n, kMaxValidators, 83 + Signature::kSize)) return false;
      m.view_changes.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        auto vc = std::make_shared<Message>();
        if (!DecodeMessage(r, *vc, depth + 1)) return false;
        m.view_changes.push_back(std::move(vc));
      }
      if (!DecodeBlock(r, m.block)) return false;
      break;
    }
  }
  return r.Fixed(m.sig.bytes);
}

}  // namespace

std::string_view MsgTypeName(MsgType type) {
  switch (type) {
    case MsgType::kProposal:
      return "PROPOSAL";
    case MsgType::kPrepare:
      return "PREPARE";
    case MsgType::kCommit:
      return "COMMIT";
    case MsgType::kViewChange:
      return "VIEW-CHANGE";
    case MsgType::kNewView:
      return "NEW-VIEW";
  }
  return "UNKNOWN";
}

void PreparedCert::Encode(Writer& w) const {
  w.U64(height);
  w.U64(view);
  w.Fixed(block_hash.bytes);
  EncodeSigs(w, sigs);
}

bool PreparedCert::Decode(Reader& r, PreparedCert& out) {
  if (!r.U64(out.height) || !r.U64(out.view) || !r.Fixed(out.block_hash.bytes)) return false;
  uint64_t n = 0;
  if (!r.Count(n, kMaxValidators, kSigBytes)) return false;
  out.sigs.resize(n);
  for (auto& s : out.sigs) {
    if (!r.Fixed(s.validator.bytes) || !r.Fixed(s.sig.bytes)) return false;
  }
  return true;
}

void Message::Encode(Writer& w) const {
  EncodeHead(w, *this);
  switch (type) {
    case MsgType::kProposal:
      w.VarBytes(block ? block->Encode() : Bytes{});
      break;
    case MsgType::kPrepare:
    case MsgType::kCommit:
      break;
    case MsgType::kViewChange:
      EncodeBody(w, *this);
      w.Bool(block != nullptr);
      if (block) w.VarBytes(block->Encode());
      break;
    case MsgType::kNewView:
      EncodeBody(w, *this);
      w.VarBytes(block ? block->Encode() : Bytes{});
      break;
  }
  w.Fixed(sig.bytes);
}

Bytes Message::Encode() const {
  Writer w;
  Encode(w);
  return std::move(w).Take();
}

Result<MessagePtr> Message::Decode(ByteSpan data) {
  auto m = std::make_shared<Message>();
  Reader r(data);
  DecodeMessage(r, *m, 0);
  r.ExpectEnd();
  if (!r.ok()) return r.error();
  if (auto st = CheckStructure(*m); !st) return st.error();
  return MessagePtr(std::move(m));
}

Hash SigningDigest(std::string_view chain_id, const Message& m) {
  if (m.type == MsgType::kCommit) {
    return CommitVoteDigest(chain_id, m.height, m.view, m.block_hash);
  }
  Writer w(160);
  w.String(chain_id);
  EncodeHead(w, m);
  EncodeBody(w, m);
  return TaggedHash(tags::kConsensusMessage, w.data());
}

Hash PrepareDigest(std::string_view chain_id, uint64_t height, uint64_t view,
                   const PublicKey& validator, const Hash& block_hash) {
  Message m;
  m.type = MsgType::kPrepare;
  m.height = height;
  m.view = view;
  m.sender = validator;
  m.block_hash = block_hash;
  return SigningDigest(chain_id, m);
}

Status CheckStructure(const Message& m) {
  auto bad = [](std::string msg) { return MakeError("bad_message", std::move(msg)); };
  switch (m.type) {
    case MsgType::kProposal:
    case MsgType::kNewView:
      if (!m.block) return bad("proposal without a block");
      if (m.block->hash() != m.block_hash) return bad("block does not match block_hash");
      if (m.block->height() != m.height) return bad("block height does not match");
      if (m.prepared) return bad("certificate outside a VIEW-CHANGE");
      break;
    case MsgType::kPrepare:
    case MsgType::kCommit:
      if (m.block || m.prepared || !m.view_changes.empty()) return bad("vote with a body");
      break;
    case MsgType::kViewChange:
      if (!m.block_hash.IsZero()) return bad("VIEW-CHANGE with a block hash");
      if (!m.view_changes.empty()) return bad("VIEW-CHANGE with VIEW-CHANGEs");
      if (m.prepared) {
        if (m.prepared->height != m.height || m.prepared->view >= m.view) {
          return bad("prepared certificate not from an earlier view of this height");
        }
      }
      if (m.block && (!m.prepared || m.block->hash() != m.prepared->block_hash)) {
        return bad("VIEW-CHANGE block is not the prepared block");
      }
      break;
  }
  if (m.type != MsgType::kNewView && !m.view_changes.empty()) {
    return bad("VIEW-CHANGEs outside a NEW-VIEW");
  }
  if (m.type == MsgType::kNewView) {
    if (m.view_changes.size() > kMaxValidators) return bad("too many VIEW-CHANGEs");
    for (const auto& vc : m.view_changes) {
      if (!vc || vc->type != MsgType::kViewChange) return bad("NEW-VIEW holds a non-VIEW-CHANGE");
      if (vc->height != m.height || vc->view != m.view) {
        return bad("NEW-VIEW holds a VIEW-CHANGE for another height or view");
      }
      if (vc->block) return bad("NEW-VIEW's VIEW-CHANGEs must not carry blocks");
      if (auto st = CheckStructure(*vc); !st) return st;
    }
  }
  return {};
}

void SignMessage(std::string_view chain_id, const PrivateKey& key, Message& m) {
  m.sender = key.public_key();
  m.sig = key.Sign(SigningDigest(chain_id, m));
}

namespace {
class RealVerifier final : public SignatureVerifier {
 public:
  bool Verify(const PublicKey& key, const Hash& digest, const Signature& sig) override {
    return VerifySignature(key, digest, sig);
  }
};
}  // namespace

SignatureVerifier& DefaultVerifier() {
  static RealVerifier verifier;
  return verifier;
}

}  // namespace corridor::consensus

// Consensus messages (docs/consensus.md "Messages").
//
// PBFT adapted to a chain: the sequence number is the block height. Five
// messages, each signed by the sending validator's BIP-340 key:
//
//   PROPOSAL     (PRE-PREPARE) the leader of (height, view) proposes a block
//   PREPARE      a validator accepted the proposal with `block_hash`
//   COMMIT       a validator saw 2f+1 PREPAREs; its signature is over
//                CommitVoteDigest, so 2f+1 COMMITs form a CommitCertificate
//   VIEW-CHANGE  a validator gives up on the views below `view`, carrying its
//                highest prepared certificate (and optionally that block)
//   NEW-VIEW     the leader of `view` proves 2f+1 VIEW-CHANGEs and
//                re-proposes the highest prepared block (or a new one)
//
// Signatures other than COMMIT's are over
//   TaggedHash("corridor/consensus-msg", chain_id || type || height || view ||
//              sender || block_hash || body)
// where body is the encoded prepared certificate (VIEW-CHANGE) or the encoded
// VIEW-CHANGE list (NEW-VIEW), so a signature for one chain, type, height or
// view can never be replayed as another. Blocks are bound through their hash.
//
// Decoding checks structure and bounds only; signatures and membership are
// checked by the engine, which knows the validator set of each height.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "chain/block.h"
#include "chain/bytes.h"
#include "chain/encoding.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace corridor::consensus {

enum class MsgType : uint8_t {
  kProposal = 1,
  kPrepare = 2,
  kCommit = 3,
  kViewChange = 4,
  kNewView = 5,
};

std::string_view MsgTypeName(MsgType type);

struct ValidatorSig {
  PublicKey validator;
  Signature sig;
  bool operator==(const ValidatorSig&) const = default;
};

// Proof that a block was prepared: PREPARE signatures from a quorum of the
// validators for (height, view, block_hash), sorted by validator key.
struct PreparedCert {
  uint64_t height = 0;
  uint64_t view = 0;
  Hash block_hash;
  std::vector<ValidatorSig> sigs;

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, PreparedCert& out);
  bool operator==(const PreparedCert&) const = default;
};

struct Message;
using MessagePtr = std::shared_ptr<const Message>;

struct Message {
  MsgType type = MsgType::kPrepare;
  uint64_t height = 0;
  uint64_t view = 0;
  PublicKey sender;
  // The block voted on or proposed; zero in a VIEW-CHANGE.
  Hash block_hash;
  // PROPOSAL and NEW-VIEW: the proposed block (required). VIEW-CHANGE: the
  // prepared block (optional, not covered by the signature: it is bound by
  // the certificate's hash).
  BlockPtr block;
  // VIEW-CHANGE only: the sender's highest prepared certificate at `height`.
  std::optional<PreparedCert> prepared;
  // NEW-VIEW only: a quorum of VIEW-CHANGEs for (height, view), without blocks.
  std::vector<MessagePtr> view_changes;
  Signature sig;

  void Encode(Writer& w) const;
  Bytes Encode() const;
  // Structure and bounds; see CheckStructure.
  static Result<MessagePtr> Decode(ByteSpan data);
};

// The digest `m.sender` signs.
Hash SigningDigest(std::string_view chain_id, const Message& m);
// The digest of a PREPARE, for checking a PreparedCert's signatures.
Hash PrepareDigest(std::string_view chain_id, uint64_t height, uint64_t view,
                   const PublicKey& validator, const Hash& block_hash);

// Field rules that do not need the validator set: the block matches
// block_hash and height, a VIEW-CHANGE's certificate is for an earlier view of
// the same height, a NEW-VIEW's VIEW-CHANGEs are for its height and view and
// carry no blocks. Error code "bad_message".
Status CheckStructure(const Message& m);

// Fills in sender and sig.
void SignMessage(std::string_view chain_id, const PrivateKey& key, Message& m);

// Signature checks, injectable so a simulation of many nodes in one process
// can share a cache (each message is verified by every receiver).
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  virtual bool Verify(const PublicKey& key, const Hash& digest, const Signature& sig) = 0;
};

// Calls corridor::VerifySignature.
SignatureVerifier& DefaultVerifier();

}  // namespace corridor::consensus

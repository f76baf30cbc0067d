// corridor-demo: what `make run` runs until corridord exists (README).
//
// Walks through the life of a payment with the real chain primitives: four
// validator keys and two account keys are generated, a wallet builds and signs
// a USD payment, the raw transaction is decoded and verified as a node would,
// a block is assembled around it, three of the four validators sign the commit
// vote, and the resulting commit certificate is verified the way an auditor
// would. Every value printed is computed, none is canned.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/transaction.h"

using namespace corridor;

int main() {
  constexpr char kChain[] = "corridor-demo";
  std::vector<PrivateKey> validators;
  std::vector<PublicKey> set;
  for (int i = 0; i < 4; ++i) {
    validators.push_back(PrivateKey::Generate());
    set.push_back(validators.back().public_key());
  }
  PrivateKey alice = PrivateKey::Generate();
  PrivateKey bob = PrivateKey::Generate();
  const Address alice_addr = Address::FromPublicKey(alice.public_key());
  const Address bob_addr = Address::FromPublicKey(bob.public_key());

  std::printf("Corridor chain primitives demo (chain id %s)\n\n", kChain);
  std::printf("validators (n=4, f=%zu, quorum=%zu):\n", MaxFaulty(4), QuorumSize(4));
  for (size_t i = 0; i < set.size(); ++i) std::printf("  v%zu %s\n", i, set[i].ToHex().c_str());
  std::printf("alice %s\nbob   %s\n\n", alice_addr.ToString().c_str(), bob_addr.ToString().c_str());

  // A typo in bob's address is caught before anything is signed.
  std::string typo = bob_addr.ToString();
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  auto parsed = Address::Parse(typo);
  std::printf("wallet refuses mistyped address %s:\n  %s\n\n", typo.c_str(),
              parsed.ok() ? "(accepted?!)" : parsed.error().ToString().c_str());

  // The wallet builds and signs a payment of 12.50 USD.
  TxBody body;
  body.chain_id = kChain;
  body.sender = alice_addr;
  body.nonce = 0;
  body.expiry_height = 100;
  body.op = Payment{*Address::Parse(bob_addr.ToString()), "USD", 1250};
  body.memo = "INV-2026-0001";
  TransactionPtr tx = Transaction::Sign(body, {&alice});
  std::printf("signed payment 12.50 USD alice -> bob, memo %s\n  id  %s\n  raw %zu bytes %s\n\n",
              body.memo.c_str(), tx->id().ToHex().c_str(), tx->size(),
              ToHex(tx->encoded()).c_str());

  // A node decodes and verifies it; a tampered copy is refused.
  auto decoded = Transaction::Decode(tx->encoded());
  std::printf("node decodes: %s, signatures %s\n", decoded.ok() ? "ok" : "FAILED",
              decoded.ok() && (*decoded)->VerifySignatures() ? "valid" : "INVALID");
  Bytes tampered = tx->encoded();
  tampered[tampered.size() - 70] ^= 1;  // flip a bit inside the signature
  auto bad = Transaction::Decode(tampered);
  std::printf("tampered copy: %s\n\n",
              !bad.ok() ? bad.error().ToString().c_str()
                        : ((*bad)->VerifySignatures() ? "verifies?!" : "signature check fails"));

  // A block at height 1 carrying it, and its commit certificate.
  std::vector<TransactionPtr> txs = {tx};
  BlockHeader h;
  h.chain_id = kChain;
  h.height = 1;
  h.timestamp_ms = 1'790'000'000'000;
  h.proposer = set[1];
  h.view = 0;
  h.tx_root = Block::ComputeTxRoot(txs);
  BlockPtr block = Block::Create(h, txs);
  std::printf("block 1: hash %s, %zu tx, %zu bytes\n", block->hash().ToHex().c_str(),
              block->transactions().size(), block->Encode().size());

  CommitCertificate cert{1, 0, block->hash(), {}};
  const Hash digest = CommitVoteDigest(kChain, 1, 0, block->hash());
  for (int i = 0; i < 3; ++i) cert.signatures.push_back({set[i], validators[i].Sign(digest)});
  std::sort(cert.signatures.begin(), cert.signatures.end(),
            [](const auto& a, const auto& b) { return a.validator < b.validator; });
  Status st = cert.Verify(kChain, set);
  std::printf("commit certificate with 3 of 4 signatures: %s\n",
              st.ok() ? "valid (block final)" : st.error().ToString().c_str());
  cert.signatures.pop_back();
  st = cert.Verify(kChain, set);
  std::printf("with only 2 of 4: %s\n", st.ok() ? "valid?!" : st.error().ToString().c_str());
  std::printf(
      "\nThe full node (corridord, a local 4-validator network) is not built yet; see README.\n");
  return 0;
}

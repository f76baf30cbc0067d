#include "node/restore_trust.h"

#include "contracts/ledger.h"

namespace corridor::node {

Result<RestoreOptions> RestoreTrust(const contracts::GenesisDoc& genesis) {
  auto block = contracts::GenesisBlock(genesis);
  if (!block) return block.error();
  RestoreOptions o;
  o.expected_chain_id = genesis.chain_id;
  o.expected_genesis_hash = (*block)->hash();
  for (const auto& v : genesis.validators) o.trusted_validators.push_back(v.key);
  o.validator_set_key = contracts::ValidatorSetKey();
  o.validators_at = [](const StateView& view, uint64_t height) {
    return contracts::ValidatorsAt(view, height);
  };
  return o;
}

}  // namespace corridor::node

// What a restore of this network's backups trusts (docs/backup.md "Trust"):
// the genesis document's chain id, genesis block hash and validator set, and
// where the contracts keep the validator set (contracts::ValidatorSetKey,
// contracts::ValidatorsAt), which chain/ does not know. Used by `corridord
// restore` and the restore tests.
#pragma once

#include "chain/result.h"
#include "chain/store_backup.h"
#include "contracts/genesis.h"

namespace corridor::node {

// RestoreOptions with everything but in_path and store filled in for the
// network of `genesis`. Fails when the genesis block cannot be built.
Result<RestoreOptions> RestoreTrust(const contracts::GenesisDoc& genesis);

}  // namespace corridor::node

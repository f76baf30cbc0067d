// Backups of a ChainStore: one file holding a consistent copy of the node's
// database at a committed height, with a manifest (chain id, height, block
// hash, state root, per-section checksums) that a restore checks before it
// trusts anything. Format: docs/backup.md.
//
// WriteBackup reads a LevelDB snapshot, so it runs while the node commits
// blocks (each block is one write batch, so every snapshot is at a committed
// height). The state tree nodes are not copied: a restore rebuilds the tree
// from the state values and refuses the file unless the rebuilt root equals
// the state root in the header of the backed-up block, and unless that
// block's commit certificate carries a quorum of the validator set in force
// at its height. That set is found by following the validator set changes
// from the trusted genesis set (docs/backup.md "Trust"): each change is
// accepted only from a state that a block certified by the set before it
// commits to.
//
// Thread-safety: WriteBackup may run on any thread concurrently with
// commits; RestoreBackup writes a new database nobody else has open.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chain/block_store.h"
#include "chain/hash.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace corridor {

inline constexpr uint32_t kBackupFormatVersion = 1;

struct BackupSection {
  std::string name;  // "chain", "state", "state_history"
  uint64_t offset = 0;
  uint64_t bytes = 0;
  uint64_t records = 0;
  Hash checksum;  // TaggedHash("corridor/backup-section", the section's bytes)
};

struct BackupManifest {
  uint32_t format_version = kBackupFormatVersion;
  std::string chain_id;
  uint64_t height = 0;  // the last committed block in the backup
  Hash block_hash;
  Hash state_root;  // block `height`'s header state_root
  uint64_t block_timestamp_ms = 0;
  uint64_t bodies_from = 1;  // BlockStore::BodiesFrom() of the source
  std::vector<BackupSection> sections;
  uint64_t file_bytes = 0;  // filled in by Write/Verify (not stored)
};

// Writes a backup of `store` to `out_path` (refused with "exists" when the
// file exists; written to `out_path`.partial, synced, then renamed).
// Errors: "exists", "io", "empty_store", "corrupt_store".
Result<BackupManifest> WriteBackup(const ChainStore& store, const std::string& out_path);

// Reads the manifest and recomputes every section's checksum. Errors (the
// message says which check failed): "backup_io", "backup_format",
// "backup_manifest_checksum", "backup_section_checksum".
Result<BackupManifest> VerifyBackup(const std::string& path);

struct RestoreOptions {
  std::string in_path;
  ChainStore::Options store;  // store.path must not hold a database yet
  // The chain id the backup must be of (empty: any).
  std::string expected_chain_id;
  // The hash of the network's genesis block (zero: not checked). The
  // backup's block 0 must be this block.
  Hash expected_genesis_hash;
  // The genesis validator set: the root of trust. Required.
  std::vector<PublicKey> trusted_validators;
  // chain/ does not know the state layout; the node supplies it
  // (contracts::ValidatorSetKey, contracts::ValidatorsAt). Both required for
  // a backup above height 0.
  //  - validator_set_key: the state key of the set in force; its past
  //    versions (state history) say at which heights the set changed.
  //  - validators_at(state after block h, height): the set deciding `height`
  //    (h + 1 <= height <= h + the change delay) — with height = h, the set
  //    that decided block h.
  Bytes validator_set_key;
  std::function<std::vector<PublicKey>(const StateView&, uint64_t height)> validators_at;
};

struct RestoreReport {
  BackupManifest manifest;
  uint64_t state_keys = 0;
  // The sets followed from genesis: the heights at which a new set took
  // over (ascending), each checked as docs/backup.md "Trust" says.
  std::vector<uint64_t> validator_set_changes;
  // Blocks whose certificate and (rolled-back) state root were checked.
  uint64_t checkpoints = 0;
};

// Restores into a new database at options.store.path, checking in order:
// the manifest checksum, each section's checksum, the chain id, the block
// hash at the backup's height, the state root rebuilt from the state values
// against that block's header, the chain of headers back to the genesis
// block, the state history's latest versions against the state, and then,
// following the validator sets from genesis, at the last block before each
// set change and at the backup's height: the block's commit certificate
// against the set in force, the state root of the state rolled back to that
// height, and the set that state says decided the block. On any failure the
// partial database is removed and the error names the check: "backup_*" as
// VerifyBackup, "target_exists", "wrong_chain", "block_hash_mismatch",
// "state_root_mismatch", "genesis_mismatch", "header_chain_broken",
// "state_history_mismatch", "certificate_invalid", "validator_set_mismatch".
Result<RestoreReport> RestoreBackup(const RestoreOptions& options);

}  // namespace corridor

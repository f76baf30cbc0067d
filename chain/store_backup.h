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
// block's commit certificate carries a quorum of the trusted validator set.
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
  // The validator set that must have certified the backed-up block (the
  // genesis set). Empty: the certificate is checked against the validator
  // set recorded in the backup's own state, which proves less; the result
  // says so (RestoreReport::certificate_checked_against_genesis).
  std::vector<PublicKey> trusted_validators;
  // Reads validators from a state view (contracts::ReadValidators); chain/
  // does not know the state layout. Required when trusted_validators is empty.
  std::function<std::vector<PublicKey>(const StateView&)> read_validators;
};

struct RestoreReport {
  BackupManifest manifest;
  uint64_t state_keys = 0;
  bool certificate_checked_against_trusted_set = false;
};

// Restores into a new database at options.store.path, checking in order:
// the manifest checksum, each section's checksum, the chain id, the block
// hash at the backup's height, the state root rebuilt from the state values
// against that block's header, and the block's commit certificate. On any
// failure the partial database is removed and the error names the check:
// "backup_*" as VerifyBackup, "target_exists", "wrong_chain",
// "block_hash_mismatch", "state_root_mismatch", "certificate_invalid".
Result<RestoreReport> RestoreBackup(const RestoreOptions& options);

}  // namespace corridor

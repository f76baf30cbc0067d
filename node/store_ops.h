// The operator commands on a node's chain store (docs/backup.md,
// docs/operations.md): `corridord backup`, `restore`, `verify-backup` and
// `compact`, and the JSON form of a backup manifest that `admin_backup`
// answers with. Each command returns a process exit code (0 success,
// 1 failure, 2 bad usage) and writes its report to `out`, errors to `err`.
#pragma once

#include <iosfwd>
#include <string>

#include "chain/store_backup.h"
#include "rpc/json.h"

namespace corridor::node {

rpc::Json ManifestJson(const BackupManifest& m);

// Backs up the node whose home is `home` to `out_path`. When the node is
// running (its store is locked) the backup is made by the node itself over
// the admin RPC method admin_backup (loopback or [rpc] admin_token);
// otherwise the store is read directly.
int BackupCommand(const std::string& home, const std::string& out_path, std::ostream& out,
                  std::ostream& err);
// Restores `in_path` into the home's (empty) data directory, checking it
// against the home's genesis (chain id and validator set).
int RestoreCommand(const std::string& in_path, const std::string& home, std::ostream& out,
                   std::ostream& err);
int VerifyBackupCommand(const std::string& in_path, std::ostream& out, std::ostream& err);
// Prunes bodies beyond [storage] retain_blocks (when set) and compacts the
// store. The node must be stopped.
int CompactCommand(const std::string& home, std::ostream& out, std::ostream& err);

}  // namespace corridor::node

// The node's key file: the validator's signing key, which is also its P2P
// identity. Plain JSON {"public_key": hex, "secret_key": hex}, mode 0600,
// like a Tendermint priv_validator_key.json: a validator signs unattended, so
// the key is protected by file permissions and host security, not by a
// passphrase. Wallet keys live in the encrypted keystore instead (wallet/).
#pragma once

#include <string>

#include "chain/keys.h"
#include "chain/result.h"

namespace corridor::node {

// Writes `key` to `path` (refuses to overwrite: "key_exists").
Status WriteNodeKey(const std::string& path, const PrivateKey& key);
// Reads and checks the key file: its public key must match its secret, and
// the file must not be readable by group or others ("insecure_key_file").
Result<PrivateKey> ReadNodeKey(const std::string& path);

}  // namespace corridor::node

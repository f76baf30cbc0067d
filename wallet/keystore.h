// Encrypted keystore (docs/wallet.md "Keystore").
//
// One JSON file per key, `<dir>/<name>.json`, mode 0600 in a 0700 directory.
// The secret key is encrypted with AES-256-GCM under a key derived from the
// passphrase with scrypt (N = 2^15, r = 8, p = 1 by default); the address and
// public key are the GCM associated data, so a file whose visible address was
// edited fails to decrypt instead of signing for the wrong account. A wrong
// passphrase is reported as such (GCM authentication fails), never as a
// corrupted key.
//
// Thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/address.h"
#include "chain/keys.h"
#include "chain/result.h"

namespace corridor::wallet {

struct ScryptParams {
  uint64_t n = 1 << 15;
  uint32_t r = 8;
  uint32_t p = 1;
};

struct KeyInfo {
  std::string name;
  Address address;
  PublicKey public_key;
};

// Encrypts `key` into the keystore JSON text.
std::string EncryptKey(const PrivateKey& key, const std::string& passphrase,
                       const ScryptParams& params = {});
// Decrypts keystore JSON. Errors: "bad_keystore" (malformed, bounded),
// "wrong_passphrase".
Result<PrivateKey> DecryptKey(const std::string& json, const std::string& passphrase);
// Reads the public part without the passphrase.
Result<KeyInfo> ReadKeyInfo(const std::string& json);

class Keystore {
 public:
  explicit Keystore(std::string dir) : dir_(std::move(dir)) {}

  // Names: 1-64 characters of a-z, A-Z, 0-9, '-', '_', '.' (not leading '.').
  static bool IsValidName(const std::string& name);

  // Creates <dir>/<name>.json (refuses to overwrite: "key_exists").
  Status Save(const std::string& name, const PrivateKey& key, const std::string& passphrase,
              const ScryptParams& params = {}) const;
  Result<PrivateKey> Load(const std::string& name, const std::string& passphrase) const;
  Result<KeyInfo> Info(const std::string& name) const;
  // All keys, sorted by name; unreadable files are skipped.
  std::vector<KeyInfo> List() const;

  const std::string& dir() const { return dir_; }

 private:
  std::string Path(const std::string& name) const;
  std::string dir_;
};

}  // namespace corridor::wallet

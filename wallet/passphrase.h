// Where the wallet gets a passphrase: --passphrase-file FILE, the
// CORRIDOR_PASSPHRASE environment variable, or an interactive prompt with
// echo off (in that order).
#pragma once

#include <string>

#include "chain/result.h"

namespace corridor::wallet {

// `confirm` asks twice (for new keys) and fails when the two differ.
Result<std::string> GetPassphrase(const std::string& file, bool confirm);

}  // namespace corridor::wallet

// CliError: what a wallet command reports when it cannot do its job — an exit
// code (cli.h: 1 failed, 2 bad usage) and one line for people.
#pragma once

#include <optional>
#include <string>

#include "chain/result.h"

namespace corridor::wallet::cli {

struct CliError {
  int exit_code = 1;
  std::string message;  // one line, without the "corridor: " prefix
};

inline CliError UsageError(std::string message) {
  return CliError{2, std::move(message)};
}
inline CliError Failure(std::string message) {
  return CliError{1, std::move(message)};
}

template <typename T>
using CliResult = corridor::Result<T, CliError>;

// For steps that produce nothing: nullopt when they succeeded.
using CliCheck = std::optional<CliError>;

}  // namespace corridor::wallet::cli

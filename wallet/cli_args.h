// Command-line parsing for `corridor` (docs/wallet.md "Commands").
//
// A command is a fixed word path ("tx status"), positional arguments and
// named flags. Flags are `--name value` or `--name=value` and may appear
// anywhere, before or after the command words; the boolean flags of
// IsBooleanFlag() take no value. `--` ends flag parsing. Every mistake is a
// usage error (exit code 2) with one line that says what to fix: an unknown
// command or flag, a flag given twice, a missing value, a missing required
// flag, a missing or extra positional argument.
//
// Pure functions; no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "wallet/cli_error.h"

namespace corridor::wallet::cli {

class Cli;
using CommandHandler = int (*)(Cli&);

struct CommandSpec {
  std::vector<std::string> words;        // {"tx", "status"}
  std::vector<std::string> positionals;  // names for usage: {"ID"}
  std::vector<std::string> flags;        // allowed besides the global ones
  std::vector<std::string> required;     // flags that must be given
  std::string synopsis;                  // flags part of the usage line
  std::string summary;                   // one sentence
  CommandHandler run = nullptr;
  bool variadic = false;  // any number of positionals (help)
};

// Flags every command accepts: --keystore, --rpc, --passphrase-file, --help.
const std::vector<std::string>& GlobalFlags();
// Flags that take no value: --wait, --json, --no-precheck, --help.
bool IsBooleanFlag(std::string_view name);

struct ParsedCommand {
  const CommandSpec* spec = nullptr;  // nullptr: no command words (general help)
  std::vector<std::string> positionals;
  std::map<std::string, std::string> flags;  // boolean flags map to "1"
  bool help = false;                         // --help / -h given

  bool Has(const std::string& name) const { return flags.count(name) != 0; }
  std::string Flag(const std::string& name, const std::string& def = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? def : it->second;
  }
};

// Parses `args` (without the program name) against `table`.
CliResult<ParsedCommand> ParseCommandLine(const std::vector<std::string>& args,
                                          const std::vector<CommandSpec>& table);

// "corridor tx status ID [--wait] ..." for one command.
std::string UsageLine(const CommandSpec& spec);
// "'corridor tx status'".
std::string CommandName(const CommandSpec& spec);

}  // namespace corridor::wallet::cli

#include "wallet/cli_args.h"

#include <algorithm>

namespace corridor::wallet::cli {

namespace {

// Bounds that keep a hostile or accidental command line cheap to reject.
constexpr size_t kMaxArgs = 256;
constexpr size_t kMaxArgBytes = 128 * 1024;  // Linux's MAX_ARG_STRLEN

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string Join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

// The commands that start with `prefix`, for "did you mean" lists.
std::string CommandsUnder(const std::vector<CommandSpec>& table,
                          const std::vector<std::string>& prefix) {
  std::string list;
  for (const auto& spec : table) {
    if (spec.words.size() <= prefix.size()) continue;
    if (!std::equal(prefix.begin(), prefix.end(), spec.words.begin())) continue;
    list += (list.empty() ? "" : ", ") + Join(spec.words);
  }
  return list;
}

}  // namespace

const std::vector<std::string>& GlobalFlags() {
  static const std::vector<std::string> kGlobal = {"keystore", "rpc", "passphrase-file", "help"};
  return kGlobal;
}

bool IsBooleanFlag(std::string_view name) {
  return name == "wait" || name == "json" || name == "no-precheck" || name == "no-send" ||
         name == "help" || name == "hold" || name == "dismiss";
}

std::string CommandName(const CommandSpec& spec) {
  return "'corridor " + Join(spec.words) + "'";
}

std::string UsageLine(const CommandSpec& spec) {
  std::string line = "corridor " + Join(spec.words);
  for (const auto& p : spec.positionals) line += " " + p;
  if (!spec.synopsis.empty()) line += " " + spec.synopsis;
  return line;
}

CliResult<ParsedCommand> ParseCommandLine(const std::vector<std::string>& args,
                                          const std::vector<CommandSpec>& table) {
  if (args.size() > kMaxArgs) return UsageError("too many arguments");
  ParsedCommand out;
  std::vector<std::string> words;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > kMaxArgBytes) return UsageError("an argument is longer than 128 KiB");
    if (flags_done || a.empty() || a[0] != '-' || a == "-") {
      words.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "-h") {
      out.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      return UsageError("unknown option '" + a + "' (flags are spelled --name)");
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name.empty()) return UsageError("'" + a + "' is not a flag");
    if (out.flags.count(name) != 0) return UsageError("flag --" + name + " is given twice");
    if (IsBooleanFlag(name)) {
      if (value) return UsageError("flag --" + name + " takes no value");
      if (name == "help") out.help = true;
      out.flags[name] = "1";
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) return UsageError("flag --" + name + " needs a value");
      value = args[++i];
    }
    out.flags[name] = *value;
  }

  // The command: the longest word path that prefixes the words.
  const CommandSpec* best = nullptr;
  for (const auto& spec : table) {
    if (spec.words.size() > words.size()) continue;
    if (!std::equal(spec.words.begin(), spec.words.end(), words.begin())) continue;
    if (best == nullptr || spec.words.size() > best->words.size()) best = &spec;
  }
  if (best == nullptr) {
    if (words.empty()) return out;  // no command: the caller shows the overview
    std::vector<std::string> group{words[0]};
    std::string under = CommandsUnder(table, group);
    if (!under.empty()) {
      return UsageError("unknown command 'corridor " + Join(words) + "' (known: " + under + ")");
    }
    return UsageError("unknown command '" + words[0] + "' (see 'corridor help')");
  }
  out.spec = best;
  out.positionals.assign(words.begin() + static_cast<std::ptrdiff_t>(best->words.size()),
                         words.end());

  for (const auto& [name, value] : out.flags) {
    if (!Contains(GlobalFlags(), name) && !Contains(best->flags, name)) {
      return UsageError("unknown flag --" + name + " for " + CommandName(*best) +
                        " (see 'corridor help " + Join(best->words) + "')");
    }
    if (value.empty() && !IsBooleanFlag(name)) {
      return UsageError("flag --" + name + " needs a value");
    }
  }
  if (out.help) return out;
  if (!best->variadic) {
    if (out.positionals.size() > best->positionals.size()) {
      return UsageError("unexpected argument '" + out.positionals[best->positionals.size()] +
                        "' for " + CommandName(*best) + " (usage: " + UsageLine(*best) + ")");
    }
    if (out.positionals.size() < best->positionals.size()) {
      return UsageError(CommandName(*best) + " needs " + best->positionals[out.positionals.size()] +
                        " (usage: " + UsageLine(*best) + ")");
    }
  }
  for (const auto& r : best->required) {
    if (out.flags.count(r) == 0) return UsageError(CommandName(*best) + " needs --" + r);
  }
  return out;
}

}  // namespace corridor::wallet::cli

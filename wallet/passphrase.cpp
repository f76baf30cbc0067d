#include "wallet/passphrase.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace corridor::wallet {

namespace {

Result<std::string> Prompt(const char* text) {
  if (!::isatty(STDIN_FILENO)) {
    return MakeError("no_passphrase",
                     "no passphrase: use --passphrase-file FILE or set CORRIDOR_PASSPHRASE");
  }
  std::fprintf(stderr, "%s", text);
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  std::getline(std::cin, line);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return line;
}

}  // namespace

Result<std::string> GetPassphrase(const std::string& file, bool confirm) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return MakeError("no_passphrase", "cannot read passphrase file " + file);
    std::string line;
    std::getline(in, line);
    return line;
  }
  if (const char* env = std::getenv("CORRIDOR_PASSPHRASE")) return std::string(env);
  auto first = Prompt("passphrase: ");
  if (!first || !confirm) return first;
  auto second = Prompt("repeat passphrase: ");
  if (!second) return second;
  if (*first != *second) return MakeError("passphrase_mismatch", "the passphrases differ");
  return first;
}

}  // namespace corridor::wallet

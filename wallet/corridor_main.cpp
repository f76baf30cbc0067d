// corridor: the command-line wallet (docs/wallet.md). The commands live in
// wallet/cli*.cpp; `corridor help` lists them.
#include <iostream>
#include <string>
#include <vector>

#include "wallet/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const int rc = corridor::wallet::cli::RunCli(args, corridor::wallet::cli::SystemEnvironment());
  std::cout.flush();
  return rc;
}

// corridor-dev-genesis: prints the DEV-ONLY local network genesis document
// (validators validator-1..N and named accounts whose keys derive from
// SHA-256("corridor-dev-key/" + name)). Usage: corridor-dev-genesis [N]
// With --key NAME prints that participant's secret key in hex instead.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "contracts/genesis.h"

int main(int argc, char** argv) {
  using namespace corridor::contracts;
  if (argc == 3 && std::strcmp(argv[1], "--key") == 0) {
    std::printf("%s\n", DevKey(argv[2]).SecretHex().c_str());
    return 0;
  }
  long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 4;
  if (n < 1 || n > 64) {
    std::fprintf(stderr, "usage: corridor-dev-genesis [validators 1-64] | --key NAME\n");
    return 2;
  }
  std::fputs(GenesisToJson(DevNetworkGenesis(static_cast<size_t>(n))).c_str(), stdout);
  return 0;
}

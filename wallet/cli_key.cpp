// key new | list | show: the encrypted keystore (docs/wallet.md "Keystore").
#include <iomanip>

#include "wallet/cli_commands.h"

namespace corridor::wallet::cli {

int KeyNew(Cli& cli) {
  const std::string& name = cli.positionals()[0];
  if (!Keystore::IsValidName(name)) {
    return cli.Fail(
        UsageError("key name '" + name + "' must be 1-64 characters of letters, digits, - _ ."));
  }
  if (cli.keystore().Info(name).ok()) {
    return cli.Fail(Failure("a key named '" + name + "' already exists"));
  }
  auto pass = cli.env().passphrase(cli.Flag("passphrase-file"), true);
  if (!pass) return cli.Fail(Failure(pass.error().message));
  PrivateKey key = PrivateKey::Generate();
  if (Status s = cli.keystore().Save(name, key, *pass); !s.ok()) {
    return cli.Fail(Failure(s.error().message));
  }
  cli.out() << "created key '" << name << "'\n  address    "
            << Address::FromPublicKey(key.public_key()).ToString() << "\n  public key "
            << key.public_key().ToHex() << "\n";
  return kExitOk;
}

int KeyList(Cli& cli) {
  auto keys = cli.keystore().List();
  if (keys.empty()) cli.out() << "no keys in " << cli.keystore().dir() << "\n";
  for (const auto& k : keys) {
    cli.out() << std::left << std::setw(20) << k.name << " " << k.address.ToString() << "\n";
  }
  return kExitOk;
}

int KeyShow(Cli& cli) {
  auto info = cli.keystore().Info(cli.positionals()[0]);
  if (!info) return cli.Fail(Failure(info.error().message));
  cli.out() << "name       " << info->name << "\naddress    " << info->address.ToString()
            << "\npublic key " << info->public_key.ToHex() << "\n";
  return kExitOk;
}

}  // namespace corridor::wallet::cli

// corridor: the command-line wallet (docs/wallet.md).
//
//   corridor key new NAME            create a key in the encrypted keystore
//   corridor key list                names and addresses
//   corridor key show NAME           address and public key
//   corridor tx sign --from NAME --to ADDRESS --asset CODE --amount 12.50
//                    --decimals 2 --nonce N --expiry HEIGHT --chain-id ID [--memo TEXT]
//                                    sign a payment offline; prints id and raw hex
//
// Global flags: --keystore DIR (default $CORRIDOR_KEYSTORE or ~/.corridor/keys),
// --passphrase-file FILE (else $CORRIDOR_PASSPHRASE, else a prompt).
// Every error is one line on stderr; exit code 1 for failures, 2 for usage.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "chain/amount.h"
#include "chain/limits.h"
#include "chain/transaction.h"
#include "wallet/keystore.h"
#include "wallet/passphrase.h"

using namespace corridor;
using namespace corridor::wallet;

namespace {

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;
  std::string Flag(const std::string& name, const std::string& def = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? def : it->second;
  }
};

int Fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "corridor: %s\n", msg.c_str());
  return code;
}

void Usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  corridor key new NAME | key list | key show NAME\n"
               "  corridor tx sign --from NAME --to ADDRESS --asset CODE --amount AMOUNT\n"
               "                   --decimals D --nonce N --expiry HEIGHT --chain-id ID [--memo "
               "TEXT]\n"
               "global flags: --keystore DIR, --passphrase-file FILE\n");
}

std::string DefaultKeystore() {
  if (const char* d = std::getenv("CORRIDOR_KEYSTORE")) return d;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.corridor/keys";
}

Result<uint64_t> ParseU64(const std::string& name, const std::string& text) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError("bad_flag", "--" + name + " must be a non-negative integer");
  }
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return MakeError("bad_flag", "--" + name + " is too large");
  return static_cast<uint64_t>(v);
}

int KeyCommand(const Args& a, const Keystore& ks) {
  if (a.words.size() < 2) return Usage(), 2;
  const std::string& sub = a.words[1];
  if (sub == "list") {
    auto keys = ks.List();
    if (keys.empty()) std::printf("no keys in %s\n", ks.dir().c_str());
    for (const auto& k : keys)
      std::printf("%-20s %s\n", k.name.c_str(), k.address.ToString().c_str());
    return 0;
  }
  if (a.words.size() != 3) return Usage(), 2;
  const std::string& name = a.words[2];
  if (sub == "new") {
    if (!Keystore::IsValidName(name)) {
      return Fail("key name '" + name + "' must be 1-64 characters of letters, digits, - _ .", 2);
    }
    if (ks.Info(name).ok()) return Fail("a key named '" + name + "' already exists");
    auto pass = GetPassphrase(a.Flag("passphrase-file"), true);
    if (!pass) return Fail(pass.error().message);
    PrivateKey key = PrivateKey::Generate();
    if (Status s = ks.Save(name, key, *pass); !s.ok()) return Fail(s.error().message);
    std::printf("created key '%s'\n  address    %s\n  public key %s\n", name.c_str(),
                Address::FromPublicKey(key.public_key()).ToString().c_str(),
                key.public_key().ToHex().c_str());
    return 0;
  }
  if (sub == "show") {
    auto info = ks.Info(name);
    if (!info) return Fail(info.error().message);
    std::printf("name       %s\naddress    %s\npublic key %s\n", info->name.c_str(),
                info->address.ToString().c_str(), info->public_key.ToHex().c_str());
    return 0;
  }
  return Usage(), 2;
}

int TxSign(const Args& a, const Keystore& ks) {
  for (const char* required :
       {"from", "to", "asset", "amount", "decimals", "nonce", "expiry", "chain-id"}) {
    if (a.Flag(required).empty()) return Fail(std::string("tx sign needs --") + required, 2);
  }
  auto to = Address::Parse(a.Flag("to"));
  if (!to) return Fail("--to: " + to.error().message);
  if (!IsValidAssetCode(a.Flag("asset"))) {
    return Fail("--asset must be an asset code like USD (1-12 of A-Z, 0-9)", 2);
  }
  auto decimals = ParseU64("decimals", a.Flag("decimals"));
  if (!decimals || *decimals > kMaxAssetDecimals) return Fail("--decimals must be 0 to 18", 2);
  auto amount = ParseAmount(a.Flag("amount"), static_cast<uint8_t>(*decimals));
  if (!amount) return Fail("--amount: " + amount.error().message, 2);
  if (*amount == 0) return Fail("--amount must be more than zero", 2);
  auto nonce = ParseU64("nonce", a.Flag("nonce"));
  if (!nonce) return Fail(nonce.error().message, 2);
  auto expiry = ParseU64("expiry", a.Flag("expiry"));
  if (!expiry) return Fail(expiry.error().message, 2);
  if (!IsValidChainId(a.Flag("chain-id"))) return Fail("--chain-id is not a valid chain id", 2);
  std::string memo = a.Flag("memo");
  if (memo.size() > kMaxMemoBytes || !IsPrintableUtf8(memo)) {
    return Fail("--memo must be printable text of at most 256 bytes", 2);
  }
  auto info = ks.Info(a.Flag("from"));
  if (!info) return Fail(info.error().message);
  auto pass = GetPassphrase(a.Flag("passphrase-file"), false);
  if (!pass) return Fail(pass.error().message);
  auto key = ks.Load(a.Flag("from"), *pass);
  if (!key) return Fail(key.error().message);

  TxBody body;
  body.chain_id = a.Flag("chain-id");
  body.sender = info->address;
  body.nonce = *nonce;
  body.expiry_height = *expiry;
  body.op = Payment{*to, a.Flag("asset"), *amount};
  body.memo = memo;
  TransactionPtr tx = Transaction::Sign(std::move(body), {&*key});
  std::printf("id  %s\nraw %s\n", tx->id().ToHex().c_str(), ToHex(tx->encoded()).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return Fail("flag " + w + " needs a value", 2);
      a.flags[w.substr(2)] = argv[++i];
    } else {
      a.words.push_back(w);
    }
  }
  if (a.words.empty()) return Usage(), 2;
  Keystore ks(a.Flag("keystore", DefaultKeystore()));
  if (a.words[0] == "key") return KeyCommand(a, ks);
  if (a.words[0] == "tx" && a.words.size() == 2 && a.words[1] == "sign") return TxSign(a, ks);
  Usage();
  return 2;
}

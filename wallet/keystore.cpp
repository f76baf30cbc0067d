#include "wallet/keystore.h"

#include <cryptopp/aes.h>
#include <cryptopp/filters.h>
#include <cryptopp/gcm.h>
#include <cryptopp/scrypt.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace corridor::wallet {

namespace {

constexpr size_t kSaltBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxKeystoreBytes = 16 * 1024;
// Upper bounds on what a keystore file may ask for, so a hostile file cannot
// make the wallet allocate gigabytes (scrypt memory is 128 * r * n bytes).
constexpr uint64_t kMaxScryptN = 1 << 20;
constexpr uint32_t kMaxScryptR = 16;
constexpr uint32_t kMaxScryptP = 16;

Bytes DeriveKey(const std::string& passphrase, ByteSpan salt, const ScryptParams& p) {
  Bytes key(32);
  CryptoPP::Scrypt scrypt;
  scrypt.DeriveKey(key.data(), key.size(),
                   reinterpret_cast<const CryptoPP::byte*>(passphrase.data()), passphrase.size(),
                   salt.data(), salt.size(), p.n, p.r, p.p);
  return key;
}

Bytes AssociatedData(const Address& a, const PublicKey& k) {
  Bytes ad(a.bytes.begin(), a.bytes.end());
  ad.insert(ad.end(), k.bytes.begin(), k.bytes.end());
  return ad;
}

struct Parsed {
  Address address;
  PublicKey public_key;
  ScryptParams params;
  Bytes salt, nonce, ciphertext;
};

Result<Parsed> Parse(const std::string& json) {
  auto bad = [](const std::string& why) { return MakeError("bad_keystore", why); };
  if (json.size() > kMaxKeystoreBytes) return bad("keystore file is too large");
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return bad("keystore is not a JSON object");
  auto str = [&](const rapidjson::Value& o, const char* k) -> std::string {
    auto it = o.FindMember(k);
    return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  if (!d.HasMember("version") || !d["version"].IsInt() || d["version"].GetInt() != 1) {
    return bad("unsupported keystore version");
  }
  Parsed p;
  auto addr = Address::Parse(str(d, "address"));
  if (!addr) return bad("address: " + addr.error().message);
  p.address = *addr;
  auto pk = PublicKey::FromHex(str(d, "public_key"));
  if (!pk) return bad("public_key: " + pk.error().message);
  p.public_key = *pk;
  if (!d.HasMember("crypto") || !d["crypto"].IsObject()) return bad("missing crypto section");
  const auto& c = d["crypto"];
  if (str(c, "kdf") != "scrypt" || str(c, "cipher") != "aes-256-gcm") {
    return bad("only scrypt + aes-256-gcm keystores are supported");
  }
  if (!c.HasMember("kdfparams") || !c["kdfparams"].IsObject()) return bad("missing kdfparams");
  const auto& kp = c["kdfparams"];
  for (const char* k : {"n", "r", "p"}) {
    if (!kp.HasMember(k) || !kp[k].IsUint64())
      return bad(std::string("kdfparams.") + k + " missing");
  }
  p.params.n = kp["n"].GetUint64();
  uint64_t r = kp["r"].GetUint64(), par = kp["p"].GetUint64();
  if (p.params.n < 2 || p.params.n > kMaxScryptN || (p.params.n & (p.params.n - 1)) != 0 ||
      r == 0 || r > kMaxScryptR || par == 0 || par > kMaxScryptP) {
    return bad("scrypt parameters out of the accepted range");
  }
  p.params.r = static_cast<uint32_t>(r);
  p.params.p = static_cast<uint32_t>(par);
  auto salt = FromHex(str(kp, "salt"));
  auto nonce = FromHex(str(c, "nonce"));
  auto ct = FromHex(str(c, "ciphertext"));
  if (!salt || salt->size() != kSaltBytes) return bad("salt must be 32 bytes of hex");
  if (!nonce || nonce->size() != kNonceBytes) return bad("nonce must be 12 bytes of hex");
  if (!ct || ct->size() != PrivateKey::kSize + kTagBytes)
    return bad("ciphertext has the wrong size");
  p.salt = std::move(*salt);
  p.nonce = std::move(*nonce);
  p.ciphertext = std::move(*ct);
  if (Address::FromPublicKey(p.public_key) != p.address) {
    return bad("address does not belong to public_key");
  }
  return p;
}

}  // namespace

std::string EncryptKey(const PrivateKey& key, const std::string& passphrase,
                       const ScryptParams& params) {
  Bytes salt(kSaltBytes), nonce(kNonceBytes);
  SecureRandom(salt.data(), salt.size());
  SecureRandom(nonce.data(), nonce.size());
  Bytes k = DeriveKey(passphrase, salt, params);
  const Address address = Address::FromPublicKey(key.public_key());
  Bytes ad = AssociatedData(address, key.public_key());

  CryptoPP::GCM<CryptoPP::AES>::Encryption enc;
  enc.SetKeyWithIV(k.data(), k.size(), nonce.data(), nonce.size());
  Bytes ct(PrivateKey::kSize + kTagBytes);
  enc.EncryptAndAuthenticate(ct.data(), ct.data() + PrivateKey::kSize, kTagBytes, nonce.data(),
                             static_cast<int>(nonce.size()), ad.data(), ad.size(),
                             key.secret().data(), PrivateKey::kSize);
  std::fill(k.begin(), k.end(), 0);

  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto kv = [&](const char* k2, const std::string& v) {
    w.Key(k2);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  w.Key("version");
  w.Int(1);
  kv("address", address.ToString());
  kv("public_key", key.public_key().ToHex());
  w.Key("crypto");
  w.StartObject();
  kv("kdf", "scrypt");
  w.Key("kdfparams");
  w.StartObject();
  w.Key("n");
  w.Uint64(params.n);
  w.Key("r");
  w.Uint(params.r);
  w.Key("p");
  w.Uint(params.p);
  kv("salt", ToHex(salt));
  w.EndObject();
  kv("cipher", "aes-256-gcm");
  kv("nonce", ToHex(nonce));
  kv("ciphertext", ToHex(ct));
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

Result<PrivateKey> DecryptKey(const std::string& json, const std::string& passphrase) {
  auto p = Parse(json);
  if (!p) return p.error();
  Bytes k = DeriveKey(passphrase, p->salt, p->params);
  Bytes ad = AssociatedData(p->address, p->public_key);
  CryptoPP::GCM<CryptoPP::AES>::Decryption dec;
  dec.SetKeyWithIV(k.data(), k.size(), p->nonce.data(), p->nonce.size());
  Bytes secret(PrivateKey::kSize);
  bool ok = dec.DecryptAndVerify(secret.data(), p->ciphertext.data() + PrivateKey::kSize, kTagBytes,
                                 p->nonce.data(), static_cast<int>(p->nonce.size()), ad.data(),
                                 ad.size(), p->ciphertext.data(), PrivateKey::kSize);
  std::fill(k.begin(), k.end(), 0);
  if (!ok) {
    return MakeError("wrong_passphrase", "wrong passphrase for key " + p->address.ToString() +
                                             " (or the keystore file was modified)");
  }
  auto key = PrivateKey::FromBytes(secret);
  std::fill(secret.begin(), secret.end(), 0);
  if (!key) return MakeError("bad_keystore", "decrypted secret is not a valid key");
  if (key->public_key() != p->public_key) {
    return MakeError("bad_keystore", "decrypted key does not match the stored public key");
  }
  return key;
}

Result<KeyInfo> ReadKeyInfo(const std::string& json) {
  auto p = Parse(json);
  if (!p) return p.error();
  return KeyInfo{"", p->address, p->public_key};
}

bool Keystore::IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string Keystore::Path(const std::string& name) const {
  return (std::filesystem::path(dir_) / (name + ".json")).string();
}

Status Keystore::Save(const std::string& name, const PrivateKey& key, const std::string& passphrase,
                      const ScryptParams& params) const {
  if (!IsValidName(name)) {
    return MakeError("bad_key_name",
                     "key name '" + name + "' must be 1-64 characters of letters, digits, - _ .");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return MakeError("io_error", "cannot create " + dir_ + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  const std::string path = Path(name);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return MakeError("key_exists", "a key named '" + name + "' already exists");
    return MakeError("io_error", "cannot create " + path + ": " + std::strerror(errno));
  }
  const std::string json = EncryptKey(key, passphrase, params);
  size_t done = 0;
  while (done < json.size()) {
    ssize_t n = ::write(fd, json.data() + done, json.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(path.c_str());
      return MakeError("io_error", "cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  return Status::Ok();
}

namespace {
Result<std::string> ReadSmallFile(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return MakeError("key_not_found", "no key file " + path);
  if (size > kMaxKeystoreBytes) return MakeError("bad_keystore", path + " is too large");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

Result<PrivateKey> Keystore::Load(const std::string& name, const std::string& passphrase) const {
  if (!IsValidName(name)) return MakeError("key_not_found", "no key named '" + name + "'");
  auto text = ReadSmallFile(Path(name));
  if (!text) return MakeError("key_not_found", "no key named '" + name + "' in " + dir_);
  return DecryptKey(*text, passphrase);
}

Result<KeyInfo> Keystore::Info(const std::string& name) const {
  if (!IsValidName(name)) return MakeError("key_not_found", "no key named '" + name + "'");
  auto text = ReadSmallFile(Path(name));
  if (!text) return MakeError("key_not_found", "no key named '" + name + "' in " + dir_);
  auto info = ReadKeyInfo(*text);
  if (!info) return info.error();
  info->name = name;
  return info;
}

std::vector<KeyInfo> Keystore::List() const {
  std::vector<KeyInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::string name = e.path().stem().string();
    if (auto info = Info(name); info.ok()) out.push_back(*info);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace corridor::wallet

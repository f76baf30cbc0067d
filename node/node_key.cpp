#include "node/node_key.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace corridor::node {

Status WriteNodeKey(const std::string& path, const PrivateKey& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return MakeError("key_exists", path + " already exists; not overwritten");
    return MakeError("io_error", "cannot create " + path + ": " + std::strerror(errno));
  }
  std::string json = "{\"public_key\": \"" + key.public_key().ToHex() + "\", \"secret_key\": \"" +
                     key.SecretHex() + "\"}\n";
  bool ok = ::write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size());
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  std::fill(json.begin(), json.end(), '\0');
  if (!ok) return MakeError("io_error", "cannot write " + path);
  return Status::Ok();
}

Result<PrivateKey> ReadNodeKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError("key_not_found", "node key file " + path + " not found (run corridord init)");
  }
  if ((st.st_mode & 077) != 0) {
    return MakeError("insecure_key_file",
                     path + " is readable by group or others; run: chmod 600 " + path);
  }
  if (st.st_size > 4096) return MakeError("bad_key_file", path + " is too large for a key file");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  std::fill(text.begin(), text.end(), '\0');
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("secret_key") ||
      !d["secret_key"].IsString() || !d.HasMember("public_key") || !d["public_key"].IsString()) {
    return MakeError("bad_key_file",
                     path + " must hold {\"public_key\": hex, \"secret_key\": hex}");
  }
  auto key = PrivateKey::FromHex(d["secret_key"].GetString());
  if (!key) return MakeError("bad_key_file", path + ": " + key.error().message);
  if (key->public_key().ToHex() != d["public_key"].GetString()) {
    return MakeError("bad_key_file", path + ": public_key does not match secret_key");
  }
  return key;
}

}  // namespace corridor::node

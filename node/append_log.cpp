#include "node/append_log.h"

#include <cryptopp/crc.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace corridor::node {

namespace {

constexpr size_t kHeaderBytes = 8;

Error IoError(const std::string& what, const std::string& path) {
  return MakeError("io_error", what + " " + path + ": " + std::strerror(errno));
}

bool WriteAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

Bytes Frame(ByteSpan record) {
  Bytes out(kHeaderBytes + record.size());
  uint32_t len = static_cast<uint32_t>(record.size());
  uint32_t crc = Crc32c(record);
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<uint8_t>(len >> (8 * i));
    out[4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  std::memcpy(out.data() + kHeaderBytes, record.data(), record.size());
  return out;
}

Status SyncDir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return IoError("cannot open directory", dir);
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return IoError("cannot fsync directory", dir);
  return Status::Ok();
}

}  // namespace

uint32_t Crc32c(ByteSpan data) {
  CryptoPP::CRC32C crc;
  crc.Update(data.data(), data.size());
  uint8_t digest[4];
  crc.Final(digest);
  return static_cast<uint32_t>(digest[0]) | (static_cast<uint32_t>(digest[1]) << 8) |
         (static_cast<uint32_t>(digest[2]) << 16) | (static_cast<uint32_t>(digest[3]) << 24);
}

Result<AppendLog> AppendLog::Open(const std::string& path, std::vector<Bytes>& records) {
  records.clear();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("cannot stat", path);
  }
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  Bytes content(file_size);
  size_t got = 0;
  while (got < content.size()) {
    ssize_t r = ::pread(fd, content.data() + got, content.size() - got, static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ::close(fd);
      return IoError("cannot read", path);
    }
    got += static_cast<size_t>(r);
  }
  uint64_t pos = 0;
  while (pos + kHeaderBytes <= file_size) {
    uint32_t len = 0, crc = 0;
    for (int i = 0; i < 4; ++i) {
      len |= static_cast<uint32_t>(content[pos + i]) << (8 * i);
      crc |= static_cast<uint32_t>(content[pos + 4 + i]) << (8 * i);
    }
    if (len > kMaxLogRecordBytes || pos + kHeaderBytes + len > file_size) break;
    ByteSpan payload(content.data() + pos + kHeaderBytes, len);
    if (Crc32c(payload) != crc) break;
    records.emplace_back(payload.begin(), payload.end());
    pos += kHeaderBytes + len;
  }
  const uint64_t truncated = file_size - pos;
  if (truncated > 0) {
    if (::ftruncate(fd, static_cast<off_t>(pos)) != 0 || ::fsync(fd) != 0) {
      ::close(fd);
      return IoError("cannot truncate torn tail of", path);
    }
  }
  if (::lseek(fd, static_cast<off_t>(pos), SEEK_SET) < 0) {
    ::close(fd);
    return IoError("cannot seek", path);
  }
  return AppendLog(path, fd, pos, truncated);
}

AppendLog::AppendLog(AppendLog&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      size_(other.size_),
      truncated_(other.truncated_) {
  other.fd_ = -1;
}

AppendLog& AppendLog::operator=(AppendLog&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    size_ = other.size_;
    truncated_ = other.truncated_;
    other.fd_ = -1;
  }
  return *this;
}

AppendLog::~AppendLog() {
  if (fd_ >= 0) ::close(fd_);
}

Status AppendLog::Append(ByteSpan record) {
  if (record.size() > kMaxLogRecordBytes) {
    return MakeError("record_too_large", "log record exceeds 64 MiB");
  }
  Bytes framed = Frame(record);
  if (!WriteAll(fd_, framed.data(), framed.size())) return IoError("cannot append to", path_);
  size_ += framed.size();
  return Status::Ok();
}

Status AppendLog::Sync() {
  if (::fdatasync(fd_) != 0) return IoError("cannot sync", path_);
  return Status::Ok();
}

Status AppendLog::Rewrite(const std::vector<Bytes>& records) {
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", tmp);
  uint64_t size = 0;
  for (const Bytes& r : records) {
    Bytes framed = Frame(r);
    if (!WriteAll(fd, framed.data(), framed.size())) {
      ::close(fd);
      return IoError("cannot write", tmp);
    }
    size += framed.size();
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return IoError("cannot sync", tmp);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::close(fd);
    return IoError("cannot rename onto", path_);
  }
  if (Status s = SyncDir(path_); !s.ok()) {
    ::close(fd);
    return s;
  }
  ::close(fd_);
  // Reopen for appending at the end of the new file.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ::close(fd);
  if (fd_ < 0) return IoError("cannot reopen", path_);
  size_ = size;
  return Status::Ok();
}

}  // namespace corridor::node

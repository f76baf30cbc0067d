// AppendLog: a durable append-only record file, the storage under the
// consensus write-ahead log (docs/consensus.md "Persistence").
//
// Record format: u32 payload length (LE) || u32 CRC-32C of the payload (LE) ||
// payload. Append() writes, Sync() makes everything appended so far durable
// (fdatasync). On open, records are read back until the first torn or
// corrupt record; that tail, which can only be a write that was not synced
// before a crash, is truncated away so later appends start on a clean
// boundary. Rewrite() atomically replaces the whole log (write a temp file,
// fsync, rename, fsync the directory) to compact it.
//
// Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/bytes.h"
#include "chain/result.h"

namespace corridor::node {

inline constexpr size_t kMaxLogRecordBytes = 64 * 1024 * 1024;

class AppendLog {
 public:
  // Opens or creates `path`; `records` receives every intact record in order.
  static Result<AppendLog> Open(const std::string& path, std::vector<Bytes>& records);

  AppendLog(AppendLog&& other) noexcept;
  AppendLog& operator=(AppendLog&& other) noexcept;
  AppendLog(const AppendLog&) = delete;
  AppendLog& operator=(const AppendLog&) = delete;
  ~AppendLog();

  Status Append(ByteSpan record);
  Status Sync();
  // Replaces the log's contents with `records`, durably and atomically.
  Status Rewrite(const std::vector<Bytes>& records);

  uint64_t size_bytes() const { return size_; }
  // Bytes dropped from a torn tail when the log was opened (for logs/metrics).
  uint64_t truncated_bytes() const { return truncated_; }

 private:
  AppendLog(std::string path, int fd, uint64_t size, uint64_t truncated)
      : path_(std::move(path)), fd_(fd), size_(size), truncated_(truncated) {}

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t truncated_ = 0;
};

// CRC-32C (Castagnoli) of `data`.
uint32_t Crc32c(ByteSpan data);

}  // namespace corridor::node

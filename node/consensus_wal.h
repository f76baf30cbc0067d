// The consensus write-ahead log on disk: consensus::Wal over AppendLog
// (CRC-framed records, fdatasync on Sync, atomic Rewrite). One file,
// <data>/consensus.wal; docs/consensus.md "Persistence" says what is in it.
#pragma once

#include <string>
#include <vector>

#include "consensus/wal.h"
#include "node/append_log.h"

namespace corridor::node {

class FileWal final : public consensus::Wal {
 public:
  // Opens or creates the log; `records` receives what it holds (a torn tail
  // from a crash is cut off and reported in truncated_bytes()).
  static Result<std::unique_ptr<FileWal>> Open(const std::string& path,
                                               std::vector<Bytes>& records);

  Status Append(ByteSpan record) override { return log_.Append(record); }
  Status Sync() override { return log_.Sync(); }
  Status Rewrite(const std::vector<Bytes>& records) override { return log_.Rewrite(records); }
  uint64_t size_bytes() const override { return log_.size_bytes(); }
  uint64_t truncated_bytes() const { return log_.truncated_bytes(); }

 private:
  explicit FileWal(AppendLog log) : log_(std::move(log)) {}
  AppendLog log_;
};

}  // namespace corridor::node

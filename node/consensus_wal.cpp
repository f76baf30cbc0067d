#include "node/consensus_wal.h"

#include <memory>

namespace corridor::node {

Result<std::unique_ptr<FileWal>> FileWal::Open(const std::string& path,
                                               std::vector<Bytes>& records) {
  auto log = AppendLog::Open(path, records);
  if (!log) return log.error();
  return std::unique_ptr<FileWal>(new FileWal(std::move(log).value()));
}

}  // namespace corridor::node

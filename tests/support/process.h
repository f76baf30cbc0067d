// Child processes for cluster tests: start a program with arguments and an
// output file, send it signals, wait for it with a deadline. Every process
// still running when its Process object dies is killed (SIGKILL) and reaped,
// so a failing test never leaves daemons behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace corridor::testing {

class Process {
 public:
  Process() = default;
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  // Starts `argv[0]` with `argv`, stdout and stderr appended to `log_path`.
  // Returns false (with errno set) when fork/exec setup fails.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path);
  bool running();
  pid_t pid() const { return pid_; }

  void Signal(int sig);
  // Waits for exit up to `timeout`; returns the exit status (as from waitpid)
  // or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  // SIGKILL and reap.
  void Kill();

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

// A finished command: its exit code (or -1 when it was killed at its
// deadline) and what it wrote to stdout and stderr, kept apart.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv[0]` with `argv` to completion, at most `timeout` (then SIGKILL),
// with stdout and stderr captured separately (through temporary files, so a
// chatty child never blocks on a full pipe). Each stream keeps at most 1 MiB.
CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Polls `pred` every 20 ms until it is true or `timeout` passes.
template <typename Pred>
bool WaitUntil(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    struct timespec ts {
      0, 20'000'000
    };
    nanosleep(&ts, nullptr);
  }
  return pred();
}

}  // namespace corridor::testing

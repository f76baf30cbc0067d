#include "tests/support/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace corridor::testing {
namespace {

std::string LogPath() {
  return (std::filesystem::temp_directory_path() /
          ("corridor-process-test-" + std::to_string(::getpid()) + ".log"))
      .string();
}

TEST(ProcessTest, RunCommandKeepsStdoutAndStderrApart) {
  auto r =
      RunCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 4"}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(ProcessTest, RunCommandKillsAtItsDeadline) {
  auto r =
      RunCommand({"/bin/sh", "-c", "echo started; exec sleep 30"}, std::chrono::milliseconds(200));
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.out, "started\n");
}

TEST(ProcessTest, CapturesOutputAndExitStatus) {
  std::string log = LogPath();
  std::filesystem::remove(log);
  Process p;
  ASSERT_TRUE(p.Start({"/bin/sh", "-c", "echo hello; exit 3"}, log));
  int status = p.Wait(std::chrono::seconds(10));
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "hello\n");
  std::filesystem::remove(log);
}

TEST(ProcessTest, KillStopsALongRunningChild) {
  std::string log = LogPath();
  Process p;
  ASSERT_TRUE(p.Start({"/bin/sleep", "600"}, log));
  EXPECT_TRUE(p.running());
  p.Signal(SIGKILL);
  int status = p.Wait(std::chrono::seconds(10));
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(p.running());
  std::filesystem::remove(log);
}

TEST(ProcessTest, DestructorReapsRunningChild) {
  std::string log = LogPath();
  pid_t pid;
  {
    Process p;
    ASSERT_TRUE(p.Start({"/bin/sleep", "600"}, log));
    pid = p.pid();
  }
  EXPECT_EQ(::kill(pid, 0), -1) << "child must be gone after the Process is destroyed";
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace corridor::testing

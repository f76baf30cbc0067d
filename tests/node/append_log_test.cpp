#include "node/append_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace corridor::node {
namespace {

class AppendLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("corridor-log-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + ".tmp");
  }
  static Bytes Rec(int i) {
    return Bytes(static_cast<size_t>(10 + i * 7), static_cast<uint8_t>(i));
  }
  std::string path_;
};

TEST_F(AppendLogTest, AppendSyncReopen) {
  {
    std::vector<Bytes> recs;
    auto log = AppendLog::Open(path_, recs);
    ASSERT_TRUE(log.ok());
    EXPECT_TRUE(recs.empty());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(Rec(i)).ok());
    ASSERT_TRUE(log->Sync().ok());
  }
  std::vector<Bytes> recs;
  auto log = AppendLog::Open(path_, recs);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(recs.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(recs[static_cast<size_t>(i)], Rec(i));
  EXPECT_EQ(log->truncated_bytes(), 0u);
}

TEST_F(AppendLogTest, TornTailAtEveryOffsetIsDroppedAndLogStaysUsable) {
  uint64_t full = 0, before_last = 0;
  {
    std::vector<Bytes> recs;
    auto log = AppendLog::Open(path_, recs);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Append(Rec(i)).ok());
    before_last = log->size_bytes();
    ASSERT_TRUE(log->Append(Rec(3)).ok());
    ASSERT_TRUE(log->Sync().ok());
    full = log->size_bytes();
  }
  std::ifstream in(path_, std::ios::binary);
  Bytes content((std::istreambuf_iterator<char>(in)), {});
  for (uint64_t cut = before_last; cut < full; ++cut) {
    {
      std::ofstream out(path_, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(cut));
    }
    std::vector<Bytes> recs;
    auto log = AppendLog::Open(path_, recs);
    ASSERT_TRUE(log.ok());
    ASSERT_EQ(recs.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(log->truncated_bytes(), cut - before_last);
    // New appends land after the last intact record.
    ASSERT_TRUE(log->Append(Rec(9)).ok());
    ASSERT_TRUE(log->Sync().ok());
    std::vector<Bytes> again;
    ASSERT_TRUE(AppendLog::Open(path_, again).ok());
    ASSERT_EQ(again.size(), 4u);
    EXPECT_EQ(again[3], Rec(9));
  }
}

TEST_F(AppendLogTest, CorruptRecordEndsTheLog) {
  {
    std::vector<Bytes> recs;
    auto log = AppendLog::Open(path_, recs);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(log->Append(Rec(i)).ok());
    ASSERT_TRUE(log->Sync().ok());
  }
  {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(8 + static_cast<std::streamoff>(Rec(0).size()) + 8 + 3);  // inside record 1
    f.put('\x7f');
  }
  std::vector<Bytes> recs;
  ASSERT_TRUE(AppendLog::Open(path_, recs).ok());
  EXPECT_EQ(recs.size(), 1u);
}

TEST_F(AppendLogTest, RewriteCompactsAtomically) {
  std::vector<Bytes> recs;
  auto log = AppendLog::Open(path_, recs);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(Rec(i)).ok());
  ASSERT_TRUE(log->Rewrite({Rec(42)}).ok());
  ASSERT_TRUE(log->Append(Rec(43)).ok());
  ASSERT_TRUE(log->Sync().ok());
  std::vector<Bytes> back;
  ASSERT_TRUE(AppendLog::Open(path_, back).ok());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0], Rec(42));
  EXPECT_EQ(back[1], Rec(43));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(AppendLogTest, Crc32cKnownValue) {
  // RFC 3720 test vector: 32 bytes of zeros -> 0x8a9136aa.
  Bytes zeros(32, 0);
  EXPECT_EQ(Crc32c(zeros), 0x8a9136aau);
}

}  // namespace
}  // namespace corridor::node

// A leveldb::Env that models a power cut: it remembers how much of every file
// was synced, can "die" after a byte budget (later appends and syncs fail, as
// if the process stopped mid-write), and Crash() then truncates each file to
// its synced length plus a random part of what was written but never synced.
// Modelled on LevelDB's db/fault_injection_test.cc. Test-only; not
// thread-safe beyond LevelDB's own single writer.
#pragma once

#include <leveldb/env.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace corridor::testing {

class FaultEnv : public leveldb::EnvWrapper {
 public:
  FaultEnv() : EnvWrapper(leveldb::Env::Default()) {}

  // After `bytes` more appended bytes, every write and sync fails.
  void DieAfter(int64_t bytes) {
    std::lock_guard<std::mutex> l(mu_);
    budget_ = bytes;
  }
  bool dead() {
    std::lock_guard<std::mutex> l(mu_);
    return budget_ == 0;
  }

  // Drops unsynced data: each file keeps its synced prefix plus a random
  // share of its unsynced tail. Call with the database closed.
  void Crash(std::mt19937_64& rng) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [name, f] : files_) {
      uint64_t keep = f.synced;
      if (f.written > f.synced) {
        keep += std::uniform_int_distribution<uint64_t>(0, f.written - f.synced)(rng);
      }
      if (::truncate(name.c_str(), static_cast<off_t>(keep)) == 0) f.written = keep;
      f.synced = keep;
    }
    budget_ = -1;
  }

  leveldb::Status NewWritableFile(const std::string& fname,
                                  leveldb::WritableFile** result) override {
    leveldb::WritableFile* base = nullptr;
    leveldb::Status s = target()->NewWritableFile(fname, &base);
    if (!s.ok()) return s;
    {
      std::lock_guard<std::mutex> l(mu_);
      files_[fname] = FileState{};
    }
    *result = new File(this, fname, base);
    return s;
  }

  leveldb::Status NewAppendableFile(const std::string& fname,
                                    leveldb::WritableFile** result) override {
    uint64_t size = 0;
    if (!target()->GetFileSize(fname, &size).ok()) size = 0;
    leveldb::WritableFile* base = nullptr;
    leveldb::Status s = target()->NewAppendableFile(fname, &base);
    if (!s.ok()) return s;
    {
      std::lock_guard<std::mutex> l(mu_);
      files_[fname] = FileState{size, size};
    }
    *result = new File(this, fname, base);
    return s;
  }

  leveldb::Status RemoveFile(const std::string& fname) override {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(fname);
    return target()->RemoveFile(fname);
  }

  leveldb::Status RenameFile(const std::string& src, const std::string& dst) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      files_[dst] = it->second;
      files_.erase(src);
    }
    return target()->RenameFile(src, dst);
  }

 private:
  struct FileState {
    uint64_t synced = 0;
    uint64_t written = 0;
  };

  class File : public leveldb::WritableFile {
   public:
    File(FaultEnv* env, std::string name, leveldb::WritableFile* base)
        : env_(env), name_(std::move(name)), base_(base) {}
    leveldb::Status Append(const leveldb::Slice& data) override {
      size_t n = data.size();
      {
        std::lock_guard<std::mutex> l(env_->mu_);
        if (env_->budget_ == 0) return leveldb::Status::IOError(name_, "simulated crash");
        if (env_->budget_ > 0) {
          n = std::min<size_t>(n, static_cast<size_t>(env_->budget_));
          env_->budget_ -= static_cast<int64_t>(n);
        }
        auto it = env_->files_.find(name_);
        if (it != env_->files_.end()) it->second.written += n;
      }
      leveldb::Status s = base_->Append(leveldb::Slice(data.data(), n));
      // Push the bytes to the OS so Crash() decides what survives.
      if (s.ok()) s = base_->Flush();
      if (s.ok() && n < data.size()) return leveldb::Status::IOError(name_, "simulated crash");
      return s;
    }
    leveldb::Status Close() override { return base_->Close(); }
    leveldb::Status Flush() override { return base_->Flush(); }
    leveldb::Status Sync() override {
      std::lock_guard<std::mutex> l(env_->mu_);
      if (env_->budget_ == 0) return leveldb::Status::IOError(name_, "simulated crash");
      auto it = env_->files_.find(name_);
      if (it != env_->files_.end()) it->second.synced = it->second.written;
      return base_->Sync();
    }

   private:
    FaultEnv* env_;
    std::string name_;
    std::unique_ptr<leveldb::WritableFile> base_;
  };

  std::mutex mu_;
  std::map<std::string, FileState> files_;
  int64_t budget_ = -1;  // -1: unlimited
};

}  // namespace corridor::testing

// Replay driver for fuzz targets when libFuzzer is not available (g++ builds):
// runs the target on every file of the given corpus directories and on a fixed
// number of seeded mutations of each, so the dev and asan builds exercise the
// decoders on hostile input in every `make test`.
//
// Usage: <target> [--mutations N] [--seed S] DIR_OR_FILE...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void Mutate(std::vector<uint8_t>& d, std::mt19937_64& rng) {
  switch (rng() % 5) {
    case 0:  // flip bytes
      for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n && !d.empty(); ++i)
        d[rng() % d.size()] = static_cast<uint8_t>(rng());
      break;
    case 1:  // truncate
      if (!d.empty()) d.resize(rng() % d.size());
      break;
    case 2:  // append
      for (int i = 0, n = 1 + static_cast<int>(rng() % 16); i < n; ++i)
        d.push_back(static_cast<uint8_t>(rng()));
      break;
    case 3:  // insert a large varint at a random spot
      if (!d.empty()) {
        size_t at = rng() % d.size();
        const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
        d.insert(d.begin() + static_cast<long>(at), std::begin(big), std::end(big));
      }
      break;
    default:  // delete a range
      if (d.size() > 2) {
        size_t a = rng() % d.size(), b = a + 1 + rng() % (d.size() - a);
        if (b > d.size()) b = d.size();
        d.erase(d.begin() + static_cast<long>(a), d.begin() + static_cast<long>(b));
      }
  }
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 2000, seed = 1;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--mutations" && i + 1 < argc) {
      mutations = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::directory_iterator(a))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.emplace_back(a);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no corpus files\n");
    return 1;
  }
  std::mt19937_64 rng(seed);
  uint64_t runs = 0;
  for (const auto& f : files) {
    std::vector<uint8_t> base = ReadFile(f);
    LLVMFuzzerTestOneInput(base.data(), base.size());
    ++runs;
    for (uint64_t m = 0; m < mutations; ++m) {
      std::vector<uint8_t> d = base;
      Mutate(d, rng);
      if (rng() % 2) Mutate(d, rng);
      LLVMFuzzerTestOneInput(d.data(), d.size());
      ++runs;
    }
  }
  std::printf("replayed %zu corpus files, %llu inputs (seed %llu)\n", files.size(),
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(seed));
  return 0;
}

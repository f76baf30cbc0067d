// Reading what the `corridor` wallet CLI prints, for the cluster tests that
// run it as a subprocess.
#pragma once

#include <sstream>
#include <string>

namespace corridor::testing {

// The value after "label" on a "label   value" line of the CLI's output
// ("" when no line starts with that label).
inline std::string CliField(const std::string& out, const std::string& label) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == label) return second;
  }
  return "";
}

}  // namespace corridor::testing

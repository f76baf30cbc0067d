// The plain-text output of the read-only `corridor` commands: Table (a
// header row, columns separated by two spaces, each padded to its widest
// cell) and PrintField ("label      value" lines). Internal to the wallet CLI.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace corridor::wallet::cli {

class Table {
 public:
  void Row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void Print(std::ostream& out) const {
    std::vector<size_t> width;
    for (const auto& r : rows_) {
      if (width.size() < r.size()) width.resize(r.size(), 0);
      for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    for (const auto& r : rows_) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        line += r[i];
        if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
      }
      out << line << "\n";
    }
  }
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// "label      value", the value in column 12.
inline void PrintField(std::ostream& out, std::string_view label, const std::string& value) {
  out << label << std::string(label.size() < 11 ? 11 - label.size() : 1, ' ') << value << "\n";
}

}  // namespace corridor::wallet::cli

// A strict reader of the Prometheus text exposition format (version 0.0.4),
// for tests of /metrics: every line must be a HELP/TYPE comment or a sample
// `name{label="value",...} number`; a sample's family must have been TYPEd
// first; histogram buckets must be cumulative with +Inf equal to _count.
// Returns the samples keyed by their series text (`name{labels}`), or an
// error naming the offending line.
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace corridor::testing {

struct Exposition {
  std::map<std::string, double> samples;     // "name{labels}" -> value
  std::map<std::string, std::string> types;  // family -> counter/gauge/histogram/...
  std::string error;                         // empty when the text parsed

  double Get(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? -1 : it->second;
  }
  // Sum over every series of one metric name (any labels).
  double Sum(const std::string& name) const {
    double total = 0;
    for (const auto& [series, v] : samples) {
      if (series == name || series.rfind(name + "{", 0) == 0) total += v;
    }
    return total;
  }
};

inline bool IsMetricName(const std::string& n) {
  if (n.empty() || !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_' || n[0] == ':'))
    return false;
  for (char c : n) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  }
  return true;
}

inline Exposition ParseExposition(const std::string& text) {
  Exposition out;
  std::istringstream in(text);
  std::string line;
  size_t number = 0;
  auto fail = [&](const std::string& why) {
    out.error = "line " + std::to_string(number) + ": " + why + ": " + line;
    return out;
  };
  std::map<std::string, double> last_bucket;  // histogram series without le -> last count
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream c(line);
      std::string hash, kind, name, rest;
      c >> hash >> kind >> name;
      if (kind == "TYPE") {
        c >> rest;
        if (!IsMetricName(name)) return fail("bad metric name");
        if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" &&
            rest != "untyped") {
          return fail("unknown type");
        }
        if (out.types.count(name)) return fail("second TYPE for a family");
        out.types[name] = rest;
      } else if (kind == "HELP") {
        if (!IsMetricName(name)) return fail("bad metric name");
      }
      continue;
    }
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    const std::string name = line.substr(0, i);
    if (!IsMetricName(name)) return fail("bad metric name");
    std::string labels, le;
    if (i < line.size() && line[i] == '{') {
      const size_t start = i;
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
          return fail("bad label");
        const std::string lname = line.substr(i, eq - i);
        if (!IsMetricName(lname)) return fail("bad label name");
        size_t j = eq + 2;
        std::string value;
        while (j < line.size() && line[j] != '"') {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value += line[j++];
        }
        if (j >= line.size()) return fail("unterminated label value");
        if (lname == "le") le = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail("unterminated labels");
      labels = line.substr(start, i + 1 - start);
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return fail("no value");
    const std::string value_text = line.substr(i + 1);
    double value = 0;
    if (value_text == "+Inf") {
      value = 1e308;
    } else {
      char* end = nullptr;
      value = std::strtod(value_text.c_str(), &end);
      if (end == value_text.c_str() || *end != '\0') return fail("value is not a number");
    }
    // The family: the name itself, or for histograms without the suffix.
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (!out.types.count(family) && name.size() > s.size() &&
          name.compare(name.size() - s.size(), s.size(), s) == 0) {
        family = name.substr(0, name.size() - s.size());
      }
    }
    if (!out.types.count(family)) return fail("sample before its TYPE");
    if (out.types[family] == "counter" && value < 0) return fail("negative counter");
    if (out.types[family] == "histogram" && name == family + "_bucket") {
      if (le.empty()) return fail("bucket without le");
      std::string key = labels;  // the series without its le label
      const size_t at = key.find("le=\"");
      key.erase(at, key.find('"', at + 4) + 1 - at);
      key = family + key;
      if (last_bucket.count(key) && value < last_bucket[key]) return fail("buckets not cumulative");
      last_bucket[key] = value;
      if (le == "+Inf") out.samples["_inf" + key] = value;
    }
    if (out.samples.count(name + labels)) return fail("duplicate series");
    out.samples[name + labels] = value;
  }
  // Every histogram's +Inf bucket equals its _count.
  for (const auto& [series, v] : out.samples) {
    if (series.rfind("_inf", 0) != 0) continue;
    const size_t brace = series.find('{');
    const std::string family = series.substr(4, brace - 4);
    std::string labels = series.substr(brace);
    if (labels == "{,}" || labels == "{}") labels.clear();
    if (!labels.empty()) {
      // "{a="x",}" after removing le: drop the dangling comma.
      const size_t comma = labels.find(",}");
      if (comma != std::string::npos) labels.erase(comma, 1);
    }
    auto count = out.samples.find(family + "_count" + labels);
    if (count == out.samples.end() || count->second != v) {
      out.error = "histogram " + family + labels + ": +Inf bucket differs from _count";
      return out;
    }
  }
  return out;
}

}  // namespace corridor::testing

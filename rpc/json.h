// Json: an owning, copyable JSON value for the RPC boundary (RapidJSON inside).
//
// Handlers build results with it and the subscription framework carries event
// payloads in it. It wraps a rapidjson::Document so that callers who need the
// full RapidJSON API can reach it through doc()/value(); the common cases are
// covered by Set/Push helpers. Amounts go in as decimal strings (FormatAmount),
// hashes and bytes as hex: there is deliberately no floating-point setter.
//
// Thread-safety: a Json is a plain value; distinct objects may be used from
// distinct threads, one object is not synchronised.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "chain/result.h"

namespace corridor::rpc {

class Json {
 public:
  Json();  // null
  Json(const Json& other);
  Json(Json&& other) noexcept;
  Json& operator=(const Json& other);
  Json& operator=(Json&& other) noexcept;
  ~Json();

  static Json Object();
  static Json Array();
  static Json String(std::string_view s);
  static Json Uint(uint64_t v);
  static Json Int(int64_t v);
  static Json Bool(bool v);
  // Deep-copies a RapidJSON value.
  static Json From(const rapidjson::Value& v);
  // Parses text; nesting deeper than kMaxDepth is refused (error code "bad_json").
  static Result<Json> Parse(std::string_view text);

  static constexpr size_t kMaxDepth = 64;

  bool IsObject() const { return doc_.IsObject(); }
  bool IsArray() const { return doc_.IsArray(); }
  bool IsNull() const { return doc_.IsNull(); }

  // Object members. REQUIRES: IsObject(). A key that exists is replaced.
  Json& Set(std::string_view key, std::string_view value);
  Json& Set(std::string_view key, const char* value) { return Set(key, std::string_view(value)); }
  Json& Set(std::string_view key, const std::string& value) {
    return Set(key, std::string_view(value));
  }
  Json& Set(std::string_view key, bool value);
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) Json& Set(std::string_view key,
                                                                       T value) {
    if constexpr (std::is_signed_v<T>) {
      return SetInt(key, static_cast<int64_t>(value));
    } else {
      return SetUint(key, static_cast<uint64_t>(value));
    }
  }
  Json& Set(std::string_view key, const Json& value);
  Json& SetNull(std::string_view key);

  // Array elements. REQUIRES: IsArray().
  Json& Push(const Json& value);
  Json& Push(std::string_view value);

  // Lookups on an object; nullptr when absent or not an object.
  const rapidjson::Value* Find(std::string_view key) const;

  std::string Serialize() const;

  rapidjson::Document& doc() { return doc_; }
  const rapidjson::Value& value() const { return doc_; }
  rapidjson::Document::AllocatorType& allocator() { return doc_.GetAllocator(); }

 private:
  Json& SetInt(std::string_view key, int64_t value);
  Json& SetUint(std::string_view key, uint64_t value);
  Json& SetValue(std::string_view key, rapidjson::Value&& value);

  rapidjson::Document doc_;
};

// Writes `v` as compact JSON text.
std::string SerializeValue(const rapidjson::Value& v);

// Largest nesting depth of arrays/objects in `text`, scanning raw bytes (strings
// are skipped). Used to refuse deep documents before handing them to code
// that recurses. Stops counting at `limit + 1`.
size_t JsonNestingDepth(std::string_view text, size_t limit);

}  // namespace corridor::rpc

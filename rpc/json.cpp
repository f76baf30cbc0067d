#include "rpc/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace corridor::rpc {

namespace {
rapidjson::Value Str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}
}  // namespace

Json::Json() = default;
Json::Json(const Json& other) {
  doc_.CopyFrom(other.doc_, doc_.GetAllocator());
}
Json::Json(Json&& other) noexcept : doc_(std::move(other.doc_)) {}
Json& Json::operator=(const Json& other) {
  if (this != &other) {
    rapidjson::Document copy;
    copy.CopyFrom(other.doc_, copy.GetAllocator());
    doc_.Swap(copy);
  }
  return *this;
}
Json& Json::operator=(Json&& other) noexcept {
  doc_ = std::move(other.doc_);
  return *this;
}
Json::~Json() = default;

Json Json::Object() {
  Json j;
  j.doc_.SetObject();
  return j;
}
Json Json::Array() {
  Json j;
  j.doc_.SetArray();
  return j;
}
Json Json::String(std::string_view s) {
  Json j;
  j.doc_.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), j.doc_.GetAllocator());
  return j;
}
Json Json::Uint(uint64_t v) {
  Json j;
  j.doc_.SetUint64(v);
  return j;
}
Json Json::Int(int64_t v) {
  Json j;
  j.doc_.SetInt64(v);
  return j;
}
Json Json::Bool(bool v) {
  Json j;
  j.doc_.SetBool(v);
  return j;
}
Json Json::From(const rapidjson::Value& v) {
  Json j;
  j.doc_.CopyFrom(v, j.doc_.GetAllocator());
  return j;
}

Result<Json> Json::Parse(std::string_view text) {
  if (JsonNestingDepth(text, kMaxDepth) > kMaxDepth) {
    return MakeError("bad_json", "JSON nested deeper than " + std::to_string(kMaxDepth));
  }
  Json j;
  // Iterative parsing: no recursion on untrusted input.
  j.doc_.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (j.doc_.HasParseError()) {
    return MakeError("bad_json", std::string(rapidjson::GetParseError_En(j.doc_.GetParseError())) +
                                     " at offset " + std::to_string(j.doc_.GetErrorOffset()));
  }
  return j;
}

Json& Json::SetValue(std::string_view key, rapidjson::Value&& value) {
  auto it = doc_.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  if (it != doc_.MemberEnd()) {
    it->value = std::move(value);
  } else {
    doc_.AddMember(Str(key, doc_.GetAllocator()), value, doc_.GetAllocator());
  }
  return *this;
}

Json& Json::Set(std::string_view key, std::string_view value) {
  return SetValue(key, Str(value, doc_.GetAllocator()));
}
Json& Json::Set(std::string_view key, bool value) {
  return SetValue(key, rapidjson::Value(value));
}
Json& Json::SetInt(std::string_view key, int64_t value) {
  return SetValue(key, rapidjson::Value(static_cast<int64_t>(value)));
}
Json& Json::SetUint(std::string_view key, uint64_t value) {
  return SetValue(key, rapidjson::Value(static_cast<uint64_t>(value)));
}
Json& Json::Set(std::string_view key, const Json& value) {
  rapidjson::Value copy(value.doc_, doc_.GetAllocator());
  return SetValue(key, std::move(copy));
}
Json& Json::SetNull(std::string_view key) {
  return SetValue(key, rapidjson::Value());
}

Json& Json::Push(const Json& value) {
  rapidjson::Value copy(value.doc_, doc_.GetAllocator());
  doc_.PushBack(copy, doc_.GetAllocator());
  return *this;
}
Json& Json::Push(std::string_view value) {
  doc_.PushBack(Str(value, doc_.GetAllocator()), doc_.GetAllocator());
  return *this;
}

const rapidjson::Value* Json::Find(std::string_view key) const {
  if (!doc_.IsObject()) return nullptr;
  auto it = doc_.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == doc_.MemberEnd() ? nullptr : &it->value;
}

std::string Json::Serialize() const {
  return SerializeValue(doc_);
}

std::string SerializeValue(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

size_t JsonNestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t max_depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          max_depth = depth;
          if (max_depth > limit) return max_depth;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return max_depth;
}

}  // namespace corridor::rpc

#include "util/json_fields.h"

#include <fmt/format.h>

namespace zf::internal {

Status FieldError(std::string_view pointer, std::string_view rule) {
  return InvalidArgumentError(fmt::format("{}: {}", pointer, rule)).WithSubject(pointer);
}

Result<std::string> String(const boost::json::object& o, std::string_view key,
                           std::string_view pointer, bool required) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (!required) return std::string();
    return FieldError(fmt::format("{}/{}", pointer, key), "required");
  }
  if (!v->is_string()) return FieldError(fmt::format("{}/{}", pointer, key), "must be a string");
  return std::string(v->as_string());
}

Result<std::vector<std::string>> Strings(const boost::json::object& o, std::string_view key,
                                         std::string_view pointer) {
  std::vector<std::string> out;
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return out;
  const std::string at = fmt::format("{}/{}", pointer, key);
  if (!v->is_array()) return FieldError(at, "must be an array of strings");
  for (const boost::json::value& s : v->as_array()) {
    if (!s.is_string()) return FieldError(at, "must be an array of strings");
    out.emplace_back(s.as_string());
  }
  return out;
}

Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& o, std::string_view key,
                                                std::string_view pointer) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (!v->is_int64()) return FieldError(fmt::format("{}/{}", pointer, key), "must be an integer");
  return std::optional<std::int64_t>(v->as_int64());
}

}  // namespace zf::internal

// Reading fields of JSON objects with errors that name the field by JSON
// pointer ("/data/levels/0/fine_min_fen: must be an integer").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// kInvalidArgument "<pointer>: <rule>" with the pointer as subject.
Status FieldError(std::string_view pointer, std::string_view rule);

// o[key] as a string; "" when absent and not required.
Result<std::string> String(const boost::json::object& o, std::string_view key,
                           std::string_view pointer, bool required = true);
// o[key] as a list of strings; empty when absent.
Result<std::vector<std::string>> Strings(const boost::json::object& o, std::string_view key,
                                         std::string_view pointer);
// o[key] as an int64, if present.
Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& o, std::string_view key,
                                                std::string_view pointer);

}  // namespace zf::internal

// The JSON Schemas of schemas/, compiled into the library
// (cmake/embed_schemas.cmake), keyed by their path under schemas/:
// "commands/register_township.schema.json".
#pragma once

#include <string_view>
#include <vector>

namespace zf::internal {

struct EmbeddedSchema {
  std::string_view path;
  std::string_view text;
};

const std::vector<EmbeddedSchema>& EmbeddedSchemas();

}  // namespace zf::internal

// zf::JsonSchema: the public face of the schema validator, with the
// schema's own words for the offending field.
#include "zf/json_schema.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace zf {
namespace {

namespace json = boost::json;

const char* const kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "limit": {"$ref": "#/definitions/positive", "description": "how many at most"},
    "plain": {"$ref": "#/definitions/positive"},
    "items": {"type": "array", "items": {"$ref": "#/definitions/item"}}
  },
  "definitions": {
    "positive": {"type": "integer", "minimum": 1, "description": "a positive whole number"},
    "item": {"type": "object", "required": ["id"], "additionalProperties": false,
             "properties": {"id": {"type": "string", "description": "the item's id"}}}
  }
})";

JsonSchema Compile() {
  auto schema = JsonSchema::FromJson(json::parse(kSchema));
  REQUIRE(schema.ok());
  return std::move(*schema);
}

TEST_CASE("JsonSchema: a valid document passes") {
  const JsonSchema schema = Compile();
  CHECK(schema.Validate(json::parse(R"({"limit": 3, "items": [{"id": "a"}]})")).ok());
}

TEST_CASE("JsonSchema: an error names the field by its pointer and says what it holds") {
  const JsonSchema schema = Compile();
  // A description beside the $ref wins over the referenced schema's.
  Status s = schema.Validate(json::parse(R"({"limit": 0})"));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == "/limit");
  CHECK(s.message().starts_with("/limit: "));
  CHECK(s.message().ends_with("(how many at most)"));
  // Without one beside it, the referenced schema's.
  s = schema.Validate(json::parse(R"({"plain": "x"})"));
  CHECK(s.subject() == "/plain");
  CHECK(s.message().ends_with("(a positive whole number)"));
  // Through array items and a $ref to a nested property.
  s = schema.Validate(json::parse(R"({"items": [{"id": "a"}, {"id": 7}]})"));
  CHECK(s.subject() == "/items/1/id");
  CHECK(s.message().ends_with("(the item's id)"));
  // An unknown member: named, with no description to add.
  s = schema.Validate(json::parse(R"({"limt": 3})"));
  CHECK(s.subject() == "/limt");
  CHECK_FALSE(s.message().ends_with(")"));
}

TEST_CASE("JsonSchema: shipped schemas are found by their path under schemas/") {
  auto config = JsonSchema::Shipped("serve-config.schema.json");
  REQUIRE(config.ok());
  CHECK(config->Validate(json::parse(R"({"tokens": []})")).ok());
  const Status s = config->Validate(json::parse(R"({"tokens": [], "limits": {"io_threads": -1}})"));
  CHECK(s.subject() == "/limits/io_threads");
  CHECK(s.message().ends_with("(threads for network I/O; 0: one per hardware thread)"));
  CHECK(JsonSchema::Shipped("commands/register_clue.schema.json").ok());
  const auto missing = JsonSchema::Shipped("no-such.schema.json");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().subject() == "no-such.schema.json");
}

TEST_CASE("JsonSchema: a schema zf does not accept is refused when compiled") {
  const auto bad = JsonSchema::FromJson(json::parse(R"({"type": "object", "properties": {"a": {"type": "string", "pattern": "^a*$"}}})"));
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zf

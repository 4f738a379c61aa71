// zf/json_schema.h — JSON Schema (draft-07) validation for an embedder's own
// documents, with the checks zf applies to commands and events: the first
// root-cause error, named by the RFC 6901 pointer of the offending value.
//
// The schemas shipped in schemas/ are compiled into the library and found
// by their path there; zfcli validates its server config with one:
//   ZF_ASSIGN_OR_RETURN(zf::JsonSchema schema,
//                       zf::JsonSchema::Shipped("serve-config.schema.json"));
//   zf::Status s = schema.Validate(config);
//   // s.subject() == "/limits/max_body_bytes"
//   // s.message() == "/limits/max_body_bytes: Value is below the minimum …
//   //                 (the largest request body accepted, in bytes)"
//
// The schema language is draft-07 with the restrictions documented in
// docs/architecture.md (#json-schema): local "$ref"s only, bounded
// "pattern"s, no "format" date checks (a pattern that begins with a date is
// checked as a real date instead).
#pragma once

#include <memory>
#include <string_view>

#include <boost/json/value.hpp>

#include "zf/export.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf {

namespace internal {
class SchemaValidator;
}

class ZF_EXPORT JsonSchema {
 public:
  // A schema shipped in schemas/, by its path there
  // ("serve-config.schema.json", "commands/register_clue.schema.json").
  // kNotFound for a path that is not one.
  static Result<JsonSchema> Shipped(std::string_view path);
  // Any draft-07 schema. kInvalidArgument when it is not one zf accepts.
  static Result<JsonSchema> FromJson(const boost::json::value& schema);

  // OK, or kInvalidArgument with subject the JSON pointer of the first
  // offending value ("" for the root) and message "<pointer>: <rule>",
  // followed by the schema's "description" of that value in parentheses
  // when it has one (so a schema can say in people's words what a field
  // holds). Thread-safe.
  Status Validate(const boost::json::value& document) const;

  const boost::json::value& schema() const { return *schema_; }

 private:
  JsonSchema(std::shared_ptr<const internal::SchemaValidator> validator,
             std::shared_ptr<const boost::json::value> schema);

  std::shared_ptr<const internal::SchemaValidator> validator_;
  std::shared_ptr<const boost::json::value> schema_;
};

}  // namespace zf

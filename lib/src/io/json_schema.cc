#include "zf/json_schema.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "io/embedded_schemas.h"
#include "io/schema_validator.h"
#include "zf/event_json.h"

namespace zf {
namespace {

namespace json = boost::json;

// RFC 6901 token: "~1" is '/', "~0" is '~'.
std::string Unescape(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out.push_back(token[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

// Follows a local "$ref" ("#/definitions/x") once; other refs stay put.
const json::object* Resolve(const json::value& root, const json::object* node) {
  const json::value* ref = node->if_contains("$ref");
  if (ref == nullptr || !ref->is_string() || !ref->as_string().starts_with("#/")) return node;
  boost::system::error_code ec;
  const json::value* target =
      root.find_pointer(std::string_view(ref->as_string()).substr(1), ec);
  return target != nullptr && target->is_object() ? &target->as_object() : node;
}

const json::value* Description(const json::object& node) {
  const json::value* d = node.if_contains("description");
  return d != nullptr && d->is_string() ? d : nullptr;
}

// The "description" of the value at `pointer` in a document, found through
// "properties", "additionalProperties" and "items" (a description beside a
// "$ref" wins over the referenced schema's); nullptr where there is none or
// the path leaves what can be followed without the value (oneOf, ...).
const json::value* DescriptionAt(const json::value& schema, std::string_view pointer) {
  if (!schema.is_object()) return nullptr;
  const json::object* here = &schema.as_object();
  const json::object* node = Resolve(schema, here);
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // the '/'
    const std::size_t slash = pointer.find('/');
    const std::string token = Unescape(pointer.substr(0, slash));
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
    const json::value* next = nullptr;
    if (const json::value* props = node->if_contains("properties");
        props != nullptr && props->is_object()) {
      next = props->as_object().if_contains(token);
    }
    if (next == nullptr) next = node->if_contains("additionalProperties");
    if (next == nullptr) next = node->if_contains("items");
    if (next == nullptr || !next->is_object()) return nullptr;
    here = &next->as_object();
    node = Resolve(schema, here);
  }
  const json::value* d = Description(*here);
  return d != nullptr ? d : Description(*node);
}

}  // namespace

JsonSchema::JsonSchema(std::shared_ptr<const internal::SchemaValidator> validator,
                       std::shared_ptr<const json::value> schema)
    : validator_(std::move(validator)), schema_(std::move(schema)) {}

Result<JsonSchema> JsonSchema::Shipped(std::string_view path) {
  for (const internal::EmbeddedSchema& shipped : internal::EmbeddedSchemas()) {
    if (shipped.path != path) continue;
    ZF_ASSIGN_OR_RETURN(json::value schema, ParseJson(shipped.text));
    return FromJson(schema);
  }
  return NotFoundError(fmt::format("no schema '{}' is shipped in schemas/", path))
      .WithSubject(path);
}

Result<JsonSchema> JsonSchema::FromJson(const json::value& schema) {
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<internal::SchemaValidator> validator,
                      internal::SchemaValidator::FromJson(schema));
  return JsonSchema(std::shared_ptr<const internal::SchemaValidator>(std::move(validator)),
                    std::make_shared<const json::value>(schema));
}

Status JsonSchema::Validate(const json::value& document) const {
  Status s = validator_->Validate(document);
  if (s.ok() || s.code() != StatusCode::kInvalidArgument) return s;
  const json::value* description = DescriptionAt(*schema_, s.subject());
  if (description == nullptr) return s;
  return InvalidArgumentError(
             fmt::format("{} ({})", s.message(), std::string_view(description->as_string())))
      .WithSubject(s.subject());
}

}  // namespace zf

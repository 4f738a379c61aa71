// io/fast_schema.h — a quick yes for the documents a JSON Schema accepts.
//
// valijson (io/schema_validator.h) is exact but slow: a visitor per value,
// a std::function per constraint, a copied context path per member and
// std::regex for every pattern — about 8 % of an audit's CPU and 9 % of an
// import's, almost all of it spent on documents that are valid. A
// FastSchema compiles the schema's common keywords into a tree once and
// answers one of three things for a document:
//
//   kValid    the document satisfies every keyword it met; valijson would
//             accept it too (tests/unit/io/fast_schema_test.cc compares the
//             two on every shipped schema and thousands of mutated
//             documents);
//   kInvalid  some keyword refuses it;
//   kUnsure   it met a keyword, value or pattern it does not model.
//
// Only kValid is acted on: SchemaValidator then skips valijson. Anything
// else goes to valijson, which alone words the errors, so the answers and
// messages are valijson's in every case.
//
// What is modelled (draft-07, valijson's strict types): boolean schemas,
// type, properties, patternProperties, required, additionalProperties
// (false or a schema), enum and const of strings, integers and booleans,
// minLength/maxLength (code points of valid UTF-8 without NUL), pattern
// (search semantics; the subset of ECMAScript the shipped schemas use:
// anchors, literals, escapes, classes of ASCII ranges, groups with
// alternation, ?, {n} and {n,m}), integer minimum/maximum up to 2^53,
// items (one schema), minItems/maxItems, uniqueItems over strings,
// integers or booleans, minProperties/maxProperties and local $ref.
// Annotations (title, description, $schema, $id, default, definitions,
// examples, $comment) are ignored. Every other keyword makes its node
// answer kUnsure.
//
// Thread safety: immutable after Compile; Check may run on many threads.
#pragma once

#include <memory>
#include <string_view>

#include <boost/json/value.hpp>

namespace zf::internal {

class FastSchema {
 public:
  enum class Verdict { kValid, kInvalid, kUnsure };

  static std::unique_ptr<FastSchema> Compile(const boost::json::value& schema);
  ~FastSchema();

  Verdict Check(const boost::json::value& document) const;

  // For tests: the pattern matcher alone. kUnsure when the pattern is not
  // in the modelled subset.
  static Verdict SearchPattern(std::string_view pattern, std::string_view text);

 private:
  struct Impl;
  FastSchema();
  std::unique_ptr<Impl> impl_;
};

}  // namespace zf::internal

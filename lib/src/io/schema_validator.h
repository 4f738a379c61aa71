// io/schema_validator.h — validates JSON documents against a JSON Schema
// (draft-07), e.g. schemas/append-request.schema.json before an append and
// schemas/event-envelope.schema.json for an exported event.
//
// A thin wrapper around valijson that keeps valijson (and its exceptions) out
// of every caller: errors come back as a zf::Status whose subject is the RFC
// 6901 JSON pointer of the offending value, in the same form as
// zf::AppendRequestFromJson uses.
//
// Example:
//   ZF_ASSIGN_OR_RETURN(auto validator,
//                       SchemaValidator::Load("schemas/append-request.schema.json"));
//   Status s = validator->Validate(request_json);
//   // s.subject() == "/events/0/occurred_at"
//   // s.message() == "/events/0/occurred_at: Failed to match regex specified by
//   //                 'pattern' constraint."
//
// Which error is reported. valijson reports every violation, each with a
// context path (["<root>", "[events]", "[0]", "[occurred_at]"]), plus
// summary errors on the enclosing values ("Failed to validate item #0 in
// array." at "/events"). Validate() reports the FIRST error, in valijson's
// report order, whose location is not the parent of any other error's
// location: the first root cause, never a summary. (Report order follows
// the schema's constraint order, not necessarily the document's member
// order; for one fault it does not matter.) The subject is that location,
// except for two errors valijson reports on the object rather than on the
// member, whose subject is the member's pointer, as AppendRequestFromJson
// does: "Missing required property 'x'." (subject ".../x") and the
// additionalProperties refusal of an unknown member 'x' (subject ".../x").
// The message is "<pointer>: <valijson's description>", also for the root
// (": <description>"), like zf::AppendRequestFromJson's messages: a caller
// that validates a nested document (say the "data" of a command) can prefix
// its pointer to subject and message alike.
//
// Differences from a textbook JSON Schema validator, all deliberate:
// - Integers are those Boost.JSON holds as int64 or uint64; a double is never
//   an integer, even 1.0 (zf refuses floating-point numbers in events).
//   uint64 values above 2^63-1 are checked as 2^63-1 (valijson only reads
//   int64), so a schema must not put minimum/maximum/enum/const above
//   2^63-1 and expect them to tell such values apart.
//   A NUL inside a string is checked as U+0001 (valijson reads strings as C
//   strings and would otherwise ignore everything after a NUL); both are
//   control characters, so patterns that refuse one refuse the other.
// - Patterns are ECMAScript std::regex, matched against UTF-8 bytes.
// - Schemas that could crash the validator are refused at load time
//   (kInvalidArgument): libstdc++'s std::regex recurses once per repeated
//   character and overflows the stack on inputs of ~40k characters (8 MiB
//   stack). So every "pattern" and "patternProperties" regex must match at
//   most kMaxPatternMatchBytes bytes: no '*', '+', '{n,}' or backreferences;
//   write "[a-z]{0,63}" instead of "[a-z]*". For the same reason "format"
//   values "date", "time" and "date-time" (valijson checks them with
//   unbounded regexes) are refused; use a bounded "pattern".
// - "$schema", if present, must name draft-07. "$ref" may only point inside
//   the schema (no remote documents). "$id" is not used to resolve "$ref".
// - Calendar fields: a string whose "pattern" begins with a date
//   ("^[0-9]{4}-[0-9]{2}-[0-9]{2}", alone or before a time) must also be a
//   real date — a pattern lets 2024-02-30 and 0000-00-00 through — and, with
//   a time, a valid RFC 3339 timestamp (util/rfc3339.h). The fields are
//   found once, when the schema is loaded, by following "properties",
//   "items", "additionalProperties", "patternProperties", "oneOf", "anyOf",
//   "allOf", "if"/"then"/"else" and local "$ref"s.
//
// Speed: a document is first checked by a FastSchema compiled from the same
// schema (io/fast_schema.h), which answers "valid" only where valijson
// would; valijson runs for everything else, so errors are always its own.
//
// Thread safety: a SchemaValidator is immutable after Load()/FromJson()
// (apart from an internal, mutex-guarded pool); Validate() may be called
// concurrently from many threads. valijson's Validator is NOT thread-safe: it
// caches the std::regex objects it compiles in a non-const member. Creating
// one per call would recompile every pattern for every document (~1 ms), so
// each Validate() call leases a Validator from a pool, uses it alone and
// returns it; the parsed valijson::Schema is only read during validation.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

class SchemaValidator {
 public:
  // Upper bound on the bytes one schema regex may match; see above.
  static constexpr std::size_t kMaxPatternMatchBytes = 1024;

  // Reads and parses the schema file at `schema_path`.
  // Errors (subject: the path): kNotFound if the file does not exist;
  // kInvalidArgument if it is not a regular file, not valid JSON, or not a
  // valid (or not a safe, see above) draft-07 schema; kIOError if it cannot
  // be read.
  static Result<std::unique_ptr<SchemaValidator>> Load(std::string_view schema_path);

  // Builds a validator from an already parsed schema. kInvalidArgument, with
  // valijson's reason in the message, if `schema` is not a valid or not a safe
  // draft-07 schema (for a regex problem the subject is the JSON pointer of
  // the offending "pattern" inside the schema).
  static Result<std::unique_ptr<SchemaValidator>> FromJson(const boost::json::value& schema);

  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;
  ~SchemaValidator();

  // OK if `document` satisfies the schema; otherwise kInvalidArgument with
  // subject = the JSON pointer of the offending value (e.g.
  // "/events/0/occurred_at", "" for the root) and message
  // "<pointer>: <rule broken>" (": <rule broken>" for the root). kInternal if validation itself failed (it
  // does not for a schema accepted by Load()/FromJson(), barring memory
  // exhaustion). Never throws.
  Status Validate(const boost::json::value& document) const;
  // Validate() without the quick path (io/fast_schema.h): valijson decides
  // every document. For tests that compare the two.
  Status ValidateExactly(const boost::json::value& document) const;

  // The calendar fields (see above) as JSON pointers, "*" standing for every
  // array item or object member, in key order.
  std::vector<std::string> CalendarFields() const;
  // Only the calendar check of Validate(), on any document: the values at
  // the calendar fields that are strings must be real dates (and times).
  Status CheckCalendarFields(const boost::json::value& document) const;

 private:
  struct Impl;
  SchemaValidator();
  Status Validate(const boost::json::value& document, bool quick) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zf::internal

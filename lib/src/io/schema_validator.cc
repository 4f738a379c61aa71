#include "io/schema_validator.h"

#include "io/fast_schema.h"

// valijson reports a bad schema by calling throwRuntimeError(), which throws
// only when VALIJSON_USE_EXCEPTIONS is set and calls abort() otherwise. This
// file is the only one that includes valijson; every file that does must see
// the same value (ODR), so prefer setting it on the zf_valijson target.
#if defined(VALIJSON_USE_EXCEPTIONS) && !VALIJSON_USE_EXCEPTIONS
#error "zf needs VALIJSON_USE_EXCEPTIONS=1: without it valijson aborts on a bad schema"
#endif
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "util/rfc3339.h"
#include "zf/calendar.h"

namespace zf::internal {
namespace {

namespace json = boost::json;

// Schema files are small; this only guards against reading a wrong path.
constexpr std::uintmax_t kMaxSchemaFileBytes = 16u << 20;

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

std::size_t SatAdd(std::size_t a, std::size_t b) {
  return a > kUnbounded - b ? kUnbounded : a + b;
}
std::size_t SatMul(std::size_t a, std::size_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kUnbounded / b ? kUnbounded : a * b;
}

// Appends `token` to *out escaped per RFC 6901 ("~" -> "~0", "/" -> "~1").
void AppendPointerToken(std::string_view token, std::string* out) {
  for (char c : token) {
    if (c == '~') {
      out->append("~0");
    } else if (c == '/') {
      out->append("~1");
    } else {
      out->push_back(c);
    }
  }
}

std::string ChildPointer(std::string_view parent, std::string_view token) {
  std::string out(parent);
  out.push_back('/');
  AppendPointerToken(token, &out);
  return out;
}

// ["<root>", "[events]", "[0]", "[occurred_at]"] -> "/events/0/occurred_at".
// valijson wraps both member names and array indices in brackets and does not
// escape them, so only the outer pair is removed: a member named "[x]" is
// reported as "[[x]]".
std::string PointerFromContext(const std::vector<std::string>& context) {
  std::string out;
  for (std::size_t i = 0; i < context.size(); ++i) {
    std::string_view token = context[i];
    if (i == 0 && token == "<root>") continue;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    out.push_back('/');
    AppendPointerToken(token, &out);
  }
  return out;
}

// The text between `prefix` and `suffix` when `s` is exactly
// prefix + text + suffix.
std::optional<std::string_view> Between(std::string_view s, std::string_view prefix,
                                        std::string_view suffix) {
  if (s.size() < prefix.size() + suffix.size() || !s.starts_with(prefix) ||
      !s.ends_with(suffix)) {
    return std::nullopt;
  }
  return s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
}

// valijson 1.0's wording of the two errors it reports on an object about one
// of its members. If a valijson upgrade rewords them, the subject falls back
// to the object's pointer (and schema_validator_test fails).
constexpr std::string_view kMissingPrefix = "Missing required property '";
constexpr std::string_view kUnknownPrefix =
    "Object contains a property that could not be validated using 'properties' or "
    "'additionalProperties' constraints: '";
constexpr std::string_view kNameSuffix = "'.";

// --- Regex safety ----------------------------------------------------------

// The most characters (bytes) an ECMAScript regex can match, computed from
// its syntax; kUnbounded for '*', '+', '{n,}' and backreferences. Assumes the
// pattern compiled with std::regex. Over-estimates (lookaheads count as
// matching), never under-estimates.
class PatternLength {
 public:
  explicit PatternLength(std::string_view p) : p_(p) {}

  // nullopt when the syntax is not understood.
  std::optional<std::size_t> Compute() {
    std::size_t n = Alternation();
    if (!ok_ || pos_ != p_.size()) return std::nullopt;
    return n;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }

  std::size_t Alternation() {
    std::size_t best = Sequence();
    while (!AtEnd() && p_[pos_] == '|') {
      ++pos_;
      best = std::max(best, Sequence());
    }
    return best;
  }

  std::size_t Sequence() {
    std::size_t total = 0;
    while (ok_ && !AtEnd() && p_[pos_] != '|' && p_[pos_] != ')') {
      const std::size_t atom = Atom();
      const std::size_t times = Quantifier();
      total = SatAdd(total, SatMul(atom, times));
    }
    return total;
  }

  std::size_t Atom() {
    const char c = p_[pos_++];
    switch (c) {
      case '(': {
        if (!AtEnd() && p_[pos_] == '?') {
          ++pos_;
          if (!AtEnd() && (p_[pos_] == ':' || p_[pos_] == '=' || p_[pos_] == '!')) ++pos_;
        }
        const std::size_t inner = Alternation();
        if (AtEnd() || p_[pos_] != ')') {
          ok_ = false;
          return 0;
        }
        ++pos_;
        return inner;
      }
      case '[': {
        if (!AtEnd() && p_[pos_] == '^') ++pos_;
        while (!AtEnd() && p_[pos_] != ']') pos_ += p_[pos_] == '\\' ? 2 : 1;
        if (AtEnd()) {
          ok_ = false;
          return 0;
        }
        ++pos_;
        return 1;
      }
      case '\\': {
        if (AtEnd()) {
          ok_ = false;
          return 0;
        }
        const char e = p_[pos_++];
        if (e >= '1' && e <= '9') return kUnbounded;  // a backreference
        if (e == 'x') pos_ += 2;
        if (e == 'u') pos_ += 4;
        if (e == 'c') pos_ += 1;
        if (pos_ > p_.size()) ok_ = false;
        return 1;
      }
      case '^':
      case '$':
        return 0;
      default:
        return 1;
    }
  }

  // How many times the preceding atom may repeat.
  std::size_t Quantifier() {
    if (AtEnd()) return 1;
    std::size_t times = 1;
    switch (p_[pos_]) {
      case '*':
      case '+':
        ++pos_;
        times = kUnbounded;
        break;
      case '?':
        ++pos_;
        break;
      case '{': {
        ++pos_;
        std::size_t low = 0;
        if (!ReadNumber(&low)) return 1;
        times = low;
        if (!AtEnd() && p_[pos_] == ',') {
          ++pos_;
          std::size_t high = 0;
          times = ReadNumber(&high) ? high : kUnbounded;
        }
        if (AtEnd() || p_[pos_] != '}') {
          ok_ = false;
          return 1;
        }
        ++pos_;
        break;
      }
      default:
        return 1;
    }
    if (!AtEnd() && p_[pos_] == '?') ++pos_;  // lazy
    return times;
  }

  bool ReadNumber(std::size_t* out) {
    const std::size_t begin = pos_;
    std::size_t n = 0;
    while (!AtEnd() && p_[pos_] >= '0' && p_[pos_] <= '9') {
      n = SatAdd(SatMul(n, 10), static_cast<std::size_t>(p_[pos_] - '0'));
      ++pos_;
    }
    *out = n;
    return pos_ != begin;
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

Status SchemaError(std::string_view pointer, std::string_view why) {
  return InvalidArgumentError(
             fmt::format("schema {}: {}", pointer.empty() ? "root" : pointer, why))
      .WithSubject(pointer);
}

// A regex the schema applies to instance strings: must compile as valijson
// compiles it and must not be able to match more than kMaxPatternMatchBytes.
Status CheckPattern(const std::string& pattern, std::string_view pointer) {
  try {
    std::regex compiled(pattern);
  } catch (const std::regex_error& e) {
    return SchemaError(pointer, fmt::format("'{}' is not a valid ECMAScript regular "
                                            "expression: {}",
                                            pattern, e.what()));
  }
  std::optional<std::size_t> length = PatternLength(pattern).Compute();
  if (!length) {
    return SchemaError(pointer, fmt::format("regular expression '{}' is not understood",
                                            pattern));
  }
  if (*length > SchemaValidator::kMaxPatternMatchBytes) {
    return SchemaError(
        pointer,
        fmt::format("regular expression '{}' can match {} characters; at most {} are allowed "
                    "(std::regex recurses per character and overflows the stack on long "
                    "input): use bounded repetition such as {{0,200}} instead of '*', '+', "
                    "'{{n,}}' or backreferences",
                    pattern,
                    *length == kUnbounded ? std::string("unboundedly many")
                                          : std::to_string(*length),
                    SchemaValidator::kMaxPatternMatchBytes));
  }
  return Status::Ok();
}

// Walks the schema document for regexes and formats valijson would apply with
// an unbounded std::regex. Values of keywords that hold instance data rather
// than schemas are skipped.
Status CheckSchemaSafety(const json::value& node, const std::string& pointer) {
  if (const json::array* a = node.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      ZF_RETURN_IF_ERROR(CheckSchemaSafety((*a)[i], ChildPointer(pointer, std::to_string(i))));
    }
    return Status::Ok();
  }
  const json::object* o = node.if_object();
  if (o == nullptr) return Status::Ok();
  for (const auto& member : *o) {
    const std::string_view key = member.key();
    const json::value& value = member.value();
    const std::string child = ChildPointer(pointer, key);
    if (key == "enum" || key == "const" || key == "default" || key == "examples") continue;
    if (key == "pattern" && value.is_string()) {
      ZF_RETURN_IF_ERROR(CheckPattern(std::string(value.get_string()), child));
      continue;
    }
    if (key == "format" && value.is_string()) {
      const std::string_view format = value.get_string();
      if (format == "date" || format == "time" || format == "date-time") {
        return SchemaError(
            child, fmt::format("format '{}' is not supported (valijson checks it with an "
                               "unbounded regular expression); use a bounded 'pattern'",
                               format));
      }
      continue;
    }
    if (key == "patternProperties" && value.is_object()) {
      for (const auto& pattern : value.get_object()) {
        ZF_RETURN_IF_ERROR(
            CheckPattern(std::string(pattern.key()), ChildPointer(child, pattern.key())));
      }
    }
    ZF_RETURN_IF_ERROR(CheckSchemaSafety(value, child));
  }
  return Status::Ok();
}

// --- Calendar fields ---------------------------------------------------------

// What a pattern of a calendar field begins with.
constexpr std::string_view kDatePatternPrefix = "^[0-9]{4}-[0-9]{2}-[0-9]{2}";
constexpr std::string_view kEveryMember = "*";
constexpr int kMaxSchemaDepth = 64;  // $ref cycles end here

// Follows the keywords that apply a subschema to the same value or to the
// value's members, collecting the document paths of calendar fields. A
// "$ref" already being followed is not followed again: a recursive
// definition (a JSON value of any depth) would otherwise be walked to every
// depth, each level multiplying the paths. (No calendar field sits inside a
// recursive definition of zf's schemas; one that did would be checked at
// its first level only.)
void CollectCalendarFields(const json::value& node, const json::value& root,
                           std::vector<std::string>* steps,
                           std::set<std::vector<std::string>>* out,
                           std::vector<const json::value*>* following, int depth) {
  const json::object* o = node.if_object();
  if (o == nullptr || depth > kMaxSchemaDepth) return;
  auto same = [&](const json::value& sub) {
    CollectCalendarFields(sub, root, steps, out, following, depth + 1);
  };
  auto member = [&](std::string_view step, const json::value& sub) {
    steps->emplace_back(step);
    CollectCalendarFields(sub, root, steps, out, following, depth + 1);
    steps->pop_back();
  };
  if (const json::value* p = o->if_contains("pattern");
      p != nullptr && p->is_string() && p->get_string().starts_with(kDatePatternPrefix)) {
    out->insert(*steps);
  }
  if (const json::value* props = o->if_contains("properties"); props && props->is_object()) {
    for (const auto& m : props->get_object()) member(m.key(), m.value());
  }
  if (const json::value* pp = o->if_contains("patternProperties"); pp && pp->is_object()) {
    for (const auto& m : pp->get_object()) member(kEveryMember, m.value());
  }
  if (const json::value* ap = o->if_contains("additionalProperties")) member(kEveryMember, *ap);
  if (const json::value* items = o->if_contains("items")) {
    if (const json::array* tuple = items->if_array()) {
      for (const json::value& sub : *tuple) member(kEveryMember, sub);
    } else {
      member(kEveryMember, *items);
    }
  }
  for (std::string_view key : {"oneOf", "anyOf", "allOf"}) {
    if (const json::value* list = o->if_contains(key); list && list->is_array()) {
      for (const json::value& sub : list->get_array()) same(sub);
    }
  }
  for (std::string_view key : {"if", "then", "else"}) {
    if (const json::value* sub = o->if_contains(key)) same(*sub);
  }
  if (const json::value* ref = o->if_contains("$ref"); ref && ref->is_string()) {
    // Local references only (see the header): "#/a/b" walks the schema.
    std::string_view path = ref->get_string();
    if (!path.starts_with("#")) return;
    path.remove_prefix(1);
    json::error_code ec;
    const json::value* target = root.find_pointer(path, ec);
    if (target == nullptr || std::find(following->begin(), following->end(), target) !=
                                 following->end()) {
      return;
    }
    following->push_back(target);
    same(*target);
    following->pop_back();
  }
}

// Why `text` (which matched a calendar pattern) is no real date or
// timestamp, or nullopt when it is one. The date parser is the one every
// decider and the working-day calendar use, so its rule and its message are
// the same wherever a date is read.
std::optional<std::string> CalendarFault(std::string_view text) {
  if (text.size() > 10) {
    Result<Timestamp> t = ParseRfc3339(text);
    if (!t.ok()) return fmt::format("not a calendar time: {}", t.status().message());
    return std::nullopt;
  }
  Result<Date> date = Date::Parse(text);
  if (!date.ok()) return fmt::format("not a calendar date: {}", date.status().message());
  return std::nullopt;
}

Status CheckCalendarAt(const json::value& value, const std::vector<std::string>& steps,
                       std::size_t at, const std::string& pointer) {
  if (at == steps.size()) {
    const json::string* s = value.if_string();
    if (s == nullptr) return Status::Ok();  // not a string: the schema's to refuse
    std::optional<std::string> fault = CalendarFault(*s);
    if (!fault) return Status::Ok();
    return InvalidArgumentError(fmt::format("{}: {}", pointer, *fault)).WithSubject(pointer);
  }
  if (steps[at] == kEveryMember) {
    if (const json::array* a = value.if_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        ZF_RETURN_IF_ERROR(
            CheckCalendarAt((*a)[i], steps, at + 1, ChildPointer(pointer, std::to_string(i))));
      }
    } else if (const json::object* o = value.if_object()) {
      for (const auto& m : *o) {
        ZF_RETURN_IF_ERROR(CheckCalendarAt(m.value(), steps, at + 1, ChildPointer(pointer, m.key())));
      }
    }
    return Status::Ok();
  }
  const json::object* o = value.if_object();
  if (o == nullptr) return Status::Ok();
  const json::value* next = o->if_contains(steps[at]);
  if (next == nullptr) return Status::Ok();
  return CheckCalendarAt(*next, steps, at + 1, ChildPointer(pointer, steps[at]));
}

Status CheckDraft(const json::value& schema) {
  const json::object* o = schema.if_object();
  if (o == nullptr) return Status::Ok();
  const json::value* draft = o->if_contains("$schema");
  if (draft == nullptr) return Status::Ok();
  const json::string* uri = draft->if_string();
  if (uri != nullptr && (*uri == "http://json-schema.org/draft-07/schema#" ||
                         *uri == "http://json-schema.org/draft-07/schema" ||
                         *uri == "https://json-schema.org/draft-07/schema#" ||
                         *uri == "https://json-schema.org/draft-07/schema")) {
    return Status::Ok();
  }
  return SchemaError("/$schema", fmt::format("{} is not JSON Schema draft-07, the only draft "
                                             "supported",
                                             json::serialize(*draft)));
}

// --- Instance normalisation ------------------------------------------------

bool NeedsNormalizing(const json::value& v) {
  switch (v.kind()) {
    case json::kind::uint64:
      return true;
    case json::kind::string:
      return std::string_view(v.get_string()).find('\0') != std::string_view::npos;
    case json::kind::array:
      return std::any_of(v.get_array().begin(), v.get_array().end(),
                         [](const json::value& e) { return NeedsNormalizing(e); });
    case json::kind::object:
      return std::any_of(v.get_object().begin(), v.get_object().end(),
                         [](const json::key_value_pair& m) { return NeedsNormalizing(m.value()); });
    default:
      return false;
  }
}

// uint64 -> int64 (saturating at 2^63-1): valijson's Boost.JSON adapter only
// counts int64 as an integer or a number. NUL -> U+0001 in strings: valijson
// copies strings through c_str() and would stop at the NUL.
void Normalize(json::value& v) {
  switch (v.kind()) {
    case json::kind::uint64: {
      const std::uint64_t u = v.get_uint64();
      const std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      v = static_cast<std::int64_t>(std::min(u, max));
      break;
    }
    case json::kind::string: {
      json::string& s = v.get_string();
      std::replace(s.begin(), s.end(), '\0', '\x01');
      break;
    }
    case json::kind::array:
      for (json::value& e : v.get_array()) Normalize(e);
      break;
    case json::kind::object:
      for (json::key_value_pair& m : v.get_object()) Normalize(m.value());
      break;
    default:
      break;
  }
}

// --- Error selection -------------------------------------------------------

// The first root-cause error; see the header.
Status ErrorFromResults(const valijson::ValidationResults& results) {
  std::vector<std::string> pointers;
  pointers.reserve(results.numErrors());
  std::unordered_set<std::string> parents;  // every proper prefix of a location
  for (const valijson::ValidationResults::Error& error : results) {
    std::string pointer = PointerFromContext(error.context);
    for (std::size_t slash = pointer.find('/'); slash != std::string::npos;
         slash = pointer.find('/', slash + 1)) {
      parents.insert(pointer.substr(0, slash));
    }
    pointers.push_back(std::move(pointer));
  }
  if (pointers.empty()) {
    // A "false" schema refuses without saying why.
    return InvalidArgumentError(": the schema does not allow this document").WithSubject("");
  }
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < pointers.size(); ++i) {
    if (!parents.contains(pointers[i])) {
      chosen = i;
      break;
    }
  }
  const std::string& description = std::next(results.begin(), chosen)->description;
  std::string subject = std::move(pointers[chosen]);
  if (auto name = Between(description, kMissingPrefix, kNameSuffix)) {
    subject = ChildPointer(subject, *name);
  } else if (auto unknown = Between(description, kUnknownPrefix, kNameSuffix)) {
    subject = ChildPointer(subject, *unknown);
  }
  // "<pointer>: <rule>", also for the root (": <rule>"), as FieldError in
  // event_json.cc writes it, so that a caller validating a nested document
  // can prefix its own pointer to both subject and message.
  return InvalidArgumentError(fmt::format("{}: {}", subject, description)).WithSubject(subject);
}

}  // namespace

// valijson::Validator caches the std::regex objects it compiles, in a
// non-const member: not thread-safe, but compiling the schemas' bounded
// patterns costs ~1 ms per document. So Validate() leases a Validator from a
// pool (one per concurrent caller) and gives it back afterwards.
struct SchemaValidator::Impl {
  // Idle validators kept beyond this are dropped.
  static constexpr std::size_t kMaxIdle = 64;

  valijson::Schema schema;
  std::unique_ptr<FastSchema> fast;  // the quick yes
  std::set<std::vector<std::string>> calendar_fields;  // document paths
  std::mutex mu;
  std::vector<std::unique_ptr<valijson::Validator>> idle;  // guarded by mu

  std::unique_ptr<valijson::Validator> Acquire() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        std::unique_ptr<valijson::Validator> v = std::move(idle.back());
        idle.pop_back();
        return v;
      }
    }
    return std::make_unique<valijson::Validator>(valijson::Validator::kStrongTypes);
  }

  void Release(std::unique_ptr<valijson::Validator> v) {
    std::lock_guard lock(mu);
    if (idle.size() < kMaxIdle) idle.push_back(std::move(v));
  }
};

SchemaValidator::SchemaValidator() : impl_(std::make_unique<Impl>()) {}
SchemaValidator::~SchemaValidator() = default;

Result<std::unique_ptr<SchemaValidator>> SchemaValidator::Load(std::string_view schema_path) {
  const std::filesystem::path path(schema_path);
  const std::string shown(schema_path);
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    return NotFoundError(fmt::format("schema file {} not found", shown)).WithSubject(shown);
  }
  if (ec) {
    return IOError(fmt::format("cannot access schema file {}: {}", shown, ec.message()))
        .WithSubject(shown);
  }
  if (st.type() != std::filesystem::file_type::regular) {
    return InvalidArgumentError(fmt::format("schema file {} is not a regular file", shown))
        .WithSubject(shown);
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxSchemaFileBytes) {
    return InvalidArgumentError(fmt::format("schema file {} is {} bytes; the limit is {}",
                                            shown, size, kMaxSchemaFileBytes))
        .WithSubject(shown);
  }

  std::string text;
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return IOError(fmt::format("cannot open schema file {}", shown)).WithSubject(shown);
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
      return IOError(fmt::format("cannot read schema file {}", shown)).WithSubject(shown);
    }
    text = std::move(buffer).str();
  } catch (const std::exception& e) {
    return IOError(fmt::format("cannot read schema file {}: {}", shown, e.what()))
        .WithSubject(shown);
  }

  json::error_code parse_error;
  json::parse_options options;
  options.max_depth = 256;
  json::value schema = json::parse(text, parse_error, {}, options);
  if (parse_error) {
    return InvalidArgumentError(fmt::format("schema file {} is not valid JSON: {}", shown,
                                            parse_error.message()))
        .WithSubject(shown);
  }
  Result<std::unique_ptr<SchemaValidator>> validator = FromJson(schema);
  if (!validator.ok()) {
    const Status& s = validator.status();
    return Status(s.code(), fmt::format("schema file {}: {}", shown, s.message()))
        .WithSubject(shown);
  }
  return validator;
}

Result<std::unique_ptr<SchemaValidator>> SchemaValidator::FromJson(
    const json::value& schema) {
  try {
    ZF_RETURN_IF_ERROR(CheckDraft(schema));
    ZF_RETURN_IF_ERROR(CheckSchemaSafety(schema, ""));
    std::unique_ptr<SchemaValidator> validator(new SchemaValidator());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::BoostJsonAdapter adapter(schema);
    parser.populateSchema(adapter, validator->impl_->schema);
    validator->impl_->fast = FastSchema::Compile(schema);
    std::vector<std::string> steps;
    std::vector<const json::value*> following;
    CollectCalendarFields(schema, schema, &steps, &validator->impl_->calendar_fields, &following,
                          0);
    return validator;
  } catch (const std::bad_alloc&) {
    return InternalError("out of memory while parsing a JSON Schema");
  } catch (const std::exception& e) {
    return InvalidArgumentError(
        fmt::format("not a valid JSON Schema (draft-07): {}", e.what()));
  } catch (...) {
    return InvalidArgumentError("not a valid JSON Schema (draft-07): unknown error");
  }
}

Status SchemaValidator::Validate(const json::value& document) const {
  return Validate(document, /*quick=*/true);
}

Status SchemaValidator::ValidateExactly(const json::value& document) const {
  return Validate(document, /*quick=*/false);
}

Status SchemaValidator::Validate(const json::value& document, bool quick) const {
  try {
    const json::value* target = &document;
    json::value normalized;
    if (NeedsNormalizing(document)) {
      normalized = document;
      Normalize(normalized);
      target = &normalized;
    }
    if (quick && impl_->fast->Check(*target) == FastSchema::Verdict::kValid) {
      return CheckCalendarFields(document);
    }
    // Leased for this call only (see Impl); not returned if validate() threw.
    std::unique_ptr<valijson::Validator> validator = impl_->Acquire();
    valijson::ValidationResults results;
    valijson::adapters::BoostJsonAdapter adapter(*target);
    const bool valid = validator->validate(impl_->schema, adapter, &results);
    impl_->Release(std::move(validator));
    if (valid) return CheckCalendarFields(document);
    return ErrorFromResults(results);
  } catch (const std::bad_alloc&) {
    return InternalError("out of memory while validating against a JSON Schema");
  } catch (const std::exception& e) {
    return InternalError(fmt::format("JSON Schema validation failed: {}", e.what()));
  } catch (...) {
    return InternalError("JSON Schema validation failed: unknown error");
  }
}

std::vector<std::string> SchemaValidator::CalendarFields() const {
  std::vector<std::string> fields;
  for (const std::vector<std::string>& steps : impl_->calendar_fields) {
    std::string pointer;
    for (const std::string& step : steps) pointer = ChildPointer(pointer, step);
    fields.push_back(std::move(pointer));
  }
  return fields;
}

Status SchemaValidator::CheckCalendarFields(const json::value& document) const {
  for (const std::vector<std::string>& steps : impl_->calendar_fields) {
    ZF_RETURN_IF_ERROR(CheckCalendarAt(document, steps, 0, ""));
  }
  return Status::Ok();
}

}  // namespace zf::internal

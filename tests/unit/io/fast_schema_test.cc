// The quick path of schema validation (io/fast_schema.h) against valijson,
// the exact one: on every shipped schema, every sample command and
// thousands of mutations of them, a quick "valid" is never a document
// valijson refuses, and its patterns match exactly where std::regex does.
#include "io/fast_schema.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/embedded_schemas.h"
#include "io/schema_validator.h"

using zf::internal::FastSchema;
using Verdict = FastSchema::Verdict;
namespace json = boost::json;

namespace {

void CollectPatterns(const json::value& v, std::set<std::string>* out) {
  if (const json::object* o = v.if_object()) {
    for (const json::key_value_pair& m : *o) {
      if (m.key() == "pattern" && m.value().is_string()) out->insert(std::string(m.value().get_string()));
      CollectPatterns(m.value(), out);
    }
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) CollectPatterns(e, out);
  }
}

void CollectStrings(const json::value& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->emplace_back(v.get_string());
  } else if (const json::object* o = v.if_object()) {
    for (const json::key_value_pair& m : *o) CollectStrings(m.value(), out);
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) CollectStrings(e, out);
  }
}

// Every command line of the bundled Shaxian sample.
std::vector<json::object> SampleCommands() {
  std::vector<json::object> commands;
  const std::filesystem::path dir = std::filesystem::path(ZF_SOURCE_DIR) / "examples/shaxian";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      json::error_code ec;
      json::value v = json::parse(line, ec);
      if (!ec && v.is_object() && v.get_object().contains("data")) {
        commands.push_back(std::move(v.get_object()));
      }
    }
  }
  return commands;
}

const std::vector<std::string> kOddStrings = {
    "", "x", "X", "0", "-", "_", ".", "2023-02-30", "2023-13-01", "9999-99-99",
    "2024-01-15T08:30:00+08:00", "2024-01-15T08:30:00.123Z", "2024-01-15T24:00:00Z",
    "2024-01-15t08:30:00z", "SX-000001", "case/SX-1", "沙县区", "\x01", "a\tb", "\x7f",
    "AB12.3", "D7", "D123", "*", "abc-def", "ABC-", std::string(64, 'a'), std::string(65, 'a'),
    std::string(64, 'f'), std::string(129, 'Z'), "é", "\xe6\xb2\x99\xe5\x8e\xbf", "0.50",
    "100.00", "1.5", "2023-01-01\n", "SX-000001\n", "\nabc", "abc\r\n"};

std::string Mutate(const std::string& s, std::mt19937& rng) {
  static const std::string kAlphabet =
      "aZ09-_.:/T+Zz *\x01\x7f\xe6\xb2\x99";
  std::string out = s;
  switch (rng() % 6) {
    case 0:
      if (!out.empty()) out.erase(rng() % out.size(), 1);
      break;
    case 1:
      out.insert(out.begin() + static_cast<long>(out.empty() ? 0 : rng() % (out.size() + 1)),
                 kAlphabet[rng() % kAlphabet.size()]);
      break;
    case 2:
      if (!out.empty()) out[rng() % out.size()] = kAlphabet[rng() % kAlphabet.size()];
      break;
    case 3:
      out += out;
      break;
    case 4:
      out = out.substr(0, out.empty() ? 0 : rng() % out.size());
      break;
    default:
      out = kOddStrings[rng() % kOddStrings.size()];
  }
  return out;
}

json::value MutateValue(const json::value& v, std::mt19937& rng, int depth);

// One change somewhere in `v`: a member removed, added, retyped or changed,
// an array item repeated or dropped, a string or number nudged.
json::value MutateValue(const json::value& v, std::mt19937& rng, int depth) {
  static const std::vector<json::value> kOthers = {
      nullptr, true, 0, -1, 1, 100, 9007199254740993LL, 1.5, "", "x", json::array{},
      json::object{}, json::array{"a", "a"}, json::array{1, 1}};
  const unsigned pick = rng() % 10;
  if (pick == 0 || depth > 6) return kOthers[rng() % kOthers.size()];
  switch (v.kind()) {
    case json::kind::object: {
      json::object o = v.get_object();
      if (o.empty() || pick == 1) {
        o[fmt::format("extra_{}", rng() % 3)] = kOthers[rng() % kOthers.size()];
        return o;
      }
      auto it = std::next(o.begin(), static_cast<long>(rng() % o.size()));
      if (pick == 2) {
        o.erase(it);
      } else {
        it->value() = MutateValue(it->value(), rng, depth + 1);
      }
      return o;
    }
    case json::kind::array: {
      json::array a = v.get_array();
      if (a.empty()) {
        a.push_back(kOthers[rng() % kOthers.size()]);
        return a;
      }
      const std::size_t i = rng() % a.size();
      if (pick == 1) {
        a.push_back(a[i]);
      } else if (pick == 2) {
        a.erase(a.begin() + static_cast<long>(i));
      } else {
        a[i] = MutateValue(a[i], rng, depth + 1);
      }
      return a;
    }
    case json::kind::string:
      return json::value(Mutate(std::string(v.get_string()), rng));
    case json::kind::int64: {
      const std::int64_t deltas[] = {-1, 1, -100, 100, 0, 1000000000000LL};
      return json::value(v.get_int64() + deltas[rng() % 6]);
    }
    default:
      return kOthers[rng() % kOthers.size()];
  }
}

struct Compiled {
  std::unique_ptr<FastSchema> fast;
  std::unique_ptr<zf::internal::SchemaValidator> exact;
};

const std::map<std::string, Compiled>& ShippedSchemas() {
  static const std::map<std::string, Compiled> schemas = [] {
    std::map<std::string, Compiled> m;
    for (const auto& schema : zf::internal::EmbeddedSchemas()) {
      json::value parsed = json::parse(schema.text);
      auto exact = zf::internal::SchemaValidator::FromJson(parsed);
      REQUIRE(exact.ok());
      m[std::string(schema.path)] = Compiled{FastSchema::Compile(parsed), std::move(*exact)};
    }
    return m;
  }();
  return schemas;
}

struct Tally {
  int valid = 0, invalid = 0, unsure = 0;
};

// The quick verdict against valijson's. A quick "valid" that valijson
// refuses is allowed only for a calendar field (checked after either).
void Compare(const Compiled& c, const json::value& doc, Tally* tally) {
  const Verdict quick = c.fast->Check(doc);
  const zf::Status exact = c.exact->ValidateExactly(doc);
  INFO(json::serialize(doc) << "\n  valijson: " << exact.message());
  switch (quick) {
    case Verdict::kValid:
      ++tally->valid;
      if (!exact.ok()) REQUIRE_FALSE(c.exact->CheckCalendarFields(doc).ok());
      break;
    case Verdict::kInvalid:
      ++tally->invalid;
      CHECK_FALSE(exact.ok());
      break;
    case Verdict::kUnsure:
      ++tally->unsure;
      break;
  }
}

}  // namespace

TEST_CASE("Quick patterns match exactly where std::regex_search does", "[schema][fast]") {
  std::set<std::string> patterns;
  for (const auto& schema : zf::internal::EmbeddedSchemas()) {
    CollectPatterns(json::parse(schema.text), &patterns);
  }
  REQUIRE(patterns.size() >= 20);
  std::vector<std::string> texts = kOddStrings;
  for (const json::object& command : SampleCommands()) CollectStrings(command, &texts);
  std::mt19937 rng(42);
  const std::size_t base = texts.size();
  for (std::size_t i = 0; i < 4 * base; ++i) texts.push_back(Mutate(texts[rng() % base], rng));
  // Distinct texts only, and at most a few thousand per pattern: std::regex
  // is slow, most of all under the sanitizers.
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  std::shuffle(texts.begin(), texts.end(), rng);
  const std::size_t per_pattern = std::min<std::size_t>(texts.size(), 3000);
  for (const std::string& pattern : patterns) {
    INFO("pattern " << pattern);
    // Every shipped pattern is in the quick subset.
    REQUIRE(FastSchema::SearchPattern(pattern, "") != Verdict::kUnsure);
    const std::regex regex(pattern);
    // Each pattern gets its own slice of the texts, the odd ones always.
    const std::size_t offset = (std::hash<std::string>()(pattern) % texts.size());
    for (std::size_t k = 0; k < per_pattern + kOddStrings.size(); ++k) {
      const std::size_t i = k < kOddStrings.size() ? SIZE_MAX : (offset + k) % texts.size();
      const std::string& text = i == SIZE_MAX ? kOddStrings[k] : texts[i];
      const bool expected = std::regex_search(text, regex);
      const Verdict got = FastSchema::SearchPattern(pattern, text);
      if ((got == Verdict::kValid) != expected) FAIL("text '" << text << "'");
    }
  }
}

TEST_CASE("Quick patterns: the ECMAScript subset, and unsure outside it", "[schema][fast]") {
  CHECK(FastSchema::SearchPattern("^(ab|a)c$", "ac") == Verdict::kValid);
  CHECK(FastSchema::SearchPattern("^(ab|a)c$", "abc") == Verdict::kValid);
  CHECK(FastSchema::SearchPattern("^(ab|a){2}$", "aab") == Verdict::kValid);
  CHECK(FastSchema::SearchPattern("^(ab|a){2}$", "abab") == Verdict::kValid);
  CHECK(FastSchema::SearchPattern("^(ab|a){2}$", "abaa") == Verdict::kInvalid);
  CHECK(FastSchema::SearchPattern("b{2,3}", "abbbc") == Verdict::kValid);  // search, unanchored
  CHECK(FastSchema::SearchPattern("^b{2,3}$", "bbbb") == Verdict::kInvalid);
  CHECK(FastSchema::SearchPattern("^[^\\x00-\\x1F]{0,3}$", "\xe6\xb2") == Verdict::kValid);
  CHECK(FastSchema::SearchPattern("^\\*$", "*") == Verdict::kValid);
  for (const char* unsupported : {"a*", "a+", ".", "\\d", "(?:a)", "a{2,}", "a??", "[\\w]", "(a",
                                  "[a", "a{1", "\xe6"}) {
    INFO(unsupported);
    CHECK(FastSchema::SearchPattern(unsupported, "a") == Verdict::kUnsure);
  }
}

TEST_CASE("A quick valid is never a document valijson refuses: every command schema, sample "
          "commands and their mutations",
          "[schema][fast]") {
  const auto& schemas = ShippedSchemas();
  const std::vector<json::object> commands = SampleCommands();
  REQUIRE(commands.size() > 1000);
  Tally sample, mutated;
  std::mt19937 rng(20261206);
  std::set<std::string> types_seen, unsure_types;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const json::object& command = commands[i];
    const std::string type(command.at("command").as_string());
    auto it = schemas.find(fmt::format("commands/{}.schema.json", type));
    REQUIRE(it != schemas.end());
    const int unsure_before = sample.unsure;
    Compare(it->second, command.at("data"), &sample);
    if (sample.unsure > unsure_before) unsure_types.insert(type);
    // Every type gets many mutations; the rest of the sample a few.
    const int rounds = types_seen.insert(type).second ? 60 : (i % 7 == 0 ? 3 : 0);
    json::value doc = command.at("data");
    for (int r = 0; r < rounds; ++r) {
      const json::value changed = MutateValue(r % 4 == 3 ? doc : command.at("data"), rng, 0);
      Compare(it->second, changed, &mutated);
      doc = changed;  // a quarter of the rounds build on the last change
    }
  }
  // The quick path answers for (nearly) every real command, and is exact
  // about many refusals.
  INFO("unsure for " << fmt::format("{}", fmt::join(unsure_types, ", ")));
  CHECK(sample.unsure == 0);
  CHECK(sample.invalid == 0);
  CHECK(mutated.invalid > mutated.valid / 4);
  CHECK(mutated.valid > 1000);
  WARN(fmt::format("sample: {} valid; mutated: {} valid, {} invalid, {} unsure", sample.valid,
                   mutated.valid, mutated.invalid, mutated.unsure));
}

TEST_CASE("A quick valid is never a document valijson refuses: the envelope schemas",
          "[schema][fast]") {
  // Every shipped schema other than the commands' gets random documents
  // built from its own sample-like values.
  std::mt19937 rng(7);
  Tally tally;
  for (const auto& [path, compiled] : ShippedSchemas()) {
    if (path.rfind("commands/", 0) == 0) continue;
    json::value doc = json::object{};
    for (int r = 0; r < 300; ++r) {
      doc = MutateValue(doc, rng, 0);
      Compare(compiled, doc, &tally);
    }
  }
  CHECK(tally.valid + tally.invalid + tally.unsure > 0);
}

TEST_CASE("Schema keywords outside the quick model make it unsure, never valid", "[schema][fast]") {
  const json::value any_of = json::parse(R"({"anyOf":[{"type":"string"},{"type":"integer"}]})");
  CHECK(FastSchema::Compile(any_of)->Check("x") == Verdict::kUnsure);
  const json::value nested = json::parse(
      R"({"type":"object","properties":{"a":{"not":{"type":"null"}}},"additionalProperties":false})");
  auto fast = FastSchema::Compile(nested);
  CHECK(fast->Check(json::parse(R"({"a":1})")) == Verdict::kUnsure);
  CHECK(fast->Check(json::parse(R"({})")) == Verdict::kValid);  // "a" not reached
  CHECK(fast->Check(json::parse(R"({"b":1})")) == Verdict::kInvalid);
  const json::value ref = json::parse(
      R"({"definitions":{"id":{"type":"string","maxLength":2}},"type":"array","items":{"$ref":"#/definitions/id"}})");
  auto refs = FastSchema::Compile(ref);
  CHECK(refs->Check(json::parse(R"(["ab","c"])")) == Verdict::kValid);
  CHECK(refs->Check(json::parse(R"(["abc"])")) == Verdict::kInvalid);
  CHECK(FastSchema::Compile(json::value(false))->Check(1) == Verdict::kInvalid);
}

#include "io/schema_validator.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "store/envelope.h"
#include "support/test_support.h"
#include "zf/event_json.h"
#include "zf/event_store.h"
#include "zf/status.h"

namespace zf::internal {
namespace {

namespace json = boost::json;

std::string SourcePath(std::string_view relative) {
  return std::string(ZF_SOURCE_DIR) + "/" + std::string(relative);
}

std::unique_ptr<SchemaValidator> MustLoad(std::string_view relative) {
  const std::string path = SourcePath(relative);
  INFO(path);
  Result<std::unique_ptr<SchemaValidator>> v = SchemaValidator::Load(path);
  if (!v.ok()) FAIL(v.status().ToString());
  return std::move(v).value();
}

std::unique_ptr<SchemaValidator> MustBuild(std::string_view schema_text) {
  INFO(schema_text);
  Result<std::unique_ptr<SchemaValidator>> v = SchemaValidator::FromJson(json::parse(schema_text));
  if (!v.ok()) FAIL(v.status().ToString());
  return std::move(v).value();
}

const SchemaValidator& AppendSchema() {
  static const std::unique_ptr<SchemaValidator> v =
      MustLoad("schemas/append-request.schema.json");
  return *v;
}

const SchemaValidator& EnvelopeSchema() {
  static const std::unique_ptr<SchemaValidator> v =
      MustLoad("schemas/event-envelope.schema.json");
  return *v;
}

std::vector<std::string> SampleLines() {
  std::ifstream in(SourcePath("examples/shaxian/store-sample.jsonl"));
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// A valid one-event request (the first line of the sample), as an object.
json::object ValidRequest() {
  return json::parse(
             R"({"stream":"case/SX-2023-000452","expected":"no_stream","command_id":"case-0001",
                 "events":[{"type":"case_filed","schema":1,
                            "occurred_at":"2023-09-12T09:30:00+08:00",
                            "actor":{"id":"SX-OF-0001","role":"enforcement_officer","unit":"gaosha"},
                            "data":{"case_id":"SX-2023-000452","fine_fen":50000,"tags":["a",{"b":null}]}}]})")
      .as_object();
}

json::object& FirstEvent(json::object& request) {
  return request["events"].as_array()[0].as_object();
}

// Validate() must refuse `doc` with kInvalidArgument naming `pointer`.
void ExpectRefused(const SchemaValidator& v, const json::value& doc, std::string_view pointer) {
  INFO(json::serialize(doc).substr(0, 400));
  Status s = v.Validate(doc);
  INFO(s.ToString());
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == pointer);
  // "<pointer>: <rule>", also for the root (": <rule>").
  const std::string message(s.message());
  CHECK(message.starts_with(std::string(pointer) + ": "));
  CHECK(message.size() > pointer.size() + 2);
}

void ExpectAccepted(const SchemaValidator& v, const json::value& doc) {
  INFO(json::serialize(doc).substr(0, 400));
  Status s = v.Validate(doc);
  INFO(s.ToString());
  CHECK(s.ok());
}

TEST_CASE("Every line of the Shaxian store sample satisfies the append-request schema",
          "[io][schema]") {
  const std::vector<std::string> lines = SampleLines();
  REQUIRE(lines.size() >= 5);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i + 1);
    json::value doc = json::parse(lines[i]);
    ExpectAccepted(AppendSchema(), doc);
    // The parser the CLI uses agrees.
    CHECK(AppendRequestFromJson(doc).ok());
  }
}

TEST_CASE("An occurred_at without a UTC offset is refused at its JSON pointer",
          "[io][schema]") {
  json::value doc = json::parse(SampleLines().front());
  doc.as_object()["events"].as_array()[0].as_object()["occurred_at"] = "2022-05-01T09:00:00";
  ExpectRefused(AppendSchema(), doc, "/events/0/occurred_at");
  Status s = AppendSchema().Validate(doc);
  CHECK(std::string(s.message()).find("pattern") != std::string::npos);

  // ... also in a later event, and in the other accepted RFC 3339 forms.
  json::object request = ValidRequest();
  json::array& events = request["events"].as_array();
  events.push_back(events[0]);
  events[1].as_object()["occurred_at"] = "2023-09-12 09:30:00+08:00";
  ExpectRefused(AppendSchema(), request, "/events/1/occurred_at");
  for (const char* ok : {"2023-09-12T01:30:00Z", "2023-09-12t01:30:00z", "0001-01-01T00:00:00Z",
                         "2023-09-12T09:30:00.123456789-05:30", "1000-01-01T00:00:00Z"}) {
    events[1].as_object()["occurred_at"] = ok;
    ExpectAccepted(AppendSchema(), request);
  }
  for (const char* bad : {"2023-09-12T09:30:00", "2023-09-12", "0000-01-01T00:00:00Z",
                          "2023-13-01T00:00:00Z", "2023-09-12T24:00:00Z", "2023-09-12T23:59:60Z",
                          "2023-09-12T09:30:00.Z", "2023-09-12T09:30:00.1234567890Z",
                          "2023-09-12T09:30:00+8:00", "2023-09-12T09:30:00+24:00",
                          "2023-09-12T09:30:00+08:00 "}) {
    events[1].as_object()["occurred_at"] = bad;
    ExpectRefused(AppendSchema(), request, "/events/1/occurred_at");
  }
}

TEST_CASE("Unknown fields are refused, named by their own JSON pointer", "[io][schema]") {
  json::object request = ValidRequest();
  request["the_field"] = 1;
  ExpectRefused(AppendSchema(), request, "/the_field");
  Status s = AppendSchema().Validate(request);
  CHECK(std::string(s.message()).find("'the_field'") != std::string::npos);
  // The same subject AppendRequestFromJson reports.
  CHECK(AppendRequestFromJson(request).status().subject() == "/the_field");

  json::object nested = ValidRequest();
  FirstEvent(nested)["actor"].as_object()["nickname"] = "x";
  ExpectRefused(AppendSchema(), nested, "/events/0/actor/nickname");
}

TEST_CASE("Missing required fields are named by the pointer they should be at",
          "[io][schema]") {
  json::object request = ValidRequest();
  request.erase("command_id");
  ExpectRefused(AppendSchema(), request, "/command_id");
  CHECK(std::string(AppendSchema().Validate(request).message()).find("command_id") !=
        std::string::npos);

  json::object no_data = ValidRequest();
  FirstEvent(no_data).erase("data");
  ExpectRefused(AppendSchema(), no_data, "/events/0/data");

  // "expected" and "schema" are optional.
  json::object minimal = ValidRequest();
  minimal.erase("expected");
  FirstEvent(minimal).erase("schema");
  ExpectAccepted(AppendSchema(), minimal);
}

TEST_CASE("A command_id with a space is refused", "[io][schema]") {
  json::object request = ValidRequest();
  request["command_id"] = "case 0001";
  ExpectRefused(AppendSchema(), request, "/command_id");
  request["command_id"] = "";
  ExpectRefused(AppendSchema(), request, "/command_id");
  request["command_id"] = std::string(129, 'c');
  ExpectRefused(AppendSchema(), request, "/command_id");
  request["command_id"] = std::string(128, 'c');
  ExpectAccepted(AppendSchema(), request);
}

TEST_CASE("A NUL inside a string does not hide the rest of it from the patterns",
          "[io][schema]") {
  json::object request = ValidRequest();
  request["command_id"] = std::string("case\0 0001", 10);
  ExpectRefused(AppendSchema(), request, "/command_id");
  // NUL is allowed in payload strings (the canonical encoding escapes it).
  json::object payload = ValidRequest();
  FirstEvent(payload)["data"] = std::string("a\0b", 3);
  ExpectAccepted(AppendSchema(), payload);
}

TEST_CASE("An empty events array is refused", "[io][schema]") {
  json::object request = ValidRequest();
  request["events"] = json::array();
  ExpectRefused(AppendSchema(), request, "/events");
  request["events"] = json::object();
  ExpectRefused(AppendSchema(), request, "/events");
}

TEST_CASE("expected is \"any\", \"no_stream\" or a version >= 0", "[io][schema]") {
  json::object request = ValidRequest();
  for (json::value ok : {json::value("any"), json::value("no_stream"), json::value(0),
                         json::value(7), json::value(std::uint64_t{1} << 63)}) {
    request["expected"] = ok;
    ExpectAccepted(AppendSchema(), request);
  }
  for (json::value bad : {json::value("bogus"), json::value(-1), json::value(true),
                          json::value(1.0), json::value(nullptr)}) {
    request["expected"] = bad;
    ExpectRefused(AppendSchema(), request, "/expected");
  }
}

TEST_CASE("Floating-point numbers are refused anywhere in data", "[io][schema]") {
  json::object request = ValidRequest();
  FirstEvent(request)["data"] = json::parse(R"({"amount":{"fen":[1,2,1.5]}})");
  ExpectRefused(AppendSchema(), request, "/events/0/data/amount/fen/2");
  FirstEvent(request)["data"] = 1.0;
  ExpectRefused(AppendSchema(), request, "/events/0/data");
  FirstEvent(request)["data"] = json::parse(R"({"big":18446744073709551615,"small":-9223372036854775808})");
  ExpectAccepted(AppendSchema(), request);
  FirstEvent(request)["data"] = nullptr;
  ExpectAccepted(AppendSchema(), request);
}

TEST_CASE("A very long string is refused without overflowing the regex engine",
          "[io][schema]") {
  // std::regex with an unbounded '*' overflows the stack on ~100 kB input;
  // the schemas only use bounded repetition.
  json::object request = ValidRequest();
  request["stream"] = std::string(1 << 20, 'a');
  ExpectRefused(AppendSchema(), request, "/stream");
  request = ValidRequest();
  FirstEvent(request)["occurred_at"] = std::string(1 << 20, '1');
  ExpectRefused(AppendSchema(), request, "/events/0/occurred_at");
}

// Each mutation of a valid request must get the same verdict, and when refused
// the same subject, from the schema and from the CLI's parser plus the
// store's own checks.
TEST_CASE("The append-request schema agrees with AppendRequestFromJson and the store",
          "[io][schema]") {
  struct Case {
    const char* name;
    std::function<void(json::object&)> mutate;
  };
  const std::vector<Case> cases = {
      {"valid", [](json::object&) {}},
      {"stream empty", [](json::object& r) { r["stream"] = ""; }},
      {"stream leading dash", [](json::object& r) { r["stream"] = "-case"; }},
      {"stream space", [](json::object& r) { r["stream"] = "case 1"; }},
      {"stream 200", [](json::object& r) { r["stream"] = std::string(200, 's'); }},
      {"stream 201", [](json::object& r) { r["stream"] = std::string(201, 's'); }},
      {"stream number", [](json::object& r) { r["stream"] = 5; }},
      {"stream missing", [](json::object& r) { r.erase("stream"); }},
      {"command_id non-ASCII", [](json::object& r) { r["command_id"] = "命令-1"; }},
      {"command_id tab", [](json::object& r) { r["command_id"] = "a\tb"; }},
      {"events missing", [](json::object& r) { r.erase("events"); }},
      {"event not object", [](json::object& r) { r["events"].as_array()[0] = "x"; }},
      {"type uppercase", [](json::object& r) { FirstEvent(r)["type"] = "Case_filed"; }},
      {"type leading digit", [](json::object& r) { FirstEvent(r)["type"] = "1case"; }},
      {"type 64", [](json::object& r) { FirstEvent(r)["type"] = std::string(64, 't'); }},
      {"type 65", [](json::object& r) { FirstEvent(r)["type"] = std::string(65, 't'); }},
      {"type missing", [](json::object& r) { FirstEvent(r).erase("type"); }},
      {"schema 0", [](json::object& r) { FirstEvent(r)["schema"] = 0; }},
      {"schema 2^32", [](json::object& r) { FirstEvent(r)["schema"] = 4294967296LL; }},
      {"schema 2^32-1", [](json::object& r) { FirstEvent(r)["schema"] = 4294967295LL; }},
      {"schema string", [](json::object& r) { FirstEvent(r)["schema"] = "1"; }},
      {"occurred_at number", [](json::object& r) { FirstEvent(r)["occurred_at"] = 20230912; }},
      {"occurred_at missing", [](json::object& r) { FirstEvent(r).erase("occurred_at"); }},
      {"actor missing", [](json::object& r) { FirstEvent(r).erase("actor"); }},
      {"actor string", [](json::object& r) { FirstEvent(r)["actor"] = "SX-OF-0001"; }},
      {"actor id empty", [](json::object& r) { FirstEvent(r)["actor"].as_object()["id"] = ""; }},
      {"actor role missing", [](json::object& r) { FirstEvent(r)["actor"].as_object().erase("role"); }},
      {"actor role empty", [](json::object& r) { FirstEvent(r)["actor"].as_object()["role"] = ""; }},
      {"actor unit control",
       [](json::object& r) { FirstEvent(r)["actor"].as_object()["unit"] = "gao\nsha"; }},
      {"actor unit DEL",
       [](json::object& r) { FirstEvent(r)["actor"].as_object()["unit"] = "gao\x7fsha"; }},
      {"actor unit 128 bytes Chinese",  // 42 characters, 126 bytes
       [](json::object& r) {
         std::string s;
         for (int i = 0; i < 42; ++i) s += "沙";
         FirstEvent(r)["actor"].as_object()["unit"] = s + "ab";
       }},
      {"actor unit 129 bytes Chinese",  // 43 characters, 129 bytes: bytes count
       [](json::object& r) {
         std::string s;
         for (int i = 0; i < 43; ++i) s += "沙";
         FirstEvent(r)["actor"].as_object()["unit"] = s;
       }},
      {"data missing", [](json::object& r) { FirstEvent(r).erase("data"); }},
      {"data float", [](json::object& r) { FirstEvent(r)["data"] = json::parse(R"({"x":[0.5]})"); }},
  };
  for (const Case& c : cases) {
    json::object request = ValidRequest();
    c.mutate(request);
    INFO(c.name << ": " << json::serialize(request));
    const Status by_schema = AppendSchema().Validate(request);
    Status by_store = Status::Ok();
    Result<AppendRequest> parsed = AppendRequestFromJson(request);
    if (!parsed.ok()) {
      by_store = parsed.status();
    } else {
      by_store = PrepareRequest(*parsed).status();
    }
    INFO("schema: " << by_schema.ToString());
    INFO("store:  " << by_store.ToString());
    CHECK(by_schema.ok() == by_store.ok());
    CHECK(by_schema.subject() == by_store.subject());
  }
}

TEST_CASE("A missing schema file is kNotFound", "[io][schema]") {
  zf::testing::TempDir dir;
  Result<std::unique_ptr<SchemaValidator>> v = SchemaValidator::Load(dir.Sub("nope.json"));
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == StatusCode::kNotFound);
  CHECK(v.status().subject() == dir.Sub("nope.json"));

  Result<std::unique_ptr<SchemaValidator>> d = SchemaValidator::Load(dir.path().string());
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("An invalid schema is kInvalidArgument, never an exception", "[io][schema]") {
  zf::testing::TempDir dir;
  {
    std::ofstream(dir.Sub("broken.json")) << R"({"type": "object",)";
  }
  Result<std::unique_ptr<SchemaValidator>> broken = SchemaValidator::Load(dir.Sub("broken.json"));
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == StatusCode::kInvalidArgument);
  CHECK(broken.status().subject() == dir.Sub("broken.json"));

  {
    std::ofstream(dir.Sub("bad-type.json")) << R"({"type": 5})";
  }
  Result<std::unique_ptr<SchemaValidator>> bad_type =
      SchemaValidator::Load(dir.Sub("bad-type.json"));
  REQUIRE_FALSE(bad_type.ok());
  CHECK(bad_type.status().code() == StatusCode::kInvalidArgument);

  struct Bad {
    const char* schema;
    const char* subject;  // nullptr: not checked
  };
  for (const Bad& bad : std::vector<Bad>{
           {R"({"type": "strnig"})", nullptr},
           {R"({"properties": []})", nullptr},
           {R"({"minLength": "three"})", nullptr},
           {R"({"required": "id"})", nullptr},
           {R"(42)", nullptr},
           {R"({"$ref": "#/definitions/missing"})", nullptr},
           {R"({"$ref": "https://example.com/other.json"})", nullptr},
           {R"({"properties": {"a": {"pattern": "(unclosed"}}})", "/properties/a/pattern"},
           {R"({"properties": {"a": {"pattern": "^[a-z]*$"}}})", "/properties/a/pattern"},
           {R"({"properties": {"a": {"pattern": "^[a-z]+$"}}})", "/properties/a/pattern"},
           {R"({"properties": {"a": {"pattern": "^[a-z]{2,}$"}}})", "/properties/a/pattern"},
           {R"({"properties": {"a": {"pattern": "^([a-z]{0,100}){0,100}$"}}})",
            "/properties/a/pattern"},
           {R"({"properties": {"a": {"pattern": "^(a)\\1$"}}})", "/properties/a/pattern"},
           {R"({"patternProperties": {"^x.*$": {}}})", "/patternProperties/^x.*$"},
           {R"({"items": {"format": "date-time"}})", "/items/format"},
           {R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})", "/$schema"},
       }) {
    INFO(bad.schema);
    Result<std::unique_ptr<SchemaValidator>> v = SchemaValidator::FromJson(json::parse(bad.schema));
    REQUIRE_FALSE(v.ok());
    INFO(v.status().ToString());
    CHECK(v.status().code() == StatusCode::kInvalidArgument);
    if (bad.subject != nullptr) CHECK(v.status().subject() == bad.subject);
  }

  // Bounded patterns, data-only keywords and non-date formats are fine.
  MustBuild(R"({"properties": {"a": {"pattern": "^([a-z]{0,10}|x?){0,10}$"},
                               "pattern": {"enum": [{"pattern": "^.*$"}]},
                               "b": {"format": "email"}},
                "patternProperties": {"^x_[a-z]{0,8}$": {}}})");
}

TEST_CASE("Validation errors name the value by an escaped RFC 6901 pointer", "[io][schema]") {
  auto v = MustBuild(R"({"type": "object", "additionalProperties": {"type": "integer"}})");
  ExpectRefused(*v, json::parse(R"({"ok": 1, "a/b~c": "x"})"), "/a~1b~0c");
  ExpectRefused(*v, json::parse(R"([1])"), "");
  ExpectAccepted(*v, json::parse(R"({"n": 18446744073709551615})"));

  auto always_false = MustBuild("false");
  ExpectRefused(*always_false, json::parse("{}"), "");
}

TEST_CASE("Of several errors the first root cause is reported", "[io][schema]") {
  json::object request = ValidRequest();
  json::array& events = request["events"].as_array();
  events.push_back(events[0]);
  events[1].as_object()["type"] = "Bad";
  events[1].as_object()["actor"].as_object()["id"] = "";
  Status s = AppendSchema().Validate(request);
  // Never a summary such as "/events: Failed to validate item #1 in array.".
  CHECK((s.subject() == "/events/1/type" || s.subject() == "/events/1/actor/id"));
  // Deterministic.
  CHECK(AppendSchema().Validate(request).subject() == s.subject());

  // valijson checks maxProperties before properties, so its first error is
  // the one on the whole object; the member's error is the root cause.
  auto v = MustBuild(R"({"type": "object", "maxProperties": 1,
                         "properties": {"a": {"type": "integer"}}})");
  ExpectRefused(*v, json::parse(R"({"a": "x", "b": 1})"), "/a");
  ExpectRefused(*v, json::parse(R"({"a": 1, "b": 1})"), "");
}

TEST_CASE("The envelope schema accepts events exported from a store", "[io][schema]") {
  Result<std::unique_ptr<EventStore>> store = NewMemoryEventStore();
  REQUIRE(store.ok());
  AppendRequest request = zf::testing::MakeRequest("case/SX-2023-000452", "cmd-0001", 2);
  request.events[1].data = json::parse(R"({"fen":18446744073709551615,"list":[-1,null,"沙县"]})");
  REQUIRE((*store)->Append(request).ok());

  std::vector<json::object> exported;
  auto cursor = (*store)->ReadAll(1);
  for (; cursor->Valid(); cursor->Next()) exported.push_back(EventToJson(cursor->event()));
  REQUIRE(cursor->status().ok());
  REQUIRE(exported.size() == 2);
  CHECK(exported[0]["prev_hash"] == "");
  CHECK(exported[1]["prev_hash"] == exported[0]["hash"]);
  for (const json::object& event : exported) {
    ExpectAccepted(EnvelopeSchema(), event);
    // Round-tripped through text, as in an export file.
    ExpectAccepted(EnvelopeSchema(), json::parse(json::serialize(event)));
  }
  // An append request is not an envelope, nor the other way round.
  ExpectRefused(AppendSchema(), exported[0], "/position");
  CHECK_FALSE(EnvelopeSchema().Validate(ValidRequest()).ok());

  json::object event = exported[1];
  SECTION("hash of 63 hex characters") {
    event["hash"] = std::string(event["hash"].as_string()).substr(1);
    ExpectRefused(EnvelopeSchema(), event, "/hash");
  }
  SECTION("hash in upper case") {
    std::string hash(event["hash"].as_string());
    for (char& c : hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    event["hash"] = hash;
    ExpectRefused(EnvelopeSchema(), event, "/hash");
  }
  SECTION("hash not hex") {
    event["hash"] = std::string(64, 'g');
    ExpectRefused(EnvelopeSchema(), event, "/hash");
  }
  SECTION("prev_hash of 63 hex characters") {
    event["prev_hash"] = std::string(event["prev_hash"].as_string()).substr(1);
    ExpectRefused(EnvelopeSchema(), event, "/prev_hash");
  }
  SECTION("position 0") {
    event["position"] = 0;
    ExpectRefused(EnvelopeSchema(), event, "/position");
  }
  SECTION("recorded_at with an offset") {
    event["recorded_at"] = "2026-11-26T17:00:00.123456+08:00";
    ExpectRefused(EnvelopeSchema(), event, "/recorded_at");
  }
  SECTION("missing hash") {
    event.erase("hash");
    ExpectRefused(EnvelopeSchema(), event, "/hash");
  }
  SECTION("extra field") {
    event["ledger_hash"] = std::string(64, '0');
    ExpectRefused(EnvelopeSchema(), event, "/ledger_hash");
  }
  SECTION("float in data") {
    event["data"] = json::parse(R"({"note":"x","n":0.5})");
    ExpectRefused(EnvelopeSchema(), event, "/data/n");
  }
}

TEST_CASE("One validator may be used from many threads at once", "[io][schema]") {
  const SchemaValidator& v = AppendSchema();
  json::object good = ValidRequest();
  json::object bad = ValidRequest();
  FirstEvent(bad)["occurred_at"] = "2023-09-12T09:30:00";
  std::vector<int> failures(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (!v.Validate(good).ok()) ++failures[t];
        Status s = v.Validate(bad);
        if (s.ok() || s.subject() != "/events/0/occurred_at") ++failures[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) CHECK(f == 0);
}

}  // namespace
}  // namespace zf::internal

namespace zf::internal {
namespace {

// A document holding `value` at the calendar field `pointer` ("*": one
// array item — or one member, as the field's parent needs; both are tried).
json::value PlaceAt(std::string_view pointer, const json::value& value, bool members_as_arrays) {
  std::vector<std::string> steps;
  for (std::size_t at = 1; at <= pointer.size();) {
    std::size_t slash = pointer.find('/', at);
    if (slash == std::string_view::npos) slash = pointer.size();
    steps.emplace_back(pointer.substr(at, slash - at));
    at = slash + 1;
  }
  json::value doc = value;
  for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
    if (*step == "*" && members_as_arrays) {
      doc = json::array{std::move(doc)};
    } else {
      doc = json::object{{*step == "*" ? "m" : *step, std::move(doc)}};
    }
  }
  return doc;
}

// Every date pattern in the schema's text: each is a calendar field.
std::size_t DatePatterns(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t at = text.find("\"^[0-9]{4}-[0-9]{2}-[0-9]{2}"); at != std::string::npos;
       at = text.find("\"^[0-9]{4}-[0-9]{2}-[0-9]{2}", at + 1)) {
    ++n;
  }
  return n;
}

TEST_CASE("Every date field of every schema must hold a real calendar date", "[io][schema]") {
  std::size_t fields = 0, schemas = 0;
  for (const char* dir : {"schemas/commands", "schemas/events", "schemas"}) {
    for (const auto& entry : std::filesystem::directory_iterator(SourcePath(dir))) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      ++schemas;
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto v = SchemaValidator::Load(entry.path().string());
      REQUIRE(v.ok());
      const std::vector<std::string> calendar = (*v)->CalendarFields();
      INFO(entry.path().filename().string());
      // Each date pattern is found (a pattern under a "$ref" used twice is
      // two fields).
      CHECK(calendar.size() >= DatePatterns(text));
      for (const std::string& field : calendar) {
        INFO(field);
        ++fields;
        REQUIRE_FALSE(field.empty());
        const bool with_time = field.find("_at") != std::string::npos;
        for (bool arrays : {true, false}) {
          for (const char* bad : {"2024-02-30", "2023-02-29", "2024-13-45", "0000-00-00",
                                  "2024-04-31", "2024-00-10"}) {
            Status s = (*v)->CheckCalendarFields(PlaceAt(field, json::string(bad), arrays));
            CHECK(s.code() == StatusCode::kInvalidArgument);
            CHECK(s.message().find(bad) != std::string::npos);
          }
          CHECK((*v)->CheckCalendarFields(PlaceAt(field, json::string("2024-02-29"), arrays)).ok());
          CHECK((*v)->CheckCalendarFields(PlaceAt(field, json::string("2023-12-31"), arrays)).ok());
          if (with_time) {
            CHECK_FALSE(
                (*v)->CheckCalendarFields(PlaceAt(field, json::string("2024-02-30T10:00:00+08:00"), arrays))
                    .ok());
          }
        }
      }
    }
  }
  CHECK(schemas > 100);
  CHECK(fields >= 190);  // 211 date patterns over the schemas when this was written
}

TEST_CASE("An impossible date names its field and the rule", "[io][schema]") {
  auto v = MustBuild(R"({
    "type": "object",
    "properties": {
      "due_on": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
      "visits": {"type": "array", "items": {"$ref": "#/definitions/visit"}}
    },
    "definitions": {
      "visit": {"type": "object", "properties": {
        "on": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}}
    }
  })");
  CHECK(v->CalendarFields() == std::vector<std::string>{"/due_on", "/visits/*/on"});
  CHECK(v->Validate(json::parse(R"({"due_on": "2024-02-29", "visits": [{"on": "2023-01-31"}]})")).ok());
  Status s = v->Validate(json::parse(R"({"due_on": "2024-02-30"})"));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == "/due_on");
  CHECK(s.message() ==
        "/due_on: not a calendar date: invalid date \"2024-02-30\": day 30 is not valid for "
        "2024-02 (it has 29 days) (expected YYYY-MM-DD)");
  s = v->Validate(json::parse(R"({"visits": [{"on": "2023-01-31"}, {"on": "2023-13-01"}]})"));
  CHECK(s.subject() == "/visits/1/on");
  CHECK(s.message() ==
        "/visits/1/on: not a calendar date: invalid date \"2023-13-01\": month 13 is out of "
        "range 01-12 (expected YYYY-MM-DD)");
  s = v->Validate(json::parse(R"({"due_on": "0000-01-01"})"));
  CHECK(s.message() ==
        "/due_on: not a calendar date: invalid date \"0000-01-01\": year 0000 is out of range "
        "0001-9999 (expected YYYY-MM-DD)");
}

}  // namespace
}  // namespace zf::internal

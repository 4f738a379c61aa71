// zf::ParseJson refuses duplicate keys. It scans the text for the first of
// them only when the text holds more keys than the parsed value has
// members; these tests check that nothing slips past that count: every
// duplicate, escaped, nested, in arrays or beside keys that look alike.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "zf/event_json.h"

namespace {

struct Case {
  std::string text;
  std::string pointer;  // "" and duplicate = false: accepted
  bool duplicate;
};

}  // namespace

TEST_CASE("ParseJson refuses every duplicate key and names its object", "[io][json]") {
  const std::vector<Case> cases = {
      {R"({"a":1,"b":2})", "", false},
      {R"({"a":1,"a":2})", "", true},
      {R"({"a":{"x":1,"x":2}})", "/a", true},
      {R"({"a":[1,{"x":1},{"y":1,"y":1}]})", "/a/2", true},
      {R"([{"k":1},{"k":1}])", "", false},
      {R"([{"k":1},{"k":1,"k":2}])", "/1", true},
      // Escapes: the same key spelt two ways, and keys that only look alike.
      {R"({"a":1,"\u0061":2})", "", true},
      {R"({"a\"":1,"a":2})", "", false},
      {R"({"a\\":1,"a":2,"b":"\":"})", "", false},
      {R"({"x":"\"y\":1","y":2})", "", false},
      {R"({"x":"a:b","x:":1})", "", false},
      // Whitespace between a key and its colon.
      {"{\"a\" \t\r\n: 1, \"a\"\n:2}", "", true},
      {"{\"a\" : {\"b\" :1}, \"c\": [ {\"d\":1 , \"d\" : 2} ]}", "/c/0", true},
      // Strings that hold colons and quotes, in arrays and as values.
      {R"(["a",":","\":",{"\\":1}])", "", false},
      {R"({"":1,"":2})", "", true},
      {R"({"~/":{"k":1,"k":1}})", "/~0~1", true},
      {R"("just a string")", "", false},
      {R"(17)", "", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto parsed = zf::ParseJson(c.text);
    if (!c.duplicate) {
      CHECK(parsed.ok());
      continue;
    }
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == zf::StatusCode::kInvalidArgument);
    CHECK(parsed.status().subject() == c.pointer);
    CHECK(parsed.status().message().find("duplicate key") != std::string::npos);
  }
}

TEST_CASE("ParseJson finds a duplicate anywhere in a larger document", "[io][json]") {
  // A command line of the generated province, with one key repeated in turn
  // at each of its objects.
  const std::string line =
      R"({"command":"conclude_investigation","command_id":"xm01-cases-2023-12269",)"
      R"("at":"2023-02-17T10:00:00+08:00","actor":{"id":"XM01-OF-0113",)"
      R"("role":"enforcement_officer","unit":"xm01-meihu"},"case_id":"XM01-2023-G0044",)"
      R"("data":{"outcome":"penalty","penalty_types":["warning","fine"],"fine_fen":5000,)"
      R"("report":{"facts":"经查，事实清楚。","reasoning":"证据确凿。"}}})";
  REQUIRE(zf::ParseJson(line).ok());
  const std::vector<std::pair<std::string, std::string>> repeats = {
      {R"("command_id":"xm01-cases-2023-12269",)", ""},
      {R"("role":"enforcement_officer",)", "/actor"},
      {R"("fine_fen":5000,)", "/data"},
      {R"("facts":"经查，事实清楚。",)", "/data/report"},
  };
  for (const auto& [member, pointer] : repeats) {
    std::string text = line;
    const std::size_t at = text.find(member);
    REQUIRE(at != std::string::npos);
    text.insert(at, member);  // the member twice
    INFO(text);
    auto parsed = zf::ParseJson(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().subject() == pointer);
  }
}

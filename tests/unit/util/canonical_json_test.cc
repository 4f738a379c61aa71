#include "util/canonical_json.h"

#include <cstdint>
#include <limits>
#include <string>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "zf/status.h"

namespace zf::internal {
namespace {

namespace json = boost::json;

constexpr std::string_view kFloatMessage =
    "floating-point or out-of-range number not allowed in event data; use integers within "
    "int64/uint64 (e.g. money in fen) or strings";

// The canonical encoding, or "<error>" (the test then fails on comparison).
std::string Canon(const json::value& v) {
  std::string out;
  Status s = AppendCanonicalJson(v, &out);
  if (!s.ok()) return "<error: " + s.ToString() + ">";
  return out;
}

json::value Parse(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  REQUIRE_FALSE(ec);
  return v;
}

TEST_CASE("Canonical JSON sorts members independent of insertion order",
          "[util][canonical_json]") {
  json::object a;
  a["b"] = 2;
  a["c"] = 3;
  a["a"] = 1;
  json::object b;
  b["c"] = 3;
  b["a"] = 1;
  b["b"] = 2;
  CHECK(Canon(a) == R"({"a":1,"b":2,"c":3})");
  CHECK(Canon(b) == Canon(a));
  CHECK(Canon(Parse(R"( { "c" : 3 , "b" : 2 , "a" : 1 } )")) == Canon(a));
}

TEST_CASE("Canonical JSON orders keys by raw UTF-8 bytes", "[util][canonical_json]") {
  json::object o;
  o["\xe6\xa1\x88\xe5\x8f\xb7"] = 1;  // 案号 (lead byte 0xE6)
  o["\xc3\xa9"] = 2;                  // é (lead byte 0xC3)
  o["aa"] = 3;
  o["a"] = 4;
  o["B"] = 5;
  o[""] = 6;
  o["~"] = 7;  // 0x7E sorts after all letters, before non-ASCII
  CHECK(Canon(o) ==
        "{\"\":6,\"B\":5,\"a\":4,\"aa\":3,\"~\":7,\"\xc3\xa9\":2,\"\xe6\xa1\x88\xe5\x8f\xb7\":1}");
}

TEST_CASE("Canonical JSON encodes nested values without whitespace", "[util][canonical_json]") {
  const json::value v =
      Parse(R"({"z": [1, {"y": true, "x": null}, [], {}], "a": {"c": "s", "b": false}})");
  CHECK(Canon(v) == R"({"a":{"b":false,"c":"s"},"z":[1,{"x":null,"y":true},[],{}]})");
  CHECK(Canon(json::value(nullptr)) == "null");
  CHECK(Canon(json::value(true)) == "true");
  CHECK(Canon(json::value(false)) == "false");
  CHECK(Canon(json::array{3, 1, 2}) == "[3,1,2]");  // arrays keep their order
  CHECK(Canon(json::value("")) == R"("")");
}

TEST_CASE("Canonical JSON escapes exactly the required characters", "[util][canonical_json]") {
  const std::string s = std::string("q\"b\\/\b\f\n\r\t") + std::string("\0\x01\x1f\x7f", 4) +
                        "\xe4\xb8\xad\xe6\x96\x87" +  // 中文
                        "\xf0\x9f\x98\x80";           // U+1F600, 4 bytes
  const std::string expected = std::string(R"("q\"b\\/\b\f\n\r\t\u0000\u0001\u001f)") +
                               "\x7f" + "\xe4\xb8\xad\xe6\x96\x87" + "\xf0\x9f\x98\x80" + "\"";
  CHECK(Canon(json::value(s)) == expected);
  // Hex digits of \u00XX are lowercase.
  CHECK(Canon(json::value("\x1a\x0b")) == R"("\u001a\u000b")");
  // Keys are escaped the same way.
  json::object o;
  o["a\"\n"] = 1;
  CHECK(Canon(o) == R"({"a\"\n":1})");
}

// The escaping rule written byte by byte, to check the word-at-a-time scan.
std::string EscapedByHand(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0x0f];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

TEST_CASE("Canonical JSON escapes at every offset of long strings", "[util][canonical_json]") {
  // ASCII, a 3-byte character, and bytes around the escaped ranges, with
  // one special byte moved through every offset of strings of 1..40 bytes.
  const std::string specials = std::string("\"\\\x01\x1f\n", 5) + std::string(1, '\0');
  for (std::size_t len = 1; len <= 40; ++len) {
    std::string base;
    while (base.size() < len) base += (base.size() % 7 == 3 && base.size() + 3 <= len) ? "案" : " !#[]~";
    base.resize(len);
    // Keep the base valid UTF-8 if the cut split the 3-byte character.
    while (!base.empty() && (static_cast<unsigned char>(base.back()) & 0x80)) base.pop_back();
    CHECK(Canon(json::value(base)) == EscapedByHand(base));
    for (std::size_t at = 0; at < base.size(); ++at) {
      if (static_cast<unsigned char>(base[at]) & 0x80) continue;
      for (char special : specials) {
        std::string text = base;
        text[at] = special;
        INFO("length " << len << ", offset " << at << ", byte " << int(special));
        CHECK(Canon(json::value(text)) == EscapedByHand(text));
      }
    }
  }
}

TEST_CASE("Canonical JSON names invalid UTF-8 after long ASCII runs", "[util][canonical_json]") {
  for (std::size_t at = 0; at < 24; ++at) {
    std::string text(30, 'a');
    text[at] = static_cast<char>(0xff);
    std::string out;
    Status s = AppendCanonicalJson(json::value(text), &out);
    INFO("offset " << at);
    REQUIRE_FALSE(s.ok());
    CHECK(std::string(s.message()).find("offset " + std::to_string(at) + ")") != std::string::npos);
  }
}

TEST_CASE("Canonical JSON writes integer extremes in plain decimal", "[util][canonical_json]") {
  CHECK(Canon(json::value(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
  CHECK(Canon(json::value(std::numeric_limits<std::int64_t>::max())) == "9223372036854775807");
  CHECK(Canon(json::value(std::numeric_limits<std::uint64_t>::max())) ==
        "18446744073709551615");
  CHECK(Canon(json::value(0)) == "0");
  CHECK(Canon(json::value(-1)) == "-1");
  CHECK(Canon(json::value(1200)) == "1200");
  // The same number held as uint64 or int64 encodes identically.
  CHECK(Canon(json::value(std::uint64_t{42})) == Canon(json::value(std::int64_t{42})));
  CHECK(Canon(Parse("18446744073709551615")) == "18446744073709551615");
  CHECK(Canon(Parse("-0")) == "0");
}

TEST_CASE("Canonical JSON refuses floats with the pointer of the value",
          "[util][canonical_json]") {
  struct Case {
    const char* json;
    const char* pointer;
  };
  const Case cases[] = {
      {R"({"a":[0,{"b":1.5}]})", "/a/1/b"},
      {"2.5", ""},
      {"1.0", ""},
      {"-0.0", ""},
      {"1e3", ""},
      {R"([1,2,[3,4.0]])", "/2/1"},
      {R"({"x/y":{"~t":0.5}})", "/x~1y/~0t"},
      {R"({"":{"":[0.1]}})", "///0"},  // empty keys are empty segments
  };
  for (const Case& c : cases) {
    INFO(c.json);
    std::string out;
    Status s = AppendCanonicalJson(Parse(c.json), &out);
    REQUIRE(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.subject() == c.pointer);
    CHECK(s.message() == kFloatMessage);
  }
}

TEST_CASE("Canonical JSON reports the first offending value in canonical order",
          "[util][canonical_json]") {
  // Members are visited in sorted order, so "a" is reported, not "b".
  std::string out;
  Status s = AppendCanonicalJson(Parse(R"({"b":1.5,"a":2.5})"), &out);
  REQUIRE(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == "/a");
}

TEST_CASE("Canonical JSON leaves the output unchanged on error", "[util][canonical_json]") {
  std::string out = "prefix";
  Status s = AppendCanonicalJson(Parse(R"({"a":"long string","b":[1,2,{"c":0.5}]})"), &out);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(out == "prefix");
}

TEST_CASE("Canonical JSON appends to existing output", "[util][canonical_json]") {
  std::string out = "x";
  REQUIRE(AppendCanonicalJson(json::value(1), &out).ok());
  REQUIRE(AppendCanonicalJson(json::array{true}, &out).ok());
  CHECK(out == "x1[true]");
}

TEST_CASE("Canonical JSON refuses invalid UTF-8", "[util][canonical_json]") {
  const char* const bad[] = {
      "\xff",              // never valid
      "\x80",              // lone continuation byte
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong, 3 bytes
      "\xed\xa0\x80",      // UTF-16 surrogate U+D800
      "\xe4\xb8",          // truncated
      "\xf4\x90\x80\x80",  // U+110000, above the Unicode range
      "\xf8\x88\x80\x80\x80",
      "ok\xe4\xb8z",  // bad continuation
  };
  for (const char* b : bad) {
    INFO(json::serialize(json::value(b)));
    json::object o;
    o["list"] = json::array{"fine", b};
    std::string out;
    Status s = AppendCanonicalJson(o, &out);
    REQUIRE(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.subject() == "/list/1");
  }
  // Boundary code points are accepted.
  CHECK(Canon(json::value("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
                          "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf")) ==
        "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
        "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
}

TEST_CASE("Canonical JSON refuses an invalid UTF-8 key at the object's pointer",
          "[util][canonical_json]") {
  json::object inner;
  inner["\xff"] = 1;
  json::object o;
  o["a"] = json::array{0, inner};
  std::string out;
  Status s = AppendCanonicalJson(o, &out);
  REQUIRE(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == "/a/1");
}

TEST_CASE("Canonical JSON limits nesting to what boost::json::parse reads back",
          "[util][canonical_json]") {
  auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  const std::string ok = nested(kMaxCanonicalJsonDepth);
  CHECK(Canon(Parse(ok)) == ok);

  json::value deep = json::array{};
  for (std::size_t i = 1; i < kMaxCanonicalJsonDepth + 1; ++i) deep = json::array{deep};
  std::string out;
  Status s = AppendCanonicalJson(deep, &out);
  REQUIRE(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.subject() == "/" + [] {
    std::string p;
    for (std::size_t i = 0; i + 1 < kMaxCanonicalJsonDepth; ++i) p += "0/";
    return p;
  }() + "0");
  // And boost::json refuses the same text, which is why the limit exists.
  json::error_code ec;
  (void)json::parse(nested(kMaxCanonicalJsonDepth + 1), ec);
  CHECK(ec);
}

TEST_CASE("Canonical JSON is stable under parse and re-encode", "[util][canonical_json]") {
  const json::value v = Parse(
      R"({"案件":{"编号":"SX-2023-000452","罚款_fen":500000,"当事人":["张三","李四"]},)"
      R"("tab":"a\tb","ctl":"\u0001","esc":"\u00e9","neg":-17,"big":18446744073709551615})");
  const std::string first = Canon(v);
  // \u00e9 in the input comes out as raw UTF-8.
  CHECK(first.find("\xc3\xa9") != std::string::npos);
  const std::string second = Canon(Parse(first));
  CHECK(second == first);
}

TEST_CASE("JsonPointerEscape escapes tilde and slash", "[util][canonical_json]") {
  CHECK(JsonPointerEscape("a/b~c") == "a~1b~0c");
  CHECK(JsonPointerEscape("~1") == "~01");
  CHECK(JsonPointerEscape("//") == "~1~1");
  CHECK(JsonPointerEscape("") == "");
  CHECK(JsonPointerEscape("plain \xe4\xb8\xad") == "plain \xe4\xb8\xad");
}

TEST_CASE("CanonicalJsonWithout leaves out one top-level member only",
          "[util][canonical_json]") {
  const json::object with = Parse(R"({"version":3,"b":{"version":1},"a":[1,"x"]})").as_object();
  json::object without = with;
  without.erase("version");
  CHECK(CanonicalJsonWithout(with, "version") == Canon(without));
  CHECK(CanonicalJsonWithout(with, "version") == R"({"a":[1,"x"],"b":{"version":1}})");
  // Absent, or another name: the whole object.
  CHECK(CanonicalJsonWithout(without, "version") == Canon(without));
  CHECK(CanonicalJsonWithout(with, "c") == Canon(with));
  CHECK(CanonicalJsonWithout(Parse(R"({"version":1})").as_object(), "version") == "{}");
  // What does not encode gives "", which no encodable object gives.
  CHECK(CanonicalJsonWithout(Parse(R"({"a":1.5})").as_object(), "version").empty());
  // A failed encoding leaves nothing behind for the next one.
  CHECK(CanonicalJsonWithout(Parse(R"({"z":{"y":[2.5]},"a":1})").as_object(), "a").empty());
  CHECK(CanonicalJsonWithout(with, "a") == R"({"b":{"version":1},"version":3})");
}

// EncodesWithin must never say "yes" for a value the encoder refuses or
// that encodes longer than the bound; and it must say "yes" for ordinary
// event data, or the check it speeds up would take the slow path.
TEST_CASE("EncodesWithin says yes only for what encodes within the bound",
          "[util][canonical_json]") {
  auto agrees = [](const json::value& v, std::size_t max_bytes) {
    std::string out;
    const bool encodes = AppendCanonicalJson(v, &out).ok() && out.size() <= max_bytes;
    if (EncodesWithin(v, max_bytes)) CHECK(encodes);
    return encodes;
  };
  const json::value ordinary = Parse(
      R"({"case_id":"XM01-2023-G0044","outcome":"penalty","penalty_types":["warning","fine"],)"
      R"("fine_fen":5000,"ok":true,"none":null,"report":{"facts":"经查，事实清楚。",)"
      R"("tab":"a\tb\u0001\"\\"}})");
  CHECK(EncodesWithin(ordinary, 1 << 20));
  CHECK(agrees(ordinary, 1 << 20));
  // The bound is an upper bound: tight limits fall back to the encoder.
  const std::size_t exact = Canon(ordinary).size();
  CHECK_FALSE(EncodesWithin(ordinary, exact - 1));
  CHECK_FALSE(agrees(ordinary, exact - 1));
  CHECK(agrees(ordinary, exact));

  // What the encoder refuses is never "yes".
  CHECK_FALSE(EncodesWithin(Parse(R"({"a":[1,{"b":2.5}]})"), 1 << 20));
  CHECK_FALSE(EncodesWithin(json::value(json::string("\xff")), 1 << 20));
  json::object bad_key;
  bad_key["\xc0\x80"] = 1;
  CHECK_FALSE(EncodesWithin(json::object{{"a", bad_key}}, 1 << 20));
  json::value deep = json::array{};
  for (std::size_t i = 1; i < kMaxCanonicalJsonDepth; ++i) deep = json::array{deep};
  CHECK(EncodesWithin(deep, 1 << 20));  // exactly the limit
  CHECK(agrees(deep, 1 << 20));
  deep = json::array{deep};
  CHECK_FALSE(EncodesWithin(deep, 1 << 20));
  CHECK_FALSE(agrees(deep, 1 << 20));
  json::value deep_object = json::object{};
  for (std::size_t i = 0; i < kMaxCanonicalJsonDepth; ++i) deep_object = json::object{{"k", deep_object}};
  CHECK_FALSE(EncodesWithin(deep_object, 1 << 20));
  CHECK_FALSE(agrees(deep_object, 1 << 20));

  // Mutations of the ordinary value, each byte of each string replaced in
  // turn by bytes that need escaping, break UTF-8 or are plain.
  const std::string text = Canon(ordinary);
  for (const unsigned char replacement : {0x00, 0x1f, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xff, 0x41}) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      json::object mutated = ordinary.as_object();
      std::string facts(mutated["report"].as_object()["facts"].as_string());
      if (i >= facts.size()) break;
      facts[i] = static_cast<char>(replacement);
      mutated["report"].as_object()["facts"] = facts;
      for (std::size_t max_bytes : {std::size_t{1} << 20, exact + 16, exact}) {
        agrees(mutated, max_bytes);
      }
    }
  }
}

}  // namespace
}  // namespace zf::internal

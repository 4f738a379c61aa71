#include "util/coding.h"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

namespace zf::internal {
namespace {

TEST_CASE("Fixed-width integers are big-endian", "[util][coding]") {
  std::string s;
  PutFixed32BE(&s, 0x01020304u);
  PutFixed64BE(&s, 0x0102030405060708ull);
  CHECK(s == std::string("\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08", 12));
  CHECK(DecodeFixed32BE(s.data()) == 0x01020304u);
  CHECK(DecodeFixed64BE(s.data() + 4) == 0x0102030405060708ull);

  char buf[8];
  EncodeFixed64BE(buf, 0xfedcba9876543210ull);
  CHECK(static_cast<unsigned char>(buf[0]) == 0xfe);
  CHECK(static_cast<unsigned char>(buf[7]) == 0x10);
  CHECK(DecodeFixed64BE(buf) == 0xfedcba9876543210ull);
}

TEST_CASE("Fixed64BE round trips extremes and sorts bytewise in numeric order",
          "[util][coding]") {
  const std::uint64_t values[] = {0, 1, 255, 256, 0xffffffffull, 0x100000000ull,
                                  0x7fffffffffffffffull, 0xffffffffffffffffull};
  std::string previous;
  for (std::uint64_t v : values) {
    std::string s;
    PutFixed64BE(&s, v);
    REQUIRE(s.size() == 8);
    CHECK(DecodeFixed64BE(s.data()) == v);
    if (!previous.empty()) CHECK(previous < s);  // std::string compares as unsigned bytes
    previous = s;
  }
  std::string s;
  PutFixed32BE(&s, 0xffffffffu);
  CHECK(DecodeFixed32BE(s.data()) == 0xffffffffu);
}

TEST_CASE("PutLengthPrefixed writes a u32 big-endian length then the bytes",
          "[util][coding]") {
  std::string s;
  PutLengthPrefixed(&s, "abc");
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, std::string_view("\0z", 2));
  CHECK(s == std::string("\0\0\0\x03" "abc" "\0\0\0\0" "\0\0\0\x02" "\0z", 17));
  std::string big(300, 'x');
  std::string t;
  PutLengthPrefixed(&t, big);
  CHECK(DecodeFixed32BE(t.data()) == 300u);
  CHECK(t.substr(4) == big);
}

}  // namespace
}  // namespace zf::internal

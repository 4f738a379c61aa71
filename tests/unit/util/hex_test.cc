#include "util/hex.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace zf::internal {
namespace {

TEST_CASE("HexEncode writes two lowercase digits per byte", "[util][hex]") {
  const std::array<std::uint8_t, 6> bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  CHECK(HexEncode(bytes) == "00017f80abff");
  CHECK(HexEncode(std::span<const std::uint8_t>()) == "");
  const std::vector<std::uint8_t> v = {0xDE, 0xAD, 0xBE, 0xEF};
  CHECK(HexEncode(v) == "deadbeef");
}

TEST_CASE("HexDecode accepts lower and upper case", "[util][hex]") {
  std::string out;
  REQUIRE(HexDecode("deadBEEF00ff", &out));
  CHECK(out == std::string("\xde\xad\xbe\xef\x00\xff", 6));
  REQUIRE(HexDecode("", &out));
  CHECK(out.empty());
}

TEST_CASE("HexDecode replaces the output on success", "[util][hex]") {
  std::string out = "previous contents";
  REQUIRE(HexDecode("41", &out));
  CHECK(out == "A");
}

TEST_CASE("HexDecode rejects odd length and non-hex characters", "[util][hex]") {
  std::string out = "untouched";
  CHECK_FALSE(HexDecode("abc", &out));
  CHECK_FALSE(HexDecode("0g", &out));
  CHECK_FALSE(HexDecode("g0", &out));
  CHECK_FALSE(HexDecode("0x12", &out));
  CHECK_FALSE(HexDecode("12 3", &out));
  CHECK_FALSE(HexDecode(std::string_view("1\0", 2), &out));
  CHECK_FALSE(HexDecode("\xc3\xa9", &out));
  CHECK(out == "untouched");
}

TEST_CASE("HexEncode and HexDecode round trip all byte values", "[util][hex]") {
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string hex = HexEncode(all);
  CHECK(hex.size() == 512);
  CHECK(IsLowerHex(hex, 512));
  std::string back;
  REQUIRE(HexDecode(hex, &back));
  REQUIRE(back.size() == 256);
  for (int i = 0; i < 256; ++i) CHECK(static_cast<std::uint8_t>(back[i]) == i);
}

TEST_CASE("IsLowerHex checks both length and alphabet", "[util][hex]") {
  CHECK(IsLowerHex("0123456789abcdef", 16));
  CHECK(IsLowerHex("", 0));
  CHECK_FALSE(IsLowerHex("0123456789abcdef", 15));
  CHECK_FALSE(IsLowerHex("0123456789abcdef", 17));
  CHECK_FALSE(IsLowerHex("0123456789ABCDEF", 16));
  CHECK_FALSE(IsLowerHex("0123456789abcdeg", 16));
  CHECK_FALSE(IsLowerHex(std::string(63, 'a') + "-", 64));
}

}  // namespace
}  // namespace zf::internal

// Amounts in yuan and dates in Chinese as people read them (zf/text_format.h).
#include "zf/text_format.h"

#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

TEST_CASE("FormatYuan shows fen as yuan with two decimals and grouped digits",
          "[text_format]") {
  CHECK(zf::FormatYuan(0) == "0.00");
  CHECK(zf::FormatYuan(1) == "0.01");
  CHECK(zf::FormatYuan(10) == "0.10");
  CHECK(zf::FormatYuan(99) == "0.99");
  CHECK(zf::FormatYuan(100) == "1.00");
  CHECK(zf::FormatYuan(99999) == "999.99");
  CHECK(zf::FormatYuan(100000) == "1,000.00");
  CHECK(zf::FormatYuan(1200000) == "12,000.00");
  CHECK(zf::FormatYuan(12000000) == "120,000.00");
  CHECK(zf::FormatYuan(100000000) == "1,000,000.00");
  CHECK(zf::FormatYuan(123456789012) == "1,234,567,890.12");
  CHECK(zf::FormatYuan(std::numeric_limits<std::int64_t>::max()) ==
        "92,233,720,368,547,758.07");
}

TEST_CASE("FormatYuan keeps the sign of a negative amount", "[text_format]") {
  CHECK(zf::FormatYuan(-1) == "-0.01");
  CHECK(zf::FormatYuan(-150) == "-1.50");
  CHECK(zf::FormatYuan(-12000000) == "-120,000.00");
  CHECK(zf::FormatYuan(std::numeric_limits<std::int64_t>::min()) ==
        "-92,233,720,368,547,758.08");
}

TEST_CASE("YuanText adds the unit in the chosen language", "[text_format]") {
  CHECK(zf::YuanText(12000000, zf::Language::kZh) == "120,000.00 元");
  CHECK(zf::YuanText(12000000, zf::Language::kEn) == "120,000.00 yuan");
  CHECK(zf::YuanText(0, zf::Language::kZh) == "0.00 元");
}

TEST_CASE("ChineseDate writes an ISO date as 2023年3月1日", "[text_format]") {
  CHECK(zf::ChineseDate("2023-03-01") == "2023年3月1日");
  CHECK(zf::ChineseDate("2023-09-14") == "2023年9月14日");
  CHECK(zf::ChineseDate("2023-12-31") == "2023年12月31日");
  CHECK(zf::ChineseDate("2024-02-29") == "2024年2月29日");
  CHECK(zf::ChineseDate("2000-02-29") == "2000年2月29日");
  CHECK(zf::ChineseDate("2023-03-01T10:00:00+08:00") == "2023年3月1日");
}

TEST_CASE("ChineseDate returns what is not a valid date unchanged", "[text_format]") {
  CHECK(zf::ChineseDate("") == "");
  CHECK(zf::ChineseDate("?") == "?");
  CHECK(zf::ChineseDate("2023-02-29") == "2023-02-29");
  CHECK(zf::ChineseDate("1900-02-29") == "1900-02-29");
  CHECK(zf::ChineseDate("2023-13-01") == "2023-13-01");
  CHECK(zf::ChineseDate("2023-00-10") == "2023-00-10");
  CHECK(zf::ChineseDate("2023-04-31") == "2023-04-31");
  CHECK(zf::ChineseDate("2023-4-1") == "2023-4-1");
  CHECK(zf::ChineseDate("2023-03-01x") == "2023-03-01x");
  CHECK(zf::ChineseDate("abcd-ef-gh") == "abcd-ef-gh");
}

TEST_CASE("DateText is Chinese in kZh and ISO in kEn", "[text_format]") {
  CHECK(zf::DateText("2023-03-01", zf::Language::kZh) == "2023年3月1日");
  CHECK(zf::DateText("2023-03-01", zf::Language::kEn) == "2023-03-01");
  CHECK(zf::DateText("2023-03-01T10:00:00+08:00", zf::Language::kEn) == "2023-03-01");
  CHECK(zf::DateText("not a date", zf::Language::kEn) == "not a date");
}

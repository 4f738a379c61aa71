#include "util/rfc3339.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "zf/status.h"

namespace zf::internal {
namespace {

constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kDay = 86'400 * kSec;

// 2023-09-12T01:30:00Z
constexpr std::int64_t kServedUtc = 1694482200 * kSec;

Timestamp MustParse(std::string_view s) {
  INFO(s);
  Result<Timestamp> t = ParseRfc3339(s);
  if (!t.ok()) FAIL(t.status().ToString());
  return *t;
}

void ExpectInvalid(std::string_view s, std::string_view message_part) {
  INFO(s);
  Result<Timestamp> t = ParseRfc3339(s);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == StatusCode::kInvalidArgument);
  const std::string message(t.status().message());
  INFO(message);
  CHECK(message.find(message_part) != std::string::npos);
}

TEST_CASE("ParseRfc3339 accepts UTC and offset forms", "[util][rfc3339]") {
  CHECK(MustParse("1970-01-01T00:00:00Z") == Timestamp{0, 0});
  CHECK(MustParse("1970-01-01t00:00:00z") == Timestamp{0, 0});
  CHECK(MustParse("2023-09-12T09:30:00+08:00") == Timestamp{kServedUtc, 480});
  CHECK(MustParse("2023-09-12T01:30:00Z") == Timestamp{kServedUtc, 0});
  CHECK(MustParse("2023-09-12T01:30:00+00:00") == Timestamp{kServedUtc, 0});
  CHECK(MustParse("2023-09-12T01:30:00-00:00") == Timestamp{kServedUtc, 0});
  CHECK(MustParse("2023-09-11T20:00:00-05:30") == Timestamp{kServedUtc, -330});
  CHECK(MustParse("2023-09-13T00:59:00+23:29") == Timestamp{kServedUtc, 23 * 60 + 29});
  CHECK(MustParse("1969-12-31T23:59:59Z").unix_micros == -kSec);
  CHECK(MustParse("0001-01-01T00:00:00Z").unix_micros == -62135596800 * kSec);
  CHECK(MustParse("9999-12-31T23:59:59Z").unix_micros == 253402300799 * kSec);
}

TEST_CASE("ParseRfc3339 reads fractions and truncates to microseconds", "[util][rfc3339]") {
  CHECK(MustParse("1970-01-01T00:00:00.5Z").unix_micros == 500000);
  CHECK(MustParse("1970-01-01T00:00:00.123456Z").unix_micros == 123456);
  CHECK(MustParse("1970-01-01T00:00:00.1234569Z").unix_micros == 123456);
  CHECK(MustParse("1970-01-01T00:00:00.999999999Z").unix_micros == 999999);
  CHECK(MustParse("1970-01-01T00:00:00.000001+08:00").unix_micros == -8 * 3600 * kSec + 1);
  CHECK(MustParse("1969-12-31T23:59:59.75Z").unix_micros == -250000);
  ExpectInvalid("1970-01-01T00:00:00.Z", "digits after the decimal point");
  ExpectInvalid("1970-01-01T00:00:00.1234567890Z", "more than 9 digits");
  ExpectInvalid("1970-01-01T00:00:00,5Z", "'Z', '+HH:MM' or '-HH:MM'");
}

TEST_CASE("ParseRfc3339 handles leap years", "[util][rfc3339]") {
  CHECK(MustParse("2024-02-29T12:00:00+08:00").unix_micros ==
        (DaysFromCivil(2024, 2, 29) * 86400 + 4 * 3600) * kSec);
  CHECK(MustParse("2000-02-29T00:00:00Z").unix_micros == DaysFromCivil(2000, 2, 29) * kDay);
  ExpectInvalid("2023-02-29T12:00:00+08:00", "2023 is not a leap year");
  ExpectInvalid("1900-02-29T12:00:00Z", "1900 is not a leap year");
  ExpectInvalid("2024-02-30T12:00:00Z", "day 30 is not valid for month 2");
}

TEST_CASE("ParseRfc3339 requires an explicit offset", "[util][rfc3339]") {
  ExpectInvalid("2023-09-12T09:30:00", "missing UTC offset");
  ExpectInvalid("2023-09-12T09:30:00.5", "missing UTC offset");
  ExpectInvalid("2023-09-12", "missing time");
}

TEST_CASE("ParseRfc3339 validates field ranges", "[util][rfc3339]") {
  ExpectInvalid("2023-04-31T10:00:00Z", "day 31 is not valid for month 4");
  ExpectInvalid("2023-01-00T10:00:00Z", "day 0 is not valid for month 1");
  ExpectInvalid("2023-00-10T10:00:00Z", "month 00 is out of range");
  ExpectInvalid("2023-13-10T10:00:00Z", "month 13 is out of range");
  ExpectInvalid("0000-01-01T00:00:00Z", "year 0000 is out of range");
  ExpectInvalid("2023-01-01T24:00:00Z", "hour 24 is out of range");
  ExpectInvalid("2023-01-01T23:60:00Z", "minute 60 is out of range");
  ExpectInvalid("2016-12-31T23:59:60Z", "leap second");
  ExpectInvalid("2023-01-01T23:59:61Z", "second 61 is out of range");
  ExpectInvalid("2023-01-01T00:00:00+24:00", "offset hour 24 is out of range");
  ExpectInvalid("2023-01-01T00:00:00+08:60", "offset minute 60 is out of range");
}

TEST_CASE("ParseRfc3339 rejects malformed text and quotes it", "[util][rfc3339]") {
  ExpectInvalid("", "expected a date");
  ExpectInvalid("2023-9-12T09:30:00Z", "expected a date");
  ExpectInvalid("20230912T093000Z", "expected a date");
  ExpectInvalid("+2023-09-12T09:30:00Z", "expected a date");
  ExpectInvalid("2023-09-12 09:30:00Z", "expected 'T'");
  ExpectInvalid("2023-09-12T9:30:00Z", "expected a time");
  ExpectInvalid("2023-09-12T09:30Z", "expected a time");
  ExpectInvalid("2023-09-12T09:30:00+0800", "+HH:MM or -HH:MM");
  ExpectInvalid("2023-09-12T09:30:00+08", "+HH:MM or -HH:MM");
  ExpectInvalid("2023-09-12T09:30:00+8:00", "+HH:MM or -HH:MM");
  ExpectInvalid("2023-09-12T09:30:00Z ", "unexpected characters after");
  ExpectInvalid("2023-09-12T09:30:00+08:00Z", "unexpected characters after");
  ExpectInvalid("2023-09-12T09:30:00 +08:00", "'Z', '+HH:MM' or '-HH:MM'");
  // The input is shown, with unsafe bytes escaped.
  ExpectInvalid("2023-04-31T10:00:00Z", "\"2023-04-31T10:00:00Z\"");
  ExpectInvalid("2023-09-12T09:30:00\n", "\"2023-09-12T09:30:00\\x0a\"");
  ExpectInvalid(std::string(200, '9'), "\"...");
}

TEST_CASE("FormatRfc3339Utc always writes six fraction digits", "[util][rfc3339]") {
  CHECK(FormatRfc3339Utc(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(FormatRfc3339Utc(1795712400123456) == "2026-11-26T17:00:00.123456Z");
  CHECK(FormatRfc3339Utc(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(FormatRfc3339Utc(253402300799999999) == "9999-12-31T23:59:59.999999Z");
  CHECK(FormatRfc3339Utc(-62135596800 * kSec) == "0001-01-01T00:00:00.000000Z");
}

// FormatRfc3339 writes its digits by hand; fmt's widths are the reference
// (the text it wrote before), over instants from year 1 to 9999, fractions
// and offsets of either sign.
TEST_CASE("FormatRfc3339 writes what fmt's fixed widths wrote", "[util][rfc3339]") {
  auto reference = [](std::int64_t unix_micros, std::int32_t offset_minutes, bool with_micros) {
    const std::int64_t local = unix_micros + std::int64_t{offset_minutes} * 60 * kSec;
    const std::int64_t seconds = local >= 0 ? local / kSec : -((-local + kSec - 1) / kSec);
    const std::int64_t micros = local - seconds * kSec;
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    const std::int64_t sod = seconds - days * 86400;
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, m, d, sod / 3600,
                                  sod / 60 % 60, sod % 60);
    if (with_micros) out += fmt::format(".{:06d}", micros);
    if (offset_minutes == 0) return out + "Z";
    const int a = std::abs(offset_minutes);
    return out + fmt::format("{}{:02d}:{:02d}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  };
  const std::int64_t first = -62135596800 * kSec + 1439 * 60 * kSec;  // 0001-01-02
  const std::int64_t last = 253402300799999999 - 1439 * 60 * kSec;     // 9999-12-30
  std::uint64_t x = 88172645463325252ULL;  // xorshift: the same instants every run
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::int64_t t = first + static_cast<std::int64_t>(x % static_cast<std::uint64_t>(last - first));
    const std::int32_t offset = static_cast<std::int32_t>((x >> 40) % 2879) - 1439;
    for (bool micros : {false, true}) {
      INFO(t << " " << offset << " " << micros);
      REQUIRE(FormatRfc3339(t, offset, micros) == reference(t, offset, micros));
    }
  }
}

TEST_CASE("FormatRfc3339 writes local time and offset", "[util][rfc3339]") {
  CHECK(FormatRfc3339(kServedUtc, 480, false) == "2023-09-12T09:30:00+08:00");
  CHECK(FormatRfc3339(kServedUtc + 250000, 480, true) == "2023-09-12T09:30:00.250000+08:00");
  CHECK(FormatRfc3339(kServedUtc + 999999, 480, false) == "2023-09-12T09:30:00+08:00");
  CHECK(FormatRfc3339(kServedUtc, 0, false) == "2023-09-12T01:30:00Z");
  CHECK(FormatRfc3339(kServedUtc, -330, false) == "2023-09-11T20:00:00-05:30");
  CHECK(FormatRfc3339(-1, 0, false) == "1969-12-31T23:59:59Z");
  // Crossing a year boundary through the offset.
  CHECK(FormatRfc3339(MustParse("2023-12-31T20:00:00Z").unix_micros, 480, false) ==
        "2024-01-01T04:00:00+08:00");
}

TEST_CASE("FormatRfc3339 and ParseRfc3339 round trip", "[util][rfc3339]") {
  const char* const texts[] = {
      "2023-09-12T09:30:00+08:00", "2024-02-29T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
      "9999-12-31T23:59:59Z",      "1969-07-20T20:17:40Z",      "2000-03-01T00:00:00+05:45",
  };
  for (const char* text : texts) {
    INFO(text);
    const Timestamp t = MustParse(text);
    CHECK(FormatRfc3339(t.unix_micros, t.offset_minutes, false) == text);
  }
  for (std::int64_t micros : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1795712400123456},
                              std::int64_t{-5000000000123457}, std::int64_t{123}}) {
    INFO(micros);
    const std::string utc = FormatRfc3339Utc(micros);
    CHECK(MustParse(utc) == Timestamp{micros, 0});
    for (std::int32_t offset : {480, -600, 345}) {
      const std::string local = FormatRfc3339(micros, offset, true);
      CHECK(MustParse(local) == Timestamp{micros, offset});
    }
  }
  // "+00:00" comes back as "Z".
  const Timestamp zero = MustParse("2023-09-12T01:30:00+00:00");
  CHECK(FormatRfc3339(zero.unix_micros, zero.offset_minutes, false) == "2023-09-12T01:30:00Z");
}

TEST_CASE("Civil date helpers match known values", "[util][rfc3339][calendar]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(1970, 1, 2) == 1);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
  CHECK(DaysFromCivil(2000, 3, 1) == 11017);
  CHECK(DaysFromCivil(2023, 9, 12) == 19612);
  CHECK(DaysFromCivil(1, 1, 1) == -719162);
  CHECK(DaysFromCivil(9999, 12, 31) == 2932896);
  static_assert(DaysFromCivil(1970, 1, 1) == 0);

  CHECK(IsLeapYear(2024));
  CHECK(IsLeapYear(2000));
  CHECK(IsLeapYear(0));
  CHECK_FALSE(IsLeapYear(1900));
  CHECK_FALSE(IsLeapYear(2023));
  CHECK(DaysInMonth(2024, 2) == 29);
  CHECK(DaysInMonth(2023, 2) == 28);
  CHECK(DaysInMonth(2023, 4) == 30);
  CHECK(DaysInMonth(2023, 12) == 31);
  CHECK(DaysInMonth(2023, 0) == 0);
  CHECK(DaysInMonth(2023, 13) == 0);
}

TEST_CASE("DaysFromCivil and CivilFromDays round trip over a range",
          "[util][rfc3339][calendar]") {
  // Day by day from 1600-01-01 to 2400-12-31: every day maps back to itself
  // and consecutive days are consecutive dates.
  int prev_y = 1599;
  unsigned prev_m = 12, prev_d = 31;
  int mismatches = 0;
  for (std::int64_t days = DaysFromCivil(1600, 1, 1); days <= DaysFromCivil(2400, 12, 31);
       ++days) {
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    if (DaysFromCivil(y, m, d) != days) ++mismatches;
    if (d < 1 || d > DaysInMonth(y, m)) ++mismatches;
    const bool next_in_month = y == prev_y && m == prev_m && d == prev_d + 1;
    const bool next_month = y == prev_y && m == prev_m + 1 && d == 1 &&
                            prev_d == DaysInMonth(prev_y, prev_m);
    const bool next_year = y == prev_y + 1 && m == 1 && d == 1 && prev_m == 12 && prev_d == 31;
    if (!(next_in_month || next_month || next_year)) ++mismatches;
    prev_y = y;
    prev_m = m;
    prev_d = d;
  }
  CHECK(mismatches == 0);
  CHECK(prev_y == 2400);

  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(-719162, &y, &m, &d);
  CHECK((y == 1 && m == 1 && d == 1));
  CivilFromDays(-1000000, &y, &m, &d);  // before year 1: proleptic, still consistent
  CHECK(DaysFromCivil(y, m, d) == -1000000);
}

}  // namespace
}  // namespace zf::internal

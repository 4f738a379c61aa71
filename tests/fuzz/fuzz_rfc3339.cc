// RFC 3339 parsing (util/rfc3339.h). Oracle: a timestamp that parses is
// written back, with and without its offset, and parses to the same
// instant; the written form is a fixed point; a parsed year lies in
// 0001..9999 and the offset within a day. The same bytes go to the
// calendar-date parser (zf::Date::Parse), whose dates must print back as
// the text and agree with the timestamp's date when both parse.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "zf/calendar.h"
#include "util/rfc3339.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zf::internal;
  using zf::fuzz::Check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto date = zf::Date::Parse(text);
  if (date.ok()) {
    Check(date->IsValid(), "parsed date is valid");
    Check(date->ToString() == text, "parsed date prints as its text");
    Check(zf::Date::FromDayNumber(date->DayNumber()) == *date, "day number round trip");
  } else {
    Check(date.status().code() == zf::StatusCode::kInvalidArgument,
          "date refusal is invalid_argument");
  }

  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) {
    Check(parsed.status().code() == zf::StatusCode::kInvalidArgument, "refusal is invalid_argument");
    return 0;
  }
  const Timestamp t = *parsed;
  Check(t.offset_minutes > -24 * 60 && t.offset_minutes < 24 * 60, "offset within a day");
  // 0001-01-01T00:00:00+23:59 .. 9999-12-31T23:59:59.999999-23:59
  constexpr std::int64_t kDay = 86'400'000'000;
  Check(t.unix_micros >= DaysFromCivil(1, 1, 1) * kDay - kDay &&
            t.unix_micros < DaysFromCivil(10000, 1, 1) * kDay + kDay,
        "instant within years 1..9999");

  const std::string local = FormatRfc3339(t.unix_micros, t.offset_minutes, true);
  auto again = ParseRfc3339(local);
  Check(again.ok(), "written local form parses");
  Check(*again == t, "written local form is the same instant and offset");
  Check(FormatRfc3339(again->unix_micros, again->offset_minutes, true) == local,
        "written local form is a fixed point");

  // In UTC the instant may leave 0001..9999 (an offset near the ends).
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(t.unix_micros >= 0 ? t.unix_micros / kDay : (t.unix_micros - kDay + 1) / kDay,
                &y, &m, &d);
  if (y >= 1 && y <= 9999) {
    auto utc = ParseRfc3339(FormatRfc3339Utc(t.unix_micros));
    Check(utc.ok(), "written UTC form parses");
    Check(utc->unix_micros == t.unix_micros && utc->offset_minutes == 0,
          "written UTC form is the same instant");
  }
  return 0;
}

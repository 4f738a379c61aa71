// rules/calendar: the statutory holiday arrangements the State Council
// publishes each year (holidays and make-up workdays). Deadlines in working
// days (APL art. 85) are computed on them, so they are reference data:
// published as events, revised by a new publication, never edited.
#include <fmt/format.h>

#include "domain/decider.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasis = "《全国年节及纪念日放假办法》; APL art. 85";

boost::json::array DateArray(const std::vector<Date>& dates) {
  boost::json::array out;
  for (const Date& d : dates) out.emplace_back(d.ToString());
  return out;
}

}  // namespace

Decision DecidePublishHolidayCalendar(const DecisionContext& context) {
  const boost::json::object& data = context.command.data.as_object();
  const int year = static_cast<int>(data.at("year").as_int64());
  auto holidays = ParseDateList(data.if_contains("holidays"), "/data/holidays");
  auto makeup = ParseDateList(data.if_contains("makeup_workdays"), "/data/makeup_workdays");
  if (!holidays.ok() || !makeup.ok()) {
    const Status& s = holidays.ok() ? makeup.status() : holidays.status();
    return Reject("calendar_arrangement_invalid", std::string(s.message()), std::string(kBasis),
                  std::string(s.subject()));
  }
  // The arrangement must make sense on its own: dates inside the year, a
  // make-up workday on a weekend, no date both holiday and workday.
  WorkingDayCalendar probe;
  if (Status s = probe.AddYear(year, *holidays, *makeup); !s.ok()) {
    return Reject("calendar_arrangement_invalid", std::string(s.message()), std::string(kBasis),
                  "/data");
  }
  const auto history = context.rules.CalendarHistory(year);
  if (!history.empty() && history.back()->holidays == *holidays &&
      history.back()->makeup_workdays == *makeup) {
    return Reject("calendar_unchanged",
                  fmt::format("the {} arrangement in force (rules/calendar version {}) is "
                              "identical; a revision must change something",
                              year, history.back()->stream_version),
                  std::string(kBasis), "/data");
  }
  boost::json::object event{{"year", year},
                            {"holidays", DateArray(*holidays)},
                            {"makeup_workdays", DateArray(*makeup)},
                            {"notice", data.contains("notice") ? data.at("notice") : ""}};
  if (!history.empty()) event["revises_version"] = history.back()->stream_version;
  return Events(Emit("holiday_calendar_published", std::move(event)));
}

}  // namespace zf::internal

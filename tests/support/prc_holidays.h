// The PRC 2023-2024 statutory holiday arrangements (State Council notices),
// as a fixture for the legal-clock tests.
#pragma once

#include <vector>

#include "zf/calendar.h"

namespace zf::time_test {

struct Arrangement {
  int year;
  std::vector<Date> holidays;
  std::vector<Date> makeup_workdays;
};

// Copied from the State Council's notices for 2023 and 2024.
std::vector<Arrangement> PrcArrangements();

// A calendar holding both years; FAILs the test if a year is refused.
WorkingDayCalendar PrcHolidayCalendar();

}  // namespace zf::time_test

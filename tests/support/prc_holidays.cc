#include "support/prc_holidays.h"

#include <catch2/catch.hpp>

namespace zf::time_test {

// Copied from the State Council's notices (国务院办公厅关于2023年/2024年部分节假日
// 安排的通知). Weekend days inside a holiday block are listed too, as in the
// notices; Dec 31 2022 belongs to the 2022 arrangement.
std::vector<Arrangement> PrcArrangements() {
  std::vector<Arrangement> years(2);
  years[0].year = 2023;
  years[0].holidays = {
      {2023, 1, 1},   {2023, 1, 2},                                    // New Year
      {2023, 1, 21},  {2023, 1, 22}, {2023, 1, 23}, {2023, 1, 24},     // Spring
      {2023, 1, 25},  {2023, 1, 26}, {2023, 1, 27},                    //   Festival
      {2023, 4, 5},                                                    // Qingming
      {2023, 4, 29},  {2023, 4, 30}, {2023, 5, 1},  {2023, 5, 2},      // Labour
      {2023, 5, 3},                                                    //   Day
      {2023, 6, 22},  {2023, 6, 23}, {2023, 6, 24},                    // Dragon Boat
      {2023, 9, 29},  {2023, 9, 30}, {2023, 10, 1}, {2023, 10, 2},     // Mid-Autumn +
      {2023, 10, 3},  {2023, 10, 4}, {2023, 10, 5}, {2023, 10, 6},     //   National
  };
  years[0].makeup_workdays = {
      {2023, 1, 28}, {2023, 1, 29}, {2023, 4, 23}, {2023, 5, 6},
      {2023, 6, 25}, {2023, 10, 7}, {2023, 10, 8},
  };
  years[1].year = 2024;
  years[1].holidays = {
      {2024, 1, 1},                                                    // New Year
      {2024, 2, 10}, {2024, 2, 11}, {2024, 2, 12}, {2024, 2, 13},      // Spring
      {2024, 2, 14}, {2024, 2, 15}, {2024, 2, 16}, {2024, 2, 17},      //   Festival
      {2024, 4, 4},  {2024, 4, 5},  {2024, 4, 6},                      // Qingming
      {2024, 5, 1},  {2024, 5, 2},  {2024, 5, 3},  {2024, 5, 4},       // Labour
      {2024, 5, 5},                                                    //   Day
      {2024, 6, 10},                                                   // Dragon Boat
      {2024, 9, 15}, {2024, 9, 16}, {2024, 9, 17},                     // Mid-Autumn
      {2024, 10, 1}, {2024, 10, 2}, {2024, 10, 3}, {2024, 10, 4},      // National
      {2024, 10, 5}, {2024, 10, 6}, {2024, 10, 7},                     //   Day
  };
  years[1].makeup_workdays = {
      {2024, 2, 4},  {2024, 2, 18}, {2024, 4, 7},  {2024, 4, 28},
      {2024, 5, 11}, {2024, 9, 14}, {2024, 9, 29}, {2024, 10, 12},
  };
  return years;
}

WorkingDayCalendar PrcHolidayCalendar() {
  WorkingDayCalendar cal;
  for (Arrangement& a : PrcArrangements()) {
    const Status s = cal.AddYear(a.year, a.holidays, a.makeup_workdays);
    if (!s.ok()) FAIL("fixture year " << a.year << " rejected: " << s);
  }
  return cal;
}

}  // namespace zf::time_test

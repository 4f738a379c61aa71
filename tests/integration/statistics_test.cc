// Statistics of docs/domain.md, Statistics through Engine::Statistics: the inspect-once
// metrics on a small log, and the seed's figures over the generated year
// (examples/shaxian/07..09, written by gen/make_cases.py).
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "zf/engine.h"

namespace zf {
namespace {

const std::vector<std::string> kReference = {
    "01-calendar.jsonl",          "02-org.jsonl",
    "02-permissions.jsonl",       "03-powers.jsonl",
    "04-leniency.jsonl",          "05-benchmarks.jsonl",
    "06-hearing-thresholds.jsonl"};

Command Json(boost::json::object o) {
  auto command = CommandFromJson(o);
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  return *command;
}

Command Scenario(std::string id, boost::json::array items) {
  return Json({{"command", "define_inspection_scenario"},
               {"command_id", "st-" + id},
               {"at", "2023-01-05T09:00:00+08:00"},
               {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
               {"scenario_id", id},
               {"data", {{"name", "综合查一次"}, {"items", std::move(items)}}}});
}

Command Visit(std::string id, std::string day, std::string scenario, std::string party,
              boost::json::array items) {
  boost::json::array results;
  for (const auto& item : items) results.push_back({{"item_code", item}, {"result", "compliant"}});
  return Json({{"command", "record_inspection_visit"},
               {"command_id", "st-" + id},
               {"at", day + "T10:00:00+08:00"},
               {"actor", {{"id", "SX-OF-0102"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
               {"inspection_id", id},
               {"data",
                {{"scenario_id", scenario},
                 {"township", "gaosha"},
                 {"party", {{"id", party}, {"name", "沙县某有限公司"}, {"category", "organisation"}}},
                 {"officers", {"SX-OF-0102", "SX-OF-0103"}},
                 {"results", std::move(results)}}}});
}

void Apply(Engine& engine, const Command& command) {
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  INFO((result->rejection ? result->rejection->code + " " + result->rejection->message : ""));
  REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
}

double Number(const boost::json::object& o, std::string_view key) {
  const boost::json::value& v = o.at(key);
  return v.is_double() ? v.as_double() : static_cast<double>(v.to_number<std::int64_t>());
}

TEST_CASE("inspect once: enterprises, visits saved per department covered, reduction rate",
          "[statistics]") {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, kReference);
  const boost::json::array four = {"SAFE-001", "MARKET-010", "ECO-005", "URBAN-004"};
  const boost::json::array three = {"SAFE-017", "MARKET-010", "ECO-005"};
  Apply(*engine, Scenario("SC-4", four));
  Apply(*engine, Scenario("SC-3", three));
  Apply(*engine, Visit("IV-1", "2023-03-01", "SC-4", "91350427MA0000001X", four));
  Apply(*engine, Visit("IV-2", "2023-03-02", "SC-3", "91350427MA0000002X", three));
  // The same enterprise again: one more visit, not one more enterprise.
  Apply(*engine, Visit("IV-3", "2023-04-02", "SC-3", "91350427MA0000002X", three));
  // Outside the period.
  Apply(*engine, Visit("IV-4", "2024-01-02", "SC-4", "91350427MA0000004X", four));

  auto stats = engine->Statistics("2023-01-01", "2023-12-31");
  REQUIRE(stats.ok());
  CHECK(Number(*stats, "inspections") == 2);
  CHECK(Number(*stats, "inspection_visits") == 3);
  // 4 departments save 3 visits, 3 departments save 2: 3 + 2 + 2.
  CHECK(Number(*stats, "inspection_visits_saved") == 7);
  CHECK(Number(*stats, "inspection_reduction_rate") == Approx(0.7).margin(1e-9));

  // As the log stood before the second visit.
  AsOf before;
  before.time = "2023-03-01";
  auto then = engine->Statistics("2023-01-01", "2023-12-31", before);
  REQUIRE(then.ok());
  CHECK(Number(*then, "inspection_visits") == 1);
  CHECK(Number(*then, "inspection_visits_saved") == 3);

  auto none = engine->Statistics("2022-01-01", "2022-12-31");
  REQUIRE(none.ok());
  CHECK(Number(*none, "inspections") == 0);
  CHECK(none->at("inspection_reduction_rate").is_null());
}

TEST_CASE("the generated Shaxian year reproduces the seed's figures (docs/domain.md, Statistics)",
          "[statistics][sample]") {
  auto engine = testing::BareEngine();
  std::vector<std::string> files = kReference;
  files.insert(files.end(),
               {"07-cases-2022.jsonl", "08-cases-2023.jsonl", "09-inspect-once-2023.jsonl"});
  testing::LoadAll(*engine, files);

  auto autumn = engine->Statistics("2023-09-10", "2023-12-31");
  REQUIRE(autumn.ok());
  CHECK(Number(*autumn, "cases_total") == 452);
  CHECK(Number(*autumn, "cases_online") == 428);
  CHECK(Number(*autumn, "cases_offline") == 24);
  CHECK(Number(*autumn, "delegated_cases") == 197);
  CHECK(Number(*autumn, "delegated_cases_prior_year") == 29);
  CHECK(Number(*autumn, "yoy_growth") == Approx(5.7931).margin(1e-9));

  auto year = engine->Statistics("2023-01-01", "2023-12-31");
  REQUIRE(year.ok());
  CHECK(Number(*year, "enterprise_cases") == 137);
  CHECK(Number(*year, "leniency_applied") == 75);
  const auto& lists = year->at("leniency_by_list").as_object();
  CHECK(Number(lists, "no_penalty") == 6);
  CHECK(Number(lists, "mitigated_penalty") == 15);
  CHECK(Number(lists, "lighter_penalty") == 22);
  CHECK(Number(lists, "compliance_reminder_letter") == 9);
  CHECK(Number(lists, "correction_notice") == 23);
  CHECK(Number(*year, "inspections") == 271);
  CHECK(Number(*year, "inspection_visits_saved") == 695);
  CHECK(Number(*year, "inspection_reduction_rate") == Approx(0.7195).margin(1e-9));
  CHECK(Number(*year, "officers_distinct") == 93);
  CHECK(Number(*year, "officer_assignments") == 113);

  // The base period of the year-on-year figures is named, and marked
  // incomplete when the log's cases start after it starts: the generated
  // 2022 holds only cases from 12 December (issue 18).
  CHECK(year->at("prior_from") == "2022-01-01");
  CHECK(year->at("prior_to") == "2022-12-31");
  CHECK(year->at("cases_recorded_from") == "2022-12-12");
  CHECK(year->at("prior_period_incomplete") == true);
  CHECK(autumn->at("prior_period_incomplete") == true);
  auto december = engine->Statistics("2023-12-12", "2023-12-31");
  REQUIRE(december.ok());
  CHECK(december->at("prior_from") == "2022-12-12");
  CHECK(december->at("prior_period_incomplete") == false);
}

}  // namespace
}  // namespace zf

// Issue 15 item 9: the follow-up of licence measures (D26) under its
// options, the audit of an overdue follow-up, and what `case explain` and
// the deadline basis show of D9's police days, D14, D15 and D26. The
// workflow itself is scenario 34 (tests/scenarios/34-*); these tests run
// its commands, and scenarios 29 and 33's, under other options and read the
// results back.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "support/engine_fixtures.h"
#include "zf/audit.h"
#include "zf/engine.h"
#include "zf/event_store.h"

namespace zf {
namespace {

using boost::json::object;
using zf::testing::BareEngine;
using zf::testing::LoadAll;

using zf::testing::kSampleReferenceFiles;
using Line = zf::testing::ScenarioStep;

std::vector<Line> ScenarioLines(const std::string& name) {
  return zf::testing::ReadScenario(std::string(ZF_SOURCE_DIR) + "/tests/scenarios/" + name);
}

std::string CaseOf(const Line& l) {
  auto* c = l.envelope.if_contains("case_id");
  return c ? std::string(c->as_string()) : "";
}

// Runs the lines (of the cases `keep` accepts) up to and including the one
// with `last_id` (all when empty); returns each command's outcome: the
// rejection code, or "applied".
std::map<std::string, std::string> Run(Engine& engine, const std::vector<Line>& lines,
                                       const std::function<bool(const Line&)>& keep,
                                       const std::string& last_id = "") {
  std::map<std::string, std::string> outcomes;
  for (const Line& l : lines) {
    if (!keep(l)) continue;
    auto command = CommandFromJson(l.envelope);
    REQUIRE(command.ok());
    auto result = engine.Execute(*command);
    REQUIRE(result.ok());
    outcomes[command->command_id] =
        result->rejection ? result->rejection->code : std::string("applied");
    if (command->command_id == last_id) break;
  }
  return outcomes;
}

std::unique_ptr<Engine> Loaded(EngineOptions options = {}) {
  auto engine = BareEngine(std::move(options));
  LoadAll(*engine, kSampleReferenceFiles);
  return engine;
}

object LastEventData(Engine& engine, const std::string& case_id) {
  auto cursor = engine.store()->ReadStream("case/" + case_id, UINT64_MAX, Direction::kBackward);
  REQUIRE(cursor->Valid());
  return cursor->event().data.as_object();
}

std::vector<object> ExplainedDeadlines(Engine& engine, const std::string& case_id,
                                       const std::string& id, const std::string& as_of) {
  auto explained = engine.ExplainCase(case_id, AsOf{as_of, 0});
  REQUIRE(explained.ok());
  std::vector<object> out;
  for (const auto& d : explained->at("deadlines").as_array()) {
    if (d.as_object().at("id").as_string() == id) out.push_back(d.as_object());
  }
  return out;
}

const auto kFirstCase = [](const Line& l) {
  const std::string c = CaseOf(l);
  return c.empty() || c == "SX-2025-L3401";
};

TEST_CASE("D26 options: the check period and the end-check period set the due dates",
          "[licence_measures][options]") {
  EngineOptions options;
  options.licence_measure_check_days = 10;
  options.licence_measure_end_check_working_days = 1;
  options.licence_measure_start_working_days = 2;
  auto engine = Loaded(options);
  auto outcomes = Run(*engine, ScenarioLines("34-licence-measure-monitoring.jsonl"), kFirstCase,
                      "c34-1-18");
  REQUIRE(outcomes["c34-1-18"] == "applied");
  const object started = LastEventData(*engine, "SX-2025-L3401");
  // 10 days from Mon 07-21; the end (Wed 08-20) + 1 working day; service
  // (Fri 07-18) + 2 working days.
  CHECK(started.at("check_due_on") == "2025-07-31");
  CHECK(started.at("end_check_due_on") == "2025-08-21");
  CHECK(started.at("due_on") == "2025-07-22");
  CHECK(started.at("late") == false);
}

TEST_CASE("licence_measure_tracked_from: earlier decisions close without the new records",
          "[licence_measures][options]") {
  // Tracked from 2026: the 2025 case of scenario 34 lists no D26 and closes
  // as performed with its suspension unrecorded (as stored closings did).
  EngineOptions options;
  options.licence_measure_tracked_from = "2026-01-01";
  auto engine = Loaded(options);
  auto lines = ScenarioLines("34-licence-measure-monitoring.jsonl");
  auto outcomes = Run(*engine, lines, kFirstCase, "c34-1-13p");
  REQUIRE(outcomes["c34-1-13p"] == "applied");
  DeadlineQuery query;
  query.cases.party = "92350427MA0003401X";
  auto open = engine->Deadlines(query, AsOf{"2025-07-21T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  for (const DeadlineEntry& d : *open) CHECK(d.deadline_id != "D26");
  object close{{"command", "close_case"},
               {"command_id", "t-close"},
               {"at", "2025-07-22T09:00:00+08:00"},
               {"actor", {{"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
               {"case_id", "SX-2025-L3401"},
               {"data", {{"ground", "performed"}, {"approved_by", "SX-OF-0132"}}}};
  auto command = CommandFromJson(close);
  REQUIRE(command.ok());
  auto result = engine->Execute(*command);
  REQUIRE(result.ok());
  CHECK(result->outcome == CommandResult::Outcome::kApplied);
}

TEST_CASE("Engine::Open refuses bad licence-measure options, naming the option",
          "[licence_measures][options]") {
  const auto refused = [](EngineOptions options, const std::string& name) {
    auto store = NewMemoryEventStore();
    REQUIRE(store.ok());
    auto engine = Engine::Open(options, std::shared_ptr<EventStore>(std::move(*store)));
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.status().code() == StatusCode::kInvalidArgument);
    CHECK(std::string(engine.status().message()).find(name) != std::string::npos);
  };
  EngineOptions a;
  a.licence_measure_tracked_from = "2025-02-30";
  refused(a, "licence_measure_tracked_from");
  EngineOptions b;
  b.licence_measure_start_working_days = 0;
  refused(b, "licence_measure_start_working_days");
  EngineOptions c;
  c.licence_measure_check_days = -1;
  refused(c, "licence_measure_check_days");
  EngineOptions d;
  d.licence_measure_end_check_working_days = -1;
  refused(d, "licence_measure_end_check_working_days");
}

TEST_CASE("The audit reports an overdue follow-up of a licence measure (D26)",
          "[licence_measures][audit]") {
  auto engine = Loaded();
  auto lines = ScenarioLines("34-licence-measure-monitoring.jsonl");
  // The second case: its execution recorded late, no inspection during the
  // suspension.
  Run(*engine, lines, [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2025-L3402";
  });
  std::vector<AuditFinding> findings;
  AuditOptions audit;
  audit.case_id = "SX-2025-L3402";
  auto summary = AuditStore(*engine->store(), EngineOptions{}, audit,
                            [&](const AuditFinding& f) { findings.push_back(f); });
  REQUIRE(summary.ok());
  std::set<std::string> overdue;
  for (const AuditFinding& f : findings) {
    INFO(AuditFindingKindName(f.kind) << " " << f.rule << " " << f.code << ": " << f.message);
    CHECK(f.kind == AuditFinding::Kind::kDeadline);
    if (f.rule == "D26") {
      overdue.insert(f.message);
      CHECK(f.legal_basis.find("APL arts. 59") != std::string::npos);
    }
  }
  INFO(findings.size() << " findings");
  CHECK_FALSE(overdue.empty());
}

TEST_CASE("explain and the deadline basis show D26 step by step", "[licence_measures][explain]") {
  auto engine = Loaded();
  auto lines = ScenarioLines("34-licence-measure-monitoring.jsonl");
  Run(*engine, lines, kFirstCase, "c34-1-21");
  const auto d26 = ExplainedDeadlines(*engine, "SX-2025-L3401", "D26", "2025-08-06T09:00:00+08:00");
  INFO(boost::json::serialize(boost::json::value_from(d26)));
  REQUIRE(d26.size() == 3);
  CHECK(d26[0].at("label") == "记录责令停产停业的执行");
  CHECK(d26[0].at("due_on") == "2025-07-25");
  CHECK(d26[0].at("met_on") == "2025-07-21");
  CHECK(d26[0].at("status") == "met");
  CHECK(d26[1].at("label") == "责令停产停业执行期间复查");
  CHECK(d26[1].at("met_on") == "2025-08-05");
  CHECK(d26[2].at("label") == "责令停产停业期满复查");
  CHECK(d26[2].at("due_on") == "2025-08-25");
  CHECK(d26[2].at("status") == "open");
  DeadlineQuery query;
  query.cases.party = "92350427MA0003401X";
  auto open = engine->Deadlines(query, AsOf{"2025-08-06T09:00:00+08:00", 0});
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().deadline_id == "D26");
  CHECK(open->front().basis.find("APL arts. 59 ¶1 (4), 66 ¶1") != std::string::npos);
}

TEST_CASE("explain and the deadline basis show D14 and D15", "[licence_measures][explain]") {
  auto engine = Loaded();
  auto lines = ScenarioLines("29-decision-publication.jsonl");
  Run(*engine, lines, [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2025-K2901";
  }, "c29-1-17");
  // Published 07-22 (met), revoked 08-04: D15 open, due 08-07.
  const auto d14 = ExplainedDeadlines(*engine, "SX-2025-K2901", "D14", "2025-08-05T12:00:00+08:00");
  REQUIRE(d14.size() == 1);
  CHECK(d14[0].at("due_on") == "2025-07-29");
  CHECK(d14[0].at("met_on") == "2025-07-22");
  CHECK(d14[0].at("length") == 7);
  const auto d15 = ExplainedDeadlines(*engine, "SX-2025-K2901", "D15", "2025-08-05T12:00:00+08:00");
  REQUIRE(d15.size() == 1);
  CHECK(d15[0].at("start") == "2025-08-04");
  CHECK(d15[0].at("due_on") == "2025-08-07");
  CHECK(d15[0].at("status") == "open");
  DeadlineQuery query;
  query.cases.party = "350427199107072901";
  auto open = engine->Deadlines(query, AsOf{"2025-08-05T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  bool d15_listed = false;
  for (const DeadlineEntry& d : *open) {
    if (d.deadline_id != "D15") continue;
    d15_listed = true;
    CHECK(d.basis.find("change recorded on 2025-08-04") != std::string::npos);
  }
  CHECK(d15_listed);
}

TEST_CASE("explain and the deadline basis show the days with the police (D9)",
          "[licence_measures][explain][d9]") {
  auto engine = Loaded();
  auto lines = ScenarioLines("33-police-period-d9.jsonl");
  // With the police since 07-03: on 07-21, 18 days so far, D9 due 10-17 as
  // check_deadlines lists it.
  Run(*engine, lines, [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2025-C3301";
  }, "c33-1-6");
  auto d9 = ExplainedDeadlines(*engine, "SX-2025-C3301", "D9", "2025-07-21T12:00:00+08:00");
  REQUIRE(d9.size() == 1);
  CHECK(d9[0].at("due_on") == "2025-10-17");
  CHECK(d9[0].at("police_days") == 18);
  bool open_police = false;
  for (const auto& p : d9[0].at("pauses").as_array()) {
    const object& o = p.as_object();
    if (o.at("reason") == "police") open_police = o.contains("open");
  }
  CHECK(open_police);
  DeadlineQuery query;
  query.cases.party = "91350427MA0003301X";
  auto open = engine->Deadlines(query, AsOf{"2025-07-21T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().due_on == "2025-10-17");
  CHECK(open->front().basis.find("with the police since 2025-07-03 (18 day(s) so far") !=
        std::string::npos);
  // Returned 08-01: 29 days, due 10-28, in explain and the basis.
  Run(*engine, lines, [](const Line& l) {
    const std::string c = CaseOf(l);
    return c == "SX-2025-C3301";
  }, "c33-1-7");
  d9 = ExplainedDeadlines(*engine, "SX-2025-C3301", "D9", "2025-08-02T12:00:00+08:00");
  REQUIRE(d9.size() == 1);
  CHECK(d9[0].at("due_on") == "2025-10-28");
  CHECK(d9[0].at("police_days") == 29);
  open = engine->Deadlines(query, AsOf{"2025-08-02T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().basis.find("29 day(s) with the police (2025-07-03 to 2025-08-01)") !=
        std::string::npos);
}

TEST_CASE("explain shows D18, the hand-over and the deposit of on-the-spot cash",
          "[licence_measures][explain]") {
  auto engine = Loaded();
  Run(*engine, ScenarioLines("27-on-spot-cash-hand-over.jsonl"), [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2025-C2701";
  }, "c27-1-11");
  const auto d18 = ExplainedDeadlines(*engine, "SX-2025-C2701", "D18", "2025-03-10T12:00:00+08:00");
  REQUIRE(d18.size() == 2);
  CHECK(d18[0].at("label") == "交付当场收缴的罚款");
  CHECK(d18[0].at("due_on") == "2025-03-05");
  CHECK(d18[0].at("met_on") == "2025-03-04");
  CHECK(d18[1].at("label") == "当场收缴的罚款缴付指定银行");
  CHECK(d18[1].at("due_on") == "2025-03-06");
  CHECK(d18[1].at("met_on") == "2025-03-05");
  CHECK(d18[1].at("status") == "met");
}

// Scenario 08's licence revocation (沙县某食品有限公司, decided 2023-10-24),
// tracked from 2023: a permanent measure has no end and is inspected once.
TEST_CASE("A permanent measure: no end, one follow-up inspection before the case closes",
          "[licence_measures]") {
  EngineOptions options;
  options.licence_measure_tracked_from = "2023-01-01";
  auto engine = Loaded(options);
  auto outcomes = Run(*engine, ScenarioLines("08-legal-review-rejects.jsonl"), [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2023-P0801";
  }, "p08-30");
  REQUIRE(outcomes["p08-30"] == "applied");
  const object market{{"id", "SX-OF-0032"}, {"role", "enforcement_officer"}, {"unit", "sx-market"}};
  const object admin{{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}};
  int n = 0;
  const auto run = [&](std::string type, std::string at, object data, const object& actor,
                       bool on_case = true) {
    object envelope{{"command", type},
                    {"command_id", "t-" + std::to_string(++n)},
                    {"at", at + "+08:00"},
                    {"actor", actor},
                    {"data", std::move(data)}};
    if (on_case) envelope["case_id"] = "SX-2023-P0801";
    auto command = CommandFromJson(envelope);
    INFO(command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine->Execute(*command);
    REQUIRE(result.ok());
    return result->rejection ? result->rejection->code : std::string("applied");
  };
  REQUIRE(run("serve_decision", "2023-10-24T10:00:00",
              {{"method", "direct"}, {"served_on", "2023-10-24"}, {"receiver", "法定代表人"}},
              market) == "applied");
  REQUIRE(run("map_non_tax_item", "2023-10-24T11:00:00",
              {{"subject", "sx-market"},
               {"item_code", "MARKET-002"},
               {"non_tax_code", "103050199"},
               {"effective_from", "2023-10-24"}},
              admin, false) == "applied");
  REQUIRE(run("issue_payment_notice", "2023-10-24T12:00:00", {{"notice_number", "JK-P0801"}},
              market) == "applied");
  REQUIRE(run("record_payment", "2023-10-25T09:00:00",
              {{"paid_on", "2023-10-25"}, {"amount_fen", 8500000}}, market) == "applied");
  // Service 10-24 + 5 working days: the execution is recorded by 10-31.
  DeadlineQuery query;
  query.cases.party = "91350427MA0000801X";
  auto open = engine->Deadlines(query, AsOf{"2023-10-25T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().deadline_id == "D26");
  CHECK(open->front().label == "记录吊销许可证件的执行");
  CHECK(open->front().due_on == "2023-10-31");
  CHECK(run("close_case", "2023-10-25T13:00:00",
            {{"ground", "performed"}, {"approved_by", "SX-OF-0165"}},
            market) == "closing_conditions_unmet");
  CHECK(run("start_licence_measure", "2023-10-26T09:00:00",
            {{"measure", "license_revocation"},
             {"started_on", "2023-10-26"},
             {"ends_on", "2023-11-26"}},
            market) == "measure_period_invalid");
  REQUIRE(run("start_licence_measure", "2023-10-26T09:10:00",
              {{"measure", "license_revocation"},
               {"started_on", "2023-10-26"},
               {"notice_number", "沙市监吊通〔2023〕1号"}},
              market) == "applied");
  const object started = LastEventData(*engine, "SX-2023-P0801");
  CHECK(started.at("temporary") == false);
  CHECK_FALSE(started.contains("end_check_due_on"));
  CHECK(started.at("check_due_on") == "2023-11-25");
  open = engine->Deadlines(query, AsOf{"2023-10-27T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK(open->front().label == "吊销许可证件执行期间复查");
  const object officers{{"officers", boost::json::array{"SX-OF-0032", "SX-OF-0033"}}};
  object restored = officers;
  restored["measure"] = "license_revocation";
  restored["checked_on"] = "2023-11-06";
  restored["result"] = "restored";
  CHECK(run("record_measure_check", "2023-11-06T09:00:00", restored, market) ==
        "measure_outcome_invalid");
  CHECK(run("close_case", "2023-11-06T10:00:00",
            {{"ground", "performed"}, {"approved_by", "SX-OF-0165"}},
            market) == "closing_conditions_unmet");
  object complied = restored;
  complied["result"] = "complied";
  REQUIRE(run("record_measure_check", "2023-11-06T11:00:00", complied, market) == "applied");
  CHECK(LastEventData(*engine, "SX-2023-P0801").at("late") == false);
  open = engine->Deadlines(query, AsOf{"2023-11-07T12:00:00+08:00", 0});
  REQUIRE(open.ok());
  CHECK(open->empty());
  CHECK(run("close_case", "2023-11-07T09:00:00",
            {{"ground", "performed"}, {"approved_by", "SX-OF-0165"}}, market) == "applied");
}

TEST_CASE("A measure is escalated at any time, restored or extended only at its end",
          "[licence_measures]") {
  auto engine = Loaded();
  // Scenario 34's first case: suspended 07-21 to 08-20, inspected 08-05.
  Run(*engine, ScenarioLines("34-licence-measure-monitoring.jsonl"), kFirstCase, "c34-1-21");
  int n = 0;
  const auto check = [&](std::string outcome, object extra = {}) {
    object data{{"measure", "production_suspension"},
                {"checked_on", "2025-08-12"},
                {"officers", boost::json::array{"SX-OF-0102", "SX-OF-0103"}},
                {"result", std::move(outcome)}};
    for (const auto& kv : extra) data[kv.key()] = kv.value();
    object envelope{{"command", "record_measure_check"},
                    {"command_id", "t-esc-" + std::to_string(++n)},
                    {"at", "2025-08-12T09:00:00+08:00"},
                    {"actor", {{"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
                    {"case_id", "SX-2025-L3401"},
                    {"data", std::move(data)}};
    auto command = CommandFromJson(envelope);
    REQUIRE(command.ok());
    auto result = engine->Execute(*command);
    REQUIRE(result.ok());
    return result->rejection ? result->rejection->code : std::string("applied");
  };
  CHECK(check("extended", {{"extended_to", "2025-09-20"}, {"decision_reference", "X"}}) ==
        "measure_period_running");
  // Operating while suspended: the agency revokes the licence by a new decision.
  CHECK(check("escalated") == "measure_outcome_invalid");
  CHECK(check("escalated", {{"decision_reference", "高政罚〔2025〕3411号"}}) == "applied");
  DeadlineQuery query;
  query.cases.party = "92350427MA0003401X";
  auto open = engine->Deadlines(query, AsOf{"2025-08-13T09:00:00+08:00", 0});
  REQUIRE(open.ok());
  CHECK(open->empty());
  CHECK(check("complied") == "invalid_state");
}

TEST_CASE("explain shows D5, met on time or late", "[licence_measures][explain]") {
  auto engine = Loaded();
  Run(*engine, ScenarioLines("28-case-review-deadline.jsonl"), [](const Line& l) {
    const std::string c = CaseOf(l);
    return c.empty() || c == "SX-2025-K2801" || c == "SX-2025-K2802";
  });
  auto d5 = ExplainedDeadlines(*engine, "SX-2025-K2801", "D5", "2025-07-23T12:00:00+08:00");
  REQUIRE(d5.size() == 1);
  CHECK(d5[0].at("start") == "2025-07-07");
  CHECK(d5[0].at("due_on") == "2025-07-21");
  CHECK(d5[0].at("met_on") == "2025-07-10");
  CHECK(d5[0].at("status") == "met");
  d5 = ExplainedDeadlines(*engine, "SX-2025-K2802", "D5", "2025-07-23T12:00:00+08:00");
  REQUIRE(d5.size() == 1);
  CHECK(d5[0].at("met_on") == "2025-07-23");
  CHECK(d5[0].at("status") == "met_late");
}

}  // namespace
}  // namespace zf

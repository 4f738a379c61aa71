// rules/leniency: the four lists (docs/domain.md, Leniency: the four lists) through the engine — publication,
// versions AS OF an instant, withdrawal, every rejection code, and the
// Shaxian sample (20/7/35/4 entries).
#include <fstream>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "io/schema_validator.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "zf/engine.h"

using namespace zf;
using zf::internal::LeniencyEntry;
using zf::internal::LeniencyListCounts;
using zf::internal::LeniencyListKind;
using zf::internal::LeniencyOutcomeKind;
using zf::internal::LocalStartOfDay;
using zf::internal::RuleBook;

using zf::testing::BareEngine;
using zf::testing::CheckEventSchemas;
using zf::testing::Fold;
using zf::testing::LoadAll;
using zf::testing::MakeCommand;
using zf::testing::ParseCommand;
using zf::testing::SampleCommands;

namespace {

// A valid first-violation entry (SAFE-017, docs/domain.md, Discretion).
boost::json::object FirstViolationEntry() {
  return boost::json::parse(R"({
    "entry_id": "T-NP-001", "list_kind": "no_penalty", "item_code": "SAFE-017",
    "violation_description": "生产经营单位未建立特种作业人员档案",
    "legal_basis_violated": "《特种作业人员安全技术培训考核管理规定》第三十二条",
    "legal_basis_penalty": "《特种作业人员安全技术培训考核管理规定》第三十八条",
    "leniency_ground": "APL33.1.2", "mandatory": false,
    "conditions": [{"code": "first_violation", "params": {"lookback_months": 12}},
                   {"code": "harm_level_at_most", "params": {"level": "slight"}},
                   {"code": "corrected_within", "params": {"days": 15}}],
    "exclusions": ["emergency_period", "repeat_offence"],
    "outcome": {"kind": "no_penalty"},
    "accompanying": ["education_record", "correction_order"],
    "effective_from": "2022-10-01", "issuer": "三明市沙县区应急管理局"})")
      .as_object();
}

boost::json::object MitigatedEntry() {
  auto e = FirstViolationEntry();
  e["entry_id"] = "T-MP-001";
  e["list_kind"] = "mitigated_penalty";
  e["leniency_ground"] = "APL32.1";
  e["mandatory"] = true;
  e["conditions"] = boost::json::parse(R"([{"code": "harm_removed_proactively"}])");
  e["outcome"] = boost::json::parse(R"({"kind": "mitigated", "drop_combined": true})");
  e["accompanying"] = boost::json::parse(R"(["correction_order"])");
  return e;
}

constexpr const char* kAt = "2022-09-26T09:00:00+08:00";

CommandResult Run(Engine& engine, const Command& command) {
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  return *result;
}

std::string RejectionCode(Engine& engine, const Command& command) {
  const CommandResult r = Run(engine, command);
  REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
  CHECK_FALSE(r.rejection->legal_basis.empty());
  return r.rejection->code;
}

// Entries name power items, and items name departments: the Shaxian
// organisation and power list come first.
std::unique_ptr<Engine> MemoryEngine() {
  auto engine = BareEngine();
  LoadAll(*engine, {"02-org.jsonl", "03-powers.jsonl"});
  return engine;
}

std::int64_t Day(int y, unsigned m, unsigned d) { return LocalStartOfDay(Date{y, m, d}); }


}  // namespace

TEST_CASE("A list entry is published as version 1 and in force from its effective_from",
          "[rules][leniency]") {
  auto engine = MemoryEngine();
  const CommandResult r =
      Run(*engine, MakeCommand("publish_leniency_entry", "np-1", kAt, FirstViolationEntry()));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  CHECK(r.stream == "rules/leniency");
  CHECK(r.event_types == std::vector<std::string>{"leniency_entry_published"});
  auto event = engine->store()->ReadEvent(r.append.first_position);
  REQUIRE(event.ok());
  CHECK(event->data.at("version").as_int64() == 1);

  const RuleBook rules = Fold(*engine);
  const auto& lists = rules.leniency();
  // 2022-10-01 00:00 +08:00 is 2022-09-30T16:00Z: one microsecond before is not in force.
  CHECK(lists.Entry("T-NP-001", Day(2022, 10, 1) - 1) == nullptr);
  const LeniencyEntry* e = lists.Entry("T-NP-001", Day(2022, 10, 1));
  REQUIRE(e != nullptr);
  CHECK(e->version == 1);
  CHECK(e->list_kind == LeniencyListKind::kNoPenalty);
  CHECK_FALSE(e->mandatory);
  CHECK(e->leniency_ground == "APL33.1.2");
  REQUIRE(e->conditions.size() == 3);
  CHECK(e->conditions[0].params.at("lookback_months").as_int64() == 12);
  CHECK(e->outcome.kind == LeniencyOutcomeKind::kNoPenalty);
  CHECK(lists.EntriesInForce("SAFE-017", Date{2023, 5, 10}).size() == 1);
  CHECK(lists.EntriesInForce("SAFE-001", Date{2023, 5, 10}).empty());
  CHECK(lists.CountsAsOf(Date{2023, 5, 10}) == LeniencyListCounts{1, 0, 0, 0});
  CHECK(lists.CountsAsOf(Date{2022, 9, 30}) == LeniencyListCounts{});
}

TEST_CASE("A new version supersedes the old one from its effective_from, and both are kept",
          "[rules][leniency]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, MakeCommand("publish_leniency_entry", "np-1", kAt, FirstViolationEntry()))
              .outcome == CommandResult::Outcome::kApplied);
  auto v2 = FirstViolationEntry();
  v2["conditions"].as_array()[0].as_object()["params"].as_object()["lookback_months"] = 24;
  v2["effective_from"] = "2023-07-01";
  const CommandResult r =
      Run(*engine, MakeCommand("publish_leniency_entry", "np-1-v2", "2023-06-20T10:00:00+08:00", v2));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);

  const RuleBook rules = Fold(*engine);
  const auto& lists = rules.leniency();
  REQUIRE(lists.History("T-NP-001").size() == 2);
  const LeniencyEntry* before = lists.Entry("T-NP-001", Day(2023, 6, 30));
  const LeniencyEntry* after = lists.Entry("T-NP-001", Day(2023, 7, 1));
  REQUIRE(before != nullptr);
  REQUIRE(after != nullptr);
  CHECK(before->version == 1);
  CHECK(before->conditions[0].params.at("lookback_months").as_int64() == 12);
  CHECK(after->version == 2);
  CHECK(after->conditions[0].params.at("lookback_months").as_int64() == 24);
  // One entry either way: versions do not add up.
  CHECK(lists.CountsAsOf(Day(2023, 7, 2)).no_penalty == 1);
}

TEST_CASE("A withdrawal ends an entry from its date and keeps its history", "[rules][leniency]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, MakeCommand("publish_leniency_entry", "mp-1", kAt, MitigatedEntry()))
              .outcome == CommandResult::Outcome::kApplied);
  boost::json::object withdraw{{"entry_id", "T-MP-001"},
                               {"effective_from", "2023-03-01"},
                               {"reason", "上位法修改"}};
  const CommandResult r = Run(
      *engine, MakeCommand("withdraw_leniency_entry", "mp-1-w", "2023-02-20T10:00:00+08:00", withdraw));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  CHECK(r.event_types == std::vector<std::string>{"leniency_entry_withdrawn"});

  const RuleBook rules = Fold(*engine);
  const auto& lists = rules.leniency();
  CHECK(lists.Entry("T-MP-001", Day(2023, 2, 28)) != nullptr);
  CHECK(lists.Entry("T-MP-001", Day(2023, 3, 1)) == nullptr);
  CHECK(lists.CountsAsOf(Day(2023, 2, 28)).mitigated_penalty == 1);
  CHECK(lists.CountsAsOf(Day(2023, 3, 1)).mitigated_penalty == 0);
  REQUIRE(lists.History("T-MP-001").size() == 2);
  CHECK(lists.History("T-MP-001")[1]->withdrawn);
  CheckEventSchemas(*engine, "rules/leniency");

  SECTION("withdrawing it again") {
    withdraw["effective_from"] = "2023-04-01";
    CHECK(RejectionCode(*engine, MakeCommand("withdraw_leniency_entry", "mp-1-w2",
                                             "2023-03-20T10:00:00+08:00", withdraw)) ==
          "leniency_entry_already_withdrawn");
  }
  SECTION("withdrawing an unknown entry") {
    withdraw["entry_id"] = "T-NOPE";
    CHECK(RejectionCode(*engine, MakeCommand("withdraw_leniency_entry", "w-unknown",
                                             "2023-03-20T10:00:00+08:00", withdraw)) ==
          "leniency_entry_not_found");
  }
  SECTION("republishing after a withdrawal brings it back from the new date") {
    auto again = MitigatedEntry();
    again["effective_from"] = "2023-09-01";
    REQUIRE(Run(*engine, MakeCommand("publish_leniency_entry", "mp-1-again",
                                     "2023-08-20T10:00:00+08:00", again))
                .outcome == CommandResult::Outcome::kApplied);
    const RuleBook later = Fold(*engine);
    CHECK(later.leniency().Entry("T-MP-001", Day(2023, 8, 31)) == nullptr);
    REQUIRE(later.leniency().Entry("T-MP-001", Day(2023, 9, 1)) != nullptr);
    CHECK(later.leniency().Entry("T-MP-001", Day(2023, 9, 1))->version == 3);
  }
}

TEST_CASE("An entry with effective_to is in force through that day", "[rules][leniency]") {
  auto engine = MemoryEngine();
  auto e = FirstViolationEntry();
  e["effective_to"] = "2023-12-31";
  REQUIRE(Run(*engine, MakeCommand("publish_leniency_entry", "np-to", kAt, e)).outcome ==
          CommandResult::Outcome::kApplied);
  const RuleBook rules = Fold(*engine);
  CHECK(rules.leniency().Entry("T-NP-001", Day(2024, 1, 1) - 1) != nullptr);
  CHECK(rules.leniency().Entry("T-NP-001", Day(2024, 1, 1)) == nullptr);
}

TEST_CASE("Incoherent list entries are rejected with a code, a basis and a field",
          "[rules][leniency][rejection]") {
  auto engine = MemoryEngine();
  const auto before = engine->store()->Ledger().position;
  struct Case {
    std::string name;
    std::function<void(boost::json::object&)> spoil;
    std::string code;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {"no-penalty list with a lighter outcome",
       [](auto& e) { e["outcome"] = boost::json::parse(R"({"kind":"lighter","band_pct":30})"); },
       "leniency_outcome_mismatch", "/data/outcome/kind"},
      {"mitigated outcome with no option",
       [](auto& e) {
         e = MitigatedEntry();
         e["outcome"] = boost::json::parse(R"({"kind":"mitigated"})");
       },
       "leniency_outcome_invalid", "/data/outcome"},
      {"mitigated fine range upside down",
       [](auto& e) {
         e = MitigatedEntry();
         e["outcome"] = boost::json::parse(
             R"({"kind":"mitigated","fine_min_fen":50000,"fine_max_fen":10000})");
       },
       "leniency_outcome_invalid", "/data/outcome/fine_min_fen"},
      {"lighter outcome with a fine range",
       [](auto& e) {
         e = MitigatedEntry();
         e["list_kind"] = "lighter_penalty";
         e["outcome"] = boost::json::parse(
             R"({"kind":"lighter","band_pct":30,"fine_min_fen":1,"fine_max_fen":2})");
       },
       "leniency_outcome_invalid", "/data/outcome"},
      {"first_violation without its lookback",
       [](auto& e) { e["conditions"].as_array()[0].as_object().erase("params"); },
       "leniency_condition_invalid", "/data/conditions/0/params/lookback_months"},
      {"a condition parameter the code does not take",
       [](auto& e) {
         e["conditions"].as_array()[2].as_object()["params"].as_object()["hours"] = 3;
       },
       "leniency_condition_invalid", "/data/conditions/2/params/hours"},
      {"a lookback of 0 months",
       [](auto& e) {
         e["conditions"].as_array()[0].as_object()["params"].as_object()["lookback_months"] = 0;
       },
       "leniency_condition_invalid", "/data/conditions/0/params/lookback_months"},
      {"a condition twice",
       [](auto& e) { e["conditions"].as_array().push_back(e["conditions"].as_array()[2]); },
       "leniency_condition_invalid", "/data/conditions/3/code"},
      {"APL 32 on the no-penalty list",
       [](auto& e) {
         e["leniency_ground"] = "APL32.1";
         e["mandatory"] = true;
       },
       "leniency_ground_mismatch", "/data/leniency_ground"},
      {"first violation marked mandatory",
       [](auto& e) { e["mandatory"] = true; }, "leniency_mandatory_mismatch", "/data/mandatory"},
      {"minor-and-corrected marked discretionary",
       [](auto& e) {
         e["leniency_ground"] = "APL33.1.1";
         e["conditions"] = boost::json::parse(R"([{"code":"corrected_within","params":{"days":3}}])");
       },
       "leniency_mandatory_mismatch", "/data/mandatory"},
      {"first violation without the first_violation condition",
       [](auto& e) { e["conditions"].as_array().erase(e["conditions"].as_array().begin()); },
       "leniency_condition_missing", "/data/conditions"},
      {"no penalty without education (APL 33 ¶3)",
       [](auto& e) { e["accompanying"] = boost::json::parse(R"(["correction_order"])"); },
       "leniency_education_required", "/data/accompanying"},
      {"effective_to before effective_from",
       [](auto& e) { e["effective_to"] = "2022-09-30"; }, "effective_period_invalid",
       "/data/effective_to"},
      {"an item the power list does not have",
       [](auto& e) { e["item_code"] = "SAFE-999"; }, "unknown_power_item", "/data/item_code"},
      {"an item withdrawn from the list before the entry takes effect",
       [](auto& e) {
         e["item_code"] = "URBAN-010";  // withdrawn from 2023-09-01 (03-powers.jsonl)
         e["effective_from"] = "2023-09-01";
       },
       "item_not_in_force", "/data/item_code"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto data = FirstViolationEntry();
    c.spoil(data);
    const CommandResult r = Run(*engine, MakeCommand("publish_leniency_entry", "bad", kAt, data));
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    CHECK(r.rejection->code == c.code);
    CHECK(r.rejection->pointer == c.pointer);
    CHECK_FALSE(r.rejection->legal_basis.empty());
  }
  // A day the calendar does not have is invalid input, refused with the
  // schema before any decider runs.
  auto impossible = FirstViolationEntry();
  impossible["effective_from"] = "2022-02-30";
  auto parsed = ParseCommand("publish_leniency_entry", "bad-day", kAt, impossible);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  CHECK(parsed.status().subject() == "/data/effective_from");
  CHECK(engine->store()->Ledger().position == before);
}

TEST_CASE("Versions are immutable: no rewriting the past, no identity change, no no-op",
          "[rules][leniency][rejection]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, MakeCommand("publish_leniency_entry", "np-1", kAt, FirstViolationEntry()))
              .outcome == CommandResult::Outcome::kApplied);
  const std::string later = "2023-06-20T10:00:00+08:00";

  SECTION("the same content again") {
    CHECK(RejectionCode(*engine, MakeCommand("publish_leniency_entry", "np-1b", later,
                                             FirstViolationEntry())) == "leniency_entry_unchanged");
  }
  SECTION("moving an entry to another list") {
    auto e = FirstViolationEntry();
    e["list_kind"] = "coercion_exemption";
    e["leniency_ground"] = "ACL16.2";
    e["conditions"] = boost::json::parse(R"([{"code":"social_harm_not_obvious"}])");
    e["outcome"] = boost::json::parse(R"({"kind":"no_coercion"})");
    const CommandResult r = Run(*engine, MakeCommand("publish_leniency_entry", "np-1c", later, e));
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    CHECK(r.rejection->code == "leniency_entry_identity_changed");
    CHECK(r.rejection->pointer == "/data/list_kind");
  }
  SECTION("a version starting before the one it follows") {
    auto e = FirstViolationEntry();
    e["effective_from"] = "2022-09-01";
    e["issuer"] = "三明市沙县区司法局";
    CHECK(RejectionCode(*engine, MakeCommand("publish_leniency_entry", "np-1d", later, e)) ==
          "version_not_after_previous");
  }
  SECTION("a version back-dated before the day it is made") {
    auto e = FirstViolationEntry();
    e["effective_from"] = "2023-06-19";
    CHECK(RejectionCode(*engine, MakeCommand("publish_leniency_entry", "np-1e", later, e)) ==
          "effective_from_retroactive");
    e["effective_from"] = "2023-06-20";  // the same day is not in the past
    CHECK(Run(*engine, MakeCommand("publish_leniency_entry", "np-1f", later, e)).outcome ==
          CommandResult::Outcome::kApplied);
  }
  SECTION("a withdrawal back-dated before the day it is made") {
    boost::json::object w{{"entry_id", "T-NP-001"}, {"effective_from", "2023-01-01"}, {"reason", "x"}};
    CHECK(RejectionCode(*engine, MakeCommand("withdraw_leniency_entry", "w", later, w)) ==
          "effective_from_retroactive");
  }
}

TEST_CASE("A list entry the schema refuses is invalid before any decider runs",
          "[rules][leniency][validation]") {
  auto data = FirstViolationEntry();
  data["list_kind"] = "heavier_penalty";
  boost::json::object envelope{
      {"command", "publish_leniency_entry"}, {"command_id", "x"}, {"at", kAt},
      {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
      {"data", data}};
  auto command = CommandFromJson(envelope);
  REQUIRE_FALSE(command.ok());
  CHECK(command.status().code() == StatusCode::kInvalidArgument);
  CHECK(command.status().subject() == "/data/list_kind");
}

TEST_CASE("The Shaxian four lists load after the calendar: 20/7/35/4 entries",
          "[rules][leniency][sample]") {
  auto engine = BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl", "04-leniency.jsonl"});
  CheckEventSchemas(*engine, "rules/leniency");
  const RuleBook rules = Fold(*engine);
  const auto& lists = rules.leniency();
  CHECK(lists.CountsAsOf(Date{2023, 1, 1}) == LeniencyListCounts{20, 7, 35, 4});
  CHECK(lists.CountsAsOf(Date{2022, 9, 30}) == LeniencyListCounts{});

  // SAFE-017 (docs/domain.md, Discretion): a discretionary first-violation no-penalty entry
  // with education and a correction order, and a mitigated "warning only".
  const auto safe017 = lists.EntriesInForce("SAFE-017", Date{2023, 5, 10});
  REQUIRE(safe017.size() == 2);
  const LeniencyEntry& np = *safe017[0];
  CHECK(np.list_kind == LeniencyListKind::kNoPenalty);
  CHECK(np.leniency_ground == "APL33.1.2");
  CHECK_FALSE(np.mandatory);
  CHECK(np.conditions[0].code == "first_violation");
  CHECK(np.conditions[0].params.at("lookback_months").as_int64() == 12);
  CHECK(np.accompanying == std::vector<std::string>{"education_record", "correction_order"});
  const LeniencyEntry& mp = *safe017[1];
  CHECK(mp.list_kind == LeniencyListKind::kMitigatedPenalty);
  CHECK(mp.outcome.drop_combined);

  // The mandatory minor-and-corrected entry (APL 33 ¶1 sentence 1).
  bool mandatory_minor = false;
  for (const std::string& id : lists.EntryIds()) {
    const LeniencyEntry* e = lists.Entry(id, Day(2023, 1, 1));
    REQUIRE(e != nullptr);
    mandatory_minor = mandatory_minor || (e->leniency_ground == "APL33.1.1" && e->mandatory);
  }
  CHECK(mandatory_minor);
}

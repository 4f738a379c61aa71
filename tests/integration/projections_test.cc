// Inline projections: each append writes, in the same atomic write, the
// read-model row of every case it touched; ReplayProjections rebuilds the
// rows from the events and names every difference.
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "support/test_support.h"
#include "zf/engine.h"
#include "zf/event_json.h"

using namespace zf;
using zf::testing::LoadAll;
using zf::testing::TempDir;

namespace {

Command Clue(const std::string& id, const std::string& command_id) {
  return zf::testing::GaoshaClue(id, command_id);
}

Command File(const std::string& id, const std::string& command_id) {
  auto command = CommandFromJson(boost::json::object{
      {"command", "file_case"},
      {"command_id", command_id},
      {"at", "2023-09-14T09:00:00+08:00"},
      {"actor", {{"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
      {"case_id", id},
      {"data", {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}}}});
  REQUIRE(command.ok());
  return *command;
}

boost::json::object Row(EventStore* store, const std::string& id) {
  auto row = store->ReadProjection("case_view/" + id);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  auto json = ParseJson(**row);
  REQUIRE(json.ok());
  return json->as_object();
}

}  // namespace

TEST_CASE("Every append writes the touched cases' rows in the same write", "[projection]") {
  TempDir dir;
  {
    auto engine = Engine::Open(EngineOptions{}, dir.Sub("db"));
    REQUIRE(engine.ok());
    LoadAll(**engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
    REQUIRE((*engine)->Execute(Clue("SX-P-1", "p-1"))->outcome == CommandResult::Outcome::kApplied);
    CHECK(Row((*engine)->store(), "SX-P-1").at("state") == "registered");
    REQUIRE((*engine)->Execute(File("SX-P-1", "p-2"))->outcome == CommandResult::Outcome::kApplied);
    const auto row = Row((*engine)->store(), "SX-P-1");
    CHECK(row.at("state") == "filed");
    CHECK(row.at("version") == 2);
    CHECK(row.at("handling_subject") == "gaosha");
    CHECK_FALSE(row.contains("area"));  // reference-data parts are not stored

    // An atomic batch that fails writes neither events nor rows.
    std::vector<Command> batch = {Clue("SX-P-2", "p-3"), Clue("SX-P-1", "p-4")};
    auto results = (*engine)->ExecuteBatch(batch, BatchMode::kAtomic);
    REQUIRE(results.ok());
    auto missing = (*engine)->store()->ReadProjection("case_view/SX-P-2");
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());
  }
  // The rows are durable with the events, and agree with a rebuild.
  auto engine = Engine::Open(EngineOptions{}, dir.Sub("db"));
  REQUIRE(engine.ok());
  CHECK(Row((*engine)->store(), "SX-P-1").at("state") == "filed");
  auto report = (*engine)->ReplayProjections(/*repair=*/false);
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->rows == 1);
}

TEST_CASE("Replaying the projections names missing, extra and changed rows, and repairs them",
          "[projection]") {
  auto engine = zf::testing::BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  for (const char* id : {"SX-P-1", "SX-P-2", "SX-P-3"}) {
    REQUIRE(engine->Execute(Clue(id, std::string("c-") + id))->outcome ==
            CommandResult::Outcome::kApplied);
  }
  const std::vector<ProjectionWrite> tamper = {
      {"case_view/SX-P-1", std::string(R"({"case_id":"SX-P-1","state":"closed"})")},
      {"case_view/SX-P-2", std::nullopt},
      {"case_view/SX-P-9", std::string("{}")},
      // An index row no event implies: found by the index rows' scan, which
      // runs beside the row families' scan that finds SX-P-9.
      {std::string("ix/party/P-NOBODY\0", 18) + "00000001", std::string("SX-P-9")}};
  REQUIRE(engine->store()->WriteProjections(tamper).ok());

  auto report = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(report.ok());
  CHECK_FALSE(report->ok());
  CHECK(report->rows == 3);
  CHECK(report->different == std::vector<std::string>{"case_view/SX-P-1"});
  CHECK(report->missing == std::vector<std::string>{"case_view/SX-P-2"});
  REQUIRE(report->extra.size() == 2);
  CHECK(report->extra[0] == "case_view/SX-P-9");
  CHECK(report->extra[1].starts_with("ix/party/P-NOBODY"));
  CHECK_FALSE(report->repaired);

  auto repaired = engine->ReplayProjections(/*repair=*/true);
  REQUIRE(repaired.ok());
  CHECK(repaired->repaired);
  auto again = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(again.ok());
  CHECK(again->ok());
  CHECK(Row(engine->store(), "SX-P-1").at("state") == "registered");
}

TEST_CASE("A dry run judges on its own copy: later batches see earlier ones, nothing is written",
          "[engine][dry_run]") {
  auto engine = zf::testing::BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  const std::uint64_t before = engine->store()->Ledger().position;
  auto dry = engine->StartDryRun();
  std::vector<Command> first = {Clue("SX-D-1", "d-1")};
  auto a = dry->ExecuteBatch(first, BatchMode::kIndependent);
  REQUIRE(a.ok());
  CHECK((*a)[0]->outcome == CommandResult::Outcome::kApplied);
  // The session remembers: filing sees the registered clue, a repeat is already applied.
  std::vector<Command> second = {File("SX-D-1", "d-2"), Clue("SX-D-1", "d-1")};
  auto b = dry->ExecuteBatch(second, BatchMode::kIndependent);
  REQUIRE(b.ok());
  CHECK((*b)[0]->outcome == CommandResult::Outcome::kApplied);
  CHECK((*b)[1]->outcome == CommandResult::Outcome::kAlreadyApplied);
  // A failing atomic batch leaves the session as it was.
  std::vector<Command> atomic = {Clue("SX-D-2", "d-3"), Clue("SX-D-1", "d-4")};
  auto c = dry->ExecuteBatch(atomic, BatchMode::kAtomic);
  REQUIRE(c.ok());
  CHECK((*c)[1]->rejection->code == "case_exists");
  std::vector<Command> retry = {Clue("SX-D-2", "d-5")};
  auto d = dry->ExecuteBatch(retry, BatchMode::kIndependent);
  REQUIRE(d.ok());
  CHECK((*d)[0]->outcome == CommandResult::Outcome::kApplied);
  CHECK(engine->store()->Ledger().position == before);
}

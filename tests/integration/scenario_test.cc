// Data-driven workflow scenarios (tests/scenarios/*.jsonl): commands in,
// expected events or rejection codes out, through the real engine on a real
// RocksDB store holding the Shaxian reference data.
//
// A scenario file is JSON Lines. Each line is one of:
//   {"comment": "..."}                          ignored
//   {"defaults": {"actor": {...}}}              envelope fields for the lines
//                                               that follow and lack them
//   a command envelope (see zf/command.h) with an optional "expect":
//     {"outcome": "applied" | "rejected" | "already_applied" | "invalid",
//      "code": "<rejection code>",              (implies "rejected")
//      "field": "/data/date",                   (with "invalid": the field
//                                               the error names)
//      "events": ["type", ...],                 exactly the events appended
//      "match": {"/0/data/due_on": "2023-12-11", ...}}
//                                               JSON pointers into the array
//                                               of appended events
//   An absent "expect" means {"outcome": "applied"}.
//
// After the last line every stream the scenario touched must verify, every
// event must satisfy its schema, and running the same commands again on a
// fresh store must append the same events (deterministic deciders: what an
// audit's re-decision relies on).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "support/pg_test_support.h"
#include "support/test_support.h"
#include "zf/audit.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace zf {
namespace {

namespace fs = std::filesystem;
using zf::testing::CheckEventSchemas;
using zf::testing::LoadAll;
using zf::testing::TempDir;

using Step = zf::testing::ScenarioStep;
using zf::testing::kSampleReferenceFiles;

// Every scenario, or only the one $ZF_SCENARIO names (ctest runs one each).
std::vector<fs::path> ScenarioFiles() {
  const fs::path dir = fs::path(ZF_SOURCE_DIR) / "tests/scenarios";
  if (const char* only = std::getenv("ZF_SCENARIO"); only != nullptr && *only != '\0') {
    REQUIRE(fs::exists(dir / only));
    return {dir / only};
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ExpectedOutcome(const boost::json::object& expect) {
  if (auto* o = expect.if_contains("outcome")) return std::string(o->as_string());
  return expect.contains("code") ? "rejected" : "applied";
}

// The events the command appended, as an array of event JSON objects.
boost::json::array AppendedEvents(Engine& engine, const CommandResult& result) {
  boost::json::array events;
  auto cursor = engine.store()->ReadStream(result.stream, result.append.first_version,
                                           Direction::kForward);
  for (; cursor->Valid() && cursor->event().version <= result.append.last_version;
       cursor->Next()) {
    events.push_back(EventToJson(cursor->event()));
  }
  REQUIRE(cursor->status().ok());
  return events;
}

void CheckStep(Engine& engine, const Step& step, std::set<std::string>* streams) {
  const std::string want = ExpectedOutcome(step.expect);
  auto command = CommandFromJson(step.envelope);
  if (want == "invalid") {
    REQUIRE_FALSE(command.ok());
    CHECK(command.status().code() == StatusCode::kInvalidArgument);
    if (auto* field = step.expect.if_contains("field")) {
      CHECK(command.status().subject() == field->as_string());
    }
    return;
  }
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  auto result = engine.Execute(*command);
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  if (result->rejection) {
    INFO("rejected: " << result->rejection->code << ": " << result->rejection->message << " ["
                      << result->rejection->legal_basis << "] at " << result->rejection->pointer);
    CHECK(std::string(OutcomeName(result->outcome)) == want);
  }
  REQUIRE(std::string(OutcomeName(result->outcome)) == want);
  if (auto* code = step.expect.if_contains("code")) {
    REQUIRE(result->rejection);
    CHECK(result->rejection->code == code->as_string());
    CHECK_FALSE(result->rejection->legal_basis.empty());
  }
  if (result->outcome != CommandResult::Outcome::kApplied) return;
  streams->insert(result->stream);
  if (auto* types = step.expect.if_contains("events")) {
    std::vector<std::string> want_types;
    for (const auto& t : types->as_array()) want_types.emplace_back(t.as_string());
    CHECK(result->event_types == want_types);
  }
  if (auto* match = step.expect.if_contains("match")) {
    const boost::json::value events = AppendedEvents(engine, *result);
    for (const auto& [pointer, value] : match->as_object()) {
      INFO("match " << pointer << " in " << boost::json::serialize(events));
      boost::system::error_code ec;
      const boost::json::value* found = events.find_pointer(pointer, ec);
      REQUIRE(found != nullptr);
      CHECK(*found == value);
    }
  }
}

// What a run appended to the scenario's streams: (stream, version, type, data).
std::vector<std::string> StreamContents(Engine& engine, const std::set<std::string>& streams) {
  std::vector<std::string> out;
  for (const std::string& stream : streams) {
    auto cursor = engine.store()->ReadStream(stream, 1, Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) {
      const EventRecord& e = cursor->event();
      out.push_back(e.stream + "#" + std::to_string(e.version) + " " + e.type + " " +
                    e.occurred_at + " " + boost::json::serialize(e.data));
    }
  }
  return out;
}

// The audit (docs/audit.md) of every act the scenario stored: each command
// decided again gives its events, each decision is lawful with its own
// values, and each case's dossier verifies offline. (Deadline findings are
// left out: some scenarios act late on purpose.)
void AuditScenario(const EventStore& store, const std::set<std::string>& streams) {
  auto lawful = [](const AuditFinding& f) {
    INFO(AuditFindingKindName(f.kind) << " " << f.code << " " << f.stream << " @" << f.position
                                      << ": " << f.message);
    CHECK(f.kind == AuditFinding::Kind::kDeadline);
  };
  AuditOptions acts;
  acts.to_position = store.Ledger().position;
  auto audited = AuditStore(store, EngineOptions{}, acts, lawful);
  REQUIRE(audited.ok());
  CHECK(audited->commands_redecided == audited->commands_checked);
  for (const std::string& stream : streams) {
    if (!stream.starts_with("case/")) continue;
    std::stringstream dossier;
    REQUIRE(WriteDossier(store, stream.substr(5), dossier).ok());
    INFO("dossier of " << stream);
    auto verified = VerifyDossier(dossier, EngineOptions{}, lawful);
    REQUIRE(verified.ok());
  }
}

void RunScenario(const fs::path& file) {
  const std::vector<Step> steps = zf::testing::ReadScenario(file.string());
  REQUIRE_FALSE(steps.empty());
  TempDir dir;
  // RocksDB, or the store $ZF_TEST_STORES names (pg.scenarios: postgresql).
  const std::string location = zf::testing::StoreLocation(
      std::getenv("ZF_TEST_STORES") ? zf::testing::StoreKinds().front() : "rocksdb", dir);
  REQUIRE_FALSE(location.empty());
  std::set<std::string> streams;
  std::vector<std::string> first_run;
  {
    auto engine = Engine::Open(EngineOptions{}, location);
    REQUIRE(engine.ok());
    LoadAll(**engine, kSampleReferenceFiles);
    for (const Step& step : steps) {
      INFO(file.filename().string() << " line " << step.line << ": "
                                    << boost::json::serialize(step.envelope).substr(0, 200));
      CheckStep(**engine, step, &streams);
    }
    for (const std::string& stream : streams) CheckEventSchemas(**engine, stream);
    auto report = (*engine)->store()->VerifyChain();
    REQUIRE(report.ok());
    CHECK(report->ok());
    first_run = StreamContents(**engine, streams);
  }
  // Reopen: the folded state must let the same commands be recognised.
  {
    auto engine = Engine::Open(EngineOptions{}, location);
    REQUIRE(engine.ok());
    CHECK(StreamContents(**engine, streams) == first_run);
    AuditScenario(*(*engine)->store(), streams);
  }
  // Re-decide on a fresh store: the same commands give the same events.
  auto replay = zf::testing::BareEngine();
  LoadAll(*replay, kSampleReferenceFiles);
  for (const Step& step : steps) {
    auto command = CommandFromJson(step.envelope);
    if (!command.ok()) continue;
    REQUIRE(replay->Execute(*command).ok());
  }
  CHECK(StreamContents(*replay, streams) == first_run);
}

TEST_CASE("workflow scenarios run through the engine", "[.][scenario]") {
  const auto files = ScenarioFiles();
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    DYNAMIC_SECTION(file.filename().string()) { RunScenario(file); }
  }
}

}  // namespace
}  // namespace zf

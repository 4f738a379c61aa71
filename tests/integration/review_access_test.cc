// Case-file review campaigns (docs/domain.md, Closing, archiving and case-file review) through the engine's queries, and
// the access trail: a read with a reader records exactly one case_accessed
// event on access/<case_id>, hash-chained; a read without one records
// nothing; the trail disturbs no projection, statistic or replay.
#include <atomic>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "support/test_support.h"
#include "util/rfc3339.h"
#include "zf/engine.h"
#include "zf/event_json.h"

using namespace zf;
using zf::testing::CheckEventSchemas;
using zf::testing::LoadAll;
using zf::testing::TempDir;

namespace {

const std::vector<std::string> kReference = {
    "01-calendar.jsonl", "02-org.jsonl",        "03-powers.jsonl",
    "04-leniency.jsonl", "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl"};

// A clock the test sets.
class TestClock final : public Clock {
 public:
  std::int64_t NowMicros() const override { return now.load(); }
  std::atomic<std::int64_t> now{0};
};

std::int64_t Micros(const char* rfc3339) {
  auto t = internal::ParseRfc3339(rfc3339);
  REQUIRE(t.ok());
  return t->unix_micros;
}

Command Clue(const std::string& id) { return zf::testing::GaoshaClue(id, "clue-" + id); }

std::vector<EventRecord> Stream(Engine& engine, const std::string& stream) {
  std::vector<EventRecord> out;
  auto cursor = engine.store()->ReadStream(stream, 1, Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) out.push_back(cursor->event());
  REQUIRE(cursor->status().ok());
  return out;
}

ReadContext Reader(std::string id, std::string what = "view", std::string purpose = "") {
  ReadContext read;
  read.reader = {std::move(id), "legal_reviewer", "sx-justice"};
  read.what = std::move(what);
  read.purpose = std::move(purpose);
  return read;
}

// The commands of a scenario file (defaults applied, expectations dropped).
std::vector<Command> ScenarioCommands(const std::string& name) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/tests/scenarios/" + name);
  REQUIRE(in);
  std::vector<Command> commands;
  boost::json::object defaults;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto json = ParseJson(line);
    REQUIRE(json.ok());
    boost::json::object o = json->as_object();
    if (o.contains("defaults")) defaults = o.at("defaults").as_object();
    if (!o.contains("command")) continue;
    o.erase("expect");
    for (const auto& [key, value] : defaults) {
      if (!o.contains(key)) o[key] = value;
    }
    auto command = CommandFromJson(o);
    REQUIRE(command.ok());
    commands.push_back(*command);
  }
  return commands;
}

}  // namespace

TEST_CASE("A read with a reader records one case_accessed event, without one nothing",
          "[access]") {
  TempDir dir;
  auto clock = std::make_shared<TestClock>();
  clock->now = Micros("2024-05-06T09:15:00.250000+08:00");
  EngineOptions options;
  options.store.clock = clock;
  {
    auto engine = Engine::Open(options, dir.Sub("db"));
    REQUIRE(engine.ok());
    LoadAll(**engine, kReference);
    REQUIRE((*engine)->Execute(Clue("SX-A-1"))->outcome == CommandResult::Outcome::kApplied);
    const auto case_before = Stream(**engine, "case/SX-A-1");
    const auto stats_before = (*engine)->Statistics("2023-01-01", "2023-12-31");
    REQUIRE(stats_before.ok());

    // Without a reader: nothing.
    REQUIRE((*engine)->CaseView("SX-A-1").ok());
    CHECK(Stream(**engine, "access/SX-A-1").empty());

    // With one: exactly one event, with the reader as actor and the time.
    auto view = (*engine)->CaseView("SX-A-1", AsOf{}, Reader("SX-OF-0202", "view", "案卷评查"));
    REQUIRE(view.ok());
    CHECK(view->at("case_id") == "SX-A-1");
    auto trail = Stream(**engine, "access/SX-A-1");
    REQUIRE(trail.size() == 1);
    CHECK(trail[0].type == "case_accessed");
    CHECK(trail[0].actor == Actor{"SX-OF-0202", "legal_reviewer", "sx-justice"});
    CHECK(trail[0].occurred_at == "2024-05-06T09:15:00.250000+08:00");
    CHECK(trail[0].data.at("case_id") == "SX-A-1");
    CHECK(trail[0].data.at("what") == "view");
    CHECK(trail[0].data.at("purpose") == "案卷评查");
    CHECK_FALSE(trail[0].data.as_object().contains("as_of"));

    // An as_of read records what was asked for; history through
    // RecordCaseAccess (the CLI and the server read the stream themselves).
    clock->now = Micros("2024-05-07T10:00:00+08:00");
    REQUIRE((*engine)->CaseView("SX-A-1", AsOf{.time = "2023-09-13"}, Reader("SX-OF-0090")).ok());
    REQUIRE((*engine)->RecordCaseAccess("SX-A-1", Reader("SX-OF-0090", "history")).ok());
    trail = Stream(**engine, "access/SX-A-1");
    REQUIRE(trail.size() == 3);
    CHECK(trail[1].data.at("as_of") == "2023-09-13");
    CHECK(trail[2].data.at("what") == "history");

    // Refused reads record nothing: unknown case, no reader id, unknown kind.
    CHECK((*engine)->CaseView("SX-NONE", AsOf{}, Reader("SX-OF-0090")).status().code() ==
          StatusCode::kNotFound);
    CHECK((*engine)->RecordCaseAccess("SX-NONE", Reader("SX-OF-0090")).code() ==
          StatusCode::kNotFound);
    CHECK((*engine)->CaseView("SX-A-1", AsOf{}, Reader("")).status().subject() == "reader");
    CHECK((*engine)->CaseView("SX-A-1", AsOf{}, Reader("SX-OF-0090", "gossip")).status().subject() ==
          "what");
    CHECK(Stream(**engine, "access/SX-A-1").size() == 3);
    CHECK(Stream(**engine, "access/SX-NONE").empty());

    // The queries: by case, by reader, by day.
    auto by_case = (*engine)->CaseAccesses(AccessQuery{"SX-A-1", "", "", ""});
    REQUIRE(by_case.ok());
    CHECK(by_case->size() == 3);
    auto by_reader = (*engine)->CaseAccesses(AccessQuery{"", "SX-OF-0090", "", ""});
    REQUIRE(by_reader.ok());
    REQUIRE(by_reader->size() == 2);
    CHECK((*by_reader)[0].case_id == "SX-A-1");
    CHECK((*by_reader)[0].as_of == "2023-09-13");
    CHECK((*by_reader)[1].what == "history");
    CHECK((*by_reader)[1].hash == trail[2].hash);
    auto first_day = (*engine)->CaseAccesses(AccessQuery{"SX-A-1", "", "", "2024-05-06"});
    REQUIRE(first_day.ok());
    REQUIRE(first_day->size() == 1);
    CHECK(first_day->front().reader.id == "SX-OF-0202");
    CHECK((*engine)->CaseAccesses(AccessQuery{"", "", "2024-13-01", ""}).status().subject() == "from");

    // The case stream, statistics, projections and the chain are untouched.
    CHECK(Stream(**engine, "case/SX-A-1").size() == case_before.size());
    CHECK(Stream(**engine, "case/SX-A-1").back().hash == case_before.back().hash);
    CHECK(*(*engine)->Statistics("2023-01-01", "2023-12-31") == *stats_before);
    auto projections = (*engine)->ReplayProjections(/*repair=*/false);
    REQUIRE(projections.ok());
    CHECK(projections->different.empty());
    CHECK(projections->missing.empty());
    CHECK(projections->extra.empty());
    CheckEventSchemas(**engine, "access/SX-A-1");
  }
  // Reopened (the log folded again, access streams included), and verified.
  auto engine = Engine::Open(options, dir.Sub("db"));
  REQUIRE(engine.ok());
  auto report = (*engine)->store()->VerifyChain({});
  REQUIRE(report.ok());
  CHECK(report->ok());
  const auto trail = Stream(**engine, "access/SX-A-1");
  REQUIRE(trail.size() == 3);
  CHECK(trail[1].prev_hash == trail[0].hash);
  REQUIRE((*engine)->Execute(Clue("SX-A-2"))->outcome == CommandResult::Outcome::kApplied);
  CHECK((*engine)->ListCases({})->size() == 2);
}

TEST_CASE("Review campaigns: list, show with per-file scores, as of a position", "[review]") {
  TempDir dir;
  auto engine = Engine::Open(EngineOptions{}, dir.Sub("db"));
  REQUIRE(engine.ok());
  LoadAll(**engine, kReference);
  std::uint64_t before_close = 0;
  for (const Command& command : ScenarioCommands("16-review-campaign.jsonl")) {
    auto result = (*engine)->Execute(command);
    REQUIRE(result.ok());
    if (command.type == "close_review_campaign" && command.target == "RC-16-1" &&
        result->outcome == CommandResult::Outcome::kApplied) {
      before_close = result->append.first_position - 1;
    }
  }
  REQUIRE(before_close > 0);

  auto list = (*engine)->ReviewCampaigns();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 4);  // RC-16-1 .. RC-16-4, by id
  CHECK(list->at(0).at("campaign_id") == "RC-16-1");
  CHECK_FALSE(list->at(0).contains("files"));

  auto one = (*engine)->ReviewCampaign("RC-16-1");
  REQUIRE(one.ok());
  CHECK(one->at("state") == "closed");
  CHECK(one->at("reviewer_org") == "sx-justice");
  CHECK(one->at("average_total") == "82.50");
  CHECK(one->at("grades").at("excellent") == 1);
  CHECK(one->at("veto_findings").at("insufficient_evidence") == 1);
  const auto& files = one->at("files").as_array();
  REQUIRE(files.size() == 2);
  CHECK(files[0].at("case_id") == "SX-2024-R1601");
  CHECK(files[0].at("total") == 90);
  CHECK(files[0].at("reviewer") == "SX-OF-0202");
  CHECK(files[1].at("grade") == "unqualified");
  CHECK(files[1].at("handling_subject") == "gaosha");

  // The seeded draw: two distinct files of the three archived in April.
  auto drawn = (*engine)->ReviewCampaign("RC-16-2");
  REQUIRE(drawn.ok());
  const auto& sample = drawn->at("files").as_array();
  REQUIRE(sample.size() == 2);
  CHECK(sample[0].at("case_id") != sample[1].at("case_id"));
  CHECK(drawn->at("population") == 3);
  // 50 % of gaosha's three files, rounded up.
  CHECK((*engine)->ReviewCampaign("RC-16-3")->at("sampled") == 2);

  // As of the log before RC-16-1 closed: open, both files scored.
  auto then = (*engine)->ReviewCampaign("RC-16-1", AsOf{"", before_close});
  REQUIRE(then.ok());
  CHECK(then->at("state") == "open");
  CHECK(then->at("scored") == 2);
  CHECK((*engine)->ReviewCampaign("RC-16-9").status().code() == StatusCode::kNotFound);
  CHECK((*engine)->ReviewCampaign("RC-16-4", AsOf{"", 3}).status().code() ==
        StatusCode::kNotFound);
  CheckEventSchemas(**engine, "review/RC-16-1");
}

TEST_CASE("The same seed over the same files draws the same sample, the seed decides "
          "the draw",
          "[review]") {
  auto engine = zf::testing::BareEngine();
  LoadAll(*engine, kReference);
  std::vector<Command> commands = ScenarioCommands("16-review-campaign.jsonl");
  for (const Command& command : commands) REQUIRE(engine->Execute(command).ok());
  auto start = [&](const std::string& id, const std::string& seed) {
    auto parsed = CommandFromJson(boost::json::object{
        {"command", "start_review_campaign"},
        {"command_id", "draw-" + id},
        {"at", "2024-06-03T09:00:00+08:00"},
        {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
        {"campaign_id", id},
        {"data",
         {{"reviewer_org", "sx-justice"},
          {"period", {{"from", "2024-04-01"}, {"to", "2024-04-30"}}},
          {"sampling", {{"count", 1}, {"seed", seed}}}}}});
    REQUIRE(parsed.ok());
    auto result = engine->Execute(*parsed);
    REQUIRE(result.ok());
    REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
    return engine->ReviewCampaign(id)->at("files").as_array().at(0).at("case_id");
  };
  const auto a = start("RC-D-1", "alpha");
  CHECK(start("RC-D-2", "alpha") == a);
  // Over a handful of seeds each of the three files is drawn at least once:
  // the seed decides, not the order of the files.
  std::set<std::string> drawn;
  for (int i = 0; i < 24; ++i) {
    drawn.insert(std::string(start("RC-D-S" + std::to_string(i), std::to_string(i)).as_string()));
  }
  CHECK(drawn.size() == 3);
}

TEST_CASE("Concurrent recorded reads: each one recorded once, the chain intact", "[access]") {
  auto engine = zf::testing::BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  REQUIRE(engine->Execute(Clue("SX-A-3"))->outcome == CommandResult::Outcome::kApplied);
  REQUIRE(engine->Execute(Clue("SX-A-4"))->outcome == CommandResult::Outcome::kApplied);
  constexpr int kThreads = 6;
  constexpr int kReads = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string reader = fmt::format("SX-OF-00{:02}", 10 + t);
      for (int i = 0; i < kReads; ++i) {
        const std::string id = i % 2 == 0 ? "SX-A-3" : "SX-A-4";
        if (!engine->CaseView(id, AsOf{}, Reader(reader)).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures == 0);
  const auto three = Stream(*engine, "access/SX-A-3");
  const auto four = Stream(*engine, "access/SX-A-4");
  CHECK(three.size() + four.size() == kThreads * kReads);
  CHECK(three.size() == kThreads * 13);
  auto by_reader = engine->CaseAccesses(AccessQuery{"", "SX-OF-0012", "", ""});
  REQUIRE(by_reader.ok());
  CHECK(by_reader->size() == kReads);
  auto report = engine->store()->VerifyChain({});
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(engine->ListCases({})->size() == 2);
}

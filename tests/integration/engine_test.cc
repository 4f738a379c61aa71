// The engine pipeline on the rules/calendar reference stream: validation,
// decisions and rejections as values, idempotency, batches, reload.
#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include "io/command_json.h"
#include "support/test_support.h"
#include "zf/engine.h"
#include "zf/event_json.h"

using namespace zf;
using zf::testing::TempDir;

namespace {

Command CalendarCommand(std::string id, int year, std::vector<std::string> holidays,
                        std::vector<std::string> makeup, std::string at) {
  boost::json::array h, m;
  for (auto& d : holidays) h.emplace_back(d);
  for (auto& d : makeup) m.emplace_back(d);
  Command c;
  c.type = "publish_holiday_calendar";
  c.command_id = std::move(id);
  c.at = std::move(at);
  c.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice-bureau"};
  c.data = boost::json::object{{"year", year},
                               {"holidays", std::move(h)},
                               {"makeup_workdays", std::move(m)},
                               {"notice", "国办发明电〔2022〕16号"}};
  return c;
}

// The 2023 National Day block and its two make-up Saturdays/Sundays.
Command Calendar2023(std::string id = "cal-2023") {
  return CalendarCommand(std::move(id), 2023,
                         {"2023-09-29", "2023-09-30", "2023-10-01", "2023-10-02", "2023-10-03",
                          "2023-10-04", "2023-10-05", "2023-10-06"},
                         {"2023-10-07", "2023-10-08"}, "2022-12-08T16:00:00+08:00");
}

std::unique_ptr<Engine> MemoryEngine() {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  auto engine = Engine::Open(EngineOptions{}, std::shared_ptr<EventStore>(std::move(*store)));
  REQUIRE(engine.ok());
  return std::move(*engine);
}

}  // namespace

TEST_CASE("A command is decided and its events appended with its time and actor", "[engine]") {
  auto engine = MemoryEngine();
  auto result = engine->Execute(Calendar2023());
  REQUIRE(result.ok());
  REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
  CHECK(result->stream == "rules/calendar");
  CHECK(result->event_types == std::vector<std::string>{"holiday_calendar_published"});
  auto event = engine->store()->ReadEvent(result->append.first_position);
  REQUIRE(event.ok());
  CHECK(event->occurred_at == "2022-12-08T16:00:00+08:00");
  CHECK(event->actor.role == "list_admin");
  CHECK(event->command_id == "cal-2023");
  CHECK(event->data.at("year").as_int64() == 2023);

  auto calendar = engine->Calendar();
  REQUIRE(calendar.ok());
  auto due = AddWorkingDays(*calendar, Date{2023, 9, 27}, 5);  // scenario 7
  REQUIRE(due.ok());
  CHECK(*due == Date{2023, 10, 10});
}

TEST_CASE("A repeated command id is already applied and not judged again", "[engine][idempotency]") {
  auto engine = MemoryEngine();
  REQUIRE(engine->Execute(Calendar2023()).ok());
  auto again = engine->Execute(Calendar2023());
  REQUIRE(again.ok());
  CHECK(again->outcome == CommandResult::Outcome::kAlreadyApplied);
  CHECK(again->append.first_position == 1);
  CHECK(engine->store()->Ledger().position == 1);
}

TEST_CASE("The engine records each command beside its events, a retry with other data is refused",
          "[engine][idempotency]") {
  auto engine = MemoryEngine();
  const Command command = Calendar2023();
  REQUIRE(engine->Execute(command).ok());
  auto recorded = engine->store()->ReadCommand("cal-2023");
  REQUIRE(recorded.ok());
  // Canonical JSON of the envelope: it parses back into the same command.
  CHECK(recorded->command == internal::RecordedCommandText(command));
  auto json = boost::json::parse(recorded->command);
  auto parsed = CommandFromJson(json);
  REQUIRE(parsed.ok());
  CHECK(parsed->type == command.type);
  CHECK(parsed->actor == command.actor);
  CHECK(parsed->data == command.data);

  // Same id, time and actor, other data: not a retry.
  Command changed = command;
  changed.data.as_object()["notice"] = "另一个通知";
  auto refused = engine->Execute(changed);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kAlreadyExists);
  CHECK(refused.status().subject() == "/command_id");
  CHECK(engine->store()->Ledger().position == 1);
}

TEST_CASE("A command id repeated within one batch applies once, with other data it is refused",
          "[engine][idempotency]") {
  auto engine = MemoryEngine();
  Command changed = Calendar2023();
  changed.data.as_object()["notice"] = "另一个通知";
  const std::vector<Command> batch{Calendar2023(), Calendar2023(), changed};
  auto results = engine->ExecuteBatch(batch, BatchMode::kIndependent);
  REQUIRE(results.ok());
  REQUIRE(results->size() == 3);
  REQUIRE((*results)[0].ok());
  CHECK((*results)[0]->outcome == CommandResult::Outcome::kApplied);
  REQUIRE((*results)[1].ok());
  CHECK((*results)[1]->outcome == CommandResult::Outcome::kAlreadyApplied);
  CHECK((*results)[1]->append.first_position == (*results)[0]->append.first_position);
  REQUIRE_FALSE((*results)[2].ok());
  CHECK((*results)[2].status().code() == StatusCode::kAlreadyExists);
  CHECK(engine->store()->Ledger().position == 1);
}

TEST_CASE("Rules refuse a command with a code, a legal basis and a field", "[engine][rejection]") {
  auto engine = MemoryEngine();
  REQUIRE(engine->Execute(Calendar2023()).ok());

  SECTION("an identical re-publication changes nothing") {
    auto r = engine->Execute(Calendar2023("cal-2023-again"));
    REQUIRE(r.ok());
    REQUIRE(r->outcome == CommandResult::Outcome::kRejected);
    CHECK(r->rejection->code == "calendar_unchanged");
    CHECK_FALSE(r->rejection->legal_basis.empty());
  }
  SECTION("a make-up workday on a Wednesday is not an arrangement") {
    auto r = engine->Execute(CalendarCommand("cal-bad", 2023, {"2023-10-02"}, {"2023-10-11"},
                                             "2022-12-08T16:00:00+08:00"));
    REQUIRE(r.ok());
    REQUIRE(r->outcome == CommandResult::Outcome::kRejected);
    CHECK(r->rejection->code == "calendar_arrangement_invalid");
    CHECK(r->rejection->pointer == "/data");
  }
  SECTION("a revision is a new version that names the one it revises") {
    Command revised = Calendar2023("cal-2023-rev");
    revised.data.as_object()["makeup_workdays"] = boost::json::array{"2023-10-07"};
    auto r = engine->Execute(revised);
    REQUIRE(r.ok());
    REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
    CHECK(engine->store()->ReadEvent(2).value().data.at("revises_version").as_int64() == 1);
    auto calendar = engine->Calendar();
    CHECK_FALSE(calendar->IsWorkingDay(Date{2023, 10, 8}).value());
  }
  CHECK(engine->store()->Ledger().position <= 2);
}

TEST_CASE("Malformed commands are invalid, naming the field, and store nothing", "[engine][validation]") {
  auto engine = MemoryEngine();
  struct Case {
    std::string name;
    std::function<void(Command&)> spoil;
    StatusCode code;
    std::string subject;
  };
  const std::vector<Case> cases = {
      {"unknown type", [](Command& c) { c.type = "publish_everything"; }, StatusCode::kNotFound,
       "/command"},
      {"no offset", [](Command& c) { c.at = "2022-12-08T16:00:00"; }, StatusCode::kInvalidArgument,
       "/at"},
      {"bad id", [](Command& c) { c.command_id = "a b"; }, StatusCode::kInvalidArgument,
       "/command_id"},
      {"year missing", [](Command& c) { c.data.as_object().erase("year"); },
       StatusCode::kInvalidArgument, "/data/year"},
      {"year too small", [](Command& c) { c.data.as_object()["year"] = 1999; },
       StatusCode::kInvalidArgument, "/data/year"},
      {"unknown data field", [](Command& c) { c.data.as_object()["note"] = "x"; },
       StatusCode::kInvalidArgument, "/data/note"},
      {"date pattern",
       [](Command& c) { c.data.as_object()["holidays"].as_array()[0] = "2023/09/29"; },
       StatusCode::kInvalidArgument, "/data/holidays/0"},
      {"target on a singleton", [](Command& c) { c.target = "X"; },
       StatusCode::kInvalidArgument, "/target"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Command command = Calendar2023("cmd-" + std::to_string(&c - cases.data()));
    c.spoil(command);
    auto r = engine->Execute(command);
    REQUIRE(r.status().code() == c.code);
    CHECK(r.status().subject() == c.subject);
  }
  CHECK(engine->store()->Ledger().position == 0);
}

TEST_CASE("Commands parse from their JSON envelope", "[engine][json]") {
  auto parse = [](std::string_view text) { return CommandFromJson(ParseJson(text).value()); };
  auto ok = parse(R"({"command":"publish_holiday_calendar","command_id":"c1",
      "at":"2022-12-08T16:00:00+08:00","actor":{"id":"a","role":"list_admin","unit":"u"},
      "data":{"year":2023,"holidays":["2023-10-02"],"makeup_workdays":[],"notice":"n"}})");
  REQUIRE(ok.ok());
  CHECK(ok->type == "publish_holiday_calendar");
  CHECK(CommandToJson(*ok).at("command_id").as_string() == "c1");
  auto extra = parse(R"({"command":"publish_holiday_calendar","command_id":"c1","case_id":"X",
      "at":"2022-12-08T16:00:00+08:00","actor":{"id":"a","role":"r","unit":"u"},"data":{}})");
  CHECK(extra.status().subject() == "/case_id");
  auto no_actor_role = parse(R"({"command":"publish_holiday_calendar","command_id":"c1",
      "at":"2022-12-08T16:00:00+08:00","actor":{"id":"a","unit":"u"},"data":{}})");
  CHECK(no_actor_role.status().subject() == "/actor/role");
}

TEST_CASE("A batch is judged in order, stop-at-failure and atomic modes", "[engine][batch]") {
  auto engine = MemoryEngine();
  std::vector<Command> batch = {
      Calendar2023("b1"),
      Calendar2023("b2"),  // identical to b1, which it sees: rejected
      CalendarCommand("b3", 2024, {"2024-10-01"}, {}, "2023-10-25T16:00:00+08:00"),
  };
  SECTION("independent") {
    auto results = engine->ExecuteBatch(batch, BatchMode::kIndependent);
    REQUIRE(results.ok());
    REQUIRE(results->size() == 3);
    CHECK((*results)[1]->rejection->code == "calendar_unchanged");
    CHECK((*results)[2]->outcome == CommandResult::Outcome::kApplied);
    CHECK(engine->store()->Ledger().position == 2);
  }
  SECTION("stop at the first failure") {
    auto results = engine->ExecuteBatch(batch, BatchMode::kStopAtFirstFailure);
    REQUIRE(results->size() == 2);
    CHECK(engine->store()->Ledger().position == 1);
  }
  SECTION("atomic") {
    auto results = engine->ExecuteBatch(batch, BatchMode::kAtomic);
    REQUIRE(results->size() == 2);
    CHECK(engine->store()->Ledger().position == 0);
    CHECK_FALSE(engine->Calendar()->HasYear(2023));
  }
}

TEST_CASE("Reopening the engine folds the reference streams again", "[engine][rocksdb]") {
  TempDir dir;
  {
    auto engine = Engine::Open(EngineOptions{}, dir.Sub("db"));
    REQUIRE(engine.ok());
    REQUIRE((*engine)->Execute(Calendar2023()).ok());
  }
  auto engine = Engine::Open(EngineOptions{}, dir.Sub("db"));
  REQUIRE(engine.ok());
  CHECK((*engine)->Calendar()->HasYear(2023));
  auto again = (*engine)->Execute(Calendar2023("cal-2023-b"));
  REQUIRE(again.ok());
  CHECK(again->rejection->code == "calendar_unchanged");
}

TEST_CASE("A read-only engine opens beside the engine that holds the store and writes nothing",
          "[engine][rocksdb][read_only]") {
  TempDir dir;
  auto writer = Engine::Open(EngineOptions{}, dir.Sub("db"));
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Execute(Calendar2023()).ok());
  EngineOptions options;
  options.store.read_only = true;
  const Command calendar_2024 = CalendarCommand("cal-2024", 2024, {"2024-10-01"}, {},
                                                "2023-11-10T16:00:00+08:00");
  {
    auto reader = Engine::Open(options, dir.Sub("db"));
    REQUIRE(reader.ok());
    CHECK((*reader)->store()->read_only());
    CHECK((*reader)->Calendar()->HasYear(2023));
    CHECK((*reader)->store()->Ledger().position == (*writer)->store()->Ledger().position);
    // A command that would apply is refused, and nothing is written.
    auto refused = (*reader)->Execute(calendar_2024);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == StatusCode::kFailedPrecondition);
    CHECK_FALSE((*reader)->Calendar()->HasYear(2024));
  }
  auto applied = (*writer)->Execute(calendar_2024);
  REQUIRE(applied.ok());
  CHECK(applied->outcome == CommandResult::Outcome::kApplied);

  // Without the writer (whose background work changes files), opening and
  // reading through a read-only engine leaves every file as it was.
  writer->reset();
  auto files = [&] {
    std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> out;
    for (const auto& e : std::filesystem::directory_iterator(dir.Sub("db"))) {
      if (e.is_regular_file()) out[e.path().string()] = {e.file_size(), e.last_write_time()};
    }
    return out;
  };
  const auto before = files();
  {
    auto reader = Engine::Open(options, dir.Sub("db"));
    REQUIRE(reader.ok());
    CHECK((*reader)->Calendar()->HasYear(2024));
    auto report = (*reader)->ReplayProjections(/*repair=*/false);
    REQUIRE(report.ok());
  }
  CHECK(files() == before);
}

TEST_CASE("The bundled 2022-2025 calendars load and answer the scenarios' dates", "[engine][sample]") {
  auto engine = MemoryEngine();
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/01-calendar.jsonl");
  REQUIRE(in);
  std::vector<Command> commands;
  for (std::string line; std::getline(in, line);) {
    auto command = CommandFromJson(ParseJson(line).value());
    REQUIRE(command.ok());
    commands.push_back(*command);
  }
  REQUIRE(commands.size() == 4);
  auto results = engine->ExecuteBatch(commands, BatchMode::kAtomic);
  REQUIRE(results.ok());
  for (const auto& r : *results) CHECK(r->outcome == CommandResult::Outcome::kApplied);
  auto cal = engine->Calendar().value();
  for (int year : {2022, 2023, 2024, 2025}) CHECK(cal.HasYear(year));
  CHECK(AddWorkingDays(cal, Date{2023, 9, 27}, 5).value() == Date{2023, 10, 10});  // scenario 7
  CHECK(WorkingDaysStrictlyBetween(cal, Date{2023, 10, 11}, Date{2023, 10, 20}).value() == 6);
  CHECK(WorkingDaysStrictlyBetween(cal, Date{2023, 10, 11}, Date{2023, 10, 23}).value() == 7);
  CHECK(cal.IsWorkingDay(Date{2024, 2, 18}).value());   // make-up Sunday
  CHECK_FALSE(cal.IsWorkingDay(Date{2025, 10, 8}).value());  // 2025 National Day
  CHECK(cal.IsWorkingDay(Date{2022, 10, 9}).value());
}

TEST_CASE("Every schema compiles and every command type has one", "[engine][schema]") {
  Status s = internal::CheckSchemas();
  INFO(s.ToString());
  CHECK(s.ok());
}

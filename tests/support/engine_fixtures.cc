#include "support/engine_fixtures.h"

#include <fstream>

#include <catch2/catch.hpp>

#include "io/schema_validator.h"

namespace zf::testing {

std::vector<Command> SampleCommands(const std::string& name) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/" + name);
  REQUIRE(in.good());
  std::vector<Command> commands;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto command = CommandFromJson(boost::json::parse(line));
    INFO(name << ": " << line.substr(0, 120) << " " << command.status().ToString());
    REQUIRE(command.ok());
    commands.push_back(*command);
  }
  return commands;
}

std::unique_ptr<Engine> BareEngine(EngineOptions options) {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  auto engine = Engine::Open(options, std::shared_ptr<EventStore>(std::move(*store)));
  REQUIRE(engine.ok());
  return std::move(*engine);
}


internal::RuleBook Fold(Engine& engine) {
  internal::RuleBook rules;
  for (std::string_view stream : zf::internal::kReferenceStreams) {
    auto cursor = engine.store()->ReadStream(stream, 1, Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) REQUIRE(rules.Apply(cursor->event()).ok());
    REQUIRE(cursor->status().ok());
  }
  return rules;
}


Result<Command> ParseCommand(std::string type, std::string id, std::string at,
                             boost::json::object data) {
  boost::json::object envelope{
      {"command", type},
      {"command_id", id},
      {"at", at},
      {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
      {"data", std::move(data)}};
  return CommandFromJson(envelope);
}

Command MakeCommand(std::string type, std::string id, std::string at, boost::json::object data) {
  auto command = ParseCommand(std::move(type), std::move(id), std::move(at), std::move(data));
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  return *command;
}

Command GaoshaCommand(std::string type, std::string id, std::string at, std::string case_id,
                      boost::json::object data) {
  auto command = CommandFromJson(boost::json::object{
      {"command", std::move(type)},
      {"command_id", std::move(id)},
      {"at", std::move(at)},
      {"actor", {{"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
      {"case_id", std::move(case_id)},
      {"data", std::move(data)}});
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  return *command;
}

Command GaoshaClue(const std::string& case_id, const std::string& command_id) {
  return GaoshaCommand("register_clue", command_id, "2023-09-12T10:00:00+08:00", case_id,
                       {{"source", "inspection"},
                        {"township", "gaosha"},
                        {"item_code", "SAFE-017"},
                        {"description", "焊工未建立特种作业人员档案"},
                        {"discovered_on", "2023-09-11"}});
}

Command FenggangClue(const std::string& case_id, const std::string& command_id,
                     const std::string& at) {
  Command command;
  command.type = "register_clue";
  command.command_id = command_id;
  command.at = at;
  command.actor = Actor{"SX-OF-0094", "enforcement_officer", "fenggang"};
  command.target = case_id;
  command.data = {{"source", "grid_report"},
                  {"micro_grid", "MG-0457"},
                  {"description", "路边倾倒建筑垃圾"},
                  {"discovered_on", "2023-09-12"}};
  return command;
}

void LoadAll(Engine& engine, const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    auto commands = SampleCommands(file);
    auto results = engine.ExecuteBatch(commands, BatchMode::kAtomic);
    REQUIRE(results.ok());
    REQUIRE(results->size() == commands.size());
    for (std::size_t i = 0; i < results->size(); ++i) {
      INFO(file << " line " << i + 1);
      REQUIRE((*results)[i].ok());
      if ((*results)[i]->rejection) {
        INFO((*results)[i]->rejection->code << " " << (*results)[i]->rejection->message);
        CHECK(false);
      }
      REQUIRE((*results)[i]->outcome == CommandResult::Outcome::kApplied);
    }
  }
}


void CheckEventSchemas(Engine& engine, std::string_view stream) {
  auto cursor = engine.store()->ReadStream(stream, 1, Direction::kForward);
  int checked = 0;
  for (; cursor->Valid(); cursor->Next()) {
    const EventRecord& event = cursor->event();
    auto validator = zf::internal::SchemaValidator::Load(std::string(ZF_SOURCE_DIR) +
                                                         "/schemas/events/" + event.type +
                                                         ".schema.json");
    REQUIRE(validator.ok());
    const Status s = (*validator)->Validate(event.data);
    INFO(event.type << " v" << event.version << ": " << s.ToString());
    CHECK(s.ok());
    ++checked;
  }
  REQUIRE(cursor->status().ok());
  CHECK(checked > 0);
}

const std::vector<std::string> kSampleReferenceFiles = {
    "01-calendar.jsonl", "02-org.jsonl",        "03-powers.jsonl",
    "04-leniency.jsonl", "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl"};

std::vector<ScenarioStep> ReadScenario(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<ScenarioStep> steps;
  boost::json::object defaults;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    INFO(path << " line " << line);
    boost::json::object o = boost::json::parse(text).as_object();
    if (o.contains("comment")) continue;
    if (auto* d = o.if_contains("defaults")) {
      defaults = d->as_object();
      continue;
    }
    ScenarioStep step;
    step.line = line;
    if (auto* e = o.if_contains("expect")) {
      step.expect = e->as_object();
      o.erase("expect");
    }
    for (const auto& [key, value] : defaults) {
      if (!o.contains(key)) o[key] = value;
    }
    step.envelope = std::move(o);
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace zf::testing

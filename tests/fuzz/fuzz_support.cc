#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "zf/event_json.h"
#include "zf/event_store.h"

namespace zf::fuzz {

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "zf fuzz oracle failed: %s\n", what);
  std::abort();
}

std::string SamplePath(const std::string& name) {
  return std::string(ZF_SOURCE_DIR) + "/examples/shaxian/" + name;
}

std::vector<Command> SampleCommands(const std::string& name, std::size_t limit) {
  std::ifstream in(SamplePath(name));
  Check(in.is_open(), "sample file opens");
  std::vector<Command> commands;
  std::string line;
  while (commands.size() < limit && std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto json = ParseJson(line);
    Check(json.ok(), "sample line is JSON");
    auto command = CommandFromJson(*json);
    Check(command.ok(), "sample line is a command");
    commands.push_back(std::move(*command));
  }
  return commands;
}

std::unique_ptr<Engine> SampleEngine(std::size_t case_lines) {
  auto store = NewMemoryEventStore();
  Check(store.ok(), "memory store");
  auto engine = Engine::Open(EngineOptions{}, std::shared_ptr<EventStore>(std::move(*store)));
  Check(engine.ok(), "engine opens");
  const char* files[] = {"01-calendar.jsonl",  "02-org.jsonl",       "03-powers.jsonl",
                         "04-leniency.jsonl",  "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl",
                         "07-cases-2022.jsonl", "08-cases-2023.jsonl"};
  for (const char* file : files) {
    const bool cases = std::string(file) == "08-cases-2023.jsonl";
    if (cases && case_lines == 0) break;
    std::vector<Command> commands =
        SampleCommands(file, cases ? case_lines : static_cast<std::size_t>(-1));
    auto results = (*engine)->ExecuteBatch(commands, BatchMode::kAtomic);
    if (!results.ok()) std::fprintf(stderr, "%s: %s\n", file, results.status().ToString().c_str());
    Check(results.ok(), "sample batch runs");
    for (const auto& r : *results) {
      if (!r.ok()) std::fprintf(stderr, "%s: %s\n", file, r.status().ToString().c_str());
      if (r.ok() && r->rejection) {
        std::fprintf(stderr, "%s: %s %s\n", file, r->rejection->code.c_str(),
                     r->rejection->message.c_str());
      }
      Check(r.ok() && r->outcome == CommandResult::Outcome::kApplied, "sample command applies");
    }
    Check(results->size() == commands.size(), "every sample command applies");
  }
  return std::move(*engine);
}

}  // namespace zf::fuzz

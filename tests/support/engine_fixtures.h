// Engine fixtures shared by the reference-data tests.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "rules/rule_book.h"
#include "zf/engine.h"

namespace zf::testing {

// An engine over a fresh memory store.
std::unique_ptr<Engine> BareEngine(EngineOptions options = {});

// The reference data as the engine folds it on open.
internal::RuleBook Fold(Engine& engine);

// A command by the list administrator (SX-ADMIN-01, sx-justice); REQUIREs
// that it parses.
Command MakeCommand(std::string type, std::string id, std::string at, boost::json::object data);
// The same envelope through CommandFromJson, for a test of invalid input.
Result<Command> ParseCommand(std::string type, std::string id, std::string at,
                             boost::json::object data);

// A command by enforcement officer SX-OF-0103 of 高砂镇 on case `case_id`;
// REQUIREs that it parses.
Command GaoshaCommand(std::string type, std::string id, std::string at, std::string case_id,
                      boost::json::object data);

// register_clue of SAFE-017 (a welder without special-operation files) in
// 高砂镇, recorded 2023-09-12 10:00, discovered 2023-09-11.
Command GaoshaClue(const std::string& case_id, const std::string& command_id);

// register_clue of construction waste dumped by the road (micro-grid
// MG-0457) in 凤岗街道 by SX-OF-0094, discovered 2023-09-12. Built as a
// struct, not parsed, so a test may give it an actor the parser refuses.
Command FenggangClue(const std::string& case_id, const std::string& command_id,
                     const std::string& at = "2023-09-12T10:00:00+08:00");

// The commands of examples/shaxian/<name>.
std::vector<Command> SampleCommands(const std::string& name);

// Applies each sample file atomically, REQUIREing every command to apply.
void LoadAll(Engine& engine, const std::vector<std::string>& files);

// The sample's reference data (examples/shaxian/01..06), for LoadAll.
extern const std::vector<std::string> kSampleReferenceFiles;

// One command line of a scenario file (tests/scenarios/*.jsonl): its
// envelope, with the file's "defaults" applied, and what it expects.
struct ScenarioStep {
  std::size_t line = 0;  // in the file, from 1
  boost::json::object envelope;
  boost::json::object expect;
};

// The command lines of a scenario file, skipping blank lines, "comment"
// lines and "defaults" lines (which apply to the lines after them).
std::vector<ScenarioStep> ReadScenario(const std::string& path);

// Every event recorded on `stream` satisfies schemas/events/<type>.schema.json.
void CheckEventSchemas(Engine& engine, std::string_view stream);

}  // namespace zf::testing

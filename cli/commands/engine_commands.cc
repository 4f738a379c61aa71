// Commands through the engine: import a JSONL file of commands, execute one,
// and the legal clock.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "zf/calendar.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

constexpr std::size_t kCommandsPerBatch = 256;

// Prints a rejection the way people read it; returns exit code 4.
int ReportRejection(const GlobalOptions& global, const zf::Rejection& r, std::string_view where) {
  std::string line = fmt::format("{}{}: {} [{}]", where.empty() ? "" : std::string(where) + ": ",
                                 Label(global, "rejected"), r.message, r.code);
  if (!r.legal_basis.empty()) line += fmt::format(" {}: {}", Label(global, "legal_basis"), r.legal_basis);
  if (!r.pointer.empty()) line += fmt::format(" {}={}", Label(global, "field"), r.pointer);
  std::cerr << line << '\n';
  return kExitRejected;
}

struct ImportTally {
  std::size_t applied = 0;
  std::size_t already_applied = 0;
  std::size_t rejected = 0;
  std::map<std::string, std::size_t> by_code;
};

// Runs one batch; stops at the first failure. Returns the exit code.
int RunBatch(const GlobalOptions& global, zf::Engine* engine, std::vector<zf::Command>* batch,
             std::vector<std::size_t>* lines, ImportTally* tally) {
  if (batch->empty()) return kExitOk;
  auto results = engine->ExecuteBatch(*batch, zf::BatchMode::kStopAtFirstFailure);
  if (!results.ok()) return ReportError(global, results.status());
  int exit_code = kExitOk;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const std::string where = fmt::format("{} {}", Label(global, "line"), (*lines)[i]);
    const auto& r = (*results)[i];
    if (!r.ok()) {
      exit_code = ReportError(global, r.status(), where);
      break;
    }
    switch (r->outcome) {
      case zf::CommandResult::Outcome::kApplied: ++tally->applied; break;
      case zf::CommandResult::Outcome::kAlreadyApplied: ++tally->already_applied; break;
      case zf::CommandResult::Outcome::kRejected:
        ++tally->rejected;
        ++tally->by_code[r->rejection->code];
        exit_code = ReportRejection(global, *r->rejection, where);
        break;
    }
  }
  batch->clear();
  lines->clear();
  return exit_code;
}

int RunImport(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("import");
  options.add_options()("file", po::value<std::string>()->default_value("-"),
                        "JSONL file of commands, - for stdin");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  auto engine = OpenEngine(global, /*create=*/true, &exit_code);
  if (!engine) return exit_code;
  ImportTally tally;
  auto parse = [](const std::string& line) -> zf::Result<zf::Command> {
    auto json = zf::ParseJson(line);
    if (!json.ok()) return json.status();
    return zf::CommandFromJson(*json);
  };
  exit_code = ForEachJsonlBatch<zf::Command>(
      global, vm["file"].as<std::string>(), kCommandsPerBatch, parse,
      [&](std::vector<zf::Command>* batch, std::vector<std::size_t>* lines) {
        return RunBatch(global, engine.get(), batch, lines, &tally);
      });

  if (global.json) {
    boost::json::object codes;
    for (const auto& [code, n] : tally.by_code) codes[code] = n;
    std::cout << boost::json::serialize(boost::json::object{
                     {"applied", tally.applied},
                     {"already_applied", tally.already_applied},
                     {"rejected", tally.rejected},
                     {"rejected_by_code", std::move(codes)},
                     {"ok", exit_code == kExitOk}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}  {}: {}\n", Label(global, "applied"), tally.applied,
                             Label(global, "already_applied"), tally.already_applied,
                             Label(global, "rejected"), tally.rejected);
  }
  return exit_code;
}

int RunExec(const GlobalOptions& defaults, const std::vector<std::string>& args,
            const Command& self) {
  po::options_description options("exec");
  options.add_options()("command", po::value<std::string>()->default_value("-"),
                        "the command as JSON text, - to read it from stdin");
  po::positional_options_description positional;
  positional.add("command", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  std::string text = vm["command"].as<std::string>();
  if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), {});
  auto json = zf::ParseJson(text);
  if (!json.ok()) return ReportError(global, json.status());
  auto command = zf::CommandFromJson(*json);
  if (!command.ok()) return ReportError(global, command.status());
  auto engine = OpenEngine(global, /*create=*/true, &exit_code);
  if (!engine) return exit_code;
  auto result = engine->Execute(*command);
  if (!result.ok()) return ReportError(global, result.status());
  if (global.json) {
    std::cout << boost::json::serialize(zf::CommandResultToJson(*result)) << '\n';
  } else if (result->outcome != zf::CommandResult::Outcome::kRejected) {
    std::cout << fmt::format("{}: {} {} {}..{}\n",
                             Label(global, std::string(zf::OutcomeName(result->outcome))),
                             result->stream, Label(global, "position"),
                             result->append.first_position, result->append.last_position);
  }
  if (result->outcome == zf::CommandResult::Outcome::kRejected) {
    return ReportRejection(global, *result->rejection, "");
  }
  return kExitOk;
}

zf::Result<zf::Date> ParseDateOption(const po::variables_map& vm, const char* name) {
  auto date = zf::Date::Parse(vm[name].as<std::string>());
  if (!date.ok()) {
    return zf::InvalidArgumentError(fmt::format("--{}: {}", name, date.status().message()))
        .WithSubject(fmt::format("--{}", name));
  }
  return date;
}

int RunCalendarDue(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("calendar due");
  options.add_options()
      ("from", po::value<std::string>()->required(), "trigger date YYYY-MM-DD (not counted)")
      ("working-days", po::value<int>(), "N working days (APL art. 85)")
      ("days", po::value<int>(), "N calendar days")
      ("months", po::value<int>(), "N months")
      ("years", po::value<int>(), "N years")
      ("bearer", po::value<std::string>()->default_value("party"),
       "who must meet it: party | agency (rest-day rule, spec §0.2)")
      ("as-of", po::value<std::string>(),
       "use the holiday arrangements published by then (DATE or RFC 3339); default: all");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::PeriodSpec period;
  int units = 0;
  for (auto [name, unit] : {std::pair{"working-days", zf::PeriodUnit::kWorkingDays},
                            {"days", zf::PeriodUnit::kCalendarDays},
                            {"months", zf::PeriodUnit::kMonths},
                            {"years", zf::PeriodUnit::kYears}}) {
    if (!vm.count(name)) continue;
    ++units;
    period.unit = unit;
    period.amount = vm[name].as<int>();
  }
  const std::string bearer = vm["bearer"].as<std::string>();
  if (units != 1 || (bearer != "party" && bearer != "agency")) {
    std::cerr << "zfcli calendar due: give exactly one of --working-days, --days, --months, "
                 "--years; --bearer is party or agency\n";
    return kExitUsage;
  }
  period.bearer = bearer == "party" ? zf::DeadlineBearer::kParty : zf::DeadlineBearer::kAgency;
  auto from = ParseDateOption(vm, "from");
  if (!from.ok()) return ReportError(global, from.status());
  auto engine = OpenEngine(global, /*create=*/false, &exit_code);
  if (!engine) return exit_code;
  auto calendar = vm.count("as-of") ? engine->CalendarAsOf(vm["as-of"].as<std::string>())
                                    : engine->Calendar();
  if (!calendar.ok()) return ReportError(global, calendar.status());
  auto due = zf::DueDate(*calendar, *from, period, zf::ClockOptions{});
  if (!due.ok()) return ReportError(global, due.status());
  if (global.json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"from", from->ToString()}, {"due", due->ToString()}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}\n", Label(global, "due"), due->ToString());
  }
  return kExitOk;
}

const Registrar kImport(MakeCommand<RunImport>("import", "run a JSONL file of commands through the engine",
                                        "导入命令文件 (JSONL)", "[FILE|-]"));
const Registrar kExec(MakeCommand<RunExec>("exec", "run one command (JSON)", "执行一条命令 (JSON)",
                                    "[JSON|-]"));
const Registrar kCalendarDue(MakeCommand<RunCalendarDue>(
    "calendar due", "the due date of a period under the recorded holiday calendar",
    "按节假日安排计算期限届满日",
    "--from DATE (--working-days N | --days N | --months N | --years N) [--bearer party|agency] "
    "[--as-of T]"));

}  // namespace
}  // namespace zfcli

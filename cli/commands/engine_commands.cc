// Commands through the engine: import a JSONL file of commands, execute one,
// and the legal clock.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "command_reader.h"
#include "zf/calendar.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

constexpr std::size_t kCommandsPerBatch = 256;
// Lines the reader prepares ahead of the engine: enough to keep the other
// core busy through a batch's write, few enough to bound memory (~10 MB).
constexpr std::size_t kReadAheadLines = 4096;

// Closes a file descriptor at the end of a scope (-1: none).
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

struct ImportTally {
  std::size_t applied = 0;
  std::size_t already_applied = 0;
  std::size_t rejected = 0;
  std::size_t invalid = 0;  // lines that are not a valid command
  std::map<std::string, std::size_t> by_code;
  int first_failure = kExitOk;  // exit code of the first bad line

  void Fail(int exit_code) {
    if (first_failure == kExitOk) first_failure = exit_code;
  }
};

struct ImportSettings {
  bool dry_run = false;
  bool keep_going = false;
  bool atomic = false;
};

// Counts the lines of a regular file (for the progress bar); 0 when unknown.
std::size_t CountLines(const std::string& file) {
  if (file == "-" || !std::filesystem::is_regular_file(file)) return 0;
  std::ifstream in(file, std::ios::binary);
  std::size_t lines = 0;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    lines += static_cast<std::size_t>(std::count(buffer, buffer + in.gcount(), '\n'));
  }
  return lines;
}

// done/total lines, rate and ETA on stderr, redrawn at most 5 times a
// second; only when stderr is a terminal, so logs and pipes stay clean.
class ProgressBar {
 public:
  ProgressBar(const GlobalOptions& global, std::size_t total)
      : global_(global), total_(total), enabled_(isatty(fileno(stderr)) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void Update(std::size_t done, bool final = false) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    std::string line = fmt::format("\r{} {}", Label(global_, "line"), done);
    if (total_ > 0) {
      const double share = static_cast<double>(done) / static_cast<double>(total_);
      const int filled = static_cast<int>(share * 30);
      line += fmt::format("/{} [{}{}] {:5.1f}%", total_, std::string(filled, '#'),
                          std::string(30 - filled, '.'), share * 100);
      if (rate > 0 && done < total_) {
        line += fmt::format("  {} {:.0f}s", Label(global_, "eta"), (total_ - done) / rate);
      }
    }
    line += fmt::format("  {:.0f} {}   ", rate, Label(global_, "lines_per_second"));
    std::cerr << line << (final ? "\n" : "") << std::flush;
  }

 private:
  const GlobalOptions& global_;
  const std::size_t total_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

// Runs one batch through the engine (or the dry run) and tallies it.
// Returns false when the import must stop.
bool RunBatch(const GlobalOptions& global, zf::Engine* engine, zf::DryRun* dry_run,
              const ImportSettings& settings, std::vector<zf::Command>* batch,
              std::vector<std::size_t>* lines, ImportTally* tally) {
  if (batch->empty()) return true;
  const zf::BatchMode mode = settings.atomic       ? zf::BatchMode::kAtomic
                             : settings.keep_going ? zf::BatchMode::kIndependent
                                                   : zf::BatchMode::kStopAtFirstFailure;
  auto results = dry_run != nullptr ? dry_run->ExecuteBatch(*batch, mode)
                                    : engine->ExecuteBatch(*batch, mode);
  if (!results.ok()) {
    tally->Fail(ReportError(global, results.status()));
    return false;
  }
  bool failed = false;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const std::string where = fmt::format("{} {}", Label(global, "line"), (*lines)[i]);
    const auto& r = (*results)[i];
    if (!r.ok()) {
      ++tally->invalid;
      tally->Fail(ReportError(global, r.status(), where));
      failed = true;
      continue;
    }
    switch (r->outcome) {
      case zf::CommandResult::Outcome::kApplied: ++tally->applied; break;
      case zf::CommandResult::Outcome::kAlreadyApplied: ++tally->already_applied; break;
      case zf::CommandResult::Outcome::kRejected:
        ++tally->rejected;
        ++tally->by_code[r->rejection->code];
        tally->Fail(ReportRejection(global, *r->rejection, where));
        failed = true;
        break;
    }
  }
  // In an atomic batch that failed nothing was applied.
  if (failed && settings.atomic) tally->applied = 0;
  batch->clear();
  lines->clear();
  return !failed || settings.keep_going;
}

void PrintImportSummary(const GlobalOptions& global, const ImportSettings& settings,
                        const ImportTally& tally) {
  if (global.json) {
    boost::json::object codes;
    for (const auto& [code, n] : tally.by_code) codes[code] = n;
    std::cout << boost::json::serialize(boost::json::object{
                     {"applied", tally.applied},
                     {"already_applied", tally.already_applied},
                     {"rejected", tally.rejected},
                     {"invalid", tally.invalid},
                     {"rejected_by_code", std::move(codes)},
                     {"dry_run", settings.dry_run},
                     {"ok", tally.first_failure == kExitOk}})
              << '\n';
    return;
  }
  std::cout << fmt::format("{}{}: {}  {}: {}  {}: {}  {}: {}\n",
                           settings.dry_run ? std::string(Label(global, "dry_run")) + " " : "",
                           Label(global, "applied"), tally.applied,
                           Label(global, "already_applied"), tally.already_applied,
                           Label(global, "rejected"), tally.rejected, Label(global, "invalid"),
                           tally.invalid);
  for (const auto& [code, n] : tally.by_code) std::cout << fmt::format("  {}: {}\n", code, n);
}

int RunImport(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("import");
  options.add_options()
      ("file", po::value<std::string>()->default_value("-"), "JSONL file of commands, - for stdin")
      ("dry-run", po::bool_switch(), "validate and decide every command, write nothing")
      ("keep-going", po::bool_switch(), "report every bad line and apply the good ones")
      ("atomic", po::bool_switch(), "all or nothing: one write for the whole file (held in memory)")
      ("read-ahead", po::value<std::size_t>()->default_value(kReadAheadLines),
       "lines parsed and checked ahead on another thread (0: none)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  ImportSettings settings{vm["dry-run"].as<bool>(), vm["keep-going"].as<bool>(),
                          vm["atomic"].as<bool>()};
  if (settings.keep_going && settings.atomic) {
    std::cerr << "zfcli import: --keep-going and --atomic exclude each other\n";
    return kExitUsage;
  }
  const std::string file = vm["file"].as<std::string>();
  // Read with read(2), not std::cin: std::cin, synchronised with stdio,
  // reads a character per call (an eighth of a large import's time).
  int fd = STDIN_FILENO;
  if (file != "-") {
    fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ReportError(global, zf::NotFoundError("cannot read '" + file + "'"));
  }
  const FdCloser closer{file != "-" ? fd : -1};
  auto engine = OpenEngine(global, settings.dry_run ? StoreAccess::kRead : StoreAccess::kCreate,
                           &exit_code);
  if (!engine) return exit_code;
  std::unique_ptr<zf::DryRun> dry_run = settings.dry_run ? engine->StartDryRun() : nullptr;

  ImportTally tally;
  ProgressBar progress(global, CountLines(file));
  std::vector<zf::Command> batch;
  std::vector<std::size_t> lines;
  bool go_on = true;
  // Lines are parsed and checked ahead on another thread while the engine
  // judges and writes; they come out in order, so nothing below changes.
  CommandReader reader(fd, vm["read-ahead"].as<std::size_t>());
  while (go_on) {
    std::optional<CommandReader::Line> next = reader.Next();
    if (!next) break;
    const std::size_t line_no = next->number;
    progress.Update(line_no);
    zf::Result<zf::Command>& command = next->command;
    if (!command.ok()) {
      ++tally.invalid;
      tally.Fail(ReportError(global, command.status(),
                             fmt::format("{} {}", Label(global, "line"), line_no)));
      if (settings.keep_going) continue;
      // Without --keep-going the lines before the bad one still apply
      // (unless --atomic, where nothing does).
      if (!settings.atomic) RunBatch(global, engine.get(), dry_run.get(), settings, &batch, &lines, &tally);
      go_on = false;
      break;
    }
    batch.push_back(std::move(*command));
    lines.push_back(line_no);
    if (!settings.atomic && batch.size() >= kCommandsPerBatch) {
      go_on = RunBatch(global, engine.get(), dry_run.get(), settings, &batch, &lines, &tally);
    }
  }
  const std::size_t line_no = reader.lines();
  if (go_on) RunBatch(global, engine.get(), dry_run.get(), settings, &batch, &lines, &tally);
  progress.Update(line_no, /*final=*/true);
  PrintImportSummary(global, settings, tally);
  return tally.first_failure;
}

int RunReplay(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("replay");
  options.add_options()("verify", po::bool_switch(),
                        "compare only: exit 6 when a stored row differs from the rebuilt one");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  const bool verify = vm["verify"].as<bool>();
  auto engine = OpenEngine(global, verify ? StoreAccess::kRead : StoreAccess::kWrite, &exit_code);
  if (!engine) return exit_code;
  auto report = engine->ReplayProjections(/*repair=*/!verify);
  if (!report.ok()) return ReportError(global, report.status());
  auto keys = [](const std::vector<std::string>& list) {
    boost::json::array out;
    for (const std::string& k : list) out.emplace_back(k);
    return out;
  };
  if (global.json) {
    std::cout << boost::json::serialize(boost::json::object{{"rows", report->rows},
                                                            {"index_rows", report->index_rows},
                                                            {"missing", keys(report->missing)},
                                                            {"extra", keys(report->extra)},
                                                            {"different", keys(report->different)},
                                                            {"repaired", report->repaired},
                                                            {"ok", report->ok()}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}  {}: {}  {}: {}  {}: {}{}\n", Label(global, "rows"),
                             report->rows, Label(global, "index_rows"), report->index_rows,
                             Label(global, "missing"), report->missing.size(),
                             Label(global, "extra"), report->extra.size(),
                             Label(global, "different"), report->different.size(),
                             report->repaired ? fmt::format("  ({})", Label(global, "repaired"))
                                              : "");
    for (const auto* list : {&report->missing, &report->extra, &report->different}) {
      for (const std::string& key : *list) std::cout << "  " << key << '\n';
    }
  }
  return verify && !report->ok() ? kExitFindings : kExitOk;
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
  auto engine = OpenEngine(global, StoreAccess::kCreate, &exit_code);
  if (!engine) return exit_code;
  auto result = engine->Execute(*command);
  if (!result.ok()) return ReportError(global, result.status());
  return PrintCommandResult(global, *result);
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
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
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
                                        "导入命令文件 (JSONL)",
                                        "[FILE|-] [--dry-run] [--keep-going | --atomic] [--read-ahead N]"));
const Registrar kReplay(MakeCommand<RunReplay>(
    "replay", "rebuild the inline projections from the events (--verify: compare only)",
    "由事件重建读模型（--verify 仅比对）", "[--verify]"));
const Registrar kExec(MakeCommand<RunExec>("exec", "run one command (JSON)", "执行一条命令 (JSON)",
                                    "[JSON|-]"));
const Registrar kCalendarDue(MakeCommand<RunCalendarDue>(
    "calendar due", "the due date of a period under the recorded holiday calendar",
    "按节假日安排计算期限届满日",
    "--from DATE (--working-days N | --days N | --months N | --years N) [--bearer party|agency] "
    "[--as-of T]"));

}  // namespace
}  // namespace zfcli

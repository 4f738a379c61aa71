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
#include <deque>
#include <map>
#include <span>
#include <unordered_map>

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

// How an import's lines are reported is defined by batches of this many
// commands (see Importer).
constexpr std::size_t kCommandsPerBatch = 256;
// Batches given to the engine at once by default (--commit-every): one
// group, one write, one sync.
constexpr std::size_t kBatchesPerWrite = 16;
constexpr std::size_t kMaxCommitEvery = std::size_t{1} << 20;
// Lines the reader prepares ahead of the engine: enough to keep the other
// core busy through a batch's write, few enough to bound memory (~10 MB).
constexpr std::size_t kReadAheadLines = 2 * kCommandsPerBatch * kBatchesPerWrite;

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
  // Commands per write (a multiple of kCommandsPerBatch): what a crash can
  // cost at most, and what the import holds in memory.
  std::size_t commit_every = kCommandsPerBatch * kBatchesPerWrite;
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

// Whether an import shows its progress: --progress, --no-progress, else
// only when stderr is a terminal, so logs and pipes stay clean.
enum class ProgressMode { kAuto, kOn, kOff };

// done/total lines, rate and ETA on stderr. On a terminal one line redrawn
// at most 5 times a second; elsewhere (--progress into a log) a new line
// at most once a second, so the log stays readable.
class ProgressBar {
 public:
  // Counts the file's lines only when there is a bar to show them in.
  ProgressBar(const GlobalOptions& global, const std::string& file, ProgressMode mode)
      : global_(global),
        terminal_(isatty(fileno(stderr)) != 0),
        enabled_(mode == ProgressMode::kOn || (mode == ProgressMode::kAuto && terminal_)),
        total_(enabled_ ? CountLines(file) : 0),
        start_(std::chrono::steady_clock::now()) {}

  void Update(std::size_t done, bool final = false) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(1);
    if (!final && now - last_ < every) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    std::string line = fmt::format("{}{} {}", terminal_ ? "\r" : "", Label(global_, "line"), done);
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
    std::cerr << line << (final || !terminal_ ? "\n" : "") << std::flush;
  }

 private:
  const GlobalOptions& global_;
  const bool terminal_;
  const bool enabled_;
  const std::size_t total_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

// Runs the commands of an import through the engine and reports each line.
//
// Lines are reported in file order, and without --keep-going the first
// failing line in file order ends the run with its exit code: nothing
// after it is judged or reported. Commands are judged in batches of
// kCommandsPerBatch and the engine is given several batches at once
// (--commit-every: one group, one write and one sync, and a case that
// several of the batches touch has its view rendered once instead of once
// per batch). An invalid line is therefore held until the commands read
// before it have run, and reported between their results, where it stands
// in the file; without --keep-going it is reported only when none of them
// failed. A command id that repeats one of an earlier batch of the same
// write first has the batches before its own written, so the repeat is
// answered from the store. So the lines, their order, the counts and the
// exit code do not depend on --commit-every or --read-ahead.
class Importer {
 public:
  Importer(const GlobalOptions& global, zf::Engine* engine, zf::DryRun* dry_run,
           const ImportSettings& settings, ImportTally* tally)
      : global_(global), engine_(engine), dry_run_(dry_run), settings_(settings),
        tally_(tally), batch_commands_(settings.atomic ? SIZE_MAX : kCommandsPerBatch) {}

  // A command read from line `line`. Returns false when the import must stop.
  bool Add(zf::Command command, std::size_t line);
  // An invalid line. Returns false when the import must stop.
  bool AddInvalid(zf::Status status, std::size_t line);
  // The end of the input: runs what is pending, reports what is held.
  void Finish();

 private:
  struct Invalid {
    std::size_t before;  // the number of commands read before the line
    std::size_t line;
    zf::Status status;
  };

  // Runs the first `count` pending commands (whole batches, but for the
  // last batch of the input); false when the import must stop.
  bool Run(std::size_t count);
  // Reports the held invalid lines read before `before` commands.
  void ReportInvalid(std::size_t before);
  // Tallies and reports one command's result; false when it failed.
  bool ReportResult(const zf::Result<zf::CommandResult>& result, std::size_t line);
  std::size_t BatchEnd(std::size_t index) const {
    return batch_commands_ == SIZE_MAX ? SIZE_MAX
                                       : (index / batch_commands_ + 1) * batch_commands_;
  }

  const GlobalOptions& global_;
  zf::Engine* const engine_;
  zf::DryRun* const dry_run_;
  const ImportSettings& settings_;
  ImportTally* const tally_;
  const std::size_t batch_commands_;

  std::size_t read_ = 0;  // commands read so far
  std::size_t run_ = 0;   // commands given to the engine so far
  std::vector<zf::Command> pending_;  // commands run_ .. read_ - 1
  std::vector<std::size_t> lines_;    // their line numbers
  std::unordered_map<std::string, std::size_t> pending_ids_;  // command id -> index
  std::deque<Invalid> held_;
};

bool Importer::Add(zf::Command command, std::size_t line) {
  if (!settings_.atomic) {
    auto [it, fresh] = pending_ids_.try_emplace(command.command_id, read_);
    if (!fresh && BatchEnd(it->second) != BatchEnd(read_)) {
      // Only the batches before this command's own: it stays pending.
      const std::size_t own_batch_start = BatchEnd(read_) - batch_commands_;
      if (!Run(own_batch_start - run_)) return false;
      pending_ids_.try_emplace(command.command_id, read_);
    }
  }
  pending_.push_back(std::move(command));
  lines_.push_back(line);
  ++read_;
  if (!settings_.atomic && pending_.size() >= settings_.commit_every) {
    return Run(pending_.size());
  }
  return true;
}

bool Importer::AddInvalid(zf::Status status, std::size_t line) {
  held_.push_back({read_, line, std::move(status)});
  if (pending_.empty()) ReportInvalid(SIZE_MAX);  // nothing to report before it
  if (settings_.keep_going) return true;
  // Without --keep-going the lines before the bad one still apply (unless
  // --atomic, where nothing does); nothing after it runs.
  if (settings_.atomic) {
    ReportInvalid(SIZE_MAX);
  } else {
    Finish();
  }
  return false;
}

void Importer::Finish() {
  if (!pending_.empty() && !Run(pending_.size())) return;
  ReportInvalid(SIZE_MAX);
}

void Importer::ReportInvalid(std::size_t before) {
  while (!held_.empty() && held_.front().before < before) {
    const Invalid& bad = held_.front();
    ++tally_->invalid;
    tally_->Fail(ReportError(global_, bad.status, {}, bad.line));
    held_.pop_front();
  }
}

bool Importer::Run(std::size_t count) {
  if (count == 0) return true;
  const zf::BatchMode mode = settings_.atomic       ? zf::BatchMode::kAtomic
                             : settings_.keep_going ? zf::BatchMode::kIndependent
                                                    : zf::BatchMode::kStopAtFirstFailure;
  const std::span<const zf::Command> commands(pending_.data(), count);
  auto results = dry_run_ != nullptr ? dry_run_->ExecuteBatch(commands, mode)
                                     : engine_->ExecuteBatch(commands, mode);
  if (!results.ok()) {
    ReportInvalid(run_);
    tally_->Fail(ReportError(global_, results.status()));
    return false;
  }
  // In file order: an invalid line held while the commands before it were
  // pending is reported between their results, where it was read.
  bool go_on = true;
  const std::size_t answered = std::min(count, results->size());
  for (std::size_t i = 0; i < answered && go_on; ++i) {
    ReportInvalid(run_ + i + 1);
    go_on = ReportResult((*results)[i], lines_[i]) || settings_.keep_going;
  }
  if (answered < count) go_on = false;  // the engine stopped at a failure
  if (!go_on) {
    if (settings_.atomic) tally_->applied = 0;  // an atomic batch that failed applied nothing
    held_.clear();  // read after the stop: never reached
    return false;
  }
  run_ += count;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(count));
  pending_ids_.clear();
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    pending_ids_.try_emplace(pending_[i].command_id, run_ + i);
  }
  return true;
}

bool Importer::ReportResult(const zf::Result<zf::CommandResult>& result, std::size_t line) {
  if (!result.ok()) {
    ++tally_->invalid;
    tally_->Fail(ReportError(global_, result.status(), {}, line));
    return false;
  }
  switch (result->outcome) {
    case zf::CommandResult::Outcome::kApplied: ++tally_->applied; return true;
    case zf::CommandResult::Outcome::kAlreadyApplied: ++tally_->already_applied; return true;
    case zf::CommandResult::Outcome::kRejected:
      ++tally_->rejected;
      ++tally_->by_code[result->rejection->code];
      tally_->Fail(ReportRejection(global_, *result->rejection, {}, line));
      return false;
  }
  return true;
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
      ("progress", po::bool_switch(), "show progress on stderr even when it is not a terminal")
      ("no-progress", po::bool_switch(), "show no progress, even on a terminal")
      ("read-ahead", po::value<std::size_t>()->default_value(kReadAheadLines),
       "lines parsed and checked ahead on another thread (0: none)")
      ("commit-every", po::value<std::size_t>()->default_value(kCommandsPerBatch * kBatchesPerWrite),
       "commands per write and sync, a multiple of 256: what a crash can undo at most");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  ImportSettings settings{vm["dry-run"].as<bool>(), vm["keep-going"].as<bool>(),
                          vm["atomic"].as<bool>(), vm["commit-every"].as<std::size_t>()};
  if (settings.keep_going && settings.atomic) {
    return ReportUsage(global, "import",
                       global.lang == Lang::kEn ? "--keep-going and --atomic exclude each other" : "--keep-going 与 --atomic 不能同时使用");
  }
  // The upper bound also catches a negative number, which program_options
  // wraps into a huge unsigned one. (--atomic is the one-write import.)
  if (settings.commit_every == 0 || settings.commit_every % kCommandsPerBatch != 0 ||
      settings.commit_every > kMaxCommitEvery) {
    const std::string given = settings.commit_every > kMaxCommitEvery
                                  ? (global.lang == Lang::kEn ? "out of range" : "超出范围")
                                  : std::to_string(settings.commit_every);
    return ReportUsage(
        global, "import",
        global.lang == Lang::kEn
            ? fmt::format("--commit-every {}: must be a multiple of {} from {} to {}", given,
                          kCommandsPerBatch, kCommandsPerBatch, kMaxCommitEvery)
            : fmt::format("--commit-every {}：须为 {} 的倍数，介于 {} 与 {} 之间", given,
                          kCommandsPerBatch, kCommandsPerBatch, kMaxCommitEvery));
  }
  if (vm["progress"].as<bool>() && vm["no-progress"].as<bool>()) {
    return ReportUsage(global, "import",
                       global.lang == Lang::kEn ? "--progress and --no-progress exclude each other"
                                                : "--progress 与 --no-progress 不能同时使用");
  }
  const ProgressMode progress_mode = vm["progress"].as<bool>()      ? ProgressMode::kOn
                                     : vm["no-progress"].as<bool>() ? ProgressMode::kOff
                                                                    : ProgressMode::kAuto;
  const std::string file = vm["file"].as<std::string>();
  // Read with read(2), not std::cin: std::cin, synchronised with stdio,
  // reads a character per call (an eighth of a large import's time).
  int fd = STDIN_FILENO;
  if (file != "-") {
    if (zf::Status s = CheckInputFile(global, file); !s.ok()) return ReportError(global, s);
    fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ReportError(global, zf::NotFoundError("cannot read '" + file + "'"));
  }
  const FdCloser closer{file != "-" ? fd : -1};
  auto engine = OpenEngine(global, settings.dry_run ? StoreAccess::kRead : StoreAccess::kCreate,
                           &exit_code);
  if (!engine) return exit_code;
  std::unique_ptr<zf::DryRun> dry_run = settings.dry_run ? engine->StartDryRun() : nullptr;

  ImportTally tally;
  ProgressBar progress(global, file, progress_mode);
  Importer importer(global, engine.get(), dry_run.get(), settings, &tally);
  // Lines are parsed and checked ahead on another thread while the engine
  // judges and writes; they come out in order, so nothing below changes.
  CommandReader reader(fd, vm["read-ahead"].as<std::size_t>());
  bool go_on = true;
  while (go_on) {
    std::optional<CommandReader::Line> next = reader.Next();
    if (!next) break;
    progress.Update(next->number);
    go_on = next->command.ok()
                ? importer.Add(std::move(*next->command), next->number)
                : importer.AddInvalid(next->command.status(), next->number);
  }
  const std::size_t line_no = reader.lines();
  if (go_on && reader.error() != 0) {
    // The input ended in a read error, not at its end. As before a bad
    // line, the lines read before it still apply (none with --atomic: the
    // file is not whole); the import fails with the error.
    if (!settings.atomic) importer.Finish();
    tally.Fail(ReportError(global, ReadError(global, file, reader.error(), line_no)));
  } else if (go_on) {
    importer.Finish();
  }
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
  // The row checks need the block cache for the rows; the cases folded
  // again after leaving the engine's cache gain less from cached event
  // blocks (zf::StoreOptions::cache_event_reads).
  auto engine = OpenEngine(global, verify ? StoreAccess::kRead : StoreAccess::kWrite, &exit_code,
                           /*cache_event_reads=*/false);
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
                                                            {"reference_rows", report->reference_rows},
                                                            {"missing", keys(report->missing)},
                                                            {"extra", keys(report->extra)},
                                                            {"different", keys(report->different)},
                                                            {"repaired", report->repaired},
                                                            {"ok", report->ok()}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}  {}: {}  {}: {}  {}: {}  {}: {}{}\n",
                             Label(global, "rows"), report->rows, Label(global, "index_rows"),
                             report->index_rows, Label(global, "reference_rows"),
                             report->reference_rows,
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
       "who must meet it: party | agency (rest-day rule: 民法典 art. 203; docs/domain.md, Conventions)")
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
    return ReportUsage(global, "calendar due",
                       global.lang == Lang::kEn
                           ? "give exactly one of --working-days, --days, --months, --years; "
                             "--bearer is party or agency"
                           : "--working-days、--days、--months、--years 只能给出其中一个；"
                             "--bearer 为 party 或 agency");
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
                                        "[FILE|-] [--dry-run] [--keep-going | --atomic] [--read-ahead N] [--commit-every N] "
                                        "[--progress | --no-progress]"));
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

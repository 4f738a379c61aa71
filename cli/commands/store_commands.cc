// Low-level store commands: append raw events, verify the hash chain,
// export the log, back it up. The case workflow builds on top of these.
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "json_forms.h"
#include "zf/checkpoint.h"
#include "zf/event_json.h"
#include "zf/store_location.h"

namespace po = boost::program_options;

namespace zfcli {

namespace {

// A missing store is reported (exit 3) unless the command may create it.
bool ReportMissingStore(const GlobalOptions& global, bool create, int* exit_code) {
  // A PostgreSQL URL names no file: its open says whether the store exists.
  if (create || zf::IsPostgresLocation(global.db) || std::filesystem::exists(global.db)) {
    return false;
  }
  const std::string message =
      global.lang == Lang::kEn
          ? fmt::format("no event store at '{}' (set --db or $ZF_DB)", global.db)
          : fmt::format("'{}' 处没有事件库（请用 --db 或 $ZF_DB 指定）", global.db);
  *exit_code = ReportError(global, zf::NotFoundError(message).WithSubject("--db"));
  return true;
}

// An open for writing refused because another process holds the store
// (kUnavailable: RocksDB's lock). Says who holds it and where to send the
// command, from the holder file it left (a hint; the lock is the guard),
// rather than RocksDB's lock text. Returns kExitHeld.
int ReportHeldStore(const GlobalOptions& global) {
  const bool en = global.lang == Lang::kEn;
  const std::optional<zf::StoreHolder> holder = zf::ReadStoreHolder(global.db);
  std::string message;
  if (holder && !holder->address.empty()) {
    message = en ? fmt::format("the store is served by process {} at {}; send commands to the "
                               "server",
                               holder->pid, holder->address)
                 : fmt::format("存储正由进程 {} 提供服务（{}）；请把命令发送给该服务",
                               holder->pid, holder->address);
  } else if (holder) {
    message = en ? fmt::format("the store at {} is held for writing by process {} (since {}); "
                               "retry when it has finished",
                               global.db, holder->pid, holder->since)
                 : fmt::format("存储（{}）正由进程 {} 写入（自 {} 起）；请待其结束后重试",
                               global.db, holder->pid, holder->since);
  } else {
    message = en ? fmt::format("the store at {} is held by another process; retry when it has "
                               "finished, or send the command to the server that holds it",
                               global.db)
                 : fmt::format("存储（{}）正被另一进程占用；请待其结束后重试，或把命令发送给"
                               "占用它的服务",
                               global.db);
  }
  ReportError(global, zf::UnavailableError(message));
  return kExitHeld;
}

// A command that writes signs checkpoints with the configured key; a
// reader never writes one.
zf::Result<zf::StoreOptions> StoreOptionsFor(const GlobalOptions& global, StoreAccess access) {
  zf::StoreOptions options;
  options.read_only = access == StoreAccess::kRead || access == StoreAccess::kLookup;
  options.index_blocks_on_demand = access == StoreAccess::kLookup;
  options.create_if_missing = access == StoreAccess::kCreate;
  if (!options.read_only && !global.checkpoint_key.empty()) {
    ZF_ASSIGN_OR_RETURN(options.checkpoint_signer,
                        zf::CheckpointSigner::FromPemFile(global.checkpoint_key));
    options.checkpoint_every = global.checkpoint_every;
  }
  return options;
}

// Prints why the store did not open; sets and returns the exit code.
int ReportOpenError(const GlobalOptions& global, StoreAccess access, const zf::Status& status) {
  const bool writes = access == StoreAccess::kWrite || access == StoreAccess::kCreate;
  // RocksDB's lock refuses a second writer at the open; a PostgreSQL open
  // that is unavailable could not reach the server (its writer lock is
  // taken by the first write, whose error says who holds it).
  if (writes && status.code() == zf::StatusCode::kUnavailable &&
      !zf::IsPostgresLocation(global.db)) {
    return ReportHeldStore(global);
  }
  if (status.code() == zf::StatusCode::kFailedPrecondition &&
      status.message().starts_with("incomplete store") && global.lang == Lang::kZh) {
    // The store exists in part (zf's open names what is missing).
    return ReportError(
        global, zf::FailedPreconditionError(fmt::format(
                    "存储不完整（{}）：缺少 {}；创建时被中断，或已损坏。请从备份恢复；"
                    "若它从未保存过事件，删除该目录后重新创建",
                    global.db, status.subject()))
                    .WithSubject(status.subject()));
  }
  return ReportError(global, status);
}

}  // namespace

std::unique_ptr<zf::EventStore> OpenStore(const GlobalOptions& global, StoreAccess access,
                                          int* exit_code) {
  const auto options = StoreOptionsFor(global, access);
  if (!options.ok()) {
    *exit_code = ReportError(global, options.status());
    return nullptr;
  }
  if (ReportMissingStore(global, options->create_if_missing, exit_code)) return nullptr;
  auto store = zf::OpenEventStore(*options, global.db);
  if (!store.ok()) {
    *exit_code = ReportOpenError(global, access, store.status());
    return nullptr;
  }
  return std::move(*store);
}

zf::Status CacheFromEnvironment(zf::EngineOptions* options) {
  const char* text = std::getenv("ZF_CACHE_AGGREGATES");
  if (text == nullptr || *text == '\0') return zf::Status::Ok();
  std::size_t value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value == 0) {
    return zf::InvalidArgumentError(
               fmt::format("ZF_CACHE_AGGREGATES '{}' is not a whole number of at least 1", text))
        .WithSubject("ZF_CACHE_AGGREGATES");
  }
  options->cache_aggregates = value;
  return zf::Status::Ok();
}

std::unique_ptr<zf::Engine> OpenEngine(const GlobalOptions& global, StoreAccess access,
                                       int* exit_code, bool cache_event_reads) {
  zf::EngineOptions options;
  auto store_options = StoreOptionsFor(global, access);
  if (!store_options.ok()) {
    *exit_code = ReportError(global, store_options.status());
    return nullptr;
  }
  options.store = std::move(*store_options);
  options.store.cache_event_reads = cache_event_reads;
  // Also for a read-only engine: `import --dry-run` decides (and seals)
  // what it would write.
  if (!global.seal_keys.empty()) {
    auto keys = zf::LoadSealKeys(global.seal_keys);
    if (!keys.ok()) {
      *exit_code = ReportError(global, keys.status());
      return nullptr;
    }
    options.seal_keys = std::move(*keys);
  }
  if (zf::Status s = CacheFromEnvironment(&options); !s.ok()) {
    *exit_code = ReportError(global, s);
    return nullptr;
  }
  if (ReportMissingStore(global, options.store.create_if_missing, exit_code)) return nullptr;
  auto engine = zf::Engine::Open(options, global.db);
  if (!engine.ok()) {
    *exit_code = ReportOpenError(global, access, engine.status());
    return nullptr;
  }
  return std::move(*engine);
}

namespace {

constexpr std::size_t kLinesPerBatch = 512;

struct AppendTally {
  std::size_t applied = 0;
  std::size_t already_applied = 0;
  std::uint64_t events = 0;
};

// One JSONL line parsed into a request, or the status saying why not.
zf::Result<zf::AppendRequest> ParseLine(const std::string& line) {
  auto json = zf::ParseJson(line);
  if (!json.ok()) return json.status();
  return zf::AppendRequestFromJson(*json);
}

// Appends a batch with one sync; stops at the first failed line.
int FlushBatch(const GlobalOptions& global, zf::EventStore* store,
               std::vector<zf::AppendRequest>* batch, std::vector<std::size_t>* lines,
               AppendTally* tally) {
  if (batch->empty()) return kExitOk;
  // The first failing line ends the run; the lines before it are kept.
  auto results = store->AppendBatch(
      *batch, zf::AppendOptions{.mode = zf::BatchMode::kStopAtFirstFailure});
  if (!results.ok()) return ReportError(global, results.status());
  int exit_code = kExitOk;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const auto& r = (*results)[i];
    if (!r.ok()) {
      exit_code = ReportError(global, r.status(), {}, (*lines)[i]);
      break;
    }
    if (r->already_applied) {
      ++tally->already_applied;
    } else {
      ++tally->applied;
      tally->events += r->last_version - r->first_version + 1;
    }
  }
  batch->clear();
  lines->clear();
  return exit_code;
}

int RunStoreAppend(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("store append");
  options.add_options()("file", po::value<std::string>()->default_value("-"),
                        "JSONL file of append requests, - for stdin");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  // A directory is refused before the store is opened (and maybe created).
  if (zf::Status s = CheckInputFile(global, vm["file"].as<std::string>()); !s.ok()) {
    return ReportError(global, s);
  }
  auto store = OpenStore(global, StoreAccess::kCreate, &exit_code);
  if (!store) return exit_code;
  AppendTally tally;
  exit_code = ForEachJsonlBatch<zf::AppendRequest>(
      global, vm["file"].as<std::string>(), kLinesPerBatch, ParseLine,
      [&](std::vector<zf::AppendRequest>* batch, std::vector<std::size_t>* lines) {
        return FlushBatch(global, store.get(), batch, lines, &tally);
      });
  const zf::LedgerHead ledger = store->Ledger();
  if (global.json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"applied", tally.applied},
                     {"already_applied", tally.already_applied},
                     {"events", tally.events},
                     {"ledger_position", ledger.position},
                     {"ledger_hash", ledger.ledger_hash},
                     {"ok", exit_code == kExitOk}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}  {}: {}  {}: {}\n", Label(global, "applied"),
                             tally.applied, Label(global, "already_applied"),
                             tally.already_applied, Label(global, "events"), tally.events,
                             Label(global, "position"), ledger.position);
  }
  return exit_code;
}

int RunStoreVerify(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("store verify");
  options.add_options()
      ("from-position", po::value<std::uint64_t>()->default_value(1), "first position")
      ("to-position", po::value<std::uint64_t>(), "last position (default: the ledger head)")
      ("no-index", po::bool_switch(), "skip the stream index and head checks");
  AddAnchorOptions(&options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  zf::VerifyOptions verify;
  verify.from_position = vm["from-position"].as<std::uint64_t>();
  if (vm.count("to-position")) verify.to_position = vm["to-position"].as<std::uint64_t>();
  verify.check_indexes = !vm["no-index"].as<bool>();
  if (!LoadAnchors(global, vm, &verify.anchors, &exit_code)) return exit_code;
  if (verify.to_position < verify.from_position) {
    return ReportUsage(global, "store verify",
                       global.lang == Lang::kEn ? fmt::format("--to {} is before --from {}", verify.to_position, verify.from_position)
                                                : fmt::format("--to {} 在 --from {} 之前", verify.to_position, verify.from_position));
  }
  auto report = store->VerifyChain(verify);
  if (!report.ok()) return ReportError(global, report.status());
  if (global.json) {
    std::cout << boost::json::serialize(ChainReportJson(*report)) << '\n';
  } else {
    std::cout << fmt::format("{}  {}: {}  {}: {}..{}  {}: {}\n",
                             Label(global, report->ok() ? "chain_ok" : "chain_broken"),
                             Label(global, "events_checked"), report->events_checked,
                             Label(global, "position"), report->from_position,
                             report->to_position, Label(global, "ledger_hash"),
                             report->ledger_hash);
    for (const auto& f : report->findings) {
      std::cout << fmt::format("  {} {} {}={} {}={} {}={}: {}\n", Label(global, "finding"),
                               zf::ChainFindingKindName(f.kind), Label(global, "position"),
                               f.position, Label(global, "stream"), f.stream,
                               Label(global, "version"), f.version,
                               global.lang == Lang::kEn ? f.detail : f.DetailZh());
    }
  }
  return report->ok() ? kExitOk : kExitFindings;
}

int RunExport(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("export");
  options.add_options()
      ("stream", po::value<std::string>(), "only this stream")
      ("from-position", po::value<std::uint64_t>()->default_value(1), "first position")
      ("to-position", po::value<std::uint64_t>(), "last position");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  const std::uint64_t from = vm["from-position"].as<std::uint64_t>();
  const std::uint64_t to = vm.count("to-position") ? vm["to-position"].as<std::uint64_t>() : UINT64_MAX;
  const bool one_stream = vm.count("stream") > 0;
  auto cursor = one_stream
                    ? store->ReadStream(vm["stream"].as<std::string>(), 1, zf::Direction::kForward)
                    : store->ReadAll(from);
  for (; cursor->Valid(); cursor->Next()) {
    const zf::EventRecord& e = cursor->event();
    if (e.position < from) continue;
    if (e.position > to) break;
    std::cout << boost::json::serialize(zf::EventToJson(e)) << '\n';
  }
  if (!cursor->status().ok()) return ReportError(global, cursor->status());
  return kExitOk;
}

// What `log` prints: the events from `next` on (one stream's, or all),
// at most `left`; advances both past what it printed.
struct LogPrinter {
  const GlobalOptions& global;
  std::string stream;  // "" = all
  std::uint64_t next = 1;
  std::uint64_t left = UINT64_MAX;
  bool follow = false;  // flush each line: a pipe sees events as they come

  void Header() const {
    if (global.json) return;
    std::cout << PadLeft(Label(global, "position"), 8) << "  "
              << PadRight(Label(global, "stream"), 28) << ' '
              << PadLeft(Label(global, "version"), 7) << "  "
              << PadRight(Label(global, "type"), 30) << ' '
              << PadRight(Label(global, "occurred_at"), 25) << ' '
              << PadRight(Label(global, "actor"), 16) << ' ' << Label(global, "hash") << '\n';
  }

  zf::Status Print(zf::EventStore& store) {
    auto cursor = stream.empty() ? store.ReadAll(next)
                                 : store.ReadStream(stream, 1, zf::Direction::kForward);
    for (; cursor->Valid() && left > 0; cursor->Next()) {
      const zf::EventRecord& e = cursor->event();
      if (e.position < next) continue;
      --left;
      next = e.position + 1;
      if (global.json) {
        std::cout << boost::json::serialize(zf::EventToJson(e)) << '\n';
      } else {
        std::cout << fmt::format("{:>8}  {:<28} {:>7}  {:<30} {:<25} {:<16} {}…\n", e.position,
                                 e.stream, e.version, e.type, e.occurred_at, e.actor.id,
                                 e.hash.substr(0, 16));
      }
      if (follow) std::cout << std::flush;
    }
    return cursor->status();
  }
};

// A readable table of the log (or one stream) for people; export is the
// machine form. --follow keeps printing what is appended: a read-only open
// sees the store as it was when opened (beside a server too), so each look
// opens it anew from where the last one ended.
int RunLog(const GlobalOptions& defaults, const std::vector<std::string>& args,
           const Command& self) {
  po::options_description options("log");
  options.add_options()
      ("stream", po::value<std::string>(), "only this stream")
      ("from-position", po::value<std::uint64_t>()->default_value(1), "first position")
      ("limit", po::value<std::uint64_t>()->default_value(UINT64_MAX), "at most N events")
      ("follow,f", po::bool_switch(), "keep printing events as they are appended (Ctrl-C ends)")
      ("interval", po::value<double>()->default_value(1.0),
       "with --follow: seconds between looks at the store (0.05 to 3600)");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  const double interval = vm["interval"].as<double>();
  if (!(interval >= 0.05 && interval <= 3600)) {
    return ReportUsage(global, "log",
                       global.lang == Lang::kEn
                           ? fmt::format("--interval {}: must be 0.05 to 3600 seconds", interval)
                           : fmt::format("--interval {}：须在 0.05 到 3600 秒之间", interval));
  }
  LogPrinter printer{global, vm.count("stream") ? vm["stream"].as<std::string>() : "",
                     vm["from-position"].as<std::uint64_t>(), vm["limit"].as<std::uint64_t>(),
                     vm["follow"].as<bool>()};
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  printer.Header();
  if (zf::Status s = printer.Print(*store); !s.ok()) return ReportError(global, s);
  store.reset();
  while (printer.follow && printer.left > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(interval));
    store = OpenStore(global, StoreAccess::kLookup, &exit_code);
    if (!store) return exit_code;
    if (zf::Status s = printer.Print(*store); !s.ok()) return ReportError(global, s);
    store.reset();
  }
  return kExitOk;
}

// Signs the head of the copy and keeps the checkpoint in it, and in the
// store itself unless another process holds it (a server signs its own at
// its interval). Appends the checkpoints written to *written.
int CheckpointBackup(const GlobalOptions& global, const zf::CheckpointSigner& signer,
                     const std::string& dir, boost::json::array* written) {
  zf::StoreOptions options;
  options.create_if_missing = false;
  for (const std::string& path : {dir, global.db}) {
    auto store = zf::OpenEventStore(options, path);
    if (!store.ok() && path == global.db &&
        store.status().code() == zf::StatusCode::kUnavailable) {
      std::cerr << (global.lang == Lang::kEn
                        ? "note: the store is held by another process; the checkpoint is in the "
                          "backup only\n"
                        : "注意：存储正被另一进程占用，检查点只写入了备份\n");
      continue;
    }
    if (!store.ok()) return ReportError(global, store.status());
    auto c = zf::WriteCheckpointAtHead(**store, signer, *zf::SystemClock());
    if (!c.ok()) return ReportError(global, c.status());
    written->push_back(zf::CheckpointToJson(*c));
  }
  return kExitOk;
}

int RunBackup(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("backup");
  options.add_options()("dir", po::value<std::string>()->required(),
                        "new directory for the copy (must not exist)");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  // A key that cannot be used fails the command before anything is copied.
  std::shared_ptr<const zf::CheckpointSigner> signer;
  if (!global.checkpoint_key.empty()) {
    auto loaded = zf::CheckpointSigner::FromPemFile(global.checkpoint_key);
    if (!loaded.ok()) return ReportError(global, loaded.status());
    signer = *loaded;
  }
  // Read-only: the backup works while a server holds the store.
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  const std::string dir = vm["dir"].as<std::string>();
  if (zf::Status s = store->Backup(dir); !s.ok()) return ReportError(global, s);
  // The copy may hold a writer's appends made after this store opened:
  // report the copy's own ledger.
  GlobalOptions copy = global;
  copy.db = dir;
  auto backup = OpenStore(copy, StoreAccess::kRead, &exit_code);
  if (!backup) return exit_code;
  const zf::LedgerHead ledger = backup->Ledger();
  boost::json::array checkpoints;
  if (signer != nullptr) {
    store.reset();
    backup.reset();
    exit_code = CheckpointBackup(global, *signer, dir, &checkpoints);
    if (exit_code != kExitOk) return exit_code;
  }
  if (global.json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"backup", dir},
                     {"ledger_position", ledger.position},
                     {"ledger_hash", ledger.ledger_hash},
                     {"checkpoints", std::move(checkpoints)}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}  {}: {}\n", Label(global, "backup_written"), dir,
                             Label(global, "position"), ledger.position,
                             Label(global, "ledger_hash"), ledger.ledger_hash);
    // The signed checkpoints, to be kept elsewhere (docs/audit.md §6).
    for (const auto& c : checkpoints) std::cout << boost::json::serialize(c) << '\n';
  }
  return kExitOk;
}

// Copies the log of --db, byte for byte, into a new PostgreSQL store
// (zf::CopyEventLog): the copy ends at the same ledger head.
int RunStoreCopy(const GlobalOptions& defaults, const std::vector<std::string>& args,
                 const Command& self) {
  po::options_description options("store copy");
  options.add_options()("to", po::value<std::string>()->required(),
                        "the new store: a postgresql:// URL");
  po::positional_options_description positional;
  positional.add("to", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  const std::string to = vm["to"].as<std::string>();
  if (!zf::IsPostgresLocation(to)) {
    return ReportError(global, zf::InvalidArgumentError(fmt::format(
                                   "--to must be a postgresql:// URL, not '{}'", to))
                                   .WithSubject("to"));
  }
  auto source = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!source) return exit_code;
  auto target = zf::OpenPostgresEventStore(zf::StoreOptions{}, to);
  if (!target.ok()) return ReportError(global, target.status());
  if (zf::Status s = zf::CopyEventLog(*source, target->get()); !s.ok()) {
    return ReportError(global, s);
  }
  const zf::LedgerHead head = (*target)->Ledger();
  if (global.json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"position", head.position}, {"ledger_hash", head.ledger_hash}})
              << '\n';
  } else {
    std::cout << fmt::format("{}: {}  {}: {}\n", Label(global, "position"), head.position,
                             Label(global, "ledger_hash"), head.ledger_hash);
  }
  return kExitOk;
}

const Registrar kCopy(MakeCommand<RunStoreCopy>(
    "store copy", "copy the log, byte for byte, into a new PostgreSQL store",
    "把事件日志逐字节复制到新的 PostgreSQL 存储", "--to postgresql://…"));
const Registrar kAppend(MakeCommand<RunStoreAppend>(
    "store append", "append raw events from a JSONL file of append requests",
    "从 JSONL 文件追加原始事件", "[FILE|-]"));
const Registrar kVerify(MakeCommand<RunStoreVerify>(
    "store verify", "verify hash chains, the ledger and the stream index",
    "校验哈希链、总账与索引", "[--from-position N] [--to-position N] [--no-index] [--anchor FILE|POS:HASH]... [--anchor-key FILE]"));
const Registrar kExport(MakeCommand<RunExport>("export", "write events as JSONL",
                                        "以 JSONL 导出事件",
                                        "[--stream S] [--from-position N] [--to-position N]"));
const Registrar kLog(MakeCommand<RunLog>("log", "show events as a table",
                                  "以表格显示事件",
                                  "[--stream S] [--from-position N] [--limit N] [--follow [--interval S]]"));
const Registrar kBackup(MakeCommand<RunBackup>("backup", "online backup to a new directory",
                                        "在线备份到新目录", "DIR"));

}  // namespace
}  // namespace zfcli

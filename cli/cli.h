// Shared pieces of zfcli: global options, exit codes, labels.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zf/command.h"
#include "zf/legal_sources.h"
#include "zf/status.h"

namespace zfcli {

// Documented in docs/cli.md. Do not renumber: scripts depend on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitStorage = 1,     // storage or internal error
  kExitUsage = 2,       // bad command line
  kExitInvalid = 3,     // invalid input (a field broke a rule of form)
  kExitRejected = 4,    // rejected by a rule of the law / state machine
  kExitConflict = 5,    // optimistic-concurrency or idempotency conflict
  kExitFindings = 6,    // audit / verification found problems
  kExitHeld = 7,        // the store is held by another process (a server): send it the command
};

enum class Lang { kZh, kEn };

struct GlobalOptions {
  std::string db;  // --db, else $ZF_DB, else ./zf-data: a directory or a postgresql:// URL
  Lang lang = Lang::kZh;
  bool json = false;
  // Signed ledger checkpoints (zf/checkpoint.h) for commands that write:
  // --checkpoint-key, else $ZF_CHECKPOINT_KEY ("" = none) and
  // --checkpoint-every, else $ZF_CHECKPOINT_EVERY, else 1000 events.
  std::string checkpoint_key;
  std::uint64_t checkpoint_every = 1000;
  // Electronic seals (zf/seal.h): the directory of the agencies' seal
  // private keys, <agency>.pem: --seal-keys, else $ZF_SEAL_KEYS ("" = none).
  std::string seal_keys;
};

// The UTF-8 byte-order mark, accepted (and dropped) at the start of an
// input file.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

int ExitCodeFor(const zf::Status& status);

// The library's language for what people read (zf/legal_sources.h).
inline zf::Language LanguageOf(const GlobalOptions& global) {
  return global.lang == Lang::kEn ? zf::Language::kEn : zf::Language::kZh;
}

// Prints "错误 …" / "error …" with code, message and subject to stderr and
// returns the exit code for it. With --json it prints one JSON object on
// one line instead: {"ok": false, "kind": "error", "exit_code", "code",
// "message", "field"?, "version"?, "where"?} (ReportRejection: "kind":
// "rejected", with "legal_basis"). Stdout keeps the command's own JSON.
// `line` (nonzero): the input line it concerns; the context is then
// "行 N" / "line N", and the JSON form has "line": N.
int ReportError(const GlobalOptions& global, const zf::Status& status,
                std::string_view context = {}, std::uint64_t line = 0);

// A bad command line: "zfcli COMMAND: message" (or "错误: message" without a
// command) on stderr, or with --json one JSON object there, {"ok": false,
// "kind": "usage", "exit_code": 2, "code": "usage", "message", "where"}.
// Returns kExitUsage. `message` is already in the chosen language.
int ReportUsage(const GlobalOptions& global, std::string_view command, std::string_view message);

// Prints a rejection the way people read it (to stderr, `where` first when
// given): the message and the citation of its code's row in the table of
// legal sources (zf/legal_sources.h) in the chosen language — in English the
// decider's own message. Returns kExitRejected.
int ReportRejection(const GlobalOptions& global, const zf::Rejection& rejection,
                    std::string_view where, std::uint64_t line = 0);

// The answer to one executed command: its JSON form with --json (a
// rejection's message and legal_basis in the chosen language, as
// ReportRejection), else the outcome, stream and positions; a rejection goes
// through ReportRejection.
// Returns the exit code (0, or 4 when rejected).
int PrintCommandResult(const GlobalOptions& global, const zf::CommandResult& result);

// "没有案件 X" / "no case X" (kNotFound with `subject`): a case id that names
// no case; `at_that_moment` for a read as of a past moment.
zf::Status NoCaseError(const GlobalOptions& global, std::string_view case_id,
                       std::string_view subject = "case_id", bool at_that_moment = false);

// `status` from a library call about case `case_id` in the chosen language:
// the library's kNotFound for that case (subject "case_id", "no case X…")
// becomes NoCaseError; any other status is returned as it is.
zf::Status CaseStatusInLanguage(const GlobalOptions& global, const zf::Status& status,
                                std::string_view case_id);

// An input file named on the command line ("-" is stdin and always fine):
// kNotFound when it does not exist or cannot be opened, kInvalidArgument
// when it is a directory (reading one fails with EISDIR, which must not pass
// for an empty file). The message is in the chosen language.
zf::Status CheckInputFile(const GlobalOptions& global, const std::string& file);

// A read of `file` that failed with `error` (an errno; 0: unknown) after
// `lines` lines: kIOError (exit 1), in the chosen language. The input is
// incomplete, so what read it must not report success.
zf::Status ReadError(const GlobalOptions& global, const std::string& file, int error,
                     std::size_t lines);

// Pads `text` with spaces to `width` terminal columns (CJK characters take
// two), so tables with Chinese labels line up. Longer text is kept whole.
std::string PadRight(std::string_view text, std::size_t width);
std::string PadLeft(std::string_view text, std::size_t width);

// A label for people, in the chosen language. `key` is the English id.
std::string_view Label(const GlobalOptions& global, std::string_view key);

struct Command {
  std::string name;         // "store append"
  std::string summary_en;
  std::string summary_zh;
  std::string usage;        // options and arguments
  std::function<int(const GlobalOptions&, const std::vector<std::string>&)> run;
};

// Registered by commands/*.cc.
std::vector<Command>& Registry();
struct Registrar {
  explicit Registrar(Command command) { Registry().push_back(std::move(command)); }
};

}  // namespace zfcli

#include <fstream>
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>

#include "zf/engine.h"
#include "zf/event_store.h"

namespace zfcli {

// Parses a command's arguments with its own options plus the global ones
// (--db, --lang, --json may appear anywhere). On a usage error prints it and
// returns false with *exit_code = kExitUsage; on --help prints usage and
// returns false with *exit_code = kExitOk.
bool ParseCommandLine(const Command& command, const std::vector<std::string>& args,
                      boost::program_options::options_description& options,
                      const boost::program_options::positional_options_description& positional,
                      boost::program_options::variables_map* vm, GlobalOptions* global,
                      int* exit_code);

// How a command uses the store at global.db.
enum class StoreAccess {
  // Reads only: a read-only open (zf::StoreOptions::read_only), which works
  // while a server holds the store, on a backup and on read-only media.
  kRead,
  // kRead for a command that reads a few keys and exits (case show): the
  // table files' index blocks are read when needed, not all at the open
  // (zf::StoreOptions::index_blocks_on_demand).
  kLookup,
  // Appends to an existing store. While another process holds the store the
  // open fails with kExitHeld, naming the process and where it serves.
  kWrite,
  // kWrite, creating the store if it is missing.
  kCreate,
};

// Opens the RocksDB store at global.db; prints the error and sets *exit_code
// on failure. Unless `access` is kCreate, a missing store is kNotFound
// (exit 3).
std::unique_ptr<zf::EventStore> OpenStore(const GlobalOptions& global, StoreAccess access,
                                          int* exit_code);

// $ZF_CACHE_AGGREGATES: how many cases (and other aggregates) the engine,
// or an audit, keeps folded (EngineOptions::cache_aggregates); unset: the
// default. kInvalidArgument when it is not a whole number of at least 1.
zf::Status CacheFromEnvironment(zf::EngineOptions* options);

// The engine over the store at global.db, the same way: prints the error
// and sets *exit_code on failure. `cache_event_reads`:
// zf::StoreOptions::cache_event_reads.
std::unique_ptr<zf::Engine> OpenEngine(const GlobalOptions& global, StoreAccess access,
                                       int* exit_code, bool cache_event_reads = true);

// Adds --anchor FILE|POS:HASH (repeatable) and --anchor-key FILE.
void AddAnchorOptions(boost::program_options::options_description* options);
// The anchors those options name (zf/checkpoint.h ReadAnchors); prints the
// error and returns false with *exit_code set when a file or key cannot be
// read.
bool LoadAnchors(const GlobalOptions& global, const boost::program_options::variables_map& vm,
                 std::vector<zf::LedgerAnchor>* anchors, int* exit_code);

// A registry entry whose run() calls Fn with the entry itself (for usage).
template <int (*Fn)(const GlobalOptions&, const std::vector<std::string>&, const Command&)>
Command MakeCommand(std::string name, std::string en, std::string zh, std::string usage) {
  Command c{std::move(name), std::move(en), std::move(zh), std::move(usage), nullptr};
  c.run = [c](const GlobalOptions& g, const std::vector<std::string>& a) { return Fn(g, a, c); };
  return c;
}

// Reads a JSONL input (a file, or stdin for "-") in batches: each
// non-blank line goes through `parse` (-> zf::Result<Item>) and is queued
// with its line number; `flush(items, line_numbers)` runs a full batch and
// returns an exit code. The first bad line flushes what came before it and
// ends the run with its error (unless the flush already failed); an
// unreadable file is exit 3.
template <typename Item, typename Parse, typename Flush>
int ForEachJsonlBatch(const GlobalOptions& global, const std::string& file, std::size_t batch_size,
                      Parse parse, Flush flush) {
  std::ifstream in_file;
  if (file != "-") {
    if (zf::Status s = CheckInputFile(global, file); !s.ok()) return ReportError(global, s);
    in_file.open(file);
    if (!in_file) {
      return ReportError(global, zf::NotFoundError("cannot read '" + file + "'"));
    }
  }
  std::istream& in = file == "-" ? std::cin : in_file;
  std::vector<Item> batch;
  std::vector<std::size_t> lines;
  std::string line;
  int exit_code = kExitOk;
  std::size_t line_no = 1;
  for (; exit_code == kExitOk && std::getline(in, line); ++line_no) {
    if (line_no == 1 && line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    zf::Result<Item> item = parse(line);
    if (!item.ok()) {
      exit_code = flush(&batch, &lines);
      if (exit_code == kExitOk) {
        exit_code = ReportError(global, item.status(), {}, line_no);
      }
      return exit_code;
    }
    batch.push_back(std::move(*item));
    lines.push_back(line_no);
    if (batch.size() >= batch_size) exit_code = flush(&batch, &lines);
  }
  // std::cin reads through stdio: its read errors show as ferror(stdin),
  // not as badbit.
  if (exit_code == kExitOk && (in.bad() || (file == "-" && std::ferror(stdin) != 0))) {
    // A read error is no end of file: the lines before it stay applied (as
    // before a bad line), nothing after it is read, and the run fails.
    const int error = errno;
    exit_code = flush(&batch, &lines);
    const int read_failed = ReportError(global, ReadError(global, file, error, line_no - 1));
    return exit_code == kExitOk ? read_failed : exit_code;
  }
  return exit_code == kExitOk ? flush(&batch, &lines) : exit_code;
}

}  // namespace zfcli

// peers — zf's RocksDB event store against what users would pick instead:
// an SQLite event table (WAL, synchronous=FULL) and a PostgreSQL 15 event
// table. The same workload on each, side by side in one process, and a
// table of medians with the ratio "zf / best peer". docs/performance.md
// ("The store against its peers") keeps a run's table.
//
//   peers [--events N] [--streams S] [--runs R] [--clients C] [--seconds T]
//         [--reads K] [--only zf,sqlite,pg,zfpg] [--pg CONNINFO] [--zf-pg URL]
//         [--dir DIR]
//
// zfpg is zf's own PostgreSQL store (issue 16) on the same server as the
// plain table, each run in a fresh schema: the second table printed sets
// it against the plain table, its ceiling, as the first sets zf's RocksDB
// store against its peers.
//
// The workload: S case streams of N/S JSON events each (payloads of about
// 400 bytes), in shuffled global order. Per run and per system, on a fresh
// database:
//   1. bulk import: every event, 100 appends per transaction (zf: one
//      AppendBatch), each with its expected version; one sync per batch;
//   2. replay: every event in global order, each payload parsed with
//      boost::json (zf's cursor parses it; the peers parse the text);
//   3. stream reads: K random streams read whole (20 events), payloads
//      parsed, after K untimed reads of other streams (warm caches); p50
//      and p99 of the per-read latency;
//   4. durable appends from 1 client, then from C clients, for T seconds
//      each: single-event appends with the expected version, each
//      acknowledged only once durable. Each client owns its own streams (no
//      conflicts), so what is measured is the cost of durable commits. A
//      client is "starved" when it completed less than a quarter of the
//      mean per client.
// Before each timed phase the process waits until it is idle (zf's
// background compactions have finished). Each phase runs on every system
// before the next phase starts (the same
// figure is measured close together in time on a loaded machine). Figures
// are the medians over R runs. Only the store calls are timed; the
// appends' payloads are made before each timed phase.
//
// The peers' schemas are the usual ones (see CreateSqlite / CreatePg):
// events(position primary key, stream, version, type, occurred_at,
// recorded_at, actor, command_id unique, data) with a unique (stream,
// version) index, and streams(stream primary key, version) for optimistic
// concurrency. SQLite's positions are its rowids (one writer at a time, so
// dense); PostgreSQL's come from a counter row updated in the append's
// transaction, which keeps them dense and gap-free in commit order (a
// sequence would leave gaps on rollback and commit out of order).
//
// PostgreSQL runs only with --pg; bench/peers.sh starts a throwaway cluster
// for it and removes it afterwards.
#include <sqlite3.h>
#include <libpq-fe.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "bench_args.h"
#include "zf/event_store.h"
#include "zf/store_location.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(std::string_view message) { zf::bench::Die("peers", message); }

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// --- Options ------------------------------------------------------------------

struct Options {
  std::uint64_t events = 1'000'000;
  std::uint64_t streams = 50'000;
  std::size_t runs = 3;
  std::size_t clients = 64;
  double seconds = 10;
  std::size_t reads = 2000;
  bool run_zf = true, run_sqlite = true, run_pg = true, run_zfpg = true;
  std::string pg;   // libpq connection string; empty: PostgreSQL is not run
  std::string zf_pg;  // postgresql:// URL of the same server; empty: zfpg is not run
  std::string dir;  // empty: a fresh directory under /tmp
  // The zf store's table layout (StoreOptions); unset: the defaults.
  std::optional<std::size_t> zf_block_size, zf_cache_mib;
  std::optional<zf::StoreOptions::Compression> zf_compression;
  // StoreOptions::cache_event_reads. Off by default here: this workload
  // reads random streams across a store far larger than the cache, the
  // case that option's comment names.
  bool zf_cache_event_reads = false;
  bool keep_zf = false;  // leave the last run's zf store in --dir (bench/stream_reads)
};

void PrintUsage() {
  fmt::print(
      "usage: peers [options]\n"
      "  --events N     events imported per run (default 1000000)\n"
      "  --streams S    case streams they are spread over (default 50000)\n"
      "  --runs R       runs; figures are medians (default 3)\n"
      "  --clients C    clients of the concurrent durable-append phase (default 64)\n"
      "  --seconds T    length of each durable-append phase (default 10)\n"
      "  --reads K      stream reads timed per run (default 2000)\n"
      "  --only LIST    systems to run, comma-separated: zf,sqlite,pg,zfpg (default all)\n"
      "  --pg CONNINFO  PostgreSQL connection string (bench/peers.sh sets it);\n"
      "                 without it PostgreSQL is not run\n"
      "  --zf-pg URL    the same server as a postgresql:// URL, for zf's PostgreSQL\n"
      "                 store (bench/peers.sh sets it); without it zfpg is not run\n"
      "  --dir DIR      work directory (default: a fresh one under /tmp, removed)\n"
      "  --zf-block-size B, --zf-cache-mib M, --zf-compression none|lz4|snappy\n"
      "                 the zf store's events_block_size, block_cache_bytes and\n"
      "                 events_compression (default: StoreOptions' defaults)\n"
      "  --zf-cache-event-reads\n"
      "                 put the blocks of stream reads into zf's block cache\n"
      "                 (StoreOptions::cache_event_reads; default here: off)\n"
      "  --keep-zf      leave the last run's zf store in --dir/zf-<run> (for\n"
      "                 bench/stream_reads)\n");
}

std::uint64_t ParseCount(std::string_view flag, std::string_view text) {
  return zf::bench::ParseCount("peers", flag, text);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next = [&]() -> std::string_view {
      if (i + 1 >= argc) Die(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--events") {
      o.events = ParseCount(arg, next());
    } else if (arg == "--streams") {
      o.streams = ParseCount(arg, next());
    } else if (arg == "--runs") {
      o.runs = ParseCount(arg, next());
    } else if (arg == "--clients") {
      o.clients = ParseCount(arg, next());
    } else if (arg == "--seconds") {
      o.seconds = static_cast<double>(ParseCount(arg, next()));
    } else if (arg == "--reads") {
      o.reads = ParseCount(arg, next());
    } else if (arg == "--pg") {
      o.pg = std::string(next());
    } else if (arg == "--zf-pg") {
      o.zf_pg = std::string(next());
    } else if (arg == "--zf-block-size") {
      o.zf_block_size = ParseCount(arg, next());
    } else if (arg == "--zf-cache-mib") {
      const std::string_view text = next();
      o.zf_cache_mib = text == "0" ? 0 : ParseCount(arg, text);
    } else if (arg == "--zf-compression") {
      const std::string_view c = next();
      if (c == "none") {
        o.zf_compression = zf::StoreOptions::Compression::kNone;
      } else if (c == "lz4") {
        o.zf_compression = zf::StoreOptions::Compression::kLz4;
      } else if (c == "snappy") {
        o.zf_compression = zf::StoreOptions::Compression::kSnappy;
      } else {
        Die("--zf-compression takes none, lz4 or snappy");
      }
    } else if (arg == "--zf-cache-event-reads") {
      o.zf_cache_event_reads = true;
    } else if (arg == "--keep-zf") {
      o.keep_zf = true;
    } else if (arg == "--dir") {
      o.dir = std::string(next());
    } else if (arg == "--only") {
      o.run_zf = o.run_sqlite = o.run_pg = o.run_zfpg = false;
      std::string_view list = next();
      while (!list.empty()) {
        const std::string_view name = list.substr(0, list.find(','));
        list.remove_prefix(std::min(list.size(), name.size() + 1));
        if (name == "zf") {
          o.run_zf = true;
        } else if (name == "sqlite") {
          o.run_sqlite = true;
        } else if (name == "pg") {
          o.run_pg = true;
        } else if (name == "zfpg") {
          o.run_zfpg = true;
        } else {
          Die(fmt::format("--only: unknown system '{}' (zf, sqlite, pg, zfpg)", name));
        }
      }
    } else if (arg == "--help" || arg == "-h") {
      PrintUsage();
      std::exit(0);
    } else {
      PrintUsage();
      Die(fmt::format("unknown argument '{}'", arg));
    }
  }
  if (o.events < o.streams) Die("--events must be at least --streams");
  if (o.pg.empty()) o.run_pg = false;
  if (o.zf_pg.empty() || o.pg.empty()) o.run_zfpg = false;
  return o;
}

// --- The workload -------------------------------------------------------------

constexpr std::array kTypes = {"evidence_recorded",     "evidence_recorded",
                               "inspection_conducted",  "party_statement_taken",
                               "rectification_ordered", "pre_decision_notice_served",
                               "decision_made",         "payment_received"};
constexpr std::array kRoles = {"enforcement_officer", "legal_reviewer", "agency_head"};
constexpr std::array kUnits = {"gaosha", "fenggang", "lingzhi", "doumen", "mashan"};
constexpr std::array kItems = {
    std::pair{"SAFE-017", "未按规定对重大危险源进行登记建档"},
    std::pair{"ENV-004", "未依法报批建设项目环境影响评价文件"},
    std::pair{"FIRE-011", "占用、堵塞、封闭疏散通道和安全出口"},
    std::pair{"MKT-032", "销售不符合安全标准的产品"},
};
constexpr std::array kParties = {"越城区恒盛化工有限公司", "柯桥区华翔纺织印染有限公司",
                                 "上虞区东方机械制造有限公司", "诸暨市金鼎建材有限公司"};
constexpr std::array kDescriptions = {
    "现场检查发现未对重大危险源登记建档。", "当事人未开展安全培训，记录缺失。",
    "已送达事先告知书，当事人未申辩。", "当事人已缴纳罚款，凭证已归档。"};

// One event as every system receives it.
struct Event {
  std::uint32_t stream = 0;   // index; the stream's name is StreamName()
  std::uint32_t version = 0;  // from 1
  std::string type;
  std::string occurred_at;
  zf::Actor actor;
  std::string data;  // JSON text, ~400 bytes
};

std::string StreamName(std::uint32_t stream) {
  return fmt::format("case/SX-2023-{:06d}", stream + 1);
}

// Payload and envelope fields of the `version`th event of `stream`.
Event MakeEvent(std::mt19937_64& rng, std::uint32_t stream, std::uint32_t version) {
  Event e;
  e.stream = stream;
  e.version = version;
  e.type = version == 1 ? "case_filed" : kTypes[rng() % kTypes.size()];
  e.occurred_at = fmt::format("2023-{:02d}-{:02d}T{:02d}:{:02d}:00+08:00", 1 + rng() % 12,
                              1 + rng() % 28, 8 + rng() % 10, rng() % 60);
  e.actor = {fmt::format("SX-OF-{:04d}", rng() % 400), kRoles[rng() % kRoles.size()],
             kUnits[rng() % kUnits.size()]};
  char digest[65];
  for (int k = 0; k < 4; ++k) fmt::format_to(digest + 16 * k, "{:016x}", rng());
  digest[64] = '\0';
  const auto& item = kItems[stream % kItems.size()];
  json::object data;
  data["case_id"] = fmt::format("SX-2023-{:06d}", stream + 1);
  data["item_code"] = item.first;
  data["item_name"] = item.second;
  data["party_name"] = kParties[stream % kParties.size()];
  data["party_uscc"] = fmt::format("913306{:02d}MA2B{:06X}", stream % 100,
                                   stream * 2654435761u % 0xFFFFFF);
  data["amount_fen"] = static_cast<std::int64_t>(rng() % 50'000'000);
  data["confiscated_fen"] = static_cast<std::int64_t>(rng() % 4 == 0 ? rng() % 2'000'000 : 0);
  data["evidence_count"] = static_cast<std::int64_t>(rng() % 20 + 1);
  data["attachment_sm3"] = std::string_view(digest, 64);
  data["description"] = kDescriptions[rng() % kDescriptions.size()];
  e.data = json::serialize(data);
  return e;
}

// Every stream's events, versions in order within a stream, streams
// interleaved in a shuffled global order.
std::vector<Event> MakeImport(const Options& o) {
  std::vector<std::uint32_t> order;
  order.reserve(o.events);
  for (std::uint64_t i = 0; i < o.events; ++i) order.push_back(i % o.streams);
  std::mt19937_64 rng(20230912);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::uint32_t> versions(o.streams, 0);
  std::vector<Event> events;
  events.reserve(o.events);
  for (std::uint32_t s : order) events.push_back(MakeEvent(rng, s, ++versions[s]));
  return events;
}

// The integer every reader sums, so that no parse can be skipped.
std::int64_t Touch(const json::value& data) {
  const json::value* v = data.as_object().if_contains("amount_fen");
  if (v == nullptr || !v->is_int64()) Die("a payload lacks amount_fen");
  return v->get_int64();
}

std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

// --- What each system implements -------------------------------------------

struct ReadStats {
  std::uint64_t events = 0;
  std::int64_t sum = 0;
};

// One client's connection. Append() returns false on any failure (the
// benchmark then dies: no conflicts are expected).
class Client {
 public:
  virtual ~Client() = default;
  virtual void Append(const Event& e, const std::string& command_id) = 0;
};

class System {
 public:
  virtual ~System() = default;
  virtual std::string_view name() const = 0;
  // Untimed: turns a batch into the system's own request form, if it has one.
  virtual void PrepareBatch(std::span<const Event>, std::uint64_t) {}
  // Appends the batch in one transaction, with one sync.
  virtual void ImportBatch(std::span<const Event> events, std::uint64_t first_command) = 0;
  virtual ReadStats Replay() = 0;
  virtual ReadStats ReadStream(std::uint32_t stream) = 0;
  virtual std::unique_ptr<Client> NewClient() = 0;
};

// --- zf --------------------------------------------------------------------------

zf::AppendRequest ToRequest(const Event& e, std::string command_id) {
  zf::AppendRequest r;
  r.stream = StreamName(e.stream);
  r.expected = zf::ExpectedVersion::Exact(e.version - 1);
  r.command_id = std::move(command_id);
  zf::NewEvent n;
  n.type = e.type;
  n.occurred_at = e.occurred_at;
  n.actor = e.actor;
  n.data = json::parse(e.data);
  r.events.push_back(std::move(n));
  return r;
}

void CheckZf(const zf::Result<zf::AppendResult>& r, std::string_view what) {
  if (!r.ok()) Die(fmt::format("zf {}: {}", what, r.status().ToString()));
}

class ZfSystem final : public System {
 public:
  // zf's PostgreSQL store: the same calls on another kind of store.
  ZfSystem(std::unique_ptr<zf::EventStore> store, std::string_view name)
      : name_(name), store_(std::move(store)) {}
  ZfSystem(const fs::path& dir, const Options& o) {
    zf::StoreOptions options;
    if (o.zf_block_size) options.events_block_size = *o.zf_block_size;
    if (o.zf_cache_mib) options.block_cache_bytes = *o.zf_cache_mib << 20;
    if (o.zf_compression) options.events_compression = *o.zf_compression;
    options.cache_event_reads = o.zf_cache_event_reads;
    auto store = zf::OpenRocksDbEventStore(options, dir.string());
    if (!store.ok()) Die(fmt::format("zf open: {}", store.status().ToString()));
    store_ = std::move(*store);
  }
  std::string_view name() const override { return name_; }

  void ImportBatch(std::span<const Event> events, std::uint64_t first_command) override {
    // The requests were made by PrepareBatch, before the clock started.
    auto results = store_->AppendBatch(batch_, {.sync = true});
    if (!results.ok()) Die(fmt::format("zf import: {}", results.status().ToString()));
    for (const auto& r : *results) CheckZf(r, "import");
    (void)events;
    (void)first_command;
  }
  void PrepareBatch(std::span<const Event> events, std::uint64_t first_command) override {
    batch_.clear();
    for (std::size_t i = 0; i < events.size(); ++i) {
      batch_.push_back(ToRequest(events[i], fmt::format("imp-{:08d}", first_command + i)));
    }
  }
  ReadStats Replay() override {
    ReadStats stats;
    auto cursor = store_->ReadAll(1);
    for (; cursor->Valid(); cursor->Next()) {
      ++stats.events;
      stats.sum += Touch(cursor->event().data);
    }
    if (!cursor->status().ok()) Die(fmt::format("zf replay: {}", cursor->status().ToString()));
    return stats;
  }
  ReadStats ReadStream(std::uint32_t stream) override {
    ReadStats stats;
    auto cursor = store_->ReadStream(StreamName(stream), 1, zf::Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) {
      ++stats.events;
      stats.sum += Touch(cursor->event().data);
    }
    if (!cursor->status().ok()) Die(fmt::format("zf read: {}", cursor->status().ToString()));
    return stats;
  }
  std::unique_ptr<Client> NewClient() override;

 private:
  friend class ZfClient;
  std::string name_ = "zf";
  std::unique_ptr<zf::EventStore> store_;
  std::vector<zf::AppendRequest> batch_;
};

class ZfClient final : public Client {
 public:
  explicit ZfClient(zf::EventStore* store) : store_(store) {}
  void Append(const Event& e, const std::string& command_id) override {
    CheckZf(store_->Append(ToRequest(e, command_id), {.sync = true}), "append");
  }

 private:
  zf::EventStore* store_;
};

std::unique_ptr<Client> ZfSystem::NewClient() { return std::make_unique<ZfClient>(store_.get()); }

// --- SQLite ------------------------------------------------------------------------

void CheckSqlite(sqlite3* db, int rc, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Die(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db)));
  }
}

// One connection with its prepared statements.
class SqliteConnection {
 public:
  explicit SqliteConnection(const fs::path& file) {
    CheckSqlite(db_, sqlite3_open(file.c_str(), &db_), "open");
    // Writers wait for each other inside SQLite's busy handler.
    sqlite3_busy_timeout(db_, 600'000);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec(
        "CREATE TABLE IF NOT EXISTS events("
        " position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,"
        " type TEXT NOT NULL, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL,"
        " actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_unit TEXT NOT NULL,"
        " command_id TEXT NOT NULL UNIQUE, data TEXT NOT NULL, UNIQUE(stream, version));"
        "CREATE TABLE IF NOT EXISTS streams("
        " stream TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID");
    begin_ = Prepare("BEGIN IMMEDIATE");
    commit_ = Prepare("COMMIT");
    head_ = Prepare("SELECT version FROM streams WHERE stream = ?1");
    insert_ = Prepare(
        "INSERT INTO events(stream, version, type, occurred_at, recorded_at, actor_id,"
        " actor_role, actor_unit, command_id, data) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    upsert_ = Prepare(
        "INSERT INTO streams(stream, version) VALUES(?1, ?2)"
        " ON CONFLICT(stream) DO UPDATE SET version = excluded.version");
    read_ = Prepare(
        "SELECT position, version, type, occurred_at, recorded_at, actor_id, actor_role,"
        " actor_unit, command_id, data FROM events WHERE stream = ?1 ORDER BY version");
  }
  ~SqliteConnection() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  sqlite3* db() const { return db_; }

  void Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      Die(fmt::format("sqlite '{}': {}", sql, error ? error : "?"));
    }
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    CheckSqlite(db_, sqlite3_prepare_v2(db_, sql, -1, &s, nullptr), sql);
    statements_.push_back(s);
    return s;
  }
  void Step(sqlite3_stmt* s, std::string_view what) {
    CheckSqlite(db_, sqlite3_step(s), what);
    sqlite3_reset(s);
  }
  static void Bind(sqlite3_stmt* s, int i, std::string_view text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }

  // Appends inside an open transaction, checking the expected version.
  void AppendInTransaction(const Event& e, const std::string& stream,
                           const std::string& command_id, const std::string& recorded_at) {
    Bind(head_, 1, stream);
    const int rc = sqlite3_step(head_);
    CheckSqlite(db_, rc, "head");
    const std::int64_t actual = rc == SQLITE_ROW ? sqlite3_column_int64(head_, 0) : 0;
    sqlite3_reset(head_);
    if (actual != static_cast<std::int64_t>(e.version) - 1) {
      Die(fmt::format("sqlite: {} is at {}, expected {}", stream, actual, e.version - 1));
    }
    Bind(insert_, 1, stream);
    sqlite3_bind_int64(insert_, 2, e.version);
    Bind(insert_, 3, e.type);
    Bind(insert_, 4, e.occurred_at);
    Bind(insert_, 5, recorded_at);
    Bind(insert_, 6, e.actor.id);
    Bind(insert_, 7, e.actor.role);
    Bind(insert_, 8, e.actor.unit);
    Bind(insert_, 9, command_id);
    Bind(insert_, 10, e.data);
    Step(insert_, "insert");
    Bind(upsert_, 1, stream);
    sqlite3_bind_int64(upsert_, 2, e.version);
    Step(upsert_, "streams");
  }
  void Begin() { Step(begin_, "begin"); }
  void Commit() { Step(commit_, "commit"); }
  sqlite3_stmt* read() const { return read_; }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
  sqlite3_stmt *begin_, *commit_, *head_, *insert_, *upsert_, *read_;
};

class SqliteClient final : public Client {
 public:
  explicit SqliteClient(const fs::path& file) : connection_(file) {}
  void Append(const Event& e, const std::string& command_id) override {
    const std::string stream = StreamName(e.stream);
    connection_.Begin();
    connection_.AppendInTransaction(e, stream, command_id, NowUtc());
    connection_.Commit();
  }

 private:
  SqliteConnection connection_;
};

class SqliteSystem final : public System {
 public:
  explicit SqliteSystem(const fs::path& dir) : file_(dir / "events.db"), main_(file_) {}
  std::string_view name() const override { return "SQLite"; }

  void ImportBatch(std::span<const Event> events, std::uint64_t first_command) override {
    const std::string recorded_at = NowUtc();
    main_.Begin();
    for (std::size_t i = 0; i < events.size(); ++i) {
      main_.AppendInTransaction(events[i], StreamName(events[i].stream),
                                fmt::format("imp-{:08d}", first_command + i), recorded_at);
    }
    main_.Commit();
  }
  ReadStats Replay() override {
    SqliteConnection c(file_);
    sqlite3_stmt* s = c.Prepare(
        "SELECT position, stream, version, type, occurred_at, recorded_at, actor_id,"
        " actor_role, actor_unit, command_id, data FROM events ORDER BY position");
    ReadStats stats;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      stats.events += ReadRow(s, 1) ? 1 : 0;
      stats.sum += Touch(json::parse(Text(s, 10)));
    }
    CheckSqlite(c.db(), rc, "replay");
    return stats;
  }
  ReadStats ReadStream(std::uint32_t stream) override {
    sqlite3_stmt* s = main_.read();
    const std::string name = StreamName(stream);
    SqliteConnection::Bind(s, 1, name);
    ReadStats stats;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      stats.events += ReadRow(s, 1) ? 1 : 0;
      stats.sum += Touch(json::parse(Text(s, 9)));
    }
    CheckSqlite(main_.db(), rc, "read");
    sqlite3_reset(s);
    return stats;
  }
  std::unique_ptr<Client> NewClient() override { return std::make_unique<SqliteClient>(file_); }

 private:
  static std::string_view Text(sqlite3_stmt* s, int column) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(s, column))};
  }
  // Copies the envelope columns out, as a reader building events would.
  static bool ReadRow(sqlite3_stmt* s, int first_text) {
    thread_local std::string sink;
    sink.clear();
    const int columns = sqlite3_column_count(s);
    for (int c = first_text; c < columns - 1; ++c) sink.append(Text(s, c));
    return sqlite3_column_int64(s, 0) > 0;
  }
  fs::path file_;
  SqliteConnection main_;
};

// --- PostgreSQL ----------------------------------------------------------------------

constexpr const char* kPgSchema = R"sql(
DROP TABLE IF EXISTS events, streams, counter;
CREATE TABLE counter (id int PRIMARY KEY, position bigint NOT NULL);
INSERT INTO counter VALUES (1, 0);
CREATE TABLE streams (stream text PRIMARY KEY, version bigint NOT NULL);
CREATE TABLE events (
  position bigint PRIMARY KEY, stream text NOT NULL, version bigint NOT NULL,
  type text NOT NULL, occurred_at text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
  actor_id text NOT NULL, actor_role text NOT NULL, actor_unit text NOT NULL,
  command_id text NOT NULL UNIQUE, data jsonb NOT NULL, UNIQUE (stream, version));
-- Optimistic concurrency on the streams row; the position from the counter
-- row, locked until commit, so positions are dense and in commit order.
CREATE OR REPLACE FUNCTION append_event(p_stream text, p_expected bigint, p_type text,
    p_occurred text, p_actor_id text, p_actor_role text, p_actor_unit text,
    p_command text, p_data jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  pos bigint;
  n int;
BEGIN
  IF p_expected = 0 THEN
    INSERT INTO streams VALUES (p_stream, 1) ON CONFLICT DO NOTHING;
  ELSE
    UPDATE streams SET version = p_expected + 1
      WHERE stream = p_stream AND version = p_expected;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN
    RAISE EXCEPTION 'stream % is not at version %', p_stream, p_expected
      USING ERRCODE = 'serialization_failure';
  END IF;
  UPDATE counter SET position = position + 1 WHERE id = 1 RETURNING position INTO pos;
  INSERT INTO events (position, stream, version, type, occurred_at, actor_id, actor_role,
                      actor_unit, command_id, data)
    VALUES (pos, p_stream, p_expected + 1, p_type, p_occurred, p_actor_id, p_actor_role,
            p_actor_unit, p_command, p_data);
  RETURN pos;
END $$;
)sql";

class PgConnection {
 public:
  explicit PgConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Die(fmt::format("pg connect: {}", PQerrorMessage(conn_)));
  }
  ~PgConnection() { PQfinish(conn_); }
  PGconn* get() const { return conn_; }

  void Exec(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Die(fmt::format("pg '{:.60}': {}", sql, PQerrorMessage(conn_)));
    }
    PQclear(r);
  }
  void PrepareAppend() {
    PGresult* r = PQprepare(conn_, "append",
                            "SELECT append_event($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(fmt::format("pg prepare: {}", PQerrorMessage(conn_)));
    PQclear(r);
  }
  // Sends one append_event call (in pipeline mode: not waited for).
  bool SendAppend(const Event& e, const std::string& stream, const std::string& command_id) {
    const std::string expected = std::to_string(e.version - 1);
    const char* values[9] = {stream.c_str(),      expected.c_str(),    e.type.c_str(),
                             e.occurred_at.c_str(), e.actor.id.c_str(), e.actor.role.c_str(),
                             e.actor.unit.c_str(), command_id.c_str(), e.data.c_str()};
    return PQsendQueryPrepared(conn_, "append", 9, values, nullptr, nullptr, 0) == 1;
  }
  void Append(const Event& e, const std::string& command_id) {
    const std::string stream = StreamName(e.stream);
    const std::string expected = std::to_string(e.version - 1);
    const char* values[9] = {stream.c_str(),      expected.c_str(),    e.type.c_str(),
                             e.occurred_at.c_str(), e.actor.id.c_str(), e.actor.role.c_str(),
                             e.actor.unit.c_str(), command_id.c_str(), e.data.c_str()};
    PGresult* r = PQexecPrepared(conn_, "append", 9, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(fmt::format("pg append: {}", PQerrorMessage(conn_)));
    PQclear(r);
  }

 private:
  PGconn* conn_;
};

class PgClient final : public Client {
 public:
  explicit PgClient(const std::string& conninfo) : connection_(conninfo) {
    connection_.PrepareAppend();
  }
  void Append(const Event& e, const std::string& command_id) override {
    connection_.Append(e, command_id);
  }

 private:
  PgConnection connection_;
};

class PgSystem final : public System {
 public:
  explicit PgSystem(std::string conninfo) : conninfo_(std::move(conninfo)), main_(conninfo_) {
    main_.Exec("SET client_min_messages = warning");
    main_.Exec(kPgSchema);
    main_.PrepareAppend();
    PGresult* r = PQprepare(main_.get(), "read",
                            "SELECT position, version, type, occurred_at, recorded_at, actor_id,"
                            " actor_role, actor_unit, command_id, data FROM events"
                            " WHERE stream = $1 ORDER BY version",
                            1, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(fmt::format("pg prepare: {}", PQerrorMessage(main_.get())));
    PQclear(r);
  }
  ~PgSystem() override {
    PGresult* r = PQexec(main_.get(), "DROP TABLE IF EXISTS events, streams, counter");
    PQclear(r);
  }
  std::string_view name() const override { return "PostgreSQL"; }

  // One transaction of 100 append_event calls, sent as a pipeline (one
  // round trip), committed with one WAL flush.
  void ImportBatch(std::span<const Event> events, std::uint64_t first_command) override {
    PGconn* c = main_.get();
    if (PQenterPipelineMode(c) != 1) Die("pg: no pipeline mode");
    bool sent = PQsendQueryParams(c, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    for (std::size_t i = 0; i < events.size() && sent; ++i) {
      sent = main_.SendAppend(events[i], StreamName(events[i].stream),
                              fmt::format("imp-{:08d}", first_command + i));
    }
    sent = sent && PQsendQueryParams(c, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    sent = sent && PQpipelineSync(c) == 1;
    if (!sent) Die(fmt::format("pg send: {}", PQerrorMessage(c)));
    // events.size() + 2 results, each followed by a null, then the sync.
    for (std::size_t i = 0; i < events.size() + 2; ++i) {
      PGresult* r = PQgetResult(c);
      const auto status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Die(fmt::format("pg import: {}", PQresultErrorMessage(r)));
      }
      PQclear(r);
      if (PQgetResult(c) != nullptr) Die("pg import: an unexpected result");
    }
    PGresult* sync = PQgetResult(c);
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) Die("pg import: no pipeline sync");
    PQclear(sync);
    if (PQexitPipelineMode(c) != 1) Die(fmt::format("pg: {}", PQerrorMessage(c)));
  }
  ReadStats Replay() override {
    PgConnection c(conninfo_);
    c.Exec("BEGIN");
    c.Exec(
        "DECLARE replay NO SCROLL CURSOR FOR SELECT position, stream, version, type,"
        " occurred_at, recorded_at, actor_id, actor_role, actor_unit, command_id, data"
        " FROM events ORDER BY position");
    ReadStats stats;
    for (;;) {
      PGresult* r = PQexec(c.get(), "FETCH 10000 FROM replay");
      if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(fmt::format("pg replay: {}", PQerrorMessage(c.get())));
      const int rows = PQntuples(r);
      for (int i = 0; i < rows; ++i) stats.sum += TakeRow(r, i, 1, 10);
      stats.events += rows;
      PQclear(r);
      if (rows == 0) break;
    }
    c.Exec("COMMIT");
    return stats;
  }
  ReadStats ReadStream(std::uint32_t stream) override {
    const std::string name = StreamName(stream);
    const char* values[1] = {name.c_str()};
    PGresult* r = PQexecPrepared(main_.get(), "read", 1, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(fmt::format("pg read: {}", PQerrorMessage(main_.get())));
    ReadStats stats;
    const int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) stats.sum += TakeRow(r, i, 1, 9);
    stats.events = rows;
    PQclear(r);
    return stats;
  }
  std::unique_ptr<Client> NewClient() override { return std::make_unique<PgClient>(conninfo_); }

 private:
  // Copies the envelope columns out and parses the payload.
  static std::int64_t TakeRow(PGresult* r, int row, int first_text, int data_column) {
    thread_local std::string sink;
    sink.clear();
    for (int c = first_text; c < data_column; ++c) sink.append(PQgetvalue(r, row, c));
    return Touch(json::parse(std::string_view(PQgetvalue(r, row, data_column),
                                              PQgetlength(r, row, data_column))));
  }
  std::string conninfo_;
  PgConnection main_;
};

// --- Phases --------------------------------------------------------------------------

struct Figures {
  double import_rate = 0;
  double replay_rate = 0;
  double read_p50_us = 0, read_p99_us = 0;
  double append1_rate = 0;
  double appendc_rate = 0;
  // Per-client completed appends in the concurrent phase.
  std::uint64_t appendc_min = 0;
  double appendc_mean = 0;
  bool starved() const { return appendc_min * 4 < appendc_mean; }
};

constexpr std::size_t kImportBatch = 100;

double Import(System& system, const std::vector<Event>& events) {
  Clock::duration timed{};
  for (std::size_t begin = 0; begin < events.size(); begin += kImportBatch) {
    const std::size_t n = std::min(kImportBatch, events.size() - begin);
    const std::span<const Event> batch(events.data() + begin, n);
    system.PrepareBatch(batch, begin);
    const auto start = Clock::now();
    system.ImportBatch(batch, begin);
    timed += Clock::now() - start;
  }
  return events.size() / Seconds(timed);
}

double Replay(System& system, std::uint64_t expected_events, std::int64_t expected_sum) {
  const auto start = Clock::now();
  const ReadStats stats = system.Replay();
  const double seconds = Seconds(Clock::now() - start);
  if (stats.events != expected_events || stats.sum != expected_sum) {
    Die(fmt::format("{} replay read {} events (sum {}), expected {} (sum {})", system.name(),
                    stats.events, stats.sum, expected_events, expected_sum));
  }
  return stats.events / seconds;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

void ReadStreams(System& system, const Options& o, const std::vector<std::int64_t>& sums,
                 const std::vector<std::uint32_t>& lengths, Figures* f) {
  // First as many untimed reads of other random streams: the figures are
  // of a reader in steady state, whose caches (zf's block cache, SQLite's
  // page cache, PostgreSQL's shared buffers) are full and recycle memory.
  // (Filling zf's 128 MiB cache from cold costs a page fault per 4 KiB
  // block in this VM: p50 377 against 222 µs with an 8 MiB cache in a
  // 300,000-event run.)
  std::mt19937_64 warm(8);
  for (std::size_t i = 0; i < o.reads; ++i) {
    const auto stream = static_cast<std::uint32_t>(warm() % o.streams);
    if (system.ReadStream(stream).events != lengths[stream]) Die("a warm-up read came up short");
  }
  std::mt19937_64 rng(7);
  std::vector<double> micros;
  micros.reserve(o.reads);
  for (std::size_t i = 0; i < o.reads; ++i) {
    const auto stream = static_cast<std::uint32_t>(rng() % o.streams);
    const auto start = Clock::now();
    const ReadStats stats = system.ReadStream(stream);
    micros.push_back(Seconds(Clock::now() - start) * 1e6);
    if (stats.events != lengths[stream] || stats.sum != sums[stream]) {
      Die(fmt::format("{} read {} events of stream {}, expected {}", system.name(), stats.events,
                      stream, lengths[stream]));
    }
  }
  f->read_p50_us = Percentile(micros, 0.50);
  f->read_p99_us = Percentile(micros, 0.99);
}

// `clients` threads append for `seconds` to their own streams (stream s
// belongs to client s % clients). Returns appends/s; per-client counts in
// `counts`. `versions` is every stream's current version, advanced here.
double DurableAppends(System& system, const Options& o, std::size_t clients,
                      std::vector<std::uint32_t>* versions, std::string_view tag,
                      std::vector<std::uint64_t>* counts) {
  // Payloads are made first: a pool per client, cycled.
  constexpr std::size_t kPool = 64;
  std::vector<std::vector<Event>> pools(clients);
  std::mt19937_64 rng(99);
  for (std::size_t c = 0; c < clients; ++c) {
    for (std::size_t k = 0; k < kPool; ++k) {
      pools[c].push_back(MakeEvent(rng, static_cast<std::uint32_t>(c), 2));
    }
  }
  std::vector<std::unique_ptr<Client>> connections;
  for (std::size_t c = 0; c < clients; ++c) connections.push_back(system.NewClient());
  counts->assign(clients, 0);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> ready{0};
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::uint64_t n = 0;
      std::uint32_t stream = static_cast<std::uint32_t>(c);
      std::string command_id;
      ready.fetch_add(1);
      while (ready.load() < clients + 1) std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        Event e = pools[c][n % kPool];
        e.stream = stream;
        e.version = ++(*versions)[stream];
        command_id = fmt::format("{}-{}-{}", tag, c, n);
        connections[c]->Append(e, command_id);
        ++n;
        stream += static_cast<std::uint32_t>(clients);
        if (stream >= o.streams) stream = static_cast<std::uint32_t>(c);
      }
      (*counts)[c] = n;
    });
  }
  while (ready.load() < clients) std::this_thread::yield();
  const auto start = Clock::now();
  ready.fetch_add(1);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double seconds = Seconds(Clock::now() - start);
  std::uint64_t total = 0;
  for (std::uint64_t n : *counts) total += n;
  return total / seconds;
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto tv = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

// Waits (untimed) until this process has been nearly idle for half a
// second: zf's RocksDB background flushes and compactions have finished, so
// none of them runs inside the next timed phase (of zf or of a peer). Gives
// up after five minutes.
void WaitForQuiet() {
  const auto start = Clock::now();
  int quiet = 0;
  double cpu = ProcessCpuSeconds();
  while (quiet < 2 && Clock::now() - start < std::chrono::minutes(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const double now = ProcessCpuSeconds();
    quiet = now - cpu < 0.01 ? quiet + 1 : 0;
    cpu = now;
  }
}

// One run: each phase on every system in turn before the next phase, so
// that the figures compared in a row were measured minutes apart at most
// (the machine's load drifts). Returns the figures in `systems` order.
std::vector<Figures> RunAll(const std::vector<System*>& systems, const Options& o,
                            const std::vector<Event>& events, std::int64_t expected_sum,
                            const std::vector<std::int64_t>& sums, std::size_t run) {
  std::vector<Figures> figures(systems.size());
  for (std::size_t i = 0; i < systems.size(); ++i) {
    WaitForQuiet();
    figures[i].import_rate = Import(*systems[i], events);
  }
  for (std::size_t i = 0; i < systems.size(); ++i) {
    WaitForQuiet();
    figures[i].replay_rate = Replay(*systems[i], events.size(), expected_sum);
  }
  std::vector<std::uint32_t> lengths(o.streams, 0);
  for (const Event& e : events) lengths[e.stream] = std::max(lengths[e.stream], e.version);
  for (std::size_t i = 0; i < systems.size(); ++i) {
    WaitForQuiet();
    ReadStreams(*systems[i], o, sums, lengths, &figures[i]);
  }
  std::vector<std::vector<std::uint32_t>> versions(systems.size(), lengths);
  std::vector<std::uint64_t> counts;
  for (std::size_t i = 0; i < systems.size(); ++i) {
    WaitForQuiet();
    figures[i].append1_rate =
        DurableAppends(*systems[i], o, 1, &versions[i], fmt::format("one{}", run), &counts);
  }
  for (std::size_t i = 0; i < systems.size(); ++i) {
    Figures& f = figures[i];
    WaitForQuiet();
    f.appendc_rate = DurableAppends(*systems[i], o, o.clients, &versions[i],
                                    fmt::format("many{}", run), &counts);
    f.appendc_min = *std::min_element(counts.begin(), counts.end());
    std::uint64_t total = 0;
    for (std::uint64_t n : counts) total += n;
    f.appendc_mean = static_cast<double>(total) / counts.size();
  }
  for (std::size_t i = 0; i < systems.size(); ++i) {
    const Figures& f = figures[i];
    fmt::print(stderr,
               "  {:<10} run {}: import {:.0f}/s, replay {:.0f}/s, read p50 {:.0f} p99 {:.0f} us, "
               "append x1 {:.0f}/s, x{} {:.0f}/s (per client min {} mean {:.1f})\n",
               systems[i]->name(), run + 1, f.import_rate, f.replay_rate, f.read_p50_us,
               f.read_p99_us, f.append1_rate, o.clients, f.appendc_rate, f.appendc_min,
               f.appendc_mean);
  }
  return figures;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::string LoadAverage() {
  std::string load = "?";
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[128] = {};
    if (std::fgets(buf, sizeof(buf), f) != nullptr) load = buf;
    std::fclose(f);
  }
  while (!load.empty() && (load.back() == '\n' || load.back() == ' ')) load.pop_back();
  return load;
}

// 1234567.8 -> "1,234,568/s".
std::string Rate(double r) {
  std::string digits = std::to_string(static_cast<std::uint64_t>(r + 0.5));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits + "/s";
}

// The source tree's commit, as `git describe` names it ("-dirty" with
// uncommitted changes).
std::string SourceCommit() {
  std::string commit;
  const std::string command =
      fmt::format("git -C '{}' describe --always --dirty --abbrev=12 2>/dev/null", ZF_SOURCE_DIR);
  if (std::FILE* p = ::popen(command.c_str(), "r")) {
    char buf[128] = {};
    if (std::fgets(buf, sizeof(buf), p) != nullptr) commit = buf;
    ::pclose(p);
  }
  while (!commit.empty() && commit.back() == '\n') commit.pop_back();
  return commit.empty() ? "unknown" : commit;
}

}  // namespace

void DropSchema(const Options& o, const std::string& schema) {
  PgConnection admin(o.pg);
  admin.Exec("SET client_min_messages = warning");
  admin.Exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema).c_str());
}

// zf's PostgreSQL store in a fresh schema of the benchmark's server.
std::unique_ptr<System> MakeZfPg(const Options& o, const std::string& schema) {
  DropSchema(o, schema);
  PgConnection admin(o.pg);
  admin.Exec(fmt::format("CREATE SCHEMA {}", schema).c_str());
  const std::string url = fmt::format("{}{}options=-csearch_path%3D{}", o.zf_pg,
                                      o.zf_pg.find('?') == std::string::npos ? "?" : "&", schema);
  auto store = zf::OpenPostgresEventStore(zf::StoreOptions{}, url);
  if (!store.ok()) Die(fmt::format("zf on PostgreSQL: {}", store.status().ToString()));
  return std::make_unique<ZfSystem>(std::move(*store), "zf on PostgreSQL");
}

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const std::string load_before = LoadAverage();
  fs::path dir = o.dir.empty() ? fs::temp_directory_path() / fmt::format("zf-peers-{}", ::getpid())
                               : fs::path(o.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) Die(fmt::format("cannot create {}: {}", dir.string(), ec.message()));

  fmt::print(stderr, "peers: generating {} events over {} streams\n", o.events, o.streams);
  const std::vector<Event> events = MakeImport(o);
  std::int64_t expected_sum = 0;
  std::vector<std::int64_t> sums(o.streams, 0);
  for (const Event& e : events) {
    const std::int64_t v = Touch(json::parse(e.data));
    expected_sum += v;
    sums[e.stream] += v;
  }

  std::vector<std::vector<Figures>> figures(4);  // pg, sqlite, zf, zfpg
  for (std::size_t run = 0; run < o.runs; ++run) {
    const fs::path zf_dir = dir / fmt::format("zf-{}", run);
    const fs::path sqlite_dir = dir / fmt::format("sqlite-{}", run);
    fs::create_directories(sqlite_dir, ec);
    std::unique_ptr<System> pg, sqlite, zf, zfpg;
    std::vector<System*> systems;
    std::vector<std::size_t> slots;
    if (o.run_pg) {
      pg = std::make_unique<PgSystem>(o.pg);
      systems.push_back(pg.get());
      slots.push_back(0);
    }
    if (o.run_sqlite) {
      sqlite = std::make_unique<SqliteSystem>(sqlite_dir);
      systems.push_back(sqlite.get());
      slots.push_back(1);
    }
    if (o.run_zf) {
      zf = std::make_unique<ZfSystem>(zf_dir, o);
      systems.push_back(zf.get());
      slots.push_back(2);
    }
    const std::string zfpg_schema = fmt::format("zf_peers_{}", run);
    if (o.run_zfpg) {
      zfpg = MakeZfPg(o, zfpg_schema);
      systems.push_back(zfpg.get());
      slots.push_back(3);
    }
    const std::vector<Figures> run_figures = RunAll(systems, o, events, expected_sum, sums, run);
    for (std::size_t i = 0; i < slots.size(); ++i) figures[slots[i]].push_back(run_figures[i]);
    pg.reset();
    sqlite.reset();
    zf.reset();
    zfpg.reset();
    if (o.run_zfpg) DropSchema(o, zfpg_schema);
    if (!o.keep_zf || run + 1 < o.runs) fs::remove_all(zf_dir, ec);
    fs::remove_all(sqlite_dir, ec);
  }
  if (o.dir.empty() && !o.keep_zf) fs::remove_all(dir, ec);
  const std::string load_after = LoadAverage();

  struct Med {
    bool present = false;
    double import_rate, replay_rate, p50, p99, a1, ac;
    bool starved;
    std::uint64_t min;
    double mean;
  };
  auto median_of = [](const std::vector<Figures>& runs) {
    Med m{};
    if (runs.empty()) return m;
    m.present = true;
    auto pick = [&](auto field) {
      std::vector<double> v;
      for (const Figures& f : runs) v.push_back(field(f));
      return Median(v);
    };
    m.import_rate = pick([](const Figures& f) { return f.import_rate; });
    m.replay_rate = pick([](const Figures& f) { return f.replay_rate; });
    m.p50 = pick([](const Figures& f) { return f.read_p50_us; });
    m.p99 = pick([](const Figures& f) { return f.read_p99_us; });
    m.a1 = pick([](const Figures& f) { return f.append1_rate; });
    m.ac = pick([](const Figures& f) { return f.appendc_rate; });
    m.min = static_cast<std::uint64_t>(pick([](const Figures& f) { return double(f.appendc_min); }));
    m.mean = pick([](const Figures& f) { return f.appendc_mean; });
    m.starved = false;
    for (const Figures& f : runs) m.starved = m.starved || f.starved();
    return m;
  };
  const Med pg = median_of(figures[0]), sqlite = median_of(figures[1]), zf = median_of(figures[2]);
  const Med zfpg = median_of(figures[3]);
  auto cell = [](const Med& m, auto value) { return m.present ? value(m) : std::string("not run"); };
  // Higher is better for rates; for latencies the ratio is best peer / zf,
  // so that above 1 still means zf is better.
  auto rate_ratio = [&](auto field) -> std::string {
    if (!zf.present || (!pg.present && !sqlite.present)) return "–";
    double best = 0;
    if (pg.present) best = std::max(best, field(pg));
    if (sqlite.present) best = std::max(best, field(sqlite));
    return fmt::format("{:.2f}", field(zf) / best);
  };
  auto latency_ratio = [&](auto field) -> std::string {
    if (!zf.present || (!pg.present && !sqlite.present)) return "–";
    double best = 1e300;
    if (pg.present) best = std::min(best, field(pg));
    if (sqlite.present) best = std::min(best, field(sqlite));
    return fmt::format("{:.2f}", best / field(zf));
  };
  auto fairness = [&](const Med& m) {
    return fmt::format("{} ({}; per client min {} / mean {:.0f})", Rate(m.ac),
                       m.starved ? "some clients starve" : "fair", m.min, m.mean);
  };

  fmt::print("zf peers: {} events, {} streams x {} events, {} run(s) (medians), {} clients, "
             "{} s per append phase, {} stream reads; zf cache_event_reads={}\n",
             o.events, o.streams, o.events / o.streams, o.runs, o.clients, o.seconds, o.reads,
             o.zf_cache_event_reads);
  fmt::print("commit: {}\n", SourceCommit());
  fmt::print("load before: {}\n\n", load_before);
  fmt::print("| figure | PostgreSQL 15 event table | SQLite WAL, synchronous=FULL | zf | zf / best peer |\n");
  fmt::print("|---|---:|---:|---:|---:|\n");
  fmt::print("| durable append, 1 client | {} | {} | {} | {} |\n",
             cell(pg, [](const Med& m) { return Rate(m.a1); }),
             cell(sqlite, [](const Med& m) { return Rate(m.a1); }),
             cell(zf, [](const Med& m) { return Rate(m.a1); }),
             rate_ratio([](const Med& m) { return m.a1; }));
  fmt::print("| durable append, {} clients | {} | {} | {} | {} |\n", o.clients,
             cell(pg, fairness), cell(sqlite, fairness), cell(zf, fairness),
             rate_ratio([](const Med& m) { return m.ac; }));
  fmt::print("| bulk import, {} per batch | {} | {} | {} | {} |\n", kImportBatch,
             cell(pg, [](const Med& m) { return Rate(m.import_rate); }),
             cell(sqlite, [](const Med& m) { return Rate(m.import_rate); }),
             cell(zf, [](const Med& m) { return Rate(m.import_rate); }),
             rate_ratio([](const Med& m) { return m.import_rate; }));
  fmt::print("| replay + JSON parse | {} | {} | {} | {} |\n",
             cell(pg, [](const Med& m) { return Rate(m.replay_rate); }),
             cell(sqlite, [](const Med& m) { return Rate(m.replay_rate); }),
             cell(zf, [](const Med& m) { return Rate(m.replay_rate); }),
             rate_ratio([](const Med& m) { return m.replay_rate; }));
  auto lat = [](const Med& m) { return fmt::format("{:.0f} / {:.0f} µs", m.p50, m.p99); };
  fmt::print("| {}-event stream read, p50 / p99 | {} | {} | {} | {} / {} |\n",
             o.events / o.streams, cell(pg, lat), cell(sqlite, lat), cell(zf, lat),
             latency_ratio([](const Med& m) { return m.p50; }),
             latency_ratio([](const Med& m) { return m.p99; }));
  fmt::print("\n(stream reads: the ratio is best peer / zf, so above 1 means zf is faster)\n");
  if (zfpg.present) {
    // zf's PostgreSQL store against the plain event table on the same
    // server: the table is the ceiling (issue 16's goals: append >= 0.5 of
    // it, replay >= 1.0).
    auto ratio = [&](auto field) -> std::string {
      return pg.present ? fmt::format("{:.2f}", field(zfpg) / field(pg)) : std::string("–");
    };
    auto inverse = [&](auto field) -> std::string {
      return pg.present ? fmt::format("{:.2f}", field(pg) / field(zfpg)) : std::string("–");
    };
    fmt::print("\n| figure | PostgreSQL 15 event table | zf on PostgreSQL | zf / table | goal |\n");
    fmt::print("|---|---:|---:|---:|---:|\n");
    fmt::print("| durable append, 1 client | {} | {} | {} | ≥ 0.5 |\n",
               cell(pg, [](const Med& m) { return Rate(m.a1); }), Rate(zfpg.a1),
               ratio([](const Med& m) { return m.a1; }));
    fmt::print("| durable append, {} clients | {} | {} | {} | ≥ 0.5 |\n", o.clients,
               cell(pg, fairness), fairness(zfpg), ratio([](const Med& m) { return m.ac; }));
    fmt::print("| bulk import, {} per batch | {} | {} | {} | — |\n", kImportBatch,
               cell(pg, [](const Med& m) { return Rate(m.import_rate); }),
               Rate(zfpg.import_rate), ratio([](const Med& m) { return m.import_rate; }));
    fmt::print("| replay + JSON parse | {} | {} | {} | ≥ 1.0 |\n",
               cell(pg, [](const Med& m) { return Rate(m.replay_rate); }),
               Rate(zfpg.replay_rate), ratio([](const Med& m) { return m.replay_rate; }));
    fmt::print("| {}-event stream read, p50 / p99 | {} | {} | {} / {} | — |\n",
               o.events / o.streams, cell(pg, lat), lat(zfpg),
               inverse([](const Med& m) { return m.p50; }),
               inverse([](const Med& m) { return m.p99; }));
    fmt::print("\n(zf / table: above 1 means zf's store is faster; for stream reads the ratio is "
               "table / zf)\n");
  }
  fmt::print("load after: {}\n", load_after);
  return 0;
}

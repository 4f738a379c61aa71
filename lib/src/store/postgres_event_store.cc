// The PostgreSQL EventStore (docs/architecture.md, "The PostgreSQL store").
// The same planner, envelope and verifier as the RocksDB and memory stores,
// so the stored bytes, hashes and ledger are the same; tables instead of
// column families:
//
//   zf_meta        key -> value ("format_version" = "1")
//   zf_ledger      one row: position, ledger_hash of the last commit
//   zf_events      position (PK), stream, version (UNIQUE with stream),
//                  value = the stored envelope (envelope.h), byte for byte
//   zf_streams     stream (PK) -> version, position, hash of its last event
//   zf_commands    command_id (PK) -> the command record (key_codec.h)
//   zf_projections key (bytea, PK) -> value (bytea): inline projections
//   zf_checkpoints position (PK) -> signed checkpoint line
//
// One append (or batch) is one transaction. It starts by locking the
// zf_ledger row (SELECT … FOR UPDATE): every writer, in this process or
// another, queues on that row, so the next position is always the row's
// position + 1 and positions are dense and in commit order. The events,
// stream heads, command records, projection rows and the new ledger row
// commit together or not at all. A commit notifies the channel zf_<schema>
// (NOTIFY is delivered at commit), which wakes live subscriptions in other
// processes; subscriptions always read by position, so a lost or repeated
// notification costs a read, never an event.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "store/append_planner.h"
#include "store/chain_verifier.h"
#include "store/checkpointer.h"
#include "store/envelope.h"
#include "store/error_cursor.h"
#include "store/pg_connection.h"
#include "store/postgres_testing.h"
#include "store/raw_log.h"
#include "store/store_copy.h"
#include "store/subscription.h"
#include "util/canonical_json.h"
#include "util/rfc3339.h"
#include "util/sm3.h"
#include "zf/event_store.h"
#include "zf/store_location.h"

namespace zf {
namespace internal {
namespace {

constexpr std::string_view kPgFormatVersion = "1";
// Rows fetched per round trip by cursors and scans: bounds their memory.
constexpr int kPageRows = 512;

// The rows of one group (an append, a part of its one statement) or one
// chunk (a copy), one array per column; each {} is the placeholder ("$3")
// of a column's array.
constexpr char kInsertEvents[] =
    "INSERT INTO zf_events (position, stream, version, value) "
    "SELECT * FROM unnest({}::bigint[], {}::text[], {}::bigint[], {}::bytea[])";
constexpr char kInsertCommands[] =
    "INSERT INTO zf_commands (command_id, stream, first_version, last_version, "
    "first_position, last_position, last_hash, command) "
    "SELECT * FROM unnest({}::text[], {}::text[], {}::bigint[], {}::bigint[], "
    "{}::bigint[], {}::bigint[], {}::bytea[], {}::bytea[])";

// Created once per schema, under an advisory lock so that two processes
// creating the same store do not race in the catalog. COLLATE "C": keys
// compare as bytes, as RocksDB's do.
constexpr std::string_view kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS zf_meta (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL);
CREATE TABLE IF NOT EXISTS zf_ledger (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position bigint NOT NULL,
  ledger_hash bytea NOT NULL);
CREATE TABLE IF NOT EXISTS zf_events (
  position bigint PRIMARY KEY,
  stream text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  value bytea NOT NULL,
  UNIQUE (stream, version));
CREATE TABLE IF NOT EXISTS zf_streams (
  stream text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  position bigint NOT NULL,
  hash bytea NOT NULL);
CREATE TABLE IF NOT EXISTS zf_commands (
  command_id text COLLATE "C" PRIMARY KEY,
  stream text COLLATE "C" NOT NULL,
  first_version bigint NOT NULL,
  last_version bigint NOT NULL,
  first_position bigint NOT NULL,
  last_position bigint NOT NULL,
  last_hash bytea NOT NULL,
  command bytea NOT NULL);
CREATE TABLE IF NOT EXISTS zf_projections (
  key bytea PRIMARY KEY,
  value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS zf_checkpoints (
  position bigint PRIMARY KEY,
  record text NOT NULL);
INSERT INTO zf_ledger (singleton, position, ledger_hash)
  VALUES (true, 0, decode(repeat('00', 32), 'hex')) ON CONFLICT DO NOTHING;
INSERT INTO zf_meta (key, value) VALUES ('format_version', '1') ON CONFLICT DO NOTHING;
)sql";

Result<Hash> HashFrom(std::string_view bytes, std::string_view what) {
  Hash h{};
  if (bytes.size() != h.size()) {
    return CorruptionError(fmt::format("{} is {} bytes, not 32", what, bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::string_view HashBytes(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// The smallest byte string greater than every string starting with
// `prefix`; "" when there is none (all 0xff).
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

Status Unknown(const Status& cause) {
  return UnavailableError(fmt::format(
      "the commit's outcome is unknown ({}); retry with the same command ids: a command "
      "that was applied answers with its first result and writes nothing",
      cause.message()));
}

// Runs a read on a pooled connection. A pooled connection may have died
// since it was last used (a server restart, a network cut, a terminated
// session): a read is safe to repeat, so one that failed because its
// connection was lost is run once more on a new one.
Result<PgResult> ReadOnce(PgPool& pool, const std::function<Result<PgResult>(PgConnection&)>& read) {
  for (int attempt = 0;; ++attempt) {
    ZF_ASSIGN_OR_RETURN(PgPool::Lease lease, pool.Acquire());
    Result<PgResult> result = read(*lease);
    if (result.ok() || !lease->broken() || attempt > 0) return result;
  }
}

// Pages through rows (key, value) where key is a position or version; the
// fetch function returns up to kPageRows rows after `after` (nullopt:
// from the start).
using PageFetch =
    std::function<Result<PgResult>(PgConnection&, std::optional<std::uint64_t> after)>;

class PagedCursor final : public EventCursor {
 public:
  PagedCursor(std::shared_ptr<PgPool> pool, PageFetch fetch)
      : pool_(std::move(pool)), fetch_(std::move(fetch)) {
    Advance();
  }
  bool Valid() const override { return valid_; }
  const EventRecord& event() const override { return record_; }
  void Next() override { Advance(); }
  Status status() const override { return status_; }

 private:
  void Advance() {
    valid_ = false;
    if (!status_.ok()) return;
    if (row_ >= page_.rows()) {
      if (done_) return;
      auto page = ReadOnce(*pool_, [&](PgConnection& conn) { return fetch_(conn, last_); });
      if (!page.ok()) {
        status_ = page.status();
        return;
      }
      page_ = std::move(*page);
      row_ = 0;
      done_ = page_.rows() < kPageRows;
      if (page_.rows() == 0) return;
    }
    last_ = page_.u64(row_, 0);
    status_ = DecodeStored(page_.bytes(row_, 1), &record_);
    ++row_;
    valid_ = status_.ok();
  }

  const std::shared_ptr<PgPool> pool_;
  const PageFetch fetch_;
  PgResult page_;
  int row_ = 0;
  bool done_ = false;
  std::optional<std::uint64_t> last_;
  bool valid_ = false;
  EventRecord record_;
  Status status_;
};

// Scans the log on one connection (a snapshot transaction of VerifyChain),
// up to `limit`.
class PagedScan final : public RawScan {
 public:
  PagedScan(PgConnection* conn, std::uint64_t from, std::uint64_t limit)
      : conn_(conn), next_(from), limit_(limit) {
    Load();
  }
  bool Valid() const override { return valid_; }
  std::uint64_t position() const override { return page_.u64(row_, 0); }
  std::string_view value() const override { return page_.bytes(row_, 1); }
  void Next() override {
    ++row_;
    Load();
  }
  Status status() const override { return status_; }

 private:
  void Load() {
    valid_ = false;
    if (row_ < page_.rows()) {
      valid_ = true;
      return;
    }
    if (done_ || !status_.ok()) return;
    auto page = conn_->Exec(
        "SELECT position, value FROM zf_events WHERE position >= $1 AND position <= $2 "
        "ORDER BY position LIMIT " + std::to_string(kPageRows),
        {PgParam::Int(next_), PgParam::Int(limit_)});
    if (!page.ok()) {
      status_ = page.status();
      return;
    }
    page_ = std::move(*page);
    row_ = 0;
    done_ = page_.rows() < kPageRows;
    if (page_.rows() > 0) {
      valid_ = true;
      next_ = page_.u64(page_.rows() - 1, 0) + 1;
    }
  }

  PgConnection* const conn_;
  std::uint64_t next_;
  const std::uint64_t limit_;
  PgResult page_;
  int row_ = 0;
  bool done_ = false;
  bool valid_ = false;
  Status status_;
};

// The raw log as one REPEATABLE READ transaction sees it, so that a
// verification running beside appends checks one state of the log: the
// ledger row, the events and the heads it reads all belong to the same
// commits. `limit`: the last position to read (a read-only store's ledger
// at its open), else the whole table (events past the ledger row are a
// finding, not hidden).
class SnapshotLog final : public RawLog {
 public:
  SnapshotLog(PgConnection* conn, std::optional<LedgerState> pinned)
      : conn_(conn), pinned_(pinned) {}

  Status Begin() {
    ZF_RETURN_IF_ERROR(conn_->Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        conn_->Exec("SELECT position, ledger_hash FROM zf_ledger"));
    if (rows.rows() != 1) return CorruptionError("zf_ledger does not hold exactly one row");
    ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(rows.bytes(0, 1), "the ledger hash"));
    recorded_ = pinned_ ? *pinned_ : LedgerState{rows.u64(0, 0), hash};
    return Status::Ok();
  }
  void End() { conn_->Run("COMMIT").IgnoreError(); }

  std::unique_ptr<RawScan> ScanFrom(std::uint64_t from_position) const override {
    return std::make_unique<PagedScan>(conn_, std::max<std::uint64_t>(from_position, 1),
                                       pinned_ ? pinned_->position : INT64_MAX);
  }
  Result<std::optional<std::string>> GetRaw(std::uint64_t position) const override {
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        conn_->Exec("SELECT value FROM zf_events WHERE position = $1 AND "
                                    "position <= $2",
                                    {PgParam::Int(position), PgParam::Int(Limit())}));
    if (rows.rows() == 0) return std::optional<std::string>();
    return std::optional(std::string(rows.bytes(0, 0)));
  }
  Result<std::optional<std::uint64_t>> IndexLookup(std::string_view stream,
                                                   std::uint64_t version) const override {
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        conn_->Exec("SELECT position FROM zf_events WHERE stream = $1 AND "
                                    "version = $2 AND position <= $3",
                                    {PgParam::Text(stream), PgParam::Int(version),
                                     PgParam::Int(Limit())}));
    if (rows.rows() == 0) return std::optional<std::uint64_t>();
    return std::optional(rows.u64(0, 0));
  }
  Result<std::optional<std::pair<std::string, std::uint64_t>>> FindIndexEntry(
      std::uint64_t position) const override {
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        conn_->Exec("SELECT stream, version FROM zf_events WHERE position = $1",
                                    {PgParam::Int(position)}));
    if (rows.rows() == 0) return std::optional<std::pair<std::string, std::uint64_t>>();
    return std::optional(std::pair(std::string(rows.bytes(0, 0)), rows.u64(0, 1)));
  }
  // The heads table, which appends chain from; for a read-only store, whose
  // heads table has moved on since its open, where the log up to its
  // ledger ends each stream.
  Status ForEachStreamEnd(
      const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn)
      const override {
    if (pinned_) {
      ZF_ASSIGN_OR_RETURN(PgResult rows,
                          conn_->Exec("SELECT stream, max(version), max(position) FROM zf_events "
                                      "WHERE position <= $1 GROUP BY stream",
                                      {PgParam::Int(pinned_->position)}));
      for (int i = 0; i < rows.rows(); ++i) {
        fn(rows.bytes(i, 0), rows.u64(i, 1), rows.u64(i, 2));
      }
      return Status::Ok();
    }
    std::string from;
    bool first = true;
    for (;;) {
      ZF_ASSIGN_OR_RETURN(
          PgResult rows,
          conn_->Exec(std::string("SELECT stream, version, position FROM zf_streams WHERE "
                                  "stream ") +
                          (first ? ">=" : ">") + " $1 ORDER BY stream LIMIT " +
                          std::to_string(kPageRows),
                      {PgParam::Text(from)}));
      for (int i = 0; i < rows.rows(); ++i) {
        fn(rows.bytes(i, 0), rows.u64(i, 1), rows.u64(i, 2));
      }
      if (rows.rows() < kPageRows) return Status::Ok();
      from = std::string(rows.bytes(rows.rows() - 1, 0));
      first = false;
    }
  }
  LedgerState RecordedLedger() const override { return recorded_; }

 private:
  std::uint64_t Limit() const { return pinned_ ? pinned_->position : INT64_MAX; }

  PgConnection* const conn_;
  const std::optional<LedgerState> pinned_;
  LedgerState recorded_;
};

// What Backup() copies, read inside one snapshot transaction (the
// SnapshotLog's) in pages by key, so that memory stays flat at any size of
// the log. The events, command records and checkpoints up to the snapshot's
// ledger never change; the projection rows are those the snapshot sees,
// which were written in the same transactions as the events.
class PgCopySource final : public StoreCopySource {
 public:
  PgCopySource(PgConnection* conn, LedgerState ledger) : conn_(conn), ledger_(ledger) {}

  LedgerState ledger() const override { return ledger_; }

  Status ScanEvents(const EventFn& fn) const override {
    std::uint64_t after = 0;
    for (;;) {
      ZF_ASSIGN_OR_RETURN(
          PgResult rows,
          conn_->Exec(PageQuery("SELECT position, stream, version, value FROM zf_events "
                                "WHERE position > $1 AND position <= $2 ORDER BY position"),
                      {PgParam::Int(after), PgParam::Int(ledger_.position)}));
      for (int i = 0; i < rows.rows(); ++i) {
        ZF_RETURN_IF_ERROR(fn(rows.u64(i, 0), rows.bytes(i, 1), rows.u64(i, 2), rows.bytes(i, 3)));
      }
      if (rows.rows() < kPageRows) return Status::Ok();
      after = rows.u64(rows.rows() - 1, 0);
    }
  }

  Status ScanCommands(const CommandFn& fn) const override {
    std::string after;
    CommandRecord record;
    for (;;) {
      ZF_ASSIGN_OR_RETURN(
          PgResult rows,
          conn_->Exec(PageQuery("SELECT command_id, stream, first_version, last_version, "
                                "first_position, last_position, last_hash, command FROM "
                                "zf_commands WHERE command_id > $1 AND last_position <= $2 "
                                "ORDER BY command_id"),
                      {PgParam::Text(after), PgParam::Int(ledger_.position)}));
      for (int i = 0; i < rows.rows(); ++i) {
        record.stream.assign(rows.bytes(i, 1));
        record.first_version = rows.u64(i, 2);
        record.last_version = rows.u64(i, 3);
        record.first_position = rows.u64(i, 4);
        record.last_position = rows.u64(i, 5);
        ZF_ASSIGN_OR_RETURN(record.last_hash, HashFrom(rows.bytes(i, 6), "a command's hash"));
        record.command.assign(rows.bytes(i, 7));
        ZF_RETURN_IF_ERROR(fn(rows.bytes(i, 0), record));
      }
      if (rows.rows() < kPageRows) return Status::Ok();
      after.assign(rows.bytes(rows.rows() - 1, 0));
    }
  }

  Status ScanProjections(const RowFn& fn) const override {
    std::optional<std::string> after;
    for (;;) {
      auto rows = after ? conn_->Exec(PageQuery("SELECT key, value FROM zf_projections WHERE "
                                                "key > $1 ORDER BY key"),
                                      {PgParam::Bytes(*after)})
                        : conn_->Exec(PageQuery("SELECT key, value FROM zf_projections "
                                                "ORDER BY key"),
                                      {});
      if (!rows.ok()) return rows.status();
      for (int i = 0; i < rows->rows(); ++i) {
        ZF_RETURN_IF_ERROR(fn(rows->bytes(i, 0), rows->bytes(i, 1)));
      }
      if (rows->rows() < kPageRows) return Status::Ok();
      after = std::string(rows->bytes(rows->rows() - 1, 0));
    }
  }

  Status ScanCheckpoints(const CheckpointFn& fn) const override {
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        conn_->Exec("SELECT position, record FROM zf_checkpoints WHERE "
                                    "position <= $1 ORDER BY position",
                                    {PgParam::Int(ledger_.position)}));
    for (int i = 0; i < rows.rows(); ++i) {
      ZF_RETURN_IF_ERROR(fn(rows.u64(i, 0), rows.bytes(i, 1)));
    }
    return Status::Ok();
  }

 private:
  static std::string PageQuery(std::string_view query) {
    return fmt::format("{} LIMIT {}", query, kPageRows);
  }

  PgConnection* const conn_;
  const LedgerState ledger_;
};

// The planner's view of the committed log, read inside the append's
// transaction (after the ledger row is locked, so nothing it reads changes
// until the commit). The heads and commands a batch names are fetched in
// one query each before planning.
class PgCommitted final : public CommittedState {
 public:
  explicit PgCommitted(PgConnection* conn) : conn_(conn) {}

  // Notes the heads and command records `prepared` names, to be fetched by
  // PrefetchStatements() (in the append's read pipeline) for a whole group.
  void AddPrefetch(std::span<const Result<PreparedRequest>> prepared) {
    for (const auto& p : prepared) {
      if (!p.ok()) continue;
      const AppendRequest& r = *p->source;
      if (heads_.try_emplace(r.stream).second) streams_.AddText(r.stream);
      if (commands_.try_emplace(r.command_id).second) ids_.AddText(r.command_id);
    }
  }
  // The queries for what AddPrefetch noted; their results, in order, go to
  // TakePrefetched.
  std::vector<PgStatement> PrefetchStatements() {
    std::vector<PgStatement> out;
    fetch_heads_ = !streams_.empty();
    fetch_commands_ = !ids_.empty();
    if (fetch_heads_) {
      out.push_back({"SELECT stream, version, position, hash FROM zf_streams "
                     "WHERE stream = ANY($1::text[])",
                     {PgParam::Text(streams_.Finish())}});
    }
    if (fetch_commands_) {
      out.push_back({std::string(kCommandColumns) + " WHERE command_id = ANY($1::text[])",
                     {PgParam::Text(ids_.Finish())}});
    }
    return out;
  }
  Status TakePrefetched(std::span<const PgResult> results) {
    std::size_t next = 0;
    if (fetch_heads_) {
      const PgResult& rows = results[next++];
      for (int i = 0; i < rows.rows(); ++i) {
        ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(rows.bytes(i, 3), "a stream head's hash"));
        heads_[std::string(rows.bytes(i, 0))] =
            HeadState{rows.u64(i, 1), rows.u64(i, 2), hash};
      }
    }
    if (fetch_commands_) {
      const PgResult& rows = results[next++];
      for (int i = 0; i < rows.rows(); ++i) {
        ZF_ASSIGN_OR_RETURN(CommandRecord record, DecodeCommandRow(rows, i));
        commands_[std::string(rows.bytes(i, 0))] = std::move(record);
      }
    }
    return Status::Ok();
  }

  Result<std::optional<HeadState>> LoadHead(std::string_view stream) override {
    if (auto it = heads_.find(std::string(stream)); it != heads_.end()) return it->second;
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        Note(conn_->Exec("SELECT stream, version, position, hash FROM zf_streams "
                                         "WHERE stream = $1",
                                         {PgParam::Text(stream)})));
    if (rows.rows() == 0) return std::optional<HeadState>();
    ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(rows.bytes(0, 3), "a stream head's hash"));
    return std::optional(HeadState{rows.u64(0, 1), rows.u64(0, 2), hash});
  }

  Result<std::optional<CommandRecord>> LoadCommand(std::string_view command_id) override {
    if (auto it = commands_.find(std::string(command_id)); it != commands_.end()) {
      return it->second;
    }
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        Note(conn_->Exec(std::string(kCommandColumns) + " WHERE command_id = $1",
                                         {PgParam::Text(command_id)})));
    if (rows.rows() == 0) return std::optional<CommandRecord>();
    ZF_ASSIGN_OR_RETURN(CommandRecord record, DecodeCommandRow(rows, 0));
    return std::optional(std::move(record));
  }

  Result<std::optional<std::string>> LoadEvent(std::uint64_t position) override {
    ZF_ASSIGN_OR_RETURN(PgResult rows,
                        Note(conn_->Exec("SELECT value FROM zf_events WHERE position = $1",
                                         {PgParam::Int(position)})));
    if (rows.rows() == 0) return std::optional<std::string>();
    return std::optional(std::string(rows.bytes(0, 0)));
  }

  // The first failure to read: the planner turns it into one request's
  // error, but the transaction cannot go on after it.
  const Status& failure() const { return failure_; }

  static constexpr std::string_view kCommandColumns =
      "SELECT command_id, stream, first_version, last_version, first_position, last_position, "
      "last_hash, command FROM zf_commands";

  static Result<CommandRecord> DecodeCommandRow(const PgResult& rows, int i) {
    ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(rows.bytes(i, 6), "a command record's hash"));
    return CommandRecord{std::string(rows.bytes(i, 1)),
                         rows.u64(i, 2),
                         rows.u64(i, 3),
                         rows.u64(i, 4),
                         rows.u64(i, 5),
                         hash,
                         std::string(rows.bytes(i, 7))};
  }

 private:
  template <typename T>
  Result<T> Note(Result<T> r) {
    if (!r.ok() && failure_.ok()) failure_ = r.status();
    return r;
  }

  PgConnection* const conn_;
  Status failure_;
  PgArray streams_, ids_;  // what AddPrefetch noted
  bool fetch_heads_ = false, fetch_commands_ = false;
  std::unordered_map<std::string, std::optional<HeadState>> heads_;
  std::unordered_map<std::string, std::optional<CommandRecord>> commands_;
};

class PostgresEventStore final : public EventStore {
 public:
  PostgresEventStore(const StoreOptions& options, PgLocation location)
      : clock_(options.clock ? options.clock : SystemClock()),
        read_only_(options.read_only),
        pool_(std::make_shared<PgPool>(location)),
        url_(std::move(location.url)),
        reconnect_timeout_(location.reconnect_timeout),
        checkpointer_(options, clock_),
        max_group_events_(std::max<std::size_t>(options.max_group_events, 1)) {}
  ~PostgresEventStore() override { Close().IgnoreError(); }

  Status Open(const StoreOptions& options);

  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests, const AppendOptions& options) override;

  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from_version,
                                          Direction direction) const override;
  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from_position) const override;
  Result<EventRecord> ReadEvent(std::uint64_t position) const override;
  Result<StreamHead> Head(std::string_view stream) const override;
  LedgerHead Ledger() const override {
    // Brings the cache up to date; without the server the cached ledger is
    // the answer (Ledger() cannot fail).
    if (!closed_.load()) ReadLimit().status().IgnoreError();
    return ToPublicLedger(CachedLedger());
  }
  Result<AppendResult> FindCommand(std::string_view command_id) const override {
    ZF_ASSIGN_OR_RETURN(RecordedCommand recorded, ReadCommand(command_id));
    return recorded.result;
  }
  Result<RecordedCommand> ReadCommand(std::string_view command_id) const override;
  std::unique_ptr<Subscription> Subscribe(std::uint64_t from_position) override {
    return NewStoreSubscription(this, notifier_, from_position);
  }
  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override;
  Result<std::optional<std::string>> ReadProjection(std::string_view key) const override;
  Status ScanProjections(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return ScanProjectionsFrom(prefix, prefix, fn);
  }
  Status ScanProjectionsFrom(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  Status WriteProjections(std::span<const ProjectionWrite> writes) override;
  Status PutCheckpoint(std::uint64_t position, std::string_view record) override;
  Status ScanCheckpoints(
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const override;
  Status Backup(std::string_view directory) override;
  bool read_only() const override { return read_only_; }
  Status Health() override;
  Status Close() override;

  // CopyEventLog (zf/store_location.h) into this store.
  Status CopyFrom(const EventStore& source);

  void TEST_SetHooks(PostgresTestHooks hooks) { hooks_ = std::move(hooks); }
  void TEST_PauseListener(bool paused) { listener_paused_.store(paused); }
  std::uint64_t TEST_Groups() const { return TEST_groups_.load(); }
  int TEST_WriterPid() const { return writer_ ? writer_->backend_pid() : 0; }

  // The raw value at `position`, or nullopt.
  Result<std::optional<std::string>> GetRaw(std::uint64_t position) const;

 private:
  Result<PgResult> Query(std::string_view sql, const std::vector<PgParam>& params) const {
    if (closed_.load()) return UnavailableError("event store closed");
    return ReadOnce(*pool_, [&](PgConnection& conn) { return conn.Exec(sql, params); });
  }
  LedgerState CachedLedger() const {
    std::lock_guard lock(ledger_mu_);
    return ledger_;
  }
  // The last position reads may see: the ledger at the open for a
  // read-only store (it reads one state of the log); else the ledger row
  // now, since other processes may be writing (several engines write one
  // store), or this one's last commit had an unknown outcome. The row
  // cannot be read: that error, never the cached ledger, which may be
  // behind the log (a read up to it would say a committed command was
  // never applied).
  Result<std::uint64_t> ReadLimit() const {
    if (read_only_) return CachedLedger().position;
    ZF_ASSIGN_OR_RETURN(PgResult now, ReadOnce(*pool_, [](PgConnection& conn) {
                          return conn.Exec("SELECT position, ledger_hash FROM zf_ledger");
                        }));
    if (now.rows() != 1) return CorruptionError("zf_ledger does not hold exactly one row");
    ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(now.bytes(0, 1), "the ledger hash"));
    Advance(LedgerState{now.u64(0, 0), hash});
    return CachedLedger().position;
  }
  // Raises the cached ledger to `ledger` if it is ahead, and wakes
  // subscriptions.
  void Advance(const LedgerState& ledger) const {
    {
      std::lock_guard lock(ledger_mu_);
      if (ledger.position <= ledger_.position) return;
      ledger_ = ledger;
    }
    notifier_->Publish(ledger.position);
  }
  static Result<LedgerState> ReadLedgerRow(PgConnection& conn, bool for_update);
  static Result<LedgerState> LedgerFromRow(const PgResult& rows);

  // REQUIRES: write_mu_ held. A connected writer on a server that takes
  // writes.
  Status EnsureWriter();
  // One caller's batch in a group commit (AppendBatch).
  struct PgAppend {
    PgAppend(std::span<const Result<PreparedRequest>> batch, const AppendOptions* batch_options)
        : prepared(batch), options(batch_options) {}
    std::span<const Result<PreparedRequest>> prepared;
    const AppendOptions* options;
    Result<std::vector<Result<AppendResult>>> results = InternalError("not written");
    bool done = false;  // GUARDED_BY(queue_mu_)
    std::condition_variable cv;
  };
  // Writes a group's batches in one transaction (retrying once after a
  // connection lost before the commit) and sets each member's results.
  void WriteQueued(std::span<PgAppend* const> group);
  // REQUIRES: write_mu_ held. One attempt: Ok with each member's outcome,
  // or the group's failure.
  Status TryAppend(std::span<PgAppend* const> group,
                   std::vector<Result<std::vector<Result<AppendResult>>>>* outcomes,
                   bool* commit_sent, LedgerState* committed);
  Status WriteGroup(const AppendPlanner& planner, std::span<const ProjectionWrite> projections);
  Status WriteProjectionRows(std::span<const ProjectionWrite> writes);
  static void AddProjectionRows(std::span<const ProjectionWrite> writes,
                                std::vector<std::string>* parts,
                                const std::function<std::string(PgParam)>& param);
  void ListenLoop();

  const std::shared_ptr<Clock> clock_;
  const bool read_only_;
  const std::shared_ptr<PgPool> pool_;
  const std::string url_;
  const std::chrono::milliseconds reconnect_timeout_;
  std::string channel_;  // set by Open()
  std::shared_ptr<CommitNotifier> notifier_;
  AutoCheckpointer checkpointer_;

  const std::size_t max_group_events_;
  std::mutex queue_mu_;
  std::deque<PgAppend*> queue_;             // GUARDED_BY(queue_mu_): callers waiting to append
  std::atomic<std::uint64_t> TEST_groups_{0};  // transactions AppendBatch ran
  std::mutex write_mu_;                     // serialises this process's writes
  std::unique_ptr<PgConnection> writer_;    // GUARDED_BY(write_mu_)
  mutable std::mutex ledger_mu_;
  mutable LedgerState ledger_;              // GUARDED_BY(ledger_mu_)
  std::atomic<bool> closed_{false};
  std::atomic<bool> stop_listener_{false};
  std::atomic<bool> listener_paused_{false};  // tests only
  std::thread listener_;
  PostgresTestHooks hooks_;
};

Result<LedgerState> PostgresEventStore::ReadLedgerRow(PgConnection& conn, bool for_update) {
  ZF_ASSIGN_OR_RETURN(PgResult rows,
                      conn.Exec(for_update ? "SELECT position, ledger_hash FROM zf_ledger FOR UPDATE"
                                           : "SELECT position, ledger_hash FROM zf_ledger"));
  return LedgerFromRow(rows);
}

Result<LedgerState> PostgresEventStore::LedgerFromRow(const PgResult& rows) {
  if (rows.rows() != 1) return CorruptionError("zf_ledger does not hold exactly one row");
  ZF_ASSIGN_OR_RETURN(Hash hash, HashFrom(rows.bytes(0, 1), "the ledger hash"));
  return LedgerState{rows.u64(0, 0), hash};
}

Status PostgresEventStore::Open(const StoreOptions& options) {
  ZF_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  ZF_ASSIGN_OR_RETURN(PgResult exists,
                      conn->Exec("SELECT to_regclass('zf_meta') IS NOT NULL, current_schema()"));
  if (exists.rows() != 1 || exists.null(0, 1)) {
    return FailedPreconditionError(
               "the PostgreSQL connection has no schema to keep the store in (search_path)")
        .WithSubject("db");
  }
  const bool created = exists.bytes(0, 0) == std::string_view("\x01", 1);
  const std::string schema(exists.bytes(0, 1));
  if (!created) {
    if (read_only_ || !options.create_if_missing) {
      return NotFoundError(fmt::format("no zf store in schema '{}' of {}", schema,
                                       RedactUrl(url_)))
          .WithSubject("db");
    }
    if (Status s = conn->Run(fmt::format("BEGIN; SELECT pg_advisory_xact_lock(hashtext("
                                         "'zf.create.' || current_schema())); {} COMMIT;",
                                         kCreateSchema));
        !s.ok()) {
      conn->Run("ROLLBACK").IgnoreError();
      return s;
    }
  }
  ZF_ASSIGN_OR_RETURN(PgResult version,
                      conn->Exec("SELECT value FROM zf_meta WHERE key = 'format_version'"));
  if (version.rows() != 1) {
    return FailedPreconditionError(
               fmt::format("incomplete store in schema '{}': zf_meta has no format_version",
                           schema))
        .WithSubject("zf_meta/format_version");
  }
  if (version.bytes(0, 0) != kPgFormatVersion) {
    return CorruptionError(fmt::format("unknown PostgreSQL store format version '{}' (this zf "
                                       "reads {})",
                                       version.bytes(0, 0), kPgFormatVersion));
  }
  ZF_ASSIGN_OR_RETURN(ledger_, ReadLedgerRow(*conn, false));
  notifier_ = std::make_shared<CommitNotifier>(ledger_.position);
  // A channel per schema: "zf_" and the schema, within NAMEDATALEN - 1.
  channel_ = ("zf_" + schema).substr(0, 63);
  if (read_only_) return Status::Ok();
  // The writer's connection is taken by the first write; the listener
  // follows every process's commits (its subscriptions wake on it).
  listener_ = std::thread([this] { ListenLoop(); });
  return Status::Ok();
}

Status PostgresEventStore::EnsureWriter() {
  if (writer_ != nullptr && !writer_->broken()) return Status::Ok();
  writer_.reset();
  // Within the reconnect bound: after the primary is lost, the standby
  // takes a moment to be promoted, and until then no server takes writes
  // (a read-only one is not taken: a group must not half-apply on it).
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                      PgConnection::ConnectWithRetry(url_, reconnect_timeout_, /*writable=*/true));
  // No writer's lock: several engines may write one store. Each append
  // that must not miss another writer's events says so with its expected
  // ledger position (AppendOptions), checked under the ledger row's lock.
  writer_ = std::move(conn);
  ZF_ASSIGN_OR_RETURN(LedgerState ledger, ReadLedgerRow(*writer_, false));
  Advance(ledger);
  return Status::Ok();
}

// Group commit across callers (the LevelDB writer queue): callers queue
// their batches; the one at the front leads, takes the batches queued
// behind it and writes them in one transaction, one COMMIT, and so one
// wait for the synchronous standby, which is most of an append's time on
// a replicated server. Each batch is planned on its own, in queue order,
// in its own mode: a kAtomic batch that fails leaves no trace and takes
// no other caller's batch with it. A failure of the transaction itself
// (the connection, the commit) is every member's.
Result<std::vector<Result<AppendResult>>> PostgresEventStore::AppendBatch(
    std::span<const AppendRequest> requests, const AppendOptions& options) {
  if (read_only_) return FailedPreconditionError("the store was opened read-only");
  std::vector<Result<PreparedRequest>> prepared = PrepareBatch(requests);
  PgAppend self(prepared, &options);
  std::unique_lock queue_lock(queue_mu_);
  queue_.push_back(&self);
  while (!self.done && queue_.front() != &self) self.cv.wait(queue_lock);
  if (self.done) return std::move(self.results);
  std::vector<PgAppend*> group;
  std::size_t grouped = 0;
  for (PgAppend* a : queue_) {
    // A batch that asks for a synced commit does not ride in one that is
    // not synced, nor the other way round.
    if (!group.empty() &&
        (a->options->sync != options.sync || grouped + a->prepared.size() > max_group_events_)) {
      break;
    }
    group.push_back(a);
    grouped += a->prepared.size();
  }
  queue_lock.unlock();
  WriteQueued(group);
  queue_lock.lock();
  for (std::size_t i = 0; i < group.size(); ++i) {
    PgAppend* a = queue_.front();
    queue_.pop_front();
    a->done = true;
    if (a != &self) a->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return std::move(self.results);
}

void PostgresEventStore::WriteQueued(std::span<PgAppend* const> group) {
  std::unique_lock lock(write_mu_);
  if (closed_.load()) {
    for (PgAppend* a : group) a->results = UnavailableError("event store closed");
    return;
  }
  TEST_groups_.fetch_add(1);
  LedgerState committed;
  std::vector<Result<std::vector<Result<AppendResult>>>> outcomes;
  Status failure;
  // A connection lost before COMMIT was sent took the transaction with
  // it: nothing was written, and one retry on a new connection is safe.
  // (A lost writer is reconnected with backoff, within the reconnect
  // bound, by EnsureWriter: a failover's promotion fits in it.)
  bool commit_sent = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    commit_sent = false;
    failure = TryAppend(group, &outcomes, &commit_sent, &committed);
    if (failure.ok() || commit_sent || failure.code() != StatusCode::kUnavailable) break;
    // A writer on a server that has become read-only (a demoted primary)
    // is not broken, but no write will pass on it: connect anew, which
    // finds the primary or says that there is none.
    if (writer_ != nullptr && writer_->last_sqlstate() == kReadOnlySqlState) writer_.reset();
  }
  lock.unlock();
  if (!failure.ok()) {
    if (!commit_sent && failure.code() == StatusCode::kUnavailable) {
      failure = UnavailableError(fmt::format("nothing of the group was written (tried twice): {}",
                                             failure.message()))
                    .WithSubject(failure.subject());
    }
    for (PgAppend* a : group) a->results = failure;
    return;
  }
  Advance(committed);
  checkpointer_.AfterCommit(this);
  for (std::size_t i = 0; i < group.size(); ++i) group[i]->results = std::move(outcomes[i]);
}

Status PostgresEventStore::TryAppend(
    std::span<PgAppend* const> group,
    std::vector<Result<std::vector<Result<AppendResult>>>>* outcomes, bool* commit_sent,
    LedgerState* committed) {
  outcomes->clear();
  ZF_RETURN_IF_ERROR(EnsureWriter());
  PgConnection& conn = *writer_;
  auto rollback = [&](Status s) {
    conn.Run("ROLLBACK").IgnoreError();  // a lost connection rolls back by itself
    return s;
  };
  // One round trip: the transaction, the ledger row's lock (which orders
  // the writers), then the heads and command records the group names. The
  // reads run after the lock is held, each with a snapshot of its own
  // (READ COMMITTED), so they see every commit before this one.
  PgCommitted state(&conn);
  for (PgAppend* a : group) state.AddPrefetch(a->prepared);
  std::vector<PgStatement> reads;
  reads.push_back({"BEGIN", {}});
  reads.push_back({"SELECT position, ledger_hash FROM zf_ledger FOR UPDATE", {}});
  if (!group.front()->options->sync) {
    reads.push_back({"SET LOCAL synchronous_commit TO off", {}});
  }
  const std::size_t prefetch_from = reads.size();
  for (PgStatement& st : state.PrefetchStatements()) reads.push_back(std::move(st));
  auto read = conn.ExecPipeline(reads);
  if (!read.ok()) return rollback(read.status());
  auto ledger = LedgerFromRow((*read)[1]);
  if (!ledger.ok()) return rollback(ledger.status());
  if (Status s = state.TakePrefetched(std::span(*read).subspan(prefetch_from)); !s.ok()) {
    return rollback(s);
  }
  AppendPlanner planner(&state, *ledger, FormatRfc3339Utc(clock_->NowMicros()));
  // The projection rows of the batches that stand, in queue order (a
  // later batch's write of a key wins, as if they had been written one
  // after the other). One batch's are passed as they are.
  std::vector<ProjectionWrite> merged;
  std::span<const ProjectionWrite> projections;
  for (PgAppend* a : group) {
    outcomes->push_back(PlanBatch(&planner, a->prepared, a->options->mode,
                                  a->options->expected_ledger_position));
    // A read that failed mid-plan made some request fail for the wrong
    // reason: the whole group fails instead.
    if (!state.failure().ok()) return rollback(state.failure());
    if (!outcomes->back().ok() || a->options->projections.empty()) continue;
    if (group.size() == 1) {
      projections = a->options->projections;
    } else {
      merged.insert(merged.end(), a->options->projections.begin(),
                    a->options->projections.end());
      projections = merged;
    }
  }
  planner.Seal(nullptr);
  for (auto& outcome : *outcomes) {
    if (outcome.ok()) planner.CompleteResults(&*outcome);
  }
  if (planner.empty() && projections.empty()) {
    ZF_RETURN_IF_ERROR(rollback(Status::Ok()));
    *committed = *ledger;
    return Status::Ok();
  }
  if (hooks_.before_write) hooks_.before_write();
  if (Status s = WriteGroup(planner, projections); !s.ok()) return rollback(s);
  if (hooks_.before_commit) hooks_.before_commit();
  *commit_sent = true;
  if (Status s = conn.Run("COMMIT"); !s.ok()) {
    // The server may have committed before the connection went.
    if (conn.broken()) return Unknown(s);
    return IOError(fmt::format("the commit failed and nothing was written: {}", s.message()));
  }
  if (hooks_.lose_commit_reply && hooks_.lose_commit_reply()) {
    // As when the server committed and the connection went before its
    // answer arrived: the caller cannot tell, and the writer is broken.
    conn.TEST_Sever();
    return Unknown(UnavailableError("the connection was lost after COMMIT was sent (test)"));
  }
  *committed = planner.ledger();
  return Status::Ok();
}

// "WITH w0 AS (part 0), w1 AS (part 1), … main": one statement, one round trip.
std::string WithStatement(const std::vector<std::string>& parts, std::string_view main) {
  std::string sql = "WITH ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    sql += fmt::format("{}w{} AS ({})", i == 0 ? "" : ", ", i, parts[i]);
  }
  sql += ' ';
  sql += main;
  return sql;
}

// One statement of data-modifying CTEs: the events, the heads, the command
// records, the ledger row, the projection rows and the notification in one
// round trip to the server instead of one each (a durable append's time
// on a nearby server is mostly round trips and the commit's flush). The
// parts touch different tables, so that they run "concurrently" within the
// statement, as PostgreSQL runs CTEs, changes nothing.
Status PostgresEventStore::WriteGroup(const AppendPlanner& planner,
                                      std::span<const ProjectionWrite> projections) {
  std::vector<std::string> parts;
  std::vector<PgParam> params;
  auto param = [&](PgParam p) {
    params.push_back(std::move(p));
    return fmt::format("${}", params.size());
  };
  std::string notify = "SELECT 1";
  if (!planner.empty()) {
    PgArray positions, streams, versions, values;
    for (const PlannedEvent& e : planner.events()) {
      positions.AddInt(e.position);
      streams.AddText(*e.stream);
      versions.AddInt(e.version);
      values.AddBytes(planner.value(e));
    }
    parts.push_back(fmt::format(kInsertEvents, param(PgParam::Text(positions.Finish())),
                                param(PgParam::Text(streams.Finish())),
                                param(PgParam::Text(versions.Finish())),
                                param(PgParam::Text(values.Finish()))));
    PgArray h_streams, h_versions, h_positions, h_hashes;
    for (const auto& [stream, head] : planner.heads()) {
      h_streams.AddText(stream);
      h_versions.AddInt(head.version);
      h_positions.AddInt(head.position);
      h_hashes.AddBytes(HashBytes(head.hash));
    }
    parts.push_back(fmt::format(
        "INSERT INTO zf_streams (stream, version, position, hash) "
        "SELECT * FROM unnest({}::text[], {}::bigint[], {}::bigint[], {}::bytea[]) "
        "ON CONFLICT (stream) DO UPDATE SET version = EXCLUDED.version, "
        "position = EXCLUDED.position, hash = EXCLUDED.hash",
        param(PgParam::Text(h_streams.Finish())), param(PgParam::Text(h_versions.Finish())),
        param(PgParam::Text(h_positions.Finish())), param(PgParam::Text(h_hashes.Finish()))));
    if (!planner.commands().empty()) {
      PgArray ids, c_streams, fv, lv, fp, lp, hashes, commands;
      for (const PlannedCommand& c : planner.commands()) {
        ids.AddText(c.request->command_id);
        c_streams.AddText(c.request->stream);
        fv.AddInt(c.first_version);
        lv.AddInt(c.last_version);
        fp.AddInt(c.first_position);
        lp.AddInt(c.last_position);
        hashes.AddBytes(HashBytes(c.last_hash));
        commands.AddBytes(c.request->command);
      }
      parts.push_back(fmt::format(
          kInsertCommands, param(PgParam::Text(ids.Finish())),
          param(PgParam::Text(c_streams.Finish())),
          param(PgParam::Text(fv.Finish())), param(PgParam::Text(lv.Finish())),
          param(PgParam::Text(fp.Finish())), param(PgParam::Text(lp.Finish())),
          param(PgParam::Text(hashes.Finish())), param(PgParam::Text(commands.Finish()))));
    }
    const LedgerState& ledger = planner.ledger();
    parts.push_back(fmt::format("UPDATE zf_ledger SET position = {}, ledger_hash = {}",
                                param(PgParam::Int(ledger.position)),
                                param(PgParam::Bytes(HashBytes(ledger.hash)))));
    // Delivered at COMMIT, to every listener of this store's channel.
    notify = fmt::format("SELECT pg_notify({}, {})", param(PgParam::Text(channel_)),
                         param(PgParam::Text(std::to_string(ledger.position))));
  }
  AddProjectionRows(projections, &parts, param);
  if (parts.empty()) return Status::Ok();
  return writer_->Exec(WithStatement(parts, notify), params).status();
}

// The projection rows as CTE parts: the last write of a key wins (one
// statement may not touch a row twice).
void PostgresEventStore::AddProjectionRows(
    std::span<const ProjectionWrite> writes, std::vector<std::string>* parts,
    const std::function<std::string(PgParam)>& param) {
  if (writes.empty()) return;
  std::map<std::string_view, const std::optional<std::string>*> last;
  for (const ProjectionWrite& w : writes) last[w.key] = &w.value;
  PgArray put_keys, put_values, delete_keys;
  for (const auto& [key, value] : last) {
    if (*value) {
      put_keys.AddBytes(key);
      put_values.AddBytes(**value);
    } else {
      delete_keys.AddBytes(key);
    }
  }
  if (!put_keys.empty()) {
    parts->push_back(fmt::format(
        "INSERT INTO zf_projections (key, value) SELECT * FROM unnest({}::bytea[], {}::bytea[]) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        param(PgParam::Text(put_keys.Finish())), param(PgParam::Text(put_values.Finish()))));
  }
  if (!delete_keys.empty()) {
    parts->push_back(fmt::format("DELETE FROM zf_projections WHERE key = ANY({}::bytea[])",
                                 param(PgParam::Text(delete_keys.Finish()))));
  }
}

// Projection rows on their own (WriteProjections, copies), in one statement.
Status PostgresEventStore::WriteProjectionRows(std::span<const ProjectionWrite> writes) {
  std::vector<std::string> parts;
  std::vector<PgParam> params;
  AddProjectionRows(writes, &parts, [&](PgParam p) {
    params.push_back(std::move(p));
    return fmt::format("${}", params.size());
  });
  if (parts.empty()) return Status::Ok();
  return writer_->Exec(WithStatement(parts, "SELECT 1"), params).status();
}

std::unique_ptr<EventCursor> PostgresEventStore::ReadStream(std::string_view stream,
                                                            std::uint64_t from_version,
                                                            Direction direction) const {
  if (Status s = ValidateStreamName(stream); !s.ok()) return std::make_unique<ErrorCursor>(s);
  if (closed_.load()) return std::make_unique<ErrorCursor>(UnavailableError("event store closed"));
  const std::string name(stream);
  const Result<std::uint64_t> read_limit = ReadLimit();
  if (!read_limit.ok()) return std::make_unique<ErrorCursor>(read_limit.status());
  const std::uint64_t limit = *read_limit;
  const std::string page = std::to_string(kPageRows);
  if (direction == Direction::kForward) {
    const std::uint64_t from = std::max<std::uint64_t>(from_version, 1);
    return std::make_unique<PagedCursor>(
        pool_, [name, limit, from, page](PgConnection& conn, std::optional<std::uint64_t> after) {
          return conn.Exec(
              "SELECT version, value FROM zf_events WHERE stream = $1 AND version >= $2 AND "
              "position <= $3 ORDER BY version LIMIT " + page,
              {PgParam::Text(name), PgParam::Int(after ? *after + 1 : from),
               PgParam::Int(limit)});
        });
  }
  const std::uint64_t start = from_version == 0 ? UINT64_MAX >> 1 : from_version;
  return std::make_unique<PagedCursor>(
      pool_, [name, limit, start, page](PgConnection& conn, std::optional<std::uint64_t> after) {
        return conn.Exec(
            "SELECT version, value FROM zf_events WHERE stream = $1 AND version <= $2 AND "
            "position <= $3 ORDER BY version DESC LIMIT " + page,
            {PgParam::Text(name), PgParam::Int(after ? *after - 1 : start),
             PgParam::Int(limit)});
      });
}

std::unique_ptr<EventCursor> PostgresEventStore::ReadAll(std::uint64_t from_position) const {
  if (closed_.load()) return std::make_unique<ErrorCursor>(UnavailableError("event store closed"));
  const std::uint64_t from = std::max<std::uint64_t>(from_position, 1);
  const Result<std::uint64_t> read_limit = ReadLimit();
  if (!read_limit.ok()) return std::make_unique<ErrorCursor>(read_limit.status());
  const std::uint64_t limit = *read_limit;
  const std::string page = std::to_string(kPageRows);
  return std::make_unique<PagedCursor>(
      pool_, [from, limit, page](PgConnection& conn, std::optional<std::uint64_t> after) {
        return conn.Exec(
            "SELECT position, value FROM zf_events WHERE position >= $1 AND position <= $2 "
            "ORDER BY position LIMIT " + page,
            {PgParam::Int(after ? *after + 1 : from), PgParam::Int(limit)});
      });
}

Result<EventRecord> PostgresEventStore::ReadEvent(std::uint64_t position) const {
  ZF_ASSIGN_OR_RETURN(std::uint64_t limit, ReadLimit());
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(position));
  if (!raw || position > limit) {
    return NotFoundError(fmt::format("no event at position {}", position));
  }
  EventRecord record;
  ZF_RETURN_IF_ERROR(DecodeStored(*raw, &record));
  return record;
}

Result<StreamHead> PostgresEventStore::Head(std::string_view stream) const {
  ZF_ASSIGN_OR_RETURN(std::uint64_t limit, ReadLimit());
  ZF_ASSIGN_OR_RETURN(PgResult rows,
                      Query("SELECT version, position, value FROM zf_events WHERE stream = $1 "
                            "AND position <= $2 ORDER BY version DESC LIMIT 1",
                            {PgParam::Text(stream), PgParam::Int(limit)}));
  if (rows.rows() == 0) {
    return NotFoundError(fmt::format("stream '{}' has no events", stream)).WithSubject(stream);
  }
  ZF_ASSIGN_OR_RETURN(StoredView view, SplitStored(rows.bytes(0, 2)));
  return ToPublicHead(HeadState{rows.u64(0, 0), rows.u64(0, 1), view.hash});
}

Result<RecordedCommand> PostgresEventStore::ReadCommand(std::string_view command_id) const {
  ZF_ASSIGN_OR_RETURN(std::uint64_t limit, ReadLimit());
  ZF_ASSIGN_OR_RETURN(PgResult rows,
                      Query(std::string(PgCommitted::kCommandColumns) +
                                " WHERE command_id = $1 AND last_position <= $2",
                            {PgParam::Text(command_id), PgParam::Int(limit)}));
  if (rows.rows() == 0) {
    return NotFoundError(fmt::format("command '{}' was never applied", command_id))
        .WithSubject(command_id);
  }
  ZF_ASSIGN_OR_RETURN(CommandRecord record, PgCommitted::DecodeCommandRow(rows, 0));
  return RecordedCommand{ToAppendResult(record), record.command};
}

Result<std::optional<std::string>> PostgresEventStore::ReadProjection(
    std::string_view key) const {
  ZF_ASSIGN_OR_RETURN(PgResult rows, Query("SELECT value FROM zf_projections WHERE key = $1",
                                           {PgParam::Bytes(key)}));
  if (rows.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(rows.bytes(0, 0)));
}

Status PostgresEventStore::ScanProjectionsFrom(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view, std::string_view)>& fn) const {
  const std::string end = PrefixEnd(prefix);
  std::string from(std::max(prefix, start));
  bool inclusive = true;
  for (;;) {
    std::string sql = inclusive ? "SELECT key, value FROM zf_projections WHERE key >= $1"
                                : "SELECT key, value FROM zf_projections WHERE key > $1";
    std::vector<PgParam> params = {PgParam::Bytes(from)};
    if (!end.empty()) {
      sql += " AND key < $2";
      params.push_back(PgParam::Bytes(end));
    }
    sql += " ORDER BY key LIMIT " + std::to_string(kPageRows);
    ZF_ASSIGN_OR_RETURN(PgResult rows, Query(sql, params));
    for (int i = 0; i < rows.rows(); ++i) {
      if (!fn(rows.bytes(i, 0), rows.bytes(i, 1))) return Status::Ok();
    }
    if (rows.rows() < kPageRows) return Status::Ok();
    from = std::string(rows.bytes(rows.rows() - 1, 0));
    inclusive = false;
  }
}

Status PostgresEventStore::WriteProjections(std::span<const ProjectionWrite> writes) {
  if (read_only_) return FailedPreconditionError("the store was opened read-only");
  std::lock_guard lock(write_mu_);
  if (closed_.load()) return UnavailableError("event store closed");
  ZF_RETURN_IF_ERROR(EnsureWriter());
  // Under the ledger row's lock, as an append: rows written beside another
  // engine's append land before or after it, never amid it.
  Status s = writer_->Run("BEGIN; SELECT 1 FROM zf_ledger FOR UPDATE");
  if (s.ok()) s = WriteProjectionRows(writes);
  if (!s.ok()) {
    writer_->Run("ROLLBACK").IgnoreError();
    return s;
  }
  return writer_->Run("COMMIT");
}

Status PostgresEventStore::PutCheckpoint(std::uint64_t position, std::string_view record) {
  if (read_only_) return FailedPreconditionError("the store was opened read-only");
  return Query("INSERT INTO zf_checkpoints (position, record) VALUES ($1, $2) "
               "ON CONFLICT (position) DO UPDATE SET record = EXCLUDED.record",
               {PgParam::Int(position), PgParam::Text(record)})
      .status();
}

Status PostgresEventStore::ScanCheckpoints(
    const std::function<bool(std::uint64_t, std::string_view)>& fn) const {
  ZF_ASSIGN_OR_RETURN(PgResult rows,
                      Query("SELECT position, record FROM zf_checkpoints ORDER BY position", {}));
  for (int i = 0; i < rows.rows(); ++i) {
    if (!fn(rows.u64(i, 0), rows.bytes(i, 1))) break;
  }
  return Status::Ok();
}

// A RocksDB copy of the state one snapshot transaction sees: at least what
// this store reads (a read-only store's pinned ledger is older), and never
// a part of a commit, since a commit's events, command records, projection
// rows and ledger row land in one transaction.
Status PostgresEventStore::Backup(std::string_view directory) {
  if (closed_.load()) return UnavailableError("event store closed");
  for (int attempt = 0;; ++attempt) {
    ZF_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
    SnapshotLog log(&*conn, std::nullopt);
    // A pooled connection that died meanwhile fails at once: one more try.
    if (Status s = log.Begin(); !s.ok()) {
      if (conn->broken() && attempt == 0) continue;
      return s;
    }
    PgCopySource source(&*conn, log.RecordedLedger());
    Status copied = WriteRocksDbCopy(source, directory);
    log.End();
    return copied;
  }
}

Status PostgresEventStore::Health() {
  if (closed_.load()) return UnavailableError("event store closed");
  if (read_only_) return Status::Ok();
  std::lock_guard lock(write_mu_);
  return EnsureWriter();
}

Status PostgresEventStore::Close() {
  if (closed_.exchange(true)) return Status::Ok();
  stop_listener_.store(true);
  if (listener_.joinable()) listener_.join();
  {
    std::lock_guard lock(write_mu_);
    writer_.reset();  // ends the session
  }
  if (notifier_) notifier_->Close();
  return Status::Ok();
}

Result<std::optional<std::string>> PostgresEventStore::GetRaw(std::uint64_t position) const {
  ZF_ASSIGN_OR_RETURN(PgResult rows, Query("SELECT value FROM zf_events WHERE position = $1",
                                           {PgParam::Int(position)}));
  if (rows.rows() == 0) return std::optional<std::string>();
  return std::optional(std::string(rows.bytes(0, 0)));
}

// Rebuilds the stored value of `e` (canonical bytes ‖ hash ‖ ledger hash)
// from its decoded fields, and checks that it hashes to the stored hash:
// then the bytes are the ones the source stores.
Result<std::string> StoredValueOf(const EventRecord& e, const Hash& previous_ledger,
                                  Hash* hash, Hash* ledger) {
  AppendRequest request;
  request.stream = e.stream;
  request.command_id = e.command_id;
  NewEvent event{.type = e.type, .schema = e.schema, .occurred_at = e.occurred_at,
                 .actor = e.actor, .data = {}};
  PreparedEvent prepared{&event, {}};
  ZF_RETURN_IF_ERROR(AppendCanonicalJson(e.data, &prepared.canonical_data));
  std::string value;
  EncodeCanonical(request, prepared, Stamp{e.position, e.version, e.recorded_at, e.prev_hash},
                  &value);
  *hash = Sm3(value);
  if (ToHex(*hash) != e.hash) {
    return CorruptionError(fmt::format("event {} of the source does not hash to its stored "
                                       "hash: not copied",
                                       e.position));
  }
  *ledger = NextLedgerHash(previous_ledger, e.position, *hash);
  value.append(HashBytes(*hash));
  value.append(HashBytes(*ledger));
  return value;
}

Status PostgresEventStore::CopyFrom(const EventStore& source) {
  if (read_only_) return FailedPreconditionError("the store was opened read-only");
  std::lock_guard lock(write_mu_);
  if (closed_.load()) return UnavailableError("event store closed");
  ZF_RETURN_IF_ERROR(EnsureWriter());
  PgConnection& conn = *writer_;
  ZF_RETURN_IF_ERROR(conn.Run("BEGIN"));
  auto rollback = [&](Status s) {
    conn.Run("ROLLBACK").IgnoreError();
    return s;
  };
  auto ledger = ReadLedgerRow(conn, /*for_update=*/true);
  if (!ledger.ok()) return rollback(ledger.status());
  auto rows = conn.Exec("SELECT (SELECT count(*) FROM zf_projections) + "
                        "(SELECT count(*) FROM zf_checkpoints)");
  if (!rows.ok()) return rollback(rows.status());
  if (ledger->position != 0 || rows->u64(0, 0) != 0) {
    return rollback(FailedPreconditionError(
        "the target store is not empty: a log is copied only into a new store"));
  }
  // The events in chunks, each checked against the chain as appends would
  // check it; the whole copy is one transaction: all of it or nothing.
  std::unordered_map<std::string, HeadState> heads;
  LedgerState at = *ledger;
  PgArray positions, streams, versions, values;
  PgArray ids, c_streams, fv, lv, fp, lp, c_hashes, commands;
  std::size_t pending = 0, pending_commands = 0;
  auto flush = [&]() -> Status {
    if (pending > 0) {
      ZF_RETURN_IF_ERROR(conn.Exec(
          fmt::format(kInsertEvents, "$1", "$2", "$3", "$4"),
          {PgParam::Text(positions.Finish()), PgParam::Text(streams.Finish()),
           PgParam::Text(versions.Finish()), PgParam::Text(values.Finish())}));
      positions = streams = versions = values = PgArray();
      pending = 0;
    }
    if (pending_commands > 0) {
      ZF_RETURN_IF_ERROR(conn.Exec(
          fmt::format(kInsertCommands, "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8"),
          {PgParam::Text(ids.Finish()), PgParam::Text(c_streams.Finish()),
           PgParam::Text(fv.Finish()), PgParam::Text(lv.Finish()), PgParam::Text(fp.Finish()),
           PgParam::Text(lp.Finish()), PgParam::Text(c_hashes.Finish()),
           PgParam::Text(commands.Finish())}));
      ids = c_streams = fv = lv = fp = lp = c_hashes = commands = PgArray();
      pending_commands = 0;
    }
    return Status::Ok();
  };
  // A command's events are contiguous; its record is the source's.
  auto add_command = [&](const std::string& id) -> Status {
    ZF_ASSIGN_OR_RETURN(RecordedCommand c, source.ReadCommand(id));
    Hash last_hash;
    if (!FromHex(c.result.last_hash, &last_hash)) {
      return CorruptionError(fmt::format("command '{}' of the source has a malformed hash", id));
    }
    ids.AddText(id);
    c_streams.AddText(c.result.stream);
    fv.AddInt(c.result.first_version);
    lv.AddInt(c.result.last_version);
    fp.AddInt(c.result.first_position);
    lp.AddInt(c.result.last_position);
    c_hashes.AddBytes(HashBytes(last_hash));
    commands.AddBytes(c.command);
    ++pending_commands;
    return Status::Ok();
  };
  std::string open_command;
  auto cursor = source.ReadAll(1);
  for (; cursor->Valid(); cursor->Next()) {
    const EventRecord& e = cursor->event();
    HeadState& head = heads[e.stream];
    if (e.position != at.position + 1 || e.version != head.version + 1 ||
        e.prev_hash != (head.version == 0 ? std::string() : ToHex(head.hash))) {
      return rollback(CorruptionError(fmt::format(
          "the source's event at position {} does not follow the chain (expected position {}, "
          "version {} of '{}'): not copied",
          e.position, at.position + 1, head.version + 1, e.stream)));
    }
    Hash hash, next;
    auto value = StoredValueOf(e, at.hash, &hash, &next);
    if (!value.ok()) return rollback(value.status());
    positions.AddInt(e.position);
    streams.AddText(e.stream);
    versions.AddInt(e.version);
    values.AddBytes(*value);
    head = HeadState{e.version, e.position, hash};
    at = LedgerState{e.position, next};
    if (e.command_id != open_command) {
      if (!open_command.empty()) {
        if (Status s = add_command(open_command); !s.ok()) return rollback(s);
      }
      open_command = e.command_id;
    }
    if (++pending >= 1000) {
      if (Status s = flush(); !s.ok()) return rollback(s);
    }
  }
  if (!cursor->status().ok()) return rollback(cursor->status());
  if (!open_command.empty()) {
    if (Status s = add_command(open_command); !s.ok()) return rollback(s);
  }
  if (Status s = flush(); !s.ok()) return rollback(s);
  const LedgerHead source_head = source.Ledger();
  if (source_head.position != at.position || source_head.ledger_hash != ToHex(at.hash)) {
    return rollback(CorruptionError(fmt::format(
        "the copied log ends at position {} with ledger {}, the source's head is {} {}",
        at.position, ToHex(at.hash), source_head.position, source_head.ledger_hash)));
  }
  PgArray h_streams, h_versions, h_positions, h_hashes;
  for (const auto& [stream, head] : heads) {
    h_streams.AddText(stream);
    h_versions.AddInt(head.version);
    h_positions.AddInt(head.position);
    h_hashes.AddBytes(HashBytes(head.hash));
  }
  if (!heads.empty()) {
    if (Status s = conn.Exec("INSERT INTO zf_streams (stream, version, position, hash) "
                             "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], "
                             "$4::bytea[])",
                             {PgParam::Text(h_streams.Finish()),
                              PgParam::Text(h_versions.Finish()),
                              PgParam::Text(h_positions.Finish()),
                              PgParam::Text(h_hashes.Finish())})
                     .status();
        !s.ok()) {
      return rollback(s);
    }
  }
  if (Status s = conn.Exec("UPDATE zf_ledger SET position = $1, ledger_hash = $2",
                           {PgParam::Int(at.position), PgParam::Bytes(HashBytes(at.hash))})
                     .status();
      !s.ok()) {
    return rollback(s);
  }
  // Projection rows and checkpoints, as the source holds them.
  std::vector<ProjectionWrite> rows_batch;
  Status write_status;
  auto write_rows = [&] {
    if (write_status.ok()) write_status = WriteProjectionRows(rows_batch);
    rows_batch.clear();
  };
  Status scanned = source.ScanProjections("", [&](std::string_view key, std::string_view value) {
    rows_batch.push_back({std::string(key), std::string(value)});
    if (rows_batch.size() >= 1000) write_rows();
    return write_status.ok();
  });
  write_rows();
  if (!scanned.ok()) return rollback(scanned);
  if (!write_status.ok()) return rollback(write_status);
  Status checkpoints;
  Status scanned_checkpoints = source.ScanCheckpoints([&](std::uint64_t p, std::string_view r) {
    checkpoints = conn.Exec("INSERT INTO zf_checkpoints (position, record) VALUES ($1, $2)",
                            {PgParam::Int(p), PgParam::Text(r)})
                      .status();
    return checkpoints.ok();
  });
  if (!scanned_checkpoints.ok()) return rollback(scanned_checkpoints);
  if (!checkpoints.ok()) return rollback(checkpoints);
  if (Status s = conn.Exec("SELECT pg_notify($1, $2)", {PgParam::Text(channel_),
                                                        PgParam::Text(std::to_string(at.position))})
                     .status();
      !s.ok()) {
    return rollback(s);
  }
  if (Status s = conn.Run("COMMIT"); !s.ok()) {
    if (conn.broken()) return Unknown(s);
    return s;
  }
  Advance(at);
  return Status::Ok();
}

Result<ChainReport> PostgresEventStore::VerifyChain(const VerifyOptions& options) const {
  if (closed_.load()) return UnavailableError("event store closed");
  const std::optional<LedgerState> pinned =
      read_only_ ? std::optional(CachedLedger()) : std::nullopt;
  for (int attempt = 0;; ++attempt) {
    ZF_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
    SnapshotLog log(&*conn, pinned);
    // A pooled connection that died meanwhile fails at once: one more try.
    if (Status s = log.Begin(); !s.ok()) {
      if (conn->broken() && attempt == 0) continue;
      return s;
    }
    auto report = VerifyRawLog(log, options);
    log.End();
    return report;
  }
}

// Follows commits made by other connections (another process on the same
// store), so that their events reach this process's live subscriptions.
// Reconnects after a lost connection and then reads the ledger row, which
// covers every notification missed meanwhile.
void PostgresEventStore::ListenLoop() {
  std::unique_ptr<PgConnection> conn;
  auto refresh = [&] {
    auto ledger = ReadLedgerRow(*conn, false);
    if (ledger.ok()) Advance(*ledger);
  };
  while (!stop_listener_.load()) {
    if (conn == nullptr || conn->broken()) {
      conn.reset();
      auto fresh = PgConnection::Connect(url_);
      std::string quoted = "\"";
      for (char c : channel_) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += '"';
      if (fresh.ok() && (*fresh)->Run("LISTEN " + quoted).ok()) {
        conn = std::move(*fresh);
        refresh();
      } else {
        for (int i = 0; i < 5 && !stop_listener_.load(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        continue;
      }
    }
    if (listener_paused_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    pollfd fd{conn->socket(), POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    auto notes = conn->TakeNotifications();
    if (!notes.ok()) {
      conn.reset();
      continue;
    }
    if (!notes->empty()) refresh();
  }
}

}  // namespace

bool SetPostgresTestHooks(EventStore* store, PostgresTestHooks hooks) {
  auto* pg = dynamic_cast<PostgresEventStore*>(store);
  if (pg == nullptr) return false;
  pg->TEST_SetHooks(std::move(hooks));
  return true;
}

std::uint64_t PostgresAppendGroups(EventStore* store) {
  auto* pg = dynamic_cast<PostgresEventStore*>(store);
  return pg == nullptr ? 0 : pg->TEST_Groups();
}

bool PausePostgresListener(EventStore* store, bool paused) {
  auto* pg = dynamic_cast<PostgresEventStore*>(store);
  if (pg == nullptr) return false;
  pg->TEST_PauseListener(paused);
  return true;
}

int PostgresWriterPid(EventStore* store) {
  auto* pg = dynamic_cast<PostgresEventStore*>(store);
  return pg == nullptr ? 0 : pg->TEST_WriterPid();
}

}  // namespace internal

Status CopyEventLog(const EventStore& source, EventStore* target) {
  auto* pg = dynamic_cast<internal::PostgresEventStore*>(target);
  if (pg == nullptr) {
    return FailedPreconditionError(
        "only a PostgreSQL store takes a copied log in this version (the target is another "
        "kind of store)");
  }
  return pg->CopyFrom(source);
}

Result<std::unique_ptr<EventStore>> OpenPostgresEventStore(const StoreOptions& options,
                                                           std::string_view url) {
  if (!IsPostgresLocation(url)) {
    return InvalidArgumentError(fmt::format("'{}' is not a postgresql:// or postgres:// URL",
                                            internal::RedactUrl(url)))
        .WithSubject("db");
  }
  ZF_ASSIGN_OR_RETURN(internal::PgLocation location, internal::ParsePgLocation(url));
  auto store = std::make_unique<internal::PostgresEventStore>(options, std::move(location));
  ZF_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<EventStore>(std::move(store));
}

bool IsPostgresLocation(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<EventStore>> OpenEventStore(const StoreOptions& options,
                                                   std::string_view location) {
  if (IsPostgresLocation(location)) return OpenPostgresEventStore(options, location);
  return OpenRocksDbEventStore(options, location);
}

}  // namespace zf

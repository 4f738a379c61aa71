// zf/event_store.h — the durable, hash-chained event log.
//
// An EventStore is an append-only log of EventRecords. Every event belongs to
// one stream ("case/SX-2023-000452", "rules/powers", "org") and has a
// per-stream version (dense from 1) and a global position (dense from 1, in
// commit order). Each event's hash chains to the previous event of its stream
// (prev_hash), and the store keeps a running ledger hash over all positions,
// so a changed byte, a deleted event, a reordered pair or a truncated tail is
// detectable by VerifyChain() and by an auditor with docs/event-format.md.
//
// Two implementations: OpenRocksDbEventStore() (embedded, durable, the
// default) and NewMemoryEventStore() (tests). They have the same semantics.
//
// Example:
//   zf::StoreOptions options;
//   auto store = zf::OpenRocksDbEventStore(options, "/var/lib/zf");
//   if (!store.ok()) return store.status();
//   zf::NewEvent e{.type = "clue_registered", .occurred_at =
//                  "2023-09-12T09:30:00+08:00", .actor = {"GW-0457", "grid_worker",
//                  "fenggang"}, .data = {{"clue_id", "CL-1"}}};
//   auto r = (*store)->Append("clue/CL-1", zf::ExpectedVersion::NoStream(),
//                             {e}, "cmd-0001");
//
// Lifetime: a cursor or subscription must not outlive the EventStore object
// that made it; it may outlive Close(). Close() must not race with other
// calls on the store. After Close(), appends and reads return kUnavailable.
//
// Thread safety: every method may be called concurrently from many threads.
// Concurrent appends are merged into one write and one sync (group commit);
// each caller receives its own result.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/clock.h"
#include "zf/event.h"
#include "zf/export.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf {

// The version a stream must be at for an append to succeed.
class ZF_EXPORT ExpectedVersion {
 public:
  enum class Kind { kAny, kNoStream, kExact };

  // Append whatever the stream's version.
  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  // The stream must not exist yet.
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  // The stream must be exactly at `version` (0 means "no stream").
  static ExpectedVersion Exact(std::uint64_t version) {
    return version == 0 ? NoStream() : ExpectedVersion(Kind::kExact, version);
  }

  Kind kind() const { return kind_; }
  std::uint64_t version() const { return version_; }
  // True when a stream at `actual` (0 = absent) satisfies this expectation.
  bool Matches(std::uint64_t actual) const;
  std::string ToString() const;

 private:
  ExpectedVersion(Kind kind, std::uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  std::uint64_t version_;
};

// One append: events for one stream under one idempotency key.
struct AppendRequest {
  std::string stream;  // [A-Za-z0-9][A-Za-z0-9._:/-]*, at most 200 bytes
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;  // at least one
  // Idempotency key: a repeat with the same content (stream and events, not
  // `expected`) returns the first append's result and writes nothing; a
  // repeat with other content is kAlreadyExists. Printable ASCII, 1..128
  // bytes.
  std::string command_id;
  // The command that decided these events, as the caller recorded it (the
  // engine stores its canonical JSON), so that an auditor can decide it
  // again. Opaque to the store and at most kMaxRecordedCommandBytes; kept
  // in the command record, returned by ReadCommand, and not part of the
  // idempotency check (a retry is judged by its events). Empty = none.
  std::string command;
};

inline constexpr std::size_t kMaxRecordedCommandBytes = 1 << 20;

// What an append wrote (or, for a repeated command id, what it had written).
struct AppendResult {
  std::string stream;
  std::uint64_t first_version = 0;
  std::uint64_t last_version = 0;  // the stream's version after the append
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  std::string last_hash;  // hash of the last event written
  // True when command_id had been applied before and nothing was written.
  bool already_applied = false;

  friend bool operator==(const AppendResult& a, const AppendResult& b) {
    return a.stream == b.stream && a.first_version == b.first_version &&
           a.last_version == b.last_version &&
           a.first_position == b.first_position &&
           a.last_position == b.last_position && a.last_hash == b.last_hash;
  }
};

// An applied command as the store recorded it.
struct RecordedCommand {
  AppendResult result;
  std::string command;  // AppendRequest::command of the first append
};

// How AppendBatch treats a request that fails.
enum class BatchMode {
  // Each request succeeds or fails on its own; the rest still commit.
  kIndependent,
  // The requests before the first failure commit; the rest are not
  // attempted. The result vector ends with the failed request's outcome.
  kStopAtFirstFailure,
  // All requests commit or none do; the first failure is the outer error.
  kAtomic,
};

// A row of a read model kept beside the events (the engine's inline
// projections): written in the same atomic write as an AppendBatch's
// events, or alone with WriteProjections. A value of nullopt deletes.
struct ProjectionWrite {
  std::string key;
  std::optional<std::string> value;
};

// The subject of the kConflict an append with an expected ledger position
// fails with when another writer appended first (AppendOptions).
inline constexpr std::string_view kLedgerConflictSubject = "ledger";

struct AppendOptions {
  // Sync the write-ahead log before acknowledging. Turning this off trades
  // durability of the last writes for speed; never do it for live commands.
  bool sync = true;
  // AppendBatch only. A batch is one write and one sync, except that the
  // RocksDB store writes a kIndependent batch of 500 events or more without
  // projection rows as a pipeline of parts (about 250 events each, ending
  // on request boundaries) when it has append helpers: one thread plans
  // part k + 1 while another writes part k. Only the last part syncs, and
  // no result is returned before it has (a synced write makes every WAL
  // record before it durable); the store's Ledger() and subscriptions move
  // only then. Readers of the database may see an earlier part's events a
  // moment before the call returns; after a power failure in that moment
  // they are gone, unacknowledged (a process crash keeps them: they are in
  // the OS's page cache).
  BatchMode mode = BatchMode::kIndependent;
  // AppendBatch only: rows written in the same write as the events, if the
  // batch commits (use with kAtomic: with other modes they are written when
  // the write happens, whatever each request's outcome). Must outlive the
  // call.
  std::span<const ProjectionWrite> projections = {};
  // AppendBatch only: optimistic concurrency on the whole log. The batch is
  // written only if the log ends at this position when its turn comes (after
  // the batches grouped before it); otherwise nothing of it is, and the call
  // fails with kConflict, subject "ledger", carrying the log's position as
  // version(). An engine passes the position its judgement read, so that no
  // command is judged on a state that misses another writer's events
  // (docs/architecture.md, "Several engines on one store"). A batch with it
  // is never split into parts.
  std::optional<std::uint64_t> expected_ledger_position = std::nullopt;
};

// The latest state of one stream.
struct StreamHead {
  std::uint64_t version = 0;
  std::uint64_t position = 0;  // position of the stream's last event
  std::string hash;            // hash of the stream's last event
};

// The latest state of the whole log.
struct LedgerHead {
  std::uint64_t position = 0;  // 0 for an empty store
  std::string ledger_hash;     // hex; 64 zeros for an empty store
};

enum class Direction { kForward, kBackward };

// A forward-only cursor over events, in the style of leveldb::Iterator.
// Holds a consistent snapshot; memory use does not grow with the number of
// events read. Not thread-safe: use one cursor from one thread.
class ZF_EXPORT EventCursor {
 public:
  virtual ~EventCursor() = default;
  // True while positioned at an event.
  virtual bool Valid() const = 0;
  // REQUIRES: Valid(). The reference is good until the next Next().
  virtual const EventRecord& event() const = 0;
  // REQUIRES: Valid(). The current event for the caller to keep: moved out
  // where the cursor decoded it for this step only (event() is then
  // unspecified until Next()), a copy otherwise.
  virtual EventRecord TakeEvent() { return event(); }
  virtual void Next() = 0;
  // Non-OK if reading or decoding failed; Valid() is false then.
  virtual Status status() const = 0;
};

// A catch-up subscription: delivers every event from a position in order,
// first those already stored, then new ones as they commit. Pull-based: call
// Next() in a loop. Resumable: a new subscription from last position + 1
// continues without missing or repeating an event.
// Not thread-safe; Cancel() may be called from another thread.
class ZF_EXPORT Subscription {
 public:
  virtual ~Subscription() = default;
  // Returns up to `max_events` events following the last one delivered.
  // Waits up to `wait` for at least one when caught up; an empty vector means
  // the wait ran out. kUnavailable after Cancel() or when the store closes.
  virtual Result<std::vector<EventRecord>> Next(std::size_t max_events,
                                                std::chrono::milliseconds wait) = 0;
  // Position of the last event delivered (from_position - 1 initially).
  virtual std::uint64_t position() const = 0;
  // Wakes a waiting Next(), which then returns kUnavailable.
  virtual void Cancel() = 0;
};

// One thing VerifyChain found wrong.
struct ChainFinding {
  // Do not renumber: reported in audit output.
  enum class Kind {
    kHashMismatch = 0,       // stored hash != SM3(canonical encoding)
    kPrevHashMismatch = 1,   // prev_hash != hash of the stream's previous event
    kVersionGap = 2,         // stream versions not dense
    kPositionGap = 3,        // a position is missing (deleted event)
    kPositionMismatch = 4,   // key position != envelope position (moved event)
    kLedgerMismatch = 5,     // running ledger hash does not match
    kIndexMismatch = 6,      // stream index or head disagrees with the log
    kTruncated = 7,          // the log ends before the recorded ledger head
    kUndecodable = 8,        // the stored bytes are not a valid envelope
    // Anchors (VerifyOptions::anchors, zf/checkpoint.h): the store
    // contradicts a ledger hash kept outside it.
    kAnchorBeyondHead = 9,   // the anchor's position lies past the log's end (rollback)
    kAnchorMismatch = 10,    // the ledger hash at the anchor's position differs (rewrite)
    kAnchorSignature = 11,   // the anchor's signature does not verify: not compared
  };
  Kind kind;
  std::uint64_t position = 0;  // where it was found
  std::string stream;          // the stream concerned, when known
  std::uint64_t version = 0;   // the stream version concerned, when known
  std::string detail;          // human-readable explanation, in English
  std::string detail_zh;       // the same in Chinese (technical reasons of a decoder stay in detail)

  // What a Chinese reader is shown: detail_zh, or detail when the store
  // gave none (an embedder's VerifyChain need not fill detail_zh).
  const std::string& DetailZh() const { return detail_zh.empty() ? detail : detail_zh; }
};

ZF_EXPORT std::string_view ChainFindingKindName(ChainFinding::Kind kind);

// A ledger hash kept outside the store (a signed checkpoint exported
// earlier, or a hash noted elsewhere) that the store must agree with.
struct LedgerAnchor {
  std::uint64_t position = 0;
  std::string ledger_hash;        // hex
  std::string time;               // when signed; "" for an unsigned anchor
  std::string key_id;             // the signer's key id; "" for an unsigned anchor
  std::string source;             // where it came from, for findings ("anchors.jsonl:3")
  std::string signature_problem;  // non-empty: the signature failed (why); reported, not compared
  std::string signature_problem_en{};  // the same reason in English ("" from an older caller)
};

struct VerifyOptions {
  std::uint64_t from_position = 1;
  std::uint64_t to_position = UINT64_MAX;  // clamped to the ledger head
  // Also check the stream index and stream heads against the log.
  bool check_indexes = true;
  // Stop after this many findings (memory stays bounded on a ruined log).
  std::size_t max_findings = 100;
  // Ledger hashes the log must agree with (zf/checkpoint.h): at each
  // anchor's position in the range the recomputed ledger must equal the
  // anchor's (else kAnchorMismatch); when the range runs to the log's end,
  // an anchor past it is kAnchorBeyondHead. Anchors outside the range are
  // not compared.
  std::vector<LedgerAnchor> anchors{};
};

struct ChainReport {
  std::uint64_t from_position = 0;
  std::uint64_t to_position = 0;
  std::uint64_t events_checked = 0;
  std::string ledger_hash;  // recomputed ledger hash at to_position
  std::vector<ChainFinding> findings;  // in position order
  bool ok() const { return findings.empty(); }
};

class CheckpointSigner;

struct StoreOptions {
  // Signed ledger checkpoints (zf/checkpoint.h): with a signer, the store
  // signs its ledger head and keeps the checkpoint beside the log after a
  // commit that takes the log `checkpoint_every` or more events past the
  // last checkpoint (0: never on its own; WriteCheckpointAtHead still
  // works). A checkpoint that cannot be written is tried again after the
  // next commit; the commit itself stands. Read-only stores write none.
  std::shared_ptr<const CheckpointSigner> checkpoint_signer{};
  std::uint64_t checkpoint_every = 0;

  // Create the database if it does not exist (RocksDB store).
  bool create_if_missing = true;
  // Open for reading only (RocksDB store): beside a process that holds the
  // store for writing (zfcli serve), on a backup, or on read-only media.
  // Takes no lock and writes nothing in the store's directory. The store is
  // opened as a RocksDB secondary instance, which reads a consistent state
  // of the log even while a writer appends (docs/architecture.md, "Reads
  // beside a writer"): the state at Open(), which later reads keep seeing
  // (Ledger(), cursors and subscriptions do not follow later appends; only
  // a Backup() that has to catch up with the writer moves it forward).
  // Appends and WriteProjections return kFailedPrecondition.
  bool read_only = false;
  // read_only only: a writable directory where the secondary instance keeps
  // its own info log. "": a new directory under the system's temporary
  // directory, removed when the store closes. Never the store's directory.
  std::string secondary_directory{};
  // System time for recorded_at. nullptr: SystemClock().
  std::shared_ptr<Clock> clock{};
  // Upper bound on events merged into one group commit.
  std::size_t max_group_events = 65536;
  // Helper threads that share an append's CPU work with the appending
  // thread (RocksDB store): validation and canonical JSON of a batch, and
  // the envelope encoding and SM3 hashing of a group, stream by stream. Used
  // only for batches and groups of at least 64 events. kAutoAppendHelpers:
  // min(hardware threads, 4) - 1; 0: none. The stored bytes are the same
  // whatever the number.
  static constexpr std::size_t kAutoAppendHelpers = static_cast<std::size_t>(-1);
  std::size_t append_helpers = kAutoAppendHelpers;

  // RocksDB store: how the `events` column family's table files are laid
  // out. Events are keyed by global position, so the events of one stream
  // lie in as many blocks as it has events, and reading a stream costs one
  // block fetch and decode per event. Small uncompressed blocks make that
  // cheap (a 20-event stream read was 58 % Snappy with 32 KiB Snappy
  // blocks); compression trades it for disk space. Only the physical
  // layout changes: the stored values, hashes and ledger are the same, and
  // a store written with other settings opens and reads as before (each
  // table file records its own block size and compression).
  enum class Compression { kNone, kLz4, kSnappy };
  Compression events_compression = Compression::kNone;
  // Bytes of event data per table block; 1 KiB to 1 MiB.
  std::size_t events_block_size = 4 * 1024;
  // One block cache shared by every column family, in bytes (uncompressed
  // blocks); 0: no block cache (every read goes to the files, through the
  // OS page cache). The store's memory grows with this, not with its size.
  std::size_t block_cache_bytes = 128 << 20;
  // For a process that reads a few keys and exits (`zfcli case show`): the
  // index and filter blocks of a table file are read into the block cache
  // when a lookup first needs them, instead of every file's at the open
  // (about 120 MB and 0.5 s at 10^7 events). Not for a pass over the whole
  // store (audit, rebuild, import): there they do not fit in the cache
  // beside the data blocks and are read again and again (docs/performance.md,
  // "Opening a province store"). Ignored without a block cache.
  bool index_blocks_on_demand = false;
  // RocksDB store: whether point reads of events (stream reads, a single
  // event, a stream's head) put the blocks they read into the block cache.
  // Each such block holds one wanted event among others of the same time.
  // A pass in log order that folds a case again after it left the engine's
  // cache (the audit) finds those neighbours there: at 10^7 events two
  // alternating pairs of audits took 205 and 171 s with them cached, 217
  // and 208 s without. Reads of random cases across a store far larger
  // than the cache (a 20-event read on 10^6 events, bench/stream_reads:
  // 178 against 212 µs at the median) and the rebuild, whose row checks
  // need the cache for the rows (53 against 57 s at 10^7), do better without
  // (docs/performance.md, "Stream reads without filling the cache").
  // index_blocks_on_demand fills it regardless.
  bool cache_event_reads = true;
};

class ZF_EXPORT EventStore {
 public:
  EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  virtual ~EventStore() = default;

  // Appends `request.events` to `request.stream` in one atomic write.
  // Returns the positions and versions written. Errors:
  //   kInvalidArgument — malformed stream, type, time, command id or payload;
  //   kConflict — the stream is not at `request.expected`; the status's
  //               version() is the actual version (0 = no stream);
  //   kAlreadyExists — command_id was used before for a different stream or
  //                    different events;
  //   kFailedPrecondition — the store is read-only;
  //   kIOError — the write or sync failed; nothing was acknowledged.
  // A command_id seen before for the same stream returns the first result
  // with already_applied = true and writes nothing.
  // The default is AppendBatch() of the one request, which every store zf
  // has answers the same way.
  virtual Result<AppendResult> Append(const AppendRequest& request,
                                      const AppendOptions& options = {});

  // Convenience form of Append().
  Result<AppendResult> Append(std::string_view stream, ExpectedVersion expected,
                              std::vector<NewEvent> events,
                              std::string_view command_id,
                              const AppendOptions& options = {});

  // Appends many requests with one write and one sync. The outer Result fails
  // only for a failure of the whole write (kIOError, kFailedPrecondition) or,
  // in BatchMode::kAtomic, for the first request that fails (nothing
  // written). Otherwise result[i] is request[i]'s own outcome (see BatchMode
  // for how many there are). Requests are applied in order, so a later
  // request may expect the version an earlier one creates.
  virtual Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests, const AppendOptions& options = {}) = 0;

  // Reads `stream` from `from_version` (inclusive; for kBackward, 0 = from
  // the head) in the given direction. An absent stream yields no events.
  virtual std::unique_ptr<EventCursor> ReadStream(std::string_view stream,
                                                  std::uint64_t from_version,
                                                  Direction direction) const = 0;

  // Reads the whole log in position order from `from_position` (inclusive).
  // Streaming: memory does not grow with the store's size.
  virtual std::unique_ptr<EventCursor> ReadAll(std::uint64_t from_position) const = 0;

  // Reads the single event at `position`; kNotFound past the head.
  virtual Result<EventRecord> ReadEvent(std::uint64_t position) const = 0;

  // The stream's head; kNotFound when the stream has no events.
  virtual Result<StreamHead> Head(std::string_view stream) const = 0;

  // The log's last position and ledger hash.
  virtual LedgerHead Ledger() const = 0;

  // The result recorded for `command_id`; kNotFound if never applied.
  virtual Result<AppendResult> FindCommand(std::string_view command_id) const = 0;

  // FindCommand plus the command recorded with it (AppendRequest::command;
  // empty when none was). kNotFound if never applied.
  virtual Result<RecordedCommand> ReadCommand(std::string_view command_id) const = 0;

  // A catch-up subscription from `from_position` (inclusive, >= 1).
  virtual std::unique_ptr<Subscription> Subscribe(std::uint64_t from_position) = 0;

  // Recomputes every hash, stream chain and the ledger over a range and
  // compares them with what is stored; findings name position and stream.
  // The Status is non-OK only when the check itself could not run.
  virtual Result<ChainReport> VerifyChain(const VerifyOptions& options = {}) const = 0;

  // The projection row under `key`, or nullopt.
  virtual Result<std::optional<std::string>> ReadProjection(std::string_view key) const = 0;
  // Calls fn(key, value) for every projection row whose key starts with
  // `prefix`, in key order, until fn returns false.
  virtual Status ScanProjections(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const = 0;
  // ScanProjections from the first key at or after `start`: a long scan
  // that stops to write what it found resumes where it stopped.
  virtual Status ScanProjectionsFrom(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const {
    return ScanProjections(prefix, [&](std::string_view key, std::string_view value) {
      return key < start || fn(key, value);
    });
  }
  // Writes (or deletes) projection rows on their own, in one synced write:
  // for rebuilding read models from the events.
  virtual Status WriteProjections(std::span<const ProjectionWrite> writes) = 0;

  // Signed checkpoints kept beside the log (not in it: no event's bytes or
  // hashes change), keyed by position; `record` is the checkpoint's JSON
  // line (zf/checkpoint.h). A second one at a position replaces the first.
  // kFailedPrecondition when read-only.
  virtual Status PutCheckpoint(std::uint64_t position, std::string_view record) = 0;
  // Calls fn(position, record) for every checkpoint in position order until
  // fn returns false.
  virtual Status ScanCheckpoints(
      const std::function<bool(std::uint64_t position, std::string_view record)>& fn) const = 0;

  // Writes a consistent online copy of the store to `directory` (which must
  // not exist). The copy opens with OpenRocksDbEventStore(read_only = true),
  // or read-write to restore. kFailedPrecondition for the memory store.
  // The PostgreSQL store writes a RocksDB store too, of the state one
  // snapshot transaction sees, byte for byte, and verifies its chain before
  // returning (kCorruption, and nothing left at `directory`, if it does not).
  // A read-only store can be backed up while a writer holds it: the copy
  // then holds at least the events this store reads (a writer's later
  // appends may be in it too; open the copy to learn its ledger).
  virtual Status Backup(std::string_view directory) = 0;

  // True when the store was opened with StoreOptions::read_only: appends and
  // WriteProjections fail with kFailedPrecondition, and nothing the store
  // reads changes after Open().
  virtual bool read_only() const { return false; }

  // Notes in the store's holder file (see StoreHolder) where the process
  // that holds the store for writing serves it ("http://127.0.0.1:8080"),
  // so that a command refused because the store is held can say where to
  // send it. A hint only. kFailedPrecondition when the store is read-only;
  // kIOError when the file cannot be written. The memory store ignores it.
  virtual Status SetServingAddress(std::string_view address) {
    static_cast<void>(address);
    return Status::Ok();
  }

  // Whether the store can take appends now. OK; or the error of a failed
  // write (a full disk, an I/O error, a RocksDB background error), after
  // which nothing more is appended until the fault clears. Each call (at
  // most once a second) then tries to recover: RocksDB's DB::Resume(), the
  // ledger read back from what is durable; once that works the store
  // appends again and this returns OK. Appends recover the same way.
  // Thread-safe; cheap while the store is healthy. The memory store is
  // always healthy.
  virtual Status Health() { return Status::Ok(); }

  // Flushes and stops accepting appends; later calls return kUnavailable.
  // Called by the destructor; safe to call twice.
  virtual Status Close() = 0;
};

// Opens (or creates) the RocksDB store at `path`. Opened for writing, it
// holds the store's lock until it closes and records its process in the
// holder file (StoreHolder); opened read_only, it takes no lock and writes
// nothing under `path`.
// Errors: kInvalidArgument (bad options), kIOError (cannot open),
// kUnavailable (opened for writing while another process holds the store:
// ReadStoreHolder says which), kCorruption (an unknown format version),
// kNotFound (no store at `path` and none to be created: read_only, or
// create_if_missing false), kFailedPrecondition (an incomplete store:
// RocksDB's files without CURRENT, a family or meta/format_version
// missing — a creation that was interrupted, or damage; never finished
// or rewritten here, in any mode).
ZF_EXPORT Result<std::unique_ptr<EventStore>> OpenRocksDbEventStore(
    const StoreOptions& options, std::string_view path);

// Who holds a RocksDB store open for writing. A store opened for writing
// records its process in the file kStoreHolderFile in its directory (JSON:
// {"pid", "address", "since"}) and removes it when it closes, so that a
// process refused by the store's lock (kUnavailable) can say who holds it.
// It is a hint for messages only: the RocksDB lock is what keeps a second
// writer out, and a file left by a process that died is ignored.
struct StoreHolder {
  std::int64_t pid = 0;
  std::string address;  // where it serves the store (SetServingAddress); "" = not served
  std::string since;    // RFC 3339 UTC: when it opened the store
};

inline constexpr std::string_view kStoreHolderFile = "zf-holder.json";

// The live holder of the store at `path`, or nullopt when there is no
// holder file, it cannot be read or parsed, or its process no longer runs.
ZF_EXPORT std::optional<StoreHolder> ReadStoreHolder(std::string_view path);

// A store held in memory; contents are lost when it is destroyed.
ZF_EXPORT Result<std::unique_ptr<EventStore>> NewMemoryEventStore(
    const StoreOptions& options = {});

}  // namespace zf

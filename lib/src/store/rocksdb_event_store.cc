// The RocksDB EventStore. Key layout in store/key_codec.h and
// docs/event-format.md. Appends queue up (leveldb's writer queue): the thread
// at the front of the queue becomes the leader (once fewer than two groups
// are in flight), plans the queued appends into one WriteBatch, hands the
// queue to the next leader, then writes and syncs once and hands every
// waiting caller its own result (AppendBatch and Commit below).
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <algorithm>
#include <atomic>
#include <deque>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "store/append_planner.h"
#include "store/chain_verifier.h"
#include "store/checkpointer.h"
#include "store/command_probe.h"
#include "store/envelope.h"
#include "store/error_cursor.h"
#include "store/raw_log.h"
#include "store/rocksdb_testing.h"
#include "store/store_copy.h"
#include "store/store_holder.h"
#include "store/stream_end_probe.h"
#include "store/subscription.h"
#include "util/coding.h"
#include "util/rfc3339.h"
#include "util/worker_pool.h"
#include "zf/event_store.h"

namespace zf {
namespace internal {
namespace {

// Do not reorder: the index is the handle slot.
enum Family { kDefault = 0, kEvents, kStreams, kCommands, kMeta, kProjections, kFamilyCount };
constexpr const char* kFamilyNames[kFamilyCount] = {"default",  "events", "streams",
                                                   "commands", "meta",   "projections"};

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  const std::string message = fmt::format("{}: {}", what, s.ToString());
  if (s.IsNotFound()) return NotFoundError(message);
  if (s.IsCorruption()) return CorruptionError(message);
  if (s.IsInvalidArgument()) return InvalidArgumentError(message);
  // RocksDB says a held store is "IO error: While lock file: <dir>/LOCK:
  // Resource temporarily unavailable" (another process) or "lock hold by
  // current process" (this one); match those, not any "lock" (which
  // "block" contains).
  const std::string text = s.ToString();
  if (s.IsBusy() || s.IsTryAgain() || text.find("While lock file") != std::string::npos ||
      text.find("lock hold by current process") != std::string::npos) {
    return UnavailableError(message);
  }
  return IOError(message);
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// The stream part of an index key, up to and including its 0x00. The
// memtable keeps an insert hint per stream with it: a stream's next version
// goes right after its previous one, so the insert skips the skip-list search.
class StreamPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "zf.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* zero = std::memchr(key.data(), 0, key.size());
    return rocksdb::Slice(key.data(), static_cast<const char*>(zero) - key.data() + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), 0, key.size()) != nullptr;
  }
};

rocksdb::CompressionType ToRocks(StoreOptions::Compression compression) {
  switch (compression) {
    case StoreOptions::Compression::kLz4:
      return rocksdb::kLZ4Compression;
    case StoreOptions::Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case StoreOptions::Compression::kNone:
      break;
  }
  return rocksdb::kNoCompression;
}

// How events are read by key (stream reads, single events, stream heads):
// StoreOptions::cache_event_reads. A process that reads a few keys and
// exits (index_blocks_on_demand) fills the cache whatever it says: there
// the cache also keeps the index blocks those reads load, which must not be
// read again for every event.
bool EventBlocksCached(const StoreOptions& options) {
  return options.cache_event_reads || options.index_blocks_on_demand;
}

rocksdb::ReadOptions EventReads(const StoreOptions& options) {
  rocksdb::ReadOptions read;
  read.fill_cache = EventBlocksCached(options);
  return read;
}

// `cache` is shared by every family (null: no block cache).
rocksdb::ColumnFamilyOptions FamilyOptions(Family family, const StoreOptions& store,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  if (family != kEvents) {
    // Point lookups (command ids, index probes) dominate these.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
  }
  table.block_cache = cache;
  table.no_block_cache = cache == nullptr;
  if (family == kEvents && !EventBlocksCached(store)) {
    // Nothing would ever put an event block into the cache (EventReads; the
    // log scans read around it), yet RocksDB would still look each block up
    // there first: a lookup that always misses, under the shard's lock. A
    // 20-event stream read took 170-178 instead of 185-194 µs at the median
    // without it (docs/performance.md, "Stream reads without the cache's
    // lookups").
    table.block_cache = nullptr;
    table.no_block_cache = true;
  }
  // Index and filter blocks stay in the table readers, outside the block
  // cache, and a reader reads them for every table file at its open (0.55 s
  // of the open at 10^7 events). In the cache instead
  // (cache_index_and_filter_blocks) the open took 0.06 s, but the 10^7
  // store's 121 MB of index and filter blocks (one filter block of the
  // streams family alone is 11.8 MB) did not fit in the cache beside the
  // data blocks: evicted and read again on most lookups, they made the
  // audit's first 150,000 positions take over 10 minutes instead of 12 s
  // (docs/performance.md, "Opening a province store"). Partitioned filters
  // and indexes would bound that, for table files written with them.
  // A process that reads a few keys asks for them on demand.
  if (store.index_blocks_on_demand && cache != nullptr) {
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
  }
  // A full key at every 16th index entry, the 15 between delta-encoded
  // (RocksDB's default is a full key at every entry). At 10^7 events the
  // index blocks every table reader holds for the whole open shrank from
  // 93 to 33 MB (docs/performance.md, "Smaller index blocks"); a
  // lookup searches 1/16 of the entries and then walks at most 15 short
  // ones, which the smaller block keeps in the CPU's cache more often than
  // the longer binary search did. Files written before keep their own
  // layout until compacted.
  table.index_block_restart_interval = 16;
  if (family == kEvents) {
    // StoreOptions: a stream read costs one block per event.
    table.block_size = store.events_block_size;
    options.compression = ToRocks(store.events_compression);
    // Most reads of this family are point lookups of one event in a block:
    // a hash index in each block finds it without the binary search.
    table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  } else {
    table.block_size = 4 * 1024;
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (family != kEvents) {
    // Small values: small memtables flush often, so the WAL files they pin
    // can go (docs/performance.md: 935 -> 165 MiB of WAL after 1M events),
    // and a memtable Bloom filter makes the command-id probe, which misses
    // for nearly every new command, cheap.
    options.write_buffer_size = 8 << 20;
    options.memtable_prefix_bloom_size_ratio = 0.1;
    options.memtable_whole_key_filtering = true;
    // Level 1 sized to what level 0 hands it. These keys are random, so
    // every level-0 file overlaps all of level 1 and each L0 -> L1
    // compaction rewrites the whole of it: with RocksDB's defaults
    // (256 MiB, 4 files of about 2.5 MiB each from these memtables) that was
    // 256 MiB rewritten per 10 MiB flushed. RocksDB's tuning guide sets level
    // 1 to trigger x memtable size (what one L0 -> L1 compaction takes in,
    // before compression) and target files near a tenth of it. On 3 million
    // imported commands: the compactions of the commands, projections and
    // streams families took 31 instead of 100 CPU s, the whole import 191
    // instead of 280 (docs/performance.md, "Level sizes").
    // An existing store takes these on its next open; its levels move down
    // in the background.
    options.level0_file_num_compaction_trigger = 8;
    options.max_bytes_for_level_base = 64 << 20;
    options.target_file_size_base = 8 << 20;
  }
  // A stream's versions only grow: an insert hint per stream skips most of
  // the skip-list search for index entries (≈ 10 % of their insert cost in a
  // scratch measurement; for the events family, whose keys are short, a hint
  // made no measurable difference, so it has none).
  if (family == kStreams) {
    options.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamPrefix>();
  }
  return options;
}

// RocksDB's info log (the LOG file), written with stdio. RocksDB's own
// logger writes through a WritableFileWriter which, in a RocksDB built with
// assertions (Debian's is), aborts the process on the first write after
// one that failed (`assert(sync_without_flush_called_)`): on a full disk
// every command, a read beside a server included, died with SIGABRT
// (issue 14 §6). This one drops a line it cannot write, and the open, the
// read or the write goes on to fail (or not) on its own merits.
//
// Opened for writing: `<store>/LOG`, the previous one kept as LOG.old (one
// generation, where RocksDB kept up to 1000). A read-only open writes no
// log at all (file == nullptr): it writes nothing of its own.
class StdioLogger final : public rocksdb::Logger {
 public:
  explicit StdioLogger(std::FILE* file) : file_(file) {}
  ~StdioLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (file_ == nullptr) return;
    std::lock_guard lock(mu_);
    const std::string now = FormatRfc3339Utc(SystemClock()->NowMicros());
    std::fprintf(file_, "%s ", now.c_str());
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);
    std::clearerr(file_);  // a full disk: the line is lost, the next may fit
  }

  // The logger for a store at `path` opened for writing; never fails (no
  // file: no log).
  static std::shared_ptr<StdioLogger> ForStore(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(path, ec);
    const fs::path log = fs::path(path) / "LOG";
    if (fs::exists(log, ec)) fs::rename(log, fs::path(path) / "LOG.old", ec);
    return std::make_shared<StdioLogger>(std::fopen(log.c_str(), "we"));
  }

 private:
  std::mutex mu_;
  std::FILE* const file_;
};

// Leaves the recovery from a full disk to the store (TryResume): RocksDB's
// own waits for its SstFileManager to see enough free space, keeps
// Resume() kBusy meanwhile, and in a test on a freed tmpfs did not finish
// within 40 s; Resume() recovers as soon as there is room.
class ManualRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                            rocksdb::Status /*error*/, bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

// Groups planned but not yet written, at most: one writing and syncing, one
// planned on top of it (Commit).
constexpr std::uint64_t kMaxGroupsInFlight = 2;

// Events per part when a large batch is written as a pipeline
// (AppendInParts). docs/performance.md: 100 and 500 did no better.
constexpr std::size_t kPartEvents = 250;

// Opens of a secondary tried before giving up on a writer that keeps
// flushing while each runs (OpenDatabase).
constexpr int kSecondaryOpenAttempts = 20;

// The open database and its column families. Shared by the store and its
// cursors, so a cursor that outlives Close() keeps reading a valid database;
// the database closes when the last of them lets go.
struct Database {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  // A secondary instance (StoreOptions::read_only): it follows the files of
  // the store's writer, if there is one.
  bool secondary = false;
  // The secondary's own directory when it was made for it; removed with it.
  std::string temporary_directory;
  // Opened for writing: the store directory, whose holder file names this
  // process until the database (and its lock) is closed.
  std::string held_store;
  StoreHolder holder;
  // Point reads of events (stream reads, single events): see EventReads().
  rocksdb::ReadOptions event_reads;

  rocksdb::ColumnFamilyHandle* cf(Family family) const { return handles[family]; }
  ~Database() {
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    if (db) db->Close().PermitUncheckedError();
    db.reset();
    if (!held_store.empty()) RemoveOwnStoreHolder(held_store);
    if (!temporary_directory.empty()) {
      std::error_code ignored;  // a leftover temporary directory harms nothing
      std::filesystem::remove_all(temporary_directory, ignored);
    }
  }
};

// Iterates the events family in key order.
class RocksScan final : public RawScan {
 public:
  RocksScan(std::shared_ptr<const Database> database, std::uint64_t from)
      : database_(std::move(database)) {
    rocksdb::ReadOptions read_options;
    read_options.readahead_size = 2 << 20;
    // A scan of the log reads each block once: it would only push the
    // blocks that stream reads come back to out of the cache, and filling
    // the cache costs the scan fresh memory for every block (each a page
    // fault in a VM) where reading around it reuses one buffer.
    read_options.fill_cache = false;
    it_.reset(database_->db->NewIterator(read_options, database_->cf(kEvents)));
    it_->Seek(PositionKey(from));
  }
  bool Valid() const override { return it_->Valid() && it_->key().size() == 8; }
  std::uint64_t position() const override { return DecodePositionKey(ToView(it_->key())); }
  std::string_view value() const override { return ToView(it_->value()); }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "scan events"); }

 private:
  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
  const std::shared_ptr<const Database> database_;  // outlives it_
  std::unique_ptr<rocksdb::Iterator> it_;
};

// A scan that could not start (the store closed or being reopened).
class FailedScan final : public RawScan {
 public:
  explicit FailedScan(Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  std::uint64_t position() const override { return 0; }
  std::string_view value() const override { return {}; }
  void Next() override {}
  Status status() const override { return status_; }

 private:
  Status status_;
};

struct OpenedDatabase {
  std::shared_ptr<Database> database;
  LedgerState ledger;  // as the store's meta row records it
};

// Opens (creating when the options say so) the RocksDB instance of a store
// and checks its format: used by OpenRocksDbEventStore and by a reopen
// after a write fault.
Result<OpenedDatabase> OpenDatabase(const StoreOptions& options, std::string_view path,
                                    rocksdb::Env* env);

// Decodes the events family from a position, in order.
class LogCursor final : public EventCursor {
 public:
  explicit LogCursor(std::unique_ptr<RawScan> scan) : scan_(std::move(scan)) { Load(); }
  bool Valid() const override { return valid_; }
  const EventRecord& event() const override { return record_; }
  // Load() assigns every field again, so the record can go.
  EventRecord TakeEvent() override { return std::move(record_); }
  void Next() override {
    scan_->Next();
    Load();
  }
  Status status() const override { return status_.ok() ? scan_->status() : status_; }

 private:
  void Load() {
    valid_ = false;
    if (!status_.ok() || !scan_->Valid()) return;
    status_ = DecodeStored(scan_->value(), &record_);
    valid_ = status_.ok();
  }
  std::unique_ptr<RawScan> scan_;
  bool valid_ = false;
  EventRecord record_;
  Status status_;
};

// Walks one stream through the index under one snapshot. The events of a
// stream lie at scattered positions, so they are fetched in batches with
// one MultiGet (one lookup per table level and block for the whole batch,
// rather than a full Get per event); batches start small, for a reader that
// wants only the first events, and grow.
class StreamCursor final : public EventCursor {
 public:
  StreamCursor(std::shared_ptr<const Database> database, std::string_view stream,
               std::uint64_t from_version, Direction direction)
      : database_(std::move(database)), snapshot_(database_->db.get()),
        prefix_(StreamIndexPrefix(stream)), direction_(direction) {
    // A secondary's iterators refuse snapshots ("not supported in secondary
    // mode"), and need none: its state moves only when it catches up with
    // the writer, which a read-only store does only in a Backup() retry.
    if (!database_->secondary) read_options_.snapshot = snapshot_.snapshot();
    event_read_options_ = database_->event_reads;
    event_read_options_.snapshot = read_options_.snapshot;
    it_.reset(database_->db->NewIterator(read_options_, database_->cf(kStreams)));
    if (direction == Direction::kForward) {
      it_->Seek(StreamIndexKey(stream, std::max<std::uint64_t>(from_version, 1)));
    } else {
      it_->SeekForPrev(StreamIndexKey(stream, from_version == 0 ? UINT64_MAX : from_version));
    }
    Load();
  }
  bool Valid() const override { return valid_; }
  const EventRecord& event() const override { return record_; }
  // Load() assigns every field again, so the record can go.
  EventRecord TakeEvent() override { return std::move(record_); }
  void Next() override {
    ++next_;
    Load();
  }
  Status status() const override {
    return status_.ok() ? FromRocks(it_->status(), "read stream") : status_;
  }

 private:
  static constexpr std::size_t kFirstBatch = 32, kMaxBatch = 512;

  void Load() {
    valid_ = false;
    if (!status_.ok()) return;
    if (next_ == keys_.size()) {
      Fetch();
      if (next_ == keys_.size()) return;
    }
    const rocksdb::Status& s = statuses_[next_];
    if (s.IsNotFound()) {
      status_ = CorruptionError(fmt::format("the stream index points at missing position {}",
                                            DecodeFixed64BE(keys_[next_].data())));
      return;
    }
    status_ = FromRocks(s, "read event");
    if (status_.ok()) {
      status_ = DecodeStored(std::string_view(values_[next_].data(), values_[next_].size()),
                             &record_);
    }
    valid_ = status_.ok();
  }

  // Reads the next batch of index entries and their events.
  void Fetch() {
    keys_.clear();
    next_ = 0;
    while (keys_.size() < batch_ && it_->Valid() && it_->key().starts_with(ToSlice(prefix_)) &&
           it_->value().size() == 8) {
      keys_.emplace_back(it_->value().data(), 8);  // the position, big-endian: its event's key
      if (direction_ == Direction::kForward) {
        it_->Next();
      } else {
        it_->Prev();
      }
    }
    // An entry that ends the walk (another stream, a malformed entry, the
    // end) is left where it is: nothing after it is read.
    if (keys_.empty()) return;
    batch_ = std::min(batch_ * 4, kMaxBatch);
    std::vector<rocksdb::Slice> slices(keys_.begin(), keys_.end());
    values_.resize(keys_.size());
    statuses_.resize(keys_.size());
    for (rocksdb::PinnableSlice& v : values_) v.Reset();
    database_->db->MultiGet(event_read_options_, database_->cf(kEvents), slices.size(),
                            slices.data(),
                            values_.data(), statuses_.data(),
                            /*sorted_input=*/direction_ == Direction::kForward);
  }

  const std::shared_ptr<const Database> database_;  // declared first: destroyed last
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions read_options_;        // the index
  rocksdb::ReadOptions event_read_options_;  // the events
  std::unique_ptr<rocksdb::Iterator> it_;
  const std::string prefix_;
  const Direction direction_;
  std::size_t batch_ = kFirstBatch;
  std::vector<std::string> keys_;  // the current batch's event keys
  std::vector<rocksdb::PinnableSlice> values_;
  std::vector<rocksdb::Status> statuses_;
  std::size_t next_ = 0;  // index in the batch of the event to load
  bool valid_ = false;
  EventRecord record_;
  Status status_;
};

// The last entry of `stream` in the stream index, sought with `it` (an
// iterator of the streams family); `key` is scratch space. nullopt: the
// stream has no entry.
Result<std::optional<StreamEnd>> SeekStreamEnd(rocksdb::Iterator* it, std::string_view stream,
                                               std::string* key) {
  SetStreamIndexKey(stream, UINT64_MAX, key);
  it->SeekForPrev(ToSlice(*key));
  if (!it->Valid()) {
    ZF_RETURN_IF_ERROR(FromRocks(it->status(), "read stream head"));
    return std::optional<StreamEnd>();
  }
  std::string_view found;
  StreamEnd end;
  if (!DecodeStreamIndexKey(std::string_view(it->key().data(), it->key().size()), &found,
                            &end.version) ||
      found != stream) {
    return std::optional<StreamEnd>();
  }
  if (it->value().size() != 8) {
    return CorruptionError(fmt::format("stream index entry of '{}' is malformed", stream));
  }
  end.position = DecodeFixed64BE(it->value().data());
  return std::optional(end);
}

// Stream ends from the stream index alone, with one iterator for every
// lookup: the iterator's snapshot is taken at the first lookup, and making
// one per lookup cost as much as the seek.
class IndexEndReader final : public StreamEndReader {
 public:
  explicit IndexEndReader(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::optional<StreamEnd>> Find(std::string_view stream) override {
    if (it_ == nullptr) it_.reset(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cf(kStreams)));
    return SeekStreamEnd(it_.get(), stream, &key_);
  }

 private:
  std::shared_ptr<Database> db_;  // before it_: the iterator goes first
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string key_;
};

class RocksDbEventStore final : public EventStore,
                                public CommandProbe,
                                public StreamEndProbe,
                                private RawLog,
                                private CommittedState {
 public:
  RocksDbEventStore(const StoreOptions& options, std::string path, rocksdb::Env* env,
                    std::shared_ptr<Database> database, LedgerState ledger)
      : options_(options), clock_(options.clock ? options.clock : SystemClock()),
        path_(std::move(path)), env_(env), database_(std::move(database)), ledger_(ledger),
        planned_ledger_(ledger),
        notifier_(std::make_shared<CommitNotifier>(ledger.position)),
        checkpointer_(options, clock_) {
    if (!options.read_only) {
      std::size_t helpers = options.append_helpers;
      if (helpers == StoreOptions::kAutoAppendHelpers) {
        helpers = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 4) - 1;
      }
      if (helpers > 0) pool_ = std::make_unique<WorkerPool>(helpers);
    }
  }

  ~RocksDbEventStore() override { Close().IgnoreError(); }

  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests, const AppendOptions& options) override;

  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from_version,
                                          Direction direction) const override {
    std::shared_ptr<Database> db = Db();
    if (db == nullptr) return std::make_unique<ErrorCursor>(Unopened());
    if (Status s = ValidateStreamName(stream); !s.ok()) return std::make_unique<ErrorCursor>(s);
    return std::make_unique<StreamCursor>(std::move(db), stream, from_version, direction);
  }

  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from_position) const override {
    if (Db() == nullptr) return std::make_unique<ErrorCursor>(Unopened());
    return std::make_unique<LogCursor>(MakeScan(from_position));
  }

  Result<EventRecord> ReadEvent(std::uint64_t position) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(position));
    if (!raw) return NotFoundError(fmt::format("no event at position {}", position));
    EventRecord record;
    ZF_RETURN_IF_ERROR(DecodeStored(*raw, &record));
    return record;
  }

  Result<StreamHead> Head(std::string_view stream) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<HeadState> head, ReadHead(stream));
    if (!head) {
      return NotFoundError(fmt::format("stream '{}' has no events", stream)).WithSubject(stream);
    }
    return ToPublicHead(*head);
  }

  LedgerHead Ledger() const override {
    std::lock_guard lock(mu_);
    return ToPublicLedger(ledger_);
  }

  Result<AppendResult> FindCommand(std::string_view command_id) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<CommandRecord> record, ReadCommandRecord(command_id));
    if (!record) {
      return NotFoundError(fmt::format("command '{}' was never applied", command_id))
          .WithSubject(command_id);
    }
    return ToAppendResult(*record);
  }

  Result<RecordedCommand> ReadCommand(std::string_view command_id) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<CommandRecord> record, ReadCommandRecord(command_id));
    if (!record) {
      return NotFoundError(fmt::format("command '{}' was never applied", command_id))
          .WithSubject(command_id);
    }
    return RecordedCommand{ToAppendResult(*record), std::move(record->command)};
  }

  // CommandProbe: one MultiGet for the lot.
  std::vector<bool> MayHaveCommands(
      std::span<const std::string_view> command_ids) const override {
    std::vector<bool> may(command_ids.size(), true);
    const std::shared_ptr<Database> db = Db();
    if (db == nullptr || command_ids.empty()) return may;
    std::vector<rocksdb::Slice> keys;
    keys.reserve(command_ids.size());
    for (std::string_view id : command_ids) keys.push_back(ToSlice(id));
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db->db->MultiGet(rocksdb::ReadOptions(), db->cf(kCommands), keys.size(), keys.data(),
                     values.data(), statuses.data());
    for (std::size_t i = 0; i < keys.size(); ++i) may[i] = !statuses[i].IsNotFound();
    return may;
  }

  // The shared cache's, asked through the streams family: the events family
  // has no cache when its blocks are never cached (FamilyOptions).
  std::uint64_t BlockCacheUsage() const {
    const std::shared_ptr<Database> db = Db();
    std::uint64_t usage = 0;
    if (db == nullptr ||
        !db->db->GetIntProperty(db->cf(kStreams), "rocksdb.block-cache-usage", &usage)) {
      return 0;
    }
    return usage;
  }

  bool EventsUseBlockCache() const {
    const std::shared_ptr<Database> db = Db();
    if (db == nullptr) return false;
    const rocksdb::ColumnFamilyOptions options = db->db->GetOptions(db->cf(kEvents));
    const auto* table = options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    return table != nullptr && table->block_cache != nullptr && !table->no_block_cache;
  }

  std::unique_ptr<StreamEndReader> NewStreamEndReader() const override {
    std::shared_ptr<Database> db = Db();
    if (db == nullptr) return NewHeadEndReader(*this);  // it says the store is closed
    return std::make_unique<IndexEndReader>(std::move(db));
  }

  std::unique_ptr<Subscription> Subscribe(std::uint64_t from_position) override {
    return NewStoreSubscription(this, notifier_, from_position);
  }

  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override {
    if (Db() == nullptr) return Unopened();
    return VerifyRawLog(*this, options);
  }

  Result<std::optional<std::string>> ReadProjection(std::string_view key) const override {
    return Get(kProjections, key);
  }
  Status ScanProjections(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return ScanProjectionsFrom(prefix, prefix, fn);
  }
  Status ScanProjectionsFrom(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    const std::shared_ptr<Database> db = Db();
    if (db == nullptr) return Unopened();
    std::unique_ptr<rocksdb::Iterator> it(
        db->db->NewIterator(rocksdb::ReadOptions(), db->cf(kProjections)));
    for (it->Seek(ToSlice(std::max(prefix, start)));
         it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
      if (!fn(std::string_view(it->key().data(), it->key().size()),
              std::string_view(it->value().data(), it->value().size()))) {
        break;
      }
    }
    return FromRocks(it->status(), "scan projections");
  }
  Status WriteProjections(std::span<const ProjectionWrite> writes) override;
  Status PutCheckpoint(std::uint64_t position, std::string_view record) override;
  Status ScanCheckpoints(
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const override;
  Status Backup(std::string_view directory) override;
  bool read_only() const override { return options_.read_only; }
  Status Health() override;
  Status SetServingAddress(std::string_view address) override;
  Status Close() override;

  void SetTestHooks(RocksDbTestHooks hooks) { hooks_ = std::move(hooks); }
  RocksDbWriteCounts WriteCounts() const {
    std::lock_guard lock(mu_);
    return {pending_writers_, writes_, synced_writes_, reopens_};
  }
  const RawLog& AsRawLog() const { return *this; }

 public:
  struct Writer {
    std::vector<Result<PreparedRequest>> prepared;
    AppendOptions options;
    std::size_t events = 0;
    std::optional<Result<std::vector<Result<AppendResult>>>> result;
    bool done = false;
    // One part of a batch written as a pipeline (AppendInParts): led alone,
    // never merged into another leader's group.
    bool part = false;
    // The batch's last part: it writes (and syncs) even when every request
    // in it was refused, so that the earlier parts become durable, and only
    // then does the store's ledger move and are subscribers woken.
    bool last_part = true;
    std::condition_variable cv;
  };

 private:

  // The open database, or nullptr once closed or while a reopen replaces
  // it. Every read takes its own reference: a reopen waits until no read
  // holds the old database.
  std::shared_ptr<Database> Db() const { return database_.load(std::memory_order_acquire); }
  Status Unopened() const {
    if (reopening_.load(std::memory_order_acquire)) {
      return UnavailableError("event store is being reopened after a write fault");
    }
    return UnavailableError("event store closed");
  }

  std::unique_ptr<RawScan> MakeScan(std::uint64_t from) const {
    std::shared_ptr<Database> db = Db();
    if (db == nullptr) return std::make_unique<FailedScan>(Unopened());
    return std::make_unique<RocksScan>(std::move(db), std::max<std::uint64_t>(from, 1));
  }

  Result<std::optional<std::string>> Get(Family family, std::string_view key) const {
    const std::shared_ptr<Database> db = Db();
    if (db == nullptr) return Unopened();
    std::string value;
    static const rocksdb::ReadOptions kDefault;
    rocksdb::Status s = db->db->Get(family == kEvents ? db->event_reads : kDefault,
                                    db->cf(family), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    // (The context is formatted only for an error: this runs per command read.)
    if (!s.ok()) return FromRocks(s, fmt::format("read {}", kFamilyNames[family]));
    return std::optional<std::string>(std::move(value));
  }

  // A stream's head is its last index entry and the event it names; there
  // is no separate head record to write on every append.
  Result<std::optional<HeadState>> ReadHead(std::string_view stream) const {
    const std::shared_ptr<Database> db = Db();
    if (db == nullptr) return Unopened();
    std::unique_ptr<rocksdb::Iterator> it(
        db->db->NewIterator(rocksdb::ReadOptions(), db->cf(kStreams)));
    std::string key;
    ZF_ASSIGN_OR_RETURN(std::optional<StreamEnd> end, SeekStreamEnd(it.get(), stream, &key));
    if (!end) return std::optional<HeadState>();
    HeadState head;
    head.version = end->version;
    head.position = end->position;
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(head.position));
    if (!raw) {
      return CorruptionError(fmt::format("the head of stream '{}' names missing position {}",
                                         stream, head.position));
    }
    ZF_ASSIGN_OR_RETURN(StoredView view, SplitStored(*raw));
    CanonicalFields fields;
    if (!ParseCanonical(view.canonical, &fields) || fields.stream != stream ||
        fields.version != head.version || fields.position != head.position) {
      return CorruptionError(fmt::format(
          "the head of stream '{}' (version {}) names position {}, which holds another event",
          stream, head.version, head.position));
    }
    head.hash = view.hash;
    return std::optional(head);
  }

  Result<std::optional<CommandRecord>> ReadCommandRecord(std::string_view command_id) const {
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw, Get(kCommands, command_id));
    if (!raw) return std::optional<CommandRecord>();
    CommandRecord record;
    if (!DecodeCommand(*raw, &record)) {
      return CorruptionError(fmt::format("command record '{}' is malformed", command_id));
    }
    return std::optional(record);
  }

  // CommittedState: only the leader reads it, and only the leader writes.
  // Heads the leader committed are remembered, saving a read per append.
  Result<std::optional<HeadState>> LoadHead(std::string_view stream) override {
    if (auto it = head_cache_.find(stream); it != head_cache_.end()) {
      return std::optional(it->second);
    }
    return ReadHead(stream);
  }
  Result<std::optional<CommandRecord>> LoadCommand(std::string_view command_id) override {
    if (absent_commands_.contains(command_id)) return std::optional<CommandRecord>();
    return ReadCommandRecord(command_id);
  }
  Result<std::optional<std::string>> LoadEvent(std::uint64_t position) override {
    return GetRaw(position);
  }

  // RawLog
  std::unique_ptr<RawScan> ScanFrom(std::uint64_t from_position) const override {
    return MakeScan(from_position);
  }
  Result<std::optional<std::string>> GetRaw(std::uint64_t position) const override {
    return Get(kEvents, PositionKey(position));
  }
  Result<std::optional<std::uint64_t>> IndexLookup(std::string_view stream,
                                                   std::uint64_t version) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                        Get(kStreams, StreamIndexKey(stream, version)));
    if (!raw || raw->size() != 8) return std::optional<std::uint64_t>();
    return std::optional<std::uint64_t>(DecodeFixed64BE(raw->data()));
  }
  Result<std::optional<std::pair<std::string, std::uint64_t>>> FindIndexEntry(
      std::uint64_t position) const override;
  Status ForEachStreamEnd(
      const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn)
      const override;
  bool HasIndexScan() const override { return true; }
  Status ForEachIndexEntry(
      const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn)
      const override;
  LedgerState RecordedLedger() const override {
    LedgerState ledger;
    auto raw = Get(kMeta, kLedgerHeadKey);
    if (raw.ok() && *raw) DecodeLedger(**raw, &ledger);
    return ledger;
  }

  void ProbeCommands(const std::vector<Writer*>& members);
  void FillIndexAndCommands(const AppendPlanner& planner, rocksdb::WriteBatch* batch) const;
  void FillEvents(const AppendPlanner& planner, rocksdb::WriteBatch* batch) const;
  void RememberHeads(const AppendPlanner& planner, bool may_evict);  // REQUIRES: mu_ held
  bool RetriesInFlight(const std::vector<Writer*>& members) const;    // REQUIRES: mu_ held
  std::size_t CollectGroup(Writer* leader) const;  // REQUIRES: mu_ held
  // Leads or joins the group of `w`, already queued; `lock` holds mu_.
  Result<std::vector<Result<AppendResult>>> Commit(Writer* w, std::unique_lock<std::mutex>& lock);
  // After a failed write (sticky_error_), once the fault may have cleared:
  // RocksDB's Resume(), then the ledger and heads read back from what is
  // durable, and appends go on. True when the store is healthy again.
  // REQUIRES: mu_ held, no group planned or writing.
  bool TryResume();
  // The ledger, heads and error state read back after a recovery.
  // REQUIRES: mu_ held.
  void AfterRecovery(const Database& db);
  // Closes the faulted instance and opens the store's files again, once no
  // read holds the old one. True when the store has a database again.
  // REQUIRES: mu_ held, no group planned or writing.
  bool Reopen();
  // Backup of a secondary: the copy at `directory` opens and holds at
  // least `expected` events.
  Status CheckCopy(std::string_view directory, std::uint64_t expected) const;
  // A synced write of a meta row's own bytes: whether the store writes.
  Status ProbeWrite(const Database& db) const;
  bool CanWriteInParts(std::span<const AppendRequest> requests, const AppendOptions& options) const;
  Result<std::vector<Result<AppendResult>>> AppendInParts(std::span<const AppendRequest> requests,
                                                          const AppendOptions& options);

  const StoreOptions options_;
  const std::shared_ptr<Clock> clock_;
  // REQUIRES for every method but Close(): the store is open. Close() must
  // not race with other calls on the store; cursors may outlive it.
  // Where the store lives and the Env it was opened with, for a reopen.
  const std::string path_;
  rocksdb::Env* const env_;  // nullptr: RocksDB's default
  // Swapped only by Reopen() (under mu_, no group planned or writing) and
  // Close(); readers load their own reference (Db()).
  std::atomic<std::shared_ptr<Database>> database_;
  std::atomic<bool> reopening_{false};

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::deque<Writer*> writers_;  // GUARDED_BY(mu_)
  LedgerState ledger_;           // GUARDED_BY(mu_): the last durable commit
  LedgerState planned_ledger_;   // GUARDED_BY(mu_): after the last planned group
  // Groups are numbered in planning order and written in that order.
  std::uint64_t next_ticket_ = 1;     // GUARDED_BY(mu_)
  std::uint64_t written_ticket_ = 0;  // GUARDED_BY(mu_): the last group whose write returned
  // Leaders of planned groups waiting for the previous write, by ticket.
  std::vector<std::pair<std::uint64_t, Writer*>> waiting_to_write_;  // GUARDED_BY(mu_)
  // Writers queued and not yet answered; writes and synced writes issued.
  // For tests (store/rocksdb_testing.h).
  std::size_t pending_writers_ = 0;  // GUARDED_BY(mu_)
  std::uint64_t writes_ = 0;         // GUARDED_BY(mu_)
  std::uint64_t synced_writes_ = 0;  // GUARDED_BY(mu_)
  std::uint64_t reopens_ = 0;        // GUARDED_BY(mu_)
  RocksDbTestHooks hooks_;           // set before the first append
  // Plans of groups planned but not yet written, for their command ids.
  std::vector<const AppendPlanner*> in_flight_plans_;  // GUARDED_BY(mu_)
  Status sticky_error_;          // GUARDED_BY(mu_): a failed write poisons the store
  // Until TryResume() clears it: at most one attempt a second.
  std::chrono::steady_clock::time_point last_resume_{};  // GUARDED_BY(mu_)
  // RocksDB's count of background errors when last looked at (Health()).
  std::uint64_t background_errors_seen_ = 0;  // GUARDED_BY(mu_)
  bool closed_ = false;          // GUARDED_BY(mu_)
  // Touched only by the planning leader (and under mu_); planning leaders
  // follow one another under mu_, which orders their accesses.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, HeadState, StringHash, std::equal_to<>> head_cache_;
  // Command ids of the current group known not to be in the store, from one
  // MultiGet before planning (views into the members' requests).
  std::unordered_set<std::string_view> absent_commands_;
  const std::shared_ptr<CommitNotifier> notifier_;
  AutoCheckpointer checkpointer_;
  // Buffers of a group's plan and write, kept for the next group.
  struct GroupStorage {
    std::string values;
    std::vector<PlannedEvent> events;
    rocksdb::WriteBatch batch;
  };
  std::vector<std::unique_ptr<GroupStorage>> spare_storage_;  // GUARDED_BY(mu_)
  // Shares appends' CPU work with helper threads; null when there are none.
  std::unique_ptr<WorkerPool> pool_;
};

// Room for the group's stored values: the payloads plus the envelope fields.
std::size_t StoredBytesEstimate(const std::vector<RocksDbEventStore::Writer*>& members) {
  std::size_t bytes = 0;
  for (const auto* m : members) {
    for (const auto& p : m->prepared) {
      if (!p.ok()) continue;
      for (const PreparedEvent& e : p->events) bytes += e.canonical_data.size() + 512;
    }
  }
  return bytes;
}

std::size_t RequestCount(const std::vector<RocksDbEventStore::Writer*>& members) {
  std::size_t n = 0;
  for (const auto* m : members) n += m->prepared.size();
  return n;
}

std::size_t RocksDbEventStore::CollectGroup(Writer* leader) const {
  if (leader->part) return 1;
  std::size_t count = 0, events = 0;
  for (Writer* w : writers_) {
    if (w->part) break;
    // A write that must sync cannot ride in a group the leader will not sync.
    if (w->options.sync && !leader->options.sync) break;
    if (count > 0 && events + w->events > options_.max_group_events) break;
    events += w->events;
    ++count;
  }
  return count;
}

// Nearly every command id is new. One MultiGet for the whole group finds
// them absent more cheaply than a point lookup per request. On a read error
// nothing is known absent and each request reads on its own.
void RocksDbEventStore::ProbeCommands(const std::vector<Writer*>& members) {
  absent_commands_.clear();
  std::vector<std::string_view> ids;
  for (const Writer* m : members) {
    for (const auto& p : m->prepared) {
      if (p.ok()) ids.push_back(p->source->command_id);
    }
  }
  const std::vector<bool> may_have = MayHaveCommands(ids);
  absent_commands_.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!may_have[i]) absent_commands_.insert(ids[i]);
  }
}

void PutProjections(const Database& database, std::span<const ProjectionWrite> writes,
                    rocksdb::WriteBatch* batch) {
  for (const ProjectionWrite& w : writes) {
    if (w.value) {
      batch->Put(database.cf(kProjections), ToSlice(w.key), ToSlice(*w.value))
          .PermitUncheckedError();
    } else {
      batch->Delete(database.cf(kProjections), ToSlice(w.key)).PermitUncheckedError();
    }
  }
}

Status RocksDbEventStore::WriteProjections(std::span<const ProjectionWrite> writes) {
  if (options_.read_only) return FailedPreconditionError("the event store is open read-only");
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  rocksdb::WriteBatch batch;
  PutProjections(*db, writes, &batch);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db->db->Write(write_options, &batch), "write projections");
}

// The index entries and command records need only positions and event
// hashes, so they are filled while the ledger is being linked; the events,
// whose stored values end with their ledger hash, and the ledger head after.
void RocksDbEventStore::FillIndexAndCommands(const AppendPlanner& planner,
                                             rocksdb::WriteBatch* batch) const {
  const std::shared_ptr<Database> db = Db();  // a group in flight: no reopen
  char position_value[8];
  std::string key, value;
  for (const PlannedEvent& e : planner.events()) {
    SetStreamIndexKey(*e.stream, e.version, &key);
    EncodeFixed64BE(position_value, e.position);
    batch->Put(db->cf(kStreams), key, rocksdb::Slice(position_value, 8))
        .PermitUncheckedError();
  }
  for (const PlannedCommand& c : planner.commands()) {
    SetCommandValue(c.first_position, c.last_position, c.first_version, c.last_version,
                    c.last_hash, c.request->stream, c.request->command, &value);
    batch->Put(db->cf(kCommands), c.request->command_id, value).PermitUncheckedError();
  }
}

void RocksDbEventStore::FillEvents(const AppendPlanner& planner,
                                   rocksdb::WriteBatch* batch) const {
  const std::shared_ptr<Database> db = Db();  // a group in flight: no reopen
  char position_key[8];
  for (const PlannedEvent& e : planner.events()) {
    EncodeFixed64BE(position_key, e.position);
    batch->Put(db->cf(kEvents), rocksdb::Slice(position_key, 8), ToSlice(planner.value(e)))
        .PermitUncheckedError();
  }
  batch->Put(db->cf(kMeta), ToSlice(kLedgerHeadKey), EncodeLedger(planner.ledger()))
      .PermitUncheckedError();
}

bool RocksDbEventStore::RetriesInFlight(const std::vector<Writer*>& members) const {
  if (in_flight_plans_.empty()) return false;
  for (const Writer* m : members) {
    for (const auto& p : m->prepared) {
      if (!p.ok()) continue;
      for (const AppendPlanner* plan : in_flight_plans_) {
        if (plan->PlansCommand(p->source->command_id)) return true;
      }
    }
  }
  return false;
}

// Group commit in two stages. Planning (checks, hashing, encoding) is done by
// one leader at a time, in queue order; as soon as a leader has planned its
// group it hands the queue to the next leader, which plans on top of the
// planned (not yet durable) state while the first one writes and syncs.
// Writes happen in planning order, each after the previous one returned, so
// the ledger head of a later group always lands last, and a group planned on
// top of a failed write fails too (the store is poisoned by the failure).
Result<std::vector<Result<AppendResult>>> RocksDbEventStore::AppendBatch(
    std::span<const AppendRequest> requests, const AppendOptions& options) {
  if (options_.read_only) return FailedPreconditionError("the event store is open read-only");
  if (CanWriteInParts(requests, options)) return AppendInParts(requests, options);
  Writer w;
  w.prepared = PrepareBatch(requests, pool_.get());
  w.options = options;
  for (const AppendRequest& r : requests) w.events += r.events.size();

  std::unique_lock lock(mu_);
  if (closed_) return UnavailableError("event store closed");
  writers_.push_back(&w);
  ++pending_writers_;
  return Commit(&w, lock);
}

// A large independent batch is written in parts by two threads in turn:
// while one writes part k (memtable inserts and the WAL, about half of an
// append's CPU), the other plans part k + 1 on top of it, as two group
// leaders do. Only the last part syncs; a synced write syncs every WAL
// record before it, and nothing is acknowledged before that sync returns.
bool RocksDbEventStore::CanWriteInParts(std::span<const AppendRequest> requests,
                                        const AppendOptions& options) const {
  if (pool_ == nullptr || pool_->helpers() == 0) return false;
  if (options.mode != BatchMode::kIndependent || !options.projections.empty() ||
      options.expected_ledger_position) {
    return false;
  }
  std::size_t events = 0;
  for (const AppendRequest& r : requests) events += r.events.size();
  return events >= 2 * kPartEvents;
}

Result<std::vector<Result<AppendResult>>> RocksDbEventStore::AppendInParts(
    std::span<const AppendRequest> requests, const AppendOptions& options) {
  // Parts end on request boundaries: a request stays one atomic write.
  std::vector<std::span<const AppendRequest>> spans;
  std::size_t begin = 0, events = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    events += requests[i].events.size();
    if (events >= kPartEvents && requests.size() - i - 1 > 0) {
      spans.push_back(requests.subspan(begin, i + 1 - begin));
      begin = i + 1;
      events = 0;
    }
  }
  if (begin < requests.size()) spans.push_back(requests.subspan(begin));
  std::vector<Writer> parts(spans.size());
  for (std::size_t k = 0; k < spans.size(); ++k) {
    parts[k].part = true;
    parts[k].last_part = k + 1 == spans.size();
    parts[k].options = options;
    parts[k].options.sync = options.sync && parts[k].last_part;
    for (const AppendRequest& r : spans[k]) parts[k].events += r.events.size();
  }
  {
    std::lock_guard lock(mu_);
    if (closed_) return UnavailableError("event store closed");
    for (Writer& w : parts) writers_.push_back(&w);
    pending_writers_ += parts.size();
  }
  auto lead = [&](std::size_t first, std::size_t step) {
    for (std::size_t k = first; k < parts.size(); k += step) {
      parts[k].prepared = PrepareBatch(spans[k], pool_.get());
      std::unique_lock lock(mu_);
      parts[k].result.emplace(Commit(&parts[k], lock));
    }
  };
  try {
    std::jthread other([&] { lead(0, 2); });
    lead(1, 2);
  } catch (const std::system_error&) {
    // No thread to be had (nothing has run yet): the parts in order, alone.
    lead(0, 1);
  }
  // A failed write fails every later part (the store is poisoned), so the
  // last part's outcome covers the batch: an earlier part is acknowledged
  // only through the last part's sync.
  if (!parts.back().result->ok()) return parts.back().result->status();
  std::vector<Result<AppendResult>> results;
  results.reserve(requests.size());
  for (Writer& w : parts) {
    if (!w.result->ok()) return w.result->status();
    for (Result<AppendResult>& r : **w.result) results.push_back(std::move(r));
  }
  return results;
}

Result<std::vector<Result<AppendResult>>> RocksDbEventStore::Commit(
    Writer* writer, std::unique_lock<std::mutex>& lock) {
  Writer& w = *writer;
  // A member of a group being written has left the queue: it waits for
  // done. The writer at the front of the queue leads the next group, but
  // only once fewer than kMaxGroupsInFlight groups are planned and not yet
  // written: while they write and sync, the writers arriving behind it
  // queue up and it takes them all. (Without the bound, each new arrival
  // became a leader at once and planned a group of one: at 64 clients
  // every append had its own sync.) Every wait is on the writer's own
  // condition variable, and each is woken by name — the next leader, the
  // group's members, the leader whose turn to write has come — so a
  // finished write wakes a few threads, not every waiting one.
  while (!w.done && (writers_.empty() || &w != writers_.front() ||
                     next_ticket_ - 1 - written_ticket_ >= kMaxGroupsInFlight)) {
    w.cv.wait(lock);
  }
  if (w.done) return std::move(*w.result);

  // This thread leads the group at the front of the queue.
  const std::size_t group = CollectGroup(&w);
  const std::vector<Writer*> members(writers_.begin(), writers_.begin() + group);
  // A retry of a command whose group is still being written must be checked
  // against the log: let those writes finish first (rare). Each finished
  // write wakes the front of the queue, which is this writer.
  if (RetriesInFlight(members)) {
    while (written_ticket_ + 1 != next_ticket_) w.cv.wait(lock);
  }
  if (!sticky_error_.ok() && written_ticket_ + 1 == next_ticket_) TryResume();
  Status failure = sticky_error_;
  const LedgerState start = planned_ledger_;
  std::unique_ptr<GroupStorage> storage;
  if (spare_storage_.empty()) {
    storage = std::make_unique<GroupStorage>();
  } else {
    storage = std::move(spare_storage_.back());
    spare_storage_.pop_back();
  }
  lock.unlock();

  AppendPlanner planner(this, start, FormatRfc3339Utc(clock_->NowMicros()));
  planner.AdoptStorage(&storage->values, &storage->events);
  planner.Reserve(StoredBytesEstimate(members), RequestCount(members));
  bool sync = false;
  rocksdb::WriteBatch& batch = storage->batch;
  batch.Clear();
  if (failure.ok()) {
    ProbeCommands(members);
    for (Writer* m : members) {
      m->result = PlanBatch(&planner, m->prepared, m->options.mode,
                            m->options.expected_ledger_position);
      sync = sync || m->options.sync;
    }
    absent_commands_.clear();  // its views die with the members' requests
    planner.Seal(pool_.get(), [&] { FillIndexAndCommands(planner, &batch); });
    for (Writer* m : members) {
      if (m->result->ok()) planner.CompleteResults(&**m->result);
    }
    if (!planner.empty() || (w.part && w.last_part)) {
      // (A last part whose requests were all refused still writes the
      // unchanged ledger head: its synced write makes the earlier parts durable.)
      FillEvents(planner, &batch);
      // Read-model rows ride in the same write as the events they follow.
      for (const Writer* m : members) {
        if (m->result && m->result->ok()) PutProjections(*Db(), m->options.projections, &batch);
      }
    }
  }

  lock.lock();
  const bool none_in_flight = written_ticket_ + 1 == next_ticket_;
  const bool registered = failure.ok();
  if (registered) {
    // The next leader plans on top of this group: it must see its heads and
    // its command ids even before the write lands.
    RememberHeads(planner, /*may_evict=*/none_in_flight);
    planned_ledger_ = planner.ledger();
    in_flight_plans_.push_back(&planner);
  }
  const std::uint64_t ticket = next_ticket_++;
  for (std::size_t i = 0; i < group; ++i) writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  if (written_ticket_ + 1 != ticket) {
    // The previous group is still writing: wait for this group's turn.
    waiting_to_write_.emplace_back(ticket, &w);
    while (written_ticket_ + 1 != ticket) w.cv.wait(lock);
    std::erase(waiting_to_write_, std::pair(ticket, &w));
  }
  if (failure.ok()) failure = sticky_error_;  // a group this one builds on failed
  const bool write = failure.ok() && batch.Count() > 0;
  if (write) {
    ++writes_;
    if (sync) ++synced_writes_;
  }
  lock.unlock();

  if (write) {
    if (hooks_.before_write) hooks_.before_write();
    rocksdb::WriteOptions write_options;
    write_options.sync = sync;
    failure = FromRocks(Db()->db->Write(write_options, &batch), "append");
  }

  lock.lock();
  if (failure.ok()) {
    // An earlier part of a batch is not durable before the last part's sync.
    if (w.last_part) ledger_ = planner.ledger();
  } else {
    // Nothing in this group is acknowledged, and nothing after it may be:
    // what RocksDB holds after a failed write is uncertain until reopened.
    if (sticky_error_.ok()) sticky_error_ = failure;
    for (Writer* m : members) m->result = Status(failure.code(), failure.message());
  }
  if (registered) std::erase(in_flight_plans_, &planner);
  written_ticket_ = ticket;
  // Wake the leader whose group writes next, the writer at the front of the
  // queue (it may lead now that fewer groups are in flight), and the members.
  for (const auto& [next, leader] : waiting_to_write_) {
    if (next == ticket + 1) leader->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  for (Writer* m : members) {
    m->done = true;
    if (m != &w) m->cv.notify_one();
  }
  pending_writers_ -= members.size();
  if (writers_.empty() && written_ticket_ + 1 == next_ticket_) idle_cv_.notify_all();
  const std::uint64_t committed = ledger_.position;
  // Keep the buffers for the next group, unless an unusually large group
  // grew them.
  constexpr std::size_t kMaxSpareStorage = 2, kMaxSpareBytes = 16 << 20;
  planner.ReleaseStorage(&storage->values, &storage->events);
  if (spare_storage_.size() < kMaxSpareStorage && storage->values.capacity() <= kMaxSpareBytes &&
      storage->batch.Data().capacity() <= 2 * kMaxSpareBytes) {
    spare_storage_.push_back(std::move(storage));
  }
  lock.unlock();
  if (w.last_part) {
    notifier_->Publish(committed);
    if (failure.ok()) checkpointer_.AfterCommit(this);
  }
  return std::move(*w.result);
}

void RocksDbEventStore::RememberHeads(const AppendPlanner& planner, bool may_evict) {
  // Bounded: a cold stream costs one read, never unbounded memory. While a
  // group is being written its heads are not readable from the database yet,
  // so nothing is evicted then (the cache may briefly exceed the bound).
  constexpr std::size_t kMaxCachedHeads = 100000;
  if (may_evict && head_cache_.size() + planner.heads().size() > kMaxCachedHeads) {
    head_cache_.clear();
  }
  for (const auto& [stream, head] : planner.heads()) {
    if (auto it = head_cache_.find(stream); it != head_cache_.end()) {
      it->second = head;
    } else {
      head_cache_.emplace(std::string(stream), head);
    }
  }
}

Result<std::optional<std::pair<std::string, std::uint64_t>>> RocksDbEventStore::FindIndexEntry(
    std::uint64_t position) const {
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  std::unique_ptr<rocksdb::Iterator> it(
      db->db->NewIterator(rocksdb::ReadOptions(), db->cf(kStreams)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->value().size() != 8 || DecodeFixed64BE(it->value().data()) != position) continue;
    std::string_view stream;
    std::uint64_t version;
    if (DecodeStreamIndexKey(std::string_view(it->key().data(), it->key().size()), &stream,
                             &version)) {
      return std::optional(std::pair(std::string(stream), version));
    }
  }
  ZF_RETURN_IF_ERROR(FromRocks(it->status(), "scan stream index"));
  return std::optional<std::pair<std::string, std::uint64_t>>();
}

Status RocksDbEventStore::ForEachIndexEntry(
    const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn) const {
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  // A pass over the whole index reads each block once: around the cache,
  // as log scans do.
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->db->NewIterator(scan, db->cf(kStreams)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view stream;
    std::uint64_t version;
    if (!DecodeStreamIndexKey(std::string_view(it->key().data(), it->key().size()), &stream,
                              &version) ||
        it->value().size() != 8) {
      return CorruptionError(
          fmt::format("stream index entry '{}' is malformed", it->key().ToString(true)));
    }
    fn(stream, version, DecodeFixed64BE(it->value().data()));
  }
  return FromRocks(it->status(), "scan stream index");
}

Status RocksDbEventStore::ForEachStreamEnd(
    const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn) const {
  // Index keys sort by stream, then version: report each stream's last one.
  StreamEndTracker ends(fn);
  ZF_RETURN_IF_ERROR(ForEachIndexEntry(
      [&](std::string_view stream, std::uint64_t version, std::uint64_t position) {
        ends.Add(stream, version, position);
      }));
  ends.Finish();
  return Status::Ok();
}

Status RocksDbEventStore::PutCheckpoint(std::uint64_t position, std::string_view record) {
  if (options_.read_only) return FailedPreconditionError("the event store is open read-only");
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db->db->Put(synced, db->cf(kMeta), ToSlice(CheckpointKey(position)),
                               ToSlice(record)),
                   "write checkpoint");
}

Status RocksDbEventStore::ScanCheckpoints(
    const std::function<bool(std::uint64_t, std::string_view)>& fn) const {
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  std::unique_ptr<rocksdb::Iterator> it(
      db->db->NewIterator(rocksdb::ReadOptions(), db->cf(kMeta)));
  const rocksdb::Slice prefix = ToSlice(kCheckpointKeyPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) {
      return CorruptionError(
          fmt::format("checkpoint key '{}' is malformed", it->key().ToString(true)));
    }
    const std::uint64_t position = DecodeFixed64BE(it->key().data() + prefix.size());
    if (!fn(position, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan checkpoints");
}

Status RocksDbEventStore::Backup(std::string_view directory) {
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  if (std::filesystem::exists(std::filesystem::path(directory))) {
    return AlreadyExistsError(fmt::format("backup directory '{}' already exists", directory))
        .WithSubject(directory);
  }
  rocksdb::Checkpoint* raw = nullptr;
  ZF_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db->db.get(), &raw), "backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (!db->secondary) {
    // Flush first so the copy holds table files rather than a long WAL.
    return FromRocks(checkpoint->CreateCheckpoint(std::string(directory), 0), "backup");
  }
  // A secondary cannot flush: the copy links the table files it reads and
  // copies the write-ahead logs. A writer holding the store may delete one
  // of those files (after a flush or compaction) while they are copied.
  // RocksDB then either fails the copy or, for a deleted log, leaves it out
  // and succeeds: a copy without the events that log held (tested). So the
  // copy is opened and must hold at least the events this store reads;
  // otherwise it is made again from a new secondary open of the writer's
  // newer files. Not TryCatchUpWithPrimary: it reads the MANIFEST and the
  // logs as the open does, without the open's check that the writer changed
  // neither meanwhile (OpenDatabase, WriterFiles). The store itself keeps
  // reading the state it opened; the copy's ledger is the copy's own.
  const std::uint64_t expected = Ledger().position;
  constexpr int kAttempts = 5;
  std::shared_ptr<Database> source = db;
  Status copied;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    copied = FromRocks(checkpoint->CreateCheckpoint(std::string(directory), UINT64_MAX), "backup");
    if (copied.ok()) copied = CheckCopy(directory, expected);
    if (copied.ok() || attempt == kAttempts) break;
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(std::string(directory)), ignored);
    Result<OpenedDatabase> newer = OpenDatabase(options_, path_, env_);
    if (!newer.ok()) continue;
    raw = nullptr;
    if (!rocksdb::Checkpoint::Create(newer->database->db.get(), &raw).ok()) continue;
    checkpoint.reset(raw);  // before the database it copied is let go
    source = std::move(newer->database);
  }
  checkpoint.reset();  // before `source`
  if (!copied.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(std::string(directory)), ignored);
  }
  return copied;
}

Status RocksDbEventStore::CheckCopy(std::string_view directory, std::uint64_t expected) const {
  StoreOptions options = options_;
  options.read_only = true;
  options.secondary_directory.clear();
  Result<OpenedDatabase> copy = OpenDatabase(options, directory, env_);
  if (!copy.ok()) return copy.status();
  if (copy->ledger.position < expected) {
    return UnavailableError(fmt::format(
        "backup: the copy holds {} events, fewer than the {} read here (the writer deleted a "
        "file while it was copied)",
        copy->ledger.position, expected));
  }
  return Status::Ok();
}

Status RocksDbEventStore::SetServingAddress(std::string_view address) {
  if (options_.read_only) return FailedPreconditionError("the event store is open read-only");
  const std::shared_ptr<Database> db = Db();
  if (db == nullptr) return Unopened();
  std::lock_guard lock(mu_);  // a reopen copies the holder
  db->holder.address = std::string(address);
  return WriteStoreHolder(db->held_store, db->holder);
}

bool RocksDbEventStore::TryResume() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resume_ < std::chrono::seconds(1)) return false;
  last_resume_ = now;
  // What RocksDB holds after a failed write is settled by its recovery
  // (a new write-ahead log, the memtables flushed); the failed group was
  // never acknowledged, and the ledger row says what is durable.
  // After a full disk (a "hard" error) RocksDB recovers on Resume() once
  // there is room; until then Resume() fails with the same "no space", or
  // kBusy. Other write errors (an EIO or EFBIG on the write-ahead log)
  // RocksDB holds fatal: Resume() never clears them, and only a new
  // instance on the same files writes again (Reopen()).
  std::shared_ptr<Database> db = Db();
  if (db != nullptr) {
    const rocksdb::Status resumed = db->db->Resume();
    if (!resumed.ok() && (resumed.IsBusy() || resumed.IsNoSpace())) return false;
    if (resumed.ok()) {
      AfterRecovery(*db);
      return true;
    }
  }
  db.reset();  // Reopen() needs to hold the only reference
  if (!Reopen()) return false;
  // A new instance opens without writing to its log, so the open alone
  // does not show that the fault has cleared: a synced write of an
  // unchanged row does. Until it succeeds the store stays
  // unhealthy, and the next attempt opens yet another instance.
  db = Db();
  if (Status probe = ProbeWrite(*db); !probe.ok()) {
    sticky_error_ = probe;
    return false;
  }
  ++reopens_;
  AfterRecovery(*db);
  return true;
}

Status RocksDbEventStore::ProbeWrite(const Database& db) const {
  // The format version row: every store has it (CheckFormat), and its
  // bytes are written back unchanged.
  std::string format;
  ZF_RETURN_IF_ERROR(FromRocks(
      db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta), ToSlice(kFormatVersionKey), &format),
      "read format version"));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(
      db.db->Put(write_options, db.cf(kMeta), ToSlice(kFormatVersionKey), format), "append");
}

void RocksDbEventStore::AfterRecovery(const Database& db) {
  ledger_ = planned_ledger_ = RecordedLedger();
  head_cache_.clear();
  std::uint64_t errors = 0;
  if (db.db->GetIntProperty("rocksdb.background-errors", &errors)) background_errors_seen_ = errors;
  sticky_error_ = Status::Ok();
}

bool RocksDbEventStore::Reopen() {
  if (closed_) return false;
  // The atomic's reference and this one: anything more is a read in
  // progress. Checked first so that reads rarely meet the gap below.
  if (const auto db = Db(); db != nullptr && db.use_count() > 2) return false;
  reopening_.store(true, std::memory_order_release);
  std::shared_ptr<Database> old = database_.exchange(nullptr, std::memory_order_acq_rel);
  if (old != nullptr && old.use_count() > 1) {
    // A read or a cursor still holds it, and RocksDB's lock with it: try
    // again later (a long-lived cursor, e.g. a subscriber's, delays this).
    database_.store(std::move(old), std::memory_order_release);
    reopening_.store(false, std::memory_order_release);
    return false;
  }
  StoreHolder holder = old != nullptr ? old->holder : StoreHolder{};
  old.reset();  // closes the faulted instance and releases its lock
  Result<OpenedDatabase> reopened = OpenDatabase(options_, path_, env_);
  if (!reopened.ok()) {
    // Stays without a database (reads answer "being reopened") until an
    // attempt succeeds; the error that stopped the writes stays theirs.
    sticky_error_ = reopened.status();
    return false;
  }
  if (!holder.address.empty()) {
    reopened->database->holder.address = holder.address;
    WriteStoreHolder(reopened->database->held_store, reopened->database->holder).IgnoreError();
  }
  database_.store(std::move(reopened->database), std::memory_order_release);
  reopening_.store(false, std::memory_order_release);
  return true;
}

Status RocksDbEventStore::Health() {
  std::lock_guard lock(mu_);
  if (closed_) return UnavailableError("event store closed");
  if (options_.read_only) return Status::Ok();
  if (std::shared_ptr<Database> db = Db(); sticky_error_.ok() && db != nullptr) {
    // A background job (a flush, a compaction) may have failed without a
    // write of ours failing yet: RocksDB counts them.
    std::uint64_t errors = 0;
    if (!db->db->GetIntProperty("rocksdb.background-errors", &errors) ||
        errors == background_errors_seen_) {
      return Status::Ok();
    }
    const rocksdb::Status resumed = db->db->Resume();  // OK at once when RocksDB has no error set
    if (resumed.ok()) {
      background_errors_seen_ = errors;
      return Status::Ok();
    }
    sticky_error_ = FromRocks(resumed, "background error");
    last_resume_ = std::chrono::steady_clock::now();
    return sticky_error_;
  }
  if (writers_.empty() && written_ticket_ + 1 == next_ticket_) TryResume();
  if (sticky_error_.ok() && Db() == nullptr) return Unopened();
  return sticky_error_;
}

Status RocksDbEventStore::Close() {
  {
    std::unique_lock lock(mu_);
    if (closed_ && Db() == nullptr) return Status::Ok();
    closed_ = true;
    idle_cv_.wait(lock, [&] { return writers_.empty() && written_ticket_ + 1 == next_ticket_; });
  }
  notifier_->Close();
  std::shared_ptr<Database> db = database_.exchange(nullptr, std::memory_order_acq_rel);
  if (db == nullptr) return Status::Ok();
  Status result;
  if (db.use_count() == 1) {
    // Flush every family, so that no write-ahead log outlives the writer:
    // a small family's memtable (the projections, the meta row) would
    // otherwise pin every log file since it was last flushed, and each
    // later open — each CLI read — would replay them all (0.85 s and
    // 140 MB for a `case show` after a million-event import).
    if (!db->secondary && !options_.read_only) {
      rocksdb::FlushOptions flush;
      flush.wait = true;
      Status s = FromRocks(db->db->Flush(flush, db->handles), "flush at close");
      if (result.ok()) result = s;
    }
    // Close explicitly while nothing else holds the database, so an error
    // (e.g. a failed final WAL sync) is reported rather than swallowed.
    for (rocksdb::ColumnFamilyHandle* h : db->handles) {
      Status s = FromRocks(db->db->DestroyColumnFamilyHandle(h), "close");
      if (result.ok()) result = s;
    }
    db->handles.clear();
    Status s = FromRocks(db->db->Close(), "close");
    if (result.ok()) result = s;
    db->db.reset();
  }
  return result;
}

// A new directory for a secondary instance's own files.
Result<std::string> MakeTemporaryDirectory() {
  std::error_code ec;
  std::string pattern =
      (std::filesystem::temp_directory_path(ec) / "zf-secondary-XXXXXX").string();
  if (ec || ::mkdtemp(pattern.data()) == nullptr) {
    return IOError("cannot create a temporary directory for a read-only open");
  }
  return pattern;
}

// What a secondary open reads of a writer's files: the MANIFEST it names
// (and how long it is) and the write-ahead logs. RocksDB's secondary reads
// the MANIFEST, then lists and replays the logs, and neither step is atomic
// with the writer: a flush committed to the MANIFEST in between lets the
// writer delete a log whose data the MANIFEST read does not name (the
// events it held are then missing), and a log deleted between the listing
// and its replay makes RocksDB skip every log (the families then stop at
// different points). Both need the MANIFEST to grow or a log to vanish while
// the open runs, so an open during which neither happened read a whole
// prefix of the writer's commits.
struct WriterFiles {
  std::string manifest;
  std::uint64_t manifest_bytes = 0;
  std::vector<std::string> logs;  // sorted
};

WriterFiles ListWriterFiles(rocksdb::Env* env, const std::string& name) {
  WriterFiles files;
  std::string current;
  if (rocksdb::ReadFileToString(env, name + "/CURRENT", &current).ok()) {
    while (!current.empty() && (current.back() == '\n' || current.back() == '\r')) {
      current.pop_back();
    }
    files.manifest = current;
    env->GetFileSize(name + "/" + current, &files.manifest_bytes).PermitUncheckedError();
  }
  std::vector<std::string> children;
  env->GetChildren(name, &children).PermitUncheckedError();
  for (std::string& child : children) {
    if (child.size() > 4 && child.compare(child.size() - 4, 4, ".log") == 0) {
      files.logs.push_back(std::move(child));
    }
  }
  std::sort(files.logs.begin(), files.logs.end());
  return files;
}

// True when nothing the open read can have changed under it: the same
// MANIFEST at the same length, and every log there before still there.
bool WriterFilesHeld(const WriterFiles& before, const WriterFiles& after) {
  return before.manifest == after.manifest && before.manifest_bytes == after.manifest_bytes &&
         std::includes(after.logs.begin(), after.logs.end(), before.logs.begin(),
                       before.logs.end());
}

Status ValidateTableOptions(const StoreOptions& options) {
  if (options.events_block_size < 1024 || options.events_block_size > (1 << 20)) {
    return InvalidArgumentError(fmt::format("events_block_size must be 1 KiB to 1 MiB, not {}",
                                            options.events_block_size))
        .WithSubject("events_block_size");
  }
  const rocksdb::CompressionType compression = ToRocks(options.events_compression);
  if (compression != rocksdb::kNoCompression) {
    const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
    if (std::find(supported.begin(), supported.end(), compression) == supported.end()) {
      return InvalidArgumentError("events_compression: this RocksDB was built without it")
          .WithSubject("events_compression");
    }
  }
  return Status::Ok();
}

// A store that exists in part: its creation was interrupted (the families
// are made one by one, the format version written after them), or a part
// was deleted. kFailedPrecondition naming what is missing (the subject), so
// no open — least of all one that writes — takes it for a store to use or
// to finish creating: a missing family or format version written anew
// over a damaged store would hide the damage (issue 14 §5).
Status IncompleteStore(std::string_view path, std::string_view missing) {
  return FailedPreconditionError(
             fmt::format("incomplete store at '{}': {} missing; its creation was interrupted, "
                         "or it was damaged. Restore it from a backup; if it never held events, "
                         "remove the directory and create the store again",
                         path, missing))
      .WithSubject(missing);
}

// What is in the directory before the open: kOk with *exists when it
// holds a store to open (its CURRENT file); kOk without when there is none
// (missing or empty, or holding no RocksDB file at all) — to be created,
// or kNotFound for an open that may not create; and an incomplete store
// when RocksDB's files are there without CURRENT, or with families missing.
Status CheckStoreDirectory(const std::string& path, const rocksdb::DBOptions& db_options,
                           bool may_create, bool* exists) {
  namespace fs = std::filesystem;
  std::error_code ec;
  *exists = fs::exists(fs::path(path) / "CURRENT", ec);
  if (!*exists) {
    bool rocks_files = false;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      rocks_files = rocks_files || name.starts_with("MANIFEST-") || name.ends_with(".sst") ||
                    name.ends_with(".log") || name.starts_with("OPTIONS-");
    }
    if (rocks_files) return IncompleteStore(path, "CURRENT");
    if (!may_create) {
      return NotFoundError(fmt::format("no event store at '{}'", path)).WithSubject(path);
    }
    return Status::Ok();
  }
  std::vector<std::string> existing;
  // An unreadable list is left to the open, which names the reason.
  if (!rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) return Status::Ok();
  std::vector<std::string_view> absent;
  for (const char* family : kFamilyNames) {
    if (std::find(existing.begin(), existing.end(), family) == existing.end()) {
      absent.push_back(family);
    }
  }
  if (absent.empty()) return Status::Ok();
  const std::string missing = fmt::format("column famil{} {}", absent.size() == 1 ? "y" : "ies",
                                          fmt::join(absent, ", "));
  // A store of another format version has other families (version 1 had
  // "heads" and no projections): say which version it is, not what it lacks.
  if (std::find(existing.begin(), existing.end(), "meta") != existing.end()) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& family : existing) families.emplace_back(family, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    if (rocksdb::DB::OpenForReadOnly(db_options, path, families, &handles, &raw).ok()) {
      std::unique_ptr<rocksdb::DB> db(raw);
      const auto meta = std::find(existing.begin(), existing.end(), "meta") - existing.begin();
      std::string format;
      const bool found =
          db->Get(rocksdb::ReadOptions(), handles[meta], ToSlice(kFormatVersionKey), &format).ok();
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      if (found && format != kFormatVersion) {
        return CorruptionError(
            fmt::format("unknown store format version '{}'; this zf reads version {}", format,
                        kFormatVersion));
      }
    }
  }
  return IncompleteStore(path, missing);
}

Result<LedgerState> CheckFormat(rocksdb::DB* db,
                                const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                                std::string_view path, bool created) {
  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), handles[kMeta],
                              ToSlice(kFormatVersionKey), &format);
  if (s.IsNotFound()) {
    // Written only by the open that created the store; an existing store
    // without it is not rewritten (issue 14 §5).
    if (!created) return IncompleteStore(path, "meta/format_version");
    rocksdb::WriteOptions synced;
    synced.sync = true;
    ZF_RETURN_IF_ERROR(FromRocks(db->Put(synced, handles[kMeta], ToSlice(kFormatVersionKey),
                                         ToSlice(kFormatVersion)),
                                 "write format version"));
    format = kFormatVersion;
  } else {
    ZF_RETURN_IF_ERROR(FromRocks(s, "read format version"));
  }
  if (format != kFormatVersion) {
    return CorruptionError(
        fmt::format("unknown store format version '{}'; this zf reads version {}", format,
                    kFormatVersion));
  }
  LedgerState ledger;
  std::string raw;
  s = db->Get(rocksdb::ReadOptions(), handles[kMeta], ToSlice(kLedgerHeadKey), &raw);
  if (s.ok() && !DecodeLedger(raw, &ledger)) return CorruptionError("ledger head is malformed");
  if (!s.ok() && !s.IsNotFound()) ZF_RETURN_IF_ERROR(FromRocks(s, "read ledger head"));
  return ledger;
}

}  // namespace

bool SetRocksDbTestHooks(EventStore* store, RocksDbTestHooks hooks) {
  auto* rocks = dynamic_cast<RocksDbEventStore*>(store);
  if (rocks == nullptr) return false;
  rocks->SetTestHooks(std::move(hooks));
  return true;
}

RocksDbWriteCounts GetRocksDbWriteCounts(const EventStore& store) {
  const auto* rocks = dynamic_cast<const RocksDbEventStore*>(&store);
  return rocks == nullptr ? RocksDbWriteCounts{} : rocks->WriteCounts();
}

std::uint64_t RocksDbBlockCacheUsage(const EventStore& store) {
  const auto* rocks = dynamic_cast<const RocksDbEventStore*>(&store);
  return rocks == nullptr ? 0 : rocks->BlockCacheUsage();
}

bool RocksDbEventsUseBlockCache(const EventStore& store) {
  const auto* rocks = dynamic_cast<const RocksDbEventStore*>(&store);
  return rocks != nullptr && rocks->EventsUseBlockCache();
}

const RawLog* RocksDbRawLog(const EventStore& store) {
  const auto* rocks = dynamic_cast<const RocksDbEventStore*>(&store);
  return rocks == nullptr ? nullptr : &rocks->AsRawLog();
}

}  // namespace internal

namespace internal {
namespace {

Result<OpenedDatabase> OpenDatabase(const StoreOptions& options, std::string_view path,
                                    rocksdb::Env* env) {
  const std::shared_ptr<rocksdb::Cache> cache =
      options.block_cache_bytes == 0 ? nullptr : rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::DBOptions db_options;
  if (env != nullptr) db_options.env = env;
  db_options.create_if_missing = options.create_if_missing && !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.IncreaseParallelism(2);
  // Past this much WAL RocksDB flushes the families that pin it, so a
  // reopen — and every read-only open beside a running writer, which
  // replays the writer's live log into memory — replays little.
  db_options.max_total_wal_size = 64 << 20;
  // Flushes and compactions write their table files out a megabyte at a
  // time instead of leaving them dirty in the page cache until their final
  // sync: on ext4 a WAL fdatasync that grows the log commits the journal,
  // which first writes out every dirty block of the commit, so a pile of
  // compaction output would stall the appends' syncs behind it.
  db_options.bytes_per_sync = 1 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < kFamilyCount; ++f) {
    families.emplace_back(kFamilyNames[f], FamilyOptions(static_cast<Family>(f), options, cache));
  }
  // RocksDB refuses to open a database without all its families. A store of
  // another format version may have others (version 1 had "heads"): open
  // them too, so that the format check below can name the version.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, std::string(path), &existing).ok()) {
    for (const std::string& family : existing) {
      if (std::find(std::begin(kFamilyNames), std::end(kFamilyNames), family) ==
          std::end(kFamilyNames)) {
        families.emplace_back(family, rocksdb::ColumnFamilyOptions());
      }
    }
  }
  const std::string name(path);
  bool existed = false;
  ZF_RETURN_IF_ERROR(CheckStoreDirectory(name, db_options, db_options.create_if_missing,
                                         &existed));
  auto database = std::make_shared<Database>();
  database->event_reads = EventReads(options);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    db_options.info_log = std::make_shared<StdioLogger>(nullptr);
    // A secondary rather than a read-only instance (docs/architecture.md,
    // "Reads beside a writer"): it is built to read files a writer is still
    // appending to, flushing and compacting, and takes no lock.
    database->secondary = true;
    std::string secondary = options.secondary_directory;
    if (!secondary.empty()) {
      // RocksDB made it for its info log; zf gives it none, so make it here
      // (the caller's: kept afterwards).
      std::error_code ec;
      std::filesystem::create_directories(secondary, ec);
    } else {
      ZF_ASSIGN_OR_RETURN(secondary, MakeTemporaryDirectory());
      database->temporary_directory = secondary;
    }
    // Every table file stays open, so one the writer deletes stays readable.
    db_options.max_open_files = -1;
    // A write-ahead log or table file the writer deletes while the open
    // reads the MANIFEST is PathNotFound, and an open the writer's flushes
    // overlapped may have read no whole prefix (WriterFiles): the next
    // attempt reads the newer MANIFEST, which names what was flushed.
    rocksdb::Env* files_env = db_options.env;
    for (int attempt = 1; attempt <= kSecondaryOpenAttempts; ++attempt) {
      const WriterFiles before = ListWriterFiles(files_env, name);
      s = rocksdb::DB::OpenAsSecondary(db_options, name, secondary, families,
                                       &database->handles, &raw);
      if (s.ok() && !WriterFilesHeld(before, ListWriterFiles(files_env, name))) {
        for (rocksdb::ColumnFamilyHandle* h : database->handles) {
          raw->DestroyColumnFamilyHandle(h).PermitUncheckedError();
        }
        database->handles.clear();
        raw->Close().PermitUncheckedError();
        delete raw;
        raw = nullptr;
        s = rocksdb::Status::Busy("the writer flushed while the store was opened read-only");
      } else if (!s.IsPathNotFound()) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt * 5));
    }
    if (s.IsBusy()) {
      return UnavailableError(fmt::format(
          "open event store at '{}' read-only: its writer flushed during each of {} attempts; "
          "try again",
          path, kSecondaryOpenAttempts));
    }
  } else {
    db_options.info_log = StdioLogger::ForStore(name);
    db_options.listeners.push_back(std::make_shared<ManualRecovery>());
    s = rocksdb::DB::Open(db_options, name, families, &database->handles, &raw);
  }
  database->db.reset(raw);
  if (s.IsIOError() && s.ToString().find("While open a file for lock") != std::string::npos) {
    // The LOCK file cannot even be opened (read-only media): an I/O error,
    // not another process holding the store (kUnavailable).
    return IOError(fmt::format("open event store at '{}': {}", path, s.ToString()));
  }
  ZF_RETURN_IF_ERROR(FromRocks(s, fmt::format("open event store at '{}'", path)));
  ZF_ASSIGN_OR_RETURN(LedgerState ledger,
                      CheckFormat(database->db.get(), database->handles, name, !existed));
  while (database->handles.size() > kFamilyCount) {
    ZF_RETURN_IF_ERROR(FromRocks(database->db->DestroyColumnFamilyHandle(database->handles.back()),
                                 "open event store"));
    database->handles.pop_back();
  }
  if (!options.read_only) {
    // Only the lock's owner gets here, so no other process writes the file
    // now. It is a hint for messages; the store works without it.
    database->held_store = name;
    database->holder = StoreHolder{::getpid(), "", FormatRfc3339Utc(SystemClock()->NowMicros())};
    WriteStoreHolder(name, database->holder).IgnoreError();
  }
  return OpenedDatabase{std::move(database), ledger};
}

// Writes what `source` reads into the new store at `directory`, a batch of
// rows at a time; the ledger head goes last, in a synced write, so a copy
// cut short has no head and fails its verification.
Status FillRocksDbCopy(const StoreCopySource& source, std::string_view directory) {
  StoreOptions options;
  options.create_if_missing = true;
  ZF_ASSIGN_OR_RETURN(OpenedDatabase opened, OpenDatabase(options, directory, nullptr));
  const Database& db = *opened.database;
  constexpr std::uint32_t kRowsPerWrite = 2000;
  rocksdb::WriteBatch batch;
  auto flush = [&](bool sync) -> Status {
    rocksdb::WriteOptions write_options;
    write_options.sync = sync;
    Status s = FromRocks(db.db->Write(write_options, &batch), "backup");
    batch.Clear();
    return s;
  };
  auto put = [&](Family family, std::string_view key, std::string_view value) -> Status {
    batch.Put(db.cf(family), ToSlice(key), ToSlice(value)).PermitUncheckedError();
    return batch.Count() >= kRowsPerWrite ? flush(false) : Status::Ok();
  };
  std::string key;
  ZF_RETURN_IF_ERROR(source.ScanEvents([&](std::uint64_t position, std::string_view stream,
                                           std::uint64_t version, std::string_view value) {
    SetStreamIndexKey(stream, version, &key);
    ZF_RETURN_IF_ERROR(put(kStreams, key, PositionKey(position)));
    return put(kEvents, PositionKey(position), value);
  }));
  std::string record;
  ZF_RETURN_IF_ERROR(source.ScanCommands([&](std::string_view id, const CommandRecord& c) {
    SetCommandValue(c.first_position, c.last_position, c.first_version, c.last_version,
                    c.last_hash, c.stream, c.command, &record);
    return put(kCommands, id, record);
  }));
  ZF_RETURN_IF_ERROR(source.ScanProjections(
      [&](std::string_view k, std::string_view v) { return put(kProjections, k, v); }));
  ZF_RETURN_IF_ERROR(source.ScanCheckpoints([&](std::uint64_t position, std::string_view r) {
    return put(kMeta, CheckpointKey(position), r);
  }));
  batch.Put(db.cf(kMeta), ToSlice(kLedgerHeadKey), EncodeLedger(source.ledger()))
      .PermitUncheckedError();
  return flush(/*sync=*/true);
}

// The copy, opened as a reader would: its whole chain, index and ledger.
Status VerifyRocksDbCopy(std::string_view directory, const LedgerState& expected) {
  StoreOptions options;
  options.read_only = true;
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> copy, OpenRocksDbEventStore(options, directory));
  ZF_ASSIGN_OR_RETURN(ChainReport report, copy->VerifyChain());
  const LedgerHead head = copy->Ledger();
  if (!report.ok() || head.position != expected.position ||
      head.ledger_hash != ToPublicLedger(expected).ledger_hash ||
      (expected.position > 0 && report.ledger_hash != head.ledger_hash)) {
    return CorruptionError(fmt::format(
        "backup: the copy does not verify ({} findings; it ends at position {}, the source at "
        "{} {}): removed",
        report.findings.size(), head.position, expected.position,
        ToPublicLedger(expected).ledger_hash));
  }
  return copy->Close();
}

}  // namespace

Status WriteRocksDbCopy(const StoreCopySource& source, std::string_view directory) {
  const std::filesystem::path path{std::string(directory)};
  if (std::filesystem::exists(path)) {
    return AlreadyExistsError(fmt::format("backup directory '{}' already exists", directory))
        .WithSubject(directory);
  }
  Status s = FillRocksDbCopy(source, directory);
  if (s.ok()) s = VerifyRocksDbCopy(directory, source.ledger());
  if (!s.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  return s;
}

Result<std::unique_ptr<EventStore>> OpenRocksDbEventStoreWithEnv(const StoreOptions& options,
                                                                std::string_view path,
                                                                rocksdb::Env* env) {
  if (path.empty()) return InvalidArgumentError("store path is empty").WithSubject("path");
  ZF_RETURN_IF_ERROR(ValidateTableOptions(options));
  if (options.max_group_events == 0) {
    return InvalidArgumentError("max_group_events must be >= 1")
        .WithSubject("max_group_events");
  }
  ZF_ASSIGN_OR_RETURN(OpenedDatabase opened, OpenDatabase(options, path, env));
  return std::unique_ptr<EventStore>(std::make_unique<RocksDbEventStore>(
      options, std::string(path), env, std::move(opened.database), opened.ledger));
}

}  // namespace internal

Result<std::unique_ptr<EventStore>> OpenRocksDbEventStore(const StoreOptions& options,
                                                          std::string_view path) {
  return internal::OpenRocksDbEventStoreWithEnv(options, path, nullptr);
}

}  // namespace zf

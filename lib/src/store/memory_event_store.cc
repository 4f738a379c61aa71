// The in-memory EventStore: the same planner, envelope and verifier as the
// RocksDB store, with maps instead of column families. Appends are
// serialised by a mutex; there is nothing to sync.
#include <deque>
#include <map>
#include <shared_mutex>

#include <unordered_map>

#include <fmt/format.h>

#include "store/append_planner.h"
#include "store/chain_verifier.h"
#include "store/checkpointer.h"
#include "store/envelope.h"
#include "store/error_cursor.h"
#include "store/raw_log.h"
#include "store/subscription.h"
#include "util/rfc3339.h"
#include "zf/event_store.h"

namespace zf {
namespace internal {
namespace {

class MemoryEventStore final : public EventStore, private RawLog {
 public:
  explicit MemoryEventStore(const StoreOptions& options)
      : clock_(options.clock ? options.clock : SystemClock()),
        notifier_(std::make_shared<CommitNotifier>(0)),
        checkpointer_(options, clock_) {}
  ~MemoryEventStore() override { Close().IgnoreError(); }

  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests, const AppendOptions& options) override {
    std::vector<Result<PreparedRequest>> prepared = PrepareBatch(requests);
    std::unique_lock lock(mu_);
    if (closed_) return UnavailableError("event store closed");
    Committed committed(this);
    AppendPlanner planner(&committed, ledger_, FormatRfc3339Utc(clock_->NowMicros()));
    ZF_ASSIGN_OR_RETURN(auto results, PlanBatch(&planner, prepared, options.mode, options.expected_ledger_position));
    planner.Seal(nullptr);
    planner.CompleteResults(&results);
    Apply(planner);
    ApplyProjections(options.projections);
    lock.unlock();
    notifier_->Publish(planner.ledger().position);
    checkpointer_.AfterCommit(this);
    return results;
  }

  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from_version,
                                          Direction direction) const override;
  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from_position) const override;

  Result<EventRecord> ReadEvent(std::uint64_t position) const override {
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(position));
    if (!raw) return NotFoundError(fmt::format("no event at position {}", position));
    EventRecord record;
    ZF_RETURN_IF_ERROR(DecodeStored(*raw, &record));
    return record;
  }

  Result<StreamHead> Head(std::string_view stream) const override {
    std::shared_lock lock(mu_);
    auto it = heads_.find(std::string(stream));
    if (it == heads_.end()) {
      return NotFoundError(fmt::format("stream '{}' has no events", stream)).WithSubject(stream);
    }
    return ToPublicHead(it->second);
  }

  LedgerHead Ledger() const override {
    std::shared_lock lock(mu_);
    return ToPublicLedger(ledger_);
  }

  Result<AppendResult> FindCommand(std::string_view command_id) const override {
    std::shared_lock lock(mu_);
    auto it = commands_.find(std::string(command_id));
    if (it == commands_.end()) {
      return NotFoundError(fmt::format("command '{}' was never applied", command_id))
          .WithSubject(command_id);
    }
    return ToAppendResult(it->second);
  }

  Result<RecordedCommand> ReadCommand(std::string_view command_id) const override {
    std::shared_lock lock(mu_);
    auto it = commands_.find(std::string(command_id));
    if (it == commands_.end()) {
      return NotFoundError(fmt::format("command '{}' was never applied", command_id))
          .WithSubject(command_id);
    }
    return RecordedCommand{ToAppendResult(it->second), it->second.command};
  }

  std::unique_ptr<Subscription> Subscribe(std::uint64_t from_position) override {
    return NewStoreSubscription(this, notifier_, from_position);
  }

  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override {
    return VerifyRawLog(*this, options);
  }

  Result<std::optional<std::string>> ReadProjection(std::string_view key) const override {
    std::shared_lock lock(mu_);
    auto it = projections_.find(key);
    if (it == projections_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status ScanProjections(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return ScanProjectionsFrom(prefix, prefix, fn);
  }
  Status ScanProjectionsFrom(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    std::shared_lock lock(mu_);
    for (auto it = projections_.lower_bound(std::max(prefix, start));
         it != projections_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
      if (!fn(it->first, it->second)) break;
    }
    return Status::Ok();
  }

  Status WriteProjections(std::span<const ProjectionWrite> writes) override {
    std::unique_lock lock(mu_);
    if (closed_) return UnavailableError("event store closed");
    ApplyProjections(writes);
    return Status::Ok();
  }

  Status PutCheckpoint(std::uint64_t position, std::string_view record) override {
    std::unique_lock lock(mu_);
    if (closed_) return UnavailableError("event store closed");
    checkpoints_.insert_or_assign(position, std::string(record));
    return Status::Ok();
  }
  Status ScanCheckpoints(
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const override {
    std::shared_lock lock(mu_);
    for (const auto& [position, record] : checkpoints_) {
      if (!fn(position, record)) break;
    }
    return Status::Ok();
  }

  Status Backup(std::string_view) override {
    return FailedPreconditionError("the memory store cannot be backed up; use the RocksDB store");
  }

  Status Close() override {
    {
      std::unique_lock lock(mu_);
      closed_ = true;
    }
    notifier_->Close();
    return Status::Ok();
  }

  void ApplyProjections(std::span<const ProjectionWrite> writes) {  // REQUIRES: mu_ held
    for (const ProjectionWrite& w : writes) {
      if (w.value) {
        projections_.insert_or_assign(w.key, *w.value);
      } else if (auto it = projections_.find(w.key); it != projections_.end()) {
        projections_.erase(it);
      }
    }
  }

  // RawLog
  std::unique_ptr<RawScan> ScanFrom(std::uint64_t from_position) const override;
  Result<std::optional<std::string>> GetRaw(std::uint64_t position) const override {
    std::shared_lock lock(mu_);
    if (position == 0 || position > values_.size()) return std::optional<std::string>();
    return std::optional<std::string>(values_[position - 1]);
  }
  Result<std::optional<std::uint64_t>> IndexLookup(std::string_view stream,
                                                   std::uint64_t version) const override {
    std::shared_lock lock(mu_);
    auto it = positions_.find(std::string(stream));
    if (it == positions_.end() || version == 0 || version > it->second.size()) {
      return std::optional<std::uint64_t>();
    }
    return std::optional<std::uint64_t>(it->second[version - 1]);
  }
  Result<std::optional<std::pair<std::string, std::uint64_t>>> FindIndexEntry(
      std::uint64_t position) const override {
    std::shared_lock lock(mu_);
    for (const auto& [stream, positions] : positions_) {
      for (std::size_t i = 0; i < positions.size(); ++i) {
        if (positions[i] == position) return std::optional(std::pair(stream, i + 1));
      }
    }
    return std::optional<std::pair<std::string, std::uint64_t>>();
  }
  Status ForEachStreamEnd(
      const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn)
      const override {
    std::shared_lock lock(mu_);
    for (const auto& [stream, positions] : positions_) {
      if (!positions.empty()) fn(stream, positions.size(), positions.back());
    }
    return Status::Ok();
  }
  bool HasIndexScan() const override { return true; }
  Status ForEachIndexEntry(
      const std::function<void(std::string_view, std::uint64_t, std::uint64_t)>& fn)
      const override {
    std::shared_lock lock(mu_);
    for (const auto& [stream, positions] : positions_) {
      for (std::size_t i = 0; i < positions.size(); ++i) fn(stream, i + 1, positions[i]);
    }
    return Status::Ok();
  }
  LedgerState RecordedLedger() const override {
    std::shared_lock lock(mu_);
    return ledger_;
  }

  // For cursors: the stored value at `position` (1-based) if it exists.
  std::optional<std::string> ValueAt(std::uint64_t position) const {
    std::shared_lock lock(mu_);
    if (position == 0 || position > values_.size()) return std::nullopt;
    return values_[position - 1];
  }
  std::vector<std::uint64_t> StreamPositions(std::string_view stream) const {
    std::shared_lock lock(mu_);
    auto it = positions_.find(std::string(stream));
    return it == positions_.end() ? std::vector<std::uint64_t>() : it->second;
  }

 private:
  // Reads committed state for the planner; the caller holds mu_.
  class Committed final : public CommittedState {
   public:
    explicit Committed(const MemoryEventStore* store) : store_(store) {}
    Result<std::optional<HeadState>> LoadHead(std::string_view stream) override {
      auto it = store_->heads_.find(std::string(stream));
      if (it == store_->heads_.end()) return std::optional<HeadState>();
      return std::optional(it->second);
    }
    Result<std::optional<CommandRecord>> LoadCommand(std::string_view command_id) override {
      auto it = store_->commands_.find(std::string(command_id));
      if (it == store_->commands_.end()) return std::optional<CommandRecord>();
      return std::optional(it->second);
    }
    Result<std::optional<std::string>> LoadEvent(std::uint64_t position) override {
      if (position == 0 || position > store_->values_.size()) return std::optional<std::string>();
      return std::optional(store_->values_[position - 1]);
    }

   private:
    const MemoryEventStore* store_;
  };

  void Apply(const AppendPlanner& planner) {
    for (const PlannedEvent& e : planner.events()) {
      values_.emplace_back(planner.value(e));
      positions_[*e.stream].push_back(e.position);
    }
    for (const auto& [stream, head] : planner.heads()) heads_[std::string(stream)] = head;
    for (const PlannedCommand& c : planner.commands()) {
      commands_[c.request->command_id] =
          CommandRecord{c.request->stream, c.first_version, c.last_version, c.first_position,
                        c.last_position, c.last_hash, c.request->command};
    }
    ledger_ = planner.ledger();
  }

  const std::shared_ptr<Clock> clock_;
  const std::shared_ptr<CommitNotifier> notifier_;
  mutable std::shared_mutex mu_;
  bool closed_ = false;
  std::deque<std::string> values_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> positions_;
  std::unordered_map<std::string, HeadState> heads_;
  std::unordered_map<std::string, CommandRecord> commands_;
  std::map<std::string, std::string, std::less<>> projections_;  // GUARDED_BY(mu_)
  std::map<std::uint64_t, std::string> checkpoints_;             // GUARDED_BY(mu_)
  LedgerState ledger_;
  AutoCheckpointer checkpointer_;
};

// Walks a list of positions, decoding each stored value.
class PositionCursor final : public EventCursor {
 public:
  PositionCursor(const MemoryEventStore* store, std::vector<std::uint64_t> positions)
      : store_(store), positions_(std::move(positions)) {
    Load();
  }
  bool Valid() const override { return valid_; }
  const EventRecord& event() const override { return record_; }
  void Next() override {
    ++index_;
    Load();
  }
  Status status() const override { return status_; }

 private:
  void Load() {
    valid_ = false;
    if (index_ >= positions_.size() || !status_.ok()) return;
    std::optional<std::string> value = store_->ValueAt(positions_[index_]);
    if (!value) {
      status_ = CorruptionError(fmt::format("no event at position {}", positions_[index_]));
      return;
    }
    status_ = DecodeStored(*value, &record_);
    valid_ = status_.ok();
  }

  const MemoryEventStore* store_;
  std::vector<std::uint64_t> positions_;
  std::size_t index_ = 0;
  bool valid_ = false;
  EventRecord record_;
  Status status_;
};

// Reads positions [from, end] lazily, so a long log is never copied.
class LogCursor final : public EventCursor {
 public:
  LogCursor(const MemoryEventStore* store, std::uint64_t from, std::uint64_t end)
      : store_(store), next_(from), end_(end) {
    Next();
  }
  bool Valid() const override { return valid_; }
  const EventRecord& event() const override { return record_; }
  void Next() override {
    valid_ = false;
    if (next_ > end_ || !status_.ok()) return;
    std::optional<std::string> value = store_->ValueAt(next_++);
    if (!value) return;
    status_ = DecodeStored(*value, &record_);
    valid_ = status_.ok();
  }
  Status status() const override { return status_; }

 private:
  const MemoryEventStore* store_;
  std::uint64_t next_;
  const std::uint64_t end_;
  bool valid_ = false;
  EventRecord record_;
  Status status_;
};

class MemoryScan final : public RawScan {
 public:
  MemoryScan(const MemoryEventStore* store, std::uint64_t from) : store_(store), position_(from) {
    Load();
  }
  bool Valid() const override { return value_.has_value(); }
  std::uint64_t position() const override { return position_; }
  std::string_view value() const override { return *value_; }
  void Next() override {
    ++position_;
    Load();
  }
  Status status() const override { return Status::Ok(); }

 private:
  void Load() { value_ = store_->ValueAt(position_); }
  const MemoryEventStore* store_;
  std::uint64_t position_;
  std::optional<std::string> value_;
};

std::unique_ptr<EventCursor> MemoryEventStore::ReadStream(std::string_view stream,
                                                          std::uint64_t from_version,
                                                          Direction direction) const {
  if (Status s = ValidateStreamName(stream); !s.ok()) return std::make_unique<ErrorCursor>(s);
  std::vector<std::uint64_t> all = StreamPositions(stream);
  std::vector<std::uint64_t> selected;
  if (direction == Direction::kForward) {
    for (std::size_t v = std::max<std::uint64_t>(from_version, 1); v <= all.size(); ++v) {
      selected.push_back(all[v - 1]);
    }
  } else {
    std::uint64_t start = from_version == 0 ? all.size() : std::min<std::uint64_t>(from_version, all.size());
    for (std::uint64_t v = start; v >= 1; --v) selected.push_back(all[v - 1]);
  }
  return std::make_unique<PositionCursor>(this, std::move(selected));
}

std::unique_ptr<EventCursor> MemoryEventStore::ReadAll(std::uint64_t from_position) const {
  return std::make_unique<LogCursor>(this, std::max<std::uint64_t>(from_position, 1),
                                     Ledger().position);
}

std::unique_ptr<RawScan> MemoryEventStore::ScanFrom(std::uint64_t from_position) const {
  return std::make_unique<MemoryScan>(this, std::max<std::uint64_t>(from_position, 1));
}

}  // namespace
}  // namespace internal

Result<std::unique_ptr<EventStore>> NewMemoryEventStore(const StoreOptions& options) {
  return std::unique_ptr<EventStore>(std::make_unique<internal::MemoryEventStore>(options));
}

}  // namespace zf

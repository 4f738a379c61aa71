// Turns prepared append requests into stored records on top of the committed
// log: checks idempotency and expected versions, assigns positions and
// versions, chains hashes and advances the ledger. Shared by the RocksDB and
// memory stores so both have exactly the same semantics.
//
// Not thread-safe: used by the single writer of a group commit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/envelope.h"
#include "store/key_codec.h"
#include "util/worker_pool.h"
#include "zf/event_store.h"
#include "zf/result.h"

namespace zf::internal {

// What the planner needs to read from the committed log.
class CommittedState {
 public:
  virtual ~CommittedState() = default;
  virtual Result<std::optional<HeadState>> LoadHead(std::string_view stream) = 0;
  virtual Result<std::optional<CommandRecord>> LoadCommand(std::string_view command_id) = 0;
  // The stored value at `position`; read only to check a retried command
  // against what it wrote.
  virtual Result<std::optional<std::string>> LoadEvent(std::uint64_t position) = 0;
};

struct PlannedEvent {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  std::uint64_t position;
  std::uint64_t version;
  const std::string* stream;  // owned by the request
  std::size_t offset;         // of the stored value in AppendPlanner::values()
  std::size_t size;
  // What Seal() encodes, and how the event chains: the stream's previous
  // and next events in this plan (indexes into AppendPlanner::events()), or
  // for the first event of its stream in the plan, the stream's head hash.
  const AppendRequest* request;
  const PreparedEvent* event;
  std::size_t prev_in_stream;
  std::size_t next_in_stream;
  bool chained;    // version > 1: the encoding carries prev_hash
  Hash prev_hash;  // when chained and prev_in_stream == kNone
  Hash hash;       // set by Seal()
};

// A command the plan applies; the request outlives the planner.
struct PlannedCommand {
  const AppendRequest* request;
  std::uint64_t first_position;
  std::uint64_t last_position;
  std::uint64_t first_version;
  std::uint64_t last_version;
  Hash last_hash;
};

// Planning a group has two steps. Plan() (per request, in order) does the
// checks and assigns positions and versions, and lays out the stored values;
// Seal() then encodes and hashes the events, each stream's events in order
// but different streams on different threads when given a pool, and links
// the ledger in position order. The bytes do not depend on the pool.
class AppendPlanner {
 public:
  // The requests planned must outlive the planner: it keeps views of them.
  AppendPlanner(CommittedState* state, const LedgerState& ledger, std::string recorded_at);

  // Room for `bytes` of stored values and `requests` requests, so planning
  // does not reallocate.
  void Reserve(std::size_t bytes, std::size_t requests) {
    values_.reserve(bytes);
    events_.reserve(requests);
    commands_.reserve(requests);
    command_index_.reserve(requests);
    heads_.reserve(requests);
    undo_.reserve(requests);
  }

  // Swaps in storage an earlier plan used, so its capacity is reused (its
  // contents are dropped), and swaps it out again once the plan is written:
  // a group's values are about a megabyte, which glibc would otherwise hand
  // back to the kernel and fault in again for every group.
  // REQUIRES for Adopt: nothing planned yet.
  void AdoptStorage(std::string* values, std::vector<PlannedEvent>* events) {
    values->clear();
    events->clear();
    values_.swap(*values);
    events_.swap(*events);
  }
  void ReleaseStorage(std::string* values, std::vector<PlannedEvent>* events) {
    values_.swap(*values);
    events_.swap(*events);
  }

  // Plans one request after everything planned so far. On error nothing of
  // this request is kept. kConflict carries the actual version. The result's
  // last_hash is filled in by CompleteResults() after Seal().
  Result<AppendResult> Plan(const PreparedRequest& request);

  // Rollback(Mark()) undoes every Plan() made after the Mark().
  // REQUIRES: not sealed.
  std::size_t Mark() const { return undo_.size(); }
  void Rollback(std::size_t mark);

  // Encodes and hashes every planned event and links the ledger; nothing
  // may be planned afterwards. `pool` (may be null) shares the encoding and
  // hashing of a large enough plan with its helper threads. `alongside`, if
  // given, runs (perhaps on a helper) while the ledger is being linked: it
  // may read events() but not their values, heads() and commands(), which
  // are complete by then, and not ledger().
  void Seal(WorkerPool* pool, const std::function<void()>& alongside = {});
  // Sets last_hash in the successful results that name events of this plan.
  // REQUIRES: sealed.
  void CompleteResults(std::vector<Result<AppendResult>>* results) const;

  // The accessors below are complete only once sealed.
  const std::vector<PlannedEvent>& events() const { return events_; }
  // All stored values, back to back.
  const std::string& values() const { return values_; }
  // The stored value (envelope ‖ hash ‖ ledger hash) of a planned event.
  std::string_view value(const PlannedEvent& e) const {
    return std::string_view(values_).substr(e.offset, e.size);
  }
  // Heads changed by the plan (latest value per stream).
  const std::unordered_map<std::string_view, HeadState>& heads() const { return heads_; }
  const std::vector<PlannedCommand>& commands() const { return commands_; }
  const LedgerState& ledger() const { return ledger_; }
  bool empty() const { return events_.empty(); }
  // Whether the plan applies the command (planned, not refused).
  bool PlansCommand(std::string_view command_id) const {
    return command_index_.contains(command_id);
  }

 private:
  struct Undo {
    std::size_t events_size;
    std::size_t values_size;
    std::size_t commands_size;
    LedgerState ledger;
    std::string_view stream;
    std::optional<HeadState> previous_head;
  };
  Result<std::optional<HeadState>> CurrentHead(std::string_view stream);
  Result<std::optional<CommandRecord>> PriorCommand(std::string_view command_id);
  Result<bool> RepeatsPrior(const PreparedRequest& prepared, const CommandRecord& prior);
  // Encodes events_[i] into `values` and returns the encoding (what its
  // hash covers). REQUIRES: its predecessor in the stream is hashed.
  std::string_view EncodeEvent(std::size_t i, char* values);
  // Encodes and hashes every event of the chains starting at `firsts`.
  void EncodeChains(std::span<const std::size_t> firsts, char* values);
  const PlannedEvent* InPlan(std::uint64_t position) const {
    return position > base_position_ && position - base_position_ <= events_.size()
               ? &events_[position - base_position_ - 1]
               : nullptr;
  }

  CommittedState* const state_;
  const std::string recorded_at_;
  const std::uint64_t base_position_;  // the last committed position
  LedgerState ledger_;
  std::vector<PlannedEvent> events_;
  std::string values_;  // the stored values of events_, back to back
  std::unordered_map<std::string_view, HeadState> heads_;
  std::vector<PlannedCommand> commands_;
  std::unordered_map<std::string_view, std::size_t> command_index_;  // id -> commands_
  std::vector<Undo> undo_;
  bool sealed_ = false;
};

}  // namespace zf::internal

namespace zf::internal {

// Validates and canonicalises each request (in the caller's thread, before
// the writer is involved), sharing the work with `pool` (may be null) when
// there is enough of it.
std::vector<Result<PreparedRequest>> PrepareBatch(std::span<const AppendRequest> requests,
                                                  WorkerPool* pool = nullptr);

// Plans a prepared batch according to `mode` (zf/event_store.h). In kAtomic
// mode the first failure rolls back the whole batch and is returned as the
// outer error, its message naming the request's index. With
// `expected_ledger`, a plan that does not start at that position fails
// whole, as kConflict on subject "ledger" (AppendOptions).
Result<std::vector<Result<AppendResult>>> PlanBatch(
    AppendPlanner* planner, std::span<const Result<PreparedRequest>> prepared, BatchMode mode,
    std::optional<std::uint64_t> expected_ledger = std::nullopt);

}  // namespace zf::internal

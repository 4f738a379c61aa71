// Turns prepared append requests into stored records on top of the committed
// log: checks idempotency and expected versions, assigns positions and
// versions, chains hashes and advances the ledger. Shared by the RocksDB and
// memory stores so both have exactly the same semantics.
//
// Not thread-safe: used by the single writer of a group commit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/envelope.h"
#include "store/key_codec.h"
#include "zf/event_store.h"
#include "zf/result.h"

namespace zf::internal {

// What the planner needs to read from the committed log.
class CommittedState {
 public:
  virtual ~CommittedState() = default;
  virtual Result<std::optional<HeadState>> LoadHead(std::string_view stream) = 0;
  virtual Result<std::optional<CommandRecord>> LoadCommand(std::string_view command_id) = 0;
};

struct PlannedEvent {
  std::uint64_t position;
  std::uint64_t version;
  const std::string* stream;  // owned by the request
  std::string value;          // stored envelope
};

class AppendPlanner {
 public:
  AppendPlanner(CommittedState* state, const LedgerState& ledger, std::string recorded_at);

  // Plans one request after everything planned so far. On error nothing of
  // this request is kept. kConflict carries the actual version.
  Result<AppendResult> Plan(const PreparedRequest& request);

  // Rollback(Mark()) undoes every Plan() made after the Mark().
  std::size_t Mark() const { return undo_.size(); }
  void Rollback(std::size_t mark);

  const std::vector<PlannedEvent>& events() const { return events_; }
  // Heads and command records changed by the plan (latest value per key).
  const std::unordered_map<std::string, HeadState>& heads() const { return heads_; }
  const std::unordered_map<std::string, CommandRecord>& commands() const { return commands_; }
  const LedgerState& ledger() const { return ledger_; }
  bool empty() const { return events_.empty(); }

 private:
  struct Undo {
    std::size_t events_size;
    LedgerState ledger;
    std::string stream;
    std::optional<HeadState> previous_head;
    std::string command_id;
  };
  Result<std::optional<HeadState>> CurrentHead(const std::string& stream);
  Result<std::optional<CommandRecord>> PriorCommand(const std::string& command_id);

  CommittedState* const state_;
  const std::string recorded_at_;
  LedgerState ledger_;
  std::vector<PlannedEvent> events_;
  std::unordered_map<std::string, HeadState> heads_;
  std::unordered_map<std::string, CommandRecord> commands_;
  std::vector<Undo> undo_;
  std::string scratch_;
};

}  // namespace zf::internal

namespace zf::internal {

// Validates and canonicalises each request (in the caller's thread, before
// the writer is involved).
std::vector<Result<PreparedRequest>> PrepareBatch(std::span<const AppendRequest> requests);

// Plans a prepared batch according to `mode` (zf/event_store.h). In kAtomic
// mode the first failure rolls back the whole batch and is returned as the
// outer error, its message naming the request's index.
Result<std::vector<Result<AppendResult>>> PlanBatch(
    AppendPlanner* planner, std::span<const Result<PreparedRequest>> prepared, BatchMode mode);

}  // namespace zf::internal

#include "store/append_planner.h"

#include <fmt/format.h>

#include "util/sm3.h"

namespace zf::internal {

AppendPlanner::AppendPlanner(CommittedState* state, const LedgerState& ledger,
                             std::string recorded_at)
    : state_(state), recorded_at_(std::move(recorded_at)), base_position_(ledger.position),
      ledger_(ledger) {}

Result<std::optional<HeadState>> AppendPlanner::CurrentHead(std::string_view stream) {
  if (auto it = heads_.find(stream); it != heads_.end()) return std::optional(it->second);
  return state_->LoadHead(stream);
}

Result<std::optional<CommandRecord>> AppendPlanner::PriorCommand(std::string_view command_id) {
  if (auto it = command_index_.find(command_id); it != command_index_.end()) {
    const PlannedCommand& c = commands_[it->second];
    return std::optional(CommandRecord{c.request->stream, c.first_version, c.last_version,
                                       c.first_position, c.last_position, c.last_hash});
  }
  return state_->LoadCommand(command_id);
}

// A retry must ask for exactly what the command wrote. Comparing with the
// written events costs reads only on a retry, which is rare, where a digest
// of every request would cost a hash on every append.
Result<bool> AppendPlanner::RepeatsPrior(const PreparedRequest& prepared,
                                         const CommandRecord& prior) {
  if (prior.last_position - prior.first_position + 1 != prepared.events.size()) return false;
  for (std::size_t i = 0; i < prepared.events.size(); ++i) {
    const std::uint64_t position = prior.first_position + i;
    std::optional<std::string> loaded;
    std::string_view value;
    if (position > base_position_ && position - base_position_ <= events_.size()) {
      value = this->value(events_[position - base_position_ - 1]);
    } else {
      ZF_ASSIGN_OR_RETURN(loaded, state_->LoadEvent(position));
      if (!loaded) {
        return CorruptionError(fmt::format("command '{}' names position {}, which is missing",
                                           prepared.source->command_id, position));
      }
      value = *loaded;
    }
    ZF_ASSIGN_OR_RETURN(StoredView view, SplitStored(value));
    CanonicalFields stored;
    if (!ParseCanonical(view.canonical, &stored)) {
      return CorruptionError(fmt::format("the event at position {} is not an envelope", position));
    }
    if (!RecordsRequest(stored, *prepared.source, prepared.events[i])) return false;
  }
  return true;
}

namespace {

void AppendHex(const Hash& hash, char* out) {
  constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
}

}  // namespace

Result<AppendResult> AppendPlanner::Plan(const PreparedRequest& prepared) {
  const AppendRequest& request = *prepared.source;
  ZF_ASSIGN_OR_RETURN(std::optional<CommandRecord> prior, PriorCommand(request.command_id));
  if (prior) {
    if (prior->stream != request.stream) {
      return AlreadyExistsError(fmt::format("command_id '{}' was already used for stream '{}'",
                                            request.command_id, prior->stream))
          .WithSubject("/command_id");
    }
    ZF_ASSIGN_OR_RETURN(bool repeats, RepeatsPrior(prepared, *prior));
    if (!repeats) {
      return AlreadyExistsError(fmt::format(
                 "command_id '{}' was already used for different events; a retry must "
                 "repeat the original command exactly",
                 request.command_id))
          .WithSubject("/command_id");
    }
    AppendResult result = ToAppendResult(*prior);
    result.already_applied = true;
    return result;
  }

  ZF_ASSIGN_OR_RETURN(std::optional<HeadState> head, CurrentHead(request.stream));
  const std::uint64_t actual = head ? head->version : 0;
  if (!request.expected.Matches(actual)) {
    return ConflictError(fmt::format("stream '{}' is at version {}, expected {}",
                                     request.stream, actual, request.expected.ToString()))
        .WithSubject(request.stream)
        .WithVersion(actual);
  }

  undo_.push_back(
      Undo{events_.size(), values_.size(), commands_.size(), ledger_, request.stream, head});
  HeadState next = head.value_or(HeadState{});
  const std::uint64_t first_version = next.version + 1;
  const std::uint64_t first_position = ledger_.position + 1;
  char prev_hex[64];
  for (const PreparedEvent& event : prepared.events) {
    const bool first_of_stream = next.version == 0;
    if (!first_of_stream) AppendHex(next.hash, prev_hex);
    next.version += 1;
    next.position = ledger_.position + 1;
    const std::size_t offset = values_.size();
    EncodeCanonical(request, event,
                    Stamp{next.position, next.version, recorded_at_,
                          first_of_stream ? std::string_view() : std::string_view(prev_hex, 64)},
                    &values_);
    next.hash = Sm3(std::string_view(values_).substr(offset));
    ledger_.hash = NextLedgerHash(ledger_.hash, next.position, next.hash);
    ledger_.position = next.position;
    values_.append(reinterpret_cast<const char*>(next.hash.data()), 32);
    values_.append(reinterpret_cast<const char*>(ledger_.hash.data()), 32);
    events_.push_back(
        PlannedEvent{next.position, next.version, &request.stream, offset, values_.size() - offset});
  }
  heads_[request.stream] = next;
  command_index_[request.command_id] = commands_.size();
  commands_.push_back(PlannedCommand{&request, first_position, next.position, first_version,
                                     next.version, next.hash});
  AppendResult result;
  result.stream = request.stream;
  result.first_version = first_version;
  result.last_version = next.version;
  result.first_position = first_position;
  result.last_position = next.position;
  result.last_hash = ToHex(next.hash);
  return result;
}

void AppendPlanner::Rollback(std::size_t mark) {
  while (undo_.size() > mark) {
    Undo& u = undo_.back();
    events_.resize(u.events_size);
    values_.resize(u.values_size);
    ledger_ = u.ledger;
    if (u.previous_head) {
      heads_[u.stream] = *u.previous_head;
    } else {
      heads_.erase(u.stream);
    }
    while (commands_.size() > u.commands_size) {
      command_index_.erase(commands_.back().request->command_id);
      commands_.pop_back();
    }
    undo_.pop_back();
  }
}

}  // namespace zf::internal

namespace zf::internal {

std::vector<Result<PreparedRequest>> PrepareBatch(std::span<const AppendRequest> requests) {
  std::vector<Result<PreparedRequest>> prepared;
  prepared.reserve(requests.size());
  for (const AppendRequest& request : requests) prepared.push_back(PrepareRequest(request));
  return prepared;
}

Result<std::vector<Result<AppendResult>>> PlanBatch(
    AppendPlanner* planner, std::span<const Result<PreparedRequest>> prepared, BatchMode mode) {
  const std::size_t mark = planner->Mark();
  std::vector<Result<AppendResult>> results;
  results.reserve(prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    Result<AppendResult> r =
        prepared[i].ok() ? planner->Plan(*prepared[i]) : Result<AppendResult>(prepared[i].status());
    if (mode == BatchMode::kAtomic && !r.ok()) {
      planner->Rollback(mark);
      const Status& s = r.status();
      Status failed(s.code(), fmt::format("request {} of the atomic batch: {}", i, s.message()));
      failed.WithSubject(s.subject());
      if (s.version()) failed.WithVersion(*s.version());
      return failed;
    }
    const bool stop = mode == BatchMode::kStopAtFirstFailure && !r.ok();
    results.push_back(std::move(r));
    if (stop) break;
  }
  return results;
}

}  // namespace zf::internal

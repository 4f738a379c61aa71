#include "store/append_planner.h"

#include <fmt/format.h>

#include "util/sm3.h"

namespace zf::internal {

AppendPlanner::AppendPlanner(CommittedState* state, const LedgerState& ledger,
                             std::string recorded_at)
    : state_(state), recorded_at_(std::move(recorded_at)), ledger_(ledger) {}

Result<std::optional<HeadState>> AppendPlanner::CurrentHead(const std::string& stream) {
  if (auto it = heads_.find(stream); it != heads_.end()) return std::optional(it->second);
  return state_->LoadHead(stream);
}

Result<std::optional<CommandRecord>> AppendPlanner::PriorCommand(const std::string& command_id) {
  if (auto it = commands_.find(command_id); it != commands_.end()) {
    return std::optional(it->second);
  }
  return state_->LoadCommand(command_id);
}

Result<AppendResult> AppendPlanner::Plan(const PreparedRequest& prepared) {
  const AppendRequest& request = *prepared.source;
  ZF_ASSIGN_OR_RETURN(std::optional<CommandRecord> prior, PriorCommand(request.command_id));
  if (prior) {
    if (prior->result.stream != request.stream) {
      return AlreadyExistsError(fmt::format("command_id '{}' was already used for stream '{}'",
                                            request.command_id, prior->result.stream))
          .WithSubject("/command_id");
    }
    if (prior->digest != prepared.digest) {
      return AlreadyExistsError(fmt::format(
                 "command_id '{}' was already used for different events; a retry must "
                 "repeat the original command exactly",
                 request.command_id))
          .WithSubject("/command_id");
    }
    prior->result.already_applied = true;
    return prior->result;
  }

  ZF_ASSIGN_OR_RETURN(std::optional<HeadState> head, CurrentHead(request.stream));
  const std::uint64_t actual = head ? head->version : 0;
  if (!request.expected.Matches(actual)) {
    return ConflictError(fmt::format("stream '{}' is at version {}, expected {}",
                                     request.stream, actual, request.expected.ToString()))
        .WithSubject(request.stream)
        .WithVersion(actual);
  }

  undo_.push_back(Undo{events_.size(), ledger_, request.stream, head, request.command_id});
  HeadState next = head.value_or(HeadState{});
  AppendResult result;
  result.stream = request.stream;
  result.first_version = next.version + 1;
  result.first_position = ledger_.position + 1;
  for (const PreparedEvent& event : prepared.events) {
    const std::string prev_hex = next.version == 0 ? std::string() : ToHex(next.hash);
    next.version += 1;
    next.position = ledger_.position + 1;
    PlannedEvent planned{next.position, next.version, &request.stream, {}};
    planned.value.reserve(event.canonical_data.size() + request.stream.size() + 400);
    EncodeCanonical(request, event, Stamp{next.position, next.version, recorded_at_, prev_hex},
                    &planned.value);
    next.hash = Sm3(planned.value);
    ledger_.hash = NextLedgerHash(ledger_.hash, next.position, next.hash);
    ledger_.position = next.position;
    planned.value.append(reinterpret_cast<const char*>(next.hash.data()), 32);
    planned.value.append(reinterpret_cast<const char*>(ledger_.hash.data()), 32);
    events_.push_back(std::move(planned));
  }
  result.last_version = next.version;
  result.last_position = next.position;
  result.last_hash = ToHex(next.hash);
  heads_[request.stream] = next;
  commands_[request.command_id] = CommandRecord{result, prepared.digest};
  return result;
}

void AppendPlanner::Rollback(std::size_t mark) {
  while (undo_.size() > mark) {
    Undo& u = undo_.back();
    events_.resize(u.events_size);
    ledger_ = u.ledger;
    if (u.previous_head) {
      heads_[u.stream] = *u.previous_head;
    } else {
      heads_.erase(u.stream);
    }
    commands_.erase(u.command_id);
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

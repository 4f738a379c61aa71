#include "store/append_planner.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include <fmt/format.h>

#include "util/sm3_multi.h"

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
                                       c.first_position, c.last_position, c.last_hash,
                                       c.request->command});
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
    CanonicalFields stored;
    if (const PlannedEvent* planned = InPlan(position)) {
      // Not encoded until Seal(): compare with what it will encode.
      const NewEvent& e = *planned->event->source;
      stored.stream = planned->request->stream;
      stored.command_id = planned->request->command_id;
      stored.type = e.type;
      stored.schema = e.schema;
      stored.occurred_at = e.occurred_at;
      stored.actor_id = e.actor.id;
      stored.actor_role = e.actor.role;
      stored.actor_unit = e.actor.unit;
      stored.data = planned->event->canonical_data;
      if (!RecordsRequest(stored, *prepared.source, prepared.events[i])) return false;
      continue;
    }
    ZF_ASSIGN_OR_RETURN(std::optional<std::string> loaded, state_->LoadEvent(position));
    if (!loaded) {
      return CorruptionError(fmt::format("command '{}' names position {}, which is missing",
                                         prepared.source->command_id, position));
    }
    ZF_ASSIGN_OR_RETURN(StoredView view, SplitStored(*loaded));
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
  assert(!sealed_);
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
  // Only the sizes of the stamp's strings matter for the layout.
  static constexpr char kHexLayout[64] = {};
  for (const PreparedEvent& event : prepared.events) {
    PlannedEvent planned;
    planned.request = &request;
    planned.event = &event;
    planned.stream = &request.stream;
    planned.chained = next.version != 0;
    planned.prev_in_stream = PlannedEvent::kNone;
    planned.next_in_stream = PlannedEvent::kNone;
    if (planned.chained) {
      if (const PlannedEvent* prev = InPlan(next.position)) {
        planned.prev_in_stream = static_cast<std::size_t>(prev - events_.data());
        events_[planned.prev_in_stream].next_in_stream = events_.size();
      } else {
        planned.prev_hash = next.hash;
      }
    }
    next.version += 1;
    next.position = ledger_.position + 1;
    ledger_.position = next.position;
    planned.position = next.position;
    planned.version = next.version;
    planned.offset = values_.size();
    planned.size =
        CanonicalSize(request, event,
                      Stamp{0, 0, recorded_at_,
                            std::string_view(kHexLayout, planned.chained ? 64 : 0)}) +
        64;
    values_.resize(planned.offset + planned.size);
    events_.push_back(planned);
  }
  // next.hash is the previous head's until Seal() hashes the events.
  heads_[request.stream] = next;
  command_index_[request.command_id] = commands_.size();
  commands_.push_back(PlannedCommand{&request, first_position, next.position, first_version,
                                     next.version, Hash{}});
  AppendResult result;
  result.stream = request.stream;
  result.first_version = first_version;
  result.last_version = next.version;
  result.first_position = first_position;
  result.last_position = next.position;
  return result;
}

std::string_view AppendPlanner::EncodeEvent(std::size_t i, char* values) {
  PlannedEvent& e = events_[i];
  char prev_hex[64];
  if (e.chained) {
    AppendHex(e.prev_in_stream == PlannedEvent::kNone ? e.prev_hash
                                                       : events_[e.prev_in_stream].hash,
              prev_hex);
  }
  char* out = values + e.offset;
  const char* end = EncodeCanonicalTo(
      *e.request, *e.event,
      Stamp{e.position, e.version, recorded_at_,
            e.chained ? std::string_view(prev_hex, 64) : std::string_view()},
      out);
  return std::string_view(out, static_cast<std::size_t>(end - out));
}

void AppendPlanner::EncodeChains(std::span<const std::size_t> firsts, char* values) {
  // An event's encoding carries its predecessor's hash, so a stream's events
  // are hashed one after another; different streams are independent. Each
  // wave therefore encodes the next event of every unfinished chain and
  // hashes them together, one message per SIMD lane of Sm3Many.
  std::vector<std::size_t> wave(firsts.begin(), firsts.end());
  std::vector<std::string_view> encodings;
  std::vector<Hash> hashes;
  while (!wave.empty()) {
    encodings.clear();
    for (std::size_t i : wave) encodings.push_back(EncodeEvent(i, values));
    hashes.resize(wave.size());
    Sm3Many(encodings, hashes);
    std::size_t unfinished = 0;
    for (std::size_t k = 0; k < wave.size(); ++k) {
      PlannedEvent& e = events_[wave[k]];
      e.hash = hashes[k];
      if (e.next_in_stream != PlannedEvent::kNone) wave[unfinished++] = e.next_in_stream;
    }
    wave.resize(unfinished);
  }
}

void AppendPlanner::Seal(WorkerPool* pool, const std::function<void()>& alongside) {
  // Each stream's events form a chain through prev_hash; chains are
  // independent of one another.
  std::vector<std::size_t> chains;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].prev_in_stream == PlannedEvent::kNone) chains.push_back(i);
  }
  char* const values = values_.data();
  // Handing work to the helpers costs a wake-up or two: worth it only for
  // a sizeable plan. A task's chains share the SIMD lanes of its waves, so
  // it takes enough of them to fill 16 lanes twice.
  constexpr std::size_t kMinParallelEvents = 64;
  constexpr std::size_t kChainsPerTask = 32;
  if (pool != nullptr && pool->helpers() > 0 && events_.size() >= kMinParallelEvents &&
      chains.size() > 1) {
    const std::size_t tasks = (chains.size() + kChainsPerTask - 1) / kChainsPerTask;
    pool->Run(tasks, [&](std::size_t t) {
      const std::size_t begin = t * kChainsPerTask;
      const std::size_t end = std::min(chains.size(), begin + kChainsPerTask);
      EncodeChains(std::span(chains).subspan(begin, end - begin), values);
    });
  } else {
    EncodeChains(chains, values);
  }
  // A rollback may have put back a committed head, which keeps its hash.
  for (auto& [stream, head] : heads_) {
    if (const PlannedEvent* e = InPlan(head.position)) head.hash = e->hash;
  }
  for (PlannedCommand& c : commands_) c.last_hash = InPlan(c.last_position)->hash;
  // The ledger links every event in position order: sequential, but
  // `alongside` can run beside it.
  auto link_ledger = [&] {
    for (const PlannedEvent& e : events_) {
      ledger_.hash = NextLedgerHash(ledger_.hash, e.position, e.hash);
      char* tail = values + e.offset + e.size - 64;
      std::memcpy(tail, e.hash.data(), 32);
      std::memcpy(tail + 32, ledger_.hash.data(), 32);
    }
  };
  if (!alongside) {
    link_ledger();
  } else if (pool != nullptr && events_.size() >= kMinParallelEvents) {
    pool->Run(2, [&](std::size_t task) {
      if (task == 0) {
        link_ledger();
      } else {
        alongside();
      }
    });
  } else {
    link_ledger();
    alongside();
  }
  sealed_ = true;
}

void AppendPlanner::CompleteResults(std::vector<Result<AppendResult>>* results) const {
  for (Result<AppendResult>& r : *results) {
    if (!r.ok()) continue;
    if (const PlannedEvent* e = InPlan(r->last_position)) r->last_hash = ToHex(e->hash);
  }
}

void AppendPlanner::Rollback(std::size_t mark) {
  assert(!sealed_);
  while (undo_.size() > mark) {
    Undo& u = undo_.back();
    for (std::size_t i = u.events_size; i < events_.size(); ++i) {
      const std::size_t prev = events_[i].prev_in_stream;
      if (prev != PlannedEvent::kNone && prev < u.events_size) {
        events_[prev].next_in_stream = PlannedEvent::kNone;
      }
    }
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

std::vector<Result<PreparedRequest>> PrepareBatch(std::span<const AppendRequest> requests,
                                                  WorkerPool* pool) {
  constexpr std::size_t kMinParallelRequests = 64;
  constexpr std::size_t kRequestsPerTask = 16;
  if (pool == nullptr || pool->helpers() == 0 || requests.size() < kMinParallelRequests) {
    std::vector<Result<PreparedRequest>> prepared;
    prepared.reserve(requests.size());
    for (const AppendRequest& request : requests) prepared.push_back(PrepareRequest(request));
    return prepared;
  }
  std::vector<Result<PreparedRequest>> prepared(requests.size(), PreparedRequest{});
  const std::size_t tasks = (requests.size() + kRequestsPerTask - 1) / kRequestsPerTask;
  pool->Run(tasks, [&](std::size_t t) {
    const std::size_t end = std::min(requests.size(), (t + 1) * kRequestsPerTask);
    for (std::size_t i = t * kRequestsPerTask; i < end; ++i) {
      prepared[i] = PrepareRequest(requests[i]);
    }
  });
  return prepared;
}

Result<std::vector<Result<AppendResult>>> PlanBatch(
    AppendPlanner* planner, std::span<const Result<PreparedRequest>> prepared, BatchMode mode,
    std::optional<std::uint64_t> expected_ledger) {
  if (expected_ledger && planner->ledger().position != *expected_ledger) {
    return ConflictError(fmt::format("the log ends at position {}, not at {}: another writer "
                                     "appended since",
                                     planner->ledger().position, *expected_ledger))
        .WithSubject(kLedgerConflictSubject)
        .WithVersion(planner->ledger().position);
  }
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

#include "domain/case_state.h"

#include <fmt/format.h>

#include "util/rfc3339.h"

namespace zf::internal {
namespace {

const CaseEvolver* FindEvolver(std::string_view type) {
  for (const auto* list : {&ClueEvolvers(), &ProcedureEvolvers(), &ExecutionEvolvers()}) {
    for (const CaseEvolver& e : *list) {
      if (e.type == type) return &e;
    }
  }
  return nullptr;
}

}  // namespace

bool CaseState::IsFinal() const {
  static constexpr std::string_view kFinal[] = {
      // A transferred clue is not final: its receiver goes on in the same
      // stream (docs/domain.md, Clue, transfer_clue).
      "not_filed", "merged", "terminated", "filing_revoked", "closed", "archived",
      "transferred_out"};
  for (std::string_view s : kFinal) {
    if (state == s) return true;
  }
  return false;
}

Status EvolveCase(CaseState& state, const EventRecord& event) {
  const CaseEvolver* evolver = FindEvolver(event.type);
  if (evolver == nullptr) {
    return CorruptionError(fmt::format("no case event type '{}' (stream {} version {})",
                                       event.type, event.stream, event.version))
        .WithSubject(event.stream);
  }
  if (!event.data.is_object()) {
    return CorruptionError(fmt::format("{} v{}: data is not an object", event.stream,
                                       event.version))
        .WithSubject(event.stream);
  }
  state.version = event.version;
  TimelineEntry entry;
  entry.version = event.version;
  entry.type = event.type;
  if (auto at = ParseRfc3339(event.occurred_at); at.ok()) entry.at = at->unix_micros;
  entry.actor = event.actor.id;
  state.timeline.push_back(std::move(entry));
  Status s = evolver->evolve(state, event);
  if (!s.ok()) {
    return CorruptionError(fmt::format("{} v{} ({}): {}", event.stream, event.version,
                                       event.type, s.message()))
        .WithSubject(event.stream);
  }
  return Status::Ok();
}

}  // namespace zf::internal

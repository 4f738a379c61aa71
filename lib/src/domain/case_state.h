// The state of one enforcement matter, folded from its stream
// "case/<case_id>": a clue (docs/domain.md, Clue) that may become a case under the
// ordinary procedure or be handled on the spot (simplified procedure), then executed,
// transferred, closed and archived (docs/domain.md, "The case lifecycle").
//
// One stream carries the matter from the clue to the archive: the clue's id
// is the case's id, so `discovered_on` and every earlier step stay in the
// history the case is judged on (the limitation check, D2, J5).
//
// Each part of the lifecycle keeps its fields in its own struct and header
// (clue_state.h, procedure_state.h, execution_state.h); the evolvers that
// fill them sit beside the deciders of the same part.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clue_state.h"
#include "domain/execution_state.h"
#include "domain/procedure_state.h"
#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kCaseStreamPrefix = "case/";

// The party (当事人). category: natural_person | organisation |
// individual_business (docs/domain.md, Conventions).
struct PartyRef {
  std::string id;  // e.g. a unified social credit code or an ID number digest
  std::string name;
  std::string category;
};

// One line of the case's timeline: what happened, when (business time).
struct TimelineEntry {
  std::uint64_t version = 0;
  std::string type;
  std::int64_t at = 0;  // occurred_at, unix micros
  std::string actor;
};

struct CaseState {
  std::string id;
  std::uint64_t version = 0;  // stream version folded so far
  // The lifecycle state, a spec state id: registered, assigned, verifying,
  // not_filed, transferred, merged, filed, investigating, ... (see
  // docs/events.md).
  std::string state;
  // "" while a clue, then "ordinary" or "simplified".
  std::string procedure;

  // What the matter is about (set at registration, refined later).
  std::string item_code;
  std::string township;  // where the violation happened (J5, APL 22)
  PartyRef party;
  Date discovered_on;
  std::optional<Date> act_ended_on;  // the act, or the day a continuing act ended (D1)

  // Filing (立案): who handles it, in whose name, from when.
  std::string handling_subject;  // township or department id (执法主体)
  std::optional<Date> filed_on;
  std::int64_t filed_at = 0;
  std::uint32_t item_version = 0;  // power item version in force at filing
  bool delegated = false;          // handled by a township under a delegated item
  // online: handled end to end on the platform; offline: on paper, entered
  // afterwards (docs/domain.md, Statistics [U definition]).
  std::string channel = "online";
  std::vector<std::string> handlers;

  ClueState clue;
  ProcedureState procedure_state;
  ExecutionState execution;

  // Warnings raised along the way (e.g. J4: the item was withdrawn after
  // filing; the filer keeps the case).
  std::vector<std::string> warnings;
  std::vector<TimelineEntry> timeline;

  bool Exists() const { return version > 0; }
  // True once the matter has reached a state nothing may follow (besides
  // archiving or review).
  bool IsFinal() const;
};

// How one event type changes a case. Each part of the lifecycle lists its
// own (ClueEvolvers() in clue_decider.cc, ...).
struct CaseEvolver {
  std::string_view type;
  Status (*evolve)(CaseState& state, const EventRecord& event);
};

const std::vector<CaseEvolver>& ClueEvolvers();
const std::vector<CaseEvolver>& ProcedureEvolvers();
const std::vector<CaseEvolver>& ExecutionEvolvers();

// Folds one event of a case stream into `state` (the envelope fields first:
// version, timeline; then the type's evolver). kCorruption for an event type
// no part knows, or data without the shape its evolver needs.
Status EvolveCase(CaseState& state, const EventRecord& event);

}  // namespace zf::internal

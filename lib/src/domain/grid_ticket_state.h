// A grid ticket (网格工单, docs/domain.md, The grid), folded from its stream
// "grid_ticket/<ticket_id>": a grid worker's report from a micro-grid that
// the smart governance centre triages and dispatches to member units, which
// handle it and give feedback the centre verifies before closing it.
//
// States: reported → triaged → dispatched → handling → feedback_submitted →
// verified → closed; a dispatched unit may return it (wrong unit) → returned
// → dispatched again. Feedback the centre does not accept goes back to
// handling. [seed flow; states U]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kGridTicketStreamPrefix = "grid_ticket/";

// One member unit the ticket was dispatched to.
struct TicketDispatch {
  std::string unit;     // agency or brigade id, as dispatched
  std::string subject;  // the agency it works for (a brigade's township)
  Date dispatched_on;
  std::optional<Date> accepted_on;  // 签收: the day the unit received it
  bool returned = false;
};

struct GridTicketState {
  std::string id;
  std::uint64_t version = 0;
  std::string state;
  std::string micro_grid;
  std::string township;
  std::string category;
  std::string reported_by;  // grid worker officer id
  Date reported_on;
  std::vector<std::string> photo_digests;
  std::vector<TicketDispatch> dispatches;  // every dispatch, oldest first
  std::vector<std::string> case_ids;        // clues raised from it (feedback)
  std::string feedback_by;                  // subject that submitted feedback

  bool Exists() const { return version > 0; }
  // The live (not returned) dispatch to `subject`'s units, or nullptr.
  const TicketDispatch* DispatchTo(std::string_view subject) const;
};

// Folds one event of a grid_ticket stream. kCorruption for an unknown type
// or data without the shape its evolver needs.
Status EvolveGridTicket(GridTicketState& state, const EventRecord& event);

}  // namespace zf::internal

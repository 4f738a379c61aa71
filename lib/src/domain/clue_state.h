// The clue part of a case (spec §4.1): where it came from, where it was
// routed, its verification clock (D2), and how it left the clue stage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

struct ClueState {
  // inspection | joint_action | grid_report | complaint_or_tip |
  // agency_transfer | superior_assignment | data_monitoring
  std::string source;
  std::string micro_grid;  // grid node id, or ""
  std::string address;
  std::string description;
  std::string registered_by_unit;  // the unit that registered the clue
  std::int64_t registered_at = 0;
  std::string joint_action_id;     // when found during a joint action
  std::string grid_ticket_id;      // when raised from a grid ticket
  std::vector<std::string> attachment_digests;  // SM3 hex of the attachments
};

}  // namespace zf::internal

// "Inspect once" (综合查一次, docs/domain.md, Joint enforcement): inspection scenarios bundling items
// of several departments (stream "inspection_scenario/<scenario_id>") and
// the visits that check all of a scenario's items at once (stream
// "inspection/<inspection_id>"), one result per item with the agency
// responsible for it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kInspectionScenarioStreamPrefix = "inspection_scenario/";
inline constexpr std::string_view kInspectionStreamPrefix = "inspection/";

struct InspectionScenarioState {
  std::string id;
  std::uint64_t version = 0;
  std::string name;
  std::vector<std::string> items;        // item codes, as defined
  std::vector<std::string> departments;  // their original subjects, sorted

  bool Exists() const { return version > 0; }
  bool HasItem(std::string_view item_code) const;
};

struct InspectionItemResult {
  std::string item_code;
  std::string result;              // compliant | non_compliant | n_a
  std::string responsible_agency;  // competent subject for the item at the place (competence resolution)
  std::string note;
};

struct InspectionState {
  std::string id;
  std::uint64_t version = 0;
  std::string scenario_id;
  std::string township;
  std::string micro_grid;
  std::string party_id;
  std::string party_name;
  Date visited_on;
  std::vector<std::string> officers;
  std::string joint_action_id;
  std::vector<InspectionItemResult> results;

  bool Exists() const { return version > 0; }
};

Status EvolveInspectionScenario(InspectionScenarioState& state, const EventRecord& event);
Status EvolveInspection(InspectionState& state, const EventRecord& event);

}  // namespace zf::internal

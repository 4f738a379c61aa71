// A joint enforcement action (联合执法行动, docs/domain.md, Joint enforcement), folded from its stream
// "joint_action/<joint_action_id>": planned by the area chief of an
// enforcement area, it records findings, each routed by competence (competence resolution)
// to the subject that must handle it, and is closed. One action can yield
// many cases with different handling subjects; the findings are also what
// tells two cases apart as one act or two (I7, APL 29).
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

inline constexpr std::string_view kJointActionStreamPrefix = "joint_action/";

struct JointParticipant {
  std::string officer;
  std::string agency;
};

// One finding of the action: a suspected violation of one item by one party
// at one place, and the subject competent for it on the day it was found.
struct JointFinding {
  std::string finding_id;
  std::string item_code;
  std::string party_id;
  std::string party_name;
  std::string party_category;
  std::string township;
  std::string micro_grid;
  std::string address;
  std::string description;
  std::optional<Date> act_date;
  // Findings sharing an act_id are one act breaching several norms (APL 29:
  // one fine at most); by default each finding is its own act.
  std::string act_id;
  // The clue (case id) raised from the finding, when named.
  std::string case_id;
  std::string competent_subject;
  std::vector<std::string> recorded_by;
  std::int64_t recorded_at = 0;  // unix micros
};

struct JointActionState {
  std::string id;
  std::uint64_t version = 0;
  std::string state;  // planned | closed
  std::string title;
  std::string area;
  std::string leader;  // the area chief who leads it
  std::string scenario_id;  // inspection scenario it follows, or ""
  Date date;
  std::vector<JointParticipant> participants;
  std::vector<std::string> targets;
  std::vector<JointFinding> findings;
  std::string summary;

  bool Exists() const { return version > 0; }
  const JointFinding* Finding(std::string_view finding_id) const;
  // The finding that raised case `case_id`, or nullptr.
  const JointFinding* FindingOfCase(std::string_view case_id) const;
  bool IsParticipant(std::string_view officer) const;
};

// Folds one event of a joint_action stream; kCorruption for an unknown type
// or data without the fields the type needs.
Status EvolveJointAction(JointActionState& state, const EventRecord& event);

}  // namespace zf::internal

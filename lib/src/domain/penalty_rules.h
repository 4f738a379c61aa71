// The law on the penalty itself (spec §6, §7): the four lists evaluated for
// the case's item, the discretion benchmark's level and bands, mitigation
// grounds, "first violation" from the party's history, no double fine (I7)
// and the law in time (§7.4). The ordinary procedure asks it when the
// investigation concludes (the proposal) and again at the decision; the
// simplified procedure asks it on the spot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/case_state.h"
#include "domain/decider.h"

namespace zf::internal {

// The officer's answer to one leniency entry the engine proposed.
struct LeniencyChoice {
  std::string entry_id;
  bool accepted = false;
  std::string reason;  // required when a discretionary proposal is rejected (说理)
};

// What the agency proposes (investigation_concluded) or decides
// (decision_made), as far as the penalty goes.
struct PenaltyProposal {
  std::string outcome;  // penalty | no_penalty
  std::vector<std::string> penalty_types;  // glossary ids
  std::int64_t fine_fen = 0;
  std::int64_t confiscation_fen = 0;
  std::optional<std::int64_t> base_fen;  // multiple fines: the base amount, held as evidence
  std::string circumstance_level;        // minor | general | serious | severe
  std::string adjustment;                // lighter | general | heavier | mitigated
  std::string mitigation_ground;         // mitigated: "APL32.1", ... or a list entry id
  std::vector<LeniencyChoice> leniency;
  // Facts the list conditions are judged on (corrected_within_days,
  // harm_level, no_subjective_fault, ...), as the command states them.
  boost::json::object facts;
};

// Parses the proposal fields of a command's data (conclude, make_decision,
// on-the-spot decision). The schema has checked the shapes.
PenaltyProposal ProposalFromData(const boost::json::object& data);
boost::json::object ProposalToJson(const PenaltyProposal& proposal);

// What JudgePenalty found: either a rejection, or the versions of the rules
// the outcome rests on, to be recorded in the event.
struct PenaltyJudgement {
  std::optional<Rejection> rejection;
  std::string benchmark_id;
  std::int64_t benchmark_version = 0;
  std::vector<std::string> leniency_entries;  // "entry_id@version" applied
  boost::json::object evaluation;             // per entry: proposed/mandatory/accepted, why
};

// Judges `proposal` for case `c` with the rules in force at the command's
// time. `pointer` prefixes the JSON pointers of rejections ("/data").
PenaltyJudgement JudgePenalty(const DecisionContext& context, const CaseState& c,
                              const PenaltyProposal& proposal, std::string_view pointer = "/data");

}  // namespace zf::internal

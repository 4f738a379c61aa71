// Every operational aggregate (cases; later grid tickets, joint actions and
// inspections), folded from their streams, with the cross-case indexes the
// deciders need (a party's history for "first violation" and I7, who filed
// a matter first for J5).
//
// Values are immutable once folded and shared between copies, so copying a
// CaseBook (the engine's per-batch overlay) copies pointers, not cases.
// Not thread-safe; the engine guards it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/case_state.h"
#include "domain/grid_ticket_state.h"
#include "domain/inspection_state.h"
#include "domain/joint_action_state.h"
#include "domain/review_campaign_state.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

// The access trail's streams ("access/<case_id>": case_accessed events,
// written by the engine when a case is read with a reader; engine.h
// ReadContext). Not an aggregate: the book skips them.
inline constexpr std::string_view kAccessStreamPrefix = "access/";

class CaseBook {
 public:
  // Folds one committed (or about to be committed) event of a stream that
  // is not reference data. Events of stream families the book does not know
  // are only counted (their version is kept).
  Status Apply(const EventRecord& event);

  // The stream's version as folded so far (0 = no events).
  std::uint64_t Version(std::string_view stream) const;

  // The case with this id (the stream is "case/<id>"), or nullptr.
  const CaseState* FindCase(std::string_view case_id) const;
  // Ids of the cases whose party is `party_id`, oldest registration first.
  std::vector<std::string> CasesOfParty(std::string_view party_id) const;
  // Every case, by id.
  void ForEachCase(const std::function<void(const CaseState&)>& fn) const;
  std::size_t CaseCount() const { return cases_.size(); }
  // Ids of the cases whose clue names `case_id` as related (J5), oldest
  // registration first.
  std::vector<std::string> CasesRelatedTo(std::string_view case_id) const;
  // J5 first filer: the filed cases about the same act as `c` — the same
  // party, item and act date, or related to it either way — excluding `c`
  // itself and cases whose filing was revoked; earliest filing first.
  std::vector<const CaseState*> FiledCasesOfSameAct(const CaseState& c,
                                                    std::string_view item_code) const;

  // The grid ticket with this id (the stream is "grid_ticket/<id>"), or
  // nullptr.
  const GridTicketState* FindGridTicket(std::string_view ticket_id) const;
  // Every grid ticket, by id.
  void ForEachGridTicket(const std::function<void(const GridTicketState&)>& fn) const;

  // Joint enforcement and inspect-once (spec §8): the aggregate with this
  // id (stream "joint_action/<id>", "inspection_scenario/<id>",
  // "inspection/<id>"), or nullptr.
  const JointActionState* FindJointAction(std::string_view joint_action_id) const;
  // Every joint action, by id.
  void ForEachJointAction(const std::function<void(const JointActionState&)>& fn) const;
  const InspectionScenarioState* FindInspectionScenario(std::string_view scenario_id) const;
  const InspectionState* FindInspection(std::string_view inspection_id) const;
  // Every inspection visit, by id (the inspect-once statistics, spec §10).
  void ForEachInspection(const std::function<void(const InspectionState&)>& fn) const;

  // Case-file review campaigns (spec §4.9; stream "review/<id>"), or nullptr.
  const ReviewCampaignState* FindReviewCampaign(std::string_view campaign_id) const;
  // Every review campaign, by id.
  void ForEachReviewCampaign(const std::function<void(const ReviewCampaignState&)>& fn) const;

 private:
  Status ApplyCase(std::string_view case_id, const EventRecord& event);
  Status ApplyGridTicket(std::string_view ticket_id, const EventRecord& event);

  std::map<std::string, std::uint64_t, std::less<>> versions_;
  std::map<std::string, std::shared_ptr<const CaseState>, std::less<>> cases_;
  std::map<std::string, std::vector<std::string>, std::less<>> cases_of_party_;
  std::map<std::string, std::vector<std::string>, std::less<>> related_to_;
  std::map<std::string, std::shared_ptr<const GridTicketState>, std::less<>> grid_tickets_;
  // Joint enforcement and inspect-once (spec §8), copy on write like cases.
  std::map<std::string, std::shared_ptr<const JointActionState>, std::less<>> joint_actions_;
  std::map<std::string, std::shared_ptr<const InspectionScenarioState>, std::less<>>
      inspection_scenarios_;
  std::map<std::string, std::shared_ptr<const InspectionState>, std::less<>> inspections_;
  std::map<std::string, std::shared_ptr<const ReviewCampaignState>, std::less<>> review_campaigns_;
};

}  // namespace zf::internal

#include "domain/case_book.h"

#include <algorithm>

#include <fmt/format.h>

namespace zf::internal {
namespace {

// Folds `event` into a copy of the aggregate `id` of `book` (copy on write:
// a copy of the book made before the event keeps the old value).
template <typename State>
Status ApplyCopy(std::map<std::string, std::shared_ptr<const State>, std::less<>>& book,
                 std::string_view id, const EventRecord& event,
                 Status (*evolve)(State&, const EventRecord&)) {
  auto it = book.find(id);
  auto next = it == book.end() ? std::make_shared<State>() : std::make_shared<State>(*it->second);
  if (next->id.empty()) next->id = std::string(id);
  Status s = evolve(*next, event);
  if (!s.ok()) {
    return CorruptionError(fmt::format("{} v{} ({}): {}", event.stream, event.version, event.type,
                                       s.message()))
        .WithSubject(event.stream);
  }
  next->version = event.version;
  book.insert_or_assign(std::string(id), std::move(next));
  return Status::Ok();
}

template <typename State>
const State* FindIn(const std::map<std::string, std::shared_ptr<const State>, std::less<>>& book,
                    std::string_view id) {
  auto it = book.find(id);
  return it == book.end() ? nullptr : it->second.get();
}

}  // namespace

const JointActionState* CaseBook::FindJointAction(std::string_view joint_action_id) const {
  return FindIn(joint_actions_, joint_action_id);
}

const InspectionScenarioState* CaseBook::FindInspectionScenario(
    std::string_view scenario_id) const {
  return FindIn(inspection_scenarios_, scenario_id);
}

const InspectionState* CaseBook::FindInspection(std::string_view inspection_id) const {
  return FindIn(inspections_, inspection_id);
}

const ReviewCampaignState* CaseBook::FindReviewCampaign(std::string_view campaign_id) const {
  return FindIn(review_campaigns_, campaign_id);
}

void CaseBook::ForEachReviewCampaign(
    const std::function<void(const ReviewCampaignState&)>& fn) const {
  for (const auto& [id, campaign] : review_campaigns_) fn(*campaign);
}

std::uint64_t CaseBook::Version(std::string_view stream) const {
  auto it = versions_.find(stream);
  return it == versions_.end() ? 0 : it->second;
}

const CaseState* CaseBook::FindCase(std::string_view case_id) const {
  auto it = cases_.find(case_id);
  return it == cases_.end() ? nullptr : it->second.get();
}

std::vector<std::string> CaseBook::CasesOfParty(std::string_view party_id) const {
  auto it = cases_of_party_.find(party_id);
  return it == cases_of_party_.end() ? std::vector<std::string>{} : it->second;
}

void CaseBook::ForEachCase(const std::function<void(const CaseState&)>& fn) const {
  for (const auto& [id, state] : cases_) fn(*state);
}

void CaseBook::ForEachGridTicket(
    const std::function<void(const GridTicketState&)>& fn) const {
  for (const auto& [id, state] : grid_tickets_) fn(*state);
}

void CaseBook::ForEachJointAction(
    const std::function<void(const JointActionState&)>& fn) const {
  for (const auto& [id, state] : joint_actions_) fn(*state);
}

void CaseBook::ForEachInspection(const std::function<void(const InspectionState&)>& fn) const {
  for (const auto& [id, state] : inspections_) fn(*state);
}

Status CaseBook::Apply(const EventRecord& event) {
  // The access trail (who read which case, engine.h ReadContext) is no
  // aggregate: nothing is decided on it, so it is not folded or counted.
  if (std::string_view(event.stream).starts_with(kAccessStreamPrefix)) return Status::Ok();
  const std::uint64_t expected = Version(event.stream) + 1;
  if (event.version != expected) {
    return CorruptionError(fmt::format("stream {} event version {} follows version {}",
                                       event.stream, event.version, expected - 1))
        .WithSubject(event.stream);
  }
  // Joint enforcement and inspect-once (spec §8).
  const std::string_view stream = event.stream;
  if (stream.starts_with(kJointActionStreamPrefix)) {
    ZF_RETURN_IF_ERROR(ApplyCopy(joint_actions_, stream.substr(kJointActionStreamPrefix.size()),
                                 event, &EvolveJointAction));
  } else if (stream.starts_with(kInspectionScenarioStreamPrefix)) {
    ZF_RETURN_IF_ERROR(ApplyCopy(inspection_scenarios_,
                                 stream.substr(kInspectionScenarioStreamPrefix.size()), event,
                                 &EvolveInspectionScenario));
  } else if (stream.starts_with(kReviewCampaignStreamPrefix)) {
    ZF_RETURN_IF_ERROR(ApplyCopy(review_campaigns_,
                                 stream.substr(kReviewCampaignStreamPrefix.size()), event,
                                 &EvolveReviewCampaign));
  } else if (stream.starts_with(kInspectionStreamPrefix)) {
    ZF_RETURN_IF_ERROR(ApplyCopy(inspections_, stream.substr(kInspectionStreamPrefix.size()),
                                 event, &EvolveInspection));
  }
  if (event.stream.starts_with(kCaseStreamPrefix)) {
    ZF_RETURN_IF_ERROR(
        ApplyCase(std::string_view(event.stream).substr(kCaseStreamPrefix.size()), event));
  } else if (event.stream.starts_with(kGridTicketStreamPrefix)) {
    ZF_RETURN_IF_ERROR(ApplyGridTicket(
        std::string_view(event.stream).substr(kGridTicketStreamPrefix.size()), event));
  }
  versions_[event.stream] = event.version;
  return Status::Ok();
}

Status CaseBook::ApplyCase(std::string_view case_id, const EventRecord& event) {
  auto it = cases_.find(case_id);
  // Copy on write: a copy of the book made before this event keeps the old
  // case.
  auto next = it == cases_.end() ? std::make_shared<CaseState>()
                                 : std::make_shared<CaseState>(*it->second);
  if (next->id.empty()) next->id = std::string(case_id);
  const std::string party_before = next->party.id;
  const std::string related_before = next->clue.related_case_id;
  ZF_RETURN_IF_ERROR(EvolveCase(*next, event));
  if (next->clue.related_case_id != related_before && !next->clue.related_case_id.empty()) {
    related_to_[next->clue.related_case_id].push_back(next->id);
  }
  if (next->party.id != party_before) {
    if (!party_before.empty()) {
      auto& old_list = cases_of_party_[party_before];
      old_list.erase(std::remove(old_list.begin(), old_list.end(), next->id), old_list.end());
    }
    if (!next->party.id.empty()) cases_of_party_[next->party.id].push_back(next->id);
  }
  cases_.insert_or_assign(std::string(case_id), std::move(next));
  return Status::Ok();
}

std::vector<std::string> CaseBook::CasesRelatedTo(std::string_view case_id) const {
  auto it = related_to_.find(case_id);
  return it == related_to_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<const CaseState*> CaseBook::FiledCasesOfSameAct(const CaseState& c,
                                                            std::string_view item_code) const {
  std::vector<const CaseState*> out;
  auto consider = [&](const CaseState* other) {
    if (other == nullptr || other->id == c.id || !other->filed_on) return;
    // A filing revoked, or a case handed over or ended before a decision,
    // no longer holds the act for its subject.
    if (other->state == "filing_revoked" || other->state == "transferred_out" ||
        other->state == "terminated") {
      return;
    }
    if (std::find(out.begin(), out.end(), other) == out.end()) out.push_back(other);
  };
  // The same party, item and act date: the same act reported twice.
  if (!c.party.id.empty() && c.act_ended_on) {
    for (const std::string& id : CasesOfParty(c.party.id)) {
      const CaseState* other = FindCase(id);
      if (other != nullptr && other->item_code == item_code &&
          other->act_ended_on == c.act_ended_on) {
        consider(other);
      }
    }
  }
  // An explicit link, either way.
  if (!c.clue.related_case_id.empty()) consider(FindCase(c.clue.related_case_id));
  for (const std::string& id : CasesRelatedTo(c.id)) consider(FindCase(id));
  std::sort(out.begin(), out.end(), [](const CaseState* a, const CaseState* b) {
    return a->filed_at != b->filed_at ? a->filed_at < b->filed_at : a->id < b->id;
  });
  return out;
}

const GridTicketState* CaseBook::FindGridTicket(std::string_view ticket_id) const {
  auto it = grid_tickets_.find(ticket_id);
  return it == grid_tickets_.end() ? nullptr : it->second.get();
}

Status CaseBook::ApplyGridTicket(std::string_view ticket_id, const EventRecord& event) {
  auto it = grid_tickets_.find(ticket_id);
  auto next = it == grid_tickets_.end() ? std::make_shared<GridTicketState>()
                                        : std::make_shared<GridTicketState>(*it->second);
  if (next->id.empty()) next->id = std::string(ticket_id);
  ZF_RETURN_IF_ERROR(EvolveGridTicket(*next, event));
  grid_tickets_.insert_or_assign(std::string(ticket_id), std::move(next));
  return Status::Ok();
}

}  // namespace zf::internal

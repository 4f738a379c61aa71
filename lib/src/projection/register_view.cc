#include "projection/register_view.h"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "util/rfc3339.h"

namespace zf::internal {
namespace {

std::string DateText(const Date& d) { return d.year == 0 ? std::string() : d.ToString(); }

boost::json::array Strings(const std::vector<std::string>& list) {
  boost::json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

boost::json::object DispatchJson(const TicketDispatch& d) {
  boost::json::object o{{"unit", d.unit},
                        {"subject", d.subject},
                        {"dispatched_on", DateText(d.dispatched_on)},
                        {"returned", d.returned}};
  if (d.accepted_on) o["accepted_on"] = d.accepted_on->ToString();
  return o;
}

boost::json::object FindingJson(const JointFinding& f) {
  boost::json::object o{{"finding_id", f.finding_id},
                        {"item_code", f.item_code},
                        {"party_id", f.party_id},
                        {"party_name", f.party_name},
                        {"township", f.township},
                        {"competent_subject", f.competent_subject},
                        {"recorded_by", Strings(f.recorded_by)}};
  if (!f.act_date) {
    o["act_date"] = nullptr;
  } else {
    o["act_date"] = f.act_date->ToString();
  }
  if (!f.act_id.empty()) o["act_id"] = f.act_id;
  if (!f.case_id.empty()) o["case_id"] = f.case_id;
  if (!f.description.empty()) o["description"] = f.description;
  return o;
}

// A date "YYYY-MM-DD" is inside [from, to]; empty bounds are open.
bool InPeriod(const Date& d, std::string_view from, std::string_view to) {
  const std::string text = DateText(d);
  return (from.empty() || text >= from) && (to.empty() || text <= to);
}

}  // namespace

boost::json::object GridTicketJson(const GridTicketState& t) {
  boost::json::array dispatches;
  for (const TicketDispatch& d : t.dispatches) dispatches.push_back(DispatchJson(d));
  boost::json::object o{{"ticket_id", t.id},
                        {"version", t.version},
                        {"state", t.state},
                        {"township", t.township},
                        {"micro_grid", t.micro_grid},
                        {"category", t.category},
                        {"reported_by", t.reported_by},
                        {"reported_on", DateText(t.reported_on)},
                        {"photo_count", t.photo_digests.size()},
                        {"dispatches", std::move(dispatches)},
                        {"case_ids", Strings(t.case_ids)}};
  if (!t.feedback_by.empty()) o["feedback_by"] = t.feedback_by;
  return o;
}

bool Matches(const GridTicketState& t, const GridTicketFilter& filter) {
  if (!filter.township.empty() && t.township != filter.township) return false;
  if (!filter.state.empty() && t.state != filter.state) return false;
  if (!filter.unit.empty() &&
      std::none_of(t.dispatches.begin(), t.dispatches.end(), [&](const TicketDispatch& d) {
        return d.unit == filter.unit || d.subject == filter.unit;
      })) {
    return false;
  }
  return InPeriod(t.reported_on, filter.from, filter.to);
}

boost::json::object JointActionJson(const JointActionState& a) {
  boost::json::array participants, findings;
  for (const JointParticipant& p : a.participants) {
    participants.push_back({{"officer", p.officer}, {"agency", p.agency}});
  }
  for (const JointFinding& f : a.findings) findings.push_back(FindingJson(f));
  boost::json::object o{{"joint_action_id", a.id},
                        {"version", a.version},
                        {"state", a.state},
                        {"title", a.title},
                        {"area", a.area},
                        {"leader", a.leader},
                        {"date", DateText(a.date)},
                        {"participants", std::move(participants)},
                        {"targets", Strings(a.targets)},
                        {"findings", std::move(findings)}};
  if (!a.scenario_id.empty()) o["scenario_id"] = a.scenario_id;
  if (!a.summary.empty()) o["summary"] = a.summary;
  return o;
}

bool Matches(const JointActionState& a, const JointActionFilter& filter) {
  if (!filter.area.empty() && a.area != filter.area) return false;
  if (!filter.state.empty() && a.state != filter.state) return false;
  return InPeriod(a.date, filter.from, filter.to);
}

std::string GridTicketRowJson(const GridTicketState& ticket) {
  return boost::json::serialize(GridTicketJson(ticket));
}

std::string JointActionRowJson(const JointActionState& action) {
  return boost::json::serialize(JointActionJson(action));
}

}  // namespace zf::internal

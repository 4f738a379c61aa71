// Read models of the grid tickets (网格工单) and joint enforcement actions
// (联合执法行动) of docs/domain.md, Joint enforcement: the view of one, the filter of a list, and the
// inline projection rows the engine writes beside their events.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "domain/grid_ticket_state.h"
#include "domain/joint_action_state.h"
#include "zf/cases.h"

namespace zf::internal {

boost::json::object GridTicketJson(const GridTicketState& ticket);
bool Matches(const GridTicketState& ticket, const GridTicketFilter& filter);

boost::json::object JointActionJson(const JointActionState& action);
bool Matches(const JointActionState& action, const JointActionFilter& filter);

// Inline projection rows: "grid_ticket_view/<id>", "joint_action_view/<id>".
// Neither view depends on reference data, so a row is the view itself.
inline constexpr std::string_view kGridTicketRowPrefix = "grid_ticket_view/";
inline constexpr std::string_view kJointActionRowPrefix = "joint_action_view/";
std::string GridTicketRowJson(const GridTicketState& ticket);
std::string JointActionRowJson(const JointActionState& action);

}  // namespace zf::internal

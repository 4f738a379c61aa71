// The decider contract: a command kind knows its target stream and decides,
// as a pure function of the state before it, the command and the rules in
// force at the command's time, which events to append — or why not.
// No clock, no I/O, no randomness: time is command.at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "util/rfc3339.h"
#include "zf/command.h"
#include "zf/engine.h"
#include "zf/event.h"

namespace zf::internal {

struct DecisionContext {
  const Command& command;
  Timestamp at;                  // command.at, parsed
  const RuleBook& rules;         // reference data recorded before the command
  const CaseBook& cases;         // operational aggregates before the command
  const EngineOptions& options;  // the [C] policy choices (docs/domain.md, Conventions)

  // The reference data in force at the command's time.
  RuleBookView InForce() const { return rules.AsOf(at.unix_micros); }
  // The command's civil date in China (UTC+8).
  Date date() const { return ChinaDateOf(at.unix_micros); }
  // The case the command targets, or nullptr (not registered yet).
  const CaseState* Case() const { return cases.FindCase(command.target); }
};

// The events to append (type and data; the engine stamps occurred_at, actor
// and schema), or the rule that refuses the command.
using Decision = std::variant<std::vector<NewEvent>, Rejection>;

inline Decision Reject(std::string code, std::string message, std::string legal_basis,
                       std::string pointer = "") {
  return Rejection{std::move(code), std::move(message), std::move(legal_basis),
                   std::move(pointer)};
}

inline NewEvent Emit(std::string type, boost::json::value data) {
  NewEvent e;
  e.type = std::move(type);
  e.data = std::move(data);
  return e;
}

// The events of a decision, moved in. A braced list would copy each one
// (the elements of an initializer_list are const), payload and all: every
// decision paid one deep copy of its events' JSON that way.
template <typename... E>
std::vector<NewEvent> Events(E&&... events) {
  std::vector<NewEvent> out;
  out.reserve(sizeof...(events));
  (out.push_back(std::forward<E>(events)), ...);
  return out;
}

// Reference data that rests on a power item (a leniency entry, a benchmark)
// must name an item of the power list in force on the day it takes effect
// (docs/domain.md, The power list and delegation): nullopt if it does, else unknown_power_item or
// item_not_in_force at `pointer`.
std::optional<Rejection> CheckPowerItemInForce(const RuleBook& rules, const std::string& item_code,
                                               std::int64_t effective_from,
                                               std::string_view legal_basis,
                                               std::string_view pointer);

// One command type.
struct CommandSpec {
  std::string_view type;
  // Envelope field holding the target id ("case_id"), or "" when the
  // command acts on the singleton stream `stream`.
  std::string_view target_field;
  // The stream: `stream` itself, or `stream` + target id ("case/" + id).
  std::string_view stream;
  Decision (*decide)(const DecisionContext& context);
};

// Every command type zf knows, or nullptr.
const CommandSpec* FindCommandSpec(std::string_view type);
const std::vector<CommandSpec>& AllCommandSpecs();

std::string StreamFor(const CommandSpec& spec, const Command& command);

// Deciders, one file per aggregate.
Decision DecidePublishHolidayCalendar(const DecisionContext& context);

// The command types of each reference aggregate, defined beside their
// deciders (domain/<aggregate>_decider.cc).
const std::vector<CommandSpec>& OrgCommandSpecs();
const std::vector<CommandSpec>& PowerCommandSpecs();
const std::vector<CommandSpec>& LeniencyCommandSpecs();
const std::vector<CommandSpec>& BenchmarkCommandSpecs();
const std::vector<CommandSpec>& HearingThresholdCommandSpecs();
// The permission matrix (rules/permissions, issue 14 §3).
const std::vector<CommandSpec>& PermissionCommandSpecs();
// Case commands (stream "case/<case_id>"), one list per lifecycle part.
const std::vector<CommandSpec>& ClueCommandSpecs();
const std::vector<CommandSpec>& ProcedureCommandSpecs();
const std::vector<CommandSpec>& ExecutionCommandSpecs();
// Grid tickets (stream "grid_ticket/<ticket_id>", docs/domain.md, The grid).
const std::vector<CommandSpec>& GridTicketCommandSpecs();
// Joint actions, inspection scenarios and visits (docs/domain.md, Joint enforcement; streams
// joint_action/<id>, inspection_scenario/<id>, inspection/<id>).
const std::vector<CommandSpec>& JointEnforcementCommandSpecs();
// Case-file review campaigns (docs/domain.md, Closing, archiving and case-file review; stream review/<campaign_id>).
const std::vector<CommandSpec>& ReviewCampaignCommandSpecs();

// score_case_file in a campaign: the campaign is started and open, the case
// is in its sample, the reviewer (a registered officer) belongs to the
// reviewing unit and holds case_file_auditor or case_reviewer. nullopt when
// all hold.
std::optional<Rejection> CheckCampaignScoring(const DecisionContext& context, const CaseState& c,
                                              const std::string& campaign_id,
                                              const std::string& reviewer);

}  // namespace zf::internal

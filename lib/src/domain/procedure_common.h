// Shared pieces of the ordinary-procedure deciders (procedure_*.cc): the
// target case in a given state, the people checks (head approval, roles,
// officers with credentials, I11), the proposal as recorded, hearing
// eligibility (docs/domain.md, Ordinary procedure) and the D9 clock events.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {

inline constexpr std::string_view kOrdinaryBasis = "APL arts. 54-65 (ordinary procedure)";
inline constexpr std::string_view kOfficerBasis = "APL arts. 42, 55 (at least two credentialed officers)";
inline constexpr std::string_view kHeadBasis = "APL art. 57 (approval by the agency head)";
inline constexpr std::string_view kD9Basis = "APL art. 60 (90 days from filing); MSR [V-2nd][C] (pauses, extension)";

// The case the command targets, if it is in one of `states` and the
// actor's unit works for its handling subject; else case_not_found,
// invalid_state (naming the current state and `need`) or
// not_handling_subject.
std::variant<const CaseState*, Rejection> CaseIn(const DecisionContext& context,
                                                 std::initializer_list<std::string_view> states,
                                                 std::string_view need);

// `officer` is an officer of the handling subject with role `role`; else
// role_not_held at `pointer`.
std::optional<Rejection> CheckRole(const DecisionContext& context, const CaseState& c,
                                   const std::string& officer, std::string_view role,
                                   std::string_view pointer);
// An approval by the agency head of the handling subject; else
// approver_not_head.
std::optional<Rejection> CheckHead(const DecisionContext& context, const CaseState& c,
                                   const std::string& officer, std::string_view pointer);

// At least two officers, each with a credential valid on `day`, issued by
// the handling subject (or, when `other_agencies` — joint-action evidence —
// by any agency): too_few_officers, credential_invalid.
std::optional<Rejection> CheckOfficers(const DecisionContext& context, const CaseState& c,
                                       const std::vector<std::string>& officers, Date day,
                                       bool other_agencies, std::string_view field);

bool Contains(const std::vector<std::string>& list, std::string_view value);
bool IsInvestigator(const CaseState& c, std::string_view officer);

// I11: the reviewer, legal reviewer or hearing officer took part in the
// investigation: `code` (reviewer_is_investigator,
// hearing_officer_is_investigator).
std::optional<Rejection> CheckNotInvestigator(const CaseState& c, const std::string& officer,
                                              std::string_view code, std::string_view pointer);

// I11, APL art. 43: `officer` was ordered to withdraw from the case
// (recusal_decided, outcome recused): officer_recused at `pointer`. Checked
// for the actor of every procedure command (CaseIn), the officers of an
// investigative act (CheckOfficers), a reviewer or presiding officer
// (CheckRole) and an approving head (CheckHead, make_decision).
std::optional<Rejection> CheckNotRecused(const CaseState& c, std::string_view officer,
                                         std::string_view pointer);

// The proposal fields of a command's data (the PenaltyProposal fields at the
// top level, outcome given) as recorded in events.
boost::json::object ProposalJson(const boost::json::object& data, std::string_view outcome);
// Reads a recorded proposal (investigation_concluded, re-examination,
// notice) back.
ProposalRecord ProposalFrom(const boost::json::object& proposal);

// APL art. 63 penalty types that carry hearing rights whatever the amount.
bool HasHearingType(const std::vector<std::string>& penalty_types);
// Whether the proposal carries hearing rights for this case (docs/domain.md, Ordinary procedure):
// a fine or confiscation at or above the threshold of the department (the
// handling subject, or for a township the item's original department) and
// party category in force, or a penalty type of APL art. 63(3)-(4). `why`
// says which.
Result<bool> HearingRightsFor(const DecisionContext& context, const CaseState& c,
                              const ProposalRecord& p, std::string* why);

// I4: `p` is heavier than what the party was notified of (a larger fine or
// confiscation, or a penalty type not notified); `why` says how.
bool HeavierThan(const ProposalRecord& p, const ProposalRecord& notified, std::string* why);

// The D9 due date of the case as of the command's date.
Result<Date> DecisionDue(const DecisionContext& context, const CaseState& c);

// The days the case was (or is, up to the command's day) with the police,
// from sending a criminal transfer to its return, when the transfer was
// sent on or after EngineOptions::police_period_pauses_d9_from: D9 does not
// count them (DecisionDue adds the pause).
std::optional<ClockPause> PolicePause(const DecisionContext& context, const CaseState& c);

// The clock events of the procedure (clock_paused, clock_resumed): the
// data for pausing D9 today for `reason`, and for resuming it today.
boost::json::object ClockPausedData(const DecisionContext& context, std::string_view reason);
Result<boost::json::object> ClockResumedData(const DecisionContext& context, const CaseState& c);

// Evolvers and command specs of each procedure file.
const std::vector<CaseEvolver>& InvestigationEvolvers();
const std::vector<CommandSpec>& InvestigationCommandSpecs();
const std::vector<CaseEvolver>& ReviewEvolvers();
const std::vector<CommandSpec>& ReviewCommandSpecs();
const std::vector<CaseEvolver>& RecusalEvolvers();
const std::vector<CommandSpec>& RecusalCommandSpecs();

// Folds the investigative act of `officers` on `day` (I1, I11).
void AddActs(ProcedureState& p, const std::vector<std::string>& officers, Date day);

}  // namespace zf::internal

// In a decider with a DecisionContext `context`: binds `var` to the target
// case when CaseIn(context, states..., need) finds it in one of the states,
// else returns CaseIn's rejection from the decider.
#define ZF_TARGET(var, ...)                                       \
  auto var##_target = CaseIn(context, __VA_ARGS__);               \
  if (auto* r = std::get_if<Rejection>(&var##_target)) return *r; \
  const CaseState& var = *std::get<const CaseState*>(var##_target)

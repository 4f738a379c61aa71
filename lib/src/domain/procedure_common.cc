#include "domain/procedure_common.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/rfc3339.h"

namespace zf::internal {

std::variant<const CaseState*, Rejection> CaseIn(const DecisionContext& context,
                                                 std::initializer_list<std::string_view> states,
                                                 std::string_view need) {
  const CaseState* c = context.Case();
  if (c == nullptr) {
    return Rejection{"case_not_found",
                     fmt::format("no case {} is registered", context.command.target),
                     std::string(kOrdinaryBasis), "/case_id"};
  }
  if (std::find(states.begin(), states.end(), c->state) == states.end()) {
    return Rejection{"invalid_state",
                     fmt::format("case {} is {}; {} needs {}", c->id,
                                 c->state.empty() ? "unknown" : c->state, context.command.type,
                                 need),
                     std::string(kOrdinaryBasis), "/command"};
  }
  if (!ActsFor(context, c->handling_subject)) {
    return Rejection{"not_handling_subject",
                     fmt::format("{} does not act for {}, the handling subject of case {}",
                                 context.command.actor.unit, c->handling_subject, c->id),
                     "APL art. 17 (a penalty is imposed by the agency that holds the power)",
                     "/actor/unit"};
  }
  if (auto r = CheckNotRecused(*c, context.command.actor.id, "/actor/id")) return *r;
  return c;
}

std::optional<Rejection> CheckNotRecused(const CaseState& c, std::string_view officer,
                                         std::string_view pointer) {
  if (!Contains(c.procedure_state.recused, officer)) return std::nullopt;
  return Rejection{"officer_recused",
                   fmt::format("{} was ordered to withdraw (回避) from case {} and may not "
                               "investigate, review, preside over its hearing or decide it",
                               officer, c.id),
                   "《中华人民共和国行政处罚法》第四十三条（执法人员与案件有直接利害关系或者有其他"
                   "关系可能影响公正执法的，应当回避）",
                   std::string(pointer)};
}

std::optional<Rejection> CheckRole(const DecisionContext& context, const CaseState& c,
                                   const std::string& officer, std::string_view role,
                                   std::string_view pointer) {
  const Officer* o = context.rules.org().FindOfficer(officer);
  if (o == nullptr || o->agency != c.handling_subject || !Contains(o->roles, role)) {
    return Rejection{"role_not_held",
                     fmt::format("{} is not a {} of {}", officer, role, c.handling_subject),
                     "APL art. 57 (who acts for the agency; the permission matrix in force)", std::string(pointer)};
  }
  return CheckNotRecused(c, officer, pointer);
}

std::optional<Rejection> CheckHead(const DecisionContext& context, const CaseState& c,
                                   const std::string& officer, std::string_view pointer) {
  const Officer* o = context.rules.org().FindOfficer(officer);
  if (o == nullptr || o->agency != c.handling_subject || !Contains(o->roles, "agency_head")) {
    return Rejection{"approver_not_head",
                     fmt::format("{} is not an agency head (行政机关负责人) of {}", officer,
                                 c.handling_subject),
                     std::string(kHeadBasis), std::string(pointer)};
  }
  return CheckNotRecused(c, officer, pointer);
}

std::optional<Rejection> CheckOfficers(const DecisionContext& context, const CaseState& c,
                                       const std::vector<std::string>& officers, Date day,
                                       bool other_agencies, std::string_view field) {
  if (officers.size() < 2) {
    return Rejection{"too_few_officers",
                     fmt::format("{} officer(s) named; at least 2 are required", officers.size()),
                     std::string(kOfficerBasis), DataPointer(field)};
  }
  for (std::size_t i = 0; i < officers.size(); ++i) {
    const std::string pointer = fmt::format("{}/{}", DataPointer(field), i);
    const Credential* credential = context.rules.org().ValidCredential(officers[i], day);
    if (credential == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} holds no enforcement credential valid on {}", officers[i],
                                   day.ToString()),
                       std::string(kOfficerBasis), pointer};
    }
    if (!other_agencies && credential->agency != c.handling_subject) {
      return Rejection{"credential_invalid",
                       fmt::format("{}'s credential {} was issued by {}, not by the handling "
                                   "subject {}",
                                   officers[i], credential->number, credential->agency,
                                   c.handling_subject),
                       "APL arts. 42, 55 (credential of the handling subject) [U][C]",
                       pointer};
    }
    if (auto r = CheckNotRecused(c, officers[i], pointer)) return r;
  }
  return std::nullopt;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool IsInvestigator(const CaseState& c, std::string_view officer) {
  return Contains(c.handlers, officer) || Contains(c.procedure_state.investigators, officer);
}

std::optional<Rejection> CheckNotInvestigator(const CaseState& c, const std::string& officer,
                                              std::string_view code, std::string_view pointer) {
  if (!IsInvestigator(c, officer)) return std::nullopt;
  return Rejection{std::string(code),
                   fmt::format("{} took part in the investigation of case {} and may not review "
                               "it or preside over its hearing",
                               officer, c.id),
                   "APL arts. 43, 58, 64(4) (separation of investigation and review)",
                   std::string(pointer)};
}

boost::json::object ProposalJson(const boost::json::object& data, std::string_view outcome) {
  static constexpr std::string_view kFields[] = {
      "penalty_types", "fine_fen",        "confiscation_fen", "base_fen",
      "circumstance_level", "adjustment", "mitigation_ground", "leniency",
      "facts",         "education_record", "illegal_gains_fen", "illegal_gains_refunded_fen",
      "illegal_gains_refund_record"};
  boost::json::object o;
  o["outcome"] = outcome;
  for (std::string_view f : kFields) {
    if (const auto* v = data.if_contains(f)) o[f] = *v;
  }
  if (!o.contains("penalty_types")) o["penalty_types"] = boost::json::array();
  if (!o.contains("fine_fen")) o["fine_fen"] = 0;
  if (!o.contains("confiscation_fen")) o["confiscation_fen"] = 0;
  return o;
}

ProposalRecord ProposalFrom(const boost::json::object& proposal) {
  ProposalRecord p;
  p.outcome = Text(proposal, "outcome");
  p.penalty_types = TextList(proposal, "penalty_types");
  p.fine_fen = Int(proposal, "fine_fen");
  p.confiscation_fen = Int(proposal, "confiscation_fen");
  p.adjustment = Text(proposal, "adjustment");
  p.data = proposal;
  return p;
}

bool HasHearingType(const std::vector<std::string>& penalty_types) {
  // APL art. 63(3)-(4): 降低资质等级、吊销许可证件；责令停产停业、责令关闭、限制从业.
  static constexpr std::string_view kTypes[] = {"license_revocation", "qualification_downgrade",
                                                "production_suspension", "closure_order",
                                                "practice_restriction"};
  for (std::string_view t : kTypes) {
    if (Contains(penalty_types, t)) return true;
  }
  return false;
}

namespace {

PartyCategory BenchmarkCategoryOf(const CaseState& c) {
  if (c.party.category == "natural_person") return PartyCategory::kNaturalPerson;
  if (c.party.category == "individual_business") return PartyCategory::kIndividualBusiness;
  return PartyCategory::kLegalPerson;
}

}  // namespace

Result<bool> HearingRightsFor(const DecisionContext& context, const CaseState& c,
                              const ProposalRecord& p, std::string* why) {
  if (p.outcome != "penalty") {
    *why = "no penalty is proposed";
    return false;
  }
  if (HasHearingType(p.penalty_types)) {
    *why = fmt::format("penalty types {} include one of APL art. 63(3)-(4)",
                       fmt::join(p.penalty_types, ", "));
    return true;
  }
  // Thresholds are kept per department; a township handling a delegated
  // item applies the amounts of the item's original department.
  std::string department = c.handling_subject;
  if (context.rules.org().FindDepartment(department) == nullptr) {
    if (const PowerItemVersion* item = context.InForce().PowerItem(c.item_code)) {
      department = item->original_subject;
    }
  }
  // Individual businesses count as natural persons by default (docs/domain.md, Conventions).
  const HearingPartyCategory category = HearingCategoryFor(BenchmarkCategoryOf(c));
  auto eligible =
      context.InForce().HearingEligible(department, category, p.fine_fen, p.confiscation_fen);
  if (!eligible.ok()) return eligible.status();
  *why = fmt::format("fine {} fen, confiscation {} fen against the {} threshold of {} for {}: {}",
                     p.fine_fen, p.confiscation_fen, "relatively large (较大数额)", department,
                     HearingPartyCategoryName(category),
                     *eligible ? "at or above" : "below");
  return *eligible;
}

bool HeavierThan(const ProposalRecord& p, const ProposalRecord& notified, std::string* why) {
  if (p.fine_fen > notified.fine_fen) {
    *why = fmt::format("fine {} fen is more than the {} fen notified", p.fine_fen,
                       notified.fine_fen);
    return true;
  }
  if (p.confiscation_fen > notified.confiscation_fen) {
    *why = fmt::format("confiscation {} fen is more than the {} fen notified", p.confiscation_fen,
                       notified.confiscation_fen);
    return true;
  }
  for (const std::string& t : p.penalty_types) {
    if (!Contains(notified.penalty_types, t)) {
      *why = fmt::format("penalty type {} was not notified", t);
      return true;
    }
  }
  return false;
}

Result<Date> DecisionClock::DueOn(Date filed_on, int limit_days, Date as_of) const {
  std::vector<ClockPause> all = pauses;
  if (paused_since) all.push_back(ClockPause{*paused_since, std::max(*paused_since, as_of)});
  ZF_ASSIGN_OR_RETURN(Date due, PausableDue(filed_on, limit_days, all, extensions));
  if (extended_until && *extended_until > due) due = *extended_until;
  return due;
}

std::optional<ClockPause> PolicePause(const DecisionContext& context, const CaseState& c) {
  const CriminalTransferState& t = c.execution.criminal;
  if (!t.sent) return std::nullopt;
  const Date sent = ChinaDateOf(t.sent_at);
  const auto from = Date::Parse(context.options.police_period_pauses_d9_from);
  if (!from.ok() || sent < *from) return std::nullopt;
  // Still with the police: counted as if it ended today, as an open pause.
  return ClockPause{sent, t.returned_on.value_or(std::max(sent, context.date()))};
}

Result<Date> DecisionDue(const DecisionContext& context, const CaseState& c) {
  if (!c.filed_on) return FailedPreconditionError("the case has not been filed");
  if (auto police = PolicePause(context, c)) {
    DecisionClock clock = c.procedure_state.clock;
    clock.pauses.push_back(*police);
    return clock.DueOn(*c.filed_on, context.options.decision_limit_days, context.date());
  }
  return c.procedure_state.clock.DueOn(*c.filed_on, context.options.decision_limit_days,
                                      context.date());
}

boost::json::object ClockPausedData(const DecisionContext& context, std::string_view reason) {
  return boost::json::object{
      {"clock", "D9"}, {"paused_on", context.date().ToString()}, {"reason", reason}};
}

Result<boost::json::object> ClockResumedData(const DecisionContext& context, const CaseState& c) {
  const DecisionClock& clock = c.procedure_state.clock;
  ZF_ASSIGN_OR_RETURN(Date due, DecisionDue(context, c));
  const Date from = clock.paused_since.value_or(context.date());
  return boost::json::object{{"clock", "D9"},
                             {"paused_on", from.ToString()},
                             {"resumed_on", context.date().ToString()},
                             {"paused_days", DaysBetween(from, context.date())},
                             {"reason", clock.pause_reason},
                             {"due_on", due.ToString()}};
}

void AddActs(ProcedureState& p, const std::vector<std::string>& officers, Date day) {
  for (const std::string& o : officers) {
    if (!Contains(p.investigators, o)) p.investigators.push_back(o);
    p.acts.emplace_back(o, day);
  }
}

}  // namespace zf::internal

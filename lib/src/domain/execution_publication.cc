// Publication of decisions (行政执法公示, APL art. 48; docs/domain.md, D14 and
// D15): the agency publishes a decision with some social impact (which
// ones is EngineOptions::publication_required_for) within 7 working days,
// 20 for another enforcement decision (Doc 118), and takes the publication
// down within 3 working days of the decision being changed or revoked,
// saying why. A late step is recorded (late: true) and check_deadlines
// reports the breach; what the law forbids outright — publishing twice,
// taking down a decision that stands — is refused.
#include <algorithm>

#include <fmt/format.h>

#include "domain/execution_helpers.h"

namespace zf::internal {

constexpr std::string_view kPublicationBasis =
    "《中华人民共和国行政处罚法》第四十八条第一款（具有一定社会影响的行政处罚决定应当依法公开）；"
    "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
    "（国办发〔2018〕118号）";
constexpr std::string_view kWithdrawalBasis =
    "《中华人民共和国行政处罚法》第四十八条第二款（公开的行政处罚决定被依法变更、撤销、确认违法或者"
    "确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由）";

// Doc 118: penalty decisions within 7 working days, other enforcement
// decisions within 20; APL art. 48 ¶2 (with art. 85): take-down in 3.
constexpr int kPenaltyPublicationWorkingDays = 7;
constexpr int kOtherPublicationWorkingDays = 20;
constexpr int kWithdrawalWorkingDays = 3;

namespace {

// penalty (ordinary procedure), on_spot (simplified procedure), no_penalty,
// or the type of a transfer decision (never published); "" without one.
std::string PublicationKind(const CaseState& c) {
  if (!c.procedure_state.decision) return "";
  if (c.execution.on_spot.issued) return "on_spot";
  return c.procedure_state.decision->type;
}

}  // namespace

bool PublicationRequired(const EngineOptions& options, const CaseState& c) {
  const std::string kind = PublicationKind(c);
  const auto& kinds = options.publication_required_for;
  return !kind.empty() && std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Result<Date> PublicationDue(const WorkingDayCalendar& cal, const CaseState& c) {
  const int days = PublicationKind(c) == "no_penalty" ? kOtherPublicationWorkingDays
                                                      : kPenaltyPublicationWorkingDays;
  return AddWorkingDays(cal, c.procedure_state.decision->decided_on, days);
}

Result<Date> WithdrawalDue(const WorkingDayCalendar& cal, const PublicationState& p) {
  return AddWorkingDays(cal, *p.changed_on, kWithdrawalWorkingDays);
}

bool DecisionPublished(const CaseState& c) {
  const PublicationState& p = c.execution.publication;
  return p.published_on && c.procedure_state.decision &&
         p.decision_at == c.procedure_state.decision->decided_at;
}

void MarkPublicationChanged(CaseState& state, Date day) {
  PublicationState& p = state.execution.publication;
  if (p.Live() && !p.changed_on) p.changed_on = day;
}

namespace {

std::optional<Rejection> CheckActsForSubject(const DecisionContext& context, const CaseState& c,
                                             std::string_view basis) {
  if (ActsFor(context, c.handling_subject)) return std::nullopt;
  return Rejection{"not_handling_subject",
                   fmt::format("{} does not act for {}, the handling subject of case {}",
                               context.command.actor.unit, c.handling_subject, c.id),
                   std::string(basis), "/actor/unit"};
}

// A decision in force that is published: penalty or no-penalty (a transfer
// outcome is carried out, not published), not revoked.
std::optional<Rejection> CheckPublishable(const CaseState& c) {
  const auto& d = c.procedure_state.decision;
  if (!d || (d->type != "penalty" && d->type != "no_penalty") || c.execution.revoked) {
    return InvalidState(c, "publish_decision needs a penalty or no-penalty decision in force",
                        kPublicationBasis);
  }
  const PublicationState& p = c.execution.publication;
  if (!p.Live()) return std::nullopt;
  return Rejection{"publication_exists",
                   DecisionPublished(c)
                       ? fmt::format("decision {} of case {} is published since {}",
                                     p.document_number, c.id, p.published_on->ToString())
                       : fmt::format("the publication of decision {} of case {} is still up; "
                                     "withdraw it first (withdraw_publication)",
                                     p.document_number, c.id),
                   std::string(kPublicationBasis), "/command"};
}

Decision DecidePublishDecision(const DecisionContext& context) {
  auto target = TargetCase(context, kPublicationBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = CheckPublishable(c)) return *r;
  if (auto r = CheckActsForSubject(context, c, kPublicationBasis)) return *r;
  const DecisionRecord& d = *c.procedure_state.decision;
  boost::json::object event = Data(context);
  event["published_on"] = context.date().ToString();
  event["document_number"] = d.document_number;
  event["decision_kind"] = PublicationKind(c);
  event["decided_on"] = d.decided_on.ToString();
  const bool required = PublicationRequired(context.options, c);
  event["required"] = required;
  if (required) {
    auto due = PublicationDue(context.InForce().Calendar(), c);
    if (!due.ok()) return CalendarUnavailable(due.status(), "D14 (publish the decision)");
    event["due_on"] = due->ToString();
    event["late"] = Breached(*due, context.date());
  }
  return Events(Emit("decision_published", std::move(event)));
}

Status EvolveDecisionPublished(CaseState& state, const EventRecord& event) {
  if (!state.procedure_state.decision) {
    return CorruptionError("decision_published without a decision");
  }
  PublicationState p;
  ZF_ASSIGN_OR_RETURN(p.published_on, EventDate(event, "published_on"));
  ZF_ASSIGN_OR_RETURN(p.document_number, EventText(event, "document_number"));
  p.decision_at = state.procedure_state.decision->decided_at;
  state.execution.publication = std::move(p);
  return Status::Ok();
}

Decision DecideWithdrawPublication(const DecisionContext& context) {
  auto target = TargetCase(context, kWithdrawalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const PublicationState& p = c.execution.publication;
  if (!p.Live()) {
    return InvalidState(c, "withdraw_publication needs a publication still up",
                        kWithdrawalBasis);
  }
  if (auto r = CheckActsForSubject(context, c, kWithdrawalBasis)) return *r;
  if (!p.changed_on) {
    // The publication informs the public of a decision in force: it comes
    // down only when the decision is changed or revoked.
    return Reject("publication_not_changed",
                  fmt::format("decision {} of case {} was neither changed nor revoked; its "
                              "publication stays up",
                              p.document_number, c.id),
                  std::string(kWithdrawalBasis), "/command");
  }
  auto due = WithdrawalDue(context.InForce().Calendar(), p);
  if (!due.ok()) return CalendarUnavailable(due.status(), "D15 (take the publication down)");
  boost::json::object event = Data(context);
  event["withdrawn_on"] = context.date().ToString();
  event["document_number"] = p.document_number;
  event["changed_on"] = p.changed_on->ToString();
  event["due_on"] = due->ToString();
  event["late"] = Breached(*due, context.date());
  return Events(Emit("decision_publication_withdrawn", std::move(event)));
}

Status EvolvePublicationWithdrawn(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.execution.publication.withdrawn_on, EventDate(event, "withdrawn_on"));
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& PublicationCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_decision", "case_id", kCaseStreamPrefix, &DecidePublishDecision},
      {"withdraw_publication", "case_id", kCaseStreamPrefix, &DecideWithdrawPublication},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& PublicationEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"decision_published", &EvolveDecisionPublished},
      {"decision_publication_withdrawn", &EvolvePublicationWithdrawn},
  };
  return kEvolvers;
}

}  // namespace zf::internal

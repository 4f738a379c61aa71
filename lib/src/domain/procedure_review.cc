// From the investigation report to the decision's readiness (docs/domain.md, Ordinary procedure
// O9–O19): case review and legal review, the pre-decision notice with the
// statement (D6) and hearing-request (D7) periods, the hearing (D8), the
// re-examination and the collective discussion.
#include <fmt/format.h>

#include "domain/penalty_rules.h"
#include "domain/procedure_common.h"

namespace zf::internal {
namespace {

constexpr std::string_view kNoticeBasis = "APL art. 44 (告知拟处罚的内容、事实、理由、依据和权利)";
constexpr std::string_view kServiceBasis =
    "APL art. 61 ¶2 (electronic service needs the party's consent)";
constexpr std::string_view kHearingBasis = "APL arts. 63-64 (hearing)";
constexpr std::size_t kMaxHearingAgents = 2;  // APL art. 64(5): 一至二人

bool NeedsNotice(const DecisionContext& context, const ProposalRecord& p) {
  return p.outcome == "penalty" ||
         (p.outcome == "no_penalty" && context.options.notice_required_for_no_penalty);
}

// Where a passed review takes a concluded case: to the notice, unless the
// party was already notified of a proposal at least as heavy with the same
// hearing rights (the case was returned after the notice), or none is due.
std::string AfterPass(const DecisionContext& context, const CaseState& c) {
  if (c.state != "concluded") return c.state;
  const ProcedureState& p = c.procedure_state;
  if (!p.proposal || !NeedsNotice(context, *p.proposal)) return "ready_to_decide";
  if (!p.notice) return "pre_notice";
  std::string why;
  if (HeavierThan(*p.proposal, p.notice->notified, &why)) return "pre_notice";
  auto rights = HearingRightsFor(context, c, *p.proposal, &why);
  if (!rights.ok() || (*rights && !p.notice->hearing_rights)) return "pre_notice";
  return "ready_to_decide";
}

// APL art. 58 ¶2 took effect with the 2021 law: whoever did legal review
// before then is not a first-time reviewer.
constexpr std::string_view kApl2021EffectiveOn = "2021-07-15";
constexpr std::string_view kLegalReviewerBasis =
    "《中华人民共和国行政处罚法》第五十八条第二款（行政机关中初次从事行政处罚决定法制审核的人员，"
    "应当通过国家统一法律职业资格考试取得法律职业资格）";

// APL art. 58 ¶2: a first-time legal reviewer holds the legal professional
// qualification (the org data's typed fact of the officer). Not recorded:
// accepted unless EngineOptions::legal_reviewer_qualification_required.
std::optional<Rejection> CheckLegalReviewerQualified(const DecisionContext& context,
                                                     const std::string& reviewer) {
  const Officer* o = context.rules.org().FindOfficer(reviewer);
  if (o == nullptr || o->legal_qualification == "passed") return std::nullopt;
  if (!o->legal_review_since.empty() && o->legal_review_since < kApl2021EffectiveOn) {
    return std::nullopt;
  }
  if (o->legal_qualification.empty() && !context.options.legal_reviewer_qualification_required) {
    return std::nullopt;
  }
  return Rejection{
      "legal_reviewer_unqualified",
      o->legal_qualification.empty()
          ? fmt::format("{} has no recorded legal professional qualification (法律职业资格) and "
                        "did no legal review before {}; a first-time legal reviewer must have "
                        "passed the national unified legal professional qualification exam",
                        reviewer, kApl2021EffectiveOn)
          : fmt::format("{} has not passed the national unified legal professional "
                        "qualification exam and first did legal review {}; a first-time legal "
                        "reviewer must hold the qualification",
                        reviewer,
                        o->legal_review_since.empty() ? std::string("now")
                                                      : "on " + o->legal_review_since),
      std::string(kLegalReviewerBasis), "/actor/id"};
}

// A review (O9, O10) by an officer of `role` who investigated nothing (I11).
// Every outcome but a pass sends the case back to the investigators.
Decision Review(const DecisionContext& context, const CaseState& c, std::string_view role,
                std::string_view event_type) {
  const std::string& reviewer = context.command.actor.id;
  if (auto r = CheckRole(context, c, reviewer, role, "/actor/id")) return *r;
  if (auto r = CheckNotInvestigator(c, reviewer, "reviewer_is_investigator", "/actor/id")) {
    return *r;
  }
  if (role == "legal_reviewer") {
    if (auto r = CheckLegalReviewerQualified(context, reviewer)) return *r;
  }
  boost::json::object event = Data(context);
  event["reviewer"] = reviewer;
  event["reviewed_on"] = context.date().ToString();
  event["next_state"] = Text(Data(context), "result") == "pass" ? AfterPass(context, c)
                                                                 : std::string("investigating");
  return Events(Emit(std::string(event_type), std::move(event)));
}

// --- O9 ---------------------------------------------------------------------

Decision DecideCaseReview(const DecisionContext& context) {
  ZF_TARGET(c, {"concluded"}, "a concluded case (O9)");
  return Review(context, c, "case_reviewer", "case_review_completed");
}

Status EvolveCaseReview(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string result, EventText(event, "result"));
  ZF_ASSIGN_OR_RETURN(std::string reviewer, EventText(event, "reviewer"));
  ZF_ASSIGN_OR_RETURN(state.state, EventText(event, "next_state"));
  ProcedureState& p = state.procedure_state;
  p.case_review_passed = result == "pass";
  p.case_reviewed_on = ChinaDateOf(state.timeline.back().at);
  if (!Contains(p.reviewers, reviewer)) p.reviewers.push_back(reviewer);
  return Status::Ok();
}

// --- O10 --------------------------------------------------------------------

Decision DecideLegalReview(const DecisionContext& context) {
  ZF_TARGET(c, {"concluded", "pre_notice", "hearing_held", "ready_to_decide"},
            "a concluded case, before the notice or the decision (O10)");
  return Review(context, c, "legal_reviewer", "legal_review_completed");
}

Status EvolveLegalReview(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string result, EventText(event, "result"));
  ZF_ASSIGN_OR_RETURN(std::string reviewer, EventText(event, "reviewer"));
  ZF_ASSIGN_OR_RETURN(state.state, EventText(event, "next_state"));
  ProcedureState& p = state.procedure_state;
  if (result == "pass") p.legal_review_pass_version = event.version;
  if (!Contains(p.reviewers, reviewer)) p.reviewers.push_back(reviewer);
  return Status::Ok();
}

// --- O11 --------------------------------------------------------------------

Decision DecideServeNotice(const DecisionContext& context) {
  ZF_TARGET(c, {"pre_notice", "notice_served", "ready_to_decide"},
            "a case before the notice, or one whose proposal needs a new notice (O11)");
  const ProcedureState& p = c.procedure_state;
  if (c.state != "pre_notice" && !p.renotice_required) {
    return Reject("invalid_state",
                  fmt::format("case {} is {} and its proposal was notified already; a new notice "
                              "is served only when the proposal becomes heavier (I4)",
                              c.id, c.state),
                  std::string(kNoticeBasis), "/command");
  }
  const boost::json::object& data = Data(context);
  // The confirmation may come with the notice or be on the case already
  // (record_service_address_confirmation).
  if (Text(data, "method") == "electronic" && !data.contains("address_confirmation") &&
      !c.execution.address_confirmation) {
    return Reject("electronic_service_not_consented",
                  "electronic service needs the party's signed service-address confirmation "
                  "(送达地址确认书)",
                  std::string(kServiceBasis), DataPointer("address_confirmation"));
  }
  std::string why;
  auto rights = HearingRightsFor(context, c, *p.proposal, &why);
  if (!rights.ok()) {
    return Reject("hearing_threshold_missing", std::string(rights.status().message()),
                  "APL art. 63", "/command");
  }
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  auto d6 = AddWorkingDays(cal, context.date(), context.options.statement_period_working_days);
  auto d7 = AddWorkingDays(cal, context.date(), 5);
  if (!d6.ok() || !d7.ok()) {
    return Reject("calendar_missing",
                  std::string((d6.ok() ? d7.status() : d6.status()).message()),
                  "APL art. 85 (working days)");
  }
  boost::json::object event = data;
  event["served_on"] = context.date().ToString();
  event["notified"] = p.proposal->data;
  event["hearing_rights"] = *rights;
  event["hearing_rights_basis"] = why;
  event["statement_due_on"] = d6->ToString();
  event["hearing_request_due_on"] = d7->ToString();
  return Events(Emit("pre_decision_notice_served", std::move(event)));
}

Status EvolveNoticeServed(CaseState& state, const EventRecord& event) {
  NoticeRecord n;
  ZF_ASSIGN_OR_RETURN(n.served_on, EventDate(event, "served_on"));
  ZF_ASSIGN_OR_RETURN(n.method, EventText(event, "method"));
  ZF_ASSIGN_OR_RETURN(n.statement_due_on, EventDate(event, "statement_due_on"));
  ZF_ASSIGN_OR_RETURN(n.hearing_request_due_on, EventDate(event, "hearing_request_due_on"));
  const boost::json::value* notified = event.data.as_object().if_contains("notified");
  if (notified == nullptr || !notified->is_object()) {
    return CorruptionError("pre_decision_notice_served lacks data.notified").WithSubject("notified");
  }
  n.notified = ProposalFrom(notified->as_object());
  n.hearing_rights = Flag(event.data.as_object(), "hearing_rights");
  n.version = event.version;
  ProcedureState& p = state.procedure_state;
  p.notice = std::move(n);
  p.hearing.reset();
  p.rights_waived = false;
  p.renotice_required = false;
  p.re_examined = false;
  state.state = "notice_served";
  return Status::Ok();
}

// --- O12 --------------------------------------------------------------------

Decision DecideReceiveStatement(const DecisionContext& context) {
  ZF_TARGET(c,
            {"notice_served", "hearing_requested", "hearing_scheduled", "hearing_held",
             "ready_to_decide"},
            "a notified case not yet decided (O12)");
  boost::json::object event = Data(context);
  event["received_on"] = context.date().ToString();
  event["within_period"] = context.date() <= c.procedure_state.notice->statement_due_on;
  return Events(Emit("statement_received", std::move(event)));
}

Status EvolveStatement(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "received_on"));
  (void)on;
  if (Flag(event.data.as_object(), "waives_rights")) state.procedure_state.rights_waived = true;
  return Status::Ok();
}

// --- O13, O14 ---------------------------------------------------------------

Decision DecideRequestHearing(const DecisionContext& context) {
  ZF_TARGET(c, {"notice_served"}, "a notified case (O13)");
  const NoticeRecord& notice = *c.procedure_state.notice;
  if (!notice.hearing_rights) {
    return Reject("hearing_not_available",
                  "the notified proposal does not carry hearing rights (APL art. 63)",
                  std::string(kHearingBasis), "/command");
  }
  if (Breached(notice.hearing_request_due_on, context.date())) {
    return Reject("hearing_request_late",
                  fmt::format("the hearing request was due by {} (5 working days after the notice "
                              "of {}); it came on {}",
                              notice.hearing_request_due_on.ToString(),
                              notice.served_on.ToString(), context.date().ToString()),
                  "APL arts. 64(1), 85", "/at");
  }
  boost::json::object event = Data(context);
  event["requested_on"] = context.date().ToString();
  event["hearing_request_due_on"] = notice.hearing_request_due_on.ToString();
  return Events(Emit("hearing_requested", std::move(event)));
}

Status EvolveHearingRequested(CaseState& state, const EventRecord& event) {
  HearingRecord h;
  h.status = "requested";
  ZF_ASSIGN_OR_RETURN(h.requested_on, EventDate(event, "requested_on"));
  state.procedure_state.hearing = std::move(h);
  state.state = "hearing_requested";
  return Status::Ok();
}

Decision DecideWithdrawHearing(const DecisionContext& context) {
  ZF_TARGET(c, {"hearing_requested", "hearing_scheduled"}, "a requested hearing (O14)");
  (void)c;
  boost::json::object event = Data(context);
  event["withdrawn_on"] = context.date().ToString();
  return Events(Emit("hearing_request_withdrawn", std::move(event)));
}

Status EvolveHearingWithdrawn(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "withdrawn_on"));
  (void)on;
  if (state.procedure_state.hearing) state.procedure_state.hearing->status = "withdrawn";
  state.state = "notice_served";
  return Status::Ok();
}

// --- O15–O17 ----------------------------------------------------------------

Decision DecideServeHearingNotice(const DecisionContext& context) {
  ZF_TARGET(c, {"hearing_requested"}, "a requested hearing (O15)");
  const boost::json::object& data = Data(context);
  const std::string presiding = Text(data, "presiding_officer");
  if (auto r = CheckRole(context, c, presiding, "hearing_officer", DataPointer("presiding_officer"))) {
    return *r;
  }
  if (auto r = CheckNotInvestigator(c, presiding, "hearing_officer_is_investigator",
                                    DataPointer("presiding_officer"))) {
    return *r;
  }
  const Date hearing_on = *OptionalDate(data, "hearing_on");
  const int need = context.options.hearing_notice_min_working_days;
  int between = 0;
  if (hearing_on > context.date()) {
    auto n = WorkingDaysStrictlyBetween(context.InForce().Calendar(), context.date(), hearing_on);
    if (!n.ok()) {
      return Reject("calendar_missing", std::string(n.status().message()),
                    "APL art. 85 (working days)", DataPointer("hearing_on"));
    }
    between = *n;
  }
  if (between < need) {
    return Reject("hearing_notice_too_short",
                  fmt::format("{} working day(s) lie between the notice on {} and the hearing on "
                              "{}; at least {} are required",
                              between, context.date().ToString(), hearing_on.ToString(), need),
                  "APL arts. 64(2), 85 (D8)", DataPointer("hearing_on"));
  }
  boost::json::object event = data;
  event["served_on"] = context.date().ToString();
  event["working_days_between"] = between;
  return Events(Emit("hearing_notice_served", std::move(event)));
}

Status EvolveHearingNotice(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date hearing_on, EventDate(event, "hearing_on"));
  ZF_ASSIGN_OR_RETURN(std::string presiding, EventText(event, "presiding_officer"));
  ProcedureState& p = state.procedure_state;
  if (!p.hearing) p.hearing.emplace();
  p.hearing->status = "scheduled";
  p.hearing->hearing_on = hearing_on;
  p.hearing->presiding_officer = presiding;
  if (!Contains(p.reviewers, presiding)) p.reviewers.push_back(presiding);
  state.state = "hearing_scheduled";
  return Status::Ok();
}

std::optional<Rejection> CheckHearingDay(const DecisionContext& context, const CaseState& c) {
  const Date hearing_on = *c.procedure_state.hearing->hearing_on;
  if (context.date() >= hearing_on) return std::nullopt;
  return Rejection{"hearing_not_due",
                   fmt::format("the hearing is set for {}; it is {}", hearing_on.ToString(),
                               context.date().ToString()),
                   std::string(kHearingBasis), "/at"};
}

Decision DecideHoldHearing(const DecisionContext& context) {
  ZF_TARGET(c, {"hearing_scheduled"}, "a scheduled hearing (O16)");
  if (auto r = CheckHearingDay(context, c)) return *r;
  const boost::json::object& data = Data(context);
  if (!Flag(data, "transcript_signed") && Text(data, "refusal_note").empty()) {
    return Reject("transcript_unsigned",
                  "the hearing transcript must be signed by the participants, or the refusal "
                  "noted",
                  "APL art. 64(8)", DataPointer("transcript_signed"));
  }
  // APL art. 64(5): the party attends in person or through one or two agents.
  if (const auto* agents = data.if_contains("agents");
      agents != nullptr && agents->is_array() && agents->as_array().size() > kMaxHearingAgents) {
    return Reject("too_many_hearing_agents",
                  fmt::format("{} agents are named for the party; it may appoint one or two",
                              agents->as_array().size()),
                  "《中华人民共和国行政处罚法》第六十四条第（五）项（当事人可以亲自参加听证，也可以"
                  "委托一至二人代理）",
                  DataPointer("agents"));
  }
  boost::json::object event = data;
  event["held_on"] = context.date().ToString();
  event["presiding_officer"] = c.procedure_state.hearing->presiding_officer;
  return Events(Emit("hearing_held", std::move(event)));
}

// A hearing ends held or, the party absent, deemed waived (O16, O17): both
// lead to hearing_held; `date_field` must hold the day it ended.
Status EndHearing(CaseState& state, const EventRecord& event, std::string_view date_field,
                  std::string_view status) {
  ZF_RETURN_IF_ERROR(EventDate(event, date_field).status());
  ProcedureState& p = state.procedure_state;
  if (!p.hearing) p.hearing.emplace();
  p.hearing->status = std::string(status);
  p.hearing->held_version = event.version;
  state.state = "hearing_held";
  return Status::Ok();
}

Status EvolveHearingHeld(CaseState& state, const EventRecord& event) {
  return EndHearing(state, event, "held_on", "held");
}

Decision DecideHearingAbsence(const DecisionContext& context) {
  ZF_TARGET(c, {"hearing_scheduled"}, "a scheduled hearing (O17)");
  if (auto r = CheckHearingDay(context, c)) return *r;
  boost::json::object event = Data(context);
  event["recorded_on"] = context.date().ToString();
  event["deemed_waiver"] = true;  // APL art. 64(6)
  return Events(Emit("hearing_terminated", std::move(event)));
}

Status EvolveHearingTerminated(CaseState& state, const EventRecord& event) {
  return EndHearing(state, event, "recorded_on", "absent");
}

// --- O18 --------------------------------------------------------------------

Decision DecideReExamine(const DecisionContext& context) {
  ZF_TARGET(c, {"notice_served", "hearing_held", "ready_to_decide"},
            "a notified case whose rights periods have run, or a held hearing (O18)");
  const ProcedureState& p = c.procedure_state;
  const NoticeRecord& notice = *p.notice;
  if (c.state == "notice_served" && !p.rights_waived &&
      (!Breached(notice.statement_due_on, context.date()) ||
       !Breached(notice.hearing_request_due_on, context.date()))) {
    return Reject("rights_period_running",
                  fmt::format("the party may state its case until {} and request a hearing "
                              "until {}, unless it waives in writing",
                              notice.statement_due_on.ToString(),
                              notice.hearing_request_due_on.ToString()),
                  "APL art. 62", "/at");
  }
  const boost::json::object& data = Data(context);
  boost::json::object event;
  event["re_examined_on"] = context.date().ToString();
  event["considered"] = Text(data, "considered");
  const bool changed = Flag(data, "proposal_changed");
  event["proposal_changed"] = changed;
  bool renotice = false;
  if (changed) {
    std::string outcome = Text(data, "outcome");
    if (outcome.empty()) outcome = p.proposal->outcome;
    boost::json::object proposal = ProposalJson(data, outcome);
    if (outcome == "penalty" || outcome == "no_penalty") {
      PenaltyJudgement judgement = JudgePenalty(context, c, ProposalFromData(proposal));
      if (judgement.rejection) return *judgement.rejection;
    }
    const ProposalRecord next = ProposalFrom(proposal);
    std::string why;
    const bool heavier = HeavierThan(next, notice.notified, &why);
    std::string rights_why;
    auto rights = HearingRightsFor(context, c, next, &rights_why);
    if (!rights.ok()) {
      return Reject("hearing_threshold_missing", std::string(rights.status().message()),
                    "APL art. 63", "/command");
    }
    const bool newly_eligible = *rights && !notice.hearing_rights;
    renotice = heavier || newly_eligible;
    event["proposal"] = std::move(proposal);
    event["heavier_than_notified"] = heavier;
    event["becomes_hearing_eligible"] = newly_eligible;
    if (renotice) event["renotice_basis"] = heavier ? why : rights_why;
    if (auto reason = Text(data, "change_reason"); !reason.empty()) {
      event["change_reason"] = reason;
    }
  }
  event["renotice_required"] = renotice;
  return Events(Emit("re_examination_completed", std::move(event)));
}

Status EvolveReExamined(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "re_examined_on"));
  (void)on;
  ProcedureState& p = state.procedure_state;
  const boost::json::object& data = event.data.as_object();
  if (Flag(data, "proposal_changed")) {
    const boost::json::value* proposal = data.if_contains("proposal");
    if (proposal == nullptr || !proposal->is_object()) {
      return CorruptionError("re_examination_completed lacks data.proposal")
          .WithSubject("proposal");
    }
    p.proposal = ProposalFrom(proposal->as_object());
    p.proposal_changed_version = event.version;
  }
  p.renotice_required = p.renotice_required || Flag(data, "renotice_required");
  p.re_examined = true;
  state.state = "ready_to_decide";
  return Status::Ok();
}

// --- O19 --------------------------------------------------------------------

Decision DecideCollectiveDiscussion(const DecisionContext& context) {
  ZF_TARGET(c, {"concluded", "ready_to_decide"}, "a case ready for its decision (O19)");
  const boost::json::object& data = Data(context);
  if (auto r = CheckHead(context, c, Text(data, "chaired_by"), DataPointer("chaired_by"))) {
    return *r;
  }
  boost::json::object event = data;
  event["held_on"] = context.date().ToString();
  return Events(Emit("collective_discussion_held", std::move(event)));
}

Status EvolveCollectiveDiscussion(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "held_on"));
  (void)on;
  state.procedure_state.collective_discussion_version = event.version;
  return Status::Ok();
}


}  // namespace

const std::vector<CommandSpec>& ReviewCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"submit_case_review", "case_id", kCaseStreamPrefix, &DecideCaseReview},
      {"legal_review", "case_id", kCaseStreamPrefix, &DecideLegalReview},
      {"serve_pre_decision_notice", "case_id", kCaseStreamPrefix, &DecideServeNotice},
      {"receive_statement", "case_id", kCaseStreamPrefix, &DecideReceiveStatement},
      {"request_hearing", "case_id", kCaseStreamPrefix, &DecideRequestHearing},
      {"withdraw_hearing_request", "case_id", kCaseStreamPrefix, &DecideWithdrawHearing},
      {"serve_hearing_notice", "case_id", kCaseStreamPrefix, &DecideServeHearingNotice},
      {"hold_hearing", "case_id", kCaseStreamPrefix, &DecideHoldHearing},
      {"record_hearing_absence", "case_id", kCaseStreamPrefix, &DecideHearingAbsence},
      {"re_examine", "case_id", kCaseStreamPrefix, &DecideReExamine},
      {"hold_collective_discussion", "case_id", kCaseStreamPrefix, &DecideCollectiveDiscussion},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& ReviewEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"case_review_completed", &EvolveCaseReview},
      {"legal_review_completed", &EvolveLegalReview},
      {"pre_decision_notice_served", &EvolveNoticeServed},
      {"statement_received", &EvolveStatement},
      {"hearing_requested", &EvolveHearingRequested},
      {"hearing_request_withdrawn", &EvolveHearingWithdrawn},
      {"hearing_notice_served", &EvolveHearingNotice},
      {"hearing_held", &EvolveHearingHeld},
      {"hearing_terminated", &EvolveHearingTerminated},
      {"re_examination_completed", &EvolveReExamined},
      {"collective_discussion_held", &EvolveCollectiveDiscussion},
  };
  return kEvolvers;
}

}  // namespace zf::internal

// The investigation (docs/domain.md, "Ordinary procedure"; O1–O8 of docs/events.md §2) and the decision clock D9
// (APL art. 60; §5): starting the investigation, evidence and its
// preservation, suspension, the excluded periods and extensions of D9,
// termination, revocation of the filing, and the investigation report with
// its proposal.
#include <fmt/format.h>

#include "domain/penalty_rules.h"
#include "domain/procedure_common.h"

namespace zf::internal {
namespace {

constexpr std::string_view kEvidenceBasis =
    "APL arts. 42, 46, 55 (evidence: categories, two officers, credentials shown)";
constexpr std::string_view kPreservationBasis =
    "APL art. 56 (先行登记保存: head approval, decision within 7 working days)";

// The states in which the decision clock runs (or is paused) and the case
// is not decided yet.
#define ZF_OPEN_STATES                                                                     \
  "investigating", "concluded", "pre_notice", "notice_served", "hearing_requested",        \
      "hearing_scheduled", "hearing_held", "ready_to_decide"

// Sets PenaltyProposal::at_decision = false where the penalty rules know
// the field (the conclusion is judged without the decision's records).
template <typename P>
auto MarkProposalAtConclusion(P& p, int) -> decltype(p.at_decision = false, void()) {
  p.at_decision = false;
}
template <typename P>
void MarkProposalAtConclusion(P&, long) {}

// --- O1 ---------------------------------------------------------------------

Decision DecideStartInvestigation(const DecisionContext& context) {
  ZF_TARGET(c, {"filed"}, "a filed case (O1)");
  auto due = DecisionDue(context, c);
  if (!due.ok()) {
    return Reject("calendar_missing", std::string(due.status().message()), std::string(kD9Basis));
  }
  boost::json::object event = Data(context);
  event["started_on"] = context.date().ToString();
  event["clock_started_on"] = c.filed_on->ToString();
  event["limit_days"] = context.options.decision_limit_days;
  event["decision_due_on"] = due->ToString();
  return Events(Emit("investigation_started", std::move(event)));
}

Status EvolveInvestigationStarted(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date started, EventDate(event, "started_on"));
  (void)started;
  state.state = "investigating";
  AddActs(state.procedure_state, state.handlers, state.filed_on.value_or(started));
  return Status::Ok();
}

// --- O2 ---------------------------------------------------------------------

Decision DecideRecordEvidence(const DecisionContext& context) {
  ZF_TARGET(c, {"investigating"}, "an investigating case (O2)");
  const boost::json::object& data = Data(context);
  const std::string id = Text(data, "evidence_id");
  for (const EvidenceRecord& e : c.procedure_state.evidence) {
    if (e.evidence_id == id) {
      return Reject("evidence_exists", fmt::format("evidence {} is already recorded", id),
                    std::string(kEvidenceBasis), DataPointer("evidence_id"));
    }
  }
  const Date collected = OptionalDate(data, "collected_on").value_or(context.date());
  if (collected > context.date()) {
    return Reject("date_in_future",
                  fmt::format("collected_on {} is after the command's date {}",
                              collected.ToString(), context.date().ToString()),
                  std::string(kEvidenceBasis), DataPointer("collected_on"));
  }
  const std::string joint_action = Text(data, "joint_action_id");
  // Joint-action evidence may come from officers of the other agencies
  // taking part, recorded with its provenance (docs/domain.md, Joint enforcement [U][C]).
  // TODO(procedure): check that each agency took part in the joint action
  // once joint actions are folded into the CaseBook.
  const bool other_agencies =
      !joint_action.empty() && context.options.cross_subject_evidence_allowed;
  const std::vector<std::string> officers = TextList(data, "officers");
  if (auto r = CheckOfficers(context, c, officers, collected, other_agencies, "officers")) {
    return *r;
  }
  if (!Flag(data, "party_signed") &&
      (Text(data, "refusal_note").empty() || Text(data, "witness").empty())) {
    return Reject("party_signature_missing",
                  "the party must sign the record, or the refusal must be noted with a witness",
                  "APL art. 55; 市场监督管理行政处罚程序规定 (签名或注明拒签并由见证人签名)",
                  DataPointer("party_signed"));
  }
  boost::json::object event = data;
  event["collected_on"] = collected.ToString();
  boost::json::array credentials;
  boost::json::array provenance;
  for (const std::string& o : officers) {
    const Credential* cred = context.rules.org().ValidCredential(o, collected);
    credentials.push_back(boost::json::object{
        {"officer", o}, {"credential_number", cred->number}, {"agency", cred->agency}});
    if (cred->agency != c.handling_subject) {
      bool seen = false;
      for (const auto& p : provenance) seen = seen || p.as_string() == cred->agency;
      if (!seen) provenance.emplace_back(cred->agency);
    }
  }
  event["officer_credentials"] = std::move(credentials);
  if (!provenance.empty()) event["collected_by_agencies"] = std::move(provenance);
  return Events(Emit("evidence_recorded", std::move(event)));
}

Status EvolveEvidenceRecorded(CaseState& state, const EventRecord& event) {
  EvidenceRecord e;
  ZF_ASSIGN_OR_RETURN(e.evidence_id, EventText(event, "evidence_id"));
  ZF_ASSIGN_OR_RETURN(e.category, EventText(event, "category"));
  ZF_ASSIGN_OR_RETURN(e.collected_on, EventDate(event, "collected_on"));
  e.officers = TextList(event.data.as_object(), "officers");
  e.joint_action_id = Text(event.data.as_object(), "joint_action_id");
  e.version = event.version;
  AddActs(state.procedure_state, e.officers, e.collected_on);
  state.procedure_state.evidence.push_back(std::move(e));
  return Status::Ok();
}

// --- O3 ---------------------------------------------------------------------

Decision DecidePreserveEvidence(const DecisionContext& context) {
  ZF_TARGET(c, {"investigating"}, "an investigating case (O3)");
  const boost::json::object& data = Data(context);
  if (auto r = CheckHead(context, c, Text(data, "approved_by"), DataPointer("approved_by"))) {
    return *r;
  }
  const std::vector<std::string> officers = TextList(data, "officers");
  if (auto r = CheckOfficers(context, c, officers, context.date(), false, "officers")) return *r;
  auto due = AddWorkingDays(context.InForce().Calendar(), context.date(), 7);
  if (!due.ok()) {
    return Reject("calendar_missing", std::string(due.status().message()),
                  std::string(kPreservationBasis));
  }
  boost::json::object event = data;
  event["registered_on"] = context.date().ToString();
  event["disposal_due_on"] = due->ToString();  // D3
  return Events(Emit("evidence_preservation_registered", std::move(event)));
}

Status EvolvePreservation(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string id, EventText(event, "preservation_id"));
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "registered_on"));
  AddActs(state.procedure_state, TextList(event.data.as_object(), "officers"), on);
  state.procedure_state.preservations.push_back(std::move(id));
  return Status::Ok();
}

// --- O4, O5 -----------------------------------------------------------------

Decision DecideSuspend(const DecisionContext& context) {
  ZF_TARGET(c, {"investigating"}, "an investigating case (O4)");
  const boost::json::object& data = Data(context);
  if (auto r = CheckHead(context, c, Text(data, "approved_by"), DataPointer("approved_by"))) {
    return *r;
  }
  auto due = DecisionDue(context, c);
  if (!due.ok()) {
    return Reject("calendar_missing", std::string(due.status().message()), std::string(kD9Basis));
  }
  boost::json::object event = data;
  event["suspended_on"] = context.date().ToString();
  std::vector<NewEvent> events = Events(Emit("investigation_suspended", std::move(event)));
  // An excluded period already pausing D9 keeps pausing it.
  if (!c.procedure_state.clock.paused_since) {
    events.push_back(Emit("clock_paused", ClockPausedData(context, "suspension")));
  }
  return events;
}

Status EvolveSuspended(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "suspended_on"));
  (void)on;
  state.procedure_state.state_before_suspension = state.state;
  state.state = "suspended";
  return Status::Ok();
}

Decision DecideResume(const DecisionContext& context) {
  ZF_TARGET(c, {"suspended"}, "a suspended case (O5)");
  boost::json::object event = Data(context);
  event["resumed_on"] = context.date().ToString();
  std::vector<NewEvent> events = Events(Emit("investigation_resumed", std::move(event)));
  if (c.procedure_state.clock.pause_reason == "suspension") {
    auto resumed = ClockResumedData(context, c);
    if (!resumed.ok()) {
      return Reject("calendar_missing", std::string(resumed.status().message()),
                    std::string(kD9Basis));
    }
    events.push_back(Emit("clock_resumed", std::move(*resumed)));
  }
  return events;
}

Status EvolveResumed(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "resumed_on"));
  (void)on;
  state.state = state.procedure_state.state_before_suspension.empty()
                    ? "investigating"
                    : state.procedure_state.state_before_suspension;
  return Status::Ok();
}

// --- D9 pauses and extensions -------------------------------------------------

Decision DecidePauseClock(const DecisionContext& context) {
  ZF_TARGET(c, {ZF_OPEN_STATES}, "an open case before the decision");
  const DecisionClock& clock = c.procedure_state.clock;
  if (clock.paused_since) {
    return Reject("clock_already_paused",
                  fmt::format("the decision clock has been paused since {} ({})",
                              clock.paused_since->ToString(), clock.pause_reason),
                  std::string(kD9Basis), "/command");
  }
  auto due = DecisionDue(context, c);
  if (!due.ok()) {
    return Reject("calendar_missing", std::string(due.status().message()), std::string(kD9Basis));
  }
  if (context.date() > *due) {
    return Reject("decision_deadline_passed",
                  fmt::format("the decision was due on {}; a period after the breach cannot be "
                              "excluded",
                              due->ToString()),
                  std::string(kD9Basis), "/command");
  }
  boost::json::object event = ClockPausedData(context, Text(Data(context), "reason"));
  if (auto note = Text(Data(context), "note"); !note.empty()) event["note"] = note;
  return Events(Emit("clock_paused", std::move(event)));
}

Status EvolveClockPaused(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string clock, EventText(event, "clock"));
  if (clock != "D9") return Status::Ok();  // another part's clock
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "paused_on"));
  ZF_ASSIGN_OR_RETURN(std::string reason, EventText(event, "reason"));
  state.procedure_state.clock.paused_since = on;
  state.procedure_state.clock.pause_reason = std::move(reason);
  return Status::Ok();
}

Decision DecideResumeClock(const DecisionContext& context) {
  ZF_TARGET(c, {ZF_OPEN_STATES}, "an open case before the decision");
  if (!c.procedure_state.clock.paused_since) {
    return Reject("clock_not_paused", "the decision clock is running", std::string(kD9Basis),
                  "/command");
  }
  auto resumed = ClockResumedData(context, c);
  if (!resumed.ok()) {
    return Reject("calendar_missing", std::string(resumed.status().message()),
                  std::string(kD9Basis));
  }
  return Events(Emit("clock_resumed", std::move(*resumed)));
}

Status EvolveClockResumed(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string clock_id, EventText(event, "clock"));
  if (clock_id != "D9") return Status::Ok();
  ZF_ASSIGN_OR_RETURN(Date from, EventDate(event, "paused_on"));
  ZF_ASSIGN_OR_RETURN(Date to, EventDate(event, "resumed_on"));
  DecisionClock& clock = state.procedure_state.clock;
  clock.pauses.push_back(ClockPause{from, to});
  clock.paused_since.reset();
  clock.pause_reason.clear();
  return Status::Ok();
}

Decision DecideExtendDecisionDeadline(const DecisionContext& context) {
  ZF_TARGET(c, {ZF_OPEN_STATES, "suspended"}, "an open case before the decision");
  const boost::json::object& data = Data(context);
  const DecisionClock& clock = c.procedure_state.clock;
  auto due = DecisionDue(context, c);
  if (!due.ok()) {
    return Reject("calendar_missing", std::string(due.status().message()), std::string(kD9Basis));
  }
  if (context.date() > *due) {
    return Reject("extension_after_due",
                  fmt::format("the decision was due on {}; an extension must be approved on or "
                              "before the due date it extends",
                              due->ToString()),
                  std::string(kD9Basis), "/command");
  }
  const std::string kind = Text(data, "kind");
  boost::json::object event = data;
  event["deadline"] = "D9";
  event["approved_on"] = context.date().ToString();
  event["previous_due_on"] = due->ToString();
  if (kind == "head_approval") {
    if (auto r = CheckHead(context, c, Text(data, "approved_by"), DataPointer("approved_by"))) {
      return *r;
    }
    if (!clock.extensions.empty() || clock.extended_until) {
      return Reject("extension_already_used",
                    "the head's extension was already granted; a further extension needs a "
                    "collective discussion with a set end date",
                    std::string(kD9Basis), DataPointer("kind"));
    }
    DecisionClock next = clock;
    next.extensions.push_back(
        ClockExtension{context.date(), context.options.decision_extension_days});
    auto extended = next.DueOn(*c.filed_on, context.options.decision_limit_days, context.date());
    if (!extended.ok()) {
      return Reject("extension_after_due", std::string(extended.status().message()),
                    std::string(kD9Basis), "/command");
    }
    event["days"] = context.options.decision_extension_days;
    event["due_on"] = extended->ToString();
  } else {
    const std::optional<Date> until = OptionalDate(data, "until");
    if (clock.extensions.empty()) {
      return Reject("extension_not_allowed",
                    "a collective-discussion extension follows the head's extension",
                    std::string(kD9Basis), DataPointer("kind"));
    }
    if (!until || *until <= *due) {
      return Reject("extension_not_allowed",
                    fmt::format("the end date must be after the current due date {}",
                                due->ToString()),
                    std::string(kD9Basis), DataPointer("until"));
    }
    event["due_on"] = until->ToString();
  }
  return Events(Emit("deadline_extended", std::move(event)));
}

Status EvolveDeadlineExtended(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string deadline, EventText(event, "deadline"));
  if (deadline != "D9") return Status::Ok();
  ZF_ASSIGN_OR_RETURN(std::string kind, EventText(event, "kind"));
  ZF_ASSIGN_OR_RETURN(Date approved, EventDate(event, "approved_on"));
  ZF_ASSIGN_OR_RETURN(Date due, EventDate(event, "due_on"));
  DecisionClock& clock = state.procedure_state.clock;
  if (kind == "head_approval") {
    ZF_ASSIGN_OR_RETURN(std::int64_t days, EventInt(event, "days"));
    clock.extensions.push_back(ClockExtension{approved, static_cast<int>(days)});
  } else {
    clock.extended_until = due;
  }
  return Status::Ok();
}

// --- O6, O7 -----------------------------------------------------------------

Decision DecideTerminate(const DecisionContext& context) {
  ZF_TARGET(c, {"investigating", "suspended"}, "an investigating or suspended case (O6)");
  const boost::json::object& data = Data(context);
  if (auto r = CheckHead(context, c, Text(data, "approved_by"), DataPointer("approved_by"))) {
    return *r;
  }
  boost::json::object event = data;
  event["terminated_on"] = context.date().ToString();
  return Events(Emit("investigation_terminated", std::move(event)));
}

Status EvolveTerminated(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "terminated_on"));
  (void)on;
  state.state = "terminated";
  return Status::Ok();
}

Decision DecideRevokeFiling(const DecisionContext& context) {
  ZF_TARGET(c, {"filed", "investigating"}, "a filed or investigating case (O7)");
  const boost::json::object& data = Data(context);
  if (auto r = CheckHead(context, c, Text(data, "approved_by"), DataPointer("approved_by"))) {
    return *r;
  }
  boost::json::object event = data;
  event["revoked_on"] = context.date().ToString();
  return Events(Emit("filing_revoked", std::move(event)));
}

Status EvolveFilingRevoked(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "revoked_on"));
  (void)on;
  state.state = "filing_revoked";
  return Status::Ok();
}

// --- O8 ---------------------------------------------------------------------

Decision DecideConclude(const DecisionContext& context) {
  ZF_TARGET(c, {"investigating"}, "an investigating case (O8)");
  const boost::json::object& data = Data(context);
  const std::string outcome = Text(data, "outcome");
  const bool on_penalty = outcome == "penalty" || outcome == "no_penalty";
  if (on_penalty && c.procedure_state.evidence.empty()) {
    return Reject("evidence_missing",
                  "the report must rest on recorded evidence (facts clear, evidence sufficient)",
                  "APL art. 40", "/command");
  }
  boost::json::object proposal = ProposalJson(data, outcome);
  boost::json::object event;
  event["concluded_on"] = context.date().ToString();
  event["report"] = data.at("report");
  event["is_major"] = Flag(data, "is_major");
  event["is_complex"] = Flag(data, "is_complex");
  if (on_penalty) {
    PenaltyProposal p = ProposalFromData(proposal);
    MarkProposalAtConclusion(p, 0);
    PenaltyJudgement judgement = JudgePenalty(context, c, p);
    if (judgement.rejection) return *judgement.rejection;
    if (!judgement.benchmark_id.empty()) {
      event["benchmark_id"] = judgement.benchmark_id;
      event["benchmark_version"] = judgement.benchmark_version;
    }
    boost::json::array entries;
    for (const auto& e : judgement.leniency_entries) entries.emplace_back(e);
    event["leniency_entries"] = std::move(entries);
    if (!judgement.evaluation.empty()) event["evaluation"] = std::move(judgement.evaluation);
  }
  std::string why;
  auto hearing = HearingRightsFor(context, c, ProposalFrom(proposal), &why);
  if (!hearing.ok()) {
    return Reject("hearing_threshold_missing", std::string(hearing.status().message()),
                  "APL art. 63", "/command");
  }
  event["hearing_eligible"] = *hearing;
  event["hearing_basis"] = why;
  event["proposal"] = std::move(proposal);
  return Events(Emit("investigation_concluded", std::move(event)));
}

Status EvolveConcluded(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "concluded_on"));
  (void)on;
  const boost::json::value* proposal = event.data.as_object().if_contains("proposal");
  if (proposal == nullptr || !proposal->is_object()) {
    return CorruptionError("investigation_concluded lacks data.proposal").WithSubject("proposal");
  }
  ProcedureState& p = state.procedure_state;
  p.proposal = ProposalFrom(proposal->as_object());
  p.is_major = Flag(event.data.as_object(), "is_major");
  p.is_complex = Flag(event.data.as_object(), "is_complex");
  p.concluded_version = event.version;
  p.concluded_on = on;
  p.case_review_passed = false;
  p.case_reviewed_on.reset();
  p.re_examined = false;
  state.state = "concluded";
  return Status::Ok();
}

#undef ZF_OPEN_STATES

}  // namespace

const std::vector<CommandSpec>& InvestigationCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"start_investigation", "case_id", kCaseStreamPrefix, &DecideStartInvestigation},
      {"record_evidence", "case_id", kCaseStreamPrefix, &DecideRecordEvidence},
      {"preserve_evidence", "case_id", kCaseStreamPrefix, &DecidePreserveEvidence},
      {"suspend_investigation", "case_id", kCaseStreamPrefix, &DecideSuspend},
      {"resume_investigation", "case_id", kCaseStreamPrefix, &DecideResume},
      {"pause_clock", "case_id", kCaseStreamPrefix, &DecidePauseClock},
      {"resume_clock", "case_id", kCaseStreamPrefix, &DecideResumeClock},
      {"extend_decision_deadline", "case_id", kCaseStreamPrefix, &DecideExtendDecisionDeadline},
      {"terminate_investigation", "case_id", kCaseStreamPrefix, &DecideTerminate},
      {"revoke_filing", "case_id", kCaseStreamPrefix, &DecideRevokeFiling},
      {"conclude_investigation", "case_id", kCaseStreamPrefix, &DecideConclude},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& InvestigationEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"investigation_started", &EvolveInvestigationStarted},
      {"evidence_recorded", &EvolveEvidenceRecorded},
      {"evidence_preservation_registered", &EvolvePreservation},
      {"investigation_suspended", &EvolveSuspended},
      {"investigation_resumed", &EvolveResumed},
      {"clock_paused", &EvolveClockPaused},
      {"clock_resumed", &EvolveClockResumed},
      {"deadline_extended", &EvolveDeadlineExtended},
      {"investigation_terminated", &EvolveTerminated},
      {"filing_revoked", &EvolveFilingRevoked},
      {"investigation_concluded", &EvolveConcluded},
  };
  return kEvolvers;
}

}  // namespace zf::internal

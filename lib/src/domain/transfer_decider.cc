// Transfers of a filed case (docs/domain.md, Transfers): handover to another subject
// (移送管辖, O25) and transfer of a suspected crime to public security
// (涉嫌犯罪移送, O26; Order 310 arts. 3, 5, 8, 11; APL art. 27).
#include <fmt/format.h>

#include "domain/execution_helpers.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

constexpr std::string_view kHandoverBasis =
    "APL art. 25; 市场监督管理行政处罚程序规定 (移送管辖; no second transfer, ask for "
    "designation)";
constexpr std::string_view kCriminalBasis =
    "行政执法机关移送涉嫌犯罪案件的规定 (Order 310) art. 5; APL art. 27";
constexpr std::int64_t kMicrosPerHour = 3'600'000'000;

// A filed case not yet decided and not already on its way elsewhere; or
// one whose decision (O20) was to transfer it (`transfer_type`).
bool MayTransfer(const CaseState& c, std::string_view transfer_type) {
  if (c.state == "decided" && c.procedure_state.decision) {
    return c.procedure_state.decision->type == transfer_type;
  }
  return c.filed_on && !c.procedure_state.decision && !c.IsFinal() &&
         c.state != "handover_pending" && c.state != "criminal_transferred" &&
         c.procedure != "simplified";
}

// The case handed over to `case_id`, if any (the receiver named it).
const CaseState* HandedOverAs(const DecisionContext& context, const std::string& case_id) {
  // Of several (a case handed on twice), the greatest id, as a scan of
  // every case in id order found it.
  const CaseState* found = nullptr;
  for (const std::string& id : context.cases.CasesHandedOverAs(case_id)) {
    const CaseState* other = context.cases.FindCase(id);
    if (other == nullptr || !other->execution.handover.accepted ||
        other->execution.handover.receiving_case_id != case_id) {
      continue;
    }
    if (found == nullptr || found->id < other->id) found = other;
  }
  return found;
}

// --- Case handover -------------------------------------------------------------

Decision DecideHandOverCase(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kHandoverBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!MayTransfer(c, "jurisdiction_transfer") || c.execution.criminal.Open()) {
    return InvalidState(c,
                        "a filed case is handed over before its decision, or after a "
                        "jurisdiction_transfer decision",
                        kHandoverBasis);
  }
  if (!ActsFor(context, c.handling_subject)) {
    return Reject("not_handling_subject",
                  fmt::format("{} does not act for {}, the case's handling subject",
                              context.command.actor.unit, c.handling_subject),
                  std::string(kHandoverBasis), "/actor/unit");
  }
  if (const CaseState* origin = HandedOverAs(context, c.id)) {
    return Reject("designation_required",
                  fmt::format("case {} came by handover from {} ({}); a receiver that disputes "
                              "jurisdiction asks the common superior to designate, it does not "
                              "hand the case on",
                              c.id, origin->id, origin->handling_subject),
                  std::string(kHandoverBasis), "/command");
  }
  const std::string to = Text(data, "to_subject");
  if (!context.rules.org().IsAgency(to)) {
    return Reject("unknown_unit", fmt::format("{} is not an agency registered in org", to),
                  std::string(kHandoverBasis), DataPointer("to_subject"));
  }
  if (to == c.handling_subject) {
    return Reject("handover_to_self", fmt::format("{} already handles case {}", to, c.id),
                  std::string(kHandoverBasis), DataPointer("to_subject"));
  }
  if (auto r = CheckHeadApproval(context, Text(data, "approved_by"), c.handling_subject,
                                 "approved_by", kHandoverBasis)) {
    return *r;
  }
  boost::json::object event = data;
  if (Text(data, "township").empty()) event["township"] = c.township;
  event["item_code"] = Text(data, "item_code").empty() ? c.item_code : Text(data, "item_code");
  event["from_subject"] = c.handling_subject;
  event["previous_state"] = c.state;
  event["handed_over_on"] = context.date().ToString();
  return Events(Emit("case_handed_over", std::move(event)));
}

Status EvolveCaseHandedOver(CaseState& state, const EventRecord& event) {
  HandoverState& h = state.execution.handover;
  ZF_ASSIGN_OR_RETURN(h.to_subject, EventText(event, "to_subject"));
  ZF_ASSIGN_OR_RETURN(h.township, EventText(event, "township"));
  ZF_ASSIGN_OR_RETURN(h.previous_state, EventText(event, "previous_state"));
  ZF_ASSIGN_OR_RETURN(h.handed_over_on, EventDate(event, "handed_over_on"));
  h.pending = true;
  state.state = "handover_pending";
  return Status::Ok();
}

std::optional<Rejection> CheckReceiver(const DecisionContext& context, const CaseState& c) {
  if (c.state != "handover_pending") {
    return InvalidState(c, "the case has not been handed over (handover_pending)", kHandoverBasis);
  }
  if (!ActsFor(context, c.execution.handover.to_subject)) {
    return Rejection{"not_receiving_subject",
                     fmt::format("case {} was handed to {}, not to {}", c.id,
                                 c.execution.handover.to_subject, context.command.actor.unit),
                     std::string(kHandoverBasis), "/actor/unit"};
  }
  return std::nullopt;
}

Decision DecideAcceptHandover(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kHandoverBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = CheckReceiver(context, c)) return *r;
  const HandoverState& h = c.execution.handover;
  Competence answer;
  if (!MayHandle(context, c.item_code, h.township, h.to_subject, &answer,
                 /*with_legal_basis=*/false)) {
    return Reject("subject_not_competent",
                  fmt::format("{} may not handle {} in {}: the competent subject is {} ({}); ask "
                              "the common superior to designate",
                              h.to_subject, c.item_code, h.township,
                              answer.subject.empty() ? "nobody" : answer.subject, answer.reason),
                  "APL art. 38", "/actor/unit");
  }
  const std::string receiving = Text(data, "receiving_case_id");
  if (!receiving.empty() && receiving == c.id) {
    return Reject("receiving_case_invalid",
                  "the receiver files its own case under a new id",
                  std::string(kHandoverBasis), DataPointer("receiving_case_id"));
  }
  boost::json::object event = data;
  event["accepted_on"] = context.date().ToString();
  event["to_subject"] = h.to_subject;
  return Events(Emit("handover_accepted", std::move(event)));
}

Status EvolveHandoverAccepted(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date accepted, EventDate(event, "accepted_on"));
  (void)accepted;
  HandoverState& h = state.execution.handover;
  h.pending = false;
  h.accepted = true;
  h.receiving_case_id = Text(event.data.as_object(), "receiving_case_id");
  state.state = "transferred_out";
  return Status::Ok();
}

Decision DecideDeclineHandover(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kHandoverBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = CheckReceiver(context, c)) return *r;
  boost::json::object event = data;
  event["declined_on"] = context.date().ToString();
  event["resumed_state"] = c.execution.handover.previous_state;
  return Events(Emit("handover_declined", std::move(event)));
}

Status EvolveHandoverDeclined(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string resumed, EventText(event, "resumed_state"));
  state.execution.handover = HandoverState{};
  state.state = resumed;
  return Status::Ok();
}

// --- Criminal transfer (Order 310) ----------------------------------------------

Decision DecideReportCriminalTransfer(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCriminalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!MayTransfer(c, "criminal_transfer") || c.execution.criminal.Open()) {
    return InvalidState(c,
                        "a suspected crime is reported on a filed case before its decision, or "
                        "after a criminal_transfer decision",
                        kCriminalBasis);
  }
  if (auto r = CheckOfficers(context, TextList(data, "officers"), c.handling_subject, 2,
                             "officers")) {
    return *r;
  }
  // D10: the principal head decides within 3 days of the report.
  auto due = DueDate(context.InForce().Calendar(), context.date(),
                     PeriodSpec{PeriodUnit::kCalendarDays, 3, DeadlineBearer::kAgency},
                     context.options.clock);
  if (!due.ok()) return CalendarUnavailable(due.status(), "D10");
  boost::json::object event = data;
  event["reported_on"] = context.date().ToString();
  event["approval_due_on"] = due->ToString();
  return Events(Emit("criminal_transfer_reported", std::move(event)));
}

Status EvolveCriminalTransferReported(CaseState& state, const EventRecord& event) {
  CriminalTransferState& t = state.execution.criminal;
  t = CriminalTransferState{};
  ZF_ASSIGN_OR_RETURN(t.reported_on, EventDate(event, "reported_on"));
  t.reported = true;
  t.reported_at = state.timeline.back().at;
  t.previous_state = state.state;
  return Status::Ok();
}

Decision DecideApproveCriminalTransfer(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCriminalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const CriminalTransferState& t = c.execution.criminal;
  if (!t.Open() || t.approved) {
    return InvalidState(c, "approve_criminal_transfer answers a pending transfer report",
                        kCriminalBasis);
  }
  if (auto r = CheckHeadApproval(context, Text(data, "approved_by"), c.handling_subject,
                                 "approved_by", kCriminalBasis)) {
    return *r;
  }
  auto due = DueDate(context.InForce().Calendar(), t.reported_on,
                     PeriodSpec{PeriodUnit::kCalendarDays, 3, DeadlineBearer::kAgency},
                     context.options.clock);
  if (!due.ok()) return CalendarUnavailable(due.status(), "D10");
  const bool late = Breached(*due, context.date());
  // A late answer is still recorded (a transfer must not be lost to a
  // missed deadline, Order 310 art. 11), but only with the reason for the
  // delay on file.
  if (late && Text(data, "late_reason").empty()) {
    return Reject("criminal_transfer_approval_late",
                  fmt::format("the report of {} had to be answered by {}; record late_reason to "
                              "answer it now",
                              t.reported_on.ToString(), due->ToString()),
                  std::string(kCriminalBasis), DataPointer("late_reason"));
  }
  const bool approve = Flag(data, "approve");
  if (!approve && Text(data, "reasons").empty()) {
    return Reject("refusal_reasons_required", "a refused transfer is recorded with its reasons",
                  std::string(kCriminalBasis), DataPointer("reasons"));
  }
  boost::json::object event = data;
  event["decided_on"] = context.date().ToString();
  event["due_on"] = due->ToString();
  event["late"] = late;
  if (approve) {
    event["send_by"] = FormatRfc3339(context.at.unix_micros + 24 * kMicrosPerHour, 480, false);
  }
  return Events(
      Emit(approve ? "criminal_transfer_approved" : "criminal_transfer_refused", std::move(event)));
}

Status EvolveCriminalTransferApproved(CaseState& state, const EventRecord& event) {
  CriminalTransferState& t = state.execution.criminal;
  ZF_ASSIGN_OR_RETURN(t.approved_on, EventDate(event, "decided_on"));
  t.approved = true;
  t.approved_at = state.timeline.back().at;
  return Status::Ok();
}

Status EvolveCriminalTransferRefused(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string reasons, EventText(event, "reasons"));
  (void)reasons;
  state.execution.criminal.refused = true;
  return Status::Ok();
}

Decision DecideSendCriminalTransfer(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCriminalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const CriminalTransferState& t = c.execution.criminal;
  if (!t.Open() || !t.approved || t.sent) {
    return InvalidState(c, "send_criminal_transfer needs an approved transfer not yet sent",
                        kCriminalBasis);
  }
  // D11: within 24 hours of the approval.
  const bool late = context.at.unix_micros - t.approved_at > 24 * kMicrosPerHour;
  if (late && Text(data, "late_reason").empty()) {
    return Reject("criminal_transfer_send_late",
                  fmt::format("the approved transfer had to be sent by {}; record late_reason to "
                              "send it now",
                              FormatRfc3339(t.approved_at + 24 * kMicrosPerHour, 480, false)),
                  std::string(kCriminalBasis), DataPointer("late_reason"));
  }
  boost::json::object event = data;
  event["sent_on"] = context.date().ToString();
  event["late"] = late;
  event["previous_state"] = t.previous_state;
  return Events(Emit("criminal_transfer_sent", std::move(event)));
}

Status EvolveCriminalTransferSent(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string receiver, EventText(event, "receiver"));
  (void)receiver;
  CriminalTransferState& t = state.execution.criminal;
  t.sent = true;
  t.sent_at = state.timeline.back().at;
  state.state = "criminal_transferred";
  return Status::Ok();
}

Decision DecideRecordCriminalTransferReturn(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCriminalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.state != "criminal_transferred" || c.execution.criminal.accepted) {
    return InvalidState(c, "a transfer comes back only while it is with the judicial organ "
                           "(criminal_transferred)",
                        kCriminalBasis);
  }
  boost::json::object event = data;
  event["returned_on"] = context.date().ToString();
  return Events(Emit("criminal_transfer_returned", std::move(event)));
}

Status EvolveCriminalTransferReturned(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string reason, EventText(event, "reason"));
  (void)reason;
  state.execution.criminal.returned = true;
  state.execution.criminal.returned_on = OptionalDate(event.data.as_object(), "returned_on");
  // The administrative case resumes (APL art. 27); a decision to transfer
  // is spent, a new one follows the investigation.
  if (state.procedure_state.decision &&
      state.procedure_state.decision->type == "criminal_transfer") {
    state.procedure_state.decision.reset();
  }
  state.state = "investigating";
  return Status::Ok();
}

Decision DecideRecordCriminalTransferAcceptance(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCriminalBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.state != "criminal_transferred" || c.execution.criminal.accepted) {
    return InvalidState(c, "acceptance follows a transfer sent (criminal_transferred)",
                        kCriminalBasis);
  }
  boost::json::object event = data;
  event["accepted_on"] = context.date().ToString();
  return Events(Emit("criminal_transfer_accepted", std::move(event)));
}

Status EvolveCriminalTransferAccepted(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date accepted, EventDate(event, "accepted_on"));
  (void)accepted;
  state.execution.criminal.accepted = true;
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& TransferCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"hand_over_case", "case_id", kCaseStreamPrefix, &DecideHandOverCase},
      {"accept_handover", "case_id", kCaseStreamPrefix, &DecideAcceptHandover},
      {"decline_handover", "case_id", kCaseStreamPrefix, &DecideDeclineHandover},
      {"report_criminal_transfer", "case_id", kCaseStreamPrefix, &DecideReportCriminalTransfer},
      {"approve_criminal_transfer", "case_id", kCaseStreamPrefix, &DecideApproveCriminalTransfer},
      {"send_criminal_transfer", "case_id", kCaseStreamPrefix, &DecideSendCriminalTransfer},
      {"record_criminal_transfer_return", "case_id", kCaseStreamPrefix,
       &DecideRecordCriminalTransferReturn},
      {"record_criminal_transfer_acceptance", "case_id", kCaseStreamPrefix,
       &DecideRecordCriminalTransferAcceptance},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& TransferEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"case_handed_over", &EvolveCaseHandedOver},
      {"handover_accepted", &EvolveHandoverAccepted},
      {"handover_declined", &EvolveHandoverDeclined},
      {"criminal_transfer_reported", &EvolveCriminalTransferReported},
      {"criminal_transfer_approved", &EvolveCriminalTransferApproved},
      {"criminal_transfer_refused", &EvolveCriminalTransferRefused},
      {"criminal_transfer_sent", &EvolveCriminalTransferSent},
      {"criminal_transfer_returned", &EvolveCriminalTransferReturned},
      {"criminal_transfer_accepted", &EvolveCriminalTransferAccepted},
  };
  return kEvolvers;
}

}  // namespace zf::internal

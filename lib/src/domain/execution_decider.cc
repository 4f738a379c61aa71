// Case commands after the decision (docs/domain.md, Execution–Closing, archiving and case-file review): service of the
// decision (O21), the agency revoking its own decision (APL art. 75),
// closing (O23) and archiving (O24); and the lists of the execution part,
// assembled from execution_payment.cc, simplified_decider.cc,
// transfer_decider.cc and deadline_decider.cc.
#include <algorithm>

#include <fmt/format.h>

#include "domain/execution_helpers.h"
#include "util/rfc3339.h"

namespace zf::internal {

// --- Shared helpers ----------------------------------------------------------

std::variant<const CaseState*, Rejection> TargetCase(const DecisionContext& context,
                                                     std::string_view legal_basis) {
  const CaseState* c = context.Case();
  if (c == nullptr) {
    return Rejection{"case_not_found",
                     fmt::format("no case {} is registered", context.command.target),
                     std::string(legal_basis), "/case_id"};
  }
  return c;
}

Rejection InvalidState(const CaseState& c, std::string_view needed, std::string_view legal_basis) {
  return Rejection{"invalid_state", fmt::format("case {} is {}; {}", c.id, c.state, needed),
                   std::string(legal_basis), "/command"};
}

std::variant<Date, Rejection> RequiredDate(const boost::json::object& data, std::string_view field,
                                           std::string pointer) {
  auto date = Date::Parse(Text(data, field));
  if (date.ok()) return *date;
  return Rejection{"date_invalid",
                   fmt::format("{}: {}", field, date.status().message()),
                   "GB/T 7408 (dates are civil dates YYYY-MM-DD)",
                   pointer.empty() ? DataPointer(field) : std::move(pointer)};
}

std::optional<Rejection> CheckNotFuture(const DecisionContext& context, const Date& date,
                                        std::string_view field) {
  if (!(context.date() < date)) return std::nullopt;
  return Rejection{"date_in_future",
                   fmt::format("{} {} is after the command's date {}", field, date.ToString(),
                               context.date().ToString()),
                   "APL art. 47 (the record follows the act: facts are recorded after "
                   "they happen)",
                   DataPointer(field)};
}

std::optional<Rejection> CheckOfficers(const DecisionContext& context,
                                       const std::vector<std::string>& officers,
                                       const std::string& subject, int minimum,
                                       std::string_view field) {
  constexpr std::string_view kBasis = "APL arts. 42, 52 (credentialed officers, credentials shown)";
  if (officers.size() < static_cast<std::size_t>(minimum)) {
    return Rejection{"too_few_officers",
                     fmt::format("{} officer(s) named; at least {} are required", officers.size(),
                                 minimum),
                     std::string(kBasis), DataPointer(field)};
  }
  const RuleBookView rules = context.InForce();
  for (std::size_t i = 0; i < officers.size(); ++i) {
    const std::string pointer = fmt::format("{}/{}", DataPointer(field), i);
    const Credential* credential = rules.ValidCredential(officers[i]);
    if (credential == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} holds no enforcement credential valid on {}", officers[i],
                                   context.date().ToString()),
                       std::string(kBasis), pointer};
    }
    if (credential->agency != subject) {
      return Rejection{"credential_invalid",
                       fmt::format("{}'s credential {} was issued by {}, not by {}", officers[i],
                                   credential->number, credential->agency, subject),
                       "APL arts. 42, 55 (credential of the handling subject) [U][C]",
                       pointer};
    }
  }
  return std::nullopt;
}

Rejection CalendarUnavailable(const Status& status, std::string_view what) {
  return Rejection{"calendar_missing",
                   fmt::format("{} cannot be computed: {}", what, status.message()),
                   "APL art. 85 (working days need the published holiday calendar)", "/at"};
}

Date EventDay(const CaseState& state) { return ChinaDateOf(state.timeline.back().at); }

std::string Yuan(std::int64_t fen) {
  std::string digits = std::to_string(fen / 100);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return fmt::format("{}.{:02} yuan", digits, fen % 100);
}

bool InExecution(const CaseState& c) {
  return c.state == "executing" || c.state == "deferred" || c.state == "instalments";
}

Result<Date> PaymentDueFrom(const DecisionContext& context, Date served_on) {
  return DueDate(context.InForce().Calendar(), served_on,
                 PeriodSpec{PeriodUnit::kCalendarDays, 15, DeadlineBearer::kParty},
                 context.options.clock);
}

Result<Date> ReliefWindowsEnd(const DecisionContext& context, const CaseState& c) {
  const ExecutionState& e = c.execution;
  if (!e.service) return FailedPreconditionError("the decision has not been served");
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  ZF_ASSIGN_OR_RETURN(Date d19,
                      DueDate(cal, e.service->served_on,
                              PeriodSpec{PeriodUnit::kCalendarDays, 60, DeadlineBearer::kParty},
                              context.options.clock));
  ZF_ASSIGN_OR_RETURN(Date d20, DueDate(cal, e.service->served_on,
                                        PeriodSpec{PeriodUnit::kMonths, 6, DeadlineBearer::kParty},
                                        context.options.clock));
  Date end = std::max(d19, d20);
  if (e.payment.relief_end) end = std::max(end, *e.payment.relief_end);
  return end;
}

std::vector<ClockPause> ReviewPauses(const ExecutionState& e, Date open_end) {
  std::vector<ClockPause> pauses;
  for (const ReviewRecord& r : e.reviews) {
    pauses.push_back(ClockPause{r.filed_on, r.decided_on.value_or(open_end)});
  }
  return pauses;
}

bool BlocksPenaltyDecision(const CaseState& c) { return c.execution.criminal.Open(); }

namespace {

// --- Service (O21) -------------------------------------------------------------

Decision DecideRecordServiceAddressConfirmation(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kServiceBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.IsFinal()) return InvalidState(c, "a confirmation is recorded on an open case", kServiceBasis);
  auto signed_on = RequiredDate(data, "signed_on");
  if (auto* r = std::get_if<Rejection>(&signed_on)) return *r;
  if (auto r = CheckNotFuture(context, std::get<Date>(signed_on), "signed_on")) return *r;
  return Events(Emit("service_address_confirmed", data));
}

Status EvolveServiceAddressConfirmed(CaseState& state, const EventRecord& event) {
  AddressConfirmation a;
  ZF_ASSIGN_OR_RETURN(a.signed_on, EventDate(event, "signed_on"));
  ZF_ASSIGN_OR_RETURN(a.channel, EventText(event, "channel"));
  ZF_ASSIGN_OR_RETURN(a.address, EventText(event, "address"));
  state.execution.address_confirmation = std::move(a);
  return Status::Ok();
}

std::optional<Rejection> MissingDetail(std::string_view method, std::string_view field,
                                       std::string_view why) {
  return Rejection{"service_detail_missing",
                   fmt::format("service by {} needs {} ({})", method, field, why),
                   std::string(kServiceBasis), DataPointer(field)};
}

// The day service took effect, per method; or why the method cannot be used.
std::variant<Date, Rejection> ServedOn(const DecisionContext& context, const CaseState& c,
                                       const std::string& method) {
  const boost::json::object& data = Data(context);
  if (method == "electronic") {
    // Service date = the day the message reached the party's system
    // (APL art. 61 ¶2; CPL art. 90).
    const std::string delivered = Text(data, "delivered_at");
    if (delivered.empty()) {
      return *MissingDetail(method, "delivered_at", "the moment the message reached the party");
    }
    if (Text(data, "send_record_sm3").empty()) {
      return *MissingDetail(method, "send_record_sm3", "the screenshot or log of the sending");
    }
    auto at = ParseRfc3339(delivered);
    if (!at.ok()) {
      return Rejection{"service_detail_missing", std::string(at.status().message()),
                       std::string(kServiceBasis), DataPointer("delivered_at")};
    }
    const Date day = ChinaDateOf(at->unix_micros);
    const auto& confirmation = c.execution.address_confirmation;
    if (!confirmation || day < confirmation->signed_on) {
      return Rejection{"electronic_service_not_consented",
                       fmt::format("case {} has no service address confirmation signed by {}; "
                                   "serve by another method or record the party's signed consent "
                                   "first (record_service_address_confirmation)",
                                   c.id, day.ToString()),
                       "APL art. 61 ¶2 (electronic service needs the party's consent)",
                       DataPointer("method")};
    }
    return day;
  }
  if (method == "publication") {
    const std::optional<Date> published = OptionalDate(data, "published_on");
    if (!published) return *MissingDetail(method, "published_on", "the day of the public notice");
    if (Text(data, "reason").empty()) {
      return *MissingDetail(method, "reason", "why the other methods failed (CPL art. 95)");
    }
    return AddCalendarDays(*published, 30);  // D23: deemed served 30 days later
  }
  const std::optional<Date> served = OptionalDate(data, "served_on");
  if (!served) return *MissingDetail(method, "served_on", "the day of delivery");
  if (method == "refusal_noted" && TextList(data, "witnesses").empty()) {
    return *MissingDetail(method, "witnesses", "who saw the document left (CPL art. 89)");
  }
  if ((method == "direct" || method == "entrusted") && Text(data, "receiver").empty()) {
    return *MissingDetail(method, "receiver", "who signed the receipt");
  }
  if (method == "postal" && Text(data, "tracking_number").empty()) {
    return *MissingDetail(method, "tracking_number", "the postal receipt");
  }
  return *served;
}

Decision DecideServeDecision(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kServiceBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.state != "decided" || !c.procedure_state.decision) {
    return InvalidState(c, "serve_decision needs a decision not yet served (decided)",
                        kServiceBasis);
  }
  const DecisionRecord& d = *c.procedure_state.decision;
  if (d.type != "penalty" && d.type != "no_penalty") {
    // A transfer outcome is carried out by the transfer commands, not served.
    return InvalidState(c, fmt::format("a {} decision is not served on the party; use the "
                                       "transfer commands",
                                       d.type),
                        kServiceBasis);
  }
  const std::string method = Text(data, "method");
  auto served = ServedOn(context, c, method);
  if (auto* r = std::get_if<Rejection>(&served)) return *r;
  const Date served_on = std::get<Date>(served);
  const Date effective_check = method == "publication" ? *OptionalDate(data, "published_on")
                                                       : served_on;
  if (auto r = CheckNotFuture(context, effective_check,
                              method == "publication" ? "published_on"
                              : method == "electronic" ? "delivered_at"
                                                       : "served_on")) {
    return *r;
  }
  if (effective_check < d.decided_on) {
    return Reject("served_before_decision",
                  fmt::format("service on {} is before the decision of {}",
                              effective_check.ToString(), d.decided_on.ToString()),
                  std::string(kServiceBasis), "/data");
  }
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  auto d12 = AddWorkingDays(cal, d.decided_on, 7);
  if (!d12.ok()) return CalendarUnavailable(d12.status(), "D12 (serve within 7 working days)");
  boost::json::object event = data;
  event["served_on"] = served_on.ToString();
  event["d12_due_on"] = d12->ToString();
  event["late"] = *d12 < effective_check;
  if (d.fine_fen > 0) {
    auto due = PaymentDueFrom(context, served_on);
    if (!due.ok()) return CalendarUnavailable(due.status(), "D16 (payment within 15 days)");
    event["payment_due_on"] = due->ToString();
  }
  return Events(Emit("decision_served", std::move(event)));
}

// A penalty that imposes money or another obligation is executed (O22); a
// warning alone is performed on service (docs/domain.md, Execution), as is a no-penalty
// decision.
const char* StateAfterService(const DecisionRecord& d) {
  return d.type == "penalty" && (d.fine_fen > 0 || d.confiscation_fen > 0) ? "executing"
                                                                           : "served";
}

Status EvolveDecisionServed(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  if (!state.procedure_state.decision) {
    return CorruptionError("decision_served without a decision");
  }
  ServiceRecord s;
  ZF_ASSIGN_OR_RETURN(s.method, EventText(event, "method"));
  ZF_ASSIGN_OR_RETURN(s.served_on, EventDate(event, "served_on"));
  s.published_on = OptionalDate(data, "published_on");
  s.late = Flag(data, "late");
  s.recorded_at = state.timeline.back().at;
  state.execution.service = std::move(s);
  const DecisionRecord& d = *state.procedure_state.decision;
  state.execution.payment.fine_fen = d.fine_fen;
  state.execution.payment.due_on = OptionalDate(data, "payment_due_on");
  state.state = StateAfterService(d);
  return Status::Ok();
}

// --- Revocation by the agency (APL art. 75) ----------------------------------

constexpr std::string_view kRevokeBasis = "APL art. 75 (the agency corrects its own error)";

Decision DecideRevokeDecision(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kRevokeBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!c.procedure_state.decision || !(c.state == "decided" || c.state == "served" ||
                                       InExecution(c))) {
    return InvalidState(c, "only a decision in force (decided, served or executing) is revoked",
                        kRevokeBasis);
  }
  if (auto r = CheckHeadApproval(context, Text(data, "approved_by"),
                                 c.procedure_state.decision->handling_subject, "approved_by",
                                 kRevokeBasis)) {
    return *r;
  }
  boost::json::object event = data;
  event["revoked_on"] = context.date().ToString();
  event["document_number"] = c.procedure_state.decision->document_number;
  return Events(Emit("decision_revoked_by_agency", std::move(event)));
}

Status EvolveDecisionRevoked(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string reason, EventText(event, "reason"));
  (void)reason;
  const bool redo = Flag(event.data.as_object(), "new_decision_follows");
  MarkPublicationChanged(state, EventDay(state));  // D15 (APL art. 48 ¶2)
  if (redo) {
    // The matter goes back to the investigation and a new decision follows;
    // the revoked one stays in the stream's history.
    state.procedure_state.decision.reset();
    state.execution.service.reset();
    state.execution.payment = PaymentState{};
    state.state = "investigating";
  } else {
    state.execution.revoked = true;
    state.state = "revoked";
  }
  return Status::Ok();
}

// --- Follow-up inspection of the correction (APL art. 28) ---------------------

constexpr std::string_view kCorrectionBasis =
    "APL art. 28 ¶1 (order to correct; follow-up inspection)";

// 整改复查: two credentialed officers of the handling subject inspect
// whether the party corrected what the decision ordered. A no-penalty case
// closes on a confirmed correction.
Decision DecideRecordCorrectionCheck(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCorrectionBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const auto& d = c.procedure_state.decision;
  if (c.IsFinal() || !d || (d->type != "penalty" && d->type != "no_penalty")) {
    return InvalidState(c, "a follow-up inspection needs an open case with a penalty or "
                           "no-penalty decision",
                        kCorrectionBasis);
  }
  if (!d->correction_ordered) {
    return Reject("correction_not_ordered",
                  fmt::format("the decision of case {} ordered no correction to inspect", c.id),
                  std::string(kCorrectionBasis), "/command");
  }
  if (!ActsFor(context, c.handling_subject)) {
    return Reject("not_handling_subject",
                  fmt::format("{} does not act for {}, the handling subject of case {}",
                              context.command.actor.unit, c.handling_subject, c.id),
                  "APL art. 17", "/actor/unit");
  }
  auto checked_on = RequiredDate(data, "checked_on");
  if (auto* r = std::get_if<Rejection>(&checked_on)) return *r;
  if (auto r = CheckNotFuture(context, std::get<Date>(checked_on), "checked_on")) return *r;
  if (std::get<Date>(checked_on) < d->decided_on) {
    return Reject("checked_before_decision",
                  fmt::format("the follow-up inspection on {} precedes the decision of {}",
                              std::get<Date>(checked_on).ToString(), d->decided_on.ToString()),
                  std::string(kCorrectionBasis), DataPointer("checked_on"));
  }
  if (auto r = CheckOfficers(context, TextList(data, "officers"), c.handling_subject, 2,
                             "officers")) {
    return *r;
  }
  boost::json::object event = data;
  event["handling_subject"] = c.handling_subject;
  return Events(Emit("correction_checked", std::move(event)));
}

Status EvolveCorrectionChecked(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date checked, EventDate(event, "checked_on"));
  ZF_ASSIGN_OR_RETURN(std::string result, EventText(event, "result"));
  if (result == "corrected") state.execution.correction_confirmed_on = checked;
  state.execution.correction_check_result = std::move(result);
  return Status::Ok();
}

// --- Closing and archiving (O23, O24; docs/domain.md, Closing, archiving and case-file review) ------------------------------

// The conditions of `ground` the case does not meet (empty = may close).
std::vector<std::string> UnmetConditions(const EngineOptions& options, const CaseState& c,
                                         const std::string& ground) {
  std::vector<std::string> unmet;
  const ExecutionState& e = c.execution;
  const auto& d = c.procedure_state.decision;
  if (ground == "performed") {
    if (!d || d->type != "penalty") unmet.push_back("a penalty decision");
    if (!e.service) unmet.push_back("the decision served");
    if (d && d->fine_fen > 0 && !e.payment.settled_on) {
      unmet.push_back(fmt::format("the fine paid in full ({} outstanding)",
                                  Yuan(e.payment.Outstanding())));
    }
    if (e.on_spot.issued && !e.on_spot.reported_on) {
      unmet.push_back("the on-the-spot decision reported to the agency (D13)");
    }
    if (e.ReviewPending()) unmet.push_back("no reconsideration or lawsuit pending");
    for (std::string& m : UnmetLicenceMeasures(options, c)) unmet.push_back(std::move(m));
  } else if (ground == "no_penalty_served") {
    if (!d || d->type != "no_penalty") unmet.push_back("a no-penalty decision");
    if (!e.service) unmet.push_back("the decision served");
    // Nothing else is performed on a no-penalty decision: its order to
    // correct is, and a follow-up inspection shows it (APL art. 28).
    if (d && d->correction_ordered && !e.correction_confirmed_on) {
      unmet.push_back("the correction confirmed by a follow-up inspection "
                      "(record_correction_check)");
    }
  } else if (ground == "revoked") {
    if (!e.revoked) unmet.push_back("the decision revoked with no new decision following");
  } else if (ground == "enforcement_terminated") {
    if (e.enforcement.court_outcome != "terminated") {
      unmet.push_back("the court's ruling that enforcement is terminated");
    }
  } else if (ground == "criminal_transfer_accepted") {
    if (!e.criminal.accepted) unmet.push_back("the transfer accepted by the judicial organ");
  }
  return unmet;
}

Decision DecideCloseCase(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kClosingBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.IsFinal() || c.state == "handover_pending") {
    return InvalidState(c, "close_case needs an open case", kClosingBasis);
  }
  const std::string ground = Text(data, "ground");
  const std::vector<std::string> unmet = UnmetConditions(context.options, c, ground);
  if (!unmet.empty()) {
    return Reject("closing_conditions_unmet",
                  fmt::format("case {} cannot close as {}: missing {}", c.id, ground,
                              fmt::join(unmet, "; ")),
                  std::string(kClosingBasis), DataPointer("ground"));
  }
  if (auto r = CheckHeadApproval(context, Text(data, "approved_by"), c.handling_subject,
                                 "approved_by", kClosingBasis)) {
    return *r;
  }
  boost::json::object event = data;
  event["closed_on"] = context.date().ToString();
  return Events(Emit("case_closed", std::move(event)));
}

Status EvolveCaseClosed(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.execution.closed_ground, EventText(event, "ground"));
  ZF_ASSIGN_OR_RETURN(Date closed, EventDate(event, "closed_on"));
  state.execution.closed_on = closed;
  state.state = "closed";
  return Status::Ok();
}

// The order of a case file (one case, one file): docs/domain.md, Closing, archiving and case-file review
constexpr std::string_view kFileOrder[] = {
    "source_and_filing", "investigation", "review",    "notice_and_hearing",
    "decision",          "service",       "execution", "closure"};

std::size_t FileRank(std::string_view section) {
  for (std::size_t i = 0; i < std::size(kFileOrder); ++i) {
    if (kFileOrder[i] == section) return i;
  }
  return std::size(kFileOrder);
}

Decision DecideArchiveCase(const DecisionContext& context) {
  constexpr std::string_view kBasis = "市场监督管理行政处罚程序规定 (one case, one file; archive after closure)";
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  static constexpr std::string_view kArchivable[] = {"closed", "terminated", "filing_revoked",
                                                     "transferred_out", "not_filed"};
  if (std::find(std::begin(kArchivable), std::end(kArchivable), c.state) ==
      std::end(kArchivable)) {
    return InvalidState(c, "archive_case needs a closed case (or one that ended)", kBasis);
  }
  const std::vector<std::string> sections = TextList(data, "sections");
  for (std::size_t i = 1; i < sections.size(); ++i) {
    if (FileRank(sections[i]) <= FileRank(sections[i - 1])) {
      return Reject("file_order_invalid",
                    fmt::format("section {} may not follow {}: the file runs {}", sections[i],
                                sections[i - 1], fmt::join(kFileOrder, " → ")),
                    std::string(kBasis), fmt::format("{}/{}", DataPointer("sections"), i));
    }
  }
  boost::json::object event = data;
  event["archived_on"] = context.date().ToString();
  return Events(Emit("case_archived", std::move(event)));
}

Status EvolveCaseArchived(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date archived, EventDate(event, "archived_on"));
  state.execution.archived_on = archived;
  state.state = "archived";
  return Status::Ok();
}

// --- Case-file review (案卷评查, docs/domain.md, Closing, archiving and case-file review) --------------------------------------

constexpr std::string_view kReviewBasis =
    "Doc 118 (case-file review: veto items; form ≤ 20 + content ≤ 80) [V, one sector; C]";

Decision DecideScoreCaseFile(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kReviewBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.state != "archived") return InvalidState(c, "a case file is scored once archived", kReviewBasis);
  const std::string campaign = Text(data, "campaign_id");
  for (const CaseFileScore& s : c.execution.file_scores) {
    if (s.campaign_id == campaign) {
      return Reject("already_scored",
                    fmt::format("campaign {} already scored case {} ({})", campaign, c.id, s.grade),
                    std::string(kReviewBasis), DataPointer("campaign_id"));
    }
  }
  const std::string reviewer = Text(data, "reviewer");
  if (context.rules.org().FindOfficer(reviewer) == nullptr) {
    return Reject("unknown_officer", fmt::format("{} is not an officer registered in org", reviewer),
                  std::string(kReviewBasis), DataPointer("reviewer"));
  }
  const std::vector<std::string>& handlers = c.handlers;
  const bool handled = std::find(handlers.begin(), handlers.end(), reviewer) != handlers.end() ||
                       std::find(c.execution.on_spot.officers.begin(),
                                 c.execution.on_spot.officers.end(),
                                 reviewer) != c.execution.on_spot.officers.end();
  if (handled) {
    return Reject("reviewer_conflicted",
                  fmt::format("{} handled case {} and may not score its file", reviewer, c.id),
                  "APL art. 43 (recusal); " + std::string(kReviewBasis), DataPointer("reviewer"));
  }
  if (auto r = CheckCampaignScoring(context, c, campaign, reviewer)) return *r;
  const std::int64_t total = Int(data, "form_score") + Int(data, "content_score");
  const bool veto = !TextList(data, "veto_findings").empty();
  const char* grade = veto || total < context.options.case_file_qualified_min ? "unqualified"
                      : total >= context.options.case_file_excellent_min     ? "excellent"
                                                                              : "qualified";
  boost::json::object event = data;
  event["total"] = total;
  event["grade"] = grade;
  event["rectification_required"] = std::string_view(grade) == "unqualified";
  event["scored_on"] = context.date().ToString();
  return Events(Emit("case_file_scored", std::move(event)));
}

Status EvolveCaseFileScored(CaseState& state, const EventRecord& event) {
  CaseFileScore s;
  ZF_ASSIGN_OR_RETURN(s.campaign_id, EventText(event, "campaign_id"));
  ZF_ASSIGN_OR_RETURN(s.grade, EventText(event, "grade"));
  ZF_ASSIGN_OR_RETURN(s.total, EventInt(event, "total"));
  s.rectification_required = Flag(event.data.as_object(), "rectification_required");
  ZF_ASSIGN_OR_RETURN(s.reviewer, EventText(event, "reviewer"));
  ZF_ASSIGN_OR_RETURN(s.form_score, EventInt(event, "form_score"));
  ZF_ASSIGN_OR_RETURN(s.content_score, EventInt(event, "content_score"));
  ZF_ASSIGN_OR_RETURN(s.scored_on, EventText(event, "scored_on"));
  s.veto_findings = TextList(event.data.as_object(), "veto_findings");
  state.execution.file_scores.push_back(std::move(s));
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& ServiceCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"record_service_address_confirmation", "case_id", kCaseStreamPrefix,
       &DecideRecordServiceAddressConfirmation},
      {"serve_decision", "case_id", kCaseStreamPrefix, &DecideServeDecision},
      {"revoke_decision", "case_id", kCaseStreamPrefix, &DecideRevokeDecision},
      {"record_correction_check", "case_id", kCaseStreamPrefix, &DecideRecordCorrectionCheck},
      {"close_case", "case_id", kCaseStreamPrefix, &DecideCloseCase},
      {"archive_case", "case_id", kCaseStreamPrefix, &DecideArchiveCase},
      {"score_case_file", "case_id", kCaseStreamPrefix, &DecideScoreCaseFile},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& ServiceEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"service_address_confirmed", &EvolveServiceAddressConfirmed},
      {"decision_served", &EvolveDecisionServed},
      {"decision_revoked_by_agency", &EvolveDecisionRevoked},
      {"correction_checked", &EvolveCorrectionChecked},
      {"case_closed", &EvolveCaseClosed},
      {"case_archived", &EvolveCaseArchived},
      {"case_file_scored", &EvolveCaseFileScored},
  };
  return kEvolvers;
}

const std::vector<CommandSpec>& ExecutionCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = [] {
    std::vector<CommandSpec> all;
    for (const auto* list : {&ServiceCommandSpecs(), &PaymentCommandSpecs(),
                             &SimplifiedCommandSpecs(), &TransferCommandSpecs(),
                             &DeadlineCommandSpecs(), &NonTaxCommandSpecs(),
                             &PublicationCommandSpecs(), &MeasureCommandSpecs()}) {
      all.insert(all.end(), list->begin(), list->end());
    }
    return all;
  }();
  return kSpecs;
}

const std::vector<CaseEvolver>& ExecutionEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = [] {
    std::vector<CaseEvolver> all;
    for (const auto* list : {&ServiceEvolvers(), &PaymentEvolvers(), &SimplifiedEvolvers(),
                             &TransferEvolvers(), &DeadlineEvolvers(), &PublicationEvolvers(),
                             &MeasureEvolvers()}) {
      all.insert(all.end(), list->begin(), list->end());
    }
    return all;
  }();
  return kEvolvers;
}

}  // namespace zf::internal

// Execution of a fine (docs/domain.md, Execution): the payment notice under the non-tax
// revenue item code, payments with the late surcharge, deferral and
// instalments (APL art. 66), reconsideration and litigation (which pause the
// surcharge, APL art. 73), and court enforcement after a reminder (ACL arts.
// 53–54). Also the reference command map_non_tax_item (rules/non_tax_items).
#include <fmt/format.h>

#include "domain/execution_helpers.h"
#include "rules/leniency_lists.h"  // LocalStartOfDay

namespace zf::internal {
namespace {

constexpr std::string_view kNonTaxBasis =
    "APL art. 67 (罚缴分离: fines are paid to the treasury under the non-tax revenue item)";
constexpr std::string_view kDeferralBasis =
    "APL art. 66 (deferral or instalments on application, with approval)";
constexpr std::string_view kReconsiderationBasis = "行政复议法 (2023) art. 20 (60 days)";
constexpr std::string_view kLitigationBasis = "行政诉讼法 art. 46 (6 months)";
constexpr std::string_view kEnforcementBasis =
    "行政强制法 arts. 53, 54 (reminder, ≥10 days, apply within 3 months)";

// --- rules/non_tax_items -----------------------------------------------------

Decision DecideMapNonTaxItem(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const std::string subject = Text(data, "subject");
  if (!context.rules.org().IsAgency(subject)) {
    return Reject("unknown_unit", fmt::format("{} is not an agency registered in org", subject),
                  std::string(kNonTaxBasis), DataPointer("subject"));
  }
  auto from_read = RequiredDate(data, "effective_from");
  if (auto* r = std::get_if<Rejection>(&from_read)) return *r;
  const Date from = std::get<Date>(from_read);
  if (auto r = CheckPowerItemInForce(context.rules, Text(data, "item_code"), LocalStartOfDay(from),
                                     kNonTaxBasis, DataPointer("item_code"))) {
    return *r;
  }
  const auto history = context.rules.non_tax_items().History(subject, Text(data, "item_code"));
  if (!history.empty() && history.back()->non_tax_code == Text(data, "non_tax_code")) {
    return Reject("non_tax_mapping_unchanged",
                  fmt::format("{} already maps {} to {}", subject, Text(data, "item_code"),
                              history.back()->non_tax_code),
                  std::string(kNonTaxBasis), DataPointer("non_tax_code"));
  }
  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit("non_tax_item_mapped", std::move(event)));
}

// --- Payment notice and payments ----------------------------------------------

std::optional<Rejection> NeedsFine(const CaseState& c, std::string_view command) {
  if (!InExecution(c) || !c.procedure_state.decision || c.procedure_state.decision->fine_fen <= 0) {
    return InvalidState(c, fmt::format("{} needs a served decision with a fine (executing)", command),
                        kPaymentBasis);
  }
  return std::nullopt;
}

Decision DecideIssuePaymentNotice(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kPaymentBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = NeedsFine(c, "issue_payment_notice")) return *r;
  const PaymentState& p = c.execution.payment;
  if (p.notice_issued || p.collected_on_spot || p.settled_on) {
    return Reject("payment_notice_exists",
                  fmt::format("case {} already has {}", c.id,
                              p.notice_issued ? "a payment notice " + p.notice_number
                                              : std::string("its fine collected")),
                  std::string(kPaymentBasis), "/command");
  }
  const std::string& subject = c.procedure_state.decision->handling_subject;
  const NonTaxMapping* mapping =
      context.rules.non_tax_items().MappingAsOf(subject, c.item_code, context.at.unix_micros);
  if (mapping == nullptr) {
    return Reject("non_tax_item_unmapped",
                  fmt::format("{} has not mapped item {} to a non-tax revenue item code on {}; "
                              "record map_non_tax_item first",
                              subject, c.item_code, context.date().ToString()),
                  std::string(kNonTaxBasis), "/case_id");
  }
  boost::json::object event = data;
  event["non_tax_code"] = mapping->non_tax_code;
  event["fine_fen"] = p.fine_fen;
  event["due_on"] = p.due_on->ToString();
  event["surcharge_rate_per_mille"] = context.options.surcharge.rate_per_mille;
  return Events(Emit("payment_notice_issued", std::move(event)));
}

Status EvolvePaymentNoticeIssued(CaseState& state, const EventRecord& event) {
  PaymentState& p = state.execution.payment;
  ZF_ASSIGN_OR_RETURN(p.notice_number, EventText(event, "notice_number"));
  ZF_ASSIGN_OR_RETURN(p.non_tax_code, EventText(event, "non_tax_code"));
  p.notice_issued = true;
  return Status::Ok();
}

// What a payment on `paid_on` must at least be: the fine (or the
// instalments due by then, else the next one) and the surcharge on what is
// overdue.
struct AmountDue {
  std::int64_t principal_fen = 0;
  std::int64_t surcharge_fen = 0;
  Status status;
};

AmountDue ComputeDue(const DecisionContext& context, const CaseState& c, Date paid_on) {
  const PaymentState& p = c.execution.payment;
  const std::vector<ClockPause> pauses =
      ReviewPauses(c.execution, AddCalendarDays(paid_on, 1));
  AmountDue due;
  if (p.mode != "instalments") {
    due.principal_fen = p.Outstanding();
    auto s = LateSurcharge(p.Outstanding(), *p.due_on, paid_on, pauses, context.options.surcharge);
    if (!s.ok()) due.status = s.status();
    else due.surcharge_fen = *s;
    return due;
  }
  for (const Instalment& i : p.instalments) {
    const std::int64_t remaining = i.amount_fen - i.paid_fen;
    if (remaining <= 0) continue;
    if (paid_on < i.due_on && due.principal_fen > 0) break;
    due.principal_fen += remaining;
    auto s = LateSurcharge(remaining, i.due_on, paid_on, pauses, context.options.surcharge);
    if (!s.ok()) {
      due.status = s.status();
      return due;
    }
    due.surcharge_fen += *s;
    if (paid_on < i.due_on) break;  // paying the next instalment early
  }
  return due;
}

Decision DecideRecordPayment(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kPaymentBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = NeedsFine(c, "record_payment")) return *r;
  const PaymentState& p = c.execution.payment;
  if (p.settled_on) {
    return Reject("already_paid",
                  fmt::format("the fine of case {} was paid in full on {}", c.id,
                              p.settled_on->ToString()),
                  std::string(kPaymentBasis), "/command");
  }
  if (!p.notice_issued) {
    return Reject("payment_notice_missing",
                  fmt::format("case {} has no payment notice: the party pays under the notice's "
                              "non-tax item code (issue_payment_notice)",
                              c.id),
                  std::string(kNonTaxBasis), "/command");
  }
  auto paid_on_read = RequiredDate(data, "paid_on");
  if (auto* r = std::get_if<Rejection>(&paid_on_read)) return *r;
  const Date paid_on = std::get<Date>(paid_on_read);
  if (auto r = CheckNotFuture(context, paid_on, "paid_on")) return *r;
  const AmountDue due = ComputeDue(context, c, paid_on);
  if (!due.status.ok()) return CalendarUnavailable(due.status, "the late surcharge");
  const std::int64_t amount = Int(data, "amount_fen");
  const std::int64_t owed = due.principal_fen + due.surcharge_fen;
  if (amount < owed) {
    return Reject("payment_short",
                  fmt::format("a payment on {} must be at least {} ({} fine{} and {} late "
                              "surcharge at {}‰ a day from {}); {} was paid",
                              paid_on.ToString(), Yuan(owed), Yuan(due.principal_fen),
                              p.mode == "instalments" ? " instalment(s) due" : "",
                              Yuan(due.surcharge_fen), context.options.surcharge.rate_per_mille,
                              AddCalendarDays(*p.due_on, 1).ToString(), Yuan(amount)),
                  "APL art. 72 (3% of the fine per day overdue, capped at the fine)",
                  DataPointer("amount_fen"));
  }
  const std::int64_t towards_fine = std::min(amount - due.surcharge_fen, p.Outstanding());
  boost::json::object event = data;
  event["surcharge_fen"] = due.surcharge_fen;
  event["towards_fine_fen"] = towards_fine;
  event["outstanding_after_fen"] = p.Outstanding() - towards_fine;
  return Events(Emit("payment_recorded", std::move(event)));
}

Status EvolvePaymentRecorded(CaseState& state, const EventRecord& event) {
  PaymentState& p = state.execution.payment;
  ZF_ASSIGN_OR_RETURN(Date paid_on, EventDate(event, "paid_on"));
  ZF_ASSIGN_OR_RETURN(std::int64_t surcharge, EventInt(event, "surcharge_fen"));
  ZF_ASSIGN_OR_RETURN(std::int64_t towards, EventInt(event, "towards_fine_fen"));
  p.paid_fen += towards;
  p.surcharge_paid_fen += surcharge;
  for (Instalment& i : p.instalments) {
    const std::int64_t take = std::min(towards, i.amount_fen - i.paid_fen);
    if (take <= 0) continue;
    i.paid_fen += take;
    towards -= take;
  }
  if (p.Outstanding() == 0) p.settled_on = paid_on;
  return Status::Ok();
}

// --- Deferral and instalments (APL art. 66) ----------------------------------

std::optional<Rejection> CheckReliefApplication(const DecisionContext& context,
                                                const CaseState& c) {
  const boost::json::object& data = Data(context);
  if (c.state != "executing" || c.execution.payment.settled_on ||
      c.execution.payment.Outstanding() == 0 || c.procedure_state.decision->fine_fen <= 0) {
    return InvalidState(c, "deferral or instalments need an unpaid fine being executed "
                           "(executing, not already deferred or split)",
                        kDeferralBasis);
  }
  auto applied = RequiredDate(data, "application_on");
  if (auto* r = std::get_if<Rejection>(&applied)) return *r;
  if (auto r = CheckNotFuture(context, std::get<Date>(applied), "application_on")) return r;
  return CheckHeadApproval(context, Text(data, "approved_by"),
                           c.procedure_state.decision->handling_subject, "approved_by",
                           kDeferralBasis);
}

Decision DecideGrantDeferral(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kDeferralBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!c.procedure_state.decision) return InvalidState(c, "no decision to defer", kDeferralBasis);
  if (auto r = CheckReliefApplication(context, c)) return *r;
  auto until_read = RequiredDate(data, "deferred_until");
  if (auto* r = std::get_if<Rejection>(&until_read)) return *r;
  const Date until = std::get<Date>(until_read);
  const Date due = *c.execution.payment.due_on;
  if (!(due < until)) {
    return Reject("deferral_date_invalid",
                  fmt::format("deferred_until {} must be after the current due date {}",
                              until.ToString(), due.ToString()),
                  std::string(kDeferralBasis), DataPointer("deferred_until"));
  }
  boost::json::object event = data;
  event["previous_due_on"] = due.ToString();
  return Events(Emit("payment_deferred", std::move(event)));
}

Status EvolvePaymentDeferred(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date until, EventDate(event, "deferred_until"));
  PaymentState& p = state.execution.payment;
  p.mode = "deferred";
  p.due_on = until;
  p.relief_end = until;
  state.state = "deferred";
  return Status::Ok();
}

Decision DecideGrantInstalments(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kDeferralBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!c.procedure_state.decision) return InvalidState(c, "no decision to split", kDeferralBasis);
  if (auto r = CheckReliefApplication(context, c)) return *r;
  const boost::json::array& plan = data.at("instalments").as_array();
  std::int64_t total = 0;
  std::optional<Date> previous;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const boost::json::object& item = plan[i].as_object();
    auto due_read = RequiredDate(item, "due_on", fmt::format("{}/{}/due_on", DataPointer("instalments"), i));
    if (auto* r = std::get_if<Rejection>(&due_read)) return *r;
    const Date due = std::get<Date>(due_read);
    if ((previous && !(*previous < due)) || (!previous && due < context.date())) {
      return Reject("instalments_invalid",
                    fmt::format("instalment {} is due {}: instalments fall due one after another, "
                                "none before the grant",
                                i + 1, due.ToString()),
                    std::string(kDeferralBasis),
                    fmt::format("{}/{}/due_on", DataPointer("instalments"), i));
    }
    previous = due;
    total += Int(item, "amount_fen");
  }
  if (total != c.execution.payment.Outstanding()) {
    return Reject("instalments_invalid",
                  fmt::format("the instalments add up to {}, the fine outstanding is {}",
                              Yuan(total), Yuan(c.execution.payment.Outstanding())),
                  std::string(kDeferralBasis), DataPointer("instalments"));
  }
  return Events(Emit("instalments_granted", data));
}

Status EvolveInstalmentsGranted(CaseState& state, const EventRecord& event) {
  const boost::json::value* plan = event.data.as_object().if_contains("instalments");
  if (plan == nullptr || !plan->is_array() || plan->as_array().empty()) {
    return CorruptionError("instalments_granted lacks data.instalments");
  }
  PaymentState& p = state.execution.payment;
  p.instalments.clear();
  for (const auto& item : plan->as_array()) {
    if (!item.is_object()) return CorruptionError("an instalment is not an object");
    const auto due = OptionalDate(item.as_object(), "due_on");
    if (!due) return CorruptionError("an instalment lacks due_on");
    p.instalments.push_back(Instalment{*due, Int(item.as_object(), "amount_fen"), 0});
  }
  p.mode = "instalments";
  p.due_on = p.instalments.front().due_on;
  p.relief_end = p.instalments.back().due_on;
  state.state = "instalments";
  return Status::Ok();
}

// --- Reconsideration and litigation -------------------------------------------

Decision DecideFileReview(const DecisionContext& context, const std::string& kind) {
  const boost::json::object& data = Data(context);
  const bool reconsideration = kind == "reconsideration";
  const std::string_view basis = reconsideration ? kReconsiderationBasis : kLitigationBasis;
  auto target = TargetCase(context, basis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const ExecutionState& e = c.execution;
  if (!e.service || !(c.state == "served" || InExecution(c))) {
    return InvalidState(c, "a challenge needs a served decision in force", basis);
  }
  auto filed_on_read = RequiredDate(data, "filed_on");
  if (auto* r = std::get_if<Rejection>(&filed_on_read)) return *r;
  const Date filed_on = std::get<Date>(filed_on_read);
  if (auto r = CheckNotFuture(context, filed_on, "filed_on")) return *r;
  if (filed_on < e.service->served_on) {
    return Reject("filed_before_service",
                  fmt::format("filed_on {} is before service on {}", filed_on.ToString(),
                              e.service->served_on.ToString()),
                  std::string(basis), DataPointer("filed_on"));
  }
  if (e.ReviewPending()) {
    return Reject("review_pending", "a reconsideration or lawsuit on this decision is pending",
                  std::string(basis), "/command");
  }
  if (!reconsideration && c.procedure == "simplified") {
    bool reconsidered = false;
    for (const ReviewRecord& r : e.reviews) reconsidered |= r.kind == "reconsideration";
    if (!reconsidered) {
      return Reject("reconsideration_first_required",
                    "an on-the-spot decision is challenged by reconsideration before a lawsuit",
                    "行政复议法 (2023) art. 23 ¶1(2)", "/command");
    }
  }
  // The party knows of the decision when it is served.
  const PeriodSpec window = reconsideration
                                ? PeriodSpec{PeriodUnit::kCalendarDays, 60, DeadlineBearer::kParty}
                                : PeriodSpec{PeriodUnit::kMonths, 6, DeadlineBearer::kParty};
  auto last = DueDate(context.InForce().Calendar(), e.service->served_on, window,
                      context.options.clock);
  if (!last.ok()) return CalendarUnavailable(last.status(), reconsideration ? "D19" : "D20");
  if (Breached(*last, filed_on)) {
    return Reject("relief_window_expired",
                  fmt::format("{} filed on {} is late: the window from service on {} closed on {}",
                              kind, filed_on.ToString(), e.service->served_on.ToString(),
                              last->ToString()),
                  std::string(basis), DataPointer("filed_on"));
  }
  boost::json::object event = data;
  event["window_due_on"] = last->ToString();
  return Events(
      Emit(reconsideration ? "reconsideration_filed" : "litigation_filed", std::move(event)));
}

Decision DecideFileReconsideration(const DecisionContext& context) {
  return DecideFileReview(context, "reconsideration");
}
Decision DecideFileLitigation(const DecisionContext& context) {
  return DecideFileReview(context, "litigation");
}

Status EvolveReviewFiled(CaseState& state, const EventRecord& event, std::string kind) {
  ReviewRecord r;
  r.kind = std::move(kind);
  ZF_ASSIGN_OR_RETURN(r.filed_on, EventDate(event, "filed_on"));
  state.execution.reviews.push_back(std::move(r));
  return Status::Ok();
}
Status EvolveReconsiderationFiled(CaseState& state, const EventRecord& event) {
  return EvolveReviewFiled(state, event, "reconsideration");
}
Status EvolveLitigationFiled(CaseState& state, const EventRecord& event) {
  return EvolveReviewFiled(state, event, "litigation");
}

Decision DecideRecordReviewOutcome(const DecisionContext& context) {
  constexpr std::string_view kBasis =
      "行政复议法 (2023) arts. 63-65; 行政诉讼法 arts. 69-70, 77 (upheld → continue; revoked → close or re-decide; varied → amended decision)";
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const std::string kind = Text(data, "review");
  const ReviewRecord* pending = nullptr;
  for (const ReviewRecord& r : c.execution.reviews) {
    if (r.kind == kind && !r.decided_on) pending = &r;
  }
  if (pending == nullptr) {
    return Reject("no_pending_review", fmt::format("case {} has no pending {}", c.id, kind),
                  std::string(kBasis), DataPointer("review"));
  }
  auto decided_on_read = RequiredDate(data, "decided_on");
  if (auto* r = std::get_if<Rejection>(&decided_on_read)) return *r;
  const Date decided_on = std::get<Date>(decided_on_read);
  if (auto r = CheckNotFuture(context, decided_on, "decided_on")) return *r;
  if (decided_on < pending->filed_on) {
    return Reject("decided_before_filing", "decided_on is before the review was filed",
                  std::string(kBasis), DataPointer("decided_on"));
  }
  if (Text(data, "outcome") == "varied" && !data.contains("varied_fine_fen")) {
    return Reject("varied_amount_missing", "a varied decision needs the fine it now imposes",
                  std::string(kBasis), DataPointer("varied_fine_fen"));
  }
  return Events(Emit("review_outcome_recorded", data));
}

Status EvolveReviewOutcomeRecorded(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string kind, EventText(event, "review"));
  ZF_ASSIGN_OR_RETURN(std::string outcome, EventText(event, "outcome"));
  ZF_ASSIGN_OR_RETURN(Date decided_on, EventDate(event, "decided_on"));
  for (ReviewRecord& r : state.execution.reviews) {
    if (r.kind == kind && !r.decided_on) {
      r.decided_on = decided_on;
      r.outcome = outcome;
    }
  }
  // A revoked or varied decision's publication comes down (APL art. 48 ¶2),
  // counted from the day the outcome is recorded in the case.
  if (outcome != "upheld") MarkPublicationChanged(state, EventDay(state));
  if (outcome == "revoked") {
    state.execution.revoked = true;
    state.state = "revoked";
  } else if (outcome == "varied") {
    ZF_ASSIGN_OR_RETURN(std::int64_t fine, EventInt(event, "varied_fine_fen"));
    PaymentState& p = state.execution.payment;
    p.fine_fen = fine;
    if (p.Outstanding() == 0 && !p.settled_on) p.settled_on = decided_on;
  }
  return Status::Ok();
}

// --- Court enforcement (ACL arts. 53–54) --------------------------------------

std::optional<Rejection> CheckUnpaidAndUnchallenged(const CaseState& c) {
  if (!InExecution(c) || c.execution.payment.fine_fen <= 0) {
    return InvalidState(c, "court enforcement needs a fine being executed", kEnforcementBasis);
  }
  if (c.execution.payment.settled_on) {
    return Rejection{"already_paid", fmt::format("the fine of case {} is paid", c.id),
                     std::string(kEnforcementBasis), "/command"};
  }
  if (c.execution.ReviewPending()) {
    return Rejection{"review_pending", "a reconsideration or lawsuit on this decision is pending",
                     std::string(kEnforcementBasis), "/command"};
  }
  return std::nullopt;
}

Decision DecideServeEnforcementReminder(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kEnforcementBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = CheckUnpaidAndUnchallenged(c)) return *r;
  auto served_on_read = RequiredDate(data, "served_on");
  if (auto* r = std::get_if<Rejection>(&served_on_read)) return *r;
  const Date served_on = std::get<Date>(served_on_read);
  if (auto r = CheckNotFuture(context, served_on, "served_on")) return *r;
  auto end = ReliefWindowsEnd(context, c);
  if (!end.ok()) return CalendarUnavailable(end.status(), "the relief windows (D19, D20)");
  if (!Breached(*end, served_on)) {
    return Reject("relief_window_open",
                  fmt::format("the party may still seek reconsideration or sue, or pay under the "
                              "deferral, until {}; a reminder comes after that",
                              end->ToString()),
                  "行政强制法 art. 53 (only when the party neither challenged nor performed in "
                  "time)",
                  DataPointer("served_on"));
  }
  boost::json::object event = data;
  event["relief_windows_end"] = end->ToString();
  return Events(Emit("enforcement_reminder_served", std::move(event)));
}

Status EvolveEnforcementReminderServed(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date served, EventDate(event, "served_on"));
  state.execution.enforcement.reminder_served_on = served;
  return Status::Ok();
}

Decision DecideApplyCourtEnforcement(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kEnforcementBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (auto r = CheckUnpaidAndUnchallenged(c)) return *r;
  const EnforcementState& e = c.execution.enforcement;
  if (e.applied_on) {
    return Reject("court_application_exists",
                  fmt::format("case {} was sent to the court on {}", c.id,
                              e.applied_on->ToString()),
                  std::string(kEnforcementBasis), "/command");
  }
  const Date applied_on = context.date();
  if (!e.reminder_served_on || DaysBetween(*e.reminder_served_on, applied_on) < 10) {
    return Reject("court_application_too_early",
                  e.reminder_served_on
                      ? fmt::format("the reminder was served on {}; the court may be asked from {} "
                                    "(10 days after it)",
                                    e.reminder_served_on->ToString(),
                                    AddCalendarDays(*e.reminder_served_on, 10).ToString())
                      : std::string("no reminder (催告) has been served"),
                  "行政强制法 art. 54 (催告书送达十日后)", "/at");
  }
  auto end = ReliefWindowsEnd(context, c);
  if (!end.ok()) return CalendarUnavailable(end.status(), "the relief windows (D19, D20)");
  auto last = DueDate(context.InForce().Calendar(), *end,
                      PeriodSpec{PeriodUnit::kMonths, 3, DeadlineBearer::kAgency},
                      context.options.clock);
  if (!last.ok()) return CalendarUnavailable(last.status(), "D22");
  if (Breached(*last, applied_on)) {
    return Reject("court_application_too_late",
                  fmt::format("the relief windows closed on {}; the court had to be asked by {}",
                              end->ToString(), last->ToString()),
                  "行政强制法 art. 53 (within 3 months of the period's end); APL art. 72 ¶2",
                  "/at");
  }
  boost::json::object event = data;
  event["applied_on"] = applied_on.ToString();
  event["deadline_on"] = last->ToString();
  return Events(Emit("court_enforcement_applied", std::move(event)));
}

Status EvolveCourtEnforcementApplied(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date applied, EventDate(event, "applied_on"));
  state.execution.enforcement.applied_on = applied;
  return Status::Ok();
}

Decision DecideRecordCourtEnforcementOutcome(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kEnforcementBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!c.execution.enforcement.applied_on || !c.execution.enforcement.court_outcome.empty()) {
    return InvalidState(c, "the court's ruling follows an application to it", kEnforcementBasis);
  }
  auto ruled_on_read = RequiredDate(data, "ruled_on");
  if (auto* r = std::get_if<Rejection>(&ruled_on_read)) return *r;
  const Date ruled_on = std::get<Date>(ruled_on_read);
  if (auto r = CheckNotFuture(context, ruled_on, "ruled_on")) return *r;
  return Events(Emit("court_enforcement_concluded", data));
}

Status EvolveCourtEnforcementConcluded(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string outcome, EventText(event, "outcome"));
  ZF_ASSIGN_OR_RETURN(Date ruled_on, EventDate(event, "ruled_on"));
  state.execution.enforcement.court_outcome = outcome;
  if (outcome == "enforced") {
    PaymentState& p = state.execution.payment;
    p.paid_fen = p.fine_fen;
    p.settled_on = ruled_on;
  }
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& NonTaxCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"map_non_tax_item", "", kNonTaxItemsStream, &DecideMapNonTaxItem},
  };
  return kSpecs;
}

const std::vector<CommandSpec>& PaymentCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"issue_payment_notice", "case_id", kCaseStreamPrefix, &DecideIssuePaymentNotice},
      {"record_payment", "case_id", kCaseStreamPrefix, &DecideRecordPayment},
      {"grant_deferral", "case_id", kCaseStreamPrefix, &DecideGrantDeferral},
      {"grant_instalments", "case_id", kCaseStreamPrefix, &DecideGrantInstalments},
      {"file_reconsideration", "case_id", kCaseStreamPrefix, &DecideFileReconsideration},
      {"file_litigation", "case_id", kCaseStreamPrefix, &DecideFileLitigation},
      {"record_review_outcome", "case_id", kCaseStreamPrefix, &DecideRecordReviewOutcome},
      {"serve_enforcement_reminder", "case_id", kCaseStreamPrefix,
       &DecideServeEnforcementReminder},
      {"apply_court_enforcement", "case_id", kCaseStreamPrefix, &DecideApplyCourtEnforcement},
      {"record_court_enforcement_outcome", "case_id", kCaseStreamPrefix,
       &DecideRecordCourtEnforcementOutcome},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& PaymentEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"payment_notice_issued", &EvolvePaymentNoticeIssued},
      {"payment_recorded", &EvolvePaymentRecorded},
      {"payment_deferred", &EvolvePaymentDeferred},
      {"instalments_granted", &EvolveInstalmentsGranted},
      {"reconsideration_filed", &EvolveReconsiderationFiled},
      {"litigation_filed", &EvolveLitigationFiled},
      {"review_outcome_recorded", &EvolveReviewOutcomeRecorded},
      {"enforcement_reminder_served", &EvolveEnforcementReminderServed},
      {"court_enforcement_applied", &EvolveCourtEnforcementApplied},
      {"court_enforcement_concluded", &EvolveCourtEnforcementConcluded},
  };
  return kEvolvers;
}

}  // namespace zf::internal

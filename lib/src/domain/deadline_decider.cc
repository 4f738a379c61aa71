// Deadlines as events (docs/domain.md, Deadlines): check_deadlines looks at one case at the
// command's moment and reports, once each, the deadlines that come near
// (deadline_warning, at the configured working-day offsets before the due
// date) or have passed (deadline_breached). Every due date is computed from
// the case's events and the calendar in force, so a replay of the same
// commands reports the same deadlines.
#include <optional>

#include <fmt/format.h>

#include "domain/deadlines.h"
#include "domain/execution_helpers.h"
#include "domain/procedure_common.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

constexpr std::string_view kDeadlineBasis = "APL arts. 60, 85 (statutory periods)";

// `limit` is the plain period's end when pauses or extensions may move the
// due date; by default nothing moved it.
Status Add(Deadlines* out, std::string id, std::string label, std::string bearer,
           Result<Date> due, std::optional<Result<Date>> limit = std::nullopt) {
  if (!due.ok()) return due.status();
  if (limit && !limit->ok()) return limit->status();
  const Date limit_on = limit ? **limit : *due;
  out->push_back(
      OpenDeadline{std::move(id), std::move(label), std::move(bearer), *due, limit_on});
  return Status::Ok();
}

bool Decidable(const std::string& state) {
  static constexpr std::string_view kOpen[] = {
      "filed",           "investigating", "concluded",         "pre_notice",
      "notice_served",   "hearing_requested", "hearing_scheduled", "hearing_held",
      "ready_to_decide", "suspended"};
  for (std::string_view s : kOpen) {
    if (s == state) return true;
  }
  return false;
}

// D5 and D18 came with issue 15 item 9: they are tracked for periods
// starting on or after the option's date (Engine::Open checked that it is
// one), so checks stored before re-decide as they were.
bool TrackedFrom(const std::string& from_text, Date start) {
  auto from = Date::Parse(from_text);
  return from.ok() && start >= *from;
}

// D14 (Doc 118; APL art. 48 ¶1): a decision the options require published,
// made on or after publication_tracked_from, in force and not yet
// published. D15 (APL art. 48 ¶2): a publication up whose decision was
// changed or revoked.
Status AddPublicationDeadlines(const DecisionContext& context, const CaseState& c,
                               Deadlines* out) {
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  const auto& d = c.procedure_state.decision;
  if (d && !c.execution.revoked && !DecisionPublished(c) &&
      PublicationRequired(context.options, c) &&
      TrackedFrom(context.options.publication_tracked_from, d->decided_on)) {
    ZF_RETURN_IF_ERROR(Add(out, "D14", "公开行政处罚决定", "agency", PublicationDue(cal, c)));
  }
  const PublicationState& p = c.execution.publication;
  if (p.Live() && p.changed_on) {
    ZF_RETURN_IF_ERROR(
        Add(out, "D15", "撤回已公开的行政处罚决定信息", "agency", WithdrawalDue(cal, p)));
  }
  return Status::Ok();
}

// D26 (APL arts. 59 ¶1 (4), 66 ¶1; docs/domain.md, D26): per licence measure
// of a tracked penalty decision in force and served, the step not yet
// recorded: its execution, a follow-up inspection during it, the check at
// the end of a temporary one.
Status AddLicenceMeasureDeadlines(const DecisionContext& context, const CaseState& c,
                                  Deadlines* out) {
  if (!c.execution.service || c.IsFinal() || !LicenceMeasuresTracked(context.options, c)) {
    return Status::Ok();
  }
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  for (const std::string& id : ImposedLicenceMeasures(c)) {
    const std::string name = LicenceMeasureName(id);
    const LicenceMeasureState* m = FindLicenceMeasure(c, id);
    if (m == nullptr) {
      ZF_RETURN_IF_ERROR(Add(out, "D26", fmt::format("记录{}的执行", name), "agency",
                             LicenceMeasureStartDue(cal, context.options,
                                                    c.execution.service->served_on)));
      continue;
    }
    if (!m->outcome.empty()) continue;
    if (!m->checked_on) {
      ZF_RETURN_IF_ERROR(
          Add(out, "D26", fmt::format("{}执行期间复查", name), "agency", m->check_due_on));
    }
    if (m->temporary && m->end_check_due_on) {
      ZF_RETURN_IF_ERROR(
          Add(out, "D26", fmt::format("{}期满复查", name), "agency", *m->end_check_due_on));
    }
  }
  return Status::Ok();
}

}  // namespace

Status OpenDeadlines(const DecisionContext& context, const CaseState& c, Deadlines* out) {
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  const ExecutionState& e = c.execution;
  if (c.state == "verifying") {
    // The clue part's clock: from the day the holder received the clue
    // (transfer, designation, dispatch or discovery), with its extension.
    Result<Date> plain = AddWorkingDays(
        cal, c.clue.verification_clock_from.value_or(c.discovered_on),
        context.options.verification_working_days);
    Result<Date> d2 = c.clue.verification_due_on ? Result<Date>(*c.clue.verification_due_on)
                                                 : plain;
    ZF_RETURN_IF_ERROR(
        Add(out, "D2", "核查线索并决定是否立案", "agency", std::move(d2), std::move(plain)));
  }
  // A case with the police counts D9 on (paused while there) once its
  // transfer is tracked; before, the check skipped it.
  const bool with_police = c.state == "criminal_transferred" && !e.criminal.accepted &&
                           PolicePause(context, c).has_value();
  if (c.filed_on && !c.procedure_state.decision && (Decidable(c.state) || with_police)) {
    // The procedure part's clock (APL art. 60): its pauses (an open one
    // counted up to today) and extensions.
    const Result<Date> plain =
        DecisionClock{}.DueOn(*c.filed_on, context.options.decision_limit_days, context.date());
    ZF_RETURN_IF_ERROR(
        Add(out, "D9", "作出行政处罚决定", "agency", DecisionDue(context, c), plain));
  }
  const ProcedureState& proc = c.procedure_state;
  if (c.state == "concluded" && proc.concluded_on && !proc.case_review_passed &&
      TrackedFrom(context.options.case_review_tracked_from, *proc.concluded_on)) {
    // D5: the internal case review (案件审核) from the day the materials
    // arrive, the conclusion.
    ZF_RETURN_IF_ERROR(Add(out, "D5", "案件审核", "agency",
                           AddWorkingDays(cal, *proc.concluded_on,
                                          context.options.case_review_working_days)));
  }
  if (e.criminal.Open() && !e.criminal.approved) {
    ZF_RETURN_IF_ERROR(Add(out, "D10", "审批涉嫌犯罪案件移送", "agency",
                           AddCalendarDays(e.criminal.reported_on, 3)));
  }
  if (e.criminal.Open() && e.criminal.approved && !e.criminal.sent) {
    ZF_RETURN_IF_ERROR(Add(out, "D11", "向公安机关移送", "agency",
                           ChinaDateOf(e.criminal.approved_at + 24 * 3'600'000'000LL)));
  }
  if (c.procedure_state.decision && !e.service && c.state == "decided" &&
      (c.procedure_state.decision->type == "penalty" ||
       c.procedure_state.decision->type == "no_penalty")) {
    ZF_RETURN_IF_ERROR(Add(out, "D12", "送达处罚决定书", "agency",
                           AddWorkingDays(cal, c.procedure_state.decision->decided_on, 7)));
  }
  if (e.on_spot.issued && !e.on_spot.reported_on && !c.IsFinal()) {
    ZF_RETURN_IF_ERROR(Add(out, "D13", "当场处罚决定备案", "agency",
                           AddWorkingDays(cal, e.on_spot.decided_on,
                                          context.options.on_spot_report_working_days)));
  }
  if (Status s = AddPublicationDeadlines(context, c, out); !s.ok()) return s;
  if (Status s = AddLicenceMeasureDeadlines(context, c, out); !s.ok()) return s;
  const PaymentState& p = e.payment;
  if (p.cash_collected_on && p.cash_hand_over_due_on &&
      TrackedFrom(context.options.on_spot_cash_tracked_from, *p.cash_collected_on)) {
    // D18 (APL art. 71): the officer hands the cash to the agency, the
    // agency pays it into the bank, 2 working days each.
    if (!p.cash_handed_over_on) {
      ZF_RETURN_IF_ERROR(
          Add(out, "D18", "交付当场收缴的罚款", "agency", *p.cash_hand_over_due_on));
    } else if (p.cash_deposit_due_on && !p.cash_deposited_on) {
      ZF_RETURN_IF_ERROR(
          Add(out, "D18", "当场收缴的罚款缴付指定银行", "agency", *p.cash_deposit_due_on));
    }
  }
  if (InExecution(c) && p.fine_fen > 0 && !p.settled_on && !e.ReviewPending()) {
    if (p.mode == "instalments") {
      for (std::size_t i = 0; i < p.instalments.size(); ++i) {
        if (p.instalments[i].paid_fen >= p.instalments[i].amount_fen) continue;
        ZF_RETURN_IF_ERROR(Add(out, "D16", fmt::format("分期缴纳罚款（第{}期）", i + 1), "party",
                               p.instalments[i].due_on));
      }
    } else if (p.due_on) {
      ZF_RETURN_IF_ERROR(Add(out, "D16", "缴纳罚款", "party", *p.due_on));
    }
    if (e.enforcement.reminder_served_on && !e.enforcement.applied_on) {
      auto end = ReliefWindowsEnd(context, c);
      if (!end.ok()) return end.status();
      ZF_RETURN_IF_ERROR(Add(out, "D22", "申请人民法院强制执行", "agency",
                             DueDate(cal, *end,
                                     PeriodSpec{PeriodUnit::kMonths, 3, DeadlineBearer::kAgency},
                                     context.options.clock)));
    }
  }
  return Status::Ok();
}

namespace {

// The working day `n` working days before `due` (the day a warning with
// offset n is first due).
Result<Date> WorkingDaysBefore(const WorkingDayCalendar& cal, Date due, int n) {
  Date d = due;
  for (int counted = 0; counted < n;) {
    d = AddCalendarDays(d, -1);
    ZF_ASSIGN_OR_RETURN(bool working, cal.IsWorkingDay(d));
    if (working) ++counted;
  }
  return d;
}

// D26 has one step per licence measure, so two steps may fall due on one
// day: its keys carry the step's label too (the other deadlines' keys are
// as stored before D26 existed).
std::string KeyTail(const OpenDeadline& d) {
  return d.id == "D26" ? " " + d.label : std::string();
}
std::string BreachKey(const OpenDeadline& d) {
  return fmt::format("breach {} {}{}", d.id, d.due_on.ToString(), KeyTail(d));
}
std::string WarningKey(const OpenDeadline& d, int offset) {
  return fmt::format("warning {} {} {}{}", d.id, d.due_on.ToString(), offset, KeyTail(d));
}

Decision DecideCheckDeadlines(const DecisionContext& context) {
  auto target = TargetCase(context, kDeadlineBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  Deadlines open;
  if (Status s = OpenDeadlines(context, c, &open); !s.ok()) {
    return CalendarUnavailable(s, "the case's deadlines");
  }
  const Date today = context.date();
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  std::vector<NewEvent> events;
  boost::json::array listed;
  for (const OpenDeadline& d : open) {
    boost::json::object base{{"deadline", d.id},
                             {"label", d.label},
                             {"bearer", d.bearer},
                             {"due_on", d.due_on.ToString()},
                             {"checked_on", today.ToString()}};
    listed.push_back(boost::json::object{{"deadline", d.id}, {"due_on", d.due_on.ToString()}});
    if (Breached(d.due_on, today)) {
      if (!c.execution.deadline_reports.contains(BreachKey(d))) {
        events.push_back(Emit("deadline_breached", base));
      }
      continue;
    }
    // Only the nearest offset whose day has come is reported; a check that
    // comes late does not report the farther warnings it skipped.
    std::optional<int> nearest;
    for (int offset : context.options.deadline_warning_working_days) {
      if (offset < 1) continue;
      auto from = WorkingDaysBefore(cal, d.due_on, offset);
      if (!from.ok()) return CalendarUnavailable(from.status(), "a deadline warning");
      if (*from <= today && (!nearest || offset < *nearest)) nearest = offset;
    }
    if (nearest && !c.execution.deadline_reports.contains(WarningKey(d, *nearest))) {
      boost::json::object warning = base;
      warning["offset_working_days"] = *nearest;
      events.push_back(Emit("deadline_warning", std::move(warning)));
    }
  }
  events.push_back(Emit("deadlines_checked",
                        boost::json::object{{"checked_on", today.ToString()},
                                            {"open", std::move(listed)}}));
  return events;
}

Status EvolveDeadlineReported(CaseState& state, const EventRecord& event, bool breach) {
  ZF_ASSIGN_OR_RETURN(std::string id, EventText(event, "deadline"));
  ZF_ASSIGN_OR_RETURN(Date due, EventDate(event, "due_on"));
  std::string label;
  if (id == "D26") {
    ZF_ASSIGN_OR_RETURN(label, EventText(event, "label"));
  }
  OpenDeadline d{id, std::move(label), "", due, due};
  if (breach) {
    state.execution.deadline_reports.insert(BreachKey(d));
  } else {
    ZF_ASSIGN_OR_RETURN(std::int64_t offset, EventInt(event, "offset_working_days"));
    state.execution.deadline_reports.insert(WarningKey(d, static_cast<int>(offset)));
  }
  return Status::Ok();
}
Status EvolveDeadlineWarning(CaseState& state, const EventRecord& event) {
  return EvolveDeadlineReported(state, event, false);
}
Status EvolveDeadlineBreached(CaseState& state, const EventRecord& event) {
  return EvolveDeadlineReported(state, event, true);
}
Status EvolveDeadlinesChecked(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date checked, EventDate(event, "checked_on"));
  (void)checked;
  (void)state;
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& DeadlineCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"check_deadlines", "case_id", kCaseStreamPrefix, &DecideCheckDeadlines},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& DeadlineEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"deadline_warning", &EvolveDeadlineWarning},
      {"deadline_breached", &EvolveDeadlineBreached},
      {"deadlines_checked", &EvolveDeadlinesChecked},
  };
  return kEvolvers;
}

}  // namespace zf::internal

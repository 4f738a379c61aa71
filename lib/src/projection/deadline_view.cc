#include "projection/deadline_view.h"

#include <algorithm>

#include <fmt/format.h>

#include "domain/deadlines.h"
#include "domain/execution_helpers.h"
#include "domain/procedure_common.h"
#include "projection/case_view.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

// The rule behind a deadline, and for D9 the facts that moved it.
std::string BasisOf(const OpenDeadline& d, const CaseState& c, const DecisionContext& context) {
  const EngineOptions& options = context.options;
  if (d.id == "D9") {
    std::int64_t paused = 0;
    for (const ClockPause& p : c.procedure_state.clock.pauses) paused += DaysBetween(p.from, p.to);
    std::string why = fmt::format("APL art. 60: {} days from filing on {}", options.decision_limit_days,
                                  c.filed_on ? c.filed_on->ToString() : "?");
    if (paused > 0) why += fmt::format(", {} day(s) paused", paused);
    if (c.procedure_state.clock.paused_since) {
      why += fmt::format(", paused since {} ({})", c.procedure_state.clock.paused_since->ToString(),
                         c.procedure_state.clock.pause_reason);
    }
    if (auto police = PolicePause(context, c)) {
      // Order 310 art. 11: no decision while the case is with the police.
      why += c.execution.criminal.returned_on
                 ? fmt::format(", {} day(s) with the police ({} to {}) not counted",
                               DaysBetween(police->from, police->to), police->from.ToString(),
                               police->to.ToString())
                 : fmt::format(", with the police since {} ({} day(s) so far, not counted)",
                               police->from.ToString(), DaysBetween(police->from, police->to));
    }
    for (const ClockExtension& e : c.procedure_state.clock.extensions) {
      why += fmt::format(", extended by {} day(s) on {}", e.days, e.approved_on.ToString());
    }
    if (c.procedure_state.clock.extended_until) {
      why += fmt::format(", extended by collective discussion to {}",
                         c.procedure_state.clock.extended_until->ToString());
    }
    return why;
  }
  if (d.id == "D2") {
    return fmt::format("MSR art. 18: {} working days to verify a clue (+{} with approval) [C]",
                       options.verification_working_days,
                       options.verification_extension_working_days);
  }
  if (d.id == "D10") return "Order 310 art. 5: approve a criminal transfer within 3 days";
  if (d.id == "D11") return "Order 310 art. 5: send within 24 hours of approval";
  if (d.id == "D12") return "APL arts. 61, 85: serve the decision within 7 working days";
  if (d.id == "D13") {
    return fmt::format("report an on-the-spot decision within {} working days [C]",
                       options.on_spot_report_working_days);
  }
  if (d.id == "D14") {
    const auto& decision = c.procedure_state.decision;
    return fmt::format("APL art. 48 ¶1; Doc 118: publish {} within {} working days of the "
                       "decision on {} (publication_required_for, from {})",
                       decision && decision->type == "no_penalty" ? "a no-penalty decision"
                                                                  : "a penalty decision",
                       decision && decision->type == "no_penalty" ? 20 : 7,
                       decision ? decision->decided_on.ToString() : "?",
                       options.publication_tracked_from);
  }
  if (d.id == "D15") {
    const PublicationState& p = c.execution.publication;
    return fmt::format("APL arts. 48 ¶2, 85: take the publication of {} down within 3 working "
                       "days of the change recorded on {}",
                       p.document_number, p.changed_on ? p.changed_on->ToString() : "?");
  }
  if (d.id == "D5") {
    return fmt::format("MSR: the internal case review within {} working days of the conclusion "
                       "on {} [C]",
                       options.case_review_working_days,
                       c.procedure_state.concluded_on
                           ? c.procedure_state.concluded_on->ToString()
                           : "?");
  }
  if (d.id == "D18") {
    return fmt::format("APL art. 71: cash collected on the spot on {} to the agency within 2 "
                       "working days, and to the bank within 2 more",
                       c.execution.payment.cash_collected_on
                           ? c.execution.payment.cash_collected_on->ToString()
                           : "?");
  }
  if (d.id == "D26") {
    return fmt::format("APL arts. 59 ¶1 (4), 66 ¶1: follow up a licence measure (execution "
                       "recorded within {} working days of service, an inspection within {} "
                       "days of its start, the check at its end within {} working days) [C]",
                       options.licence_measure_start_working_days,
                       options.licence_measure_check_days,
                       options.licence_measure_end_check_working_days);
  }
  if (d.id == "D16") return "APL art. 67: pay within 15 days of service";
  if (d.id == "D22") return "ACL art. 53: apply to the court within 3 months";
  return "APL art. 85 (periods in days)";
}

}  // namespace

Result<std::vector<DeadlineEntry>> ListDeadlines(const RuleBook& rules, const CaseBook& cases,
                                                 const EngineOptions& options,
                                                 const DeadlineQuery& query,
                                                 std::int64_t instant) {
  const Date today = ChinaDateOf(instant);
  Command probe;  // the moment the deciders' computation is asked at
  probe.type = "check_deadlines";
  probe.at = FormatRfc3339(instant, 8 * 60, true);
  const Timestamp at{instant, 8 * 60};
  std::vector<DeadlineEntry> out;
  Status failure = Status::Ok();
  cases.ForEachCase([&](const CaseState& c) {
    if (!failure.ok()) return;
    const CaseSummary summary = SummaryOf(c, rules, instant);
    if (!Matches(summary, query.cases)) return;
    probe.target = c.id;
    const DecisionContext context{probe, at, rules, cases, options};
    Deadlines open;
    if (Status s = OpenDeadlines(context, c, &open); !s.ok()) {
      failure = std::move(s);
      return;
    }
    for (const OpenDeadline& d : open) {
      DeadlineEntry e;
      e.case_id = c.id;
      e.deadline_id = d.id;
      e.label = d.label;
      e.bearer = d.bearer;
      e.due_on = d.due_on.ToString();
      e.days_left = DaysBetween(today, d.due_on);
      e.breached = Breached(d.due_on, today);
      e.limit_on = d.limit_on.ToString();
      e.past_limit = Breached(d.limit_on, today);
      if (query.breached_only && !e.breached) continue;
      if (query.past_limit_only && !e.past_limit) continue;
      if (query.due_within_days >= 0 && (e.breached || e.days_left > query.due_within_days)) {
        continue;
      }
      e.basis = BasisOf(d, c, context);
      e.state = c.state;
      e.township = c.township;
      e.handling_subject = c.handling_subject;
      out.push_back(std::move(e));
    }
  });
  if (!failure.ok()) return failure;
  std::stable_sort(out.begin(), out.end(), [](const DeadlineEntry& a, const DeadlineEntry& b) {
    return a.due_on < b.due_on;
  });
  return out;
}

}  // namespace zf::internal

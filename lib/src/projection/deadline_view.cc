#include "projection/deadline_view.h"

#include <algorithm>

#include <fmt/format.h>

#include "domain/deadlines.h"
#include "projection/case_view.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

// The rule behind a deadline, and for D9 the facts that moved it.
std::string BasisOf(const OpenDeadline& d, const CaseState& c, const EngineOptions& options) {
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
    return "APL art. 48 ¶1; Doc 118: publish a penalty decision within 7 working days (another "
           "decision within 20)";
  }
  if (d.id == "D15") {
    return "APL arts. 48 ¶2, 85: take a changed or revoked decision's publication down within 3 "
           "working days";
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
      e.basis = BasisOf(d, c, options);
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

#include "projection/deadline_view.h"

#include <algorithm>

#include <fmt/format.h>

#include "domain/deadlines.h"
#include "domain/execution_helpers.h"
#include "domain/procedure_common.h"
#include "projection/case_view.h"
#include "projection/legal_text.h"
#include "util/rfc3339.h"

namespace zf::internal {

DeadlineBasis DeadlineBasisOf(const OpenDeadline& d, const CaseState& c,
                              const DecisionContext& context) {
  const EngineOptions& options = context.options;
  auto date_en = [](const std::optional<Date>& day) { return day ? day->ToString() : "?"; };
  auto date_zh = [](const std::optional<Date>& day) { return day ? ZhDate(*day) : "？"; };
  if (d.id == "D9") {
    const DecisionClock& clock = c.procedure_state.clock;
    std::int64_t paused = 0;
    for (const ClockPause& p : clock.pauses) paused += DaysBetween(p.from, p.to);
    DeadlineBasis b{fmt::format("APL art. 60: {} days from filing on {}", options.decision_limit_days,
                        date_en(c.filed_on)),
            fmt::format("{}第六十条：自{}立案之日起{}日内作出行政处罚决定", kAplZh,
                        date_zh(c.filed_on), options.decision_limit_days)};
    if (paused > 0) {
      b.en += fmt::format(", {} day(s) paused", paused);
      b.zh += fmt::format("；已扣除{}日", paused);
    }
    if (clock.paused_since) {
      b.en += fmt::format(", paused since {} ({})", clock.paused_since->ToString(),
                          clock.pause_reason);
      b.zh += fmt::format("；自{}起因{}暂停计算", ZhDate(*clock.paused_since),
                          PauseReasonZh(clock.pause_reason));
    }
    if (auto police = PolicePause(context, c)) {
      // Order 310 art. 11: no decision while the case is with the police.
      const std::int64_t days = DaysBetween(police->from, police->to);
      if (c.execution.criminal.returned_on) {
        b.en += fmt::format(", {} day(s) with the police ({} to {}) not counted", days,
                            police->from.ToString(), police->to.ToString());
        b.zh += fmt::format("；移送公安机关期间（{}至{}）{}日不计入（{}第十一条）",
                            ZhDate(police->from), ZhDate(police->to), days, kOrder310Zh);
      } else {
        b.en += fmt::format(", with the police since {} ({} day(s) so far, not counted)",
                            police->from.ToString(), days);
        b.zh += fmt::format("；自{}起移送公安机关（已{}日，不计入）（{}第十一条）",
                            ZhDate(police->from), days, kOrder310Zh);
      }
    }
    for (const ClockExtension& e : clock.extensions) {
      b.en += fmt::format(", extended by {} day(s) on {}", e.days, e.approved_on.ToString());
      b.zh += fmt::format("；{}经批准延长{}日", ZhDate(e.approved_on), e.days);
    }
    if (clock.extended_until) {
      b.en += fmt::format(", extended by collective discussion to {}",
                          clock.extended_until->ToString());
      b.zh += fmt::format("；经集体讨论延长至{}", ZhDate(*clock.extended_until));
    }
    return b;
  }
  if (d.id == "D2") {
    return {fmt::format("MSR art. 18: {} working days to verify a clue (+{} with approval) [C]",
                        options.verification_working_days,
                        options.verification_extension_working_days),
            fmt::format("{}第十八条：{}个工作日内核查线索并决定是否立案（经批准可延长{}个工作日）{}",
                        kMsrZh, options.verification_working_days,
                        options.verification_extension_working_days, kConfiguredZh)};
  }
  if (d.id == "D10") {
    return {"Order 310 art. 5: approve a criminal transfer within 3 days",
            fmt::format("{}第五条：3日内作出批准移送涉嫌犯罪案件的决定", kOrder310Zh)};
  }
  if (d.id == "D11") {
    return {"Order 310 art. 5: send within 24 hours of approval",
            fmt::format("{}第五条：批准之日起24小时内向公安机关移送", kOrder310Zh)};
  }
  if (d.id == "D12") {
    return {"APL arts. 61, 85: serve the decision within 7 working days",
            fmt::format("{}第六十一条、第八十五条：7个工作日内送达行政处罚决定书", kAplZh)};
  }
  if (d.id == "D13") {
    return {fmt::format("APL art. 52: report an on-the-spot decision within {} working days [C]",
                        options.on_spot_report_working_days),
            fmt::format("{}第五十二条：当场作出的行政处罚决定{}个工作日内报所属行政机关备案{}",
                        kAplZh, options.on_spot_report_working_days, kConfiguredZh)};
  }
  if (d.id == "D14") {
    const auto& decision = c.procedure_state.decision;
    const bool other = decision && decision->type == "no_penalty";
    const std::optional<Date> decided =
        decision ? std::optional<Date>(decision->decided_on) : std::nullopt;
    return {fmt::format("APL art. 48 ¶1; Doc 118: publish {} within {} working days of the "
                        "decision on {} (publication_required_for, from {})",
                        other ? "a no-penalty decision" : "a penalty decision", other ? 20 : 7,
                        date_en(decided), options.publication_tracked_from),
            fmt::format("{}第四十八条第一款；{}：自{}作出决定之日起{}个工作日内公开{}"
                        "（按本地配置，自{}起作出的决定须公开）",
                        kAplZh, kDoc118Zh, date_zh(decided), other ? 20 : 7,
                        other ? "不予行政处罚决定" : "行政处罚决定",
                        ChineseDate(options.publication_tracked_from))};
  }
  if (d.id == "D15") {
    const PublicationState& p = c.execution.publication;
    return {fmt::format("APL arts. 48 ¶2, 85: take the publication of {} down within 3 working "
                        "days of the change recorded on {}",
                        p.document_number, date_en(p.changed_on)),
            fmt::format("{}第四十八条第二款、第八十五条：{}记录决定变更或撤销后，3个工作日内"
                        "撤回已公开的{}信息",
                        kAplZh, date_zh(p.changed_on), p.document_number)};
  }
  if (d.id == "D5") {
    return {fmt::format("MSR: the internal case review within {} working days of the "
                        "conclusion on {} [C]",
                        options.case_review_working_days,
                        date_en(c.procedure_state.concluded_on)),
            fmt::format("{}：自{}调查终结之日起{}个工作日内完成案件审核{}", kMsrZh,
                        date_zh(c.procedure_state.concluded_on),
                        options.case_review_working_days, kConfiguredZh)};
  }
  if (d.id == "D18") {
    return {fmt::format("APL art. 71: cash collected on the spot on {} to the agency within 2 "
                        "working days, and to the bank within 2 more",
                        date_en(c.execution.payment.cash_collected_on)),
            fmt::format("{}第七十一条：{}当场收缴的罚款，2个工作日内交至行政机关，"
                        "再2个工作日内缴付指定银行",
                        kAplZh, date_zh(c.execution.payment.cash_collected_on))};
  }
  if (d.id == "D26") {
    return {fmt::format("APL arts. 59 ¶1 (4), 66 ¶1: follow up a licence measure (execution "
                        "recorded within {} working days of service, an inspection within {} "
                        "days of its start, the check at its end within {} working days) [C]",
                        options.licence_measure_start_working_days,
                        options.licence_measure_check_days,
                        options.licence_measure_end_check_working_days),
            fmt::format("{}第五十九条第一款第（四）项、第六十六条第一款：许可类处罚措施的执行监督"
                        "（送达后{}个工作日内记录执行，开始执行后{}日内检查，期满后{}个工作日内"
                        "复查）{}",
                        kAplZh, options.licence_measure_start_working_days,
                        options.licence_measure_check_days,
                        options.licence_measure_end_check_working_days, kConfiguredZh)};
  }
  if (d.id == "D16") {
    return {"APL art. 67: pay within 15 days of service",
            fmt::format("{}第六十七条：自收到行政处罚决定书之日起15日内缴纳罚款", kAplZh)};
  }
  if (d.id == "D22") {
    return {"ACL art. 53: apply to the court within 3 months",
            fmt::format("{}第五十三条：3个月内申请人民法院强制执行", kAclZh)};
  }
  return {"APL art. 85 (periods in days)", fmt::format("{}第八十五条（期限以日计算）", kAplZh)};
}

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
      DeadlineBasis basis = DeadlineBasisOf(d, c, context);
      e.basis = std::move(basis.en);
      e.basis_zh = std::move(basis.zh);
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

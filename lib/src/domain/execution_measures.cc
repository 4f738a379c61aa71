// Monitoring of licence measures (许可类、资格类及停产停业类行政处罚的执行监督;
// 《中华人民共和国行政处罚法》第九条、第五十九条第一款第（三）（四）项、第六十六条
// 第一款; docs/domain.md, D26): a decision that suspends or revokes a
// licence, downgrades a qualification, restricts business, orders
// production or business suspended, closes a business or restricts practice
// is performed over a period (or for good), and the agency follows it up.
// start_licence_measure records when the measure's execution started (and,
// for a temporary one, the end the decision set); record_measure_check
// records a follow-up inspection during the measure (complied or violated)
// and, for a temporary measure, the check at its end (restored, or extended
// by a new decision), or the measure's escalation by a new decision or case
// (at any time). check_deadlines
// reports D26 for each step not yet recorded; a late step is recorded
// (late: true); what the decision does not allow is refused.
#include <algorithm>

#include <fmt/format.h>

#include "domain/execution_helpers.h"

namespace zf::internal {

namespace {

constexpr std::string_view kMeasureBasis =
    "APL arts. 59 ¶1 (3)-(4), 66 ¶1 (the decision states the penalty and the period of "
    "performance; the party performs it within that period)";
constexpr std::string_view kPeriodBasis =
    "APL art. 59 ¶1 (4) (the decision states the period of performance)";

struct MeasureKind {
  std::string_view id;
  std::string_view name;  // APL art. 9
  bool temporary;         // for a period the decision sets
};

constexpr MeasureKind kMeasures[] = {
    {"license_suspension", "暂扣许可证件", true},
    {"qualification_downgrade", "降低资质等级", false},
    {"license_revocation", "吊销许可证件", false},
    {"business_restriction", "限制开展生产经营活动", true},
    {"production_suspension", "责令停产停业", true},
    {"closure_order", "责令关闭", false},
    {"practice_restriction", "限制从业", true},
};

const MeasureKind* FindMeasure(std::string_view id) {
  for (const MeasureKind& m : kMeasures) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

}  // namespace

std::string LicenceMeasureName(std::string_view measure) {
  const MeasureKind* m = FindMeasure(measure);
  return std::string(m ? m->name : measure);
}

std::vector<std::string> ImposedLicenceMeasures(const CaseState& c) {
  std::vector<std::string> out;
  const auto& d = c.procedure_state.decision;
  if (!d || d->type != "penalty" || c.execution.revoked) return out;
  for (const MeasureKind& m : kMeasures) {
    if (std::find(d->penalty_types.begin(), d->penalty_types.end(), m.id) !=
        d->penalty_types.end()) {
      out.emplace_back(m.id);
    }
  }
  return out;
}

const LicenceMeasureState* FindLicenceMeasure(const CaseState& c, std::string_view measure) {
  for (const LicenceMeasureState& m : c.execution.measures) {
    if (m.measure == measure) return &m;
  }
  return nullptr;
}

bool LicenceMeasuresTracked(const EngineOptions& options, const CaseState& c) {
  const auto& d = c.procedure_state.decision;
  auto from = Date::Parse(options.licence_measure_tracked_from);
  return d && from.ok() && d->decided_on >= *from;
}

Result<Date> LicenceMeasureStartDue(const WorkingDayCalendar& cal, const EngineOptions& options,
                                    Date served_on) {
  return AddWorkingDays(cal, served_on, options.licence_measure_start_working_days);
}

namespace {

Result<Date> EndCheckDue(const WorkingDayCalendar& cal, const EngineOptions& options,
                         Date ends_on) {
  return AddWorkingDays(cal, ends_on, options.licence_measure_end_check_working_days);
}

Rejection PeriodInvalid(std::string message, std::string_view field) {
  return Rejection{"measure_period_invalid", std::move(message), std::string(kPeriodBasis),
                   DataPointer(field)};
}

// The targeted case with a penalty decision in force, served, and open;
// the actor acting for its handling subject.
std::variant<const CaseState*, Rejection> MeasureCase(const DecisionContext& context) {
  auto target = TargetCase(context, kMeasureBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const auto& d = c.procedure_state.decision;
  if (c.IsFinal() || !d || d->type != "penalty" || c.execution.revoked || !c.execution.service) {
    return InvalidState(c, "a licence measure is executed and checked on an open case whose "
                           "penalty decision is in force and served",
                        kMeasureBasis);
  }
  if (!ActsFor(context, c.handling_subject)) {
    return Rejection{"not_handling_subject",
                     fmt::format("{} does not act for {}, the handling subject of case {}",
                                 context.command.actor.unit, c.handling_subject, c.id),
                     std::string(kMeasureBasis), "/actor/unit"};
  }
  return &c;
}

Decision DecideStartLicenceMeasure(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = MeasureCase(context);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const std::string measure = Text(data, "measure");
  const MeasureKind* kind = FindMeasure(measure);
  const std::vector<std::string> imposed = ImposedLicenceMeasures(c);
  if (kind == nullptr || std::find(imposed.begin(), imposed.end(), measure) == imposed.end()) {
    return Reject("measure_not_imposed",
                  fmt::format("decision {} of case {} imposes no {} ({}); it imposes {}",
                              c.procedure_state.decision->document_number, c.id,
                              LicenceMeasureName(measure), measure,
                              fmt::join(c.procedure_state.decision->penalty_types, ", ")),
                  std::string(kMeasureBasis), DataPointer("measure"));
  }
  if (FindLicenceMeasure(c, measure) != nullptr) {
    return InvalidState(c, fmt::format("the execution of {} was already recorded", measure),
                        kMeasureBasis);
  }
  auto started = RequiredDate(data, "started_on");
  if (auto* r = std::get_if<Rejection>(&started)) return *r;
  const Date started_on = std::get<Date>(started);
  if (auto r = CheckNotFuture(context, started_on, "started_on")) return *r;
  const Date served_on = c.execution.service->served_on;
  if (started_on < served_on) {
    return PeriodInvalid(fmt::format("{} cannot start on {}, before the decision took effect on "
                                     "service ({})",
                                     measure, started_on.ToString(), served_on.ToString()),
                         "started_on");
  }
  const std::optional<Date> ends_on = OptionalDate(data, "ends_on");
  if (kind->temporary && !ends_on) {
    return PeriodInvalid(fmt::format("{} ({}) is imposed for a period: ends_on, the end the "
                                     "decision set, is required",
                                     kind->name, measure),
                         "ends_on");
  }
  if (!kind->temporary && ends_on) {
    return PeriodInvalid(fmt::format("{} ({}) is not imposed for a period; it has no end",
                                     kind->name, measure),
                         "ends_on");
  }
  if (ends_on && !(started_on < *ends_on)) {
    return PeriodInvalid(fmt::format("the period cannot end on {}, not after its start on {}",
                                     ends_on->ToString(), started_on.ToString()),
                         "ends_on");
  }
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  boost::json::object event = data;
  event["handling_subject"] = c.handling_subject;
  event["temporary"] = kind->temporary;
  Date check_due = AddCalendarDays(started_on, context.options.licence_measure_check_days);
  if (ends_on && *ends_on < check_due) check_due = *ends_on;
  event["check_due_on"] = check_due.ToString();
  if (ends_on) {
    auto end_due = EndCheckDue(cal, context.options, *ends_on);
    if (!end_due.ok()) return CalendarUnavailable(end_due.status(), "D26 (the check at the end)");
    event["end_check_due_on"] = end_due->ToString();
  }
  if (LicenceMeasuresTracked(context.options, c)) {
    auto due = LicenceMeasureStartDue(cal, context.options, served_on);
    if (!due.ok()) return CalendarUnavailable(due.status(), "D26 (record the execution)");
    event["due_on"] = due->ToString();
    event["late"] = Breached(*due, context.date());
  }
  return Events(Emit("licence_measure_started", std::move(event)));
}

Status EvolveLicenceMeasureStarted(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  LicenceMeasureState m;
  ZF_ASSIGN_OR_RETURN(m.measure, EventText(event, "measure"));
  ZF_ASSIGN_OR_RETURN(m.started_on, EventDate(event, "started_on"));
  ZF_ASSIGN_OR_RETURN(m.check_due_on, EventDate(event, "check_due_on"));
  m.recorded_on = EventDay(state);
  m.temporary = Flag(data, "temporary");
  m.ends_on = OptionalDate(data, "ends_on");
  m.end_check_due_on = OptionalDate(data, "end_check_due_on");
  state.execution.measures.push_back(std::move(m));
  return Status::Ok();
}

bool EndResult(std::string_view result) {
  return result == "restored" || result == "extended" || result == "escalated";
}

Decision DecideRecordMeasureCheck(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = MeasureCase(context);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const std::string measure = Text(data, "measure");
  const LicenceMeasureState* m = FindLicenceMeasure(c, measure);
  if (m == nullptr) {
    return Reject("measure_not_started",
                  fmt::format("case {} has no recorded execution of {} ({}) to check; record it "
                              "first (start_licence_measure)",
                              c.id, LicenceMeasureName(measure), measure),
                  std::string(kMeasureBasis), DataPointer("measure"));
  }
  if (!m->outcome.empty()) {
    return InvalidState(c, fmt::format("{} ended ({} on {}); nothing is left to check", measure,
                                       m->outcome, m->ended_on ? m->ended_on->ToString() : "?"),
                        kMeasureBasis);
  }
  auto checked = RequiredDate(data, "checked_on");
  if (auto* r = std::get_if<Rejection>(&checked)) return *r;
  const Date checked_on = std::get<Date>(checked);
  if (auto r = CheckNotFuture(context, checked_on, "checked_on")) return *r;
  if (checked_on < m->started_on) {
    return PeriodInvalid(fmt::format("the check on {} precedes the start of {} on {}",
                                     checked_on.ToString(), measure, m->started_on.ToString()),
                         "checked_on");
  }
  if (auto r = CheckOfficers(context, TextList(data, "officers"), c.handling_subject, 2,
                             "officers")) {
    return *r;
  }
  const std::string result = Text(data, "result");
  const bool end = EndResult(result);
  boost::json::object event = data;
  event["handling_subject"] = c.handling_subject;
  if (end) {
    if (!m->temporary) {
      return Reject("measure_outcome_invalid",
                    fmt::format("{} ({}) is not imposed for a period: it is not restored, "
                                "extended or escalated at an end; record a follow-up "
                                "inspection (complied or violated)",
                                LicenceMeasureName(measure), measure),
                    std::string(kMeasureBasis), DataPointer("result"));
    }
    // Restored or extended at the end the decision set; escalated (a new
    // decision or case, e.g. revocation for operating while suspended)
    // whenever the facts call for it.
    if (result != "escalated" && checked_on < *m->ends_on) {
      return Reject("measure_period_running",
                    fmt::format("{} ({}) runs until {} as the decision set it; on {} it cannot be "
                                "{} (only escalated, by a new decision)",
                                LicenceMeasureName(measure), measure, m->ends_on->ToString(),
                                checked_on.ToString(), result),
                    "APL art. 66 ¶1 (performed within the period the decision states)",
                    DataPointer("checked_on"));
    }
    if ((result == "extended" || result == "escalated") &&
        Text(data, "decision_reference").empty()) {
      return Reject("measure_outcome_invalid",
                    fmt::format("a measure is {} only by a new decision (or a new case): "
                                "decision_reference is required",
                                result),
                    std::string(kMeasureBasis), DataPointer("decision_reference"));
    }
    event["ends_on"] = m->ends_on->ToString();
    event["due_on"] = m->end_check_due_on ? m->end_check_due_on->ToString() : "";
    if (m->end_check_due_on) {
      event["late"] = Breached(*m->end_check_due_on, checked_on);
    } else {
      event.erase("due_on");
    }
    if (result == "extended") {
      const std::optional<Date> to = OptionalDate(data, "extended_to");
      if (!to || !(*m->ends_on < *to)) {
        return PeriodInvalid(fmt::format("an extension names its new end (extended_to), after {}",
                                         m->ends_on->ToString()),
                             "extended_to");
      }
      auto end_due = EndCheckDue(context.InForce().Calendar(), context.options, *to);
      if (!end_due.ok()) {
        return CalendarUnavailable(end_due.status(), "D26 (the check at the end)");
      }
      event["end_check_due_on"] = end_due->ToString();
    }
  } else {
    if (m->temporary && *m->ends_on < checked_on) {
      return Reject("measure_outcome_invalid",
                    fmt::format("the period of {} ended on {}: the check on {} is the end's "
                                "(restored, extended or escalated)",
                                measure, m->ends_on->ToString(), checked_on.ToString()),
                    std::string(kMeasureBasis), DataPointer("result"));
    }
    if (!m->checked_on) {
      event["due_on"] = m->check_due_on.ToString();
      event["late"] = Breached(m->check_due_on, checked_on);
    }
  }
  if (!end || result != "extended") event.erase("extended_to");
  return Events(Emit("licence_measure_checked", std::move(event)));
}

Status EvolveLicenceMeasureChecked(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  ZF_ASSIGN_OR_RETURN(std::string measure, EventText(event, "measure"));
  ZF_ASSIGN_OR_RETURN(Date checked_on, EventDate(event, "checked_on"));
  ZF_ASSIGN_OR_RETURN(std::string result, EventText(event, "result"));
  for (LicenceMeasureState& m : state.execution.measures) {
    if (m.measure != measure) continue;
    if (result == "extended") {
      m.ends_on = OptionalDate(data, "extended_to");
      m.end_check_due_on = OptionalDate(data, "end_check_due_on");
      m.extensions += 1;
    } else if (EndResult(result)) {
      m.outcome = result;
      m.ended_on = checked_on;
    } else {
      if (!m.checked_on) m.checked_on = checked_on;
      m.last_result = result;
    }
    return Status::Ok();
  }
  return CorruptionError("licence_measure_checked for a measure never started");
}

}  // namespace

std::vector<std::string> UnmetLicenceMeasures(const EngineOptions& options, const CaseState& c) {
  std::vector<std::string> unmet;
  if (!LicenceMeasuresTracked(options, c)) return unmet;
  for (const std::string& id : ImposedLicenceMeasures(c)) {
    const LicenceMeasureState* m = FindLicenceMeasure(c, id);
    if (m == nullptr) {
      unmet.push_back(fmt::format("the execution of {} recorded (start_licence_measure)", id));
    } else if (m->temporary && m->outcome.empty()) {
      unmet.push_back(fmt::format("{} ended (record_measure_check: restored or escalated)", id));
    } else if (!m->temporary && !m->checked_on) {
      unmet.push_back(fmt::format("a follow-up inspection of {} (record_measure_check)", id));
    }
  }
  return unmet;
}

const std::vector<CommandSpec>& MeasureCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"start_licence_measure", "case_id", kCaseStreamPrefix, &DecideStartLicenceMeasure},
      {"record_measure_check", "case_id", kCaseStreamPrefix, &DecideRecordMeasureCheck},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& MeasureEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"licence_measure_started", &EvolveLicenceMeasureStarted},
      {"licence_measure_checked", &EvolveLicenceMeasureChecked},
  };
  return kEvolvers;
}

}  // namespace zf::internal

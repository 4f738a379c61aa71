// Filing (立案) and declining to file (不予立案), docs/domain.md, Clue: the filing
// conditions of MSR art. 19 — the subject is competent (J1-J3), the agency
// head approved, two credentialed handlers, within the limitation period
// (D1, APL art. 36), and nobody filed the same act first (J5, APL art. 25).
#include <algorithm>

#include <fmt/format.h>

#include "domain/clue_internal.h"
#include "domain/penalty_rules.h"

namespace zf::internal {
namespace {

constexpr std::string_view kOfficersBasis = "APL arts. 42, 55 (at least two credentialed officers)";
constexpr std::string_view kLimitationBasis =
    "APL art. 36 (2 years; 5 where life, health and safety or financial security are concerned "
    "and harm was caused)";
constexpr std::string_view kFirstViolationBasis =
    "《中华人民共和国行政处罚法》第三十三条第一款（初次违法且危害后果轻微并及时改正的，可以不予行政"
    "处罚）";
constexpr std::string_view kDeclineBasis =
    "市场监督管理行政处罚程序规定 art. 20; APL art. 33 (no penalty)";

bool FileableState(std::string_view state) {
  return state == "registered" || state == "assigned" || state == "verifying" ||
         state == "transferred" || state == "designated";
}

// J1-J3 (and a designation, J5): only the competent subject files.
std::optional<Rejection> CheckCompetence(const DecisionContext& context, const CaseState& c,
                                         const std::string& item, const std::string& subject) {
  constexpr std::string_view kVoid =
      "APL art. 38 (a decision by a subject without the power is void)";
  if (!c.clue.designee.empty() && c.clue.designee != subject) {
    return Rejection{"subject_not_competent",
                     fmt::format("the district government designated {} to handle {}; {} may not "
                                 "file it",
                                 c.clue.designee, c.id, subject),
                     std::string(kJurisdictionBasis), "/actor/unit"};
  }
  Competence answer;
  if (MayHandleClue(context, c, item, subject, &answer)) return std::nullopt;
  const std::string competent = answer.subject.empty() ? "nobody" : answer.subject;
  if (answer.delegated && subject == answer.original_subject) {
    return Rejection{
        "subject_not_competent",
        fmt::format("{} is delegated to {} ({}); the department does not handle it inside {} "
                    "(J3: department_retains_for does not list {}); transfer the clue to {}",
                    item, competent, answer.reason, c.township, item, competent),
        "APL art. 24 (the township enforces a delegated item in its own name; no duplicate enforcement); " + std::string(kVoid), "/actor/unit"};
  }
  return Rejection{"subject_not_competent",
                   fmt::format("{} may not file a case on {} in {} on {}: the competent subject "
                               "is {} ({}); transfer the clue to {} instead (transfer_clue, J2)",
                               subject, item, c.township, context.date().ToString(), competent,
                               answer.reason, competent),
                   std::string(kVoid), "/actor/unit"};
}

// At least two handlers, each an officer of the subject with a credential
// valid on the day.
std::optional<Rejection> CheckHandlers(const DecisionContext& context,
                                       const std::vector<std::string>& handlers,
                                       const std::string& subject, std::string_view field) {
  if (handlers.size() < 2) {
    return Rejection{"too_few_officers",
                     fmt::format("{} officer(s) named; at least 2 are required", handlers.size()),
                     std::string(kOfficersBasis), DataPointer(field)};
  }
  const RuleBookView rules = context.InForce();
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    const std::string pointer = fmt::format("{}/{}", DataPointer(field), i);
    const Credential* credential = rules.ValidCredential(handlers[i]);
    if (credential == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} holds no enforcement credential valid on {}", handlers[i],
                                   context.date().ToString()),
                       std::string(kOfficersBasis), pointer};
    }
    if (credential->agency != subject) {
      return Rejection{"credential_invalid",
                       fmt::format("{}'s credential {} was issued by {}, not by {}", handlers[i],
                                   credential->number, credential->agency, subject),
                       "APL arts. 42, 55 (credential of the handling subject) [U][C]",
                       pointer};
    }
  }
  return std::nullopt;
}

// The D1 facts as the command states them, else as the clue did.
struct ActFacts {
  std::optional<Date> act_ended_on;
  bool harm_caused = false;
  std::vector<std::string> concerns;
};

ActFacts FactsOf(const DecisionContext& context, const CaseState& c) {
  const boost::json::object& data = Data(context);
  ActFacts f;
  f.act_ended_on = OptionalDate(data, "act_ended_on");
  if (!f.act_ended_on) f.act_ended_on = c.act_ended_on;
  f.harm_caused = Flag(data, "harm_caused", c.clue.harm_caused);
  f.concerns = data.contains("concerns") ? TextList(data, "concerns") : c.clue.concerns;
  return f;
}

// D1 for `facts`: the rule, and the last day of discovery (nullopt when the
// act date is unknown).
struct LimitationAnswer {
  LimitationRule rule;
  std::optional<Date> last_day;
  bool expired = false;
};

Result<LimitationAnswer> Limitation(const DecisionContext& context, const CaseState& c,
                                    const std::string& item, const ActFacts& facts) {
  LimitationAnswer a;
  a.rule = LimitationFor(context, item, facts.harm_caused, facts.concerns);
  if (!facts.act_ended_on) return a;
  ZF_ASSIGN_OR_RETURN(Date last, LimitationLastDay(*facts.act_ended_on, a.rule.years));
  a.last_day = last;
  a.expired = c.discovered_on > last;
  return a;
}

void PutLimitation(boost::json::object& event, const ActFacts& facts, const LimitationAnswer& a) {
  if (facts.act_ended_on) event["act_ended_on"] = facts.act_ended_on->ToString();
  event["harm_caused"] = facts.harm_caused;
  if (!facts.concerns.empty()) {
    boost::json::array list;
    for (const auto& s : facts.concerns) list.emplace_back(s);
    event["concerns"] = std::move(list);
  }
  event["limitation_years"] = a.rule.years;
  if (a.last_day) event["limitation_last_day"] = a.last_day->ToString();
}

Rejection LimitationExpired(const CaseState& c, const ActFacts& facts, const LimitationAnswer& a) {
  return Rejection{"limitation_expired",
                   fmt::format("the act ended on {} and was discovered on {}: the {}-year "
                               "limitation ran out on {} ({})",
                               facts.act_ended_on->ToString(), c.discovered_on.ToString(),
                               a.rule.years, a.last_day->ToString(), a.rule.why),
                   std::string(kLimitationBasis), DataPointer("act_ended_on")};
}

}  // namespace

Decision DecideFileCase(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (!FileableState(c.state)) {
    return InvalidState(c, "file_case",
                        "an open clue (registered, assigned, verifying, transferred or "
                        "designated; a clue awaiting designation is filed by the designee)",
                        kFilingBasis);
  }
  const std::string item = ItemOf(context, c);
  if (auto r = RequireItemInForce(context, item)) return *r;
  const PowerItemVersion* item_version = context.InForce().PowerItem(item);
  const std::string subject = SubjectOfUnit(context);
  if (auto r = CheckCompetence(context, c, item, subject)) return *r;
  // A subject that transferred the clue away gave it up, even where it
  // would be competent too (a boundary): only the receiver files it.
  if (c.state == "transferred" && c.clue.holder != subject) {
    return Reject("not_clue_holder",
                  fmt::format("clue {} was transferred to {}; {} may not file it", c.id,
                              c.clue.holder, subject),
                  std::string(kJurisdictionBasis), "/actor/unit");
  }
  const std::string approver = Text(data, "approved_by");
  if (auto r = CheckHeadApproval(context, approver, subject, "approved_by", kFilingBasis)) {
    return *r;
  }
  const std::vector<std::string> handlers = TextList(data, "handlers");
  if (auto r = CheckHandlers(context, handlers, subject, "handlers")) return *r;

  const ActFacts facts = FactsOf(context, c);
  if (facts.act_ended_on && c.discovered_on < *facts.act_ended_on) {
    return Reject("act_after_discovery", "act_ended_on is after the clue's discovered_on",
                  "APL art. 36 (limitation runs from the act)", DataPointer("act_ended_on"));
  }
  auto limitation = Limitation(context, c, item, facts);
  if (!limitation.ok()) {
    return Reject("act_after_discovery", std::string(limitation.status().message()),
                  std::string(kLimitationBasis), DataPointer("act_ended_on"));
  }
  if (limitation->expired) return LimitationExpired(c, facts, *limitation);

  // J5: the subject that filed the same act first keeps it.
  CaseState probe = c;
  probe.act_ended_on = facts.act_ended_on;
  const auto earlier = context.cases.FiledCasesOfSameAct(probe, item);
  // A designation in a positive conflict overrides the first filer (APL
  // art. 25 ¶2): the other claimant hands its case over.
  const bool designated_over_first =
      c.state == "designated" && c.clue.positive_conflict && c.clue.designee == subject;
  if (!earlier.empty() && !designated_over_first) {
    const CaseState& first = *earlier.front();
    if (first.handling_subject != subject) {
      return Reject("already_filed_elsewhere",
                    fmt::format("{} filed the same act as case {} on {} first; it handles it "
                                "(first filer), {} may not file it again",
                                first.handling_subject, first.id, first.filed_on->ToString(),
                                subject),
                    std::string(kJurisdictionBasis), "/case_id");
    }
    return Reject("already_filed",
                  fmt::format("{} already filed the same act as case {} on {}; merge this clue "
                              "into it (merge_clue)",
                              subject, first.id, first.filed_on->ToString()),
                  "APL art. 29 (one act, one penalty)", "/case_id");
  }

  Competence answer;
  MayHandleClue(context, c, item, subject, &answer);
  boost::json::object event = data;
  event["item_code"] = item;
  event["item_version"] = static_cast<std::int64_t>(item_version->version);
  event["handling_subject"] = subject;
  event["issuer_name"] = context.rules.org().LegalNameOf(subject).value_or(subject);
  event["filed_on"] = context.date().ToString();
  event["competence_reason"] = answer.reason;
  event["competence_basis"] = answer.legal_basis;
  event["delegated"] = answer.delegated;
  PutLimitation(event, facts, *limitation);
  return Events(Emit("case_filed", std::move(event)));
}

Status EvolveCaseFiled(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  state.state = "filed";
  state.procedure = "ordinary";
  ZF_ASSIGN_OR_RETURN(state.item_code, EventText(event, "item_code"));
  ZF_ASSIGN_OR_RETURN(state.handling_subject, EventText(event, "handling_subject"));
  ZF_ASSIGN_OR_RETURN(Date filed_on, EventDate(event, "filed_on"));
  ZF_ASSIGN_OR_RETURN(std::int64_t version, EventInt(event, "item_version"));
  state.filed_on = filed_on;
  state.filed_at = state.timeline.back().at;
  state.item_version = static_cast<std::uint32_t>(version);
  state.handlers = TextList(data, "handlers");
  state.delegated = Flag(data, "delegated");
  if (auto act = OptionalDate(data, "act_ended_on")) state.act_ended_on = act;
  state.clue.harm_caused = Flag(data, "harm_caused", state.clue.harm_caused);
  if (data.contains("concerns")) state.clue.concerns = TextList(data, "concerns");
  state.clue.holder = state.handling_subject;
  return Status::Ok();
}

Decision DecideDeclineFiling(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (!FileableState(c.state)) {
    return InvalidState(c, "decline_filing",
                        "an open clue held by the subject (registered, assigned, verifying, "
                        "transferred or designated)",
                        kDeclineBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const std::string approver = Text(data, "approved_by");
  if (auto r = CheckHeadApproval(context, approver, c.clue.holder, "approved_by",
                                 kDeclineBasis)) {
    return *r;
  }
  const std::string reason = Text(data, "reason");
  const ActFacts facts = FactsOf(context, c);
  const std::string item = ItemOf(context, c);
  auto limitation = Limitation(context, c, item, facts);
  if (!limitation.ok()) {
    return Reject("act_after_discovery", std::string(limitation.status().message()),
                  std::string(kLimitationBasis), DataPointer("act_ended_on"));
  }
  if (reason == "limitation_expired" && !limitation->expired) {
    return Reject("limitation_not_expired",
                  facts.act_ended_on
                      ? fmt::format("the act ended on {} and was discovered on {}, within the "
                                    "{}-year limitation (last day {}; {})",
                                    facts.act_ended_on->ToString(), c.discovered_on.ToString(),
                                    limitation->rule.years, limitation->last_day->ToString(),
                                    limitation->rule.why)
                      : std::string("the act date (act_ended_on) is unknown, so the limitation "
                                    "cannot be shown to have expired"),
                  std::string(kLimitationBasis), DataPointer("reason"));
  }
  const bool corrected = reason == "minor_corrected_no_harm" || reason == "first_minor_corrected";
  if (corrected) {
    const std::optional<Date> confirmed = OptionalDate(data, "correction_confirmed_on");
    if (!confirmed || *confirmed > context.date()) {
      return Reject("correction_not_confirmed",
                    fmt::format("{} needs the day a re-inspection confirmed the correction "
                                "(correction_confirmed_on, not after today)",
                                reason),
                    "APL art. 33 ¶1 (corrected promptly)", DataPointer("correction_confirmed_on"));
    }
    for (const SoftMeasure& m : c.clue.soft_measures) {
      if (m.kind == "correction_notice" && m.due_on && *confirmed > *m.due_on) {
        return Reject("correction_not_timely",
                      fmt::format("correction notice {} required correction by {}; it was "
                                  "confirmed on {}",
                                  m.document_number, m.due_on->ToString(), confirmed->ToString()),
                      "APL art. 33 ¶1 (corrected promptly)",
                      DataPointer("correction_confirmed_on"));
      }
    }
  }
  // 首违不罚 is for a first violation only: the party's history across every
  // subject inside the lookback window, as at the decision (docs/domain.md, Leniency: the four lists).
  std::optional<FirstViolationAnswer> first;
  if (reason == "first_minor_corrected") {
    CaseState probe = c;
    probe.item_code = item;
    probe.act_ended_on = facts.act_ended_on;
    first = JudgeFirstViolation(context, probe);
    if (!first->party_known) {
      return Reject("not_first_violation",
                    "the clue names no party (party.id), so its history cannot show a first "
                    "violation; decline on another ground or file the case",
                    std::string(kFirstViolationBasis), "/case_id");
    }
    if (!first->prior.empty()) {
      return Reject("not_first_violation",
                    fmt::format("{} already committed a violation established in case {} within "
                                "the {} months before the act ({}{}): not a first violation, so "
                                "首违不罚 does not apply",
                                c.party.id, first->prior.front(), first->lookback_months,
                                first->scope, first->entry.empty() ? "" : ", list entry " +
                                                                              first->entry),
                    std::string(kFirstViolationBasis), DataPointer("reason"));
    }
  }
  if ((corrected || reason == "no_fault") && Text(data, "education_record").empty()) {
    return Reject("education_required",
                  "where no penalty is imposed the party must be educated: name the education "
                  "record (education_record)",
                  "APL art. 33 ¶3", DataPointer("education_record"));
  }
  boost::json::object event = data;
  event["declined_by"] = c.clue.holder;
  event["declined_on"] = context.date().ToString();
  if (!item.empty()) event["item_code"] = item;
  PutLimitation(event, facts, *limitation);
  if (first) {
    boost::json::object o{{"lookback_months", first->lookback_months}, {"scope", first->scope}};
    if (!first->entry.empty()) o["entry"] = first->entry;
    event["first_violation"] = std::move(o);
  }
  return Events(Emit("filing_declined", std::move(event)));
}

Status EvolveFilingDeclined(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.clue.declined_reason, EventText(event, "reason"));
  state.clue.declined_on = OptionalDate(event.data.as_object(), "declined_on");
  state.clue.declined_at = state.timeline.back().at;
  if (auto act = OptionalDate(event.data.as_object(), "act_ended_on")) state.act_ended_on = act;
  state.state = "not_filed";
  return Status::Ok();
}

}  // namespace zf::internal

#include "projection/explain.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "domain/case_helpers.h"
#include "domain/execution_helpers.h"
#include "domain/penalty_rules.h"
#include "projection/legal_text.h"
#include "domain/procedure_common.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

std::int64_t I(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::string TextOf(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::optional<std::int64_t> IntOf(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}
const object* ObjectOf(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}
const array* ArrayOf(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

// The party category benchmarks are kept by (as the penalty rules read it).
PartyCategory CategoryOf(const CaseState& c) {
  if (c.party.category == "natural_person") return PartyCategory::kNaturalPerson;
  if (c.party.category == "individual_business") return PartyCategory::kIndividualBusiness;
  return PartyCategory::kLegalPerson;
}

// Collects what disagrees between the recorded and the resolved rules.
class Signals {
 public:
  void Add(std::string text) { list_.emplace_back(std::move(text)); }
  array Take() { return std::move(list_); }
  bool empty() const { return list_.empty(); }

 private:
  array list_;
};

object ProvenanceJson(const RuleBook& rules, std::string_view stream, std::uint64_t version) {
  object o{{"stream", stream}, {"version", I(version)}};
  if (const RuleBook::Provenance* p = rules.ProvenanceOf(stream, version)) {
    o["position"] = I(p->position);
    o["hash"] = p->hash;
    o["type"] = p->type;
    o["occurred_at"] = p->occurred_at;
  }
  return o;
}

object PeriodJson(const EffectivePeriod& period) {
  object o{{"effective_from", period.from_text}};
  if (!period.to_text.empty()) o["effective_to"] = period.to_text;
  return o;
}

// One rule version used: kind, id, version, dates, provenance, and the
// version the event recorded (when it recorded one) with the verdict.
object RuleJson(std::string_view kind, std::string_view id, std::int64_t version, object dates,
                object provenance, std::optional<std::int64_t> recorded, Signals* signals,
                std::string_view decision) {
  object o{{"kind", kind}, {"id", id}, {"version", version}};
  for (auto& [k, v] : dates) o[k] = v;
  o["provenance"] = std::move(provenance);
  if (recorded) {
    o["recorded_version"] = *recorded;
    o["agrees"] = *recorded == version;
    if (*recorded != version) {
      signals->Add(fmt::format("{}: {} {} recorded v{}, the rules in force then give v{}", decision,
                               kind, id, *recorded, version));
    }
  }
  return o;
}

object PowerItemRule(const RuleBook& rules, const PowerItemVersion& item,
                     std::optional<std::int64_t> recorded, Signals* signals,
                     std::string_view decision) {
  object dates{{"effective_from", item.effective_from.ToString()}, {"name", item.name}};
  return RuleJson("power_item", item.item_code, item.version, std::move(dates),
                  ProvenanceJson(rules, kPowersStream, item.stream_version), recorded, signals,
                  decision);
}

// The competence (J1–J3) the filing rests on, resolved on `date`: the item,
// the delegation batch and the township's acceptance.
void CompetenceRules(const RuleBook& rules, const EngineOptions& options, const CaseState& c,
                     std::int64_t at, const object& recorded, array* out, object* inputs,
                     Signals* signals, std::string_view decision) {
  const RuleBookView view = rules.AsOf(at);
  auto competence = view.CompetentSubject(c.item_code, c.township, CompetenceConfigOf(options));
  if (!competence.ok()) {
    signals->Add(fmt::format("{}: competence cannot be resolved: {}", decision,
                             competence.status().message()));
    return;
  }
  object comp{{"subject", competence->subject},
              {"delegated", competence->delegated},
              {"reason", competence->reason},
              {"legal_basis", competence->legal_basis},
              {"department_retains", competence->department_retains}};
  const std::string recorded_reason = TextOf(recorded, "competence_reason");
  const std::string recorded_subject = TextOf(recorded, "handling_subject");
  comp["recorded_reason"] = recorded_reason;
  comp["recorded_subject"] = recorded_subject;
  const bool agrees = recorded_reason == competence->reason &&
                      (recorded_subject == competence->subject ||
                       (competence->department_retains &&
                        recorded_subject == competence->original_subject));
  comp["agrees"] = agrees;
  if (!agrees) {
    signals->Add(fmt::format("{}: recorded competence {} ({}), the rules in force then give {} ({})",
                             decision, recorded_subject, recorded_reason, competence->subject,
                             competence->reason));
  }
  (*inputs)["competence"] = std::move(comp);
  if (competence->batch.empty()) return;
  if (const DelegationBatch* batch = rules.powers().Batch(competence->batch)) {
    object dates{{"effective_from", batch->effective_from.ToString()},
                 {"decided_on", batch->decided_on.ToString()},
                 {"document_number", batch->document_number},
                 {"title", batch->title}};
    out->push_back(RuleJson("delegation", batch->batch, I(batch->stream_version), std::move(dates),
                            ProvenanceJson(rules, kPowersStream, batch->stream_version),
                            std::nullopt, signals, decision));
  }
  if (const DelegationConfirmation* confirmed =
          rules.powers().ConfirmationAsOf(c.township, competence->batch, view.date())) {
    object dates{{"signed_on", confirmed->signed_on.ToString()},
                 {"township", confirmed->township},
                 {"document", confirmed->document},
                 {"accepted", std::find(confirmed->accepted.begin(), confirmed->accepted.end(),
                                        c.item_code) != confirmed->accepted.end()}};
    out->push_back(RuleJson("acceptance", confirmed->township + "/" + confirmed->batch,
                            I(confirmed->stream_version), std::move(dates),
                            ProvenanceJson(rules, kPowersStream, confirmed->stream_version),
                            std::nullopt, signals, decision));
  }
}

// "id@version" strings of the recorded leniency_entries.
std::set<std::string> RecordedApplied(const object& data) {
  std::set<std::string> out;
  if (const array* list = ArrayOf(data, "leniency_entries")) {
    for (const value& v : *list) {
      if (v.is_string()) out.emplace(v.as_string());
    }
  }
  return out;
}

// The list entries the evaluation judged, each resolved as of `at`; and
// the entries in force then that the evaluation did not judge.
void LeniencyRules(const RuleBook& rules, const CaseState& c, std::int64_t at,
                   const object& evaluation, array* out, Signals* signals,
                   std::string_view decision) {
  std::set<std::string> judged;
  if (const array* entries = ArrayOf(evaluation, "entries")) {
    for (const value& v : *entries) {
      const object* e = v.if_object();
      if (e == nullptr) continue;
      const std::string id = TextOf(*e, "entry_id");
      judged.insert(id);
      const std::optional<std::int64_t> recorded = IntOf(*e, "version");
      const LeniencyEntry* entry = rules.leniency().Entry(id, at);
      if (entry == nullptr) {
        signals->Add(fmt::format("{}: list entry {} v{} was judged but none is in force then",
                                 decision, id, recorded.value_or(0)));
        continue;
      }
      object dates = PeriodJson(entry->period);
      dates["list_kind"] = LeniencyListKindName(entry->list_kind);
      dates["mandatory"] = entry->mandatory;
      dates["ground"] = entry->leniency_ground;
      dates["status"] = TextOf(*e, "status");
      dates["answer"] = TextOf(*e, "answer");
      if (auto reason = TextOf(*e, "reason"); !reason.empty()) dates["reason"] = reason;
      out->push_back(RuleJson("leniency_entry", id, entry->version, std::move(dates),
                              ProvenanceJson(rules, kLeniencyStream, entry->stream_version),
                              recorded, signals, decision));
    }
  }
  const bool evaluated = evaluation.contains("entries");
  for (const LeniencyEntry* e : rules.leniency().EntriesInForce(c.item_code, at)) {
    if (judged.contains(e->entry_id)) continue;
    if (evaluated) {
      signals->Add(fmt::format("{}: list entry {} v{} was in force for {} but not judged",
                               decision, e->entry_id, e->version, c.item_code));
      continue;
    }
    // The event records no evaluation (an on-the-spot decision): the
    // entries in force are shown, nothing is cross-checked.
    object dates = PeriodJson(e->period);
    dates["list_kind"] = LeniencyListKindName(e->list_kind);
    dates["mandatory"] = e->mandatory;
    dates["ground"] = e->leniency_ground;
    dates["status"] = "in_force_not_recorded";
    out->push_back(RuleJson("leniency_entry", e->entry_id, e->version, std::move(dates),
                            ProvenanceJson(rules, kLeniencyStream, e->stream_version),
                            std::nullopt, signals, decision));
  }
}

// The benchmark version the decision recorded, found in its history, and
// the version in force on the date the law in time chose.
const DiscretionBenchmark* BenchmarkRule(const RuleBook& rules, const CaseState& c,
                                         std::int64_t at, const object& data,
                                         const object& evaluation, array* out, Signals* signals,
                                         std::string_view decision) {
  const std::string id = TextOf(data, "benchmark_id");
  if (id.empty()) return nullptr;
  const std::int64_t recorded = IntOf(data, "benchmark_version").value_or(0);
  const object* law = ObjectOf(evaluation, "law_in_time");
  std::int64_t resolve_at = at;
  std::string resolved_on = "decision_date";
  if (law != nullptr && TextOf(*law, "applied") == "act_date") {
    if (auto act = Date::Parse(TextOf(*law, "act_date")); act.ok()) {
      resolve_at = LocalStartOfDay(*act);
      resolved_on = "act_date";
    }
  }
  const DiscretionBenchmark* in_force =
      rules.benchmarks().BenchmarkInForce(c.item_code, CategoryOf(c), resolve_at);
  if (in_force == nullptr || in_force->benchmark_id != id) {
    signals->Add(fmt::format("{}: benchmark {} v{} recorded, but {} is in force on the {}",
                             decision, id, recorded,
                             in_force ? fmt::format("{} v{}", in_force->benchmark_id,
                                                    in_force->version)
                                      : std::string("none"),
                             resolved_on));
    for (const DiscretionBenchmark* b : rules.benchmarks().History(id)) {
      if (b->version == recorded) in_force = b;
    }
    if (in_force == nullptr || in_force->benchmark_id != id) return nullptr;
  }
  object dates = PeriodJson(in_force->period);
  dates["item_code"] = in_force->item_code;
  dates["resolved_on"] = resolved_on;
  dates["document"] = in_force->document;
  out->push_back(RuleJson("benchmark", id, in_force->version, std::move(dates),
                          ProvenanceJson(rules, kBenchmarksStream, in_force->stream_version),
                          recorded, signals, decision));
  return in_force;
}

// A string, not a view: `a.empty() ? "general" : a` is a std::string
// temporary, and a view of it dangled (issue 14 §2).
std::string AdjustmentName(std::string a) { return a.empty() ? std::string("general") : a; }

// The fine arithmetic, redone from the benchmark: statutory range, the
// level's range, the bands, the range the adjustment allows, and whether
// the amount is inside it.
object FineComputation(const EngineOptions& options, const DiscretionBenchmark& b,
                       const object& data, const object& evaluation, Signals* signals,
                       std::string_view decision) {
  const std::int64_t fine = IntOf(data, "fine_fen").value_or(0);
  const std::optional<std::int64_t> base = IntOf(data, "base_fen");
  const std::string level_name = TextOf(data, "circumstance_level");
  const std::string adjustment = AdjustmentName(TextOf(data, "adjustment"));
  object o{{"fine_fen", fine},
           {"adjustment", adjustment},
           {"circumstance_level", level_name},
           {"band_basis", options.fine_band_basis},
           {"lighter_band_pct", b.lighter_band_pct},
           {"heavier_band_pct", b.heavier_band_pct}};
  if (base) o["base_fen"] = *base;
  std::optional<std::pair<std::int64_t, std::int64_t>> statutory;
  if (b.fine) {
    if (b.fine->kind == FineKind::kMultiple) {
      if (base) {
        statutory = {*base * b.fine->k_min_pct / 100, *base * b.fine->k_max_pct / 100};
      }
    } else {
      statutory = {b.fine->min_fen, b.fine->max_fen};
    }
  }
  if (statutory) {
    o["statutory_min_fen"] = statutory->first;
    o["statutory_max_fen"] = statutory->second;
    if (auto lighter = LighterBandMax(statutory->first, statutory->second, b.lighter_band_pct);
        lighter.ok()) {
      o["lighter_band_max_fen"] = *lighter;
    }
    if (auto heavier = HeavierBandMin(statutory->first, statutory->second, b.heavier_band_pct);
        heavier.ok()) {
      o["heavier_band_min_fen"] = *heavier;
    }
  }
  const auto level = ParseCircumstanceLevel(level_name);
  if (level) {
    if (const BenchmarkLevel* l = b.Level(*level)) {
      if (l->fine_min_fen) o["level_min_fen"] = *l->fine_min_fen;
      if (l->fine_max_fen) o["level_max_fen"] = *l->fine_max_fen;
      if (l->k_min_pct) o["level_k_min_pct"] = *l->k_min_pct;
      if (l->k_max_pct) o["level_k_max_pct"] = *l->k_max_pct;
      array criteria;
      for (const std::string& s : l->criteria) criteria.emplace_back(s);
      o["level_criteria"] = std::move(criteria);
    }
  }
  // The range the decider allowed, as recorded; and redone where the
  // arithmetic is the benchmark's alone (a level-based check).
  const object* recorded = ObjectOf(evaluation, "fine");
  const std::optional<std::int64_t> recorded_lo =
      recorded ? IntOf(*recorded, "allowed_min_fen") : std::nullopt;
  const std::optional<std::int64_t> recorded_hi =
      recorded ? IntOf(*recorded, "allowed_max_fen") : std::nullopt;
  bool known = recorded_lo.has_value() && recorded_hi.has_value();
  std::int64_t lo = recorded_lo.value_or(0);
  std::int64_t hi = recorded_hi.value_or(0);
  // Redone for the general and heavier adjustments only: a lighter band may
  // be narrowed by an accepted list entry, which only the decider applied.
  if (level && (adjustment == "general" || adjustment == "heavier")) {
    bool redone = false;
    std::int64_t redone_lo = 0;
    std::int64_t redone_hi = 0;
    if (options.fine_band_basis == "level") {
      const FineCheck check =
          CheckFine(b, *level, fine,
                    adjustment == "heavier" ? FineAdjustment::kHeavier : FineAdjustment::kGeneral,
                    base);
      if (check.ok() || check.allowed_max_fen > 0) {
        redone = true;
        redone_lo = check.allowed_min_fen;
        redone_hi = check.allowed_max_fen;
      }
    } else if (adjustment == "general" && o.contains("level_min_fen") &&
               o.contains("level_max_fen")) {
      redone = true;
      redone_lo = o["level_min_fen"].as_int64();
      redone_hi = o["level_max_fen"].as_int64();
    } else if (adjustment == "heavier" && statutory && o.contains("heavier_band_min_fen")) {
      redone = true;
      redone_lo = o["heavier_band_min_fen"].as_int64();
      redone_hi = statutory->second;
    }
    if (redone && known && (redone_lo != lo || redone_hi != hi)) {
      signals->Add(fmt::format("{}: recorded allowed range {}..{} fen, the benchmark gives {}..{}",
                               decision, lo, hi, redone_lo, redone_hi));
    }
    if (redone && !known) {
      known = true;
      lo = redone_lo;
      hi = redone_hi;
    }
  }
  if (known) {
    o["allowed_min_fen"] = lo;
    o["allowed_max_fen"] = hi;
    const bool inside = lo <= fine && fine <= hi;
    o["inside"] = inside;
    o["why"] = fmt::format("{} fen lies {} {}..{} fen, the {} range of level {} ({} basis)", fine,
                           inside ? "inside" : "OUTSIDE", lo, hi, adjustment,
                           level_name.empty() ? "-" : level_name, options.fine_band_basis);
    if (!inside) signals->Add(fmt::format("{}: the fine lies outside its range", decision));
  } else if (adjustment == "mitigated") {
    o["why"] = fmt::format("mitigated (减轻) on ground {}: below the statutory minimum",
                           TextOf(evaluation, "mitigation_ground"));
  }
  return o;
}

// The hearing threshold in force for the case and the amount compared.
object HearingComparison(const RuleBook& rules, const CaseState& c, std::int64_t at,
                         std::int64_t fine, std::int64_t confiscation,
                         std::optional<bool> recorded_eligible, array* out, Signals* signals,
                         std::string_view decision) {
  std::string department = c.handling_subject;
  if (rules.org().FindDepartment(department) == nullptr) {
    if (const PowerItemVersion* item = rules.AsOf(at).PowerItem(c.item_code)) {
      department = item->original_subject;
    }
  }
  const HearingPartyCategory category = HearingCategoryFor(CategoryOf(c));
  object o{{"department", department},
           {"party_category", HearingPartyCategoryName(category)},
           {"fine_fen", fine},
           {"confiscation_fen", confiscation}};
  const HearingThreshold* t = rules.hearing_thresholds().ThresholdAsOf(department, category, at);
  if (t == nullptr) {
    o["why"] = "no hearing threshold in force";
    return o;
  }
  const bool eligible = fine >= t->fine_min_fen || (confiscation > 0 &&
                                                    confiscation >= t->confiscation_min_fen);
  o["threshold_fine_fen"] = t->fine_min_fen;
  o["threshold_confiscation_fen"] = t->confiscation_min_fen;
  o["eligible"] = eligible;
  o["why"] = fmt::format("fine {} fen {} the threshold of {} fen ({} {}; inclusive, 以上含本数)", fine,
                         fine >= t->fine_min_fen ? "reaches" : "is below", t->fine_min_fen,
                         t->department, HearingPartyCategoryName(category));
  if (recorded_eligible) {
    o["recorded_eligible"] = *recorded_eligible;
    if (*recorded_eligible != eligible) {
      signals->Add(fmt::format("{}: recorded hearing eligibility {}, the threshold in force gives {}",
                               decision, *recorded_eligible, eligible));
    }
  }
  object dates = PeriodJson(t->period);
  dates["basis"] = t->basis;
  out->push_back(RuleJson("hearing_threshold",
                          fmt::format("{}/{}", t->department, HearingPartyCategoryName(category)),
                          t->version, std::move(dates),
                          ProvenanceJson(rules, kHearingThresholdsStream, t->stream_version),
                          std::nullopt, signals, decision));
  return o;
}

// The statute's own grounds (APL arts. 30-33) the proposal's facts establish,
// as the decider judges them: which applied, with the article.
void StatutoryGroundsExplained(const CaseBook& cases, const EngineOptions& options,
                               const CaseState& c, const object& proposal, object* computation) {
  const object none;
  const object* facts = ObjectOf(proposal, "facts");
  const StatutoryGroundsAnswer answer = JudgeStatutoryGrounds(
      cases, c, facts != nullptr ? *facts : none, options.age_full_from_day_after_birthday);
  if (answer.grounds.empty() && !answer.age_at_act) return;
  array grounds;
  for (const StatutoryGround& g : answer.grounds) {
    grounds.push_back(object{{"ground", g.ground},
                             {"effect", g.effect},
                             {"basis", g.basis},
                             {"why", g.why},
                             {"fact", g.fact}});
  }
  object o{{"grounds", std::move(grounds)}};
  if (answer.age_at_act) o["age_at_act"] = *answer.age_at_act;
  (*computation)["statutory_grounds"] = std::move(o);
}

// The act the case records (I7, APL art. 29) and the party's other cases of
// the same act.
void ActExplained(const CaseBook& cases, const EngineOptions& options, const CaseState& c,
                  object* computation) {
  const ActIdentity act = ActOf(cases, c);
  array same;
  for (const CaseState* other : CasesOfSameAct(cases, options, c)) same.emplace_back(other->id);
  object o{{"act_id", act.id}, {"source", act.source}, {"same_act_cases", std::move(same)}};
  if (act.date) o["act_date"] = act.date->ToString();
  (*computation)["act"] = std::move(o);
}

// The party's decisions in other cases, as first violation reads them.
object PartyHistory(const RuleBook& rules, const CaseBook& cases, const EngineOptions& options,
                    const CaseState& c, std::int64_t at, const object& evaluation,
                    Signals* signals, std::string_view decision) {
  int months = options.first_violation_lookback_months;
  std::string scope = options.first_violation_scope;
  std::set<std::string> recorded;
  bool judged = false;
  if (const array* entries = ArrayOf(evaluation, "entries")) {
    for (const value& v : *entries) {
      const object* e = v.if_object();
      if (e == nullptr) continue;
      if (const array* prior = ArrayOf(*e, "prior_violations")) {
        for (const value& p : *prior) {
          if (p.is_string()) recorded.emplace(p.as_string());
        }
      }
      const LeniencyEntry* entry = rules.leniency().Entry(TextOf(*e, "entry_id"), at);
      if (entry == nullptr) continue;
      for (const LeniencyCondition& cond : entry->conditions) {
        if (cond.code != "first_violation") continue;
        judged = true;
        if (auto m = IntOf(cond.params, "lookback_months")) months = static_cast<int>(*m);
        if (auto s = TextOf(cond.params, "scope"); !s.empty()) scope = s;
      }
    }
  }
  // The day the act ended, as the decider reads it: the case's, else its
  // joint-action finding's, else the decision date.
  std::optional<Date> act = c.act_ended_on;
  if (!act && !c.clue.joint_action_id.empty()) {
    const JointActionState* action = cases.FindJointAction(c.clue.joint_action_id);
    const JointFinding* f = action != nullptr ? action->FindingOfCase(c.id) : nullptr;
    if (f != nullptr && f->act_date) act = f->act_date;
  }
  const Date reference = act.value_or(ChinaDateOf(at));
  const Date window_start = AddMonths(reference, -months);
  const RuleBookView view = rules.AsOf(at);
  const PowerItemVersion* mine = view.PowerItem(c.item_code);
  object o{{"party", c.party.id},
           {"lookback_months", months},
           {"scope", scope},
           {"reference_date", reference.ToString()},
           {"window_start", window_start.ToString()},
           {"judged", judged}};
  array prior;
  std::set<std::string> counted;
  for (const std::string& id : c.party.id.empty() ? std::vector<std::string>()
                                                  : cases.CasesOfParty(c.party.id)) {
    if (id == c.id) continue;
    const CaseState* other = cases.FindCase(id);
    if (other == nullptr || !other->procedure_state.decision) continue;
    const DecisionRecord& d = *other->procedure_state.decision;
    const bool before = d.decided_at < at;
    const bool kind = d.type == "penalty" ||
                      (d.type == "no_penalty" && options.first_violation_counts_no_penalty);
    const bool within = d.decided_on >= window_start;
    const PowerItemVersion* theirs = view.PowerItem(other->item_code);
    const bool in_scope = other->item_code == c.item_code ||
                          (scope == "same_type" && mine && theirs && mine->domain == theirs->domain);
    const bool counts = before && kind && within && in_scope;
    if (counts) counted.insert(id);
    prior.push_back(object{{"case_id", id},
                           {"decided_on", d.decided_on.ToString()},
                           {"subject", d.handling_subject},
                           {"item_code", other->item_code},
                           {"decision_type", d.type},
                           {"document_number", d.document_number},
                           {"before_decision", before},
                           {"within_lookback", within},
                           {"in_scope", in_scope},
                           {"counts", counts}});
  }
  // Clues declined as minor and corrected (APL 33 ¶1) establish a violation
  // too, as the decider counts them (first_violation_counts_declined_filing).
  for (const std::string& id : c.party.id.empty() || !options.first_violation_counts_declined_filing
                                   ? std::vector<std::string>()
                                   : cases.CasesOfParty(c.party.id)) {
    if (id == c.id) continue;
    const CaseState* other = cases.FindCase(id);
    if (other == nullptr || other->state != "not_filed" || !other->clue.declined_on) continue;
    const std::string& reason = other->clue.declined_reason;
    if (reason != "minor_corrected_no_harm" && reason != "first_minor_corrected") continue;
    const bool before = other->clue.declined_at < at;
    const bool within = *other->clue.declined_on >= window_start;
    const PowerItemVersion* theirs = view.PowerItem(other->item_code);
    const bool in_scope = other->item_code == c.item_code ||
                          (scope == "same_type" && mine && theirs && mine->domain == theirs->domain);
    const bool counts = before && within && in_scope;
    if (counts) counted.insert(id);
    prior.push_back(object{{"case_id", id},
                           {"decided_on", other->clue.declined_on->ToString()},
                           {"subject", other->clue.holder},
                           {"item_code", other->item_code},
                           {"decision_type", "filing_declined"},
                           {"document_number", ""},
                           {"before_decision", before},
                           {"within_lookback", within},
                           {"in_scope", in_scope},
                           {"counts", counts}});
  }
  o["prior_decisions"] = std::move(prior);
  array rec;
  for (const std::string& id : recorded) rec.emplace_back(id);
  o["recorded_prior_violations"] = std::move(rec);
  o["first_violation"] = counted.empty();
  if (judged && counted != recorded) {
    signals->Add(fmt::format("{}: the decision counted {} prior violation(s), the history gives {}",
                             decision, recorded.size(), counted.size()));
  }
  return o;
}

object EventJson(const EventRecord& e) {
  return object{{"stream", e.stream},         {"version", I(e.version)},
                {"position", I(e.position)},   {"hash", e.hash},
                {"type", e.type},              {"occurred_at", e.occurred_at},
                {"actor", e.actor.id},         {"command_id", e.command_id}};
}

// One decision explained.
object ExplainDecision(const RuleBook& rules, const CaseBook& cases, const EngineOptions& options,
                       const CaseState& c, const EventRecord& e, Signals* signals) {
  const object& data = e.data.as_object();
  const std::string decision = fmt::format("#{} {}", e.version, e.type);
  auto parsed = ParseRfc3339(e.occurred_at);
  const std::int64_t at = parsed.ok() ? parsed->unix_micros : 0;
  const RuleBookView view = rules.AsOf(at);
  object out{{"event", EventJson(e)}, {"decided_on", ChinaDateOf(at).ToString()}};
  array used;
  object inputs;
  object computation;
  const object empty;
  const object* evaluation_ptr = ObjectOf(data, "evaluation");
  const object& evaluation = evaluation_ptr ? *evaluation_ptr : empty;

  // The power item: the version recorded at filing, or the one the law in
  // time chose.
  std::optional<std::int64_t> recorded_item = IntOf(data, "item_version");
  const PowerItemVersion* item = view.PowerItem(c.item_code);
  if (const object* law = ObjectOf(evaluation, "law_in_time")) {
    const bool act = TextOf(*law, "applied") == "act_date";
    recorded_item = IntOf(*law, act ? "act_item_version" : "decision_item_version");
    if (act) {
      if (auto d = Date::Parse(TextOf(*law, "act_date")); d.ok()) {
        item = rules.powers().ItemAsOf(c.item_code, *d);
      }
    }
    inputs["law_in_time"] = *law;
  }
  if (item != nullptr) {
    used.push_back(PowerItemRule(rules, *item, recorded_item, signals, decision));
  } else if (!c.item_code.empty()) {
    signals->Add(fmt::format("{}: no version of {} in force then", decision, c.item_code));
  }

  if (e.type == "case_filed") {
    CompetenceRules(rules, options, c, at, data, &used, &inputs, signals, decision);
    if (auto years = IntOf(data, "limitation_years")) {
      computation["limitation_years"] = *years;
      if (auto last = TextOf(data, "limitation_last_day"); !last.empty()) {
        computation["limitation_last_day"] = last;
      }
    }
  } else {
    // A proposal (conclusion) or a decision: the penalty law.
    const object* proposal = ObjectOf(data, "proposal");
    const object& p = proposal ? *proposal : data;
    inputs["circumstance_level"] = TextOf(p, "circumstance_level");
    inputs["adjustment"] = AdjustmentName(TextOf(p, "adjustment"));
    inputs["party_category"] = c.party.category;
    if (const object* facts = ObjectOf(p, "facts")) inputs["facts"] = *facts;
    StatutoryGroundsExplained(cases, options, c, p, &computation);
    ActExplained(cases, options, c, &computation);
    if (auto g = TextOf(evaluation, "mitigation_ground"); !g.empty()) {
      inputs["mitigation_ground"] = g;
    }
    LeniencyRules(rules, c, at, evaluation, &used, signals, decision);
    if (evaluation.contains("entries")) {
      inputs["party_history"] =
          PartyHistory(rules, cases, options, c, at, evaluation, signals, decision);
    }
    array applied;
    for (const std::string& a : RecordedApplied(data)) applied.emplace_back(a);
    computation["leniency_applied"] = std::move(applied);
    object withBenchmark = data;
    if (!withBenchmark.contains("benchmark_id") && evaluation.contains("benchmark_id")) {
      withBenchmark["benchmark_id"] = evaluation.at("benchmark_id");
      withBenchmark["benchmark_version"] = evaluation.at("benchmark_version");
    }
    const DiscretionBenchmark* b =
        BenchmarkRule(rules, c, at, withBenchmark, evaluation, &used, signals, decision);
    array types;
    if (const array* t = ArrayOf(p, "penalty_types")) types = *t;
    computation["penalty_types"] = types;
    const std::int64_t fine = IntOf(p, "fine_fen").value_or(0);
    const std::int64_t confiscation = IntOf(p, "confiscation_fen").value_or(0);
    computation["fine_fen"] = fine;
    if (b != nullptr && fine > 0) {
      computation["fine"] = FineComputation(options, *b, p, evaluation, signals, decision);
    }
    if (e.type != "on_spot_decision_issued") {
      std::optional<bool> recorded_eligible;
      if (const value* h = data.if_contains("hearing_eligible"); h && h->is_bool()) {
        recorded_eligible = h->as_bool();
      }
      computation["hearing"] = HearingComparison(rules, c, at, fine, confiscation,
                                                 recorded_eligible, &used, signals, decision);
      if (auto basis = TextOf(data, "hearing_basis"); !basis.empty()) {
        computation["hearing"].as_object()["recorded_basis"] = basis;
      }
    }
    if (auto due = TextOf(data, "decision_due_on"); !due.empty()) {
      computation["decision_due_on"] = due;
      if (const value* w = data.if_contains("within_decision_limit")) {
        computation["within_decision_limit"] = *w;
      }
    }
    if (const object* relief = ObjectOf(data, "relief")) computation["relief"] = *relief;
    if (!evaluation.empty()) out["evaluation"] = evaluation;
  }
  for (std::string_view key : {"document_number", "decision_type", "issuer_name",
                               "handling_subject", "filed_on", "competence_basis"}) {
    if (auto v = TextOf(data, key); !v.empty()) out[key] = v;
  }
  out["rules"] = std::move(used);
  out["inputs"] = std::move(inputs);
  out["computation"] = std::move(computation);
  return out;
}

// --- Deadlines -----------------------------------------------------------------

// The arrangement of `year` in force at `instant`, or nullptr.
const RuleBook::CalendarYear* YearInForce(const RuleBook& rules, int year, std::int64_t instant) {
  const RuleBook::CalendarYear* in_force = nullptr;
  for (const RuleBook::CalendarYear* y : rules.CalendarHistory(year)) {
    if (y->published_at <= instant) in_force = y;
  }
  return in_force;
}

struct DeadlineSpec {
  std::string id;
  std::string label;
  std::string bearer;  // agency | party
  std::string unit;    // working_days | calendar_days
  int length = 0;
  Date start;
  Date due;
  std::optional<Date> met_on;
  std::string basis;     // English
  std::string basis_zh;  // Chinese, the law by its official title
  // D9: the days with the police (criminal transfer sent to its return),
  // not counted (EngineOptions::police_period_pauses_d9_from); `open` while
  // the case is still there (counted up to the explained moment).
  std::optional<ClockPause> police = std::nullopt;
  bool police_open = false;
};

class DeadlineExplainer {
 public:
  DeadlineExplainer(const RuleBook& rules, std::int64_t instant)
      : rules_(rules), instant_(instant), cal_(rules.CalendarAsOf(instant)),
        today_(ChinaDateOf(instant)) {}

  object Explain(const DeadlineSpec& d, const CaseState& c) {
    object o{{"id", d.id},         {"label", d.label},   {"bearer", d.bearer},
             {"unit", d.unit},     {"length", d.length}, {"start", d.start.ToString()},
             {"due_on", d.due.ToString()}, {"basis", d.basis},
             {"basis_en", d.basis},       {"basis_zh", d.basis_zh}};
    if (d.met_on) {
      o["met_on"] = d.met_on->ToString();
      o["status"] = *d.met_on <= d.due ? "met" : "met_late";
    } else if (d.bearer == "party") {
      // A party's period is not breached: it runs out (and the case goes on).
      o["status"] = Breached(d.due, today_) ? "elapsed" : "open";
    } else {
      o["status"] = Breached(d.due, today_) ? "breached" : "open";
    }
    if (d.due < d.start) return o;
    const Date first = AddCalendarDays(d.start, 1);
    // Days the count skipped (working-day periods), or the days a
    // calendar-day due date was moved over.
    Date from = first;
    if (d.unit == "calendar_days") {
      Date plain = AddCalendarDays(d.start, d.length);
      if (d.id == "D9") {
        array pauses;
        for (const ClockPause& p : c.procedure_state.clock.pauses) {
          pauses.push_back(object{{"from", p.from.ToString()},
                                  {"to", p.to.ToString()},
                                  {"days", DaysBetween(p.from, p.to)}});
        }
        if (c.procedure_state.clock.paused_since) {
          pauses.push_back(object{{"from", c.procedure_state.clock.paused_since->ToString()},
                                  {"open", true}});
        }
        if (d.police) {
          // Order 310 art. 11: no decision while the case is with the police.
          object police{{"from", d.police->from.ToString()},
                        {"to", d.police->to.ToString()},
                        {"days", DaysBetween(d.police->from, d.police->to)},
                        {"reason", "police"}};
          if (d.police_open) police["open"] = true;
          o["police_days"] = DaysBetween(d.police->from, d.police->to);
          pauses.push_back(std::move(police));
        }
        array extensions;
        for (const ClockExtension& x : c.procedure_state.clock.extensions) {
          extensions.push_back(
              object{{"approved_on", x.approved_on.ToString()}, {"days", x.days}});
        }
        if (c.procedure_state.clock.extended_until) {
          o["extended_until"] = c.procedure_state.clock.extended_until->ToString();
        }
        o["pauses"] = std::move(pauses);
        o["extensions"] = std::move(extensions);
      }
      o["plain_due_on"] = plain.ToString();
      if (d.due <= plain || d.id == "D9") return o;  // pauses say why for D9
      o["rest_day_rule"] = "Civil Code art. 203: the last day falls on a rest day";
      o["rest_day_rule_zh"] = fmt::format(
          "{}第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日",
          kCivilCodeZh);
      from = AddCalendarDays(plain, 0);
    }
    auto skipped = NonWorkingDaysIn(cal_, from, d.unit == "calendar_days"
                                                    ? AddCalendarDays(d.due, -1)
                                                    : d.due);
    auto makeup = MakeupWorkdaysIn(cal_, from, d.due);
    if (!skipped.ok() || !makeup.ok()) {
      o["calendar_error"] = std::string(
          (!skipped.ok() ? skipped.status() : makeup.status()).message());
      return o;
    }
    array days;
    for (const Date& day : *skipped) days.push_back(DayJson(day, false));
    o["skipped"] = std::move(days);
    array workdays;
    for (const Date& day : *makeup) workdays.push_back(DayJson(day, true));
    o["makeup_workdays"] = std::move(workdays);
    array years;
    for (int y = from.year; y <= d.due.year; ++y) {
      if (const RuleBook::CalendarYear* cy = YearInForce(rules_, y, instant_)) {
        years.push_back(object{{"kind", "calendar_year"},
                               {"id", std::to_string(y)},
                               {"notice", cy->notice},
                               {"provenance", ProvenanceJson(rules_, kCalendarStream,
                                                             cy->stream_version)}});
      }
    }
    o["calendar"] = std::move(years);
    return o;
  }

 private:
  object DayJson(const Date& day, bool makeup) {
    const RuleBook::CalendarYear* y = YearInForce(rules_, day.year, instant_);
    const bool holiday =
        y != nullptr && std::find(y->holidays.begin(), y->holidays.end(), day) != y->holidays.end();
    std::string kind = makeup ? "makeup_workday" : holiday ? "holiday" : "weekend";
    object o{{"date", day.ToString()}, {"kind", kind}};
    if (holiday && y != nullptr) o["notice"] = y->notice;
    return o;
  }

  const RuleBook& rules_;
  std::int64_t instant_;
  WorkingDayCalendar cal_;
  Date today_;
};

// The deadlines of the case (docs/domain.md, Deadlines) that its events started.
std::vector<DeadlineSpec> CaseDeadlines(const RuleBook& rules, const CaseBook& cases,
                                        const EngineOptions& options, const CaseState& c,
                                        std::int64_t instant) {
  const WorkingDayCalendar& cal = rules.CalendarAsOf(instant);
  std::vector<DeadlineSpec> out;
  const auto add_working = [&](std::string id, std::string label, std::string bearer, Date start,
                               int n, std::optional<Date> due, std::optional<Date> met,
                               std::string basis, std::string basis_zh) {
    if (!due) {
      auto computed = AddWorkingDays(cal, start, n);
      if (!computed.ok()) return;
      due = *computed;
    }
    out.push_back({std::move(id), std::move(label), std::move(bearer), "working_days", n, start,
                   *due, met, std::move(basis), std::move(basis_zh)});
  };
  const ProcedureState& p = c.procedure_state;
  const ExecutionState& e = c.execution;
  if (c.clue.verification_clock_from || c.clue.verification_due_on || c.state == "verifying" ||
      (c.filed_on && c.procedure == "ordinary")) {
    const Date start = c.clue.verification_clock_from.value_or(c.discovered_on);
    add_working("D2", "核查线索并决定是否立案", "agency", start, options.verification_working_days,
                c.clue.verification_due_on, c.filed_on,
                fmt::format("MSR art. 18: {} working days to verify a clue [C]",
                            options.verification_working_days),
                fmt::format("{}第十八条：{}个工作日内核查线索并决定是否立案{}", kMsrZh,
                            options.verification_working_days, kConfiguredZh));
  }
  // The deciders' view at the explained moment (the police period of D9,
  // D14, D15, D26), as check_deadlines computes them.
  Command probe;
  probe.type = "check_deadlines";
  probe.target = c.id;
  probe.at = FormatRfc3339(instant, 8 * 60, true);
  const DecisionContext context{probe, Timestamp{instant, 8 * 60}, rules, cases, options};
  if (c.filed_on && c.procedure == "ordinary") {
    const Date until = p.decision ? p.decision->decided_on : ChinaDateOf(instant);
    DecisionClock clock = p.clock;
    const std::optional<ClockPause> police = PolicePause(context, c);
    if (police) clock.pauses.push_back(*police);
    auto due = clock.DueOn(*c.filed_on, options.decision_limit_days, until);
    if (due.ok()) {
      DeadlineSpec d9{"D9", "作出行政处罚决定", "agency", "calendar_days",
                      options.decision_limit_days, *c.filed_on, *due,
                      p.decision ? std::optional(p.decision->decided_on) : std::nullopt,
                      fmt::format("APL art. 60: {} days from filing, pauses not counted{}",
                                  options.decision_limit_days,
                                  police ? "; nor the days with the police (Order 310 art. 11)"
                                         : ""),
                      fmt::format("{}第六十条：自立案之日起{}日内作出行政处罚决定，"
                                  "依法暂停计算的期间不计入{}",
                                  kAplZh, options.decision_limit_days,
                                  police ? fmt::format("；移送公安机关期间亦不计入（{}第十一条）",
                                                       kOrder310Zh)
                                         : std::string())};
      d9.police = police;
      d9.police_open = police && !e.criminal.returned_on;
      out.push_back(std::move(d9));
    }
  }
  if (p.notice) {
    // The notice recorded the due dates; the period's length is read back
    // from them (working days after service, up to and including the due day).
    const auto working_days_to = [&](Date due) {
      return static_cast<int>(
          WorkingDaysStrictlyBetween(cal, p.notice->served_on, AddCalendarDays(due, 1))
              .value_or(0));
    };
    add_working("D6", "陈述、申辩", "party", p.notice->served_on,
                working_days_to(p.notice->statement_due_on), p.notice->statement_due_on,
                std::nullopt, "APL art. 45: statement and defence after the pre-decision notice",
                fmt::format("{}第四十五条：告知后当事人有权进行陈述和申辩", kAplZh));
    if (p.notice->hearing_rights) {
      add_working("D7", "申请听证", "party", p.notice->served_on,
                  working_days_to(p.notice->hearing_request_due_on),
                  p.notice->hearing_request_due_on, std::nullopt,
                  "APL art. 64(1): request a hearing within 5 days of the notice",
                  fmt::format("{}第六十四条第（一）项：当事人要求听证的，应当在告知后五日内提出",
                              kAplZh));
    }
  }
  // An on-the-spot decision is served on the spot: no D12.
  if (p.decision && !e.on_spot.issued &&
      (p.decision->type == "penalty" || p.decision->type == "no_penalty")) {
    add_working("D12", "送达处罚决定书", "agency", p.decision->decided_on, 7, std::nullopt,
                e.service ? std::optional(e.service->served_on) : std::nullopt,
                "APL arts. 61, 85: serve the decision within 7 working days",
                fmt::format("{}第六十一条、第八十五条：7个工作日内送达行政处罚决定书", kAplZh));
  }
  if (e.on_spot.issued) {
    add_working("D13", "当场处罚决定备案", "agency", e.on_spot.decided_on,
                options.on_spot_report_working_days, std::nullopt, e.on_spot.reported_on,
                fmt::format("report an on-the-spot decision within {} working days [C]",
                            options.on_spot_report_working_days),
                fmt::format("{}第五十二条：当场作出的行政处罚决定{}个工作日内报所属行政机关备案{}",
                            kAplZh, options.on_spot_report_working_days, kConfiguredZh));
  }
  if (p.concluded_on && (p.case_reviewed_on || c.state == "concluded")) {
    auto from = Date::Parse(options.case_review_tracked_from);
    if (from.ok() && *p.concluded_on >= *from) {
      add_working("D5", "案件审核", "agency", *p.concluded_on, options.case_review_working_days,
                  std::nullopt, p.case_reviewed_on,
                  fmt::format("MSR: the internal case review within {} working days of the "
                              "materials [C]",
                              options.case_review_working_days),
                  fmt::format("{}：收到案件材料后{}个工作日内完成案件审核{}", kMsrZh,
                              options.case_review_working_days, kConfiguredZh));
    }
  }
  // D14 (APL art. 48 ¶1; Doc 118): a decision the options require published,
  // from publication_tracked_from; met by its publication.
  if (p.decision && PublicationRequired(options, c)) {
    auto from = Date::Parse(options.publication_tracked_from);
    const bool published = DecisionPublished(c);
    if (from.ok() && p.decision->decided_on >= *from && (published || !e.revoked)) {
      auto due = PublicationDue(cal, c);
      if (due.ok()) {
        const bool other = p.decision->type == "no_penalty";
        add_working("D14", "公开行政处罚决定", "agency", p.decision->decided_on, other ? 20 : 7,
                    *due, published ? e.publication.published_on : std::nullopt,
                    other ? "APL art. 48 ¶1; Doc 118: publish another enforcement decision "
                            "within 20 working days"
                          : "APL art. 48 ¶1; Doc 118: publish a penalty decision within 7 "
                            "working days",
                    fmt::format("{}第四十八条第一款；{}：{}个工作日内公开{}", kAplZh, kDoc118Zh,
                                other ? 20 : 7, other ? "其他行政执法决定" : "行政处罚决定"));
      }
    }
  }
  // D15 (APL arts. 48 ¶2, 85): a published decision changed or revoked.
  if (e.publication.published_on && e.publication.changed_on) {
    add_working("D15", "撤回已公开的行政处罚决定信息", "agency", *e.publication.changed_on, 3,
                std::nullopt, e.publication.withdrawn_on,
                fmt::format("APL arts. 48 ¶2, 85: take the publication down within 3 working "
                            "days of the change recorded on {}",
                            e.publication.changed_on->ToString()),
                fmt::format("{}第四十八条第二款、第八十五条：{}记录决定变更或撤销后，"
                            "3个工作日内撤回已公开的信息",
                            kAplZh, ZhDate(*e.publication.changed_on)));
  }
  // D18 (APL art. 71): cash collected on the spot, from
  // on_spot_cash_tracked_from: to the agency, then to the bank.
  if (e.payment.cash_collected_on && e.payment.cash_hand_over_due_on) {
    auto from = Date::Parse(options.on_spot_cash_tracked_from);
    if (from.ok() && *e.payment.cash_collected_on >= *from) {
      add_working("D18", "交付当场收缴的罚款", "agency", *e.payment.cash_collected_on, 2,
                  *e.payment.cash_hand_over_due_on, e.payment.cash_handed_over_on,
                  "APL art. 71: hand the cash to the agency within 2 working days",
                  fmt::format("{}第七十一条：当场收缴的罚款，2个工作日内交至行政机关", kAplZh));
      if (e.payment.cash_handed_over_on && e.payment.cash_deposit_due_on) {
        add_working("D18", "当场收缴的罚款缴付指定银行", "agency", *e.payment.cash_handed_over_on,
                    2, *e.payment.cash_deposit_due_on, e.payment.cash_deposited_on,
                    "APL art. 71: pay the cash into the designated bank within 2 working days",
                    fmt::format("{}第七十一条：行政机关2个工作日内将罚款缴付指定银行", kAplZh));
      }
    }
  }
  // D26 (APL arts. 59 ¶1 (4), 66 ¶1): each licence measure of a tracked
  // decision: its execution recorded, an inspection during it, the check at
  // the end of a temporary one.
  if (e.service && LicenceMeasuresTracked(options, c)) {
    for (const std::string& id : ImposedLicenceMeasures(c)) {
      const std::string name = LicenceMeasureName(id);
      const LicenceMeasureState* m = FindLicenceMeasure(c, id);
      add_working("D26", fmt::format("记录{}的执行", name), "agency", e.service->served_on,
                  options.licence_measure_start_working_days, std::nullopt,
                  m ? std::optional(m->recorded_on) : std::nullopt,
                  fmt::format("APL art. 66 ¶1: record the execution of {} within {} working days "
                              "of service [C]",
                              id, options.licence_measure_start_working_days),
                  fmt::format("{}第六十六条第一款：送达后{}个工作日内记录{}的执行{}", kAplZh,
                              options.licence_measure_start_working_days, name, kConfiguredZh));
      if (m == nullptr) continue;
      out.push_back({"D26", fmt::format("{}执行期间复查", name), "agency", "calendar_days",
                     options.licence_measure_check_days, m->started_on, m->check_due_on,
                     m->checked_on,
                     fmt::format("APL art. 66 ¶1: inspect {} within {} days of its start{} [C]", id,
                                 options.licence_measure_check_days,
                                 m->temporary ? ", not after its end" : ""),
                     fmt::format("{}第六十六条第一款：{}开始执行后{}日内复查{}{}", kAplZh, name,
                                 options.licence_measure_check_days,
                                 m->temporary ? "，不晚于期满之日" : "", kConfiguredZh)});
      if (m->temporary && m->ends_on && m->end_check_due_on) {
        add_working("D26", fmt::format("{}期满复查", name), "agency", *m->ends_on,
                    options.licence_measure_end_check_working_days, *m->end_check_due_on,
                    m->ended_on,
                    fmt::format("APL arts. 59 ¶1 (4), 66 ¶1: check {} at its end ({}{}) within "
                                "{} working days [C]",
                                id, m->ends_on->ToString(),
                                m->extensions > 0
                                    ? fmt::format(", extended {} time(s)", m->extensions)
                                    : std::string(),
                                options.licence_measure_end_check_working_days),
                    fmt::format("{}第五十九条第一款第（四）项、第六十六条第一款：{}于{}期满{}，"
                                "期满后{}个工作日内复查{}",
                                kAplZh, name, ZhDate(*m->ends_on),
                                m->extensions > 0 ? fmt::format("（已延期{}次）", m->extensions)
                                                  : std::string(),
                                options.licence_measure_end_check_working_days, kConfiguredZh));
      }
    }
  }
  if (e.payment.due_on && e.payment.mode != "instalments") {
    const Date start = e.service ? e.service->served_on
                                 : (e.on_spot.issued ? e.on_spot.decided_on : *e.payment.due_on);
    out.push_back({"D16", "缴纳罚款", "party", "calendar_days", 15, start, *e.payment.due_on,
                   e.payment.settled_on, "APL art. 67: pay within 15 days of service",
                   fmt::format("{}第六十七条：自收到行政处罚决定书之日起15日内缴纳罚款", kAplZh)});
  }
  return out;
}

// The names of the ids the explanation names (issue 18: a reader who does
// not know zf's ids follows the reasoning by names): the township, its
// area, the handling subject (the legal name decisions issue in, and the
// unit's own name), the power item, and every officer who acted on the case
// or handles it, as the rule book stands at the explained moment.
object NamesJson(const RuleBook& rules, const CaseState& c, const std::vector<EventRecord>& events,
                 std::int64_t instant) {
  const OrgModel& org = rules.org();
  object names;
  if (const Township* t = org.FindTownship(c.township)) {
    names["township"] = object{{"id", t->id}, {"name", t->name}};
  }
  if (const EnforcementArea* a = org.AreaOfTownship(c.township, instant)) {
    names["area"] = object{{"id", a->id}, {"name", a->name}};
  }
  if (!c.handling_subject.empty()) {
    object subject{{"id", c.handling_subject}};
    if (auto legal = org.LegalNameOf(c.handling_subject)) subject["legal_name"] = *legal;
    if (const Department* d = org.FindDepartment(c.handling_subject)) {
      subject["name"] = d->name;
    } else if (const Township* t = org.FindTownship(c.handling_subject)) {
      subject["name"] = t->name;
    }
    names["handling_subject"] = std::move(subject);
  }
  const PowerItemEntry* item = rules.powers().EntryAsOf(c.item_code, ChinaDateOf(instant));
  if (item == nullptr) item = rules.powers().Latest(c.item_code);
  if (item != nullptr) {
    // The provisions the item rests on, as 《…》第…条（违则|罚则）.
    array basis;
    for (const LegalBasisRef& ref : item->version.legal_basis) basis.emplace_back(ref.ToText());
    names["item"] = object{{"code", c.item_code},
                           {"name", item->version.name},
                           {"legal_basis", std::move(basis)}};
  }
  object officers;
  const auto add_officer = [&](const std::string& id) {
    if (id.empty() || officers.contains(id)) return;
    if (const Officer* o = org.FindOfficer(id)) officers[id] = o->name;
  };
  for (const std::string& h : c.handlers) add_officer(h);
  for (const EventRecord& e : events) add_officer(e.actor.id);
  names["officers"] = std::move(officers);
  return names;
}

}  // namespace

object ExplainCaseJson(const RuleBook& rules, const CaseBook& cases, const EngineOptions& options,
                       const CaseState& c, const std::vector<EventRecord>& events,
                       std::int64_t instant) {
  Signals signals;
  object out{{"case_id", c.id},
             {"state", c.state},
             {"procedure", c.procedure},
             {"item_code", c.item_code},
             {"township", c.township},
             {"handling_subject", c.handling_subject},
             {"party", object{{"id", c.party.id},
                              {"name", c.party.name},
                              {"category", c.party.category}}},
             {"as_of", FormatRfc3339(instant, 8 * 60, true)},
             {"version", I(c.version)},
             {"discovered_on", c.discovered_on.ToString()}};
  if (c.filed_on) out["filed_on"] = c.filed_on->ToString();
  if (c.act_ended_on) out["act_ended_on"] = c.act_ended_on->ToString();
  if (!c.clue.description.empty()) out["clue_description"] = c.clue.description;
  array handlers;
  for (const std::string& h : c.handlers) handlers.emplace_back(h);
  out["handlers"] = std::move(handlers);
  out["names"] = NamesJson(rules, c, events, instant);
  array decisions;
  for (const EventRecord& e : events) {
    const bool decision = e.type == "case_filed" || e.type == "investigation_concluded" ||
                          e.type == "decision_made" || e.type == "on_spot_decision_issued";
    if (!decision || !e.data.is_object()) continue;
    decisions.push_back(ExplainDecision(rules, cases, options, c, e, &signals));
  }
  out["decisions"] = std::move(decisions);
  // The events that moved the clock or reported on it, as recorded.
  array clock_events;
  for (const EventRecord& e : events) {
    if (e.type == "deadline_breached" || e.type == "deadline_extended" ||
        e.type == "deadline_warning" || e.type == "clock_paused" || e.type == "clock_resumed" ||
        e.type == "competence_warning_raised") {
      object o = EventJson(e);
      o["data"] = e.data;
      clock_events.push_back(std::move(o));
    }
  }
  out["clock_events"] = std::move(clock_events);
  array deadlines;
  DeadlineExplainer explainer(rules, instant);
  for (const DeadlineSpec& d : CaseDeadlines(rules, cases, options, c, instant)) {
    deadlines.push_back(explainer.Explain(d, c));
  }
  out["deadlines"] = std::move(deadlines);
  out["discrepancies"] = signals.Take();
  return out;
}

}  // namespace zf::internal

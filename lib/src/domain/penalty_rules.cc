// The law on the penalty (docs/domain.md, Leniency: the four lists, Discretion, I7, I8). JudgePenalty runs the
// checks in the order an officer would fix them: the answers given to the
// leniency proposals, grounds that forbid any penalty, the written reasons
// for rejected proposals, the records a no-penalty outcome needs, then for a
// penalty: mandatory mitigation, no double fine, the law in time, the
// penalty types and the fine against the benchmark.
#include "domain/penalty_rules.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "domain/case_helpers.h"
#include "zf/leniency_notes.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBenchmarkBasis =
    "APL art. 34 (published discretion benchmarks); 国办发〔2022〕27号";
constexpr std::string_view kListsBasis = "APL arts. 32-33 (the four lists)";
constexpr std::string_view kDoubleFineBasis = "APL art. 29 (one act, one fine)";

bool HasType(const PenaltyProposal& p, std::string_view type) {
  return std::find(p.penalty_types.begin(), p.penalty_types.end(), type) != p.penalty_types.end();
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool Blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\u3000") == std::string_view::npos;
}

PartyCategory BenchmarkCategoryOf(const CaseState& c) {
  if (c.party.category == "natural_person") return PartyCategory::kNaturalPerson;
  if (c.party.category == "individual_business") return PartyCategory::kIndividualBusiness;
  return PartyCategory::kLegalPerson;
}

FineAdjustment AdjustmentOf(std::string_view name) {
  if (name == "lighter") return FineAdjustment::kLighter;
  if (name == "heavier") return FineAdjustment::kHeavier;
  if (name == "mitigated") return FineAdjustment::kMitigated;
  return FineAdjustment::kGeneral;
}

// none < slight < general < serious; -1 for anything else.
int HarmRank(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"none", "slight", "general", "serious"};
  for (int i = 0; i < 4; ++i) {
    if (kLevels[i] == level) return i;
  }
  return -1;
}

std::string EntryRef(const LeniencyEntry& e) { return fmt::format("{}@{}", e.entry_id, e.version); }

std::string GroundBasis(std::string_view ground) {
  if (ground == "APL33.1.1") return "APL art. 33 ¶1 sentence 1";
  if (ground == "APL33.1.2") return "APL art. 33 ¶1 sentence 2 (首违不罚)";
  if (ground == "APL33.2") return "APL art. 33 ¶2 (no subjective fault)";
  if (ground.starts_with("APL32")) return fmt::format("APL art. 32({})", ground.substr(6));
  return std::string(kListsBasis);
}

// --- The party's history -------------------------------------------------------

struct PriorViolation {
  std::string case_id;
  std::string item_code;
  std::string decision_type;
  Date decided_on;
};

// Violations established against the party by a decision of any subject
// made before the command's time (docs/domain.md, Leniency: the four lists: first violation is computed
// across subjects).
std::vector<PriorViolation> PriorViolations(const DecisionContext& context, const CaseState& c) {
  std::vector<PriorViolation> out;
  if (c.party.id.empty()) return out;
  for (const std::string& id : context.cases.CasesOfParty(c.party.id)) {
    if (id == c.id) continue;
    const CaseState* other = context.cases.FindCase(id);
    if (other == nullptr || !other->procedure_state.decision) continue;
    const DecisionRecord& d = *other->procedure_state.decision;
    if (d.decided_at >= context.at.unix_micros) continue;
    const bool counts = d.type == "penalty" ||
                        (d.type == "no_penalty" && context.options.first_violation_counts_no_penalty);
    if (counts) out.push_back({other->id, other->item_code, d.type, d.decided_on});
  }
  // A clue declined because the violation was minor and corrected (APL 33
  // ¶1) established the violation too, though no case was filed.
  if (context.options.first_violation_counts_declined_filing) {
    for (const std::string& id : context.cases.CasesOfParty(c.party.id)) {
      if (id == c.id) continue;
      const CaseState* other = context.cases.FindCase(id);
      if (other == nullptr || other->state != "not_filed" || !other->clue.declined_on) continue;
      const std::string& reason = other->clue.declined_reason;
      if (reason != "minor_corrected_no_harm" && reason != "first_minor_corrected") continue;
      if (other->clue.declined_at >= context.at.unix_micros) continue;
      out.push_back({other->id, other->item_code, "filing_declined", *other->clue.declined_on});
    }
  }
  return out;
}

std::string DomainOf(const DecisionContext& context, const std::string& item) {
  const PowerItemVersion* v = context.InForce().PowerItem(item);
  return v != nullptr ? v->domain : std::string();
}

// The day the act was committed (or a continuing act ended): the case's,
// else its joint-action finding's.
std::optional<Date> ActDateIn(const CaseBook& cases, const CaseState& c) {
  if (c.act_ended_on) return c.act_ended_on;
  if (c.clue.joint_action_id.empty()) return std::nullopt;
  const JointActionState* action = cases.FindJointAction(c.clue.joint_action_id);
  const JointFinding* f = action != nullptr ? action->FindingOfCase(c.id) : nullptr;
  return f != nullptr ? f->act_date : std::nullopt;
}
std::optional<Date> ActDateOf(const DecisionContext& context, const CaseState& c) {
  return ActDateIn(context.cases, c);
}

// Prior violations inside the lookback window that fall in `scope`.
std::vector<std::string> PriorInWindow(const DecisionContext& context, const CaseState& c,
                                       const std::vector<PriorViolation>& prior, int months,
                                       std::string_view scope) {
  const Date reference = ActDateOf(context, c).value_or(context.date());
  const Date window_start = AddMonths(reference, -months);
  const std::string domain = scope == "same_type" ? DomainOf(context, c.item_code) : "";
  std::vector<std::string> out;
  for (const PriorViolation& p : prior) {
    if (p.decided_on < window_start) continue;
    const bool in_scope = p.item_code == c.item_code ||
                          (scope == "same_type" && !domain.empty() &&
                           DomainOf(context, p.item_code) == domain);
    if (in_scope) out.push_back(p.case_id);
  }
  return out;
}

// --- Statutory grounds (APL arts. 30-33) --------------------------------------------

constexpr std::string_view kApl30Under14 =
    "《中华人民共和国行政处罚法》第三十条（不满十四周岁的未成年人有违法行为的，不予行政处罚）";
constexpr std::string_view kApl30Minor =
    "《中华人民共和国行政处罚法》第三十条（已满十四周岁不满十八周岁的未成年人有违法行为的，"
    "应当从轻或者减轻行政处罚）";
constexpr std::string_view kApl31None =
    "《中华人民共和国行政处罚法》第三十一条（精神病人、智力残疾人在不能辨认或者不能控制自己行为时"
    "有违法行为的，不予行政处罚）";
constexpr std::string_view kApl31Partial =
    "《中华人民共和国行政处罚法》第三十一条（尚未完全丧失辨认或者控制自己行为能力的精神病人、"
    "智力残疾人有违法行为的，可以从轻或者减轻行政处罚）";
constexpr std::string_view kApl33NoFault =
    "《中华人民共和国行政处罚法》第三十三条第二款（当事人有证据足以证明没有主观过错的，"
    "不予行政处罚）";

// APL 32's mandatory grounds, each a typed fact.
struct Apl32Ground {
  std::string_view ground;
  std::string_view fact;
  std::string_view basis;
};
constexpr Apl32Ground kApl32[] = {
    {"APL32.1", "harm_removed_proactively",
     "《中华人民共和国行政处罚法》第三十二条第（一）项（主动消除或者减轻违法行为危害后果的，"
     "应当从轻或者减轻行政处罚）"},
    {"APL32.2", "coerced_or_deceived",
     "《中华人民共和国行政处罚法》第三十二条第（二）项（受他人胁迫或者诱骗实施违法行为的，"
     "应当从轻或者减轻行政处罚）"},
    {"APL32.3", "confessed_unknown_violation",
     "《中华人民共和国行政处罚法》第三十二条第（三）项（主动供述行政机关尚未掌握的违法行为的，"
     "应当从轻或者减轻行政处罚）"},
    {"APL32.4", "meritorious_service",
     "《中华人民共和国行政处罚法》第三十二条第（四）项（配合行政机关查处违法行为有立功表现的，"
     "应当从轻或者减轻行政处罚）"},
};

// Full years of age on `on` (已满N周岁): from the day after the N-th
// birthday when `from_day_after` (the courts' reading, applied by analogy),
// else from the birthday itself.
int FullYears(Date born, Date on, bool from_day_after) {
  int years = on.year - born.year;
  for (; years > 0; --years) {
    Date reached = AddMonths(born, 12 * years);
    if (from_day_after) reached = AddCalendarDays(reached, 1);
    if (reached <= on) break;
  }
  return std::max(years, 0);
}

// --- Conditions and exclusions ---------------------------------------------------

struct ConditionResult {
  bool met = false;
  std::string why;
};

std::optional<std::int64_t> FactInt(const boost::json::object& facts, std::string_view key) {
  const boost::json::value* v = facts.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

// The stored note (zf/leniency_notes.h: the one table of condition notes).
std::string Note(ConditionNoteKind kind, std::vector<std::string> args) {
  return ConditionNoteStored(ConditionNote{kind, std::move(args)});
}

ConditionResult AtMost(const boost::json::object& facts, std::string_view fact, std::int64_t limit) {
  const auto value = FactInt(facts, fact);
  if (!value) return {false, Note(ConditionNoteKind::kFactNotStated, {std::string(fact)})};
  return {*value <= limit, Note(ConditionNoteKind::kAtMost, {std::string(fact),
                                                              std::to_string(*value),
                                                              std::to_string(limit)})};
}

ConditionResult JudgeCondition(const DecisionContext& context, const CaseState& c,
                               const PenaltyProposal& p, const std::vector<PriorViolation>& prior,
                               const LeniencyCondition& condition, boost::json::array* prior_ids) {
  const boost::json::object& facts = p.facts;
  const std::string& code = condition.code;
  if (code == "first_violation") {
    const int months = static_cast<int>(
        Int(condition.params, "lookback_months", context.options.first_violation_lookback_months));
    std::string scope = Text(condition.params, "scope");
    if (scope.empty()) scope = context.options.first_violation_scope;
    const auto hits = PriorInWindow(context, c, prior, months, scope);
    for (const auto& id : hits) prior_ids->emplace_back(id);
    if (hits.empty()) {
      return {true, Note(ConditionNoteKind::kNoPriorViolation,
                         {c.party.id.empty() ? "unnamed" : c.party.id, std::to_string(months),
                          scope})};
    }
    return {false, Note(ConditionNoteKind::kPriorViolation,
                        {std::to_string(months), scope, hits.front()})};
  }
  if (code == "corrected_within") {
    const std::int64_t days = Int(condition.params, "days");
    if (auto stated = FactInt(facts, "corrected_within_days")) {
      return {*stated <= days, Note(ConditionNoteKind::kCorrectedWithin,
                                    {std::to_string(*stated), std::to_string(days)})};
    }
    if (auto corrected = OptionalDate(facts, "corrected_on")) {
      const Date from = OptionalDate(facts, "correction_ordered_on").value_or(c.discovered_on);
      const std::int64_t took = DaysBetween(from, *corrected);
      return {took >= 0 && took <= days,
              Note(ConditionNoteKind::kCorrectedOn,
                   {corrected->ToString(), std::to_string(took), from.ToString(),
                    std::to_string(days)})};
    }
    return {false, Note(ConditionNoteKind::kNoCorrection, {})};
  }
  if (code == "harm_level_at_most") {
    const std::string limit = Text(condition.params, "level");
    const std::string stated = Text(facts, "harm_level");
    if (HarmRank(stated) < 0) return {false, Note(ConditionNoteKind::kFactNotStated, {"harm_level"})};
    return {HarmRank(stated) <= HarmRank(limit), Note(ConditionNoteKind::kHarm, {stated, limit})};
  }
  if (code == "amount_at_most") return AtMost(facts, "amount_fen", Int(condition.params, "fen"));
  if (code == "illegal_gains_at_most") {
    return AtMost(facts, "illegal_gains_fen", Int(condition.params, "fen"));
  }
  if (code == "duration_at_most") {
    return AtMost(facts, "duration_days", Int(condition.params, "days"));
  }
  // The remaining codes are findings of fact the officer states.
  if (Flag(facts, code)) return {true, Note(ConditionNoteKind::kFactEstablished, {code})};
  return {false, Note(ConditionNoteKind::kFactNotEstablished, {code})};
}

bool ExclusionApplies(const DecisionContext& context, const CaseState& c,
                      const PenaltyProposal& p, const std::vector<PriorViolation>& prior,
                      std::string_view exclusion) {
  if (Flag(p.facts, exclusion)) return true;
  if (exclusion == "repeat_offence") {
    return !PriorInWindow(context, c, prior, context.options.first_violation_lookback_months,
                          "same_item")
                .empty();
  }
  return false;
}

struct EntryEval {
  const LeniencyEntry* entry = nullptr;
  bool eligible = false;
  std::string status;  // mandatory | proposed | not_eligible | not_for_penalty
  boost::json::array conditions;
  boost::json::array exclusions;
  boost::json::array prior;
  const LeniencyChoice* answer = nullptr;
  std::size_t answer_index = 0;

  bool Applied() const {
    return eligible && status != "not_for_penalty" &&
           (entry->mandatory || (answer != nullptr && answer->accepted));
  }
  bool Kind(LeniencyListKind k) const { return entry->list_kind == k; }
};

std::vector<EntryEval> EvaluateEntries(const DecisionContext& context, const CaseState& c,
                                       const PenaltyProposal& p) {
  const auto prior = PriorViolations(context, c);
  std::vector<EntryEval> out;
  for (const LeniencyEntry* e : context.InForce().LeniencyEntries(c.item_code)) {
    EntryEval ev;
    ev.entry = e;
    bool met = true;
    for (const LeniencyCondition& condition : e->conditions) {
      const ConditionResult r = JudgeCondition(context, c, p, prior, condition, &ev.prior);
      met = met && r.met;
      ev.conditions.push_back({{"code", condition.code}, {"met", r.met}, {"why", r.why}});
    }
    for (const std::string& x : e->exclusions) {
      if (ExclusionApplies(context, c, p, prior, x)) ev.exclusions.emplace_back(x);
    }
    ev.eligible = met && ev.exclusions.empty();
    if (e->list_kind == LeniencyListKind::kCoercionExemption) {
      ev.status = "not_for_penalty";
    } else if (!ev.eligible) {
      ev.status = "not_eligible";
    } else {
      ev.status = e->mandatory ? "mandatory" : "proposed";
    }
    out.push_back(std::move(ev));
  }
  return out;
}

// Moves the evaluation's arrays into the object: it is the last use of them.
boost::json::object EvalToJson(EntryEval&& ev) {
  const LeniencyEntry& e = *ev.entry;
  boost::json::object o{{"entry_id", e.entry_id},
                        {"version", static_cast<std::int64_t>(e.version)},
                        {"list_kind", LeniencyListKindName(e.list_kind)},
                        {"mandatory", e.mandatory},
                        {"ground", e.leniency_ground},
                        {"eligible", ev.eligible},
                        {"status", ev.status}};
  o["conditions"] = std::move(ev.conditions);
  o["exclusions"] = std::move(ev.exclusions);
  if (!ev.prior.empty()) o["prior_violations"] = std::move(ev.prior);
  if (ev.answer != nullptr) {
    o["answer"] = ev.answer->accepted ? "accepted" : "rejected";
    if (!ev.answer->reason.empty()) o["reason"] = ev.answer->reason;
  } else {
    o["answer"] = "none";
  }
  return o;
}

// --- Fines ------------------------------------------------------------------------

std::int64_t PercentOf(std::int64_t a, std::int64_t pct, bool up) {
  const __int128 product = static_cast<__int128>(a) * pct;
  __int128 q = product / 100;
  if (up && product % 100 != 0) ++q;
  return q > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(q);
}

struct Range {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
};

// The statutory range in fen; nullopt with *code set when it cannot be had.
std::optional<Range> StatutoryRange(const DiscretionBenchmark& b,
                                    std::optional<std::int64_t> base, std::string* code) {
  if (!b.fine) {
    *code = "no_statutory_fine";
    return std::nullopt;
  }
  if (b.fine->kind == FineKind::kMultiple) {
    if (!base || *base < 0) {
      *code = "base_amount_required";
      return std::nullopt;
    }
    return Range{PercentOf(*base, b.fine->k_min_pct, true),
                 PercentOf(*base, b.fine->k_max_pct, false)};
  }
  return Range{b.fine->min_fen, b.fine->max_fen};
}

std::optional<Range> LevelRange(const DiscretionBenchmark& b, CircumstanceLevel level,
                                std::optional<std::int64_t> base, std::string* code) {
  const BenchmarkLevel* l = b.Level(level);
  if (l == nullptr) {
    *code = "level_not_in_benchmark";
    return std::nullopt;
  }
  if (b.fine && b.fine->kind == FineKind::kMultiple) {
    if (!base || *base < 0) {
      *code = "base_amount_required";
      return std::nullopt;
    }
    if (!l->k_min_pct || !l->k_max_pct) {
      *code = "level_has_no_fine";
      return std::nullopt;
    }
    return Range{PercentOf(*base, *l->k_min_pct, true), PercentOf(*base, *l->k_max_pct, false)};
  }
  if (!l->fine_min_fen || !l->fine_max_fen) {
    *code = "level_has_no_fine";
    return std::nullopt;
  }
  return Range{*l->fine_min_fen, *l->fine_max_fen};
}

// How severe a benchmark version is for `level`: the level's highest fine,
// then its lowest (the statutory bounds when the level has none). Used to
// pick the lighter of two versions (the law in time, docs/domain.md, I8).
std::pair<std::int64_t, std::int64_t> Severity(const DiscretionBenchmark& b,
                                               std::optional<CircumstanceLevel> level,
                                               std::optional<std::int64_t> base) {
  std::string ignored;
  if (level) {
    if (auto r = LevelRange(b, *level, base, &ignored)) return {r->hi, r->lo};
  }
  if (auto r = StatutoryRange(b, base, &ignored)) return {r->hi, r->lo};
  return {0, 0};
}

}  // namespace

PenaltyProposal ProposalFromData(const boost::json::object& data) {
  PenaltyProposal p;
  p.outcome = Text(data, "outcome");
  p.penalty_types = TextList(data, "penalty_types");
  p.fine_fen = Int(data, "fine_fen");
  p.confiscation_fen = Int(data, "confiscation_fen");
  if (const auto* base = data.if_contains("base_fen"); base != nullptr && base->is_int64()) {
    p.base_fen = base->as_int64();
  }
  p.circumstance_level = Text(data, "circumstance_level");
  p.adjustment = Text(data, "adjustment");
  p.mitigation_ground = Text(data, "mitigation_ground");
  if (const auto* list = data.if_contains("leniency"); list != nullptr && list->is_array()) {
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) continue;
      const auto& o = item.as_object();
      p.leniency.push_back({Text(o, "entry_id"), Flag(o, "accepted"), Text(o, "reason")});
    }
  }
  if (const auto* facts = data.if_contains("facts"); facts != nullptr && facts->is_object()) {
    p.facts = facts->as_object();
  }
  if (auto gains = FactInt(data, "illegal_gains_fen")) {
    p.illegal_gains_fen = gains;
  } else if (auto stated = FactInt(p.facts, "illegal_gains_fen")) {
    p.illegal_gains_fen = stated;
  }
  p.illegal_gains_refunded_fen = Int(data, "illegal_gains_refunded_fen");
  p.illegal_gains_refund_record = Text(data, "illegal_gains_refund_record");
  p.education_record = Text(data, "education_record");
  p.correction_ordered = Flag(data, "correction_ordered");
  return p;
}

boost::json::object ProposalToJson(const PenaltyProposal& p) {
  boost::json::object o;
  o["outcome"] = p.outcome;
  boost::json::array types;
  for (const auto& t : p.penalty_types) types.emplace_back(t);
  o["penalty_types"] = std::move(types);
  o["fine_fen"] = p.fine_fen;
  o["confiscation_fen"] = p.confiscation_fen;
  if (p.base_fen) o["base_fen"] = *p.base_fen;
  if (!p.circumstance_level.empty()) o["circumstance_level"] = p.circumstance_level;
  if (!p.adjustment.empty()) o["adjustment"] = p.adjustment;
  if (!p.mitigation_ground.empty()) o["mitigation_ground"] = p.mitigation_ground;
  boost::json::array leniency;
  for (const auto& choice : p.leniency) {
    boost::json::object c{{"entry_id", choice.entry_id}, {"accepted", choice.accepted}};
    if (!choice.reason.empty()) c["reason"] = choice.reason;
    leniency.push_back(std::move(c));
  }
  if (!leniency.empty()) o["leniency"] = std::move(leniency);
  if (!p.facts.empty()) o["facts"] = p.facts;
  if (!p.education_record.empty()) o["education_record"] = p.education_record;
  if (p.correction_ordered) o["correction_ordered"] = true;
  if (p.illegal_gains_fen) o["illegal_gains_fen"] = *p.illegal_gains_fen;
  if (p.illegal_gains_refunded_fen > 0) {
    o["illegal_gains_refunded_fen"] = p.illegal_gains_refunded_fen;
  }
  if (!p.illegal_gains_refund_record.empty()) {
    o["illegal_gains_refund_record"] = p.illegal_gains_refund_record;
  }
  return o;
}

boost::json::array EvaluateLeniency(const DecisionContext& context, const CaseState& c,
                                    const PenaltyProposal& proposal) {
  boost::json::array out;
  for (EntryEval& ev : EvaluateEntries(context, c, proposal)) {
    out.push_back(EvalToJson(std::move(ev)));
  }
  return out;
}

namespace {

// The judgement under construction, with the shared inputs.
class Judge {
 public:
  Judge(const DecisionContext& context, const CaseState& c, const PenaltyProposal& p,
        std::string_view pointer)
      : context_(context), c_(c), p_(p), pointer_(pointer) {}

  PenaltyJudgement Run() {
    evals_ = EvaluateEntries(context_, c_, p_);
    // Each step records its rejection and stops the chain.
    const bool answered = Answers() && StatutoryFacts() && MandatoryNoPenalty() &&
                          StatutoryNoPenalty() && Reasons() && Consistent();
    if (answered && p_.outcome == "penalty") {
      (void)(MandatoryMitigation() && StatutoryMitigation() && NoDoubleFine() && LawInTime() &&
             HigherNorm() && IllegalGains() && Types() && Fine());
    } else if (answered && p_.outcome == "no_penalty") {
      RecordBenchmarkInForce();
      (void)Accompanying();
    }
    Finish();
    return std::move(out_);
  }

 private:
  bool Fail(std::string code, std::string message, std::string basis, std::string pointer) {
    out_.rejection = Rejection{std::move(code), std::move(message), std::move(basis),
                               std::move(pointer)};
    return false;
  }
  std::string Ptr(std::string_view field) const { return fmt::format("{}/{}", pointer_, field); }

  // Why an entry in force was not proposed, in both languages: the first
  // unmet condition's stored note as a person reads it (zf/leniency_notes.h).
  struct NotProposed {
    std::string en = "its conditions are not met";
    std::string zh = "条件不成立";
  };
  static NotProposed WhyNotProposed(const EntryEval& ev) {
    NotProposed why;
    if (ev.status == "not_for_penalty") {
      return {"it exempts from coercive measures, not from a penalty",
              "该条目免予的是行政强制措施，不是行政处罚"};
    }
    if (!ev.exclusions.empty()) {
      const std::string exclusion(ev.exclusions.front().as_string());
      return {fmt::format("exclusion {} applies", exclusion),
              fmt::format("存在排除情形：{}", LeniencyConditionName(exclusion, Language::kZh))};
    }
    for (const auto& cond : ev.conditions) {
      const auto& o = cond.as_object();
      if (o.at("met").as_bool()) continue;
      const std::string_view note = o.at("why").as_string();
      why.en = fmt::format("{}: {}", o.at("code").as_string().c_str(), note);
      why.zh = ConditionNoteTextOf(note, /*met=*/false, Language::kZh);
      break;
    }
    return why;
  }

  EntryEval* FindEval(std::string_view entry_id) {
    for (EntryEval& ev : evals_) {
      if (ev.entry->entry_id == entry_id) return &ev;
    }
    return nullptr;
  }

  // Every answer must concern a proposal the engine made: an entry in force
  // for the item, eligible on the facts, for a penalty outcome.
  bool Answers() {
    for (std::size_t i = 0; i < p_.leniency.size(); ++i) {
      const LeniencyChoice& choice = p_.leniency[i];
      EntryEval* ev = FindEval(choice.entry_id);
      const std::string at = Ptr(fmt::format("leniency/{}/entry_id", i));
      if (ev == nullptr) {
        return Fail("leniency_not_applicable",
                    fmt::format("{} is not a list entry in force for {} on {}", choice.entry_id,
                                c_.item_code, context_.date().ToString()),
                    std::string(kListsBasis), at);
      }
      if (!ev->eligible || ev->status == "not_for_penalty") {
        const NotProposed why = WhyNotProposed(*ev);
        Fail("leniency_not_applicable",
             fmt::format("entry {} was not proposed for this case: {}", choice.entry_id, why.en),
             GroundBasis(ev->entry->leniency_ground), at);
        out_.rejection->message_zh =
            fmt::format("清单条目 {} 不适用于本案：{}", choice.entry_id, why.zh);
        return false;
      }
      if (ev->answer != nullptr) {
        return Fail("leniency_not_applicable",
                    fmt::format("entry {} is answered twice", choice.entry_id),
                    std::string(kListsBasis), at);
      }
      ev->answer = &choice;
      ev->answer_index = i;
    }
    return true;
  }

  // An established mandatory no-penalty ground forbids any penalty.
  bool MandatoryNoPenalty() {
    if (p_.outcome != "penalty") return true;
    for (const EntryEval& ev : evals_) {
      if (ev.status == "mandatory" && ev.Kind(LeniencyListKind::kNoPenalty)) {
        return Fail("mandatory_no_penalty",
                    fmt::format("entry {} ({}) is established: no penalty may be imposed; decide "
                                "no_penalty with education",
                                ev.entry->entry_id, ev.entry->leniency_ground),
                    GroundBasis(ev.entry->leniency_ground), Ptr("outcome"));
      }
    }
    return true;
  }

  // The statute's own grounds (APL 30-33), whether or not a list entry
  // repeats them: the typed facts must agree with each other and the party.
  bool StatutoryFacts() {
    statutory_ = JudgeStatutoryGrounds(context_.cases, c_, p_.facts,
                                       context_.options.age_full_from_day_after_birthday,
                                       pointer_);
    if (statutory_.invalid) {
      out_.rejection = statutory_.invalid;
      return false;
    }
    return true;
  }
  const StatutoryGround* StatutoryWith(std::string_view effect) const {
    for (const StatutoryGround& g : statutory_.grounds) {
      if (g.effect == effect) return &g;
    }
    return nullptr;
  }
  bool StatutoryNoPenalty() {
    if (p_.outcome != "penalty") return true;
    const StatutoryGround* g = StatutoryWith("no_penalty");
    if (g == nullptr) return true;
    return Fail("mandatory_no_penalty",
                fmt::format("{} ({}): no penalty may be imposed, whatever the lists say; decide "
                            "no_penalty with education",
                            g->ground, g->why),
                g->basis, Ptr(fmt::format("facts/{}", g->fact)));
  }
  bool StatutoryMitigation() {
    const StatutoryGround* g = StatutoryWith("lighter_or_mitigated");
    if (g == nullptr || p_.adjustment == "lighter" || p_.adjustment == "mitigated") return true;
    return Fail("lighter_penalty_required",
                fmt::format("{} ({}): the penalty shall be lighter or mitigated, whatever the "
                            "lists say",
                            g->ground, g->why),
                g->basis, Ptr("adjustment"));
  }
  // A statutory ground named as the mitigation ground, established by the facts.
  bool StatutoryGroundEstablished(std::string_view ground) const {
    for (const StatutoryGround& g : statutory_.grounds) {
      if (g.ground == ground || (ground == "APL30" && g.ground == "APL30.2")) {
        return g.effect != "no_penalty";
      }
    }
    return false;
  }

  // A discretionary proposal is accepted, or rejected with written reasons.
  bool Reasons() {
    for (const EntryEval& ev : evals_) {
      if (ev.status != "proposed") continue;
      if (ev.answer == nullptr) {
        return Fail("leniency_reason_required",
                    fmt::format("entry {} ({}) is proposed: accept it, or reject it with written "
                                "reasons (说理)",
                                ev.entry->entry_id, ev.entry->leniency_ground),
                    GroundBasis(ev.entry->leniency_ground), Ptr("leniency"));
      }
      if (!ev.answer->accepted && Blank(ev.answer->reason)) {
        return Fail("leniency_reason_required",
                    fmt::format("rejecting entry {} needs written reasons (说理)",
                                ev.entry->entry_id),
                    GroundBasis(ev.entry->leniency_ground),
                    Ptr(fmt::format("leniency/{}/reason", ev.answer_index)));
      }
    }
    return true;
  }

  // An accepted entry must be what the outcome does.
  bool Consistent() {
    for (const EntryEval& ev : evals_) {
      if (ev.answer == nullptr || !ev.answer->accepted) continue;
      const bool no_penalty_entry = ev.Kind(LeniencyListKind::kNoPenalty);
      const bool fits =
          no_penalty_entry
              ? p_.outcome == "no_penalty"
              : p_.outcome == "penalty" &&
                    (ev.Kind(LeniencyListKind::kLighterPenalty)
                         ? (p_.adjustment == "lighter" || p_.adjustment == "mitigated")
                         : p_.adjustment == "mitigated");
      if (!fits) {
        return Fail("leniency_outcome_conflict",
                    fmt::format("entry {} was accepted, so the outcome must be {}", ev.entry->entry_id,
                                no_penalty_entry ? "no_penalty"
                                : ev.Kind(LeniencyListKind::kLighterPenalty)
                                    ? "a lighter (or mitigated) penalty"
                                    : "a mitigated penalty"),
                    GroundBasis(ev.entry->leniency_ground), Ptr("outcome"));
      }
    }
    return true;
  }

  // No penalty on a leniency ground: education (APL 33 ¶3) and, where the
  // entry lists it, the order to correct (APL 28), at the decision.
  bool Accompanying() {
    if (!p_.at_decision) return true;
    for (const EntryEval& ev : evals_) {
      if (!ev.Applied() || !ev.Kind(LeniencyListKind::kNoPenalty)) continue;
      if (Blank(p_.education_record)) {
        return Fail("education_record_required",
                    fmt::format("no penalty under entry {}: the education given must be recorded",
                                ev.entry->entry_id),
                    "APL art. 33 ¶3", Ptr("education_record"));
      }
      if (Contains(ev.entry->accompanying, "correction_order") && !p_.correction_ordered) {
        return Fail("correction_order_required",
                    fmt::format("entry {} goes with an order to correct", ev.entry->entry_id),
                    "APL art. 28", Ptr("correction_ordered"));
      }
    }
    return true;
  }

  // A no-penalty decision still records the benchmark it was weighed
  // against, when one is in force.
  void RecordBenchmarkInForce() {
    const DiscretionBenchmark* b =
        context_.InForce().Benchmark(c_.item_code, BenchmarkCategoryOf(c_));
    if (b == nullptr) return;
    out_.benchmark_id = b->benchmark_id;
    out_.benchmark_version = b->version;
  }

  // APL 32: an established mandatory lighter/mitigated ground must lighten.
  bool MandatoryMitigation() {
    for (const EntryEval& ev : evals_) {
      if (ev.status != "mandatory") continue;
      if (!ev.Kind(LeniencyListKind::kLighterPenalty) &&
          !ev.Kind(LeniencyListKind::kMitigatedPenalty)) {
        continue;
      }
      if (p_.adjustment != "lighter" && p_.adjustment != "mitigated") {
        return Fail("lighter_penalty_required",
                    fmt::format("entry {} ({}) is established: the penalty shall be lighter or "
                                "mitigated",
                                ev.entry->entry_id, ev.entry->leniency_ground),
                    GroundBasis(ev.entry->leniency_ground), Ptr("adjustment"));
      }
    }
    return true;
  }

  // I7: the same act of the same party is fined once, by whichever subject.
  bool NoDoubleFine() {
    if (!HasType(p_, "fine") || c_.party.id.empty()) return true;
    for (const CaseState* other : CasesOfSameAct(context_.cases, context_.options, c_)) {
      if (!other->procedure_state.decision) continue;
      const DecisionRecord& d = *other->procedure_state.decision;
      if (d.type != "penalty" || d.fine_fen <= 0 || d.decided_at >= context_.at.unix_micros) {
        continue;
      }
      return Fail("double_penalty",
                  fmt::format("the same act of {} ({}) was already fined {} fen by {} (case {}, "
                              "{} on {}); a second fine is not allowed — apply the norm with the "
                              "higher fine in one decision",
                              c_.party.id, ActOf(context_.cases, c_).id, d.fine_fen,
                              d.handling_subject, other->id,
                              d.document_number.empty() ? "decision" : d.document_number,
                              d.decided_on.ToString()),
                  std::string(kDoubleFineBasis), Ptr("penalty_types"));
    }
    return true;
  }

  // APL art. 29 sentence 2: one act that breaches several norms each carrying
  // a fine is fined under the norm with the higher fine, whoever decides
  // first. The norms are compared by their statutory maximum (a multiple
  // needs its base, from this proposal or the other case's report; a norm
  // whose maximum is not known yet is not compared).
  bool HigherNorm() {
    if (!HasType(p_, "fine") || c_.party.id.empty() || benchmark_ == nullptr) return true;
    std::string ignored;
    const auto mine = StatutoryRange(*benchmark_, p_.base_fen, &ignored);
    if (!mine) return true;
    for (const CaseState* other : CasesOfSameAct(context_.cases, context_.options, c_)) {
      if (other->IsFinal() || other->state == "not_filed" || other->state == "merged") continue;
      if (other->procedure_state.decision && other->procedure_state.decision->type != "penalty") {
        continue;
      }
      const DiscretionBenchmark* theirs =
          context_.InForce().Benchmark(other->item_code, BenchmarkCategoryOf(*other));
      if (theirs == nullptr) continue;
      std::optional<std::int64_t> base;
      if (other->procedure_state.proposal) {
        base = ProposalFromData(other->procedure_state.proposal->data).base_fen;
      }
      const auto range = StatutoryRange(*theirs, base, &ignored);
      if (!range || range->hi <= mine->hi) continue;
      return Fail("higher_norm_applies",
                  fmt::format("act {} of {} also breaches {} (case {}, {}), whose norm fines up to "
                              "{} fen, more than the {} fen of {} under {}: the act is fined once, "
                              "under the norm with the higher fine (case {})",
                              ActOf(context_.cases, c_).id, c_.party.id, other->item_code,
                              other->id,
                              other->handling_subject.empty() ? other->clue.holder
                                                              : other->handling_subject,
                              range->hi, mine->hi, c_.item_code, benchmark_->benchmark_id,
                              other->id),
                  "《中华人民共和国行政处罚法》第二十九条（同一个违法行为违反多个法律规范应当给予罚款"
                  "处罚的，按照罚款数额高的规定处罚）",
                  Ptr("penalty_types"));
    }
    return true;
  }

  // the law in time, I8: the benchmark (and item version) in force on the act date, unless
  // the one in force on the decision date is lighter.
  bool LawInTime() {
    const PartyCategory category = BenchmarkCategoryOf(c_);
    const DiscretionBenchmark* now = context_.InForce().Benchmark(c_.item_code, category);
    const std::optional<Date> act = ActDateOf(context_, c_);
    const DiscretionBenchmark* then =
        act ? context_.rules.benchmarks().BenchmarkInForce(c_.item_code, category, *act) : nullptr;
    const PowerItemVersion* item_now = context_.InForce().PowerItem(c_.item_code);
    const PowerItemVersion* item_then =
        act ? context_.rules.powers().ItemAsOf(c_.item_code, *act) : nullptr;
    boost::json::object law;
    if (act) law["act_date"] = act->ToString();
    law["decision_date"] = context_.date().ToString();
    if (then != nullptr) law["act_version"] = fmt::format("{}@{}", then->benchmark_id, then->version);
    if (now != nullptr) {
      law["decision_version"] = fmt::format("{}@{}", now->benchmark_id, now->version);
    }
    if (item_then != nullptr) law["act_item_version"] = static_cast<std::int64_t>(item_then->version);
    if (item_now != nullptr) law["decision_item_version"] = static_cast<std::int64_t>(item_now->version);
    if (now == nullptr && then == nullptr) {
      out_.evaluation["law_in_time"] = std::move(law);
      return Fail("benchmark_missing",
                  fmt::format("no discretion benchmark for {} is in force on {}", c_.item_code,
                              context_.date().ToString()),
                  std::string(kBenchmarkBasis), std::string(pointer_));
    }
    const auto level = ParseCircumstanceLevel(p_.circumstance_level);
    std::string why;
    if (then == nullptr) {
      benchmark_ = now;
      out_.law_applied = "decision_date";
      why = LawInTimeReasonStored(act ? LawInTimeReason::kNoBenchmarkOnActDate
                                      : LawInTimeReason::kActDateNotRecorded);
    } else if (now == nullptr) {
      benchmark_ = then;
      out_.law_applied = "act_date";
      why = LawInTimeReasonStored(LawInTimeReason::kNoBenchmarkOnDecisionDate);
    } else if (then == now) {
      benchmark_ = then;
      out_.law_applied = "act_date";
      why = LawInTimeReasonStored(LawInTimeReason::kSameVersion);
    } else if (Severity(*now, level, p_.base_fen) < Severity(*then, level, p_.base_fen)) {
      benchmark_ = now;
      out_.law_applied = "decision_date";
      why = LawInTimeReasonStored(LawInTimeReason::kDecisionDateLighter);
    } else {
      benchmark_ = then;
      out_.law_applied = "act_date";
      why = LawInTimeReasonStored(LawInTimeReason::kLaterNotLighter);
    }
    const PowerItemVersion* item = out_.law_applied == "act_date" && item_then ? item_then : item_now;
    if (item != nullptr) out_.item_version = item->version;
    law["applied"] = out_.law_applied;
    law["why"] = why;
    out_.evaluation["law_in_time"] = std::move(law);
    out_.benchmark_id = benchmark_->benchmark_id;
    out_.benchmark_version = benchmark_->version;
    return true;
  }

  // The accepted or mandatory mitigated entry the mitigation rests on.
  const EntryEval* MitigationEntry() const {
    for (const EntryEval& ev : evals_) {
      if (!ev.Applied() || !ev.Kind(LeniencyListKind::kMitigatedPenalty)) continue;
      if (p_.mitigation_ground == ev.entry->entry_id ||
          p_.mitigation_ground == ev.entry->leniency_ground) {
        return &ev;
      }
    }
    return nullptr;
  }

  // The penalty types the statute (or an applied substitute) allows.
  // APL art. 28 ¶2: established illegal gains are confiscated, except what
  // is refunded to victims under law. The confiscation is additional to the
  // benchmark's penalties (docs/domain.md, Discretion step 5).
  std::int64_t GainsOwed() const {
    if (!p_.illegal_gains_fen) return 0;
    return std::max<std::int64_t>(0, *p_.illegal_gains_fen - p_.illegal_gains_refunded_fen);
  }
  bool IllegalGains() {
    constexpr std::string_view kBasis =
        "《中华人民共和国行政处罚法》第二十八条第二款（当事人有违法所得，除依法应当退赔的外，"
        "应当予以没收）";
    const std::int64_t gains = p_.illegal_gains_fen.value_or(0);
    if (p_.illegal_gains_refunded_fen > 0) {
      if (p_.illegal_gains_refunded_fen > gains) {
        return Fail("illegal_gains_refund_invalid",
                    fmt::format("{} fen refunded to victims is more than the {} fen of illegal "
                                "gains established",
                                p_.illegal_gains_refunded_fen, gains),
                    std::string(kBasis), Ptr("illegal_gains_refunded_fen"));
      }
      if (Blank(p_.illegal_gains_refund_record)) {
        return Fail("illegal_gains_refund_invalid",
                    "a refund to victims under law is shown by its record "
                    "(illegal_gains_refund_record: the order, receipt or agreement)",
                    std::string(kBasis), Ptr("illegal_gains_refund_record"));
      }
    }
    const std::int64_t owed = GainsOwed();
    if (owed <= 0) return true;
    if (!HasType(p_, "confiscate_gains") || p_.confiscation_fen < owed) {
      return Fail("illegal_gains_not_confiscated",
                  fmt::format("illegal gains of {} fen are established{}: the penalty must "
                              "confiscate at least {} fen (confiscate_gains with "
                              "confiscation_fen); it confiscates {} fen",
                              gains,
                              p_.illegal_gains_refunded_fen > 0
                                  ? fmt::format(", {} fen of them refunded to victims",
                                                p_.illegal_gains_refunded_fen)
                                  : std::string(),
                              owed, HasType(p_, "confiscate_gains") ? p_.confiscation_fen : 0),
                  std::string(kBasis), Ptr("penalty_types"));
    }
    return true;
  }

  bool Types() {
    const DiscretionBenchmark& b = *benchmark_;
    std::set<std::string> allowed(b.penalty_types.begin(), b.penalty_types.end());
    // Confiscating established gains is the statute's own penalty (APL 28
    // ¶2), whatever the benchmark lists.
    if (GainsOwed() > 0) allowed.insert("confiscate_gains");
    if (p_.adjustment == "mitigated") {
      if (const EntryEval* ev = MitigationEntry()) {
        if (!ev->entry->outcome.substitute_type.empty()) {
          allowed.insert(ev->entry->outcome.substitute_type);
        }
      }
    }
    if (p_.penalty_types.empty()) {
      return Fail("penalty_type_not_allowed", "a penalty outcome names at least one penalty type",
                  "APL art. 9 (types of penalty)", Ptr("penalty_types"));
    }
    for (std::size_t i = 0; i < p_.penalty_types.size(); ++i) {
      if (!allowed.contains(p_.penalty_types[i])) {
        return Fail("penalty_type_not_allowed",
                    fmt::format("{} is not a penalty {} allows for {} (allowed: {})",
                                p_.penalty_types[i], b.benchmark_id, c_.item_code,
                                fmt::join(allowed, ", ")),
                    std::string(b.basis_penalty.empty() ? kBenchmarkBasis : b.basis_penalty),
                    Ptr(fmt::format("penalty_types/{}", i)));
      }
    }
    // Leaving out a penalty the law combines is itself mitigation (Doc 27).
    if (p_.adjustment != "mitigated" && b.combination == "and") {
      for (const std::string& t : b.penalty_types) {
        if (!HasType(p_, t)) {
          return Fail("combined_penalty_required",
                      fmt::format("{} combines {}; leaving out {} is a mitigated penalty and "
                                  "needs a ground",
                                  b.benchmark_id, fmt::join(b.penalty_types, " + "), t),
                      "国办发〔2022〕27号 (减轻: not combining what the law combines)",
                      Ptr("penalty_types"));
        }
      }
    }
    return true;
  }

  bool MitigationGround() {
    static constexpr std::pair<std::string_view, std::string_view> kStatutory[] = {
        {"APL32.1", "harm_removed_proactively"},    {"APL32.2", "coerced_or_deceived"},
        {"APL32.3", "confessed_unknown_violation"}, {"APL32.4", "meritorious_service"},
        {"APL32.5", "other_law_ground"},            {"APL30", "party_minor"},
        {"APL31.2", "partial_incapacity"},
    };
    const std::string& ground = p_.mitigation_ground;
    const auto fail = [&](std::string why) {
      return Fail("mitigation_ground_required",
                  fmt::format("a mitigated penalty (减轻) needs an established ground: {}", why),
                  "APL art. 32; Doc 27 (减轻 needs a ground)", Ptr("mitigation_ground"));
    };
    if (Blank(ground)) return fail("none named (an APL 32/30/31 ground or a list entry)");
    if (MitigationEntry() != nullptr) return true;
    if (const EntryEval* ev = FindEval(ground)) {
      return fail(fmt::format("entry {} is {}{}", ground, ev->status,
                              ev->status == "proposed" ? " and not accepted" : ""));
    }
    for (auto [code, fact] : kStatutory) {
      if (ground != code) continue;
      if (Flag(p_.facts, fact) || StatutoryGroundEstablished(code)) return true;
      return fail(fmt::format("{} needs facts.{} established", code, fact));
    }
    return fail(fmt::format("{} is neither a statutory ground nor a list entry", ground));
  }

  bool Fine() {
    const DiscretionBenchmark& b = *benchmark_;
    const bool mitigated = p_.adjustment == "mitigated";
    if (mitigated && !MitigationGround()) return false;
    if (!HasType(p_, "fine")) return true;
    boost::json::object fine{{"basis", context_.options.fine_band_basis},
                             {"adjustment", p_.adjustment.empty() ? "general" : p_.adjustment}};
    const auto reject = [&](std::string code, std::int64_t lo, std::int64_t hi) {
      fine["allowed_min_fen"] = lo;
      fine["allowed_max_fen"] = hi;
      out_.evaluation["fine"] = fine;
      return Fail(std::move(code),
                  fmt::format("a fine of {} fen is not allowed for level {} ({}) of benchmark {} "
                              "v{}; allowed {}..{} fen",
                              p_.fine_fen, p_.circumstance_level.empty() ? "-" : p_.circumstance_level,
                              p_.adjustment.empty() ? "general" : p_.adjustment, b.benchmark_id,
                              b.version, lo, hi),
                  std::string(kBenchmarkBasis), Ptr("fine_fen"));
    };
    if (p_.fine_fen <= 0) return reject("fine_not_positive", 1, 0);
    if (mitigated) {
      const EntryEval* ev = MitigationEntry();
      if (ev != nullptr && ev->entry->outcome.fine_min_fen && ev->entry->outcome.fine_max_fen) {
        const std::int64_t lo = *ev->entry->outcome.fine_min_fen;
        const std::int64_t hi = *ev->entry->outcome.fine_max_fen;
        if (p_.fine_fen < lo || p_.fine_fen > hi) return reject("fine_outside_mitigated_range", lo, hi);
        out_.evaluation["fine"] = fine;
        return true;
      }
      const FineCheck check = CheckFine(b, CircumstanceLevel::kGeneral, p_.fine_fen,
                                        FineAdjustment::kMitigated, p_.base_fen);
      if (!check.ok()) return reject(check.reason, check.allowed_min_fen, check.allowed_max_fen);
      out_.evaluation["fine"] = fine;
      return true;
    }
    const auto level = ParseCircumstanceLevel(p_.circumstance_level);
    if (!level) {
      return Fail("circumstance_level_required",
                  "a fine needs the circumstance level it was chosen for",
                  std::string(kBenchmarkBasis), Ptr("circumstance_level"));
    }
    fine["level"] = p_.circumstance_level;
    // An accepted (or mandatory) lighter entry sets its own band. (The
    // benchmark is copied only then: it holds its whole published text.)
    std::optional<DiscretionBenchmark> own_band;
    for (const EntryEval& ev : evals_) {
      if (ev.Applied() && ev.Kind(LeniencyListKind::kLighterPenalty) &&
          ev.entry->outcome.band_pct > 0 && p_.adjustment == "lighter") {
        if (!own_band) own_band = b;
        own_band->lighter_band_pct = ev.entry->outcome.band_pct;
      }
    }
    const DiscretionBenchmark& banded = own_band ? *own_band : b;
    if (context_.options.fine_band_basis == "level") {
      const FineCheck check =
          CheckFine(banded, *level, p_.fine_fen, AdjustmentOf(p_.adjustment), p_.base_fen);
      if (!check.ok()) return reject(check.reason, check.allowed_min_fen, check.allowed_max_fen);
      out_.evaluation["fine"] = fine;
      return true;
    }
    std::string code;
    const auto level_range = LevelRange(banded, *level, p_.base_fen, &code);
    if (!level_range) return reject(code, 0, 0);
    const auto statutory = StatutoryRange(banded, p_.base_fen, &code);
    if (!statutory) return reject(code, 0, 0);
    Range allowed = *level_range;
    std::string failure;
    switch (AdjustmentOf(p_.adjustment)) {
      case FineAdjustment::kLighter:
        allowed = {std::max<std::int64_t>(statutory->lo, 1),
                   LighterBandMax(statutory->lo, statutory->hi, banded.lighter_band_pct)
                       .value_or(statutory->hi)};
        failure = "fine_outside_lighter_band";
        break;
      case FineAdjustment::kHeavier:
        allowed = {HeavierBandMin(statutory->lo, statutory->hi, banded.heavier_band_pct)
                       .value_or(statutory->lo),
                   statutory->hi};
        failure = "fine_outside_heavier_band";
        break;
      default:
        if (p_.fine_fen < allowed.lo) failure = "fine_below_level";
        if (p_.fine_fen > allowed.hi) failure = "fine_above_level";
        break;
    }
    fine["allowed_min_fen"] = allowed.lo;
    fine["allowed_max_fen"] = allowed.hi;
    if (p_.fine_fen < allowed.lo || p_.fine_fen > allowed.hi) {
      return reject(failure, allowed.lo, allowed.hi);
    }
    out_.evaluation["fine"] = fine;
    return true;
  }

  void Finish() {
    boost::json::array entries;
    for (EntryEval& ev : evals_) {  // their last use: their arrays are moved out
      if (ev.Applied()) out_.leniency_entries.push_back(EntryRef(*ev.entry));
      entries.push_back(EvalToJson(std::move(ev)));
    }
    out_.evaluation["entries"] = std::move(entries);
    if (!p_.mitigation_ground.empty()) out_.evaluation["mitigation_ground"] = p_.mitigation_ground;
    if (!out_.benchmark_id.empty()) {
      out_.evaluation["benchmark_id"] = out_.benchmark_id;
      out_.evaluation["benchmark_version"] = out_.benchmark_version;
    }
    boost::json::array applied;
    for (const auto& ref : out_.leniency_entries) applied.emplace_back(ref);
    out_.evaluation["leniency_entries"] = std::move(applied);
  }

  const DecisionContext& context_;
  const CaseState& c_;
  const PenaltyProposal& p_;
  std::string_view pointer_;
  std::vector<EntryEval> evals_;
  StatutoryGroundsAnswer statutory_;
  const DiscretionBenchmark* benchmark_ = nullptr;
  PenaltyJudgement out_;
};

}  // namespace

ActIdentity ActOf(const CaseBook& cases, const CaseState& c) {
  const CaseState* x = &c;
  // A related case (the same act reported twice) shares its act; the links
  // are followed a few steps at most, against a cycle.
  for (int hops = 0; hops < 4; ++hops) {
    const bool hopped = x != &c;
    if (!x->clue.act_id.empty()) {
      return {"act:" + x->clue.act_id, hopped ? "related_case" : "act_id", ActDateIn(cases, c)};
    }
    if (!x->clue.joint_action_id.empty()) {
      const JointActionState* action = cases.FindJointAction(x->clue.joint_action_id);
      if (const JointFinding* f = action != nullptr ? action->FindingOfCase(x->id) : nullptr) {
        return {fmt::format("{}/{}", action->id, f->act_id.empty() ? f->finding_id : f->act_id),
                hopped ? "related_case" : "joint_finding", ActDateIn(cases, c)};
      }
    }
    const CaseState* related = x->clue.related_case_id.empty()
                                   ? nullptr
                                   : cases.FindCase(x->clue.related_case_id);
    if (related == nullptr) break;
    x = related;
  }
  return {"case:" + x->id, x == &c ? "own" : "related_case", ActDateIn(cases, c)};
}

std::vector<const CaseState*> CasesOfSameAct(const CaseBook& cases, const EngineOptions& options,
                                             const CaseState& c) {
  std::vector<const CaseState*> out;
  if (c.party.id.empty()) return out;
  const ActIdentity mine = ActOf(cases, c);
  for (const std::string& id : cases.CasesOfParty(c.party.id)) {
    if (id == c.id) continue;
    const CaseState* other = cases.FindCase(id);
    if (other == nullptr) continue;
    const ActIdentity theirs = ActOf(cases, *other);
    bool same = mine.id == theirs.id;
    // The rule before act ids: one party's cases with one act date are one
    // act, unless both name their acts and the names differ.
    if (!same && options.act_identity_default == "act_date" && mine.date && theirs.date &&
        *mine.date == *theirs.date) {
      same = mine.source == "own" || mine.source == "related_case" || theirs.source == "own" ||
             theirs.source == "related_case";
    }
    if (same) out.push_back(other);
  }
  return out;
}

StatutoryGroundsAnswer JudgeStatutoryGrounds(const CaseBook& cases, const CaseState& c,
                                             const boost::json::object& facts,
                                             bool age_from_day_after, std::string_view pointer) {
  StatutoryGroundsAnswer answer;
  const auto invalid = [&](std::string_view field, std::string message, std::string_view basis) {
    answer.invalid = Rejection{"party_facts_invalid", std::move(message), std::string(basis),
                               fmt::format("{}/facts/{}", pointer, field)};
    return answer;
  };
  const std::optional<Date> born = OptionalDate(facts, "party_birth_date");
  const std::optional<std::int64_t> stated_age = FactInt(facts, "age_at_act");
  const std::string capacity = Text(facts, "capacity");
  // Age and capacity are facts of a natural person (an individual business
  // is run by one); an organisation has neither.
  const bool person = c.party.category == "natural_person" ||
                      c.party.category == "individual_business";
  for (std::string_view field : {"party_birth_date", "age_at_act", "capacity"}) {
    if (facts.contains(field) && !person) {
      return invalid(field,
                     fmt::format("facts.{} is a fact of a natural person; the party {} is an {}",
                                 field, c.party.id, c.party.category),
                     kApl30Under14);
    }
  }
  const std::optional<Date> act = ActDateIn(cases, c);
  if (born) {
    const Date on = act.value_or(c.discovered_on);
    if (on < *born) {
      return invalid("party_birth_date",
                     fmt::format("the party was born on {}, after the act ({})", born->ToString(),
                                 on.ToString()),
                     kApl30Under14);
    }
    answer.age_at_act = FullYears(*born, on, age_from_day_after);
    if (stated_age && *stated_age != *answer.age_at_act) {
      return invalid("age_at_act",
                     fmt::format("age_at_act {} contradicts the birth date {}: {} full years on {}",
                                 *stated_age, born->ToString(), *answer.age_at_act, on.ToString()),
                     kApl30Under14);
    }
  } else if (stated_age) {
    answer.age_at_act = static_cast<int>(*stated_age);
  }
  const auto add = [&](std::string_view ground, std::string_view effect, std::string_view basis,
                       std::string why, std::string_view fact) {
    answer.grounds.push_back({std::string(ground), std::string(effect), std::string(basis),
                              std::move(why), std::string(fact)});
  };
  const std::string_view age_fact = born ? "party_birth_date" : "age_at_act";
  if (answer.age_at_act && *answer.age_at_act < 14) {
    add("APL30.1", "no_penalty", kApl30Under14,
        fmt::format("{} full years old at the act", *answer.age_at_act), age_fact);
  } else if (answer.age_at_act && *answer.age_at_act < 18) {
    add("APL30.2", "lighter_or_mitigated", kApl30Minor,
        fmt::format("{} full years old at the act", *answer.age_at_act), age_fact);
  } else if (!answer.age_at_act && Flag(facts, "party_minor")) {
    add("APL30.2", "lighter_or_mitigated", kApl30Minor, "facts.party_minor established",
        "party_minor");
  }
  if (capacity == "none") {
    add("APL31.1", "no_penalty", kApl31None,
        "could not recognise or control the conduct at the act (capacity none)", "capacity");
  } else if (capacity == "limited" || Flag(facts, "partial_incapacity")) {
    add("APL31.2", "may_lighten", kApl31Partial,
        "capacity to recognise or control the conduct not wholly lost",
        capacity == "limited" ? "capacity" : "partial_incapacity");
  }
  // APL 33 ¶2 yields where a law or administrative regulation provides
  // otherwise (e.g. strict liability), stated as fault_presumed_by_law.
  if (Flag(facts, "no_subjective_fault") && Text(facts, "fault_presumed_by_law").empty()) {
    add("APL33.2", "no_penalty", kApl33NoFault, "the party proved it had no subjective fault",
        "no_subjective_fault");
  }
  for (const Apl32Ground& g : kApl32) {
    if (Flag(facts, g.fact)) {
      add(g.ground, "lighter_or_mitigated", g.basis, fmt::format("facts.{} established", g.fact),
          g.fact);
    }
  }
  return answer;
}

FirstViolationAnswer JudgeFirstViolation(const DecisionContext& context, const CaseState& c) {
  FirstViolationAnswer answer;
  answer.lookback_months = context.options.first_violation_lookback_months;
  answer.scope = context.options.first_violation_scope;
  // The list's own definition of a first violation for the item, where a
  // no-penalty entry in force states one (as at the decision).
  for (const LeniencyEntry* e : context.InForce().LeniencyEntries(c.item_code)) {
    if (e->list_kind != LeniencyListKind::kNoPenalty) continue;
    const auto condition =
        std::find_if(e->conditions.begin(), e->conditions.end(),
                     [](const LeniencyCondition& x) { return x.code == "first_violation"; });
    if (condition == e->conditions.end()) continue;
    answer.lookback_months = static_cast<int>(
        Int(condition->params, "lookback_months", answer.lookback_months));
    if (std::string scope = Text(condition->params, "scope"); !scope.empty()) {
      answer.scope = std::move(scope);
    }
    answer.entry = EntryRef(*e);
    break;
  }
  answer.party_known = !c.party.id.empty();
  answer.prior = PriorInWindow(context, c, PriorViolations(context, c), answer.lookback_months,
                               answer.scope);
  return answer;
}

PenaltyJudgement JudgePenalty(const DecisionContext& context, const CaseState& c,
                              const PenaltyProposal& proposal, std::string_view pointer) {
  return Judge(context, c, proposal, pointer).Run();
}

}  // namespace zf::internal

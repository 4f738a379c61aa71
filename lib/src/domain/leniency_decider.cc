// rules/leniency: the four lists (docs/domain.md, Leniency: the four lists). An entry is published as a new
// version (publish_leniency_entry) or withdrawn (withdraw_leniency_entry);
// versions are never edited. The decider checks that an entry is coherent
// with the statutory ground it cites — the outcome its list gives, whether
// the ground is mandatory, the conditions the ground needs, and the
// education the law requires when no penalty is imposed (APL 33 ¶3).
//
// The entry's item_code must be an item of the power list in force when the
// entry takes effect. Not checked here: that a mitigated fine range lies
// below the item's statutory minimum in its benchmark.
#include <set>

#include <fmt/format.h>

#include "domain/decider.h"
#include "domain/withdrawal.h"
#include "util/canonical_json.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasisLists = "APL arts. 32-33; ACL art. 16 ¶2";
constexpr std::string_view kBasisVersions = "APL art. 34 (published lists and benchmarks; versions are immutable: 动态调整)";

// What a statutory ground implies (docs/domain.md, Leniency: the four lists). Grounds not in the table
// (local rules) are not checked.
struct GroundRule {
  std::string_view ground;
  bool mandatory;
  bool penalty_lists;  // true: lighter/mitigated; false: see list
  LeniencyListKind list;  // the list when !penalty_lists
  std::string_view required_condition;  // "" = none
  std::string_view basis;
};

constexpr GroundRule kGrounds[] = {
    {"APL33.1.1", true, false, LeniencyListKind::kNoPenalty, "corrected_within",
     "APL art. 33 ¶1 sentence 1"},
    {"APL33.1.2", false, false, LeniencyListKind::kNoPenalty, "first_violation",
     "APL art. 33 ¶1 sentence 2 (首违不罚)"},
    {"APL33.2", true, false, LeniencyListKind::kNoPenalty, "no_subjective_fault", "APL art. 33 ¶2"},
    {"APL32.1", true, true, {}, "harm_removed_proactively", "APL art. 32(1)"},
    {"APL32.2", true, true, {}, "coerced_or_deceived", "APL art. 32(2)"},
    {"APL32.3", true, true, {}, "confessed_unknown_violation", "APL art. 32(3)"},
    {"APL32.4", true, true, {}, "meritorious_service", "APL art. 32(4)"},
    {"APL32.5", true, true, {}, "", "APL art. 32(5)"},
    {"APL30", true, true, {}, "party_minor", "APL art. 30"},
    {"APL31.2", false, true, {}, "", "APL art. 31 ¶2"},
    {"ACL16.2", false, false, LeniencyListKind::kCoercionExemption, "social_harm_not_obvious",
     "ACL art. 16 ¶2"},
};

const GroundRule* FindGround(std::string_view ground) {
  for (const GroundRule& g : kGrounds) {
    if (g.ground == ground) return &g;
  }
  return nullptr;
}

LeniencyOutcomeKind OutcomeFor(LeniencyListKind kind) {
  switch (kind) {
    case LeniencyListKind::kNoPenalty: return LeniencyOutcomeKind::kNoPenalty;
    case LeniencyListKind::kLighterPenalty: return LeniencyOutcomeKind::kLighter;
    case LeniencyListKind::kMitigatedPenalty: return LeniencyOutcomeKind::kMitigated;
    case LeniencyListKind::kCoercionExemption: return LeniencyOutcomeKind::kNoCoercion;
  }
  return LeniencyOutcomeKind::kNoPenalty;
}

// The parameters each condition code takes: name -> kind, where kind is
// "int:<min>:<max>", or "enum:<a>|<b>|...". Every parameter is required
// except those marked optional ("?" prefix).
struct ConditionSpec {
  std::string_view code;
  std::vector<std::pair<std::string_view, std::string_view>> params;
};

const std::vector<ConditionSpec>& ConditionSpecs() {
  static const std::vector<ConditionSpec> kSpecs = {
      {"first_violation",
       {{"lookback_months", "int:1:120"}, {"?scope", "enum:same_item|same_type"}}},
      {"corrected_within", {{"days", "int:1:365"}}},
      {"harm_level_at_most", {{"level", "enum:none|slight|general"}}},
      {"amount_at_most", {{"fen", "int:1:100000000000"}}},
      {"illegal_gains_at_most", {{"fen", "int:0:100000000000"}}},
      {"duration_at_most", {{"days", "int:1:3650"}}},
      {"no_subjective_fault", {}},
      {"harm_removed_proactively", {}},
      {"coerced_or_deceived", {}},
      {"confessed_unknown_violation", {}},
      {"meritorious_service", {}},
      {"party_minor", {}},
      {"social_harm_not_obvious", {}},
  };
  return kSpecs;
}

// "" when the params fit the code's spec; else the rule broken, and
// *pointer the offending field.
std::string CheckConditionParams(const LeniencyCondition& c, std::string base,
                                 std::string* pointer) {
  const ConditionSpec* spec = nullptr;
  for (const ConditionSpec& s : ConditionSpecs()) {
    if (s.code == c.code) spec = &s;
  }
  *pointer = base + "/code";
  if (spec == nullptr) return "unknown condition code";
  std::set<std::string_view> known;
  for (auto [raw_name, kind] : spec->params) {
    const bool optional = raw_name.starts_with("?");
    const std::string_view name = optional ? raw_name.substr(1) : raw_name;
    known.insert(name);
    *pointer = fmt::format("{}/params/{}", base, name);
    const boost::json::value* v = c.params.if_contains(name);
    if (v == nullptr) {
      if (optional) continue;
      return fmt::format("condition {} needs the parameter {}", c.code, name);
    }
    if (kind.starts_with("int:")) {
      const std::string_view range = kind.substr(4);
      const std::size_t colon = range.find(':');
      const std::int64_t lo = std::stoll(std::string(range.substr(0, colon)));
      const std::int64_t hi = std::stoll(std::string(range.substr(colon + 1)));
      if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
        return fmt::format("must be an integer in {}..{}", lo, hi);
      }
    } else {
      const std::string_view values = kind.substr(5);
      bool ok = false;
      if (v->is_string()) {
        std::string_view rest = values;
        while (!rest.empty() && !ok) {
          const std::size_t bar = rest.find('|');
          ok = rest.substr(0, bar) == std::string_view(v->as_string());
          rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
        }
      }
      if (!ok) return fmt::format("must be one of {}", values);
    }
  }
  for (const auto& member : c.params) {
    if (!known.contains(std::string_view(member.key()))) {
      *pointer = fmt::format("{}/params/{}", base, std::string_view(member.key()));
      return fmt::format("condition {} takes no parameter {}", c.code,
                         std::string_view(member.key()));
    }
  }
  return "";
}

std::optional<Rejection> CheckOutcome(const LeniencyEntry& e) {
  const LeniencyOutcome& o = e.outcome;
  if (o.kind != OutcomeFor(e.list_kind)) {
    return Rejection{"leniency_outcome_mismatch",
                     fmt::format("an entry of the {} list has the outcome {}, not {}",
                                 LeniencyListKindName(e.list_kind),
                                 LeniencyOutcomeKindName(OutcomeFor(e.list_kind)),
                                 LeniencyOutcomeKindName(o.kind)),
                     std::string(kBasisLists), "/data/outcome/kind"};
  }
  const bool has_mitigation =
      o.fine_min_fen || o.fine_max_fen || !o.substitute_type.empty() || o.drop_combined;
  auto invalid = [](std::string message, std::string pointer) {
    return Rejection{"leniency_outcome_invalid", std::move(message),
                     "Doc 27 (从轻/减轻 definitions)", std::move(pointer)};
  };
  switch (o.kind) {
    case LeniencyOutcomeKind::kLighter:
      if (o.band_pct < 1 || o.band_pct > 100) {
        return invalid("a lighter outcome needs band_pct in 1..100", "/data/outcome/band_pct");
      }
      if (has_mitigation) {
        return invalid("a lighter penalty stays inside the statutory range and types; "
                       "mitigation fields belong to the mitigated list",
                       "/data/outcome");
      }
      break;
    case LeniencyOutcomeKind::kMitigated:
      if (!has_mitigation) {
        return invalid("a mitigated outcome needs a fine range below the minimum, a substitute "
                       "type or drop_combined",
                       "/data/outcome");
      }
      if (o.fine_min_fen.has_value() != o.fine_max_fen.has_value()) {
        return invalid("a mitigated fine range needs both fine_min_fen and fine_max_fen",
                       "/data/outcome");
      }
      if (o.fine_min_fen && *o.fine_min_fen > *o.fine_max_fen) {
        return invalid("fine_min_fen must not exceed fine_max_fen", "/data/outcome/fine_min_fen");
      }
      if (o.band_pct != 0) return invalid("band_pct belongs to a lighter outcome", "/data/outcome/band_pct");
      break;
    case LeniencyOutcomeKind::kNoPenalty:
    case LeniencyOutcomeKind::kNoCoercion:
      if (has_mitigation || o.band_pct != 0) {
        return invalid("this outcome takes no parameters", "/data/outcome");
      }
      break;
  }
  return std::nullopt;
}

std::optional<Rejection> CheckGround(const LeniencyEntry& e) {
  const GroundRule* g = FindGround(e.leniency_ground);
  if (g == nullptr) return std::nullopt;
  const bool list_fits = g->penalty_lists ? (e.list_kind == LeniencyListKind::kLighterPenalty ||
                                             e.list_kind == LeniencyListKind::kMitigatedPenalty)
                                          : e.list_kind == g->list;
  if (!list_fits) {
    return Rejection{"leniency_ground_mismatch",
                     fmt::format("ground {} does not lead to the {} list", g->ground,
                                 LeniencyListKindName(e.list_kind)),
                     std::string(g->basis), "/data/leniency_ground"};
  }
  if (e.mandatory != g->mandatory) {
    return Rejection{"leniency_mandatory_mismatch",
                     fmt::format("ground {} is {}", g->ground,
                                 g->mandatory ? "mandatory (应当)" : "discretionary (可以)"),
                     std::string(g->basis), "/data/mandatory"};
  }
  if (!g->required_condition.empty()) {
    bool found = false;
    for (const LeniencyCondition& c : e.conditions) found = found || c.code == g->required_condition;
    if (!found) {
      return Rejection{"leniency_condition_missing",
                       fmt::format("ground {} needs the condition {}", g->ground,
                                   g->required_condition),
                       std::string(g->basis), "/data/conditions"};
    }
  }
  return std::nullopt;
}

std::optional<Rejection> CheckConditions(const LeniencyEntry& e) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < e.conditions.size(); ++i) {
    const std::string base = fmt::format("/data/conditions/{}", i);
    std::string pointer;
    std::string problem = CheckConditionParams(e.conditions[i], base, &pointer);
    if (problem.empty() && !seen.insert(e.conditions[i].code).second) {
      problem = "a condition code appears twice";
      pointer = base + "/code";
    }
    if (!problem.empty()) {
      return Rejection{"leniency_condition_invalid", problem, "APL arts. 32-33 (conditions)", pointer};
    }
  }
  return std::nullopt;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  for (const std::string& s : list) {
    if (s == value) return true;
  }
  return false;
}

Decision DecidePublishLeniencyEntry(const DecisionContext& context) {
  const boost::json::object& data = context.command.data.as_object();
  auto parsed = ParseLeniencyEntry(data, "/data");
  if (!parsed.ok()) {
    const std::string subject(parsed.status().subject());
    const bool period = subject.find("effective_") != std::string::npos;
    return Reject(period ? "effective_period_invalid" : "leniency_entry_invalid",
                  std::string(parsed.status().message()), std::string(kBasisVersions), subject);
  }
  const LeniencyEntry& entry = *parsed;
  if (auto r = CheckPowerItemInForce(context.rules, entry.item_code, entry.period.from,
                                     "APL art. 4 (an entry applies one power item)",
                                     "/data/item_code")) {
    return *r;
  }
  if (auto r = CheckOutcome(entry)) return *r;
  if (auto r = CheckConditions(entry)) return *r;
  if (auto r = CheckGround(entry)) return *r;
  if (entry.outcome.kind == LeniencyOutcomeKind::kNoPenalty &&
      !Contains(entry.accompanying, "education_record")) {
    return Reject("leniency_education_required",
                  "an entry that imposes no penalty must require an education record",
                  "APL art. 33 ¶3", "/data/accompanying");
  }

  const auto history = context.rules.leniency().History(entry.entry_id);
  std::optional<std::int64_t> previous_from;
  if (!history.empty()) {
    const LeniencyEntry& last = *history.back();
    if (last.list_kind != entry.list_kind || last.item_code != entry.item_code) {
      return Reject("leniency_entry_identity_changed",
                    fmt::format("entry {} belongs to the {} list for item {}; publish a new "
                                "entry_id instead",
                                entry.entry_id, LeniencyListKindName(last.list_kind),
                                last.item_code),
                    std::string(kBasisVersions),
                    last.list_kind != entry.list_kind ? "/data/list_kind" : "/data/item_code");
    }
    previous_from = last.period.from;
  }
  // A re-publication of what is in the lists changes nothing.
  if (!history.empty() && !history.back()->withdrawn) {
    const LeniencyEntry& last = *history.back();
    const bool same = last.content == CanonicalJsonWithout(data, "version");
    if (same) {
      return Reject("leniency_entry_unchanged",
                    fmt::format("entry {} version {} in the lists is identical; a new version "
                                "must change something",
                                entry.entry_id, last.version),
                    std::string(kBasisVersions), "/data");
    }
  }
  if (std::string_view code = CheckRevisionStart(previous_from, entry.period.from,
                                                 context.at.unix_micros);
      !code.empty()) {
    return Reject(std::string(code),
                  "a new version may not start before the version it follows, nor before the "
                  "day it is published",
                  std::string(kBasisVersions), "/data/effective_from");
  }

  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit("leniency_entry_published", std::move(event)));
}

Decision DecideWithdrawLeniencyEntry(const DecisionContext& context) {
  const std::string id(context.command.data.at("entry_id").as_string());
  return DecideWithdrawal(context, context.rules.leniency().History(id),
                          {"entry_id", "leniency_entry_not_found",
                           "leniency_entry_already_withdrawn", "leniency_entry_withdrawn",
                           kBasisVersions});
}

}  // namespace

const std::vector<CommandSpec>& LeniencyCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_leniency_entry", "", kLeniencyStream, &DecidePublishLeniencyEntry},
      {"withdraw_leniency_entry", "", kLeniencyStream, &DecideWithdrawLeniencyEntry},
  };
  return kSpecs;
}

}  // namespace zf::internal

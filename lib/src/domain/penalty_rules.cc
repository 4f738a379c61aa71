#include "domain/penalty_rules.h"

#include <algorithm>

#include <fmt/format.h>

#include "domain/case_helpers.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBenchmarkBasis =
    "APL art. 34 (published discretion benchmarks); 国办发〔2022〕27号";

bool HasType(const PenaltyProposal& p, std::string_view type) {
  return std::find(p.penalty_types.begin(), p.penalty_types.end(), type) != p.penalty_types.end();
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

// The fine against the benchmark in force for the item (spec §7.2).
void JudgeFine(const DecisionContext& context, const CaseState& c, const PenaltyProposal& p,
               std::string_view pointer, PenaltyJudgement* out) {
  const DiscretionBenchmark* benchmark =
      context.InForce().Benchmark(c.item_code, BenchmarkCategoryOf(c));
  if (benchmark == nullptr) {
    out->rejection = Rejection{"benchmark_missing",
                               fmt::format("no discretion benchmark for {} is in force on {}",
                                           c.item_code, context.date().ToString()),
                               std::string(kBenchmarkBasis), std::string(pointer)};
    return;
  }
  out->benchmark_id = benchmark->benchmark_id;
  out->benchmark_version = benchmark->version;
  if (!HasType(p, "fine")) return;
  const auto level = ParseCircumstanceLevel(p.circumstance_level);
  if (!level) {
    out->rejection = Rejection{"circumstance_level_required",
                               "a fine needs the circumstance level it was chosen for",
                               std::string(kBenchmarkBasis),
                               fmt::format("{}/circumstance_level", pointer)};
    return;
  }
  const FineCheck check =
      CheckFine(*benchmark, *level, p.fine_fen, AdjustmentOf(p.adjustment), p.base_fen);
  if (!check.ok()) {
    out->rejection = Rejection{
        check.reason,
        fmt::format("a fine of {} fen is not allowed for level {} ({}) of benchmark {} v{}; "
                    "allowed {}..{} fen",
                    p.fine_fen, p.circumstance_level, p.adjustment.empty() ? "general" : p.adjustment,
                    benchmark->benchmark_id, benchmark->version, check.allowed_min_fen,
                    check.allowed_max_fen),
        std::string(kBenchmarkBasis), fmt::format("{}/fine_fen", pointer)};
  }
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
  return o;
}

PenaltyJudgement JudgePenalty(const DecisionContext& context, const CaseState& c,
                              const PenaltyProposal& proposal, std::string_view pointer) {
  PenaltyJudgement out;
  if (proposal.outcome == "penalty") JudgeFine(context, c, proposal, pointer, &out);
  return out;
}

}  // namespace zf::internal

#include "rules/benchmarks.h"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "util/canonical_json.h"
#include "util/json_fields.h"

namespace zf::internal {
namespace {

Result<StatutoryFine> ParseFine(const boost::json::object& o, std::string_view at) {
  StatutoryFine fine;
  ZF_ASSIGN_OR_RETURN(std::string kind, String(o, "kind", at));
  if (kind == "range") {
    fine.kind = FineKind::kRange;
  } else if (kind == "max_only") {
    fine.kind = FineKind::kMaxOnly;
  } else if (kind == "multiple") {
    fine.kind = FineKind::kMultiple;
  } else {
    return FieldError(fmt::format("{}/kind", at), "unknown fine kind");
  }
  ZF_ASSIGN_OR_RETURN(auto min, OptionalInt(o, "min_fen", at));
  ZF_ASSIGN_OR_RETURN(auto max, OptionalInt(o, "max_fen", at));
  ZF_ASSIGN_OR_RETURN(auto k_min, OptionalInt(o, "k_min_pct", at));
  ZF_ASSIGN_OR_RETURN(auto k_max, OptionalInt(o, "k_max_pct", at));
  ZF_ASSIGN_OR_RETURN(fine.base, String(o, "base", at, false));
  if (fine.kind == FineKind::kMultiple) {
    if (!k_min || !k_max || fine.base.empty()) {
      return FieldError(at, "a multiple fine needs base, k_min_pct and k_max_pct");
    }
    fine.k_min_pct = *k_min;
    fine.k_max_pct = *k_max;
  } else {
    if (!max || (fine.kind == FineKind::kRange && !min)) {
      return FieldError(at, fine.kind == FineKind::kRange ? "a range fine needs min_fen and max_fen"
                                                          : "a max_only fine needs max_fen");
    }
    fine.min_fen = min.value_or(0);
    fine.max_fen = *max;
  }
  return fine;
}

Result<BenchmarkLevel> ParseLevel(const boost::json::object& o, std::string_view at) {
  BenchmarkLevel level;
  ZF_ASSIGN_OR_RETURN(std::string name, String(o, "level", at));
  auto parsed = ParseCircumstanceLevel(name);
  if (!parsed) return FieldError(fmt::format("{}/level", at), "unknown level");
  level.level = *parsed;
  ZF_ASSIGN_OR_RETURN(level.criteria, Strings(o, "criteria", at));
  ZF_ASSIGN_OR_RETURN(level.penalty_types, Strings(o, "penalty_types", at));
  ZF_ASSIGN_OR_RETURN(level.fine_min_fen, OptionalInt(o, "fine_min_fen", at));
  ZF_ASSIGN_OR_RETURN(level.fine_max_fen, OptionalInt(o, "fine_max_fen", at));
  ZF_ASSIGN_OR_RETURN(level.k_min_pct, OptionalInt(o, "k_min_pct", at));
  ZF_ASSIGN_OR_RETURN(level.k_max_pct, OptionalInt(o, "k_max_pct", at));
  return level;
}

// Exact a × b / 100, rounded down (up when `up`), for non-negative a, b.
std::int64_t PercentOf(std::int64_t a, std::int64_t pct, bool up) {
  const __int128 product = static_cast<__int128>(a) * pct;
  __int128 q = product / 100;
  if (up && product % 100 != 0) ++q;
  return q > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(q);
}

}  // namespace

std::string_view PartyCategoryName(PartyCategory category) {
  switch (category) {
    case PartyCategory::kNaturalPerson: return "natural_person";
    case PartyCategory::kLegalPerson: return "legal_person";
    case PartyCategory::kOtherOrganisation: return "other_organisation";
    case PartyCategory::kIndividualBusiness: return "individual_business";
  }
  return "unknown";
}

std::optional<PartyCategory> ParsePartyCategory(std::string_view name) {
  for (PartyCategory c : {PartyCategory::kNaturalPerson, PartyCategory::kLegalPerson,
                          PartyCategory::kOtherOrganisation, PartyCategory::kIndividualBusiness}) {
    if (PartyCategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view CircumstanceLevelName(CircumstanceLevel level) {
  switch (level) {
    case CircumstanceLevel::kMinor: return "minor";
    case CircumstanceLevel::kGeneral: return "general";
    case CircumstanceLevel::kSerious: return "serious";
    case CircumstanceLevel::kSevere: return "severe";
  }
  return "unknown";
}

std::optional<CircumstanceLevel> ParseCircumstanceLevel(std::string_view name) {
  for (CircumstanceLevel l : {CircumstanceLevel::kMinor, CircumstanceLevel::kGeneral,
                              CircumstanceLevel::kSerious, CircumstanceLevel::kSevere}) {
    if (CircumstanceLevelName(l) == name) return l;
  }
  return std::nullopt;
}

const BenchmarkLevel* DiscretionBenchmark::Level(CircumstanceLevel level) const {
  for (const BenchmarkLevel& l : levels) {
    if (l.level == level) return &l;
  }
  return nullptr;
}

bool DiscretionBenchmark::AppliesTo(PartyCategory category) const {
  return std::find(party_categories.begin(), party_categories.end(), category) !=
         party_categories.end();
}

Result<DiscretionBenchmark> ParseDiscretionBenchmark(const boost::json::object& data,
                                                     std::string_view pointer) {
  DiscretionBenchmark b;
  ZF_ASSIGN_OR_RETURN(b.benchmark_id, String(data, "benchmark_id", pointer));
  ZF_ASSIGN_OR_RETURN(b.item_code, String(data, "item_code", pointer));
  ZF_ASSIGN_OR_RETURN(b.violation_description, String(data, "violation_description", pointer));
  ZF_ASSIGN_OR_RETURN(b.basis_violated, String(data, "basis_violated", pointer));
  ZF_ASSIGN_OR_RETURN(b.basis_penalty, String(data, "basis_penalty", pointer));
  ZF_ASSIGN_OR_RETURN(auto categories, Strings(data, "party_category", pointer));
  for (std::size_t i = 0; i < categories.size(); ++i) {
    auto c = ParsePartyCategory(categories[i]);
    if (!c) return FieldError(fmt::format("{}/party_category/{}", pointer, i), "unknown category");
    b.party_categories.push_back(*c);
  }
  const std::string statutory_at = fmt::format("{}/statutory", pointer);
  const boost::json::value* statutory = data.if_contains("statutory");
  if (statutory == nullptr || !statutory->is_object()) {
    return FieldError(statutory_at, "required object");
  }
  ZF_ASSIGN_OR_RETURN(b.penalty_types, Strings(statutory->as_object(), "penalty_types", statutory_at));
  ZF_ASSIGN_OR_RETURN(b.combination, String(statutory->as_object(), "combination", statutory_at));
  if (const boost::json::value* fine = statutory->as_object().if_contains("fine")) {
    if (!fine->is_object()) return FieldError(statutory_at + "/fine", "must be an object");
    ZF_ASSIGN_OR_RETURN(b.fine, ParseFine(fine->as_object(), statutory_at + "/fine"));
  }
  if (const boost::json::value* levels = data.if_contains("levels")) {
    if (!levels->is_array()) return FieldError(fmt::format("{}/levels", pointer), "must be an array");
    for (std::size_t i = 0; i < levels->as_array().size(); ++i) {
      const std::string at = fmt::format("{}/levels/{}", pointer, i);
      const boost::json::object* o = levels->as_array()[i].if_object();
      if (o == nullptr) return FieldError(at, "must be an object");
      ZF_ASSIGN_OR_RETURN(BenchmarkLevel level, ParseLevel(*o, at));
      b.levels.push_back(std::move(level));
    }
  }
  if (const boost::json::value* adj = data.if_contains("adjustments"); adj && adj->is_object()) {
    const std::string at = fmt::format("{}/adjustments", pointer);
    ZF_ASSIGN_OR_RETURN(auto lighter, OptionalInt(adj->as_object(), "lighter_band_pct", at));
    ZF_ASSIGN_OR_RETURN(auto heavier, OptionalInt(adj->as_object(), "heavier_band_pct", at));
    if (lighter) b.lighter_band_pct = static_cast<int>(*lighter);
    if (heavier) b.heavier_band_pct = static_cast<int>(*heavier);
  }
  ZF_ASSIGN_OR_RETURN(b.leniency_links, Strings(data, "leniency_links", pointer));
  ZF_ASSIGN_OR_RETURN(b.period, ParseEffectivePeriod(data, pointer));
  ZF_ASSIGN_OR_RETURN(b.issuer, String(data, "issuer", pointer));
  ZF_ASSIGN_OR_RETURN(b.document, String(data, "document", pointer, false));
  return b;
}

Status Benchmarks::Apply(const EventRecord& event) {
  const bool published = event.type == "discretion_benchmark_published";
  const bool withdrawn = event.type == "discretion_benchmark_withdrawn";
  if (!published && !withdrawn) return Status::Ok();
  const boost::json::object* data = event.data.if_object();
  const boost::json::value* version = data ? data->if_contains("version") : nullptr;
  if (version == nullptr || !version->is_int64()) {
    return CorruptionError(fmt::format("rules/benchmarks v{}: no integer version", event.version));
  }
  DiscretionBenchmark b;
  if (published) {
    auto parsed = ParseDiscretionBenchmark(*data, "");
    if (!parsed.ok()) {
      return CorruptionError(
          fmt::format("rules/benchmarks v{}: {}", event.version, parsed.status().message()));
    }
    b = std::move(*parsed);
  } else {
    auto id = String(*data, "benchmark_id", "");
    auto period = ParseEffectivePeriod(*data, "");
    auto it = id.ok() ? benchmarks_.find(*id) : benchmarks_.end();
    if (it == benchmarks_.end() || !period.ok()) {
      return CorruptionError(
          fmt::format("rules/benchmarks v{}: withdrawal of an unknown benchmark", event.version));
    }
    b = it->second.back();
    b.withdrawn = true;
    b.period = *period;
    b.reason = String(*data, "reason", "", false).value_or(std::string());
    b.document = String(*data, "document", "", false).value_or(std::string());
  }
  b.version = static_cast<std::uint32_t>(version->as_int64());
  b.stream_version = event.version;
  b.content = CanonicalJsonWithout(*data, "version");
  auto& history = benchmarks_[b.benchmark_id];
  if (b.version != history.size() + 1) {
    return CorruptionError(fmt::format("rules/benchmarks v{}: {} version {} out of sequence",
                                       event.version, b.benchmark_id, b.version));
  }
  // A benchmark is found by the item code of its latest version, which a
  // revision may change.
  if (!history.empty() && history.back().item_code != b.item_code) {
    auto ids = ids_by_item_.find(history.back().item_code);
    ids->second.erase(b.benchmark_id);
    if (ids->second.empty()) ids_by_item_.erase(ids);
  }
  ids_by_item_[b.item_code].insert(b.benchmark_id);
  ids_ever_by_item_[b.item_code].insert(b.benchmark_id);
  history.push_back(std::move(b));
  return Status::Ok();
}

std::vector<const DiscretionBenchmark*> Benchmarks::History(std::string_view benchmark_id) const {
  std::vector<const DiscretionBenchmark*> out;
  if (auto it = benchmarks_.find(benchmark_id); it != benchmarks_.end()) {
    for (const DiscretionBenchmark& b : it->second) out.push_back(&b);
  }
  return out;
}

const DiscretionBenchmark* Benchmarks::Benchmark(std::string_view benchmark_id,
                                                 std::int64_t instant) const {
  auto it = benchmarks_.find(benchmark_id);
  if (it == benchmarks_.end()) return nullptr;
  const DiscretionBenchmark* latest = nullptr;
  for (const DiscretionBenchmark& b : it->second) {
    if (b.period.from <= instant) latest = &b;
  }
  if (latest == nullptr || latest->withdrawn || !latest->period.Contains(instant)) return nullptr;
  return latest;
}

const DiscretionBenchmark* Benchmarks::BenchmarkInForce(std::string_view item_code,
                                                        PartyCategory category,
                                                        std::int64_t instant) const {
  // Every decision and proposal asks this: look at the item's benchmarks,
  // not every benchmark's latest version. The ids are in benchmarks_'s
  // order, so the lowest still wins.
  auto ids = ids_by_item_.find(item_code);
  if (ids == ids_by_item_.end()) return nullptr;
  for (const std::string& id : ids->second) {
    const DiscretionBenchmark* b = Benchmark(id, instant);
    if (b != nullptr && b->AppliesTo(category)) return b;
  }
  return nullptr;
}

std::vector<std::string> Benchmarks::BenchmarkIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, history] : benchmarks_) ids.push_back(id);
  return ids;
}

const std::set<std::string, std::less<>>& Benchmarks::BenchmarkIdsEverFor(
    std::string_view item_code) const {
  static const std::set<std::string, std::less<>> kNone;
  auto it = ids_ever_by_item_.find(item_code);
  return it == ids_ever_by_item_.end() ? kNone : it->second;
}

std::vector<Benchmarks::Interval> Benchmarks::InForceIntervals(
    std::string_view benchmark_id) const {
  std::vector<Interval> out;
  auto it = benchmarks_.find(benchmark_id);
  if (it == benchmarks_.end()) return out;
  const auto& history = it->second;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const DiscretionBenchmark& b = history[i];
    if (b.withdrawn) continue;
    // A version ends where its effective_to says, or where a later version
    // (which starts no earlier, see CheckRevisionStart) takes over.
    std::int64_t to = b.period.to.value_or(INT64_MAX);
    if (i + 1 < history.size()) to = std::min(to, history[i + 1].period.from);
    if (b.period.from < to) out.push_back({b.period.from, to, &b});
  }
  return out;
}

Result<std::int64_t> LighterBandMax(std::int64_t range_min_fen, std::int64_t range_max_fen,
                                    int pct) {
  if (range_min_fen < 0 || range_min_fen > range_max_fen || pct < 0 || pct > 100) {
    return InvalidArgumentError(fmt::format("band of [{}, {}] fen at {}%: need 0 <= min <= max "
                                            "and 0 <= pct <= 100",
                                            range_min_fen, range_max_fen, pct));
  }
  return range_min_fen + PercentOf(range_max_fen - range_min_fen, pct, /*up=*/false);
}

Result<std::int64_t> HeavierBandMin(std::int64_t range_min_fen, std::int64_t range_max_fen,
                                    int pct) {
  if (range_min_fen < 0 || range_min_fen > range_max_fen || pct < 0 || pct > 100) {
    return InvalidArgumentError(fmt::format("band of [{}, {}] fen at {}%: need 0 <= min <= max "
                                            "and 0 <= pct <= 100",
                                            range_min_fen, range_max_fen, pct));
  }
  return range_min_fen + PercentOf(range_max_fen - range_min_fen, pct, /*up=*/true);
}

FineCheck CheckFine(const DiscretionBenchmark& benchmark, CircumstanceLevel level,
                    std::int64_t amount_fen, FineAdjustment adjustment,
                    std::optional<std::int64_t> base_fen) {
  if (!benchmark.fine) return {"no_statutory_fine"};
  const StatutoryFine& fine = *benchmark.fine;
  const bool multiple = fine.kind == FineKind::kMultiple;
  if (multiple && (!base_fen || *base_fen < 0)) return {"base_amount_required"};
  if (amount_fen < 0 || (amount_fen == 0 && adjustment != FineAdjustment::kMitigated)) {
    return {"fine_not_positive"};
  }

  if (adjustment == FineAdjustment::kMitigated) {
    // 减轻 goes below the statutory minimum (docs/domain.md, Leniency: the four lists); for a multiple the
    // minimum is base × k_min, rounded up to the fen.
    const std::int64_t statutory_min =
        multiple ? PercentOf(*base_fen, fine.k_min_pct, /*up=*/true) : fine.min_fen;
    if (amount_fen >= statutory_min) {
      return {"fine_not_below_statutory_minimum", 0, statutory_min > 0 ? statutory_min - 1 : 0};
    }
    return {};
  }

  const BenchmarkLevel* l = benchmark.Level(level);
  if (l == nullptr) return {"level_not_in_benchmark"};
  // The level's range in fen. A multiple's bounds are rounded inward to the
  // fen, so every allowed amount is within the exact statutory multiple.
  std::int64_t lo = 0, hi = 0;
  if (multiple) {
    if (!l->k_min_pct || !l->k_max_pct) return {"level_has_no_fine"};
    lo = PercentOf(*base_fen, *l->k_min_pct, /*up=*/true);
    hi = PercentOf(*base_fen, *l->k_max_pct, /*up=*/false);
  } else {
    if (!l->fine_min_fen || !l->fine_max_fen) return {"level_has_no_fine"};
    lo = *l->fine_min_fen;
    hi = *l->fine_max_fen;
  }
  if (amount_fen < lo) return {"fine_below_level", lo, hi};
  if (amount_fen > hi) return {"fine_above_level", lo, hi};
  const std::int64_t lighter_max = LighterBandMax(lo, hi, benchmark.lighter_band_pct).value_or(hi);
  const std::int64_t heavier_min = HeavierBandMin(lo, hi, benchmark.heavier_band_pct).value_or(lo);
  switch (adjustment) {
    case FineAdjustment::kLighter:
      if (amount_fen > lighter_max) return {"fine_outside_lighter_band", lo, lighter_max};
      break;
    case FineAdjustment::kGeneral:
      if (amount_fen < lighter_max || amount_fen > heavier_min) {
        return {"fine_outside_general_band", lighter_max, heavier_min};
      }
      break;
    case FineAdjustment::kHeavier:
      if (amount_fen < heavier_min) return {"fine_outside_heavier_band", heavier_min, hi};
      break;
    case FineAdjustment::kMitigated:
      break;
  }
  return {};
}

}  // namespace zf::internal

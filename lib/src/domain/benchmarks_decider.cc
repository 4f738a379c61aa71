// rules/benchmarks: discretion benchmarks (docs/domain.md, Discretion). A benchmark is
// published as a new version (publish_benchmark) or withdrawn
// (withdraw_benchmark). The decider checks what Doc 27 asks of the tiers:
// levels ordered from minor to severe, each inside the statutory range and
// using only statutory penalty types, and no level that drops a penalty the
// law combines — going below the statutory minimum, or dropping a combined
// penalty, is mitigation (减轻), a leniency-list matter (APL 32), never a level.
//
// The item_code must be a power-list item in force when the benchmark takes
// effect. Not checked here: that leniency_links name existing list entries.
#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "domain/decider.h"
#include "domain/withdrawal.h"
#include "util/canonical_json.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasisDoc27 = "Doc 27 (国办发〔2022〕27号); APL art. 34";
constexpr std::string_view kBasisMitigation =
    "APL art. 32; Doc 27 — below the statutory minimum is 减轻, a leniency matter";
constexpr std::string_view kBasisVersions = "benchmarks are published and versioned (APL art. 34)";

bool Has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<Rejection> CheckStatutory(const DiscretionBenchmark& b) {
  const bool fine_type = Has(b.penalty_types, "fine");
  if (fine_type != b.fine.has_value()) {
    return Rejection{"benchmark_statutory_invalid",
                     fine_type ? "the statutory penalty types include a fine but no fine is given"
                               : "a statutory fine is given but fine is not a statutory type",
                     std::string(kBasisDoc27), "/data/statutory/fine"};
  }
  if (b.fine && b.fine->kind != FineKind::kMultiple && b.fine->min_fen > b.fine->max_fen) {
    return Rejection{"benchmark_statutory_invalid", "statutory min_fen exceeds max_fen",
                     std::string(kBasisDoc27), "/data/statutory/fine/min_fen"};
  }
  if (b.fine && b.fine->kind == FineKind::kMultiple && b.fine->k_min_pct > b.fine->k_max_pct) {
    return Rejection{"benchmark_statutory_invalid", "statutory k_min_pct exceeds k_max_pct",
                     std::string(kBasisDoc27), "/data/statutory/fine/k_min_pct"};
  }
  if (b.lighter_band_pct > b.heavier_band_pct) {
    return Rejection{"benchmark_adjustments_invalid",
                     "the lighter band must end at or below where the heavier band starts",
                     "Doc 27 (fines divided into bands; 30%/70% is provincial practice) [C]", "/data/adjustments"};
  }
  return std::nullopt;
}

// The level's fine bounds in the unit the statutory fine uses: fen for
// range/max_only fines, per cent of the base for multiples.
std::optional<std::pair<std::int64_t, std::int64_t>> LevelBounds(const DiscretionBenchmark& b,
                                                                 const BenchmarkLevel& l) {
  if (b.fine && b.fine->kind == FineKind::kMultiple) {
    if (l.k_min_pct && l.k_max_pct) return std::pair{*l.k_min_pct, *l.k_max_pct};
  } else if (l.fine_min_fen && l.fine_max_fen) {
    return std::pair{*l.fine_min_fen, *l.fine_max_fen};
  }
  return std::nullopt;
}

std::optional<Rejection> CheckLevel(const DiscretionBenchmark& b, std::size_t i) {
  const BenchmarkLevel& l = b.levels[i];
  const std::string at = fmt::format("/data/levels/{}", i);
  for (std::size_t t = 0; t < l.penalty_types.size(); ++t) {
    if (!Has(b.penalty_types, l.penalty_types[t])) {
      return Rejection{"benchmark_level_penalty_type_not_statutory",
                       fmt::format("{} is not a statutory penalty type of this item; a substitute "
                                   "type is mitigation (a leniency-list entry)",
                                   l.penalty_types[t]),
                       std::string(kBasisMitigation), fmt::format("{}/penalty_types/{}", at, t)};
    }
  }
  if (l.penalty_types.empty()) {
    if (l.level != CircumstanceLevel::kMinor) {
      return Rejection{"benchmark_level_invalid",
                       "only the minor level may impose no penalty (it refers to the no-penalty "
                       "list)",
                       std::string(kBasisDoc27), at + "/penalty_types"};
    }
  } else if (b.combination == "and") {
    for (const std::string& type : b.penalty_types) {
      if (!Has(l.penalty_types, type)) {
        return Rejection{"benchmark_level_drops_combined_penalty",
                         fmt::format("the law combines the penalties; a level without {} is "
                                     "mitigation (drop_combined), a leniency-list matter",
                                     type),
                         std::string(kBasisMitigation), at + "/penalty_types"};
      }
    }
  }
  const bool fine_type = Has(l.penalty_types, "fine");
  const bool multiple = b.fine && b.fine->kind == FineKind::kMultiple;
  const bool has_range = l.fine_min_fen || l.fine_max_fen;
  const bool has_k = l.k_min_pct || l.k_max_pct;
  const auto bounds = LevelBounds(b, l);
  if (fine_type != bounds.has_value() || (multiple ? has_range : has_k)) {
    return Rejection{"benchmark_level_fine_invalid",
                     fine_type ? (multiple ? "a fined level of a multiple fine needs k_min_pct and "
                                             "k_max_pct (and no fen range)"
                                           : "a fined level needs fine_min_fen and fine_max_fen "
                                             "(and no k range)")
                               : "a level without a fine takes no fine bounds",
                     std::string(kBasisDoc27), at};
  }
  if (!bounds) return std::nullopt;
  const std::string min_field = multiple ? "k_min_pct" : "fine_min_fen";
  if (bounds->first > bounds->second) {
    return Rejection{"benchmark_level_fine_invalid", "the level's minimum exceeds its maximum",
                     std::string(kBasisDoc27), fmt::format("{}/{}", at, min_field)};
  }
  const std::int64_t stat_min = multiple ? b.fine->k_min_pct : b.fine->min_fen;
  const std::int64_t stat_max = multiple ? b.fine->k_max_pct : b.fine->max_fen;
  if (bounds->first < stat_min || bounds->second > stat_max) {
    return Rejection{"benchmark_level_outside_statutory",
                     fmt::format("level {} [{}, {}] leaves the statutory range [{}, {}]{}",
                                 CircumstanceLevelName(l.level), bounds->first, bounds->second,
                                 stat_min, stat_max,
                                 bounds->first < stat_min
                                     ? "; going below the minimum is mitigation, a leniency-list "
                                       "matter"
                                     : ""),
                     std::string(bounds->first < stat_min ? kBasisMitigation : kBasisDoc27),
                     fmt::format("{}/{}", at,
                                 bounds->first < stat_min ? min_field
                                                          : (multiple ? "k_max_pct"
                                                                      : "fine_max_fen"))};
  }
  return std::nullopt;
}

std::optional<Rejection> CheckLevels(const DiscretionBenchmark& b) {
  for (std::size_t i = 0; i < b.levels.size(); ++i) {
    if (i > 0 && b.levels[i].level <= b.levels[i - 1].level) {
      return Rejection{"benchmark_levels_unordered",
                       "levels must be listed once each, from minor to severe",
                       std::string(kBasisDoc27), fmt::format("/data/levels/{}/level", i)};
    }
    if (auto r = CheckLevel(b, i)) return r;
    // A graver level never allows less than a milder one.
    if (i == 0) continue;
    const auto prev = LevelBounds(b, b.levels[i - 1]);
    const auto cur = LevelBounds(b, b.levels[i]);
    if (prev && cur && (cur->first < prev->first || cur->second < prev->second)) {
      return Rejection{"benchmark_levels_unordered",
                       "a graver level's fine range must not lie below a milder level's",
                       std::string(kBasisDoc27), fmt::format("/data/levels/{}", i)};
    }
  }
  return std::nullopt;
}

// Another benchmark_id for the same item and a shared party category whose
// in-force time meets [from, to) would make BenchmarkInForce ambiguous.
std::optional<Rejection> CheckOverlap(const DecisionContext& context, const DiscretionBenchmark& b) {
  const Benchmarks& all = context.rules.benchmarks();
  const std::int64_t to = b.period.to.value_or(INT64_MAX);
  // Only benchmarks with a version for this item can overlap it; the ids
  // come sorted, as BenchmarkIds() would give them, so the same one is named.
  for (const std::string& id : all.BenchmarkIdsEverFor(b.item_code)) {
    if (id == b.benchmark_id) continue;
    for (const Benchmarks::Interval& in : all.InForceIntervals(id)) {
      if (in.version->item_code != b.item_code || in.to <= b.period.from || to <= in.from) continue;
      for (PartyCategory c : b.party_categories) {
        if (in.version->AppliesTo(c)) {
          return Rejection{"benchmark_overlaps",
                           fmt::format("benchmark {} already covers {} for item {} in that period",
                                       id, PartyCategoryName(c), b.item_code),
                           std::string(kBasisVersions), "/data/party_category"};
        }
      }
    }
  }
  return std::nullopt;
}

Decision DecidePublishBenchmark(const DecisionContext& context) {
  const boost::json::object& data = context.command.data.as_object();
  auto parsed = ParseDiscretionBenchmark(data, "/data");
  if (!parsed.ok()) {
    const std::string subject(parsed.status().subject());
    const bool period = subject.find("effective_") != std::string::npos;
    return Reject(period ? "effective_period_invalid" : "benchmark_invalid",
                  std::string(parsed.status().message()), std::string(kBasisVersions), subject);
  }
  const DiscretionBenchmark& b = *parsed;
  if (auto r = CheckPowerItemInForce(context.rules, b.item_code, b.period.from,
                                     "APL art. 34; Doc 27 (a benchmark refines one power item)",
                                     "/data/item_code")) {
    return *r;
  }
  if (auto r = CheckStatutory(b)) return *r;
  if (auto r = CheckLevels(b)) return *r;

  const auto history = context.rules.benchmarks().History(b.benchmark_id);
  std::optional<std::int64_t> previous_from;
  if (!history.empty()) {
    const DiscretionBenchmark& last = *history.back();
    if (last.item_code != b.item_code) {
      return Reject("benchmark_identity_changed",
                    fmt::format("benchmark {} is for item {}; publish a new benchmark_id instead",
                                b.benchmark_id, last.item_code),
                    std::string(kBasisVersions), "/data/item_code");
    }
    previous_from = last.period.from;
  }
  if (!history.empty() && !history.back()->withdrawn &&
      history.back()->content == CanonicalJsonWithout(data, "version")) {
    return Reject("benchmark_unchanged",
                  fmt::format("benchmark {} version {} is identical; a new version must change "
                              "something",
                              b.benchmark_id, history.back()->version),
                  std::string(kBasisVersions), "/data");
  }
  if (std::string_view code =
          CheckRevisionStart(previous_from, b.period.from, context.at.unix_micros);
      !code.empty()) {
    return Reject(std::string(code),
                  "a new version may not start before the version it follows, nor before the "
                  "day it is published",
                  std::string(kBasisVersions), "/data/effective_from");
  }
  if (auto r = CheckOverlap(context, b)) return *r;
  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit("discretion_benchmark_published", std::move(event)));
}

Decision DecideWithdrawBenchmark(const DecisionContext& context) {
  const std::string id(context.command.data.at("benchmark_id").as_string());
  return DecideWithdrawal(context, context.rules.benchmarks().History(id),
                          {"benchmark_id", "benchmark_not_found", "benchmark_already_withdrawn",
                           "discretion_benchmark_withdrawn", kBasisVersions});
}

}  // namespace

const std::vector<CommandSpec>& BenchmarkCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_benchmark", "", kBenchmarksStream, &DecidePublishBenchmark},
      {"withdraw_benchmark", "", kBenchmarksStream, &DecideWithdrawBenchmark},
  };
  return kSpecs;
}

}  // namespace zf::internal

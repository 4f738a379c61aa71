// rules/benchmarks: discretion benchmarks (行政处罚裁量基准, docs/domain.md, Discretion) folded
// from their stream, plus the pure fine arithmetic the case workflow uses to
// check a proposed fine against a benchmark.
//
// A benchmark is versioned like every reference record: publish_benchmark
// appends a version (discretion_benchmark_published), withdraw_benchmark a
// withdrawal version (discretion_benchmark_withdrawn). The version of a
// benchmark_id in force at an instant is the highest one whose
// effective_from is at or before it, unless that is a withdrawal or its
// effective_to has passed.
//
// Money is int64 fen throughout; band arithmetic is exact integer arithmetic
// (see LighterBandMax for the rounding).
//
// Example:
//   const DiscretionBenchmark* b =
//       rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, at);
//   FineCheck c = CheckFine(*b, CircumstanceLevel::kGeneral, 300'000, FineAdjustment::kLighter);
//   if (!c.ok()) reject(c.reason);  // "fine_outside_lighter_band"
//
// Not thread-safe; the engine guards the RuleBook that holds it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "rules/leniency_lists.h"  // EffectivePeriod, LocalStartOfDay
#include "zf/event.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// Do not renumber.
enum class PartyCategory : int {
  kNaturalPerson = 0,       // natural_person
  kLegalPerson = 1,         // legal_person
  kOtherOrganisation = 2,   // other_organisation
  kIndividualBusiness = 3,  // individual_business (个体工商户)
};
std::string_view PartyCategoryName(PartyCategory category);
std::optional<PartyCategory> ParsePartyCategory(std::string_view name);

// 违法情节, ordered from the mildest. Do not renumber.
enum class CircumstanceLevel : int { kMinor = 0, kGeneral = 1, kSerious = 2, kSevere = 3 };
std::string_view CircumstanceLevelName(CircumstanceLevel level);
std::optional<CircumstanceLevel> ParseCircumstanceLevel(std::string_view name);

enum class FineKind : int { kRange = 0, kMaxOnly = 1, kMultiple = 2 };

// The statutory fine. For kRange and kMaxOnly the bounds are min_fen and
// max_fen (kMaxOnly: "X yuan or less", min_fen 0 unless stated). For
// kMultiple the fine is base × k, with k in [k_min_pct, k_max_pct] per cent
// of the base (JSON carries no floats: 0.5 倍 is 50, 5 倍 is 500).
struct StatutoryFine {
  FineKind kind = FineKind::kRange;
  std::int64_t min_fen = 0;
  std::int64_t max_fen = 0;
  // multiple: illegal_gains | goods_value | turnover | land_reclamation_fee |
  // quantity_yuan (a per-unit fine: the quantity at 1 yuan a unit)
  std::string base;
  std::int64_t k_min_pct = 0;
  std::int64_t k_max_pct = 0;
};

struct BenchmarkLevel {
  CircumstanceLevel level = CircumstanceLevel::kGeneral;
  std::vector<std::string> criteria;       // as published
  std::vector<std::string> penalty_types;  // empty: no penalty (minor, see leniency_links)
  // Range/max_only fines: the level's fine range; multiple fines: the
  // level's k range in per cent. Absent when "fine" is not a level type.
  std::optional<std::int64_t> fine_min_fen;
  std::optional<std::int64_t> fine_max_fen;
  std::optional<std::int64_t> k_min_pct;
  std::optional<std::int64_t> k_max_pct;
};

// One version of one benchmark (docs/domain.md, Discretion).
struct DiscretionBenchmark {
  std::string benchmark_id;
  std::uint32_t version = 0;
  bool withdrawn = false;
  std::string item_code;
  std::string violation_description;
  std::string basis_violated;
  std::string basis_penalty;
  std::vector<PartyCategory> party_categories;
  std::vector<std::string> penalty_types;  // statutory
  std::string combination;                 // and | or | may_combine
  std::optional<StatutoryFine> fine;       // absent when "fine" is not a statutory type
  std::vector<BenchmarkLevel> levels;      // ordered minor → severe
  int lighter_band_pct = 30;               // [C]
  int heavier_band_pct = 70;               // [C]
  std::vector<std::string> leniency_links;  // entry_ids of the four lists
  EffectivePeriod period;
  std::string issuer;
  std::string document;
  std::string reason;  // withdrawals
  std::uint64_t stream_version = 0;
  // The canonical JSON of the event's data without "version"
  // (CanonicalJsonWithout), to tell whether a re-publication changes anything.
  std::string content;

  const BenchmarkLevel* Level(CircumstanceLevel level) const;
  bool AppliesTo(PartyCategory category) const;
};

// Parses a publication's data (command or event). kInvalidArgument with the
// JSON pointer under `pointer` for a wrong shape or an unknown enum value.
Result<DiscretionBenchmark> ParseDiscretionBenchmark(const boost::json::object& data,
                                                     std::string_view pointer);

class Benchmarks {
 public:
  // Folds one event of rules/benchmarks; kCorruption for an impossible shape.
  Status Apply(const EventRecord& event);

  // Every version of `benchmark_id`, oldest first.
  std::vector<const DiscretionBenchmark*> History(std::string_view benchmark_id) const;

  // The version of `benchmark_id` in force at `instant`, or nullptr.
  const DiscretionBenchmark* Benchmark(std::string_view benchmark_id, std::int64_t instant) const;

  // The benchmark in force at `instant` for `item_code` that covers
  // `category`, or nullptr. When (against the decider's overlap rule) two
  // cover it, the lowest benchmark_id wins. The Date overload asks at 00:00
  // local time of that day.
  const DiscretionBenchmark* BenchmarkInForce(std::string_view item_code, PartyCategory category,
                                              std::int64_t instant) const;
  const DiscretionBenchmark* BenchmarkInForce(std::string_view item_code, PartyCategory category,
                                              const Date& date) const {
    return BenchmarkInForce(item_code, category, LocalStartOfDay(date));
  }

  // Every benchmark_id ever published, sorted.
  std::vector<std::string> BenchmarkIds() const;

  // The intervals [from, to) during which the versions of `benchmark_id`
  // are in force (to = INT64_MAX when open-ended), each with its version.
  struct Interval {
    std::int64_t from;
    std::int64_t to;
    const DiscretionBenchmark* version;
  };
  std::vector<Interval> InForceIntervals(std::string_view benchmark_id) const;

  // Every benchmark_id one of whose versions (any, not only the latest) is
  // for `item_code`, sorted.
  const std::set<std::string, std::less<>>& BenchmarkIdsEverFor(std::string_view item_code) const;

 private:
  std::map<std::string, std::vector<DiscretionBenchmark>, std::less<>> benchmarks_;
  // Item code of a benchmark's latest version -> its benchmark_ids (an
  // index of benchmarks_, kept by Apply()).
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> ids_by_item_;
  // Item code of any version -> its benchmark_ids: the overlap check looks
  // at these only, not at every benchmark (a province publishes thousands).
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> ids_ever_by_item_;
};

// --- Fine arithmetic (pure) ----------------------------------------------------

// The highest fine in the lighter (从轻) band of [range_min_fen,
// range_max_fen]: range_min + (range_max − range_min) × pct / 100, rounded
// DOWN to the fen, so the result never lies above the exact band boundary.
// Scenario 14: LighterBandMax(200'000, 2'000'000, 30) == 740'000 fen
// (7,400 yuan). kInvalidArgument unless 0 <= range_min <= range_max and
// 0 <= pct <= 100.
Result<std::int64_t> LighterBandMax(std::int64_t range_min_fen, std::int64_t range_max_fen,
                                    int pct);

// The lowest fine in the heavier (从重) band: range_min + (range_max −
// range_min) × pct / 100, rounded UP to the fen (never below the exact
// boundary). Same errors as LighterBandMax.
Result<std::int64_t> HeavierBandMin(std::int64_t range_min_fen, std::int64_t range_max_fen,
                                    int pct);

enum class FineAdjustment : int {
  kLighter = 0,    // 从轻: [min, LighterBandMax]
  kGeneral = 1,    // [LighterBandMax, HeavierBandMin] (the 30–70% band, inclusive)
  kHeavier = 2,    // 从重: [HeavierBandMin, max]
  kMitigated = 3,  // 减轻: below the statutory minimum (needs a ground, docs/domain.md, Leniency: the four lists)
};

// The answer of CheckFine: reason "" when the fine is allowed; otherwise a
// stable code, and [allowed_min_fen, allowed_max_fen] the range it had to
// lie in (where one applies).
struct FineCheck {
  std::string reason;
  std::int64_t allowed_min_fen = 0;
  std::int64_t allowed_max_fen = 0;

  bool ok() const { return reason.empty(); }
};

// Checks `amount_fen` for `level` of `benchmark` under `adjustment`. The
// range is the level's fine range (for a multiple fine: base_fen × the
// level's k range, compared exactly); the lighter/general/heavier bands are
// taken inside it with the benchmark's band percentages. kMitigated ignores
// the level: the fine must be >= 0 and below the statutory minimum.
// Reason codes: level_not_in_benchmark, level_has_no_fine,
// base_amount_required (multiple fine without base_fen), fine_not_positive,
// fine_below_level, fine_above_level, fine_outside_lighter_band,
// fine_outside_general_band, fine_outside_heavier_band,
// fine_not_below_statutory_minimum (kMitigated), no_statutory_fine.
FineCheck CheckFine(const DiscretionBenchmark& benchmark, CircumstanceLevel level,
                    std::int64_t amount_fen, FineAdjustment adjustment,
                    std::optional<std::int64_t> base_fen = std::nullopt);

}  // namespace zf::internal

// rules/benchmarks: discretion benchmarks (docs/domain.md, Discretion) — publication and
// versions AS OF an instant, the tier rules of Doc 27 as rejections, the
// fine arithmetic of scenario 14 to the fen, and the Shaxian sample.
#include <fstream>
#include <set>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "io/schema_validator.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "zf/engine.h"

using namespace zf;
using zf::internal::CheckFine;
using zf::internal::CircumstanceLevel;
using zf::internal::DiscretionBenchmark;
using zf::internal::FineAdjustment;
using zf::internal::HeavierBandMin;
using zf::internal::LighterBandMax;
using zf::internal::LocalStartOfDay;
using zf::internal::ParseDiscretionBenchmark;
using zf::internal::PartyCategory;
using zf::internal::RuleBook;

using zf::testing::BareEngine;
using zf::testing::CheckEventSchemas;
using zf::testing::Fold;
using zf::testing::LoadAll;
using zf::testing::MakeCommand;
using zf::testing::SampleCommands;

namespace {

// docs/domain.md, Discretion: SAFE-017, warning and a fine <= 10,000 yuan.
boost::json::object Safe017() {
  return boost::json::parse(R"({
    "benchmark_id": "T-BM-SAFE-017", "item_code": "SAFE-017",
    "violation_description": "生产经营单位未建立特种作业人员档案",
    "basis_violated": "《特种作业人员安全技术培训考核管理规定》第三十二条",
    "basis_penalty": "《特种作业人员安全技术培训考核管理规定》第三十八条",
    "party_category": ["legal_person", "other_organisation"],
    "statutory": {"penalty_types": ["warning", "fine"], "combination": "and",
                  "fine": {"kind": "max_only", "max_fen": 1000000}},
    "levels": [
      {"level": "minor", "criteria": ["初次违法"], "penalty_types": []},
      {"level": "general", "criteria": [], "penalty_types": ["warning", "fine"],
       "fine_min_fen": 100000, "fine_max_fen": 400000},
      {"level": "serious", "criteria": [], "penalty_types": ["warning", "fine"],
       "fine_min_fen": 400000, "fine_max_fen": 700000},
      {"level": "severe", "criteria": [], "penalty_types": ["warning", "fine"],
       "fine_min_fen": 700000, "fine_max_fen": 1000000}],
    "effective_from": "2022-09-01", "issuer": "三明市沙县区应急管理局"})")
      .as_object();
}

// A fine of 2,000-20,000 yuan with one tier over the whole range (scenario 14).
boost::json::object Range2000To20000() {
  return boost::json::parse(R"({
    "benchmark_id": "T-BM-AGRI-001", "item_code": "AGRI-001",
    "violation_description": "农药经营者未依照规定建立、保存农药采购、销售台账",
    "basis_violated": "《农药管理条例》", "basis_penalty": "《农药管理条例》",
    "party_category": ["legal_person"],
    "statutory": {"penalty_types": ["fine"], "combination": "and",
                  "fine": {"kind": "range", "min_fen": 200000, "max_fen": 2000000}},
    "levels": [{"level": "general", "criteria": [], "penalty_types": ["fine"],
                "fine_min_fen": 200000, "fine_max_fen": 2000000}],
    "adjustments": {"lighter_band_pct": 30, "heavier_band_pct": 70},
    "effective_from": "2022-09-01", "issuer": "三明市沙县区农业农村局"})")
      .as_object();
}

DiscretionBenchmark Parse(const boost::json::object& data) {
  auto b = ParseDiscretionBenchmark(data, "");
  REQUIRE(b.ok());
  return *b;
}

constexpr const char* kAt = "2022-08-15T09:00:00+08:00";

CommandResult Run(Engine& engine, const Command& command) {
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  return *result;
}

std::int64_t Day(int y, unsigned m, unsigned d) { return LocalStartOfDay(Date{y, m, d}); }

// Entries name power items, and items name departments: the Shaxian
// organisation and power list come first.
std::unique_ptr<Engine> MemoryEngine() {
  auto engine = BareEngine();
  LoadAll(*engine, {"02-org.jsonl", "03-powers.jsonl"});
  return engine;
}


}  // namespace

TEST_CASE("Scenario 14: the 30% lighter band of 2,000-20,000 yuan ends at 7,400 yuan",
          "[rules][benchmarks][scenario14]") {
  // 200,000 + (2,000,000 - 200,000) x 30 / 100 = 740,000 fen, exactly.
  auto max = LighterBandMax(200'000, 2'000'000, 30);
  REQUIRE(max.ok());
  CHECK(*max == 740'000);

  const DiscretionBenchmark b = Parse(Range2000To20000());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 740'000, FineAdjustment::kLighter).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 200'000, FineAdjustment::kLighter).ok());
  const auto over = CheckFine(b, CircumstanceLevel::kGeneral, 740'100, FineAdjustment::kLighter);
  CHECK(over.reason == "fine_outside_lighter_band");
  CHECK(over.allowed_max_fen == 740'000);
  // One fen over the band is over it.
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 740'001, FineAdjustment::kLighter).reason ==
        "fine_outside_lighter_band");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 199'999, FineAdjustment::kLighter).reason ==
        "fine_below_level");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 2'000'001, FineAdjustment::kHeavier).reason ==
        "fine_above_level");

  // Mitigated under APL 32(1): below 2,000 yuan.
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 199'999, FineAdjustment::kMitigated).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 200'000, FineAdjustment::kMitigated).reason ==
        "fine_not_below_statutory_minimum");

  // The heavier band starts at 2,000 + 18,000 x 70% = 14,600 yuan.
  CHECK(*HeavierBandMin(200'000, 2'000'000, 70) == 1'460'000);
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 1'460'000, FineAdjustment::kHeavier).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 1'459'999, FineAdjustment::kHeavier).reason ==
        "fine_outside_heavier_band");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 1'000'000, FineAdjustment::kGeneral).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 739'999, FineAdjustment::kGeneral).reason ==
        "fine_outside_general_band");
  CHECK(CheckFine(b, CircumstanceLevel::kSerious, 1'000'000, FineAdjustment::kGeneral).reason ==
        "level_not_in_benchmark");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 0, FineAdjustment::kLighter).reason ==
        "fine_not_positive");
}

TEST_CASE("Band arithmetic is exact in fen: the lighter bound rounds down, the heavier up",
          "[rules][benchmarks]") {
  CHECK(*LighterBandMax(100, 333, 30) == 169);  // 100 + 69.9 -> 169
  CHECK(*HeavierBandMin(100, 333, 70) == 264);  // 100 + 163.1 -> 264
  CHECK(*LighterBandMax(0, 1, 30) == 0);
  CHECK(*HeavierBandMin(0, 1, 70) == 1);
  CHECK(*LighterBandMax(500, 500, 30) == 500);
  // No overflow near the int64 limit.
  CHECK(*LighterBandMax(0, INT64_MAX, 100) == INT64_MAX);
  CHECK(LighterBandMax(10, 5, 30).status().code() == StatusCode::kInvalidArgument);
  CHECK(LighterBandMax(-1, 5, 30).status().code() == StatusCode::kInvalidArgument);
  CHECK(HeavierBandMin(0, 5, 101).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("A multiple fine is checked on its base, exactly", "[rules][benchmarks]") {
  auto data = Range2000To20000();
  data["statutory"] = boost::json::parse(
      R"({"penalty_types":["fine"],"combination":"and",
          "fine":{"kind":"multiple","base":"illegal_gains","k_min_pct":10,"k_max_pct":50}})");
  data["levels"] = boost::json::parse(
      R"([{"level":"general","criteria":[],"penalty_types":["fine"],"k_min_pct":10,"k_max_pct":50}])");
  const DiscretionBenchmark b = Parse(data);
  // Illegal gains 10,000.05 yuan: 10% is 100,000.5 fen -> at least 100,001.
  const std::int64_t base = 1'000'005;
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 100'000, FineAdjustment::kLighter, base).reason ==
        "fine_below_level");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 100'001, FineAdjustment::kLighter, base).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 500'002, FineAdjustment::kHeavier, base).ok());
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 500'003, FineAdjustment::kHeavier, base).reason ==
        "fine_above_level");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 100'001, FineAdjustment::kLighter).reason ==
        "base_amount_required");
  CHECK(CheckFine(b, CircumstanceLevel::kGeneral, 100'000, FineAdjustment::kMitigated, base).ok());
}

TEST_CASE("The SAFE-017 benchmark is published and found for its item and party",
          "[rules][benchmarks]") {
  auto engine = MemoryEngine();
  const CommandResult r = Run(*engine, MakeCommand("publish_benchmark", "bm-1", kAt, Safe017()));
  INFO((r.rejection ? r.rejection->code : ""));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  CHECK(r.stream == "rules/benchmarks");
  CHECK(r.event_types == std::vector<std::string>{"discretion_benchmark_published"});

  const RuleBook rules = Fold(*engine);
  const auto& all = rules.benchmarks();
  CHECK(all.BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, Day(2022, 9, 1) - 1) ==
        nullptr);
  const DiscretionBenchmark* b =
      all.BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, Date{2023, 5, 10});
  REQUIRE(b != nullptr);
  CHECK(b->version == 1);
  CHECK(all.BenchmarkInForce("SAFE-017", PartyCategory::kNaturalPerson, Date{2023, 5, 10}) ==
        nullptr);
  CHECK(all.BenchmarkInForce("SAFE-001", PartyCategory::kLegalPerson, Date{2023, 5, 10}) ==
        nullptr);
  CHECK(CheckFine(*b, CircumstanceLevel::kGeneral, 100'000, FineAdjustment::kLighter).ok());
  CHECK(CheckFine(*b, CircumstanceLevel::kGeneral, 99'999, FineAdjustment::kLighter).reason ==
        "fine_below_level");
  CHECK(CheckFine(*b, CircumstanceLevel::kGeneral, 400'100, FineAdjustment::kHeavier).reason ==
        "fine_above_level");
  // The general tier's lighter band: 1,000 + 3,000 x 30% = 1,900 yuan.
  CHECK(CheckFine(*b, CircumstanceLevel::kGeneral, 190'000, FineAdjustment::kLighter).ok());
  CHECK(CheckFine(*b, CircumstanceLevel::kGeneral, 190'001, FineAdjustment::kLighter).reason ==
        "fine_outside_lighter_band");
  CHECK(CheckFine(*b, CircumstanceLevel::kMinor, 100'000, FineAdjustment::kLighter).reason ==
        "level_has_no_fine");
}

TEST_CASE("A new benchmark version applies from its effective_from, a withdrawal ends it",
          "[rules][benchmarks]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, MakeCommand("publish_benchmark", "bm-1", kAt, Safe017())).outcome ==
          CommandResult::Outcome::kApplied);
  auto v2 = Safe017();
  v2["levels"].as_array()[1].as_object()["fine_max_fen"] = 300000;
  v2["levels"].as_array()[2].as_object()["fine_min_fen"] = 300000;
  v2["effective_from"] = "2023-07-01";
  REQUIRE(Run(*engine, MakeCommand("publish_benchmark", "bm-1-v2", "2023-06-15T09:00:00+08:00", v2))
              .outcome == CommandResult::Outcome::kApplied);
  {
    const RuleBook rules = Fold(*engine);
    const auto* before =
        rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, Date{2023, 6, 30});
    const auto* after =
        rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, Date{2023, 7, 1});
    REQUIRE(before != nullptr);
    REQUIRE(after != nullptr);
    CHECK(before->version == 1);
    CHECK(after->version == 2);
    CHECK(CheckFine(*before, CircumstanceLevel::kGeneral, 350'000, FineAdjustment::kHeavier).ok());
    CHECK(CheckFine(*after, CircumstanceLevel::kGeneral, 350'000, FineAdjustment::kHeavier).reason ==
          "fine_above_level");
  }
  boost::json::object w{{"benchmark_id", "T-BM-SAFE-017"}, {"effective_from", "2024-01-01"},
                        {"reason", "新版裁量基准发布"}};
  const CommandResult r =
      Run(*engine, MakeCommand("withdraw_benchmark", "bm-1-w", "2023-12-20T09:00:00+08:00", w));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  CHECK(r.event_types == std::vector<std::string>{"discretion_benchmark_withdrawn"});
  const RuleBook rules = Fold(*engine);
  CHECK(rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson,
                                            Date{2023, 12, 31}) != nullptr);
  CHECK(rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson,
                                            Date{2024, 1, 1}) == nullptr);
  CHECK(rules.benchmarks().History("T-BM-SAFE-017").size() == 3);
  CheckEventSchemas(*engine, "rules/benchmarks");

  SECTION("withdrawing it again") {
    w["effective_from"] = "2024-02-01";
    const CommandResult again =
        Run(*engine, MakeCommand("withdraw_benchmark", "bm-1-w2", "2024-01-20T09:00:00+08:00", w));
    REQUIRE(again.outcome == CommandResult::Outcome::kRejected);
    CHECK(again.rejection->code == "benchmark_already_withdrawn");
  }
  SECTION("withdrawing an unknown benchmark") {
    w["benchmark_id"] = "T-BM-NOPE";
    const CommandResult none =
        Run(*engine, MakeCommand("withdraw_benchmark", "bm-x-w", "2024-01-20T09:00:00+08:00", w));
    REQUIRE(none.outcome == CommandResult::Outcome::kRejected);
    CHECK(none.rejection->code == "benchmark_not_found");
  }
}

TEST_CASE("Benchmarks that break the tier rules are rejected with a code and a field",
          "[rules][benchmarks][rejection]") {
  auto engine = MemoryEngine();
  const auto before = engine->store()->Ledger().position;
  using Levels = boost::json::array;
  auto level = [](boost::json::object& b, int i) -> boost::json::object& {
    return b["levels"].as_array()[i].as_object();
  };
  struct Case {
    std::string name;
    std::function<void(boost::json::object&)> spoil;
    std::string code;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {"a fine type without a statutory fine",
       [](auto& b) { b["statutory"].as_object().erase("fine"); }, "benchmark_statutory_invalid",
       "/data/statutory/fine"},
      {"a statutory range upside down",
       [](auto& b) {
         b["statutory"].as_object()["fine"] =
             boost::json::parse(R"({"kind":"range","min_fen":500,"max_fen":100})");
       },
       "benchmark_statutory_invalid", "/data/statutory/fine/min_fen"},
      {"a range fine without its minimum",
       [](auto& b) {
         b["statutory"].as_object()["fine"] = boost::json::parse(R"({"kind":"range","max_fen":100})");
       },
       "benchmark_invalid", "/data/statutory/fine"},
      {"the lighter band above the heavier",
       [](auto& b) {
         b["adjustments"] = boost::json::parse(R"({"lighter_band_pct":80,"heavier_band_pct":70})");
       },
       "benchmark_adjustments_invalid", "/data/adjustments"},
      {"levels out of order",
       [&](auto& b) { std::swap(level(b, 1), level(b, 2)); }, "benchmark_levels_unordered",
       "/data/levels/2/level"},
      {"a level twice",
       [&](auto& b) { level(b, 2)["level"] = "general"; }, "benchmark_levels_unordered",
       "/data/levels/2/level"},
      {"a graver level with a lower range",
       [&](auto& b) {
         level(b, 2)["fine_min_fen"] = 100000;
         level(b, 2)["fine_max_fen"] = 300000;
       },
       "benchmark_levels_unordered", "/data/levels/2"},
      {"a level above the statutory maximum",
       [&](auto& b) { level(b, 3)["fine_max_fen"] = 1000001; }, "benchmark_level_outside_statutory",
       "/data/levels/3/fine_max_fen"},
      {"a level below the statutory minimum (mitigation is a leniency matter)",
       [&](auto& b) {
         b["statutory"].as_object()["fine"] =
             boost::json::parse(R"({"kind":"range","min_fen":100000,"max_fen":1000000})");
         level(b, 1)["fine_min_fen"] = 50000;
       },
       "benchmark_level_outside_statutory", "/data/levels/1/fine_min_fen"},
      {"a level upside down",
       [&](auto& b) {
         level(b, 1)["fine_min_fen"] = 400000;
         level(b, 1)["fine_max_fen"] = 100000;
       },
       "benchmark_level_fine_invalid", "/data/levels/1/fine_min_fen"},
      {"a fined level without bounds",
       [&](auto& b) { level(b, 1).erase("fine_max_fen"); }, "benchmark_level_fine_invalid",
       "/data/levels/1"},
      {"a level with a type the law does not give",
       [&](auto& b) { level(b, 3)["penalty_types"] = boost::json::parse(R"(["warning","fine","license_revocation"])"); },
       "benchmark_level_penalty_type_not_statutory", "/data/levels/3/penalty_types/2"},
      {"a level dropping the combined fine",
       [&](auto& b) {
         level(b, 1)["penalty_types"] = boost::json::parse(R"(["warning"])");
         level(b, 1).erase("fine_min_fen");
         level(b, 1).erase("fine_max_fen");
       },
       "benchmark_level_drops_combined_penalty", "/data/levels/1/penalty_types"},
      {"a non-minor level with no penalty",
       [&](auto& b) {
         level(b, 1)["penalty_types"] = Levels{};
         level(b, 1).erase("fine_min_fen");
         level(b, 1).erase("fine_max_fen");
       },
       "benchmark_level_invalid", "/data/levels/1/penalty_types"},
      {"an effective_to before effective_from",
       [](auto& b) { b["effective_to"] = "2022-08-31"; }, "effective_period_invalid",
       "/data/effective_to"},
      {"an item the power list does not have",
       [](auto& b) { b["item_code"] = "SAFE-999"; }, "unknown_power_item", "/data/item_code"},
      {"an item withdrawn from the list before the benchmark takes effect",
       [](auto& b) {
         b["item_code"] = "URBAN-010";  // withdrawn from 2023-09-01 (03-powers.jsonl)
         b["effective_from"] = "2023-09-01";
       },
       "item_not_in_force", "/data/item_code"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto data = Safe017();
    c.spoil(data);
    const CommandResult r = Run(*engine, MakeCommand("publish_benchmark", "bad", kAt, data));
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    CHECK(r.rejection->code == c.code);
    CHECK(r.rejection->pointer == c.pointer);
    CHECK_FALSE(r.rejection->legal_basis.empty());
  }
  CHECK(engine->store()->Ledger().position == before);
}

TEST_CASE("Benchmark versions: no overlap, no rewriting the past, no identity change, no no-op",
          "[rules][benchmarks][rejection]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, MakeCommand("publish_benchmark", "bm-1", kAt, Safe017())).outcome ==
          CommandResult::Outcome::kApplied);
  const std::string later = "2023-06-15T09:00:00+08:00";
  auto code = [&](const std::string& type, boost::json::object data) {
    const CommandResult r = Run(*engine, MakeCommand(type, "x", later, std::move(data)));
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    return r.rejection->code;
  };
  SECTION("the same content again") { CHECK(code("publish_benchmark", Safe017()) == "benchmark_unchanged"); }
  SECTION("another benchmark for the same item and party at the same time") {
    auto other = Safe017();
    other["benchmark_id"] = "T-BM-SAFE-017-B";
    other["party_category"] = boost::json::parse(R"(["other_organisation","natural_person"])");
    other["effective_from"] = "2023-07-01";
    CHECK(code("publish_benchmark", other) == "benchmark_overlaps");
    // For a party the first one does not cover, it is fine.
    other["party_category"] = boost::json::parse(R"(["natural_person"])");
    CHECK(Run(*engine, MakeCommand("publish_benchmark", "bm-2", later, other)).outcome ==
          CommandResult::Outcome::kApplied);
  }
  SECTION("a version for another item") {
    auto other = Safe017();
    other["item_code"] = "SAFE-001";
    CHECK(code("publish_benchmark", other) == "benchmark_identity_changed");
  }
  SECTION("a version starting before the one it follows") {
    auto v = Safe017();
    v["effective_from"] = "2022-08-01";
    CHECK(code("publish_benchmark", v) == "version_not_after_previous");
  }
  SECTION("a version back-dated before the day it is made") {
    auto v = Safe017();
    v["effective_from"] = "2023-06-14";
    CHECK(code("publish_benchmark", v) == "effective_from_retroactive");
  }
  SECTION("a withdrawal back-dated before the day it is made") {
    boost::json::object w{{"benchmark_id", "T-BM-SAFE-017"}, {"effective_from", "2023-01-01"},
                          {"reason", "x"}};
    CHECK(code("withdraw_benchmark", w) == "effective_from_retroactive");
  }
}

TEST_CASE("The Shaxian benchmarks load after the calendar and lists, one for every listed item",
          "[rules][benchmarks][sample]") {
  auto engine = BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl", "04-leniency.jsonl",
                    "05-benchmarks.jsonl"});
  CheckEventSchemas(*engine, "rules/benchmarks");
  const RuleBook rules = Fold(*engine);
  const Date day{2023, 5, 10};

  // Every item a list entry names has a benchmark in force for some party.
  std::set<std::string> items;
  for (const std::string& id : rules.leniency().EntryIds()) {
    items.insert(rules.leniency().Entry(id, LocalStartOfDay(day))->item_code);
  }
  REQUIRE(items.size() >= 30);
  for (const std::string& item : items) {
    INFO(item);
    bool found = false;
    for (PartyCategory c : {PartyCategory::kNaturalPerson, PartyCategory::kLegalPerson,
                            PartyCategory::kOtherOrganisation, PartyCategory::kIndividualBusiness}) {
      found = found || rules.benchmarks().BenchmarkInForce(item, c, day) != nullptr;
    }
    CHECK(found);
  }

  // Every penalty item of the power list in force on 2023-01-01 has a
  // benchmark in force that day, for some party.
  const Date new_year{2023, 1, 1};
  int penalty_items = 0;
  for (const std::string& code : rules.powers().ItemCodes()) {
    const auto* item = rules.powers().ItemAsOf(code, new_year);
    if (item == nullptr || item->power_type != "administrative_penalty") continue;
    ++penalty_items;
    INFO(code);
    bool found = false;
    for (PartyCategory c :
         {PartyCategory::kNaturalPerson, PartyCategory::kLegalPerson,
          PartyCategory::kOtherOrganisation, PartyCategory::kIndividualBusiness}) {
      found = found || rules.benchmarks().BenchmarkInForce(code, c, new_year) != nullptr;
    }
    CHECK(found);
  }
  CHECK(penalty_items >= 74);

  // SAFE-017 exactly as docs/domain.md, Discretion
  const DiscretionBenchmark* b =
      rules.benchmarks().BenchmarkInForce("SAFE-017", PartyCategory::kLegalPerson, day);
  REQUIRE(b != nullptr);
  CHECK(b->combination == "and");
  CHECK(b->penalty_types == std::vector<std::string>{"warning", "fine"});
  REQUIRE(b->fine.has_value());
  CHECK(b->fine->max_fen == 1'000'000);
  REQUIRE(b->levels.size() == 4);
  CHECK(b->levels[0].level == CircumstanceLevel::kMinor);
  CHECK(b->levels[0].penalty_types.empty());
  const std::int64_t tiers[3][2] = {{100'000, 400'000}, {400'000, 700'000}, {700'000, 1'000'000}};
  for (int i = 0; i < 3; ++i) {
    CHECK(b->levels[i + 1].penalty_types == std::vector<std::string>{"warning", "fine"});
    CHECK(*b->levels[i + 1].fine_min_fen == tiers[i][0]);
    CHECK(*b->levels[i + 1].fine_max_fen == tiers[i][1]);
  }
  // URBAN-003 has one benchmark per party group.
  const auto* person = rules.benchmarks().BenchmarkInForce("URBAN-003", PartyCategory::kNaturalPerson, day);
  const auto* company = rules.benchmarks().BenchmarkInForce("URBAN-003", PartyCategory::kLegalPerson, day);
  REQUIRE(person != nullptr);
  REQUIRE(company != nullptr);
  CHECK(person->benchmark_id != company->benchmark_id);
}

// RuleBook::AsOf over the whole Shaxian sample: what was in force at an
// instant, across the reference streams.
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "util/rfc3339.h"

using namespace zf;
using zf::internal::HearingPartyCategory;
using zf::internal::PartyCategory;

namespace {

std::int64_t At(std::string_view rfc3339) {
  return zf::internal::ParseRfc3339(rfc3339).value().unix_micros;
}

}  // namespace

TEST_CASE("RuleBook::AsOf answers what was in force at an instant", "[rules][rule_book]") {
  auto engine = zf::testing::BareEngine();
  zf::testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                                 "04-leniency.jsonl", "05-benchmarks.jsonl",
                                 "06-hearing-thresholds.jsonl"});
  const internal::RuleBook rules = zf::testing::Fold(*engine);
  const auto case_day = rules.AsOf(At("2023-09-12T10:00:00+08:00"));
  CHECK(case_day.date() == Date{2023, 9, 12});

  SECTION("competence with its reason (scenarios 1 and 6)") {
    auto gaosha = case_day.CompetentSubject("SAFE-017", "gaosha");
    REQUIRE(gaosha.ok());
    CHECK(gaosha->subject == "gaosha");
    CHECK(gaosha->delegated);
    auto qingzhou = case_day.CompetentSubject("SAFE-017", "qingzhou");
    REQUIRE(qingzhou.ok());
    CHECK(qingzhou->subject == "sx-emergency");
    CHECK(qingzhou->reason == "delegated_not_accepted");
    // Before the delegation took effect (2022-07-01) the department held it.
    auto before = rules.AsOf(At("2022-06-15T10:00:00+08:00")).CompetentSubject("SAFE-017", "gaosha");
    REQUIRE(before.ok());
    CHECK(before->subject == "sx-emergency");
    CHECK(case_day.CompetentSubject("SAFE-999", "gaosha").status().code() == StatusCode::kNotFound);
    CHECK(case_day.CompetentSubject("SAFE-017", "atlantis").status().subject() == "township");
  }
  SECTION("the calendar published by then") {
    CHECK_FALSE(rules.AsOf(At("2022-12-01T09:00:00+08:00")).Calendar().HasYear(2023));
    CHECK(rules.AsOf(At("2022-12-09T09:00:00+08:00")).Calendar().HasYear(2023));
    CHECK(AddWorkingDays(case_day.Calendar(), Date{2023, 9, 27}, 5).value() == Date{2023, 10, 10});
  }
  SECTION("items, lists, benchmarks, hearing thresholds and credentials") {
    REQUIRE(case_day.PowerItem("SAFE-017") != nullptr);
    // URBAN-010 was withdrawn from 2023-09-01.
    CHECK(rules.AsOf(At("2023-08-31T09:00:00+08:00")).PowerItem("URBAN-010") != nullptr);
    CHECK(rules.AsOf(At("2023-09-01T09:00:00+08:00")).PowerItem("URBAN-010") == nullptr);
    CHECK_FALSE(case_day.LeniencyEntries("SAFE-017").empty());
    const auto* benchmark = case_day.Benchmark("SAFE-017", PartyCategory::kLegalPerson);
    REQUIRE(benchmark != nullptr);
    CHECK(case_day.HearingEligible("sx-market", HearingPartyCategory::kOrganisation, 10'000'000, 0)
              .value());
    CHECK_FALSE(case_day.HearingEligible("sx-market", HearingPartyCategory::kOrganisation,
                                         9'999'999, 0)
                    .value());
    CHECK(case_day.ValidCredential("SX-OF-0001") != nullptr);
    CHECK(rules.AsOf(At("2020-01-01T09:00:00+08:00")).ValidCredential("SX-OF-0001") == nullptr);
  }
}

namespace {

// The reference events of the store, stream after stream.
std::vector<EventRecord> ReferenceEvents(EventStore& store) {
  std::vector<EventRecord> events;
  for (std::string_view stream : internal::kReferenceStreams) {
    for (auto c = store.ReadStream(std::string(stream), 1, Direction::kForward); c->Valid();
         c->Next()) {
      events.push_back(c->event());
    }
  }
  return events;
}

}  // namespace

TEST_CASE("A copy of a RuleBook shares its parts until one of them folds into a part",
          "[rules][rule_book]") {
  auto engine = zf::testing::BareEngine();
  zf::testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                                 "04-leniency.jsonl", "05-benchmarks.jsonl"});
  const std::vector<EventRecord> events = ReferenceEvents(*engine->store());
  // Everything but the benchmarks, then the benchmarks into a copy.
  internal::RuleBook before;
  std::vector<const EventRecord*> benchmarks;
  for (const EventRecord& e : events) {
    if (e.stream == internal::kBenchmarksStream) {
      benchmarks.push_back(&e);
    } else {
      REQUIRE(before.Apply(e).ok());
    }
  }
  REQUIRE(benchmarks.size() >= 2);
  internal::RuleBook after = before;
  CHECK(&after.org() == &before.org());
  CHECK(&after.benchmarks() == &before.benchmarks());
  for (const EventRecord* e : benchmarks) REQUIRE(after.Apply(*e).ok());

  // The copy folded into its own benchmarks; the original's are as they were.
  CHECK(&after.benchmarks() != &before.benchmarks());
  CHECK(before.Version(internal::kBenchmarksStream) == 0);
  CHECK(before.benchmarks().BenchmarkIds().empty());
  CHECK(before.ProvenanceOf(internal::kBenchmarksStream, 1) == nullptr);
  CHECK(after.Version(internal::kBenchmarksStream) == benchmarks.size());
  CHECK_FALSE(after.benchmarks().BenchmarkIds().empty());
  REQUIRE(after.ProvenanceOf(internal::kBenchmarksStream, 1) != nullptr);
  CHECK(after.ProvenanceOf(internal::kBenchmarksStream, 1)->hash == benchmarks[0]->hash);
  // Parts neither folded into stay shared.
  CHECK(&after.org() == &before.org());
  CHECK(&after.powers() == &before.powers());

  // The same as one fold of everything.
  const internal::RuleBook whole = zf::testing::Fold(*engine);
  CHECK(after.benchmarks().BenchmarkIds() == whole.benchmarks().BenchmarkIds());
  for (std::string_view stream : internal::kReferenceStreams) {
    CHECK(after.Version(stream) == whole.Version(stream));
  }

  // Folding into the original leaves the copy alone too.
  internal::RuleBook copy = before;
  REQUIRE(before.Apply(*benchmarks[0]).ok());
  CHECK(before.Version(internal::kBenchmarksStream) == 1);
  CHECK(copy.Version(internal::kBenchmarksStream) == 0);
  CHECK(copy.benchmarks().BenchmarkIds().empty());
  CHECK(after.Version(internal::kBenchmarksStream) == benchmarks.size());
}

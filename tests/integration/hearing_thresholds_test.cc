// rules/hearing_thresholds: the "relatively large" amounts of APL art. 63
// per department and party category (docs/domain.md, Ordinary procedure) — inclusive thresholds at,
// just below and above, the "*" default, versions AS OF an instant, and the
// Shaxian sample.
#include <fstream>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "io/schema_validator.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "zf/engine.h"

using namespace zf;
using zf::internal::HearingCategoryFor;
using zf::internal::HearingPartyCategory;
using zf::internal::HearingThreshold;
using zf::internal::LocalStartOfDay;
using zf::internal::PartyCategory;
using zf::internal::RuleBook;

using zf::testing::BareEngine;
using zf::testing::CheckEventSchemas;
using zf::testing::Fold;

namespace {

constexpr HearingPartyCategory kPerson = HearingPartyCategory::kNaturalPerson;
constexpr HearingPartyCategory kOrg = HearingPartyCategory::kOrganisation;

// Applies examples/shaxian/<file> atomically, REQUIREing every command to apply.
void LoadSample(Engine& engine, const char* file) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/" + file);
  REQUIRE(in.good());
  std::vector<Command> commands;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto command = CommandFromJson(boost::json::parse(line));
    INFO(file << ": " << command.status().ToString());
    REQUIRE(command.ok());
    commands.push_back(*command);
  }
  auto results = engine.ExecuteBatch(commands, BatchMode::kAtomic);
  REQUIRE(results.ok());
  REQUIRE(results->size() == commands.size());
  for (std::size_t i = 0; i < results->size(); ++i) {
    const auto& r = (*results)[i];
    INFO(file << " " << commands[i].command_id);
    REQUIRE(r.ok());
    INFO((r->rejection ? r->rejection->code + ": " + r->rejection->message : std::string()));
    REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
  }
}

// Thresholds name departments, so the Shaxian organisation comes first.
std::unique_ptr<Engine> MemoryEngine() {
  auto engine = BareEngine();
  LoadSample(*engine, "02-org.jsonl");
  return engine;
}

boost::json::object ThresholdEnvelope(std::string id, std::string at, std::string department,
                                      std::string category, std::int64_t fine_fen,
                                      std::string from) {
  boost::json::object envelope{
      {"command", "set_hearing_threshold"},
      {"command_id", id},
      {"at", at},
      {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
      {"data",
       {{"department", department},
        {"party_category", category},
        {"fine_min_fen", fine_fen},
        {"confiscation_min_fen", fine_fen},
        {"effective_from", from},
        {"basis", "《市场监督管理行政处罚听证办法》第五条"}}}};
  return envelope;
}

Command Threshold(std::string id, std::string at, std::string department, std::string category,
                  std::int64_t fine_fen, std::string from) {
  auto command = CommandFromJson(ThresholdEnvelope(std::move(id), std::move(at),
                                                   std::move(department), std::move(category),
                                                   fine_fen, std::move(from)));
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  return *command;
}

CommandResult Run(Engine& engine, const Command& command) {
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  return *result;
}

constexpr const char* kAt = "2022-06-01T09:00:00+08:00";

bool Eligible(const RuleBook& rules, std::string_view department, HearingPartyCategory c,
              std::int64_t fine, std::int64_t confiscation, const Date& day) {
  auto eligible = rules.hearing_thresholds().IsHearingEligible(department, c, fine, confiscation, day);
  REQUIRE(eligible.ok());
  return *eligible;
}


}  // namespace

TEST_CASE("Hearing thresholds are inclusive for both party categories", "[rules][hearing_thresholds]") {
  auto engine = MemoryEngine();
  const CommandResult r =
      Run(*engine, Threshold("ht-1", kAt, "sx-market", "natural_person", 1'000'000, "2021-07-15"));
  REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  CHECK(r.stream == "rules/hearing_thresholds");
  CHECK(r.event_types == std::vector<std::string>{"hearing_threshold_set"});
  REQUIRE(Run(*engine, Threshold("ht-2", kAt, "sx-market", "organisation", 10'000'000, "2021-07-15"))
              .outcome == CommandResult::Outcome::kApplied);
  const RuleBook rules = Fold(*engine);
  const Date day{2023, 9, 27};

  // Natural person: 10,000 yuan (以上 includes the number, docs/domain.md, Conventions).
  CHECK_FALSE(Eligible(rules, "sx-market", kPerson, 999'999, 0, day));
  CHECK(Eligible(rules, "sx-market", kPerson, 1'000'000, 0, day));
  CHECK(Eligible(rules, "sx-market", kPerson, 1'000'001, 0, day));
  // Organisation: 100,000 yuan.
  CHECK_FALSE(Eligible(rules, "sx-market", kOrg, 9'999'999, 0, day));
  CHECK(Eligible(rules, "sx-market", kOrg, 10'000'000, 0, day));
  CHECK(Eligible(rules, "sx-market", kOrg, 10'000'001, 0, day));
  // Scenario 7: a 120,000-yuan fine on a company.
  CHECK(Eligible(rules, "sx-market", kOrg, 12'000'000, 0, day));
  // Confiscation counts on its own.
  CHECK_FALSE(Eligible(rules, "sx-market", kOrg, 0, 9'999'999, day));
  CHECK(Eligible(rules, "sx-market", kOrg, 0, 10'000'000, day));
  CHECK_FALSE(Eligible(rules, "sx-market", kPerson, 0, 0, day));

  const HearingThreshold* t = rules.hearing_thresholds().ThresholdAsOf("sx-market", kOrg, day);
  REQUIRE(t != nullptr);
  CHECK(t->fine_min_fen == 10'000'000);
  CHECK(t->version == 1);
  auto negative = rules.hearing_thresholds().IsHearingEligible("sx-market", kOrg, -1, 0, day);
  CHECK(negative.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("A department without its own threshold falls back to the \"*\" default",
          "[rules][hearing_thresholds]") {
  auto engine = MemoryEngine();
  {
    const RuleBook empty = Fold(*engine);
    auto none = empty.hearing_thresholds().IsHearingEligible("sx-emergency", kOrg, 1, 0,
                                                             Date{2023, 1, 1});
    CHECK(none.status().code() == StatusCode::kNotFound);
  }
  REQUIRE(Run(*engine, Threshold("d-o", kAt, "*", "organisation", 5'000'000, "2021-07-15")).outcome ==
          CommandResult::Outcome::kApplied);
  REQUIRE(Run(*engine, Threshold("m-o", kAt, "sx-market", "organisation", 10'000'000, "2021-07-15"))
              .outcome == CommandResult::Outcome::kApplied);
  const RuleBook rules = Fold(*engine);
  const Date day{2023, 1, 1};
  const auto* fallback = rules.hearing_thresholds().ThresholdAsOf("sx-emergency", kOrg, day);
  REQUIRE(fallback != nullptr);
  CHECK(fallback->department == "*");
  CHECK(Eligible(rules, "sx-emergency", kOrg, 5'000'000, 0, day));
  CHECK_FALSE(Eligible(rules, "sx-market", kOrg, 5'000'000, 0, day));
  // No default for natural persons: not found rather than a guess.
  auto none = rules.hearing_thresholds().IsHearingEligible("sx-emergency", kPerson, 1, 0, day);
  CHECK(none.status().code() == StatusCode::kNotFound);
  // Before the default took effect there is nothing either.
  CHECK(rules.hearing_thresholds().ThresholdAsOf("sx-emergency", kOrg, Date{2021, 7, 14}) == nullptr);
}

TEST_CASE("A new threshold version applies from its effective_from", "[rules][hearing_thresholds]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, Threshold("h-1", kAt, "sx-housing", "natural_person", 1'000'000, "2022-01-01"))
              .outcome == CommandResult::Outcome::kApplied);
  REQUIRE(Run(*engine, Threshold("h-2", "2023-12-01T09:00:00+08:00", "sx-housing", "natural_person",
                                 2'000'000, "2024-01-01"))
              .outcome == CommandResult::Outcome::kApplied);
  const RuleBook rules = Fold(*engine);
  CHECK(Eligible(rules, "sx-housing", kPerson, 1'500'000, 0, Date{2023, 12, 31}));
  CHECK_FALSE(Eligible(rules, "sx-housing", kPerson, 1'500'000, 0, Date{2024, 1, 1}));
  CHECK(rules.hearing_thresholds().ThresholdAsOf("sx-housing", kPerson, Date{2024, 1, 1})->version == 2);
  CHECK(rules.hearing_thresholds().ThresholdAsOf("sx-housing", kPerson,
                                                 LocalStartOfDay(Date{2024, 1, 1}) - 1)
            ->version == 1);
  CHECK(rules.hearing_thresholds().History("sx-housing", kPerson).size() == 2);
}

TEST_CASE("Threshold versions cannot rewrite the past or repeat themselves",
          "[rules][hearing_thresholds][rejection]") {
  auto engine = MemoryEngine();
  REQUIRE(Run(*engine, Threshold("h-1", kAt, "sx-housing", "organisation", 10'000'000, "2022-01-01"))
              .outcome == CommandResult::Outcome::kApplied);
  const std::string later = "2023-06-15T09:00:00+08:00";
  auto code = [&](const Command& c) {
    const CommandResult r = Run(*engine, c);
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    CHECK_FALSE(r.rejection->legal_basis.empty());
    return r.rejection->code;
  };
  CHECK(code(Threshold("a", later, "sx-housing", "organisation", 20'000'000, "2021-12-31")) ==
        "version_not_after_previous");
  CHECK(code(Threshold("b", later, "sx-housing", "organisation", 20'000'000, "2023-06-14")) ==
        "effective_from_retroactive");
  CHECK(code(Threshold("c", later, "sx-housing", "organisation", 10'000'000, "2023-07-01")) ==
        "hearing_threshold_unchanged");
  // A day the calendar does not have is invalid input, before any decider.
  auto impossible = CommandFromJson(
      ThresholdEnvelope("d", later, "sx-housing", "organisation", 20'000'000, "2023-02-30"));
  CHECK(impossible.status().code() == StatusCode::kInvalidArgument);
  CHECK(impossible.status().subject() == "/data/effective_from");
  // The other category is its own record: a back-dated first version is fine.
  CHECK(Run(*engine, Threshold("e", later, "sx-housing", "natural_person", 1'000'000, "2022-01-01"))
            .outcome == CommandResult::Outcome::kApplied);
}

TEST_CASE("A threshold names a department registered in org, or \"*\"",
          "[rules][hearing_thresholds]") {
  auto engine = BareEngine();
  const Command unknown =
      Threshold("u", kAt, "sx-market", "organisation", 10'000'000, "2022-01-01");
  auto code = [&](const Command& c) {
    const CommandResult r = Run(*engine, c);
    return r.rejection ? r.rejection->code : std::string();
  };
  // An empty org knows no department, but the default needs none.
  CHECK(code(unknown) == "unknown_department");
  CHECK(Run(*engine, unknown).rejection->pointer == "/data/department");
  CHECK(code(Threshold("d", kAt, "*", "organisation", 5'000'000, "2022-01-01")).empty());
  LoadSample(*engine, "02-org.jsonl");
  CHECK(code(Threshold("x", kAt, "sx-nowhere", "organisation", 10'000'000, "2022-01-01")) ==
        "unknown_department");
  CHECK(code(Threshold("gaosha", kAt, "gaosha", "organisation", 10'000'000, "2022-01-01")) ==
        "unknown_department");  // a township is no department
  CHECK(code(unknown).empty());
}

TEST_CASE("A threshold the schema refuses is invalid before any decider runs",
          "[rules][hearing_thresholds][validation]") {
  boost::json::object envelope{
      {"command", "set_hearing_threshold"}, {"command_id", "x"}, {"at", kAt},
      {"actor", {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}}},
      {"data",
       {{"department", "sx-market"}, {"party_category", "legal_person"}, {"fine_min_fen", 1},
        {"confiscation_min_fen", 1}, {"effective_from", "2022-01-01"}, {"basis", "x"}}}};
  auto command = CommandFromJson(envelope);
  REQUIRE_FALSE(command.ok());
  CHECK(command.status().code() == StatusCode::kInvalidArgument);
  CHECK(command.status().subject() == "/data/party_category");
}

TEST_CASE("Party categories map to the two hearing categories", "[rules][hearing_thresholds]") {
  CHECK(HearingCategoryFor(PartyCategory::kNaturalPerson) == kPerson);
  CHECK(HearingCategoryFor(PartyCategory::kLegalPerson) == kOrg);
  CHECK(HearingCategoryFor(PartyCategory::kOtherOrganisation) == kOrg);
  CHECK(HearingCategoryFor(PartyCategory::kIndividualBusiness) == kPerson);  // docs/domain.md, Conventions default
  CHECK(HearingCategoryFor(PartyCategory::kIndividualBusiness, false) == kOrg);
}

TEST_CASE("The Shaxian hearing thresholds load after the calendar", "[rules][hearing_thresholds][sample]") {
  auto engine = BareEngine();
  for (const char* file : {"01-calendar.jsonl", "02-org.jsonl", "06-hearing-thresholds.jsonl"}) {
    LoadSample(*engine, file);
  }
  CheckEventSchemas(*engine, "rules/hearing_thresholds");
  const RuleBook rules = Fold(*engine);
  const Date day{2023, 9, 27};
  for (const char* department : {"sx-market", "sx-housing", "sx-emergency"}) {
    INFO(department);
    CHECK_FALSE(Eligible(rules, department, kPerson, 999'999, 0, day));
    CHECK(Eligible(rules, department, kPerson, 1'000'000, 0, day));
    CHECK_FALSE(Eligible(rules, department, kOrg, 9'999'999, 0, day));
    CHECK(Eligible(rules, department, kOrg, 10'000'000, 0, day));
  }
  CHECK(rules.hearing_thresholds().ThresholdAsOf("sx-housing", kOrg, day)->department == "sx-housing");
  CHECK(rules.hearing_thresholds().ThresholdAsOf("sx-emergency", kOrg, day)->department == "*");
}

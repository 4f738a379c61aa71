// The law on the penalty (docs/domain.md, Leniency: the four lists, Discretion, I7, I8): JudgePenalty against the
// Shaxian sample rules, with the party's history in a CaseBook built from
// events. Scenario 14 uses SX-BM-AGRI-005 (AGRI-005, statutory range
// 2,000–20,000 yuan) and SX-MP-019; scenarios 1 and 5 use SAFE-017 with
// SX-NP-001 (首违不罚, lookback 12 months, same item).
#include <catch2/catch.hpp>

#include "domain/case_book.h"
#include "domain/decider.h"
#include "domain/penalty_rules.h"
#include "support/engine_fixtures.h"
#include "util/rfc3339.h"
#include "zf/legal_sources.h"

namespace zf {
namespace {

using internal::ActOf;
using internal::CaseBook;
using internal::CaseState;
using internal::DecisionContext;
using internal::JudgePenalty;
using internal::JudgeStatutoryGrounds;
using internal::PenaltyJudgement;
using internal::PenaltyProposal;
using internal::RuleBook;
using internal::StatutoryGroundsAnswer;

const std::vector<std::string> kSample = {
    "01-calendar.jsonl", "02-org.jsonl",      "02-permissions.jsonl",
    "03-powers.jsonl",   "04-leniency.jsonl", "05-benchmarks.jsonl"};

const RuleBook& SampleRules() {
  static const RuleBook rules = [] {
    auto engine = testing::BareEngine();
    testing::LoadAll(*engine, kSample);
    return testing::Fold(*engine);
  }();
  return rules;
}

// The sample plus a second version of SX-BM-AGRI-005 from 2023-06-01 whose
// general level is [general_min, general_max] fen.
RuleBook RulesWithAgri005V2(std::int64_t general_min, std::int64_t general_max) {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, kSample);
  boost::json::object data;
  for (const Command& c : testing::SampleCommands("05-benchmarks.jsonl")) {
    if (c.data.as_object().at("benchmark_id").as_string() == "SX-BM-AGRI-005") {
      data = c.data.as_object();
    }
  }
  REQUIRE(!data.empty());
  data["effective_from"] = "2023-06-01";
  auto& general = data["levels"].as_array()[1].as_object();
  REQUIRE(general["level"].as_string() == "general");
  general["fine_min_fen"] = general_min;
  general["fine_max_fen"] = general_max;
  auto result = engine->Execute(testing::MakeCommand("publish_benchmark", "bm-agri-005-v2",
                                                     "2023-05-20T09:00:00+08:00", data));
  REQUIRE(result.ok());
  REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
  return testing::Fold(*engine);
}

EventRecord Event(CaseBook& book, std::string stream, std::string type, std::string at,
                  boost::json::object data) {
  EventRecord e;
  e.stream = std::move(stream);
  e.version = book.Version(e.stream) + 1;
  e.type = std::move(type);
  e.occurred_at = std::move(at);
  e.actor = {"SX-OF-0103", "enforcement_officer", "gaosha"};
  e.data = std::move(data);
  return e;
}

void Apply(CaseBook& book, EventRecord e) {
  const Status s = book.Apply(e);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

struct CaseSpec {
  std::string id;
  std::string party = "91350427MA0000001X";
  std::string item = "SAFE-017";
  std::string act_date = "";  // "" = not recorded
  std::string joint_action_id = "";
  std::string act_id = "";  // register_clue act_id, "" = none
  std::string category = "organisation";
  std::string related_case_id = "";
};

void Register(CaseBook& book, const CaseSpec& spec, std::string at = "2022-11-01T09:00:00+08:00") {
  boost::json::object data{{"source", "inspection"},
                           {"township", "gaosha"},
                           {"description", "test"},
                           {"discovered_on", at.substr(0, 10)},
                           {"registered_by_unit", "gaosha"},
                           {"holder", "gaosha"},
                           {"item_code", spec.item},
                           {"party", {{"id", spec.party}, {"name", "某公司"}, {"category", spec.category}}}};
  if (!spec.act_date.empty()) data["act_ended_on"] = spec.act_date;
  if (!spec.act_id.empty()) data["act_id"] = spec.act_id;
  if (!spec.related_case_id.empty()) data["related_case_id"] = spec.related_case_id;
  if (!spec.joint_action_id.empty()) data["joint_action_id"] = spec.joint_action_id;
  Apply(book, Event(book, "case/" + spec.id, "clue_registered", at, std::move(data)));
}

// A case of the party decided on `decided_on` (10:00 China time).
void Decided(CaseBook& book, const CaseSpec& spec, std::string type, std::string decided_on,
             std::int64_t fine_fen = 0) {
  Register(book, spec);
  boost::json::object data{{"decision_type", type},
                           {"decided_on", decided_on},
                           {"handling_subject", "gaosha"},
                           {"issuer_name", "三明市沙县区高砂镇人民政府"},
                           {"document_number", "沙高罚〔2023〕1号"},
                           {"fine_fen", fine_fen}};
  if (fine_fen > 0) data["penalty_types"] = boost::json::array{"fine"};
  Apply(book, Event(book, "case/" + spec.id, "decision_made", decided_on + "T10:00:00+08:00",
                    std::move(data)));
}

struct Judged {
  PenaltyJudgement judgement;
  std::string code() const { return judgement.rejection ? judgement.rejection->code : ""; }
  std::string pointer() const { return judgement.rejection ? judgement.rejection->pointer : ""; }
};

Judged JudgeAt(const RuleBook& rules, const CaseBook& book, const std::string& case_id,
               const PenaltyProposal& p, std::string at = "2023-09-15T10:00:00+08:00",
               EngineOptions options = {}) {
  Command command;
  command.type = "make_decision";
  command.at = at;
  command.target = case_id;
  command.data = boost::json::object{};
  auto ts = internal::ParseRfc3339(at);
  REQUIRE(ts.ok());
  const DecisionContext context{command, *ts, rules, book, options};
  const CaseState* c = book.FindCase(case_id);
  REQUIRE(c != nullptr);
  Judged out{JudgePenalty(context, *c, p)};
  if (out.judgement.rejection) UNSCOPED_INFO(out.judgement.rejection->message);
  return out;
}

PenaltyProposal Fine(std::int64_t fen, std::string level = "general", std::string adjustment = "",
                     std::vector<std::string> types = {"fine"}) {
  PenaltyProposal p;
  p.outcome = "penalty";
  p.penalty_types = std::move(types);
  p.fine_fen = fen;
  p.circumstance_level = std::move(level);
  p.adjustment = std::move(adjustment);
  return p;
}

const boost::json::object* EntryEval(const PenaltyJudgement& j, std::string_view entry_id) {
  for (const auto& e : j.evaluation.at("entries").as_array()) {
    if (e.as_object().at("entry_id").as_string() == entry_id) return &e.as_object();
  }
  return nullptr;
}

// --- Scenario 14: lighter band and mitigation ------------------------------------

TEST_CASE("Scenario 14: the lighter band of 2,000-20,000 yuan ends at 7,400", "[penalty][s14]") {
  CaseBook book;
  Register(book, {.id = "C14", .item = "AGRI-005"});
  const auto ok = JudgeAt(SampleRules(), book, "C14", Fine(740'000, "general", "lighter"));
  CHECK(ok.code() == "");
  CHECK(ok.judgement.benchmark_id == "SX-BM-AGRI-005");
  CHECK(ok.judgement.benchmark_version == 1);
  CHECK(ok.judgement.evaluation.at("fine").as_object().at("allowed_max_fen").as_int64() == 740'000);
  const auto over = JudgeAt(SampleRules(), book, "C14", Fine(740'100, "general", "lighter"));
  CHECK(over.code() == "fine_outside_lighter_band");
  CHECK(over.pointer() == "/data/fine_fen");

  SECTION("measured inside the level instead (fine_band_basis = level)") {
    EngineOptions options;
    options.fine_band_basis = "level";
    const auto in_level = JudgeAt(SampleRules(), book, "C14", Fine(740'000, "general", "lighter"),
                                  "2023-09-15T10:00:00+08:00", options);
    CHECK(in_level.code() == "fine_outside_lighter_band");  // general level: 2,000-7,400
  }
  SECTION("a general fine lies in the level's range") {
    CHECK(JudgeAt(SampleRules(), book, "C14", Fine(740'000)).code() == "");
    CHECK(JudgeAt(SampleRules(), book, "C14", Fine(740'100)).code() == "fine_above_level");
    CHECK(JudgeAt(SampleRules(), book, "C14", Fine(0)).code() == "fine_not_positive");
    CHECK(JudgeAt(SampleRules(), book, "C14", Fine(300'000, "")).code() ==
          "circumstance_level_required");
  }
}

TEST_CASE("Scenario 14: a mitigated fine needs a ground and goes below 2,000 yuan",
          "[penalty][s14]") {
  CaseBook book;
  Register(book, {.id = "C14", .item = "AGRI-005"});
  const RuleBook& rules = SampleRules();

  auto p = Fine(150'000, "general", "mitigated");
  CHECK(JudgeAt(rules, book, "C14", p).code() == "mitigation_ground_required");
  p.mitigation_ground = "APL32.1";
  const auto unproven = JudgeAt(rules, book, "C14", p);
  CHECK(unproven.code() == "mitigation_ground_required");
  CHECK(unproven.pointer() == "/data/mitigation_ground");

  // APL 32(1) established, the list entry not (harm level unstated): any
  // fine below the statutory minimum.
  p.facts["harm_removed_proactively"] = true;
  CHECK(JudgeAt(rules, book, "C14", p).code() == "");
  p.fine_fen = 200'000;
  CHECK(JudgeAt(rules, book, "C14", p).code() == "fine_not_below_statutory_minimum");

  // With the harm level, mandatory entry SX-MP-019 applies: 1,000-1,999 yuan.
  p.facts["harm_level"] = "general";
  p.fine_fen = 199'900;
  const auto entry = JudgeAt(rules, book, "C14", p);
  CHECK(entry.code() == "");
  CHECK(entry.judgement.leniency_entries == std::vector<std::string>{"SX-MP-019@1"});
  CHECK(EntryEval(entry.judgement, "SX-MP-019")->at("status").as_string() == "mandatory");
  p.fine_fen = 99'900;
  CHECK(JudgeAt(rules, book, "C14", p).code() == "fine_outside_mitigated_range");

  // The mandatory ground must lighten the penalty (APL 32).
  auto general = Fine(500'000);
  general.facts = p.facts;
  const auto ignored = JudgeAt(rules, book, "C14", general);
  CHECK(ignored.code() == "lighter_penalty_required");
  CHECK(ignored.pointer() == "/data/adjustment");
  auto named = Fine(500'000, "general", "mitigated");
  named.mitigation_ground = "SX-NP-013";  // a list entry, but not eligible here
  CHECK(JudgeAt(rules, book, "C14", named).code() == "mitigation_ground_required");
}

TEST_CASE("Scenario 14: a warning only where the benchmark or entry allows it",
          "[penalty][s14]") {
  CaseBook book;
  Register(book, {.id = "W1", .item = "SAFE-017"});
  Register(book, {.id = "W2", .item = "AGRI-005"});
  const RuleBook& rules = SampleRules();
  auto warning = Fine(0, "general", "mitigated", {"warning"});
  warning.mitigation_ground = "APL32.1";
  warning.facts["harm_removed_proactively"] = true;
  // SAFE-017 combines warning and fine: dropping the fine is mitigation.
  CHECK(JudgeAt(rules, book, "W1", warning).code() == "");
  // AGRI-005 knows no warning.
  const auto no_warning = JudgeAt(rules, book, "W2", warning);
  CHECK(no_warning.code() == "penalty_type_not_allowed");
  CHECK(no_warning.pointer() == "/data/penalty_types/0");
  // Without mitigation the law's combination stands.
  CHECK(JudgeAt(rules, book, "W1", Fine(0, "general", "", {"warning"})).code() ==
        "combined_penalty_required");
  CHECK(JudgeAt(rules, book, "W1", Fine(200'000, "general", "", {"warning", "fine"})).code() ==
        "");
}

TEST_CASE("Heavier band and the benchmark's shape", "[penalty]") {
  CaseBook book;
  Register(book, {.id = "H1", .item = "AGRI-005"});
  Register(book, {.id = "H2", .item = "SAFE-017"});
  Register(book, {.id = "H3", .item = "NATRES-001"});
  Register(book, {.id = "H4", .item = "SAFE-001"});
  const RuleBook& rules = SampleRules();
  // Heavier: the top 30% of 2,000-20,000 yuan starts at 14,600.
  CHECK(JudgeAt(rules, book, "H1", Fine(1'460'000, "severe", "heavier")).code() == "");
  CHECK(JudgeAt(rules, book, "H1", Fine(1'459'900, "severe", "heavier")).code() ==
        "fine_outside_heavier_band");
  CHECK(JudgeAt(rules, book, "H2", Fine(100'000, "minor", "", {"warning", "fine"})).code() ==
        "level_has_no_fine");
  CHECK(JudgeAt(rules, book, "H3", Fine(100'000)).code() == "base_amount_required");
  auto multiple = Fine(100'000);
  multiple.base_fen = 1'000'000;  // illegal gains 10,000 yuan, fine 0-50%
  CHECK(JudgeAt(rules, book, "H3", multiple).code() == "");
  CHECK(JudgeAt(rules, book, "H4", Fine(100'000, "minor")).code() == "level_not_in_benchmark");
  EngineOptions level;
  level.fine_band_basis = "level";
  CHECK(JudgeAt(rules, book, "H1", Fine(200'000), "2023-09-15T10:00:00+08:00", level).code() ==
        "fine_outside_general_band");
}

// --- Scenario 5: first violation, no penalty -------------------------------------

PenaltyProposal FirstViolationFacts(PenaltyProposal p) {
  p.facts["harm_level"] = "slight";
  p.facts["corrected_within_days"] = 5;
  return p;
}

TEST_CASE("Scenario 5: the first-violation entry is proposed and must be answered",
          "[penalty][s05]") {
  CaseBook book;
  Register(book, {.id = "C5"});
  const RuleBook& rules = SampleRules();
  auto penalty = FirstViolationFacts(Fine(200'000, "general", "", {"warning", "fine"}));

  const auto unanswered = JudgeAt(rules, book, "C5", penalty);
  CHECK(unanswered.code() == "leniency_reason_required");
  CHECK(unanswered.pointer() == "/data/leniency");
  CHECK(EntryEval(unanswered.judgement, "SX-NP-001")->at("status").as_string() == "proposed");

  penalty.leniency = {{"SX-NP-001", false, "  "}};
  const auto no_reason = JudgeAt(rules, book, "C5", penalty);
  CHECK(no_reason.code() == "leniency_reason_required");
  CHECK(no_reason.pointer() == "/data/leniency/0/reason");

  penalty.leniency = {{"SX-NP-001", false, "当事人曾拒绝整改，危害不宜认定为轻微"}};
  const auto rejected = JudgeAt(rules, book, "C5", penalty);
  CHECK(rejected.code() == "");
  CHECK(EntryEval(rejected.judgement, "SX-NP-001")->at("answer").as_string() == "rejected");
  CHECK(rejected.judgement.leniency_entries.empty());

  penalty.leniency = {{"SX-NP-001", true, ""}};
  CHECK(JudgeAt(rules, book, "C5", penalty).code() == "leniency_outcome_conflict");
}

TEST_CASE("Scenario 5: accepting no penalty needs the education record", "[penalty][s05]") {
  CaseBook book;
  Register(book, {.id = "C5"});
  const RuleBook& rules = SampleRules();
  PenaltyProposal p;
  p.outcome = "no_penalty";
  p = FirstViolationFacts(p);
  p.leniency = {{"SX-NP-001", true, ""}};

  const auto missing = JudgeAt(rules, book, "C5", p);
  CHECK(missing.code() == "education_record_required");
  CHECK(missing.pointer() == "/data/education_record");
  p.education_record = "沙高教〔2023〕5号";
  CHECK(JudgeAt(rules, book, "C5", p).code() == "correction_order_required");
  p.correction_ordered = true;
  const auto ok = JudgeAt(rules, book, "C5", p);
  CHECK(ok.code() == "");
  CHECK(ok.judgement.leniency_entries == std::vector<std::string>{"SX-NP-001@1"});
  CHECK(ok.judgement.benchmark_id == "SX-BM-SAFE-017");

  SECTION("the proposal at the investigation's end needs no records yet") {
    PenaltyProposal proposal = p;
    proposal.education_record.clear();
    proposal.correction_ordered = false;
    proposal.at_decision = false;
    CHECK(JudgeAt(rules, book, "C5", proposal).code() == "");
  }
}

// --- Scenario 1 negative variant: not a first violation -------------------------

TEST_CASE("Scenario 1 variant: a violation 8 months earlier makes the entry ineligible",
          "[penalty][s01]") {
  CaseBook book;
  // The first case, 8 months before: no penalty (first violation forgiven),
  // decided by gaosha.
  Decided(book, {.id = "C1-first"}, "no_penalty", "2023-01-10");
  Register(book, {.id = "C1-again", .act_date = "2023-09-05"});
  const RuleBook& rules = SampleRules();

  auto accept = FirstViolationFacts(PenaltyProposal{});
  accept.outcome = "no_penalty";
  accept.leniency = {{"SX-NP-001", true, ""}};
  accept.education_record = "x";
  accept.correction_ordered = true;
  const auto refused = JudgeAt(rules, book, "C1-again", accept);
  CHECK(refused.code() == "leniency_not_applicable");
  CHECK(refused.pointer() == "/data/leniency/0/entry_id");
  // The reason in both languages: here the exclusion (a repeat offence
  // within the lookback), by its name in Chinese.
  const Rejection& r = *refused.judgement.rejection;
  CHECK(r.message == "entry SX-NP-001 was not proposed for this case: exclusion repeat_offence "
                     "applies");
  CHECK(r.message_zh == "清单条目 SX-NP-001 不适用于本案：存在排除情形：再次违法");
  CHECK(RejectionMessage(r, Language::kZh) == r.message_zh);
  CHECK(RejectionMessage(r, Language::kEn) == r.message);

  // Not proposed, so a general-level penalty needs no answer.
  const auto general = JudgeAt(rules, book, "C1-again",
                               FirstViolationFacts(Fine(200'000, "general", "", {"warning", "fine"})));
  CHECK(general.code() == "");
  const auto* eval = EntryEval(general.judgement, "SX-NP-001");
  CHECK(eval->at("status").as_string() == "not_eligible");
  CHECK(eval->at("prior_violations").as_array().size() == 1);

  SECTION("13 months earlier it is a first violation again") {
    CaseBook old;
    Decided(old, {.id = "C1-first"}, "no_penalty", "2022-08-01");
    Register(old, {.id = "C1-again", .act_date = "2023-09-05"});
    CHECK(JudgeAt(rules, old, "C1-again", accept).code() == "");
  }
  SECTION("a decision after the command's time is not history") {
    CaseBook later;
    Decided(later, {.id = "C1-first"}, "no_penalty", "2023-09-20");
    Register(later, {.id = "C1-again", .act_date = "2023-09-05"});
    CHECK(JudgeAt(rules, later, "C1-again", accept).code() == "");
  }
  SECTION("another party's history does not count") {
    CaseBook other;
    Decided(other, {.id = "C1-first", .party = "91350427MA0000009Z"}, "penalty", "2023-01-10",
            200'000);
    Register(other, {.id = "C1-again", .act_date = "2023-09-05"});
    CHECK(JudgeAt(rules, other, "C1-again", accept).code() == "");
  }
}

TEST_CASE("First violation: same item or same type, as configured", "[penalty]") {
  // SX-NP-013 (AGRI-005) states no scope: the engine option decides.
  CaseBook book;
  Decided(book, {.id = "A4", .item = "AGRI-004"}, "penalty", "2023-05-01", 300'000);
  Register(book, {.id = "A5", .item = "AGRI-005", .act_date = "2023-09-01"});
  PenaltyProposal p;
  p.outcome = "no_penalty";
  p.facts["amount_fen"] = 400'000;
  p.facts["corrected_within_days"] = 3;
  p.leniency = {{"SX-NP-013", true, ""}};
  p.education_record = "x";
  p.correction_ordered = true;
  CHECK(JudgeAt(SampleRules(), book, "A5", p).code() == "");
  EngineOptions same_type;
  same_type.first_violation_scope = "same_type";
  const auto refused = JudgeAt(SampleRules(), book, "A5", p, "2023-09-15T10:00:00+08:00", same_type);
  CHECK(refused.code() == "leniency_not_applicable");
  // The unmet condition's stored note (English) in the message, its text
  // for people (zf/leniency_notes.h) in the Chinese one.
  const Rejection& r = *refused.judgement.rejection;
  CHECK(r.message.find("first_violation: earlier violation decided within") != std::string::npos);
  CHECK(r.message_zh.starts_with("清单条目 SX-NP-013 不适用于本案："));
  CHECK(r.message_zh.find("的违法处理记录（案件 A4）") != std::string::npos);
  CHECK(RejectionMessage(r, Language::kZh) == r.message_zh);
}

// --- Mandatory grounds, answers ---------------------------------------------------

TEST_CASE("An established mandatory no-penalty ground blocks any penalty", "[penalty]") {
  CaseBook book;
  Register(book, {.id = "U3", .item = "URBAN-003"});
  auto p = Fine(600'000);
  p.penalty_types = {"warning", "fine"};
  p.facts["harm_level"] = "none";
  p.facts["corrected_within_days"] = 2;
  const auto blocked = JudgeAt(SampleRules(), book, "U3", p);
  CHECK(blocked.code() == "mandatory_no_penalty");
  CHECK(blocked.judgement.rejection->legal_basis.find("APL art. 33") != std::string::npos);
  // An exclusion defeats the ground.
  p.facts["refused_correction"] = true;
  CHECK(JudgeAt(SampleRules(), book, "U3", p).code() == "");
}

TEST_CASE("Answers only for entries the engine proposed", "[penalty]") {
  CaseBook book;
  Register(book, {.id = "C5"});
  auto p = FirstViolationFacts(Fine(200'000, "general", "", {"warning", "fine"}));
  p.leniency = {{"SX-NP-001", false, "理由"}, {"SX-NP-002", true, ""}};  // URBAN-003's entry
  const auto other_item = JudgeAt(SampleRules(), book, "C5", p);
  CHECK(other_item.code() == "leniency_not_applicable");
  CHECK(other_item.pointer() == "/data/leniency/1/entry_id");
  p.leniency = {{"SX-NP-001", false, "理由"}, {"SX-NP-001", false, "理由"}};
  CHECK(JudgeAt(SampleRules(), book, "C5", p).code() == "leniency_not_applicable");
}

// --- I7: no double fine --------------------------------------------------------------

TEST_CASE("I7: the same act of the same party is fined once, by any subject", "[penalty][i7]") {
  const RuleBook& rules = SampleRules();
  SECTION("same act date, another item: two acts unless linked (act_identity_default)") {
    CaseBook book;
    Decided(book, {.id = "D1", .item = "WATER-004", .act_date = "2023-08-01"}, "penalty",
            "2023-09-01", 3'000'000);
    Register(book, {.id = "D2", .item = "AGRI-005", .act_date = "2023-08-01"});
    // Two violations found on one day are two acts: both may be fined.
    CHECK(JudgeAt(rules, book, "D2", Fine(300'000)).code() == "");
    EngineOptions by_date;
    by_date.act_identity_default = "act_date";
    const auto twice = JudgeAt(rules, book, "D2", Fine(300'000), "2023-09-15T10:00:00+08:00",
                               by_date);
    CHECK(twice.code() == "double_penalty");
    CHECK(twice.judgement.rejection->legal_basis.find("APL art. 29") != std::string::npos);
    // A warning is not a second fine.
    CHECK(JudgeAt(rules, book, "D2", Fine(0, "general", "", {"warning"}),
                  "2023-09-15T10:00:00+08:00", by_date)
              .code() != "double_penalty");
  }
  SECTION("a clue's act_id, or its related case, names the act") {
    CaseBook book;
    Decided(book, {.id = "A1", .item = "WATER-004", .act_date = "2023-08-01", .act_id = "ACT-9"},
            "penalty", "2023-09-01", 3'000'000);
    Register(book, {.id = "A2", .item = "AGRI-005", .act_date = "2023-07-01", .act_id = "ACT-9"});
    Register(book, {.id = "A3", .item = "AGRI-005", .act_date = "2023-08-01", .act_id = "ACT-8"});
    Register(book, {.id = "A4", .item = "AGRI-005", .related_case_id = "A1"});
    CHECK(JudgeAt(rules, book, "A2", Fine(300'000)).code() == "double_penalty");
    CHECK(JudgeAt(rules, book, "A4", Fine(300'000)).code() == "double_penalty");
    // Named acts that differ stay apart even under the act-date rule.
    EngineOptions by_date;
    by_date.act_identity_default = "act_date";
    CHECK(JudgeAt(rules, book, "A3", Fine(300'000), "2023-09-15T10:00:00+08:00", by_date).code() ==
          "");
    const CaseState* a4 = book.FindCase("A4");
    REQUIRE(a4 != nullptr);
    CHECK(ActOf(book, *a4).id == "act:ACT-9");
    CHECK(ActOf(book, *a4).source == "related_case");
  }
  SECTION("another act date is another act") {
    CaseBook book;
    Decided(book, {.id = "D1", .item = "WATER-004", .act_date = "2023-07-01"}, "penalty",
            "2023-09-01", 3'000'000);
    Register(book, {.id = "D2", .item = "AGRI-005", .act_date = "2023-08-01"});
    CHECK(JudgeAt(rules, book, "D2", Fine(300'000)).code() == "");
  }
  SECTION("joint-action findings tell acts apart") {
    CaseBook book;
    Apply(book, Event(book, "joint_action/JA-1", "joint_action_planned", "2023-08-01T08:00:00+08:00",
                      {{"title", "t"},
                       {"area", "area-2"},
                       {"leader", "SX-OF-0001"},
                       {"date", "2023-08-01"},
                       {"participants", boost::json::array{}},
                       {"targets", boost::json::array{"x"}},
                       {"coordination_leader", "SX-OF-0013"}}));
    auto finding = [&](std::string id, std::string item, std::string act_id, std::string case_id) {
      Apply(book, Event(book, "joint_action/JA-1", "joint_finding_recorded",
                        "2023-08-01T10:00:00+08:00",
                        {{"finding_id", id},
                         {"item_code", item},
                         {"party", {{"id", "91350427MA0000001X"}, {"name", "n"}, {"category", "organisation"}}},
                         {"township", "gaosha"},
                         {"competent_subject", "sx-water"},
                         {"act_date", "2023-08-01"},
                         {"act_id", act_id},
                         {"case_id", case_id}}));
    };
    finding("F1", "WATER-004", "ACT-1", "J1");
    finding("F2", "AGRI-005", "ACT-2", "J2");
    finding("F3", "AGRI-005", "ACT-1", "J3");
    Decided(book, {.id = "J1", .item = "WATER-004", .joint_action_id = "JA-1"}, "penalty",
            "2023-09-01", 3'000'000);
    Register(book, {.id = "J2", .item = "AGRI-005", .joint_action_id = "JA-1"});
    Register(book, {.id = "J3", .item = "AGRI-005", .joint_action_id = "JA-1"});
    CHECK(JudgeAt(rules, book, "J2", Fine(300'000)).code() == "");
    CHECK(JudgeAt(rules, book, "J3", Fine(300'000)).code() == "double_penalty");
  }
}

// --- Statutory grounds (APL 30-33) ---------------------------------------------------

TEST_CASE("Statutory grounds: age at the act, counted from the day after the birthday by option",
          "[penalty][statutory]") {
  const RuleBook& rules = SampleRules();
  CaseBook book;
  Register(book, {.id = "Y1", .act_date = "2023-09-01", .category = "natural_person"});
  auto p = Fine(300'000);
  p.facts["party_birth_date"] = "2009-09-01";  // the 14th birthday is the act date
  const auto under = JudgeAt(rules, book, "Y1", p);
  CHECK(under.code() == "mandatory_no_penalty");
  CHECK(under.judgement.rejection->legal_basis.find("第三十条") != std::string::npos);
  CHECK(under.pointer() == "/data/facts/party_birth_date");
  EngineOptions on_birthday;
  on_birthday.age_full_from_day_after_birthday = false;
  const auto fourteen =
      JudgeAt(rules, book, "Y1", p, "2023-09-15T10:00:00+08:00", on_birthday);
  CHECK(fourteen.code() == "lighter_penalty_required");
  const StatutoryGroundsAnswer answer =
      JudgeStatutoryGrounds(book, *book.FindCase("Y1"), p.facts, true);
  REQUIRE(answer.age_at_act);
  CHECK(*answer.age_at_act == 13);
  // An organisation has no age.
  Register(book, {.id = "Y2", .act_date = "2023-09-01"});
  CHECK(JudgeAt(rules, book, "Y2", p).code() == "party_facts_invalid");
}

// --- I8: the law in time -----------------------------------------------------------------------------

TEST_CASE("I8, the law in time: the benchmark of the act date, unless the later one is lighter",
          "[penalty][law_in_time]") {
  CaseBook book;
  Register(book, {.id = "L1", .item = "AGRI-005", .act_date = "2023-03-01"});
  SECTION("a lighter later version applies") {
    const RuleBook rules = RulesWithAgri005V2(200'000, 500'000);
    const auto heavy = JudgeAt(rules, book, "L1", Fine(600'000));
    CHECK(heavy.code() == "fine_above_level");
    const auto ok = JudgeAt(rules, book, "L1", Fine(450'000));
    CHECK(ok.code() == "");
    CHECK(ok.judgement.benchmark_version == 2);
    CHECK(ok.judgement.law_applied == "decision_date");
    CHECK(ok.judgement.evaluation.at("law_in_time").as_object().at("act_version").as_string() ==
          "SX-BM-AGRI-005@1");
  }
  SECTION("a heavier later version does not") {
    const RuleBook rules = RulesWithAgri005V2(300'000, 900'000);
    CHECK(JudgeAt(rules, book, "L1", Fine(800'000)).code() == "fine_above_level");
    const auto ok = JudgeAt(rules, book, "L1", Fine(250'000));
    CHECK(ok.code() == "");
    CHECK(ok.judgement.benchmark_version == 1);
    CHECK(ok.judgement.law_applied == "act_date");
  }
}

TEST_CASE("A penalty needs a benchmark in force", "[penalty]") {
  CaseBook book;
  Register(book, {.id = "N1", .item = "NOPE-001"});
  CHECK(JudgeAt(SampleRules(), book, "N1", Fine(100'000)).code() == "benchmark_missing");
}


// A mitigated entry may substitute a fine for a penalty the statute names
// (SX-BM-AGRI-008 knows no fine); with no fine range in the entry, the fine
// has no statutory range to lie below.
TEST_CASE("A substituted fine where the statute has no fine: no_statutory_fine", "[penalty]") {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, kSample);
  boost::json::object entry;
  for (const Command& c : testing::SampleCommands("04-leniency.jsonl")) {
    if (c.data.as_object().at("entry_id").as_string() == "SX-MP-019") entry = c.data.as_object();
  }
  REQUIRE(!entry.empty());
  entry["entry_id"] = "SX-MP-T08";
  entry["item_code"] = "AGRI-008";
  entry["outcome"] = boost::json::object{{"kind", "mitigated"}, {"substitute_type", "fine"}};
  entry["accompanying"] = boost::json::array{};
  entry["effective_from"] = "2023-06-01";
  auto published = engine->Execute(testing::MakeCommand(
      "publish_leniency_entry", "lp-mp-t08", "2023-05-20T09:00:00+08:00", entry));
  REQUIRE(published.ok());
  INFO((published->rejection ? published->rejection->code : std::string("applied")));
  REQUIRE(published->outcome == CommandResult::Outcome::kApplied);
  const RuleBook rules = testing::Fold(*engine);

  CaseBook book;
  Apply(book, Event(book, "case/A8", "clue_registered", "2023-09-01T09:00:00+08:00",
                    {{"source", "inspection"},
                     {"township", "gaosha"},
                     {"description", "test"},
                     {"discovered_on", "2023-09-01"},
                     {"registered_by_unit", "gaosha"},
                     {"holder", "gaosha"},
                     {"item_code", "AGRI-008"},
                     {"party", {{"id", "350427199001010011"}, {"name", "某村民"}, {"category", "natural_person"}}}}));
  auto p = Fine(100'000, "general", "mitigated");
  p.mitigation_ground = "SX-MP-T08";
  p.facts["harm_removed_proactively"] = true;
  p.facts["harm_level"] = "general";
  const auto judged = JudgeAt(rules, book, "A8", p);
  CHECK(judged.code() == "no_statutory_fine");
  CHECK(judged.pointer() == "/data/fine_fen");
}

}  // namespace
}  // namespace zf

// Engine::ExplainCase: each decision's rule versions with the reference
// event that put them in force (checked against the stored event at that
// position), the party's history for first violation, the fine arithmetic
// and the deadlines with the calendar days that moved them (National Day
// 2023). The case follows scenario 5's SAFE-017 case (gaosha), with the
// same party decided once before in another case.
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "zf/command.h"
#include "zf/engine.h"

namespace zf {
namespace {

using boost::json::array;
using boost::json::object;

const std::vector<std::string> kReference = {
    "01-calendar.jsonl",          "02-org.jsonl",
    "02-permissions.jsonl",       "03-powers.jsonl",
    "04-leniency.jsonl",          "05-benchmarks.jsonl",
    "06-hearing-thresholds.jsonl"};

constexpr const char *kParty =
    R"({"id": "91350427MA0000901X", "name": "沙县某焊接加工厂", "category": "organisation"})";

void Run(Engine& engine, const std::string& id, const std::string& type, const std::string& at,
         const std::string& case_id, const std::string& data,
         const char* actor = R"({"id": "SX-OF-0103", "role": "enforcement_officer", "unit": "gaosha"})") {
  const std::string text = "{\"command\": \"" + type + "\", \"command_id\": \"" + id +
                           "\", \"at\": \"" + at + "\", \"case_id\": \"" + case_id +
                           "\", \"actor\": " + actor + ", \"data\": " + data + "}";
  auto command = CommandFromJson(boost::json::parse(text));
  INFO(id << ": " << command.status().ToString());
  REQUIRE(command.ok());
  auto result = engine.Execute(*command);
  INFO(id << ": " << result.status().ToString());
  REQUIRE(result.ok());
  INFO(id << ": " << (result->rejection ? result->rejection->code + " " + result->rejection->message
                                        : std::string()));
  REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
}

// A penalty case for kParty: registered and filed on `day`, concluded,
// reviewed, notified, re-examined and decided on the dates given.
struct Dates {
  std::string day, concluded, reviewed, notified, re_examined, decided;
};

void PenaltyCase(Engine& engine, const std::string& case_id, const Dates& d,
                 const std::string& leniency) {
  const std::string p = case_id + "-";
  Run(engine, p + "1", "register_clue", d.day + "T08:00:00+08:00", case_id,
      R"({"source": "inspection", "item_code": "SAFE-017", "township": "gaosha", "description": "焊工未建立特种作业人员档案", "discovered_on": ")" +
          d.day + R"(", "act_ended_on": ")" + d.day + R"(", "party": )" + kParty + "}");
  Run(engine, p + "2", "file_case", d.day + "T09:00:00+08:00", case_id,
      R"({"handlers": ["SX-OF-0102", "SX-OF-0103"], "approved_by": "SX-OF-0132"})");
  Run(engine, p + "3", "start_investigation", d.day + "T10:00:00+08:00", case_id, "{}");
  Run(engine, p + "4", "record_evidence", d.day + "T11:00:00+08:00", case_id,
      R"({"evidence_id": "EV-)" + case_id +
          R"(", "category": "on_site_transcript", "officers": ["SX-OF-0102", "SX-OF-0103"], "place": "当事人生产车间", "description": "现场检查笔录", "attachments": [{"name": "xcbl.pdf", "sm3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}], "party_signed": true})");
  const std::string proposal =
      R"("penalty_types": ["warning", "fine"], "fine_fen": 200000, "circumstance_level": "general", "adjustment": "general", "facts": {"harm_level": "slight", "corrected_within_days": 5})" +
      leniency;
  Run(engine, p + "5", "conclude_investigation", d.concluded + "T09:00:00+08:00", case_id,
      R"({"outcome": "penalty", )" + proposal +
          R"(, "report": {"facts": "经查，当事人未建立特种作业人员档案。", "reasoning": "依法应予处罚。"}})");
  Run(engine, p + "6", "submit_case_review", d.reviewed + "T15:00:00+08:00", case_id,
      R"({"result": "pass", "opinion": "同意"})",
      R"({"id": "SX-OF-0133", "role": "case_reviewer", "unit": "gaosha"})");
  Run(engine, p + "7", "serve_pre_decision_notice", d.notified + "T09:00:00+08:00", case_id,
      R"({"method": "direct"})");
  Run(engine, p + "8", "re_examine", d.re_examined + "T09:00:00+08:00", case_id,
      R"({"considered": "当事人未陈述申辩"})");
  Run(engine, p + "9", "make_decision", d.decided + "T09:00:00+08:00", case_id,
      R"({"decision_type": "penalty", "document_number": "高政罚〔2023〕)" + case_id +
          R"(号", )" + proposal +
          R"(, "facts_and_evidence": "现场检查笔录证明当事人未建立特种作业人员档案。", "legal_basis": "《特种作业人员安全技术培训考核管理规定》第三十八条", "correction_order": {"content": "建立特种作业人员档案", "due_on": "2023-11-30"}})");
}

constexpr const char* kPrior = "SX-2023-E0901";
constexpr const char* kCase = "SX-2023-E0902";

std::unique_ptr<Engine> ExplainedEngine() {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, kReference);
  // The prior decision: a first violation then, SX-NP-001 proposed and
  // rejected with reasons.
  PenaltyCase(*engine, kPrior,
              {"2023-06-05", "2023-06-12", "2023-06-13", "2023-06-14", "2023-06-26", "2023-06-27"},
              R"(, "leniency": [{"entry_id": "SX-NP-001", "accepted": false, "reason": "当事人曾拒绝现场整改要求"}])");
  // The case explained: the same party again, across National Day 2023.
  PenaltyCase(*engine, kCase,
              {"2023-09-25", "2023-09-26", "2023-09-26", "2023-09-27", "2023-10-11", "2023-10-12"},
              "");
  return engine;
}

const object* FindDecision(const object& explained, std::string_view type) {
  for (const auto& d : explained.at("decisions").as_array()) {
    if (d.as_object().at("event").as_object().at("type").as_string() == type) {
      return &d.as_object();
    }
  }
  return nullptr;
}

const object* FindRule(const object& decision, std::string_view kind, std::string_view id = "") {
  for (const auto& r : decision.at("rules").as_array()) {
    const object& o = r.as_object();
    if (o.at("kind").as_string() == kind && (id.empty() || o.at("id").as_string() == id)) return &o;
  }
  return nullptr;
}

// Every rule's provenance names the stored reference event that defines it.
void CheckProvenance(Engine& engine, const object& decision) {
  for (const auto& r : decision.at("rules").as_array()) {
    const object& rule = r.as_object();
    const object& p = rule.at("provenance").as_object();
    INFO(boost::json::serialize(rule));
    REQUIRE(p.contains("position"));
    auto stored = engine.store()->ReadEvent(static_cast<std::uint64_t>(p.at("position").as_int64()));
    REQUIRE(stored.ok());
    CHECK(stored->hash == p.at("hash").as_string());
    CHECK(stored->stream == p.at("stream").as_string());
    CHECK(static_cast<std::int64_t>(stored->version) == p.at("version").as_int64());
    CHECK(stored->type == p.at("type").as_string());
  }
}

TEST_CASE("explain: every rule version names the reference event that defines it", "[explain]") {
  auto engine = ExplainedEngine();
  auto explained = engine->ExplainCase(kCase, {});
  INFO(explained.status().ToString());
  REQUIRE(explained.ok());
  INFO(boost::json::serialize(*explained));
  CHECK(explained->at("discrepancies").as_array().empty());

  const object* filed = FindDecision(*explained, "case_filed");
  REQUIRE(filed != nullptr);
  CheckProvenance(*engine, *filed);
  REQUIRE(FindRule(*filed, "power_item", "SAFE-017") != nullptr);
  CHECK(FindRule(*filed, "power_item", "SAFE-017")->at("agrees").as_bool());
  CHECK(FindRule(*filed, "delegation") != nullptr);  // SAFE-017 is delegated to gaosha
  REQUIRE(FindRule(*filed, "acceptance") != nullptr);
  CHECK(FindRule(*filed, "acceptance")->at("accepted").as_bool());
  CHECK(filed->at("inputs").as_object().at("competence").as_object().at("agrees").as_bool());

  const object* decided = FindDecision(*explained, "decision_made");
  REQUIRE(decided != nullptr);
  CheckProvenance(*engine, *decided);
  const object* benchmark = FindRule(*decided, "benchmark", "SX-BM-SAFE-017");
  REQUIRE(benchmark != nullptr);
  CHECK(benchmark->at("agrees").as_bool());
  const object* entry = FindRule(*decided, "leniency_entry", "SX-NP-001");
  REQUIRE(entry != nullptr);
  CHECK(entry->at("status").as_string() == "not_eligible");
  CHECK(FindRule(*decided, "hearing_threshold") != nullptr);

  const object* concluded = FindDecision(*explained, "investigation_concluded");
  REQUIRE(concluded != nullptr);
  CheckProvenance(*engine, *concluded);
}

TEST_CASE("explain: the computation is the decision's amount, inside its range", "[explain]") {
  auto engine = ExplainedEngine();
  auto explained = engine->ExplainCase(kCase, {});
  REQUIRE(explained.ok());
  const object* decided = FindDecision(*explained, "decision_made");
  REQUIRE(decided != nullptr);
  INFO(boost::json::serialize(*decided));

  // The stored decision event.
  const auto& ev = decided->at("event").as_object();
  auto stored = engine->store()->ReadEvent(static_cast<std::uint64_t>(ev.at("position").as_int64()));
  REQUIRE(stored.ok());
  CHECK(stored->hash == ev.at("hash").as_string());
  const std::int64_t amount = stored->data.as_object().at("fine_fen").as_int64();

  const object& computation = decided->at("computation").as_object();
  CHECK(computation.at("fine_fen").as_int64() == amount);
  const object& fine = computation.at("fine").as_object();
  CHECK(fine.at("fine_fen").as_int64() == amount);
  CHECK(fine.at("allowed_min_fen").as_int64() <= amount);
  CHECK(amount <= fine.at("allowed_max_fen").as_int64());
  CHECK(fine.at("inside").as_bool());
  CHECK(fine.at("statutory_min_fen").as_int64() <= fine.at("allowed_min_fen").as_int64());
  CHECK(fine.at("allowed_max_fen").as_int64() <= fine.at("statutory_max_fen").as_int64());
  // The hearing threshold compared with the amount.
  const object& hearing = computation.at("hearing").as_object();
  CHECK(hearing.at("fine_fen").as_int64() == amount);
  CHECK(hearing.at("eligible").as_bool() ==
        (amount >= hearing.at("threshold_fine_fen").as_int64()));

  // First violation: the prior decision in the other case was found and
  // counted, as the decision recorded.
  const object& history =
      decided->at("inputs").as_object().at("party_history").as_object();
  CHECK_FALSE(history.at("first_violation").as_bool());
  bool found = false;
  for (const auto& p : history.at("prior_decisions").as_array()) {
    const object& o = p.as_object();
    if (o.at("case_id").as_string() != kPrior) continue;
    found = true;
    CHECK(o.at("decided_on").as_string() == "2023-06-27");
    CHECK(o.at("subject").as_string() == "gaosha");
    CHECK(o.at("within_lookback").as_bool());
    CHECK(o.at("counts").as_bool());
  }
  CHECK(found);
  REQUIRE(history.at("recorded_prior_violations").as_array().size() == 1);
  CHECK(history.at("recorded_prior_violations").as_array()[0].as_string() == kPrior);
}

TEST_CASE("explain: deadlines list the holidays and make-up workdays that moved them",
          "[explain]") {
  auto engine = ExplainedEngine();
  auto explained = engine->ExplainCase(kCase, {});
  REQUIRE(explained.ok());
  INFO(boost::json::serialize(explained->at("deadlines")));
  bool holiday_moved = false;
  bool makeup_counted = false;
  std::set<std::string> ids;
  for (const auto& d : explained->at("deadlines").as_array()) {
    const object& o = d.as_object();
    ids.insert(std::string(o.at("id").as_string()));
    if (!o.contains("skipped")) continue;
    for (const auto& s : o.at("skipped").as_array()) {
      const object& day = s.as_object();
      if (day.at("date").as_string() == "2023-10-02" && day.at("kind").as_string() == "holiday") {
        holiday_moved = true;
        // The due date lies after the holiday it skipped.
        CHECK(o.at("due_on").as_string() > std::string("2023-10-02"));
      }
    }
    for (const auto& s : o.at("makeup_workdays").as_array()) {
      if (s.as_object().at("date").as_string() == "2023-10-07") makeup_counted = true;
    }
    // The calendar years it used, each with its reference event.
    for (const auto& y : o.at("calendar").as_array()) {
      const object& p = y.as_object().at("provenance").as_object();
      auto stored = engine->store()->ReadEvent(static_cast<std::uint64_t>(p.at("position").as_int64()));
      REQUIRE(stored.ok());
      CHECK(stored->hash == p.at("hash").as_string());
    }
  }
  CHECK(holiday_moved);
  CHECK(makeup_counted);
  CHECK(ids.contains("D2"));
  CHECK(ids.contains("D9"));
  CHECK(ids.contains("D12"));
}

TEST_CASE("explain: as of an earlier position, and an unknown case", "[explain]") {
  auto engine = ExplainedEngine();
  auto now = engine->ExplainCase(kCase, {});
  REQUIRE(now.ok());
  const object* decided = FindDecision(*now, "decision_made");
  REQUIRE(decided != nullptr);
  const std::int64_t position = decided->at("event").as_object().at("position").as_int64();

  // Replayed just before the decision: the decision is not there yet, and
  // the provenance (folded from stored events) is the same.
  AsOf before;
  before.position = static_cast<std::uint64_t>(position - 1);
  auto then = engine->ExplainCase(kCase, before);
  REQUIRE(then.ok());
  CHECK(FindDecision(*then, "decision_made") == nullptr);
  const object* concluded = FindDecision(*then, "investigation_concluded");
  REQUIRE(concluded != nullptr);
  CheckProvenance(*engine, *concluded);
  CHECK(boost::json::serialize(concluded->at("rules")) ==
        boost::json::serialize(FindDecision(*now, "investigation_concluded")->at("rules")));

  auto missing = engine->ExplainCase("SX-2023-NOPE", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

TEST_CASE("explain: a rule recorded later but in force at the decision is an audit signal",
          "[explain]") {
  auto engine = ExplainedEngine();
  auto before = engine->ExplainCase(kCase, {});
  REQUIRE(before.ok());
  REQUIRE(before->at("discrepancies").as_array().empty());
  // A first version may record a rule already in force: published in
  // November, in force since January — so in force when the case was
  // decided, though the decision could not have judged it.
  boost::json::object entry;
  for (const Command& c : testing::SampleCommands("04-leniency.jsonl")) {
    if (c.data.as_object().at("entry_id").as_string() == "SX-NP-001") entry = c.data.as_object();
  }
  REQUIRE(!entry.empty());
  entry["entry_id"] = "SX-NP-901";
  entry["effective_from"] = "2023-01-01";
  auto published = engine->Execute(testing::MakeCommand("publish_leniency_entry", "np-901",
                                                        "2023-11-01T09:00:00+08:00", entry));
  REQUIRE(published.ok());
  REQUIRE(published->outcome == CommandResult::Outcome::kApplied);

  auto after = engine->ExplainCase(kCase, {});
  REQUIRE(after.ok());
  const array& signals = after->at("discrepancies").as_array();
  INFO(boost::json::serialize(signals));
  bool named = false;
  for (const auto& s : signals) {
    const std::string text(s.as_string());
    if (text.find("SX-NP-901") != std::string::npos && text.find("decision_made") != std::string::npos) {
      named = true;
    }
  }
  CHECK(named);
  // As of before the publication, the log had no such signal.
  AsOf then;
  then.time = "2023-10-31";
  auto earlier = engine->ExplainCase(kCase, then);
  REQUIRE(earlier.ok());
  CHECK(earlier->at("discrepancies").as_array().empty());
}


// Every "adjustment" member under `v`, with the JSON pointer it is at.
void CollectAdjustments(const boost::json::value& v, const std::string& at,
                        std::vector<std::pair<std::string, const boost::json::value*>>* out) {
  if (const object* o = v.if_object()) {
    for (const auto& member : *o) {
      const std::string here = at + "/" + std::string(member.key());
      if (member.key() == "adjustment") out->push_back({here, &member.value()});
      CollectAdjustments(member.value(), here, out);
    }
  } else if (const array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      CollectAdjustments((*a)[i], at + "/" + std::to_string(i), out);
    }
  }
}

bool ValidUtf8(std::string_view s) {
  boost::system::error_code ec;
  boost::json::parse("\"" + std::string(s) + "\"", ec);  // no quote or control byte is expected
  return !ec;
}

// The explain's adjustment was a view of a temporary (issue 14 §2): in a
// release build it printed stack bytes for the sample's decisions without
// an adjustment (E0001…E0006), under ASan every explain failed. Each must
// be the decision's own adjustment, or "general" when it gives none.
TEST_CASE("explain: the adjustment of each sample decision is the decision's own",
          "[explain][sample]") {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                             "04-leniency.jsonl", "05-benchmarks.jsonl",
                             "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl",
                             "08-cases-2023.jsonl"});
  // The adjustment each case's decision command gave, "" for none.
  std::map<std::string, std::string> given;
  for (const Command& c : testing::SampleCommands("08-cases-2023.jsonl")) {
    if (c.type != "make_decision" && c.type != "issue_on_spot_decision") continue;
    const object& data = c.data.as_object();
    const auto* a = data.if_contains("adjustment");
    given[c.target] = a != nullptr ? std::string(a->as_string()) : "";
  }
  for (const std::string case_id :
       {"SX-2023-E0001", "SX-2023-E0002", "SX-2023-E0003", "SX-2023-E0004", "SX-2023-E0005",
        "SX-2023-E0006", "SX-2023-E0010", "SX-2023-S0001", "SX-2023-S0016"}) {
    INFO(case_id);
    REQUIRE(given.contains(case_id));
    const std::string want = given[case_id].empty() ? "general" : given[case_id];
    auto explained = engine->ExplainCase(case_id, {});
    REQUIRE(explained.ok());
    std::vector<std::pair<std::string, const boost::json::value*>> found;
    CollectAdjustments(explained->at("decisions"), "/decisions", &found);
    CHECK_FALSE(found.empty());
    for (const auto& [pointer, value] : found) {
      INFO(pointer);
      REQUIRE(value->is_string());
      CHECK(ValidUtf8(value->as_string()));
      CHECK(value->as_string() == want);
    }
  }
  // The sample has both: decisions that name an adjustment and some that
  // leave it to the default.
  CHECK(given["SX-2023-E0001"].empty());
  CHECK(given["SX-2023-S0001"] == "mitigated");

  // Issue 15 items 3 and 2: the statutory ground the facts establish (harm
  // removed proactively, APL 32(1)) and the act the case records (its own,
  // no other case of the party records it).
  auto explained = engine->ExplainCase("SX-2023-S0001", {});
  REQUIRE(explained.ok());
  const object* decided = FindDecision(*explained, "decision_made");
  REQUIRE(decided != nullptr);
  const object& computation = decided->at("computation").as_object();
  INFO(boost::json::serialize(computation));
  REQUIRE(computation.contains("statutory_grounds"));
  const array& grounds =
      computation.at("statutory_grounds").as_object().at("grounds").as_array();
  REQUIRE(grounds.size() == 1);
  CHECK(grounds[0].as_object().at("ground").as_string() == "APL32.1");
  CHECK(grounds[0].as_object().at("effect").as_string() == "lighter_or_mitigated");
  CHECK(std::string(grounds[0].as_object().at("basis").as_string()).find("第三十二条") !=
        std::string::npos);
  const object& act = computation.at("act").as_object();
  CHECK(act.at("act_id").as_string() == "case:SX-2023-S0001");
  CHECK(act.at("source").as_string() == "own");
  CHECK(act.at("same_act_cases").as_array().empty());
  // A decision on no statutory fact shows none.
  auto plain = engine->ExplainCase("SX-2023-E0001", {});
  REQUIRE(plain.ok());
  const object* plain_decided = FindDecision(*plain, "decision_made");
  REQUIRE(plain_decided != nullptr);
  CHECK_FALSE(plain_decided->at("computation").as_object().contains("statutory_grounds"));
}

}  // namespace
}  // namespace zf

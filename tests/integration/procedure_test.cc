// The ordinary procedure (docs/domain.md, Ordinary procedure–Invariants) under the policy options of
// EngineOptions, and the D9 clock arithmetic the procedure folds. The
// workflow itself is exercised by tests/scenarios/07-, 08-, 09-, 14-*.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "domain/procedure_state.h"
#include "support/engine_fixtures.h"
#include "zf/engine.h"

namespace zf {
namespace {

using zf::testing::BareEngine;
using zf::testing::LoadAll;

const std::vector<std::string> kReferenceFiles = {
    "01-calendar.jsonl",          "02-org.jsonl",
    "02-permissions.jsonl",       "03-powers.jsonl",
    "04-leniency.jsonl",          "05-benchmarks.jsonl",
    "06-hearing-thresholds.jsonl"};

const boost::json::object kEco{
    {"id", "SX-OF-0054"}, {"role", "enforcement_officer"}, {"unit", "sx-eco"}};
const boost::json::object kReviewer{{"id", "SX-OF-0052"}, {"role", "case_reviewer"}, {"unit", "sx-eco"}};
const char* kCase = "SX-2023-T0001";

class Procedure {
 public:
  explicit Procedure(EngineOptions options = {}) : engine_(BareEngine(std::move(options))) {
    LoadAll(*engine_, kReferenceFiles);
  }

  // Runs one command on the test case; the result must be judged (applied
  // or rejected).
  CommandResult Run(std::string type, std::string day, boost::json::object data,
                    const boost::json::object& actor = kEco) {
    boost::json::object envelope{{"command", type},
                                 {"command_id", "t-" + std::to_string(++n_)},
                                 {"at", day + "T09:00:00+08:00"},
                                 {"actor", actor},
                                 {"case_id", kCase},
                                 {"data", std::move(data)}};
    auto command = CommandFromJson(envelope);
    INFO(command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine_->Execute(*command);
    REQUIRE(result.ok());
    return *result;
  }

  void Applied(std::string type, std::string day, boost::json::object data,
               const boost::json::object& actor = kEco) {
    CommandResult r = Run(type, day, std::move(data), actor);
    INFO(type << ": " << (r.rejection ? r.rejection->code + ": " + r.rejection->message : ""));
    REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  }

  std::string Rejected(std::string type, std::string day, boost::json::object data,
                       const boost::json::object& actor = kEco) {
    CommandResult r = Run(type, day, std::move(data), actor);
    REQUIRE(r.rejection);
    return r.rejection->code;
  }

  // ECO-002 for an organisation, filed 2023-09-04 and investigating.
  void Investigating() {
    Applied("register_clue", "2023-09-01",
            {{"source", "inspection"},
             {"item_code", "ECO-002"},
             {"township", "gaosha"},
             {"description", "超标排放"},
             {"discovered_on", "2023-09-01"},
             {"party",
              {{"id", "91350427MA000T001X"}, {"name", "沙县某测试有限公司"}, {"category", "organisation"}}}});
    Applied("file_case", "2023-09-04",
            {{"handlers", {"SX-OF-0054", "SX-OF-0055"}}, {"approved_by", "SX-OF-0174"}});
    Applied("start_investigation", "2023-09-04", {});
  }

  boost::json::object Evidence(std::string id, boost::json::array officers) {
    return {{"evidence_id", id},
            {"category", "on_site_transcript"},
            {"officers", std::move(officers)},
            {"party_signed", true}};
  }

  // Concluded with a 50,000-yuan fine, reviewed: pre_notice.
  void PreNotice() {
    Investigating();
    Applied("record_evidence", "2023-09-05", Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
    Applied("conclude_investigation", "2023-09-20",
            {{"outcome", "penalty"},
             {"penalty_types", {"fine"}},
             {"fine_fen", 5000000},
             {"circumstance_level", "general"},
             {"adjustment", "general"},
             {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}});
    Applied("submit_case_review", "2023-09-21", {{"result", "pass"}, {"opinion", "同意"}},
            kReviewer);
  }

  // A command that targets no case (e.g. a power-list change).
  void AppliedGlobal(std::string type, std::string day, boost::json::object data,
                     const boost::json::object& actor) {
    boost::json::object envelope{{"command", type},
                                 {"command_id", "t-" + std::to_string(++n_)},
                                 {"at", day + "T08:00:00+08:00"},
                                 {"actor", actor},
                                 {"data", std::move(data)}};
    auto command = CommandFromJson(envelope);
    INFO(command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine_->Execute(*command);
    REQUIRE(result.ok());
    INFO(type << ": " << (result->rejection ? result->rejection->message : ""));
    REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
  }

  // The types of the events the case stream ends with (the last `n`).
  std::vector<std::string> LastEventTypes(std::size_t n) {
    std::vector<std::string> types;
    auto cursor = engine_->store()->ReadStream(std::string("case/") + kCase, UINT64_MAX,
                                               Direction::kBackward);
    for (; cursor->Valid() && types.size() < n; cursor->Next()) {
      types.insert(types.begin(), cursor->event().type);
    }
    return types;
  }

  boost::json::object LastEventData() {
    auto cursor = engine_->store()->ReadStream(std::string("case/") + kCase, UINT64_MAX,
                                               Direction::kBackward);
    REQUIRE(cursor->Valid());
    return cursor->event().data.as_object();
  }

 private:
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

TEST_CASE("D9: an open pause counts up to the day asked, extensions and the collective end date",
          "[procedure]") {
  internal::DecisionClock clock;
  const Date filed{2023, 9, 12};
  auto due = clock.DueOn(filed, 90, Date{2023, 9, 13});
  REQUIRE(due.ok());
  CHECK(*due == Date{2023, 12, 11});
  clock.paused_since = Date{2023, 10, 10};
  due = clock.DueOn(filed, 90, Date{2023, 10, 18});
  REQUIRE(due.ok());
  CHECK(*due == Date{2023, 12, 19});
  clock.paused_since.reset();
  clock.pauses.push_back({Date{2023, 10, 10}, Date{2023, 10, 18}});
  clock.extensions.push_back({Date{2023, 12, 1}, 30});
  due = clock.DueOn(filed, 90, Date{2023, 12, 2});
  REQUIRE(due.ok());
  CHECK(*due == Date{2024, 1, 18});
  clock.extended_until = Date{2024, 2, 29};
  due = clock.DueOn(filed, 90, Date{2024, 1, 10});
  REQUIRE(due.ok());
  CHECK(*due == Date{2024, 2, 29});
  // An extension approved after the due date in force is a breach already.
  internal::DecisionClock late;
  late.extensions.push_back({Date{2023, 12, 12}, 30});
  CHECK_FALSE(late.DueOn(filed, 90, Date{2023, 12, 12}).ok());
}

TEST_CASE("statement_period_working_days sets D6, D7 stays 5 working days", "[procedure]") {
  EngineOptions options;
  options.statement_period_working_days = 3;
  Procedure p(options);
  p.PreNotice();
  p.Applied("serve_pre_decision_notice", "2023-09-27", {{"method", "direct"}});
  const boost::json::object notice = p.LastEventData();
  // 28 Sep, then 7 and 8 Oct (make-up workdays) across the National Day holiday.
  CHECK(notice.at("statement_due_on") == "2023-10-08");
  CHECK(notice.at("hearing_request_due_on") == "2023-10-10");
}

TEST_CASE("decision_limit_days and decision_extension_days drive D9", "[procedure]") {
  EngineOptions options;
  options.decision_limit_days = 60;
  options.decision_extension_days = 15;
  Procedure p(options);
  p.Investigating();
  // Filed 2023-09-04 + 60 days.
  p.Applied("extend_decision_deadline", "2023-10-20",
            {{"kind", "head_approval"}, {"approved_by", "SX-OF-0174"}, {"reason", "复杂"}});
  const boost::json::object ext = p.LastEventData();
  CHECK(ext.at("previous_due_on") == "2023-11-03");
  CHECK(ext.at("due_on") == "2023-11-18");
  CHECK(ext.at("days") == 15);
}

TEST_CASE("notice_required_for_no_penalty: a no-penalty decision then needs the notice",
          "[procedure]") {
  boost::json::object no_penalty{{"outcome", "no_penalty"},
                                 {"penalty_types", boost::json::array()},
                                 {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}};
  boost::json::object decision{{"decision_type", "no_penalty"},
                               {"document_number", "明环不罚〔2023〕9号"},
                               {"facts_and_evidence", "事实"},
                               {"legal_basis", "APL 33"},
                               {"education_record", "教育记录"},
                               {"correction_order", {{"content", "改正"}}}};
  for (bool required : {false, true}) {
    DYNAMIC_SECTION("required=" << required) {
      EngineOptions options;
      options.notice_required_for_no_penalty = required;
      Procedure p(options);
      p.Investigating();
      p.Applied("record_evidence", "2023-09-05", p.Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
      p.Applied("conclude_investigation", "2023-09-20", no_penalty);
      if (required) {
        CHECK(p.Rejected("make_decision", "2023-09-21", decision) == "notice_not_served");
      } else {
        p.Applied("make_decision", "2023-09-21", decision);
      }
    }
  }
}

TEST_CASE("cross_subject_evidence_allowed: joint-action evidence by another agency's officer",
          "[procedure]") {
  for (bool allowed : {true, false}) {
    DYNAMIC_SECTION("allowed=" << allowed) {
      EngineOptions options;
      options.cross_subject_evidence_allowed = allowed;
      Procedure p(options);
      p.Investigating();
      boost::json::object ev = p.Evidence("EV-J", {"SX-OF-0054", "SX-OF-0032"});
      ev["joint_action_id"] = "JA-2023-0009";
      if (allowed) {
        p.Applied("record_evidence", "2023-09-05", ev);
        CHECK(p.LastEventData().at("collected_by_agencies").as_array().front() == "sx-market");
      } else {
        CHECK(p.Rejected("record_evidence", "2023-09-05", ev) == "credential_invalid");
      }
      // Without a joint action the officer of another agency never counts.
      ev.erase("joint_action_id");
      ev["evidence_id"] = "EV-K";
      CHECK(p.Rejected("record_evidence", "2023-09-06", ev) == "credential_invalid");
    }
  }
}

TEST_CASE("hearing_notice_min_working_days sets D8", "[procedure]") {
  EngineOptions options;
  options.hearing_notice_min_working_days = 3;
  Procedure p(options);
  p.Investigating();
  p.Applied("record_evidence", "2023-09-05", p.Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
  // 120,000 yuan at the serious level: hearing-eligible for an organisation.
  p.Applied("conclude_investigation", "2023-09-20",
            {{"outcome", "penalty"},
             {"penalty_types", {"fine"}},
             {"fine_fen", 12000000},
             {"circumstance_level", "serious"},
             {"adjustment", "general"},
             {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}});
  p.Applied("submit_case_review", "2023-09-21", {{"result", "pass"}, {"opinion", "同意"}}, kReviewer);
  p.Applied("serve_pre_decision_notice", "2023-09-25", {{"method", "direct"}});
  p.Applied("request_hearing", "2023-09-26", {});
  // Wed 10-11 -> Mon 10-16: 12, 13 lie between (2 < 3); Tue 10-17: 3.
  CHECK(p.Rejected("serve_hearing_notice", "2023-10-11",
                   {{"hearing_on", "2023-10-16"}, {"presiding_officer", "SX-OF-0176"}}) ==
        "hearing_notice_too_short");
  p.Applied("serve_hearing_notice", "2023-10-11",
            {{"hearing_on", "2023-10-17"}, {"presiding_officer", "SX-OF-0176"}});
  CHECK(p.LastEventData().at("working_days_between") == 3);
}

TEST_CASE("J4 at the decision: filer_keeps_case_on_item_change", "[procedure][j4]") {
  const boost::json::object gaosha{
      {"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}};
  const boost::json::object admin{
      {"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}};
  const boost::json::object facts{{"harm_level", "slight"}, {"corrected_within_days", 5}};
  const boost::json::array leniency{
      boost::json::object{{"entry_id", "SX-NP-001"}, {"accepted", true}}};
  boost::json::object decision{{"decision_type", "no_penalty"},
                               {"document_number", "高政不罚〔2023〕9号"},
                               {"penalty_types", boost::json::array()},
                               {"facts", facts},
                               {"leniency", leniency},
                               {"facts_and_evidence", "首次违法，危害后果轻微并及时改正"},
                               {"legal_basis", "《中华人民共和国行政处罚法》第三十三条第一款"},
                               {"education_record", "高砂教〔2023〕9号"},
                               {"correction_order", {{"content", "建立特种作业人员档案"}}}};
  for (bool keeps : {true, false}) {
    DYNAMIC_SECTION("filer_keeps_case_on_item_change=" << keeps) {
      EngineOptions options;
      options.filer_keeps_case_on_item_change = keeps;
      Procedure p(options);
      // SAFE-017, delegated to and accepted by gaosha, filed by gaosha.
      p.Applied("register_clue", "2023-09-11",
                {{"source", "inspection"},
                 {"item_code", "SAFE-017"},
                 {"township", "gaosha"},
                 {"description", "焊工未建立特种作业人员档案"},
                 {"discovered_on", "2023-09-11"},
                 {"party",
                  {{"id", "91350427MA000J401X"}, {"name", "沙县某焊接有限公司"},
                   {"category", "organisation"}}}},
                gaosha);
      p.Applied("file_case", "2023-09-12",
                {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}},
                gaosha);
      p.Applied("start_investigation", "2023-09-12", {}, gaosha);
      p.Applied("record_evidence", "2023-09-13", p.Evidence("EV-1", {"SX-OF-0102", "SX-OF-0103"}),
                gaosha);
      p.Applied("conclude_investigation", "2023-09-18",
                {{"outcome", "no_penalty"},
                 {"penalty_types", boost::json::array()},
                 {"facts", facts},
                 {"leniency", leniency},
                 {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}},
                gaosha);
      // The delegation is withdrawn after the filing.
      p.AppliedGlobal("withdraw_delegation", "2023-09-19",
                      {{"batch", "sx-2022-1"},
                       {"effective_from", "2023-09-20"},
                       {"reason", "收回部分赋权事项"},
                       {"townships", {"gaosha"}},
                       {"items", {"SAFE-017"}}},
                      admin);
      if (keeps) {
        p.Applied("make_decision", "2023-09-21", decision, gaosha);
        CHECK(p.LastEventTypes(2) ==
              std::vector<std::string>{"competence_warning_raised", "decision_made"});
        CHECK(p.LastEventData().at("issuer_name") == "三明市沙县区高砂镇人民政府");
      } else {
        CHECK(p.Rejected("make_decision", "2023-09-21", decision, gaosha) ==
              "subject_not_competent");
      }
    }
  }
}

TEST_CASE("decision_approval_required: the decision names the agency head who approved it",
          "[procedure][apl57]") {
  boost::json::object no_penalty{{"outcome", "no_penalty"},
                                 {"penalty_types", boost::json::array()},
                                 {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}};
  boost::json::object decision{{"decision_type", "no_penalty"},
                               {"document_number", "明环不罚〔2023〕10号"},
                               {"facts_and_evidence", "事实"},
                               {"legal_basis", "APL 33"},
                               {"education_record", "教育记录"},
                               {"correction_order", {{"content", "改正"}}}};
  const boost::json::object head{
      {"id", "SX-OF-0174"}, {"role", "agency_head"}, {"unit", "sx-eco"}};
  for (bool required : {false, true}) {
    DYNAMIC_SECTION("required=" << required) {
      EngineOptions options;
      options.decision_approval_required = required;
      Procedure p(options);
      p.Investigating();
      p.Applied("record_evidence", "2023-09-05", p.Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
      p.Applied("conclude_investigation", "2023-09-20", no_penalty);
      // Another agency's head never approves it, required or not.
      boost::json::object foreign = decision;
      foreign["approved_by"] = "SX-OF-0132";
      CHECK(p.Rejected("make_decision", "2023-09-21", foreign) == "approver_not_head");
      if (required) {
        CHECK(p.Rejected("make_decision", "2023-09-21", decision) == "approval_required");
        SECTION("the head in person") { p.Applied("make_decision", "2023-09-21", decision, head); }
        SECTION("an officer for the head") {
          boost::json::object approved = decision;
          approved["approved_by"] = "SX-OF-0174";
          p.Applied("make_decision", "2023-09-21", approved);
          CHECK(p.LastEventData().at("approved_by") == "SX-OF-0174");
        }
      } else {
        p.Applied("make_decision", "2023-09-21", decision);
        CHECK_FALSE(p.LastEventData().contains("approved_by"));
      }
    }
  }
}

TEST_CASE("reconsideration_by_issuer_from: a city-level unit's decisions go to the city government",
          "[procedure][i10]") {
  boost::json::object no_penalty{{"outcome", "no_penalty"},
                                 {"penalty_types", boost::json::array()},
                                 {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}};
  boost::json::object decision{{"decision_type", "no_penalty"},
                               {"document_number", "明环不罚〔2023〕11号"},
                               {"facts_and_evidence", "事实"},
                               {"legal_basis", "APL 33"},
                               {"education_record", "教育记录"},
                               {"correction_order", {{"content", "改正"}}}};
  for (std::string from : {std::string("2024-01-01"), std::string("2023-01-01")}) {
    DYNAMIC_SECTION("from " << from) {
      EngineOptions options;
      options.reconsideration_by_issuer_from = from;
      Procedure p(options);
      p.Investigating();
      p.Applied("record_evidence", "2023-09-05", p.Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
      p.Applied("conclude_investigation", "2023-09-20", no_penalty);
      p.Applied("make_decision", "2023-09-21", decision);
      const boost::json::object relief = p.LastEventData().at("relief").as_object();
      // sx-eco decides in the name of 三明市生态环境局 (level city).
      CHECK(relief.at("reconsideration_body") ==
            (from == "2023-01-01" ? "三明市人民政府" : "三明市沙县区人民政府"));
    }
  }
}

TEST_CASE("publication_required_for: which decisions must be published, and in how many days",
          "[procedure][apl48]") {
  boost::json::object no_penalty{{"outcome", "no_penalty"},
                                 {"penalty_types", boost::json::array()},
                                 {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}};
  boost::json::object decision{{"decision_type", "no_penalty"},
                               {"document_number", "明环不罚〔2023〕12号"},
                               {"facts_and_evidence", "事实"},
                               {"legal_basis", "APL 33"},
                               {"education_record", "教育记录"},
                               {"correction_order", {{"content", "改正"}}}};
  for (bool listed : {false, true}) {
    DYNAMIC_SECTION("no_penalty listed=" << listed) {
      EngineOptions options;
      if (listed) options.publication_required_for = {"penalty", "no_penalty"};
      Procedure p(options);
      // The sample's matrix (version 1) grants no publication: version 2
      // adds it, as a deployment would (docs/events.md, "Who acts").
      boost::json::object grants;
      {
        std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/02-permissions.jsonl");
        std::string line;
        REQUIRE(std::getline(in, line));
        grants = boost::json::parse(line).at("data").at("grants").as_object();
      }
      grants["publish_decision"] = boost::json::array{"enforcement_officer"};
      p.AppliedGlobal("publish_permission_matrix", "2023-09-01",
                      {{"effective_from", "2023-09-02"},
                       {"grants", std::move(grants)},
                       {"basis", "测试用权限矩阵第2版"}},
                      {{"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}});
      p.Investigating();
      p.Applied("record_evidence", "2023-09-05", p.Evidence("EV-1", {"SX-OF-0054", "SX-OF-0055"}));
      p.Applied("conclude_investigation", "2023-09-20", no_penalty);
      p.Applied("make_decision", "2023-09-21", decision);
      p.Applied("publish_decision", "2023-09-22", {{"channel", "三明市人民政府门户网站"}});
      const boost::json::object published = p.LastEventData();
      CHECK(published.at("decision_kind") == "no_penalty");
      CHECK(published.at("required") == listed);
      // Doc 118: another enforcement decision within 20 working days (the
      // National Day holiday skipped, its make-up weekend counted).
      CHECK(published.contains("due_on") == listed);
      if (listed) CHECK(published.at("due_on") == "2023-10-25");
    }
  }
}

// The sample with sx-eco's legal name and, optionally, its issuing
// government replaced: the reconsideration body must follow the typed fact,
// not the text of the name.
std::unique_ptr<Engine> EcoRegisteredAs(const std::string& legal_name,
                                        const std::string& government) {
  auto engine = BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl"});
  std::vector<Command> org = zf::testing::SampleCommands("02-org.jsonl");
  for (Command& c : org) {
    auto& data = c.data.as_object();
    if (c.type != "register_department" || data.at("department_id") != "sx-eco") continue;
    data["legal_name"] = legal_name;
    if (!government.empty()) data["issuing_government"] = government;
  }
  auto results = engine->ExecuteBatch(org, BatchMode::kAtomic);
  REQUIRE(results.ok());
  for (const auto& r : *results) {
    REQUIRE(r.ok());
    REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
  }
  LoadAll(*engine, {"03-powers.jsonl", "04-leniency.jsonl", "05-benchmarks.jsonl",
                    "06-hearing-thresholds.jsonl"});
  return engine;
}

TEST_CASE("issuing_government: the relief names the government the org data records",
          "[procedure][i10]") {
  const std::string steps[][3] = {
      {"register_clue", "2024-09-02",
       R"({"source":"inspection","item_code":"ECO-002","township":"gaosha","description":"超标排放",)"
       R"("discovered_on":"2024-09-02","party":{"id":"91350427MA000T002X","name":"沙县某测试有限公司",)"
       R"("category":"organisation"}})"},
      {"file_case", "2024-09-03", R"({"handlers":["SX-OF-0054","SX-OF-0055"],"approved_by":"SX-OF-0174"})"},
      {"start_investigation", "2024-09-03", "{}"},
      {"record_evidence", "2024-09-04",
       R"({"evidence_id":"EV-1","category":"on_site_transcript","officers":["SX-OF-0054","SX-OF-0055"],)"
       R"("party_signed":true})"},
      {"conclude_investigation", "2024-09-05",
       R"({"outcome":"no_penalty","penalty_types":[],"report":{"facts":"事实","reasoning":"理由"}})"},
      {"make_decision", "2024-09-06",
       R"({"decision_type":"no_penalty","document_number":"明环不罚〔2024〕1号","facts_and_evidence":"事实",)"
       R"("legal_basis":"APL 33","education_record":"教育记录","correction_order":{"content":"改正"}})"}};
  // A legal name the text rule reads wrongly (up to its first 市).
  const std::string name = "福建省三明市生态环境局";
  for (std::string government : {std::string(), std::string("三明市人民政府")}) {
    DYNAMIC_SECTION("issuing_government=" << government) {
      auto engine = EcoRegisteredAs(name, government);
      int n = 0;
      for (const auto& [type, day, data] : steps) {
        boost::json::object envelope{{"command", type},
                                     {"command_id", "i10-" + std::to_string(++n)},
                                     {"at", day + "T09:00:00+08:00"},
                                     {"actor", kEco},
                                     {"case_id", "SX-2024-T0010"},
                                     {"data", boost::json::parse(data)}};
        auto command = CommandFromJson(envelope);
        REQUIRE(command.ok());
        auto result = engine->Execute(*command);
        REQUIRE(result.ok());
        INFO(type << (result->rejection ? ": " + result->rejection->message : ""));
        REQUIRE(result->outcome == CommandResult::Outcome::kApplied);
      }
      auto cursor = engine->store()->ReadStream("case/SX-2024-T0010", UINT64_MAX,
                                                Direction::kBackward);
      REQUIRE(cursor->Valid());
      const auto& relief = cursor->event().data.at("relief").as_object();
      CHECK(relief.at("reconsideration_body") ==
            (government.empty() ? "福建省三明市人民政府" : "三明市人民政府"));
    }
  }
}

TEST_CASE("Engine::Open refuses unknown issue-15 policy values, naming the option",
          "[procedure][options]") {
  const auto open = [](EngineOptions options) {
    auto store = NewMemoryEventStore();
    REQUIRE(store.ok());
    return Engine::Open(options, std::shared_ptr<EventStore>(std::move(*store)));
  };
  EngineOptions typo;
  typo.act_identity_default = "same_date";
  auto bad = open(typo);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(std::string(bad.status().message()).find("act_identity_default") != std::string::npos);
  EngineOptions not_a_date;
  not_a_date.reconsideration_by_issuer_from = "2024-02-30";
  auto refused = open(not_a_date);
  REQUIRE_FALSE(refused.ok());
  CHECK(std::string(refused.status().message()).find("reconsideration_by_issuer_from") !=
        std::string::npos);
  EngineOptions cash_from;
  cash_from.on_spot_cash_tracked_from = "2025-13-01";
  auto no_cash_date = open(cash_from);
  REQUIRE_FALSE(no_cash_date.ok());
  CHECK(std::string(no_cash_date.status().message()).find("on_spot_cash_tracked_from") !=
        std::string::npos);
  EngineOptions review_from;
  review_from.case_review_tracked_from = "from 2025";
  auto no_review_date = open(review_from);
  REQUIRE_FALSE(no_review_date.ok());
  CHECK(std::string(no_review_date.status().message()).find("case_review_tracked_from") !=
        std::string::npos);
  EngineOptions no_review_days;
  no_review_days.case_review_working_days = 0;
  auto zero = open(no_review_days);
  REQUIRE_FALSE(zero.ok());
  CHECK(std::string(zero.status().message()).find("case_review_working_days") !=
        std::string::npos);
  EngineOptions publication_from;
  publication_from.publication_tracked_from = "2025-02-29";
  auto no_publication_date = open(publication_from);
  REQUIRE_FALSE(no_publication_date.ok());
  CHECK(std::string(no_publication_date.status().message()).find("publication_tracked_from") !=
        std::string::npos);
  EngineOptions publication_kind;
  publication_kind.publication_required_for = {"penalty", "warning"};
  auto bad_kind = open(publication_kind);
  REQUIRE_FALSE(bad_kind.ok());
  CHECK(std::string(bad_kind.status().message()).find("publication_required_for") !=
        std::string::npos);
  EngineOptions by_date;
  by_date.act_identity_default = "act_date";
  CHECK(open(by_date).ok());
}

TEST_CASE("legal_reviewer_qualification_required: a reviewer without a recorded qualification",
          "[procedure][apl58]") {
  const boost::json::object admin{
      {"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}};
  // The sample's legal reviewer of sx-eco records no qualification.
  const boost::json::object sample{
      {"id", "SX-OF-0175"}, {"role", "legal_reviewer"}, {"unit", "sx-eco"}};
  // Registered for the test: did legal review before the 2021 law, without
  // the qualification.
  const boost::json::object veteran{
      {"id", "SX-OF-9901"}, {"role", "legal_reviewer"}, {"unit", "sx-eco"}};
  const boost::json::object pass{{"result", "pass"}, {"opinion", "同意"}};
  for (bool required : {false, true}) {
    DYNAMIC_SECTION("required=" << required) {
      EngineOptions options;
      options.legal_reviewer_qualification_required = required;
      Procedure p(options);
      p.AppliedGlobal("register_officer", "2023-09-01",
                      {{"officer_id", "SX-OF-9901"},
                       {"name", "测试审核员"},
                       {"agency", "sx-eco"},
                       {"roles", {"legal_reviewer"}},
                       {"legal_qualification", "none"},
                       {"legal_review_since", "2020-06-01"}},
                      admin);
      p.PreNotice();
      if (required) {
        CHECK(p.Rejected("legal_review", "2023-09-22", pass, sample) ==
              "legal_reviewer_unqualified");
      } else {
        p.Applied("legal_review", "2023-09-22", pass, sample);
      }
      p.Applied("legal_review", "2023-09-22", pass, veteran);
    }
  }
}

}  // namespace
}  // namespace zf

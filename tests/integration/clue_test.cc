// Clue-stage behaviour that depends on EngineOptions (the [C]/[U] policy
// choices of docs/domain.md, Competence resolution, Deadlines and Joint enforcement), which the scenario files cannot vary:
// they run with the defaults. The workflow itself is in
// tests/scenarios/{00,03,06,11,13}-*.jsonl.
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace zf {
namespace {

using zf::testing::BareEngine;
using zf::testing::LoadAll;

const std::vector<std::string> kReference = {
    "01-calendar.jsonl", "02-org.jsonl", "02-permissions.jsonl",
    "03-powers.jsonl"};

boost::json::object Actor(std::string id, std::string role, std::string unit) {
  return {{"id", std::move(id)}, {"role", std::move(role)}, {"unit", std::move(unit)}};
}

const boost::json::object kGaosha = Actor("SX-OF-0102", "brigade_captain", "gaosha");
const boost::json::object kEmergency = Actor("SX-OF-0001", "enforcement_officer", "sx-emergency");
const boost::json::object kFenggang = Actor("SX-OF-0094", "brigade_captain", "fenggang-brigade");
const boost::json::object kDispatcher = Actor("SX-OF-0119", "dispatcher", "sx-governance-center");
const boost::json::object kGridWorker = Actor("SX-OF-0118", "grid_worker", "fenggang");

class Runner {
 public:
  explicit Runner(EngineOptions options = {}) : engine_(BareEngine(std::move(options))) {
    LoadAll(*engine_, kReference);
  }

  // Runs one command; REQUIREs it to be judged (applied or rejected).
  CommandResult Run(std::string type, std::string target_field, std::string target,
                    std::string at, const boost::json::object& actor, boost::json::object data) {
    boost::json::object o{{"command", type},
                          {"command_id", "t-" + std::to_string(++n_)},
                          {"at", std::move(at)},
                          {"actor", actor},
                          {target_field, std::move(target)},
                          {"data", std::move(data)}};
    auto command = CommandFromJson(o);
    INFO(command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine_->Execute(*command);
    REQUIRE(result.ok());
    return *result;
  }
  CommandResult Case(std::string type, std::string id, std::string at,
                     const boost::json::object& actor, boost::json::object data) {
    return Run(std::move(type), "case_id", std::move(id), std::move(at), actor, std::move(data));
  }

  // The data of the last event on `stream`.
  boost::json::object LastData(const std::string& stream) {
    auto cursor = engine_->store()->ReadStream(stream, 1, Direction::kForward);
    boost::json::object last;
    for (; cursor->Valid(); cursor->Next()) last = cursor->event().data.as_object();
    return last;
  }

 private:
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

std::string Code(const CommandResult& r) { return r.rejection ? r.rejection->code : "applied"; }

boost::json::object Clue(std::string item, std::string township, boost::json::object extra = {}) {
  boost::json::object d{{"source", "inspection"},
                        {"item_code", std::move(item)},
                        {"township", std::move(township)},
                        {"description", "x"},
                        {"discovered_on", "2023-08-02"},
                        {"act_ended_on", "2021-08-01"},
                        {"party", boost::json::object{{"id", "P-1"},
                                                      {"name", "某公司"},
                                                      {"category", "organisation"}}}};
  for (auto& [k, v] : extra) d[k] = v;
  return d;
}

TEST_CASE("J3: department_retains_for lets the department file inside a township that holds "
          "the item",
          "[clue][competence]") {
  const boost::json::object file{{"handlers", boost::json::array{"SX-OF-0001", "SX-OF-0002"}},
                                 {"approved_by", "SX-OF-0156"}};
  const auto clue = Clue("SAFE-017", "gaosha", {{"act_ended_on", "2023-09-01"},
                                                {"discovered_on", "2023-09-01"}});
  SECTION("default: the township handles it") {
    Runner r;
    REQUIRE(Code(r.Case("register_clue", "C1", "2023-09-04T09:00:00+08:00", kEmergency, clue)) ==
            "applied");
    const CommandResult filed =
        r.Case("file_case", "C1", "2023-09-04T10:00:00+08:00", kEmergency, file);
    CHECK(Code(filed) == "subject_not_competent");
    CHECK(filed.rejection->message.find("department_retains_for") != std::string::npos);
  }
  SECTION("retained: the department may file too") {
    EngineOptions options;
    options.department_retains_for = {"SAFE-017"};
    Runner r(options);
    REQUIRE(Code(r.Case("register_clue", "C1", "2023-09-04T09:00:00+08:00", kEmergency, clue)) ==
            "applied");
    CHECK(Code(r.Case("file_case", "C1", "2023-09-04T10:00:00+08:00", kEmergency, file)) ==
          "applied");
    CHECK(r.LastData("case/C1").at("handling_subject") == "sx-emergency");
  }
}

TEST_CASE("D1: the 5-year rule follows the configured domains and years", "[clue][limitation]") {
  const boost::json::object file{{"handlers", boost::json::array{"SX-OF-0102", "SX-OF-0103"}},
                                 {"approved_by", "SX-OF-0132"}};
  const auto clue = Clue("SAFE-014", "gaosha", {{"harm_caused", true}});
  SECTION("default: safety_production implies the concern") {
    Runner r;
    REQUIRE(Code(r.Case("register_clue", "C1", "2023-08-03T09:00:00+08:00", kGaosha, clue)) ==
            "applied");
    CHECK(Code(r.Case("file_case", "C1", "2023-08-04T09:00:00+08:00", kGaosha, file)) ==
          "applied");
    CHECK(r.LastData("case/C1").at("limitation_years") == 5);
  }
  SECTION("no extended domains: harm alone keeps 2 years") {
    EngineOptions options;
    options.limitation_extended_domains.clear();
    Runner r(options);
    REQUIRE(Code(r.Case("register_clue", "C1", "2023-08-03T09:00:00+08:00", kGaosha, clue)) ==
            "applied");
    CHECK(Code(r.Case("file_case", "C1", "2023-08-04T09:00:00+08:00", kGaosha, file)) ==
          "limitation_expired");
  }
  SECTION("a longer general limitation") {
    EngineOptions options;
    options.limitation_years = 3;
    Runner r(options);
    auto no_harm = clue;
    no_harm["harm_caused"] = false;
    REQUIRE(Code(r.Case("register_clue", "C1", "2023-08-03T09:00:00+08:00", kGaosha, no_harm)) ==
            "applied");
    CHECK(Code(r.Case("file_case", "C1", "2023-08-04T09:00:00+08:00", kGaosha, file)) ==
          "applied");
    CHECK(r.LastData("case/C1").at("limitation_last_day") == "2024-08-01");
  }
}

// A ticket reported on 2023-11-06 and received by 凤岗 on 2023-11-08; its
// clue was discovered on the report day.
void GridClue(Runner& r) {
  const boost::json::array photos{boost::json::object{{"name", "p.jpg"}, {"sm3", std::string(64, 'a')}}};
  REQUIRE(Code(r.Run("report_grid_ticket", "ticket_id", "T1", "2023-11-06T09:00:00+08:00",
                     kGridWorker,
                     {{"micro_grid", "MG-0457"},
                      {"category", "construction_waste"},
                      {"description", "x"},
                      {"photos", photos}})) == "applied");
  REQUIRE(Code(r.Run("triage_ticket", "ticket_id", "T1", "2023-11-06T10:00:00+08:00", kDispatcher,
                     {{"suspected_violation", true}})) == "applied");
  REQUIRE(Code(r.Run("dispatch_ticket", "ticket_id", "T1", "2023-11-06T11:00:00+08:00",
                     kDispatcher, {{"units", boost::json::array{"fenggang-brigade"}}})) ==
          "applied");
  REQUIRE(Code(r.Run("accept_dispatch", "ticket_id", "T1", "2023-11-08T09:00:00+08:00", kFenggang,
                     {})) == "applied");
  REQUIRE(Code(r.Case("register_clue", "C1", "2023-11-08T10:00:00+08:00", kFenggang,
                      {{"source", "grid_report"},
                       {"grid_ticket_id", "T1"},
                       {"micro_grid", "MG-0457"},
                       {"item_code", "URBAN-003"},
                       {"description", "x"},
                       {"discovered_on", "2023-11-06"}})) == "applied");
  REQUIRE(Code(r.Case("route_clue", "C1", "2023-11-08T10:10:00+08:00", kFenggang, {})) ==
          "applied");
}

TEST_CASE("D2: the clock's start and length are options", "[clue][verification]") {
  SECTION("default: from the dispatch receipt, 15 working days") {
    Runner r;
    GridClue(r);
    REQUIRE(Code(r.Case("start_verification", "C1", "2023-11-08T11:00:00+08:00", kFenggang, {})) ==
            "applied");
    const auto data = r.LastData("case/C1");
    CHECK(data.at("clock_from") == "2023-11-08");
    CHECK(data.at("clock_basis") == "dispatch_receipt");
    CHECK(data.at("due_on") == "2023-11-29");
  }
  SECTION("off: from the discovery (report) day; a shorter period") {
    EngineOptions options;
    options.verification_from_dispatch_receipt = false;
    options.verification_working_days = 10;
    Runner r(options);
    GridClue(r);
    REQUIRE(Code(r.Case("start_verification", "C1", "2023-11-08T11:00:00+08:00", kFenggang, {})) ==
            "applied");
    const auto data = r.LastData("case/C1");
    CHECK(data.at("clock_from") == "2023-11-06");
    CHECK(data.at("clock_basis") == "discovered");
    CHECK(data.at("working_days") == 10);
    CHECK(data.at("due_on") == "2023-11-20");
  }
}

TEST_CASE("J4: the warning records whether the filer keeps the case", "[clue][competence]") {
  EngineOptions options;
  options.filer_keeps_case_on_item_change = false;
  Runner r(options);
  const auto fenggang = Actor("SX-OF-0094", "brigade_captain", "fenggang");
  REQUIRE(Code(r.Case("register_clue", "C1", "2023-08-21T09:00:00+08:00", fenggang,
                      Clue("URBAN-010", "fenggang",
                           {{"discovered_on", "2023-08-20"}, {"act_ended_on", "2023-08-19"}}))) ==
          "applied");
  REQUIRE(Code(r.Case("file_case", "C1", "2023-08-22T09:00:00+08:00", fenggang,
                      {{"handlers", boost::json::array{"SX-OF-0094", "SX-OF-0095"}},
                       {"approved_by", "SX-OF-0120"}})) == "applied");
  REQUIRE(Code(r.Case("review_competence", "C1", "2023-09-04T09:00:00+08:00", fenggang, {})) ==
          "applied");
  const auto data = r.LastData("case/C1");
  CHECK(data.at("filer_keeps_case") == false);
  CHECK(data.at("item_withdrawn") == true);
}

// Issue 15 item 1: 首违不罚 at the clue stage reads the party's history with
// the first-violation options (no leniency entries are loaded here, so the
// options define the window and scope).
class FirstViolationFixture {
 public:
  explicit FirstViolationFixture(EngineOptions options = {}) : r_(std::move(options)) {}

  // An on-the-spot warning of party P-9 by 高砂镇 on `day` for `item`.
  void Warn(const std::string& id, const std::string& day, const std::string& item) {
    const auto gaosha = Actor("SX-OF-0103", "enforcement_officer", "gaosha");
    REQUIRE(Code(r_.Case("register_clue", id, day + "T09:00:00+08:00", gaosha,
                         Party(Clue(item, "gaosha",
                                    {{"discovered_on", day}, {"act_ended_on", day}})))) ==
            "applied");
    REQUIRE(Code(r_.Case("issue_on_spot_decision", id, day + "T10:00:00+08:00", gaosha,
                         {{"document_number", "高砂当罚〔2024〕" + id + "号"},
                          {"officers", boost::json::array{"SX-OF-0102", "SX-OF-0103"}},
                          {"credentials_shown", true},
                          {"statement_heard", true},
                          {"penalty_types", boost::json::array{"warning"}},
                          {"fine_fen", 0},
                          {"delivery", "on_spot"}})) == "applied");
  }

  // A clue of P-9 in 凤岗街道 (act `act`) declined on `reason` two days later.
  std::string Decline(const std::string& id, const std::string& act, const std::string& item,
                      const std::string& reason = "first_minor_corrected") {
    REQUIRE(Code(r_.Case("register_clue", id, act + "T09:00:00+08:00", kFenggang,
                         Party(Clue(item, "fenggang",
                                    {{"discovered_on", act}, {"act_ended_on", act}})))) ==
            "applied");
    const CommandResult declined =
        r_.Case("decline_filing", id, act + "T15:00:00+08:00", kFenggang,
                {{"reason", reason},
                 {"explanation", "初次违法，危害后果轻微，已及时改正"},
                 {"approved_by", "SX-OF-0120"},
                 {"correction_confirmed_on", act},
                 {"education_record", "凤岗教育〔2024〕" + id + "号"}});
    if (declined.rejection) CHECK_FALSE(declined.rejection->legal_basis.empty());
    return Code(declined);
  }
  boost::json::object LastData(const std::string& id) { return r_.LastData("case/" + id); }

 private:
  static boost::json::object Party(boost::json::object clue) {
    clue["party"] = boost::json::object{{"id", "P-9"}, {"name", "王某"}, {"category", "natural_person"}};
    return clue;
  }
  Runner r_;
};

TEST_CASE("First violation at declining follows the lookback option", "[clue][first_violation]") {
  SECTION("default 12 months: a warning 4 months before the act makes a repeat offender") {
    FirstViolationFixture f;
    f.Warn("W1", "2024-05-06", "URBAN-003");
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "not_first_violation");
    CHECK(f.Decline("D2", "2024-09-03", "URBAN-003", "minor_corrected_no_harm") == "applied");
  }
  SECTION("3 months: the same warning lies outside the window") {
    EngineOptions options;
    options.first_violation_lookback_months = 3;
    FirstViolationFixture f(options);
    f.Warn("W1", "2024-05-06", "URBAN-003");
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "applied");
    const auto data = f.LastData("D1");
    CHECK(data.at("first_violation").at("lookback_months") == 3);
    CHECK(data.at("first_violation").at("scope") == "same_item");
  }
}

TEST_CASE("First violation at declining follows the scope option", "[clue][first_violation]") {
  SECTION("same_item: a warning on another item does not count") {
    FirstViolationFixture f;
    f.Warn("W1", "2024-05-06", "URBAN-008");
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "applied");
  }
  SECTION("same_type: a warning on an item of the same domain counts") {
    EngineOptions options;
    options.first_violation_scope = "same_type";
    FirstViolationFixture f(options);
    f.Warn("W1", "2024-05-06", "URBAN-008");
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "not_first_violation");
  }
}

TEST_CASE("A clue declined as minor and corrected counts as an earlier violation by option",
          "[clue][first_violation]") {
  SECTION("default: the second first-violation decline is refused") {
    FirstViolationFixture f;
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "applied");
    CHECK(f.Decline("D2", "2024-10-08", "URBAN-003") == "not_first_violation");
  }
  SECTION("first_violation_counts_declined_filing = false: only decisions count") {
    EngineOptions options;
    options.first_violation_counts_declined_filing = false;
    FirstViolationFixture f(options);
    CHECK(f.Decline("D1", "2024-09-02", "URBAN-003") == "applied");
    CHECK(f.Decline("D2", "2024-10-08", "URBAN-003") == "applied");
  }
}

}  // namespace
}  // namespace zf

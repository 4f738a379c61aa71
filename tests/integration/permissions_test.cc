// Who acts (issue 14 §3): the permission matrix as reference data
// (rules/permissions), the actor check every command passes before its
// decider, the bootstrap before a matrix, versions taking over from their
// effective instant, the publication's validation, recorded case reads,
// and the audit re-checking the actor of a recorded command.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "zf/audit.h"
#include "zf/engine.h"

using namespace zf;
using zf::testing::BareEngine;
using zf::testing::CheckEventSchemas;
using zf::testing::Fold;
using zf::testing::LoadAll;
using zf::testing::MakeCommand;

namespace {

// The sample up to the matrix, and the sample with it.
const std::vector<std::string> kOrgAndPowers = {"01-calendar.jsonl", "02-org.jsonl",
                                                "03-powers.jsonl"};

// The rejection code of `command`, or "applied".
std::string Outcome(Engine& engine, const Command& command) {
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  if (result->outcome != CommandResult::Outcome::kRejected) return "applied";
  INFO(result->rejection->message);
  return result->rejection->code;
}

const Rejection& RejectionOf(Engine& engine, const Command& command) {
  static thread_local CommandResult last;
  auto result = engine.Execute(command);
  REQUIRE(result.ok());
  last = *result;
  REQUIRE(last.rejection.has_value());
  return *last.rejection;
}

// A matrix granting each command type in `grants` to its roles; always
// lets list_admin publish the next one.
Command Matrix(const std::string& id, const std::string& at, const std::string& from,
               boost::json::object grants) {
  if (!grants.contains("publish_permission_matrix")) {
    grants["publish_permission_matrix"] = boost::json::array{"list_admin"};
  }
  return MakeCommand(
      "publish_permission_matrix", id, at,
      {{"effective_from", from}, {"grants", std::move(grants)}, {"basis", "测试用权限矩阵"}});
}

// register_clue of SAFE-017 in 高砂镇 by `actor`.
Command Clue(const std::string& case_id, const Actor& actor,
             const std::string& at = "2023-09-12T10:00:00+08:00") {
  Command c = zf::testing::GaoshaClue(case_id, "clue-" + case_id);
  c.actor = actor;
  c.at = at;
  c.data.as_object()["discovered_on"] = at.substr(0, 10);
  return c;
}

// The sample's first make_decision (schema-valid data), by `actor`: the
// actor check comes before the decider, so the case need not exist here
// for a refusal of who acts.
Command Decision(const Actor& actor) {
  static const Command kSample = [] {
    for (const Command& c : zf::testing::SampleCommands("08-cases-2023.jsonl")) {
      if (c.type == "make_decision") return c;
    }
    FAIL("no make_decision in the sample");
    return Command{};
  }();
  Command c = kSample;
  c.actor = actor;
  return c;
}

const Actor kGaoshaOfficer{"SX-OF-0103", "enforcement_officer", "gaosha"};

// The sample organisation and power list, and a matrix from 2023-01-01 that
// lets enforcement officers and brigade captains register clues and agency
// heads decide.
std::unique_ptr<Engine> CheckedEngine() {
  auto engine = BareEngine();
  LoadAll(*engine, kOrgAndPowers);
  REQUIRE(Outcome(*engine, Matrix("m1", "2022-12-30T09:00:00+08:00", "2023-01-01",
                                  {{"register_clue",
                                    boost::json::array{"enforcement_officer", "brigade_captain"}},
                                   {"make_decision", boost::json::array{"agency_head"}},
                                   {"register_officer", boost::json::array{"list_admin"}}})) ==
          "applied");
  return engine;
}

}  // namespace

TEST_CASE("Permissions: an actor unknown to the organisation is refused", "[permissions][engine]") {
  auto engine = CheckedEngine();
  const Rejection& r =
      RejectionOf(*engine, Clue("SX-2023-P0001", {"NOBODY-1", "enforcement_officer", "gaosha"}));
  CHECK(r.code == "unknown_officer");
  CHECK(r.pointer == "/actor/id");
  CHECK(r.legal_basis.find("《中华人民共和国行政处罚法》第四十二条") != std::string::npos);
  CHECK(r.legal_basis.find("spec") == std::string::npos);
  // The real officer of the unit is accepted.
  CHECK(Outcome(*engine, Clue("SX-2023-P0002", kGaoshaOfficer)) == "applied");
}

TEST_CASE(
    "Permissions: an officer registered after the command's time is "
    "unknown then",
    "[permissions][engine]") {
  auto engine = CheckedEngine();
  REQUIRE(
      Outcome(*engine, MakeCommand("register_officer", "late-officer", "2023-10-01T09:00:00+08:00",
                                   {{"officer_id", "SX-OF-LATE"},
                                    {"name", "迟到"},
                                    {"agency", "gaosha"},
                                    {"roles", {"enforcement_officer"}}})) == "applied");
  CHECK(Outcome(*engine, Clue("SX-2023-P0003", {"SX-OF-LATE", "enforcement_officer", "gaosha"},
                              "2023-09-30T10:00:00+08:00")) == "unknown_officer");
}

TEST_CASE(
    "Permissions: the decision is refused from a role the matrix does "
    "not grant it",
    "[permissions][engine]") {
  auto engine = CheckedEngine();
  // Roles the officers hold, but that may not decide.
  for (const Actor& actor : {Actor{"SX-OF-0134", "hearing_officer", "gaosha"},
                             Actor{"SX-OF-0133", "legal_reviewer", "gaosha"},
                             Actor{"SX-OF-0133", "case_reviewer", "gaosha"},
                             Actor{"SX-OF-0103", "enforcement_officer", "gaosha"}}) {
    INFO(actor.id << " " << actor.role);
    const Rejection& r = RejectionOf(*engine, Decision(actor));
    CHECK(r.code == "role_not_permitted");
    CHECK(r.pointer == "/actor/role");
    CHECK(r.legal_basis.find("权限矩阵第1版") != std::string::npos);
  }
  // A role the officer does not hold, and a made-up one.
  CHECK(Outcome(*engine, Decision({"SX-OF-0103", "agency_head", "gaosha"})) == "role_not_held");
  const Rejection& made_up =
      RejectionOf(*engine, Decision({"SX-OF-0103", "chief_wizard", "gaosha"}));
  CHECK(made_up.code == "role_not_held");
  CHECK(made_up.pointer == "/actor/role");
  // The agency head passes the actor check and reaches the decider (which
  // has no case to decide on).
  CHECK(Outcome(*engine, Decision({"SX-OF-0132", "agency_head", "gaosha"})) !=
        "role_not_permitted");
}

TEST_CASE(
    "Permissions: an officer acts only for its own unit or its "
    "township's brigade",
    "[permissions][engine]") {
  auto engine = CheckedEngine();
  const Rejection& r = RejectionOf(
      *engine, Clue("SX-2023-P0004", {"SX-OF-0103", "enforcement_officer", "fenggang"}));
  CHECK(r.code == "not_in_unit");
  CHECK(r.pointer == "/actor/unit");
  // Another township's brigade is not the officer's either.
  CHECK(Outcome(*engine, Clue("SX-2023-P0005", {"SX-OF-0102", "brigade_captain",
                                                "fenggang-brigade"})) == "not_in_unit");
  // The brigade of the officer's own township is: it acts in the township's
  // name.
  CHECK(Outcome(*engine, Clue("SX-2023-P0006", {"SX-OF-0102", "brigade_captain",
                                                "gaosha-brigade"})) != "not_in_unit");
}

TEST_CASE("Permissions: before the matrix takes effect nothing is checked",
          "[permissions][engine]") {
  auto engine = CheckedEngine();
  // The matrix is in force from 2023-01-01; a command dated before it is
  // judged as it was before there was a matrix.
  CHECK(Outcome(*engine, Clue("SX-2022-P0001", {"NOBODY-1", "enforcement_officer", "gaosha"},
                              "2022-12-31T10:00:00+08:00")) == "applied");
  CHECK(Outcome(*engine, Clue("SX-2023-P0007", {"NOBODY-1", "enforcement_officer", "gaosha"},
                              "2023-01-01T00:00:00+08:00")) == "unknown_officer");

  // And without any matrix, as the store was before this change.
  auto bare = BareEngine();
  LoadAll(*bare, kOrgAndPowers);
  CHECK(Outcome(*bare, Clue("SX-2023-P0008", {"NOBODY-1", "grid_wizard", "gaosha"})) == "applied");
}

TEST_CASE("Permissions: a new version changes the answer from its effective instant",
          "[permissions][engine]") {
  auto engine = CheckedEngine();
  // Version 2, from 2023-10-01: brigade captains may no longer register clues.
  REQUIRE(Outcome(*engine, Matrix("m2", "2023-09-01T09:00:00+08:00", "2023-10-01",
                                  {{"register_clue", boost::json::array{"enforcement_officer"}},
                                   {"make_decision", boost::json::array{"agency_head"}}})) ==
          "applied");
  const Actor captain{"SX-OF-0102", "brigade_captain", "gaosha"};
  CHECK(Outcome(*engine, Clue("SX-2023-P0010", captain, "2023-09-30T23:59:59+08:00")) == "applied");
  const Rejection& r =
      RejectionOf(*engine, Clue("SX-2023-P0011", captain, "2023-10-01T00:00:00+08:00"));
  CHECK(r.code == "role_not_permitted");
  CHECK(r.legal_basis.find("权限矩阵第2版") != std::string::npos);

  internal::RuleBook rules = Fold(*engine);
  REQUIRE(rules.permissions().History().size() == 2);
  CHECK(rules.permissions().History()[1].version == 2);
  CheckEventSchemas(*engine, "rules/permissions");
}

TEST_CASE("Permissions: a publication names known command types and officer roles",
          "[permissions][reference]") {
  auto engine = BareEngine();
  LoadAll(*engine, kOrgAndPowers);
  const Rejection& type =
      RejectionOf(*engine, Matrix("bad-1", "2022-12-30T09:00:00+08:00", "2023-01-01",
                                  {{"make_decisoin", boost::json::array{"agency_head"}}}));
  CHECK(type.code == "unknown_command_type");
  CHECK(type.pointer == "/data/grants/make_decisoin");
  const Rejection& role =
      RejectionOf(*engine, Matrix("bad-2", "2022-12-30T09:00:00+08:00", "2023-01-01",
                                  {{"make_decision", boost::json::array{"agency_head", "party"}}}));
  CHECK(role.code == "unknown_role");
  CHECK(role.pointer == "/data/grants/make_decision/1");
  auto no_publisher =
      MakeCommand("publish_permission_matrix", "bad-3", "2022-12-30T09:00:00+08:00",
                  {{"effective_from", "2023-01-01"},
                   {"grants", {{"make_decision", boost::json::array{"agency_head"}}}},
                   {"basis", "测试"}});
  const Rejection& locked = RejectionOf(*engine, no_publisher);
  CHECK(locked.code == "matrix_locks_out");
  CHECK(locked.pointer == "/data/grants");

  REQUIRE(Outcome(*engine, Matrix("ok-1", "2022-12-30T09:00:00+08:00", "2023-01-01", {})) ==
          "applied");
  // A later version may not start before the one it follows, nor before
  // the day it is published.
  CHECK(Outcome(*engine, Matrix("bad-4", "2023-02-01T09:00:00+08:00", "2022-12-31", {})) ==
        "version_not_after_previous");
  CHECK(Outcome(*engine, Matrix("bad-5", "2023-02-01T09:00:00+08:00", "2023-01-15", {})) ==
        "effective_from_retroactive");
  // The next publisher is checked by the matrix in force: a registered
  // list administrator.
  Command by_stranger = Matrix("bad-6", "2023-02-01T09:00:00+08:00", "2023-03-01", {});
  by_stranger.actor = Actor{"SX-OF-0103", "enforcement_officer", "gaosha"};
  CHECK(Outcome(*engine, by_stranger) == "role_not_permitted");
}

TEST_CASE("Permissions: a store loaded from the sample grants issue 15's new commands by a new "
          "version",
          "[permissions][sample]") {
  auto engine = BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "02-permissions.jsonl", "03-powers.jsonl"});
  // The sample's version 1 names none of them: nobody may issue them.
  const std::vector<std::string> added = {"publish_decision", "withdraw_publication",
                                          "amend_officer", "request_recusal", "decide_recusal",
                                          "hand_over_on_spot_cash", "deposit_on_spot_cash",
                                          "start_licence_measure", "record_measure_check"};
  const internal::RuleBook before = Fold(*engine);
  for (const std::string& type : added) {
    INFO(type);
    CHECK_FALSE(before.permissions().History()[0].Allows(type, "enforcement_officer"));
  }
  Command publish = zf::testing::GaoshaCommand("publish_decision", "pub-1",
                                               "2025-01-02T09:00:00+08:00", "SX-2025-NONE",
                                               {{"channel", "门户网站"}});
  CHECK(Outcome(*engine, publish) == "role_not_permitted");
  // Version 2: the sample's grants plus the new commands, from 2025-01-02.
  boost::json::object grants;
  {
    std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/02-permissions.jsonl");
    std::string line;
    REQUIRE(std::getline(in, line));
    grants = boost::json::parse(line).at("data").at("grants").as_object();
  }
  for (const std::string& type : added) {
    grants[type] = boost::json::array{"enforcement_officer", "agency_head"};
  }
  grants["amend_officer"] = boost::json::array{"list_admin"};
  Command v2 = Matrix("permissions-v2", "2025-01-01T09:00:00+08:00", "2025-01-02", grants);
  v2.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice"};
  REQUIRE(Outcome(*engine, v2) == "applied");
  // The actor check passes; the decider answers (there is no such case).
  publish.command_id = "pub-2";
  CHECK(Outcome(*engine, publish) == "case_not_found");
}

TEST_CASE("Permissions: the whole sample imports under its matrix", "[permissions][sample]") {
  auto engine = BareEngine();
  LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "02-permissions.jsonl", "03-powers.jsonl",
                    "04-leniency.jsonl", "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl",
                    "07-cases-2022.jsonl", "08-cases-2023.jsonl", "09-inspect-once-2023.jsonl"});
  internal::RuleBook rules = Fold(*engine);
  REQUIRE(rules.permissions().History().size() == 1);
  const internal::PermissionMatrix& m = rules.permissions().History()[0];
  // docs/domain.md, Roles: decisions by the agency head (recorded by its officers), not
  // by reviewers or hearing officers.
  CHECK(m.Allows("make_decision", "agency_head"));
  CHECK(m.Allows("make_decision", "enforcement_officer"));
  for (const char* role : {"hearing_officer", "legal_reviewer", "case_reviewer", "grid_worker",
                           "dispatcher", "list_admin", "area_chief", "brigade_captain"}) {
    INFO(role);
    CHECK_FALSE(m.Allows("make_decision", role));
  }
  CHECK(m.Allows("hold_hearing", "hearing_officer"));
  CHECK(m.Allows("legal_review", "legal_reviewer"));
  CHECK_FALSE(m.Allows("register_clue", "grid_worker"));
  CHECK(m.Allows("report_grid_ticket", "grid_worker"));
}

TEST_CASE("Permissions: a recorded case read is checked like a command's actor",
          "[permissions][access]") {
  auto engine = CheckedEngine();
  REQUIRE(Outcome(*engine, Clue("SX-2023-P0020", kGaoshaOfficer)) == "applied");
  ReadContext read;
  read.reader = Actor{"NOBODY-1", "case_reviewer", "sx-justice"};
  Status s = engine->RecordCaseAccess("SX-2023-P0020", read, "");
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.subject() == "/actor/id");
  CHECK(s.message().find("unknown_officer") == 0);
  read.reader = Actor{"SX-OF-0103", "case_reviewer", "gaosha"};
  CHECK(engine->RecordCaseAccess("SX-2023-P0020", read, "").subject() == "/actor/role");
  read.reader = Actor{"SX-OF-0103", "enforcement_officer", "fenggang"};
  CHECK(engine->RecordCaseAccess("SX-2023-P0020", read, "").subject() == "/actor/unit");
  read.reader = kGaoshaOfficer;
  CHECK(engine->RecordCaseAccess("SX-2023-P0020", read, "").ok());
}

TEST_CASE("Permissions: the audit re-checks who acted", "[permissions][audit]") {
  // The same clue decided for a real officer on one store, then written to
  // another store straight through the store API (bypassing the engine)
  // under an actor the organisation does not know, with its command.
  auto legit = CheckedEngine();
  const Command real = Clue("SX-2023-P0040", kGaoshaOfficer);
  REQUIRE(Outcome(*legit, real) == "applied");
  auto recorded = legit->store()->ReadCommand(real.command_id);
  REQUIRE(recorded.ok());

  auto engine = CheckedEngine();
  const Actor stranger{"NOBODY-1", "enforcement_officer", "gaosha"};
  AppendRequest forged;
  forged.stream = "case/SX-2023-P0040";
  forged.expected = ExpectedVersion::NoStream();
  forged.command_id = real.command_id;
  for (auto c = legit->store()->ReadStream(forged.stream, 1, Direction::kForward); c->Valid();
       c->Next()) {
    const EventRecord& e = c->event();
    forged.events.push_back(NewEvent{e.type, e.schema, e.occurred_at, stranger, e.data});
  }
  REQUIRE_FALSE(forged.events.empty());
  boost::json::value command = boost::json::parse(recorded->command);
  command.as_object()["actor"] = {
      {"id", stranger.id}, {"role", stranger.role}, {"unit", stranger.unit}};
  forged.command = boost::json::serialize(command);
  REQUIRE(engine->store()->Append(forged).ok());

  std::vector<AuditFinding> findings;
  auto summary = AuditStore(*engine->store(), EngineOptions(), AuditOptions(),
                            [&](const AuditFinding& f) { findings.push_back(f); });
  REQUIRE(summary.ok());
  bool found = false;
  for (const AuditFinding& f : findings) {
    INFO(f.code << " " << f.stream << ": " << f.message);
    found = found ||
            (f.kind == AuditFinding::Kind::kNotRederivable && f.code == "rejected_on_redecision" &&
             f.stream == forged.stream && f.message.find("unknown_officer") != std::string::npos);
  }
  CHECK(found);
  // The store written by the engine audits clean.
  std::size_t legit_findings = 0;
  REQUIRE(AuditStore(*legit->store(), EngineOptions(), AuditOptions(), [&](const AuditFinding&) {
            ++legit_findings;
          }).ok());
  CHECK(legit_findings == 0);
}

TEST_CASE(
    "Permissions: a matrix grants exactly the roles an officer can be "
    "registered with",
    "[permissions][reference]") {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/schemas/commands/register_officer.schema.json");
  REQUIRE(in.good());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const boost::json::value schema = boost::json::parse(text);
  std::vector<std::string> registered;
  for (const auto& role : schema.at_pointer("/properties/roles/items/enum").as_array()) {
    registered.emplace_back(role.as_string());
  }
  std::vector<std::string> grantable(internal::OfficerRoles().begin(),
                                     internal::OfficerRoles().end());
  CHECK(grantable == registered);
  for (const std::string& role : registered) CHECK(internal::RoleLabel(role) != role);
}

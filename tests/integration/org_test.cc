// The org reference stream through the engine: each command decided and
// folded, each rejection code, AS OF answers (credentials, areas,
// leadership, assignments), the grid walk, and the Shaxian sample.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <memory>

#include "crypto/sm2.h"
#include "io/command_json.h"
#include "io/embedded_schemas.h"
#include "io/schema_validator.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "support/test_support.h"
#include "zf/engine.h"
#include "zf/event_json.h"

using namespace zf;
using zf::internal::OrgModel;
using zf::internal::RuleBook;

namespace {

constexpr const char* kAt = "2022-05-20T09:00:00+08:00";

std::unique_ptr<Engine> MemoryEngine() {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  auto engine = Engine::Open(EngineOptions{}, std::shared_ptr<EventStore>(std::move(*store)));
  REQUIRE(engine.ok());
  return std::move(*engine);
}

Command Org(std::string type, std::string id, boost::json::object data, std::string at = kAt) {
  Command c;
  c.type = std::move(type);
  c.command_id = std::move(id);
  c.at = std::move(at);
  c.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice"};
  c.data = std::move(data);
  return c;
}

void Apply(Engine& engine, const Command& command) {
  INFO(command.command_id);
  auto r = engine.Execute(command);
  REQUIRE(r.ok());
  INFO((r->rejection ? r->rejection->code + ": " + r->rejection->message : std::string()));
  REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
}

Rejection Refused(Engine& engine, const Command& command) {
  INFO(command.command_id);
  auto r = engine.Execute(command);
  REQUIRE(r.ok());
  REQUIRE(r->outcome == CommandResult::Outcome::kRejected);
  CHECK_FALSE(r->rejection->legal_basis.empty());
  return *r->rejection;
}

// The org model folded from what the store holds (the engine's own copy is
// internal): this also proves the recorded events fold back.
RuleBook Fold(Engine& engine) {
  RuleBook rules;
  auto cursor = engine.store()->ReadStream("org", 1, Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) REQUIRE(rules.Apply(cursor->event()).ok());
  REQUIRE(cursor->status().ok());
  return rules;
}

std::int64_t Instant(std::string_view rfc3339) {
  return internal::ParseRfc3339(rfc3339).value().unix_micros;
}

boost::json::object Officer(std::string id, std::string agency,
                            boost::json::array roles = {"enforcement_officer"}) {
  return {{"officer_id", id}, {"name", "测试" + id}, {"agency", agency}, {"roles", roles}};
}

boost::json::object Credential(std::string number, std::string officer, std::string from,
                               std::string to, std::string agency = "sx-emergency") {
  return {{"credential_number", number},
          {"officer", officer},
          {"agency", agency},
          {"valid_from", from},
          {"valid_to", to}};
}

// A small organisation: the district, two departments (one a city-level
// branch), two townships with a brigade, four officers, area-2 with 高砂镇
// and one assignment, and a grid branch down to MG-0457 in 凤岗街道.
void SeedSmallOrg(Engine& engine) {
  Apply(engine,
        Org("register_district", "d",
            {{"district_id", "sx"}, {"name", "沙县区"}, {"legal_name", "三明市沙县区人民政府"}}));
  Apply(engine, Org("register_department", "dept-em",
                    {{"department_id", "sx-emergency"},
                     {"name", "三明市沙县区应急管理局"},
                     {"legal_name", "三明市沙县区应急管理局"},
                     {"level", "district"},
                     {"district", "sx"}}));
  Apply(engine, Org("register_department", "dept-eco",
                    {{"department_id", "sx-eco"},
                     {"name", "三明市沙县生态环境局"},
                     {"legal_name", "三明市生态环境局"},
                     {"level", "city"},
                     {"district", "sx"}}));
  for (auto [id, name, kind, legal] :
       {std::tuple{"gaosha", "高砂镇", "town", "三明市沙县区高砂镇人民政府"},
        std::tuple{"fenggang", "凤岗街道", "subdistrict", "三明市沙县区凤岗街道办事处"},
        std::tuple{"gaoqiao", "高桥镇", "town", "三明市沙县区高桥镇人民政府"}}) {
    Apply(engine, Org("register_township", std::string("t-") + id,
                      {{"township_id", id},
                       {"name", name},
                       {"kind", kind},
                       {"legal_name", legal},
                       {"district", "sx"}}));
  }
  Apply(engine, Org("register_brigade", "b-gaosha",
                    {{"brigade_id", "gaosha-brigade"},
                     {"township", "gaosha"},
                     {"name", "高砂镇综合执法大队"},
                     {"created_on", "2022-05-18"}}));
  Apply(engine, Org("register_officer", "o1",
                    Officer("SX-OF-0001", "sx-emergency", {"enforcement_officer", "area_chief"})));
  Apply(engine, Org("register_officer", "o2", Officer("SX-OF-0002", "sx-emergency")));
  Apply(engine, Org("register_officer", "o3", Officer("SX-OF-0003", "gaosha")));
  Apply(engine, Org("register_officer", "o4", Officer("SX-OF-0004", "sx-eco")));
  Apply(engine, Org("register_enforcement_area", "area-2",
                    {{"area_id", "area-2"},
                     {"name", "第二片区"},
                     {"district", "sx"},
                     {"office_mode", "per_township"},
                     {"area_chief", "SX-OF-0001"},
                     {"coordination_leader", "SX-OF-0003"},
                     {"townships", {"gaosha"}}},
                    "2022-06-01T09:00:00+08:00"));
  Apply(engine, Org("assign_officer_to_area", "a1",
                    {{"officer", "SX-OF-0002"},
                     {"area", "area-2"},
                     {"mode", "stationed"},
                     {"from", "2022-06-01"}},
                    "2022-06-01T09:00:00+08:00"));
  Apply(engine, Org("register_grid_node", "g0",
                    {{"node_id", "grid-sx"}, {"name", "沙县区网格"}, {"level", "district"}}));
  Apply(engine, Org("register_grid_node", "g1",
                    {{"node_id", "grid-fenggang"},
                     {"name", "凤岗街道"},
                     {"level", "subdistrict"},
                     {"parent", "grid-sx"},
                     {"township", "fenggang"}}));
  Apply(engine, Org("register_grid_node", "g2",
                    {{"node_id", "CM-FG-02"},
                     {"name", "东门社区"},
                     {"level", "community"},
                     {"parent", "grid-fenggang"}}));
  Apply(engine, Org("register_grid_node", "g3",
                    {{"node_id", "GA-FG-02-01"},
                     {"name", "东门社区第1网格"},
                     {"level", "grid_area"},
                     {"parent", "CM-FG-02"}}));
  Apply(engine, Org("register_grid_node", "g4",
                    {{"node_id", "MG-0457"},
                     {"name", "东门社区第1网格第1微网格"},
                     {"level", "micro_grid"},
                     {"parent", "GA-FG-02-01"}}));
}

std::vector<Command> ReadCommands(const std::string& relative) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/" + relative);
  REQUIRE(in);
  std::vector<Command> commands;
  for (std::string line; std::getline(in, line);) {
    auto json = ParseJson(line);
    REQUIRE(json.ok());
    auto command = CommandFromJson(*json);
    INFO(relative << ": " << line.substr(0, 120));
    REQUIRE(command.ok());
    commands.push_back(std::move(*command));
  }
  return commands;
}

// Every org event in the store conforms to schemas/events/<type>.schema.json.
void CheckEventSchemas(Engine& engine) {
  std::map<std::string, std::unique_ptr<internal::SchemaValidator>> validators;
  auto validator_for = [&](const std::string& path) -> const internal::SchemaValidator* {
    if (auto it = validators.find(path); it != validators.end()) return it->second.get();
    for (const internal::EmbeddedSchema& schema : internal::EmbeddedSchemas()) {
      if (schema.path != path) continue;
      auto validator = internal::SchemaValidator::FromJson(ParseJson(schema.text).value());
      INFO(path);
      REQUIRE(validator.ok());
      return (validators[path] = std::move(*validator)).get();
    }
    return nullptr;
  };
  std::size_t checked = 0;
  auto cursor = engine.store()->ReadStream("org", 1, Direction::kForward);
  for (; cursor->Valid(); cursor->Next(), ++checked) {
    const EventRecord& event = cursor->event();
    INFO(event.type << " v" << event.version);
    const internal::SchemaValidator* validator =
        validator_for("events/" + event.type + ".schema.json");
    REQUIRE(validator != nullptr);
    Status s = validator->Validate(event.data);
    INFO(s.ToString());
    CHECK(s.ok());
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("Org registrations apply and the model answers", "[rules][org]") {
  auto engine = MemoryEngine();
  SeedSmallOrg(*engine);
  RuleBook rules = Fold(*engine);
  const OrgModel& org = rules.org();

  REQUIRE(org.district() != nullptr);
  CHECK(org.district()->legal_name == "三明市沙县区人民政府");
  REQUIRE(org.FindTownship("gaosha") != nullptr);
  CHECK(org.FindTownship("gaosha")->kind == internal::TownshipKind::kTown);
  CHECK(org.FindTownship("gaosha")->brigade_id == "gaosha-brigade");
  CHECK(org.FindBrigade("gaosha-brigade")->created_on == Date{2022, 5, 18});
  CHECK(org.FindTownship("fenggang")->brigade_id.empty());
  CHECK(org.FindDepartment("sx-eco")->level == internal::DepartmentLevel::kCity);
  CHECK(org.LegalNameOf("sx-eco") == "三明市生态环境局");  // issues in the city bureau's name
  CHECK(org.LegalNameOf("gaosha") == "三明市沙县区高砂镇人民政府");
  CHECK(org.LegalNameOf("fenggang") == "三明市沙县区凤岗街道办事处");
  CHECK_FALSE(org.LegalNameOf("nowhere").has_value());
  CHECK(org.FindOfficer("SX-OF-0003")->agency == "gaosha");
  CHECK(org.IsAgency("gaosha"));
  CHECK_FALSE(org.IsAgency("area-2"));

  // Areas as of an instant: not before the area was registered.
  CHECK(org.AreaOfTownship("gaosha", Instant("2022-05-31T23:59:59+08:00")) == nullptr);
  REQUIRE(org.AreaOfTownship("gaosha", Instant("2022-06-01T09:00:00+08:00")) != nullptr);
  CHECK(org.AreaOfTownship("gaosha", Instant("2022-06-01T09:00:00+08:00"))->id == "area-2");
  CHECK(org.FindArea("area-2")->office_mode == internal::OfficeMode::kPerTownship);
  CHECK(org.LeadershipOf("area-2", Instant("2022-06-02T00:00:00+08:00"))->area_chief ==
        "SX-OF-0001");
  CHECK(org.LeadershipOf("area-2", Instant("2022-05-01T00:00:00+08:00")) == nullptr);
  CHECK(org.OfficersOfArea("area-2", Date{2022, 6, 1}) == std::vector<std::string>{"SX-OF-0002"});
  CHECK(org.OfficersOfArea("area-2", Date{2022, 5, 31}).empty());
  CHECK(org.AssignmentCount(Date{2022, 7, 1}) == 1);
  CHECK(org.DistinctOfficerCount(Date{2022, 7, 1}) == 1);

  // The grid: enforcement_area and grid_area are different things.
  CHECK(org.FindArea("GA-FG-02-01") == nullptr);
  CHECK(org.FindGridNode("GA-FG-02-01")->level == internal::GridLevel::kGridArea);
  REQUIRE(org.TownshipOfGridNode("MG-0457") != nullptr);
  CHECK(org.TownshipOfGridNode("MG-0457")->id == "fenggang");
  CHECK(org.TownshipOfGridNode("grid-sx") == nullptr);
  CHECK(org.TownshipOfGridNode("MG-9999") == nullptr);
}

TEST_CASE("Org changes are new versions answered as of their instant", "[rules][org]") {
  auto engine = MemoryEngine();
  SeedSmallOrg(*engine);
  Apply(*engine, Org("register_enforcement_area", "area-1",
                     {{"area_id", "area-1"},
                      {"name", "第一片区"},
                      {"district", "sx"},
                      {"office_mode", "centralised"},
                      {"area_chief", "SX-OF-0004"},
                      {"coordination_leader", "SX-OF-0002"},
                      {"townships", {"fenggang"}}},
                     "2022-06-01T09:00:00+08:00"));
  Apply(*engine, Org("change_area_leadership", "lead-1",
                     {{"area", "area-2"},
                      {"area_chief", "SX-OF-0004"},
                      {"effective_from", "2023-01-01"},
                      {"reason", "片长轮换"}},
                     "2022-12-20T09:00:00+08:00"));
  Apply(*engine, Org("move_township_to_area", "move-1",
                     {{"township", "gaosha"}, {"area", "area-1"}, {"effective_from", "2023-07-01"}},
                     "2023-06-20T09:00:00+08:00"));
  Apply(*engine, Org("assign_officer_to_area", "a2",
                     {{"officer", "SX-OF-0002"},
                      {"area", "area-1"},
                      {"mode", "remote_liaison"},
                      {"from", "2022-06-01"}},
                     "2022-06-01T09:00:00+08:00"));
  Apply(*engine, Org("end_area_assignment", "end-1",
                     {{"officer", "SX-OF-0002"}, {"area", "area-2"}, {"ended_on", "2023-06-30"}},
                     "2023-06-30T17:00:00+08:00"));
  // Re-assigned after the end: not an overlap.
  Apply(*engine, Org("assign_officer_to_area", "a3",
                     {{"officer", "SX-OF-0002"},
                      {"area", "area-2"},
                      {"mode", "semi_stationed"},
                      {"from", "2024-01-01"},
                      {"to", "2024-12-31"}},
                     "2023-12-20T09:00:00+08:00"));
  RuleBook rules = Fold(*engine);
  const OrgModel& org = rules.org();

  const auto lead_2022 = org.LeadershipOf("area-2", Instant("2022-12-31T23:59:59+08:00"));
  const auto lead_2023 = org.LeadershipOf("area-2", Instant("2023-01-01T00:00:00+08:00"));
  CHECK(lead_2022->area_chief == "SX-OF-0001");
  CHECK(lead_2023->area_chief == "SX-OF-0004");
  CHECK(lead_2023->coordination_leader == "SX-OF-0003");  // kept when not named

  CHECK(org.AreaOfTownship("gaosha", Instant("2023-06-30T23:59:59+08:00"))->id == "area-2");
  CHECK(org.AreaOfTownship("gaosha", Instant("2023-07-01T00:00:00+08:00"))->id == "area-1");
  CHECK(org.TownshipsOfArea("area-1", Instant("2023-07-02T00:00:00+08:00")) ==
        std::vector<std::string>{"fenggang", "gaosha"});
  CHECK(org.TownshipsOfArea("area-2", Instant("2023-07-02T00:00:00+08:00")).empty());

  // One officer in two areas: two assignments, one distinct officer.
  CHECK(org.AssignmentCount(Date{2023, 6, 30}) == 2);
  CHECK(org.DistinctOfficerCount(Date{2023, 6, 30}) == 1);
  CHECK(org.AssignmentCount(Date{2023, 7, 1}) == 1);
  CHECK(org.OfficersOfArea("area-2", Date{2023, 7, 1}).empty());
  CHECK(org.OfficersOfArea("area-2", Date{2024, 6, 1}) == std::vector<std::string>{"SX-OF-0002"});
  CHECK(org.AssignmentsOf("SX-OF-0002", "area-2").size() == 2);
  CheckEventSchemas(*engine);
}

TEST_CASE("A credential is valid from valid_from to valid_to unless revoked", "[rules][org]") {
  auto engine = MemoryEngine();
  SeedSmallOrg(*engine);
  Apply(*engine, Org("issue_credential", "c-old",
                     Credential("闽G11170002", "SX-OF-0002", "2017-03-01", "2022-02-28")));
  Apply(*engine, Org("issue_credential", "c-new",
                     Credential("闽G11220002", "SX-OF-0002", "2022-04-01", "2027-03-31")));
  Apply(*engine,
        Org("issue_credential", "c-3",
            Credential("闽G30220003", "SX-OF-0003", "2022-06-01", "2027-05-31", "gaosha")));
  Apply(*engine, Org("revoke_credential", "c-3-rev",
                     {{"credential_number", "闽G30220003"},
                      {"revoked_on", "2023-03-01"},
                      {"reason", "调离执法岗位"}},
                     "2023-03-01T09:00:00+08:00"));
  RuleBook rules = Fold(*engine);
  const OrgModel& org = rules.org();

  auto number = [&](std::string_view officer, Date date) -> std::string {
    const internal::Credential* c = org.ValidCredential(officer, date);
    return c ? c->number : "";
  };
  CHECK(number("SX-OF-0002", Date{2017, 2, 28}) == "");             // before
  CHECK(number("SX-OF-0002", Date{2017, 3, 1}) == "闽G11170002");   // first day
  CHECK(number("SX-OF-0002", Date{2022, 2, 28}) == "闽G11170002");  // last day, inclusive
  CHECK(number("SX-OF-0002", Date{2022, 3, 15}) == "");             // gap at renewal
  CHECK(number("SX-OF-0002", Date{2023, 9, 27}) == "闽G11220002");
  CHECK(number("SX-OF-0002", Date{2027, 4, 1}) == "");  // after
  CHECK(number("SX-OF-0003", Date{2023, 2, 28}) == "闽G30220003");
  CHECK(number("SX-OF-0003", Date{2023, 3, 1}) == "");  // revoked from that day
  CHECK(number("SX-OF-0001", Date{2023, 3, 1}) == "");  // never held one
  CHECK(org.CredentialsOf("SX-OF-0002").size() == 2);
  CHECK(org.FindCredential("闽G30220003")->revocation_reason == "调离执法岗位");
  CheckEventSchemas(*engine);
}

TEST_CASE("Org commands are refused with a stable code, a basis and the field", "[rules][org]") {
  auto engine = MemoryEngine();
  SeedSmallOrg(*engine);
  Apply(*engine, Org("issue_credential", "c-2",
                     Credential("闽G11220002", "SX-OF-0002", "2022-04-01", "2027-03-31")));
  Apply(*engine, Org("revoke_credential", "c-2-rev",
                     {{"credential_number", "闽G11220002"},
                      {"revoked_on", "2023-03-01"},
                      {"reason", "调离"}}));

  struct Case {
    Command command;
    std::string code;
    std::string pointer;
  };
  const boost::json::object area{
      {"area_id", "area-3"},        {"name", "第三片区"},
      {"district", "sx"},           {"office_mode", "per_township"},
      {"area_chief", "SX-OF-0001"}, {"coordination_leader", "SX-OF-0002"},
      {"townships", {"gaoqiao"}}};
  auto with = [](boost::json::object data, std::string key, boost::json::value value) {
    data[key] = std::move(value);
    return data;
  };
  const std::vector<Case> cases = {
      {Org("register_district", "x1", {{"district_id", "sx2"}, {"name", "x"}, {"legal_name", "x"}}),
       "org_unit_exists", "/data/district_id"},
      {Org("register_township", "x2",
           {{"township_id", "sx-emergency"},
            {"name", "x"},
            {"kind", "town"},
            {"legal_name", "x"},
            {"district", "sx"}}),
       "org_unit_exists", "/data/township_id"},
      {Org("register_officer", "x3", Officer("SX-OF-0001", "sx-emergency")), "org_unit_exists",
       "/data/officer_id"},
      {Org("register_department", "x4",
           {{"department_id", "sx-water"},
            {"name", "x"},
            {"legal_name", "x"},
            {"level", "district"},
            {"district", "yongan"}}),
       "unknown_district", "/data/district"},
      {Org("register_brigade", "x5",
           {{"brigade_id", "nowhere-brigade"},
            {"township", "nowhere"},
            {"name", "x"},
            {"created_on", "2022-05-18"}}),
       "unknown_township", "/data/township"},
      {Org("register_brigade", "x6",
           {{"brigade_id", "gaosha-brigade-2"},
            {"township", "gaosha"},
            {"name", "x"},
            {"created_on", "2022-05-18"}}),
       "brigade_exists", "/data/township"},
      {Org("register_officer", "x8", Officer("SX-OF-0009", "sx-nowhere")), "unknown_agency",
       "/data/agency"},
      {Org("issue_credential", "x9",
           Credential("闽G11229999", "SX-OF-0001", "2022-04-01", "2022-03-31")),
       "credential_dates_invalid", "/data/valid_to"},
      {Org("issue_credential", "x10",
           Credential("闽G11220002", "SX-OF-0001", "2022-04-01", "2027-03-31")),
       "credential_exists", "/data/credential_number"},
      {Org("issue_credential", "x11",
           Credential("闽G11229998", "SX-OF-0099", "2022-04-01", "2027-03-31")),
       "unknown_officer", "/data/officer"},
      {Org("issue_credential", "x12",
           Credential("闽G11229997", "SX-OF-0001", "2022-04-01", "2027-03-31", "sx-nowhere")),
       "unknown_agency", "/data/agency"},
      {Org("revoke_credential", "x13",
           {{"credential_number", "闽G00000000"}, {"revoked_on", "2023-03-01"}, {"reason", "x"}}),
       "unknown_credential", "/data/credential_number"},
      {Org("revoke_credential", "x14",
           {{"credential_number", "闽G11220002"}, {"revoked_on", "2023-04-01"}, {"reason", "x"}}),
       "credential_already_revoked", "/data/credential_number"},
      {Org("register_enforcement_area", "x15", with(area, "area_chief", "SX-OF-0003")),
       "area_chief_not_department_leader", "/data/area_chief"},
      {Org("register_enforcement_area", "x16", with(area, "area_chief", "SX-OF-0099")),
       "unknown_officer", "/data/area_chief"},
      {Org("register_enforcement_area", "x17", with(area, "coordination_leader", "SX-OF-0099")),
       "unknown_officer", "/data/coordination_leader"},
      {Org("register_enforcement_area", "x18", with(area, "townships", {"gaoqiao", "nowhere"})),
       "unknown_township", "/data/townships/1"},
      {Org("register_enforcement_area", "x19", with(area, "townships", {"gaoqiao", "gaosha"}),
           "2022-07-01T09:00:00+08:00"),
       "township_already_in_area", "/data/townships/1"},
      {Org("register_enforcement_area", "x20", with(area, "area_id", "area-2")), "org_unit_exists",
       "/data/area_id"},
      {Org("change_area_leadership", "x21", {{"area", "area-9"}, {"area_chief", "SX-OF-0001"}}),
       "unknown_area", "/data/area"},
      {Org("change_area_leadership", "x22",
           {{"area", "area-2"}, {"area_chief", "SX-OF-0003"}, {"effective_from", "2023-01-01"}}),
       "area_chief_not_department_leader", "/data/area_chief"},
      {Org("change_area_leadership", "x23",
           {{"area", "area-2"}, {"area_chief", "SX-OF-0001"}, {"effective_from", "2023-01-01"}}),
       "area_leadership_unchanged", "/data"},
      {Org("change_area_leadership", "x24",
           {{"area", "area-2"}, {"area_chief", "SX-OF-0004"}, {"effective_from", "2021-01-01"}}),
       "date_invalid", "/data/effective_from"},
      {Org("move_township_to_area", "x25",
           {{"township", "gaosha"}, {"area", "area-2"}, {"effective_from", "2023-01-01"}}),
       "township_already_in_area", "/data/area"},
      {Org("move_township_to_area", "x26", {{"township", "gaosha"}, {"area", "area-7"}}),
       "unknown_area", "/data/area"},
      {Org("assign_officer_to_area", "x27",
           {{"officer", "SX-OF-0002"},
            {"area", "area-2"},
            {"mode", "stationed"},
            {"from", "2023-01-01"}}),
       "assignment_exists", "/data/area"},
      {Org("assign_officer_to_area", "x28",
           {{"officer", "SX-OF-0004"},
            {"area", "area-2"},
            {"mode", "stationed"},
            {"from", "2023-01-01"},
            {"to", "2022-12-31"}}),
       "assignment_dates_invalid", "/data/to"},
      {Org("assign_officer_to_area", "x29",
           {{"officer", "SX-OF-0099"},
            {"area", "area-2"},
            {"mode", "stationed"},
            {"from", "2023-01-01"}}),
       "unknown_officer", "/data/officer"},
      {Org("end_area_assignment", "x30",
           {{"officer", "SX-OF-0004"}, {"area", "area-2"}, {"ended_on", "2023-01-01"}}),
       "unknown_assignment", "/data/area"},
      {Org("end_area_assignment", "x31",
           {{"officer", "SX-OF-0002"}, {"area", "area-2"}, {"ended_on", "2022-05-31"}}),
       "assignment_dates_invalid", "/data/ended_on"},
      {Org("register_grid_node", "x32",
           {{"node_id", "MG-0458"},
            {"name", "x"},
            {"level", "micro_grid"},
            {"parent", "CM-FG-02"}}),
       "grid_level_invalid", "/data/level"},
      {Org("register_grid_node", "x33",
           {{"node_id", "MG-0458"}, {"name", "x"}, {"level", "micro_grid"}, {"parent", "GA-X"}}),
       "unknown_grid_parent", "/data/parent"},
      {Org("register_grid_node", "x34",
           {{"node_id", "MG-0458"}, {"name", "x"}, {"level", "micro_grid"}}),
       "grid_level_invalid", "/data/parent"},
      {Org("register_grid_node", "x35",
           {{"node_id", "grid-qiujiang"},
            {"name", "x"},
            {"level", "subdistrict"},
            {"parent", "grid-sx"}}),
       "grid_level_invalid", "/data/township"},
      {Org("register_grid_node", "x36",
           {{"node_id", "grid-x"},
            {"name", "x"},
            {"level", "subdistrict"},
            {"parent", "grid-sx"},
            {"township", "qiujiang"}}),
       "unknown_township", "/data/township"},
      {Org("register_grid_node", "x37",
           {{"node_id", "CM-FG-03"},
            {"name", "x"},
            {"level", "community"},
            {"parent", "grid-fenggang"},
            {"township", "fenggang"}}),
       "grid_level_invalid", "/data/township"},
      {Org("register_grid_node", "x38",
           {{"node_id", "grid-root-2"},
            {"name", "x"},
            {"level", "district"},
            {"parent", "grid-sx"}}),
       "grid_level_invalid", "/data/parent"},
      {Org("register_grid_node", "x39",
           {{"node_id", "MG-0457"},
            {"name", "x"},
            {"level", "micro_grid"},
            {"parent", "GA-FG-02-01"}}),
       "org_unit_exists", "/data/node_id"},
  };
  const std::uint64_t before = engine->store()->Ledger().position;
  for (const Case& c : cases) {
    INFO(c.command.command_id << " expects " << c.code);
    Rejection r = Refused(*engine, c.command);
    CHECK(r.code == c.code);
    CHECK(r.pointer == c.pointer);
  }
  CHECK(engine->store()->Ledger().position == before);  // nothing recorded
}

// Issue 15 item 7: an area chief is a deputy-section-level (or higher)
// leader of a district department (docs/domain.md, Roles); the officer's rank is an
// optional org fact.
TEST_CASE("An area chief of rank staff is refused, a deputy-section-level leader is accepted",
          "[rules][org][area]") {
  auto ranked = [](std::string id, std::string rank, std::string post) {
    boost::json::object o = Officer(std::move(id), "sx-emergency");
    o["rank"] = std::move(rank);
    o["post"] = std::move(post);
    return o;
  };
  const boost::json::object area{
      {"area_id", "area-3"},        {"name", "第三片区"},
      {"district", "sx"},           {"office_mode", "per_township"},
      {"area_chief", "SX-OF-0010"}, {"coordination_leader", "SX-OF-0002"},
      {"townships", {"gaoqiao"}}};
  auto with_chief = [&](std::string chief) {
    boost::json::object data = area;
    data["area_chief"] = std::move(chief);
    return data;
  };
  SECTION("default options") {
    auto engine = MemoryEngine();
    SeedSmallOrg(*engine);
    Apply(*engine, Org("register_officer", "o10", ranked("SX-OF-0010", "staff", "科员")));
    Apply(*engine,
          Org("register_officer", "o11", ranked("SX-OF-0011", "deputy_section", "副局长")));
    const Rejection staff = Refused(*engine, Org("register_enforcement_area", "a3", area));
    CHECK(staff.code == "area_chief_rank_too_low");
    CHECK(staff.pointer == "/data/area_chief");
    const Rejection change =
        Refused(*engine, Org("change_area_leadership", "c2",
                             {{"area", "area-2"},
                              {"area_chief", "SX-OF-0010"},
                              {"effective_from", "2023-01-01"}}));
    CHECK(change.code == "area_chief_rank_too_low");
    // A leader, and an officer registered without a rank (the sample's), are accepted.
    Apply(*engine, Org("register_enforcement_area", "a3-ok", with_chief("SX-OF-0011")));
    Apply(*engine, Org("change_area_leadership", "c2-ok",
                       {{"area", "area-2"},
                        {"area_chief", "SX-OF-0002"},
                        {"effective_from", "2023-01-01"}}));
    const RuleBook rules = Fold(*engine);
    REQUIRE(rules.org().FindOfficer("SX-OF-0011") != nullptr);
    CHECK(rules.org().FindOfficer("SX-OF-0011")->rank == "deputy_section");
    CHECK(rules.org().FindOfficer("SX-OF-0011")->post == "副局长");
    CHECK(rules.org().FindOfficer("SX-OF-0002")->rank.empty());
    CheckEventSchemas(*engine);
  }
  SECTION("area_chief_rank_required: an officer without a recorded rank is refused") {
    // Seeded under the defaults (the seed's area chief has no rank), then
    // reopened with the option.
    auto store = NewMemoryEventStore();
    REQUIRE(store.ok());
    std::shared_ptr<EventStore> shared(std::move(*store));
    {
      auto seeding = Engine::Open(EngineOptions{}, shared);
      REQUIRE(seeding.ok());
      SeedSmallOrg(**seeding);
      Apply(**seeding, Org("register_officer", "o11", ranked("SX-OF-0011", "section", "局长")));
    }
    EngineOptions options;
    options.area_chief_rank_required = true;
    auto opened = Engine::Open(options, shared);
    REQUIRE(opened.ok());
    Engine& engine = **opened;
    const Rejection unknown =
        Refused(engine, Org("register_enforcement_area", "a3", with_chief("SX-OF-0002")));
    CHECK(unknown.code == "area_chief_rank_too_low");
    Apply(engine, Org("register_enforcement_area", "a3-ok", with_chief("SX-OF-0011")));
  }
}

TEST_CASE("Org command data is checked against its schema first", "[rules][org]") {
  auto engine = MemoryEngine();
  SeedSmallOrg(*engine);
  auto bad_mode = engine->Execute(Org(
      "assign_officer_to_area", "s1",
      {{"officer", "SX-OF-0002"}, {"area", "area-2"}, {"mode", "wechat"}, {"from", "2023-01-01"}}));
  CHECK(bad_mode.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad_mode.status().subject() == "/data/mode");
  auto no_change = engine->Execute(Org("change_area_leadership", "s2", {{"area", "area-2"}}));
  CHECK(no_change.status().code() == StatusCode::kInvalidArgument);
  auto bad_role =
      engine->Execute(Org("register_officer", "s3", Officer("SX-OF-0010", "gaosha", {"party"})));
  CHECK(bad_role.status().code() == StatusCode::kInvalidArgument);
  // A day the calendar does not have is invalid input, found by the schema
  // validator for every date field (no decider sees it).
  auto bad_day = engine->Execute(Org(
      "register_brigade", "s4",
      {{"brigade_id", "fenggang-brigade"}, {"township", "fenggang"}, {"name", "x"},
       {"created_on", "2022-02-30"}}));
  CHECK(bad_day.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad_day.status().subject() == "/data/created_on");
  CHECK(engine->store()->ReadCommand("s4").status().code() == StatusCode::kNotFound);
}

TEST_CASE("The Shaxian org sample loads: 93 officers hold 113 area assignments",
          "[rules][org][sample]") {
  auto engine = MemoryEngine();
  std::vector<Command> commands = ReadCommands("examples/shaxian/01-calendar.jsonl");
  for (Command& c : ReadCommands("examples/shaxian/02-org.jsonl")) commands.push_back(std::move(c));
  auto results = engine->ExecuteBatch(commands, BatchMode::kAtomic);
  REQUIRE(results.ok());
  for (std::size_t i = 0; i < results->size(); ++i) {
    const auto& r = (*results)[i];
    INFO(commands[i].command_id << ": " << (r.ok() ? "" : r.status().ToString())
                                << (r.ok() && r->rejection ? r->rejection->code : ""));
    REQUIRE(r.ok());
    CHECK(r->outcome == CommandResult::Outcome::kApplied);
  }
  RuleBook rules = Fold(*engine);
  const OrgModel& org = rules.org();
  const Date day{2023, 9, 27};
  const std::int64_t instant = Instant("2023-09-27T09:00:00+08:00");

  CHECK(org.Townships().size() == 12);
  CHECK(org.Departments().size() >= 16);
  CHECK(org.Areas().size() == 4);
  CHECK(org.DistinctOfficerCount(day) == 93);
  CHECK(org.AssignmentCount(day) == 113);
  for (const auto* area : org.Areas()) {
    INFO(area->id);
    const std::size_t headcount = org.OfficersOfArea(area->id, day).size();
    CHECK(headcount >= 26);
    CHECK(headcount <= 30);
    const auto* lead = org.LeadershipOf(area->id, instant);
    REQUIRE(lead != nullptr);
    CHECK(org.FindDepartment(org.FindOfficer(lead->area_chief)->agency) != nullptr);
    CHECK(org.TownshipsOfArea(area->id, instant).size() == 3);
  }
  for (const auto* township : org.Townships()) {
    INFO(township->id);
    CHECK(org.AreaOfTownship(township->id, instant) != nullptr);
    CHECK(org.FindBrigade(township->brigade_id) != nullptr);
  }
  CHECK(org.AreaOfTownship("gaosha", instant)->id == "area-2");  // the one mapping the seed gives
  CHECK(org.FindArea("area-1")->office_mode == internal::OfficeMode::kCentralised);
  CHECK(org.TownshipOfGridNode("MG-0457")->id == "fenggang");  // scenario 3
  CHECK(org.LegalNameOf("sx-eco") == "三明市生态环境局");
  CHECK(org.LegalNameOf("gaosha") == "三明市沙县区高砂镇人民政府");
  CHECK(org.FindDepartment("sx-urban")->designation == "coordinating_bureau");
  // Every deployed officer holds a credential in force on the day.
  std::size_t credentialed = 0;
  for (const auto* area : org.Areas()) {
    for (const std::string& officer : org.OfficersOfArea(area->id, day)) {
      credentialed += org.ValidCredential(officer, day) != nullptr;
    }
  }
  CHECK(credentialed == 113);
  CheckEventSchemas(*engine);
}

// --- Electronic seals (issue 14 §4): register_agency_seal, revoke_agency_seal

TEST_CASE("org: agency seals are registered and revoked, with each rejection code", "[org][seal]") {
  auto engine = MemoryEngine();
  testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl"});
  auto pem = [](const char* file) {
    auto key = internal::LoadSm2PublicKeyPem(std::string(ZF_SOURCE_DIR) +
                                             "/examples/shaxian/keys/" + file);
    REQUIRE(key.ok());
    return std::pair{internal::PublicKeyPem(*key), key->Fingerprint()};
  };
  const auto [gaosha_pem, gaosha_id] = pem("seals/gaosha.pem");
  const auto [other_pem, other_id] = pem("other-test.pem");
  constexpr const char* kLater = "2023-03-02T09:00:00+08:00";
  Apply(*engine, Org("register_agency_seal", "s-1",
                     {{"agency", "gaosha"}, {"public_key", gaosha_pem}, {"valid_from", "2024-01-01"},
                      {"note", "测试"}},
                     kLater));
  Apply(*engine, Org("register_agency_seal", "s-2",
                     {{"agency", "gaosha"}, {"public_key", other_pem}, {"valid_from", "2025-01-01"}},
                     kLater));
  Apply(*engine, Org("revoke_agency_seal", "s-2-rev",
                     {{"agency", "gaosha"},
                      {"key_id", other_id},
                      {"revoked_on", "2025-06-01"},
                      {"reason", "私钥泄露"}},
                     kLater));
  testing::CheckEventSchemas(*engine, "org");
  {
    const RuleBook rules = Fold(*engine);
    const OrgModel& org = rules.org();
    CHECK(org.SealInForce("gaosha", Date{2023, 12, 31}) == nullptr);
    REQUIRE(org.SealInForce("gaosha", Date{2024, 1, 1}) != nullptr);
    CHECK(org.SealInForce("gaosha", Date{2024, 1, 1})->key_id == gaosha_id);
    // The newer key wins from its first day, until its revocation.
    CHECK(org.SealInForce("gaosha", Date{2025, 1, 1})->key_id == other_id);
    CHECK(org.SealInForce("gaosha", Date{2025, 5, 31})->key_id == other_id);
    CHECK(org.SealInForce("gaosha", Date{2025, 6, 1})->key_id == gaosha_id);
    CHECK(org.FindSeal(other_id)->revocation_reason == "私钥泄露");
    CHECK(org.SealInForce("sx-market", Date{2025, 1, 1}) == nullptr);
  }
  struct Case {
    Command command;
    std::string code;
    std::string pointer;
  };
  const std::string junk = "-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                           "-----END PUBLIC KEY-----\n";
  const std::vector<Case> cases = {
      {Org("register_agency_seal", "y1",
           {{"agency", "sx-nowhere"}, {"public_key", gaosha_pem}, {"valid_from", "2024-01-01"}},
           kLater),
       "unknown_agency", "/data/agency"},
      {Org("register_agency_seal", "y2",
           {{"agency", "gaosha"}, {"public_key", junk}, {"valid_from", "2024-01-01"}}, kLater),
       "seal_key_invalid", "/data/public_key"},
      {Org("register_agency_seal", "y3",
           {{"agency", "sx-market"}, {"public_key", gaosha_pem}, {"valid_from", "2024-01-01"}},
           kLater),
       "seal_key_exists", "/data/public_key"},
      {Org("revoke_agency_seal", "y4",
           {{"agency", "sx-market"},
            {"key_id", gaosha_id},
            {"revoked_on", "2025-01-01"},
            {"reason", "x"}},
           kLater),
       "unknown_seal", "/data/key_id"},
      {Org("revoke_agency_seal", "y5",
           {{"agency", "gaosha"}, {"key_id", other_id}, {"revoked_on", "2025-07-01"},
            {"reason", "x"}},
           kLater),
       "seal_already_revoked", "/data/key_id"},
  };
  for (const Case& c : cases) {
    INFO(c.command.command_id);
    const Rejection r = Refused(*engine, c.command);
    CHECK(r.code == c.code);
    CHECK(r.pointer == c.pointer);
  }
}

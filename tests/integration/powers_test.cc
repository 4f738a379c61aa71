// rules/powers: power items and their versions, delegation decisions,
// acceptance, claims, and the competence resolution of docs/domain.md, Competence resolution
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>
#include <fstream>

#include "rules/power_list.h"
#include "support/test_support.h"
#include "zf/engine.h"
#include "zf/event_json.h"

using namespace zf;

namespace {

std::unique_ptr<Engine> BareEngine(EngineOptions options = {}) {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  auto engine = Engine::Open(options, std::shared_ptr<EventStore>(std::move(*store)));
  REQUIRE(engine.ok());
  return std::move(*engine);
}

int g_next_id = 0;

Command Make(std::string type, boost::json::object data,
             std::string at = "2022-06-01T09:00:00+08:00") {
  Command c;
  c.type = std::move(type);
  c.command_id = "powers-test-" + std::to_string(++g_next_id);
  c.at = std::move(at);
  c.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice"};
  c.data = std::move(data);
  return c;
}

boost::json::array Strings(std::initializer_list<std::string_view> values) {
  boost::json::array out;
  for (std::string_view v : values) out.emplace_back(v);
  return out;
}

boost::json::object Item(std::string code, std::string from, std::string name = "",
                         std::string subject = "sx-emergency") {
  return boost::json::object{
      {"item_code", code},
      {"name", name.empty() ? "生产经营单位未建立特种作业人员档案" : name},
      {"legal_basis",
       boost::json::array{
           boost::json::object{{"instrument", "《特种作业人员安全技术培训考核管理规定》"},
                               {"article", "第三十条"},
                               {"role", "violated"}},
           boost::json::object{{"instrument", "《特种作业人员安全技术培训考核管理规定》"},
                               {"article", "第三十八条"},
                               {"role", "penalty"}}}},
      {"power_type", "administrative_penalty"},
      {"original_subject", subject},
      {"domain", "safety_production"},
      {"penalty_types", Strings({"warning", "fine"})},
      {"effective_from", from}};
}

Command Publish(boost::json::object item) { return Make("publish_power_item", std::move(item)); }

Command Delegate(std::string batch, boost::json::array townships, boost::json::array items,
                 std::string decided = "2022-06-20", std::string from = "2022-07-01") {
  return Make("decide_delegation", {{"batch", batch},
                                    {"title", "关于赋予乡镇（街道）部分县级行政处罚权的决定"},
                                    {"decided_on", decided},
                                    {"effective_from", from},
                                    {"grants", boost::json::array{boost::json::object{
                                                   {"townships", townships}, {"items", items}}}}});
}

Command Confirm(std::string township, boost::json::array items,
                std::string signed_on = "2022-11-15", std::string batch = "sx-2022-1") {
  return Make("confirm_delegation", {{"township", township},
                                     {"batch", batch},
                                     {"signed_on", signed_on},
                                     {"accepted_item_codes", items}});
}

Command Claim(std::string subject, boost::json::array items, std::string on = "2022-12-01") {
  return Make("claim_item", {{"subject_id", subject}, {"item_codes", items}, {"claimed_on", on}});
}

// Applies every command, REQUIREing each to apply.
void ApplyAll(Engine& engine, std::vector<Command> commands) {
  for (const Command& c : commands) {
    auto r = engine.Execute(c);
    INFO(c.type << " " << r.status().ToString());
    REQUIRE(r.ok());
    INFO(c.type << " " << (r->rejection ? r->rejection->code + ": " + r->rejection->message : ""));
    REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
  }
}

// The org units the fixtures name: the district, two departments (sx-eco a
// city-level branch) and three towns. Anything else is unknown to org.
void SeedOrg(Engine& engine) {
  std::vector<Command> org = {
      Make("register_district",
           {{"district_id", "sx"}, {"name", "沙县区"}, {"legal_name", "三明市沙县区人民政府"}}),
      Make("register_department", {{"department_id", "sx-emergency"},
                                   {"name", "三明市沙县区应急管理局"},
                                   {"legal_name", "三明市沙县区应急管理局"},
                                   {"level", "district"},
                                   {"district", "sx"}}),
      Make("register_department", {{"department_id", "sx-eco"},
                                   {"name", "三明市沙县生态环境局"},
                                   {"legal_name", "三明市生态环境局"},
                                   {"level", "city"},
                                   {"district", "sx"}})};
  for (auto [id, name] : {std::pair{"gaosha", "高砂镇"}, std::pair{"qingzhou", "青州镇"},
                          std::pair{"xiamao", "夏茂镇"}}) {
    org.push_back(Make("register_township",
                       {{"township_id", id},
                        {"name", name},
                        {"kind", "town"},
                        {"legal_name", fmt::format("三明市沙县区{}人民政府", name)},
                        {"district", "sx"}}));
  }
  ApplyAll(engine, std::move(org));
}

// An engine whose org knows the fixtures' units.
std::unique_ptr<Engine> MemoryEngine(EngineOptions options = {}) {
  auto engine = BareEngine(std::move(options));
  SeedOrg(*engine);
  return engine;
}

// The rejection code of `command`, or "" if it applied.
std::string RejectionCode(Engine& engine, const Command& command) {
  auto r = engine.Execute(command);
  REQUIRE(r.ok());
  return r->rejection ? r->rejection->code : "";
}

std::string RejectionPointer(Engine& engine, const Command& command) {
  auto r = engine.Execute(command);
  REQUIRE(r.ok());
  REQUIRE(r->rejection);
  return r->rejection->pointer;
}

// Two items, delegated to gaosha and qingzhou; gaosha accepts and claims
// SAFE-017, qingzhou accepts neither; gaosha accepts SAFE-018 but does not
// claim it.
std::unique_ptr<Engine> DelegatedFixture(EngineOptions options = {}) {
  auto engine = MemoryEngine(std::move(options));
  ApplyAll(*engine, {Publish(Item("SAFE-017", "2021-07-15")),
                     Publish(Item("SAFE-018", "2021-07-15", "未如实记录安全生产教育和培训情况")),
                     Publish(Item("ECO-001", "2021-07-15",
                                  "未依法报批建设项目环境影响评价文件擅自开工建设", "sx-eco")),
                     Delegate("sx-2022-1", Strings({"gaosha", "qingzhou"}),
                              Strings({"SAFE-017", "SAFE-018"})),
                     Confirm("gaosha", Strings({"SAFE-017", "SAFE-018"})),
                     Confirm("qingzhou", Strings({})), Claim("gaosha", Strings({"SAFE-017"}))});
  return engine;
}

CompetenceAnswer Ask(Engine& engine, std::string_view item, std::string_view township,
                     std::string_view as_of) {
  auto answer = engine.Competent(item, township, as_of);
  REQUIRE(answer.ok());
  return *answer;
}

}  // namespace

// --- Commands and rejections -------------------------------------------------

TEST_CASE("publish_power_item records versions and refuses an unchanged or earlier one",
          "[rules][powers]") {
  auto engine = MemoryEngine();
  auto first = engine->Execute(Publish(Item("SAFE-017", "2021-07-15")));
  REQUIRE(first.ok());
  REQUIRE(first->outcome == CommandResult::Outcome::kApplied);
  CHECK(first->stream == "rules/powers");
  CHECK(first->event_types == std::vector<std::string>{"power_item_published"});
  auto event = engine->store()->ReadEvent(first->append.first_position);
  REQUIRE(event.ok());
  CHECK(event->data.at("version").as_int64() == 1);

  CHECK(RejectionCode(*engine, Publish(Item("SAFE-017", "2023-07-01"))) == "power_item_unchanged");
  CHECK(RejectionCode(*engine, Publish(Item("SAFE-017", "2021-01-01", "改名"))) ==
        "effective_from_out_of_order");
  CHECK(RejectionPointer(*engine, Publish(Item("SAFE-017", "2021-01-01", "改名"))) ==
        "/data/effective_from");

  auto second =
      engine->Execute(Publish(Item("SAFE-017", "2023-07-01", "未建立健全特种作业人员档案")));
  REQUIRE(second.ok());
  REQUIRE(second->outcome == CommandResult::Outcome::kApplied);
  auto event2 = engine->store()->ReadEvent(second->append.first_position);
  REQUIRE(event2.ok());
  CHECK(event2->data.at("version").as_int64() == 2);
  CHECK(event2->data.at("supersedes_version").as_int64() == 1);
}

TEST_CASE("A penalty item must cite its penalty provision and penalty types", "[rules][powers]") {
  auto engine = MemoryEngine();
  boost::json::object no_penalty_provision = Item("SAFE-001", "2021-07-15");
  no_penalty_provision["legal_basis"].as_array().pop_back();
  CHECK(RejectionCode(*engine, Publish(no_penalty_provision)) ==
        "legal_basis_missing_penalty_provision");
  boost::json::object no_types = Item("SAFE-001", "2021-07-15");
  no_types["penalty_types"] = boost::json::array{};
  CHECK(RejectionCode(*engine, Publish(no_types)) == "penalty_types_missing");

  boost::json::object bad_date = Item("SAFE-001", "2023-02-30");
  auto impossible = engine->Execute(Publish(bad_date));
  CHECK(impossible.status().code() == StatusCode::kInvalidArgument);
  CHECK(impossible.status().subject() == "/data/effective_from");

  // The schema refuses an unknown penalty type before any decider runs.
  boost::json::object bad_type = Item("SAFE-001", "2021-07-15");
  bad_type["penalty_types"] = Strings({"flogging"});
  auto r = engine->Execute(Publish(bad_type));
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("A power item's original subject must be a department registered in org",
          "[rules][powers]") {
  auto engine = MemoryEngine();
  CHECK(RejectionCode(*engine, Publish(Item("SAFE-001", "2021-07-15", "", "sx-nowhere"))) ==
        "unknown_department");
  CHECK(RejectionPointer(*engine, Publish(Item("SAFE-001", "2021-07-15", "", "sx-nowhere"))) ==
        "/data/original_subject");
  // A township is no original subject: the list names the department.
  CHECK(RejectionCode(*engine, Publish(Item("SAFE-001", "2021-07-15", "", "gaosha"))) ==
        "unknown_department");
  // The city-level branch is a registered department.
  ApplyAll(*engine, {Publish(Item("ECO-001", "2021-07-15", "", "sx-eco"))});
  // The same command applies once org registers the department.
  ApplyAll(*engine, {Make("register_department", {{"department_id", "sx-nowhere"},
                                                  {"name", "三明市沙县区某局"},
                                                  {"legal_name", "三明市沙县区某局"},
                                                  {"level", "district"},
                                                  {"district", "sx"}}),
                     Publish(Item("SAFE-001", "2021-07-15", "", "sx-nowhere"))});
}

TEST_CASE("withdraw_power_item rejections", "[rules][powers]") {
  auto engine = MemoryEngine();
  auto withdraw = [](std::string code, std::string from) {
    return Make("withdraw_power_item",
                {{"item_code", code}, {"effective_from", from}, {"reason", "法律依据已废止"}});
  };
  CHECK(RejectionCode(*engine, withdraw("SAFE-017", "2023-09-01")) == "power_item_not_found");
  ApplyAll(*engine, {Publish(Item("SAFE-017", "2021-07-15"))});
  CHECK(RejectionCode(*engine, withdraw("SAFE-017", "2021-07-14")) ==
        "effective_from_out_of_order");
  ApplyAll(*engine, {withdraw("SAFE-017", "2023-09-01")});
  CHECK(RejectionCode(*engine, withdraw("SAFE-017", "2023-10-01")) ==
        "power_item_already_withdrawn");
  // Published again after the withdrawal: version 2, in force again.
  ApplyAll(*engine, {Publish(Item("SAFE-017", "2024-01-01"))});
  auto restored = engine->PowerItems("2024-01-02", "SAFE-017", "");
  REQUIRE(restored.ok());
  REQUIRE(restored->size() == 1);
  CHECK(restored->front().version == 2);
  auto gap = engine->PowerItems("2023-12-31", "SAFE-017", "");
  REQUIRE(gap.ok());
  CHECK(gap->empty());
}

TEST_CASE("decide_delegation rejections", "[rules][powers]") {
  auto engine = MemoryEngine();
  ApplyAll(*engine, {Publish(Item("SAFE-017", "2021-07-15"))});
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-999"}))) ==
        "power_item_not_found");
  CHECK(RejectionPointer(*engine,
                         Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-017", "SAFE-999"}))) ==
        "/data/grants/0/items/1");
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-017"}),
                                        "2022-06-20", "2022-06-19")) ==
        "delegation_effective_before_decision");
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-017"}),
                                        "2021-01-01", "2021-01-01")) == "item_not_in_force");
  boost::json::object inspection = Item("INSP-001", "2021-07-15", "安全生产监督检查");
  inspection["power_type"] = "administrative_inspection";
  ApplyAll(*engine, {Publish(inspection)});
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"gaosha"}), Strings({"INSP-001"}))) ==
        "power_type_not_delegable");
  // Only a township registered in org can be granted powers; a
  // department is no township.
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"atlantis"}), Strings({"SAFE-017"}))) ==
        "township_unknown");
  CHECK(RejectionPointer(*engine, Delegate("b1", Strings({"gaosha", "sx-emergency"}),
                                           Strings({"SAFE-017"}))) ==
        "/data/grants/0/townships/1");
  ApplyAll(*engine, {Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-017"}))});
  CHECK(RejectionCode(*engine, Delegate("b1", Strings({"gaosha"}), Strings({"SAFE-017"}))) ==
        "delegation_batch_exists");
}

TEST_CASE("confirm_delegation accepts only what was delegated to the township", "[rules][powers]") {
  auto engine = MemoryEngine();
  ApplyAll(*engine, {Publish(Item("SAFE-017", "2021-07-15")),
                     Publish(Item("SAFE-018", "2021-07-15", "未如实记录安全生产教育和培训情况")),
                     Delegate("sx-2022-1", Strings({"gaosha"}), Strings({"SAFE-017"})),
                     Delegate("sx-2022-2", Strings({"qingzhou"}), Strings({"SAFE-018"}))});
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({"SAFE-017", "SAFE-018"}))) ==
        "item_not_delegated");
  CHECK(RejectionPointer(*engine, Confirm("gaosha", Strings({"SAFE-017", "SAFE-018"}))) ==
        "/data/accepted_item_codes/1");
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({"SAFE-017"}), "2022-11-15", "nope")) ==
        "delegation_batch_not_found");
  CHECK(RejectionCode(*engine, Confirm("xiamao", Strings({"SAFE-017"}))) ==
        "township_not_in_batch");
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({"SAFE-017"}), "2022-06-19")) ==
        "confirmation_before_decision");
  ApplyAll(*engine, {Confirm("gaosha", Strings({"SAFE-017"}), "2022-11-15")});
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({}), "2022-11-14")) ==
        "confirmation_out_of_order");
}

TEST_CASE("claim_item: townships claim delegated items, departments their own", "[rules][powers]") {
  auto engine = DelegatedFixture();
  CHECK(RejectionCode(*engine, Claim("nowhere", Strings({"SAFE-017"}))) == "subject_unknown");
  // org tells a township from a department: xiamao is a registered town
  // that no batch names, so it is a township without the delegation, not
  // an unknown subject nor a department holding nothing.
  CHECK(RejectionCode(*engine, Claim("xiamao", Strings({"SAFE-017"}))) == "item_not_delegated");
  CHECK(RejectionCode(*engine, Claim("gaosha", Strings({"SAFE-999"}))) == "power_item_not_found");
  CHECK(RejectionCode(*engine, Claim("gaosha", Strings({"ECO-001"}))) == "item_not_delegated");
  CHECK(RejectionCode(*engine, Claim("gaosha", Strings({"SAFE-018"}), "2022-06-30")) ==
        "item_not_delegated");  // the delegation takes effect 2022-07-01
  CHECK(RejectionCode(*engine, Claim("gaosha", Strings({"SAFE-017"}))) == "item_already_claimed");
  CHECK(RejectionCode(*engine, Claim("sx-eco", Strings({"SAFE-017"}))) == "subject_not_holder");
  CHECK(RejectionCode(*engine, Claim("sx-eco", Strings({"ECO-001"}), "2021-07-14")) ==
        "item_not_in_force");
  ApplyAll(*engine, {Claim("sx-eco", Strings({"ECO-001"}))});
}

TEST_CASE("withdraw_delegation rejections and explicit pairs", "[rules][powers]") {
  auto engine = DelegatedFixture();
  auto withdraw = [](boost::json::object extra, std::string from = "2023-03-01") {
    boost::json::object data{
        {"batch", "sx-2022-1"}, {"effective_from", from}, {"reason", "专业性强，乡镇承接能力不足"}};
    for (auto& [k, v] : extra) data[k] = v;
    return Make("withdraw_delegation", std::move(data));
  };
  CHECK(RejectionCode(*engine, withdraw({{"batch", "nope"}})) == "delegation_batch_not_found");
  CHECK(RejectionCode(*engine, withdraw({}, "2022-06-30")) == "withdrawal_before_delegation");
  CHECK(RejectionCode(*engine, withdraw({{"townships", Strings({"xiamao"})}})) ==
        "township_not_in_batch");
  CHECK(RejectionCode(*engine, withdraw({{"townships", Strings({"gaosha"})},
                                         {"items", Strings({"ECO-001"})}})) ==
        "item_not_delegated");
  CHECK(RejectionCode(*engine, withdraw({{"items", Strings({"ECO-001"})}})) ==
        "item_not_delegated");
  auto r = engine->Execute(withdraw({{"items", Strings({"SAFE-018"})}}));
  REQUIRE(r.ok());
  REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
  auto event = engine->store()->ReadEvent(r->append.first_position);
  REQUIRE(event.ok());
  // Both townships, explicitly.
  CHECK(event->data.at("withdrawn").as_array().size() == 2);
  CHECK(RejectionCode(*engine, withdraw({{"items", Strings({"SAFE-018"})}})) ==
        "delegation_already_withdrawn");
}

// --- Competence (docs/domain.md, Competence resolution) ----------------------------------------------------

TEST_CASE("Delegated, accepted and claimed: the township is competent", "[rules][powers]") {
  auto engine = DelegatedFixture();
  CompetenceAnswer a = Ask(*engine, "SAFE-017", "gaosha", "2023-03-01");
  CHECK(a.subject == "gaosha");
  CHECK(a.delegated);
  CHECK(a.reason == "delegated_accepted_claimed");
  CHECK(a.delegation_batch == "sx-2022-1");
  CHECK(a.item_version == 1);
  CHECK(a.legal_basis.find("第二十四条") != std::string::npos);
  // Before the claim (2022-12-01) the department still is.
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "2022-11-20").reason == "delegated_not_claimed");
  // Before the confirmation (2022-11-15).
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "2022-08-01").reason == "delegated_not_accepted");
  // Before the delegation takes effect.
  CompetenceAnswer early = Ask(*engine, "SAFE-017", "gaosha", "2022-06-30");
  CHECK(early.subject == "sx-emergency");
  CHECK(early.reason == "not_delegated");
}

TEST_CASE("Delegated but not accepted: the department, with the reason (scenario 6 variant)",
          "[rules][powers]") {
  auto engine = DelegatedFixture();
  CompetenceAnswer a = Ask(*engine, "SAFE-017", "qingzhou", "2023-03-01");
  CHECK(a.subject == "sx-emergency");
  CHECK_FALSE(a.delegated);
  CHECK(a.reason == "delegated_not_accepted");
  CHECK(a.legal_basis.find("第三十八条") != std::string::npos);
}

TEST_CASE("Accepted but not claimed: the department", "[rules][powers]") {
  auto engine = DelegatedFixture();
  CompetenceAnswer a = Ask(*engine, "SAFE-018", "gaosha", "2023-03-01");
  CHECK(a.subject == "sx-emergency");
  CHECK(a.reason == "delegated_not_claimed");
}

TEST_CASE("Not delegated: the department (city-level branch for ecology)", "[rules][powers]") {
  auto engine = DelegatedFixture();
  CompetenceAnswer a = Ask(*engine, "ECO-001", "gaosha", "2023-03-01");
  CHECK(a.subject == "sx-eco");
  CHECK(a.reason == "not_delegated");
  CHECK(a.delegation_batch.empty());
}

TEST_CASE("Delegation withdrawn mid-way: township before, department after", "[rules][powers]") {
  auto engine = DelegatedFixture();
  ApplyAll(*engine, {Make("withdraw_delegation", {{"batch", "sx-2022-1"},
                                                  {"effective_from", "2024-01-01"},
                                                  {"reason", "收回区应急管理局"},
                                                  {"townships", Strings({"gaosha"})},
                                                  {"items", Strings({"SAFE-017"})}})});
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "2023-12-31").subject == "gaosha");
  CompetenceAnswer after = Ask(*engine, "SAFE-017", "gaosha", "2024-01-01");
  CHECK(after.subject == "sx-emergency");
  CHECK(after.reason == "delegation_withdrawn");
  CHECK(after.delegation_batch == "sx-2022-1");
  // A township cannot accept what was withdrawn before it signs.
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({"SAFE-017"}), "2024-02-01")) ==
        "item_not_delegated");
}

TEST_CASE("Two batches and a restated confirmation: the first batch in force, its latest "
          "confirmation on the date",
          "[rules][powers]") {
  auto engine = DelegatedFixture();
  ApplyAll(*engine,
           {Delegate("sx-2023-2", Strings({"gaosha", "xiamao"}), Strings({"SAFE-017"}),
                     "2023-05-20", "2023-06-01"),
            // Another township's confirmation between gaosha's, of the same batch.
            Confirm("xiamao", Strings({"SAFE-017"}), "2023-06-10", "sx-2023-2"),
            Confirm("gaosha", Strings({"SAFE-017"}), "2023-06-15", "sx-2023-2"),
            // gaosha restates its acceptance of the first batch without SAFE-017.
            Confirm("gaosha", Strings({"SAFE-018"}), "2023-09-01", "sx-2022-1"),
            Make("withdraw_delegation", {{"batch", "sx-2022-1"},
                                         {"effective_from", "2024-01-01"},
                                         {"reason", "收回区应急管理局"},
                                         {"townships", Strings({"gaosha"})},
                                         {"items", Strings({"SAFE-017"})}})});
  // gaosha is competent for SAFE-017 on `date` under `batch`, whose
  // confirmation signed on `signed_on` the answer cites.
  auto competent = [&](std::string_view date, std::string_view batch, std::string_view signed_on) {
    CompetenceAnswer a = Ask(*engine, "SAFE-017", "gaosha", date);
    INFO(date);
    CHECK(a.subject == "gaosha");
    CHECK(a.delegation_batch == batch);
    CHECK(a.legal_basis.find(fmt::format("赋权确认书 {}", signed_on)) != std::string::npos);
  };
  // Both batches in force: the first recorded is the one named.
  competent("2023-07-01", "sx-2022-1", "2022-11-15");
  // After the restatement the first batch's confirmation on the date is the
  // 2023-09-01 one; the second batch still carries the acceptance.
  competent("2023-10-01", "sx-2022-1", "2023-09-01");
  CHECK(Ask(*engine, "SAFE-018", "gaosha", "2023-10-01").reason == "delegated_not_claimed");
  // The first batch withdrawn for gaosha: the second one, with its own confirmation.
  competent("2024-02-01", "sx-2023-2", "2023-06-15");
  // The withdrawal is gaosha's alone.
  auto reason_and_batch = [&](std::string_view township, std::string_view date) {
    CompetenceAnswer a = Ask(*engine, "SAFE-017", township, date);
    return a.reason + " " + a.delegation_batch;
  };
  CHECK(reason_and_batch("qingzhou", "2024-02-01") == "delegated_not_accepted sx-2022-1");
  // xiamao is in the second batch only: accepted on 2023-06-10, never claimed.
  CHECK(reason_and_batch("xiamao", "2023-07-01") == "delegated_not_claimed sx-2023-2");
  CHECK(Ask(*engine, "SAFE-017", "xiamao", "2023-06-05").reason == "delegated_not_accepted");
  CHECK(Ask(*engine, "SAFE-017", "xiamao", "2023-05-31").reason == "not_delegated");
  // A confirmation dated before the township's latest one of that batch is refused.
  CHECK(RejectionCode(*engine, Confirm("gaosha", Strings({"SAFE-017"}), "2023-08-01",
                                       "sx-2022-1")) == "confirmation_out_of_order");
}

TEST_CASE("Item adjusted: as-of before/after the adjustment gives the old/new version",
          "[rules][powers]") {
  auto engine = DelegatedFixture();
  ApplyAll(*engine,
           {Publish(Item("SAFE-017", "2023-07-01", "生产经营单位未建立健全特种作业人员档案"))});
  CompetenceAnswer before = Ask(*engine, "SAFE-017", "gaosha", "2023-06-30");
  CompetenceAnswer after = Ask(*engine, "SAFE-017", "gaosha", "2023-07-01");
  CHECK(before.item_version == 1);
  CHECK(after.item_version == 2);
  CHECK(after.subject == "gaosha");  // the delegation follows the item, not the version

  auto old_items = engine->PowerItems("2023-06-30", "SAFE-017", "");
  REQUIRE(old_items.ok());
  REQUIRE(old_items->size() == 1);
  CHECK(old_items->front().name == "生产经营单位未建立特种作业人员档案");
  CHECK(old_items->front().effective_to == "2023-06-30");
  auto new_items = engine->PowerItems("2023-07-01T00:00:00+08:00", "SAFE-017", "");
  REQUIRE(new_items.ok());
  REQUIRE(new_items->size() == 1);
  CHECK(new_items->front().version == 2);
  CHECK(new_items->front().name == "生产经营单位未建立健全特种作业人员档案");
  CHECK(new_items->front().effective_to.empty());
  // RFC 3339 is read as the date in China: 2023-06-30T16:30Z is 07-01 00:30.
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "2023-06-30T16:30:00Z").item_version == 2);
}

TEST_CASE("Item withdrawn: no competent subject after the date", "[rules][powers]") {
  auto engine = DelegatedFixture();
  ApplyAll(*engine, {Make("withdraw_power_item", {{"item_code", "SAFE-017"},
                                                  {"effective_from", "2023-09-01"},
                                                  {"reason", "并入其他事项"}})});
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "2023-08-31").subject == "gaosha");
  CompetenceAnswer after = Ask(*engine, "SAFE-017", "gaosha", "2023-09-01");
  CHECK(after.subject.empty());
  CHECK(after.reason == "item_withdrawn");
  CompetenceAnswer before = Ask(*engine, "SAFE-017", "gaosha", "2021-01-01");
  CHECK(before.subject.empty());
  CHECK(before.reason == "item_not_in_force");
  auto items = engine->PowerItems("2023-09-01", "", "");
  REQUIRE(items.ok());
  for (const PowerItemView& v : *items) CHECK(v.item_code != "SAFE-017");
  // A claim or a delegation after the withdrawal is refused.
  CHECK(RejectionCode(*engine, Claim("sx-emergency", Strings({"SAFE-017"}), "2023-09-02")) ==
        "item_not_in_force");
  CHECK(RejectionCode(*engine, Delegate("sx-2023-1", Strings({"xiamao"}), Strings({"SAFE-017"}),
                                        "2023-10-01", "2023-10-01")) == "item_not_in_force");
}

TEST_CASE("J3: a department that retains an item may also act in the township", "[rules][powers]") {
  EngineOptions options;
  options.department_retains_for = {"SAFE-017"};
  auto engine = DelegatedFixture(options);
  CompetenceAnswer a = Ask(*engine, "SAFE-017", "gaosha", "2023-03-01");
  CHECK(a.subject == "gaosha");
  CHECK(a.department_retains);
  CHECK_FALSE(Ask(*DelegatedFixture(), "SAFE-017", "gaosha", "2023-03-01").department_retains);
}

namespace {

// SAFE-017 delegated to gaosha from 2022-07-01 (batch b), accepted on
// 2022-11-15 and claimed on 2022-12-01, folded into a bare power list.
internal::PowerList ClaimedPowerList() {
  internal::PowerList list;
  auto apply = [&](std::uint64_t version, std::string type, boost::json::object data) {
    EventRecord e;
    e.stream = "rules/powers";
    e.version = version;
    e.type = std::move(type);
    e.data = std::move(data);
    REQUIRE(list.Apply(e).ok());
  };
  boost::json::object item = Item("SAFE-017", "2021-07-15");
  item["version"] = 1;
  apply(1, "power_item_published", item);
  apply(2, "delegation_decided",
        {{"batch", "b"},
         {"title", "t"},
         {"decided_on", "2022-06-20"},
         {"effective_from", "2022-07-01"},
         {"grants", boost::json::array{boost::json::object{{"townships", Strings({"gaosha"})},
                                                           {"items", Strings({"SAFE-017"})}}}}});
  apply(3, "delegation_confirmed",
        {{"township", "gaosha"},
         {"batch", "b"},
         {"signed_on", "2022-11-15"},
         {"accepted_item_codes", Strings({"SAFE-017"})}});
  apply(4, "item_claimed",
        {{"subject_id", "gaosha"},
         {"item_codes", Strings({"SAFE-017"})},
         {"claimed_on", "2022-12-01"}});
  return list;
}

}  // namespace

TEST_CASE("IsCompetentAsOf (J1, J3, J4) on the internal power list", "[rules][powers]") {
  internal::PowerList list = ClaimedPowerList();
  const Date d{2023, 3, 1};
  CHECK(list.IsCompetentAsOf("gaosha", "SAFE-017", "gaosha", d));
  CHECK_FALSE(list.IsCompetentAsOf("sx-emergency", "SAFE-017", "gaosha", d));  // J3 default
  internal::CompetenceConfig retains;
  retains.department_retains_for.insert("SAFE-017");
  CHECK(list.IsCompetentAsOf("sx-emergency", "SAFE-017", "gaosha", d, retains));
  CHECK_FALSE(list.IsCompetentAsOf("gaosha", "SAFE-017", "gaosha", Date{2022, 10, 1}));
  CHECK_FALSE(list.IsCompetentAsOf("gaosha", "SAFE-999", "gaosha", d));

  // A stored event without the fields its type needs is corruption.
  EventRecord broken;
  broken.stream = "rules/powers";
  broken.version = 5;
  broken.type = "item_claimed";
  broken.data = boost::json::object{{"subject_id", "gaosha"}};
  CHECK(list.Apply(broken).code() == StatusCode::kCorruption);
}

TEST_CASE("A competence check without legal-basis texts gives the same answer", "[rules][powers]") {
  internal::PowerList list = ClaimedPowerList();
  EventRecord withdrawal;
  withdrawal.stream = "rules/powers";
  withdrawal.version = 5;
  withdrawal.type = "delegation_withdrawn";
  withdrawal.data = boost::json::object{
      {"batch", "b"},
      {"effective_from", "2024-01-01"},
      {"withdrawn", boost::json::array{boost::json::object{
                        {"township", "gaosha"}, {"items", Strings({"SAFE-017"})}}}}};
  REQUIRE(list.Apply(withdrawal).ok());
  internal::CompetenceConfig bare;
  bare.with_legal_basis = false;
  // Delegated and claimed; accepted but not yet claimed; delegated but not
  // yet accepted; before the batch; after the withdrawal; and an item not in
  // the list: every way the answer is worded.
  for (const Date date : {Date{2023, 3, 1}, Date{2022, 11, 20}, Date{2022, 8, 1},
                          Date{2022, 6, 1}, Date{2024, 2, 1}}) {
    for (const std::string item : {"SAFE-017", "SAFE-999"}) {
      INFO(date.ToString() << " " << item);
      const internal::Competence full = list.CompetentAsOf(item, "gaosha", date, {});
      const internal::Competence quick = list.CompetentAsOf(item, "gaosha", date, bare);
      CHECK(quick.subject == full.subject);
      CHECK(quick.delegated == full.delegated);
      CHECK(quick.reason == full.reason);
      CHECK(quick.batch == full.batch);
      CHECK(quick.item_version == full.item_version);
      CHECK(quick.original_subject == full.original_subject);
      CHECK_FALSE(full.legal_basis.empty());
      CHECK_FALSE(full.legal_basis_en.empty());
      CHECK(quick.legal_basis.empty());
      CHECK(quick.legal_basis_en.empty());
    }
  }
  auto basis = [&](int year, unsigned month, unsigned day) {
    return list.CompetentAsOf("SAFE-017", "gaosha", Date{year, month, day}, {}).legal_basis;
  };
  CHECK(basis(2023, 3, 1).find("赋权确认书 2022-11-15") != std::string::npos);
  CHECK(basis(2024, 2, 1).find("赋权决定 b 已于 2024-01-01 收回") != std::string::npos);
  CHECK(basis(2022, 8, 1).find("赋权决定 b 已赋予但该乡镇（街道）未承接") != std::string::npos);
}

TEST_CASE("Engine queries: unknown item or township is kNotFound, bad as_of kInvalidArgument",
          "[rules][powers]") {
  auto engine = DelegatedFixture();
  auto unknown = engine->Competent("SAFE-999", "gaosha", "2023-03-01");
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().subject() == "item_code");
  auto nowhere = engine->Competent("SAFE-017", "atlantis", "2023-03-01");
  CHECK(nowhere.status().code() == StatusCode::kNotFound);
  CHECK(nowhere.status().subject() == "township");
  // A township org knows but no delegation names: the department answers.
  CompetenceAnswer xiamao = Ask(*engine, "SAFE-017", "xiamao", "2023-03-01");
  CHECK(xiamao.subject == "sx-emergency");
  CHECK(engine->Competent("SAFE-017", "gaosha", "2023-02-30").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(engine->PowerItems("yesterday", "", "").status().code() == StatusCode::kInvalidArgument);
  CHECK(engine->PowerItems("", "SAFE-999", "").status().code() == StatusCode::kNotFound);
  // "" = today: the fixture's facts are all in the past.
  CHECK(Ask(*engine, "SAFE-017", "gaosha", "").subject == "gaosha");

  auto by_subject = engine->PowerItems("2023-03-01", "", "sx-eco");
  REQUIRE(by_subject.ok());
  REQUIRE(by_subject->size() == 1);
  CHECK(by_subject->front().item_code == "ECO-001");
  auto delegated_to_qingzhou = engine->PowerItems("2023-03-01", "", "qingzhou");
  REQUIRE(delegated_to_qingzhou.ok());
  CHECK(delegated_to_qingzhou->size() == 2);
  auto all = engine->PowerItems("2023-03-01", "SAFE-017", "");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  const PowerItemView& v = all->front();
  CHECK(v.delegated_to == std::vector<std::string>{"gaosha", "qingzhou"});
  CHECK(v.accepted_by == std::vector<std::string>{"gaosha"});
  CHECK(v.claimed_by == std::vector<std::string>{"gaosha"});
  // Every township org knows, the one no batch names included.
  REQUIRE(v.by_township.size() == 3);
  CHECK(v.by_township[0].subject == "gaosha");
  CHECK(v.by_township[1].subject == "sx-emergency");
  CHECK(v.by_township[2].township == "xiamao");
  CHECK(v.by_township[2].reason == "not_delegated");
  CHECK(v.legal_basis.back() == "《特种作业人员安全技术培训考核管理规定》第三十八条（罚则）");
}

TEST_CASE("The rules survive a reopen: the RuleBook is folded from the store", "[rules][powers]") {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  std::shared_ptr<EventStore> shared(std::move(*store));
  {
    auto engine = Engine::Open(EngineOptions{}, shared);
    REQUIRE(engine.ok());
    SeedOrg(**engine);
    ApplyAll(**engine,
             {Publish(Item("SAFE-017", "2021-07-15")),
              Delegate("sx-2022-1", Strings({"gaosha"}), Strings({"SAFE-017"})),
              Confirm("gaosha", Strings({"SAFE-017"})), Claim("gaosha", Strings({"SAFE-017"}))});
  }
  auto reopened = Engine::Open(EngineOptions{}, shared);
  REQUIRE(reopened.ok());
  CHECK(Ask(**reopened, "SAFE-017", "gaosha", "2023-03-01").subject == "gaosha");
}

// --- The Shaxian sample ----------------------------------------------------------

namespace {

std::vector<Command> LoadSample(const std::string& name) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/" + name);
  REQUIRE(in);
  std::vector<Command> commands;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto json = ParseJson(line);
    INFO(name << " line " << line_no);
    REQUIRE(json.ok());
    auto command = CommandFromJson(*json);
    INFO(command.status().message());
    REQUIRE(command.ok());
    commands.push_back(std::move(*command));
  }
  return commands;
}

}  // namespace

TEST_CASE("The Shaxian power list sample loads and answers competence resolution (docs/domain.md)", "[rules][powers][sample]") {
  auto engine = BareEngine();
  for (const char* file : {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"}) {
    std::vector<Command> commands = LoadSample(file);
    auto results = engine->ExecuteBatch(commands, BatchMode::kIndependent);
    REQUIRE(results.ok());
    for (std::size_t i = 0; i < results->size(); ++i) {
      const auto& r = (*results)[i];
      INFO(file << " command " << commands[i].command_id << " " << r.status().ToString());
      REQUIRE(r.ok());
      INFO((r->rejection ? r->rejection->code + ": " + r->rejection->message : ""));
      CHECK(r->outcome == CommandResult::Outcome::kApplied);
    }
  }
  auto items = engine->PowerItems("2023-01-01", "", "");
  REQUIRE(items.ok());
  CHECK(items->size() >= 60);
  std::set<std::string> domains;
  for (const PowerItemView& v : *items) {
    domains.insert(v.domain);
    CHECK(v.power_type == "administrative_penalty");
    CHECK_FALSE(v.legal_basis.empty());
  }
  for (const char* d :
       {"safety_production", "urban_management", "agriculture", "market_supervision",
        "natural_resources", "water", "ecology_environment", "transport"}) {
    CHECK(domains.contains(d));
  }
  // Scenario 1: 高砂镇 holds SAFE-017. Scenario 6 variant: 青州镇 was given
  // it district-wide but did not accept it.
  CompetenceAnswer gaosha = Ask(*engine, "SAFE-017", "gaosha", "2023-03-01");
  CHECK(gaosha.subject == "gaosha");
  CHECK(gaosha.reason == "delegated_accepted_claimed");
  CompetenceAnswer qingzhou = Ask(*engine, "SAFE-017", "qingzhou", "2023-03-01");
  CHECK(qingzhou.subject == "sx-emergency");
  CHECK(qingzhou.reason == "delegated_not_accepted");
  // The ecology items stay with the city-level branch.
  auto eco = engine->PowerItems("2023-03-01", "", "sx-eco");
  REQUIRE(eco.ok());
  REQUIRE_FALSE(eco->empty());

  // Acceptance sets differ between townships.
  std::set<std::vector<std::string>> accepted_sets;
  std::map<std::string, std::vector<std::string>> accepted_by_township;
  auto in_force = engine->PowerItems("2023-03-01", "", "");
  REQUIRE(in_force.ok());
  for (const PowerItemView& v : *in_force) {
    for (const std::string& t : v.accepted_by) accepted_by_township[t].push_back(v.item_code);
  }
  CHECK(accepted_by_township.size() == 12);
  for (const auto& [t, codes] : accepted_by_township) accepted_sets.insert(codes);
  CHECK(accepted_sets.size() > 1);

  // The adjustments: a new version from 2023-07-01, a withdrawal from
  // 2023-09-01, a delegation withdrawn from 2024-01-01.
  auto history = engine->PowerItems("2023-06-30", "MARKET-007", "");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK(history->front().version == 1);
  auto adjusted = engine->PowerItems("2023-07-01", "MARKET-007", "");
  REQUIRE(adjusted.ok());
  REQUIRE(adjusted->size() == 1);
  CHECK(adjusted->front().version == 2);
  CHECK(Ask(*engine, "URBAN-010", "fenggang", "2023-08-31").subject == "fenggang");
  CHECK(Ask(*engine, "URBAN-010", "fenggang", "2023-09-01").reason == "item_withdrawn");
  CHECK(Ask(*engine, "WATER-002", "xiamao", "2023-12-31").subject == "xiamao");
  CHECK(Ask(*engine, "WATER-002", "xiamao", "2024-01-01").reason == "delegation_withdrawn");
}

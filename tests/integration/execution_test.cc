// The part of a case after the decision (docs/domain.md, "Simplified procedure" to "Closing, archiving and case-file review", and "Deadlines") where a
// scenario file cannot reach: cases that need a decision (make_decision is
// the ordinary procedure's command), so the decision is seeded as a raw
// decision_made event (SeedDecidedCase), then everything after it runs
// through the engine. Scenario 10 (late payment) and the service half of
// scenario 15 (electronic service) live here for that reason.
#include <catch2/catch.hpp>

#include "domain/case_book.h"
#include "domain/execution_state.h"
#include "support/engine_fixtures.h"
#include "support/test_support.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace zf {
namespace {

using zf::testing::LoadAll;

const std::vector<std::string> kReferenceFiles = {
    "01-calendar.jsonl",          "02-org.jsonl",
    "02-permissions.jsonl",       "03-powers.jsonl",
    "04-leniency.jsonl",          "05-benchmarks.jsonl",
    "06-hearing-thresholds.jsonl"};

const boost::json::object kGaosha{
    {"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}};
const boost::json::object kAdmin{
    {"id", "SX-ADMIN-01"}, {"role", "list_admin"}, {"unit", "sx-justice"}};

// An engine over a memory store with the Shaxian reference data, which can
// be reopened over the same store after raw events were appended.
class Bench {
 public:
  explicit Bench(EngineOptions options = {}) : options_(std::move(options)) {
    auto store = NewMemoryEventStore();
    REQUIRE(store.ok());
    store_ = std::shared_ptr<EventStore>(std::move(*store));
    Reopen();
    LoadAll(*engine_, kReferenceFiles);
  }

  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_, store_);
    REQUIRE(engine.ok());
    engine_ = std::move(*engine);
  }

  // Runs one command; REQUIREs that it could be judged.
  CommandResult Run(const std::string& type, const std::string& case_id, const std::string& at,
                    boost::json::object data, const boost::json::object& actor = kGaosha) {
    boost::json::object envelope{{"command", type},
                                 {"command_id", "t-" + std::to_string(++counter_)},
                                 {"at", at},
                                 {"actor", actor},
                                 {"data", std::move(data)}};
    if (!case_id.empty()) envelope["case_id"] = case_id;
    auto command = CommandFromJson(envelope);
    INFO(boost::json::serialize(envelope) << " " << command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine_->Execute(*command);
    REQUIRE(result.ok());
    return *result;
  }

  // Runs a command that must apply; returns the appended events' data.
  std::vector<boost::json::object> Apply(const std::string& type, const std::string& case_id,
                                         const std::string& at, boost::json::object data,
                                         const boost::json::object& actor = kGaosha) {
    CommandResult r = Run(type, case_id, at, std::move(data), actor);
    INFO(type << " rejected: " << (r.rejection ? r.rejection->code + ": " + r.rejection->message
                                              : std::string()));
    REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
    std::vector<boost::json::object> out;
    auto cursor = store_->ReadStream(r.stream, r.append.first_version, Direction::kForward);
    for (; cursor->Valid() && cursor->event().version <= r.append.last_version; cursor->Next()) {
      out.push_back(cursor->event().data.as_object());
    }
    return out;
  }

  // The rejection code of a command that must be rejected.
  std::string Rejected(const std::string& type, const std::string& case_id, const std::string& at,
                       boost::json::object data, const boost::json::object& actor = kGaosha) {
    CommandResult r = Run(type, case_id, at, std::move(data), actor);
    REQUIRE(r.outcome == CommandResult::Outcome::kRejected);
    CHECK_FALSE(r.rejection->legal_basis.empty());
    return r.rejection->code;
  }

  // The case as the engine would fold it from the store.
  internal::CaseState Fold(const std::string& case_id) {
    internal::CaseBook book;
    auto cursor = store_->ReadStream("case/" + case_id, 1, Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) REQUIRE(book.Apply(cursor->event()).ok());
    const internal::CaseState* c = book.FindCase(case_id);
    REQUIRE(c != nullptr);
    return *c;
  }

  // The one place tests build a decided case: a clue registered and filed
  // through the engine, then decision_made appended raw (its command
  // belongs to the ordinary procedure), and the engine reopened over it.
  void SeedDecidedCase(const std::string& case_id, const std::string& decided_at,
                       std::int64_t fine_fen, const std::string& type = "penalty",
                       const std::string& category = "organisation") {
    const std::string day = decided_at.substr(0, 10);
    Apply("register_clue", case_id, "2024-01-08T09:00:00+08:00",
          {{"source", "inspection"},
           {"item_code", "URBAN-001"},
           {"township", "gaosha"},
           {"description", "占道经营"},
           {"discovered_on", "2024-01-08"},
           {"party", {{"id", "P-" + case_id}, {"name", "沙县某商行"}, {"category", category}}}});
    Apply("file_case", case_id, "2024-01-08T10:00:00+08:00",
          {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}});
    AppendRequest request;
    request.stream = "case/" + case_id;
    request.command_id = "seed-decision-" + case_id;
    request.expected = ExpectedVersion::Exact(2);
    NewEvent decided;
    decided.type = "decision_made";
    decided.occurred_at = decided_at;
    decided.actor = Actor{"SX-OF-0132", "agency_head", "gaosha"};
    boost::json::object data{{"decision_type", type},
                             {"decided_on", day},
                             {"handling_subject", "gaosha"},
                             {"issuer_name", "三明市沙县区高砂镇人民政府"},
                             {"document_number", "高砂罚〔2024〕" + case_id}};
    if (fine_fen > 0) {
      data["penalty_types"] = boost::json::array{"fine"};
      data["fine_fen"] = fine_fen;
    }
    decided.data = std::move(data);
    request.events.push_back(std::move(decided));
    REQUIRE(store_->Append(request).ok());
    Reopen();
  }

  void MapNonTaxItem() {
    Apply("map_non_tax_item", "", "2024-01-02T09:00:00+08:00",
          {{"subject", "gaosha"},
           {"item_code", "URBAN-001"},
           {"non_tax_code", "103050199"},
           {"effective_from", "2024-01-01"}},
          kAdmin);
  }

  // Every event of the case satisfies its schema.
  void CheckSchemas(const std::string& case_id) {
    zf::testing::CheckEventSchemas(*engine_, "case/" + case_id);
  }

  Engine& engine() { return *engine_; }

 private:
  EngineOptions options_;
  std::shared_ptr<EventStore> store_;
  std::unique_ptr<Engine> engine_;
  int counter_ = 0;
};

boost::json::object Direct(const std::string& served_on) {
  return {{"method", "direct"}, {"served_on", served_on}, {"receiver", "张某"}};
}

const std::string kSm3(64, 'a');

// --- Service (O21, scenario 15) ---------------------------------------------

TEST_CASE("Electronic service needs a signed address confirmation and is served the day the "
          "message arrives",
          "[execution][service][scenario15]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1501", "2024-03-01T09:00:00+08:00", 500000);
  const boost::json::object electronic{{"method", "electronic"},
                                       {"channel", "sms"},
                                       {"delivered_at", "2024-03-04T10:00:00+08:00"},
                                       {"send_record_sm3", kSm3}};
  CHECK(bench.Rejected("serve_decision", "SX-2024-C1501", "2024-03-04T11:00:00+08:00",
                       electronic) == "electronic_service_not_consented");
  bench.Apply("record_service_address_confirmation", "SX-2024-C1501", "2024-03-01T10:00:00+08:00",
              {{"signed_on", "2024-03-01"}, {"channel", "sms"}, {"address", "13800000000"}});
  auto events = bench.Apply("serve_decision", "SX-2024-C1501", "2024-03-04T11:00:00+08:00",
                            electronic);
  CHECK(events.at(0).at("served_on") == "2024-03-04");
  CHECK(events.at(0).at("payment_due_on") == "2024-03-19");
  CHECK(events.at(0).at("late") == false);
  const auto c = bench.Fold("SX-2024-C1501");
  CHECK(c.state == "executing");
  CHECK(c.execution.service->method == "electronic");
  bench.CheckSchemas("SX-2024-C1501");
  CHECK(bench.Rejected("serve_decision", "SX-2024-C1501", "2024-03-05T09:00:00+08:00",
                       Direct("2024-03-05")) == "invalid_state");
}

TEST_CASE("A confirmation signed after the message arrived does not consent to it",
          "[execution][service]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1502", "2024-03-01T09:00:00+08:00", 500000);
  bench.Apply("record_service_address_confirmation", "SX-2024-C1502", "2024-03-05T10:00:00+08:00",
              {{"signed_on", "2024-03-05"}, {"channel", "sms"}, {"address", "13800000000"}});
  CHECK(bench.Rejected("serve_decision", "SX-2024-C1502", "2024-03-05T11:00:00+08:00",
                       {{"method", "electronic"},
                        {"delivered_at", "2024-03-04T10:00:00+08:00"},
                        {"send_record_sm3", kSm3}}) == "electronic_service_not_consented");
  CHECK(bench.Rejected("record_service_address_confirmation", "SX-2024-C1502",
                       "2024-03-05T11:00:00+08:00",
                       {{"signed_on", "2024-03-06"}, {"channel", "sms"}, {"address", "1"}}) ==
        "date_in_future");
}

TEST_CASE("Service methods need their proof, dates are checked against the decision",
          "[execution][service]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1503", "2024-03-01T09:00:00+08:00", 0, "no_penalty");
  const std::string id = "SX-2024-C1503";
  const std::string at = "2024-03-20T09:00:00+08:00";
  CHECK(bench.Rejected("serve_decision", id, at,
                       {{"method", "refusal_noted"}, {"served_on", "2024-03-04"}}) ==
        "service_detail_missing");
  CHECK(bench.Rejected("serve_decision", id, at,
                       {{"method", "postal"}, {"served_on", "2024-03-04"}}) ==
        "service_detail_missing");
  CHECK(bench.Rejected("serve_decision", id, at, Direct("2024-02-28")) ==
        "served_before_decision");
  CHECK(bench.Rejected("serve_decision", id, at, Direct("2024-03-21")) == "date_in_future");
  CHECK(bench.Rejected("serve_decision", "SX-2024-C9999", at, Direct("2024-03-04")) ==
        "case_not_found");
  // D12: 7 working days from Fri 2024-03-01 end on Mon 2024-03-12.
  auto events = bench.Apply("serve_decision", id, at, Direct("2024-03-13"));
  CHECK(events.at(0).at("d12_due_on") == "2024-03-12");
  CHECK(events.at(0).at("late") == true);
  CHECK_FALSE(events.at(0).contains("payment_due_on"));
  CHECK(bench.Fold(id).state == "served");
  CHECK(bench.Rejected("close_case", id, at, {{"ground", "performed"}, {"approved_by", "SX-OF-0132"}}) ==
        "closing_conditions_unmet");
  bench.Apply("close_case", id, at, {{"ground", "no_penalty_served"}, {"approved_by", "SX-OF-0132"}});
}

TEST_CASE("A follow-up inspection needs a decision that ordered correction",
          "[execution][correction]") {
  Bench bench;
  // The seeded decision orders no correction (correction_ordered absent).
  bench.SeedDecidedCase("SX-2024-C1504", "2024-03-01T09:00:00+08:00", 0, "no_penalty");
  const std::string id = "SX-2024-C1504";
  const boost::json::object check{{"checked_on", "2024-03-05"},
                                  {"officers", {"SX-OF-0102", "SX-OF-0103"}},
                                  {"result", "corrected"}};
  CHECK(bench.Rejected("record_correction_check", id, "2024-03-05T09:00:00+08:00", check) ==
        "correction_not_ordered");
  CHECK(bench.Rejected("record_correction_check", "SX-2024-C9998", "2024-03-05T09:00:00+08:00",
                       check) == "case_not_found");
}

TEST_CASE("A transfer outcome is not served on the party but carried out by the transfer",
          "[execution][service][transfer]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1506", "2024-03-01T09:00:00+08:00", 0, "jurisdiction_transfer");
  bench.SeedDecidedCase("SX-2024-C1507", "2024-03-01T09:00:00+08:00", 0, "criminal_transfer");
  CHECK(bench.Rejected("serve_decision", "SX-2024-C1506", "2024-03-04T09:00:00+08:00",
                       Direct("2024-03-04")) == "invalid_state");
  // No D12 for a decision that is not served.
  CHECK(bench.Apply("check_deadlines", "SX-2024-C1506", "2024-03-20T09:00:00+08:00", {}).size() ==
        1);
  CHECK(bench.Rejected("report_criminal_transfer", "SX-2024-C1506", "2024-03-04T09:00:00+08:00",
                       {{"officers", {"SX-OF-0102", "SX-OF-0103"}}, {"reason", "x"}}) ==
        "invalid_state");
  bench.Apply("hand_over_case", "SX-2024-C1506", "2024-03-04T09:00:00+08:00",
              {{"to_subject", "fenggang"}, {"township", "fenggang"}, {"reason", "发生地在凤岗"},
               {"approved_by", "SX-OF-0132"}});
  bench.Apply("accept_handover", "SX-2024-C1506", "2024-03-05T09:00:00+08:00", {},
              {{"id", "SX-OF-0094"}, {"role", "enforcement_officer"}, {"unit", "fenggang"}});
  CHECK(bench.Fold("SX-2024-C1506").state == "transferred_out");

  bench.Apply("report_criminal_transfer", "SX-2024-C1507", "2024-03-04T09:00:00+08:00",
              {{"officers", {"SX-OF-0102", "SX-OF-0103"}}, {"reason", "涉嫌犯罪"}});
  bench.Apply("approve_criminal_transfer", "SX-2024-C1507", "2024-03-04T15:00:00+08:00",
              {{"approved_by", "SX-OF-0132"}, {"approve", true}});
  bench.Apply("send_criminal_transfer", "SX-2024-C1507", "2024-03-05T09:00:00+08:00",
              {{"receiver", "三明市公安局沙县分局"}});
  bench.Apply("record_criminal_transfer_return", "SX-2024-C1507", "2024-03-20T09:00:00+08:00",
              {{"reason", "不予立案"}});
  const auto back = bench.Fold("SX-2024-C1507");
  CHECK(back.state == "investigating");
  CHECK_FALSE(back.procedure_state.decision.has_value());
  bench.CheckSchemas("SX-2024-C1506");
  bench.CheckSchemas("SX-2024-C1507");
}

TEST_CASE("Service by publication is deemed made 30 days after the notice (D23)",
          "[execution][service]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1504", "2024-03-01T09:00:00+08:00", 100000);
  auto events = bench.Apply("serve_decision", "SX-2024-C1504", "2024-03-05T09:00:00+08:00",
                            {{"method", "publication"},
                             {"published_on", "2024-03-05"},
                             {"reason", "下落不明"}});
  CHECK(events.at(0).at("served_on") == "2024-04-04");
  CHECK(events.at(0).at("payment_due_on") == "2024-04-19");
}

TEST_CASE("A deadline the published calendar cannot compute refuses the command",
          "[execution][service]") {
  Bench bench;
  // The sample calendar ends with 2025; D12 from 2025-12-30 runs into 2026.
  bench.SeedDecidedCase("SX-2025-C1505", "2025-12-30T09:00:00+08:00", 100000);
  CHECK(bench.Rejected("serve_decision", "SX-2025-C1505", "2025-12-31T09:00:00+08:00",
                       Direct("2025-12-31")) == "calendar_missing");
}

// --- Payment (scenario 10) ----------------------------------------------------

TEST_CASE("Late payment: 10,000 yuan served Mon 2024-03-04 is due 2024-03-19, the surcharge is "
          "9,900 by 04-21 and capped at 10,000 from 04-22",
          "[execution][payment][scenario10]") {
  Bench bench;
  const std::string id = "SX-2024-C1001";
  bench.SeedDecidedCase(id, "2024-03-01T09:00:00+08:00", 1'000'000);
  bench.Apply("serve_decision", id, "2024-03-04T10:00:00+08:00", Direct("2024-03-04"));
  CHECK(bench.Rejected("record_payment", id, "2024-03-05T10:00:00+08:00",
                       {{"paid_on", "2024-03-05"}, {"amount_fen", 1'000'000}}) ==
        "payment_notice_missing");
  CHECK(bench.Rejected("issue_payment_notice", id, "2024-03-04T11:00:00+08:00",
                       {{"notice_number", "N-1"}}) == "non_tax_item_unmapped");
  bench.MapNonTaxItem();
  auto notice = bench.Apply("issue_payment_notice", id, "2024-03-04T11:00:00+08:00",
                            {{"notice_number", "N-1"}});
  CHECK(notice.at(0).at("due_on") == "2024-03-19");
  CHECK(notice.at(0).at("non_tax_code") == "103050199");
  CHECK(bench.Rejected("issue_payment_notice", id, "2024-03-04T11:30:00+08:00",
                       {{"notice_number", "N-2"}}) == "payment_notice_exists");

  SECTION("paid on 04-21 the fine plus 9,900 yuan") {
    CHECK(bench.Rejected("record_payment", id, "2024-04-21T10:00:00+08:00",
                         {{"paid_on", "2024-04-21"}, {"amount_fen", 1'989'999}}) ==
          "payment_short");
    auto paid = bench.Apply("record_payment", id, "2024-04-21T10:00:00+08:00",
                            {{"paid_on", "2024-04-21"}, {"amount_fen", 1'990'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 990'000);
    CHECK(paid.at(0).at("outstanding_after_fen") == 0);
    CHECK(bench.Rejected("record_payment", id, "2024-04-22T10:00:00+08:00",
                         {{"paid_on", "2024-04-22"}, {"amount_fen", 1}}) == "already_paid");
    bench.Apply("close_case", id, "2024-04-22T10:00:00+08:00",
                {{"ground", "performed"}, {"approved_by", "SX-OF-0132"}});
    CHECK(bench.Fold(id).state == "closed");
    bench.Apply("archive_case", id, "2024-04-23T10:00:00+08:00", {{"archive_number", "A-1001"}});
    bench.CheckSchemas(id);
  }
  SECTION("from 04-22 on, the surcharge is capped at the fine") {
    auto paid = bench.Apply("record_payment", id, "2024-05-10T10:00:00+08:00",
                            {{"paid_on", "2024-05-10"}, {"amount_fen", 2'000'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 1'000'000);
  }
  SECTION("paid in time, no surcharge") {
    auto paid = bench.Apply("record_payment", id, "2024-03-19T16:00:00+08:00",
                            {{"paid_on", "2024-03-19"}, {"amount_fen", 1'000'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 0);
  }
  SECTION("a reconsideration filed 03-25 stops the accrual until it is decided") {
    bench.Apply("file_reconsideration", id, "2024-03-25T09:00:00+08:00",
                {{"filed_on", "2024-03-25"}, {"body", "三明市沙县区人民政府"}});
    CHECK(bench.Rejected("file_litigation", id, "2024-03-26T09:00:00+08:00",
                         {{"filed_on", "2024-03-26"}}) == "review_pending");
    // 03-20..03-24 accrue (5 days × 300 yuan); nothing while pending.
    auto paid = bench.Apply("record_payment", id, "2024-04-21T10:00:00+08:00",
                            {{"paid_on", "2024-04-21"}, {"amount_fen", 1'150'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 150'000);
  }
  SECTION("accrual resumes when the reconsideration is decided") {
    bench.Apply("file_reconsideration", id, "2024-03-25T09:00:00+08:00",
                {{"filed_on", "2024-03-25"}});
    CHECK(bench.Rejected("record_review_outcome", id, "2024-04-01T09:00:00+08:00",
                         {{"review", "litigation"}, {"outcome", "upheld"},
                          {"decided_on", "2024-04-01"}}) == "no_pending_review");
    bench.Apply("record_review_outcome", id, "2024-04-01T09:00:00+08:00",
                {{"review", "reconsideration"}, {"outcome", "upheld"}, {"decided_on", "2024-04-01"}});
    // 5 days before, then 04-01..04-05 (5 days): 3,000 yuan.
    auto paid = bench.Apply("record_payment", id, "2024-04-05T10:00:00+08:00",
                            {{"paid_on", "2024-04-05"}, {"amount_fen", 1'300'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 300'000);
    bench.CheckSchemas(id);
  }
}

TEST_CASE("Relief windows: reconsideration within 60 days, litigation within 6 months of service",
          "[execution][payment]") {
  Bench bench;
  const std::string id = "SX-2024-C1002";
  bench.SeedDecidedCase(id, "2024-03-01T09:00:00+08:00", 1'000'000);
  bench.Apply("serve_decision", id, "2024-03-04T10:00:00+08:00", Direct("2024-03-04"));
  // 60 days from 03-04 end on 05-03 (a holiday, the party's deadline moves
  // to the next working day 05-06).
  CHECK(bench.Rejected("file_reconsideration", id, "2024-05-07T09:00:00+08:00",
                       {{"filed_on", "2024-05-07"}}) == "relief_window_expired");
  CHECK(bench.Rejected("file_reconsideration", id, "2024-05-07T09:00:00+08:00",
                       {{"filed_on", "2024-03-01"}}) == "filed_before_service");
  CHECK(bench.Rejected("file_litigation", id, "2024-09-10T09:00:00+08:00",
                       {{"filed_on", "2024-09-10"}}) == "relief_window_expired");
  auto filed = bench.Apply("file_litigation", id, "2024-09-04T09:00:00+08:00",
                           {{"filed_on", "2024-09-04"}, {"court", "沙县区人民法院"}});
  CHECK(filed.at(0).at("window_due_on") == "2024-09-04");
  CHECK(bench.Rejected("record_review_outcome", id, "2024-10-01T09:00:00+08:00",
                       {{"review", "litigation"}, {"outcome", "varied"},
                        {"decided_on", "2024-10-01"}}) == "varied_amount_missing");
  CHECK(bench.Rejected("record_review_outcome", id, "2024-10-01T09:00:00+08:00",
                       {{"review", "litigation"}, {"outcome", "upheld"},
                        {"decided_on", "2024-09-01"}}) == "decided_before_filing");
  bench.Apply("record_review_outcome", id, "2024-10-01T09:00:00+08:00",
              {{"review", "litigation"}, {"outcome", "revoked"}, {"decided_on", "2024-10-01"}});
  CHECK(bench.Fold(id).state == "revoked");
  bench.Apply("close_case", id, "2024-10-02T09:00:00+08:00",
              {{"ground", "revoked"}, {"approved_by", "SX-OF-0132"}});
  bench.CheckSchemas(id);
}

TEST_CASE("Deferral and instalments need an application and the head's approval (APL 66)",
          "[execution][payment]") {
  Bench bench;
  const std::string id = "SX-2024-C1003";
  bench.SeedDecidedCase(id, "2024-03-01T09:00:00+08:00", 1'000'000);
  bench.Apply("serve_decision", id, "2024-03-04T10:00:00+08:00", Direct("2024-03-04"));
  bench.MapNonTaxItem();
  bench.Apply("issue_payment_notice", id, "2024-03-04T11:00:00+08:00", {{"notice_number", "N-3"}});
  const boost::json::object deferral{{"application_on", "2024-03-10"},
                                     {"approved_by", "SX-OF-0133"},
                                     {"deferred_until", "2024-05-31"},
                                     {"reason", "经营困难"}};
  CHECK(bench.Rejected("grant_deferral", id, "2024-03-11T09:00:00+08:00", deferral) ==
        "approver_not_head");
  boost::json::object early = deferral;
  early["approved_by"] = "SX-OF-0132";
  early["deferred_until"] = "2024-03-15";
  CHECK(bench.Rejected("grant_deferral", id, "2024-03-11T09:00:00+08:00", early) ==
        "deferral_date_invalid");

  SECTION("deferral: no surcharge until the new due date") {
    boost::json::object ok = deferral;
    ok["approved_by"] = "SX-OF-0132";
    bench.Apply("grant_deferral", id, "2024-03-11T09:00:00+08:00", ok);
    CHECK(bench.Fold(id).state == "deferred");
    auto paid = bench.Apply("record_payment", id, "2024-05-31T10:00:00+08:00",
                            {{"paid_on", "2024-05-31"}, {"amount_fen", 1'000'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 0);
  }
  SECTION("instalments: each one when due, the surcharge on an overdue one") {
    boost::json::object plan{{"application_on", "2024-03-10"},
                             {"approved_by", "SX-OF-0132"},
                             {"reason", "经营困难"},
                             {"instalments",
                              {{{"due_on", "2024-04-10"}, {"amount_fen", 500'000}},
                               {{"due_on", "2024-05-10"}, {"amount_fen", 400'000}}}}};
    CHECK(bench.Rejected("grant_instalments", id, "2024-03-11T09:00:00+08:00", plan) ==
          "instalments_invalid");
    plan["instalments"].as_array()[1].as_object()["amount_fen"] = 500'000;
    bench.Apply("grant_instalments", id, "2024-03-11T09:00:00+08:00", plan);
    CHECK(bench.Fold(id).state == "instalments");
    bench.Apply("record_payment", id, "2024-04-10T09:00:00+08:00",
                {{"paid_on", "2024-04-10"}, {"amount_fen", 500'000}});
    // The second, 2 days late: 2 × 3% × 5,000 yuan = 300 yuan.
    CHECK(bench.Rejected("record_payment", id, "2024-05-12T09:00:00+08:00",
                         {{"paid_on", "2024-05-12"}, {"amount_fen", 500'000}}) == "payment_short");
    auto paid = bench.Apply("record_payment", id, "2024-05-12T09:00:00+08:00",
                            {{"paid_on", "2024-05-12"}, {"amount_fen", 530'000}});
    CHECK(paid.at(0).at("surcharge_fen") == 30'000);
    CHECK(bench.Fold(id).execution.payment.settled_on == Date{2024, 5, 12});
    bench.CheckSchemas(id);
  }
}

TEST_CASE("Court enforcement: a reminder after the relief windows, the court after 10 days and "
          "within 3 months (ACL 53, 54)",
          "[execution][enforcement]") {
  Bench bench;
  const std::string id = "SX-2024-C1004";
  bench.SeedDecidedCase(id, "2024-03-01T09:00:00+08:00", 1'000'000);
  bench.Apply("serve_decision", id, "2024-03-04T10:00:00+08:00", Direct("2024-03-04"));
  // The litigation window (6 months) closes 2024-09-04.
  CHECK(bench.Rejected("serve_enforcement_reminder", id, "2024-09-04T09:00:00+08:00",
                       {{"served_on", "2024-09-04"}}) == "relief_window_open");
  CHECK(bench.Rejected("apply_court_enforcement", id, "2024-09-05T09:00:00+08:00",
                       {{"court", "沙县区人民法院"}}) == "court_application_too_early");
  auto reminder = bench.Apply("serve_enforcement_reminder", id, "2024-09-05T09:00:00+08:00",
                              {{"served_on", "2024-09-05"}});
  CHECK(reminder.at(0).at("relief_windows_end") == "2024-09-04");
  CHECK(bench.Rejected("apply_court_enforcement", id, "2024-09-14T09:00:00+08:00",
                       {{"court", "沙县区人民法院"}}) == "court_application_too_early");

  SECTION("in time") {
    auto applied = bench.Apply("apply_court_enforcement", id, "2024-09-15T09:00:00+08:00",
                               {{"court", "沙县区人民法院"}});
    CHECK(applied.at(0).at("deadline_on") == "2024-12-04");
    CHECK(bench.Rejected("apply_court_enforcement", id, "2024-09-16T09:00:00+08:00",
                         {{"court", "沙县区人民法院"}}) == "court_application_exists");
    bench.Apply("record_court_enforcement_outcome", id, "2024-11-01T09:00:00+08:00",
                {{"outcome", "terminated"}, {"ruled_on", "2024-11-01"}});
    bench.Apply("close_case", id, "2024-11-02T09:00:00+08:00",
                {{"ground", "enforcement_terminated"}, {"approved_by", "SX-OF-0132"}});
    bench.CheckSchemas(id);
  }
  SECTION("too late, and D22 reported before") {
    auto checked = bench.Apply("check_deadlines", id, "2024-12-02T09:00:00+08:00", {});
    // D16 (payment) breached long ago, D22 (court application) comes near.
    REQUIRE(checked.size() == 3);
    CHECK(checked.at(0).at("deadline") == "D16");
    CHECK(checked.at(1).at("deadline") == "D22");
    CHECK(checked.at(1).at("due_on") == "2024-12-04");
    CHECK(bench.Rejected("apply_court_enforcement", id, "2024-12-05T09:00:00+08:00",
                         {{"court", "沙县区人民法院"}}) == "court_application_too_late");
  }
}

// --- Deadlines (§5) -------------------------------------------------------------

TEST_CASE("check_deadlines reports D9's base-period breach once (scenario 9: filed 2023-09-12, "
          "due 2023-12-11)",
          "[execution][deadlines]") {
  Bench bench;
  bench.Apply("register_clue", "SX-2023-C0901", "2023-09-12T09:00:00+08:00",
              {{"source", "inspection"},
               {"item_code", "SAFE-017"},
               {"township", "gaosha"},
               {"description", "焊工未建档"},
               {"discovered_on", "2023-09-11"}});
  bench.Apply("file_case", "SX-2023-C0901", "2023-09-12T10:00:00+08:00",
              {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}});
  // 3 working days before Mon 12-11 is Wed 12-06.
  auto early = bench.Apply("check_deadlines", "SX-2023-C0901", "2023-12-05T09:00:00+08:00", {});
  REQUIRE(early.size() == 1);
  auto warned = bench.Apply("check_deadlines", "SX-2023-C0901", "2023-12-06T09:00:00+08:00", {});
  REQUIRE(warned.size() == 2);
  CHECK(warned.at(0).at("offset_working_days") == 3);
  auto breached = bench.Apply("check_deadlines", "SX-2023-C0901", "2023-12-12T09:00:00+08:00", {});
  REQUIRE(breached.size() == 2);
  CHECK(breached.at(0).at("deadline") == "D9");
  CHECK(breached.at(0).at("due_on") == "2023-12-11");
  CHECK(bench.Apply("check_deadlines", "SX-2023-C0901", "2023-12-13T09:00:00+08:00", {}).size() ==
        1);
  // Replay: the folded state remembers what was reported.
  bench.Reopen();
  CHECK(bench.Apply("check_deadlines", "SX-2023-C0901", "2023-12-14T09:00:00+08:00", {}).size() ==
        1);
  CHECK(bench.Fold("SX-2023-C0901").execution.deadline_reports.size() == 2);
  bench.CheckSchemas("SX-2023-C0901");
}

TEST_CASE("Warning offsets are engine options", "[execution][deadlines]") {
  EngineOptions options;
  options.deadline_warning_working_days = {5, 1};
  Bench bench(options);
  bench.SeedDecidedCase("SX-2024-C1601", "2024-03-01T09:00:00+08:00", 1'000'000);
  // D12 due 2024-03-12: 5 working days before is 03-05, 1 before is 03-11.
  auto first = bench.Apply("check_deadlines", "SX-2024-C1601", "2024-03-06T09:00:00+08:00", {});
  REQUIRE(first.size() == 2);
  CHECK(first.at(0).at("deadline") == "D12");
  CHECK(first.at(0).at("offset_working_days") == 5);
  auto second = bench.Apply("check_deadlines", "SX-2024-C1601", "2024-03-11T09:00:00+08:00", {});
  REQUIRE(second.size() == 2);
  CHECK(second.at(0).at("offset_working_days") == 1);
}

// --- Criminal transfer blocks the penalty (scenario 12) ------------------------------

TEST_CASE("A reported criminal transfer blocks a penalty decision until it is returned",
          "[execution][transfer][scenario12]") {
  Bench bench;
  const std::string id = "SX-2023-C1290";
  bench.Apply("register_clue", id, "2023-09-15T09:00:00+08:00",
              {{"source", "inspection"},
               {"item_code", "SAFE-017"},
               {"township", "gaosha"},
               {"description", "x"},
               {"discovered_on", "2023-09-15"}});
  bench.Apply("file_case", id, "2023-09-15T10:00:00+08:00",
              {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}});
  CHECK_FALSE(internal::BlocksPenaltyDecision(bench.Fold(id)));
  bench.Apply("report_criminal_transfer", id, "2023-09-18T09:00:00+08:00",
              {{"officers", {"SX-OF-0102", "SX-OF-0103"}}, {"reason", "达到追诉标准"}});
  CHECK(internal::BlocksPenaltyDecision(bench.Fold(id)));
  bench.Apply("approve_criminal_transfer", id, "2023-09-20T09:00:00+08:00",
              {{"approved_by", "SX-OF-0132"}, {"approve", true}});
  bench.Apply("send_criminal_transfer", id, "2023-09-21T08:59:00+08:00",
              {{"receiver", "三明市公安局沙县分局"}});
  const auto transferred = bench.Fold(id);
  CHECK(transferred.state == "criminal_transferred");
  CHECK(internal::BlocksPenaltyDecision(transferred));
  CHECK(transferred.execution.criminal.sent);
  auto checked = bench.Apply("check_deadlines", id, "2023-10-08T09:00:00+08:00", {});
  INFO(boost::json::serialize(checked.at(0)));
  REQUIRE(checked.size() == 1);
  CHECK(checked.at(0).at("open").as_array().empty());
  bench.Apply("record_criminal_transfer_return", id, "2023-10-09T09:00:00+08:00",
              {{"reason", "不予立案"}});
  const auto returned = bench.Fold(id);
  CHECK(returned.state == "investigating");
  CHECK_FALSE(internal::BlocksPenaltyDecision(returned));
}

// --- Revocation by the agency (APL 75) ----------------------------------------

TEST_CASE("The agency revokes its own decision, with or without a new one following",
          "[execution][revoke]") {
  Bench bench;
  bench.SeedDecidedCase("SX-2024-C1701", "2024-03-01T09:00:00+08:00", 500000);
  bench.SeedDecidedCase("SX-2024-C1702", "2024-03-01T09:00:00+08:00", 500000);
  CHECK(bench.Rejected("revoke_decision", "SX-2024-C1701", "2024-03-05T09:00:00+08:00",
                       {{"reason", "适用法律错误"}, {"approved_by", "SX-OF-0103"},
                        {"new_decision_follows", false}}) == "approver_not_head");
  bench.Apply("revoke_decision", "SX-2024-C1701", "2024-03-05T09:00:00+08:00",
              {{"reason", "适用法律错误"}, {"approved_by", "SX-OF-0132"},
               {"new_decision_follows", false}});
  CHECK(bench.Fold("SX-2024-C1701").state == "revoked");
  CHECK(bench.Rejected("revoke_decision", "SX-2024-C1701", "2024-03-06T09:00:00+08:00",
                       {{"reason", "x"}, {"approved_by", "SX-OF-0132"},
                        {"new_decision_follows", false}}) == "invalid_state");
  bench.Apply("revoke_decision", "SX-2024-C1702", "2024-03-05T09:00:00+08:00",
              {{"reason", "事实认定有误"}, {"approved_by", "SX-OF-0132"},
               {"new_decision_follows", true}});
  const auto redo = bench.Fold("SX-2024-C1702");
  CHECK(redo.state == "investigating");
  CHECK_FALSE(redo.procedure_state.decision.has_value());
  bench.CheckSchemas("SX-2024-C1701");
  bench.CheckSchemas("SX-2024-C1702");
}

// --- Simplified procedure options --------------------------------------------------

TEST_CASE("Whether an individual business counts as a natural person is an option",
          "[execution][simplified]") {
  for (bool as_natural : {true, false}) {
    EngineOptions options;
    options.individual_business_as_natural_person = as_natural;
    Bench bench(options);
    bench.Apply("register_clue", "SX-2024-C0490", "2024-03-04T09:00:00+08:00",
                {{"source", "inspection"},
                 {"item_code", "MARKET-001"},
                 {"township", "gaosha"},
                 {"description", "营业执照未悬挂"},
                 {"discovered_on", "2024-03-04"},
                 {"party", {{"id", "92350427MA0000490X"}, {"name", "某小吃店"},
                            {"category", "individual_business"}}}});
    CommandResult r = bench.Run("issue_on_spot_decision", "SX-2024-C0490",
                                "2024-03-04T10:00:00+08:00",
                                {{"document_number", "当罚-490"},
                                 {"officers", {"SX-OF-0102", "SX-OF-0103"}},
                                 {"credentials_shown", true},
                                 {"statement_heard", true},
                                 {"penalty_types", {"fine"}},
                                 {"fine_fen", 300'000},
                                 {"circumstance_level", "general"},
                                 {"adjustment", "lighter"},
                                 {"delivery", "on_spot"}});
    INFO("as_natural " << as_natural);
    if (as_natural) {
      REQUIRE(r.rejection);
      CHECK(r.rejection->code == "exceeds_simplified_threshold");
    } else {
      CHECK(r.outcome == CommandResult::Outcome::kApplied);
    }
  }
}

}  // namespace
}  // namespace zf

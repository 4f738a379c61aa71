// Commands that need reference data nobody has published yet: the engine
// refuses them with a code naming the missing data rather than guessing
// (docs/domain.md, Conventions: no working day without a published calendar; Ordinary procedure: no
// hearing rights without the thresholds in force).
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "zf/engine.h"

namespace zf {
namespace {

using zf::testing::BareEngine;
using zf::testing::LoadAll;

const boost::json::object kEco{{"id", "SX-OF-0054"}, {"role", "enforcement_officer"}, {"unit", "sx-eco"}};

// An engine with every reference file but `left_out`, and one ECO-002 case
// of an organisation, filed 2023-09-04 and under investigation.
class CaseWithout {
 public:
  explicit CaseWithout(const std::string& left_out) : engine_(BareEngine({})) {
    std::vector<std::string> files;
    for (const char* f : {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                          "04-leniency.jsonl", "05-benchmarks.jsonl",
                          "06-hearing-thresholds.jsonl"}) {
      if (left_out != f) files.push_back(f);
    }
    LoadAll(*engine_, files);
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
  }

  CommandResult Run(const std::string& type, const std::string& day, boost::json::object data) {
    boost::json::object envelope{{"command", type},
                                 {"command_id", "m-" + std::to_string(++n_)},
                                 {"at", day + "T09:00:00+08:00"},
                                 {"actor", kEco},
                                 {"case_id", "SX-2023-M0001"},
                                 {"data", std::move(data)}};
    auto command = CommandFromJson(envelope);
    INFO(command.status().ToString());
    REQUIRE(command.ok());
    auto result = engine_->Execute(*command);
    REQUIRE(result.ok());
    return *result;
  }

  void Applied(const std::string& type, const std::string& day, boost::json::object data) {
    CommandResult r = Run(type, day, std::move(data));
    INFO(type << ": " << (r.rejection ? r.rejection->code + ": " + r.rejection->message : ""));
    REQUIRE(r.outcome == CommandResult::Outcome::kApplied);
  }

  std::string Rejected(const std::string& type, const std::string& day, boost::json::object data) {
    CommandResult r = Run(type, day, std::move(data));
    REQUIRE(r.rejection);
    return r.rejection->code;
  }

 private:
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

TEST_CASE("preserve_evidence without a published calendar: calendar_missing (D3)",
          "[procedure][reference]") {
  CaseWithout world("01-calendar.jsonl");
  world.Applied("start_investigation", "2023-09-04", {});
  CHECK(world.Rejected("preserve_evidence", "2023-09-05",
                       {{"preservation_id", "PR-M-1"},
                        {"items", "涉案设备一台"},
                        {"officers", {"SX-OF-0054", "SX-OF-0055"}},
                        {"approved_by", "SX-OF-0174"}}) == "calendar_missing");
}

TEST_CASE("conclude_investigation without hearing thresholds: hearing_threshold_missing",
          "[procedure][reference]") {
  CaseWithout world("06-hearing-thresholds.jsonl");
  world.Applied("start_investigation", "2023-09-04", {});
  world.Applied("record_evidence", "2023-09-05",
                {{"evidence_id", "EV-1"},
                 {"category", "on_site_transcript"},
                 {"officers", {"SX-OF-0054", "SX-OF-0055"}},
                 {"party_signed", true}});
  const boost::json::object conclusion{{"outcome", "penalty"},
                                       {"penalty_types", {"fine"}},
                                       {"fine_fen", 5000000},
                                       {"circumstance_level", "general"},
                                       {"adjustment", "general"},
                                       {"report", {{"facts", "事实"}, {"reasoning", "理由"}}}};
  CHECK(world.Rejected("conclude_investigation", "2023-09-20", conclusion) ==
        "hearing_threshold_missing");
}

}  // namespace
}  // namespace zf

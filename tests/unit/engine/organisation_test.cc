// Engine::OrganisationNow (the public query the server's OrgDirectory and
// zfcli's --as-actor limits use instead of folding the org stream
// themselves) and Engine::Statistics' scope (an area, a township).
#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "zf/engine.h"

namespace zf {
namespace {

TEST_CASE("OrganisationNow: names of units, areas and officers, and the township of a unit",
          "[engine][org]") {
  auto engine = testing::BareEngine();
  {
    auto empty = engine->OrganisationNow();
    REQUIRE(empty.ok());
    CHECK(empty->townships.empty());
    CHECK(empty->TownshipOf("gaosha").empty());
  }
  testing::LoadAll(*engine, testing::kSampleReferenceFiles);
  auto org = engine->OrganisationNow();
  REQUIRE(org.ok());
  CHECK(org->district.at("sx") == "沙县区");
  CHECK(org->townships.size() == 12);
  CHECK(org->townships.at("gaosha") == "高砂镇");
  CHECK(org->brigades.at("fenggang-brigade") == "凤岗街道综合执法大队");
  CHECK(org->areas.size() == 4);
  CHECK(org->areas.at("area-1") == "第一片区");
  CHECK(org->officers.at("SX-OF-0134") == "蔡秀英");
  CHECK(org->departments.count("sx-market") == 1);
  // A township is its own; a brigade belongs to its township; a
  // department, the district and an unknown id belong to none.
  CHECK(org->TownshipOf("gaosha") == "gaosha");
  CHECK(org->TownshipOf("fenggang-brigade") == "fenggang");
  CHECK(org->TownshipOf("sx-market").empty());
  CHECK(org->TownshipOf("sx").empty());
  CHECK(org->TownshipOf("nowhere").empty());
  CHECK(org->area_of_township.at("gaosha") == "area-2");
  CHECK(org->area_of_township.at("qiujiang") == "area-1");
}

TEST_CASE("Statistics scope: an area or township narrows, an unknown one is refused by field",
          "[engine][statistics]") {
  auto engine = testing::BareEngine();
  testing::LoadAll(*engine, testing::kSampleReferenceFiles);
  auto all = engine->Statistics("2023-01-01", "2023-12-31");
  REQUIRE(all.ok());
  CHECK(all->at("area_headcount").as_object().size() == 4);
  CHECK(all->at("scope").as_object().at("area").as_string() == "");

  auto area = engine->Statistics("2023-01-01", "2023-12-31", {}, StatisticsScope{"area-2", ""});
  REQUIRE(area.ok());
  CHECK(area->at("scope").as_object().at("area").as_string() == "area-2");
  // Only the chosen area's headcount.
  CHECK(area->at("area_headcount").as_object().size() == 1);
  CHECK(area->at("area_headcount").as_object().contains("area-2"));

  auto bad_area = engine->Statistics("2023-01-01", "2023-12-31", {}, StatisticsScope{"area-9", ""});
  REQUIRE_FALSE(bad_area.ok());
  CHECK(bad_area.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad_area.status().subject() == "area");
  auto bad_township =
      engine->Statistics("2023-01-01", "2023-12-31", {}, StatisticsScope{"", "atlantis"});
  REQUIRE_FALSE(bad_township.ok());
  CHECK(bad_township.status().subject() == "township");
}

}  // namespace
}  // namespace zf

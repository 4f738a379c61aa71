// The table of legal sources (zf/legal_sources.h). That every rejection
// code has a row, and no row a stale code, is docs.legal_sources
// (scripts/check-rejection-codes --sources); these check the compiled-in
// table and the lookups.
#include "zf/legal_sources.h"

#include <catch2/catch.hpp>

namespace {

bool HasAsciiLetter(std::string_view s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Every compiled-in row has both citations and a Chinese message", "[legal_sources]") {
  const auto& rows = zf::AllLegalSources();
  REQUIRE(rows.size() > 200);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO(rows[i].code);
    CHECK(rows[i].citation_zh.starts_with("《"));
    CHECK(rows[i].citation_en.size() > 0);
    CHECK(rows[i].message_zh.size() > 0);
    if (i > 0) CHECK(rows[i - 1].code < rows[i].code);
  }
}

TEST_CASE("A rejection cites its code's row in the chosen language", "[legal_sources]") {
  const zf::Rejection r{"subject_not_competent", "qingzhou may not file a case on MARKET-010",
                        "APL art. 38 (a decision by a subject without the power is void)",
                        "/actor/unit"};
  CHECK(zf::RejectionCitation(r, zf::Language::kZh) ==
        "《中华人民共和国行政处罚法》第三十八条第一款");
  CHECK(zf::RejectionCitation(r, zf::Language::kEn) == "APL art. 38 ¶1");
  CHECK(!HasAsciiLetter(zf::RejectionMessage(r, zf::Language::kZh)));
  CHECK(zf::RejectionMessage(r, zf::Language::kEn) == r.message);
  REQUIRE(zf::FindLegalSource("subject_not_competent") != nullptr);
  CHECK(zf::FindLegalSource("subject_not_competent")->message_zh ==
        zf::RejectionMessage(r, zf::Language::kZh));
}

TEST_CASE("A code without a row keeps the decider's text", "[legal_sources]") {
  const zf::Rejection r{"no_such_code", "a message", "APL art. 1", ""};
  CHECK(zf::FindLegalSource("no_such_code") == nullptr);
  CHECK(zf::FindLegalSource("") == nullptr);
  CHECK(zf::RejectionCitation(r, zf::Language::kZh) == "APL art. 1");
  CHECK(zf::RejectionMessage(r, zf::Language::kZh) == "a message");
}

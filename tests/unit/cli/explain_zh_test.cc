// The texts `case explain` prints for a decision's fine and hearing
// comparison (cli/explain_zh.h), in each language, for every branch: the
// generated sample has no decision without a hearing threshold or without a
// fine range, so the branches are put here with the explanation's fields.
#include <regex>
#include <string>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "explain_zh.h"

namespace zfcli {
namespace {

using boost::json::object;

// English words in a Chinese text: runs of three or more ASCII letters
// outside list-entry ids (SX-MP-001).
bool HasEnglishWord(const std::string& zh) {
  const std::string without_ids = std::regex_replace(zh, std::regex("SX-[A-Z]{2}-[0-9]{3}"), " ");
  return std::regex_search(without_ids, std::regex("[A-Za-z]{3,}"));
}

bool HasChinese(const std::string& text) {
  // Every Chinese character and full-width mark is 3 bytes in UTF-8 and
  // starts with 0xE3..0xE9 (U+3000..U+9FFF); the yuan sign "元" too.
  for (unsigned char c : text) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

void CheckOneLanguageEach(const std::string& zh, const std::string& en) {
  INFO(zh << " | " << en);
  CHECK(HasChinese(zh));
  CHECK_FALSE(HasEnglishWord(zh));
  CHECK_FALSE(HasChinese(en));
}

TEST_CASE("explain texts: a fine inside or outside its range, in yuan", "[explain_zh]") {
  object fine{{"fine_fen", 12'000'000}, {"allowed_min_fen", 7'400'000},
              {"allowed_max_fen", 14'600'000}, {"inside", true}, {"adjustment", "general"}};
  const std::string zh = FineText(fine, "", zf::Language::kZh);
  const std::string en = FineText(fine, "", zf::Language::kEn);
  CHECK(zh == "120,000.00 元，在允许的幅度74,000.00 元至146,000.00 元之内 ✓");
  CHECK(en == "120,000.00 yuan, inside the allowed range 74,000.00 yuan to 146,000.00 yuan ✓");
  fine["inside"] = false;
  CHECK(FineText(fine, "", zf::Language::kZh).find("不在允许的幅度") != std::string::npos);
  CHECK(FineText(fine, "", zf::Language::kEn).find("outside the allowed range") !=
        std::string::npos);
}

TEST_CASE("explain texts: a fine without a range says why", "[explain_zh]") {
  SECTION("mitigated below the statutory minimum on a list entry") {
    const object fine{{"fine_fen", 500'000}, {"adjustment", "mitigated"},
                      {"statutory_min_fen", 1'000'000}, {"statutory_max_fen", 5'000'000}};
    const std::string zh = FineText(fine, "SX-MP-001", zf::Language::kZh);
    const std::string en = FineText(fine, "SX-MP-001", zf::Language::kEn);
    CHECK(zh == "5,000.00 元，依清单条目 SX-MP-001 减轻处罚，低于法定最低罚款数额10,000.00 元");
    CHECK(en == "5,000.00 yuan, mitigated on list entry SX-MP-001: below the statutory minimum "
                "of 10,000.00 yuan");
    CheckOneLanguageEach(zh, en);
  }
  SECTION("a benchmark that gives no range") {
    const object fine{{"fine_fen", 300'000}, {"adjustment", "general"}};
    const std::string zh = FineText(fine, "", zf::Language::kZh);
    const std::string en = FineText(fine, "", zf::Language::kEn);
    CHECK(zh == "3,000.00 元（裁量基准未给出可核对的幅度）");
    CHECK(en == "3,000.00 yuan (the benchmark gives no range to check it against)");
    CheckOneLanguageEach(zh, en);
  }
}

TEST_CASE("explain texts: the hearing threshold, reached, not reached or none in force",
          "[explain_zh]") {
  const std::string zh_category = PartyCategoryText("organisation", zf::Language::kZh);
  const std::string en_category = PartyCategoryText("organisation", zf::Language::kEn);
  CHECK(zh_category == "法人或者其他组织");
  SECTION("none in force") {
    const object h{{"department", "sx-eco"}, {"party_category", "organisation"},
                   {"fine_fen", 12'000'000}, {"confiscation_fen", 0},
                   {"why", "no hearing threshold in force"}};
    const std::string zh = HearingText(h, zh_category, zf::Language::kZh);
    const std::string en = HearingText(h, en_category, zf::Language::kEn);
    CHECK(zh == "对法人或者其他组织没有施行的较大数额罚款听证标准，罚款数额无从比较"
                "（《中华人民共和国行政处罚法》第六十三条）");
    CHECK(en == "no hearing threshold in force for the party category organisation: the amount "
                "is compared with none (APL art. 63)");
    CheckOneLanguageEach(zh, en);
  }
  SECTION("reached, with a confiscation") {
    const object h{{"party_category", "organisation"}, {"fine_fen", 12'000'000},
                   {"confiscation_fen", 200'000}, {"threshold_fine_fen", 10'000'000},
                   {"threshold_confiscation_fen", 10'000'000}, {"eligible", true}};
    const std::string zh = HearingText(h, zh_category, zf::Language::kZh);
    const std::string en = HearingText(h, en_category, zf::Language::kEn);
    CHECK(zh == "罚款120,000.00 元，达到对法人或者其他组织较大数额罚款100,000.00 元的听证标准"
                "（含本数）；没收违法所得、非法财物2,000.00 元（听证标准100,000.00 元），"
                "当事人有权要求听证（《中华人民共和国行政处罚法》第六十三条）");
    CHECK(en.find("reaches the threshold of 100,000.00 yuan") != std::string::npos);
    CHECK(en.find("the party may request a hearing (APL art. 63)") != std::string::npos);
    CheckOneLanguageEach(zh, en);
  }
  SECTION("not reached") {
    const object h{{"party_category", "organisation"}, {"fine_fen", 500'000},
                   {"confiscation_fen", 0}, {"threshold_fine_fen", 10'000'000},
                   {"threshold_confiscation_fen", 10'000'000}, {"eligible", false}};
    const std::string zh = HearingText(h, zh_category, zf::Language::kZh);
    const std::string en = HearingText(h, en_category, zf::Language::kEn);
    CHECK(zh.find("未达到") != std::string::npos);
    CHECK(zh.find("不属于应当告知听证权利的情形") != std::string::npos);
    CHECK(en.find("is below the threshold") != std::string::npos);
    CheckOneLanguageEach(zh, en);
  }
}

TEST_CASE("explain texts: the JSON gets both texts beside the English note", "[explain_zh]") {
  object explanation{
      {"decisions",
       boost::json::array{object{
           {"inputs", object{{"mitigation_ground", "SX-MP-001"}}},
           {"computation",
            object{{"fine", object{{"fine_fen", 500'000}, {"adjustment", "mitigated"}}},
                   {"hearing", object{{"party_category", "natural_person"},
                                      {"fine_fen", 500'000},
                                      {"why", "no hearing threshold in force"}}}}}}}}};
  AddChineseTexts(&explanation);
  const object& comp =
      explanation.at("decisions").as_array()[0].as_object().at("computation").as_object();
  const object& hearing = comp.at("hearing").as_object();
  CHECK(hearing.at("why") == "no hearing threshold in force");  // unchanged
  CHECK(hearing.at("why_zh").as_string().starts_with("对自然人没有施行的"));
  CHECK(hearing.at("why_en").as_string().starts_with("no hearing threshold in force for the "
                                                     "party category natural person"));
  CHECK(comp.at("fine").as_object().at("why_zh").as_string().find("依清单条目 SX-MP-001") !=
        std::string::npos);
}

}  // namespace
}  // namespace zfcli

// The notes of leniency conditions and of the law in time
// (zf/leniency_notes.h): every note the decider can write reads back to its
// kind and has a Chinese and an English text.
#include "zf/leniency_notes.h"

#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

// Sample arguments per kind, as the decider passes them.
std::vector<std::string> Sample(zf::ConditionNoteKind kind) {
  using K = zf::ConditionNoteKind;
  switch (kind) {
    case K::kFactNotStated: return {"amount_fen"};
    case K::kAtMost: return {"amount_fen", "120000", "500000"};
    case K::kNoPriorViolation: return {"91350000MA0001", "12", "same_item"};
    case K::kPriorViolation: return {"12", "same_item", "SX-2023-0004"};
    case K::kCorrectedWithin: return {"5", "7"};
    case K::kCorrectedOn: return {"2023-03-08", "7", "2023-03-01", "10"};
    case K::kNoCorrection: return {};
    case K::kHarm: return {"slight", "general"};
    case K::kFactEstablished: return {"coerced_or_deceived"};
    case K::kFactNotEstablished: return {"coerced_or_deceived"};
  }
  return {};
}

// Latin words of three or more letters outside the sample's ids.
bool HasEnglishWord(const std::string& text) {
  static const std::regex kWord("[A-Za-z]{3,}");
  return std::regex_search(text, kWord);
}

}  // namespace

TEST_CASE("Every condition note reads back to its kind and has both languages",
          "[leniency_notes]") {
  CHECK(zf::AllConditionNoteKinds().size() == 10);
  for (const zf::ConditionNoteKind kind : zf::AllConditionNoteKinds()) {
    const zf::ConditionNote note{kind, Sample(kind)};
    INFO("kind " << static_cast<int>(kind));
    REQUIRE(note.args.size() == zf::ConditionNoteArity(kind));
    const std::string stored = zf::ConditionNoteStored(note);
    const auto parsed = zf::ParseConditionNote(stored);
    REQUIRE(parsed.has_value());
    CHECK(parsed->kind == kind);
    CHECK(parsed->args == note.args);
    const std::string zh = zf::ConditionNoteText(note, zf::Language::kZh);
    const std::string en = zf::ConditionNoteText(note, zf::Language::kEn);
    INFO(stored << " | " << zh << " | " << en);
    CHECK_FALSE(zh.empty());
    CHECK_FALSE(en.empty());
    CHECK(zh != en);
    // The Chinese names no fact or level in English; only a case id (the
    // prior violation's) may carry Latin letters.
    if (kind != zf::ConditionNoteKind::kPriorViolation) CHECK_FALSE(HasEnglishWord(zh));
    CHECK(zf::ConditionNoteTextOf(stored, false, zf::Language::kZh) == zh);
    CHECK(zf::ConditionNoteTextOf(stored, false, zf::Language::kEn) == en);
  }
}

TEST_CASE("Condition notes keep the stored form the decider has always written",
          "[leniency_notes]") {
  using K = zf::ConditionNoteKind;
  CHECK(zf::ConditionNoteStored({K::kHarm, {"slight", "general"}}) ==
        "harm slight (at most general)");
  CHECK(zf::ConditionNoteStored({K::kNoPriorViolation, {"P1", "12", "same_item"}}) ==
        "no violation of the party (P1) decided in the 12 months before, same_item ");
  CHECK(zf::ConditionNoteStored({K::kAtMost, {"amount_fen", "100", "200"}}) ==
        "amount_fen = 100 (limit 200)");
  CHECK(zf::ConditionNoteStored({K::kNoCorrection, {}}) ==
        "no correction stated (facts.corrected_within_days or corrected_on)");
  CHECK(zf::ConditionNoteText({K::kAtMost, {"amount_fen", "120000", "500000"}},
                              zf::Language::kZh) == "涉案金额1,200.00 元（上限5,000.00 元）");
  CHECK(zf::ConditionNoteText({K::kCorrectedOn, {"2023-03-08", "7", "2023-03-01", "10"}},
                              zf::Language::kZh) ==
        "2023年3月8日改正，距2023年3月1日7日（期限10日）");
}

TEST_CASE("A note no kind writes falls back by language", "[leniency_notes]") {
  CHECK_FALSE(zf::ParseConditionNote("something else").has_value());
  CHECK(zf::ConditionNoteTextOf("something else", true, zf::Language::kZh) == "条件成立");
  CHECK(zf::ConditionNoteTextOf("something else", false, zf::Language::kZh) == "条件不成立");
  CHECK(zf::ConditionNoteTextOf("something else", false, zf::Language::kEn) == "something else");
}

TEST_CASE("The law in time's reason follows from its recorded fields", "[leniency_notes]") {
  using R = zf::LawInTimeReason;
  CHECK(zf::LawInTimeReasonOf("decision_date", false, "", "B@2") == R::kActDateNotRecorded);
  CHECK(zf::LawInTimeReasonOf("decision_date", true, "", "B@2") == R::kNoBenchmarkOnActDate);
  CHECK(zf::LawInTimeReasonOf("act_date", true, "B@1", "") == R::kNoBenchmarkOnDecisionDate);
  CHECK(zf::LawInTimeReasonOf("act_date", true, "B@1", "B@1") == R::kSameVersion);
  CHECK(zf::LawInTimeReasonOf("decision_date", true, "B@1", "B@2") == R::kDecisionDateLighter);
  CHECK(zf::LawInTimeReasonOf("act_date", true, "B@1", "B@2") == R::kLaterNotLighter);
  CHECK_FALSE(zf::LawInTimeReasonOf("", true, "B@1", "B@2").has_value());
  CHECK(zf::AllLawInTimeReasons().size() == 6);
  for (const R r : zf::AllLawInTimeReasons()) {
    const std::string zh(zf::LawInTimeReasonText(r, zf::Language::kZh));
    const std::string en(zf::LawInTimeReasonText(r, zf::Language::kEn));
    INFO(zf::LawInTimeReasonStored(r) << " | " << zh << " | " << en);
    CHECK_FALSE(zf::LawInTimeReasonStored(r).empty());
    CHECK_FALSE(zh.empty());
    CHECK_FALSE(en.empty());
    CHECK_FALSE(HasEnglishWord(zh));
  }
  CHECK(zf::LawInTimeReasonStored(R::kDecisionDateLighter) ==
        "the version in force on the decision date is lighter (APL 37)");
}

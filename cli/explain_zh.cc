// The notes an explanation records, in the reader's language (explain_zh.h).
#include "explain_zh.h"

#include <string>

#include <fmt/format.h>

#include "zf/leniency_notes.h"
#include "zf/text_format.h"

namespace zfcli {
namespace {

using boost::json::object;

std::string Day(std::string_view iso) { return zf::DateText(iso, zf::Language::kZh); }

std::string Text(const object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool Flag(const object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

// why_zh on the law in time (the reason and which date's rules apply) and
// why_en (the reason).
void AnnotateLawInTime(object* part) {
  boost::json::value* law = part->if_contains("law_in_time");
  if (law == nullptr || !law->is_object()) return;
  object& l = law->as_object();
  const bool act = Text(l, "applied") == "act_date";
  const std::string why = LawWhyText(l, zf::Language::kZh);
  l["why_zh"] = fmt::format("{}{}适用{}（{}）施行的规定", why, why.empty() ? "" : "，",
                            act ? "违法行为发生时" : "作出决定时",
                            Day(act ? Text(l, "act_date") : Text(l, "decision_date")));
  l["why_en"] = LawWhyText(l, zf::Language::kEn);
}

// name_zh, why_zh and why_en on each condition of each list entry.
void AnnotateConditions(object* part) {
  boost::json::value* entries = part->if_contains("entries");
  if (entries == nullptr || !entries->is_array()) return;
  for (boost::json::value& e : entries->as_array()) {
    boost::json::value* conditions =
        e.is_object() ? e.as_object().if_contains("conditions") : nullptr;
    if (conditions == nullptr || !conditions->is_array()) continue;
    for (boost::json::value& c : conditions->as_array()) {
      if (!c.is_object()) continue;
      object& o = c.as_object();
      o["name_zh"] = ConditionNameText(Text(o, "code"), zf::Language::kZh);
      o["why_zh"] = ConditionWhyText(Text(o, "why"), Flag(o, "met"), zf::Language::kZh);
      o["why_en"] = ConditionWhyText(Text(o, "why"), Flag(o, "met"), zf::Language::kEn);
    }
  }
}

}  // namespace

std::string ConditionNameText(std::string_view c, zf::Language lang) {
  struct Row {
    std::string_view code, zh, en;
  };
  static constexpr Row kRows[] = {
      {"first_violation", "初次违法", "first violation"},
      {"corrected_within", "在规定期限内改正", "corrected within the period"},
      {"harm_level_at_most", "危害后果不超过规定程度", "harm no more than the level stated"},
      {"amount_at_most", "涉案金额不超过规定数额", "amount at most the limit"},
      {"illegal_gains_at_most", "违法所得不超过规定数额", "illegal gains at most the limit"},
      {"duration_at_most", "违法行为持续时间不超过规定天数", "duration at most the limit"},
      {"no_subjective_fault", "当事人有证据足以证明没有主观过错", "no subjective fault"},
      {"harm_removed_proactively", "主动消除或者减轻违法行为危害后果",
       "removed or reduced the harm of its own accord"},
      {"coerced_or_deceived", "受他人胁迫或者诱骗实施违法行为", "coerced or deceived"},
      {"confessed_unknown_violation", "主动供述行政机关尚未掌握的违法行为",
       "confessed a violation the agency did not know of"},
      {"meritorious_service", "配合行政机关查处违法行为有立功表现", "meritorious service"},
      {"party_minor", "已满十四周岁不满十八周岁的未成年人", "a minor of 14 to 17"},
      {"social_harm_not_obvious", "违法行为情节轻微且社会危害性较小",
       "slight, with little harm to society"},
      {"emergency_period", "发生在突发事件应对期间", "during an emergency"},
      {"repeat_offence", "再次违法", "a repeat offence"},
      {"refused_correction", "拒不改正", "refused to correct"},
      {"caused_accident", "造成事故", "caused an accident"},
  };
  for (const Row& r : kRows) {
    if (r.code == c) return std::string(lang == zf::Language::kEn ? r.en : r.zh);
  }
  return std::string(c);
}

std::string ConditionWhyText(const std::string& why, bool met, zf::Language lang) {
  return zf::ConditionNoteTextOf(why, met, lang);
}

std::string LawWhyText(const object& law, zf::Language lang) {
  const auto reason = zf::LawInTimeReasonOf(Text(law, "applied"), law.contains("act_date"),
                                            Text(law, "act_version"),
                                            Text(law, "decision_version"));
  if (!reason) return lang == zf::Language::kEn ? Text(law, "why") : std::string();
  return std::string(zf::LawInTimeReasonText(*reason, lang));
}

void AddChineseTexts(object* explanation) {
  boost::json::value* decisions = explanation->if_contains("decisions");
  if (decisions == nullptr || !decisions->is_array()) return;
  for (boost::json::value& d : decisions->as_array()) {
    if (!d.is_object()) continue;
    for (const char* part : {"evaluation", "inputs"}) {
      boost::json::value* p = d.as_object().if_contains(part);
      if (p == nullptr || !p->is_object()) continue;
      AnnotateLawInTime(&p->as_object());
      AnnotateConditions(&p->as_object());
    }
  }
}

}  // namespace zfcli

// The Chinese of the notes an explanation records in English (explain_zh.h).
#include "explain_zh.h"

#include <regex>
#include <string>

#include <fmt/format.h>

#include "zf/text_format.h"

namespace zfcli {
namespace {

using boost::json::object;

std::string Day(std::string_view iso) { return zf::DateText(iso, zf::Language::kZh); }
std::string Money(std::int64_t fen) { return zf::YuanText(fen, zf::Language::kZh); }

std::string HarmZh(const std::string& level) {
  if (level == "none") return "无";
  if (level == "slight") return "轻微";
  if (level == "general") return "一般";
  if (level == "serious") return "较重";
  if (level == "severe") return "严重";
  return level;
}

std::string Text(const object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool Flag(const object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

// why_zh on the law in time: the reason and which date's rules apply.
void AnnotateLawInTime(object* part) {
  boost::json::value* law = part->if_contains("law_in_time");
  if (law == nullptr || !law->is_object()) return;
  object& l = law->as_object();
  const bool act = Text(l, "applied") == "act_date";
  const std::string why = LawWhyZh(Text(l, "why"));
  l["why_zh"] = fmt::format("{}{}适用{}（{}）施行的规定", why, why.empty() ? "" : "，",
                            act ? "违法行为发生时" : "作出决定时",
                            Day(act ? Text(l, "act_date") : Text(l, "decision_date")));
}

// name_zh and why_zh on each condition of each list entry.
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
      o["why_zh"] = ConditionWhyZh(Text(o, "why"), Flag(o, "met"));
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

std::string ConditionWhyZh(const std::string& why, bool met) {
  if (why.ends_with(" not established")) return "未认定该事实";
  if (why.ends_with(" established")) return "已认定该事实";
  if (why.ends_with(" not stated")) return "案件事实未载明";
  if (why.starts_with("no correction stated")) return "未载明改正情况";
  std::smatch m;
  static const std::regex kHarm(R"(^harm (\w+) \(at most (\w+)\)$)");
  static const std::regex kWithin(R"(^corrected within (\d+) days \(limit (\d+)\)$)");
  static const std::regex kOn(
      R"(^corrected on (\S+), (-?\d+) days after (\S+) \(limit (\d+)\)$)");
  static const std::regex kAtMost(R"(^(\w+) = (-?\d+) \(limit (-?\d+)\)$)");
  if (std::regex_match(why, m, kHarm)) {
    return fmt::format("危害后果{}（不超过{}）", HarmZh(m[1].str()), HarmZh(m[2].str()));
  }
  if (std::regex_match(why, m, kWithin)) {
    return fmt::format("{}日内改正（期限{}日）", m[1].str(), m[2].str());
  }
  if (std::regex_match(why, m, kOn)) {
    return fmt::format("{}改正，距{}{}日（期限{}日）", Day(m[1].str()), Day(m[3].str()),
                       m[2].str(), m[4].str());
  }
  if (std::regex_match(why, m, kAtMost)) {
    const std::string fact = m[1].str();
    const std::int64_t value = std::stoll(m[2].str());
    const std::int64_t limit = std::stoll(m[3].str());
    if (fact.ends_with("_fen")) {
      return fmt::format("{}（上限{}）", Money(value), Money(limit));
    }
    return fmt::format("{}日（上限{}日）", value, limit);
  }
  if (why.starts_with("no violation of the party")) return "此前回溯期内没有违法处理记录";
  if (why.starts_with("earlier violation decided within")) {
    const std::size_t at = why.rfind("case ");
    return "回溯期内已有违法处理记录" +
           (at == std::string::npos ? std::string() : fmt::format("（案件 {}）", why.substr(at + 5)));
  }
  return met ? "条件成立" : "条件不成立";
}

std::string LawWhyZh(const std::string& why) {
  if (why == "the act date is not recorded") return "未记载违法行为发生日期";
  if (why == "no benchmark was in force on the act date") return "违法行为发生时尚无施行的裁量基准";
  if (why.starts_with("no benchmark is in force on the decision date")) {
    return "作出决定时没有施行的裁量基准";
  }
  if (why == "the same version was in force on both dates") {
    return "违法行为发生时与作出决定时施行的是同一版本";
  }
  if (why.starts_with("the version in force on the decision date is lighter")) {
    return "作出决定时施行的规定处罚较轻";
  }
  if (why.starts_with("the version in force on the act date applies")) {
    return "新的规定处罚并不较轻";
  }
  return "";
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

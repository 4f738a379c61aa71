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

std::int64_t Int(const object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

constexpr std::string_view kApl = "《中华人民共和国行政处罚法》";

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
      o["name_zh"] = zf::LeniencyConditionName(Text(o, "code"), zf::Language::kZh);
      o["why_zh"] = ConditionWhyText(Text(o, "why"), Flag(o, "met"), zf::Language::kZh);
      o["why_en"] = ConditionWhyText(Text(o, "why"), Flag(o, "met"), zf::Language::kEn);
    }
  }
}

}  // namespace

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

std::string PartyCategoryText(std::string_view c, zf::Language lang) {
  const bool en = lang == zf::Language::kEn;
  if (c == "organisation") return en ? "organisation" : "法人或者其他组织";
  if (c == "natural_person") return en ? "natural person" : "自然人";
  if (c == "individual_business") return en ? "individual business" : "个体工商户";
  return std::string(c);
}

std::string FineText(const object& fine, std::string_view mitigation_ground, zf::Language lang) {
  const bool en = lang == zf::Language::kEn;
  const std::string amount = zf::YuanText(Int(fine, "fine_fen"), lang);
  if (fine.contains("allowed_min_fen")) {
    const bool inside = Flag(fine, "inside");
    const std::string range =
        fmt::format("{}{}{}", zf::YuanText(Int(fine, "allowed_min_fen"), lang), en ? " to " : "至",
                    zf::YuanText(Int(fine, "allowed_max_fen"), lang));
    return en ? fmt::format("{}, {} the allowed range {} {}", amount,
                            inside ? "inside" : "outside", range, inside ? "✓" : "✗")
              : fmt::format("{}，{}允许的幅度{}之内 {}", amount, inside ? "在" : "不在", range,
                            inside ? "✓" : "✗");
  }
  if (Text(fine, "adjustment") != "mitigated") {
    return amount + (en ? " (the benchmark gives no range to check it against)"
                        : "（裁量基准未给出可核对的幅度）");
  }
  const std::string ground(mitigation_ground);
  const std::string minimum = fine.contains("statutory_min_fen")
                                  ? zf::YuanText(Int(fine, "statutory_min_fen"), lang)
                                  : std::string();
  if (en) {
    return fmt::format("{}, mitigated{}: below the statutory minimum{}", amount,
                       ground.empty() ? "" : " on list entry " + ground,
                       minimum.empty() ? "" : " of " + minimum);
  }
  return fmt::format("{}，{}减轻处罚，低于法定最低罚款数额{}", amount,
                     ground.empty() ? "" : "依清单条目 " + ground + " ", minimum);
}

std::string HearingText(const object& h, std::string_view category, zf::Language lang) {
  const bool en = lang == zf::Language::kEn;
  const std::string basis = en ? " (APL art. 63)" : fmt::format("（{}第六十三条）", kApl);
  if (!h.contains("threshold_fine_fen")) {
    // No threshold in force for the department and the party category: the
    // amount is compared with nothing.
    return en ? fmt::format("no hearing threshold in force for the party category {}: the "
                            "amount is compared with none{}",
                            category, basis)
              : fmt::format("对{}没有施行的较大数额罚款听证标准，罚款数额无从比较{}", category,
                            basis);
  }
  auto money = [&](std::string_view key) { return zf::YuanText(Int(h, key), lang); };
  const std::int64_t fine = Int(h, "fine_fen");
  const std::int64_t threshold = Int(h, "threshold_fine_fen");
  std::string text;
  if (threshold > 0 && fine > 0) {
    text = en ? fmt::format("a fine of {} {} the threshold of {} for the party category {} "
                            "(inclusive)",
                            money("fine_fen"), fine >= threshold ? "reaches" : "is below",
                            money("threshold_fine_fen"), category)
              : fmt::format("罚款{}，{}对{}较大数额罚款{}的听证标准（含本数）", money("fine_fen"),
                            fine >= threshold ? "达到" : "未达到", category,
                            money("threshold_fine_fen"));
  }
  if (Int(h, "confiscation_fen") > 0) {
    text += (text.empty() ? "" : (en ? "; " : "；")) +
            (en ? fmt::format("confiscation of {} (threshold {})", money("confiscation_fen"),
                              money("threshold_confiscation_fen"))
                : fmt::format("没收违法所得、非法财物{}（听证标准{}）", money("confiscation_fen"),
                              money("threshold_confiscation_fen")));
  }
  text += (text.empty() ? "" : (en ? "; " : "，")) +
          std::string(Flag(h, "eligible")
                          ? (en ? "the party may request a hearing" : "当事人有权要求听证")
                          : (en ? "no hearing right" : "不属于应当告知听证权利的情形"));
  return text + basis;
}

namespace {

// why_zh and why_en on the fine and the hearing comparison of a decision's
// computation (their `why` is the explanation's English note).
void AnnotateComputation(object* decision) {
  boost::json::value* comp = decision->if_contains("computation");
  if (comp == nullptr || !comp->is_object()) return;
  const boost::json::value* in = decision->if_contains("inputs");
  const std::string ground = in != nullptr && in->is_object()
                                 ? Text(in->as_object(), "mitigation_ground")
                                 : std::string();
  if (boost::json::value* f = comp->as_object().if_contains("fine"); f && f->is_object()) {
    object& fine = f->as_object();
    fine["why_zh"] = FineText(fine, ground, zf::Language::kZh);
    fine["why_en"] = FineText(fine, ground, zf::Language::kEn);
  }
  if (boost::json::value* h = comp->as_object().if_contains("hearing"); h && h->is_object()) {
    object& hearing = h->as_object();
    const std::string category = Text(hearing, "party_category");
    hearing["why_zh"] = HearingText(hearing, PartyCategoryText(category, zf::Language::kZh),
                                    zf::Language::kZh);
    hearing["why_en"] = HearingText(hearing, PartyCategoryText(category, zf::Language::kEn),
                                    zf::Language::kEn);
  }
}

}  // namespace

void AddChineseTexts(object* explanation) {
  boost::json::value* decisions = explanation->if_contains("decisions");
  if (decisions == nullptr || !decisions->is_array()) return;
  for (boost::json::value& d : decisions->as_array()) {
    if (!d.is_object()) continue;
    AnnotateComputation(&d.as_object());
    for (const char* part : {"evaluation", "inputs"}) {
      boost::json::value* p = d.as_object().if_contains(part);
      if (p == nullptr || !p->is_object()) continue;
      AnnotateLawInTime(&p->as_object());
      AnnotateConditions(&p->as_object());
    }
  }
}

}  // namespace zfcli

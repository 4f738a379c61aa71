// `zfcli case explain` as text: the explanation (Engine::ExplainCase) read
// like the reasoning of a 行政处罚决定书 (issue 18). In order: the facts;
// the violation and its legal basis; the competence; the discretion; the
// leniency lists; the law in time; the deadlines with the calendar days that
// moved them; the decision. The rule versions, reference events and hashes
// follow in a separate, labelled block for auditors. Names come from the
// explanation's `names` (the org data), amounts are yuan, and dates in prose
// are 2023年3月1日 in Chinese. English (--lang en) has the same structure.
// Public API only.
#include "explain_text.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <cctype>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "explain_zh.h"
#include "zf/event_json.h"
#include "zf/legal_sources.h"
#include "zf/leniency_notes.h"
#include "zf/text_format.h"

namespace zfcli {
namespace {

using boost::json::array;
using boost::json::object;

constexpr std::string_view kApl = "《中华人民共和国行政处罚法》";

class ExplainWriter {
 public:
  ExplainWriter(const GlobalOptions& g, const object& x) : g_(g), x_(x) {
    if (const object* n = Obj(x, "names")) names_ = *n;
  }

  void Write() {
    FindDecisions();
    Title();
    Facts();
    Violation();
    Competence();
    Discretion();
    Leniency();
    LawInTime();
    Deadlines();
    Decision();
    AuditBlock();
  }

 private:
  // --- helpers -------------------------------------------------------------
  bool En() const { return g_.lang == Lang::kEn; }
  std::string_view T(std::string_view zh, std::string_view en) const { return En() ? en : zh; }
  zf::Language Language() const { return En() ? zf::Language::kEn : zf::Language::kZh; }

  static const object* Obj(const object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
  }
  static const array* Arr(const object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
  }
  static std::string S(const object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return "";
    if (v->is_string()) return std::string(v->as_string());
    return boost::json::serialize(*v);
  }
  static std::int64_t I(const object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v != nullptr && v->is_int64() ? v->as_int64() : 0;
  }
  static bool B(const object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
  }

  std::string Day(std::string_view iso) const { return zf::DateText(iso, Language()); }
  std::string Money(std::int64_t fen) const { return zf::YuanText(fen, Language()); }
  // "name（id）" in Chinese, "name (id)" in English; the id alone without a name.
  std::string Named(std::string_view name, std::string_view id) const {
    if (name.empty() || name == id) return std::string(id);
    if (id.empty()) return std::string(name);
    return En() ? fmt::format("{} ({})", name, id) : fmt::format("{}（{}）", name, id);
  }
  std::string Paren(std::string_view text) const {
    return En() ? fmt::format(" ({})", text) : fmt::format("（{}）", text);
  }
  std::string_view Sep() const { return T("；", "; "); }
  std::string Join(const std::vector<std::string>& parts, std::string_view sep) const {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
    return out;
  }
  std::string Officer(std::string_view id) const {
    const object* officers = Obj(names_, "officers");
    return Named(officers != nullptr ? S(*officers, id) : "", id);
  }
  std::string Subject(std::string_view id) const {
    const object* s = Obj(names_, "handling_subject");
    if (s != nullptr && S(*s, "id") == id) {
      return Named(S(*s, "legal_name").empty() ? S(*s, "name") : S(*s, "legal_name"), id);
    }
    const object* t = Obj(names_, "township");
    if (t != nullptr && S(*t, "id") == id) return Named(S(*t, "name"), id);
    return std::string(id);
  }
  // The text with each id the names know replaced by "name（id）".
  std::string WithNames(std::string text) const {
    std::vector<std::pair<std::string, std::string>> ids;
    for (std::string_view kind : {"handling_subject", "township", "area"}) {
      if (const object* o = Obj(names_, kind)) {
        std::string name = S(*o, "name");
        if (kind == "handling_subject" && !S(*o, "legal_name").empty()) name = S(*o, "legal_name");
        if (!S(*o, "id").empty() && !name.empty()) ids.emplace_back(S(*o, "id"), name);
      }
    }
    for (const auto& [id, name] : ids) {
      std::string out;
      std::size_t from = 0;
      for (std::size_t at; (at = text.find(id, from)) != std::string::npos; from = at + id.size()) {
        const bool alone = (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]))) &&
                           (at + id.size() == text.size() ||
                            (!std::isalnum(static_cast<unsigned char>(text[at + id.size()])) &&
                             text[at + id.size()] != '-'));
        out += text.substr(from, at - from);
        out += alone ? Named(name, id) : id;
      }
      text = out + text.substr(from);
    }
    return text;
  }
  void Heading(std::string_view zh, std::string_view en) const {
    std::cout << '\n' << T(zh, en) << '\n';
  }
  void Line(std::string_view label, std::string_view text) const {
    std::cout << fmt::format("  {}{}{}\n", label, T("：", ": "), text);
  }

  std::string LevelName(std::string_view level) const {
    if (level == "minor") return std::string(T("轻微", "minor"));
    if (level == "general") return std::string(T("一般", "general"));
    if (level == "serious") return std::string(T("较重", "serious"));
    if (level == "severe") return std::string(T("严重", "severe"));
    return std::string(level);
  }
  std::string AdjustmentName(std::string_view a) const {
    if (a == "lighter") return std::string(T("从轻", "lighter"));
    if (a == "general") return std::string(T("一般", "general"));
    if (a == "heavier") return std::string(T("从重", "heavier"));
    if (a == "mitigated") return std::string(T("减轻", "mitigated"));
    return std::string(a);
  }
  std::string CategoryName(std::string_view c) const { return PartyCategoryText(c, Language()); }
  std::string ListKindName(std::string_view k) const {
    if (k == "no_penalty") return std::string(T("不予处罚清单", "no-penalty list"));
    if (k == "lighter_penalty") return std::string(T("从轻处罚清单", "lighter-penalty list"));
    if (k == "mitigated_penalty") return std::string(T("减轻处罚清单", "mitigated-penalty list"));
    if (k == "coercion_exemption") {
      return std::string(T("免予行政强制清单", "coercion-exemption list"));
    }
    return std::string(k);
  }
  std::string ConditionName(std::string_view c) const {
    return zf::LeniencyConditionName(c, Language());
  }
  // The provision a list entry's ground (APL32.3, APL33.1.2, ACL16.2) names.
  std::string GroundCitation(std::string_view ground) const {
    struct Row {
      std::string_view ground, zh, en;
    };
    static constexpr Row kRows[] = {
        {"APL30", "《中华人民共和国行政处罚法》第三十条", "APL art. 30"},
        {"APL31.2", "《中华人民共和国行政处罚法》第三十一条第二款", "APL art. 31 ¶2"},
        {"APL32.1", "《中华人民共和国行政处罚法》第三十二条第（一）项", "APL art. 32(1)"},
        {"APL32.2", "《中华人民共和国行政处罚法》第三十二条第（二）项", "APL art. 32(2)"},
        {"APL32.3", "《中华人民共和国行政处罚法》第三十二条第（三）项", "APL art. 32(3)"},
        {"APL32.4", "《中华人民共和国行政处罚法》第三十二条第（四）项", "APL art. 32(4)"},
        {"APL32.5", "《中华人民共和国行政处罚法》第三十二条第（五）项", "APL art. 32(5)"},
        {"APL33.1.1", "《中华人民共和国行政处罚法》第三十三条第一款", "APL art. 33 ¶1"},
        {"APL33.1.2", "《中华人民共和国行政处罚法》第三十三条第一款（首违不罚）",
         "APL art. 33 ¶1, sentence 2 (first violation)"},
        {"APL33.2", "《中华人民共和国行政处罚法》第三十三条第二款", "APL art. 33 ¶2"},
        {"ACL16.2", "《中华人民共和国行政强制法》第十六条第二款", "ACL art. 16 ¶2"},
    };
    for (const Row& r : kRows) {
      if (r.ground == ground) return std::string(T(r.zh, r.en));
    }
    return std::string(ground);
  }
  // A condition's finding in words, in the reader's language, from the
  // recorded note's kind and arguments (explain_zh.h).
  std::string ConditionWhy(const object& c) const {
    return ConditionWhyText(S(c, "why"), B(c, "met"), Language());
  }


  std::string StatusOfDeadline(const object& d) const {
    const std::string status = S(d, "status");
    const std::string met = S(d, "met_on");
    if (status == "met") {
      return En() ? fmt::format("met on {}", met) : fmt::format("已于{}按期完成", Day(met));
    }
    if (status == "met_late") {
      return En() ? fmt::format("met late, on {}", met) : fmt::format("于{}逾期完成", Day(met));
    }
    if (status == "breached") return std::string(T("已超期", "breached"));
    if (status == "elapsed") return std::string(T("期间已届满", "elapsed"));
    return std::string(T("尚未届满", "open"));
  }

  std::string PauseReason(std::string_view reason) const {
    struct Row {
      std::string_view code, zh, en;
    };
    static constexpr Row kRows[] = {
        {"appraisal", "鉴定", "appraisal"},       {"testing", "检测", "testing"},
        {"inspection", "检验", "inspection"},     {"quarantine", "检疫", "quarantine"},
        {"hearing", "听证", "hearing"},           {"public_notice", "公告", "public notice"},
        {"suspension", "中止调查", "suspension"}, {"police", "移送公安机关", "with the police"},
    };
    for (const Row& r : kRows) {
      if (r.code == reason) return std::string(T(r.zh, r.en));
    }
    return std::string(reason);
  }

  std::string Dates(const std::vector<std::string>& days) const {
    std::vector<std::string> out;
    for (const std::string& d : days) out.push_back(Day(d));
    return Join(out, T("、", ", "));
  }

  // --- the decisions the sections read -----------------------------------
  void FindDecisions() {
    for (const auto& v : x_.at("decisions").as_array()) {
      const object& d = v.as_object();
      const std::string type = S(d.at("event").as_object(), "type");
      if (type == "case_filed") filed_ = &d;
      if (type == "investigation_concluded") concluded_ = &d;
      if (type == "decision_made" || type == "on_spot_decision_issued") decided_ = &d;
    }
    // The discretion and the lists: as the decision judged them, or the
    // conclusion's proposal before a decision.
    judged_ = decided_ != nullptr ? decided_ : concluded_;
  }

  void Title() {
    const object& party = x_.at("party").as_object();
    (void)party;
    std::cout << fmt::format("{} {}{}  {}{}{}\n",
                             T("行政处罚案件说理", "Reasoning of case"), S(x_, "case_id"),
                             Paren(Label(g_, S(x_, "state"))), T("截至", "as of "),
                             Day(S(x_, "as_of")), "");
  }

  void Facts() {
    Heading("一、事实", "1. Facts");
    const object& party = x_.at("party").as_object();
    if (!S(party, "name").empty() || !S(party, "id").empty()) {
      std::string id = S(party, "id");
      if (!S(party, "category").empty()) {
        id += (id.empty() ? "" : std::string(T("，", ", "))) + CategoryName(S(party, "category"));
      }
      const std::string who = Named(S(party, "name"), id);
      Line(T("当事人", "party"), who);
    }
    std::string place;
    if (const object* t = Obj(names_, "township")) place = Named(S(*t, "name"), S(*t, "id"));
    else place = S(x_, "township");
    if (const object* a = Obj(names_, "area")) {
      place += En() ? fmt::format(", in the enforcement area {}", Named(S(*a, "name"), S(*a, "id")))
                    : fmt::format("，属{}", Named(S(*a, "name"), S(*a, "id")));
    }
    if (!place.empty()) Line(T("违法行为发生地", "place"), place);
    if (const object* item = Obj(names_, "item")) {
      Line(T("违法行为", "act"), S(*item, "name"));
    }
    if (!S(x_, "clue_description").empty()) {
      Line(T("线索", "clue"), S(x_, "clue_description"));
    }
    std::vector<std::string> when;
    if (!S(x_, "act_ended_on").empty()) {
      when.push_back(fmt::format("{}{}", T("违法行为发生（终了）于", "the act took place (ended) on "),
                                 Day(S(x_, "act_ended_on"))));
    }
    if (!S(x_, "discovered_on").empty()) {
      when.push_back(fmt::format("{}{}", T("发现于", "found on "), Day(S(x_, "discovered_on"))));
    }
    if (!S(x_, "filed_on").empty()) {
      when.push_back(fmt::format("{}{}", T("立案于", "filed on "), Day(S(x_, "filed_on"))));
    } else {
      when.push_back(std::string(T("尚未立案", "not filed")));
    }
    Line(T("时间", "when"), Join(when, T("；", "; ")));
    std::vector<std::string> handlers;
    if (const array* h = Arr(x_, "handlers")) {
      for (const auto& id : *h) handlers.push_back(Officer(id.as_string()));
    }
    if (!handlers.empty()) Line(T("承办人员", "handling officers"), Join(handlers, T("、", ", ")));
  }

  void Violation() {
    Heading("二、违法事项及法律依据", "2. The violation and its legal basis");
    const object* item = Obj(names_, "item");
    Line(T("违法事项", "item"),
         fmt::format("{} {}", S(x_, "item_code"), item != nullptr ? S(*item, "name") : ""));
    std::vector<std::string> basis;
    if (item != nullptr) {
      if (const array* b = Arr(*item, "legal_basis")) {
        for (const auto& v : *b) basis.push_back(std::string(v.as_string()));
      }
    }
    Line(T("法律依据", "legal basis"),
         basis.empty() ? std::string(T("权责清单未载明", "not recorded in the power list"))
                       : Join(basis, Sep()));
  }

  // The competence reason's label, then what it means for this case.
  std::string ReasonText(const object& c) const {
    const std::string detail = ReasonDetail(c);
    const std::string label(Label(g_, S(c, "reason")));
    return detail.empty() || detail == label ? label
                                             : fmt::format("{}{}{}", label, T("：", ": "), detail);
  }

  std::string ReasonDetail(const object& c) const {
    const std::string reason = S(c, "reason");
    const object* t = Obj(names_, "township");
    const std::string township = t != nullptr ? S(*t, "name") : S(x_, "township");
    const std::string subject = Subject(S(c, "subject"));
    if (reason == "not_delegated") {
      return En() ? fmt::format("the item is not delegated to {}; its original subject {} is "
                                "competent",
                                township, subject)
                  : fmt::format("该事项未赋予{}行使，由原实施主体{}管辖", township, subject);
    }
    if (reason == "delegated_accepted_claimed") {
      return En() ? fmt::format("the item is delegated to {}, accepted and claimed; {} is competent",
                                township, subject)
                  : fmt::format("该事项已赋予{}行使，并已承接、认领，由{}管辖", township, subject);
    }
    if (reason == "delegated_not_accepted" || reason == "delegated_not_claimed" ||
        reason == "delegation_withdrawn") {
      return En() ? fmt::format("{} is competent", subject) : fmt::format("由{}管辖", subject);
    }
    return "";
  }

  void Competence() {
    Heading("三、管辖与职权", "3. Competence");
    const object* c = filed_ != nullptr ? Obj(filed_->at("inputs").as_object(), "competence")
                                        : nullptr;
    const std::string subject = S(x_, "handling_subject");
    if (subject.empty() && c == nullptr) {
      Line(T("执法主体", "handling subject"), T("尚未确定（未立案）", "not yet determined (not filed)"));
      return;
    }
    Line(T("执法主体", "handling subject"), Subject(subject));
    if (c != nullptr) {
      Line(T("理由", "why"), ReasonText(*c));
      if (B(*c, "department_retains")) {
        Line(T("部门保留", "retained"), T("该事项由部门保留管辖", "the department retains the item"));
      }
      if (!S(*c, "legal_basis").empty()) {
        std::string basis = WithNames(S(*c, "legal_basis"));
        if (!En()) {
          for (std::size_t at; (at = basis.find("; ")) != std::string::npos;) {
            basis.replace(at, 2, "；");
          }
        }
        Line(T("依据", "basis"), basis);
      }
    }
    if (filed_ != nullptr) {
      const object& comp = filed_->at("computation").as_object();
      if (comp.contains("limitation_years")) {
        std::string text = En() ? fmt::format("{} years", S(comp, "limitation_years"))
                                : fmt::format("{}年", S(comp, "limitation_years"));
        if (!S(comp, "limitation_last_day").empty()) {
          text += En() ? fmt::format(", until {}", S(comp, "limitation_last_day"))
                       : fmt::format("，至{}", Day(S(comp, "limitation_last_day")));
        }
        Line(T("追责时效", "limitation"),
             text + (En() ? " (APL art. 36)" : fmt::format("（{}第三十六条）", kApl)));
      }
    }
  }

  void Discretion() {
    Heading("四、裁量", "4. Discretion");
    if (judged_ == nullptr) {
      std::cout << "  " << T("尚未调查终结，未作裁量。", "not yet concluded: no discretion applied.")
                << '\n';
      return;
    }
    const object& in = judged_->at("inputs").as_object();
    const object& comp = judged_->at("computation").as_object();
    if (!S(in, "circumstance_level").empty()) {
      Line(T("违法情节", "circumstance level"),
           fmt::format("{}{}{}{}", LevelName(S(in, "circumstance_level")), Sep(),
                       T("裁量阶次：", "adjustment: "), AdjustmentName(S(in, "adjustment"))));
    }
    if (!S(in, "party_category").empty()) {
      Line(T("当事人类别", "party category"), CategoryName(S(in, "party_category")));
    }
    for (const auto& r : judged_->at("rules").as_array()) {
      const object& rule = r.as_object();
      if (S(rule, "kind") != "benchmark") continue;
      const std::string version =
          En() ? fmt::format("{} v{}", S(rule, "id"), S(rule, "version"))
               : fmt::format("{} 第{}版", S(rule, "id"), S(rule, "version"));
      Line(T("裁量基准", "benchmark"), Named(S(rule, "document"), version));
    }
    if (const object* fine = Obj(comp, "fine")) {
      const object& f = *fine;
      if (const array* criteria = Arr(f, "level_criteria"); criteria != nullptr && !criteria->empty()) {
        std::vector<std::string> parts;
        for (const auto& v : *criteria) parts.push_back(std::string(v.as_string()));
        Line(T("情节认定标准", "criteria of the level"), Join(parts, Sep()));
      }
      if (f.contains("statutory_min_fen")) {
        Line(T("法定罚款幅度", "statutory range"),
             fmt::format("{}{}{}", Money(I(f, "statutory_min_fen")), T("至", " to "),
                         Money(I(f, "statutory_max_fen"))));
      }
      if (f.contains("level_min_fen")) {
        const std::string which =
            En() ? fmt::format("range of a {} level, {} adjustment", LevelName(S(f, "circumstance_level")),
                               AdjustmentName(S(f, "adjustment")))
                 : fmt::format("情节{}、{}裁量的罚款幅度", LevelName(S(f, "circumstance_level")),
                               AdjustmentName(S(f, "adjustment")));
        Line(which, fmt::format("{}{}{}", Money(I(f, "level_min_fen")), T("至", " to "),
                                Money(I(f, "level_max_fen"))));
      }
      Line(T("罚款", "fine"), FineText(f, S(in, "mitigation_ground"), Language()));
    } else if (I(comp, "fine_fen") > 0) {
      Line(T("罚款", "fine"), Money(I(comp, "fine_fen")));
    }
    if (const object* h = Obj(in, "party_history")) {
      std::string text =
          En() ? fmt::format("{} (lookback {} months, since {})",
                             B(*h, "first_violation") ? "first violation" : "not a first violation",
                             S(*h, "lookback_months"), S(*h, "window_start"))
               : fmt::format("{}（回溯{}个月，自{}起）",
                             B(*h, "first_violation") ? "首次违法" : "非首次违法",
                             S(*h, "lookback_months"), Day(S(*h, "window_start")));
      Line(T("当事人违法记录", "party history"), text);
      if (const array* prior = Arr(*h, "prior_decisions")) {
        for (const auto& p : *prior) {
          const object& o = p.as_object();
          std::cout << fmt::format("    {} {} {} {} {}\n", B(o, "counts") ? "●" : "○",
                                   S(o, "case_id"), Day(S(o, "decided_on")),
                                   Subject(S(o, "subject")),
                                   B(o, "within_lookback") ? T("在回溯期内", "within the lookback")
                                                           : T("在回溯期外", "outside the lookback"));
        }
      }
    }
    if (const object* h = Obj(comp, "hearing")) Hearing(*h);
  }

  void Hearing(const object& h) {
    Line(T("听证", "hearing"), HearingText(h, CategoryName(S(h, "party_category")), Language()));
  }

  void Leniency() {
    Heading("五、从轻、减轻或者不予处罚", "5. Lighter, mitigated or no penalty (the four lists)");
    const object* ev = judged_ != nullptr ? Obj(*judged_, "evaluation") : nullptr;
    const array* entries = ev != nullptr ? Arr(*ev, "entries") : nullptr;
    if (entries == nullptr || entries->empty()) {
      std::cout << "  "
                << T("本事项没有施行的从轻、减轻或者不予处罚清单条目。",
                     "no list entry for this item was in force.")
                << '\n';
      return;
    }
    for (const auto& item : *entries) {
      const object& e = item.as_object();
      const std::string status = S(e, "status");
      std::string verdict;
      if (status == "mandatory") verdict = T("条件成立，依法应当适用", "conditions met: it applies");
      else if (status == "proposed") verdict = T("条件成立，可以适用", "conditions met: it may apply");
      else if (status == "not_for_penalty") verdict = T("不适用于行政处罚", "not for a penalty");
      else verdict = T("条件不成立，不适用", "conditions not met: it does not apply");
      const std::string entry = En() ? fmt::format("{} v{}", S(e, "entry_id"), S(e, "version"))
                                     : fmt::format("{} 第{}版", S(e, "entry_id"), S(e, "version"));
      std::cout << fmt::format(
          "  {} {}{}{}{}\n", ListKindName(S(e, "list_kind")), entry,
          Paren(fmt::format("{}{}{}", B(e, "mandatory") ? T("应当", "mandatory") : T("可以", "optional"),
                            Sep(), GroundCitation(S(e, "ground")))),
          T("：", ": "), verdict);
      if (const array* conditions = Arr(e, "conditions")) {
        for (const auto& c : *conditions) {
          const object& co = c.as_object();
          std::cout << fmt::format("    {} {}{}{}\n", B(co, "met") ? "✓" : "✗",
                                   ConditionName(S(co, "code")), T("：", ": "), ConditionWhy(co));
        }
      }
      if (const array* exclusions = Arr(e, "exclusions")) {
        for (const auto& x : *exclusions) {
          std::cout << fmt::format("    ✗ {}{}\n", T("排除情形：", "exclusion: "),
                                   ConditionName(x.as_string()));
        }
      }
    }
    if (const array* applied = Arr(judged_->at("computation").as_object(), "leniency_applied");
        applied != nullptr && !applied->empty()) {
      std::vector<std::string> ids;
      for (const auto& a : *applied) {
        std::string id = a.is_object() ? S(a.as_object(), "entry_id") : std::string(a.as_string());
        if (const std::size_t at = id.rfind('@'); at != std::string::npos) {
          id = En() ? fmt::format("{} v{}", id.substr(0, at), id.substr(at + 1))
                    : fmt::format("{} 第{}版", id.substr(0, at), id.substr(at + 1));
        }
        ids.push_back(id);
      }
      Line(T("适用", "applied"), Join(ids, T("、", ", ")));
    }
  }

  std::string LawWhy(const object& law) const {
    return LawWhyText(law, Language());
  }

  void LawInTime() {
    Heading("六、新旧规定的适用（从旧兼从轻）", "6. The law in time");
    const object* ev = judged_ != nullptr ? Obj(*judged_, "evaluation") : nullptr;
    const object* law = ev != nullptr ? Obj(*ev, "law_in_time") : nullptr;
    if (law == nullptr) {
      std::cout << "  "
                << (judged_ == nullptr
                        ? T("尚未作出裁量，无需比较新旧规定。", "no discretion applied yet.")
                        : T("本决定未记载新旧规定的比较。",
                            "the decision recorded no comparison of the law in time."))
                << '\n';
      return;
    }
    const bool act = S(*law, "applied") == "act_date";
    const std::string date = act ? S(*law, "act_date") : S(*law, "decision_date");
    // "SX-BM-ECO-002@1": the benchmark and its version.
    std::string version = S(*law, "decision_version");
    if (const std::size_t at = version.rfind('@'); at != std::string::npos) {
      version = En() ? fmt::format("{} v{}", version.substr(0, at), version.substr(at + 1))
                     : fmt::format("{} 第{}版", version.substr(0, at), version.substr(at + 1));
    }
    if (En()) {
      std::cout << fmt::format(
          "  APL art. 37: the rules in force when the act took place apply, unless those in force "
          "at the decision are lighter.\n  applied: the {} ({}){}: {}\n",
          act ? "act date" : "decision date", date,
          version.empty() ? "" : fmt::format(", benchmark {}", version), LawWhy(*law));
      return;
    }
    std::cout << fmt::format(
        "  依据{}第三十七条，实施行政处罚，适用违法行为发生时的规定；作出行政处罚决定时规定已被"
        "修改或者废止，且新的规定处罚较轻的，适用新的规定。\n",
        kApl);
    const std::string why = LawWhy(*law);
    std::cout << fmt::format("  本案{}{}，适用{}（{}）施行的规定{}。\n", why, why.empty() ? "" : "",
                             act ? "违法行为发生时" : "作出决定时", Day(date),
                             version.empty() ? "" : fmt::format("（裁量基准 {}）", version));
  }

  void Deadline(const object& d) {
    const std::string label =
        En() ? std::string(Label(g_, "act." + S(d, "id"))) : S(d, "label");
    const std::string unit = S(d, "unit") == "working_days" ? std::string(T("个工作日", " working days"))
                                                           : std::string(T("日", " days"));
    std::cout << fmt::format(
        "  {} {}{}{}\n", S(d, "id"), label, T("：", ": "),
        En() ? fmt::format("{}{} from {}, due {}; {}", S(d, "length"), unit, S(d, "start"),
                           S(d, "due_on"), StatusOfDeadline(d))
             : fmt::format("自{}起{}{}，{}届满；{}", Day(S(d, "start")), S(d, "length"), unit,
                           Day(S(d, "due_on")), StatusOfDeadline(d)));
    const std::string basis = En() ? S(d, "basis_en") : S(d, "basis_zh");
    std::cout << fmt::format("    {}{}{}\n", T("依据", "basis"), T("：", ": "),
                             basis.empty() ? S(d, "basis") : basis);
    std::vector<std::string> holidays, weekends, makeup;
    if (const array* skipped = Arr(d, "skipped")) {
      for (const auto& s : *skipped) {
        (S(s.as_object(), "kind") == "holiday" ? holidays : weekends)
            .push_back(S(s.as_object(), "date"));
      }
    }
    if (const array* m = Arr(d, "makeup_workdays")) {
      for (const auto& s : *m) makeup.push_back(S(s.as_object(), "date"));
    }
    if (!holidays.empty()) {
      std::cout << fmt::format("    {}{}{}\n", T("不计入的法定节假日", "holidays not counted"),
                               T("：", ": "), Dates(holidays));
    }
    if (!weekends.empty()) {
      std::cout << fmt::format("    {}{}{}\n", T("不计入的周末", "weekends not counted"),
                               T("：", ": "), Dates(weekends));
    }
    if (!makeup.empty()) {
      std::cout << fmt::format("    {}{}{}\n", T("计入的调休工作日", "make-up workdays counted"),
                               T("：", ": "), Dates(makeup));
    }
    if (const array* pauses = Arr(d, "pauses")) {
      for (const auto& p : *pauses) {
        const object& o = p.as_object();
        const std::string reason = S(o, "reason");
        std::string span;
        if (B(o, "open") && S(o, "to").empty()) {
          span = En() ? fmt::format("since {}", S(o, "from")) : fmt::format("自{}起", Day(S(o, "from")));
        } else {
          span = En() ? fmt::format("{} to {} ({} days{})", S(o, "from"), S(o, "to"), S(o, "days"),
                                    B(o, "open") ? ", so far" : "")
                      : fmt::format("{}至{}（{}日{}）", Day(S(o, "from")), Day(S(o, "to")),
                                    S(o, "days"), B(o, "open") ? "，截至目前" : "");
        }
        std::cout << fmt::format("    {}{}{}{}\n", T("暂停计算", "paused"), T("：", ": "), span,
                                 reason.empty() ? "" : Paren(PauseReason(reason)));
      }
    }
    if (const array* extensions = Arr(d, "extensions")) {
      for (const auto& x : *extensions) {
        const object& o = x.as_object();
        std::cout << fmt::format("    {}\n",
                                 En() ? fmt::format("extended by {} days, approved on {}",
                                                    S(o, "days"), S(o, "approved_on"))
                                      : fmt::format("经批准延长{}日（{}批准）", S(o, "days"),
                                                    Day(S(o, "approved_on"))));
      }
    }
    if (!S(d, "extended_until").empty()) {
      std::cout << fmt::format("    {}{}\n", T("经集体讨论延长至", "extended by collective discussion to "),
                               Day(S(d, "extended_until")));
    }
    if (d.contains("rest_day_rule")) {
      std::cout << fmt::format(
          "    {}\n",
          En() ? fmt::format("{}: {} → {}", S(d, "rest_day_rule"), S(d, "plain_due_on"), S(d, "due_on"))
               : fmt::format("顺延：原届满日{}为休息日，顺延至{}\n    依据：{}",
                             Day(S(d, "plain_due_on")), Day(S(d, "due_on")),
                             S(d, "rest_day_rule_zh").empty() ? S(d, "rest_day_rule")
                                                              : S(d, "rest_day_rule_zh")));
    }
  }

  void ClockEvent(const object& e) {
    const object* data = Obj(e, "data");
    std::string type = S(e, "type");
    const std::string title = zf::EventTypeTitle(type);
    std::vector<std::string> parts;
    if (data != nullptr) {
      const std::string deadline = S(*data, "deadline_id").empty() ? S(*data, "deadline")
                                                                    : S(*data, "deadline_id");
      if (!deadline.empty()) parts.push_back(deadline);
      if (!S(*data, "reason").empty()) parts.push_back(PauseReason(S(*data, "reason")));
      for (std::string_view key : {"paused_on", "resumed_on", "due_on", "new_due_on"}) {
        if (!S(*data, key).empty()) parts.push_back(Day(S(*data, key)));
      }
      if (!S(*data, "days").empty()) {
        parts.push_back(En() ? S(*data, "days") + " days" : S(*data, "days") + "日");
      }
      if (!En() && !S(*data, "note").empty()) parts.push_back(S(*data, "note"));
    }
    std::cout << fmt::format("  {} {}{}\n", Day(S(e, "occurred_at")),
                             En() || title.empty() ? type : title,
                             parts.empty() ? "" : Paren(Join(parts, T("，", ", "))));
  }

  void Deadlines() {
    Heading("七、期限", "7. Deadlines");
    const array& deadlines = x_.at("deadlines").as_array();
    if (deadlines.empty()) {
      std::cout << "  " << T("无。", "none.") << '\n';
    }
    for (const auto& d : deadlines) Deadline(d.as_object());
    const array& clock = x_.at("clock_events").as_array();
    if (!clock.empty()) {
      std::cout << fmt::format("  {}{}\n", T("影响期限的记录", "events on the clock"), T("：", ":"));
      for (const auto& e : clock) ClockEvent(e.as_object());
    }
  }

  void Decision() {
    Heading("八、处理决定", "8. The decision");
    if (decided_ == nullptr) {
      std::cout << "  " << T("尚未作出处理决定。", "no decision yet.") << '\n';
      return;
    }
    const object& d = *decided_;
    const object& comp = d.at("computation").as_object();
    std::string what = d.contains("decision_type")
                           ? std::string(Label(g_, "decision." + S(d, "decision_type")))
                           : std::string(T("当场行政处罚", "on-the-spot penalty"));
    if (I(comp, "fine_fen") > 0) {
      what += En() ? fmt::format(": a fine of {}", Money(I(comp, "fine_fen")))
                   : fmt::format("：罚款{}", Money(I(comp, "fine_fen")));
    }
    Line(T("决定", "decision"), what);
    if (!S(d, "document_number").empty()) Line(T("文号", "document number"), S(d, "document_number"));
    Line(T("作出日期", "decided on"), Day(S(d, "decided_on")));
    if (!S(d, "issuer_name").empty()) Line(T("决定机关", "issued by"), S(d, "issuer_name"));
    if (comp.contains("decision_due_on")) {
      const bool within = B(comp, "within_decision_limit");
      Line(T("办案期限", "decision limit"),
           En() ? fmt::format("{} the 90-day limit (D9, due {})", within ? "within" : "after",
                              S(comp, "decision_due_on"))
                : fmt::format("{}法定期限内作出（D9 届满日{}）", within ? "在" : "未在",
                              Day(S(comp, "decision_due_on"))));
    }
    if (const object* relief = Obj(comp, "relief")) {
      Line(T("救济途径", "remedies"), S(*relief, "text"));
    }
  }

  // --- for auditors ----------------------------------------------------------
  void Rule(const object& r) {
    const object& p = r.at("provenance").as_object();
    std::string verdict;
    if (r.contains("agrees")) {
      verdict = B(r, "agrees") ? " ✓"
                               : fmt::format(" ✗ {} v{}", Label(g_, "recorded"), S(r, "recorded_version"));
    }
    std::string dates = S(r, "effective_from");
    if (dates.empty()) dates = S(r, "signed_on");
    if (!S(r, "effective_to").empty()) dates += ".." + S(r, "effective_to");
    // A hearing threshold's id is "<department or *>/<party category>", an
    // acceptance's "<township>/<batch>": the units by name.
    std::string id = En() ? S(r, "id") : WithNames(S(r, "id"));
    if (S(r, "kind") == "hearing_threshold" && !En()) {
      if (const std::size_t at = id.find('/'); at != std::string::npos) {
        const std::string department = id.substr(0, at);
        id = fmt::format("{}/{}", department == "*" ? "各部门" : Subject(department),
                         CategoryName(id.substr(at + 1)));
      }
    }
    std::cout << fmt::format("    {} {} v{} {} {}  ← {} v{} #{} {}{}\n",
                             PadRight(Label(g_, "rule." + S(r, "kind")), 10), id,
                             S(r, "version"), Label(g_, "effective"), dates, S(p, "stream"),
                             S(p, "version"), S(p, "position"), S(p, "hash").substr(0, 16), verdict);
  }

  void AuditBlock() {
    Heading("审计信息：所用规则版本、参照事件与哈希",
            "Audit record: rule versions, reference events and hashes");
    for (const auto& v : x_.at("decisions").as_array()) {
      const object& d = v.as_object();
      const object& e = d.at("event").as_object();
      const std::string type = S(e, "type");
      const std::string title = zf::EventTypeTitle(type);
      std::cout << fmt::format("  #{} {} {} ({} #{} {})\n", S(e, "version"), S(d, "decided_on"),
                               En() || title.empty() ? type : title, Label(g_, "position"),
                               S(e, "position"), S(e, "hash").substr(0, 16));
      std::cout << fmt::format("   {}:\n", Label(g_, "rules_used"));
      for (const auto& r : d.at("rules").as_array()) Rule(r.as_object());
    }
    const array& signals = x_.at("discrepancies").as_array();
    std::cout << fmt::format("  {}: {}\n", Label(g_, "discrepancies"),
                             signals.empty() ? std::string(Label(g_, "none")) : "");
    for (const auto& s : signals) std::cout << "    ✗ " << s.as_string().c_str() << '\n';
  }

  const GlobalOptions& g_;
  const object& x_;
  object names_;
  const object* filed_ = nullptr;
  const object* concluded_ = nullptr;
  const object* decided_ = nullptr;
  const object* judged_ = nullptr;
};

}  // namespace

void PrintExplanationText(const GlobalOptions& g, const boost::json::object& explanation) {
  ExplainWriter(g, explanation).Write();
}

}  // namespace zfcli

// The notes of leniency conditions and of the law in time, stored and for
// people (zf/leniency_notes.h).
#include "zf/leniency_notes.h"

#include <array>
#include <charconv>
#include <regex>

#include <fmt/args.h>
#include <fmt/format.h>

#include "zf/text_format.h"

namespace zf {
namespace {

using K = ConditionNoteKind;

// One row per kind: the stored form (fmt, arguments in order) and the
// pattern that reads it back (one group per argument).
struct NoteRow {
  K kind;
  std::size_t arity;
  std::string_view stored;
  std::string_view pattern;
};

constexpr NoteRow kNotes[] = {
    {K::kFactNotStated, 1, "facts.{} not stated", R"(^facts\.(\w+) not stated$)"},
    {K::kAtMost, 3, "{} = {} (limit {})", R"(^(\w+) = (-?\d+) \(limit (-?\d+)\)$)"},
    {K::kNoPriorViolation, 3, "no violation of the party ({}) decided in the {} months before, {} ",
     R"(^no violation of the party \((.*)\) decided in the (\d+) months before, (\w*) $)"},
    {K::kPriorViolation, 3, "earlier violation decided within {} months ({}): case {}",
     R"(^earlier violation decided within (\d+) months \((\w*)\): case (.+)$)"},
    {K::kCorrectedWithin, 2, "corrected within {} days (limit {})",
     R"(^corrected within (-?\d+) days \(limit (-?\d+)\)$)"},
    {K::kCorrectedOn, 4, "corrected on {}, {} days after {} (limit {})",
     R"(^corrected on ([^,]+), (-?\d+) days after (\S+) \(limit (-?\d+)\)$)"},
    {K::kNoCorrection, 0, "no correction stated (facts.corrected_within_days or corrected_on)",
     R"(^no correction stated \(facts\.corrected_within_days or corrected_on\)$)"},
    {K::kHarm, 2, "harm {} (at most {})", R"(^harm (\w*) \(at most (\w*)\)$)"},
    {K::kFactEstablished, 1, "facts.{} established", R"(^facts\.(\w+) established$)"},
    {K::kFactNotEstablished, 1, "facts.{} not established", R"(^facts\.(\w+) not established$)"},
};

// The first member of each row of `rows`, in order.
template <typename T, typename Row, std::size_t N>
constexpr std::array<T, N> FirstOfEach(const Row (&rows)[N], T Row::*member) {
  std::array<T, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = rows[i].*member;
  return out;
}

constexpr auto kKinds = FirstOfEach(kNotes, &NoteRow::kind);

const NoteRow& Row(K kind) {
  for (const NoteRow& r : kNotes) {
    if (r.kind == kind) return r;
  }
  return kNotes[0];
}

std::string Arg(const ConditionNote& n, std::size_t i) {
  return i < n.args.size() ? n.args[i] : std::string();
}

std::int64_t Number(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// A code's text for people in each language: one row of a table.
struct Named {
  std::string_view code, zh, en;
};

// The row of `rows` for `code`, in `l`; nullopt when it has none.
template <std::size_t N>
std::optional<std::string> NameIn(const Named (&rows)[N], std::string_view code, Language l) {
  for (const Named& r : rows) {
    if (r.code == code) return std::string(l == Language::kZh ? r.zh : r.en);
  }
  return std::nullopt;
}

// The facts a note names, as people call them.
std::string FactName(std::string_view fact, Language l) {
  static constexpr Named kFacts[] = {
      {"amount_fen", "涉案金额", "the amount"},
      {"illegal_gains_fen", "违法所得", "the illegal gains"},
      {"duration_days", "违法行为持续时间", "the duration"},
      {"harm_level", "危害后果", "the harm"},
  };
  return NameIn(kFacts, fact, l).value_or(l == Language::kZh ? std::string() : std::string(fact));
}

std::string HarmName(std::string_view level, Language l) {
  static constexpr Named kLevels[] = {{"none", "无", "none"},
                                      {"slight", "轻微", "slight"},
                                      {"general", "一般", "general"},
                                      {"serious", "较重", "serious"},
                                      {"severe", "严重", "severe"}};
  return NameIn(kLevels, level, l).value_or(std::string(level));
}

std::string ScopeName(std::string_view scope, Language l) {
  if (scope == "same_item") return l == Language::kZh ? "同一违法事项" : "the same item";
  if (scope == "any_item" || scope == "any") {
    return l == Language::kZh ? "任何违法事项" : "any item";
  }
  return std::string(scope);
}

}  // namespace

std::span<const ConditionNoteKind> AllConditionNoteKinds() { return kKinds; }

std::size_t ConditionNoteArity(ConditionNoteKind kind) { return Row(kind).arity; }

std::string ConditionNoteStored(const ConditionNote& n) {
  const NoteRow& r = Row(n.kind);
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (std::size_t i = 0; i < r.arity; ++i) args.push_back(Arg(n, i));
  return fmt::vformat(r.stored, args);
}

std::optional<ConditionNote> ParseConditionNote(std::string_view stored) {
  static const std::vector<std::regex> kPatterns = [] {
    std::vector<std::regex> out;
    for (const NoteRow& r : kNotes) out.emplace_back(std::string(r.pattern));
    return out;
  }();
  const std::string text(stored);
  std::smatch m;
  for (std::size_t i = 0; i < std::size(kNotes); ++i) {
    if (!std::regex_match(text, m, kPatterns[i])) continue;
    ConditionNote n{kNotes[i].kind, {}};
    for (std::size_t g = 1; g < m.size(); ++g) n.args.push_back(m[g].str());
    return n;
  }
  return std::nullopt;
}

std::string ConditionNoteText(const ConditionNote& n, Language l) {
  const bool zh = l == Language::kZh;
  const auto day = [l](const std::string& iso) { return DateText(iso, l); };
  switch (n.kind) {
    case K::kFactNotStated: {
      const std::string name = FactName(Arg(n, 0), l);
      return zh ? "案件事实未载明" + name : fmt::format("{} is not stated", name);
    }
    case K::kAtMost: {
      const std::string fact = Arg(n, 0);
      const std::int64_t value = Number(Arg(n, 1));
      const std::int64_t limit = Number(Arg(n, 2));
      const std::string name = FactName(fact, l);
      if (fact.ends_with("_fen")) {
        return zh ? fmt::format("{}{}（上限{}）", name, YuanText(value, l), YuanText(limit, l))
                  : fmt::format("{} {} (limit {})", name, YuanText(value, l), YuanText(limit, l));
      }
      return zh ? fmt::format("{}{}日（上限{}日）", name, value, limit)
                : fmt::format("{} {} days (limit {} days)", name, value, limit);
    }
    case K::kNoPriorViolation:
      return zh ? fmt::format("此前{}个月内当事人没有{}的违法处理记录", Arg(n, 1),
                              ScopeName(Arg(n, 2), l))
                : fmt::format("no violation of the party ({}) decided in the {} months before",
                              ScopeName(Arg(n, 2), l), Arg(n, 1));
    case K::kPriorViolation:
      return zh ? fmt::format("{}个月内已有{}的违法处理记录（案件 {}）", Arg(n, 0),
                              ScopeName(Arg(n, 1), l), Arg(n, 2))
                : fmt::format("an earlier violation ({}) was decided within {} months: case {}",
                              ScopeName(Arg(n, 1), l), Arg(n, 0), Arg(n, 2));
    case K::kCorrectedWithin:
      return zh ? fmt::format("{}日内改正（期限{}日）", Arg(n, 0), Arg(n, 1))
                : fmt::format("corrected within {} days (limit {} days)", Arg(n, 0), Arg(n, 1));
    case K::kCorrectedOn:
      return zh ? fmt::format("{}改正，距{}{}日（期限{}日）", day(Arg(n, 0)), day(Arg(n, 2)),
                              Arg(n, 1), Arg(n, 3))
                : fmt::format("corrected on {}, {} days after {} (limit {} days)",
                              day(Arg(n, 0)), Arg(n, 1), day(Arg(n, 2)), Arg(n, 3));
    case K::kNoCorrection:
      return zh ? "未载明改正情况" : "no correction is stated";
    case K::kHarm:
      return zh ? fmt::format("危害后果{}（不超过{}）", HarmName(Arg(n, 0), l),
                              HarmName(Arg(n, 1), l))
                : fmt::format("harm {} (at most {})", HarmName(Arg(n, 0), l),
                              HarmName(Arg(n, 1), l));
    case K::kFactEstablished:
      return zh ? "已认定该事实" : "established";
    case K::kFactNotEstablished:
      return zh ? "未认定该事实" : "not established";
  }
  return "";
}

std::string LeniencyConditionName(std::string_view code, Language language) {
  static constexpr Named kNames[] = {
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
  return NameIn(kNames, code, language).value_or(std::string(code));
}

std::string ConditionNoteTextOf(std::string_view stored, bool met, Language l) {
  if (const auto note = ParseConditionNote(stored)) return ConditionNoteText(*note, l);
  if (l == Language::kEn) return std::string(stored);
  return met ? "条件成立" : "条件不成立";
}

namespace {

using R = LawInTimeReason;

struct ReasonRow {
  R reason;
  std::string_view stored, zh, en;
};

constexpr ReasonRow kReasons[] = {
    {R::kActDateNotRecorded, "the act date is not recorded", "未记载违法行为发生日期",
     "the act date is not recorded"},
    {R::kNoBenchmarkOnActDate, "no benchmark was in force on the act date",
     "违法行为发生时尚无施行的裁量基准", "no benchmark was in force on the act date"},
    {R::kNoBenchmarkOnDecisionDate,
     "no benchmark is in force on the decision date; the act date's applies",
     "作出决定时没有施行的裁量基准", "no benchmark is in force on the decision date"},
    {R::kSameVersion, "the same version was in force on both dates",
     "违法行为发生时与作出决定时施行的是同一版本", "the same version was in force on both dates"},
    {R::kDecisionDateLighter, "the version in force on the decision date is lighter (APL 37)",
     "作出决定时施行的规定处罚较轻", "the version in force on the decision date is lighter"},
    {R::kLaterNotLighter,
     "the version in force on the act date applies; the later one is not lighter",
     "新的规定处罚并不较轻", "the later version is not lighter"},
};

constexpr auto kReasonList = FirstOfEach(kReasons, &ReasonRow::reason);

const ReasonRow& ReasonOf(R r) {
  for (const ReasonRow& row : kReasons) {
    if (row.reason == r) return row;
  }
  return kReasons[0];
}

}  // namespace

std::span<const LawInTimeReason> AllLawInTimeReasons() { return kReasonList; }

std::string_view LawInTimeReasonStored(LawInTimeReason r) { return ReasonOf(r).stored; }

std::string_view LawInTimeReasonText(LawInTimeReason r, Language l) {
  return l == Language::kZh ? ReasonOf(r).zh : ReasonOf(r).en;
}

std::optional<LawInTimeReason> LawInTimeReasonOf(std::string_view applied, bool act_date_recorded,
                                                 std::string_view act_version,
                                                 std::string_view decision_version) {
  if (applied == "decision_date") {
    if (act_version.empty()) {
      return act_date_recorded ? R::kNoBenchmarkOnActDate : R::kActDateNotRecorded;
    }
    if (act_version == decision_version) return R::kSameVersion;  // not written so, for safety
    return R::kDecisionDateLighter;
  }
  if (applied == "act_date") {
    if (decision_version.empty()) return R::kNoBenchmarkOnDecisionDate;
    if (act_version == decision_version) return R::kSameVersion;
    return R::kLaterNotLighter;
  }
  return std::nullopt;
}

}  // namespace zf

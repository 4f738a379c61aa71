#include "audit/re_decider.h"

#include "crypto/seal.h"

#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "domain/case_state.h"
#include "domain/case_helpers.h"
#include "domain/deadlines.h"
#include "domain/penalty_rules.h"
#include "domain/procedure_common.h"
#include "domain/decider.h"
#include "engine/decide.h"
#include "projection/deadline_view.h"
#include "projection/legal_text.h"
#include "zf/legal_sources.h"
#include "util/canonical_json.h"
#include "util/rfc3339.h"
#include "zf/command.h"
#include "zf/event_json.h"

namespace zf::internal {
namespace {

// Decision events whose invariants are re-checked with their own stored
// values: the event's data is put to the command that makes it, on the
// state before the event. A decider that refuses it names the invariant.
struct DecisionEvent {
  std::string_view event_type;
  std::string_view command_type;
};
constexpr DecisionEvent kDecisionEvents[] = {
    {"decision_made", "make_decision"},
    {"on_spot_decision_issued", "issue_on_spot_decision"},
};

// A finding that repeats a rejection cites its code's row of the table of
// legal sources (zf/legal_sources.h) in Chinese; in English the decider's
// own note of the situation's provision, as before.
void CiteRejection(const Rejection& rejection, AuditFinding* f) {
  f->legal_basis = rejection.legal_basis;
  f->legal_basis_zh = std::string(RejectionCitation(rejection, Language::kZh));
}

// A type as a Chinese reader knows it: its schema's title (the finding
// names the type itself beside the message), else the type.
std::string TitleOr(std::string title, std::string_view type) {
  return title.empty() ? std::string(type) : title;
}

// "未知" for an event without a type.
std::string EventName(std::string_view type) {
  return type.empty() ? "未知" : TitleOr(EventTypeTitle(type), type);
}

std::string CommandName(std::string_view type) { return TitleOr(CommandTypeTitle(type), type); }

std::string CaseIdOf(std::string_view stream) {
  if (!stream.starts_with(kCaseStreamPrefix)) return {};
  return std::string(stream.substr(kCaseStreamPrefix.size()));
}

std::string Canonical(const boost::json::value& v) {
  std::string out;
  if (!AppendCanonicalJson(v, &out).ok()) return boost::json::serialize(v);
  return out;
}

std::string Clip(std::string s) {
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

// Where two payloads differ, in English and in Chinese: the top-level
// members (JSON pointers, which stay as they are), stored vs decided.
struct Difference {
  std::string en, zh;
};
Difference DataDifference(const boost::json::value& stored, const boost::json::value& decided) {
  if (!stored.is_object() || !decided.is_object()) {
    const std::string a = Clip(Canonical(stored)), b = Clip(Canonical(decided));
    return {fmt::format("data {} where the decision gives {}", a, b),
            fmt::format("数据为 {}，重新裁决得出 {}", a, b)};
  }
  Difference out;
  const auto& s = stored.as_object();
  const auto& d = decided.as_object();
  std::set<std::string> keys;
  for (const auto& kv : s) keys.emplace(kv.key());
  for (const auto& kv : d) keys.emplace(kv.key());
  int parts = 0;
  for (const std::string& k : keys) {
    const auto* a = s.if_contains(k);
    const auto* b = d.if_contains(k);
    const std::string av = a ? Canonical(*a) : "";
    const std::string bv = b ? Canonical(*b) : "";
    if (a && b && av == bv) continue;
    out.en += fmt::format("{}/data/{}: stored {}, decided {}", out.en.empty() ? "" : "; ", k,
                          a ? Clip(av) : "(absent)", b ? Clip(bv) : "(absent)");
    out.zh += fmt::format("{}/data/{}：存储为 {}，重新裁决为 {}", out.zh.empty() ? "" : "；", k,
                          a ? Clip(av) : "（无）", b ? Clip(bv) : "（无）");
    if (++parts == 4) break;
  }
  return out;
}

}  // namespace

void FindingSink::Report(AuditFinding finding) {
  ++summary_->findings[std::string(AuditFindingKindName(finding.kind))];
  if (reported_ >= limit_) return;
  ++reported_;
  if (sink_) sink_(finding);
}

bool IsEngineStream(std::string_view stream) {
  for (const CommandSpec& spec : AllCommandSpecs()) {
    if (spec.target_field.empty() ? stream == spec.stream : stream.starts_with(spec.stream)) {
      return true;
    }
  }
  return false;
}

std::string RuleOf(const Rejection& rejection) {
  // The invariants of docs/domain.md a decision's rejection codes enforce
  // (the legal basis cites the law only). subject_not_competent is I1 when
  // the handling subject is no longer competent (pointer /case_id), J1 when
  // the actor's own subject never was.
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {"credential_invalid", "I1"},
      {"report_missing", "I2"},
      {"evidence_missing", "I2"},
      {"notice_not_served", "I3"},
      {"hearing_pending", "I3"},
      {"rights_period_running", "I3"},
      {"renotice_required", "I4"},
      {"legal_review_required", "I5"},
      {"collective_discussion_required", "I6"},
      {"issuer_not_handling_subject", "I9"},
      {"reviewer_is_investigator", "I11"},
      {"hearing_officer_is_investigator", "I11"},
  };
  if (rejection.code == "subject_not_competent") {
    return rejection.pointer == "/case_id" ? "I1" : "J1";
  }
  for (const auto& [code, rule] : kRules) {
    if (rejection.code == code) return std::string(rule);
  }
  return {};
}

PreparedGroup PrepareGroup(std::vector<EventRecord> events, const AuditScope& scope,
                           const CommandLookup& lookup) {
  PreparedGroup g;
  g.events = std::move(events);
  g.occurred_micros.reserve(g.events.size());
  for (const EventRecord& e : g.events) {
    auto t = ParseRfc3339(e.occurred_at);
    g.occurred_micros.push_back(t.ok() ? t->unix_micros : INT64_MIN);
  }
  if (g.events.empty()) return g;
  const EventRecord& first = g.events.front();
  g.in_scope = first.position >= scope.from_position && first.position <= scope.to_position &&
               (scope.case_id.empty() ||
                first.stream == std::string(kCaseStreamPrefix) + scope.case_id);
  if (!g.in_scope) return g;
  Result<std::optional<RecordedCommand>> recorded = lookup(first.command_id);
  if (!recorded.ok()) {
    g.lookup_status = recorded.status();
    return g;
  }
  g.recorded = std::move(*recorded);
  if (!g.recorded) return g;
  const AppendResult& r = g.recorded->result;
  const EventRecord& last = g.events.back();
  g.record_matches = r.stream == first.stream && r.first_position == first.position &&
                     r.last_position == last.position && r.first_version == first.version &&
                     r.last_version == last.version && r.last_hash == last.hash;
  if (g.recorded->command.empty()) return g;
  auto refuse = [&](std::string code, std::string message, std::string message_zh) {
    g.parse_code = std::move(code);
    g.parse_message = std::move(message);
    g.parse_message_zh = std::move(message_zh);
  };
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(g.recorded->command, ec);
  if (ec) {
    // The parser's reason is English technical text, kept in the English.
    refuse("command_unreadable", fmt::format("the recorded command is not JSON: {}", ec.message()),
           "记录的命令无法解析");
    return g;
  }
  Result<Command> command = CommandFromJson(std::move(json));
  if (!command.ok()) {
    refuse("command_invalid",
           fmt::format("the recorded command is not a valid command: {} ({})",
                       command.status().message(), command.status().subject()),
           fmt::format("记录的命令不是有效的命令（{}）", command.status().subject()));
    return g;
  }
  const CommandSpec* spec = FindCommandSpec(command->type);
  if (spec == nullptr || command->command_id != first.command_id ||
      StreamFor(*spec, *command) != first.stream) {
    refuse("command_mismatch",
           fmt::format("the recorded command ({} '{}') does not target these events",
                       command->type, command->command_id),
           fmt::format("记录的命令（{}，{}）的对象不是这些事件", CommandName(command->type),
                       command->command_id));
    return g;
  }
  auto at = ParseRfc3339(command->at);
  if (!at.ok()) {
    refuse("command_invalid", "the recorded command's time does not parse",
           "记录的命令的时间无法解析");
    return g;
  }
  g.command = std::move(*command);
  g.spec = spec;
  g.at = *at;
  return g;
}

ReDecider::ReDecider(const EngineOptions& options, Scope scope, CommandLookup lookup,
                     FindingSink* findings, AuditSummary* summary, const EventStore* store)
    : options_(options),
      scope_(std::move(scope)),
      lookup_(std::move(lookup)),
      findings_(findings),
      summary_(summary),
      store_(store) {
  if (store != nullptr) {
    cases_ = CaseBook(
        store, options.cache_aggregates,
        [this](const EventRecord& e) { return e.position <= folded_through_; },
        /*index_from_events=*/true);
  }
}

AuditFinding ReDecider::FindingAt(AuditFinding::Kind kind, const EventRecord& event) const {
  AuditFinding f;
  f.kind = kind;
  f.case_id = CaseIdOf(event.stream);
  f.stream = event.stream;
  f.position = event.position;
  f.version = event.version;
  f.event_type = event.type;
  f.command_id = event.command_id;
  return f;
}

void ReDecider::CountEvent(const EventRecord& event, std::int64_t occurred_micros) {
  ++summary_->events_read;
  if (summary_->first_position == 0) summary_->first_position = event.position;
  summary_->last_position = event.position;
  if (occurred_micros != INT64_MIN && occurred_micros > latest_micros_) {
    latest_micros_ = occurred_micros;
    latest_text_ = event.occurred_at;
  }
}

Status ReDecider::Feed(const EventRecord& event) {
  auto t = ParseRfc3339(event.occurred_at);
  CountEvent(event, t.ok() ? t->unix_micros : INT64_MIN);
  if (!pending_.empty() && (pending_.front().stream != event.stream ||
                            pending_.front().command_id != event.command_id)) {
    ZF_RETURN_IF_ERROR(FlushGroup());
  }
  pending_.push_back(event);
  return Status::Ok();
}

void ReDecider::Count(const PreparedGroup& group) {
  for (std::size_t i = 0; i < group.events.size(); ++i) {
    CountEvent(group.events[i], group.occurred_micros[i]);
  }
}

Status ReDecider::FlushGroup() {
  if (pending_.empty()) return Status::Ok();
  PreparedGroup prepared = PrepareGroup(std::move(pending_), scope_, lookup_);
  pending_.clear();
  return Check(&prepared);
}

bool ReDecider::InScope(const EventRecord& first) const {
  if (first.position < scope_.from_position || first.position > scope_.to_position) return false;
  return scope_.case_id.empty() || first.stream == std::string(kCaseStreamPrefix) + scope_.case_id;
}

Status ReDecider::Check(PreparedGroup* group) {
  if (group->events.empty()) return Status::Ok();
  const PreparedGroup& prepared = *group;
  group_.swap(group->events);
  // The events go back to the group (its owner frees them), however this
  // returns.
  struct GiveBack {
    std::vector<EventRecord>& from;
    std::vector<EventRecord>& to;
    ~GiveBack() { from.swap(to); }
  } give_back{group_, group->events};
  const EventRecord& first = group_.front();
  if (prepared.in_scope) {
    ++summary_->commands_checked;
    ZF_RETURN_IF_ERROR(prepared.lookup_status);
    if (!prepared.recorded) {
      AuditFinding f = FindingAt(AuditFinding::Kind::kIntegrity, first);
      f.rule = "chain";
      f.code = "command_record_missing";
      f.legal_basis = "docs/event-format.md §5 (every append keeps a command record)";
      f.legal_basis_zh = "docs/event-format.md §5（每次追加都保留命令记录）";
      f.message = fmt::format("no command record for command_id '{}'", first.command_id);
      f.message_zh = fmt::format("命令 {} 没有命令记录", first.command_id);
      findings_->Report(std::move(f));
    } else {
      CheckRecord(prepared);
      if (!prepared.recorded->command.empty()) {
        ReDecide(prepared);
      } else if (IsEngineStream(first.stream)) {
        AuditFinding f = FindingAt(AuditFinding::Kind::kNotRederivable, first);
        f.rule = "redecide";
        f.code = "command_not_recorded";
        f.legal_basis = "docs/audit.md §2 (engine streams are written only by commands)";
        f.legal_basis_zh = "docs/audit.md §2（引擎的事件流只由命令写入）";
        f.message = fmt::format(
            "the events of command '{}' on engine stream '{}' have no recorded command: they "
            "were appended outside the engine and cannot be decided again",
            first.command_id, first.stream);
        f.message_zh = fmt::format(
            "引擎事件流 {} 上命令 {} 的事件没有命令记录：它们是在引擎之外追加的，无法重新裁决",
            first.stream, first.command_id);
        findings_->Report(std::move(f));
      } else {
        ++summary_->commands_unrecorded;
      }
    }
    CheckProcedure();
    if (std::string id = CaseIdOf(first.stream); !id.empty()) {
      const CaseState* c = cases_.FindCase(id);
      if (c != nullptr && prepared.occurred_micros.front() != INT64_MIN) {
        CheckDeadlines(*c, prepared.occurred_micros.front(), /*at_end=*/false);
      }
    }
  }
  Fold();
  if (std::string id = CaseIdOf(first.stream); !id.empty()) {
    const EventRecord& last = group_.back();
    const auto [number, added] = last_act_ids_.Insert(id);
    if (added) last_act_.emplace_back();
    const CaseState* c = cases_.FindCase(id);
    last_act_[number] = {last.position, last.version,
                         c == nullptr || MayStayOpen(*c, prepared.occurred_micros.back())};
    if (store_ == nullptr) last_names_[id] = {last.type, last.command_id};
  }
  cases_.Trim();
  // A case the store could not read (backed) looked absent to the checks.
  return cases_.TakeReadError();
}

// The command record must name exactly the events the log holds for it.
void ReDecider::CheckRecord(const PreparedGroup& prepared) {
  if (prepared.record_matches) return;
  const EventRecord& first = group_.front();
  const EventRecord& last = group_.back();
  const AppendResult& r = prepared.recorded->result;
  AuditFinding f = FindingAt(AuditFinding::Kind::kIntegrity, first);
  f.rule = "chain";
  f.code = "command_record_mismatch";
  f.legal_basis = "docs/event-format.md §5 (the command record names its events)";
  f.legal_basis_zh = "docs/event-format.md §5（命令记录载明其事件）";
  // One sentence a language, with the same particulars in the same order.
  const bool same_hash = r.last_hash == last.hash;
  auto say = [&](fmt::string_view sentence, std::string_view hash_differs) {
    return fmt::vformat(sentence, fmt::make_format_args(
                                      first.command_id, r.stream, r.first_version, r.last_version,
                                      r.first_position, r.last_position, first.version,
                                      last.version, first.position, last.position, hash_differs));
  };
  f.message = say("command '{}' recorded stream '{}' versions {}..{} at positions {}..{}; the "
                  "log holds versions {}..{} at positions {}..{}{}",
                  same_hash ? "" : " and its last hash differs");
  f.message_zh = say("命令 {} 记录的是事件流 {} 的版本 {}..{}（位置 {}..{}）；日志中为版本 "
                     "{}..{}（位置 {}..{}）{}",
                     same_hash ? "" : "，且最后一个事件的哈希不同");
  findings_->Report(std::move(f));
}

void ReDecider::ReDecide(const PreparedGroup& prepared) {
  const EventRecord& first = group_.front();
  auto not_rederivable = [&](const EventRecord& at, std::string code, std::string message,
                             std::string message_zh, std::string rule = "redecide",
                             const Rejection* rejection = nullptr) {
    AuditFinding f = FindingAt(AuditFinding::Kind::kNotRederivable, at);
    f.rule = std::move(rule);
    f.code = std::move(code);
    if (rejection != nullptr) {
      CiteRejection(*rejection, &f);
    } else {
      f.legal_basis = "docs/audit.md §2 (a stored decision is its command decided on the state "
                      "before it)";
      f.legal_basis_zh = "docs/audit.md §2（已存储的决定即其命令在此前状态上的裁决结果）";
    }
    f.message = std::move(message);
    f.message_zh = std::move(message_zh);
    findings_->Report(std::move(f));
  };
  if (!prepared.parse_code.empty()) {
    not_rederivable(first, prepared.parse_code, prepared.parse_message,
                    prepared.parse_message_zh);
    return;
  }
  const Command* command = &prepared.command;
  ++summary_->commands_redecided;
  Decision decision =
      DecideAndStamp(*prepared.spec, *command, prepared.at, rules_, cases_, options_);
  if (const auto* rejection = std::get_if<Rejection>(&decision)) {
    std::string rule = RuleOf(*rejection);
    not_rederivable(first, "rejected_on_redecision",
                    fmt::format("{} decided again on the state before it is refused: {}: {}",
                                command->type, rejection->code, rejection->message),
                    fmt::format("{}在此前状态上重新裁决被拒绝：{}", CommandName(command->type),
                                RejectionMessage(*rejection, Language::kZh)),
                    rule.empty() ? rejection->code : rule, rejection);
    return;
  }
  const auto& decided = std::get<std::vector<NewEvent>>(decision);
  const std::size_t n = std::min(decided.size(), group_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const EventRecord& s = group_[i];
    const NewEvent& d = decided[i];
    Difference why;
    if (s.type != d.type) {
      why = {fmt::format("type {} where the decision gives {}", s.type, d.type),
             fmt::format("事件为{}，重新裁决得出{}", EventName(s.type), EventName(d.type))};
    } else if (s.schema != d.schema) {
      why = {fmt::format("schema {} where the decision gives {}", s.schema, d.schema),
             fmt::format("数据模式为 {}，重新裁决得出 {}", s.schema, d.schema)};
    } else if (s.occurred_at != d.occurred_at) {
      why = {fmt::format("occurred_at {} where the command's time is {}", s.occurred_at,
                         d.occurred_at),
             fmt::format("发生时间为 {}，而命令的时间为 {}", s.occurred_at, d.occurred_at)};
    } else if (!(s.actor == d.actor)) {
      why = {fmt::format("actor {} where the command's actor is {}", s.actor.id, d.actor.id),
             fmt::format("行为人为 {}，而命令的行为人为 {}", s.actor.id, d.actor.id)};
    } else {
      // The seal is not part of the decision (the engine adds it after
      // deciding, and SM2 signatures are randomised): compared without it,
      // checked on its own (CheckSeal).
      const bool sealed = IsSealedEventType(s.type) && s.data.is_object() &&
                          s.data.as_object().contains(kSealMember);
      boost::json::value unsealed;
      if (sealed) unsealed = WithoutSeal(s.data.as_object());
      const boost::json::value& stored = sealed ? unsealed : s.data;
      if (!SameCanonicalJson(stored, d.data) && Canonical(stored) != Canonical(d.data)) {
        // (Rendered only when the values alone cannot tell: almost never.)
        why = DataDifference(stored, d.data);
      }
    }
    if (!why.en.empty()) {
      not_rederivable(s, "decision_differs",
                      fmt::format("{} decided again gives other events: {}", command->type, why.en),
                      fmt::format("{}重新裁决得出的事件不同：{}", CommandName(command->type), why.zh));
      return;
    }
  }
  if (decided.size() != group_.size()) {
    not_rederivable(group_.back(), "decision_differs",
                    fmt::format("{} decided again gives {} events; the log holds {}",
                                command->type, decided.size(), group_.size()),
                    fmt::format("{}重新裁决得出 {} 个事件，日志中为 {} 个", CommandName(command->type),
                                decided.size(), group_.size()));
  }
}

// Each decision event, put to its command with its own stored values on the
// state before it: a decision that breaks an invariant is refused with the
// invariant's code, however its command was recorded.
void ReDecider::CheckProcedure() {
  for (const EventRecord& e : group_) {
    const DecisionEvent* kind = nullptr;
    for (const DecisionEvent& d : kDecisionEvents) {
      if (d.event_type == e.type) kind = &d;
    }
    if (kind == nullptr || !e.data.is_object()) continue;
    const CommandSpec* spec = FindCommandSpec(kind->command_type);
    auto at = ParseRfc3339(e.occurred_at);
    if (spec == nullptr || !at.ok()) continue;
    ++summary_->decisions_checked;
    Command command;
    command.type = std::string(kind->command_type);
    command.command_id = e.command_id;
    command.at = e.occurred_at;
    command.actor = e.actor;
    command.target = CaseIdOf(e.stream);
    command.data = WithoutSeal(e.data.as_object());
    CheckSeal(e);
    Decision decision = DecideAndStamp(*spec, command, *at, rules_, cases_, options_);
    const auto* rejection = std::get_if<Rejection>(&decision);
    if (rejection != nullptr) ReportProcedure(e, *rejection);
    // The decider stops at the first broken invariant; the penalty itself
    // (benchmark level and band, leniency lists, first violation, I7) is
    // judged on its own too, so an unlawful amount is named whatever else
    // is wrong.
    const CaseState* c = cases_.FindCase(command.target);
    const std::string type = Text(e.data.as_object(), "decision_type");
    if (e.type != "decision_made" || c == nullptr || (type != "penalty" && type != "no_penalty")) {
      continue;
    }
    boost::json::object proposal = ProposalJson(e.data.as_object(), type);
    proposal["correction_ordered"] = true;
    const DecisionContext context{command, *at, rules_, cases_, options_};
    PenaltyJudgement judged = JudgePenalty(context, *c, ProposalFromData(proposal));
    if (judged.rejection && (rejection == nullptr || judged.rejection->code != rejection->code)) {
      ReportProcedure(e, *judged.rejection);
    }
  }
}

void ReDecider::CheckSeal(const EventRecord& e) {
  const boost::json::object& data = e.data.as_object();
  const std::string agency = Text(data, "handling_subject");
  auto date = Date::Parse(Text(data, "decided_on"));
  if (agency.empty() || !date.ok()) return;  // the schema and the re-decision name it
  const AgencySeal* in_force = rules_.org().SealInForce(agency, *date);
  const boost::json::value* stored = data.if_contains(kSealMember);
  std::string code;
  SignatureFault fault;  // the message, in both languages
  // The agency by the name its seal bears (the name decisions issue in),
  // its id beside it.
  auto name_zh = [&](std::string_view id) {
    return fmt::format("{}（{}）", rules_.org().LegalNameOf(id).value_or(std::string(id)), id);
  };
  const std::string agency_zh = name_zh(agency);
  if (stored == nullptr) {
    if (in_force == nullptr) return;  // no seal then: lawfully unsealed
    code = "seal_missing";
    fault.zh = fmt::format("{}的电子印章（密钥 {}）自{}起在用，而{}作出的这一决定未加盖电子印章",
                           agency_zh, in_force->key_id, ZhDate(in_force->valid_from),
                           ZhDate(*date));
    fault.en = fmt::format("{}'s electronic seal (key {}) is in force since {}, and this decision "
                           "of {} bears no seal",
                           agency, in_force->key_id, in_force->valid_from.ToString(),
                           date->ToString());
  } else {
    std::string key_id;
    if (stored->is_object()) {
      if (const auto* k = stored->as_object().if_contains("key_id"); k && k->is_string()) {
        key_id = std::string(k->as_string());
      }
    }
    const AgencySeal* named = rules_.org().FindSeal(key_id);
    SignatureFault why;
    if (named == nullptr) {
      why = {fmt::format("印章密钥 {} 未在组织数据中登记", key_id.empty() ? "（无）" : key_id),
             fmt::format("seal key {} is not registered in the org data",
                         key_id.empty() ? "(none)" : key_id)};
    } else if (named->revoked_on.has_value() && !(*date < *named->revoked_on)) {
      why = {fmt::format("印章密钥 {} 已于{}注销", key_id, ZhDate(*named->revoked_on)),
             fmt::format("seal key {} was revoked on {}", key_id, named->revoked_on->ToString())};
    } else if (in_force == nullptr) {
      why = {fmt::format("{}在{}没有在用的电子印章", agency_zh, ZhDate(*date)),
             fmt::format("{} has no electronic seal in force on {}", agency, date->ToString())};
    } else {
      why = SealProblem(data, agency, in_force->key, name_zh);
    }
    if (why.empty()) return;
    code = "seal_invalid";
    fault = {fmt::format("{} 的电子印章无效：{}", EventName(e.type), why.zh),
             fmt::format("the electronic seal of {} is invalid: {}", e.type, why.en)};
  }
  AuditFinding f = FindingAt(AuditFinding::Kind::kIntegrity, e);
  f.rule = "seal";
  f.code = std::move(code);
  f.legal_basis = "Electronic Signature Law arts. 13, 14; docs/audit.md §6 (electronic seals)";
  f.legal_basis_zh = "《中华人民共和国电子签名法》第十三条、第十四条；docs/audit.md §6（电子印章）";
  f.message = std::move(fault.en);
  f.message_zh = std::move(fault.zh);
  findings_->Report(std::move(f));
}

void ReDecider::ReportProcedure(const EventRecord& e, const Rejection& rejection) {
  AuditFinding f = FindingAt(AuditFinding::Kind::kProcedure, e);
  f.rule = RuleOf(rejection);
  if (f.rule.empty()) f.rule = rejection.code;
  f.code = rejection.code;
  CiteRejection(rejection, &f);
  f.message = fmt::format("the stored {} breaks a rule of the procedure: {}{}", e.type,
                          rejection.message,
                          rejection.pointer.empty() ? "" : " (" + rejection.pointer + ")");
  // The rejection's Chinese message (its own, or its code's row), and the
  // field as a JSON pointer (an id, like the event type beside it).
  f.message_zh = fmt::format("已存储的{}违反程序规定：{}{}", EventName(e.type),
                             RejectionMessage(rejection, Language::kZh),
                             rejection.pointer.empty() ? "" : "（" + rejection.pointer + "）");
  findings_->Report(std::move(f));
}

namespace {

// What the engine's own check_deadlines of case `case_id` at `at_micros`
// would carry (its time as the engine writes it, in China's offset).
struct DeadlineProbe {
  Command command;
  Timestamp at;
};

std::optional<DeadlineProbe> ProbeAt(std::string_view case_id, std::int64_t at_micros) {
  DeadlineProbe probe;
  probe.command.type = "check_deadlines";
  probe.command.target = std::string(case_id);
  probe.command.at = FormatRfc3339(at_micros, 480, false);
  auto at = ParseRfc3339(probe.command.at);
  if (!at.ok()) return std::nullopt;
  probe.at = *at;
  return probe;
}

}  // namespace

// Whether anything is open does not depend on the moment or the calendar,
// only on the case and the options (deadlines.h): a case with nothing open
// after its last event has nothing open at the end either, and Finish()
// need not fold it again. Any doubt (a time or a period that does not
// compute) counts as open.
bool ReDecider::MayStayOpen(const CaseState& c, std::int64_t at_micros) const {
  std::optional<DeadlineProbe> probe =
      at_micros == INT64_MIN ? std::nullopt : ProbeAt(c.id, at_micros);
  if (!probe) return true;
  const DecisionContext context{probe->command, probe->at, rules_, cases_, options_};
  Deadlines open;
  return !OpenDeadlines(context, c, &open).ok() || !open.empty();
}

void ReDecider::CheckDeadlines(const CaseState& c, std::int64_t at_micros, bool at_end) {
  const std::string_view case_id = c.id;
  std::optional<DeadlineProbe> probe = ProbeAt(case_id, at_micros);
  if (!probe) return;
  const DecisionContext context{probe->command, probe->at, rules_, cases_, options_};
  Deadlines open;
  if (!OpenDeadlines(context, c, &open).ok()) return;
  const Date today = context.date();
  for (const OpenDeadline& d : open) {
    ++summary_->deadlines_checked;
    // Party deadlines (payment) are enforced, not breached by the agency.
    if (d.bearer != "agency" || !(d.due_on < today)) continue;
    if (!breaches_.insert(fmt::format("{}/{}/{}", case_id, d.id, d.due_on.ToString())).second) {
      continue;
    }
    AuditFinding f;
    f.kind = AuditFinding::Kind::kDeadline;
    f.case_id = std::string(case_id);
    f.stream = std::string(kCaseStreamPrefix) + std::string(case_id);
    f.rule = d.id;
    DeadlineBasis basis = DeadlineBasisOf(d, c, context);
    f.legal_basis = std::move(basis.en);
    f.legal_basis_zh = std::move(basis.zh);
    if (at_end) {
      // The event named is the case's last: nothing was recorded after it.
      f.version = cases_.Version(f.stream);
      if (std::optional<std::uint32_t> number = last_act_ids_.Find(case_id)) {
        f.position = last_act_[*number].position;
        f.version = last_act_[*number].version;
        if (store_ == nullptr) {
          const auto& names = last_names_[std::string(case_id)];
          f.event_type = names.first;
          f.command_id = names.second;
        } else if (auto e = store_->ReadEvent(f.position); e.ok()) {
          f.event_type = e->type;
          f.command_id = e->command_id;
        }
      }
      f.code = "deadline_open_past_due";
      // (The deadline's label is Chinese only: the English names its id,
      // and the basis beside it says what it is.)
      f.message = fmt::format("{} was due on {} and is still open at the audit's reference "
                              "time {}; the case's last event is {}",
                              d.id, d.due_on.ToString(), today.ToString(),
                              f.event_type.empty() ? "unknown" : f.event_type);
      f.message_zh = fmt::format("{}（{}）应于{}前完成，至审计基准时间{}仍未完成；本案最后一个事件为{}",
                                 d.id, d.label, ZhDate(d.due_on), ZhDate(today),
                                 EventName(f.event_type));
    } else {
      const EventRecord& act = group_.front();
      f.position = act.position;
      f.version = act.version;
      f.event_type = act.type;
      f.command_id = act.command_id;
      f.code = "deadline_breached";
      f.message = fmt::format("{} was due on {} and was still open when {} was recorded on {}",
                              d.id, d.due_on.ToString(), act.type, today.ToString());
      f.message_zh = fmt::format("{}（{}）应于{}前完成，{}记录{}时仍未完成", d.id, d.label,
                                 ZhDate(d.due_on), ZhDate(today), EventName(act.type));
    }
    findings_->Report(std::move(f));
  }
}

void ReDecider::Fold() {
  for (const EventRecord& e : group_) {
    Status s = IsReferenceStream(e.stream) ? rules_.Apply(e) : cases_.Apply(e);
    folded_through_ = e.position;
    if (s.ok() || !InScope(e)) continue;
    AuditFinding f = FindingAt(AuditFinding::Kind::kNotRederivable, e);
    f.rule = "fold";
    f.code = "event_does_not_fold";
    f.legal_basis = "docs/audit.md §2 (every stored event folds into the state)";
    f.legal_basis_zh = "docs/audit.md §2（每个已存储的事件都能并入状态）";
    f.message = fmt::format("the stored event does not fold into the state before it: {}",
                            s.message());
    // (The fold's reason is English technical text, kept in the English.)
    f.message_zh = fmt::format("已存储的{}无法并入此前的状态", EventName(e.type));
    findings_->Report(std::move(f));
  }
}

Status ReDecider::Finish() {
  ZF_RETURN_IF_ERROR(FlushGroup());
  summary_->reference_time = latest_text_;
  if (latest_micros_ == INT64_MIN || scope_.to_position != UINT64_MAX) return Status::Ok();
  // Folding cases again from their streams is most of this step's time: only
  // those that may still have something open (MayStayOpen) are folded, each
  // once, on every core (ForEachCase), and checked as they come.
  cases_.ForEachCase(
      [&](const CaseState& c) {
        CheckDeadlines(c, latest_micros_, /*at_end=*/true);
        cases_.Trim();
      },
      [&](std::string_view case_id) {
        if (!scope_.case_id.empty() && case_id != scope_.case_id) return false;
        const std::optional<std::uint32_t> number = last_act_ids_.Find(case_id);
        return !number || last_act_[*number].may_stay_open;
      });
  return cases_.TakeReadError();
}

}  // namespace zf::internal

#include "rules/leniency_lists.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/canonical_json.h"
#include "util/json_fields.h"
#include "util/rfc3339.h"

namespace zf::internal {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;
constexpr std::int64_t kMicrosPerMinute = 60'000'000LL;

// A date-only text names a day; an RFC 3339 text an instant.
Result<std::int64_t> ParseInstant(std::string_view text, bool end_of_day, std::string_view at) {
  if (text.size() == 10) {
    auto date = Date::Parse(text);
    if (!date.ok()) return FieldError(at, date.status().message());
    return LocalStartOfDay(*date) + (end_of_day ? kMicrosPerDay : 0);
  }
  auto ts = ParseRfc3339(text);
  if (!ts.ok()) return FieldError(at, ts.status().message());
  return ts->unix_micros;
}

Result<LeniencyOutcome> ParseOutcome(const boost::json::value* v, std::string_view at) {
  if (v == nullptr || !v->is_object()) return FieldError(at, "must be an object");
  const boost::json::object& o = v->as_object();
  ZF_ASSIGN_OR_RETURN(std::string kind, String(o, "kind", at));
  LeniencyOutcome out;
  if (kind == "no_penalty") {
    out.kind = LeniencyOutcomeKind::kNoPenalty;
  } else if (kind == "lighter") {
    out.kind = LeniencyOutcomeKind::kLighter;
  } else if (kind == "mitigated") {
    out.kind = LeniencyOutcomeKind::kMitigated;
  } else if (kind == "no_coercion") {
    out.kind = LeniencyOutcomeKind::kNoCoercion;
  } else {
    return FieldError(fmt::format("{}/kind", at), "unknown outcome kind");
  }
  ZF_ASSIGN_OR_RETURN(auto band, OptionalInt(o, "band_pct", at));
  out.band_pct = band ? static_cast<int>(*band) : 0;
  ZF_ASSIGN_OR_RETURN(out.fine_min_fen, OptionalInt(o, "fine_min_fen", at));
  ZF_ASSIGN_OR_RETURN(out.fine_max_fen, OptionalInt(o, "fine_max_fen", at));
  ZF_ASSIGN_OR_RETURN(out.substitute_type, String(o, "substitute_type", at, false));
  if (const boost::json::value* d = o.if_contains("drop_combined"); d && d->is_bool()) {
    out.drop_combined = d->as_bool();
  }
  return out;
}

}  // namespace

std::int64_t LocalStartOfDay(const Date& date) {
  return date.DayNumber() * kMicrosPerDay - kLocalOffsetMinutes * kMicrosPerMinute;
}

std::int64_t LocalStartOfDayContaining(std::int64_t unix_micros) {
  const std::int64_t local = unix_micros + kLocalOffsetMinutes * kMicrosPerMinute;
  std::int64_t day = local / kMicrosPerDay;
  if (local % kMicrosPerDay < 0) --day;  // floor for instants before 1970
  return day * kMicrosPerDay - kLocalOffsetMinutes * kMicrosPerMinute;
}

std::string_view CheckRevisionStart(std::optional<std::int64_t> previous_from, std::int64_t from,
                                    std::int64_t command_at) {
  if (!previous_from) return "";
  if (from < *previous_from) return "version_not_after_previous";
  if (from < LocalStartOfDayContaining(command_at)) return "effective_from_retroactive";
  return "";
}

Result<EffectivePeriod> ParseEffectivePeriod(const boost::json::object& data,
                                             std::string_view pointer) {
  EffectivePeriod period;
  const std::string from_at = fmt::format("{}/effective_from", pointer);
  ZF_ASSIGN_OR_RETURN(period.from_text, String(data, "effective_from", pointer));
  ZF_ASSIGN_OR_RETURN(period.from, ParseInstant(period.from_text, false, from_at));
  ZF_ASSIGN_OR_RETURN(period.to_text, String(data, "effective_to", pointer, false));
  if (!period.to_text.empty()) {
    const std::string to_at = fmt::format("{}/effective_to", pointer);
    ZF_ASSIGN_OR_RETURN(std::int64_t to, ParseInstant(period.to_text, true, to_at));
    if (to <= period.from) return FieldError(to_at, "must end after effective_from");
    period.to = to;
  }
  return period;
}

std::string_view LeniencyListKindName(LeniencyListKind kind) {
  switch (kind) {
    case LeniencyListKind::kNoPenalty: return "no_penalty";
    case LeniencyListKind::kLighterPenalty: return "lighter_penalty";
    case LeniencyListKind::kMitigatedPenalty: return "mitigated_penalty";
    case LeniencyListKind::kCoercionExemption: return "coercion_exemption";
  }
  return "unknown";
}

std::optional<LeniencyListKind> ParseLeniencyListKind(std::string_view name) {
  for (LeniencyListKind kind :
       {LeniencyListKind::kNoPenalty, LeniencyListKind::kLighterPenalty,
        LeniencyListKind::kMitigatedPenalty, LeniencyListKind::kCoercionExemption}) {
    if (LeniencyListKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view LeniencyOutcomeKindName(LeniencyOutcomeKind kind) {
  switch (kind) {
    case LeniencyOutcomeKind::kNoPenalty: return "no_penalty";
    case LeniencyOutcomeKind::kLighter: return "lighter";
    case LeniencyOutcomeKind::kMitigated: return "mitigated";
    case LeniencyOutcomeKind::kNoCoercion: return "no_coercion";
  }
  return "unknown";
}

Result<LeniencyEntry> ParseLeniencyEntry(const boost::json::object& data,
                                         std::string_view pointer) {
  LeniencyEntry e;
  ZF_ASSIGN_OR_RETURN(e.entry_id, String(data, "entry_id", pointer));
  ZF_ASSIGN_OR_RETURN(std::string kind, String(data, "list_kind", pointer));
  auto list_kind = ParseLeniencyListKind(kind);
  if (!list_kind) return FieldError(fmt::format("{}/list_kind", pointer), "unknown list kind");
  e.list_kind = *list_kind;
  ZF_ASSIGN_OR_RETURN(e.item_code, String(data, "item_code", pointer));
  ZF_ASSIGN_OR_RETURN(e.violation_description, String(data, "violation_description", pointer));
  ZF_ASSIGN_OR_RETURN(e.legal_basis_violated, String(data, "legal_basis_violated", pointer));
  ZF_ASSIGN_OR_RETURN(e.legal_basis_penalty, String(data, "legal_basis_penalty", pointer));
  ZF_ASSIGN_OR_RETURN(e.leniency_ground, String(data, "leniency_ground", pointer));
  const boost::json::value* mandatory = data.if_contains("mandatory");
  if (mandatory == nullptr || !mandatory->is_bool()) {
    return FieldError(fmt::format("{}/mandatory", pointer), "required boolean");
  }
  e.mandatory = mandatory->as_bool();
  if (const boost::json::value* list = data.if_contains("conditions")) {
    if (!list->is_array()) return FieldError(fmt::format("{}/conditions", pointer), "must be an array");
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
      const std::string at = fmt::format("{}/conditions/{}", pointer, i);
      const boost::json::object* c = list->as_array()[i].if_object();
      if (c == nullptr) return FieldError(at, "must be an object");
      LeniencyCondition condition;
      ZF_ASSIGN_OR_RETURN(condition.code, String(*c, "code", at));
      if (const boost::json::value* p = c->if_contains("params"); p && p->is_object()) {
        condition.params = p->as_object();
      }
      e.conditions.push_back(std::move(condition));
    }
  }
  ZF_ASSIGN_OR_RETURN(e.exclusions, Strings(data, "exclusions", pointer));
  ZF_ASSIGN_OR_RETURN(e.outcome,
                      ParseOutcome(data.if_contains("outcome"), fmt::format("{}/outcome", pointer)));
  ZF_ASSIGN_OR_RETURN(e.accompanying, Strings(data, "accompanying", pointer));
  ZF_ASSIGN_OR_RETURN(e.period, ParseEffectivePeriod(data, pointer));
  ZF_ASSIGN_OR_RETURN(e.issuer, String(data, "issuer", pointer));
  ZF_ASSIGN_OR_RETURN(e.document, String(data, "document", pointer, false));
  return e;
}

Status LeniencyLists::Apply(const EventRecord& event) {
  const bool published = event.type == "leniency_entry_published";
  const bool withdrawn = event.type == "leniency_entry_withdrawn";
  if (!published && !withdrawn) return Status::Ok();
  const boost::json::object* data = event.data.if_object();
  const boost::json::value* version = data ? data->if_contains("version") : nullptr;
  if (version == nullptr || !version->is_int64()) {
    return CorruptionError(fmt::format("rules/leniency v{}: no integer version", event.version));
  }
  LeniencyEntry entry;
  if (published) {
    auto parsed = ParseLeniencyEntry(*data, "");
    if (!parsed.ok()) {
      return CorruptionError(
          fmt::format("rules/leniency v{}: {}", event.version, parsed.status().message()));
    }
    entry = std::move(*parsed);
  } else {
    auto id = String(*data, "entry_id", "");
    auto period = ParseEffectivePeriod(*data, "");
    auto it = id.ok() ? entries_.find(*id) : entries_.end();
    if (it == entries_.end() || !period.ok()) {
      return CorruptionError(
          fmt::format("rules/leniency v{}: withdrawal of an unknown entry", event.version));
    }
    entry = it->second.back();  // keeps list kind and item for History()
    entry.withdrawn = true;
    entry.period = *period;
    entry.reason = String(*data, "reason", "", false).value_or(std::string());
    entry.document = String(*data, "document", "", false).value_or(std::string());
  }
  entry.version = static_cast<std::uint32_t>(version->as_int64());
  entry.stream_version = event.version;
  entry.content = CanonicalJsonWithout(*data, "version");
  auto& history = entries_[entry.entry_id];
  if (entry.version != history.size() + 1) {
    return CorruptionError(fmt::format("rules/leniency v{}: entry {} version {} out of sequence",
                                       event.version, entry.entry_id, entry.version));
  }
  ids_by_item_[entry.item_code].insert(entry.entry_id);
  history.push_back(std::move(entry));
  return Status::Ok();
}

std::vector<const LeniencyEntry*> LeniencyLists::History(std::string_view entry_id) const {
  std::vector<const LeniencyEntry*> out;
  if (auto it = entries_.find(entry_id); it != entries_.end()) {
    for (const LeniencyEntry& e : it->second) out.push_back(&e);
  }
  return out;
}

namespace {

// The highest version that has started by `instant`, if it is a live one.
const LeniencyEntry* InForce(const std::vector<LeniencyEntry>& history, std::int64_t instant) {
  const LeniencyEntry* latest = nullptr;
  for (const LeniencyEntry& e : history) {
    if (e.period.from <= instant) latest = &e;
  }
  if (latest == nullptr || latest->withdrawn || !latest->period.Contains(instant)) return nullptr;
  return latest;
}

}  // namespace

const LeniencyEntry* LeniencyLists::Entry(std::string_view entry_id, std::int64_t instant) const {
  auto it = entries_.find(entry_id);
  return it == entries_.end() ? nullptr : InForce(it->second, instant);
}

std::vector<const LeniencyEntry*> LeniencyLists::EntriesInForce(std::string_view item_code,
                                                                std::int64_t instant) const {
  std::vector<const LeniencyEntry*> out;
  auto ids = ids_by_item_.find(item_code);
  if (ids == ids_by_item_.end()) return out;
  for (const std::string& id : ids->second) {  // in entry id order, as entries_
    const LeniencyEntry* e = InForce(entries_.find(id)->second, instant);
    if (e != nullptr && e->item_code == item_code) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(), [](const LeniencyEntry* a, const LeniencyEntry* b) {
    return a->list_kind < b->list_kind;
  });
  return out;
}

LeniencyListCounts LeniencyLists::CountsAsOf(std::int64_t instant) const {
  LeniencyListCounts counts;
  for (const auto& [id, history] : entries_) {
    const LeniencyEntry* e = InForce(history, instant);
    if (e == nullptr) continue;
    switch (e->list_kind) {
      case LeniencyListKind::kNoPenalty: ++counts.no_penalty; break;
      case LeniencyListKind::kLighterPenalty: ++counts.lighter_penalty; break;
      case LeniencyListKind::kMitigatedPenalty: ++counts.mitigated_penalty; break;
      case LeniencyListKind::kCoercionExemption: ++counts.coercion_exemption; break;
    }
  }
  return counts;
}

std::vector<std::string> LeniencyLists::EntryIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, history] : entries_) ids.push_back(id);
  return ids;
}

}  // namespace zf::internal

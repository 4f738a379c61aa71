// rules/leniency: the "four lists" (四张清单, docs/domain.md, Leniency: the four lists) — the no-penalty,
// lighter-penalty, mitigated-penalty and coercion-exemption lists — folded
// from their stream into a model the RuleBook queries AS OF an instant.
//
// Every list entry is versioned and never edited in place: a publication
// (leniency_entry_published) or a withdrawal (leniency_entry_withdrawn)
// appends a version with its own effective_from. The version in force at an
// instant is the highest version whose effective_from is at or before it,
// unless that version is a withdrawal or its effective_to has passed.
//
// This header also holds the effective-period helpers the three reference
// models of this slice share (leniency, benchmarks, hearing thresholds).
//
// Example:
//   const LeniencyLists& lists = rules.leniency();
//   for (const LeniencyEntry* e : lists.EntriesInForce("SAFE-017", at)) {
//     if (e->list_kind == LeniencyListKind::kNoPenalty && e->mandatory) ...
//   }
//
// Not thread-safe; the engine guards the RuleBook that holds it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// --- Effective periods -------------------------------------------------------

// Offset of the local time in which date-only effective dates are read:
// China Standard Time, UTC+08:00 (the district's legal time).
inline constexpr std::int32_t kLocalOffsetMinutes = 480;

// Unix micros of 00:00 local time (UTC+08:00) on `date`.
// REQUIRES: date.IsValid().
std::int64_t LocalStartOfDay(const Date& date);

// Unix micros of 00:00 local time (UTC+08:00) of the day containing
// `unix_micros`.
std::int64_t LocalStartOfDayContaining(std::int64_t unix_micros);

// The rule every versioned reference record in this slice follows: the first
// version of a record may state an earlier effective_from (recording a rule
// already in force), but a later version may neither start before the
// version it follows nor before the day it is made — a revision never
// rewrites what was in force before it was made.
// Returns "" when `from` is acceptable, else the rejection code
// ("version_not_after_previous" or "effective_from_retroactive").
std::string_view CheckRevisionStart(std::optional<std::int64_t> previous_from, std::int64_t from,
                                    std::int64_t command_at);

// When a rule is in force: [from, to). Dates are read in local time; a
// date-only `effective_to` is inclusive (in force until the end of that day),
// an RFC 3339 one is the exclusive end instant.
struct EffectivePeriod {
  std::int64_t from = 0;           // unix micros, inclusive
  std::optional<std::int64_t> to;  // unix micros, exclusive; none = open-ended
  std::string from_text;           // as written: "2022-10-01" or RFC 3339
  std::string to_text;             // "" when open-ended

  bool Contains(std::int64_t instant) const {
    return from <= instant && (!to || instant < *to);
  }
};

// Parses `effective_from` and the optional `effective_to` members of `data`
// ("YYYY-MM-DD" or RFC 3339 with an offset). kInvalidArgument with the JSON
// pointer `pointer`/effective_from (or /effective_to) as subject when either
// does not parse, or when the period is empty (to <= from).
Result<EffectivePeriod> ParseEffectivePeriod(const boost::json::object& data,
                                             std::string_view pointer);

// --- The four lists ----------------------------------------------------------

// Do not renumber: persisted by name, ordered for reports.
enum class LeniencyListKind : int {
  kNoPenalty = 0,          // no_penalty 不予处罚清单
  kLighterPenalty = 1,     // lighter_penalty 从轻处罚清单
  kMitigatedPenalty = 2,   // mitigated_penalty 减轻处罚清单
  kCoercionExemption = 3,  // coercion_exemption 免于行政强制清单
};
std::string_view LeniencyListKindName(LeniencyListKind kind);
std::optional<LeniencyListKind> ParseLeniencyListKind(std::string_view name);

enum class LeniencyOutcomeKind : int {
  kNoPenalty = 0,    // no_penalty
  kLighter = 1,      // lighter{band_pct}
  kMitigated = 2,    // mitigated{fine range | substitute_type | drop_combined}
  kNoCoercion = 3,   // no_coercion
};
std::string_view LeniencyOutcomeKindName(LeniencyOutcomeKind kind);

// One condition an entry needs, e.g. {"code":"first_violation",
// "params":{"lookback_months":12}}. Params are validated per code by the
// decider (see LeniencyConditionCodes()).
struct LeniencyCondition {
  std::string code;
  boost::json::object params;
};

struct LeniencyOutcome {
  LeniencyOutcomeKind kind = LeniencyOutcomeKind::kNoPenalty;
  int band_pct = 0;                         // lighter: the lowest band_pct% of the range
  std::optional<std::int64_t> fine_min_fen;  // mitigated: fine below the statutory minimum
  std::optional<std::int64_t> fine_max_fen;
  std::string substitute_type;  // mitigated: a lighter penalty type, e.g. "warning"
  bool drop_combined = false;   // mitigated: do not combine what the law combines
};

// One version of one list entry (docs/domain.md, Leniency: the four lists).
struct LeniencyEntry {
  std::string entry_id;
  std::uint32_t version = 0;  // 1, 2, ... per entry_id
  bool withdrawn = false;     // a withdrawal version: nothing in force from `period.from`
  LeniencyListKind list_kind = LeniencyListKind::kNoPenalty;
  std::string item_code;
  std::string violation_description;
  std::string legal_basis_violated;
  std::string legal_basis_penalty;
  std::string leniency_ground;  // "APL33.1.2"
  bool mandatory = false;       // mandatory ("shall") vs discretionary ("may")
  std::vector<LeniencyCondition> conditions;
  std::vector<std::string> exclusions;    // emergency_period, repeat_offence, ...
  LeniencyOutcome outcome;
  std::vector<std::string> accompanying;  // education_record, correction_order, ...
  EffectivePeriod period;
  std::string issuer;
  std::string document;        // the published list it belongs to, or ""
  std::string reason;          // withdrawals: why
  std::uint64_t stream_version = 0;  // rules/leniency version that recorded it
  // The canonical JSON of the event's data without "version"
  // (CanonicalJsonWithout), to tell whether a re-publication changes anything.
  std::string content;
};

// Parses a publication's data (command or event: the event adds "version")
// into `entry` fields. kInvalidArgument, subject = JSON pointer under
// `pointer`, when a field has the wrong shape or an unknown enum value.
Result<LeniencyEntry> ParseLeniencyEntry(const boost::json::object& data,
                                         std::string_view pointer);

// Entries per list as of an instant.
struct LeniencyListCounts {
  int no_penalty = 0;
  int lighter_penalty = 0;
  int mitigated_penalty = 0;
  int coercion_exemption = 0;

  friend bool operator==(const LeniencyListCounts&, const LeniencyListCounts&) = default;
};

class LeniencyLists {
 public:
  // Folds one event of rules/leniency. kCorruption for an event whose data
  // does not have the shape its type needs; other types are ignored.
  Status Apply(const EventRecord& event);

  // Every version of `entry_id`, oldest first (empty if unknown).
  std::vector<const LeniencyEntry*> History(std::string_view entry_id) const;

  // The version of `entry_id` in force at `instant` (unix micros), or
  // nullptr (unknown, not yet in force, expired or withdrawn).
  const LeniencyEntry* Entry(std::string_view entry_id, std::int64_t instant) const;

  // Every entry for `item_code` in force at `instant`, in all four lists,
  // ordered by list kind then entry_id. The Date overload asks at 00:00
  // local time of that day.
  std::vector<const LeniencyEntry*> EntriesInForce(std::string_view item_code,
                                                   std::int64_t instant) const;
  std::vector<const LeniencyEntry*> EntriesInForce(std::string_view item_code,
                                                   const Date& date) const {
    return EntriesInForce(item_code, LocalStartOfDay(date));
  }

  // How many entries each list holds at `instant`.
  LeniencyListCounts CountsAsOf(std::int64_t instant) const;
  LeniencyListCounts CountsAsOf(const Date& date) const {
    return CountsAsOf(LocalStartOfDay(date));
  }

  // Every entry_id ever published, sorted.
  std::vector<std::string> EntryIds() const;

 private:
  // entry_id -> versions, oldest first.
  std::map<std::string, std::vector<LeniencyEntry>, std::less<>> entries_;
  // item_code -> the entries any version of which names it, so that
  // EntriesInForce() (asked at every proposal and decision) looks at the
  // item's few entries, not at every entry of the province.
  std::map<std::string, std::set<std::string>, std::less<>> ids_by_item_;
};

}  // namespace zf::internal

// zf/leniency_notes.h — the notes a penalty decision records on its
// leniency conditions and on the law in time, and their texts for people in
// Chinese and English (issue 18).
//
// The decider stores each condition's finding as an English note
// ("harm slight (at most general)") inside the decision's evaluation; the
// events keep exactly that text. Each note has a kind (a stable code) and
// arguments: ConditionNoteStored writes the stored form from them (the
// decider uses it, so every note it can write is one of the kinds here),
// ParseConditionNote reads a stored note back, and ConditionNoteText gives
// the text a person reads in either language. The law in time's reason is
// derived from the recorded fields (applied, act_date, act_version,
// decision_version), not from its note.
//
// Example:
//   auto note = zf::ParseConditionNote("harm slight (at most general)");
//   zf::ConditionNoteText(*note, zf::Language::kZh)  // "危害后果轻微（不超过一般）"
//
// Thread safety: every function here is pure and safe to call concurrently.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/export.h"
#include "zf/legal_sources.h"

namespace zf {

// The kinds of a leniency condition's note; the arguments, in order, are
// named in the stored form ConditionNoteStored writes.
enum class ConditionNoteKind : int {
  kFactNotStated = 0,        // "facts.{fact} not stated"
  kAtMost = 1,               // "{fact} = {value} (limit {limit})"
  kNoPriorViolation = 2,     // "no violation of the party ({party}) decided in the {months}
                             //  months before, {scope} "
  kPriorViolation = 3,       // "earlier violation decided within {months} months ({scope}):
                             //  case {case}"
  kCorrectedWithin = 4,      // "corrected within {days} days (limit {limit})"
  kCorrectedOn = 5,          // "corrected on {date}, {days} days after {from} (limit {limit})"
  kNoCorrection = 6,         // "no correction stated (facts.corrected_within_days or
                             //  corrected_on)"
  kHarm = 7,                 // "harm {level} (at most {limit})"
  kFactEstablished = 8,      // "facts.{fact} established"
  kFactNotEstablished = 9,   // "facts.{fact} not established"
};

// Every kind, for tests and tables.
ZF_EXPORT std::span<const ConditionNoteKind> AllConditionNoteKinds();
// The number of arguments a kind takes.
ZF_EXPORT std::size_t ConditionNoteArity(ConditionNoteKind kind);

struct ConditionNote {
  ConditionNoteKind kind = ConditionNoteKind::kFactNotStated;
  std::vector<std::string> args;
};

// The stored (English) form, as the decider records it in the event.
ZF_EXPORT std::string ConditionNoteStored(const ConditionNote& note);
// The note a stored text is; nullopt for a text no kind writes.
ZF_EXPORT std::optional<ConditionNote> ParseConditionNote(std::string_view stored);
// The note as a person reads it in `language`: amounts in yuan, dates in
// Chinese prose in kZh, facts by name.
ZF_EXPORT std::string ConditionNoteText(const ConditionNote& note, Language language);
// A stored note as a person reads it: ConditionNoteText of its parse; for a
// text no kind writes, the stored text (kEn) or 条件成立/条件不成立 by `met`
// (kZh).
ZF_EXPORT std::string ConditionNoteTextOf(std::string_view stored, bool met, Language language);

// A condition or exclusion of the four lists by its code
// ("confessed_unknown_violation", "repeat_offence") as a person reads it in
// `language`; the code itself for one not known here.
ZF_EXPORT std::string LeniencyConditionName(std::string_view code, Language language);

// Why the law in time applies the act date's or the decision date's rules
// (APL art. 37).
enum class LawInTimeReason : int {
  kActDateNotRecorded = 0,
  kNoBenchmarkOnActDate = 1,
  kNoBenchmarkOnDecisionDate = 2,
  kSameVersion = 3,
  kDecisionDateLighter = 4,
  kLaterNotLighter = 5,
};

ZF_EXPORT std::span<const LawInTimeReason> AllLawInTimeReasons();
// The note the decider stores as law_in_time.why.
ZF_EXPORT std::string_view LawInTimeReasonStored(LawInTimeReason reason);
// The reason as a person reads it in `language`.
ZF_EXPORT std::string_view LawInTimeReasonText(LawInTimeReason reason, Language language);
// The reason from the law in time's recorded fields: `applied` ("act_date" |
// "decision_date"), whether an act date is recorded, and the benchmark
// versions ("id@version", "" when none was in force). nullopt when
// `applied` is neither.
ZF_EXPORT std::optional<LawInTimeReason> LawInTimeReasonOf(std::string_view applied,
                                                           bool act_date_recorded,
                                                           std::string_view act_version,
                                                           std::string_view decision_version);

}  // namespace zf

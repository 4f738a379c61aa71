// What an explanation (zf::Engine::ExplainCase) records as notes (leniency
// conditions, the law in time) in the reader's language. Used by `zfcli
// case explain` (explain_text.cc) and by the server's explanation for the
// console. Depends on the library only (the HTTP fuzz target compiles it).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "zf/text_format.h"

namespace zfcli {

// A condition's recorded note ("facts.x not established", "harm slight (at
// most general)") as a person reads it in `lang`, from its kind and
// arguments (zf/leniency_notes.h); `met` decides the Chinese of a note no
// kind writes.
std::string ConditionWhyText(const std::string& why, bool met, zf::Language lang);
// The law in time's reason in `lang`, derived from its recorded fields
// (applied, act_date, act_version, decision_version); "" (kZh) or the
// recorded note (kEn) when they name none.
std::string LawWhyText(const boost::json::object& law, zf::Language lang);

// A party category ("organisation") by its name in `lang`; the code itself
// when it has none.
std::string PartyCategoryText(std::string_view code, zf::Language lang);
// The fine of a decision (computation.fine) as a person reads it: the amount
// inside or outside the allowed range; without a range, why there is none
// to check it against — mitigated below the statutory minimum on
// `mitigation_ground` (a list entry id, "" when not recorded), or a
// benchmark that gives none. Amounts in yuan.
std::string FineText(const boost::json::object& fine, std::string_view mitigation_ground,
                     zf::Language lang);
// The hearing comparison (computation.hearing) as a person reads it: the fine
// and the confiscation against the threshold in force for the party category
// (`category`, its name in `lang`), whether the party may request a hearing,
// or that no threshold is in force; with APL art. 63. Amounts in yuan.
std::string HearingText(const boost::json::object& hearing, std::string_view category,
                        zf::Language lang);

// Adds `name_zh`, `why_zh` and `why_en` to each leniency condition and
// `why_zh` and `why_en` to the law in time, in decisions[].evaluation and
// decisions[].inputs, and to the fine and the hearing comparison in
// decisions[].computation, beside the recorded notes (`why`, unchanged)
// (GET /v1/cases/{id}/explain).
void AddChineseTexts(boost::json::object* explanation);

}  // namespace zfcli

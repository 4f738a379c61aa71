// The Chinese of what an explanation (zf::Engine::ExplainCase) records as
// English notes: leniency conditions and the law in time. Used by `zfcli
// case explain` (explain_text.cc) and by the server's explanation for the
// console. Depends on the library only (the HTTP fuzz target compiles it).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "zf/text_format.h"

namespace zfcli {

// A leniency condition's name ("confessed_unknown_violation") in `lang`;
// the code itself when it has none.
std::string ConditionNameText(std::string_view code, zf::Language lang);
// A condition's recorded note ("facts.x not established", "harm slight (at
// most general)") in Chinese; `met` decides the fallback.
std::string ConditionWhyZh(const std::string& why, bool met);
// The law in time's recorded reason in Chinese; "" when it has none.
std::string LawWhyZh(const std::string& why);

// Adds `name_zh` and `why_zh` to each leniency condition and `why_zh` to
// the law in time, in decisions[].evaluation and decisions[].inputs, beside
// the English notes (GET /v1/cases/{id}/explain).
void AddChineseTexts(boost::json::object* explanation);

}  // namespace zfcli

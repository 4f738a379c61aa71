// `zfcli case explain` as text for people (cli/explain_text.cc).
#pragma once

#include <boost/json/object.hpp>

#include "cli.h"

namespace zfcli {

// Writes the explanation (Engine::ExplainCase's object) to stdout as the
// reasoning of a decision, in g.lang: the facts, the violation and its legal
// basis, the competence, the discretion, the leniency lists, the law in
// time, the deadlines and the decision, then the audit record (rule
// versions, reference events, hashes) in a separate block.
void PrintExplanationText(const GlobalOptions& g, const boost::json::object& explanation);

}  // namespace zfcli

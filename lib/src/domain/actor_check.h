// Who acts (issue 14 §3): every command's actor, and every recorded case
// read's reader, is checked against the organisation and the permission
// matrix in force at its time. One place, called by DecideAndStamp before
// the decider, so the engine, a dry run, an import, the HTTP server and the
// audit's re-decision all judge the actor the same way.
#pragma once

#include <optional>
#include <string_view>

#include "rules/rule_book.h"
#include "zf/command.h"

namespace zf::internal {

// nullopt when no permission matrix is in force at `rules.instant()` (the
// bootstrap: history before a matrix is unchecked), or when the actor
//   1. is an officer registered in org at that instant  (unknown_officer, /actor/id),
//   2. holds the role it acts in                        (role_not_held, /actor/role),
//   3. acts for its own agency, or for the brigade of its township
//                                                       (not_in_unit, /actor/unit),
//   4. has a role the matrix grants `command_type`      (role_not_permitted, /actor/role).
std::optional<Rejection> CheckActor(const RuleBookView& rules, const Actor& actor,
                                    std::string_view command_type);

// The same for a reader of a case: 1-3, and 4 against the matrix's
// case_read roles (when it names any).
std::optional<Rejection> CheckReader(const RuleBookView& rules, const Actor& reader);

}  // namespace zf::internal

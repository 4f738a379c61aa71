// rules/permissions: the permission matrix (权限矩阵) — which roles may
// issue which command type (docs/domain.md, Roles). Reference data like the other rule
// lists: publish_permission_matrix records a whole new version with an
// effective_from; a later version replaces the earlier one from its
// effective instant on, and every version is kept so that a command is
// judged (and re-judged by the audit) under the matrix in force at its
// own time.
//
// Before the first version takes effect no command is checked against it:
// history recorded before there was a matrix stays lawful as it was
// (docs/audit.md).
//
// Example:
//   const PermissionMatrix* m = rules.permissions().AsOf(at);
//   bool ok = m != nullptr && m->Allows("make_decision", "agency_head");
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

#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kPermissionsStream = "rules/permissions";

// The docs/domain.md, Roles roles an officer may hold: the roles a matrix may grant, as
// the register_officer schema lists them (party, agent and
// judicial_receiver are not officers and never act through the engine;
// collective_body is recorded by an officer on its behalf).
const std::vector<std::string_view>& OfficerRoles();
bool IsOfficerRole(std::string_view role);
// The role's Chinese name (docs/domain.md, Roles), or the id itself when unknown.
std::string_view RoleLabel(std::string_view role);

// One version of the matrix.
struct PermissionMatrix {
  std::uint32_t version = 0;
  std::int64_t effective_from = 0;  // unix micros
  std::string effective_from_text;
  // command type -> the roles that may issue it. A command type the matrix
  // does not name may be issued by nobody.
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> grants;
  // The roles that may read a case (a recorded read, ReadContext); empty =
  // any role held by a registered officer of the unit.
  std::set<std::string, std::less<>> case_read;
  std::string basis;  // the document that sets it
  std::uint64_t stream_version = 0;

  bool Allows(std::string_view command_type, std::string_view role) const;
  bool AllowsRead(std::string_view role) const;
};

class PermissionMatrices {
 public:
  // Folds one event of rules/permissions; kCorruption for an impossible
  // shape.
  Status Apply(const EventRecord& event);

  // The version in force at `instant` (unix micros): the latest whose
  // effective_from is at or before it; nullptr before the first.
  const PermissionMatrix* AsOf(std::int64_t instant) const;
  // Every version, oldest first.
  const std::vector<PermissionMatrix>& History() const { return versions_; }

 private:
  std::vector<PermissionMatrix> versions_;
};

}  // namespace zf::internal

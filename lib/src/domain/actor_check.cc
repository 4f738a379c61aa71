#include "domain/actor_check.h"

#include <algorithm>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "domain/decider.h"  // Reject

namespace zf::internal {
namespace {

// Only a qualified officer of the acting agency may carry out an
// enforcement act (APL art. 42), and only the agency competent by law acts
// in its own name (APL art. 17).
constexpr std::string_view kOfficerBasis = "《中华人民共和国行政处罚法》第四十二条（执法人员资格）";
constexpr std::string_view kUnitBasis =
    "《中华人民共和国行政处罚法》第十七条（在法定职权范围内实施）、第四十二条";

std::string DateText(const RuleBookView& rules) { return rules.date().ToString(); }

// True when `unit` is the officer's agency, or the enforcement brigade of
// the officer's township (a brigade acts in its township's name, docs/domain.md, Organisation).
bool BelongsTo(const OrgModel& org, const Officer& officer, std::string_view unit) {
  if (unit == officer.agency) return true;
  const Brigade* brigade = org.FindBrigade(unit);
  return brigade != nullptr && brigade->township == officer.agency;
}

// Checks 1-3 of CheckActor; the officer found, or why not.
std::variant<const Officer*, Rejection> CheckOfficer(const RuleBookView& rules,
                                                     const Actor& actor) {
  const OrgModel& org = rules.org();
  const Officer* officer = org.FindOfficer(actor.id);
  if (officer == nullptr || officer->registered_at > rules.instant()) {
    return Rejection{
        "unknown_officer",
        fmt::format("{} 不是 {} 已在组织机构中登记的执法人员", actor.id, DateText(rules)),
        std::string(kOfficerBasis), "/actor/id"};
  }
  if (std::find(officer->roles.begin(), officer->roles.end(), actor.role) == officer->roles.end()) {
    return Rejection{"role_not_held",
                     fmt::format("{} 未担任{}（{}）", actor.id, RoleLabel(actor.role), actor.role),
                     std::string(kOfficerBasis), "/actor/role"};
  }
  if (!BelongsTo(org, *officer, actor.unit)) {
    return Rejection{
        "not_in_unit",
        fmt::format("{} 属于 {}，不能以 {} 的名义行事", actor.id, officer->agency, actor.unit),
        std::string(kUnitBasis), "/actor/unit"};
  }
  return officer;
}

std::string MatrixBasis(const PermissionMatrix& matrix) {
  return matrix.basis.empty() ? fmt::format("权限矩阵第{}版", matrix.version)
                              : fmt::format("{}（权限矩阵第{}版）", matrix.basis, matrix.version);
}

}  // namespace

std::optional<Rejection> CheckActor(const RuleBookView& rules, const Actor& actor,
                                    std::string_view command_type) {
  const PermissionMatrix* matrix = rules.Permissions();
  if (matrix == nullptr) return std::nullopt;  // before the first matrix: unchecked
  auto officer = CheckOfficer(rules, actor);
  if (auto* refused = std::get_if<Rejection>(&officer)) return std::move(*refused);
  if (!matrix->Allows(command_type, actor.role)) {
    return Rejection{"role_not_permitted",
                     fmt::format("权限矩阵第{}版不允许{}（{}）执行 {}", matrix->version,
                                 RoleLabel(actor.role), actor.role, command_type),
                     MatrixBasis(*matrix), "/actor/role"};
  }
  return std::nullopt;
}

std::optional<Rejection> CheckReader(const RuleBookView& rules, const Actor& reader) {
  const PermissionMatrix* matrix = rules.Permissions();
  if (matrix == nullptr) return std::nullopt;
  auto officer = CheckOfficer(rules, reader);
  if (auto* refused = std::get_if<Rejection>(&officer)) return std::move(*refused);
  if (!matrix->AllowsRead(reader.role)) {
    return Rejection{"role_not_permitted",
                     fmt::format("权限矩阵第{}版不允许{}（{}）查阅案件", matrix->version,
                                 RoleLabel(reader.role), reader.role),
                     MatrixBasis(*matrix), "/actor/role"};
  }
  return std::nullopt;
}

}  // namespace zf::internal

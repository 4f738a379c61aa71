#include "rules/permissions.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "rules/org_model.h"  // ParseEffectiveInstant

namespace zf::internal {
namespace {

// docs/domain.md, Roles, in its order; the Chinese names are what people read.
constexpr std::pair<std::string_view, std::string_view> kRoles[] = {
    {"enforcement_officer", "执法人员"},
    {"lead_handler", "主办人员"},
    {"co_handler", "协办人员"},
    {"brigade_captain", "大队长"},
    {"area_chief", "片长"},
    {"coordination_leader", "协作组长"},
    {"agency_head", "行政机关负责人"},
    {"case_reviewer", "案件审核人员"},
    {"legal_reviewer", "法制审核人员"},
    {"hearing_officer", "听证主持人"},
    {"grid_worker", "网格员"},
    {"dispatcher", "调度员"},
    {"case_file_auditor", "案卷评查人员"},
    {"list_admin", "清单管理员"},
};

Status Corrupt(const EventRecord& event, std::string_view what) {
  return CorruptionError(fmt::format("{} v{}: {}", event.stream, event.version, what));
}

// A JSON array of strings into `out`; false when it is not one.
bool ReadRoles(const boost::json::value& v, std::set<std::string, std::less<>>& out) {
  const boost::json::array* list = v.if_array();
  if (list == nullptr) return false;
  for (const boost::json::value& role : *list) {
    if (!role.is_string()) return false;
    out.emplace(role.get_string());
  }
  return true;
}

}  // namespace

const std::vector<std::string_view>& OfficerRoles() {
  static const std::vector<std::string_view> kIds = [] {
    std::vector<std::string_view> ids;
    for (const auto& [id, label] : kRoles) ids.push_back(id);
    return ids;
  }();
  return kIds;
}

bool IsOfficerRole(std::string_view role) {
  return std::any_of(std::begin(kRoles), std::end(kRoles),
                     [&](const auto& r) { return r.first == role; });
}

std::string_view RoleLabel(std::string_view role) {
  for (const auto& [id, label] : kRoles) {
    if (id == role) return label;
  }
  return role;
}

bool PermissionMatrix::Allows(std::string_view command_type, std::string_view role) const {
  auto it = grants.find(command_type);
  return it != grants.end() && it->second.count(role) > 0;
}

bool PermissionMatrix::AllowsRead(std::string_view role) const {
  return case_read.empty() || case_read.count(role) > 0;
}

Status PermissionMatrices::Apply(const EventRecord& event) {
  if (event.type != "permission_matrix_published") return Status::Ok();
  const boost::json::object* data = event.data.if_object();
  if (data == nullptr) return Corrupt(event, "data is not an object");
  PermissionMatrix m;
  m.stream_version = event.version;
  m.version = static_cast<std::uint32_t>(versions_.size() + 1);
  const boost::json::value* from = data->if_contains("effective_from");
  if (from == nullptr || !from->is_string()) return Corrupt(event, "no effective_from");
  m.effective_from_text = std::string(from->get_string());
  auto instant = ParseEffectiveInstant(m.effective_from_text);
  if (!instant.ok()) return Corrupt(event, instant.status().message());
  m.effective_from = *instant;
  const boost::json::value* grants = data->if_contains("grants");
  if (grants == nullptr || !grants->is_object()) return Corrupt(event, "grants is not an object");
  for (const auto& grant : grants->get_object()) {
    if (!ReadRoles(grant.value(), m.grants[std::string(grant.key())])) {
      return Corrupt(event, fmt::format("grants.{} is not a list of roles", grant.key()));
    }
  }
  if (const boost::json::value* reads = data->if_contains("case_read");
      reads != nullptr && !ReadRoles(*reads, m.case_read)) {
    return Corrupt(event, "case_read is not a list of roles");
  }
  if (const boost::json::value* basis = data->if_contains("basis");
      basis != nullptr && basis->is_string()) {
    m.basis = std::string(basis->get_string());
  }
  versions_.push_back(std::move(m));
  return Status::Ok();
}

const PermissionMatrix* PermissionMatrices::AsOf(std::int64_t instant) const {
  // Versions start in order (the decider refuses a version that starts
  // before the one it follows), so the last one started is in force.
  const PermissionMatrix* found = nullptr;
  for (const PermissionMatrix& m : versions_) {
    if (m.effective_from <= instant) found = &m;
  }
  return found;
}

}  // namespace zf::internal

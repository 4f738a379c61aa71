// rules/permissions: publish_permission_matrix records a whole new version
// of the permission matrix (docs/domain.md, Roles): for each command type the roles that
// may issue it, and optionally the roles that may read a case. Every
// command type must be one zf knows and every role one an officer may hold,
// so a typing error cannot silently lock a role out or let one in.
#include <fmt/format.h>

#include "domain/decider.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasis =
    "《中华人民共和国行政处罚法》第十七条、第四十二条（权限矩阵由清单管理员发布）";

// The first role in `roles` that is not an officer role, as a rejection at
// `pointer`/<index>.
std::optional<Rejection> CheckRoles(const boost::json::array& roles, const std::string& pointer) {
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const std::string_view role = roles[i].as_string();
    if (!IsOfficerRole(role)) {
      return Rejection{"unknown_role", fmt::format("{} 不是可由执法人员担任的角色", role),
                       std::string(kBasis), fmt::format("{}/{}", pointer, i)};
    }
  }
  return std::nullopt;
}

std::optional<Rejection> CheckGrants(const boost::json::object& data) {
  for (const auto& grant : data.at("grants").as_object()) {
    const std::string pointer = fmt::format("/data/grants/{}", std::string(grant.key()));
    if (FindCommandSpec(grant.key()) == nullptr) {
      return Rejection{"unknown_command_type",
                       fmt::format("{} 不是本系统的命令类型", std::string(grant.key())),
                       std::string(kBasis), pointer};
    }
    if (auto refused = CheckRoles(grant.value().as_array(), pointer)) return refused;
  }
  if (const boost::json::value* reads = data.if_contains("case_read")) {
    if (auto refused = CheckRoles(reads->as_array(), "/data/case_read")) return refused;
  }
  // A matrix nobody may replace could only be undone by editing the store.
  const boost::json::value* publish =
      data.at("grants").as_object().if_contains("publish_permission_matrix");
  if (publish == nullptr || publish->as_array().empty()) {
    return Rejection{"matrix_locks_out",
                     "权限矩阵须允许至少一个角色发布下一版（publish_permission_matrix）",
                     std::string(kBasis), "/data/grants"};
  }
  return std::nullopt;
}

Decision DecidePublishPermissionMatrix(const DecisionContext& context) {
  const boost::json::object& data = context.command.data.as_object();
  if (auto refused = CheckGrants(data)) return std::move(*refused);
  auto period = ParseEffectivePeriod(data, "/data");
  if (!period.ok()) {
    return Reject("effective_period_invalid", std::string(period.status().message()),
                  std::string(kBasis), std::string(period.status().subject()));
  }
  const auto& history = context.rules.permissions().History();
  std::optional<std::int64_t> previous_from;
  if (!history.empty()) previous_from = history.back().effective_from;
  if (std::string_view code =
          CheckRevisionStart(previous_from, period->from, context.at.unix_micros);
      !code.empty()) {
    return Reject(std::string(code), "新版权限矩阵的生效时间不得早于上一版，也不得早于发布之日",
                  std::string(kBasis), "/data/effective_from");
  }
  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit("permission_matrix_published", std::move(event)));
}

}  // namespace

const std::vector<CommandSpec>& PermissionCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_permission_matrix", "", kPermissionsStream, &DecidePublishPermissionMatrix},
  };
  return kSpecs;
}

}  // namespace zf::internal

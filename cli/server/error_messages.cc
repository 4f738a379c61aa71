#include "server/error_messages.h"

#include <map>

#include <fmt/format.h>

namespace zfcli::server {

std::string ErrorMessageZh(std::string_view code) {
  static const std::map<std::string_view, std::string_view> kMessages = {
      // 400, 401, 403, 404, 405, 409, 413, 415, 429, 431, 503: the server's own.
      {"bad_request", "无法解析的 HTTP 请求"},
      {"invalid_json", "请求体不是有效的 JSON"},
      {"unauthenticated", "未认证：请以 Authorization: Bearer <令牌> 发送有效的令牌"},
      {"forbidden", "该令牌无权使用此端点（管理端点须使用配置中标记为管理员的令牌）"},
      {"actor_mismatch", "命令中的操作人必须与令牌对应的操作人一致（省略 actor 即由服务器填入）"},
      {"role_not_permitted", "该角色无权发出此命令（审计员只能查询和核验，网格员只能上报网格工单）"},
      {"method_not_allowed", "该端点不支持此请求方法（允许的方法见 Allow 响应头）"},
      {"outside_township", "乡镇（街道）及其执法队的令牌只能查阅本乡镇（街道）的案件、列表和事件"},
      {"admin_busy", "另一项管理操作正在进行，请待其完成后重试"},
      {"body_too_large", "请求体超过服务器允许的大小（max_body_bytes）"},
      {"header_too_large", "请求头超过服务器允许的大小（max_header_bytes）"},
      {"unsupported_media_type", "请求体的 Content-Type 必须为 application/json"},
      {"rate_limited", "此令牌的高开销查询（审计、卷宗、决定说明）过于频繁，请在 Retry-After 所示秒数后重试"},
      {"shutting_down", "服务器正在关闭，请稍后重试或改用其他实例"},
      {"too_many_connections", "服务器连接数已满，请稍后重试"},
      {"too_many_subscriptions", "事件订阅数已达上限（max_subscriptions），请稍后重试"},
      // The Status codes passed on (zf/status.h).
      {"invalid_argument", "请求的参数或内容无效（subject 指明参数或字段）"},
      {"not_found", "未找到所请求的资源（端点、案件、记录或命令类型）"},
      {"already_exists", "已存在：该命令编号已用于内容不同的命令，或同名备份已存在"},
      {"failed_precondition", "当前状态或配置不允许此操作"},
      {"conflict", "并发冲突：事件流的版本已变化，请重新读取后重试"},
      {"corruption", "存储的数据未通过校验（可能已损坏）"},
      {"io_error", "存储读写错误"},
      {"unavailable", "存储暂不可用，请稍后重试"},
      {"internal", "服务器内部错误"},
  };
  const auto it = kMessages.find(code);
  if (it != kMessages.end()) return std::string(it->second);
  return fmt::format("请求未能完成（{}）", code);
}

}  // namespace zfcli::server

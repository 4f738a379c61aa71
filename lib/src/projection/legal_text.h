// The Chinese forms of the texts the deadline views and the explanation
// write beside their English ones (issue 18): the laws cited by their
// official titles (the table at the top of docs/domain.md), and the reasons a
// clock was paused.
#pragma once

#include <string>
#include <string_view>

#include "zf/calendar.h"
#include "zf/text_format.h"

namespace zf::internal {

inline constexpr std::string_view kAplZh = "《中华人民共和国行政处罚法》";
inline constexpr std::string_view kAclZh = "《中华人民共和国行政强制法》";
inline constexpr std::string_view kCivilCodeZh = "《中华人民共和国民法典》";
inline constexpr std::string_view kMsrZh = "《市场监督管理行政处罚程序规定》";
inline constexpr std::string_view kOrder310Zh =
    "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）";
inline constexpr std::string_view kDoc118Zh =
    "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的"
    "指导意见》（国办发〔2018〕118号）";
// An engine option sets the length ([C] in the English form).
inline constexpr std::string_view kConfiguredZh = "（期限由本地配置确定）";

// The Chinese name of a clock_paused reason (schemas/events/clock_paused).
inline std::string_view PauseReasonZh(std::string_view reason) {
  if (reason == "appraisal") return "鉴定";
  if (reason == "testing") return "检测";
  if (reason == "inspection") return "检验";
  if (reason == "quarantine") return "检疫";
  if (reason == "hearing") return "听证";
  if (reason == "public_notice") return "公告";
  if (reason == "suspension") return "中止调查";
  if (reason == "police") return "移送公安机关";
  return reason;
}

inline std::string ZhDate(const Date& d) { return ChineseDate(d.ToString()); }

}  // namespace zf::internal

// zf/text_format.h — amounts and dates as people read them.
//
// Storage keeps amounts in fen (分, integers) and dates in ISO 8601; what
// zfcli and the HTTP API print for people uses these helpers, so that an
// amount reads 120,000.00 元 and a date in Chinese prose 2023年3月1日
// (issue 18). Tables and JSON keep ISO dates and fen.
//
// Example:
//   zf::YuanText(12000000, zf::Language::kZh)  // "120,000.00 元"
//   zf::YuanText(12000000, zf::Language::kEn)  // "120,000.00 yuan"
//   zf::ChineseDate("2023-03-01")              // "2023年3月1日"
//
// Thread safety: every function here is pure and safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zf/export.h"
#include "zf/legal_sources.h"

namespace zf {

// `fen` as yuan with two decimals and ',' between groups of three digits:
// 0 -> "0.00", 1 -> "0.01", 12000000 -> "120,000.00". A negative amount
// (a refund, a correction) keeps its sign in front: -150 -> "-1.50". Every
// std::int64_t is accepted, INT64_MIN included.
ZF_EXPORT std::string FormatYuan(std::int64_t fen);

// FormatYuan followed by the unit: "120,000.00 元" (kZh) or
// "120,000.00 yuan" (kEn).
ZF_EXPORT std::string YuanText(std::int64_t fen, Language language);

// "2023年3月1日" for "2023-03-01" (months and days without leading zeros).
// The date part of an RFC 3339 time ("2023-03-01T10:00:00+08:00") is read
// the same way. Text that does not start with a valid YYYY-MM-DD is
// returned unchanged, so a caller never loses what it was given.
ZF_EXPORT std::string ChineseDate(std::string_view iso);

// The date as prose in `language`: ChineseDate in kZh, the ISO date
// (YYYY-MM-DD, the time part dropped) in kEn.
ZF_EXPORT std::string DateText(std::string_view iso, Language language);

}  // namespace zf

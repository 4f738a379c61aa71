#include "zf/text_format.h"

#include <fmt/format.h>

namespace zf {

std::string FormatYuan(std::int64_t fen) {
  // The magnitude as unsigned, so that INT64_MIN has one too.
  const bool negative = fen < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(fen)
               : static_cast<std::uint64_t>(fen);
  const std::string whole = std::to_string(magnitude / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return fmt::format("{}{}.{:02}", negative ? "-" : "", grouped, magnitude % 100);
}

std::string YuanText(std::int64_t fen, Language language) {
  return FormatYuan(fen) + (language == Language::kZh ? " 元" : " yuan");
}

namespace {

bool Digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// The year, month and day of a text starting YYYY-MM-DD with a month of
// 1..12 and a day that exists in that month; false otherwise.
bool ParseIsoDate(std::string_view iso, int* y, int* m, int* d) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return false;
  if (!Digits(iso.substr(0, 4)) || !Digits(iso.substr(5, 2)) || !Digits(iso.substr(8, 2))) {
    return false;
  }
  if (iso.size() > 10 && iso[10] != 'T' && iso[10] != ' ') return false;
  *y = std::stoi(std::string(iso.substr(0, 4)));
  *m = std::stoi(std::string(iso.substr(5, 2)));
  *d = std::stoi(std::string(iso.substr(8, 2)));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*m < 1 || *m > 12 || *d < 1 || *d > kDays[*m - 1]) return false;
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return !(*m == 2 && *d == 29 && !leap);
}

}  // namespace

std::string ChineseDate(std::string_view iso) {
  int y = 0, m = 0, d = 0;
  if (!ParseIsoDate(iso, &y, &m, &d)) return std::string(iso);
  return fmt::format("{}年{}月{}日", y, m, d);
}

std::string DateText(std::string_view iso, Language language) {
  if (language == Language::kZh) return ChineseDate(iso);
  int y = 0, m = 0, d = 0;
  return ParseIsoDate(iso, &y, &m, &d) ? std::string(iso.substr(0, 10)) : std::string(iso);
}

}  // namespace zf

#include "cli.h"

#include <iostream>
#include <map>

#include <fmt/format.h>

namespace zfcli {

int ExitCodeFor(const zf::Status& status) {
  switch (status.code()) {
    case zf::StatusCode::kOk: return kExitOk;
    case zf::StatusCode::kInvalidArgument:
    case zf::StatusCode::kNotFound: return kExitInvalid;
    case zf::StatusCode::kFailedPrecondition: return kExitRejected;
    case zf::StatusCode::kConflict:
    case zf::StatusCode::kAlreadyExists: return kExitConflict;
    case zf::StatusCode::kCorruption:
    case zf::StatusCode::kIOError:
    case zf::StatusCode::kUnavailable:
    case zf::StatusCode::kInternal: return kExitStorage;
  }
  return kExitStorage;
}

int ReportError(const GlobalOptions& global, const zf::Status& status,
                std::string_view context) {
  std::string line = fmt::format("{}: {} [{}]", Label(global, "error"), status.message(),
                                 zf::StatusCodeName(status.code()));
  if (!status.subject().empty()) {
    line += fmt::format(" {}={}", Label(global, "field"), status.subject());
  }
  if (status.version()) line += fmt::format(" {}={}", Label(global, "version"), *status.version());
  if (!context.empty()) line = fmt::format("{}: {}", context, line);
  std::cerr << line << '\n';
  return ExitCodeFor(status);
}

std::string_view Label(const GlobalOptions& global, std::string_view key) {
  static const std::map<std::string_view, std::string_view> kZh = {
      {"error", "错误"},
      {"field", "字段"},
      {"version", "版本"},
      {"line", "行"},
      {"position", "位置"},
      {"stream", "事件流"},
      {"type", "事件类型"},
      {"occurred_at", "发生时间"},
      {"actor", "操作人"},
      {"hash", "哈希"},
      {"applied", "已写入"},
      {"already_applied", "已存在(跳过)"},
      {"rejected", "被拒绝"},
      {"events", "事件"},
      {"events_checked", "已校验事件"},
      {"ledger_hash", "总账哈希"},
      {"chain_ok", "哈希链完整"},
      {"chain_broken", "哈希链异常"},
      {"finding", "问题"},
      {"backup_written", "备份已写入"},
      {"from", "起"},
      {"to", "止"},
      {"commands", "命令"},
      {"usage", "用法"},
      {"legal_basis", "法律依据"},
      {"due", "届满日"},
      {"already_applied_one", "已执行过"},
  };
  if (global.lang == Lang::kEn) {
    if (key == "already_applied") return "already applied (skipped)";
    if (key == "chain_ok") return "hash chain intact";
    if (key == "chain_broken") return "hash chain broken";
    if (key == "backup_written") return "backup written";
    if (key == "events_checked") return "events checked";
    if (key == "ledger_hash") return "ledger hash";
    if (key == "occurred_at") return "occurred at";
    return key;
  }
  auto it = kZh.find(key);
  return it == kZh.end() ? key : it->second;
}

namespace {

// Terminal columns of UTF-8 text: East Asian wide characters count two.
std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

}  // namespace

std::string PadRight(std::string_view text, std::size_t width) {
  const std::size_t w = DisplayWidth(text);
  return std::string(text) + std::string(w < width ? width - w : 0, ' ');
}

std::string PadLeft(std::string_view text, std::size_t width) {
  const std::size_t w = DisplayWidth(text);
  return std::string(w < width ? width - w : 0, ' ') + std::string(text);
}

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace zfcli

#include "util/hex.h"

#include <utility>

namespace zf::internal {
namespace {

constexpr char kLowerDigits[] = "0123456789abcdef";

// -1 for a character that is not a hex digit.
constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (std::uint8_t b : bytes) {
    *p++ = kLowerDigits[b >> 4];
    *p++ = kLowerDigits[b & 0x0f];
  }
  return out;
}

bool HexDecode(std::string_view hex, std::string* out_bytes) {
  if (hex.size() % 2 != 0) return false;
  // Decode into a temporary so that a bad digit leaves *out_bytes untouched.
  std::string bytes(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = static_cast<char>((hi << 4) | lo);
  }
  *out_bytes = std::move(bytes);
  return true;
}

bool IsLowerHex(std::string_view s, std::size_t expected_len) {
  if (s.size() != expected_len) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace zf::internal

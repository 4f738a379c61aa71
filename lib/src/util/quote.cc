#include "util/quote.h"

#include <fmt/format.h>

namespace zf::internal {

std::string QuoteForMessage(std::string_view s, std::size_t max_shown) {
  std::string q = "\"";
  for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      q += fmt::format("\\x{:02x}", c);
    } else {
      q.push_back(static_cast<char>(c));
    }
  }
  q += s.size() > max_shown ? "\"..." : "\"";
  return q;
}

}  // namespace zf::internal

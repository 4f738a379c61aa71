// Command-line helpers shared by the benchmark programs.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace zf::bench {

// Prints "<program>: <message>" to stderr and exits 1.
[[noreturn]] inline void Die(std::string_view program, std::string_view message) {
  fmt::print(stderr, "{}: {}\n", program, message);
  std::exit(1);
}

// The positive integer `text` given to `flag`; dies naming the flag otherwise.
inline std::uint64_t ParseCount(std::string_view program, std::string_view flag,
                                std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
    Die(program, fmt::format("{} needs a positive integer, got '{}'", flag, text));
  }
  return value;
}

}  // namespace zf::bench

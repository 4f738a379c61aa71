// Showing client input inside error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zf::internal {

// The input quoted for an error message. It can be anything a client sent,
// and messages end up in logs and audit records: the length is bounded and
// control, quote, backslash and non-ASCII bytes are shown as \xHH, so input
// cannot forge log lines.
std::string QuoteForMessage(std::string_view s, std::size_t max_shown = 64);

}  // namespace zf::internal

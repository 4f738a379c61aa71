// Chinese descriptions of zfcli's options (option_help.cc).
#pragma once

#include <optional>
#include <string_view>

namespace zfcli {

// The Chinese description of the option described as `english` in its
// declaration (whitespace is not significant); nullopt when there is none.
std::optional<std::string_view> OptionDescriptionZh(std::string_view english);

}  // namespace zfcli

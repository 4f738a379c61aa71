// The Chinese message of each error code the HTTP API answers with
// (docs/api.md, "Errors"): the server's own refusals (unauthenticated,
// rate_limited, ...) and the Status codes it passes on (invalid_argument,
// not_found, ...). A rejection by a rule of law carries its own message_zh
// from the library's table of legal sources (zf/legal_sources.h).
#pragma once

#include <string>
#include <string_view>

namespace zfcli::server {

// The rule behind `code`, in Chinese, without the particulars that the
// English message names (the parameter, the limit); for a code without a
// row, "请求未能完成（<code>）".
std::string ErrorMessageZh(std::string_view code);

}  // namespace zfcli::server

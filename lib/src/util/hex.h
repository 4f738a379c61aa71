// util/hex.h — hexadecimal encoding of byte strings.
//
// Hashes are shown, stored in envelopes (prev_hash) and compared as
// lowercase hex, so the encoder always emits lowercase; the decoder accepts
// either case because humans paste hashes from reports and tools.
//
// Thread safety: all functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace zf::internal {

// Returns two lowercase hex digits per byte of `bytes`.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// Decodes `hex` (digits 0-9, a-f, A-F) into bytes and stores them in
// *out_bytes, replacing its contents.
// Returns false, leaving *out_bytes unchanged, if `hex` has odd length or
// contains a character that is not a hex digit. An empty `hex` decodes to an
// empty string.
bool HexDecode(std::string_view hex, std::string* out_bytes);

// True iff `s` is exactly `expected_len` characters, all in [0-9a-f].
// E.g. IsLowerHex(h, 64) checks the form of an SM3 hex digest.
bool IsLowerHex(std::string_view s, std::size_t expected_len);

}  // namespace zf::internal

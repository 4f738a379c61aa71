// util/coding.h — fixed-width big-endian integers and length-prefixed strings.
//
// These encodings are part of the persisted format (RocksDB keys and the
// hashed event envelope), so they must never change. Big-endian is used so
// that the byte order of an encoded unsigned integer equals its numeric
// order: RocksDB's default bytewise comparator then iterates keys such as
// "position" in numeric order.
//
// Layouts:
//   Fixed32BE        4 bytes, most significant byte first.
//   Fixed64BE        8 bytes, most significant byte first.
//   LengthPrefixed   Fixed32BE(byte length) followed by the raw bytes.
//
// Decoders do no bounds checking: REQUIRES: the pointer addresses at least
// 4 (Fixed32) or 8 (Fixed64) readable bytes.
//
// Thread safety: all functions are pure.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace zf::internal {

// Writes `value` as 4 big-endian bytes at `dst`.
inline void EncodeFixed32BE(char* dst, std::uint32_t value) {
  auto* p = reinterpret_cast<unsigned char*>(dst);
  p[0] = static_cast<unsigned char>(value >> 24);
  p[1] = static_cast<unsigned char>(value >> 16);
  p[2] = static_cast<unsigned char>(value >> 8);
  p[3] = static_cast<unsigned char>(value);
}

// Writes `value` as 8 big-endian bytes at `dst`.
inline void EncodeFixed64BE(char* dst, std::uint64_t value) {
  auto* p = reinterpret_cast<unsigned char*>(dst);
  p[0] = static_cast<unsigned char>(value >> 56);
  p[1] = static_cast<unsigned char>(value >> 48);
  p[2] = static_cast<unsigned char>(value >> 40);
  p[3] = static_cast<unsigned char>(value >> 32);
  p[4] = static_cast<unsigned char>(value >> 24);
  p[5] = static_cast<unsigned char>(value >> 16);
  p[6] = static_cast<unsigned char>(value >> 8);
  p[7] = static_cast<unsigned char>(value);
}

// Reads 4 big-endian bytes. REQUIRES: `src` has at least 4 readable bytes.
inline std::uint32_t DecodeFixed32BE(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}

// Reads 8 big-endian bytes. REQUIRES: `src` has at least 8 readable bytes.
inline std::uint64_t DecodeFixed64BE(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return (static_cast<std::uint64_t>(p[0]) << 56) | (static_cast<std::uint64_t>(p[1]) << 48) |
         (static_cast<std::uint64_t>(p[2]) << 40) | (static_cast<std::uint64_t>(p[3]) << 32) |
         (static_cast<std::uint64_t>(p[4]) << 24) | (static_cast<std::uint64_t>(p[5]) << 16) |
         (static_cast<std::uint64_t>(p[6]) << 8) | static_cast<std::uint64_t>(p[7]);
}

// Appends 4 big-endian bytes to *dst.
inline void PutFixed32BE(std::string* dst, std::uint32_t value) {
  char buf[4];
  EncodeFixed32BE(buf, value);
  dst->append(buf, sizeof(buf));
}

// Appends 8 big-endian bytes to *dst.
inline void PutFixed64BE(std::string* dst, std::uint64_t value) {
  char buf[8];
  EncodeFixed64BE(buf, value);
  dst->append(buf, sizeof(buf));
}

// Appends Fixed32BE(value.size()) followed by the bytes of `value`.
// REQUIRES: value.size() < 2^32 (callers cap payloads far below that).
inline void PutLengthPrefixed(std::string* dst, std::string_view value) {
  assert(value.size() <= std::numeric_limits<std::uint32_t>::max());
  PutFixed32BE(dst, static_cast<std::uint32_t>(value.size()));
  dst->append(value.data(), value.size());
}

}  // namespace zf::internal

// util/canonical_json.h — the canonical JSON encoding hashed into events.
//
// An event's `data` is hashed (SM3) as part of its envelope, so the same JSON
// value must always produce the same bytes, on any machine and in any
// re-implementation. An auditor verifying a chain without zf must reproduce
// these bytes exactly. THE RULES BELOW ARE PART OF THE PERSISTED FORMAT: do
// not change them; a different encoding needs a new envelope version.
//
// Canonical JSON, version 1 (zf.event.v1):
//
//  1. No whitespace anywhere: no spaces, tabs or newlines between tokens.
//  2. null, true, false are written as those literals.
//  3. Integers (boost::json int64 or uint64) are written in plain decimal:
//     an optional '-' for negative values, then the digits, with no '+',
//     no leading zeros ("0" for zero), no fraction and no exponent.
//     The range is [-2^63, 2^64-1]. An integer written as uint64 and the
//     same integer written as int64 encode identically.
//  4. Floating-point numbers (boost::json double, whatever their value,
//     including 1.0 and -0.0) are REFUSED: the encoding fails with
//     kInvalidArgument "floating-point number not allowed in event data; use
//     integers (e.g. money in fen) or strings". Binary floats have no
//     portable canonical decimal form, and amounts in administrative
//     decisions must be exact.
//  5. Strings are '"' + content + '"'. The content must be valid UTF-8
//     (RFC 3629: shortest form only, no surrogates U+D800..U+DFFF, nothing
//     above U+10FFFF); otherwise the encoding fails with kInvalidArgument.
//     Each byte of the content is written as follows (output in brackets):
//       0x22 quotation mark  ->  [\"]
//       0x5C backslash       ->  [\\]
//       0x08                 ->  [\b]
//       0x0C                 ->  [\f]
//       0x0A                 ->  [\n]
//       0x0D                 ->  [\r]
//       0x09                 ->  [\t]
//       other 0x00..0x1F     ->  [\u00XX] with XX two LOWERCASE hex digits
//                                (0x1F -> [\u001f], 0x00 -> [\u0000])
//       every other byte, including '/', 0x7F and all bytes >= 0x80, is
//       written unchanged (so non-ASCII text such as Chinese stays raw UTF-8;
//       no \uXXXX escapes are ever produced for it).
//  6. Arrays are '[' + elements joined by ',' + ']', in their stored order.
//  7. Objects are '{' + members joined by ',' + '}', each member written as
//     <key as a string per rule 5> ':' <value>. Members are sorted by key in
//     ascending order of the keys' raw UTF-8 bytes compared as unsigned
//     bytes (memcmp order; a key that is a proper prefix of another sorts
//     first). Insertion order does not matter. Keys are unique (a
//     boost::json::object keeps only one member per key).
//  8. Arrays and objects may nest at most 32 deep (the root container is
//     depth 1). Deeper values are refused with kInvalidArgument, because
//     boost::json::parse, which zf uses to read events back, refuses them.
//
// Errors carry, as their subject, the RFC 6901 JSON pointer of the offending
// value relative to the encoded root: "" for the root itself, "/a/0/b" for
// member "b" of element 0 of member "a". In pointer segments '~' is written
// "~0" and '/' is written "~1". For an object key that is not valid UTF-8
// the pointer is that of the object holding it (the key itself cannot be
// shown safely).
//
// Thread safety: all functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "zf/status.h"

namespace zf::internal {

// Maximum nesting of arrays/objects accepted by AppendCanonicalJson; equals
// boost::json::parse_options{}.max_depth.
inline constexpr std::size_t kMaxCanonicalJsonDepth = 32;

// The offset of the first byte that does not start a well-formed UTF-8
// sequence (RFC 3629; Unicode table 3-7: no overlong forms, surrogates or
// code points above U+10FFFF), or kValidUtf8.
inline constexpr std::size_t kValidUtf8 = std::string_view::npos;
std::size_t FindInvalidUtf8(std::string_view s);

// Appends the canonical encoding of `v` (rules above) to *out. This is also
// the validator for event data: it is the only place that refuses floats.
// Returns OK on success. Returns kInvalidArgument, with the JSON pointer of
// the offending value as the subject, for a floating-point number, a string
// or key that is not valid UTF-8, or nesting deeper than
// kMaxCanonicalJsonDepth. On error *out is restored to its previous
// contents.
// REQUIRES: out != nullptr.
Status AppendCanonicalJson(const boost::json::value& v, std::string* out);

// The canonical encoding of `o` without its top-level `member`, or "" when
// `o` does not encode. Rule publications keep it to tell whether a
// re-publication changes anything: one string instead of a copy of the
// object (at 10^7 events the copies were most of the rule book's memory).
std::string CanonicalJsonWithout(const boost::json::object& o, std::string_view member);

// Whether `a` and `b` certainly have the same canonical JSON, told without
// rendering either: true only when both would encode (no floating-point
// number, valid UTF-8, nesting within kMaxCanonicalJsonDepth) and they hold
// the same members (in any order), elements, strings, literals and
// integers of the same kind. False means "not known": render and compare
// (an int64 and a uint64 of one value, for instance, encode alike).
bool SameCanonicalJson(const boost::json::value& a, const boost::json::value& b);

// Whether `v` certainly encodes (AppendCanonicalJson succeeds) into at most
// `max_bytes`, told without rendering it: no floating-point number, every
// string and key valid UTF-8, nesting within kMaxCanonicalJsonDepth, and an
// upper bound of the encoded size (every string byte escaped to six) within
// `max_bytes`. False means "not known": encode to find out (and to word the
// error). A check that needs no text skips the key sort and the escaping.
bool EncodesWithin(const boost::json::value& v, std::size_t max_bytes);

// Escapes one JSON pointer reference token (RFC 6901 §3): "~" -> "~0",
// "/" -> "~1". E.g. JsonPointerEscape("a/b~c") == "a~1b~0c".
std::string JsonPointerEscape(std::string_view key);

}  // namespace zf::internal

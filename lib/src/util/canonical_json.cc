#include "util/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>

namespace zf::internal {
namespace {

constexpr std::string_view kFloatRefused =
    "floating-point or out-of-range number not allowed in event data; use integers within "
    "int64/uint64 (e.g. money in fen) or strings";

// Eight bytes at a time (SWAR): event data is mostly ASCII keys, codes and
// digits between runs of Chinese, and these scans run on every appended
// event.
std::uint64_t Load8(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Nonzero exactly when some byte of v is < 0x20, '"' or '\\'.
std::uint64_t MayNeedEscape(std::uint64_t v) {
  auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighBits; };
  const std::uint64_t control = (v - kOnes * 0x20) & ~v & kHighBits;
  return control | has_zero(v ^ (kOnes * '"')) | has_zero(v ^ (kOnes * '\\'));
}

}  // namespace

std::size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8 && (Load8(p + i) & kHighBits) == 0) {
      i += 8;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Length of the sequence and the allowed range of its second byte; the
    // narrowed ranges exclude overlong forms, surrogates and > U+10FFFF.
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (n - i < len) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return kValidUtf8;
}

namespace {

// Writes s per rule 5. REQUIRES: s is valid UTF-8 (checked by the caller),
// so bytes >= 0x80 can be copied without looking at them.
void AppendEscapedString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  std::size_t run_start = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size(); ++i) {
    while (s.size() - i >= 8 && MayNeedEscape(Load8(bytes + i)) == 0) i += 8;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0x0f]};
        out->append(esc, sizeof(esc));
      }
    }
  }
  out->append(s.data() + run_start, s.size() - run_start);
  out->push_back('"');
}

template <typename Int>
void AppendDecimal(Int value, std::string* out) {
  char buf[24];  // 20 digits for 2^64-1, or '-' + 19 digits
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;  // cannot fail: the buffer fits every 64-bit integer
  out->append(buf, end);
}

// One step of the path from the root to the value being encoded; turned into
// a JSON pointer only when an error is reported.
struct PathSegment {
  std::string_view key;  // for an object member
  std::size_t index;     // for an array element
  bool is_key;
};

// Per-thread buffers reused across calls, so that encoding an event's data
// does not allocate apart from growing *out.
struct Scratch {
  // Members of all objects currently being encoded; each nesting level owns
  // the tail segment it pushed.
  std::vector<const boost::json::key_value_pair*> members;
  std::vector<PathSegment> path;
};

class Encoder {
 public:
  // `omitted`: a top-level member left out ("" leaves out none).
  Encoder(Scratch* scratch, std::string* out, std::string_view omitted = {})
      : scratch_(scratch), out_(out), omitted_(omitted) {}

  Status Encode(const boost::json::value& v, std::size_t depth) {
    switch (v.kind()) {
      case boost::json::kind::null:
        out_->append("null");
        return Status::Ok();
      case boost::json::kind::bool_:
        out_->append(v.get_bool() ? "true" : "false");
        return Status::Ok();
      case boost::json::kind::int64:
        AppendDecimal(v.get_int64(), out_);
        return Status::Ok();
      case boost::json::kind::uint64:
        AppendDecimal(v.get_uint64(), out_);
        return Status::Ok();
      case boost::json::kind::double_:
        return InvalidArgumentError(kFloatRefused).WithSubject(Pointer());
      case boost::json::kind::string:
        return EncodeString(v.get_string());
      case boost::json::kind::array:
        return EncodeArray(v.get_array(), depth + 1);
      case boost::json::kind::object:
        return EncodeObject(v.get_object(), depth + 1);
    }
    return InternalError("unknown boost::json::kind").WithSubject(Pointer());
  }

  // A top-level object (depth 1).
  Status EncodeTopObject(const boost::json::object& o) { return EncodeObject(o, 1); }

 private:
  Status EncodeString(std::string_view s) {
    if (std::size_t bad = FindInvalidUtf8(s); bad != kValidUtf8) {
      return InvalidArgumentError(
                 fmt::format("string is not valid UTF-8 (bad byte 0x{:02x} at offset {})",
                             static_cast<unsigned char>(s[bad]), bad))
          .WithSubject(Pointer());
    }
    AppendEscapedString(s, out_);
    return Status::Ok();
  }

  Status CheckDepth(std::size_t depth) {
    if (depth <= kMaxCanonicalJsonDepth) return Status::Ok();
    return InvalidArgumentError(fmt::format("arrays/objects nested more than {} deep",
                                            kMaxCanonicalJsonDepth))
        .WithSubject(Pointer());
  }

  Status EncodeArray(const boost::json::array& a, std::size_t depth) {
    ZF_RETURN_IF_ERROR(CheckDepth(depth));
    out_->push_back('[');
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i != 0) out_->push_back(',');
      scratch_->path.push_back(PathSegment{{}, i, false});
      ZF_RETURN_IF_ERROR(Encode(a[i], depth));
      scratch_->path.pop_back();
    }
    out_->push_back(']');
    return Status::Ok();
  }

  Status EncodeObject(const boost::json::object& o, std::size_t depth) {
    ZF_RETURN_IF_ERROR(CheckDepth(depth));
    auto& members = scratch_->members;
    const std::size_t begin = members.size();
    for (const auto& kv : o) {
      if (depth == 1 && !omitted_.empty() && kv.key() == omitted_) continue;
      if (FindInvalidUtf8(kv.key()) != kValidUtf8) {
        return InvalidArgumentError("object key is not valid UTF-8").WithSubject(Pointer());
      }
      members.push_back(&kv);
    }
    const std::size_t end = members.size();
    // std::string_view ordering is char_traits<char>::compare, which compares
    // as unsigned char (memcmp order), as rule 7 requires.
    std::sort(members.begin() + static_cast<std::ptrdiff_t>(begin),
              members.begin() + static_cast<std::ptrdiff_t>(end),
              [](const boost::json::key_value_pair* a, const boost::json::key_value_pair* b) {
                return a->key() < b->key();
              });
    out_->push_back('{');
    // Index rather than iterate: nested objects push onto `members` and may
    // reallocate it.
    for (std::size_t i = begin; i < end; ++i) {
      const boost::json::key_value_pair* kv = members[i];
      if (i != begin) out_->push_back(',');
      AppendEscapedString(kv->key(), out_);
      out_->push_back(':');
      scratch_->path.push_back(PathSegment{kv->key(), 0, true});
      ZF_RETURN_IF_ERROR(Encode(kv->value(), depth));
      scratch_->path.pop_back();
    }
    out_->push_back('}');
    members.resize(begin);
    return Status::Ok();
  }

  std::string Pointer() const {
    std::string pointer;
    for (const PathSegment& seg : scratch_->path) {
      pointer.push_back('/');
      if (seg.is_key) {
        pointer.append(JsonPointerEscape(seg.key));
      } else {
        AppendDecimal(seg.index, &pointer);
      }
    }
    return pointer;
  }

  Scratch* const scratch_;
  std::string* const out_;
  const std::string_view omitted_;
};

}  // namespace

namespace {

// `encode(encoder)` encodes the value into *out.
template <typename Fn>
Status Append(std::string_view omitted, std::string* out, Fn encode) {
  thread_local Scratch scratch;
  // An earlier call that failed returned early and left its segments behind.
  scratch.members.clear();
  scratch.path.clear();
  const std::size_t original_size = out->size();
  Encoder encoder(&scratch, out, omitted);
  Status s = encode(encoder);
  if (!s.ok()) out->resize(original_size);
  return s;
}

}  // namespace

Status AppendCanonicalJson(const boost::json::value& v, std::string* out) {
  return Append({}, out, [&](Encoder& e) { return e.Encode(v, 0); });
}

std::string CanonicalJsonWithout(const boost::json::object& o, std::string_view member) {
  std::string out;
  // A value the encoding refuses (a float) leaves the text empty, which
  // equals no other object's text: "unchanged" is then never claimed.
  (void)Append(member, &out, [&](Encoder& e) { return e.EncodeTopObject(o); });
  return out;
}

namespace {

bool SameCanonical(const boost::json::value& a, const boost::json::value& b, std::size_t depth) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case boost::json::kind::null: return true;
    case boost::json::kind::bool_: return a.get_bool() == b.get_bool();
    case boost::json::kind::int64: return a.get_int64() == b.get_int64();
    case boost::json::kind::uint64: return a.get_uint64() == b.get_uint64();
    case boost::json::kind::double_: return false;  // refused by the encoding
    case boost::json::kind::string:
      return a.get_string() == b.get_string() && FindInvalidUtf8(a.get_string()) == kValidUtf8;
    case boost::json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (depth > kMaxCanonicalJsonDepth || x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!SameCanonical(x[i], y[i], depth + 1)) return false;
      }
      return true;
    }
    case boost::json::kind::object: {
      // Members in any order: the encoding sorts them (rule 7), and events
      // read back from the store come sorted while a decider's are not.
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (depth > kMaxCanonicalJsonDepth || x.size() != y.size()) return false;
      for (const auto& kv : x) {
        const boost::json::value* other = y.if_contains(kv.key());
        if (other == nullptr || FindInvalidUtf8(kv.key()) != kValidUtf8 ||
            !SameCanonical(kv.value(), *other, depth + 1)) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

// Adds an upper bound of v's encoded size to *bytes; false when v does not
// certainly encode. Strings count six bytes per byte (the longest escape,
// \u00XX) plus the quotes.
bool BoundEncoded(const boost::json::value& v, std::size_t depth, std::size_t* bytes) {
  switch (v.kind()) {
    case boost::json::kind::null:
    case boost::json::kind::bool_:
      *bytes += 5;
      return true;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      *bytes += 20;
      return true;
    case boost::json::kind::double_:
      return false;
    case boost::json::kind::string: {
      const boost::json::string& s = v.get_string();
      *bytes += 2 + 6 * s.size();
      return FindInvalidUtf8(s) == kValidUtf8;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (depth > kMaxCanonicalJsonDepth) return false;
      *bytes += 2 + a.size();  // brackets, commas
      for (const boost::json::value& e : a) {
        if (!BoundEncoded(e, depth + 1, bytes)) return false;
      }
      return true;
    }
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (depth > kMaxCanonicalJsonDepth) return false;
      *bytes += 2 + o.size();  // braces, commas
      for (const auto& kv : o) {
        *bytes += 3 + 6 * kv.key().size();  // quotes, colon
        if (FindInvalidUtf8(kv.key()) != kValidUtf8) return false;
        if (!BoundEncoded(kv.value(), depth + 1, bytes)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

bool SameCanonicalJson(const boost::json::value& a, const boost::json::value& b) {
  return SameCanonical(a, b, 1);
}

bool EncodesWithin(const boost::json::value& v, std::size_t max_bytes) {
  std::size_t bytes = 0;
  // The root container is depth 1, as in the encoder.
  return BoundEncoded(v, 1, &bytes) && bytes <= max_bytes;
}

std::string JsonPointerEscape(std::string_view key) {
  std::string escaped;
  escaped.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      escaped.append("~0");
    } else if (c == '/') {
      escaped.append("~1");
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

}  // namespace zf::internal

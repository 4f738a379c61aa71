#include "io/fast_schema.h"

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace zf::internal {
namespace json = boost::json;
using Verdict = FastSchema::Verdict;

namespace {

// ---------------------------------------------------------------------------
// Patterns: the ECMAScript subset the shipped schemas use, matched against
// UTF-8 bytes with std::regex_search's semantics (valijson's).

struct Piece {
  enum class Kind { kSet, kGroup, kStart, kEnd } kind = Kind::kSet;
  std::bitset<256> set;  // kSet
  std::size_t group = 0;  // kGroup: index into Regex::groups
  std::size_t min = 1, max = 1;
};

struct Sequence {
  std::vector<Piece> pieces;
};

struct Group {
  std::vector<Sequence> alternatives;
};

struct Regex {
  std::vector<Group> groups;  // groups[0]: the whole pattern
};

// Recursive descent over the pattern; any construct outside the subset
// (".", "*", "+", "{n,}", lazy or possessive quantifiers, "(?", classes
// like \d, non-ASCII bytes) makes the parse fail, and the node unsure.
class PatternParser {
 public:
  explicit PatternParser(std::string_view p) : p_(p) {}

  std::optional<Regex> Parse() {
    Regex regex;
    regex.groups.emplace_back();
    if (!ParseAlternatives(&regex, 0) || i_ != p_.size()) return std::nullopt;
    return regex;
  }

 private:
  bool ParseAlternatives(Regex* regex, std::size_t group) {
    for (;;) {
      Sequence seq;
      if (!ParseSequence(regex, &seq)) return false;
      regex->groups[group].alternatives.push_back(std::move(seq));
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      return true;
    }
  }

  bool ParseSequence(Regex* regex, Sequence* seq) {
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      Piece piece;
      const char c = p_[i_];
      if (c == '^' || c == '$') {
        piece.kind = c == '^' ? Piece::Kind::kStart : Piece::Kind::kEnd;
        ++i_;
        seq->pieces.push_back(piece);
        continue;  // a quantified anchor is refused below as a stray quantifier
      }
      if (c == '(') {
        ++i_;
        if (i_ < p_.size() && p_[i_] == '?') return false;
        piece.kind = Piece::Kind::kGroup;
        piece.group = regex->groups.size();
        regex->groups.emplace_back();
        if (!ParseAlternatives(regex, piece.group)) return false;
        if (i_ >= p_.size() || p_[i_] != ')') return false;
        ++i_;
      } else if (c == '[') {
        if (!ParseClass(&piece.set)) return false;
      } else if (c == '\\') {
        ++i_;
        std::optional<unsigned char> byte = ParseEscape();
        if (!byte) return false;
        piece.set.set(*byte);
      } else if (c == '.' || c == '*' || c == '+' || c == '?' || c == '{' ||
                 static_cast<unsigned char>(c) >= 0x80) {
        return false;
      } else {
        piece.set.set(static_cast<unsigned char>(c));
        ++i_;
      }
      if (!ParseQuantifier(&piece)) return false;
      seq->pieces.push_back(std::move(piece));
    }
    return true;
  }

  // After a backslash (outside or inside a class): \xHH below 0x80, or a
  // punctuation character standing for itself.
  std::optional<unsigned char> ParseEscape() {
    if (i_ >= p_.size()) return std::nullopt;
    const char c = p_[i_++];
    if (c == 'x') {
      if (i_ + 2 > p_.size()) return std::nullopt;
      unsigned value = 0;
      for (int k = 0; k < 2; ++k) {
        const char h = p_[i_++];
        value <<= 4;
        if (h >= '0' && h <= '9') value |= static_cast<unsigned>(h - '0');
        else if (h >= 'a' && h <= 'f') value |= static_cast<unsigned>(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') value |= static_cast<unsigned>(h - 'A' + 10);
        else return std::nullopt;
      }
      if (value >= 0x80) return std::nullopt;
      return static_cast<unsigned char>(value);
    }
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z')) {
      return std::nullopt;  // \d, \w, \b, \1, \n ...: not modelled
    }
    return u;
  }

  std::optional<unsigned char> ParseClassAtom() {
    if (i_ >= p_.size()) return std::nullopt;
    const char c = p_[i_];
    if (c == '\\') {
      ++i_;
      return ParseEscape();
    }
    if (static_cast<unsigned char>(c) >= 0x80 || c == '[') return std::nullopt;
    ++i_;
    return static_cast<unsigned char>(c);
  }

  bool ParseClass(std::bitset<256>* set) {
    ++i_;  // '['
    bool negated = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negated = true;
      ++i_;
    }
    std::bitset<256> members;
    bool first = true;
    while (i_ < p_.size() && (p_[i_] != ']' || first)) {
      if (p_[i_] == ']') return false;  // "[]" or "[^]": not modelled
      first = false;
      std::optional<unsigned char> low = ParseClassAtom();
      if (!low) return false;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        std::optional<unsigned char> high = ParseClassAtom();
        if (!high || *high < *low) return false;
        for (unsigned b = *low; b <= *high; ++b) members.set(b);
      } else {
        members.set(*low);
      }
    }
    if (i_ >= p_.size()) return false;
    ++i_;  // ']'
    // A negated class matches every other byte, UTF-8 bytes included (each
    // is a char of its own to std::regex).
    *set = negated ? ~members : members;
    return true;
  }

  bool ParseNumber(std::size_t* n) {
    const std::size_t start = i_;
    std::size_t value = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9' && i_ - start < 6) {
      value = value * 10 + static_cast<std::size_t>(p_[i_] - '0');
      ++i_;
    }
    *n = value;
    return i_ > start && i_ < p_.size() && !(p_[i_] >= '0' && p_[i_] <= '9');
  }

  bool ParseQuantifier(Piece* piece) {
    if (i_ >= p_.size()) return true;
    if (p_[i_] == '?') {
      ++i_;
      piece->min = 0;
      piece->max = 1;
    } else if (p_[i_] == '{') {
      ++i_;
      std::size_t low = 0, high = 0;
      if (!ParseNumber(&low)) return false;
      if (p_[i_] == '}') {
        high = low;
      } else if (p_[i_] == ',') {
        ++i_;
        if (!ParseNumber(&high) || p_[i_] != '}' || high < low) return false;
      } else {
        return false;
      }
      ++i_;  // '}'
      piece->min = low;
      piece->max = high;
    } else if (p_[i_] == '*' || p_[i_] == '+') {
      return false;
    } else {
      return true;
    }
    // A second quantifier (lazy "?", or "{..}{..}") is not modelled.
    return i_ >= p_.size() ||
           (p_[i_] != '?' && p_[i_] != '*' && p_[i_] != '+' && p_[i_] != '{');
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

// Backtracking over the tree; a group's iterations continue through a
// chain of frames on the stack. Patterns are short and bounded, so the
// search is too.
class PatternMatcher {
 public:
  PatternMatcher(const Regex& regex, std::string_view text) : regex_(regex), text_(text) {}

  bool Search() const {
    for (std::size_t start = 0; start <= text_.size(); ++start) {
      for (const Sequence& alt : regex_.groups[0].alternatives) {
        if (MatchFrom(alt, 0, start, nullptr)) return true;
      }
    }
    return false;
  }

 private:
  struct Frame {
    const Sequence* seq;
    std::size_t index;  // the group piece in seq
    std::size_t count;  // iterations completed, this one included
    std::size_t start;  // where this iteration began
    const Frame* next;
  };

  bool MatchFrom(const Sequence& s, std::size_t i, std::size_t pos, const Frame* k) const {
    if (i == s.pieces.size()) return Continue(pos, k);
    const Piece& p = s.pieces[i];
    switch (p.kind) {
      case Piece::Kind::kStart:
        return pos == 0 && MatchFrom(s, i + 1, pos, k);
      case Piece::Kind::kEnd:
        return pos == text_.size() && MatchFrom(s, i + 1, pos, k);
      case Piece::Kind::kSet: {
        std::size_t n = 0;
        while (n < p.max && pos + n < text_.size() &&
               p.set.test(static_cast<unsigned char>(text_[pos + n]))) {
          ++n;
        }
        if (n < p.min) return false;
        for (std::size_t c = n + 1; c-- > p.min;) {  // greedy: longest first
          if (MatchFrom(s, i + 1, pos + c, k)) return true;
        }
        return false;
      }
      case Piece::Kind::kGroup:
        return Iterate(s, i, 0, pos, k);
    }
    return false;
  }

  // One more iteration of the group at s[i] (greedy), else what follows it.
  bool Iterate(const Sequence& s, std::size_t i, std::size_t count, std::size_t pos,
               const Frame* k) const {
    const Piece& p = s.pieces[i];
    if (count < p.max) {
      const Frame frame{&s, i, count + 1, pos, k};
      for (const Sequence& alt : regex_.groups[p.group].alternatives) {
        if (MatchFrom(alt, 0, pos, &frame)) return true;
      }
    }
    return count >= p.min && MatchFrom(s, i + 1, pos, k);
  }

  bool Continue(std::size_t pos, const Frame* k) const {
    if (k == nullptr) return true;
    const Piece& p = k->seq->pieces[k->index];
    // An empty iteration past the minimum matches nothing new (ECMAScript
    // refuses it), and would loop.
    if (pos == k->start && k->count > p.min) return false;
    return Iterate(*k->seq, k->index, k->count, pos, k->next);
  }

  const Regex& regex_;
  std::string_view text_;
};

// ---------------------------------------------------------------------------
// Schemas.

constexpr unsigned kNull = 1, kBoolean = 2, kInteger = 4, kNumber = 8, kString = 16,
                   kArray = 32, kObject = 64;
// Integers whose comparison as doubles (valijson's) is exact.
constexpr std::int64_t kExactDouble = std::int64_t{1} << 53;

using Literal = std::variant<std::string, std::int64_t, bool>;

struct Node {
  bool unsure = false;
  bool refuse_all = false;  // the schema `false`
  const Node* ref = nullptr;
  unsigned types = 0;  // 0: any
  std::vector<std::pair<std::string, const Node*>> properties;  // sorted
  std::vector<std::pair<Regex, const Node*>> pattern_properties;
  std::vector<std::string> required;
  bool forbid_extra = false;
  const Node* extra = nullptr;  // additionalProperties as a schema
  std::optional<std::vector<Literal>> literals;  // enum, or const
  std::optional<std::uint64_t> min_length, max_length;
  std::optional<Regex> pattern;
  std::optional<std::int64_t> minimum, maximum;
  const Node* items = nullptr;
  std::optional<std::uint64_t> min_items, max_items, min_props, max_props;
  bool unique = false;
};

unsigned TypeBit(std::string_view name) {
  if (name == "null") return kNull;
  if (name == "boolean") return kBoolean;
  if (name == "integer") return kInteger;
  if (name == "number") return kNumber;
  if (name == "string") return kString;
  if (name == "array") return kArray;
  if (name == "object") return kObject;
  return 0;
}

std::optional<std::uint64_t> Count(const json::value& v) {
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  return std::nullopt;
}

std::optional<std::int64_t> Bound(const json::value& v) {
  if (v.is_int64() && v.get_int64() <= kExactDouble && v.get_int64() >= -kExactDouble) {
    return v.get_int64();
  }
  return std::nullopt;
}

std::optional<Literal> LiteralOf(const json::value& v) {
  if (v.is_string()) return Literal(std::string(v.get_string()));
  if (v.is_int64()) return Literal(v.get_int64());
  if (v.is_bool()) return Literal(v.get_bool());
  return std::nullopt;
}

// Code points of valid UTF-8 (what valijson's u8_strlen counts there), or
// nothing for bytes that are not.
std::optional<std::uint64_t> CodePoints(std::string_view s) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || b == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return std::nullopt;
    }
    if (len == 2 && b < 0xc2) return std::nullopt;  // overlong
    if (len == 3) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      if ((b == 0xe0 && b1 < 0xa0) || (b == 0xed && b1 >= 0xa0)) return std::nullopt;
    }
    if (len == 4) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      if ((b == 0xf0 && b1 < 0x90) || (b == 0xf4 && b1 >= 0x90) || b > 0xf4) return std::nullopt;
    }
    i += len;
  }
  return n;
}

}  // namespace

struct FastSchema::Impl {
  const json::value* root = nullptr;
  std::deque<Node> nodes;
  std::map<std::string, Node*> by_pointer;  // compiled $ref targets
  const Node* top = nullptr;

  Node* NewNode() { return &nodes.emplace_back(); }

  // The value a local "$ref" names ("#", "#/definitions/x"), or null.
  const json::value* Resolve(std::string_view ref) const {
    if (ref.empty() || ref[0] != '#') return nullptr;
    ref.remove_prefix(1);
    if (ref.empty()) return root;
    if (ref[0] != '/') return nullptr;
    json::error_code ec;
    const json::value* v = root->find_pointer(ref, ec);
    return ec ? nullptr : v;
  }

  const Node* CompileRef(std::string_view ref) {
    const std::string key(ref);
    if (auto it = by_pointer.find(key); it != by_pointer.end()) return it->second;
    const json::value* target = Resolve(ref);
    Node* node = NewNode();
    by_pointer[key] = node;  // before compiling: a schema may refer to itself
    if (target == nullptr) {
      node->unsure = true;
    } else {
      CompileInto(*target, node);
    }
    return node;
  }

  const Node* Compile(const json::value& schema) {
    Node* node = NewNode();
    CompileInto(schema, node);
    return node;
  }

  void CompileInto(const json::value& schema, Node* node) {
    if (schema.is_bool()) {
      node->refuse_all = !schema.get_bool();
      return;
    }
    const json::object* o = schema.if_object();
    if (o == nullptr) {
      node->unsure = true;
      return;
    }
    if (const json::value* ref = o->if_contains("$ref")) {
      node->unsure = !ref->is_string() || !OnlyAnnotationsBeside(*o, "$ref");
      if (!node->unsure) node->ref = CompileRef(ref->get_string());
      return;
    }
    for (const json::key_value_pair& member : *o) {
      if (!CompileKeyword(member.key(), member.value(), node)) {
        node->unsure = true;
        return;
      }
    }
  }

  static bool IsAnnotation(std::string_view key) {
    return key == "title" || key == "description" || key == "$schema" || key == "$id" ||
           key == "default" || key == "definitions" || key == "examples" || key == "$comment";
  }

  static bool OnlyAnnotationsBeside(const json::object& o, std::string_view keyword) {
    return std::all_of(o.begin(), o.end(), [&](const json::key_value_pair& m) {
      return m.key() == keyword || IsAnnotation(m.key());
    });
  }

  bool CompileKeyword(std::string_view key, const json::value& v, Node* node) {
    if (IsAnnotation(key)) return true;
    if (key == "type") return CompileType(v, node);
    if (key == "properties") {
      if (!v.is_object()) return false;
      for (const json::key_value_pair& m : v.get_object()) {
        node->properties.emplace_back(std::string(m.key()), Compile(m.value()));
      }
      std::sort(node->properties.begin(), node->properties.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      return true;
    }
    if (key == "patternProperties") {
      if (!v.is_object()) return false;
      for (const json::key_value_pair& m : v.get_object()) {
        std::optional<Regex> regex = PatternParser(m.key()).Parse();
        if (!regex) return false;
        node->pattern_properties.emplace_back(std::move(*regex), Compile(m.value()));
      }
      return true;
    }
    if (key == "required") {
      if (!v.is_array()) return false;
      for (const json::value& name : v.get_array()) {
        if (!name.is_string()) return false;
        node->required.emplace_back(name.get_string());
      }
      return true;
    }
    if (key == "additionalProperties") {
      if (v.is_bool()) {
        node->forbid_extra = !v.get_bool();
      } else {
        node->extra = Compile(v);
      }
      return true;
    }
    if (key == "enum" || key == "const") {
      std::vector<Literal> literals;
      if (key == "const") {
        std::optional<Literal> l = LiteralOf(v);
        if (!l) return false;
        literals.push_back(std::move(*l));
      } else {
        if (!v.is_array()) return false;
        for (const json::value& e : v.get_array()) {
          std::optional<Literal> l = LiteralOf(e);
          if (!l) return false;
          literals.push_back(std::move(*l));
        }
      }
      if (node->literals) return false;  // both: not modelled
      node->literals = std::move(literals);
      return true;
    }
    if (key == "minLength") return (node->min_length = Count(v)).has_value();
    if (key == "maxLength") return (node->max_length = Count(v)).has_value();
    if (key == "minItems") return (node->min_items = Count(v)).has_value();
    if (key == "maxItems") return (node->max_items = Count(v)).has_value();
    if (key == "minProperties") return (node->min_props = Count(v)).has_value();
    if (key == "maxProperties") return (node->max_props = Count(v)).has_value();
    if (key == "minimum") return (node->minimum = Bound(v)).has_value();
    if (key == "maximum") return (node->maximum = Bound(v)).has_value();
    if (key == "pattern") {
      if (!v.is_string()) return false;
      node->pattern = PatternParser(v.get_string()).Parse();
      return node->pattern.has_value();
    }
    if (key == "items") {
      if (v.is_array()) return false;  // tuple form: not modelled
      node->items = Compile(v);
      return true;
    }
    if (key == "uniqueItems") {
      if (!v.is_bool()) return false;
      node->unique = v.get_bool();
      return true;
    }
    return false;
  }

  static bool CompileType(const json::value& v, Node* node) {
    if (v.is_string()) return (node->types = TypeBit(v.get_string())) != 0;
    if (!v.is_array() || v.get_array().empty()) return false;
    for (const json::value& t : v.get_array()) {
      if (!t.is_string()) return false;
      const unsigned bit = TypeBit(t.get_string());
      if (bit == 0) return false;
      node->types |= bit;
    }
    return true;
  }

  // --- checking ---

  static unsigned KindOf(const json::value& v) {
    switch (v.kind()) {
      case json::kind::null: return kNull;
      case json::kind::bool_: return kBoolean;
      case json::kind::int64: return kInteger | kNumber;
      case json::kind::double_: return kNumber;
      case json::kind::string: return kString;
      case json::kind::array: return kArray;
      case json::kind::object: return kObject;
      case json::kind::uint64: return 0;  // normalised away before; see Check
    }
    return 0;
  }

  static Verdict CheckLiterals(const std::vector<Literal>& literals, const json::value& v) {
    if (v.is_double()) return Verdict::kUnsure;  // number equality: not modelled
    for (const Literal& l : literals) {
      if (const auto* s = std::get_if<std::string>(&l)) {
        if (v.is_string() && v.get_string() == *s) return Verdict::kValid;
      } else if (const auto* b = std::get_if<bool>(&l)) {
        if (v.is_bool() && v.get_bool() == *b) return Verdict::kValid;
      } else if (v.is_int64() && v.get_int64() == std::get<std::int64_t>(l)) {
        return Verdict::kValid;
      }
    }
    return Verdict::kInvalid;
  }

  Verdict CheckString(const Node& n, std::string_view s) const {
    if (n.min_length || n.max_length) {
      std::optional<std::uint64_t> length = CodePoints(s);
      if (!length) return Verdict::kUnsure;
      if (n.min_length && *length < *n.min_length) return Verdict::kInvalid;
      if (n.max_length && *length > *n.max_length) return Verdict::kInvalid;
    }
    if (n.pattern && !PatternMatcher(*n.pattern, s).Search()) return Verdict::kInvalid;
    return Verdict::kValid;
  }

  static Verdict CheckInteger(const Node& n, std::int64_t i) {
    if (!n.minimum && !n.maximum) return Verdict::kValid;
    if (i > kExactDouble || i < -kExactDouble) return Verdict::kUnsure;
    if (n.minimum && i < *n.minimum) return Verdict::kInvalid;
    if (n.maximum && i > *n.maximum) return Verdict::kInvalid;
    return Verdict::kValid;
  }

  Verdict CheckObject(const Node& n, const json::object& o) const {
    if (n.min_props && o.size() < *n.min_props) return Verdict::kInvalid;
    if (n.max_props && o.size() > *n.max_props) return Verdict::kInvalid;
    for (const std::string& name : n.required) {
      if (!o.contains(name)) return Verdict::kInvalid;
    }
    for (const json::key_value_pair& m : o) {
      const std::string_view key = m.key();
      auto it = std::lower_bound(n.properties.begin(), n.properties.end(), key,
                                 [](const auto& p, std::string_view k) { return p.first < k; });
      // A member named in "properties" and matching a "patternProperties"
      // key satisfies both; "additionalProperties" is for the others.
      bool named = false;
      if (it != n.properties.end() && it->first == key) {
        named = true;
        if (Verdict v = CheckNode(*it->second, m.value()); v != Verdict::kValid) return v;
      }
      for (const auto& [regex, child] : n.pattern_properties) {
        if (!PatternMatcher(regex, key).Search()) continue;
        named = true;
        if (Verdict v = CheckNode(*child, m.value()); v != Verdict::kValid) return v;
      }
      if (named) continue;
      if (n.forbid_extra) return Verdict::kInvalid;
      if (n.extra == nullptr) continue;
      if (Verdict v = CheckNode(*n.extra, m.value()); v != Verdict::kValid) return v;
    }
    return Verdict::kValid;
  }

  Verdict CheckArray(const Node& n, const json::array& a) const {
    if (n.min_items && a.size() < *n.min_items) return Verdict::kInvalid;
    if (n.max_items && a.size() > *n.max_items) return Verdict::kInvalid;
    if (n.items != nullptr) {
      for (const json::value& e : a) {
        if (Verdict v = CheckNode(*n.items, e); v != Verdict::kValid) return v;
      }
    }
    if (n.unique && a.size() > 1) {
      std::vector<Literal> seen;
      seen.reserve(a.size());
      for (const json::value& e : a) {
        std::optional<Literal> l = LiteralOf(e);
        if (!l) return Verdict::kUnsure;  // equality of other values: not modelled
        seen.push_back(std::move(*l));
      }
      std::sort(seen.begin(), seen.end());
      if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) return Verdict::kInvalid;
    }
    return Verdict::kValid;
  }

  Verdict CheckNode(const Node& n, const json::value& v) const {
    if (n.unsure) return Verdict::kUnsure;
    if (n.refuse_all) return Verdict::kInvalid;
    if (n.ref != nullptr) return CheckNode(*n.ref, v);
    const unsigned kind = KindOf(v);
    if (kind == 0) return Verdict::kUnsure;
    if (n.types != 0 && (n.types & kind) == 0) return Verdict::kInvalid;
    if (n.literals) {
      if (Verdict l = CheckLiterals(*n.literals, v); l != Verdict::kValid) return l;
    }
    switch (v.kind()) {
      case json::kind::string: return CheckString(n, v.get_string());
      case json::kind::int64: return CheckInteger(n, v.get_int64());
      case json::kind::double_:
        return n.minimum || n.maximum ? Verdict::kUnsure : Verdict::kValid;
      case json::kind::object: return CheckObject(n, v.get_object());
      case json::kind::array: return CheckArray(n, v.get_array());
      default: return Verdict::kValid;
    }
  }
};

FastSchema::FastSchema() : impl_(std::make_unique<Impl>()) {}
FastSchema::~FastSchema() = default;

std::unique_ptr<FastSchema> FastSchema::Compile(const json::value& schema) {
  std::unique_ptr<FastSchema> fast(new FastSchema());
  // The tree keeps pointers into nothing but its own nodes; the root is
  // needed only while compiling (to resolve $ref).
  fast->impl_->root = &schema;
  fast->impl_->top = fast->impl_->Compile(schema);
  fast->impl_->root = nullptr;
  return fast;
}

Verdict FastSchema::Check(const json::value& document) const {
  return impl_->CheckNode(*impl_->top, document);
}

Verdict FastSchema::SearchPattern(std::string_view pattern, std::string_view text) {
  std::optional<Regex> regex = PatternParser(pattern).Parse();
  if (!regex) return Verdict::kUnsure;
  return PatternMatcher(*regex, text).Search() ? Verdict::kValid : Verdict::kInvalid;
}

}  // namespace zf::internal

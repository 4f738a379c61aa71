#include "zf/event_json.h"

#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "io/embedded_schemas.h"
#include "util/canonical_json.h"

namespace zf {
namespace {

constexpr std::size_t kMaxInputDepth = 64;

// Walks already-parsed JSON text once more to find duplicate object keys,
// which boost::json::parse resolves silently (last wins).
class DuplicateKeyScanner {
 public:
  explicit DuplicateKeyScanner(std::string_view text) : text_(text) {}

  // Returns the pointer of the first object with a duplicate key, or nullopt.
  std::optional<std::string> Scan() {
    for (i_ = 0; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (c == '{' || c == '[') {
        frames_.push_back(Frame{c == '{', {}, 0, pending_segment_});
        pending_segment_ = c == '[' ? "0" : "";
        expect_key_ = c == '{';
      } else if (c == '}' || c == ']') {
        frames_.pop_back();
        AfterValue();
      } else if (c == '"') {
        std::string token = ReadString();
        if (!frames_.empty() && frames_.back().is_object && expect_key_) {
          auto key = boost::json::parse(token);  // the text is known-valid JSON
          std::string k(key.as_string());
          if (!frames_.back().keys.insert(k).second) return Pointer();
          pending_segment_ = k;
          expect_key_ = false;
        } else {
          AfterValue();
        }
      } else if (c == ',') {
        if (!frames_.empty() && frames_.back().is_object) expect_key_ = true;
      } else if (c != ':' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        // A scalar: skip to its end.
        while (i_ + 1 < text_.size() && std::string_view(",]} \t\n\r").find(text_[i_ + 1]) ==
                                             std::string_view::npos) {
          ++i_;
        }
        AfterValue();
      }
    }
    return std::nullopt;
  }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::size_t index;
    std::string segment;  // how the parent names this container
  };
  std::string ReadString() {
    const std::size_t start = i_;
    for (++i_; i_ < text_.size() && text_[i_] != '"'; ++i_) {
      if (text_[i_] == '\\') ++i_;
    }
    return std::string(text_.substr(start, i_ - start + 1));
  }
  void AfterValue() {
    if (!frames_.empty() && !frames_.back().is_object) {
      pending_segment_ = std::to_string(++frames_.back().index);
    }
  }
  std::string Pointer() const {
    std::string out;
    for (std::size_t f = 1; f < frames_.size(); ++f) {
      out += '/';
      for (char c : frames_[f].segment) {
        if (c == '~') {
          out += "~0";
        } else if (c == '/') {
          out += "~1";
        } else {
          out += c;
        }
      }
    }
    return out;
  }

  std::string_view text_;
  std::size_t i_ = 0;
  std::vector<Frame> frames_;
  std::string pending_segment_ = "0";
  bool expect_key_ = false;
};

// The number of object keys in `text`, valid JSON: each string followed,
// after whitespace, by ':'. No allocation, one pass.
std::size_t KeysInText(std::string_view text) {
  std::size_t keys = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (true) {
    p = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
    if (p == nullptr) return keys;
    // Skip to the closing quote; a backslash escapes the byte after it.
    for (++p; p < end && *p != '"'; ++p) {
      if (*p == '\\') ++p;
    }
    if (p >= end) return keys;
    ++p;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    if (p < end && *p == ':') ++keys;
  }
}

// The number of members of every object in `v`.
std::size_t MembersInValue(const boost::json::value& v) {
  std::size_t members = 0;
  if (const auto* o = v.if_object()) {
    members += o->size();
    for (const auto& kv : *o) members += MembersInValue(kv.value());
  } else if (const auto* a = v.if_array()) {
    for (const boost::json::value& e : *a) members += MembersInValue(e);
  }
  return members;
}

Status FieldError(std::string_view pointer, std::string_view rule) {
  return InvalidArgumentError(fmt::format("{}: {}", pointer, rule)).WithSubject(pointer);
}

// Refuses members other than `allowed`: a typo must not be silently dropped.
Status CheckKnownFields(const boost::json::object& o, std::string_view base,
                        std::initializer_list<std::string_view> allowed) {
  for (const auto& member : o) {
    bool known = false;
    for (std::string_view a : allowed) known = known || member.key() == a;
    if (!known) {
      return FieldError(fmt::format("{}/{}", base, std::string_view(member.key())),
                        "unknown field");
    }
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const boost::json::object& o, std::string_view key,
                                   std::string_view base, bool allow_empty = false) {
  const std::string pointer = fmt::format("{}/{}", base, key);
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return FieldError(pointer, "required");
  const boost::json::string* s = v->if_string();
  if (s == nullptr) return FieldError(pointer, "must be a string");
  if (s->empty() && !allow_empty) return FieldError(pointer, "must not be empty");
  return std::string(*s);
}

Result<Actor> ActorFromJson(const boost::json::value* v, std::string_view base) {
  const std::string pointer = fmt::format("{}/actor", base);
  if (v == nullptr) return FieldError(pointer, "required");
  const boost::json::object* o = v->if_object();
  if (o == nullptr) return FieldError(pointer, "must be an object {id, role, unit}");
  ZF_RETURN_IF_ERROR(CheckKnownFields(*o, pointer, {"id", "role", "unit"}));
  Actor actor;
  ZF_ASSIGN_OR_RETURN(actor.id, RequiredString(*o, "id", pointer));
  ZF_ASSIGN_OR_RETURN(actor.role, RequiredString(*o, "role", pointer, true));
  ZF_ASSIGN_OR_RETURN(actor.unit, RequiredString(*o, "unit", pointer, true));
  return actor;
}

Result<NewEvent> NewEventFromJson(const boost::json::value& v, std::string_view base) {
  const boost::json::object* o = v.if_object();
  if (o == nullptr) return FieldError(base, "must be an object");
  ZF_RETURN_IF_ERROR(
      CheckKnownFields(*o, base, {"type", "schema", "occurred_at", "actor", "data"}));
  NewEvent event;
  ZF_ASSIGN_OR_RETURN(event.type, RequiredString(*o, "type", base));
  if (const boost::json::value* schema = o->if_contains("schema")) {
    const auto* n = schema->if_int64();
    const auto* u = schema->if_uint64();
    std::uint64_t value = n ? static_cast<std::uint64_t>(*n) : (u ? *u : 0);
    if ((n == nullptr && u == nullptr) || (n && *n < 1) || value > UINT32_MAX) {
      return FieldError(fmt::format("{}/schema", base), "must be an integer >= 1");
    }
    event.schema = static_cast<std::uint32_t>(value);
  }
  ZF_ASSIGN_OR_RETURN(event.occurred_at, RequiredString(*o, "occurred_at", base));
  ZF_ASSIGN_OR_RETURN(event.actor, ActorFromJson(o->if_contains("actor"), base));
  const boost::json::value* data = o->if_contains("data");
  if (data == nullptr) return FieldError(fmt::format("{}/data", base), "required");
  event.data = *data;
  return event;
}

Result<ExpectedVersion> ExpectedFromJson(const boost::json::value* v) {
  if (v == nullptr) return ExpectedVersion::Any();
  if (const auto* s = v->if_string()) {
    if (*s == "any") return ExpectedVersion::Any();
    if (*s == "no_stream") return ExpectedVersion::NoStream();
  }
  if (const auto* n = v->if_int64(); n && *n >= 0) {
    return ExpectedVersion::Exact(static_cast<std::uint64_t>(*n));
  }
  if (const auto* u = v->if_uint64()) return ExpectedVersion::Exact(*u);
  return FieldError("/expected", "must be \"any\", \"no_stream\" or a version >= 0");
}

}  // namespace

namespace {

// Whether `text` reads as GB18030 (GBK is its two-byte part) with at least
// one multi-byte character: what Chinese Windows tools save "text" as.
bool LooksLikeGb18030(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  bool multibyte = false;
  for (std::size_t i = 0; i < n;) {
    const auto lead = [&](std::size_t k) { return k < n && p[k] >= 0x81 && p[k] <= 0xFE; };
    const auto digit = [&](std::size_t k) { return k < n && p[k] >= 0x30 && p[k] <= 0x39; };
    if (p[i] < 0x80) {
      ++i;
    } else if (lead(i) && digit(i + 1) && lead(i + 2) && digit(i + 3)) {
      i += 4;
      multibyte = true;
    } else if (lead(i) && i + 1 < n && p[i + 1] >= 0x40 && p[i + 1] <= 0xFE && p[i + 1] != 0x7F) {
      i += 2;
      multibyte = true;
    } else {
      return false;
    }
  }
  return multibyte;
}

// Why `text` cannot be JSON for its encoding, or "" when its encoding is
// not the problem. RFC 8259 §8.1: JSON exchanged between systems is UTF-8,
// without a byte-order mark.
std::string EncodingProblem(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    return "the text starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM";
  }
  const std::size_t bad = internal::FindInvalidUtf8(text);
  if (bad == internal::kValidUtf8) return "";
  std::string why = fmt::format("the text is not UTF-8 (byte 0x{:02x} at byte {})",
                                static_cast<unsigned char>(text[bad]), bad + 1);
  if (LooksLikeGb18030(text)) {
    why += "; it reads as GB18030/GBK: convert it with `iconv -f GB18030 -t UTF-8`";
  }
  return why;
}

}  // namespace

Result<boost::json::value> ParseJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxInputDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) {
    std::string why = ec.message();
    if (ec == boost::json::error::syntax) {
      const std::string encoding = EncodingProblem(text);
      why = encoding.empty() ? why + " (invalid JSON)" : encoding;
    }
    return InvalidArgumentError(fmt::format("not valid JSON: {}", why));
  }
  // boost::json keeps the last of duplicate keys, so the text has more keys
  // than the value has members exactly when some key repeats. Only then is
  // the text scanned for the first of them (the scan parses every key and
  // was more than half of ParseJson's time).
  if (KeysInText(text) == MembersInValue(value)) return value;
  if (auto pointer = DuplicateKeyScanner(text).Scan()) {
    return InvalidArgumentError(
               fmt::format("duplicate key in the object at '{}'", *pointer))
        .WithSubject(*pointer);
  }
  return value;
}

boost::json::object EventToJson(const EventRecord& e) {
  boost::json::object o;
  o["position"] = e.position;
  o["stream"] = e.stream;
  o["version"] = e.version;
  o["type"] = e.type;
  o["schema"] = e.schema;
  o["occurred_at"] = e.occurred_at;
  o["recorded_at"] = e.recorded_at;
  o["command_id"] = e.command_id;
  o["actor"] = {{"id", e.actor.id}, {"role", e.actor.role}, {"unit", e.actor.unit}};
  o["data"] = e.data;
  o["prev_hash"] = e.prev_hash;
  o["hash"] = e.hash;
  return o;
}

Result<AppendRequest> AppendRequestFromJson(const boost::json::value& json) {
  const boost::json::object* o = json.if_object();
  if (o == nullptr) return FieldError("", "an append request must be a JSON object");
  ZF_RETURN_IF_ERROR(CheckKnownFields(*o, "", {"stream", "expected", "command_id", "events"}));
  AppendRequest request;
  ZF_ASSIGN_OR_RETURN(request.stream, RequiredString(*o, "stream", ""));
  ZF_ASSIGN_OR_RETURN(request.expected, ExpectedFromJson(o->if_contains("expected")));
  ZF_ASSIGN_OR_RETURN(request.command_id, RequiredString(*o, "command_id", ""));
  const boost::json::value* events = o->if_contains("events");
  if (events == nullptr) return FieldError("/events", "required");
  const boost::json::array* list = events->if_array();
  if (list == nullptr || list->empty()) {
    return FieldError("/events", "must be a non-empty array");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    ZF_ASSIGN_OR_RETURN(NewEvent event, NewEventFromJson((*list)[i], fmt::format("/events/{}", i)));
    request.events.push_back(std::move(event));
  }
  return request;
}

boost::json::object AppendResultToJson(const AppendResult& r) {
  return {{"stream", r.stream},
          {"first_version", r.first_version},
          {"last_version", r.last_version},
          {"first_position", r.first_position},
          {"last_position", r.last_position},
          {"last_hash", r.last_hash},
          {"already_applied", r.already_applied}};
}

}  // namespace zf

namespace zf {
namespace {

std::string SchemaTitle(std::string_view folder, std::string_view type) {
  // Parsed once: the schemas are compiled in and never change.
  static const auto* titles = [] {
    auto* map = new std::map<std::string, std::string, std::less<>>();
    for (const internal::EmbeddedSchema& schema : internal::EmbeddedSchemas()) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(schema.text, ec);
      if (ec || !v.is_object()) continue;
      const boost::json::value* title = v.as_object().if_contains("title");
      if (title == nullptr || !title->is_string()) continue;
      std::string path(schema.path);
      const std::string suffix = ".schema.json";
      if (path.size() > suffix.size()) path.resize(path.size() - suffix.size());
      (*map)[path] = std::string(title->as_string());
    }
    return map;
  }();
  auto it = titles->find(fmt::format("{}/{}", folder, type));
  return it == titles->end() ? std::string() : it->second;
}

}  // namespace

std::string EventTypeTitle(std::string_view type) { return SchemaTitle("events", type); }
std::string CommandTypeTitle(std::string_view type) { return SchemaTitle("commands", type); }

}  // namespace zf

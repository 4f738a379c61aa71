#include "store/envelope.h"

#include <cstring>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "util/canonical_json.h"
#include "util/coding.h"
#include "util/hex.h"
#include "util/rfc3339.h"
#include "util/sm3.h"
#include "zf/limits.h"

namespace zf::internal {
namespace {

bool IsStreamChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return !first && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-');
}

bool IsEventType(std::string_view type) {
  bool ok = !type.empty() && type.size() <= kMaxTypeBytes && type[0] >= 'a' && type[0] <= 'z';
  for (char c : type) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  return ok;
}

// The subject of an error about event `index`; built only on failure, which
// keeps string formatting off the path of valid appends.
std::string EventField(std::size_t index, std::string_view field) {
  return fmt::format("/events/{}{}", index, field);
}

Status CheckActorField(std::string_view value, std::size_t index, std::string_view field,
                       bool required) {
  if (required && value.empty()) {
    return InvalidArgumentError("actor id is required").WithSubject(EventField(index, field));
  }
  if (Status s = CheckActorText(value); !s.ok()) {
    return s.WithSubject(EventField(index, field));
  }
  return Status::Ok();
}

// Checks one event; with `out`, keeps its canonical payload there.
Status PrepareEvent(const NewEvent& event, std::size_t index, PreparedEvent* out) {
  if (!IsEventType(event.type)) {
    return InvalidArgumentError(fmt::format(
               "event type '{}' must match [a-z][a-z0-9_]* and be at most {} bytes",
               event.type, kMaxTypeBytes))
        .WithSubject(EventField(index, "/type"));
  }
  if (event.schema == 0) {
    return InvalidArgumentError("schema version must be >= 1")
        .WithSubject(EventField(index, "/schema"));
  }
  if (auto t = ParseRfc3339(event.occurred_at); !t.ok()) {
    return InvalidArgumentError(t.status().message())
        .WithSubject(EventField(index, "/occurred_at"));
  }
  ZF_RETURN_IF_ERROR(CheckActorField(event.actor.id, index, "/actor/id", true));
  ZF_RETURN_IF_ERROR(CheckActorField(event.actor.role, index, "/actor/role", false));
  ZF_RETURN_IF_ERROR(CheckActorField(event.actor.unit, index, "/actor/unit", false));
  // A check alone (the engine's, before the request joins a group; the
  // store encodes it again) needs no text when the payload certainly
  // encodes within the limit; otherwise the encoder finds and words the
  // error.
  if (out == nullptr && EncodesWithin(event.data, kMaxDataBytes)) return Status::Ok();
  // Encoded into a reused buffer, then copied once at its final size: a
  // string grown from empty would reallocate five or six times.
  thread_local std::string scratch;
  scratch.clear();
  if (Status s = AppendCanonicalJson(event.data, &scratch); !s.ok()) {
    return Status(s.code(), s.message())
        .WithSubject(EventField(index, "/data" + std::string(s.subject())));
  }
  if (scratch.size() > kMaxDataBytes) {
    const std::size_t size = scratch.size();
    scratch = std::string();  // do not keep an oversized buffer per thread
    return InvalidArgumentError(
               fmt::format("payload is {} bytes; the limit is {}", size, kMaxDataBytes))
        .WithSubject(EventField(index, "/data"));
  }
  if (out != nullptr) {
    out->source = &event;
    out->canonical_data.assign(scratch);
  }
  return Status::Ok();
}

// Reads the next length-prefixed string / fixed integer from *in.
bool ReadStr(std::string_view* in, std::string_view* out) {
  if (in->size() < 4) return false;
  std::uint32_t n = DecodeFixed32BE(in->data());
  if (in->size() - 4 < n) return false;
  *out = in->substr(4, n);
  in->remove_prefix(4 + n);
  return true;
}
bool ReadU64(std::string_view* in, std::uint64_t* out) {
  if (in->size() < 8) return false;
  *out = DecodeFixed64BE(in->data());
  in->remove_prefix(8);
  return true;
}
bool ReadU32(std::string_view* in, std::uint32_t* out) {
  if (in->size() < 4) return false;
  *out = DecodeFixed32BE(in->data());
  in->remove_prefix(4);
  return true;
}

}  // namespace

Status ValidateStreamName(std::string_view stream) {
  bool ok = !stream.empty() && stream.size() <= kMaxStreamBytes;
  for (std::size_t i = 0; ok && i < stream.size(); ++i) ok = IsStreamChar(stream[i], i == 0);
  if (ok) return Status::Ok();
  return InvalidArgumentError(fmt::format(
             "stream '{}' must match [A-Za-z0-9][A-Za-z0-9._:/-]* and be at most {} bytes",
             stream, kMaxStreamBytes))
      .WithSubject("/stream");
}

Status ValidateCommandId(std::string_view command_id) {
  bool ok = !command_id.empty() && command_id.size() <= kMaxCommandIdBytes;
  for (unsigned char c : command_id) ok = ok && c > 0x20 && c < 0x7f;
  if (ok) return Status::Ok();
  return InvalidArgumentError(fmt::format(
             "command_id must be 1..{} printable ASCII characters without spaces",
             kMaxCommandIdBytes))
      .WithSubject("/command_id");
}

Status CheckActorText(std::string_view value) {
  if (value.size() > kMaxActorFieldBytes) {
    return InvalidArgumentError(fmt::format("longer than {} bytes", kMaxActorFieldBytes));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return InvalidArgumentError("control characters are not allowed");
  }
  return Status::Ok();
}

namespace {

// The checks of a request before its events'.
Status CheckRequestHead(const AppendRequest& request) {
  ZF_RETURN_IF_ERROR(ValidateStreamName(request.stream));
  ZF_RETURN_IF_ERROR(ValidateCommandId(request.command_id));
  if (request.events.empty()) {
    return InvalidArgumentError("an append needs at least one event").WithSubject("/events");
  }
  if (request.events.size() > kMaxEventsPerAppend) {
    return InvalidArgumentError(
               fmt::format("at most {} events per append", kMaxEventsPerAppend))
        .WithSubject("/events");
  }
  if (request.command.size() > kMaxRecordedCommandBytes) {
    return InvalidArgumentError(fmt::format("the recorded command is {} bytes; at most {}",
                                            request.command.size(), kMaxRecordedCommandBytes))
        .WithSubject("/command");
  }
  return Status::Ok();
}

}  // namespace

Status CheckRequest(const AppendRequest& request) {
  ZF_RETURN_IF_ERROR(CheckRequestHead(request));
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    ZF_RETURN_IF_ERROR(PrepareEvent(request.events[i], i, nullptr));
  }
  return Status::Ok();
}

Result<PreparedRequest> PrepareRequest(const AppendRequest& request) {
  ZF_RETURN_IF_ERROR(CheckRequestHead(request));
  PreparedRequest prepared;
  prepared.source = &request;
  prepared.events.resize(request.events.size());
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    ZF_RETURN_IF_ERROR(PrepareEvent(request.events[i], i, &prepared.events[i]));
  }
  return prepared;
}

namespace {

char* WriteStr(char* out, std::string_view s) {
  EncodeFixed32BE(out, static_cast<std::uint32_t>(s.size()));
  // An empty view may have a null data(); memcpy's arguments must not be
  // null even for zero bytes (UBSan's nonnull-attribute).
  if (!s.empty()) std::memcpy(out + 4, s.data(), s.size());
  return out + 4 + s.size();
}

char* WriteU64(char* out, std::uint64_t v) {
  EncodeFixed64BE(out, v);
  return out + 8;
}

}  // namespace

std::size_t CanonicalSize(const AppendRequest& request, const PreparedEvent& event,
                          const Stamp& stamp) {
  const NewEvent& e = *event.source;
  // Eleven length-prefixed strings (the magic first), two u64 and one u32.
  return 4 + kEventMagic.size() + 8 + 4 + request.stream.size() + 8 + 4 + e.type.size() + 4 +
         4 + e.occurred_at.size() + 4 + stamp.recorded_at.size() + 4 + request.command_id.size() + 4 +
         e.actor.id.size() + 4 + e.actor.role.size() + 4 + e.actor.unit.size() + 4 +
         event.canonical_data.size() + 4 + stamp.prev_hash_hex.size();
}

char* EncodeCanonicalTo(const AppendRequest& request, const PreparedEvent& event,
                        const Stamp& stamp, char* out) {
  const NewEvent& e = *event.source;
  out = WriteStr(out, kEventMagic);
  out = WriteU64(out, stamp.position);
  out = WriteStr(out, request.stream);
  out = WriteU64(out, stamp.version);
  out = WriteStr(out, e.type);
  EncodeFixed32BE(out, e.schema);
  out += 4;
  out = WriteStr(out, e.occurred_at);
  out = WriteStr(out, stamp.recorded_at);
  out = WriteStr(out, request.command_id);
  out = WriteStr(out, e.actor.id);
  out = WriteStr(out, e.actor.role);
  out = WriteStr(out, e.actor.unit);
  out = WriteStr(out, event.canonical_data);
  return WriteStr(out, stamp.prev_hash_hex);
}

void EncodeCanonical(const AppendRequest& request, const PreparedEvent& event,
                     const Stamp& stamp, std::string* out) {
  const std::size_t offset = out->size();
  out->resize(offset + CanonicalSize(request, event, stamp));
  EncodeCanonicalTo(request, event, stamp, out->data() + offset);
}

std::array<char, kLedgerHashInputBytes> LedgerHashInput(const Hash& previous,
                                                        std::uint64_t position,
                                                        const Hash& event_hash) {
  std::array<char, kLedgerHashInputBytes> buf;
  char* p = buf.data();
  std::memcpy(p, kLedgerMagic.data(), kLedgerMagic.size());
  p += kLedgerMagic.size();
  std::memcpy(p, previous.data(), 32);
  p += 32;
  EncodeFixed64BE(p, position);
  p += 8;
  std::memcpy(p, event_hash.data(), 32);
  return buf;
}

Hash NextLedgerHash(const Hash& previous, std::uint64_t position, const Hash& event_hash) {
  const std::array<char, kLedgerHashInputBytes> buf = LedgerHashInput(previous, position, event_hash);
  return Sm3(std::string_view(buf.data(), buf.size()));
}

Result<StoredView> SplitStored(std::string_view value) {
  if (value.size() < 64) {
    return CorruptionError(fmt::format("stored event is {} bytes, too short", value.size()));
  }
  StoredView view;
  view.canonical = value.substr(0, value.size() - 64);
  std::memcpy(view.hash.data(), value.data() + value.size() - 64, 32);
  std::memcpy(view.ledger_hash.data(), value.data() + value.size() - 32, 32);
  return view;
}

bool ParseCanonical(std::string_view in, CanonicalFields* f) {
  std::string_view magic;
  return ReadStr(&in, &magic) && magic == kEventMagic && ReadU64(&in, &f->position) &&
         ReadStr(&in, &f->stream) && ReadU64(&in, &f->version) && ReadStr(&in, &f->type) &&
         ReadU32(&in, &f->schema) && ReadStr(&in, &f->occurred_at) &&
         ReadStr(&in, &f->recorded_at) && ReadStr(&in, &f->command_id) &&
         ReadStr(&in, &f->actor_id) && ReadStr(&in, &f->actor_role) &&
         ReadStr(&in, &f->actor_unit) && ReadStr(&in, &f->data) && ReadStr(&in, &f->prev_hash) &&
         in.empty();
}

bool RecordsRequest(const CanonicalFields& stored, const AppendRequest& request,
                    const PreparedEvent& event) {
  const NewEvent& e = *event.source;
  return stored.stream == request.stream && stored.command_id == request.command_id &&
         stored.type == e.type && stored.schema == e.schema &&
         stored.occurred_at == e.occurred_at && stored.actor_id == e.actor.id &&
         stored.actor_role == e.actor.role && stored.actor_unit == e.actor.unit &&
         stored.data == event.canonical_data;
}

Status DecodeCanonical(std::string_view in, EventRecord* r, bool parse_data) {
  CanonicalFields f;
  if (!ParseCanonical(in, &f)) return CorruptionError("stored bytes are not a zf.event.v1 envelope");
  r->position = f.position;
  r->version = f.version;
  r->stream.assign(f.stream);
  r->type.assign(f.type);
  r->schema = f.schema;
  r->occurred_at.assign(f.occurred_at);
  r->recorded_at.assign(f.recorded_at);
  r->command_id.assign(f.command_id);
  r->actor.id.assign(f.actor_id);
  r->actor.role.assign(f.actor_role);
  r->actor.unit.assign(f.actor_unit);
  r->prev_hash.assign(f.prev_hash);
  if (!parse_data) {
    r->data = nullptr;
    return Status::Ok();
  }
  boost::system::error_code ec;
  r->data = boost::json::parse(f.data, ec);
  if (ec) {
    return CorruptionError(fmt::format("payload is not valid JSON: {}", ec.message()));
  }
  return Status::Ok();
}

Status DecodeStored(std::string_view value, EventRecord* record) {
  ZF_ASSIGN_OR_RETURN(StoredView view, SplitStored(value));
  ZF_RETURN_IF_ERROR(DecodeCanonical(view.canonical, record));
  record->hash = ToHex(view.hash);
  return Status::Ok();
}

std::string ToHex(const Hash& hash) { return HexEncode(hash); }

bool FromHex(std::string_view hex, Hash* out) {
  std::string bytes;
  if (hex.size() != 64 || !HexDecode(hex, &bytes)) return false;
  std::memcpy(out->data(), bytes.data(), 32);
  return true;
}

}  // namespace zf::internal

namespace zf {

static_assert(kMaxActorFieldBytes == internal::kMaxActorFieldBytes);

Status CheckActorField(std::string_view value) { return internal::CheckActorText(value); }

}  // namespace zf

#include "store/envelope.h"

#include <cstring>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "util/canonical_json.h"
#include "util/coding.h"
#include "util/hex.h"
#include "util/rfc3339.h"
#include "util/sm3.h"

namespace zf::internal {
namespace {

bool IsStreamChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return !first && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-');
}

Status ValidateEventType(std::string_view type, std::string_view field) {
  bool ok = !type.empty() && type.size() <= kMaxTypeBytes && type[0] >= 'a' && type[0] <= 'z';
  for (char c : type) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (ok) return Status::Ok();
  return InvalidArgumentError(fmt::format(
             "event type '{}' must match [a-z][a-z0-9_]* and be at most {} bytes", type,
             kMaxTypeBytes))
      .WithSubject(field);
}

// Actor fields end up in logs and tables: no control characters.
Status ValidateActorField(std::string_view value, std::string_view field, bool required) {
  if (required && value.empty()) {
    return InvalidArgumentError("actor id is required").WithSubject(field);
  }
  if (value.size() > kMaxActorFieldBytes) {
    return InvalidArgumentError(fmt::format("longer than {} bytes", kMaxActorFieldBytes))
        .WithSubject(field);
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError("control characters are not allowed").WithSubject(field);
    }
  }
  return Status::Ok();
}

Status PrepareEvent(const NewEvent& event, std::size_t index, PreparedEvent* out) {
  const std::string base = fmt::format("/events/{}", index);
  ZF_RETURN_IF_ERROR(ValidateEventType(event.type, base + "/type"));
  if (event.schema == 0) {
    return InvalidArgumentError("schema version must be >= 1").WithSubject(base + "/schema");
  }
  if (auto t = ParseRfc3339(event.occurred_at); !t.ok()) {
    return InvalidArgumentError(t.status().message()).WithSubject(base + "/occurred_at");
  }
  ZF_RETURN_IF_ERROR(ValidateActorField(event.actor.id, base + "/actor/id", true));
  ZF_RETURN_IF_ERROR(ValidateActorField(event.actor.role, base + "/actor/role", false));
  ZF_RETURN_IF_ERROR(ValidateActorField(event.actor.unit, base + "/actor/unit", false));
  out->source = &event;
  if (Status s = AppendCanonicalJson(event.data, &out->canonical_data); !s.ok()) {
    return Status(s.code(), s.message()).WithSubject(base + "/data" + std::string(s.subject()));
  }
  if (out->canonical_data.size() > kMaxDataBytes) {
    return InvalidArgumentError(fmt::format("payload is {} bytes; the limit is {}",
                                            out->canonical_data.size(), kMaxDataBytes))
        .WithSubject(base + "/data");
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

// SM3 over the request's content in the canonical style of the envelope.
Hash RequestDigest(const PreparedRequest& prepared) {
  const AppendRequest& request = *prepared.source;
  std::string buf;
  PutLengthPrefixed(&buf, "zf.command.v1");
  PutLengthPrefixed(&buf, request.stream);
  PutFixed32BE(&buf, static_cast<std::uint32_t>(prepared.events.size()));
  for (const PreparedEvent& event : prepared.events) {
    const NewEvent& e = *event.source;
    PutLengthPrefixed(&buf, e.type);
    PutFixed32BE(&buf, e.schema);
    PutLengthPrefixed(&buf, e.occurred_at);
    PutLengthPrefixed(&buf, e.actor.id);
    PutLengthPrefixed(&buf, e.actor.role);
    PutLengthPrefixed(&buf, e.actor.unit);
    PutLengthPrefixed(&buf, event.canonical_data);
  }
  return Sm3(buf);
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

Result<PreparedRequest> PrepareRequest(const AppendRequest& request) {
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
  PreparedRequest prepared;
  prepared.source = &request;
  prepared.events.resize(request.events.size());
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    ZF_RETURN_IF_ERROR(PrepareEvent(request.events[i], i, &prepared.events[i]));
  }
  prepared.digest = RequestDigest(prepared);
  return prepared;
}

void EncodeCanonical(const AppendRequest& request, const PreparedEvent& event,
                     const Stamp& stamp, std::string* out) {
  const NewEvent& e = *event.source;
  PutLengthPrefixed(out, kEventMagic);
  PutFixed64BE(out, stamp.position);
  PutLengthPrefixed(out, request.stream);
  PutFixed64BE(out, stamp.version);
  PutLengthPrefixed(out, e.type);
  PutFixed32BE(out, e.schema);
  PutLengthPrefixed(out, e.occurred_at);
  PutLengthPrefixed(out, stamp.recorded_at);
  PutLengthPrefixed(out, request.command_id);
  PutLengthPrefixed(out, e.actor.id);
  PutLengthPrefixed(out, e.actor.role);
  PutLengthPrefixed(out, e.actor.unit);
  PutLengthPrefixed(out, event.canonical_data);
  PutLengthPrefixed(out, stamp.prev_hash_hex);
}

Hash NextLedgerHash(const Hash& previous, std::uint64_t position, const Hash& event_hash) {
  char buf[kLedgerMagic.size() + 32 + 8 + 32];
  char* p = buf;
  std::memcpy(p, kLedgerMagic.data(), kLedgerMagic.size());
  p += kLedgerMagic.size();
  std::memcpy(p, previous.data(), 32);
  p += 32;
  EncodeFixed64BE(p, position);
  p += 8;
  std::memcpy(p, event_hash.data(), 32);
  return Sm3(std::string_view(buf, sizeof(buf)));
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

Status DecodeCanonical(std::string_view in, EventRecord* r, bool parse_data) {
  std::string_view magic, stream, type, occurred, recorded, command, id, role, unit, data, prev;
  std::uint32_t schema = 0;
  bool ok = ReadStr(&in, &magic) && magic == kEventMagic && ReadU64(&in, &r->position) &&
            ReadStr(&in, &stream) && ReadU64(&in, &r->version) && ReadStr(&in, &type) &&
            ReadU32(&in, &schema) && ReadStr(&in, &occurred) && ReadStr(&in, &recorded) &&
            ReadStr(&in, &command) && ReadStr(&in, &id) && ReadStr(&in, &role) &&
            ReadStr(&in, &unit) && ReadStr(&in, &data) && ReadStr(&in, &prev) && in.empty();
  if (!ok) return CorruptionError("stored bytes are not a zf.event.v1 envelope");
  r->stream.assign(stream);
  r->type.assign(type);
  r->schema = schema;
  r->occurred_at.assign(occurred);
  r->recorded_at.assign(recorded);
  r->command_id.assign(command);
  r->actor.id.assign(id);
  r->actor.role.assign(role);
  r->actor.unit.assign(unit);
  r->prev_hash.assign(prev);
  if (!parse_data) {
    r->data = nullptr;
    return Status::Ok();
  }
  boost::system::error_code ec;
  r->data = boost::json::parse(data, ec);
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

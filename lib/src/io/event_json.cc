#include "zf/event_json.h"

#include <fmt/format.h>

namespace zf {
namespace {

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

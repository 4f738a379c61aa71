// The command envelope: parsing, checking against the command's schema,
// and the JSON forms of commands and their results.
#include <map>
#include <mutex>
#include <type_traits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "domain/decider.h"
#include "io/command_json.h"
#include "io/embedded_schemas.h"
#include "io/schema_validator.h"
#include "store/envelope.h"
#include "util/canonical_json.h"
#include "util/rfc3339.h"
#include "zf/command.h"

namespace zf {
namespace internal {
namespace {

Status FieldError(std::string_view pointer, std::string_view rule) {
  return InvalidArgumentError(fmt::format("{}: {}", pointer, rule)).WithSubject(pointer);
}

// Validators for every embedded schema, built once (valijson parses each
// schema into an immutable tree that concurrent Validate calls only read).
const SchemaValidator* ValidatorFor(std::string_view path) {
  static const auto* const kValidators = [] {
    auto* map = new std::map<std::string, std::unique_ptr<SchemaValidator>, std::less<>>();
    for (const EmbeddedSchema& schema : EmbeddedSchemas()) {
      boost::system::error_code ec;
      boost::json::value json = boost::json::parse(schema.text, ec);
      if (ec) continue;  // a broken schema fails the schema tests, not here
      auto validator = SchemaValidator::FromJson(json);
      if (validator.ok()) (*map)[std::string(schema.path)] = std::move(*validator);
    }
    return map;
  }();
  auto it = kValidators->find(path);
  return it == kValidators->end() ? nullptr : it->second.get();
}

// The pointers of the errors below are made only for an error: every
// imported command is checked twice (the reader, the engine).
Result<std::string> RequiredString(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return FieldError(fmt::format("/{}", key), "required");
  const boost::json::string* s = v->if_string();
  if (s == nullptr) return FieldError(fmt::format("/{}", key), "must be a string");
  return std::string(*s);
}

// `field`: the envelope member that holds the id (its pointer is "/field").
Status ValidateTargetId(std::string_view id, std::string_view field) {
  bool ok = !id.empty() && id.size() <= 100;
  for (std::size_t i = 0; ok && i < id.size(); ++i) {
    const char c = id[i];
    ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (i > 0 && (c == '-' || c == '_' || c == '.'));
  }
  return ok ? Status::Ok()
            : FieldError(fmt::format("/{}", field),
                         "must match [A-Za-z0-9][A-Za-z0-9._-]* and be at most 100 bytes");
}

Result<Actor> ParseActor(const boost::json::object& o) {
  const boost::json::value* v = o.if_contains("actor");
  if (v == nullptr) return FieldError("/actor", "required");
  const boost::json::object* actor = v->if_object();
  if (actor == nullptr) return FieldError("/actor", "must be an object {id, role, unit}");
  for (const auto& member : *actor) {
    if (member.key() != "id" && member.key() != "role" && member.key() != "unit") {
      return FieldError(fmt::format("/actor/{}", std::string_view(member.key())), "unknown field");
    }
  }
  Actor out;
  for (auto [key, field] : {std::pair{"id", &out.id}, {"role", &out.role}, {"unit", &out.unit}}) {
    const boost::json::value* f = actor->if_contains(key);
    if (f == nullptr || !f->is_string() || f->as_string().empty()) {
      return FieldError(fmt::format("/actor/{}", key), "required non-empty string");
    }
    *field = f->as_string();
  }
  return out;
}

// The store's rules for the actor fields its events carry (each event of a
// command carries the command's actor), checked here so that the store
// never refuses a command's append for them.
Status CheckActor(const Actor& actor) {
  if (actor.id.empty()) return FieldError("/actor/id", "required non-empty string");
  for (auto [key, field] : {std::pair{"id", &actor.id}, {"role", &actor.role},
                            {"unit", &actor.unit}}) {
    if (Status s = CheckActorText(*field); !s.ok()) {
      return FieldError(fmt::format("/actor/{}", key), s.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckSchemas() {
  for (const EmbeddedSchema& schema : EmbeddedSchemas()) {
    boost::system::error_code ec;
    boost::json::value json = boost::json::parse(schema.text, ec);
    if (ec) {
      return InvalidArgumentError(fmt::format("{}: not valid JSON: {}", schema.path, ec.message()))
          .WithSubject(schema.path);
    }
    auto validator = SchemaValidator::FromJson(json);
    if (!validator.ok()) {
      return InvalidArgumentError(fmt::format("{}: {}", schema.path, validator.status().message()))
          .WithSubject(schema.path);
    }
  }
  for (const CommandSpec& spec : AllCommandSpecs()) {
    const std::string path = fmt::format("commands/{}.schema.json", spec.type);
    if (ValidatorFor(path) == nullptr) {
      return NotFoundError(fmt::format("command {} has no schema {}", spec.type, path))
          .WithSubject(path);
    }
  }
  return Status::Ok();
}

Status CheckCommand(const Command& command) {
  const CommandSpec* spec = FindCommandSpec(command.type);
  if (spec == nullptr) {
    return NotFoundError(fmt::format("/command: unknown command type '{}'", command.type))
        .WithSubject("/command");
  }
  if (Status s = ValidateCommandId(command.command_id); !s.ok()) {
    return FieldError("/command_id", s.message());
  }
  if (auto at = ParseRfc3339(command.at); !at.ok()) return FieldError("/at", at.status().message());
  if (!spec->target_field.empty()) {
    ZF_RETURN_IF_ERROR(ValidateTargetId(command.target, spec->target_field));
  } else if (!command.target.empty()) {
    return FieldError("/target", fmt::format("{} takes no target id", command.type));
  }
  ZF_RETURN_IF_ERROR(CheckActor(command.actor));
  if (!command.data.is_object()) return FieldError("/data", "must be an object");
  std::string schema = "commands/";  // (concatenated: this runs for every command)
  schema.append(command.type).append(".schema.json");
  const SchemaValidator* validator = ValidatorFor(schema);
  if (validator == nullptr) return InternalError(fmt::format("no schema {}", schema));
  if (Status s = validator->Validate(command.data); !s.ok()) {
    const std::string pointer = fmt::format("/data{}", s.subject());
    return InvalidArgumentError(fmt::format("/data{}", s.message())).WithSubject(pointer);
  }
  return Status::Ok();
}

}  // namespace internal

std::string_view OutcomeName(CommandResult::Outcome outcome) {
  switch (outcome) {
    case CommandResult::Outcome::kApplied: return "applied";
    case CommandResult::Outcome::kAlreadyApplied: return "already_applied";
    case CommandResult::Outcome::kRejected: return "rejected";
  }
  return "unknown";
}

namespace {

// Both forms of CommandFromJson: `data` is moved out of a non-const `json`.
template <typename Json>
Result<Command> CommandFromEnvelope(Json& json) {
  using internal::FieldError;
  auto* o = json.if_object();
  if (o == nullptr) return FieldError("", "a command must be a JSON object");
  Command command;
  ZF_ASSIGN_OR_RETURN(command.type, internal::RequiredString(*o, "command"));
  const internal::CommandSpec* spec = internal::FindCommandSpec(command.type);
  if (spec == nullptr) {
    return NotFoundError(fmt::format("/command: unknown command type '{}'", command.type))
        .WithSubject("/command");
  }
  for (const auto& member : *o) {
    const std::string_view key = member.key();
    if (key != "command" && key != "command_id" && key != "at" && key != "actor" &&
        key != "data" && (spec->target_field.empty() || key != spec->target_field)) {
      return FieldError(fmt::format("/{}", key), "unknown field");
    }
  }
  ZF_ASSIGN_OR_RETURN(command.command_id, internal::RequiredString(*o, "command_id"));
  ZF_ASSIGN_OR_RETURN(command.at, internal::RequiredString(*o, "at"));
  ZF_ASSIGN_OR_RETURN(command.actor, internal::ParseActor(*o));
  if (!spec->target_field.empty()) {
    ZF_ASSIGN_OR_RETURN(command.target, internal::RequiredString(*o, spec->target_field));
  }
  auto* data = o->if_contains("data");
  if (data == nullptr) return FieldError("/data", "required");
  if constexpr (std::is_const_v<Json>) {
    command.data = *data;
  } else {
    command.data = std::move(*data);
  }
  ZF_RETURN_IF_ERROR(internal::CheckCommand(command));
  return command;
}

}  // namespace

Result<Command> CommandFromJson(const boost::json::value& json) {
  return CommandFromEnvelope(json);
}

Result<Command> CommandFromJson(boost::json::value&& json) { return CommandFromEnvelope(json); }

boost::json::object CommandToJson(const Command& command) {
  boost::json::object o;
  o["command"] = command.type;
  o["command_id"] = command.command_id;
  o["at"] = command.at;
  o["actor"] = {{"id", command.actor.id}, {"role", command.actor.role}, {"unit", command.actor.unit}};
  if (const auto* spec = internal::FindCommandSpec(command.type); spec && !spec->target_field.empty()) {
    o[spec->target_field] = command.target;
  }
  o["data"] = command.data;
  return o;
}

namespace internal {

Status RecordCommand(const Command& command, std::string* text) {
  const boost::json::value json = CommandToJson(command);
  text->clear();
  Status canonical = AppendCanonicalJson(json, text);
  if (!canonical.ok()) {
    // Plain serialisation keeps a refused command comparable with a repeat
    // of it (JudgeInGroup compares recorded texts).
    *text = boost::json::serialize(json);
    // The subject points into CommandToJson's object, which has the
    // command's own layout ("/data/facts/...").
    return FieldError(canonical.subject(), canonical.message());
  }
  if (text->size() > kMaxRecordedCommandBytes) {
    return FieldError("/data", fmt::format("the recorded command is {} bytes; at most {}",
                                           text->size(), kMaxRecordedCommandBytes));
  }
  return Status::Ok();
}

std::string RecordedCommandText(const Command& command) {
  std::string text;
  RecordCommand(command, &text).IgnoreError();  // the text is made either way
  return text;
}

}  // namespace internal

boost::json::object CommandResultToJson(const CommandResult& r) {
  boost::json::object o{{"outcome", OutcomeName(r.outcome)}, {"stream", r.stream}};
  if (r.outcome != CommandResult::Outcome::kRejected) {
    o["first_position"] = r.append.first_position;
    o["last_position"] = r.append.last_position;
    o["last_version"] = r.append.last_version;
    boost::json::array types;
    for (const auto& t : r.event_types) types.emplace_back(t);
    o["events"] = std::move(types);
  }
  if (r.rejection) {
    o["code"] = r.rejection->code;
    o["message"] = r.rejection->message;
    o["legal_basis"] = r.rejection->legal_basis;
    o["pointer"] = r.rejection->pointer;
  }
  return o;
}

}  // namespace zf

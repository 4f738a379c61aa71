// The command decoder and validator: JSON text -> zf::ParseJson ->
// zf::CommandFromJson (envelope fields, command type, target id, `data`
// against the command's JSON Schema). Oracle: a refusal has one of the
// documented codes; an accepted command is recorded (RecordCommand: the
// store's limits) or refused with kInvalidArgument, passes CheckCommand,
// and its envelope form (CommandToJson) decodes to the same command.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fuzz_support.h"
#include "io/command_json.h"
#include "util/canonical_json.h"
#include "zf/command.h"
#include "zf/event_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using zf::StatusCode;
  using zf::fuzz::Check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = zf::ParseJson(text);
  if (!json.ok()) {
    Check(json.status().code() == StatusCode::kInvalidArgument, "JSON refusal is invalid_argument");
    return 0;
  }
  auto command = zf::CommandFromJson(*json);
  if (!command.ok()) {
    const StatusCode code = command.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound,
          "command refusal is invalid_argument or not_found");
    return 0;
  }
  Check(zf::internal::CheckCommand(*command).ok(), "a decoded command passes CheckCommand");

  std::string recorded;
  const zf::Status kept = zf::internal::RecordCommand(*command, &recorded);
  Check(kept.ok() || kept.code() == StatusCode::kInvalidArgument,
        "RecordCommand refuses with invalid_argument only");
  if (kept.ok()) {
    // What an auditor reads back from the store decides the same command.
    auto stored = zf::ParseJson(recorded);
    Check(stored.ok(), "the recorded command is JSON");
    auto decided = zf::CommandFromJson(*stored);
    Check(decided.ok(), "the recorded command decodes");
    Check(decided->type == command->type && decided->command_id == command->command_id &&
              decided->at == command->at && decided->target == command->target &&
              decided->actor.id == command->actor.id &&
              decided->actor.role == command->actor.role &&
              decided->actor.unit == command->actor.unit,
          "the recorded command has the same envelope");
    Check(zf::internal::SameCanonicalJson(decided->data, command->data) ||
              zf::internal::RecordedCommandText(*decided) == recorded,
          "the recorded command has the same data");
  }

  auto round = zf::CommandFromJson(boost::json::value(zf::CommandToJson(*command)));
  Check(round.ok(), "CommandToJson decodes again");
  Check(round->type == command->type && round->target == command->target &&
            round->data == command->data,
        "CommandToJson round trip");
  return 0;
}

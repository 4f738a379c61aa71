// Internal access to the command checks of zf/command.h.
#pragma once

#include "zf/command.h"

namespace zf::internal {

// Checks a Command built in code exactly as CommandFromJson checks parsed
// JSON: known type, command id, `at`, target id, data against its schema.
Status CheckCommand(const Command& command);

// Every embedded schema parses and compiles, and every command type has a
// command schema. The first problem, naming the schema.
Status CheckSchemas();

// The command as the engine records it beside its events
// (AppendRequest::command): the canonical JSON of CommandToJson, so equal
// commands have equal bytes and an auditor can parse it with
// CommandFromJson and decide it again.
std::string RecordedCommandText(const Command& command);

// RecordedCommandText into *text, and whether the store can keep it: OK, or
// kInvalidArgument naming the field when the command holds what canonical
// JSON refuses (a float, invalid UTF-8, nesting deeper than
// kMaxCanonicalJsonDepth) or its text is over kMaxRecordedCommandBytes.
// *text is set either way. REQUIRES: text != nullptr.
Status RecordCommand(const Command& command, std::string* text);

}  // namespace zf::internal

// zf/command.h — commands in, rejections out.
//
// A command asks zf to record an enforcement action. Its JSON envelope:
//
//   {"command": "publish_holiday_calendar",      // the command type
//    "command_id": "cal-2023",                   // idempotency key
//    "at": "2022-12-08T10:00:00+08:00",          // business time, RFC 3339 + offset
//    "actor": {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"},
//    "case_id": "SX-2023-000452",                // the target id, when the command
//                                                //   type names one (see docs/commands.md)
//    "data": {...}}                              // valid against
//                                                //   schemas/commands/<type>.schema.json
//
// A command is either applied (its events are appended), already applied
// (its command_id was seen with the same content), or rejected by a rule —
// a value with a stable code, the legal basis and the offending field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "zf/event.h"
#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/result.h"

namespace zf {

struct Command {
  std::string type;        // snake_case imperative: "register_township"
  std::string command_id;  // idempotency key (printable ASCII, 1..128)
  std::string at;          // business time, RFC 3339 with an offset
  Actor actor;
  // The id of the aggregate the command acts on ("SX-2023-000452"), from
  // the envelope field the command type names; empty for commands on a
  // singleton stream such as "rules/calendar".
  std::string target;
  boost::json::value data;  // a JSON object
};

// Why a lawful-looking command was refused.
struct Rejection {
  std::string code;         // stable snake_case: "subject_not_competent"
  std::string message;      // for people, in English, naming the case's particulars
  // The decider's note of the provision, in English ("APL art. 38"); may be
  // more specific than the code's row in the table of legal sources, which
  // is what people are shown (zf/legal_sources.h: RejectionCitation).
  std::string legal_basis;
  std::string pointer;      // JSON pointer of the offending field, or ""
  // The message in Chinese with the case's particulars, for the codes whose
  // particulars a reader needs (leniency_not_applicable: which entry and
  // why); "" shows the code's rule from the table of legal sources
  // (zf/legal_sources.h: RejectionMessage).
  std::string message_zh = {};  // (a default: the deciders name four members)

  friend bool operator==(const Rejection&, const Rejection&) = default;
};

struct CommandResult {
  enum class Outcome { kApplied, kAlreadyApplied, kRejected };
  Outcome outcome = Outcome::kRejected;
  std::string stream;            // the stream the command targets
  AppendResult append;           // kApplied / kAlreadyApplied
  std::vector<std::string> event_types;  // kApplied: the events appended
  std::optional<Rejection> rejection;    // kRejected
};

ZF_EXPORT std::string_view OutcomeName(CommandResult::Outcome outcome);

// Parses and checks a command envelope: the envelope fields, the command
// type, the target id, and `data` against the command's JSON Schema.
// kInvalidArgument names the field as a JSON pointer ("/data/year") and the
// rule; kNotFound for an unknown command type (subject "/command").
ZF_EXPORT Result<Command> CommandFromJson(const boost::json::value& json);
// The same, taking the command's "data" out of `json` instead of copying
// it (a deep copy of every member otherwise): for readers of many commands
// (an import, the audit). `json` is left valid but unspecified.
ZF_EXPORT Result<Command> CommandFromJson(boost::json::value&& json);

// The envelope form of `command` (inverse of CommandFromJson).
ZF_EXPORT boost::json::object CommandToJson(const Command& command);

ZF_EXPORT boost::json::object CommandResultToJson(const CommandResult& result);

}  // namespace zf

// zf/event_json.h — JSON forms of events and append requests, as used by
// `zfcli export`, `zfcli store append` and (later) the HTTP API.
//
// Event (one line of an export):
//   {"position":1,"stream":"org","version":1,"type":"district_registered",
//    "schema":1,"occurred_at":"2023-01-01T09:00:00+08:00",
//    "recorded_at":"2026-11-26T17:00:00.000000Z","command_id":"org-0001",
//    "actor":{"id":"admin","role":"list_admin","unit":"sx-justice"},
//    "data":{...},"prev_hash":"","hash":"66c7…"}
//
// Append request (one line of `zfcli store append`):
//   {"stream":"org","expected":"any"|"no_stream"|<version>,
//    "command_id":"org-0001","events":[{"type":…,"schema":1,
//    "occurred_at":…,"actor":{…},"data":{…}}]}
//   "expected" defaults to "any"; "schema" to 1. Unknown fields are refused.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "zf/event.h"
#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/result.h"

namespace zf {

// Parses JSON text strictly, for input from outside (JSONL lines, HTTP
// bodies): duplicate object keys are refused (RFC 8259 leaves them
// undefined; zf must not silently keep one), invalid UTF-8 is refused, and
// nesting may be 64 deep (event data itself is limited to 32).
// kInvalidArgument names the problem; for a duplicate key the subject is
// the JSON pointer of the object holding it.
ZF_EXPORT Result<boost::json::value> ParseJson(std::string_view text);

// The envelope as a JSON object, fields in envelope order.
ZF_EXPORT boost::json::object EventToJson(const EventRecord& event);

// Parses an append request. kInvalidArgument names the offending field as a
// JSON pointer in the status subject (e.g. "/events/0/occurred_at").
ZF_EXPORT Result<AppendRequest> AppendRequestFromJson(const boost::json::value& json);

ZF_EXPORT boost::json::object AppendResultToJson(const AppendResult& result);

// The Chinese title of an event or command type, from its JSON Schema
// (schemas/events/<type>.schema.json, schemas/commands/<type>.schema.json):
// "已立案" for "case_filed". "" for a type without a schema.
ZF_EXPORT std::string EventTypeTitle(std::string_view type);
ZF_EXPORT std::string CommandTypeTitle(std::string_view type);

}  // namespace zf

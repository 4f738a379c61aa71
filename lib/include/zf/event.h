// zf/event.h — the persisted event envelope and the values used to append.
//
// An event is immutable once appended. Its envelope (position, stream,
// version, type, schema, occurred_at, recorded_at, command_id, actor, data,
// prev_hash, hash) is documented byte for byte in docs/event-format.md; the
// hash is SM3 over the canonical encoding of every other field.
//
// Event payloads are boost::json values: the one third-party type that
// appears in zf's public headers, because payloads are JSON documents
// validated against schemas/events/<type>.schema.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace zf {

// Who issued the command that produced an event.
struct Actor {
  std::string id;    // officer or system id; required
  std::string role;  // glossary role id, e.g. "enforcement_officer"
  std::string unit;  // agency or township id the actor acts for

  friend bool operator==(const Actor&, const Actor&) = default;
};

// An event to append. The store assigns position, version, recorded_at and
// the hashes.
struct NewEvent {
  std::string type;  // past tense glossary id: "case_filed"; [a-z][a-z0-9_]*
  std::uint32_t schema = 1;  // payload schema version, >= 1
  std::string occurred_at;   // business time, RFC 3339 with an offset
  Actor actor;
  // The payload. Integers, strings, booleans, null, arrays and objects only:
  // floating-point numbers are refused (money is int64 fen), so that the
  // canonical encoding is exact.
  boost::json::value data;
};

// An event as stored. All fields are set by the store on append.
struct EventRecord {
  std::uint64_t position = 0;  // global, dense, from 1, in commit order
  std::string stream;
  std::uint64_t version = 0;  // per stream, dense, from 1
  std::string type;
  std::uint32_t schema = 1;
  std::string occurred_at;
  std::string recorded_at;  // system time of the append, RFC 3339 UTC
  std::string command_id;
  Actor actor;
  boost::json::value data;
  std::string prev_hash;  // hex; "" for version 1
  std::string hash;       // hex SM3 of the canonical encoding

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

}  // namespace zf

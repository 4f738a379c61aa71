// Keys and small values of the RocksDB layout (docs/event-format.md, "Key
// layout"). The memory store keeps the same records decoded.
//
//   events    be64(position)                 -> stored envelope (envelope.h)
//   streams   stream ‖ 0x00 ‖ be64(version)  -> be64(position)
//   commands  command_id                     -> be64(first_pos) ‖ be64(last_pos) ‖
//                                               be64(first_ver) ‖ be64(last_ver) ‖
//                                               hash32 ‖ stream
//   meta      "format_version"               -> "2"
//             "ledger_head"                  -> be64(position) ‖ ledger hash32
//             "checkpoint/" ‖ be64(position) -> the checkpoint's JSON line
//                                               (zf/checkpoint.h; not hashed)
//
// A stream's head is its last index entry and the event that entry names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/envelope.h"
#include "zf/event_store.h"

namespace zf::internal {

inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr std::string_view kFormatVersion = "2";
inline constexpr std::string_view kLedgerHeadKey = "ledger_head";
inline constexpr std::string_view kCheckpointKeyPrefix = "checkpoint/";

// "checkpoint/" ‖ be64(position): checkpoints sort by position.
std::string CheckpointKey(std::uint64_t position);

// The writer's view of a stream head: the hash kept raw.
struct HeadState {
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  Hash hash{};
};

struct LedgerState {
  std::uint64_t position = 0;
  Hash hash{};
};

std::string PositionKey(std::uint64_t position);
// REQUIRES: key.size() == 8.
std::uint64_t DecodePositionKey(std::string_view key);

std::string StreamIndexKey(std::string_view stream, std::uint64_t version);
// Replaces *key with StreamIndexKey(stream, version), reusing its buffer.
void SetStreamIndexKey(std::string_view stream, std::uint64_t version, std::string* key);
// The prefix all index keys of `stream` share.
std::string StreamIndexPrefix(std::string_view stream);
// Splits an index key; false when malformed.
bool DecodeStreamIndexKey(std::string_view key, std::string_view* stream,
                          std::uint64_t* version);

// What the store remembers of an applied command. A retry is checked
// against the stored events themselves (append_planner.cc).
struct CommandRecord {
  std::string stream;
  std::uint64_t first_version = 0;
  std::uint64_t last_version = 0;
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  Hash last_hash{};
  std::string command;  // AppendRequest::command; empty when none
};
AppendResult ToAppendResult(const CommandRecord& record);

// Replaces *value with the encoded record, reusing its buffer. The
// recorded command, when there is one, follows the stream name after a
// 0x00 byte (stream names never contain one), so records written before
// commands were recorded decode unchanged.
void SetCommandValue(std::uint64_t first_position, std::uint64_t last_position,
                     std::uint64_t first_version, std::uint64_t last_version,
                     const Hash& last_hash, std::string_view stream, std::string_view command,
                     std::string* value);
std::string EncodeCommand(const CommandRecord& record);
bool DecodeCommand(std::string_view value, CommandRecord* record);

std::string EncodeLedger(const LedgerState& ledger);
bool DecodeLedger(std::string_view value, LedgerState* ledger);

StreamHead ToPublicHead(const HeadState& head);
LedgerHead ToPublicLedger(const LedgerState& ledger);

}  // namespace zf::internal

// The persisted event envelope: validation, canonical encoding, hashing and
// the stored value layout. docs/event-format.md is the normative description;
// keep the two in step.
//
// Stored value of one event (events column family, key = be64 position):
//
//   canonical bytes ‖ hash (32 raw bytes) ‖ ledger hash (32 raw bytes)
//
// where hash = SM3(canonical bytes) and
//   canonical = str("zf.event.v1") ‖ u64(position) ‖ str(stream) ‖
//               u64(version) ‖ str(type) ‖ u32(schema) ‖ str(occurred_at) ‖
//               str(recorded_at) ‖ str(command_id) ‖ str(actor.id) ‖
//               str(actor.role) ‖ str(actor.unit) ‖ str(canonical_json(data)) ‖
//               str(prev_hash hex)
//   u64/u32 = big-endian fixed width; str(s) = u32 length ‖ bytes.
// ledger(0) = 32 zero bytes;
// ledger(p) = SM3("zf.ledger.v1" ‖ ledger(p-1) ‖ u64(p) ‖ hash(p)).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "zf/event.h"
#include "zf/event_store.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

using Hash = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kEventMagic = "zf.event.v1";
inline constexpr std::string_view kLedgerMagic = "zf.ledger.v1";
// The store's limits. They are also the limits of a command: the engine
// checks a command's envelope and the appends it decides against them, with
// the functions below, before the command joins a group write (so a refusal
// here never fails another caller's command). Keep every limit the store
// enforces here or in what this header includes (kMaxRecordedCommandBytes
// in zf/event_store.h, kMaxCanonicalJsonDepth in util/canonical_json.h).
inline constexpr std::size_t kMaxStreamBytes = 200;
inline constexpr std::size_t kMaxCommandIdBytes = 128;
inline constexpr std::size_t kMaxTypeBytes = 64;
inline constexpr std::size_t kMaxActorFieldBytes = 128;
inline constexpr std::size_t kMaxEventsPerAppend = 10000;
inline constexpr std::size_t kMaxDataBytes = 1 << 20;

// Rule checks on the parts of an append. Each error names the field in the
// status subject as a JSON pointer into the request ("/events/2/type").
Status ValidateStreamName(std::string_view stream);
Status ValidateCommandId(std::string_view command_id);
// An actor's id, role or unit: at most kMaxActorFieldBytes, no control
// characters (they end up in logs and tables). kInvalidArgument stating the
// rule, without a subject (the caller names the field).
Status CheckActorText(std::string_view value);

// An event checked and with its payload already in canonical JSON, so the
// single writer only has to stamp, hash and chain it.
struct PreparedEvent {
  const NewEvent* source = nullptr;
  std::string canonical_data;
};
struct PreparedRequest {
  const AppendRequest* source = nullptr;
  std::vector<PreparedEvent> events;
};

// Validates `request` and canonicalises its payloads. Errors are
// kInvalidArgument with the offending field as subject.
Result<PreparedRequest> PrepareRequest(const AppendRequest& request);
// PrepareRequest's checks without keeping the canonical payloads: the same
// status PrepareRequest(request) has (OK or its error).
Status CheckRequest(const AppendRequest& request);

// The fields the writer assigns.
struct Stamp {
  std::uint64_t position;
  std::uint64_t version;
  std::string_view recorded_at;
  std::string_view prev_hash_hex;
};

// Appends the canonical encoding of one event to *out.
void EncodeCanonical(const AppendRequest& request, const PreparedEvent& event,
                     const Stamp& stamp, std::string* out);

// The size of the canonical encoding of one event; of the stamp only the
// sizes of recorded_at and prev_hash_hex matter.
std::size_t CanonicalSize(const AppendRequest& request, const PreparedEvent& event,
                          const Stamp& stamp);
// Writes the same bytes as EncodeCanonical at `out`, which has room for
// CanonicalSize(request, event, stamp) bytes; returns
// the end of what it wrote. Lets planning lay out a group's values first and
// encode them later, on several threads, each into its own slot.
char* EncodeCanonicalTo(const AppendRequest& request, const PreparedEvent& event,
                        const Stamp& stamp, char* out);

// Computes the ledger hash that follows `previous` once `event_hash` sits at
// `position`: the SM3 of LedgerHashInput().
Hash NextLedgerHash(const Hash& previous, std::uint64_t position, const Hash& event_hash);
// The bytes NextLedgerHash hashes, for a caller that hashes many at once
// (Sm3Many): kLedgerMagic, previous, position (8 bytes big-endian), event
// hash.
inline constexpr std::size_t kLedgerHashInputBytes = kLedgerMagic.size() + 32 + 8 + 32;
std::array<char, kLedgerHashInputBytes> LedgerHashInput(const Hash& previous,
                                                        std::uint64_t position,
                                                        const Hash& event_hash);

// A stored value split into its parts, without decoding the payload.
struct StoredView {
  std::string_view canonical;  // the hashed bytes
  Hash hash;
  Hash ledger_hash;
};
// kCorruption when the value is too short to hold the two hashes.
Result<StoredView> SplitStored(std::string_view value);

// The fields of a canonical encoding, as views into it.
struct CanonicalFields {
  std::uint64_t position = 0;
  std::string_view stream;
  std::uint64_t version = 0;
  std::string_view type;
  std::uint32_t schema = 0;
  std::string_view occurred_at;
  std::string_view recorded_at;
  std::string_view command_id;
  std::string_view actor_id;
  std::string_view actor_role;
  std::string_view actor_unit;
  std::string_view data;  // canonical JSON
  std::string_view prev_hash;
};
// False when `canonical` is not a zf.event.v1 envelope.
bool ParseCanonical(std::string_view canonical, CanonicalFields* fields);

// Whether a stored event records what `event` of `request` asks for: the
// fields a retry of the same command repeats (stream, command id, type,
// schema, occurred_at, actor, payload), not the ones the writer assigned.
bool RecordsRequest(const CanonicalFields& stored, const AppendRequest& request,
                    const PreparedEvent& event);

// Decodes the canonical bytes into *record, parsing the payload JSON unless
// `parse_data` is false (then record->data is left null).
// kCorruption with a reason when the bytes are not a valid envelope.
Status DecodeCanonical(std::string_view canonical, EventRecord* record,
                       bool parse_data = true);
// Decodes a whole stored value; record->hash is taken from the stored hash.
Status DecodeStored(std::string_view value, EventRecord* record);

std::string ToHex(const Hash& hash);
bool FromHex(std::string_view hex, Hash* out);
inline Hash ZeroHash() { return Hash{}; }

}  // namespace zf::internal

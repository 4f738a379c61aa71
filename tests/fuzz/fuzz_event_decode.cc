// The event decoder: a stored value (canonical envelope bytes ‖ hash ‖
// ledger hash, store/envelope.h) -> DecodeStored. Oracle: a refusal is
// kCorruption; ParseCanonical agrees with DecodeCanonical; a decoded event
// whose payload is already canonical JSON and whose fields pass the append
// checks encodes back (EncodeCanonical, EncodeCanonicalTo, CanonicalSize)
// to exactly the stored canonical bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "store/envelope.h"
#include "util/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zf::internal;
  using zf::fuzz::Check;
  const std::string_view value(reinterpret_cast<const char*>(data), size);

  zf::EventRecord record;
  const zf::Status decoded = DecodeStored(value, &record);
  auto view = SplitStored(value);
  CanonicalFields fields;
  const bool parsed = view.ok() && ParseCanonical(view->canonical, &fields);
  if (!decoded.ok()) {
    Check(decoded.code() == zf::StatusCode::kCorruption, "refusal is corruption");
    return 0;
  }
  Check(parsed, "DecodeStored implies ParseCanonical");
  Check(record.position == fields.position && record.version == fields.version &&
            record.stream == fields.stream && record.type == fields.type &&
            record.schema == fields.schema && record.prev_hash == fields.prev_hash,
        "DecodeCanonical and ParseCanonical agree");
  Check(record.hash == ToHex(view->hash), "the stored hash is kept");

  // Encode the event again, as the writer would have.
  std::string canonical_data;
  if (!AppendCanonicalJson(record.data, &canonical_data).ok()) return 0;
  if (canonical_data != fields.data) return 0;  // stored payload not canonical
  zf::AppendRequest request;
  request.stream = record.stream;
  request.command_id = record.command_id;
  request.events.push_back(zf::NewEvent{record.type, record.schema, record.occurred_at,
                                        record.actor, record.data});
  if (!CheckRequest(request).ok()) return 0;
  PreparedEvent prepared{&request.events[0], canonical_data};
  const Stamp stamp{record.position, record.version, record.recorded_at, record.prev_hash};
  std::string again;
  EncodeCanonical(request, prepared, stamp, &again);
  Check(again == view->canonical, "a decoded event encodes to its stored bytes");
  Check(CanonicalSize(request, prepared, stamp) == again.size(), "CanonicalSize");
  std::string slot(again.size(), '\0');
  char* end = EncodeCanonicalTo(request, prepared, stamp, slot.data());
  Check(end == slot.data() + slot.size() && slot == again, "EncodeCanonicalTo");
  return 0;
}

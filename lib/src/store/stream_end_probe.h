// store/stream_end_probe.h — a stream's last version and position, without
// its event.
//
// A projection rebuild asks, once for each aggregate, where its stream ends
// (to know which event is its last). EventStore::Head answers with the
// event's hash too, so it reads and parses the event: a quarter of the
// rebuild's reading thread, the pass's critical path, and at 10^7 events
// 85 s of rebuild against 62 s (docs/performance.md).
// A store whose stream index holds the last version and position
// implements StreamEndProbe; every other store is asked for its Head.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "zf/event_store.h"
#include "zf/result.h"

namespace zf::internal {

struct StreamEnd {
  std::uint64_t version = 0;
  std::uint64_t position = 0;
};

// Looks stream ends up one after another, on one thread at a time. It may
// read the store as it was when it was made, or when it was first asked
// (a snapshot): a caller that reads the log up to a position fixed before
// that sees every stream end at or below it.
class StreamEndReader {
 public:
  virtual ~StreamEndReader() = default;
  // nullopt: the stream has no events.
  virtual Result<std::optional<StreamEnd>> Find(std::string_view stream) = 0;
};

class StreamEndProbe {
 public:
  virtual ~StreamEndProbe() = default;
  virtual std::unique_ptr<StreamEndReader> NewStreamEndReader() const = 0;
};

// The store's own reader, or one that asks EventStore::Head. `store` must
// outlive it.
std::unique_ptr<StreamEndReader> NewStreamEndReader(const EventStore& store);
// One that asks EventStore::Head.
std::unique_ptr<StreamEndReader> NewHeadEndReader(const EventStore& store);

}  // namespace zf::internal

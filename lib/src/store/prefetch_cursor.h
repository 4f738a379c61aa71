// A cursor that reads (and decodes) its source on a thread of its own, a few
// batches ahead of the caller: a pass over the log that folds on one core
// gets the decoding done on the other. The source is used by that thread
// only, and closed before the PrefetchCursor is gone.
//
// The reader thread can also do per-event work the caller would otherwise
// do on its critical path: `mark` is called there for every event in log
// order, and its result is read back beside the event (mark()). Batches the
// caller has finished with are freed on the reader thread too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "zf/event_store.h"

namespace zf::internal {

// `batch` events per hand-over, at most `batches` ready ahead of the caller.
std::unique_ptr<EventCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                            std::size_t batch = 512, std::size_t batches = 4);

class MarkingPrefetchCursor : public EventCursor {
 public:
  // Called on the reader thread, once per event, in order. It must not touch
  // what the caller's thread uses, unless synchronised.
  using Mark = std::function<std::uint64_t(const EventRecord&)>;
  // What mark() answered for event(). REQUIRES: Valid().
  virtual std::uint64_t mark() const = 0;
  // Waits until the reader thread is done (its last call of `mark` has
  // returned), so that the caller may read what `mark` kept. REQUIRES: the
  // cursor ran to its end (!Valid()).
  virtual void JoinReader() = 0;
};

std::unique_ptr<MarkingPrefetchCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                                      MarkingPrefetchCursor::Mark mark,
                                                      std::size_t batch = 512,
                                                      std::size_t batches = 4);

}  // namespace zf::internal

// A cursor that reads (and decodes) its source on a thread of its own, a few
// batches ahead of the caller: a pass over the log that folds on one core
// gets the decoding done on the other. The source is used by that thread
// only, and closed before the PrefetchCursor is gone.
#pragma once

#include <cstddef>
#include <memory>

#include "zf/event_store.h"

namespace zf::internal {

// `batch` events per hand-over, at most `batches` ready ahead of the caller.
std::unique_ptr<EventCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                            std::size_t batch = 512, std::size_t batches = 4);

}  // namespace zf::internal

// Recomputes event hashes, per-stream chains, the ledger and (optionally) the
// stream index over a range of the raw log. One pass in position order;
// memory grows with the number of distinct streams in the range, not with
// the number of events.
#pragma once

#include "store/raw_log.h"
#include "zf/event_store.h"

namespace zf::internal {

Result<ChainReport> VerifyRawLog(const RawLog& log, const VerifyOptions& options);

}  // namespace zf::internal

// Recomputes event hashes, per-stream chains, the ledger and (optionally) the
// stream index over a range of the raw log. One pass in position order;
// memory grows with the number of distinct streams in the range, not with
// the number of events.
#pragma once

#include <span>
#include <string_view>

#include "store/raw_log.h"
#include "util/sm3.h"
#include "zf/event_store.h"

namespace zf::internal {

// How the stream index is compared with the log (when
// VerifyOptions::check_indexes). The findings are the same either way.
enum class IndexCheck {
  // Over the whole log of a store with an index scan: the index entries
  // and the log's (stream, version, position) triples are compared as two
  // multisets (util/multiset_digest.h), one sequential pass each; only
  // when they differ is the log verified again looking every event up, so
  // that the findings name each entry as that pass does. Otherwise as
  // kPerEvent.
  kAuto,
  // A point lookup of every event's index entry (tests compare the two).
  kPerEvent,
};

Result<ChainReport> VerifyRawLog(const RawLog& log, const VerifyOptions& options,
                                 IndexCheck index_check = IndexCheck::kAuto);

// The multi-buffer SM3 the check hashes its batches with (Sm3Many). Tests
// put a wrong one in to see the OpenSSL cross-check catch it; returns the
// one it replaces. Not thread-safe: set it while no check runs.
using ChainSm3Many = void (*)(std::span<const std::string_view>, std::span<Sm3Digest>);
ChainSm3Many SetChainSm3ManyForTesting(ChainSm3Many fn);

}  // namespace zf::internal

#include "zf/event_store.h"

#include <fmt/format.h>

namespace zf {

bool ExpectedVersion::Matches(std::uint64_t actual) const {
  switch (kind_) {
    case Kind::kAny: return true;
    case Kind::kNoStream: return actual == 0;
    case Kind::kExact: return actual == version_;
  }
  return false;
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny: return "any";
    case Kind::kNoStream: return "no_stream";
    case Kind::kExact: return fmt::format("version {}", version_);
  }
  return "?";
}

Result<AppendResult> EventStore::Append(const AppendRequest& request,
                                        const AppendOptions& options) {
  ZF_ASSIGN_OR_RETURN(auto results,
                      AppendBatch(std::span<const AppendRequest>(&request, 1), options));
  return std::move(results.front());
}

Result<AppendResult> EventStore::Append(std::string_view stream, ExpectedVersion expected,
                                        std::vector<NewEvent> events,
                                        std::string_view command_id,
                                        const AppendOptions& options) {
  AppendRequest request{std::string(stream), expected, std::move(events),
                        std::string(command_id), /*command=*/{}};
  return Append(request, options);
}

std::string_view ChainFindingKindName(ChainFinding::Kind kind) {
  switch (kind) {
    case ChainFinding::Kind::kHashMismatch: return "hash_mismatch";
    case ChainFinding::Kind::kPrevHashMismatch: return "prev_hash_mismatch";
    case ChainFinding::Kind::kVersionGap: return "version_gap";
    case ChainFinding::Kind::kPositionGap: return "position_gap";
    case ChainFinding::Kind::kPositionMismatch: return "position_mismatch";
    case ChainFinding::Kind::kLedgerMismatch: return "ledger_mismatch";
    case ChainFinding::Kind::kIndexMismatch: return "index_mismatch";
    case ChainFinding::Kind::kTruncated: return "truncated";
    case ChainFinding::Kind::kUndecodable: return "undecodable";
    case ChainFinding::Kind::kAnchorBeyondHead: return "anchor_beyond_head";
    case ChainFinding::Kind::kAnchorMismatch: return "anchor_mismatch";
    case ChainFinding::Kind::kAnchorSignature: return "anchor_signature_invalid";
  }
  return "unknown";
}

}  // namespace zf

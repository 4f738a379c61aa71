// Time travel by replay: the World (reference data and cases) as it stood
// at an AsOf moment, folded from the log from position 1.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "zf/cases.h"
#include "zf/event_store.h"
#include "zf/result.h"

namespace zf::internal {

// An AsOf with its time parsed.
struct AsOfFilter {
  std::optional<std::int64_t> until_micros;  // occurred_at <= this
  std::uint64_t until_position = 0;          // 0 = no limit

  bool Admits(const EventRecord& event) const;
  // The instant dated rules are read at: the time, else "now" (nullopt).
  std::optional<std::int64_t> instant() const { return until_micros; }
};

// kInvalidArgument (subject "as_of") for a malformed time.
Result<AsOfFilter> ParseAsOf(const AsOf& as_of);

struct Replayed {
  RuleBook rules;
  CaseBook cases;
};

// Folds every admitted event. Reference events are folded in position
// order too: a stream's versions are dense, so a filter that skips one
// event of a stream must skip the rest of it (see Admits).
Result<Replayed> Replay(const EventStore& store, const AsOfFilter& filter);

}  // namespace zf::internal

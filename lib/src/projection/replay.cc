#include "projection/replay.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "util/rfc3339.h"

namespace zf::internal {

bool AsOfFilter::Admits(const EventRecord& event) const {
  if (until_position != 0 && event.position > until_position) return false;
  if (until_micros) {
    auto at = ParseRfc3339(event.occurred_at);
    if (!at.ok() || at->unix_micros > *until_micros) return false;
  }
  return true;
}

Result<AsOfFilter> ParseAsOf(const AsOf& as_of) {
  AsOfFilter filter;
  filter.until_position = as_of.position;
  if (as_of.time.empty()) return filter;
  std::string text = as_of.time;
  if (text.size() == 10) text += "T23:59:59.999999+08:00";  // the end of that day in China
  auto at = ParseRfc3339(text);
  if (!at.ok()) {
    return InvalidArgumentError(fmt::format("as_of '{}': {}", as_of.time, at.status().message()))
        .WithSubject("as_of");
  }
  filter.until_micros = at->unix_micros;
  return filter;
}

Result<Replayed> Replay(const EventStore& store, const AsOfFilter& filter) {
  Replayed world;
  // A stream whose event was left out (it occurred later) keeps its
  // earlier events only: later versions of it cannot be folded without it.
  std::set<std::string, std::less<>> cut;
  auto cursor = store.ReadAll(1);
  for (; cursor->Valid(); cursor->Next()) {
    const EventRecord& event = cursor->event();
    if (filter.until_position != 0 && event.position > filter.until_position) break;
    if (cut.contains(event.stream)) continue;
    if (!filter.Admits(event)) {
      cut.insert(event.stream);
      continue;
    }
    ZF_RETURN_IF_ERROR(IsReferenceStream(event.stream) ? world.rules.Apply(event)
                                                       : world.cases.Apply(event));
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  return world;
}

}  // namespace zf::internal

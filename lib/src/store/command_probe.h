// store/command_probe.h — which of many command ids a store certainly lacks.
//
// The engine looks up every command of a group before judging it (a retry
// is answered, not judged again). An import's group holds 4,096 new ids,
// and their point reads one by one (a miss in every level's filter, and a
// kNotFound status worded for each) were a few per cent of its CPU. A store
// that can answer for all of them in one read implements CommandProbe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "zf/event_store.h"

namespace zf::internal {

class CommandProbe {
 public:
  virtual ~CommandProbe() = default;
  // For each id, false when the store certainly holds no command of it
  // (ReadCommand would say kNotFound), true when it may. A read error
  // answers true.
  virtual std::vector<bool> MayHaveCommands(std::span<const std::string_view> ids) const = 0;
};

// The store's answer, or true for every id of a store without a probe.
inline std::vector<bool> MayHaveCommands(const EventStore& store,
                                         std::span<const std::string_view> ids) {
  if (const auto* probe = dynamic_cast<const CommandProbe*>(&store)) {
    return probe->MayHaveCommands(ids);
  }
  return std::vector<bool>(ids.size(), true);
}

}  // namespace zf::internal

// util/name_set.h — a set of short strings (stream names, case ids) held
// compactly, for the passes that remember every aggregate of a province.
//
// The audit and the projection rebuild keep, for the whole pass, the name
// of every aggregate the events created, and the audit each case's last
// event. In node containers (std::set<std::string>, an unordered_map keyed
// by std::string) that is about 100 bytes a name; at 10^7 events (1.5 M
// aggregates) it was most of what put the audit over its 1 GiB
// (docs/performance.md, "Audit memory at 10⁷"). Here a name costs its
// bytes plus about 24: the bytes in 64 KiB blocks, a 12-byte reference, a
// 4-byte slot of an open-addressing table at most half full, and a 4-byte
// place in the byte order when that is asked for.
//
// Each name has a dense number, its place in the order of insertion, so
// that a side table (a std::vector) can hold a value per name.
//
// Example:
//   NameSet names;
//   auto [number, added] = names.Insert("case-FZ01-2023-T0001");
//   names.ForEachWithPrefix("case-", [](std::string_view name) { ... });
//
// Thread safety: none; the const members that visit in byte order sort
// what was inserted since the last visit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zf::internal {

class NameSet {
 public:
  // {number, true} for a new name, {its number, false} for one already in.
  std::pair<std::uint32_t, bool> Insert(std::string_view name);
  std::optional<std::uint32_t> Find(std::string_view name) const;
  bool Contains(std::string_view name) const { return Find(name).has_value(); }
  // The name numbered `number`; valid until the next Insert() or Clear().
  std::string_view Name(std::uint32_t number) const;

  std::size_t size() const { return refs_.size(); }
  bool empty() const { return refs_.empty(); }
  // Empties the set. A small set keeps its memory for the next use (the
  // engine clears one per group commit); a large one gives it back.
  void Clear();

  // Calls fn with each name that starts with `prefix`, in byte order.
  void ForEachWithPrefix(std::string_view prefix,
                         const std::function<void(std::string_view)>& fn) const;

 private:
  static constexpr std::size_t kBlockBytes = 64 << 10;
  struct Ref {
    std::uint32_t block;
    std::uint32_t offset;
    std::uint32_t size;
  };

  std::size_t SlotOf(std::string_view name) const;  // where name is, or the empty slot for it
  void Grow();
  void SortNew() const;

  std::vector<std::string> blocks_;  // each at most kBlockBytes, unless one name is longer
  std::vector<Ref> refs_;            // by number
  std::vector<std::uint32_t> slots_;  // number + 1; 0: empty. A power of two, or none.
  // Numbers in the byte order of their names: those below sorted_.size(),
  // which are the first inserted (SortNew() adds the rest).
  mutable std::vector<std::uint32_t> sorted_;
};

}  // namespace zf::internal

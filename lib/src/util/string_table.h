// util/string_table.h — a hash map from short strings to values, for the
// lookups of a province's aggregates by stream name on the critical paths
// (the audit's re-decision, the import's judging, the rebuild's fold).
//
// A node map (std::unordered_map<std::string, V>) costs about four cache
// misses per lookup of a cold key at that size: the bucket, the node before
// the bucket's first (libstdc++ links buckets through it), the node, and
// the key's bytes. With 1.5 M aggregates folded in log order nearly every
// lookup is cold: the rebuild's fold spent 16 % of its thread in the first
// lookup of each event's stream (docs/performance.md). Here a lookup reads
// one 8-byte cell of an open-addressing table (linear probing, at most half
// full) holding 32 bits of the key's hash and the entry's number, then the
// entry itself.
//
// Entries live in a std::deque, so a value's address is stable until its
// entry is erased. Erased entries are reused. Iteration follows the entries'
// places, not the keys' order.
//
// Eviction: EvictLeastUsed() erases the entries with the oldest use stamps
// (kept by the caller in its values) until few enough remain. It visits
// every entry, but the entries lie side by side in the deque's blocks, where
// a node map's walk follows a pointer to a node allocated anywhere.
//
// Copyable: a copy is independent (entries refer to each other by number).
// Thread safety: none.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zf::internal {

template <typename V>
class StringTable {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  V* Find(std::string_view key) {
    const std::size_t cell = FindCell(key, HashOf(key));
    return cell == kNone ? nullptr : &entries_[IndexOf(cells_[cell])].value;
  }
  const V* Find(std::string_view key) const {
    return const_cast<StringTable*>(this)->Find(key);
  }

  // Inserts `value` under `key` unless the key is there: {the value under
  // the key, whether it was inserted}.
  std::pair<V*, bool> Emplace(std::string_view key, V value) {
    const std::uint32_t hash = HashOf(key);
    if (const std::size_t cell = FindCell(key, hash); cell != kNone) {
      return {&entries_[IndexOf(cells_[cell])].value, false};
    }
    if ((size_ + 1) * 2 > cells_.size()) Grow();
    const std::uint32_t index = NewEntry(key, hash, std::move(value));
    std::size_t cell = hash & Mask();
    while (cells_[cell] != 0) cell = (cell + 1) & Mask();
    cells_[cell] = MakeCell(hash, index);
    ++size_;
    return {&entries_[index].value, true};
  }

  // Sets the value under `key`, inserting the key when it is not there.
  V* InsertOrAssign(std::string_view key, V value) {
    auto [slot, inserted] = Emplace(key, V());
    *slot = std::move(value);
    return slot;
  }

  // Erases `key`; false when it was not there.
  bool Erase(std::string_view key) {
    const std::size_t cell = FindCell(key, HashOf(key));
    if (cell == kNone) return false;
    EraseCell(cell);
    return true;
  }

  // Erases the entries with the smallest `stamp(value)` until at most
  // `keep` remain. A stamp of kPinned marks a value that must stay; when
  // nothing but those remains, fewer than asked are erased.
  static constexpr std::uint64_t kPinned = static_cast<std::uint64_t>(-1);
  template <typename Stamp>
  void EvictLeastUsed(std::size_t keep, Stamp stamp) {
    if (size_ <= keep) return;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates;
    candidates.reserve(size_);
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      if (!e.live) continue;
      const std::uint64_t s = stamp(e.value);
      if (s != kPinned) candidates.emplace_back(s, i);
    }
    const std::size_t n = std::min(size_ - keep, candidates.size());
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n),
                     candidates.end());
    for (std::size_t k = 0; k < n; ++k) EraseEntry(candidates[k].second);
  }

  // Calls fn(key, value) for every entry, in the entries' places.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const Entry& e : entries_) {
      if (e.live) fn(std::string_view(e.key), e.value);
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static constexpr std::size_t kMinCells = 16;

  struct Entry {
    std::string key;
    V value{};
    std::uint32_t hash = 0;
    bool live = false;
  };

  // A cell: 0 empty, else the key's 32-bit hash above the entry's number + 1.
  static std::uint64_t MakeCell(std::uint32_t hash, std::uint32_t index) {
    return (std::uint64_t{hash} << 32) | (std::uint64_t{index} + 1);
  }
  static std::uint32_t HashOfCell(std::uint64_t cell) {
    return static_cast<std::uint32_t>(cell >> 32);
  }
  static std::uint32_t IndexOf(std::uint64_t cell) {
    return static_cast<std::uint32_t>(cell) - 1;
  }
  static std::uint32_t HashOf(std::string_view key) {
    const std::uint64_t h = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  std::size_t Mask() const { return cells_.size() - 1; }

  std::size_t FindCell(std::string_view key, std::uint32_t hash) const {
    if (cells_.empty()) return kNone;
    for (std::size_t cell = hash & Mask();; cell = (cell + 1) & Mask()) {
      const std::uint64_t c = cells_[cell];
      if (c == 0) return kNone;
      if (HashOfCell(c) == hash && entries_[IndexOf(c)].key == key) return cell;
    }
  }

  std::uint32_t NewEntry(std::string_view key, std::uint32_t hash, V value) {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    Entry& e = entries_[index];
    e.key.assign(key);
    e.value = std::move(value);
    e.hash = hash;
    e.live = true;
    return index;
  }

  void Grow() {
    const std::size_t n = cells_.empty() ? kMinCells : cells_.size() * 2;
    cells_.assign(n, 0);
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      if (!e.live) continue;
      std::size_t cell = e.hash & Mask();
      while (cells_[cell] != 0) cell = (cell + 1) & Mask();
      cells_[cell] = MakeCell(e.hash, i);
    }
  }

  void EraseEntry(std::uint32_t index) {
    const Entry& e = entries_[index];
    std::size_t cell = e.hash & Mask();
    while (IndexOf(cells_[cell]) != index) cell = (cell + 1) & Mask();
    EraseCell(cell);
  }

  // Empties `cell` and shifts the cells after it back, so that no probe
  // sequence is broken (linear probing needs no tombstones).
  void EraseCell(std::size_t cell) {
    const std::uint32_t index = IndexOf(cells_[cell]);
    Entry& e = entries_[index];
    e.live = false;
    e.value = V();
    std::string().swap(e.key);
    free_.push_back(index);
    --size_;
    std::size_t hole = cell;
    for (std::size_t next = (hole + 1) & Mask(); cells_[next] != 0; next = (next + 1) & Mask()) {
      const std::size_t home = HashOfCell(cells_[next]) & Mask();
      // The cell at `next` may move to the hole unless its home lies in
      // (hole, next], cyclically.
      if (((next - home) & Mask()) >= ((next - hole) & Mask())) {
        cells_[hole] = cells_[next];
        hole = next;
      }
    }
    cells_[hole] = 0;
  }

  std::vector<std::uint64_t> cells_;
  std::deque<Entry> entries_;
  std::vector<std::uint32_t> free_;
  std::size_t size_ = 0;
};

}  // namespace zf::internal

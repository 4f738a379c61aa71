#include "util/name_set.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace zf::internal {

std::pair<std::uint32_t, bool> NameSet::Insert(std::string_view name) {
  if (!slots_.empty()) {
    if (std::uint32_t found = slots_[SlotOf(name)]; found != 0) return {found - 1, false};
  }
  // Half full at most: probes stay short.
  if (2 * (refs_.size() + 1) > slots_.size()) Grow();
  assert(refs_.size() < std::numeric_limits<std::uint32_t>::max());
  if (blocks_.empty() || blocks_.back().size() + name.size() > kBlockBytes) {
    blocks_.emplace_back().reserve(std::max(kBlockBytes, name.size()));
  }
  std::string& block = blocks_.back();
  const auto number = static_cast<std::uint32_t>(refs_.size());
  refs_.push_back({static_cast<std::uint32_t>(blocks_.size() - 1),
                   static_cast<std::uint32_t>(block.size()),
                   static_cast<std::uint32_t>(name.size())});
  block.append(name);
  slots_[SlotOf(name)] = number + 1;
  return {number, true};
}

std::optional<std::uint32_t> NameSet::Find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint32_t found = slots_[SlotOf(name)];
  if (found == 0) return std::nullopt;
  return found - 1;
}

std::string_view NameSet::Name(std::uint32_t number) const {
  const Ref& r = refs_[number];
  return std::string_view(blocks_[r.block]).substr(r.offset, r.size);
}

std::size_t NameSet::SlotOf(std::string_view name) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = std::hash<std::string_view>()(name) & mask;; i = (i + 1) & mask) {
    const std::uint32_t at = slots_[i];
    if (at == 0 || Name(at - 1) == name) return i;
  }
}

void NameSet::Grow() {
  std::vector<std::uint32_t> old = std::move(slots_);
  slots_.assign(std::max<std::size_t>(16, 2 * old.size()), 0);
  for (std::uint32_t at : old) {
    if (at != 0) slots_[SlotOf(Name(at - 1))] = at;
  }
}

void NameSet::Clear() {
  // A set that grew past a few thousand names gives its memory back.
  constexpr std::size_t kKeep = 4096;
  if (slots_.size() > kKeep) {
    *this = NameSet();
    return;
  }
  std::fill(slots_.begin(), slots_.end(), 0);
  refs_.clear();
  sorted_.clear();
  if (blocks_.size() > 1) blocks_.resize(1);
  if (!blocks_.empty()) blocks_.front().clear();
}

void NameSet::SortNew() const {
  const std::size_t sorted = sorted_.size();
  if (sorted == refs_.size()) return;
  for (std::size_t n = sorted; n < refs_.size(); ++n) {
    sorted_.push_back(static_cast<std::uint32_t>(n));
  }
  auto by_name = [this](std::uint32_t a, std::uint32_t b) { return Name(a) < Name(b); };
  const auto middle = sorted_.begin() + static_cast<std::ptrdiff_t>(sorted);
  std::sort(middle, sorted_.end(), by_name);
  std::inplace_merge(sorted_.begin(), middle, sorted_.end(), by_name);
}

void NameSet::ForEachWithPrefix(std::string_view prefix,
                                const std::function<void(std::string_view)>& fn) const {
  SortNew();
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), prefix,
                             [this](std::uint32_t n, std::string_view p) { return Name(n) < p; });
  for (; it != sorted_.end(); ++it) {
    const std::string_view name = Name(*it);
    if (!name.starts_with(prefix)) break;
    fn(name);
  }
}

}  // namespace zf::internal

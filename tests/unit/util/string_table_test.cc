#include "util/string_table.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace zf::internal {
namespace {

std::map<std::string, int> Contents(const StringTable<int>& table) {
  std::map<std::string, int> seen;
  table.ForEach([&](std::string_view key, int value) {
    CHECK(seen.emplace(std::string(key), value).second);  // each key once
  });
  return seen;
}

TEST_CASE("StringTable finds, replaces and erases keys", "[util][string_table]") {
  StringTable<int> table;
  CHECK(table.empty());
  CHECK(table.Find("case/1") == nullptr);
  CHECK_FALSE(table.Erase("case/1"));

  auto [one, added] = table.Emplace("case/1", 1);
  CHECK(added);
  CHECK(*one == 1);
  auto [again, added_again] = table.Emplace("case/1", 7);
  CHECK_FALSE(added_again);
  CHECK(again == one);
  CHECK(*again == 1);  // Emplace keeps what is there

  table.InsertOrAssign("case/1", 5);
  table.InsertOrAssign("", 9);  // the empty key is a key like any other
  REQUIRE(table.Find("case/1") != nullptr);
  CHECK(*table.Find("case/1") == 5);
  CHECK(*table.Find("") == 9);
  CHECK(table.size() == 2);

  CHECK(table.Erase("case/1"));
  CHECK(table.Find("case/1") == nullptr);
  CHECK(table.size() == 1);
  CHECK(Contents(table) == std::map<std::string, int>{{"", 9}});
}

TEST_CASE("StringTable keeps a value's address until its key is erased", "[util][string_table]") {
  StringTable<int> table;
  int* first = table.Emplace("inspection/first", 1).first;
  for (int i = 0; i < 10'000; ++i) table.Emplace("case/" + std::to_string(i), i);  // grows
  CHECK(table.Find("inspection/first") == first);
  CHECK(*first == 1);
}

// Random operations against std::map, with many keys per probe run (the
// table grows from 16 cells) and erasures in the middle of runs, so that the
// backward shift of erased cells is exercised.
TEST_CASE("StringTable agrees with a std::map under random operations", "[util][string_table]") {
  std::mt19937_64 random(20261207);
  StringTable<int> table;
  std::map<std::string, int> model;
  auto key = [&] { return "case/T" + std::to_string(random() % 3000); };
  for (int step = 0; step < 200'000; ++step) {
    const std::string k = key();
    switch (random() % 5) {
      case 0:
      case 1: {
        const int v = static_cast<int>(random() % 1000);
        const bool inserted = table.Emplace(k, v).second;
        CHECK(inserted == model.emplace(k, v).second);
        break;
      }
      case 2: {
        const int v = static_cast<int>(random() % 1000);
        table.InsertOrAssign(k, v);
        model[k] = v;
        break;
      }
      case 3:
        CHECK(table.Erase(k) == (model.erase(k) == 1));
        break;
      case 4: {
        const int* found = table.Find(k);
        auto it = model.find(k);
        REQUIRE((found != nullptr) == (it != model.end()));
        if (found != nullptr) CHECK(*found == it->second);
        break;
      }
    }
    REQUIRE(table.size() == model.size());
  }
  CHECK(Contents(table) == model);
  for (const auto& [k, v] : model) {
    REQUIRE(table.Find(k) != nullptr);
    CHECK(*table.Find(k) == v);
  }
}

TEST_CASE("A copy of a StringTable is independent of the original", "[util][string_table]") {
  StringTable<int> table;
  for (int i = 0; i < 100; ++i) table.Emplace("case/" + std::to_string(i), i);
  StringTable<int> copy = table;
  copy.Erase("case/7");
  copy.InsertOrAssign("case/8", -8);
  copy.Emplace("case/new", 1);
  REQUIRE(table.Find("case/7") != nullptr);
  CHECK(*table.Find("case/8") == 8);
  CHECK(table.Find("case/new") == nullptr);
  CHECK(table.size() == 100);
  CHECK(copy.Find("case/7") == nullptr);
  CHECK(*copy.Find("case/8") == -8);
  CHECK(copy.size() == 100);
}

// What CaseBook does: a use stamp per value, kPinned for one that must stay.
struct Stamped {
  std::uint64_t used = 0;
  bool pinned = false;
};

std::uint64_t StampOf(const Stamped& s) {
  return s.pinned ? StringTable<Stamped>::kPinned : s.used;
}

TEST_CASE("StringTable::EvictLeastUsed evicts the oldest stamps down to the size asked",
          "[util][string_table]") {
  StringTable<Stamped> table;
  std::uint64_t clock = 0;
  std::mt19937_64 random(7);
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("case/" + std::to_string(i));
  std::shuffle(keys.begin(), keys.end(), random);  // stamps not in the entries' order
  for (std::size_t i = 0; i < keys.size(); ++i) {
    table.Emplace(keys[i], Stamped{++clock, i % 10 == 0});
  }
  // Erase a few and insert again, so that entries are reused.
  for (std::size_t i = 1; i < 100; i += 7) {
    table.Erase(keys[i]);
    table.Emplace(keys[i], Stamped{++clock, i % 10 == 0});
  }
  std::vector<std::uint64_t> unpinned;
  table.ForEach([&](std::string_view, const Stamped& s) {
    if (!s.pinned) unpinned.push_back(s.used);
  });
  std::sort(unpinned.begin(), unpinned.end());
  const std::uint64_t oldest_kept = unpinned[unpinned.size() - 400];

  table.EvictLeastUsed(500, StampOf);
  CHECK(table.size() == 500);
  std::size_t pinned = 0;
  table.ForEach([&](std::string_view, const Stamped& s) {
    if (s.pinned) {
      ++pinned;
    } else {
      CHECK(s.used >= oldest_kept);  // exactly the 400 most recent stayed
    }
  });
  CHECK(pinned == 100);
  CHECK(table.Find(keys[1]) != nullptr);  // used last

  table.EvictLeastUsed(500, StampOf);  // nothing to do
  CHECK(table.size() == 500);
  // Pinned values stay whatever is asked.
  table.EvictLeastUsed(0, StampOf);
  CHECK(table.size() == 100);
  table.ForEach([](std::string_view, const Stamped& s) { CHECK(s.pinned); });
}

}  // namespace
}  // namespace zf::internal

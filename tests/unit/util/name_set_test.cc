#include "util/name_set.h"

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace zf::internal {
namespace {

std::vector<std::string> Visit(const NameSet& names, std::string_view prefix) {
  std::vector<std::string> seen;
  names.ForEachWithPrefix(prefix, [&](std::string_view name) { seen.emplace_back(name); });
  return seen;
}

std::vector<std::string> WithPrefix(const std::set<std::string>& model, std::string_view prefix) {
  std::vector<std::string> want;
  for (const std::string& name : model) {
    if (name.starts_with(prefix)) want.push_back(name);
  }
  return want;
}

TEST_CASE("NameSet numbers names in insertion order and finds them again", "[util][name_set]") {
  NameSet names;
  CHECK(names.empty());
  CHECK_FALSE(names.Find("case-1").has_value());
  CHECK(names.Insert("case-2") == std::pair<std::uint32_t, bool>{0, true});
  CHECK(names.Insert("case-1") == std::pair<std::uint32_t, bool>{1, true});
  CHECK(names.Insert("case-2") == std::pair<std::uint32_t, bool>{0, false});
  CHECK(names.Insert("") == std::pair<std::uint32_t, bool>{2, true});
  CHECK(names.size() == 3);
  CHECK(names.Find("case-1") == std::optional<std::uint32_t>(1));
  CHECK(names.Contains(""));
  CHECK_FALSE(names.Contains("case-"));
  CHECK(names.Name(0) == "case-2");
  CHECK(names.Name(2) == "");
}

// Against std::set, over enough names to grow the table many times, fill
// several blocks and visit between insertions (the order is kept up to
// date in steps).
TEST_CASE("NameSet holds and visits what a std::set holds", "[util][name_set]") {
  std::mt19937 random(20261206);
  const std::vector<std::string> prefixes = {"case-", "gt-", "ja-", "case-FZ01-", ""};
  NameSet names;
  std::set<std::string> model;
  for (int i = 0; i < 40000; ++i) {
    std::string name = prefixes[random() % 4] + "FZ0" + std::to_string(random() % 3) + "-" +
                       std::to_string(random() % 30000);
    const bool added = model.insert(name).second;
    const auto [number, inserted] = names.Insert(name);
    REQUIRE(inserted == added);
    REQUIRE(names.Name(number) == name);
    if (i % 9973 == 0) {
      for (const std::string& prefix : prefixes) REQUIRE(Visit(names, prefix) == WithPrefix(model, prefix));
    }
  }
  CHECK(names.size() == model.size());
  for (const std::string& prefix : prefixes) CHECK(Visit(names, prefix) == WithPrefix(model, prefix));
  CHECK(Visit(names, "zz").empty());
  for (const std::string& name : model) REQUIRE(names.Contains(name));
  CHECK_FALSE(names.Contains("case-FZ09-1"));
}

TEST_CASE("NameSet copies are independent, and Clear empties small and large sets", "[util][name_set]") {
  NameSet names;
  names.Insert("case-b");
  names.Insert("case-a");
  NameSet copy = names;
  copy.Insert("case-c");
  CHECK(names.size() == 2);
  CHECK_FALSE(names.Contains("case-c"));
  CHECK(Visit(copy, "case-") == std::vector<std::string>{"case-a", "case-b", "case-c"});

  names.Clear();
  CHECK(names.empty());
  CHECK_FALSE(names.Contains("case-a"));
  CHECK(Visit(names, "").empty());
  CHECK(names.Insert("case-z") == std::pair<std::uint32_t, bool>{0, true});
  CHECK(Visit(names, "") == std::vector<std::string>{"case-z"});

  // Past the size a cleared set keeps, and with a name longer than a block.
  const std::string long_name(100'000, 'x');
  names.Insert(long_name);
  for (int i = 0; i < 10000; ++i) names.Insert("n" + std::to_string(i));
  CHECK(names.Contains(long_name));
  CHECK(names.Find(long_name) == std::optional<std::uint32_t>(1));
  names.Clear();
  CHECK(names.empty());
  CHECK_FALSE(names.Contains("n5"));
  CHECK(names.Insert("n5") == std::pair<std::uint32_t, bool>{0, true});
}

}  // namespace
}  // namespace zf::internal

#include "util/sm3_multi.h"

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "util/hex.h"
#include "util/sm3.h"

namespace zf::internal {
namespace {

constexpr Sm3Engine kAllEngines[] = {Sm3Engine::kAuto, Sm3Engine::kScalar, Sm3Engine::kAvx2,
                                     Sm3Engine::kAvx512};

const char* EngineName(Sm3Engine engine) {
  switch (engine) {
    case Sm3Engine::kAuto:
      return "auto";
    case Sm3Engine::kScalar:
      return "scalar";
    case Sm3Engine::kAvx2:
      return "avx2";
    case Sm3Engine::kAvx512:
      return "avx512";
  }
  return "?";
}

std::vector<std::string_view> Views(const std::vector<std::string>& messages) {
  return std::vector<std::string_view>(messages.begin(), messages.end());
}

// Hashes `messages` with every engine this CPU has and checks each digest
// against OpenSSL's Sm3(). Returns how many engines ran.
int CheckAllEngines(const std::vector<std::string>& messages) {
  const std::vector<std::string_view> views = Views(messages);
  int ran = 0;
  for (Sm3Engine engine : kAllEngines) {
    std::vector<Sm3Digest> digests(views.size());
    if (!Sm3ManyWith(engine, views, digests)) continue;
    ++ran;
    for (std::size_t i = 0; i < views.size(); ++i) {
      INFO("engine " << EngineName(engine) << ", message " << i << " of " << views.size()
                     << ", " << views[i].size() << " bytes");
      REQUIRE(HexEncode(digests[i]) == HexEncode(Sm3(views[i])));
    }
  }
  return ran;
}

std::string RandomBytes(std::mt19937& rng, std::size_t size) {
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

TEST_CASE("Sm3ManyWith reports the scalar and automatic engines as always available",
          "[util][sm3]") {
  std::vector<std::string_view> none;
  std::vector<Sm3Digest> digests;
  CHECK(Sm3ManyWith(Sm3Engine::kScalar, none, digests));
  CHECK(Sm3ManyWith(Sm3Engine::kAuto, none, digests));
  // AVX-512F implies AVX2 on every CPU that has it.
  if (Sm3ManyWith(Sm3Engine::kAvx512, none, digests)) {
    CHECK(Sm3ManyWith(Sm3Engine::kAvx2, none, digests));
  }
}

TEST_CASE("Sm3Many matches the GB/T 32905 known answers on every engine", "[util][sm3]") {
  std::string abcd16;
  for (int i = 0; i < 16; ++i) abcd16 += "abcd";
  const std::vector<std::string_view> messages = {"abc", abcd16};
  for (Sm3Engine engine : kAllEngines) {
    std::vector<Sm3Digest> digests(messages.size());
    if (!Sm3ManyWith(engine, messages, digests)) continue;
    INFO("engine " << EngineName(engine));
    CHECK(HexEncode(digests[0]) ==
          "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    CHECK(HexEncode(digests[1]) ==
          "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  }
}

TEST_CASE("Sm3Many matches Sm3 for every length from 0 to 300 bytes", "[util][sm3]") {
  // Lengths 55/56, 63/64 and 119/120 decide whether the padding needs a
  // second block; all lengths in one call also start lanes at every offset.
  std::mt19937 rng(32905);
  std::vector<std::string> messages;
  for (std::size_t n = 0; n <= 300; ++n) messages.push_back(RandomBytes(rng, n));
  CHECK(CheckAllEngines(messages) >= 2);
}

TEST_CASE("Sm3Many matches Sm3 for thousands of messages of random lengths", "[util][sm3]") {
  // Lanes finish at different blocks and refill out of step.
  std::mt19937 rng(20161);
  std::uniform_int_distribution<std::size_t> length(0, 4000);
  std::vector<std::string> messages;
  for (int i = 0; i < 3000; ++i) messages.push_back(RandomBytes(rng, length(rng)));
  CHECK(CheckAllEngines(messages) >= 2);
}

TEST_CASE("Sm3Many matches Sm3 for fewer or more messages than lanes", "[util][sm3]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> length(0, 200);
  for (int count : {1, 3, 17, 33}) {
    INFO(count << " messages");
    std::vector<std::string> messages;
    for (int i = 0; i < count; ++i) messages.push_back(RandomBytes(rng, length(rng)));
    CHECK(CheckAllEngines(messages) >= 2);
  }
}

TEST_CASE("Sm3Many matches Sm3 for a 1 MiB message among small ones", "[util][sm3]") {
  std::mt19937 rng(1);
  std::vector<std::string> messages;
  for (int i = 0; i < 40; ++i) {
    messages.push_back(i == 5 ? RandomBytes(rng, 1 << 20) : RandomBytes(rng, 700 + i));
  }
  CHECK(CheckAllEngines(messages) >= 2);
}

TEST_CASE("Sm3Many hashes equal messages to equal digests and distinct ones apart",
          "[util][sm3]") {
  const std::vector<std::string_view> messages = {"event-a", "event-b", "event-a", "event-b",
                                                  "event-a", "event-c"};
  std::vector<Sm3Digest> digests(messages.size());
  Sm3Many(messages, digests);
  CHECK(digests[0] == digests[2]);
  CHECK(digests[0] == digests[4]);
  CHECK(digests[1] == digests[3]);
  CHECK(digests[0] != digests[1]);
  CHECK(digests[5] != digests[0]);
  CHECK(digests[5] == Sm3("event-c"));
}

}  // namespace
}  // namespace zf::internal

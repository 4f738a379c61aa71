#include "util/sm3.h"

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "util/hex.h"

namespace zf::internal {
namespace {

// GB/T 32905-2016, appendix A.
constexpr char kAbcHex[] = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
constexpr char kAbcd16Hex[] = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";
constexpr char kEmptyHex[] = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b";
// One million 'a' (crosses many 64-byte blocks).
constexpr char kMillionAHex[] = "c8aaf89429554029e231941a2acc0ad61ff2a5acd8fadd25847a3a732b3b02c3";

std::string Abcd16() {
  std::string s;
  for (int i = 0; i < 16; ++i) s += "abcd";
  return s;
}

TEST_CASE("Sm3 matches the GB/T 32905 known answers", "[util][sm3]") {
  CHECK(HexEncode(Sm3("abc")) == kAbcHex);
  const std::string abcd16 = Abcd16();
  REQUIRE(abcd16.size() == 64);
  CHECK(HexEncode(Sm3(abcd16)) == kAbcd16Hex);
  CHECK(HexEncode(Sm3("")) == kEmptyHex);
  CHECK(Sm3Hex(std::string(1000000, 'a')) == kMillionAHex);
}

TEST_CASE("Sm3Hex is 64 lowercase hex characters", "[util][sm3]") {
  const std::string h = Sm3Hex("abc");
  CHECK(h.size() == 64);
  CHECK(IsLowerHex(h, 64));
  CHECK(h == kAbcHex);
}

TEST_CASE("Sm3 hashes bytes, including NUL and high bytes", "[util][sm3]") {
  const std::string with_nul("a\0b", 3);
  CHECK(Sm3(with_nul) != Sm3("a"));
  CHECK(Sm3(with_nul) != Sm3("ab"));
  CHECK(Sm3(with_nul) == Sm3(std::string_view("a\0b", 3)));
}

TEST_CASE("Sm3Hasher streaming in pieces equals one-shot", "[util][sm3]") {
  const std::string abcd16 = Abcd16();
  for (std::size_t split = 0; split <= abcd16.size(); split += 7) {
    Sm3Hasher hasher;
    hasher.Update(std::string_view(abcd16).substr(0, split));
    hasher.Update(std::string_view(abcd16).substr(split));
    CHECK(HexEncode(hasher.Finish()) == kAbcd16Hex);
  }
  Sm3Hasher bytewise;
  for (char c : abcd16) bytewise.Update(std::string_view(&c, 1));
  CHECK(HexEncode(bytewise.Finish()) == kAbcd16Hex);

  Sm3Hasher big;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) big.Update(chunk);
  CHECK(HexEncode(big.Finish()) == kMillionAHex);
}

TEST_CASE("Sm3Hasher Finish leaves the hasher ready for the next message", "[util][sm3]") {
  Sm3Hasher hasher;
  hasher.Update("abc");
  CHECK(HexEncode(hasher.Finish()) == kAbcHex);
  hasher.Update("abc");
  CHECK(HexEncode(hasher.Finish()) == kAbcHex);
  CHECK(HexEncode(hasher.Finish()) == kEmptyHex);
}

TEST_CASE("Sm3Hasher Reset discards pending data", "[util][sm3]") {
  Sm3Hasher hasher;
  hasher.Update("something else entirely");
  hasher.Reset();
  hasher.Update("ab");
  hasher.Update("c");
  CHECK(HexEncode(hasher.Finish()) == kAbcHex);

  Sm3Hasher fresh;
  fresh.Reset();
  CHECK(HexEncode(fresh.Finish()) == kEmptyHex);
}

TEST_CASE("Sm3Hasher moves keep the pending state", "[util][sm3]") {
  Sm3Hasher a;
  a.Update("ab");
  Sm3Hasher b(std::move(a));
  b.Update("c");
  CHECK(HexEncode(b.Finish()) == kAbcHex);

  Sm3Hasher c;
  c.Update("a");
  c = std::move(b);  // discards c's own state
  c.Update("abc");
  CHECK(HexEncode(c.Finish()) == kAbcHex);

  // A moved-from hasher is usable again, starting from an empty message.
  a.Update("abc");  // NOLINT(bugprone-use-after-move): documented behaviour
  CHECK(HexEncode(a.Finish()) == kAbcHex);
}

TEST_CASE("Sm3 gives the same answers on many threads at once", "[util][sm3][concurrency]") {
  const std::string abcd16 = Abcd16();
  constexpr int kThreads = 8;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (HexEncode(Sm3((i + t) % 2 == 0 ? std::string_view("abc") : abcd16)) !=
            ((i + t) % 2 == 0 ? kAbcHex : kAbcd16Hex)) {
          ++wrong[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(wrong[t] == 0);
}

}  // namespace
}  // namespace zf::internal

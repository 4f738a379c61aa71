// sm3_bench — OpenSSL's one-message SM3 against the multi-buffer Sm3Many.
//
// Hashes 100,000 random 750-byte messages (the size of a typical event's
// canonical encoding) with Sm3() one by one, then with Sm3ManyWith() in
// groups of 1,000 (a large group commit) for every engine the CPU has, and
// prints MB/s and ns per message. Checks that every engine's digests equal
// OpenSSL's, so a fast wrong engine cannot go unnoticed.
//
//   sm3_bench
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/sm3.h"
#include "util/sm3_multi.h"

namespace {

using zf::internal::Sm3Digest;
using zf::internal::Sm3Engine;

constexpr std::size_t kMessages = 100000;
constexpr std::size_t kMessageBytes = 750;
constexpr std::size_t kGroup = 1000;

void Report(const char* name, double seconds) {
  const double bytes = static_cast<double>(kMessages * kMessageBytes);
  std::printf("%-28s %8.1f MB/s %8.1f ns/message\n", name, bytes / seconds / 1e6,
              seconds * 1e9 / static_cast<double>(kMessages));
}

template <class Fn>
double Time(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Returns false if `engine` is unavailable.
bool RunEngine(Sm3Engine engine, const char* name, std::span<const std::string_view> messages,
               const std::vector<Sm3Digest>& expected) {
  std::vector<Sm3Digest> digests(messages.size());
  bool available = true;
  const double seconds = Time([&] {
    for (std::size_t i = 0; i < messages.size() && available; i += kGroup) {
      available = zf::internal::Sm3ManyWith(engine, messages.subspan(i, kGroup),
                                            std::span(digests).subspan(i, kGroup));
    }
  });
  if (!available) {
    std::printf("%-28s not available on this CPU\n", name);
    return false;
  }
  if (digests != expected) {
    std::fprintf(stderr, "sm3_bench: %s digests differ from OpenSSL's\n", name);
    std::exit(1);
  }
  Report(name, seconds);
  return true;
}

}  // namespace

int main() {
  std::mt19937 rng(32905);
  std::vector<std::string> storage(kMessages, std::string(kMessageBytes, '\0'));
  for (std::string& s : storage) {
    for (char& c : s) c = static_cast<char>(rng() & 0xff);
  }
  const std::vector<std::string_view> messages(storage.begin(), storage.end());

  std::vector<Sm3Digest> expected(kMessages);
  const double openssl = Time([&] {
    for (std::size_t i = 0; i < kMessages; ++i) expected[i] = zf::internal::Sm3(messages[i]);
  });
  std::printf("%zu messages of %zu bytes; Sm3Many in groups of %zu\n", kMessages, kMessageBytes,
              kGroup);
  Report("OpenSSL Sm3() one by one", openssl);
  RunEngine(Sm3Engine::kScalar, "Sm3Many scalar", messages, expected);
  RunEngine(Sm3Engine::kAvx2, "Sm3Many AVX2 (8 lanes)", messages, expected);
  RunEngine(Sm3Engine::kAvx512, "Sm3Many AVX-512 (16 lanes)", messages, expected);
  RunEngine(Sm3Engine::kAuto, "Sm3Many auto", messages, expected);
  return 0;
}

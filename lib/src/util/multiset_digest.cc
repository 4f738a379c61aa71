#include "util/multiset_digest.h"

#include <cstring>
#include <random>

namespace zf::internal {
namespace {

inline std::uint64_t Rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline std::uint64_t LoadLe64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void Round() {
    v0 += v1; v1 = Rotl(v1, 13); v1 ^= v0; v0 = Rotl(v0, 32);
    v2 += v3; v3 = Rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = Rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = Rotl(v1, 17); v1 ^= v2; v2 = Rotl(v2, 32);
  }
  void Compress(std::uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
};

}  // namespace

std::uint64_t SipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
             k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  const std::size_t whole = n - n % 8;
  for (std::size_t i = 0; i < whole; i += 8) s.Compress(LoadLe64(p + i));
  // The last block: the remaining bytes, and the length's low byte on top.
  unsigned char last[8] = {};
  std::memcpy(last, p + whole, n - whole);
  last[7] = static_cast<unsigned char>(n);
  s.Compress(LoadLe64(last));
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.Round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

MultisetKey MultisetKey::Random() {
  std::random_device device;
  MultisetKey key;
  for (std::uint64_t& word : key.words) {
    word = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return key;
}

void MultisetDigest::Add(std::string_view item) {
  sum_[0] += SipHash24(key_.words[0], key_.words[1], item);
  sum_[1] += SipHash24(key_.words[2], key_.words[3], item);
  ++count_;
}

}  // namespace zf::internal

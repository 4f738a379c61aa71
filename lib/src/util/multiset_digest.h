// util/multiset_digest.h — an order-independent digest of a multiset of
// byte strings, under a key chosen at random for each digest pair.
//
// Used to tell whether two sequences hold the same items (the stream index
// and the log, read in different orders) in one sequential pass of each,
// instead of a point lookup per item. Each item is hashed with SipHash-2-4
// under two independent 128-bit keys, and the hashes are added modulo 2^64
// per key (the "MSet-Add-Hash" construction). Equal multisets always give
// equal digests; different ones collide with probability about 2^-128 for
// an adversary who does not know the keys — and the keys are drawn when the
// check starts, after the data it compares was written.
//
// Thread safety: a digest is a value; Add is not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace zf::internal {

// SipHash-2-4 (Aumasson and Bernstein, 2012) of `data` under the 128-bit
// key (k0, k1), as in the reference implementation (key and message bytes
// read little-endian).
std::uint64_t SipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data);

struct MultisetKey {
  std::array<std::uint64_t, 4> words{};
  // Four words from std::random_device.
  static MultisetKey Random();
};

class MultisetDigest {
 public:
  explicit MultisetDigest(const MultisetKey& key) : key_(key) {}

  void Add(std::string_view item);
  std::uint64_t count() const { return count_; }

  // Same key, same items (in any order) => equal.
  friend bool operator==(const MultisetDigest& a, const MultisetDigest& b) {
    return a.count_ == b.count_ && a.sum_ == b.sum_;
  }

 private:
  MultisetKey key_;
  std::array<std::uint64_t, 2> sum_{};
  std::uint64_t count_ = 0;
};

}  // namespace zf::internal

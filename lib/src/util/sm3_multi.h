// util/sm3_multi.h — SM3 of many independent messages at once.
//
// A group commit hashes hundreds of events of different streams, each a
// separate ~750-byte message. OpenSSL 3.0's SM3 is generic C and hashes one
// message at a time, which makes hashing a fifth of an append's CPU. SM3's
// compression function is a chain of 32-bit additions, rotations and
// boolean functions with no data-dependent branches, so one SIMD register
// can carry the state of one message per 32-bit lane: 16 messages with
// AVX-512, 8 with AVX2. The digests are exactly those of Sm3().
//
// Example:
//   std::vector<std::string_view> messages = ...;
//   std::vector<zf::internal::Sm3Digest> digests(messages.size());
//   zf::internal::Sm3Many(messages, digests);
#pragma once

#include <span>
#include <string_view>

#include "util/sm3.h"

namespace zf::internal {

// digests[i] = Sm3(messages[i]) for every i, using the widest SIMD engine
// the CPU supports (chosen once per process); few messages, or a CPU with
// neither AVX2 nor AVX-512F, go through Sm3() one by one.
// REQUIRES: digests.size() == messages.size().
void Sm3Many(std::span<const std::string_view> messages, std::span<Sm3Digest> digests);

// For tests and benchmarks, which must reach every engine the CPU has.
enum class Sm3Engine {
  kAuto,    // what Sm3Many() uses
  kScalar,  // Sm3() per message
  kAvx2,    // 8 lanes
  kAvx512,  // 16 lanes (AVX-512F)
};

// As Sm3Many(), with the given engine even for a single message. Returns
// false, leaving `digests` untouched, if this build or CPU lacks the engine.
// REQUIRES: digests.size() == messages.size().
bool Sm3ManyWith(Sm3Engine engine, std::span<const std::string_view> messages,
                 std::span<Sm3Digest> digests);

}  // namespace zf::internal

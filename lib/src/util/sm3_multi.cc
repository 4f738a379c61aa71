#include "util/sm3_multi.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace zf::internal {
namespace {

// Below this many messages most lanes would compress dummy blocks, and
// OpenSSL's one-lane C code is then faster than a mostly idle SIMD pass.
constexpr std::size_t kMinSimdMessages = 4;

void HashEachScalar(std::span<const std::string_view> messages, std::span<Sm3Digest> digests) {
  for (std::size_t i = 0; i < messages.size(); ++i) digests[i] = Sm3(messages[i]);
}

#if defined(__x86_64__)

constexpr std::size_t kBlockBytes = 64;
constexpr std::size_t kStateWords = 8;
constexpr std::size_t kPrefetchBlocks = 2;

constexpr std::uint32_t kIv[kStateWords] = {0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
                                            0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e};

constexpr std::uint32_t RolScalar(std::uint32_t x, int n) {
  return n == 0 ? x : (x << n) | (x >> (32 - n));
}

// rol(T_j, j mod 32), precomputed so that a round adds a broadcast constant.
constexpr std::array<std::uint32_t, 64> MakeRoundConstants() {
  std::array<std::uint32_t, 64> k{};
  for (int j = 0; j < 64; ++j) k[j] = RolScalar(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32);
  return k;
}
constexpr std::array<std::uint32_t, 64> kRoundConstants = MakeRoundConstants();

// The compression function is written once with GCC vector types and
// instantiated inside functions compiled for AVX2 and for AVX-512F: the
// always_inline helpers take on the caller's instruction set, so GCC emits
// vprold and vpternlogd for AVX-512 and shift/or pairs for AVX2, while the
// rest of the build stays baseline x86-64. The helpers pass vectors by value
// only after inlining, so the psABI note about wide vectors does not apply
// (GCC emits it at the end of the file, hence no diagnostic pop).
#pragma GCC diagnostic ignored "-Wpsabi"

using Vec8 = std::uint32_t __attribute__((vector_size(32)));
using Vec16 = std::uint32_t __attribute__((vector_size(64)));

template <class V>
[[gnu::always_inline]] inline V Rol(V x, int n) {
  return (x << n) | (x >> (32 - n));
}

template <class V>
[[gnu::always_inline]] inline V P0(V x) {
  return x ^ Rol(x, 9) ^ Rol(x, 17);
}

template <class V>
[[gnu::always_inline]] inline V P1(V x) {
  return x ^ Rol(x, 15) ^ Rol(x, 23);
}

template <class V>
[[gnu::always_inline]] inline V Majority(V x, V y, V z) {
  return (x & y) | (x & z) | (y & z);
}

template <class V>
[[gnu::always_inline]] inline V Choose(V x, V y, V z) {
  return (x & y) | (~x & z);
}

// w[j] = big-endian word j of every lane's block (vector j, lane l).
template <class V, int kLanes>
[[gnu::always_inline]] inline void LoadBlocks(const std::uint8_t* const* blocks, V* w) {
  alignas(64) std::uint32_t words[16][kLanes];
  for (int l = 0; l < kLanes; ++l) {
    for (int j = 0; j < 16; ++j) {
      std::uint32_t x;
      std::memcpy(&x, blocks[l] + 4 * j, sizeof(x));
      words[j][l] = __builtin_bswap32(x);
    }
  }
  std::memcpy(w, words, sizeof(words));
}

template <class V>
[[gnu::always_inline]] inline void Expand(V* w) {
  for (int j = 16; j < 68; ++j) {
    w[j] = P1(w[j - 16] ^ w[j - 9] ^ Rol(w[j - 3], 15)) ^ Rol(w[j - 13], 7) ^ w[j - 6];
  }
}

// One round; ff and gg are FF_j(a, b, c) and GG_j(e, f, g).
template <class V>
[[gnu::always_inline]] inline void Round(V (&s)[kStateWords], int j, V ff, V gg, const V* w) {
  V& a = s[0];
  V& b = s[1];
  V& c = s[2];
  V& d = s[3];
  V& e = s[4];
  V& f = s[5];
  V& g = s[6];
  V& h = s[7];
  const V a12 = Rol(a, 12);
  const V ss1 = Rol(a12 + e + kRoundConstants[j], 7);
  const V ss2 = ss1 ^ a12;
  const V tt1 = ff + d + ss2 + (w[j] ^ w[j + 4]);
  const V tt2 = gg + h + ss1 + w[j];
  d = c;
  c = Rol(b, 9);
  b = a;
  a = tt1;
  h = g;
  g = Rol(f, 19);
  f = e;
  e = P0(tt2);
}

// state: kStateWords rows of kLanes words; blocks: one 64-byte block per lane.
template <class V, int kLanes>
[[gnu::always_inline]] inline void CompressLanes(std::uint32_t* state,
                                                 const std::uint8_t* const* blocks) {
  static_assert(sizeof(V) == kLanes * sizeof(std::uint32_t));
  V w[68];
  LoadBlocks<V, kLanes>(blocks, w);
  Expand(w);
  V v[kStateWords];
  std::memcpy(v, state, sizeof(v));
  V s[kStateWords];
  std::memcpy(s, v, sizeof(s));
  for (int j = 0; j < 16; ++j) Round(s, j, s[0] ^ s[1] ^ s[2], s[4] ^ s[5] ^ s[6], w);
  for (int j = 16; j < 64; ++j) {
    Round(s, j, Majority(s[0], s[1], s[2]), Choose(s[4], s[5], s[6]), w);
  }
  for (std::size_t i = 0; i < kStateWords; ++i) v[i] ^= s[i];
  std::memcpy(state, v, sizeof(v));
}

__attribute__((target("avx2"))) void CompressAvx2(std::uint32_t* state,
                                                  const std::uint8_t* const* blocks) {
  CompressLanes<Vec8, 8>(state, blocks);
}

__attribute__((target("avx512f"))) void CompressAvx512(std::uint32_t* state,
                                                       const std::uint8_t* const* blocks) {
  CompressLanes<Vec16, 16>(state, blocks);
}

using CompressFn = void (*)(std::uint32_t* state, const std::uint8_t* const* blocks);

// One lane's progress through its message: first the message's own whole
// blocks, read in place, then one or two blocks built in `tail` from the
// message's last bytes and the padding (0x80, zeros, 64-bit bit length).
struct Lane {
  static constexpr std::size_t kIdle = SIZE_MAX;

  std::size_t message = kIdle;
  const std::uint8_t* next_block = nullptr;
  std::size_t whole_blocks_left = 0;
  std::size_t tail_blocks = 0;
  std::size_t tail_blocks_left = 0;
  std::uint8_t tail[2 * kBlockBytes];
};

void StartMessage(Lane& lane, std::size_t index, std::string_view message) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(message.data());
  const std::size_t rest = message.size() % kBlockBytes;
  lane.message = index;
  lane.next_block = data;
  lane.whole_blocks_left = message.size() / kBlockBytes;
  lane.tail_blocks = rest < kBlockBytes - 8 ? 1 : 2;
  lane.tail_blocks_left = lane.tail_blocks;
  std::memset(lane.tail, 0, sizeof(lane.tail));
  if (rest > 0) std::memcpy(lane.tail, data + message.size() - rest, rest);
  lane.tail[rest] = 0x80;
  std::uint64_t bits = static_cast<std::uint64_t>(message.size()) * 8;
  std::uint8_t* end = lane.tail + lane.tail_blocks * kBlockBytes;
  for (int i = 1; i <= 8; ++i, bits >>= 8) end[-i] = static_cast<std::uint8_t>(bits);
}

const std::uint8_t* CurrentBlock(const Lane& lane) {
  if (lane.whole_blocks_left > 0) return lane.next_block;
  return lane.tail + (lane.tail_blocks - lane.tail_blocks_left) * kBlockBytes;
}

// Moves past the block just compressed; true when the message is done.
bool Advance(Lane& lane) {
  if (lane.whole_blocks_left > 0) {
    --lane.whole_blocks_left;
    lane.next_block += kBlockBytes;
    return false;
  }
  return --lane.tail_blocks_left == 0;
}

// Feeds the messages through kLanes lanes: a lane that finishes its message
// stores the digest and takes the next one, so messages of different
// lengths keep the lanes busy until the last few; idle lanes compress a
// dummy block whose result is never read.
template <int kLanes>
class LaneScheduler {
 public:
  LaneScheduler(CompressFn compress, std::span<const std::string_view> messages,
                std::span<Sm3Digest> digests)
      : compress_(compress), messages_(messages), digests_(digests) {}

  void Run() {
    int active = 0;
    for (int l = 0; l < kLanes; ++l) active += Refill(l) ? 1 : 0;
    while (active > 0) {
      CompressOnce();
      for (int l = 0; l < kLanes; ++l) {
        if (lanes_[l].message == Lane::kIdle || !Advance(lanes_[l])) continue;
        StoreDigest(l);
        if (!Refill(l)) --active;
      }
    }
  }

 private:
  void CompressOnce() {
    static constexpr std::uint8_t kDummyBlock[kBlockBytes] = {};
    const std::uint8_t* blocks[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      blocks[l] = lanes_[l].message == Lane::kIdle ? kDummyBlock : CurrentBlock(lanes_[l]);
      // Each lane reads a different stream of memory, more than the
      // hardware prefetcher follows; a prefetch never faults.
      __builtin_prefetch(reinterpret_cast<const void*>(
          reinterpret_cast<std::uintptr_t>(blocks[l]) + kPrefetchBlocks * kBlockBytes));
    }
    compress_(&state_[0][0], blocks);
  }

  // Starts lane l on the next message; false (lane idle) if none is left.
  bool Refill(int l) {
    if (next_message_ == messages_.size()) {
      lanes_[l].message = Lane::kIdle;
      return false;
    }
    StartMessage(lanes_[l], next_message_, messages_[next_message_]);
    ++next_message_;
    for (std::size_t i = 0; i < kStateWords; ++i) state_[i][l] = kIv[i];
    return true;
  }

  void StoreDigest(int l) {
    Sm3Digest& digest = digests_[lanes_[l].message];
    for (std::size_t i = 0; i < kStateWords; ++i) {
      const std::uint32_t be = __builtin_bswap32(state_[i][l]);
      std::memcpy(digest.data() + 4 * i, &be, sizeof(be));
    }
  }

  CompressFn compress_;
  std::span<const std::string_view> messages_;
  std::span<Sm3Digest> digests_;
  std::size_t next_message_ = 0;
  alignas(64) std::uint32_t state_[kStateWords][kLanes];
  Lane lanes_[kLanes];
};

bool CpuHas(Sm3Engine engine) {
  static const bool avx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  static const bool avx512 = (__builtin_cpu_init(), __builtin_cpu_supports("avx512f"));
  switch (engine) {
    case Sm3Engine::kAvx2:
      return avx2;
    case Sm3Engine::kAvx512:
      return avx512;
    default:
      return true;
  }
}

void RunSimd(Sm3Engine engine, std::span<const std::string_view> messages,
             std::span<Sm3Digest> digests) {
  if (engine == Sm3Engine::kAvx512) {
    LaneScheduler<16>(CompressAvx512, messages, digests).Run();
  } else {
    LaneScheduler<8>(CompressAvx2, messages, digests).Run();
  }
}

#else  // !defined(__x86_64__)

bool CpuHas(Sm3Engine engine) {
  return engine != Sm3Engine::kAvx2 && engine != Sm3Engine::kAvx512;
}

void RunSimd(Sm3Engine, std::span<const std::string_view> messages,
             std::span<Sm3Digest> digests) {
  HashEachScalar(messages, digests);
}

#endif  // defined(__x86_64__)

Sm3Engine BestEngine() {
  static const Sm3Engine best = CpuHas(Sm3Engine::kAvx512) ? Sm3Engine::kAvx512
                                : CpuHas(Sm3Engine::kAvx2) ? Sm3Engine::kAvx2
                                                           : Sm3Engine::kScalar;
  return best;
}

}  // namespace

void Sm3Many(std::span<const std::string_view> messages, std::span<Sm3Digest> digests) {
  const Sm3Engine engine =
      messages.size() < kMinSimdMessages ? Sm3Engine::kScalar : BestEngine();
  Sm3ManyWith(engine, messages, digests);
}

bool Sm3ManyWith(Sm3Engine engine, std::span<const std::string_view> messages,
                 std::span<Sm3Digest> digests) {
  assert(digests.size() == messages.size());
  if (engine == Sm3Engine::kAuto) {
    Sm3Many(messages, digests);
    return true;
  }
  if (!CpuHas(engine)) return false;
  if (engine == Sm3Engine::kScalar) {
    HashEachScalar(messages, digests);
  } else {
    RunSimd(engine, messages, digests);
  }
  return true;
}

}  // namespace zf::internal

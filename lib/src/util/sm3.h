// util/sm3.h — SM3 (GB/T 32905-2016) hashing through OpenSSL 3.
//
// SM3 is the hash of the event chain: every appended event is hashed once
// for its own digest and once more for the ledger link, so this sits on the
// append hot path. The OpenSSL algorithm object is fetched once per process
// and each Sm3Hasher keeps its EVP_MD_CTX for reuse, so hashing a message
// neither creates an EVP_MD_CTX nor looks the algorithm up again. (OpenSSL
// 3.0 itself still frees and re-creates its ~100-byte provider state on each
// re-initialisation: one malloc per message, which no public 3.0 API avoids;
// it is small next to the compression function, ~300 ns per 64-byte block.)
//
// If the linked OpenSSL cannot provide SM3 (e.g. a build configured with
// no-sm3, or a restricted provider configuration), the first use prints a
// message to stderr and calls std::abort(): an event store that cannot hash
// must not start writing.
//
// Example:
//   std::array<std::uint8_t, 32> d = zf::internal::Sm3("abc");
//   std::string h = zf::internal::Sm3Hex("abc");   // "66c7f0f4...8f4ba8e0"
//
//   zf::internal::Sm3Hasher hasher;
//   hasher.Update("ab");
//   hasher.Update("c");
//   d = hasher.Finish();   // same digest; the hasher is ready for reuse
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Forward declaration of OpenSSL's context type so that this header does not
// pull <openssl/evp.h> into every translation unit that hashes.
struct evp_md_ctx_st;

namespace zf::internal {

inline constexpr std::size_t kSm3DigestBytes = 32;
using Sm3Digest = std::array<std::uint8_t, kSm3DigestBytes>;

// Incremental SM3. Owns one EVP_MD_CTX for its lifetime.
//
// Thread safety: distinct hashers may be used concurrently; one hasher must
// not be used from two threads at once. Non-copyable, movable; a moved-from
// hasher is empty and may be used again (it re-acquires a context).
class Sm3Hasher {
 public:
  // Ready to hash an empty message. Aborts if SM3 is unavailable.
  Sm3Hasher();
  ~Sm3Hasher();

  Sm3Hasher(const Sm3Hasher&) = delete;
  Sm3Hasher& operator=(const Sm3Hasher&) = delete;
  Sm3Hasher(Sm3Hasher&& other) noexcept;
  Sm3Hasher& operator=(Sm3Hasher&& other) noexcept;

  // Appends `data` to the message being hashed.
  void Update(std::string_view data);

  // Returns the digest of everything passed to Update() since construction,
  // the last Finish() or the last Reset(), and resets the hasher so that it
  // can hash the next message.
  Sm3Digest Finish();

  // Discards any data passed to Update() since the last Finish()/Reset().
  void Reset();

 private:
  void EnsureContext();

  evp_md_ctx_st* ctx_ = nullptr;
};

// One-shot SM3 of `data`. Uses a thread_local Sm3Hasher, so no context is
// created per call.
Sm3Digest Sm3(std::string_view data);

// Lowercase hex (64 characters) of Sm3(data).
std::string Sm3Hex(std::string_view data);

}  // namespace zf::internal

#include "util/sm3.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "util/hex.h"

namespace zf::internal {
namespace {

[[noreturn]] void Die(const char* what) {
  // Include OpenSSL's own reason: "unsupported" points at a provider or
  // build configuration problem rather than at zf.
  char reason[256] = "no OpenSSL error recorded";
  if (unsigned long err = ERR_peek_last_error(); err != 0) {
    ERR_error_string_n(err, reason, sizeof(reason));
  }
  std::fprintf(stderr, "zf: fatal: %s (%s)\n", what, reason);
  std::abort();
}

// Fetched once: EVP_MD_fetch does a provider lookup under a lock, which is
// too costly to repeat per event. The function-local static makes the
// initialisation thread-safe; the object is never freed, because hashers
// held in thread_local storage may outlive any static destructor.
const EVP_MD* Sm3Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SM3", nullptr);
    if (fetched == nullptr) {
      Die("SM3 is not available from OpenSSL; zf needs an OpenSSL 3 build "
          "with SM3 enabled in the default provider");
    }
    return fetched;
  }();
  return md;
}

}  // namespace

Sm3Hasher::Sm3Hasher() { EnsureContext(); }

Sm3Hasher::~Sm3Hasher() { EVP_MD_CTX_free(ctx_); }

Sm3Hasher::Sm3Hasher(Sm3Hasher&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sm3Hasher& Sm3Hasher::operator=(Sm3Hasher&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sm3Hasher::EnsureContext() {
  if (ctx_ != nullptr) return;
  ctx_ = EVP_MD_CTX_new();
  if (ctx_ == nullptr) Die("EVP_MD_CTX_new failed");
  if (EVP_DigestInit_ex2(ctx_, Sm3Md(), nullptr) != 1) Die("SM3 digest init failed");
}

void Sm3Hasher::Update(std::string_view data) {
  EnsureContext();
  // The hash chain would silently diverge if a failed update were ignored,
  // and OpenSSL only fails here on internal errors: stop.
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) Die("SM3 digest update failed");
}

Sm3Digest Sm3Hasher::Finish() {
  EnsureContext();
  Sm3Digest digest;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, digest.data(), &len) != 1 || len != digest.size()) {
    Die("SM3 digest final failed");
  }
  Reset();
  return digest;
}

void Sm3Hasher::Reset() {
  EnsureContext();
  // Re-initialising the existing context with the already fetched EVP_MD
  // skips the EVP_MD_CTX allocation and the algorithm lookup. Measured on
  // OpenSSL 3.0 it beats EVP_MD_CTX_copy_ex from a pristine template and
  // EVP_DigestInit_ex(ctx, nullptr, ...).
  if (EVP_DigestInit_ex2(ctx_, Sm3Md(), nullptr) != 1) Die("SM3 digest init failed");
}

Sm3Digest Sm3(std::string_view data) {
  thread_local Sm3Hasher hasher;
  hasher.Update(data);
  return hasher.Finish();
}

std::string Sm3Hex(std::string_view data) { return HexEncode(Sm3(data)); }

}  // namespace zf::internal

#include "crypto/sm2.h"

#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util/sm3.h"

namespace zf::internal {
namespace {

// GB/T 35276's default signer id; see sm2.h.
constexpr std::string_view kDefaultSm2Id = "1234567812345678";

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// The reason OpenSSL recorded last, and the error queue cleared.
std::string OpenSslReason() {
  unsigned long code = ERR_peek_last_error();
  char reason[256] = "no OpenSSL error recorded";
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  return reason;
}

Result<Sm2Key> Checked(EVP_PKEY* key, bool has_private, std::string_view what) {
  if (key == nullptr) {
    return InvalidArgumentError(fmt::format("{}: not a PEM key ({})", what, OpenSslReason()))
        .WithSubject(what);
  }
  Sm2Key result(key, has_private);
  if (!EVP_PKEY_is_a(key, "SM2")) {
    return InvalidArgumentError(
               fmt::format("{}: the key is {}, not SM2 (make one with `openssl genpkey "
                           "-algorithm SM2`)",
                           what, EVP_PKEY_get0_type_name(key)))
        .WithSubject(what);
  }
  return result;
}

Result<BioPtr> OpenFile(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) {
    ERR_clear_error();
    return NotFoundError(fmt::format("cannot read key file '{}': {}", path, std::strerror(errno)))
        .WithSubject(path);
  }
  return bio;
}

// The context that signs or verifies with SM3 under the default id.
Result<MdCtxPtr> DigestContext(const Sm2Key& key, bool sign) {
  MdCtxPtr md(EVP_MD_CTX_new());
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (md == nullptr || pctx == nullptr ||
      EVP_PKEY_CTX_set1_id(pctx.get(), kDefaultSm2Id.data(), kDefaultSm2Id.size()) <= 0) {
    return InternalError(fmt::format("SM2 context: {}", OpenSslReason()));
  }
  // The MD context owns the key context from here on.
  EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
  const int ok = sign ? EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, key.get())
                      : EVP_DigestVerifyInit(md.get(), nullptr, EVP_sm3(), nullptr, key.get());
  if (ok <= 0) return InternalError(fmt::format("SM2 with SM3: {}", OpenSslReason()));
  // EVP_MD_CTX_set_pkey_ctx does not take ownership: keep the key context
  // alive as long as the MD context by handing it over here.
  pctx.release();
  return md;
}

// EVP_MD_CTX_set_pkey_ctx leaves the key context to the caller; free both.
void FreeDigestContext(MdCtxPtr md) {
  EVP_PKEY_CTX* pctx = EVP_MD_CTX_get_pkey_ctx(md.get());
  md.reset();
  EVP_PKEY_CTX_free(pctx);
}

}  // namespace

void EvpPkeyFree::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

Sm2Key::Sm2Key(evp_pkey_st* key, bool has_private)
    : key_(key, EvpPkeyFree()), has_private_(has_private) {}

std::string Sm2Key::PublicDer() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string Sm2Key::Fingerprint() const { return Sm3Hex(PublicDer()); }

Result<Sm2Key> LoadSm2PrivateKeyPem(const std::string& path) {
  ZF_ASSIGN_OR_RETURN(BioPtr bio, OpenFile(path));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  return Checked(key, true, fmt::format("key file '{}'", path));
}

Result<Sm2Key> LoadSm2PublicKeyPem(const std::string& path) {
  ZF_ASSIGN_OR_RETURN(BioPtr bio, OpenFile(path));
  std::string text;
  char buffer[4096];
  for (int n; (n = BIO_read(bio.get(), buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    // A private key file: its public half (the signer's own file).
    ZF_ASSIGN_OR_RETURN(Sm2Key pair, LoadSm2PrivateKeyPem(path));
    return ParseSm2PublicKeyDer(pair.PublicDer(), fmt::format("key file '{}'", path));
  }
  return ParseSm2PublicKeyPem(text, fmt::format("key file '{}'", path));
}

Result<Sm2Key> ParseSm2PublicKeyPem(std::string_view pem, std::string_view what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  return Checked(key, false, what);
}

Result<Sm2Key> ParseSm2PublicKeyDer(std::string_view der, std::string_view what) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (key != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    EVP_PKEY_free(key);
    return InvalidArgumentError(fmt::format("{}: trailing bytes after the public key", what));
  }
  return Checked(key, false, what);
}

std::string PublicKeyPem(const Sm2Key& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key.get()) <= 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string> Sm2Sign(const Sm2Key& key, std::string_view message) {
  if (!key.has_private()) return FailedPreconditionError("SM2 signing needs a private key");
  ZF_ASSIGN_OR_RETURN(MdCtxPtr md, DigestContext(key, true));
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::string signature;
  Status status;
  if (EVP_DigestSign(md.get(), nullptr, &size, data, message.size()) > 0) {
    signature.resize(size);
    auto* out = reinterpret_cast<unsigned char*>(signature.data());
    if (EVP_DigestSign(md.get(), out, &size, data, message.size()) > 0) {
      signature.resize(size);
    } else {
      status = InternalError(fmt::format("SM2 signing failed: {}", OpenSslReason()));
    }
  } else {
    status = InternalError(fmt::format("SM2 signing failed: {}", OpenSslReason()));
  }
  FreeDigestContext(std::move(md));
  if (!status.ok()) return status;
  return signature;
}

bool Sm2Verify(const Sm2Key& key, std::string_view message, std::string_view signature) {
  auto md = DigestContext(key, false);
  if (!md.ok()) return false;
  const int ok = EVP_DigestVerify(md->get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                  signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
  FreeDigestContext(std::move(*md));
  ERR_clear_error();
  return ok == 1;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool Base64Decode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  bytes->assign(3 * (text.size() / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes->data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  bytes->resize(static_cast<std::size_t>(n) - padding);
  // Only the canonical encoding: a round trip gives the text back.
  return Base64Encode(*bytes) == text;
}

}  // namespace zf::internal

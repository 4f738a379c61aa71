// SM2 signatures (GB/T 32918) with SM3, through OpenSSL 3's EVP interface:
// loading PEM keys, signing and verifying. Used for the signed ledger
// checkpoints (zf/checkpoint.h) and the agencies' electronic seals.
//
// The signer's identity is the default SM2 id "1234567812345678" (GB/T
// 35276), which OpenSSL does not apply by itself: every sign and verify sets
// it, so that other SM2 implementations verify what zf signs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "zf/result.h"

struct evp_pkey_st;

namespace zf::internal {

struct EvpPkeyFree {
  void operator()(evp_pkey_st* key) const;
};

// Why an SM2 signature (an electronic seal's, a ledger checkpoint's) is not
// what it should be, in both languages a report is read in: one check, so
// one SM2 verification, gives both.
struct SignatureFault {
  std::string zh;
  std::string en;
  bool empty() const { return zh.empty(); }
};

// An SM2 key pair, or the public half only.
class Sm2Key {
 public:
  Sm2Key() = default;
  // Takes ownership of `key`.
  Sm2Key(evp_pkey_st* key, bool has_private);

  bool has_private() const { return has_private_; }
  evp_pkey_st* get() const { return key_.get(); }
  // The public key as DER SubjectPublicKeyInfo.
  std::string PublicDer() const;
  // Lowercase hex SM3 of PublicDer(): the key's id in checkpoints and seals.
  std::string Fingerprint() const;

 private:
  std::shared_ptr<evp_pkey_st> key_;
  bool has_private_ = false;
};

// A private key from a PEM file (PKCS#8 "PRIVATE KEY" or "EC PRIVATE KEY").
// Errors name the file and OpenSSL's reason; a key that is not SM2 is
// kInvalidArgument.
Result<Sm2Key> LoadSm2PrivateKeyPem(const std::string& path);
// A public key from a PEM file: "PUBLIC KEY", or a private key file whose
// public half is taken.
Result<Sm2Key> LoadSm2PublicKeyPem(const std::string& path);
// The same from PEM text in memory; `what` names it in errors.
Result<Sm2Key> ParseSm2PublicKeyPem(std::string_view pem, std::string_view what);
// A public key from DER SubjectPublicKeyInfo bytes.
Result<Sm2Key> ParseSm2PublicKeyDer(std::string_view der, std::string_view what);
// The public key as PEM text ("-----BEGIN PUBLIC KEY-----...").
std::string PublicKeyPem(const Sm2Key& key);

// The DER-encoded SM2 signature of `message` (SM3 digest, default id).
// REQUIRES: key.has_private().
Result<std::string> Sm2Sign(const Sm2Key& key, std::string_view message);
// True when `signature` (DER) is key's signature of `message`.
bool Sm2Verify(const Sm2Key& key, std::string_view message, std::string_view signature);

// Standard base64 (with padding) and back, for keys in JSON lines.
std::string Base64Encode(std::string_view bytes);
bool Base64Decode(std::string_view text, std::string* bytes);

}  // namespace zf::internal

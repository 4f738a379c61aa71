// zf/seal.h — the private keys an engine seals penalty decisions with.
//
// An agency's electronic seal (电子印章, issue 14 §4) is its SM2 signature
// (SM3, default id) over the canonical JSON of a decision event's data
// without its "seal" member (docs/event-format.md §7). The public key and
// the dates it is in force are reference data in the `org` stream
// (register_agency_seal, revoke_agency_seal); the private key stays with
// whoever runs the engine for the agency and reaches the engine through
// EngineOptions::seal_keys, e.g. from a directory of `<agency>.pem` files
// (`zfcli --seal-keys DIR`, serve.json "seal_keys").
//
// Example:
//   auto keys = zf::LoadSealKeys("/etc/zf/seal-keys");
//   if (!keys.ok()) return keys.status();
//   zf::EngineOptions options;
//   options.seal_keys = *keys;
//
// Thread safety: a SealSigner is immutable; share it freely.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "zf/export.h"
#include "zf/result.h"

namespace zf {

// An agency's seal private key.
class ZF_EXPORT SealSigner {
 public:
  // Errors: kNotFound (no such file), kInvalidArgument (not an SM2 PEM
  // private key); the message names the file.
  static Result<std::shared_ptr<const SealSigner>> FromPemFile(const std::string& path);
  // Lowercase hex SM3 of the DER public key: the key_id its seals and its
  // registration name.
  const std::string& key_id() const;

  struct Impl;
  explicit SealSigner(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

// Agency id → its seal key, from every `<agency>.pem` file in `dir` (other
// files are ignored). Errors: kNotFound (no such directory), or the first
// key that does not load (the message names the file).
ZF_EXPORT Result<std::map<std::string, std::shared_ptr<const SealSigner>>> LoadSealKeys(
    const std::string& dir);

}  // namespace zf

#include "crypto/seal.h"

#include <fmt/format.h>

#include "util/canonical_json.h"
#include "util/hex.h"

#include <filesystem>
#include <system_error>

namespace zf {

Result<std::shared_ptr<const SealSigner>> SealSigner::FromPemFile(const std::string& path) {
  ZF_ASSIGN_OR_RETURN(internal::Sm2Key key, internal::LoadSm2PrivateKeyPem(path));
  auto impl = std::make_shared<Impl>(Impl{key, key.Fingerprint()});
  return std::make_shared<const SealSigner>(std::move(impl));
}

const std::string& SealSigner::key_id() const { return impl_->key_id; }

Result<std::map<std::string, std::shared_ptr<const SealSigner>>> LoadSealKeys(
    const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFoundError(fmt::format("seal key directory '{}' does not exist", dir));
  }
  std::map<std::string, std::shared_ptr<const SealSigner>> keys;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& path = entry.path();
    if (path.extension() != ".pem" || !entry.is_regular_file(ec)) continue;
    ZF_ASSIGN_OR_RETURN(auto signer, SealSigner::FromPemFile(path.string()));
    keys[path.stem().string()] = std::move(signer);
  }
  if (ec) {
    return IOError(fmt::format("cannot list seal key directory '{}': {}", dir, ec.message()));
  }
  return keys;
}

}  // namespace zf

namespace zf::internal {

bool IsSealedEventType(std::string_view type) {
  for (std::string_view t : kSealedEventTypes) {
    if (t == type) return true;
  }
  return false;
}

std::string SealedBytes(const boost::json::object& data) {
  return CanonicalJsonWithout(data, kSealMember);
}

Result<boost::json::object> MakeSeal(const boost::json::object& data, std::string_view agency,
                                     const Sm2Key& key) {
  ZF_ASSIGN_OR_RETURN(std::string der, Sm2Sign(key, SealedBytes(data)));
  return boost::json::object{
      {"agency", agency},
      {"key_id", key.Fingerprint()},
      {"algorithm", kSealAlgorithm},
      {"signature",
       HexEncode(std::span(reinterpret_cast<const std::uint8_t*>(der.data()), der.size()))}};
}

SignatureFault SealProblem(const boost::json::object& data, std::string_view agency,
                           const Sm2Key& key, const AgencyNamer& name_zh) {
  const boost::json::value* seal = data.if_contains(kSealMember);
  if (seal == nullptr) return {"未加盖电子印章", "no electronic seal"};
  if (!seal->is_object()) return {"电子印章不是对象", "the seal is not an object"};
  const auto& s = seal->as_object();
  auto text = [&](std::string_view field) -> std::string {
    const boost::json::value* v = s.if_contains(field);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (text("agency") != agency) {
    auto zh = [&](std::string_view id) { return name_zh ? name_zh(id) : std::string(id); };
    return {fmt::format("印章属于{}，而作出决定的机关是{}", zh(text("agency")), zh(agency)),
            fmt::format("the seal is {}'s, the deciding agency is {}", text("agency"), agency)};
  }
  if (text("algorithm") != kSealAlgorithm) {
    return {fmt::format("印章算法 {} 不是 {}", text("algorithm"), kSealAlgorithm),
            fmt::format("the seal's algorithm {} is not {}", text("algorithm"), kSealAlgorithm)};
  }
  if (text("key_id") != key.Fingerprint()) {
    return {fmt::format("印章密钥 {} 不是该机关在用的印章密钥 {}", text("key_id"),
                        key.Fingerprint()),
            fmt::format("the seal's key {} is not the agency's key in force {}", text("key_id"),
                        key.Fingerprint())};
  }
  std::string der;
  if (!HexDecode(text("signature"), &der) || der.empty()) {
    return {"印章签名不是十六进制", "the seal's signature is not hex"};
  }
  if (!Sm2Verify(key, SealedBytes(data), der)) {
    return {"印章签名验证失败（决定内容在盖章后被改动，或签名被伪造）",
            "the seal's signature does not verify (the decision was changed after sealing, or "
            "the signature is forged)"};
  }
  return {};
}

boost::json::object WithoutSeal(boost::json::object data) {
  data.erase(kSealMember);
  return data;
}

}  // namespace zf::internal

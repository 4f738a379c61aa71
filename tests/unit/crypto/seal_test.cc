// Electronic seals over a decision's data (crypto/seal.h).
#include <catch2/catch.hpp>

#include "crypto/seal.h"

using namespace zf;
using namespace zf::internal;

namespace {

Sm2Key LoadKey(const char* name) {
  auto key = LoadSm2PrivateKeyPem(std::string(ZF_SOURCE_DIR) + "/examples/shaxian/keys/" + name);
  REQUIRE(key.ok());
  return *key;
}

boost::json::object Decision() {
  return {{"decision_type", "penalty"}, {"document_number", "沙市监罚〔2025〕1号"},
          {"fine_fen", 200000}, {"handling_subject", "sx-market"}};
}

}  // namespace

TEST_CASE("seal: the agency's key seals the data without the seal", "[seal]") {
  const Sm2Key key = LoadKey("checkpoint-test.pem");
  boost::json::object data = Decision();
  auto seal = MakeSeal(data, "sx-market", key);
  REQUIRE(seal.ok());
  CHECK(seal->at("algorithm") == "SM2-with-SM3");
  CHECK(seal->at("key_id").as_string() == key.Fingerprint());
  data["seal"] = *seal;
  CHECK(SealProblem(data, "sx-market", key).empty());
  // The seal is outside what it signs, so the unsealed data is what a
  // re-decision gives.
  CHECK(SealedBytes(data) == SealedBytes(Decision()));
  CHECK(WithoutSeal(data) == Decision());

  SECTION("a field changed after sealing") {
    data["document_number"] = "沙市监罚〔2025〕2号";
    CHECK(SealProblem(data, "sx-market", key).zh.find("验证失败") != std::string::npos);
    // The same fault in English, for the audit report in --lang en.
    CHECK(SealProblem(data, "sx-market", key).en.find("does not verify") != std::string::npos);
  }
  SECTION("another agency's name or another key") {
    CHECK(SealProblem(data, "sx-transport", key).zh.find("sx-transport") != std::string::npos);
    CHECK(SealProblem(data, "sx-market", LoadKey("other-test.pem")).zh.find("不是该机关") !=
          std::string::npos);
  }
  SECTION("no seal, or a seal that is not an object") {
    CHECK(SealProblem(Decision(), "sx-market", key).zh == "未加盖电子印章");
    data["seal"] = "stamp";
    CHECK_FALSE(SealProblem(data, "sx-market", key).empty());
  }
  SECTION("a flipped bit in the signature") {
    std::string sig(data["seal"].as_object()["signature"].as_string());
    sig[10] = sig[10] == '0' ? '1' : '0';
    data["seal"].as_object()["signature"] = sig;
    CHECK_FALSE(SealProblem(data, "sx-market", key).empty());
  }
}

// Electronic seals (电子印章) on penalty decision events (issue 14 §4,
// slice B): the deciding agency's SM2 signature over the
// canonical JSON of the event's data without its "seal" member.
//
//   "seal": {"agency": "sx-market", "key_id": "<hex SM3 of the DER public
//            key>", "algorithm": "SM2-with-SM3", "signature": "<hex DER>"}
//
// Deciders are pure and deterministic; SM2 signatures are not (a fresh
// random k each time), so a seal is added after deciding, by the engine,
// and the audit compares a re-decided event with the stored one without
// the seal, then checks the seal on its own (SealProblem).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "crypto/sm2.h"
#include "zf/result.h"
#include "zf/seal.h"

namespace zf {

struct SealSigner::Impl {
  internal::Sm2Key key;
  std::string key_id;
};

}  // namespace zf

namespace zf::internal {

// The penalty decision events that carry the deciding agency's seal.
inline constexpr std::string_view kSealedEventTypes[] = {"decision_made",
                                                          "on_spot_decision_issued"};
bool IsSealedEventType(std::string_view type);

inline constexpr std::string_view kSealMember = "seal";
inline constexpr std::string_view kSealAlgorithm = "SM2-with-SM3";

// The bytes a seal signs: the canonical JSON (docs/event-format.md §2) of
// `data` without its "seal" member.
std::string SealedBytes(const boost::json::object& data);

// The seal of `agency` with `key` over `data` (which must not carry one).
// REQUIRES: key.has_private().
Result<boost::json::object> MakeSeal(const boost::json::object& data, std::string_view agency,
                                     const Sm2Key& key);

// How the Chinese text names an agency by its id: the seal knows ids only,
// a reader knows names (the audit passes "name（id）" from the org data).
using AgencyNamer = std::function<std::string(std::string_view agency)>;

// Why data's seal is not `agency`'s seal with `key` over the rest of
// `data`: no seal, another agency or key, another algorithm, a signature
// that is not hex or does not verify. Empty when it is. Agencies are named
// in the Chinese by `name_zh` (by id without it).
SignatureFault SealProblem(const boost::json::object& data, std::string_view agency,
                           const Sm2Key& key, const AgencyNamer& name_zh = nullptr);

// `data` without its seal: what a re-decision gives.
boost::json::object WithoutSeal(boost::json::object data);

}  // namespace zf::internal

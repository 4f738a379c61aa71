// Canonical JSON (util/canonical_json.h), the bytes hashed into every
// event. Input: any JSON text, parsed as zf parses input (zf::ParseJson).
// Oracle: canonical output parses back (within zf's depth limit) to a
// value whose canonical form is the same bytes; SameCanonicalJson of the
// two is never false-positive; a refusal is kInvalidArgument and leaves
// the output buffer as it was.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fuzz_support.h"
#include "util/canonical_json.h"
#include "zf/event_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zf::internal;
  using zf::fuzz::Check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto value = zf::ParseJson(text);
  if (!value.ok()) return 0;

  std::string out = "prefix";
  const zf::Status s = AppendCanonicalJson(*value, &out);
  if (!s.ok()) {
    Check(s.code() == zf::StatusCode::kInvalidArgument, "refusal is invalid_argument");
    Check(out == "prefix", "a refusal restores the output");
    Check(!SameCanonicalJson(*value, *value), "SameCanonicalJson is false for a refused value");
    return 0;
  }
  const std::string canonical = out.substr(6);
  Check(SameCanonicalJson(*value, *value), "SameCanonicalJson(v, v) for an encodable v");

  boost::json::parse_options options;
  options.max_depth = kMaxCanonicalJsonDepth;
  boost::system::error_code ec;
  boost::json::value back = boost::json::parse(canonical, ec, {}, options);
  Check(!ec, "canonical JSON parses with boost::json's default depth");
  std::string again;
  Check(AppendCanonicalJson(back, &again).ok(), "canonical JSON encodes again");
  Check(again == canonical, "canonical JSON is a fixed point");
  if (SameCanonicalJson(*value, back)) {
    // Already shown equal above; the call must also not disagree with itself.
    Check(SameCanonicalJson(back, *value), "SameCanonicalJson is symmetric");
  }
  return 0;
}

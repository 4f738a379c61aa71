// The dossier verifier (zf::VerifyDossier, docs/audit.md §3): a whole
// dossier file, JSON lines, read offline and decided again. Oracle: the
// verifier answers (a summary, or kInvalidArgument for a file that is not
// a dossier) and never anything else; the sink hears at most the
// findings the summary counts (it is told only the first few hundred).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "zf/audit.h"
#include "zf/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using zf::fuzz::Check;
  static const zf::EngineOptions options;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::uint64_t findings = 0;
  auto summary = zf::VerifyDossier(in, options, [&](const zf::AuditFinding&) { ++findings; });
  if (!summary.ok()) {
    Check(summary.status().code() == zf::StatusCode::kInvalidArgument,
          "a refused dossier is invalid_argument");
    return 0;
  }
  Check(findings <= summary->TotalFindings(), "the sink hears only counted findings");
  return 0;
}

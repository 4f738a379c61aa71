// zf/audit.h — proving from the log that stored decisions were lawful.
//
// An audit reads the log in position order and, for every stored command,
// (1) checks the hashes, stream chains and ledger (integrity), (2) decides
// the recorded command again on the state before it with the rules in
// force at its time and compares the result with the stored events byte
// for byte (not_rederivable), (3) re-checks the invariants of the decision
// events with their own stored values (procedure) and (4) checks that no
// agency deadline was left open past its due date (deadline). Findings are
// streamed to a sink; memory holds the folded state, not the log.
// docs/audit.md describes every check and the dossier format.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "zf/engine.h"
#include "zf/export.h"
#include "zf/result.h"

namespace zf {

struct AuditOptions {
  // Only the case stream "case/<case_id>" is re-decided and checked; the
  // rest is folded (a decision depends on other cases of the party) and its
  // integrity findings are kept only when they concern no other stream.
  std::string case_id;
  // Commands whose first event lies in [from_position, to_position] are
  // checked; the events before are folded unchecked.
  std::uint64_t from_position = 1;
  std::uint64_t to_position = UINT64_MAX;
  // Stop reporting after this many findings (the summary still counts).
  std::size_t max_findings = 10000;
  // How many threads the audit keeps busy; 0 = the hardware's threads.
  // With 1 everything runs on the calling thread, one step after the
  // other. With more, the chain check runs on a thread of its own beside
  // the re-decision; a reader thread reads the log and prepares each
  // command's group (its recorded command looked up, parsed and validated
  // against its schema, the stored payloads in canonical JSON) ahead of
  // the calling thread, which decides, checks and folds the groups in
  // position order; jobs - 2 more threads help prepare. The findings,
  // their order and the summary are the same for every value
  // (docs/audit.md "Speed").
  unsigned jobs = 0;
  // Ledger hashes kept outside the store (zf/checkpoint.h ReadAnchors): the
  // chain check compares the log with them (VerifyOptions::anchors); a
  // contradiction is an integrity finding with rule "anchor".
  std::vector<LedgerAnchor> anchors{};
};

struct AuditFinding {
  // Do not rename: reported in audit output.
  enum class Kind { kIntegrity, kNotRederivable, kProcedure, kDeadline };
  Kind kind = Kind::kIntegrity;
  std::string case_id;      // when the stream is a case
  std::string stream;
  std::uint64_t position = 0;
  std::uint64_t version = 0;
  std::string event_type;
  std::string command_id;
  std::string rule;         // "I5", "J1", "D9" (docs/domain.md), "chain", "redecide"
  std::string code;         // stable snake_case, e.g. "legal_review_required"
  std::string legal_basis;  // the law it rests on, e.g. "APL art. 58"
  // The same in Chinese, the law by its official title
  // (《中华人民共和国行政处罚法》第五十八条); "" when the finding has no
  // Chinese form (a caller then shows legal_basis).
  std::string legal_basis_zh;
  // For people: every finding is written in both languages, so a report is
  // read in one. Reasons that come from below the audit in English only (a
  // decoder's or the storage's error text) stay in `message`; the Chinese
  // names the fault and where it is.
  std::string message;      // in English
  std::string message_zh;   // in Chinese
};

ZF_EXPORT std::string_view AuditFindingKindName(AuditFinding::Kind kind);

struct AuditSummary {
  std::uint64_t events_read = 0;
  std::uint64_t commands_checked = 0;     // groups of events of one command in scope
  std::uint64_t commands_redecided = 0;   // decided again and compared
  std::uint64_t commands_unrecorded = 0;  // no recorded command (see docs/audit.md)
  std::uint64_t decisions_checked = 0;    // decision events re-checked for procedure
  std::uint64_t deadlines_checked = 0;    // (case, deadline) pairs looked at
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  std::string reference_time;             // the latest occurred_at in the log
  std::string ledger_hash;                // recomputed at last_position
  std::map<std::string, std::uint64_t> findings;  // per kind name
  double elapsed_seconds = 0;
  std::uint64_t TotalFindings() const {
    std::uint64_t n = 0;
    for (const auto& [kind, count] : findings) n += count;
    return n;
  }
};

using AuditSink = std::function<void(const AuditFinding&)>;

// The JSON forms `zfcli audit verify --json` and the HTTP API print: a
// finding's fields by name (kind as AuditFindingKindName), and the summary
// with `ok`, the counts and findings per kind (all four kinds present).
ZF_EXPORT boost::json::object AuditFindingToJson(const AuditFinding& finding);
ZF_EXPORT boost::json::object AuditSummaryToJson(const AuditSummary& summary);

// Audits the store with the engine options the commands were decided under.
// The Result fails only when the audit could not run (storage).
ZF_EXPORT Result<AuditSummary> AuditStore(const EventStore& store, const EngineOptions& options,
                                          const AuditOptions& audit, const AuditSink& sink);

// The dossier of one case (docs/audit.md §3): a self-contained JSON-lines
// file an auditor verifies without the store. Written to `out`.
ZF_EXPORT Status WriteDossier(const EventStore& store, std::string_view case_id,
                              std::ostream& out);

// Verifies a dossier offline: every hash, the included stream chains, the
// ledger segment up to the stated head, then the case's commands decided
// again from the included events. Findings go to the sink as for an audit.
// The Result fails only when `in` cannot be read at all.
ZF_EXPORT Result<AuditSummary> VerifyDossier(std::istream& in, const EngineOptions& options,
                                             const AuditSink& sink);

}  // namespace zf

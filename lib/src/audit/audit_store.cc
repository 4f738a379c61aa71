// AuditStore: the chain check (EventStore::VerifyChain) and then one pass
// of the log through the ReDecider. Both stream: memory holds the folded
// state, never the log.
#include <chrono>

#include <fmt/format.h>

#include "audit/re_decider.h"
#include "zf/audit.h"

namespace zf {

std::string_view AuditFindingKindName(AuditFinding::Kind kind) {
  switch (kind) {
    case AuditFinding::Kind::kIntegrity:
      return "integrity";
    case AuditFinding::Kind::kNotRederivable:
      return "not_rederivable";
    case AuditFinding::Kind::kProcedure:
      return "procedure";
    case AuditFinding::Kind::kDeadline:
      return "deadline";
  }
  return "unknown";
}

boost::json::object AuditFindingToJson(const AuditFinding& f) {
  return {{"kind", AuditFindingKindName(f.kind)},
          {"case_id", f.case_id},
          {"stream", f.stream},
          {"position", f.position},
          {"version", f.version},
          {"event_type", f.event_type},
          {"command_id", f.command_id},
          {"rule", f.rule},
          {"code", f.code},
          {"legal_basis", f.legal_basis},
          {"message", f.message}};
}

boost::json::object AuditSummaryToJson(const AuditSummary& s) {
  boost::json::object counts;
  for (std::string_view kind : {"integrity", "not_rederivable", "procedure", "deadline"}) {
    auto it = s.findings.find(std::string(kind));
    counts[kind] = it == s.findings.end() ? 0 : it->second;
  }
  return {{"ok", s.TotalFindings() == 0},
          {"events_read", s.events_read},
          {"commands_checked", s.commands_checked},
          {"commands_redecided", s.commands_redecided},
          {"commands_unrecorded", s.commands_unrecorded},
          {"decisions_checked", s.decisions_checked},
          {"deadlines_checked", s.deadlines_checked},
          {"first_position", s.first_position},
          {"last_position", s.last_position},
          {"reference_time", s.reference_time},
          {"ledger_hash", s.ledger_hash},
          {"findings", std::move(counts)},
          {"elapsed_seconds", s.elapsed_seconds}};
}

Result<AuditSummary> AuditStore(const EventStore& store, const EngineOptions& options,
                                const AuditOptions& audit, const AuditSink& sink) {
  const auto start = std::chrono::steady_clock::now();
  AuditSummary summary;
  internal::FindingSink findings(sink, audit.max_findings, &summary);
  const std::string case_stream = audit.case_id.empty() ? "" : "case/" + audit.case_id;

  // Integrity: hashes, stream chains, ledger, index.
  VerifyOptions verify;
  verify.from_position = audit.from_position;
  verify.to_position = audit.to_position;
  verify.max_findings = audit.max_findings;
  ZF_ASSIGN_OR_RETURN(ChainReport chain, store.VerifyChain(verify));
  for (const ChainFinding& c : chain.findings) {
    // A case audit keeps what concerns its stream or the log as a whole.
    if (!case_stream.empty() && !c.stream.empty() && c.stream != case_stream) continue;
    AuditFinding f;
    f.kind = AuditFinding::Kind::kIntegrity;
    f.stream = c.stream;
    if (c.stream.starts_with("case/")) f.case_id = c.stream.substr(5);
    f.position = c.position;
    f.version = c.version;
    f.rule = "chain";
    f.code = std::string(ChainFindingKindName(c.kind));
    f.legal_basis = "docs/event-format.md (SM3 event hash, stream chain, ledger)";
    f.message = c.detail;
    findings.Report(std::move(f));
  }
  summary.ledger_hash = chain.ledger_hash;

  // Re-decision, procedure and deadlines, in one pass from position 1 (the
  // state before the range is folded, not checked).
  internal::ReDecider::Scope scope{audit.case_id, audit.from_position, audit.to_position};
  internal::CommandLookup lookup =
      [&store](std::string_view id) -> Result<std::optional<RecordedCommand>> {
    auto recorded = store.ReadCommand(id);
    if (recorded.ok()) return std::optional<RecordedCommand>(std::move(*recorded));
    if (recorded.status().code() == StatusCode::kNotFound) {
      return std::optional<RecordedCommand>();
    }
    return recorded.status();
  };
  internal::ReDecider decider(options, scope, lookup, &findings, &summary, &store);
  auto cursor = store.ReadAll(1);
  for (; cursor->Valid() && cursor->event().position <= audit.to_position; cursor->Next()) {
    ZF_RETURN_IF_ERROR(decider.Feed(cursor->event()));
  }
  if (!cursor->status().ok()) {
    AuditFinding f;
    f.kind = AuditFinding::Kind::kIntegrity;
    f.position = summary.last_position + 1;
    f.rule = "chain";
    f.code = "unreadable";
    f.legal_basis = "docs/event-format.md";
    f.message = fmt::format("the log cannot be read past position {}: {}", summary.last_position,
                            cursor->status().message());
    findings.Report(std::move(f));
  }
  ZF_RETURN_IF_ERROR(decider.Finish());
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace zf

// AuditStore: the chain check (EventStore::VerifyChain) and one pass of
// the log through the ReDecider, one after the other on one thread or side
// by side on several. Both stream: memory holds the folded state and a
// window of groups read ahead, never the log.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "audit/group_reader.h"
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
          {"legal_basis_en", f.legal_basis},
          {"legal_basis_zh", f.legal_basis_zh.empty() ? f.legal_basis : f.legal_basis_zh},
          {"message", f.message},
          {"message_zh", f.message_zh}};
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

namespace {

// How many groups the reader may prepare ahead of the re-decision: enough
// to keep the preparers busy while a slow group is decided, small enough
// to be no memory to speak of (a group is a command's few events).
constexpr std::size_t kReadAheadGroups = 512;

VerifyOptions ChainOptions(const AuditOptions& audit) {
  VerifyOptions verify;
  verify.from_position = audit.from_position;
  verify.to_position = audit.to_position;
  verify.max_findings = audit.max_findings;
  verify.anchors = audit.anchors;
  return verify;
}

// Integrity: hashes, stream chains, ledger, index.
void ReportChain(const ChainReport& chain, const AuditOptions& audit,
                 internal::FindingSink* findings) {
  const std::string case_stream = audit.case_id.empty() ? "" : "case/" + audit.case_id;
  for (const ChainFinding& c : chain.findings) {
    // A case audit keeps what concerns its stream or the log as a whole.
    if (!case_stream.empty() && !c.stream.empty() && c.stream != case_stream) continue;
    AuditFinding f;
    f.kind = AuditFinding::Kind::kIntegrity;
    f.stream = c.stream;
    if (c.stream.starts_with("case/")) f.case_id = c.stream.substr(5);
    f.position = c.position;
    f.version = c.version;
    const bool anchor = c.kind == ChainFinding::Kind::kAnchorBeyondHead ||
                        c.kind == ChainFinding::Kind::kAnchorMismatch ||
                        c.kind == ChainFinding::Kind::kAnchorSignature;
    f.rule = anchor ? "anchor" : "chain";
    f.code = std::string(ChainFindingKindName(c.kind));
    f.legal_basis = anchor ? "docs/audit.md §6 (signed ledger checkpoints, SM2)"
                           : "docs/event-format.md (SM3 event hash, stream chain, ledger)";
    f.legal_basis_zh = anchor ? "docs/audit.md §6（SM2 签名的总账检查点）"
                              : "docs/event-format.md（SM3 事件哈希、流哈希链、总账）";
    f.message = c.detail;
    f.message_zh = c.DetailZh();
    findings->Report(std::move(f));
  }
}

internal::CommandLookup LookupIn(const EventStore& store) {
  return [&store](std::string_view id) -> Result<std::optional<RecordedCommand>> {
    auto recorded = store.ReadCommand(id);
    if (recorded.ok()) return std::optional<RecordedCommand>(std::move(*recorded));
    if (recorded.status().code() == StatusCode::kNotFound) {
      return std::optional<RecordedCommand>();
    }
    return recorded.status();
  };
}

// The cursor stopped on an error: the log cannot be read past the last
// event fed.
void ReportUnreadable(const Status& cursor, const AuditSummary& summary,
                      internal::FindingSink* findings) {
  if (cursor.ok()) return;
  AuditFinding f;
  f.kind = AuditFinding::Kind::kIntegrity;
  f.position = summary.last_position + 1;
  f.rule = "chain";
  f.code = "unreadable";
  f.legal_basis = "docs/event-format.md";
  f.legal_basis_zh = "docs/event-format.md";
  f.message = fmt::format("the log cannot be read past position {}: {}", summary.last_position,
                          cursor.message());
  // (The storage's reason is English technical text, kept in the English.)
  f.message_zh = fmt::format("日志在位置 {} 之后无法读取", summary.last_position);
  findings->Report(std::move(f));
}

// Everything on the calling thread: the chain check, then one pass of the
// log through the re-decider (the state before the range is folded, not
// checked).
Status AuditOnOneThread(const EventStore& store, const EngineOptions& options,
                        const AuditOptions& audit, internal::FindingSink* findings,
                        AuditSummary* summary) {
  ZF_ASSIGN_OR_RETURN(ChainReport chain, store.VerifyChain(ChainOptions(audit)));
  ReportChain(chain, audit, findings);
  summary->ledger_hash = chain.ledger_hash;
  internal::AuditScope scope{audit.case_id, audit.from_position, audit.to_position};
  internal::ReDecider decider(options, scope, LookupIn(store), findings, summary, &store);
  auto cursor = store.ReadAll(1);
  for (; cursor->Valid() && cursor->event().position <= audit.to_position; cursor->Next()) {
    ZF_RETURN_IF_ERROR(decider.Feed(cursor->event()));
  }
  ReportUnreadable(cursor->status(), *summary, findings);
  return decider.Finish();
}

// The same audit on `jobs` threads, with the same findings in the same
// order. The chain check runs on a thread of its own; its findings come
// first, so until it is done the re-decision's findings are held back (at
// most max_findings of them: any later one could only be counted). The
// log is read and each group prepared by a GroupReader; this thread
// decides, checks and folds the groups in position order, so every
// decision sees the state a one-thread audit gives it.
Status AuditOnThreads(const EventStore& store, const EngineOptions& options,
                      const AuditOptions& audit, unsigned jobs, internal::FindingSink* findings,
                      AuditSummary* summary) {
  std::optional<Result<ChainReport>> chain;
  std::atomic<bool> chain_done{false};
  std::thread chain_thread([&] {
    pthread_setname_np(pthread_self(), "zf-audit-chain");
    chain.emplace(store.VerifyChain(ChainOptions(audit)));
    chain_done.store(true, std::memory_order_release);
  });
  struct Joiner {
    std::thread& thread;
    ~Joiner() {
      if (thread.joinable()) thread.join();
    }
  } joiner{chain_thread};

  std::vector<AuditFinding> held;
  std::map<std::string, std::uint64_t> held_over;  // per kind, beyond max_findings
  bool chain_reported = false;
  AuditSink gate = [&](const AuditFinding& f) {
    if (chain_reported) {
      findings->Report(f);
    } else if (held.size() < audit.max_findings) {
      held.push_back(f);
    } else {
      ++held_over[std::string(AuditFindingKindName(f.kind))];
    }
  };
  // Counts into a scratch summary: the findings are counted when they
  // reach `findings`.
  AuditSummary uncounted;
  internal::FindingSink gated(gate, SIZE_MAX, &uncounted);
  auto report_chain = [&]() -> Status {
    if (chain_thread.joinable()) chain_thread.join();
    if (!chain->ok()) return chain->status();
    ReportChain(**chain, audit, findings);
    summary->ledger_hash = (*chain)->ledger_hash;
    for (AuditFinding& f : held) findings->Report(std::move(f));
    for (const auto& [kind, n] : held_over) summary->findings[kind] += n;
    held.clear();
    chain_reported = true;
    return Status::Ok();
  };

  internal::AuditScope scope{audit.case_id, audit.from_position, audit.to_position};
  const internal::CommandLookup lookup = LookupIn(store);
  internal::ReDecider decider(options, scope, lookup, &gated, summary, &store);
  internal::GroupReader reader(store, scope, lookup, jobs - 2, kReadAheadGroups);
  Status redecided;
  bool ended = false;  // the log's last group was handed out
  while (internal::PreparedGroup* group = reader.Next()) {
    decider.Count(*group);
    if (group->last_of_log) {
      ended = true;
      ReportUnreadable(reader.status(), *summary, &gated);
    }
    redecided = decider.Check(group);
    if (!redecided.ok()) break;
    if (!chain_reported && chain_done.load(std::memory_order_acquire)) {
      redecided = report_chain();
      if (!redecided.ok()) break;
    }
  }
  if (redecided.ok() && !ended) ReportUnreadable(reader.status(), *summary, &gated);
  if (redecided.ok()) redecided = decider.Finish();
  reader.Stop();
  // The chain check's failure comes first, as on one thread.
  if (!chain_reported) ZF_RETURN_IF_ERROR(report_chain());
  return redecided;
}

}  // namespace

Result<AuditSummary> AuditStore(const EventStore& store, const EngineOptions& options,
                                const AuditOptions& audit, const AuditSink& sink) {
  const auto start = std::chrono::steady_clock::now();
  AuditSummary summary;
  internal::FindingSink findings(sink, audit.max_findings, &summary);
  const unsigned jobs =
      audit.jobs != 0 ? audit.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (jobs == 1) {
    ZF_RETURN_IF_ERROR(AuditOnOneThread(store, options, audit, &findings, &summary));
  } else {
    ZF_RETURN_IF_ERROR(AuditOnThreads(store, options, audit, jobs, &findings, &summary));
  }
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace zf

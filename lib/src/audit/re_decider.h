// The auditor's core: fed the log's events in position order, it folds
// them into the same World the engine decides on and, for every command's
// group of events in scope, decides the recorded command again, re-checks
// the decision's invariants with its stored values and checks the case's
// deadlines. The store audit (audit_store.cc) and the offline dossier
// verifier (dossier.cc) feed it; memory holds the World and one group.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "zf/audit.h"
#include "zf/event_store.h"

namespace zf::internal {

// The recorded command of a command id: nullopt when the store has no
// record of it at all.
using CommandLookup =
    std::function<Result<std::optional<RecordedCommand>>(std::string_view command_id)>;

// Counts findings into the summary and passes at most `limit` on.
class FindingSink {
 public:
  FindingSink(const AuditSink& sink, std::size_t limit, AuditSummary* summary)
      : sink_(sink), limit_(limit), summary_(summary) {}
  void Report(AuditFinding finding);

 private:
  const AuditSink& sink_;
  std::size_t limit_;
  std::size_t reported_ = 0;
  AuditSummary* summary_;
};

// Whether commands of the engine target `stream` (case/…, rules/…, org,
// grid_ticket/…): their events must have a recorded command.
bool IsEngineStream(std::string_view stream);

// "I5" from "APL art. 58; spec I5", else "".
std::string RuleOf(std::string_view legal_basis);

class ReDecider {
 public:
  struct Scope {
    std::string case_id;  // "" = every stream
    std::uint64_t from_position = 1;
    std::uint64_t to_position = UINT64_MAX;
  };

  // With `store` (the store the events come from), aggregates are kept in a
  // cache of options.cache_aggregates and folded again from their streams
  // up to the last position fed when needed; the cross-case indexes are
  // built from the events fed, never read from the store's index rows.
  // Without, everything fed is held in memory (a dossier).
  ReDecider(const EngineOptions& options, Scope scope, CommandLookup lookup,
            FindingSink* findings, AuditSummary* summary, const EventStore* store = nullptr);
  ReDecider(const ReDecider&) = delete;
  ReDecider& operator=(const ReDecider&) = delete;

  // REQUIRES: events in increasing position order.
  Status Feed(const EventRecord& event);
  // Flushes the last group and checks the deadlines still open at the
  // reference time (the latest occurred_at fed).
  Status Finish();

 private:
  Status FlushGroup();
  bool InScope(const EventRecord& first) const;
  void ReDecide(const RecordedCommand* recorded);
  void CheckRecord(const RecordedCommand& recorded);
  void CheckProcedure();
  void ReportProcedure(const EventRecord& event, const Rejection& rejection);
  void CheckDeadlines(std::string_view case_id, std::int64_t at_micros, bool at_end);
  void Fold();
  AuditFinding FindingAt(AuditFinding::Kind kind, const EventRecord& event) const;

  const EngineOptions& options_;
  Scope scope_;
  CommandLookup lookup_;
  FindingSink* findings_;
  AuditSummary* summary_;
  RuleBook rules_;
  CaseBook cases_;
  std::uint64_t folded_through_ = 0;  // the last position folded into cases_
  std::vector<EventRecord> group_;  // one command's events
  std::int64_t latest_micros_ = INT64_MIN;
  std::string latest_text_;
  // Deadline breaches already reported: "case/D9/2023-04-01".
  std::set<std::string> breaches_;
  // Per case id, its latest event: what a deadline still open at the end
  // was last waiting after.
  struct LastAct {
    std::uint64_t position = 0;
    std::uint64_t version = 0;
    std::string type;
    std::string command_id;
  };
  std::unordered_map<std::string, LastAct> last_act_;
};

}  // namespace zf::internal

// The auditor's core: fed the log's events in position order, it folds
// them into the same World the engine decides on and, for every command's
// group of events in scope, decides the recorded command again, re-checks
// the decision's invariants with its stored values and checks the case's
// deadlines. The store audit (audit_store.cc) and the offline dossier
// verifier (dossier.cc) feed it; memory holds the World and one group.
//
// The work is split in two so that an audit can spread it over threads:
// PrepareGroup does what needs no folded state (looking the recorded
// command up, parsing and validating it) and may run ahead on any thread; ReDecider::Check decides, checks
// and folds, one group after the other in position order, on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/case_book.h"
#include "domain/decider.h"
#include "rules/rule_book.h"
#include "zf/audit.h"
#include "util/name_set.h"
#include "util/rfc3339.h"
#include "zf/command.h"
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

// Which commands an audit checks (the rest is folded unchecked).
struct AuditScope {
  std::string case_id;  // "" = every stream
  std::uint64_t from_position = 1;
  std::uint64_t to_position = UINT64_MAX;
};

// One command's events (consecutive, same stream and command id) as read
// from the log, with what can be worked out without the folded state.
struct PreparedGroup {
  std::vector<EventRecord> events;
  // Each event's occurred_at in microseconds (INT64_MIN: does not parse).
  std::vector<std::int64_t> occurred_micros;
  // The rest is filled only for a group whose first event is in scope.
  bool in_scope = false;
  // Not OK: the lookup itself failed (storage); the audit stops there.
  Status lookup_status;
  std::optional<RecordedCommand> recorded;  // nullopt: no command record
  // Whether the record names exactly these events (stream, positions,
  // versions, the last hash): compared here, off the deciding thread, whose
  // caches the record never touched.
  bool record_matches = false;
  // When the record holds a command's text: the finding parsing it gives
  // ("command_unreadable", "command_invalid", "command_mismatch", with its
  // message), or empty when it parsed into `command` for `spec` at `at`.
  std::string parse_code;
  std::string parse_message;     // in English
  std::string parse_message_zh;  // in Chinese
  Command command;
  const CommandSpec* spec = nullptr;
  Timestamp at;
  // The last event of the log fed (the audit's reader marks it: what
  // happens at the end of the log is reported before it is checked).
  bool last_of_log = false;
};

// Prepares `events` for ReDecider::Check. Thread-safe when `lookup` is.
PreparedGroup PrepareGroup(std::vector<EventRecord> events, const AuditScope& scope,
                           const CommandLookup& lookup);

// Whether commands of the engine target `stream` (case/…, rules/…, org,
// grid_ticket/…): their events must have a recorded command.
bool IsEngineStream(std::string_view stream);

// The invariant of docs/domain.md a rejection enforces ("I5" for
// legal_review_required), else "".
std::string RuleOf(const Rejection& rejection);

class ReDecider {
 public:
  using Scope = AuditScope;

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

  // For a caller that cuts the log into groups and prepares them itself
  // (the parallel store audit), instead of Feed(): Count() when a group is
  // read, Check() to decide, check and fold it.
  // REQUIRES: groups in position order, each counted before it is checked.
  // Check() leaves the group's contents in *group for its owner to free
  // (the parallel audit frees them on the thread that allocated them:
  // glibc frees a block from another thread's arena under that arena's
  // lock, which cost a fifth of the audit's CPU).
  void Count(const PreparedGroup& group);
  Status Check(PreparedGroup* group);

  // Flushes the last group and checks the deadlines still open at the
  // reference time (the latest occurred_at fed).
  Status Finish();

 private:
  void CountEvent(const EventRecord& event, std::int64_t occurred_micros);
  Status FlushGroup();
  bool InScope(const EventRecord& first) const;
  void ReDecide(const PreparedGroup& prepared);
  void CheckRecord(const PreparedGroup& prepared);
  void CheckProcedure();
  // The seal of a penalty decision event against the seal of its agency in
  // force on the decision's date (rules_ as of before the event):
  // seal_missing, seal_invalid.
  void CheckSeal(const EventRecord& event);
  void ReportProcedure(const EventRecord& event, const Rejection& rejection);
  void CheckDeadlines(const CaseState& c, std::int64_t at_micros, bool at_end);
  // Whether case `c`, as folded after an event at `at_micros`, may have a
  // deadline open at any later moment.
  bool MayStayOpen(const CaseState& c, std::int64_t at_micros) const;
  void Fold();
  AuditFinding FindingAt(AuditFinding::Kind kind, const EventRecord& event) const;

  const EngineOptions& options_;
  Scope scope_;
  CommandLookup lookup_;
  FindingSink* findings_;
  AuditSummary* summary_;
  const EventStore* const store_;  // null: a dossier, fed from memory
  RuleBook rules_;
  CaseBook cases_;
  std::uint64_t folded_through_ = 0;  // the last position folded into cases_
  std::vector<EventRecord> pending_;  // Feed(): the command's events so far
  std::vector<EventRecord> group_;    // the events being checked
  std::int64_t latest_micros_ = INT64_MIN;
  std::string latest_text_;
  // Deadline breaches already reported: "case/D9/2023-04-01".
  std::set<std::string> breaches_;
  // Per case id, the position and version of its latest event: what a
  // deadline still open at the end was last waiting after. With a store
  // only these are kept (about 48 bytes a case, id included: this grows
  // with the cases) and a finding at the end reads the event's type and
  // command id back; without one (a dossier) they are kept in last_names_.
  // last_act_ is numbered as last_act_ids_.
  struct LastAct {
    std::uint64_t position = 0;
    std::uint64_t version = 0;
    // MayStayOpen() after that event: whether Finish() checks the case.
    bool may_stay_open = true;
  };
  NameSet last_act_ids_;
  std::vector<LastAct> last_act_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> last_names_;
};

}  // namespace zf::internal

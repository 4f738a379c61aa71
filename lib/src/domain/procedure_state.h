// The ordinary-procedure part of a case (docs/domain.md, Ordinary procedure–Invariants): investigation,
// evidence, proposal, reviews, notice, hearing and the decision, with the
// decision clock D9 (APL art. 60) and its pauses and extensions.
//
// Lifecycle states (CaseState::state) this part sets: investigating,
// suspended, terminated, filing_revoked, concluded, pre_notice,
// notice_served, hearing_requested, hearing_scheduled, hearing_held,
// ready_to_decide, decided (docs/events.md §2).
//
// "After" between procedure steps is the order of the case stream (the
// event's version): the legal review of I5 must be recorded after the
// conclusion, the hearing and the last change of the proposal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "zf/calendar.h"
#include "zf/result.h"

namespace zf::internal {

// The decision (行政处罚决定, O20), as recorded by decision_made.
struct DecisionRecord {
  // penalty | no_penalty | criminal_transfer | jurisdiction_transfer
  std::string type;
  std::string document_number;  // 决定书文号
  Date decided_on;
  std::int64_t decided_at = 0;  // unix micros
  // In whose name and under whose seal (I9): the handling subject and its
  // legal name (a township government for delegated items).
  std::string handling_subject;
  std::string issuer_name;
  std::vector<std::string> penalty_types;  // glossary ids: warning, fine, ...
  std::int64_t fine_fen = 0;
  std::int64_t confiscation_fen = 0;
  // The rules it was judged on (the four lists and the benchmarks): recorded so an audit re-checks
  // against the same versions.
  std::string benchmark_id;
  std::int64_t benchmark_version = 0;
  std::vector<std::string> leniency_entries;  // "entry_id@version"
  bool correction_ordered = false;            // APL 28: order to correct
};

// One evidence record (docs/domain.md, Ordinary procedure).
struct EvidenceRecord {
  std::string evidence_id;
  std::string category;  // one of the nine of APL art. 46
  Date collected_on;
  std::vector<std::string> officers;  // >= 2, credentials checked that day
  std::string joint_action_id;        // "" unless it came from a joint action
  std::uint64_t version = 0;          // stream version that recorded it
};

// The proposal of the investigation report (O8), or its change at O18.
struct ProposalRecord {
  // penalty | no_penalty | criminal_transfer | jurisdiction_transfer
  std::string outcome;
  std::vector<std::string> penalty_types;
  std::int64_t fine_fen = 0;
  std::int64_t confiscation_fen = 0;
  std::string adjustment;  // lighter | general | heavier | mitigated
  boost::json::object data;  // the proposal as recorded (ProposalToJson)
};

// The pre-decision notice (事先告知, O11) as served.
struct NoticeRecord {
  Date served_on;
  std::string method;
  ProposalRecord notified;  // what the party was told
  bool hearing_rights = false;
  Date statement_due_on;        // D6
  Date hearing_request_due_on;  // D7
  std::uint64_t version = 0;
};

// The hearing (O13–O17).
struct HearingRecord {
  // requested | withdrawn | scheduled | held | absent
  std::string status;
  Date requested_on;
  std::optional<Date> hearing_on;
  std::string presiding_officer;
  std::uint64_t held_version = 0;  // hearing_held / hearing_terminated
};

// The decision clock D9 (APL art. 60): from the filing date, paused by
// suspension and the excluded periods, extended by the head (+30 days) and
// then by collective discussion to a set end date.
struct DecisionClock {
  std::vector<ClockPause> pauses;      // closed pauses
  std::optional<Date> paused_since;    // an open pause
  std::string pause_reason;            // of the open pause
  std::vector<ClockExtension> extensions;  // head approvals
  std::optional<Date> extended_until;  // collective discussion's end date

  // The due date as of `as_of` (an open pause counted as if it ended on
  // `as_of`): PausableDue over the pauses and head extensions, then the
  // collective discussion's end date when it is later. Errors as
  // PausableDue's.
  Result<Date> DueOn(Date filed_on, int limit_days, Date as_of) const;
};

struct ProcedureState {
  // Every officer who took part in an investigative act (the filing's
  // handlers, evidence collectors, preservation officers), for I1 and I11.
  std::vector<std::string> investigators;
  // (officer, day) of every investigative act, for I1's credential check.
  std::vector<std::pair<std::string, Date>> acts;
  std::vector<EvidenceRecord> evidence;
  std::vector<std::string> preservations;  // preservation ids

  DecisionClock clock;
  std::string state_before_suspension;

  // The investigation report (O8).
  std::optional<ProposalRecord> proposal;
  bool is_major = false;
  bool is_complex = false;
  std::uint64_t concluded_version = 0;
  // The day of the last conclusion: the case materials go to the internal
  // case review then, and D5 runs from it (unset in the fold of a history
  // without a conclusion).
  std::optional<Date> concluded_on;
  std::uint64_t proposal_changed_version = 0;

  // Reviews (O9, O10) and who did them (I11).
  bool case_review_passed = false;
  // The day of the case review after the last conclusion (D5 met), if any.
  std::optional<Date> case_reviewed_on;
  std::uint64_t legal_review_pass_version = 0;
  std::vector<std::string> reviewers;  // case and legal reviewers, hearing officers

  // Recusal (回避, APL art. 43; I11): the officers the agency head ordered
  // to withdraw from the case (recusal_decided, outcome recused), who may
  // no longer investigate, review, preside or approve in it; and the
  // officers named in the party's requests not yet decided.
  std::vector<std::string> recused;
  std::vector<std::string> recusal_requests;

  std::optional<NoticeRecord> notice;
  bool rights_waived = false;  // express written waiver (APL art. 62)
  bool renotice_required = false;
  std::optional<HearingRecord> hearing;
  bool re_examined = false;
  std::uint64_t collective_discussion_version = 0;

  std::optional<DecisionRecord> decision;
};

}  // namespace zf::internal

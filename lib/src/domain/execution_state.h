// The part of a case after the decision (docs/domain.md, "Simplified procedure" to "Closing, archiving and case-file review", "Deadlines"): service,
// the on-the-spot procedure, payment and its relief, court enforcement,
// transfers, withdrawal, closure, archiving, and which deadline reports
// were already emitted. Folded by the evolvers beside the execution,
// simplified, transfer and deadline deciders.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

struct CaseState;

// A signed service address confirmation (送达地址确认书): the party's
// consent to electronic service (APL art. 61 ¶2).
struct AddressConfirmation {
  Date signed_on;
  std::string channel;  // sms | email | platform | postal
  std::string address;
};

// How and when the decision reached the party (O21).
struct ServiceRecord {
  // direct | refusal_noted | postal | entrusted | electronic | publication
  std::string method;
  Date served_on;            // the day service took effect
  std::int64_t recorded_at = 0;
  std::optional<Date> published_on;  // publication: deemed served 30 days later (D23)
  bool late = false;         // after D12 (7 working days from the decision)
};

// One instalment of a fine paid in parts (APL art. 66).
struct Instalment {
  Date due_on;
  std::int64_t amount_fen = 0;
  std::int64_t paid_fen = 0;
};

// The money side of execution (APL arts. 66–73).
struct PaymentState {
  bool notice_issued = false;
  std::string notice_number;
  std::string non_tax_code;
  std::int64_t fine_fen = 0;  // what is owed (a varied decision changes it)
  std::optional<Date> due_on;  // D16, or the deferral's end
  std::string mode;           // "" | deferred | instalments
  std::vector<Instalment> instalments;
  std::int64_t paid_fen = 0;            // paid towards the fine
  std::int64_t surcharge_paid_fen = 0;  // paid towards the late surcharge
  std::optional<Date> settled_on;       // the day the fine was paid in full
  bool collected_on_spot = false;       // APL art. 68 (当场收缴)
  // D18 (APL art. 71): cash collected on the spot goes to the agency within
  // 2 working days (hand_over_due_on, from fine_collected_on_spot) and from
  // the agency to the designated bank within 2 more.
  std::int64_t cash_collected_fen = 0;
  std::optional<Date> cash_collected_on;
  std::optional<Date> cash_hand_over_due_on;
  std::optional<Date> cash_handed_over_on;
  std::optional<Date> cash_deposit_due_on;
  std::optional<Date> cash_deposited_on;
  std::optional<Date> relief_end;       // deferral / last instalment (APL 72 ¶2)

  std::int64_t Outstanding() const { return fine_fen > paid_fen ? fine_fen - paid_fen : 0; }
};

// A reconsideration or a lawsuit against the decision.
struct ReviewRecord {
  std::string kind;  // reconsideration | litigation
  Date filed_on;
  std::optional<Date> decided_on;
  std::string outcome;  // "" while pending; upheld | revoked | varied
};

// Court enforcement (ACL arts. 53–54).
struct EnforcementState {
  std::optional<Date> reminder_served_on;  // 催告
  std::optional<Date> applied_on;          // application to the court
  std::string court_outcome;               // "" | enforced | terminated
};

// The simplified procedure (docs/domain.md, Simplified procedure).
struct OnSpotState {
  bool issued = false;
  Date decided_on;
  std::int64_t decided_at = 0;
  std::optional<Date> reported_on;  // 备案 (D13)
  std::vector<std::string> officers;
};

// Case handover to another subject (移送管辖, docs/domain.md, Transfers).
struct HandoverState {
  bool pending = false;
  bool accepted = false;
  std::string to_subject;
  std::string township;  // the place the receiver was judged competent for
  std::string previous_state;
  Date handed_over_on;
  std::string receiving_case_id;  // the receiver's own case, if it named one
};

// Transfer of a suspected crime (Order 310).
struct CriminalTransferState {
  bool reported = false;
  std::int64_t reported_at = 0;
  Date reported_on;
  bool approved = false;
  bool refused = false;
  std::int64_t approved_at = 0;
  Date approved_on;
  bool sent = false;
  std::int64_t sent_at = 0;
  bool returned = false;
  std::optional<Date> returned_on;
  bool accepted = false;
  std::string previous_state;

  // Reported and not yet refused or returned: the administrative penalty
  // must wait (Order 310 art. 11).
  bool Open() const { return reported && !refused && !returned; }
};

// One score of the archived file in a case-file review (案卷评查, docs/domain.md).
struct CaseFileScore {
  std::string campaign_id;
  std::string grade;  // excellent | qualified | unqualified
  std::int64_t total = 0;
  bool rectification_required = false;
  std::string reviewer;
  std::int64_t form_score = 0;
  std::int64_t content_score = 0;
  std::vector<std::string> veto_findings;
  std::string scored_on;  // YYYY-MM-DD
};

// The publication of the decision (行政执法公示, APL art. 48; D14, D15).
// Kept apart from the decision: a revoked decision's publication must
// still come down after the decision record is cleared (APL art. 75).
struct PublicationState {
  std::optional<Date> published_on;
  std::string document_number;      // of the decision published
  std::int64_t decision_at = 0;     // decided_at of the decision published
  // The day the published decision was changed or revoked (recorded in
  // the case): D15 runs from it.
  std::optional<Date> changed_on;
  std::optional<Date> withdrawn_on;

  bool Live() const { return published_on.has_value() && !withdrawn_on; }
};

// A licence measure of the decision being executed (APL art. 9; D26):
// licence suspension, business restriction, production suspension or
// practice restriction for a period (temporary), or licence revocation,
// qualification downgrade or closure for good.
struct LicenceMeasureState {
  std::string measure;  // the penalty type
  bool temporary = false;
  Date started_on;
  Date recorded_on;             // the day start_licence_measure recorded it
  std::optional<Date> ends_on;  // temporary: the period's last day (moved by an extension)
  Date check_due_on;            // the follow-up inspection during the measure
  std::optional<Date> end_check_due_on;
  std::optional<Date> checked_on;  // the first follow-up inspection during the measure
  std::string last_result;         // "" | complied | violated
  int extensions = 0;
  std::string outcome;  // "" while running | restored | escalated
  std::optional<Date> ended_on;
};

struct ExecutionState {
  std::optional<AddressConfirmation> address_confirmation;
  std::optional<ServiceRecord> service;
  OnSpotState on_spot;
  PaymentState payment;
  std::vector<ReviewRecord> reviews;
  EnforcementState enforcement;
  HandoverState handover;
  CriminalTransferState criminal;
  // The follow-up inspection of an ordered correction (整改复查, APL art.
  // 28): the day it found the violation corrected, or the last result.
  std::optional<Date> correction_confirmed_on;
  std::string correction_check_result;  // "" | corrected | not_corrected
  bool revoked = false;  // decision_revoked_by_agency or a review revoked it
  std::string closed_ground;
  std::optional<Date> closed_on;
  std::optional<Date> archived_on;
  std::vector<CaseFileScore> file_scores;
  PublicationState publication;
  std::vector<LicenceMeasureState> measures;  // in the order they started
  // Deadline reports already emitted ("breach D9 2023-12-11",
  // "warning D9 2023-12-11 3"), so each is reported once.
  std::set<std::string> deadline_reports;

  bool ReviewPending() const {
    for (const ReviewRecord& r : reviews) {
      if (!r.decided_on) return true;
    }
    return false;
  }
};

// True while a suspected crime has been reported for transfer and is not
// refused or returned: make_decision with a penalty must then be rejected
// (Order 310 art. 11: an administrative penalty must not replace a
// transfer; APL art. 27). The procedure's make_decision must call it.
bool BlocksPenaltyDecision(const CaseState& c);

}  // namespace zf::internal

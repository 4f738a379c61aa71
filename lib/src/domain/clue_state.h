// The clue part of a case (docs/domain.md, Clue): where it came from, who holds it,
// where it was routed, its verification clock (D2), the soft measures taken
// at the clue stage, and how it left the clue stage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

// A 行政执法提示函 or 责令改正通知书 issued before (or instead of) a case.
struct SoftMeasure {
  std::string kind;  // compliance_reminder_letter | correction_notice
  std::string document_number;
  std::string issued_by;  // the subject in whose name it was issued
  Date issued_on;
  std::optional<Date> due_on;  // correction_notice: correct by this day
};

struct ClueState {
  // inspection | joint_action | grid_report | complaint_or_tip |
  // agency_transfer | superior_assignment | data_monitoring
  std::string source;
  std::string micro_grid;  // grid node id, or ""
  std::string address;
  std::string description;
  std::string registered_by_unit;  // the unit that registered the clue
  std::int64_t registered_at = 0;
  std::string joint_action_id;     // when found during a joint action
  std::string grid_ticket_id;      // when raised from a grid ticket
  std::vector<std::string> attachment_digests;  // SM3 hex of the attachments

  // The facts D1 turns on (APL art. 36): harm was caused, and the act
  // concerns life/health/safety or financial security (as stated; the
  // item's domain may imply the latter, see EngineOptions).
  bool harm_caused = false;
  std::vector<std::string> concerns;  // life_health_safety | financial_security
  // Townships the place borders on (a boundary violation, J5): each is
  // territorially competent besides `township`.
  std::vector<std::string> boundary_with;
  // An explicitly related matter (J5: the same act reported twice).
  std::string related_case_id;
  // The act the clue records (I7, APL art. 29): clues of one party naming
  // the same act_id are one act, whatever their items; "" = its own act
  // (or as EngineOptions::act_identity_default says).
  std::string act_id;

  // The subject that holds the clue now: the registering unit's subject,
  // then the competent subject it was routed, transferred or designated to.
  std::string holder;
  // route_clue (competence resolution at routing).
  std::string routed_to;
  std::string route_reason;  // kReason* of the competence answer
  std::optional<Date> routed_on;
  // transfer_clue (线索移送): who gave it away, and when it was received.
  std::vector<std::string> transferred_from;  // every subject that transferred it, in order
  std::optional<Date> received_on;  // the day the holder received it by transfer/designation
  // Negative conflict (J5, APL art. 25): designation by the common superior.
  std::string designation_requested_by;
  std::string designee;
  // Positive conflict (APL art. 25 ¶2): both the requester and the
  // competing case's subject claim the act; the superior designates one of
  // them, and the designee files despite the first filer.
  bool positive_conflict = false;
  std::vector<std::string> designation_claimants;

  // D2: verification clock, from the day the holder received the clue.
  std::optional<Date> verification_started_on;
  std::optional<Date> verification_clock_from;
  std::optional<Date> verification_due_on;
  bool verification_extended = false;

  std::vector<SoftMeasure> soft_measures;

  // How the clue stage ended without a case.
  std::string declined_reason;  // filing_declined
  std::optional<Date> declined_on;
  std::int64_t declined_at = 0;  // the event's time (unix micros)
  std::string merged_into;      // merge_clue: the case it joined
};

}  // namespace zf::internal

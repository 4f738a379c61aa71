// zf/cases.h — reading cases: dockets and case views, now or as of a
// moment in the past.
//
// Every answer is a fold over the event log. "Now" uses the engine's folded
// state; an AsOf answer replays the log up to that moment, so it shows the
// system as it stood then rather than guessing from the present.
//
// Example:
//   zf::CaseFilter filter;
//   filter.township = "gaosha";
//   auto docket = engine->ListCases(filter, zf::AsOf{.time = "2023-12-31"});
//   for (const zf::CaseSummary& c : *docket) std::cout << c.id << " " << c.state << "\n";
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zf {

// The moment a query answers for. Empty: now.
//  - time: the events that occurred (business time, occurred_at) by then;
//    RFC 3339, or YYYY-MM-DD for the end of that day in China (UTC+8);
//  - position: the events recorded at log positions <= position (what the
//    store held then, whatever their business time).
// Both may be given: an event must pass both.
struct AsOf {
  // Initialised, so that AsOf{.position = n} draws no -Wextra warning.
  std::string time{};
  std::uint64_t position = 0;

  bool IsNow() const { return time.empty() && position == 0; }
};

// Which cases a docket lists; empty fields do not filter.
struct CaseFilter {
  std::string state;             // lifecycle state id, e.g. "investigating"
  std::string handling_subject;  // township or department id (执法主体)
  std::string township;          // where the violation happened
  std::string area;              // enforcement_area id: its townships (as of the answer)
  std::string item_code;
  std::string party;             // party id
  bool open_only = false;        // leave out cases in a final state
};

// One line of a docket.
struct CaseSummary {
  std::string id;
  std::string state;
  std::string procedure;  // "", "ordinary", "simplified"
  std::string item_code;
  std::string township;
  std::string area;  // the township's enforcement area as of the answer ("" if none)
  std::string handling_subject;
  std::string party_id;
  std::string party_name;
  std::string discovered_on;  // YYYY-MM-DD
  std::string filed_on;       // YYYY-MM-DD or ""
  std::string last_event_at;  // occurred_at of the latest event
  std::uint64_t version = 0;
  bool open = true;
};

// Which open deadlines to list (docs/domain.md, Deadlines).
struct DeadlineQuery {
  CaseFilter cases;          // whose cases
  int due_within_days = -1;  // due within N days of the answer's day (-1: any)
  bool breached_only = false;
  // Only deadlines whose plain legal period has run out (limit_on before
  // the answer's day): breached ones, and those pauses or extensions moved
  // past it, whose basis says why.
  bool past_limit_only = false;
};

// One open deadline of one case, as of the answer's day.
struct DeadlineEntry {
  std::string case_id;
  std::string deadline_id;  // "D2" … "D26" (docs/domain.md, "Deadlines")
  std::string label;        // Chinese, e.g. 作出行政处罚决定
  std::string bearer;       // agency | party
  std::string due_on;       // YYYY-MM-DD: the last day the act is in time
  std::int64_t days_left = 0;  // due_on - today; negative when breached
  bool breached = false;       // today is after due_on
  std::string limit_on;        // the plain period's last day, before pauses and extensions
  bool past_limit = false;     // today is after limit_on (breached, or moved past it)
  std::string basis;        // the rule and how the date was reached, in English
  // The same in Chinese, citing the law by its official title:
  // 《中华人民共和国行政处罚法》第六十条：自2023年8月29日立案之日起90日内…
  std::string basis_zh;
  std::string state;
  std::string township;
  std::string handling_subject;
};

// Which grid tickets (网格工单, docs/domain.md, The grid) a list shows; empty fields do not
// filter. Dates are YYYY-MM-DD, inclusive, on the day the ticket was
// reported.
struct GridTicketFilter {
  std::string township;
  std::string state;  // reported, triaged, dispatched, handling, …, closed
  std::string unit;   // dispatched to this unit or the subject it works for
  std::string from;
  std::string to;
};

// Which joint enforcement actions (联合执法行动) a list shows; dates are the
// action's date.
struct JointActionFilter {
  std::string area;   // enforcement_area id
  std::string state;  // planned | closed
  std::string from;
  std::string to;
};

// What rebuilding the inline projections from the events found
// (Engine::ReplayProjections): rows keyed "case_view/<case_id>",
// "grid_ticket_view/<ticket_id>" and "joint_action_view/<joint_action_id>".
struct ProjectionReport {
  std::uint64_t rows = 0;            // read-model rows the events call for
  std::uint64_t index_rows = 0;      // cross-case index rows ("ix/…") they call for
  std::uint64_t reference_rows = 0;  // reference names rows ("names/…") the rules call for
  std::vector<std::string> missing;  // keys the events call for, not stored
  std::vector<std::string> extra;    // keys stored, not called for
  std::vector<std::string> different;  // stored with other content
  bool repaired = false;             // the differences were written over

  bool ok() const { return missing.empty() && extra.empty() && different.empty(); }
};

}  // namespace zf

// zf/engine.h — the command pipeline over an event store.
//
// Execute(command): validate → load the target stream's state → decide
// (a pure function of state, command and the rules in force at command.at)
// → append with the expected version, in one atomic write. A rule that
// refuses the command yields a Rejection value; nothing is stored.
//
// Example:
//   zf::EngineOptions options;
//   auto engine = zf::Engine::Open(options, "./zf-data");
//   if (!engine.ok()) return engine.status();
//   auto command = zf::CommandFromJson(json);
//   auto result = (*engine)->Execute(*command);
//   if (result.ok() && result->outcome == zf::CommandResult::Outcome::kRejected) {
//     std::cerr << result->rejection->code << ": " << result->rejection->legal_basis;
//   }
//
// Thread safety: Execute and ExecuteBatch may be called from many threads.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "zf/calendar.h"
#include "zf/cases.h"
#include "zf/command.h"
#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/result.h"
#include "zf/rules.h"
#include "zf/seal.h"

namespace zf {

struct EngineOptions {
  StoreOptions store;
  // How many aggregates (cases, grid tickets, joint actions, ...) the
  // engine keeps folded in memory. Others are folded from their own stream
  // when a command or a read needs them, so memory is set by this number,
  // not by the history (a case of the generated Shaxian year holds about
  // 5 KB folded). Opening never folds the history: the cross-case indexes
  // are rows of the store (docs/architecture.md "Bounded state").
  // Must be at least 1.
  std::size_t cache_aggregates = 20'000;
  // How many bytes of row repairs a rebuild of the read models
  // (ReplayProjections with repair, or an open that finds the index rows
  // unusable) holds before it writes them. A store whose rows were all
  // lost needs every row rewritten: they go in writes of about this size,
  // so the rebuild's memory stays bounded. Must be at least 1.
  std::size_t repair_chunk_bytes = 8 << 20;
  // Rest-day rules for deadlines (docs/domain.md, Conventions, [U][C]).
  ClockOptions clock;
  // Electronic seals (zf/seal.h): agency id → the private key of its seal.
  // A penalty decision (decision_made, on_spot_decision_issued) of an
  // agency with a seal registered in org and in force on the decision's
  // date is sealed with it; without this key (or with another) the engine
  // refuses the command (kFailedPrecondition) rather than record it
  // unsealed. Agencies with no seal in force decide unsealed. Not used by
  // the audit, which checks seals with the registered public keys.
  std::map<std::string, std::shared_ptr<const SealSigner>> seal_keys;

  // Whether an area chief must have a recorded rank (register_officer
  // "rank"). An officer of rank staff (no leadership post) is always refused
  // as area chief (docs/domain.md, Roles: a deputy-section-level leader); one without a
  // recorded rank is accepted unless this is true. Default false: org data
  // registered before ranks were recorded (the Shaxian sample) stays valid.
  bool area_chief_rank_required = false;

  // --- The ordinary procedure (docs/domain.md, Ordinary procedure–Invariants, Deadlines; docs/events.md §2)
  // D9 (APL art. 60): calendar days from filing to the decision, and the
  // head's extension (MSR [V-2nd][C]).
  int decision_limit_days = 90;
  int decision_extension_days = 30;
  // D6 statement and defence period in working days (MSR 5; some
  // departments use 3) [C].
  int statement_period_working_days = 5;
  // D8: working days that must lie strictly between the hearing notice and
  // the hearing (APL art. 64(2); the strict reading is [U]).
  int hearing_notice_min_working_days = 7;
  // D5 (MSR [V-2nd][C]): working days for the internal case review (案件审核)
  // from the day the materials arrive, the conclusion of the investigation.
  // check_deadlines reports it (deadline_warning, deadline_breached); a late
  // review is still recorded. Must be positive.
  int case_review_working_days = 10;
  // check_deadlines reports D5 for conclusions on or after this date
  // ("YYYY-MM-DD"; Engine::Open refuses anything else). Before issue 15
  // item 9 the check had no D5: a stored check of a concluded case awaiting
  // its review would re-decide with a D5 row the stored events lack. Set it
  // to the day a deployment upgrades. Default 2025-01-01.
  std::string case_review_tracked_from = "2025-01-01";
  // APL art. 58 ¶2: an officer who first does legal review (法制审核) under the
  // 2021 law must have passed the national unified legal professional
  // qualification exam (register_officer legal_qualification "passed").
  // One who did legal review before 2021-07-15 (legal_review_since) is not
  // a first-time reviewer. An officer recorded "none" who is a first-time
  // reviewer is always refused (legal_reviewer_unqualified); one with no
  // qualification recorded is accepted unless this is true. Default false:
  // org data registered before the qualification was recorded (the Shaxian
  // sample) stays valid.
  bool legal_reviewer_qualification_required = false;
  // Whether evidence collected by officers of another agency during a joint
  // action counts for the case, recorded with its provenance (docs/domain.md, Joint enforcement [U]).
  bool cross_subject_evidence_allowed = true;
  // Whether a no-penalty decision needs a pre-decision notice (docs/domain.md, Ordinary procedure
  // [U]; default not).
  bool notice_required_for_no_penalty = false;
  // Whether a mitigated penalty (减轻) needs a collective discussion by local
  // rule (docs/domain.md, Ordinary procedure O19 [C]; default not).
  bool collective_discussion_for_mitigated = false;
  // APL art. 57: a decision names the head (行政机关负责人, an officer with
  // role agency_head of the handling subject) who approved or signed it
  // (make_decision "approved_by"); a named officer who is not is always
  // refused. Whether the name is required: default false, so decisions
  // recorded before approved_by existed (the Shaxian sample) decide as they
  // did; an agency head acting in person signs by acting.
  bool decision_approval_required = false;
  // 行政复议法 (2023) art. 24: the decisions of a unit that decides in a
  // city bureau's name (a department of level city, e.g. 三明市生态环境局)
  // go to that city's people's government for reconsideration, others to
  // the district government. Applied to decisions made on or after this
  // date ("YYYY-MM-DD"; default the day the 2023 revision took effect);
  // earlier decisions name the district government, as the engine always
  // recorded them (stored histories decide the same).
  std::string reconsideration_by_issuer_from = "2024-01-01";
  // J3 (docs/domain.md, Competence resolution, [U][C]): item codes whose original department keeps the
  // power inside a township even when the item is delegated to it (e.g. for
  // major or cross-township cases). Default: none.
  std::vector<std::string> department_retains_for;

  // --- Clues (docs/domain.md, "Clue", D1, D2, "The grid") -----------------------------------
  // D2: working days to verify a clue and decide whether to file it,
  // counted from the day the handling subject received it; and the one
  // extension an agency head may approve. MSR art. 18 [V]; [C] for other
  // departments.
  int verification_working_days = 15;
  int verification_extension_working_days = 15;
  // D2 for a clue raised from a grid ticket: the clock starts on the day the
  // competent subject received the dispatch (docs/domain.md, The grid [U]); false = on the
  // day the clue was discovered.
  bool verification_from_dispatch_receipt = true;
  // D1 (APL art. 36 [V]): an act must be discovered within this many years
  // of the day it ended ...
  int limitation_years = 2;
  // ... or within this many when it concerns citizens' life, health and
  // safety or financial security AND caused harm.
  int limitation_years_extended = 5;
  // Power item domains whose violations concern life, health and safety or
  // financial security by their nature [C]; for other items the clue or the
  // filing states it ("concerns"). Harm must always be stated.
  std::vector<std::string> limitation_extended_domains = {
      "safety_production", "food_safety", "drug_safety", "public_health",
      "financial_security"};
  // J4 (docs/domain.md, Competence resolution [U]): the subject that filed a case keeps it when the
  // item is withdrawn or changed afterwards; the case gets a warning.
  bool filer_keeps_case_on_item_change = true;

  // --- The law on the penalty (docs/domain.md, Leniency: the four lists, Discretion; docs/events.md §3) ---------
  // I7, APL art. 29 ("one act"): which cases of one party record the same
  // act when nothing links them. "case" (default): each clue records its
  // own act unless it names an act_id (register_clue, record_joint_finding)
  // or a related_case_id; two violations found in one inspection are two
  // acts. "act_date": besides those links, cases with the same act date
  // are one act (the engine's rule before act ids).
  std::string act_identity_default = "case";
  // "First violation" (首违不罚, docs/domain.md, Leniency: the four lists [U][C]): the lookback in months
  // and its scope ("same_item", or "same_type": any item of the same power
  // domain) used when a list entry's first_violation condition does not
  // state them; the lookback also bounds the repeat_offence exclusion.
  int first_violation_lookback_months = 12;
  std::string first_violation_scope = "same_item";
  // Whether an earlier no-penalty decision (e.g. a first violation already
  // forgiven) counts as an earlier violation. Default: yes, a violation was
  // established even though it went unpunished.
  bool first_violation_counts_no_penalty = true;
  // Whether a clue declined as a minor violation corrected in time
  // (decline_filing: minor_corrected_no_harm or first_minor_corrected, APL
  // art. 33 ¶1) counts as an earlier violation: the violation was found,
  // though no case was filed. Default: yes, like a no-penalty decision; a
  // party is forgiven its first violation once, at whichever stage.
  bool first_violation_counts_declined_filing = true;
  // Where the lighter (从轻) and heavier (从重) bands are measured (docs/domain.md, Discretion
  // [C]): "statutory" — the lowest / highest share of the statutory fine
  // range (the provincial practice; scenario 14: 2,000–20,000 yuan →
  // lighter ≤ 7,400); "level" — inside the circumstance level's range, as
  // rules::CheckFine does (docs/domain.md, Discretion step 2). A general fine always lies in
  // the level's range.
  std::string fine_band_basis = "statutory";
  // When a party "has reached" an age (已满十四/十八周岁, APL art. 30): from
  // the day after the birthday, as the courts count it (applied by analogy;
  // the APL does not say), or on the birthday itself when false.
  bool age_full_from_day_after_birthday = true;
  // --- After the decision (docs/domain.md, "Simplified procedure" … "Deadlines") --------------------------
  // Whether a 个体工商户 counts as a natural person for the simplified
  // procedure's fine threshold (docs/domain.md, Conventions [U]; default per the Civil Code).
  bool individual_business_as_natural_person = true;
  // The simplified procedure's fine ceilings, inclusive (APL art. 51 [K]:
  // 200 yuan for a natural person, 3,000 for an organisation; other laws
  // may override [C]).
  std::int64_t simplified_fine_max_natural_person_fen = 20'000;
  std::int64_t simplified_fine_max_organisation_fen = 300'000;
  // Sanming's local exclusions from the simplified procedure (docs/domain.md, Simplified procedure
  // [V, local]): a mitigated penalty, a case that fits only after a lighter
  // penalty, a fine computed from illegal gains or turnover.
  bool simplified_local_exclusions = true;
  // Officers who must show credentials for an on-the-spot decision (APL
  // art. 42: at least two unless a law provides otherwise [C]).
  int simplified_min_officers = 2;
  // On-the-spot cash collection without another ground (APL art. 68 [K]:
  // 100 yuan or less).
  std::int64_t on_spot_collection_max_fen = 10'000;
  // D13: report an on-the-spot decision to the agency within this many
  // working days ([U][C], docs/domain.md, Deadlines; one department's rule says 3).
  int on_spot_report_working_days = 3;
  // D18 (APL art. 71): cash collected on the spot is handed to the agency
  // within 2 working days (hand_over_on_spot_cash) and paid into the
  // designated bank within 2 more (deposit_on_spot_cash); check_deadlines
  // reports both for collections on or after this date ("YYYY-MM-DD";
  // Engine::Open refuses anything else). Before issue 15 item 9 the engine
  // recorded no hand-over, so every earlier collection would show as
  // breached and stored checks would re-decide differently: set it to the
  // day a deployment starts recording hand-overs. Default 2025-01-01.
  std::string on_spot_cash_tracked_from = "2025-01-01";
  // D14 (APL art. 48 ¶1: 具有一定社会影响的行政处罚决定应当依法公开): which
  // decisions must be published is open in the law, so it is this list of
  // kinds: "penalty" (a penalty decision of the ordinary procedure),
  // "on_spot" (a decision of the simplified procedure), "no_penalty" (a
  // no-penalty decision). Doc 118 gives the periods: 7 working days for a
  // penalty, 20 for another enforcement decision. Default: ordinary penalty
  // decisions only (on-the-spot decisions are small and many, and local
  // rules commonly leave them out). Engine::Open refuses another kind.
  std::vector<std::string> publication_required_for = {"penalty"};
  // check_deadlines reports D14 for required decisions made on or after
  // this date ("YYYY-MM-DD"; Engine::Open refuses anything else). Before
  // issue 15 item 9 the engine recorded no publication, so every earlier
  // decision would show as unpublished and stored checks would re-decide
  // differently. D15 (take-down) needs no such date: only a publication
  // recorded by publish_decision can be due for it. Default 2025-01-01.
  std::string publication_tracked_from = "2025-01-01";
  // D9 and the police (issue 15 item 9): the days a case is with the police
  // — from sending a criminal transfer to its return — are not counted in
  // the decision limit (no decision may be made meanwhile: Order 310 art.
  // 11, APL art. 27; APL art. 60 lets rules exclude such periods), and
  // check_deadlines lists D9 while the case is with the police, its due
  // date moving day by day. Applied to transfers sent on or after this
  // date ("YYYY-MM-DD"; Engine::Open refuses anything else): earlier
  // transfers were skipped by the check and not excluded from D9, and
  // stored checks and decisions re-decide as they were. Default 2025-01-01.
  std::string police_period_pauses_d9_from = "2025-01-01";
  // D26, the follow-up of a licence measure (APL art. 9: licence suspension
  // or revocation, qualification downgrade, business restriction,
  // production or business suspension, closure, practice restriction;
  // arts. 59 ¶1 (4), 66 ¶1: performed within the period the decision
  // states). No national period exists, so these are options
  // (docs/domain.md, D26): the execution is recorded
  // (start_licence_measure) within licence_measure_start_working_days of
  // service; a follow-up inspection during the measure within
  // licence_measure_check_days calendar days of its start (a measure
  // imposed for a period: not after its end); the check at the end of such
  // a period (restored, extended or escalated) within
  // licence_measure_end_check_working_days after it. Engine::Open refuses a
  // non-positive start or check period and a negative end period.
  int licence_measure_start_working_days = 5;
  int licence_measure_check_days = 30;
  int licence_measure_end_check_working_days = 3;
  // check_deadlines reports D26, and close_case as performed requires each
  // licence measure recorded and ended or inspected, for decisions made on
  // or after this date ("YYYY-MM-DD"; Engine::Open refuses anything else).
  // Before issue 15 item 9 the engine recorded no execution of a licence
  // measure, so stored checks and closings re-decide as they were.
  // Default 2025-01-01.
  std::string licence_measure_tracked_from = "2025-01-01";
  // check_deadlines warns this many working days before each due date
  // (one deadline_warning per offset) [C].
  std::vector<int> deadline_warning_working_days = {3};
  // The late-payment surcharge (APL art. 72; rounding [U][C], docs/domain.md, Conventions).
  SurchargeOptions surcharge;
  // Case-file review grades (docs/domain.md, Closing, archiving and case-file review, [C]): form (≤ 20) + content (≤ 80)
  // points; any veto finding makes the file unqualified.
  int case_file_excellent_min = 90;
  int case_file_qualified_min = 60;
};

// A what-if session (Engine::StartDryRun): commands are judged on the state
// the store held when the session started plus the effects of the
// session's earlier commands; nothing is ever written. A command id already
// in the store, or seen earlier in the session, is "already applied"
// (within the session its content is not compared). Applied results carry
// no positions.
class ZF_EXPORT DryRun {
 public:
  virtual ~DryRun() = default;
  virtual Result<std::vector<Result<CommandResult>>> ExecuteBatch(
      std::span<const Command> commands, BatchMode mode) = 0;
};

// Who reads a case, and why (the access trail, docs/events.md "Access
// trail"). A read through the engine with a ReadContext records one
// case_accessed event {case_id, what, purpose, as_of} on the stream
// "access/<case_id>", with `reader` as its actor and the store clock's time
// as occurred_at, hash-chained like every event; it is durable before the
// read returns (a read whose record cannot be written fails with that
// error and returns nothing). Reads without one record nothing.
struct ReadContext {
  Actor reader;            // id required; role and unit as the reader acts
  std::string what = "view";  // view | history | explain | dossier | export | events
  std::string purpose;     // optional, at most 500 characters
};

// One case_accessed event.
struct AccessRecord {
  std::string case_id;
  std::string what;
  std::string purpose;
  std::string as_of;        // the as_of asked for, "" = now
  Actor reader;
  std::string at;           // occurred_at: the time of the read (RFC 3339, +08:00)
  std::uint64_t position = 0;
  std::string hash;
};

// Which access records to list: by case, by reader, or both; from/to are
// China dates YYYY-MM-DD (inclusive) of the read, "" = open.
struct AccessQuery {
  std::string case_id;
  std::string reader;
  std::string from;
  std::string to;
};

// Which cases Engine::Statistics counts; empty fields do not narrow.
struct StatisticsScope {
  // enforcement_area id (片区): the cases and visits in its townships, as
  // the area stood at the end of the period; its headcount only.
  std::string area;
  // township id: the cases and visits that happened in it.
  std::string township;
};

// The organisation as it stands now (the reference stream "org"): the names
// of its units and officers, and which township a unit belongs to. Every
// map is id → value.
struct Organisation {
  std::map<std::string, std::string> district;     // id → name (one entry once registered)
  std::map<std::string, std::string> departments;  // id → name
  std::map<std::string, std::string> townships;    // id → name
  std::map<std::string, std::string> brigades;     // id → name
  std::map<std::string, std::string> areas;        // enforcement_area id → name
  std::map<std::string, std::string> officers;     // officer id → name
  // A township, department or the district → the name its decisions issue
  // in (三明市生态环境局 for sx-eco, whose name is 三明市沙县生态环境局):
  // a case's handling subject is shown by it (docs/cli.md, "Names").
  std::map<std::string, std::string> legal_names;
  // A township → itself, a brigade → its township. Units not here (the
  // district, departments) belong to no township.
  std::map<std::string, std::string> township_of_unit;
  // A township → the enforcement area it belongs to now.
  std::map<std::string, std::string> area_of_township;

  // The township `unit` belongs to, or "" (see township_of_unit).
  std::string TownshipOf(std::string_view unit) const {
    auto it = township_of_unit.find(std::string(unit));
    return it == township_of_unit.end() ? std::string() : it->second;
  }
};

class ZF_EXPORT Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  virtual ~Engine() = default;

  // Opens the engine over the store at `path`: a RocksDB directory (created
  // if missing unless options.store.create_if_missing is false) or a
  // postgresql:// URL (zf::OpenEventStore). The reference data is folded
  // when first needed, not here. With options.store.read_only (or a store
  // whose read_only() is true) the engine answers reads beside a process
  // that holds the store, and Open writes nothing: commands, recorded reads
  // and projection repairs fail with kFailedPrecondition.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                              std::string_view path);
  // Opens the engine over an existing store (e.g. a memory store in tests).
  // The engine co-owns it.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                              std::shared_ptr<EventStore> store);

  // Runs one command. The Result fails only when the command could not be
  // judged: kInvalidArgument (malformed; see CommandFromJson), kConflict (the
  // stream kept changing under it; retry), kIOError/kUnavailable (storage).
  // Rejections by a rule are an OK Result with outcome kRejected.
  virtual Result<CommandResult> Execute(const Command& command) = 0;

  // Runs commands in order, each judged on the state the earlier ones left,
  // and commits the applied ones with one write and one sync. A failure is
  // a command that is rejected or whose Result is an error. With
  // kIndependent every command is judged and the applied ones commit; with
  // kStopAtFirstFailure the vector ends at the first failure and the
  // commands before it commit; with kAtomic the vector ends at the first
  // failure and nothing commits. The outer Result fails only for storage.
  virtual Result<std::vector<Result<CommandResult>>> ExecuteBatch(
      std::span<const Command> commands, BatchMode mode) = 0;

  // Starts a what-if session over the current state (see DryRun). The
  // session must not outlive the engine.
  virtual std::unique_ptr<DryRun> StartDryRun() const = 0;

  // The working-day calendar as recorded in rules/calendar (all years).
  virtual Result<WorkingDayCalendar> Calendar() const = 0;
  // The calendar as published by `as_of` (RFC 3339, or "YYYY-MM-DD" = the
  // end of that day in China): what a deadline computed then would have
  // used. Years not yet published then are absent.
  virtual Result<WorkingDayCalendar> CalendarAsOf(std::string_view as_of) const = 0;

  // The power list in force on `as_of` ("YYYY-MM-DD", or RFC 3339 read as
  // its date in China Standard Time; "" = today), with each item's
  // delegation, acceptance, claims and competence per township. Items not
  // in force that day are left out. `item_code` and `subject` filter when
  // non-empty: the item with that code; the items a subject holds
  // (original subject) or has been delegated. Sorted by item code.
  // kInvalidArgument for a bad as_of (subject "as_of"); kNotFound when
  // `item_code` names no item at all (subject "item_code").
  virtual Result<std::vector<PowerItemView>> PowerItems(std::string_view as_of,
                                                        std::string_view item_code,
                                                        std::string_view subject) const = 0;

  // Who may punish a violation of `item_code` in `township` on `as_of`
  // (docs/domain.md, Competence resolution; same as_of forms as PowerItems), and why. An item that is
  // known but not in force that day is an OK answer with an empty subject.
  // kNotFound for an unknown item (subject "item_code") or township
  // (subject "township"); kInvalidArgument for a bad as_of.
  virtual Result<CompetenceAnswer> Competent(std::string_view item_code,
                                             std::string_view township,
                                             std::string_view as_of) const = 0;

  // The underlying store, for reads. Owned by the engine.
  // The docket: cases matching `filter`, by id, as of `as_of`.
  // kInvalidArgument for a malformed as_of (subject "as_of").
  virtual Result<std::vector<CaseSummary>> ListCases(const CaseFilter& filter,
                                                     const AsOf& as_of = {}) const = 0;

  // One case as of `as_of`: its state, parties, handling subject, timeline
  // and every part of the lifecycle reached (see docs/cli.md, case show).
  // kNotFound when no such case existed then.
  virtual Result<boost::json::object> CaseView(std::string_view case_id,
                                               const AsOf& as_of = {}) const = 0;

  // The open deadlines of the cases `query` selects, as of `as_of` (its
  // time is "today"; without one, today in China by the store's clock),
  // soonest first. Due dates come from the cases' events and the calendar
  // in force, as check_deadlines computes them.
  virtual Result<std::vector<DeadlineEntry>> Deadlines(const DeadlineQuery& query,
                                                       const AsOf& as_of = {}) const = 0;

  // Grid tickets (网格工单) matching `filter`, by id, as of `as_of`; each
  // as its view (state, dispatches, feedback, the cases raised from it).
  virtual Result<std::vector<boost::json::object>> ListGridTickets(
      const GridTicketFilter& filter, const AsOf& as_of = {}) const = 0;
  // kNotFound when no such ticket existed then.
  virtual Result<boost::json::object> GridTicketView(std::string_view ticket_id,
                                                     const AsOf& as_of = {}) const = 0;

  // Joint enforcement actions (联合执法行动) matching `filter`, by id, as of
  // `as_of`; each with its participants and findings routed by competence.
  virtual Result<std::vector<boost::json::object>> ListJointActions(
      const JointActionFilter& filter, const AsOf& as_of = {}) const = 0;
  // kNotFound when no such action existed then.
  virtual Result<boost::json::object> JointActionView(std::string_view joint_action_id,
                                                      const AsOf& as_of = {}) const = 0;

  // Inline projections: every command's append also writes, in the same
  // atomic write, the read-model row of each case, grid ticket and joint
  // action it touched ("case_view/<case_id>", "grid_ticket_view/<id>",
  // "joint_action_view/<id>": its view as JSON). This rebuilds the
  // rows from the events and compares them with the stored ones; with
  // `repair`, it writes the rebuilt rows over any difference.
  virtual Result<ProjectionReport> ReplayProjections(bool repair) = 0;

  // The statistics of docs/domain.md, Statistics for cases dated `from`..`to` (YYYY-MM-DD,
  // inclusive), as the log stood at `as_of`: a JSON object keyed by the
  // metric names of docs/domain.md, Statistics (cases_total, cases_online, cases_offline,
  // delegated_cases, yoy_growth, leniency_applied, officers_distinct,
  // officer_assignments, area_headcount, ...; see docs/cli.md, stats).
  // `scope` narrows the cases and visits counted to an area and/or a
  // township (the answer's "scope" repeats it); kInvalidArgument with
  // subject "area" or "township" for one not registered in org.
  virtual Result<boost::json::object> Statistics(std::string_view from, std::string_view to,
                                                 const AsOf& as_of = {},
                                                 const StatisticsScope& scope = {}) const = 0;

  // The organisation now (see Organisation): the reference data folded by
  // the engine, so that a reader need not fold the org stream itself.
  virtual Result<Organisation> OrganisationNow() const = 0;
  // What OrganisationNow holds for `ids` (units and officers; an id that is
  // none is left out), and the area of each township among them. Answered
  // from the stored names rows when they reflect the reference streams, so
  // that naming the people and units of one case does not fold the
  // reference data (a province's is ≈ 78,000 events, ≈ 1 s); else as
  // OrganisationNow.
  virtual Result<Organisation> OrganisationOf(const std::vector<std::string>& ids) const = 0;

  virtual EventStore* store() = 0;

  // --- Case-file review (案卷评查, docs/domain.md, Closing, archiving and case-file review) --------------------------------
  // The review campaigns (stream review/<id>) as of `as_of`, by id: each
  // with its reviewing unit, period, sample, state and summary (files per
  // grade, average total, veto items). See docs/cli.md, review list.
  virtual Result<std::vector<boost::json::object>> ReviewCampaigns(
      const AsOf& as_of = {}) const = 0;
  // One campaign as of `as_of`, with every sampled file's score (or none
  // yet). kNotFound when no such campaign existed then.
  virtual Result<boost::json::object> ReviewCampaign(std::string_view campaign_id,
                                                     const AsOf& as_of = {}) const = 0;

  // --- The access trail (see ReadContext) ----------------------------------
  // CaseView, recording the read (what = read.what, default "view") before
  // returning it. kInvalidArgument for a reader without id or an unknown
  // `what` (subject "reader"/"what"); nothing is recorded for a case that
  // does not exist (kNotFound).
  virtual Result<boost::json::object> CaseView(std::string_view case_id, const AsOf& as_of,
                                               const ReadContext& read) = 0;
  // Records that `read.reader` read case `case_id` in a way the engine does
  // not serve itself (its history, an explanation, a dossier, an export):
  // call it before handing the data out. `as_of` is what was asked for ("" =
  // now). kNotFound when the case does not exist (nothing recorded).
  virtual Status RecordCaseAccess(std::string_view case_id, const ReadContext& read,
                                  std::string_view as_of = {}) = 0;
  // The access records `query` selects, oldest first.
  virtual Result<std::vector<AccessRecord>> CaseAccesses(const AccessQuery& query) const = 0;

  // Why each decision of a case was lawful, as the log stood at `as_of`:
  // for every decision (filing and its competence, conclusion, decision,
  // on-the-spot decision) the rule versions it used — power item,
  // delegation and acceptance, list entries, benchmark and level, hearing
  // threshold, calendar years — each with its version, effective dates and
  // the reference event that put it in force (stream, version, position,
  // hash), checked against the versions the decision recorded; the inputs
  // (circumstance level, facts, the party's prior decisions for the first
  // violation); the computation (ranges, bands, the amount); and the case's
  // deadlines with the calendar days that moved them. See docs/audit.md,
  // "Explain". kNotFound (subject "case_id") when no such case existed then.
  virtual Result<boost::json::object> ExplainCase(std::string_view case_id,
                                                  const AsOf& as_of = {}) const = 0;
};

}  // namespace zf

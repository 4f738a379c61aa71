// The law on the penalty itself (docs/domain.md, Leniency: the four lists, Discretion): the four lists evaluated for
// the case's item, the discretion benchmark's level and bands, mitigation
// grounds, "first violation" from the party's history, no double fine (I7)
// and the law in time (docs/domain.md, I8). The ordinary procedure asks it when the
// investigation concludes (the proposal) and again at the decision; the
// simplified procedure asks it on the spot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/case_state.h"
#include "domain/decider.h"

namespace zf::internal {

// The officer's answer to one leniency entry the engine proposed.
struct LeniencyChoice {
  std::string entry_id;
  bool accepted = false;
  std::string reason;  // required when a discretionary proposal is rejected (说理)
};

// What the agency proposes (investigation_concluded) or decides
// (decision_made), as far as the penalty goes.
struct PenaltyProposal {
  std::string outcome;  // penalty | no_penalty
  std::vector<std::string> penalty_types;  // glossary ids
  std::int64_t fine_fen = 0;
  std::int64_t confiscation_fen = 0;
  std::optional<std::int64_t> base_fen;  // multiple fines: the base amount, held as evidence
  std::string circumstance_level;        // minor | general | serious | severe
  std::string adjustment;                // lighter | general | heavier | mitigated
  std::string mitigation_ground;         // mitigated: "APL32.1", ... or a list entry id
  std::vector<LeniencyChoice> leniency;
  // Facts the list conditions are judged on (corrected_within_days,
  // harm_level, no_subjective_fault, ...), as the command states them.
  // See docs/events.md §3 for every fact a condition or exclusion reads.
  boost::json::object facts;
  // Illegal gains (违法所得) the finding established, in fen (APL art. 28
  // ¶2): the typed illegal_gains_fen, else facts.illegal_gains_fen; nullopt
  // when neither states any.
  std::optional<std::int64_t> illegal_gains_fen;
  // Of those, the part refunded (退赔) to victims under law, and the record
  // of the refund: not confiscated.
  std::int64_t illegal_gains_refunded_fen = 0;
  std::string illegal_gains_refund_record;
  // The record of the education given (APL 33 ¶3), e.g. its document
  // number: required at the decision when no penalty is imposed on a
  // leniency ground.
  std::string education_record;
  // Whether the decision orders the party to correct (责令改正, APL 28):
  // required at the decision when an applied entry lists correction_order.
  bool correction_ordered = false;
  // true at make_decision / an on-the-spot decision, false at the
  // investigation's conclusion (the accompanying records — education,
  // correction order — are only required of the decision).
  bool at_decision = true;
};

// Parses the proposal fields of a command's data (conclude, make_decision,
// on-the-spot decision). The schema has checked the shapes.
PenaltyProposal ProposalFromData(const boost::json::object& data);
boost::json::object ProposalToJson(const PenaltyProposal& proposal);

// What JudgePenalty found: either a rejection, or the versions of the rules
// the outcome rests on, to be recorded in the event.
struct PenaltyJudgement {
  std::optional<Rejection> rejection;
  std::string benchmark_id;
  std::int64_t benchmark_version = 0;
  std::vector<std::string> leniency_entries;  // "entry_id@version" applied
  // The evaluation, for the event (see docs/events.md §3):
  //   entries[]: {entry_id, version, list_kind, mandatory, ground, eligible,
  //               conditions[]: {code, met, why}, exclusions[] (that apply),
  //               status: mandatory | proposed | not_eligible | not_for_penalty,
  //               answer: accepted | rejected | none, reason}
  //   first_violation: {prior_violations[]: case ids, ...}
  //   law_in_time: {act_date, act_version, decision_version, applied, why}
  //   fine: {basis, adjustment, level, allowed_min_fen, allowed_max_fen}
  //   mitigation_ground, benchmark_id, benchmark_version
  boost::json::object evaluation;
  // The power item version the outcome rests on (the law in time, docs/domain.md, I8), 0 if unknown.
  std::int64_t item_version = 0;
  // Whether the judgement applied the rules in force on the act date or on
  // the decision date (APL 37: the older, unless the newer is lighter).
  std::string law_applied;  // act_date | decision_date
};

// The leniency entries in force for the case's item at the command's time,
// judged against the proposal's facts and the party's history (without the
// answers): what conclude_investigation shows the officer as proposals.
boost::json::array EvaluateLeniency(const DecisionContext& context, const CaseState& c,
                                    const PenaltyProposal& proposal);

// "First violation" (首违不罚, APL art. 33 ¶1 sentence 2) outside a
// decision, e.g. when a clue is declined on that ground: the party's
// violations established by any subject (decisions, and clues declined as
// minor and corrected when first_violation_counts_declined_filing) inside
// the lookback window before the act date of `c` (else the command's date).
// The lookback and scope are those of the first_violation condition of a
// no-penalty list entry in force for c.item_code, else the options'.
struct FirstViolationAnswer {
  std::vector<std::string> prior;  // case ids of earlier violations in the window
  int lookback_months = 0;
  std::string scope;               // same_item | same_type
  std::string entry;               // "entry_id@version" that defined it, or ""
  bool party_known = false;        // false: no party id, the history cannot be read
};
FirstViolationAnswer JudgeFirstViolation(const DecisionContext& context, const CaseState& c);

// The act a case records (I7, APL art. 29): the clue's act_id, else its
// joint-action finding's act (act_id, default the finding id), else the act
// of the case it names as related, else its own. `source` says which:
// act_id | joint_finding | related_case | own.
struct ActIdentity {
  std::string id;
  std::string source;
  std::optional<Date> date;  // the act date, when recorded
};
ActIdentity ActOf(const CaseBook& cases, const CaseState& c);
// The other cases of c's party that record the same act (by identity; with
// act_identity_default "act_date" also those with the same act date that do
// not both name their acts).
std::vector<const CaseState*> CasesOfSameAct(const CaseBook& cases, const EngineOptions& options,
                                             const CaseState& c);

// A ground the statute itself gives (APL arts. 30-33), binding whatever the
// local four lists repeat: established from the typed facts of the party and
// the act (facts.party_birth_date / age_at_act, capacity,
// no_subjective_fault, harm_removed_proactively, coerced_or_deceived,
// confessed_unknown_violation, meritorious_service).
struct StatutoryGround {
  std::string ground;  // APL30.1 | APL30.2 | APL31.1 | APL31.2 | APL32.1..4 | APL33.2
  // no_penalty (mandatory) | lighter_or_mitigated (mandatory) |
  // may_lighten (discretionary: APL 31, partial incapacity)
  std::string effect;
  std::string basis;  // the article, in official form
  std::string why;    // the facts it rests on
  std::string fact;   // the facts member that establishes it
};
struct StatutoryGroundsAnswer {
  std::vector<StatutoryGround> grounds;
  std::optional<int> age_at_act;  // full years, when a birth date or age is stated
  // Facts that contradict each other or the party (e.g. a birth date of an
  // organisation): code party_facts_invalid, pointer under `pointer`/facts.
  std::optional<Rejection> invalid;
};
// `facts` as a proposal states them, for case `c`; `age_from_day_after`
// is EngineOptions::age_full_from_day_after_birthday.
StatutoryGroundsAnswer JudgeStatutoryGrounds(const CaseBook& cases, const CaseState& c,
                                             const boost::json::object& facts,
                                             bool age_from_day_after,
                                             std::string_view pointer = "/data");

// Judges `proposal` for case `c` with the rules in force at the command's
// time. `pointer` prefixes the JSON pointers of rejections ("/data").
PenaltyJudgement JudgePenalty(const DecisionContext& context, const CaseState& c,
                              const PenaltyProposal& proposal, std::string_view pointer = "/data");

}  // namespace zf::internal

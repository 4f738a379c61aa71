// Shared by the clue files (clue_decider.cc: registration, routing and
// verification; clue_filing.cc: filing and declining; clue_transfer.cc:
// transfer, merge, soft measures and designation). Not for other parts:
// the ordinary procedure reads CaseState, and J4 through clue_competence.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {

inline constexpr std::string_view kClueBasis =
    "市场监督管理行政处罚程序规定 art. 18 (线索登记与核查)";
inline constexpr std::string_view kFilingBasis =
    "APL art. 54; 市场监督管理行政处罚程序规定 art. 19 (filing conditions)";
inline constexpr std::string_view kJurisdictionBasis =
    "APL art. 25 (first filer; designation by the common superior)";

// The clue states in which the clue is still open (not yet a case, not
// ended): a command of the clue stage may act on them.
bool IsOpenClueState(std::string_view state);

// The case the command targets, or a case_not_found rejection.
std::optional<Rejection> RequireCase(const DecisionContext& context);

// invalid_state naming the current state and what the command needs.
Rejection InvalidState(const CaseState& c, std::string_view command, std::string_view needed,
                       std::string_view legal_basis);

// The actor must act for the clue's holder (not_clue_holder otherwise).
std::optional<Rejection> RequireHolder(const DecisionContext& context, const CaseState& c);

// The townships whose territory the violation lies in: the clue's, then
// the boundary ones (J5).
std::vector<std::string> TerritoriesOf(const CaseState& c);

// Whether `subject` may handle `item` for the clue's place (any of its
// territories) on the command's date; `answer` is the competence of the
// main township (or of the territory that admitted the subject).
bool MayHandleClue(const DecisionContext& context, const CaseState& c, const std::string& item,
                   const std::string& subject, Competence* answer);

// The item a command names (data.item_code), else the clue's.
std::string ItemOf(const DecisionContext& context, const CaseState& c);

// Rejects an item that is missing or not in force on the day.
std::optional<Rejection> RequireItemInForce(const DecisionContext& context,
                                            const std::string& item_code);

// D1: the limitation in years that applies to the case's facts, and why.
struct LimitationRule {
  int years = 2;
  bool extended = false;
  std::string why;
};
LimitationRule LimitationFor(const DecisionContext& context, const std::string& item_code,
                             bool harm_caused, const std::vector<std::string>& concerns);

// --- Deciders and evolvers defined across the clue files ----------------
Decision DecideFileCase(const DecisionContext& context);
Decision DecideDeclineFiling(const DecisionContext& context);
Decision DecideTransferClue(const DecisionContext& context);
Decision DecideMergeClue(const DecisionContext& context);
Decision DecideIssueSoftMeasure(const DecisionContext& context);
Decision DecideRequestDesignation(const DecisionContext& context);
Decision DecideDesignateJurisdiction(const DecisionContext& context);
Decision DecideReviewCompetence(const DecisionContext& context);

Status EvolveCaseFiled(CaseState& state, const EventRecord& event);
Status EvolveFilingDeclined(CaseState& state, const EventRecord& event);
Status EvolveClueTransferred(CaseState& state, const EventRecord& event);
Status EvolveClueMerged(CaseState& state, const EventRecord& event);
Status EvolveSoftMeasureIssued(CaseState& state, const EventRecord& event);
Status EvolveDesignationRequested(CaseState& state, const EventRecord& event);
Status EvolveJurisdictionDesignated(CaseState& state, const EventRecord& event);
Status EvolveCompetenceWarningRaised(CaseState& state, const EventRecord& event);

}  // namespace zf::internal

// Shared by the deciders after the decision (execution_*.cc,
// simplified_decider.cc, transfer_decider.cc, deadline_decider.cc): the
// command and evolver lists of each file, and the checks and dates they
// have in common.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/case_helpers.h"
#include "domain/case_state.h"
#include "domain/decider.h"

namespace zf::internal {

// The lists of each file; ExecutionCommandSpecs()/ExecutionEvolvers()
// concatenate them.
const std::vector<CommandSpec>& ServiceCommandSpecs();
const std::vector<CaseEvolver>& ServiceEvolvers();
const std::vector<CommandSpec>& PaymentCommandSpecs();
const std::vector<CaseEvolver>& PaymentEvolvers();
const std::vector<CommandSpec>& SimplifiedCommandSpecs();
const std::vector<CaseEvolver>& SimplifiedEvolvers();
const std::vector<CommandSpec>& TransferCommandSpecs();
const std::vector<CaseEvolver>& TransferEvolvers();
const std::vector<CommandSpec>& DeadlineCommandSpecs();
const std::vector<CaseEvolver>& DeadlineEvolvers();
const std::vector<CommandSpec>& NonTaxCommandSpecs();
const std::vector<CommandSpec>& PublicationCommandSpecs();
const std::vector<CaseEvolver>& PublicationEvolvers();
const std::vector<CommandSpec>& MeasureCommandSpecs();
const std::vector<CaseEvolver>& MeasureEvolvers();

// Licence measures (APL art. 9; D26; execution_measures.cc).
// The Chinese name of a licence measure (暂扣许可证件, ...), else the id.
std::string LicenceMeasureName(std::string_view measure);
// The licence measures the case's penalty decision in force imposes, in
// the order of APL art. 9.
std::vector<std::string> ImposedLicenceMeasures(const CaseState& c);
// The recorded execution of `measure`, or nullptr.
const LicenceMeasureState* FindLicenceMeasure(const CaseState& c, std::string_view measure);
// The decision was made on or after EngineOptions::licence_measure_tracked_from.
bool LicenceMeasuresTracked(const EngineOptions& options, const CaseState& c);
// D26: the execution is recorded within licence_measure_start_working_days of service.
Result<Date> LicenceMeasureStartDue(const WorkingDayCalendar& cal, const EngineOptions& options,
                                    Date served_on);
// What close_case as performed still needs of the licence measures (a
// tracked decision): each recorded, and ended (temporary) or inspected.
std::vector<std::string> UnmetLicenceMeasures(const EngineOptions& options, const CaseState& c);

// Publication of decisions (APL art. 48; execution_publication.cc).
// Whether EngineOptions::publication_required_for lists the kind of the
// case's decision (penalty, on_spot, no_penalty).
bool PublicationRequired(const EngineOptions& options, const CaseState& c);
// D14: the decision day + 7 working days (a no-penalty decision: 20; Doc 118).
Result<Date> PublicationDue(const WorkingDayCalendar& cal, const CaseState& c);
// D15: the day of the change + 3 working days (APL arts. 48 ¶2, 85).
Result<Date> WithdrawalDue(const WorkingDayCalendar& cal, const PublicationState& p);
// The decision in force is the one the publication shows.
bool DecisionPublished(const CaseState& c);
// A live publication's decision was changed or revoked on `day` (the
// revocation and review evolvers call it): D15 runs from then.
void MarkPublicationChanged(CaseState& state, Date day);

// The targeted case, or case_not_found.
std::variant<const CaseState*, Rejection> TargetCase(const DecisionContext& context,
                                                     std::string_view legal_basis);

// invalid_state naming the current state and what the command needs.
Rejection InvalidState(const CaseState& c, std::string_view needed, std::string_view legal_basis);

// A required date of the command data (the schema checked its shape):
// date_invalid when it names no real day (2024-02-30). `pointer` defaults
// to /data/<field>.
std::variant<Date, Rejection> RequiredDate(const boost::json::object& data, std::string_view field,
                                           std::string pointer = "");

// date_in_future when `date` (a data field) is after the command's date.
std::optional<Rejection> CheckNotFuture(const DecisionContext& context, const Date& date,
                                        std::string_view field);

// too_few_officers / credential_invalid: at least `minimum` officers, each
// with a credential of `subject` valid on the command's date.
std::optional<Rejection> CheckOfficers(const DecisionContext& context,
                                       const std::vector<std::string>& officers,
                                       const std::string& subject, int minimum,
                                       std::string_view field);

// calendar_missing for a deadline the calendar in force cannot compute
// (a year not yet published).
Rejection CalendarUnavailable(const Status& status, std::string_view what);

// The date of the event being folded (its occurred_at, China time).
Date EventDay(const CaseState& state);

// "1,234.56 yuan" for people.
std::string Yuan(std::int64_t fen);

// The states in which a decision is being executed (docs/domain.md, Execution).
bool InExecution(const CaseState& c);

// D16: 15 days from service (APL art. 67), the party's deadline.
Result<Date> PaymentDueFrom(const DecisionContext& context, Date served_on);

// The day the relief windows close: the later of D19 (reconsideration, 60
// days, 行政复议法 art. 20) and D20 (litigation, 6 months, 行政诉讼法 art.
// 46) from service, and of the end of a deferral or of the instalments
// (APL art. 72 ¶2).
Result<Date> ReliefWindowsEnd(const DecisionContext& context, const CaseState& c);

// Review periods as surcharge pauses (APL art. 73 ¶3); a pending review
// runs to `open_end`.
std::vector<ClockPause> ReviewPauses(const ExecutionState& e, Date open_end);

// Legal bases used across the files.
inline constexpr std::string_view kServiceBasis = "APL art. 61 (service of the decision)";
inline constexpr std::string_view kPaymentBasis =
    "APL arts. 67, 72 (payment within 15 days; late surcharge)";
inline constexpr std::string_view kClosingBasis =
    "市场监督管理行政处罚程序规定 (closing conditions)";

}  // namespace zf::internal

// The simplified (on-the-spot) procedure (简易程序, docs/domain.md, Simplified procedure; APL arts.
// 51–53): an on-the-spot decision on a registered clue, its report to the
// agency (D13), and on-the-spot collection of the fine (APL arts. 68–69).
#include <algorithm>

#include <fmt/format.h>

#include "domain/execution_helpers.h"
#include "domain/penalty_rules.h"

namespace zf::internal {
namespace {

constexpr std::string_view kSimplifiedBasis =
    "APL art. 51 (warning, or a fine ≤ 200 yuan for a citizen / ≤ 3,000 yuan for an "
    "organisation)";
constexpr std::string_view kLocalBasis =
    "三明市市场监督管理 simplified-procedure rule (local exclusions) [V, local]";
constexpr std::string_view kCollectionBasis =
    "APL arts. 68, 69 (on-the-spot collection: ≤ 100 yuan, hard to collect later, or a remote "
    "place at the party's request)";

// APL art. 71: each step of on-the-spot cash (officer to agency, agency to
// the designated bank) within two days, read as working days (D18). Law,
// not local configuration.
constexpr int kCashStepWorkingDays = 2;
constexpr std::string_view kCashHandOverBasis =
    "《中华人民共和国行政处罚法》第七十一条（执法人员当场收缴的罚款，应当自收缴罚款之日起二日内，"
    "交至行政机关；行政机关应当在二日内将罚款缴付指定的银行）";

// The whole amount collected goes on (APL art. 71): a hand-over or deposit
// of another amount is refused.
std::optional<Rejection> CheckCashAmount(const PaymentState& p, const boost::json::object& data) {
  const std::int64_t amount = Int(data, "amount_fen");
  if (amount == p.cash_collected_fen) return std::nullopt;
  return Rejection{"cash_amount_mismatch",
                   fmt::format("{} fen were collected on the spot; {} fen are stated", 
                               p.cash_collected_fen, amount),
                   std::string(kCashHandOverBasis), DataPointer("amount_fen")};
}

constexpr std::string_view kOrdinaryCollectionBasis =
    "《中华人民共和国行政处罚法》第六十八条（依照第五十一条当场作出的行政处罚决定方可当场收缴）、"
    "第六十九条（边远、水上、交通不便地区，经当事人提出）";

bool IsClueState(const std::string& state) {
  return state == "registered" || state == "assigned" || state == "verifying";
}

bool CountsAsNaturalPerson(const DecisionContext& context, const std::string& category) {
  return category == "natural_person" ||
         (category == "individual_business" && context.options.individual_business_as_natural_person);
}

PartyCategory BenchmarkCategory(const std::string& category) {
  if (category == "natural_person") return PartyCategory::kNaturalPerson;
  if (category == "individual_business") return PartyCategory::kIndividualBusiness;
  return PartyCategory::kLegalPerson;
}

// The checks of APL art. 51 and the local exclusions, in the order a person
// would ask them.
std::optional<Rejection> CheckEligibility(const DecisionContext& context, const CaseState& c) {
  const boost::json::object& data = Data(context);
  const std::vector<std::string> types = TextList(data, "penalty_types");
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (types[i] != "warning" && types[i] != "fine") {
      return Rejection{"simplified_penalty_not_allowed",
                       fmt::format("{} cannot be imposed on the spot: only a warning or a small "
                                   "fine",
                                   types[i]),
                       std::string(kSimplifiedBasis),
                       fmt::format("{}/{}", DataPointer("penalty_types"), i)};
    }
  }
  const bool fine = std::find(types.begin(), types.end(), "fine") != types.end();
  const std::int64_t fine_fen = Int(data, "fine_fen");
  if (fine != (fine_fen > 0)) {
    return Rejection{"fine_amount_mismatch",
                     "fine_fen must be positive exactly when the penalty includes a fine",
                     std::string(kSimplifiedBasis), DataPointer("fine_fen")};
  }
  const bool natural = CountsAsNaturalPerson(context, c.party.category);
  const std::int64_t ceiling = natural ? context.options.simplified_fine_max_natural_person_fen
                                       : context.options.simplified_fine_max_organisation_fen;
  if (fine_fen > ceiling) {
    return Rejection{"exceeds_simplified_threshold",
                     fmt::format("a fine of {} on {} ({}) exceeds the on-the-spot ceiling of {}; "
                                 "use the ordinary procedure",
                                 Yuan(fine_fen), c.party.name, c.party.category, Yuan(ceiling)),
                     std::string(kSimplifiedBasis), DataPointer("fine_fen")};
  }
  // Established illegal gains must be confiscated (APL art. 28 ¶2), which
  // only the ordinary procedure decides.
  if (const PenaltyProposal stated = ProposalFromData(data);
      stated.illegal_gains_fen && *stated.illegal_gains_fen > stated.illegal_gains_refunded_fen) {
    return Rejection{"illegal_gains_not_confiscated",
                     fmt::format("illegal gains of {} are established (facts.illegal_gains_fen): "
                                 "they must be confiscated, which is not decided on the spot; use "
                                 "the ordinary procedure",
                                 Yuan(*stated.illegal_gains_fen)),
                     "《中华人民共和国行政处罚法》第二十八条第二款、第五十一条",
                     DataPointer("facts")};
  }
  if (context.options.simplified_local_exclusions) {
    if (Text(data, "adjustment") == "mitigated" || !Text(data, "mitigation_ground").empty()) {
      return Rejection{"simplified_excluded",
                       "a mitigated penalty (减轻处罚) is not decided on the spot", std::string(kLocalBasis),
                       DataPointer("adjustment")};
    }
    if (Flag(data, "fits_only_after_lighter")) {
      return Rejection{"simplified_excluded",
                       "a case that fits the on-the-spot ceiling only after a lighter penalty "
                       "(从轻) is not decided on the spot",
                       std::string(kLocalBasis), DataPointer("fits_only_after_lighter")};
    }
    if (const std::string basis = Text(data, "fine_basis"); !basis.empty() && basis != "fixed") {
      return Rejection{"simplified_excluded",
                       fmt::format("a fine computed from {} is not decided on the spot", basis),
                       std::string(kLocalBasis), DataPointer("fine_basis")};
    }
  }
  return std::nullopt;
}

Decision DecideIssueOnSpotDecision(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kSimplifiedBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (c.procedure == "ordinary" || c.filed_on) {
    return Reject("procedure_switch_not_allowed",
                  fmt::format("case {} was filed under the ordinary procedure on {}; it may not "
                              "switch to the simplified procedure",
                              c.id, c.filed_on ? c.filed_on->ToString() : std::string("?")),
                  std::string(kLocalBasis), "/command");
  }
  if (!IsClueState(c.state)) {
    return InvalidState(c, "an on-the-spot decision is made on a registered clue", kSimplifiedBasis);
  }
  if (c.item_code.empty()) {
    return Reject("item_missing", "an on-the-spot decision needs the power item of the clue",
                  std::string(kSimplifiedBasis), "/case_id");
  }
  if (c.party.category.empty()) {
    return Reject("party_missing", "an on-the-spot decision needs the party of the clue",
                  std::string(kSimplifiedBasis), "/case_id");
  }
  const std::string subject = SubjectOfUnit(context);
  Competence answer;
  if (!MayHandle(context, c.item_code, c.township, subject, &answer,
                 /*with_legal_basis=*/false)) {
    return Reject("subject_not_competent",
                  fmt::format("{} may not decide on {} in {}: the competent subject is {} ({})",
                              subject, c.item_code, c.township,
                              answer.subject.empty() ? "nobody" : answer.subject, answer.reason),
                  "APL art. 38", "/actor/unit");
  }
  if (auto r = CheckOfficers(context, TextList(data, "officers"), subject,
                             context.options.simplified_min_officers, "officers")) {
    return *r;
  }
  if (auto r = CheckEligibility(context, c)) return *r;
  if (Text(data, "delivery") == "receipt_refused" && TextList(data, "witnesses").empty()) {
    return Reject("service_detail_missing",
                  "a refused receipt is noted with the witnesses who saw it",
                  std::string(kServiceBasis), DataPointer("witnesses"));
  }
  // The fine against the benchmark, where one is published for the item.
  PenaltyJudgement judgement;
  const auto types = TextList(data, "penalty_types");
  if (std::find(types.begin(), types.end(), "fine") != types.end() &&
      context.InForce().Benchmark(c.item_code, BenchmarkCategory(c.party.category)) != nullptr) {
    PenaltyProposal proposal = ProposalFromData(data);
    proposal.outcome = "penalty";
    judgement = JudgePenalty(context, c, proposal);
    if (judgement.rejection) return *judgement.rejection;
  }
  const WorkingDayCalendar& cal = context.InForce().Calendar();
  auto report_due = AddWorkingDays(cal, context.date(), context.options.on_spot_report_working_days);
  if (!report_due.ok()) return CalendarUnavailable(report_due.status(), "D13");
  boost::json::object event = data;
  event["decided_on"] = context.date().ToString();
  event["handling_subject"] = subject;
  event["issuer_name"] = context.rules.org().LegalNameOf(subject).value_or(subject);
  event["report_due_on"] = report_due->ToString();
  if (Int(data, "fine_fen") > 0) {
    auto due = PaymentDueFrom(context, context.date());
    if (!due.ok()) return CalendarUnavailable(due.status(), "D16");
    event["payment_due_on"] = due->ToString();
  }
  if (!judgement.benchmark_id.empty()) {
    event["benchmark_id"] = judgement.benchmark_id;
    event["benchmark_version"] = judgement.benchmark_version;
  }
  return Events(Emit("on_spot_decision_issued", std::move(event)));
}

Status EvolveOnSpotDecisionIssued(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  DecisionRecord d;
  d.type = "penalty";
  ZF_ASSIGN_OR_RETURN(d.decided_on, EventDate(event, "decided_on"));
  ZF_ASSIGN_OR_RETURN(d.handling_subject, EventText(event, "handling_subject"));
  ZF_ASSIGN_OR_RETURN(d.issuer_name, EventText(event, "issuer_name"));
  ZF_ASSIGN_OR_RETURN(d.document_number, EventText(event, "document_number"));
  ZF_ASSIGN_OR_RETURN(std::string delivery, EventText(event, "delivery"));
  d.decided_at = state.timeline.back().at;
  d.penalty_types = TextList(data, "penalty_types");
  d.fine_fen = Int(data, "fine_fen");
  d.benchmark_id = Text(data, "benchmark_id");
  d.benchmark_version = Int(data, "benchmark_version");
  state.procedure = "simplified";
  state.handling_subject = d.handling_subject;
  OnSpotState& on_spot = state.execution.on_spot;
  on_spot.issued = true;
  on_spot.decided_on = d.decided_on;
  on_spot.decided_at = d.decided_at;
  on_spot.officers = TextList(data, "officers");
  // Delivered on the spot (APL art. 52), or left with the refusal noted.
  ServiceRecord s;
  s.method = delivery == "receipt_refused" ? "refusal_noted" : "direct";
  s.served_on = d.decided_on;
  s.recorded_at = d.decided_at;
  state.execution.service = std::move(s);
  state.execution.payment.fine_fen = d.fine_fen;
  state.execution.payment.due_on = OptionalDate(data, "payment_due_on");
  state.state = d.fine_fen > 0 ? "executing" : "served";
  state.procedure_state.decision = std::move(d);
  return Status::Ok();
}

Decision DecideReportOnSpotDecision(const DecisionContext& context) {
  constexpr std::string_view kBasis = "APL art. 52 ¶3 (备案 with the agency); docs/domain.md#d13";
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  if (!c.execution.on_spot.issued || c.execution.on_spot.reported_on || c.IsFinal()) {
    return InvalidState(c, "report_on_spot_decision needs an unreported on-the-spot decision",
                        kBasis);
  }
  auto due = AddWorkingDays(context.InForce().Calendar(), c.execution.on_spot.decided_on,
                            context.options.on_spot_report_working_days);
  if (!due.ok()) return CalendarUnavailable(due.status(), "D13");
  boost::json::object event = data;
  event["reported_on"] = context.date().ToString();
  event["due_on"] = due->ToString();
  event["late"] = Breached(*due, context.date());
  return Events(Emit("on_spot_decision_reported", std::move(event)));
}

Status EvolveOnSpotDecisionReported(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date reported, EventDate(event, "reported_on"));
  state.execution.on_spot.reported_on = reported;
  return Status::Ok();
}

Decision DecideCollectFineOnSpot(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCollectionBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const PaymentState& p = c.execution.payment;
  if (!InExecution(c) || p.fine_fen <= 0 || p.settled_on || p.notice_issued) {
    return InvalidState(c, "on-the-spot collection needs an unpaid fine without a payment notice",
                        kCollectionBasis);
  }
  const std::string ground = Text(data, "ground");
  std::string refused;
  if (ground == "small_amount" && !c.execution.on_spot.issued) {
    // APL art. 68 covers decisions made on the spot under art. 51 only;
    // after an ordinary decision (art. 57) art. 69 alone allows cash.
    return Reject("on_spot_collection_not_allowed",
                  fmt::format("case {} was decided under the ordinary procedure: a fine of 100 "
                              "yuan or less is collected on the spot only after an on-the-spot "
                              "(simplified) decision; after an ordinary decision cash is taken "
                              "only in a remote place at the party's request (remote_location); "
                              "the party pays at the bank (罚缴分离)",
                              c.id),
                  std::string(kOrdinaryCollectionBasis), DataPointer("ground"));
  }
  if (ground == "small_amount" && p.fine_fen > context.options.on_spot_collection_max_fen) {
    refused = fmt::format("a fine of {} is more than {}", Yuan(p.fine_fen),
                          Yuan(context.options.on_spot_collection_max_fen));
  } else if (ground == "hard_to_collect_later" && !c.execution.on_spot.issued) {
    refused = "collection because it would be hard later applies to on-the-spot decisions";
  } else if (ground == "remote_location" && !Flag(data, "party_requested")) {
    refused = "in a remote place the fine is collected only at the party's request";
  }
  if (!refused.empty()) {
    return Reject("on_spot_collection_not_allowed",
                  fmt::format("{}; the party pays at the bank (罚缴分离)", refused),
                  std::string(kCollectionBasis), DataPointer("ground"));
  }
  if (Int(data, "amount_fen") != p.Outstanding()) {
    return Reject("payment_short",
                  fmt::format("on-the-spot collection takes the fine of {}, not {}",
                              Yuan(p.Outstanding()), Yuan(Int(data, "amount_fen"))),
                  std::string(kCollectionBasis), DataPointer("amount_fen"));
  }
  // D18: the officer hands the money to the agency within 2 working days
  // (APL art. 71).
  auto handover =
      AddWorkingDays(context.InForce().Calendar(), context.date(), kCashStepWorkingDays);
  if (!handover.ok()) return CalendarUnavailable(handover.status(), "D18");
  boost::json::object event = data;
  event["collected_on"] = context.date().ToString();
  event["hand_over_due_on"] = handover->ToString();
  return Events(Emit("fine_collected_on_spot", std::move(event)));
}

Status EvolveFineCollectedOnSpot(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date collected, EventDate(event, "collected_on"));
  ZF_ASSIGN_OR_RETURN(std::int64_t amount, EventInt(event, "amount_fen"));
  PaymentState& p = state.execution.payment;
  p.paid_fen += amount;
  p.collected_on_spot = true;
  p.settled_on = collected;
  p.cash_collected_fen = amount;
  p.cash_collected_on = collected;
  ZF_ASSIGN_OR_RETURN(p.cash_hand_over_due_on, EventDate(event, "hand_over_due_on"));
  return Status::Ok();
}

// --- D18 (APL art. 71): the cash collected on the spot goes to the agency
// and from it to the designated bank. A late step is recorded (late: true)
// and check_deadlines reports the breach; a short amount is refused.

Decision DecideHandOverOnSpotCash(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCashHandOverBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const PaymentState& p = c.execution.payment;
  if (!p.collected_on_spot || !p.cash_hand_over_due_on || p.cash_handed_over_on) {
    return InvalidState(c, "a hand-over needs a fine collected on the spot in cash, not yet "
                           "handed over to the agency",
                        kCashHandOverBasis);
  }
  if (auto r = CheckCashAmount(p, data)) return *r;
  auto deposit_due =
      AddWorkingDays(context.InForce().Calendar(), context.date(), kCashStepWorkingDays);
  if (!deposit_due.ok()) return CalendarUnavailable(deposit_due.status(), "D18");
  boost::json::object event = data;
  event["handed_over_on"] = context.date().ToString();
  event["due_on"] = p.cash_hand_over_due_on->ToString();
  event["late"] = Breached(*p.cash_hand_over_due_on, context.date());
  event["deposit_due_on"] = deposit_due->ToString();
  return Events(Emit("on_spot_cash_handed_over", std::move(event)));
}

Status EvolveOnSpotCashHandedOver(CaseState& state, const EventRecord& event) {
  PaymentState& p = state.execution.payment;
  ZF_ASSIGN_OR_RETURN(p.cash_handed_over_on, EventDate(event, "handed_over_on"));
  ZF_ASSIGN_OR_RETURN(p.cash_deposit_due_on, EventDate(event, "deposit_due_on"));
  return Status::Ok();
}

Decision DecideDepositOnSpotCash(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  auto target = TargetCase(context, kCashHandOverBasis);
  if (auto* r = std::get_if<Rejection>(&target)) return *r;
  const CaseState& c = *std::get<const CaseState*>(target);
  const PaymentState& p = c.execution.payment;
  if (!p.cash_handed_over_on || !p.cash_deposit_due_on || p.cash_deposited_on) {
    return InvalidState(c, "a deposit needs cash handed over to the agency and not yet paid "
                           "into the bank",
                        kCashHandOverBasis);
  }
  if (auto r = CheckCashAmount(p, data)) return *r;
  boost::json::object event = data;
  event["deposited_on"] = context.date().ToString();
  event["due_on"] = p.cash_deposit_due_on->ToString();
  event["late"] = Breached(*p.cash_deposit_due_on, context.date());
  return Events(Emit("on_spot_cash_deposited", std::move(event)));
}

Status EvolveOnSpotCashDeposited(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.execution.payment.cash_deposited_on, EventDate(event, "deposited_on"));
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& SimplifiedCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"issue_on_spot_decision", "case_id", kCaseStreamPrefix, &DecideIssueOnSpotDecision},
      {"report_on_spot_decision", "case_id", kCaseStreamPrefix, &DecideReportOnSpotDecision},
      {"collect_fine_on_spot", "case_id", kCaseStreamPrefix, &DecideCollectFineOnSpot},
      {"hand_over_on_spot_cash", "case_id", kCaseStreamPrefix, &DecideHandOverOnSpotCash},
      {"deposit_on_spot_cash", "case_id", kCaseStreamPrefix, &DecideDepositOnSpotCash},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& SimplifiedEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"on_spot_decision_issued", &EvolveOnSpotDecisionIssued},
      {"on_spot_decision_reported", &EvolveOnSpotDecisionReported},
      {"fine_collected_on_spot", &EvolveFineCollectedOnSpot},
      {"on_spot_cash_handed_over", &EvolveOnSpotCashHandedOver},
      {"on_spot_cash_deposited", &EvolveOnSpotCashDeposited},
  };
  return kEvolvers;
}

}  // namespace zf::internal

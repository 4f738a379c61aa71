// Where a clue goes besides a case of its holder (docs/domain.md, "Clue", J2, J5):
// transferred to the competent subject (线索移送), merged into an existing
// case, or — when the receiving subject disputes jurisdiction too (a
// negative conflict) — designated by the common superior (指定管辖). And the
// soft measures of the clue stage (提示函, 责令改正通知书).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "domain/clue_internal.h"

namespace zf::internal {
namespace {

constexpr std::string_view kTransferBasis =
    "APL art. 38 (a subject without the power transfers the clue); 市场监督管理行政处罚程序规定 "
    "art. 12 (移送有管辖权的机关)";
constexpr std::string_view kRetransferBasis =
    "市场监督管理行政处罚程序规定 art. 13 (a receiving agency that disputes jurisdiction asks "
    "the common superior to designate; it does not transfer the case on)";
constexpr std::string_view kSoftBasis =
    "APL art. 28 (order to correct: 行政执法提示函 / 责令改正通知书 at the clue stage)";

// Fields a receiver starts afresh: its own verification clock (D2).
void ResetVerification(CaseState& state) {
  state.clue.verification_started_on.reset();
  state.clue.verification_clock_from.reset();
  state.clue.verification_due_on.reset();
  state.clue.verification_extended = false;
}

}  // namespace

Decision DecideTransferClue(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (c.state == "transferred" || c.state == "designated" || c.state == "designation_requested") {
    return Reject("retransfer_forbidden",
                  fmt::format("{} received clue {} by {}; if it disputes jurisdiction it asks the "
                              "district government to designate (request_designation) instead "
                              "of transferring it on",
                              c.clue.holder, c.id,
                              c.state == "transferred" ? "transfer" : "designation"),
                  std::string(kRetransferBasis), "/command");
  }
  if (c.state != "registered" && c.state != "assigned" && c.state != "verifying") {
    return InvalidState(c, "transfer_clue", "a registered, assigned or verifying clue",
                        kTransferBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const std::string item = ItemOf(context, c);
  if (auto r = RequireItemInForce(context, item)) return *r;
  const std::string to = Text(data, "to");
  if (!context.rules.org().IsAgency(to)) {
    return Reject("unknown_unit", fmt::format("{} is not an agency registered in org", to),
                  std::string(kTransferBasis), DataPointer("to"));
  }
  if (to == c.clue.holder) {
    return Reject("transfer_to_self", fmt::format("{} already holds clue {}", to, c.id),
                  std::string(kTransferBasis), DataPointer("to"));
  }
  Competence answer;
  if (!MayHandleClue(context, c, item, to, &answer)) {
    return Reject("subject_not_competent",
                  fmt::format("{} is not competent for {} in {} on {}: the competent subject is "
                              "{} ({})",
                              to, item, c.township, context.date().ToString(),
                              answer.subject.empty() ? "nobody" : answer.subject, answer.reason),
                  "APL arts. 22, 38 (transfer to the competent subject)", DataPointer("to"));
  }
  boost::json::object event = data;
  event["from"] = c.clue.holder;
  event["to"] = to;
  event["to_name"] = context.rules.org().LegalNameOf(to).value_or(to);
  event["item_code"] = item;
  event["transferred_on"] = context.date().ToString();
  event["discovered_on"] = c.discovered_on.ToString();
  event["competence_reason"] = answer.reason;
  event["competence_basis"] = answer.legal_basis;
  return Events(Emit("clue_transferred", std::move(event)));
}

Status EvolveClueTransferred(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string from, EventText(event, "from"));
  ZF_ASSIGN_OR_RETURN(state.clue.holder, EventText(event, "to"));
  ZF_ASSIGN_OR_RETURN(state.item_code, EventText(event, "item_code"));
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "transferred_on"));
  state.clue.transferred_from.push_back(std::move(from));
  state.clue.received_on = on;
  ResetVerification(state);
  state.state = "transferred";
  return Status::Ok();
}

Decision DecideMergeClue(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (!IsOpenClueState(c.state)) {
    return InvalidState(c, "merge_clue", "an open clue", kClueBasis);
  }
  const std::string into = Text(data, "into_case_id");
  const CaseState* target = context.cases.FindCase(into);
  if (target == nullptr || into == c.id || !target->filed_on || target->IsFinal()) {
    return Reject("merge_target_invalid",
                  fmt::format("{} is not another filed, open case to merge clue {} into", into,
                              c.id),
                  "APL art. 29 (one act, one case)", DataPointer("into_case_id"));
  }
  if (!ActsFor(context, c.clue.holder) && !ActsFor(context, target->handling_subject)) {
    return Reject("not_clue_holder",
                  fmt::format("{} acts neither for the clue's holder {} nor for {}, which "
                              "handles case {}",
                              context.command.actor.unit, c.clue.holder,
                              target->handling_subject, into),
                  std::string(kClueBasis), "/actor/unit");
  }
  boost::json::object event = data;
  event["into_subject"] = target->handling_subject;
  event["merged_on"] = context.date().ToString();
  return Events(Emit("clue_merged", std::move(event)));
}

Status EvolveClueMerged(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.clue.merged_into, EventText(event, "into_case_id"));
  state.state = "merged";
  return Status::Ok();
}

Decision DecideIssueSoftMeasure(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (!IsOpenClueState(c.state) || c.state == "designation_requested") {
    return InvalidState(c, "issue_soft_measure",
                        "an open clue held by a subject (a soft measure is taken at the clue "
                        "or inspection stage)",
                        kSoftBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const std::string kind = Text(data, "kind");
  const std::int64_t days = Int(data, "deadline_working_days", 0);
  boost::json::object event = data;
  if (kind == "correction_notice") {
    if (days <= 0) {
      return Reject("deadline_required",
                    "a correction notice (责令改正通知书) states the period to correct "
                    "(deadline_working_days)",
                    "APL art. 28 (责令限期改正)", DataPointer("deadline_working_days"));
    }
    auto due = AddWorkingDays(context.InForce().Calendar(), context.date(), static_cast<int>(days));
    if (!due.ok()) {
      return Reject("calendar_missing", std::string(due.status().message()),
                    "APL art. 85 (working days)", DataPointer("deadline_working_days"));
    }
    event["due_on"] = due->ToString();
  }
  event["issued_by"] = c.clue.holder;
  event["issuer_name"] = context.rules.org().LegalNameOf(c.clue.holder).value_or(c.clue.holder);
  event["issued_on"] = context.date().ToString();
  return Events(Emit("soft_measure_issued", std::move(event)));
}

Status EvolveSoftMeasureIssued(CaseState& state, const EventRecord& event) {
  SoftMeasure m;
  ZF_ASSIGN_OR_RETURN(m.kind, EventText(event, "kind"));
  ZF_ASSIGN_OR_RETURN(m.document_number, EventText(event, "document_number"));
  ZF_ASSIGN_OR_RETURN(m.issued_by, EventText(event, "issued_by"));
  ZF_ASSIGN_OR_RETURN(m.issued_on, EventDate(event, "issued_on"));
  m.due_on = OptionalDate(event.data.as_object(), "due_on");
  state.clue.soft_measures.push_back(std::move(m));
  return Status::Ok();
}

namespace {

constexpr std::string_view kPositiveConflictBasis =
    "《中华人民共和国行政处罚法》第二十五条第二款（对管辖发生争议的，应当协商解决，协商不成的，报请"
    "共同的上一级行政机关指定管辖）";

// A filed, open case of another subject about the same act as clue `c`
// (J5: the first filer's claim the requester disputes).
bool IsCompetingCase(const DecisionContext& context, const CaseState& c,
                     const std::string& competing_id) {
  for (const CaseState* other : context.cases.FiledCasesOfSameAct(c, c.item_code)) {
    if (other->id == competing_id) {
      return !other->IsFinal() && other->handling_subject != c.clue.holder;
    }
  }
  return false;
}

// Positive conflict: the holder of an open clue claims the act another
// subject filed first, and negotiation failed.
Decision RequestPositiveDesignation(const DecisionContext& context, const CaseState& c) {
  if (c.state != "registered" && c.state != "assigned" && c.state != "verifying") {
    return InvalidState(c, "request_designation",
                        "an open clue of a subject that claims the act (registered, assigned or "
                        "verifying)",
                        kPositiveConflictBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const std::string competing_id = Text(Data(context), "competing_case_id");
  if (!IsCompetingCase(context, c, competing_id)) {
    return Reject("competing_case_invalid",
                  fmt::format("'{}' is not another subject's filed, open case of the act clue {} "
                              "records; a positive conflict names the case whose jurisdiction "
                              "{} disputes",
                              competing_id, c.id, c.clue.holder),
                  std::string(kPositiveConflictBasis), DataPointer("competing_case_id"));
  }
  const CaseState& competing = *context.cases.FindCase(competing_id);
  const District* district = context.rules.org().district();
  boost::json::object event = Data(context);
  event["requested_by"] = c.clue.holder;
  event["declined_by"] = boost::json::array();
  event["claimants"] = boost::json::array{boost::json::string(c.clue.holder),
                                          boost::json::string(competing.handling_subject)};
  event["superior"] = district != nullptr ? district->id : std::string("district");
  event["requested_on"] = context.date().ToString();
  return Events(Emit("designation_requested", std::move(event)));
}

}  // namespace

Decision DecideRequestDesignation(const DecisionContext& context) {
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (Text(Data(context), "conflict") == "positive") return RequestPositiveDesignation(context, c);
  if (c.state != "transferred") {
    return InvalidState(c, "request_designation",
                        "a clue received by transfer whose receiver disputes jurisdiction "
                        "(both subjects declined it)",
                        kJurisdictionBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const District* district = context.rules.org().district();
  boost::json::object event = Data(context);
  event["requested_by"] = c.clue.holder;
  boost::json::array declined;
  for (const std::string& s : c.clue.transferred_from) declined.emplace_back(s);
  declined.emplace_back(c.clue.holder);
  event["declined_by"] = std::move(declined);
  event["superior"] = district != nullptr ? district->id : std::string("district");
  event["requested_on"] = context.date().ToString();
  return Events(Emit("designation_requested", std::move(event)));
}

Status EvolveDesignationRequested(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.clue.designation_requested_by, EventText(event, "requested_by"));
  const boost::json::object& data = event.data.as_object();
  state.clue.positive_conflict = Text(data, "conflict") == "positive";
  state.clue.designation_claimants = TextList(data, "claimants");
  state.state = "designation_requested";
  return Status::Ok();
}

Decision DecideDesignateJurisdiction(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (c.state != "designation_requested") {
    return InvalidState(c, "designate_jurisdiction", "a pending designation request",
                        kJurisdictionBasis);
  }
  const District* district = context.rules.org().district();
  if (district == nullptr || context.command.actor.unit != district->id) {
    return Reject("not_common_superior",
                  fmt::format("{} is not the common superior (the district government {}) that "
                              "designates the handler",
                              context.command.actor.unit,
                              district != nullptr ? district->id : std::string("(unregistered)")),
                  std::string(kJurisdictionBasis), "/actor/unit");
  }
  const std::string designee = Text(data, "designee");
  const auto& claimants = c.clue.designation_claimants;
  if (c.clue.positive_conflict &&
      std::find(claimants.begin(), claimants.end(), designee) == claimants.end()) {
    return Reject("designee_not_claimant",
                  fmt::format("{} claimed no jurisdiction over the act; in a positive conflict the "
                              "district designates one of {}",
                              designee, fmt::join(claimants, ", ")),
                  std::string(kPositiveConflictBasis), DataPointer("designee"));
  }
  Competence answer;
  if (!MayHandleClue(context, c, c.item_code, designee, &answer)) {
    return Reject("subject_not_competent",
                  fmt::format("{} holds no power over {} in {} on {} ({})", designee, c.item_code,
                              c.township, context.date().ToString(), answer.reason),
                  "APL arts. 25, 38 (only a subject holding the power may be "
                  "designated)",
                  DataPointer("designee"));
  }
  boost::json::object event = data;
  event["designee_name"] = context.rules.org().LegalNameOf(designee).value_or(designee);
  event["designated_by"] = district->id;
  event["designated_on"] = context.date().ToString();
  return Events(Emit("jurisdiction_designated", std::move(event)));
}

Status EvolveJurisdictionDesignated(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.clue.designee, EventText(event, "designee"));
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(event, "designated_on"));
  state.clue.holder = state.clue.designee;
  state.clue.received_on = on;
  ResetVerification(state);
  state.state = "designated";
  return Status::Ok();
}

}  // namespace zf::internal

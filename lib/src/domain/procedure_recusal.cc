// Recusal (回避, APL art. 43; docs/domain.md, I11): the party's request that an officer
// withdraw from its case, and the agency head's decision on it or on the
// head's own motion (an officer who declares a conflict). The investigation
// goes on while a request is pending (APL art. 43 ¶3). Once the head orders
// an officer to withdraw, the officer may no longer act in the case:
// CheckNotRecused (procedure_common) refuses them as actor, as one of the
// officers of an investigative act, as reviewer or presiding officer and as
// approving head (officer_recused).
#include <fmt/format.h>

#include "domain/procedure_common.h"

namespace zf::internal {
namespace {

constexpr std::string_view kRecusalBasis =
    "《中华人民共和国行政处罚法》第四十三条（执法人员与案件有直接利害关系或者有其他关系可能影响"
    "公正执法的，应当回避；当事人认为执法人员与案件有直接利害关系或者有其他关系可能影响公正执法"
    "的，有权申请回避；当事人提出回避申请的，行政机关应当依法审查，由行政机关负责人决定。决定作出"
    "之前，不停止调查）";

// A filed case that is not decided yet: the states in which officers still
// investigate, review or decide it.
#define ZF_RECUSAL_STATES                                                                     \
  {"filed",         "investigating",     "suspended",         "concluded",    "pre_notice", \
   "notice_served", "hearing_requested", "hearing_scheduled", "hearing_held", "ready_to_decide"}

constexpr std::string_view kRecusalNeed = "a filed case that is not decided yet";

std::optional<Rejection> KnownOfficer(const DecisionContext& context, const std::string& officer) {
  if (context.rules.org().FindOfficer(officer) != nullptr) return std::nullopt;
  return Rejection{"unknown_officer", fmt::format("{} is not a registered officer", officer),
                   std::string(kRecusalBasis), DataPointer("officer")};
}

Decision DecideRequestRecusal(const DecisionContext& context) {
  ZF_TARGET(c, ZF_RECUSAL_STATES, kRecusalNeed);
  const boost::json::object& data = Data(context);
  const std::string officer = Text(data, "officer");
  if (auto r = KnownOfficer(context, officer)) return *r;
  if (auto r = CheckNotRecused(c, officer, DataPointer("officer"))) return *r;
  if (Contains(c.procedure_state.recusal_requests, officer)) {
    return Reject("recusal_request_pending",
                  fmt::format("a request that {} withdraw from case {} awaits the head's decision",
                              officer, c.id),
                  std::string(kRecusalBasis), DataPointer("officer"));
  }
  boost::json::object event = data;
  event["requested_on"] = context.date().ToString();
  return Events(Emit("recusal_requested", std::move(event)));
}

Status EvolveRecusalRequested(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string officer, EventText(event, "officer"));
  ProcedureState& p = state.procedure_state;
  if (!Contains(p.recusal_requests, officer)) p.recusal_requests.push_back(officer);
  return Status::Ok();
}

// The head decides (APL art. 43 ¶3): on a pending request either way; on the
// head's own motion (no request: an officer who declared a conflict, or one
// the head found) only to order the withdrawal, since there is nothing to
// refuse.
Decision DecideRecusal(const DecisionContext& context) {
  ZF_TARGET(c, ZF_RECUSAL_STATES, kRecusalNeed);
  const boost::json::object& data = Data(context);
  const std::string officer = Text(data, "officer");
  if (auto r = KnownOfficer(context, officer)) return *r;
  if (auto r = CheckHead(context, c, Text(data, "decided_by"), DataPointer("decided_by"))) {
    return *r;
  }
  if (auto r = CheckNotRecused(c, officer, DataPointer("officer"))) return *r;
  const bool requested = Contains(c.procedure_state.recusal_requests, officer);
  const std::string outcome = Text(data, "outcome");
  if (!requested && outcome != "recused") {
    return Reject("recusal_not_requested",
                  fmt::format("no request that {} withdraw from case {} is pending; without one "
                              "the head can only order the withdrawal",
                              officer, c.id),
                  std::string(kRecusalBasis), DataPointer("outcome"));
  }
  boost::json::object event = data;
  event["decided_on"] = context.date().ToString();
  event["on_request"] = requested;
  return Events(Emit("recusal_decided", std::move(event)));
}

Status EvolveRecusalDecided(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string officer, EventText(event, "officer"));
  ZF_ASSIGN_OR_RETURN(std::string outcome, EventText(event, "outcome"));
  ProcedureState& p = state.procedure_state;
  std::erase(p.recusal_requests, officer);
  if (outcome == "recused" && !Contains(p.recused, officer)) p.recused.push_back(officer);
  return Status::Ok();
}

#undef ZF_RECUSAL_STATES

}  // namespace

const std::vector<CommandSpec>& RecusalCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"request_recusal", "case_id", kCaseStreamPrefix, &DecideRequestRecusal},
      {"decide_recusal", "case_id", kCaseStreamPrefix, &DecideRecusal},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& RecusalEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"recusal_requested", &EvolveRecusalRequested},
      {"recusal_decided", &EvolveRecusalDecided},
  };
  return kEvolvers;
}

}  // namespace zf::internal

// Case commands of the ordinary procedure (spec §4.2–§4.5), from the start
// of the investigation to the decision. So far: the decision's event
// (decision_made), which the execution part builds on.
#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {
namespace {

Status EvolveDecisionMade(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  DecisionRecord d;
  ZF_ASSIGN_OR_RETURN(d.type, EventText(event, "decision_type"));
  ZF_ASSIGN_OR_RETURN(d.decided_on, EventDate(event, "decided_on"));
  ZF_ASSIGN_OR_RETURN(d.handling_subject, EventText(event, "handling_subject"));
  ZF_ASSIGN_OR_RETURN(d.issuer_name, EventText(event, "issuer_name"));
  d.decided_at = state.timeline.back().at;
  d.document_number = Text(data, "document_number");
  d.penalty_types = TextList(data, "penalty_types");
  d.fine_fen = Int(data, "fine_fen");
  d.confiscation_fen = Int(data, "confiscation_fen");
  d.benchmark_id = Text(data, "benchmark_id");
  d.benchmark_version = Int(data, "benchmark_version");
  d.leniency_entries = TextList(data, "leniency_entries");
  d.correction_ordered = Flag(data, "correction_ordered");
  state.procedure_state.decision = std::move(d);
  state.state = "decided";
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& ProcedureCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {};
  return kSpecs;
}

const std::vector<CaseEvolver>& ProcedureEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"decision_made", &EvolveDecisionMade},
  };
  return kEvolvers;
}

}  // namespace zf::internal

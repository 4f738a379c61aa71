// Case commands of the procedure part of the lifecycle (see procedure_state.h).
#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {

const std::vector<CommandSpec>& ProcedureCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {};
  return kSpecs;
}

const std::vector<CaseEvolver>& ProcedureEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {};
  return kEvolvers;
}

}  // namespace zf::internal

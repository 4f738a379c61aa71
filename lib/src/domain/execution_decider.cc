// Case commands of the execution part of the lifecycle (see execution_state.h).
#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {

const std::vector<CommandSpec>& ExecutionCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {};
  return kSpecs;
}

const std::vector<CaseEvolver>& ExecutionEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {};
  return kEvolvers;
}

}  // namespace zf::internal

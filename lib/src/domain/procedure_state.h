// The ordinary-procedure part of a case (spec §4.2–§4.5): investigation,
// evidence, proposal, reviews, notice, hearing and the decision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

struct ProcedureState {};

}  // namespace zf::internal

// The part of a case after the decision (spec §4.7–§4.9): service,
// payment, relief, transfers, closure and archiving.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

struct ExecutionState {};

}  // namespace zf::internal

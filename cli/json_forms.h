// The JSON forms of the public API's query answers, shared by `zfcli
// --json` and the HTTP API (one shape for scripts and for other systems).
#pragma once

#include <boost/json.hpp>

#include "zf/cases.h"
#include "zf/engine.h"
#include "zf/event_store.h"
#include "zf/rules.h"

namespace zfcli {

boost::json::object SummaryJson(const zf::CaseSummary& c);
boost::json::object DeadlineJson(const zf::DeadlineEntry& d);
boost::json::object AnswerJson(const zf::CompetenceAnswer& a);
boost::json::object ItemJson(const zf::PowerItemView& v);
boost::json::object AccessJson(const zf::AccessRecord& r);
// A chain check: `store verify --json` and POST /v1/admin/verify.
boost::json::object ChainReportJson(const zf::ChainReport& report);

}  // namespace zfcli

// Read model of a case-file review campaign (案卷评查, docs/domain.md, Closing, archiving and case-file review): the
// campaign's facts, its summary as scored so far, and optionally each
// sampled file with its score.
#pragma once

#include <boost/json/object.hpp>

#include "domain/case_book.h"

namespace zf::internal {

boost::json::object ReviewCampaignJson(const ReviewCampaignState& campaign, const CaseBook& cases,
                                       bool with_files);

}  // namespace zf::internal

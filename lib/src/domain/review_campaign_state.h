// A case-file review campaign (案卷评查活动, docs/domain.md, Closing, archiving and case-file review), folded from its
// stream "review/<campaign_id>": a reviewing unit samples the archived files
// of a period (an explicit list, or a seeded sample computed by the decider
// and recorded as the list), scores each sampled file (score_case_file on
// the case's own stream, naming the campaign), and closes the campaign with
// a summary. The scores live on the case streams; the campaign holds the
// sample, so "which files, which scores" is answered by reading both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kReviewCampaignStreamPrefix = "review/";

struct ReviewCampaignState {
  std::string id;
  std::uint64_t version = 0;
  std::string state;  // open | closed
  std::string title;
  std::string reviewer_org;
  Date period_from;
  Date period_to;
  std::string selection;  // explicit | sampling
  std::int64_t population = 0;  // archived files of the period the sample came from
  std::vector<std::string> sample;  // case ids, sorted
  Date started_on;
  std::optional<Date> closed_on;
  std::string close_reason;

  bool Exists() const { return version > 0; }
  bool InSample(std::string_view case_id) const;
};

// Folds one event of a review stream; kCorruption for an unknown type or
// data without the fields the type needs.
Status EvolveReviewCampaign(ReviewCampaignState& state, const EventRecord& event);

class CaseBook;

// What the campaign's sampled files scored so far (the case streams'
// case_file_scored events naming the campaign).
struct ReviewSummary {
  std::vector<std::string> scored;    // case ids, sample order
  std::vector<std::string> unscored;  // case ids, sample order
  std::map<std::string, std::int64_t> grades;  // excellent/qualified/unqualified -> files
  std::map<std::string, std::int64_t> veto_findings;  // veto item -> files
  std::vector<std::string> rectification_required;  // case ids
  std::int64_t points_sum = 0;  // sum of the scored files' totals
  // The average total with two decimals ("87.50"), "" when nothing scored.
  std::string AverageTotal() const;
};
ReviewSummary SummarizeReview(const ReviewCampaignState& campaign, const CaseBook& cases);

}  // namespace zf::internal

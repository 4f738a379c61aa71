// Case-file review campaigns (案卷评查, docs/domain.md, Closing, archiving and case-file review): start (with the sample
// fixed in the event), close (with the summary). The scores themselves are
// case_file_scored events on the case streams (execution_decider.cc), which
// call CheckCampaignScoring below.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "domain/case_book.h"
#include "domain/case_helpers.h"
#include "domain/review_campaign_state.h"
#include "util/sm3.h"

namespace zf::internal {

constexpr std::string_view kCampaignBasis =
    "Doc 118 (case-file review, 案卷评查: a campaign samples archived files of a period) [V, one sector; C]";

bool ReviewCampaignState::InSample(std::string_view case_id) const {
  return std::binary_search(sample.begin(), sample.end(), case_id);
}

std::string ReviewSummary::AverageTotal() const {
  if (scored.empty()) return "";
  // Hundredths, rounded half up: integer arithmetic keeps it reproducible.
  const std::int64_t n = static_cast<std::int64_t>(scored.size());
  const std::int64_t centi = (points_sum * 200 + n) / (2 * n);
  return fmt::format("{}.{:02}", centi / 100, centi % 100);
}

ReviewSummary SummarizeReview(const ReviewCampaignState& campaign, const CaseBook& cases) {
  ReviewSummary summary;
  for (const char* grade : {"excellent", "qualified", "unqualified"}) summary.grades[grade] = 0;
  for (const std::string& id : campaign.sample) {
    const CaseState* c = cases.FindCase(id);
    const CaseFileScore* score = nullptr;
    if (c != nullptr) {
      for (const CaseFileScore& s : c->execution.file_scores) {
        if (s.campaign_id == campaign.id) score = &s;
      }
    }
    if (score == nullptr) {
      summary.unscored.push_back(id);
      continue;
    }
    summary.scored.push_back(id);
    ++summary.grades[score->grade];
    summary.points_sum += score->total;
    for (const std::string& v : score->veto_findings) ++summary.veto_findings[v];
    if (score->rectification_required) summary.rectification_required.push_back(id);
  }
  return summary;
}

Status EvolveReviewCampaign(ReviewCampaignState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  if (event.type == "review_campaign_started") {
    state.state = "open";
    ZF_ASSIGN_OR_RETURN(state.reviewer_org, EventText(event, "reviewer_org"));
    ZF_ASSIGN_OR_RETURN(state.selection, EventText(event, "selection"));
    ZF_ASSIGN_OR_RETURN(state.started_on, EventDate(event, "started_on"));
    ZF_ASSIGN_OR_RETURN(state.population, EventInt(event, "population"));
    const auto* period = data.if_contains("period");
    if (period == nullptr || !period->is_object()) {
      return CorruptionError("review_campaign_started without period");
    }
    const auto from = OptionalDate(period->as_object(), "from");
    const auto to = OptionalDate(period->as_object(), "to");
    if (!from || !to) return CorruptionError("review_campaign_started: period needs from and to");
    state.period_from = *from;
    state.period_to = *to;
    state.title = Text(data, "title");
    state.sample = TextList(data, "sample");
    std::sort(state.sample.begin(), state.sample.end());
    return Status::Ok();
  }
  if (event.type == "review_campaign_closed") {
    state.state = "closed";
    ZF_ASSIGN_OR_RETURN(Date closed, EventDate(event, "closed_on"));
    state.closed_on = closed;
    state.close_reason = Text(data, "reason");
    return Status::Ok();
  }
  return CorruptionError(fmt::format("no review event type '{}'", event.type));
}

std::optional<Rejection> CheckCampaignScoring(const DecisionContext& context, const CaseState& c,
                                              const std::string& campaign_id,
                                              const std::string& reviewer) {
  const ReviewCampaignState* campaign = context.cases.FindReviewCampaign(campaign_id);
  if (campaign == nullptr) {
    return Rejection{"review_campaign_not_found",
                     fmt::format("no review campaign {} was started (start_review_campaign)",
                                 campaign_id),
                     std::string(kCampaignBasis), DataPointer("campaign_id")};
  }
  if (campaign->state == "closed") {
    return Rejection{"review_campaign_closed",
                     fmt::format("review campaign {} was closed on {}", campaign_id,
                                 campaign->closed_on->ToString()),
                     std::string(kCampaignBasis), DataPointer("campaign_id")};
  }
  if (!campaign->InSample(c.id)) {
    return Rejection{"case_not_in_sample",
                     fmt::format("case {} is not in the sample of review campaign {} ({} files)",
                                 c.id, campaign_id, campaign->sample.size()),
                     std::string(kCampaignBasis), "/case_id"};
  }
  const Officer* officer = context.rules.org().FindOfficer(reviewer);
  if (officer->agency != campaign->reviewer_org) {
    return Rejection{"reviewer_not_in_org",
                     fmt::format("{} belongs to {}, not to {}, the unit reviewing campaign {}",
                                 reviewer, officer->agency, campaign->reviewer_org, campaign_id),
                     std::string(kCampaignBasis), DataPointer("reviewer")};
  }
  const auto& roles = officer->roles;
  if (std::find(roles.begin(), roles.end(), "case_file_auditor") == roles.end() &&
      std::find(roles.begin(), roles.end(), "case_reviewer") == roles.end()) {
    return Rejection{"reviewer_role_missing",
                     fmt::format("{} holds neither case_file_auditor (案卷评查人员) nor "
                                 "case_reviewer (案件审核人员)",
                                 reviewer),
                     "Doc 118 (case_file_auditor scores archived case files); " +
                         std::string(kCampaignBasis),
                     DataPointer("reviewer")};
  }
  return std::nullopt;
}

namespace {

Rejection SelectionInvalid(std::string message, std::string pointer) {
  return Rejection{"review_selection_invalid", std::move(message), std::string(kCampaignBasis),
                   std::move(pointer)};
}

// Whether the case's file belongs to the period: archived, on a day in it.
bool ArchivedIn(const CaseState& c, Date from, Date to) {
  if (c.state != "archived" || !c.execution.archived_on) return false;
  const Date d = *c.execution.archived_on;
  return !(d < from) && !(to < d);
}

// The seeded order of a file in the draw: SM3(seed "/" case id). Pure and
// reproducible: the same seed over the same files draws the same sample.
std::string DrawKey(std::string_view seed, std::string_view case_id) {
  return Sm3Hex(fmt::format("{}/{}", seed, case_id));
}

// Draws from each group (the whole population, or each handling subject's
// files) `count` files, or ratio_percent of them rounded up (at least one).
std::vector<std::string> Draw(const std::map<std::string, std::vector<std::string>>& groups,
                              const boost::json::object& rule) {
  const std::string seed = Text(rule, "seed");
  std::vector<std::string> sample;
  for (const auto& [group, ids] : groups) {
    std::vector<std::pair<std::string, std::string>> keyed;
    for (const std::string& id : ids) keyed.emplace_back(DrawKey(seed, id), id);
    std::sort(keyed.begin(), keyed.end());
    const std::int64_t n = static_cast<std::int64_t>(keyed.size());
    std::int64_t take = rule.contains("count") ? Int(rule, "count")
                                               : (n * Int(rule, "ratio_percent") + 99) / 100;
    take = std::clamp<std::int64_t>(take, 1, n);
    for (std::int64_t i = 0; i < take; ++i) sample.push_back(keyed[i].second);
  }
  std::sort(sample.begin(), sample.end());
  return sample;
}

Decision DecideStartReviewCampaign(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const std::string& id = context.command.target;
  if (const ReviewCampaignState* existing = context.cases.FindReviewCampaign(id)) {
    return Reject("review_campaign_exists",
                  fmt::format("review campaign {} was already started on {} by {}", id,
                              existing->started_on.ToString(), existing->reviewer_org),
                  std::string(kCampaignBasis), "/campaign_id");
  }
  const std::string org = Text(data, "reviewer_org");
  if (!context.rules.org().IsAgency(org)) {
    return Reject("reviewer_org_unknown",
                  fmt::format("{} is not a department or township registered in org", org),
                  std::string(kCampaignBasis), DataPointer("reviewer_org"));
  }
  const boost::json::object& period = data.at("period").as_object();
  const auto from = Date::Parse(Text(period, "from"));
  const auto to = Date::Parse(Text(period, "to"));
  if (!from.ok() || !to.ok()) {
    return Reject("date_invalid",
                  fmt::format("period: {}", (!from.ok() ? from : to).status().message()),
                  "GB/T 7408 (dates are civil dates YYYY-MM-DD)",
                  !from.ok() ? "/data/period/from" : "/data/period/to");
  }
  if (*to < *from || context.date() < *from) {
    return Reject("review_period_invalid",
                  fmt::format("period {}..{} must run forwards and begin by the command's date {}",
                              from->ToString(), to->ToString(), context.date().ToString()),
                  std::string(kCampaignBasis), "/data/period");
  }
  const bool explicit_list = data.contains("cases");
  const auto* rule = data.if_contains("sampling");
  if (explicit_list == (rule != nullptr)) {
    return SelectionInvalid("name the files either as cases (an explicit list) or by a sampling "
                            "rule, not both and not neither",
                            "/data");
  }
  boost::json::object event = data;
  std::vector<std::string> sample;
  std::int64_t population = 0;
  if (explicit_list) {
    sample = TextList(data, "cases");
    for (std::size_t i = 0; i < sample.size(); ++i) {
      const std::string pointer = fmt::format("/data/cases/{}", i);
      const CaseState* c = context.cases.FindCase(sample[i]);
      if (c == nullptr) {
        return Reject("case_not_found", fmt::format("no case {} is registered", sample[i]),
                      std::string(kCampaignBasis), pointer);
      }
      if (!ArchivedIn(*c, *from, *to)) {
        return Reject("review_case_not_eligible",
                      fmt::format("case {} is {}{}; a campaign reviews files archived in its "
                                  "period {}..{}",
                                  c->id, c->state,
                                  c->execution.archived_on
                                      ? " (archived " + c->execution.archived_on->ToString() + ")"
                                      : "",
                                  from->ToString(), to->ToString()),
                      std::string(kCampaignBasis), pointer);
      }
    }
    std::sort(sample.begin(), sample.end());
    population = static_cast<std::int64_t>(sample.size());
    event["selection"] = "explicit";
  } else {
    const boost::json::object& r = rule->as_object();
    if (r.contains("count") == r.contains("ratio_percent")) {
      return SelectionInvalid("a sampling rule gives either count or ratio_percent",
                              "/data/sampling");
    }
    const std::vector<std::string> subjects = TextList(r, "subjects");
    const bool per_subject = Flag(r, "per_subject");
    std::map<std::string, std::vector<std::string>> groups;
    context.cases.ForEachCase([&](const CaseState& c) {
      if (!ArchivedIn(c, *from, *to)) return;
      if (!subjects.empty() &&
          std::find(subjects.begin(), subjects.end(), c.handling_subject) == subjects.end()) {
        return;
      }
      groups[per_subject ? c.handling_subject : ""].push_back(c.id);
      ++population;
    });
    sample = Draw(groups, r);
    event["selection"] = "sampling";
  }
  if (sample.empty()) {
    return Reject("review_sample_empty",
                  fmt::format("no archived case file of {}..{} matches the selection",
                              from->ToString(), to->ToString()),
                  std::string(kCampaignBasis), "/data");
  }
  event.erase("cases");
  boost::json::array list;
  for (const std::string& s : sample) list.emplace_back(s);
  event["sample"] = std::move(list);
  event["population"] = population;
  event["started_on"] = context.date().ToString();
  return Events(Emit("review_campaign_started", std::move(event)));
}

const ReviewCampaignState* FindOpenCampaign(const DecisionContext& context,
                                            std::optional<Rejection>* rejection) {
  const std::string& id = context.command.target;
  const ReviewCampaignState* campaign = context.cases.FindReviewCampaign(id);
  if (campaign == nullptr) {
    *rejection = Rejection{"review_campaign_not_found",
                           fmt::format("no review campaign {} was started", id),
                           std::string(kCampaignBasis), "/campaign_id"};
  } else if (campaign->state == "closed") {
    *rejection = Rejection{"review_campaign_closed",
                           fmt::format("review campaign {} was already closed on {}", id,
                                       campaign->closed_on->ToString()),
                           std::string(kCampaignBasis), "/campaign_id"};
    campaign = nullptr;
  }
  return campaign;
}

Decision DecideCloseReviewCampaign(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  std::optional<Rejection> rejection;
  const ReviewCampaignState* campaign = FindOpenCampaign(context, &rejection);
  if (campaign == nullptr) return *rejection;
  const ReviewSummary summary = SummarizeReview(*campaign, context.cases);
  if (!summary.unscored.empty() && Text(data, "reason").empty()) {
    return Reject("review_files_unscored",
                  fmt::format("{} of {} sampled files are not scored ({}); score them or give the "
                              "reason for closing without them",
                              summary.unscored.size(), campaign->sample.size(),
                              fmt::join(summary.unscored, ", ")),
                  std::string(kCampaignBasis), DataPointer("reason"));
  }
  boost::json::object event = data;
  event["closed_on"] = context.date().ToString();
  event["sampled"] = static_cast<std::int64_t>(campaign->sample.size());
  event["scored"] = static_cast<std::int64_t>(summary.scored.size());
  boost::json::array unscored;
  for (const std::string& id : summary.unscored) unscored.emplace_back(id);
  event["unscored"] = std::move(unscored);
  boost::json::object grades;
  for (const auto& [grade, n] : summary.grades) grades[grade] = n;
  event["grades"] = std::move(grades);
  boost::json::object vetoes;
  for (const auto& [veto, n] : summary.veto_findings) vetoes[veto] = n;
  event["veto_findings"] = std::move(vetoes);
  boost::json::array rectify;
  for (const std::string& id : summary.rectification_required) rectify.emplace_back(id);
  event["rectification_required"] = std::move(rectify);
  event["points_sum"] = summary.points_sum;
  if (!summary.scored.empty()) event["average_total"] = summary.AverageTotal();
  return Events(Emit("review_campaign_closed", std::move(event)));
}

}  // namespace

const std::vector<CommandSpec>& ReviewCampaignCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"start_review_campaign", "campaign_id", kReviewCampaignStreamPrefix,
       &DecideStartReviewCampaign},
      {"close_review_campaign", "campaign_id", kReviewCampaignStreamPrefix,
       &DecideCloseReviewCampaign},
  };
  return kSpecs;
}

}  // namespace zf::internal

#include "projection/review_view.h"

#include <boost/json.hpp>

namespace zf::internal {
namespace {

boost::json::array Ids(const std::vector<std::string>& ids) {
  boost::json::array out;
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

const CaseFileScore* ScoreIn(const CaseState* c, const std::string& campaign_id) {
  if (c == nullptr) return nullptr;
  for (const CaseFileScore& s : c->execution.file_scores) {
    if (s.campaign_id == campaign_id) return &s;
  }
  return nullptr;
}

}  // namespace

boost::json::object ReviewCampaignJson(const ReviewCampaignState& campaign, const CaseBook& cases,
                                       bool with_files) {
  const ReviewSummary summary = SummarizeReview(campaign, cases);
  boost::json::object out{{"campaign_id", campaign.id},
                          {"state", campaign.state},
                          {"title", campaign.title},
                          {"reviewer_org", campaign.reviewer_org},
                          {"period", {{"from", campaign.period_from.ToString()},
                                      {"to", campaign.period_to.ToString()}}},
                          {"selection", campaign.selection},
                          {"population", campaign.population},
                          {"started_on", campaign.started_on.ToString()},
                          {"closed_on", campaign.closed_on ? campaign.closed_on->ToString() : ""},
                          {"close_reason", campaign.close_reason},
                          {"sampled", campaign.sample.size()},
                          {"scored", summary.scored.size()},
                          {"unscored", Ids(summary.unscored)},
                          {"points_sum", summary.points_sum},
                          {"average_total", summary.AverageTotal()},
                          {"rectification_required", Ids(summary.rectification_required)},
                          {"version", campaign.version}};
  boost::json::object grades;
  for (const auto& [grade, n] : summary.grades) grades[grade] = n;
  out["grades"] = std::move(grades);
  boost::json::object vetoes;
  for (const auto& [veto, n] : summary.veto_findings) vetoes[veto] = n;
  out["veto_findings"] = std::move(vetoes);
  if (!with_files) return out;
  boost::json::array files;
  for (const std::string& id : campaign.sample) {
    const CaseState* c = cases.FindCase(id);
    boost::json::object file{{"case_id", id},
                             {"handling_subject", c != nullptr ? c->handling_subject : ""}};
    if (const CaseFileScore* s = ScoreIn(c, campaign.id)) {
      file["scored"] = true;
      file["reviewer"] = s->reviewer;
      file["form_score"] = s->form_score;
      file["content_score"] = s->content_score;
      file["total"] = s->total;
      file["grade"] = s->grade;
      file["veto_findings"] = Ids(s->veto_findings);
      file["rectification_required"] = s->rectification_required;
      file["scored_on"] = s->scored_on;
    } else {
      file["scored"] = false;
    }
    files.push_back(std::move(file));
  }
  out["files"] = std::move(files);
  return out;
}

}  // namespace zf::internal

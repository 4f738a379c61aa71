#include "domain/clue_competence.h"

#include <algorithm>

#include <fmt/format.h>

#include "domain/clue_internal.h"

namespace zf::internal {
namespace {

constexpr std::string_view kJ4Basis =
    "APL art. 38 (competence); the filer keeps the case, list adjustments apply to new filings [U]";

// What a warning is about, so the same change is recorded once.
std::string WarningKey(const Competence& now) {
  return fmt::format("J4:{}:v{}:{}:{}", now.item_code, now.item_version,
                     now.subject.empty() ? "-" : now.subject, now.reason);
}

}  // namespace

std::optional<NewEvent> CompetenceWarningEvent(const DecisionContext& context, const CaseState& c) {
  if (!c.filed_on || c.handling_subject.empty() || c.item_code.empty()) return std::nullopt;
  auto now = context.InForce().CompetentSubject(c.item_code, c.township,
                                                CompetenceConfigOf(context.options));
  if (!now.ok()) return std::nullopt;
  const bool withdrawn = now->subject.empty();
  const bool changed_version = now->item_version != c.item_version;
  const bool other_subject = !withdrawn && now->subject != c.handling_subject &&
                             !(now->department_retains &&
                               now->original_subject == c.handling_subject);
  if (!withdrawn && !changed_version && !other_subject) return std::nullopt;
  const std::string key = WarningKey(*now);
  if (std::find(c.warnings.begin(), c.warnings.end(), key) != c.warnings.end()) {
    return std::nullopt;
  }
  boost::json::object event;
  event["warning"] = key;
  event["item_code"] = c.item_code;
  event["filed_item_version"] = static_cast<std::int64_t>(c.item_version);
  event["item_version_now"] = static_cast<std::int64_t>(now->item_version);
  event["item_withdrawn"] = withdrawn;
  event["competent_now"] = now->subject;
  event["reason_now"] = now->reason;
  event["handling_subject"] = c.handling_subject;
  event["filer_keeps_case"] = context.options.filer_keeps_case_on_item_change;
  event["raised_on"] = context.date().ToString();
  event["legal_basis"] = std::string(kJ4Basis);
  return Emit("competence_warning_raised", std::move(event));
}

Decision DecideReviewCompetence(const DecisionContext& context) {
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (!c.filed_on || c.IsFinal()) {
    return InvalidState(c, "review_competence", "a filed case that is still open", kJ4Basis);
  }
  if (!ActsFor(context, c.handling_subject)) {
    return Reject("not_clue_holder",
                  fmt::format("case {} is handled by {}; {} does not act for it", c.id,
                              c.handling_subject, context.command.actor.unit),
                  std::string(kJ4Basis), "/actor/unit");
  }
  auto event = CompetenceWarningEvent(context, c);
  if (!event) {
    return Reject("competence_unchanged",
                  fmt::format("on {} the power list still gives what case {} was filed on (or "
                              "the change was recorded already)",
                              context.date().ToString(), c.id),
                  std::string(kJ4Basis), "/command");
  }
  return Events(std::move(*event));
}

Status EvolveCompetenceWarningRaised(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(std::string key, EventText(event, "warning"));
  state.warnings.push_back(std::move(key));
  return Status::Ok();
}

}  // namespace zf::internal

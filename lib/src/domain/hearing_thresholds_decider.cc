// rules/hearing_thresholds: set_hearing_threshold records a new version of
// the "relatively large" amounts for one (department, party_category)
// (APL art. 63; docs/domain.md, Ordinary procedure). Department "*" sets the default.
// The department must be registered in org (or be "*").
#include <fmt/format.h>

#include "domain/decider.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasis = "APL art. 63 (较大数额, set per department) [C]";

Decision DecideSetHearingThreshold(const DecisionContext& context) {
  const boost::json::object& data = context.command.data.as_object();
  const std::string department(data.at("department").as_string());
  if (department != "*" && context.rules.org().FindDepartment(department) == nullptr) {
    return Reject("unknown_department",
                  fmt::format("{} is not a department registered in org", department),
                  std::string(kBasis), "/data/department");
  }
  // The schema admits only the two names.
  const HearingPartyCategory category =
      *ParseHearingPartyCategory(data.at("party_category").as_string());
  auto period = ParseEffectivePeriod(data, "/data");
  if (!period.ok()) {
    return Reject("effective_period_invalid", std::string(period.status().message()),
                  std::string(kBasis), std::string(period.status().subject()));
  }
  const auto history = context.rules.hearing_thresholds().History(department, category);
  std::optional<std::int64_t> previous_from;
  if (!history.empty()) previous_from = history.back()->period.from;
  if (std::string_view code =
          CheckRevisionStart(previous_from, period->from, context.at.unix_micros);
      !code.empty()) {
    return Reject(std::string(code),
                  "a new threshold may not start before the one it follows, nor before the day "
                  "it is set",
                  std::string(kBasis), "/data/effective_from");
  }
  if (!history.empty() && history.back()->fine_min_fen == data.at("fine_min_fen").as_int64() &&
      history.back()->confiscation_min_fen == data.at("confiscation_min_fen").as_int64()) {
    return Reject("hearing_threshold_unchanged",
                  fmt::format("the threshold for {} ({}) version {} has the same amounts",
                              department, HearingPartyCategoryName(category),
                              history.back()->version),
                  std::string(kBasis), "/data/fine_min_fen");
  }
  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit("hearing_threshold_set", std::move(event)));
}

}  // namespace

const std::vector<CommandSpec>& HearingThresholdCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"set_hearing_threshold", "", kHearingThresholdsStream, &DecideSetHearingThreshold},
  };
  return kSpecs;
}

}  // namespace zf::internal

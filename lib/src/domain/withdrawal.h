// The withdrawal of a versioned reference record (a list entry, a
// benchmark): shared by the deciders whose records keep a version history
// with `withdrawn`, `version` and `period.from`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "domain/decider.h"
#include "rules/leniency_lists.h"

namespace zf::internal {

struct WithdrawalNames {
  std::string_view id_field;        // "entry_id"
  std::string_view not_found_code;  // "leniency_entry_not_found"
  std::string_view already_code;    // "leniency_entry_already_withdrawn"
  std::string_view event_type;      // "leniency_entry_withdrawn"
  std::string_view legal_basis;
};

// Refuses an unknown or already withdrawn record and a withdrawal dated
// before the version it ends (or before the day it is made); otherwise the
// withdrawal event, numbered as the record's next version.
template <typename Record>
Decision DecideWithdrawal(const DecisionContext& context,
                          const std::vector<const Record*>& history, const WithdrawalNames& n) {
  const boost::json::object& data = context.command.data.as_object();
  const std::string id(data.at(n.id_field).as_string());
  const std::string id_pointer = fmt::format("/data/{}", n.id_field);
  const std::string basis(n.legal_basis);
  if (history.empty()) {
    return Reject(std::string(n.not_found_code), fmt::format("no record {}", id), basis,
                  id_pointer);
  }
  if (history.back()->withdrawn) {
    return Reject(std::string(n.already_code),
                  fmt::format("{} was withdrawn by version {}", id, history.back()->version),
                  basis, id_pointer);
  }
  auto period = ParseEffectivePeriod(data, "/data");
  if (!period.ok()) {
    return Reject("effective_period_invalid", std::string(period.status().message()), basis,
                  std::string(period.status().subject()));
  }
  if (std::string_view code = CheckRevisionStart(history.back()->period.from, period->from,
                                                 context.at.unix_micros);
      !code.empty()) {
    return Reject(std::string(code),
                  "a withdrawal may not take effect before the version it ends started, nor "
                  "before the day it is made",
                  basis, "/data/effective_from");
  }
  boost::json::object event = data;
  event["version"] = static_cast<std::int64_t>(history.size() + 1);
  return Events(Emit(std::string(n.event_type), std::move(event)));
}

}  // namespace zf::internal

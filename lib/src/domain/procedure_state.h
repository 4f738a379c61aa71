// The ordinary-procedure part of a case (spec §4.2–§4.5): investigation,
// evidence, proposal, reviews, notice, hearing and the decision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zf/calendar.h"

namespace zf::internal {

// The decision (行政处罚决定, O20), as recorded by decision_made.
struct DecisionRecord {
  // penalty | no_penalty | criminal_transfer | jurisdiction_transfer
  std::string type;
  std::string document_number;  // 决定书文号
  Date decided_on;
  std::int64_t decided_at = 0;  // unix micros
  // In whose name and under whose seal (I9): the handling subject and its
  // legal name (a township government for delegated items).
  std::string handling_subject;
  std::string issuer_name;
  std::vector<std::string> penalty_types;  // glossary ids: warning, fine, ...
  std::int64_t fine_fen = 0;
  std::int64_t confiscation_fen = 0;
  // The rules it was judged on (§6.3, §7): recorded so an audit re-checks
  // against the same versions.
  std::string benchmark_id;
  std::int64_t benchmark_version = 0;
  std::vector<std::string> leniency_entries;  // "entry_id@version"
  bool correction_ordered = false;            // APL 28: order to correct
};

struct ProcedureState {
  std::optional<DecisionRecord> decision;
};

}  // namespace zf::internal

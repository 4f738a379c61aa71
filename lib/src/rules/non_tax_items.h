// rules/non_tax_items: which non-tax revenue item code (非税收入项目编码)
// a subject's fines for a power item are paid under (docs/domain.md, Execution). A payment
// notice needs the mapping; the seed reports that only 10 townships had
// mapped their items, so a missing one blocks issue_payment_notice.
//
// Versioned like the other reference records: map_non_tax_item records a
// new mapping for (subject, item_code) from effective_from on; the latest
// one in force at an instant answers.
//
// Not thread-safe; the engine guards the RuleBook that holds it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kNonTaxItemsStream = "rules/non_tax_items";

struct NonTaxMapping {
  std::string subject;    // township or department id (the handling subject)
  std::string item_code;  // power item
  std::string non_tax_code;
  std::int64_t effective_from = 0;  // unix micros, local start of the day
  std::string effective_from_text;
  std::uint32_t version = 0;  // per (subject, item_code)
};

class NonTaxItems {
 public:
  // Folds one event of rules/non_tax_items; kCorruption for an impossible
  // shape.
  Status Apply(const EventRecord& event);

  // The mapping in force at `instant` (unix micros), or nullptr.
  const NonTaxMapping* MappingAsOf(std::string_view subject, std::string_view item_code,
                                   std::int64_t instant) const;
  // Every version for (subject, item_code), oldest first.
  std::vector<const NonTaxMapping*> History(std::string_view subject,
                                            std::string_view item_code) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<NonTaxMapping>> mappings_;
};

}  // namespace zf::internal

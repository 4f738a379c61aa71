#include "rules/non_tax_items.h"

#include <fmt/format.h>

#include "rules/leniency_lists.h"  // LocalStartOfDay
#include "zf/calendar.h"

namespace zf::internal {
namespace {

Result<std::string> Field(const EventRecord& event, std::string_view key) {
  const boost::json::object* data = event.data.if_object();
  const boost::json::value* v = data ? data->if_contains(key) : nullptr;
  if (v == nullptr || !v->is_string()) {
    return CorruptionError(
        fmt::format("{} v{}: data.{} is not a string", event.stream, event.version, key));
  }
  return std::string(v->as_string());
}

}  // namespace

Status NonTaxItems::Apply(const EventRecord& event) {
  if (event.type != "non_tax_item_mapped") return Status::Ok();
  NonTaxMapping m;
  ZF_ASSIGN_OR_RETURN(m.subject, Field(event, "subject"));
  ZF_ASSIGN_OR_RETURN(m.item_code, Field(event, "item_code"));
  ZF_ASSIGN_OR_RETURN(m.non_tax_code, Field(event, "non_tax_code"));
  ZF_ASSIGN_OR_RETURN(m.effective_from_text, Field(event, "effective_from"));
  auto from = Date::Parse(m.effective_from_text);
  if (!from.ok()) {
    return CorruptionError(fmt::format("{} v{}: effective_from: {}", event.stream, event.version,
                                       from.status().message()));
  }
  m.effective_from = LocalStartOfDay(*from);
  auto& versions = mappings_[{m.subject, m.item_code}];
  m.version = static_cast<std::uint32_t>(versions.size() + 1);
  versions.push_back(std::move(m));
  return Status::Ok();
}

const NonTaxMapping* NonTaxItems::MappingAsOf(std::string_view subject,
                                              std::string_view item_code,
                                              std::int64_t instant) const {
  auto it = mappings_.find({std::string(subject), std::string(item_code)});
  if (it == mappings_.end()) return nullptr;
  const NonTaxMapping* found = nullptr;
  for (const NonTaxMapping& m : it->second) {
    if (m.effective_from <= instant) found = &m;  // the latest version started by then
  }
  return found;
}

std::vector<const NonTaxMapping*> NonTaxItems::History(std::string_view subject,
                                                       std::string_view item_code) const {
  std::vector<const NonTaxMapping*> out;
  auto it = mappings_.find({std::string(subject), std::string(item_code)});
  if (it == mappings_.end()) return out;
  for (const NonTaxMapping& m : it->second) out.push_back(&m);
  return out;
}

}  // namespace zf::internal

#include "domain/case_helpers.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace zf::internal {

std::string Text(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t Int(const boost::json::object& data, std::string_view key, std::int64_t fallback) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

bool Flag(const boost::json::object& data, std::string_view key, bool fallback) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

std::vector<std::string> TextList(const boost::json::object& data, std::string_view key) {
  std::vector<std::string> out;
  const boost::json::value* v = data.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::optional<Date> OptionalDate(const boost::json::object& data, std::string_view key) {
  const std::string text = Text(data, key);
  if (text.empty()) return std::nullopt;
  auto date = Date::Parse(text);
  if (!date.ok()) return std::nullopt;
  return *date;
}

std::string DataPointer(std::string_view field) { return fmt::format("/data/{}", field); }

namespace {

Result<const boost::json::value*> EventField(const EventRecord& event, std::string_view key) {
  const boost::json::value* v =
      event.data.is_object() ? event.data.as_object().if_contains(key) : nullptr;
  if (v == nullptr) {
    return CorruptionError(fmt::format("{} lacks data.{}", event.type, key)).WithSubject(key);
  }
  return v;
}

}  // namespace

Result<std::string> EventText(const EventRecord& event, std::string_view key) {
  ZF_ASSIGN_OR_RETURN(const boost::json::value* v, EventField(event, key));
  if (!v->is_string()) {
    return CorruptionError(fmt::format("{}: data.{} is not a string", event.type, key))
        .WithSubject(key);
  }
  return std::string(v->as_string());
}

Result<Date> EventDate(const EventRecord& event, std::string_view key) {
  ZF_ASSIGN_OR_RETURN(std::string text, EventText(event, key));
  auto date = Date::Parse(text);
  if (!date.ok()) {
    return CorruptionError(fmt::format("{}: data.{}: {}", event.type, key,
                                       date.status().message()))
        .WithSubject(key);
  }
  return *date;
}

Result<std::int64_t> EventInt(const EventRecord& event, std::string_view key) {
  ZF_ASSIGN_OR_RETURN(const boost::json::value* v, EventField(event, key));
  if (!v->is_int64()) {
    return CorruptionError(fmt::format("{}: data.{} is not an integer", event.type, key))
        .WithSubject(key);
  }
  return v->as_int64();
}

bool ActsFor(const DecisionContext& context, std::string_view subject) {
  const std::string& unit = context.command.actor.unit;
  if (unit == subject) return true;
  // A township's brigade works in the township's name (docs/domain.md, Organisation).
  const Brigade* brigade = context.rules.org().FindBrigade(unit);
  return brigade != nullptr && brigade->township == subject;
}

std::string SubjectOfUnit(const DecisionContext& context) {
  const std::string& unit = context.command.actor.unit;
  const Brigade* brigade = context.rules.org().FindBrigade(unit);
  return brigade != nullptr ? brigade->township : unit;
}

CompetenceConfig CompetenceConfigOf(const EngineOptions& options) {
  CompetenceConfig config;
  config.department_retains_for.insert(options.department_retains_for.begin(),
                                       options.department_retains_for.end());
  return config;
}

bool MayHandle(const DecisionContext& context, const std::string& item_code,
               const std::string& township, const std::string& subject, Competence* answer,
               bool with_legal_basis) {
  CompetenceConfig config = CompetenceConfigOf(context.options);
  config.with_legal_basis = with_legal_basis;
  auto competence = context.InForce().CompetentSubject(item_code, township, config);
  if (!competence.ok()) {
    answer->reason = std::string(competence.status().message());
    return false;
  }
  *answer = std::move(*competence);  // its legal-basis texts are long: moved, not copied
  if (answer->subject == subject) return true;
  return answer->department_retains && answer->original_subject == subject;
}

std::optional<Rejection> CheckHeadApproval(const DecisionContext& context,
                                           const std::string& officer, const std::string& subject,
                                           std::string_view field, std::string_view legal_basis) {
  if (officer.empty()) {
    return Rejection{"approval_required",
                     fmt::format("{} needs the approval of an agency head of {}",
                                 context.command.type, subject),
                     std::string(legal_basis), DataPointer(field)};
  }
  const Officer* o = context.rules.org().FindOfficer(officer);
  const bool head = o != nullptr && o->agency == subject &&
                    std::find(o->roles.begin(), o->roles.end(), "agency_head") != o->roles.end();
  if (!head) {
    return Rejection{"approver_not_head",
                     fmt::format("{} is not an agency head (行政机关负责人) of {}", officer, subject),
                     std::string(legal_basis), DataPointer(field)};
  }
  return std::nullopt;
}

namespace {
constexpr std::string_view kPlaceBasis = "APL art. 22 (jurisdiction follows the place)";
}  // namespace

// The township of the place named in `data` (micro_grid or township).
std::optional<Rejection> ResolvePlace(const DecisionContext& context,
                                      const boost::json::object& data, std::string* township) {
  const OrgModel& org = context.rules.org();
  const std::string micro_grid = Text(data, "micro_grid");
  const std::string named = Text(data, "township");
  if (!micro_grid.empty()) {
    const Township* t = org.TownshipOfGridNode(micro_grid);
    if (t == nullptr) {
      return Rejection{"unknown_grid_node",
                       fmt::format("{} is not a grid node registered in org", micro_grid),
                       std::string(kPlaceBasis), DataPointer("micro_grid")};
    }
    if (!named.empty() && named != t->id) {
      return Rejection{"place_mismatch",
                       fmt::format("micro-grid {} lies in {}, not {}", micro_grid, t->id, named),
                       std::string(kPlaceBasis), DataPointer("township")};
    }
    *township = t->id;
    return std::nullopt;
  }
  if (named.empty()) {
    return Rejection{"place_missing", "the place needs a micro_grid or a township",
                     std::string(kPlaceBasis), DataPointer("township")};
  }
  if (org.FindTownship(named) == nullptr) {
    return Rejection{"unknown_township",
                     fmt::format("{} is not a township registered in org", named),
                     std::string(kPlaceBasis), DataPointer("township")};
  }
  *township = named;
  return std::nullopt;
}

}  // namespace zf::internal

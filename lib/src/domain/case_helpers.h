// Small helpers shared by the case deciders and evolvers: reading the
// schema-checked command data, and reading event data strictly (an event
// that lacks a field its evolver needs is corruption, not a default).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "domain/decider.h"
#include "zf/calendar.h"
#include "zf/result.h"

namespace zf::internal {

// The command's data object (CheckCommand made it an object).
inline const boost::json::object& Data(const DecisionContext& context) {
  return context.command.data.as_object();
}
// data[key] as a string, "" when absent (the schema decides what is required).
std::string Text(const boost::json::object& data, std::string_view key);
// data[key] as an int64, or `fallback` when absent.
std::int64_t Int(const boost::json::object& data, std::string_view key, std::int64_t fallback = 0);
bool Flag(const boost::json::object& data, std::string_view key, bool fallback = false);
std::vector<std::string> TextList(const boost::json::object& data, std::string_view key);
// data[key] as a date (YYYY-MM-DD), if present and well-formed.
std::optional<Date> OptionalDate(const boost::json::object& data, std::string_view key);
// "/data/<field>".
std::string DataPointer(std::string_view field);

// Event data readers for evolvers: kCorruption naming the field when the
// field is missing or has another type.
Result<std::string> EventText(const EventRecord& event, std::string_view key);
Result<Date> EventDate(const EventRecord& event, std::string_view key);
Result<std::int64_t> EventInt(const EventRecord& event, std::string_view key);

// The command's actor must be able to act for `subject` (an officer of
// that agency, or of its brigade for a township): the unit in the envelope
// is what the engine trusts, so it must name the subject.
bool ActsFor(const DecisionContext& context, std::string_view subject);
// The subject the actor's unit works for: a brigade's township, else the unit.
std::string SubjectOfUnit(const DecisionContext& context);

// `officer` (from data[field]) must be an agency_head (行政机关负责人) of
// `subject`: approval_required when empty, approver_not_head otherwise.
std::optional<Rejection> CheckHeadApproval(const DecisionContext& context,
                                           const std::string& officer, const std::string& subject,
                                           std::string_view field, std::string_view legal_basis);

// The township of the place named in `data`: its micro_grid's (which must
// agree with a township also named), or the township named. Rejections:
// unknown_grid_node, place_mismatch, place_missing, unknown_township.
std::optional<Rejection> ResolvePlace(const DecisionContext& context,
                                      const boost::json::object& data, std::string* township);

// J3 configuration from the engine options.
CompetenceConfig CompetenceConfigOf(const EngineOptions& options);

// Whether `subject` may handle the case's item in its township at the
// command's date (docs/domain.md, J1-J3); `answer` holds the competence
// answer (its reason and subject), with its legal-basis texts only when
// `with_legal_basis` (a caller that records them in an event).
bool MayHandle(const DecisionContext& context, const std::string& item_code,
               const std::string& township, const std::string& subject, Competence* answer,
               bool with_legal_basis = true);

}  // namespace zf::internal

// org: the organisation enforcement runs on (docs/domain.md, Organisation, Roles) — the district,
// its 12 township-level units and their brigades, the district departments,
// officers and their enforcement credentials, the 4 enforcement areas with
// their leadership, townships and assigned officers, and the five-level
// grid. Reference data: registered once, changed only by new events
// (leadership changes, township moves, revocations, assignment ends) that
// say from when they hold.
//
// Every decider is pure: it reads the command and the OrgModel folded from
// the events recorded before it (including earlier commands of the batch).
// Registrations copy the validated command data into the event, so the
// event schemas mirror the command schemas.
#include <fmt/format.h>

#include <optional>

#include "crypto/sm2.h"
#include "domain/decider.h"

namespace zf::internal {
namespace {

constexpr std::string_view kOrgBasis =
    "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号）; 沙县片区联合执法工作机制";
constexpr std::string_view kCredentialBasis =
    "APL art. 42 (enforcement credentials)";
constexpr std::string_view kSealBasis =
    "《中华人民共和国电子签名法》第十三条、第十四条 (a reliable electronic signature has the "
    "effect of a handwritten signature or seal); 《国务院关于在线政务服务的若干规定》第十条 "
    "(electronic seals have the legal effect of physical seals)";
constexpr std::string_view kAreaChiefBasis =
    "沙县片区联合执法工作机制 [seed]: 片长 is a deputy-section-level leader of a district "
    "department";
constexpr std::string_view kAreaChiefRankBasis =
    "沙县片区联合执法工作机制 [seed]: 片长 is a deputy-section-level (副科级) leader of a "
    "district department";
constexpr std::string_view kAreaBasis =
    "沙县片区联合执法工作机制 [seed]: 4 enforcement areas, each grouping several townships";
constexpr std::string_view kAssignmentBasis =
    "沙县片区联合执法工作机制 [seed]: officers and areas are many-to-many (93 officers, 113 "
    "assignments)";
constexpr std::string_view kGridBasis =
    "沙县网格化服务管理 [seed]: district → subdistrict → community → grid_area → micro_grid";

using OptionalRejection = std::optional<Decision>;

const boost::json::object& Data(const DecisionContext& context) {
  return context.command.data.as_object();
}

// The schema makes required fields present strings; optional ones may be
// absent.
std::string Text(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Pointer(std::string_view field) { return fmt::format("/data/{}", field); }

OptionalRejection IdFree(const OrgModel& org, const boost::json::object& data,
                         std::string_view field) {
  const std::string id = Text(data, field);
  if (!org.IdInUse(id)) return std::nullopt;
  return Reject("org_unit_exists",
                fmt::format("'{}' is already registered in org; ids are never reused", id),
                std::string(kOrgBasis), Pointer(field));
}

OptionalRejection KnownDistrict(const OrgModel& org, const boost::json::object& data) {
  const std::string id = Text(data, "district");
  if (org.district() != nullptr && org.district()->id == id) return std::nullopt;
  return Reject("unknown_district", fmt::format("'{}' is not the registered district", id),
                std::string(kOrgBasis), Pointer("district"));
}

OptionalRejection KnownTownship(const OrgModel& org, std::string_view id, std::string pointer) {
  if (org.FindTownship(id) != nullptr) return std::nullopt;
  return Reject("unknown_township", fmt::format("no township-level unit '{}'", id),
                std::string(kOrgBasis), std::move(pointer));
}

OptionalRejection KnownAgency(const OrgModel& org, const boost::json::object& data,
                              std::string_view field) {
  const std::string id = Text(data, field);
  if (org.IsAgency(id)) return std::nullopt;
  return Reject("unknown_agency",
                fmt::format("'{}' is neither a township-level unit nor a district department", id),
                std::string(kOrgBasis), Pointer(field));
}

OptionalRejection KnownOfficer(const OrgModel& org, std::string_view id, std::string_view field) {
  if (org.FindOfficer(id) != nullptr) return std::nullopt;
  return Reject("unknown_officer", fmt::format("no officer '{}'", id), std::string(kOrgBasis),
                Pointer(field));
}

OptionalRejection KnownArea(const OrgModel& org, const boost::json::object& data) {
  const std::string id = Text(data, "area");
  if (org.FindArea(id) != nullptr) return std::nullopt;
  return Reject("unknown_area", fmt::format("no enforcement area '{}'", id),
                std::string(kAreaBasis), Pointer("area"));
}

// The area chief convenes joint actions across agencies, which is why the
// mechanism puts a district department leader of deputy-section level or
// above in the post (docs/domain.md, Roles). An officer registered without a rank is
// accepted unless the options require one (the sample records none).
OptionalRejection AreaChiefEligible(const DecisionContext& context, std::string_view officer_id,
                                    std::string_view field) {
  const OrgModel& org = context.rules.org();
  if (auto r = KnownOfficer(org, officer_id, field)) return r;
  const Officer& officer = *org.FindOfficer(officer_id);
  if (org.FindDepartment(officer.agency) == nullptr) {
    return Reject("area_chief_not_department_leader",
                  fmt::format("officer {} belongs to '{}', not to a district department",
                              officer_id, officer.agency),
                  std::string(kAreaChiefBasis), Pointer(field));
  }
  if (officer.rank == "staff" ||
      (officer.rank.empty() && context.options.area_chief_rank_required)) {
    return Reject("area_chief_rank_too_low",
                  officer.rank.empty()
                      ? fmt::format("officer {} has no recorded rank; an area chief must be a "
                                    "deputy-section-level (副科级) or higher leader",
                                    officer_id)
                      : fmt::format("officer {} ({}) holds no leadership post (rank staff); an "
                                    "area chief must be a deputy-section-level (副科级) or higher "
                                    "leader of a district department",
                                    officer_id, officer.post.empty() ? officer.name : officer.post),
                  std::string(kAreaChiefRankBasis), Pointer(field));
  }
  return std::nullopt;
}

// A "YYYY-MM-DD" field. The schema validator has already refused a day the
// calendar does not have; the decider stays total for data it did not see
// (a decider run on a hand-built context).
std::variant<Date, Decision> ParseDate(const boost::json::object& data, std::string_view field,
                                       std::string_view basis) {
  auto date = Date::Parse(Text(data, field));
  if (date.ok()) return *date;
  return Reject("date_invalid", std::string(date.status().message()), std::string(basis),
                Pointer(field));
}

// `effective_from` when given (a date or an RFC 3339 instant), else the
// command's time; also returns the text the event records.
std::variant<std::pair<std::int64_t, std::string>, Decision> Effective(
    const DecisionContext& context, std::string_view basis) {
  const boost::json::object& data = Data(context);
  if (!data.contains("effective_from")) {
    return std::pair{context.at.unix_micros, context.command.at};
  }
  const std::string text = Text(data, "effective_from");
  auto instant = ParseEffectiveInstant(text);
  if (instant.ok()) return std::pair{*instant, text};
  return Reject("date_invalid", std::string(instant.status().message()), std::string(basis),
                Pointer("effective_from"));
}

std::vector<NewEvent> One(std::string type, boost::json::value data) {
  return Events(Emit(std::move(type), std::move(data)));
}

// --- Units ---------------------------------------------------------------

Decision DecideRegisterDistrict(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (org.district() != nullptr) {
    return Reject("org_unit_exists",
                  fmt::format("the district '{}' is already registered", org.district()->id),
                  std::string(kOrgBasis), Pointer("district_id"));
  }
  if (auto r = IdFree(org, data, "district_id")) return *r;
  return One("district_registered", data);
}

// 行政复议法 art. 24: a department decides in the name of its own level's
// government — the district's for a district department, another (the
// city's) for a city bureau's branch.
OptionalRejection IssuingGovernmentFits(const OrgModel& org, const boost::json::object& data) {
  const std::string government = Text(data, "issuing_government");
  if (government.empty()) return std::nullopt;
  const std::string& district = org.district()->legal_name;  // KnownDistrict passed
  const bool city = Text(data, "level") == "city";
  if (city != (government == district)) return std::nullopt;
  return Reject("issuing_government_invalid",
                city ? fmt::format("a city-level department decides in the city bureau's name; "
                                   "{} is the district's government",
                                   government)
                     : fmt::format("a district-level department decides in the name of the "
                                   "district ({}), not of {}",
                                   district, government),
                "《中华人民共和国行政复议法》第二十四条（对本级人民政府工作部门作出的行政行为不服的，"
                "由本级人民政府管辖）",
                Pointer("issuing_government"));
}

Decision DecideRegisterDepartment(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "department_id")) return *r;
  if (auto r = KnownDistrict(org, data)) return *r;
  if (auto r = IssuingGovernmentFits(org, data)) return *r;
  return One("department_registered", data);
}

Decision DecideRegisterTownship(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "township_id")) return *r;
  if (auto r = KnownDistrict(org, data)) return *r;
  return One("township_registered", data);
}

Decision DecideRegisterBrigade(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "brigade_id")) return *r;
  const std::string township = Text(data, "township");
  if (auto r = KnownTownship(org, township, Pointer("township"))) return *r;
  if (const std::string& existing = org.FindTownship(township)->brigade_id; !existing.empty()) {
    return Reject("brigade_exists",
                  fmt::format("{} already has its enforcement brigade '{}'", township, existing),
                  "沙县乡镇综合执法大队 [seed]: one brigade per township",
                  Pointer("township"));
  }
  auto created = ParseDate(data, "created_on", kOrgBasis);
  if (auto* r = std::get_if<Decision>(&created)) return std::move(*r);
  return One("brigade_registered", data);
}

// --- Officers and credentials ----------------------------------------------

Decision DecideRegisterOfficer(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "officer_id")) return *r;
  if (auto r = KnownAgency(org, data, "agency")) return *r;
  return One("officer_registered", data);
}

constexpr std::string_view kOfficerFactsBasis =
    "《中华人民共和国行政处罚法》第四十二条（执法人员资格）、第五十八条第二款（初次从事法制审核的"
    "人员应当取得法律职业资格）";

// The facts amend_officer may change, and their value on the record.
constexpr std::string_view kAmendableFacts[] = {"legal_qualification", "legal_review_since",
                                                "rank", "post"};
std::string RecordedFact(const Officer& o, std::string_view field) {
  if (field == "legal_qualification") return o.legal_qualification;
  if (field == "legal_review_since") return o.legal_review_since;
  if (field == "rank") return o.rank;
  return o.post;
}

// Facts of a registered officer learned after registration (the legal
// professional qualification, the first day of legal review, rank, post).
// The amendment holds from when it is recorded: commands decided before it
// keep the facts they were decided on.
Decision DecideAmendOfficer(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string id = Text(data, "officer_id");
  if (auto r = KnownOfficer(org, id, "officer_id")) return std::move(*r);
  if (auto since = Date::Parse(Text(data, "legal_review_since"));
      since.ok() && context.date() < *since) {
    return Reject("date_in_future",
                  fmt::format("legal_review_since {} is after the command's date {}",
                              since->ToString(), context.date().ToString()),
                  std::string(kOfficerFactsBasis), Pointer("legal_review_since"));
  }
  const Officer& officer = *org.FindOfficer(id);
  boost::json::object previous;
  for (std::string_view field : kAmendableFacts) {
    if (!data.contains(field)) continue;
    std::string recorded = RecordedFact(officer, field);
    if (recorded != Text(data, field)) previous[field] = std::move(recorded);
  }
  if (previous.empty()) {
    return Reject("officer_unchanged",
                  fmt::format("the amendment states what org already records for {}", id),
                  std::string(kOfficerFactsBasis), Pointer("officer_id"));
  }
  boost::json::object event = data;
  event["previous"] = std::move(previous);
  event["amended_on"] = context.date().ToString();
  return One("officer_amended", event);
}

Decision DecideIssueCredential(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string number = Text(data, "credential_number");
  if (org.FindCredential(number) != nullptr) {
    return Reject(
        "credential_exists",
        fmt::format("credential {} was already issued; a renewal has a new number", number),
        std::string(kCredentialBasis), Pointer("credential_number"));
  }
  if (auto r = KnownOfficer(org, Text(data, "officer"), "officer")) return *r;
  if (auto r = KnownAgency(org, data, "agency")) return *r;
  auto from = ParseDate(data, "valid_from", kCredentialBasis);
  if (auto* r = std::get_if<Decision>(&from)) return std::move(*r);
  auto to = ParseDate(data, "valid_to", kCredentialBasis);
  if (auto* r = std::get_if<Decision>(&to)) return std::move(*r);
  if (std::get<Date>(to) < std::get<Date>(from)) {
    return Reject("credential_dates_invalid",
                  fmt::format("valid_to {} is before valid_from {}", std::get<Date>(to).ToString(),
                              std::get<Date>(from).ToString()),
                  std::string(kCredentialBasis), Pointer("valid_to"));
  }
  return One("credential_issued", data);
}

Decision DecideRevokeCredential(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string number = Text(data, "credential_number");
  const Credential* credential = org.FindCredential(number);
  if (credential == nullptr) {
    return Reject("unknown_credential", fmt::format("no credential {}", number),
                  std::string(kCredentialBasis), Pointer("credential_number"));
  }
  if (credential->revoked_on.has_value()) {
    return Reject(
        "credential_already_revoked",
        fmt::format("credential {} was revoked on {}", number, credential->revoked_on->ToString()),
        std::string(kCredentialBasis), Pointer("credential_number"));
  }
  auto revoked = ParseDate(data, "revoked_on", kCredentialBasis);
  if (auto* r = std::get_if<Decision>(&revoked)) return std::move(*r);
  boost::json::object event = data;
  event["officer"] = credential->officer;
  return One("credential_revoked", std::move(event));
}

// --- Electronic seals ------------------------------------------------------

Decision DecideRegisterAgencySeal(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = KnownAgency(org, data, "agency")) return *r;
  auto key = ParseSm2PublicKeyPem(Text(data, "public_key"), "public_key");
  if (!key.ok()) {
    return Reject("seal_key_invalid",
                  fmt::format("public_key is not an SM2 public key in PEM: {}",
                              key.status().message()),
                  std::string(kSealBasis), Pointer("public_key"));
  }
  const std::string key_id = key->Fingerprint();
  if (const AgencySeal* existing = org.FindSeal(key_id)) {
    return Reject("seal_key_exists",
                  fmt::format("key {} is already registered as a seal of {}; a new seal has a "
                              "new key",
                              key_id, existing->agency),
                  std::string(kSealBasis), Pointer("public_key"));
  }
  auto from = ParseDate(data, "valid_from", kSealBasis);
  if (auto* r = std::get_if<Decision>(&from)) return std::move(*r);
  boost::json::object event{{"agency", Text(data, "agency")},
                            {"key_id", key_id},
                            {"public_key", PublicKeyPem(*key)},
                            {"valid_from", Text(data, "valid_from")}};
  if (data.contains("note")) event["note"] = data.at("note");
  return One("agency_seal_registered", std::move(event));
}

Decision DecideRevokeAgencySeal(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string key_id = Text(data, "key_id");
  const AgencySeal* seal = org.FindSeal(key_id);
  if (seal == nullptr || seal->agency != Text(data, "agency")) {
    return Reject("unknown_seal",
                  fmt::format("{} has no seal key {}", Text(data, "agency"), key_id),
                  std::string(kSealBasis), Pointer("key_id"));
  }
  if (seal->revoked_on.has_value()) {
    return Reject("seal_already_revoked",
                  fmt::format("seal key {} was revoked on {}", key_id,
                              seal->revoked_on->ToString()),
                  std::string(kSealBasis), Pointer("key_id"));
  }
  auto revoked = ParseDate(data, "revoked_on", kSealBasis);
  if (auto* r = std::get_if<Decision>(&revoked)) return std::move(*r);
  return One("agency_seal_revoked", data);
}

// --- Areas ---------------------------------------------------------------

Decision DecideRegisterArea(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "area_id")) return *r;
  if (auto r = KnownDistrict(org, data)) return *r;
  if (auto r = AreaChiefEligible(context, Text(data, "area_chief"), "area_chief")) return *r;
  if (auto r = KnownOfficer(org, Text(data, "coordination_leader"), "coordination_leader")) {
    return *r;
  }
  const boost::json::array& townships = data.at("townships").as_array();
  for (std::size_t i = 0; i < townships.size(); ++i) {
    const std::string id(townships[i].as_string());
    const std::string pointer = fmt::format("/data/townships/{}", i);
    if (auto r = KnownTownship(org, id, pointer)) return *r;
    if (const EnforcementArea* in = org.AreaOfTownship(id, context.at.unix_micros)) {
      return Reject("township_already_in_area",
                    fmt::format("{} belongs to {}; move it with move_township_to_area", id, in->id),
                    std::string(kAreaBasis), pointer);
    }
  }
  return One("enforcement_area_registered", data);
}

Decision DecideChangeAreaLeadership(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = KnownArea(org, data)) return *r;
  auto effective = Effective(context, kAreaChiefBasis);
  if (auto* r = std::get_if<Decision>(&effective)) return std::move(*r);
  const auto& [instant, effective_text] = std::get<0>(effective);
  const std::string area = Text(data, "area");
  const AreaLeadership* current = org.LeadershipOf(area, instant);
  if (current == nullptr) {
    return Reject("date_invalid",
                  fmt::format("{} is before {} was registered", effective_text, area),
                  std::string(kAreaBasis), Pointer("effective_from"));
  }
  std::string chief = current->area_chief;
  std::string leader = current->coordination_leader;
  if (data.contains("area_chief")) {
    chief = Text(data, "area_chief");
    if (auto r = AreaChiefEligible(context, chief, "area_chief")) return *r;
  }
  if (data.contains("coordination_leader")) {
    leader = Text(data, "coordination_leader");
    if (auto r = KnownOfficer(org, leader, "coordination_leader")) return *r;
  }
  if (chief == current->area_chief && leader == current->coordination_leader) {
    return Reject("area_leadership_unchanged",
                  fmt::format("{} is already led by {} with {} as of {}", area, chief, leader,
                              effective_text),
                  std::string(kAreaChiefBasis), "/data");
  }
  boost::json::object event{{"area", area},
                            {"area_chief", chief},
                            {"coordination_leader", leader},
                            {"effective_from", effective_text}};
  if (data.contains("reason")) event["reason"] = data.at("reason");
  return One("area_leadership_changed", std::move(event));
}

Decision DecideMoveTownshipToArea(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string township = Text(data, "township");
  if (auto r = KnownTownship(org, township, Pointer("township"))) return *r;
  if (auto r = KnownArea(org, data)) return *r;
  auto effective = Effective(context, kAreaBasis);
  if (auto* r = std::get_if<Decision>(&effective)) return std::move(*r);
  const auto& [instant, effective_text] = std::get<0>(effective);
  const std::string area = Text(data, "area");
  const EnforcementArea* current = org.AreaOfTownship(township, instant);
  if (current != nullptr && current->id == area) {
    return Reject("township_already_in_area",
                  fmt::format("{} already belongs to {} as of {}", township, area, effective_text),
                  std::string(kAreaBasis), Pointer("area"));
  }
  boost::json::object event{
      {"township", township}, {"area", area}, {"effective_from", effective_text}};
  if (current != nullptr) event["previous_area"] = current->id;
  return One("township_moved_to_area", std::move(event));
}

Decision DecideAssignOfficerToArea(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string officer = Text(data, "officer");
  if (auto r = KnownOfficer(org, officer, "officer")) return *r;
  if (auto r = KnownArea(org, data)) return *r;
  auto from = ParseDate(data, "from", kAssignmentBasis);
  if (auto* r = std::get_if<Decision>(&from)) return std::move(*r);
  std::optional<Date> to;
  if (data.contains("to")) {
    auto parsed = ParseDate(data, "to", kAssignmentBasis);
    if (auto* r = std::get_if<Decision>(&parsed)) return std::move(*r);
    to = std::get<Date>(parsed);
    if (*to < std::get<Date>(from)) {
      return Reject(
          "assignment_dates_invalid",
          fmt::format("to {} is before from {}", to->ToString(), std::get<Date>(from).ToString()),
          std::string(kAssignmentBasis), Pointer("to"));
    }
  }
  const std::string area = Text(data, "area");
  for (const AreaAssignment* a : org.AssignmentsOf(officer, area)) {
    if (a->Overlaps(std::get<Date>(from), to)) {
      return Reject(
          "assignment_exists",
          fmt::format("{} is already assigned to {} from {}", officer, area, a->from.ToString()),
          std::string(kAssignmentBasis), Pointer("area"));
    }
  }
  return One("officer_assigned_to_area", data);
}

Decision DecideEndAreaAssignment(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  const std::string officer = Text(data, "officer");
  const std::string area = Text(data, "area");
  const AreaAssignment* open = nullptr;
  for (const AreaAssignment* a : org.AssignmentsOf(officer, area)) {
    if (!a->to.has_value()) open = a;
  }
  if (open == nullptr) {
    return Reject("unknown_assignment",
                  fmt::format("{} has no open assignment to {}", officer, area),
                  std::string(kAssignmentBasis), Pointer("area"));
  }
  auto ended = ParseDate(data, "ended_on", kAssignmentBasis);
  if (auto* r = std::get_if<Decision>(&ended)) return std::move(*r);
  if (std::get<Date>(ended) < open->from) {
    return Reject("assignment_dates_invalid",
                  fmt::format("ended_on {} is before the assignment began on {}",
                              std::get<Date>(ended).ToString(), open->from.ToString()),
                  std::string(kAssignmentBasis), Pointer("ended_on"));
  }
  return One("area_assignment_ended", data);
}

// --- Grid ----------------------------------------------------------------

Decision GridLevelInvalid(std::string message, std::string_view field) {
  return Reject("grid_level_invalid", std::move(message), std::string(kGridBasis), Pointer(field));
}

Decision DecideRegisterGridNode(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const auto& data = Data(context);
  if (auto r = IdFree(org, data, "node_id")) return *r;
  const GridLevel level = *ParseGridLevel(Text(data, "level"));  // schema enum
  const std::optional<GridLevel> parent_level = ParentLevelOf(level);
  const bool has_parent = data.contains("parent");
  if (!parent_level.has_value()) {
    if (has_parent) return GridLevelInvalid("the district-level node has no parent", "parent");
  } else {
    if (!has_parent) {
      return GridLevelInvalid(fmt::format("a {} node needs a {} parent", GridLevelName(level),
                                          GridLevelName(*parent_level)),
                              "parent");
    }
    const std::string parent_id = Text(data, "parent");
    const GridNode* parent = org.FindGridNode(parent_id);
    if (parent == nullptr) {
      return Reject("unknown_grid_parent", fmt::format("no grid node '{}'", parent_id),
                    std::string(kGridBasis), Pointer("parent"));
    }
    if (parent->level != *parent_level) {
      return GridLevelInvalid(
          fmt::format("a {} node hangs under a {} node, not under {} ({})", GridLevelName(level),
                      GridLevelName(*parent_level), parent_id, GridLevelName(parent->level)),
          "level");
    }
  }
  // Only the township-level node names its township; the levels below
  // inherit it, so a node can never disagree with its ancestors.
  const bool has_township = data.contains("township");
  if (level == GridLevel::kSubdistrict) {
    if (!has_township) return GridLevelInvalid("a subdistrict node names its township", "township");
    if (auto r = KnownTownship(org, Text(data, "township"), Pointer("township"))) return *r;
  } else if (has_township) {
    return GridLevelInvalid(
        fmt::format("a {} node takes its township from its ancestors", GridLevelName(level)),
        "township");
  }
  return One("grid_node_registered", data);
}

}  // namespace

const std::vector<CommandSpec>& OrgCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"register_district", "", kOrgStream, &DecideRegisterDistrict},
      {"register_department", "", kOrgStream, &DecideRegisterDepartment},
      {"register_township", "", kOrgStream, &DecideRegisterTownship},
      {"register_brigade", "", kOrgStream, &DecideRegisterBrigade},
      {"register_officer", "", kOrgStream, &DecideRegisterOfficer},
      {"amend_officer", "", kOrgStream, &DecideAmendOfficer},
      {"issue_credential", "", kOrgStream, &DecideIssueCredential},
      {"revoke_credential", "", kOrgStream, &DecideRevokeCredential},
      {"register_agency_seal", "", kOrgStream, &DecideRegisterAgencySeal},
      {"revoke_agency_seal", "", kOrgStream, &DecideRevokeAgencySeal},
      {"register_enforcement_area", "", kOrgStream, &DecideRegisterArea},
      {"change_area_leadership", "", kOrgStream, &DecideChangeAreaLeadership},
      {"move_township_to_area", "", kOrgStream, &DecideMoveTownshipToArea},
      {"assign_officer_to_area", "", kOrgStream, &DecideAssignOfficerToArea},
      {"end_area_assignment", "", kOrgStream, &DecideEndAreaAssignment},
      {"register_grid_node", "", kOrgStream, &DecideRegisterGridNode},
  };
  return kSpecs;
}

}  // namespace zf::internal

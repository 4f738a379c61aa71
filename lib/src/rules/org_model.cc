#include "rules/org_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/rfc3339.h"

namespace zf::internal {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
// China Standard Time, the zone every business date of the sample is in.
constexpr std::int64_t kLocalOffsetSeconds = 8 * 3'600;

// Events were validated by the decider before they were recorded, so a
// missing or mistyped field means the stored event is not what was written.
Status Corrupt(std::string_view type, std::string_view field) {
  return CorruptionError(fmt::format("org event {}: missing or malformed field '{}'", type, field))
      .WithSubject(field);
}

Result<std::string> Text(const boost::json::object& data, std::string_view key,
                         std::string_view type) {
  const boost::json::value* v = data.if_contains(key);
  if (v == nullptr || !v->is_string()) return Corrupt(type, key);
  return std::string(v->as_string());
}

std::string OptionalText(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<Date> DateField(const boost::json::object& data, std::string_view key,
                       std::string_view type) {
  ZF_ASSIGN_OR_RETURN(std::string text, Text(data, key, type));
  auto date = Date::Parse(text);
  if (!date.ok()) return Corrupt(type, key);
  return *date;
}

Result<std::int64_t> InstantField(const boost::json::object& data, std::string_view key,
                                  std::string_view type) {
  ZF_ASSIGN_OR_RETURN(std::string text, Text(data, key, type));
  auto instant = ParseEffectiveInstant(text);
  if (!instant.ok()) return Corrupt(type, key);
  return *instant;
}

Result<std::vector<std::string>> TextList(const boost::json::object& data, std::string_view key,
                                          std::string_view type) {
  const boost::json::value* v = data.if_contains(key);
  if (v == nullptr || !v->is_array()) return Corrupt(type, key);
  std::vector<std::string> out;
  for (const boost::json::value& item : v->as_array()) {
    if (!item.is_string()) return Corrupt(type, key);
    out.emplace_back(item.as_string());
  }
  return out;
}

template <typename Map>
const typename Map::mapped_type* Lookup(const Map& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

template <typename Map>
auto Values(const Map& map) {
  std::vector<const typename Map::mapped_type*> out;
  for (const auto& [key, value] : map) out.push_back(&value);
  return out;
}

}  // namespace

std::optional<TownshipKind> ParseTownshipKind(std::string_view text) {
  if (text == "town") return TownshipKind::kTown;
  if (text == "township") return TownshipKind::kTownship;
  if (text == "subdistrict") return TownshipKind::kSubdistrict;
  return std::nullopt;
}

std::optional<DepartmentLevel> ParseDepartmentLevel(std::string_view text) {
  if (text == "district") return DepartmentLevel::kDistrict;
  if (text == "city") return DepartmentLevel::kCity;
  return std::nullopt;
}

std::optional<OfficeMode> ParseOfficeMode(std::string_view text) {
  if (text == "centralised") return OfficeMode::kCentralised;
  if (text == "per_township") return OfficeMode::kPerTownship;
  return std::nullopt;
}

std::optional<AssignmentMode> ParseAssignmentMode(std::string_view text) {
  if (text == "stationed") return AssignmentMode::kStationed;
  if (text == "semi_stationed") return AssignmentMode::kSemiStationed;
  if (text == "remote_liaison") return AssignmentMode::kRemoteLiaison;
  return std::nullopt;
}

std::optional<GridLevel> ParseGridLevel(std::string_view text) {
  if (text == "district") return GridLevel::kDistrict;
  if (text == "subdistrict") return GridLevel::kSubdistrict;
  if (text == "community") return GridLevel::kCommunity;
  if (text == "grid_area") return GridLevel::kGridArea;
  if (text == "micro_grid") return GridLevel::kMicroGrid;
  return std::nullopt;
}

std::string_view GridLevelName(GridLevel level) {
  switch (level) {
    case GridLevel::kDistrict:
      return "district";
    case GridLevel::kSubdistrict:
      return "subdistrict";
    case GridLevel::kCommunity:
      return "community";
    case GridLevel::kGridArea:
      return "grid_area";
    case GridLevel::kMicroGrid:
      return "micro_grid";
  }
  return "unknown";
}

std::optional<GridLevel> ParentLevelOf(GridLevel level) {
  if (level == GridLevel::kDistrict) return std::nullopt;
  return static_cast<GridLevel>(static_cast<int>(level) - 1);
}

std::int64_t StartOfLocalDay(Date date) {
  return (date.DayNumber() * kSecondsPerDay - kLocalOffsetSeconds) * kMicrosPerSecond;
}

Date LocalDateOf(std::int64_t unix_micros) {
  const std::int64_t local_seconds =
      (unix_micros >= 0 ? unix_micros : unix_micros - (kMicrosPerSecond - 1)) / kMicrosPerSecond +
      kLocalOffsetSeconds;
  const std::int64_t day =
      (local_seconds >= 0 ? local_seconds : local_seconds - (kSecondsPerDay - 1)) / kSecondsPerDay;
  return Date::FromDayNumber(day);
}

Result<std::int64_t> ParseEffectiveInstant(std::string_view text) {
  if (text.size() == 10) {
    ZF_ASSIGN_OR_RETURN(Date date, Date::Parse(text));
    return StartOfLocalDay(date);
  }
  ZF_ASSIGN_OR_RETURN(Timestamp at, ParseRfc3339(text));
  return at.unix_micros;
}

bool Credential::ValidOn(Date date) const {
  if (date < valid_from || date > valid_to) return false;
  return !revoked_on.has_value() || date < *revoked_on;
}

bool AgencySeal::InForceOn(Date date) const {
  return valid_from <= date && (!revoked_on.has_value() || date < *revoked_on);
}

bool AreaAssignment::ActiveOn(Date date) const {
  return from <= date && (!to.has_value() || date <= *to);
}

bool AreaAssignment::Overlaps(Date first, std::optional<Date> last) const {
  const bool starts_before_other_ends = !last.has_value() || from <= *last;
  const bool ends_after_other_starts = !to.has_value() || first <= *to;
  return starts_before_other_ends && ends_after_other_starts;
}

// --- Fold --------------------------------------------------------------------

Status OrgModel::Apply(const EventRecord& event) {
  const boost::json::object* data = event.data.if_object();
  if (data == nullptr) return Corrupt(event.type, "data");
  std::int64_t at = 0;
  if (auto parsed = ParseRfc3339(event.occurred_at); parsed.ok()) {
    at = parsed->unix_micros;
  } else {
    return Corrupt(event.type, "occurred_at");
  }
  const std::string& t = event.type;
  if (t == "district_registered") return ApplyDistrict(*data, at);
  if (t == "township_registered") return ApplyTownship(*data, at);
  if (t == "brigade_registered") return ApplyBrigade(*data);
  if (t == "department_registered") return ApplyDepartment(*data, at);
  if (t == "officer_registered") return ApplyOfficer(*data, at);
  if (t == "officer_amended") return ApplyOfficerAmended(*data);
  if (t == "credential_issued") return ApplyCredentialIssued(*data);
  if (t == "credential_revoked") return ApplyCredentialRevoked(*data);
  if (t == "agency_seal_registered") return ApplySealRegistered(*data);
  if (t == "agency_seal_revoked") return ApplySealRevoked(*data);
  if (t == "enforcement_area_registered") return ApplyArea(*data, at);
  if (t == "area_leadership_changed") return ApplyLeadershipChanged(*data, at);
  if (t == "township_moved_to_area") return ApplyTownshipMoved(*data, at);
  if (t == "officer_assigned_to_area") return ApplyAssigned(*data);
  if (t == "area_assignment_ended") return ApplyAssignmentEnded(*data);
  if (t == "grid_node_registered") return ApplyGridNode(*data);
  return Status::Ok();
}

Status OrgModel::ApplyDistrict(const boost::json::object& data, std::int64_t at) {
  constexpr std::string_view kType = "district_registered";
  District d;
  ZF_ASSIGN_OR_RETURN(d.id, Text(data, "district_id", kType));
  ZF_ASSIGN_OR_RETURN(d.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(d.legal_name, Text(data, "legal_name", kType));
  d.registered_at = at;
  district_ = std::move(d);
  return Status::Ok();
}

Status OrgModel::ApplyTownship(const boost::json::object& data, std::int64_t at) {
  constexpr std::string_view kType = "township_registered";
  Township t;
  ZF_ASSIGN_OR_RETURN(t.id, Text(data, "township_id", kType));
  ZF_ASSIGN_OR_RETURN(t.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(t.legal_name, Text(data, "legal_name", kType));
  t.short_name = OptionalText(data, "short_name");
  ZF_ASSIGN_OR_RETURN(std::string kind, Text(data, "kind", kType));
  auto parsed = ParseTownshipKind(kind);
  if (!parsed) return Corrupt(kType, "kind");
  t.kind = *parsed;
  t.registered_at = at;
  townships_[t.id] = std::move(t);
  return Status::Ok();
}

Status OrgModel::ApplyBrigade(const boost::json::object& data) {
  constexpr std::string_view kType = "brigade_registered";
  Brigade b;
  ZF_ASSIGN_OR_RETURN(b.id, Text(data, "brigade_id", kType));
  ZF_ASSIGN_OR_RETURN(b.township, Text(data, "township", kType));
  ZF_ASSIGN_OR_RETURN(b.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(b.created_on, DateField(data, "created_on", kType));
  auto township = townships_.find(b.township);
  if (township == townships_.end()) return Corrupt(kType, "township");
  township->second.brigade_id = b.id;
  brigades_[b.id] = std::move(b);
  return Status::Ok();
}

Status OrgModel::ApplyDepartment(const boost::json::object& data, std::int64_t at) {
  constexpr std::string_view kType = "department_registered";
  Department d;
  ZF_ASSIGN_OR_RETURN(d.id, Text(data, "department_id", kType));
  ZF_ASSIGN_OR_RETURN(d.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(d.legal_name, Text(data, "legal_name", kType));
  ZF_ASSIGN_OR_RETURN(std::string level, Text(data, "level", kType));
  auto parsed = ParseDepartmentLevel(level);
  if (!parsed) return Corrupt(kType, "level");
  d.level = *parsed;
  d.designation = OptionalText(data, "designation");
  d.issuing_government = OptionalText(data, "issuing_government");
  d.short_name = OptionalText(data, "short_name");
  d.registered_at = at;
  departments_[d.id] = std::move(d);
  return Status::Ok();
}

// amend_officer: only the facts the event states change; the officer keeps
// its id, agency, roles and registration instant.
Status OrgModel::ApplyOfficerAmended(const boost::json::object& data) {
  constexpr std::string_view kType = "officer_amended";
  ZF_ASSIGN_OR_RETURN(std::string id, Text(data, "officer_id", kType));
  auto it = officers_.find(id);
  if (it == officers_.end()) return Corrupt(kType, "officer_id");
  Officer& o = it->second;
  if (data.contains("legal_qualification")) {
    o.legal_qualification = OptionalText(data, "legal_qualification");
  }
  if (data.contains("legal_review_since")) {
    o.legal_review_since = OptionalText(data, "legal_review_since");
  }
  if (data.contains("rank")) o.rank = OptionalText(data, "rank");
  if (data.contains("post")) o.post = OptionalText(data, "post");
  return Status::Ok();
}

Status OrgModel::ApplyOfficer(const boost::json::object& data, std::int64_t at) {
  constexpr std::string_view kType = "officer_registered";
  Officer o;
  ZF_ASSIGN_OR_RETURN(o.id, Text(data, "officer_id", kType));
  ZF_ASSIGN_OR_RETURN(o.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(o.agency, Text(data, "agency", kType));
  ZF_ASSIGN_OR_RETURN(o.roles, TextList(data, "roles", kType));
  o.rank = OptionalText(data, "rank");
  o.post = OptionalText(data, "post");
  o.legal_qualification = OptionalText(data, "legal_qualification");
  o.legal_review_since = OptionalText(data, "legal_review_since");
  o.registered_at = at;
  officers_[o.id] = std::move(o);
  return Status::Ok();
}

Status OrgModel::ApplyCredentialIssued(const boost::json::object& data) {
  constexpr std::string_view kType = "credential_issued";
  Credential c;
  ZF_ASSIGN_OR_RETURN(c.number, Text(data, "credential_number", kType));
  ZF_ASSIGN_OR_RETURN(c.officer, Text(data, "officer", kType));
  ZF_ASSIGN_OR_RETURN(c.agency, Text(data, "agency", kType));
  ZF_ASSIGN_OR_RETURN(c.valid_from, DateField(data, "valid_from", kType));
  ZF_ASSIGN_OR_RETURN(c.valid_to, DateField(data, "valid_to", kType));
  credentials_by_officer_[c.officer].push_back(c.number);
  credentials_[c.number] = std::move(c);
  return Status::Ok();
}

Status OrgModel::ApplyCredentialRevoked(const boost::json::object& data) {
  constexpr std::string_view kType = "credential_revoked";
  ZF_ASSIGN_OR_RETURN(std::string number, Text(data, "credential_number", kType));
  auto it = credentials_.find(number);
  if (it == credentials_.end()) return Corrupt(kType, "credential_number");
  ZF_ASSIGN_OR_RETURN(Date revoked_on, DateField(data, "revoked_on", kType));
  it->second.revoked_on = revoked_on;
  it->second.revocation_reason = OptionalText(data, "reason");
  return Status::Ok();
}

Status OrgModel::ApplySealRegistered(const boost::json::object& data) {
  constexpr std::string_view kType = "agency_seal_registered";
  AgencySeal seal;
  ZF_ASSIGN_OR_RETURN(seal.agency, Text(data, "agency", kType));
  ZF_ASSIGN_OR_RETURN(seal.key_id, Text(data, "key_id", kType));
  ZF_ASSIGN_OR_RETURN(seal.public_key_pem, Text(data, "public_key", kType));
  ZF_ASSIGN_OR_RETURN(seal.valid_from, DateField(data, "valid_from", kType));
  auto key = ParseSm2PublicKeyPem(seal.public_key_pem, kType);
  if (!key.ok() || key->Fingerprint() != seal.key_id) return Corrupt(kType, "public_key");
  seal.key = *key;
  seals_.push_back(std::move(seal));
  return Status::Ok();
}

Status OrgModel::ApplySealRevoked(const boost::json::object& data) {
  constexpr std::string_view kType = "agency_seal_revoked";
  ZF_ASSIGN_OR_RETURN(std::string key_id, Text(data, "key_id", kType));
  auto it = std::find_if(seals_.begin(), seals_.end(),
                         [&](const AgencySeal& s) { return s.key_id == key_id; });
  if (it == seals_.end()) return Corrupt(kType, "key_id");
  ZF_ASSIGN_OR_RETURN(Date revoked_on, DateField(data, "revoked_on", kType));
  it->revoked_on = revoked_on;
  it->revocation_reason = OptionalText(data, "reason");
  return Status::Ok();
}

void OrgModel::AddMembership(const std::string& township, Membership membership) {
  std::vector<Membership>& history = memberships_[township];
  // Kept ordered by `from`; an entry with the same instant as an earlier
  // one goes after it, so the later-recorded change wins.
  auto pos = std::upper_bound(history.begin(), history.end(), membership.from,
                              [](std::int64_t from, const Membership& m) { return from < m.from; });
  history.insert(pos, std::move(membership));
}

Status OrgModel::ApplyArea(const boost::json::object& data, std::int64_t at) {
  constexpr std::string_view kType = "enforcement_area_registered";
  EnforcementArea a;
  ZF_ASSIGN_OR_RETURN(a.id, Text(data, "area_id", kType));
  ZF_ASSIGN_OR_RETURN(a.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(std::string mode, Text(data, "office_mode", kType));
  auto parsed = ParseOfficeMode(mode);
  if (!parsed) return Corrupt(kType, "office_mode");
  a.office_mode = *parsed;
  a.registered_at = at;
  AreaLeadership lead;
  lead.effective_from = at;
  ZF_ASSIGN_OR_RETURN(lead.area_chief, Text(data, "area_chief", kType));
  ZF_ASSIGN_OR_RETURN(lead.coordination_leader, Text(data, "coordination_leader", kType));
  a.leadership.push_back(std::move(lead));
  ZF_ASSIGN_OR_RETURN(std::vector<std::string> townships, TextList(data, "townships", kType));
  for (const std::string& township : townships) AddMembership(township, {at, a.id});
  areas_[a.id] = std::move(a);
  return Status::Ok();
}

Status OrgModel::ApplyLeadershipChanged(const boost::json::object& data, std::int64_t) {
  constexpr std::string_view kType = "area_leadership_changed";
  ZF_ASSIGN_OR_RETURN(std::string area, Text(data, "area", kType));
  auto it = areas_.find(area);
  if (it == areas_.end()) return Corrupt(kType, "area");
  AreaLeadership lead;
  ZF_ASSIGN_OR_RETURN(lead.effective_from, InstantField(data, "effective_from", kType));
  ZF_ASSIGN_OR_RETURN(lead.area_chief, Text(data, "area_chief", kType));
  ZF_ASSIGN_OR_RETURN(lead.coordination_leader, Text(data, "coordination_leader", kType));
  std::vector<AreaLeadership>& history = it->second.leadership;
  auto pos = std::upper_bound(
      history.begin(), history.end(), lead.effective_from,
      [](std::int64_t from, const AreaLeadership& l) { return from < l.effective_from; });
  history.insert(pos, std::move(lead));
  return Status::Ok();
}

Status OrgModel::ApplyTownshipMoved(const boost::json::object& data, std::int64_t) {
  constexpr std::string_view kType = "township_moved_to_area";
  ZF_ASSIGN_OR_RETURN(std::string township, Text(data, "township", kType));
  Membership m;
  ZF_ASSIGN_OR_RETURN(m.area, Text(data, "area", kType));
  ZF_ASSIGN_OR_RETURN(m.from, InstantField(data, "effective_from", kType));
  AddMembership(township, std::move(m));
  return Status::Ok();
}

Status OrgModel::ApplyAssigned(const boost::json::object& data) {
  constexpr std::string_view kType = "officer_assigned_to_area";
  AreaAssignment a;
  ZF_ASSIGN_OR_RETURN(a.officer, Text(data, "officer", kType));
  ZF_ASSIGN_OR_RETURN(a.area, Text(data, "area", kType));
  ZF_ASSIGN_OR_RETURN(std::string mode, Text(data, "mode", kType));
  auto parsed = ParseAssignmentMode(mode);
  if (!parsed) return Corrupt(kType, "mode");
  a.mode = *parsed;
  ZF_ASSIGN_OR_RETURN(a.from, DateField(data, "from", kType));
  if (data.contains("to")) {
    ZF_ASSIGN_OR_RETURN(a.to, DateField(data, "to", kType));
  }
  assignments_.push_back(std::move(a));
  return Status::Ok();
}

Status OrgModel::ApplyAssignmentEnded(const boost::json::object& data) {
  constexpr std::string_view kType = "area_assignment_ended";
  ZF_ASSIGN_OR_RETURN(std::string officer, Text(data, "officer", kType));
  ZF_ASSIGN_OR_RETURN(std::string area, Text(data, "area", kType));
  ZF_ASSIGN_OR_RETURN(Date ended_on, DateField(data, "ended_on", kType));
  // The decider ended the open assignment; there is at most one.
  for (AreaAssignment& a : assignments_) {
    if (a.officer == officer && a.area == area && !a.to.has_value()) {
      a.to = ended_on;
      return Status::Ok();
    }
  }
  return Corrupt(kType, "area");
}

Status OrgModel::ApplyGridNode(const boost::json::object& data) {
  constexpr std::string_view kType = "grid_node_registered";
  GridNode n;
  ZF_ASSIGN_OR_RETURN(n.id, Text(data, "node_id", kType));
  ZF_ASSIGN_OR_RETURN(n.name, Text(data, "name", kType));
  ZF_ASSIGN_OR_RETURN(std::string level, Text(data, "level", kType));
  auto parsed = ParseGridLevel(level);
  if (!parsed) return Corrupt(kType, "level");
  n.level = *parsed;
  n.parent = OptionalText(data, "parent");
  n.township = OptionalText(data, "township");
  grid_[n.id] = std::move(n);
  return Status::Ok();
}

// --- Queries -----------------------------------------------------------------

const District* OrgModel::district() const { return district_ ? &*district_ : nullptr; }

const Township* OrgModel::FindTownship(std::string_view id) const { return Lookup(townships_, id); }

const Brigade* OrgModel::FindBrigade(std::string_view id) const { return Lookup(brigades_, id); }

const Department* OrgModel::FindDepartment(std::string_view id) const {
  return Lookup(departments_, id);
}

const EnforcementArea* OrgModel::FindArea(std::string_view id) const { return Lookup(areas_, id); }

bool OrgModel::IsAgency(std::string_view id) const {
  return FindTownship(id) != nullptr || FindDepartment(id) != nullptr;
}

bool OrgModel::IdInUse(std::string_view id) const {
  return (district_ && district_->id == id) || townships_.contains(id) || brigades_.contains(id) ||
         departments_.contains(id) || areas_.contains(id) || officers_.contains(id) ||
         grid_.contains(id);
}

std::optional<std::string> OrgModel::LegalNameOf(std::string_view subject) const {
  if (const Township* t = FindTownship(subject)) return t->legal_name;
  if (const Department* d = FindDepartment(subject)) return d->legal_name;
  if (district_ && district_->id == subject) return district_->legal_name;
  return std::nullopt;
}

std::vector<const Township*> OrgModel::Townships() const { return Values(townships_); }
std::vector<const Department*> OrgModel::Departments() const { return Values(departments_); }
std::vector<const EnforcementArea*> OrgModel::Areas() const { return Values(areas_); }
std::vector<const Brigade*> OrgModel::Brigades() const { return Values(brigades_); }
std::vector<const Officer*> OrgModel::Officers() const { return Values(officers_); }

const EnforcementArea* OrgModel::AreaOfTownship(std::string_view township,
                                                std::int64_t instant) const {
  auto it = memberships_.find(township);
  if (it == memberships_.end()) return nullptr;
  const Membership* in_force = nullptr;
  for (const Membership& m : it->second) {
    if (m.from <= instant) in_force = &m;
  }
  return in_force ? FindArea(in_force->area) : nullptr;
}

std::vector<std::string> OrgModel::TownshipsWithAreas() const {
  std::vector<std::string> out;
  for (const auto& [township, history] : memberships_) out.push_back(township);
  return out;
}

std::vector<std::string> OrgModel::TownshipsOfArea(std::string_view area,
                                                   std::int64_t instant) const {
  std::vector<std::string> out;
  for (const auto& [township, history] : memberships_) {
    const EnforcementArea* a = AreaOfTownship(township, instant);
    if (a != nullptr && a->id == area) out.push_back(township);
  }
  return out;
}

const AreaLeadership* OrgModel::LeadershipOf(std::string_view area, std::int64_t instant) const {
  const EnforcementArea* a = FindArea(area);
  if (a == nullptr) return nullptr;
  const AreaLeadership* in_force = nullptr;
  for (const AreaLeadership& l : a->leadership) {
    if (l.effective_from <= instant) in_force = &l;
  }
  return in_force;
}

const Officer* OrgModel::FindOfficer(std::string_view id) const { return Lookup(officers_, id); }

const Credential* OrgModel::FindCredential(std::string_view number) const {
  return Lookup(credentials_, number);
}

std::vector<const Credential*> OrgModel::CredentialsOf(std::string_view officer) const {
  std::vector<const Credential*> out;
  if (auto it = credentials_by_officer_.find(officer); it != credentials_by_officer_.end()) {
    for (const std::string& number : it->second) out.push_back(FindCredential(number));
  }
  return out;
}

const Credential* OrgModel::ValidCredential(std::string_view officer, Date date) const {
  const Credential* valid = nullptr;
  for (const Credential* c : CredentialsOf(officer)) {
    if (c->ValidOn(date)) valid = c;
  }
  return valid;
}

const AgencySeal* OrgModel::FindSeal(std::string_view key_id) const {
  for (const AgencySeal& s : seals_) {
    if (s.key_id == key_id) return &s;
  }
  return nullptr;
}

const AgencySeal* OrgModel::SealInForce(std::string_view agency, Date date) const {
  const AgencySeal* in_force = nullptr;
  for (const AgencySeal& s : seals_) {
    if (s.agency != agency || !s.InForceOn(date)) continue;
    if (in_force == nullptr || !(s.valid_from < in_force->valid_from)) in_force = &s;
  }
  return in_force;
}

std::vector<const AreaAssignment*> OrgModel::AssignmentsOf(std::string_view officer,
                                                           std::string_view area) const {
  std::vector<const AreaAssignment*> out;
  for (const AreaAssignment& a : assignments_) {
    if (a.officer == officer && a.area == area) out.push_back(&a);
  }
  return out;
}

std::vector<std::string> OrgModel::OfficersOfArea(std::string_view area, Date date) const {
  std::set<std::string> officers;
  for (const AreaAssignment& a : assignments_) {
    if (a.area == area && a.ActiveOn(date)) officers.insert(a.officer);
  }
  return {officers.begin(), officers.end()};
}

std::size_t OrgModel::AssignmentCount(Date date) const {
  return static_cast<std::size_t>(
      std::count_if(assignments_.begin(), assignments_.end(),
                    [date](const AreaAssignment& a) { return a.ActiveOn(date); }));
}

std::size_t OrgModel::DistinctOfficerCount(Date date) const {
  std::set<std::string_view> officers;
  for (const AreaAssignment& a : assignments_) {
    if (a.ActiveOn(date)) officers.insert(a.officer);
  }
  return officers.size();
}

const GridNode* OrgModel::FindGridNode(std::string_view id) const { return Lookup(grid_, id); }

const Township* OrgModel::TownshipOfGridNode(std::string_view id) const {
  // Five levels at most; the bound guards against a cycle that the decider
  // makes impossible but a damaged store could hold.
  const GridNode* node = FindGridNode(id);
  for (int step = 0; node != nullptr && step < 5; ++step) {
    if (node->level == GridLevel::kSubdistrict) return FindTownship(node->township);
    node = FindGridNode(node->parent);
  }
  return nullptr;
}

}  // namespace zf::internal

// The `org` reference stream folded into the organisation the rest of the
// engine asks about (docs/domain.md, Organisation, Roles): the district, its township-level units
// and their enforcement brigades, the district departments, the officers
// with their enforcement credentials and roles, the four enforcement areas
// (片区) with their leadership, township membership and officer
// assignments, and the five-level grid.
//
// Versioned, never edited in place: a registration is never changed; a
// change of area leadership or of a township's area is a new entry with its
// own effective instant, a credential revocation or the end of an
// assignment is recorded beside the original. Queries on dated data take
// the instant (unix micros) or the civil date they are asked "as of".
//
// Two things called 片区 are kept apart on purpose (docs/domain.md, Organisation warning): an
// EnforcementArea groups several townships; a grid_area is a GridNode level
// inside a community.
//
// Pointers returned by queries point into this model; they stay valid until
// the next Apply() or until the model is destroyed or assigned.
//
// Example:
//   const OrgModel& org = rules.org();
//   const Township* t = org.TownshipOfGridNode("MG-0457");  // fenggang
//   const EnforcementArea* a = org.AreaOfTownship(t->id, at.unix_micros);
//   const Credential* c = org.ValidCredential("SX-OF-0001", Date{2023, 9, 27});
//
// Thread safety: const methods may be called concurrently; Apply() must not
// run concurrently with any other call on the same object.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sm2.h"
#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// Persisted as the strings noted; do not rename.
// town | township | subdistrict
enum class TownshipKind { kTown, kTownship, kSubdistrict };
// district | city
enum class DepartmentLevel { kDistrict, kCity };
// centralised | per_township
enum class OfficeMode { kCentralised, kPerTownship };
// stationed (进驻) | semi_stationed (半进驻) | remote_liaison (微信联系)
enum class AssignmentMode { kStationed, kSemiStationed, kRemoteLiaison };
// The five grid levels, top down (docs/domain.md, Organisation grid_node).
enum class GridLevel { kDistrict, kSubdistrict, kCommunity, kGridArea, kMicroGrid };

std::optional<TownshipKind> ParseTownshipKind(std::string_view text);
std::optional<DepartmentLevel> ParseDepartmentLevel(std::string_view text);
std::optional<OfficeMode> ParseOfficeMode(std::string_view text);
std::optional<AssignmentMode> ParseAssignmentMode(std::string_view text);
std::optional<GridLevel> ParseGridLevel(std::string_view text);
std::string_view GridLevelName(GridLevel level);
// The level a node of `level` must hang under; nullopt for kDistrict.
std::optional<GridLevel> ParentLevelOf(GridLevel level);

// Business dates are China Standard Time civil dates: a "YYYY-MM-DD"
// effective date starts at 00:00+08:00, and an instant falls on the date
// it has in +08:00.
std::int64_t StartOfLocalDay(Date date);
Date LocalDateOf(std::int64_t unix_micros);
// "YYYY-MM-DD" (start of that local day) or RFC 3339 → unix micros;
// kInvalidArgument otherwise.
Result<std::int64_t> ParseEffectiveInstant(std::string_view text);

struct District {
  std::string id;          // "sx"
  std::string name;        // 沙县区
  std::string legal_name;  // 三明市沙县区人民政府
  std::int64_t registered_at = 0;
};

struct Township {
  std::string id;    // "gaosha"
  std::string name;  // 高砂镇
  TownshipKind kind = TownshipKind::kTown;
  std::string legal_name;  // 三明市沙县区高砂镇人民政府: decisions issue in this name
  std::string short_name;  // 高砂: the unit in its document numbers (文号); "" when not recorded
  std::string brigade_id;  // its enforcement_brigade, "" until registered
  std::int64_t registered_at = 0;
};

// The township comprehensive enforcement brigade: does the work, is not the
// legal subject (docs/domain.md, Organisation).
struct Brigade {
  std::string id;
  std::string township;
  std::string name;
  Date created_on;
};

struct Department {
  std::string id;          // "sx-eco"
  std::string name;        // 三明市沙县生态环境局
  std::string legal_name;  // 三明市生态环境局 (level city: issues in the city bureau's name)
  std::string short_name;  // 生态环境: the unit in its document numbers (文号); "" when not recorded
  DepartmentLevel level = DepartmentLevel::kDistrict;
  // The people's government of the level in whose name it decides
  // (三明市人民政府 for a city bureau's branch): its reconsideration body
  // (行政复议法 art. 24). "" when not recorded (the sample).
  std::string issuing_government;
  std::string designation;  // "", "coordinating_bureau" or "governance_center"
  std::int64_t registered_at = 0;
};

struct Officer {
  std::string id;  // "SX-OF-0001"
  std::string name;
  std::string agency;              // department or township id
  std::vector<std::string> roles;  // docs/domain.md, Roles role ids
  // Leadership rank: staff | deputy_section | section | deputy_division |
  // division, or "" when not recorded; and the post held, or "".
  std::string rank;
  std::string post;
  // APL art. 58 ¶2: whether the officer passed the national unified legal
  // professional qualification exam ("passed" | "none" | "" not recorded),
  // and the day they first did legal review ("YYYY-MM-DD" or "").
  std::string legal_qualification;
  std::string legal_review_since;
  std::int64_t registered_at = 0;
};

// An enforcement credential (执法证). Valid on valid_from..valid_to
// inclusive, and not from revoked_on on (a revocation takes effect on its
// date).
struct Credential {
  std::string number;  // 闽A12345678 style (fixture data in the sample)
  std::string officer;
  std::string agency;  // the agency in whose name it was issued
  Date valid_from;
  Date valid_to;
  std::optional<Date> revoked_on;
  std::string revocation_reason;

  bool ValidOn(Date date) const;
};

// An agency's electronic seal key (电子印章, issue 14 §4): the SM2 public key
// its penalty decisions are sealed with from valid_from on, until revoked_on
// (a revocation takes effect on its date).
struct AgencySeal {
  std::string agency;          // township or department id
  std::string key_id;          // hex SM3 of the DER public key
  std::string public_key_pem;  // as registered
  Sm2Key key;                  // its public key, parsed
  Date valid_from;
  std::optional<Date> revoked_on;
  std::string revocation_reason;

  bool InForceOn(Date date) const;
};

// Who leads an area from `effective_from` (unix micros) on.
struct AreaLeadership {
  std::int64_t effective_from = 0;
  std::string area_chief;           // officer id (a district department leader)
  std::string coordination_leader;  // officer id
};

struct EnforcementArea {
  std::string id;  // "area-2"
  std::string name;
  OfficeMode office_mode = OfficeMode::kPerTownship;
  std::int64_t registered_at = 0;
  std::vector<AreaLeadership> leadership;  // by effective_from, stable
};

// An officer deployed to an area on from..to inclusive (to open = nullopt).
struct AreaAssignment {
  std::string officer;
  std::string area;
  AssignmentMode mode = AssignmentMode::kStationed;
  Date from;
  std::optional<Date> to;

  bool ActiveOn(Date date) const;
  // True when from..to overlaps [first, last] (last nullopt = open).
  bool Overlaps(Date first, std::optional<Date> last) const;
};

struct GridNode {
  std::string id;  // "MG-0457"
  std::string name;
  GridLevel level = GridLevel::kMicroGrid;
  std::string parent;    // "" for the district-level root
  std::string township;  // set on subdistrict-level nodes only; others walk up
};

class OrgModel {
 public:
  // Folds one event of `org`. kCorruption when the event lacks a field its
  // type needs; unknown event types are ignored (newer writers).
  Status Apply(const EventRecord& event);

  // --- Units ---------------------------------------------------------------
  const District* district() const;  // nullptr until registered
  const Township* FindTownship(std::string_view id) const;
  const Brigade* FindBrigade(std::string_view id) const;
  const Department* FindDepartment(std::string_view id) const;
  const EnforcementArea* FindArea(std::string_view id) const;
  // True when `id` is a township or a department (an agency officers belong to).
  bool IsAgency(std::string_view id) const;
  // True when `id` names any registered unit, officer or grid node.
  bool IdInUse(std::string_view id) const;
  // The name decisions issue in: a township's or department's legal_name
  // (for a department of level city, the city bureau's), the district's;
  // nullopt for an unknown id.
  std::optional<std::string> LegalNameOf(std::string_view subject) const;
  std::vector<const Township*> Townships() const;      // by id
  std::vector<const Department*> Departments() const;  // by id
  std::vector<const EnforcementArea*> Areas() const;   // by id
  std::vector<const Brigade*> Brigades() const;        // by id
  std::vector<const Officer*> Officers() const;        // by id

  // --- Areas (as of an instant, unix micros) ---------------------------------
  // The area the township belonged to at `instant`, or nullptr.
  const EnforcementArea* AreaOfTownship(std::string_view township, std::int64_t instant) const;
  // The townships of the area at `instant`, by id.
  std::vector<std::string> TownshipsOfArea(std::string_view area, std::int64_t instant) const;
  // Every township ever assigned to an area, by id.
  std::vector<std::string> TownshipsWithAreas() const;
  // The leadership in force at `instant`, or nullptr (unknown area, or
  // before its registration).
  const AreaLeadership* LeadershipOf(std::string_view area, std::int64_t instant) const;

  // --- Officers and credentials ----------------------------------------------
  const Officer* FindOfficer(std::string_view id) const;
  const Credential* FindCredential(std::string_view number) const;
  // Every credential the officer ever held, in issue order.
  std::vector<const Credential*> CredentialsOf(std::string_view officer) const;
  // The credential in force on `date`, or nullptr. When several are (an
  // overlap at renewal), the latest issued.
  const Credential* ValidCredential(std::string_view officer, Date date) const;

  // --- Electronic seals ------------------------------------------------------
  const AgencySeal* FindSeal(std::string_view key_id) const;
  // The seal the agency's decisions of `date` carry: of its seals in force
  // on that date, the one with the latest valid_from (the latest registered
  // among equals); nullptr when none is.
  const AgencySeal* SealInForce(std::string_view agency, Date date) const;

  // --- Assignments (as of a civil date) ---------------------------------------
  // Every assignment of the officer to the area, oldest first.
  std::vector<const AreaAssignment*> AssignmentsOf(std::string_view officer,
                                                   std::string_view area) const;
  // The distinct officers assigned to the area on `date`, by id.
  std::vector<std::string> OfficersOfArea(std::string_view area, Date date) const;
  // Officer–area assignments active on `date` (docs/domain.md, Statistics: 113).
  std::size_t AssignmentCount(Date date) const;
  // Distinct officers with at least one active assignment on `date` (93).
  std::size_t DistinctOfficerCount(Date date) const;

  // --- Grid ------------------------------------------------------------------
  const GridNode* FindGridNode(std::string_view id) const;
  // The township the node lies in, walking up to its subdistrict-level
  // ancestor; nullptr for the district root or an unknown id.
  const Township* TownshipOfGridNode(std::string_view id) const;

 private:
  struct Membership {
    std::int64_t from;
    std::string area;
  };

  Status ApplyDistrict(const boost::json::object& data, std::int64_t at);
  Status ApplyTownship(const boost::json::object& data, std::int64_t at);
  Status ApplyBrigade(const boost::json::object& data);
  Status ApplyDepartment(const boost::json::object& data, std::int64_t at);
  Status ApplyOfficer(const boost::json::object& data, std::int64_t at);
  Status ApplyOfficerAmended(const boost::json::object& data);
  Status ApplyCredentialIssued(const boost::json::object& data);
  Status ApplyCredentialRevoked(const boost::json::object& data);
  Status ApplySealRegistered(const boost::json::object& data);
  Status ApplySealRevoked(const boost::json::object& data);
  Status ApplyArea(const boost::json::object& data, std::int64_t at);
  Status ApplyLeadershipChanged(const boost::json::object& data, std::int64_t at);
  Status ApplyTownshipMoved(const boost::json::object& data, std::int64_t at);
  Status ApplyAssigned(const boost::json::object& data);
  Status ApplyAssignmentEnded(const boost::json::object& data);
  Status ApplyGridNode(const boost::json::object& data);
  void AddMembership(const std::string& township, Membership membership);

  std::optional<District> district_;
  std::map<std::string, Township, std::less<>> townships_;
  std::map<std::string, Brigade, std::less<>> brigades_;
  std::map<std::string, Department, std::less<>> departments_;
  std::map<std::string, EnforcementArea, std::less<>> areas_;
  std::map<std::string, Officer, std::less<>> officers_;
  std::map<std::string, Credential, std::less<>> credentials_;  // by number
  std::map<std::string, std::vector<std::string>, std::less<>> credentials_by_officer_;
  std::vector<AgencySeal> seals_;  // in registration order
  std::vector<AreaAssignment> assignments_;  // in recording order
  // Per township, its area from each instant on, by `from` (stable).
  std::map<std::string, std::vector<Membership>, std::less<>> memberships_;
  std::map<std::string, GridNode, std::less<>> grid_;
};

}  // namespace zf::internal

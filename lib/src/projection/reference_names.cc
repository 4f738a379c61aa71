#include "projection/reference_names.h"

#include <cstdint>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace zf::internal {
namespace {

constexpr std::string_view kAreaPrefix = "names/area/";
constexpr std::string_view kSubjectPrefix = "names/subject/";
constexpr std::string_view kItemPrefix = "names/item/";
constexpr std::string_view kOrgPrefix = "names/org/";

std::string Key(std::string_view prefix, std::string_view id) {
  return std::string(prefix).append(id);
}

// The meta row for reference streams of these versions (in
// kReferenceStreams' order).
std::string MetaValue(const std::vector<std::uint64_t>& versions) {
  boost::json::object streams;
  for (std::size_t i = 0; i < std::size(kReferenceStreams); ++i) {
    streams[kReferenceStreams[i]] = versions[i];
  }
  return boost::json::serialize(
      boost::json::object{{"fold", kNamesFoldVersion}, {"streams", std::move(streams)}});
}

std::string MetaValue(const RuleBook& rules) {
  std::vector<std::uint64_t> versions;
  for (std::string_view stream : kReferenceStreams) versions.push_back(rules.Version(stream));
  return MetaValue(versions);
}

// The meta row the store's reference streams call for now (0: no events).
Result<std::string> CurrentMetaValue(const EventStore& store) {
  std::vector<std::uint64_t> versions;
  for (std::string_view stream : kReferenceStreams) {
    Result<StreamHead> head = store.Head(stream);
    if (!head.ok() && head.status().code() != StatusCode::kNotFound) return head.status();
    versions.push_back(head.ok() ? head->version : 0);
  }
  return MetaValue(versions);
}

Result<std::optional<std::string>> Row(const EventStore& store, std::string_view prefix,
                                       std::string_view id) {
  if (id.empty()) return std::optional<std::string>();
  return store.ReadProjection(Key(prefix, id));
}

// The maps of Organisation, by the name a names/org row gives each.
using OrgMap = std::map<std::string, std::string> Organisation::*;
constexpr std::pair<std::string_view, OrgMap> kOrgMaps[] = {
    {"district", &Organisation::district},
    {"departments", &Organisation::departments},
    {"townships", &Organisation::townships},
    {"brigades", &Organisation::brigades},
    {"areas", &Organisation::areas},
    {"officers", &Organisation::officers},
    {"legal_names", &Organisation::legal_names},
    {"township_of_unit", &Organisation::township_of_unit},
    {"area_of_township", &Organisation::area_of_township},
};

// Copies what `from` holds for `id` into `to`.
void CopyEntries(const Organisation& from, const std::string& id, Organisation* to) {
  for (const auto& [name, map] : kOrgMaps) {
    const auto& entries = from.*map;
    if (auto it = entries.find(id); it != entries.end()) (to->*map)[id] = it->second;
  }
}

// Every names/org row of `org`.
void AddOrgRows(const Organisation& org, NameRows* rows) {
  std::map<std::string, boost::json::object> by_id;
  for (const auto& [name, map] : kOrgMaps) {
    for (const auto& [id, value] : org.*map) by_id[id][name] = value;
  }
  for (const auto& [id, row] : by_id) {
    rows->emplace(Key(kOrgPrefix, id), boost::json::serialize(row));
  }
}

// Reads the names/org row of `id` into `org`; false when there is none.
Result<bool> ReadOrgRow(const EventStore& store, const std::string& id, Organisation* org) {
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> text, store.ReadProjection(Key(kOrgPrefix, id)));
  if (!text) return false;
  boost::system::error_code ec;
  const boost::json::value row = boost::json::parse(*text, ec);
  if (ec || !row.is_object()) {
    return CorruptionError(fmt::format("names row {}{} is not a JSON object", kOrgPrefix, id));
  }
  for (const auto& [name, map] : kOrgMaps) {
    if (const boost::json::value* v = row.as_object().if_contains(name); v && v->is_string()) {
      (org->*map)[id] = std::string(v->as_string());
    }
  }
  return true;
}

}  // namespace

NameRows NameRowsOf(const RuleBook& rules) {
  NameRows rows;
  const OrgModel& org = rules.org();
  constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max();
  for (const std::string& township : org.TownshipsWithAreas()) {
    if (const EnforcementArea* area = org.AreaOfTownship(township, kLatest)) {
      rows.emplace(Key(kAreaPrefix, township), area->id);
    }
  }
  auto name = [&](std::string_view id) {
    if (std::optional<std::string> legal = org.LegalNameOf(id)) {
      rows.emplace(Key(kSubjectPrefix, id), std::move(*legal));
    }
  };
  for (const Township* t : org.Townships()) name(t->id);
  for (const Department* d : org.Departments()) name(d->id);
  if (const District* district = org.district()) name(district->id);
  const PowerList& powers = rules.powers();
  for (const std::string& code : powers.ItemCodes()) {
    if (const PowerItemEntry* entry = powers.Latest(code)) {
      rows.emplace(Key(kItemPrefix, code), entry->version.name);
    }
  }
  AddOrgRows(OrganisationOfBook(rules), &rows);
  rows.emplace(std::string(kNamesMetaKey), MetaValue(rules));
  return rows;
}

Organisation OrganisationOfBook(const RuleBook& rules) {
  const OrgModel& org = rules.org();
  Organisation out;
  if (const District* d = org.district()) out.district[d->id] = d->name;
  for (const Department* d : org.Departments()) out.departments[d->id] = d->name;
  for (const Township* t : org.Townships()) {
    out.townships[t->id] = t->name;
    out.township_of_unit[t->id] = t->id;
  }
  for (const Brigade* b : org.Brigades()) {
    out.brigades[b->id] = b->name;
    out.township_of_unit[b->id] = b->township;
  }
  for (const EnforcementArea* a : org.Areas()) out.areas[a->id] = a->name;
  for (const Officer* o : org.Officers()) out.officers[o->id] = o->name;
  for (const auto* units : {&out.district, &out.departments, &out.townships}) {
    for (const auto& [id, name] : *units) {
      out.legal_names[id] = org.LegalNameOf(id).value_or(name);
    }
  }
  constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max();
  for (const std::string& township : org.TownshipsWithAreas()) {
    if (const EnforcementArea* a = org.AreaOfTownship(township, kLatest)) {
      out.area_of_township[township] = a->id;
    }
  }
  return out;
}

Organisation OrganisationSubset(const Organisation& org, const std::vector<std::string>& ids) {
  Organisation out;
  for (const std::string& id : ids) CopyEntries(org, id, &out);
  for (const auto& [township, area] : out.area_of_township) CopyEntries(org, area, &out);
  return out;
}

Result<Organisation> StoredOrganisation(const EventStore& store,
                                        const std::vector<std::string>& ids) {
  Organisation out;
  std::set<std::string> read;
  auto load = [&](const std::string& id) -> Status {
    if (id.empty() || !read.insert(id).second) return Status::Ok();
    return ReadOrgRow(store, id, &out).status();
  };
  for (const std::string& id : ids) ZF_RETURN_IF_ERROR(load(id));
  const auto townships = out.area_of_township;  // load() adds to the maps
  for (const auto& [township, area] : townships) ZF_RETURN_IF_ERROR(load(area));
  return out;
}

std::vector<ProjectionWrite> NameRowChanges(const NameRows& from, const NameRows& to) {
  std::vector<ProjectionWrite> changes;
  auto a = from.begin();
  auto b = to.begin();
  while (a != from.end() || b != to.end()) {
    if (b == to.end() || (a != from.end() && a->first < b->first)) {
      changes.push_back({a->first, std::nullopt});
      ++a;
    } else if (a == from.end() || b->first < a->first) {
      changes.push_back({b->first, b->second});
      ++b;
    } else {
      if (a->second != b->second) changes.push_back({b->first, b->second});
      ++a;
      ++b;
    }
  }
  return changes;
}

Result<bool> StoredNamesCurrent(const EventStore& store) {
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> meta,
                      store.ReadProjection(kNamesMetaKey));
  if (!meta) return false;
  ZF_ASSIGN_OR_RETURN(std::string current, CurrentMetaValue(store));
  return *meta == current;
}

Result<CaseNames> StoredCaseNames(const EventStore& store, std::string_view township,
                                  std::string_view subject, std::string_view item_code) {
  CaseNames names;
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> area, Row(store, kAreaPrefix, township));
  if (area) names.area = std::move(*area);
  ZF_ASSIGN_OR_RETURN(names.subject_name, Row(store, kSubjectPrefix, subject));
  ZF_ASSIGN_OR_RETURN(names.item_name, Row(store, kItemPrefix, item_code));
  return names;
}

Result<NameRows> StoredNameRows(const EventStore& store) {
  NameRows rows;
  ZF_RETURN_IF_ERROR(store.ScanProjections(kNamesRowPrefix,
                                           [&](std::string_view key, std::string_view value) {
                                             rows.emplace(key, value);
                                             return true;
                                           }));
  return rows;
}

}  // namespace zf::internal

#include "projection/reference_names.h"

#include <cstdint>
#include <limits>
#include <vector>

#include <boost/json.hpp>

namespace zf::internal {
namespace {

constexpr std::string_view kAreaPrefix = "names/area/";
constexpr std::string_view kSubjectPrefix = "names/subject/";
constexpr std::string_view kItemPrefix = "names/item/";

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
  rows.emplace(std::string(kNamesMetaKey), MetaValue(rules));
  return rows;
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

#include "server/org_directory.h"

#include <map>

#include <boost/json.hpp>

namespace zfcli::server {
namespace {

boost::json::object ToJson(const std::map<std::string, std::string>& names) {
  boost::json::object o;
  for (const auto& [id, name] : names) o[id] = name;
  return o;
}

}  // namespace

boost::json::object NamesJson(const zf::Organisation& org) {
  return boost::json::object{{"district", ToJson(org.district)},
                             {"departments", ToJson(org.departments)},
                             {"townships", ToJson(org.townships)},
                             {"brigades", ToJson(org.brigades)},
                             {"areas", ToJson(org.areas)},
                             {"officers", ToJson(org.officers)},
                             {"legal_names", ToJson(org.legal_names)},
                             {"area_of_township", ToJson(org.area_of_township)}};
}

zf::Status OrgDirectory::Refresh() {
  auto head = engine_->store()->Head("org");
  std::uint64_t version = 0;
  if (head.ok()) {
    version = head->version;
  } else if (head.status().code() != zf::StatusCode::kNotFound) {
    return head.status();
  }
  if (loaded_ && version == version_) return zf::Status::Ok();
  if (version == 0) {
    // No organisation yet: nobody limited, no names.
    org_ = zf::Organisation();
  } else {
    auto org = engine_->OrganisationNow();
    if (!org.ok()) return org.status();
    org_ = std::move(*org);
  }
  version_ = version;
  loaded_ = true;
  return zf::Status::Ok();
}

zf::Result<std::string> OrgDirectory::TownshipOf(std::string_view unit) {
  std::lock_guard lock(mu_);
  if (zf::Status s = Refresh(); !s.ok()) return s;
  return org_.TownshipOf(unit);
}

zf::Result<zf::Organisation> OrgDirectory::Organisation() {
  std::lock_guard lock(mu_);
  if (zf::Status s = Refresh(); !s.ok()) return s;
  return org_;
}

zf::Result<boost::json::object> OrgDirectory::Names() {
  std::lock_guard lock(mu_);
  if (zf::Status s = Refresh(); !s.ok()) return s;
  return NamesJson(org_);
}

}  // namespace zfcli::server

#include "server/org_directory.h"

#include <boost/json.hpp>

namespace zfcli::server {
namespace {

std::string Text(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

zf::Status OrgDirectory::Refresh() {
  auto head = store_->Head("org");
  if (!head.ok()) {
    // No organisation yet: nothing to read, nobody limited.
    return head.status().code() == zf::StatusCode::kNotFound ? zf::Status::Ok() : head.status();
  }
  if (head->version == version_) return zf::Status::Ok();
  auto Kind = [this](std::string_view kind) -> boost::json::object& {
    boost::json::value& v = names_[kind];
    return v.is_object() ? v.as_object() : v.emplace_object();
  };
  auto cursor = store_->ReadStream("org", version_ + 1, zf::Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) {
    const zf::EventRecord& e = cursor->event();
    version_ = e.version;
    if (!e.data.is_object()) continue;
    const boost::json::object& d = e.data.as_object();
    const std::string name = Text(d, "name");
    if (e.type == "township_registered") {
      township_of_[Text(d, "township_id")] = Text(d, "township_id");
      Kind("townships")[Text(d, "township_id")] = name;
    } else if (e.type == "brigade_registered") {
      township_of_[Text(d, "brigade_id")] = Text(d, "township");
      Kind("brigades")[Text(d, "brigade_id")] = name;
    } else if (e.type == "department_registered") {
      Kind("departments")[Text(d, "department_id")] = name;
    } else if (e.type == "district_registered") {
      Kind("district")[Text(d, "district_id")] = name;
    } else if (e.type == "officer_registered" || (e.type == "officer_amended" && !name.empty())) {
      Kind("officers")[Text(d, "officer_id")] = name;
    }
  }
  return cursor->status();
}

zf::Result<std::string> OrgDirectory::TownshipOf(std::string_view unit) {
  std::lock_guard lock(mu_);
  if (zf::Status s = Refresh(); !s.ok()) return s;
  auto it = township_of_.find(unit);
  return it == township_of_.end() ? std::string() : it->second;
}

zf::Result<boost::json::object> OrgDirectory::Names() {
  std::lock_guard lock(mu_);
  if (zf::Status s = Refresh(); !s.ok()) return s;
  boost::json::object names;
  for (std::string_view kind : {"district", "departments", "townships", "brigades", "officers"}) {
    const boost::json::value* v = names_.if_contains(kind);
    names[kind] = v != nullptr ? *v : boost::json::object();
  }
  return names;
}

}  // namespace zfcli::server

// The organisation as the server's read scope and the console's names need
// it: which township a unit belongs to, and the names of units and
// officers. Asked of the engine (zf::Engine::OrganisationNow, the public
// API) and asked again whenever the store's "org" stream has grown.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "zf/engine.h"
#include "zf/result.h"

namespace zfcli::server {

// `org` as {"district", "departments", "townships", "brigades", "areas",
// "officers", "legal_names", "area_of_township"}, each an object of id: value
// (OrgDirectory::Names).
boost::json::object NamesJson(const zf::Organisation& org);

// Thread-safe.
class OrgDirectory {
 public:
  // `engine` must outlive the directory.
  explicit OrgDirectory(zf::Engine* engine) : engine_(engine) {}
  OrgDirectory(const OrgDirectory&) = delete;
  OrgDirectory& operator=(const OrgDirectory&) = delete;

  // The township to which a token of `unit` is limited: the unit itself
  // when it is a township, a brigade's township; "" for any other unit (a
  // department, the district, the justice bureau), which is not limited.
  zf::Result<std::string> TownshipOf(std::string_view unit);

  // The organisation now (zf::Organisation).
  zf::Result<zf::Organisation> Organisation();

  // {"district", "departments", "townships", "brigades", "areas",
  // "officers"}, each an object of id: name, "legal_names" (unit id: the
  // name its decisions issue in) and "area_of_township" (township id: area
  // id).
  zf::Result<boost::json::object> Names();

 private:
  // Asks the engine again when the org stream has grown.
  zf::Status Refresh();  // REQUIRES: mu_ held

  zf::Engine* const engine_;
  std::mutex mu_;
  bool loaded_ = false;                 // GUARDED_BY(mu_)
  std::uint64_t version_ = 0;           // GUARDED_BY(mu_)
  zf::Organisation org_;                // GUARDED_BY(mu_)
};

}  // namespace zfcli::server

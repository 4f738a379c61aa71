// The organisation as the server's read scope and the console's names need
// it: which township a unit belongs to, and the names of units and
// officers. Read from the store's "org" stream (public API only) and read
// again whenever that stream has grown.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "zf/event_store.h"
#include "zf/result.h"

namespace zfcli::server {

// Thread-safe.
class OrgDirectory {
 public:
  // `store` must outlive the directory.
  explicit OrgDirectory(const zf::EventStore* store) : store_(store) {}
  OrgDirectory(const OrgDirectory&) = delete;
  OrgDirectory& operator=(const OrgDirectory&) = delete;

  // The township to which a token of `unit` is limited: the unit itself
  // when it is a township, a brigade's township; "" for any other unit (a
  // department, the district, the justice bureau), which is not limited.
  zf::Result<std::string> TownshipOf(std::string_view unit);

  // {"district", "departments", "townships", "brigades", "officers"}, each
  // an object of id: name, as registered so far.
  zf::Result<boost::json::object> Names();

 private:
  // Reads the org stream from where the last read ended.
  zf::Status Refresh();  // REQUIRES: mu_ held

  const zf::EventStore* const store_;
  std::mutex mu_;
  std::uint64_t version_ = 0;                       // GUARDED_BY(mu_)
  std::map<std::string, std::string, std::less<>> township_of_;  // GUARDED_BY(mu_)
  boost::json::object names_;                       // GUARDED_BY(mu_)
};

}  // namespace zfcli::server

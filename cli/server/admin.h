// The operator's endpoints (docs/api.md, "Administration"): an online
// backup into the configured directory, the store's chain check and the
// audit, run by the serving process on its own store, so that none of them
// needs the store's lock or a second process beside the server.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "zf/engine.h"
#include "zf/event_store.h"
#include "zf/result.h"

namespace zfcli::server {

// The request body's parameters (an object; {} when the body is empty).
// kInvalidArgument names a bad field by its JSON pointer.
zf::Result<boost::json::object> AdminParameters(const std::string& body);

// {"name"?}: copies the store into <backup_dir>/<name> (name: 1-64 of
// A-Z a-z 0-9 . _ -, not starting with '.'; default zf-backup-<UTC time>)
// and opens the copy to report its ledger. kAlreadyExists when it exists.
zf::Result<boost::json::object> AdminBackup(zf::EventStore* store, const std::string& backup_dir,
                                            const boost::json::object& params);

// {"from_position"?, "to_position"?, "check_indexes"?}: VerifyChain.
zf::Result<boost::json::object> AdminVerify(const zf::EventStore& store,
                                            const boost::json::object& params);

// {"case"?, "from_position"?, "to_position"?, "jobs"?}: AuditStore, its
// summary with the findings (at most 1000 listed). jobs defaults to 1, so
// that an audit leaves the other cores to the commands being served.
zf::Result<boost::json::object> AdminAudit(const zf::EventStore& store,
                                           const zf::EngineOptions& options,
                                           const boost::json::object& params);

}  // namespace zfcli::server

#include "server/admin.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "json_forms.h"
#include "zf/audit.h"
#include "zf/event_json.h"

namespace zfcli::server {
namespace {

namespace json = boost::json;

zf::Status Invalid(std::string_view field, std::string_view rule) {
  return zf::InvalidArgumentError(fmt::format("/{}: {}", field, rule))
      .WithSubject(fmt::format("/{}", field));
}

// Refuses what the endpoint does not take, so a misspelt field is not
// silently ignored.
zf::Status OnlyFields(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Invalid(key, "unknown field");
  }
  return zf::Status::Ok();
}

zf::Status Position(const json::object& o, std::string_view key, std::uint64_t* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return zf::Status::Ok();
  if (v->is_uint64()) {
    *out = v->as_uint64();
  } else if (v->is_int64() && v->as_int64() >= 1) {
    *out = static_cast<std::uint64_t>(v->as_int64());
  } else {
    return Invalid(key, "must be a log position (a whole number from 1)");
  }
  if (*out == 0) return Invalid(key, "must be a log position (a whole number from 1)");
  return zf::Status::Ok();
}

zf::Status Range(const json::object& o, std::uint64_t* from, std::uint64_t* to) {
  ZF_RETURN_IF_ERROR(Position(o, "from_position", from));
  ZF_RETURN_IF_ERROR(Position(o, "to_position", to));
  if (*to < *from) return Invalid("to_position", "is before from_position");
  return zf::Status::Ok();
}

// A directory name that cannot leave backup_dir or hide in it.
bool IsBackupName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DefaultBackupName() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "zf-backup-%Y%m%dT%H%M%SZ", &utc);
  return text;
}

}  // namespace

zf::Result<json::object> AdminParameters(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  auto parsed = zf::ParseJson(body);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return zf::InvalidArgumentError("the body must be a JSON object").WithSubject("/");
  }
  return std::move(parsed->as_object());
}

zf::Result<json::object> AdminBackup(zf::EventStore* store, const std::string& backup_dir,
                                     const json::object& params) {
  ZF_RETURN_IF_ERROR(OnlyFields(params, {"name"}));
  std::string name = DefaultBackupName();
  if (const json::value* v = params.if_contains("name")) {
    if (!v->is_string() || !IsBackupName(v->as_string())) {
      return Invalid("name", "must be 1-64 of A-Z a-z 0-9 . _ - and not start with '.'");
    }
    name = std::string(v->as_string());
  }
  const std::string directory = (std::filesystem::path(backup_dir) / name).string();
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return zf::AlreadyExistsError(fmt::format("backup '{}' exists; give another name", name))
        .WithSubject("/name");
  }
  ZF_RETURN_IF_ERROR(store->Backup(directory));
  // The copy may hold appends made after the call began: report its own
  // ledger, read from the copy (which also shows that it opens).
  zf::StoreOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto copy = zf::OpenRocksDbEventStore(options, directory);
  if (!copy.ok()) return copy.status();
  const zf::LedgerHead ledger = (*copy)->Ledger();
  return json::object{{"backup", directory},
                      {"name", name},
                      {"ledger_position", ledger.position},
                      {"ledger_hash", ledger.ledger_hash}};
}

zf::Result<json::object> AdminVerify(const zf::EventStore& store, const json::object& params) {
  ZF_RETURN_IF_ERROR(OnlyFields(params, {"from_position", "to_position", "check_indexes"}));
  zf::VerifyOptions verify;
  ZF_RETURN_IF_ERROR(Range(params, &verify.from_position, &verify.to_position));
  if (const json::value* v = params.if_contains("check_indexes")) {
    if (!v->is_bool()) return Invalid("check_indexes", "must be true or false");
    verify.check_indexes = v->as_bool();
  }
  auto report = store.VerifyChain(verify);
  if (!report.ok()) return report.status();
  return ChainReportJson(*report);
}

zf::Result<json::object> AdminAudit(const zf::EventStore& store, const zf::EngineOptions& options,
                                    const json::object& params) {
  ZF_RETURN_IF_ERROR(OnlyFields(params, {"case", "from_position", "to_position", "jobs"}));
  zf::AuditOptions audit;
  audit.jobs = 1;
  audit.max_findings = 1000;
  ZF_RETURN_IF_ERROR(Range(params, &audit.from_position, &audit.to_position));
  if (const json::value* v = params.if_contains("case")) {
    if (!v->is_string() || v->as_string().empty()) return Invalid("case", "must be a case id");
    audit.case_id = std::string(v->as_string());
    if (!store.Head("case/" + audit.case_id).ok()) {
      return zf::NotFoundError("no case " + audit.case_id).WithSubject("/case");
    }
  }
  if (const json::value* v = params.if_contains("jobs")) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 64) {
      return Invalid("jobs", "must be 1..64 threads");
    }
    audit.jobs = static_cast<unsigned>(v->as_int64());
  }
  json::array findings;
  auto summary = zf::AuditStore(store, options, audit, [&](const zf::AuditFinding& f) {
    findings.push_back(zf::AuditFindingToJson(f));
  });
  if (!summary.ok()) return summary.status();
  json::object body = zf::AuditSummaryToJson(*summary);
  body["findings_list"] = std::move(findings);
  return body;
}

}  // namespace zfcli::server

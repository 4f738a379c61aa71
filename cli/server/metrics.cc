#include "server/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "build_info.h"
#include "zf/version.h"

namespace zfcli::server {

void Metrics::CountCommand(const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++commands_[outcome];
}

void Metrics::Histogram::Observe(std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  ++count;
  sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets[i];
  }
}

std::string Metrics::Histogram::Render(std::string_view name, std::string_view labels) const {
  const std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  const std::string own = labels.empty() ? "" : "{" + std::string(labels) + "}";
  std::string out;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, kBuckets[i], buckets[i]);
  }
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, count);
  out += fmt::format("{}_sum{} {}\n", name, own, sum);
  out += fmt::format("{}_count{} {}\n", name, own, count);
  return out;
}

void Metrics::ObserveAppend(std::chrono::steady_clock::duration took) {
  std::lock_guard lock(mu_);
  appends_.Observe(took);
}

void Metrics::CountResponse(unsigned status) {
  std::lock_guard lock(mu_);
  ++responses_[status];
}

void Metrics::ObserveRequest(const std::string& route, std::chrono::steady_clock::duration took) {
  std::lock_guard lock(mu_);
  requests_[route].Observe(took);
}

std::string RouteLabel(std::string_view path, bool matched) {
  if (!matched) return "unmatched";
  static const std::set<std::string_view> kWords = {
      "v1",       "health",     "metrics",  "commands", "cases",         "history", "explain",
      "audit",    "dossier",    "events",   "stream",   "deadlines",     "statistics",
      "rules",    "competent",  "calendar", "due",      "grid",          "joint-actions",
      "reviews",  "access",     "names",     "me"};
  // The console's assets: one label, however many files it has.
  if (path.starts_with("/console/")) return "/console/{asset}";
  std::string label;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find_first_of("/?", start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (!segment.empty()) {
      label += '/';
      label += kWords.count(segment) ? std::string(segment) : "{id}";
    }
    if (end < path.size() && path[end] == '?') break;
    start = end + 1;
  }
  return label.empty() ? "/" : label;
}

namespace {

// The fields of /proc/self/stat after the command name: utime is field 14,
// stime 15 and starttime 22 of the whole line.
bool ReadProcStat(double* cpu_seconds, double* start_seconds) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f{std::istream_iterator<std::string>(fields),
                             std::istream_iterator<std::string>()};
  if (f.size() < 20) return false;  // f[0] is field 3 (state)
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  *cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  std::ifstream uptime_in("/proc/uptime");
  double uptime = 0;
  if (!(uptime_in >> uptime)) return false;
  const double boot = static_cast<double>(std::time(nullptr)) - uptime;
  *start_seconds = boot + std::stod(f[19]) / ticks;
  return true;
}

}  // namespace

std::string ProcessMetrics() {
  std::string out;
  double cpu = 0, start = 0;
  if (ReadProcStat(&cpu, &start)) {
    out += "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n";
    out += "# TYPE process_cpu_seconds_total counter\n";
    out += fmt::format("process_cpu_seconds_total {:.2f}\n", cpu);
    out += "# HELP process_start_time_seconds Start time of the process since the epoch.\n";
    out += "# TYPE process_start_time_seconds gauge\n";
    out += fmt::format("process_start_time_seconds {:.0f}\n", start);
  }
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  if (statm >> size_pages >> resident_pages) {
    const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
    out += "# TYPE process_resident_memory_bytes gauge\n";
    out += fmt::format("process_resident_memory_bytes {}\n", resident_pages * page);
    out += "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n";
    out += "# TYPE process_virtual_memory_bytes gauge\n";
    out += fmt::format("process_virtual_memory_bytes {}\n", size_pages * page);
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) {
    out += "# HELP process_open_fds Number of open file descriptors.\n";
    out += "# TYPE process_open_fds gauge\n";
    out += fmt::format("process_open_fds {}\n", fds);
  }
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out += "# HELP process_max_fds Maximum number of open file descriptors.\n";
    out += "# TYPE process_max_fds gauge\n";
    out += fmt::format("process_max_fds {}\n", limit.rlim_cur);
  }
  return out;
}

std::string Metrics::Render(std::uint64_t store_events, std::uint64_t store_bytes) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP zf_commands_total Commands received, by outcome.\n";
  out += "# TYPE zf_commands_total counter\n";
  for (const char* outcome : {"applied", "already_applied", "rejected", "invalid", "forbidden",
                              "conflict", "error"}) {
    auto it = commands_.find(outcome);
    out += fmt::format("zf_commands_total{{outcome=\"{}\"}} {}\n", outcome,
                       it == commands_.end() ? 0 : it->second);
  }
  out += "# HELP zf_append_latency_seconds Time of one engine call: judge and durable append.\n";
  out += "# TYPE zf_append_latency_seconds histogram\n";
  out += appends_.Render("zf_append_latency_seconds", "");
  out += "# HELP zf_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE zf_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : requests_) {
    out += h.Render("zf_http_request_duration_seconds", fmt::format("route=\"{}\"", route));
  }
  out += "# HELP zf_http_responses_total HTTP responses, by status code.\n";
  out += "# TYPE zf_http_responses_total counter\n";
  for (const auto& [status, n] : responses_) {
    out += fmt::format("zf_http_responses_total{{code=\"{}\"}} {}\n", status, n);
  }
  out += "# HELP zf_build_info The zfcli serving: version and commit (value 1).\n";
  out += "# TYPE zf_build_info gauge\n";
  out += fmt::format("zf_build_info{{version=\"{}\",commit=\"{}\"}} 1\n", zf::kVersionString,
                     kBuildCommit);
  out += "# HELP zf_subscriptions_active Live event-feed subscriptions.\n";
  out += "# TYPE zf_subscriptions_active gauge\n";
  out += fmt::format("zf_subscriptions_active {}\n", subscriptions.load());
  out += "# HELP zf_connections_active Open client connections.\n";
  out += "# TYPE zf_connections_active gauge\n";
  out += fmt::format("zf_connections_active {}\n", connections.load());
  out += "# HELP zf_connections_refused_total Connections refused at the connection limit.\n";
  out += "# TYPE zf_connections_refused_total counter\n";
  out += fmt::format("zf_connections_refused_total {}\n", connections_refused.load());
  out += "# HELP zf_store_events Events in the store (the ledger head position).\n";
  out += "# TYPE zf_store_events gauge\n";
  out += fmt::format("zf_store_events {}\n", store_events);
  out += "# HELP zf_store_bytes Size of the store directory on disk.\n";
  out += "# TYPE zf_store_bytes gauge\n";
  out += fmt::format("zf_store_bytes {}\n", store_bytes);
  return out;
}

}  // namespace zfcli::server

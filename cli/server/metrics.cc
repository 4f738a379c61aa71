#include "server/metrics.h"

#include <fmt/format.h>

#include "build_info.h"
#include "zf/version.h"

namespace zfcli::server {

void Metrics::CountCommand(const std::string& outcome) {
  std::lock_guard lock(mu_);
  ++commands_[outcome];
}

void Metrics::ObserveAppend(std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard lock(mu_);
  ++append_count_;
  append_sum_ += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
}

void Metrics::CountResponse(unsigned status) {
  std::lock_guard lock(mu_);
  ++responses_[status];
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
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("zf_append_latency_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       bucket_counts_[i]);
  }
  out += fmt::format("zf_append_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", append_count_);
  out += fmt::format("zf_append_latency_seconds_sum {}\n", append_sum_);
  out += fmt::format("zf_append_latency_seconds_count {}\n", append_count_);
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

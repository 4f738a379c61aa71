// Counters for the /metrics page (Prometheus text format 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <map>
#include <string>
#include <string_view>

namespace zfcli::server {

class Metrics {
 public:
  // Command outcomes: applied, already_applied, rejected, invalid,
  // forbidden, conflict, error.
  void CountCommand(const std::string& outcome);
  // The time one engine call took to judge and append (commit included).
  void ObserveAppend(std::chrono::steady_clock::duration took);
  void CountResponse(unsigned status);
  // How long one request took to answer, by its route ("/v1/cases/{id}";
  // RouteLabel), for zf_http_request_duration_seconds.
  void ObserveRequest(const std::string& route, std::chrono::steady_clock::duration took);

  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> subscriptions{0};
  std::atomic<std::uint64_t> connections_refused{0};

  // The page; `store_events` and `store_bytes` are read by the caller.
  std::string Render(std::uint64_t store_events, std::uint64_t store_bytes) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> commands_;
  std::map<unsigned, std::uint64_t> responses_;
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;

    void Observe(std::chrono::steady_clock::duration took);
    // Its _bucket, _sum and _count lines; `labels` ("route=\"/v1\"") go
    // before each bucket's le.
    std::string Render(std::string_view name, std::string_view labels) const;
  };
  Histogram appends_;
  std::map<std::string, Histogram> requests_;  // by route
};

// The route of a request path for metrics: the path with each segment that
// is an id ("SX-2023-001") written "{id}", so that the label set stays as
// small as the API ("/v1/cases/{id}/history"). A path that is no endpoint
// is "unmatched" (`matched` false: a 404 with no such endpoint).
std::string RouteLabel(std::string_view path, bool matched);

// The process_* metrics every Prometheus client library exports, read
// from /proc: resident memory, CPU seconds, open file descriptors, start
// time. Empty where /proc is missing.
std::string ProcessMetrics();

}  // namespace zfcli::server

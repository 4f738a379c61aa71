// Child process for the crash test: appends to a few streams with sync on,
// printing "ack <first> <last> <stream> <version>" after each acknowledged
// append, until it is killed. Several threads append at once so that group
// commit is exercised while the parent pulls the plug. With "batch" each
// thread appends batches of 300 requests (≈ 600 events), which the store
// writes as a pipeline of parts.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "zf/event_store.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: zf_crash_child DB [THREADS [batch]]\n");
    return 2;
  }
  const int threads = argc > 2 ? std::stoi(argv[2]) : 4;
  const std::size_t per_call = argc > 3 && std::string(argv[3]) == "batch" ? 300 : 1;
  auto store = zf::OpenRocksDbEventStore(zf::StoreOptions{}, argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mutex out_mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<zf::AppendRequest> batch;
      for (std::uint64_t i = 0;; ++i) {
        zf::AppendRequest r;
        r.stream = "crash/" + std::to_string((t + i) % 5);
        r.command_id = "crash-" + std::to_string(t) + "-" + std::to_string(i) + "-" +
                       std::to_string(::getpid());
        for (int k = 0; k < 1 + static_cast<int>(i % 3); ++k) {
          zf::NewEvent e;
          e.type = "crash_probe_recorded";
          e.occurred_at = "2023-09-12T09:30:00+08:00";
          e.actor = {"crash", "system", "test"};
          e.data = boost::json::object{{"thread", t}, {"i", i}, {"k", k},
                                       {"pad", std::string(200, 'x')}};
          r.events.push_back(std::move(e));
        }
        batch.push_back(std::move(r));
        if (batch.size() < per_call) continue;
        auto results = (*store)->AppendBatch(batch, zf::AppendOptions{});
        batch.clear();
        if (!results.ok()) {
          std::fprintf(stderr, "append: %s\n", results.status().ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard lock(out_mu);
        for (const auto& result : *results) {
          if (!result.ok()) {
            std::fprintf(stderr, "append: %s\n", result.status().ToString().c_str());
            std::_Exit(1);
          }
          std::printf("ack %llu %llu %s %llu\n",
                      static_cast<unsigned long long>(result->first_position),
                      static_cast<unsigned long long>(result->last_position),
                      result->stream.c_str(),
                      static_cast<unsigned long long>(result->last_version));
        }
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}

#include "util/worker_pool.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace zf::internal {
namespace {

TEST_CASE("WorkerPool runs every task exactly once, on the caller and the helpers",
          "[util][worker_pool]") {
  for (std::size_t helpers : {0, 1, 3}) {
    WorkerPool pool(helpers);
    CHECK(pool.helpers() == helpers);
    for (std::size_t n : {0, 1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> runs(n);
      pool.Run(n, [&](std::size_t i) { runs[i].fetch_add(1); });
      for (std::size_t i = 0; i < n; ++i) CHECK(runs[i].load() == 1);
    }
  }
}

TEST_CASE("WorkerPool spreads a job over several threads", "[util][worker_pool]") {
  WorkerPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> threads;
  // Tasks slow enough that the helpers wake up before the caller is done.
  for (int attempt = 0; attempt < 50 && threads.size() < 2; ++attempt) {
    pool.Run(64, [&](std::size_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    });
  }
  CHECK(threads.size() >= 2);
}

TEST_CASE("WorkerPool callers that find it busy run their tasks themselves",
          "[util][worker_pool]") {
  WorkerPool pool(1);
  constexpr int kCallers = 4, kJobs = 200, kTasks = 50;
  std::vector<std::atomic<int>> sums(kCallers);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int j = 0; j < kJobs; ++j) {
        pool.Run(kTasks, [&](std::size_t i) { sums[c].fetch_add(static_cast<int>(i)); });
      }
    });
  }
  for (auto& t : callers) t.join();
  for (int c = 0; c < kCallers; ++c) CHECK(sums[c].load() == kJobs * (kTasks * (kTasks - 1) / 2));
}

}  // namespace
}  // namespace zf::internal

// util/worker_pool.h — a few persistent helper threads that share a loop of
// independent tasks with the calling thread.
//
// The event store uses it to spread one group commit's CPU work (validation
// and canonical JSON, envelope encoding and SM3 per stream) over the cores
// without creating a thread per batch.
//
// Example:
//   WorkerPool pool(3);                       // 3 helpers + the caller
//   pool.Run(items.size(), [&](std::size_t i) { Work(items[i]); });
//
// Thread safety: Run() may be called from several threads at once; the pool
// serves one of them at a time and the others run their tasks alone, in
// their own thread, rather than wait.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zf::internal {

class WorkerPool {
 public:
  // Starts `helpers` threads (0 is allowed: Run() then runs inline).
  explicit WorkerPool(std::size_t helpers);
  ~WorkerPool();  // joins the helpers; REQUIRES: no Run() in progress

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t helpers() const { return threads_.size(); }

  // Calls task(0) … task(n - 1), each exactly once, in any order and on any
  // of the caller and the helpers; returns when all calls have returned.
  // Tasks must not call Run() on the same pool.
  void Run(std::size_t n, const std::function<void(std::size_t)>& task);

 private:
  void HelperLoop();
  // Takes and runs tasks of the current job until none are left.
  void Drain();

  std::vector<std::thread> threads_;
  std::mutex busy_;  // held by the thread whose job the pool serves

  std::mutex mu_;
  std::condition_variable work_cv_;  // a job was posted, or stopping
  std::condition_variable idle_cv_;  // a helper left the job
  std::uint64_t generation_ = 0;     // GUARDED_BY(mu_): bumped per job
  bool open_ = false;                // GUARDED_BY(mu_): helpers may still join the job
  std::size_t working_ = 0;          // GUARDED_BY(mu_): helpers inside the job
  bool stop_ = false;                // GUARDED_BY(mu_)
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
};

}  // namespace zf::internal

#include "util/worker_pool.h"

namespace zf::internal {

WorkerPool::WorkerPool(std::size_t helpers) {
  threads_.reserve(helpers);
  for (std::size_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { HelperLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::Run(std::size_t n, const std::function<void(std::size_t)>& task) {
  std::unique_lock busy(busy_, std::try_to_lock);
  if (threads_.empty() || n <= 1 || !busy.owns_lock()) {
    for (std::size_t i = 0; i < n; ++i) task(i);
    return;
  }
  {
    std::lock_guard lock(mu_);
    task_ = &task;
    count_ = n;
    next_.store(0, std::memory_order_relaxed);
    open_ = true;
    ++generation_;
  }
  work_cv_.notify_all();
  Drain();
  // Close the job: a helper that wakes up from now on finds nothing to do
  // and must not touch `task`, so the caller waits only for the helpers
  // already inside it (on a loaded machine a helper may not have run yet).
  std::unique_lock lock(mu_);
  open_ = false;
  idle_cv_.wait(lock, [&] { return working_ == 0; });
  task_ = nullptr;
}

void WorkerPool::Drain() {
  for (;;) {
    const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= count_) return;
    (*task_)(i);
  }
}

void WorkerPool::HelperLoop() {
  std::uint64_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    if (!open_) continue;
    ++working_;
    lock.unlock();
    Drain();
    lock.lock();
    if (--working_ == 0) idle_cv_.notify_one();
  }
}

}  // namespace zf::internal

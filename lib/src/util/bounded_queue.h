// util/bounded_queue.h — a queue between threads that holds at most a fixed
// number of items: a producer that runs ahead waits, so a pipeline's memory
// is set by the queue's capacity, not by how far one stage outruns the next.
//
// Example:
//   BoundedQueue<Batch> queue(4);
//   std::thread producer([&] { while (...) if (!queue.Push(Make())) break; queue.Close(); });
//   while (std::optional<Batch> b = queue.Pop()) Use(*b);
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace zf::internal {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Waits for room; false (and `item` dropped) once the queue is closed.
  bool Push(T item) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
  }

  // Waits for an item; nullopt once the queue is closed and drained.
  std::optional<T> Pop() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
  }

  // No more pushes: Pop() drains what is left, then returns nullopt.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_;  // an item was pushed, or closed
  std::condition_variable room_;   // an item was popped, or closed
  std::deque<T> items_;            // GUARDED_BY(mu_)
  bool closed_ = false;            // GUARDED_BY(mu_)
};

}  // namespace zf::internal

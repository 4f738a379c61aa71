// Catch-up subscriptions shared by both stores: read what is stored from a
// position, then wait for the writer's commit signal (a condition variable
// here; LISTEN/NOTIFY would play this part on a database backend).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "zf/event_store.h"

namespace zf::internal {

// Thread-safe. Shared between a store and its subscriptions, so a
// subscription that outlives Close() still wakes up and reports it.
class CommitNotifier {
 public:
  explicit CommitNotifier(std::uint64_t committed) : committed_(committed) {}

  void Publish(std::uint64_t committed_position);
  void Close();
  void WakeAll();
  bool closed() const;
  // Waits until the committed position passes `position`, the deadline
  // passes, `cancelled` is set or the store closes. Returns the committed
  // position seen.
  std::uint64_t WaitBeyond(std::uint64_t position,
                           std::chrono::steady_clock::time_point deadline,
                           const std::atomic<bool>& cancelled);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t committed_;
  bool closed_ = false;
};

std::unique_ptr<Subscription> NewStoreSubscription(const EventStore* store,
                                                   std::shared_ptr<CommitNotifier> notifier,
                                                   std::uint64_t from_position);

}  // namespace zf::internal

#include "store/subscription.h"

#include <algorithm>

#include <fmt/format.h>

namespace zf::internal {

void CommitNotifier::Publish(std::uint64_t committed_position) {
  {
    std::lock_guard lock(mu_);
    committed_ = std::max(committed_, committed_position);
  }
  cv_.notify_all();
}

void CommitNotifier::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

void CommitNotifier::WakeAll() {
  // Taking the lock orders the caller's flag write before the waiters' check.
  { std::lock_guard lock(mu_); }
  cv_.notify_all();
}

bool CommitNotifier::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::uint64_t CommitNotifier::WaitBeyond(std::uint64_t position,
                                         std::chrono::steady_clock::time_point deadline,
                                         const std::atomic<bool>& cancelled) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [&] {
    return committed_ > position || closed_ || cancelled.load(std::memory_order_acquire);
  });
  return committed_;
}

namespace {

class StoreSubscription final : public Subscription {
 public:
  StoreSubscription(const EventStore* store, std::shared_ptr<CommitNotifier> notifier,
                    std::uint64_t from_position)
      : store_(store), notifier_(std::move(notifier)), position_(from_position - 1) {}

  Result<std::vector<EventRecord>> Next(std::size_t max_events,
                                        std::chrono::milliseconds wait) override {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (cancelled_.load(std::memory_order_acquire)) {
        return UnavailableError("subscription cancelled");
      }
      if (notifier_->closed()) return UnavailableError("event store closed");
      std::vector<EventRecord> batch;
      ZF_RETURN_IF_ERROR(ReadBatch(std::max<std::size_t>(max_events, 1), &batch));
      if (!batch.empty()) return batch;
      if (std::chrono::steady_clock::now() >= deadline) return batch;
      notifier_->WaitBeyond(position_, deadline, cancelled_);
    }
  }

  std::uint64_t position() const override { return position_; }

  void Cancel() override {
    cancelled_.store(true, std::memory_order_release);
    notifier_->WakeAll();
  }

 private:
  Status ReadBatch(std::size_t max_events, std::vector<EventRecord>* out) {
    auto cursor = store_->ReadAll(position_ + 1);
    for (; cursor->Valid() && out->size() < max_events; cursor->Next()) {
      if (cursor->event().position != position_ + 1) {
        return CorruptionError(fmt::format("subscription expected position {} but read {}",
                                           position_ + 1, cursor->event().position));
      }
      out->push_back(cursor->event());
      position_ = cursor->event().position;
    }
    return cursor->status();
  }

  const EventStore* const store_;
  const std::shared_ptr<CommitNotifier> notifier_;
  std::uint64_t position_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::unique_ptr<Subscription> NewStoreSubscription(const EventStore* store,
                                                   std::shared_ptr<CommitNotifier> notifier,
                                                   std::uint64_t from_position) {
  return std::make_unique<StoreSubscription>(store, std::move(notifier),
                                             std::max<std::uint64_t>(from_position, 1));
}

}  // namespace zf::internal

#include "store/prefetch_cursor.h"

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "util/bounded_queue.h"

namespace zf::internal {
namespace {

struct Batch {
  std::vector<EventRecord> events;
  bool last = false;  // nothing follows
  Status status;      // the source's, on the last batch
};

class Prefetching final : public EventCursor {
 public:
  Prefetching(std::unique_ptr<EventCursor> source, std::size_t batch, std::size_t batches)
      : queue_(batches) {
    if (batch == 0) batch = 1;
    reader_ = std::thread([this, source = std::move(source), batch]() mutable {
      Read(std::move(source), batch);
    });
    NextBatch();
  }
  ~Prefetching() override {
    queue_.Close();  // a reader waiting for room stops
    reader_.join();
  }

  bool Valid() const override { return at_ < current_.events.size(); }
  const EventRecord& event() const override { return current_.events[at_]; }
  void Next() override {
    if (++at_ == current_.events.size() && !done_) NextBatch();
  }
  Status status() const override { return current_.status; }

 private:
  void Read(std::unique_ptr<EventCursor> source, std::size_t batch) {
    while (true) {
      Batch b;
      b.events.reserve(batch);
      for (; source->Valid() && b.events.size() < batch; source->Next()) {
        b.events.push_back(source->event());
      }
      b.last = !source->Valid();
      if (b.last) b.status = source->status();
      const bool last = b.last;
      if (!queue_.Push(std::move(b)) || last) break;
    }
    source.reset();  // the store's iterator, released on the thread that used it
    queue_.Close();
  }

  void NextBatch() {
    at_ = 0;
    std::optional<Batch> b = queue_.Pop();
    if (!b) {  // only when the reader failed to hand over (closed early)
      current_ = Batch();
      done_ = true;
      return;
    }
    current_ = std::move(*b);
    done_ = current_.last;
  }

  BoundedQueue<Batch> queue_;
  std::thread reader_;
  Batch current_;
  std::size_t at_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<EventCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                            std::size_t batch, std::size_t batches) {
  return std::make_unique<Prefetching>(std::move(source), batch, batches);
}

}  // namespace zf::internal

#include "store/prefetch_cursor.h"

#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "util/bounded_queue.h"

namespace zf::internal {
namespace {

struct Batch {
  std::vector<EventRecord> events;
  std::vector<std::uint64_t> marks;  // beside events, when marking
  bool last = false;  // nothing follows
  Status status;      // the source's, on the last batch
};

class Prefetching final : public MarkingPrefetchCursor {
 public:
  Prefetching(std::unique_ptr<EventCursor> source, Mark mark, std::size_t batch,
              std::size_t batches)
      : queue_(batches), mark_(std::move(mark)) {
    if (batch == 0) batch = 1;
    reader_ = std::thread([this, source = std::move(source), batch]() mutable {
      Read(std::move(source), batch);
    });
    NextBatch();
  }
  ~Prefetching() override {
    queue_.Close();  // a reader waiting for room stops
    JoinReader();
  }

  bool Valid() const override { return at_ < current_.events.size(); }
  const EventRecord& event() const override { return current_.events[at_]; }
  std::uint64_t mark() const override { return current_.marks[at_]; }
  EventRecord TakeEvent() override { return std::move(current_.events[at_]); }
  void Next() override {
    if (++at_ == current_.events.size() && !done_) NextBatch();
  }
  Status status() const override { return current_.status; }
  void JoinReader() override {
    if (reader_.joinable()) reader_.join();
  }

 private:
  void Read(std::unique_ptr<EventCursor> source, std::size_t batch) {
    while (true) {
      FreeSpent();
      Batch b;
      b.events.reserve(batch);
      for (; source->Valid() && b.events.size() < batch; source->Next()) {
        b.events.push_back(source->TakeEvent());
        if (mark_) b.marks.push_back(mark_(b.events.back()));
      }
      if (!mark_) b.marks.resize(b.events.size());
      b.last = !source->Valid();
      if (b.last) b.status = source->status();
      const bool last = b.last;
      if (!queue_.Push(std::move(b)) || last) break;
    }
    source.reset();  // the store's iterator, released on the thread that used it
    queue_.Close();
  }

  // An event's payload is a tree of small allocations; freeing a batch of
  // them costs the folding thread about as much as a quarter of its fold,
  // so the reader frees them between reads.
  void FreeSpent() {
    std::vector<Batch> spent;
    {
      std::lock_guard lock(spent_mu_);
      spent.swap(spent_);
    }
  }

  void NextBatch() {
    at_ = 0;
    if (!current_.events.empty()) {
      std::lock_guard lock(spent_mu_);
      spent_.push_back(std::move(current_));
    }
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
  const Mark mark_;
  std::mutex spent_mu_;
  std::vector<Batch> spent_;  // GUARDED_BY(spent_mu_); freed by the reader
  std::thread reader_;
  Batch current_;
  std::size_t at_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<EventCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                            std::size_t batch, std::size_t batches) {
  return std::make_unique<Prefetching>(std::move(source), nullptr, batch, batches);
}

std::unique_ptr<MarkingPrefetchCursor> PrefetchCursor(std::unique_ptr<EventCursor> source,
                                                      MarkingPrefetchCursor::Mark mark,
                                                      std::size_t batch, std::size_t batches) {
  return std::make_unique<Prefetching>(std::move(source), std::move(mark), batch, batches);
}

}  // namespace zf::internal

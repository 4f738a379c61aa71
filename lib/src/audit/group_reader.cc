#include "audit/group_reader.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace zf::internal {
namespace {

// Named threads show up as such in perf, top and a debugger.
void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace

GroupReader::GroupReader(const EventStore& store, const AuditScope& scope, CommandLookup lookup,
                         std::size_t preparers, std::size_t window)
    : store_(store),
      scope_(scope),
      lookup_(std::move(lookup)),
      preparer_count_(preparers),
      window_(std::max<std::size_t>(window / kBatchGroups, 1)),
      ready_(window_) {
  for (std::size_t i = 0; i < preparer_count_; ++i) {
    preparers_.emplace_back([this] { PrepareLoop(); });
  }
  reader_ = std::thread([this] { ReadLoop(); });
}

GroupReader::~GroupReader() { Stop(); }

void GroupReader::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  room_cv_.notify_all();
  work_cv_.notify_all();
  ready_cv_.notify_all();
  if (reader_.joinable()) reader_.join();
  for (std::thread& t : preparers_) {
    if (t.joinable()) t.join();
  }
}

bool GroupReader::WaitForRoom(std::uint64_t seq) {
  std::vector<std::vector<PreparedGroup>> spent;
  std::unique_lock lock(mu_);
  room_cv_.wait(lock, [&] { return stop_ || seq - consumed_ < window_; });
  spent.swap(spent_);
  const bool stopping = stop_;
  lock.unlock();
  spent.clear();  // here, where they were allocated
  return !stopping;
}

void GroupReader::Deliver(Work work) {
  std::vector<PreparedGroup> prepared;
  prepared.reserve(work.groups.size());
  for (std::vector<EventRecord>& events : work.groups) {
    prepared.push_back(PrepareGroup(std::move(events), scope_, lookup_));
  }
  if (work.last_of_log) prepared.back().last_of_log = true;
  {
    std::lock_guard lock(mu_);
    ready_[work.seq % window_] = std::move(prepared);
  }
  ready_cv_.notify_all();
}

void GroupReader::ReadLoop() {
  NameThisThread("zf-audit-read");
  std::uint64_t seq = 0;
  std::vector<EventRecord> group;
  std::vector<std::vector<EventRecord>> batch;
  // Hands the batch on: prepared here when there are no preparers, else
  // queued for them. False when stopping.
  auto emit = [&](bool last_of_log) {
    Work work{seq, std::move(batch), last_of_log};
    batch.clear();
    if (!WaitForRoom(seq)) return false;
    ++seq;
    if (preparer_count_ == 0) {
      Deliver(std::move(work));
      return true;
    }
    {
      std::lock_guard lock(mu_);
      work_.push_back(std::move(work));
    }
    work_cv_.notify_one();
    return true;
  };
  auto cursor = store_.ReadAll(1);
  for (; cursor->Valid() && cursor->event().position <= scope_.to_position; cursor->Next()) {
    const EventRecord& event = cursor->event();
    if (!group.empty() && (group.front().stream != event.stream ||
                           group.front().command_id != event.command_id)) {
      batch.push_back(std::move(group));
      group.clear();
      if (batch.size() == kBatchGroups && !emit(/*last_of_log=*/false)) return;
    }
    group.push_back(cursor->TakeEvent());  // event() is not read again
  }
  Status status = cursor->status();
  if (!group.empty()) {
    batch.push_back(std::move(group));
    if (!emit(/*last_of_log=*/true)) return;
  }
  {
    std::lock_guard lock(mu_);
    cursor_status_ = std::move(status);
    total_ = seq;
    read_done_ = true;
  }
  work_cv_.notify_all();
  ready_cv_.notify_all();
}

void GroupReader::PrepareLoop() {
  NameThisThread("zf-audit-prep");
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || !work_.empty() || read_done_; });
      if (stop_ || work_.empty()) return;
      work = std::move(work_.front());
      work_.pop_front();
    }
    Deliver(std::move(work));
  }
}

PreparedGroup* GroupReader::Next() {
  if (current_next_ == current_.size()) {
    std::unique_lock lock(mu_);
    if (!current_.empty()) spent_.push_back(std::move(current_));
    current_.clear();
    current_next_ = 0;
    ready_cv_.wait(lock, [&] {
      return stop_ || ready_[consumed_ % window_].has_value() ||
             (read_done_ && consumed_ == total_);
    });
    std::optional<std::vector<PreparedGroup>>& slot = ready_[consumed_ % window_];
    if (stop_ || !slot.has_value()) return nullptr;
    current_ = std::move(*slot);
    slot.reset();
    ++consumed_;
    lock.unlock();
    room_cv_.notify_one();
  }
  return &current_[current_next_++];
}

Status GroupReader::status() {
  std::unique_lock lock(mu_);
  ready_cv_.wait(lock, [&] { return stop_ || read_done_; });
  return cursor_status_;
}

}  // namespace zf::internal

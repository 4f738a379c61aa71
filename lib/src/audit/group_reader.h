// audit/group_reader.h — the parallel audit's reader: reads the log in
// position order on a thread of its own, cuts it into commands' groups and
// prepares each group (PrepareGroup: the recorded command looked up, parsed
// and validated) ahead of the thread
// that re-decides them, on that thread and on `preparers` more.
//
// Groups are handed out strictly in position order, whichever thread
// prepared them, so the re-decider sees exactly the sequence a one-thread
// audit feeds it. They travel in batches (kBatchGroups), so that the
// threads meet once per batch, not once per group. At most `window` groups
// are read ahead of the consumer: memory is the window, not the log.
//
// Example:
//   GroupReader reader(store, scope, lookup, /*preparers=*/1, /*window=*/256);
//   PreparedGroup group;
//   while (reader.Next(&group)) { ... Check(std::move(group)) ... }
//   if (!reader.status().ok()) { ... the log could not be read further ... }
//
// Thread safety: Next(), status() and Stop() are for one consumer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/re_decider.h"
#include "zf/event_store.h"

namespace zf::internal {

class GroupReader {
 public:
  // Starts reading `store` from position 1 up to scope.to_position. `store`
  // and `lookup` must outlive the reader and be safe to call from other
  // threads (EventStore is). REQUIRES: window >= 1.
  GroupReader(const EventStore& store, const AuditScope& scope, CommandLookup lookup,
              std::size_t preparers, std::size_t window);
  static constexpr std::size_t kBatchGroups = 32;
  ~GroupReader();  // Stop()

  GroupReader(const GroupReader&) = delete;
  GroupReader& operator=(const GroupReader&) = delete;

  // The next group in position order, or nullptr when every group has
  // been handed out. The group stays the reader's: it is valid, and may be
  // changed, until the next call; its memory is freed on the thread that
  // allocated it (see ReDecider::Check). The last group of the log (the one
  // gathered when the cursor ended) has last_of_log set.
  PreparedGroup* Next();
  // The cursor's status once it has ended (not OK: the log cannot be read
  // past the last event handed out). REQUIRES: Next() returned a group with
  // last_of_log, or returned false.
  Status status();
  // Stops reading and preparing and joins the threads; Next() then returns
  // false. Called by the destructor.
  void Stop();

 private:
  // A batch of groups as read, numbered in reading order.
  struct Work {
    std::uint64_t seq = 0;
    std::vector<std::vector<EventRecord>> groups;
    bool last_of_log = false;  // its last group is the log's last
  };

  void ReadLoop();
  void PrepareLoop();
  // Waits until `seq` fits into the window; false when stopping. Frees
  // the batches the consumer is done with.
  bool WaitForRoom(std::uint64_t seq);
  // Prepares `work` and puts it where Next() finds it.
  void Deliver(Work work);

  const EventStore& store_;
  const AuditScope scope_;
  const CommandLookup lookup_;
  const std::size_t preparer_count_;
  const std::size_t window_;

  std::mutex mu_;
  std::condition_variable room_cv_;   // the consumer took a group, or stopping
  std::condition_variable work_cv_;   // raw work queued, reading ended, or stopping
  std::condition_variable ready_cv_;  // a group is ready, reading ended, or stopping
  // Ring of window_ slots (in batches): batch `seq` is at seq % window_
  // once prepared.
  std::vector<std::optional<std::vector<PreparedGroup>>> ready_;  // GUARDED_BY(mu_)
  std::deque<Work> work_;                            // GUARDED_BY(mu_): for preparers
  std::uint64_t consumed_ = 0;  // GUARDED_BY(mu_): the next batch Next() takes
  std::uint64_t total_ = 0;     // GUARDED_BY(mu_): batches read, once read_done_
  bool read_done_ = false;      // GUARDED_BY(mu_)
  bool stop_ = false;           // GUARDED_BY(mu_)
  Status cursor_status_;        // GUARDED_BY(mu_): set before read_done_
  // Batches the consumer is done with, for the reader to free.
  std::vector<std::vector<PreparedGroup>> spent_;  // GUARDED_BY(mu_)

  // The consumer's batch, handed out group by group (consumer only).
  std::vector<PreparedGroup> current_;
  std::size_t current_next_ = 0;

  std::thread reader_;
  std::vector<std::thread> preparers_;
};

}  // namespace zf::internal

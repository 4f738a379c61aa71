// Writes the store's signed checkpoints as the log grows
// (StoreOptions::checkpoint_signer, checkpoint_every). Shared by the
// RocksDB and the memory store, which call AfterCommit once a commit is
// durable.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "zf/clock.h"
#include "zf/event_store.h"

namespace zf::internal {

class AutoCheckpointer {
 public:
  AutoCheckpointer(const StoreOptions& options, std::shared_ptr<Clock> clock)
      : signer_(options.read_only ? nullptr : options.checkpoint_signer),
        every_(options.checkpoint_every),
        clock_(std::move(clock)) {}

  // Signs and keeps a checkpoint of `store`'s ledger head when the log is
  // `every` or more events past the last checkpoint. A failed write is not
  // the commit's failure (its events are durable): the next commit tries
  // again.
  void AfterCommit(EventStore* store);

 private:
  const std::shared_ptr<const CheckpointSigner> signer_;
  const std::uint64_t every_;
  const std::shared_ptr<Clock> clock_;
  std::mutex mu_;
  bool started_ = false;            // GUARDED_BY(mu_): last_ read from the store
  std::uint64_t last_ = 0;          // GUARDED_BY(mu_): position of the last checkpoint
};

}  // namespace zf::internal

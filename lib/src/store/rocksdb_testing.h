// store/rocksdb_testing.h — what tests may see and steer inside the RocksDB
// store (OpenRocksDbEventStore): the group commit's writes and syncs, and a
// hook to hold a write back so that other appends queue up behind it.
// Production code never sets a hook.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include <rocksdb/env.h>

#include "store/raw_log.h"
#include "zf/event_store.h"

namespace zf::internal {

struct RocksDbTestHooks {
  // Called by a group's leader right before its write to RocksDB, outside
  // the store's lock; may block (the next group is planned meanwhile).
  std::function<void()> before_write;
};

struct RocksDbWriteCounts {
  // Appends (Append/AppendBatch calls, or parts of a batch written in
  // parts) queued or in a group, not yet answered.
  std::size_t pending_writers = 0;
  std::uint64_t writes = 0;         // RocksDB writes of appended groups
  std::uint64_t synced_writes = 0;  // of which synced (one WAL sync each)
  std::uint64_t reopens = 0;        // recoveries by a new RocksDB instance
};

// REQUIRES: `store` came from OpenRocksDbEventStore and no append has
// started yet. Returns false (and does nothing) for another kind of store.
bool SetRocksDbTestHooks(EventStore* store, RocksDbTestHooks hooks);

// Zeros for another kind of store.
RocksDbWriteCounts GetRocksDbWriteCounts(const EventStore& store);

// The store's raw view, which the chain check reads (store/raw_log.h);
// null for another kind of store.
const RawLog* RocksDbRawLog(const EventStore& store);

// Bytes the store's shared block cache holds now (0 for another kind of
// store, or without a cache).
std::uint64_t RocksDbBlockCacheUsage(const EventStore& store);

// Whether reads of the events family consult the block cache at all (false
// for another kind of store).
bool RocksDbEventsUseBlockCache(const EventStore& store);

// OpenRocksDbEventStore on `env` (which must outlive the store, and is used
// again by a reopen after a write fault): tests inject file-system faults.
Result<std::unique_ptr<EventStore>> OpenRocksDbEventStoreWithEnv(const StoreOptions& options,
                                                                std::string_view path,
                                                                rocksdb::Env* env);

}  // namespace zf::internal

// The holder file of a RocksDB store (zf::StoreHolder in zf/event_store.h):
// which process holds the store for writing, and where it serves it.
#pragma once

#include <string>
#include <string_view>

#include "zf/event_store.h"
#include "zf/status.h"

namespace zf::internal {

// The holder file's path inside the store directory `store_path`.
std::string StoreHolderPath(std::string_view store_path);

// Replaces the holder file of the store at `store_path` with `holder`. The
// file is written beside it and renamed over it, so a reader never sees
// half of it. REQUIRES: this process holds the store's lock.
Status WriteStoreHolder(std::string_view store_path, const StoreHolder& holder);

// Removes the holder file if it names this process (a holder file of
// another process is that process's to remove).
void RemoveOwnStoreHolder(std::string_view store_path);

}  // namespace zf::internal

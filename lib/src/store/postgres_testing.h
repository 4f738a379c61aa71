// store/postgres_testing.h — what tests may see and steer inside the
// PostgreSQL store (OpenPostgresEventStore): hooks at the points of an
// append where a lost connection matters, and the writer's server process,
// so a test can end its session there. Production code never sets a hook.
#pragma once

#include <functional>

#include "zf/event_store.h"
#include "zf/result.h"

namespace zf::internal {

struct PostgresTestHooks {
  // Called inside the append's transaction after planning, before the
  // first row is written.
  std::function<void()> before_write{};
  // Called after every row is written, right before COMMIT is sent.
  std::function<void()> before_commit{};
  // Called after the server answered COMMIT; returning true throws the
  // answer away and drops the writer, as a connection lost between the
  // server's commit and its reply would: the commit stands, the caller
  // hears that its outcome is unknown.
  std::function<bool()> lose_commit_reply{};
};

// REQUIRES: no append is running. Returns false (and does nothing) for
// another kind of store.
bool SetPostgresTestHooks(EventStore* store, PostgresTestHooks hooks);

// Stops (or restarts) the store's listener from taking notifications, as
// when they are lost (a failover loses those of the last commits): the
// store then learns of commits only by reading. False for another kind of
// store.
bool PausePostgresListener(EventStore* store, bool paused);

// How many transactions the store's appends have run (group commits: one
// for all the callers' batches it wrote), 0 for another kind of store.
std::uint64_t PostgresAppendGroups(EventStore* store);

// The server process id of the store's writer connection (pg_backend_pid),
// or 0 when it has none yet. Call from a hook or between appends.
int PostgresWriterPid(EventStore* store);

}  // namespace zf::internal

// zf/store_location.h — opening an event store by where it is: a RocksDB
// directory (the embedded default) or a PostgreSQL database.
//
// Every place that names a store (zfcli --db, $ZF_DB, Engine::Open) takes a
// location: "postgresql://…" or "postgres://…" opens the PostgreSQL store
// (docs/architecture.md, "The PostgreSQL store"); anything else is a RocksDB
// directory.
//
// Example:
//   auto store = zf::OpenEventStore(zf::StoreOptions{},
//                                   "postgresql://zf@127.0.0.1:5432/zf");
//   if (!store.ok()) return store.status();
#pragma once

#include <memory>
#include <string_view>

#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/result.h"

namespace zf {

// True when `location` is a PostgreSQL URL (postgresql:// or postgres://).
ZF_EXPORT bool IsPostgresLocation(std::string_view location);

// Opens (or creates) the PostgreSQL store in the database and schema that
// `url` names (libpq's URI syntax; the schema is the first of the
// connection's search_path, e.g. "?options=-csearch_path%3Dzf"). The same
// semantics and stored bytes as OpenRocksDbEventStore's store. Its first
// write takes a session advisory lock on the store, held until it closes:
// a write by another store object or process then gets kUnavailable (as
// RocksDB's LOCK; the engine keeps state that a second writer would make
// stale). Until it writes, a store follows another writer's commits live:
// its subscriptions wake on the writer's NOTIFY.
// StoreOptions: clock, checkpoint_signer/every, create_if_missing and
// read_only apply (a read-only store reads the log as it was at the open);
// the RocksDB layout options are ignored.
// Errors: kInvalidArgument (not a PostgreSQL URL), kUnavailable (the
// server cannot be reached, within 5 s unless the URL sets
// connect_timeout; or another process holds the store for writing),
// kNotFound (no store in that schema and none to be created), kCorruption
// (an unknown format version), kFailedPrecondition (an incomplete store),
// kIOError (another error the server reported).
ZF_EXPORT Result<std::unique_ptr<EventStore>> OpenPostgresEventStore(const StoreOptions& options,
                                                                     std::string_view url);

// OpenPostgresEventStore for a PostgreSQL URL, else OpenRocksDbEventStore.
ZF_EXPORT Result<std::unique_ptr<EventStore>> OpenEventStore(const StoreOptions& options,
                                                             std::string_view location);

// Copies the whole log of `source` into `target`, a new (empty) PostgreSQL
// store, byte for byte: every event with its envelope, hash and ledger hash
// as the source stores it, the command records with their recorded
// commands, the projection rows and the checkpoints. Each event is checked
// on the way (it must hash to its stored hash and follow its stream's
// chain), and the copy must end at the source's ledger head. One
// transaction: the target holds all of it or nothing. Moves a RocksDB store
// to PostgreSQL (`zfcli store copy --to postgresql://…`).
// Errors: kFailedPrecondition (target not empty, read-only, or not a
// PostgreSQL store), kCorruption (an event of the source does not verify;
// nothing is copied), the source's read errors, the target's write errors.
ZF_EXPORT Status CopyEventLog(const EventStore& source, EventStore* target);

}  // namespace zf

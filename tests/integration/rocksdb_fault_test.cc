// The RocksDB store after a write fault that RocksDB cannot recover from by
// itself: an I/O error on the write-ahead log. The store must report it,
// keep every acknowledged event, and write again once the fault clears,
// without a restart of the process (issue 14 §6).
#include <atomic>
#include <filesystem>
#include <functional>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "store/rocksdb_testing.h"
#include "support/test_support.h"
#include "zf/event_store.h"

using namespace zf;
using zf::testing::MakeRequest;
using zf::testing::TempDir;

namespace {

// Fails every write to a write-ahead log ("*.log") while `failing` is set,
// as a disk answering EIO would.
class FaultyFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && name.ends_with(".log")) {
      *result = std::make_unique<FaultyFile>(std::move(*result), &failing);
    }
    return s;
  }

  std::atomic<bool> failing{false};

 private:
  class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* failing)
        : FSWritableFileOwnerWrapper(std::move(file)), failing_(failing) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*failing_) return Fault();
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*failing_) return Fault();
      return target()->Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (*failing_) return Fault();
      return target()->Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (*failing_) return Fault();
      return target()->Fsync(options, dbg);
    }

   private:
    static rocksdb::IOStatus Fault() { return rocksdb::IOStatus::IOError("injected EIO"); }
    const std::atomic<bool>* failing_;
  };
};

struct FaultyStore {
  std::shared_ptr<FaultyFileSystem> fs =
      std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::unique_ptr<EventStore> store;

  explicit FaultyStore(const std::string& path) {
    auto opened = internal::OpenRocksDbEventStoreWithEnv(StoreOptions{}, path, env.get());
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  ~FaultyStore() { store.reset(); }  // before the Env it uses
};

// Health() until it is OK or `seconds` pass; the store tries to recover at
// most once a second.
Status HealthWithin(EventStore& store, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  Status s = store.Health();
  while (!s.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s = store.Health();
  }
  return s;
}

}  // namespace

TEST_CASE("An I/O error on the write-ahead log: reported, nothing acknowledged lost, writes "
          "resume once it clears, by a reopen",
          "[store][rocksdb][fault]") {
  TempDir dir;
  FaultyStore f(dir.Sub("db"));
  EventStore& store = *f.store;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(store.Append(MakeRequest("case/A", "before-" + std::to_string(i), 1)).ok());
  }
  const LedgerHead before = store.Ledger();

  f.fs->failing = true;
  auto failed = store.Append(MakeRequest("case/A", "during", 1));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kIOError);
  Status health = store.Health();
  CHECK(health.code() == StatusCode::kIOError);
  CHECK(health.message().find("injected EIO") != std::string::npos);
  // Still failing: the store stays unhealthy and refuses writes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK_FALSE(store.Health().ok());
  CHECK_FALSE(store.Append(MakeRequest("case/A", "still-during", 1)).ok());
  // Reads of what was acknowledged go on meanwhile.
  CHECK(store.ReadEvent(before.position).ok());

  f.fs->failing = false;
  Status recovered = HealthWithin(store, 10);
  INFO(recovered.ToString());
  REQUIRE(recovered.ok());
  // RocksDB holds an EIO on its log fatal: Resume() cannot clear it, only
  // a new instance on the same files could.
  CHECK(internal::GetRocksDbWriteCounts(store).reopens == 1);
  CHECK(store.Ledger().position == before.position);
  CHECK(store.Ledger().ledger_hash == before.ledger_hash);
  auto after = store.Append(MakeRequest("case/A", "after", 1));
  REQUIRE(after.ok());
  CHECK(after->first_position == before.position + 1);
  CHECK_FALSE(store.FindCommand("during").ok());
  CHECK(store.FindCommand("before-4").ok());
  auto report = store.VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked == before.position + 1);
}

TEST_CASE("A reopen after a write fault waits until no read holds the faulted database",
          "[store][rocksdb][fault]") {
  TempDir dir;
  FaultyStore f(dir.Sub("db"));
  EventStore& store = *f.store;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(store.Append(MakeRequest("case/B", "b-" + std::to_string(i), 1)).ok());
  }
  f.fs->failing = true;
  REQUIRE_FALSE(store.Append(MakeRequest("case/B", "b-fault", 1)).ok());
  f.fs->failing = false;

  auto cursor = store.ReadAll(1);  // holds the faulted database
  REQUIRE(cursor->Valid());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK_FALSE(store.Health().ok());
  CHECK(internal::GetRocksDbWriteCounts(store).reopens == 0);
  // The cursor still reads the whole log as it was.
  int seen = 0;
  for (; cursor->Valid(); cursor->Next()) ++seen;
  CHECK(cursor->status().ok());
  CHECK(seen == 3);

  cursor.reset();
  Status recovered = HealthWithin(store, 10);
  INFO(recovered.ToString());
  REQUIRE(recovered.ok());
  CHECK(internal::GetRocksDbWriteCounts(store).reopens == 1);
  REQUIRE(store.Append(MakeRequest("case/B", "b-fault", 1)).ok());
  CHECK(store.Ledger().position == 4);
}

namespace {

// Runs `on_first_log` once, when a write-ahead log is first opened for
// reading: a secondary open replays the writer's logs after it has read the
// MANIFEST, and this is the moment a writer's flush can pull a log away.
class LogOpenHook final : public rocksdb::FileSystemWrapper {
 public:
  explicit LogOpenHook(std::function<void(const std::string&)> on_first_log)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), on_first_log_(std::move(on_first_log)) {}
  const char* Name() const override { return "LogOpenHook"; }

  rocksdb::IOStatus NewSequentialFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    if (armed && name.ends_with(".log") && !fired_.exchange(true)) on_first_log_(name);
    return target()->NewSequentialFile(name, options, result, dbg);
  }

  std::atomic<bool> armed{true};  // false: logs opened meanwhile do not count

 private:
  std::function<void(const std::string&)> on_first_log_;
  std::atomic<bool> fired_{false};
};

}  // namespace

TEST_CASE("A read-only open that a writer's flush overlaps still reads every event committed "
          "before it began",
          "[store][rocksdb][read_only][fault]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  auto writer = OpenRocksDbEventStore(StoreOptions{}, path);
  REQUIRE(writer.ok());
  for (int i = 0; i < 20; ++i) {
    REQUIRE((*writer)->Append(MakeRequest("case/A", "flushed-" + std::to_string(i), 1)).ok());
  }
  REQUIRE((*writer)->Backup(dir.Sub("first")).ok());  // these 20 now in table files
  for (int i = 0; i < 30; ++i) {
    REQUIRE((*writer)->Append(MakeRequest("case/B", "logged-" + std::to_string(i), 1)).ok());
  }
  const LedgerHead committed = (*writer)->Ledger();

  // Just as the reader is about to replay the log holding the last 30, the
  // writer flushes them and deletes that log. RocksDB's secondary then
  // replays no log at all, and a reader left with that open would see only
  // the first 20 events.
  std::atomic<bool> log_deleted = false;
  auto hook = std::make_shared<LogOpenHook>([&](const std::string& log) {
    if (!(*writer)->Backup(dir.Sub("second")).ok()) return;
    for (int i = 0; i < 200 && std::filesystem::exists(log); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    log_deleted = !std::filesystem::exists(log);
  });
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(hook);
  StoreOptions options;
  options.read_only = true;
  auto reader = internal::OpenRocksDbEventStoreWithEnv(options, path, env.get());
  REQUIRE(reader.ok());
  REQUIRE(log_deleted);
  CHECK((*reader)->Ledger().position == committed.position);
  CHECK((*reader)->Ledger().ledger_hash == committed.ledger_hash);
  auto report = (*reader)->VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked == 50);
  reader->reset();
}

TEST_CASE("A backup through a read-only open that a writer's flush breaks is made again from a "
          "new open, whole",
          "[store][rocksdb][read_only][backup][fault]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  auto writer = OpenRocksDbEventStore(StoreOptions{}, path);
  REQUIRE(writer.ok());
  for (int i = 0; i < 30; ++i) {
    REQUIRE((*writer)->Append(MakeRequest("case/C", "logged-" + std::to_string(i), 1)).ok());
  }
  // The backup copies the reader's write-ahead log; just as it opens it,
  // the writer flushes and deletes it (and appends more). RocksDB's
  // checkpoint then leaves the log out and succeeds, with a copy of no
  // events at all (a MANIFEST and CURRENT): the store must notice and make
  // the backup again from a newer open.
  std::atomic<bool> log_deleted = false;
  auto hook = std::make_shared<LogOpenHook>([&](const std::string& log) {
    if (!(*writer)->Backup(dir.Sub("flush")).ok()) return;
    REQUIRE_NOTHROW((*writer)->Append(MakeRequest("case/D", "after-flush", 1)));
    for (int i = 0; i < 200 && std::filesystem::exists(log); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    log_deleted = !std::filesystem::exists(log);
  });
  hook->armed = false;
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(hook);
  StoreOptions options;
  options.read_only = true;
  auto reader = internal::OpenRocksDbEventStoreWithEnv(options, path, env.get());
  REQUIRE(reader.ok());
  REQUIRE((*reader)->Ledger().position == 30);
  hook->armed = true;
  const std::string copy = dir.Sub("copy");
  REQUIRE((*reader)->Backup(copy).ok());
  REQUIRE(log_deleted);

  reader->reset();
  auto restored = OpenRocksDbEventStore(StoreOptions{.read_only = true}, copy);
  const std::string why = restored.ok() ? "" : std::string(restored.status().message());
  INFO(why);
  REQUIRE(restored.ok());
  auto report = (*restored)->VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked >= 30);  // every event committed before the backup began
  CHECK((*restored)->Ledger().position == report->events_checked);
}

// The RocksDB store's group commit and table layout: concurrent durable
// appends share syncs, writers are served in arrival order, stream reads in
// batches return what the log holds, and the table options are validated
// and change no stored byte. No test depends on timing: a test hook holds a
// write back while the test waits for the store to report the appends it
// expects queued.
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rocksdb/convenience.h>

#include "store/key_codec.h"
#include "store/rocksdb_testing.h"
#include "support/raw_db.h"
#include "support/test_support.h"
#include "zf/event_store.h"

using namespace zf;
using zf::internal::GetRocksDbWriteCounts;
using zf::internal::RocksDbTestHooks;
using zf::internal::SetRocksDbTestHooks;
using zf::testing::MakeRequest;
using zf::testing::RawDb;
using zf::testing::TempDir;

namespace {

std::unique_ptr<EventStore> Open(const std::string& path, const StoreOptions& options = {}) {
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::move(*store);
}

// Holds the first write the store makes until Release(); later writes pass.
class WriteGate {
 public:
  RocksDbTestHooks Hooks() {
    return {.before_write = [this] {
      std::unique_lock lock(mu_);
      if (writes_++ > 0) return;
      held_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }};
  }
  void WaitUntilHeld() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return held_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int writes_ = 0;
  bool held_ = false;
  bool released_ = false;
};

// Waits (without a deadline: ctest's timeout catches a hang) until the
// store reports `n` appends queued or in groups, not yet answered.
void WaitForPending(const EventStore& store, std::size_t n) {
  while (GetRocksDbWriteCounts(store).pending_writers != n) std::this_thread::yield();
}

}  // namespace

TEST_CASE("Durable appends that queue behind a write are merged into one sync",
          "[store][rocksdb][group_commit]") {
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  WriteGate gate;
  REQUIRE(SetRocksDbTestHooks(store.get(), gate.Hooks()));

  constexpr int kQueued = 16;
  std::vector<Result<AppendResult>> results(kQueued + 1, InternalError("not run"));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = store->Append(MakeRequest("case/first", "c-first")); });
  gate.WaitUntilHeld();  // the first group is writing (and held)
  for (int i = 1; i <= kQueued; ++i) {
    threads.emplace_back([&, i] {
      results[i] = store->Append(MakeRequest(fmt::format("case/{}", i), fmt::format("c-{}", i)));
    });
  }
  WaitForPending(*store, kQueued + 1);
  gate.Release();
  for (std::thread& t : threads) t.join();

  for (const auto& r : results) REQUIRE(r.ok());
  const auto counts = GetRocksDbWriteCounts(*store);
  // The held group; at most one group planned while it was held (a second
  // may not be planned before the first is written); then everyone else.
  CHECK(counts.synced_writes == counts.writes);
  CHECK(counts.synced_writes <= 3);
  CHECK(counts.pending_writers == 0);
  CHECK(store->Ledger().position == kQueued + 1);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Queued writers are served in arrival order, so none starves",
          "[store][rocksdb][group_commit]") {
  TempDir dir;
  StoreOptions options;
  options.max_group_events = 3;  // many groups, so the order is between groups too
  auto store = Open(dir.Sub("db"), options);
  WriteGate gate;
  REQUIRE(SetRocksDbTestHooks(store.get(), gate.Hooks()));

  constexpr int kWriters = 24;
  std::vector<Result<AppendResult>> results(kWriters, InternalError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = store->Append(MakeRequest(fmt::format("case/{}", i), fmt::format("c-{}", i)));
    });
    // Each writer queues before the next starts: arrival order is i.
    if (i == 0) {
      gate.WaitUntilHeld();
    } else {
      WaitForPending(*store, i + 1);
    }
  }
  gate.Release();
  for (std::thread& t : threads) t.join();

  for (int i = 0; i < kWriters; ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->first_position == static_cast<std::uint64_t>(i + 1));
  }
  // Groups of at most 3 appends: at least 8 writes, each synced.
  const auto counts = GetRocksDbWriteCounts(*store);
  CHECK(counts.synced_writes >= kWriters / 3);
  CHECK(counts.synced_writes == counts.writes);
}

TEST_CASE("Many clients appending durably at once: every append lands, in fewer syncs",
          "[store][rocksdb][group_commit]") {
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  WriteGate gate;  // holds the first write so that the rest pile up behind it
  REQUIRE(SetRocksDbTestHooks(store.get(), gate.Hooks()));
  constexpr int kClients = 32, kPerClient = 20;
  std::vector<int> acknowledged(kClients, 0);
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      ++started;
      for (int i = 0; i < kPerClient; ++i) {
        auto r = store->Append(MakeRequest(fmt::format("case/{}", c), fmt::format("c{}-{}", c, i), 1,
                                           ExpectedVersion::Exact(i)));
        if (r.ok() && r->last_version == static_cast<std::uint64_t>(i + 1)) ++acknowledged[c];
      }
    });
  }
  gate.WaitUntilHeld();
  WaitForPending(*store, kClients);  // every client's first append is queued or held
  gate.Release();
  for (std::thread& t : threads) t.join();
  for (int c = 0; c < kClients; ++c) CHECK(acknowledged[c] == kPerClient);
  const auto counts = GetRocksDbWriteCounts(*store);
  CHECK(store->Ledger().position == kClients * kPerClient);
  // The first round alone (32 appends) takes at most 3 syncs; the whole run
  // cannot need one sync per append.
  CHECK(counts.synced_writes < static_cast<std::uint64_t>(kClients * kPerClient));
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Stream reads in batches: long streams, both directions, any start",
          "[store][rocksdb][read]") {
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  // Two interleaved streams, longer than the largest read batch.
  constexpr std::uint64_t kLength = 700;
  for (std::uint64_t v = 1; v <= kLength; ++v) {
    for (const char* stream : {"case/A", "case/B"}) {
      REQUIRE(store->Append(MakeRequest(stream, fmt::format("{}-{}", stream, v))).ok());
    }
  }
  for (std::uint64_t from : {0, 1, 2, 31, 33, 200, 699, 700, 701}) {
    std::uint64_t expected = std::max<std::uint64_t>(from, 1);
    auto forward = store->ReadStream("case/B", from, Direction::kForward);
    for (; forward->Valid(); forward->Next(), ++expected) {
      REQUIRE(forward->event().stream == "case/B");
      REQUIRE(forward->event().version == expected);
      REQUIRE(forward->event().position == 2 * expected);
    }
    REQUIRE(forward->status().ok());
    CHECK(expected == kLength + 1);

    expected = from == 0 ? kLength : std::min(from, kLength);
    auto backward = store->ReadStream("case/A", from, Direction::kBackward);
    for (; backward->Valid(); backward->Next(), --expected) {
      REQUIRE(backward->event().version == expected);
      REQUIRE(backward->event().position == 2 * expected - 1);
    }
    REQUIRE(backward->status().ok());
    CHECK(expected == 0);
  }
}

TEST_CASE("A stream read stops with kCorruption at an index entry whose event is gone",
          "[store][rocksdb][read]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = Open(path);
    for (int v = 1; v <= 100; ++v) {
      REQUIRE(store->Append(MakeRequest("case/A", fmt::format("c{}", v))).ok());
    }
  }
  RawDb(path).Delete("events", internal::PositionKey(50));
  auto store = Open(path);
  auto cursor = store->ReadStream("case/A", 1, Direction::kForward);
  std::uint64_t read = 0;
  for (; cursor->Valid(); cursor->Next()) ++read;
  CHECK(read == 49);
  CHECK(cursor->status().code() == StatusCode::kCorruption);
}

TEST_CASE("Table options are validated", "[store][rocksdb][options]") {
  TempDir dir;
  StoreOptions options;
  options.events_block_size = 512;
  auto small = OpenRocksDbEventStore(options, dir.Sub("a"));
  REQUIRE_FALSE(small.ok());
  CHECK(small.status().code() == StatusCode::kInvalidArgument);
  CHECK(small.status().subject() == "events_block_size");

  options.events_block_size = 2 << 20;
  auto large = OpenRocksDbEventStore(options, dir.Sub("b"));
  REQUIRE_FALSE(large.ok());
  CHECK(large.status().code() == StatusCode::kInvalidArgument);

  options.events_block_size = 1024;
  options.block_cache_bytes = 0;
  CHECK(OpenRocksDbEventStore(options, dir.Sub("c")).ok());
}

TEST_CASE("Every table layout stores the same bytes and reads the others' files",
          "[store][rocksdb][options]") {
  TempDir dir;
  std::vector<std::pair<StoreOptions::Compression, std::size_t>> layouts = {
      {StoreOptions::Compression::kSnappy, 32 * 1024},
      {StoreOptions::Compression::kNone, 4 * 1024},
  };
  const auto supported = rocksdb::GetSupportedCompressions();
  if (std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) !=
      supported.end()) {
    layouts.emplace_back(StoreOptions::Compression::kLz4, 1024);
  }
  std::vector<std::map<std::string, std::string>> events;
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    StoreOptions options;
    options.events_compression = layouts[i].first;
    options.events_block_size = layouts[i].second;
    // A fixed clock: recorded_at, and so every hash, is the same in each store.
    options.clock = std::make_shared<zf::testing::FakeClock>();
    const std::string path = dir.Sub(fmt::format("db{}", i));
    const std::string copy = dir.Sub(fmt::format("copy{}", i));
    {
      auto store = Open(path, options);
      for (int k = 0; k < 300; ++k) {
        REQUIRE(store->Append(MakeRequest(fmt::format("case/{}", k % 7), fmt::format("c{}", k)))
                    .ok());
      }
      REQUIRE(store->Backup(copy).ok());  // flushed: the events are in table files
    }
    {
      // The table files of this layout, opened with the default layout.
      auto store = Open(copy);
      CHECK(store->VerifyChain().value().ok());
      auto cursor = store->ReadStream("case/3", 1, Direction::kForward);
      std::uint64_t read = 0;
      for (; cursor->Valid(); cursor->Next()) ++read;
      CHECK(read == 43);
    }  // the cursor, too, holds the database open
    events.push_back(RawDb(copy).Dump()["events"]);
  }
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i] == events[0]);
}

namespace {

// The options RocksDB recorded for each column family in the store's
// newest OPTIONS file (an INI text: `[CFOptions "name"]`, `  key=value`).
std::map<std::string, std::map<std::string, std::string>> RecordedFamilyOptions(
    const std::string& path) {
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("OPTIONS-", 0) == 0 && name > newest) newest = name;
  }
  REQUIRE_FALSE(newest.empty());
  std::map<std::string, std::map<std::string, std::string>> families;
  std::ifstream in(path + "/" + newest);
  std::string line;
  std::map<std::string, std::string>* current = nullptr;
  const std::string header = "[CFOptions \"";
  while (std::getline(in, line)) {
    if (line.rfind(header, 0) == 0) {
      current = &families[line.substr(header.size(), line.find('"', header.size()) - header.size())];
    } else if (line.rfind('[', 0) == 0) {
      current = nullptr;
    } else if (current != nullptr && line.find('=') != std::string::npos) {
      const auto start = line.find_first_not_of(' ');
      const auto eq = line.find('=');
      (*current)[line.substr(start, eq - start)] = line.substr(eq + 1);
    }
  }
  return families;
}

}  // namespace

// Keys of these families are random (command ids, case rows, stream names),
// so each L0 -> L1 compaction rewrites all of level 1; level 1 must be
// about what level 0 hands it, or an import spends its CPU rewriting it.
TEST_CASE("The random-key families' level 1 is sized to what level 0 hands it",
          "[store][rocksdb][options]") {
  TempDir dir;
  { Open(dir.Sub("db")); }
  const auto families = RecordedFamilyOptions(dir.Sub("db"));
  for (const char* family : {"streams", "commands", "projections"}) {
    INFO(family);
    REQUIRE(families.count(family) == 1);
    const auto& options = families.at(family);
    const auto number = [&](const char* key) { return std::stoull(options.at(key)); };
    const std::uint64_t handed = number("level0_file_num_compaction_trigger") *
                                 number("write_buffer_size");
    CHECK(number("max_bytes_for_level_base") <= handed);
    CHECK(number("target_file_size_base") * 4 <= number("max_bytes_for_level_base"));
  }
}

// The RocksDB store specifically: durability across reopen, group commit
// under concurrency, crash safety, tamper detection through the raw RocksDB
// API, and backups.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rocksdb/db.h>

#include "store/chain_verifier.h"
#include "store/envelope.h"
#include "store/key_codec.h"
#include "store/rocksdb_testing.h"
#include "store/stream_end_probe.h"
#include "support/raw_db.h"
#include "support/test_support.h"
#include "util/sm3.h"
#include "util/sm3_multi.h"
#include "zf/event_store.h"

using namespace zf;
using zf::testing::MakeRequest;
using zf::testing::TempDir;

namespace {

std::unique_ptr<EventStore> Open(const std::string& path, bool read_only = false) {
  StoreOptions options;
  options.read_only = read_only;
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::move(*store);
}

using zf::testing::RawDb;

// Ten events over three streams; returns the store's path.
std::string Populate(const TempDir& dir) {
  const std::string path = dir.Sub("db");
  auto store = Open(path);
  for (int i = 0; i < 10; ++i) {
    auto r = MakeRequest("case/SX-" + std::to_string(i % 3), "p" + std::to_string(i), 1);
    r.events[0].data = boost::json::object{{"fine_fen", 1000000 + i}, {"i", i}};
    REQUIRE(store->Append(r).ok());
  }
  REQUIRE(store->VerifyChain().value().ok());
  return path;
}

ChainReport Verify(const std::string& path) {
  auto store = Open(path);
  auto report = store->VerifyChain();
  REQUIRE(report.ok());
  return *report;
}

bool HasFinding(const ChainReport& report, ChainFinding::Kind kind, std::uint64_t position,
                std::string_view stream = {}) {
  return std::any_of(report.findings.begin(), report.findings.end(), [&](const auto& f) {
    return f.kind == kind && f.position == position && (stream.empty() || f.stream == stream);
  });
}

}  // namespace

TEST_CASE("Events survive close and reopen", "[store][rocksdb]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  std::string hash;
  {
    auto store = Open(path);
    auto r = store->Append(MakeRequest("case/A", "c1", 3));
    REQUIRE(r.ok());
    hash = r->last_hash;
    REQUIRE(store->Close().ok());
  }
  auto store = Open(path);
  CHECK(store->Ledger().position == 3);
  CHECK(store->Head("case/A").value().hash == hash);
  CHECK(store->FindCommand("c1").ok());
  auto next = store->Append(MakeRequest("case/A", "c2", 1, ExpectedVersion::Exact(3)));
  REQUIRE(next.ok());
  CHECK(next->first_position == 4);
  CHECK(store->ReadEvent(4).value().prev_hash == hash);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Closing flushes every family: no write-ahead log outlives the writer",
          "[store][rocksdb]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  auto log_bytes = [&] {
    std::uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.path().extension() == ".log") bytes += entry.file_size();
    }
    return bytes;
  };
  auto store = Open(path);
  for (int i = 0; i < 200; ++i) {
    REQUIRE(store->Append(MakeRequest(fmt::format("case/W-{}", i % 7), fmt::format("w-{}", i), 2))
                .ok());
  }
  const ProjectionWrite row[] = {{"case_view/W-0", std::string("{}")}};
  REQUIRE(store->WriteProjections(row).ok());
  CHECK(log_bytes() > 0);
  REQUIRE(store->Close().ok());
  // A later open (every CLI read beside it) replays nothing.
  CHECK(log_bytes() == 0);
  CHECK(Open(path)->Ledger().position == 400);
}

TEST_CASE("After reopening, heads come from the index and retries are checked against the log",
          "[store][rocksdb][idempotency]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto store = Open(path);
  // Populate's request i = 3: case/SX-0 version 2 at position 4.
  auto retry = MakeRequest("case/SX-0", "p3", 1);
  retry.events[0].data = boost::json::object{{"fine_fen", 1000003}, {"i", 3}};
  auto again = store->Append(retry);
  REQUIRE(again.ok());
  CHECK(again->already_applied);
  CHECK(again->first_position == 4);
  CHECK(again->last_version == 2);
  CHECK(again->last_hash == store->ReadEvent(4).value().hash);
  retry.events[0].data = boost::json::object{{"fine_fen", 9000003}, {"i", 3}};
  CHECK(store->Append(retry).status().code() == StatusCode::kAlreadyExists);

  auto head = store->Head("case/SX-0");
  REQUIRE(head.ok());
  CHECK(head->version == 4);
  CHECK(head->position == 10);
  CHECK(head->hash == store->ReadEvent(10).value().hash);
  auto next = store->Append(MakeRequest("case/SX-0", "p10", 1, ExpectedVersion::Exact(4)));
  REQUIRE(next.ok());
  CHECK(store->ReadEvent(next->first_position).value().prev_hash == head->hash);
  CHECK(store->VerifyChain().value().ok());
}

// The projection rebuild finds each aggregate's last event through the
// stream index alone (store/stream_end_probe.h): one iterator seeks for
// every stream, so a name that prefixes another must not be taken for it.
TEST_CASE("Stream ends read from the index are the heads' version and position",
          "[store][rocksdb]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto store = Open(path);
  for (const auto& [stream, count] : std::vector<std::pair<std::string, int>>{
           {"case/A", 3}, {"case/AB", 2}, {"case/B", 1}, {"case/A", 1}}) {
    REQUIRE(store->Append(MakeRequest(stream, fmt::format("e-{}-{}", stream, count), count)).ok());
  }
  auto index = internal::NewStreamEndReader(*store);
  auto heads = internal::NewHeadEndReader(*store);
  std::size_t found = 0;
  for (std::string stream : {"case/SX-2", "case/A", "case/SX-0", "case/AB", "case/B", "case/SX-1",
                             "case/AA", "case/", "case/C", "a", "case/SX-", "case/SX-00"}) {
    INFO(stream);
    auto from_index = index->Find(stream);
    auto from_head = heads->Find(stream);
    REQUIRE(from_index.ok());
    REQUIRE(from_head.ok());
    auto head = store->Head(stream);
    REQUIRE(from_index->has_value() == head.ok());
    REQUIRE(from_head->has_value() == head.ok());
    if (!head.ok()) {
      CHECK(head.status().code() == StatusCode::kNotFound);
      continue;
    }
    ++found;
    CHECK((*from_index)->version == head->version);
    CHECK((*from_index)->position == head->position);
    CHECK((*from_head)->version == head->version);
    CHECK((*from_head)->position == head->position);
  }
  CHECK(found == 6);
  CHECK(internal::NewStreamEndReader(*store)->Find("case/A").value()->version == 4);
  // A new reader sees what was appended since.
  REQUIRE(store->Append(MakeRequest("case/AB", "e-more", 2)).ok());
  auto after = internal::NewStreamEndReader(*store)->Find("case/AB");
  REQUIRE(after.ok());
  REQUIRE(after->has_value());
  CHECK((*after)->version == 4);
  CHECK((*after)->position == store->Ledger().position);
}

TEST_CASE("Opening errors map to stable codes", "[store][rocksdb]") {
  TempDir dir;
  const std::string path = Populate(dir);
  SECTION("a second writer is locked out") {
    auto first = Open(path);
    auto second = OpenRocksDbEventStore(StoreOptions{}, path);
    CHECK(second.status().code() == StatusCode::kUnavailable);
  }
  SECTION("an unknown format version is corruption") {
    {
      RawDb raw(path);
      raw.Put("meta", "format_version", "99");
    }
    CHECK(OpenRocksDbEventStore(StoreOptions{}, path).status().code() ==
          StatusCode::kCorruption);
  }
  SECTION("a store of format version 1 (with a heads family) is refused naming its version") {
    const std::string old = dir.Sub("v1");
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams", "heads", "commands", "meta"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, old, families, &handles, &raw).ok());
    REQUIRE(raw->Put(rocksdb::WriteOptions(), handles[5], "format_version", "1").ok());
    for (auto* h : handles) REQUIRE(raw->DestroyColumnFamilyHandle(h).ok());
    delete raw;
    auto opened = OpenRocksDbEventStore(StoreOptions{}, old);
    CHECK(opened.status().code() == StatusCode::kCorruption);
    CHECK(opened.status().message().find("version '1'") != std::string::npos);
  }
  SECTION("a path that is a file is an I/O error") {
    const std::string file = dir.Sub("plain-file");
    std::ofstream(file) << "not a database";
    CHECK(OpenRocksDbEventStore(StoreOptions{}, file).status().code() == StatusCode::kIOError);
  }
  SECTION("bad options are invalid arguments") {
    StoreOptions options;
    options.max_group_events = 0;
    CHECK(OpenRocksDbEventStore(options, dir.Sub("x")).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

// Files and their sizes under `path`, the secondary's temporary files aside.
std::map<std::string, std::uintmax_t> FilesUnder(const std::string& path) {
  std::map<std::string, std::uintmax_t> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) files[entry.path().string()] = entry.file_size();
  }
  return files;
}

TEST_CASE("A store whose creation was interrupted is named incomplete and never finished",
          "[store][rocksdb][open]") {
  TempDir dir;
  auto expect_incomplete = [](const std::string& path, std::string_view missing) {
    for (bool read_only : {true, false}) {
      StoreOptions options;
      options.read_only = read_only;
      options.create_if_missing = !read_only;
      auto opened = OpenRocksDbEventStore(options, path);
      INFO("read_only " << read_only << ": " << opened.status().ToString());
      REQUIRE(opened.status().code() == StatusCode::kFailedPrecondition);
      CHECK(opened.status().message().starts_with("incomplete store at '" + path + "'"));
      CHECK(opened.status().subject() == missing);
      CHECK(opened.status().message().find("Column family not found") == std::string::npos);
    }
  };
  SECTION("RocksDB's database made, zf's families not (only default)") {
    const std::string path = dir.Sub("bare");
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, path, &raw).ok());
    delete raw;
    const auto before = FilesUnder(path);
    expect_incomplete(path, "column families events, streams, commands, meta, projections");
    // The read-write open created none of them.
    std::vector<std::string> families;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
    CHECK(families == std::vector<std::string>{"default"});
    CHECK(FilesUnder(path) == before);
  }
  SECTION("some families made (the open died between two of them)") {
    const std::string path = dir.Sub("half");
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
    for (auto* h : handles) REQUIRE(raw->DestroyColumnFamilyHandle(h).ok());
    delete raw;
    expect_incomplete(path, "column families commands, meta, projections");
  }
  SECTION("every family made, the format version not written") {
    const std::string path = Populate(dir);
    {
      RawDb raw(path);
      raw.Delete("meta", std::string(internal::kFormatVersionKey));
    }
    expect_incomplete(path, "meta/format_version");
    // Not written again by the read-write open.
    RawDb raw(path);
    CHECK(raw.Dump()["meta"].count(std::string(internal::kFormatVersionKey)) == 0);
  }
  SECTION("RocksDB files without CURRENT") {
    const std::string path = Populate(dir);
    std::filesystem::remove(std::filesystem::path(path) / "CURRENT");
    expect_incomplete(path, "CURRENT");
  }
  SECTION("an empty directory: no store to read, a store to create") {
    const std::string path = dir.Sub("empty");
    std::filesystem::create_directories(path);
    StoreOptions read;
    read.read_only = true;
    CHECK(OpenRocksDbEventStore(read, path).status().code() == StatusCode::kNotFound);
    StoreOptions write;
    write.create_if_missing = false;
    CHECK(OpenRocksDbEventStore(write, path).status().code() == StatusCode::kNotFound);
    {
      auto created = OpenRocksDbEventStore(StoreOptions{}, path);
      REQUIRE(created.ok());
      REQUIRE((*created)->Append(MakeRequest("case/SX-1", "c1", 1)).ok());
    }
    RawDb raw(path);
    CHECK(raw.Get("meta", std::string(internal::kFormatVersionKey)) ==
          internal::kFormatVersion);
  }
}

TEST_CASE("8 threads x 1000 appends: dense positions, dense versions, nothing lost",
          "[store][rocksdb][concurrency]") {
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  constexpr int kThreads = 8, kPerThread = 1000, kStreams = 10;
  std::vector<std::vector<AppendResult>> acks(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store->Append(MakeRequest("load/" + std::to_string((t * 7 + i) % kStreams),
                                           fmt::format("t{}-{}", t, i), 1));
        if (r.ok()) acks[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::uint64_t> positions;
  for (const auto& list : acks) {
    REQUIRE(list.size() == kPerThread);  // every append acknowledged
    for (const auto& a : list) positions.insert(a.first_position);
  }
  REQUIRE(positions.size() == kThreads * kPerThread);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == kThreads * kPerThread);
  CHECK(store->Ledger().position == kThreads * kPerThread);

  std::uint64_t total = 0;
  for (int s = 0; s < kStreams; ++s) {
    auto cursor = store->ReadStream("load/" + std::to_string(s), 1, Direction::kForward);
    std::uint64_t expected = 1;
    for (; cursor->Valid(); cursor->Next(), ++expected) {
      REQUIRE(cursor->event().version == expected);
    }
    total += expected - 1;
  }
  CHECK(total == kThreads * kPerThread);
  for (const auto& list : acks) {
    for (const auto& a : list) {
      auto e = store->ReadEvent(a.first_position);
      REQUIRE(e.ok());
      CHECK(e->stream == a.stream);
      CHECK(e->version == a.first_version);
    }
  }
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Concurrent retries of the same commands apply each exactly once",
          "[store][rocksdb][concurrency][idempotency]") {
  // While one group is being written the next one is already planned, so a
  // retry can arrive while its original is in flight.
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  constexpr int kThreads = 6, kCommands = 300, kBatch = 20;
  std::vector<std::vector<AppendResult>> seen(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> failed = false;  // Catch2's assertions are not for other threads
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int begin = 0; begin < kCommands && !failed; begin += kBatch) {
        std::vector<AppendRequest> batch;
        for (int i = begin; i < begin + kBatch; ++i) {
          batch.push_back(MakeRequest("case/dup-" + std::to_string(i % 7), fmt::format("d{}", i), 2));
        }
        auto results = store->AppendBatch(batch);
        if (!results.ok()) {
          failed = true;
          return;
        }
        for (const auto& r : *results) {
          if (!r.ok()) {
            failed = true;
            return;
          }
          seen[t].push_back(*r);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE_FALSE(failed);
  CHECK(store->Ledger().position == 2 * kCommands);
  for (int i = 0; i < kCommands; ++i) {
    int applied = 0;
    for (int t = 0; t < kThreads; ++t) {
      CHECK(seen[t][i] == seen[0][i]);  // the same outcome for every caller
      applied += seen[t][i].already_applied ? 0 : 1;
    }
    CHECK(applied == 1);
  }
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Optimistic concurrency: racing writers on one stream all land exactly once",
          "[store][rocksdb][concurrency]") {
  TempDir dir;
  auto store = Open(dir.Sub("db"));
  constexpr int kThreads = 4, kPerThread = 50;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        for (;;) {
          auto head = store->Head("case/hot");
          const std::uint64_t v = head.ok() ? head->version : 0;
          auto r = store->Append(MakeRequest("case/hot", fmt::format("h{}-{}", t, i), 1,
                                             ExpectedVersion::Exact(v)));
          if (r.ok()) break;
          REQUIRE(r.status().code() == StatusCode::kConflict);
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(store->Head("case/hot").value().version == kThreads * kPerThread);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Tampering through the raw RocksDB API is detected and named", "[store][rocksdb][tamper]") {
  TempDir dir;
  const std::string path = Populate(dir);
  // Position 4 holds event 2 of case/SX-0 (i = 3).
  const std::string key = internal::PositionKey(4);

  SECTION("a changed byte") {
    {
      RawDb raw(path);
      std::string value = raw.Get("events", key);
      const auto at = value.find("1000003");
      REQUIRE(at != std::string::npos);
      value[at] = '9';  // the fine becomes 9000003 fen
      raw.Put("events", key, value);
    }
    auto report = Verify(path);
    CHECK_FALSE(report.ok());
    CHECK(HasFinding(report, ChainFinding::Kind::kHashMismatch, 4, "case/SX-0"));
    CHECK(report.findings.front().version == 2);
  }
  SECTION("a changed amount with the event hash recomputed") {
    {
      RawDb raw(path);
      std::string value = raw.Get("events", key);
      std::string canonical = value.substr(0, value.size() - 64);
      canonical[canonical.find("1000003")] = '9';
      const internal::Hash forged = internal::Sm3(canonical);
      raw.Put("events", key,
              canonical + std::string(reinterpret_cast<const char*>(forged.data()), 32) +
                  value.substr(value.size() - 32));
    }
    auto report = Verify(path);
    CHECK_FALSE(HasFinding(report, ChainFinding::Kind::kHashMismatch, 4));
    CHECK(HasFinding(report, ChainFinding::Kind::kLedgerMismatch, 4, "case/SX-0"));
    // The next event of the stream still points at the original hash.
    CHECK(HasFinding(report, ChainFinding::Kind::kPrevHashMismatch, 7, "case/SX-0"));
  }
  SECTION("a deleted event") {
    { RawDb(path).Delete("events", key); }
    auto report = Verify(path);
    CHECK(HasFinding(report, ChainFinding::Kind::kPositionGap, 4, "case/SX-0"));
    CHECK(HasFinding(report, ChainFinding::Kind::kVersionGap, 7, "case/SX-0"));
  }
  SECTION("a reordered pair") {
    {
      RawDb raw(path);
      const std::string a = raw.Get("events", key);
      const std::string b = raw.Get("events", internal::PositionKey(5));
      raw.Put("events", key, b);
      raw.Put("events", internal::PositionKey(5), a);
    }
    auto report = Verify(path);
    CHECK(HasFinding(report, ChainFinding::Kind::kPositionMismatch, 4, "case/SX-1"));
    CHECK(HasFinding(report, ChainFinding::Kind::kPositionMismatch, 5, "case/SX-0"));
  }
  SECTION("a truncated tail") {
    { RawDb(path).Delete("events", internal::PositionKey(10)); }
    auto report = Verify(path);
    CHECK(HasFinding(report, ChainFinding::Kind::kTruncated, 10));
    // The head of case/SX-0 still names the deleted event.
    CHECK(HasFinding(report, ChainFinding::Kind::kIndexMismatch, 10, "case/SX-0"));
  }
  SECTION("a removed stream index entry") {
    { RawDb(path).Delete("streams", internal::StreamIndexKey("case/SX-1", 2)); }
    auto report = Verify(path);
    CHECK(HasFinding(report, ChainFinding::Kind::kIndexMismatch, 5, "case/SX-1"));
  }
  SECTION("a forged stream index entry past the stream's end") {
    // The head of a stream is its last index entry: one naming another
    // stream's event must neither verify nor be chained to.
    { RawDb(path).Put("streams", internal::StreamIndexKey("case/SX-1", 4), internal::PositionKey(9)); }
    auto report = Verify(path);
    CHECK(HasFinding(report, ChainFinding::Kind::kIndexMismatch, 9, "case/SX-1"));
    auto store = Open(path);
    CHECK(store->Head("case/SX-1").status().code() == StatusCode::kCorruption);
    CHECK(store->Append(MakeRequest("case/SX-1", "after", 1)).status().code() ==
          StatusCode::kCorruption);
    CHECK(store->Ledger().position == 10);
  }
  SECTION("a range check anchors on the event before the range") {
    { RawDb(path).Delete("events", key); }
    auto store = Open(path);
    VerifyOptions later;
    later.from_position = 8;  // events 8..10 all chain to events still present
    CHECK(store->VerifyChain(later).value().ok());
    // Position 7 (case/SX-0 v3) cannot be anchored: its predecessor is gone.
    later.from_position = 6;
    CHECK(HasFinding(store->VerifyChain(later).value(), ChainFinding::Kind::kVersionGap, 7,
                     "case/SX-0"));
    VerifyOptions covering;
    covering.from_position = 3;
    covering.to_position = 5;
    CHECK(HasFinding(store->VerifyChain(covering).value(), ChainFinding::Kind::kPositionGap, 4));
  }
}

// The chain check hashes the events of a batch of 64 together (Sm3Many),
// each ledger step from the ledger hash stored before it: a tampered event
// on either side of a batch's edge is named exactly as one inside it.
TEST_CASE("Tampering at the edges of the chain check's hashing batches is named exactly",
          "[store][rocksdb][tamper]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = Open(path);
    for (int i = 0; i < 200; ++i) {
      auto r = MakeRequest("case/SX-" + std::to_string(i % 7), "b" + std::to_string(i), 1);
      r.events[0].data = boost::json::object{{"fine_fen", 5000000 + i}, {"i", i}};
      REQUIRE(store->Append(r).ok());
    }
  }
  std::vector<std::pair<ChainFinding::Kind, std::uint64_t>> want;
  {
    RawDb raw(path);
    // A changed byte: the content no longer hashes to the stored hash.
    for (std::uint64_t position : {1, 63, 64, 65, 128, 129, 200}) {
      const std::string key = internal::PositionKey(position);
      std::string value = raw.Get("events", key);
      const auto at = value.find(std::to_string(5000000 + position - 1));
      REQUIRE(at != std::string::npos);
      value[at] = '9';
      raw.Put("events", key, value);
      want.emplace_back(ChainFinding::Kind::kHashMismatch, position);
    }
    // A stored ledger hash replaced: that event, and the next one, whose
    // step starts from the replaced hash, are named.
    for (std::uint64_t position : {96, 192}) {
      const std::string key = internal::PositionKey(position);
      std::string value = raw.Get("events", key);
      value.replace(value.size() - 32, 32, std::string(32, '\x5a'));
      raw.Put("events", key, value);
      want.emplace_back(ChainFinding::Kind::kLedgerMismatch, position);
      want.emplace_back(ChainFinding::Kind::kLedgerMismatch, position + 1);
    }
  }
  std::sort(want.begin(), want.end());
  ChainReport report = Verify(path);
  std::vector<std::pair<ChainFinding::Kind, std::uint64_t>> got;
  for (const ChainFinding& f : report.findings) got.emplace_back(f.kind, f.position);
  std::sort(got.begin(), got.end());
  CHECK(got == want);
  CHECK(report.events_checked == 200);
}

namespace {

// Right for every message but those 100 bytes and longer, whose first
// digest byte it flips: a multi-buffer SM3 wrong for some lengths.
void WrongForLongMessages(std::span<const std::string_view> messages,
                          std::span<internal::Sm3Digest> digests) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    digests[i] = internal::Sm3(messages[i]);
    if (messages[i].size() >= 100) digests[i][0] ^= 1;
  }
}

}  // namespace

// The check hashes with the multi-buffer SM3 the append path uses too; one
// event of each batch is hashed again with OpenSSL, so a shared bug is an
// error, never a verified log.
TEST_CASE("The chain check does not rest on the multi-buffer SM3 alone",
          "[store][rocksdb][tamper]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto store = Open(path);
  REQUIRE(store->VerifyChain().value().ok());
  const internal::ChainSm3Many real = internal::SetChainSm3ManyForTesting(&WrongForLongMessages);
  auto wrong = store->VerifyChain();
  internal::SetChainSm3ManyForTesting(real);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kInternal);
  CHECK(wrong.status().message().find("OpenSSL") != std::string::npos);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Backup then restore round-trips", "[store][rocksdb][backup]") {
  TempDir dir;
  const std::string path = Populate(dir);
  const std::string backup = dir.Sub("backup");
  LedgerHead at_backup;
  {
    auto store = Open(path);
    at_backup = store->Ledger();
    REQUIRE(store->Backup(backup).ok());
    CHECK(store->Backup(backup).code() == StatusCode::kAlreadyExists);
    REQUIRE(store->Append(MakeRequest("case/after", "late", 2)).ok());
  }
  {
    auto copy = Open(backup, /*read_only=*/true);
    CHECK(copy->Ledger().position == at_backup.position);
    CHECK(copy->Ledger().ledger_hash == at_backup.ledger_hash);
    CHECK(copy->Head("case/after").status().code() == StatusCode::kNotFound);
    CHECK(copy->VerifyChain().value().ok());
    CHECK(copy->Append(MakeRequest("case/x", "ro", 1)).status().code() ==
          StatusCode::kFailedPrecondition);
  }
  // Restore: open the copy read-write and carry on from where it stood.
  auto restored = Open(backup);
  auto r = restored->Append(MakeRequest("case/after", "late", 1));
  REQUIRE(r.ok());
  CHECK(r->first_position == at_backup.position + 1);
  CHECK(restored->VerifyChain().value().ok());
}

namespace {

// Every file under `path` with its size and modification time.
std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> Files(
    const std::string& path) {
  std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (!entry.is_regular_file()) continue;
    files[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
  }
  return files;
}

std::vector<std::string> StreamHashes(const EventStore& store, std::string_view stream) {
  std::vector<std::string> hashes;
  for (auto c = store.ReadStream(stream, 1, Direction::kForward); c->Valid(); c->Next()) {
    hashes.push_back(c->event().hash);
  }
  return hashes;
}

}  // namespace

TEST_CASE("A read-only open reads beside the writer that holds the store and writes nothing",
          "[store][rocksdb][read_only]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto writer = Open(path);
  // These are only in the writer's write-ahead log and memtables.
  REQUIRE(writer->Append(MakeRequest("case/SX-0", "late-1", 3)).ok());
  REQUIRE(writer->Append(MakeRequest("case/new", "late-2", 2)).ok());
  CHECK(OpenRocksDbEventStore(StoreOptions{}, path).status().code() == StatusCode::kUnavailable);

  StoreOptions options;
  options.read_only = true;
  options.secondary_directory = dir.Sub("secondary");
  {
    auto reader = OpenRocksDbEventStore(options, path);
    REQUIRE(reader.ok());
    CHECK((*reader)->read_only());
    CHECK((*reader)->Ledger().position == writer->Ledger().position);
    CHECK((*reader)->Ledger().ledger_hash == writer->Ledger().ledger_hash);
    CHECK(StreamHashes(**reader, "case/SX-0") == StreamHashes(*writer, "case/SX-0"));
    CHECK(StreamHashes(**reader, "case/SX-0").size() == 7);
    CHECK((*reader)->Head("case/new").value().version == 2);
    CHECK((*reader)->FindCommand("late-1").ok());
    auto report = (*reader)->VerifyChain();
    REQUIRE(report.ok());
    CHECK(report->ok());
    CHECK(report->events_checked == writer->Ledger().position);
    CHECK((*reader)->Append(MakeRequest("case/x", "ro", 1)).status().code() ==
          StatusCode::kFailedPrecondition);
    const ProjectionWrite row{"case_view/x", std::string("{}")};
    CHECK((*reader)->WriteProjections(std::span(&row, 1)).code() ==
          StatusCode::kFailedPrecondition);
    CHECK((*reader)->SetServingAddress("http://x").code() == StatusCode::kFailedPrecondition);

    // The reader keeps the state it opened on: consistent, if not the latest.
    const LedgerHead seen = (*reader)->Ledger();
    REQUIRE(writer->Append(MakeRequest("case/newer", "late-3", 1)).ok());
    CHECK((*reader)->Ledger().position == seen.position);
    CHECK((*reader)->Head("case/newer").status().code() == StatusCode::kNotFound);
    CHECK((*reader)->VerifyChain().value().events_checked == seen.position);
    auto second = OpenRocksDbEventStore(options, path);
    REQUIRE(second.ok());
    CHECK((*second)->Ledger().position == seen.position + 1);
  }
  CHECK(std::filesystem::exists(dir.Sub("secondary")));  // the caller's: kept

  // With the writer gone (its background flushes and compactions change
  // files), a reader adds, removes and rewrites nothing in the store.
  writer.reset();
  const auto before = Files(path);
  {
    auto reader = OpenRocksDbEventStore(StoreOptions{.read_only = true}, path);
    REQUIRE(reader.ok());
    CHECK((*reader)->VerifyChain().value().ok());
    CHECK(StreamHashes(**reader, "case/newer").size() == 1);
  }
  CHECK(Files(path) == before);
}

TEST_CASE("A read-only open made while the writer appends always reads a whole, verified prefix",
          "[store][rocksdb][read_only]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto writer = Open(path);
  std::atomic<bool> done = false, failed = false;
  std::atomic<int> batches = 0;
  // About 100 MB of events: the writer flushes memtables and deletes the
  // write-ahead logs they pinned while readers open, so a reader meets
  // files that disappear under it as well as a WAL record being written.
  const std::string padding(2000, 'x');
  std::thread appender([&] {
    std::vector<AppendRequest> batch;
    for (int b = 0; b < 250; ++b) {
      batch.clear();
      // Large batches go through the pipelined parts (AppendInParts) too.
      const int requests = b % 4 == 0 ? 600 : 100;
      for (int i = 0; i < requests; ++i) {
        batch.push_back(
            MakeRequest(fmt::format("case/W-{}", i % 7), fmt::format("w{}-{}", b, i), 1));
        batch.back().events[0].data = boost::json::object{{"padding", padding}, {"i", i}};
      }
      // (Catch2's assertions are not for other threads.)
      if (!writer->AppendBatch(batch).ok()) {
        failed = true;
        break;
      }
      ++batches;
    }
    done = true;
  });
  StoreOptions options;
  options.read_only = true;
  std::uint64_t last = 0;
  int rounds = 0;
  for (; !done || rounds == 0; ++rounds) {
    auto reader = OpenRocksDbEventStore(options, path);
    REQUIRE(reader.ok());
    auto report = (*reader)->VerifyChain(VerifyOptions{.check_indexes = rounds % 4 == 0});
    REQUIRE(report.ok());
    for (const auto& finding : report->findings) {
      UNSCOPED_INFO(fmt::format("round {}: {} at {} ({} v{}): {}", rounds,
                                ChainFindingKindName(finding.kind), finding.position,
                                finding.stream, finding.version, finding.detail));
    }
    CHECK(report->findings.empty());
    CHECK(report->events_checked == (*reader)->Ledger().position);
    CHECK((*reader)->Ledger().position >= last);
    last = (*reader)->Ledger().position;
  }
  appender.join();
  CHECK_FALSE(failed);
  CHECK(batches == 250);
}

TEST_CASE("A held store is backed up through a read-only open, and the copy verifies and restores",
          "[store][rocksdb][read_only][backup]") {
  TempDir dir;
  const std::string path = Populate(dir);
  auto writer = Open(path);
  REQUIRE(writer->Append(MakeRequest("case/SX-1", "unflushed", 2)).ok());
  const LedgerHead held = writer->Ledger();
  StoreOptions options;
  options.read_only = true;
  const std::string backup = dir.Sub("backup");
  {
    auto reader = OpenRocksDbEventStore(options, path);
    REQUIRE(reader.ok());
    REQUIRE((*reader)->Backup(backup).ok());
    CHECK((*reader)->Backup(backup).code() == StatusCode::kAlreadyExists);
  }
  REQUIRE(writer->Append(MakeRequest("case/after", "after", 1)).ok());
  {
    auto copy = OpenRocksDbEventStore(options, backup);
    REQUIRE(copy.ok());
    CHECK((*copy)->Ledger().position == held.position);
    CHECK((*copy)->Ledger().ledger_hash == held.ledger_hash);
    CHECK((*copy)->FindCommand("unflushed").ok());
    CHECK((*copy)->VerifyChain().value().ok());
  }
  auto restored = Open(backup);
  auto r = restored->Append(MakeRequest("case/after", "after", 1));
  REQUIRE(r.ok());
  CHECK(r->first_position == held.position + 1);
  CHECK(restored->VerifyChain().value().ok());
}

TEST_CASE("The holder file names the writer while it holds the store and a stale one is ignored",
          "[store][rocksdb][read_only]") {
  TempDir dir;
  const std::string path = Populate(dir);
  const std::string file = (std::filesystem::path(path) / std::string(kStoreHolderFile)).string();
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK_FALSE(ReadStoreHolder(path).has_value());
  {
    auto writer = Open(path);
    auto holder = ReadStoreHolder(path);
    REQUIRE(holder.has_value());
    CHECK(holder->pid == ::getpid());
    CHECK(holder->address.empty());
    CHECK_FALSE(holder->since.empty());
    REQUIRE(writer->SetServingAddress("http://127.0.0.1:8080").ok());
    CHECK(ReadStoreHolder(path)->address == "http://127.0.0.1:8080");
    CHECK(ReadStoreHolder(path)->since == holder->since);
    // A read-only open leaves it alone.
    StoreOptions options;
    options.read_only = true;
    { REQUIRE(OpenRocksDbEventStore(options, path).ok()); }
    CHECK(ReadStoreHolder(path)->address == "http://127.0.0.1:8080");
  }
  CHECK_FALSE(std::filesystem::exists(file));

  // A file left by a process that is gone: no holder, and no obstacle.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  std::ofstream(file) << fmt::format(R"({{"pid":{},"address":"http://127.0.0.1:1","since":"x"}})",
                                     child)
                      << '\n';
  CHECK_FALSE(ReadStoreHolder(path).has_value());
  auto writer = Open(path);
  CHECK(ReadStoreHolder(path)->pid == ::getpid());
  CHECK(writer->Append(MakeRequest("case/SX-2", "after-stale", 1)).ok());
}

#ifdef ZF_CRASH_CHILD_PATH
TEST_CASE("SIGKILL mid-append loses no acknowledged event and leaves no partial batch",
          "[store][rocksdb][crash]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  std::mt19937 rng(std::random_device{}());
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string, std::uint64_t>> acked;
  // Created here, not by the first child: a kill that lands while a child
  // creates the store leaves it incomplete, which no later open finishes
  // (by design), and on a loaded machine the first kill can come that
  // early (seen: the next child exits "incomplete store" instead of being
  // killed). This test is about appends.
  { Open(path); }
  // Four rounds, and more (up to twelve) while fewer than 11 appends were
  // acknowledged: a loaded machine starts the child slowly, and the kill
  // comes after a fixed time.
  for (int round = 0; round < 4 || (acked.size() <= 10 && round < 12); ++round) {
    // Round 1: large batches, written as a pipeline of parts. Everything
    // the child printed was acknowledged before the kill.
    std::istringstream lines(zf::testing::OutputUntilKilled(
        ZF_CRASH_CHILD_PATH,
        {path, round == 1 ? "2" : "4", round == 1 ? "batch" : "single"},
        std::chrono::milliseconds((round == 1 ? 600 : 150) + rng() % 600)));
    std::string word, stream;
    std::uint64_t first, last, version;
    while (lines >> word >> first >> last >> stream >> version) {
      if (word == "ack") acked.emplace_back(first, last, stream, version);
    }
  }
  REQUIRE(acked.size() > 10);

  auto store = Open(path);
  for (const auto& [first, last, stream, version] : acked) {
    auto e = store->ReadEvent(last);
    REQUIRE(e.ok());
    CHECK(e->stream == stream);
    CHECK(e->version == version);
    CHECK(store->ReadEvent(first).ok());
  }
  // Every stored command is whole: events k = 0..n-1 where n = 1 + i % 3.
  std::map<std::string, std::vector<std::int64_t>> by_command;
  auto cursor = store->ReadAll(1);
  for (; cursor->Valid(); cursor->Next()) {
    by_command[cursor->event().command_id].push_back(
        cursor->event().data.at("k").as_int64());
  }
  REQUIRE(cursor->status().ok());
  for (const auto& [command, ks] : by_command) {
    INFO(command);
    const auto i = std::stoll(command.substr(command.find('-', 6) + 1));
    REQUIRE(ks.size() == static_cast<std::size_t>(1 + i % 3));
    for (std::size_t k = 0; k < ks.size(); ++k) CHECK(ks[k] == static_cast<std::int64_t>(k));
  }
  CHECK(store->VerifyChain().value().ok());
}
#endif

namespace {

// Every key and value of every column family, as plain RocksDB reads them.
std::map<std::string, std::map<std::string, std::string>> DumpFamilies(const std::string& path) {
  return zf::testing::RawDb(path).Dump();
}

// A printable summary of a batch's outcome, to compare two stores' answers.
std::vector<std::string> Outcomes(const Result<std::vector<Result<AppendResult>>>& results) {
  if (!results.ok()) return {results.status().ToString()};
  std::vector<std::string> out;
  for (const auto& r : *results) {
    out.push_back(r.ok() ? fmt::format("{} v{}-{} p{}-{} {} {}", r->stream, r->first_version,
                                       r->last_version, r->first_position, r->last_position,
                                       r->last_hash, r->already_applied)
                         : r.status().ToString());
  }
  return out;
}

// Command c of the helper tests: 1-3 events on one of 40 streams, now and
// then with an expected version that conflicts.
AppendRequest HelperTestRequest(int c) {
  auto r = MakeRequest(fmt::format("case/S-{}", (c * 7) % 40), fmt::format("cmd-{}", c), 1 + c % 3,
                       c % 23 == 5 ? ExpectedVersion::Exact(c % 5) : ExpectedVersion::Any());
  for (std::size_t k = 0; k < r.events.size(); ++k) {
    r.events[k].data = boost::json::object{{"cmd", c}, {"k", k}};
  }
  return r;
}

// A batch of `size` requests: new commands, and now and then a retry of an
// earlier one (often of the same batch; sometimes with other events, which
// must be refused).
std::vector<AppendRequest> HelperTestBatch(std::mt19937_64& rng, int* command, int size) {
  std::vector<AppendRequest> batch;
  for (int i = 0; i < size; ++i) {
    if (*command > 0 && rng() % 8 == 0) {
      const int prior = *command - 1 - static_cast<int>(rng() % std::min(*command, 200));
      auto r = HelperTestRequest(prior);
      if (rng() % 4 == 0) r.events[0].data = boost::json::object{{"changed", true}};
      batch.push_back(std::move(r));
    } else {
      batch.push_back(HelperTestRequest((*command)++));
    }
  }
  return batch;
}

// A store at `path` on a shared fake clock (so that two stores record the
// same recorded_at) with `helpers` append helpers.
std::unique_ptr<EventStore> OpenWithHelpers(const std::string& path,
                                            std::shared_ptr<zf::testing::FakeClock> clock,
                                            std::size_t helpers) {
  StoreOptions options;
  options.clock = std::move(clock);
  options.append_helpers = helpers;
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::move(*store);
}

// Both stores hold the same bytes in every family.
void CheckSameFamilies(const std::string& a_dir, const std::string& b_dir) {
  const auto a = DumpFamilies(a_dir);
  const auto b = DumpFamilies(b_dir);
  REQUIRE(a.at("events").size() > 1000);
  CHECK(a.at("events") == b.at("events"));
  CHECK(a.at("streams") == b.at("streams"));
  CHECK(a.at("commands") == b.at("commands"));
  CHECK(a.at("meta") == b.at("meta"));
}

}  // namespace

TEST_CASE("Appends planned on helper threads store the same bytes as appends planned alone",
          "[store][rocksdb][helpers]") {
  TempDir dir;
  auto clock = std::make_shared<zf::testing::FakeClock>();
  auto open = [&](const std::string& name, std::size_t helpers) {
    return OpenWithHelpers(dir.Sub(name), clock, helpers);
  };
  auto alone = open("alone", 0);
  auto helped = open("helped", 3);

  // Batches large enough for the helpers: many streams, several events per
  // stream and per request, streams that already exist, retries of commands
  // of the same batch and of earlier ones, conflicts, and atomic batches that
  // fail halfway and roll back.
  std::mt19937_64 rng(7);
  int command = 0;
  for (int round = 0; round < 12; ++round) {
    std::vector<AppendRequest> batch = HelperTestBatch(rng, &command, 150);
    AppendOptions options;
    options.mode = round % 4 == 3 ? BatchMode::kAtomic
                   : round % 4 == 2 ? BatchMode::kStopAtFirstFailure
                                    : BatchMode::kIndependent;
    auto a = alone->AppendBatch(batch, options);
    auto h = helped->AppendBatch(batch, options);
    REQUIRE(Outcomes(a) == Outcomes(h));
  }
  REQUIRE(alone->Ledger().position > 1000);
  CHECK(alone->Ledger().position == helped->Ledger().position);
  CHECK(alone->Ledger().ledger_hash == helped->Ledger().ledger_hash);
  CHECK(alone->VerifyChain().value().ok());
  CHECK(helped->VerifyChain().value().ok());
  REQUIRE(alone->Close().ok());
  REQUIRE(helped->Close().ok());
  CheckSameFamilies(dir.Sub("alone"), dir.Sub("helped"));
}

TEST_CASE("Large batches written in parts store the same bytes as one write",
          "[store][rocksdb][helpers][parts]") {
  // 400 requests (≈ 800 events) in kIndependent mode go through the
  // pipeline of parts when the store has helpers; the store without helpers
  // writes each batch at once.
  TempDir dir;
  auto clock = std::make_shared<zf::testing::FakeClock>();
  auto open = [&](const std::string& name, std::size_t helpers) {
    return OpenWithHelpers(dir.Sub(name), clock, helpers);
  };
  auto alone = open("alone", 0);
  auto parts = open("parts", 1);
  std::mt19937_64 rng(11);
  int command = 0;
  for (int round = 0; round < 6; ++round) {
    std::vector<AppendRequest> batch = HelperTestBatch(rng, &command, 400);
    if (round == 3) {
      // The last part refuses every request: its write of the unchanged
      // ledger head is what makes the earlier parts durable.
      for (std::size_t i = batch.size() - 150; i < batch.size(); ++i) {
        batch[i] = MakeRequest(fmt::format("case/S-{}", i % 40), fmt::format("late-{}", i), 1,
                               ExpectedVersion::Exact(999));
      }
    }
    auto a = alone->AppendBatch(batch, AppendOptions{});
    auto p = parts->AppendBatch(batch, AppendOptions{});
    REQUIRE(Outcomes(a) == Outcomes(p));
    // Acknowledged means durable and visible: the ledger moved to the end.
    CHECK(parts->Ledger().position == alone->Ledger().position);
  }
  REQUIRE(alone->Ledger().position > 2000);
  CHECK(alone->Ledger().ledger_hash == parts->Ledger().ledger_hash);
  CHECK(parts->VerifyChain().value().ok());
  REQUIRE(alone->Close().ok());
  REQUIRE(parts->Close().ok());
  CheckSameFamilies(dir.Sub("alone"), dir.Sub("parts"));
}

TEST_CASE("Concurrent batches with helper threads: every event once, chains intact",
          "[store][rocksdb][helpers][concurrency]") {
  // Callers contend for the pool (a caller that finds it busy works alone)
  // while leaders seal groups on it.
  TempDir dir;
  StoreOptions options;
  options.append_helpers = 2;
  auto opened = OpenRocksDbEventStore(options, dir.Sub("db"));
  REQUIRE(opened.ok());
  auto store = std::move(*opened);
  constexpr int kThreads = 4, kBatches = 10, kPerBatch = 100, kStreams = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<AppendRequest> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          batch.push_back(MakeRequest(fmt::format("load/{}", (t + b * 7 + i) % kStreams),
                                      fmt::format("t{}-b{}-{}", t, b, i), 1 + i % 2));
        }
        auto results = store->AppendBatch(batch, AppendOptions{});
        if (!results.ok()) {
          ++failures;
          continue;
        }
        for (const auto& r : *results) failures += r.ok() ? 0 : 1;
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failures == 0);
  const std::uint64_t expected = kThreads * kBatches * (kPerBatch / 2) * 3;  // 1 or 2 events
  CHECK(store->Ledger().position == expected);
  std::uint64_t total = 0;
  for (int s = 0; s < kStreams; ++s) {
    auto head = store->Head(fmt::format("load/{}", s));
    REQUIRE(head.ok());
    total += head->version;
  }
  CHECK(total == expected);
  auto report = store->VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked == expected);
}

namespace {

// Everything a reader can read of `store`, as text.
std::string EverythingRead(const EventStore& store) {
  std::string all;
  for (auto c = store.ReadAll(1); c->Valid(); c->Next()) {
    const EventRecord& e = c->event();
    all += fmt::format("{} {} {} {} {}\n", e.position, e.stream, e.version, e.command_id, e.hash);
  }
  for (int s = 0; s < 3; ++s) {
    auto head = store.Head("case/SX-" + std::to_string(s));
    REQUIRE(head.ok());
    all += fmt::format("head {} {}\n", head->version, head->hash);
  }
  for (int i = 0; i < 4000; i += 97) {
    auto found = store.FindCommand("od" + std::to_string(i));
    REQUIRE(found.ok());
    auto row = store.ReadProjection("row/" + std::to_string(i));
    REQUIRE(row.ok());
    REQUIRE(row->has_value());
    all += fmt::format("{} {} {}\n", i, found->first_position, **row);
  }
  return all;
}

}  // namespace

TEST_CASE("Index blocks read on demand answer every read as blocks read at the open",
          "[store][rocksdb]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto writer = Open(path);
    for (int i = 0; i < 4000; ++i) {
      auto r = MakeRequest("case/SX-" + std::to_string(i % 3), "od" + std::to_string(i), 1);
      const std::vector<ProjectionWrite> row = {{"row/" + std::to_string(i), std::to_string(i * i)}};
      REQUIRE(writer->AppendBatch(std::span(&r, 1), AppendOptions{.projections = row}).ok());
    }
  }
  // The reads below go to table files (the close flushed the memtables).
  std::size_t tables = 0;
  for (const auto& f : std::filesystem::directory_iterator(path)) {
    tables += f.path().extension() == ".sst";
  }
  REQUIRE(tables > 0);
  auto at_open = Open(path, /*read_only=*/true);
  StoreOptions options;
  options.read_only = true;
  options.index_blocks_on_demand = true;
  auto on_demand = OpenRocksDbEventStore(options, path);
  REQUIRE(on_demand.ok());
  const std::string want = EverythingRead(*at_open);
  CHECK(want.size() > 4000 * 20);
  CHECK(EverythingRead(**on_demand) == want);
}

// StoreOptions::cache_event_reads: point reads of events put their blocks
// into the block cache, or leave them out (lib/src/store/
// rocksdb_event_store.cc, EventReads); a short reader with index blocks on
// demand always fills it.
TEST_CASE("Stream reads fill the block cache with event blocks as cache_event_reads says",
          "[store][rocksdb]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  constexpr int kStreams = 50, kEvents = 1000;
  {
    auto writer = Open(path);
    for (int i = 0; i < kEvents; ++i) {
      auto r = MakeRequest(fmt::format("case/SX-{}", i % kStreams), fmt::format("fc{}", i), 1);
      r.events[0].data = boost::json::object{{"note", std::string(1500, 'x')}, {"i", i}};
      REQUIRE(writer->Append(r).ok());
    }
  }  // the close flushes: the reads below go to table files
  const std::uint64_t event_bytes = kEvents * 1500;
  const auto read_everything = [](const EventStore& store) {
    std::size_t events = 0;
    for (int s = 0; s < kStreams; ++s) {
      auto cursor = store.ReadStream(fmt::format("case/SX-{}", s), 1, Direction::kForward);
      for (; cursor->Valid(); cursor->Next()) ++events;
      REQUIRE(cursor->status().ok());
    }
    CHECK(store.ReadEvent(kEvents / 2).ok());
    return events;
  };
  using Setting = std::pair<bool, bool>;  // cache_event_reads, index_blocks_on_demand
  for (const auto& [cache_event_reads, on_demand] :
       std::initializer_list<Setting>{{true, false}, {false, false}, {false, true}}) {
    CAPTURE(cache_event_reads, on_demand);
    StoreOptions options;
    options.read_only = true;
    options.cache_event_reads = cache_event_reads;
    options.index_blocks_on_demand = on_demand;
    auto store = OpenRocksDbEventStore(options, path);
    REQUIRE(store.ok());
    // Where nothing would ever put an event block into the cache, reads do
    // not look there either.
    CHECK(internal::RocksDbEventsUseBlockCache(**store) == (cache_event_reads || on_demand));
    const std::uint64_t before = internal::RocksDbBlockCacheUsage(**store);
    REQUIRE(read_everything(**store) == kEvents);
    const std::uint64_t filled = internal::RocksDbBlockCacheUsage(**store) - before;
    if (cache_event_reads || on_demand) {
      CHECK(filled >= event_bytes);
    } else {
      // The stream index's blocks only: far less than one event per block.
      CHECK(filled < event_bytes / 10);
    }
  }
}

// Table files keep a full key at every 16th index entry only, so that the
// index blocks every table reader holds for the whole open stay small
// (lib/src/store/rocksdb_event_store.cc, FamilyOptions). Measured on this
// test's store: with a full key at every entry, 19.8 bytes of index per
// data block of the events family and 34.8 per block of the commands
// family; with one in 16, 5.0 and 7.4. The bounds sit between.
TEST_CASE("Table files hold small index blocks: a full key at every 16th entry",
          "[store][rocksdb]") {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto writer = Open(path);
    for (int i = 0; i < 6000; ++i) {
      auto r = MakeRequest(fmt::format("case/SX-{}", i % 40),
                           fmt::format("command-SX-2024-{:08d}", i), 1);
      r.events[0].data = boost::json::object{{"note", std::string(1200, 'n')}, {"i", i}};
      REQUIRE(writer->Append(r).ok());
    }
  }  // the close flushes every family into table files
  RawDb raw(path, /*read_only=*/true);
  const auto per_block = [&](const std::string& family) {
    const auto [index, blocks] = raw.IndexBytesAndDataBlocks(family);
    CAPTURE(family, index, blocks);
    REQUIRE(blocks >= 100);  // enough blocks for the average to mean something
    return static_cast<double>(index) / static_cast<double>(blocks);
  };
  CHECK(per_block("events") < 10.0);
  CHECK(per_block("commands") < 15.0);
}

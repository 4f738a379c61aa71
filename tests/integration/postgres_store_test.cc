// The PostgreSQL store specifically: the same bytes and ledger as RocksDB,
// bad conditions (server unreachable, the connection lost before or at the
// commit), live subscriptions across store
// objects through LISTEN/NOTIFY, several writers (and engines) on one
// database, read-only opens. Hidden ([.]): ctest runs
// them as pg.store_postgres, with the test cluster (pg_test_support.h).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>
#include <utility>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "store/pg_connection.h"
#include "store/postgres_testing.h"
#include "support/engine_fixtures.h"
#include "support/pg_test_support.h"
#include "support/test_support.h"
#include "zf/audit.h"
#include "zf/engine.h"
#include "zf/event_store.h"
#include "zf/store_location.h"

using namespace zf;
using zf::testing::MakeRequest;
using zf::testing::TempDir;

namespace {

// Skips (exit 77) without a cluster, as the conformance tests do.
std::string ClusterUrl() {
  REQUIRE(zf::testing::StoreKinds() == std::vector<std::string>{"postgresql"});
  return zf::testing::TestPostgresUrl();
}

std::unique_ptr<EventStore> OpenPg(const std::string& url, StoreOptions options = {}) {
  auto store = OpenPostgresEventStore(options, url);
  REQUIRE(store.ok());
  return std::move(*store);
}

// Ends the server session of `pid`, as a network failure or a server
// restart would, from a connection of its own.
void Terminate(const std::string& url, int pid) {
  REQUIRE(pid != 0);
  auto admin = internal::PgConnection::Connect(url);
  REQUIRE(admin.ok());
  auto done = (*admin)->Exec("SELECT pg_terminate_backend($1)",
                             {internal::PgParam::Int(static_cast<std::uint64_t>(pid))});
  REQUIRE(done.ok());
  // pg_terminate_backend returns once signalled; wait until it is gone.
  for (int i = 0; i < 200; ++i) {
    auto alive = (*admin)->Exec("SELECT 1 FROM pg_stat_activity WHERE pid = $1",
                                {internal::PgParam::Int(static_cast<std::uint64_t>(pid))});
    REQUIRE(alive.ok());
    if (alive->rows() == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("the writer's session did not end");
}

std::vector<EventRecord> All(const EventStore& store) {
  std::vector<EventRecord> out;
  auto cursor = store.ReadAll(1);
  for (; cursor->Valid(); cursor->Next()) out.push_back(cursor->event());
  REQUIRE(cursor->status().ok());
  return out;
}

}  // namespace

TEST_CASE("The PostgreSQL store stores the bytes and the ledger RocksDB stores",
          "[.][pg][store]") {
  ClusterUrl();
  TempDir dir;
  auto clock = std::make_shared<zf::testing::FakeClock>();
  auto rocks = zf::testing::OpenStore("rocksdb", dir, clock);
  auto pg = zf::testing::OpenStore("postgresql", dir, clock);
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 40; ++i) {
    AppendRequest r = MakeRequest(fmt::format("case/SX-{}", i % 7), fmt::format("c{}", i), 1 + i % 3);
    r.events[0].data = boost::json::object{{"fine_fen", 1000000 + i}, {"name", "沙县"}};
    r.command = fmt::format(R"({{"i":{}}})", i);
    batch.push_back(std::move(r));
  }
  for (EventStore* store : {rocks.get(), pg.get()}) {
    REQUIRE(store->Append(batch[0]).ok());
    clock->Advance(1000);
    auto results = store->AppendBatch(std::span<const AppendRequest>(batch).subspan(1),
                                      AppendOptions{.mode = BatchMode::kAtomic});
    REQUIRE(results.ok());
    clock->Advance(-1000);
  }
  CHECK(pg->Ledger().position == rocks->Ledger().position);
  CHECK(pg->Ledger().ledger_hash == rocks->Ledger().ledger_hash);
  const auto a = All(*rocks), b = All(*pg);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("position " << i + 1);
    // The hash covers every byte of the canonical envelope.
    CHECK(a[i].hash == b[i].hash);
    CHECK(a[i].recorded_at == b[i].recorded_at);
  }
  CHECK(pg->ReadCommand("c7")->command == rocks->ReadCommand("c7")->command);
  CHECK(pg->VerifyChain().value().ok());
}

TEST_CASE("An unreachable PostgreSQL server is a clear kUnavailable at the open, after a "
          "bounded retry",
          "[.][pg][store]") {
  ClusterUrl();
  // Port 1 on loopback: nothing listens there; refused at once, so the
  // time taken is the retry's.
  const auto start = std::chrono::steady_clock::now();
  auto store = OpenPostgresEventStore(
      StoreOptions{}, "postgresql://zf@127.0.0.1:1/zf_test?connect_timeout=3&zf_reconnect_timeout=1");
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(store.status().code() == StatusCode::kUnavailable);
  CHECK(store.status().message().find("cannot connect to the PostgreSQL store") !=
        std::string_view::npos);
  // 50, 100, 200, 400 ms apart: about five attempts fit in the second.
  CHECK(store.status().message().find("attempts in 1000 ms") != std::string_view::npos);
  CHECK(store.status().subject() == "db");
  CHECK(took >= std::chrono::milliseconds(700));
  CHECK(took < std::chrono::milliseconds(3000));
  // zf's parameter is not handed to libpq (which would refuse it).
  CHECK(store.status().message().find("zf_reconnect_timeout=") == std::string_view::npos);

  auto once = OpenPostgresEventStore(
      StoreOptions{}, "postgresql://zf@127.0.0.1:1/zf_test?zf_reconnect_timeout=0");
  REQUIRE(once.status().code() == StatusCode::kUnavailable);
  CHECK(once.status().message().find("gave up after 1 attempt in 0 ms") != std::string_view::npos);

  for (const char* bad : {"zf_reconnect_timeout=", "zf_reconnect_timeout=ten",
                          "zf_reconnect_timeout=-1", "zf_reconnect_timeout=3601"}) {
    INFO(bad);
    auto refused =
        OpenPostgresEventStore(StoreOptions{}, std::string("postgresql://zf@127.0.0.1:1/x?") + bad);
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
    CHECK(refused.status().subject() == "zf_reconnect_timeout");
    CHECK(refused.status().message().find("from 0 to 3600") != std::string_view::npos);
  }
  auto unknown =
      OpenPostgresEventStore(StoreOptions{}, "postgresql://zf@127.0.0.1:1/x?zf_retry=3");
  CHECK(unknown.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown.status().subject() == "zf_retry");

  auto not_a_url = OpenPostgresEventStore(StoreOptions{}, "/var/lib/zf");
  CHECK(not_a_url.status().code() == StatusCode::kInvalidArgument);
  CHECK(IsPostgresLocation("postgres://h/db"));
  CHECK_FALSE(IsPostgresLocation("./zf-data"));
}

TEST_CASE("A store that is missing is not created by a read-only open or without create_if_missing",
          "[.][pg][store]") {
  ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  CHECK(OpenPostgresEventStore(StoreOptions{.read_only = true}, url).status().code() ==
        StatusCode::kNotFound);
  CHECK(OpenPostgresEventStore(StoreOptions{.create_if_missing = false}, url).status().code() ==
        StatusCode::kNotFound);

  auto writer = OpenPg(url);
  REQUIRE(writer->Append(MakeRequest("case/A", "r1", 2)).ok());
  auto reader = OpenPg(url, StoreOptions{.read_only = true});
  CHECK(reader->read_only());
  CHECK(reader->Append(MakeRequest("case/A", "r2", 1)).status().code() ==
        StatusCode::kFailedPrecondition);
  // The reader reads the log as it was at its open.
  REQUIRE(writer->Append(MakeRequest("case/A", "r3", 1)).ok());
  CHECK(reader->Ledger().position == 2);
  CHECK(All(*reader).size() == 2);
  CHECK(reader->Head("case/A").value().version == 2);
  auto report = reader->VerifyChain();
  REQUIRE(report.ok());
  for (const ChainFinding& f : report->findings) INFO(f.detail);
  CHECK(report->ok());
  CHECK(report->to_position == 2);
  CHECK(writer->Head("case/A").value().version == 3);
}

TEST_CASE("Two store objects write one database; each follows the other's commits live",
          "[.][pg][store][subscription]") {
  ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto first = OpenPg(url);
  auto second = OpenPg(url);
  REQUIRE(first->Append(MakeRequest("case/A", "w1", 1)).ok());

  // No writer's lock: the second writes beside the first, after it.
  auto beside = second->Append(MakeRequest("case/B", "w2", 1));
  REQUIRE(beside.ok());
  CHECK(beside->first_position == 2);

  // An append that expects the log to end where it no longer does is
  // refused whole, naming the position the log ends at.
  AppendRequest stale = MakeRequest("case/C", "w-stale", 1);
  auto refused = first->AppendBatch(std::span(&stale, 1),
                                    AppendOptions{.mode = BatchMode::kAtomic,
                                                  .expected_ledger_position = 1});
  REQUIRE(refused.status().code() == StatusCode::kConflict);
  CHECK(refused.status().subject() == kLedgerConflictSubject);
  CHECK(refused.status().version() == std::optional<std::uint64_t>(2));
  CHECK(first->ReadCommand("w-stale").status().code() == StatusCode::kNotFound);

  // second's subscription is woken by first's commit (NOTIFY), not by a
  // commit of its own.
  auto sub = second->Subscribe(1);
  auto caught_up = sub->Next(10, std::chrono::milliseconds(0));
  REQUIRE(caught_up.ok());
  REQUIRE(caught_up->size() == 2);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(first->Append(MakeRequest("case/A", "w3", 2)).ok());
  });
  std::vector<EventRecord> live;
  const auto start = std::chrono::steady_clock::now();
  while (live.size() < 2) {
    auto batch = sub->Next(10, std::chrono::milliseconds(3000));
    REQUIRE(batch.ok());
    REQUIRE_FALSE(batch->empty());
    live.insert(live.end(), batch->begin(), batch->end());
  }
  writer.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
  CHECK(live[0].position == 3);
  CHECK(live[1].position == 4);
  CHECK(live[1].stream == "case/A");
  CHECK(second->Ledger().position == 4);
  CHECK(second->VerifyChain().value().ok());
}

TEST_CASE("A connection lost before the commit is retried once on a new one and applies once",
          "[.][pg][store]") {
  const std::string cluster = ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto store = OpenPg(url);
  REQUIRE(store->Append(MakeRequest("case/A", "k1", 1)).ok());

  // Outside the sections: the hook runs after its section's scope ends.
  int kills = 0;
  SECTION("between appends") {
    Terminate(cluster, internal::PostgresWriterPid(store.get()));
  }
  SECTION("mid-batch, after planning") {
    internal::SetPostgresTestHooks(store.get(), internal::PostgresTestHooks{.before_write = [&] {
      if (kills++ == 0) Terminate(cluster, internal::PostgresWriterPid(store.get()));
    }});
  }
  std::vector<AppendRequest> batch = {MakeRequest("case/A", "k2", 2),
                                      MakeRequest("case/B", "k3", 1)};
  auto results = store->AppendBatch(batch);
  REQUIRE(results.ok());
  REQUIRE((*results)[0].ok());
  CHECK_FALSE((*results)[0]->already_applied);
  CHECK((*results)[0]->first_position == 2);
  CHECK((*results)[1]->first_position == 4);
  CHECK(store->Ledger().position == 4);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("A commit whose outcome is unknown is answered so, writes no half group and is safe "
          "to retry by command id",
          "[.][pg][store][idempotency]") {
  const std::string cluster = ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto store = OpenPg(url);
  REQUIRE(store->Append(MakeRequest("case/A", "u1", 1)).ok());
  bool killed = false;
  internal::SetPostgresTestHooks(store.get(), internal::PostgresTestHooks{.before_commit = [&] {
    if (!killed) Terminate(cluster, internal::PostgresWriterPid(store.get()));
    killed = true;
  }});
  std::vector<AppendRequest> batch = {MakeRequest("case/A", "u2", 2),
                                      MakeRequest("case/B", "u3", 1)};
  const std::vector<ProjectionWrite> rows = {{"p/u", std::string("v")}};
  auto unknown = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic,
                                                         .projections = rows});
  REQUIRE(unknown.status().code() == StatusCode::kUnavailable);
  CHECK(unknown.status().message().find("outcome is unknown") != std::string_view::npos);

  // Nothing of the group is there: not an event, a command or a row.
  auto reader = OpenPg(url, StoreOptions{.read_only = true});
  CHECK(reader->Ledger().position == 1);
  CHECK(reader->FindCommand("u2").status().code() == StatusCode::kNotFound);
  CHECK_FALSE(reader->ReadProjection("p/u").value().has_value());

  // The retry applies it; a second retry is recognised.
  auto retried = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic,
                                                         .projections = rows});
  REQUIRE(retried.ok());
  CHECK_FALSE((*retried)[0]->already_applied);
  auto again = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic});
  REQUIRE(again.ok());
  CHECK((*again)[0]->already_applied);
  CHECK(*(*again)[1] == *(*retried)[1]);
  CHECK(store->Ledger().position == 4);
  CHECK(store->ReadProjection("p/u").value() == std::optional<std::string>("v"));
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Projection rows scan in byte order by prefix, across pages", "[.][pg][store]") {
  ClusterUrl();
  TempDir dir;
  auto store = zf::testing::OpenStore("postgresql", dir);
  std::vector<ProjectionWrite> rows;
  for (int i = 0; i < 1200; ++i) rows.push_back({fmt::format("case/{:05}", i), "x"});
  rows.push_back({"case0", "not in case/"});
  rows.push_back({std::string("case/\xff", 6), "high byte"});
  rows.push_back({"case/00003", std::nullopt});  // deleted in the same write
  REQUIRE(store->WriteProjections(rows).ok());
  std::vector<std::string> keys;
  REQUIRE(store->ScanProjections("case/", [&](std::string_view k, std::string_view) {
                  keys.emplace_back(k);
                  return true;
                }).ok());
  REQUIRE(keys.size() == 1200);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(keys.back() == std::string("case/\xff", 6));
  std::size_t from = 0;
  REQUIRE(store->ScanProjectionsFrom("case/", "case/01000", [&](std::string_view, std::string_view) {
                  ++from;
                  return true;
                }).ok());
  CHECK(from == 201);
}

TEST_CASE("Tampering through SQL is detected and named", "[.][pg][store][tamper]") {
  const std::string cluster = ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  {
    auto store = OpenPg(url);
    for (int i = 0; i < 6; ++i) {
      REQUIRE(store->Append(MakeRequest("case/T-" + std::to_string(i % 2), "t" + std::to_string(i), 1))
                  .ok());
    }
    REQUIRE(store->VerifyChain().value().ok());
  }
  auto sql = internal::PgConnection::Connect(url);
  REQUIRE(sql.ok());
  auto verify = [&] {
    auto store = OpenPg(url, StoreOptions{.read_only = true});
    auto report = store->VerifyChain();
    REQUIRE(report.ok());
    return *report;
  };
  auto has = [](const ChainReport& r, ChainFinding::Kind kind, std::uint64_t position) {
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const auto& f) { return f.kind == kind && f.position == position; });
  };
  SECTION("a changed byte") {
    // The payload's "n":0 becomes "n":1 inside the hashed bytes.
    REQUIRE((*sql)->Exec("UPDATE zf_events SET value = overlay(value placing '1'::bytea from "
                         "position('\"n\":0'::bytea in value) + 4) WHERE position = 3")
                .ok());
    CHECK(has(verify(), ChainFinding::Kind::kHashMismatch, 3));
  }
  SECTION("a deleted event") {
    REQUIRE((*sql)->Exec("DELETE FROM zf_events WHERE position = 4").ok());
    CHECK(has(verify(), ChainFinding::Kind::kPositionGap, 4));
  }
  SECTION("a truncated tail") {
    REQUIRE((*sql)->Exec("DELETE FROM zf_events WHERE position >= 5").ok());
    // A writable open reads the ledger row, which still says 6.
    auto store = OpenPg(url);
    auto report = store->VerifyChain();
    REQUIRE(report.ok());
    CHECK(has(*report, ChainFinding::Kind::kTruncated, 5));
  }
  SECTION("a moved stream head") {
    REQUIRE((*sql)->Exec("UPDATE zf_streams SET version = 2, position = 3 WHERE stream = "
                         "'case/T-0'")
                .ok());
    auto store = OpenPg(url);
    auto report = store->VerifyChain();
    REQUIRE(report.ok());
    CHECK(has(*report, ChainFinding::Kind::kIndexMismatch, 3));
  }
}

TEST_CASE("A RocksDB log copied into PostgreSQL ends at the same ledger head, byte for byte",
          "[.][pg][store][copy]") {
  ClusterUrl();
  TempDir dir;
  auto rocks = zf::testing::OpenStore("rocksdb", dir);
  for (int i = 0; i < 30; ++i) {
    AppendRequest r = MakeRequest(fmt::format("case/C-{}", i % 4), fmt::format("c{}", i), 1 + i % 2);
    r.command = fmt::format(R"({{"i":{}}})", i);
    REQUIRE(rocks->Append(r).ok());
  }
  const std::vector<ProjectionWrite> rows = {{"case/C-1", std::string("row")},
                                             {"names/.meta", std::string("m")}};
  REQUIRE(rocks->WriteProjections(rows).ok());
  REQUIRE(rocks->PutCheckpoint(10, R"({"position":10})").ok());

  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto pg = OpenPg(url);
  REQUIRE(CopyEventLog(*rocks, pg.get()).ok());
  CHECK(pg->Ledger().position == rocks->Ledger().position);
  CHECK(pg->Ledger().ledger_hash == rocks->Ledger().ledger_hash);
  auto report = pg->VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->ledger_hash == rocks->Ledger().ledger_hash);
  CHECK(All(*pg) == All(*rocks));
  CHECK(pg->ReadCommand("c5")->command == R"({"i":5})");
  CHECK(pg->ReadCommand("c5")->result == rocks->ReadCommand("c5")->result);
  CHECK(pg->ReadProjection("names/.meta").value() == std::optional<std::string>("m"));
  std::vector<std::uint64_t> checkpoints;
  REQUIRE(pg->ScanCheckpoints([&](std::uint64_t p, std::string_view) {
                checkpoints.push_back(p);
                return true;
              }).ok());
  CHECK(checkpoints == std::vector<std::uint64_t>{10});
  // Appends go on from the copied heads; a copied command is recognised.
  auto next = pg->Append(MakeRequest("case/C-1", "after", 1));
  REQUIRE(next.ok());
  CHECK(next->first_position == rocks->Ledger().position + 1);
  AppendRequest repeat = MakeRequest("case/C-3", "c3", 2);
  repeat.events[0].data.as_object()["n"] = 0;
  CHECK(pg->Append(repeat)->already_applied);

  // Only into an empty store, and only into PostgreSQL.
  CHECK(CopyEventLog(*rocks, pg.get()).code() == StatusCode::kFailedPrecondition);
  TempDir other;
  auto memory = zf::testing::OpenStore("memory", other);
  CHECK(CopyEventLog(*rocks, memory.get()).code() == StatusCode::kFailedPrecondition);
  CHECK(pg->VerifyChain().value().ok());
}

TEST_CASE("Concurrent appends and retries on PostgreSQL: dense positions, each command once",
          "[.][pg][store][concurrency]") {
  ClusterUrl();
  TempDir dir;
  auto store = zf::testing::OpenStore("postgresql", dir);
  constexpr int kThreads = 4, kCommands = 60;
  std::vector<std::vector<AppendResult>> seen(kThreads);
  std::atomic<bool> failed = false;  // Catch2's assertions are not for other threads
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread sends the same commands: one applies each, the others
      // are answered with its result.
      for (int i = 0; i < kCommands && !failed; ++i) {
        auto r = store->Append(MakeRequest("case/p-" + std::to_string(i % 5), fmt::format("p{}", i), 2));
        if (!r.ok()) {
          failed = true;
          return;
        }
        seen[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE_FALSE(failed);
  CHECK(store->Ledger().position == 2 * kCommands);
  std::set<std::uint64_t> positions;
  for (int i = 0; i < kCommands; ++i) {
    int applied = 0;
    for (int t = 0; t < kThreads; ++t) {
      CHECK(seen[t][i] == seen[0][i]);
      applied += seen[t][i].already_applied ? 0 : 1;
    }
    CHECK(applied == 1);
    positions.insert(seen[0][i].first_position);
    positions.insert(seen[0][i].last_position);
  }
  CHECK(positions.size() == 2 * kCommands);
  CHECK(*positions.rbegin() == 2 * kCommands);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("After every session of the store ends (a server restart), reads, appends and live "
          "subscriptions go on",
          "[.][pg][store][subscription]") {
  const std::string cluster = ClusterUrl();
  TempDir dir;
  const std::string base = zf::testing::PostgresStoreUrl(dir);
  const std::string tag = fmt::format("zf_restart_{}", getpid());
  auto writer = OpenPg(base + "&application_name=" + tag + "_w");
  auto follower = OpenPg(base + "&application_name=" + tag + "_f");
  REQUIRE(writer->Append(MakeRequest("case/R", "r1", 2)).ok());
  // Pooled reader connections in both stores.
  REQUIRE(follower->Head("case/R").ok());
  REQUIRE(writer->Head("case/R").ok());
  auto sub = follower->Subscribe(1);
  REQUIRE(sub->Next(10, std::chrono::milliseconds(2000))->size() == 2);

  // Every session both stores hold: writer, pooled readers, listeners.
  auto admin = internal::PgConnection::Connect(cluster);
  REQUIRE(admin.ok());
  auto ended = (*admin)->Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1",
      {internal::PgParam::Text(tag + "%")});
  REQUIRE(ended.ok());
  CHECK(ended->rows() >= 4);
  for (int i = 0; i < 200; ++i) {
    auto left = (*admin)->Exec("SELECT 1 FROM pg_stat_activity WHERE application_name LIKE $1",
                               {internal::PgParam::Text(tag + "%")});
    REQUIRE(left.ok());
    if (left->rows() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // The writer trusts its cached ledger, so its first read after the cut
  // goes straight to its dead pooled connection, and is repeated on a new one.
  auto head = writer->Head("case/R");
  REQUIRE(head.ok());
  CHECK(head->version == 2);
  CHECK(follower->Head("case/R").value().version == 2);
  CHECK(All(*follower).size() == 2);
  CHECK(follower->VerifyChain().value().ok());
  std::thread append([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(writer->Append(MakeRequest("case/R", "r2", 1)).ok());
  });
  auto live = sub->Next(10, std::chrono::milliseconds(5000));
  append.join();
  REQUIRE(live.ok());
  REQUIRE(live->size() == 1);
  CHECK(live->front().position == 3);
}

TEST_CASE("Connections carry TCP keepalives unless the URL sets its own", "[.][pg][store]") {
  const std::string cluster = ClusterUrl();
  auto plain = internal::PgConnection::Connect(cluster);
  REQUIRE(plain.ok());
  CHECK((*plain)->Option("keepalives") == "1");
  CHECK((*plain)->Option("keepalives_idle") == "10");
  CHECK((*plain)->Option("keepalives_interval") == "5");
  CHECK((*plain)->Option("keepalives_count") == "3");
  CHECK((*plain)->Option("tcp_user_timeout") == "30000");
  auto own = internal::PgConnection::Connect(
      cluster + (cluster.find('?') == std::string::npos ? "?" : "&") + "keepalives_idle=7");
  REQUIRE(own.ok());
  CHECK((*own)->Option("keepalives_idle") == "7");
  CHECK((*own)->Option("keepalives_count") == "3");

  auto location = internal::ParsePgLocation("postgresql://h1:1,h2:2/db?zf_reconnect_timeout=2.5&"
                                            "target_session_attrs=read-write");
  REQUIRE(location.ok());
  CHECK(location->url == "postgresql://h1:1,h2:2/db?target_session_attrs=read-write");
  CHECK(location->reconnect_timeout == std::chrono::milliseconds(2500));
  CHECK(internal::ParsePgLocation("postgresql://h/db")->reconnect_timeout ==
        std::chrono::milliseconds(10000));
}

TEST_CASE("A read-only server gets a clear kUnavailable after the bounded retry and no write",
          "[.][pg][store]") {
  ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto writer = OpenPg(url);
  REQUIRE(writer->Append(MakeRequest("case/A", "ro1", 1)).ok());
  REQUIRE(writer->Close().ok());

  // The same server, read-only for these sessions: what a hot standby
  // answers (the URL's options parameter is its last, so it takes one more
  // -c).
  auto standby_like =
      OpenPg(url + "%20-cdefault_transaction_read_only%3Don&zf_reconnect_timeout=0.5");
  std::vector<AppendRequest> batch = {MakeRequest("case/A", "ro2", 2),
                                      MakeRequest("case/B", "ro3", 1)};
  const auto start = std::chrono::steady_clock::now();
  auto refused = standby_like->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(3000));
  REQUIRE(refused.status().code() == StatusCode::kUnavailable);
  CHECK(refused.status().message().find("is read-only") != std::string_view::npos);
  CHECK(refused.status().message().find("target_session_attrs=read-write") !=
        std::string_view::npos);
  CHECK(refused.status().message().find("nothing of the group was written") !=
        std::string_view::npos);
  // It still reads.
  CHECK(standby_like->Head("case/A").value().version == 1);

  auto reader = OpenPg(url, StoreOptions{.read_only = true});
  CHECK(reader->Ledger().position == 1);
  CHECK(reader->FindCommand("ro2").status().code() == StatusCode::kNotFound);
  CHECK(reader->FindCommand("ro3").status().code() == StatusCode::kNotFound);
}

TEST_CASE("A connection lost at every attempt mid-batch fails the group whole, and the retry "
          "applies it once",
          "[.][pg][store]") {
  const std::string cluster = ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto store = OpenPg(url);
  REQUIRE(store->Append(MakeRequest("case/A", "m1", 1)).ok());
  std::atomic<bool> cut{true};
  internal::SetPostgresTestHooks(store.get(), internal::PostgresTestHooks{.before_write = [&] {
    if (cut.load()) Terminate(cluster, internal::PostgresWriterPid(store.get()));
  }});
  std::vector<AppendRequest> batch = {MakeRequest("case/A", "m2", 2),
                                      MakeRequest("case/B", "m3", 3)};
  auto failed = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kIndependent});
  REQUIRE(failed.status().code() == StatusCode::kUnavailable);
  CHECK(failed.status().message().find("nothing of the group was written (tried twice)") !=
        std::string_view::npos);
  auto reader = OpenPg(url, StoreOptions{.read_only = true});
  CHECK(reader->Ledger().position == 1);
  CHECK(reader->FindCommand("m2").status().code() == StatusCode::kNotFound);
  CHECK(reader->FindCommand("m3").status().code() == StatusCode::kNotFound);

  cut = false;
  auto applied = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kIndependent});
  REQUIRE(applied.ok());
  CHECK_FALSE((*applied)[0]->already_applied);
  CHECK((*applied)[1]->last_position == 6);
  CHECK(store->Ledger().position == 6);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("An engine answers a commit whose reply was lost as unknown; the retry by command id "
          "finds it applied, once",
          "[.][pg][store][idempotency][engine]") {
  ClusterUrl();
  TempDir dir;
  auto opened = OpenPostgresEventStore(StoreOptions{}, zf::testing::PostgresStoreUrl(dir));
  REQUIRE(opened.ok());
  std::shared_ptr<EventStore> store = std::move(*opened);
  auto engine = Engine::Open(EngineOptions{}, store);
  REQUIRE(engine.ok());
  zf::testing::LoadAll(**engine, {"02-org.jsonl"});
  REQUIRE((*engine)->Execute(zf::testing::FenggangClue("SX-LOST-1", "lost-1")).ok());

  // The commit's NOTIFY is not taken, as in a failover: only a read
  // tells the store of the commit.
  REQUIRE(internal::PausePostgresListener(store.get(), true));
  bool lose = true;
  internal::SetPostgresTestHooks(store.get(), internal::PostgresTestHooks{.lose_commit_reply = [&] {
    return std::exchange(lose, false);
  }});
  const std::uint64_t before = store->Ledger().position;
  auto unknown = (*engine)->Execute(zf::testing::FenggangClue("SX-LOST-2", "lost-2"));
  // (With the writer broken the store no longer trusts its cached ledger,
  // which is behind the commit: the retry below must see its own commit.)
  REQUIRE(unknown.status().code() == StatusCode::kUnavailable);
  CHECK(unknown.status().message().find("outcome is unknown") != std::string_view::npos);

  // It was committed: the retry says so and writes nothing more.
  auto retried = (*engine)->Execute(zf::testing::FenggangClue("SX-LOST-2", "lost-2"));
  REQUIRE(retried.ok());
  CHECK(retried->outcome == CommandResult::Outcome::kAlreadyApplied);
  const std::uint64_t after = store->Ledger().position;
  CHECK(after > before);
  CHECK(retried->append.first_position == before + 1);
  CHECK(retried->append.last_position == after);
  // The engine's state took the committed events in: the next command on
  // that clue is judged on them (a second registration is refused).
  auto again = (*engine)->Execute(zf::testing::FenggangClue("SX-LOST-2", "lost-3"));
  REQUIRE(again.ok());
  CHECK(again->outcome == CommandResult::Outcome::kRejected);
  CHECK(store->Ledger().position == after);
  auto next = (*engine)->Execute(zf::testing::FenggangClue("SX-LOST-4", "lost-4"));
  REQUIRE(next.ok());
  CHECK(next->outcome == CommandResult::Outcome::kApplied);
  CHECK(store->VerifyChain().value().ok());
  REQUIRE(internal::PausePostgresListener(store.get(), false));
}

TEST_CASE("Concurrent AppendBatch callers share a transaction and its commit; each batch keeps "
          "its own mode and answer",
          "[.][pg][store][group]") {
  ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  auto store = OpenPg(url);
  REQUIRE(store->Append(MakeRequest("case/G", "g-0", 1)).ok());
  // A slow commit, as a synchronous standby's round trip is: callers queue
  // behind it.
  internal::SetPostgresTestHooks(store.get(), internal::PostgresTestHooks{.before_commit = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }});
  const std::uint64_t groups_before = internal::PostgresAppendGroups(store.get());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  struct Outcome {
    std::string first_id;
    bool atomic_bad = false;
    Result<std::vector<Result<AppendResult>>> results = InternalError("not run");
  };
  std::vector<std::vector<Outcome>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Outcome o;
        o.first_id = fmt::format("g-{}-{}", t, i);
        std::vector<AppendRequest> batch = {
            MakeRequest(fmt::format("case/G-{}-{}", t, i), o.first_id, 2)};
        // Every third batch is atomic with a stale expected version in its
        // second request: it must fail whole, alone.
        o.atomic_bad = i % 3 == 0;
        if (o.atomic_bad) {
          batch.push_back(MakeRequest("case/G", o.first_id + "-bad", 1, ExpectedVersion::Exact(99)));
        }
        o.results = store->AppendBatch(
            batch, AppendOptions{.mode = o.atomic_bad ? BatchMode::kAtomic : BatchMode::kIndependent});
        outcomes[t].push_back(std::move(o));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::uint64_t groups = internal::PostgresAppendGroups(store.get()) - groups_before;
  INFO("transactions: " << groups);
  // 80 batches, 8 callers at a time behind a 20 ms commit: they share.
  CHECK(groups < kThreads * kPerThread / 2);

  std::uint64_t events = 1;
  std::set<std::uint64_t> firsts;
  for (const auto& mine : outcomes) {
    for (const Outcome& o : mine) {
      INFO(o.first_id);
      if (o.atomic_bad) {
        REQUIRE(o.results.status().code() == StatusCode::kConflict);
        CHECK(store->FindCommand(o.first_id).status().code() == StatusCode::kNotFound);
        continue;
      }
      REQUIRE(o.results.ok());
      REQUIRE(o.results->size() == 1);
      REQUIRE((*o.results)[0].ok());
      const AppendResult& r = *(*o.results)[0];
      CHECK(r.last_position == r.first_position + 1);
      CHECK(firsts.insert(r.first_position).second);
      CHECK(*store->FindCommand(o.first_id) == r);
      events += 2;
    }
  }
  CHECK(store->Ledger().position == events);
  CHECK(All(*store).size() == events);
  CHECK(store->Head("case/G").value().version == 1);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("A PostgreSQL store backs up into a RocksDB copy of one state, byte for byte, while "
          "a writer appends",
          "[.][pg][store][backup]") {
  ClusterUrl();
  TempDir dir;
  auto pg = OpenPg(zf::testing::PostgresStoreUrl(dir));
  // Each command also sets the row "last" to its number, in its own
  // transaction: a copy of one state has the row of its last command.
  auto append = [&](int i) {
    AppendRequest r = MakeRequest(fmt::format("case/C-{}", i % 5), fmt::format("c{}", i), 1);
    r.command = fmt::format(R"({{"i":{}}})", i);
    const std::vector<ProjectionWrite> row = {{"last", std::to_string(i)}};
    AppendOptions options;
    options.mode = BatchMode::kAtomic;
    options.projections = row;
    auto done = pg->AppendBatch(std::span<const AppendRequest>(&r, 1), options);
    REQUIRE(done.ok());
    REQUIRE((*done)[0].ok());
  };
  for (int i = 1; i <= 40; ++i) append(i);
  REQUIRE(pg->PutCheckpoint(10, R"({"position":10})").ok());

  std::atomic<bool> stop{false};
  int appended = 40;
  std::thread writer([&] {
    while (!stop.load() && appended < 400) append(++appended);
  });
  const std::string copy_dir = (dir.path() / "backup").string();
  const Status backed_up = pg->Backup(copy_dir);
  stop.store(true);
  writer.join();
  REQUIRE(backed_up.ok());

  StoreOptions read_only;
  read_only.read_only = true;
  auto copy = OpenRocksDbEventStore(read_only, copy_dir);
  REQUIRE(copy.ok());
  const LedgerHead head = (*copy)->Ledger();
  CHECK(head.position >= 40);
  auto report = (*copy)->VerifyChain();
  REQUIRE(report.ok());
  CHECK(report->ok());
  // The copy is a prefix of the log, byte for byte, with the same ledger.
  std::vector<EventRecord> all = All(*pg);
  REQUIRE(all.size() >= head.position);
  all.resize(head.position);
  CHECK(All(**copy) == all);
  VerifyOptions prefix;
  prefix.to_position = head.position;
  CHECK(pg->VerifyChain(prefix).value().ledger_hash == head.ledger_hash);
  // Its projection row is that of its last command: one state, not a mix.
  const std::string last_command = all.back().command_id;
  CHECK("c" + (*copy)->ReadProjection("last").value().value() == last_command);
  CHECK((*copy)->ReadCommand(last_command)->result == pg->ReadCommand(last_command)->result);
  CHECK((*copy)->ReadCommand("c7")->command == R"({"i":7})");
  // The commands after it are not in the copy.
  const int last = std::stoi(last_command.substr(1));
  if (appended > last) {
    CHECK((*copy)->ReadCommand(fmt::format("c{}", last + 1)).status().code() ==
          StatusCode::kNotFound);
  }
  std::vector<std::uint64_t> checkpoints;
  REQUIRE((*copy)->ScanCheckpoints([&](std::uint64_t p, std::string_view) {
                   checkpoints.push_back(p);
                   return true;
                 }).ok());
  CHECK(checkpoints == std::vector<std::uint64_t>{10});

  // Never over an existing directory; the existing one is left as it was.
  CHECK(pg->Backup(copy_dir).code() == StatusCode::kAlreadyExists);
  CHECK((*copy)->VerifyChain().value().ok());
}

namespace {

// Scenario 30's two clues and two filings about one act on the boundary of
// 高砂镇 and 高桥镇 (J5: the first filer wins), made distinct for `round`:
// its own party, case ids and command ids.
std::vector<Command> BoundaryActRound(int round) {
  const auto steps = zf::testing::ReadScenario(
      std::string(ZF_SOURCE_DIR) + "/tests/scenarios/30-positive-jurisdiction-conflict.jsonl");
  REQUIRE(steps.size() >= 4);
  std::vector<Command> out;
  for (std::size_t i = 0; i < 4; ++i) {
    std::string text = boost::json::serialize(steps[i].envelope);
    auto replace = [&](std::string_view from, const std::string& to) {
      for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
        text.replace(at, from.size(), to);
        at += to.size();
      }
    };
    replace("91350427MA0003001X", fmt::format("91350427MA{:07}X", round));
    replace("GS-2024-C3001", fmt::format("GS-2024-C{}", 4000 + round));
    replace("GQ-2024-C3002", fmt::format("GQ-2024-C{}", 6000 + round));
    replace("\"c30-", fmt::format("\"race{}-", round));
    auto command = CommandFromJson(boost::json::parse(text));
    REQUIRE(command.ok());
    out.push_back(std::move(*command));
  }
  return out;
}

}  // namespace

// Issue 16: two engines (as two processes would: each with its own store
// object and sessions) accept commands on one database at the same time.
// The filings of one act race; whichever commits first, the other engine's
// judgement has to see it (an append carries the ledger position its
// judgement read, and a conflict makes the engine catch up and judge
// again), so exactly one filing stands every time, and the audit, which
// decides every command again in log order, agrees with every answer.
TEST_CASE("Two engines on one database: the first filer of an act wins every race, each engine "
          "follows the other, and the audit is clean",
          "[.][pg][engine][multi_engine]") {
  ClusterUrl();
  TempDir dir;
  const std::string url = zf::testing::PostgresStoreUrl(dir);
  std::shared_ptr<EventStore> store_a = OpenPg(url);
  std::shared_ptr<EventStore> store_b = OpenPg(url);
  auto a = Engine::Open(EngineOptions{}, store_a);
  auto b = Engine::Open(EngineOptions{}, store_b);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  // b folds its (empty) rule book before a publishes the reference data:
  // its judgements below need the rules it follows from a's commits.
  REQUIRE((*b)->OrganisationNow().ok());
  zf::testing::LoadAll(**a, zf::testing::kSampleReferenceFiles);

  // b's read side follows a's commits without writing (LISTEN/NOTIFY).
  const auto officers_a = (*a)->OrganisationNow().value().officers.size();
  REQUIRE(officers_a > 0);
  std::size_t officers_b = 0;
  for (int i = 0; i < 300 && officers_b != officers_a; ++i) {
    officers_b = (*b)->OrganisationNow().value().officers.size();
    if (officers_b != officers_a) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(officers_b == officers_a);

  constexpr int kRounds = 40;
  int won_by_a = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::vector<Command> c = BoundaryActRound(round);
    REQUIRE((*a)->Execute(c[0]).value().outcome == CommandResult::Outcome::kApplied);
    REQUIRE((*b)->Execute(c[1]).value().outcome == CommandResult::Outcome::kApplied);
    // Each engine files one township's case, both at once; which engine
    // files which alternates.
    Engine* first = (round % 2 == 0 ? a : b)->get();
    Engine* second = (round % 2 == 0 ? b : a)->get();
    std::atomic<int> ready{0};
    std::optional<Result<CommandResult>> r1, r2;
    auto file = [&](Engine* engine, const Command& command,
                    std::optional<Result<CommandResult>>* out) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      *out = engine->Execute(command);
    };
    std::thread t1(file, first, std::cref(c[2]), &r1);
    std::thread t2(file, second, std::cref(c[3]), &r2);
    t1.join();
    t2.join();
    REQUIRE(r1->ok());
    REQUIRE(r2->ok());
    const CommandResult& x = **r1;
    const CommandResult& y = **r2;
    INFO("round " << round << ": " << OutcomeName(x.outcome) << ", " << OutcomeName(y.outcome));
    const bool x_applied = x.outcome == CommandResult::Outcome::kApplied;
    const bool y_applied = y.outcome == CommandResult::Outcome::kApplied;
    REQUIRE(x_applied != y_applied);
    const CommandResult& refused = x_applied ? y : x;
    REQUIRE(refused.outcome == CommandResult::Outcome::kRejected);
    CHECK(refused.rejection->code == "already_filed_elsewhere");
    if (x_applied == (round % 2 == 0)) ++won_by_a;
  }
  INFO("filings won by engine a: " << won_by_a << " of " << kRounds);

  // A retry of an applied command through the other engine is answered as
  // applied, once.
  const std::vector<Command> last = BoundaryActRound(kRounds - 1);
  auto again = (*b)->Execute(last[0]);
  REQUIRE(again.ok());
  CHECK(again->outcome == CommandResult::Outcome::kAlreadyApplied);

  // Dense positions, one chain, and every answer re-derived by the audit.
  CHECK(store_a->VerifyChain().value().ok());
  auto ro = OpenPostgresEventStore(StoreOptions{.read_only = true}, url);
  REQUIRE(ro.ok());
  std::vector<AuditFinding> findings;
  auto summary = AuditStore(**ro, EngineOptions{}, AuditOptions{},
                            [&](const AuditFinding& f) { findings.push_back(f); });
  REQUIRE(summary.ok());
  for (const AuditFinding& f : findings) {
    UNSCOPED_INFO(AuditFindingKindName(f.kind) << " " << f.code << " " << f.stream << ": "
                                               << f.message);
  }
  CHECK(findings.empty());
  CHECK(summary->commands_redecided >= 4 * kRounds);
}

// Concurrent callers of the engine: their commands are judged in one order
// and written in groups (one AppendBatch, one sync, for many callers), and
// every caller still gets its own, durable answer.
#include <atomic>
#include <chrono>
#include <functional>
#include <utility>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "support/engine_fixtures.h"
#include "support/forwarding_store.h"
#include "support/test_support.h"
#include "zf/engine.h"

using namespace zf;
using zf::testing::FenggangClue;
using zf::testing::LoadAll;
using zf::testing::TempDir;

namespace {

// Forwards to a real store, counting AppendBatch calls and making each one
// slow, as a sync on a slow disk is: callers pile up behind it.
class SlowCountingStore final : public zf::testing::ForwardingStore {
 public:
  explicit SlowCountingStore(std::unique_ptr<EventStore> inner)
      : ForwardingStore(std::shared_ptr<EventStore>(std::move(inner))) {}

  std::atomic<int> batches{0};
  std::atomic<bool> slow{false};

  Result<std::vector<Result<AppendResult>>> AppendBatch(std::span<const AppendRequest> requests,
                                                        const AppendOptions& options) override {
    ++batches;
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return ForwardingStore::AppendBatch(requests, options);
  }
};

// An engine with the sample org over a slow, counting memory store.
std::pair<std::shared_ptr<SlowCountingStore>, std::unique_ptr<Engine>> SlowMemoryEngine() {
  auto memory = NewMemoryEventStore();
  REQUIRE(memory.ok());
  auto store = std::make_shared<SlowCountingStore>(std::move(*memory));
  auto engine = Engine::Open(EngineOptions{}, store);
  REQUIRE(engine.ok());
  LoadAll(**engine, {"02-org.jsonl"});
  return {store, std::move(*engine)};
}

}  // namespace

TEST_CASE("Concurrent callers share group writes and each gets its own durable answer",
          "[engine][concurrency]") {
  TempDir dir;
  auto inner = OpenRocksDbEventStore(StoreOptions{}, dir.Sub("db"));
  REQUIRE(inner.ok());
  auto store = std::make_shared<SlowCountingStore>(std::move(*inner));
  auto opened = Engine::Open(EngineOptions{}, store);
  REQUIRE(opened.ok());
  std::unique_ptr<Engine> engine = std::move(*opened);
  LoadAll(*engine, {"02-org.jsonl"});

  constexpr int kThreads = 8;
  constexpr int kPerThread = 15;
  store->batches = 0;
  store->slow = true;
  std::vector<std::vector<Result<CommandResult>>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "SX-GC-" + std::to_string(t) + "-" + std::to_string(i);
        answers[t].push_back(engine->Execute(FenggangClue(id, "gc-" + id)));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::uint64_t> positions;
  for (const auto& list : answers) {
    for (const auto& answer : list) {
      REQUIRE(answer.ok());
      REQUIRE(answer->outcome == CommandResult::Outcome::kApplied);
      CHECK(answer->append.first_version == 1);
      positions.insert(answer->append.first_position);
    }
  }
  CHECK(positions.size() == kThreads * kPerThread);
  // Without grouping every command would be its own write.
  CHECK(store->batches.load() < kThreads * kPerThread / 2);
  // Acknowledged means durable and folded: a reopened engine sees them all.
  store->slow = false;
  REQUIRE(store->Close().ok());
  engine.reset();
  auto reopened = Engine::Open(EngineOptions{}, dir.Sub("db"));
  REQUIRE(reopened.ok());
  auto again = (*reopened)->Execute(FenggangClue("SX-GC-3-7", "gc-SX-GC-3-7"));
  REQUIRE(again.ok());
  CHECK(again->outcome == CommandResult::Outcome::kAlreadyApplied);
  auto refused = (*reopened)->Execute(FenggangClue("SX-GC-3-7", "gc-new-id"));
  REQUIRE(refused.ok());
  REQUIRE(refused->rejection);
  CHECK(refused->rejection->code == "case_exists");
}

TEST_CASE("The same command from two callers at once applies once", "[engine][concurrency]") {
  auto [store, engine] = SlowMemoryEngine();
  store->slow = true;

  constexpr int kCallers = 6;
  std::vector<Result<CommandResult>> answers(kCallers, Status::Ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&, t] { answers[t] = engine->Execute(FenggangClue("SX-DUP-1", "dup-1")); });
  }
  for (auto& thread : threads) thread.join();
  int applied = 0;
  std::set<std::uint64_t> positions;
  for (const auto& answer : answers) {
    REQUIRE(answer.ok());
    if (answer->outcome == CommandResult::Outcome::kApplied) ++applied;
    else CHECK(answer->outcome == CommandResult::Outcome::kAlreadyApplied);
    positions.insert(answer->append.first_position);
  }
  CHECK(applied == 1);
  CHECK(positions.size() == 1);  // every caller is told where it landed

  // The same id with other content, concurrently: one applies, the other is
  // refused, whether they land in one group or in two.
  std::vector<Result<CommandResult>> pair(2, Status::Ok());
  std::thread a([&] {
    pair[0] = engine->Execute(FenggangClue("SX-DUP-2", "dup-2", "2023-09-12T10:00:00+08:00"));
  });
  std::thread b([&] {
    pair[1] = engine->Execute(FenggangClue("SX-DUP-2", "dup-2", "2023-09-12T11:00:00+08:00"));
  });
  a.join();
  b.join();
  const int ok = static_cast<int>(pair[0].ok()) + static_cast<int>(pair[1].ok());
  CHECK(ok == 1);
  for (const auto& answer : pair) {
    if (!answer.ok()) CHECK(answer.status().code() == StatusCode::kAlreadyExists);
  }
}

TEST_CASE("A failing atomic batch in a group leaves no trace and others commit",
          "[engine][concurrency]") {
  auto [store, engine] = SlowMemoryEngine();
  const std::uint64_t before = store->Ledger().position;
  store->slow = true;

  std::vector<Command> atomic = {FenggangClue("SX-AT-1", "at-1"), FenggangClue("SX-AT-1", "at-2")};  // 2nd: case_exists
  Result<std::vector<Result<CommandResult>>> atomic_answer = Status::Ok();
  std::vector<Result<CommandResult>> others(4, Status::Ok());
  std::vector<std::thread> threads;
  threads.emplace_back(
      [&] { atomic_answer = engine->ExecuteBatch(atomic, BatchMode::kAtomic); });
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      others[t] = engine->Execute(FenggangClue("SX-OK-" + std::to_string(t), "ok-" + std::to_string(t)));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(atomic_answer.ok());
  REQUIRE(atomic_answer->size() == 2);
  CHECK((*atomic_answer)[1]->rejection->code == "case_exists");
  for (const auto& answer : others) {
    REQUIRE(answer.ok());
    CHECK(answer->outcome == CommandResult::Outcome::kApplied);
  }
  CHECK(store->Ledger().position == before + 4);
  auto head = store->Head("case/SX-AT-1");
  CHECK(head.status().code() == StatusCode::kNotFound);
  // The engine's folded state forgot the rolled-back case too.
  auto retry = engine->Execute(FenggangClue("SX-AT-1", "at-3"));
  REQUIRE(retry.ok());
  CHECK(retry->outcome == CommandResult::Outcome::kApplied);
}

namespace {

// Runs `before` (once) just before the engine's first append that carries
// an expected ledger position, as another writer committing between the
// group's judgement and its append would; counts the command lookups of
// `watched` (one per judgement of it, on a store without a probe).
class InterleavingStore final : public zf::testing::ForwardingStore {
 public:
  InterleavingStore(std::shared_ptr<EventStore> inner, std::string watched)
      : ForwardingStore(std::move(inner)), watched_(std::move(watched)) {}

  std::function<void()> before;
  mutable std::atomic<int> lookups{0};

  Result<std::vector<Result<AppendResult>>> AppendBatch(std::span<const AppendRequest> requests,
                                                        const AppendOptions& options) override {
    if (options.expected_ledger_position && before) std::exchange(before, nullptr)();
    return ForwardingStore::AppendBatch(requests, options);
  }
  Result<RecordedCommand> ReadCommand(std::string_view id) const override {
    if (id == watched_) lookups.fetch_add(1);
    return ForwardingStore::ReadCommand(id);
  }

 private:
  const std::string watched_;
};

// Two engines over one memory store, the second through an
// InterleavingStore; the organisation loaded through the first.
struct TwoEngines {
  std::shared_ptr<EventStore> store;
  std::shared_ptr<InterleavingStore> seen;
  std::unique_ptr<Engine> first;
  std::unique_ptr<Engine> second;

  explicit TwoEngines(const std::string& watched) {
    auto memory = NewMemoryEventStore();
    REQUIRE(memory.ok());
    store = std::move(*memory);
    auto opened = Engine::Open(EngineOptions{}, store);
    REQUIRE(opened.ok());
    first = std::move(*opened);
    LoadAll(*first, {"02-org.jsonl"});
    seen = std::make_shared<InterleavingStore>(store, watched);
    auto beside = Engine::Open(EngineOptions{}, seen);
    REQUIRE(beside.ok());
    second = std::move(*beside);
  }
};

}  // namespace

// Issue 16: a group is appended only at the ledger position its judgement
// read. Another writer's command in between makes the engine take it in and
// judge again: the second registration of one clue is refused, not failed
// by the store's stream check nor applied on a stale state.
TEST_CASE("A command judged before another writer's commit is judged again on it",
          "[engine][multi_writer]") {
  TwoEngines engines("second-registration");
  engines.seen->before = [&] {
    auto other = engines.first->Execute(FenggangClue("SX-2023-MW01", "first-registration"));
    REQUIRE(other.ok());
    REQUIRE(other->outcome == CommandResult::Outcome::kApplied);
  };
  const std::uint64_t before = engines.store->Ledger().position;
  auto late = engines.second->Execute(FenggangClue("SX-2023-MW01", "second-registration"));
  REQUIRE(late.ok());
  CHECK(late->outcome == CommandResult::Outcome::kRejected);
  CHECK(engines.seen->lookups.load() == 2);  // judged twice
  CHECK(engines.store->Ledger().position == before + 1);
  CHECK(engines.store->FindCommand("second-registration").status().code() ==
        StatusCode::kNotFound);
}

// Access records (a reader's) between judgement and append are read by no
// decider: the group goes at the new end as judged, not judged again.
TEST_CASE("Access records appended between judgement and append need no second judgement",
          "[engine][multi_writer]") {
  TwoEngines engines("after-access");
  engines.seen->before = [&] {
    AppendRequest access;
    access.stream = "access/SX-2023-MW02";
    access.expected = ExpectedVersion::Any();
    access.command_id = "access:test:1:SX-2023-MW02";
    NewEvent read;
    read.type = "case_accessed";
    read.occurred_at = "2023-09-12T10:00:00.000000+08:00";
    read.actor = Actor{"SX-OF-0094", "enforcement_officer", "fenggang"};
    read.data = boost::json::object{{"case_id", "SX-2023-MW02"}, {"what", "case"}};
    access.events.push_back(std::move(read));
    REQUIRE(engines.store->Append(access).ok());
  };
  const std::uint64_t before = engines.store->Ledger().position;
  auto applied = engines.second->Execute(FenggangClue("SX-2023-MW02", "after-access"));
  REQUIRE(applied.ok());
  CHECK(applied->outcome == CommandResult::Outcome::kApplied);
  CHECK(engines.seen->lookups.load() == 1);  // judged once
  CHECK(applied->append.first_position == before + 2);
  CHECK(engines.store->VerifyChain().value().ok());
}

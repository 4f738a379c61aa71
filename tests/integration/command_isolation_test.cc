// One caller's bad command never fails another caller's (issue 14 §1).
//
// Every limit the store enforces is checked when a command is judged, before
// it joins a group write, with the same answer in a dry run; and should the
// store still refuse a request of a group, only the job or command it is
// about fails: the rest of the group is judged again and written.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "support/forwarding_store.h"
#include "support/test_support.h"
#include "zf/engine.h"

using namespace zf;
using zf::testing::LoadAll;

namespace {

// Forwards to a memory store. A batch holding a request whose command id
// starts with "poison" is refused as a whole, as the store refuses an
// atomic batch with a request that breaks one of its rules; each batch may
// be slowed, as a sync on a slow disk is, so that callers pile up into
// groups. Counts what would show a fold of the whole log.
class RefusingStore final : public zf::testing::ForwardingStore {
 public:
  explicit RefusingStore(std::unique_ptr<EventStore> inner)
      : ForwardingStore(std::shared_ptr<EventStore>(std::move(inner))) {}

  std::atomic<bool> slow{false};
  std::atomic<int> refused{0};
  std::atomic<int> batches{0};
  mutable std::atomic<int> read_all{0};
  mutable std::atomic<int> reference_reads{0};  // of a reference stream from its start

  Result<std::vector<Result<AppendResult>>> AppendBatch(std::span<const AppendRequest> requests,
                                                        const AppendOptions& options) override {
    ++batches;
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].command_id.starts_with("poison")) {
        ++refused;
        return InvalidArgumentError(
                   fmt::format("request {} of the atomic batch: a rule only this store has", i))
            .WithSubject("/events/0/data");
      }
    }
    return ForwardingStore::AppendBatch(requests, options);
  }
  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from) const override {
    ++read_all;
    return ForwardingStore::ReadAll(from);
  }
  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from,
                                          Direction direction) const override {
    if (from <= 1 && internal::IsReferenceStream(stream)) ++reference_reads;
    return ForwardingStore::ReadStream(stream, from, direction);
  }
};

// FenggangClue from `actor` (which may break the store's rules for actors).
Command Clue(const std::string& case_id, const std::string& command_id,
             boost::json::object actor = {{"id", "SX-OF-0094"},
                                          {"role", "enforcement_officer"},
                                          {"unit", "fenggang"}}) {
  Command command = zf::testing::FenggangClue(case_id, command_id);
  command.actor = Actor{std::string(actor["id"].as_string()),
                        std::string(actor["role"].as_string()),
                        std::string(actor["unit"].as_string())};
  return command;
}

// An issue_on_spot_decision (simplified procedure, APL art. 51) whose
// free-form `facts` hold `extra`.
Command OnSpot(const std::string& case_id, const std::string& command_id,
               boost::json::value extra) {
  Command command;
  command.type = "issue_on_spot_decision";
  command.command_id = command_id;
  command.at = "2023-09-12T11:00:00+08:00";
  command.actor = Actor{"SX-OF-0094", "enforcement_officer", "fenggang"};
  command.target = case_id;
  command.data = {{"document_number", "沙凤当罚〔2023〕9号"},
                  {"officers", {"SX-OF-0094", "SX-OF-0095"}},
                  {"credentials_shown", true},
                  {"statement_heard", true},
                  {"penalty_types", {"warning"}},
                  {"fine_fen", 0},
                  {"delivery", "on_spot"},
                  {"facts", {{"x", std::move(extra)}}}};
  return command;
}

boost::json::value Nested(int depth) {
  boost::json::value v = "leaf";
  for (int i = 0; i < depth; ++i) v = boost::json::object{{"a", std::move(v)}};
  return v;
}

std::pair<std::shared_ptr<RefusingStore>, std::unique_ptr<Engine>> RefusingEngine() {
  auto memory = NewMemoryEventStore();
  REQUIRE(memory.ok());
  auto store = std::make_shared<RefusingStore>(std::move(*memory));
  auto engine = Engine::Open(EngineOptions{}, store);
  REQUIRE(engine.ok());
  LoadAll(**engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  return {store, std::move(*engine)};
}

// register_officer for a new officer of the Fenggang township.
Command Officer(const std::string& officer_id, const std::string& command_id) {
  Command command;
  command.type = "register_officer";
  command.command_id = command_id;
  command.at = "2023-09-12T09:00:00+08:00";
  command.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice"};
  command.data = {{"officer_id", officer_id},
                  {"name", "陈新"},
                  {"agency", "fenggang"},
                  {"roles", {"enforcement_officer"}}};
  return command;
}

bool Applied(const Result<CommandResult>& r) {
  return r.ok() && r->outcome == CommandResult::Outcome::kApplied;
}

}  // namespace

TEST_CASE("Commands the store would refuse are refused when judged, as in a dry run",
          "[engine][isolation]") {
  auto [store, engine] = RefusingEngine();
  const std::string control = std::string("SX-OF-") + '\x01' + "94";
  struct Bad {
    std::string what;
    Command command;
    std::string subject;
  };
  std::vector<Bad> bad;
  bad.push_back({"actor id with a control character",
                 Clue("SX-BAD-1", "bad-1",
                      {{"id", control}, {"role", "enforcement_officer"}, {"unit", "fenggang"}}),
                 "/actor/id"});
  bad.push_back({"actor role over 128 bytes",
                 Clue("SX-BAD-2", "bad-2",
                      {{"id", "SX-OF-0094"}, {"role", std::string(129, 'r')}, {"unit", "fenggang"}}),
                 "/actor/role"});
  bad.push_back({"actor unit with DEL",
                 Clue("SX-BAD-3", "bad-3",
                      {{"id", "SX-OF-0094"}, {"role", "enforcement_officer"}, {"unit", "feng\x7fgang"}}),
                 "/actor/unit"});
  bad.push_back({"facts nested past the limit", OnSpot("SX-BAD-4", "bad-4", Nested(40)), ""});
  bad.push_back({"a float in the facts", OnSpot("SX-BAD-5", "bad-5", boost::json::value(1.5)),
                 "/data/facts/x"});
  bad.push_back({"a command over 1 MiB",
                 OnSpot("SX-BAD-6", "bad-6", boost::json::value(std::string(1 << 20, 'x'))),
                 "/data"});

  const std::uint64_t before = store->Ledger().position;
  store->batches = 0;
  for (const Bad& b : bad) {
    INFO(b.what);
    auto dry = engine->StartDryRun()->ExecuteBatch(std::span(&b.command, 1),
                                                   BatchMode::kIndependent);
    REQUIRE(dry.ok());
    auto real = engine->Execute(b.command);
    REQUIRE_FALSE(real.ok());
    CHECK(real.status().code() == StatusCode::kInvalidArgument);
    if (!b.subject.empty()) CHECK(real.status().subject() == b.subject);
    CHECK(real.status().subject().starts_with(b.subject.empty() ? "/data/facts/x/a" : "/"));
    // The same answer in a dry run.
    REQUIRE_FALSE((*dry)[0].ok());
    CHECK((*dry)[0].status().code() == real.status().code());
    CHECK((*dry)[0].status().message() == real.status().message());
    CHECK((*dry)[0].status().subject() == real.status().subject());
  }
  // Judging refused them: none reached the store.
  CHECK(store->Ledger().position == before);
  CHECK(store->batches.load() == 0);
}

TEST_CASE("A malicious caller in a loop leaves every other caller's commands applied",
          "[engine][isolation][concurrency]") {
  auto [store, engine] = RefusingEngine();
  store->slow = true;
  const std::uint64_t before = store->Ledger().position;
  constexpr int kGood = 4, kPerGood = 25;
  std::atomic<int> good_done{0};
  std::vector<std::vector<Result<CommandResult>>> good(kGood);
  std::vector<std::vector<Result<CommandResult>>> evil(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kGood; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerGood; ++i) {
        const std::string id = fmt::format("SX-GOOD-{}-{}", t, i);
        good[t].push_back(engine->Execute(Clue(id, "good-" + id)));
      }
      ++good_done;
    });
  }
  // One attacker sends what the store's limits refuse; the other what only
  // the store knows to refuse (the poison rule of RefusingStore).
  const std::string control = std::string("evil") + '\n';
  threads.emplace_back([&] {
    for (int i = 0; good_done.load() < kGood || i < 5; ++i) {
      evil[0].push_back(engine->Execute(
          Clue(fmt::format("SX-EVIL-{}", i), fmt::format("evil-{}", i),
               {{"id", control}, {"role", "enforcement_officer"}, {"unit", "fenggang"}})));
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; good_done.load() < kGood || i < 5; ++i) {
      evil[1].push_back(engine->Execute(
          Clue(fmt::format("SX-POISON-{}", i), fmt::format("poison-{}", i))));
    }
  });
  for (auto& thread : threads) thread.join();

  int applied = 0;
  for (const auto& list : good) {
    for (const auto& answer : list) {
      INFO((answer.ok() ? std::string("ok") : answer.status().ToString()));
      CHECK(Applied(answer));
      applied += Applied(answer) ? 1 : 0;
    }
  }
  CHECK(applied == kGood * kPerGood);  // the success rate of a quiet engine
  for (const auto& list : evil) {
    for (const auto& answer : list) {
      REQUIRE_FALSE(answer.ok());
      CHECK(answer.status().code() == StatusCode::kInvalidArgument);
    }
  }
  // Only the good commands were stored (one event each), and no refusal
  // folded the whole log again.
  CHECK(store->Ledger().position == before + kGood * kPerGood);
  CHECK(store->read_all.load() == 0);
  CHECK(store->refused.load() >= static_cast<int>(evil[1].size()));
}

TEST_CASE("A store refusal fails only its command and the rest is judged again",
          "[engine][isolation]") {
  auto [store, engine] = RefusingEngine();
  const std::uint64_t before = store->Ledger().position;
  const int reference_reads = store->reference_reads.load();  // the open's

  SECTION("independent: the other commands apply, judged without the refused one") {
    // The poisoned command registers case A first; the command after it,
    // for the same case, was rejected (case_exists) while the poisoned one
    // stood before it, and applies once it is refused.
    std::vector<Command> batch = {Clue("SX-ISO-0", "iso-0"), Clue("SX-ISO-A", "poison-a"),
                                  Clue("SX-ISO-A", "iso-a"), Clue("SX-ISO-1", "iso-1")};
    auto results = engine->ExecuteBatch(batch, BatchMode::kIndependent);
    REQUIRE(results.ok());
    REQUIRE(results->size() == 4);
    CHECK(Applied((*results)[0]));
    REQUIRE_FALSE((*results)[1].ok());
    CHECK((*results)[1].status().code() == StatusCode::kInvalidArgument);
    CHECK(Applied((*results)[2]));
    CHECK(Applied((*results)[3]));
    CHECK(store->Ledger().position == before + 3);
    CHECK((*results)[2]->append.first_version == 1);
  }
  SECTION("stop at first failure: the commands before it apply, none after") {
    std::vector<Command> batch = {Clue("SX-ISO-0", "iso-0"), Clue("SX-ISO-A", "poison-a"),
                                  Clue("SX-ISO-1", "iso-1")};
    auto results = engine->ExecuteBatch(batch, BatchMode::kStopAtFirstFailure);
    REQUIRE(results.ok());
    REQUIRE(results->size() == 2);
    CHECK(Applied((*results)[0]));
    CHECK((*results)[1].status().code() == StatusCode::kInvalidArgument);
    CHECK(store->Ledger().position == before + 1);
    CHECK(store->Head("case/SX-ISO-1").status().code() == StatusCode::kNotFound);
  }
  SECTION("atomic: the whole batch fails, nothing stored") {
    std::vector<Command> batch = {Clue("SX-ISO-0", "iso-0"), Clue("SX-ISO-A", "poison-a")};
    auto results = engine->ExecuteBatch(batch, BatchMode::kAtomic);
    REQUIRE_FALSE(results.ok());
    CHECK(results.status().code() == StatusCode::kInvalidArgument);
    CHECK(store->Ledger().position == before);
    // The engine forgot the unwritten case: it can be registered again.
    CHECK(Applied(engine->Execute(Clue("SX-ISO-0", "iso-0-again"))));
  }
  SECTION("a single command") {
    auto result = engine->Execute(Clue("SX-ISO-A", "poison-a"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
    CHECK(Applied(engine->Execute(Clue("SX-ISO-A", "iso-a"))));
  }
  CHECK(store->read_all.load() == 0);
  // None of these groups published reference data: the rule book stood as
  // it was, and was not folded from the store again.
  CHECK(store->reference_reads.load() == reference_reads);
}

TEST_CASE("A refused group that published reference data forgets the publication",
          "[engine][isolation]") {
  auto [store, engine] = RefusingEngine();
  const int reference_reads = store->reference_reads.load();  // the open's
  std::vector<Command> batch = {Officer("SX-OF-9001", "iso-officer"),
                                Clue("SX-ISO-A", "poison-a")};
  auto refused = engine->ExecuteBatch(batch, BatchMode::kAtomic);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  // The rule book was folded again, without the officer: registering the
  // officer is not "already registered".
  CHECK(store->reference_reads.load() > reference_reads);
  CHECK(Applied(engine->Execute(Officer("SX-OF-9001", "iso-officer-again"))));
  CHECK_FALSE(Applied(engine->Execute(Officer("SX-OF-9001", "iso-officer-third"))));
}

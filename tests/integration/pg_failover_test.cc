// Failover with nothing acknowledged lost (ctest: pg.failover, through
// tests/cli/pg_failover_test.sh). A primary with a synchronous hot standby
// (scripts/pg-replica-cluster); one engine on the PostgreSQL store through
// the multi-host URL "127.0.0.1:A,127.0.0.1:B … target_session_attrs=
// read-write"; several client threads stream commands into it. At a random
// moment the primary is SIGKILLed (postmaster and children at once), the
// standby is promoted and a new standby is built from it. Clients retry a
// command that got no answer (kUnavailable: the store was unreachable, or
// the commit's outcome is unknown) with the same command id until it is
// answered. After every run: each acknowledged command is in the log
// exactly once, at the positions its answer named, every event of the run
// belongs to a recorded command, and the chain verifies. Hidden ([.]):
// it needs the replica cluster, which the ctest fixture starts.
//
//   ZF_TEST_PG_REPLICA_STATE   the cluster's state directory (url, ports)
//   ZF_PG_REPLICA_SCRIPT       scripts/pg-replica-cluster
//   ZF_FAILOVER_RUNS           failovers (default 20)
//   ZF_FAILOVER_SEED           the random moments' seed (default: random,
//                              printed, so a failing run can be repeated)
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "store/pg_connection.h"
#include "support/engine_fixtures.h"
#include "support/pg_test_support.h"
#include "zf/engine.h"
#include "zf/event_store.h"
#include "zf/store_location.h"

using namespace zf;

namespace {

std::string Env(const char* name, std::string fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

void Cluster(const std::string& action) {
  const std::string command =
      fmt::format("'{}' {} '{}'", Env("ZF_PG_REPLICA_SCRIPT"), action,
                  Env("ZF_TEST_PG_REPLICA_STATE"));
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Ack {
  std::string command_id;
  AppendResult append;
  bool after_no_answer = false;  // answered on a retry
};

}  // namespace

TEST_CASE("Failover: SIGKILL of the primary mid-stream, promotion, reconnection; every "
          "acknowledged command exactly once",
          "[.][pg_failover]") {
  const std::string state = Env("ZF_TEST_PG_REPLICA_STATE");
  const std::string base = state.empty() ? "" : ReadLine(state + "/url");
  if (base.empty()) {
    std::printf("SKIPPED: no replica cluster (scripts/pg-replica-cluster)\n");
    std::exit(Env("ZF_TEST_PG_REQUIRED").empty() ? zf::testing::kSkipExitCode : 1);
  }
  const int runs = std::stoi(Env("ZF_FAILOVER_RUNS", "20"));
  const unsigned seed =
      static_cast<unsigned>(std::stoul(Env("ZF_FAILOVER_SEED", std::to_string(std::random_device{}()))));
  std::printf("failover: %d runs, ZF_FAILOVER_SEED=%u\n", runs, seed);
  std::mt19937 random(seed);

  const std::string schema = "zf_failover";
  {
    auto admin = internal::PgConnection::Connect(base);
    REQUIRE(admin.ok());
    REQUIRE((*admin)->Run("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema)
                .ok());
  }
  // Long enough for a promotion and a rebuilt standby (commits wait for
  // one) on a loaded machine; the clients retry past it anyway.
  const std::string url = base + "&options=-csearch_path%3D" + schema + "&zf_reconnect_timeout=30";
  std::ofstream(state + "/store_url") << url << "\n";
  auto opened = OpenPostgresEventStore(StoreOptions{}, url);
  REQUIRE(opened.ok());
  std::shared_ptr<EventStore> store = std::move(*opened);
  auto engine_opened = Engine::Open(EngineOptions{}, store);
  REQUIRE(engine_opened.ok());
  std::unique_ptr<Engine> engine = std::move(*engine_opened);
  zf::testing::LoadAll(*engine, {"02-org.jsonl"});

  constexpr int kClients = 4;
  int total_acks = 0, total_no_answer = 0, total_found_applied = 0;
  for (int run = 0; run < runs; ++run) {
    INFO("run " << run << ", ZF_FAILOVER_SEED=" << seed);
    const auto run_start = SteadyClock::now();
    const std::uint64_t from = store->Ledger().position + 1;
    std::atomic<bool> stop{false};
    std::atomic<bool> killed{false};
    std::atomic<int> acks_after_kill{0};
    std::atomic<int> no_answer{0};
    std::mutex mu;
    std::vector<Ack> acks;              // GUARDED_BY(mu)
    std::vector<std::string> failures;  // GUARDED_BY(mu)
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; !stop.load(); ++i) {
          const std::string id = fmt::format("SX-FO-{}-{}-{}", run, t, i);
          const Command command = zf::testing::FenggangClue(id, "fo-" + id);
          const auto give_up = SteadyClock::now() + std::chrono::seconds(90);
          bool retried = false;
          for (;;) {
            Result<CommandResult> answer = engine->Execute(command);
            if (answer.ok() && answer->outcome != CommandResult::Outcome::kRejected) {
              std::lock_guard lock(mu);
              acks.push_back(Ack{command.command_id, answer->append, retried});
              if (killed.load()) ++acks_after_kill;
              break;
            }
            if (answer.ok() || answer.status().code() != StatusCode::kUnavailable ||
                SteadyClock::now() > give_up) {
              std::lock_guard lock(mu);
              failures.push_back(fmt::format(
                  "{}: {}", command.command_id,
                  answer.ok() ? answer->rejection->code + " " + answer->rejection->message
                              : answer.status().ToString()));
              stop = true;
              return;
            }
            // No answer: the store was unreachable, or the commit's outcome
            // is unknown. The same command again, with the same id.
            retried = true;
            ++no_answer;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      });
    }
    // The random moment: somewhere in the stream (the first commands are
    // acknowledged within some tens of milliseconds).
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(50, 600)(random)));
    killed = true;
    Cluster("kill-primary");
    Cluster("promote");
    Cluster("rebuild");
    // Until every client has been answered on the new primary a few times.
    const auto settle = SteadyClock::now() + std::chrono::seconds(90);
    while (acks_after_kill.load() < 3 * kClients && !stop.load() && SteadyClock::now() < settle) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop = true;
    for (std::thread& c : clients) c.join();
    {
      std::lock_guard lock(mu);
      for (const std::string& f : failures) FAIL_CHECK(f);
      REQUIRE(failures.empty());
      REQUIRE(acks_after_kill.load() >= 3 * kClients);
    }

    // Exactly once: each acknowledged command's record names the positions
    // its answer named, and the run's events are the recorded commands'
    // events, each command's contiguous and in one group.
    std::map<std::string, std::vector<std::uint64_t>> positions_of;
    auto cursor = store->ReadAll(from);
    std::uint64_t last = from - 1;
    for (; cursor->Valid(); cursor->Next()) {
      const EventRecord& e = cursor->event();
      REQUIRE(e.position == last + 1);
      last = e.position;
      positions_of[e.command_id].push_back(e.position);
    }
    REQUIRE(cursor->status().ok());
    int found_applied = 0;
    for (const Ack& ack : acks) {
      INFO(ack.command_id);
      auto recorded = store->FindCommand(ack.command_id);
      REQUIRE(recorded.ok());
      CHECK(recorded->first_position == ack.append.first_position);
      CHECK(recorded->last_position == ack.append.last_position);
      const auto& mine = positions_of[ack.command_id];
      REQUIRE_FALSE(mine.empty());
      CHECK(mine.front() == ack.append.first_position);
      CHECK(mine.back() == ack.append.last_position);
      CHECK(mine.size() == ack.append.last_position - ack.append.first_position + 1);
      if (ack.after_no_answer && ack.append.already_applied) ++found_applied;
    }
    for (const auto& [command_id, positions] : positions_of) {
      INFO(command_id);
      auto recorded = store->FindCommand(command_id);
      REQUIRE(recorded.ok());  // no event without its command's record
      CHECK(positions.front() == recorded->first_position);
      CHECK(positions.size() == recorded->last_position - recorded->first_position + 1);
    }
    auto report = store->VerifyChain();
    REQUIRE(report.ok());
    REQUIRE(report->ok());
    total_acks += static_cast<int>(acks.size());
    total_no_answer += no_answer.load();
    total_found_applied += found_applied;
    std::printf("failover run %d: %zu acknowledged, %d answers missing and retried, %d of them "
                "found applied, ledger %llu, %.1f s\n",
                run + 1, acks.size(), no_answer.load(), found_applied,
                static_cast<unsigned long long>(store->Ledger().position),
                Seconds(SteadyClock::now() - run_start));
    std::fflush(stdout);
  }
  std::printf("failover: %d runs passed, %d commands acknowledged, %d missing answers retried "
              "(%d found already applied)\n",
              runs, total_acks, total_no_answer, total_found_applied);

  // The standby alone is read-only: a clear refusal, nothing written.
  const std::string standby_node = ReadLine(state + "/standby");
  REQUIRE_FALSE(standby_node.empty());
  const std::string standby_url =
      fmt::format("postgresql://zf@127.0.0.1:{}/zf_test?options=-csearch_path%3D{}&"
                  "zf_reconnect_timeout=0.5",
                  ReadLine(state + "/port_" + standby_node), schema);
  auto standby = OpenPostgresEventStore(StoreOptions{}, standby_url);
  REQUIRE(standby.ok());
  const std::uint64_t ledger = store->Ledger().position;
  auto refused = (*standby)->AppendBatch(
      std::vector<AppendRequest>{zf::testing::MakeRequest("case/RO", "ro-standby", 2)},
      AppendOptions{.mode = BatchMode::kAtomic});
  REQUIRE(refused.status().code() == StatusCode::kUnavailable);
  CHECK(refused.status().message().find("is read-only") != std::string_view::npos);
  CHECK(store->FindCommand("ro-standby").status().code() == StatusCode::kNotFound);
  CHECK(store->Ledger().position == ledger);
}

// Child process for the crash test: appends to a few streams with sync on,
// printing "ack <first> <last> <stream> <version>" after each acknowledged
// append, until it is killed. Several threads append at once so that group
// commit is exercised while the parent pulls the plug. With "batch" each
// thread appends batches of 300 requests (≈ 600 events), which the store
// writes as a pipeline of parts.
//
// With "engine SAMPLE_DIR" the child opens an Engine over the store instead
// (loading the Shaxian reference data into an empty one) and its threads
// register clues of 40 parties, printing "ack <command_id>" after each
// applied command: every group writes events, case views and index rows in
// one atomic write, which the parent checks after the kill.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "zf/command.h"
#include "zf/engine.h"
#include "zf/event_store.h"

namespace {

[[noreturn]] void Fail(const char* what, const zf::Status& s) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::_Exit(1);
}

// Loads one sample file atomically (an empty store only).
void LoadSample(zf::Engine& engine, const std::string& file) {
  std::ifstream in(file);
  if (!in.good()) Fail("sample", zf::NotFoundError(file));
  std::vector<zf::Command> commands;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto command = zf::CommandFromJson(boost::json::parse(line));
    if (!command.ok()) Fail("sample", command.status());
    commands.push_back(*command);
  }
  auto results = engine.ExecuteBatch(commands, zf::BatchMode::kAtomic);
  if (!results.ok()) Fail("sample", results.status());
}

int RunEngine(const char* db, int threads, const std::string& sample_dir) {
  auto engine = zf::Engine::Open(zf::EngineOptions{}, db);
  if (!engine.ok()) Fail("open", engine.status());
  if ((*engine)->store()->Ledger().position == 0) {
    for (const char* file : {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"}) {
      LoadSample(**engine, sample_dir + "/" + file);
    }
  }
  std::mutex out_mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::uint64_t i = 0;; ++i) {
        const std::string id = "CRASH-" + std::to_string(::getpid()) + "-" + std::to_string(t) +
                               "-" + std::to_string(i);
        auto command = zf::CommandFromJson(boost::json::object{
            {"command", "register_clue"},
            {"command_id", "cmd-" + id},
            {"at", "2023-09-12T10:00:00+08:00"},
            {"actor", {{"id", "SX-OF-0103"}, {"role", "enforcement_officer"}, {"unit", "gaosha"}}},
            {"case_id", id},
            {"data",
             {{"source", "inspection"},
              {"township", "gaosha"},
              {"item_code", "SAFE-017"},
              {"description", "crash probe"},
              {"discovered_on", "2023-09-11"},
              {"party",
               {{"id", "P-" + std::to_string((t * 7 + i) % 40)},
                {"name", "crash probe party"},
                {"category", "organisation"}}}}}});
        if (!command.ok()) Fail("command", command.status());
        auto result = (*engine)->Execute(*command);
        if (!result.ok()) Fail("execute", result.status());
        if (result->outcome != zf::CommandResult::Outcome::kApplied) {
          std::fprintf(stderr, "not applied: %s\n",
                       result->rejection ? result->rejection->message.c_str() : "");
          std::_Exit(1);
        }
        std::lock_guard lock(out_mu);
        std::printf("ack %s\n", command->command_id.c_str());
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: zf_crash_child DB [THREADS [batch|engine SAMPLE_DIR]]\n");
    return 2;
  }
  if (argc > 4 && std::string(argv[3]) == "engine") {
    return RunEngine(argv[1], std::stoi(argv[2]), argv[4]);
  }
  const int threads = argc > 2 ? std::stoi(argv[2]) : 4;
  const std::size_t per_call = argc > 3 && std::string(argv[3]) == "batch" ? 300 : 1;
  auto store = zf::OpenRocksDbEventStore(zf::StoreOptions{}, argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mutex out_mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<zf::AppendRequest> batch;
      for (std::uint64_t i = 0;; ++i) {
        zf::AppendRequest r;
        r.stream = "crash/" + std::to_string((t + i) % 5);
        r.command_id = "crash-" + std::to_string(t) + "-" + std::to_string(i) + "-" +
                       std::to_string(::getpid());
        for (int k = 0; k < 1 + static_cast<int>(i % 3); ++k) {
          zf::NewEvent e;
          e.type = "crash_probe_recorded";
          e.occurred_at = "2023-09-12T09:30:00+08:00";
          e.actor = {"crash", "system", "test"};
          e.data = boost::json::object{{"thread", t}, {"i", i}, {"k", k},
                                       {"pad", std::string(200, 'x')}};
          r.events.push_back(std::move(e));
        }
        batch.push_back(std::move(r));
        if (batch.size() < per_call) continue;
        auto results = (*store)->AppendBatch(batch, zf::AppendOptions{});
        batch.clear();
        if (!results.ok()) {
          std::fprintf(stderr, "append: %s\n", results.status().ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard lock(out_mu);
        for (const auto& result : *results) {
          if (!result.ok()) {
            std::fprintf(stderr, "append: %s\n", result.status().ToString().c_str());
            std::_Exit(1);
          }
          std::printf("ack %llu %llu %s %llu\n",
                      static_cast<unsigned long long>(result->first_position),
                      static_cast<unsigned long long>(result->last_position),
                      result->stream.c_str(),
                      static_cast<unsigned long long>(result->last_version));
        }
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}

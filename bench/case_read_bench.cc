// case_read_bench — the latency of one case read inside an open engine
// (issue 13: p99 ≤ 1 ms at 10^7 events).
//
// Opens an engine over the store read-only (beside a writer if there is
// one), as `zfcli case show` does, picks N case ids at random (seeded) from
// the stored case rows, and times Engine::CaseView for each, twice over:
//   1. first thing after the open: the area and names come from the
//      reference names rows (the rule book is not folded);
//   2. after the rule book was folded (what a server that has judged a
//      command does), on N other cases.
// Every read is of a case not read before, so each one folds its case's
// events from the store (no cached state). Prints the open's time and, per
// phase, p50 / p90 / p99 / max in microseconds.
//
//   case_read_bench STORE_DIR [--reads N] [--seed S]
//
// N (default 10,000) is capped at a quarter of the store's cases.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_args.h"
#include "zf/engine.h"
#include "zf/event_store.h"

namespace {

constexpr std::string_view kProgram = "case_read_bench";

double Micros(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// Every stored case id (the case rows' keys), then `count` of them at random.
std::vector<std::string> PickCases(const zf::EventStore& store, std::size_t count,
                                   std::uint64_t seed) {
  constexpr std::string_view kPrefix = "case_view/";
  std::vector<std::string> ids;
  zf::Status scanned = store.ScanProjections(kPrefix, [&](std::string_view key, std::string_view) {
    ids.emplace_back(key.substr(kPrefix.size()));
    return true;
  });
  if (!scanned.ok()) zf::bench::Die(kProgram, scanned.ToString());
  if (ids.size() < 4) {
    zf::bench::Die(kProgram, fmt::format("the store has {} cases, fewer than 4", ids.size()));
  }
  std::mt19937_64 random(seed);
  std::shuffle(ids.begin(), ids.end(), random);
  // A small store gives each phase a quarter of its cases.
  ids.resize(std::min(count, ids.size() / 4 * 4));
  return ids;
}

void Report(std::string_view phase, std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<std::size_t>(q * micros.size()))];
  };
  fmt::print("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |\n", phase, micros.size(), at(0.5),
             at(0.9), at(0.99), micros.back());
}

template <typename Fn>
std::vector<double> Time(const std::vector<std::string>& ids, Fn read) {
  std::vector<double> micros;
  for (const std::string& id : ids) {
    const auto start = std::chrono::steady_clock::now();
    zf::Status status = read(id);
    micros.push_back(Micros(std::chrono::steady_clock::now() - start));
    if (!status.ok()) zf::bench::Die(kProgram, fmt::format("{}: {}", id, status.ToString()));
  }
  return micros;
}

std::vector<double> ReadAll(zf::Engine& engine, const std::vector<std::string>& ids) {
  std::vector<double> micros;
  for (const std::string& id : ids) {
    const auto start = std::chrono::steady_clock::now();
    auto view = engine.CaseView(id, zf::AsOf{});
    micros.push_back(Micros(std::chrono::steady_clock::now() - start));
    if (!view.ok()) zf::bench::Die(kProgram, fmt::format("{}: {}", id, view.status().ToString()));
  }
  return micros;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) zf::bench::Die(kProgram, "usage: case_read_bench STORE_DIR [--reads N] [--seed S]");
  std::size_t reads = 10000;
  std::uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--reads") {
      reads = zf::bench::ParseCount(kProgram, flag, argv[i + 1]);
    } else if (flag == "--seed") {
      seed = zf::bench::ParseCount(kProgram, flag, argv[i + 1]);
    } else {
      zf::bench::Die(kProgram, fmt::format("unknown option {}", flag));
    }
  }
  zf::EngineOptions options;
  options.store.read_only = true;
  options.store.index_blocks_on_demand = true;
  const auto start = std::chrono::steady_clock::now();
  auto store = zf::OpenRocksDbEventStore(options.store, argv[1]);
  if (!store.ok()) zf::bench::Die(kProgram, store.status().ToString());
  std::shared_ptr<zf::EventStore> shared(std::move(*store));
  auto engine = zf::Engine::Open(options, shared);
  if (!engine.ok()) zf::bench::Die(kProgram, engine.status().ToString());
  const double open_ms = Micros(std::chrono::steady_clock::now() - start) / 1000;

  const std::vector<std::string> ids = PickCases(*shared, 4 * reads, seed);
  reads = ids.size() / 4;
  const std::vector<std::string> first(ids.begin(), ids.begin() + reads);
  const std::vector<std::string> second(ids.begin() + reads, ids.begin() + 2 * reads);
  const std::vector<std::string> heads(ids.begin() + 2 * reads, ids.begin() + 3 * reads);
  const std::vector<std::string> rows(ids.begin() + 3 * reads, ids.end());
  fmt::print("open (store + engine): {:.1f} ms; {} cases read per phase (seed {})\n\n", open_ms,
             reads, seed);
  fmt::print("| phase | reads | p50 µs | p90 µs | p99 µs | max µs |\n|---|---:|---:|---:|---:|---:|\n");
  Report("names rows (no rule book)", ReadAll(**engine, first));
  const auto fold_start = std::chrono::steady_clock::now();
  if (auto calendar = (*engine)->Calendar(); !calendar.ok()) {
    zf::bench::Die(kProgram, calendar.status().ToString());
  }
  const double fold_ms = Micros(std::chrono::steady_clock::now() - fold_start) / 1000;
  Report("rule book folded", ReadAll(**engine, second));
  // What a read is made of: the two point reads of the store it starts
  // with, each on cases not read before.
  Report("store: the case stream's head", Time(heads, [&](const std::string& id) {
           return shared->Head("case/" + id).status();
         }));
  Report("store: the case row", Time(rows, [&](const std::string& id) {
           return shared->ReadProjection("case_view/" + id).status();
         }));
  fmt::print("\nrule book fold: {:.1f} ms\n", fold_ms);
  return 0;
}

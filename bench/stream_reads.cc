// stream_reads: random whole-stream reads on a store that `peers --keep-zf`
// left behind, opened afresh read-only: the latency of a 20-event read
// with and without the event blocks in the block cache
// (StoreOptions::cache_event_reads; docs/performance.md, "Stream reads
// without filling the cache"). A benchmark, not a test.
//
//   build/bin/peers --only zf --events 1000000 --streams 50000 --runs 1
//       --seconds 1 --reads 200 --dir /tmp/sr --keep-zf    (one line)
//   build/bin/stream_reads /tmp/sr/zf-0 --streams 50000 --reads 3000 --cache-event-reads no
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "zf/event_store.h"

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "stream_reads: %s\n", message.c_str());
  std::exit(2);
}

struct Options {
  std::string store;
  std::size_t streams = 50000;
  std::size_t reads = 3000;  // timed, after as many untimed
  bool cache_event_reads = true;
};

Options Parse(int argc, char** argv) {
  Options o;
  if (argc < 2) Die("usage: stream_reads STORE [--streams S] [--reads K] [--cache-event-reads yes|no]");
  o.store = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) Die(fmt::format("{} needs a value", arg));
    const std::string_view value = argv[++i];
    if (arg == "--streams") {
      o.streams = std::strtoull(value.data(), nullptr, 10);
    } else if (arg == "--reads") {
      o.reads = std::strtoull(value.data(), nullptr, 10);
    } else if (arg == "--cache-event-reads" && (value == "yes" || value == "no")) {
      o.cache_event_reads = value == "yes";
    } else {
      Die(fmt::format("unknown option or value: {} {}", arg, value));
    }
  }
  if (o.streams == 0 || o.reads == 0) Die("--streams and --reads must be at least 1");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  zf::StoreOptions options;
  options.read_only = true;
  options.cache_event_reads = o.cache_event_reads;
  auto store = zf::OpenRocksDbEventStore(options, o.store);
  if (!store.ok()) Die(store.status().ToString());
  std::mt19937_64 rng(9);
  std::vector<double> micros;
  std::size_t events = 0;
  for (int timed = 0; timed < 2; ++timed) {  // untimed first: a full cache
    micros.clear();
    for (std::size_t i = 0; i < o.reads; ++i) {
      // bench/peers.cc StreamName
      const std::string name = fmt::format("case/SX-2023-{:06d}", rng() % o.streams + 1);
      const auto start = std::chrono::steady_clock::now();
      auto cursor = (*store)->ReadStream(name, 1, zf::Direction::kForward);
      for (; cursor->Valid(); cursor->Next()) ++events;
      if (!cursor->status().ok()) Die(cursor->status().ToString());
      micros.push_back(std::chrono::duration<double, std::micro>(
                           std::chrono::steady_clock::now() - start).count());
    }
  }
  if (events == 0) Die("no events read: is this a store `peers --keep-zf` left?");
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double p) { return micros[std::min(micros.size() - 1,
                                                         static_cast<std::size_t>(p * micros.size()))]; };
  fmt::print("cache_event_reads={} reads={} events={} p50 {:.0f} p90 {:.0f} p99 {:.0f} us\n",
             o.cache_event_reads, o.reads, events, at(0.5), at(0.9), at(0.99));
  return 0;
}

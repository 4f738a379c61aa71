// store_bench — zf's RocksDB event store against plain RocksDB (the ceiling).
//
// Appends N realistic events (~400-byte JSON payloads) in batches of B with
// one synced write per batch, then replays them all in global order parsing
// every payload; does the same work with a plain rocksdb::DB (one key per
// event, JSON envelope value, WriteBatch + Iterator) and prints both rates
// and their ratio. docs/performance.md records the figures.
//
//   store_bench [--events N] [--batch B] [--streams S] [--threads T] [--dir DIR]
//               [--keep] [--verify] [--no-breakdown] [--json] [--only zf|ceiling]
//               [--helpers H]
//
// --threads T (default 1) appends from T threads on both sides: each thread
// takes the next batch of B requests until none are left; zf's group commit
// and RocksDB's write group merge the concurrent batches. It is a separate
// figure from the single-thread one, which stays the reference.
//
// Events are generated (deterministically, seeded) before any timing starts.
// Phase order: ceiling append, zf append, ceiling replay, zf replay. Between
// phases the process waits (untimed) until RocksDB's background flushes and
// compactions have gone quiet, so one database's background work does not
// run inside the other's timed phase. Both replays read warm (page-cached)
// data: nothing drops the OS cache.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "bench_args.h"
#include "store/envelope.h"
#include "util/canonical_json.h"
#include "util/rfc3339.h"
#include "util/sm3.h"
#include "zf/event.h"
#include "zf/event_store.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// The integer payload field both replays sum, so the parse cannot be elided.
constexpr std::string_view kTouchField = "amount_fen";

[[noreturn]] void Die(std::string_view message) { zf::bench::Die("store_bench", message); }

// --- Options ----------------------------------------------------------------

struct Options {
  std::uint64_t events = 1'000'000;
  std::size_t batch = 1000;
  std::size_t streams = 10'000;
  std::string dir;  // empty: a fresh directory under /tmp
  bool keep = false;
  bool verify = false;
  bool breakdown = true;
  bool json = false;
  // --only zf / --only ceiling: run one side only (for profiling).
  bool run_zf = true;
  bool run_ceiling = true;
  std::size_t threads = 1;  // appending threads, on both sides
  // StoreOptions::append_helpers; unset: the store's default.
  std::optional<std::size_t> helpers;
};

void PrintUsage() {
  fmt::print(
      "usage: store_bench [options]\n"
      "  --events N      events to append and replay (default 1000000)\n"
      "  --batch B       events per AppendBatch / WriteBatch, one sync each (default 1000)\n"
      "  --streams S     distinct streams the events are spread over (default 10000)\n"
      "  --dir DIR       work directory; DIR/zf and DIR/raw must not exist\n"
      "                  (default: a fresh directory under /tmp)\n"
      "  --keep          keep the databases after the run\n"
      "  --verify        also time VerifyChain() over the whole zf store\n"
      "  --no-breakdown  skip the per-event cost breakdown\n"
      "  --json          print the results as one JSON object\n"
      "  --only SIDE     run only the 'zf' or only the 'ceiling' phases (profiling)\n"
      "  --threads T     append from T threads on both sides (default 1)\n"
      "  --helpers H     zf store's helper threads (StoreOptions::append_helpers;\n"
      "                  default: the store's default; 0: none)\n");
}

std::uint64_t ParseCount(std::string_view flag, std::string_view text) {
  return zf::bench::ParseCount("store_bench", flag, text);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next = [&]() -> std::string_view {
      if (i + 1 >= argc) Die(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--events") {
      o.events = ParseCount(arg, next());
    } else if (arg == "--batch") {
      o.batch = ParseCount(arg, next());
    } else if (arg == "--threads") {
      o.threads = ParseCount(arg, next());
    } else if (arg == "--helpers") {
      const std::string_view text = next();
      std::size_t value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        Die(fmt::format("--helpers needs a number, got '{}'", text));
      }
      o.helpers = value;
    } else if (arg == "--streams") {
      o.streams = ParseCount(arg, next());
    } else if (arg == "--dir") {
      o.dir = std::string(next());
    } else if (arg == "--keep") {
      o.keep = true;
    } else if (arg == "--verify") {
      o.verify = true;
    } else if (arg == "--no-breakdown") {
      o.breakdown = false;
    } else if (arg == "--only") {
      const std::string_view side = next();
      if (side != "zf" && side != "ceiling") Die("--only takes 'zf' or 'ceiling'");
      o.run_zf = side == "zf";
      o.run_ceiling = side == "ceiling";
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--help" || arg == "-h") {
      PrintUsage();
      std::exit(0);
    } else {
      PrintUsage();
      Die(fmt::format("unknown argument '{}'", arg));
    }
  }
  return o;
}

// --- Realistic events ---------------------------------------------------------

constexpr std::array kFollowUpTypes = {
    "evidence_recorded",       "evidence_recorded",       "evidence_recorded",
    "evidence_recorded",       "inspection_conducted",    "party_statement_taken",
    "rectification_ordered",   "pre_decision_notice_served", "hearing_requested",
    "decision_made",           "decision_served",         "payment_received",
};
constexpr std::array kRoles = {"enforcement_officer", "enforcement_officer", "legal_reviewer",
                               "agency_head"};
constexpr std::array kUnits = {"gaosha", "fenggang", "lingzhi", "doumen", "mashan", "sunduan"};
constexpr std::array kItems = {
    std::pair{"SAFE-017", "未按规定对重大危险源进行登记建档"},
    std::pair{"SAFE-023", "未按规定开展安全生产教育和培训"},
    std::pair{"ENV-004", "未依法报批建设项目环境影响评价文件"},
    std::pair{"FIRE-011", "占用、堵塞、封闭疏散通道和安全出口"},
    std::pair{"MKT-032", "销售不符合安全标准的产品"},
};
constexpr std::array kPlaces = {"越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县"};
constexpr std::array kNames = {"恒盛", "华翔", "东方", "金鼎", "永丰", "天和", "鸿达", "瑞丰"};
constexpr std::array kKinds = {"化工有限公司", "纺织印染有限公司", "机械制造有限公司",
                               "建材有限公司", "物流有限公司"};
constexpr std::array kDescriptions = {
    "现场检查发现未对重大危险源登记建档。",
    "当事人未开展安全培训，记录缺失。",
    "已送达事先告知书，当事人未申辩。",
    "当事人已缴纳罚款，凭证已归档。",
};

// 2023-01-01T08:30:00+08:00 in Unix microseconds.
constexpr std::int64_t kBaseMicros =
    (zf::internal::DaysFromCivil(2023, 1, 1) * 86400 + 30 * 60) * 1'000'000;

std::string CaseId(std::size_t stream) { return fmt::format("SX-2023-{:06d}", stream + 1); }

// Builds N append requests, one event each, spread round-robin over
// `streams` case streams, so each stream gets ~N/streams events in version
// order ("case_filed" first).
std::vector<zf::AppendRequest> GenerateRequests(const Options& o) {
  std::mt19937_64 rng(20230912);
  auto pick = [&](const auto& array) -> const auto& { return array[rng() % array.size()]; };
  std::vector<zf::AppendRequest> requests;
  requests.reserve(o.events);
  std::vector<std::uint32_t> versions(o.streams, 0);
  for (std::uint64_t i = 0; i < o.events; ++i) {
    const std::size_t s = i % o.streams;
    const std::uint32_t version = ++versions[s];
    const std::string case_id = CaseId(s);
    // The party and item are fixed per case (derived from the stream index).
    const auto& item = kItems[s % kItems.size()];
    const std::string party = fmt::format("{}{}{}", kPlaces[s % kPlaces.size()],
                                          kNames[(s / 7) % kNames.size()],
                                          kKinds[(s / 3) % kKinds.size()]);

    zf::NewEvent e;
    e.type = version == 1 ? "case_filed" : pick(kFollowUpTypes);
    e.occurred_at = zf::internal::FormatRfc3339(
        kBaseMicros + static_cast<std::int64_t>(i) * 29'000'000 +
            static_cast<std::int64_t>(rng() % 29) * 1'000'000,
        480, false);
    e.actor = {fmt::format("SX-OF-{:04d}", rng() % 400), pick(kRoles), pick(kUnits)};

    char digest[65];
    for (int k = 0; k < 4; ++k) {
      fmt::format_to(digest + 16 * k, "{:016x}", rng());
    }
    digest[64] = '\0';
    json::object data;
    data["case_id"] = case_id;
    data["item_code"] = item.first;
    data["item_name"] = item.second;
    data["party_name"] = party;
    data["party_uscc"] = fmt::format("913306{:02d}MA2B{:06X}", s % 100, s * 2654435761u % 0xFFFFFF);
    data[kTouchField] = static_cast<std::int64_t>(rng() % 50'000'000);  // up to 500,000 yuan
    data["confiscated_fen"] = static_cast<std::int64_t>(rng() % 4 == 0 ? rng() % 2'000'000 : 0);
    data["evidence_count"] = static_cast<std::int64_t>(rng() % 20 + 1);
    data["attachment_sm3"] = std::string_view(digest, 64);
    data["description"] = pick(kDescriptions);

    zf::AppendRequest r;
    r.stream = "case/" + case_id;
    r.expected = zf::ExpectedVersion::Any();
    r.command_id = fmt::format("bench-cmd-{:08d}", i);
    e.data = std::move(data);
    r.events.push_back(std::move(e));
    requests.push_back(std::move(r));
  }
  return requests;
}

// --- Helpers --------------------------------------------------------------------

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string PositionKey(std::uint64_t position) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(position & 0xff);
    position >>= 8;
  }
  return key;
}

struct DiskUsage {
  std::uint64_t total = 0;
  std::uint64_t wal = 0;  // RocksDB write-ahead log files (*.log)
};

DiskUsage DirBytes(const fs::path& dir) {
  DiskUsage usage;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::uint64_t size = it->file_size(ec);
    usage.total += size;
    if (it->path().extension() == ".log") usage.wal += size;
  }
  return usage;
}

// The 1-minute load average, so a run on a shared machine says how shared.
double LoadAverage() {
  double load = -1;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = -1;
    std::fclose(f);
  }
  return load;
}

// CPU time of the calling thread only: with one appending thread, the part
// of the append phase's CPU that is on the caller's critical path.
double ThreadCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto tv = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto tv = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

// Waits (untimed) until the process has been nearly idle for a while: the
// RocksDB background threads have finished their flushes and compactions.
double WaitForQuiet() {
  const auto start = Clock::now();
  int quiet = 0;
  double cpu = ProcessCpuSeconds();
  while (quiet < 2 && Clock::now() - start < std::chrono::minutes(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const double now = ProcessCpuSeconds();
    quiet = now - cpu < 0.01 ? quiet + 1 : 0;
    cpu = now;
  }
  return Seconds(Clock::now() - start);
}

std::int64_t TouchPayload(const json::value& data) {
  const json::object& object = data.as_object();
  const json::value* v = object.if_contains(kTouchField);
  if (v == nullptr || !v->is_int64()) Die("replayed payload lacks amount_fen");
  return v->get_int64();
}

void AppendJsonString(std::string_view s, std::string* out) {
  *out += json::serialize(json::string_view(s.data(), s.size()));
}

void AppendUint(std::uint64_t n, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  out->append(buf, end);
}

// The ceiling's stored value: the event as a JSON envelope object.
void EncodeCeilingEnvelope(const zf::AppendRequest& r, std::uint64_t position,
                           std::uint64_t version, std::string_view recorded_at,
                           std::string* out) {
  const zf::NewEvent& e = r.events.front();
  out->clear();
  *out += "{\"position\":";
  AppendUint(position, out);
  *out += ",\"stream\":";
  AppendJsonString(r.stream, out);
  *out += ",\"version\":";
  AppendUint(version, out);
  *out += ",\"type\":";
  AppendJsonString(e.type, out);
  *out += ",\"schema\":";
  AppendUint(e.schema, out);
  *out += ",\"occurred_at\":";
  AppendJsonString(e.occurred_at, out);
  *out += ",\"recorded_at\":";
  AppendJsonString(recorded_at, out);
  *out += ",\"command_id\":";
  AppendJsonString(r.command_id, out);
  *out += ",\"actor\":{\"id\":";
  AppendJsonString(e.actor.id, out);
  *out += ",\"role\":";
  AppendJsonString(e.actor.role, out);
  *out += ",\"unit\":";
  AppendJsonString(e.actor.unit, out);
  *out += "},\"data\":";
  *out += json::serialize(e.data);
  *out += '}';
}

std::string NowRfc3339Utc() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return zf::internal::FormatRfc3339Utc(
      std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

// --- Phases ---------------------------------------------------------------------

struct PhaseResult {
  double seconds = 0;
  std::uint64_t events = 0;
  // CPU time of the whole process (all threads, RocksDB's background threads
  // included) during the phase; set by Run() below.
  double cpu_seconds = 0;
  // CPU time of the appending thread (single-thread appends only).
  double caller_cpu_seconds = 0;
  double rate() const { return seconds > 0 ? events / seconds : 0; }
};

PhaseResult CeilingAppend(rocksdb::DB* db, std::span<const zf::AppendRequest> requests,
                          std::size_t batch_size) {
  std::unordered_map<std::string_view, std::uint64_t> version_of;  // stream -> version
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  std::string value;
  const double cpu = ThreadCpuSeconds();
  const auto start = Clock::now();
  for (std::size_t begin = 0; begin < requests.size(); begin += batch_size) {
    const std::size_t end = std::min(requests.size(), begin + batch_size);
    const std::string recorded_at = NowRfc3339Utc();
    rocksdb::WriteBatch batch;
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint64_t version = ++version_of[requests[i].stream];
      EncodeCeilingEnvelope(requests[i], i + 1, version, recorded_at, &value);
      batch.Put(PositionKey(i + 1), value);
    }
    rocksdb::Status s = db->Write(write_options, &batch);
    if (!s.ok()) Die("ceiling write: " + s.ToString());
  }
  return {Seconds(Clock::now() - start), requests.size(), 0, ThreadCpuSeconds() - cpu};
}

PhaseResult ZfAppend(zf::EventStore* store, std::span<const zf::AppendRequest> requests,
                     std::size_t batch_size) {
  const zf::AppendOptions options{.sync = true};
  const double cpu = ThreadCpuSeconds();
  const auto start = Clock::now();
  for (std::size_t begin = 0; begin < requests.size(); begin += batch_size) {
    const std::size_t n = std::min(requests.size() - begin, batch_size);
    auto results = store->AppendBatch(requests.subspan(begin, n), options);
    if (!results.ok()) Die("AppendBatch: " + results.status().ToString());
    for (const auto& r : *results) {
      if (!r.ok()) Die("append: " + r.status().ToString());
    }
  }
  return {Seconds(Clock::now() - start), requests.size(), 0, ThreadCpuSeconds() - cpu};
}

// Runs append_batch(begin, n) over all requests from `threads` threads, each
// taking the next batch until none are left.
template <typename F>
PhaseResult ParallelBatches(std::size_t threads, std::size_t total, std::size_t batch_size,
                            F&& append_batch) {
  std::atomic<std::size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (;;) {
        const std::size_t begin = next.fetch_add(batch_size);
        if (begin >= total) return;
        append_batch(begin, std::min(total - begin, batch_size));
      }
    });
  }
  for (auto& w : workers) w.join();
  return {Seconds(Clock::now() - start), total, 0};
}

// The ceiling from several threads. Versions are computed before timing
// (batches may commit out of order), which if anything favours the ceiling.
PhaseResult CeilingAppendThreads(rocksdb::DB* db, std::span<const zf::AppendRequest> requests,
                                 std::size_t batch_size, std::size_t threads) {
  std::vector<std::uint64_t> versions(requests.size());
  std::unordered_map<std::string_view, std::uint64_t> version_of;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    versions[i] = ++version_of[requests[i].stream];
  }
  return ParallelBatches(threads, requests.size(), batch_size,
                         [&](std::size_t begin, std::size_t n) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    const std::string recorded_at = NowRfc3339Utc();
    std::string value;
    rocksdb::WriteBatch batch;
    for (std::size_t i = begin; i < begin + n; ++i) {
      EncodeCeilingEnvelope(requests[i], i + 1, versions[i], recorded_at, &value);
      batch.Put(PositionKey(i + 1), value);
    }
    rocksdb::Status s = db->Write(write_options, &batch);
    if (!s.ok()) Die("ceiling write: " + s.ToString());
  });
}

PhaseResult ZfAppendThreads(zf::EventStore* store, std::span<const zf::AppendRequest> requests,
                            std::size_t batch_size, std::size_t threads) {
  return ParallelBatches(threads, requests.size(), batch_size,
                         [&](std::size_t begin, std::size_t n) {
    auto results = store->AppendBatch(requests.subspan(begin, n), zf::AppendOptions{.sync = true});
    if (!results.ok()) Die("AppendBatch: " + results.status().ToString());
    for (const auto& r : *results) {
      if (!r.ok()) Die("append: " + r.status().ToString());
    }
  });
}

struct ReplayResult {
  PhaseResult phase;
  std::int64_t checksum = 0;
};

ReplayResult CeilingReplay(rocksdb::DB* db) {
  rocksdb::ReadOptions read_options;
  read_options.readahead_size = 2 << 20;  // as zf's ReadAll
  ReplayResult result;
  const auto start = Clock::now();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    boost::system::error_code ec;
    json::value envelope = json::parse(
        json::string_view(it->value().data(), it->value().size()), ec);
    if (ec) Die("ceiling replay: bad JSON: " + ec.message());
    const json::value* data = envelope.as_object().if_contains("data");
    if (data == nullptr) Die("ceiling replay: no data");
    result.checksum += TouchPayload(*data);
    ++result.phase.events;
  }
  if (!it->status().ok()) Die("ceiling replay: " + it->status().ToString());
  result.phase.seconds = Seconds(Clock::now() - start);
  return result;
}

ReplayResult ZfReplay(const zf::EventStore& store) {
  ReplayResult result;
  const auto start = Clock::now();
  std::unique_ptr<zf::EventCursor> cursor = store.ReadAll(1);
  std::uint64_t expected_position = 1;
  for (; cursor->Valid(); cursor->Next()) {
    const zf::EventRecord& e = cursor->event();
    if (e.position != expected_position++) Die("zf replay: positions out of order");
    result.checksum += TouchPayload(e.data);
    ++result.phase.events;
  }
  if (!cursor->status().ok()) Die("zf replay: " + cursor->status().ToString());
  result.phase.seconds = Seconds(Clock::now() - start);
  return result;
}

// --- Per-event cost breakdown (untimed in the phases above) ------------------

struct Breakdown {
  std::size_t sample = 0;
  double avg_canonical_data_bytes = 0;
  double avg_zf_value_bytes = 0;
  double avg_ceiling_value_bytes = 0;
  // Microseconds per event.
  double us_prepare = 0;          // PrepareRequest: validation and canonical JSON, before the writer
  double us_canonical_json = 0;   //   of which AppendCanonicalJson alone
  double us_encode = 0;           // EncodeCanonical (binary envelope)
  double us_sm3 = 0;              // SM3 event hash + SM3 ledger link
  double us_decode = 0;           // DecodeStored: envelope + boost::json::parse
  double us_parse_data = 0;       //   of which boost::json::parse of the data
  double us_ceiling_encode = 0;   // EncodeCeilingEnvelope (boost::json::serialize)
  double us_ceiling_parse = 0;    // boost::json::parse of the ceiling value
};

template <typename F>
double MicrosPerItem(std::size_t n, F&& f) {
  const auto start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) f(i);
  return Seconds(Clock::now() - start) * 1e6 / static_cast<double>(n);
}

Breakdown MeasureBreakdown(std::span<const zf::AppendRequest> requests) {
  using namespace zf::internal;
  Breakdown b;
  b.sample = std::min<std::size_t>(requests.size(), 100'000);
  const auto sample = requests.first(b.sample);
  const std::string recorded_at = NowRfc3339Utc();
  const std::string prev_hex(64, 'a');

  std::vector<PreparedRequest> prepared(b.sample);
  b.us_prepare = MicrosPerItem(b.sample, [&](std::size_t i) {
    auto p = PrepareRequest(sample[i]);
    if (!p.ok()) Die("breakdown: " + p.status().ToString());
    prepared[i] = std::move(*p);
  });
  std::string scratch;
  std::size_t canonical_bytes = 0;
  b.us_canonical_json = MicrosPerItem(b.sample, [&](std::size_t i) {
    scratch.clear();
    AppendCanonicalJson(sample[i].events.front().data, &scratch).IgnoreError();
    canonical_bytes += scratch.size();
  });
  b.avg_canonical_data_bytes = static_cast<double>(canonical_bytes) / b.sample;

  // The store encodes into a buffer reused from group to group: allocate
  // (and touch) the buffers before timing, so the figure is the encoding's.
  std::vector<std::string> values(b.sample);
  for (std::size_t i = 0; i < b.sample; ++i) {
    values[i].reserve(prepared[i].events[0].canonical_data.size() + 400);
    values[i].assign(values[i].capacity(), '\0');
    values[i].clear();
  }
  b.us_encode = MicrosPerItem(b.sample, [&](std::size_t i) {
    EncodeCanonical(sample[i], prepared[i].events[0], Stamp{i + 1, 1, recorded_at, prev_hex},
                    &values[i]);
  });
  Hash ledger{};
  b.us_sm3 = MicrosPerItem(b.sample, [&](std::size_t i) {
    const Hash h = Sm3(values[i]);
    ledger = NextLedgerHash(ledger, i + 1, h);
    values[i].append(reinterpret_cast<const char*>(h.data()), 32);
    values[i].append(reinterpret_cast<const char*>(ledger.data()), 32);
  });
  std::size_t zf_bytes = 0;
  for (const auto& v : values) zf_bytes += v.size();
  b.avg_zf_value_bytes = static_cast<double>(zf_bytes) / b.sample;

  zf::EventRecord record;
  std::int64_t checksum = 0;
  b.us_decode = MicrosPerItem(b.sample, [&](std::size_t i) {
    if (!DecodeStored(values[i], &record).ok()) Die("breakdown: decode failed");
    checksum += TouchPayload(record.data);
  });
  b.us_parse_data = MicrosPerItem(b.sample, [&](std::size_t i) {
    json::value v = json::parse(prepared[i].events[0].canonical_data);
    checksum += TouchPayload(v);
  });

  std::vector<std::string> ceiling(b.sample);
  b.us_ceiling_encode = MicrosPerItem(b.sample, [&](std::size_t i) {
    EncodeCeilingEnvelope(sample[i], i + 1, 1, recorded_at, &ceiling[i]);
  });
  std::size_t ceiling_bytes = 0;
  for (const auto& v : ceiling) ceiling_bytes += v.size();
  b.avg_ceiling_value_bytes = static_cast<double>(ceiling_bytes) / b.sample;
  b.us_ceiling_parse = MicrosPerItem(b.sample, [&](std::size_t i) {
    json::value v = json::parse(ceiling[i]);
    checksum += TouchPayload(v.as_object().at("data"));
  });
  if (checksum == 42) std::fputs("", stdout);  // keep the work observable
  return b;
}

// --- Main ---------------------------------------------------------------------

std::string Rate(double r) { return fmt::format("{:.0f}", r); }
std::string Percent(double a, double b) {
  return a > 0 && b > 0 ? fmt::format("{:.1f}%", 100 * a / b) : "-";
}
std::string MiB(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", bytes / 1048576.0); }

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);

  // Work directory.
  fs::path root;
  bool remove_root = false;
  if (o.dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "zf-store-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Die("cannot create a temporary directory");
    root = tmpl;
    remove_root = true;
  } else {
    root = o.dir;
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) Die(fmt::format("cannot create '{}': {}", root.string(), ec.message()));
  }
  const fs::path zf_dir = root / "zf";
  const fs::path raw_dir = root / "raw";
  if (fs::exists(zf_dir) || fs::exists(raw_dir)) {
    Die(fmt::format("'{}' or '{}' already exists; the benchmark needs fresh databases",
                    zf_dir.string(), raw_dir.string()));
  }

  if (!o.json) {
    fmt::print("store_bench: {} events, batch {}, {} streams, {} appending thread(s), dir {}\n",
               o.events, o.batch, o.streams, o.threads, root.string());
    fmt::print("generating events...\n");
    std::fflush(stdout);
  }
  const double load_before = LoadAverage();
  const auto gen_start = Clock::now();
  const std::vector<zf::AppendRequest> requests = GenerateRequests(o);
  const double gen_seconds = Seconds(Clock::now() - gen_start);

  // Open both databases.
  rocksdb::Options raw_options;
  raw_options.create_if_missing = true;
  rocksdb::DB* raw_ptr = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(raw_options, raw_dir.string(), &raw_ptr);
  if (!rs.ok()) Die("open ceiling db: " + rs.ToString());
  std::unique_ptr<rocksdb::DB> raw(raw_ptr);

  zf::StoreOptions store_options;
  if (o.helpers) store_options.append_helpers = *o.helpers;
  auto opened = zf::OpenRocksDbEventStore(store_options, zf_dir.string());
  if (!opened.ok()) Die("open zf store: " + opened.status().ToString());
  std::unique_ptr<zf::EventStore> store = std::move(*opened);

  auto progress = [&](std::string_view what) {
    if (!o.json) {
      fmt::print("{}...\n", what);
      std::fflush(stdout);
    }
  };

  // Runs one phase, recording the process CPU time it used.
  auto run = [](auto&& phase) {
    const double cpu = ProcessCpuSeconds();
    auto result = phase();
    const double used = ProcessCpuSeconds() - cpu;
    if constexpr (std::is_same_v<decltype(result), PhaseResult>) {
      result.cpu_seconds = used;
    } else {
      result.phase.cpu_seconds = used;
    }
    return result;
  };
  double settle_seconds = WaitForQuiet();
  PhaseResult ceiling_append, zf_append;
  ReplayResult ceiling_replay, zf_replay;
  if (o.run_ceiling) {
    progress("ceiling append");
    ceiling_append = run([&] {
      return o.threads == 1 ? CeilingAppend(raw.get(), requests, o.batch)
                            : CeilingAppendThreads(raw.get(), requests, o.batch, o.threads);
    });
    settle_seconds += WaitForQuiet();
  }
  if (o.run_zf) {
    progress("zf append");
    zf_append = run([&] {
      return o.threads == 1 ? ZfAppend(store.get(), requests, o.batch)
                            : ZfAppendThreads(store.get(), requests, o.batch, o.threads);
    });
    settle_seconds += WaitForQuiet();
  }
  if (o.run_ceiling) {
    progress("ceiling replay");
    ceiling_replay = run([&] { return CeilingReplay(raw.get()); });
    settle_seconds += WaitForQuiet();
  }
  if (o.run_zf) {
    progress("zf replay");
    zf_replay = run([&] { return ZfReplay(*store); });
  }

  if (o.run_ceiling && ceiling_replay.phase.events != o.events) {
    Die(fmt::format("ceiling replay saw {} events, expected {}", ceiling_replay.phase.events,
                    o.events));
  }
  if (o.run_zf && zf_replay.phase.events != o.events) {
    Die(fmt::format("zf replay saw {} events, expected {}", zf_replay.phase.events, o.events));
  }
  if (o.run_zf && o.run_ceiling && zf_replay.checksum != ceiling_replay.checksum) {
    Die("replay checksums differ");
  }

  std::optional<PhaseResult> verify;
  if (o.verify && o.run_zf) {
    progress("zf VerifyChain");
    const auto start = Clock::now();
    auto report = store->VerifyChain();
    const double seconds = Seconds(Clock::now() - start);
    if (!report.ok()) Die("VerifyChain: " + report.status().ToString());
    if (!report->ok()) Die(fmt::format("VerifyChain found {} problems", report->findings.size()));
    if (report->events_checked != o.events) {
      Die(fmt::format("VerifyChain checked {} events", report->events_checked));
    }
    verify = PhaseResult{seconds, report->events_checked};
  }

  std::optional<Breakdown> breakdown;
  if (o.breakdown) {
    progress("per-event cost breakdown");
    breakdown = MeasureBreakdown(requests);
  }

  const double load_after = LoadAverage();
  // Close (flushing nothing extra) and measure what is on disk.
  if (zf::Status s = store->Close(); !s.ok()) Die("close zf store: " + s.ToString());
  store.reset();
  if (rocksdb::Status s = raw->Close(); !s.ok()) Die("close ceiling db: " + s.ToString());
  raw.reset();
  const DiskUsage zf_disk = DirBytes(zf_dir);
  const DiskUsage raw_disk = DirBytes(raw_dir);

  if (o.json) {
    json::object out;
    out["events"] = o.events;
    out["batch"] = o.batch;
    out["threads"] = o.threads;
    out["streams"] = o.streams;
    auto phase = [](const PhaseResult& zf, const PhaseResult& ceiling) {
      json::object p;
      p["zf_events_per_s"] = static_cast<std::int64_t>(zf.rate());
      p["ceiling_events_per_s"] = static_cast<std::int64_t>(ceiling.rate());
      p["zf_seconds"] = zf.seconds;
      p["ceiling_seconds"] = ceiling.seconds;
      p["zf_cpu_seconds"] = zf.cpu_seconds;
      p["ceiling_cpu_seconds"] = ceiling.cpu_seconds;
      if (zf.caller_cpu_seconds > 0) p["zf_caller_cpu_seconds"] = zf.caller_cpu_seconds;
      if (ceiling.caller_cpu_seconds > 0) {
        p["ceiling_caller_cpu_seconds"] = ceiling.caller_cpu_seconds;
      }
      if (zf.rate() > 0 && ceiling.rate() > 0) p["ratio"] = zf.rate() / ceiling.rate();
      return p;
    };
    out["append"] = phase(zf_append, ceiling_append);
    out["replay"] = phase(zf_replay.phase, ceiling_replay.phase);
    out["zf_disk_bytes"] = zf_disk.total;
    out["zf_wal_bytes"] = zf_disk.wal;
    out["ceiling_disk_bytes"] = raw_disk.total;
    out["ceiling_wal_bytes"] = raw_disk.wal;
    if (verify) {
      out["verify_events_per_s"] = static_cast<std::int64_t>(verify->rate());
      out["verify_seconds"] = verify->seconds;
    }
    if (breakdown) {
      json::object b;
      b["sample"] = breakdown->sample;
      b["avg_canonical_data_bytes"] = breakdown->avg_canonical_data_bytes;
      b["avg_zf_value_bytes"] = breakdown->avg_zf_value_bytes;
      b["avg_ceiling_value_bytes"] = breakdown->avg_ceiling_value_bytes;
      b["us_prepare"] = breakdown->us_prepare;
      b["us_canonical_json"] = breakdown->us_canonical_json;
      b["us_encode_envelope"] = breakdown->us_encode;
      b["us_sm3_event_and_ledger"] = breakdown->us_sm3;
      b["us_decode"] = breakdown->us_decode;
      b["us_parse_data"] = breakdown->us_parse_data;
      b["us_ceiling_encode"] = breakdown->us_ceiling_encode;
      b["us_ceiling_parse"] = breakdown->us_ceiling_parse;
      out["per_event"] = std::move(b);
    }
    out["load_average_before"] = load_before;
    out["load_average_after"] = load_after;
    out["generate_seconds"] = gen_seconds;
    out["settle_seconds"] = settle_seconds;
    fmt::print("{}\n", json::serialize(out));
  } else {
    fmt::print("\n{:<8} {:>12} {:>13} {:>8}   {:>7} {:>7}   {:>9} {:>9}\n", "phase",
               "zf ev/s", "ceiling ev/s", "zf/ceil", "zf s", "ceil s", "zf cpu s", "ceil cpu s");
    auto row = [](std::string_view name, const PhaseResult& zf, const PhaseResult& c) {
      fmt::print("{:<8} {:>12} {:>13} {:>8}   {:>7.2f} {:>7.2f}   {:>9.2f} {:>9.2f}\n", name,
                 Rate(zf.rate()), Rate(c.rate()), Percent(zf.rate(), c.rate()), zf.seconds,
                 c.seconds, zf.cpu_seconds, c.cpu_seconds);
    };
    row("append", zf_append, ceiling_append);
    row("replay", zf_replay.phase, ceiling_replay.phase);
    if (zf_append.caller_cpu_seconds > 0 || ceiling_append.caller_cpu_seconds > 0) {
      fmt::print("append CPU of the appending thread alone: zf {:.2f} s, ceiling {:.2f} s\n",
                 zf_append.caller_cpu_seconds, ceiling_append.caller_cpu_seconds);
    }
    auto disk = [&](std::string_view name, const DiskUsage& d) {
      fmt::print("on disk, {:<8} {:>11} ({:>5.0f} B/event), of which WAL {}\n", name,
                 MiB(d.total), static_cast<double>(d.total) / o.events, MiB(d.wal));
    };
    fmt::print("\n");
    disk("zf", zf_disk);
    disk("ceiling", raw_disk);
    if (verify) {
      fmt::print("VerifyChain: {} events in {:.2f} s = {} events/s\n", verify->events,
                 verify->seconds, Rate(verify->rate()));
    }
    if (breakdown) {
      const Breakdown& b = *breakdown;
      fmt::print(
          "\nper-event costs (single thread, {} events, in memory, no RocksDB):\n"
          "  sizes: canonical data {:.0f} B, zf stored value {:.0f} B, ceiling value {:.0f} B\n"
          "  zf append:  PrepareRequest {:.2f} us (of which canonical JSON {:.2f} us), "
          "EncodeCanonical {:.2f} us, SM3 event hash + ledger link {:.2f} us\n"
          "  zf replay:  DecodeStored {:.2f} us (boost::json::parse of data {:.2f} us)\n"
          "  ceiling:    encode envelope {:.2f} us, parse envelope {:.2f} us\n",
          b.sample, b.avg_canonical_data_bytes, b.avg_zf_value_bytes, b.avg_ceiling_value_bytes,
          b.us_prepare, b.us_canonical_json, b.us_encode, b.us_sm3, b.us_decode,
          b.us_parse_data, b.us_ceiling_encode, b.us_ceiling_parse);
    }
    fmt::print("\n(generation {:.1f} s and settling {:.1f} s not included in any rate; "
               "1-minute load average {:.2f} before, {:.2f} after)\n",
               gen_seconds, settle_seconds, load_before, load_after);
  }

  if (!o.keep) {
    std::error_code ec;
    if (remove_root) {
      fs::remove_all(root, ec);
    } else {
      fs::remove_all(zf_dir, ec);
      fs::remove_all(raw_dir, ec);
    }
  } else if (!o.json) {
    fmt::print("kept {}\n", root.string());
  }
  return 0;
}

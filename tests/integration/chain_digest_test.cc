// The chain check's stream-index comparison by multiset digest
// (store/chain_verifier.h, IndexCheck::kAuto) against a point lookup per
// event (kPerEvent): the same report on sound stores and on every kind of
// damage, and no lookup per event on a sound store.
#include <random>
#include <set>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "store/chain_verifier.h"
#include "store/key_codec.h"
#include "store/rocksdb_testing.h"
#include "support/raw_db.h"
#include "support/test_support.h"
#include "util/multiset_digest.h"
#include "zf/event_store.h"

using namespace zf;
using zf::testing::MakeRequest;
using zf::testing::RawDb;
using zf::testing::TempDir;

namespace {

constexpr int kStreams = 13;
constexpr int kEvents = 240;

// kEvents events over kStreams streams in a shuffled order.
std::string Populate(const TempDir& dir, std::uint32_t seed) {
  const std::string path = dir.Sub("db");
  auto store = OpenRocksDbEventStore(StoreOptions{}, path);
  REQUIRE(store.ok());
  std::mt19937 rng(seed);
  for (int i = 0; i < kEvents; ++i) {
    const int stream = static_cast<int>(rng() % kStreams);
    auto r = MakeRequest(fmt::format("case/SX-{}", stream), fmt::format("c{}", i), 1);
    r.events[0].data = boost::json::object{{"i", i}};
    REQUIRE((*store)->Append(r).ok());
  }
  return path;
}

// Forwards to a store's raw view and counts index point lookups.
class CountingLog final : public internal::RawLog {
 public:
  explicit CountingLog(const internal::RawLog& log) : log_(log) {}
  mutable int lookups = 0;

  std::unique_ptr<internal::RawScan> ScanFrom(std::uint64_t from) const override {
    return log_.ScanFrom(from);
  }
  Result<std::optional<std::string>> GetRaw(std::uint64_t position) const override {
    return log_.GetRaw(position);
  }
  Result<std::optional<std::uint64_t>> IndexLookup(std::string_view stream,
                                                   std::uint64_t version) const override {
    ++lookups;
    return log_.IndexLookup(stream, version);
  }
  Result<std::optional<std::pair<std::string, std::uint64_t>>> FindIndexEntry(
      std::uint64_t position) const override {
    return log_.FindIndexEntry(position);
  }
  Status ForEachStreamEnd(const std::function<void(std::string_view, std::uint64_t,
                                                   std::uint64_t)>& fn) const override {
    return log_.ForEachStreamEnd(fn);
  }
  bool HasIndexScan() const override { return log_.HasIndexScan(); }
  Status ForEachIndexEntry(const std::function<void(std::string_view, std::uint64_t,
                                                    std::uint64_t)>& fn) const override {
    return log_.ForEachIndexEntry(fn);
  }
  internal::LedgerState RecordedLedger() const override { return log_.RecordedLedger(); }

 private:
  const internal::RawLog& log_;
};

std::string Describe(const ChainReport& r) {
  std::string text = fmt::format("from {} to {} checked {} ledger {}\n", r.from_position,
                                 r.to_position, r.events_checked, r.ledger_hash);
  for (const ChainFinding& f : r.findings) {
    text += fmt::format("{} @{} {} v{}: {}\n", ChainFindingKindName(f.kind), f.position,
                        f.stream, f.version, f.detail);
  }
  return text;
}

struct BothReports {
  std::string by_digest, per_event;
  int digest_lookups = 0;
};

BothReports VerifyBothWays(const std::string& path, VerifyOptions options = {}) {
  StoreOptions read_only;
  read_only.read_only = true;
  auto store = OpenRocksDbEventStore(read_only, path);
  REQUIRE(store.ok());
  const internal::RawLog* raw = internal::RocksDbRawLog(**store);
  REQUIRE(raw != nullptr);
  CountingLog counting(*raw);
  BothReports both;
  auto digest = internal::VerifyRawLog(counting, options, internal::IndexCheck::kAuto);
  REQUIRE(digest.ok());
  both.digest_lookups = counting.lookups;
  auto per_event = internal::VerifyRawLog(*raw, options, internal::IndexCheck::kPerEvent);
  REQUIRE(per_event.ok());
  both.by_digest = Describe(*digest);
  both.per_event = Describe(*per_event);
  return both;
}

std::string IndexKey(int stream, std::uint64_t version) {
  return internal::StreamIndexKey(fmt::format("case/SX-{}", stream), version);
}

}  // namespace

TEST_CASE("SipHash-2-4 gives the reference implementation's outputs", "[store][chain][digest]") {
  // Key 00 01 .. 0f; messages 00 01 .. (n-1) (vectors.h of the reference
  // implementation, and the paper's appendix A for n = 15).
  const std::uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
  std::string message;
  for (int i = 0; i < 15; ++i) message.push_back(static_cast<char>(i));
  CHECK(internal::SipHash24(k0, k1, "") == 0x726fdb47dd0e0e31ULL);
  CHECK(internal::SipHash24(k0, k1, message.substr(0, 1)) == 0x74f839c593dc67fdULL);
  CHECK(internal::SipHash24(k0, k1, message) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("A multiset digest ignores order and tells a changed, missing or repeated item",
          "[store][chain][digest]") {
  const internal::MultisetKey key = internal::MultisetKey::Random();
  internal::MultisetDigest a(key), b(key), changed(key), missing(key), repeated(key);
  for (const char* item : {"x", "y", "z"}) a.Add(item);
  for (const char* item : {"z", "x", "y"}) b.Add(item);
  for (const char* item : {"x", "y", "w"}) changed.Add(item);
  for (const char* item : {"x", "y"}) missing.Add(item);
  for (const char* item : {"x", "y", "y", "z"}) repeated.Add(item);
  CHECK(a == b);
  CHECK_FALSE(a == changed);
  CHECK_FALSE(a == missing);
  CHECK_FALSE(a == repeated);
  // Two items that swap a part keep the count and still differ.
  internal::MultisetDigest ab(key), ba(key);
  ab.Add("ab");
  ab.Add("cd");
  ba.Add("ad");
  ba.Add("cb");
  CHECK_FALSE(ab == ba);
}

TEST_CASE("The index compared by digest: a sound store needs no lookup per event",
          "[store][chain][digest]") {
  TempDir dir;
  const std::string path = Populate(dir, 7);
  const BothReports both = VerifyBothWays(path);
  CHECK(both.by_digest == both.per_event);
  CHECK(both.digest_lookups == 0);
  CHECK(both.by_digest.find('@') == std::string::npos);  // no finding

  SECTION("a range that is not the whole log looks each event up") {
    VerifyOptions range;
    range.from_position = 100;
    const BothReports ranged = VerifyBothWays(path, range);
    CHECK(ranged.by_digest == ranged.per_event);
    // One per event in the range, and one per stream to anchor on.
    CHECK(ranged.digest_lookups >= kEvents - 99);
  }
  SECTION("without the index check, neither looks anything up") {
    VerifyOptions no_index;
    no_index.check_indexes = false;
    const BothReports unchecked = VerifyBothWays(path, no_index);
    CHECK(unchecked.by_digest == unchecked.per_event);
    CHECK(unchecked.digest_lookups == 0);
  }
}

TEST_CASE("The index compared by digest: every kind of damage gives the per-event report",
          "[store][chain][digest]") {
  std::mt19937 rng(20261206);
  // Each damage is applied to a fresh store; some are combined.
  const std::vector<std::string> kinds = {
      "delete_entry",  "retarget_entry", "extra_version", "unknown_stream",
      "delete_event",  "swap_events",    "garble_event",  "truncate_tail",
      "entry_to_tail", "two_damages"};
  for (const std::string& kind : kinds) {
    for (int round = 0; round < 3; ++round) {
      DYNAMIC_SECTION(kind << " #" << round) {
        TempDir dir;
        const std::string path = Populate(dir, static_cast<std::uint32_t>(rng()));
        const auto damage = [&](const std::string& what) {
          RawDb raw(path);
          const int stream = static_cast<int>(rng() % kStreams);
          const std::uint64_t position = 1 + rng() % (kEvents - 1);
          if (what == "delete_entry") {
            raw.Delete("streams", IndexKey(stream, 1));
          } else if (what == "retarget_entry") {
            const std::string now = raw.Get("streams", IndexKey(stream, 1));
            std::string moved = internal::PositionKey(position);
            if (moved == now) moved = internal::PositionKey(position + 1);
            raw.Put("streams", IndexKey(stream, 1), moved);
          } else if (what == "extra_version") {
            raw.Put("streams", IndexKey(stream, 1000), internal::PositionKey(position));
          } else if (what == "unknown_stream") {
            raw.Put("streams", internal::StreamIndexKey("case/ZZ-9", 1),
                    internal::PositionKey(position));
          } else if (what == "delete_event") {
            raw.Delete("events", internal::PositionKey(position));
          } else if (what == "swap_events") {
            const std::string a = raw.Get("events", internal::PositionKey(position));
            const std::string b = raw.Get("events", internal::PositionKey(position + 1));
            raw.Put("events", internal::PositionKey(position), b);
            raw.Put("events", internal::PositionKey(position + 1), a);
          } else if (what == "garble_event") {
            raw.Put("events", internal::PositionKey(position), "not an envelope");
          } else if (what == "truncate_tail") {
            raw.Delete("events", internal::PositionKey(kEvents));
          } else if (what == "entry_to_tail") {
            // An entry naming a position past the log's last event.
            raw.Put("streams", IndexKey(stream, 999), internal::PositionKey(kEvents + 5));
          }
        };
        if (kind == "two_damages") {
          damage("retarget_entry");
          damage("delete_event");
        } else {
          damage(kind);
        }
        const BothReports both = VerifyBothWays(path);
        CHECK(both.by_digest == both.per_event);
        // The damage was seen: the digest pass fell back to lookups, or
        // the damage is one the per-event pass finds without the index.
        CHECK(both.by_digest.find('@') != std::string::npos);
      }
    }
  }
}

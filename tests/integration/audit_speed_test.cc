// What the audit's speed-ups must not change (docs/audit.md §4): a decided
// payload compared without rendering is "the same" only where canonical
// JSON is; whether a case has a deadline open does not depend on the
// moment asked (the audit's last pass skips the cases with none);
// Benchmarks::BenchmarkInForce through its item index finds what a scan of
// every benchmark finds; a case book as of a past moment that folds in
// place (and drops a slot whose event does not fold) holds what an
// in-memory book that copies holds.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "domain/case_book.h"
#include "domain/deadlines.h"
#include "rules/benchmarks.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "util/canonical_json.h"
#include "util/rfc3339.h"
#include "zf/engine.h"
#include "zf/event_store.h"

using namespace zf;

namespace {

// An engine-written store: the reference data and the 2022 cases.
std::shared_ptr<EventStore> SampleStore() {
  static std::shared_ptr<EventStore> store = [] {
    auto s = std::shared_ptr<EventStore>(std::move(*NewMemoryEventStore()));
    auto engine = Engine::Open(EngineOptions{}, s);
    REQUIRE(engine.ok());
    testing::LoadAll(**engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                                "04-leniency.jsonl", "05-benchmarks.jsonl",
                                "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl"});
    return s;
  }();
  return store;
}

std::vector<EventRecord> AllEvents(const EventStore& store) {
  std::vector<EventRecord> out;
  for (auto c = store.ReadAll(1); c->Valid(); c->Next()) out.push_back(c->event());
  return out;
}

// What the deciders read of a case, as text.
std::string Fingerprint(const internal::CaseState* c) {
  if (c == nullptr) return "absent";
  std::string out = fmt::format("{} v{} {} party={} item={} subject={} timeline={} warnings={}",
                                c->id, c->version, c->state, c->party.id, c->item_code,
                                c->handling_subject, c->timeline.size(), c->warnings.size());
  for (const auto& t : c->timeline) out += " " + t.type;
  return out;
}

}  // namespace

TEST_CASE("audit speed: values told alike without rendering have the same canonical JSON",
          "[audit][speed]") {
  using boost::json::parse;
  using internal::SameCanonicalJson;
  std::vector<boost::json::value> values = {
      parse(R"({"a":1,"b":[1,2,{"c":"x"}],"d":null,"e":true})"),
      parse(R"({"b":[1,2,{"c":"x"}],"a":1,"e":true,"d":null})"),  // another order
      parse(R"({"a":1,"b":[1,2,{"c":"y"}],"d":null,"e":true})"),
      parse(R"({"a":1,"b":[2,1,{"c":"x"}],"d":null,"e":true})"),  // arrays keep order
      parse(R"({"a":1,"b":[1,2],"d":null,"e":true})"),
      parse(R"({"a":1,"b":[1,2,{"c":"x"}],"d":null})"),
      parse(R"({"a":1,"b":[1,2,{"c":"x"}],"d":null,"f":true})"),
      parse(R"({"a":1,"b":[1,2,{"c":"x"}],"d":false,"e":true})"),
      parse(R"({"a":1.0})"),  // a float: the encoding refuses it
      parse(R"({"a":"\u00e9\u6cd5"})"),
      parse(R"([])"),
      parse(R"({})"),
      parse(R"("x")"),
      parse(R"({"n":5})"),
  };
  boost::json::value unsigned_five = parse(R"({"n":5})");
  unsigned_five.as_object()["n"] = std::uint64_t{5};  // another kind, the same encoding
  values.push_back(unsigned_five);
  boost::json::value bad_utf8 = parse(R"({"s":"x"})");
  bad_utf8.as_object()["s"] = std::string("\xff\xfe");
  values.push_back(bad_utf8);
  boost::json::value bad_key = parse(R"({})");
  bad_key.as_object()[std::string("\xc0")] = 1;
  values.push_back(bad_key);
  boost::json::value deep = parse("1");
  for (int i = 0; i < 40; ++i) deep = boost::json::array{deep};
  values.push_back(deep);

  for (const auto& a : values) {
    for (const auto& b : values) {
      INFO(boost::json::serialize(a) << " vs " << boost::json::serialize(b));
      CHECK(SameCanonicalJson(a, b) == SameCanonicalJson(b, a));
      if (!SameCanonicalJson(a, b)) continue;
      // Told alike: both encode, to the same bytes.
      std::string x, y;
      REQUIRE(internal::AppendCanonicalJson(a, &x).ok());
      REQUIRE(internal::AppendCanonicalJson(b, &y).ok());
      CHECK(x == y);
    }
  }
  CHECK(SameCanonicalJson(values[0], values[1]));
  CHECK_FALSE(SameCanonicalJson(values[0], values[3]));
  CHECK(SameCanonicalJson(values[9], boost::json::value(values[9])));
  // Not known: rendered and compared (the float, bad UTF-8, too deep).
  for (const auto* v : {&values[8], &bad_utf8, &bad_key, &deep}) CHECK_FALSE(SameCanonicalJson(*v, *v));
  CHECK_FALSE(SameCanonicalJson(values[13], unsigned_five));
  // Whatever is told alike, canonical JSON says the same for every pair here
  // where both encode.
  int alike = 0;
  for (const auto& a : values) {
    for (const auto& b : values) {
      std::string x, y;
      if (!internal::AppendCanonicalJson(a, &x).ok() || !internal::AppendCanonicalJson(b, &y).ok()) {
        continue;
      }
      if (SameCanonicalJson(a, b)) {
        ++alike;
      } else if (x == y) {
        // Only the uint64/int64 pair may be alike yet not told.
        CHECK((a.is_object() && a.as_object().contains("n")));
      }
    }
  }
  CHECK(alike > static_cast<int>(values.size()) - 4);
}

TEST_CASE("audit speed: the benchmark in force by item index equals a scan of every benchmark",
          "[audit][speed]") {
  auto store = SampleStore();
  internal::Benchmarks indexed;
  std::vector<EventRecord> published;
  for (const EventRecord& e : AllEvents(*store)) {
    if (e.stream != "rules/benchmarks") continue;
    REQUIRE(indexed.Apply(e).ok());
    if (e.type == "discretion_benchmark_published") published.push_back(e);
  }
  REQUIRE(published.size() > 3);
  std::uint64_t version = published.back().version;
  // A revision that moves a benchmark to another item (the item index must
  // follow it), and one that moves another back and forth.
  auto revise = [&](const EventRecord& of, std::string item_code, std::int64_t benchmark_version) {
    EventRecord e = of;
    e.version = ++version;
    e.data.as_object()["item_code"] = std::move(item_code);
    e.data.as_object()["version"] = benchmark_version;
    REQUIRE(indexed.Apply(e).ok());
  };
  const std::string item_1 = std::string(published[1].data.at("item_code").as_string());
  const std::string item_2 = std::string(published[2].data.at("item_code").as_string());
  revise(published[0], item_1, 2);
  revise(published[2], item_1, 2);
  revise(published[2], item_2, 3);
  revise(published[3], "NO-SUCH-ITEM", 2);

  std::set<std::string> items{"NO-SUCH-ITEM", "ALSO-NONE"};
  for (const EventRecord& e : published) items.insert(std::string(e.data.at("item_code").as_string()));
  auto scan = [&](const std::string& item, internal::PartyCategory category, std::int64_t at) {
    for (const std::string& id : indexed.BenchmarkIds()) {
      if (indexed.History(id).back()->item_code != item) continue;
      const internal::DiscretionBenchmark* b = indexed.Benchmark(id, at);
      if (b != nullptr && b->AppliesTo(category)) return b;
    }
    return static_cast<const internal::DiscretionBenchmark*>(nullptr);
  };
  int found = 0;
  for (const std::string& item : items) {
    for (int category = 0; category < 4; ++category) {
      for (std::int64_t at : {std::int64_t{0}, std::int64_t{1'650'000'000'000'000},
                              std::int64_t{1'672'000'000'000'000}, std::int64_t{1'700'000'000'000'000}}) {
        const auto c = static_cast<internal::PartyCategory>(category);
        INFO(item << " " << category << " " << at);
        const auto* expected = scan(item, c, at);
        CHECK(indexed.BenchmarkInForce(item, c, at) == expected);
        found += expected != nullptr;
      }
    }
  }
  CHECK(found > 0);

  // The overlap check's index: every benchmark with any version for the
  // item, also one revised away from it (published[0]'s first item).
  std::size_t moved_away = 0;
  for (const std::string& item : items) {
    std::set<std::string, std::less<>> ever;
    for (const std::string& id : indexed.BenchmarkIds()) {
      for (const internal::DiscretionBenchmark* b : indexed.History(id)) {
        if (b->item_code == item) ever.insert(id);
      }
      moved_away += ever.count(id) && indexed.History(id).back()->item_code != item;
    }
    INFO(item);
    CHECK(indexed.BenchmarkIdsEverFor(item) == ever);
  }
  CHECK(moved_away > 0);
}

TEST_CASE("audit speed: a book as of a moment that folds in place holds what a copying book "
          "holds, also after an event that does not fold",
          "[audit][speed]") {
  auto store = SampleStore();
  const std::vector<EventRecord> events = AllEvents(*store);
  for (std::size_t capacity : {std::size_t{1}, std::size_t{3}, std::size_t{100'000}}) {
    INFO("cache of " << capacity);
    std::uint64_t through = 0;
    internal::CaseBook copying;  // in memory: every Apply() copies
    internal::CaseBook in_place(
        store.get(), capacity, [&](const EventRecord& e) { return e.position <= through; },
        /*index_from_events=*/true);
    std::map<std::string, std::string> broken;  // case id -> the event that did not fold
    std::set<std::string> ids;
    int failures = 0;
    for (const EventRecord& e : events) {
      if (internal::IsReferenceStream(e.stream)) continue;
      // Every fifth case's third event is first put forged: a known type
      // whose data its evolver cannot fold (the envelope was folded by
      // then, half way).
      if (e.stream.starts_with("case/") && e.version == 3 && std::hash<std::string>{}(e.stream) % 5 == 0) {
        EventRecord forged = e;
        forged.data = boost::json::object{{"nothing", "useful"}};
        const Status a = copying.Apply(forged);
        const Status b = in_place.Apply(forged);
        // Not in the store: folded again, the case ends before it.
        through = e.position - 1;
        CHECK(a.ok() == b.ok());
        failures += !a.ok();
        // Folded again from the store, the case must be as before the forged event.
        CHECK(Fingerprint(in_place.FindCase(e.stream.substr(5))) ==
              Fingerprint(copying.FindCase(e.stream.substr(5))));
        in_place.Trim();
        if (a.ok()) continue;  // it folded after all: the real event now fails in both
      }
      const Status a = copying.Apply(e);
      const Status b = in_place.Apply(e);
      through = e.position;
      CHECK(a.ok() == b.ok());
      if (e.stream.starts_with("case/")) ids.insert(e.stream.substr(5));
      in_place.Trim();
    }
    CHECK(failures > 0);
    REQUIRE(ids.size() > 10);
    for (const std::string& id : ids) {
      INFO(id);
      CHECK(Fingerprint(in_place.FindCase(id)) == Fingerprint(copying.FindCase(id)));
      CHECK(in_place.CasesOfParty(copying.FindCase(id)->party.id) ==
            copying.CasesOfParty(copying.FindCase(id)->party.id));
      in_place.Trim();
    }
  }
}

// CaseBook::Trim() evicts the least recently used: the cache never holds
// more than its capacity after a Trim(), an aggregate used between every
// two Trims is never folded again, and one left unused goes.
TEST_CASE("audit speed: a backed book's cache stays within its capacity and keeps what is in use",
          "[audit][speed][case_book]") {
  auto store = SampleStore();
  std::vector<std::string> ids;
  for (const EventRecord& e : AllEvents(*store)) {
    if (e.stream.starts_with("case/") && e.version == 1) ids.push_back(e.stream.substr(5));
  }
  REQUIRE(ids.size() > 40);
  constexpr std::size_t kCapacity = 8;
  internal::CaseBook book(store.get(), kCapacity);
  const std::string hot = "case/" + ids[0];
  const std::string cold = "case/" + ids[1];
  // Held here, a state stays alive when the book drops it, so a fold again
  // from the store is a different object.
  const std::shared_ptr<const void> hot_state = book.SharedState(hot);
  const std::shared_ptr<const void> cold_state = book.SharedState(cold);
  REQUIRE(hot_state != nullptr);
  REQUIRE(cold_state != nullptr);
  for (std::size_t i = 2; i < ids.size(); ++i) {
    REQUIRE(book.FindCase(ids[i]) != nullptr);
    REQUIRE(book.FindCase(ids[0]) != nullptr);  // in use between every two Trims
    book.Trim();
    INFO("after case " << i);
    CHECK(book.CachedAggregates() <= kCapacity);
    CHECK(book.SharedState(hot) == hot_state);
  }
  CHECK(book.SharedState(cold) != cold_state);
}

// ReDecider::Finish() checks again, at the audit's reference time, only the
// cases that had a deadline open after their last event: that is exact only
// while OpenDeadlines lists something or nothing whatever the moment and
// the calendar in force, given the case and the options.
TEST_CASE("audit speed: whether a case has a deadline open does not depend on the moment",
          "[audit][speed]") {
  auto store = std::shared_ptr<EventStore>(std::move(*NewMemoryEventStore()));
  {
    auto engine = Engine::Open(EngineOptions{}, store);
    REQUIRE(engine.ok());
    testing::LoadAll(**engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                                "04-leniency.jsonl", "05-benchmarks.jsonl",
                                "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl",
                                "08-cases-2023.jsonl"});
  }
  const std::vector<EventRecord> events = AllEvents(*store);
  const EngineOptions options;
  internal::RuleBook rules;
  for (const EventRecord& e : events) {
    if (internal::IsReferenceStream(e.stream)) REQUIRE(rules.Apply(e).ok());
  }
  internal::CaseBook cases;
  std::size_t states = 0, with_open = 0, without = 0;
  for (const EventRecord& e : events) {
    if (internal::IsReferenceStream(e.stream)) continue;
    REQUIRE(cases.Apply(e).ok());
    if (!e.stream.starts_with(internal::kCaseStreamPrefix)) continue;
    const internal::CaseState* c = cases.FindCase(e.stream.substr(internal::kCaseStreamPrefix.size()));
    REQUIRE(c != nullptr);
    auto at = internal::ParseRfc3339(e.occurred_at);
    REQUIRE(at.ok());
    // The event's moment, later ones in and beyond the sample's calendars.
    std::optional<bool> open;
    for (std::int64_t days : {0, 1, 45, 400, 3000}) {
      Command probe;
      probe.type = "check_deadlines";
      probe.target = c->id;
      const internal::Timestamp moment{at->unix_micros + days * 86'400'000'000LL, 480};
      const internal::DecisionContext context{probe, moment, rules, cases, options};
      internal::Deadlines list;
      if (!internal::OpenDeadlines(context, *c, &list).ok()) continue;
      INFO(e.stream << " v" << e.version << " " << e.type << " + " << days << " days");
      if (open) CHECK(*open == !list.empty());
      open = !list.empty();
    }
    ++states;
    if (open) ++(*open ? with_open : without);
  }
  // Many states of both kinds were compared.
  CHECK(states > 1000);
  CHECK(with_open > 200);
  CHECK(without > 200);
}

// The engine's bounded state (docs/architecture.md "Bounded state"): cases
// folded on demand into a cache of bounded size, cross-case indexes kept as
// rows beside the events. A cache of one aggregate must decide, write and
// answer exactly as a large one; opening must not fold the history; index
// rows that are missing, stale or of another fold version are rebuilt from
// the events, never trusted.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "domain/case_book.h"
#include "projection/replay.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "support/forwarding_store.h"
#include "support/test_support.h"
#include "zf/audit.h"
#include "zf/engine.h"

namespace zf {
namespace {

using testing::FakeClock;
using testing::SampleCommands;

const std::vector<std::string> kSampleFiles = {
    "01-calendar.jsonl",           "02-org.jsonl",        "03-powers.jsonl",
    "04-leniency.jsonl",           "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl",
    "07-cases-2022.jsonl",         "08-cases-2023.jsonl", "09-inspect-once-2023.jsonl"};

// A cursor that counts what it delivers (cursors of one store may run on
// several threads: queries fold uncached cases on every core).
class CountingCursor final : public EventCursor {
 public:
  CountingCursor(std::unique_ptr<EventCursor> inner, std::atomic<std::uint64_t>* count)
      : inner_(std::move(inner)), count_(count) {
    if (inner_->Valid()) ++*count_;
  }
  bool Valid() const override { return inner_->Valid(); }
  const EventRecord& event() const override { return inner_->event(); }
  void Next() override {
    inner_->Next();
    if (inner_->Valid()) ++*count_;
  }
  Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<EventCursor> inner_;
  std::atomic<std::uint64_t>* count_;
};

// A cursor over nothing that failed.
class FailedCursor final : public EventCursor {
 public:
  bool Valid() const override { return false; }
  const EventRecord& event() const override { return none_; }
  void Next() override {}
  Status status() const override { return IOError("injected read failure"); }

 private:
  EventRecord none_;
};

// An EventStore that counts the events its cursors deliver outside the
// reference streams, and can fail every read of one stream.
class ObservedStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  mutable std::atomic<std::uint64_t> operational_events_read{0};
  mutable std::atomic<std::uint64_t> reference_events_read{0};
  std::string failing_stream;

  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from,
                                          Direction d) const override {
    if (stream == failing_stream) return std::make_unique<FailedCursor>();
    auto* count = internal::IsReferenceStream(stream) ? &reference_events_read
                                                      : &operational_events_read;
    return std::make_unique<CountingCursor>(inner()->ReadStream(stream, from, d), count);
  }
  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from) const override {
    return std::make_unique<CountingCursor>(inner()->ReadAll(from), &operational_events_read);
  }
  // The store is shared with the test, which closes it.
  Status Close() override { return Status::Ok(); }
};

// A memory store whose clock stands still, so the same commands give the
// same bytes (recorded_at included) whatever the engine's cache.
std::shared_ptr<EventStore> StillStore() {
  StoreOptions options;
  options.clock = std::make_shared<FakeClock>();
  auto store = NewMemoryEventStore(options);
  REQUIRE(store.ok());
  return std::shared_ptr<EventStore>(std::move(*store));
}

std::unique_ptr<Engine> OpenEngine(std::shared_ptr<EventStore> store, std::size_t cache) {
  EngineOptions options;
  options.cache_aggregates = cache;
  options.store.clock = std::make_shared<FakeClock>();
  auto engine = Engine::Open(options, std::move(store));
  REQUIRE(engine.ok());
  return std::move(*engine);
}

// What one command came to, comparably.
std::string Outcome(const Result<CommandResult>& r) {
  if (!r.ok()) return "error " + r.status().ToString();
  std::string out = std::string(OutcomeName(r->outcome)) + " " + r->stream;
  if (r->rejection) out += " " + r->rejection->code + " " + r->rejection->message;
  for (const std::string& type : r->event_types) out += " " + type;
  out += fmt::format(" @{}-{} {}", r->append.first_position, r->append.last_position,
                     r->append.last_hash);
  return out;
}

// Runs the sample through `engine` in batches of random size (seeded), and
// returns every command's outcome.
std::vector<std::string> RunSample(Engine& engine, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::string> outcomes;
  for (const std::string& file : kSampleFiles) {
    const std::vector<Command> commands = SampleCommands(file);
    for (std::size_t i = 0; i < commands.size();) {
      const std::size_t n = std::min<std::size_t>(commands.size() - i, 1 + random() % 200);
      auto results = engine.ExecuteBatch(std::span(commands).subspan(i, n),
                                         BatchMode::kIndependent);
      REQUIRE(results.ok());
      for (const auto& r : *results) outcomes.push_back(Outcome(r));
      i += n;
    }
  }
  return outcomes;
}

// A still store holding the sample, run through an engine (now closed)
// with a cache of `cache`, in batches of random size from `seed`.
std::shared_ptr<EventStore> SampleStore(std::size_t cache, std::uint32_t seed) {
  auto store = StillStore();
  auto engine = OpenEngine(store, cache);
  RunSample(*engine, seed);
  return store;
}

// Everything a reader can ask of the engine now, as one JSON text.
std::string Answers(Engine& engine) {
  boost::json::object all;
  auto docket = engine.ListCases(CaseFilter{}, AsOf{});
  REQUIRE(docket.ok());
  boost::json::array views;
  for (const CaseSummary& c : *docket) {
    auto view = engine.CaseView(c.id, AsOf{});
    REQUIRE(view.ok());
    views.push_back(std::move(*view));
  }
  all["views"] = std::move(views);
  auto stats = engine.Statistics("2022-01-01", "2023-12-31", AsOf{});
  REQUIRE(stats.ok());
  all["stats"] = std::move(*stats);
  auto deadlines = engine.Deadlines(DeadlineQuery{}, AsOf{.time = "2023-12-31"});
  REQUIRE(deadlines.ok());
  all["deadlines"] = deadlines->size();
  auto grid = engine.ListGridTickets(GridTicketFilter{}, AsOf{});
  REQUIRE(grid.ok());
  all["grid"] = grid->size();
  auto joint = engine.ListJointActions(JointActionFilter{}, AsOf{});
  REQUIRE(joint.ok());
  all["joint"] = joint->size();
  return boost::json::serialize(all);
}

void RequireRowsMatchEvents(Engine& engine) {
  auto report = engine.ReplayProjections(/*repair=*/false);
  REQUIRE(report.ok());
  INFO("missing " << report->missing.size() << ", extra " << report->extra.size()
                  << ", different " << report->different.size());
  if (!report->missing.empty()) INFO("first missing " << report->missing.front());
  if (!report->different.empty()) INFO("first different " << report->different.front());
  REQUIRE(report->ok());
}

TEST_CASE("A cache of one aggregate decides, writes and answers as a large cache",
          "[engine][bounded]") {
  auto tiny_store = StillStore();
  auto large_store = StillStore();
  auto tiny = OpenEngine(tiny_store, 1);
  auto large = OpenEngine(large_store, 1'000'000);
  const std::vector<std::string> a = RunSample(*tiny, 7);
  const std::vector<std::string> b = RunSample(*large, 1234);
  REQUIRE(a.size() == b.size());
  std::size_t applied = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("command " << i);
    REQUIRE(a[i] == b[i]);
    applied += a[i].starts_with("applied");
  }
  CHECK(applied > 5000);
  // The same events, byte for byte.
  CHECK(tiny_store->Ledger().ledger_hash == large_store->Ledger().ledger_hash);
  CHECK(Answers(*tiny) == Answers(*large));
  RequireRowsMatchEvents(*tiny);
  RequireRowsMatchEvents(*large);
}

// The audit folds its cases again from their streams when its cache
// evicts them (up to the position it has reached): with a cache of one it
// must find exactly what it finds holding everything.
TEST_CASE("The audit with a cache of one finds what a large cache finds",
          "[engine][bounded][audit]") {
  auto store = SampleStore(1000, 17);
  auto audit = [&](std::size_t cache) {
    EngineOptions options;
    options.cache_aggregates = cache;
    std::vector<std::string> findings;
    auto summary = AuditStore(*store, options, AuditOptions{}, [&](const AuditFinding& f) {
      findings.push_back(boost::json::serialize(AuditFindingToJson(f)));
    });
    REQUIRE(summary.ok());
    boost::json::object json = AuditSummaryToJson(*summary);
    json.erase("elapsed_seconds");
    json["finding_list"] = boost::json::value_from(findings);
    return json;
  };
  const boost::json::object tiny = audit(1);
  const boost::json::object large = audit(1'000'000);
  CHECK(tiny == large);
  CHECK(tiny.at("commands_redecided").to_number<std::int64_t>() > 5000);
  CHECK(tiny.at("deadlines_checked").to_number<std::int64_t>() > 0);
}

TEST_CASE("Opening reads the last group, not the history or the reference data",
          "[engine][bounded]") {
  auto store = SampleStore(1000, 3);
  auto observed = std::make_shared<ObservedStore>(store);
  auto engine = OpenEngine(observed, 1000);
  const std::uint64_t events = store->Ledger().position;
  INFO("ledger " << events << ", read at open: operational " << observed->operational_events_read
                 << ", reference " << observed->reference_events_read);
  // The rule book is folded when first needed (the names rows are current).
  CHECK(observed->reference_events_read == 0);
  // The catch-up reads at most the last group (≤ 200 commands here).
  CHECK(observed->operational_events_read < 2000);
  CHECK(observed->operational_events_read * 10 < events);
  // And answers as a fresh fold does.
  auto fresh = OpenEngine(store, 1'000'000);
  CHECK(Answers(*engine) == Answers(*fresh));
  CHECK(observed->reference_events_read > 0);
}

// Rows of the stored index, and the meta row, as the test finds them.
std::vector<std::pair<std::string, std::string>> IndexRows(EventStore& store,
                                                           std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> rows;
  REQUIRE(store
              .ScanProjections(prefix,
                               [&](std::string_view key, std::string_view value) {
                                 rows.emplace_back(key, value);
                                 return true;
                               })
              .ok());
  return rows;
}

std::string MetaRow(EventStore& store) {
  auto meta = store.ReadProjection(internal::kIndexMetaKey);
  REQUIRE(meta.ok());
  REQUIRE(meta->has_value());
  return **meta;
}

TEST_CASE("Index rows of another fold version, or under a broken meta row, are rebuilt",
          "[engine][bounded]") {
  auto store = SampleStore(100, 11);
  const auto party_rows = IndexRows(*store, "ix/party/");
  REQUIRE(party_rows.size() > 100);
  const std::string good_meta = MetaRow(*store);
  CHECK(good_meta.find(fmt::format("\"fold_version\":{}", internal::kIndexFoldVersion)) !=
        std::string::npos);

  const std::string meta = GENERATE(std::string(R"({"fold_version":999,"position":1})"),
                                    std::string(R"({"fold_vers)"), std::string("\x01\x02"));
  INFO("meta row " << meta);
  // A stale index the meta row would vouch for: one row gone, one changed.
  const ProjectionWrite damage[] = {
      {party_rows[3].first, std::nullopt},
      {party_rows[7].first, std::string("NO-SUCH-CASE")},
      {std::string(internal::kIndexMetaKey), meta}};
  REQUIRE(store->WriteProjections(damage).ok());

  auto engine = OpenEngine(store, 100);
  CHECK(IndexRows(*store, "ix/party/") == party_rows);
  // Rebuilt from the whole log: the rows reflect all of it.
  CHECK(MetaRow(*store) == fmt::format(R"({{"fold_version":{},"position":{}}})",
                                       internal::kIndexFoldVersion, store->Ledger().position));
  RequireRowsMatchEvents(*engine);
}

// Fails every WriteProjections after the first `allowed`.
class FailingRowsStore final : public testing::ForwardingStore {
 public:
  FailingRowsStore(std::shared_ptr<EventStore> inner, int allowed)
      : ForwardingStore(std::move(inner)), allowed_(allowed) {}
  Status WriteProjections(std::span<const ProjectionWrite> writes) override {
    if (writes_++ >= allowed_) return IOError("injected projection write failure");
    return ForwardingStore::WriteProjections(writes);
  }
  Status Close() override { return Status::Ok(); }
  int writes() const { return writes_; }

 private:
  const int allowed_;
  int writes_ = 0;
};

Result<std::unique_ptr<Engine>> OpenWithChunks(std::shared_ptr<EventStore> store,
                                               std::size_t cache, std::size_t chunk_bytes) {
  EngineOptions options;
  options.cache_aggregates = cache;
  options.repair_chunk_bytes = chunk_bytes;
  options.store.clock = std::make_shared<FakeClock>();
  return Engine::Open(options, std::move(store));
}

// The first few rows that differ between two listings, as people read them.
std::string RowDifferences(const std::vector<std::pair<std::string, std::string>>& got,
                           const std::vector<std::pair<std::string, std::string>>& want) {
  std::map<std::string, std::string> a(got.begin(), got.end()), b(want.begin(), want.end());
  std::string out;
  int shown = 0;
  for (const auto& [key, value] : b) {
    auto it = a.find(key);
    if (it != a.end() && it->second == value) continue;
    if (shown++ < 5) out += fmt::format("{} {}; ", it == a.end() ? "missing" : "different", key);
  }
  for (const auto& [key, value] : a) {
    if (!b.contains(key) && shown++ < 10) out += fmt::format("extra {}; ", key);
  }
  for (char& c : out) c = c == '\0' ? '#' : c;
  return out;
}

// Every row but the meta row (whose position an engine writes as of the
// start of its last group, a rebuild as of the ledger).
std::vector<std::pair<std::string, std::string>> RowsButMeta(EventStore& store) {
  auto rows = IndexRows(store, "");
  std::erase_if(rows, [](const auto& row) { return row.first == internal::kIndexMetaKey; });
  return rows;
}

// Deletes every projection row (read models, index rows, the meta row).
void WipeRows(EventStore& store) {
  std::vector<ProjectionWrite> wipe;
  for (auto& [key, value] : IndexRows(store, "")) wipe.push_back({key, std::nullopt});
  REQUIRE(store.WriteProjections(wipe).ok());
  REQUIRE(IndexRows(store, "").empty());
}

TEST_CASE("A rebuild with a cache of one writes back every row of a wiped store",
          "[engine][bounded]") {
  auto store = SampleStore(100, 5);
  const auto rows = RowsButMeta(*store);
  REQUIRE(rows.size() > 1000);
  WipeRows(*store);
  // Repairs written a few rows at a time: what is held is bounded.
  auto engine = OpenWithChunks(store, 1, 4096);
  REQUIRE(engine.ok());
  const auto rebuilt = RowsButMeta(*store);
  INFO(RowDifferences(rebuilt, rows));
  CHECK(rebuilt == rows);
  CHECK(MetaRow(*store) == fmt::format(R"({{"fold_version":{},"position":{}}})",
                                       internal::kIndexFoldVersion, store->Ledger().position));
  RequireRowsMatchEvents(**engine);
}

// PrintableKey's form of a stored key, as ProjectionReport lists it.
std::string Shown(std::string key) {
  std::replace(key.begin(), key.end(), '\0', '#');
  return key;
}

TEST_CASE("A rebuild names and repairs every changed, extra and missing index row in chunks",
          "[engine][bounded]") {
  auto store = SampleStore(100, 21);
  const auto rows = RowsButMeta(*store);
  const auto party_rows = IndexRows(*store, "ix/party/");
  REQUIRE(party_rows.size() > 100);
  const std::size_t index_rows = IndexRows(*store, "ix/").size();
  // Every party row changed, rows nobody implies added, some rows lost:
  // many more differences than one 4 KiB chunk of repairs holds, so the
  // scan of the stored rows stops and resumes several times.
  std::vector<ProjectionWrite> damage;
  std::set<std::string> changed, added, lost;
  for (std::size_t i = 0; i < party_rows.size(); ++i) {
    const std::string& key = party_rows[i].first;
    if (i % 10 == 3) {
      damage.push_back({key, std::nullopt});
      lost.insert(Shown(key));
    } else {
      damage.push_back({key, party_rows[(i + 1) % party_rows.size()].second});
      changed.insert(Shown(key));
    }
  }
  for (int i = 0; i < 50; ++i) {
    const std::string key = fmt::format("ix/party/NOBODY-{:03}", i) + std::string(1, '\0') + "00000000";
    damage.push_back({key, std::string("x")});
    added.insert(Shown(key));
  }
  REQUIRE(store->WriteProjections(damage).ok());

  auto engine = OpenWithChunks(store, 10, 4096);
  REQUIRE(engine.ok());
  const bool repair = GENERATE(false, true);
  auto report = (*engine)->ReplayProjections(repair);
  REQUIRE(report.ok());
  CHECK(std::set<std::string>(report->different.begin(), report->different.end()) == changed);
  CHECK(std::set<std::string>(report->extra.begin(), report->extra.end()) == added);
  CHECK(std::set<std::string>(report->missing.begin(), report->missing.end()) == lost);
  CHECK(report->index_rows == index_rows);
  CHECK(report->repaired == repair);
  if (repair) {
    const auto rebuilt = RowsButMeta(*store);
    INFO(RowDifferences(rebuilt, rows));
    CHECK(rebuilt == rows);
    RequireRowsMatchEvents(**engine);
  }
}

TEST_CASE("A failed fold, in place or on a copy, leaves the case as before the event",
          "[engine][bounded]") {
  auto store = SampleStore(100, 4);
  const std::string stream = "case/SX-2023-E0010";
  std::vector<EventRecord> events;
  for (auto c = store->ReadStream(stream, 1, Direction::kForward); c->Valid(); c->Next()) {
    events.push_back(c->event());
  }
  REQUIRE(events.size() >= 3);
  // The second event with a payload its evolver cannot take: EvolveCase has
  // stamped the version and the timeline before the evolver refuses.
  EventRecord broken = events[1];
  broken.data = boost::json::object{{"unexpected", true}};

  // A book as of a moment folds a state nobody else holds in place; a
  // state held elsewhere (a reader's SharedState) is copied.
  const bool held = GENERATE(false, true);
  INFO("held elsewhere " << held);
  std::uint64_t through = 0;
  internal::CaseBook book(store.get(), 10,
                          [&](const EventRecord& e) { return e.position <= through; },
                          /*index_from_events=*/true);
  REQUIRE(book.Apply(events[0]).ok());
  through = events[0].position;
  std::shared_ptr<const void> holder;
  if (held) holder = book.SharedState(stream);
  REQUIRE_FALSE(book.Apply(broken).ok());
  if (held) {
    // The holder's state is the one before the event, untouched.
    CHECK(static_cast<const internal::CaseState*>(holder.get())->timeline.size() == 1);
  }
  const internal::CaseState* after_failure = book.FindCase("SX-2023-E0010");
  REQUIRE(after_failure != nullptr);
  CHECK(after_failure->version == 1);
  CHECK(after_failure->timeline.size() == 1);
  CHECK(book.Version(stream) == 1);
  // The real events fold on from there as in a book that never failed.
  for (std::size_t i = 1; i < events.size(); ++i) {
    REQUIRE(book.Apply(events[i]).ok());
    through = events[i].position;
  }
  internal::CaseBook fresh(store.get(), 10,
                           [&](const EventRecord& e) { return e.position <= through; }, true);
  for (const EventRecord& e : events) REQUIRE(fresh.Apply(e).ok());
  const internal::CaseState* got = book.FindCase("SX-2023-E0010");
  const internal::CaseState* want = fresh.FindCase("SX-2023-E0010");
  REQUIRE(got != nullptr);
  REQUIRE(want != nullptr);
  CHECK(got->version == want->version);
  CHECK(got->timeline.size() == want->timeline.size());
  CHECK(got->state == want->state);
}

TEST_CASE("A rebuild that fails part way leaves rows that no open trusts",
          "[engine][bounded]") {
  auto store = SampleStore(100, 9);
  const auto rows = RowsButMeta(*store);
  WipeRows(*store);
  {
    // Two writes of repairs land, the third fails: the open fails.
    auto failing = std::make_shared<FailingRowsStore>(store, 2);
    auto engine = OpenWithChunks(failing, 10, 4096);
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.status().message().find("injected") != std::string::npos);
    CHECK(failing->writes() == 3);
  }
  // Some rows are back, the meta row is not: nothing vouches for them.
  const auto half = RowsButMeta(*store);
  CHECK(!half.empty());
  CHECK(half.size() < rows.size());
  auto meta = store->ReadProjection(internal::kIndexMetaKey);
  REQUIRE(meta.ok());
  CHECK_FALSE(meta->has_value());
  // So the next open rebuilds them all.
  auto engine = OpenWithChunks(store, 10, 8 << 20);
  REQUIRE(engine.ok());
  const auto rebuilt = RowsButMeta(*store);
  INFO(RowDifferences(rebuilt, rows));
  CHECK(rebuilt == rows);
}

// A clue of 高砂镇 whose party is `party`.
Command PartyClue(const std::string& case_id, const std::string& command_id,
                  const std::string& party) {
  return testing::GaoshaCommand("register_clue", command_id, "2023-09-12T10:00:00+08:00", case_id,
                                {{"source", "inspection"},
                                 {"township", "gaosha"},
                                 {"item_code", "SAFE-017"},
                                 {"description", "焊工未建立特种作业人员档案"},
                                 {"discovered_on", "2023-09-11"},
                                 {"party",
                                  {{"id", party},
                                   {"name", "某焊接加工厂"},
                                   {"category", "organisation"}}}});
}

// A still store holding the reference data and the clue `case_id` of
// `party`, written by an engine now closed.
std::shared_ptr<EventStore> StoreWithClue(const std::string& case_id, const std::string& party) {
  auto store = StillStore();
  auto engine = OpenEngine(store, 10);
  testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  auto applied = engine->Execute(PartyClue(case_id, "clue-" + case_id, party));
  REQUIRE(applied.ok());
  REQUIRE(applied->outcome == CommandResult::Outcome::kApplied);
  return store;
}

TEST_CASE("Events appended without the engine are indexed at the next open",
          "[engine][bounded]") {
  // The events of a clue, as an engine wrote them elsewhere.
  auto source = StoreWithClue("SX-RAW-1", "91350427RAW0000001");
  AppendRequest raw;
  raw.stream = "case/SX-RAW-1";
  raw.expected = ExpectedVersion::NoStream();
  raw.command_id = "raw-append-1";  // no recorded command: not the engine's
  for (auto c = source->ReadStream(raw.stream, 1, Direction::kForward); c->Valid(); c->Next()) {
    const EventRecord& e = c->event();
    raw.events.push_back(NewEvent{e.type, e.schema, e.occurred_at, e.actor, e.data});
  }
  REQUIRE(raw.events.size() == 1);

  auto store = StillStore();
  {
    auto engine = OpenEngine(store, 10);
    testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  }
  REQUIRE(store->Append(raw, AppendOptions{}).ok());
  CHECK(IndexRows(*store, "ix/agg/case/SX-RAW-1").empty());

  auto engine = OpenEngine(store, 10);
  CHECK(IndexRows(*store, "ix/agg/case/SX-RAW-1").size() == 1);
  CHECK(IndexRows(*store, "ix/party/91350427RAW0000001").size() == 1);
  auto view = store->ReadProjection("case_view/SX-RAW-1");
  REQUIRE(view.ok());
  CHECK(view->has_value());
  RequireRowsMatchEvents(*engine);
  // And it decides on them: the party's case is known.
  auto again = engine->Execute(PartyClue("SX-RAW-1", "raw-2", "91350427RAW0000001"));
  REQUIRE(again.ok());
  CHECK(again->outcome == CommandResult::Outcome::kRejected);
}

// A store holding two clues of one party, and the party's index rows.
struct TwoClues {
  std::shared_ptr<EventStore> store;
  std::vector<std::pair<std::string, std::string>> party_rows;
};
constexpr char kSealedParty[] = "91350427SEAL000001";
TwoClues StoreWithTwoClues() {
  TwoClues out{StoreWithClue("SX-SEAL-1", kSealedParty), {}};
  auto engine = OpenEngine(out.store, 10);
  auto applied = engine->Execute(PartyClue("SX-SEAL-2", "clue-SX-SEAL-2", kSealedParty));
  REQUIRE(applied.ok());
  REQUIRE(applied->outcome == CommandResult::Outcome::kApplied);
  out.party_rows = IndexRows(*out.store, fmt::format("ix/party/{}", kSealedParty));
  REQUIRE(out.party_rows.size() == 2);
  return out;
}

// The ways a stored index row goes bad: another member under the old seal,
// the seal cut short, the value gone.
std::string Damaged(const std::string& value, int how) {
  switch (how) {
    case 0: return "SX-SEAL-9" + value.substr(value.find('\0'));
    case 1: return value.substr(0, value.size() - 3);
    default: return "";
  }
}

TEST_CASE("A damaged index row is detected, never used, and rebuilt before the next command",
          "[engine][bounded]") {
  TwoClues two = StoreWithTwoClues();
  const int how = GENERATE(0, 1, 2);
  INFO("damage " << how);
  const ProjectionWrite damage{two.party_rows[1].first,
                               Damaged(two.party_rows[1].second, how)};
  REQUIRE(two.store->WriteProjections(std::span(&damage, 1)).ok());
  const std::uint64_t ledger = two.store->Ledger().position;

  // The meta row vouches for the rows, so the open trusts them; a third
  // clue of the party reads the party's list and finds the damage.
  auto engine = OpenEngine(two.store, 10);
  const Command third = PartyClue("SX-SEAL-3", "clue-SX-SEAL-3", kSealedParty);
  auto refused = engine->ExecuteBatch(std::span(&third, 1), BatchMode::kIndependent);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kCorruption);
  CHECK(refused.status().message().find("does not match its seal") != std::string::npos);
  CHECK(refused.status().message().find(fmt::format("ix/party/{}#00000001", kSealedParty)) !=
        std::string::npos);
  // Nothing was stored, and the rows are whole again.
  CHECK(two.store->Ledger().position == ledger);
  CHECK(IndexRows(*two.store, fmt::format("ix/party/{}", kSealedParty)) == two.party_rows);
  // Sent again, the command is decided on the true list.
  auto applied = engine->Execute(third);
  REQUIRE(applied.ok());
  CHECK(applied->outcome == CommandResult::Outcome::kApplied);
  CHECK(IndexRows(*two.store, fmt::format("ix/party/{}", kSealedParty)).size() == 3);
  RequireRowsMatchEvents(*engine);
}

TEST_CASE("A read that meets a damaged index row fails, and the next open rebuilds the rows",
          "[engine][bounded]") {
  auto store = SampleStore(100, 21);
  const auto party_rows = IndexRows(*store, "ix/party/");
  // The explanation of a penalty with leniency lists the party's other
  // cases (the first-violation history). Every party list is damaged.
  std::vector<ProjectionWrite> damage;
  for (const auto& row : party_rows) damage.push_back({row.first, Damaged(row.second, 1)});
  REQUIRE(store->WriteProjections(damage).ok());
  auto engine = OpenEngine(store, 100);
  auto docket = engine->ListCases(CaseFilter{}, AsOf{});  // no index read
  REQUIRE(docket.ok());
  bool met = false;
  for (const CaseSummary& c : *docket) {
    auto explained = engine->ExplainCase(c.id, AsOf{});
    if (explained.ok()) continue;
    CHECK(explained.status().code() == StatusCode::kCorruption);
    CHECK(explained.status().message().find("does not match its seal") != std::string::npos);
    met = true;
    break;
  }
  REQUIRE(met);
  // No open may trust the rows now; the next one rebuilds them.
  auto meta = store->ReadProjection(internal::kIndexMetaKey);
  REQUIRE(meta.ok());
  CHECK_FALSE(meta->has_value());
  auto reopened = OpenEngine(store, 100);
  CHECK(IndexRows(*store, "ix/party/") == party_rows);
  RequireRowsMatchEvents(*reopened);
}

// A past moment's case is folded from its own stream (in place, no copy
// per event); an event that does not fold ends the stream there, as a fold
// of the whole log does.
TEST_CASE("A case as of a moment stops at an event that does not fold", "[engine][bounded]") {
  auto store = StoreWithClue("SX-FOLD-1", "91350427FOLD000001");
  const std::uint64_t before = store->Ledger().position;
  std::string view_before;
  {
    auto engine = OpenEngine(store, 1);
    auto view = engine->CaseView("SX-FOLD-1", AsOf{});
    REQUIRE(view.ok());
    view_before = boost::json::serialize(*view);
  }
  // Appended past the engine: a type no case folds, then a valid-looking
  // event after it.
  AppendRequest raw;
  raw.stream = "case/SX-FOLD-1";
  raw.expected = ExpectedVersion::Exact(1);
  raw.command_id = "raw-unfoldable-1";
  // With a command recorded, an open's catch-up passes over it (the
  // engine's own events were written with their rows).
  raw.command = R"({"type":"tampered"})";
  raw.events.push_back(NewEvent{"no_such_case_event", 1, "2023-09-13T10:00:00+08:00",
                                Actor{"gaosha-zhang", "enforcement_officer", "gaosha"}, boost::json::object{}});
  REQUIRE(store->Append(raw, AppendOptions{}).ok());

  for (std::size_t cache : {std::size_t{1}, std::size_t{1000}}) {
    INFO("cache " << cache);
    EngineOptions options;
    options.cache_aggregates = cache;
    options.store.clock = std::make_shared<FakeClock>();
    auto engine = Engine::Open(options, store);
    REQUIRE(engine.ok());
    // Now, the stream does not fold: a read that folds it says so.
    auto now = (*engine)->ExplainCase("SX-FOLD-1", AsOf{});
    REQUIRE_FALSE(now.ok());
    CHECK(now.status().code() == StatusCode::kCorruption);
    // The view now is the row written with the engine's events; events
    // appended past the engine under a recorded command are not the
    // engine's, and `replay --verify` and the audit name them (next test).
    auto row = (*engine)->CaseView("SX-FOLD-1", AsOf{});
    REQUIRE(row.ok());
    CHECK(boost::json::serialize(*row) == view_before);
    auto then = (*engine)->CaseView("SX-FOLD-1", AsOf{.position = store->Ledger().position});
    REQUIRE(then.ok());
    CHECK(boost::json::serialize(*then) == view_before);
    auto at = (*engine)->CaseView("SX-FOLD-1", AsOf{.position = before});
    REQUIRE(at.ok());
    CHECK(boost::json::serialize(*at) == view_before);
  }
}

TEST_CASE("An open does not mend a row its engine wrote: replay --verify names it",
          "[engine][bounded]") {
  auto store = StoreWithClue("SX-ROW-1", "91350427ROW0000001");
  const ProjectionWrite tamper[] = {{"case_view/SX-ROW-1", std::string("{}")}};
  REQUIRE(store->WriteProjections(tamper).ok());
  auto engine = OpenEngine(store, 10);
  auto report = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(report.ok());
  CHECK(report->different == std::vector<std::string>{"case_view/SX-ROW-1"});
}

TEST_CASE("A failed atomic batch leaves no index row and no cached effect",
          "[engine][bounded]") {
  auto store = StillStore();
  auto engine = OpenEngine(store, 4);
  testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
  const auto rows_before = IndexRows(*store, internal::kIndexRowPrefix);

  Command clue = testing::GaoshaClue("SX-BOUNDED-1", "bounded-1");
  // The same clue again: refused, since the batch registered it already.
  Command bad = testing::GaoshaClue("SX-BOUNDED-1", "bounded-2");
  const Command batch[] = {clue, bad};
  auto results = engine->ExecuteBatch(batch, BatchMode::kAtomic);
  REQUIRE(results.ok());
  REQUIRE(results->back().ok());
  REQUIRE(results->back()->outcome == CommandResult::Outcome::kRejected);
  CHECK(IndexRows(*store, internal::kIndexRowPrefix) == rows_before);
  CHECK_FALSE(engine->CaseView("SX-BOUNDED-1", AsOf{}).ok());

  // The clue alone applies, and is indexed with its party.
  auto alone = engine->Execute(clue);
  REQUIRE(alone.ok());
  REQUIRE(alone->outcome == CommandResult::Outcome::kApplied);
  CHECK(IndexRows(*store, "ix/agg/case/SX-BOUNDED-1").size() == 1);
  RequireRowsMatchEvents(*engine);
}

TEST_CASE("A case the store cannot read fails the command, it is not taken as absent",
          "[engine][bounded]") {
  auto store = StillStore();
  {
    auto engine = OpenEngine(store, 4);
    testing::LoadAll(*engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl"});
    auto applied = engine->Execute(testing::GaoshaClue("SX-BOUNDED-2", "bounded-3"));
    REQUIRE(applied.ok());
    REQUIRE(applied->outcome == CommandResult::Outcome::kApplied);
  }
  auto observed = std::make_shared<ObservedStore>(store);
  auto engine = OpenEngine(observed, 4);
  // Other cases push it out of the cache (the open's catch-up read it).
  for (int i = 0; i < 8; ++i) {
    auto other = engine->Execute(testing::GaoshaClue(fmt::format("SX-BOUNDED-OTHER-{}", i),
                                                     fmt::format("bounded-other-{}", i)));
    REQUIRE(other.ok());
  }
  observed->failing_stream = "case/SX-BOUNDED-2";
  const std::uint64_t before = store->Ledger().position;
  // Registering the same id again would apply if the case looked absent.
  auto again = engine->Execute(testing::GaoshaClue("SX-BOUNDED-2", "bounded-4"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == StatusCode::kIOError);
  CHECK(store->Ledger().position == before);
  observed->failing_stream.clear();
  auto retried = engine->Execute(testing::GaoshaClue("SX-BOUNDED-2", "bounded-4"));
  REQUIRE(retried.ok());
  CHECK(retried->outcome == CommandResult::Outcome::kRejected);
}

#ifdef ZF_CRASH_CHILD_PATH
// Events and their index rows are one atomic write: SIGKILL an engine's
// process mid-import, several times; every acknowledged command is there,
// and the stored rows are exactly what the events call for.
TEST_CASE("SIGKILL of an importing engine leaves every acknowledged command with its rows",
          "[engine][bounded][crash]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  const std::string sample = std::string(ZF_SOURCE_DIR) + "/examples/shaxian";
  std::mt19937 rng(std::random_device{}());
  std::vector<std::string> acked;
  // Three rounds, and more (up to ten) while too few commands were
  // acknowledged: a loaded machine starts the child slowly, and the kill
  // comes after a fixed time.
  for (int round = 0; round < 3 || (acked.size() <= 20 && round < 10); ++round) {
    std::istringstream lines(testing::OutputUntilKilled(
        ZF_CRASH_CHILD_PATH, {path, "4", "engine", sample},
        std::chrono::milliseconds(1500 + rng() % 1000)));
    std::string word, command_id;
    while (lines >> word >> command_id) {
      if (word == "ack") acked.push_back(command_id);
    }
  }
  REQUIRE(acked.size() > 20);
  // Looked at before any engine opens it (an open would catch up).
  auto store = OpenRocksDbEventStore(StoreOptions{}, path);
  REQUIRE(store.ok());
  for (const std::string& id : acked) {
    INFO(id);
    CHECK((*store)->FindCommand(id).ok());
  }
  auto folded = internal::Replay(**store, internal::AsOfFilter{});
  REQUIRE(folded.ok());
  std::vector<std::pair<std::string, std::string>> want;
  folded->cases.ForEachIndexRow([&](std::string_view key, std::string_view value) {
    want.emplace_back(key, value);
  });
  std::sort(want.begin(), want.end());
  CHECK(want.size() > acked.size());
  CHECK(IndexRows(**store, internal::kIndexRowPrefix) == want);
}
#endif

}  // namespace
}  // namespace zf

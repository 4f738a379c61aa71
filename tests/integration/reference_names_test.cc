// The reference names rows (projection/reference_names.h): a case read
// takes its area, subject name and item name from them instead of folding
// the rule book. They must give exactly what the rule book gives, change in
// the write that changes the reference data, and never be trusted when they
// do not reflect the reference streams.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "projection/case_view.h"
#include "projection/reference_names.h"
#include "projection/replay.h"
#include "rules/rule_book.h"
#include "support/engine_fixtures.h"
#include "support/forwarding_store.h"
#include "support/test_support.h"
#include "zf/engine.h"

namespace zf {
namespace {

using internal::NameRows;

const std::vector<std::string> kReferenceFiles = {"01-calendar.jsonl", "02-org.jsonl",
                                                  "03-powers.jsonl"};
const std::vector<std::string> kSample2022 = {
    "01-calendar.jsonl",   "02-org.jsonl",         "03-powers.jsonl",
    "04-leniency.jsonl",   "05-benchmarks.jsonl",  "06-hearing-thresholds.jsonl",
    "07-cases-2022.jsonl"};

// A store that counts the events read from the reference streams.
class ReferenceCountingStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  mutable std::atomic<std::uint64_t> reference_reads{0};

  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from,
                                          Direction d) const override {
    if (internal::IsReferenceStream(stream)) ++reference_reads;
    return inner()->ReadStream(stream, from, d);
  }
  Status Close() override { return Status::Ok(); }  // the test's store
};

std::unique_ptr<Engine> OpenOver(std::shared_ptr<EventStore> store) {
  auto engine = Engine::Open(EngineOptions{}, std::move(store));
  REQUIRE(engine.ok());
  return std::move(*engine);
}

std::shared_ptr<EventStore> OpenReadOnly(const std::string& path) {
  StoreOptions options;
  options.read_only = true;
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::shared_ptr<EventStore>(std::move(*store));
}

std::shared_ptr<EventStore> MemoryStore() {
  auto store = NewMemoryEventStore(StoreOptions{});
  REQUIRE(store.ok());
  return std::shared_ptr<EventStore>(std::move(*store));
}

std::vector<std::string> CaseIds(Engine& engine) {
  auto docket = engine.ListCases(CaseFilter{}, AsOf{});
  REQUIRE(docket.ok());
  std::vector<std::string> ids;
  for (const CaseSummary& c : *docket) ids.push_back(c.id);
  REQUIRE(!ids.empty());
  return ids;
}

std::map<std::string, std::string> Views(Engine& engine, const std::vector<std::string>& ids) {
  std::map<std::string, std::string> views;
  for (const std::string& id : ids) {
    auto view = engine.CaseView(id, AsOf{});
    REQUIRE(view.ok());
    views[id] = boost::json::serialize(*view);
  }
  return views;
}

// The views as a fold of the whole log renders them (no row is read).
std::map<std::string, std::string> ViewsFromReplay(const EventStore& store,
                                                   const std::vector<std::string>& ids) {
  auto replayed = internal::Replay(store, internal::AsOfFilter{});
  REQUIRE(replayed.ok());
  std::map<std::string, std::string> views;
  for (const std::string& id : ids) {
    const internal::CaseState* c = replayed->cases.FindCase(id);
    REQUIRE(c != nullptr);
    views[id] = boost::json::serialize(internal::CaseViewJson(*c, replayed->rules, std::nullopt));
  }
  return views;
}

// The views as the rule book renders them: the book is folded first.
std::map<std::string, std::string> ViewsFromBook(std::shared_ptr<EventStore> store,
                                                 const std::vector<std::string>& ids) {
  auto engine = OpenOver(std::move(store));
  REQUIRE(engine->Calendar().ok());
  return Views(*engine, ids);
}

// The views a fresh engine gives without anything else asked first;
// `*reference_reads`: the reference events it read for them.
std::map<std::string, std::string> ViewsFirstThing(std::shared_ptr<EventStore> store,
                                                   const std::vector<std::string>& ids,
                                                   std::uint64_t* reference_reads) {
  auto counting = std::make_shared<ReferenceCountingStore>(std::move(store));
  auto engine = OpenOver(counting);
  auto views = Views(*engine, ids);
  *reference_reads = counting->reference_reads;
  return views;
}

NameRows Stored(const EventStore& store) {
  auto rows = internal::StoredNameRows(store);
  REQUIRE(rows.ok());
  return *rows;
}

NameRows Implied(Engine& engine) { return internal::NameRowsOf(testing::Fold(engine)); }

bool Current(const EventStore& store) {
  auto current = internal::StoredNamesCurrent(store);
  REQUIRE(current.ok());
  return *current;
}

// publish_power_item of a new version of `item_code` (its last one with
// another name, effective the same day: a correction).
Command Rename(Engine& engine, const std::string& item_code, const std::string& name,
               const std::string& command_id) {
  internal::RuleBook book = testing::Fold(engine);
  const internal::PowerItemEntry* last = book.powers().Latest(item_code);
  REQUIRE(last != nullptr);
  const std::vector<Command> published = testing::SampleCommands("03-powers.jsonl");
  for (const Command& c : published) {
    if (c.type != "publish_power_item" ||
        c.data.as_object().at("item_code").as_string() != item_code) {
      continue;
    }
    boost::json::object data = c.data.as_object();
    data["name"] = name;
    return testing::MakeCommand("publish_power_item", command_id, "2024-03-01T09:00:00+08:00",
                                std::move(data));
  }
  FAIL("no publish_power_item of " << item_code << " in the sample");
  return {};
}

std::string ItemOf(const std::string& view) {
  return std::string(boost::json::parse(view).as_object().at("item_code").as_string());
}

// Runs the sample up to 2022 into `store` through an engine (then closed);
// returns the ids of its cases.
std::vector<std::string> LoadSample(std::shared_ptr<EventStore> store) {
  auto engine = OpenOver(std::move(store));
  testing::LoadAll(*engine, kSample2022);
  return CaseIds(*engine);
}

std::string ItemNameOf(const std::string& view) {
  const boost::json::object o = boost::json::parse(view).as_object();
  return o.contains("item_name") ? std::string(o.at("item_name").as_string()) : "";
}

TEST_CASE("A case read first thing comes from its row and the names rows, as a fold gives it",
          "[engine][names]") {
  auto store = MemoryStore();
  std::vector<std::string> ids;
  {
    auto engine = OpenOver(store);
    testing::LoadAll(*engine, kSample2022);
    ids = CaseIds(*engine);
    CHECK(Stored(*store) == Implied(*engine));
  }
  CHECK(Current(*store));
  std::uint64_t reference_reads = 0;
  const auto first_thing = ViewsFirstThing(store, ids, &reference_reads);
  CHECK(reference_reads == 0);
  const auto from_book = ViewsFromBook(store, ids);
  const auto from_replay = ViewsFromReplay(*store, ids);
  for (const std::string& id : ids) {
    INFO(id);
    CHECK(first_thing.at(id) == from_replay.at(id));
    CHECK(from_book.at(id) == from_replay.at(id));
  }
  // The views do carry the names (the comparison is not of empty fields).
  const boost::json::object one = boost::json::parse(first_thing.begin()->second).as_object();
  CHECK(!one.at("area").as_string().empty());
  CHECK(!one.at("item_name").as_string().empty());
  CHECK(!one.at("handling_subject_name").as_string().empty());
}

TEST_CASE("A publication changes the names rows in its own write, and a refused one does not",
          "[engine][names]") {
  auto store = MemoryStore();
  auto engine = OpenOver(store);
  testing::LoadAll(*engine, kSample2022);
  const std::vector<std::string> ids = CaseIds(*engine);
  std::uint64_t reads = 0;
  const auto before = ViewsFirstThing(store, ids, &reads);
  const std::string item = ItemOf(before.begin()->second);
  const std::string key = "names/item/" + item;
  const NameRows rows_before = Stored(*store);
  REQUIRE(rows_before.contains(key));

  SECTION("applied") {
    auto renamed = engine->Execute(Rename(*engine, item, "更正后的事项名称", "rename-1"));
    REQUIRE(renamed.ok());
    REQUIRE(renamed->outcome == CommandResult::Outcome::kApplied);
    const NameRows rows = Stored(*store);
    CHECK(rows.at(key) == "更正后的事项名称");
    CHECK(rows == Implied(*engine));
    CHECK(rows.at(std::string(internal::kNamesMetaKey)) !=
          rows_before.at(std::string(internal::kNamesMetaKey)));
    CHECK(Current(*store));
    const auto after = ViewsFirstThing(store, ids, &reads);
    CHECK(reads == 0);
    CHECK(ItemNameOf(after.begin()->second) == "更正后的事项名称");
    CHECK(after == ViewsFromBook(store, ids));
  }
  SECTION("refused with its atomic batch") {
    std::vector<Command> batch = {Rename(*engine, item, "不应生效的名称", "rename-2"),
                                  testing::GaoshaClue("SX-NAMES-1", "clue-names-1"),
                                  testing::GaoshaClue("SX-NAMES-1", "clue-names-2")};
    auto results = engine->ExecuteBatch(batch, BatchMode::kAtomic);
    REQUIRE(results.ok());
    CHECK(results->back().ok());
    CHECK(results->back()->outcome == CommandResult::Outcome::kRejected);
    CHECK(Stored(*store) == rows_before);
    CHECK(Current(*store));
    CHECK(ViewsFirstThing(store, ids, &reads) == before);
  }
}

// The last event of rules/powers for `item_code`, renamed, appended by a
// tool (no recorded command: not the engine's).
void AppendRenameWithoutEngine(EventStore& store, const std::string& item_code,
                               const std::string& name) {
  std::optional<EventRecord> last;
  for (auto c = store.ReadStream(internal::kPowersStream, 1, Direction::kForward); c->Valid();
       c->Next()) {
    const boost::json::object& d = c->event().data.as_object();
    if (d.contains("item_code") && d.at("item_code").as_string() == item_code &&
        d.contains("name")) {
      last = c->event();
    }
  }
  REQUIRE(last.has_value());
  auto head = store.Head(internal::kPowersStream);
  REQUIRE(head.ok());
  boost::json::object data = last->data.as_object();
  data["name"] = name;
  AppendRequest raw;
  raw.stream = std::string(internal::kPowersStream);
  raw.expected = ExpectedVersion::Exact(head->version);
  raw.command_id = "tool-rename-" + item_code;
  raw.events.push_back(NewEvent{last->type, last->schema, last->occurred_at, last->actor, data});
  REQUIRE(store.Append(raw, AppendOptions{}).ok());
}

TEST_CASE("Names rows that lag the reference streams are not used, and a writable open rewrites them",
          "[engine][names]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  std::vector<std::string> ids;
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    auto engine = OpenOver(std::shared_ptr<EventStore>(std::move(*store)));
    testing::LoadAll(*engine, kSample2022);
    ids = CaseIds(*engine);
  }
  std::string item;
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    auto engine = OpenOver(std::shared_ptr<EventStore>(std::move(*store)));
    auto view = engine->CaseView(ids.front(), AsOf{});
    REQUIRE(view.ok());
    item = std::string(view->at("item_code").as_string());
  }
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    AppendRenameWithoutEngine(**store, item, "工具写入的名称");
    CHECK_FALSE(Current(**store));
  }
  {
    std::shared_ptr<EventStore> shared = OpenReadOnly(path);
    std::uint64_t reads = 0;
    const auto views = ViewsFirstThing(shared, {ids.front()}, &reads);
    CHECK(reads > 0);  // the rows were not trusted: the rule book was folded
    CHECK(ItemNameOf(views.at(ids.front())) == "工具写入的名称");
    CHECK(views == ViewsFromBook(shared, {ids.front()}));
    CHECK_FALSE(Current(*shared));  // a reader writes nothing
  }
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    std::shared_ptr<EventStore> shared(std::move(*store));
    auto engine = OpenOver(shared);
    CHECK(Current(*shared));
    CHECK(Stored(*shared).at("names/item/" + item) == "工具写入的名称");
    CHECK(Stored(*shared) == Implied(*engine));
  }
}

// The sample's commands up to 07, all applied.
std::vector<Command> SampleUpTo2022() {
  std::vector<Command> all;
  for (const std::string& file : kSample2022) {
    for (Command& c : testing::SampleCommands(file)) all.push_back(std::move(c));
  }
  return all;
}

TEST_CASE("A case whose last events a tool appended is folded by a reader, not read from its row",
          "[engine][names]") {
  // The whole sample through an engine, and the view of one of its cases.
  auto whole = MemoryStore();
  std::string id;
  std::string last_command;
  {
    auto engine = OpenOver(whole);
    testing::LoadAll(*engine, kSample2022);
    id = CaseIds(*engine).front();
    auto last = whole->ReadStream("case/" + id, UINT64_MAX, Direction::kBackward);
    REQUIRE(last->Valid());
    last_command = last->event().command_id;
  }
  const std::string want = ViewsFromReplay(*whole, {id}).at(id);

  // The same but for the case's last command, whose events a tool then
  // appends: the row stays as the engine wrote it, a version behind.
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    auto engine = OpenOver(std::shared_ptr<EventStore>(std::move(*store)));
    for (const Command& c : SampleUpTo2022()) {
      if (c.command_id == last_command) continue;
      auto r = engine->Execute(c);
      REQUIRE(r.ok());
      REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
    }
  }
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    auto head = (*store)->Head("case/" + id);
    REQUIRE(head.ok());
    AppendRequest raw;
    raw.stream = "case/" + id;
    raw.expected = ExpectedVersion::Exact(head->version);
    raw.command_id = "tool-" + last_command;  // no recorded command: not the engine's
    for (auto c = whole->ReadStream(raw.stream, head->version + 1, Direction::kForward);
         c->Valid(); c->Next()) {
      const EventRecord& e = c->event();
      raw.events.push_back(NewEvent{e.type, e.schema, e.occurred_at, e.actor, e.data});
    }
    REQUIRE(!raw.events.empty());
    REQUIRE((*store)->Append(raw, AppendOptions{}).ok());
    auto row = (*store)->ReadProjection(internal::CaseRowKey(id));
    REQUIRE(row.ok());
    REQUIRE(row->has_value());
    CHECK(boost::json::parse(**row).as_object().at("version").to_number<std::uint64_t>() <
          head->version + raw.events.size());
  }
  std::shared_ptr<EventStore> shared = OpenReadOnly(path);
  std::uint64_t reads = 0;
  CHECK(ViewsFirstThing(shared, {id}, &reads).at(id) == want);
  CHECK(ViewsFromBook(shared, {id}).at(id) == want);
}

TEST_CASE("A stored case row is shown as written with its events, and a rebuild names a changed one",
          "[engine][names]") {
  auto store = MemoryStore();
  const std::vector<std::string> ids = LoadSample(store);
  const std::string id = ids.front();
  const std::string key = internal::CaseRowKey(id);
  auto text = store->ReadProjection(key);
  REQUIRE(text.ok());
  REQUIRE(text->has_value());
  // Rows are trusted as the engine wrote them, with their events (as the
  // index rows are); `replay --verify` compares them with the events.
  boost::json::object row = boost::json::parse(**text).as_object();
  row["state"] = "伪造状态";
  const std::vector<ProjectionWrite> forged = {{key, boost::json::serialize(row)}};
  REQUIRE(store->WriteProjections(forged).ok());
  std::uint64_t reads = 0;
  CHECK(ViewsFirstThing(store, {id}, &reads).at(id).find("伪造状态") != std::string::npos);
  auto engine = OpenOver(store);
  auto verified = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(verified.ok());
  CHECK(verified->different == std::vector<std::string>{key});
  REQUIRE(engine->ReplayProjections(/*repair=*/true).ok());
  CHECK(ViewsFirstThing(store, {id}, &reads).at(id) == ViewsFromReplay(*store, {id}).at(id));
}

TEST_CASE("A rebuild names changed, extra and missing names rows and repairs them",
          "[engine][names]") {
  auto store = MemoryStore();
  auto engine = OpenOver(store);
  testing::LoadAll(*engine, kReferenceFiles);
  const NameRows good = Stored(*store);
  REQUIRE(good.size() > 10);
  const std::string changed = "names/subject/gaosha";
  const std::string gone = "names/area/gaosha";
  REQUIRE(good.contains(changed));
  REQUIRE(good.contains(gone));
  const std::vector<ProjectionWrite> damage = {{changed, std::string("伪造的名称")},
                                               {gone, std::nullopt},
                                               {"names/item/NO-SUCH-ITEM", std::string("x")}};
  REQUIRE(store->WriteProjections(damage).ok());

  auto verified = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(verified.ok());
  CHECK_FALSE(verified->ok());
  CHECK(verified->reference_rows == good.size());
  CHECK(verified->different == std::vector<std::string>{changed});
  CHECK(verified->missing == std::vector<std::string>{gone});
  CHECK(verified->extra == std::vector<std::string>{"names/item/NO-SUCH-ITEM"});
  CHECK(Stored(*store) != good);  // --verify writes nothing

  auto repaired = engine->ReplayProjections(/*repair=*/true);
  REQUIRE(repaired.ok());
  CHECK(repaired->repaired);
  CHECK(Stored(*store) == good);
  auto again = engine->ReplayProjections(/*repair=*/false);
  REQUIRE(again.ok());
  CHECK(again->ok());
}

// Every map of two organisations, compared.
void CheckSameOrganisation(const Organisation& a, const Organisation& b) {
  CHECK(a.district == b.district);
  CHECK(a.departments == b.departments);
  CHECK(a.townships == b.townships);
  CHECK(a.brigades == b.brigades);
  CHECK(a.areas == b.areas);
  CHECK(a.officers == b.officers);
  CHECK(a.legal_names == b.legal_names);
  CHECK(a.township_of_unit == b.township_of_unit);
  CHECK(a.area_of_township == b.area_of_township);
}

// Every string of the cases' views: what `zfcli case show` asks names for.
std::vector<std::string> StringsOfViews(const std::map<std::string, std::string>& views) {
  std::set<std::string> strings = {"", "no-such-unit"};
  std::function<void(const boost::json::value&)> walk = [&](const boost::json::value& v) {
    if (v.is_string()) strings.emplace(v.as_string());
    if (v.is_array()) for (const auto& e : v.as_array()) walk(e);
    if (v.is_object()) for (const auto& [k, e] : v.as_object()) walk(e);
  };
  for (const auto& [id, view] : views) walk(boost::json::parse(view));
  return {strings.begin(), strings.end()};
}

// OrganisationOf on a fresh engine over `store`; `*reference_reads`: the
// reference events it read.
Organisation OrganisationFirstThing(std::shared_ptr<EventStore> store,
                                    const std::vector<std::string>& ids,
                                    std::uint64_t* reference_reads) {
  auto counting = std::make_shared<ReferenceCountingStore>(std::move(store));
  auto engine = OpenOver(counting);
  auto org = engine->OrganisationOf(ids);
  REQUIRE(org.ok());
  *reference_reads = counting->reference_reads;
  return *org;
}

Organisation OrganisationFromBook(std::shared_ptr<EventStore> store,
                                  const std::vector<std::string>& ids) {
  auto engine = OpenOver(std::move(store));
  auto now = engine->OrganisationNow();
  REQUIRE(now.ok());
  auto of = engine->OrganisationOf(ids);  // the book is folded now
  REQUIRE(of.ok());
  const Organisation subset = internal::OrganisationSubset(*now, ids);
  CheckSameOrganisation(*of, subset);
  return subset;
}

TEST_CASE("The people and units of cases are named from the names rows, as the folded book names them",
          "[engine][names]") {
  auto store = MemoryStore();
  const std::vector<std::string> ids = LoadSample(store);
  std::uint64_t reads = 0;
  const std::vector<std::string> asked = StringsOfViews(ViewsFirstThing(store, ids, &reads));
  const Organisation rows = OrganisationFirstThing(store, asked, &reads);
  CHECK(reads == 0);
  CheckSameOrganisation(rows, OrganisationFromBook(store, asked));
  // The comparison is not of empty maps: the views' officers and units.
  CHECK(rows.officers.size() >= 5);
  CHECK(!rows.townships.empty());
  CHECK(!rows.areas.empty());
  CHECK(!rows.legal_names.empty());
  CHECK(rows.officers.count("no-such-unit") == 0);

  // A township alone brings its area, which was not asked.
  const std::string township = rows.townships.begin()->first;
  const Organisation one = OrganisationFirstThing(store, {township}, &reads);
  REQUIRE(one.area_of_township.count(township) == 1);
  CHECK(one.areas.count(one.area_of_township.at(township)) == 1);
  CheckSameOrganisation(one, OrganisationFromBook(store, {township}));
}

TEST_CASE("Names rows that lag the reference streams are not used to name a case's people",
          "[engine][names]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  std::vector<std::string> asked;
  std::string item;
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    std::shared_ptr<EventStore> shared(std::move(*store));
    const std::vector<std::string> ids = LoadSample(shared);
    std::uint64_t reads = 0;
    const auto views = ViewsFirstThing(shared, ids, &reads);
    asked = StringsOfViews(views);
    item = ItemOf(views.begin()->second);
  }
  {
    auto store = OpenRocksDbEventStore(StoreOptions{}, path);
    REQUIRE(store.ok());
    AppendRenameWithoutEngine(**store, item, "工具写入的名称");
  }
  std::shared_ptr<EventStore> reader = OpenReadOnly(path);
  REQUIRE_FALSE(Current(*reader));
  std::uint64_t reads = 0;
  const Organisation folded = OrganisationFirstThing(reader, asked, &reads);
  CHECK(reads > 0);  // the rows were not trusted: the rule book was folded
  CheckSameOrganisation(folded, OrganisationFromBook(reader, asked));
  CHECK(folded.officers.size() >= 5);
  CHECK_FALSE(Current(*reader));  // a reader writes nothing
}

TEST_CASE("Names rows of another fold version are not used", "[engine][names]") {
  auto store = MemoryStore();
  const std::vector<std::string> ids = LoadSample(store);
  const std::string meta_key(internal::kNamesMetaKey);
  boost::json::object meta = boost::json::parse(Stored(*store).at(meta_key)).as_object();
  meta["fold"] = internal::kNamesFoldVersion + 1;
  // And a forged name a reader would show if it trusted the rows.
  const std::vector<ProjectionWrite> forged = {
      {meta_key, boost::json::serialize(meta)},
      {"names/subject/gaosha", std::string("伪造的名称")}};
  REQUIRE(store->WriteProjections(forged).ok());
  CHECK_FALSE(Current(*store));
  auto counting = std::make_shared<ReferenceCountingStore>(store);
  // A memory store is written by any engine: look before the open mends it.
  auto engine = Engine::Open(EngineOptions{}, counting);
  REQUIRE(engine.ok());
  CHECK(counting->reference_reads > 0);  // the open folded the book to rewrite the rows
  CHECK(Current(*store));
  CHECK(Stored(*store).at("names/subject/gaosha") != "伪造的名称");
  CHECK(Stored(*store) == Implied(**engine));
}

}  // namespace
}  // namespace zf

// Semantics every EventStore implementation must share: the store
// conformance suite ([conformance]). Each test runs against the kinds in
// $ZF_TEST_STORES (pg_test_support.h): the memory and RocksDB stores by
// default, the PostgreSQL store in ctest's pg.store_conformance.
#include <span>
#include <thread>

#include <catch2/catch.hpp>

#include "store/command_probe.h"
#include "support/pg_test_support.h"
#include "support/test_support.h"
#include "zf/event_json.h"
#include "zf/event_store.h"

using namespace zf;
using zf::testing::MakeEvent;
using zf::testing::MakeRequest;
using zf::testing::TempDir;

namespace {

std::vector<EventRecord> ReadAllOf(const EventStore& store, std::uint64_t from = 1) {
  std::vector<EventRecord> out;
  auto cursor = store.ReadAll(from);
  for (; cursor->Valid(); cursor->Next()) out.push_back(cursor->event());
  REQUIRE(cursor->status().ok());
  return out;
}

std::vector<EventRecord> ReadStreamOf(const EventStore& store, std::string_view stream,
                                      std::uint64_t from, Direction direction) {
  std::vector<EventRecord> out;
  auto cursor = store.ReadStream(stream, from, direction);
  for (; cursor->Valid(); cursor->Next()) out.push_back(cursor->event());
  REQUIRE(cursor->status().ok());
  return out;
}

}  // namespace

TEST_CASE("Append assigns dense positions and versions and chains hashes", "[store][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);

  auto a = store->Append(MakeRequest("case/SX-1", "c1", 2, ExpectedVersion::NoStream()));
  REQUIRE(a.ok());
  CHECK(a->first_position == 1);
  CHECK(a->last_position == 2);
  CHECK(a->first_version == 1);
  CHECK(a->last_version == 2);
  CHECK_FALSE(a->already_applied);
  auto b = store->Append(MakeRequest("case/SX-2", "c2", 1));
  REQUIRE(b.ok());
  CHECK(b->first_position == 3);
  CHECK(b->first_version == 1);
  auto c = store->Append(MakeRequest("case/SX-1", "c3", 1, ExpectedVersion::Exact(2)));
  REQUIRE(c.ok());
  CHECK(c->first_position == 4);
  CHECK(c->last_version == 3);

  auto events = ReadStreamOf(*store, "case/SX-1", 1, Direction::kForward);
  REQUIRE(events.size() == 3);
  CHECK(events[0].prev_hash.empty());
  CHECK(events[1].prev_hash == events[0].hash);
  CHECK(events[2].prev_hash == events[1].hash);
  CHECK(events[2].position == 4);
  CHECK(events[2].hash == c->last_hash);
  CHECK(events[0].actor == Actor{"SX-OF-0001", "enforcement_officer", "gaosha"});
  CHECK(events[0].data.as_object().at("n").as_int64() == 0);
  CHECK(events[0].command_id == "c1");
  CHECK(events[0].hash.size() == 64);

  auto head = store->Head("case/SX-1");
  REQUIRE(head.ok());
  CHECK(head->version == 3);
  CHECK(head->position == 4);
  CHECK(head->hash == c->last_hash);
  CHECK(store->Ledger().position == 4);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Append rejects a stale expected version with the actual version", "[store][concurrency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  REQUIRE(store->Append(MakeRequest("case/A", "c1", 2)).ok());

  auto stale = store->Append(MakeRequest("case/A", "c2", 1, ExpectedVersion::Exact(1)));
  REQUIRE(stale.status().code() == StatusCode::kConflict);
  CHECK(stale.status().version() == 2u);
  CHECK(stale.status().subject() == "case/A");

  auto exists = store->Append(MakeRequest("case/A", "c3", 1, ExpectedVersion::NoStream()));
  REQUIRE(exists.status().code() == StatusCode::kConflict);
  CHECK(exists.status().version() == 2u);

  auto absent = store->Append(MakeRequest("case/B", "c4", 1, ExpectedVersion::Exact(3)));
  REQUIRE(absent.status().code() == StatusCode::kConflict);
  CHECK(absent.status().version() == 0u);
  CHECK(store->Ledger().position == 2);
}

TEST_CASE("A repeated command id returns the first result and writes nothing", "[store][idempotency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  auto first = store->Append(MakeRequest("case/A", "cmd-1", 2, ExpectedVersion::NoStream()));
  REQUIRE(first.ok());
  const LedgerHead before = store->Ledger();

  // Same command again, even with an expectation that no longer holds.
  auto again = store->Append(MakeRequest("case/A", "cmd-1", 2, ExpectedVersion::NoStream()));
  REQUIRE(again.ok());
  CHECK(again->already_applied);
  CHECK(*again == *first);
  CHECK(store->Ledger().position == before.position);
  CHECK(store->Ledger().ledger_hash == before.ledger_hash);

  auto other_stream = store->Append(MakeRequest("case/B", "cmd-1", 1));
  REQUIRE(other_stream.status().code() == StatusCode::kAlreadyExists);
  CHECK(other_stream.status().subject() == "/command_id");

  // Same id and stream, different payload: a client bug, not a retry.
  AppendRequest changed = MakeRequest("case/A", "cmd-1", 2, ExpectedVersion::NoStream());
  changed.events[1].data.as_object()["n"] = 99;
  CHECK(store->Append(changed).status().code() == StatusCode::kAlreadyExists);
  CHECK(store->Ledger().position == before.position);

  auto found = store->FindCommand("cmd-1");
  REQUIRE(found.ok());
  CHECK(found->last_position == 2);
  CHECK(store->FindCommand("never").status().code() == StatusCode::kNotFound);
}

TEST_CASE("The command recorded with an append is kept beside its record and survives a reopen",
          "[store][idempotency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  {
    auto store = zf::testing::OpenStore(kind, dir);
    AppendRequest with = MakeRequest("case/A", "cmd-1", 2);
    with.command = R"({"command":"x","data":{"n":1}})";
    REQUIRE(store->Append(with).ok());
    REQUIRE(store->Append(MakeRequest("case/B", "cmd-2", 1)).ok());

    auto recorded = store->ReadCommand("cmd-1");
    REQUIRE(recorded.ok());
    CHECK(recorded->command == with.command);
    CHECK(recorded->result == store->FindCommand("cmd-1").value());
    auto none = store->ReadCommand("cmd-2");
    REQUIRE(none.ok());
    CHECK(none->command.empty());
    CHECK(none->result.stream == "case/B");
    CHECK(store->ReadCommand("never").status().code() == StatusCode::kNotFound);

    // Not part of the retry check: the events decide whether it repeats.
    AppendRequest retry = with;
    retry.command = "something else";
    auto again = store->Append(retry);
    REQUIRE(again.ok());
    CHECK(again->already_applied);
    CHECK(store->ReadCommand("cmd-1")->command == with.command);

    AppendRequest too_big = MakeRequest("case/C", "cmd-3", 1);
    too_big.command.assign(kMaxRecordedCommandBytes + 1, 'x');
    auto refused = store->Append(too_big);
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
    CHECK(refused.status().subject() == "/command");
  }
  if (kind != "memory") {
    auto store = zf::testing::OpenStore(kind, dir);
    auto recorded = store->ReadCommand("cmd-1");
    REQUIRE(recorded.ok());
    CHECK(recorded->command == R"({"command":"x","data":{"n":1}})");
    CHECK(store->FindCommand("cmd-3").status().code() == StatusCode::kNotFound);
  }
}

// MayHaveCommands (store/command_probe.h) may say "may" for anything, but
// never "no" for a command the store holds: the engine skips the lookup of
// every id it says "no" to.
TEST_CASE("MayHaveCommands never denies a stored command", "[store][idempotency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  std::vector<std::string> stored;
  for (int i = 0; i < 40; ++i) {
    stored.push_back("cmd-" + std::to_string(i));
    REQUIRE(store->Append(MakeRequest("case/P" + std::to_string(i % 7), stored.back(), 1)).ok());
  }
  std::vector<std::string_view> ids;
  for (const std::string& id : stored) ids.push_back(id);
  const std::vector<std::string> absent = {"never-1", "cmd-40", "cmd-", "", "cmd-1x"};
  for (const std::string& id : absent) ids.push_back(id);
  const std::vector<bool> may = zf::internal::MayHaveCommands(*store, ids);
  REQUIRE(may.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    const bool held = store->ReadCommand(ids[i]).ok();
    if (held) CHECK(may[i]);
    // The RocksDB store answers exactly (one MultiGet).
    if (kind == "rocksdb") CHECK(may[i] == held);
    if (kind == "memory") CHECK(may[i]);  // no probe: "may" for all
  }
  CHECK(zf::internal::MayHaveCommands(*store, {}).empty());
}

TEST_CASE("A retry must repeat every field the command wrote, also within one batch",
          "[store][idempotency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  const bool same_batch = GENERATE(false, true);
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  const AppendRequest original = MakeRequest("case/A", "cmd-1", 2);

  // Each variant changes one thing a retry must repeat.
  std::vector<std::pair<std::string, AppendRequest>> variants;
  auto variant = [&](std::string what, auto change) {
    AppendRequest r = original;
    change(r);
    variants.emplace_back(std::move(what), std::move(r));
  };
  variant("type", [](AppendRequest& r) { r.events[1].type = "case_filed"; });
  variant("schema", [](AppendRequest& r) { r.events[0].schema = 2; });
  variant("occurred_at", [](AppendRequest& r) { r.events[1].occurred_at = "2023-09-12T09:31:00+08:00"; });
  variant("actor id", [](AppendRequest& r) { r.events[0].actor.id = "SX-OF-0002"; });
  variant("actor role", [](AppendRequest& r) { r.events[0].actor.role = "legal_reviewer"; });
  variant("actor unit", [](AppendRequest& r) { r.events[1].actor.unit = "fenggang"; });
  variant("payload", [](AppendRequest& r) { r.events[1].data.as_object()["note"] = "x"; });
  variant("one event fewer", [](AppendRequest& r) { r.events.pop_back(); });
  variant("one event more", [](AppendRequest& r) { r.events.push_back(r.events.back()); });

  std::vector<AppendRequest> batch = {original};
  if (!same_batch) REQUIRE(store->AppendBatch(batch).ok());
  for (const auto& [what, r] : variants) batch.push_back(r);
  batch.push_back(original);
  auto results = store->AppendBatch(same_batch ? std::span<const AppendRequest>(batch)
                                               : std::span<const AppendRequest>(batch).subspan(1));
  REQUIRE(results.ok());
  const std::size_t offset = same_batch ? 1 : 0;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    INFO("changed: " << variants[i].first);
    const auto& r = (*results)[offset + i];
    CHECK(r.status().code() == StatusCode::kAlreadyExists);
    CHECK(r.status().subject() == "/command_id");
  }
  const auto& repeat = results->back();
  REQUIRE(repeat.ok());
  CHECK(repeat->already_applied);
  CHECK(repeat->first_position == 1);
  CHECK(repeat->last_position == 2);
  CHECK(repeat->last_version == 2);
  CHECK(store->Ledger().position == 2);
  CHECK(store->FindCommand("cmd-1").value() == *repeat);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("Malformed appends are refused naming the field, and store nothing", "[store][validation][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);

  struct Case {
    std::string name;
    std::function<void(AppendRequest&)> spoil;
    std::string subject;
  };
  const std::vector<Case> cases = {
      {"bad stream", [](AppendRequest& r) { r.stream = "case A"; }, "/stream"},
      {"empty stream", [](AppendRequest& r) { r.stream = ""; }, "/stream"},
      {"nul in stream", [](AppendRequest& r) { r.stream = std::string("a\0b", 3); }, "/stream"},
      {"empty command", [](AppendRequest& r) { r.command_id = ""; }, "/command_id"},
      {"no events", [](AppendRequest& r) { r.events.clear(); }, "/events"},
      {"bad type", [](AppendRequest& r) { r.events[1].type = "CaseFiled"; }, "/events/1/type"},
      {"no offset",
       [](AppendRequest& r) { r.events[0].occurred_at = "2023-09-12T09:30:00"; },
       "/events/0/occurred_at"},
      {"bad date",
       [](AppendRequest& r) { r.events[0].occurred_at = "2023-02-29T09:30:00+08:00"; },
       "/events/0/occurred_at"},
      {"schema zero", [](AppendRequest& r) { r.events[0].schema = 0; }, "/events/0/schema"},
      {"no actor", [](AppendRequest& r) { r.events[0].actor.id = ""; }, "/events/0/actor/id"},
      {"float",
       [](AppendRequest& r) {
         r.events[1].data = boost::json::object{{"fine", boost::json::array{1, 2.5}}};
       },
       "/events/1/data/fine/1"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO(c.name);
    AppendRequest r = MakeRequest("case/A", "bad-" + std::to_string(i), 2);
    c.spoil(r);
    auto result = store->Append(r);
    REQUIRE(result.status().code() == StatusCode::kInvalidArgument);
    CHECK(result.status().subject() == c.subject);
  }
  CHECK(store->Ledger().position == 0);
  CHECK(store->Head("case/A").status().code() == StatusCode::kNotFound);
}

TEST_CASE("Streams read forward and backward from a version", "[store][read][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  REQUIRE(store->Append(MakeRequest("case/A", "a1", 3)).ok());
  REQUIRE(store->Append(MakeRequest("case/AB", "b1", 2)).ok());
  REQUIRE(store->Append(MakeRequest("case/A", "a2", 2)).ok());

  auto forward = ReadStreamOf(*store, "case/A", 2, Direction::kForward);
  REQUIRE(forward.size() == 4);
  CHECK(forward.front().version == 2);
  CHECK(forward.back().version == 5);
  CHECK(forward.back().position == 7);

  auto backward = ReadStreamOf(*store, "case/A", 0, Direction::kBackward);
  REQUIRE(backward.size() == 5);
  CHECK(backward.front().version == 5);
  CHECK(backward.back().version == 1);
  auto partial = ReadStreamOf(*store, "case/A", 2, Direction::kBackward);
  REQUIRE(partial.size() == 2);
  CHECK(partial.front().version == 2);

  // "case/A" must not leak into "case/AB" or vice versa.
  CHECK(ReadStreamOf(*store, "case/AB", 1, Direction::kForward).size() == 2);
  CHECK(ReadStreamOf(*store, "case/none", 1, Direction::kForward).empty());
  CHECK(store->ReadStream("bad name!", 1, Direction::kForward)->status().code() ==
        StatusCode::kInvalidArgument);

  auto all = ReadAllOf(*store, 3);
  REQUIRE(all.size() == 5);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].position == i + 3);

  CHECK(store->ReadEvent(7).value().version == 5);
  CHECK(store->ReadEvent(8).status().code() == StatusCode::kNotFound);
}

TEST_CASE("AppendBatch applies requests in order, atomically when asked", "[store][batch][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  std::vector<AppendRequest> batch = {
      MakeRequest("case/A", "b1", 1, ExpectedVersion::NoStream()),
      MakeRequest("case/A", "b2", 1, ExpectedVersion::Exact(1)),  // sees b1
      MakeRequest("case/A", "b3", 1, ExpectedVersion::Exact(1)),  // stale
      MakeRequest("case/B", "b4", 2),
  };

  SECTION("independent outcomes") {
    auto results = store->AppendBatch(batch);
    REQUIRE(results.ok());
    REQUIRE(results->size() == 4);
    CHECK((*results)[0].ok());
    CHECK((*results)[1].ok());
    CHECK((*results)[2].status().code() == StatusCode::kConflict);
    REQUIRE((*results)[3].ok());
    CHECK((*results)[3]->first_position == 3);
    CHECK(store->Ledger().position == 4);
  }
  SECTION("stop at the first failure: earlier requests commit, later ones are not tried") {
    auto results = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kStopAtFirstFailure});
    REQUIRE(results.ok());
    REQUIRE(results->size() == 3);
    CHECK((*results)[1].ok());
    CHECK((*results)[2].status().code() == StatusCode::kConflict);
    CHECK(store->Ledger().position == 2);
    CHECK(store->FindCommand("b4").status().code() == StatusCode::kNotFound);
  }
  SECTION("atomic: one failure writes nothing") {
    auto results = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic});
    REQUIRE(results.status().code() == StatusCode::kConflict);
    CHECK(store->Ledger().position == 0);
    CHECK(store->FindCommand("b1").status().code() == StatusCode::kNotFound);
    batch.erase(batch.begin() + 2);
    auto clean = store->AppendBatch(batch, AppendOptions{.mode = BatchMode::kAtomic});
    REQUIRE(clean.ok());
    CHECK(store->Ledger().position == 4);
  }
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("An append that expects the log to end at a position is written only if it does",
          "[store][concurrency][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  std::vector<AppendRequest> first = {MakeRequest("case/A", "e1", 2)};
  auto at_start = store->AppendBatch(
      first, AppendOptions{.mode = BatchMode::kAtomic, .expected_ledger_position = 0});
  REQUIRE(at_start.ok());
  CHECK(store->Ledger().position == 2);

  // The log moved past what the writer read (another writer's events):
  // nothing of the batch is written, in any mode, and the status names the
  // position the log ends at.
  const BatchMode mode = GENERATE(BatchMode::kAtomic, BatchMode::kIndependent,
                                  BatchMode::kStopAtFirstFailure);
  std::vector<AppendRequest> stale = {MakeRequest("case/B", "e2", 1),
                                      MakeRequest("case/C", "e3", 1)};
  auto refused = store->AppendBatch(
      stale, AppendOptions{.mode = mode, .expected_ledger_position = 1});
  REQUIRE(refused.status().code() == StatusCode::kConflict);
  CHECK(refused.status().subject() == kLedgerConflictSubject);
  CHECK(refused.status().version() == 2u);
  CHECK(store->Ledger().position == 2);
  CHECK(store->FindCommand("e2").status().code() == StatusCode::kNotFound);

  // At the position the log ends at, it is written.
  auto current = store->AppendBatch(
      stale, AppendOptions{.mode = mode, .expected_ledger_position = 2});
  REQUIRE(current.ok());
  REQUIRE((*current)[1].ok());
  CHECK((*current)[1]->last_position == 4);
  CHECK(store->VerifyChain().value().ok());
}

TEST_CASE("A subscription catches up, turns live and resumes without gaps", "[store][subscription][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  REQUIRE(store->Append(MakeRequest("case/A", "s1", 3)).ok());

  auto sub = store->Subscribe(2);
  auto first = sub->Next(10, std::chrono::milliseconds(0));
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  CHECK(first->front().position == 2);
  CHECK(sub->position() == 3);

  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(store->Append(MakeRequest("case/B", "s2", 2)).ok());
  });
  std::vector<EventRecord> live;
  while (live.size() < 2) {
    auto batch = sub->Next(1, std::chrono::milliseconds(2000));
    REQUIRE(batch.ok());
    REQUIRE_FALSE(batch->empty());  // woken by the commit, not the timeout
    live.insert(live.end(), batch->begin(), batch->end());
  }
  writer.join();
  CHECK(live[0].position == 4);
  CHECK(live[1].position == 5);

  // Nothing more: an empty batch after the wait.
  auto idle = sub->Next(10, std::chrono::milliseconds(20));
  REQUIRE(idle.ok());
  CHECK(idle->empty());

  // Resume after a "disconnect" from the last position seen.
  const std::uint64_t resume_from = sub->position() + 1;
  sub.reset();
  REQUIRE(store->Append(MakeRequest("case/C", "s3", 1)).ok());
  auto resumed = store->Subscribe(resume_from);
  auto next = resumed->Next(10, std::chrono::milliseconds(0));
  REQUIRE(next.ok());
  REQUIRE(next->size() == 1);
  CHECK(next->front().position == 6);

  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    resumed->Cancel();
  });
  auto cancelled = resumed->Next(10, std::chrono::milliseconds(5000));
  canceller.join();
  CHECK(cancelled.status().code() == StatusCode::kUnavailable);
}

TEST_CASE("A closed store refuses appends", "[store][conformance]") {
  const std::string kind = GENERATE(from_range(zf::testing::StoreKinds()));
  TempDir dir;
  auto store = zf::testing::OpenStore(kind, dir);
  REQUIRE(store->Append(MakeRequest("case/A", "x0", 3)).ok());
  // A cursor opened before Close() keeps reading after it.
  auto cursor = store->ReadStream("case/A", 1, Direction::kForward);
  REQUIRE(store->Close().ok());
  CHECK(store->Append(MakeRequest("case/A", "x", 1)).status().code() == StatusCode::kUnavailable);
  int seen = 0;
  for (; cursor->Valid(); cursor->Next()) ++seen;
  CHECK(cursor->status().ok());
  CHECK(seen == 3);
  CHECK(store->Close().ok());
}

TEST_CASE("Reads on a closed RocksDB store are unavailable, not a crash", "[store][rocksdb]") {
  TempDir dir;
  auto store = zf::testing::OpenStore("rocksdb", dir);
  REQUIRE(store->Append(MakeRequest("case/A", "x0", 1)).ok());
  REQUIRE(store->Close().ok());
  CHECK(store->Head("case/A").status().code() == StatusCode::kUnavailable);
  CHECK(store->ReadAll(1)->status().code() == StatusCode::kUnavailable);
  CHECK(store->VerifyChain().status().code() == StatusCode::kUnavailable);
  CHECK(store->Backup(dir.Sub("b")).code() == StatusCode::kUnavailable);
}

TEST_CASE("The memory store cannot be backed up", "[store][backup]") {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  TempDir dir;
  CHECK((*store)->Backup(dir.Sub("b")).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("Append requests parse from JSON naming the bad field", "[store][json]") {
  auto parse = [](std::string_view text) {
    return AppendRequestFromJson(boost::json::parse(text));
  };
  auto ok = parse(R"({"stream":"org","expected":"no_stream","command_id":"o1","events":[
      {"type":"district_registered","occurred_at":"2023-01-01T09:00:00+08:00",
       "actor":{"id":"admin","role":"list_admin","unit":"sx"},"data":{"name":"沙县区"}}]})");
  REQUIRE(ok.ok());
  CHECK(ok->expected.kind() == ExpectedVersion::Kind::kNoStream);
  CHECK(ok->events[0].schema == 1);
  CHECK(ok->events[0].data.at("name").as_string() == "沙县区");

  auto typo = parse(R"({"stream":"org","command_id":"o1","event":[]})");
  REQUIRE(typo.status().code() == StatusCode::kInvalidArgument);
  CHECK(typo.status().subject() == "/event");
  auto no_actor = parse(R"({"stream":"org","command_id":"o1","events":[
      {"type":"x_done","occurred_at":"2023-01-01T09:00:00+08:00","data":{}}]})");
  CHECK(no_actor.status().subject() == "/events/0/actor");
  auto bad_expected = parse(R"({"stream":"org","command_id":"o1","expected":-1,"events":[]})");
  CHECK(bad_expected.status().subject() == "/expected");
}

// Audit verify and the dossier (docs/audit.md): a clean engine-written
// store audits clean; tampering through the raw RocksDB API (changed
// amount, deleted event, swapped events, rolled-back tail, a forged
// decision with a correct hash chain) is caught and named; a dossier
// verifies offline and fails with one byte changed.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include "store/envelope.h"
#include "store/key_codec.h"
#include "support/engine_fixtures.h"
#include "support/raw_db.h"
#include "support/test_support.h"
#include "util/canonical_json.h"
#include "util/sm3.h"
#include "zf/audit.h"
#include "zf/command.h"
#include "zf/engine.h"

using namespace zf;
using zf::testing::TempDir;

namespace {

const std::vector<std::string> kYear2022 = {
    "01-calendar.jsonl", "02-org.jsonl",         "03-powers.jsonl",
    "04-leniency.jsonl", "05-benchmarks.jsonl",  "06-hearing-thresholds.jsonl",
    "07-cases-2022.jsonl"};

// The reference data and the 2022 cases written once through the engine
// into a RocksDB store; each test works on its own copy.
const std::string& CleanStore() {
  static TempDir dir;
  static const std::string path = [] {
    const std::string p = dir.Sub("clean");
    EngineOptions options;
    auto engine = Engine::Open(options, p);
    REQUIRE(engine.ok());
    testing::LoadAll(**engine, kYear2022);
    return p;
  }();
  return path;
}

std::string CopyOfClean(const TempDir& dir) {
  const std::string copy = dir.Sub("copy");
  std::filesystem::copy(CleanStore(), copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove(copy + "/LOCK");
  return copy;
}

std::unique_ptr<EventStore> OpenRo(const std::string& path) {
  StoreOptions options;
  options.read_only = true;
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::move(*store);
}

struct Audit {
  AuditSummary summary;
  std::vector<AuditFinding> findings;
  bool Has(AuditFinding::Kind kind, std::string_view code, std::uint64_t position = 0,
           std::string_view stream = {}) const {
    for (const auto& f : findings) {
      if (f.kind == kind && f.code == code && (position == 0 || f.position == position) &&
          (stream.empty() || f.stream == stream)) {
        return true;
      }
    }
    return false;
  }
  std::string Dump() const {
    std::string out;
    for (const auto& f : findings) {
      out += std::string(AuditFindingKindName(f.kind)) + " " + f.code + " " + f.stream + " v" +
             std::to_string(f.version) + " @" + std::to_string(f.position) + " " + f.rule +
             ": " + f.message + "\n";
    }
    return out;
  }
};

Audit RunAudit(const std::string& path, AuditOptions options = {}) {
  auto store = OpenRo(path);
  Audit audit;
  auto summary = AuditStore(*store, EngineOptions(), options,
                            [&](const AuditFinding& f) { audit.findings.push_back(f); });
  REQUIRE(summary.ok());
  audit.summary = *summary;
  return audit;
}

// The first event of `type` on a case stream with a fine.
EventRecord FindEvent(const std::string& path, std::string_view type) {
  auto store = OpenRo(path);
  for (auto c = store->ReadAll(1); c->Valid(); c->Next()) {
    const EventRecord& e = c->event();
    if (e.type != type) continue;
    const auto* fine = e.data.as_object().if_contains("fine_fen");
    if (fine != nullptr && fine->to_number<std::int64_t>() > 0) return e;
  }
  FAIL("no " << type << " with a fine");
  return {};
}

using zf::testing::RawDb;

// The canonical bytes of an event record (docs/event-format.md §2).
std::string Canonical(const EventRecord& e) {
  AppendRequest request;
  request.stream = e.stream;
  request.command_id = e.command_id;
  NewEvent event{e.type, e.schema, e.occurred_at, e.actor, e.data};
  internal::PreparedEvent prepared{&event, ""};
  REQUIRE(internal::AppendCanonicalJson(e.data, &prepared.canonical_data).ok());
  std::string out;
  internal::EncodeCanonical(request, prepared,
                            internal::Stamp{e.position, e.version, e.recorded_at, e.prev_hash},
                            &out);
  return out;
}

std::string Hex(const internal::Hash& h) { return internal::ToHex(h); }

// A capable forger: rewrites the event at `position` with `edit`, then
// recomputes its hash, the later links of its stream, every later ledger
// hash, the ledger head and the command records that name a changed hash.
void Forge(const std::string& path, std::uint64_t position,
           const std::function<void(EventRecord*)>& edit) {
  RawDb raw(path);
  internal::LedgerState head;
  REQUIRE(internal::DecodeLedger(raw.Get("meta", std::string(internal::kLedgerHeadKey)), &head));
  auto before = internal::SplitStored(raw.Get("events", internal::PositionKey(position - 1)));
  REQUIRE(before.ok());
  internal::Hash ledger = before->ledger_hash;
  std::map<std::string, std::string> renamed;  // old hash hex -> new
  for (std::uint64_t p = position; p <= head.position; ++p) {
    EventRecord e;
    REQUIRE(internal::DecodeStored(raw.Get("events", internal::PositionKey(p)), &e).ok());
    const std::string old_hash = e.hash;
    if (p == position) edit(&e);
    if (auto it = renamed.find(e.prev_hash); it != renamed.end()) e.prev_hash = it->second;
    const std::string canonical = Canonical(e);
    const internal::Hash hash = internal::Sm3(canonical);
    ledger = internal::NextLedgerHash(ledger, p, hash);
    std::string value = canonical;
    value.append(reinterpret_cast<const char*>(hash.data()), hash.size());
    value.append(reinterpret_cast<const char*>(ledger.data()), ledger.size());
    raw.Put("events", internal::PositionKey(p), value);
    if (Hex(hash) != old_hash) {
      renamed[old_hash] = Hex(hash);
      internal::CommandRecord record;
      REQUIRE(internal::DecodeCommand(raw.Get("commands", e.command_id), &record));
      if (record.last_position == p) {
        record.last_hash = hash;
        raw.Put("commands", e.command_id, internal::EncodeCommand(record));
      }
    }
  }
  head.hash = ledger;
  raw.Put("meta", std::string(internal::kLedgerHeadKey), internal::EncodeLedger(head));
}

}  // namespace

TEST_CASE("audit: an engine-written year audits clean, in one fold in position order",
          "[audit]") {
  // Every act: chains, re-decision, procedure, deadlines met when acted on.
  AuditOptions acts;
  acts.to_position = OpenRo(CleanStore())->Ledger().position;
  Audit audit = RunAudit(CleanStore(), acts);
  INFO(audit.Dump());
  CHECK(audit.summary.TotalFindings() == 0);
  CHECK(audit.summary.commands_redecided == audit.summary.commands_checked);
  CHECK(audit.summary.commands_redecided > 1000);
  CHECK(audit.summary.decisions_checked >= 19);
  CHECK(audit.summary.deadlines_checked > 0);
  // Without --to, what is still open at the reference time (the latest
  // occurred_at: the 2025 calendar, published on 2024-11-12) counts too:
  // the cases the generator leaves undecided were suspended, or had an
  // excluded period opened, before their 90 days ran out.
  Audit whole = RunAudit(CleanStore());
  INFO(whole.Dump());
  CHECK(whole.summary.reference_time.starts_with("2024-11-12"));
  CHECK(whole.summary.TotalFindings() == 0);
  // The engine folds reference streams first; a fold in position order
  // gives the same cases (the inline rows equal the position-order replay).
  TempDir dir;
  const std::string copy = CopyOfClean(dir);
  auto engine = Engine::Open(EngineOptions(), copy);
  REQUIRE(engine.ok());
  auto report = (*engine)->ReplayProjections(false);
  REQUIRE(report.ok());
  CHECK(report->different.empty());
  CHECK(report->missing.empty());
}

TEST_CASE("audit: one case only", "[audit]") {
  const EventRecord decision = FindEvent(CleanStore(), "decision_made");
  AuditOptions options;
  options.case_id = decision.stream.substr(5);
  Audit audit = RunAudit(CleanStore(), options);
  INFO(audit.Dump());
  CHECK(audit.summary.TotalFindings() == 0);
  CHECK(audit.summary.commands_checked >= 5);
  CHECK(audit.summary.commands_checked <= decision.version + 40);
  CHECK(audit.summary.commands_redecided == audit.summary.commands_checked);
  CHECK(audit.summary.decisions_checked == 1);
}

TEST_CASE("audit: a changed amount is an integrity and a not_rederivable finding", "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord decision = FindEvent(path, "decision_made");
  {
    RawDb raw(path);
    EventRecord e = decision;
    e.data.as_object()["fine_fen"] = e.data.as_object()["fine_fen"].to_number<std::int64_t>() + 100;
    const std::string stored = raw.Get("events", internal::PositionKey(e.position));
    std::string value = Canonical(e) + stored.substr(stored.size() - 64);  // old hashes kept
    raw.Put("events", internal::PositionKey(e.position), value);
  }
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "hash_mismatch", decision.position,
                  decision.stream));
  CHECK(audit.Has(AuditFinding::Kind::kNotRederivable, "decision_differs", decision.position,
                  decision.stream));
}

TEST_CASE("audit: a deleted event is named by stream, version and position", "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord decision = FindEvent(path, "decision_made");
  { RawDb(path).Delete("events", internal::PositionKey(decision.position)); }
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  bool named = false;
  for (const auto& f : audit.findings) {
    named = named || (f.kind == AuditFinding::Kind::kIntegrity && f.code == "position_gap" &&
                      f.position == decision.position && f.stream == decision.stream &&
                      f.version == decision.version);
  }
  CHECK(named);
}

TEST_CASE("audit: swapped events are named at both positions", "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord decision = FindEvent(path, "decision_made");
  const std::uint64_t a = decision.position - 1, b = decision.position;
  {
    RawDb raw(path);
    const std::string va = raw.Get("events", internal::PositionKey(a));
    const std::string vb = raw.Get("events", internal::PositionKey(b));
    raw.Put("events", internal::PositionKey(a), vb);
    raw.Put("events", internal::PositionKey(b), va);
  }
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  // Each position names the stream of the event now stored there.
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "position_mismatch", a, decision.stream));
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "position_mismatch", b));
}

TEST_CASE("audit: a rolled-back tail names the events it lost", "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const LedgerHead head = OpenRo(path)->Ledger();
  EventRecord last;
  {
    auto store = OpenRo(path);
    auto e = store->ReadEvent(head.position);
    REQUIRE(e.ok());
    last = *e;
  }
  {
    RawDb raw(path);
    for (std::uint64_t p = head.position - 2; p <= head.position; ++p) {
      raw.Delete("events", internal::PositionKey(p));
    }
  }
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "truncated", head.position - 2));
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "truncated", head.position, last.stream));
}

TEST_CASE("audit: a forged decision with a correct chain is not re-derivable and unlawful",
          "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord decision = FindEvent(path, "decision_made");
  Forge(path, decision.position, [](EventRecord* e) {
    // Far beyond any benchmark level: 100 times the fine.
    auto& data = e->data.as_object();
    data["fine_fen"] = data["fine_fen"].to_number<std::int64_t>() * 100;
  });
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  for (const auto& f : audit.findings) {
    CHECK(f.kind != AuditFinding::Kind::kIntegrity);  // the chain holds
  }
  CHECK(audit.Has(AuditFinding::Kind::kNotRederivable, "decision_differs", decision.position,
                  decision.stream));
  // Heavier than notified (I4), and, judged on its own, outside what the
  // benchmark allows.
  CHECK(audit.Has(AuditFinding::Kind::kProcedure, "renotice_required", decision.position));
  bool benchmark = false;
  for (const auto& f : audit.findings) {
    benchmark = benchmark || (f.kind == AuditFinding::Kind::kProcedure &&
                              f.position == decision.position && f.code != "renotice_required" &&
                              !f.legal_basis.empty());
  }
  CHECK(benchmark);
}

TEST_CASE("dossier: verifies offline; one changed byte fails", "[audit][dossier]") {
  const EventRecord decision = FindEvent(CleanStore(), "decision_made");
  const std::string case_id = decision.stream.substr(5);
  std::ostringstream out;
  {
    auto store = OpenRo(CleanStore());
    REQUIRE(WriteDossier(*store, case_id, out).ok());
  }
  const std::string dossier = out.str();
  auto verify = [](const std::string& text) {
    std::istringstream in(text);
    Audit audit;
    auto summary = VerifyDossier(in, EngineOptions(),
                                 [&](const AuditFinding& f) { audit.findings.push_back(f); });
    REQUIRE(summary.ok());
    audit.summary = *summary;
    return audit;
  };
  {
    Audit clean = verify(dossier);
    INFO(clean.Dump());
    CHECK(clean.summary.TotalFindings() == 0);
    CHECK(clean.summary.commands_redecided > 5);
    CHECK(clean.summary.decisions_checked == 1);
  }
  SECTION("a byte in an event") {
    const std::size_t line = dossier.find("\"type\":\"decision_made\"");
    REQUIRE(line != std::string::npos);
    const std::size_t at = dossier.find("\"fine_fen\":", line) + 11;
    std::string changed = dossier;
    changed[at] = changed[at] == '9' ? '8' : static_cast<char>(changed[at] + 1);
    Audit bad = verify(changed);
    INFO(bad.Dump());
    CHECK(bad.Has(AuditFinding::Kind::kIntegrity, "hash_mismatch", decision.position));
    CHECK(bad.Has(AuditFinding::Kind::kIntegrity, "ledger_mismatch"));
  }
  SECTION("a byte in a command") {
    const std::size_t line = dossier.find("\\\"command\\\":\\\"make_decision\\\"");
    REQUIRE(line != std::string::npos);
    const std::size_t at = dossier.find("fine_fen\\\":", line) + 11;
    std::string changed = dossier;
    changed[at] = changed[at] == '9' ? '8' : static_cast<char>(changed[at] + 1);
    Audit bad = verify(changed);
    INFO(bad.Dump());
    CHECK(bad.summary.TotalFindings() > 0);
    CHECK(bad.findings.front().kind == AuditFinding::Kind::kNotRederivable);
  }
  SECTION("a byte in the ledger links") {
    const std::size_t at = dossier.find("\"hashes\":[\"") + 11;
    REQUIRE(at > 11);
    std::string changed = dossier;
    changed[at] = changed[at] == 'a' ? 'b' : 'a';
    Audit bad = verify(changed);
    INFO(bad.Dump());
    CHECK(bad.Has(AuditFinding::Kind::kIntegrity, "ledger_mismatch"));
  }
}

TEST_CASE("audit: events appended outside the engine", "[audit]") {
  auto store = NewMemoryEventStore();
  REQUIRE(store.ok());
  // A non-engine stream: counted, not a finding.
  REQUIRE((*store)->Append(testing::MakeRequest("sample/a", "s-1", 2)).ok());
  Audit clean;
  auto summary = AuditStore(**store, EngineOptions(), {},
                            [&](const AuditFinding& f) { clean.findings.push_back(f); });
  REQUIRE(summary.ok());
  INFO(clean.Dump());
  CHECK(summary->TotalFindings() == 0);
  CHECK(summary->commands_unrecorded == 1);
  // An engine stream written without a command cannot be shown lawful.
  REQUIRE((*store)->Append(testing::MakeRequest("case/SX-RAW-1", "raw-1", 1)).ok());
  Audit raw;
  summary = AuditStore(**store, EngineOptions(), {},
                       [&](const AuditFinding& f) { raw.findings.push_back(f); });
  REQUIRE(summary.ok());
  raw.summary = *summary;
  INFO(raw.Dump());
  CHECK(raw.Has(AuditFinding::Kind::kNotRederivable, "command_not_recorded", 3, "case/SX-RAW-1"));
  CHECK(raw.summary.commands_unrecorded == 1);
}

TEST_CASE("audit: a case left open past its 90 days names the case's last event", "[audit]") {
  TempDir dir;
  const std::string copy = CopyOfClean(dir);
  std::uint64_t filed_at = 0;
  {
    auto engine = Engine::Open(EngineOptions(), copy);
    REQUIRE(engine.ok());
    // Filed on 2024-06-04 and never acted on: due 2024-09-02, and the
    // reference time is 2024-11-12 (the 2025 calendar's publication).
    auto command = [](std::string type, std::string id, std::string at, boost::json::object data) {
      return testing::GaoshaCommand(std::move(type), std::move(id), std::move(at), "SX-2024-OPEN1",
                                    std::move(data));
    };
    auto clue = (*engine)->Execute(command(
        "register_clue", "open-1", "2024-06-03T09:00:00+08:00",
        {{"source", "inspection"}, {"township", "gaosha"}, {"item_code", "SAFE-017"},
         {"description", "现场检查发现"}, {"discovered_on", "2024-06-03"}}));
    INFO((clue.ok() ? std::string() : clue.status().ToString()));
    REQUIRE(clue.ok());
    REQUIRE(clue->outcome == CommandResult::Outcome::kApplied);
    auto filed = (*engine)->Execute(command(
        "file_case", "open-2", "2024-06-04T09:00:00+08:00",
        {{"handlers", {"SX-OF-0102", "SX-OF-0103"}}, {"approved_by", "SX-OF-0132"}}));
    REQUIRE(filed.ok());
    INFO((filed->rejection ? filed->rejection->message : std::string()));
    REQUIRE(filed->outcome == CommandResult::Outcome::kApplied);
    filed_at = (*engine)->store()->Ledger().position;
  }
  Audit audit = RunAudit(copy);
  INFO(audit.Dump());
  REQUIRE(audit.findings.size() == 1);
  const AuditFinding& f = audit.findings.front();
  CHECK(f.kind == AuditFinding::Kind::kDeadline);
  CHECK(f.code == "deadline_open_past_due");
  CHECK(f.rule == "D9");
  CHECK(f.case_id == "SX-2024-OPEN1");
  CHECK(f.command_id == "open-2");
  CHECK(f.position == filed_at);
  CHECK(f.event_type == "case_filed");
  CHECK(f.message.find("2024-09-02") != std::string::npos);
}

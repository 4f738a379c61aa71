// Audit verify and the dossier (docs/audit.md): a clean engine-written
// store audits clean; tampering through the raw RocksDB API (changed
// amount, deleted event, swapped events, rolled-back tail, a forged
// decision with a correct hash chain) is caught and named; a dossier
// verifies offline and fails with one byte changed.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include "store/envelope.h"
#include "store/key_codec.h"
#include "support/engine_fixtures.h"
#include "support/forwarding_store.h"
#include "support/raw_db.h"
#include "support/test_support.h"
#include "crypto/seal.h"
#include "crypto/sm2.h"
#include "util/canonical_json.h"
#include "util/sm3.h"
#include "zf/audit.h"
#include "zf/checkpoint.h"
#include "zf/command.h"
#include "zf/engine.h"
#include "zf/seal.h"

using namespace zf;
using zf::testing::TempDir;

namespace {

const std::vector<std::string> kYear2022 = {
    "01-calendar.jsonl",           "02-org.jsonl",
    "02-permissions.jsonl",        "03-powers.jsonl",
    "04-leniency.jsonl",           "05-benchmarks.jsonl",
    "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl"};

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

// A copy of `store` in `dir` that a test may change.
std::string CopyOf(const std::string& store, const TempDir& dir) {
  const std::string copy = dir.Sub("copy");
  std::filesystem::copy(store, copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove(copy + "/LOCK");
  return copy;
}

std::string CopyOfClean(const TempDir& dir) { return CopyOf(CleanStore(), dir); }

std::unique_ptr<EventStore> OpenRo(const std::string& path) {
  StoreOptions options;
  options.read_only = true;
  auto store = OpenRocksDbEventStore(options, path);
  REQUIRE(store.ok());
  return std::move(*store);
}

// The code points of UTF-8 text (test data: well-formed).
std::u32string CodePoints(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    for (int k = 1; k < n && i + k < text.size(); ++k) c = (c << 6) | (text[i + k] & 0x3F);
    out.push_back(c);
    i += n;
  }
  return out;
}

// Chinese characters and the full-width punctuation of Chinese prose.
bool IsChinese(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xFF00 && c <= 0xFFEF);
}

// The English words of a Chinese message: runs of three or more ASCII
// letters that are a whole token. A token holding a digit, '_', '/', '-',
// '.' or ':' is an id, a code, a JSON pointer, a hash or a stream, and a
// token in full-width parentheses is a unit's id after its name: all allowed.
std::vector<std::string> EnglishWords(std::string_view zh) {
  const std::u32string text = CodePoints(zh);
  auto id_char = [](char32_t c) {
    return c < 0x80 && (std::isalnum(static_cast<int>(c)) || c == '_' || c == '/' || c == '-' ||
                        c == '.' || c == ':');
  };
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    if (!id_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && id_char(text[j])) ++j;
    const std::u32string token = text.substr(i, j - i);
    const bool letters = std::all_of(token.begin(), token.end(),
                                     [](char32_t c) { return std::isalpha(static_cast<int>(c)); });
    const bool in_parens = i > 0 && text[i - 1] == U'（' && j < text.size() && text[j] == U'）';
    if (letters && token.size() >= 3 && !in_parens) words.emplace_back(token.begin(), token.end());
    i = j;
  }
  return words;
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
  // Every finding reads in one language in each (docs/audit.md §2): an
  // English message without Chinese, a Chinese one without English words.
  // Returns the codes seen, for the caller to check what was provoked.
  std::set<std::string> CheckLanguages() const {
    std::set<std::string> codes;
    for (const auto& f : findings) {
      INFO(f.code << ": " << f.message << " | " << f.message_zh);
      CHECK_FALSE(f.message.empty());
      const std::u32string en = CodePoints(f.message);
      CHECK(std::none_of(en.begin(), en.end(), IsChinese));
      const std::u32string zh = CodePoints(f.message_zh);
      CHECK(std::any_of(zh.begin(), zh.end(), IsChinese));
      CHECK(EnglishWords(f.message_zh).empty());
      codes.insert(f.code);
    }
    return codes;
  }
};

Audit RunAudit(const std::string& path, AuditOptions options = {}) {
  auto store = OpenRo(path);
  Audit audit;
  auto summary = AuditStore(*store, EngineOptions(), options,
                            [&](const AuditFinding& f) { audit.findings.push_back(f); });
  INFO((summary.ok() ? std::string() : summary.status().ToString()));
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

// The forger's rewrite of a field nothing judges again: the decision's
// document number, in the event (chain and ledger recomputed) and in its
// recorded command, so that the re-decision agrees with the forgery.
void RenumberDecision(const std::string& path, const EventRecord& decision,
                      const std::string& old_number, const std::string& new_number) {
  Forge(path, decision.position, [&](EventRecord* e) {
    e->data.as_object()["document_number"] = new_number;
  });
  RawDb raw(path);
  internal::CommandRecord record;
  REQUIRE(internal::DecodeCommand(raw.Get("commands", decision.command_id), &record));
  const std::string needle = "\"document_number\":\"" + old_number + "\"";
  const auto at = record.command.find(needle);
  REQUIRE(at != std::string::npos);
  record.command.replace(at, needle.size(), "\"document_number\":\"" + new_number + "\"");
  raw.Put("commands", decision.command_id, internal::EncodeCommand(record));
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
  const std::set<std::string> codes = audit.CheckLanguages();
  CHECK(codes.count("hash_mismatch") == 1);
  CHECK(codes.count("decision_differs") == 1);
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
  audit.CheckLanguages();
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
  audit.CheckLanguages();
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
  audit.CheckLanguages();
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
  // The procedure findings carry the rejection's Chinese message.
  CHECK(audit.CheckLanguages().count("renotice_required") == 1);
}

TEST_CASE("dossier: verifies offline, one changed byte fails", "[audit][dossier]") {
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
    bad.CheckLanguages();
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
    bad.CheckLanguages();
  }
  SECTION("a byte in the ledger links") {
    const std::size_t at = dossier.find("\"hashes\":[\"") + 11;
    REQUIRE(at > 11);
    std::string changed = dossier;
    changed[at] = changed[at] == 'a' ? 'b' : 'a';
    Audit bad = verify(changed);
    INFO(bad.Dump());
    CHECK(bad.Has(AuditFinding::Kind::kIntegrity, "ledger_mismatch"));
    bad.CheckLanguages();
  }
  SECTION("a dossier cut short") {
    const std::size_t end = dossier.find("\"kind\":\"end\"");
    REQUIRE(end != std::string::npos);
    Audit bad = verify(dossier.substr(0, dossier.rfind('\n', end) + 1));
    INFO(bad.Dump());
    CHECK(bad.CheckLanguages().count("truncated") == 1);
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
  raw.CheckLanguages();
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
  audit.CheckLanguages();
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

// --- The audit on several threads (AuditOptions::jobs) ------------------------

namespace {

// The summary (without the time taken) and every finding, as one text.
std::string AuditText(const EventStore& store, AuditOptions options, unsigned jobs,
                      std::size_t cache) {
  EngineOptions engine;
  engine.cache_aggregates = cache;
  options.jobs = jobs;
  boost::json::array findings;
  auto summary = AuditStore(store, engine, options, [&](const AuditFinding& f) {
    findings.push_back(AuditFindingToJson(f));
  });
  INFO(summary.status().ToString());
  REQUIRE(summary.ok());
  boost::json::object json = AuditSummaryToJson(*summary);
  json.erase("elapsed_seconds");
  json["findings_list"] = std::move(findings);
  return boost::json::serialize(json);
}

// One thread with a large cache is the reference; several threads, with a
// large cache and with a cache of one aggregate (every case folded again
// from the store at each use), must report the same, in the same order.
void RequireSameOnEveryThreadCount(const EventStore& store, const AuditOptions& options) {
  const std::string one = AuditText(store, options, 1, 20'000);
  CHECK(AuditText(store, options, 1, 1) == one);
  for (unsigned jobs : {2u, 4u}) {
    for (std::size_t cache : {std::size_t{1}, std::size_t{20'000}}) {
      INFO(jobs << " threads, cache " << cache);
      CHECK(AuditText(store, options, jobs, cache) == one);
    }
  }
}

// A store whose chain check answers late: on several threads the
// re-decision then finds its findings while the chain's are still to come,
// and must hold them back (the chain's are reported first).
class SlowChainStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return inner()->VerifyChain(options);
  }
  Status Close() override { return Status::Ok(); }
};

// An embedder's store whose chain check reports in English only.
class EnglishChainStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override {
    Result<ChainReport> report = inner()->VerifyChain(options);
    if (report.ok()) {
      for (ChainFinding& f : report->findings) f.detail_zh.clear();
    }
    return report;
  }
  Status Close() override { return Status::Ok(); }
};

// The last decision_made with a fine (FindEvent gives the first).
EventRecord LastFinedDecision(const std::string& path) {
  auto store = OpenRo(path);
  EventRecord found;
  for (auto c = store->ReadAll(1); c->Valid(); c->Next()) {
    const EventRecord& e = c->event();
    const auto* fine = e.type == "decision_made" ? e.data.as_object().if_contains("fine_fen")
                                                 : nullptr;
    if (fine != nullptr && fine->to_number<std::int64_t>() > 0) found = e;
  }
  REQUIRE(found.position != 0);
  return found;
}

// Adds 1 yuan to `decision`'s fine in the raw store and keeps its stored
// hash: the chain check finds the event changed (an integrity finding).
void RaiseFineKeepingHash(const std::string& path, EventRecord decision) {
  RawDb raw(path);
  auto& data = decision.data.as_object();
  data["fine_fen"] = data["fine_fen"].to_number<std::int64_t>() + 100;
  const std::string stored = raw.Get("events", internal::PositionKey(decision.position));
  raw.Put("events", internal::PositionKey(decision.position),
          Canonical(decision) + stored.substr(stored.size() - 64));
}

}  // namespace

TEST_CASE("audit: one thread, several threads and a cache of one find the same, clean or "
          "tampered",
          "[audit][parallel]") {
  {
    INFO("clean");
    auto store = OpenRo(CleanStore());
    RequireSameOnEveryThreadCount(*store, AuditOptions{});
  }
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord forged = FindEvent(path, "decision_made");
  const EventRecord changed = LastFinedDecision(path);
  REQUIRE(changed.position > forged.position);
  // A decision forged with a correct chain (procedure and re-decision
  // findings) and a changed amount (integrity and re-decision findings).
  Forge(path, forged.position, [](EventRecord* e) {
    auto& data = e->data.as_object();
    data["fine_fen"] = data["fine_fen"].to_number<std::int64_t>() * 100;
  });
  RaiseFineKeepingHash(path, changed);
  auto store = OpenRo(path);
  Audit audit = RunAudit(path);
  CHECK(audit.summary.findings["integrity"] > 0);
  CHECK(audit.summary.findings["not_rederivable"] > 0);
  CHECK(audit.summary.findings["procedure"] > 0);
  {
    INFO("tampered, the whole log");
    RequireSameOnEveryThreadCount(*store, AuditOptions{});
  }
  {
    INFO("tampered, three findings reported: the chain's come first");
    AuditOptions few;
    few.max_findings = 3;
    RequireSameOnEveryThreadCount(*store, few);
    SlowChainStore slow(std::shared_ptr<EventStore>(OpenRo(path)));
    for (std::size_t max : {std::size_t{1}, std::size_t{3}, std::size_t{10'000}}) {
      few.max_findings = max;
      INFO("a slow chain check, " << max << " findings reported");
      CHECK(AuditText(slow, few, 2, 20'000) == AuditText(*store, few, 1, 20'000));
    }
  }
  {
    INFO("tampered, one case");
    AuditOptions one_case;
    one_case.case_id = changed.stream.substr(5);
    RequireSameOnEveryThreadCount(*store, one_case);
  }
  {
    INFO("tampered, a range");
    AuditOptions range;
    range.from_position = forged.position;
    range.to_position = changed.position + 10;
    RequireSameOnEveryThreadCount(*store, range);
  }
  // An event deleted too: its case no longer folds. (Not with a small
  // cache: a case folded again from the store then fails the audit on the
  // hole its stream index names, on one thread as on several.)
  store.reset();
  { RawDb(path).Delete("events", internal::PositionKey(changed.position - 3)); }
  store = OpenRo(path);
  const std::string one = AuditText(*store, AuditOptions{}, 1, 20'000);
  CHECK(one.find("position_gap") != std::string::npos);
  CHECK(AuditText(*store, AuditOptions{}, 2, 20'000) == one);
  CHECK(AuditText(*store, AuditOptions{}, 4, 20'000) == one);
}

// The command record must name exactly its events (docs/event-format.md
// §5): one that names other positions, or another last hash, is an
// integrity finding at the command's first event; its intact neighbours are
// not.
TEST_CASE("audit: a command record that names other events is an integrity finding",
          "[audit]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord decision = FindEvent(path, "decision_made");
  const EventRecord other = LastFinedDecision(path);
  REQUIRE(other.command_id != decision.command_id);
  internal::CommandRecord record, other_record;
  {
    RawDb raw(path);
    REQUIRE(internal::DecodeCommand(raw.Get("commands", decision.command_id), &record));
    REQUIRE(internal::DecodeCommand(raw.Get("commands", other.command_id), &other_record));
    internal::CommandRecord moved = record;
    moved.last_position += 1;  // one event more (a record that decodes)
    moved.last_version += 1;
    raw.Put("commands", decision.command_id, internal::EncodeCommand(moved));
    internal::CommandRecord rehashed = other_record;
    rehashed.last_hash[0] ^= 1;
    raw.Put("commands", other.command_id, internal::EncodeCommand(rehashed));
  }
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "command_record_mismatch",
                  record.first_position, decision.stream));
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "command_record_mismatch",
                  other_record.first_position, other.stream));
  CHECK(audit.summary.findings["integrity"] == 2);
  for (const AuditFinding& f : audit.findings) {
    if (f.code != "command_record_mismatch") continue;
    if (f.position == other_record.first_position) {
      CHECK(f.message.find("its last hash differs") != std::string::npos);
    } else {
      CHECK(f.message.find(fmt::format("at positions {}..{}", record.first_position,
                                       record.last_position + 1)) != std::string::npos);
      CHECK(f.message.find("its last hash differs") == std::string::npos);
    }
  }
  audit.CheckLanguages();
  auto store = OpenRo(path);
  RequireSameOnEveryThreadCount(*store, AuditOptions{});
}

TEST_CASE("audit: a chain finding a store gives in English only reads in English in the Chinese "
          "report",
          "[audit][lang]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const EventRecord changed = LastFinedDecision(path);
  RaiseFineKeepingHash(path, changed);
  EnglishChainStore store(std::shared_ptr<EventStore>(OpenRo(path)));
  std::vector<AuditFinding> chain;
  auto summary = AuditStore(store, EngineOptions(), AuditOptions{}, [&](const AuditFinding& f) {
    if (f.kind == AuditFinding::Kind::kIntegrity) chain.push_back(f);
  });
  REQUIRE(summary.ok());
  REQUIRE_FALSE(chain.empty());
  for (const AuditFinding& f : chain) {
    INFO(f.code);
    CHECK_FALSE(f.message.empty());
    CHECK(f.message_zh == f.message);
  }
}

// On several threads the command records are read on the reader thread,
// ahead of the decisions; a record missing in the middle of a batch of
// groups must be reported at its own group, as on one thread.
TEST_CASE("audit: command records read in batches stay with their groups",
          "[audit][parallel]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  std::vector<EventRecord> picked;
  {
    auto store = OpenRo(path);
    const std::uint64_t last = store->Ledger().position;
    REQUIRE(last > 100);
    for (std::uint64_t p : {last / 3, last / 3 + 1, (2 * last) / 3, last}) {
      auto e = store->ReadEvent(p);
      REQUIRE(e.ok());
      picked.push_back(*e);
    }
  }
  std::set<std::string> deleted;
  {
    RawDb raw(path);
    for (const EventRecord& e : picked) {
      if (deleted.insert(e.command_id).second) raw.Delete("commands", e.command_id);
    }
  }
  auto store = OpenRo(path);
  const std::string one = AuditText(*store, AuditOptions{}, 1, 20'000);
  // One finding per group whose record is gone (a command's events are one
  // group).
  std::size_t missing = 0;
  for (std::size_t at = one.find("command_record_missing"); at != std::string::npos;
       at = one.find("command_record_missing", at + 1)) {
    ++missing;
  }
  CHECK(missing == deleted.size());
  for (const std::string& id : deleted) {
    CHECK(one.find(fmt::format("no command record for command_id '{}'", id)) !=
          std::string::npos);
  }
  CHECK(AuditText(*store, AuditOptions{}, 2, 20'000) == one);
  CHECK(AuditText(*store, AuditOptions{}, 4, 1) == one);
}

namespace {

// The envelopes of a scenario file (tests/scenarios), defaults applied.
std::vector<boost::json::object> ScenarioEnvelopes(const std::string& name) {
  std::ifstream in(std::string(ZF_SOURCE_DIR) + "/tests/scenarios/" + name);
  REQUIRE(in.good());
  std::vector<boost::json::object> out;
  boost::json::object defaults;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::json::object o = boost::json::parse(line).as_object();
    if (o.contains("comment")) continue;
    if (auto* d = o.if_contains("defaults")) {
      defaults = d->as_object();
      continue;
    }
    o.erase("expect");
    for (const auto& [key, value] : defaults) {
      if (!o.contains(key)) o[key] = value;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// Runs the envelopes in order through a fresh engine with the reference
// data and returns it with each command's outcome and events.
std::vector<std::string> RunEnvelopes(Engine& engine,
                                      const std::vector<boost::json::object>& envelopes) {
  testing::LoadAll(engine, {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                            "04-leniency.jsonl", "05-benchmarks.jsonl",
                            "06-hearing-thresholds.jsonl"});
  std::vector<std::string> outcomes;
  for (const boost::json::object& envelope : envelopes) {
    auto command = CommandFromJson(envelope);
    REQUIRE(command.ok());
    auto result = engine.Execute(*command);
    REQUIRE(result.ok());
    std::string outcome = command->command_id + " " + std::string(OutcomeName(result->outcome));
    if (result->rejection) outcome += " " + result->rejection->code + " " + result->rejection->message;
    for (const std::string& type : result->event_types) outcome += " " + type;
    outcomes.push_back(outcome);
  }
  return outcomes;
}

}  // namespace

// Deciders read other cases: a party's earlier decisions decide "first
// violation" (docs/domain.md, Leniency: the four lists). Two cases of one party whose commands interleave:
// A is forgiven as a first violation on 2023-10-17; B is decided with a
// penalty on 2023-10-27, after A. Re-deciding A must see B as it stood
// before A's decision (not yet decided), and B must see A decided.
TEST_CASE("audit: a decision reads the party's other case as of its own position, on any "
          "number of threads",
          "[audit][parallel]") {
  const std::vector<boost::json::object> scenario =
      ScenarioEnvelopes("05-first-violation-no-penalty.jsonl");
  std::vector<boost::json::object> a, b;  // SX-2023-P0502, and P0501 made the same party's
  for (boost::json::object envelope : scenario) {
    if (envelope.at("case_id") == "SX-2023-P0502") {
      a.push_back(std::move(envelope));
      continue;
    }
    if (auto* party = envelope.at("data").as_object().if_contains("party")) {
      party->as_object()["id"] = "91350427MA0000502X";
      // Another act (J5 would refuse a second filing of the same one).
      envelope.at("data").as_object()["act_ended_on"] = "2023-10-08";
    }
    // Decided after A, B's decision no longer has SX-NP-001 to answer: the
    // party is no longer a first offender.
    if (envelope.at("command_id") == "s05-11") {
      envelope.at("data").as_object()["leniency"] = boost::json::array();
    }
    b.push_back(std::move(envelope));
  }
  REQUIRE(a.size() > 5);
  REQUIRE(b.size() > 5);
  // Interleaved by business time (A first on a tie), as two officers would
  // have recorded them.
  std::vector<boost::json::object> interleaved;
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(interleaved),
             [](const boost::json::object& x, const boost::json::object& y) {
               return x.at("at").as_string() < y.at("at").as_string();
             });
  std::vector<boost::json::object> b_first = b;
  b_first.insert(b_first.end(), a.begin(), a.end());

  auto store = std::shared_ptr<EventStore>(std::move(*NewMemoryEventStore()));
  auto engine = Engine::Open(EngineOptions{}, store);
  REQUIRE(engine.ok());
  const std::vector<std::string> outcomes = RunEnvelopes(**engine, interleaved);
  // The dependency is real: with B decided first, the same commands come
  // out otherwise.
  auto other = testing::BareEngine();
  std::vector<std::string> other_outcomes = RunEnvelopes(*other, b_first);
  std::sort(other_outcomes.begin(), other_outcomes.end());
  std::vector<std::string> sorted = outcomes;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted != other_outcomes);
  // Both cases were decided, A before B.
  std::uint64_t decided_a = 0, decided_b = 0;
  for (auto c = store->ReadAll(1); c->Valid(); c->Next()) {
    if (c->event().type != "decision_made") continue;
    (c->event().stream == "case/SX-2023-P0502" ? decided_a : decided_b) = c->event().position;
  }
  REQUIRE(decided_a != 0);
  REQUIRE(decided_b > decided_a);

  AuditOptions acts;
  acts.to_position = store->Ledger().position;
  Audit audit;
  {
    auto summary = AuditStore(*store, EngineOptions{}, acts,
                              [&](const AuditFinding& f) { audit.findings.push_back(f); });
    REQUIRE(summary.ok());
    audit.summary = *summary;
  }
  INFO(audit.Dump());
  for (const AuditFinding& f : audit.findings) CHECK(f.kind == AuditFinding::Kind::kDeadline);
  CHECK(audit.summary.commands_redecided == audit.summary.commands_checked);
  CHECK(audit.summary.decisions_checked >= 2);
  RequireSameOnEveryThreadCount(*store, acts);
  RequireSameOnEveryThreadCount(*store, AuditOptions{});
}

// --- Issue 14 §4: rollback and consistent rewrites, with and without anchors --

namespace {

// Signs the clean copy's head with the sample's test key, as `zfcli
// checkpoint write` (or a backup) would, and returns it: the anchor an
// auditor kept elsewhere before the attack.
LedgerAnchor AnchorBeforeAttack(const std::string& path) {
  auto signer = CheckpointSigner::FromPemFile(std::string(ZF_SOURCE_DIR) +
                                              "/examples/shaxian/keys/checkpoint-test.pem");
  REQUIRE(signer.ok());
  auto store = OpenRocksDbEventStore(StoreOptions(), path);
  REQUIRE(store.ok());
  auto c = WriteCheckpointAtHead(**store, **signer, *SystemClock());
  REQUIRE(c.ok());
  std::istringstream exported(boost::json::serialize(CheckpointToJson(*c)) + "\n");
  auto anchors = ReadAnchors(exported, "exported.jsonl", nullptr);
  REQUIRE(anchors.ok());
  REQUIRE(anchors->size() == 1);
  CHECK(anchors->front().signature_problem.empty());
  return anchors->front();
}

// The first attack: the last `n` events removed (rounded to whole
// commands) with their stream index entries, their command records and the
// checkpoints after them, and the ledger head rewound. Returns the new head.
std::uint64_t RollBack(const std::string& path, std::uint64_t n) {
  RawDb raw(path);
  internal::LedgerState head;
  REQUIRE(internal::DecodeLedger(raw.Get("meta", std::string(internal::kLedgerHeadKey)), &head));
  EventRecord first;
  REQUIRE(internal::DecodeStored(raw.Get("events", internal::PositionKey(head.position - n + 1)),
                                 &first)
              .ok());
  internal::CommandRecord record;
  REQUIRE(internal::DecodeCommand(raw.Get("commands", first.command_id), &record));
  const std::uint64_t cut = record.first_position;
  for (std::uint64_t p = cut; p <= head.position; ++p) {
    EventRecord e;
    REQUIRE(internal::DecodeStored(raw.Get("events", internal::PositionKey(p)), &e).ok());
    raw.Delete("events", internal::PositionKey(p));
    raw.Delete("streams", internal::StreamIndexKey(e.stream, e.version));
    raw.Delete("commands", e.command_id);
    raw.Delete("meta", internal::CheckpointKey(p));
  }
  auto before = internal::SplitStored(raw.Get("events", internal::PositionKey(cut - 1)));
  REQUIRE(before.ok());
  raw.Put("meta", std::string(internal::kLedgerHeadKey),
          internal::EncodeLedger(internal::LedgerState{cut - 1, before->ledger_hash}));
  return cut - 1;
}

std::vector<ChainFinding> ChainFindings(const std::string& path,
                                        std::vector<LedgerAnchor> anchors = {}) {
  VerifyOptions options;
  options.anchors = std::move(anchors);
  auto report = OpenRo(path)->VerifyChain(options);
  REQUIRE(report.ok());
  return report->findings;
}

}  // namespace

TEST_CASE("anchors: a rolled-back tail with its index, commands and head passes without an "
          "anchor and fails with one",
          "[audit][checkpoint]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const LedgerAnchor anchor = AnchorBeforeAttack(path);
  const std::uint64_t head = RollBack(path, 200);
  REQUIRE(head + 200 <= anchor.position);
  // What the issue reports: both verifiers pass the shortened store.
  CHECK(ChainFindings(path).empty());
  AuditOptions acts;
  acts.to_position = head;
  Audit clean = RunAudit(path, acts);
  INFO(clean.Dump());
  CHECK(clean.summary.TotalFindings() == 0);
  // The checkpoint kept elsewhere names the rollback.
  auto findings = ChainFindings(path, {anchor});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].kind == ChainFinding::Kind::kAnchorBeyondHead);
  CHECK(findings[0].position == anchor.position);
  CHECK(findings[0].detail.find("exported.jsonl:1") != std::string::npos);
  AuditOptions anchored;
  anchored.anchors = {anchor};
  Audit audit = RunAudit(path, anchored);
  INFO(audit.Dump());
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "anchor_beyond_head", anchor.position));
  audit.CheckLanguages();
}

TEST_CASE("anchors: a document number rewritten with its chain, ledger and recorded command "
          "passes without an anchor and fails with one",
          "[audit][checkpoint]") {
  TempDir dir;
  const std::string path = CopyOfClean(dir);
  const LedgerAnchor anchor = AnchorBeforeAttack(path);
  const EventRecord decision = FindEvent(path, "decision_made");
  const std::string old_number(decision.data.at("document_number").as_string());
  const std::string new_number = old_number + "-X";
  RenumberDecision(path, decision, old_number, new_number);
  CHECK(ChainFindings(path).empty());
  Audit clean = RunAudit(path);
  INFO(clean.Dump());
  CHECK(clean.summary.TotalFindings() == 0);
  auto findings = ChainFindings(path, {anchor});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].kind == ChainFinding::Kind::kAnchorMismatch);
  CHECK(findings[0].position == anchor.position);
  CHECK(findings[0].detail.find(anchor.ledger_hash) != std::string::npos);
  // An anchor before the rewrite still agrees: only what it covers is fixed.
  LedgerAnchor earlier{decision.position - 1, "", "", "", "noted", ""};
  {
    auto report = OpenRo(CleanStore())->VerifyChain(
        VerifyOptions{.from_position = 1, .to_position = decision.position - 1});
    REQUIRE(report.ok());
    earlier.ledger_hash = report->ledger_hash;
  }
  CHECK(ChainFindings(path, {earlier}).empty());
  AuditOptions anchored;
  anchored.anchors = {anchor, earlier};
  Audit audit = RunAudit(path, anchored);
  INFO(audit.Dump());
  CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "anchor_mismatch", anchor.position));
  audit.CheckLanguages();
  CHECK(audit.summary.TotalFindings() == 1);
}

// --- Issue 14 §4 slice B: sealed decisions ----------------------------------

namespace {

std::string SampleKey(const std::string& name) {
  return std::string(ZF_SOURCE_DIR) + "/examples/shaxian/keys/" + name;
}

// The sample's seal keys (keys/seals/<agency>.pem) and, for 浮口 (fukou),
// the second test key, whose seal is revoked before fukou decides.
EngineOptions SealingOptions() {
  EngineOptions options;
  auto keys = LoadSealKeys(SampleKey("seals"));
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 3);
  options.seal_keys = *keys;
  auto other = SealSigner::FromPemFile(SampleKey("other-test.pem"));
  REQUIRE(other.ok());
  options.seal_keys["fukou"] = *other;
  return options;
}

std::string PublicPem(const std::string& key_file) {
  auto key = internal::LoadSm2PublicKeyPem(SampleKey(key_file));
  REQUIRE(key.ok());
  return internal::PublicKeyPem(*key);
}

Command Admin(std::string type, std::string id, boost::json::object data) {
  return testing::MakeCommand(std::move(type), std::move(id), "2022-06-01T09:00:00+08:00",
                              std::move(data));
}

void MustApply(Engine& engine, const Command& command) {
  auto r = engine.Execute(command);
  REQUIRE(r.ok());
  INFO((r->rejection ? r->rejection->code + ": " + r->rejection->message : std::string()));
  REQUIRE(r->outcome == CommandResult::Outcome::kApplied);
}

// The 2022 sample written with seals: 市场监管局 (sx-market) seals from
// 2022-12-19 (in the middle of its on-the-spot decisions), 高砂镇 (gaosha)
// from 2023-01-01, 浮口镇 (fukou) registered from 2022-06-01 and revoked
// from 2023-01-01 (its decisions of 2023-01-10/11 are unsealed).
const std::string& SealedStore() {
  static TempDir dir;
  static const std::string path = [] {
    const std::string p = dir.Sub("sealed");
    auto engine = Engine::Open(SealingOptions(), p);
    REQUIRE(engine.ok());
    testing::LoadAll(**engine, {"01-calendar.jsonl", "02-org.jsonl", "02-permissions.jsonl",
                                "03-powers.jsonl", "04-leniency.jsonl", "05-benchmarks.jsonl",
                                "06-hearing-thresholds.jsonl"});
    MustApply(**engine, Admin("register_agency_seal", "seal-sx-market",
                              {{"agency", "sx-market"},
                               {"public_key", PublicPem("seals/sx-market.pem")},
                               {"valid_from", "2022-12-19"}}));
    MustApply(**engine, Admin("register_agency_seal", "seal-gaosha",
                              {{"agency", "gaosha"},
                               {"public_key", PublicPem("seals/gaosha.pem")},
                               {"valid_from", "2023-01-01"}}));
    MustApply(**engine, Admin("register_agency_seal", "seal-fukou",
                              {{"agency", "fukou"},
                               {"public_key", PublicPem("other-test.pem")},
                               {"valid_from", "2022-06-01"}}));
    auto other = internal::LoadSm2PublicKeyPem(SampleKey("other-test.pem"));
    REQUIRE(other.ok());
    MustApply(**engine, Admin("revoke_agency_seal", "seal-fukou-revoked",
                              {{"agency", "fukou"},
                               {"key_id", other->Fingerprint()},
                               {"revoked_on", "2023-01-01"},
                               {"reason", "测试：私钥泄露"}}));
    testing::LoadAll(**engine, {"07-cases-2022.jsonl"});
    return p;
  }();
  return path;
}

std::string CopyOfSealed(const TempDir& dir) { return CopyOf(SealedStore(), dir); }

// Every penalty decision event of the store.
std::vector<EventRecord> Decisions(const std::string& path) {
  std::vector<EventRecord> out;
  auto store = OpenRo(path);
  for (auto c = store->ReadAll(1); c->Valid(); c->Next()) {
    if (internal::IsSealedEventType(c->event().type)) out.push_back(c->event());
  }
  return out;
}

std::string Text(const EventRecord& e, std::string_view key) {
  return std::string(e.data.as_object().at(key).as_string());
}

const EventRecord& Sealed(const std::vector<EventRecord>& decisions, std::string_view agency) {
  for (const EventRecord& e : decisions) {
    if (Text(e, "handling_subject") == agency && e.data.as_object().contains("seal")) return e;
  }
  FAIL("no sealed decision of " << agency);
  static EventRecord none;
  return none;
}

Audit VerifyText(const std::string& text) {
  std::istringstream in(text);
  Audit audit;
  auto summary = VerifyDossier(in, EngineOptions(),
                               [&](const AuditFinding& f) { audit.findings.push_back(f); });
  REQUIRE(summary.ok());
  audit.summary = *summary;
  return audit;
}

std::string DossierOf(const std::string& path, const EventRecord& e) {
  std::ostringstream out;
  auto store = OpenRo(path);
  REQUIRE(WriteDossier(*store, e.stream.substr(5), out).ok());
  return out.str();
}

}  // namespace

TEST_CASE("seals: decisions from a seal's first day carry a valid seal, earlier ones none, "
          "and the store audits clean",
          "[audit][seal]") {
  const std::vector<EventRecord> decisions = Decisions(SealedStore());
  auto market = internal::LoadSm2PublicKeyPem(SampleKey("seals/sx-market.pem"));
  auto gaosha = internal::LoadSm2PublicKeyPem(SampleKey("seals/gaosha.pem"));
  REQUIRE(market.ok());
  REQUIRE(gaosha.ok());
  int sealed = 0, unsealed_before = 0, fukou = 0;
  for (const EventRecord& e : decisions) {
    INFO(e.stream << " " << e.type);
    const std::string agency = Text(e, "handling_subject");
    const std::string date = Text(e, "decided_on");
    const bool has_seal = e.data.as_object().contains("seal");
    if (agency == "sx-market") {
      CHECK(has_seal == (date >= "2022-12-19"));
      if (has_seal) {
        CHECK(internal::SealProblem(e.data.as_object(), "sx-market", *market).empty());
        ++sealed;
      } else {
        ++unsealed_before;
      }
    } else if (agency == "gaosha") {
      REQUIRE(has_seal);
      CHECK(internal::SealProblem(e.data.as_object(), "gaosha", *gaosha).empty());
      ++sealed;
    } else {
      // Other agencies have no seal; fukou's was revoked before it decided.
      CHECK_FALSE(has_seal);
      if (agency == "fukou") ++fukou;
    }
  }
  CHECK(sealed >= 3);
  CHECK(unsealed_before >= 3);
  CHECK(fukou == 2);
  {
    // The sealed events satisfy their schemas (schemas/events: the seal).
    TempDir dir;
    const std::string copy = CopyOfSealed(dir);
    auto engine = Engine::Open(EngineOptions(), copy);
    REQUIRE(engine.ok());
    testing::CheckEventSchemas(**engine, Sealed(decisions, "sx-market").stream);
    testing::CheckEventSchemas(**engine, Sealed(decisions, "gaosha").stream);
  }
  Audit audit = RunAudit(SealedStore());
  INFO(audit.Dump());
  CHECK(audit.summary.TotalFindings() == 0);
  CHECK(audit.summary.decisions_checked == decisions.size());
}

TEST_CASE("seals: a sealed decision's data changed with its chain, ledger and recorded command "
          "recomputed is seal_invalid, stripped of its seal seal_missing",
          "[audit][seal]") {
  TempDir dir;
  const std::string path = CopyOfSealed(dir);
  const EventRecord decision = Sealed(Decisions(path), "sx-market");
  SECTION("one changed byte") {
    const std::string old_number = Text(decision, "document_number");
    const std::string new_number = old_number + "X";
    RenumberDecision(path, decision, old_number, new_number);
    // The chain and the ledger agree with themselves: only the seal tells.
    CHECK(ChainFindings(path).empty());
    Audit audit = RunAudit(path);
    INFO(audit.Dump());
    CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "seal_invalid", decision.position));
    CHECK(audit.summary.TotalFindings() == 1);
    audit.CheckLanguages();
    // The dossier, checked offline with the public key it carries, agrees.
    Audit dossier = VerifyText(DossierOf(path, decision));
    INFO(dossier.Dump());
    CHECK(dossier.Has(AuditFinding::Kind::kIntegrity, "seal_invalid", decision.position));
    CHECK(dossier.summary.TotalFindings() == 1);
  }
  SECTION("the seal stripped") {
    Forge(path, decision.position, [](EventRecord* e) { e->data.as_object().erase("seal"); });
    CHECK(ChainFindings(path).empty());
    Audit audit = RunAudit(path);
    INFO(audit.Dump());
    CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "seal_missing", decision.position));
    CHECK(audit.summary.TotalFindings() == 1);
    audit.CheckLanguages();
    Audit dossier = VerifyText(DossierOf(path, decision));
    INFO(dossier.Dump());
    CHECK(dossier.Has(AuditFinding::Kind::kIntegrity, "seal_missing", decision.position));
  }
  SECTION("another agency's valid seal put on it") {
    const EventRecord other = Sealed(Decisions(path), "gaosha");
    Forge(path, decision.position, [&](EventRecord* e) {
      e->data.as_object()["seal"] = other.data.as_object().at("seal");
    });
    Audit audit = RunAudit(path);
    INFO(audit.Dump());
    CHECK(audit.Has(AuditFinding::Kind::kIntegrity, "seal_invalid", decision.position));
    audit.CheckLanguages();
    // Both agencies by name, the ids beside them, in the Chinese report.
    for (const AuditFinding& f : audit.findings) {
      if (f.code != "seal_invalid") continue;
      INFO(f.message_zh);
      CHECK(f.message_zh.find("（gaosha）") != std::string::npos);
      CHECK(f.message_zh.find("属于gaosha") == std::string::npos);
      CHECK(f.message_zh.find("属于 gaosha") == std::string::npos);
      CHECK(f.message.find("the seal is gaosha's") != std::string::npos);
    }
  }
}

TEST_CASE("seals: a seal made with a key revoked before the decision is seal_invalid",
          "[audit][seal]") {
  TempDir dir;
  const std::string path = CopyOfSealed(dir);
  const std::vector<EventRecord> decisions = Decisions(path);
  const EventRecord* fukou = nullptr;
  for (const EventRecord& e : decisions) {
    if (Text(e, "handling_subject") == "fukou") fukou = &e;
  }
  REQUIRE(fukou != nullptr);
  CHECK_FALSE(fukou->data.as_object().contains("seal"));
  // Someone holding the revoked private key seals fukou's decision with it.
  auto revoked = internal::LoadSm2PrivateKeyPem(SampleKey("other-test.pem"));
  REQUIRE(revoked.ok());
  auto seal = internal::MakeSeal(fukou->data.as_object(), "fukou", *revoked);
  REQUIRE(seal.ok());
  Forge(path, fukou->position, [&](EventRecord* e) { e->data.as_object()["seal"] = *seal; });
  Audit audit = RunAudit(path);
  INFO(audit.Dump());
  REQUIRE(audit.Has(AuditFinding::Kind::kIntegrity, "seal_invalid", fukou->position));
  CHECK(audit.summary.TotalFindings() == 1);
  CHECK(audit.findings.front().message_zh.find("注销") != std::string::npos);
  audit.CheckLanguages();
  CHECK(audit.findings.front().message.find("revoked") != std::string::npos);
}

TEST_CASE("seals: a decision of an agency whose seal is in force is refused when no private "
          "key, or another, is configured for it",
          "[audit][seal]") {
  TempDir dir;
  const std::string path = CopyOfSealed(dir);
  // A new on-the-spot decision of 市场监管局 on 2022-12-28, when its seal is in force.
  // Its clue and its decision, as a case of the sample had them, on a new case.
  const std::vector<Command> sample = testing::SampleCommands("07-cases-2022.jsonl");
  Command command;
  for (const Command& c : sample) {
    if (c.type == "issue_on_spot_decision" && c.at.starts_with("2022-12-28")) command = c;
  }
  REQUIRE(!command.type.empty());
  Command clue;
  for (const Command& c : sample) {
    if (c.type == "register_clue" && c.target == command.target) clue = c;
  }
  REQUIRE(!clue.type.empty());
  clue.command_id = "seal-test-clue";
  clue.target = "SX-2022-X9999";
  command.command_id = "seal-test-on-spot";
  command.target = "SX-2022-X9999";
  command.data.as_object()["document_number"] = "沙市监当罚〔2022〕9999号";
  SECTION("no key") {
    EngineOptions options;
    auto engine = Engine::Open(options, path);
    REQUIRE(engine.ok());
    MustApply(**engine, clue);
    auto r = (*engine)->Execute(command);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kFailedPrecondition);
    CHECK(r.status().message().find("sx-market") != std::string::npos);
    engine->reset();
    for (const EventRecord& e : Decisions(path)) CHECK(e.stream != "case/SX-2022-X9999");
    (void)engine;
  }
  SECTION("another agency's key") {
    EngineOptions options;
    options.seal_keys["sx-market"] = SealingOptions().seal_keys.at("gaosha");
    auto engine = Engine::Open(options, path);
    REQUIRE(engine.ok());
    MustApply(**engine, clue);
    auto r = (*engine)->Execute(command);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kFailedPrecondition);
  }
  SECTION("its key: sealed") {
    auto engine = Engine::Open(SealingOptions(), path);
    REQUIRE(engine.ok());
    MustApply(**engine, clue);
    MustApply(**engine, command);
    engine->reset();
    Audit audit = RunAudit(path);
    INFO(audit.Dump());
    // The new case was never reported (D13 stays open): that is its only finding.
    for (const AuditFinding& f : audit.findings) CHECK(f.kind == AuditFinding::Kind::kDeadline);
    CHECK(audit.findings.size() == 1);
    bool found = false;
    for (const EventRecord& e : Decisions(path)) {
      if (e.stream == "case/SX-2022-X9999") {
        found = true;
        CHECK(e.data.as_object().contains("seal"));
      }
    }
    CHECK(found);
  }
}

// Writes the seed corpora of the fuzz targets from the Shaxian sample:
//   zf_fuzz_seeds <dir>   (scripts/fuzz --seeds; checked in as tests/fuzz/corpus)
// into <dir>/<target>/<name>, replacing what is there. Deterministic: the
// same sample gives the same files, except the recorded_at stamps (and so
// the hashes) of event_decode and dossier, which the store takes from the
// clock.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "fuzz_support.h"
#include "store/envelope.h"
#include "util/canonical_json.h"
#include "util/sm3.h"
#include "zf/audit.h"
#include "zf/event_json.h"
#include "zf/event_store.h"

namespace {

namespace fs = std::filesystem;
using zf::fuzz::Check;

fs::path root;
std::size_t written = 0;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(root / target);
  std::ofstream out(root / target / name, std::ios::binary | std::ios::trunc);
  out << bytes;
  Check(out.good(), "seed written");
  ++written;
}

std::vector<std::string> Lines(const std::string& file) {
  std::ifstream in(zf::fuzz::SamplePath(file));
  Check(in.is_open(), "sample opens");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

// Two lines of every command type; the `data` of one of each; every
// distinct `at`, date-valued field and a few refusals for RFC 3339.
void CommandSeeds() {
  const char* files[] = {"01-calendar.jsonl",  "02-org.jsonl",        "03-powers.jsonl",
                         "04-leniency.jsonl",  "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl",
                         "07-cases-2022.jsonl", "08-cases-2023.jsonl", "09-inspect-once-2023.jsonl"};
  std::map<std::string, int> per_type;
  std::set<std::string> times;
  for (const char* file : files) {
    for (const std::string& line : Lines(file)) {
      boost::json::object o = boost::json::parse(line).as_object();
      const std::string type(o.at("command").as_string());
      int& n = per_type[type];
      if (n < 2) Write("command", type + "-" + std::to_string(n), line);
      if (n == 0) {
        std::string data;
        Check(zf::internal::AppendCanonicalJson(o.at("data"), &data).ok(), "sample data");
        Write("canonical_json", type, boost::json::serialize(o.at("data")));
      }
      ++n;
      if (times.size() < 24) times.insert(std::string(o.at("at").as_string()));
    }
  }
  int i = 0;
  for (const std::string& t : times) Write("rfc3339", "sample-" + std::to_string(i++), t);
  const char* more[] = {"2023-09-12",           "2024-02-29",           "2023-12-31T23:59:59.999999999-23:59",
                        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2023-09-12t09:30:00.5z",
                        "2024-02-29T00:00:00-00:00", "2023-02-29T00:00:00Z", "2023-09-12T24:00:00Z",
                        "2023-09-12T09:30:60+08:00"};
  for (const char* t : more) Write("rfc3339", "edge-" + std::to_string(i++), t);
  const char* json[] = {R"({"a":[1,-2,18446744073709551615,-9223372036854775808],"b":null})",
                        R"({"\u0000\u001f\"\\/":"\ud83d\ude00\u00e9","":true,"~":false})",
                        R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])",
                        R"({"f":1.5})", R"("\ud800")"};
  i = 0;
  for (const char* j : json) Write("canonical_json", "edge-" + std::to_string(i++), j);
}

// Stored values (canonical ‖ hash ‖ ledger) of one event of every type in
// the engine: re-encoded from the records as the writer encodes them.
void EventSeeds(zf::Engine& engine) {
  using namespace zf::internal;
  std::set<std::string> types;
  Hash ledger{};
  for (auto cursor = engine.store()->ReadAll(1); cursor->Valid(); cursor->Next()) {
    const zf::EventRecord& e = cursor->event();
    std::string data;
    Check(AppendCanonicalJson(e.data, &data).ok(), "stored data encodes");
    zf::AppendRequest request;
    request.stream = e.stream;
    request.command_id = e.command_id;
    request.events.push_back(zf::NewEvent{e.type, e.schema, e.occurred_at, e.actor, e.data});
    PreparedEvent prepared{&request.events[0], data};
    std::string value;
    EncodeCanonical(request, prepared, Stamp{e.position, e.version, e.recorded_at, e.prev_hash},
                    &value);
    const Hash hash = Sm3(value);
    Check(ToHex(hash) == e.hash, "re-encoded event has its stored hash");
    ledger = NextLedgerHash(ledger, e.position, hash);
    if (!types.insert(e.type).second) continue;
    value.append(reinterpret_cast<const char*>(hash.data()), hash.size());
    value.append(reinterpret_cast<const char*>(ledger.data()), ledger.size());
    Write("event_decode", e.type, value);
  }
}

// A dossier carries the reference data its case was judged on, and the
// sample's (200 officers, 75 power items, ...) makes one of 800 KB, too
// big to fuzz quickly. So each dossier seed comes from a small world: the
// reference commands that name the case's officers or items, or are not
// of a bulky kind, then the case's own commands.
void DossierSeed(const std::string& case_id) {
  std::vector<std::string> case_lines;
  for (const std::string& line : Lines("08-cases-2023.jsonl")) {
    if (line.find("\"" + case_id + "\"") != std::string::npos) case_lines.push_back(line);
  }
  std::set<std::string> keys;  // officer ids and item codes the case names
  for (const std::string& line : case_lines) {
    for (const std::string prefix : {"SX-OF-", "MG-"}) {  // officers, grid nodes
      for (std::size_t at = line.find(prefix); at != std::string::npos;
           at = line.find(prefix, at + 1)) {
        keys.insert(line.substr(at, prefix.size() + 4));
      }
    }
    const boost::json::object o = boost::json::parse(line).as_object();
    if (const auto* item = o.at("data").as_object().if_contains("item_code")) {
      keys.insert(std::string(item->as_string()));
    }
  }
  const std::set<std::string> bulky = {
      "register_officer", "issue_credential",  "assign_officer_to_area", "register_grid_node",
      "revoke_credential", "publish_power_item", "publish_leniency_entry", "publish_benchmark",
      "map_non_tax_item",  "claim_item",         "withdraw_power_item",   "withdraw_delegation",
      "define_inspection_scenario"};
  std::vector<zf::Command> commands;
  for (const char* file : {"01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl",
                           "04-leniency.jsonl", "05-benchmarks.jsonl",
                           "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl"}) {
    for (const std::string& line : Lines(file)) {
      const boost::json::value json = boost::json::parse(line);
      const std::string type(json.at("command").as_string());
      if (std::string(file) == "07-cases-2022.jsonl" && type != "map_non_tax_item") continue;
      bool named = false;
      for (const std::string& key : keys) named = named || line.find(key) != std::string::npos;
      if (bulky.count(type) && !named) continue;
      commands.push_back(*zf::CommandFromJson(json));
    }
  }
  auto store = zf::NewMemoryEventStore();
  auto engine = zf::Engine::Open(zf::EngineOptions{}, std::shared_ptr<zf::EventStore>(std::move(*store)));
  Check(engine.ok(), "engine opens");
  // Reference commands that need one left out are refused: that is fine.
  Check((*engine)->ExecuteBatch(commands, zf::BatchMode::kIndependent).ok(), "reference data");
  for (const std::string& line : case_lines) {
    auto result = (*engine)->Execute(*zf::CommandFromJson(boost::json::parse(line)));
    if (!result.ok() || result->outcome != zf::CommandResult::Outcome::kApplied) {
      std::cerr << "dossier seed " << case_id << ": " << line.substr(0, 40) << " does not apply "
                << "in the small world ("
                << (!result.ok() ? result.status().ToString()
                                 : result->rejection ? result->rejection->message : "")
                << "); left out\n";
      return;
    }
  }
  std::ostringstream out;
  Check(zf::WriteDossier(*(*engine)->store(), case_id, out).ok(), "dossier written");
  Write("dossier", case_id, out.str());
}

void DossierSeeds() {
  // Cases of several kinds (X on the spot, E enterprise, S ordinary, T
  // township, J joint, M, G grid-raised); those that need reference data
  // the small world leaves out are skipped.
  for (const char* id : {"SX-2023-X0001", "SX-2023-E0001", "SX-2023-E0010", "SX-2023-S0001",
                         "SX-2023-T0001", "SX-2023-J0001", "SX-2023-M0001", "SX-2023-G0002"}) {
    DossierSeed(id);
  }
}

void HttpSeeds() {
  auto get = [](const std::string& target, const std::string& token) {
    return "GET " + target + " HTTP/1.1\r\nHost: zf\r\nAuthorization: Bearer " + token +
           "\r\n\r\n";
  };
  const char* targets[] = {"/v1/health",
                           "/metrics",
                           "/v1/cases?township=gaosha&open=true&as_of=2023-06-30",
                           "/v1/cases/SX-2023-X0001",
                           "/v1/cases/SX-2023-X0001/history",
                           "/v1/cases/SX-2023-X0001/explain?as_of=2023-03-01T00:00:00%2B08:00",
                           "/v1/cases/SX-2023-X0001/dossier",
                           "/v1/cases/SX-2023-X0001/audit",
                           "/v1/deadlines?within=10&breached=false&as_of=2023-03-01",
                           "/v1/statistics?from=2023-01-01&to=2023-03-31",
                           "/v1/rules?as_of=2023-01-01&subject=gaosha",
                           "/v1/rules/competent?item=MARKET-006&township=qiujiang",
                           "/v1/calendar/due?from=2023-09-12&working_days=5&bearer=agency",
                           "/v1/events?from=5&limit=3&prefix=case/&type=clue_registered",
                           "/v1/events/stream?from=1&prefix=org",
                           // The web console's routes and the reads it uses (issue 19).
                           "/",
                           "/console/js/app.js",
                           "/v1/me",
                           "/v1/names"};
  int i = 0;
  for (const char* t : targets) {
    Write("http", "get-" + std::to_string(i), get(t, i % 3 == 0 ? "t2" : "t1"));
    ++i;
  }
  auto post = [](const std::string& body, const std::string& token) {
    return "POST /v1/commands HTTP/1.1\r\nHost: zf\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  // The 2023 cases after the 200 the engine holds: commands that apply.
  const std::vector<std::string> lines = Lines("08-cases-2023.jsonl");
  for (std::size_t k = 200; k < 206; ++k) Write("http", "post-" + std::to_string(k), post(lines[k], "t1"));
  Write("http", "post-batch", post("{\"mode\":\"atomic\",\"commands\":[" + lines[206] + "," + lines[207] + "]}", "t1"));
  Write("http", "post-auditor", post(lines[208], "t2"));
  Write("http", "post-grid",
        post(R"({"command":"report_grid_ticket","command_id":"g-1","at":"2023-03-01T09:00:00+08:00",)"
             R"("actor":{"id":"SX-GW-0001","role":"grid_worker","unit":"gaosha"},"ticket_id":"GT-1","data":{}})",
             "t3"));
  Write("http", "stream-last-id",
        "GET /v1/events/stream?prefix=case/ HTTP/1.1\r\nAuthorization: Bearer t1\r\nLast-Event-ID: "
        "40\r\n\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: zf_fuzz_seeds <corpus dir>\n";
    return 2;
  }
  root = argv[1];
  for (const char* t : {"command", "canonical_json", "rfc3339", "event_decode", "http", "dossier"}) {
    fs::remove_all(root / t);
  }
  CommandSeeds();
  std::unique_ptr<zf::Engine> engine = zf::fuzz::SampleEngine(400);
  EventSeeds(*engine);
  DossierSeeds();
  HttpSeeds();
  std::cout << "wrote " << written << " seeds under " << root << "\n";
  return 0;
}

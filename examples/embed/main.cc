// embed_app — the smallest program that embeds zf: open a RocksDB event
// store, append two events, read them back and verify the hash chain.
//
// Usage: embed_app [db-dir]   (default ./embed-data)
//
// Exits 0 when the events read back equal the events appended and the chain
// verifies; otherwise prints the failing Status (or finding) and exits 1.
// Safe to run repeatedly on the same directory: each run uses a fresh
// command id and appends to the end of the stream.
//
// Uses only the public API: <zf/event_store.h>.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <zf/event_store.h>

namespace {

constexpr const char* kStream = "demo/embed-1";

int Fail(const zf::Status& status, const char* what) {
  std::cerr << "embed_app: " << what << ": " << status.ToString() << "\n";
  return 1;
}

int Fail(const std::string& what) {
  std::cerr << "embed_app: " << what << "\n";
  return 1;
}

zf::NewEvent MakeEvent(std::int64_t n) {
  zf::NewEvent event;
  event.type = "demo_recorded";
  event.occurred_at = "2023-09-12T09:30:00+08:00";
  event.actor = zf::Actor{"embed", "system", "demo"};
  event.data = boost::json::object{{"n", n}};
  return event;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "./embed-data";

  zf::StoreOptions options;
  options.create_if_missing = true;
  auto opened = zf::OpenRocksDbEventStore(options, path);
  if (!opened.ok()) return Fail(opened.status(), "open");
  std::unique_ptr<zf::EventStore> store = std::move(opened).value();

  // Unique per run: the log only grows, so its head position never repeats.
  const std::string command_id =
      "embed-" + std::to_string(store->Ledger().position);
  const std::vector<zf::NewEvent> appended = {MakeEvent(1), MakeEvent(2)};

  auto result = store->Append(kStream, zf::ExpectedVersion::Any(), appended,
                              command_id);
  if (!result.ok()) return Fail(result.status(), "append");
  if (result->already_applied) {
    return Fail("append: command " + command_id + " was already applied");
  }
  if (result->last_version - result->first_version + 1 != appended.size() ||
      result->last_position - result->first_position + 1 != appended.size()) {
    return Fail("append: wrote an unexpected number of events");
  }

  // Read the whole stream (earlier runs included) and check this run's tail.
  // The cursor holds a snapshot: scope it so it is gone before Close().
  std::size_t matched = 0;
  std::string last_hash;
  {
    auto cursor = store->ReadStream(kStream, 1, zf::Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) {
      const zf::EventRecord& e = cursor->event();
      std::cout << e.position << " " << e.version << " " << e.type << " "
                << e.hash << "\n";
      if (e.version < result->first_version) continue;
      const std::size_t i = e.version - result->first_version;
      if (i >= appended.size()) {
        return Fail("read: unexpected event at version " +
                    std::to_string(e.version));
      }
      const zf::NewEvent& want = appended[i];
      if (e.stream != kStream || e.position != result->first_position + i ||
          e.type != want.type || e.schema != want.schema ||
          e.occurred_at != want.occurred_at || !(e.actor == want.actor) ||
          e.data != want.data || e.command_id != command_id) {
        return Fail("read: event at version " + std::to_string(e.version) +
                    " differs from what was appended");
      }
      last_hash = e.hash;
      ++matched;
    }
    if (zf::Status s = cursor->status(); !s.ok()) return Fail(s, "read");
  }
  if (matched != appended.size() || last_hash != result->last_hash) {
    return Fail("read: read back " + std::to_string(matched) + " of " +
                std::to_string(appended.size()) + " appended events");
  }

  auto report = store->VerifyChain();
  if (!report.ok()) return Fail(report.status(), "verify");
  if (!report->ok()) {
    for (const zf::ChainFinding& f : report->findings) {
      std::cerr << "embed_app: verify: " << zf::ChainFindingKindName(f.kind)
                << " at position " << f.position << " (" << f.stream << " v"
                << f.version << "): " << f.detail << "\n";
    }
    return 1;
  }
  std::cout << "chain ok: " << report->events_checked << " events, ledger "
            << report->ledger_hash << "\n";

  if (zf::Status s = store->Close(); !s.ok()) return Fail(s, "close");
  return 0;
}

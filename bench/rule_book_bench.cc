// rule_book_bench — what the rule book costs a process that opens a store.
//
// Reads every reference stream of the store (read-only, beside a writer if
// there is one), then, per stream and for all of them, folds the events
// into a RuleBook and reports the fold's time and the heap it holds
// (mallinfo2), the time to copy the whole book and to destroy a deep copy.
// Every engine folds this at its open; at 10^7 events (a province) it is
// most of what `zfcli case show` costs (docs/performance.md, "Opening a
// province store").
//
//   rule_book_bench STORE_DIR
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_args.h"
#include "rules/rule_book.h"
#include "zf/event_store.h"

namespace {

using zf::EventRecord;
using zf::internal::RuleBook;

template <class Fn>
double Seconds(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double HeapMb() { return static_cast<double>(mallinfo2().uordblks) / 1e6; }

// Folds `events` into a new RuleBook; dies on a fold error.
std::unique_ptr<RuleBook> Fold(const std::vector<const EventRecord*>& events) {
  auto rules = std::make_unique<RuleBook>();
  for (const EventRecord* e : events) {
    if (zf::Status s = rules->Apply(*e); !s.ok()) {
      zf::bench::Die("rule_book_bench", fmt::format("{} v{}: {}", e->stream, e->version,
                                                    s.ToString()));
    }
  }
  return rules;
}

void Row(std::string_view what, std::size_t events, double fold_s, double heap_mb) {
  fmt::print("| {} | {} | {:.3f} | {:.1f} |\n", what, events, fold_s, heap_mb);
}

// competent_subject(item, township, date) for every township the
// delegations name and every item (about 200,000 checks, items taken evenly
// when there are more), on the first of each month of 2023: what each
// command's competence check costs (a few per command).
void CompetenceChecks(const zf::internal::PowerList& powers) {
  const std::vector<std::string> townships = powers.Townships();
  std::vector<std::string> items;
  const std::vector<std::string> all_items = powers.ItemCodes();
  const std::size_t step =
      std::max<std::size_t>(1, townships.size() * all_items.size() * 12 / 200'000);
  for (std::size_t i = 0; i < all_items.size(); i += step) items.push_back(all_items[i]);
  std::size_t checks = 0, delegated = 0;
  const double s = Seconds([&] {
    for (int month = 1; month <= 12; ++month) {
      const zf::Date date = *zf::Date::Parse(fmt::format("2023-{:02}-01", month));
      for (const std::string& t : townships) {
        for (const std::string& item : items) {
          delegated += powers.CompetentAsOf(item, t, date).delegated ? 1 : 0;
          ++checks;
        }
      }
    }
  });
  fmt::print("\ncompetence checks: {} townships x {} items x 12 dates = {} in {:.3f} s, "
             "{:.2f} us each ({} delegated)\n",
             townships.size(), items.size(), checks, s, 1e6 * s / static_cast<double>(checks),
             delegated);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) zf::bench::Die("rule_book_bench", "usage: rule_book_bench STORE_DIR");
  zf::StoreOptions options;
  options.read_only = true;
  auto store = zf::OpenRocksDbEventStore(options, argv[1]);
  if (!store.ok()) zf::bench::Die("rule_book_bench", store.status().ToString());

  std::vector<EventRecord> events;
  const double read_s = Seconds([&] {
    for (std::string_view stream : zf::internal::kReferenceStreams) {
      auto cursor = (*store)->ReadStream(stream, 1, zf::Direction::kForward);
      for (; cursor->Valid(); cursor->Next()) events.push_back(cursor->TakeEvent());
      if (!cursor->status().ok()) zf::bench::Die("rule_book_bench", cursor->status().ToString());
    }
  });
  fmt::print("{} reference events read in {:.3f} s (one thread, stream by stream)\n\n",
             events.size(), read_s);
  fmt::print("| stream | events | fold (s) | heap held (MB) |\n|---|---:|---:|---:|\n");
  for (std::string_view stream : zf::internal::kReferenceStreams) {
    std::vector<const EventRecord*> part;
    for (const EventRecord& e : events) {
      if (e.stream == stream) part.push_back(&e);
    }
    const double heap = HeapMb();
    std::unique_ptr<RuleBook> rules;
    const double fold_s = Seconds([&] { rules = Fold(part); });
    Row(stream, part.size(), fold_s, HeapMb() - heap);
  }
  std::vector<const EventRecord*> all;
  for (const EventRecord& e : events) all.push_back(&e);
  const double heap = HeapMb();
  std::unique_ptr<RuleBook> rules;
  const double fold_s = Seconds([&] { rules = Fold(all); });
  Row("all", all.size(), fold_s, HeapMb() - heap);

  // A copy shares the parts; folding one event of each stream into the
  // copy makes it copy those parts, as a dry run or an atomic batch that
  // publishes reference data does.
  std::unique_ptr<RuleBook> copy;
  const double copy_s = Seconds([&] { copy = std::make_unique<RuleBook>(*rules); });
  double deep_s = 0;
  for (std::string_view stream : zf::internal::kReferenceStreams) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->stream != stream) continue;
      // Folding a stream's last event again is refused after the part is
      // copied (out of sequence); the copy is what is timed.
      deep_s += Seconds([&] { copy->Apply(*it).IgnoreError(); });
      break;
    }
  }
  const double destroy_s = Seconds([&] { copy.reset(); });
  fmt::print("\ncopy: {:.6f} s; copying every part on a fold into the copy: {:.3f} s; "
             "destroying that copy: {:.3f} s\n",
             copy_s, deep_s, destroy_s);
  CompetenceChecks(rules->powers());
  return 0;
}

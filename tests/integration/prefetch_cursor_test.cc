// PrefetchCursor: a reader thread decodes the log a few batches ahead. It
// must deliver exactly the source's events in order, pass on the source's
// failure after the events before it, and stop its thread when dropped
// early.
#include <thread>

#include <catch2/catch.hpp>

#include "store/prefetch_cursor.h"
#include "zf/event_store.h"

namespace zf {
namespace {

// A cursor over `n` made-up events that fails after them when `fail`.
class SyntheticCursor final : public EventCursor {
 public:
  SyntheticCursor(std::uint64_t n, bool fail) : n_(n), fail_(fail) { Make(); }
  bool Valid() const override { return at_ <= n_; }
  const EventRecord& event() const override { return event_; }
  void Next() override {
    ++at_;
    Make();
  }
  Status status() const override {
    return fail_ && at_ > n_ ? IOError("injected log read failure") : Status::Ok();
  }

 private:
  void Make() {
    event_.position = at_;
    event_.stream = "case/C" + std::to_string(at_ % 7);
    event_.type = "clue_registered";
  }
  std::uint64_t n_;
  bool fail_;
  std::uint64_t at_ = 1;
  EventRecord event_;
};

TEST_CASE("A prefetching cursor delivers the source's events in order", "[store][prefetch]") {
  const std::size_t batch = GENERATE(1, 3, 512);
  const std::uint64_t n = GENERATE(0, 1, 1000, 1537);
  INFO("batch " << batch << ", events " << n);
  auto cursor = internal::PrefetchCursor(std::make_unique<SyntheticCursor>(n, false), batch, 2);
  std::uint64_t expected = 1;
  for (; cursor->Valid(); cursor->Next(), ++expected) {
    REQUIRE(cursor->event().position == expected);
    REQUIRE(cursor->event().stream == "case/C" + std::to_string(expected % 7));
  }
  CHECK(expected == n + 1);
  CHECK(cursor->status().ok());
}

TEST_CASE("A prefetching cursor passes on the source's failure after its events",
          "[store][prefetch]") {
  const std::size_t batch = GENERATE(1, 4, 100);
  auto cursor = internal::PrefetchCursor(std::make_unique<SyntheticCursor>(10, true), batch, 2);
  std::uint64_t seen = 0;
  for (; cursor->Valid(); cursor->Next()) ++seen;
  CHECK(seen == 10);
  CHECK(cursor->status().code() == StatusCode::kIOError);
  CHECK(cursor->status().message().find("injected") != std::string::npos);
}

TEST_CASE("A prefetching cursor dropped early stops its reader", "[store][prefetch]") {
  // A million events, two batches of ten ahead: the reader waits for room
  // and must leave when the cursor goes (the test would hang otherwise).
  auto cursor =
      internal::PrefetchCursor(std::make_unique<SyntheticCursor>(1'000'000, false), 10, 2);
  REQUIRE(cursor->Valid());
  cursor->Next();
  CHECK(cursor->event().position == 2);
  cursor.reset();
}

TEST_CASE("A marking cursor marks every event on its reader thread, in order",
          "[store][prefetch]") {
  const std::size_t batch = GENERATE(1, 3, 512);
  const std::uint64_t n = GENERATE(0, 1, 1000);
  INFO("batch " << batch << ", events " << n);
  const std::thread::id caller = std::this_thread::get_id();
  std::uint64_t marked = 0, last_marked = 0;  // the reader's until JoinReader
  bool on_caller = false, in_order = true;
  auto cursor = internal::PrefetchCursor(
      std::make_unique<SyntheticCursor>(n, false),
      [&](const EventRecord& e) {
        on_caller = on_caller || std::this_thread::get_id() == caller;
        in_order = in_order && e.position == last_marked + 1;
        last_marked = e.position;
        ++marked;
        return e.position * 3 + 1;
      },
      batch, 2);
  std::uint64_t expected = 1;
  for (; cursor->Valid(); cursor->Next(), ++expected) {
    REQUIRE(cursor->mark() == expected * 3 + 1);
    // Taken, the event is the caller's: the mark stays with its place.
    EventRecord taken = cursor->TakeEvent();
    REQUIRE(taken.position == expected);
    REQUIRE(taken.stream == "case/C" + std::to_string(expected % 7));
    REQUIRE(cursor->mark() == expected * 3 + 1);
  }
  cursor->JoinReader();
  CHECK(expected == n + 1);
  CHECK(marked == n);
  CHECK(in_order);
  CHECK_FALSE(on_caller);
  CHECK(cursor->status().ok());
}

}  // namespace
}  // namespace zf

// Fixtures shared by zf's tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "zf/clock.h"
#include "zf/event_store.h"

namespace zf::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string Sub(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A clock the test moves by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t micros = 1700000000000000) : now_(micros) {}
  std::int64_t NowMicros() const override { return now_.load(); }
  void Advance(std::int64_t micros) { now_ += micros; }

 private:
  std::atomic<std::int64_t> now_;
};

// An event of the given type with payload {"n": n, "note": note}.
NewEvent MakeEvent(std::string type, std::int64_t n, std::string note = "");

// An append request of `count` events to `stream`.
AppendRequest MakeRequest(std::string stream, std::string command_id, std::size_t count = 1,
                          ExpectedVersion expected = ExpectedVersion::Any());

// Opens a store of the named kind: "memory", "rocksdb" (under dir) or
// "postgresql" (a schema of the test cluster kept for dir; pg_test_support.h).
std::unique_ptr<EventStore> OpenStore(const std::string& kind, const TempDir& dir,
                                      std::shared_ptr<Clock> clock = nullptr);

// Starts `program` with `args`, lets it run for `run_for`, SIGKILLs it and
// returns what it printed on stdout before it died (REQUIREs that the kill
// is what ended it). For the crash tests: what the child printed was
// acknowledged before the kill.
std::string OutputUntilKilled(const std::string& program, const std::vector<std::string>& args,
                              std::chrono::milliseconds run_for);

}  // namespace zf::testing

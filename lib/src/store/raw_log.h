// The raw view of a store that chain verification and cursors work on: the
// stored bytes, before any trust is placed in them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/key_codec.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// Iterates stored events in key (position) order. Not thread-safe.
class RawScan {
 public:
  virtual ~RawScan() = default;
  virtual bool Valid() const = 0;
  virtual std::uint64_t position() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  virtual Status status() const = 0;
};

// Turns index entries met in key order (by stream, then version) into each
// stream's last entry, its head: Add every entry, then Finish.
class StreamEndTracker {
 public:
  using Fn = std::function<void(std::string_view stream, std::uint64_t version,
                                std::uint64_t position)>;
  explicit StreamEndTracker(const Fn& fn) : fn_(fn) {}

  void Add(std::string_view stream, std::uint64_t version, std::uint64_t position) {
    if (pending_ && stream != stream_) fn_(stream_, version_, position_);
    stream_.assign(stream);
    version_ = version;
    position_ = position;
    pending_ = true;
  }
  void Finish() {
    if (pending_) fn_(stream_, version_, position_);
    pending_ = false;
  }

 private:
  const Fn& fn_;
  std::string stream_;
  std::uint64_t version_ = 0, position_ = 0;
  bool pending_ = false;
};

class RawLog {
 public:
  virtual ~RawLog() = default;
  virtual std::unique_ptr<RawScan> ScanFrom(std::uint64_t from_position) const = 0;
  virtual Result<std::optional<std::string>> GetRaw(std::uint64_t position) const = 0;
  virtual Result<std::optional<std::uint64_t>> IndexLookup(std::string_view stream,
                                                           std::uint64_t version) const = 0;
  // The index entry that points at `position`, if any. May scan the whole
  // index: only used to name the stream of a missing event.
  virtual Result<std::optional<std::pair<std::string, std::uint64_t>>> FindIndexEntry(
      std::uint64_t position) const = 0;
  // Calls fn with the last index entry of every stream: the version and
  // position the index holds as the stream's head.
  virtual Status ForEachStreamEnd(
      const std::function<void(std::string_view stream, std::uint64_t version,
                               std::uint64_t position)>& fn) const = 0;
  // Whether ForEachIndexEntry is a sequential scan. Where it is, the chain
  // check compares the index with the log as two multisets (one pass of
  // each) instead of looking every event up in the index.
  virtual bool HasIndexScan() const { return false; }
  // Calls fn with every stream index entry, in any order. Only called
  // when HasIndexScan().
  virtual Status ForEachIndexEntry(
      const std::function<void(std::string_view stream, std::uint64_t version,
                               std::uint64_t position)>& fn) const {
    (void)fn;
    return InternalError("this store has no index scan");
  }
  // The ledger head as recorded by the last commit.
  virtual LedgerState RecordedLedger() const = 0;
};

}  // namespace zf::internal

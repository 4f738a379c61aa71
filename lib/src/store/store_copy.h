// A copy of one consistent state of a store in a new RocksDB store:
// PostgreSQL's Backup() (the RocksDB store backs itself up with a RocksDB
// checkpoint instead). The copy holds the stored bytes as they are, so it
// ends at the same ledger head and verifies with the same hashes.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "store/key_codec.h"
#include "zf/status.h"

namespace zf::internal {

// What a copy reads: every call sees the same state of the source, the one
// whose ledger head is ledger(). Each scan stops at the first error its
// callback returns and returns it.
class StoreCopySource {
 public:
  using EventFn = std::function<Status(std::uint64_t position, std::string_view stream,
                                       std::uint64_t version, std::string_view value)>;
  using CommandFn = std::function<Status(std::string_view command_id, const CommandRecord& record)>;
  using RowFn = std::function<Status(std::string_view key, std::string_view value)>;
  using CheckpointFn = std::function<Status(std::uint64_t position, std::string_view record)>;

  virtual ~StoreCopySource() = default;
  virtual LedgerState ledger() const = 0;
  // Events 1..ledger().position in position order, each with its stored
  // value (envelope.h).
  virtual Status ScanEvents(const EventFn& fn) const = 0;
  // The command records of those events, in any order.
  virtual Status ScanCommands(const CommandFn& fn) const = 0;
  virtual Status ScanProjections(const RowFn& fn) const = 0;
  // The checkpoints at or before ledger().position.
  virtual Status ScanCheckpoints(const CheckpointFn& fn) const = 0;
};

// Writes a new RocksDB store at `directory` holding what `source` reads,
// then opens the copy read-only and verifies its whole chain: it must end
// at source.ledger(). Nothing is left at `directory` when this fails.
// kAlreadyExists (subject: the directory) when `directory` exists;
// kCorruption when the copy does not verify; the source's read errors.
Status WriteRocksDbCopy(const StoreCopySource& source, std::string_view directory);

}  // namespace zf::internal

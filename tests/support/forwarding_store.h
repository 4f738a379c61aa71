// An EventStore that forwards every call to another: tests derive from it
// and override the calls they watch or break.
#pragma once

#include <memory>
#include <utility>

#include "zf/event_store.h"

namespace zf::testing {

class ForwardingStore : public EventStore {
 public:
  explicit ForwardingStore(std::shared_ptr<EventStore> inner) : inner_(std::move(inner)) {}

  Result<AppendResult> Append(const AppendRequest& request, const AppendOptions& options) override {
    return inner_->Append(request, options);
  }
  Result<std::vector<Result<AppendResult>>> AppendBatch(std::span<const AppendRequest> requests,
                                                        const AppendOptions& options) override {
    return inner_->AppendBatch(requests, options);
  }
  std::unique_ptr<EventCursor> ReadStream(std::string_view stream, std::uint64_t from,
                                          Direction direction) const override {
    return inner_->ReadStream(stream, from, direction);
  }
  std::unique_ptr<EventCursor> ReadAll(std::uint64_t from) const override {
    return inner_->ReadAll(from);
  }
  Result<EventRecord> ReadEvent(std::uint64_t position) const override {
    return inner_->ReadEvent(position);
  }
  Result<StreamHead> Head(std::string_view stream) const override { return inner_->Head(stream); }
  LedgerHead Ledger() const override { return inner_->Ledger(); }
  Result<AppendResult> FindCommand(std::string_view id) const override {
    return inner_->FindCommand(id);
  }
  Result<RecordedCommand> ReadCommand(std::string_view id) const override {
    return inner_->ReadCommand(id);
  }
  std::unique_ptr<Subscription> Subscribe(std::uint64_t from) override {
    return inner_->Subscribe(from);
  }
  Result<ChainReport> VerifyChain(const VerifyOptions& options) const override {
    return inner_->VerifyChain(options);
  }
  Result<std::optional<std::string>> ReadProjection(std::string_view key) const override {
    return inner_->ReadProjection(key);
  }
  Status ScanProjections(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_->ScanProjections(prefix, fn);
  }
  Status ScanProjectionsFrom(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_->ScanProjectionsFrom(prefix, start, fn);
  }
  Status WriteProjections(std::span<const ProjectionWrite> writes) override {
    return inner_->WriteProjections(writes);
  }
  Status PutCheckpoint(std::uint64_t position, std::string_view record) override {
    return inner_->PutCheckpoint(position, record);
  }
  Status ScanCheckpoints(
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const override {
    return inner_->ScanCheckpoints(fn);
  }
  Status Backup(std::string_view directory) override { return inner_->Backup(directory); }
  Status Close() override { return inner_->Close(); }
  bool read_only() const override { return inner_->read_only(); }
  Status SetServingAddress(std::string_view address) override {
    return inner_->SetServingAddress(address);
  }

 protected:
  const std::shared_ptr<EventStore>& inner() const { return inner_; }

 private:
  std::shared_ptr<EventStore> inner_;
};

}  // namespace zf::testing

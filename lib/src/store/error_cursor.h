// A cursor that yields nothing but an error: what a read returns when it
// cannot start (closed store, malformed stream name).
#pragma once

#include "zf/event_store.h"

namespace zf::internal {

class ErrorCursor final : public EventCursor {
 public:
  explicit ErrorCursor(Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  const EventRecord& event() const override { return record_; }
  void Next() override {}
  Status status() const override { return status_; }

 private:
  Status status_;
  EventRecord record_;
};

}  // namespace zf::internal
